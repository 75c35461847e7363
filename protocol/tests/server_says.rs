//! What clients draw rather than work out: who may edit a record item or
//! mark it done, the actions carried to the next meeting, and who has
//! accepted the agreement in force and who its newest version — each said
//! by the engine, and each matching what it then accepts.

mod sim;

use rondo_protocol::engine::{Admin, Input};
use rondo_protocol::event::Event;
use rondo_protocol::reply::ErrorCode;
use rondo_protocol::text::AgreementText;
use serde_json::{json, Value};
use sim::{member, running, Sim};

/// Who, by the members in a view of the group, has accepted the newest
/// version of the agreement (in force or not).
fn accepted_latest(view: &Value) -> Value {
    let members = view["group"]["members"].as_array().unwrap();
    json!(members
        .iter()
        .filter(|m| m["accepted_latest"] == true)
        .map(|m| m["member_id"].clone())
        .collect::<Vec<_>>())
}

fn ids(names: &[&str]) -> Value {
    json!(names
        .iter()
        .map(|n| member(n).to_string())
        .collect::<Vec<_>>())
}

/// The rights the last `record.*` event gave an item, as `name` received them.
fn last_rights(sim: &Sim, name: &str, kind: &str, item: &str) -> (Value, Value) {
    let event = sim.received(name, kind).pop().expect("an event");
    let value = serde_json::to_value(&event).unwrap();
    let rights = match kind {
        "record.rights" => value["items"][item].clone(),
        _ => value["item"].clone(),
    };
    (rights["may_edit"].clone(), rights["may_mark_done"].clone())
}

