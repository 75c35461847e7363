//! Dates that exist but cannot be meant (issue 20): an action due in the
//! year 1, or an agreement reviewed before today, is refused with the field
//! named and changes nothing.

mod sim;

use rondo_protocol::command::Date;
use rondo_protocol::engine::Admin;
use rondo_protocol::engine::Input;
use rondo_protocol::reply::{ErrorCode, Reply};
use rondo_protocol::text::AgreementText;
use sim::{running, Sim, T0};

#[test]
fn an_action_due_before_today_or_in_a_decade_is_refused_with_the_field_named() {
    let mut sim = running(3);
    // T0 is 2026-01-15 18:00 UTC.
    for due in ["0001-01-01", "2026-01-13", "2036-03-01"] {
        let add = format!(
            r#"{{"type":"record.add","kind":"action","text":"Call","owner":"bo","due":"{due}"}}"#
        );
        sim.refused("Ana", &add, ErrorCode::BadRequest);
        match sim.send("Ana", &add) {
            Reply::Error { message, .. } => assert!(message.starts_with("due "), "{message}"),
            other => panic!("{other:?}"),
        }
    }
    let add = |due: &str| {
        format!(
            r#"{{"type":"record.add","kind":"action","text":"Call","owner":"bo","due":"{due}"}}"#
        )
    };
    for due in ["2026-01-15", "2027-01-15"] {
        sim.ok("Ana", &add(due));
    }
    // At 01:00 UTC on the 16th it is still the 15th west of UTC: allowed.
    sim.advance(7 * 3_600_000);
    sim.ok("Ana", &add("2026-01-15"));
    let item = sim.view("Ana")["meeting"]["record"][0]["item_id"]
        .as_str()
        .unwrap()
        .to_owned();
    sim.refused(
        "Ana",
        &format!(r#"{{"type":"record.edit","item_id":"{item}","due":"1999-12-31"}}"#),
        ErrorCode::BadRequest,
    );
}

#[test]
fn an_agreement_review_before_today_is_refused_and_today_is_due_at_once() {
    let mut sim = Sim::new(3);
    let publish = |review_on: &str| {
        Input::Admin(Admin::UpdateAgreement {
            text: AgreementText::new("Reviewed").unwrap(),
            review_on: Some(Date::new(review_on).unwrap()),
            max_gap_days: None,
        })
    };
    let before = serde_json::to_value(&sim.engine).unwrap();
    for (review_on, said) in [
        ("2026-01-14", "review_on is in the past"),
        ("2037-01-01", "review_on is more than"),
    ] {
        let output = sim.input(publish(review_on));
        let refusal = output.admin.unwrap().unwrap_err();
        assert!(refusal.message.starts_with(said), "{}", refusal.message);
        assert!(output.events.is_empty());
    }
    assert_eq!(serde_json::to_value(&sim.engine).unwrap(), before);
    let output = sim.input(publish(Date::of_epoch_ms(T0).as_str()));
    assert!(output.admin.unwrap().is_ok());
    assert_eq!(sim.view("Bo")["group"]["agreement"]["review_due"], true);
}
