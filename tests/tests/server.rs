//! The real `rondo` binary on port 0 with a temporary SQLite file, and real
//! websocket clients.

use futures_util::SinkExt;
use rondo_tests::{create_group, http, Member, Server};
use serde_json::{json, Value};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

const SIX: [&str; 6] = ["Ana", "Bo", "Cy", "Di", "Ed", "Fa"];

async fn connect_all(server: &Server, group: &rondo_tests::Group, names: &[&str]) -> Vec<Member> {
    let mut members = Vec::new();
    for name in names {
        members.push(Member::connect(server.addr, group.token(name), None).await);
    }
    members
}

fn case_id(reply_holder: &Member) -> String {
    reply_holder
        .events
        .iter()
        .rev()
        .find(|e| e["type"] == "case.proposed")
        .expect("a proposal")["case"]["case_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Opens and starts a meeting and starts an SGS case presented by `presenter`.
async fn start_case(m: &mut [Member], presenter: usize, template: Value) -> String {
    m[0].ok(json!({"type": "meeting.open"})).await;
    m[0].ok(json!({"type": "meeting.start"})).await;
    m[presenter]
        .ok(json!({"type": "case.propose", "title": "A family", "question": "How?", "minutes": 30}))
        .await;
    m[presenter].until("case.proposed").await;
    let case = case_id(&m[presenter]);
    m[0].ok(json!({"type": "case.start", "case_id": case, "template": template}))
        .await;
    case
}

#[tokio::test]
async fn a_full_sgs_case_with_six_members() {
    let dir = tempfile::tempdir().unwrap();
    a_full_sgs_case(&Server::start(dir.path())).await;
}

/// On one core the server runs tokio's single-threaded scheduler.
#[tokio::test]
async fn a_full_sgs_case_on_one_core() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_on_one_core(dir.path());
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap();
    assert!(
        status
            .lines()
            .any(|l| l.starts_with("Cpus_allowed_list:") && l.trim_end().ends_with("\t0")),
        "the server runs on core 0 alone"
    );
    a_full_sgs_case(&server).await;
}

async fn a_full_sgs_case(server: &Server) {
    let group = create_group(server.addr, &SIX).await;
    let mut m = connect_all(server, &group, &SIX).await;
    start_case(&mut m, 2, json!("sgs")).await;
    m[2].ok(json!({"type": "turn.done"})).await; // request for help
    for round in ["questions", "feedback"] {
        for speaker in [3, 4, 5, 0, 1] {
            let reply = m[speaker].command(json!({"type": "turn.done"})).await;
            assert_eq!(reply["type"], "ack", "{round}: {} {reply}", SIX[speaker]);
        }
    }
    m[0].ok(json!({"type": "phase.next"})).await; // out of the pause
    m[2].ok(json!({"type": "turn.done"})).await; // response
    m[1].ok(json!({"type": "hand.raise"})).await;
    m[0].ok(json!({"type": "floor.give"})).await;
    m[0].ok(json!({"type": "record.add", "kind": "action", "text": "Call the school", "owner": group.id("Cy"), "due": "2027-01-10"})).await;
    m[1].ok(json!({"type": "turn.done"})).await;
    m[0].ok(json!({"type": "phase.next"})).await;
    // Every member saw the same public events, in the same order, ending with the case's end.
    let mut streams = Vec::new();
    for member in m.iter_mut() {
        member.until("case.ended").await;
        let public: Vec<Value> = member
            .events
            .iter()
            .filter(|e| !e["type"].as_str().unwrap().starts_with("note."))
            .cloned()
            .collect();
        assert!(
            public
                .windows(2)
                .all(|w| w[0]["seq"].as_u64() < w[1]["seq"].as_u64()),
            "{} in order",
            member.name
        );
        streams.push(
            public
                .into_iter()
                .filter(|e| e["type"] != "member.presence")
                .collect::<Vec<_>>(),
        );
    }
    for (name, stream) in SIX.iter().zip(&streams).skip(1) {
        let tail = |s: &Vec<Value>| {
            s.iter()
                .filter(|e| e["seq"].as_u64() > Some(40))
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(tail(stream), tail(&streams[0]), "{name} saw what Ana saw");
    }
    let kinds: Vec<&str> = streams[0]
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    for expected in [
        "case.started",
        "phase.started",
        "turn.started",
        "turn.ended",
        "phase.ended",
        "record.added",
        "case.ended",
    ] {
        assert!(kinds.contains(&expected), "{expected} in {kinds:?}");
    }
}

#[tokio::test]
async fn disconnect_in_a_round_and_resume_misses_nothing_and_doubles_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &SIX[..4]).await;
    let mut m = connect_all(&server, &group, &SIX[..4]).await;
    start_case(&mut m, 1, json!("sgs")).await;
    m[1].ok(json!({"type": "turn.done"})).await;
    m[3].until("turn.started").await;
    let dropped = m.remove(3);
    let seen = {
        let mut d = dropped;
        d.until("turn.started").await;
        let seen = d.last_seq();
        drop(d);
        seen
    };
    // The round goes on without Di's connection.
    m[2].ok(json!({"type": "turn.done"})).await;
    m[0].ok(json!({"type": "record.add", "kind": "discussion", "text": "while Di was away"}))
        .await;
    let mut back = Member::connect(server.addr, group.token("Di"), Some(seen)).await;
    assert_eq!(back.welcome["resumed"], true);
    back.ok(json!({"type": "ping"})).await;
    let replayed: Vec<u64> = back
        .events
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert!(
        replayed.first().is_some_and(|first| *first > seen),
        "{replayed:?} after {seen}"
    );
    assert!(
        replayed.windows(2).all(|w| w[0] < w[1]),
        "no doubles: {replayed:?}"
    );
    let kinds: Vec<&str> = back
        .events
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"record.added") && kinds.contains(&"turn.ended"),
        "{kinds:?}"
    );
    // Exactly the events Ana saw after that point, but for Di's own presence.
    m[0].until("record.added").await;
    let ana: Vec<u64> = m[0]
        .events
        .iter()
        .filter_map(|e| e["seq"].as_u64())
        .filter(|s| *s > seen)
        .collect();
    for seq in &ana {
        assert!(replayed.contains(seq), "seq {seq} missing from the replay");
    }
}

