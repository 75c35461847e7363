//! A group's room displays: connections that are not members. They have no
//! presence and no turn, send no command to the engine, and are sent only
//! what `rondo_protocol::engine::display_frame` lets through, so they are
//! kept apart from the members' connections and never counted with them.

use super::{ConnId, Outbound, Outbox, OUTBOX_CAPACITY, OUTBOX_LEN_MAX};
use std::borrow::Cow;
use std::collections::HashMap;
use tokio_tungstenite::tungstenite::Utf8Bytes;

/// A display's connection and the seq its welcome covers.
struct Display {
    outbox: Outbox,
    welcomed_at: u64,
}

/// The displays connected to one group.
#[derive(Default)]
pub struct Displays {
    conns: HashMap<ConnId, Display>,
}

impl Displays {
    /// Registers a display whose welcome covers the events up to `seq`.
    pub fn join(&mut self, conn: ConnId, outbox: Outbox, seq: u64) {
        self.conns.insert(
            conn,
            Display {
                outbox,
                welcomed_at: seq,
            },
        );
    }

    pub fn leave(&mut self, conn: ConnId) {
        self.conns.remove(&conn);
    }

    /// Closes every display (it was retired, or the group stops here).
    pub fn close_all(&mut self, code: u16, reason: &'static str) {
        for (_, display) in self.conns.drain() {
            let _ = display
                .outbox
                .try_send(Outbound::Close(code, Cow::Borrowed(reason)));
        }
    }

    /// Queues a frame for a display, never waiting: one with `behind_max`
    /// frames already waiting is dropped and reconnects, as a member's
    /// client does.
    pub fn queue(&mut self, conn: ConnId, frame: Outbound, behind_max: usize) {
        let Some(display) = self.conns.get(&conn) else {
            return;
        };
        let waiting = OUTBOX_CAPACITY - display.outbox.capacity();
        if waiting < behind_max && display.outbox.try_send(frame).is_ok() {
            return;
        }
        self.conns.remove(&conn);
    }

    /// Sends an event's display frame to every display welcomed before it.
    pub fn fan_out(&mut self, seq: u64, frame: &Utf8Bytes) {
        let recipients: Vec<ConnId> = self
            .conns
            .iter()
            .filter(|(_, d)| seq > d.welcomed_at)
            .map(|(id, _)| *id)
            .collect();
        for conn in recipients {
            self.queue(conn, Outbound::Text(frame.clone()), OUTBOX_LEN_MAX);
        }
    }
}
