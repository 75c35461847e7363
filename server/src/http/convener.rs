//! The convener's routes: creating a group, its members and their links,
//! and the agreement.

use super::openapi::{Authenticated, Change, Limited, Refused, Unavailable, WithBody};
use super::{ask, convener_link, group, group_id, link, not_found, ApiError, ApiResult, JsonBody};
use crate::app::{new_token, token_hash, App};
use crate::group::GroupMsg;
use crate::listen::Ticket;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use rondo_protocol::api::{AgreementChange, AgreementGiven, NewGroup, NewMember};
use rondo_protocol::engine::state::GroupConfig;
use rondo_protocol::engine::Admin;
use rondo_protocol::ids::{GroupId, MemberId};
use rondo_protocol::reply::Rejection;
use rondo_protocol::text::AgreementText;
use rondo_protocol::view::Agreement;
use std::sync::Arc;

/// When a full server suggests trying again.
const GROUPS_FULL_RETRY: std::time::Duration = std::time::Duration::from_secs(3600);

/// The agreement a group starts with when its convener gives none.
pub const DEFAULT_AGREEMENT: &str = "\
Confidentiality: what is said about clients and colleagues stays in the group. \
Cases are presented without names or details that identify anyone.
Respect: one person speaks at a time; we listen, we do not interrupt, and the \
presenter is silent while feedback is given.
Recording: only the agreed record (areas, actions, decisions, disagreements) is kept; \
notes are private to whoever writes them.
Review: we review this agreement together once a year.";

/// A new group's secrets, returned once to its convener.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct CreatedGroup {
    group_id: GroupId,
    convener_token: String,
    /// The link that opens the console.
    convener_link: String,
    members: Vec<MemberLink>,
}

/// Someone's way in: their id, token and link (and, in a new group, name).
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct MemberLink {
    member_id: MemberId,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    token: String,
    link: String,
}

impl MemberLink {
    fn new(headers: &HeaderMap, member_id: MemberId, token: String) -> MemberLink {
        let link = link(headers, &token);
        MemberLink {
            member_id,
            name: None,
            token,
            link,
        }
    }
}

