//! What members see: the snapshots in `welcome` and in events.

use crate::command::{Date, ItemKind, Tag, Visibility};
use crate::ids::{CaseId, GroupId, ItemId, MeetingId, MemberId, NoteId};
use crate::schedule::{Language, Occurrence, Schedule};
use crate::settings::Settings;
use crate::supervision::{Attendance, Countersigned, MemberSettings, Reflection, SupervisionGap};
use crate::template::{PhaseKind, RevealTo};
use crate::text::{AgreementText, ItemText, Label, Name, NoteText, Question, Title};
use crate::Millis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The group's ground rules, which every member accepts before taking part.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Agreement {
    /// Goes up by one with each new text; members accept a version.
    pub version: u32,
    pub text: AgreementText,
    /// When the group means to review the agreement.
    pub review_on: Option<Date>,
    /// When this version was published (0: before versions were dated).
    #[serde(default)]
    pub published_at: Millis,
}

/// The agreement as members see it: the latest version, and whether its
/// review is due.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AgreementView {
    pub version: u32,
    pub text: AgreementText,
    pub review_on: Option<Date>,
    pub published_at: Millis,
    /// True from the review date on.
    pub review_due: bool,
    /// The longest the group may go without a meeting, in days (`null`: no limit).
    #[serde(default)]
    pub max_gap_days: Option<u32>,
    /// The version members must have accepted to take part now: the latest,
    /// or the one before while a meeting that was open when it was
    /// published runs on.
    pub in_force: u32,
}

/// One published version, in the agreement's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PublishedAgreement {
    pub version: u32,
    pub published_at: Millis,
    pub review_on: Option<Date>,
}

/// A member's acceptance of a version, kept for good.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Acceptance {
    pub member_id: MemberId,
    pub version: u32,
    pub at: Millis,
}

/// A member as the group sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MemberView {
    pub member_id: MemberId,
    pub name: Name,
    pub present: bool,
    /// Accepted the version in force.
    pub agreement_accepted: bool,
    /// Accepted the newest version, which may not be in force yet (one
    /// published during a meeting is in force from its end): until then a
    /// client asks for it beside the meeting.
    #[serde(default)]
    pub accepted_latest: bool,
    /// The version they accepted last, and when.
    pub agreement_version: Option<u32>,
    pub accepted_at: Option<Millis>,
    /// Invited for one meeting: never facilitates, sees nothing of the
    /// group's other meetings, and their link ends with the meeting.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub guest: bool,
}

/// The group, as `welcome` gives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GroupView {
    pub group_id: GroupId,
    pub name: Name,
    pub members: Vec<MemberView>,
    pub rotation: Vec<MemberId>,
    pub agreement: AgreementView,
    pub settings: Settings,
    pub language: Language,
    /// Who facilitates the next meeting opened without choosing: the member
    /// after the last meeting's facilitator in rotation order.
    pub next_facilitator: MemberId,
    pub schedule: Option<Schedule>,
    /// The next three meetings. Expanding a schedule needs a time-zone
    /// database, which the engine has not: the server fills this in.
    pub next_meetings: Vec<Occurrence>,
    /// Since when the group has not met, once that is longer than its
    /// agreement's `max_gap_days` and no meeting is open.
    #[serde(default)]
    pub supervision_gap: Option<SupervisionGap>,
}

/// An ended meeting, as the list of past records shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PastMeeting {
    pub meeting_id: MeetingId,
    pub opened_at: Millis,
    pub ended_at: Millis,
    pub facilitator: MemberId,
    /// When it started (`null`: it never did, and has no attendance).
    #[serde(default)]
    pub started_at: Option<Millis>,
    #[serde(default)]
    pub attendance: Vec<Attendance>,
    #[serde(default)]
    pub countersigned: Option<Countersigned>,
    /// The viewer's own reflection on it (only in their own welcome).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reflection: Option<Reflection>,
}

