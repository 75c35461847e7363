//! Several nodes on PostgreSQL, with real parts: Debian's PostgreSQL, three
//! `rondo` nodes with a short lease, HAProxy in front, websocket members.
//! Where PostgreSQL or HAProxy is not installed these say so and pass
//! without running; under `tests/run` and in CI they must run.

use futures_util::SinkExt;
use rondo_tests::cluster::{connect, connect_with, node, node_on, Haproxy, Postgres, LEASE_TTL_MS};
use rondo_tests::{create_group, http, Group, Member, Server};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

const NAMES: [&str; 4] = ["Ana", "Bo", "Cy", "Di"];

/// PostgreSQL, three nodes and HAProxy in front.
struct Cluster {
    pg: Postgres,
    nodes: Vec<Option<Server>>,
    haproxy: Haproxy,
    dirs: Vec<tempfile::TempDir>,
}

impl Cluster {
    fn start() -> Option<Cluster> {
        let pg = Postgres::start()?;
        let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
        let nodes: Vec<Option<Server>> = dirs
            .iter()
            .map(|d| Some(node(d.path(), &pg.url())))
            .collect();
        let addrs: Vec<SocketAddr> = nodes.iter().flatten().map(|n| n.addr).collect();
        let haproxy = Haproxy::start(&addrs)?;
        Some(Cluster {
            pg,
            nodes,
            haproxy,
            dirs,
        })
    }

    /// The node that owns the group now, by its index.
    fn owner(&self, group: &Group) -> usize {
        let addr = self.pg.owner_addr(group);
        self.nodes
            .iter()
            .position(|n| n.as_ref().is_some_and(|n| n.addr.to_string() == addr))
            .expect("the owner is one of the nodes")
    }

    fn pid(&self, index: usize) -> i32 {
        self.nodes[index].as_ref().expect("running").child.id() as i32
    }

    fn metric(&self, index: usize, name: &str) -> u64 {
        let addr = self.nodes[index].as_ref().expect("running").addr;
        let text = std::process::Command::new("curl")
            .args(["-s", &format!("http://{addr}/metrics")])
            .output()
            .expect("curl")
            .stdout;
        String::from_utf8_lossy(&text)
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name} ")))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0)
    }
}

/// Sends a command; its reply, or `None` when the socket closes first
/// (events that come meanwhile are kept).
async fn answer(member: &mut Member, id: &str, mut command: Value) -> Option<Value> {
    command["id"] = id.into();
    let text = command.to_string().into();
    member.ws.send(Message::Text(text)).await.ok()?;
    loop {
        let frame = member.frame().await?;
        if frame["re"] == id {
            return Some(frame);
        }
        if frame.get("seq").is_some() && frame["type"] != "ack" {
            member.events.push(frame);
        }
    }
}

/// Everything a member saw, by seq, before and after reconnecting.
#[derive(Default)]
struct Seen(BTreeMap<u64, Value>);

impl Seen {
    fn add(&mut self, member: &Member) {
        for event in &member.events {
            let seq = event["seq"].as_u64().expect("a seq");
            if let Some(before) = self.0.insert(seq, event.clone()) {
                assert_eq!(before, *event, "seq {seq} came twice, differently");
            }
        }
    }

    /// No gaps: every seq from the first seen to the last (nothing here
    /// is addressed to fewer than everyone).
    fn assert_contiguous(&self, who: &str) {
        let seqs: Vec<u64> = self.0.keys().copied().collect();
        for pair in seqs.windows(2) {
            assert_eq!(pair[1], pair[0] + 1, "{who}: a gap after seq {}", pair[0]);
        }
    }
}

/// A short round: turns of three seconds, so deadlines fire during the test.
fn quick_round() -> Value {
    json!({"name": "quick", "phases": [
        {"name": "account", "kind": "presenter", "duration_s": 600},
        {"name": "questions", "kind": "round", "turn_s": 3, "cycles": 5},
    ]})
}

/// Opens a meeting and starts a case with the quick round; Ana facilitates.
async fn into_a_round(m: &mut [Member]) {
    m[0].ok(json!({"type": "meeting.open"})).await;
    m[0].ok(json!({"type": "meeting.start"})).await;
    m[1].ok(
        json!({"type": "case.propose", "title": "A family", "question": "How?", "minutes": 30}),
    )
    .await;
    let proposed = m[1].until("case.proposed").await;
    let case = proposed["case"]["case_id"].clone();
    m[0].ok(json!({"type": "case.start", "case_id": case, "template": quick_round()}))
        .await;
    m[1].ok(json!({"type": "turn.done"})).await;
    m[2].until("turn.started").await;
}

