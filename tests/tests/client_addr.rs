//! Real client addresses behind a balancer (issue 22): the per-address
//! limits count the client a trusted proxy names (PROXY protocol v2 from the
//! real HAProxy, `X-Forwarded-For`), never the proxy, and nobody else's word
//! is taken. Clients are told apart by their loopback source addresses
//! (127.0.0.2, 127.0.0.3, …), each socket bound to one.

use futures_util::SinkExt;
use rondo_tests::cluster::{self, Haproxy, Postgres};
use rondo_tests::{create_group, Group, Member, Server};
use serde_json::json;
use std::net::{IpAddr, SocketAddr};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

fn loopback(last: u8) -> IpAddr {
    IpAddr::from([127, 0, 0, last])
}

/// A websocket to `addr` from the source address `from`, with an
/// `X-Forwarded-For` header when one is given, and no hello yet.
async fn socket_from(
    from: IpAddr,
    addr: SocketAddr,
    query: &str,
    forwarded_for: Option<&str>,
) -> Result<Ws, String> {
    let socket = tokio::net::TcpSocket::new_v4().map_err(|e| e.to_string())?;
    socket
        .bind(SocketAddr::new(from, 0))
        .map_err(|e| e.to_string())?;
    let stream = socket.connect(addr).await.map_err(|e| e.to_string())?;
    let mut request = format!("ws://{addr}/ws{query}")
        .into_client_request()
        .expect("a websocket URL");
    if let Some(client) = forwarded_for {
        request
            .headers_mut()
            .insert("X-Forwarded-For", HeaderValue::from_str(client).unwrap());
    }
    let (ws, _) = tokio_tungstenite::client_async(request, MaybeTlsStream::Plain(stream))
        .await
        .map_err(|e| format!("upgrade: {e}"))?;
    Ok(ws)
}

/// A member of `group` who connects from `from` and is welcomed.
async fn member_from(
    from: IpAddr,
    addr: SocketAddr,
    group: &Group,
    name: &str,
) -> Result<Member, String> {
    let query = format!("?g={}", group.group_id);
    let mut ws = socket_from(from, addr, &query, None).await?;
    let hello = json!({"type": "hello", "token": group.token(name), "client": "rondo-tests/1"});
    ws.send(Message::Text(hello.to_string().into()))
        .await
        .map_err(|e| format!("hello: {e}"))?;
    let mut member = Member::from_socket(ws);
    match member.frame().await {
        Some(welcome) if welcome["type"] == "welcome" => {
            member.welcome = welcome;
            Ok(member)
        }
        other => Err(format!("no welcome: {other:?}")),
    }
}

/// Opens `count` websockets from `from` that never say hello.
async fn silent_sockets(from: IpAddr, addr: SocketAddr, count: usize) -> Vec<Ws> {
    let mut sockets = Vec::with_capacity(count);
    for i in 0..count {
        let ws = socket_from(from, addr, "", None).await;
        sockets.push(ws.unwrap_or_else(|e| panic!("silent socket {i} from {from}: {e}")));
    }
    sockets
}

#[tokio::test]
async fn behind_haproxy_64_silent_sockets_from_one_address_do_not_lock_out_another() {
    let dir = tempfile::tempdir().unwrap();
    // HAProxy (on 127.0.0.1) is the only trusted proxy.
    let server = Server::start_with(dir.path(), &["--trusted-proxies", "127.0.0.1"]);
    let group = create_group(server.addr, &["Ada", "Ben"]).await;
    let Some(haproxy) = Haproxy::start(&[server.addr]) else {
        return;
    };

    // 64 sockets from 127.0.0.2 use up that address's unauthenticated places…
    let _silent = silent_sockets(loopback(2), haproxy.addr, 64).await;
    // … so its 65th is refused: the limit holds, per real address …
    assert!(socket_from(loopback(2), haproxy.addr, "", None)
        .await
        .is_err());
    // … while a member from 127.0.0.3 comes in as usual.
    let member = member_from(loopback(3), haproxy.addr, &group, "Ada").await;
    assert!(member.is_ok(), "{:?}", member.err());

    // `/metrics` stays private behind the documented configuration.
    let (status, _) = rondo_tests::http(haproxy.addr, "GET", "/metrics", None, None).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn forwarded_for_is_taken_from_trusted_proxies_only() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(
        dir.path(),
        &[
            "--trusted-proxies",
            "127.0.0.1,127.0.0.2/32",
            "--max-unauthenticated-per-ip",
            "3",
        ],
    );
    let addr = server.addr;
    // A trusted proxy's requests are counted against the client each names.
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(
            socket_from(loopback(1), addr, "", Some("192.0.2.1"))
                .await
                .unwrap(),
        );
    }
    assert!(socket_from(loopback(2), addr, "", Some("192.0.2.1"))
        .await
        .is_err());
    held.push(
        socket_from(loopback(2), addr, "", Some("192.0.2.2"))
            .await
            .unwrap(),
    );
    // A client's own claim, left of the hop a trusted proxy wrote, is not taken.
    assert!(
        socket_from(loopback(1), addr, "", Some("192.0.2.2, 192.0.2.1"))
            .await
            .is_err()
    );

    // From anyone else the header is ignored: 127.0.0.4 is 127.0.0.4
    // whatever it says.
    for _ in 0..3 {
        held.push(
            socket_from(loopback(4), addr, "", Some("192.0.2.7"))
                .await
                .unwrap(),
        );
    }
    assert!(socket_from(loopback(4), addr, "", Some("192.0.2.8"))
        .await
        .is_err());
    assert!(socket_from(loopback(5), addr, "", None).await.is_ok());
}

#[tokio::test]
async fn relayed_members_count_against_their_own_addresses_not_the_relaying_node() {
    let Some(postgres) = Postgres::start() else {
        return;
    };
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    // The owner allows two open connections an address: the three relayed
    // members would be one too many if they were all the relaying node's.
    let owner = cluster::node_with(
        dirs[0].path(),
        &postgres.url(),
        &["--max-conns-per-ip", "2"],
    );
    let relaying = cluster::node(dirs[1].path(), &postgres.url());
    let names = ["Ada", "Ben", "Cleo"];
    let group = create_group(owner.addr, &names).await;
    // The owner claims the group as its first member comes (from
    // 127.0.0.1, like the relaying node: its one place there is taken).
    let _first = cluster::connect(owner.addr, &group, "Ada", None).await;
    let mut members = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let member = member_from(loopback(2 + i as u8), relaying.addr, &group, name).await;
        members.push(member.unwrap_or_else(|e| panic!("{name} relayed: {e}")));
    }
    assert_eq!(postgres.owner_addr(&group), owner.addr.to_string());
}
