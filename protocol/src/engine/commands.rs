//! What each command does, and who may send it when.

use super::notes::Saving;
use super::state::{Meeting, RunKind, CASE_MINUTES_MAX, EXTEND_S_MAX, RECORD_LEN_MAX};
use super::Engine;
use crate::command::*;
use crate::event::{
    Event, FacilitatorReason, PhaseEndReason, RunEndReason, TimerTarget, TurnEndReason,
};
use crate::ids::{CaseId, ItemId, MemberId, NoteId};
use crate::reply::Rejection;
use crate::template::{Phase, PhaseKind, Template, TemplateChoice, DURATION_S_MAX};
use crate::text::{ItemText, Name};
use crate::view::{CaseStatus, CaseView, MeetingStatus, RecordItem};

type Outcome = Result<(), Rejection>;

impl Engine {
    /// Checks a command against the rules and applies it.
    ///
    /// Every check comes before the first change, so a refused command
    /// changes nothing.
    pub(crate) fn apply_command(&mut self, member: &MemberId, command: Command) -> Outcome {
        match command {
            Command::AgreementAccept(c) => self.accept_agreement(member, c.version),
            Command::MeetingOpen(c) => self.open_meeting(c.facilitator),
            Command::MeetingStart(_) => self.start_meeting(member),
            Command::MeetingPause(_) => self.pause_meeting(member),
            Command::MeetingResume(_) => self.resume_meeting(member),
            Command::MeetingEnd(_) => self.end_meeting(member),
            Command::FacilitatorHandover(c) => self.hand_over(member, c.member),
            Command::CasePropose(c) => self.propose_case(member, c),
            Command::CaseWithdraw(c) => self.withdraw_case(member, &c.case_id),
            Command::CaseEdit(c) => self.edit_case(member, c),
            Command::CaseShare(c) => self.share_brief(member, &c.case_id),
            Command::CaseReorder(c) => self.reorder_queue(member, c.order),
            Command::CaseStart(c) => self.start_case(member, &c.case_id, c.template),
            Command::CaseEnd(_) => self.end_case(member),
            Command::PhaseNext(_) => self.next_phase(member),
            Command::PhaseExtend(c) => self.extend(member, TimerTarget::Phase, c.seconds),
            Command::TurnExtend(c) => self.extend(member, TimerTarget::Turn, c.seconds),
            Command::TurnDone(_) => self.finish_turn(member, TurnEndReason::Done),
            Command::TurnPass(_) => self.finish_turn(member, TurnEndReason::Passed),
            Command::TurnSkip(_) => self.skip_turn(member),
            Command::HandRaise(_) => self.raise_hand(member),
            Command::HandLower(_) => self.lower_hand(member),
            Command::FloorGive(c) => self.give_floor_to(member, c.member),
            Command::NoteSave(c) => self.save_note(member, c),
            Command::NoteDelete(c) => self.delete_note(member, &c.note_id),
            Command::NoteSend(c) => {
                let now = self.out.now;
                open(&mut self.meeting)?
                    .notes
                    .send(member, &c.note_id, now, &mut self.out)
            }
            Command::RecordAdd(c) => self.add_record_item(member, c),
            Command::RecordEdit(c) => self.edit_record_item(member, c),
            Command::RecordDone(c) => self.mark_done(member, &c.item_id),
            Command::ContributionSubmit(c) => self.submit_contribution(member, c.text),
            Command::PerspectiveAssign(c) => self.assign_perspective(member, c),
            Command::RoundStart(c) => self.start_check_round(member, c),
            Command::SettingsUpdate(c) => self.update_settings(member, c.settings),
            Command::AttendanceConfirm(c) => self.confirm_attendance(member, &c.meeting_id),
            Command::AttendanceCountersign(c) => self.countersign(Some(member), &c.meeting_id),
            Command::ReflectionSave(c) => self.save_reflection(member, &c.meeting_id, &c.text),
            Command::MemberSettings(c) => self.update_member_settings(member, c.settings),
            Command::Ping(_) => Ok(()),
        }
    }

    // ----- checks shared by many commands -----

    fn open_meeting_ref(&self) -> Result<&Meeting, Rejection> {
        self.meeting
            .as_ref()
            .ok_or_else(|| Rejection::invalid_state("no meeting is open"))
    }

