//! The HTTP API: groups and members for the convener, exports for members,
//! health and metrics for the operator, and the web client.

use crate::app::{new_token, token_hash, App};
use crate::group::{Export, GroupMsg};
use crate::store::{TokenOwner, Write};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use rondo_protocol::command::Date;
use rondo_protocol::engine::state::GroupConfig;
use rondo_protocol::engine::Admin;
use rondo_protocol::ids::{GroupId, MeetingId, MemberId};
use rondo_protocol::reply::{ErrorCode, Rejection};
use rondo_protocol::settings::Settings;
use rondo_protocol::text::{AgreementText, Name};
use rondo_protocol::view::Agreement;
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;
use tokio::sync::oneshot;

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/api/groups", post(create_group))
        .route("/api/groups/{group_id}/members", post(add_member))
        .route(
            "/api/groups/{group_id}/members/{member_id}",
            delete(remove_member),
        )
        .route(
            "/api/groups/{group_id}/members/{member_id}/token",
            post(reissue_token),
        )
        .route("/api/groups/{group_id}/agreement", put(update_agreement))
        .route("/api/record/{file}", get(record))
        .route("/api/notes/{file}", get(notes))
        .route("/healthz", get(health))
        .route("/metrics", get(metrics))
        .route("/ws", get(crate::ws::upgrade))
        .merge(crate::web::router())
        .with_state(app)
}

