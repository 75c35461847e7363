//! Retention and crypto-shredding against the real binary on a clock set
//! with libfaketime: a group keeping one month meets in January 2027 with
//! canaries in its case, brief, record, notes and a reflection; a backup is
//! taken; the server comes back on 2 March. The canaries are gone from the
//! welcome, the replay and every export, the attendance and its
//! confirmation are still in the member's log, January's data key is gone
//! from the key file, and the backup taken in January no longer opens.

use rondo_tests::cluster::{free_port, Postgres, LEASE_TTL_MS};
use rondo_tests::{
    create_group, http, member_log, rondo_binary, Group, Member, Server, FAKETIME_LIB, TEST_KEY,
};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;

const CANARIES: [&str; 5] = [
    "CANARY-TITLE-31ad",
    "CANARY-BRIEF-88e0",
    "CANARY-RECORD-5c7b",
    "CANARY-NOTE-d142",
    "CANARY-REFLECTION-0f9e",
];
/// January and March 2027, as months since January 1970.
const JANUARY: u32 = 684;
const MARCH: u32 = 686;

fn assert_no_canary(what: &str, bytes: &[u8]) {
    for canary in CANARIES {
        let found = bytes.windows(canary.len()).any(|w| w == canary.as_bytes());
        assert!(!found, "{canary} in {what}");
    }
}

/// The months whose keys the key file holds, read with Python's sqlite3.
fn key_months(keys: &Path) -> Vec<u32> {
    let output = Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); \
             print(' '.join(str(m) for (m,) in c.execute('SELECT month FROM keys ORDER BY month')))",
        ])
        .arg(keys)
        .output()
        .expect("python3 runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout)
        .unwrap()
        .split_whitespace()
        .map(|m| m.parse().unwrap())
        .collect()
}

/// `rondo backup` of a running server's database.
fn back_up(db: &Path, to: &Path) {
    let copied = Command::new(rondo_binary())
        .args(["backup", "--db"])
        .arg(db)
        .arg("--to")
        .arg(to)
        .output()
        .unwrap();
    assert!(copied.status.success(), "{copied:?}");
}

/// Serves `backup` with the month keys there are now: refused, naming the
/// group sealed with a destroyed key; what it said.
fn refused_as_shredded(backup: &Path, keys: &Path, group: &Group) -> String {
    let served = Command::new(rondo_binary())
        .args(["serve", "--addr", "127.0.0.1:0", "--db"])
        .arg(backup)
        .arg("--data-keys")
        .arg(keys)
        .env("RONDO_DATA_KEY", TEST_KEY)
        .output()
        .unwrap();
    assert!(!served.status.success());
    let said = String::from_utf8_lossy(&served.stderr).into_owned();
    assert!(said.contains("data key destroyed"), "{said}");
    assert!(said.contains(&group.group_id), "{said}");
    said
}

/// Ben's log of January to 2 March still has the meeting, with his
/// confirmation; the log as text.
async fn attendance_kept(addr: SocketAddr, group: &Group, meeting_id: &str) -> String {
    let period = format!("?from=2027-01-01&to=2027-03-02&g={}", group.group_id);
    let log = member_log(addr, group.token("Ben"), &period).await;
    let row = &log["meetings"][0];
    assert_eq!(row["meeting_id"], meeting_id, "{log}");
    let confirmed = row["confirmed_at"].is_u64();
    assert!(confirmed, "the confirmation is kept: {log}");
    log.to_string()
}

/// Opens a meeting and starts it; its id.
async fn open_and_start(facilitator: &mut Member) -> String {
    facilitator.ok(json!({"type": "meeting.open"})).await;
    let opened = facilitator.until("meeting.opened").await;
    let meeting_id = opened["meeting"]["meeting_id"].as_str().unwrap().to_owned();
    facilitator.ok(json!({"type": "meeting.start"})).await;
    meeting_id
}