/// The group as its convener manages it (`GET /api/groups/{id}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ConvenerView {
    pub group_id: GroupId,
    pub name: Name,
    pub language: Language,
    /// Months what meetings said is kept; `null`: all of it.
    pub retention_months: Option<u16>,
    pub members: Vec<MemberView>,
    pub agreement: AgreementView,
    /// Every version published, oldest first.
    pub agreements: Vec<PublishedAgreement>,
    /// Every acceptance kept, oldest first.
    pub acceptances: Vec<Acceptance>,
    pub schedule: Option<Schedule>,
    /// The next three meetings (filled in by the server, as in `welcome`).
    pub next_meetings: Vec<Occurrence>,
    /// Whether a meeting is open now.
    pub meeting_open: bool,
    /// As in `welcome.group`.
    #[serde(default)]
    pub supervision_gap: Option<SupervisionGap>,
    /// Ended meetings with their attendance, newest first, to countersign.
    #[serde(default)]
    pub past_meetings: Vec<PastMeeting>,
    /// How the members' logs credit time.
    #[serde(default)]
    pub credit_rule: crate::settings::CreditRule,
    /// The open meeting's facilitator, who may invite a guest or show the
    /// meeting on a room display.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facilitator: Option<MemberId>,
    /// Whether a room display is in use.
    #[serde(default)]
    pub display: bool,
    /// Who facilitates the open meeting, or the next one: for the
    /// reminders in that member's own calendar feed, never sent.
    #[serde(skip)]
    pub due_to_facilitate: Option<MemberId>,
    /// Members with a case waiting in the queue: for the reminders in their
    /// own calendar feeds, never sent.
    #[serde(skip)]
    pub presenters_queued: Vec<MemberId>,
}

/// Where a case is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Queued,
    Active,
    Done,
    Withdrawn,
}

/// A case in the group's queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseView {
    pub case_id: CaseId,
    pub presenter: MemberId,
    pub title: Title,
    pub question: Question,
    pub minutes: u32,
    pub urgent: bool,
    pub status: CaseStatus,
    /// It began in a meeting that ended before it did, and waits at the
    /// head of the queue to be continued (rule 13).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub continued: bool,
    /// Whether its presenter shared the brief with the group.
    #[serde(default)]
    pub brief_shared: bool,
    /// The written background: here once shared (and, in the presenter's
    /// own welcome, their unshared draft).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brief: Option<crate::text::Brief>,
}

/// A meeting's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MeetingStatus {
    Lobby,
    Running,
    Paused,
    Ended,
}

/// The current phase of a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PhaseView {
    pub name: Name,
    pub kind: PhaseKind,
    pub presenter_silent: bool,
    pub deadline: Option<Millis>,
    pub overtime: bool,
}

/// Who holds the floor, and until when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TurnView {
    pub member: MemberId,
    pub deadline: Option<Millis>,
    pub overtime: bool,
}

/// One member's written contribution, once revealed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Contribution {
    pub member: MemberId,
    pub text: ItemText,
}

/// A written phase's texts, revealed when it ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Revealed {
    pub phase_index: usize,
    pub to: RevealTo,
    pub contributions: Vec<Contribution>,
}

/// The active case, as a member sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CaseSnapshot {
    pub case_id: CaseId,
    pub presenter: MemberId,
    pub template: Name,
    pub phases: Vec<crate::template::Phase>,
    pub phase_index: usize,
    pub phase: PhaseView,
    pub turn: Option<TurnView>,
    /// Members still to speak in this cycle of a round, in order.
    pub order: Vec<MemberId>,
    pub cycle: u32,
    pub perspectives: BTreeMap<MemberId, Label>,
    /// Who has handed in a contribution in the current written phase.
    pub submitted: Vec<MemberId>,
    /// This member's own contribution to the current written phase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub my_contribution: Option<ItemText>,
    /// Written phases' texts this member may see.
    pub revealed: Vec<Revealed>,
}

