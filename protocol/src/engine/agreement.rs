//! The agreement lifecycle: versions published (immutable, kept in order),
//! acceptances (kept for good), and the gate: a member who has not accepted
//! the version in force takes no part, and sees nothing confidential (the
//! one rule in `audience.rs` asks `has_accepted` as every frame leaves).

use super::state::Member;
use super::Engine;
use crate::command::Date;
use crate::event::Event;
use crate::ids::MemberId;
use crate::reply::Rejection;
use crate::text::AgreementText;
use crate::view::{Acceptance, Agreement, AgreementView, PublishedAgreement};
use std::collections::VecDeque;

/// Acceptances kept in the engine's state; the log keeps every one.
pub const ACCEPTANCES_MAX: usize = 2_000;
/// Versions kept in the history.
pub const VERSIONS_MAX: usize = 200;

impl Engine {
    /// The version members must have accepted to take part now.
    pub fn in_force(&self) -> u32 {
        self.in_force.unwrap_or(self.agreement.version)
    }

    /// Whether `member` accepted the version in force.
    pub fn has_accepted(&self, member: &MemberId) -> bool {
        self.member(member).is_some_and(|m| self.accepted(m))
    }

    /// Whether this member accepted the version in force.
    pub(crate) fn accepted(&self, member: &Member) -> bool {
        member
            .accepted_version
            .is_some_and(|v| v >= self.in_force())
    }

    /// Whether `member` accepted the newest version, in force or not yet.
    pub fn has_accepted_latest(&self, member: &MemberId) -> bool {
        let latest = self.agreement.version;
        self.member(member)
            .is_some_and(|m| m.accepted_version.is_some_and(|v| v >= latest))
    }

    /// Members who have not accepted the version in force.
    pub(crate) fn gated(&self) -> Vec<MemberId> {
        self.members
            .iter()
            .filter(|m| !self.accepted(m))
            .map(|m| m.id.clone())
            .collect()
    }

    pub(crate) fn accept_agreement(
        &mut self,
        member: &MemberId,
        version: u32,
    ) -> Result<(), Rejection> {
        if version != self.agreement.version {
            return Err(Rejection::conflict(format!(
                "the current agreement is version {}",
                self.agreement.version
            )));
        }
        let now = self.out.now;
        let Some(entry) = self.members.iter_mut().find(|m| &m.id == member) else {
            return Ok(());
        };
        if entry.accepted_version == Some(version) {
            return Ok(());
        }
        entry.accepted_version = Some(version);
        entry.accepted_at = Some(now);
        self.acceptances.push_back(Acceptance {
            member_id: member.clone(),
            version,
            at: now,
        });
        while self.acceptances.len() > ACCEPTANCES_MAX {
            self.acceptances.pop_front();
        }
        let agreement_accepted = self.has_accepted(member);
        let accepted_latest = self.has_accepted_latest(member);
        self.out.emit(Event::AgreementAccepted {
            member: member.clone(),
            version,
            agreement_accepted,
            accepted_latest,
        });
        Ok(())
    }

    /// A new version: asked of everyone at once, enforced at once — or, while
    /// a meeting is open, from its end, so nobody is shut out mid-meeting.
    pub(crate) fn publish_agreement(&mut self, text: AgreementText, review_on: Option<Date>) {
        if self.agreements.is_empty() {
            // The group's first version, as it began.
            self.remember_version();
        }
        if self.meeting.is_some() {
            self.in_force = Some(self.in_force());
        }
        self.agreement = Agreement {
            version: self.agreement.version + 1,
            text,
            review_on,
            published_at: self.out.now,
        };
        if self.meeting.is_none() {
            self.in_force = Some(self.agreement.version);
        }
        self.remember_version();
        self.emit_agreement_updated();
    }

    /// At a meeting's end, a version published during it comes into force:
    /// said with `agreement.updated`, since who has accepted changes.
    pub(crate) fn enforce_latest_agreement(&mut self) {
        if self.in_force() == self.agreement.version {
            return;
        }
        self.in_force = Some(self.agreement.version);
        self.emit_agreement_updated();
    }

    /// The agreement as it now stands, who has accepted the version in
    /// force and who the newest.
    fn emit_agreement_updated(&mut self) {
        let agreement = self.agreement_view(self.out.now);
        let who = |accepted: fn(&Engine, &MemberId) -> bool| {
            self.members
                .iter()
                .filter(|m| accepted(self, &m.id))
                .map(|m| m.id.clone())
                .collect()
        };
        let (accepted, accepted_latest) =
            (who(Engine::has_accepted), who(Engine::has_accepted_latest));
        self.out.emit(Event::AgreementUpdated {
            agreement,
            accepted,
            accepted_latest,
        });
    }

    fn remember_version(&mut self) {
        self.agreements.push_back(PublishedAgreement {
            version: self.agreement.version,
            published_at: self.agreement.published_at,
            review_on: self.agreement.review_on.clone(),
        });
        while self.agreements.len() > VERSIONS_MAX {
            self.agreements.pop_front();
        }
    }

    /// The latest version as members see it at `now`.
    pub fn agreement_view(&self, now: crate::Millis) -> AgreementView {
        let today = Date::of_epoch_ms(now);
        AgreementView {
            version: self.agreement.version,
            text: self.agreement.text.clone(),
            review_on: self.agreement.review_on.clone(),
            published_at: self.agreement.published_at,
            review_due: self
                .agreement
                .review_on
                .as_ref()
                .is_some_and(|d| *d <= today),
            in_force: self.in_force(),
            max_gap_days: self.supervision.max_gap_days(),
        }
    }

    /// Every version published, oldest first (the first as the group began).
    pub fn agreement_history(&self) -> Vec<PublishedAgreement> {
        if self.agreements.is_empty() {
            return vec![PublishedAgreement {
                version: self.agreement.version,
                published_at: self.agreement.published_at,
                review_on: self.agreement.review_on.clone(),
            }];
        }
        self.agreements.iter().cloned().collect()
    }

    /// Every acceptance kept, oldest first.
    pub fn acceptances(&self) -> &VecDeque<Acceptance> {
        &self.acceptances
    }
}
