//! Whose connection this is, behind a balancer. A connection from an
//! address in `--trusted-proxies` may say whom it carries: with a PROXY
//! protocol header (v1 or v2, as HAProxy's `send-proxy-v2` writes it) before
//! its first byte of HTTP, or, without one, with `X-Forwarded-For` on each
//! request (nginx). From any other address both are ignored, so nobody can
//! borrow another's address to dodge the per-address limits.

use axum::http::HeaderMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

/// A block of addresses, as `10.0.0.0/8` or `::1/128` (a bare address is
/// that one address).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix_len: u8,
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(text: &str) -> Result<Cidr, String> {
        let (addr, prefix) = match text.trim().split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text.trim(), None),
        };
        let network: IpAddr = addr.parse().map_err(|_| {
            "trusted proxies: expected an address or CIDR block such as 10.0.0.0/8".to_owned()
        })?;
        let bits = if network.is_ipv4() { 32 } else { 128 };
        let prefix_len = match prefix {
            None => bits,
            Some(prefix) => prefix
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= bits)
                .ok_or_else(|| format!("trusted proxies: a prefix length is 0 to {bits}"))?,
        };
        Ok(Cidr {
            network,
            prefix_len,
        })
    }
}

impl Cidr {
    fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                prefix_matches(&net.octets(), &ip.octets(), self.prefix_len)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                prefix_matches(&net.octets(), &ip.octets(), self.prefix_len)
            }
            _ => false,
        }
    }
}

/// An IPv4 client seen through an IPv6 socket (`::ffff:a.b.c.d`) is that
/// IPv4 address, for the limits as for the list.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn prefix_matches(net: &[u8], ip: &[u8], prefix_len: u8) -> bool {
    let (whole, rest) = (usize::from(prefix_len / 8), prefix_len % 8);
    if net[..whole] != ip[..whole] {
        return false;
    }
    rest == 0 || {
        let mask = 0xffu8 << (8 - rest);
        net[whole] & mask == ip[whole] & mask
    }
}

/// The balancers (and, with several nodes, the other nodes, which relay
/// members) whose word on a client's address is taken.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Vec<Cidr>);

impl TrustedProxies {
    pub fn new(blocks: Vec<Cidr>) -> TrustedProxies {
        TrustedProxies(blocks)
    }

    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|block| block.contains(ip))
    }

    /// The client behind a request that came over a trusted proxy's
    /// connection without a PROXY header: the right-most address in
    /// `X-Forwarded-For` that is not itself a trusted proxy (what is left of
    /// it was written by the client, and proves nothing). Without a usable
    /// header, the proxy itself.
    pub fn forwarded_for(&self, headers: &HeaderMap, proxy: IpAddr) -> IpAddr {
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .collect();
        for hop in hops.into_iter().rev() {
            let Ok(ip) = hop.trim().parse::<IpAddr>() else {
                // A hop nobody trusted wrote: stop at the proxy's word.
                return proxy;
            };
            if !self.trusts(ip) {
                return canonical(ip);
            }
        }
        proxy
    }
}

/// What a trusted proxy's connection said before its HTTP.
#[derive(Debug, PartialEq, Eq)]
pub enum ProxyHeader {
    /// A PROXY header naming the client.
    Client(IpAddr),
    /// A PROXY header for the proxy's own connection (`LOCAL`, `UNKNOWN`:
    /// its health checks).
    Local,
    /// No PROXY header: HTTP from the first byte.
    Absent,
}

/// The v2 header's fixed start.
const V2_SIGNATURE: &[u8; 12] = b"\r\n\r\n\0\r\nQUIT\n";
/// v1's start; its whole line is at most 107 bytes.
const V1_PREFIX: &[u8; 6] = b"PROXY ";
const V1_LINE_MAX: usize = 107;
/// Most of a v2 header's addresses and TLVs read; HAProxy's are far smaller.
const V2_BODY_MAX: usize = 1024;
/// How long a partly arrived first segment is waited for between looks.
const PEEK_AGAIN_AFTER: Duration = Duration::from_millis(5);

