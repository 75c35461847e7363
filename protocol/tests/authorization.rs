//! Every command, as every role, in every meeting state and phase kind: the
//! reply code is pinned by a snapshot, a refusal changes nothing, and someone
//! outside the group is always unauthorized.

mod sim;

use rondo_protocol::reply::Reply;
use sim::{member, Sim};

/// Ana facilitates, Bo presents, Cy and Di are members; "zed" is not in the group.
const ROLES: [(&str, &str); 4] = [
    ("facilitator", "Ana"),
    ("presenter", "Bo"),
    ("member", "Di"),
    ("outsider", "Zed"),
];

const STATES: [&str; 10] = [
    "no meeting",
    "lobby",
    "running",
    "paused in a case",
    "presenter phase",
    "round phase",
    "open phase",
    "silence phase",
    "written phase",
    "check-in round",
];

/// A group of four brought to a state, with a queued case "c1" by Bo, a
/// private note and a record action by Ana where a meeting is open.
fn bring_to(state: &str) -> Sim {
    let mut sim = Sim::new(4);
    sim.all_join();
    sim.ok(
        "Bo",
        r#"{"type":"case.propose","title":"T","question":"Q","minutes":20}"#,
    );
    sim.ok(
        "Bo",
        r#"{"type":"case.propose","title":"Next","question":"Q","minutes":20}"#,
    );
    if state == "no meeting" {
        return sim;
    }
    sim.ok("Ana", r#"{"type":"meeting.open"}"#);
    sim.ok(
        "Ana",
        r#"{"type":"note.save","visibility":"private","text":"mine"}"#,
    );
    sim.ok(
        "Ana",
        r#"{"type":"record.add","kind":"action","text":"do it","owner":"cy"}"#,
    );
    if state == "lobby" {
        return sim;
    }
    sim.ok("Ana", r#"{"type":"meeting.start"}"#);
    let template = r#"{"name":"all","phases":[
        {"name":"present","kind":"presenter","duration_s":300},
        {"name":"round","kind":"round","turn_s":60,"presenter_silent":true},
        {"name":"open","kind":"open","duration_s":300,"presenter_silent":true},
        {"name":"silence","kind":"silence","duration_s":60},
        {"name":"written","kind":"written","duration_s":60}]}"#;
    let phases = [
        "presenter phase",
        "round phase",
        "open phase",
        "silence phase",
        "written phase",
    ];
    match state {
        "running" => {}
        "check-in round" => sim.ok(
            "Ana",
            r#"{"type":"round.start","turn_s":60,"label":"check-in"}"#,
        ),
        _ => {
            sim.ok(
                "Ana",
                &format!(r#"{{"type":"case.start","case_id":"c1","template":{template}}}"#),
            );
            let target = phases.iter().position(|p| *p == state).unwrap_or(0);
            for _ in 0..target {
                sim.ok("Ana", r#"{"type":"phase.next"}"#);
            }
            if state == "open phase" {
                sim.ok("Cy", r#"{"type":"hand.raise"}"#);
            }
            if state == "paused in a case" {
                sim.ok("Ana", r#"{"type":"meeting.pause"}"#);
            }
        }
    }
    sim
}

const COMMANDS: [&str; 31] = [
    r#"{"type":"agreement.accept","version":1}"#,
    r#"{"type":"meeting.open"}"#,
    r#"{"type":"meeting.start"}"#,
    r#"{"type":"meeting.pause"}"#,
    r#"{"type":"meeting.resume"}"#,
    r#"{"type":"meeting.end"}"#,
    r#"{"type":"facilitator.handover","member":"cy"}"#,
    r#"{"type":"case.propose","title":"New","question":"Q","minutes":10}"#,
    r#"{"type":"case.withdraw","case_id":"c2"}"#,
    r#"{"type":"case.reorder","order":["c2","c1"]}"#,
    r#"{"type":"case.start","case_id":"c2","template":"open"}"#,
    r#"{"type":"case.end"}"#,
    r#"{"type":"phase.next"}"#,
    r#"{"type":"phase.extend","seconds":60}"#,
    r#"{"type":"turn.extend","seconds":60}"#,
    r#"{"type":"turn.done"}"#,
    r#"{"type":"turn.pass"}"#,
    r#"{"type":"turn.skip"}"#,
    r#"{"type":"hand.raise"}"#,
    r#"{"type":"hand.lower"}"#,
    r#"{"type":"floor.give","member":"di"}"#,
    r#"{"type":"note.save","visibility":"private","text":"a note"}"#,
    r#"{"type":"note.delete","note_id":"n3"}"#,
    r#"{"type":"record.add","kind":"decision","text":"agreed"}"#,
    r#"{"type":"record.edit","item_id":"r4","text":"changed"}"#,
    r#"{"type":"record.done","item_id":"r4"}"#,
    r#"{"type":"contribution.submit","text":"my view"}"#,
    r#"{"type":"perspective.assign","member":"di","perspective":"as the client"}"#,
    r#"{"type":"round.start","turn_s":60}"#,
    r#"{"type":"settings.update","settings":{"grace_s":10}}"#,
    r#"{"type":"ping"}"#,
];

fn answer(sim: &mut Sim, name: &str, command: &str) -> String {
    let before = sim::durable_state(&sim.engine);
    let reply = sim.send(name, command);
    let after = sim::durable_state(&sim.engine);
    match reply {
        Reply::Ack { seq, .. } => {
            if seq.is_none() {
                assert_eq!(before, after, "an ack without events changed the state");
            }
            "ok".into()
        }
        Reply::Error { code, .. } => {
            assert_eq!(
                sim::first_difference(&before, &after, ""),
                None,
                "{name} {command}: refused but changed"
            );
            code.as_str().into()
        }
    }
}

#[test]
fn every_command_as_every_role_in_every_state() {
    let mut table = String::new();
    for state in STATES {
        table.push_str(&format!("\n## {state}\n{:<22}", "command"));
        for (role, _) in ROLES {
            table.push_str(&format!(" {role:<14}"));
        }
        table.push('\n');
        for command in COMMANDS {
            let kind: String = serde_json::from_str::<serde_json::Value>(command).unwrap()["type"]
                .as_str()
                .unwrap()
                .into();
            table.push_str(&format!("{kind:<22}"));
            for (role, name) in ROLES {
                let mut sim = bring_to(state);
                let code = if name == "Zed" {
                    outsider(&mut sim, command)
                } else {
                    answer(&mut sim, name, command)
                };
                if role == "outsider" {
                    assert_eq!(code, "unauthorized", "{state} {command}");
                }
                sim.check_invariants();
                table.push_str(&format!(" {code:<14}"));
            }
            table.push('\n');
        }
    }
    insta::assert_snapshot!("authorization_matrix", table);
}

/// A command from someone who is not a member of the group.
fn outsider(sim: &mut Sim, command: &str) -> String {
    let before = sim::durable_state(&sim.engine);
    let mut value: serde_json::Value = serde_json::from_str(command).unwrap();
    value["id"] = "x".into();
    let Ok(rondo_protocol::command::ClientFrame::Command(envelope)) =
        rondo_protocol::command::parse_frame(&value.to_string())
    else {
        panic!("{command}")
    };
    let input = rondo_protocol::engine::Input::Command {
        member: member("zed"),
        envelope,
    };
    let output = sim.engine.handle(sim.now, input);
    assert!(output.events.is_empty());
    assert_eq!(before, sim::durable_state(&sim.engine));
    match output.reply {
        Some(Reply::Error { code, .. }) => code.as_str().into(),
        other => format!("{other:?}"),
    }
}
