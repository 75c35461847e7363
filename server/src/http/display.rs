//! The room display's link: shown by the convener or the open meeting's
//! facilitator, retired by either. The display's token is kept by the
//! group's engine as a hash (so in whichever store keeps the group), and
//! carries the group's id so a display's `hello` finds its group.

use super::guests::convener_or_facilitator;
use super::openapi::{Authenticated, Change, WithBody};
use super::{app_url, ApiResult, OptionalJsonBody};
use crate::app::{new_token, token_hash, App};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use rondo_protocol::api::NewDisplay;
use rondo_protocol::engine::{Admin, DisplayState};
use std::sync::Arc;

/// A room display's link.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct DisplayLink {
    link: String,
    show_titles: bool,
}

/// `POST /api/groups/{id}/display`: a new display link; the last one stops
/// working and its screens close with 4401.
#[utoipa::path(
    post,
    path = "/api/groups/{group_id}/display",
    tag = "convener",
    params(("group_id" = String, Path)),
    request_body(content = ref("#/components/schemas/NewDisplay"), description = "Optional: none asks for a display without titles."),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The display's link.", body = ref("#/components/schemas/DisplayLink")),
        WithBody, Change, Authenticated,
    ),
)]
pub(super) async fn show(
    State(app): State<Arc<App>>,
    Path(group_id): Path<String>,
    headers: HeaderMap,
    OptionalJsonBody(request): OptionalJsonBody<NewDisplay>,
) -> ApiResult<Json<DisplayLink>> {
    let group_id = convener_or_facilitator(&app, &headers, &group_id).await?;
    let token = format!("{}.{group_id}", new_token());
    let display = DisplayState {
        token_hash: hex::encode(token_hash(&token)),
        show_titles: request.show_titles,
    };
    super::convener::admin(
        &app,
        &group_id,
        Admin::SetDisplay {
            display: Some(display),
        },
    )
    .await?;
    Ok(Json(DisplayLink {
        link: format!("{}#d={token}", app_url(&headers)),
        show_titles: request.show_titles,
    }))
}

/// `DELETE /api/groups/{id}/display`: retires the display.
#[utoipa::path(
    delete,
    path = "/api/groups/{group_id}/display",
    tag = "convener",
    params(("group_id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 204, description = "Retired."), Change, Authenticated),
)]
pub(super) async fn retire(
    State(app): State<Arc<App>>,
    Path(group_id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let group_id = convener_or_facilitator(&app, &headers, &group_id).await?;
    super::convener::admin(&app, &group_id, Admin::SetDisplay { display: None }).await?;
    Ok(StatusCode::NO_CONTENT)
}
