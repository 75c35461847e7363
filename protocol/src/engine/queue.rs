//! The group's case queue: cases proposed for this meeting or the next, and
//! the one running now. Urgent cases sort first; the facilitator reorders.

use super::emitter::Emitter;
use super::state::QUEUE_LEN_MAX;
use crate::event::Event;
use crate::ids::{CaseId, MemberId};
use crate::reply::Rejection;
use crate::view::{CaseStatus, CaseView};
use serde::{Deserialize, Serialize};

type Outcome = Result<(), Rejection>;

/// Queued and active cases, in queue order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Queue {
    cases: Vec<CaseView>,
}

impl Queue {
    pub fn cases(&self) -> &[CaseView] {
        &self.cases
    }

    /// Adds a case: an urgent one after the other urgent ones, before the
    /// rest; any other at the end.
    pub(crate) fn propose(&mut self, case: CaseView, out: &mut Emitter) -> Outcome {
        if self.cases.len() >= QUEUE_LEN_MAX {
            return Err(Rejection::conflict("the case queue is full"));
        }
        let position = if case.urgent {
            self.cases
                .iter()
                .position(|q| q.status == CaseStatus::Queued && !q.urgent)
                .unwrap_or(self.cases.len())
        } else {
            self.cases.len()
        };
        self.cases.insert(position, case.clone());
        out.emit(Event::CaseProposed { case, position });
        Ok(())
    }

    /// A case still waiting its turn.
    pub(crate) fn queued(&self, case_id: &CaseId) -> Result<&CaseView, Rejection> {
        let case = self
            .cases
            .iter()
            .find(|c| &c.case_id == case_id)
            .ok_or_else(|| Rejection::not_found("no such case in the queue"))?;
        if case.status != CaseStatus::Queued {
            return Err(Rejection::invalid_state("the case is not queued"));
        }
        Ok(case)
    }

    /// A case still waiting its turn, to change.
    pub(crate) fn queued_mut(&mut self, case_id: &CaseId) -> Result<&mut CaseView, Rejection> {
        self.queued(case_id)?;
        Ok(self
            .cases
            .iter_mut()
            .find(|c| &c.case_id == case_id)
            .expect("queued() found it"))
    }

    pub(crate) fn withdraw(
        &mut self,
        member: &MemberId,
        case_id: &CaseId,
        out: &mut Emitter,
    ) -> Outcome {
        if &self.queued(case_id)?.presenter != member {
            return Err(Rejection::forbidden(
                "only its presenter may withdraw a case",
            ));
        }
        self.cases.retain(|c| &c.case_id != case_id);
        out.emit(Event::CaseWithdrawn {
            case_id: case_id.clone(),
        });
        Ok(())
    }

    /// Withdraws every queued case of a member who leaves the group.
    pub(crate) fn withdraw_all_of(&mut self, member: &MemberId, out: &mut Emitter) {
        let withdrawn: Vec<CaseId> = self
            .cases
            .iter()
            .filter(|c| &c.presenter == member && c.status == CaseStatus::Queued)
            .map(|c| c.case_id.clone())
            .collect();
        for case_id in withdrawn {
            self.cases.retain(|c| c.case_id != case_id);
            out.emit(Event::CaseWithdrawn { case_id });
        }
    }

    /// Puts the queued cases in the given order, which must name each once.
    pub(crate) fn reorder(&mut self, order: Vec<CaseId>, out: &mut Emitter) -> Outcome {
        let mut queued: Vec<&CaseId> = self
            .cases
            .iter()
            .filter(|c| c.status == CaseStatus::Queued)
            .map(|c| &c.case_id)
            .collect();
        let mut given: Vec<&CaseId> = order.iter().collect();
        queued.sort();
        given.sort();
        if queued != given {
            return Err(Rejection::bad_request(
                "order must list every queued case exactly once",
            ));
        }
        let (active, mut rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.cases)
            .into_iter()
            .partition(|c| c.status == CaseStatus::Active);
        rest.sort_by_key(|c| order.iter().position(|id| id == &c.case_id));
        self.cases = active.into_iter().chain(rest).collect();
        out.emit(Event::QueueReordered { order });
        Ok(())
    }

    /// Marks a queued case as running; the case as it now is.
    pub(crate) fn activate(&mut self, case_id: &CaseId) -> Result<CaseView, Rejection> {
        self.queued(case_id)?;
        let case = self
            .cases
            .iter_mut()
            .find(|c| &c.case_id == case_id)
            .expect("queued() found it");
        case.status = CaseStatus::Active;
        Ok(case.clone())
    }

    /// Puts a case at the head of the queue (in place of its old entry).
    pub(crate) fn put_first(&mut self, case: CaseView) {
        self.remove(&case.case_id);
        self.cases.insert(0, case);
    }

    /// Takes a case that was presented out of the queue.
    pub(crate) fn remove(&mut self, case_id: &CaseId) {
        self.cases.retain(|c| &c.case_id != case_id);
    }

    pub(crate) fn presenter_of(&self, case_id: &CaseId) -> Option<&MemberId> {
        self.cases
            .iter()
            .find(|c| &c.case_id == case_id)
            .map(|c| &c.presenter)
    }
}
