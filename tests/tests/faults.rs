//! Websocket-level faults against `/ws` itself, before and after `hello`:
//! each is answered with the close code RFC 6455 asks for (1002, 1007,
//! 1009 after `too_large`), and a client that stops reading never parks
//! its connection. The frames are written by hand, as a hostile client would.

use rondo_tests::{create_group, http, Server};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const TEXT: u8 = 0x1;
const CONTINUATION: u8 = 0x0;
const PING: u8 = 0x9;

/// A websocket client that writes frames byte by byte.
struct Raw {
    stream: TcpStream,
    /// Bytes read but not yet parsed into frames.
    pending: Vec<u8>,
}

/// A frame the server sent.
enum Frame {
    Text(Value),
    Close(u16),
}

impl Raw {
    async fn connect(addr: SocketAddr) -> Raw {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let request = format!(
            "GET /ws HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut pending = Vec::new();
        let mut buf = [0u8; 1024];
        let end = loop {
            let n = stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "the upgrade was answered");
            pending.extend_from_slice(&buf[..n]);
            if let Some(at) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
        };
        let head = String::from_utf8_lossy(&pending[..end]).to_string();
        assert!(head.starts_with("HTTP/1.1 101"), "{head}");
        pending.drain(..end);
        Raw { stream, pending }
    }

    /// Says hello with a member's token and reads the welcome.
    async fn hello(addr: SocketAddr, token: &str) -> Raw {
        let mut raw = Raw::connect(addr).await;
        let hello = json!({"type": "hello", "token": token}).to_string();
        raw.send(0x80, TEXT, hello.as_bytes()).await;
        match raw.frame().await {
            Some(Frame::Text(welcome)) => assert_eq!(welcome["type"], "welcome"),
            _ => panic!("no welcome"),
        }
        raw
    }

    /// Writes one masked frame: `first` carries FIN and the reserved bits.
    async fn send(&mut self, first: u8, opcode: u8, payload: &[u8]) {
        let _ = self.stream.write_all(&frame(first | opcode, payload)).await;
    }

    /// The next frame from the server; `None` when the connection ended.
    async fn frame(&mut self) -> Option<Frame> {
        loop {
            if let Some((frame, used)) = parse(&self.pending) {
                self.pending.drain(..used);
                return Some(frame);
            }
            let mut buf = [0u8; 4096];
            let read = tokio::time::timeout(Duration::from_secs(15), self.stream.read(&mut buf));
            match read.await.expect("the server answers within 15 s") {
                Ok(n) if n > 0 => self.pending.extend_from_slice(&buf[..n]),
                _ => return None,
            }
        }
    }

    /// The close code the server ended with, and the error replies before it.
    async fn close_code(&mut self) -> (Option<u16>, Vec<Value>) {
        let mut errors = Vec::new();
        loop {
            match self.frame().await {
                Some(Frame::Text(reply)) => errors.push(reply),
                Some(Frame::Close(code)) => return (Some(code), errors),
                None => return (None, errors),
            }
        }
    }
}

