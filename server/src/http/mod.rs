//! The HTTP API: groups and members for the convener (`convener.rs`),
//! exports for members (`exports.rs`), health and metrics for the operator,
//! and the web client.

mod calendar;
mod convener;
pub use convener::DEFAULT_AGREEMENT;
mod display;
mod exports;
mod guests;
pub mod openapi;
pub mod operator;
mod supervision;

use crate::app::{App, Located};
use crate::group::GroupMsg;
use crate::store::TokenOwner;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use rondo_protocol::ids::{GroupId, MemberId};
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
            "/api/groups/{group_id}/members/{member_id}/erase",
            post(convener::erase_member),
        )
        .route(
            "/api/groups/{group_id}/members/{member_id}/token",
            post(convener::reissue_token),
        )
        .route(
            "/api/groups/{group_id}/agreement",
            put(convener::update_agreement),
        )
        .route(
            "/api/groups/{group_id}/convener/token",
            post(operator::reissue_convener_token),
        )
        .route("/api/groups/{group_id}", get(convener::overview))
        .route("/api/convener", get(convener::own_group))
        .route(
            "/api/groups/{group_id}/language",
            put(convener::set_language),
        )
        .route(
            "/api/groups/{group_id}/retention",
            put(convener::set_retention),
        )
        .route(
            "/api/groups/{group_id}/schedule",
            put(calendar::set_schedule),
        )
        .route(
            "/api/groups/{group_id}/schedule/{date}",
            put(calendar::change_occurrence),
        )
        .route("/api/groups/{group_id}/schedule.ics", get(calendar::series))
        .route("/api/calendar", post(calendar::new_feed))
        .route("/api/calendar/{file}", get(calendar::feed))
        .route("/api/groups/{group_id}/guests", post(guests::invite))
        .route(
            "/api/groups/{group_id}/display",
            post(display::show).delete(display::retire),
        )
        .route("/api/record/{file}", get(exports::record))
        .route("/api/notes/{file}", get(exports::notes))
        .route("/api/log.json", get(supervision::log_json))
        .route("/api/log.csv", get(supervision::log_csv))
        .route("/api/log.pdf", get(supervision::log_pdf))
        .route(
            "/api/meetings/{meeting_id}/countersign",
            post(supervision::countersign),
        )
        .route(
            "/api/groups/{group_id}/credit_rule",
            put(supervision::set_credit_rule),
        )
        .route("/api/openapi.json", get(openapi::openapi))
        .route("/healthz", get(health))
        .route("/metrics", get(metrics))
        .route("/ws", get(crate::ws::upgrade))
        .merge(crate::web::router())
        .with_state(app)
}

/// A refusal as an HTTP response: the protocol's code and a message, and
/// for a refusal that passes, when to try again (`Retry-After`).
pub(crate) struct ApiError {
    rejection: Rejection,
    retry_after: Option<std::time::Duration>,
    /// `503` instead of the code's status: try again in a moment.
    unavailable: bool,
}

impl From<Rejection> for ApiError {
    fn from(rejection: Rejection) -> Self {
        ApiError {
            rejection,
            retry_after: None,
            unavailable: false,
        }
    }
}

impl ApiError {
    /// `429`, with when to try again.
    fn rate_limited(message: &'static str, retry_after: std::time::Duration) -> ApiError {
        ApiError {
            rejection: Rejection::new(ErrorCode::RateLimited, message),
            retry_after: Some(retry_after),
            unavailable: false,
        }
    }

    /// `503`: the group is served by another node just now, or this node
    /// is stopping; the balancer's next choice, a second later, will do.
    fn unavailable(message: &'static str) -> ApiError {
        ApiError {
            rejection: Rejection::new(ErrorCode::Internal, message),
            retry_after: Some(std::time::Duration::from_secs(1)),
            unavailable: true,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match self.rejection.code {
            ErrorCode::BadRequest => StatusCode::BAD_REQUEST,
            ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorCode::Forbidden | ErrorCode::AgreementRequired => StatusCode::FORBIDDEN,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::Conflict | ErrorCode::InvalidState | ErrorCode::NotYourTurn => {
                StatusCode::CONFLICT
            }
            ErrorCode::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::Internal if self.unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let body = json!({"code": self.rejection.code, "message": self.rejection.message});
        let mut response = (status, Json(body)).into_response();
        if let Some(wait) = self.retry_after {
            // Whole seconds, rounded up: never earlier than the bucket refills.
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, seconds.max(1).into());
        }
        response
    }
}

type ApiResult<T> = Result<T, ApiError>;

fn not_found(what: &'static str) -> ApiError {
    ApiError::from(Rejection::not_found(what))
}

fn unauthorized() -> ApiError {
    ApiError::from(Rejection::new(
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

/// Largest request body the API reads: a new group with a 20 000-character
/// agreement and twenty templates fits several times over.
pub const BODY_MAX_BYTES: usize = 256 * 1024;

/// A JSON body, read up to [`BODY_MAX_BYTES`] (`too_large` past it) and
/// parsed like a frame: `bad_request` naming the field, never the value.
pub(crate) struct JsonBody<T>(T);

/// A JSON body that may be left out: none (or only white space) is
/// `T::default()`; one that is sent is read as [`JsonBody`] reads it.
pub(crate) struct OptionalJsonBody<T>(T);

/// The request's body, up to [`BODY_MAX_BYTES`].
async fn body_bytes(request: axum::extract::Request) -> ApiResult<axum::body::Bytes> {
    axum::body::to_bytes(request.into_body(), BODY_MAX_BYTES)
        .await
        .map_err(|_| {
            ApiError::from(Rejection::too_large(format!(
                "request bodies are at most {BODY_MAX_BYTES} bytes"
            )))
        })
}

fn parse_body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    rondo_protocol::command::from_json(bytes).map_err(|e| ApiError::from(Rejection::bad_request(e)))
}

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: axum::extract::Request, _: &S) -> ApiResult<Self> {
        parse_body(&body_bytes(request).await?).map(JsonBody)
    }
}

impl<T: serde::de::DeserializeOwned + Default, S: Send + Sync> axum::extract::FromRequest<S>
    for OptionalJsonBody<T>
{
    type Rejection = ApiError;

    async fn from_request(request: axum::extract::Request, _: &S) -> ApiResult<Self> {
        let bytes = body_bytes(request).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJsonBody(T::default()));
        }
        parse_body(&bytes).map(OptionalJsonBody)
    }
}

