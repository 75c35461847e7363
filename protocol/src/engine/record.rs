//! What the group keeps of its meetings beyond the open one: ended meetings
//! for export, and actions not yet done, carried from meeting to meeting.

use super::emitter::Emitter;
use super::state::{ArchivedMeeting, Meeting, ARCHIVE_LEN_MAX, CARRIED_ACTIONS_MAX};
use super::Engine;
use crate::command::ItemKind;
use crate::event::Event;
use crate::ids::{ItemId, MemberId};
use crate::reply::Rejection;
use crate::view::{ItemRights, RecordEntry, RecordItem};
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
        if !markers(item, facilitator).contains(member) {
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

impl Engine {
    /// The actions carried from ended meetings, with who may change them now.
    pub(crate) fn carried_entries(&self) -> Vec<RecordEntry> {
        let open = self.meeting.as_ref();
        self.record
            .carried_actions
            .iter()
            .map(|item| entry(item, open))
            .collect()
    }

    /// After the facilitator changed: who may now change the open meeting's
    /// record, and the carried actions, each in an event of its own (a guest
    /// is sent only the first: the carried actions are not theirs to see).
    pub(crate) fn emit_record_rights(&mut self) {
        let open = self.meeting.as_ref();
        let record = open.map(|m| m.record.as_slice()).unwrap_or_default();
        for items in [record, self.record.carried_actions.as_slice()] {
            if items.is_empty() {
                continue;
            }
            let items = items
                .iter()
                .map(|item| (item.item_id.clone(), rights(item, open)))
                .collect();
            self.out.emit(Event::RecordRights { items });
        }
    }
}

/// Who may edit an item of the open meeting's record: its author and the
/// facilitator. An item of an ended meeting is not edited.
pub(crate) fn editors(item: &RecordItem, open: Option<&Meeting>) -> Vec<MemberId> {
    match open.filter(|m| m.id == item.meeting_id) {
        Some(meeting) => distinct([Some(&item.author), Some(&meeting.facilitator)]),
        None => Vec::new(),
    }
}

/// Who may mark an action done: its author, its owner and the open
/// meeting's facilitator (done or not, so a second mark is acknowledged).
pub(crate) fn markers(item: &RecordItem, facilitator: Option<&MemberId>) -> Vec<MemberId> {
    if item.kind != ItemKind::Action {
        return Vec::new();
    }
    distinct([Some(&item.author), item.owner.as_ref(), facilitator])
}

/// An item with who may change it while `open` is the open meeting.
pub(crate) fn entry(item: &RecordItem, open: Option<&Meeting>) -> RecordEntry {
    RecordEntry {
        item: item.clone(),
        rights: rights(item, open),
    }
}

pub(crate) fn rights(item: &RecordItem, open: Option<&Meeting>) -> ItemRights {
    ItemRights {
        may_edit: editors(item, open),
        may_mark_done: if item.done {
            Vec::new()
        } else {
            markers(item, open.map(|m| &m.facilitator))
        },
    }
}

fn distinct<const N: usize>(members: [Option<&MemberId>; N]) -> Vec<MemberId> {
    let mut list: Vec<MemberId> = Vec::new();
    for member in members.into_iter().flatten() {
        if !list.contains(member) {
            list.push(member.clone());
        }
    }
    list
}