/// A group made through the balancer, its members connected through it,
/// in a round.
async fn a_meeting_in_a_round(cluster: &Cluster) -> (Group, Vec<Member>) {
    let group = create_group(cluster.haproxy.addr, &NAMES).await;
    let mut m = Vec::new();
    for name in NAMES {
        m.push(connect(cluster.haproxy.addr, &group, name, None).await);
    }
    into_a_round(&mut m).await;
    (group, m)
}

/// Every member's events from each connection, checked against each other
/// and against a fresh replay of the log from the node that owns it now.
async fn check_the_record(cluster: &Cluster, group: &Group, seen: &[Seen]) {
    let mut union: BTreeMap<u64, Value> = BTreeMap::new();
    for (who, s) in NAMES.iter().zip(seen) {
        s.assert_contiguous(who);
        for (seq, event) in &s.0 {
            if let Some(other) = union.insert(*seq, event.clone()) {
                assert_eq!(
                    other, *event,
                    "two members saw different events at seq {seq}"
                );
            }
        }
    }
    // A fresh connection replays the log as the owner rebuilt it: every
    // event anyone saw is there, the same.
    let mut fresh = connect(cluster.haproxy.addr, group, "Di", Some(0)).await;
    fresh.ok(json!({"type": "ping"})).await;
    let replayed: BTreeMap<u64, Value> = fresh
        .events
        .iter()
        .map(|e| (e["seq"].as_u64().unwrap(), e.clone()))
        .collect();
    for (seq, event) in &union {
        if let Some(logged) = replayed.get(seq) {
            assert_eq!(logged, event, "seq {seq} differs from the log");
        }
    }
    let first_replayed = replayed.keys().next().copied().unwrap_or(u64::MAX);
    assert!(
        first_replayed <= 1,
        "the whole short history is replayed ({first_replayed})"
    );
    for seq in union.keys() {
        assert!(
            replayed.contains_key(seq),
            "seq {seq} was seen but is not in the log"
        );
    }
    // The view a member reached is the view the log rebuilds.
    assert_eq!(fresh.welcome["meeting"]["status"], "running");
}

/// Reads what a member's dead socket still held, then reconnects it.
async fn reconnect(
    cluster: &Cluster,
    group: &Group,
    old: Member,
    name: &str,
    seen: &mut Seen,
) -> Member {
    seen.add(&old);
    let last = seen
        .0
        .keys()
        .last()
        .copied()
        .or(old.welcome["seq"].as_u64());
    drop(old);
    let back = connect(cluster.haproxy.addr, group, name, last).await;
    assert_eq!(
        back.welcome["resumed"], true,
        "{name} resumed within the window"
    );
    back
}

#[tokio::test]
async fn kill_9_of_the_owner_mid_round_loses_nothing() {
    let Some(mut cluster) = Cluster::start() else {
        eprintln!("cluster test skipped: PostgreSQL or HAProxy is not installed");
        return;
    };
    let (group, m) = a_meeting_in_a_round(&cluster).await;
    let owner = cluster.owner(&group);
    let killed = Instant::now();
    cluster.nodes[owner].take().expect("running").kill();
    let mut seen: Vec<Seen> = NAMES.iter().map(|_| Seen::default()).collect();
    let mut back = Vec::new();
    for (i, old) in m.into_iter().enumerate() {
        back.push(reconnect(&cluster, &group, old, NAMES[i], &mut seen[i]).await);
    }
    back[0]
        .ok(json!({"type": "record.add", "kind": "discussion", "text": "after the takeover"}))
        .await;
    let first_ack = killed.elapsed();
    eprintln!(
        "kill -9 to the first ack from the new owner: {} ms",
        first_ack.as_millis()
    );
    let new_owner = cluster.owner(&group);
    assert_ne!(new_owner, owner, "another node owns the group");
    // The round's two-second turns keep ending on the new owner.
    let ended = back[0].until("turn.ended").await;
    assert!(
        ["timeout", "absent", "done"].contains(&ended["reason"].as_str().unwrap_or("")),
        "{ended}"
    );
    back[0].until("turn.started").await;
    for (i, member) in back.iter().enumerate() {
        seen[i].add(member);
    }
    check_the_record(&cluster, &group, &seen).await;
    assert!(
        first_ack < Duration::from_millis(LEASE_TTL_MS) + Duration::from_secs(10),
        "the takeover took {first_ack:?}"
    );
}

