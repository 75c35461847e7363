//! Rule 3 through a dropped connection (PROTOCOL.md "Turns kept through a
//! dropped connection"), in simulated time: a member away when their turn
//! comes is moved once to the end of the cycle, skipped if still away the
//! second time, and one who comes back during a round is added at its end;
//! the member and the facilitator can tell from their streams.

mod sim;

use rondo_protocol::event::{Event, TurnEndReason};
use rondo_protocol::ids::MemberId;
use sim::{durable_state, first_difference, running, start_case, Sim};

const ROUND: &str = r#"{"name":"r","phases":[{"name":"round","kind":"round","turn_s":90}]}"#;

/// What a member was told about turns: `absent` endings and new orders, by name.
fn told(sim: &Sim, name: &str) -> Vec<String> {
    let names = |order: &[MemberId]| {
        order
            .iter()
            .map(|m| sim.who(m))
            .collect::<Vec<_>>()
            .join(",")
    };
    sim.streams[name]
        .iter()
        .filter_map(|e| match &e.event {
            Event::TurnEnded {
                member,
                reason: TurnEndReason::Absent,
                ..
            } => Some(format!("absent {}", sim.who(member))),
            Event::OrderUpdated { order } => Some(format!("order {}", names(order))),
            _ => None,
        })
        .collect()
}

