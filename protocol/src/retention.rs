//! How long a group keeps what its meetings said, counted in whole calendar
//! months (UTC): the unit the store's data keys are made for, so content
//! expires and its key is destroyed at the same moment.
//!
//! Months are numbered from January 1970 (month 0).

use crate::command::Date;
use crate::Millis;

/// The longest retention a group may set: ten years.
pub const RETENTION_MONTHS_MAX: u16 = 120;

/// Checks a retention as the convener sends it: `None` keeps everything.
pub fn check_months(months: Option<u16>) -> Result<(), String> {
    match months {
        Some(m) if !(1..=RETENTION_MONTHS_MAX).contains(&m) => Err(format!(
            "retention_months must be 1-{RETENTION_MONTHS_MAX} or null"
        )),
        _ => Ok(()),
    }
}

/// The month an instant falls in.
pub fn month_of(at: Millis) -> u32 {
    let date = Date::of_epoch_ms(at);
    let text = date.as_str();
    let year: u32 = text[0..4].parse().expect("a four-digit year");
    let month: u32 = text[5..7].parse().expect("a two-digit month");
    (year - 1970) * 12 + (month - 1)
}

/// The first instant of a month.
pub fn month_start(month: u32) -> Millis {
    let (year, month) = (1970 + i64::from(month / 12), i64::from(month % 12) + 1);
    // Howard Hinnant's days-from-civil, for the first day of the month.
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    days as Millis * 86_400_000
}

/// The first month whose content is still kept at `now` with a retention
/// of `months`: what ended in an earlier month has expired. Content is kept
/// for at least `months` whole months after the month it ended in.
pub fn kept_from(now: Millis, months: u16) -> u32 {
    month_of(now).saturating_sub(u32::from(months))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_start_where_their_dates_say() {
        assert_eq!(month_start(0), 0);
        for month in [1, 25, 657, 685, 1200] {
            let start = month_start(month);
            assert_eq!(month_of(start), month);
            assert_eq!(month_of(start - 1), month - 1);
            assert!(Date::of_epoch_ms(start).as_str().ends_with("-01"));
        }
        // 2027-03-01 00:00 UTC.
        assert_eq!(month_start(686), 1_803_859_200_000);
    }

    #[test]
    fn a_meeting_of_january_is_kept_through_february_with_one_month() {
        let january = month_of(month_start(684) + 5 * 86_400_000);
        let in_february = month_start(685) + 1;
        assert_eq!(kept_from(in_february, 1), january);
        assert_eq!(kept_from(month_start(686), 1), january + 1);
    }

    #[test]
    fn retention_is_bounded() {
        assert!(check_months(None).is_ok());
        assert!(check_months(Some(1)).is_ok());
        assert!(check_months(Some(120)).is_ok());
        assert!(check_months(Some(0)).is_err());
        assert!(check_months(Some(121)).is_err());
    }
}