#[tokio::test]
async fn a_paused_owner_is_fenced_when_it_wakes() {
    let Some(cluster) = Cluster::start() else {
        eprintln!("cluster test skipped: PostgreSQL or HAProxy is not installed");
        return;
    };
    let (group, mut m) = a_meeting_in_a_round(&cluster).await;
    let owner = cluster.owner(&group);
    // Ana keeps her socket to the paused owner (through the balancer, which
    // keeps an open tunnel where it is).
    let mut stale = m.remove(0);
    // SAFETY: signals to the node's own process.
    unsafe { libc::kill(cluster.pid(owner), libc::SIGSTOP) };
    tokio::time::sleep(Duration::from_millis(LEASE_TTL_MS * 2)).await;
    let mut others = Vec::new();
    for (i, old) in m.into_iter().enumerate() {
        let mut seen = Seen::default();
        others.push(reconnect(&cluster, &group, old, NAMES[i + 1], &mut seen).await);
    }
    others[0].ok(json!({"type": "ping"})).await;
    let new_owner = cluster.owner(&group);
    assert_ne!(
        new_owner, owner,
        "the group was claimed while its owner slept"
    );
    // SAFETY: as above.
    unsafe { libc::kill(cluster.pid(owner), libc::SIGCONT) };
    // The woken owner still thinks it holds the group: Ana's record item
    // reaches it, and its append is refused by the epoch.
    let late = json!({"type": "record.add", "kind": "discussion", "text": "LATE"});
    let reply = answer(&mut stale, "late-1", late).await;
    assert!(reply.is_none(), "a stale owner answered: {reply:?}");
    assert!(
        cluster.metric(owner, "rondo_fenced_appends_total") >= 1,
        "the late append was refused"
    );
    // Nothing of it reached the log or anyone.
    let mut ana = connect(cluster.haproxy.addr, &group, "Ana", Some(0)).await;
    ana.ok(json!({"type": "ping"})).await;
    assert!(!ana.events.iter().any(|e| e.to_string().contains("LATE")));
    assert!(!ana.welcome.to_string().contains("LATE"));
}

#[tokio::test]
async fn members_of_one_group_on_different_nodes_see_the_same_meeting() {
    let Some(cluster) = Cluster::start() else {
        eprintln!("cluster test skipped: PostgreSQL or HAProxy is not installed");
        return;
    };
    let group = create_group(cluster.haproxy.addr, &NAMES).await;
    // Each member straight to a different node, past the balancer.
    let addrs: Vec<SocketAddr> = cluster.nodes.iter().flatten().map(|n| n.addr).collect();
    let mut m = Vec::new();
    for (i, name) in NAMES.iter().enumerate() {
        m.push(connect(addrs[i % addrs.len()], &group, name, None).await);
    }
    into_a_round(&mut m).await;
    m[3].ok(json!({"type": "record.add", "kind": "decision", "text": "CANARY one meeting"}))
        .await;
    let mut seen: Vec<Seen> = NAMES.iter().map(|_| Seen::default()).collect();
    for (i, member) in m.iter_mut().enumerate() {
        member.until("record.added").await;
        seen[i].add(member);
    }
    check_the_record(&cluster, &group, &seen).await;
    // One owner; the other two relayed.
    let owners = cluster.pg.query(&format!(
        "SELECT count(*) FROM group_owner WHERE group_id = '{}' AND owner IS NOT NULL",
        group.group_id
    ));
    assert_eq!(owners, ["1"]);
    // Relayed or owned, no node logs what was said, or anyone's token.
    for node in cluster.nodes.iter().flatten() {
        let log = node.log_text();
        assert!(!log.contains("CANARY"), "record text in a node's log");
        for name in NAMES {
            assert!(!log.contains(group.token(name)), "a token in a node's log");
        }
    }
}