#[tokio::test]
async fn the_same_command_id_is_applied_once_before_and_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &SIX[..3]).await;
    let propose = json!({"type": "case.propose", "title": "T", "question": "Q", "minutes": 10});
    let mut bo = Member::connect(server.addr, group.token("Bo"), None).await;
    let first = bo.command_with_id("same-id", propose.clone()).await;
    assert_eq!(first["type"], "ack");
    assert_eq!(bo.command_with_id("same-id", propose.clone()).await, first);
    server.kill();
    let server = Server::start(dir.path());
    let mut bo = Member::connect(server.addr, group.token("Bo"), None).await;
    assert_eq!(
        bo.command_with_id("same-id", propose).await,
        first,
        "answered from the log"
    );
    assert_eq!(
        bo.welcome["queue"].as_array().unwrap().len(),
        1,
        "applied once"
    );
}

#[tokio::test]
async fn a_refused_command_gets_the_same_answer_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &SIX[..2]).await;
    let start = json!({"type": "meeting.start"});
    let mut ana = Member::connect(server.addr, group.token("Ana"), None).await;
    let refused = ana.command_with_id("early-start", start.clone()).await;
    assert_eq!(refused["type"], "error", "no meeting is open yet");
    server.kill();
    let server = Server::start(dir.path());
    let mut ana = Member::connect(server.addr, group.token("Ana"), None).await;
    ana.ok(json!({"type": "meeting.open"})).await;
    let again = ana.command_with_id("early-start", start).await;
    assert_eq!(again, refused, "answered from the log");
    let bo = Member::connect(server.addr, group.token("Bo"), None).await;
    assert_eq!(bo.welcome["meeting"]["status"], "lobby", "not applied");
}

