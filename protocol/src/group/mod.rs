//! The group core: everything between the engine and the sockets that
//! decides who receives what, sans-I/O like the engine beside it.
//!
//! It holds the engine, the group's connections (members' and room
//! displays', the seq each welcome covers), the replay window and the plan
//! of one batch. The
//! driver (the server's group task) feeds it messages and the time, makes
//! [`GroupCore::take_log`] durable, then asks [`GroupCore::deliver`] for the
//! frames to write — so "durable before sent" and "events before reply"
//! hold by construction, and every frame that leaves passes the one rule,
//! [`Engine::may_receive`], decided against the group as it is then.

mod conns;
mod replay;

use crate::command::CommandEnvelope;
use crate::engine::{Admin, Engine, Input, Output};
use crate::event::{Audience, Event};
use crate::ids::{MeetingId, MemberId};
use crate::reply::{Rejection, Reply};
use crate::schedule::{Occurrence, Schedule};
use crate::view::Welcome;
use crate::Millis;
use conns::Conns;
use replay::Replay;
use std::collections::HashMap;
use std::sync::Arc;

/// Events per group kept at hand to replay to a resuming client.
pub const REPLAY_WINDOW: usize = 512;
/// Members whose link was replaced while the core ran, remembered so a
/// join authenticated with the old link just before is refused.
const REPLACED_LINKS_MAX: usize = 64;

/// A connection, as the driver numbers them.
pub type ConnId = u64;

/// A frame of JSON text as the driver writes it; made once per event and
/// shared by every recipient.
pub trait Frame: Clone + From<String> {}
impl<F: Clone + From<String>> Frame for F {}

/// The next meetings of a schedule from `now`: the server expands the
/// recurrence (the core knows no time zones).
pub type Upcoming = fn(Option<&Schedule>, Millis) -> Vec<Occurrence>;

/// One logged input: the seq of its last event, when it happened, and the input.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct StoredInput {
    pub seq: u64,
    pub at: u64,
    pub json: String,
}

/// One event with its audience (`None`: everyone), both as JSON.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct StoredEvent {
    pub seq: u64,
    pub audience: Option<String>,
    pub json: String,
}

/// An event as sent: its seq, who it is addressed to, whether it is
/// public, and its frame.
pub struct Sent<F> {
    pub seq: u64,
    pub audience: Audience,
    pub public: bool,
    pub frame: F,
}

/// Why the core closes a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseReason {
    /// The token named someone who is not (or no longer) a member.
    NotAMember,
    /// The convener removed the member.
    Removed,
    /// The member was given a new link: the old one is dead.
    LinkReplaced,
    /// A guest's meeting ended, and their link with it.
    GuestMeetingEnded,
    /// The token is not (or no longer) the group's room display's.
    UnknownDisplay,
    /// The room display was retired or replaced: its screens go dark.
    DisplayRetired,
}

/// How far behind a connection may be when a frame is queued for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Room {
    /// A live frame: the connection may not be far behind.
    Live,
    /// A welcome and its replay, which may fill the whole outbox.
    Welcome,
}

/// What the driver writes, in this order, once the batch is durable.
#[derive(Debug, PartialEq)]
pub enum Out<F, T> {
    Frame {
        conn: ConnId,
        frame: F,
        room: Room,
    },
    /// The answer to a command; `tag` is the driver's, given with it.
    Reply {
        conn: ConnId,
        frame: F,
        tag: T,
    },
    /// Closes a connection already taken out of the group.
    Close {
        conn: ConnId,
        reason: CloseReason,
    },
}

/// A document a member may download.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Document {
    RecordMarkdown,
    RecordJson,
    /// The member's own notes.
    NotesMarkdown,
}

/// A batch's plan, in order.
enum Planned<F, T> {
    Fanout(Vec<Arc<Sent<F>>>),
    Reply {
        conn: ConnId,
        frame: F,
        tag: T,
    },
    Welcome {
        conn: ConnId,
        frames: Vec<F>,
    },
    /// A fresh welcome for a member whose view changed, covering the events
    /// up to the seq it was made at: the connection takes none of those as
    /// events, only the ones after.
    Rewelcome {
        conn: ConnId,
        frame: F,
    },
    /// The answer to a connection that was never registered, before it closes.
    Refusal {
        conn: ConnId,
        frame: F,
    },
    Close {
        conns: Vec<ConnId>,
        reason: CloseReason,
    },
    /// Events as the room displays may see them, by seq.
    Display(Vec<(u64, F)>),
}

