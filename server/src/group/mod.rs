//! One task per group: it owns the group's engine and its one timer, persists
//! what the engine says before anyone hears it, then fans the events out.
//!
//! Work is planned while a batch of messages is read (the engine applies
//! each input, connections join and leave), made durable in one write, then
//! delivered from an ordered list — so "durable before sent" and "events
//! before reply" hold by construction.

mod conns;
mod displays;
mod recovery;
mod replay;
#[cfg(test)]
mod tests;

pub use recovery::{rebuild, RecoveryError};

use crate::clock::Clock;
use crate::close;
use crate::metrics::Metrics;
use crate::store::{Store, StoredEvent, StoredInput, Write, REPLAY_WINDOW};
use conns::Conns;
use displays::Displays;
use recovery::{snapshot_offset, SNAPSHOT_EVERY};
use replay::{Replay, Sent};
use rondo_protocol::command::CommandEnvelope;
use rondo_protocol::engine::{Admin, Engine, Input};
use rondo_protocol::event::Audience;
use rondo_protocol::ids::{GroupId, MeetingId, MemberId};
use rondo_protocol::reply::{Rejection, Reply};
use std::borrow::Cow;
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

pub type ConnId = u64;

/// What a connection task writes to its socket. Text is `Utf8Bytes` so one
/// event's JSON is shared by every recipient, not copied for each.
#[derive(Clone, Debug)]
pub enum Outbound {
    Text(Utf8Bytes),
    Close(u16, Cow<'static, str>),
}

pub type Outbox = mpsc::Sender<Outbound>;

/// What a group's task is asked to do.
pub enum GroupMsg {
    /// A connection authenticated as `member`. One the engine does not know
    /// as a member is closed with 4403, never registered.
    Join {
        conn: ConnId,
        member: MemberId,
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
        /// Boxed: a group's inbox allocates its slots in blocks, and the
        /// largest variant sets the size of every slot.
        envelope: Box<CommandEnvelope>,
        received: Instant,
    },
    Admin {
        admin: Admin,
        done: oneshot::Sender<Result<(), Rejection>>,
    },
    /// Closes a member's connections: their link was replaced.
    CloseMember {
        member: MemberId,
        code: u16,
        reason: &'static str,
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
    Export {
        request: Export,
        reply: oneshot::Sender<Option<String>>,
    },
    /// The node is stopping: after what came before is durable and sent,
    /// close every connection with "moved" and end.
    StandDown,
}

/// A document a member may download.
pub enum Export {
    RecordMarkdown(MeetingId, MemberId),
    RecordJson(MeetingId, MemberId),
    NotesMarkdown(MeetingId, MemberId),
}

/// A handle to a group's task.
#[derive(Clone)]
pub struct GroupHandle {
    pub inbox: mpsc::Sender<GroupMsg>,
}

/// What to do once a batch is durable, in order.
enum Delivery {
    Fanout(Vec<Arc<Sent>>),
    Reply {
        conn: ConnId,
        json: Utf8Bytes,
        received: Instant,
    },
    /// A joining connection's welcome (and a resuming client's replay).
    Welcome {
        conn: ConnId,
        frames: Vec<Utf8Bytes>,
    },
    /// A fresh welcome for a member whose view changed (they accepted the
    /// agreement, or a new version came into force), covering events up to
    /// `seq`: the events before it still go out first, as planned.
    Rewelcome {
        conn: ConnId,
        frame: Utf8Bytes,
        seq: u64,
    },
    /// Events as the room displays may see them: (seq, frame).
    DisplayFanout(Vec<(u64, Utf8Bytes)>),
    /// A room display's welcome.
    DisplayWelcome {
        conn: ConnId,
        frame: Utf8Bytes,
    },
    /// Connections already taken out of the group: a close frame each.
    Close {
        outboxes: Vec<Outbox>,
        code: u16,
        reason: &'static str,
    },
    /// The room display was replaced or retired: its connections close.
    CloseDisplays,
    AdminDone(
        oneshot::Sender<Result<(), Rejection>>,
        Result<(), Rejection>,
    ),
}

/// A batch's work: what to log, and what to deliver once it is durable.
#[derive(Default)]
struct Batch {
    inputs: Vec<StoredInput>,
    events: Vec<StoredEvent>,
    deliveries: Vec<Delivery>,
    /// Guests whose meeting ended: their tokens go once the batch is durable.
    links_ended: Vec<MemberId>,
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
    engine: Engine,
    store: Arc<dyn Store>,
    metrics: Arc<Metrics>,
    clock: Clock,
    conns: Conns,
    displays: Displays,
    replay: Replay,
    inputs_since_snapshot: usize,
    snapshot_max_bytes: usize,
    stand_down_on_failure: bool,
    /// Whether the last measured snapshot was over the budget, and when it
    /// was measured: text-adding commands are refused until it shrinks.
    over_budget: Option<tokio::time::Instant>,
}

impl GroupTask {
    /// A task for an engine rebuilt from the store; `recent` are its last events.
    pub fn new(engine: Engine, recent: Vec<StoredEvent>, shared: Shared) -> GroupTask {
        let group_id = engine.group_id().clone();
        GroupTask {
            inputs_since_snapshot: snapshot_offset(group_id.as_str()),
            group_id,
            engine,
            store: shared.store,
            replay: Replay::from_stored(recent, &shared.metrics),
            conns: Conns::new(shared.metrics.clone()),
            displays: Displays::default(),
            metrics: shared.metrics,
            clock: shared.clock,
            snapshot_max_bytes: shared.snapshot_max_bytes,
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
                .engine
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

    async fn run(mut self, messages: &mut mpsc::Receiver<GroupMsg>) {
        // One timer for the group, reset to the engine's next deadline.
        let timer = tokio::time::sleep(std::time::Duration::ZERO);
        tokio::pin!(timer);
        loop {
            let deadline = self.engine.next_deadline();
            if let Some(deadline) = deadline {
                timer.as_mut().reset(self.clock.instant_at(deadline));
            }
            let batch = tokio::select! {
                first = messages.recv() => match first {
                    Some(first) => {
                        let mut batch = vec![first];
                        while batch.len() < INPUTS_PER_FLUSH_MAX {
                            match messages.try_recv() {
                                Ok(next) => batch.push(next),
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
                let absences = self.conns.absences();
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
        let mut batch = Batch::default();
        for input in inputs {
            self.apply(input, &mut batch);
        }
        self.finish(batch).await
    }

    /// Feeds one input to the engine; logs it if the engine says so, and
    /// plans its events' delivery.
    fn apply(&mut self, input: Input, batch: &mut Batch) -> rondo_protocol::engine::Output {
        let now = self.clock.now_ms();
        let mut output = self.engine.handle(now, input.clone());
        if output.logged {
            batch.inputs.push(StoredInput {
                seq: self.engine.seq(),
                at: now,
                json: serde_json::to_string(&input).expect("inputs serialize"),
            });
        }
        let shown = self.display_frames(&output.events);
        let sent: Vec<Arc<Sent>> = std::mem::take(&mut output.events)
            .into_iter()
            .map(|addressed| {
                let audience_json = match &addressed.audience {
                    Audience::Everyone => None,
                    Audience::Only(members) => {
                        Some(serde_json::to_string(members).expect("ids serialize"))
                    }
                };
                let sent = Arc::new(Sent {
                    seq: addressed.event.seq,
                    audience: addressed.audience,
                    json: addressed.event.to_json().into(),
                });
                batch.events.push(StoredEvent {
                    seq: sent.seq,
                    audience: audience_json,
                    json: sent.json.to_string(),
                });
                self.replay.push(sent.clone());
                sent
            })
            .collect();
        if !sent.is_empty() {
            batch.deliveries.push(Delivery::Fanout(sent));
        }
        if !shown.is_empty() {
            batch.deliveries.push(Delivery::DisplayFanout(shown));
        }
        for guest in &output.guests_dismissed {
            self.close_member(
                guest,
                close::UNAUTHORIZED,
                "the guest's meeting ended",
                batch,
            );
            batch.links_ended.push(guest.clone());
        }
        output
    }

    /// The events as the room displays may see them, if any is connected.
    fn display_frames(&self, events: &[rondo_protocol::event::Addressed]) -> Vec<(u64, Utf8Bytes)> {
        if self.displays.is_empty() {
            return Vec::new();
        }
        let show_titles = self.engine.display().is_some_and(|d| d.show_titles);
        events
            .iter()
            .filter_map(|a| {
                rondo_protocol::engine::display_frame(&a.event, show_titles)
                    .map(|json| (a.event.seq, json.into()))
            })
            .collect()
    }

    /// Handles a batch of messages: engine first, one flush, then delivery.
    async fn process(&mut self, messages: Vec<GroupMsg>) -> Result<(), Stopped> {
        let mut batch = Batch::default();
        if messages.is_empty() {
            self.apply(Input::Tick, &mut batch);
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
        match message {
            GroupMsg::Command {
                conn,
                member,
                envelope,
                received,
            } => {
                if envelope.command.adds_text() && self.still_over_budget() {
                    let refusal = Rejection::too_large(
                        "this group keeps as much as it may; delete notes or end the meeting first",
                    );
                    let reply = Reply::error(Some(envelope.id), refusal);
                    self.reply(conn, &reply, received, batch);
                    return;
                }
                let input = Input::Command {
                    member,
                    envelope: *envelope,
                };
                let output = self.apply(input, batch);
                if let Some(reply) = output.reply {
                    self.reply(conn, &reply, received, batch);
                }
                self.rewelcome(&output.gate_changed, batch);
            }
            GroupMsg::Join {
                conn,
                member,
                outbox,
                resume_from,
            } => self.join(conn, member, outbox, resume_from, batch),
            GroupMsg::JoinDisplay {
                conn,
                token_hash,
                outbox,
            } => self.join_display(conn, token_hash, outbox, batch),
            GroupMsg::Leave { conn } => {
                self.displays.leave(conn);
                if let Some(presence) = self.conns.leave(conn) {
                    self.apply(presence, batch);
                }
            }
            GroupMsg::Admin { admin, done } => {
                let removed = match &admin {
                    Admin::RemoveMember { member } => Some(member.clone()),
                    _ => None,
                };
                let display_changed = matches!(admin, Admin::SetDisplay { .. });
                let output = self.apply(Input::Admin(admin), batch);
                self.rewelcome(&output.gate_changed, batch);
                let result = output.admin.unwrap_or(Ok(()));
                if display_changed {
                    // A new display retires the last; its screens go dark.
                    batch.deliveries.push(Delivery::CloseDisplays);
                }
                if let (Some(member), Ok(())) = (removed, &result) {
                    self.close_member(
                        &member,
                        close::NOT_A_MEMBER,
                        "removed from the group",
                        batch,
                    );
                }
                batch.deliveries.push(Delivery::AdminDone(done, result));
            }
            GroupMsg::CloseMember {
                member,
                code,
                reason,
            } => self.close_member(&member, code, reason, batch),
            GroupMsg::Overview { reply } => {
                let now = self.clock.now_ms();
                let mut view = self.engine.convener_view(now);
                // The console plans further ahead than the lobby's three.
                view.next_meetings = view.schedule.as_ref().map_or_else(Vec::new, |s| {
                    crate::schedule::next_meetings(s, now, CONSOLE_MEETINGS)
                });
                let _ = reply.send(view);
            }
            GroupMsg::IsMember { member, reply } => {
                let _ = reply.send(self.engine.is_member(&member));
            }
            GroupMsg::Export { request, reply } => {
                let _ = reply.send(self.export(request));
            }
            // Taken by `process` before planning.
            GroupMsg::StandDown => {}
        }
    }

    fn reply(&self, conn: ConnId, reply: &Reply, received: Instant, batch: &mut Batch) {
        self.metrics.count_reply(reply);
        let json = serde_json::to_string(reply)
            .expect("replies serialize")
            .into();
        batch.deliveries.push(Delivery::Reply {
            conn,
            json,
            received,
        });
    }

    /// Sends the members whose view changed a fresh welcome.
    fn rewelcome(&mut self, members: &[MemberId], batch: &mut Batch) {
        let now = self.clock.now_ms();
        for member in members {
            let Some(welcome) = replay::fresh_welcome(&self.engine, member, now) else {
                continue;
            };
            for conn in self.conns.of_member(member) {
                batch.deliveries.push(Delivery::Rewelcome {
                    conn,
                    frame: welcome.clone(),
                    seq: self.engine.seq(),
                });
            }
        }
    }

    /// Whether the group is over its size budget; while it is, it measures
    /// itself again now and then, so deleting notes lets it take text again.
    fn still_over_budget(&mut self) -> bool {
        let Some(measured) = self.over_budget else {
            return false;
        };
        if measured.elapsed() >= BUDGET_CHECK_EVERY {
            self.measure(self.engine.snapshot().len());
        }
        self.over_budget.is_some()
    }

    fn measure(&mut self, snapshot_bytes: usize) {
        self.metrics.observe_snapshot(snapshot_bytes);
        self.over_budget =
            (snapshot_bytes > self.snapshot_max_bytes).then(tokio::time::Instant::now);
    }

    fn join(
        &mut self,
        conn: ConnId,
        member: MemberId,
        outbox: Outbox,
        resume_from: Option<u64>,
        batch: &mut Batch,
    ) {
        // The token was valid when it was checked, but the member may have
        // been removed since: such a connection must never be registered, or
        // it would receive the group's events.
        if !self.engine.is_member(&member) {
            batch.deliveries.push(Delivery::Close {
                outboxes: vec![outbox],
                code: close::NOT_A_MEMBER,
                reason: "not a member of this group",
            });
            return;
        }
        if let Some(presence) = self.conns.join(conn, member.clone(), outbox) {
            self.apply(presence, batch);
        }
        let frames = self
            .replay
            .welcome_frames(&self.engine, &member, resume_from, self.clock.now_ms())
            .expect("checked to be a member above");
        self.conns.welcomed(conn, self.engine.seq());
        batch.deliveries.push(Delivery::Welcome { conn, frames });
    }

    /// Takes a member's connections out at once, so nothing later in this
    /// batch reaches them, and marks them away while they are still a member.
    fn close_member(
        &mut self,
        member: &MemberId,
        code: u16,
        reason: &'static str,
        batch: &mut Batch,
    ) {
        let (outboxes, presence) = self.conns.close_member(member);
        if let Some(presence) = presence.filter(|_| self.engine.is_member(member)) {
            self.apply(presence, batch);
        }
        batch.deliveries.push(Delivery::Close {
            outboxes,
            code,
            reason,
        });
    }

    /// A room display's `hello`: welcomed when its token is the display's,
    /// refused as an unknown token otherwise (a retired display's included).
    fn join_display(
        &mut self,
        conn: ConnId,
        token_hash: [u8; 32],
        outbox: Outbox,
        batch: &mut Batch,
    ) {
        let given = hex::encode(token_hash);
        let Some(display) = self.engine.display().filter(|d| {
            bool::from(subtle::ConstantTimeEq::ct_eq(
                d.token_hash.as_bytes(),
                given.as_bytes(),
            ))
        }) else {
            let refusal = Reply::error(
                None,
                Rejection::new(
                    rondo_protocol::reply::ErrorCode::Unauthorized,
                    "unknown token",
                ),
            );
            let _ = outbox.try_send(Outbound::Text(
                serde_json::to_string(&refusal)
                    .expect("replies serialize")
                    .into(),
            ));
            batch.deliveries.push(Delivery::Close {
                outboxes: vec![outbox],
                code: close::UNAUTHORIZED,
                reason: "unauthorized",
            });
            return;
        };
        let now = self.clock.now_ms();
        let frame = self
            .engine
            .display_welcome(now, display.show_titles)
            .to_json();
        self.displays.join(conn, outbox, self.engine.seq());
        batch.deliveries.push(Delivery::DisplayWelcome {
            conn,
            frame: frame.into(),
        });
    }

    fn export(&self, request: Export) -> Option<String> {
        let (meeting, member) = match &request {
            Export::RecordMarkdown(id, member)
            | Export::RecordJson(id, member)
            | Export::NotesMarkdown(id, member) => (id, member),
        };
        if !self.engine.may_export(member, meeting) {
            return None;
        }
        match request {
            Export::RecordMarkdown(id, _) => {
                self.engine.record_export(&id).map(|r| r.to_markdown())
            }
            Export::RecordJson(id, _) => self
                .engine
                .record_export(&id)
                .map(|r| serde_json::to_string_pretty(&r).expect("exports serialize")),
            Export::NotesMarkdown(id, member) => self
                .engine
                .notes_export(&id, &member)
                .map(|n| n.to_markdown()),
        }
    }

    /// Closes every connection with "moved": the group stops on this node.
    fn stand_down(&mut self, reason: &'static str) {
        self.displays.close_all(close::MOVED, reason);
        for outbox in self.conns.close_all() {
            let _ = outbox.try_send(Outbound::Close(close::MOVED, Cow::Borrowed(reason)));
        }
        tracing::info!(group_id = %self.group_id, reason, "group stopped on this node");
    }

    /// Makes the batch durable, then sends what it produced.
    async fn finish(&mut self, batch: Batch) -> Result<(), Stopped> {
        if !batch.inputs.is_empty() {
            self.inputs_since_snapshot += batch.inputs.len();
            let snapshot = (self.inputs_since_snapshot >= SNAPSHOT_EVERY).then(|| {
                self.inputs_since_snapshot = 0;
                (self.engine.seq(), self.engine.snapshot())
            });
            if let Some((_, json)) = &snapshot {
                self.measure(json.len());
            }
            let write = Write::Append {
                group_id: self.group_id.clone(),
                inputs: batch.inputs,
                events: batch.events,
                snapshot,
                next_deadline: self.engine.next_deadline(),
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
        for guest in batch.links_ended {
            // After the meeting's end is durable, before the guest hears of
            // it: a crash between the two leaves a token whose member the
            // engine no longer knows, which every door refuses.
            let write = Write::SetToken {
                group_id: self.group_id.clone(),
                member_id: Some(guest),
                token_hash: None,
            };
            if !matches!(self.store.write(write).await, Ok(Ok(()))) {
                tracing::warn!(group_id = %self.group_id, "a guest's token could not be removed");
            }
        }
        self.deliver(batch.deliveries);
        Ok(())
    }

    fn deliver(&mut self, deliveries: Vec<Delivery>) {
        for delivery in deliveries {
            match delivery {
                Delivery::Fanout(events) => {
                    for event in events {
                        for conn in self.conns.recipients(event.seq, &event.audience) {
                            let frame = Outbound::Text(event.json.clone());
                            self.conns.queue(conn, frame, OUTBOX_LEN_MAX);
                        }
                        self.metrics.events_delivered();
                    }
                }
                Delivery::Reply {
                    conn,
                    json,
                    received,
                } => {
                    self.conns.queue(conn, Outbound::Text(json), OUTBOX_LEN_MAX);
                    self.metrics.observe_ack(received.elapsed());
                }
                Delivery::Welcome { conn, frames } => {
                    for frame in frames {
                        self.conns
                            .queue(conn, Outbound::Text(frame), OUTBOX_CAPACITY);
                    }
                }
                Delivery::Rewelcome { conn, frame, seq } => {
                    self.conns
                        .queue(conn, Outbound::Text(frame), OUTBOX_LEN_MAX);
                    self.conns.welcomed(conn, seq);
                }
                Delivery::Close {
                    outboxes,
                    code,
                    reason,
                } => {
                    for outbox in outboxes {
                        let _ = outbox.try_send(Outbound::Close(code, Cow::Borrowed(reason)));
                    }
                }
                Delivery::DisplayFanout(frames) => {
                    for (seq, frame) in frames {
                        self.displays.fan_out(seq, &frame);
                    }
                }
                Delivery::DisplayWelcome { conn, frame } => {
                    self.displays
                        .queue(conn, Outbound::Text(frame), OUTBOX_CAPACITY);
                }
                Delivery::CloseDisplays => {
                    self.displays
                        .close_all(close::UNAUTHORIZED, "the room display was retired");
                }
                Delivery::AdminDone(done, result) => {
                    let _ = done.send(result);
                }
            }
        }
    }
}
