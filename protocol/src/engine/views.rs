//! What each member sees of the engine's state.

use super::audience::reveal_audience;
use super::notes::Notes;
use super::state::{ArchivedMeeting, RunKind};
use super::Engine;
use crate::event::Audience;
use crate::ids::{MeetingId, MemberId};
use crate::view::*;
use crate::Millis;

impl Engine {
    /// The `welcome` for a member; `None` if they are not in the group.
    ///
    /// A member who has not accepted the agreement in force is shown the
    /// agreement, the roster and the meeting's status, and nothing of the
    /// cases, the record, the notes or the contributions.
    pub fn welcome(&self, member: &MemberId, now: Millis, resumed: bool) -> Option<Welcome> {
        let me = self.member(member)?;
        let welcome = Welcome {
            protocol: crate::PROTOCOL_VERSION,
            server_time: now,
            me: Me {
                member_id: me.id.clone(),
                name: me.name.clone(),
            },
            group: self.group_view(now),
            seq: self.out.seq,
            queue: self.queue_seen_by(member),
            meeting: self.meeting_snapshot(Some(member)),
            resumed,
            open_actions: self.carried_entries(),
            notes: self
                .meeting
                .iter()
                .flat_map(|m| m.notes.visible_to(member))
                .collect(),
            past_meetings: self.past_meetings(Some(member)),
            my_settings: self.supervision.settings_of(member),
            agreement_required: false,
        };
        if self.has_accepted(member) {
            return Some(self.as_guest_sees(member, welcome));
        }
        Some(Welcome {
            queue: Vec::new(),
            meeting: welcome.meeting.map(|meeting| MeetingSnapshot {
                case: None,
                round: None,
                hands: Vec::new(),
                record: Vec::new(),
                presented: Vec::new(),
                ..meeting
            }),
            open_actions: Vec::new(),
            notes: Vec::new(),
            past_meetings: Vec::new(),
            agreement_required: true,
            ..welcome
        })
    }

    /// The group as its convener manages it, at `now`.
    pub fn convener_view(&self, now: Millis) -> ConvenerView {
        let group = self.group_view(now);
        ConvenerView {
            group_id: group.group_id,
            name: group.name,
            language: group.language,
            retention_months: self.retention_months,
            members: group.members,
            agreement: group.agreement,
            agreements: self.agreement_history(),
            acceptances: self.acceptances().iter().cloned().collect(),
            schedule: group.schedule,
            next_meetings: Vec::new(),
            meeting_open: self.meeting.is_some(),
            supervision_gap: group.supervision_gap,
            past_meetings: self.past_meetings(None),
            credit_rule: self.settings.credit_rule,
            facilitator: self.meeting.as_ref().map(|m| m.facilitator.clone()),
            display: self.display.is_some(),
            due_to_facilitate: Some(match &self.meeting {
                Some(meeting) => meeting.facilitator.clone(),
                None => self.next_in_rotation(self.last_facilitator.as_ref()),
            }),
            presenters_queued: self
                .queue
                .cases()
                .iter()
                .filter(|c| c.status == CaseStatus::Queued)
                .map(|c| c.presenter.clone())
                .collect(),
        }
    }

    /// Ended meetings, newest first, with their attendance and `viewer`'s
    /// own reflection.
    fn past_meetings(&self, viewer: Option<&MemberId>) -> Vec<PastMeeting> {
        self.record
            .archive
            .iter()
            .rev()
            .map(|m| {
                let attended = self.supervision.find(&m.id);
                PastMeeting {
                    meeting_id: m.id.clone(),
                    opened_at: m.opened_at,
                    ended_at: m.ended_at,
                    facilitator: m.facilitator.clone(),
                    started_at: attended.map(|a| a.started_at),
                    attendance: attended.map_or_else(Vec::new, |a| a.attendance.clone()),
                    countersigned: attended.and_then(|a| a.countersigned.clone()),
                    reflection: attended
                        .zip(viewer)
                        .and_then(|(a, v)| a.reflections.get(v).cloned()),
                }
            })
            .collect()
    }

    /// The group as members see it at `now` (whether the review is due).
    pub fn group_view(&self, now: Millis) -> GroupView {
        GroupView {
            group_id: self.group_id.clone(),
            name: self.name.clone(),
            members: self
                .members
                .iter()
                .map(|m| MemberView {
                    member_id: m.id.clone(),
                    name: m.name.clone(),
                    present: m.present,
                    agreement_accepted: self.has_accepted(&m.id),
                    accepted_latest: self.has_accepted_latest(&m.id),
                    agreement_version: m.accepted_version,
                    accepted_at: m.accepted_at,
                    guest: m.guest,
                })
                .collect(),
            rotation: self.members.iter().map(|m| m.id.clone()).collect(),
            agreement: self.agreement_view(now),
            settings: self.settings.clone(),
            language: self.language,
            next_facilitator: self.next_in_rotation(self.last_facilitator.as_ref()),
            schedule: self.schedule.clone(),
            next_meetings: Vec::new(),
            supervision_gap: self.supervision_gap(now),
        }
    }

