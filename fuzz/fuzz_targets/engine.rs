//! Arbitrary sequences of commands, presence changes and time, checking the
//! engine's invariants after every step.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rondo_protocol::command::{parse_frame, ClientFrame};
use rondo_protocol::engine::state::GroupConfig;
use rondo_protocol::engine::{Engine, Input, Reach};
use rondo_protocol::event::Event;
use rondo_protocol::ids::{GroupId, MemberId};
use rondo_protocol::template::PhaseKind;
use rondo_protocol::text::{AgreementText, Name};
use rondo_protocol::view::Agreement;

const MEMBERS: usize = 5;

const COMMANDS: &[&str] = &[
    r#"{"type":"meeting.open"}"#,
    r#"{"type":"meeting.start"}"#,
    r#"{"type":"meeting.pause"}"#,
    r#"{"type":"meeting.resume"}"#,
    r#"{"type":"meeting.end"}"#,
    r#"{"type":"facilitator.handover","member":"m2"}"#,
    r#"{"type":"case.propose","title":"t","question":"q","minutes":10}"#,
    r#"{"type":"case.propose","title":"u","question":"q","minutes":10,"urgent":true}"#,
    r#"{"type":"case.withdraw","case_id":"c1"}"#,
    r#"{"type":"case.start","case_id":"c1"}"#,
    r#"{"type":"case.start","case_id":"c2","template":"incident"}"#,
    r#"{"type":"case.start","case_id":"c3","template":"balint"}"#,
    r#"{"type":"case.start","case_id":"c4","template":{"name":"w","phases":[{"name":"w","kind":"written","duration_s":5,"reveal_to":"presenter"},{"name":"r","kind":"round","turn_s":3,"cycles":2}]}}"#,
    r#"{"type":"case.end"}"#,
    r#"{"type":"phase.next"}"#,
    r#"{"type":"phase.extend","seconds":5}"#,
    r#"{"type":"turn.extend","seconds":5}"#,
    r#"{"type":"turn.done"}"#,
    r#"{"type":"turn.pass"}"#,
    r#"{"type":"turn.skip"}"#,
    r#"{"type":"hand.raise"}"#,
    r#"{"type":"hand.lower"}"#,
    r#"{"type":"floor.give"}"#,
    r#"{"type":"floor.give","member":"m3"}"#,
    r#"{"type":"note.save","visibility":"private","text":"n"}"#,
    r#"{"type":"note.save","visibility":"presenter","text":"p"}"#,
    r#"{"type":"note.delete","note_id":"n5"}"#,
    r#"{"type":"record.add","kind":"action","text":"a","owner":"m1"}"#,
    r#"{"type":"record.done","item_id":"r6"}"#,
    r#"{"type":"contribution.submit","text":"c"}"#,
    r#"{"type":"perspective.assign","member":"m4","perspective":"lens"}"#,
    r#"{"type":"round.start","turn_s":4}"#,
    r#"{"type":"settings.update","settings":{"grace_s":null}}"#,
    r#"{"type":"settings.update","settings":{"grace_s":2}}"#,
    r#"{"type":"agreement.accept","version":1}"#,
];

fn member(n: usize) -> MemberId {
    MemberId::new(format!("m{n}")).expect("short")
}

fuzz_target!(|data: &[u8]| {
    let config = GroupConfig {
        group_id: GroupId::new("g").expect("short"),
        name: Name::new("g").expect("short"),
        members: (0..MEMBERS).map(|n| (member(n), Name::new(format!("M{n}")).expect("short"))).collect(),
        agreement: Agreement { version: 1, text: AgreementText::new("a").expect("short"), review_on: None, published_at: 0 },
        settings: Default::default(),
        language: Default::default(),
    };
    let mut engine = Engine::new(config).expect("a valid group");
    let mut now = 1_700_000_000_000u64;
    for (step, pair) in data.chunks(2).enumerate() {
        let (op, arg) = (pair[0], *pair.get(1).unwrap_or(&0));
        let who = member(usize::from(arg) % MEMBERS);
        let input = match op % 8 {
            0 => Input::Presence { member: who, present: arg & 0x80 == 0 },
            1 => {
                now += u64::from(arg) * 500;
                Input::Tick
            }
            _ => {
                let json = COMMANDS[usize::from(op) % COMMANDS.len()];
                let mut value: serde_json::Value = serde_json::from_str(json).expect("valid");
                value["id"] = format!("f{}", step % 64).into();
                let Ok(ClientFrame::Command(envelope)) = parse_frame(&value.to_string()) else {
                    panic!("{json}")
                };
                Input::Command { member: who, envelope }
            }
        };
        let output = engine.handle(now, input);
        // Who may see confidential events as they leave (rules 11 and 14):
        // the one rule, against the group as it is after the input.
        let gated: Vec<MemberId> = (0..MEMBERS).map(member).filter(|m| !engine.has_accepted(m)).collect();
        for addressed in &output.events {
            let reach = Reach { audience: &addressed.audience, public: addressed.event.event.is_public() };
            if !reach.public {
                for m in &gated {
                    assert!(!engine.may_receive(m, reach), "{} went to {m}, who had not accepted", addressed.event.event.kind());
                }
            }
            if let Event::NoteSaved { note } = &addressed.event.event {
                // Rule 5: a note is addressed to its author and presenter only.
                let allowed = |m: &MemberId| *m == note.author || note.presenter.as_ref() == Some(m);
                for m in (0..MEMBERS).map(member) {
                    if addressed.audience.includes(&m) {
                        assert!(allowed(&m), "a note went to {m}");
                    }
                }
            }
        }
        if let Some(meeting) = engine.meeting_snapshot(None) {
            assert!(engine.is_member(&meeting.facilitator), "rule 1");
            let mut hands = meeting.hands.clone();
            hands.sort();
            hands.dedup();
            assert_eq!(hands.len(), meeting.hands.len(), "rule 4");
            if let Some(case) = &meeting.case {
                if let Some(turn) = &case.turn {
                    let silent = case.phase.presenter_silent || case.phase.kind == PhaseKind::Round;
                    assert!(!(silent && turn.member == case.presenter), "rule 2");
                }
            }
        }
    }
});
