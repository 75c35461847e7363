//! The room display: a screen across the room that follows the meeting —
//! the phase, the clock, who speaks, who is next, the hands, the presenter —
//! and nothing confidential. A display is not a member: it has no presence,
//! no turn and sends no command but `ping`.
//!
//! What a display may see is decided here, once, from an allow-list: an
//! event not named below never reaches a display, so a new kind of event is
//! withheld until someone decides it is fit for a screen in a shared room.

use super::Engine;
use crate::event::{Event, EventEnvelope};
use crate::ids::{GroupId, MemberId};
use crate::schedule::Language;
use crate::text::Name;
use crate::view::{CaseView, MeetingSnapshot, MemberView};
use crate::Millis;
use serde::{Deserialize, Serialize};

/// The group's room display as the engine keeps it: the hash of its token,
/// which the server checks a display's `hello` against (so the display
/// lives wherever the group's state does, in either store), and whether it
/// shows case titles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayState {
    /// The SHA-256 of the display's token, in hex; never the token.
    pub token_hash: String,
    pub show_titles: bool,
}

/// What a display shows of the case queue: presenters and minutes, and the
/// titles and questions only where the group chose `show_titles`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DisplayCase {
    pub case_id: crate::ids::CaseId,
    pub presenter: MemberId,
    pub minutes: u32,
    pub urgent: bool,
    pub status: crate::view::CaseStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<crate::text::Title>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<crate::text::Question>,
}

impl DisplayCase {
    fn of(case: &CaseView, show_titles: bool) -> DisplayCase {
        DisplayCase {
            case_id: case.case_id.clone(),
            presenter: case.presenter.clone(),
            minutes: case.minutes,
            urgent: case.urgent,
            status: case.status,
            title: show_titles.then(|| case.title.clone()),
            question: show_titles.then(|| case.question.clone()),
        }
    }
}

/// The roster as a display shows it: names and presence.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DisplayMember {
    pub member_id: MemberId,
    pub name: Name,
    pub present: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub guest: bool,
}

impl From<&MemberView> for DisplayMember {
    fn from(m: &MemberView) -> DisplayMember {
        DisplayMember {
            member_id: m.member_id.clone(),
            name: m.name.clone(),
            present: m.present,
            guest: m.guest,
        }
    }
}

/// The group as a display shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DisplayGroup {
    pub group_id: GroupId,
    pub name: Name,
    pub members: Vec<DisplayMember>,
    pub rotation: Vec<MemberId>,
    pub language: Language,
}

/// A display's `welcome`: `display:true`, `me:null`, and only what a screen
/// in a shared room may show.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DisplayWelcome {
    pub protocol: u32,
    pub server_time: Millis,
    pub display: bool,
    pub me: Option<()>,
    pub show_titles: bool,
    pub group: DisplayGroup,
    pub seq: u64,
    pub queue: Vec<DisplayCase>,
    pub meeting: Option<MeetingSnapshot>,
    pub resumed: bool,
    pub open_actions: Vec<()>,
    pub notes: Vec<()>,
}

impl DisplayWelcome {
    /// The `welcome` frame.
    pub fn to_json(&self) -> String {
        let mut value = serde_json::to_value(self).expect("welcome serializes");
        if let serde_json::Value::Object(map) = &mut value {
            map.insert("type".into(), "welcome".into());
        }
        value.to_string()
    }
}

impl Engine {
    /// The room display in use, if any.
    pub fn display(&self) -> Option<&DisplayState> {
        self.display.as_ref()
    }

    /// A new display retires the last; `None` retires the one in use.
    pub(crate) fn set_display(&mut self, display: Option<DisplayState>) {
        if display.is_none() && self.display.is_none() {
            return;
        }
        let show_titles = display.as_ref().is_some_and(|d| d.show_titles);
        let active = display.is_some();
        self.display = display;
        self.out.emit(Event::DisplayChanged {
            active,
            show_titles,
        });
    }

    /// The welcome of a room display at `now`.
    pub fn display_welcome(&self, now: Millis, show_titles: bool) -> DisplayWelcome {
        let group = self.group_view(now);
        DisplayWelcome {
            protocol: crate::PROTOCOL_VERSION,
            server_time: now,
            display: true,
            me: None,
            show_titles,
            group: DisplayGroup {
                group_id: group.group_id,
                name: group.name,
                members: group.members.iter().map(DisplayMember::from).collect(),
                rotation: group.rotation,
                language: group.language,
            },
            seq: self.out.seq,
            queue: self
                .queue
                .cases()
                .iter()
                .map(|c| DisplayCase::of(c, show_titles))
                .collect(),
            meeting: self.meeting_snapshot(None).map(for_display_meeting),
            resumed: false,
            open_actions: Vec::new(),
            notes: Vec::new(),
        }
    }
}

/// A meeting as a display shows it: the clock, the floor, the order and the
/// hands; no record, no perspective, no contribution, no case titles.
fn for_display_meeting(meeting: MeetingSnapshot) -> MeetingSnapshot {
    MeetingSnapshot {
        case: meeting.case.map(|case| crate::view::CaseSnapshot {
            perspectives: Default::default(),
            submitted: Vec::new(),
            my_contribution: None,
            revealed: Vec::new(),
            ..case
        }),
        record: Vec::new(),
        presented: Vec::new(),
        ..meeting
    }
}

/// The event as a display may receive it, as its JSON frame; `None` for
/// every event a display must not see.
pub fn display_frame(event: &EventEnvelope, show_titles: bool) -> Option<String> {
    let shown = match &event.event {
        Event::MeetingOpened { meeting } => Event::MeetingOpened {
            meeting: Box::new(for_display_meeting((**meeting).clone())),
        },
        Event::CaseProposed { case, .. }
        | Event::CaseEdited { case }
        | Event::CaseContinued { case } => {
            return case_frame(event, case, show_titles);
        }
        Event::MemberAdded { .. }
        | Event::MemberRemoved { .. }
        | Event::MemberPresence { .. }
        | Event::GroupUpdated { .. }
        | Event::RetentionUpdated { .. }
        | Event::ContentExpired { .. }
        | Event::MemberErased { .. }
        | Event::MeetingStarted { .. }
        | Event::MeetingPaused { .. }
        | Event::MeetingResumed { .. }
        | Event::MeetingEnded { .. }
        | Event::FacilitatorChanged { .. }
        | Event::CaseWithdrawn { .. }
        | Event::QueueReordered { .. }
        | Event::CaseStarted { .. }
        | Event::CaseEnded { .. }
        | Event::PhaseStarted { .. }
        | Event::PhaseOvertime { .. }
        | Event::PhaseEnded { .. }
        | Event::TurnStarted { .. }
        | Event::TurnOvertime { .. }
        | Event::TurnEnded { .. }
        | Event::TimerExtended { .. }
        | Event::HandRaised { .. }
        | Event::HandLowered { .. }
        | Event::RoundStarted { .. }
        | Event::RoundEnded { .. } => event.event.clone(),
        _ => return None,
    };
    Some(
        EventEnvelope {
            event: shown,
            ..event.clone()
        }
        .to_json(),
    )
}

/// A case event with the case as a display shows it.
fn case_frame(event: &EventEnvelope, case: &CaseView, show_titles: bool) -> Option<String> {
    let mut value = serde_json::to_value(event).ok()?;
    let map = value.as_object_mut()?;
    map.insert(
        "case".into(),
        serde_json::to_value(DisplayCase::of(case, show_titles)).ok()?,
    );
    Some(value.to_string())
}
