//! A member of a group another node owns: their frames are relayed to the
//! owner, as they are, both ways. The owner alone applies commands and sends
//! events, so "durable before sent" holds however a member is connected.

use super::session::{End, PING_EVERY, SILENT_MAX};
use super::socket::{Incoming, Reader, Writer};
use crate::app::App;
use crate::close;
use futures_util::{SinkExt, StreamExt};
use rondo_protocol::ids::GroupId;
use std::borrow::Cow;
use std::net::IpAddr;
use std::time::Instant;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;

/// Relays a member's connection to the node at `owner` (its internal
/// address), starting with the member's own `hello`. The member's address
/// goes along in `X-Forwarded-For`: an owner that trusts this node counts
/// the member against it, not against this node.
pub(super) async fn relay(
    app: &App,
    owner: &str,
    group_id: &GroupId,
    hello: String,
    reader: &mut Reader,
    writer: &mut Writer,
    client: IpAddr,
) -> End {
    let mut shutdown = app.shutdown.clone();
    let moved = |why| End::Close(close::MOVED, Cow::Borrowed("moved: reconnect"), why);
    let Ok(mut request) = format!("ws://{owner}/ws?g={group_id}").into_client_request() else {
        return moved("owner address unusable");
    };
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("rondo.v1"),
    );
    if let Ok(client) = HeaderValue::from_str(&client.to_string()) {
        request.headers_mut().insert("X-Forwarded-For", client);
    }
    // The same small buffers as every member's socket (a node relays many),
    // but the owner's frames may be as large as a welcome gets — at most the
    // group's state and a little more: the members' own cap would lock a
    // member of a busy group out.
    let owner_frame_max = app.config.snapshot_max_bytes * 2 + app.config.frame_max_bytes;
    let config = super::socket::config(owner_frame_max);
    let connecting = tokio_tungstenite::connect_async_with_config(request, Some(config), true);
    let Ok((upstream, _)) = connecting.await else {
        return moved("owner unreachable");
    };
    let (mut to_owner, mut from_owner) = upstream.split();
    if to_owner.send(Message::text(hello)).await.is_err() {
        return moved("owner unreachable");
    }
    // Both sides are pinged: a half-open member must not stay present at
    // the owner, nor a member wait on an owner that is gone.
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    let mut owner_heard = Instant::now();
    loop {
        tokio::select! {
            incoming = reader.next() => {
                let frame = match incoming {
                    Ok(Incoming::Text(text)) => Message::Text(text),
                    Ok(Incoming::Binary(bytes)) => Message::Binary(bytes),
                    Ok(Incoming::Gone) => {
                        let _ = to_owner.close().await;
                        return End::Gone("client went away");
                    }
                    Err(fault) => {
                        let _ = to_owner.close().await;
                        return End::Fail(fault);
                    }
                };
                if to_owner.send(frame).await.is_err() {
                    return moved("owner went away");
                }
            }
            answer = from_owner.next() => {
                if matches!(answer, Some(Ok(_))) {
                    owner_heard = Instant::now();
                }
                match answer {
                Some(Ok(Message::Text(text))) => {
                    if !writer.send(Message::Text(text)).await {
                        return End::Gone("write failed or timed out");
                    }
                }
                // The owner's close, code and reason, is the member's.
                Some(Ok(Message::Close(Some(frame)))) => {
                    let reason = Cow::Owned(frame.reason.as_str().to_owned());
                    return End::Close(frame.code.into(), reason, "closed by the owner");
                }
                Some(Ok(Message::Close(None))) | Some(Err(_)) | None => {
                    return moved("owner went away");
                }
                Some(Ok(_)) => {}
            }
            }
            _ = ping.tick() => {
                if reader.silent_for() > SILENT_MAX {
                    let _ = to_owner.close().await;
                    return End::Close(close::GOING_AWAY, "no answer to pings".into(), "silent");
                }
                if owner_heard.elapsed() > SILENT_MAX {
                    return moved("owner silent");
                }
                let pinged = writer.send(Message::Ping(Default::default())).await
                    && to_owner.send(Message::Ping(Default::default())).await.is_ok();
                if !pinged {
                    return moved("ping failed");
                }
            }
            _ = shutdown.changed() => {
                let _ = to_owner.close().await;
                return moved("shutdown");
            }
        }
    }
}
