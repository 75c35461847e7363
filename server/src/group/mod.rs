//! One task per group: it owns the group's engine and its one timer, persists
//! what the engine says before anyone hears it, then fans the events out.
//!
//! Work is planned while a batch of messages is read (the engine applies
//! each input, connections join and leave), made durable in one write, then
//! delivered from an ordered list — so "durable before sent" and "events
//! before reply" hold by construction.

mod recovery;
#[cfg(test)]
mod tests;

pub use recovery::{rebuild, RecoveryError};

use crate::clock::Clock;
use crate::close;
use crate::metrics::Metrics;
use crate::store::{Shred, Store, TokenChange, Write, REPLAY_WINDOW};
use recovery::{snapshot_offset, SNAPSHOT_EVERY};
use rondo_protocol::command::CommandEnvelope;
use rondo_protocol::engine::{Admin, Engine, Input};
use rondo_protocol::group::{CloseReason, Document, GroupCore, Out, Room};
use rondo_protocol::ids::{GroupId, MeetingId, MemberId};
use rondo_protocol::reply::{Rejection, Reply};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Utf8Bytes;

/// Meetings the convener's console lists ahead.
const CONSOLE_MEETINGS: usize = 12;
/// Inputs a group handles between two disk flushes, at most.
const INPUTS_PER_FLUSH_MAX: usize = 128;
/// Frames waiting for one connection; a client further behind is dropped.
pub const OUTBOX_LEN_MAX: usize = 256;
/// An outbox's room: a resuming client's replay (up to the replay window)
/// must fit on top of the live frames it may fall behind by.
pub const OUTBOX_CAPACITY: usize = OUTBOX_LEN_MAX + REPLAY_WINDOW;
/// Messages waiting for one group.
pub const INBOX_LEN_MAX: usize = 4096;

pub use rondo_protocol::group::ConnId;

/// What a connection task writes to its socket. Text is `Utf8Bytes` so one
/// event's JSON is shared by every recipient, not copied for each.
#[derive(Clone, Debug)]
pub enum Outbound {
    Text(Utf8Bytes),
    /// The socket holds the rest of frames the group began writing to it
    /// itself: the connection's task writes it out.
    Rest,
    Close(u16, Cow<'static, str>),
}

mod outbox;
pub use outbox::{outbox, outbox_to, Outbox, OutboxReader, Socket, Written};

/// What a group's task is asked to do.
pub enum GroupMsg {
    /// A connection authenticated as `member`. One the engine does not know
    /// as a member is closed with 4403, never registered.
    Join {
        conn: ConnId,
        member: MemberId,
        /// The hash of the token the connection authenticated with: a link
        /// replaced since is refused.
        link: [u8; 32],
        outbox: Outbox,
        resume_from: Option<u64>,
    },
    Leave {
        conn: ConnId,
    },
    /// A room display's connection, with the hash of the token it gave:
    /// welcomed if it is the group's display, else refused with 4401.
    JoinDisplay {
        conn: ConnId,
        token_hash: [u8; 32],
        outbox: Outbox,
    },
    Command {
        conn: ConnId,
        member: MemberId,
        envelope: CommandEnvelope,
        received: Instant,
    },
    /// A convener's change. `link`: the hash of a new member's token,
    /// committed with the change (a removed member's goes with theirs).
    Admin {
        admin: Admin,
        link: Option<[u8; 32]>,
        done: oneshot::Sender<Result<(), Rejection>>,
    },
    /// A member's new link (the hash of its token), committed with the
    /// closing of their connections and the end of the old one.
    ReplaceLink {
        member: MemberId,
        link: [u8; 32],
        done: oneshot::Sender<Result<(), Rejection>>,
    },
    /// The group as its convener manages it, next meetings included.
    Overview {
        reply: oneshot::Sender<rondo_protocol::view::ConvenerView>,
    },
    /// Whether the engine knows `member` as a member of the group.
    IsMember {
        member: MemberId,
        reply: oneshot::Sender<bool>,
    },
    /// A document for a member, by the one rule; `None` for a meeting the
    /// group does not hold.
    Export {
        member: MemberId,
        meeting: MeetingId,
        document: Document,
        reply: oneshot::Sender<Result<Option<String>, Rejection>>,
    },
    /// The facts of a member's log of supervision, or why they may not have it.
    MemberLog {
        member: MemberId,
        now: u64,
        reply: oneshot::Sender<Result<crate::supervision_log::LogSource, Rejection>>,
    },
    /// The node is stopping: after what came before is durable and sent,
    /// close every connection with "moved" and end.
    StandDown,
}

/// A handle to a group's task.
#[derive(Clone)]
pub struct GroupHandle {
    /// Boxed messages: the inbox allocates its slots in blocks of 32 when
    /// it is made, each as large as a message, and most groups are idle.
    inbox: mpsc::Sender<Box<GroupMsg>>,
}

/// The group's task has ended.
#[derive(Debug)]
pub struct GroupGone;

impl GroupHandle {
    /// Hands the group a message, waiting while its inbox is full.
    pub async fn send(&self, message: GroupMsg) -> Result<(), GroupGone> {
        self.inbox
            .send(Box::new(message))
            .await
            .map_err(|_| GroupGone)
    }

