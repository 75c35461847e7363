//! Where the events of one input collect. A field of its own beside the
//! state, so a method can hold `&mut Meeting` (or the queue, or the record)
//! and still emit: the borrows are of different fields.

use crate::event::{Addressed, Audience, Event, EventEnvelope};
use crate::ids::MeetingId;
use crate::Millis;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Emitter {
    /// The seq of the last event; the only part that is state, stored with
    /// the engine.
    pub(crate) seq: u64,
    /// The time of the input being handled.
    #[serde(skip)]
    pub(crate) now: Millis,
    /// The open meeting, named in every event's envelope.
    #[serde(skip)]
    pub(crate) meeting_id: Option<MeetingId>,
    /// Events emitted while handling the current input.
    #[serde(skip)]
    pending: Vec<Addressed>,
}

impl Emitter {
    /// Starts an input at `now` (never earlier than the last one: time
    /// never runs backwards for the engine, even if the caller's clock does).
    pub(crate) fn begin(&mut self, now: Millis, meeting_id: Option<MeetingId>) {
        self.now = now.max(self.now);
        self.meeting_id = meeting_id;
        self.pending.clear();
    }

    /// Records an event for everyone.
    pub(crate) fn emit(&mut self, event: Event) {
        self.emit_to(Audience::Everyone, event);
    }

    /// Records an event for an audience.
    pub(crate) fn emit_to(&mut self, audience: Audience, event: Event) {
        self.seq += 1;
        let envelope = EventEnvelope {
            seq: self.seq,
            at: self.now,
            meeting_id: self.meeting_id.clone(),
            event,
        };
        self.pending.push(Addressed {
            audience,
            event: envelope,
        });
    }

    /// How many events this input has emitted so far.
    pub(crate) fn emitted(&self) -> usize {
        self.pending.len()
    }

    /// The input's events, in order.
    pub(crate) fn take(&mut self) -> Vec<Addressed> {
        std::mem::take(&mut self.pending)
    }
}
