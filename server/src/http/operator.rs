//! What the operator's admin token allows, and how guessing it is slowed:
//! every address has ten wrong guesses an hour, and one out of guesses is
//! answered `429` before its token is even compared, so no answer tells a
//! right guess from a wrong one once the guesses are spent.

use super::openapi::{Authenticated, Limited};
use super::{bearer, convener, convener_link, group, unauthorized, ApiError, ApiResult};
use crate::app::{new_token, token_hash, App};
use crate::listen::Ticket;
use crate::store::Write;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::{Extension, Json};
use rondo_protocol::reply::ErrorCode;
use std::net::IpAddr;
use std::sync::Arc;

/// Wrong admin tokens one address may send an hour (as a burst, then spread).
pub const ADMIN_GUESSES_PER_HOUR: f64 = 10.0;

/// Whether the request carries the admin token: `Ok(false)` when there is
/// none configured or none given, `Err` (401, or 429 once the address is out
/// of guesses) when a wrong one was given.
pub(super) fn has_admin_token(app: &App, headers: &HeaderMap, ip: IpAddr) -> ApiResult<bool> {
    let (Some(admin), Some(given)) = (&app.config.admin_token, bearer(headers)) else {
        return Ok(false);
    };
    out_of_guesses(app, ip)?;
    Ok(bool::from(subtle::ConstantTimeEq::ct_eq(
        given.as_bytes(),
        admin.as_bytes(),
    )))
}

/// A 429 for an address that has spent its guesses.
fn out_of_guesses(app: &App, ip: IpAddr) -> ApiResult<()> {
    app.admin_guesses.check(ip).map_err(|wait| {
        ApiError::rate_limited("too many wrong tokens from this address; try later", wait)
    })
}

/// Counts a wrong token against the address: the answer is 401 while it
/// has guesses left.
pub(super) fn wrong_token(app: &App, ip: IpAddr) -> ApiError {
    match app.admin_guesses.take(ip) {
        Ok(()) => unauthorized(),
        Err(wait) => {
            ApiError::rate_limited("too many wrong tokens from this address; try later", wait)
        }
    }
}

/// A convener's new way in.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct ConvenerLink {
    convener_token: String,
    /// The link that opens the console.
    convener_link: String,
}

/// `POST /api/groups/{group_id}/convener/token`: a new convener link, asked
/// by the convener (whose old link then stops working) or, for a convener who
/// lost theirs, by the operator with the admin token.
#[utoipa::path(
    post,
    path = "/api/groups/{group_id}/convener/token",
    tag = "convener",
    params(("group_id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The convener's new token and link.", body = ref("#/components/schemas/ConvenerLink")),
        (status = 429, response = Limited),
        Authenticated,
    ),
)]
pub(super) async fn reissue_convener_token(
    State(app): State<Arc<App>>,
    Extension(ticket): Extension<Arc<Ticket>>,
    Path(group_id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<ConvenerLink>> {
    let group_id = if has_admin_token(&app, &headers, ticket.ip())? {
        let group_id = super::group_id(&group_id)?;
        // Only a group that exists gets a convener.
        group(&app, &group_id).await?;
        group_id
    } else {
        match convener::convener(&app, &headers, &group_id).await {
            Ok(group_id) => group_id,
            Err(e) if e.rejection.code == ErrorCode::Unauthorized => {
                return Err(wrong_token(&app, ticket.ip()))
            }
            Err(e) => return Err(e),
        }
    };
    let token = new_token();
    app.durable(Write::SetToken {
        group_id,
        member_id: None,
        token_hash: Some(token_hash(&token)),
    })
    .await?;
    Ok(Json(ConvenerLink {
        convener_link: convener_link(&headers, &token),
        convener_token: token,
    }))
}
