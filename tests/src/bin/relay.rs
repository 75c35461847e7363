//! The bare relay: Rondo's websocket stack (axum, the same buffer sizes, one
//! task per room, bounded per-connection outboxes) with no rules and no
//! storage. Each command is forwarded to every member of its room as an event
//! with a seq, then acknowledged. Benchmarks run it beside `rondo` to show what
//! the rules and durability cost.
//!
//! `rondo-relay --addr 127.0.0.1:8090`; a member says
//! `{"type":"hello","token":"<room>:<member>"}`.

use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use clap::Parser;
use dashmap::DashMap;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::mpsc;

const OUTBOX_LEN_MAX: usize = 512;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value = "127.0.0.1:8090")]
    addr: SocketAddr,
}

enum RoomMsg {
    Join {
        conn: u64,
        outbox: mpsc::Sender<Arc<str>>,
    },
    Leave {
        conn: u64,
    },
    Say {
        conn: u64,
        id: Value,
        body: Value,
    },
}

#[derive(Default)]
struct Relay {
    rooms: DashMap<String, mpsc::Sender<RoomMsg>>,
    next_conn: std::sync::atomic::AtomicU64,
}

fn room(relay: &Relay, name: &str) -> mpsc::Sender<RoomMsg> {
    relay
        .rooms
        .entry(name.to_owned())
        .or_insert_with(|| {
            let (tx, rx) = mpsc::channel(4096);
            tokio::spawn(run_room(rx));
            tx
        })
        .clone()
}

async fn run_room(mut inbox: mpsc::Receiver<RoomMsg>) {
    let mut members: HashMap<u64, mpsc::Sender<Arc<str>>> = HashMap::new();
    let mut seq = 0u64;
    while let Some(message) = inbox.recv().await {
        match message {
            RoomMsg::Join { conn, outbox } => {
                let welcome: Arc<str> =
                    json!({"type": "welcome", "seq": seq, "me": {"member_id": conn.to_string()}})
                        .to_string()
                        .into();
                let _ = outbox.try_send(welcome);
                members.insert(conn, outbox);
            }
            RoomMsg::Leave { conn } => {
                members.remove(&conn);
            }
            RoomMsg::Say { conn, id, mut body } => {
                seq += 1;
                body["seq"] = seq.into();
                body.as_object_mut().map(|m| m.remove("id"));
                let event: Arc<str> = body.to_string().into();
                members.retain(|_, outbox| outbox.try_send(event.clone()).is_ok());
                if let Some(sender) = members.get(&conn) {
                    let ack: Arc<str> = json!({"type": "ack", "re": id, "seq": seq})
                        .to_string()
                        .into();
                    let _ = sender.try_send(ack);
                }
            }
        }
    }
}

async fn upgrade(State(relay): State<Arc<Relay>>, ws: WebSocketUpgrade) -> Response {
    ws.read_buffer_size(4 * 1024)
        .write_buffer_size(4 * 1024)
        .on_upgrade(move |socket| connection(relay, socket))
}

async fn connection(relay: Arc<Relay>, socket: WebSocket) {
    let (mut sink, mut stream) = socket.split();
    let Some(Ok(Message::Text(hello))) = stream.next().await else {
        return;
    };
    let hello: Value = serde_json::from_str(&hello).unwrap_or_default();
    let token = hello["token"].as_str().unwrap_or("");
    let Some((room_name, _)) = token.split_once(':') else {
        return;
    };
    let room = room(&relay, room_name);
    let conn = relay
        .next_conn
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let (outbox, mut outbound) = mpsc::channel::<Arc<str>>(OUTBOX_LEN_MAX);
    if room.send(RoomMsg::Join { conn, outbox }).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            out = outbound.recv() => match out {
                Some(text) => if sink.send(Message::Text(Utf8Bytes::from(text.to_string()))).await.is_err() { break },
                None => break,
            },
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    let Ok(body) = serde_json::from_str::<Value>(&text) else { continue };
                    let id = body["id"].clone();
                    if room.send(RoomMsg::Say { conn, id, body }).await.is_err() { break }
                }
                Some(Ok(_)) => continue,
                _ => break,
            },
        }
    }
    let _ = room.send(RoomMsg::Leave { conn }).await;
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let relay = Arc::new(Relay::default());
    let app = Router::new().route("/ws", get(upgrade)).with_state(relay);
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .expect("bind");
    println!(
        "listening on http://{}",
        listener.local_addr().expect("addr")
    );
    let listener = axum::serve::ListenerExt::tap_io(listener, |s| {
        let _ = s.set_nodelay(true);
    });
    axum::serve(listener, app).await.expect("serve");
}