    /// The open meeting, where `member` is its facilitator.
    fn as_facilitator(&self, member: &MemberId) -> Result<&Meeting, Rejection> {
        let meeting = self.open_meeting_ref()?;
        if &meeting.facilitator != member {
            return Err(Rejection::forbidden("only the facilitator may do this"));
        }
        Ok(meeting)
    }

    /// Like [`Self::as_facilitator`], and the meeting's clock is running.
    fn as_facilitator_running(&self, member: &MemberId) -> Outcome {
        let meeting = self.as_facilitator(member)?;
        require_running(meeting)
    }

    fn known_member(&self, member: &MemberId) -> Outcome {
        if self.is_member(member) {
            Ok(())
        } else {
            Err(Rejection::not_found("no such member in this group"))
        }
    }

    // ----- agreement and meeting lifecycle -----

    fn open_meeting(&mut self, facilitator: Option<MemberId>) -> Outcome {
        if self.meeting.is_some() {
            return Err(Rejection::conflict("a meeting is already open"));
        }
        let facilitator = match facilitator {
            Some(chosen) => {
                self.known_member(&chosen)?;
                self.may_facilitate(&chosen)?;
                chosen
            }
            None => self.next_in_rotation(self.last_facilitator.as_ref()),
        };
        let id = self.new_meeting_id();
        self.out.meeting_id = Some(id.clone());
        self.meeting = Some(Meeting {
            id,
            status: MeetingStatus::Lobby,
            facilitator: facilitator.clone(),
            facilitator_since: self.out.now,
            opened_at: self.out.now,
            started_at: None,
            paused_at: None,
            run: None,
            hands: Vec::new(),
            record: Vec::new(),
            notes: Default::default(),
            speaking_ms: Default::default(),
            presented: Vec::new(),
            presence: Default::default(),
            templates: Vec::new(),
        });
        let snapshot = self
            .meeting_snapshot(None)
            .expect("the meeting was just opened");
        self.out.emit(Event::MeetingOpened {
            meeting: Box::new(snapshot),
        });
        self.out.emit(Event::FacilitatorChanged {
            facilitator,
            reason: FacilitatorReason::Opened,
        });
        self.emit_record_rights();
        Ok(())
    }

    /// The member after `previous` in rotation order; the first member when
    /// there was none (or they have left the group).
    pub(crate) fn next_in_rotation(&self, previous: Option<&MemberId>) -> MemberId {
        let index = previous
            .and_then(|p| self.members.iter().position(|m| &m.id == p))
            .map_or(0, |i| (i + 1) % self.members.len());
        // A guest never facilitates: the role goes to the next member.
        let count = self.members.len();
        (0..count)
            .map(|offset| &self.members[(index + offset) % count])
            .find(|m| !m.guest)
            .unwrap_or(&self.members[index])
            .id
            .clone()
    }

    fn start_meeting(&mut self, member: &MemberId) -> Outcome {
        let meeting = facilitated(&mut self.meeting, member)?;
        if meeting.status != MeetingStatus::Lobby {
            return Err(Rejection::invalid_state("the meeting has already started"));
        }
        let now = self.out.now;
        meeting.status = MeetingStatus::Running;
        meeting.started_at = Some(now);
        let present = self
            .members
            .iter()
            .filter(|m| m.present)
            .map(|m| m.id.clone());
        meeting.start_attendance(present, now);
        self.out.emit(Event::MeetingStarted { started_at: now });
        Ok(())
    }

    fn pause_meeting(&mut self, member: &MemberId) -> Outcome {
        let meeting = facilitated(&mut self.meeting, member)?;
        require_running(meeting)?;
        let now = self.out.now;
        meeting.status = MeetingStatus::Paused;
        meeting.paused_at = Some(now);
        self.out.emit(Event::MeetingPaused { paused_at: now });
        Ok(())
    }

    fn resume_meeting(&mut self, member: &MemberId) -> Outcome {
        let meeting = facilitated(&mut self.meeting, member)?;
        let Some(paused_at) = meeting.paused_at else {
            return Err(Rejection::invalid_state("the meeting is not paused"));
        };
        let paused_ms = self.out.now.saturating_sub(paused_at);
        meeting.status = MeetingStatus::Running;
        meeting.paused_at = None;
        self.shift_deadlines(paused_ms);
        self.out.emit(Event::MeetingResumed { paused_ms });
        Ok(())
    }

