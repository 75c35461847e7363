//! A guest for one meeting: the agreement's "independent person". A guest
//! takes part in the open (or next) meeting as a member does, but never
//! facilitates, sees nothing of the group's other meetings — no past
//! meeting, no open action carried from earlier, no case queued while no
//! meeting is open — and leaves the group when that meeting ends, so their
//! link stops working with it.

use super::{Engine, Output};
use crate::event::{Addressed, Audience, Event};
use crate::ids::{ItemId, MemberId};
use crate::reply::Rejection;
use crate::text::Name;
use crate::view::Welcome;

/// Most guests a group has at once; they do not count among its members.
pub const GUESTS_MAX: usize = 2;

/// The guests as an input found them, to settle what the input changed
/// for them once it is handled.
pub(crate) struct GuestsBefore {
    guests: Vec<MemberId>,
    meeting_open: bool,
}

impl GuestsBefore {
    pub(crate) fn of(engine: &Engine) -> GuestsBefore {
        GuestsBefore {
            guests: engine.guests().cloned().collect(),
            meeting_open: engine.meeting.is_some(),
        }
    }

    /// Withholds from guests what belongs to other meetings; a meeting that
    /// opened brings them a fresh welcome (its queue is now theirs to see);
    /// guests who left with the meeting's end are named for the server.
    pub(crate) fn settle(self, engine: &Engine, output: &mut Output) {
        let guests: Vec<MemberId> = engine.guests().cloned().collect();
        if !guests.is_empty() {
            for addressed in output.events.iter_mut() {
                if !engine.guest_may_see(addressed) {
                    let others = engine.member_ids().filter(|m| !guests.contains(m));
                    addressed.audience = match &addressed.audience {
                        Audience::Everyone => Audience::Only(others.cloned().collect()),
                        Audience::Only(only) => Audience::Only(
                            only.iter()
                                .filter(|m| !guests.contains(m))
                                .cloned()
                                .collect(),
                        ),
                    };
                }
            }
        }
        if !self.meeting_open && engine.meeting.is_some() {
            for guest in guests.iter().filter(|g| engine.has_accepted(g)) {
                if !output.gate_changed.contains(guest) {
                    output.gate_changed.push(guest.clone());
                }
            }
        }
        output.guests_dismissed = self
            .guests
            .into_iter()
            .filter(|g| !engine.is_member(g))
            .collect();
    }
}

impl Engine {
    /// The guests of the group now.
    pub(crate) fn guests(&self) -> impl Iterator<Item = &MemberId> {
        self.members.iter().filter(|m| m.guest).map(|m| &m.id)
    }

    pub fn is_guest(&self, member: &MemberId) -> bool {
        self.member(member).is_some_and(|m| m.guest)
    }

    /// Whether a guest may receive an event: nothing about the queue
    /// between meetings, and nothing of the actions of earlier meetings.
    fn guest_may_see(&self, addressed: &Addressed) -> bool {
        let between_meetings = addressed.event.meeting_id.is_none();
        match &addressed.event.event {
            Event::CaseProposed { .. }
            | Event::CaseWithdrawn { .. }
            | Event::CaseEdited { .. }
            | Event::CaseShared { .. }
            | Event::CaseContinued { .. }
            | Event::QueueReordered { .. } => !between_meetings,
            Event::RecordDone { item_id, .. } => self.in_open_record(item_id),
            Event::RecordRights { items } => items.keys().all(|id| self.in_open_record(id)),
            Event::ActionsCarried { .. } => false,
            _ => true,
        }
    }

    fn in_open_record(&self, item_id: &ItemId) -> bool {
        self.meeting
            .as_ref()
            .is_some_and(|m| m.record.iter().any(|i| &i.item_id == item_id))
    }

    /// A guest's welcome: only what belongs to the open meeting.
    pub(crate) fn as_guest_sees(&self, member: &MemberId, welcome: Welcome) -> Welcome {
        if !self.is_guest(member) {
            return welcome;
        }
        Welcome {
            queue: if self.meeting.is_some() {
                welcome.queue
            } else {
                Vec::new()
            },
            open_actions: Vec::new(),
            past_meetings: Vec::new(),
            ..welcome
        }
    }

    /// Whether `member` may be given the facilitator's role.
    pub(crate) fn may_facilitate(&self, member: &MemberId) -> Result<(), Rejection> {
        if self.is_guest(member) {
            return Err(Rejection::forbidden("a guest never facilitates"));
        }
        Ok(())
    }

    /// Invites a guest: `member.added` with `guest:true`.
    pub(crate) fn add_guest(&mut self, member_id: MemberId, name: Name) -> Result<(), Rejection> {
        if self.guests().count() >= GUESTS_MAX {
            return Err(Rejection::conflict(format!(
                "a group has at most {GUESTS_MAX} guests at once"
            )));
        }
        self.admit(member_id, name, true)
    }

    /// At a meeting's end its guests leave the group.
    pub(crate) fn dismiss_guests(&mut self) {
        let guests: Vec<MemberId> = self.guests().cloned().collect();
        for guest in guests {
            // A guest is never needed for the two-member minimum.
            let _ = self.remove_member(&guest);
        }
    }
}

impl Engine {
    /// Whether `member` may download a meeting's record or their notes: a
    /// guest only the open meeting's, which is theirs.
    pub fn may_export(
        &self,
        member: &crate::ids::MemberId,
        meeting: &crate::ids::MeetingId,
    ) -> bool {
        if !self.is_guest(member) {
            return self.is_member(member);
        }
        self.meeting.as_ref().is_some_and(|m| &m.id == meeting)
    }
}
