//! Calendars of a group's schedule, written with an iCalendar library: a
//! member's feed (one event per meeting, from three months back to twelve
//! ahead) and a one-off download of the series. They name the group and
//! link to the app; they carry no token, no member and nothing of a case.

use crate::schedule::{self, instant};
use chrono::{NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};
use icalendar::{Calendar, CalendarDateTime, Component, EventLike, EventStatus, Property};
use rondo_protocol::ids::GroupId;
use rondo_protocol::schedule::{Language, Occurrence, OccurrenceStatus, Schedule};
use rondo_protocol::text::Name;

const DAY_MS: u64 = 86_400_000;
/// How often subscribers are asked to fetch the feed again.
const REFRESH: &str = "PT6H";

/// What every calendar of a group says about it.
pub struct About<'a> {
    pub group_id: &'a GroupId,
    pub name: &'a Name,
    pub language: Language,
    /// The app's address, without a token: members open their own link.
    pub app_url: &'a str,
}

impl<'a> About<'a> {
    pub fn of(view: &'a rondo_protocol::view::ConvenerView, app_url: &'a str) -> About<'a> {
        About {
            group_id: &view.group_id,
            name: &view.name,
            language: view.language,
            app_url,
        }
    }
}

/// What each meeting is, in the group's language.
fn describe(language: Language) -> String {
    rondo_protocol::i18n::text(language, "calendar-description", &[])
}

/// A calendar being written: its own properties and events by icalendar, and
/// the time zone's definition by `vtimezone` (icalendar gives every
/// component it writes a UID and a DTSTAMP, which RFC 5545 does not allow
/// in a VTIMEZONE, and strict clients refuse).
struct Ics {
    head: Calendar,
    zone: String,
    events: Vec<icalendar::Event>,
}

impl Ics {
    fn push(&mut self, event: icalendar::Event) {
        self.events.push(event);
    }

    fn write(&self) -> String {
        let head = self.head.to_string();
        let mut out = head
            .strip_suffix("END:VCALENDAR\r\n")
            .unwrap_or(&head)
            .to_owned();
        out.push_str(&self.zone);
        for event in &self.events {
            out.push_str(&event.to_string());
        }
        out.push_str("END:VCALENDAR\r\n");
        out
    }
}

fn calendar(about: &About, zone: Tz, from_ms: u64, to_ms: u64) -> Ics {
    // Empty, not `new()`: that one brings a PRODID of its own, and a
    // calendar has exactly one.
    let mut head = Calendar::empty();
    head.append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", "-//Rondo//Peer supervision//EN"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .name(about.name.as_str())
        .append_property(Property::new("METHOD", "PUBLISH"))
        .append_property(
            Property::new("REFRESH-INTERVAL", REFRESH)
                .add_parameter("VALUE", "DURATION")
                .done(),
        )
        .append_property(Property::new("X-PUBLISHED-TTL", REFRESH));
    Ics {
        head,
        zone: vtimezone(zone, from_ms, to_ms),
        events: Vec::new(),
    }
}

fn local(zone: Tz, ms: u64) -> CalendarDateTime {
    let at = zone
        .timestamp_millis_opt(ms as i64)
        .single()
        .expect("an instant has one local time");
    CalendarDateTime::WithTimezone {
        date_time: at.naive_local(),
        tzid: zone.name().to_owned(),
    }
}

fn stamp(event: &mut icalendar::Event, about: &About, now_ms: u64) {
    let now = Utc
        .timestamp_millis_opt(now_ms as i64)
        .single()
        .unwrap_or_default();
    event
        .timestamp(now)
        .summary(about.name.as_str())
        .description(&describe(about.language))
        .url(about.app_url);
}

/// A member's feed: every meeting from three months back to twelve ahead,
/// cancelled ones kept as such, each with a UID that stays the same.
pub fn feed(
    about: &About,
    schedule: Option<&Schedule>,
    personal: crate::reminders::Personal,
    now_ms: u64,
) -> String {
    let from = now_ms.saturating_sub(92 * DAY_MS);
    let to = now_ms + 366 * DAY_MS;
    let Some((schedule, zone)) =
        schedule.and_then(|s| Some((s, schedule::zone(&s.recurrence.time_zone).ok()?)))
    else {
        return calendar(about, chrono_tz::UTC, from, to).write();
    };
    let mut calendar = calendar(about, zone, from, to);
    let mut next_found = false;
    for meeting in schedule::occurrences(schedule, from, to) {
        let mut event = occurrence(about, zone, schedule.sequence, &meeting, now_ms);
        crate::reminders::add_alarms(&mut event, about.language);
        let is_next =
            !next_found && meeting.end > now_ms && meeting.status != OccurrenceStatus::Cancelled;
        if is_next {
            next_found = true;
            let base = describe(about.language);
            event.description(&crate::reminders::describe_next(
                &base,
                personal,
                about.language,
            ));
        }
        calendar.push(event);
    }
    calendar.write()
}

fn occurrence(
    about: &About,
    zone: Tz,
    sequence: u32,
    meeting: &Occurrence,
    now_ms: u64,
) -> icalendar::Event {
    let mut event = icalendar::Event::new();
    stamp(&mut event, about, now_ms);
    event
        .uid(&format!(
            "{}-{}@rondo",
            about.group_id,
            meeting.date.as_str()
        ))
        .sequence(sequence)
        .starts(local(zone, meeting.start))
        .ends(local(zone, meeting.end))
        .status(match meeting.status {
            OccurrenceStatus::Cancelled => EventStatus::Cancelled,
            _ => EventStatus::Confirmed,
        });
    event.done()
}