    fn end_meeting(&mut self, member: &MemberId) -> Outcome {
        let now = self.out.now;
        let attendance = self.closing_attendance(self.as_facilitator(member)?, now);
        self.end_run(RunEndReason::MeetingEnded);
        let Some(meeting) = self.meeting.take() else {
            return Err(Rejection::invalid_state("no meeting is open"));
        };
        let next_facilitator = Some(self.next_in_rotation(Some(&meeting.facilitator)));
        self.out.emit(Event::MeetingEnded {
            speaking_ms: meeting.speaking_ms.clone(),
            attendance: attendance.clone(),
            started_at: meeting.started_at,
            ended_at: now,
            next_facilitator,
        });
        self.keep_attendance(&meeting, attendance, now);
        self.out.meeting_id = None;
        self.enforce_latest_agreement();
        self.last_facilitator = Some(meeting.facilitator.clone());
        self.record.archive(meeting, self.out.now);
        self.dismiss_guests();
        // After the guests left: the carried actions are the members' alone,
        // and the one rule keeps them from anyone who has not accepted.
        let actions = self.carried_entries();
        self.out.emit(Event::ActionsCarried { actions });
        Ok(())
    }

    fn hand_over(&mut self, member: &MemberId, to: MemberId) -> Outcome {
        self.as_facilitator(member)?;
        self.known_member(&to)?;
        self.may_facilitate(&to)?;
        if &to == member {
            return Ok(());
        }
        self.set_facilitator(to, FacilitatorReason::Handover);
        Ok(())
    }

    // ----- the case queue -----

    fn propose_case(&mut self, member: &MemberId, c: CasePropose) -> Outcome {
        if c.title.is_blank() {
            return Err(Rejection::bad_request("title must not be empty"));
        }
        if !(1..=CASE_MINUTES_MAX).contains(&c.minutes) {
            return Err(Rejection::bad_request(format!(
                "minutes must be 1-{CASE_MINUTES_MAX}"
            )));
        }
        let case = CaseView {
            case_id: CaseId::new(format!("c{}", self.ids_issued + 1))
                .expect("issued ids are short"),
            presenter: member.clone(),
            title: c.title,
            question: c.question,
            minutes: c.minutes,
            urgent: c.urgent,
            status: CaseStatus::Queued,
            continued: false,
            brief_shared: false,
            brief: None,
        };
        let case_id = case.case_id.clone();
        self.queue.propose(case, &mut self.out)?;
        self.ids_issued += 1;
        if let Some(brief) = c.brief {
            self.keep_brief(member, case_id, brief);
        }
        Ok(())
    }

    fn withdraw_case(&mut self, member: &MemberId, case_id: &CaseId) -> Outcome {
        self.queue.withdraw(member, case_id, &mut self.out)?;
        self.briefs.remove(case_id);
        Ok(())
    }

    fn reorder_queue(&mut self, member: &MemberId, order: Vec<CaseId>) -> Outcome {
        self.as_facilitator(member)?;
        self.queue.reorder(order, &mut self.out)
    }

    // ----- running a case -----

    fn start_case(
        &mut self,
        member: &MemberId,
        case_id: &CaseId,
        choice: Option<TemplateChoice>,
    ) -> Outcome {
        self.as_facilitator_running(member)?;
        if self.run().is_some() {
            return Err(Rejection::invalid_state(
                "a case or round is already running",
            ));
        }
        let presented = self.meeting.as_ref().map_or(0, |m| m.presented.len());
        if presented >= super::state::PRESENTED_MAX {
            return Err(Rejection::invalid_state(format!(
                "a meeting presents at most {} cases; end it and open another",
                super::state::PRESENTED_MAX
            )));
        }
        self.queue.queued(case_id)?;
        let template = self.resolve_template(choice)?;
        let case = self.queue.activate(case_id)?;
        let templates = &mut open(&mut self.meeting)?.templates;
        if !templates.contains(&template.name) {
            templates.push(template.name.clone());
        }
        self.out.emit(Event::CaseStarted {
            case_id: case.case_id.clone(),
            presenter: case.presenter.clone(),
            template: template.name.clone(),
            phases: template.phases.clone(),
        });
        self.start_run(
            RunKind::Case {
                case,
                perspectives: Default::default(),
            },
            template,
        );
        Ok(())
    }

