//! The member's record of supervision in the engine, on the simulated clock:
//! presence measured between the start and the end (pauses included, time
//! away not), replayed to the same figures; confirmation, the 14 days before
//! an unconfirmed attendance may be countersigned, the lock; reflections to
//! their author alone; the gap; the credit rules.

mod sim;

use rondo_protocol::engine::Admin;
use rondo_protocol::engine::Input;
use rondo_protocol::reply::ErrorCode;
use rondo_protocol::settings::CreditRule;
use sim::{member, running, Sim};

const MIN: u64 = 60_000;
const DAY: u64 = 86_400_000;

fn attendance(sim: &Sim, name: &str) -> serde_json::Value {
    let ended = sim.received("Ana", "meeting.ended");
    let event = serde_json::to_value(&ended.last().unwrap().event).unwrap();
    event["attendance"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["member"] == member(name).as_str())
        .cloned()
        .unwrap_or(serde_json::Value::Null)
}

fn meeting_id(sim: &Sim) -> String {
    sim.view("Ana")["past_meetings"][0]["meeting_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn presence_is_measured_from_start_to_end_with_pauses_and_without_time_away() {
    let mut sim = Sim::new(4);
    sim.join("Ana");
    sim.join("Bo");
    sim.ok("Ana", r#"{"type":"meeting.open"}"#);
    sim.advance(5 * MIN); // the lobby does not count
    sim.ok("Ana", r#"{"type":"meeting.start"}"#);
    sim.advance(10 * MIN);
    sim.join("Cy"); // comes late
    sim.ok("Ana", r#"{"type":"meeting.pause"}"#);
    sim.advance(10 * MIN); // a pause counts
    sim.ok("Ana", r#"{"type":"meeting.resume"}"#);
    sim.leave("Bo");
    sim.advance(15 * MIN);
    sim.join("Bo"); // back after a quarter of an hour
    sim.advance(5 * MIN);
    sim.leave("Cy"); // leaves early
    sim.advance(20 * MIN);
    sim.ok("Ana", r#"{"type":"meeting.end"}"#);
    assert_eq!(attendance(&sim, "Ana")["present_s"], 60 * 60);
    assert_eq!(attendance(&sim, "Ana")["role"], "facilitator");
    assert_eq!(attendance(&sim, "Bo")["present_s"], 45 * 60);
    assert_eq!(attendance(&sim, "Cy")["present_s"], 30 * 60);
    assert_eq!(attendance(&sim, "Cy")["role"], "member");
    assert!(attendance(&sim, "Di").is_null(), "never present");
    // The log rebuilds the same figures.
    let replayed = sim.replayed();
    assert_eq!(
        serde_json::to_value(replayed.supervision()).unwrap(),
        serde_json::to_value(sim.engine.supervision()).unwrap()
    );
    // A meeting opened and ended without starting has no attendance.
    sim.ok("Ana", r#"{"type":"meeting.open"}"#);
    let facilitator = sim.facilitator().unwrap();
    sim.ok(&facilitator, r#"{"type":"meeting.end"}"#);
    assert_eq!(sim.engine.supervision().meetings().count(), 1);
}

#[test]
fn confirmation_countersignature_and_the_lock() {
    let mut sim = running(3);
    sim.leave("Cy");
    sim.advance(30 * MIN);
    sim.ok("Ana", r#"{"type":"meeting.end"}"#);
    let id = meeting_id(&sim);
    let confirm = format!(r#"{{"type":"attendance.confirm","meeting_id":"{id}"}}"#);
    let countersign = format!(r#"{{"type":"attendance.countersign","meeting_id":"{id}"}}"#);
    sim.ok("Ana", &confirm);
    sim.ok("Ana", &confirm); // a second time: nothing new
    assert_eq!(
        sim.received("Cy", "attendance.confirmed").len(),
        1,
        "everyone sees it"
    );
    sim.refused("Ana", &countersign, ErrorCode::InvalidState);
    sim.refused("Bo", &countersign, ErrorCode::Forbidden);
    let unknown = r#"{"type":"attendance.confirm","meeting_id":"g1-m9"}"#;
    sim.refused("Bo", unknown, ErrorCode::NotFound);
    // Fourteen days on, unconfirmed attendance may be countersigned.
    sim.advance(14 * DAY - MIN);
    sim.refused("Ana", &countersign, ErrorCode::InvalidState);
    sim.advance(MIN);
    sim.ok("Ana", &countersign);
    sim.refused("Ana", &countersign, ErrorCode::InvalidState);
    sim.refused("Bo", &confirm, ErrorCode::InvalidState);
    let admin = sim.input(Input::Admin(Admin::Countersign {
        meeting_id: rondo_protocol::ids::MeetingId::new(id).unwrap(),
    }));
    assert_eq!(
        admin.admin.unwrap().unwrap_err().code,
        ErrorCode::InvalidState
    );
    sim.check_invariants();
}

#[test]
fn a_reflection_reaches_its_author_alone() {
    let mut sim = running(3);
    sim.advance(MIN);
    let early = r#"{"type":"reflection.save","meeting_id":"g1-m1","text":"too soon"}"#;
    sim.refused("Bo", early, ErrorCode::InvalidState);
    sim.ok("Ana", r#"{"type":"meeting.end"}"#);
    let id = meeting_id(&sim);
    let long = "x".repeat(10_001);
    sim.refused(
        "Bo",
        &format!(r#"{{"type":"reflection.save","meeting_id":"{id}","text":"{long}"}}"#),
        ErrorCode::TooLarge,
    );
    let text = "CANARY-REFLECTION what I will do differently";
    sim.ok(
        "Bo",
        &format!(r#"{{"type":"reflection.save","meeting_id":"{id}","text":"{text}"}}"#),
    );
    assert_eq!(sim.received("Bo", "reflection.saved").len(), 1);
    for other in ["Ana", "Cy"] {
        let stream = serde_json::to_string(&sim.streams[other]).unwrap();
        assert!(!stream.contains("CANARY-REFLECTION"), "{other}'s stream");
        let welcome = sim.view(other).to_string();
        assert!(!welcome.contains("CANARY-REFLECTION"), "{other}'s welcome");
    }
    assert_eq!(
        sim.view("Bo")["past_meetings"][0]["reflection"]["text"],
        text
    );
    sim.ok(
        "Bo",
        r#"{"type":"member.settings","settings":{"monthly_target_min":90}}"#,
    );
    assert_eq!(sim.received("Bo", "member.settings_updated").len(), 1);
    assert!(sim.received("Ana", "member.settings_updated").is_empty());
    assert_eq!(sim.view("Bo")["my_settings"]["monthly_target_min"], 90);
    sim.refused(
        "Bo",
        r#"{"type":"member.settings","settings":{"monthly_target_min":0}}"#,
        ErrorCode::BadRequest,
    );
}

#[test]
fn the_gap_shows_once_the_last_meeting_is_older_than_the_agreement_allows() {
    let mut sim = running(2);
    let change = Admin::UpdateAgreement {
        text: rondo_protocol::text::AgreementText::new("We meet monthly.").unwrap(),
        review_on: None,
        max_gap_days: Some(Some(30)),
    };
    sim.input(Input::Admin(change));
    sim.ok("Ana", r#"{"type":"meeting.end"}"#);
    let ended_on = rondo_protocol::command::Date::of_epoch_ms(sim.now);
    sim.advance(30 * DAY);
    assert!(
        sim.view("Ana")["group"]["supervision_gap"].is_null(),
        "30 days is allowed"
    );
    sim.advance(DAY);
    let gap = &sim.view("Ana")["group"]["supervision_gap"];
    assert_eq!(gap["days"], 31);
    assert_eq!(gap["since"], ended_on.as_str());
    // An open meeting closes the gap.
    sim.ok("Bo", r#"{"type":"agreement.accept","version":2}"#);
    sim.ok("Bo", r#"{"type":"meeting.open"}"#);
    assert!(sim.view("Ana")["group"]["supervision_gap"].is_null());
}

#[test]
fn the_credit_rules() {
    assert_eq!(CreditRule::Attended.credited_s(3600, 6), 3600);
    assert_eq!(
        CreditRule::Shared.credited_s(3600, 4),
        1800,
        "four or fewer: half"
    );
    assert_eq!(CreditRule::Shared.credited_s(3600, 2), 1800);
    assert_eq!(
        CreditRule::Shared.credited_s(3600, 6),
        600,
        "five or more: divided"
    );
}