/// The series as one event: its rule, cancelled and moved meetings left out
/// (EXDATE), moved ones added at their new time (RDATE).
pub fn series(about: &About, schedule: &Schedule, now_ms: u64) -> String {
    let Ok(zone) = schedule::zone(&schedule.recurrence.time_zone) else {
        return String::new();
    };
    let Ok(start) = instant(zone, &schedule.recurrence.start, "start") else {
        return String::new();
    };
    let start_ms = start.timestamp_millis().max(0) as u64;
    let duration_ms = u64::from(schedule.recurrence.duration_min) * 60_000;
    let mut calendar = calendar(
        about,
        zone,
        start_ms,
        now_ms.max(start_ms) + 2 * 366 * DAY_MS,
    );
    let mut event = icalendar::Event::new();
    stamp(&mut event, about, now_ms);
    event
        .uid(&format!("{}-series@rondo", about.group_id))
        .sequence(schedule.sequence)
        .starts(local(zone, start_ms))
        .ends(local(zone, start_ms + duration_ms))
        .add_property("RRULE", schedule.recurrence.rrule.as_str());
    let when = |ms: u64| {
        zone.timestamp_millis_opt(ms as i64)
            .single()
            .map(|t| t.naive_local().format("%Y%m%dT%H%M%S").to_string())
    };
    let dated = |name: &str, value: String| {
        Property::new(name, value)
            .add_parameter("TZID", zone.name())
            .done()
    };
    // Changes are kept for at most a few hundred meetings; ten years covers them.
    let horizon = now_ms.max(start_ms) + 10 * 366 * DAY_MS;
    let changed: Vec<Occurrence> = schedule::occurrences(schedule, start_ms, horizon)
        .into_iter()
        .filter(|m| m.status != OccurrenceStatus::Planned)
        .collect();
    for meeting in changed {
        let original = schedule::occurrences(
            &Schedule {
                changes: Vec::new(),
                ..schedule.clone()
            },
            meeting.start.saturating_sub(400 * DAY_MS),
            meeting.start + 400 * DAY_MS,
        )
        .into_iter()
        .find(|m| m.date == meeting.date);
        if let Some(original) = original.and_then(|m| when(m.start)) {
            event.append_multi_property(dated("EXDATE", original));
        }
        if meeting.status == OccurrenceStatus::Moved {
            if let Some(moved) = when(meeting.start) {
                event.append_multi_property(dated("RDATE", moved));
            }
        }
    }
    calendar.push(event.done());
    calendar.write()
}

/// The zone's definition (RFC 5545 §3.6.5): one STANDARD or DAYLIGHT part
/// per change of offset between `from_ms` and `to_ms`, found by looking at
/// the offset day by day and narrowing each change down to the minute.
fn vtimezone(zone: Tz, from_ms: u64, to_ms: u64) -> String {
    let offset_at = |ms: i64| {
        zone.offset_from_utc_datetime(
            &Utc.timestamp_millis_opt(ms)
                .single()
                .unwrap_or_default()
                .naive_utc(),
        )
    };
    let seconds = |offset: &<Tz as TimeZone>::Offset| offset.fix().local_minus_utc();
    let mut parts = Vec::new();
    let (from, to) = (from_ms as i64 - DAY_MS as i64, to_ms as i64 + DAY_MS as i64);
    let mut day = from;
    while day < to {
        let next = day + DAY_MS as i64;
        if seconds(&offset_at(day)) != seconds(&offset_at(next)) {
            // The last minute with the old offset, then the first with the new.
            let (mut before, mut after) = (day, next);
            while after - before > 60_000 {
                let middle = before + (after - before) / 2;
                if seconds(&offset_at(middle)) == seconds(&offset_at(day)) {
                    before = middle;
                } else {
                    after = middle;
                }
            }
            parts.push(part(&offset_at(day), &offset_at(after), after));
        }
        day = next;
    }
    if parts.is_empty() {
        // No change in the window: one part that holds throughout.
        let offset = offset_at(from);
        parts.push(part(&offset, &offset, 0));
    }
    // A zone's name is ASCII letters, digits and `/_+-`: nothing to escape
    // or fold.
    format!(
        "BEGIN:VTIMEZONE\r\nTZID:{}\r\n{}END:VTIMEZONE\r\n",
        zone.name(),
        parts.concat()
    )
}

fn part(old: &chrono_tz::TzOffset, new: &chrono_tz::TzOffset, at_ms: i64) -> String {
    let utc_offset = |offset: &chrono_tz::TzOffset| {
        let minutes = offset.fix().local_minus_utc() / 60;
        let sign = if minutes < 0 { '-' } else { '+' };
        format!("{sign}{:02}{:02}", minutes.abs() / 60, minutes.abs() % 60)
    };
    // The onset in the local time that held until then.
    let onset: NaiveDateTime = Utc
        .timestamp_millis_opt(at_ms)
        .single()
        .unwrap_or_default()
        .naive_utc()
        + chrono::Duration::seconds(i64::from(old.fix().local_minus_utc()));
    let kind = if new.dst_offset().is_zero() {
        "STANDARD"
    } else {
        "DAYLIGHT"
    };
    // TZNAME is optional: left out rather than empty where the zone has no
    // abbreviation.
    let name = new
        .abbreviation()
        .map(|name| format!("TZNAME:{name}\r\n"))
        .unwrap_or_default();
    format!(
        "BEGIN:{kind}\r\nDTSTART:{}\r\nTZOFFSETFROM:{}\r\nTZOFFSETTO:{}\r\n{name}END:{kind}\r\n",
        onset.format("%Y%m%dT%H%M%S"),
        utc_offset(old),
        utc_offset(new),
    )
}
