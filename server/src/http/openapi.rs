//! The OpenAPI 3.1 document of the HTTP API, served at `GET /api/openapi.json`
//! and published as `protocol/schema/openapi.json` (a test checks the two
//! agree). The operations come from `#[utoipa::path]` on the handlers; the
//! bodies from the same schemars generator as the JSON Schemas beside it, so
//! a type on the wire has one schema in both.

use super::{calendar, convener, display, exports, guests, operator, supervision};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use rondo_protocol::api::{AgreementChange, NewDisplay, NewGroup, NewMember};
use rondo_protocol::export::RecordExport;
use rondo_protocol::reply::Rejection;
use rondo_protocol::schedule::{OccurrenceEdit, Recurrence};
use rondo_protocol::view::ConvenerView;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::LazyLock;
use utoipa::openapi::{RefOr, Response as ApiResponse};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Rondo HTTP API",
        version = "1",
        description = "Groups, members and their links for the convener; records, notes, \
            calendars and the supervision log for members; health and metrics for the \
            operator. The meeting itself runs over the websocket at /ws \
            (asyncapi.json). A bearer token is a member's, the convener's or the \
            operator's admin token; errors carry the protocol's code and a message that \
            names fields and states, never a value.",
        license(name = "AGPL-3.0-or-later"),
    ),
    paths(
        convener::create_group,
        convener::overview,
        convener::own_group,
        convener::add_member,
        convener::remove_member,
        convener::erase_member,
        convener::reissue_token,
        convener::update_agreement,
        convener::set_language,
        convener::set_retention,
        operator::reissue_convener_token,
        calendar::set_schedule,
        calendar::change_occurrence,
        calendar::series,
        calendar::new_feed,
        calendar::feed,
        guests::invite,
        display::show,
        display::retire,
        exports::record,
        exports::notes,
        supervision::log_json,
        supervision::log_csv,
        supervision::log_pdf,
        supervision::countersign,
        supervision::set_credit_rule,
        super::health,
        super::metrics,
        crate::ws::upgrade,
        openapi,
    ),
    components(responses(Refused, Limited, Unavailable))
)]
struct Api;

/// The document, made once.
static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    serde_json::to_string_pretty(&document()).expect("documents serialize") + "\n"
});

/// `GET /api/openapi.json`: this document.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "operator",
    responses((status = 200, description = "This document.", content_type = "application/json", body = Object)),
)]
pub(super) async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        DOCUMENT.as_str(),
    )
        .into_response()
}

/// The whole document: the operations, the web client's files, the bodies'
/// schemas and the bearer scheme.
pub fn document() -> Value {
    let mut document = serde_json::to_value(Api::openapi()).expect("documents serialize");
    let paths = document["paths"].as_object_mut().expect("paths");
    for (path, content_type) in crate::web::files() {
        paths.insert(path, static_file(content_type));
    }
    let components = document["components"].as_object_mut().expect("components");
    components.insert("schemas".into(), Value::Object(schemas()));
    components.insert(
        "securitySchemes".into(),
        json!({"bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "A member's or the convener's token (from their link), or the operator's admin token.",
        }}),
    );
    document
}

/// A file of the web client: the same for everyone, no token needed.
fn static_file(content_type: &str) -> Value {
    json!({"get": {
        "tags": ["web client"],
        "summary": "A file of the web client.",
        "responses": {"200": {
            "description": "The file, with a strict Content-Security-Policy on pages.",
            "content": {content_type: {"schema": {}}},
        }},
    }})
}

