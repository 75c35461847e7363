//! One task per member connection: `hello`, then read a frame, parse it,
//! hand it to the group's task, and write what the group did not write to
//! the socket itself. It only moves bytes and time; every frame it writes
//! goes through the socket's one writer, with the write timeout.

use super::display::{self, Caller};
use super::socket::{self, Fault, Incoming, Reader, Writer, Ws};
use crate::app::{App, Located};
use crate::close;
use crate::group::{outbox_to, GroupHandle, GroupMsg, Outbound, OutboxReader};
use crate::listen::Ticket;
use crate::rate::TokenBucket;
use rondo_protocol::command::{parse_frame, ClientFrame};
use rondo_protocol::ids::GroupId;
use rondo_protocol::reply::{ErrorCode, Rejection};
use std::borrow::Cow;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

const HELLO_TIMEOUT: Duration = Duration::from_secs(10);
/// A connection is pinged this often; any frame it sends, a pong
/// included, counts as heard.
pub(super) const PING_EVERY: Duration = Duration::from_secs(15);
/// Silent this long (three pings unanswered), a connection is half-open.
pub(super) const SILENT_MAX: Duration = Duration::from_secs(45);
/// Most bytes of queued frames written with one flush: a batch is framed
/// into a buffer of its size, so a burst (a welcome and its replay) is
/// written in pieces rather than copied whole.
const WRITE_BATCH_BYTES_MAX: usize = 4 * 1024;
/// Refusals for rate in a row after which the connection is closed.
const RATE_REFUSALS_MAX: u32 = 100;

/// How a connection ends, and why (for the log).
pub(super) enum End {
    /// The client left, or can no longer be written to.
    Gone(&'static str),
    /// The server closes it with a code.
    Close(u16, Cow<'static, str>, &'static str),
    /// A websocket-level fault.
    Fail(Fault),
}

/// `ticket` holds this connection's places in the per-address caps for as
/// long as the socket lives.
pub async fn connection(app: Arc<App>, ws: Ws, ticket: Arc<Ticket>) {
    app.open_sockets
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let (mut reader, mut writer) = socket::split(ws);
    let end = live(&app, &mut reader, &mut writer, &ticket).await;
    let why = finish(&app, reader, writer, end).await;
    tracing::debug!(why, "connection ended");
    app.open_sockets
        .fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
}

async fn finish(app: &App, reader: Reader, writer: Writer, end: End) -> &'static str {
    match end {
        End::Gone(why) => why,
        End::Close(code, reason, why) => {
            socket::close(reader, writer, code, &reason).await;
            why
        }
        End::Fail(fault) => {
            if fault == Fault::TooLarge {
                app.metrics.count_error(ErrorCode::TooLarge);
            }
            socket::fail(reader, writer, fault, app.config.frame_max_bytes).await;
            fault.reason()
        }
    }
}

async fn live(app: &Arc<App>, reader: &mut Reader, writer: &mut Writer, ticket: &Ticket) -> End {
    // Boxed: the handshake's state is needed only briefly, and an unboxed
    // future would make every connection's task as large as it for good.
    let handshake = Box::pin(hello(app, reader, writer));
    let (caller, group_id, resume_from, hello_text) = match handshake.await {
        Ok(hello) => hello,
        Err(end) => return end,
    };
    ticket.authenticated();
    let group = match app.locate(&group_id).await {
        Located::Here(group) => group,
        Located::There(owner) => {
            let client = ticket.ip();
            // Boxed: only a relayed member's task should hold its state.
            let relay =
                super::relay::relay(app, &owner, &group_id, hello_text, reader, writer, client);
            return Box::pin(relay).await;
        }
        Located::Nowhere => {
            return End::Close(close::UNAUTHORIZED, "unknown group".into(), "unknown group");
        }
        Located::Unavailable => {
            let reason = "moved: not available here now; reconnect";
            return End::Close(close::MOVED, reason.into(), "group unavailable");
        }
    };
    // Only a relay says the hello again; a member served here would hold
    // it (and its token) for as long as they stay.
    drop(hello_text);
    let conn = app.next_conn_id();
    // The span names the connection in its log lines. It is given to them,
    // not entered around the connection's future: that would enter and
    // leave it at every wake-up, thousands of times a second per core.
    let span =
        tracing::info_span!("connection", conn, group_id = %group_id, member_id = caller.log_id());
    let (outbox, outbound) = outbox_to(writer.socket());
    let join = match &caller {
        Caller::Member(member, link) => GroupMsg::Join {
            conn,
            member: member.clone(),
            link: *link,
            outbox,
            resume_from,
        },
        Caller::Display(token_hash) => GroupMsg::JoinDisplay {
            conn,
            token_hash: *token_hash,
            outbox,
        },
    };
    if group.send(join).await.is_err() {
        return End::Close(close::GOING_AWAY, "group stopped".into(), "group stopped");
    }
    tracing::info!(parent: &span, "joined");
    let end = serve(app, &group, conn, &caller, reader, writer, outbound).await;
    tracing::info!(parent: &span, reason = why(&end), "closed");
    let _ = group.send(GroupMsg::Leave { conn }).await;
    end
}

