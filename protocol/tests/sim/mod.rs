//! A simulated meeting: members, a clock that jumps, and each member's stream.
#![allow(dead_code)]

use rondo_protocol::command::{parse_frame, ClientFrame};
use rondo_protocol::engine::state::GroupConfig;
use rondo_protocol::engine::{Engine, Input, Output, Reach};
use rondo_protocol::event::{Event, EventEnvelope};
use rondo_protocol::ids::{GroupId, MemberId};
use rondo_protocol::reply::{ErrorCode, Reply};
use rondo_protocol::settings::Settings;
use rondo_protocol::text::Name;
use rondo_protocol::view::Agreement;
use std::collections::BTreeMap;

pub const NAMES: [&str; 8] = ["Ana", "Bo", "Cy", "Di", "Ed", "Fa", "Gus", "Hal"];
/// 2026-01-15 18:00 UTC: a fixed start so snapshots are stable.
pub const T0: u64 = 1_768_500_000_000;

pub struct Sim {
    pub engine: Engine,
    pub now: u64,
    pub names: Vec<String>,
    /// What each member was sent, in order.
    pub streams: BTreeMap<String, Vec<EventEnvelope>>,
    /// Every input with events, as the server would log it.
    pub log: Vec<(u64, Input)>,
    pub config: GroupConfig,
    next_command: u64,
}

pub fn member(name: &str) -> MemberId {
    MemberId::new(name.to_lowercase()).unwrap()
}

impl Sim {
    pub fn new(size: usize) -> Sim {
        Self::with_settings(size, Settings::default())
    }

