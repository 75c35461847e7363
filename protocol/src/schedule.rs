//! When a group meets: a recurrence in its own time zone, with single
//! occurrences moved or cancelled. These are the wire and stored forms; the
//! server checks a recurrence and a zone before the engine sees them, and
//! expands the occurrences (the engine has no time-zone database).

use crate::command::Date;
use crate::text::Bounded;
use crate::Millis;
use serde::{Deserialize, Deserializer, Serialize};

/// A local date and time without a zone, `YYYY-MM-DDTHH:MM`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct LocalTime(String);

impl LocalTime {
    /// Checks the shape and that the date exists; whether the time exists
    /// in a zone (daylight saving) is the server's to check.
    pub fn new(text: &str) -> Result<LocalTime, String> {
        let invalid = || "must be YYYY-MM-DDTHH:MM, a real day and time".to_owned();
        let (date, time) = text.split_once('T').ok_or_else(invalid)?;
        Date::new(date).map_err(|_| invalid())?;
        let (hours, minutes) = time.split_once(':').ok_or_else(invalid)?;
        let two_digits =
            |part: &str, max: u32| part.len() == 2 && part.parse::<u32>().is_ok_and(|n| n <= max);
        if !two_digits(hours, 23) || !two_digits(minutes, 59) {
            return Err(invalid());
        }
        Ok(LocalTime(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The date part.
    pub fn date(&self) -> &str {
        &self.0[..10]
    }
}

impl<'de> Deserialize<'de> for LocalTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        LocalTime::new(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for LocalTime {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LocalTime".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$"
        })
    }
}

/// Longest meeting, in minutes.
pub const DURATION_MIN_MAX: u32 = 24 * 60;
/// Occurrences changed by hand, at most.
pub const CHANGES_MAX: usize = 200;

/// The recurrence as the convener sets it (`PUT …/schedule`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Recurrence {
    /// An RFC 5545 RRULE, without the `RRULE:` prefix.
    pub rrule: Bounded<200>,
    /// The first meeting's local start.
    pub start: LocalTime,
    /// An IANA time zone, such as `Europe/Amsterdam`.
    pub time_zone: Bounded<64>,
    pub duration_min: u32,
}

/// One occurrence, by its original local date, moved or cancelled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OccurrenceChange {
    pub date: Date,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cancelled: bool,
    /// The new local start of a moved occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<LocalTime>,
}

/// What `PUT …/schedule/{date}` says of one occurrence: `{"cancelled":true}`,
/// `{"start":"…"}`, or `{}` to undo a change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OccurrenceEdit {
    #[serde(default)]
    pub cancelled: bool,
    #[serde(default)]
    pub start: Option<LocalTime>,
}

/// The group's schedule: the recurrence and the changes to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Schedule {
    #[serde(flatten)]
    pub recurrence: Recurrence,
    #[serde(default)]
    pub changes: Vec<OccurrenceChange>,
    /// Raised by every change: calendars take it as each meeting's SEQUENCE.
    #[serde(default)]
    pub sequence: u32,
}

/// Where an occurrence stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OccurrenceStatus {
    Planned,
    Moved,
    Cancelled,
}

/// One meeting of the schedule, as absolute times.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Occurrence {
    pub start: Millis,
    pub end: Millis,
    pub status: OccurrenceStatus,
    /// Its original local date: what a change names.
    pub date: Date,
}

/// The languages a group's exports and calendar texts come in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    De,
    Nl,
}
