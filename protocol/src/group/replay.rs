//! The replay window: a group's newest events, kept to bring a resuming
//! client up to date.

use super::{Sent, StoredEvent, REPLAY_WINDOW};
use crate::engine::{Engine, Reach};
use crate::event::{Audience, Event};
use crate::ids::MemberId;
use std::collections::VecDeque;
use std::sync::Arc;

pub(super) struct Replay<F> {
    recent: VecDeque<Arc<Sent<F>>>,
}

impl<F: super::Frame> Replay<F> {
    /// The window as read back from the store, and how many events in it
    /// could not be read. An event whose stored audience or type cannot be
    /// read is left out, never widened to everyone: a private note must not
    /// be replayed to the group because its audience was unreadable. A
    /// client resuming across the gap gets `resumed:false` and the snapshot.
    pub fn from_stored(events: Vec<StoredEvent>) -> (Replay<F>, usize) {
        let mut recent = VecDeque::with_capacity(events.len());
        let mut unreadable = 0;
        for stored in events {
            if starts_afresh(&stored.json) {
                recent.clear();
            }
            let Some(sent) = Sent::from_record(stored) else {
                unreadable += 1;
                // Later events would replay past the hole: start after it.
                recent.clear();
                continue;
            };
            recent.push_back(Arc::new(sent));
        }
        (Replay { recent }, unreadable)
    }

    /// Keeps an event; one that deleted expired content (`afresh`) drops
    /// the events before it, which may quote that content: a resume from
    /// before it is answered with a fresh welcome.
    pub fn push(&mut self, sent: Arc<Sent<F>>, afresh: bool) {
        if afresh {
            self.recent.clear();
        }
        self.recent.push_back(sent);
        if self.recent.len() > REPLAY_WINDOW {
            self.recent.pop_front();
        }
    }

    /// The events after `from` that `member` may receive, if the window and
    /// the member's view reach back to `from`; `None` when they do not, and
    /// the member is given the snapshot alone.
    pub fn since(&self, engine: &Engine, member: &MemberId, from: u64) -> Option<Vec<F>> {
        let seq = engine.seq();
        let oldest_kept = self.recent.front().map_or(seq + 1, |e| e.seq);
        let view_since = engine.view_since(member)?;
        if from > seq || from + 1 < oldest_kept || from < view_since {
            return None;
        }
        Some(
            self.recent
                .iter()
                .filter(|e| e.seq > from && engine.may_receive(member, e.reach()))
                .map(|e| e.frame.clone())
                .collect(),
        )
    }
}

/// A stored event's wire `type`.
fn kind_of(json: &str) -> Option<&str> {
    #[derive(serde::Deserialize)]
    struct Kind<'a> {
        #[serde(rename = "type", borrow)]
        kind: &'a str,
    }
    serde_json::from_str::<Kind>(json).ok().map(|k| k.kind)
}

/// Whether a stored event is one after which earlier events may not be
/// replayed ([`Event::starts_afresh_kind`]).
fn starts_afresh(json: &str) -> bool {
    kind_of(json).is_some_and(Event::starts_afresh_kind)
}

impl<F: super::Frame> Sent<F> {
    /// An event as stored: its audience (`None`: everyone) and its JSON,
    /// whose `type` says whether it is public.
    pub(super) fn from_record(stored: StoredEvent) -> Option<Sent<F>> {
        let audience = match &stored.audience {
            None => Audience::Everyone,
            Some(json) => Audience::Only(serde_json::from_str(json).ok()?),
        };
        let public = Event::is_public_kind(kind_of(&stored.json)?);
        Some(Sent {
            seq: stored.seq,
            audience,
            public,
            frame: F::from(stored.json),
        })
    }

    pub(super) fn reach(&self) -> Reach<'_> {
        Reach {
            audience: &self.audience,
            public: self.public,
        }
    }
}