    pub fn with_settings(size: usize, settings: Settings) -> Sim {
        let names: Vec<String> = NAMES[..size].iter().map(|s| s.to_string()).collect();
        let config = GroupConfig {
            group_id: GroupId::new("g1").unwrap(),
            name: Name::new("Tuesday group").unwrap(),
            members: names
                .iter()
                .map(|n| (member(n), Name::new(n.as_str()).unwrap()))
                .collect(),
            agreement: Agreement {
                version: 1,
                text: rondo_protocol::text::AgreementText::new("We keep what is said here.")
                    .unwrap(),
                review_on: None,
                published_at: 0,
            },
            settings,
            language: Default::default(),
        };
        let engine = Engine::new(config.clone()).unwrap();
        let mut sim = Sim {
            engine,
            now: T0,
            streams: names.iter().map(|n| (n.clone(), Vec::new())).collect(),
            names,
            log: Vec::new(),
            config,
            next_command: 0,
        };
        // Everyone has accepted the agreement, as members do before taking
        // part; the scenarios start from there (the log keeps it, for replay).
        for name in sim.names.clone() {
            sim.ok(&name, r#"{"type":"agreement.accept","version":1}"#);
        }
        for stream in sim.streams.values_mut() {
            stream.clear();
        }
        sim
    }

    /// Everyone joins.
    pub fn all_join(&mut self) {
        for name in self.names.clone() {
            self.join(&name);
        }
    }

    pub fn join(&mut self, name: &str) {
        self.input(Input::Presence {
            member: member(name),
            present: true,
        });
    }

    pub fn leave(&mut self, name: &str) {
        self.input(Input::Presence {
            member: member(name),
            present: false,
        });
    }

    pub fn input(&mut self, input: Input) -> Output {
        let output = self.engine.handle(self.now, input);
        // Exactly what the server logs, so the replay checks the real thing.
        if let Some(logged) = &output.log {
            self.log.push((self.now, logged.clone()));
        }
        let mut last = 0;
        for addressed in &output.events {
            assert!(addressed.event.seq > last, "seq goes up");
            last = addressed.event.seq;
            for name in &self.names {
                // The one rule, as the server applies it when frames leave.
                let reach = Reach {
                    audience: &addressed.audience,
                    public: addressed.event.event.is_public(),
                };
                if self.engine.may_receive(&member(name), reach) {
                    self.streams
                        .get_mut(name)
                        .unwrap()
                        .push(addressed.event.clone());
                }
            }
        }
        output
    }

    /// Sends a command, given as the JSON a client would send (without its id).
    pub fn send(&mut self, name: &str, json: &str) -> Reply {
        self.next_command += 1;
        let id = format!("c-{}", self.next_command);
        self.send_with_id(name, &id, json)
    }

    pub fn send_with_id(&mut self, name: &str, id: &str, json: &str) -> Reply {
        let mut value: serde_json::Value = serde_json::from_str(json).unwrap();
        value["id"] = id.into();
        let ClientFrame::Command(envelope) = parse_frame(&value.to_string()).unwrap() else {
            panic!("not a command: {json}")
        };
        self.input(Input::Command {
            member: member(name),
            envelope,
        })
        .reply
        .unwrap()
    }

    /// Sends a command that must be accepted.
    pub fn ok(&mut self, name: &str, json: &str) {
        let reply = self.send(name, json);
        assert!(
            matches!(reply, Reply::Ack { .. }),
            "{name} {json}: {reply:?}"
        );
    }

    /// Sends a command that must be refused with `code`.
    pub fn refused(&mut self, name: &str, json: &str, code: ErrorCode) {
        let before = serde_json::to_value(&self.engine).unwrap();
        let reply = self.send(name, json);
        match reply {
            Reply::Error { code: got, .. } => assert_eq!(got, code, "{name} {json}"),
            other => panic!("{name} {json}: expected {code:?}, got {other:?}"),
        }
        let after = serde_json::to_value(&self.engine).unwrap();
        assert_eq!(
            strip_answers(before),
            strip_answers(after),
            "refused command changed state"
        );
    }

    /// Jumps to the next deadline and fires it.
    pub fn step(&mut self) -> bool {
        match self.engine.next_deadline() {
            Some(at) => {
                self.now = at.max(self.now);
                self.input(Input::Tick);
                true
            }
            None => false,
        }
    }

    pub fn advance(&mut self, ms: u64) {
        self.now += ms;
        self.input(Input::Tick);
    }

    /// Member ids as names, for readable assertions.
    pub fn who(&self, id: &MemberId) -> String {
        self.names
            .iter()
            .find(|n| &member(n) == id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }

    pub fn facilitator(&self) -> Option<String> {
        self.engine
            .meeting_snapshot(None)
            .map(|m| self.who(&m.facilitator))
    }

    pub fn speaker(&self) -> Option<String> {
        let meeting = self.engine.meeting_snapshot(None)?;
        let turn = meeting
            .case
            .and_then(|c| c.turn)
            .or(meeting.round.and_then(|r| r.turn))?;
        Some(self.who(&turn.member))
    }

    pub fn phase_name(&self) -> Option<String> {
        let case = self.engine.meeting_snapshot(None)?.case?;
        Some(case.phase.name.to_string())
    }

    pub fn case_id(&self, index: usize) -> String {
        self.engine
            .welcome(&member(&self.names[0]), self.now, false)
            .unwrap()
            .queue[index]
            .case_id
            .to_string()
    }

    /// The events of one type a member received, since the start.
    pub fn received(&self, name: &str, kind: &str) -> Vec<EventEnvelope> {
        self.streams[name]
            .iter()
            .filter(|e| e.event.kind() == kind)
            .cloned()
            .collect()
    }

    /// The welcome a member would get now, as JSON.
    pub fn view(&self, name: &str) -> serde_json::Value {
        serde_json::to_value(self.engine.welcome(&member(name), self.now, false).unwrap()).unwrap()
    }

    /// Each member's view of the meeting, side by side, for a snapshot.
    pub fn views(&self) -> serde_json::Value {
        let views: serde_json::Map<_, _> = self
            .names
            .iter()
            .map(|n| {
                let view = self.view(n);
                let mine = serde_json::json!({
                    "meeting": view["meeting"], "notes": view["notes"], "queue": view["queue"],
                    "open_actions": view["open_actions"],
                });
                (n.clone(), mine)
            })
            .collect();
        serde_json::Value::Object(views)
    }

    /// Rebuilds the engine from the log, as the server does after a crash.
    pub fn replayed(&self) -> Engine {
        let mut engine = Engine::new(self.config.clone()).unwrap();
        for (at, input) in &self.log {
            engine.handle(*at, input.clone());
        }
        engine
    }

    /// Every rule that must always hold, checked against the state and the streams.
    pub fn check_invariants(&self) {
        let snapshot = self.engine.meeting_snapshot(None);
        if let Some(meeting) = &snapshot {
            // Rule 1: exactly one facilitator, a member of the group.
            assert!(
                self.engine.is_member(&meeting.facilitator),
                "facilitator is a member"
            );
            // Rule 4: a hand at most once in the queue.
            let mut hands = meeting.hands.clone();
            hands.sort();
            hands.dedup();
            assert_eq!(
                hands.len(),
                meeting.hands.len(),
                "a hand twice in the queue"
            );
            if let Some(case) = &meeting.case {
                if let Some(turn) = &case.turn {
                    // Rule 2: the presenter never holds the floor in a silent phase, nor in a round.
                    let silenced = case.phase.presenter_silent
                        || case.phase.kind == rondo_protocol::template::PhaseKind::Round;
                    assert!(
                        !(silenced && turn.member == case.presenter),
                        "silenced presenter speaks"
                    );
                    assert!(self.engine.is_member(&turn.member));
                }
                assert!(
                    !case.order.contains(&case.presenter),
                    "presenter in a round's order"
                );
            }
        }
        for (name, stream) in &self.streams {
            // Streams are in order.
            assert!(
                stream.windows(2).all(|w| w[0].seq < w[1].seq),
                "{name}'s stream is ordered"
            );
            for event in stream {
                // Rule 5: notes reach their author and, for a note to the presenter, that presenter.
                if let Event::NoteSaved { note } = &event.event {
                    let me = member(name);
                    assert!(
                        note.author == me || note.presenter.as_ref() == Some(&me),
                        "{name} received another's note"
                    );
                }
            }
        }
        self.check_round_turns();
    }

    /// Rule 3: in each round phase, each member speaks at most once a cycle.
    fn check_round_turns(&self) {
        let Some(observer) = self.names.first() else {
            return;
        };
        let mut turns: BTreeMap<MemberId, u32> = BTreeMap::new();
        let mut cycles = 1;
        let mut in_round = false;
        let mut phases = Vec::new();
        for event in &self.streams[observer] {
            match &event.event {
                Event::CaseStarted {
                    phases: template, ..
                } => phases = template.clone(),
                Event::PhaseStarted {
                    phase, phase_index, ..
                } => {
                    turns.clear();
                    in_round = phase.kind == rondo_protocol::template::PhaseKind::Round;
                    cycles = phases[*phase_index].cycles.unwrap_or(1);
                }
                Event::RoundStarted { .. } => {
                    turns.clear();
                    in_round = true;
                    cycles = 1;
                }
                Event::TurnStarted { member, .. } if in_round => {
                    let count = turns.entry(member.clone()).or_default();
                    *count += 1;
                    assert!(*count <= cycles, "{member} spoke twice in a cycle");
                }
                Event::CaseEnded { .. } | Event::RoundEnded { .. } => in_round = false,
                _ => {}
            }
        }
    }
}

/// The engine's state as the log keeps it: answers to commands that changed
/// nothing (refused, or acknowledged with no event) are remembered in memory
/// only, since the log has no entry for them.
pub fn durable_state(engine: &Engine) -> serde_json::Value {
    let mut value = serde_json::to_value(engine).unwrap();
    for (_, recent) in value["answers"].as_object_mut().unwrap().iter_mut() {
        let answers = recent["answers"].as_object_mut().unwrap();
        let refused: Vec<String> = answers
            .iter()
            .filter(|(_, a)| {
                a.get("Error").is_some() || a.get("Ack") == Some(&serde_json::Value::Null)
            })
            .map(|(k, _)| k.clone())
            .collect();
        for key in &refused {
            answers.remove(key);
        }
        let order = recent["order"].as_array_mut().unwrap();
        order.retain(|k| !refused.contains(&k.to_string()));
    }
    value["answers"]
        .as_object_mut()
        .unwrap()
        .retain(|_, recent| !recent["order"].as_array().unwrap().is_empty());
    value
}

/// The engine's state without its remembered answers: a refused command is
/// remembered (so a re-send gets the same answer) but changes nothing else.
fn strip_answers(mut value: serde_json::Value) -> serde_json::Value {
    value.as_object_mut().unwrap().remove("answers");
    value
}

/// The first place two JSON values differ, for a readable failure.
pub fn first_difference(
    a: &serde_json::Value,
    b: &serde_json::Value,
    path: &str,
) -> Option<String> {
    match (a, b) {
        (serde_json::Value::Object(x), serde_json::Value::Object(y)) => {
            for key in x.keys().chain(y.keys()) {
                let (l, r) = (
                    x.get(key).unwrap_or(&serde_json::Value::Null),
                    y.get(key).unwrap_or(&serde_json::Value::Null),
                );
                if let Some(d) = first_difference(l, r, &format!("{path}.{key}")) {
                    return Some(d);
                }
            }
            None
        }
        (serde_json::Value::Array(x), serde_json::Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (l, r))| first_difference(l, r, &format!("{path}[{i}]"))),
        _ if a == b => None,
        _ => Some(format!("{path}: {a} != {b}")),
    }
}

/// Everyone present, a meeting opened and started by Ana.
pub fn running(size: usize) -> Sim {
    let mut sim = Sim::new(size);
    sim.all_join();
    sim.ok("Ana", r#"{"type":"meeting.open"}"#);
    sim.ok("Ana", r#"{"type":"meeting.start"}"#);
    sim
}

/// `presenter` proposes a case and the facilitator starts it with `template`.
pub fn start_case(sim: &mut Sim, presenter: &str, template: &str) {
    sim.ok(
        presenter,
        r#"{"type":"case.propose","title":"T","question":"Q","minutes":20}"#,
    );
    let queue = sim.view("Ana")["queue"].clone();
    let case = queue.as_array().unwrap().last().unwrap()["case_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let facilitator = sim.facilitator().unwrap();
    sim.ok(
        &facilitator,
        &format!(r#"{{"type":"case.start","case_id":"{case}","template":{template}}}"#),
    );
}
