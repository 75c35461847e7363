//! The group task on its own, over an in-memory store, in paused tokio time:
//! joins and leaves in every order, closed members, slow clients, timers.

use super::*;
use crate::store::memory::MemoryStore;
use rondo_protocol::command::{parse_frame, ClientFrame};
use rondo_protocol::engine::state::GroupConfig;
use rondo_protocol::text::{AgreementText, Name};
use serde_json::Value;
use std::time::Duration;

const GROUP: &str = "g-test";

struct Harness {
    inbox: GroupHandle,
    store: Arc<MemoryStore>,
    next_conn: ConnId,
}

/// A connection as the group task sees it: the receiving end of its outbox.
struct Client {
    conn: ConnId,
    member: MemberId,
    outbound: OutboxReader,
}

fn member(name: &str) -> MemberId {
    MemberId::new(name).unwrap()
}

async fn start(names: &[&str]) -> Harness {
    start_with_budget(names, 64 * 1024 * 1024).await
}

async fn start_with_budget(names: &[&str], snapshot_max_bytes: usize) -> Harness {
    let config = GroupConfig::new(
        GroupId::new(GROUP).unwrap(),
        Name::new("Test group").unwrap(),
        names
            .iter()
            .map(|n| (member(n), Name::new(*n).unwrap()))
            .collect(),
        AgreementText::new("Be kind.").unwrap(),
    );
    let store = Arc::new(MemoryStore::default());
    let config_json = serde_json::to_string(&config).unwrap();
    let created = store.write(Write::CreateGroup {
        group_id: GroupId::new(GROUP).unwrap(),
        config_json,
        tokens: Vec::new(),
    });
    created.await.unwrap().unwrap();
    let mut engine = Engine::new(config).unwrap();
    // Every member has accepted the agreement, as members do before taking part.
    for name in names {
        let accept = r#"{"id":"accept","type":"agreement.accept","version":1}"#;
        let Ok(ClientFrame::Command(envelope)) = parse_frame(accept) else {
            unreachable!("a valid command")
        };
        engine.handle(
            0,
            Input::Command {
                member: member(name),
                envelope,
            },
        );
    }
    let metrics = Arc::new(Metrics::default());
    let shared = Shared {
        store: store.clone(),
        metrics,
        clock: Clock::start(),
        snapshot_max_bytes,
        stand_down_on_failure: false,
    };
    let task = GroupTask::new(engine, Vec::new(), shared);
    Harness {
        inbox: task.spawn(),
        store,
        next_conn: 1,
    }
}

impl Harness {
    /// Queues a join without waiting for the task to handle it.
    async fn join(&mut self, name: &str) -> Client {
        let (outbox, outbound) = outbox();
        let conn = self.next_conn;
        self.next_conn += 1;
        let join = GroupMsg::Join {
            conn,
            member: member(name),
            link: first_link(name),
            outbox,
            resume_from: None,
        };
        self.inbox.send(join).await.unwrap();
        Client {
            conn,
            member: member(name),
            outbound,
        }
    }

    async fn leave(&self, client: &Client) {
        let leave = GroupMsg::Leave { conn: client.conn };
        self.inbox.send(leave).await.unwrap();
    }

    async fn command(&self, client: &Client, json: Value) {
        let ClientFrame::Command(envelope) = parse_frame(&json.to_string()).unwrap() else {
            panic!("not a command")
        };
        let command = GroupMsg::Command {
            conn: client.conn,
            member: client.member.clone(),
            envelope,
            received: Instant::now(),
        };
        self.inbox.send(command).await.unwrap();
    }

    /// Waits until every message sent so far has been handled.
    async fn settled(&self) {
        let (reply, answered) = oneshot::channel();
        let ask = GroupMsg::IsMember {
            member: member("nobody"),
            reply,
        };
        self.inbox.send(ask).await.unwrap();
        answered.await.unwrap();
        // Deliveries after a flush, and follow-up batches, run on the task.
        tokio::time::sleep(Duration::from_millis(1)).await;
    }

    /// The presence events the group logged, as (member, present).
    fn presence(&self) -> Vec<(String, bool)> {
        self.store
            .events(GROUP)
            .iter()
            .map(|json| serde_json::from_str::<Value>(json).unwrap())
            .filter(|e| e["type"] == "member.presence")
            .map(|e| {
                let who = e["member"].as_str().unwrap().to_owned();
                (who, e["present"].as_bool().unwrap())
            })
            .collect()
    }
}

impl Client {
    /// Every frame waiting, as JSON; a close as `{"close": code}`.
    fn frames(&mut self) -> Vec<Value> {
        let mut frames = Vec::new();
        while let Some(frame) = self.outbound.try_recv() {
            frames.push(match frame {
                Outbound::Text(text) => serde_json::from_str(text.as_str()).unwrap(),
                Outbound::Close(code, _) => serde_json::json!({ "close": code }),
                Outbound::Rest => unreachable!("these outboxes have no socket"),
            });
        }
        frames
    }

