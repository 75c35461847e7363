//! The OpenAPI 3.1 document of the HTTP API (`protocol/schema/openapi.json`):
//! the server serves it at `GET /api/openapi.json`, made from the handlers'
//! attributes and the wire types' schemas; the published file must be that
//! document (`RONDO_WRITE_SCHEMA=1` writes it anew), every route of the
//! router must be in it, and schemathesis (from PyPI, which `tests/run`
//! installs) checks a running server against it: no server error, and every
//! status, content type and body as documented.

use rondo_tests::{create_group, http, Member, Server};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

fn published_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../protocol/schema/openapi.json")
}

/// Every `$ref` in `value` that points into the document.
fn refs<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                found.push(reference);
            }
            map.values().for_each(|v| refs(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
        _ => {}
    }
}

#[tokio::test]
async fn the_published_openapi_document_is_the_one_the_server_serves() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let (status, served) = http(server.addr, "GET", "/api/openapi.json", None, None).await;
    assert_eq!(status, 200, "{served}");
    let path = published_path();
    if std::env::var_os("RONDO_WRITE_SCHEMA").is_some() {
        std::fs::write(&path, &served).unwrap();
    }
    let published =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        published == served,
        "openapi.json is out of date: run RONDO_WRITE_SCHEMA=1 cargo test -p rondo-tests --test openapi"
    );
    let document: Value = serde_json::from_str(&published).unwrap();
    assert_eq!(document["openapi"], "3.1.0");

    // Every route the router declares is documented: a new route cannot be
    // added without its operation.
    let router = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../server/src/http/mod.rs");
    let router = std::fs::read_to_string(router).unwrap();
    let mut routes = 0;
    for declared in router.split(".route(").skip(1) {
        let route = declared.trim_start().split('"').nth(1).unwrap();
        assert!(
            document["paths"].get(route).is_some(),
            "{route} is not in openapi.json"
        );
        routes += 1;
    }
    assert!(routes >= 27, "only {routes} routes read from the router");
    assert!(
        document["paths"]["/"]["get"].is_object(),
        "the web client's page"
    );

    // Every reference resolves inside the document.
    let mut found = Vec::new();
    refs(&document, &mut found);
    assert!(!found.is_empty());
    for reference in found {
        let pointer = reference
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{reference} points outside the document"));
        assert!(
            document.pointer(pointer).is_some(),
            "{reference} does not resolve"
        );
    }
    // The bodies shared with the websocket API are the published JSON
    // Schemas' very definitions.
    let new_group: Value = serde_json::from_str(
        &std::fs::read_to_string(published_path().with_file_name("api-new-group.json")).unwrap(),
    )
    .unwrap();
    for (name, definition) in new_group["$defs"].as_object().unwrap() {
        let text = definition
            .to_string()
            .replace("#/$defs/", "#/components/schemas/");
        let in_openapi = &document["components"]["schemas"][name];
        assert_eq!(in_openapi.to_string(), text, "{name} differs");
    }
}

/// Whether schemathesis can be run (`tests/run` installs it).
fn schemathesis_present() -> bool {
    let present = Command::new("schemathesis")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !present && rondo_tests::must_run("RONDO_REQUIRE_BROWSER") {
        panic!("schemathesis is needed (pip install schemathesis, as tests/run does)");
    }
    present
}

/// Runs schemathesis with `config` against the server at `addr`, with the
/// four checks, bounded; panics with its report unless every check passed.
fn schemathesis(dir: &Path, addr: std::net::SocketAddr, config: &str, max_examples: u32) -> String {
    let config_file = dir.join("schemathesis.toml");
    std::fs::write(&config_file, config).unwrap();
    let output = Command::new("schemathesis")
        .arg("--config-file")
        .arg(&config_file)
        .arg("run")
        .arg(published_path())
        .args(["--url", &format!("http://{addr}")])
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
        ])
        .args(["--max-examples", &max_examples.to_string()])
        .args(["--seed", "22", "--workers", "2", "--no-color"])
        .args(["--suppress-health-check", "all"])
        .current_dir(dir)
        .output()
        .expect("schemathesis runs");
    let report = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "schemathesis found faults:\n{report}"
    );
    report
}

#[tokio::test]
async fn a_running_server_answers_as_the_openapi_document_says() {
    if !schemathesis_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let addr = server.addr;
    // A group with a schedule and an ended meeting, so the member's paths
    // have something to answer with.
    let group = create_group(addr, &["Ana", "Bo", "Cy"]).await;
    let schedule = json!({"rrule": "FREQ=WEEKLY", "start": "2027-01-05T18:00",
                          "time_zone": "Europe/Amsterdam", "duration_min": 90});
    let path = format!("/api/groups/{}/schedule", group.group_id);
    let (status, body) = http(
        addr,
        "PUT",
        &path,
        Some(&group.convener_token),
        Some(&schedule),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    let mut ana = Member::connect(addr, group.token("Ana"), None).await;
    let _bo = Member::connect(addr, group.token("Bo"), None).await;
    ana.ok(json!({"type": "meeting.open"})).await;
    let opened = ana.until("meeting.opened").await;
    let meeting_id = opened["meeting"]["meeting_id"].as_str().unwrap().to_owned();
    ana.ok(json!({"type": "meeting.start"})).await;
    ana.ok(json!({"type": "meeting.end"})).await;
    ana.until("meeting.ended").await;
    let (status, feed) = http(addr, "POST", "/api/calendar", Some(group.token("Cy")), None).await;
    assert_eq!(status, 201, "{feed}");
    let feed: Value = serde_json::from_str(&feed).unwrap();
    let feed_file = feed["url"].as_str().unwrap().rsplit('/').next().unwrap();

    // The convener's token by default, a member's on the member's paths; the
    // path parameters name the real group and meeting. Replacing the
    // convener's own link would lock the rest of the run out: it runs last.
    let member = format!("Authorization = \"Bearer {}\"", group.token("Bo"));
    let common = format!(
        r#"
[parameters]
group_id = "{group}"
meeting_id = "{meeting_id}"

[[operations]]
include-path-regex = '^/api/(log\.|calendar$)|/schedule\.ics$'
headers = {{ {member} }}

[[operations]]
include-path = "/api/record/{{file}}"
headers = {{ {member} }}
parameters = {{ file = "{meeting_id}.json" }}

[[operations]]
include-path = "/api/notes/{{file}}"
headers = {{ {member} }}
parameters = {{ file = "{meeting_id}.md" }}

[[operations]]
include-path = "/api/calendar/{{file}}"
parameters = {{ file = "{feed_file}" }}
"#,
        group = group.group_id,
    );
    let convener = format!(
        "headers = {{ Authorization = \"Bearer {}\" }}\n",
        group.convener_token
    );
    let main = format!(
        "{convener}{common}\n[[operations]]\ninclude-path = \"/api/groups/{{group_id}}/convener/token\"\nenabled = false\n"
    );
    let report = schemathesis(dir.path(), addr, &main, 8);
    println!("{report}");
    let last = format!(
        "{convener}{common}\n[[operations]]\nexclude-path = \"/api/groups/{{group_id}}/convener/token\"\nenabled = false\n"
    );
    let report = schemathesis(dir.path(), addr, &last, 8);
    println!("{report}");
    // Nothing confidential in the log, whatever schemathesis sent.
    let log = server.log_text();
    assert!(!log.contains(&group.convener_token), "a token in the log");
    assert!(!log.contains(group.token("Bo")), "a token in the log");
}
