//! The member's record of supervision over HTTP: the member's log as JSON,
//! CSV and a PDF certificate, the convener's countersignature and the
//! group's credit rule.

use super::convener::{admin, convener};
use super::exports::document;
use super::openapi::{Authenticated, Change, Refused, WithBody};
use super::{ask, group, member, not_found, ApiError, ApiResult};
use crate::app::App;
use crate::group::GroupMsg;
use crate::supervision_log::{certificate, csv, MemberLog, Period};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rondo_protocol::engine::Admin;
use rondo_protocol::ids::MeetingId;
use rondo_protocol::reply::{ErrorCode, Rejection};
use serde::Deserialize;
use std::sync::Arc;

/// `?from=YYYY-MM-DD&to=YYYY-MM-DD`, both optional, and `g`.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct PeriodQuery {
    /// The first day, `YYYY-MM-DD` (default: a year before `to`).
    from: Option<String>,
    /// The last day, `YYYY-MM-DD` (default: today).
    to: Option<String>,
    /// The balancer's routing key (`?g=<group id>`): the token decides.
    #[serde(default, rename = "g")]
    #[param(value_type = Option<String>)]
    _routing: Option<serde::de::IgnoredAny>,
}

type PeriodGiven = Result<Query<PeriodQuery>, axum::extract::rejection::QueryRejection>;

/// `GET /api/log.json`.
#[utoipa::path(
    get,
    path = "/api/log.json",
    tag = "member",
    params(PeriodQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The member's log of supervision.", body = ref("#/components/schemas/MemberLog")),
        (status = 400, response = Refused),
        Authenticated,
    ),
)]
pub(super) async fn log_json(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    query: PeriodGiven,
) -> ApiResult<Response> {
    log(&app, &headers, query, Format::Json).await
}

/// `GET /api/log.csv`.
#[utoipa::path(
    get,
    path = "/api/log.csv",
    tag = "member",
    params(PeriodQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The member's log as CSV (RFC 4180, with a header row).", content_type = "text/csv", body = String),
        (status = 400, response = Refused),
        Authenticated,
    ),
)]
pub(super) async fn log_csv(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    query: PeriodGiven,
) -> ApiResult<Response> {
    log(&app, &headers, query, Format::Csv).await
}

/// `GET /api/log.pdf`.
#[utoipa::path(
    get,
    path = "/api/log.pdf",
    tag = "member",
    params(PeriodQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The member's log as a PDF certificate.", content_type = "application/pdf", body = Vec<u8>),
        (status = 400, response = Refused),
        Authenticated,
    ),
)]
pub(super) async fn log_pdf(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    query: PeriodGiven,
) -> ApiResult<Response> {
    log(&app, &headers, query, Format::Pdf).await
}

/// The bearer's own log in their group, in `format`.
async fn log(
    app: &App,
    headers: &HeaderMap,
    query: PeriodGiven,
    format: Format,
) -> ApiResult<Response> {
    let Query(query) = query.map_err(|_| {
        ApiError::from(Rejection::bad_request(
            "the query takes from and to, each YYYY-MM-DD",
        ))
    })?;
    let (group_id, member) = member(app, headers).await?;
    let group = group(app, &group_id).await?;
    let now = app.clock.now_ms();
    let source = ask(&group, |reply| GroupMsg::MemberLog { member, now, reply })
        .await?
        .map_err(ApiError::from)?;
    let period = Period::parse(
        query.from.as_deref(),
        query.to.as_deref(),
        source.today(now),
    )?;
    let log = MemberLog::build(&source, period);
    let name = format!("supervision-log-{}-{}", period.from, period.to);
    match format {
        Format::Json => Ok(document(
            "application/json",
            serde_json::to_string_pretty(&log).expect("logs serialize"),
        )),
        Format::Csv => Ok(attachment(
            document("text/csv; charset=utf-8; header=present", csv::to_csv(&log)),
            &format!("{name}.csv"),
        )),
        Format::Pdf => {
            let pdf = tokio::task::spawn_blocking(move || certificate::to_pdf(&log))
                .await
                .map_err(|_| internal())?
                .map_err(|error| {
                    tracing::error!(%error, "certificate failed");
                    internal()
                })?;
            let response = (
                [
                    (header::CONTENT_TYPE, "application/pdf"),
                    (header::CACHE_CONTROL, "no-store"),
                ],
                pdf,
            )
                .into_response();
            Ok(attachment(response, &format!("{name}.pdf")))
        }
    }
}

enum Format {
    Json,
    Csv,
    Pdf,
}

fn internal() -> ApiError {
    ApiError::from(Rejection::new(
        ErrorCode::Internal,
        "the certificate could not be made",
    ))
}

/// Names the file a browser saves.
fn attachment(mut response: Response, file: &str) -> Response {
    let value = format!("attachment; filename=\"{file}\"");
    if let Ok(value) = value.parse() {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// A countersignature: the meeting, and who signed when (absent while
/// nobody has).
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct Countersignature {
    meeting_id: MeetingId,
    #[serde(skip_serializing_if = "Option::is_none")]
    by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    at: Option<rondo_protocol::Millis>,
}

/// `POST /api/meetings/{meeting_id}/countersign`: the convener countersigns
/// an ended meeting's attendance.
#[utoipa::path(
    post,
    path = "/api/meetings/{meeting_id}/countersign",
    tag = "convener",
    params(("meeting_id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The countersignature.", body = ref("#/components/schemas/Countersignature")),
        Change, Authenticated,
    ),
)]
pub(super) async fn countersign(
    State(app): State<Arc<App>>,
    Path(meeting_id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<Countersignature>> {
    let no_meeting = || not_found("no such meeting");
    let meeting_id = MeetingId::new(meeting_id).map_err(|_| no_meeting())?;
    let group_id = meeting_id.group().ok_or_else(no_meeting)?;
    let group_id = convener(&app, &headers, group_id.as_str()).await?;
    let sign = Admin::Countersign {
        meeting_id: meeting_id.clone(),
    };
    admin(&app, &group_id, sign).await?;
    let handle = group(&app, &group_id).await?;
    let view = ask(&handle, |reply| GroupMsg::Overview { reply }).await?;
    let countersigned = view
        .past_meetings
        .iter()
        .find(|m| m.meeting_id == meeting_id)
        .and_then(|m| m.countersigned.as_ref());
    Ok(Json(Countersignature {
        by: countersigned.map(|signed| signed.by.as_str().to_owned()),
        at: countersigned.map(|signed| signed.at),
        meeting_id,
    }))
}

/// `PUT /api/groups/{id}/credit_rule`.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct CreditRuleChange {
    credit_rule: rondo_protocol::settings::CreditRule,
}

/// `PUT /api/groups/{id}/credit_rule`: how the members' logs credit time.
#[utoipa::path(
    put,
    path = "/api/groups/{group_id}/credit_rule",
    tag = "convener",
    params(("group_id" = String, Path)),
    request_body(content = ref("#/components/schemas/CreditRuleChange")),
    security(("bearer" = [])),
    responses((status = 204, description = "Set."), WithBody, Change, Authenticated),
)]
pub(super) async fn set_credit_rule(
    State(app): State<Arc<App>>,
    Path(group_id): Path<String>,
    headers: HeaderMap,
    super::JsonBody(request): super::JsonBody<CreditRuleChange>,
) -> ApiResult<axum::http::StatusCode> {
    let group_id = convener(&app, &headers, &group_id).await?;
    let change = Admin::SetCreditRule {
        credit_rule: request.credit_rule,
    };
    admin(&app, &group_id, change).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