/// A check-in or check-out round: turns, but no presenter and no case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RoundSnapshot {
    pub label: Option<Label>,
    pub turn_s: u32,
    pub turn: Option<TurnView>,
    pub order: Vec<MemberId>,
}

/// Who may change a record item now, as the engine's rules decide it (the
/// same rules `record.edit` and `record.done` check): clients offer the
/// controls these allow rather than work the rules out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ItemRights {
    /// Who may edit it: its author and the facilitator, while its meeting is open.
    #[serde(default)]
    pub may_edit: Vec<MemberId>,
    /// Who may mark it done: an action's author, its owner and the open
    /// meeting's facilitator; nobody once it is done.
    #[serde(default)]
    pub may_mark_done: Vec<MemberId>,
}

/// A record item as it leaves the engine: the item and who may change it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RecordEntry {
    #[serde(flatten)]
    pub item: RecordItem,
    #[serde(flatten)]
    pub rights: ItemRights,
}

/// An item of the record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RecordItem {
    pub item_id: ItemId,
    pub meeting_id: MeetingId,
    pub kind: ItemKind,
    pub text: ItemText,
    pub owner: Option<MemberId>,
    pub due: Option<Date>,
    pub case_id: Option<CaseId>,
    pub author: MemberId,
    pub done: bool,
    pub tags: Vec<Tag>,
}

/// A confidential note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Note {
    pub note_id: NoteId,
    pub author: MemberId,
    pub case_id: Option<CaseId>,
    pub visibility: Visibility,
    /// For a note to the presenter: who that is.
    pub presenter: Option<MemberId>,
    pub text: NoteText,
    pub updated_at: Millis,
    /// A draft to the presenter: seen by its author alone until sent.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
    /// Sent with `note.send`: delivered, and no longer to be edited.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sent: bool,
}

/// The open meeting, as a member sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MeetingSnapshot {
    pub meeting_id: MeetingId,
    pub status: MeetingStatus,
    pub facilitator: MemberId,
    pub opened_at: Millis,
    pub started_at: Option<Millis>,
    pub paused_at: Option<Millis>,
    pub case: Option<CaseSnapshot>,
    pub round: Option<RoundSnapshot>,
    pub hands: Vec<MemberId>,
    pub record: Vec<RecordEntry>,
    /// How long each member has held the floor in this meeting.
    pub speaking_ms: BTreeMap<MemberId, u64>,
    /// Cases presented so far in this meeting.
    pub presented: Vec<CaseView>,
}

/// Who the connection is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Me {
    pub member_id: MemberId,
    pub name: Name,
}

/// The server's answer to `hello`: everything a member needs to draw the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Welcome {
    pub protocol: u32,
    pub server_time: Millis,
    pub me: Me,
    pub group: GroupView,
    /// The last event seq of the group: resume from here.
    pub seq: u64,
    pub queue: Vec<CaseView>,
    pub meeting: Option<MeetingSnapshot>,
    pub resumed: bool,
    pub open_actions: Vec<RecordEntry>,
    pub notes: Vec<Note>,
    /// Ended meetings whose records can still be downloaded, newest first.
    #[serde(default)]
    pub past_meetings: Vec<PastMeeting>,
    /// The member's own settings for their log.
    #[serde(default)]
    pub my_settings: MemberSettings,
    /// The member has not accepted the agreement version in force: they see
    /// the agreement, the roster and the meeting's status, nothing else,
    /// until their `agreement.accept` brings a fresh welcome.
    pub agreement_required: bool,
}

impl Welcome {
    /// The `welcome` frame.
    pub fn to_json(&self) -> String {
        let mut value = serde_json::to_value(self).expect("welcome serializes");
        if let serde_json::Value::Object(map) = &mut value {
            map.insert("type".into(), "welcome".into());
        }
        value.to_string()
    }
}
