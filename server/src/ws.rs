//! One task per connection: read a frame, parse it, hand it to the group's
//! task, and write what comes back. It only moves bytes and time.

use crate::app::App;
use crate::close;
use crate::group::{GroupMsg, Outbound, OUTBOX_CAPACITY};
use crate::listen::Ticket;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use rondo_protocol::command::{parse_frame, ClientFrame};
use rondo_protocol::ids::{CommandId, GroupId, MemberId};
use rondo_protocol::reply::{ErrorCode, Rejection, Reply};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tracing::Instrument;

const HELLO_TIMEOUT: Duration = Duration::from_secs(10);
const PING_EVERY: Duration = Duration::from_secs(15);
const SILENT_MAX: Duration = Duration::from_secs(45);
/// A write that takes longer belongs to a client that stopped reading.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Most bytes of queued frames written with one flush: the socket's write
/// buffer grows to the largest batch and keeps that size, so batches stay
/// small enough for idle members to stay cheap.
const WRITE_BATCH_BYTES_MAX: usize = 4 * 1024;
/// How long a server-initiated close waits for the client's answer.
const CLOSE_ANSWER_WAIT: Duration = Duration::from_secs(2);
/// Refusals for rate in a row after which the connection is closed.
const RATE_REFUSALS_MAX: u32 = 100;

/// `GET /ws`: the Origin is checked before the upgrade.
pub async fn upgrade(
    State(app): State<Arc<App>>,
    Extension(ticket): Extension<Arc<Ticket>>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if !origin_allowed(&headers, &app.config.allowed_origins) {
        return (StatusCode::FORBIDDEN, "origin not allowed").into_response();
    }
    configured(ws.protocols(["rondo.v1"]), app.config.frame_max_bytes)
        .on_upgrade(move |socket| connection(app, socket, ticket))
}

/// The websocket settings every socket gets, members' and the echo's alike.
fn configured(ws: WebSocketUpgrade, frame_max_bytes: usize) -> WebSocketUpgrade {
    // Small buffers: frames are small, and every idle member holds them
    // (reads come in 1 KiB chunks; larger frames still parse).
    ws.read_buffer_size(1024)
        .write_buffer_size(2 * 1024)
        // Frames a little over the limit are read so they can be answered
        // with `too_large`; far larger ones are cut off by the library.
        .max_message_size(frame_max_bytes * 4)
        .max_frame_size(frame_max_bytes * 4)
}

/// An echo over the same websocket stack, for protocol-compliance suites
/// (Autobahn): every message comes back as it came. Served only on the
/// separate address `--echo-addr` names.
pub async fn echo(State(frame_max_bytes): State<usize>, ws: WebSocketUpgrade) -> Response {
    configured(ws, frame_max_bytes).on_upgrade(|mut socket| async move {
        while let Some(Ok(message)) = socket.next().await {
            let reply = match message {
                Message::Text(_) | Message::Binary(_) => message,
                // The library answers a close (and pings) itself; reading on
                // lets it finish the closing handshake cleanly.
                Message::Close(_) | Message::Ping(_) | Message::Pong(_) => continue,
            };
            if socket.send(reply).await.is_err() {
                break;
            }
        }
    })
}

