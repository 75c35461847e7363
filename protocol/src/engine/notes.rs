//! Confidential notes: private ones, and those written to a case's presenter.
//! Every note event is addressed by `audience::note_audience`.

use super::audience::note_audience;
use super::emitter::Emitter;
use super::state::{NOTES_PER_MEMBER_MAX, NOTE_CHARS_PER_MEMBER_MAX};
use crate::command::Visibility;
use crate::event::Event;
use crate::ids::{CaseId, MemberId, NoteId};
use crate::reply::Rejection;
use crate::text::NoteText;
use crate::view::Note;
use crate::Millis;
use serde::{Deserialize, Serialize};

type Outcome = Result<(), Rejection>;

/// One meeting's notes, every author's.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Notes {
    notes: Vec<Note>,
}

/// A note as saved: new, or a new text for one of the author's.
pub(crate) struct Saving {
    pub author: MemberId,
    pub note_id: Option<NoteId>,
    pub case_id: Option<CaseId>,
    pub visibility: Visibility,
    /// That case's presenter, for a note to the presenter.
    pub presenter: Option<MemberId>,
    pub text: NoteText,
    pub draft: bool,
    pub now: Millis,
}

impl Notes {
    pub fn all(&self) -> &[Note] {
        &self.notes
    }

    /// Deletes the notes a member wrote and those written to them as
    /// presenter (erasure of a former member).
    pub(crate) fn erase(&mut self, member: &MemberId) {
        self.notes
            .retain(|n| &n.author != member && n.presenter.as_ref() != Some(member));
    }

    /// The notes a member may read: their own, and those written to them as presenter.
    pub fn visible_to<'a>(&'a self, member: &'a MemberId) -> impl Iterator<Item = Note> + 'a {
        self.notes
            .iter()
            .filter(move |n| note_audience(n).includes(member))
            .cloned()
    }

    fn authored(&self, author: &MemberId, note_id: &NoteId) -> Result<&Note, Rejection> {
        self.notes
            .iter()
            .find(|n| &n.note_id == note_id && &n.author == author)
            .ok_or_else(|| Rejection::not_found("no such note"))
    }

    /// Saves a note; `new_id` names a new one.
    pub(crate) fn save(
        &mut self,
        saving: Saving,
        new_id: impl FnOnce() -> NoteId,
        out: &mut Emitter,
    ) -> Outcome {
        let kept: usize = self
            .notes
            .iter()
            .filter(|n| n.author == saving.author && Some(&n.note_id) != saving.note_id.as_ref())
            .map(|n| n.text.chars().count())
            .sum();
        if kept + saving.text.chars().count() > NOTE_CHARS_PER_MEMBER_MAX {
            return Err(Rejection::too_large(format!(
                "a member's notes hold at most {NOTE_CHARS_PER_MEMBER_MAX} characters a meeting"
            )));
        }
        let note = match &saving.note_id {
            Some(note_id) => {
                let existing = self.authored(&saving.author, note_id)?;
                if existing.visibility != saving.visibility || existing.case_id != saving.case_id {
                    return Err(Rejection::conflict(
                        "a note's visibility and case stay as they were; delete it and save a new one",
                    ));
                }
                if existing.sent {
                    return Err(Rejection::invalid_state(
                        "a sent note can no longer be edited; delete it and write a new one",
                    ));
                }
                if existing.draft != saving.draft {
                    return Err(Rejection::conflict(
                        "a draft is delivered with note.send, not by saving it",
                    ));
                }
                Note {
                    text: saving.text,
                    updated_at: saving.now,
                    ..existing.clone()
                }
            }
            None => {
                let mine = self
                    .notes
                    .iter()
                    .filter(|n| n.author == saving.author)
                    .count();
                if mine >= NOTES_PER_MEMBER_MAX {
                    return Err(Rejection::too_large(format!(
                        "at most {NOTES_PER_MEMBER_MAX} notes a meeting"
                    )));
                }
                Note {
                    note_id: new_id(),
                    author: saving.author,
                    case_id: saving.case_id,
                    visibility: saving.visibility,
                    presenter: saving.presenter,
                    text: saving.text,
                    updated_at: saving.now,
                    draft: saving.draft,
                    sent: false,
                }
            }
        };
        match self.notes.iter_mut().find(|n| n.note_id == note.note_id) {
            Some(slot) => *slot = note.clone(),
            None => self.notes.push(note.clone()),
        }
        out.emit_to(note_audience(&note), Event::NoteSaved { note });
        Ok(())
    }

    /// Delivers a draft to the presenter: `note.saved` with `sent`, to the
    /// author and the presenter; from then on it is no longer edited.
    pub(crate) fn send(
        &mut self,
        author: &MemberId,
        note_id: &NoteId,
        now: Millis,
        out: &mut Emitter,
    ) -> Outcome {
        let note = self.authored(author, note_id)?;
        if note.visibility != Visibility::Presenter || !note.draft {
            return Err(Rejection::invalid_state(
                "only a draft to the presenter is sent",
            ));
        }
        let sent = Note {
            draft: false,
            sent: true,
            updated_at: now,
            ..note.clone()
        };
        if let Some(slot) = self.notes.iter_mut().find(|n| &n.note_id == note_id) {
            *slot = sent.clone();
        }
        out.emit_to(note_audience(&sent), Event::NoteSaved { note: sent });
        Ok(())
    }

    pub(crate) fn delete(
        &mut self,
        author: &MemberId,
        note_id: &NoteId,
        out: &mut Emitter,
    ) -> Outcome {
        let audience = note_audience(self.authored(author, note_id)?);
        self.notes.retain(|n| &n.note_id != note_id);
        out.emit_to(
            audience,
            Event::NoteDeleted {
                note_id: note_id.clone(),
            },
        );
        Ok(())
    }
}
