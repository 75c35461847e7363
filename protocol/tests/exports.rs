//! A meeting's record and a member's notes, exported in the group's
//! language (English, German, Dutch), compared as snapshots.

mod sim;

use rondo_protocol::engine::Admin;
use rondo_protocol::engine::Input;
use rondo_protocol::schedule::Language;
use sim::{running, start_case};

fn exports(language: Language) -> (String, String) {
    let mut sim = running(3);
    sim.input(Input::Admin(Admin::SetLanguage { language }));
    start_case(&mut sim, "Bo", r#""open""#);
    sim.ok(
        "Cy",
        r#"{"type":"note.save","visibility":"presenter","text":"Ask the school first."}"#,
    );
    sim.ok(
        "Ana",
        r#"{"type":"record.add","kind":"action","text":"Bo calls the school","owner":"bo","due":"2027-01-31"}"#,
    );
    sim.ok(
        "Ana",
        r#"{"type":"record.add","kind":"decision","text":"We meet again in four weeks"}"#,
    );
    sim.ok("Ana", r#"{"type":"case.end"}"#);
    sim.ok("Ana", r#"{"type":"meeting.end"}"#);
    let meeting = sim.engine.meeting_ids().last().unwrap().clone();
    let record = sim
        .engine
        .record_export(&meeting)
        .unwrap()
        .to_markdown(&rondo_protocol::export::Utc);
    let notes = sim
        .engine
        .notes_export(&meeting, &sim::member("Bo"))
        .unwrap()
        .to_markdown(&rondo_protocol::export::Utc);
    (record, notes)
}

#[test]
fn exports_in_each_language() {
    for (language, name) in [
        (Language::En, "en"),
        (Language::De, "de"),
        (Language::Nl, "nl"),
    ] {
        let (record, notes) = exports(language);
        assert!(
            !record.contains('\u{2068}') && !notes.contains('\u{2068}'),
            "no invisible direction marks in files"
        );
        insta::assert_snapshot!(format!("record_{name}"), record);
        insta::assert_snapshot!(format!("notes_{name}"), notes);
    }
}