#[tokio::test]
async fn sigkill_in_the_middle_of_a_round_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path());
    let group = create_group(server.addr, &SIX[..4]).await;
    let template =
        json!({"name": "long", "phases": [{"name": "round", "kind": "round", "turn_s": 3600}]});
    let (turn_member, turn_deadline) = {
        let mut m = connect_all(&server, &group, &SIX[..4]).await;
        start_case(&mut m, 0, template).await;
        let turn = m[1].until("turn.started").await;
        (turn["member"].clone(), turn["deadline"].clone())
    };
    for kill_point_ms in [5u64, 60, 150] {
        let mut writer = Member::connect(server.addr, group.token("Cy"), None).await;
        let addr = server.addr;
        // Commands in flight: each acknowledged item must survive the kill.
        let pump = tokio::spawn(async move {
            let mut acked = Vec::new();
            for n in 0.. {
                let text = format!("item {n}");
                writer.send_raw(json!({"id": format!("k{kill_point_ms}-{n}"), "type": "record.add", "kind": "discussion", "text": text}).to_string()).await;
                loop {
                    match writer.frame().await {
                        Some(frame) if frame["type"] == "ack" => {
                            acked.push((text.clone(), frame["seq"].as_u64().unwrap()));
                            break;
                        }
                        Some(_) => continue,
                        None => return acked,
                    }
                }
            }
            acked
        });
        tokio::time::sleep(Duration::from_millis(kill_point_ms)).await;
        server.kill();
        let acked = tokio::time::timeout(Duration::from_secs(10), pump)
            .await
            .expect("pump ends")
            .unwrap_or_default();
        server = Server::start(dir.path());
        assert_ne!(
            server.addr,
            addr.to_string().parse().unwrap_or(addr),
            "a fresh process"
        );
        let check = Member::connect(server.addr, group.token("Di"), None).await;
        let meeting = &check.welcome["meeting"];
        let record: Vec<&str> = meeting["record"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["text"].as_str().unwrap())
            .collect();
        for (text, seq) in &acked {
            assert!(
                record.contains(&text.as_str()),
                "acknowledged {text} (seq {seq}) lost at kill point {kill_point_ms} ms"
            );
            assert!(check.welcome["seq"].as_u64().unwrap() >= *seq);
        }
        let turn = &meeting["case"]["turn"];
        assert_eq!(turn["member"], turn_member, "the same turn");
        assert_eq!(turn["deadline"], turn_deadline, "the turn's deadline holds");
        assert_eq!(meeting["status"], "running");
    }
}