#[tokio::test]
async fn a_rolling_restart_moves_the_meeting_without_a_gap() {
    let Some(mut cluster) = Cluster::start() else {
        eprintln!("cluster test skipped: PostgreSQL or HAProxy is not installed");
        return;
    };
    let (group, mut m) = a_meeting_in_a_round(&cluster).await;
    let mut seen: Vec<Seen> = NAMES.iter().map(|_| Seen::default()).collect();
    for step in 0..3 {
        let addr = cluster.nodes[step].as_ref().unwrap().addr.to_string();
        let owned = cluster.owner(&group) == step;
        // SAFETY: a signal to the node's own process.
        unsafe { libc::kill(cluster.pid(step), libc::SIGTERM) };
        let stopped = cluster.nodes[step].take().unwrap();
        let status = tokio::task::spawn_blocking(move || {
            let mut stopped = stopped;
            stopped.child.wait()
        });
        let status = status.await.unwrap().unwrap();
        assert!(status.success(), "node {step} stopped cleanly");
        // Members it served (as the owner, or relaying to it) were told to
        // move (4503) and come back through the balancer; the others stay.
        let mut again = Vec::new();
        for (i, mut old) in m.into_iter().enumerate() {
            let ping = format!("ping-{step}-{i}");
            let alive = !owned
                && answer(&mut old, &ping, json!({"type": "ping"}))
                    .await
                    .is_some();
            if alive {
                again.push(old);
            } else {
                again.push(reconnect(&cluster, &group, old, NAMES[i], &mut seen[i]).await);
            }
        }
        m = again;
        let text = format!("after restarting node {step}");
        m[0].ok(json!({"type": "record.add", "kind": "discussion", "text": text}))
            .await;
        cluster.nodes[step] = Some(node_on(cluster.dirs[step].path(), &addr, &cluster.pg.url()));
    }
    for (i, member) in m.iter_mut().enumerate() {
        member.ok(json!({"type": "ping"})).await;
        seen[i].add(member);
    }
    check_the_record(&cluster, &group, &seen).await;
}

#[tokio::test]
async fn a_postgres_crash_is_survived_without_a_restart() {
    let Some(cluster) = Cluster::start() else {
        eprintln!("cluster test skipped: PostgreSQL or HAProxy is not installed");
        return;
    };
    let (group, mut m) = a_meeting_in_a_round(&cluster).await;
    cluster.pg.restart_immediately();
    // The next command finds the writer's connection gone: not acknowledged,
    // the group stands down, and everyone resumes once PostgreSQL is back.
    let during = json!({"type": "record.add", "kind": "discussion", "text": "during the crash"});
    let reply = answer(&mut m[0], "crash-1", during).await;
    let mut seen: Vec<Seen> = NAMES.iter().map(|_| Seen::default()).collect();
    let mut back = Vec::new();
    for (i, old) in m.into_iter().enumerate() {
        back.push(reconnect(&cluster, &group, old, NAMES[i], &mut seen[i]).await);
    }
    back[0]
        .ok(json!({"type": "record.add", "kind": "discussion", "text": "after the crash"}))
        .await;
    for (i, member) in back.iter_mut().enumerate() {
        member.until("record.added").await;
        seen[i].add(member);
    }
    check_the_record(&cluster, &group, &seen).await;
    // Acknowledged or not, what was answered is what the log says.
    let during_logged = seen[0]
        .0
        .values()
        .any(|e| e.to_string().contains("during the crash"));
    if reply.is_some_and(|r| r["type"] == "ack") {
        assert!(during_logged, "an acknowledged command is in the log");
    }
    let _ = http(cluster.haproxy.addr, "GET", "/healthz", None, None).await;
}

/// `rondo serve` with these arguments, expected to refuse to start: its
/// exit status and what it said.
fn refused_start(args: &[&str]) -> (std::process::ExitStatus, String) {
    let output = std::process::Command::new(rondo_tests::rondo_binary())
        .arg("serve")
        .args(args)
        .output()
        .expect("rondo runs");
    let said = String::from_utf8_lossy(&output.stderr).into_owned()
        + &String::from_utf8_lossy(&output.stdout);
    (output.status, said)
}

#[test]
fn an_unreachable_postgres_or_a_missing_key_is_a_clear_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let db = db.to_str().unwrap();
    let port = rondo_tests::cluster::free_port();
    let url = format!("postgres://rondo:CANARY-secret@127.0.0.1:{port}/postgres");
    let (status, said) = refused_start(&[
        "--addr",
        "127.0.0.1:0",
        "--db",
        db,
        "--store",
        &url,
        "--data-key",
        rondo_tests::TEST_KEY,
    ]);
    assert!(!status.success());
    assert!(
        said.contains("refusing to start") && said.contains("cannot connect"),
        "{said}"
    );
    assert!(
        !said.contains("CANARY-secret"),
        "the URL's password is never printed: {said}"
    );
    let (status, said) = refused_start(&["--addr", "127.0.0.1:0", "--db", db, "--store", &url]);
    assert!(!status.success());
    assert!(said.contains("RONDO_DATA_KEY"), "{said}");
}

