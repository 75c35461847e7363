//! Slow and broken networks: a client that stops reading, and a proxy that
//! delays, cuts and half-opens connections.

use rondo_tests::{create_group, Member, Proxy, ProxyMode, Server};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// A member who says hello over a raw socket with a tiny receive window, and
/// then never reads another byte.
async fn stalled_member(server: &Server, token: &str) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stream = socket.connect(server.addr).await.unwrap();
    let request = format!(
        "GET /ws HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
        server.addr
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    // Read the 101 response, byte by byte so nothing after it is consumed.
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8; 1];
        stream.read_exact(&mut byte).await.unwrap();
        head.push(byte[0]);
    }
    assert!(
        head.starts_with(b"HTTP/1.1 101"),
        "{}",
        String::from_utf8_lossy(&head)
    );
    // Hello, and the agreement accepted, as a member does before taking part.
    for frame in [
        json!({"type": "hello", "token": token}),
        json!({"id": "accept", "type": "agreement.accept", "version": 1}),
    ] {
        stream
            .write_all(&masked_text_frame(&frame.to_string()))
            .await
            .unwrap();
    }
    stream
}

/// A client's text frame (clients must mask; a zero mask keeps it simple).
fn masked_text_frame(text: &str) -> Vec<u8> {
    let mut frame = vec![0x81];
    match text.len() {
        n if n < 126 => frame.push(0x80 | n as u8),
        n => {
            frame.push(0x80 | 126);
            frame.extend_from_slice(&(n as u16).to_be_bytes());
        }
    }
    frame.extend_from_slice(&[0, 0, 0, 0]);
    frame.extend_from_slice(text.as_bytes());
    frame
}

/// The JSON text frames in bytes a server sent (unmasked, possibly cut short).
fn unframe(mut bytes: &[u8]) -> Vec<Value> {
    let mut frames = Vec::new();
    while bytes.len() >= 2 {
        let (opcode, len7) = (bytes[0] & 0x0f, (bytes[1] & 0x7f) as usize);
        let (len, header) = match len7 {
            126 if bytes.len() >= 4 => (u16::from_be_bytes([bytes[2], bytes[3]]) as usize, 4),
            127 if bytes.len() >= 10 => (
                u64::from_be_bytes(bytes[2..10].try_into().unwrap()) as usize,
                10,
            ),
            n if n < 126 => (n, 2),
            _ => break,
        };
        if bytes.len() < header + len {
            break;
        }
        if opcode == 1 {
            frames.push(serde_json::from_slice(&bytes[header..header + len]).unwrap());
        }
        bytes = &bytes[header + len..];
    }
    frames
}

