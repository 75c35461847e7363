//! The meeting engine: the pure rules of a supervision meeting.
//!
//! One [`Engine`] holds one group. The server calls [`Engine::handle`] with the
//! current time and an [`Input`]; the engine returns an [`Output`] with the events
//! to persist and send (each addressed), the reply, and whether the input is
//! to be logged; [`Engine::next_deadline`] says when it wants to be woken. It never reads the clock, so a test can run a two-minute round
//! in microseconds by jumping to the next deadline.

mod admin;
mod agreement;
mod audience;
mod briefs;
mod commands;
pub mod dates;
mod display;
mod emitter;
mod guests;
mod notes;
mod queue;
mod record;
mod replies;
mod retention;
mod run;
mod snapshot;
pub mod state;
pub mod supervision;
mod timers;
mod turns_kept;
mod views;

pub use admin::Admin;
pub use audience::{note_audience, reflection_audience, reveal_audience, Reach};
pub use display::{display_frame, DisplayState, DisplayWelcome};
pub use guests::GUESTS_MAX;
pub use replies::{Answer, REMEMBERED_IDS_MAX};
pub use snapshot::{SnapshotError, SNAPSHOT_FORMAT};

use crate::command::{Command, CommandEnvelope};
use crate::event::{Addressed, Event};
use crate::ids::{CommandId, MeetingId, MemberId};
use crate::reply::{Rejection, Reply};
use crate::Millis;
use emitter::Emitter;
use queue::Queue;
use record::Record;
use replies::RecentAnswers;
use serde::{Deserialize, Serialize};
use state::{GroupConfig, Meeting, Member};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Something that happens to a group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Input {
    /// A member's command.
    Command {
        member: MemberId,
        envelope: CommandEnvelope,
    },
    /// A member's first connection opened, or their last one closed.
    Presence { member: MemberId, present: bool },
    /// Time passed: fire whatever deadline is due.
    Tick,
    /// A change from the group's convener, over HTTP.
    Admin(Admin),
    /// The answer once given to a member's command that changed nothing:
    /// how such a command is logged.
    Answered {
        member: MemberId,
        id: CommandId,
        answer: Answer,
    },
}

/// What the engine answers to one input.
#[derive(Debug, Default, PartialEq)]
pub struct Output {
    /// Events to persist, then send to their audience, in order.
    pub events: Vec<Addressed>,
    /// The answer to a command; `None` for other inputs.
    pub reply: Option<Reply>,
    /// The answer to an admin change.
    pub admin: Option<Result<(), Rejection>>,
    /// What to log to rebuild the state by replay (`None`: nothing): an
    /// input with events as it came; a command without events (refused, or
    /// acknowledged without a change) as its answer alone, so that re-sent
    /// after a restart it gets its first answer again without its text
    /// being kept; `ping` not at all.
    pub log: Option<Input>,
    /// Members who came to have accepted the agreement in force, or ceased
    /// to: what they may see changed, so they are sent a fresh welcome.
    pub gate_changed: Vec<MemberId>,
    /// Guests whose meeting ended: they left the group, and their links
    /// are to stop working.
    pub guests_dismissed: Vec<MemberId>,
}

/// One group's state and rules.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Engine {
    pub(crate) group_id: crate::ids::GroupId,
    pub(crate) name: crate::text::Name,
    /// In rotation order: the order members were given when the group was
    /// created (later ones appended). Rounds, the facilitator's rotation and
    /// the role's passing on an absence all follow it.
    pub(crate) members: Vec<Member>,
    /// The latest version; members accept a version, so a new text asks
    /// everyone again.
    pub(crate) agreement: crate::view::Agreement,
    /// The version enforced, when it is not the latest: a version published
    /// during a meeting is enforced from that meeting's end. `None` (as in
    /// state stored before versions were enforced): the latest.
    #[serde(default)]
    pub(crate) in_force: Option<u32>,
    /// Every version published, oldest first; never rewritten.
    #[serde(default)]
    pub(crate) agreements: VecDeque<crate::view::PublishedAgreement>,
    /// Every acceptance (member, version, time), oldest first; never rewritten.
    #[serde(default)]
    pub(crate) acceptances: VecDeque<crate::view::Acceptance>,
    /// The language of the group's exports and calendar texts.
    #[serde(default)]
    pub(crate) language: crate::schedule::Language,
    /// Months the group keeps what its meetings said; `None`: all of it.
    #[serde(default)]
    pub(crate) retention_months: Option<u16>,
    /// The first month whose meetings' content is still kept: earlier ones
    /// have expired (`retention.rs`).
    #[serde(default)]
    pub(crate) kept_from: u32,
    /// Removed members who were erased: named "former member", their
    /// notes and reflections deleted. At most one per member ever added.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub(crate) erased: BTreeSet<MemberId>,
    /// When the group meets, if it has said so.
    #[serde(default)]
    pub(crate) schedule: Option<crate::schedule::Schedule>,
    pub(crate) settings: crate::settings::Settings,
    /// Counter behind case, note and record item ids: ids are short and
    /// unique within the group, and the same on every replay.
    pub(crate) ids_issued: u64,
    /// Counter behind meeting ids, which name the group and the meeting's
    /// number, so an export's URL says whose meeting it is.
    pub(crate) meetings_opened: u64,
    /// The case queue belongs to the group, not a meeting: cases are
    /// proposed before a meeting opens, and unpresented ones stay for the next.
    pub(crate) queue: Queue,
    /// Briefs their presenters have not shared yet, by case (`briefs.rs`).
    #[serde(default)]
    pub(crate) briefs: BTreeMap<crate::ids::CaseId, crate::text::Brief>,
    /// The room display in use, if any (`display.rs`).
    #[serde(default)]
    pub(crate) display: Option<DisplayState>,
    /// At most one meeting is open at a time.
    pub(crate) meeting: Option<Meeting>,
    /// Who facilitated the last meeting: the next one defaults to the member
    /// after them in rotation order.
    pub(crate) last_facilitator: Option<MemberId>,
    /// Ended meetings and their open actions. Flattened: the stored shape of
    /// the engine predates the type.
    #[serde(flatten)]
    pub(crate) record: Record,
    /// The answers to each member's recent command ids, so a command re-sent
    /// after a reconnect (or a restart) is answered, not applied, again.
    pub(crate) answers: BTreeMap<MemberId, RecentAnswers>,
    /// Attendance, confirmations, reflections and targets for the members' logs.
    #[serde(default)]
    pub(crate) supervision: supervision::Supervision,
    /// The seq, the input's time, and the events it emits. Only the seq is
    /// stored, at the top level as before.
    #[serde(flatten)]
    pub(crate) out: Emitter,
}