#[tokio::test]
async fn bad_input_gets_a_clear_error_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &SIX[..3]).await;
    let other = create_group(server.addr, &SIX[..2]).await;
    let mut m = connect_all(&server, &group, &SIX[..3]).await;
    m[0].ok(json!({"type": "meeting.open"})).await;
    let before = Member::connect(server.addr, group.token("Cy"), None)
        .await
        .welcome;
    let bo = &mut m[1];
    let cases: Vec<(String, &str)> = vec![
        ("not json".into(), "bad_request"),
        (r#"{"id":"u1","type":"hand.wave"}"#.into(), "bad_request"),
        (
            r#"{"id":"u2","type":"hand.raise","extra":1}"#.into(),
            "bad_request",
        ),
        (
            r#"{"id":"u3","type":"turn.extend","seconds":"ten"}"#.into(),
            "bad_request",
        ),
        (r#"{"id":"u4","type":"meeting.start"}"#.into(), "forbidden"),
        (r#"{"id":"u5","type":"turn.done"}"#.into(), "invalid_state"),
        (r#"{"type":"hello","token":"again"}"#.into(), "bad_request"),
    ];
    for (frame, code) in cases {
        bo.send_raw(frame.clone()).await;
        let reply = loop {
            let f = bo.frame().await.expect("a reply");
            if f["type"] == "error" {
                break f;
            }
        };
        assert_eq!(reply["code"], code, "{frame}: {reply}");
        assert!(!reply["message"].as_str().unwrap().is_empty());
    }
    bo.ws
        .send(Message::Binary(vec![1, 2, 3].into()))
        .await
        .unwrap();
    assert_eq!(bo.frame().await.unwrap()["code"], "bad_request");
    // A flood is refused with rate_limited, and the group carries on.
    for n in 0..60 {
        bo.send_raw(json!({"id": format!("f{n}"), "type": "ping"}).to_string())
            .await;
    }
    let mut limited = 0;
    for _ in 0..60 {
        if bo.frame().await.unwrap()["code"] == "rate_limited" {
            limited += 1;
        }
    }
    assert!(limited > 0, "the flood was refused");
    let after = Member::connect(server.addr, group.token("Cy"), None)
        .await
        .welcome;
    assert_eq!(
        before["meeting"], after["meeting"],
        "the meeting did not change"
    );
    assert_eq!(before["queue"], after["queue"]);
    // The other group is untouched and answers.
    let mut elsewhere = Member::connect(server.addr, other.token("Ana"), None).await;
    elsewhere.ok(json!({"type": "meeting.open"})).await;
    // An oversize frame: too_large, then close 1009.
    let big = json!({"id": "big", "type": "note.save", "visibility": "private", "text": "x".repeat(70_000)}).to_string();
    m[2].send_raw(big).await;
    let refusal = loop {
        let frame = m[2].frame().await.expect("a refusal before the close");
        if frame["type"] == "error" {
            break frame;
        }
    };
    assert_eq!(refusal["code"], "too_large");
    assert_eq!(m[2].close_code().await, Some(1009));
}

#[tokio::test]
async fn handshake_refusals_use_the_protocols_close_codes() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let url = format!("ws://{}/ws", server.addr);
    // Wrong token, or a command before hello: unauthorized, then 4401.
    for first in [
        json!({"type": "hello", "token": "nope"}),
        json!({"id": "1", "type": "ping"}),
    ] {
        let (mut ws, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
        ws.send(Message::Text(first.to_string().into()))
            .await
            .unwrap();
        let mut member = raw_member(ws);
        assert_eq!(
            member.frame().await.unwrap()["code"],
            "unauthorized",
            "{first}"
        );
        assert_eq!(member.close_code().await, Some(4401), "{first}");
    }
    // No hello within 10 s: 4408.
    let (ws, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    let mut member = raw_member(ws);
    assert_eq!(member.close_code().await, Some(4408));
    // A foreign Origin is refused before the upgrade.
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = url.clone().into_client_request().unwrap();
    request
        .headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    let refused = tokio_tungstenite::connect_async(request)
        .await
        .unwrap_err()
        .to_string();
    assert!(refused.contains("403"), "{refused}");
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("origin", format!("http://{}", server.addr).parse().unwrap());
    assert!(
        tokio_tungstenite::connect_async(request).await.is_ok(),
        "own origin"
    );
}

fn raw_member(
    ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
) -> Member {
    Member::from_socket(ws)
}

#[tokio::test]
async fn a_private_note_reaches_its_author_alone_and_nothing_stores_it_in_plaintext() {
    const CANARY: &str = "CANARY-7f3a9-private";
    const TITLE: &str = "CANARY-title-8c1d";
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &SIX[..3]).await;
    let mut m = connect_all(&server, &group, &SIX[..3]).await;
    m[0].ok(json!({"type": "meeting.open"})).await;
    m[1].ok(json!({"type": "case.propose", "title": TITLE, "question": "Q", "minutes": 5}))
        .await;
    m[1].ok(json!({"type": "note.save", "visibility": "private", "text": CANARY}))
        .await;
    m[1].until("note.saved").await;
    m[0].ok(json!({"type": "ping"})).await;
    m[2].ok(json!({"type": "ping"})).await;
    for member in &m[..] {
        let stream = serde_json::to_string(&member.events).unwrap();
        assert_eq!(
            stream.contains(CANARY),
            member.name == "Bo",
            "{}'s stream",
            member.name
        );
    }
    let meeting_id = opened_meeting(&m[0]);
    let (status, ana_notes) = get(
        server.addr,
        &format!("/api/notes/{meeting_id}.md"),
        Some(group.token("Ana")),
    )
    .await;
    assert_eq!(status, 200);
    assert!(!ana_notes.contains(CANARY));
    let (_, bo_notes) = get(
        server.addr,
        &format!("/api/notes/{meeting_id}.md"),
        Some(group.token("Bo")),
    )
    .await;
    assert!(bo_notes.contains(CANARY), "the author's own export has it");
    let (status, _) = get(server.addr, &format!("/api/record/{meeting_id}.md"), None).await;
    assert_eq!(status, 401);
    // Nothing in the logs, nothing in plaintext on disk.
    let log = server.log_text();
    assert!(log.contains("joined"), "the log is being written");
    for secret in [CANARY, TITLE, group.token("Bo")] {
        assert!(!log.contains(secret), "the log holds a secret");
    }
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "log") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        for secret in [CANARY, TITLE] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{secret} in {}",
                path.display()
            );
        }
    }
}

