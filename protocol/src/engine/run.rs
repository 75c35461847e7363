//! Running a case or a check-in round: phases, turns and the floor.

use super::audience::reveal_audience;
use super::state::{Floor, PhaseState, Rotation, Run, RunKind};
use super::Engine;
use crate::event::{Event, PhaseEndReason, RunEndReason, TurnEndReason};
use crate::ids::MemberId;
use crate::template::{PhaseKind, Template};
use crate::view::{CaseStatus, Contribution, PhaseView, Revealed};
use crate::Millis;

impl Engine {
    pub(crate) fn run(&self) -> Option<&Run> {
        self.meeting.as_ref()?.run.as_ref()
    }

    pub(crate) fn run_mut(&mut self) -> Option<&mut Run> {
        self.meeting.as_mut()?.run.as_mut()
    }

    pub(crate) fn floor(&self) -> Option<&Floor> {
        self.run()?.phase.floor.as_ref()
    }

    pub(crate) fn floor_mut(&mut self) -> Option<&mut Floor> {
        self.run_mut()?.phase.floor.as_mut()
    }

    /// The meeting clock: frozen at the pause while paused.
    pub(crate) fn meeting_clock(&self) -> Millis {
        self.meeting
            .as_ref()
            .and_then(|m| m.paused_at)
            .unwrap_or(self.out.now)
    }

    /// Starts a case or a round at its first phase.
    pub(crate) fn start_run(&mut self, kind: RunKind, template: Template) {
        let Some(meeting) = self.meeting.as_mut() else {
            return;
        };
        meeting.hands.clear();
        meeting.run = Some(Run {
            kind,
            template,
            phase_index: 0,
            phase: PhaseState::default(),
            revealed: Vec::new(),
        });
        self.start_phase(0);
    }

    fn start_phase(&mut self, index: usize) {
        let now = self.out.now;
        let participants = self.round_participants();
        let Some(run) = self.run_mut() else { return };
        run.phase_index = index;
        let phase = run.template.phases[index].clone();
        let presenter = run.presenter().cloned();
        let is_case = matches!(run.kind, RunKind::Case { .. });
        run.phase = PhaseState {
            started_at: now,
            deadline: None,
            overtime: false,
            floor: None,
            rotation: None,
            contributions: Default::default(),
        };
        let mut order = Vec::new();
        match phase.kind {
            PhaseKind::Presenter => {}
            PhaseKind::Round => {
                order = participants.clone();
                run.phase.rotation = Some(Rotation {
                    remaining: participants.iter().cloned().collect(),
                    participants,
                    cycle: 1,
                    cycles: phase.cycles.unwrap_or(1),
                    turn_ms: phase.turn_ms().unwrap_or(0),
                    moved: Default::default(),
                });
            }
            PhaseKind::Open | PhaseKind::Silence | PhaseKind::Written => {
                run.phase.deadline = phase.duration_ms().map(|d| now + d);
            }
        }
        let view = PhaseView {
            name: phase.name.clone(),
            kind: phase.kind,
            presenter_silent: phase.presenter_silent,
            deadline: run.phase.deadline,
            overtime: false,
        };
        if is_case {
            self.out.emit(Event::PhaseStarted {
                phase_index: index,
                phase: view,
                order,
            });
        }
        match phase.kind {
            PhaseKind::Presenter => {
                if let Some(presenter) = presenter {
                    let deadline = phase.duration_ms().map(|d| now + d);
                    self.give_floor(presenter, deadline);
                }
            }
            PhaseKind::Round => self.next_turn(),
            _ => {}
        }
    }

    /// Who speaks in a round starting now: the present members in rotation
    /// order, starting after the presenter (who does not speak), or with the
    /// facilitator in a check-in round.
    pub(crate) fn round_participants(&self) -> Vec<MemberId> {
        self.round_order()
            .into_iter()
            .filter(|id| self.is_present(id))
            .collect()
    }