/// A refusal as an HTTP response: the protocol's code and a message.
struct ApiError(Rejection);

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewMember {
    name: Name,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewAgreement {
    text: AgreementText,
    #[serde(default)]
    review_on: Option<Date>,
}

/// An agreement as given at creation: its text alone, or text and review date.
#[derive(Deserialize)]
#[serde(untagged)]
enum AgreementGiven {
    Text(AgreementText),
    Full(NewAgreement),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewGroup {
    name: Name,
    members: Vec<NewMember>,
    #[serde(default)]
    agreement: Option<AgreementGiven>,
    #[serde(default)]
    settings: Option<Settings>,
}

/// The agreement a group starts with when its convener gives none.
pub const DEFAULT_AGREEMENT: &str = "\
Confidentiality: what is said about clients and colleagues stays in the group. \
Cases are presented without names or details that identify anyone.
Respect: one person speaks at a time; we listen, we do not interrupt, and the \
presenter is silent while feedback is given.
Recording: only the agreed record (areas, actions, decisions, disagreements) is kept; \
notes are private to whoever writes them.
Review: we review this agreement together once a year.";

async fn create_group(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    raw: axum::body::Bytes,
) -> ApiResult<Response> {
    if let Some(admin) = &app.config.admin_token {
        let given = bearer(&headers).unwrap_or("");
        if !bool::from(subtle::ConstantTimeEq::ct_eq(
            given.as_bytes(),
            admin.as_bytes(),
        )) {
            return Err(unauthorized());
        }
    }
    let request: NewGroup = body(&raw)?;
    let (text, review_on) = match request.agreement {
        Some(AgreementGiven::Text(text)) => (text, None),
        Some(AgreementGiven::Full(full)) => (full.text, full.review_on),
        None => (AgreementText::new(DEFAULT_AGREEMENT).expect("fits"), None),
    };
    let config = GroupConfig {
        group_id: GroupId::new("pending").expect("short"),
        name: request.name,
        members: Vec::new(),
        agreement: Agreement {
            version: 1,
            text,
            review_on,
        },
        settings: request.settings.unwrap_or_default(),
    };
    let names = request.members.into_iter().map(|m| m.name).collect();
    let created = app.create_group(config, names).await?;
    let members: Vec<_> = created
        .members
        .iter()
        .map(|(id, name, token)| json!({"member_id": id, "name": name, "token": token, "link": link(&headers, token)}))
        .collect();
    let body = json!({"group_id": created.group_id, "convener_token": created.convener_token, "members": members});
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// The convener of `group_id`, by their bearer token.
async fn convener(app: &App, headers: &HeaderMap, group_id: &str) -> ApiResult<TokenOwner> {
    let owner = app
        .authenticate(bearer(headers).ok_or_else(unauthorized)?)
        .await
        .ok_or_else(unauthorized)?;
    if owner.group_id != group_id || owner.member_id.is_some() {
        return Err(ApiError(Rejection::forbidden(
            "only the group's convener may do this",
        )));
    }
    Ok(owner)
}

async fn admin(app: &App, group_id: &str, admin: Admin) -> ApiResult<()> {
    let group = app
        .group(group_id)
        .ok_or_else(|| ApiError(Rejection::not_found("no such group")))?;
    let (done, result) = oneshot::channel();
    let stopped = || ApiError(Rejection::new(ErrorCode::Internal, "the group stopped"));
    group
        .inbox
        .send(GroupMsg::Admin { admin, done })
        .await
        .map_err(|_| stopped())?;
    result.await.map_err(|_| stopped())?.map_err(ApiError)
}

fn member_id(raw: &str) -> ApiResult<MemberId> {
    MemberId::new(raw).map_err(|_| ApiError(Rejection::not_found("no such member")))
}

async fn add_member(
    State(app): State<Arc<App>>,
    Path(group_id): Path<String>,
    headers: HeaderMap,
    raw: axum::body::Bytes,
) -> ApiResult<Response> {
    convener(&app, &headers, &group_id).await?;
    let request: NewMember = body(&raw)?;
    let member = MemberId::new(uuid::Uuid::new_v4().simple().to_string()).expect("short");
    admin(
        &app,
        &group_id,
        Admin::AddMember {
            member_id: member.clone(),
            name: request.name,
        },
    )
    .await?;
    let body = issue_token(&app, &headers, &group_id, &member).await?;
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// Gives a member a new token (their old one stops working) and answers with
/// it and the member's link.
async fn issue_token(
    app: &App,
    headers: &HeaderMap,
    group_id: &str,
    member: &MemberId,
) -> ApiResult<serde_json::Value> {
    let token = new_token();
    app.durable(Write::SetToken {
        group_id: group_id.to_owned(),
        member_id: Some(member.to_string()),
        token_hash: Some(token_hash(&token)),
    })
    .await?;
    Ok(json!({"member_id": member, "token": token, "link": link(headers, &token)}))
}

async fn remove_member(
    State(app): State<Arc<App>>,
    Path((group_id, member)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    convener(&app, &headers, &group_id).await?;
    let member = member_id(&member)?;
    // The engine decides first: it may refuse (the two-member minimum), and
    // then the member must keep their link. Between the two steps their
    // token still authenticates, but the group refuses a non-member's join.
    admin(
        &app,
        &group_id,
        Admin::RemoveMember {
            member: member.clone(),
        },
    )
    .await?;
    app.durable(Write::SetToken {
        group_id: group_id.clone(),
        member_id: Some(member.to_string()),
        token_hash: None,
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn reissue_token(
    State(app): State<Arc<App>>,
    Path((group_id, member)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<Json<serde_json::Value>> {
    convener(&app, &headers, &group_id).await?;
    let member = member_id(&member)?;
    let group = app
        .group(&group_id)
        .ok_or_else(|| ApiError(Rejection::not_found("no such group")))?;
    // A link is issued only for a member the group knows.
    let (reply, is_member) = oneshot::channel();
    let ask = GroupMsg::IsMember {
        member: member.clone(),
        reply,
    };
    let stopped = || ApiError(Rejection::new(ErrorCode::Internal, "the group stopped"));
    group.inbox.send(ask).await.map_err(|_| stopped())?;
    if !is_member.await.map_err(|_| stopped())? {
        return Err(ApiError(Rejection::not_found("no such member")));
    }
    let body = issue_token(&app, &headers, &group_id, &member).await?;
    let close = GroupMsg::CloseMember {
        member: member.clone(),
        code: crate::close::UNAUTHORIZED,
        reason: "a new link was issued",
    };
    let _ = group.inbox.send(close).await;
    Ok(Json(body))
}

async fn update_agreement(
    State(app): State<Arc<App>>,
    Path(group_id): Path<String>,
    headers: HeaderMap,
    raw: axum::body::Bytes,
) -> ApiResult<StatusCode> {
    convener(&app, &headers, &group_id).await?;
    let request: NewAgreement = body(&raw)?;
    admin(
        &app,
        &group_id,
        Admin::UpdateAgreement {
            text: request.text,
            review_on: request.review_on,
        },
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The member behind a bearer token, and the meeting a file name names.
async fn member_and_meeting(
    app: &App,
    headers: &HeaderMap,
    file: &str,
    suffix: &str,
) -> ApiResult<(MemberId, MeetingId)> {
    let owner = app
        .authenticate(bearer(headers).ok_or_else(unauthorized)?)
        .await
        .ok_or_else(unauthorized)?;
    let not_found = || ApiError(Rejection::not_found("no such meeting"));
    let meeting = file
        .strip_suffix(suffix)
        .and_then(|id| MeetingId::new(id).ok())
        .ok_or_else(not_found)?;
    if meeting.group().map(|g| g.to_string()) != Some(owner.group_id) {
        return Err(not_found());
    }
    let member = owner
        .member_id
        .and_then(|m| MemberId::new(m).ok())
        .ok_or_else(unauthorized)?;
    Ok((member, meeting))
}

async fn export(app: &App, meeting: &MeetingId, request: Export) -> ApiResult<String> {
    let not_found = || ApiError(Rejection::not_found("no such meeting"));
    let group = meeting
        .group()
        .and_then(|g| app.group(g.as_str()))
        .ok_or_else(not_found)?;
    let (reply, document) = oneshot::channel();
    group
        .inbox
        .send(GroupMsg::Export { request, reply })
        .await
        .map_err(|_| not_found())?;
    document.await.ok().flatten().ok_or_else(not_found)
}

fn document(content_type: &'static str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

async fn record(
    State(app): State<Arc<App>>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let as_json = file.ends_with(".json");
    let suffix = if as_json { ".json" } else { ".md" };
    let (_, meeting) = member_and_meeting(&app, &headers, &file, suffix).await?;
    if as_json {
        let json = export(&app, &meeting, Export::RecordJson(meeting.clone())).await?;
        return Ok(document("application/json", json));
    }
    let markdown = export(&app, &meeting, Export::RecordMarkdown(meeting.clone())).await?;
    Ok(document("text/markdown; charset=utf-8", markdown))
}

async fn notes(
    State(app): State<Arc<App>>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let (member, meeting) = member_and_meeting(&app, &headers, &file, ".md").await?;
    let markdown = export(
        &app,
        &meeting,
        Export::NotesMarkdown(meeting.clone(), member),
    )
    .await?;
    Ok(document("text/markdown; charset=utf-8", markdown))
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