fn why(end: &End) -> &'static str {
    match end {
        End::Gone(why) | End::Close(_, _, why) => why,
        End::Fail(fault) => fault.reason(),
    }
}

/// Reads the `hello`; anything else is answered and ends the connection.
async fn hello(
    app: &App,
    reader: &mut Reader,
    writer: &mut Writer,
) -> Result<(Caller, GroupId, Option<u64>, String), End> {
    let first = match tokio::time::timeout(HELLO_TIMEOUT, reader.next()).await {
        Err(_) => {
            let reason = "no hello within 10 s";
            return Err(End::Close(close::HELLO_TIMEOUT, reason.into(), "no hello"));
        }
        Ok(Ok(Incoming::Gone)) => return Err(End::Gone("left before hello")),
        Ok(Err(fault)) => return Err(End::Fail(fault)),
        Ok(Ok(first)) => first,
    };
    let hello = match &first {
        Incoming::Text(text) => match parse_frame(text.as_str()) {
            Ok(ClientFrame::Hello(hello)) => Some(hello),
            _ => None,
        },
        _ => None,
    };
    let unauthorized = |message: &'static str| async move {
        app.metrics.count_error(ErrorCode::Unauthorized);
        let refusal = Rejection::new(ErrorCode::Unauthorized, message);
        if !writer.refuse(None, refusal).await {
            return End::Gone("write failed");
        }
        End::Close(close::UNAUTHORIZED, "unauthorized".into(), message)
    };
    let Some(hello) = hello else {
        return Err(unauthorized("the first frame must be hello").await);
    };
    let owner = match display::display_token(hello.token.as_str()) {
        Some((group_id, hash)) => Some((Caller::Display(hash), group_id)),
        None => match app.authenticate(hello.token.as_str()).await {
            Ok(owner) => owner.and_then(|o| {
                let link = crate::app::token_hash(hello.token.as_str());
                Some((Caller::Member(o.member_id?, link), o.group_id))
            }),
            // Not a refusal of the token: the client comes back with it.
            Err(_) => {
                let reason = "moved: not available here now; reconnect";
                return Err(End::Close(close::MOVED, reason.into(), "store unavailable"));
            }
        },
    };
    match owner {
        Some((caller, group_id)) => {
            // Kept as it came: a relay to the group's owner says it again.
            let text = match first {
                Incoming::Text(text) => text.as_str().to_owned(),
                _ => String::new(),
            };
            Ok((caller, group_id, hello.resume_from, text))
        }
        None => Err(unauthorized("unknown token").await),
    }
}