#[tokio::test]
async fn a_wrong_data_key_refuses_start_up() {
    let dir = tempfile::tempdir().unwrap();
    drop(Server::start(dir.path()));
    let output = std::process::Command::new(rondo_tests::rondo_binary())
        .args(["serve", "--addr", "127.0.0.1:0", "--db"])
        .arg(dir.path().join("rondo.db"))
        .env("RONDO_DATA_KEY", "11".repeat(32))
        .output()
        .unwrap();
    assert_refused_for_the_key(&output);
}

#[tokio::test]
async fn http_health_metrics_and_exports() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    assert_eq!(
        http(server.addr, "GET", "/healthz", None, None).await,
        (200, "ok".into())
    );
    let group = create_group(server.addr, &SIX[..2]).await;
    let mut ana = Member::connect(server.addr, group.token("Ana"), None).await;
    ana.ok(json!({"type": "meeting.open"})).await;
    ana.ok(json!({"type": "record.add", "kind": "decision", "text": "Meet monthly"}))
        .await;
    let meeting_id = opened_meeting(&ana);
    // Bo has not accepted the agreement: the record is not his to read yet
    // (issue 19); Ana, who has, gets it.
    let (status, _) = get(
        server.addr,
        &format!("/api/record/{meeting_id}.md"),
        Some(group.token("Bo")),
    )
    .await;
    assert_eq!(status, 403);
    let (status, markdown) = get(
        server.addr,
        &format!("/api/record/{meeting_id}.md"),
        Some(group.token("Ana")),
    )
    .await;
    assert_eq!(status, 200);
    assert!(markdown.contains("Meet monthly"), "{markdown}");
    let (status, json_record) = get(
        server.addr,
        &format!("/api/record/{meeting_id}.json"),
        Some(group.token("Ana")),
    )
    .await;
    assert_eq!(status, 200);
    assert!(serde_json::from_str::<Value>(&json_record).is_ok());
    let outsider = create_group(server.addr, &SIX[..2]).await;
    let (status, _) = get(
        server.addr,
        &format!("/api/record/{meeting_id}.md"),
        Some(outsider.token("Ana")),
    )
    .await;
    assert_eq!(status, 404, "another group's member gets nothing");
    let (_, metrics) = http(server.addr, "GET", "/metrics", None, None).await;
    assert!(metrics.contains("rondo_connections 1"), "{metrics}");
    assert!(metrics.contains("rondo_ack_latency_seconds_count"));
    // Removing a member closes their connection with 4403 and their token stops working.
    let mut bo = Member::connect(server.addr, group.token("Bo"), None).await;
    let path = format!("/api/groups/{}/members/{}", group.group_id, group.id("Bo"));
    let (status, _) = http(server.addr, "DELETE", &path, Some(group.token("Ana")), None).await;
    assert_eq!(status, 403, "a member is not the convener");
    let (status, body) = http(
        server.addr,
        "DELETE",
        &path,
        Some(&group.convener_token),
        None,
    )
    .await;
    assert!(status == 409, "a group keeps two members: {status} {body}");
    let add = format!("/api/groups/{}/members", group.group_id);
    let (status, _) = http(
        server.addr,
        "POST",
        &add,
        Some(&group.convener_token),
        Some(&json!({"name": "Cy"})),
    )
    .await;
    assert_eq!(status, 201);
    let (status, _) = http(
        server.addr,
        "DELETE",
        &path,
        Some(&group.convener_token),
        None,
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(bo.close_code().await, Some(4403));
}