    fn resolve_template(&self, choice: Option<TemplateChoice>) -> Result<Template, Rejection> {
        match choice {
            Some(TemplateChoice::Inline(template)) => Ok(template),
            Some(TemplateChoice::Named(name)) => self
                .settings
                .template(&name)
                .ok_or_else(|| Rejection::bad_request("template: no template by that name")),
            None => self
                .settings
                .template(&self.settings.default_template)
                .ok_or_else(Rejection::internal_default_template),
        }
    }

    fn end_case(&mut self, member: &MemberId) -> Outcome {
        self.as_facilitator(member)?;
        match self.run().map(|r| &r.kind) {
            Some(RunKind::Case { .. }) => {}
            _ => return Err(Rejection::invalid_state("no case is running")),
        }
        self.end_run(RunEndReason::Facilitator);
        Ok(())
    }

    fn next_phase(&mut self, member: &MemberId) -> Outcome {
        self.as_facilitator_running(member)?;
        if self.run().is_none() {
            return Err(Rejection::invalid_state("no case or round is running"));
        }
        self.end_phase(PhaseEndReason::Facilitator);
        Ok(())
    }

    fn extend(&mut self, member: &MemberId, target: TimerTarget, seconds: u32) -> Outcome {
        self.as_facilitator_running(member)?;
        if !(1..=EXTEND_S_MAX).contains(&seconds) {
            return Err(Rejection::bad_request(format!(
                "seconds must be 1-{EXTEND_S_MAX}"
            )));
        }
        let now = self.out.now;
        let run = self
            .run_mut()
            .ok_or_else(|| Rejection::invalid_state("no case or round is running"))?;
        // A presenter phase times its one turn: extending the phase extends it.
        let phase_is_turn = run.current_phase().kind == PhaseKind::Presenter;
        let (deadline, overtime) = match target {
            TimerTarget::Phase if !phase_is_turn => {
                (&mut run.phase.deadline, &mut run.phase.overtime)
            }
            _ => match run.phase.floor.as_mut() {
                Some(floor) => (&mut floor.deadline, &mut floor.overtime),
                None => return Err(Rejection::invalid_state("nobody holds the floor")),
            },
        };
        let Some(current) = deadline.as_mut() else {
            return Err(Rejection::invalid_state("this has no deadline to extend"));
        };
        // In overtime, the time is added from now: "one more minute" means one
        // more minute from here, not from a deadline already past.
        let base = if *overtime {
            now.max(*current)
        } else {
            *current
        };
        *current = base + u64::from(seconds) * 1000;
        *overtime = false;
        let deadline = *current;
        let target = if phase_is_turn {
            TimerTarget::Turn
        } else {
            target
        };
        self.out.emit(Event::TimerExtended {
            target,
            deadline,
            seconds,
        });
        Ok(())
    }

    fn finish_turn(&mut self, member: &MemberId, reason: TurnEndReason) -> Outcome {
        self.require_running_run()?;
        match self.floor() {
            Some(floor) if &floor.member == member => {}
            Some(_) => return Err(Rejection::not_your_turn("another member holds the floor")),
            None => return Err(Rejection::not_your_turn("nobody holds the floor")),
        }
        self.end_turn(reason);
        Ok(())
    }

    fn skip_turn(&mut self, member: &MemberId) -> Outcome {
        self.as_facilitator_running(member)?;
        if self.floor().is_none() {
            return Err(Rejection::invalid_state("nobody holds the floor"));
        }
        self.end_turn(TurnEndReason::Skipped);
        Ok(())
    }

    fn require_running_run(&self) -> Outcome {
        require_running(self.open_meeting_ref()?)?;
        if self.run().is_none() {
            return Err(Rejection::invalid_state("no case or round is running"));
        }
        Ok(())
    }

