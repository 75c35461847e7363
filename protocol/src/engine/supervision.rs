//! The member's record of supervision: each member's presence measured
//! while a meeting runs, the attendance kept when it ends, its confirmation
//! and countersignature, private reflections and members' own targets.
//!
//! Presence is measured from the inputs the engine is given (and the server
//! logs), so replaying the log after a crash measures it again to the
//! millisecond.

use super::audience::reflection_audience;
use super::state::Meeting;
use super::Engine;
use crate::event::{Audience, Event};
use crate::ids::{MeetingId, MemberId};
use crate::reply::Rejection;
use crate::supervision::{
    Attendance, Countersigned, MemberSettings, Reflection, ReflectionText, Role, SupervisionGap,
    COUNTERSIGN_AFTER_DAYS, MONTHLY_TARGET_MIN_MAX, REFLECTION_CHARS_MAX,
};
use crate::text::Name;
use crate::view::MeetingStatus;
use crate::Millis;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// Ended meetings kept for members' logs: ten years of weekly meetings.
pub const LOG_LEN_MAX: usize = 520;
const DAY_MS: u64 = 86_400_000;

/// A member's presence in the running meeting so far.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presence {
    /// Closed intervals, summed.
    pub present_ms: u64,
    /// The start of the interval still open, while the member is here.
    pub since: Option<Millis>,
}

impl Presence {
    fn total_ms(&self, now: Millis) -> u64 {
        self.present_ms + self.since.map_or(0, |s| now.saturating_sub(s))
    }
}

/// An ended meeting as the members' logs keep it: no case content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendedMeeting {
    pub meeting_id: MeetingId,
    pub started_at: Millis,
    pub ended_at: Millis,
    /// Who facilitated it at its end: the one who may countersign.
    pub facilitator: MemberId,
    pub attendance: Vec<Attendance>,
    pub countersigned: Option<Countersigned>,
    /// The templates the meeting's cases ran, in the order first used.
    pub templates: Vec<Name>,
    pub cases_presented: u32,
    /// Each member's own reflection.
    pub reflections: BTreeMap<MemberId, Reflection>,
}

impl AttendedMeeting {
    pub fn attendance_of(&self, member: &MemberId) -> Option<&Attendance> {
        self.attendance.iter().find(|a| &a.member == member)
    }

    /// Whether it may be countersigned at `now`: every member present
    /// confirmed, or the days of waiting are over.
    fn countersignable(&self, now: Millis) -> bool {
        self.attendance.iter().all(|a| a.confirmed_at.is_some())
            || now >= self.ended_at + COUNTERSIGN_AFTER_DAYS * DAY_MS
    }
}

/// What the group keeps for its members' logs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supervision {
    /// Ended meetings that had started, oldest first.
    pub(crate) meetings: VecDeque<AttendedMeeting>,
    pub(crate) member_settings: BTreeMap<MemberId, MemberSettings>,
    /// The agreement's longest gap between meetings, in days.
    pub(crate) max_gap_days: Option<u32>,
    /// When the last meeting ended, started or not.
    pub(crate) last_ended_at: Option<Millis>,
}

impl Supervision {
    pub fn meetings(&self) -> impl DoubleEndedIterator<Item = &AttendedMeeting> {
        self.meetings.iter()
    }

    pub fn find(&self, meeting_id: &MeetingId) -> Option<&AttendedMeeting> {
        self.meetings.iter().find(|m| &m.meeting_id == meeting_id)
    }

    pub fn settings_of(&self, member: &MemberId) -> MemberSettings {
        self.member_settings
            .get(member)
            .cloned()
            .unwrap_or_default()
    }

    pub fn max_gap_days(&self) -> Option<u32> {
        self.max_gap_days
    }

    /// The gap at `now`, once it is longer than the agreement allows.
    pub(crate) fn gap(&self, now: Millis, meeting_open: bool) -> Option<SupervisionGap> {
        let max_days = u64::from(self.max_gap_days?);
        let last = self.last_ended_at?;
        let days = now.saturating_sub(last) / DAY_MS;
        (!meeting_open && days > max_days).then(|| SupervisionGap {
            since: crate::command::Date::of_epoch_ms(last),
            days,
        })
    }
}

