//! The published JSON Schemas (`protocol/schema/`) are the ones the wire
//! types generate, and real frames pass them. `RONDO_WRITE_SCHEMA=1` writes
//! the files anew after a change to the wire types.

use rondo_protocol::schema::schemas;
use serde_json::{json, Value};
use std::path::PathBuf;

fn schema_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../protocol/schema")
}

#[test]
fn the_published_schemas_match_the_wire_types() {
    let write = std::env::var_os("RONDO_WRITE_SCHEMA").is_some();
    for (file, schema) in schemas() {
        let path = schema_dir().join(file);
        let generated = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        if write {
            std::fs::create_dir_all(schema_dir()).unwrap();
            std::fs::write(&path, &generated).unwrap();
        }
        let published =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            published == generated,
            "{file} is out of date: run RONDO_WRITE_SCHEMA=1 cargo test -p rondo-tests --test schema"
        );
    }
}

fn validator(file: &str) -> jsonschema::Validator {
    let (_, schema) = schemas().into_iter().find(|(f, _)| *f == file).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

#[test]
fn frames_pass_the_schemas_and_malformed_ones_fail() {
    let command = validator("command.json");
    for valid in [
        json!({"id": "c-1", "type": "hand.raise"}),
        json!({"id": "c-2", "type": "case.propose", "title": "T", "question": "Q", "minutes": 20}),
        json!({"id": "c-3", "type": "case.start", "case_id": "c1", "template": "sgs"}),
        json!({"id": "c-4", "type": "case.start", "case_id": "c1",
               "template": {"name": "q", "phases": [{"name": "p", "kind": "presenter", "duration_s": 60}]}}),
        json!({"id": "c-5", "type": "note.save", "visibility": "private", "text": "x"}),
        json!({"id": "c-6", "type": "settings.update", "settings": {"grace_s": null}}),
    ] {
        assert!(command.is_valid(&valid), "{valid}");
    }
    for invalid in [
        json!({"id": "c-1", "type": "hand.wave"}),
        json!({"type": "hand.raise"}),
        json!({"id": "c-2", "type": "case.propose", "title": "T", "question": "Q"}),
        json!({"id": "c-3", "type": "note.save", "visibility": "everyone", "text": "x"}),
        json!({"id": "c-4", "type": "case.propose", "title": "x".repeat(121), "question": "Q", "minutes": 1}),
    ] {
        assert!(!command.is_valid(&invalid), "{invalid}");
    }
    let hello = validator("hello.json");
    assert!(hello.is_valid(&json!({"type": "hello", "token": "abc", "resume_from": 4})));
    assert!(!hello.is_valid(&json!({"type": "hello", "token": "abc", "id": "x"})));
    let reply = validator("reply.json");
    assert!(reply.is_valid(&json!({"type": "ack", "re": "c-1", "seq": 4})));
    assert!(reply
        .is_valid(&json!({"type": "error", "re": "c-1", "code": "not_your_turn", "message": "m"})));
    assert!(!reply.is_valid(&json!({"type": "error", "code": "oops", "message": "m"})));
}

#[test]
fn a_real_meetings_frames_pass_the_schemas() {
    use rondo_protocol::command::{parse_frame, ClientFrame};
    use rondo_protocol::engine::state::GroupConfig;
    use rondo_protocol::engine::{Engine, Input};
    use rondo_protocol::ids::{GroupId, MemberId};
    use rondo_protocol::text::{AgreementText, Name};

    let names = ["ana", "bo", "cy"];
    let member = |n: &str| MemberId::new(n).unwrap();
    let mut engine = Engine::new(GroupConfig::new(
        GroupId::new("g").unwrap(),
        Name::new("Group").unwrap(),
        names
            .iter()
            .map(|n| (member(n), Name::new(*n).unwrap()))
            .collect(),
        AgreementText::new("Be kind.").unwrap(),
    ))
    .unwrap();
    let (event, reply, welcome) = (
        validator("event.json"),
        validator("reply.json"),
        validator("welcome.json"),
    );
    let mut now = 1_000_000;
    for name in names {
        let input = Input::Presence {
            member: member(name),
            present: true,
        };
        engine.handle(now, input);
    }
    let script = [
        ("ana", json!({"type": "agreement.accept", "version": 1})),
        ("bo", json!({"type": "agreement.accept", "version": 1})),
        ("cy", json!({"type": "agreement.accept", "version": 1})),
        (
            "ana",
            json!({"type": "case.propose", "title": "T", "question": "Q", "minutes": 20}),
        ),
        ("ana", json!({"type": "meeting.open"})),
        ("ana", json!({"type": "meeting.start"})),
        ("ana", json!({"type": "case.start", "case_id": "c1"})),
        (
            "bo",
            json!({"type": "note.save", "visibility": "presenter", "text": "n"}),
        ),
        ("ana", json!({"type": "turn.done"})),
        ("bo", json!({"type": "turn.done"})),
        ("cy", json!({"type": "turn.pass"})),
        (
            "ana",
            json!({"type": "record.add", "kind": "action", "text": "t", "owner": "bo", "due": "2027-01-31"}),
        ),
        ("bo", json!({"type": "hand.raise"})),
        ("ana", json!({"type": "meeting.end"})),
    ];
    let mut checked = 0;
    for (n, (name, mut command)) in script.into_iter().enumerate() {
        now += 1000;
        command["id"] = format!("c-{n}").into();
        let Ok(ClientFrame::Command(envelope)) = parse_frame(&command.to_string()) else {
            panic!("{command}")
        };
        let output = engine.handle(
            now,
            Input::Command {
                member: member(name),
                envelope,
            },
        );
        for addressed in output.events {
            let frame: Value = serde_json::from_str(&addressed.event.to_json()).unwrap();
            assert!(event.is_valid(&frame), "{frame}");
            checked += 1;
        }
        let answer = serde_json::to_value(output.reply.unwrap()).unwrap();
        assert!(reply.is_valid(&answer), "{answer}");
        for name in names {
            let greeting = engine.welcome(&member(name), now, false).unwrap().to_json();
            let greeting: Value = serde_json::from_str(&greeting).unwrap();
            assert!(welcome.is_valid(&greeting), "{greeting}");
        }
    }
    assert!(checked > 20, "the script ran: {checked} events");
}