    /// Everyone who may speak in a round, present or not, in speaking order.
    pub(crate) fn round_order(&self) -> Vec<MemberId> {
        let Some(meeting) = self.meeting.as_ref() else {
            return Vec::new();
        };
        let presenter = meeting.run.as_ref().and_then(|r| r.presenter());
        let count = self.members.len();
        let start = match presenter {
            Some(p) => self
                .members
                .iter()
                .position(|m| &m.id == p)
                .map_or(0, |i| i + 1),
            None => self
                .members
                .iter()
                .position(|m| m.id == meeting.facilitator)
                .unwrap_or(0),
        };
        (0..count)
            .map(|offset| &self.members[(start + offset) % count])
            .filter(|m| Some(&m.id) != presenter)
            .map(|m| m.id.clone())
            .collect()
    }

    /// Gives the next member of the round the floor, keeping an absent
    /// member's turn for them once (`turns_kept.rs`); ends the phase when
    /// everyone has had their turns.
    fn next_turn(&mut self) {
        loop {
            let Some(rotation) = self.run_mut().and_then(|r| r.phase.rotation.as_mut()) else {
                return;
            };
            let next = match rotation.remaining.pop_front() {
                Some(member) => member,
                None if rotation.cycle < rotation.cycles => {
                    rotation.begin_cycle();
                    continue;
                }
                None => {
                    self.end_phase(PhaseEndReason::Done);
                    return;
                }
            };
            let turn_ms = rotation.turn_ms;
            if self.is_present(&next) {
                let deadline = Some(self.out.now + turn_ms);
                self.give_floor(next, deadline);
                return;
            }
            self.turn_came_while_absent(next);
        }
    }

    /// Hands the floor to `member` until `deadline`.
    pub(crate) fn give_floor(&mut self, member: MemberId, deadline: Option<Millis>) {
        let now = self.out.now;
        let Some(meeting) = self.meeting.as_mut() else {
            return;
        };
        meeting.hands.retain(|m| m != &member);
        let Some(run) = meeting.run.as_mut() else {
            return;
        };
        run.phase.floor = Some(Floor {
            member: member.clone(),
            started_at: now,
            deadline,
            overtime: false,
        });
        self.out.emit(Event::TurnStarted { member, deadline });
    }

    /// Takes the floor from whoever holds it, counting their speaking time.
    fn close_floor(&mut self, reason: TurnEndReason) {
        let clock = self.meeting_clock();
        let Some(meeting) = self.meeting.as_mut() else {
            return;
        };
        let Some(floor) = meeting.run.as_mut().and_then(|r| r.phase.floor.take()) else {
            return;
        };
        let spoke_ms = clock.saturating_sub(floor.started_at);
        *meeting.speaking_ms.entry(floor.member.clone()).or_default() += spoke_ms;
        self.out.emit(Event::TurnEnded {
            member: floor.member,
            reason,
            spoke_ms,
        });
    }

    /// Ends the current turn and moves the phase on as its kind says.
    pub(crate) fn end_turn(&mut self, reason: TurnEndReason) {
        self.close_floor(reason);
        let Some(kind) = self.run().map(|r| r.current_phase().kind) else {
            return;
        };
        match kind {
            PhaseKind::Presenter => self.end_phase(match reason {
                TurnEndReason::Timeout => PhaseEndReason::Timeout,
                TurnEndReason::Skipped => PhaseEndReason::Facilitator,
                _ => PhaseEndReason::Done,
            }),
            PhaseKind::Round => self.next_turn(),
            _ => {}
        }
    }

