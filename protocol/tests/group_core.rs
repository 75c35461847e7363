//! Seeded random plans over the group core — the paths around the engine:
//! joins, leaves, drops, resumes from any seq, reconnect races, members
//! added, removed and given new links, new agreement versions, exports,
//! room displays joining, leaving, dropped, replaced and retired — with
//! canaries in titles, notes, record items and contributions, checked after
//! every step: no frame reached a connection that may not receive it, a
//! display saw nothing confidential and went dark with its token, and every
//! connection's stream is in order.
//!
//! A failure prints its seed; `RONDO_SEED=<seed> cargo test -p rondo-protocol
//! --test group_core` replays it alone.

mod sim;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rondo_protocol::command::{parse_frame, ClientFrame};
use rondo_protocol::engine::{Admin, DisplayState, Engine, Input};
use rondo_protocol::group::{CloseReason, ConnId, Document, GroupCore, Out};
use rondo_protocol::ids::{MeetingId, MemberId};
use rondo_protocol::text::{AgreementText, Name};
use serde_json::Value;
use std::collections::HashMap;

const PLANS: u64 = 16;
const STEPS_PER_PLAN: usize = 500;

type Core = GroupCore<String, ()>;

/// Canaries in everything confidential the plans write.
const CONFIDENTIAL: [&str; 6] = [
    "TITLE-",
    "QUESTION-",
    "REC-",
    "CONTRIB-",
    "TOPRES-",
    "PRIV-",
];

/// Who a connection is, as the test's driver knows it.
enum Peer {
    Member(MemberId),
    /// A room display, with the token hash it joined with and whether that
    /// display shows case titles.
    Display {
        token_hash: String,
        show_titles: bool,
    },
}

/// A connection as the test's driver knows it.
struct Conn {
    peer: Peer,
    open: bool,
    /// The seq of the last frame it received, to check the order.
    seen: u64,
    /// Where its hello asked to resume from.
    resume_from: Option<u64>,
}

struct Plan {
    core: Core,
    now: u64,
    conns: HashMap<ConnId, Conn>,
    next_conn: ConnId,
    /// Everyone who was ever a member, with the link they last had.
    links: HashMap<MemberId, [u8; 32]>,
    links_issued: u8,
    added: usize,
    /// The seq at which each member added during the plan came in: they are
    /// sent nothing from before it.
    added_at: HashMap<MemberId, u64>,
    /// Frames the room displays received, and displays closed as retired.
    display_frames: usize,
    displays_retired: usize,
    seed: u64,
}

#[test]
fn random_plans_over_the_group_core_keep_the_one_rule() {
    let seeds: Vec<u64> = match std::env::var("RONDO_SEED") {
        Ok(seed) => vec![seed.parse().expect("RONDO_SEED is a number")],
        Err(_) => (0..PLANS).map(|n| 0x0c0e_0000 + n).collect(),
    };
    let (mut frames, mut display_frames, mut retired) = (0, 0, 0);
    for seed in seeds {
        match std::panic::catch_unwind(|| run_plan(seed)) {
            Ok((count, shown, closed)) => {
                frames += count;
                display_frames += shown;
                retired += closed;
            }
            Err(panic) => {
                eprintln!("plan failed; replay with RONDO_SEED={seed}");
                std::panic::resume_unwind(panic);
            }
        }
    }
    if std::env::var("RONDO_SEED").is_err() {
        assert!(frames >= 5_000, "only {frames} frames checked");
        assert!(
            display_frames >= 400 && retired >= 20,
            "only {display_frames} display frames checked, {retired} displays retired"
        );
    }
}

fn link(n: u8) -> [u8; 32] {
    [n; 32]
}

