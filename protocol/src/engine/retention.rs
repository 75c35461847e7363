//! Retention: what meetings said (their record, notes, cases, contributions
//! and the members' reflections) is deleted once the group's retention has
//! passed; what they are evidence of (attendance, confirmations,
//! countersignatures, agreement acceptances) is kept. Erasure does the same
//! for one removed member at once: their notes and reflections go, their
//! attendance stays under the name "former member".
//!
//! Expiry is decided from the input's time alone, a month at a time: the
//! deadline is the first instant of the month in which another month's
//! content expires, so replaying the log expires the same meetings.

use super::Engine;
use crate::event::Event;
use crate::ids::{MeetingId, MemberId};
use crate::reply::Rejection;
use crate::retention::{check_months, kept_from, month_start};
use crate::text::Name;
use crate::Millis;
use std::collections::BTreeSet;

/// What an erased member is called in every view and export.
pub const FORMER_MEMBER: &str = "former member";

impl Engine {
    /// Erases a member the group has removed: the notes they wrote (and
    /// those written to them as presenter) and their reflections are
    /// deleted; their attendance and acceptances stay, as evidence, under
    /// the name "former member". Erasing twice changes nothing.
    pub(super) fn erase_member(&mut self, member: MemberId) -> Result<(), Rejection> {
        if self.is_member(&member) {
            return Err(Rejection::conflict(
                "only a removed member is erased: remove them first",
            ));
        }
        if self.erased.contains(&member) {
            return Ok(());
        }
        let attended = self
            .supervision
            .meetings
            .iter()
            .any(|m| m.attendance_of(&member).is_some());
        let accepted = self.acceptances.iter().any(|a| a.member_id == member);
        if !attended && !accepted {
            return Err(Rejection::not_found("no such former member"));
        }
        for archived in self.record.archive.iter_mut() {
            archived.notes.erase(&member);
        }
        if let Some(meeting) = self.meeting.as_mut() {
            meeting.notes.erase(&member);
        }
        for attended in self.supervision.meetings.iter_mut() {
            attended.reflections.remove(&member);
        }
        self.erased.insert(member.clone());
        self.out.emit(Event::MemberErased { member });
        Ok(())
    }

    /// The name of a member no longer in the group: "former member" once
    /// erased, else their id.
    pub(super) fn former_name(&self, member: &MemberId) -> String {
        if self.erased.contains(member) {
            FORMER_MEMBER.to_owned()
        } else {
            member.to_string()
        }
    }

    /// The names exports give their members: the group's, and "former
    /// member" for each one erased.
    pub(super) fn export_names(&self) -> Vec<(MemberId, Name)> {
        // Fourteen characters, within a name's bounds.
        let former = Name::new(FORMER_MEMBER).expect("a short name");
        self.members
            .iter()
            .map(|m| (m.id.clone(), m.name.clone()))
            .chain(self.erased.iter().map(|id| (id.clone(), former.clone())))
            .collect()
    }

    pub(super) fn set_retention(&mut self, months: Option<u16>) -> Result<(), Rejection> {
        check_months(months).map_err(Rejection::bad_request)?;
        if months != self.retention_months {
            self.retention_months = months;
            self.out.emit(Event::RetentionUpdated {
                retention_months: months,
            });
            self.expire_due();
        }
        Ok(())
    }

    /// The first month still kept: the store destroys the data keys of the
    /// months before it.
    pub fn kept_from(&self) -> u32 {
        self.kept_from
    }

    /// How many removed members have been erased.
    pub fn erased_count(&self) -> usize {
        self.erased.len()
    }

    /// Whether what a meeting that ended at `ended_at` said has expired.
    pub(super) fn expired(&self, ended_at: Millis) -> bool {
        self.retention_months.is_some() && ended_at < month_start(self.kept_from)
    }

    /// When content expires next, with a retention set.
    pub(super) fn next_expiry(&self) -> Option<Millis> {
        let months = u32::from(self.retention_months?);
        Some(month_start(self.kept_from + months + 1))
    }

    /// Deletes the content of the meetings that ended before the first
    /// month still kept, if that month moved on.
    pub(super) fn expire_due(&mut self) {
        let Some(months) = self.retention_months else {
            return;
        };
        // Every input passes here: the month's arithmetic alone, until due.
        if self.next_expiry().is_some_and(|at| self.out.now < at) {
            return;
        }
        let kept = kept_from(self.out.now, months);
        if kept <= self.kept_from {
            return;
        }
        // Meetings that ended before the previous cutoff were dealt with then.
        let since = month_start(self.kept_from);
        self.kept_from = kept;
        let before = month_start(kept);
        let mut expired: BTreeSet<MeetingId> = BTreeSet::new();
        self.record.archive.retain(|m| {
            let keep = m.ended_at >= before;
            if !keep {
                expired.insert(m.id.clone());
            }
            keep
        });
        for attended in self.supervision.meetings.iter_mut() {
            if (since..before).contains(&attended.ended_at) {
                attended.reflections.clear();
                expired.insert(attended.meeting_id.clone());
            }
        }
        self.record
            .carried_actions
            .retain(|item| !expired.contains(&item.meeting_id));
        // Unshared briefs of cases presented since (briefs of queued cases
        // belong to meetings still to come).
        let queue = &self.queue;
        self.briefs
            .retain(|id, _| queue.cases().iter().any(|c| &c.case_id == id));
        self.out.emit(Event::ContentExpired {
            before,
            meetings: expired.into_iter().collect(),
        });
    }
}