/// Reads a PROXY header off the front of `stream` if it starts with one,
/// leaving the HTTP after it unread. The caller bounds it in time.
pub async fn read_proxy_header(stream: &mut TcpStream) -> Result<ProxyHeader, &'static str> {
    let mut start = [0u8; 12];
    // Peek until the first bytes tell a header from HTTP: a proxy writes
    // the header in its first segment, so this rarely looks twice.
    let kind = loop {
        let seen = stream.peek(&mut start).await.map_err(|_| "closed")?;
        if seen == 0 {
            return Err("closed");
        }
        let v2 = start[..seen] == V2_SIGNATURE[..seen];
        let v1 = start[..seen.min(6)] == V1_PREFIX[..seen.min(6)];
        match (v2, v1) {
            (false, false) => return Ok(ProxyHeader::Absent),
            (true, _) if seen == 12 => break 2,
            (_, true) if seen >= 6 => break 1,
            _ => tokio::time::sleep(PEEK_AGAIN_AFTER).await,
        }
    };
    if kind == 2 {
        read_v2(stream).await
    } else {
        read_v1(stream).await
    }
}

async fn read_v2(stream: &mut TcpStream) -> Result<ProxyHeader, &'static str> {
    let mut head = [0u8; 16];
    stream.read_exact(&mut head).await.map_err(|_| "closed")?;
    let (version_command, family) = (head[12], head[13]);
    let len = usize::from(u16::from_be_bytes([head[14], head[15]]));
    if version_command >> 4 != 2 || len > V2_BODY_MAX {
        return Err("a PROXY v2 header this server does not read");
    }
    let mut body = vec![0u8; len];
    stream.read_exact(&mut body).await.map_err(|_| "closed")?;
    if version_command & 0x0f == 0 {
        return Ok(ProxyHeader::Local);
    }
    let client = match family >> 4 {
        1 if len >= 12 => IpAddr::V4(Ipv4Addr::new(body[0], body[1], body[2], body[3])),
        2 if len >= 36 => {
            let octets: [u8; 16] = body[..16].try_into().expect("16 of at least 36 bytes");
            canonical(IpAddr::V6(Ipv6Addr::from(octets)))
        }
        // AF_UNSPEC or AF_UNIX: no client address to take.
        0 | 3 => return Ok(ProxyHeader::Local),
        _ => return Err("a PROXY v2 header this server does not read"),
    };
    Ok(ProxyHeader::Client(client))
}

