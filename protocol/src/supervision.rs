//! The member's record of supervision on the wire: attendance as the server
//! measured it, its confirmation and countersignature, private reflections,
//! a member's own settings and the group's supervision gap.

use crate::command::Date;
use crate::ids::{MeetingId, MemberId};
use crate::text::Bounded;
use crate::Millis;
use serde::{Deserialize, Serialize};

/// Longest reflection, in characters.
pub const REFLECTION_CHARS_MAX: usize = 10_000;
/// A reflection's text, checked against [`REFLECTION_CHARS_MAX`].
pub type ReflectionText = Bounded<REFLECTION_CHARS_MAX>;
/// Days after a meeting's end from which it may be countersigned although
/// not every member present confirmed.
pub const COUNTERSIGN_AFTER_DAYS: u64 = 14;
/// Most minutes a member's monthly target may be (a month of whole days).
pub const MONTHLY_TARGET_MIN_MAX: u32 = 44_640;
/// Fewest and most days `max_gap_days` may be.
pub const MAX_GAP_DAYS_RANGE: std::ops::RangeInclusive<u32> = 1..=365;

/// What a member was in a meeting, for their log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Facilitated it at its end.
    Facilitator,
    /// Presented a case in it.
    Presenter,
    Member,
    /// Invited for that meeting alone.
    Guest,
}

/// One member's measured presence in an ended meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Attendance {
    pub member: MemberId,
    /// Seconds present between the meeting's start and end, pauses included.
    pub present_s: u64,
    pub role: Role,
    /// When the member confirmed it (`null`: not yet).
    pub confirmed_at: Option<Millis>,
}

/// Who countersigned a meeting's attendance, and when: a member id, or
/// [`Countersigned::CONVENER`] when the convener did over HTTP.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Countersigned {
    pub by: MemberId,
    pub at: Millis,
}

impl Countersigned {
    /// The `by` of a countersignature the convener gave.
    pub const CONVENER: &'static str = "convener";

    pub fn by_convener(&self) -> bool {
        self.by.as_str() == Self::CONVENER
    }
}

/// A member's private reflection on a meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Reflection {
    pub meeting_id: MeetingId,
    pub member: MemberId,
    pub text: ReflectionText,
    pub updated_at: Millis,
}

/// A member's own settings for their log.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MemberSettings {
    /// Minutes of supervision a month the member aims at (`null`: none).
    #[serde(default)]
    pub monthly_target_min: Option<u32>,
}

/// How long the group has gone without a meeting, past its agreement's
/// `max_gap_days`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SupervisionGap {
    /// The day the last meeting ended (UTC).
    pub since: Date,
    /// Whole days since then.
    pub days: u64,
}
