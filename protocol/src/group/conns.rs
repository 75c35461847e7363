//! A group's connections as the core sees them: whose they are — a
//! member's, or a room display's — and which seq their welcome covers. The
//! driver holds the sockets; this is the one place that registers, drops
//! and closes connections, and so the one producer of presence inputs (a
//! display has no presence: it is not a member).

use super::ConnId;
use crate::engine::{Engine, Input, Reach};
use crate::ids::MemberId;
use std::collections::HashMap;

/// Who is on the other end of a connection.
#[derive(Clone, PartialEq, Eq)]
enum Peer {
    Member(MemberId),
    /// The group's room display: sent only what the display allow-list
    /// lets through, never a member's frame.
    Display,
}

struct Conn {
    peer: Peer,
    /// The seq the connection's welcome covers; `None` until the welcome is
    /// planned. Events up to it are in the welcome and are not sent again.
    welcomed_at: Option<u64>,
}

#[derive(Default)]
pub(super) struct Conns {
    conns: HashMap<ConnId, Conn>,
    /// Members whose connection the driver dropped for being slow, whose
    /// presence is still to be updated (a drop happens while delivering,
    /// after the batch's inputs were logged).
    dropped: Vec<MemberId>,
}

impl Conns {
    fn connected(&self, member: &MemberId) -> bool {
        self.conns
            .values()
            .any(|c| matches!(&c.peer, Peer::Member(m) if m == member))
    }

    /// Registers a member's new connection; the presence input to apply when
    /// it is the member's first.
    pub fn join(&mut self, conn: ConnId, member: MemberId) -> Option<Input> {
        let first = !self.connected(&member);
        self.conns.insert(
            conn,
            Conn {
                peer: Peer::Member(member.clone()),
                welcomed_at: None,
            },
        );
        first.then_some(Input::Presence {
            member,
            present: true,
        })
    }

    /// Registers a room display whose welcome covers the events up to `seq`.
    pub fn join_display(&mut self, conn: ConnId, seq: u64) {
        self.conns.insert(
            conn,
            Conn {
                peer: Peer::Display,
                welcomed_at: Some(seq),
            },
        );
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
        let Peer::Member(member) = self.conns.remove(&conn)?.peer else {
            return None;
        };
        (!self.connected(&member)).then_some(Input::Presence {
            member,
            present: false,
        })
    }

    /// Takes every connection of a member out: their ids, to close, and the
    /// presence input when they were connected.
    pub fn close_member(&mut self, member: &MemberId) -> (Vec<ConnId>, Option<Input>) {
        let closing = self.of_member(member);
        for id in &closing {
            self.conns.remove(id);
        }
        let presence = (!closing.is_empty()).then(|| Input::Presence {
            member: member.clone(),
            present: false,
        });
        (closing, presence)
    }

    /// Takes every room display's connection out (the display was retired
    /// or replaced): their ids, to close.
    pub fn close_displays(&mut self) -> Vec<ConnId> {
        let closing = self.displays();
        for id in &closing {
            self.conns.remove(id);
        }
        closing
    }

    /// Takes every connection out, for the group to stop on this node. No
    /// presence changes: the group goes on elsewhere.
    pub fn close_all(&mut self) -> Vec<ConnId> {
        self.conns.drain().map(|(id, _)| id).collect()
    }

    /// The driver could not queue a frame for the connection: it is gone.
    pub fn dropped(&mut self, conn: ConnId) {
        if let Some(Peer::Member(member)) = self.conns.remove(&conn).map(|c| c.peer) {
            self.dropped.push(member);
        }
    }

    /// The presence inputs for members dropped since the last call who have
    /// no other connection left.
    pub fn absences(&mut self) -> Vec<Input> {
        let mut dropped = std::mem::take(&mut self.dropped);
        dropped.sort();
        dropped.dedup();
        dropped
            .into_iter()
            .filter(|member| !self.connected(member))
            .map(|member| Input::Presence {
                member,
                present: false,
            })
            .collect()
    }

    /// A member's connections.
    pub fn of_member(&self, member: &MemberId) -> Vec<ConnId> {
        self.of(&Peer::Member(member.clone()))
    }

    fn displays(&self) -> Vec<ConnId> {
        self.of(&Peer::Display)
    }

    fn of(&self, peer: &Peer) -> Vec<ConnId> {
        self.conns
            .iter()
            .filter(|(_, c)| &c.peer == peer)
            .map(|(id, _)| *id)
            .collect()
    }

    pub fn is_open(&self, conn: ConnId) -> bool {
        self.conns.contains_key(&conn)
    }

    /// The members' connections an event goes to: welcomed before it, and
    /// allowed it by the one rule.
    pub fn recipients(&self, seq: u64, reach: Reach<'_>, engine: &Engine) -> Vec<ConnId> {
        self.welcomed_before(seq)
            .filter(|(_, c)| matches!(&c.peer, Peer::Member(m) if engine.may_receive(m, reach)))
            .map(|(id, _)| *id)
            .collect()
    }

    /// The room displays an event's display frame goes to: welcomed before it.
    pub fn display_recipients(&self, seq: u64) -> Vec<ConnId> {
        self.welcomed_before(seq)
            .filter(|(_, c)| c.peer == Peer::Display)
            .map(|(id, _)| *id)
            .collect()
    }

    fn welcomed_before(&self, seq: u64) -> impl Iterator<Item = (&ConnId, &Conn)> {
        self.conns
            .iter()
            .filter(move |(_, c)| c.welcomed_at.is_some_and(|at| seq > at))
    }
}