    /// Ends the current phase and starts the next one, or ends the run.
    pub(crate) fn end_phase(&mut self, reason: PhaseEndReason) {
        let turn_reason = match reason {
            PhaseEndReason::Timeout => TurnEndReason::Timeout,
            _ => TurnEndReason::Skipped,
        };
        self.close_floor(turn_reason);
        self.reveal_contributions();
        let Some(meeting) = self.meeting.as_mut() else {
            return;
        };
        meeting.hands.clear();
        let Some(run) = meeting.run.as_mut() else {
            return;
        };
        let phase_index = run.phase_index;
        let is_last = phase_index + 1 >= run.template.phases.len();
        let is_case = matches!(run.kind, RunKind::Case { .. });
        if is_case {
            self.out.emit(Event::PhaseEnded {
                phase_index,
                reason,
            });
        }
        if is_last {
            let run_reason = match reason {
                PhaseEndReason::Facilitator if !is_case => RunEndReason::Facilitator,
                _ => RunEndReason::Done,
            };
            self.end_run(run_reason);
        } else {
            self.start_phase(phase_index + 1);
        }
    }

    /// At the end of a written phase, shows its texts to whom the phase says.
    fn reveal_contributions(&mut self) {
        let Some(run) = self.run_mut() else { return };
        let phase = run.current_phase();
        if phase.kind != PhaseKind::Written {
            return;
        }
        let to = phase.reveal_to.unwrap_or_default();
        let phase_index = run.phase_index;
        let contributions: Vec<Contribution> = std::mem::take(&mut run.phase.contributions)
            .into_iter()
            .map(|(member, text)| Contribution { member, text })
            .collect();
        run.revealed.push(Revealed {
            phase_index,
            to,
            contributions: contributions.clone(),
        });
        let audience = reveal_audience(to, run.presenter());
        self.out.emit_to(
            audience,
            Event::ContributionsRevealed {
                phase_index,
                to,
                contributions,
            },
        );
    }

    /// Ends the case or round, wherever it is.
    pub(crate) fn end_run(&mut self, reason: RunEndReason) {
        let turn_reason = TurnEndReason::Skipped;
        self.close_floor(turn_reason);
        let Some(meeting) = self.meeting.as_mut() else {
            return;
        };
        meeting.hands.clear();
        let Some(run) = meeting.run.take() else {
            return;
        };
        match run.kind {
            // Cut off by the meeting's end: back to the head of the queue,
            // not presented (rule 13).
            RunKind::Case { mut case, .. } if reason == RunEndReason::MeetingEnded => {
                case.status = CaseStatus::Queued;
                case.continued = true;
                self.queue.put_first(case.clone());
                let case_id = case.case_id.clone();
                self.out.emit(Event::CaseEnded { case_id, reason });
                self.out.emit(Event::CaseContinued { case });
            }
            RunKind::Case { mut case, .. } => {
                case.status = CaseStatus::Done;
                self.queue.remove(&case.case_id);
                let case_id = case.case_id.clone();
                if let Some(meeting) = self.meeting.as_mut() {
                    meeting.presented.push(case);
                }
                self.out.emit(Event::CaseEnded { case_id, reason });
            }
            RunKind::CheckRound { .. } => self.out.emit(Event::RoundEnded { reason }),
        }
    }

    /// Moves every meeting deadline later by the length of a pause.
    pub(crate) fn shift_deadlines(&mut self, paused_ms: u64) {
        let Some(run) = self.run_mut() else { return };
        let phase = &mut run.phase;
        phase.started_at += paused_ms;
        if let Some(deadline) = phase.deadline.as_mut() {
            *deadline += paused_ms;
        }
        if let Some(floor) = phase.floor.as_mut() {
            floor.started_at += paused_ms;
            if let Some(deadline) = floor.deadline.as_mut() {
                *deadline += paused_ms;
            }
        }
    }

    /// Whether every present member but the presenter has written.
    pub(crate) fn written_phase_complete(&self) -> bool {
        let Some(run) = self.run() else { return false };
        self.members
            .iter()
            .filter(|m| m.present && !run.is_presenter(&m.id))
            .all(|m| run.phase.contributions.contains_key(&m.id))
    }

    /// Removes a member from the running round's turns still to come.
    pub(crate) fn drop_from_rotation(&mut self, member: &MemberId) {
        if let Some(rotation) = self.run_mut().and_then(|r| r.phase.rotation.as_mut()) {
            rotation.participants.retain(|m| m != member);
            rotation.remaining.retain(|m| m != member);
        }
    }
}