impl Engine {
    /// A new group, with no meeting yet.
    pub fn new(config: GroupConfig) -> Result<Engine, Rejection> {
        let count = config.members.len();
        if !(state::MEMBERS_MIN..=state::MEMBERS_MAX).contains(&count) {
            return Err(Rejection::bad_request(format!(
                "members: a group has {}-{} members",
                state::MEMBERS_MIN,
                state::MEMBERS_MAX
            )));
        }
        let mut ids: Vec<_> = config.members.iter().map(|(id, _)| id).collect();
        ids.sort();
        ids.dedup();
        if ids.len() != count {
            return Err(Rejection::bad_request("members: ids must be unique"));
        }
        if config.name.is_blank() {
            return Err(Rejection::bad_request("name must not be empty"));
        }
        for (index, (_, name)) in config.members.iter().enumerate() {
            if name.is_blank() {
                return Err(Rejection::bad_request(format!(
                    "members[{index}].name must not be empty"
                )));
            }
            let earlier = &config.members[..index];
            if earlier.iter().any(|(_, other)| same_name(other, name)) {
                return Err(Rejection::bad_request(format!(
                    "members[{index}].name is another member's name too; tell them apart"
                )));
            }
        }
        Ok(Engine {
            group_id: config.group_id,
            name: config.name,
            members: config
                .members
                .into_iter()
                .map(|(id, name)| Member {
                    id,
                    name,
                    accepted_version: None,
                    accepted_at: None,
                    present: false,
                    absent_since: None,
                    view_since: 0,
                    guest: false,
                })
                .collect(),
            agreement: config.agreement,
            in_force: None,
            agreements: VecDeque::new(),
            acceptances: VecDeque::new(),
            language: config.language,
            retention_months: None,
            kept_from: 0,
            erased: BTreeSet::new(),
            schedule: None,
            settings: config.settings,
            ids_issued: 0,
            meetings_opened: 0,
            queue: Queue::default(),
            briefs: BTreeMap::new(),
            display: None,
            meeting: None,
            last_facilitator: None,
            record: Record::default(),
            answers: BTreeMap::new(),
            supervision: Default::default(),
            out: Emitter::default(),
        })
    }

    /// Applies one input at time `now`.
    ///
    /// Deadlines due by `now` fire first, so a command always meets the state
    /// as it is at that moment. An input that changes the state always yields
    /// at least one event; one that yields none changed nothing but, for a
    /// command, the remembered answers — so [`Output::log`] is the input
    /// itself when it had events, the command's answer alone when not, and
    /// replaying those rebuilds the state exactly.
    pub fn handle(&mut self, now: Millis, input: Input) -> Output {
        self.out
            .begin(now, self.meeting.as_ref().map(|m| m.id.clone()));
        // Whose view of the group the input may change.
        let gated = self.gated();
        let before = guests::GuestsBefore::of(self);
        self.fire_due_timers();
        let mut output = Output::default();
        let mut answered = None;
        let as_logged = input.clone();
        match input {
            Input::Command { member, envelope } => {
                let id = envelope.id.clone();
                let (reply, new_answer) = self.handle_command(member.clone(), envelope);
                output.reply = Some(reply);
                answered = new_answer.then_some((member, id));
            }
            Input::Presence { member, present } => self.set_presence(&member, present),
            Input::Tick => {}
            Input::Admin(admin) => output.admin = Some(self.handle_admin(admin)),
            Input::Answered { member, id, answer } => {
                if self.is_member(&member) {
                    self.answers
                        .entry(member)
                        .or_default()
                        .remember(id.as_str(), answer);
                }
            }
        }
        output.events = self.out.take();
        let now_gated = self.gated();
        output.gate_changed = self
            .member_ids()
            .filter(|m| gated.contains(m) != now_gated.contains(m))
            .cloned()
            .collect();
        before.settle(self, &mut output);
        output.log = if !output.events.is_empty() {
            Some(as_logged)
        } else {
            answered.and_then(|(member, id)| self.answered(member, id))
        };
        output
    }

