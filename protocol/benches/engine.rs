//! The engine alone: commands per second over whole SGS cases.
//!
//! `cargo bench -p rondo-protocol --bench engine`

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rondo_protocol::command::{parse_frame, ClientFrame, CommandEnvelope};
use rondo_protocol::engine::state::GroupConfig;
use rondo_protocol::engine::{Engine, Input};
use rondo_protocol::ids::{GroupId, MemberId};
use rondo_protocol::settings::Settings;
use rondo_protocol::text::{AgreementText, Name};
use rondo_protocol::view::Agreement;

const MEMBERS: usize = 8;
const START: u64 = 1_768_500_000_000;

fn member(n: usize) -> MemberId {
    MemberId::new(format!("m{n}")).unwrap()
}

fn command(id: usize, json: &str) -> CommandEnvelope {
    let mut value: serde_json::Value = serde_json::from_str(json).unwrap();
    value["id"] = format!("b{id}").into();
    match parse_frame(&value.to_string()).unwrap() {
        ClientFrame::Command(envelope) => envelope,
        ClientFrame::Hello(_) => unreachable!(),
    }
}

/// One meeting's inputs: open, start, a case proposed and run through every
/// SGS phase with hands, notes and record items, then the meeting ended.
fn meeting_script() -> Vec<(usize, CommandEnvelope)> {
    let mut script = Vec::new();
    let mut push = |who: usize, json: &str| {
        let id = script.len();
        script.push((who, command(id, json)));
    };
    push(0, r#"{"type":"meeting.open"}"#);
    push(0, r#"{"type":"meeting.start"}"#);
    push(
        1,
        r#"{"type":"case.propose","title":"T","question":"Q","minutes":30}"#,
    );
    push(
        0,
        r#"{"type":"case.start","case_id":"c1","template":"sgs"}"#,
    );
    push(1, r#"{"type":"turn.done"}"#); // request for help
    for round in 0..2 {
        for n in (2..MEMBERS).chain([0]) {
            push(
                n,
                r#"{"type":"note.save","visibility":"private","text":"a thought"}"#,
            );
            push(
                n,
                if round == 0 {
                    r#"{"type":"turn.done"}"#
                } else {
                    r#"{"type":"turn.pass"}"#
                },
            );
        }
    }
    push(0, r#"{"type":"phase.next"}"#); // pause
    push(1, r#"{"type":"turn.done"}"#); // response
    for n in 2..MEMBERS {
        push(n, r#"{"type":"hand.raise"}"#);
    }
    for _ in 2..MEMBERS {
        push(0, r#"{"type":"floor.give"}"#);
        push(
            0,
            r#"{"type":"record.add","kind":"discussion","text":"a point"}"#,
        );
    }
    push(0, r#"{"type":"phase.next"}"#);
    push(0, r#"{"type":"meeting.end"}"#);
    script
}

fn group() -> Engine {
    let config = GroupConfig {
        group_id: GroupId::new("bench").unwrap(),
        name: Name::new("Bench").unwrap(),
        members: (0..MEMBERS)
            .map(|n| (member(n), Name::new(format!("M{n}")).unwrap()))
            .collect(),
        agreement: Agreement {
            version: 1,
            text: AgreementText::new("x").unwrap(),
            review_on: None,
            published_at: 0,
        },
        settings: Settings::default(),
        language: Default::default(),
    };
    let mut engine = Engine::new(config).unwrap();
    for n in 0..MEMBERS {
        engine.handle(
            START,
            Input::Presence {
                member: member(n),
                present: true,
            },
        );
    }
    engine
}

fn whole_sgs_cases(c: &mut Criterion) {
    let script = meeting_script();
    // The script must be a real meeting: every command accepted.
    let mut engine = group();
    for (n, (who, envelope)) in script.iter().enumerate() {
        let now = START + 1000 * (n as u64 + 1);
        let output = engine.handle(
            now,
            Input::Command {
                member: member(*who),
                envelope: envelope.clone(),
            },
        );
        assert!(
            matches!(output.reply, Some(rondo_protocol::reply::Reply::Ack { .. })),
            "step {n}: {:?}",
            output.reply
        );
    }
    let mut group_bench = c.benchmark_group("engine");
    group_bench.throughput(Throughput::Elements(script.len() as u64));
    group_bench.bench_function("sgs_meeting", |b| {
        b.iter_batched(
            group,
            |mut engine| {
                let mut now = START;
                for (who, envelope) in &script {
                    now += 1000;
                    let output = engine.handle(
                        now,
                        Input::Command {
                            member: member(*who),
                            envelope: envelope.clone(),
                        },
                    );
                    std::hint::black_box(output);
                }
                engine
            },
            criterion::BatchSize::SmallInput,
        )
    });
    group_bench.finish();
}

criterion_group!(benches, whole_sgs_cases);
criterion_main!(benches);