#[tokio::test]
async fn a_settings_update_means_the_same_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &SIX[..2]).await;
    let mut ana = Member::connect(server.addr, group.token("Ana"), None).await;
    ana.ok(json!({"type": "meeting.open"})).await;
    ana.ok(json!({"type": "settings.update", "settings": {"facilitator_absent_s": 90}}))
        .await;
    let before = ana.until("settings.updated").await["settings"].clone();
    assert_eq!(
        before["grace_s"], 1,
        "grace left as the group was created: {before}"
    );
    server.kill();
    let server = Server::start(dir.path());
    let ana = Member::connect(server.addr, group.token("Ana"), None).await;
    assert_eq!(
        ana.welcome["group"]["settings"], before,
        "replayed the same"
    );
}

#[tokio::test]
async fn compaction_keeps_what_start_up_reads_and_waits_for_the_server_to_stop() {
    let dir = tempfile::tempdir().unwrap();
    let unlimited = ["--rate-per-s", "100000", "--rate-burst", "100000"];
    let server = Server::start_with(dir.path(), &unlimited);
    let group = create_group(server.addr, &SIX[..2]).await;
    let mut ana = Member::connect(server.addr, group.token("Ana"), None).await;
    ana.ok(json!({"type": "meeting.open"})).await;
    // More saves than a snapshot's interval and the replay window.
    ana.ok(json!({"type": "note.save", "visibility": "private", "text": "draft"}))
        .await;
    let note_id = ana.until("note.saved").await["note"]["note_id"].clone();
    for n in 0..300 {
        let text = format!("draft {n}");
        let save =
            json!({"type": "note.save", "note_id": note_id, "visibility": "private", "text": text});
        ana.ok(save).await;
    }
    let rondo = || std::process::Command::new(rondo_tests::rondo_binary());
    let db = server.db.to_str().unwrap().to_owned();
    let refused = rondo().args(["compact", "--db", &db]).output().unwrap();
    assert!(!refused.status.success());
    let refusal = String::from_utf8_lossy(&refused.stderr);
    assert!(refusal.contains("stop the server first"), "{refusal}");

    let seen = ana.last_seq();
    let before = Member::connect(server.addr, group.token("Ana"), Some(seen - 100)).await;
    server.kill();
    let done = rondo().args(["compact", "--db", &db]).output().unwrap();
    assert!(done.status.success(), "{done:?}");
    let said = String::from_utf8_lossy(&done.stdout);
    let counts: Vec<u64> = said
        .split_whitespace()
        .filter_map(|word| word.parse().ok())
        .collect();
    assert!(
        matches!(counts[..], [kept, of] if kept < of),
        "fewer rows: {said}"
    );

    let server = Server::start(dir.path());
    let mut after = Member::connect(server.addr, group.token("Ana"), Some(seen - 100)).await;
    for field in ["meeting", "notes", "queue", "resumed"] {
        assert_eq!(after.welcome[field], before.welcome[field], "{field}");
    }
    assert_eq!(after.welcome["resumed"], true);
    after.ok(json!({"type": "ping"})).await;
    let replayed: Vec<u64> = after
        .events
        .iter()
        .filter_map(|e| e["seq"].as_u64())
        .filter(|seq| *seq <= seen)
        .collect();
    assert_eq!(
        replayed,
        (seen - 99..=seen).collect::<Vec<_>>(),
        "the replay window"
    );
}

#[tokio::test]
async fn sigterm_closes_sockets_with_1001_and_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path());
    let group = create_group(server.addr, &SIX[..2]).await;
    let mut ana = Member::connect(server.addr, group.token("Ana"), None).await;
    ana.ok(json!({"type": "meeting.open"})).await;
    // SAFETY: kill only sends a signal to the server this test started.
    unsafe {
        libc::kill(server.child.id() as libc::pid_t, libc::SIGTERM);
    }
    let code = ana.close_code().await;
    let status = server.child.wait().unwrap();
    assert_eq!(code, Some(1001), "log: {}", server.log_text());
    assert!(status.success(), "a clean exit: {status:?}");
    let server = Server::start(dir.path());
    let ana = Member::connect(server.addr, group.token("Ana"), None).await;
    assert_eq!(ana.welcome["meeting"]["status"], "lobby");
}