/// `POST /api/groups`: a group with its members; with `--admin-token`, only
/// the operator may create one.
#[utoipa::path(
    post,
    path = "/api/groups",
    tag = "convener",
    request_body(content = ref("#/components/schemas/NewGroup")),
    security((), ("bearer" = [])),
    responses(
        (status = 201, description = "The group, its convener's link and its members' links.", body = ref("#/components/schemas/CreatedGroup")),
        WithBody,
        (status = 401, response = Refused),
        (status = 429, response = Limited),
        (status = 500, response = Refused),
        (status = 503, response = Unavailable),
    ),
)]
pub(super) async fn create_group(
    State(app): State<Arc<App>>,
    Extension(ticket): Extension<Arc<Ticket>>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<NewGroup>,
) -> ApiResult<Response> {
    match &app.config.admin_token {
        Some(_) => {
            if !super::operator::has_admin_token(&app, &headers, ticket.ip())? {
                return Err(super::operator::wrong_token(&app, ticket.ip()));
            }
        }
        // Anyone may create groups, but not without end.
        None => app.group_creations.take(ticket.ip()).map_err(|wait| {
            ApiError::rate_limited("too many groups created from this address; try later", wait)
        })?,
    }
    // SQLite: every group is loaded here. PostgreSQL: each node holds its
    // share, and the store counts them all.
    let groups = match &app.cluster {
        Some(cluster) => cluster
            .group_count()
            .await
            .map_err(|_| ApiError::unavailable("the store cannot be reached; try again"))?,
        None => app.groups.len(),
    };
    if groups >= app.config.groups_max {
        let full = "this server holds as many groups as it may";
        return Err(ApiError::rate_limited(full, GROUPS_FULL_RETRY));
    }
    let (text, review_on) = match request.agreement {
        Some(AgreementGiven::Text(text)) => (text, None),
        Some(AgreementGiven::Full(full)) => (full.text, full.review_on),
        None => (AgreementText::new(DEFAULT_AGREEMENT).expect("fits"), None),
    };
    if let Some(review_on) = &review_on {
        rondo_protocol::engine::dates::check_review_on(review_on, app.clock.now_ms())
            .map_err(ApiError::from)?;
    }
    // An emptied agreement box means the default, not a group without one.
    let text = if text.is_blank() {
        AgreementText::new(DEFAULT_AGREEMENT).expect("fits")
    } else {
        text
    };
    let config = GroupConfig {
        group_id: GroupId::new("pending").expect("short"),
        name: request.name,
        members: Vec::new(),
        agreement: Agreement {
            version: 1,
            text,
            review_on,
            published_at: app.clock.now_ms(),
        },
        settings: request.settings.unwrap_or_default(),
        language: request.language.unwrap_or_default(),
    };
    let names = request.members.into_iter().map(|m| m.name).collect();
    let created = app.create_group(config, names).await?;
    let members = created
        .members
        .into_iter()
        .map(|(id, name, token)| MemberLink {
            name: Some(name),
            ..MemberLink::new(&headers, id, token)
        })
        .collect();
    let body = CreatedGroup {
        group_id: created.group_id,
        convener_link: convener_link(&headers, &created.convener_token),
        convener_token: created.convener_token,
        members,
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// The group a path names, where the bearer token is its convener's.
pub(super) async fn convener(
    app: &App,
    headers: &HeaderMap,
    raw_group_id: &str,
) -> ApiResult<GroupId> {
    let group_id = group_id(raw_group_id)?;
    let owner = super::token_owner(app, headers).await?;
    if owner.group_id != group_id || owner.member_id.is_some() {
        return Err(ApiError::from(Rejection::forbidden(
            "only the group's convener may do this",
        )));
    }
    Ok(group_id)
}

pub(super) async fn admin(app: &App, group_id: &GroupId, admin: Admin) -> ApiResult<()> {
    admin_with_link(app, group_id, admin, None).await
}

/// A change committed with a new member's link (the hash of its token).
async fn admin_with_link(
    app: &App,
    group_id: &GroupId,
    admin: Admin,
    link: Option<[u8; 32]>,
) -> ApiResult<()> {
    let group = group(app, group_id).await?;
    ask(&group, |done| GroupMsg::Admin { admin, link, done })
        .await?
        .map_err(ApiError::from)
}

fn member_id(raw: &str) -> ApiResult<MemberId> {
    MemberId::new(raw).map_err(|_| not_found("no such member"))
}

/// `POST /api/groups/{group_id}/members`: a new member and their link.
#[utoipa::path(
    post,
    path = "/api/groups/{group_id}/members",
    tag = "convener",
    params(("group_id" = String, Path)),
    request_body(content = ref("#/components/schemas/NewMember")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The member's id, token and link.", body = ref("#/components/schemas/MemberLink")),
        WithBody, Change, Authenticated,
    ),
)]
pub(super) async fn add_member(
    State(app): State<Arc<App>>,
    Path(group_id): Path<String>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<NewMember>,
) -> ApiResult<Response> {
    let group_id = convener(&app, &headers, &group_id).await?;
    let name = request.name;
    admit(&app, &headers, &group_id, |member_id| Admin::AddMember {
        member_id,
        name,
    })
    .await
}