impl Meeting {
    /// Opens the presence of everyone here as the meeting starts.
    pub(crate) fn start_attendance(
        &mut self,
        present: impl Iterator<Item = MemberId>,
        now: Millis,
    ) {
        for member in present {
            self.presence.entry(member).or_default().since = Some(now);
        }
    }

    /// A member came or went: counted only between the start and the end.
    pub(crate) fn track_presence(&mut self, member: &MemberId, present: bool, now: Millis) {
        if !matches!(self.status, MeetingStatus::Running | MeetingStatus::Paused) {
            return;
        }
        let entry = self.presence.entry(member.clone()).or_default();
        match (present, entry.since) {
            (true, None) => entry.since = Some(now),
            (false, Some(since)) => {
                entry.present_ms += now.saturating_sub(since);
                entry.since = None;
            }
            _ => {}
        }
    }
}

impl Engine {
    /// The attendance of the open meeting as it ends at `now`, every member
    /// who was present at any time, in rotation order.
    pub(crate) fn closing_attendance(&self, meeting: &Meeting, now: Millis) -> Vec<Attendance> {
        let mut presenters: Vec<&MemberId> =
            meeting.presented.iter().map(|c| &c.presenter).collect();
        presenters.extend(meeting.run.as_ref().and_then(|r| r.presenter()));
        let order = |m: &MemberId| self.members.iter().position(|x| &x.id == m);
        let mut attendance: Vec<Attendance> = meeting
            .presence
            .iter()
            .map(|(member, presence)| Attendance {
                member: member.clone(),
                present_s: presence.total_ms(now) / 1000,
                // A guest is never facilitator, and shows as the guest they
                // were even when they presented.
                role: if self.is_guest(member) {
                    Role::Guest
                } else if member == &meeting.facilitator {
                    Role::Facilitator
                } else if presenters.contains(&member) {
                    Role::Presenter
                } else {
                    Role::Member
                },
                confirmed_at: None,
            })
            .collect();
        attendance.sort_by_key(|a| order(&a.member).unwrap_or(usize::MAX));
        attendance
    }

    /// Keeps an ended meeting's attendance for the members' logs.
    pub(crate) fn keep_attendance(
        &mut self,
        meeting: &Meeting,
        attendance: Vec<Attendance>,
        now: Millis,
    ) {
        self.supervision.last_ended_at = Some(now);
        let Some(started_at) = meeting.started_at else {
            return;
        };
        self.supervision.meetings.push_back(AttendedMeeting {
            meeting_id: meeting.id.clone(),
            started_at,
            ended_at: now,
            facilitator: meeting.facilitator.clone(),
            attendance,
            countersigned: None,
            templates: meeting.templates.clone(),
            cases_presented: meeting.presented.len() as u32,
            reflections: BTreeMap::new(),
        });
        while self.supervision.meetings.len() > LOG_LEN_MAX {
            self.supervision.meetings.pop_front();
        }
    }

    /// An ended meeting of the log, by id; the open one is not ended yet.
    fn ended(&mut self, meeting_id: &MeetingId) -> Result<&mut AttendedMeeting, Rejection> {
        if self.meeting.as_ref().is_some_and(|m| &m.id == meeting_id) {
            return Err(Rejection::invalid_state("the meeting has not ended"));
        }
        self.supervision
            .meetings
            .iter_mut()
            .find(|m| &m.meeting_id == meeting_id)
            .ok_or_else(|| Rejection::not_found("meeting_id: no such ended meeting"))
    }

    pub(crate) fn confirm_attendance(
        &mut self,
        member: &MemberId,
        meeting_id: &MeetingId,
    ) -> Result<(), Rejection> {
        let now = self.out.now;
        let meeting = self.ended(meeting_id)?;
        let locked = meeting.countersigned.is_some();
        let Some(entry) = meeting.attendance.iter_mut().find(|a| &a.member == member) else {
            return Err(Rejection::forbidden(
                "only a member present in that meeting may confirm it",
            ));
        };
        if locked {
            return Err(Rejection::invalid_state(
                "the attendance is countersigned and locked",
            ));
        }
        if entry.confirmed_at.is_some() {
            return Ok(());
        }
        entry.confirmed_at = Some(now);
        self.out.emit(Event::AttendanceConfirmed {
            meeting_id: meeting_id.clone(),
            member: member.clone(),
            at: now,
        });
        Ok(())
    }

