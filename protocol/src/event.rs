//! Events: what happened, in order, with a per-group seq.

use crate::ids::{CaseId, ItemId, MeetingId, MemberId, NoteId};
use crate::schedule::{Language, Occurrence, Schedule};
use crate::settings::Settings;
use crate::supervision::{Attendance, MemberSettings, Reflection};
use crate::template::{Phase, RevealTo};
use crate::text::{Brief, Label, Name};
use crate::view::{
    AgreementView, CaseView, Contribution, ItemRights, MeetingSnapshot, MemberView, Note,
    PhaseView, RecordEntry,
};
use crate::Millis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Why the facilitator changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FacilitatorReason {
    Handover,
    Absent,
    Opened,
}

/// Why a turn ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TurnEndReason {
    Done,
    Passed,
    Skipped,
    Timeout,
    Absent,
}

/// Why a phase ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PhaseEndReason {
    Done,
    Timeout,
    Facilitator,
}

/// Why a case (or a check-in round) ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RunEndReason {
    /// Its last phase ended.
    Done,
    /// The facilitator ended it.
    Facilitator,
    /// The meeting ended.
    MeetingEnded,
    /// Its presenter was removed from the group.
    PresenterRemoved,
}

/// Which clock `timer.extended` moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TimerTarget {
    Phase,
    Turn,
}