    /// Whether the group's task has ended.
    pub fn is_closed(&self) -> bool {
        self.inbox.is_closed()
    }

    /// Waits until the group's task has ended.
    pub async fn closed(&self) {
        self.inbox.closed().await;
    }
}

/// An answer to one of the HTTP API's asks, given once the batch that
/// answered it is durable: nobody is told of state that could still be lost.
type Answer = Box<dyn FnOnce() + Send>;

/// What a batch adds to the core's log: links replaced or taken, and the
/// answers to send after the flush.
#[derive(Default)]
struct Batch {
    tokens: Vec<TokenChange>,
    answers: Vec<Answer>,
}

/// What every group task shares with the others.
#[derive(Clone)]
pub struct Shared {
    pub store: Arc<dyn Store>,
    pub metrics: Arc<Metrics>,
    pub clock: Clock,
    /// A group whose snapshot is larger refuses commands that add text.
    pub snapshot_max_bytes: usize,
    /// With several nodes a failed write stops only its group here (its
    /// members resume wherever it is claimed next); alone, the process.
    pub stand_down_on_failure: bool,
}

/// The group stopped on this node: its task ends.
struct Stopped;

/// How often a group over its size budget measures itself again.
const BUDGET_CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

pub struct GroupTask {
    group_id: GroupId,
    /// Who receives what: the engine, the connections, the replay window.
    core: GroupCore<Utf8Bytes, Instant>,
    /// The connections' outboxes, members' and room displays'; the core
    /// says what goes into them.
    outboxes: HashMap<ConnId, Outbox>,
    store: Arc<dyn Store>,
    metrics: Arc<Metrics>,
    clock: Clock,
    inputs_since_snapshot: usize,
    /// The first month of data keys the store was last told this group
    /// needs (`Engine::kept_from`): when the engine's moves on, the next
    /// flush carries a snapshot, and the store destroys the keys before it.
    keys_kept_from: u32,
    /// How many former members the engine had erased at the last snapshot:
    /// an erasure is followed by a snapshot, so the state read at start-up
    /// no longer holds their notes.
    erased_at_snapshot: usize,
    snapshot_max_bytes: usize,
    /// Text added by commands since the snapshot was last measured: the
    /// budget is checked as inputs arrive, not only at snapshots.
    added_bytes: usize,
    stand_down_on_failure: bool,
    /// Whether the last measured snapshot was over the budget, and when it
    /// was measured: text-adding commands are refused until it shrinks.
    over_budget: Option<tokio::time::Instant>,
}

fn close_frame(reason: CloseReason) -> Outbound {
    let (code, why) = match reason {
        CloseReason::NotAMember => (close::NOT_A_MEMBER, "not a member of this group"),
        CloseReason::Removed => (close::NOT_A_MEMBER, "removed from the group"),
        CloseReason::LinkReplaced => (close::UNAUTHORIZED, "a new link was issued"),
        CloseReason::GuestMeetingEnded => (close::UNAUTHORIZED, "the guest's meeting ended"),
        CloseReason::UnknownDisplay => (close::UNAUTHORIZED, "unauthorized"),
        CloseReason::DisplayRetired => (close::UNAUTHORIZED, "the room display was retired"),
    };
    Outbound::Close(code, Cow::Borrowed(why))
}

impl GroupTask {
    /// A task for an engine rebuilt from the store; `recent` are its last events.
    pub fn new(
        engine: Engine,
        recent: Vec<crate::store::StoredEvent>,
        shared: Shared,
    ) -> GroupTask {
        let group_id = engine.group_id().clone();
        let erased_at_snapshot = engine.erased_count();
        let (core, unreadable) = GroupCore::new(engine, recent, crate::schedule::upcoming);
        for _ in 0..unreadable {
            shared.metrics.unreadable_audience();
        }
        GroupTask {
            inputs_since_snapshot: snapshot_offset(group_id.as_str()),
            keys_kept_from: 0,
            erased_at_snapshot,
            group_id,
            core,
            outboxes: HashMap::new(),
            store: shared.store,
            metrics: shared.metrics,
            clock: shared.clock,
            snapshot_max_bytes: shared.snapshot_max_bytes,
            added_bytes: 0,
            stand_down_on_failure: shared.stand_down_on_failure,
            over_budget: None,
        }
    }

