//! Cases prepared in advance: the written background a presenter keeps to
//! themselves until they share it ("put in writing and distributed a few
//! days before").
//!
//! An unshared brief lives here, beside the queue, never in the case the
//! queue holds: every path that sends a case (events, welcomes, the room
//! display, exports) then carries no unshared text without having to
//! remember to strip it. Its one exit is `case.brief`, addressed to the
//! presenter alone, and the presenter's own welcome.

use super::state::CASE_MINUTES_MAX;
use super::Engine;
use crate::command::CaseEdit;
use crate::event::{Audience, Event};
use crate::ids::{CaseId, MemberId};
use crate::reply::Rejection;
use crate::text::Brief;
use crate::view::CaseView;

type Outcome = Result<(), Rejection>;

impl Engine {
    /// Keeps a presenter's unshared brief and tells the presenter alone.
    pub(crate) fn keep_brief(&mut self, presenter: &MemberId, case_id: CaseId, brief: Brief) {
        let queue = &self.queue;
        self.briefs
            .retain(|id, _| queue.cases().iter().any(|c| &c.case_id == id));
        self.briefs.insert(case_id.clone(), brief.clone());
        self.out.emit_to(
            Audience::Only(vec![presenter.clone()]),
            Event::CaseBrief { case_id, brief },
        );
    }

    /// `case.edit`: its presenter changes a queued case. Every field is
    /// checked before anything changes.
    pub(crate) fn edit_case(&mut self, member: &MemberId, c: CaseEdit) -> Outcome {
        let case = self.queue.queued(&c.case_id)?;
        if &case.presenter != member {
            return Err(Rejection::forbidden("only its presenter may edit a case"));
        }
        if c.title.as_ref().is_some_and(|t| t.is_blank()) {
            return Err(Rejection::bad_request("title must not be empty"));
        }
        if c.minutes
            .is_some_and(|m| !(1..=CASE_MINUTES_MAX).contains(&m))
        {
            return Err(Rejection::bad_request(format!(
                "minutes must be 1-{CASE_MINUTES_MAX}"
            )));
        }
        let shared = case.brief_shared;
        let changes_case = c.title.is_some() || c.question.is_some() || c.minutes.is_some();
        if !changes_case && c.brief.is_none() {
            return Ok(());
        }
        let case = self.queue.queued_mut(&c.case_id)?;
        if let Some(title) = c.title {
            case.title = title;
        }
        if let Some(question) = c.question {
            case.question = question;
        }
        if let Some(minutes) = c.minutes {
            case.minutes = minutes;
        }
        match c.brief {
            // A shared brief stays shared: the group reads the new text.
            Some(brief) if shared => case.brief = Some(brief),
            Some(brief) => {
                if changes_case {
                    let case = case.clone();
                    self.out.emit(Event::CaseEdited { case });
                }
                self.keep_brief(member, c.case_id, brief);
                return Ok(());
            }
            None => {}
        }
        let case = case.clone();
        self.out.emit(Event::CaseEdited { case });
        Ok(())
    }

    /// `case.share`: the presenter gives the brief to everyone who may see
    /// the case. Sharing a shared brief again changes nothing.
    pub(crate) fn share_brief(&mut self, member: &MemberId, case_id: &CaseId) -> Outcome {
        let case = self.queue.queued(case_id)?;
        if &case.presenter != member {
            return Err(Rejection::forbidden("only its presenter may share a brief"));
        }
        if case.brief_shared {
            return Ok(());
        }
        let Some(brief) = self.briefs.get(case_id).filter(|b| !b.is_blank()).cloned() else {
            return Err(Rejection::invalid_state("the case has no brief to share"));
        };
        self.briefs.remove(case_id);
        let case = self.queue.queued_mut(case_id)?;
        case.brief_shared = true;
        case.brief = Some(brief.clone());
        self.out.emit(Event::CaseShared {
            case_id: case_id.clone(),
            brief,
        });
        Ok(())
    }

    /// The queue as `viewer` sees it: with their own unshared briefs.
    pub(crate) fn queue_seen_by(&self, viewer: &MemberId) -> Vec<CaseView> {
        self.queue
            .cases()
            .iter()
            .map(|case| {
                let draft = (&case.presenter == viewer)
                    .then(|| self.briefs.get(&case.case_id))
                    .flatten();
                match draft {
                    Some(brief) => CaseView {
                        brief: Some(brief.clone()),
                        ..case.clone()
                    },
                    None => case.clone(),
                }
            })
            .collect()
    }
}