fn record_texts(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .filter(|e| e["type"] == "record.added")
        .map(|e| e["item"]["text"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_client_that_stops_reading_is_dropped_without_slowing_its_group() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(
        dir.path(),
        &["--rate-per-s", "100000", "--rate-burst", "100000"],
    );
    let group = create_group(server.addr, &["Ana", "Bo", "Cy"]).await;
    let mut ana = Member::connect(server.addr, group.token("Ana"), None).await;
    let mut bo = Member::connect(server.addr, group.token("Bo"), None).await;
    ana.ok(json!({"type": "meeting.open"})).await;
    ana.ok(json!({"type": "meeting.start"})).await;
    ana.ok(json!({"type": "case.propose", "title": "T", "question": "Q", "minutes": 10}))
        .await;
    let case = ana.until("case.proposed").await["case"]["case_id"].clone();
    ana.ok(json!({"type": "case.start", "case_id": case, "template": "open"}))
        .await;
    let mut cy = stalled_member(&server, group.token("Cy")).await;
    // Bo keeps reading, as a browser does.
    let bo = tokio::spawn(async move {
        for _ in 0..150 {
            bo.until("hand.lowered").await;
        }
        bo
    });
    // Large events to fill Cy's socket buffers, then many small ones: more
    // than its queue of 256 frames holds, fewer than the replay window.
    let padding = "x".repeat(1900);
    let mut slowest = Duration::ZERO;
    let mut commands = Vec::new();
    for n in 0..150 {
        commands.push(json!({"type": "record.add", "kind": "discussion", "text": format!("{n:04} {padding}")}));
    }
    for _ in 0..150 {
        commands.push(json!({"type": "hand.raise"}));
        commands.push(json!({"type": "hand.lower"}));
    }
    for command in commands {
        let started = Instant::now();
        ana.ok(command).await;
        slowest = slowest.max(started.elapsed());
    }
    // Bo, reading, got every event; Ana was never held up by Cy.
    let bo = bo.await.unwrap();
    assert_eq!(record_texts(&bo.events).len(), 150);
    eprintln!("slowest of Ana's 450 acks while Cy stalled: {slowest:?}");
    // The server gave up on Cy: its socket is closed from the server's side,
    // which the kernel shows as end-of-stream once the buffered bytes are read.
    let mut buffered = Vec::new();
    let ended = tokio::time::timeout(Duration::from_secs(30), cy.read_to_end(&mut buffered)).await;
    assert!(ended.is_ok(), "the server dropped the stalled client");
    let seen: Vec<Value> = unframe(&buffered);
    let hands = |events: &[Value]| {
        events
            .iter()
            .filter(|e| e["type"] == "hand.lowered")
            .count()
    };
    assert!(hands(&seen) < 150, "Cy fell behind");
    // Cy resumes from what it saw and gets the rest, once each.
    let last = seen
        .iter()
        .filter_map(|e| e["seq"].as_u64())
        .max()
        .unwrap_or(0);
    let mut again = Member::connect(server.addr, group.token("Cy"), Some(last)).await;
    assert_eq!(again.welcome["resumed"], true);
    again.ok(json!({"type": "ping"})).await;
    let mut all = seen.clone();
    all.extend(again.events.iter().cloned());
    // Events only: a welcome and an ack carry the seq they cover, too.
    let seqs: Vec<u64> = all
        .iter()
        .filter(|e| e["type"] != "welcome" && e["type"] != "ack")
        .filter_map(|e| e["seq"].as_u64())
        .collect();
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "nothing twice, in order"
    );
    // Items added before Cy's hello was handled came in its welcome.
    let welcomed = seen
        .iter()
        .filter(|f| f["type"] == "welcome")
        .flat_map(|w| {
            w["meeting"]["record"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .map(|item| item["text"].as_str().unwrap_or("").to_owned());
    let mut texts = record_texts(&all);
    texts.extend(welcomed);
    let missing: Vec<usize> = (0..150)
        .filter(|n| !texts.iter().any(|t| t.starts_with(&format!("{n:04} "))))
        .collect();
    let first_replayed = again.events.first().and_then(|e| e["seq"].as_u64());
    assert_eq!(texts.len(), 150, "no record item missing: {missing:?}, resumed from {last}, replay starts at {first_replayed:?}, {} frames seen, {} bytes", seen.len(), buffered.len());
    assert_eq!(hands(&all), 150, "no lowered hand missing");
}

#[tokio::test]
async fn members_behind_a_bad_network_resume_with_nothing_lost_or_doubled() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(
        dir.path(),
        &["--rate-per-s", "1000", "--rate-burst", "1000"],
    );
    let proxy = Proxy::start(server.addr).await;
    let group = create_group(server.addr, &["Ana", "Bo"]).await;
    let mut ana = Member::connect(server.addr, group.token("Ana"), None).await;
    ana.ok(json!({"type": "meeting.open"})).await;
    let mut bo = Member::connect(proxy.addr, group.token("Bo"), None).await;
    let mut seen: Vec<Value> = Vec::new();
    let mut sent = 0;
    let add = |ana_items: &mut usize| {
        *ana_items += 1;
        json!({"type": "record.add", "kind": "discussion", "text": format!("item {ana_items}")})
    };
    // 1. Delayed: everything still arrives, in order.
    proxy.set(ProxyMode::Delay(20));
    for _ in 0..20 {
        ana.ok(add(&mut sent)).await;
    }
    for _ in 0..20 {
        bo.until("record.added").await;
    }
    // 2. Cut while events are flowing: Bo resumes from the last seq it saw.
    proxy.set(ProxyMode::Pass);
    for _ in 0..10 {
        ana.ok(add(&mut sent)).await;
    }
    proxy.cut();
    for _ in 0..10 {
        ana.ok(add(&mut sent)).await;
    }
    seen.append(&mut bo.events);
    while let Ok(Some(frame)) = tokio::time::timeout(Duration::from_millis(500), bo.frame()).await {
        if frame.get("seq").is_some() && frame["type"] != "ack" {
            seen.push(frame);
        }
    }
    let last = seen.iter().filter_map(|e| e["seq"].as_u64()).max().unwrap();
    let mut bo = Member::connect(proxy.addr, group.token("Bo"), Some(last)).await;
    assert_eq!(bo.welcome["resumed"], true);
    bo.ok(json!({"type": "ping"})).await; // the replay has arrived
                                          // 3. Half-open: the socket stays up but nothing passes. Bo's ping goes
                                          //    unanswered, so Bo gives up on it and resumes on a new connection.
    proxy.set(ProxyMode::HalfOpen);
    for _ in 0..10 {
        ana.ok(add(&mut sent)).await;
    }
    bo.send_raw(json!({"id": "p", "type": "ping"}).to_string())
        .await;
    let answered = tokio::time::timeout(Duration::from_secs(2), bo.frame()).await;
    assert!(answered.is_err(), "nothing passes a half-open connection");
    seen.append(&mut bo.events);
    let last = seen.iter().filter_map(|e| e["seq"].as_u64()).max().unwrap();
    proxy.set(ProxyMode::Pass);
    let mut bo = Member::connect(proxy.addr, group.token("Bo"), Some(last)).await;
    bo.ok(json!({"type": "ping"})).await;
    seen.append(&mut bo.events);
    let texts = record_texts(&seen);
    let unique: BTreeSet<&String> = texts.iter().collect();
    assert_eq!(unique.len(), sent, "nothing lost: {texts:?}");
    assert_eq!(texts.len(), sent, "nothing doubled");
    let seqs: Vec<u64> = seen.iter().filter_map(|e| e["seq"].as_u64()).collect();
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "in order across reconnects"
    );
}
