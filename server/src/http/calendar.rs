//! The schedule (the convener's) and the calendars (members').

use super::convener::{admin, convener};
use super::exports::document;
use super::openapi::{Authenticated, Change, Refused, Unavailable, WithBody};
use super::{app_url, ask, group, member, not_found, ApiError, ApiResult, JsonBody};
use crate::app::{new_token, token_hash, App};
use crate::calendar::{self, About};
use crate::group::GroupMsg;
use crate::schedule::{self, Invalid};
use crate::store::Write;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rondo_protocol::command::Date;
use rondo_protocol::engine::Admin;
use rondo_protocol::ids::GroupId;
use rondo_protocol::reply::Rejection;
use rondo_protocol::schedule::{OccurrenceEdit, Recurrence, Schedule};
use rondo_protocol::view::ConvenerView;
use std::sync::Arc;

fn refused(invalid: Invalid) -> ApiError {
    let rejection = if invalid.not_found {
        Rejection::not_found(invalid.message())
    } else {
        Rejection::bad_request(invalid.message())
    };
    ApiError::from(rejection)
}

async fn overview(app: &App, group_id: &GroupId) -> ApiResult<ConvenerView> {
    let group = group(app, group_id).await?;
    ask(&group, |reply| GroupMsg::Overview { reply }).await
}

async fn set(app: &App, group_id: &GroupId, schedule: Option<Schedule>) -> ApiResult<()> {
    let next_meetings = schedule::upcoming(schedule.as_ref(), app.clock.now_ms());
    let change = Admin::SetSchedule {
        schedule,
        next_meetings,
    };
    admin(app, group_id, change).await
}