    fn open_phase(&self) -> Result<Phase, Rejection> {
        require_running(self.open_meeting_ref()?)?;
        let phase = self
            .run()
            .ok_or_else(|| Rejection::invalid_state("no case or round is running"))?
            .current_phase();
        if phase.kind != PhaseKind::Open {
            return Err(Rejection::invalid_state("hands are for open phases"));
        }
        Ok(phase.clone())
    }

    fn silenced(&self, member: &MemberId, phase: &Phase) -> bool {
        phase.presenter_silent && self.run().is_some_and(|r| r.is_presenter(member))
    }

    fn raise_hand(&mut self, member: &MemberId) -> Outcome {
        let phase = self.open_phase()?;
        if self.silenced(member, &phase) {
            return Err(Rejection::forbidden("the presenter listens in this phase"));
        }
        let meeting = open(&mut self.meeting)?;
        if meeting.hands.contains(member) {
            return Ok(());
        }
        meeting.hands.push(member.clone());
        self.out.emit(Event::HandRaised {
            member: member.clone(),
        });
        Ok(())
    }

    pub(super) fn lower_hand(&mut self, member: &MemberId) -> Outcome {
        let meeting = open(&mut self.meeting)?;
        if !meeting.hands.contains(member) {
            return Ok(());
        }
        meeting.hands.retain(|m| m != member);
        self.out.emit(Event::HandLowered {
            member: member.clone(),
        });
        Ok(())
    }

    fn give_floor_to(&mut self, member: &MemberId, to: Option<MemberId>) -> Outcome {
        self.as_facilitator(member)?;
        let phase = self.open_phase()?;
        let to = match to {
            Some(to) => {
                self.known_member(&to)?;
                to
            }
            None => self
                .open_meeting_ref()?
                .hands
                .first()
                .cloned()
                .ok_or_else(|| Rejection::invalid_state("no hand is raised"))?,
        };
        if self.silenced(&to, &phase) {
            return Err(Rejection::forbidden("the presenter listens in this phase"));
        }
        if !self.is_present(&to) {
            return Err(Rejection::invalid_state("that member is not here"));
        }
        if self.floor().is_some() {
            self.end_turn(TurnEndReason::Skipped);
        }
        let deadline = phase.turn_ms().map(|t| self.out.now + t);
        self.give_floor(to, deadline);
        Ok(())
    }

    fn submit_contribution(&mut self, member: &MemberId, text: ItemText) -> Outcome {
        require_running(self.open_meeting_ref()?)?;
        let run = open(&mut self.meeting)?
            .run
            .as_mut()
            .ok_or_else(|| Rejection::invalid_state("no case or round is running"))?;
        if run.current_phase().kind != PhaseKind::Written {
            return Err(Rejection::invalid_state(
                "contributions are for written phases",
            ));
        }
        if run.is_presenter(member) {
            return Err(Rejection::forbidden(
                "the presenter does not write in this phase",
            ));
        }
        if text.is_blank() {
            return Err(Rejection::bad_request("text must not be empty"));
        }
        run.phase.contributions.insert(member.clone(), text);
        self.out.emit(Event::ContributionReceived {
            member: member.clone(),
        });
        if self.written_phase_complete() {
            self.end_phase(PhaseEndReason::Done);
        }
        Ok(())
    }

    fn assign_perspective(&mut self, member: &MemberId, c: PerspectiveAssign) -> Outcome {
        self.as_facilitator(member)?;
        self.known_member(&c.member)?;
        let Some(RunKind::Case { perspectives, .. }) = self.run_mut().map(|r| &mut r.kind) else {
            return Err(Rejection::invalid_state("no case is running"));
        };
        match &c.perspective {
            Some(text) if !text.is_blank() => perspectives.insert(c.member.clone(), text.clone()),
            _ => perspectives.remove(&c.member),
        };
        self.out.emit(Event::PerspectiveAssigned {
            member: c.member,
            perspective: c.perspective.filter(|p| !p.is_blank()),
        });
        Ok(())
    }