async fn read_v1(stream: &mut TcpStream) -> Result<ProxyHeader, &'static str> {
    let mut line = Vec::with_capacity(V1_LINE_MAX);
    while !line.ends_with(b"\r\n") {
        if line.len() == V1_LINE_MAX {
            return Err("a PROXY v1 line longer than 107 bytes");
        }
        line.push(stream.read_u8().await.map_err(|_| "closed")?);
    }
    let line = std::str::from_utf8(&line).map_err(|_| "a PROXY v1 line that is not text")?;
    let mut fields = line.trim_end().split(' ').skip(1);
    match (fields.next(), fields.next()) {
        (Some("UNKNOWN"), _) => Ok(ProxyHeader::Local),
        (Some("TCP4" | "TCP6"), Some(source)) => source
            .parse()
            .map(|ip| ProxyHeader::Client(canonical(ip)))
            .map_err(|_| "a PROXY v1 line with no source address"),
        _ => Err("a PROXY v1 line this server does not read"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trusted(blocks: &[&str]) -> TrustedProxies {
        TrustedProxies::new(blocks.iter().map(|b| b.parse().unwrap()).collect())
    }

    #[test]
    fn blocks_hold_what_their_prefix_says() {
        let proxies = trusted(&["10.1.0.0/16", "127.0.0.1", "fd00::/8"]);
        assert!(proxies.trusts("10.1.200.3".parse().unwrap()));
        assert!(!proxies.trusts("10.2.0.1".parse().unwrap()));
        assert!(proxies.trusts("127.0.0.1".parse().unwrap()));
        assert!(proxies.trusts("::ffff:127.0.0.1".parse().unwrap()));
        assert!(!proxies.trusts("127.0.0.2".parse().unwrap()));
        assert!(proxies.trusts("fd12::1".parse().unwrap()));
        assert!(!proxies.trusts("fe80::1".parse().unwrap()));
        assert!(trusted(&["0.0.0.0/0"]).trusts("192.0.2.7".parse().unwrap()));
        assert!("10.0.0.0/33"
            .parse::<Cidr>()
            .unwrap_err()
            .contains("prefix"));
        assert!("ten".parse::<Cidr>().unwrap_err().contains("CIDR"));
    }

    #[test]
    fn forwarded_for_takes_the_right_most_hop_no_proxy_wrote() {
        let proxies = trusted(&["10.0.0.0/8"]);
        let proxy: IpAddr = "10.0.0.5".parse().unwrap();
        let mut headers = HeaderMap::new();
        assert_eq!(proxies.forwarded_for(&headers, proxy), proxy);
        // The client's own claim (1.1.1.1) comes first and is passed over.
        headers.insert(
            "x-forwarded-for",
            "1.1.1.1, 203.0.113.9, 10.0.0.7".parse().unwrap(),
        );
        assert_eq!(
            proxies.forwarded_for(&headers, proxy),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        headers.insert("x-forwarded-for", "junk, 10.0.0.7".parse().unwrap());
        assert_eq!(proxies.forwarded_for(&headers, proxy), proxy);
    }

    async fn header_of(bytes: &'static [u8]) -> (Result<ProxyHeader, &'static str>, Vec<u8>) {
        use tokio::io::AsyncWriteExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let writer = tokio::spawn(async move {
            let mut client = TcpStream::connect(addr).await.unwrap();
            client.write_all(bytes).await.unwrap();
            client.shutdown().await.unwrap();
        });
        let (mut stream, _) = listener.accept().await.unwrap();
        let header = read_proxy_header(&mut stream).await;
        let mut rest = Vec::new();
        stream.read_to_end(&mut rest).await.unwrap();
        writer.await.unwrap();
        (header, rest)
    }

    #[tokio::test]
    async fn v1_and_v2_headers_are_read_and_the_http_after_them_left() {
        let (header, rest) =
            header_of(b"PROXY TCP4 192.0.2.7 10.0.0.1 5555 80\r\nGET / HTTP/1.1\r\n\r\n").await;
        assert_eq!(
            header,
            Ok(ProxyHeader::Client("192.0.2.7".parse().unwrap()))
        );
        assert_eq!(rest, b"GET / HTTP/1.1\r\n\r\n");

        const V2: &[u8] = b"\r\n\r\n\0\r\nQUIT\n\x21\x11\x00\x0c\xc0\x00\x02\x07\x0a\x00\x00\x01\x15\xb3\x00\x50GET /";
        let (header, rest) = header_of(V2).await;
        assert_eq!(
            header,
            Ok(ProxyHeader::Client("192.0.2.7".parse().unwrap()))
        );
        assert_eq!(rest, b"GET /");

        const LOCAL: &[u8] = b"\r\n\r\n\0\r\nQUIT\n\x20\x00\x00\x00GET /";
        assert_eq!(header_of(LOCAL).await.0, Ok(ProxyHeader::Local));

        let (header, rest) = header_of(b"GET /healthz HTTP/1.1\r\n\r\n").await;
        assert_eq!(header, Ok(ProxyHeader::Absent));
        assert_eq!(rest, b"GET /healthz HTTP/1.1\r\n\r\n");

        assert!(header_of(b"PROXY TCP4 nonsense\r\n").await.0.is_err());
    }
}