    /// Starts the task; after a restart, everyone who was present is marked
    /// away and deadlines that passed while the server was down fire, once.
    pub fn spawn(mut self) -> GroupHandle {
        let (inbox, mut messages) = mpsc::channel(INBOX_LEN_MAX);
        tokio::spawn(async move {
            let mut startup: Vec<Input> = self
                .core
                .engine()
                .group_view(self.clock.now_ms())
                .members
                .into_iter()
                .filter(|m| m.present)
                .map(|m| Input::Presence {
                    member: m.member_id,
                    present: false,
                })
                .collect();
            startup.push(Input::Tick);
            if self.run_inputs(startup).await.is_ok() {
                self.run(&mut messages).await;
            }
        });
        GroupHandle { inbox }
    }

    async fn run(&mut self, messages: &mut mpsc::Receiver<Box<GroupMsg>>) {
        // One timer for the group, reset to the engine's next deadline.
        let timer = tokio::time::sleep(std::time::Duration::ZERO);
        tokio::pin!(timer);
        loop {
            let deadline = self.core.engine().next_deadline();
            if let Some(deadline) = deadline {
                timer.as_mut().reset(self.clock.instant_at(deadline));
            }
            let batch = tokio::select! {
                first = messages.recv() => match first {
                    Some(first) => {
                        let mut batch = vec![*first];
                        while batch.len() < INPUTS_PER_FLUSH_MAX {
                            match messages.try_recv() {
                                Ok(next) => batch.push(*next),
                                Err(_) => break,
                            }
                        }
                        batch
                    }
                    None => return,
                },
                () = &mut timer, if deadline.is_some() => Vec::new(),
            };
            if self.process(batch).await.is_err() {
                return;
            }
            loop {
                let absences = self.core.absences();
                if absences.is_empty() {
                    break;
                }
                if self.run_inputs(absences).await.is_err() {
                    return;
                }
            }
        }
    }

    async fn run_inputs(&mut self, inputs: Vec<Input>) -> Result<(), Stopped> {
        for input in inputs {
            self.core.apply(self.clock.now_ms(), input);
        }
        self.finish(Batch::default()).await
    }

    /// Handles a batch of messages: engine first, one flush, then delivery.
    async fn process(&mut self, messages: Vec<GroupMsg>) -> Result<(), Stopped> {
        let mut batch = Batch::default();
        if messages.is_empty() {
            self.core.apply(self.clock.now_ms(), Input::Tick);
        }
        for message in messages {
            if let GroupMsg::StandDown = message {
                self.stand_down("moved: the node is stopping; reconnect");
                return Err(Stopped);
            }
            self.plan(message, &mut batch);
        }
        self.finish(batch).await
    }