#[test]
fn record_rights_are_said_and_are_what_the_engine_accepts() {
    let mut sim = running(4);
    sim.ok(
        "Bo",
        r#"{"type":"record.add","kind":"action","text":"Call back","owner":"cy"}"#,
    );
    // Author, owner and facilitator; every member is told the same.
    for name in ["Ana", "Bo", "Cy", "Di"] {
        let (edit, done) = last_rights(&sim, name, "record.added", "");
        assert_eq!(edit, ids(&["Bo", "Ana"]), "{name}");
        assert_eq!(done, ids(&["Bo", "Cy", "Ana"]), "{name}");
    }
    let item = sim.view("Ana")["meeting"]["record"][0].clone();
    assert_eq!(item["may_edit"], ids(&["Bo", "Ana"]));
    let item_id = item["item_id"].as_str().unwrap().to_owned();
    let edit = format!(r#"{{"type":"record.edit","item_id":"{item_id}","text":"Call"}}"#);
    let done = format!(r#"{{"type":"record.done","item_id":"{item_id}"}}"#);
    sim.refused("Di", &edit, ErrorCode::Forbidden);
    sim.refused("Di", &done, ErrorCode::Forbidden);
    sim.refused("Cy", &edit, ErrorCode::Forbidden);

    // The role passes to Di: the rights follow, said at once.
    sim.ok("Ana", r#"{"type":"facilitator.handover","member":"di"}"#);
    let (edit_rights, done_rights) = last_rights(&sim, "Cy", "record.rights", &item_id);
    assert_eq!(edit_rights, ids(&["Bo", "Di"]));
    assert_eq!(done_rights, ids(&["Bo", "Cy", "Di"]));
    sim.refused("Ana", &edit, ErrorCode::Forbidden);
    sim.ok("Di", &edit);

    // Carried on at the end: nobody edits it, its author and owner mark it done.
    sim.ok("Di", r#"{"type":"meeting.end"}"#);
    let carried = sim.received("Bo", "actions.carried").pop().unwrap();
    let Event::ActionsCarried { actions } = &carried.event else {
        unreachable!()
    };
    assert_eq!(actions.len(), 1);
    assert!(actions[0].rights.may_edit.is_empty());
    assert_eq!(json!(actions[0].rights.may_mark_done), ids(&["Bo", "Cy"]));
    assert_eq!(
        sim.view("Bo")["open_actions"],
        serde_json::to_value(actions).unwrap(),
        "the welcome says the same"
    );
    sim.refused("Di", &done, ErrorCode::Forbidden);
    sim.ok("Cy", &done);
    // Once done nobody marks it again, and the next meeting carries nothing.
    sim.ok("Ana", r#"{"type":"meeting.open"}"#);
    sim.ok("Ana", r#"{"type":"meeting.end"}"#);
    let carried = sim.received("Bo", "actions.carried").pop().unwrap();
    assert_eq!(
        serde_json::to_value(&carried).unwrap()["actions"],
        json!([])
    );
    sim.check_invariants();
}

#[test]
fn carried_actions_and_acceptance_reach_only_whom_the_one_rule_allows() {
    let mut sim = running(3);
    sim.ok(
        "Bo",
        r#"{"type":"record.add","kind":"action","text":"Ask the team","owner":"bo"}"#,
    );
    // A new version during the meeting: in force from its end.
    sim.input(Input::Admin(Admin::UpdateAgreement {
        text: AgreementText::new("We keep what is said here, and write it down.").unwrap(),
        review_on: None,
        max_gap_days: None,
    }));
    let updated = sim.received("Cy", "agreement.updated").pop().unwrap();
    let updated = serde_json::to_value(&updated).unwrap();
    assert_eq!(
        updated["accepted"],
        ids(&["Ana", "Bo", "Cy"]),
        "the version in force is still the first"
    );
    assert_eq!(
        updated["accepted_latest"],
        json!([]),
        "nobody has read it yet"
    );
    assert_eq!(accepted_latest(&sim.view("Cy")), json!([]));
    sim.ok("Ana", r#"{"type":"agreement.accept","version":2}"#);
    sim.ok("Bo", r#"{"type":"agreement.accept","version":2}"#);
    let accepted = sim.received("Cy", "agreement.accepted").pop().unwrap();
    let accepted = serde_json::to_value(&accepted).unwrap();
    assert_eq!(accepted["agreement_accepted"], json!(true));
    assert_eq!(accepted["accepted_latest"], json!(true));
    // Cy takes part still, and is asked for the newest version beside the meeting.
    let cy = sim.view("Cy");
    assert_eq!(cy["agreement_required"], json!(false));
    assert_eq!(accepted_latest(&cy), ids(&["Ana", "Bo"]));

    sim.ok("Ana", r#"{"type":"meeting.end"}"#);
    // Cy, who has not accepted version 2, is told so, and gets no actions.
    for name in ["Ana", "Bo", "Cy"] {
        let updated = sim.received(name, "agreement.updated").pop().unwrap();
        let updated = serde_json::to_value(&updated).unwrap();
        assert_eq!(updated["accepted"], ids(&["Ana", "Bo"]), "{name}");
        assert_eq!(updated["accepted_latest"], ids(&["Ana", "Bo"]), "{name}");
        assert_eq!(updated["agreement"]["in_force"], json!(2), "{name}");
    }
    assert_eq!(sim.received("Bo", "actions.carried").len(), 1);
    assert!(sim.received("Cy", "actions.carried").is_empty());
    assert_eq!(sim.view("Cy")["open_actions"], json!([]));

    sim.ok("Cy", r#"{"type":"agreement.accept","version":2}"#);
    let accepted = sim.received("Cy", "agreement.accepted").pop().unwrap();
    let accepted = serde_json::to_value(&accepted).unwrap();
    assert_eq!(accepted["agreement_accepted"], json!(true));
    assert_eq!(accepted["accepted_latest"], json!(true));
    assert_eq!(accepted_latest(&sim.view("Cy")), ids(&["Ana", "Bo", "Cy"]));
    assert_eq!(
        sim.view("Cy")["open_actions"].as_array().unwrap().len(),
        1,
        "once accepted, the welcome carries them"
    );
    sim.check_invariants();
}
