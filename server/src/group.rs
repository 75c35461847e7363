//! One task per group: it owns the group's engine and its one timer, persists
//! what the engine says before anyone hears it, then fans the events out.

use crate::metrics::Metrics;
use crate::store::{Store, StoredEvent, StoredInput, Write, REPLAY_WINDOW};
use axum::extract::ws::Utf8Bytes;
use rondo_protocol::command::{Command, CommandEnvelope};
use rondo_protocol::engine::{Admin, Engine, Input, Output};
use rondo_protocol::event::Audience;
use rondo_protocol::ids::{MeetingId, MemberId};
use rondo_protocol::reply::Rejection;
use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::{mpsc, oneshot};

/// Inputs a group handles between two disk flushes, at most.
const INPUTS_PER_FLUSH_MAX: usize = 128;
/// A snapshot of the engine after this many logged inputs.
const SNAPSHOT_EVERY: usize = 256;
/// Frames waiting for one connection; a client further behind is dropped.
pub const OUTBOX_LEN_MAX: usize = 256;
/// An outbox's room: a resuming client's replay (up to the replay window)
/// must fit on top of the live frames it may fall behind by.
pub const OUTBOX_CAPACITY: usize = OUTBOX_LEN_MAX + REPLAY_WINDOW;
/// Messages waiting for one group.
pub const INBOX_LEN_MAX: usize = 4096;

/// Close code for a client too slow to keep up; it may resume.
pub const CLOSE_TOO_SLOW: u16 = 4008;

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
    Join {
        conn: ConnId,
        member: MemberId,
        outbox: Outbox,
        resume_from: Option<u64>,
    },
    Leave {
        conn: ConnId,
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
    /// Closes a member's connections (their token changed, or they left the group).
    CloseMember {
        member: MemberId,
        code: u16,
        reason: &'static str,
    },
    Export {
        request: Export,
        reply: oneshot::Sender<Option<String>>,
    },
}

/// A document a member may download.
pub enum Export {
    RecordMarkdown(MeetingId),
    RecordJson(MeetingId),
    NotesMarkdown(MeetingId, MemberId),
}

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// A handle to a group's task.
#[derive(Clone)]
pub struct GroupHandle {
    pub inbox: mpsc::Sender<GroupMsg>,
}

struct Conn {
    member: MemberId,
    outbox: Outbox,
}

/// An event as sent: its seq, who may see it, and its JSON.
struct Sent {
    seq: u64,
    audience: Audience,
    json: Utf8Bytes,
}

/// What to do once a batch is durable, in order.
enum Delivery {
    Fanout(Vec<Arc<Sent>>),
    Reply {
        conn: ConnId,
        json: Utf8Bytes,
        received: Instant,
    },
    Register {
        conn: ConnId,
        member: MemberId,
        outbox: Outbox,
        frames: Vec<Utf8Bytes>,
    },
    CloseMember {
        member: MemberId,
        code: u16,
        reason: &'static str,
    },
    AdminDone(
        oneshot::Sender<Result<(), Rejection>>,
        Result<(), Rejection>,
    ),
}

pub struct GroupTask {
    group_id: String,
    engine: Engine,
    store: Arc<dyn Store>,
    metrics: Arc<Metrics>,
    conns: HashMap<ConnId, Conn>,
    /// The last events, for clients that resume.
    recent: VecDeque<Arc<Sent>>,
    inputs_since_snapshot: usize,
    /// Members whose connection was dropped for being slow, whose presence is
    /// still to be updated.
    dropped: Vec<MemberId>,
}

impl GroupTask {
    /// A task for an engine rebuilt from the store; `recent` are its last events.
    pub fn new(
        engine: Engine,
        recent: Vec<StoredEvent>,
        store: Arc<dyn Store>,
        metrics: Arc<Metrics>,
    ) -> GroupTask {
        let recent = recent
            .into_iter()
            .map(|e| {
                Arc::new(Sent {
                    seq: e.seq,
                    audience: e
                        .audience
                        .and_then(|a| serde_json::from_str(&a).ok())
                        .map_or(Audience::Everyone, Audience::Only),
                    json: e.json.into(),
                })
            })
            .collect();
        let group_id = engine.group_id().to_string();
        GroupTask {
            inputs_since_snapshot: snapshot_offset(&group_id),
            group_id,
            engine,
            store,
            metrics,
            conns: HashMap::new(),
            recent,
            dropped: Vec::new(),
        }
    }