/// One group's engine, connections and replay window.
pub struct GroupCore<F, T> {
    engine: Engine,
    conns: Conns,
    replay: Replay<F>,
    plan: Vec<Planned<F, T>>,
    inputs: Vec<StoredInput>,
    events: Vec<StoredEvent>,
    upcoming: Upcoming,
    /// The link (its token's hash) each member was last given while the
    /// core ran.
    links: HashMap<MemberId, [u8; 32]>,
    /// Guests whose meeting ended: their links end in the same write.
    dismissed: Vec<MemberId>,
}

impl<F: Frame, T> GroupCore<F, T> {
    /// A core for an engine rebuilt from the store, with its last events;
    /// also how many of those could not be read (they are left out).
    pub fn new(engine: Engine, recent: Vec<StoredEvent>, upcoming: Upcoming) -> (Self, usize) {
        let (replay, unreadable) = Replay::from_stored(recent);
        let core = GroupCore {
            engine,
            conns: Conns::default(),
            replay,
            plan: Vec::new(),
            inputs: Vec::new(),
            events: Vec::new(),
            upcoming,
            links: HashMap::new(),
            dismissed: Vec::new(),
        };
        (core, unreadable)
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Feeds one input to the engine; logs what it says to log, and plans
    /// its events' delivery.
    pub fn apply(&mut self, now: Millis, input: Input) -> Output {
        let mut output = self.engine.handle(now, input);
        // What a room display sees of each event, decided by the engine's
        // allow-list (`display_frame`), never by the members' audiences.
        let shown: Vec<(u64, F)> = match self.engine.display() {
            Some(display) => output
                .events
                .iter()
                .filter_map(|a| {
                    crate::engine::display_frame(&a.event, display.show_titles)
                        .map(|json| (a.event.seq, F::from(json)))
                })
                .collect(),
            None => Vec::new(),
        };
        if let Some(logged) = &output.log {
            self.inputs.push(StoredInput {
                seq: self.engine.seq(),
                at: now,
                json: serde_json::to_string(logged).expect("inputs serialize"),
            });
        }
        let sent: Vec<Arc<Sent<F>>> = std::mem::take(&mut output.events)
            .into_iter()
            .map(|addressed| {
                let audience_json = match &addressed.audience {
                    Audience::Everyone => None,
                    Audience::Only(members) => {
                        Some(serde_json::to_string(members).expect("ids serialize"))
                    }
                };
                let json = addressed.event.to_json();
                self.events.push(StoredEvent {
                    seq: addressed.event.seq,
                    audience: audience_json,
                    json: json.clone(),
                });
                let sent = Arc::new(Sent {
                    seq: addressed.event.seq,
                    public: addressed.event.event.is_public(),
                    audience: addressed.audience,
                    frame: F::from(json),
                });
                let afresh = Event::starts_afresh_kind(addressed.event.event.kind());
                self.replay.push(sent.clone(), afresh);
                sent
            })
            .collect();
        if !sent.is_empty() {
            self.plan.push(Planned::Fanout(sent));
        }
        if !shown.is_empty() {
            self.plan.push(Planned::Display(shown));
        }
        for guest in std::mem::take(&mut output.guests_dismissed) {
            self.close_member(now, &guest, CloseReason::GuestMeetingEnded);
            self.dismissed.push(guest);
        }
        output
    }

    /// Guests whose meeting ended since the last call: their links are to
    /// be taken in the batch's write.
    pub fn take_dismissed(&mut self) -> Vec<MemberId> {
        std::mem::take(&mut self.dismissed)
    }

    /// A room display's connection, with the hash of the token it gave:
    /// registered and welcomed if it is the group's display (the hash
    /// compared, never the token), else refused as unknown and closed.
    /// Whether it was registered.
    pub fn join_display(&mut self, now: Millis, conn: ConnId, token_hash: &str) -> bool {
        let Some(display) = self.engine.display().filter(|d| d.token_hash == token_hash) else {
            // A retired display's token included.
            let refusal = Reply::error(
                None,
                Rejection::new(crate::reply::ErrorCode::Unauthorized, "unknown token"),
            );
            self.plan.push(Planned::Refusal {
                conn,
                frame: F::from(serde_json::to_string(&refusal).expect("replies serialize")),
            });
            self.plan.push(Planned::Close {
                conns: vec![conn],
                reason: CloseReason::UnknownDisplay,
            });
            return false;
        };
        let welcome = self.engine.display_welcome(now, display.show_titles);
        self.conns.join_display(conn, self.engine.seq());
        self.plan.push(Planned::Welcome {
            conn,
            frames: vec![F::from(welcome.to_json())],
        });
        true
    }

    /// A member's command from a connection: applied, answered after its
    /// events, and fresh welcomes for those whose view it changed.
    pub fn command(
        &mut self,
        now: Millis,
        conn: ConnId,
        member: MemberId,
        envelope: CommandEnvelope,
        tag: T,
    ) {
        let output = self.apply(now, Input::Command { member, envelope });
        if let Some(reply) = &output.reply {
            self.reply(conn, reply, tag);
        }
        self.rewelcome(now, &output.gate_changed);
    }

    /// Plans an answer for a connection (a command the driver refused
    /// before the engine saw it, or the engine's own).
    pub fn reply(&mut self, conn: ConnId, reply: &Reply, tag: T) {
        let frame = F::from(serde_json::to_string(reply).expect("replies serialize"));
        self.plan.push(Planned::Reply { conn, frame, tag });
    }

    /// A connection authenticated as `member` with a token whose hash is
    /// `link`. It is registered only if the engine knows them as a member
    /// and the link is still theirs; otherwise it is closed, never
    /// registered. Whether it was registered.
    pub fn join(
        &mut self,
        now: Millis,
        conn: ConnId,
        member: MemberId,
        link: [u8; 32],
        resume_from: Option<u64>,
    ) -> bool {
        let refusal = if !self.engine.is_member(&member) {
            Some(CloseReason::NotAMember)
        } else if self.links.get(&member).is_some_and(|l| l != &link) {
            // Authenticated just before a new link was committed.
            Some(CloseReason::LinkReplaced)
        } else {
            None
        };
        if let Some(reason) = refusal {
            self.plan.push(Planned::Close {
                conns: vec![conn],
                reason,
            });
            return false;
        }
        if let Some(presence) = self.conns.join(conn, member.clone()) {
            self.apply(now, presence);
        }
        let welcome = self.welcome(&member, now, resume_from);
        self.conns.welcomed(conn, self.engine.seq());
        self.plan.push(Planned::Welcome {
            conn,
            frames: welcome,
        });
        true
    }

    /// `welcome`, then the events a resuming member missed.
    fn welcome(&self, member: &MemberId, now: Millis, resume_from: Option<u64>) -> Vec<F> {
        let missed = resume_from.and_then(|from| self.replay.since(&self.engine, member, from));
        let mut frames = vec![self.welcome_frame(member, now, missed.is_some())];
        frames.extend(missed.into_iter().flatten());
        frames
    }

    fn welcome_frame(&self, member: &MemberId, now: Millis, resumed: bool) -> F {
        let mut welcome: Welcome = self
            .engine
            .welcome(member, now, resumed)
            .expect("a member, checked by the caller");
        welcome.group.next_meetings = (self.upcoming)(welcome.group.schedule.as_ref(), now);
        F::from(welcome.to_json())
    }

    /// A connection ended.
    pub fn leave(&mut self, now: Millis, conn: ConnId) {
        if let Some(presence) = self.conns.leave(conn) {
            self.apply(now, presence);
        }
    }

    /// A convener's change; a removed member's connections close at once.
    pub fn admin(&mut self, now: Millis, admin: Admin) -> Result<(), Rejection> {
        let removed = match &admin {
            Admin::RemoveMember { member } => Some(member.clone()),
            _ => None,
        };
        let display_changed = matches!(admin, Admin::SetDisplay { .. });
        let output = self.apply(now, Input::Admin(admin));
        if display_changed && output.admin.as_ref().is_some_and(Result::is_ok) {
            // A new display retires the last; its screens go dark, and
            // nothing later in this batch reaches them.
            let conns = self.conns.close_displays();
            if !conns.is_empty() {
                self.plan.push(Planned::Close {
                    conns,
                    reason: CloseReason::DisplayRetired,
                });
            }
        }
        self.rewelcome(now, &output.gate_changed);
        let result = output.admin.unwrap_or(Ok(()));
        if let (Some(member), Ok(())) = (removed, &result) {
            self.close_member(now, &member, CloseReason::Removed);
        }
        result
    }

    /// A member was given a new link (`link`, its token's hash): their
    /// connections close, and a join with the old link is refused.
    pub fn replace_link(
        &mut self,
        now: Millis,
        member: &MemberId,
        link: [u8; 32],
    ) -> Result<(), Rejection> {
        if !self.engine.is_member(member) {
            return Err(Rejection::not_found("no such member"));
        }
        if self.links.len() >= REPLACED_LINKS_MAX && !self.links.contains_key(member) {
            // Members gone from the group need no guard.
            let engine = &self.engine;
            self.links.retain(|m, _| engine.is_member(m));
        }
        self.links.insert(member.clone(), link);
        self.close_member(now, member, CloseReason::LinkReplaced);
        Ok(())
    }

    /// Takes a member's connections out at once, so nothing later in this
    /// batch reaches them, and marks them away while they are still a member.
    pub fn close_member(&mut self, now: Millis, member: &MemberId, reason: CloseReason) {
        let (conns, presence) = self.conns.close_member(member);
        if let Some(presence) = presence.filter(|_| self.engine.is_member(member)) {
            self.apply(now, presence);
        }
        if !conns.is_empty() {
            self.plan.push(Planned::Close { conns, reason });
        }
    }

    /// Takes every connection out, for the group to stop here: their ids.
    pub fn close_all(&mut self) -> Vec<ConnId> {
        self.conns.close_all()
    }

    /// The driver could not queue a frame for `conn`: it is gone. Its
    /// member's presence changes with [`GroupCore::absences`].
    pub fn dropped(&mut self, conn: ConnId) {
        self.conns.dropped(conn);
    }

    /// Presence inputs for the members dropped since the last call.
    pub fn absences(&mut self) -> Vec<Input> {
        self.conns.absences()
    }

    /// Sends the members whose view changed a fresh welcome.
    fn rewelcome(&mut self, now: Millis, members: &[MemberId]) {
        for member in members {
            if !self.engine.is_member(member) {
                continue;
            }
            let frame = self.welcome_frame(member, now, false);
            let seq = self.engine.seq();
            for conn in self.conns.of_member(member) {
                // Covered from now, not from its delivery: the batch's events
                // before it are delivered first and are in it already (one
                // planned before an agreement was accepted in the same batch
                // must not reach the member before the welcome, nor twice).
                self.conns.welcomed(conn, seq);
                self.plan.push(Planned::Rewelcome {
                    conn,
                    frame: frame.clone(),
                });
            }
        }
    }

    /// What the batch asks to make durable: the inputs to log and the
    /// events they produced.
    pub fn take_log(&mut self) -> (Vec<StoredInput>, Vec<StoredEvent>) {
        (
            std::mem::take(&mut self.inputs),
            std::mem::take(&mut self.events),
        )
    }

    /// Once the batch is durable: the frames to write, in order, each one
    /// allowed by the one rule against the group as it is now.
    pub fn deliver(&mut self) -> Vec<Out<F, T>> {
        let mut out = Vec::new();
        for planned in std::mem::take(&mut self.plan) {
            match planned {
                Planned::Fanout(events) => {
                    for event in events {
                        let reach = event.reach();
                        for conn in self.conns.recipients(event.seq, reach, &self.engine) {
                            out.push(Out::Frame {
                                conn,
                                frame: event.frame.clone(),
                                room: Room::Live,
                            });
                        }
                    }
                }
                Planned::Reply { conn, frame, tag } => {
                    if self.conns.is_open(conn) {
                        out.push(Out::Reply { conn, frame, tag });
                    }
                }
                Planned::Welcome { conn, frames } => {
                    if self.conns.is_open(conn) {
                        out.extend(frames.into_iter().map(|frame| Out::Frame {
                            conn,
                            frame,
                            room: Room::Welcome,
                        }));
                    }
                }
                Planned::Rewelcome { conn, frame } => {
                    if self.conns.is_open(conn) {
                        out.push(Out::Frame {
                            conn,
                            frame,
                            room: Room::Live,
                        });
                    }
                }
                Planned::Refusal { conn, frame } => out.push(Out::Frame {
                    conn,
                    frame,
                    room: Room::Welcome,
                }),
                Planned::Close { conns, reason } => {
                    out.extend(conns.into_iter().map(|conn| Out::Close { conn, reason }));
                }
                Planned::Display(frames) => {
                    for (seq, frame) in frames {
                        for conn in self.conns.display_recipients(seq) {
                            out.push(Out::Frame {
                                conn,
                                frame: frame.clone(),
                                room: Room::Live,
                            });
                        }
                    }
                }
            }
        }
        out
    }

    /// A document for `member`, by the one rule: only a current member who
    /// has accepted the agreement in force; `Ok(None)` for a meeting the
    /// group does not hold. Its times are printed in `zone`, the group's.
    pub fn export(
        &self,
        member: &MemberId,
        meeting: &MeetingId,
        document: Document,
        zone: &dyn crate::export::Zone,
    ) -> Result<Option<String>, Rejection> {
        self.engine.may_read(member)?;
        // A guest's documents are those of their one meeting.
        if !self.engine.may_export(member, meeting) {
            return Ok(None);
        }
        Ok(match document {
            Document::RecordMarkdown => self
                .engine
                .record_export(meeting)
                .map(|r| r.to_markdown(zone)),
            Document::RecordJson => self
                .engine
                .record_export(meeting)
                .map(|r| serde_json::to_string_pretty(&r).expect("exports serialize")),
            Document::NotesMarkdown => self
                .engine
                .notes_export(meeting, member)
                .map(|n| n.to_markdown(zone)),
        })
    }
}