/// Every body's schema, by its type's name, as `components/schemas`.
fn schemas() -> Map<String, Value> {
    let mut generator = schemars::generate::SchemaSettings::draft2020_12()
        .with(|settings| settings.definitions_path = "/components/schemas".into())
        .into_generator();
    fn add<T: JsonSchema>(generator: &mut SchemaGenerator) {
        generator.subschema_for::<T>();
    }
    add::<Rejection>(&mut generator);
    add::<NewGroup>(&mut generator);
    add::<NewMember>(&mut generator);
    add::<AgreementChange>(&mut generator);
    add::<NewDisplay>(&mut generator);
    add::<OccurrenceEdit>(&mut generator);
    add::<ConvenerView>(&mut generator);
    add::<RecordExport>(&mut generator);
    add::<convener::CreatedGroup>(&mut generator);
    add::<convener::MemberLink>(&mut generator);
    add::<convener::LanguageChange>(&mut generator);
    add::<convener::RetentionChange>(&mut generator);
    add::<operator::ConvenerLink>(&mut generator);
    add::<calendar::FeedLink>(&mut generator);
    add::<display::DisplayLink>(&mut generator);
    add::<supervision::Countersignature>(&mut generator);
    add::<supervision::CreditRuleChange>(&mut generator);
    add::<crate::supervision_log::MemberLog>(&mut generator);
    // A schedule is a recurrence, or null for none.
    let schedule = generator.subschema_for::<Option<Recurrence>>();
    let mut schemas = generator.take_definitions(true);
    schemas.insert("ScheduleChange".into(), schedule.to_value());
    schemas
}

/// A refusal's body, as every error of the API has it.
fn refusal(description: &str, retry_after: bool) -> ApiResponse {
    let mut response = utoipa::openapi::ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            utoipa::openapi::Content::new(Some(utoipa::openapi::Ref::from_schema_name(
                "Rejection",
            ))),
        );
    if retry_after {
        let seconds = utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Integer)
            .minimum(Some(1));
        response = response.header(
            "Retry-After",
            utoipa::openapi::HeaderBuilder::new()
                .schema(seconds)
                .description(Some("Whole seconds to wait before trying again."))
                .build(),
        );
    }
    response.build()
}

/// `400`-`413`: refused, with the protocol's error code.
pub(super) struct Refused;

impl<'r> utoipa::ToResponse<'r> for Refused {
    fn response() -> (&'r str, RefOr<ApiResponse>) {
        let description = "Refused: the protocol's error code, and a message that names \
            fields, states and roles, never a value.";
        ("Refused", refusal(description, false).into())
    }
}

/// `429`: too many tries from this address, or a full server.
pub(super) struct Limited;

impl<'r> utoipa::ToResponse<'r> for Limited {
    fn response() -> (&'r str, RefOr<ApiResponse>) {
        let description = "Too many tries from this address, or the server holds as many \
            groups as it may: try again after Retry-After.";
        ("Limited", refusal(description, true).into())
    }
}

/// `503`: with several nodes, another node serves the group just now, or
/// this one is stopping.
pub(super) struct Unavailable;

impl<'r> utoipa::ToResponse<'r> for Unavailable {
    fn response() -> (&'r str, RefOr<ApiResponse>) {
        let description = "Not available now (another node serves the group, this node is \
            stopping, or the store cannot be reached): try again after Retry-After.";
        ("Unavailable", refusal(description, true).into())
    }
}

fn refs(statuses: &[(&str, &str)]) -> BTreeMap<String, RefOr<ApiResponse>> {
    statuses
        .iter()
        .map(|(status, name)| {
            let reference = utoipa::openapi::Ref::from_response_name(*name);
            (status.to_string(), RefOr::Ref(reference))
        })
        .collect()
}

/// What every route behind a token may answer besides its own: no or a
/// wrong token (401), a token that may not do this (403), nothing of that
/// name (404), storage failing (500), another node's group (503).
pub(super) struct Authenticated;

impl utoipa::IntoResponses for Authenticated {
    fn responses() -> BTreeMap<String, RefOr<ApiResponse>> {
        refs(&[
            ("401", "Refused"),
            ("403", "Refused"),
            ("404", "Refused"),
            ("500", "Refused"),
            ("503", "Unavailable"),
        ])
    }
}

/// What a route reading a JSON body may answer besides: a body that does
/// not parse (400, naming the field) or is too large (413).
pub(super) struct WithBody;

impl utoipa::IntoResponses for WithBody {
    fn responses() -> BTreeMap<String, RefOr<ApiResponse>> {
        refs(&[("400", "Refused"), ("413", "Refused")])
    }
}

/// A change the group's engine may refuse: not valid (400), or not now
/// (409: the group's state does not allow it).
pub(super) struct Change;

impl utoipa::IntoResponses for Change {
    fn responses() -> BTreeMap<String, RefOr<ApiResponse>> {
        refs(&[("400", "Refused"), ("409", "Refused")])
    }
}
