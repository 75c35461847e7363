//! Deadlines: overtime at a deadline, timeout after the grace, and the
//! facilitator's role passing on after an absence.

use super::Engine;
use crate::event::{Event, FacilitatorReason, PhaseEndReason, TurnEndReason};
use crate::ids::MemberId;
use crate::view::MeetingStatus;
use crate::Millis;

/// Most deadlines fired for one input: each firing moves the meeting on, so
/// this bounds the work even after a long downtime.
const FIRINGS_PER_INPUT_MAX: usize = 1000;

/// What a deadline is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Timer {
    TurnDeadline,
    TurnGraceOver,
    PhaseDeadline,
    PhaseGraceOver,
    FacilitatorAbsent,
}

impl Engine {
    /// When the engine wants to be woken next, if ever.
    pub fn next_deadline(&self) -> Option<Millis> {
        let timer = self.due_timer().map(|(at, _)| at);
        timer.into_iter().chain(self.next_expiry()).min()
    }

    /// Fires every deadline due by now, earliest first.
    pub(crate) fn fire_due_timers(&mut self) {
        for _ in 0..FIRINGS_PER_INPUT_MAX {
            match self.due_timer() {
                Some((at, timer)) if at <= self.out.now => self.fire(timer),
                _ => break,
            }
        }
        self.expire_due();
    }

    fn due_timer(&self) -> Option<(Millis, Timer)> {
        let meeting = self.meeting.as_ref()?;
        let grace_ms = self.settings.grace_ms();
        let mut due: Vec<(Millis, Timer)> = Vec::with_capacity(3);
        if meeting.status == MeetingStatus::Running {
            if let Some(run) = &meeting.run {
                if let Some(floor) = &run.phase.floor {
                    due.extend(clock(
                        floor.deadline,
                        floor.overtime,
                        grace_ms,
                        Timer::TurnDeadline,
                        Timer::TurnGraceOver,
                    ));
                }
                due.extend(clock(
                    run.phase.deadline,
                    run.phase.overtime,
                    grace_ms,
                    Timer::PhaseDeadline,
                    Timer::PhaseGraceOver,
                ));
            }
        }
        if let Some(facilitator) = self.member(&meeting.facilitator) {
            if !facilitator.present && self.facilitator_successor().is_some() {
                // Absent since they left, or since they were given the role,
                // whichever is later: a facilitator who never came is absent too.
                let since = facilitator
                    .absent_since
                    .unwrap_or(0)
                    .max(meeting.facilitator_since);
                let at = since + self.settings.facilitator_absent_ms();
                due.push((at, Timer::FacilitatorAbsent));
            }
        }
        due.into_iter().min_by_key(|(at, _)| *at)
    }

    fn fire(&mut self, timer: Timer) {
        match timer {
            Timer::TurnDeadline => {
                let Some(floor) = self.floor_mut() else {
                    return;
                };
                floor.overtime = true;
                let member = floor.member.clone();
                self.out.emit(Event::TurnOvertime { member });
            }
            Timer::TurnGraceOver => self.end_turn(TurnEndReason::Timeout),
            Timer::PhaseDeadline => {
                let Some(run) = self.run_mut() else { return };
                run.phase.overtime = true;
                let phase_index = run.phase_index;
                self.out.emit(Event::PhaseOvertime { phase_index });
            }
            Timer::PhaseGraceOver => self.end_phase(PhaseEndReason::Timeout),
            Timer::FacilitatorAbsent => {
                if let Some(next) = self.facilitator_successor() {
                    self.set_facilitator(next, FacilitatorReason::Absent);
                }
            }
        }
    }

    /// Who takes the role from the facilitator (rule 12).
    fn facilitator_successor(&self) -> Option<MemberId> {
        let current = &self.meeting.as_ref()?.facilitator;
        self.next_present_facilitator(current)
    }

    /// The next present member after `member` in rotation order, skipping
    /// the presenter of the active case while anyone else is present (they
    /// are busy presenting; rule 12).
    pub(crate) fn next_present_facilitator(&self, member: &MemberId) -> Option<MemberId> {
        let start = self.members.iter().position(|m| &m.id == member)?;
        let count = self.members.len();
        let presenter = self.run().and_then(|r| r.presenter());
        let present: Vec<&MemberId> = (1..count)
            .map(|offset| &self.members[(start + offset) % count])
            .filter(|m| m.present && !m.guest)
            .map(|m| &m.id)
            .collect();
        present
            .iter()
            .find(|m| Some(**m) != presenter)
            .or_else(|| present.first())
            .map(|m| (*m).clone())
    }

    pub(crate) fn set_facilitator(&mut self, member: MemberId, reason: FacilitatorReason) {
        let now = self.out.now;
        if let Some(meeting) = self.meeting.as_mut() {
            meeting.facilitator = member.clone();
            meeting.facilitator_since = now;
        }
        self.out.emit(Event::FacilitatorChanged {
            facilitator: member,
            reason,
        });
        self.emit_record_rights();
    }
}

/// The next firing of one clock: its deadline, or the end of its grace once
/// it is in overtime (never, when the group has no grace).
fn clock(
    deadline: Option<Millis>,
    overtime: bool,
    grace_ms: Option<u64>,
    at_deadline: Timer,
    at_grace_over: Timer,
) -> Option<(Millis, Timer)> {
    let deadline = deadline?;
    if !overtime {
        return Some((deadline, at_deadline));
    }
    grace_ms.map(|grace| (deadline + grace, at_grace_over))
}
