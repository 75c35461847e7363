//! Who may see what: every rule that narrows an event's audience or a
//! view's content, in one place, so a private text cannot be addressed more
//! widely in one code path than in another.

use crate::command::Visibility;
use crate::event::Audience;
use crate::ids::MemberId;
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

/// A private reflection on a meeting: its author alone.
pub fn reflection_audience(author: &MemberId) -> Audience {
    Audience::Only(vec![author.clone()])
}