#[tokio::test]
async fn a_deadline_that_passed_while_the_server_was_down_fires_once() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &SIX[..3]).await;
    let template =
        json!({"name": "short", "phases": [{"name": "round", "kind": "round", "turn_s": 1}]});
    let seen = {
        let mut m = connect_all(&server, &group, &SIX[..3]).await;
        start_case(&mut m, 0, template).await;
        m[1].until("turn.started").await;
        m[1].last_seq()
    };
    server.kill();
    // Down past the deadline (1 s) and the group's grace (1 s).
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let server = Server::start(dir.path());
    let mut bo = Member::connect(server.addr, group.token("Bo"), Some(seen)).await;
    bo.ok(json!({"type": "ping"})).await;
    let of_bo = |kind: &str| {
        bo.events
            .iter()
            .filter(|e| e["type"] == kind && e["member"] == group.id("Bo"))
            .count()
    };
    assert_eq!(of_bo("turn.overtime"), 1, "overtime once: {:?}", bo.events);
    let timeouts = bo
        .events
        .iter()
        .filter(|e| e["type"] == "turn.ended" && e["reason"] == "timeout")
        .count();
    assert!(timeouts >= 1, "Bo's turn timed out: {:?}", bo.events);
    let turn_ended_for_bo = of_bo("turn.ended");
    assert_eq!(turn_ended_for_bo, 1, "Bo's turn ended once");
}

#[tokio::test]
async fn a_missing_key_file_refuses_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("rondo.db");
    let key = dir.path().join("rondo.key");
    let start = || {
        std::process::Command::new(rondo_tests::rondo_binary())
            .args(["serve", "--addr", "127.0.0.1:0", "--db"])
            .arg(&db)
            .arg("--key-file")
            .arg(&key)
            .env_remove("RONDO_DATA_KEY")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut first = start();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(first.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    assert!(line.starts_with("listening"), "{line}");
    first.kill().unwrap();
    first.wait().unwrap();
    std::fs::remove_file(&key).unwrap();
    let second = start().wait_with_output().unwrap();
    assert_refused_for_the_key(&second);
}

#[tokio::test]
async fn a_new_link_replaces_the_old_one() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &SIX[..2]).await;
    let mut bo = Member::connect(server.addr, group.token("Bo"), None).await;
    let path = format!(
        "/api/groups/{}/members/{}/token",
        group.group_id,
        group.id("Bo")
    );
    let (status, _) = http(server.addr, "POST", &path, Some(group.token("Ana")), None).await;
    assert_eq!(status, 403, "only the convener issues links");
    let (status, body) = http(
        server.addr,
        "POST",
        &path,
        Some(&group.convener_token),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let issued: Value = serde_json::from_str(&body).unwrap();
    let token = issued["token"].as_str().unwrap();
    assert!(issued["link"]
        .as_str()
        .unwrap()
        .ends_with(&format!("#t={token}")));
    // The old socket closes 4401; the old token no longer says hello.
    assert_eq!(bo.close_code().await, Some(4401));
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{}/ws", server.addr))
        .await
        .unwrap();
    ws.send(Message::Text(
        json!({"type": "hello", "token": group.token("Bo")})
            .to_string()
            .into(),
    ))
    .await
    .unwrap();
    assert_eq!(
        raw_member(ws).frame().await.unwrap()["code"],
        "unauthorized"
    );
    let again = Member::connect(server.addr, token, None).await;
    assert_eq!(again.welcome["me"]["member_id"], group.id("Bo"));
}

/// The id of the meeting a member saw opened.
fn opened_meeting(member: &Member) -> String {
    let opened = member
        .events
        .iter()
        .find(|e| e["type"] == "meeting.opened")
        .expect("a meeting was opened");
    opened["meeting"]["meeting_id"]
        .as_str()
        .expect("an id")
        .to_owned()
}

/// A GET with an optional bearer token.
async fn get(addr: std::net::SocketAddr, path: &str, token: Option<&str>) -> (u16, String) {
    http(addr, "GET", path, token, None).await
}

/// The server did not start, and said the data key does not fit the database.
fn assert_refused_for_the_key(output: &std::process::Output) {
    assert!(!output.status.success(), "started without its key");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("data key does not match"), "{stderr}");
}