/// An absent Origin (a non-browser client) is allowed; a present one must be
/// the server's own (`http(s)://` + Host) or one the operator allowed.
pub fn origin_allowed(headers: &HeaderMap, allowed: &[String]) -> bool {
    let Some(origin) = headers.get("origin").and_then(|o| o.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let own = [format!("http://{host}"), format!("https://{host}")];
    own.iter().any(|o| o.eq_ignore_ascii_case(origin))
        || allowed
            .iter()
            .any(|a| a.trim_end_matches('/').eq_ignore_ascii_case(origin))
}

type Sink = SplitSink<WebSocket, Message>;
type Stream = SplitStream<WebSocket>;

fn frame(text: String) -> Message {
    Message::Text(Utf8Bytes::from(text))
}

fn error_frame(re: Option<CommandId>, rejection: Rejection) -> Message {
    frame(serde_json::to_string(&Reply::error(re, rejection)).expect("replies serialize"))
}

/// Sends a close frame, then reads until the client's close answers it (or a
/// moment passes): dropping a socket with unread bytes resets it, and a reset
/// can swallow the close frame before the client reads it.
async fn close(sink: &mut Sink, stream: &mut Stream, code: u16, reason: &str) {
    let close = Message::Close(Some(CloseFrame {
        code,
        reason: Utf8Bytes::from(reason),
    }));
    if !matches!(
        tokio::time::timeout(WRITE_TIMEOUT, sink.send(close)).await,
        Ok(Ok(()))
    ) {
        return;
    }
    let answered = async {
        while let Some(Ok(message)) = stream.next().await {
            if matches!(message, Message::Close(_)) {
                return;
            }
        }
    };
    let _ = tokio::time::timeout(CLOSE_ANSWER_WAIT, answered).await;
}

/// `ticket` holds this connection's places in the per-address caps for as
/// long as the socket lives.
async fn connection(app: Arc<App>, socket: WebSocket, ticket: Arc<Ticket>) {
    app.open_sockets
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    live(&app, socket, &ticket).await;
    app.open_sockets
        .fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
}

async fn live(app: &Arc<App>, socket: WebSocket, ticket: &Ticket) {
    let app = app.clone();
    let (mut sink, mut stream) = socket.split();
    // Boxed: the handshake's state is needed only briefly, and an unboxed
    // future would make every connection's task as large as it for good.
    let handshake = Box::pin(hello(&app, &mut sink, &mut stream));
    let Some((member, group_id, resume_from)) = handshake.await else {
        return;
    };
    ticket.authenticated();
    let Some(group) = app.group(&group_id) else {
        close(&mut sink, &mut stream, close::UNAUTHORIZED, "unknown group").await;
        return;
    };
    let conn = app.next_conn_id();
    let span = tracing::info_span!("connection", conn, group_id = %group_id, member_id = %member);
    async move {
        let (outbox, outbound) = mpsc::channel(OUTBOX_CAPACITY);
        let join = GroupMsg::Join {
            conn,
            member: member.clone(),
            outbox,
            resume_from,
        };
        if group.inbox.send(join).await.is_err() {
            return;
        }
        tracing::info!("joined");
        let reason = serve(&app, &group.inbox, conn, &member, sink, stream, outbound).await;
        tracing::info!(reason, "closed");
        let _ = group.inbox.send(GroupMsg::Leave { conn }).await;
    }
    .instrument(span)
    .await
}

/// Reads the `hello`; answers and closes on anything else.
async fn hello(
    app: &App,
    sink: &mut Sink,
    stream: &mut SplitStream<WebSocket>,
) -> Option<(MemberId, GroupId, Option<u64>)> {
    let first = match tokio::time::timeout(HELLO_TIMEOUT, stream.next()).await {
        Err(_) => {
            close(sink, stream, close::HELLO_TIMEOUT, "no hello within 10 s").await;
            return None;
        }
        Ok(Some(Ok(message))) => message,
        Ok(_) => return None,
    };
    let unauthorized =
        |message: &str| error_frame(None, Rejection::new(ErrorCode::Unauthorized, message));
    let hello = match &first {
        Message::Text(text) => match parse_frame(text.as_str()) {
            Ok(ClientFrame::Hello(hello)) => Some(hello),
            _ => None,
        },
        _ => None,
    };
    let Some(hello) = hello else {
        app.metrics.count_error(ErrorCode::Unauthorized);
        let _ = sink
            .send(unauthorized("the first frame must be hello"))
            .await;
        close(sink, stream, close::UNAUTHORIZED, "unauthorized").await;
        return None;
    };
    let owner = app.authenticate(hello.token.as_str()).await;
    let member = owner.as_ref().and_then(|o| o.member_id.clone());
    match (owner, member) {
        (Some(owner), Some(member)) => Some((member, owner.group_id, hello.resume_from)),
        _ => {
            app.metrics.count_error(ErrorCode::Unauthorized);
            let _ = sink.send(unauthorized("unknown token")).await;
            close(sink, stream, close::UNAUTHORIZED, "unauthorized").await;
            None
        }
    }
}

/// A token bucket: `rate_per_s` sustained, `burst` at once.
struct RateLimit {
    tokens: f64,
    last: Instant,
    rate_per_s: f64,
    burst: f64,
}

impl RateLimit {
    fn allow(&mut self) -> bool {
        let now = Instant::now();
        let refill = now.duration_since(self.last).as_secs_f64() * self.rate_per_s;
        self.tokens = (self.tokens + refill).min(self.burst);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The connection's life after `welcome`; returns why it ended.
async fn serve(
    app: &App,
    inbox: &mpsc::Sender<GroupMsg>,
    conn: u64,
    member: &MemberId,
    mut sink: Sink,
    mut stream: SplitStream<WebSocket>,
    mut outbound: mpsc::Receiver<Outbound>,
) -> &'static str {
    let mut shutdown = app.shutdown.clone();
    let mut limit = RateLimit {
        tokens: app.config.rate_burst,
        last: Instant::now(),
        rate_per_s: app.config.rate_per_s,
        burst: app.config.rate_burst,
    };
    let mut refusals = 0;
    let mut last_heard = Instant::now();
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    loop {
        tokio::select! {
            out = outbound.recv() => match out {
                Some(Outbound::Text(text)) => {
                    // Everything already queued goes out with one flush: one
                    // write for a command's events and its ack.
                    let mut batch_bytes = text.len();
                    let mut frames = vec![Message::Text(text)];
                    let mut close_after = None;
                    while batch_bytes < WRITE_BATCH_BYTES_MAX {
                        match outbound.try_recv() {
                            Ok(Outbound::Text(text)) => {
                                batch_bytes += text.len();
                                frames.push(Message::Text(text));
                            }
                            Ok(Outbound::Close(code, reason)) => {
                                close_after = Some((code, reason));
                                break;
                            }
                            Err(_) => break,
                        }
                    }
                    let written = tokio::time::timeout(WRITE_TIMEOUT, async {
                        for frame in frames {
                            sink.feed(frame).await?;
                        }
                        sink.flush().await
                    })
                    .await;
                    if !matches!(written, Ok(Ok(()))) {
                        return "write failed or timed out";
                    }
                    if let Some((code, reason)) = close_after {
                        close(&mut sink, &mut stream, code, &reason).await;
                        return "closed by the server";
                    }
                }
                Some(Outbound::Close(code, reason)) => {
                    close(&mut sink, &mut stream, code, &reason).await;
                    return "closed by the server";
                }
                None => {
                    close(&mut sink, &mut stream, close::TOO_SLOW, "too slow to keep up; resume").await;
                    return "too slow";
                }
            },
            incoming = stream.next() => {
                let message = match incoming {
                    Some(Ok(message)) => message,
                    _ => return "client went away",
                };
                last_heard = Instant::now();
                let text = match message {
                    Message::Text(text) => text,
                    Message::Binary(_) => {
                        app.metrics.count_error(ErrorCode::BadRequest);
                        let refusal = Rejection::bad_request("binary frames are not accepted; send JSON text");
                        if sink.send(error_frame(None, refusal)).await.is_err() {
                            return "write failed";
                        }
                        continue;
                    }
                    Message::Close(_) => return "client closed",
                    Message::Ping(_) | Message::Pong(_) => continue,
                };
                if text.len() > app.config.frame_max_bytes {
                    app.metrics.count_error(ErrorCode::TooLarge);
                    let refusal = Rejection::too_large(format!("frames are at most {} bytes", app.config.frame_max_bytes));
                    let _ = sink.send(error_frame(None, refusal)).await;
                    close(&mut sink, &mut stream, close::TOO_LARGE, "frame too large").await;
                    return "frame too large";
                }
                if !limit.allow() {
                    refusals += 1;
                    app.metrics.count_error(ErrorCode::RateLimited);
                    if refusals > RATE_REFUSALS_MAX {
                        close(&mut sink, &mut stream, close::POLICY, "too many commands").await;
                        return "flood";
                    }
                    let refusal = Rejection::new(ErrorCode::RateLimited, "too many commands; slow down");
                    let re = match parse_frame(text.as_str()) {
                        Ok(ClientFrame::Command(envelope)) => Some(envelope.id),
                        _ => None,
                    };
                    if sink.send(error_frame(re, refusal)).await.is_err() {
                        return "write failed";
                    }
                    continue;
                }
                refusals = 0;
                match parse_frame(text.as_str()) {
                    Ok(ClientFrame::Command(envelope)) => {
                        let command = GroupMsg::Command { conn, member: member.clone(), envelope: Box::new(envelope), received: Instant::now() };
                        if inbox.send(command).await.is_err() {
                            return "group stopped";
                        }
                    }
                    Ok(ClientFrame::Hello(_)) => {
                        app.metrics.count_error(ErrorCode::BadRequest);
                        let refusal = Rejection::bad_request("hello was already said on this connection");
                        if sink.send(error_frame(None, refusal)).await.is_err() {
                            return "write failed";
                        }
                    }
                    Err(error) => {
                        app.metrics.count_error(error.rejection.code);
                        tracing::debug!(code = error.rejection.code.as_str(), "unreadable frame");
                        if sink.send(error_frame(error.re, error.rejection)).await.is_err() {
                            return "write failed";
                        }
                    }
                }
            }
            _ = ping.tick() => {
                if last_heard.elapsed() > SILENT_MAX {
                    close(&mut sink, &mut stream, close::GOING_AWAY, "no answer to pings").await;
                    return "silent";
                }
                let sent = tokio::time::timeout(WRITE_TIMEOUT, sink.send(Message::Ping(Default::default()))).await;
                if !matches!(sent, Ok(Ok(()))) {
                    return "ping failed";
                }
            }
            _ = shutdown.changed() => {
                close(&mut sink, &mut stream, close::GOING_AWAY, "server shutting down").await;
                return "shutdown";
            }
        }
    }
}