    fn types(&mut self) -> Vec<String> {
        self.frames()
            .iter()
            .map(|f| match f.get("close") {
                Some(code) => format!("close {code}"),
                None => f["type"].as_str().unwrap_or("?").to_owned(),
            })
            .collect()
    }
}

#[tokio::test(start_paused = true)]
async fn a_reissued_link_leaves_no_ghost() {
    let mut group = start(&["ana", "bo"]).await;
    let mut ana = group.join("ana").await;
    let mut bo = group.join("bo").await;
    group.settled().await;
    ana.frames();
    let (done, replaced) = oneshot::channel();
    let replace = GroupMsg::ReplaceLink {
        member: member("bo"),
        link: [9; 32],
        done,
    };
    group.inbox.send(replace).await.unwrap();
    replaced.await.unwrap().unwrap();
    assert_eq!(bo.types().last().unwrap(), "close 4401");
    let seen = ana.frames();
    assert!(
        seen.iter().any(|e| e["type"] == "member.presence"
            && e["member"] == "bo"
            && e["present"] == false),
        "the others see the closed member leave: {seen:?}"
    );
    assert_eq!(group.presence().last().unwrap(), &("bo".into(), false));
}

/// Issue 19, defect 5: a `hello` authenticated with the old link just before
/// the new one was committed, whose join comes after, is never registered.
#[tokio::test(start_paused = true)]
async fn a_join_with_a_replaced_link_is_refused() {
    let mut group = start(&["ana", "bo"]).await;
    let mut ana = group.join("ana").await;
    group.settled().await;
    ana.frames();
    let (done, replaced) = oneshot::channel();
    let replace = GroupMsg::ReplaceLink {
        member: member("bo"),
        link: [9; 32],
        done,
    };
    group.inbox.send(replace).await.unwrap();
    replaced.await.unwrap().unwrap();
    // Authenticated with the link bo had before.
    let mut late = group.join("bo").await;
    group.settled().await;
    assert_eq!(late.types(), ["close 4401"], "nothing but the close");
    assert!(
        ana.frames().iter().all(|e| e["type"] != "member.presence"),
        "the refused join never made bo present"
    );
}

/// The link each member was created with, as the harness gives it.
fn first_link(name: &str) -> [u8; 32] {
    let mut link = [0; 32];
    link[..name.len()].copy_from_slice(name.as_bytes());
    link
}

#[tokio::test(start_paused = true)]
async fn a_reconnect_racing_the_old_connections_leave_stays_present() {
    let mut group = start(&["ana", "bo"]).await;
    let old = group.join("bo").await;
    group.settled().await;
    // The new connection's join and the old one's leave in one batch.
    let mut new = group.join("bo").await;
    group.leave(&old).await;
    group.settled().await;
    assert_eq!(
        group.presence(),
        [("bo".into(), true)],
        "bo never looked away"
    );
    assert_eq!(new.types(), ["welcome"]);
}

#[tokio::test(start_paused = true)]
async fn a_join_and_leave_in_one_batch_ends_away_and_sends_nothing() {
    let mut group = start(&["ana", "bo"]).await;
    let mut bo = group.join("bo").await;
    group.leave(&bo).await;
    group.settled().await;
    assert_eq!(
        group.presence(),
        [("bo".into(), true), ("bo".into(), false)]
    );
    assert!(bo.types().is_empty(), "a connection that left gets nothing");
}

#[tokio::test(start_paused = true)]
async fn a_non_member_is_refused_and_never_receives_the_groups_events() {
    let mut group = start(&["ana", "bo"]).await;
    let mut ana = group.join("ana").await;
    let mut stranger = group.join("removed-member").await;
    group.settled().await;
    assert_eq!(stranger.types(), ["close 4403"]);
    group
        .command(
            &ana,
            serde_json::json!({"id": "1", "type": "case.propose", "title": "CANARY",
                               "question": "?", "minutes": 20}),
        )
        .await;
    group.settled().await;
    assert!(ana.types().contains(&"case.proposed".to_owned()));
    assert!(stranger.frames().is_empty());
    assert!(
        group.presence().iter().all(|(who, _)| who == "ana"),
        "a non-member is never marked present"
    );
}

