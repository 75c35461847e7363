//! A guest for one meeting: invited by the convener, or by the facilitator
//! of the open meeting. Who may invite a guest may also show the meeting on
//! a room display (`display.rs`), so the check lives here for both.

use super::convener::admit;
use super::openapi::{Authenticated, Change, WithBody};
use super::{ask, group, group_id, ApiError, ApiResult, JsonBody};
use crate::app::App;
use crate::group::GroupMsg;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use rondo_protocol::api::NewMember;
use rondo_protocol::engine::Admin;
use rondo_protocol::ids::GroupId;
use rondo_protocol::reply::Rejection;
use std::sync::Arc;

/// The group a path names, where the bearer token is its convener's or that
/// of the open meeting's facilitator.
pub(super) async fn convener_or_facilitator(
    app: &App,
    headers: &HeaderMap,
    raw_group_id: &str,
) -> ApiResult<GroupId> {
    let group_id = group_id(raw_group_id)?;
    let owner = super::token_owner(app, headers).await?;
    let forbidden = || {
        ApiError::from(Rejection::forbidden(
            "only the convener, or the facilitator of the open meeting, may do this",
        ))
    };
    if owner.group_id != group_id {
        return Err(forbidden());
    }
    let Some(member) = owner.member_id else {
        return Ok(group_id);
    };
    let handle = group(app, &group_id).await?;
    let view = ask(&handle, |reply| GroupMsg::Overview { reply }).await?;
    if view.facilitator.as_ref() != Some(&member) {
        return Err(forbidden());
    }
    Ok(group_id)
}

/// `POST /api/groups/{id}/guests`: `{name}` → the guest's id, token and link.
#[utoipa::path(
    post,
    path = "/api/groups/{group_id}/guests",
    tag = "convener",
    params(("group_id" = String, Path)),
    request_body(content = ref("#/components/schemas/NewMember")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The guest's id, token and link.", body = ref("#/components/schemas/MemberLink")),
        WithBody, Change, Authenticated,
    ),
)]
pub(super) async fn invite(
    State(app): State<Arc<App>>,
    Path(group_id): Path<String>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<NewMember>,
) -> ApiResult<Response> {
    let group_id = convener_or_facilitator(&app, &headers, &group_id).await?;
    let name = request.name;
    admit(&app, &headers, &group_id, |member_id| Admin::AddGuest {
        member_id,
        name,
    })
    .await
}
