//! Members' downloads: a meeting's record and their own notes.

use super::openapi::Authenticated;
use super::{ask, group, not_found, unauthorized, ApiError, ApiResult};
use crate::app::App;
use crate::group::GroupMsg;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use rondo_protocol::group::Document;
use rondo_protocol::ids::{MeetingId, MemberId};
use std::sync::Arc;

/// The member behind a bearer token, and the meeting a file name names.
async fn member_and_meeting(
    app: &App,
    headers: &HeaderMap,
    file: &str,
    suffix: &str,
) -> ApiResult<(MemberId, MeetingId)> {
    let owner = super::token_owner(app, headers).await?;
    let not_found = || not_found("no such meeting");
    let meeting = file
        .strip_suffix(suffix)
        .and_then(|id| MeetingId::new(id).ok())
        .ok_or_else(not_found)?;
    if meeting.group() != Some(owner.group_id) {
        return Err(not_found());
    }
    let member = owner.member_id.ok_or_else(unauthorized)?;
    Ok((member, meeting))
}

/// A document for `member`, as the one rule allows it.
async fn export(
    app: &App,
    member: MemberId,
    meeting: MeetingId,
    document: Document,
) -> ApiResult<String> {
    let no_meeting = || not_found("no such meeting");
    let group_id = meeting.group().ok_or_else(no_meeting)?;
    let group = group(app, &group_id).await?;
    ask(&group, |reply| GroupMsg::Export {
        member,
        meeting,
        document,
        reply,
    })
    .await?
    .map_err(ApiError::from)?
    .ok_or_else(no_meeting)
}

/// A download that no cache may keep: records, notes and private feeds.
pub(super) fn document(content_type: &'static str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// `GET /api/record/{meeting_id}.md` or `.json`: a meeting's record.
#[utoipa::path(
    get,
    path = "/api/record/{file}",
    tag = "member",
    params(("file" = String, Path, description = "The meeting's id, then .md or .json.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The record, as Markdown (.md) or JSON (.json).", content(
            (String = "text/markdown"),
            (ref("#/components/schemas/RecordExport") = "application/json"),
        )),
        Authenticated,
    ),
)]
pub(super) async fn record(
    State(app): State<Arc<App>>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let as_json = file.ends_with(".json");
    let suffix = if as_json { ".json" } else { ".md" };
    let (member, meeting) = member_and_meeting(&app, &headers, &file, suffix).await?;
    if as_json {
        let json = export(&app, member, meeting, Document::RecordJson).await?;
        return Ok(document("application/json", json));
    }
    let markdown = export(&app, member, meeting, Document::RecordMarkdown).await?;
    Ok(document("text/markdown; charset=utf-8", markdown))
}

/// `GET /api/notes/{meeting_id}.md`: the member's own notes of a meeting.
#[utoipa::path(
    get,
    path = "/api/notes/{file}",
    tag = "member",
    params(("file" = String, Path, description = "The meeting's id, then .md.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The member's notes as Markdown.", content_type = "text/markdown", body = String),
        Authenticated,
    ),
)]
pub(super) async fn notes(
    State(app): State<Arc<App>>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let (member, meeting) = member_and_meeting(&app, &headers, &file, ".md").await?;
    let markdown = export(&app, member, meeting, Document::NotesMarkdown).await?;
    Ok(document("text/markdown; charset=utf-8", markdown))
}
