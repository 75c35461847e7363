//! JSON Schemas of the wire protocol, generated from the types the server
//! parses and sends, so a third-party client validates against the very
//! contract the server keeps. Published under `protocol/schema/`; a test
//! checks the files match these.

use crate::api::{AgreementChange, NewAgreement, NewGroup, NewMember};
use crate::command::{CommandEnvelope, Hello};
use crate::event::EventEnvelope;
use crate::reply::Reply;
use crate::view::Welcome;
use schemars::{schema_for, JsonSchema, Schema};
use serde_json::Value;

/// Each schema with the name of its file.
pub fn schemas() -> Vec<(&'static str, Value)> {
    vec![
        ("hello.json", typed::<Hello>("hello")),
        ("command.json", plain::<CommandEnvelope>()),
        ("reply.json", plain::<Reply>()),
        ("welcome.json", typed::<Welcome>("welcome")),
        ("event.json", plain::<EventEnvelope>()),
        ("api-new-group.json", plain::<NewGroup>()),
        ("api-new-member.json", plain::<NewMember>()),
        ("api-new-agreement.json", plain::<NewAgreement>()),
        ("api-agreement-change.json", plain::<AgreementChange>()),
        (
            "welcome-display.json",
            typed::<crate::engine::DisplayWelcome>("welcome"),
        ),
        ("api-new-display.json", plain::<crate::api::NewDisplay>()),
    ]
}

fn plain<T: JsonSchema>() -> Value {
    schema_for!(T).to_value()
}

/// A frame whose `type` the server adds beside the type's own fields.
fn typed<T: JsonSchema>(frame_type: &str) -> Value {
    let mut schema: Schema = schema_for!(T);
    let object = schema.ensure_object();
    let properties = object
        .entry("properties")
        .or_insert_with(|| Value::Object(Default::default()));
    if let Value::Object(properties) = properties {
        properties.insert("type".into(), serde_json::json!({ "const": frame_type }));
    }
    if let Some(Value::Array(required)) = object.get_mut("required") {
        required.insert(0, "type".into());
    }
    schema.to_value()
}
