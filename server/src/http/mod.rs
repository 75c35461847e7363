//! The HTTP API: groups and members for the convener (`convener.rs`),
//! exports for members (`exports.rs`), health and metrics for the operator,
//! and the web client.

mod convener;
pub use convener::DEFAULT_AGREEMENT;
mod exports;

use crate::app::App;
use crate::group::GroupMsg;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use rondo_protocol::ids::GroupId;
use rondo_protocol::reply::{ErrorCode, Rejection};
use serde_json::json;
use std::sync::Arc;
use tokio::sync::oneshot;

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/api/groups", post(convener::create_group))
        .route("/api/groups/{group_id}/members", post(convener::add_member))
        .route(
            "/api/groups/{group_id}/members/{member_id}",
            delete(convener::remove_member),
        )
        .route(
            "/api/groups/{group_id}/members/{member_id}/token",
            post(convener::reissue_token),
        )
        .route(
            "/api/groups/{group_id}/agreement",
            put(convener::update_agreement),
        )
        .route("/api/record/{file}", get(exports::record))
        .route("/api/notes/{file}", get(exports::notes))
        .route("/healthz", get(health))
        .route("/metrics", get(metrics))
        .route("/ws", get(crate::ws::upgrade))
        .merge(crate::web::router())
        .with_state(app)
}

/// A refusal as an HTTP response: the protocol's code and a message.
pub(crate) struct ApiError(Rejection);

impl From<Rejection> for ApiError {
    fn from(rejection: Rejection) -> Self {
        ApiError(rejection)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match self.0.code {
            ErrorCode::BadRequest => StatusCode::BAD_REQUEST,
            ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorCode::Forbidden => StatusCode::FORBIDDEN,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::Conflict | ErrorCode::InvalidState | ErrorCode::NotYourTurn => {
                StatusCode::CONFLICT
            }
            ErrorCode::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let body = json!({"code": self.0.code, "message": self.0.message});
        (status, Json(body)).into_response()
    }
}

type ApiResult<T> = Result<T, ApiError>;

fn not_found(what: &'static str) -> ApiError {
    ApiError(Rejection::not_found(what))
}

fn unauthorized() -> ApiError {
    ApiError(Rejection::new(
        ErrorCode::Unauthorized,
        "a valid bearer token is needed",
    ))
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

/// Reads a JSON body into `T`, refusing with `bad_request` and no echo of values.
fn body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError(Rejection::bad_request(rondo_protocol::command::describe(
            &e,
        )))
    })
}

/// The group a path names; one that does not parse is not found.
fn group_id(raw: &str) -> ApiResult<GroupId> {
    GroupId::new(raw).map_err(|_| not_found("no such group"))
}

/// The group's task; a group the server does not hold is not found.
fn group(app: &App, group_id: &GroupId) -> ApiResult<crate::group::GroupHandle> {
    app.group(group_id)
        .ok_or_else(|| not_found("no such group"))
}

/// Asks a group's task something and waits for the answer.
async fn ask<T>(
    group: &crate::group::GroupHandle,
    message: impl FnOnce(oneshot::Sender<T>) -> GroupMsg,
) -> ApiResult<T> {
    let (reply, answer) = oneshot::channel();
    let stopped = || ApiError(Rejection::new(ErrorCode::Internal, "the group stopped"));
    group
        .inbox
        .send(message(reply))
        .await
        .map_err(|_| stopped())?;
    answer.await.map_err(|_| stopped())
}

/// The member link for a token, on the host the request came to.
fn link(headers: &HeaderMap, token: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1:8080");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|p| p.to_str().ok())
        .filter(|p| *p == "https")
        .unwrap_or("http");
    format!("{scheme}://{host}/#t={token}")
}

async fn health(State(app): State<Arc<App>>) -> Response {
    let store = app.store.clone();
    match tokio::task::spawn_blocking(move || store.check()).await {
        Ok(Ok(())) => (StatusCode::OK, "ok").into_response(),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "store unavailable").into_response(),
    }
}

async fn metrics(State(app): State<Arc<App>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        app.metrics.render(),
    )
        .into_response()
}
