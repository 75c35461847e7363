//! No error ever repeats what a client sent: a canary placed in any string
//! of a frame — as a value or a key, after escaped quotes or backticks, in
//! any command — never appears in the error it gets. Seeded, replayable
//! with `RONDO_SEED=<seed>`.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rondo_protocol::command::parse_frame;

const CANARY: &str = "CANARY";

/// Ways a value may be dressed to slip past a naive cut at quotes.
const DRESSES: [&str; 8] = [
    "{c}",
    "\\\"{c}",
    "`{c}`",
    "a\\\", expected `{c}`",
    "{c}\\\"`",
    "\\u0022{c}",
    "x` and `{c}",
    "{c} at line 1 column 2",
];

const TYPES: [&str; 12] = [
    "case.propose",
    "note.save",
    "record.add",
    "record.edit",
    "case.start",
    "settings.update",
    "perspective.assign",
    "turn.extend",
    "hello",
    "hand.raise",
    "contribution.submit",
    "no.such.type",
];

const FIELDS: [&str; 14] = [
    "title",
    "question",
    "minutes",
    "text",
    "visibility",
    "kind",
    "due",
    "owner",
    "tags",
    "template",
    "settings",
    "seconds",
    "perspective",
    "member",
];

fn canary(rng: &mut SmallRng) -> String {
    DRESSES[rng.gen_range(0..DRESSES.len())].replace("{c}", CANARY)
}

/// A JSON value, with the canary somewhere in it most of the time.
fn value(rng: &mut SmallRng, depth: u32) -> String {
    match rng.gen_range(0..if depth > 2 { 4 } else { 7 }) {
        0 => format!("\"{}\"", canary(rng)),
        1 => rng.gen_range(-5i64..100_000).to_string(),
        2 => "null".into(),
        3 => "true".into(),
        4 => format!("[{}]", value(rng, depth + 1)),
        5 => format!("{{\"{}\":{}}}", canary(rng), value(rng, depth + 1)),
        _ => {
            let field = FIELDS[rng.gen_range(0..FIELDS.len())];
            format!(
                "{{\"name\":\"{}\",\"{field}\":{}}}",
                canary(rng),
                value(rng, depth + 1)
            )
        }
    }
}

fn frame(rng: &mut SmallRng) -> String {
    let kind = TYPES[rng.gen_range(0..TYPES.len())];
    let mut fields = vec![format!("\"type\":\"{kind}\""), "\"id\":\"c-1\"".into()];
    for _ in 0..rng.gen_range(1..4) {
        let key = if rng.gen_bool(0.2) {
            canary(rng)
        } else {
            FIELDS[rng.gen_range(0..FIELDS.len())].to_owned()
        };
        fields.push(format!("\"{key}\":{}", value(rng, 0)));
    }
    format!("{{{}}}", fields.join(","))
}

#[test]
fn a_canary_anywhere_never_appears_in_an_error() {
    let seed = std::env::var("RONDO_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_ca11);
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut refused = 0;
    for _ in 0..20_000 {
        let frame = frame(&mut rng);
        if let Err(error) = parse_frame(&frame) {
            refused += 1;
            let message = &error.rejection.message;
            assert!(
                !message.contains(CANARY),
                "seed {seed}: {frame} was answered {message:?}"
            );
        }
    }
    assert!(refused > 10_000, "most frames were refused: {refused}");
}