#[tokio::test]
async fn a_schema_from_a_newer_version_is_refused() {
    let Some(pg) = Postgres::start() else {
        eprintln!("cluster test skipped: PostgreSQL is not installed");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    drop(node(dir.path(), &pg.url()));
    pg.query("UPDATE schema_version SET version = version + 1");
    let newer = pg.query("SELECT version FROM schema_version");
    let db = dir.path().join("r.db");
    let (status, said) = refused_start(&[
        "--addr",
        "127.0.0.1:0",
        "--db",
        db.to_str().unwrap(),
        "--store",
        &pg.url(),
        "--data-key",
        rondo_tests::TEST_KEY,
    ]);
    assert!(!status.success());
    assert!(said.contains("newer version"), "{said}");
    // Nothing was changed: the version stays what the newer one wrote.
    assert_eq!(pg.query("SELECT version FROM schema_version"), newer);
}

// Two threads: the proxy's tasks run while a node starts (which blocks).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_cut_off_from_postgres_acknowledges_nothing_and_is_replaced() {
    let Some(pg) = Postgres::start() else {
        eprintln!("cluster test skipped: PostgreSQL is not installed");
        return;
    };
    let (path, cut_url) = proxied(&pg).await;
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = node(dir_a.path(), &cut_url);
    let b = node(dir_b.path(), &pg.url());
    // The group is made on A, which owns it; its members are on A.
    let group = create_group(a.addr, &NAMES).await;
    let mut m = Vec::new();
    for name in NAMES {
        m.push(connect(a.addr, &group, name, None).await);
    }
    into_a_round(&mut m).await;
    // A's path to PostgreSQL now swallows everything, both ways.
    path.set(rondo_tests::ProxyMode::HalfOpen);
    let lost =
        json!({"id": "cut-1", "type": "record.add", "kind": "discussion", "text": "CUT-OFF"});
    m[0].send_raw(lost.to_string()).await;
    tokio::time::sleep(Duration::from_millis(LEASE_TTL_MS * 2)).await;
    // Nothing was acknowledged while A could not make it durable.
    let mut seen: Vec<Seen> = NAMES.iter().map(|_| Seen::default()).collect();
    let mut back = Vec::new();
    for (i, old) in m.into_iter().enumerate() {
        seen[i].add(&old);
        let last = seen[i].0.keys().last().copied();
        let mut old = old;
        let acked = tokio::time::timeout(Duration::from_millis(100), old.frame())
            .await
            .ok()
            .flatten()
            .is_some_and(|f| f["re"] == "cut-1" && f["type"] == "ack");
        assert!(
            !acked,
            "a node cut off from PostgreSQL acknowledged a command"
        );
        drop(old);
        // B takes the group over once A's lease has lapsed.
        let member = connect(b.addr, &group, NAMES[i], last).await;
        back.push(member);
    }
    back[0]
        .ok(json!({"type": "record.add", "kind": "discussion", "text": "on B"}))
        .await;
    for (i, member) in back.iter_mut().enumerate() {
        member.until("record.added").await;
        seen[i].add(member);
        assert!(!member
            .events
            .iter()
            .any(|e| e.to_string().contains("CUT-OFF")));
    }
    let union: Vec<String> = seen
        .iter()
        .flat_map(|s| s.0.values().map(Value::to_string))
        .collect();
    assert!(
        !union.iter().any(|e| e.contains("CUT-OFF")),
        "the unacknowledged command never happened"
    );
    for (who, s) in NAMES.iter().zip(&seen) {
        s.assert_contiguous(who);
    }
    drop(a);
}

/// A PostgreSQL that stops answering (its connections half-open) makes a
/// request wait for the read's timeout and hear `503`, not hang; once it
/// answers again the node serves, on fresh connections.
// Two threads: the proxy's tasks run while a node starts (which blocks).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_postgres_is_answered_503_and_served_again_after() {
    let Some(pg) = Postgres::start() else {
        eprintln!("cluster test skipped: PostgreSQL is not installed");
        return;
    };
    let (path, stalling_url) = proxied(&pg).await;
    let dir = tempfile::tempdir().unwrap();
    let server = node(dir.path(), &stalling_url);
    let group = create_group(server.addr, &NAMES).await;
    let bo = Some(group.token("Bo"));
    let (status, text) = http(server.addr, "POST", "/api/calendar", bo, None).await;
    assert_eq!(status, 201, "{text}");

    path.set(rondo_tests::ProxyMode::HalfOpen);
    let asked = http(server.addr, "POST", "/api/calendar", bo, None);
    let (status, text) = tokio::time::timeout(Duration::from_secs(60), asked)
        .await
        .expect("a request to a node whose PostgreSQL stalled is answered");
    assert_eq!(status, 503, "{text}");

    path.set(rondo_tests::ProxyMode::Pass);
    let (status, text) = http(server.addr, "POST", "/api/calendar", bo, None).await;
    assert_eq!(status, 201, "once PostgreSQL answers: {text}");
    let bo = connect(server.addr, &group, "Bo", None).await;
    assert_eq!(bo.welcome["me"]["member_id"], group.id("Bo"));
}