/// Everyone whose turn comes says done, until the round is over.
fn speak_in_turn(sim: &mut Sim) -> Vec<String> {
    let mut spoke = Vec::new();
    while let Some(speaker) = sim.speaker() {
        spoke.push(speaker.clone());
        sim.ok(&speaker, r#"{"type":"turn.done"}"#);
        sim.check_invariants();
    }
    spoke
}

fn order(sim: &Sim) -> Vec<String> {
    let meeting = sim.engine.meeting_snapshot(None).unwrap();
    let order = meeting
        .case
        .map(|c| c.order)
        .or(meeting.round.map(|r| r.order))
        .unwrap_or_default();
    order.iter().map(|m| sim.who(m)).collect()
}

fn assert_replays(sim: &Sim) {
    let replayed = durable_state(&sim.replayed());
    let live = durable_state(&sim.engine);
    assert!(
        replayed == live,
        "replay differs: {:?}",
        first_difference(&replayed, &live, "")
    );
}

#[test]
fn rule_3_a_blip_when_the_turn_comes_moves_the_member_to_the_end_once() {
    // Ana facilitates, Cy presents: Di, Ed, Ana, Bo speak in that order.
    let mut sim = running(5);
    start_case(&mut sim, "Cy", ROUND);
    assert_eq!(sim.speaker().as_deref(), Some("Di"));
    sim.leave("Ed"); // his connection drops just before his turn
    sim.ok("Di", r#"{"type":"turn.done"}"#);
    assert_eq!(sim.speaker().as_deref(), Some("Ana"));
    assert_eq!(order(&sim), ["Bo", "Ed"], "Ed waits at the end");
    sim.join("Ed"); // back a second later
    assert_eq!(speak_in_turn(&mut sim), ["Ana", "Bo", "Ed"]);
    // Ed sees what happened once he resumes, and so does the facilitator.
    for name in ["Ed", "Ana", "Bo"] {
        assert_eq!(told(&sim, name), ["absent Ed", "order Ana,Bo,Ed"], "{name}");
    }
    assert_replays(&sim);
}

#[test]
fn rule_3_still_away_when_the_kept_turn_comes_is_skipped_for_the_cycle() {
    let mut sim = running(5);
    start_case(&mut sim, "Cy", ROUND);
    sim.leave("Ed");
    assert_eq!(speak_in_turn(&mut sim), ["Di", "Ana", "Bo"]);
    assert_eq!(
        told(&sim, "Ana"),
        ["absent Ed", "order Ana,Bo,Ed", "absent Ed"],
        "moved once, then skipped with no further turn"
    );
    assert_eq!(sim.phase_name(), None, "the round is over");
    assert_replays(&sim);
}

#[test]
fn rule_3_each_cycle_gives_an_absent_member_one_move_to_the_end() {
    let mut sim = running(4);
    let template =
        r#"{"name":"r","phases":[{"name":"round","kind":"round","turn_s":60,"cycles":2}]}"#;
    start_case(&mut sim, "Ana", template);
    // Bo, Cy, Di; Cy away for the first cycle, back for the second.
    sim.leave("Cy");
    sim.ok("Bo", r#"{"type":"turn.done"}"#);
    assert_eq!(order(&sim), ["Cy"]);
    sim.ok("Di", r#"{"type":"turn.done"}"#);
    // Cy's kept turn came while still away: skipped; the second cycle began.
    assert_eq!(sim.speaker().as_deref(), Some("Bo"));
    sim.join("Cy");
    assert_eq!(order(&sim), ["Cy", "Di"], "Cy at her place again");
    assert_eq!(speak_in_turn(&mut sim), ["Bo", "Cy", "Di"]);
    assert_eq!(told(&sim, "Cy"), ["absent Cy", "order Di,Cy", "absent Cy"]);
    assert_replays(&sim);
}

#[test]
fn rule_3_a_member_back_during_a_round_they_missed_is_added_at_its_end() {
    let mut sim = running(5);
    sim.leave("Ed"); // in a reconnect gap when the round starts
    start_case(&mut sim, "Cy", ROUND);
    assert_eq!(order(&sim), ["Ana", "Bo"], "Di speaks; Ed was away");
    sim.join("Ed");
    assert_eq!(order(&sim), ["Ana", "Bo", "Ed"]);
    for name in ["Ed", "Ana"] {
        assert_eq!(told(&sim, name), ["order Ana,Bo,Ed"], "{name}");
    }
    // Leaving and coming back again changes nothing more: his turn is still to come.
    sim.leave("Ed");
    sim.join("Ed");
    assert_eq!(speak_in_turn(&mut sim), ["Di", "Ana", "Bo", "Ed"]);
    assert_eq!(told(&sim, "Ana"), ["order Ana,Bo,Ed"]);
    assert_replays(&sim);
}

#[test]
fn rule_3_a_member_whose_turn_is_over_or_the_presenter_is_not_added_again() {
    let mut sim = running(5);
    start_case(&mut sim, "Cy", ROUND);
    sim.ok("Di", r#"{"type":"turn.done"}"#);
    sim.leave("Di");
    sim.join("Di"); // spoke already in this cycle
    sim.leave("Cy");
    sim.join("Cy"); // the presenter does not speak in a round
    assert_eq!(order(&sim), ["Ana", "Bo"], "Ed speaks; nobody was added");
    assert!(told(&sim, "Ana").is_empty(), "{:?}", told(&sim, "Ana"));
    assert_eq!(speak_in_turn(&mut sim), ["Ed", "Ana", "Bo"]);
}

#[test]
fn rule_3_holds_in_a_check_in_round_too() {
    let mut sim = running(4);
    sim.leave("Di");
    sim.ok(
        "Ana",
        r#"{"type":"round.start","turn_s":60,"label":"check-in"}"#,
    );
    // The facilitator starts a check-in round: Ana, Bo, Cy.
    sim.leave("Bo");
    sim.join("Di");
    sim.ok("Ana", r#"{"type":"turn.done"}"#);
    assert_eq!(order(&sim), ["Di", "Bo"], "Bo moved behind Di, who came");
    sim.join("Bo");
    assert_eq!(speak_in_turn(&mut sim), ["Cy", "Di", "Bo"]);
    assert_eq!(
        told(&sim, "Ana"),
        ["order Bo,Cy,Di", "absent Bo", "order Cy,Di,Bo"]
    );
    assert_replays(&sim);
}

#[test]
fn rule_3_everyone_away_ends_the_round_after_one_move_each() {
    let mut sim = running(4);
    start_case(&mut sim, "Ana", ROUND);
    sim.leave("Cy");
    sim.leave("Di");
    sim.ok("Bo", r#"{"type":"turn.done"}"#);
    assert_eq!(
        told(&sim, "Ana"),
        [
            "absent Cy",
            "order Di,Cy",
            "absent Di",
            "order Cy,Di",
            "absent Cy",
            "absent Di"
        ]
    );
    assert!(sim.speaker().is_none());
}