/// `PUT /api/groups/{id}/schedule`: a recurrence, or `null` for none.
#[utoipa::path(
    put,
    path = "/api/groups/{group_id}/schedule",
    tag = "convener",
    params(("group_id" = String, Path)),
    request_body(content = ref("#/components/schemas/ScheduleChange")),
    security(("bearer" = [])),
    responses((status = 204, description = "Set."), WithBody, Change, Authenticated),
)]
pub(super) async fn set_schedule(
    State(app): State<Arc<App>>,
    Path(group_id): Path<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<Option<serde_json::Value>>,
) -> ApiResult<StatusCode> {
    let group_id = convener(&app, &headers, &group_id).await?;
    // The rule is read first, so a nonsense rule is named even when the
    // start (which the body's types check) is missing or wrong too.
    if let Some(rrule) = body.as_ref().and_then(|b| b.get("rrule")?.as_str()) {
        schedule::check_rule_text(rrule).map_err(refused)?;
    }
    let recurrence: Option<Recurrence> = body
        .map(|b| rondo_protocol::command::from_json(b.to_string().as_bytes()))
        .transpose()
        .map_err(|e| ApiError::from(Rejection::bad_request(e)))?;
    if let Some(recurrence) = &recurrence {
        schedule::check(recurrence).map_err(refused)?;
    }
    let schedule = recurrence.map(|recurrence| Schedule {
        recurrence,
        changes: Vec::new(),
        sequence: 0,
    });
    set(&app, &group_id, schedule).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /api/groups/{id}/schedule/{date}`: one meeting, by its original
/// local date, cancelled, moved, or back as planned (`{}`).
#[utoipa::path(
    put,
    path = "/api/groups/{group_id}/schedule/{date}",
    tag = "convener",
    params(("group_id" = String, Path), ("date" = String, Path, description = "The meeting's planned local date, YYYY-MM-DD.")),
    request_body(content = ref("#/components/schemas/OccurrenceEdit")),
    security(("bearer" = [])),
    responses((status = 204, description = "Changed."), WithBody, Change, Authenticated),
)]
pub(super) async fn change_occurrence(
    State(app): State<Arc<App>>,
    Path((group_id, date)): Path<(String, String)>,
    headers: HeaderMap,
    JsonBody(edit): JsonBody<OccurrenceEdit>,
) -> ApiResult<StatusCode> {
    let group_id = convener(&app, &headers, &group_id).await?;
    let date = Date::new(&date)
        .map_err(|_| ApiError::from(Rejection::bad_request("date must be YYYY-MM-DD")))?;
    let current = overview(&app, &group_id)
        .await?
        .schedule
        .ok_or_else(|| not_found("schedule: the group has none"))?;
    let changed = schedule::change(&current, &date, edit).map_err(refused)?;
    set(&app, &group_id, Some(changed)).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn ics(body: String, file: &str) -> Response {
    let disposition = format!("inline; filename=\"{file}\"");
    (
        [(header::CONTENT_DISPOSITION, disposition)],
        document("text/calendar; charset=utf-8", body),
    )
        .into_response()
}

/// `GET /api/groups/{id}/schedule.ics`: the series, for a member to import once.
#[utoipa::path(
    get,
    path = "/api/groups/{group_id}/schedule.ics",
    tag = "member",
    params(("group_id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The series as iCalendar.", content_type = "text/calendar", body = String),
        Authenticated,
    ),
)]
pub(super) async fn series(
    State(app): State<Arc<App>>,
    Path(group_id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let (own_group, _) = member(&app, &headers).await?;
    if own_group.as_str() != group_id {
        return Err(not_found("no such group"));
    }
    let view = overview(&app, &own_group).await?;
    let schedule = view
        .schedule
        .as_ref()
        .ok_or_else(|| not_found("schedule: the group has none"))?;
    let url = app_url(&headers);
    let body = calendar::series(&About::of(&view, &url), schedule, app.clock.now_ms());
    Ok(ics(body, "rondo-series.ics"))
}

/// A member's private calendar feed: the URL is the secret.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct FeedLink {
    url: String,
}

/// `POST /api/calendar`: a new private feed for the member; their previous
/// feed stops working.
#[utoipa::path(
    post,
    path = "/api/calendar",
    tag = "member",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The feed's URL.", body = ref("#/components/schemas/FeedLink")),
        Authenticated,
    ),
)]
pub(super) async fn new_feed(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> ApiResult<(StatusCode, Json<FeedLink>)> {
    let (group_id, member_id) = member(&app, &headers).await?;
    let view = overview(&app, &group_id).await?;
    if view
        .members
        .iter()
        .any(|m| m.member_id == member_id && m.guest)
    {
        // A guest's part ends with one meeting: no calendar of the others.
        return Err(ApiError::from(Rejection::forbidden(
            "a guest keeps no calendar of the group",
        )));
    }
    let token = new_token();
    app.durable(Write::SetFeed {
        group_id,
        member_id,
        token_hash: token_hash(&token),
    })
    .await?;
    let url = format!("{}api/calendar/{token}.ics", app_url(&headers));
    Ok((StatusCode::CREATED, Json(FeedLink { url })))
}

/// `GET /api/calendar/{token}.ics`: the feed itself; the URL is the secret.
#[utoipa::path(
    get,
    path = "/api/calendar/{file}",
    tag = "member",
    params(("file" = String, Path, description = "The feed's token, then .ics.")),
    responses(
        (status = 200, description = "The member's feed as iCalendar.", content_type = "text/calendar", body = String),
        (status = 404, response = Refused),
        (status = 503, response = Unavailable),
    ),
)]
pub(super) async fn feed(
    State(app): State<Arc<App>>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let no_feed = || not_found("no such calendar");
    let token = file.strip_suffix(".ics").ok_or_else(no_feed)?;
    // A calendar told 404 may drop the feed: a store that did not answer
    // is 503, to be asked again.
    let owner = app
        .feed_owner(token)
        .await
        .map_err(|_| ApiError::unavailable("calendars cannot be read now; try again"))?
        .ok_or_else(no_feed)?;
    let (group_id, member_id) = owner;
    let view = overview(&app, &group_id).await.map_err(|_| no_feed())?;
    // A member removed since keeps no calendar of the group.
    if !view.members.iter().any(|m| m.member_id == member_id) {
        return Err(no_feed());
    }
    let url = app_url(&headers);
    let schedule = view.schedule.as_ref();
    let personal = crate::reminders::Personal {
        facilitates: view.due_to_facilitate.as_ref() == Some(&member_id),
        case_queued: view.presenters_queued.contains(&member_id),
    };
    let body = calendar::feed(
        &About::of(&view, &url),
        schedule,
        personal,
        app.clock.now_ms(),
    );
    Ok(ics(body, "rondo.ics"))
}