    fn plan(&mut self, message: GroupMsg, batch: &mut Batch) {
        let now = self.clock.now_ms();
        match message {
            GroupMsg::Command {
                conn,
                member,
                envelope,
                received,
            } => {
                if envelope.command.adds_text() && self.still_over_budget(envelope.to_json().len())
                {
                    let refusal = Rejection::too_large(
                        "this group keeps as much as it may; delete notes or end the meeting first",
                    );
                    let reply = Reply::error(Some(envelope.id), refusal);
                    self.metrics.count_reply(&reply);
                    self.core.reply(conn, &reply, received);
                    return;
                }
                self.core.command(now, conn, member, envelope, received);
            }
            GroupMsg::Join {
                conn,
                member,
                link,
                outbox,
                resume_from,
            } => {
                self.open(conn, outbox);
                self.core.join(now, conn, member, link, resume_from);
            }
            GroupMsg::JoinDisplay {
                conn,
                token_hash,
                outbox,
            } => {
                self.open(conn, outbox);
                self.core.join_display(now, conn, &hex::encode(token_hash));
            }
            GroupMsg::Leave { conn } => {
                if self.outboxes.remove(&conn).is_some() {
                    self.metrics.connection_closed();
                }
                self.core.leave(now, conn);
            }
            GroupMsg::Admin { admin, link, done } => {
                let token = match &admin {
                    Admin::AddMember { member_id, .. } | Admin::AddGuest { member_id, .. } => link
                        .map(|hash| TokenChange {
                            member_id: member_id.clone(),
                            token_hash: Some(hash),
                        }),
                    Admin::RemoveMember { member } => Some(TokenChange {
                        member_id: member.clone(),
                        token_hash: None,
                    }),
                    _ => None,
                };
                let result = self.core.admin(now, admin);
                if result.is_ok() {
                    batch.tokens.extend(token);
                }
                batch.answers.push(Box::new(move || {
                    let _ = done.send(result);
                }));
            }
            GroupMsg::ReplaceLink { member, link, done } => {
                let result = self.core.replace_link(now, &member, link);
                if result.is_ok() {
                    batch.tokens.push(TokenChange {
                        member_id: member,
                        token_hash: Some(link),
                    });
                }
                batch.answers.push(Box::new(move || {
                    let _ = done.send(result);
                }));
            }
            GroupMsg::Overview { reply } => {
                let mut view = self.core.engine().convener_view(now);
                // The console plans further ahead than the lobby's three.
                view.next_meetings = view.schedule.as_ref().map_or_else(Vec::new, |s| {
                    crate::schedule::next_meetings(s, now, CONSOLE_MEETINGS)
                });
                batch.answers.push(Box::new(move || {
                    let _ = reply.send(view);
                }));
            }
            GroupMsg::IsMember { member, reply } => {
                let _ = reply.send(self.core.engine().is_member(&member));
            }
            GroupMsg::Export {
                member,
                meeting,
                document,
                reply,
            } => {
                let zone = crate::schedule::group_zone(self.core.engine().schedule());
                let zone = crate::schedule::ExportZone(zone);
                let answer = self.core.export(&member, &meeting, document, &zone);
                batch.answers.push(Box::new(move || {
                    let _ = reply.send(answer);
                }));
            }
            GroupMsg::MemberLog { member, now, reply } => {
                let engine = self.core.engine();
                let source = crate::supervision_log::LogSource::of(engine, &member, now);
                batch.answers.push(Box::new(move || {
                    let _ = reply.send(source);
                }));
            }
            // Taken by `process` before planning.
            GroupMsg::StandDown => {}
        }
    }

    /// Whether the group is over its size budget, counting the `adding`
    /// characters a command brings; while it is, it measures itself again
    /// now and then, so deleting notes lets it take text again.
    fn still_over_budget(&mut self, adding: usize) -> bool {
        self.added_bytes += adding;
        let measured_long_ago = self
            .over_budget
            .is_some_and(|at| at.elapsed() >= BUDGET_CHECK_EVERY);
        if self.added_bytes > self.snapshot_max_bytes / 16 || measured_long_ago {
            self.measure(self.core.engine().snapshot().len());
        }
        self.over_budget.is_some()
    }

    fn measure(&mut self, snapshot_bytes: usize) {
        self.metrics.observe_snapshot(snapshot_bytes);
        self.added_bytes = 0;
        self.over_budget =
            (snapshot_bytes > self.snapshot_max_bytes).then(tokio::time::Instant::now);
    }

    /// Keeps a connection's outbox until the core closes it or it leaves
    /// (counted from here, so a refused connection's close balances).
    fn open(&mut self, conn: ConnId, outbox: Outbox) {
        self.outboxes.insert(conn, outbox);
        self.metrics.connection_opened();
    }

    /// Closes every connection with "moved": the group stops on this node.
    fn stand_down(&mut self, reason: &'static str) {
        self.core.close_all();
        // Every outbox hears "moved", also one whose member the batch that
        // failed removed: that removal was never made durable, so they are
        // still a member and come back as one.
        for (_, outbox) in self.outboxes.drain() {
            let _ = outbox.try_send(
                Outbound::Close(close::MOVED, Cow::Borrowed(reason)),
                OUTBOX_CAPACITY,
            );
            self.metrics.connection_closed();
        }
        tracing::info!(group_id = %self.group_id, reason, "group stopped on this node");
    }