/// The month keys' database stalls: a group whose flush needs a new key
/// (an erasure) stops and is answered 5xx, while another group, sealing with
/// the key it holds, carries on; once the keys answer, the erasure is made.
// Two threads: the proxy's tasks run while a node starts (which blocks).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_keys_store_fails_only_the_flushes_that_need_a_new_key() {
    let Some(pg) = Postgres::start() else {
        eprintln!("cluster test skipped: PostgreSQL is not installed");
        return;
    };
    pg.query("CREATE DATABASE rondo_keys");
    let pg_addr: SocketAddr = format!("127.0.0.1:{}", pg.port).parse().unwrap();
    let keys_path = rondo_tests::Proxy::start(pg_addr).await;
    let keys_url = format!("postgres://rondo@{}/rondo_keys", keys_path.addr);
    let dir = tempfile::tempdir().unwrap();
    let server =
        rondo_tests::cluster::node_with(dir.path(), &pg.url(), &["--keys-store", &keys_url]);
    let erasing = create_group(server.addr, &NAMES).await;
    let other = create_group(server.addr, &NAMES).await;
    let mut ana = connect(server.addr, &erasing, "Ana", None).await;
    let mut bo = connect(server.addr, &other, "Bo", None).await;
    let propose = |title: &str| json!({"type": "case.propose", "title": title, "question": "Q", "minutes": 10});
    ana.ok(propose("before")).await;
    bo.ok(propose("before")).await;
    // Di accepts the agreement (a former member to erase), then is removed.
    drop(connect(server.addr, &erasing, "Di", None).await);
    let convener = Some(erasing.convener_token.as_str());
    let di = format!(
        "/api/groups/{}/members/{}",
        erasing.group_id,
        erasing.id("Di")
    );
    let (status, body) = http(server.addr, "DELETE", &di, convener, None).await;
    assert_eq!(status, 204, "{body}");

    keys_path.set(rondo_tests::ProxyMode::HalfOpen);
    let erase = format!("{di}/erase");
    let asked = http(server.addr, "POST", &erase, convener, None);
    let (status, body) = tokio::time::timeout(Duration::from_secs(60), asked)
        .await
        .expect("an erasure whose key cannot be made is answered");
    assert!(status >= 500, "{status}: {body}");
    // The other group seals with the key it holds, and is acknowledged.
    bo.ok(propose("while the keys stall")).await;

    keys_path.set(rondo_tests::ProxyMode::Pass);
    let (status, body) = http(server.addr, "POST", &erase, convener, None).await;
    assert_eq!(status, 204, "once the keys answer: {body}");
    let slots = pg.query_in(
        "rondo_keys",
        &format!(
            "SELECT slot >= 65536 FROM data_keys WHERE group_id = '{}'",
            erasing.group_id
        ),
    );
    assert_eq!(slots, ["t"], "the erasure's key alone: {slots:?}");
    let bo = connect(server.addr, &other, "Bo", None).await;
    let titles = bo.welcome.to_string();
    assert!(titles.contains("while the keys stall"), "{titles}");
}

