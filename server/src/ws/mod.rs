//! The websocket endpoint: the upgrade (Origin checked first), and the
//! compliance echo that runs on the very same socket code.

mod display;
mod relay;
mod session;
mod socket;

use crate::app::App;
use crate::listen::Ticket;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use hyper_util::rt::TokioIo;
use socket::{Incoming, Ws};
use std::future::Future;
use std::sync::Arc;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// The subprotocol clients may ask for.
const SUBPROTOCOL: &str = "rondo.v1";

/// `GET /ws`: the Origin is checked before the upgrade.
/// `GET /ws`: a member's or a display's websocket (asyncapi.json tells its
/// frames).
#[utoipa::path(
    get,
    path = "/ws",
    tag = "member",
    params(("g" = Option<String>, Query, description = "The group's id: the balancer's routing key, never the token.")),
    responses(
        (status = 101, description = "Switching to the websocket, subprotocol rondo.v1."),
        (status = 400, description = "Not a websocket upgrade.", content_type = "text/plain", body = String),
        (status = 403, description = "The page's origin is not allowed.", content_type = "text/plain", body = String),
    ),
)]
pub async fn upgrade(
    State(app): State<Arc<App>>,
    Extension(ticket): Extension<Arc<Ticket>>,
    request: Request,
) -> Response {
    if !origin_allowed(request.headers(), &app.config.allowed_origins) {
        return (StatusCode::FORBIDDEN, "origin not allowed").into_response();
    }
    let frame_max_bytes = app.config.frame_max_bytes;
    accept(request, frame_max_bytes, move |ws| {
        session::connection(app, ws, ticket)
    })
}

/// An echo over the same socket code as `/ws`, for protocol-compliance
/// suites (Autobahn): every message comes back as it came, and every fault
/// is failed exactly as a member's would be. Served only on the separate
/// address `--echo-addr` names.
pub async fn echo(State(frame_max_bytes): State<usize>, request: Request) -> Response {
    accept(request, frame_max_bytes, move |ws| async move {
        let (mut reader, mut writer) = socket::split(ws);
        loop {
            let reply = match reader.next().await {
                Ok(Incoming::Text(text)) => Message::Text(text),
                Ok(Incoming::Binary(data)) => Message::Binary(data),
                Ok(Incoming::Gone) => return,
                Err(fault) => return socket::fail(reader, writer, fault, frame_max_bytes).await,
            };
            if !writer.send(reply).await {
                return;
            }
        }
    })
}

/// Completes a websocket handshake (RFC 6455 §4.2) and runs `serve` on the
/// socket; a request that is not a websocket upgrade is answered 400.
fn accept<F, Fut>(request: Request, frame_max_bytes: usize, serve: F) -> Response
where
    F: FnOnce(Ws) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let headers = request.headers();
    let has_token = |name: header::HeaderName, token: &str| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    };
    let key = headers.get(header::SEC_WEBSOCKET_KEY).cloned();
    let upgrade = has_token(header::CONNECTION, "upgrade")
        && has_token(header::UPGRADE, "websocket")
        && headers.get(header::SEC_WEBSOCKET_VERSION) == Some(&HeaderValue::from_static("13"));
    let (Some(key), true) = (key, upgrade) else {
        return (StatusCode::BAD_REQUEST, "a websocket upgrade is expected").into_response();
    };
    let subprotocol = has_token(header::SEC_WEBSOCKET_PROTOCOL, SUBPROTOCOL);
    let upgraded = hyper::upgrade::on(request);
    tokio::spawn(async move {
        let Ok(upgraded) = upgraded.await else {
            return;
        };
        let config = socket::config(frame_max_bytes);
        let ws =
            WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config))
                .await;
        serve(ws).await;
    });
    let mut response = Response::builder()
        .status(StatusCode::SWITCHING_PROTOCOLS)
        .header(header::CONNECTION, "upgrade")
        .header(header::UPGRADE, "websocket")
        .header(
            header::SEC_WEBSOCKET_ACCEPT,
            derive_accept_key(key.as_bytes()),
        );
    if subprotocol {
        response = response.header(header::SEC_WEBSOCKET_PROTOCOL, SUBPROTOCOL);
    }
    response
        .body(axum::body::Body::empty())
        .expect("the headers are valid")
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