    /// Makes the batch durable, then sends what it produced.
    async fn finish(&mut self, mut batch: Batch) -> Result<(), Stopped> {
        let (inputs, events) = self.core.take_log();
        // A guest's link ends in the same write as their meeting.
        batch.tokens.extend(
            self.core
                .take_dismissed()
                .into_iter()
                .map(|guest| TokenChange {
                    member_id: guest,
                    token_hash: None,
                }),
        );
        if !inputs.is_empty() || !batch.tokens.is_empty() {
            self.inputs_since_snapshot += inputs.len();
            let kept_from = self.core.engine().kept_from();
            let expired = kept_from > self.keys_kept_from && !inputs.is_empty();
            let erased = self.core.engine().erased_count() != self.erased_at_snapshot;
            let due = self.inputs_since_snapshot >= SNAPSHOT_EVERY;
            let snapshot = (due || expired || erased).then(|| {
                self.inputs_since_snapshot = 0;
                self.erased_at_snapshot = self.core.engine().erased_count();
                (self.core.engine().seq(), self.core.engine().snapshot())
            });
            // Every snapshot of a group with expired months asks again, so
            // a key whose destruction failed goes with the next one. An
            // erasure's snapshot replaces every key before it.
            let expired_before = (snapshot.is_some() && kept_from > 0).then(|| {
                self.keys_kept_from = kept_from;
                Shred::ExpiredBefore(kept_from)
            });
            let shred = if erased {
                Some(Shred::Erased)
            } else {
                expired_before
            };
            if let Some((_, json)) = &snapshot {
                self.measure(json.len());
            }
            let write = Write::Append {
                group_id: self.group_id.clone(),
                inputs,
                events,
                snapshot,
                next_deadline: self.core.engine().next_deadline(),
                shred,
                tokens: batch.tokens,
            };
            match self.store.write(write).await {
                Ok(Ok(())) => {}
                // Not durable, or not this node's to write any more: nothing
                // of the batch is sent; the members resume from the log on
                // whichever node claims the group next.
                Ok(Err(_)) if self.stand_down_on_failure => {
                    self.stand_down("moved: reconnect");
                    return Err(Stopped);
                }
                failure => {
                    // The engine has moved on but the disk has not: carrying on
                    // would acknowledge what could be lost. Stop, so a restart
                    // rebuilds every group from what is durable.
                    let reason = match failure {
                        Ok(Err(e)) => e.to_string(),
                        _ => "the store stopped".to_owned(),
                    };
                    tracing::error!(group_id = %self.group_id, %reason, "store write failed; stopping");
                    std::process::exit(70);
                }
            }
        }
        self.deliver();
        for answer in batch.answers {
            answer();
        }
        Ok(())
    }

    fn deliver(&mut self) {
        // Each connection's frames of the batch are written together, once
        // all are queued: one write each, not one a frame.
        let mut touched = Vec::new();
        for out in self.core.deliver() {
            match out {
                Out::Frame { conn, frame, room } => {
                    let behind_max = match room {
                        Room::Live => OUTBOX_LEN_MAX,
                        Room::Welcome => OUTBOX_CAPACITY,
                    };
                    self.queue(conn, Outbound::Text(frame), behind_max, &mut touched);
                }
                Out::Reply { conn, frame, tag } => {
                    self.queue(conn, Outbound::Text(frame), OUTBOX_LEN_MAX, &mut touched);
                    self.metrics.observe_ack(tag.elapsed());
                }
                Out::Close { conn, reason } => {
                    if let Some(outbox) = self.outboxes.remove(&conn) {
                        let _ = outbox.try_send(close_frame(reason), OUTBOX_CAPACITY);
                        self.metrics.connection_closed();
                    }
                }
            }
        }
        for conn in touched {
            if let Some(outbox) = self.outboxes.get(&conn) {
                outbox.flush();
            }
        }
    }

    /// Queues a frame for a connection, never waiting: unless it already has
    /// `behind_max` frames waiting, or its outbox is full, in which case it
    /// is dropped (its outbox closes, so its task ends) and may resume.
    fn queue(
        &mut self,
        conn: ConnId,
        frame: Outbound,
        behind_max: usize,
        touched: &mut Vec<ConnId>,
    ) {
        let Some(target) = self.outboxes.get(&conn) else {
            return;
        };
        if target.try_queue(frame, behind_max).is_ok() {
            if !touched.contains(&conn) {
                touched.push(conn);
            }
            return;
        }
        self.outboxes.remove(&conn);
        tracing::info!(group_id = %self.group_id, conn, "dropping a slow client");
        self.metrics.slow_client_dropped();
        self.metrics.connection_closed();
        self.core.dropped(conn);
    }
}