/// The connection's life after `welcome`; returns how it ends.
async fn serve(
    app: &App,
    group: &GroupHandle,
    conn: u64,
    caller: &Caller,
    reader: &mut Reader,
    writer: &mut Writer,
    mut outbound: OutboxReader,
) -> End {
    // Made once: a `changed()` made afresh at every turn of the loop would
    // register with (and leave) the watch's waiters each time.
    let mut shutdown = app.shutdown.clone();
    let shutdown = shutdown.changed();
    tokio::pin!(shutdown);
    let mut limit = TokenBucket::new(app.config.rate_per_s, app.config.rate_burst);
    let mut refusals = 0;
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    loop {
        tokio::select! {
            // In this order, and no further once one is ready: delivering is
            // most of a connection's work, and the other branches need not
            // be polled (and their wakers registered again) for it.
            biased;
            out = outbound.recv() => {
                let Some(first) = out else {
                    let reason = "too slow to keep up; resume";
                    return End::Close(close::TOO_SLOW, reason.into(), "too slow");
                };
                // Everything already queued goes out with one flush: one
                // write for a command's events and its ack.
                let mut frames = Vec::new();
                let mut batch_bytes = 0;
                let mut close_after = None;
                let mut rest = false;
                let mut next = Some(first);
                while let Some(frame) = next.take() {
                    match frame {
                        Outbound::Text(text) => {
                            batch_bytes += text.len();
                            frames.push(Message::Text(text));
                        }
                        // The socket writes the group's rest before any
                        // frame: a flush is all it needs.
                        Outbound::Rest => rest = true,
                        Outbound::Close(code, reason) => {
                            close_after = Some((code, reason));
                            break;
                        }
                    }
                    if batch_bytes < WRITE_BATCH_BYTES_MAX {
                        next = outbound.try_recv();
                    }
                }
                if (rest || !frames.is_empty()) && !writer.send_all(frames).await {
                    return End::Gone("write failed or timed out");
                }
                outbound.written();
                if let Some((code, reason)) = close_after {
                    return End::Close(code, reason, "closed by the server");
                }
            }
            incoming = reader.next() => {
                let text = match incoming {
                    Ok(Incoming::Text(text)) => text,
                    Ok(Incoming::Binary(_)) => {
                        app.metrics.count_error(ErrorCode::BadRequest);
                        let refusal = Rejection::bad_request("binary frames are not accepted; send JSON text");
                        if !writer.refuse(None, refusal).await {
                            return End::Gone("write failed");
                        }
                        continue;
                    }
                    Ok(Incoming::Gone) => return End::Gone("client went away"),
                    Err(fault) => return End::Fail(fault),
                };
                if limit.take().is_err() {
                    refusals += 1;
                    app.metrics.count_error(ErrorCode::RateLimited);
                    if refusals > RATE_REFUSALS_MAX {
                        return End::Close(close::POLICY, "too many commands".into(), "flood");
                    }
                    let refusal = Rejection::new(ErrorCode::RateLimited, "too many commands; slow down");
                    let re = match parse_frame(text.as_str()) {
                        Ok(ClientFrame::Command(envelope)) => Some(envelope.id),
                        _ => None,
                    };
                    if !writer.refuse(re, refusal).await {
                        return End::Gone("write failed");
                    }
                    continue;
                }
                refusals = 0;
                match parse_frame(text.as_str()) {
                    Ok(ClientFrame::Command(envelope)) => {
                        let member = match caller {
                            Caller::Member(member, _) => member,
                            Caller::Display(_) => {
                                // Boxed, as only displays ask: a member's task
                                // would otherwise hold room for it.
                                if !Box::pin(display::answer(writer, envelope)).await {
                                    return End::Gone("write failed");
                                }
                                continue;
                            }
                        };
                        let command = GroupMsg::Command { conn, member: member.clone(), envelope, received: Instant::now() };
                        if group.send(command).await.is_err() {
                            return End::Close(close::GOING_AWAY, "group stopped".into(), "group stopped");
                        }
                    }
                    Ok(ClientFrame::Hello(_)) => {
                        app.metrics.count_error(ErrorCode::BadRequest);
                        let refusal = Rejection::bad_request("hello was already said on this connection");
                        if !writer.refuse(None, refusal).await {
                            return End::Gone("write failed");
                        }
                    }
                    Err(error) => {
                        app.metrics.count_error(error.rejection.code);
                        tracing::debug!(conn, code = error.rejection.code.as_str(), "unreadable frame");
                        if !writer.refuse(error.re, error.rejection).await {
                            return End::Gone("write failed");
                        }
                    }
                }
            }
            _ = ping.tick() => {
                if reader.silent_for() > SILENT_MAX {
                    return End::Close(close::GOING_AWAY, "no answer to pings".into(), "silent");
                }
                if !writer.send(Message::Ping(Default::default())).await {
                    return End::Gone("ping failed");
                }
            }
            _ = &mut shutdown => {
                return End::Close(close::GOING_AWAY, "server shutting down".into(), "shutdown");
            }
        }
    }
}