    /// A command that changed nothing, as it is logged: its answer.
    fn answered(&self, member: MemberId, id: CommandId) -> Option<Input> {
        let answer = self.answers.get(&member)?.get(id.as_str())?.clone();
        Some(Input::Answered { member, id, answer })
    }

    /// The seq of the last event.
    pub fn seq(&self) -> u64 {
        self.out.seq
    }

    pub fn group_id(&self) -> &crate::ids::GroupId {
        &self.group_id
    }

    /// The members, in rotation order.
    pub fn member_ids(&self) -> impl Iterator<Item = &MemberId> {
        self.members.iter().map(|m| &m.id)
    }

    pub fn is_member(&self, member: &MemberId) -> bool {
        self.member(member).is_some()
    }

    pub(crate) fn member(&self, id: &MemberId) -> Option<&Member> {
        self.members.iter().find(|m| &m.id == id)
    }

    pub(crate) fn is_present(&self, id: &MemberId) -> bool {
        self.member(id).is_some_and(|m| m.present)
    }

    /// Answers a command; whether the answer is a new one to remember.
    fn handle_command(&mut self, member: MemberId, envelope: CommandEnvelope) -> (Reply, bool) {
        let CommandEnvelope { id, command } = envelope;
        if !self.is_member(&member) {
            let refusal = Reply::error(
                Some(id),
                Rejection::new(
                    crate::reply::ErrorCode::Unauthorized,
                    "not a member of this group",
                ),
            );
            return (refusal, false);
        }
        if let Some(answer) = self.answers.get(&member).and_then(|a| a.get(id.as_str())) {
            return (answer_to_reply(id, answer.clone()), false);
        }
        // A ping's answer is not kept: a client pings all meeting long, and
        // its pings would push the ids of real commands out.
        let remember = !matches!(command, Command::Ping(_));
        let events_before = self.out.emitted();
        let gate_closed = !self.has_accepted(&member)
            && !matches!(command, Command::AgreementAccept(_) | Command::Ping(_));
        let result = if gate_closed {
            Err(Rejection::new(
                crate::reply::ErrorCode::AgreementRequired,
                format!(
                    "accept the agreement (version {}) first",
                    self.agreement.version
                ),
            ))
        } else {
            self.apply_command(&member, command)
        };
        let answer = match result {
            Ok(()) => Answer::Ack((self.out.emitted() > events_before).then_some(self.out.seq)),
            Err(rejection) => {
                // A refused command must leave no trace in the state.
                debug_assert_eq!(self.out.emitted(), events_before, "refused but emitted");
                Answer::Error(rejection.code, rejection.message.into())
            }
        };
        if remember {
            self.answers
                .entry(member)
                .or_default()
                .remember(id.as_str(), answer.clone());
        }
        (answer_to_reply(id, answer), remember)
    }

    /// A fresh id, unique within the group.
    pub(crate) fn issue_id(&mut self, prefix: &str) -> String {
        self.ids_issued += 1;
        format!("{prefix}{}", self.ids_issued)
    }

    pub(crate) fn new_meeting_id(&mut self) -> MeetingId {
        self.meetings_opened += 1;
        MeetingId::for_group(&self.group_id, self.meetings_opened)
    }

    fn set_presence(&mut self, member: &MemberId, present: bool) {
        let now = self.out.now;
        let Some(entry) = self.members.iter_mut().find(|m| &m.id == member) else {
            return;
        };
        if entry.present == present {
            return;
        }
        entry.present = present;
        entry.absent_since = (!present).then_some(now);
        if let Some(meeting) = self.meeting.as_mut() {
            meeting.track_presence(member, present, now);
        }
        self.out.emit(Event::MemberPresence {
            member: member.clone(),
            present,
        });
        if present {
            self.join_running_round(member);
        }
        // The role may be waiting for someone present to pass to.
        self.fire_due_timers();
    }
}

/// Whether two names would be taken for the same person: case and the
/// white space around them aside.
pub(crate) fn same_name(a: &crate::text::Name, b: &crate::text::Name) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

fn answer_to_reply(re: CommandId, answer: Answer) -> Reply {
    match answer {
        Answer::Ack(seq) => Reply::Ack { re, seq },
        Answer::Error(code, message) => Reply::Error {
            re: Some(re),
            code,
            message: message.into(),
        },
    }
}
