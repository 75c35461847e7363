//! What the group keeps of its meetings beyond the open one: ended meetings
//! for export, and actions not yet done, carried from meeting to meeting.

use super::emitter::Emitter;
use super::state::{ArchivedMeeting, Meeting, ARCHIVE_LEN_MAX, CARRIED_ACTIONS_MAX};
use crate::command::ItemKind;
use crate::event::Event;
use crate::ids::{ItemId, MemberId};
use crate::reply::Rejection;
use crate::view::RecordItem;
use crate::Millis;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Ended meetings, oldest first, for their exports.
    pub(crate) archive: VecDeque<ArchivedMeeting>,
    /// Actions not yet done from ended meetings, shown at the next one.
    pub(crate) carried_actions: Vec<RecordItem>,
}

impl Record {
    /// Keeps an ended meeting for export, and carries its open actions on.
    pub(crate) fn archive(&mut self, meeting: Meeting, now: Millis) {
        let open_actions = meeting
            .record
            .iter()
            .filter(|item| item.kind == ItemKind::Action && !item.done)
            .cloned();
        self.carried_actions.extend(open_actions);
        let excess = self
            .carried_actions
            .len()
            .saturating_sub(CARRIED_ACTIONS_MAX);
        self.carried_actions.drain(..excess);
        self.archive.push_back(ArchivedMeeting {
            id: meeting.id,
            facilitator: meeting.facilitator,
            opened_at: meeting.opened_at,
            ended_at: now,
            record: meeting.record,
            notes: meeting.notes,
            speaking_ms: meeting.speaking_ms,
            presented: meeting.presented,
        });
        while self.archive.len() > ARCHIVE_LEN_MAX {
            self.archive.pop_front();
        }
    }

    /// Marks an action done, in the open meeting or carried from an earlier
    /// one: by its owner, its author or the open meeting's facilitator.
    pub(crate) fn mark_done(
        &mut self,
        meeting: Option<&mut Meeting>,
        member: &MemberId,
        item_id: &ItemId,
        out: &mut Emitter,
    ) -> Result<(), Rejection> {
        let facilitator = meeting.as_ref().map(|m| &m.facilitator);
        let item = meeting
            .iter()
            .flat_map(|m| m.record.iter())
            .chain(self.carried_actions.iter())
            .find(|i| &i.item_id == item_id)
            .ok_or_else(|| Rejection::not_found("no such record item"))?;
        if item.kind != ItemKind::Action {
            return Err(Rejection::invalid_state("only actions are marked done"));
        }
        let allowed = &item.author == member
            || item.owner.as_ref() == Some(member)
            || facilitator == Some(member);
        if !allowed {
            return Err(Rejection::forbidden(
                "only the owner, the author or the facilitator may mark this done",
            ));
        }
        if item.done {
            return Ok(());
        }
        let open = meeting.into_iter().flat_map(|m| m.record.iter_mut());
        let archived = self.archive.iter_mut().flat_map(|m| m.record.iter_mut());
        for item in open.chain(archived).filter(|i| &i.item_id == item_id) {
            item.done = true;
        }
        self.carried_actions.retain(|i| &i.item_id != item_id);
        out.emit(Event::RecordDone {
            item_id: item_id.clone(),
            by: member.clone(),
        });
        Ok(())
    }
}
