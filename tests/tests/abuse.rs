//! Connection abuse: slow headers, silent sockets, floods of connections.

use rondo_tests::{create_group, http, http_raw, Member, Server};
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

#[tokio::test]
async fn creating_groups_is_rate_limited_per_address_and_capped() {
    let dir = tempfile::tempdir().unwrap();
    let limits = ["--groups-per-hour-per-ip", "3", "--groups-max", "5"];
    let server = Server::start_with(dir.path(), &limits);
    let body = json!({"name": "G", "members": [{"name": "A"}, {"name": "B"}]}).to_string();
    let create = || http_raw(server.addr, "POST", "/api/groups", None, &body);
    for _ in 0..3 {
        assert_eq!(create().await.status, 201);
    }
    let refused = create().await;
    assert_eq!(refused.status, 429, "{}", refused.body);
    let wait: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=1200).contains(&wait), "one more group in {wait} s");
    let error: serde_json::Value = serde_json::from_str(&refused.body).unwrap();
    assert_eq!(error["code"], "rate_limited");
    // Another address has a bucket of its own, until the server is full.
    let other = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 7)), 0);
    let from_other = || async {
        let socket = TcpSocket::new_v4().unwrap();
        socket.bind(other).unwrap();
        let mut stream = socket.connect(server.addr).await.unwrap();
        let request = format!(
            "POST /api/groups HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            server.addr,
            body.len()
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).await.unwrap();
        response[9..12].parse::<u16>().unwrap()
    };
    assert_eq!(from_other().await, 201);
    assert_eq!(from_other().await, 201);
    assert_eq!(from_other().await, 429, "the server holds at most 5 groups");
}

#[tokio::test]
async fn request_bodies_over_the_limit_are_refused_too_large() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let huge = format!(
        r#"{{"name":"G","members":[{{"name":"A"}},{{"name":"B"}}],"agreement":"{}"}}"#,
        "x".repeat(300 * 1024)
    );
    let refused = http_raw(server.addr, "POST", "/api/groups", None, &huge).await;
    assert_eq!(refused.status, 413, "{}", refused.body);
    let error: serde_json::Value = serde_json::from_str(&refused.body).unwrap();
    assert_eq!(error["code"], "too_large");
    // A body that may be left out is held to the same limit.
    let group = create_group(server.addr, &["Ana", "Bo"]).await;
    let path = format!("/api/groups/{}/display", group.group_id);
    let padded = format!(r#"{{"show_titles":false{}}}"#, " ".repeat(300 * 1024));
    let refused = http_raw(
        server.addr,
        "POST",
        &path,
        Some(&group.convener_token),
        &padded,
    )
    .await;
    assert_eq!(refused.status, 413, "{}", refused.body);
    let error: serde_json::Value = serde_json::from_str(&refused.body).unwrap();
    assert_eq!(error["code"], "too_large");
    let shown = http_raw(server.addr, "POST", &path, Some(&group.convener_token), "").await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    // A bad body names the field, never the value.
    let bad = r#"{"name":"G","members":[{"name":"A","CANARY":1}],"agreement":{"text":"t","review_on":"CANARY"}}"#;
    let refused = http_raw(server.addr, "POST", "/api/groups", None, bad).await;
    assert_eq!(refused.status, 400);
    assert!(!refused.body.contains("CANARY"), "{}", refused.body);
    assert!(refused.body.contains("members[0]"), "{}", refused.body);
}