#[tokio::test]
async fn a_due_deadline_fires_after_its_owner_dies_with_nobody_connected() {
    let Some(mut cluster) = Cluster::start() else {
        eprintln!("cluster test skipped: PostgreSQL or HAProxy is not installed");
        return;
    };
    let (group, m) = a_meeting_in_a_round(&cluster).await;
    let seen = m.iter().map(Member::last_seq).max().unwrap();
    let owner = cluster.owner(&group);
    cluster.nodes[owner].take().expect("running").kill();
    drop(m);
    // Nobody comes back; the sweep of another node claims the group for its
    // due turn deadline, which fires and is logged there.
    let query = format!(
        "SELECT last_seq FROM group_owner o JOIN nodes n ON n.node_id = o.owner \
         WHERE o.group_id = '{}' AND n.lease_until > now()",
        group.group_id
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let row = cluster.pg.query(&query);
        if let Some(last) = row.first().and_then(|r| r.parse::<u64>().ok()) {
            if last > seen {
                break;
            }
        }
        assert!(
            Instant::now() < deadline,
            "no live node fired the group's deadline"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_ne!(cluster.owner(&group), owner);
    // What fired is in the log: a member coming back sees the turns move on.
    let mut back = connect(cluster.haproxy.addr, &group, "Di", Some(seen)).await;
    back.ok(json!({"type": "ping"})).await;
    let kinds: Vec<&str> = back
        .events
        .iter()
        .filter_map(|e| e["type"].as_str())
        .collect();
    // The turn's deadline: overtime (or, later, the turn's end).
    assert!(
        kinds.contains(&"turn.overtime") || kinds.contains(&"turn.ended"),
        "{kinds:?}"
    );
}

#[tokio::test]
async fn a_group_past_its_snapshot_is_rebuilt_from_it_by_the_next_owner() {
    let Some(mut cluster) = Cluster::start() else {
        eprintln!("cluster test skipped: PostgreSQL or HAProxy is not installed");
        return;
    };
    let (group, mut m) = a_meeting_in_a_round(&cluster).await;
    // More logged inputs than between two snapshots (256), from everyone
    // at once, at a pace under the rate limit.
    let per_member = 70;
    futures_util::future::join_all(m.iter_mut().map(|member| async move {
        for i in 0..per_member {
            let text = format!("{} point {i}", member.name);
            member
                .ok(json!({"type": "record.add", "kind": "discussion", "text": text}))
                .await;
            tokio::time::sleep(Duration::from_millis(60)).await;
        }
    }))
    .await;
    let snapshots = cluster.pg.query(&format!(
        "SELECT count(*) FROM snapshots WHERE group_id = '{}'",
        group.group_id
    ));
    assert_eq!(snapshots, ["1"], "the group has a snapshot");
    let owner = cluster.owner(&group);
    cluster.nodes[owner].take().expect("running").kill();
    let mut seen = Seen::default();
    let old = m.remove(3);
    let back = reconnect(&cluster, &group, old, "Di", &mut seen).await;
    let fresh = connect(cluster.haproxy.addr, &group, "Cy", None).await;
    for member in [&back, &fresh] {
        let record = member.welcome["meeting"]["record"]
            .as_array()
            .expect("a record");
        assert_eq!(record.len(), 4 * per_member, "every item, rebuilt");
    }
    assert_ne!(cluster.owner(&group), owner);
}

/// Issue 19, defect 7: a welcome larger than a member's frame cap reaches a
/// member relayed to the owner (before, the relay refused the owner's frame
/// and the member looped on 4503).
#[tokio::test]
async fn a_relayed_member_gets_a_welcome_larger_than_a_members_frame() {
    let Some(cluster) = Cluster::start() else {
        eprintln!("cluster test skipped: PostgreSQL or HAProxy is not installed");
        return;
    };
    let group = create_group(cluster.haproxy.addr, &NAMES).await;
    let addrs: Vec<SocketAddr> = cluster.nodes.iter().flatten().map(|n| n.addr).collect();
    let mut ana = connect(addrs[0], &group, "Ana", None).await;
    // 40 cases with long questions: a queue of about 80 KB.
    for n in 0..40 {
        let question = format!("{n} {}", "a long question ".repeat(120));
        ana.ok(json!({"type": "case.propose", "title": format!("case {n}"),
                      "question": question, "minutes": 20}))
            .await;
        if n % 15 == 14 {
            tokio::time::sleep(Duration::from_millis(1100)).await;
        }
    }
    let owner = cluster.owner(&group);
    let relaying = (owner + 1) % addrs.len();
    let bo = connect(addrs[relaying], &group, "Bo", None).await;
    assert!(bo.welcome.to_string().len() > 64 * 1024);
    assert_eq!(bo.welcome["queue"].as_array().unwrap().len(), 40);
}

/// A room display's screen connecting to `addr` as the page does: tried
/// again while the node answers "moved" (the owner is being replaced).
async fn connect_display(addr: SocketAddr, group: &Group, token: &str) -> Member {
    let display = connect_with(addr, group, token, "the display", None).await;
    assert_eq!(display.welcome["display"], true, "{}", display.welcome);
    display
}

/// Every frame a room display received on one connection, in order by seq.
fn display_stream(display: &Member) -> Vec<Value> {
    let mut all = vec![display.welcome.clone()];
    all.extend(display.events.iter().cloned());
    let seqs: Vec<u64> = all.iter().filter_map(|f| f["seq"].as_u64()).collect();
    assert!(
        seqs.windows(2).all(|p| p[1] > p[0]),
        "a display's frames out of order: {seqs:?}"
    );
    all
}

#[tokio::test]
async fn a_relayed_room_display_follows_the_meeting_across_a_kill_9_of_the_owner() {
    const CANARIES: [&str; 5] = [
        "TITLE-CANARY",
        "QUESTION-CANARY",
        "BRIEF-CANARY",
        "NOTE-CANARY",
        "RECORD-CANARY",
    ];
    let Some(mut cluster) = Cluster::start() else {
        eprintln!("cluster test skipped: PostgreSQL or HAProxy is not installed");
        return;
    };
    let (group, mut m) = a_meeting_in_a_round(&cluster).await;
    m[2].ok(
        json!({"type": "case.propose", "title": "TITLE-CANARY", "question": "QUESTION-CANARY",
                   "minutes": 20, "brief": "BRIEF-CANARY"}),
    )
    .await;
    let case = m[2].until("case.proposed").await["case"]["case_id"].clone();
    m[2].ok(json!({"type": "case.share", "case_id": case}))
        .await;
    m[1].ok(json!({"type": "note.save", "visibility": "private", "text": "NOTE-CANARY"}))
        .await;
    m[0].ok(json!({"type": "record.add", "kind": "decision", "text": "RECORD-CANARY"}))
        .await;
    // The convener shows it on the node that serves the group (the HTTP API
    // answers 503 on another).
    let owner = cluster.owner(&group);
    let owner_addr = cluster.nodes[owner].as_ref().expect("running").addr;
    let path = format!("/api/groups/{}/display", group.group_id);
    let (status, shown) = http(owner_addr, "POST", &path, Some(&group.convener_token), None).await;
    assert_eq!(status, 200, "{shown}");
    let shown: Value = serde_json::from_str(&shown).unwrap();
    let token = shown["link"].as_str().unwrap().split_once("#d=").unwrap().1;

    // The screen reaches a node that does not own the group: relayed.
    let relaying = (owner + 1) % cluster.nodes.len();
    let through = cluster.nodes[relaying].as_ref().expect("running").addr;
    let mut display = connect_display(through, &group, token).await;
    assert_eq!(cluster.owner(&group), owner, "still owned by the same node");
    assert_eq!(display.welcome["meeting"]["status"], "running");
    let before_turn = display.until("turn.started").await;

    let killed = Instant::now();
    cluster.nodes[owner].take().expect("running").kill();
    // The relay ends with the owner; whatever the screen got before it is kept.
    while let Some(frame) = display.frame().await {
        if frame.get("seq").is_some() {
            display.events.push(frame);
        }
    }
    let mut streams = vec![display_stream(&display)];
    let last_seen = before_turn["seq"].as_u64().unwrap();

    // The screen comes back by itself, as the page does, to the node it was
    // shown on; then the members, through the balancer.
    let mut display = connect_display(through, &group, token).await;
    let back_after = killed.elapsed();
    let new_owner = cluster.owner(&group);
    assert_ne!(new_owner, owner, "another node owns the group");
    eprintln!(
        "kill -9 to the display's new welcome: {} ms, through node {relaying}; the group is owned by node {new_owner}",
        back_after.as_millis()
    );
    let mut seen: Vec<Seen> = NAMES.iter().map(|_| Seen::default()).collect();
    let mut back = Vec::new();
    for (i, old) in m.into_iter().enumerate() {
        back.push(reconnect(&cluster, &group, old, NAMES[i], &mut seen[i]).await);
    }
    assert!(
        display.welcome["seq"].as_u64().unwrap() >= last_seen,
        "the screen's new welcome is not behind what it showed"
    );
    assert_eq!(display.welcome["meeting"]["status"], "running");
    // It follows the meeting on the new owner: a turn ends there, by the
    // clock or by the member, and the next begins.
    let ended = display.until("turn.ended").await;
    assert!(ended["seq"].as_u64().unwrap() > last_seen, "{ended}");
    let started = display.until("turn.started").await;
    assert!(started["member"].is_string(), "{started}");
    back[0]
        .ok(json!({"type": "record.add", "kind": "decision", "text": "RECORD-CANARY after"}))
        .await;
    back[0].ok(json!({"type": "phase.next"})).await;
    display.until("phase.ended").await;
    streams.push(display_stream(&display));

    for frame in streams.iter().flatten() {
        let text = frame.to_string();
        for canary in CANARIES {
            assert!(
                !text.contains(canary),
                "{canary} reached the display: {text}"
            );
        }
    }
}

/// A proxy in front of `pg`, and the URL that reaches PostgreSQL through it.
async fn proxied(pg: &Postgres) -> (rondo_tests::Proxy, String) {
    let pg_addr: SocketAddr = format!("127.0.0.1:{}", pg.port).parse().unwrap();
    let path = rondo_tests::Proxy::start(pg_addr).await;
    let url = format!("postgres://rondo@{}/postgres", path.addr);
    (path, url)
}
