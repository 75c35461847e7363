//! One test for each rule of PRODUCT.md that the engine owns (1–5, 8, 9).

mod sim;

use rondo_protocol::command::parse_frame;
use rondo_protocol::event::{Event, TurnEndReason};
use rondo_protocol::reply::{ErrorCode, Reply};
use sim::{member, running, start_case, Sim};

#[test]
fn rule_1_the_facilitator_role_passes_on_after_60_s_of_absence() {
    let mut sim = running(4);
    sim.leave("Ana");
    sim.leave("Bo");
    sim.advance(61_000);
    assert_eq!(
        sim.facilitator().as_deref(),
        Some("Cy"),
        "next present member in rotation"
    );
    // Nobody present: the role waits, then passes as soon as someone is back.
    sim.leave("Cy");
    sim.leave("Di");
    sim.advance(120_000);
    assert_eq!(sim.facilitator().as_deref(), Some("Cy"));
    sim.join("Ana");
    assert_eq!(sim.facilitator().as_deref(), Some("Ana"));
    sim.check_invariants();
}

#[test]
fn rule_1_a_facilitator_who_never_came_is_replaced() {
    let mut sim = Sim::new(3);
    sim.join("Bo");
    sim.join("Cy");
    sim.ok("Bo", r#"{"type":"meeting.open"}"#);
    assert_eq!(sim.facilitator().as_deref(), Some("Ana"));
    assert!(sim.step());
    assert_eq!(sim.facilitator().as_deref(), Some("Bo"));
}

/// Issue 19: removing the member who facilitated last keeps the rotation
/// where it stood (before, it started again from the first member).
#[test]
fn rule_1_the_rotation_goes_on_past_a_removed_facilitator() {
    let mut sim = running(4);
    sim.ok("Ana", r#"{"type":"meeting.end"}"#);
    sim.ok("Cy", r#"{"type":"meeting.open"}"#);
    assert_eq!(sim.facilitator().as_deref(), Some("Bo"));
    sim.ok("Bo", r#"{"type":"meeting.start"}"#);
    sim.ok("Bo", r#"{"type":"meeting.end"}"#);
    let removal = rondo_protocol::engine::Admin::RemoveMember {
        member: member("Bo"),
    };
    sim.input(rondo_protocol::engine::Input::Admin(removal));
    sim.ok("Ana", r#"{"type":"meeting.open"}"#);
    assert_eq!(sim.facilitator().as_deref(), Some("Cy"));
}

#[test]
fn rule_1_the_next_meeting_rotates_the_role() {
    let mut sim = running(3);
    sim.ok("Ana", r#"{"type":"meeting.end"}"#);
    sim.ok("Cy", r#"{"type":"meeting.open"}"#);
    assert_eq!(sim.facilitator().as_deref(), Some("Bo"));
    sim.refused("Cy", r#"{"type":"meeting.open"}"#, ErrorCode::Conflict);
    sim.ok("Bo", r#"{"type":"facilitator.handover","member":"cy"}"#);
    assert_eq!(sim.facilitator().as_deref(), Some("Cy"));
}

#[test]
fn rule_2_one_speaker_and_never_a_silenced_presenter() {
    let mut sim = running(4);
    let template = r#"{"name":"o","phases":[{"name":"talk","kind":"open","duration_s":600,"turn_s":60,"presenter_silent":true}]}"#;
    start_case(&mut sim, "Bo", template);
    sim.ok("Cy", r#"{"type":"hand.raise"}"#);
    sim.ok("Di", r#"{"type":"hand.raise"}"#);
    sim.ok("Ana", r#"{"type":"floor.give"}"#);
    assert_eq!(sim.speaker().as_deref(), Some("Cy"));
    sim.ok("Ana", r#"{"type":"floor.give"}"#);
    assert_eq!(
        sim.speaker().as_deref(),
        Some("Di"),
        "giving the floor takes it from Cy"
    );
    let ended = sim.received("Ana", "turn.ended");
    assert_eq!(ended.len(), 1);
    sim.refused("Bo", r#"{"type":"hand.raise"}"#, ErrorCode::Forbidden);
    sim.refused(
        "Ana",
        r#"{"type":"floor.give","member":"bo"}"#,
        ErrorCode::Forbidden,
    );
    sim.refused("Cy", r#"{"type":"turn.done"}"#, ErrorCode::NotYourTurn);
    sim.check_invariants();
}

#[test]
fn rule_3_one_turn_per_cycle_in_rotation_order_absent_moved_then_skipped() {
    let mut sim = running(6);
    sim.leave("Fa"); // away when the round starts
    let template =
        r#"{"name":"r","phases":[{"name":"round","kind":"round","turn_s":60,"cycles":2}]}"#;
    start_case(&mut sim, "Cy", template);
    sim.join("Fa"); // back during the round: added at the end of the cycle
    sim.leave("Ana"); // away when her turn comes: moved to the end, then skipped
    let mut spoke = Vec::new();
    while let Some(speaker) = sim.speaker() {
        spoke.push(speaker.clone());
        sim.ok(&speaker, r#"{"type":"turn.done"}"#);
    }
    // In the second cycle Fa speaks at her place in rotation order.
    assert_eq!(spoke, ["Di", "Ed", "Bo", "Fa", "Di", "Ed", "Fa", "Bo"]);
    let absent: Vec<_> = sim
        .received("Bo", "turn.ended")
        .into_iter()
        .filter(|e| {
            matches!(
                e.event,
                Event::TurnEnded {
                    reason: TurnEndReason::Absent,
                    ..
                }
            )
        })
        .collect();
    assert_eq!(absent.len(), 4, "Ana moved, then skipped, in each cycle");
    sim.check_invariants();
}

#[test]
fn rule_3_pass_and_skip_end_a_turn_without_a_second() {
    let mut sim = running(4);
    let template = r#"{"name":"r","phases":[{"name":"round","kind":"round","turn_s":60}]}"#;
    start_case(&mut sim, "Ana", template);
    assert_eq!(sim.speaker().as_deref(), Some("Bo"));
    sim.refused("Cy", r#"{"type":"turn.pass"}"#, ErrorCode::NotYourTurn);
    sim.ok("Bo", r#"{"type":"turn.pass"}"#);
    sim.ok("Ana", r#"{"type":"turn.skip"}"#);
    assert_eq!(sim.speaker().as_deref(), Some("Di"));
    sim.ok("Di", r#"{"type":"turn.done"}"#);
    assert!(sim.engine.meeting_snapshot(None).unwrap().case.is_none());
}

#[test]
fn rule_3_a_round_times_out_after_the_grace_or_never() {
    let mut sim = running(3);
    let template = r#"{"name":"r","phases":[{"name":"round","kind":"round","turn_s":60}]}"#;
    start_case(&mut sim, "Ana", template);
    sim.step();
    sim.step();
    assert_eq!(
        sim.speaker().as_deref(),
        Some("Cy"),
        "Bo timed out after 60 + 30 s"
    );
    sim.ok(
        "Ana",
        r#"{"type":"settings.update","settings":{"grace_s":null}}"#,
    );
    sim.step();
    assert!(
        !sim.step(),
        "with no grace, overtime lasts until someone acts"
    );
    assert_eq!(sim.speaker().as_deref(), Some("Cy"));
}

#[test]
fn rule_4_a_hand_is_in_the_queue_at_most_once() {
    let mut sim = running(3);
    start_case(&mut sim, "Ana", r#""open""#);
    sim.ok("Bo", r#"{"type":"hand.raise"}"#);
    sim.ok("Bo", r#"{"type":"hand.raise"}"#);
    let hands = sim.engine.meeting_snapshot(None).unwrap().hands;
    assert_eq!(hands, vec![member("bo")]);
    assert_eq!(sim.received("Cy", "hand.raised").len(), 1);
    sim.ok("Bo", r#"{"type":"hand.lower"}"#);
    sim.ok("Bo", r#"{"type":"hand.lower"}"#);
    assert_eq!(sim.received("Cy", "hand.lowered").len(), 1);
}

#[test]
fn rule_5_notes_reach_only_their_author_and_presenter() {
    let mut sim = running(4);
    start_case(&mut sim, "Bo", r#""sgs""#);
    sim.ok(
        "Cy",
        r#"{"type":"note.save","visibility":"private","text":"CANARY-PRIVATE"}"#,
    );
    sim.ok(
        "Di",
        r#"{"type":"note.save","visibility":"presenter","text":"CANARY-PRESENTER"}"#,
    );
    for name in sim.names.clone() {
        let stream = serde_json::to_string(&sim.streams[&name]).unwrap();
        let view = sim.view(&name).to_string();
        let private = name == "Cy";
        let presenter = name == "Di" || name == "Bo";
        assert_eq!(
            stream.contains("CANARY-PRIVATE"),
            private,
            "{name}'s stream"
        );
        assert_eq!(view.contains("CANARY-PRIVATE"), private, "{name}'s welcome");
        assert_eq!(
            stream.contains("CANARY-PRESENTER"),
            presenter,
            "{name}'s stream"
        );
        assert_eq!(
            view.contains("CANARY-PRESENTER"),
            presenter,
            "{name}'s welcome"
        );
    }
    // Not even a note's id is revealed to another member trying to edit it.
    let note_id = sim.view("Cy")["notes"][0]["note_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let edit = format!(
        r#"{{"type":"note.save","note_id":"{note_id}","visibility":"private","text":"x"}}"#
    );
    sim.refused("Ana", &edit, ErrorCode::NotFound);
    sim.refused(
        "Ana",
        &format!(r#"{{"type":"note.delete","note_id":"{note_id}"}}"#),
        ErrorCode::NotFound,
    );
    // The exports follow the same rule.
    let meeting = sim.engine.meeting_snapshot(None).unwrap().meeting_id;
    let ana = sim
        .engine
        .notes_export(&meeting, &member("ana"))
        .unwrap()
        .to_markdown(&rondo_protocol::export::Utc);
    assert!(!ana.contains("CANARY"));
    let bo = sim
        .engine
        .notes_export(&meeting, &member("bo"))
        .unwrap()
        .to_markdown(&rondo_protocol::export::Utc);
    assert!(bo.contains("CANARY-PRESENTER") && !bo.contains("CANARY-PRIVATE"));
    let record = sim.engine.record_export(&meeting).unwrap();
    assert!(!serde_json::to_string(&record).unwrap().contains("CANARY"));
}

#[test]
fn rule_8_a_command_id_is_applied_once() {
    let mut sim = running(3);
    let propose = r#"{"type":"case.propose","title":"T","question":"Q","minutes":20}"#;
    let first = sim.send_with_id("Bo", "same", propose);
    let again = sim.send_with_id("Bo", "same", propose);
    assert_eq!(first, again);
    assert!(matches!(first, Reply::Ack { seq: Some(_), .. }));
    assert_eq!(sim.view("Ana")["queue"].as_array().unwrap().len(), 1);
    // Another member may use the same id for their own command.
    let other = sim.send_with_id("Cy", "same", propose);
    assert_ne!(other, first);
    assert_eq!(sim.view("Ana")["queue"].as_array().unwrap().len(), 2);
    // A refused command is answered the same way again.
    let refused = sim.send_with_id("Bo", "r", r#"{"type":"meeting.start"}"#);
    assert_eq!(
        refused,
        sim.send_with_id("Bo", "r", r#"{"type":"meeting.start"}"#)
    );
}

#[test]
fn rule_9_out_of_turn_out_of_role_and_out_of_state_change_nothing() {
    let mut sim = Sim::new(3);
    sim.all_join();
    sim.refused("Bo", r#"{"type":"meeting.start"}"#, ErrorCode::InvalidState);
    sim.refused("Bo", r#"{"type":"turn.done"}"#, ErrorCode::InvalidState);
    sim.refused(
        "Bo",
        r#"{"type":"meeting.open","facilitator":"nobody"}"#,
        ErrorCode::NotFound,
    );
    sim.ok("Ana", r#"{"type":"meeting.open"}"#);
    sim.refused("Bo", r#"{"type":"meeting.start"}"#, ErrorCode::Forbidden);
    sim.refused(
        "Ana",
        r#"{"type":"meeting.resume"}"#,
        ErrorCode::InvalidState,
    );
    sim.refused(
        "Ana",
        r#"{"type":"case.start","case_id":"c9"}"#,
        ErrorCode::InvalidState,
    );
    sim.ok("Ana", r#"{"type":"meeting.start"}"#);
    sim.refused(
        "Ana",
        r#"{"type":"case.start","case_id":"c9"}"#,
        ErrorCode::NotFound,
    );
    sim.ok(
        "Bo",
        r#"{"type":"case.propose","title":"T","question":"Q","minutes":20}"#,
    );
    let case = sim.case_id(0);
    sim.refused(
        "Cy",
        &format!(r#"{{"type":"case.withdraw","case_id":"{case}"}}"#),
        ErrorCode::Forbidden,
    );
    let bad_template = format!(
        r#"{{"type":"case.start","case_id":"{case}","template":{{"name":"x","phases":[{{"name":"r","kind":"round"}}]}}}}"#
    );
    // An invalid template is refused where the frame is parsed, naming the field.
    let refusal = parse_frame(&bad_template.replacen('{', r#"{"id":"t-1","#, 1)).unwrap_err();
    assert_eq!(refusal.rejection.code, ErrorCode::BadRequest);
    assert!(
        refusal.rejection.message.contains("phases[0].turn_s"),
        "{}",
        refusal.rejection.message
    );
    sim.refused(
        "Ana",
        &format!(r#"{{"type":"case.start","case_id":"{case}","template":"nope"}}"#),
        ErrorCode::BadRequest,
    );
    sim.refused(
        "Ana",
        r#"{"type":"phase.extend","seconds":0}"#,
        ErrorCode::BadRequest,
    );
    sim.refused(
        "Bo",
        r#"{"type":"case.propose","title":"  ","question":"Q","minutes":20}"#,
        ErrorCode::BadRequest,
    );
    sim.refused(
        "Bo",
        r#"{"type":"case.propose","title":"T","question":"Q","minutes":0}"#,
        ErrorCode::BadRequest,
    );
    sim.refused(
        "Ana",
        r#"{"type":"record.add","kind":"decision","text":"t","owner":"bo"}"#,
        ErrorCode::BadRequest,
    );
    sim.refused(
        "Ana",
        r#"{"type":"settings.update","settings":{"grace_s":601}}"#,
        ErrorCode::BadRequest,
    );
    sim.refused(
        "Ana",
        r#"{"type":"agreement.accept","version":2}"#,
        ErrorCode::Conflict,
    );
    sim.refused(
        "Ana",
        r#"{"type":"case.reorder","order":[]}"#,
        ErrorCode::BadRequest,
    );
    sim.check_invariants();
}

#[test]
fn urgent_cases_go_first_and_the_facilitator_reorders() {
    let mut sim = running(3);
    sim.ok(
        "Bo",
        r#"{"type":"case.propose","title":"A","question":"Q","minutes":20}"#,
    );
    sim.ok(
        "Cy",
        r#"{"type":"case.propose","title":"B","question":"Q","minutes":20,"urgent":true}"#,
    );
    let titles = |sim: &Sim| -> Vec<String> {
        sim.view("Ana")["queue"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["title"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(titles(&sim), ["B", "A"]);
    let (b, a) = (sim.case_id(0), sim.case_id(1));
    sim.refused(
        "Bo",
        &format!(r#"{{"type":"case.reorder","order":["{a}","{b}"]}}"#),
        ErrorCode::Forbidden,
    );
    sim.ok(
        "Ana",
        &format!(r#"{{"type":"case.reorder","order":["{a}","{b}"]}}"#),
    );
    assert_eq!(titles(&sim), ["A", "B"]);
    // Not presented: carried over to the next meeting.
    sim.ok("Ana", r#"{"type":"meeting.end"}"#);
    assert_eq!(titles(&sim), ["A", "B"]);
}

#[test]
fn extend_in_overtime_counts_from_now() {
    let mut sim = running(3);
    start_case(&mut sim, "Ana", r#""sgs""#);
    let deadline = sim.engine.next_deadline().unwrap();
    sim.step();
    sim.advance(10_000);
    sim.ok("Bo", "{\"type\":\"ping\"}");
    sim.ok("Ana", r#"{"type":"turn.extend","seconds":60}"#);
    let turn = sim
        .engine
        .meeting_snapshot(None)
        .unwrap()
        .case
        .unwrap()
        .turn
        .unwrap();
    assert_eq!(turn.deadline, Some(deadline + 10_000 + 60_000));
    assert!(!turn.overtime);
}

#[test]
fn removing_a_member_takes_them_out_of_everything() {
    use rondo_protocol::engine::{Admin, Input};
    let mut sim = running(4);
    start_case(&mut sim, "Ana", r#""sgs""#);
    sim.ok("Ana", r#"{"type":"turn.done"}"#);
    assert_eq!(sim.speaker().as_deref(), Some("Bo"));
    let output = sim.input(Input::Admin(Admin::RemoveMember {
        member: member("bo"),
    }));
    assert_eq!(output.admin, Some(Ok(())));
    assert_eq!(sim.speaker().as_deref(), Some("Cy"));
    sim.input(Input::Admin(Admin::RemoveMember {
        member: member("ana"),
    }));
    assert!(
        sim.engine.meeting_snapshot(None).unwrap().case.is_none(),
        "presenter gone: case ends"
    );
    assert_eq!(sim.facilitator().as_deref(), Some("Cy"));
    let output = sim.input(Input::Admin(Admin::RemoveMember {
        member: member("cy"),
    }));
    assert!(output.admin.unwrap().is_err(), "two members at least");
    sim.check_invariants();
}

#[test]
fn a_members_notes_have_a_character_budget_a_meeting() {
    let mut sim = running(3);
    let text = "n".repeat(20_000);
    let save = format!(r#"{{"type":"note.save","visibility":"private","text":"{text}"}}"#);
    for _ in 0..5 {
        sim.ok("Bo", &save);
    }
    // 100 000 characters kept: one more is too many, for Bo alone.
    sim.refused(
        "Bo",
        r#"{"type":"note.save","visibility":"private","text":"one more"}"#,
        ErrorCode::TooLarge,
    );
    sim.ok("Cy", &save);
}

#[test]
fn rule_12_an_absent_facilitators_role_skips_the_presenter_and_everyone_is_told() {
    let mut sim = running(4);
    // Bo, next in rotation after Ana, presents: the role passes over him.
    start_case(&mut sim, "Bo", r#""open""#);
    sim.leave("Ana");
    sim.advance(61_000);
    assert_eq!(sim.facilitator().as_deref(), Some("Cy"));
    for name in ["Bo", "Cy", "Di"] {
        let told = sim.received(name, "facilitator.changed");
        let last = told.last().unwrap();
        assert!(
            matches!(&last.event, Event::FacilitatorChanged { reason, .. } if *reason == rondo_protocol::event::FacilitatorReason::Absent),
            "{name} was told why"
        );
    }
    // The presenter takes the role only when nobody else is here.
    let mut sim = running(3);
    start_case(&mut sim, "Bo", r#""open""#);
    sim.leave("Cy");
    sim.leave("Ana");
    sim.advance(61_000);
    assert_eq!(sim.facilitator().as_deref(), Some("Bo"));
    sim.check_invariants();
}

#[test]
fn rule_13_a_case_cut_off_by_the_meetings_end_is_continued_not_presented() {
    let mut sim = running(3);
    start_case(&mut sim, "Bo", r#""sgs""#);
    sim.ok(
        "Cy",
        r#"{"type":"case.propose","title":"Later","question":"Q","minutes":10}"#,
    );
    sim.ok("Ana", r#"{"type":"meeting.end"}"#);
    let queue = sim.view("Cy")["queue"].clone();
    assert_eq!(queue[0]["presenter"], "bo", "back at the head of the queue");
    assert_eq!(queue[0]["status"], "queued");
    assert_eq!(queue[0]["continued"], true);
    assert_eq!(sim.received("Cy", "case.continued").len(), 1);
    // It does not count as presented in that meeting's record.
    let meeting_id = sim.engine.meeting_ids().last().unwrap().clone();
    let record = sim.engine.record_export(&meeting_id).unwrap();
    assert!(record.cases.is_empty(), "not presented");
    // Ended with case.end, a case counts as presented.
    sim.ok("Bo", r#"{"type":"meeting.open"}"#);
    let facilitator = sim.facilitator().unwrap();
    sim.ok(&facilitator, r#"{"type":"meeting.start"}"#);
    let case = sim.case_id(0);
    sim.ok(
        &facilitator,
        &format!(r#"{{"type":"case.start","case_id":"{case}"}}"#),
    );
    sim.ok(&facilitator, r#"{"type":"case.end"}"#);
    let meeting_id = sim.engine.meeting_ids().last().unwrap().clone();
    let record = sim.engine.record_export(&meeting_id).unwrap();
    assert_eq!(record.cases.len(), 1);
    sim.check_invariants();
}

#[test]
fn a_draft_to_the_presenter_is_the_authors_until_sent() {
    let mut sim = running(3);
    start_case(&mut sim, "Bo", r#""sgs""#);
    sim.ok(
        "Cy",
        r#"{"type":"note.save","visibility":"presenter","draft":true,"text":"half a thought"}"#,
    );
    let saved = sim.received("Cy", "note.saved");
    let Event::NoteSaved { note } = &saved[0].event else {
        unreachable!()
    };
    let note_id = note.note_id.to_string();
    let edit = format!(
        r#"{{"type":"note.save","note_id":"{note_id}","visibility":"presenter","draft":true,"text":"a whole thought"}}"#
    );
    sim.ok("Cy", &edit);
    assert!(
        sim.received("Bo", "note.saved").is_empty(),
        "drafts stay with their author"
    );
    assert_eq!(sim.view("Bo")["notes"], serde_json::json!([]));
    sim.ok(
        "Cy",
        &format!(r#"{{"type":"note.send","note_id":"{note_id}"}}"#),
    );
    let delivered = sim.received("Bo", "note.saved");
    assert_eq!(delivered.len(), 1);
    let Event::NoteSaved { note } = &delivered[0].event else {
        unreachable!()
    };
    assert!(note.sent && !note.draft);
    assert_eq!(note.text.as_str(), "a whole thought");
    // Sent: no more edits, and not sent twice; deleting reaches both.
    let edit = format!(
        r#"{{"type":"note.save","note_id":"{note_id}","visibility":"presenter","draft":true,"text":"x"}}"#
    );
    sim.refused("Cy", &edit, ErrorCode::InvalidState);
    sim.refused(
        "Cy",
        &format!(r#"{{"type":"note.send","note_id":"{note_id}"}}"#),
        ErrorCode::InvalidState,
    );
    sim.refused(
        "Cy",
        r#"{"type":"note.save","visibility":"private","draft":true,"text":"x"}"#,
        ErrorCode::BadRequest,
    );
    sim.ok(
        "Cy",
        &format!(r#"{{"type":"note.delete","note_id":"{note_id}"}}"#),
    );
    assert_eq!(sim.received("Bo", "note.deleted").len(), 1);
    sim.check_invariants();
}
