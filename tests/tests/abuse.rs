//! Connection abuse: slow headers, silent sockets, floods of connections.

use rondo_tests::{create_group, http, Member, Server};
use serde_json::json;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// Waits until the server closes the socket; how long that took.
async fn closed_after(mut stream: TcpStream, trickle: bool) -> Duration {
    let started = Instant::now();
    let mut buf = [0u8; 1024];
    loop {
        if trickle {
            // One header byte a second: never a whole header.
            if stream.write_all(b"X").await.is_err() {
                return started.elapsed();
            }
        }
        match tokio::time::timeout(Duration::from_secs(1), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return started.elapsed(),
            Ok(Ok(_)) => continue,
            Err(_) => assert!(started.elapsed() < Duration::from_secs(30), "never closed"),
        }
    }
}

#[tokio::test]
async fn slow_headers_and_silent_sockets_are_dropped_within_10_s() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let mut slow = TcpStream::connect(server.addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .unwrap();
    let silent = TcpStream::connect(server.addr).await.unwrap();
    let (slow, silent) = tokio::join!(closed_after(slow, true), closed_after(silent, false));
    // The deadline is 10 s; a second more allows for the timer's granularity.
    assert!(
        slow <= Duration::from_secs(11),
        "slow headers held for {slow:?}"
    );
    assert!(
        silent <= Duration::from_secs(11),
        "a silent socket held for {silent:?}"
    );
}

async fn connect_from(source: Ipv4Addr, addr: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(IpAddr::V4(source), 0))?;
    socket.connect(addr).await
}

#[tokio::test]
async fn a_flood_of_connections_leaves_members_events_flowing() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &["Ana", "Bo", "Cy"]).await;
    let mut ana = Member::connect(server.addr, group.token("Ana"), None).await;
    let mut bo = Member::connect(server.addr, group.token("Bo"), None).await;
    ana.ok(json!({"type": "meeting.open"})).await;
    // 1 000 connections from one address that never say hello, held open.
    let attacker = Ipv4Addr::new(127, 0, 0, 9);
    let mut flood = Vec::new();
    for _ in 0..1000 {
        if let Ok(mut stream) = connect_from(attacker, server.addr).await {
            let _ = stream.write_all(b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").await;
            flood.push(stream);
        }
    }
    // Meanwhile the members' commands are answered and their events arrive.
    let mut latencies = Vec::new();
    for n in 0..100 {
        let started = Instant::now();
        ana.ok(json!({"type": "record.add", "kind": "discussion", "text": format!("point {n}")}))
            .await;
        latencies.push(started.elapsed());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for _ in 0..100 {
        bo.until("record.added").await;
    }
    latencies.sort();
    let p99 = latencies[98];
    let (_, metrics) = http(server.addr, "GET", "/metrics", None, None).await;
    let refused: u64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("rondo_refused_connections_total "))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    eprintln!("flood: {} connections attempted, {refused} refused by the per-address cap; members' ack p99 {p99:?}", flood.len());
    assert!(
        refused >= 900,
        "the cap of 64 unauthenticated sockets per address held ({refused} refused)"
    );
    drop(flood);
}
