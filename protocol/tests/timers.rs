//! Timer edge cases, in simulated time.

mod sim;

use rondo_protocol::event::{Event, TurnEndReason};
use sim::{running, start_case, Sim};

fn running_case(template: &str) -> Sim {
    let mut sim = running(4);
    start_case(&mut sim, "Bo", template);
    sim
}

fn timeouts(sim: &Sim) -> usize {
    sim.received("Ana", "turn.ended")
        .iter()
        .filter(|e| {
            matches!(
                e.event,
                Event::TurnEnded {
                    reason: TurnEndReason::Timeout,
                    ..
                }
            )
        })
        .count()
}

#[test]
fn two_deadlines_at_the_same_moment_both_fire_in_order() {
    // An open phase of 60 s whose speaker also has 60 s: both fall due together.
    let template = r#"{"name":"t","phases":[{"name":"open","kind":"open","duration_s":60,"turn_s":60},{"name":"after","kind":"silence","duration_s":10}]}"#;
    let mut sim = running_case(template);
    sim.ok("Cy", r#"{"type":"hand.raise"}"#);
    sim.ok("Ana", r#"{"type":"floor.give"}"#);
    // Both deadlines: overtime for both, in one step.
    sim.advance(60_000);
    assert_eq!(sim.received("Ana", "turn.overtime").len(), 1);
    assert_eq!(sim.received("Ana", "phase.overtime").len(), 1);
    // Both graces end together: the turn times out, then the phase.
    sim.advance(30_000);
    assert_eq!(timeouts(&sim), 1);
    assert_eq!(sim.phase_name().as_deref(), Some("after"));
    sim.check_invariants();
}

#[test]
fn extending_at_the_last_millisecond_keeps_the_turn() {
    let mut sim = running_case(r#""sgs""#);
    let deadline = sim.engine.next_deadline().unwrap();
    sim.now = deadline - 1;
    sim.ok("Ana", r#"{"type":"turn.extend","seconds":30}"#);
    assert_eq!(
        sim.engine.next_deadline(),
        Some(deadline + 30_000),
        "counted from the old deadline"
    );
    sim.now = deadline;
    sim.ok("Bo", r#"{"type":"ping"}"#);
    assert!(
        sim.received("Ana", "turn.overtime").is_empty(),
        "no overtime at the old deadline"
    );
    assert_eq!(sim.speaker().as_deref(), Some("Bo"));
}

#[test]
fn a_command_at_the_deadline_meets_the_overtime_first() {
    let mut sim = running_case(r#""sgs""#);
    let deadline = sim.engine.next_deadline().unwrap();
    sim.now = deadline;
    // The deadline fires before the command is applied, and the turn still
    // ends as done: the grace has not run out.
    sim.ok("Bo", r#"{"type":"turn.done"}"#);
    let kinds: Vec<&str> = sim.streams["Ana"].iter().map(|e| e.event.kind()).collect();
    let overtime = kinds
        .iter()
        .position(|k| *k == "turn.overtime")
        .expect("overtime");
    let ended = kinds
        .iter()
        .position(|k| *k == "turn.ended")
        .expect("ended");
    assert!(overtime < ended, "{kinds:?}");
    assert_eq!(timeouts(&sim), 0);
}

#[test]
fn pause_and_resume_across_a_deadline() {
    let mut sim = running_case(r#""sgs""#);
    let deadline = sim.engine.next_deadline().unwrap();
    sim.now = deadline - 5_000;
    sim.ok("Ana", r#"{"type":"meeting.pause"}"#);
    // Long past the deadline while paused: nothing fires.
    sim.advance(600_000);
    assert!(sim.received("Ana", "turn.overtime").is_empty());
    sim.ok("Ana", r#"{"type":"meeting.resume"}"#);
    assert_eq!(
        sim.engine.next_deadline(),
        Some(sim.now + 5_000),
        "5 s were left"
    );
    sim.step();
    assert_eq!(sim.received("Ana", "turn.overtime").len(), 1);
}

#[test]
fn a_deadline_long_past_fires_once_when_time_comes_back() {
    // As after a restart: the engine is woken long after the deadline and grace.
    let mut sim =
        running_case(r#"{"name":"t","phases":[{"name":"r","kind":"round","turn_s":60}]}"#);
    assert_eq!(sim.speaker().as_deref(), Some("Cy"));
    sim.advance(3_600_000);
    // The turn that was running timed out once; the next member gets a whole
    // turn from now, since nobody spoke while the clock was away.
    assert_eq!(timeouts(&sim), 1);
    assert_eq!(sim.received("Ana", "turn.overtime").len(), 1);
    assert_eq!(sim.speaker().as_deref(), Some("Di"));
    assert_eq!(sim.engine.next_deadline(), Some(sim.now + 60_000));
    sim.advance(0);
    assert_eq!(timeouts(&sim), 1, "firing again changes nothing");
    sim.check_invariants();
}
