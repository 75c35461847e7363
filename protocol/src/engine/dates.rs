//! Dates that must be sensible, not only real: an action due in the year 1
//! or an agreement reviewed before it was written is a typing slip that
//! would sit in the record (or make "review due" appear at once), so it is
//! refused with the field named.

use crate::command::Date;
use crate::reply::Rejection;
use crate::Millis;

const DAY_MS: u64 = 86_400_000;
/// How far ahead a due or review date may lie.
const YEARS_AHEAD_MAX: u64 = 10;
/// A meeting west of UTC may still be on the day before UTC's: an action
/// may be due on that day, the earliest local date anywhere now.
const WEST_OF_UTC_MS: u64 = 12 * 3_600_000;

/// The latest date accepted from `now` on.
fn latest(now: Millis) -> Date {
    Date::of_epoch_ms(now + YEARS_AHEAD_MAX * 366 * DAY_MS)
}

/// An action's due date: from the earliest "today" anywhere, within ten years.
pub fn check_due(due: &Date, now: Millis) -> Result<(), Rejection> {
    let earliest = Date::of_epoch_ms(now.saturating_sub(WEST_OF_UTC_MS));
    within(due, &earliest, now, "due")
}

/// An agreement's review date: from today on (the date `review_due` is
/// reckoned by, so a date accepted never shows the review due at once but
/// today itself), within ten years.
pub fn check_review_on(review_on: &Date, now: Millis) -> Result<(), Rejection> {
    within(review_on, &Date::of_epoch_ms(now), now, "review_on")
}

fn within(date: &Date, earliest: &Date, now: Millis, field: &str) -> Result<(), Rejection> {
    if date < earliest {
        return Err(Rejection::bad_request(format!(
            "{field} is in the past: give today or a later day"
        )));
    }
    if date > &latest(now) {
        return Err(Rejection::bad_request(format!(
            "{field} is more than {YEARS_AHEAD_MAX} years ahead"
        )));
    }
    Ok(())
}