fn frame(first: u8, payload: &[u8]) -> Vec<u8> {
    let mask = [0x37, 0xfa, 0x21, 0x3d];
    let mut bytes = vec![first];
    match payload.len() {
        n if n < 126 => bytes.push(0x80 | n as u8),
        n if n <= 0xffff => {
            bytes.push(0x80 | 126);
            bytes.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            bytes.push(0x80 | 127);
            bytes.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    bytes.extend_from_slice(&mask);
    bytes.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    bytes
}

/// One unmasked server frame from the front of `bytes`, and its length.
fn parse(bytes: &[u8]) -> Option<(Frame, usize)> {
    let (&first, &second) = (bytes.first()?, bytes.get(1)?);
    let (len, header) = match second & 0x7f {
        126 => (
            u16::from_be_bytes([*bytes.get(2)?, *bytes.get(3)?]) as usize,
            4,
        ),
        127 => (
            u64::from_be_bytes(bytes.get(2..10)?.try_into().ok()?) as usize,
            10,
        ),
        n => (n as usize, 2),
    };
    let payload = bytes.get(header..header + len)?;
    let frame = match first & 0x0f {
        0x8 => Frame::Close(
            payload
                .get(..2)
                .map_or(1005, |c| u16::from_be_bytes([c[0], c[1]])),
        ),
        0x1 => Frame::Text(serde_json::from_slice(payload).unwrap()),
        // Pings from the server: skip them.
        _ => return parse(&bytes[header + len..]).map(|(f, used)| (f, used + header + len)),
    };
    Some((frame, header + len))
}

struct Case {
    name: &'static str,
    frames: Vec<(u8, u8, Vec<u8>)>,
    code: u16,
}

fn cases() -> Vec<Case> {
    let fin = 0x80;
    vec![
        Case {
            name: "reserved bits",
            frames: vec![(fin | 0x40, TEXT, b"{}".to_vec())],
            code: 1002,
        },
        Case {
            name: "unknown opcode",
            frames: vec![(fin, 0x3, b"x".to_vec())],
            code: 1002,
        },
        Case {
            name: "fragmented ping",
            frames: vec![(0, PING, b"x".to_vec())],
            code: 1002,
        },
        Case {
            name: "oversized ping",
            frames: vec![(fin, PING, vec![b'p'; 126])],
            code: 1002,
        },
        Case {
            name: "continuation with nothing to continue",
            frames: vec![(fin, CONTINUATION, b"x".to_vec())],
            code: 1002,
        },
        Case {
            name: "invalid UTF-8",
            frames: vec![(fin, TEXT, vec![b'{', 0xff, b'}'])],
            code: 1007,
        },
        Case {
            name: "invalid UTF-8 across continuation frames",
            frames: vec![
                (0, TEXT, vec![b'"', 0xce]),
                (fin, CONTINUATION, vec![0xff, b'"']),
            ],
            code: 1007,
        },
        Case {
            name: "a 1 MiB frame",
            frames: vec![(fin, TEXT, vec![b' '; 1 << 20])],
            code: 1009,
        },
        Case {
            name: "a 20 MiB frame",
            frames: vec![(fin, TEXT, vec![b' '; 20 << 20])],
            code: 1009,
        },
        Case {
            name: "a message over the limit in small frames",
            frames: (0..20)
                .map(|n| {
                    (
                        if n == 19 { fin } else { 0 },
                        if n == 0 { TEXT } else { CONTINUATION },
                        vec![b' '; 8 << 10],
                    )
                })
                .collect(),
            code: 1009,
        },
    ]
}

async fn check(raw: &mut Raw, case: &Case, when: &str) {
    for (first, opcode, payload) in &case.frames {
        raw.send(*first, *opcode, payload).await;
    }
    let (code, replies) = raw.close_code().await;
    assert_eq!(code, Some(case.code), "{} {when}: {replies:?}", case.name);
    if case.code == 1009 {
        let codes: Vec<&Value> = replies.iter().map(|r| &r["code"]).collect();
        assert_eq!(codes, ["too_large"], "{} {when}", case.name);
    }
}

#[tokio::test]
async fn every_fault_after_hello_gets_its_close_code() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &["Ana", "Bo"]).await;
    for case in cases() {
        let mut raw = Raw::hello(server.addr, group.token("Ana")).await;
        check(&mut raw, &case, "after hello").await;
    }
    // The server is still well: a member still connects and is answered.
    let mut raw = Raw::hello(server.addr, group.token("Bo")).await;
    raw.send(0x80, TEXT, br#"{"id":"p","type":"ping"}"#).await;
    assert!(matches!(raw.frame().await, Some(Frame::Text(ack)) if ack["type"] == "ack"));
}

#[tokio::test]
async fn every_fault_before_hello_gets_its_close_code() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    for case in cases() {
        let mut raw = Raw::connect(server.addr).await;
        check(&mut raw, &case, "before hello").await;
    }
}

#[tokio::test]
async fn a_client_that_stops_reading_is_dropped_by_the_write_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let unlimited = ["--rate-per-s", "1000000", "--rate-burst", "1000000"];
    let server = Server::start_with(dir.path(), &unlimited);
    let group = create_group(server.addr, &["Ana", "Bo"]).await;
    let mut raw = Raw::hello(server.addr, group.token("Ana")).await;
    // Bad frames, each answered with an error, and never a byte read: the
    // answers fill the socket's buffers until the server's writes block.
    let bad = frame(0x80 | TEXT, b"not json");
    let burst: Vec<u8> = bad
        .iter()
        .copied()
        .cycle()
        .take(bad.len() * 10_000)
        .collect();
    let mut written_mib = 0;
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_secs(20) {
        match tokio::time::timeout(Duration::from_secs(1), raw.stream.write_all(&burst)).await {
            Ok(Ok(())) => written_mib += burst.len() >> 20,
            // Our writes block too: the server stopped reading, waiting to write.
            _ => break,
        }
    }
    assert!(
        written_mib < 1024,
        "the server kept reading: {written_mib} MiB"
    );
    // Within the write timeout (10 s) the server gives up on the connection.
    let gone = async {
        loop {
            tokio::time::sleep(Duration::from_millis(500)).await;
            let (_, metrics) = http(server.addr, "GET", "/metrics", None, None).await;
            if metrics.lines().any(|l| l == "rondo_connections 0") {
                return;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), gone)
        .await
        .expect("the connection that stopped reading was dropped");
}