/// Takes someone new into the group (`add` makes the change from their new
/// id) and answers with their id, token and link. The person and their link
/// are one write: nobody is ever in the group without a working link.
pub(super) async fn admit(
    app: &App,
    headers: &HeaderMap,
    group_id: &GroupId,
    add: impl FnOnce(MemberId) -> Admin,
) -> ApiResult<Response> {
    let member = MemberId::new(uuid::Uuid::new_v4().simple().to_string()).expect("short");
    let token = new_token();
    admin_with_link(app, group_id, add(member.clone()), Some(token_hash(&token))).await?;
    let body = MemberLink::new(headers, member, token);
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// `DELETE /api/groups/{group_id}/members/{member_id}`: the member leaves,
/// their link with them.
#[utoipa::path(
    delete,
    path = "/api/groups/{group_id}/members/{member_id}",
    tag = "convener",
    params(("group_id" = String, Path), ("member_id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 204, description = "Removed."), Change, Authenticated),
)]
pub(super) async fn remove_member(
    State(app): State<Arc<App>>,
    Path((group_id, member)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    // The engine may refuse (the two-member minimum); when it agrees, the
    // member's token goes in the same write as their removal.
    about_member(&app, &headers, &group_id, &member, |member| {
        Admin::RemoveMember { member }
    })
    .await
}

/// `POST /api/groups/{id}/members/{member_id}/erase`: a removed member's
/// notes and reflections are deleted and their name becomes "former member".
#[utoipa::path(
    post,
    path = "/api/groups/{group_id}/members/{member_id}/erase",
    tag = "convener",
    params(("group_id" = String, Path), ("member_id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 204, description = "Erased (or erased already)."), Change, Authenticated),
)]
pub(super) async fn erase_member(
    State(app): State<Arc<App>>,
    Path((group_id, member)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    about_member(&app, &headers, &group_id, &member, |member| {
        Admin::EraseMember { member }
    })
    .await
}

/// A convener's change about one member, answered `204` once durable.
async fn about_member(
    app: &App,
    headers: &HeaderMap,
    group_id: &str,
    member: &str,
    change: impl FnOnce(MemberId) -> Admin,
) -> ApiResult<StatusCode> {
    convener_change(app, headers, group_id, member_id(member).map(change)).await
}

/// A convener's change to their group, answered `204` once durable. The
/// convener is checked first: a stranger learns nothing from the change.
async fn convener_change(
    app: &App,
    headers: &HeaderMap,
    group_id: &str,
    change: ApiResult<Admin>,
) -> ApiResult<StatusCode> {
    let group_id = convener(app, headers, group_id).await?;
    admin(app, &group_id, change?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/groups/{group_id}/members/{member_id}/token`: a new link for a
/// member; the old one stops working.
#[utoipa::path(
    post,
    path = "/api/groups/{group_id}/members/{member_id}/token",
    tag = "convener",
    params(("group_id" = String, Path), ("member_id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The member's new token and link.", body = ref("#/components/schemas/MemberLink")),
        Change, Authenticated,
    ),
)]
pub(super) async fn reissue_token(
    State(app): State<Arc<App>>,
    Path((group_id, member)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<Json<MemberLink>> {
    let group_id = convener(&app, &headers, &group_id).await?;
    let member = member_id(&member)?;
    let group = group(&app, &group_id).await?;
    // The group gives the link: it knows whether the member is one, closes
    // their connections and refuses a join with the old link, all with the
    // new token's write.
    let token = new_token();
    let replace = |done| GroupMsg::ReplaceLink {
        member: member.clone(),
        link: token_hash(&token),
        done,
    };
    ask(&group, replace).await?.map_err(ApiError::from)?;
    Ok(Json(MemberLink::new(&headers, member, token)))
}

/// `PUT /api/groups/{group_id}/agreement`: a new version, which every
/// member accepts before they see content again.
#[utoipa::path(
    put,
    path = "/api/groups/{group_id}/agreement",
    tag = "convener",
    params(("group_id" = String, Path)),
    request_body(content = ref("#/components/schemas/AgreementChange")),
    security(("bearer" = [])),
    responses((status = 204, description = "Published."), WithBody, Change, Authenticated),
)]
pub(super) async fn update_agreement(
    State(app): State<Arc<App>>,
    Path(group_id): Path<String>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<AgreementChange>,
) -> ApiResult<StatusCode> {
    let group_id = convener(&app, &headers, &group_id).await?;
    admin(
        &app,
        &group_id,
        Admin::UpdateAgreement {
            text: request.text,
            review_on: request.review_on,
            max_gap_days: request.max_gap_days,
        },
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/groups/{id}`: the group as its convener manages it.
#[utoipa::path(
    get,
    path = "/api/groups/{group_id}",
    tag = "convener",
    params(("group_id" = String, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The group as its convener manages it.", body = ref("#/components/schemas/ConvenerView")),
        Authenticated,
    ),
)]
pub(super) async fn overview(
    State(app): State<Arc<App>>,
    Path(group_id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<rondo_protocol::view::ConvenerView>> {
    let group_id = convener(&app, &headers, &group_id).await?;
    let group = group(&app, &group_id).await?;
    Ok(Json(
        ask(&group, |reply| GroupMsg::Overview { reply }).await?,
    ))
}

/// `GET /api/convener`: the group the convener's token manages, so a
/// convener link (which carries the token alone) can open the console.
#[utoipa::path(
    get,
    path = "/api/convener",
    tag = "convener",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The convener's group as they manage it.", body = ref("#/components/schemas/ConvenerView")),
        Authenticated,
    ),
)]
pub(super) async fn own_group(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> ApiResult<Json<rondo_protocol::view::ConvenerView>> {
    let owner = super::token_owner(&app, &headers).await?;
    if owner.member_id.is_some() {
        return Err(ApiError::from(Rejection::forbidden(
            "a convener's token is needed",
        )));
    }
    let group = group(&app, &owner.group_id).await?;
    Ok(Json(
        ask(&group, |reply| GroupMsg::Overview { reply }).await?,
    ))
}

/// `PUT /api/groups/{id}/language`.
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct LanguageChange {
    language: rondo_protocol::schedule::Language,
}

/// `PUT /api/groups/{id}/language`: the language of the group's exports and
/// calendar texts.
#[utoipa::path(
    put,
    path = "/api/groups/{group_id}/language",
    tag = "convener",
    params(("group_id" = String, Path)),
    request_body(content = ref("#/components/schemas/LanguageChange")),
    security(("bearer" = [])),
    responses((status = 204, description = "Changed."), WithBody, Change, Authenticated),
)]
pub(super) async fn set_language(
    State(app): State<Arc<App>>,
    Path(group_id): Path<String>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<LanguageChange>,
) -> ApiResult<StatusCode> {
    let change = Admin::SetLanguage {
        language: request.language,
    };
    convener_change(&app, &headers, &group_id, Ok(change)).await
}

/// `PUT /api/groups/{id}/retention`.
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RetentionChange {
    /// Months to keep what meetings said (1-120); `null` keeps it all.
    /// Required: a body without it is refused, not read as "keep everything".
    #[serde(deserialize_with = "<Option<u16> as serde::Deserialize>::deserialize")]
    #[schemars(schema_with = "retention_months_schema", required)]
    retention_months: Option<u16>,
}

/// 1-120 months, or `null`: what `rondo_protocol::retention::check_months` takes.
fn retention_months_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    use rondo_protocol::retention::RETENTION_MONTHS_MAX;
    schemars::json_schema!({
        "type": ["integer", "null"],
        "minimum": 1,
        "maximum": RETENTION_MONTHS_MAX,
    })
}

/// `PUT /api/groups/{id}/retention`: how many months the group keeps what
/// its meetings said; the engine checks the bounds.
#[utoipa::path(
    put,
    path = "/api/groups/{group_id}/retention",
    tag = "convener",
    params(("group_id" = String, Path)),
    request_body(content = ref("#/components/schemas/RetentionChange")),
    security(("bearer" = [])),
    responses((status = 204, description = "Changed."), WithBody, Change, Authenticated),
)]
pub(super) async fn set_retention(
    State(app): State<Arc<App>>,
    Path(group_id): Path<String>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<RetentionChange>,
) -> ApiResult<StatusCode> {
    let change = Admin::SetRetention {
        months: request.retention_months,
    };
    convener_change(&app, &headers, &group_id, Ok(change)).await
}