/// Everything that can happen in a group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type")]
pub enum Event {
    /// A case cut off by the end of the meeting, back at the head of the
    /// queue for the next one, marked as continued.
    #[serde(rename = "case.continued")]
    CaseContinued { case: CaseView },
    #[serde(rename = "agreement.accepted")]
    AgreementAccepted {
        member: MemberId,
        version: u32,
        /// Whether the member has now accepted the version in force (a
        /// version published during a meeting is in force from its end).
        #[serde(default)]
        agreement_accepted: bool,
        /// Whether the member has now accepted the newest version.
        #[serde(default)]
        accepted_latest: bool,
    },
    /// A new version, or a version coming into force at a meeting's end.
    #[serde(rename = "agreement.updated")]
    AgreementUpdated {
        agreement: AgreementView,
        /// The members who have accepted the version in force now.
        #[serde(default)]
        accepted: Vec<MemberId>,
        /// The members who have accepted the newest version (the same as
        /// `accepted` unless a version waits for a meeting's end).
        #[serde(default)]
        accepted_latest: Vec<MemberId>,
    },
    /// The group's language changed.
    #[serde(rename = "group.updated")]
    GroupUpdated { language: Language },
    /// How many months the group keeps what its meetings said (`null`: all).
    #[serde(rename = "retention.updated")]
    RetentionUpdated { retention_months: Option<u16> },
    /// What meetings that ended before `before` said has been deleted: their
    /// record, notes, cases and reflections; their attendance is kept.
    #[serde(rename = "content.expired")]
    ContentExpired {
        before: Millis,
        meetings: Vec<MeetingId>,
    },
    /// A removed member was erased: they are "former member" from now on,
    /// and their notes and reflections are deleted.
    #[serde(rename = "member.erased")]
    MemberErased { member: MemberId },
    #[serde(rename = "schedule.updated")]
    ScheduleUpdated {
        schedule: Option<Schedule>,
        next_meetings: Vec<Occurrence>,
    },
    #[serde(rename = "member.added")]
    MemberAdded { member: MemberView },
    #[serde(rename = "member.removed")]
    MemberRemoved { member: MemberId },
    #[serde(rename = "member.presence")]
    MemberPresence { member: MemberId, present: bool },
    #[serde(rename = "meeting.opened")]
    MeetingOpened { meeting: Box<MeetingSnapshot> },
    #[serde(rename = "meeting.started")]
    MeetingStarted { started_at: Millis },
    #[serde(rename = "meeting.paused")]
    MeetingPaused { paused_at: Millis },
    /// Every deadline moved later by `paused_ms`.
    #[serde(rename = "meeting.resumed")]
    MeetingResumed { paused_ms: u64 },
    #[serde(rename = "meeting.ended")]
    MeetingEnded {
        speaking_ms: BTreeMap<MemberId, u64>,
        /// Every member present at any time while it ran, as measured.
        #[serde(default)]
        attendance: Vec<Attendance>,
        /// When it started (`null`: it never did) and ended.
        #[serde(default)]
        started_at: Option<Millis>,
        #[serde(default)]
        ended_at: Millis,
        /// Who facilitates the next meeting by rotation, as the engine
        /// decides it: clients show it rather than work it out.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        next_facilitator: Option<MemberId>,
    },
    #[serde(rename = "facilitator.changed")]
    FacilitatorChanged {
        facilitator: MemberId,
        reason: FacilitatorReason,
    },
    #[serde(rename = "case.proposed")]
    CaseProposed {
        case: CaseView,
        /// Where in the queue the case now stands (an urgent one goes after
        /// the other urgent ones): clients insert it there.
        #[serde(default)]
        position: usize,
    },
    #[serde(rename = "case.withdrawn")]
    CaseWithdrawn { case_id: CaseId },
    #[serde(rename = "queue.reordered")]
    QueueReordered { order: Vec<CaseId> },
    #[serde(rename = "case.started")]
    CaseStarted {
        case_id: CaseId,
        presenter: MemberId,
        template: Name,
        phases: Vec<Phase>,
    },
    #[serde(rename = "case.ended")]
    CaseEnded {
        case_id: CaseId,
        reason: RunEndReason,
    },
    #[serde(rename = "phase.started")]
    PhaseStarted {
        phase_index: usize,
        phase: PhaseView,
        /// For a round: who speaks, in order.
        order: Vec<MemberId>,
    },
    #[serde(rename = "phase.overtime")]
    PhaseOvertime { phase_index: usize },
    #[serde(rename = "phase.ended")]
    PhaseEnded {
        phase_index: usize,
        reason: PhaseEndReason,
    },
    #[serde(rename = "turn.started")]
    TurnStarted {
        member: MemberId,
        deadline: Option<Millis>,
    },
    #[serde(rename = "turn.overtime")]
    TurnOvertime { member: MemberId },
    #[serde(rename = "turn.ended")]
    TurnEnded {
        member: MemberId,
        reason: TurnEndReason,
        spoke_ms: u64,
    },
    #[serde(rename = "timer.extended")]
    TimerExtended {
        target: TimerTarget,
        deadline: Millis,
        seconds: u32,
    },
    #[serde(rename = "hand.raised")]
    HandRaised { member: MemberId },
    #[serde(rename = "hand.lowered")]
    HandLowered { member: MemberId },
    #[serde(rename = "note.saved")]
    NoteSaved { note: Note },
    #[serde(rename = "note.deleted")]
    NoteDeleted { note_id: NoteId },
    #[serde(rename = "record.added")]
    RecordAdded { item: RecordEntry },
    #[serde(rename = "record.edited")]
    RecordEdited { item: RecordEntry },
    /// Who may change these record items changed (the facilitator did).
    #[serde(rename = "record.rights")]
    RecordRights { items: BTreeMap<ItemId, ItemRights> },
    /// The actions not yet done, carried on at a meeting's end: the whole
    /// list as it now stands, in place of the one before.
    #[serde(rename = "actions.carried")]
    ActionsCarried { actions: Vec<RecordEntry> },
    #[serde(rename = "record.done")]
    RecordDone { item_id: ItemId, by: MemberId },
    /// Someone handed in a written contribution (who, not what).
    #[serde(rename = "contribution.received")]
    ContributionReceived { member: MemberId },
    #[serde(rename = "contributions.revealed")]
    ContributionsRevealed {
        phase_index: usize,
        to: RevealTo,
        contributions: Vec<Contribution>,
    },
    #[serde(rename = "perspective.assigned")]
    PerspectiveAssigned {
        member: MemberId,
        perspective: Option<Label>,
    },
    #[serde(rename = "round.started")]
    RoundStarted {
        label: Option<Label>,
        turn_s: u32,
        order: Vec<MemberId>,
    },
    #[serde(rename = "round.ended")]
    RoundEnded { reason: RunEndReason },
    #[serde(rename = "settings.updated")]
    SettingsUpdated { settings: Settings },
    /// Who is still to speak in this cycle of a round changed other than by
    /// a turn starting: a member away when their turn came was moved to the
    /// end, or one who came during the round was added at the end (rule 3).
    #[serde(rename = "order.updated")]
    OrderUpdated { order: Vec<MemberId> },
    #[serde(rename = "attendance.confirmed")]
    AttendanceConfirmed {
        meeting_id: MeetingId,
        member: MemberId,
        at: Millis,
    },
    /// The attendance is locked from now on.
    #[serde(rename = "attendance.countersigned")]
    AttendanceCountersigned {
        meeting_id: MeetingId,
        by: MemberId,
        at: Millis,
    },
    /// To its author's own connections alone.
    #[serde(rename = "reflection.saved")]
    ReflectionSaved { reflection: Reflection },
    /// To the member's own connections alone.
    #[serde(rename = "member.settings_updated")]
    MemberSettingsUpdated {
        member: MemberId,
        settings: MemberSettings,
    },
    /// A queued case's title, question or minutes changed (and its brief,
    /// once shared); the case as it now is, without an unshared brief.
    #[serde(rename = "case.edited")]
    CaseEdited { case: CaseView },
    /// The presenter shared the brief with everyone who may see the case.
    #[serde(rename = "case.shared")]
    CaseShared { case_id: CaseId, brief: Brief },
    /// The presenter's unshared brief as saved: to the presenter alone.
    #[serde(rename = "case.brief")]
    CaseBrief { case_id: CaseId, brief: Brief },
    /// A room display was shown (a new one retires the last) or retired.
    #[serde(rename = "display.changed")]
    DisplayChanged { active: bool, show_titles: bool },
}

impl Event {
    /// Whether a member who has not accepted the agreement in force may
    /// receive it: the roster, the agreement and the meeting's status.
    pub fn is_public(&self) -> bool {
        Event::is_public_kind(self.kind())
    }

