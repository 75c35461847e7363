//! No error repeats what a client sent: every 0x01 byte of the input becomes
//! a canary, wherever it stands (a value, a key, after an escaped quote or a
//! backtick), and the answer to the frame, or to the same bytes as an HTTP
//! body, never contains it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rondo_protocol::api::{NewAgreement, NewGroup, NewMember};
use rondo_protocol::command::{from_json, parse_frame};

const CANARY: &str = "CANARY";

fn check(message: &str, input: &str) {
    assert!(!message.contains(CANARY), "{input:?} was answered {message:?}");
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let input = text.replace('\u{1}', CANARY);
    if let Err(error) = parse_frame(&input) {
        check(&error.rejection.message, &input);
    }
    let body = input.as_bytes();
    for message in [
        from_json::<NewGroup>(body).err(),
        from_json::<NewMember>(body).err(),
        from_json::<NewAgreement>(body).err(),
    ]
    .into_iter()
    .flatten()
    {
        check(&message, &input);
    }
});
