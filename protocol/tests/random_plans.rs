//! Seeded random operation plans, with every invariant checked after every step.
//!
//! A failure prints its seed; `RONDO_SEED=<seed> cargo test -p rondo-protocol
//! --test random_plans` replays it alone.

mod sim;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rondo_protocol::reply::Reply;
use sim::Sim;

const PLANS: u64 = 24;
const STEPS_PER_PLAN: usize = 600;

#[test]
fn random_plans_keep_every_invariant() {
    let seeds: Vec<u64> = match std::env::var("RONDO_SEED") {
        Ok(seed) => vec![seed.parse().expect("RONDO_SEED is a number")],
        Err(_) => (0..PLANS).map(|n| 0x5eed_0000 + n).collect(),
    };
    let mut steps = 0;
    for seed in seeds {
        let result = std::panic::catch_unwind(|| run_plan(seed));
        match result {
            Ok(count) => steps += count,
            Err(panic) => {
                eprintln!("plan failed; replay with RONDO_SEED={seed}");
                std::panic::resume_unwind(panic);
            }
        }
    }
    assert!(
        steps >= 10_000 || std::env::var("RONDO_SEED").is_ok(),
        "{steps} steps"
    );
}

/// Ids to pick from: real ones from the state, and some that exist nowhere.
fn pick_id(rng: &mut SmallRng, real: &[String], prefix: &str) -> String {
    if real.is_empty() || rng.gen_bool(0.1) {
        format!("{prefix}{}", rng.gen_range(0..50))
    } else {
        real[rng.gen_range(0..real.len())].clone()
    }
}

