//! When a group meets: checking a recurrence, and expanding it into
//! meetings in the group's own time zone, so a meeting at 18:00 in
//! Amsterdam stays at 18:00 there across the daylight-saving changes.

use chrono::{DateTime, LocalResult, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;
use rondo_protocol::command::Date;
use rondo_protocol::schedule::{
    LocalTime, Occurrence, OccurrenceChange, OccurrenceEdit, OccurrenceStatus, Recurrence,
    Schedule, CHANGES_MAX, DURATION_MIN_MAX,
};
use rrule::{Frequency, RRule, Unvalidated};

/// Most meetings one expansion yields.
const OCCURRENCES_MAX: u16 = 1000;

/// A schedule that cannot be: the field and what is wrong with it (never
/// the value that was sent).
#[derive(Debug, PartialEq, Eq)]
pub struct Invalid {
    pub field: &'static str,
    pub problem: String,
    /// An occurrence date that is not in the series: `404`, not `400`.
    pub not_found: bool,
}

impl Invalid {
    fn new(field: &'static str, problem: impl Into<String>) -> Invalid {
        Invalid {
            field,
            problem: problem.into(),
            not_found: false,
        }
    }

    pub fn message(&self) -> String {
        format!("{} {}", self.field, self.problem)
    }
}

pub fn zone(name: &str) -> Result<Tz, Invalid> {
    name.parse::<Tz>().map_err(|_| {
        Invalid::new(
            "time_zone",
            "is not an IANA time zone (such as Europe/Amsterdam)",
        )
    })
}

/// The group's time zone: its schedule's, or UTC without one.
pub fn group_zone(schedule: Option<&Schedule>) -> Tz {
    schedule
        .and_then(|s| s.recurrence.time_zone.parse::<Tz>().ok())
        .unwrap_or(Tz::UTC)
}

/// A zone from the time-zone database, for the documents the protocol
/// crate prints (it keeps no database of its own).
pub struct ExportZone(pub Tz);

impl rondo_protocol::export::Zone for ExportZone {
    fn name(&self) -> &str {
        self.0.name()
    }

    fn offset_s(&self, at: rondo_protocol::Millis) -> i32 {
        let utc = DateTime::from_timestamp_millis(at as i64).unwrap_or_default();
        self.0
            .offset_from_utc_datetime(&utc.naive_utc())
            .fix()
            .local_minus_utc()
    }
}

/// The instant of a local time in `zone`; a time the clocks skip or pass
/// twice is refused, since nobody could say which meeting was meant.
pub fn instant(zone: Tz, local: &LocalTime, field: &'static str) -> Result<DateTime<Tz>, Invalid> {
    let naive = NaiveDateTime::parse_from_str(local.as_str(), "%Y-%m-%dT%H:%M")
        .map_err(|_| Invalid::new(field, "must be YYYY-MM-DDTHH:MM"))?;
    match zone.from_local_datetime(&naive) {
        LocalResult::Single(at) => Ok(at),
        LocalResult::None => Err(Invalid::new(
            field,
            "does not exist in the group's time zone: the clocks go forward then",
        )),
        LocalResult::Ambiguous(..) => Err(Invalid::new(
            field,
            "happens twice in the group's time zone: the clocks go back then; choose another time",
        )),
    }
}

fn not_a_rule() -> Invalid {
    Invalid::new(
        "rrule",
        "is not a recurrence rule this server can expand (RFC 5545 RRULE, such as FREQ=MONTHLY;BYDAY=1TU)",
    )
}

/// Whether a rule reads as an RRULE at all, before anything else of the
/// schedule is looked at: a nonsense rule is the mistake to name, even
/// when the start is missing too.
pub fn check_rule_text(rrule: &str) -> Result<(), Invalid> {
    rrule
        .parse::<RRule<Unvalidated>>()
        .map(|_| ())
        .map_err(|_| not_a_rule())
}

fn rule(recurrence: &Recurrence, zone: Tz) -> Result<(RRule, DateTime<rrule::Tz>), Invalid> {
    let invalid = not_a_rule;
    let unvalidated: RRule<Unvalidated> =
        recurrence.rrule.as_str().parse().map_err(|_| invalid())?;
    let start = instant(zone, &recurrence.start, "start")?.with_timezone(&rrule::Tz::Tz(zone));
    let rule = unvalidated.validate(start).map_err(|_| invalid())?;
    if !matches!(
        rule.get_freq(),
        Frequency::Daily | Frequency::Weekly | Frequency::Monthly | Frequency::Yearly
    ) {
        return Err(Invalid::new(
            "rrule",
            "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY",
        ));
    }
    Ok((rule, start))
}

/// Checks a recurrence as the convener sets it.
pub fn check(recurrence: &Recurrence) -> Result<(), Invalid> {
    if !(1..=DURATION_MIN_MAX).contains(&recurrence.duration_min) {
        return Err(Invalid::new(
            "duration_min",
            format!("must be 1-{DURATION_MIN_MAX}"),
        ));
    }
    rule(recurrence, zone(&recurrence.time_zone)?).map(|_| ())
}

/// The meetings whose original start falls in `[from_ms, to_ms)`, moved
/// and cancelled ones included, in the order they happen.
pub fn occurrences(schedule: &Schedule, from_ms: u64, to_ms: u64) -> Vec<Occurrence> {
    let Ok(zone) = zone(&schedule.recurrence.time_zone) else {
        return Vec::new();
    };
    let Ok((rule, start)) = rule(&schedule.recurrence, zone) else {
        return Vec::new();
    };
    let rtz = rrule::Tz::Tz(zone);
    let at = |ms: u64| rtz.timestamp_millis_opt(ms as i64).single();
    let (Some(from), Some(to)) = (at(from_ms), at(to_ms)) else {
        return Vec::new();
    };
    let duration_ms = u64::from(schedule.recurrence.duration_min) * 60_000;
    let set = rrule::RRuleSet::new(start)
        .rrule(rule)
        .after(from)
        .before(to);
    let mut meetings: Vec<Occurrence> = set
        .all(OCCURRENCES_MAX)
        .dates
        .into_iter()
        .map(|original| {
            let date = Date::new(&original.format("%Y-%m-%d").to_string())
                .expect("chrono writes real dates");
            let change = schedule.changes.iter().find(|c| c.date == date);
            let moved = change
                .and_then(|c| c.start.as_ref())
                .and_then(|local| instant(zone, local, "start").ok());
            let (start, status) = match (change, moved) {
                (Some(c), _) if c.cancelled => {
                    (original.timestamp_millis(), OccurrenceStatus::Cancelled)
                }
                (_, Some(moved)) => (moved.timestamp_millis(), OccurrenceStatus::Moved),
                _ => (original.timestamp_millis(), OccurrenceStatus::Planned),
            };
            let start = start.max(0) as u64;
            Occurrence {
                start,
                end: start + duration_ms,
                status,
                date,
            }
        })
        .collect();
    meetings.sort_by_key(|m| m.start);
    meetings
}

/// How far ahead the next meetings are looked for.
const LOOKAHEAD_MS: u64 = 5 * 366 * 86_400_000;

/// The next `count` meetings that have not ended by `now`.
pub fn next_meetings(schedule: &Schedule, now: u64, count: usize) -> Vec<Occurrence> {
    // A meeting moved from before `now` to after it still counts: look back
    // a little for originals.
    let from = now.saturating_sub(60 * 86_400_000);
    occurrences(schedule, from, now + LOOKAHEAD_MS)
        .into_iter()
        .filter(|m| m.end > now)
        .take(count)
        .collect()
}

/// The next three meetings, as `welcome` and `schedule.updated` carry them.
pub fn upcoming(schedule: Option<&Schedule>, now: u64) -> Vec<Occurrence> {
    schedule.map_or_else(Vec::new, |s| next_meetings(s, now, 3))
}

/// The schedule with one occurrence (by its original local date) changed:
/// cancelled, moved, or back as planned.
pub fn change(schedule: &Schedule, date: &Date, edit: OccurrenceEdit) -> Result<Schedule, Invalid> {
    let zone = zone(&schedule.recurrence.time_zone)?;
    if edit.cancelled && edit.start.is_some() {
        return Err(Invalid::new("start", "cannot be given with cancelled"));
    }
    let day = |hour: &str| LocalTime::new(&format!("{}T{hour}", date.as_str()));
    let day_start = day("00:00").map_err(|_| Invalid::new("date", "must be YYYY-MM-DD"))?;
    let midnight = instant(zone, &day_start, "date")
        .map(|t| t.timestamp_millis().max(0) as u64)
        .unwrap_or(0);
    let on_that_day = occurrences(
        &Schedule {
            changes: Vec::new(),
            ..schedule.clone()
        },
        midnight.saturating_sub(3 * 3_600_000),
        midnight + 27 * 3_600_000,
    )
    .into_iter()
    .any(|m| &m.date == date);
    if !on_that_day {
        return Err(Invalid {
            not_found: true,
            ..Invalid::new("date", "is not the date of a meeting in the series")
        });
    }
    if let Some(start) = &edit.start {
        instant(zone, start, "start")?;
    }
    let mut changed = schedule.clone();
    changed.changes.retain(|c| &c.date != date);
    if edit.cancelled || edit.start.is_some() {
        if changed.changes.len() >= CHANGES_MAX {
            return Err(Invalid::new(
                "date",
                format!("at most {CHANGES_MAX} meetings may be changed"),
            ));
        }
        changed.changes.push(OccurrenceChange {
            date: date.clone(),
            cancelled: edit.cancelled,
            start: edit.start,
        });
        changed.changes.sort_by(|a, b| a.date.cmp(&b.date));
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rondo_protocol::text::Bounded;

    fn schedule(rrule: &str, start: &str, zone: &str) -> Schedule {
        Schedule {
            recurrence: Recurrence {
                rrule: Bounded::new(rrule).unwrap(),
                start: LocalTime::new(start).unwrap(),
                time_zone: Bounded::new(zone).unwrap(),
                duration_min: 90,
            },
            changes: Vec::new(),
            sequence: 0,
        }
    }

    /// Local wall-clock times of the meetings, in their own zone.
    fn local_times(schedule: &Schedule, from: &str, to: &str) -> Vec<String> {
        let zone: Tz = schedule.recurrence.time_zone.parse().unwrap();
        let ms = |d: &str| {
            instant(zone, &LocalTime::new(d).unwrap(), "x")
                .unwrap()
                .timestamp_millis() as u64
        };
        occurrences(schedule, ms(from), ms(to))
            .iter()
            .map(|m| {
                zone.timestamp_millis_opt(m.start as i64)
                    .unwrap()
                    .format("%Y-%m-%d %H:%M %Z")
                    .to_string()
            })
            .collect()
    }

    /// The record's times, as printed, an hour either side of a change.
    #[test]
    fn documents_print_the_groups_time_across_a_daylight_saving_change() {
        use rondo_protocol::export::local_in;
        use rondo_protocol::schedule::Language;
        let print = |zone: &str, at: &str| {
            let at = DateTime::parse_from_rfc3339(at).unwrap().timestamp_millis() as u64;
            let group = schedule("FREQ=WEEKLY", "2027-01-05T18:00", zone);
            local_in(Language::En, at, &ExportZone(group_zone(Some(&group))))
        };
        // Amsterdam: summer time from 28 March 2027, 01:00 UTC.
        assert_eq!(
            print("Europe/Amsterdam", "2027-03-28T00:30:00Z"),
            "2027-03-28 01:30 Europe/Amsterdam"
        );
        assert_eq!(
            print("Europe/Amsterdam", "2027-03-28T01:30:00Z"),
            "2027-03-28 03:30 Europe/Amsterdam"
        );
        // New York: summer time from 14 March 2027, 07:00 UTC; winter from 7 November, 06:00 UTC.
        assert_eq!(
            print("America/New_York", "2027-03-14T06:30:00Z"),
            "2027-03-14 01:30 America/New_York"
        );
        assert_eq!(
            print("America/New_York", "2027-03-14T07:30:00Z"),
            "2027-03-14 03:30 America/New_York"
        );
        assert_eq!(
            print("America/New_York", "2027-11-07T05:30:00Z"),
            "2027-11-07 01:30 America/New_York"
        );
        assert_eq!(
            print("America/New_York", "2027-11-07T06:30:00Z"),
            "2027-11-07 01:30 America/New_York"
        );
        // Without a schedule the group's times are UTC.
        let utc = ExportZone(group_zone(None));
        assert_eq!(local_in(Language::En, 0, &utc), "1970-01-01 00:00 UTC");
    }

    #[test]
    fn a_meeting_keeps_its_local_time_across_the_march_and_october_changes() {
        let first_tuesday = schedule(
            "FREQ=MONTHLY;BYDAY=1TU",
            "2027-01-05T18:00",
            "Europe/Amsterdam",
        );
        let times = local_times(&first_tuesday, "2027-02-01T00:00", "2027-12-01T00:00");
        assert_eq!(
            times,
            [
                "2027-02-02 18:00 CET",
                "2027-03-02 18:00 CET",
                "2027-04-06 18:00 CEST",
                "2027-05-04 18:00 CEST",
                "2027-06-01 18:00 CEST",
                "2027-07-06 18:00 CEST",
                "2027-08-03 18:00 CEST",
                "2027-09-07 18:00 CEST",
                "2027-10-05 18:00 CEST",
                "2027-11-02 18:00 CET",
            ]
        );
        // Weekly across the last Sunday of March and of October.
        let weekly = schedule(
            "FREQ=WEEKLY;BYDAY=MO",
            "2027-03-22T18:00",
            "Europe/Amsterdam",
        );
        let times = local_times(&weekly, "2027-03-22T00:00", "2027-04-06T00:00");
        assert_eq!(
            times,
            [
                "2027-03-22 18:00 CET",
                "2027-03-29 18:00 CEST",
                "2027-04-05 18:00 CEST"
            ]
        );
        let times = local_times(&weekly, "2027-10-25T00:00", "2027-11-02T00:00");
        assert_eq!(times, ["2027-10-25 18:00 CEST", "2027-11-01 18:00 CET"]);
    }

    #[test]
    fn south_of_the_equator_the_changes_come_the_other_way() {
        // Sydney: summer time ends on the first Sunday of April, starts on
        // the first Sunday of October.
        let sydney = schedule(
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
            "2027-03-25T09:30",
            "Australia/Sydney",
        );
        let times = local_times(&sydney, "2027-03-25T00:00", "2027-04-23T00:00");
        assert_eq!(
            times,
            [
                "2027-03-25 09:30 AEDT",
                "2027-04-08 09:30 AEST",
                "2027-04-22 09:30 AEST"
            ]
        );
    }

    #[test]
    fn by_month_day_count_and_until_bound_the_series() {
        let fifteenth = schedule(
            "FREQ=MONTHLY;BYMONTHDAY=15;COUNT=3",
            "2027-01-15T10:00",
            "Europe/Berlin",
        );
        assert_eq!(
            local_times(&fifteenth, "2027-01-01T00:00", "2028-01-01T00:00").len(),
            3
        );
        let until = schedule(
            "FREQ=WEEKLY;UNTIL=20270201T000000Z",
            "2027-01-04T10:00",
            "Europe/Berlin",
        );
        assert_eq!(
            local_times(&until, "2027-01-01T00:00", "2028-01-01T00:00").len(),
            4
        );
    }

    #[test]
    fn times_the_clocks_skip_or_pass_twice_are_refused() {
        let zone: Tz = "Europe/Amsterdam".parse().unwrap();
        let skipped = instant(zone, &LocalTime::new("2027-03-28T02:30").unwrap(), "start");
        assert!(skipped.unwrap_err().problem.contains("forward"));
        let twice = instant(zone, &LocalTime::new("2027-10-31T02:30").unwrap(), "start");
        assert!(twice.unwrap_err().problem.contains("twice"));
        let bad_rule = schedule("FREQ=FORTNIGHTLY", "2027-01-05T18:00", "Europe/Amsterdam");
        assert_eq!(check(&bad_rule.recurrence).unwrap_err().field, "rrule");
        let hourly = schedule("FREQ=HOURLY", "2027-01-05T18:00", "Europe/Amsterdam");
        assert_eq!(check(&hourly.recurrence).unwrap_err().field, "rrule");
        let no_zone = schedule("FREQ=WEEKLY", "2027-01-05T18:00", "Europe/Atlantis");
        assert_eq!(check(&no_zone.recurrence).unwrap_err().field, "time_zone");
    }

    #[test]
    fn occurrences_are_moved_cancelled_and_restored_by_their_date() {
        let monthly = schedule(
            "FREQ=MONTHLY;BYDAY=1TU",
            "2027-01-05T18:00",
            "Europe/Amsterdam",
        );
        let date = |d: &str| Date::new(d).unwrap();
        let cancel = OccurrenceEdit {
            cancelled: true,
            start: None,
        };
        let changed = change(&monthly, &date("2027-02-02"), cancel).unwrap();
        let moved = OccurrenceEdit {
            cancelled: false,
            start: Some(LocalTime::new("2027-03-09T19:00").unwrap()),
        };
        let changed = change(&changed, &date("2027-03-02"), moved).unwrap();
        let zone: Tz = "Europe/Amsterdam".parse().unwrap();
        let ms = |d: &str| {
            instant(zone, &LocalTime::new(d).unwrap(), "x")
                .unwrap()
                .timestamp_millis() as u64
        };
        let statuses: Vec<(String, OccurrenceStatus)> =
            occurrences(&changed, ms("2027-01-01T00:00"), ms("2027-04-30T00:00"))
                .into_iter()
                .map(|m| (m.date.as_str().to_owned(), m.status))
                .collect();
        assert_eq!(
            statuses,
            [
                ("2027-01-05".into(), OccurrenceStatus::Planned),
                ("2027-02-02".into(), OccurrenceStatus::Cancelled),
                ("2027-03-02".into(), OccurrenceStatus::Moved),
                ("2027-04-06".into(), OccurrenceStatus::Planned),
            ]
        );
        let undone = change(&changed, &date("2027-02-02"), OccurrenceEdit::default()).unwrap();
        assert_eq!(undone.changes.len(), 1);
        let not_in_series = change(&monthly, &date("2027-02-03"), OccurrenceEdit::default());
        assert!(not_in_series.unwrap_err().not_found);
    }
}
