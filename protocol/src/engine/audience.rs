//! Who may see what: every rule that narrows an event's audience or a
//! view's content, and the one rule every exit applies, in one place, so a
//! private text cannot be addressed more widely in one code path than in
//! another.

use super::Engine;
use crate::command::Visibility;
use crate::event::Audience;
use crate::ids::MemberId;
use crate::reply::{ErrorCode, Rejection};
use crate::template::RevealTo;
use crate::view::Note;

/// A private note, or a draft to the presenter: its author alone. A note to
/// the presenter: its author and that case's presenter.
pub fn note_audience(note: &Note) -> Audience {
    let mut members = vec![note.author.clone()];
    if note.visibility == Visibility::Presenter && !note.draft {
        if let Some(presenter) = &note.presenter {
            if presenter != &note.author {
                members.push(presenter.clone());
            }
        }
    }
    Audience::Only(members)
}

/// Written contributions, once revealed: the group, or the presenter alone.
pub fn reveal_audience(to: RevealTo, presenter: Option<&MemberId>) -> Audience {
    match (to, presenter) {
        (RevealTo::Presenter, Some(presenter)) => Audience::Only(vec![presenter.clone()]),
        _ => Audience::Everyone,
    }
}

/// What the one rule needs to know of an event: who it is addressed to, and
/// whether it is public (the roster, the agreement, the meeting's status).
#[derive(Clone, Copy, Debug)]
pub struct Reach<'a> {
    pub audience: &'a Audience,
    pub public: bool,
}

impl Engine {
    /// The one rule (PRODUCT.md rules 11 and 14), decided as the frame
    /// leaves, against the group as it is then: an event reaches `member`
    /// only while they are a current member, only if it is addressed to them,
    /// and — unless it is public — only once they have accepted the agreement
    /// in force. Live delivery, the resume replay and the simulated meeting
    /// all ask it.
    pub fn may_receive(&self, member: &MemberId, reach: Reach<'_>) -> bool {
        // One look-up of the member: this runs for every frame and recipient.
        self.member(member)
            .is_some_and(|m| reach.audience.includes(member) && (reach.public || self.accepted(m)))
    }

    /// The same rule for documents (a record, one's notes): a current member
    /// who has accepted the agreement in force.
    pub fn may_read(&self, member: &MemberId) -> Result<(), Rejection> {
        if !self.is_member(member) {
            return Err(Rejection::new(
                ErrorCode::Unauthorized,
                "not a member of this group",
            ));
        }
        if !self.has_accepted(member) {
            return Err(Rejection::new(
                ErrorCode::AgreementRequired,
                "accept the agreement first",
            ));
        }
        Ok(())
    }

    /// The seq from which `member` may be brought up to date by replaying
    /// events: a resume from before they were added gets a fresh welcome
    /// instead. (Across a change of the gate the one rule is enough: each
    /// event is judged by what the member may see now.)
    pub fn view_since(&self, member: &MemberId) -> Option<u64> {
        self.member(member).map(|m| m.view_since)
    }
}

/// A private reflection on a meeting: its author alone.
pub fn reflection_audience(author: &MemberId) -> Audience {
    Audience::Only(vec![author.clone()])
}