/// A January meeting with every kind of content; its id.
async fn meeting_with_canaries(ana: &mut Member, ben: &mut Member, cy: &mut Member) -> String {
    ben.ok(
        json!({"type": "case.propose", "title": CANARIES[0], "question": "What now?",
        "minutes": 10, "brief": CANARIES[1]}),
    )
    .await;
    let case_id = ben.until("case.proposed").await["case"]["case_id"].clone();
    let meeting_id = open_and_start(ana).await;
    ben.ok(json!({"type": "case.share", "case_id": case_id}))
        .await;
    ana.ok(json!({"type": "case.start", "case_id": case_id, "template": "open"}))
        .await;
    ana.ok(json!({"type": "record.add", "kind": "decision", "text": CANARIES[2]}))
        .await;
    cy.ok(json!({"type": "note.save", "visibility": "private", "text": CANARIES[3]}))
        .await;
    ana.ok(json!({"type": "case.end"})).await;
    ana.ok(json!({"type": "meeting.end"})).await;
    ben.until("meeting.ended").await;
    ben.ok(json!({"type": "attendance.confirm", "meeting_id": meeting_id}))
        .await;
    ben.ok(json!({"type": "reflection.save", "meeting_id": meeting_id, "text": CANARIES[4]}))
        .await;
    meeting_id
}

#[tokio::test]
async fn past_its_retention_a_meeting_is_gone_from_every_copy_and_its_attendance_kept() {
    assert!(Path::new(FAKETIME_LIB).exists(), "faketime is installed");
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_at(dir.path(), "127.0.0.1:0", "2027-01-12 10:00:00");
    let addr = server.addr;
    let group = create_group(addr, &["Ana", "Ben", "Cy"]).await;
    let retention = format!("/api/groups/{}/retention", group.group_id);
    let convener = Some(group.convener_token.as_str());
    for bad in [
        json!({"retention_months": 0}),
        json!({"retention_months": 121}),
        json!({}),
    ] {
        let (status, body) = http(addr, "PUT", &retention, convener, Some(&bad)).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
    let one_month = json!({"retention_months": 1});
    let (status, body) = http(addr, "PUT", &retention, convener, Some(&one_month)).await;
    assert_eq!(status, 204, "{body}");
    let overview = format!("/api/groups/{}", group.group_id);
    let (_, body) = http(addr, "GET", &overview, convener, None).await;
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["retention_months"],
        1
    );

    let mut ana = Member::connect(addr, group.token("Ana"), None).await;
    let mut ben = Member::connect(addr, group.token("Ben"), None).await;
    let mut cy = Member::connect(addr, group.token("Cy"), None).await;
    let meeting_id = meeting_with_canaries(&mut ana, &mut ben, &mut cy).await;
    let record = format!("/api/record/{meeting_id}.json");
    let (status, body) = http(addr, "GET", &record, Some(group.token("Ana")), None).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(CANARIES[2]), "readable while kept");
    let resume_from = ana.last_seq();
    let backup = dir.path().join("january.db");
    back_up(&server.db, &backup);
    let keys = dir.path().join("rondo.db.datakeys");
    assert_eq!(key_months(&keys), [JANUARY]);
    drop((ana, ben, cy));
    server.kill();

    // 2 March: January's content has expired (kept through February); the
    // sweep due on 1 March fires as the server starts.
    let server = Server::start_at(dir.path(), &addr.to_string(), "2027-03-02 09:00:00");
    // A resume from January cannot reach back across the expiry: a fresh
    // welcome, not January's events again.
    let ana = Member::connect(addr, group.token("Ana"), Some(resume_from)).await;
    assert_eq!(ana.welcome["resumed"], false, "{}", ana.welcome);
    let mut seen = Vec::new();
    for name in ["Ana", "Ben", "Cy"] {
        let member = Member::connect(addr, group.token(name), Some(1)).await;
        seen.push(member.welcome.to_string());
        seen.extend(member.events.iter().map(Value::to_string));
    }
    seen.push(ana.welcome.to_string());
    for (path, token) in [
        (record.clone(), group.token("Ana")),
        (format!("/api/record/{meeting_id}.md"), group.token("Ana")),
        (format!("/api/notes/{meeting_id}.md"), group.token("Cy")),
    ] {
        let (status, body) = http(addr, "GET", &path, Some(token), None).await;
        assert_eq!(status, 404, "{path}: {body}");
        seen.push(body);
    }
    seen.push(attendance_kept(addr, &group, &meeting_id).await);
    assert_no_canary("what members and exports see", seen.join("\n").as_bytes());
    // The sweep's snapshot is sealed with March's key; January's is gone.
    assert_eq!(key_months(&keys), [MARCH]);
    drop(ana);
    server.kill();

    // No file holds a canary in the clear (every row is sealed)...
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        assert_no_canary(&path.display().to_string(), &std::fs::read(&path).unwrap());
    }
    // ...and January's rows, in the database, its WAL or the backup, can no
    // longer be opened: the backup, served with the keys there are now, is
    // refused for the group sealed with January's key.
    let said = refused_as_shredded(&backup, &keys, &group);
    assert_no_canary("the refusal", said.as_bytes());

    // The database itself still serves, from the snapshot the sweep wrote.
    let server = Server::start_at(dir.path(), &addr.to_string(), "2027-03-03 09:00:00");
    let ben = Member::connect(addr, group.token("Ben"), None).await;
    let past = &ben.welcome["past_meetings"];
    assert_eq!(past.as_array().map(Vec::len), Some(0), "{past}");
    assert_no_canary(
        "the welcome after a restart",
        ben.welcome.to_string().as_bytes(),
    );
    drop(server);
}