/// The group a path names; one that does not parse is not found.
fn group_id(raw: &str) -> ApiResult<GroupId> {
    GroupId::new(raw).map_err(|_| not_found("no such group"))
}

/// The group's task; a group the server does not hold is not found. With
/// several nodes, one another node serves is `503` here.
async fn group(app: &App, group_id: &GroupId) -> ApiResult<crate::group::GroupHandle> {
    match app.locate(group_id).await {
        Located::Here(handle) => Ok(handle),
        Located::Nowhere => Err(not_found("no such group")),
        Located::There(_) => Err(ApiError::unavailable("another node serves this group now")),
        Located::Unavailable => Err(ApiError::unavailable("the group is not available now")),
    }
}

/// Asks a group's task something and waits for the answer.
async fn ask<T>(
    group: &crate::group::GroupHandle,
    message: impl FnOnce(oneshot::Sender<T>) -> GroupMsg,
) -> ApiResult<T> {
    let (reply, answer) = oneshot::channel();
    // The group stops when a write fails or the node stands down; nothing
    // asked for was made durable, so asking again (here or on the node that
    // serves the group next) is safe.
    let stopped = || ApiError::unavailable("the group stopped; try again");
    group.send(message(reply)).await.map_err(|_| stopped())?;
    answer.await.map_err(|_| stopped())
}

/// The member link for a token, on the host the request came to.
fn link(headers: &HeaderMap, token: &str) -> String {
    format!("{}#t={token}", app_url(headers))
}

/// The convener's link: it opens the console.
fn convener_link(headers: &HeaderMap, token: &str) -> String {
    format!("{}#c={token}", app_url(headers))
}

/// The app's address on the host the request came to.
fn app_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1:8080");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|p| p.to_str().ok())
        .filter(|p| *p == "https")
        .unwrap_or("http");
    format!("{scheme}://{host}/")
}

/// Whose the request's bearer token is: `401` for none or an unknown one,
/// `503` when the store did not answer (the token may well be good).
async fn token_owner(app: &App, headers: &HeaderMap) -> ApiResult<TokenOwner> {
    let token = bearer(headers).ok_or_else(unauthorized)?;
    app.authenticate(token)
        .await
        .map_err(|_| ApiError::unavailable("tokens cannot be checked now; try again"))?
        .ok_or_else(unauthorized)
}

/// The member of a group behind a bearer token.
async fn member(app: &App, headers: &HeaderMap) -> ApiResult<(GroupId, MemberId)> {
    let owner = token_owner(app, headers).await?;
    let member = owner
        .member_id
        .ok_or_else(|| ApiError::from(Rejection::forbidden("a member's token is needed")))?;
    Ok((owner.group_id, member))
}

/// `GET /healthz`: whether this node serves (for the balancer).
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operator",
    responses(
        (status = 200, description = "Serving: `ok`.", content_type = "text/plain", body = String),
        (status = 503, description = "Stopping, or the store cannot be reached.", content_type = "text/plain", body = String),
    ),
)]
async fn health(State(app): State<Arc<App>>) -> Response {
    if app.draining.load(std::sync::atomic::Ordering::Relaxed) {
        return (StatusCode::SERVICE_UNAVAILABLE, "stopping").into_response();
    }
    let store = app.store.clone();
    match tokio::task::spawn_blocking(move || store.check()).await {
        Ok(Ok(())) => (StatusCode::OK, "ok").into_response(),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "store unavailable").into_response(),
    }
}

/// `GET /metrics`: Prometheus's text format; the documented proxies keep it
/// from the internet.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operator",
    responses(
        (status = 200, description = "The metrics, in Prometheus's text format 0.0.4.", content_type = "text/plain", body = String),
    ),
)]
async fn metrics(State(app): State<Arc<App>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        app.metrics.render(),
    )
        .into_response()
}