    fn start_check_round(&mut self, member: &MemberId, c: RoundStart) -> Outcome {
        self.as_facilitator_running(member)?;
        if self.run().is_some() {
            return Err(Rejection::invalid_state(
                "a case or round is already running",
            ));
        }
        if !(1..=DURATION_S_MAX).contains(&c.turn_s) {
            return Err(Rejection::bad_request(format!(
                "turn_s must be 1-{DURATION_S_MAX}"
            )));
        }
        let name = c
            .label
            .as_ref()
            .map(|l| Name::new(l.as_str()).expect("labels fit in names"))
            .unwrap_or_else(|| Name::new("round").expect("short literal"));
        let template = Template {
            name: name.clone(),
            phases: vec![Phase {
                name,
                kind: PhaseKind::Round,
                duration_s: None,
                turn_s: Some(c.turn_s),
                cycles: Some(1),
                presenter_silent: false,
                reveal_to: None,
            }],
        };
        self.out.emit(Event::RoundStarted {
            label: c.label.clone(),
            turn_s: c.turn_s,
            order: self.round_participants(),
        });
        self.start_run(
            RunKind::CheckRound {
                label: c.label,
                turn_s: c.turn_s,
            },
            template,
        );
        Ok(())
    }

    fn update_settings(
        &mut self,
        member: &MemberId,
        update: crate::settings::SettingsUpdate,
    ) -> Outcome {
        self.as_facilitator(member)?;
        let settings = self
            .settings
            .updated(&update)
            .map_err(Rejection::bad_request)?;
        self.settings = settings.clone();
        self.out.emit(Event::SettingsUpdated { settings });
        Ok(())
    }

    // ----- notes -----

    /// Who presents a case known to this meeting (queued, active or presented).
    fn presenter_of(&self, case_id: &CaseId) -> Option<MemberId> {
        let presented = self.meeting.iter().flat_map(|m| m.presented.iter());
        self.queue
            .presenter_of(case_id)
            .or_else(|| {
                presented
                    .filter(|c| &c.case_id == case_id)
                    .map(|c| &c.presenter)
                    .next()
            })
            .cloned()
    }

    fn save_note(&mut self, member: &MemberId, c: NoteSave) -> Outcome {
        let meeting = self.open_meeting_ref()?;
        let running_case = match meeting.run.as_ref().map(|r| &r.kind) {
            Some(RunKind::Case { case, .. }) => Some(case.case_id.clone()),
            _ => None,
        };
        let case_id = match c.visibility {
            Visibility::Presenter => c.case_id.or(running_case),
            Visibility::Private => c.case_id,
        };
        let presenter = match &case_id {
            Some(id) => Some(
                self.presenter_of(id)
                    .ok_or_else(|| Rejection::not_found("no such case"))?,
            ),
            None if c.visibility == Visibility::Presenter => {
                return Err(Rejection::bad_request(
                    "a note to the presenter needs a case_id (or a running case)",
                ))
            }
            None => None,
        };
        if c.draft && c.visibility != Visibility::Presenter {
            return Err(Rejection::bad_request(
                "draft is for notes to the presenter only",
            ));
        }
        let saving = Saving {
            draft: c.draft,
            author: member.clone(),
            note_id: c.note_id,
            case_id,
            visibility: c.visibility,
            presenter: presenter.filter(|_| c.visibility == Visibility::Presenter),
            text: c.text,
            now: self.out.now,
        };
        let ids_issued = &mut self.ids_issued;
        let new_id = || {
            *ids_issued += 1;
            NoteId::new(format!("n{ids_issued}")).expect("issued ids are short")
        };
        open(&mut self.meeting)?
            .notes
            .save(saving, new_id, &mut self.out)
    }

    fn delete_note(&mut self, member: &MemberId, note_id: &NoteId) -> Outcome {
        open(&mut self.meeting)?
            .notes
            .delete(member, note_id, &mut self.out)
    }

    // ----- the record -----

    fn check_item_fields(
        &self,
        kind: ItemKind,
        owner: Option<&MemberId>,
        due: Option<&Date>,
    ) -> Outcome {
        if kind != ItemKind::Action && (owner.is_some() || due.is_some()) {
            return Err(Rejection::bad_request("owner and due are for actions only"));
        }
        if let Some(owner) = owner {
            self.known_member(owner)?;
        }
        if let Some(due) = due {
            super::dates::check_due(due, self.out.now)?;
        }
        Ok(())
    }

