//! Additions beyond the video call, in the engine: briefs shared in
//! advance, a guest for one meeting, and what a room display may see.

mod sim;

use rondo_protocol::engine::{display_frame, Admin, Input};
use rondo_protocol::reply::ErrorCode;
use rondo_protocol::text::Name;
use sim::{member, running, start_case, Sim};

const BRIEF_CANARY: &str = "BRIEF-CANARY-the-client-from-the-night-shift";
const NOTE_CANARY: &str = "NOTE-CANARY-private";
const RECORD_CANARY: &str = "RECORD-CANARY-minutes";

/// Every frame a member was sent, as one string, to look for a canary in.
fn stream_text(sim: &Sim, name: &str) -> String {
    sim.streams[name]
        .iter()
        .map(|e| e.to_json())
        .collect::<Vec<_>>()
        .join("\n")
}

fn propose_with_brief(sim: &mut Sim, name: &str) -> String {
    sim.ok(
        name,
        &format!(
            r#"{{"type":"case.propose","title":"T","question":"Q","minutes":20,"brief":"{BRIEF_CANARY}"}}"#
        ),
    );
    let queue = sim.view(name)["queue"].clone();
    queue.as_array().unwrap().last().unwrap()["case_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn an_unshared_brief_reaches_nobody_but_its_presenter() {
    let mut sim = Sim::new(4);
    let case = propose_with_brief(&mut sim, "Bo");
    for other in ["Ana", "Cy", "Di"] {
        assert!(
            !stream_text(&sim, other).contains(BRIEF_CANARY),
            "{other}'s stream"
        );
        assert!(
            !sim.view(other).to_string().contains(BRIEF_CANARY),
            "{other}'s welcome"
        );
        assert_eq!(sim.view(other)["queue"][0]["brief_shared"], false);
    }
    assert_eq!(sim.received("Bo", "case.brief").len(), 1);
    assert_eq!(sim.view("Bo")["queue"][0]["brief"], BRIEF_CANARY);
    assert_eq!(sim.view("Bo")["queue"][0]["brief_shared"], false);

    sim.refused(
        "Ana",
        &format!(r#"{{"type":"case.share","case_id":"{case}"}}"#),
        ErrorCode::Forbidden,
    );
    sim.ok(
        "Bo",
        &format!(r#"{{"type":"case.share","case_id":"{case}"}}"#),
    );
    for other in ["Ana", "Cy", "Di"] {
        let shared = sim.received(other, "case.shared");
        assert_eq!(shared.len(), 1, "{other}");
        assert!(shared[0].to_json().contains(BRIEF_CANARY));
        assert_eq!(sim.view(other)["queue"][0]["brief"], BRIEF_CANARY);
        assert_eq!(sim.view(other)["queue"][0]["brief_shared"], true);
    }
    sim.check_invariants();
}

#[test]
fn the_presenter_edits_a_queued_case_and_nobody_else_may() {
    let mut sim = Sim::new(3);
    let case = propose_with_brief(&mut sim, "Bo");
    sim.refused(
        "Cy",
        &format!(r#"{{"type":"case.edit","case_id":"{case}","title":"X"}}"#),
        ErrorCode::Forbidden,
    );
    sim.refused(
        "Bo",
        &format!(r#"{{"type":"case.edit","case_id":"{case}","minutes":0}}"#),
        ErrorCode::BadRequest,
    );
    sim.refused(
        "Bo",
        &format!(r#"{{"type":"case.edit","case_id":"{case}","title":"  "}}"#),
        ErrorCode::BadRequest,
    );
    sim.ok(
        "Bo",
        &format!(r#"{{"type":"case.edit","case_id":"{case}","title":"New","minutes":30,"brief":"draft two {BRIEF_CANARY}"}}"#),
    );
    let edited = sim.received("Cy", "case.edited");
    assert_eq!(edited.len(), 1);
    assert!(!edited[0].to_json().contains(BRIEF_CANARY));
    assert_eq!(sim.view("Cy")["queue"][0]["title"], "New");
    assert_eq!(sim.view("Cy")["queue"][0]["minutes"], 30);
    assert!(sim.view("Bo")["queue"][0]["brief"]
        .as_str()
        .unwrap()
        .starts_with("draft two"));
    assert!(!stream_text(&sim, "Cy").contains(BRIEF_CANARY));
    sim.check_invariants();
}

#[test]
fn a_case_without_a_brief_has_nothing_to_share() {
    let mut sim = Sim::new(3);
    sim.ok(
        "Bo",
        r#"{"type":"case.propose","title":"T","question":"Q","minutes":20}"#,
    );
    let case = sim.case_id(0);
    sim.refused(
        "Bo",
        &format!(r#"{{"type":"case.share","case_id":"{case}"}}"#),
        ErrorCode::InvalidState,
    );
}

#[test]
fn a_brief_longer_than_10_000_characters_is_refused_naming_the_field() {
    let long = "x".repeat(10_001);
    let frame = format!(
        r#"{{"id":"x","type":"case.propose","title":"T","question":"Q","minutes":20,"brief":"{long}"}}"#
    );
    let error = rondo_protocol::command::parse_frame(&frame).unwrap_err();
    assert!(error.rejection.message.contains("brief"), "{error:?}");
}

/// Invites a guest as the convener would, and follows their stream.
fn invite(sim: &mut Sim, name: &str) {
    let output = sim.input(Input::Admin(Admin::AddGuest {
        member_id: member(name),
        name: Name::new(name).unwrap(),
    }));
    assert_eq!(output.admin, Some(Ok(())));
    sim.names.push(name.to_owned());
    sim.streams.insert(name.to_owned(), Vec::new());
}

#[test]
fn a_guest_takes_part_in_one_meeting_and_leaves_with_its_end() {
    // An earlier meeting with an open action, and a case queued between
    // meetings: the guest sees neither.
    let mut sim = running(3);
    sim.ok(
        "Ana",
        &format!(
            r#"{{"type":"record.add","kind":"action","text":"{RECORD_CANARY}","owner":"bo"}}"#
        ),
    );
    sim.ok("Ana", r#"{"type":"meeting.end"}"#);
    invite(&mut sim, "Gia");
    sim.ok("Gia", r#"{"type":"agreement.accept","version":1}"#);
    sim.join("Gia");
    let case = propose_with_brief(&mut sim, "Cy");
    let welcome = sim.view("Gia");
    assert_eq!(welcome["past_meetings"], serde_json::json!([]));
    assert_eq!(welcome["open_actions"], serde_json::json!([]));
    assert_eq!(welcome["queue"], serde_json::json!([]));
    assert!(sim.received("Gia", "case.proposed").is_empty());
    assert!(welcome["group"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["name"] == "Gia" && m["guest"] == true));

    // Never the facilitator: not chosen, not handed the role, not next.
    sim.refused(
        "Bo",
        r#"{"type":"meeting.open","facilitator":"gia"}"#,
        ErrorCode::Forbidden,
    );
    sim.ok("Gia", r#"{"type":"meeting.open"}"#);
    assert_ne!(sim.facilitator().as_deref(), Some("Gia"));
    let facilitator = sim.facilitator().unwrap();
    sim.refused(
        &facilitator,
        r#"{"type":"facilitator.handover","member":"gia"}"#,
        ErrorCode::Forbidden,
    );
    // With the meeting open, its queue is the guest's to see.
    assert_eq!(sim.view("Gia")["queue"][0]["case_id"], case.as_str());
    sim.ok(&facilitator, r#"{"type":"meeting.start"}"#);
    start_case(&mut sim, "Bo", r#""sgs""#);
    // The guest takes a turn as members do.
    while sim.speaker().as_deref() != Some("Gia") {
        assert!(sim.step(), "the guest's turn comes");
    }
    sim.ok("Gia", r#"{"type":"turn.done"}"#);
    sim.ok(
        "Gia",
        &format!(r#"{{"type":"note.save","visibility":"private","text":"{NOTE_CANARY}"}}"#),
    );
    // An earlier action marked done is not the guest's to hear of.
    let earlier = sim
        .engine
        .welcome(&member("Bo"), sim.now, false)
        .unwrap()
        .open_actions[0]
        .item
        .item_id
        .to_string();
    sim.ok(
        "Bo",
        &format!(r#"{{"type":"record.done","item_id":"{earlier}"}}"#),
    );
    assert!(sim.received("Gia", "record.done").is_empty());
    assert!(!stream_text(&sim, "Gia").contains(RECORD_CANARY));

    let output = sim.send(&facilitator, r#"{"type":"meeting.end"}"#);
    assert!(matches!(output, rondo_protocol::reply::Reply::Ack { .. }));
    assert!(
        !sim.engine.is_member(&member("Gia")),
        "the guest left with the meeting"
    );
    assert_eq!(sim.received("Bo", "member.removed").len(), 1);
    // The attendance names the guest as the guest they were.
    let ended = sim.received("Bo", "meeting.ended");
    let ended = serde_json::to_value(ended.last().unwrap()).unwrap();
    let gia = ended["attendance"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["member"] == "gia")
        .cloned()
        .expect("the guest in the attendance");
    assert_eq!(gia["role"], "guest", "{ended}");
    sim.check_invariants();
}

#[test]
fn the_engine_names_the_guests_whose_meeting_ended() {
    let mut sim = running(3);
    invite(&mut sim, "Gia");
    let reply = sim.send("Ana", r#"{"type":"meeting.end"}"#);
    assert!(matches!(reply, rondo_protocol::reply::Reply::Ack { .. }));
    let output = sim.input(Input::Tick);
    assert!(
        output.guests_dismissed.is_empty(),
        "named once, by the input that ended it"
    );
    // Named by the input itself.
    let mut sim = running(3);
    invite(&mut sim, "Gia");
    let envelope =
        match rondo_protocol::command::parse_frame(r#"{"id":"e","type":"meeting.end"}"#).unwrap() {
            rondo_protocol::command::ClientFrame::Command(envelope) => envelope,
            _ => unreachable!(),
        };
    let output = sim.input(Input::Command {
        member: member("Ana"),
        envelope,
    });
    assert_eq!(output.guests_dismissed, vec![member("Gia")]);
}

#[test]
fn a_group_has_at_most_two_guests_at_once() {
    let mut sim = Sim::new(3);
    invite(&mut sim, "Gia");
    invite(&mut sim, "Hub");
    let output = sim.input(Input::Admin(Admin::AddGuest {
        member_id: member("Ivo"),
        name: Name::new("Ivo").unwrap(),
    }));
    assert!(matches!(output.admin, Some(Err(_))));
}

#[test]
fn a_display_sees_the_meeting_and_nothing_confidential() {
    let mut sim = running(4);
    let case = propose_with_brief(&mut sim, "Bo");
    sim.ok(
        "Bo",
        &format!(r#"{{"type":"case.share","case_id":"{case}"}}"#),
    );
    sim.ok(
        "Ana",
        &format!(r#"{{"type":"case.start","case_id":"{case}","template":"sgs"}}"#),
    );
    sim.ok(
        "Cy",
        &format!(r#"{{"type":"note.save","visibility":"private","text":"{NOTE_CANARY}"}}"#),
    );
    sim.ok(
        "Ana",
        &format!(r#"{{"type":"record.add","kind":"decision","text":"{RECORD_CANARY}"}}"#),
    );
    sim.ok(
        "Ana",
        r#"{"type":"perspective.assign","member":"cy","perspective":"PERSPECTIVE-CANARY"}"#,
    );
    let frames: Vec<String> = sim.streams["Ana"]
        .iter()
        .chain(sim.streams["Cy"].iter())
        .filter_map(|e| display_frame(e, false))
        .collect();
    let seen = frames.join("\n");
    for canary in [
        BRIEF_CANARY,
        NOTE_CANARY,
        RECORD_CANARY,
        "PERSPECTIVE-CANARY",
        "\"T\"",
    ] {
        assert!(!seen.contains(canary), "{canary} reached the display");
    }
    assert!(seen.contains("case.started") && seen.contains("turn.started"));
    let welcome = sim.engine.display_welcome(sim.now, false).to_json();
    for canary in [
        BRIEF_CANARY,
        NOTE_CANARY,
        RECORD_CANARY,
        "PERSPECTIVE-CANARY",
    ] {
        assert!(
            !welcome.contains(canary),
            "{canary} in the display's welcome"
        );
    }
    let value: serde_json::Value = serde_json::from_str(&welcome).unwrap();
    assert_eq!(value["display"], true);
    assert_eq!(value["me"], serde_json::Value::Null);
    assert!(value["meeting"]["case"]["turn"].is_object());
    // Titles only where the group chose them.
    let titled = sim.engine.display_welcome(sim.now, true).to_json();
    assert!(titled.contains("\"title\":\"T\""));
    assert!(!titled.contains(BRIEF_CANARY));
}

#[test]
fn the_role_never_passes_to_a_guest_on_an_absence() {
    let mut sim = running(3);
    invite(&mut sim, "Gia");
    sim.ok("Gia", r#"{"type":"agreement.accept","version":1}"#);
    sim.join("Gia");
    sim.leave("Bo");
    sim.leave("Cy");
    sim.leave("Ana");
    sim.advance(120_000);
    assert_eq!(
        sim.facilitator().as_deref(),
        Some("Ana"),
        "the guest alone is present"
    );
    sim.join("Cy");
    assert_eq!(sim.facilitator().as_deref(), Some("Cy"));
}