#[tokio::test]
async fn a_failed_removal_keeps_the_members_link() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &SIX[..2]).await;
    let path = format!("/api/groups/{}/members/{}", group.group_id, group.id("Bo"));
    let (status, body) = http(
        server.addr,
        "DELETE",
        &path,
        Some(&group.convener_token),
        None,
    )
    .await;
    assert_eq!(status, 409, "two members is the minimum: {body}");
    let bo = Member::connect(server.addr, group.token("Bo"), None).await;
    assert_eq!(bo.welcome["me"]["member_id"], group.id("Bo"));
}

#[tokio::test]
async fn a_removed_member_is_refused_and_a_link_for_a_non_member_is_not_issued() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &SIX[..3]).await;
    let mut cy = Member::connect(server.addr, group.token("Cy"), None).await;
    let path = format!("/api/groups/{}/members/{}", group.group_id, group.id("Cy"));
    let convener = Some(group.convener_token.as_str());
    let (status, _) = http(server.addr, "DELETE", &path, convener, None).await;
    assert_eq!(status, 204);
    assert_eq!(cy.close_code().await, Some(4403));
    let token = format!("{path}/token");
    let (status, _) = http(server.addr, "POST", &token, convener, None).await;
    assert_eq!(status, 404, "no link for someone who is not a member");
    let stranger = format!(
        "/api/groups/{}/members/{}/token",
        group.group_id, "0123456789abcdef0123456789abcdef"
    );
    let (status, _) = http(server.addr, "POST", &stranger, convener, None).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn compaction_of_rows_without_events() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &SIX[..2]).await;
    let mut ana = Member::connect(server.addr, group.token("Ana"), None).await;
    // The newest rows hold refused commands alone: inputs and no events.
    let refusal = ana
        .command_with_id("refused-1", json!({"type": "meeting.start"}))
        .await;
    assert_eq!(refusal["type"], "error");
    ana.command_with_id("refused-2", json!({"type": "hand.raise"}))
        .await;
    let db = server.db.to_str().unwrap().to_owned();
    server.kill();
    let done = std::process::Command::new(rondo_tests::rondo_binary())
        .args(["compact", "--db", &db])
        .output()
        .unwrap();
    assert!(done.status.success(), "{done:?}");
    let server = Server::start(dir.path());
    let mut ana = Member::connect(server.addr, group.token("Ana"), None).await;
    let again = ana
        .command_with_id("refused-1", json!({"type": "meeting.start"}))
        .await;
    assert_eq!(again, refusal, "the refusal was kept through compaction");
}

#[tokio::test]
async fn the_start_pages_bad_input_names_the_field_and_an_empty_agreement_is_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let create = |body: Value| async move {
        let (status, text) = http(server.addr, "POST", "/api/groups", None, Some(&body)).await;
        (status, serde_json::from_str::<Value>(&text).unwrap())
    };
    let (status, error) =
        create(json!({"name": "G", "members": [{"name": "Ana"}, {"name": " ana "}]})).await;
    assert_eq!(status, 400);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("members[1].name"),
        "{error}"
    );
    let long = "x".repeat(81);
    let (status, error) =
        create(json!({"name": "G", "members": [{"name": long}, {"name": "Bo"}]})).await;
    assert_eq!(status, 400);
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("members[0].name") && message.contains("80"),
        "{error}"
    );
    assert!(
        !message.contains("line") && !message.contains("column"),
        "{error}"
    );
    let (status, error) =
        create(json!({"name": " ", "members": [{"name": "Ana"}, {"name": "Bo"}]})).await;
    assert_eq!(status, 400);
    assert!(
        error["message"].as_str().unwrap().starts_with("name"),
        "{error}"
    );
    let (status, created) = create(
        json!({"name": "G", "members": [{"name": "Ana"}, {"name": "Bo"}], "agreement": "  "}),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let ana = Member::connect_as_is(
        server.addr,
        created["members"][0]["token"].as_str().unwrap(),
        None,
    )
    .await;
    assert!(ana.welcome["group"]["agreement"]["text"]
        .as_str()
        .unwrap()
        .starts_with("Confidentiality"));
}