/// The frames checked, those of them the displays received, and the
/// displays closed as retired.
fn run_plan(seed: u64) -> (usize, usize, usize) {
    let mut rng = SmallRng::seed_from_u64(seed);
    let engine = Engine::new(sim::Sim::new(4).config).expect("a group");
    let (core, _) = Core::new(engine, Vec::new(), |_, _| Vec::new());
    let mut plan = Plan {
        core,
        now: sim::T0,
        conns: HashMap::new(),
        next_conn: 1,
        links: HashMap::new(),
        links_issued: 1,
        added: 0,
        added_at: HashMap::new(),
        display_frames: 0,
        displays_retired: 0,
        seed,
    };
    for name in ["ana", "bo", "cy", "di"] {
        plan.links.insert(MemberId::new(name).unwrap(), link(1));
    }
    let mut checked = 0;
    for step in 0..STEPS_PER_PLAN {
        plan.step(&mut rng, step);
        checked += plan.deliver(&mut rng);
    }
    (checked, plan.display_frames, plan.displays_retired)
}

impl Plan {
    fn members_ever(&self) -> Vec<MemberId> {
        let mut all: Vec<MemberId> = self.links.keys().cloned().collect();
        all.sort();
        all
    }

    fn open_conns(&self) -> Vec<ConnId> {
        let mut open: Vec<ConnId> = self
            .conns
            .iter()
            .filter(|(_, c)| c.open)
            .map(|(id, _)| *id)
            .collect();
        open.sort();
        open
    }

    fn step(&mut self, rng: &mut SmallRng, step: usize) {
        self.now += rng.gen_range(0..20_000);
        let everyone = self.members_ever();
        let who = everyone[rng.gen_range(0..everyone.len())].clone();
        match rng.gen_range(0..100) {
            0..=14 => {
                // A join, now and then with a link that was replaced, and
                // resuming from anywhere (before the member existed included).
                let current = self.links[&who];
                let link = if rng.gen_bool(0.15) { link(0) } else { current };
                let seq = self.core.engine().seq();
                let resume_from = rng.gen_bool(0.7).then(|| rng.gen_range(0..=seq + 2));
                let conn = self.next_conn;
                self.next_conn += 1;
                self.conns.insert(
                    conn,
                    Conn {
                        peer: Peer::Member(who.clone()),
                        open: true,
                        seen: 0,
                        resume_from,
                    },
                );
                if !self.core.join(self.now, conn, who, link, resume_from) {
                    self.conns.get_mut(&conn).unwrap().open = false;
                }
            }
            15..=22 => {
                let open = self.open_conns();
                if !open.is_empty() {
                    let conn = open[rng.gen_range(0..open.len())];
                    self.conns.get_mut(&conn).unwrap().open = false;
                    self.core.leave(self.now, conn);
                }
            }
            23..=72 => {
                let open = self.open_conns();
                if open.is_empty() {
                    return;
                }
                let conn = open[rng.gen_range(0..open.len())];
                let Peer::Member(member) = &self.conns[&conn].peer else {
                    // A display's connection answers its own pings and
                    // sends the group nothing.
                    return;
                };
                let member = member.clone();
                let json = self.command(rng, step, &member);
                let ClientFrame::Command(envelope) = parse_frame(&json).expect("a command") else {
                    panic!("not a command: {json}")
                };
                self.core.command(self.now, conn, member, envelope, ());
            }
            73..=76 => {
                if self.added < 6 {
                    self.added += 1;
                    let id = MemberId::new(format!("new{}", self.added)).unwrap();
                    let name = Name::new(format!("New {}", self.added)).unwrap();
                    let add = Admin::AddMember {
                        member_id: id.clone(),
                        name,
                    };
                    if self.core.admin(self.now, add).is_ok() {
                        self.links.insert(id.clone(), link(1));
                        self.added_at.insert(id, self.core.engine().seq());
                    }
                }
            }
            77..=79 => {
                let _ = self
                    .core
                    .admin(self.now, Admin::RemoveMember { member: who });
            }
            80..=82 => {
                self.links_issued += 1;
                let fresh = link(self.links_issued);
                if self.core.replace_link(self.now, &who, fresh).is_ok() {
                    self.links.insert(who, fresh);
                }
            }
            83..=85 => {
                let text = AgreementText::new(format!("Version {step}")).unwrap();
                let update = Admin::UpdateAgreement {
                    text,
                    review_on: None,
                    max_gap_days: None,
                };
                self.core.admin(self.now, update).expect("always allowed");
            }
            86..=90 => self.export(rng, &who),
            91..=92 => {
                // A new display, which retires the last.
                let display = DisplayState {
                    token_hash: format!("{step:064x}"),
                    show_titles: rng.gen_bool(0.3),
                };
                let show = Admin::SetDisplay {
                    display: Some(display),
                };
                self.core.admin(self.now, show).expect("always allowed");
            }
            93..=96 => self.join_display(rng, step),
            97 => {
                let retire = Admin::SetDisplay { display: None };
                self.core.admin(self.now, retire).expect("always allowed");
            }
            _ => {
                self.core.apply(self.now, Input::Tick);
            }
        }
    }

