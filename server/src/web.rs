//! The web client, embedded in the binary and served with a strict CSP.

use crate::app::App;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;

/// Scripts and styles from this origin only; websockets to this origin; no
/// inline code, no framing, no plugins.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

const FILES: &[(&str, &str, &str)] = &[
    (
        "/",
        "text/html; charset=utf-8",
        include_str!("../../web-client/index.html"),
    ),
    (
        "/app.js",
        "text/javascript; charset=utf-8",
        include_str!("../../web-client/app.js"),
    ),
    (
        "/model.js",
        "text/javascript; charset=utf-8",
        include_str!("../../web-client/model.js"),
    ),
    (
        "/dom.js",
        "text/javascript; charset=utf-8",
        include_str!("../../web-client/dom.js"),
    ),
    (
        "/session.js",
        "text/javascript; charset=utf-8",
        include_str!("../../web-client/session.js"),
    ),
    (
        "/caseview.js",
        "text/javascript; charset=utf-8",
        include_str!("../../web-client/caseview.js"),
    ),
    (
        "/clock.js",
        "text/javascript; charset=utf-8",
        include_str!("../../web-client/clock.js"),
    ),
    (
        "/controls.js",
        "text/javascript; charset=utf-8",
        include_str!("../../web-client/controls.js"),
    ),
    (
        "/guide.js",
        "text/javascript; charset=utf-8",
        include_str!("../../web-client/guide.js"),
    ),
    (
        "/lobby.js",
        "text/javascript; charset=utf-8",
        include_str!("../../web-client/lobby.js"),
    ),
    (
        "/notes.js",
        "text/javascript; charset=utf-8",
        include_str!("../../web-client/notes.js"),
    ),
    (
        "/queue.js",
        "text/javascript; charset=utf-8",
        include_str!("../../web-client/queue.js"),
    ),
    (
        "/record.js",
        "text/javascript; charset=utf-8",
        include_str!("../../web-client/record.js"),
    ),
    (
        "/roster.js",
        "text/javascript; charset=utf-8",
        include_str!("../../web-client/roster.js"),
    ),
    (
        "/summary.js",
        "text/javascript; charset=utf-8",
        include_str!("../../web-client/summary.js"),
    ),
    (
        "/console.js",
        "text/javascript; charset=utf-8",
        include_str!("../../web-client/console.js"),
    ),
    (
        "/connection.js",
        "text/javascript; charset=utf-8",
        include_str!("../../web-client/connection.js"),
    ),
    (
        "/style.css",
        "text/css; charset=utf-8",
        include_str!("../../web-client/style.css"),
    ),
];

fn page(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

pub fn router() -> Router<Arc<App>> {
    FILES
        .iter()
        .fold(Router::new(), |router, (path, content_type, body)| {
            router.route(path, get(move || async move { page(content_type, body) }))
        })
}
