//! Changes the convener makes over HTTP: members and the agreement.

use super::state::{Member, MEMBERS_MAX, MEMBERS_MIN};
use super::Engine;
use crate::command::Date;
use crate::event::{Event, FacilitatorReason, RunEndReason, TurnEndReason};
use crate::ids::MemberId;
use crate::reply::Rejection;
use crate::schedule::{Language, Occurrence, Schedule};
use crate::text::{AgreementText, Name};
use crate::view::MemberView;
use serde::{Deserialize, Serialize};

/// A convener's change to the group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Admin {
    AddMember {
        member_id: MemberId,
        name: Name,
    },
    RemoveMember {
        member: MemberId,
    },
    /// Erases a removed member: their notes and reflections are deleted and
    /// they are named "former member" from then on (`retention.rs`).
    EraseMember {
        member: MemberId,
    },
    /// A guest for the open (or next) meeting.
    AddGuest {
        member_id: MemberId,
        name: Name,
    },
    /// A room display (retiring the last), or none.
    SetDisplay {
        display: Option<super::DisplayState>,
    },
    UpdateAgreement {
        text: AgreementText,
        review_on: Option<Date>,
        /// `None`: as it was; `Some(None)`: no limit.
        #[serde(default)]
        max_gap_days: Option<Option<u32>>,
    },
    /// The convener countersigns an ended meeting's attendance.
    Countersign {
        meeting_id: crate::ids::MeetingId,
    },
    /// How the members' logs credit time.
    SetCreditRule {
        credit_rule: crate::settings::CreditRule,
    },
    SetLanguage {
        language: Language,
    },
    /// Months to keep what meetings said (`None`: keep it all).
    SetRetention {
        months: Option<u16>,
    },
    /// A new schedule (or none), with its next meetings as the server
    /// expanded them when the change was made.
    SetSchedule {
        schedule: Option<Schedule>,
        next_meetings: Vec<Occurrence>,
    },
}

impl Engine {
    pub(crate) fn handle_admin(&mut self, admin: Admin) -> Result<(), Rejection> {
        match admin {
            Admin::AddMember { member_id, name } => self.add_member(member_id, name),
            Admin::RemoveMember { member } => self.remove_member(&member),
            Admin::EraseMember { member } => self.erase_member(member),
            Admin::AddGuest { member_id, name } => self.add_guest(member_id, name),
            Admin::SetDisplay { display } => {
                self.set_display(display);
                Ok(())
            }
            Admin::UpdateAgreement {
                text,
                review_on,
                max_gap_days,
            } => {
                // Checked before anything changes: a refusal changes nothing.
                if let Some(review_on) = &review_on {
                    super::dates::check_review_on(review_on, self.out.now)?;
                }
                if let Some(days) = max_gap_days {
                    self.supervision.max_gap_days = days;
                }
                self.publish_agreement(text, review_on);
                Ok(())
            }
            Admin::Countersign { meeting_id } => self.countersign(None, &meeting_id),
            Admin::SetCreditRule { credit_rule } => {
                if credit_rule != self.settings.credit_rule {
                    self.settings.credit_rule = credit_rule;
                    let settings = self.settings.clone();
                    self.out.emit(Event::SettingsUpdated { settings });
                }
                Ok(())
            }
            Admin::SetLanguage { language } => {
                if language != self.language {
                    self.language = language;
                    self.out.emit(Event::GroupUpdated { language });
                }
                Ok(())
            }
            Admin::SetRetention { months } => self.set_retention(months),
            Admin::SetSchedule {
                mut schedule,
                next_meetings,
            } => {
                // Every change raises the sequence, so calendars that
                // subscribed take the new times over the old.
                let sequence = self.schedule.as_ref().map_or(0, |s| s.sequence) + 1;
                if let Some(schedule) = schedule.as_mut() {
                    schedule.sequence = sequence;
                }
                self.schedule = schedule.clone();
                self.out.emit(Event::ScheduleUpdated {
                    schedule,
                    next_meetings,
                });
                Ok(())
            }
        }
    }