fn ids(view: &serde_json::Value, path: &[&str], field: &str) -> Vec<String> {
    let mut value = view;
    for key in path {
        value = &value[key];
    }
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i[field].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn run_plan(seed: u64) -> usize {
    let mut rng = SmallRng::seed_from_u64(seed);
    let size = rng.gen_range(2..=8);
    let mut sim = Sim::new(size);
    let mut sent: Vec<(String, String, String, Reply)> = Vec::new();
    for step in 0..STEPS_PER_PLAN {
        let name = sim.names[rng.gen_range(0..size)].clone();
        let facilitator = sim.facilitator();
        // Half the commands come from the facilitator, so meetings get somewhere.
        let actor = match (&facilitator, rng.gen_bool(0.5)) {
            (Some(f), true) => f.clone(),
            _ => name.clone(),
        };
        let view = sim.view(&actor);
        let cases = ids(&view, &["queue"], "case_id");
        let notes = ids(&view, &["notes"], "note_id");
        let mut items = ids(&view, &["meeting", "record"], "item_id");
        items.extend(ids(&view, &["open_actions"], "item_id"));
        let case = pick_id(&mut rng, &cases, "c");
        let note = pick_id(&mut rng, &notes, "n");
        let item = pick_id(&mut rng, &items, "r");
        let other = sim.names[rng.gen_range(0..size)].to_lowercase();
        let seconds = rng.gen_range(0..2000);
        let template = [
            "\"sgs\"",
            "\"incident\"",
            "\"balint\"",
            "\"open\"",
            "\"peers\"",
            r#"{"name":"w","phases":[{"name":"w","kind":"written","duration_s":30,"reveal_to":"presenter"},{"name":"r","kind":"round","turn_s":20,"cycles":2}]}"#,
        ][rng.gen_range(0..6)];
        let commands = [
            r#"{"type":"meeting.open"}"#.to_owned(),
            r#"{"type":"meeting.start"}"#.to_owned(),
            r#"{"type":"meeting.pause"}"#.to_owned(),
            r#"{"type":"meeting.resume"}"#.to_owned(),
            r#"{"type":"meeting.end"}"#.to_owned(),
            format!(r#"{{"type":"facilitator.handover","member":"{other}"}}"#),
            format!(
                r#"{{"type":"case.propose","title":"t{step}","question":"q","minutes":{},"urgent":{}}}"#,
                rng.gen_range(0..300),
                rng.gen_bool(0.3)
            ),
            format!(r#"{{"type":"case.withdraw","case_id":"{case}"}}"#),
            format!(r#"{{"type":"case.start","case_id":"{case}","template":{template}}}"#),
            format!(r#"{{"type":"case.start","case_id":"{case}"}}"#),
            r#"{"type":"case.end"}"#.to_owned(),
            r#"{"type":"phase.next"}"#.to_owned(),
            format!(r#"{{"type":"phase.extend","seconds":{seconds}}}"#),
            format!(r#"{{"type":"turn.extend","seconds":{seconds}}}"#),
            r#"{"type":"turn.done"}"#.to_owned(),
            r#"{"type":"turn.done"}"#.to_owned(),
            r#"{"type":"turn.pass"}"#.to_owned(),
            r#"{"type":"turn.skip"}"#.to_owned(),
            r#"{"type":"hand.raise"}"#.to_owned(),
            r#"{"type":"hand.lower"}"#.to_owned(),
            r#"{"type":"floor.give"}"#.to_owned(),
            format!(r#"{{"type":"floor.give","member":"{other}"}}"#),
            format!(r#"{{"type":"note.save","visibility":"private","text":"secret {step}"}}"#),
            format!(r#"{{"type":"note.save","visibility":"presenter","text":"to you {step}"}}"#),
            format!(
                r#"{{"type":"note.save","note_id":"{note}","visibility":"private","text":"edit"}}"#
            ),
            format!(r#"{{"type":"note.delete","note_id":"{note}"}}"#),
            format!(
                r#"{{"type":"record.add","kind":"action","text":"a","owner":"{other}","due":"2026-03-01"}}"#
            ),
            r#"{"type":"record.add","kind":"decision","text":"d","tags":["support","support"]}"#
                .to_owned(),
            format!(r#"{{"type":"record.edit","item_id":"{item}","text":"e"}}"#),
            format!(r#"{{"type":"record.done","item_id":"{item}"}}"#),
            format!(r#"{{"type":"contribution.submit","text":"c{step}"}}"#),
            format!(r#"{{"type":"perspective.assign","member":"{other}","perspective":"lens"}}"#),
            format!(
                r#"{{"type":"round.start","turn_s":{}}}"#,
                rng.gen_range(0..100)
            ),
            r#"{"type":"settings.update","settings":{"grace_s":null}}"#.to_owned(),
            r#"{"type":"settings.update","settings":{"grace_s":5}}"#.to_owned(),
            r#"{"type":"agreement.accept","version":1}"#.to_owned(),
            format!(
                r#"{{"type":"case.reorder","order":{}}}"#,
                serde_json::to_string(&cases).unwrap()
            ),
        ];
        match rng.gen_range(0..100) {
            0..=59 => {
                let command = &commands[rng.gen_range(0..commands.len())];
                let id = format!("p{step}");
                let reply = sim.send_with_id(&actor, &id, command);
                sent.push((actor, id, command.clone(), reply));
            }
            60..=67 => {
                // Re-send an earlier command: rule 8, same answer, applied once.
                if !sent.is_empty() {
                    let (who, id, command, first) = sent[rng.gen_range(0..sent.len())].clone();
                    // Fire what is due first, so any event below is the re-send's.
                    sim.advance(0);
                    let seq = sim.engine.seq();
                    let again = sim.send_with_id(&who, &id, &command);
                    assert_eq!(again, first, "seed {seed}: re-send answered differently");
                    assert_eq!(sim.engine.seq(), seq, "seed {seed}: re-send applied again");
                }
            }
            68..=77 => {
                if rng.gen_bool(0.5) {
                    sim.join(&name);
                } else {
                    sim.leave(&name);
                }
            }
            78..=92 => {
                sim.step();
            }
            _ => sim.advance(rng.gen_range(0..120_000)),
        }
        sim.check_invariants();
    }
    // The log rebuilds the state exactly, and a snapshot round-trips.
    let (replayed, live) = (
        sim::durable_state(&sim.replayed()),
        sim::durable_state(&sim.engine),
    );
    assert_eq!(
        sim::first_difference(&replayed, &live, ""),
        None,
        "seed {seed}: replay"
    );
    let snapshot = serde_json::to_string(&sim.engine).unwrap();
    let back: rondo_protocol::engine::Engine = serde_json::from_str(&snapshot).unwrap();
    let same = serde_json::to_value(&back).unwrap() == serde_json::to_value(&sim.engine).unwrap();
    assert!(same, "seed {seed}: snapshot round trip");
    STEPS_PER_PLAN
}
