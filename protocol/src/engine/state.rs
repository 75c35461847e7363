//! The engine's state: what a group is, and where its meeting stands.

use super::notes::Notes;
use crate::ids::{GroupId, MeetingId, MemberId};
use crate::settings::Settings;
use crate::template::Template;
use crate::text::{ItemText, Label, Name};
use crate::view::{Agreement, CaseView, MeetingStatus, RecordItem, Revealed};
use crate::Millis;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Most cases the queue holds.
pub const QUEUE_LEN_MAX: usize = 50;
/// Most cases one meeting presents: the record and its exports list them.
pub const PRESENTED_MAX: usize = 100;
/// Most record items in one meeting.
pub const RECORD_LEN_MAX: usize = 500;
/// Most notes one member keeps in one meeting.
pub const NOTES_PER_MEMBER_MAX: usize = 200;
/// Most characters of notes one member keeps in one meeting, all notes
/// together: 200 notes of 20 000 characters each would be 4 million.
pub const NOTE_CHARS_PER_MEMBER_MAX: usize = 100_000;
/// Ended meetings kept for export.
pub const ARCHIVE_LEN_MAX: usize = 12;
/// Open actions carried from earlier meetings.
pub const CARRIED_ACTIONS_MAX: usize = 200;
/// Fewest and most members of a group.
pub const MEMBERS_MIN: usize = 2;
pub const MEMBERS_MAX: usize = 12;
/// Longest case a member may ask for, in minutes.
pub const CASE_MINUTES_MAX: u32 = 240;
/// Longest extension, in seconds.
pub const EXTEND_S_MAX: u32 = 1800;

/// A member of the group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: MemberId,
    pub name: Name,
    /// The agreement version this member accepted last, and when.
    pub accepted_version: Option<u32>,
    #[serde(default)]
    pub accepted_at: Option<Millis>,
    pub present: bool,
    /// Since when the member has been away; drives the facilitator's handover.
    pub absent_since: Option<Millis>,
    /// The seq the member came in at (0 for the group's first members): a
    /// resume from before it is answered with a fresh welcome, never with
    /// events from before they were a member.
    #[serde(default)]
    pub view_since: u64,
    /// Invited for one meeting (see `engine/guests.rs`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub guest: bool,
}

/// What the group is made of when it is created.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupConfig {
    pub group_id: GroupId,
    pub name: Name,
    /// Members in rotation order.
    pub members: Vec<(MemberId, Name)>,
    pub agreement: Agreement,
    pub settings: Settings,
    #[serde(default)]
    pub language: crate::schedule::Language,
}

impl GroupConfig {
    /// A group with these members (in rotation order) and the first version
    /// of its agreement, with the default settings.
    pub fn new(
        group_id: GroupId,
        name: Name,
        members: Vec<(MemberId, Name)>,
        agreement: crate::text::AgreementText,
    ) -> GroupConfig {
        GroupConfig {
            group_id,
            name,
            members,
            agreement: Agreement {
                version: 1,
                text: agreement,
                review_on: None,
                published_at: 0,
            },
            settings: Settings::default(),
            language: Default::default(),
        }
    }
}

/// A running case or check-in round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    pub kind: RunKind,
    pub template: Template,
    pub phase_index: usize,
    pub phase: PhaseState,
    /// Written phases already revealed in this case.
    pub revealed: Vec<Revealed>,
}

/// What is running.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RunKind {
    Case {
        case: CaseView,
        perspectives: BTreeMap<MemberId, Label>,
    },
    /// A check-in or check-out round: one round phase, no presenter.
    CheckRound { label: Option<Label>, turn_s: u32 },
}

impl Run {
    pub fn presenter(&self) -> Option<&MemberId> {
        match &self.kind {
            RunKind::Case { case, .. } => Some(&case.presenter),
            RunKind::CheckRound { .. } => None,
        }
    }

    pub fn is_presenter(&self, member: &MemberId) -> bool {
        self.presenter() == Some(member)
    }

    pub fn current_phase(&self) -> &crate::template::Phase {
        &self.template.phases[self.phase_index]
    }
}

/// The live part of the current phase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PhaseState {
    pub started_at: Millis,
    /// When the whole phase is due (presenter phases time their one turn instead).
    pub deadline: Option<Millis>,
    pub overtime: bool,
    pub floor: Option<Floor>,
    pub rotation: Option<Rotation>,
    /// Written contributions handed in, hidden until the phase ends.
    pub contributions: BTreeMap<MemberId, ItemText>,
}

/// Who holds the floor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Floor {
    pub member: MemberId,
    /// Moved later by pauses, so speaking time leaves pauses out.
    pub started_at: Millis,
    pub deadline: Option<Millis>,
    pub overtime: bool,
}

/// The turns of a round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rotation {
    /// Who was present when the round started, in speaking order.
    pub participants: Vec<MemberId>,
    /// Still to speak in this cycle.
    pub remaining: VecDeque<MemberId>,
    pub cycle: u32,
    pub cycles: u32,
    pub turn_ms: u64,
    /// Who was away when their turn came in this cycle and was moved to its
    /// end (rule 3): away again when it comes, they lose it.
    #[serde(default)]
    pub moved: BTreeSet<MemberId>,
}

/// An open meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub id: MeetingId,
    pub status: MeetingStatus,
    /// Exactly one while the meeting is open (rule 1).
    pub facilitator: MemberId,
    /// When the facilitator was given the role: a facilitator who never came
    /// is absent from then on, so the role still passes on.
    pub facilitator_since: Millis,
    pub opened_at: Millis,
    pub started_at: Option<Millis>,
    /// Set while paused; every deadline moves later by the pause on resume.
    pub paused_at: Option<Millis>,
    /// The case or check-in round running now, if any.
    pub run: Option<Run>,
    /// Raised hands in the order they were raised; each member at most once.
    pub hands: Vec<MemberId>,
    /// The minutes of this meeting, seen by its members.
    pub record: Vec<RecordItem>,
    pub notes: Notes,
    /// How long each member held the floor, pauses left out, so the record
    /// shows whether time was shared fairly.
    pub speaking_ms: BTreeMap<MemberId, u64>,
    /// Cases that ran in this meeting, for its record and its notes' export.
    pub presented: Vec<CaseView>,
    /// Each member's presence since the meeting started, for the attendance.
    #[serde(default)]
    pub presence: BTreeMap<MemberId, super::supervision::Presence>,
    /// The templates its cases ran, for the members' logs.
    #[serde(default)]
    pub templates: Vec<Name>,
}

/// An ended meeting, kept for exports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchivedMeeting {
    pub id: MeetingId,
    pub facilitator: MemberId,
    pub opened_at: Millis,
    pub ended_at: Millis,
    pub record: Vec<RecordItem>,
    pub notes: Notes,
    pub speaking_ms: BTreeMap<MemberId, u64>,
    pub presented: Vec<CaseView>,
}
