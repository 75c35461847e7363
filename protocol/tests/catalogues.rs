//! The message catalogues: the server's (exports, calendars) and the web
//! client's. German and Dutch have every English message, with the same
//! placeholders and attributes; every message the client asks for exists;
//! every built-in name the server sends in English has its translation.

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};
use rondo_protocol::reply::ErrorCode;
use rondo_protocol::template::Template;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const LANGUAGES: [&str; 3] = ["en", "de", "nl"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The two sets of catalogues: `<dir>/<language>.ftl`.
fn catalogue_dirs() -> [PathBuf; 2] {
    [
        root().join("protocol/locales"),
        root().join("web-client/locales"),
    ]
}

/// What a message needs from its caller and offers: its placeholders
/// (in the value, the attributes and every variant) and its attributes.
#[derive(Debug, PartialEq)]
struct Shape {
    placeholders: BTreeSet<String>,
    attributes: BTreeSet<String>,
    has_value: bool,
}

fn variables(pattern: &Pattern<&str>, found: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expression_variables(expression, found);
        }
    }
}

fn expression_variables(expression: &Expression<&str>, found: &mut BTreeSet<String>) {
    match expression {
        Expression::Inline(inline) => inline_variables(inline, found),
        Expression::Select { selector, variants } => {
            inline_variables(selector, found);
            for variant in variants {
                variables(&variant.value, found);
            }
        }
    }
}

fn inline_variables(inline: &InlineExpression<&str>, found: &mut BTreeSet<String>) {
    match inline {
        InlineExpression::VariableReference { id } => {
            found.insert(id.name.to_owned());
        }
        InlineExpression::Placeable { expression } => expression_variables(expression, found),
        _ => {}
    }
}

/// Message id → shape, in the catalogue's order; a syntax error fails.
fn messages(path: &Path) -> Vec<(String, Shape)> {
    let source = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let resource = fluent_syntax::parser::parse(source.as_str())
        .unwrap_or_else(|(_, errors)| panic!("{path:?} does not parse: {errors:?}"));
    resource
        .body
        .iter()
        .filter_map(|entry| match entry {
            Entry::Message(message) => {
                let mut placeholders = BTreeSet::new();
                if let Some(value) = &message.value {
                    variables(value, &mut placeholders);
                }
                for attribute in &message.attributes {
                    variables(&attribute.value, &mut placeholders);
                }
                let attributes = message
                    .attributes
                    .iter()
                    .map(|a| a.id.name.to_owned())
                    .collect();
                let shape = Shape {
                    placeholders,
                    attributes,
                    has_value: message.value.is_some(),
                };
                Some((message.id.name.to_owned(), shape))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn every_catalogue_has_every_english_message_with_the_same_placeholders() {
    for dir in catalogue_dirs() {
        let english = messages(&dir.join("en.ftl"));
        let ids: BTreeSet<_> = english.iter().map(|(id, _)| id).collect();
        assert_eq!(ids.len(), english.len(), "{dir:?}: an English id twice");
        for language in &LANGUAGES[1..] {
            let theirs = messages(&dir.join(format!("{language}.ftl")));
            assert_eq!(
                english.iter().map(|(id, _)| id).collect::<Vec<_>>(),
                theirs.iter().map(|(id, _)| id).collect::<Vec<_>>(),
                "{dir:?} {language}: the same messages, in the same order"
            );
            for ((id, ours), (_, their)) in english.iter().zip(&theirs) {
                assert_eq!(
                    ours, their,
                    "{dir:?} {language} {id}: the same placeholders"
                );
            }
        }
    }
}

/// The ids the client names literally: `data-l10n-id="…"` in the page and
/// `t('…')` in its modules.
fn ids_the_client_names() -> BTreeSet<String> {
    let client = root().join("web-client");
    let mut found = BTreeSet::new();
    // `opening` where it starts a word (`t('…` but not `createElement('…`).
    let mut collect = |text: &str, opening: &str, closing: char| {
        for (at, _) in text.match_indices(opening) {
            let before = text[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                continue;
            }
            let id: String = text[at + opening.len()..]
                .chars()
                .take_while(|c| *c != closing)
                .collect();
            found.insert(id);
        }
    };
    let page = std::fs::read_to_string(client.join("index.html")).unwrap();
    collect(&page, "data-l10n-id=\"", '"');
    for entry in std::fs::read_dir(&client).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "js") {
            let code = std::fs::read_to_string(&path).unwrap();
            collect(&code, "t('", '\'');
        }
    }
    found
}

fn client_english() -> BTreeMap<String, Shape> {
    messages(&root().join("web-client/locales/en.ftl"))
        .into_iter()
        .collect()
}

#[test]
fn every_message_the_client_names_exists() {
    let english = client_english();
    let named = ids_the_client_names();
    assert!(
        named.len() > 200,
        "the scan finds the client's messages ({})",
        named.len()
    );
    let missing: Vec<_> = named
        .iter()
        .filter(|id| !english.contains_key(*id))
        .collect();
    assert!(missing.is_empty(), "named but not in en.ftl: {missing:?}");
}

/// The wire values of one of the schema's enums (`protocol/schema/`, kept
/// current by `tests/tests/schema.rs`): `enum` lists and `const` variants.
fn wire_values(schema: &str, name: &str) -> Vec<String> {
    let path = root().join("protocol/schema").join(schema);
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let definition = &schema["$defs"][name];
    let mut values = Vec::new();
    let mut collect = |node: &serde_json::Value| {
        if let Some(list) = node["enum"].as_array() {
            values.extend(list.iter().filter_map(|v| v.as_str().map(str::to_owned)));
        }
        if let Some(value) = node["const"].as_str() {
            values.push(value.to_owned());
        }
    };
    collect(definition);
    for variant in definition["oneOf"].as_array().into_iter().flatten() {
        collect(variant);
    }
    assert!(!values.is_empty(), "{name} has values in {path:?}");
    values
}

/// The ids the client builds from what the server sends: each built-in
/// template and its phases, each error code, record kind, tag and phase kind.
#[test]
fn every_name_the_server_sends_has_a_message() {
    let english = client_english();
    let mut wanted = Vec::new();
    for name in Template::BUILTIN {
        wanted.push(format!("template-{name}"));
        let template = Template::builtin(name).expect("a built-in");
        for phase in &template.phases {
            wanted.push(format!("phase-{}", phase.name.as_str().replace(' ', "-")));
        }
    }
    for code in ErrorCode::ALL {
        wanted.push(format!("error-{}", code.as_str()));
    }
    for kind in wire_values("command.json", "ItemKind") {
        wanted.push(format!("record-kind-{kind}"));
    }
    for tag in wire_values("command.json", "Tag") {
        wanted.push(format!("tag-{tag}"));
    }
    for kind in wire_values("command.json", "PhaseKind") {
        wanted.push(format!("phase-kind-{kind}"));
        if kind != "presenter" && kind != "round" {
            wanted.push(format!("speaker-{kind}"));
        }
    }
    let missing: Vec<_> = wanted
        .iter()
        .filter(|id| !english.contains_key(*id))
        .collect();
    assert!(missing.is_empty(), "no message for {missing:?}");
}