    fn add_member(&mut self, member_id: MemberId, name: Name) -> Result<(), Rejection> {
        if self.members.len() >= MEMBERS_MAX {
            return Err(Rejection::conflict(format!(
                "a group has at most {MEMBERS_MAX} members"
            )));
        }
        self.admit(member_id, name, false)
    }

    /// Takes a member (or a guest) in: `member.added`. Their name must tell
    /// them apart from everyone else's, and their id be new.
    pub(super) fn admit(
        &mut self,
        member_id: MemberId,
        name: Name,
        guest: bool,
    ) -> Result<(), Rejection> {
        if name.is_blank() {
            return Err(Rejection::bad_request("name must not be empty"));
        }
        if self
            .members
            .iter()
            .any(|m| super::same_name(&m.name, &name))
        {
            return Err(Rejection::bad_request(
                "name is another member's name too; tell them apart",
            ));
        }
        if self.is_member(&member_id) {
            return Err(Rejection::conflict("that member id is taken"));
        }
        self.members.push(Member {
            id: member_id.clone(),
            name: name.clone(),
            accepted_version: None,
            accepted_at: None,
            present: false,
            absent_since: None,
            view_since: self.out.seq + 1,
            guest,
        });
        self.out.emit(Event::MemberAdded {
            member: MemberView {
                member_id,
                name,
                present: false,
                agreement_accepted: false,
                accepted_latest: false,
                agreement_version: None,
                accepted_at: None,
                guest,
            },
        });
        Ok(())
    }

    /// Takes a member out of everything: the floor, the round, the hand queue,
    /// the case queue, the facilitator's role, and finally the group.
    pub(super) fn remove_member(&mut self, member: &MemberId) -> Result<(), Rejection> {
        if !self.is_member(member) {
            return Err(Rejection::not_found("no such member"));
        }
        let members = self.members.iter().filter(|m| !m.guest).count();
        if !self.is_guest(member) && members <= MEMBERS_MIN {
            return Err(Rejection::conflict(format!(
                "a group has at least {MEMBERS_MIN} members"
            )));
        }
        if self.run().is_some_and(|r| r.is_presenter(member)) {
            self.end_run(RunEndReason::PresenterRemoved);
        }
        self.drop_from_rotation(member);
        if self.floor().is_some_and(|f| &f.member == member) {
            self.end_turn(TurnEndReason::Skipped);
        }
        if self.meeting.is_some() {
            // Said, not just done: every client draws the hand queue from
            // events. (Lowering a hand that is not raised changes nothing.)
            let _ = self.lower_hand(member);
        }
        self.queue.withdraw_all_of(member, &mut self.out);
        let successor = self.successor_of(member);
        if self.last_facilitator.as_ref() == Some(member) {
            // The rotation goes on from where the removed member stood: the
            // member before them counts as the last facilitator, so the one
            // after them is next.
            self.last_facilitator = self.predecessor_of(member);
        }
        self.members.retain(|m| &m.id != member);
        self.answers.remove(member);
        self.out.emit(Event::MemberRemoved {
            member: member.clone(),
        });
        let was_facilitator = self
            .meeting
            .as_ref()
            .is_some_and(|m| &m.facilitator == member);
        if was_facilitator {
            self.set_facilitator(successor, FacilitatorReason::Absent);
        }

        Ok(())
    }

    /// The member before `member` in rotation order (the last for the first).
    fn predecessor_of(&self, member: &MemberId) -> Option<MemberId> {
        let at = self.members.iter().position(|m| &m.id == member)?;
        let before = (at + self.members.len() - 1) % self.members.len();
        Some(self.members[before].id.clone()).filter(|m| m != member)
    }

    /// Who takes the role from a removed facilitator: as for an absent one,
    /// or the next member in rotation order when nobody is present.
    fn successor_of(&self, member: &MemberId) -> MemberId {
        if let Some(present) = self.next_present_facilitator(member) {
            return present;
        }
        let next = self.next_in_rotation(Some(member));
        // A group always keeps at least two members, so someone follows.
        debug_assert!(&next != member, "a group has another member");
        next
    }
}