    fn add_record_item(&mut self, member: &MemberId, c: RecordAdd) -> Outcome {
        let meeting = self.open_meeting_ref()?;
        if c.text.is_blank() {
            return Err(Rejection::bad_request("text must not be empty"));
        }
        if meeting.record.len() >= RECORD_LEN_MAX {
            return Err(Rejection::too_large(format!(
                "at most {RECORD_LEN_MAX} record items a meeting"
            )));
        }
        let meeting_id = meeting.id.clone();
        self.check_item_fields(c.kind, c.owner.as_ref(), c.due.as_ref())?;
        if let Some(case_id) = &c.case_id {
            self.presenter_of(case_id)
                .ok_or_else(|| Rejection::not_found("no such case"))?;
        }
        let mut tags = c.tags;
        tags.sort();
        tags.dedup();
        let item = RecordItem {
            item_id: ItemId::new(self.issue_id("r")).expect("issued ids are short"),
            meeting_id,
            kind: c.kind,
            text: c.text,
            owner: c.owner,
            due: c.due,
            case_id: c.case_id,
            author: member.clone(),
            done: false,
            tags,
        };
        let meeting = open(&mut self.meeting)?;
        meeting.record.push(item.clone());
        let item = super::record::entry(&item, Some(meeting));
        self.out.emit(Event::RecordAdded { item });
        Ok(())
    }

    fn edit_record_item(&mut self, member: &MemberId, c: RecordEdit) -> Outcome {
        let meeting = self.open_meeting_ref()?;
        let item = meeting
            .record
            .iter()
            .find(|i| i.item_id == c.item_id)
            .ok_or_else(|| Rejection::not_found("no such record item in this meeting"))?;
        if !super::record::editors(item, Some(meeting)).contains(member) {
            return Err(Rejection::forbidden(
                "only its author or the facilitator may edit an item",
            ));
        }
        if c.text.is_none() && c.owner.is_none() && c.due.is_none() && c.tags.is_none() {
            return Err(Rejection::bad_request("nothing to change"));
        }
        if c.text.as_ref().is_some_and(|t| t.is_blank()) {
            return Err(Rejection::bad_request("text must not be empty"));
        }
        self.check_item_fields(item.kind, c.owner.as_ref(), c.due.as_ref())?;
        let mut item = item.clone();
        if let Some(text) = c.text {
            item.text = text;
        }
        if c.owner.is_some() {
            item.owner = c.owner;
        }
        if c.due.is_some() {
            item.due = c.due;
        }
        if let Some(mut tags) = c.tags {
            tags.sort();
            tags.dedup();
            item.tags = tags;
        }
        let meeting = open(&mut self.meeting)?;
        if let Some(slot) = meeting
            .record
            .iter_mut()
            .find(|i| i.item_id == item.item_id)
        {
            *slot = item.clone();
        }
        let item = super::record::entry(&item, Some(meeting));
        self.out.emit(Event::RecordEdited { item });
        Ok(())
    }

    fn mark_done(&mut self, member: &MemberId, item_id: &ItemId) -> Outcome {
        self.record
            .mark_done(self.meeting.as_mut(), member, item_id, &mut self.out)
    }
}

/// The open meeting, to change.
fn open(meeting: &mut Option<Meeting>) -> Result<&mut Meeting, Rejection> {
    meeting
        .as_mut()
        .ok_or_else(|| Rejection::invalid_state("no meeting is open"))
}

/// The open meeting, to change, where `member` is its facilitator.
fn facilitated<'a>(
    meeting: &'a mut Option<Meeting>,
    member: &MemberId,
) -> Result<&'a mut Meeting, Rejection> {
    let meeting = open(meeting)?;
    if &meeting.facilitator != member {
        return Err(Rejection::forbidden("only the facilitator may do this"));
    }
    Ok(meeting)
}

fn require_running(meeting: &Meeting) -> Outcome {
    match meeting.status {
        MeetingStatus::Running => Ok(()),
        MeetingStatus::Paused => Err(Rejection::invalid_state("the meeting is paused")),
        _ => Err(Rejection::invalid_state("the meeting has not started")),
    }
}

impl Rejection {
    fn internal_default_template() -> Rejection {
        Rejection::new(
            crate::reply::ErrorCode::Internal,
            "the group's default template is missing",
        )
    }
}
