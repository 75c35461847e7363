//! A group's connections: the one place that registers, drops and closes
//! them, and so the one producer of presence inputs.
//!
//! Connections change while a batch is planned (a join is registered, a
//! leave removed, a closed member's sockets taken out) so that every later
//! message of the same batch sees who is really connected; the frames go
//! out only once the batch is durable. A connection is registered before
//! its `welcome` is sent, so it carries the seq its welcome covers and
//! receives only the events after it.

use super::{ConnId, Outbound, Outbox, OUTBOX_CAPACITY};
use crate::metrics::Metrics;
use rondo_protocol::engine::Input;
use rondo_protocol::event::Audience;
use rondo_protocol::ids::MemberId;
use std::collections::HashMap;
use std::sync::Arc;

struct Conn {
    member: MemberId,
    outbox: Outbox,
    /// The seq the connection's welcome covers; `None` until the welcome is
    /// planned. Events up to it are in the welcome and are not sent again.
    welcomed_at: Option<u64>,
}

pub struct Conns {
    conns: HashMap<ConnId, Conn>,
    /// Members whose connection was dropped for being slow, whose presence
    /// is still to be updated (a drop happens while delivering, after the
    /// batch's inputs were logged).
    dropped: Vec<MemberId>,
    metrics: Arc<Metrics>,
}

impl Conns {
    pub fn new(metrics: Arc<Metrics>) -> Conns {
        Conns {
            conns: HashMap::new(),
            dropped: Vec::new(),
            metrics,
        }
    }

    fn connected(&self, member: &MemberId) -> bool {
        self.conns.values().any(|c| &c.member == member)
    }

    /// Registers a member's new connection; the presence input to apply when
    /// it is the member's first. [`Conns::welcomed`] must follow once the
    /// welcome is planned.
    pub fn join(&mut self, conn: ConnId, member: MemberId, outbox: Outbox) -> Option<Input> {
        let first = !self.connected(&member);
        self.conns.insert(
            conn,
            Conn {
                member: member.clone(),
                outbox,
                welcomed_at: None,
            },
        );
        self.metrics.connection_opened();
        first.then_some(Input::Presence {
            member,
            present: true,
        })
    }

    /// The connection's welcome covers the events up to `seq`.
    pub fn welcomed(&mut self, conn: ConnId, seq: u64) {
        if let Some(c) = self.conns.get_mut(&conn) {
            c.welcomed_at = Some(seq);
        }
    }

    /// A connection ended; the presence input to apply when it was the
    /// member's last.
    pub fn leave(&mut self, conn: ConnId) -> Option<Input> {
        let gone = self.remove(conn)?;
        self.absence(gone)
    }

    /// Takes every connection of a member out (their link changed, or they
    /// left the group): their outboxes, to send the close frame to, and the
    /// presence input when they were connected.
    pub fn close_member(&mut self, member: &MemberId) -> (Vec<Outbox>, Option<Input>) {
        let closing: Vec<ConnId> = self
            .conns
            .iter()
            .filter(|(_, c)| &c.member == member)
            .map(|(id, _)| *id)
            .collect();
        let outboxes: Vec<Outbox> = closing
            .into_iter()
            .filter_map(|id| self.remove(id))
            .map(|c| c.outbox)
            .collect();
        let presence = (!outboxes.is_empty()).then(|| Input::Presence {
            member: member.clone(),
            present: false,
        });
        (outboxes, presence)
    }

    /// Takes every connection out, for the group to stop on this node:
    /// their outboxes, to send the close frame to. No presence changes: the
    /// group goes on elsewhere, where its members come back.
    pub fn close_all(&mut self) -> Vec<Outbox> {
        let all: Vec<ConnId> = self.conns.keys().copied().collect();
        all.into_iter()
            .filter_map(|id| self.remove(id))
            .map(|c| c.outbox)
            .collect()
    }

    /// The presence inputs for members dropped as slow since the last call
    /// who have no other connection left.
    pub fn absences(&mut self) -> Vec<Input> {
        let dropped = std::mem::take(&mut self.dropped);
        let mut inputs: Vec<Input> = Vec::new();
        for member in dropped {
            let already = inputs
                .iter()
                .any(|i| matches!(i, Input::Presence { member: m, .. } if m == &member));
            if !already && !self.connected(&member) {
                inputs.push(Input::Presence {
                    member,
                    present: false,
                });
            }
        }
        inputs
    }

    /// A member's connections.
    pub fn of_member(&self, member: &MemberId) -> Vec<ConnId> {
        self.conns
            .iter()
            .filter(|(_, c)| &c.member == member)
            .map(|(id, _)| *id)
            .collect()
    }

    /// The connections an event goes to: its audience, welcomed before it.
    pub fn recipients(&self, seq: u64, audience: &Audience) -> Vec<ConnId> {
        self.conns
            .iter()
            .filter(|(_, c)| c.welcomed_at.is_some_and(|at| seq > at))
            .filter(|(_, c)| audience.includes(&c.member))
            .map(|(id, _)| *id)
            .collect()
    }

    /// Queues a frame for a connection, never waiting: unless it already has
    /// `behind_max` frames waiting, or its outbox is full, in which case it
    /// is dropped (its outbox closes, so its task ends) and may resume.
    pub fn queue(&mut self, conn: ConnId, frame: Outbound, behind_max: usize) {
        let Some(target) = self.conns.get(&conn) else {
            return;
        };
        let waiting = OUTBOX_CAPACITY - target.outbox.capacity();
        if waiting < behind_max && target.outbox.try_send(frame).is_ok() {
            return;
        }
        if let Some(gone) = self.remove(conn) {
            tracing::info!(member_id = %gone.member, "dropping a slow client");
            self.metrics.slow_client_dropped();
            self.dropped.push(gone.member);
        }
    }

    fn remove(&mut self, conn: ConnId) -> Option<Conn> {
        let gone = self.conns.remove(&conn)?;
        self.metrics.connection_closed();
        Some(gone)
    }

    fn absence(&self, gone: Conn) -> Option<Input> {
        (!self.connected(&gone.member)).then_some(Input::Presence {
            member: gone.member,
            present: false,
        })
    }
}
