//! The member's record of supervision over HTTP: the member's log as JSON,
//! CSV and a PDF certificate, the convener's countersignature and the
//! group's credit rule.

use super::convener::{admin, convener};
use super::exports::document;
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
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
    /// The balancer's routing key (`?g=<group id>`): the token decides.
    #[serde(default, rename = "g")]
    _routing: Option<serde::de::IgnoredAny>,
}

type PeriodGiven = Result<Query<PeriodQuery>, axum::extract::rejection::QueryRejection>;

/// `GET /api/log.json`.
pub(super) async fn log_json(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    query: PeriodGiven,
) -> ApiResult<Response> {
    log(&app, &headers, query, Format::Json).await
}

/// `GET /api/log.csv`.
pub(super) async fn log_csv(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    query: PeriodGiven,
) -> ApiResult<Response> {
    log(&app, &headers, query, Format::Csv).await
}

/// `GET /api/log.pdf`.
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

/// `POST /api/meetings/{meeting_id}/countersign`: the convener countersigns
/// an ended meeting's attendance.
pub(super) async fn countersign(
    State(app): State<Arc<App>>,
    Path(meeting_id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<serde_json::Value>> {
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
        .into_iter()
        .find(|m| m.meeting_id == meeting_id)
        .and_then(|m| m.countersigned);
    let mut body = serde_json::json!({ "meeting_id": meeting_id });
    if let Some(signed) = countersigned {
        body["by"] = signed.by.as_str().into();
        body["at"] = signed.at.into();
    }
    Ok(Json(body))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CreditRuleChange {
    credit_rule: rondo_protocol::settings::CreditRule,
}

/// `PUT /api/groups/{id}/credit_rule`: how the members' logs credit time.
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