    /// A screen opens the display's link — now and then one retired, or
    /// never given — and is welcomed only with the display's current token.
    fn join_display(&mut self, rng: &mut SmallRng, step: usize) {
        let current = self.core.engine().display().cloned();
        let token_hash = match &current {
            Some(display) if rng.gen_bool(0.8) => display.token_hash.clone(),
            _ => format!("{:064x}", rng.gen_range(0..step as u64 + 1)),
        };
        let show_titles = current.as_ref().is_some_and(|d| d.show_titles);
        let conn = self.next_conn;
        self.next_conn += 1;
        self.conns.insert(
            conn,
            Conn {
                peer: Peer::Display {
                    token_hash: token_hash.clone(),
                    show_titles,
                },
                open: true,
                seen: 0,
                resume_from: None,
            },
        );
        let welcomed = self.core.join_display(self.now, conn, &token_hash);
        let current = current.is_some_and(|d| d.token_hash == token_hash);
        assert_eq!(
            welcomed,
            current,
            "seed {}: a display joined with a token that is {}the group's",
            self.seed,
            if current { "" } else { "not " }
        );
    }

    /// A command with canaries in everything confidential it carries.
    fn command(&self, rng: &mut SmallRng, step: usize, member: &MemberId) -> String {
        let engine = self.core.engine();
        let version = engine.agreement_view(self.now).version;
        let view = engine.welcome(member, self.now, false);
        let case = view
            .as_ref()
            .and_then(|v| v.queue.first().map(|c| c.case_id.to_string()))
            .unwrap_or_else(|| "c1".into());
        let me = member.as_str();
        let commands = [
            format!(r#"{{"type":"agreement.accept","version":{version}}}"#),
            format!(r#"{{"type":"agreement.accept","version":{version}}}"#),
            r#"{"type":"meeting.open"}"#.to_owned(),
            r#"{"type":"meeting.start"}"#.to_owned(),
            r#"{"type":"meeting.end"}"#.to_owned(),
            format!(
                r#"{{"type":"case.propose","title":"TITLE-{step}","question":"QUESTION-{step}","minutes":20}}"#
            ),
            format!(r#"{{"type":"case.start","case_id":"{case}","template":"open"}}"#),
            format!(
                r#"{{"type":"case.start","case_id":"{case}","template":{{"name":"w","phases":[{{"name":"w","kind":"written","duration_s":30,"reveal_to":"group"}}]}}}}"#
            ),
            r#"{"type":"case.end"}"#.to_owned(),
            r#"{"type":"hand.raise"}"#.to_owned(),
            format!(r#"{{"type":"note.save","visibility":"private","text":"PRIV-{me}-{step}"}}"#),
            format!(
                r#"{{"type":"note.save","visibility":"presenter","text":"TOPRES-{me}-{step}"}}"#
            ),
            format!(r#"{{"type":"record.add","kind":"decision","text":"REC-{step}"}}"#),
            format!(r#"{{"type":"contribution.submit","text":"CONTRIB-{me}-{step}"}}"#),
            r#"{"type":"ping"}"#.to_owned(),
        ];
        let mut json: Value =
            serde_json::from_str(&commands[rng.gen_range(0..commands.len())]).expect("JSON");
        json["id"] = format!("s{step}").into();
        json.to_string()
    }

    /// A document for `member`: only a current member who accepted the
    /// agreement in force gets one, and only their own notes in it.
    fn export(&self, rng: &mut SmallRng, member: &MemberId) {
        let engine = self.core.engine();
        let mut meetings = engine.meeting_ids();
        meetings.push(MeetingId::for_group(engine.group_id(), 99));
        let meeting = &meetings[rng.gen_range(0..meetings.len())];
        let document = [
            Document::RecordMarkdown,
            Document::RecordJson,
            Document::NotesMarkdown,
        ][rng.gen_range(0..3)];
        let allowed = engine.is_member(member) && engine.has_accepted(member);
        match self
            .core
            .export(member, meeting, document, &rondo_protocol::export::Utc)
        {
            Ok(text) => {
                assert!(allowed, "seed {}: {member} got a document", self.seed);
                if let Some(text) = text {
                    check_private(&text, member, self.seed);
                }
            }
            Err(_) => assert!(!allowed, "seed {}: {member} was refused", self.seed),
        }
    }

    /// Delivers what the core planned, checking every frame, and now and
    /// then drops a connection as a full outbox would. The frames checked.
    fn deliver(&mut self, rng: &mut SmallRng) -> usize {
        let _ = self.core.take_log();
        let outs = self.core.deliver();
        let count = outs.len();
        for out in outs {
            match out {
                Out::Frame { conn, frame, .. } | Out::Reply { conn, frame, .. } => {
                    self.check(conn, &frame);
                }
                Out::Close { conn, reason } => {
                    let known = self.conns.get_mut(&conn).expect("a known connection");
                    known.open = false;
                    if reason == CloseReason::DisplayRetired {
                        self.displays_retired += 1;
                    }
                }
            }
        }
        // A display whose token is no longer the group's went dark in the
        // batch that retired it.
        let current = self.core.engine().display().map(|d| d.token_hash.clone());
        for (conn, known) in &self.conns {
            if let (true, Peer::Display { token_hash, .. }) = (known.open, &known.peer) {
                assert_eq!(
                    Some(token_hash),
                    current.as_ref(),
                    "seed {}: display connection {conn} is open with a retired token",
                    self.seed
                );
            }
        }
        if rng.gen_bool(0.03) {
            let open = self.open_conns();
            if !open.is_empty() {
                let conn = open[rng.gen_range(0..open.len())];
                self.conns.get_mut(&conn).unwrap().open = false;
                self.core.dropped(conn);
                for absence in self.core.absences() {
                    self.core.apply(self.now, absence);
                }
            }
        }
        count
    }

    fn check(&mut self, conn: ConnId, frame: &str) {
        let seed = self.seed;
        let known = self.conns.get_mut(&conn).expect("a known connection");
        assert!(
            known.open,
            "seed {seed}: a frame for a closed connection: {frame}"
        );
        if let Peer::Display { show_titles, .. } = known.peer {
            self.display_frames += 1;
            check_display(known, frame, show_titles, seed);
            return;
        }
        let engine = self.core.engine();
        let Peer::Member(member) = &known.peer else {
            unreachable!("a display returned above")
        };
        assert!(
            engine.is_member(member),
            "seed {seed}: a frame for {member}, not a member: {frame}"
        );
        let json: Value = serde_json::from_str(frame).expect("JSON");
        // In order, never repeated: a welcome restarts the count at its
        // seq, or (resumed) where the hello asked to resume from.
        if let Some(seq) = json["seq"].as_u64() {
            if json["type"] == "welcome" {
                known.seen = match (&json["resumed"], known.resume_from) {
                    (Value::Bool(true), Some(from)) => from,
                    _ => seq,
                };
            } else if json["type"] != "ack" {
                assert!(
                    seq > known.seen,
                    "seed {seed}: {member} got seq {seq} after {}",
                    known.seen
                );
                let added_at = self.added_at.get(member).copied().unwrap_or(0);
                assert!(
                    seq >= added_at,
                    "seed {seed}: {member}, added at {added_at}, got seq {seq}"
                );
                known.seen = seq;
            }
        }
        if CONFIDENTIAL.iter().any(|c| frame.contains(c)) {
            assert!(
                engine.has_accepted(member),
                "seed {seed}: content for {member}, who has not accepted the agreement in force: {frame}"
            );
        }
        check_private(frame, member, seed);
    }
}

/// A room display sees nothing confidential (case titles and questions
/// only when its group chose to show them, PROTOCOL.md), in order from its
/// welcome.
fn check_display(known: &mut Conn, frame: &str, show_titles: bool, seed: u64) {
    for canary in CONFIDENTIAL {
        let allowed = show_titles && (canary == "TITLE-" || canary == "QUESTION-");
        assert!(
            allowed || !frame.contains(canary),
            "seed {seed}: a display got {canary}: {frame}"
        );
    }
    let json: Value = serde_json::from_str(frame).expect("JSON");
    let Some(seq) = json["seq"].as_u64() else {
        // The refusal of an unknown token, which the close follows.
        assert_eq!(json["type"], "error", "seed {seed}: {frame}");
        return;
    };
    if json["type"] == "welcome" {
        known.seen = seq;
    } else {
        assert!(
            seq > known.seen,
            "seed {seed}: a display got seq {seq} after {}",
            known.seen
        );
        known.seen = seq;
    }
}

/// A private note's canary names its author: nobody else may see it.
fn check_private(text: &str, member: &MemberId, seed: u64) {
    for (at, _) in text.match_indices("PRIV-") {
        let author: String = text[at + 5..].chars().take_while(|c| *c != '-').collect();
        assert_eq!(
            author,
            member.as_str(),
            "seed {seed}: {member} got a private note of {author}"
        );
    }
}

/// One batch in which a member's events are planned and then another member
/// accepts the agreement: the events before the acceptance reach them in
/// their fresh welcome only, never as events before it (the plans above
/// deliver one step at a time, so this is driven by hand).
#[test]
fn content_planned_before_an_acceptance_in_the_same_batch_comes_in_the_welcome_only() {
    let engine = Engine::new(sim::Sim::new(4).config).expect("a group");
    let (mut core, _) = Core::new(engine, Vec::new(), |_, _| Vec::new());
    let (ana, cy) = (MemberId::new("ana").unwrap(), MemberId::new("cy").unwrap());
    let mut now = sim::T0;
    let mut command = |core: &mut Core, conn: ConnId, who: &MemberId, json: &str| {
        now += 1_000;
        let ClientFrame::Command(envelope) = parse_frame(json).expect("a command") else {
            panic!("not a command: {json}")
        };
        core.command(now, conn, who.clone(), envelope, ());
    };
    let frames_of = |core: &mut Core, to: ConnId| -> Vec<Value> {
        let _ = core.take_log();
        core.deliver()
            .into_iter()
            .filter_map(|out| match out {
                Out::Frame { conn, frame, .. } | Out::Reply { conn, frame, .. } if conn == to => {
                    Some(serde_json::from_str(&frame).unwrap())
                }
                _ => None,
            })
            .collect()
    };
    assert!(core.join(sim::T0, 1, ana.clone(), link(1), None));
    assert!(core.join(sim::T0, 2, cy.clone(), link(1), None));
    for json in [
        r#"{"id":"a1","type":"agreement.accept","version":1}"#,
        r#"{"id":"a2","type":"meeting.open"}"#,
        r#"{"id":"a3","type":"meeting.start"}"#,
    ] {
        command(&mut core, 1, &ana, json);
    }
    let before = frames_of(&mut core, 2);
    assert_eq!(before[0]["agreement_required"], true, "{before:?}");

    command(
        &mut core,
        1,
        &ana,
        r#"{"id":"a4","type":"record.add","kind":"discussion","text":"REC-before"}"#,
    );
    command(
        &mut core,
        2,
        &cy,
        r#"{"id":"c1","type":"agreement.accept","version":1}"#,
    );
    command(
        &mut core,
        1,
        &ana,
        r#"{"id":"a5","type":"record.add","kind":"discussion","text":"REC-after"}"#,
    );
    let frames = frames_of(&mut core, 2);
    let types: Vec<&str> = frames.iter().map(|f| f["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["ack", "welcome", "record.added"], "{frames:?}");
    let welcome = &frames[1];
    assert_eq!(welcome["meeting"]["record"][0]["text"], "REC-before");
    assert_eq!(frames[2]["item"]["text"], "REC-after");
    assert!(frames[2]["seq"].as_u64() > welcome["seq"].as_u64());
}