#[tokio::test(start_paused = true)]
async fn a_slow_client_is_dropped_and_marked_away_without_slowing_the_others() {
    let mut group = start(&["ana", "bo"]).await;
    let mut ana = group.join("ana").await;
    let mut bo = group.join("bo").await;
    group.settled().await;
    bo.frames();
    // Bo stops reading; Ana keeps opening and ending meetings, reading hers.
    for n in 0..(OUTBOX_LEN_MAX + 8) {
        let id = format!("c{n}");
        group
            .command(
                &ana,
                serde_json::json!({"id": id, "type": "meeting.open", "facilitator": "ana"}),
            )
            .await;
        let id = format!("e{n}");
        group
            .command(&ana, serde_json::json!({"id": id, "type": "meeting.end"}))
            .await;
        if n % 16 == 0 {
            group.settled().await;
            ana.frames();
        }
    }
    group.settled().await;
    let bo_frames = bo.frames();
    assert!(
        bo_frames.len() <= OUTBOX_LEN_MAX + 1,
        "bo was cut off at the outbox limit: {}",
        bo_frames.len()
    );
    assert!(bo.outbound.is_closed(), "the slow client's outbox closed");
    assert_eq!(group.presence().last().unwrap(), &("bo".into(), false));
}

#[tokio::test(start_paused = true)]
async fn a_turn_times_out_in_paused_time() {
    let mut group = start(&["ana", "bo", "cy"]).await;
    let ana = group.join("ana").await;
    let mut bo = group.join("bo").await;
    let _cy = group.join("cy").await;
    for (id, json) in [
        ("1", serde_json::json!({"type": "meeting.open"})),
        ("2", serde_json::json!({"type": "meeting.start"})),
        (
            "3",
            serde_json::json!({"type": "round.start", "turn_s": 60}),
        ),
    ] {
        let mut json = json;
        json["id"] = id.into();
        group.command(&ana, json).await;
    }
    group.settled().await;
    bo.frames();
    // 60 s a turn, then the default 30 s of grace: the first turn ends itself.
    tokio::time::sleep(Duration::from_secs(91)).await;
    group.settled().await;
    let frames = bo.frames();
    let ended: Vec<&Value> = frames
        .iter()
        .filter(|f| f["type"] == "turn.ended")
        .collect();
    assert_eq!(ended.len(), 1, "{frames:?}");
    assert_eq!(ended[0]["reason"], "timeout");
}

#[tokio::test(start_paused = true)]
async fn a_group_over_its_size_budget_refuses_text_until_it_shrinks() {
    let mut group = start_with_budget(&["ana", "bo"], 64 * 1024).await;
    let mut ana = group.join("ana").await;
    let open = serde_json::json!({"id": "open", "type": "meeting.open"});
    group.command(&ana, open).await;
    // Enough notes to pass the budget, and enough inputs for a snapshot
    // (fewer than the engine's own 200 notes a member).
    let mut replies = Vec::new();
    for n in 0..190 {
        let save = serde_json::json!({"id": format!("n{n}"), "type": "note.save",
                                      "visibility": "private", "text": "x".repeat(500)});
        group.command(&ana, save).await;
        if n % 32 == 0 {
            group.settled().await;
            replies.extend(ana.frames());
        }
    }
    for n in 0..200 {
        group
            .command(
                &ana,
                serde_json::json!({"id": format!("h{n}"), "type": "hand.lower"}),
            )
            .await;
        if n % 32 == 0 {
            group.settled().await;
            replies.extend(ana.frames());
        }
    }
    let late = serde_json::json!({"id": "late", "type": "note.save", "visibility": "private", "text": "y"});
    group.command(&ana, late).await;
    group.settled().await;
    replies.extend(ana.frames());
    let late = replies.iter().find(|f| f["re"] == "late").unwrap();
    assert_eq!(late["code"], "too_large", "the budget was reached: {late}");
    // Moving the meeting on is still possible.
    let raise = serde_json::json!({"id": "start", "type": "meeting.start"});
    group.command(&ana, raise).await;
    group.settled().await;
    assert!(ana
        .frames()
        .iter()
        .any(|f| f["type"] == "ack" && f["re"] == "start"));
    // Deleting the notes brings the group under its budget again.
    let saved: Vec<String> = group
        .store
        .events(GROUP)
        .iter()
        .map(|json| serde_json::from_str::<Value>(json).unwrap())
        .filter(|e| e["type"] == "note.saved")
        .map(|e| e["note"]["note_id"].as_str().unwrap().to_owned())
        .collect();
    for (n, note_id) in saved.iter().enumerate() {
        let delete =
            serde_json::json!({"id": format!("d{n}"), "type": "note.delete", "note_id": note_id});
        group.command(&ana, delete).await;
        if n % 32 == 0 {
            group.settled().await;
            ana.frames();
        }
    }
    group.settled().await;
    ana.frames();
    tokio::time::sleep(BUDGET_CHECK_EVERY).await;
    let save = serde_json::json!({"id": "again", "type": "note.save", "visibility": "private", "text": "x"});
    group.command(&ana, save).await;
    group.settled().await;
    let again = ana.frames();
    let answer = again.iter().find(|f| f["re"] == "again").unwrap();
    assert_eq!(answer["type"], "ack", "{answer}");
}