    /// Countersigns as `by`: the meeting's facilitator, or (`None`) the
    /// convener.
    pub(crate) fn countersign(
        &mut self,
        by: Option<&MemberId>,
        meeting_id: &MeetingId,
    ) -> Result<(), Rejection> {
        let now = self.out.now;
        let meeting = self.ended(meeting_id)?;
        if by.is_some_and(|by| by != &meeting.facilitator) {
            return Err(Rejection::forbidden(
                "only that meeting's facilitator (or the convener) may countersign",
            ));
        }
        if meeting.countersigned.is_some() {
            return Err(Rejection::invalid_state(
                "the attendance is already countersigned",
            ));
        }
        if !meeting.countersignable(now) {
            return Err(Rejection::invalid_state(format!(
                "countersigning waits until every member present confirmed, or {COUNTERSIGN_AFTER_DAYS} days after the meeting"
            )));
        }
        let by = by
            .cloned()
            .unwrap_or_else(|| MemberId::new(Countersigned::CONVENER).expect("short literal"));
        meeting.countersigned = Some(Countersigned {
            by: by.clone(),
            at: now,
        });
        self.out.emit(Event::AttendanceCountersigned {
            meeting_id: meeting_id.clone(),
            by,
            at: now,
        });
        Ok(())
    }

    pub(crate) fn save_reflection(
        &mut self,
        member: &MemberId,
        meeting_id: &MeetingId,
        text: &str,
    ) -> Result<(), Rejection> {
        if text.chars().count() > REFLECTION_CHARS_MAX {
            return Err(Rejection::too_large(format!(
                "text: at most {REFLECTION_CHARS_MAX} characters"
            )));
        }
        let now = self.out.now;
        let ended_at = self.ended(meeting_id)?.ended_at;
        if self.expired(ended_at) {
            return Err(Rejection::invalid_state(
                "that meeting is past the group's retention: nothing more is kept of it",
            ));
        }
        let meeting = self.ended(meeting_id)?;
        if meeting.attendance_of(member).is_none() {
            return Err(Rejection::forbidden(
                "only a member present in that meeting may reflect on it",
            ));
        }
        let reflection = Reflection {
            meeting_id: meeting_id.clone(),
            member: member.clone(),
            text: ReflectionText::new(text).expect("length checked above"),
            updated_at: now,
        };
        meeting
            .reflections
            .insert(member.clone(), reflection.clone());
        self.out.emit_to(
            reflection_audience(member),
            Event::ReflectionSaved { reflection },
        );
        Ok(())
    }

    pub(crate) fn update_member_settings(
        &mut self,
        member: &MemberId,
        settings: MemberSettings,
    ) -> Result<(), Rejection> {
        if settings
            .monthly_target_min
            .is_some_and(|m| !(1..=MONTHLY_TARGET_MIN_MAX).contains(&m))
        {
            return Err(Rejection::bad_request(format!(
                "settings.monthly_target_min must be 1-{MONTHLY_TARGET_MIN_MAX} or null"
            )));
        }
        self.supervision
            .member_settings
            .insert(member.clone(), settings.clone());
        self.out.emit_to(
            Audience::Only(vec![member.clone()]),
            Event::MemberSettingsUpdated {
                member: member.clone(),
                settings,
            },
        );
        Ok(())
    }

    /// The group's record of supervision, for the members' logs.
    pub fn supervision(&self) -> &Supervision {
        &self.supervision
    }

    /// The gap since the last meeting at `now`, once it is too long.
    pub fn supervision_gap(&self, now: Millis) -> Option<SupervisionGap> {
        self.supervision.gap(now, self.meeting.is_some())
    }
}
