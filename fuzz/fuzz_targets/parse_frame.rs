//! Any bytes a client may send: parsing never panics, and what parses
//! serializes back to a frame that parses to the same command.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rondo_protocol::command::{parse_frame, ClientFrame};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(ClientFrame::Command(envelope)) = parse_frame(text) {
        match parse_frame(&envelope.to_json()) {
            Ok(ClientFrame::Command(again)) => assert_eq!(again, envelope),
            other => panic!("a parsed command did not round-trip: {other:?}"),
        }
    }
});
