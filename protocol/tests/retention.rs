//! Retention in simulated time: a group keeping one month; a meeting of
//! January with canaries in its case, record, notes and a reflection, one of
//! February without; the clock at March. January's content is gone from
//! every view, export and the engine's stored state, its attendance is
//! kept, February's meeting is untouched, and replaying the log expires the
//! same meetings. Erasing a removed member deletes their notes and
//! reflections and names them "former member", their attendance kept.

mod sim;

use rondo_protocol::engine::{Admin, Input};
use rondo_protocol::export::Utc;
use rondo_protocol::reply::ErrorCode;
use rondo_protocol::retention::{month_of, month_start};
use sim::{member, running, Sim};

const CANARIES: [&str; 4] = [
    "CANARY-TITLE-4b1",
    "CANARY-RECORD-9c2",
    "CANARY-NOTE-e7d",
    "CANARY-REFLECTION-a05",
];
/// A private note of Bo's, the presenter (erased in the erasure test).
const BO_NOTE: &str = "CANARY-BO-NOTE-71c";
const DAY: u64 = 86_400_000;

/// A meeting with every kind of content, ended; its id.
fn meeting_with_canaries(sim: &mut Sim) -> String {
    sim.ok(
        "Bo",
        &format!(
            r#"{{"type":"case.propose","title":"{}","question":"Q","minutes":20}}"#,
            CANARIES[0]
        ),
    );
    let case = sim.case_id(0);
    sim.ok(
        "Ana",
        &format!(r#"{{"type":"case.start","case_id":"{case}","template":"open"}}"#),
    );
    sim.ok(
        "Ana",
        &format!(
            r#"{{"type":"record.add","kind":"action","text":"{}","owner":"bo"}}"#,
            CANARIES[1]
        ),
    );
    sim.ok(
        "Cy",
        &format!(
            r#"{{"type":"note.save","visibility":"private","text":"{}"}}"#,
            CANARIES[2]
        ),
    );
    sim.ok(
        "Bo",
        &format!(r#"{{"type":"note.save","visibility":"private","text":"{BO_NOTE}"}}"#),
    );
    sim.ok("Ana", r#"{"type":"case.end"}"#);
    sim.ok("Ana", r#"{"type":"meeting.end"}"#);
    let id = sim.engine.meeting_ids().last().unwrap().to_string();
    sim.ok(
        "Bo",
        &format!(
            r#"{{"type":"reflection.save","meeting_id":"{id}","text":"{}"}}"#,
            CANARIES[3]
        ),
    );
    id
}

fn assert_no_canary(what: &str, text: &str) {
    for canary in CANARIES {
        assert!(!text.contains(canary), "{canary} in {what}");
    }
}

fn set_retention(sim: &mut Sim, months: Option<u16>) -> Result<(), ErrorCode> {
    admin(sim, Admin::SetRetention { months })
}

#[test]
fn a_month_past_retention_the_content_is_gone_and_the_evidence_kept() {
    // T0 is in January 2026.
    let mut sim = running(3);
    let january = month_of(sim.now);
    set_retention(&mut sim, Some(1)).unwrap();
    let old = meeting_with_canaries(&mut sim);
    assert!(
        sim.engine.snapshot().contains(CANARIES[1]),
        "kept until then"
    );
    sim.now = month_start(january + 1) + 3 * DAY;
    sim.ok("Ana", r#"{"type":"meeting.open"}"#);
    let facilitator = sim.facilitator().unwrap();
    sim.ok(&facilitator, r#"{"type":"meeting.start"}"#);
    sim.ok(
        &facilitator,
        r#"{"type":"record.add","kind":"decision","text":"kept"}"#,
    );
    sim.ok(&facilitator, r#"{"type":"meeting.end"}"#);
    let recent = sim.engine.meeting_ids().last().unwrap().clone();

    // Nothing expires before March; then January's meeting does, at once.
    let march = month_start(january + 2);
    assert_eq!(sim.engine.next_deadline(), Some(march));
    assert!(sim.step());
    assert_eq!(sim.now, march);
    // One sweep a month; March's names January's meeting.
    let expired = sim.received("Ana", "content.expired");
    let last = serde_json::to_value(expired.last().unwrap()).unwrap();
    assert_eq!(last["meetings"], serde_json::json!([old]));
    assert_eq!(last["before"], serde_json::json!(month_start(january + 1)));

    let state = sim.engine.snapshot();
    assert_no_canary("the stored state", &state);
    for name in ["Ana", "Bo", "Cy"] {
        let welcome = sim.engine.welcome(&member(name), sim.now, false).unwrap();
        assert_no_canary("a welcome", &serde_json::to_string(&welcome).unwrap());
    }
    let old_id = sim
        .engine
        .supervision()
        .meetings()
        .next()
        .unwrap()
        .meeting_id
        .clone();
    assert_eq!(old_id.as_str(), old);
    assert!(sim.engine.record_export(&old_id).is_none());
    assert!(sim.engine.notes_export(&old_id, &member("Cy")).is_none());
    let kept = sim.engine.record_export(&recent).unwrap().to_markdown(&Utc);
    assert!(kept.contains("kept"), "February's record stays");

    // The evidence: attendance of all three, no reflection.
    let attended = sim.engine.supervision().find(&old_id).unwrap();
    assert_eq!(attended.attendance.len(), 3);
    assert!(attended.reflections.is_empty());
    // Nothing is added to an expired meeting.
    sim.refused(
        "Bo",
        &format!(r#"{{"type":"reflection.save","meeting_id":"{old}","text":"again"}}"#),
        ErrorCode::InvalidState,
    );

    // The same input log expires the same meetings.
    assert_eq!(sim.replayed(), sim.engine);
    sim.check_invariants();
    // The next expiry is April's, for February.
    assert_eq!(sim.engine.next_deadline(), Some(month_start(january + 3)));
}

#[test]
fn retention_is_bounded_and_none_keeps_everything() {
    let mut sim = running(3);
    assert_eq!(set_retention(&mut sim, Some(0)), Err(ErrorCode::BadRequest));
    assert_eq!(
        set_retention(&mut sim, Some(121)),
        Err(ErrorCode::BadRequest)
    );
    let old = meeting_with_canaries(&mut sim);
    assert_eq!(sim.engine.next_deadline(), None, "no retention, no expiry");
    sim.advance(400 * DAY);
    let id = sim.engine.meeting_ids()[0].clone();
    assert_eq!(id.as_str(), old);
    assert!(sim.engine.record_export(&id).is_some());
    // Set later, it expires what is already past it.
    set_retention(&mut sim, Some(3)).unwrap();
    assert!(sim.engine.record_export(&id).is_none());
    assert_no_canary("the stored state", &sim.engine.snapshot());
    assert_eq!(sim.replayed(), sim.engine);
}

fn admin(sim: &mut Sim, admin: Admin) -> Result<(), ErrorCode> {
    let output = sim.input(Input::Admin(admin));
    output.admin.unwrap().map_err(|e| e.code)
}

fn erase(sim: &mut Sim, name: &str) -> Result<(), ErrorCode> {
    admin(
        sim,
        Admin::EraseMember {
            member: member(name),
        },
    )
}

#[test]
fn an_erased_member_is_a_former_member_without_notes_or_reflections() {
    let mut sim = running(3);
    meeting_with_canaries(&mut sim);
    let meeting = sim.engine.meeting_ids()[0].clone();
    assert_eq!(
        erase(&mut sim, "Bo"),
        Err(ErrorCode::Conflict),
        "still a member"
    );
    admin(
        &mut sim,
        Admin::RemoveMember {
            member: member("Bo"),
        },
    )
    .unwrap();
    assert_eq!(
        erase(&mut sim, "Dee"),
        Err(ErrorCode::NotFound),
        "never one"
    );
    let removed = sim
        .engine
        .record_export(&meeting)
        .unwrap()
        .to_markdown(&Utc);
    assert!(!removed.contains("former member"), "removed is not erased");
    assert!(sim.engine.snapshot().contains(BO_NOTE));

    erase(&mut sim, "Bo").unwrap();
    let state = sim.engine.snapshot();
    assert!(!state.contains(BO_NOTE), "Bo's note is deleted");
    assert!(!state.contains(CANARIES[3]), "Bo's reflection is deleted");
    assert!(state.contains(CANARIES[2]), "Cy's note stays");
    let record = sim
        .engine
        .record_export(&meeting)
        .unwrap()
        .to_markdown(&Utc);
    assert!(record.contains("former member"), "{record}");
    assert!(sim
        .engine
        .notes_export(&meeting, &member("Bo"))
        .unwrap()
        .notes
        .is_empty());
    // The evidence stays: Bo's attendance, under Bo's id.
    let attended = sim.engine.supervision().find(&meeting).unwrap();
    assert_eq!(attended.attendance.len(), 3);
    assert!(attended.attendance_of(&member("Bo")).is_some());
    assert!(attended.reflections.is_empty());
    assert_eq!(sim.received("Ana", "member.erased").len(), 1);
    // Erasing twice changes nothing.
    erase(&mut sim, "Bo").unwrap();
    assert_eq!(sim.received("Ana", "member.erased").len(), 1);
    assert_eq!(sim.replayed(), sim.engine);
    sim.check_invariants();
}