    /// Starts the task; after a restart, everyone who was present is marked
    /// away and deadlines that passed while the server was down fire, once.
    pub fn spawn(mut self) -> GroupHandle {
        let (inbox, mut messages) = mpsc::channel(INBOX_LEN_MAX);
        tokio::spawn(async move {
            let gone: Vec<MemberId> = self
                .engine
                .group_view()
                .members
                .into_iter()
                .filter(|m| m.present)
                .map(|m| m.member_id)
                .collect();
            let mut startup: Vec<Input> = gone
                .into_iter()
                .map(|member| Input::Presence {
                    member,
                    present: false,
                })
                .collect();
            startup.push(Input::Tick);
            self.run_inputs(startup).await;
            self.run(&mut messages).await;
        });
        GroupHandle { inbox }
    }

    async fn run(mut self, messages: &mut mpsc::Receiver<GroupMsg>) {
        // One timer for the group, reset to the engine's next deadline.
        let timer = tokio::time::sleep(Duration::ZERO);
        tokio::pin!(timer);
        loop {
            let deadline = self.engine.next_deadline();
            if let Some(deadline) = deadline {
                let wait = Duration::from_millis(deadline.saturating_sub(now_ms()));
                timer.as_mut().reset(tokio::time::Instant::now() + wait);
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
            self.process(batch).await;
            while !self.dropped.is_empty() {
                let gone: Vec<Input> = std::mem::take(&mut self.dropped)
                    .into_iter()
                    .filter(|member| !self.conns.values().any(|c| &c.member == member))
                    .map(|member| Input::Presence {
                        member,
                        present: false,
                    })
                    .collect();
                self.run_inputs(gone).await;
            }
        }
    }

    async fn run_inputs(&mut self, inputs: Vec<Input>) {
        let mut batch = Batch::default();
        for input in inputs {
            let (_, sent) = self.apply(input, &mut batch);
            batch.deliveries.push(Delivery::Fanout(sent));
        }
        self.finish(batch).await;
    }

    /// Feeds one input to the engine; keeps it for the log if it is to be replayed.
    fn apply(&mut self, input: Input, batch: &mut Batch) -> (Output, Vec<Arc<Sent>>) {
        let now = now_ms();
        let mut output = self.engine.handle(now, input.clone());
        let events = std::mem::take(&mut output.events);
        if !events.is_empty() || answer_to_keep(&input) {
            batch.inputs.push(StoredInput {
                seq: self.engine.seq(),
                at: now,
                json: serde_json::to_string(&input).expect("inputs serialize"),
            });
        }
        let sent: Vec<Arc<Sent>> = events
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
                self.recent.push_back(sent.clone());
                if self.recent.len() > REPLAY_WINDOW {
                    self.recent.pop_front();
                }
                sent
            })
            .collect();
        (output, sent)
    }

    /// Handles a batch of messages: engine first, one flush, then delivery.
    async fn process(&mut self, messages: Vec<GroupMsg>) {
        let mut batch = Batch::default();
        if messages.is_empty() {
            let (_, sent) = self.apply(Input::Tick, &mut batch);
            batch.deliveries.push(Delivery::Fanout(sent));
        }
        for message in messages {
            self.plan(message, &mut batch);
        }
        self.finish(batch).await;
    }

    fn plan(&mut self, message: GroupMsg, batch: &mut Batch) {
        match message {
            GroupMsg::Command {
                conn,
                member,
                envelope,
                received,
            } => {
                let (output, sent) = self.apply(
                    Input::Command {
                        member,
                        envelope: *envelope,
                    },
                    batch,
                );
                batch.deliveries.push(Delivery::Fanout(sent));
                if let Some(reply) = output.reply {
                    self.metrics.count_reply(&reply);
                    let json = serde_json::to_string(&reply)
                        .expect("replies serialize")
                        .into();
                    batch.deliveries.push(Delivery::Reply {
                        conn,
                        json,
                        received,
                    });
                }
            }
            GroupMsg::Join {
                conn,
                member,
                outbox,
                resume_from,
            } => {
                let first = !self.conns.values().any(|c| c.member == member)
                    && !batch.joining.contains(&member);
                if first {
                    let presence = Input::Presence {
                        member: member.clone(),
                        present: true,
                    };
                    let (_, sent) = self.apply(presence, batch);
                    batch.deliveries.push(Delivery::Fanout(sent));
                }
                batch.joining.push(member.clone());
                let frames = self.welcome_frames(&member, resume_from);
                batch.deliveries.push(Delivery::Register {
                    conn,
                    member,
                    outbox,
                    frames,
                });
            }
            GroupMsg::Leave { conn } => {
                let Some(gone) = self.conns.remove(&conn) else {
                    return;
                };
                self.metrics.connection_closed();
                let last = !self.conns.values().any(|c| c.member == gone.member);
                if last {
                    let presence = Input::Presence {
                        member: gone.member,
                        present: false,
                    };
                    let (_, sent) = self.apply(presence, batch);
                    batch.deliveries.push(Delivery::Fanout(sent));
                }
            }
            GroupMsg::Admin { admin, done } => {
                let removed = match &admin {
                    Admin::RemoveMember { member } => Some(member.clone()),
                    _ => None,
                };
                let (output, sent) = self.apply(Input::Admin(admin), batch);
                let result = output.admin.unwrap_or(Ok(()));
                if let (Some(member), Ok(())) = (removed, &result) {
                    batch.deliveries.push(Delivery::CloseMember {
                        member,
                        code: 4403,
                        reason: "removed from the group",
                    });
                }
                batch.deliveries.push(Delivery::Fanout(sent));
                batch.deliveries.push(Delivery::AdminDone(done, result));
            }
            GroupMsg::CloseMember {
                member,
                code,
                reason,
            } => {
                batch.deliveries.push(Delivery::CloseMember {
                    member,
                    code,
                    reason,
                });
            }
            GroupMsg::Export { request, reply } => {
                let document = match request {
                    Export::RecordMarkdown(id) => {
                        self.engine.record_export(&id).map(|r| r.to_markdown())
                    }
                    Export::RecordJson(id) => self
                        .engine
                        .record_export(&id)
                        .map(|r| serde_json::to_string_pretty(&r).expect("exports serialize")),
                    Export::NotesMarkdown(id, member) => self
                        .engine
                        .notes_export(&id, &member)
                        .map(|n| n.to_markdown()),
                };
                let _ = reply.send(document);
            }
        }
    }

    /// `welcome`, then the events a resuming member missed.
    fn welcome_frames(&self, member: &MemberId, resume_from: Option<u64>) -> Vec<Utf8Bytes> {
        let seq = self.engine.seq();
        let oldest_kept = self.recent.front().map_or(seq + 1, |e| e.seq);
        let resumed = resume_from.is_some_and(|from| from <= seq && from + 1 >= oldest_kept);
        let Some(welcome) = self.engine.welcome(member, now_ms(), resumed) else {
            return Vec::new();
        };
        let mut frames: Vec<Utf8Bytes> = vec![welcome.to_json().into()];
        if let (true, Some(from)) = (resumed, resume_from) {
            frames.extend(
                self.recent
                    .iter()
                    .filter(|e| e.seq > from && e.audience.includes(member))
                    .map(|e| e.json.clone()),
            );
        }
        frames
    }

    /// Makes the batch durable, then sends what it produced.
    async fn finish(&mut self, batch: Batch) {
        if !batch.inputs.is_empty() {
            self.inputs_since_snapshot += batch.inputs.len();
            let snapshot = (self.inputs_since_snapshot >= SNAPSHOT_EVERY).then(|| {
                self.inputs_since_snapshot = 0;
                let json = serde_json::to_string(&self.engine).expect("the engine serializes");
                (self.engine.seq(), json)
            });
            let write = Write::Append {
                group_id: self.group_id.clone(),
                inputs: batch.inputs,
                events: batch.events,
                snapshot,
            };
            match self.store.write(write).await {
                Ok(Ok(())) => {}
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
        self.deliver(batch.deliveries);
    }

    fn deliver(&mut self, deliveries: Vec<Delivery>) {
        for delivery in deliveries {
            match delivery {
                Delivery::Fanout(events) => {
                    for event in events {
                        let targets: Vec<ConnId> = self
                            .conns
                            .iter()
                            .filter(|(_, c)| event.audience.includes(&c.member))
                            .map(|(id, _)| *id)
                            .collect();
                        for conn in targets {
                            self.send(conn, Outbound::Text(event.json.clone()));
                        }
                        self.metrics.events_delivered();
                    }
                }
                Delivery::Reply {
                    conn,
                    json,
                    received,
                } => {
                    self.send(conn, Outbound::Text(json));
                    self.metrics.observe_ack(received.elapsed());
                }
                Delivery::Register {
                    conn,
                    member,
                    outbox,
                    frames,
                } => {
                    self.conns.insert(conn, Conn { member, outbox });
                    self.metrics.connection_opened();
                    for frame in frames {
                        self.queue(conn, Outbound::Text(frame), OUTBOX_CAPACITY);
                    }
                }
                Delivery::CloseMember {
                    member,
                    code,
                    reason,
                } => {
                    let closing: Vec<ConnId> = self
                        .conns
                        .iter()
                        .filter(|(_, c)| c.member == member)
                        .map(|(id, _)| *id)
                        .collect();
                    for conn in closing {
                        if let Some(gone) = self.conns.remove(&conn) {
                            let _ = gone
                                .outbox
                                .try_send(Outbound::Close(code, Cow::Borrowed(reason)));
                            self.metrics.connection_closed();
                        }
                    }
                }
                Delivery::AdminDone(done, result) => {
                    let _ = done.send(result);
                }
            }
        }
    }

    /// Queues a frame for a connection, never waiting: one that cannot keep
    /// up is dropped (its outbox closes, so its task ends) and may resume.
    fn send(&mut self, conn: ConnId, frame: Outbound) {
        self.queue(conn, frame, OUTBOX_LEN_MAX);
    }

    /// Queues a frame unless the connection already has more than `behind_max`
    /// frames waiting (live events), or the outbox is full (a replay).
    fn queue(&mut self, conn: ConnId, frame: Outbound, behind_max: usize) {
        let Some(target) = self.conns.get(&conn) else {
            return;
        };
        let waiting = OUTBOX_CAPACITY - target.outbox.capacity();
        if waiting < behind_max && target.outbox.try_send(frame).is_ok() {
            return;
        }
        if let Some(gone) = self.conns.remove(&conn) {
            tracing::info!(group_id = %self.group_id, member_id = %gone.member, "dropping a slow client");
            self.metrics.slow_client_dropped();
            self.metrics.connection_closed();
            self.dropped.push(gone.member);
        }
    }
}

/// A batch's work: what to log, and what to deliver once it is durable.
#[derive(Default)]
struct Batch {
    inputs: Vec<StoredInput>,
    events: Vec<StoredEvent>,
    deliveries: Vec<Delivery>,
    /// Members joining in this batch, so a second connection is not "first".
    joining: Vec<MemberId>,
}

/// Rebuilds an engine from its stored config, snapshot and inputs.
pub fn rebuild(
    config_json: &str,
    snapshot: Option<&str>,
    inputs: &[StoredInput],
) -> Result<Engine, String> {
    let mut engine = match snapshot {
        Some(json) => serde_json::from_str(json).map_err(|e| format!("snapshot: {e}"))?,
        None => {
            let config = serde_json::from_str(config_json).map_err(|e| format!("config: {e}"))?;
            Engine::new(config).map_err(|e| format!("config: {}", e.message))?
        }
    };
    for stored in inputs {
        let input: Input = serde_json::from_str(&stored.json).map_err(|e| format!("input: {e}"))?;
        engine.handle(stored.at, input);
        if engine.seq() != stored.seq {
            return Err(format!(
                "replay reached seq {} where the log says {}",
                engine.seq(),
                stored.seq
            ));
        }
    }
    Ok(engine)
}

/// Whether an input that changed nothing is logged all the same: a command
/// (refused, or acknowledged without a change) is, so that re-sent after a
/// restart it gets its first answer rather than being evaluated afresh. A
/// ping has nothing to keep.
fn answer_to_keep(input: &Input) -> bool {
    matches!(input, Input::Command { envelope, .. } if !matches!(envelope.command, Command::Ping(_)))
}

/// Where a group starts counting towards its next snapshot: spread over the
/// interval by its id, so that groups started together (every group, after a
/// restart) do not all serialize their engines in the same second.
fn snapshot_offset(group_id: &str) -> usize {
    let spread = group_id.bytes().fold(0usize, |hash, byte| {
        hash.wrapping_mul(31).wrapping_add(usize::from(byte))
    });
    spread % SNAPSHOT_EVERY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_offsets_spread_over_the_interval() {
        let offsets: std::collections::HashSet<usize> = (0..1000)
            .map(|n| {
                snapshot_offset(
                    &uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, &[n as u8, (n >> 8) as u8])
                        .to_string(),
                )
            })
            .collect();
        assert!(offsets.iter().all(|o| *o < SNAPSHOT_EVERY));
        assert!(
            offsets.len() > SNAPSHOT_EVERY / 2,
            "{} distinct",
            offsets.len()
        );
    }
}
