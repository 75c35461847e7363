//! Meetings as a group would run them, each member's view compared to a snapshot.

mod sim;

use rondo_protocol::event::Event;
use rondo_protocol::reply::ErrorCode;
use sim::{member, Sim};

fn open_and_start(sim: &mut Sim) {
    sim.all_join();
    sim.ok("Bo", r#"{"type":"meeting.open"}"#);
    let facilitator = sim.facilitator().unwrap();
    sim.ok(&facilitator, r#"{"type":"meeting.start"}"#);
}

#[test]
fn a_whole_sgs_case_with_six_members() {
    let mut sim = Sim::new(6);
    sim.all_join();
    // Ana proposes before the meeting opens: the agenda is set in advance.
    sim.ok("Cy", r#"{"type":"case.propose","title":"A family that stopped answering","question":"How do I reopen contact?","minutes":40}"#);
    sim.ok("Bo", r#"{"type":"meeting.open"}"#);
    assert_eq!(
        sim.facilitator().as_deref(),
        Some("Ana"),
        "first meeting: first member"
    );
    sim.ok("Ana", r#"{"type":"meeting.start"}"#);
    let case = sim.case_id(0);
    sim.ok(
        "Ana",
        &format!(r#"{{"type":"case.start","case_id":"{case}","template":"sgs"}}"#),
    );

    // Request for help: Cy presents; nobody else may take the floor.
    assert_eq!(sim.phase_name().as_deref(), Some("request for help"));
    assert_eq!(sim.speaker().as_deref(), Some("Cy"));
    sim.refused("Di", r#"{"type":"turn.done"}"#, ErrorCode::NotYourTurn);
    sim.ok(
        "Cy",
        r#"{"type":"note.save","visibility":"private","text":"remember the dog"}"#,
    );
    sim.ok("Cy", r#"{"type":"turn.done"}"#);

    // Questions: a round starting after the presenter, presenter excluded.
    assert_eq!(sim.phase_name().as_deref(), Some("questions"));
    let order: Vec<String> = ["Di", "Ed", "Fa", "Ana", "Bo"].map(String::from).to_vec();
    for speaker in &order {
        assert_eq!(sim.speaker().as_ref(), Some(speaker));
        sim.ok(speaker, r#"{"type":"turn.done"}"#);
    }

    // Feedback: presenter silent; Ed passes, Fa runs out of time.
    assert_eq!(sim.phase_name().as_deref(), Some("feedback"));
    insta::assert_json_snapshot!("sgs_feedback_round", sim.views());
    sim.ok(
        "Di",
        r#"{"type":"note.save","visibility":"presenter","text":"you were brave"}"#,
    );
    sim.ok("Di", r#"{"type":"turn.done"}"#);
    sim.ok("Ed", r#"{"type":"turn.pass"}"#);
    assert_eq!(sim.speaker().as_deref(), Some("Fa"));
    sim.step(); // deadline: overtime
    assert_eq!(sim.received("Ana", "turn.overtime").len(), 1);
    sim.step(); // grace over: timeout
    let ended = sim.received("Ana", "turn.ended");
    assert!(matches!(
        ended.last().unwrap().event,
        Event::TurnEnded {
            reason: rondo_protocol::event::TurnEndReason::Timeout,
            ..
        }
    ));
    sim.ok("Ana", r#"{"type":"turn.skip"}"#); // Ana skips her own turn as facilitator
    sim.ok("Bo", r#"{"type":"turn.done"}"#);

    // Pause (silence), then response, then the open discussion.
    assert_eq!(sim.phase_name().as_deref(), Some("pause"));
    sim.refused("Bo", r#"{"type":"hand.raise"}"#, ErrorCode::InvalidState);
    sim.ok("Ana", r#"{"type":"phase.next"}"#);
    assert_eq!(sim.phase_name().as_deref(), Some("response"));
    assert_eq!(sim.speaker().as_deref(), Some("Cy"));
    sim.ok("Cy", r#"{"type":"turn.done"}"#);
    assert_eq!(sim.phase_name().as_deref(), Some("discussion"));
    sim.ok("Bo", r#"{"type":"hand.raise"}"#);
    sim.ok("Ed", r#"{"type":"hand.raise"}"#);
    sim.ok("Ana", r#"{"type":"floor.give"}"#);
    assert_eq!(sim.speaker().as_deref(), Some("Bo"));
    sim.ok("Ana", r#"{"type":"record.add","kind":"action","text":"Cy calls the school","owner":"cy","due":"2026-02-01","tags":["support"]}"#);
    sim.ok(
        "Ana",
        r#"{"type":"record.add","kind":"disagreement","text":"Ed would wait a month"}"#,
    );
    sim.ok("Bo", r#"{"type":"turn.done"}"#);
    insta::assert_json_snapshot!("sgs_discussion", sim.views());
    sim.ok("Ana", r#"{"type":"phase.next"}"#);
    assert!(
        sim.engine.meeting_snapshot(None).unwrap().case.is_none(),
        "case over"
    );
    assert_eq!(sim.received("Fa", "case.ended").len(), 1);
    sim.ok("Ana", r#"{"type":"meeting.end"}"#);

    // The private note went to Cy alone; the note to the presenter to Di and Cy.
    for name in &sim.names {
        let notes = sim.received(name, "note.saved").len();
        let expected = match name.as_str() {
            "Cy" => 2,
            "Di" => 1,
            _ => 0,
        };
        assert_eq!(notes, expected, "{name}");
    }
    // Carried to the next meeting: the open action.
    assert_eq!(sim.view("Fa")["open_actions"].as_array().unwrap().len(), 1);
    sim.check_invariants();
    assert_eq!(
        sim::durable_state(&sim.replayed()),
        sim::durable_state(&sim.engine),
        "replay rebuilds the same state"
    );
}

#[test]
fn incident_method_with_a_written_phase() {
    let mut sim = Sim::new(4);
    open_and_start(&mut sim);
    sim.ok("Di", r#"{"type":"case.propose","title":"Night shift","question":"What went wrong?","minutes":30}"#);
    let case = sim.case_id(0);
    let template = r#"{"name":"incident-written","phases":[
        {"name":"incident","kind":"presenter","duration_s":300},
        {"name":"positions","kind":"written","duration_s":240,"reveal_to":"group"},
        {"name":"positions for the presenter","kind":"written","duration_s":240,"reveal_to":"presenter"},
        {"name":"evaluation","kind":"open","duration_s":600}]}"#;
    let start = format!(r#"{{"type":"case.start","case_id":"{case}","template":{template}}}"#);
    sim.ok("Ana", &start);
    sim.ok("Di", r#"{"type":"turn.done"}"#);
    assert_eq!(sim.phase_name().as_deref(), Some("positions"));
    sim.refused(
        "Di",
        r#"{"type":"contribution.submit","text":"mine"}"#,
        ErrorCode::Forbidden,
    );
    sim.ok(
        "Ana",
        r#"{"type":"contribution.submit","text":"The handover was rushed"}"#,
    );
    sim.ok("Bo", r#"{"type":"contribution.submit","text":"Staffing"}"#);
    // Until the phase ends, others learn who wrote, never what.
    let received = sim.received("Cy", "contribution.received");
    assert_eq!(received.len(), 2);
    assert!(!serde_json::to_string(&sim.streams["Cy"])
        .unwrap()
        .contains("Staffing"));
    insta::assert_json_snapshot!("incident_written_hidden", sim.views());
    sim.ok(
        "Cy",
        r#"{"type":"contribution.submit","text":"Nobody asked"}"#,
    );
    // Everyone present wrote: revealed together to the group.
    let revealed = sim.received("Bo", "contributions.revealed");
    assert_eq!(revealed.len(), 1);
    assert_eq!(
        sim.phase_name().as_deref(),
        Some("positions for the presenter")
    );
    sim.ok(
        "Bo",
        r#"{"type":"contribution.submit","text":"Only for Di"}"#,
    );
    sim.step();
    sim.step(); // deadline, then grace over: the phase ends by itself
    assert_eq!(sim.received("Di", "contributions.revealed").len(), 2);
    assert_eq!(
        sim.received("Bo", "contributions.revealed").len(),
        1,
        "reveal_to presenter"
    );
    assert!(!serde_json::to_string(&sim.streams["Ana"])
        .unwrap()
        .contains("Only for Di"));
    assert_eq!(sim.phase_name().as_deref(), Some("evaluation"));
    insta::assert_json_snapshot!("incident_evaluation", sim.views());
    sim.check_invariants();
}

#[test]
fn a_balint_case_keeps_the_presenter_silent_in_reflection() {
    let mut sim = Sim::new(5);
    open_and_start(&mut sim);
    sim.ok("Ed", r#"{"type":"case.propose","title":"A patient who flatters","question":"Why am I uneasy?","minutes":45}"#);
    let case = sim.case_id(0);
    sim.ok(
        "Ana",
        &format!(r#"{{"type":"case.start","case_id":"{case}","template":"balint"}}"#),
    );
    sim.ok("Ed", r#"{"type":"turn.done"}"#);
    for speaker in ["Ana", "Bo", "Cy", "Di"] {
        assert_eq!(sim.speaker().as_deref(), Some(speaker));
        sim.ok(speaker, r#"{"type":"turn.pass"}"#);
    }
    assert_eq!(sim.phase_name().as_deref(), Some("group reflection"));
    sim.refused("Ed", r#"{"type":"hand.raise"}"#, ErrorCode::Forbidden);
    sim.refused(
        "Ana",
        r#"{"type":"floor.give","member":"ed"}"#,
        ErrorCode::Forbidden,
    );
    sim.ok("Cy", r#"{"type":"hand.raise"}"#);
    sim.ok("Cy", r#"{"type":"hand.raise"}"#);
    assert_eq!(
        sim.received("Ana", "hand.raised").len(),
        1,
        "raising twice changes nothing"
    );
    sim.ok(
        "Ana",
        r#"{"type":"perspective.assign","member":"cy","perspective":"as the patient"}"#,
    );
    sim.ok("Ana", r#"{"type":"floor.give"}"#);
    insta::assert_json_snapshot!("balint_reflection", sim.views());
    sim.ok("Ana", r#"{"type":"phase.next"}"#);
    assert_eq!(sim.phase_name().as_deref(), Some("presenter returns"));
    assert_eq!(sim.speaker().as_deref(), Some("Ed"));
    sim.check_invariants();
}

#[test]
fn a_check_in_round_has_no_presenter() {
    let mut sim = Sim::new(4);
    open_and_start(&mut sim);
    sim.leave("Cy");
    sim.ok(
        "Ana",
        r#"{"type":"round.start","turn_s":60,"label":"check-in"}"#,
    );
    // Starting with the facilitator; Cy is away so not in the round.
    assert_eq!(sim.speaker().as_deref(), Some("Ana"));
    sim.ok("Ana", r#"{"type":"turn.done"}"#);
    assert_eq!(sim.speaker().as_deref(), Some("Bo"));
    sim.refused(
        "Ana",
        r#"{"type":"case.start","case_id":"c1"}"#,
        ErrorCode::InvalidState,
    );
    insta::assert_json_snapshot!("check_in_round", sim.views());
    sim.ok("Bo", r#"{"type":"turn.done"}"#);
    sim.ok("Di", r#"{"type":"turn.done"}"#);
    assert_eq!(sim.received("Bo", "round.ended").len(), 1);
    assert!(sim.engine.meeting_snapshot(None).unwrap().round.is_none());
    let speaking = sim.engine.meeting_snapshot(None).unwrap().speaking_ms;
    assert_eq!(speaking.len(), 3);
    sim.check_invariants();
}

#[test]
fn the_facilitator_drops_out() {
    let mut sim = Sim::new(4);
    open_and_start(&mut sim);
    assert_eq!(sim.facilitator().as_deref(), Some("Ana"));
    sim.leave("Ana");
    sim.advance(59_000);
    assert_eq!(sim.facilitator().as_deref(), Some("Ana"), "not before 60 s");
    assert_eq!(sim.engine.next_deadline(), Some(sim::T0 + 60_000));
    sim.step();
    assert_eq!(sim.facilitator().as_deref(), Some("Bo"));
    let changed = sim.received("Cy", "facilitator.changed");
    assert!(matches!(
        changed.last().unwrap().event,
        Event::FacilitatorChanged {
            reason: rondo_protocol::event::FacilitatorReason::Absent,
            ..
        }
    ));
    sim.refused("Ana", r#"{"type":"meeting.pause"}"#, ErrorCode::Forbidden);
    sim.ok("Bo", r#"{"type":"meeting.pause"}"#);
    insta::assert_json_snapshot!("facilitator_dropped_out", sim.views());
    sim.check_invariants();
}

#[test]
fn pause_and_resume_in_the_middle_of_a_turn() {
    let mut sim = Sim::new(4);
    open_and_start(&mut sim);
    sim.ok(
        "Bo",
        r#"{"type":"case.propose","title":"T","question":"Q","minutes":20}"#,
    );
    let case = sim.case_id(0);
    sim.ok(
        "Ana",
        &format!(r#"{{"type":"case.start","case_id":"{case}"}}"#),
    );
    sim.ok("Bo", r#"{"type":"turn.done"}"#);
    // Questions: Cy has 90 s.
    let deadline = sim
        .engine
        .meeting_snapshot(None)
        .unwrap()
        .case
        .unwrap()
        .turn
        .unwrap()
        .deadline
        .unwrap();
    sim.advance(30_000);
    sim.ok("Ana", r#"{"type":"meeting.pause"}"#);
    assert_eq!(sim.engine.next_deadline(), None, "all deadlines freeze");
    sim.refused("Cy", r#"{"type":"turn.done"}"#, ErrorCode::InvalidState);
    sim.advance(600_000);
    sim.ok("Ana", r#"{"type":"meeting.resume"}"#);
    let turn = sim
        .engine
        .meeting_snapshot(None)
        .unwrap()
        .case
        .unwrap()
        .turn
        .unwrap();
    assert_eq!(
        turn.deadline,
        Some(deadline + 600_000),
        "shifted by the pause"
    );
    assert_eq!(sim.speaker().as_deref(), Some("Cy"));
    insta::assert_json_snapshot!("after_resume", sim.views());
    sim.advance(10_000);
    sim.ok("Cy", r#"{"type":"turn.done"}"#);
    let speaking = sim.engine.meeting_snapshot(None).unwrap().speaking_ms;
    assert_eq!(
        speaking[&member("cy")],
        40_000,
        "the pause is not speaking time"
    );
    sim.check_invariants();
}

#[test]
fn kollegiale_beratung_after_tietze_in_simulated_time() {
    let mut sim = Sim::new(5);
    open_and_start(&mut sim);
    sim.ok("Cy", r#"{"type":"case.propose","title":"Ein Team, das nicht mehr spricht","question":"Wie komme ich wieder ins Gespräch?","minutes":45}"#);
    let case = sim.case_id(0);
    let facilitator = sim.facilitator().unwrap();
    sim.ok(
        &facilitator,
        &format!(r#"{{"type":"case.start","case_id":"{case}","template":"tietze"}}"#),
    );
    // Casting: an open phase of five minutes, ended by its clock.
    assert_eq!(sim.phase_name().as_deref(), Some("casting"));
    while sim.phase_name().as_deref() == Some("casting") {
        assert!(sim.step());
    }
    // The presenter tells, then names the key question.
    assert_eq!(sim.phase_name().as_deref(), Some("spontaneous account"));
    assert_eq!(sim.speaker().as_deref(), Some("Cy"));
    sim.ok("Cy", r#"{"type":"turn.done"}"#);
    assert_eq!(sim.phase_name().as_deref(), Some("key question"));
    sim.ok("Cy", r#"{"type":"turn.done"}"#);
    assert_eq!(sim.phase_name().as_deref(), Some("choice of method"));
    sim.ok(&facilitator, r#"{"type":"phase.next"}"#);
    // The consultation: everyone but Cy in turn, Cy listening in silence.
    assert_eq!(sim.phase_name().as_deref(), Some("consultation"));
    sim.refused("Cy", r#"{"type":"turn.done"}"#, ErrorCode::NotYourTurn);
    for speaker in ["Di", "Ed", "Ana", "Bo"] {
        assert_eq!(sim.speaker().as_deref(), Some(speaker));
        sim.ok(speaker, r#"{"type":"turn.done"}"#);
    }
    assert_eq!(sim.phase_name().as_deref(), Some("closing"));
    assert_eq!(sim.speaker().as_deref(), Some("Cy"));
    sim.ok("Cy", r#"{"type":"turn.done"}"#);
    assert_eq!(sim.received("Ana", "case.ended").len(), 1);
    sim.check_invariants();
}

#[test]
fn the_roddel_method_keeps_the_presenter_silent_in_the_gossip_round() {
    let mut sim = Sim::new(4);
    open_and_start(&mut sim);
    sim.ok("Ana", r#"{"type":"case.propose","title":"Een cliënt die steeds afzegt","question":"Hoe houd ik contact?","minutes":55}"#);
    let case = sim.case_id(0);
    let facilitator = sim.facilitator().unwrap();
    sim.ok(
        &facilitator,
        &format!(r#"{{"type":"case.start","case_id":"{case}","template":"roddel"}}"#),
    );
    assert_eq!(sim.phase_name().as_deref(), Some("question"));
    sim.ok("Ana", r#"{"type":"turn.done"}"#);
    // Exploring questions: Ana answers (not silenced).
    assert_eq!(sim.phase_name().as_deref(), Some("exploring questions"));
    for speaker in ["Bo", "Cy", "Di"] {
        assert_eq!(sim.speaker().as_deref(), Some(speaker));
        // A turn that runs out: overtime, then the grace, then it ends itself.
        while sim.speaker().as_deref() == Some(speaker) {
            assert!(sim.step());
        }
    }
    // The gossip round: the presenter is silent, turned away.
    assert_eq!(sim.phase_name().as_deref(), Some("gossip round"));
    let view = sim.view("Ana");
    assert_eq!(view["meeting"]["case"]["phase"]["presenter_silent"], true);
    for speaker in ["Bo", "Cy", "Di"] {
        assert_eq!(sim.speaker().as_deref(), Some(speaker));
        sim.ok(speaker, r#"{"type":"turn.done"}"#);
    }
    assert_eq!(sim.phase_name().as_deref(), Some("response"));
    assert_eq!(sim.speaker().as_deref(), Some("Ana"));
    sim.ok("Ana", r#"{"type":"turn.done"}"#);
    assert_eq!(sim.phase_name().as_deref(), Some("evaluation"));
    sim.ok("Bo", r#"{"type":"hand.raise"}"#);
    sim.ok(&facilitator, r#"{"type":"phase.next"}"#);
    assert_eq!(sim.received("Di", "case.ended").len(), 1);
    sim.check_invariants();
}