    /// The open meeting as `viewer` sees it (`None`: what everyone may see).
    pub fn meeting_snapshot(&self, viewer: Option<&MemberId>) -> Option<MeetingSnapshot> {
        let meeting = self.meeting.as_ref()?;
        let mut snapshot = MeetingSnapshot {
            meeting_id: meeting.id.clone(),
            status: meeting.status,
            facilitator: meeting.facilitator.clone(),
            opened_at: meeting.opened_at,
            started_at: meeting.started_at,
            paused_at: meeting.paused_at,
            case: None,
            round: None,
            hands: meeting.hands.clone(),
            record: meeting
                .record
                .iter()
                .map(|item| super::record::entry(item, Some(meeting)))
                .collect(),
            speaking_ms: meeting.speaking_ms.clone(),
            presented: meeting.presented.clone(),
        };
        let Some(run) = &meeting.run else {
            return Some(snapshot);
        };
        let turn = run.phase.floor.as_ref().map(|f| TurnView {
            member: f.member.clone(),
            deadline: f.deadline,
            overtime: f.overtime,
        });
        let order: Vec<MemberId> = run
            .phase
            .rotation
            .as_ref()
            .map(|r| r.remaining.iter().cloned().collect())
            .unwrap_or_default();
        match &run.kind {
            RunKind::Case { case, perspectives } => {
                let phase = run.current_phase();
                let may_see = |revealed: &&Revealed| match reveal_audience(
                    revealed.to,
                    Some(&case.presenter),
                ) {
                    Audience::Everyone => true,
                    only => viewer.is_some_and(|v| only.includes(v)),
                };
                snapshot.case = Some(CaseSnapshot {
                    case_id: case.case_id.clone(),
                    presenter: case.presenter.clone(),
                    template: run.template.name.clone(),
                    phases: run.template.phases.clone(),
                    phase_index: run.phase_index,
                    phase: PhaseView {
                        name: phase.name.clone(),
                        kind: phase.kind,
                        presenter_silent: phase.presenter_silent,
                        deadline: run.phase.deadline,
                        overtime: run.phase.overtime,
                    },
                    turn,
                    order,
                    cycle: run.phase.rotation.as_ref().map_or(1, |r| r.cycle),
                    perspectives: perspectives.clone(),
                    submitted: run.phase.contributions.keys().cloned().collect(),
                    my_contribution: viewer.and_then(|v| run.phase.contributions.get(v).cloned()),
                    revealed: run.revealed.iter().filter(may_see).cloned().collect(),
                });
            }
            RunKind::CheckRound { label, turn_s } => {
                snapshot.round = Some(RoundSnapshot {
                    label: label.clone(),
                    turn_s: *turn_s,
                    turn,
                    order,
                });
            }
        }
        Some(snapshot)
    }

    /// A meeting, open or ended, by id.
    fn find_meeting(&self, meeting_id: &MeetingId) -> Option<MeetingRecord<'_>> {
        if let Some(meeting) = self.meeting.as_ref().filter(|m| &m.id == meeting_id) {
            return Some(MeetingRecord {
                facilitator: &meeting.facilitator,
                opened_at: meeting.opened_at,
                ended_at: None,
                record: &meeting.record,
                notes: &meeting.notes,
                speaking_ms: &meeting.speaking_ms,
                presented: &meeting.presented,
            });
        }
        let archived: &ArchivedMeeting =
            self.record.archive.iter().find(|m| &m.id == meeting_id)?;
        Some(MeetingRecord {
            facilitator: &archived.facilitator,
            opened_at: archived.opened_at,
            ended_at: Some(archived.ended_at),
            record: &archived.record,
            notes: &archived.notes,
            speaking_ms: &archived.speaking_ms,
            presented: &archived.presented,
        })
    }

    /// The record of a meeting, for export.
    pub fn record_export(&self, meeting_id: &MeetingId) -> Option<crate::export::RecordExport> {
        let meeting = self.find_meeting(meeting_id)?;
        let attended = self.supervision.find(meeting_id);
        Some(crate::export::RecordExport {
            group: self.name.clone(),
            language: self.language,
            meeting_id: meeting_id.clone(),
            opened_at: meeting.opened_at,
            ended_at: meeting.ended_at,
            facilitator: self.display_name(meeting.facilitator),
            members: self.export_names(),
            cases: meeting.presented.to_vec(),
            items: meeting.record.to_vec(),
            speaking_ms: meeting.speaking_ms.clone(),
            started_at: attended.map(|a| a.started_at),
            attendance: attended.map_or_else(Vec::new, |a| a.attendance.clone()),
            countersigned: attended.and_then(|a| a.countersigned.clone()),
        })
    }

    /// A member's notes in a meeting, and the notes written to them as presenter.
    pub fn notes_export(
        &self,
        meeting_id: &MeetingId,
        member: &MemberId,
    ) -> Option<crate::export::NotesExport> {
        let meeting = self.find_meeting(meeting_id)?;
        Some(crate::export::NotesExport {
            group: self.name.clone(),
            language: self.language,
            meeting_id: meeting_id.clone(),
            opened_at: meeting.opened_at,
            member: self.display_name(member),
            notes: meeting.notes.visible_to(member).collect(),
            members: self.export_names(),
            cases: meeting.presented.to_vec(),
        })
    }

    /// When the group meets, if it has a schedule (and so a time zone).
    pub fn schedule(&self) -> Option<&crate::schedule::Schedule> {
        self.schedule.as_ref()
    }

    /// A member's name; once they have left the group, their id (or
    /// "former member", once erased).
    fn display_name(&self, member: &MemberId) -> String {
        self.member(member)
            .map_or_else(|| self.former_name(member), |m| m.name.to_string())
    }

    /// Every meeting id this group still holds, newest last.
    pub fn meeting_ids(&self) -> Vec<MeetingId> {
        self.record
            .archive
            .iter()
            .map(|m| m.id.clone())
            .chain(self.meeting.iter().map(|m| m.id.clone()))
            .collect()
    }
}

/// The parts of a meeting an export needs, open or archived alike.
struct MeetingRecord<'a> {
    facilitator: &'a MemberId,
    opened_at: Millis,
    ended_at: Option<Millis>,
    record: &'a [RecordItem],
    notes: &'a Notes,
    speaking_ms: &'a std::collections::BTreeMap<MemberId, u64>,
    presented: &'a [CaseView],
}