/// Erasure against the real binary and its SQLite file: Cy presents a case,
/// Ben writes a note to Cy as presenter, Cy a reflection; the convener
/// removes Cy, then erases them. The record names the presenter "former
/// member", Ben's note to Cy is gone from Ben's notes, and both hold after
/// a restart, read back from the snapshot the erasure wrote.
#[tokio::test]
async fn an_erased_former_member_is_named_former_member_and_their_notes_are_gone() {
    const TO_CY: &str = "CANARY-TO-PRESENTER-2a9c";
    const REFLECTION: &str = "CANARY-CY-REFLECTION-77d1";
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let addr = server.addr;
    let group = create_group(addr, &["Ana", "Ben", "Cy"]).await;
    // Another group, untouched by the erasure, in the same database.
    let other = create_group(addr, &["Dee", "Eli"]).await;
    let convener = Some(group.convener_token.as_str());
    let mut ana = Member::connect(addr, group.token("Ana"), None).await;
    let mut ben = Member::connect(addr, group.token("Ben"), None).await;
    let mut cy = Member::connect(addr, group.token("Cy"), None).await;
    cy.ok(json!({"type": "case.propose", "title": "Mine", "question": "Q", "minutes": 10}))
        .await;
    let case_id = cy.until("case.proposed").await["case"]["case_id"].clone();
    let meeting_id = open_and_start(&mut ana).await;
    ana.ok(json!({"type": "case.start", "case_id": case_id, "template": "open"}))
        .await;
    ben.ok(json!({"type": "note.save", "visibility": "presenter", "text": TO_CY}))
        .await;
    ana.ok(json!({"type": "case.end"})).await;
    ana.ok(json!({"type": "meeting.end"})).await;
    cy.until("meeting.ended").await;
    cy.ok(json!({"type": "reflection.save", "meeting_id": meeting_id, "text": REFLECTION}))
        .await;
    let record = format!("/api/record/{meeting_id}.md");
    let notes = format!("/api/notes/{meeting_id}.md");
    let (_, bens_notes) = http(addr, "GET", &notes, Some(group.token("Ben")), None).await;
    assert!(bens_notes.contains(TO_CY), "{bens_notes}");

    let member = format!("/api/groups/{}/members/{}", group.group_id, group.id("Cy"));
    let erase = format!("{member}/erase");
    let (status, body) = http(addr, "POST", &erase, convener, None).await;
    assert_eq!(status, 409, "a member is removed before erased: {body}");
    let (status, body) = http(addr, "DELETE", &member, convener, None).await;
    assert_eq!(status, 204, "{body}");
    let (_, removed) = http(addr, "GET", &record, Some(group.token("Ana")), None).await;
    assert!(!removed.contains("former member"), "{removed}");
    let backup = dir.path().join("before-erasure.db");
    back_up(&server.db, &backup);
    let keys = dir.path().join("rondo.db.datakeys");
    let before = key_months(&keys);
    assert_eq!(before.len(), 1, "this month's key: {before:?}");
    let (status, body) = http(addr, "POST", &erase, convener, None).await;
    assert_eq!(status, 204, "{body}");
    ben.until("member.erased").await;
    drop((ana, ben, cy));
    // The erasure replaced the month's key, and the one before is gone.
    let after = key_months(&keys);
    assert_eq!(after, [before[0] + 65_536], "{after:?}");

    let check = |server: &Server| {
        let addr = server.addr;
        let group = &group;
        let (record, notes, meeting_id) = (record.clone(), notes.clone(), meeting_id.clone());
        async move {
            let (status, record) = http(addr, "GET", &record, Some(group.token("Ana")), None).await;
            assert_eq!(status, 200, "{record}");
            assert!(record.contains("former member"), "{record}");
            assert!(!record.contains(group.id("Cy")), "{record}");
            let (status, notes) = http(addr, "GET", &notes, Some(group.token("Ben")), None).await;
            assert_eq!(status, 200, "{notes}");
            assert!(!notes.contains(TO_CY), "{notes}");
            // The attendance is kept: Ben's log still has the meeting.
            let period = format!("?g={}", group.group_id);
            let log = member_log(addr, group.token("Ben"), &period).await;
            assert_eq!(
                log["meetings"][0]["meeting_id"],
                meeting_id.as_str(),
                "{log}"
            );
        }
    };
    check(&server).await;
    let addr = server.addr.to_string();
    server.kill();
    let server = Server::start_on(dir.path(), &addr, &[]);
    check(&server).await;
    drop(server);
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        for canary in [TO_CY, REFLECTION] {
            let found = bytes.windows(canary.len()).any(|w| w == canary.as_bytes());
            assert!(!found, "{canary} in {}", path.display());
        }
    }
    // The rows written before the erasure, in the database, its WAL or the
    // backup, no longer open: the backup is refused with today's keys.
    refused_as_shredded(&backup, &keys, &group);
    // With --skip-shredded the copy serves every other group, and the log
    // names the one left out.
    let restored = tempfile::tempdir().unwrap();
    std::fs::copy(&backup, restored.path().join("rondo.db")).unwrap();
    let keys = keys.to_str().unwrap();
    let server = Server::start_with(restored.path(), &["--data-keys", keys, "--skip-shredded"]);
    let dee = Member::connect(server.addr, other.token("Dee"), None).await;
    assert_eq!(dee.welcome["type"], "welcome", "{}", dee.welcome);
    let log = server.log_text();
    assert!(log.contains("group not served"), "{log}");
    assert!(log.contains(&group.group_id), "{log}");
}