    /// Whether events of this wire `type` end what may be replayed: the
    /// events before them may quote what they deleted, so a resume from
    /// before one is answered with a fresh welcome.
    pub fn starts_afresh_kind(kind: &str) -> bool {
        matches!(kind, "content.expired" | "member.erased")
    }

    /// Whether events of this wire `type` are public, for events read back
    /// as stored JSON.
    pub fn is_public_kind(kind: &str) -> bool {
        PUBLIC_KINDS.contains(&kind)
    }

    /// The event's wire `type`, for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::CaseContinued { .. } => "case.continued",
            Event::AgreementAccepted { .. } => "agreement.accepted",
            Event::AgreementUpdated { .. } => "agreement.updated",
            Event::GroupUpdated { .. } => "group.updated",
            Event::RetentionUpdated { .. } => "retention.updated",
            Event::ContentExpired { .. } => "content.expired",
            Event::MemberErased { .. } => "member.erased",
            Event::ScheduleUpdated { .. } => "schedule.updated",
            Event::MemberAdded { .. } => "member.added",
            Event::MemberRemoved { .. } => "member.removed",
            Event::MemberPresence { .. } => "member.presence",
            Event::MeetingOpened { .. } => "meeting.opened",
            Event::MeetingStarted { .. } => "meeting.started",
            Event::MeetingPaused { .. } => "meeting.paused",
            Event::MeetingResumed { .. } => "meeting.resumed",
            Event::MeetingEnded { .. } => "meeting.ended",
            Event::FacilitatorChanged { .. } => "facilitator.changed",
            Event::CaseProposed { .. } => "case.proposed",
            Event::CaseWithdrawn { .. } => "case.withdrawn",
            Event::QueueReordered { .. } => "queue.reordered",
            Event::CaseStarted { .. } => "case.started",
            Event::CaseEnded { .. } => "case.ended",
            Event::PhaseStarted { .. } => "phase.started",
            Event::PhaseOvertime { .. } => "phase.overtime",
            Event::PhaseEnded { .. } => "phase.ended",
            Event::TurnStarted { .. } => "turn.started",
            Event::TurnOvertime { .. } => "turn.overtime",
            Event::TurnEnded { .. } => "turn.ended",
            Event::TimerExtended { .. } => "timer.extended",
            Event::HandRaised { .. } => "hand.raised",
            Event::HandLowered { .. } => "hand.lowered",
            Event::NoteSaved { .. } => "note.saved",
            Event::NoteDeleted { .. } => "note.deleted",
            Event::RecordAdded { .. } => "record.added",
            Event::RecordEdited { .. } => "record.edited",
            Event::RecordRights { .. } => "record.rights",
            Event::ActionsCarried { .. } => "actions.carried",
            Event::RecordDone { .. } => "record.done",
            Event::ContributionReceived { .. } => "contribution.received",
            Event::ContributionsRevealed { .. } => "contributions.revealed",
            Event::PerspectiveAssigned { .. } => "perspective.assigned",
            Event::RoundStarted { .. } => "round.started",
            Event::RoundEnded { .. } => "round.ended",
            Event::SettingsUpdated { .. } => "settings.updated",
            Event::OrderUpdated { .. } => "order.updated",
            Event::AttendanceConfirmed { .. } => "attendance.confirmed",
            Event::AttendanceCountersigned { .. } => "attendance.countersigned",
            Event::ReflectionSaved { .. } => "reflection.saved",
            Event::MemberSettingsUpdated { .. } => "member.settings_updated",
            Event::CaseEdited { .. } => "case.edited",
            Event::CaseShared { .. } => "case.shared",
            Event::CaseBrief { .. } => "case.brief",
            Event::DisplayChanged { .. } => "display.changed",
        }
    }
}

/// An event with its place in the group's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EventEnvelope {
    pub seq: u64,
    /// Server time when it happened.
    pub at: Millis,
    /// The meeting it belongs to, or `null` between meetings.
    pub meeting_id: Option<MeetingId>,
    #[serde(flatten)]
    pub event: Event,
}

impl EventEnvelope {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("events serialize")
    }
}

/// The events a member who has not accepted the agreement in force still
/// receives: who is in the group, the agreement, and the meeting's status.
const PUBLIC_KINDS: [&str; 11] = [
    "agreement.accepted",
    "agreement.updated",
    "member.added",
    "member.removed",
    "member.presence",
    "meeting.opened",
    "meeting.started",
    "meeting.paused",
    "meeting.resumed",
    "meeting.ended",
    "facilitator.changed",
];

/// Who may receive an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Every member of the group.
    Everyone,
    /// These members only (notes, a presenter's revealed contributions).
    Only(Vec<MemberId>),
}

impl Audience {
    pub fn includes(&self, member: &MemberId) -> bool {
        match self {
            Audience::Everyone => true,
            Audience::Only(members) => members.contains(member),
        }
    }
}

/// An event and who may receive it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Addressed {
    pub audience: Audience,
    pub event: EventEnvelope,
}