/// The slots of a group's keys in a keys' database.
fn key_slots(postgres: &Postgres, group: &Group) -> Vec<u32> {
    let sql = format!(
        "SELECT slot FROM data_keys WHERE group_id = '{}' ORDER BY slot",
        group.group_id
    );
    let rows = postgres.query_in("rondo_keys", &sql);
    rows.iter().map(|slot| slot.parse().unwrap()).collect()
}

/// With PostgreSQL and its keys in a database of their own, on the same
/// clock: on 2 March what members and exports see has lost January's
/// content and kept its attendance and confirmation; January's key is gone,
/// so a `pg_dump` taken in January, restored into a new cluster, no longer
/// serves the group. Then an erasure replaces March's key.
#[tokio::test]
async fn with_postgresql_a_meeting_past_its_retention_is_gone_from_a_dump_taken_before() {
    let Some(postgres) = Postgres::start() else {
        return;
    };
    postgres.query("CREATE DATABASE rondo_keys");
    let (url, keys_url) = (postgres.url(), postgres.url_of("rondo_keys"));
    let dir = tempfile::tempdir().unwrap();
    let addr = format!("127.0.0.1:{}", free_port());
    let ttl = LEASE_TTL_MS.to_string();
    let node = |store: &str| {
        [
            "--store",
            store,
            "--keys-store",
            &keys_url,
            "--lease-ttl-ms",
            &ttl,
            "--internal-addr",
            &addr,
        ]
        .map(str::to_owned)
    };
    let args = node(&url);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let server = Server::start_at_with(dir.path(), &addr, "2027-01-12 10:00:00", &args);
    let group = create_group(server.addr, &["Ana", "Ben", "Cy"]).await;
    let retention = format!("/api/groups/{}/retention", group.group_id);
    let one_month = json!({"retention_months": 1});
    let convener = Some(group.convener_token.as_str());
    let (status, body) = http(server.addr, "PUT", &retention, convener, Some(&one_month)).await;
    assert_eq!(status, 204, "{body}");
    let mut ana = Member::connect(server.addr, group.token("Ana"), None).await;
    let mut ben = Member::connect(server.addr, group.token("Ben"), None).await;
    let mut cy = Member::connect(server.addr, group.token("Cy"), None).await;
    let meeting_id = meeting_with_canaries(&mut ana, &mut ben, &mut cy).await;
    let record = format!("/api/record/{meeting_id}.json");
    let (status, body) = http(server.addr, "GET", &record, Some(group.token("Ana")), None).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(CANARIES[2]), "readable while kept");
    assert_eq!(key_slots(&postgres, &group), [JANUARY]);
    let january = Postgres::start().expect("a second cluster");
    postgres.dump_into(&january);
    drop((ana, ben, cy));
    server.kill();

    let server = Server::start_at_with(dir.path(), &addr, "2027-03-02 09:00:00", &args);
    let ben = Member::connect(server.addr, group.token("Ben"), Some(1)).await;
    let mut seen = vec![ben.welcome.to_string()];
    seen.extend(ben.events.iter().map(Value::to_string));
    let (status, body) = http(server.addr, "GET", &record, Some(group.token("Ana")), None).await;
    assert_eq!(status, 404, "{body}");
    seen.push(attendance_kept(server.addr, &group, &meeting_id).await);
    assert_no_canary("what members and exports see", seen.join("\n").as_bytes());
    // The sweep's snapshot is sealed with March's key; January's is gone.
    assert_eq!(key_slots(&postgres, &group), [MARCH]);
    drop(ben);

    // An erasure replaces March's key: nothing written before it opens again.
    let cy = format!("/api/groups/{}/members/{}", group.group_id, group.id("Cy"));
    let (status, body) = http(server.addr, "DELETE", &cy, convener, None).await;
    assert_eq!(status, 204, "{body}");
    let erase = format!("{cy}/erase");
    let config_len = || {
        let sql = format!(
            "SELECT length(config) FROM groups WHERE group_id = '{}'",
            group.group_id
        );
        postgres.query(&sql)[0].parse::<usize>().unwrap()
    };
    let founded = config_len();
    let (status, body) = http(server.addr, "POST", &erase, convener, None).await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(key_slots(&postgres, &group), [MARCH + 65_536]);
    // The founding configuration, which names Cy, is replaced by `null`,
    // sealed: a 24-byte nonce, four bytes and a 16-byte tag.
    assert!(founded > 44, "{founded}");
    assert_eq!(config_len(), 24 + 4 + 16);
    server.kill();
    // As a crash between the erasure's commit and the keys' deletion would
    // leave it: the node that claims the group next deletes it first.
    postgres.query_in(
        "rondo_keys",
        &format!(
            "INSERT INTO data_keys (group_id, slot, key) VALUES ('{}', {MARCH}, '\\x00')",
            group.group_id
        ),
    );
    let server = Server::start_at_with(dir.path(), &addr, "2027-03-02 10:00:00", &args);
    let ana = Member::connect(server.addr, group.token("Ana"), None).await;
    assert_no_canary(
        "the welcome after the erasure",
        ana.welcome.to_string().as_bytes(),
    );
    assert_eq!(key_slots(&postgres, &group), [MARCH + 65_536]);
    drop(ana);
    server.kill();

    // January's dump, restored and served with the keys there are now, no
    // longer serves the group: its snapshot and rows were sealed with
    // January's key.
    let args = node(&january.url());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let restored = Server::start_at_with(dir.path(), &addr, "2027-03-02 11:00:00", &args);
    let (status, body) = http(
        restored.addr,
        "GET",
        &record,
        Some(group.token("Ana")),
        None,
    )
    .await;
    assert_eq!(status, 503, "{body}");
    let log = restored.log_text();
    assert!(log.contains("data key destroyed"), "{log}");
    assert_no_canary("the restored node's log", log.as_bytes());
}
