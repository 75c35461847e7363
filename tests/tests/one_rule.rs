//! Issue 19, "one rule for who receives what": the paths around the engine
//! against the real binary — the resume replay, welcomes, exports, a member
//! who only listens, removal and new links, and what a refused command
//! leaves on disk.

use futures_util::StreamExt;
use rondo_tests::cluster::{connect, connect_with, node, Postgres};
use rondo_tests::{create_group, http, Group, Member, Server};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

/// Every text frame a member's socket receives for `wait`, reading all the
/// time (so the library answers the server's pings), and how it ended:
/// `Some(code)` when the server closed it.
async fn listen(member: &mut Member, wait: Duration) -> (Vec<String>, Option<u16>) {
    let until = Instant::now() + wait;
    let mut frames = Vec::new();
    loop {
        let left = until.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, member.ws.next()).await {
            Err(_) => return (frames, None),
            Ok(Some(Ok(Message::Text(text)))) => frames.push(text.to_string()),
            Ok(Some(Ok(Message::Close(frame)))) => {
                return (frames, Some(frame.map_or(1005, |f| f.code.into())))
            }
            Ok(Some(Ok(_))) => {}
            Ok(Some(Err(_)) | None) => return (frames, Some(1006)),
        }
    }
}

/// Adds a member from the convener's side: their id and token.
async fn add_member(addr: SocketAddr, group: &Group, name: &str) -> (String, String) {
    let path = format!("/api/groups/{}/members", group.group_id);
    let body = json!({"name": name});
    let (status, text) = http(
        addr,
        "POST",
        &path,
        Some(&group.convener_token),
        Some(&body),
    )
    .await;
    assert_eq!(status, 201, "{text}");
    let added: Value = serde_json::from_str(&text).unwrap();
    (
        added["member_id"].as_str().unwrap().to_owned(),
        added["token"].as_str().unwrap().to_owned(),
    )
}

async fn new_agreement(addr: SocketAddr, group: &Group) {
    let path = format!("/api/groups/{}/agreement", group.group_id);
    let body = json!({"text": "We keep what is said here, again."});
    let (status, text) = http(addr, "PUT", &path, Some(&group.convener_token), Some(&body)).await;
    assert_eq!(status, 204, "{text}");
}

#[tokio::test]
async fn a_member_who_has_not_accepted_reads_nothing_by_resuming() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &["Ana", "Bo"]).await;
    let mut ana = Member::connect(server.addr, group.token("Ana"), None).await;
    ana.ok(json!({"type": "case.propose", "title": "CANARY-TITLE-1",
                  "question": "CANARY-QUESTION-1", "minutes": 20}))
        .await;

    // A member added later, who has not accepted, resumes from the start.
    let (_, cy_token) = add_member(server.addr, &group, "Cy").await;
    let mut cy = Member::connect_as_is(server.addr, &cy_token, Some(0)).await;
    assert_eq!(cy.welcome["agreement_required"], true);
    assert_eq!(cy.welcome["resumed"], false, "nothing from before Cy came");
    let (frames, closed) = listen(&mut cy, Duration::from_secs(1)).await;
    assert_eq!(closed, None);
    assert!(
        !cy.welcome.to_string().contains("CANARY") && frames.iter().all(|f| !f.contains("CANARY")),
        "{frames:?}"
    );

    // A member gated by a new version resumes from where they left.
    let mut bo = Member::connect(server.addr, group.token("Bo"), None).await;
    new_agreement(server.addr, &group).await;
    let gated = bo.until("welcome").await;
    assert_eq!(gated["agreement_required"], true);
    let left_at = gated["seq"].as_u64().unwrap();
    drop(bo);
    ana.welcome = ana.until("welcome").await;
    ana.accept().await;
    ana.ok(json!({"type": "case.propose", "title": "CANARY-TITLE-2",
                  "question": "CANARY-QUESTION-2", "minutes": 20}))
        .await;
    let mut bo = Member::connect_as_is(server.addr, group.token("Bo"), Some(left_at)).await;
    assert_eq!(bo.welcome["agreement_required"], true);
    let (frames, _) = listen(&mut bo, Duration::from_secs(1)).await;
    assert!(
        !bo.welcome.to_string().contains("CANARY") && frames.iter().all(|f| !f.contains("CANARY")),
        "{frames:?}"
    );
    // Accepting brings everything, in a fresh welcome.
    bo.accept().await;
    assert!(bo.welcome["queue"].to_string().contains("CANARY-TITLE-2"));
}

#[tokio::test]
async fn exports_follow_the_one_rule() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &["Ana", "Bo", "Cy"]).await;
    let mut ana = Member::connect(server.addr, group.token("Ana"), None).await;
    ana.ok(json!({"type": "meeting.open"})).await;
    let meeting_id = ana.until("meeting.opened").await["meeting_id"]
        .as_str()
        .unwrap()
        .to_owned();
    ana.ok(json!({"type": "meeting.start"})).await;
    ana.ok(json!({"type": "record.add", "kind": "decision", "text": "CANARY-RECORD"}))
        .await;
    ana.ok(json!({"type": "meeting.end"})).await;
    let get = |token: String, file: String| async move {
        http(
            server.addr,
            "GET",
            &format!("/api/{file}"),
            Some(&token),
            None,
        )
        .await
    };
    let record = format!("record/{meeting_id}.json");
    let (status, body) = get(group.token("Ana").into(), record.clone()).await;
    assert_eq!(status, 200);
    assert!(body.contains("CANARY-RECORD"));

    // Never accepted: refused, with nothing of the record.
    let (_, dee) = add_member(server.addr, &group, "Dee").await;
    for file in [
        record.clone(),
        format!("record/{meeting_id}.md"),
        format!("notes/{meeting_id}.md"),
    ] {
        let (status, body) = get(dee.clone(), file.clone()).await;
        assert_eq!(status, 403, "{file}: {body}");
        assert!(body.contains("agreement_required") && !body.contains("CANARY"));
    }
    // Gated again by a new version: the same.
    new_agreement(server.addr, &group).await;
    let (status, body) = get(group.token("Bo").into(), record.clone()).await;
    assert_eq!(status, 403, "{body}");
    // Removed: their token no longer opens anything.
    let path = format!("/api/groups/{}/members/{}", group.group_id, group.id("Cy"));
    let (status, _) = http(
        server.addr,
        "DELETE",
        &path,
        Some(&group.convener_token),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (status, body) = get(group.token("Cy").into(), record).await;
    assert_eq!(status, 401, "{body}");
}

/// Issue 19, defect 3: pongs count as heard. Before, a member who answered
/// pings but sent no command was closed `1001` within a minute.
#[tokio::test]
async fn a_member_who_only_listens_stays_connected() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &["Ana", "Bo"]).await;
    let mut ana = Member::connect(server.addr, group.token("Ana"), None).await;
    let mut bo = Member::connect(server.addr, group.token("Bo"), None).await;
    // Both listen for 80 s, longer than three pings' silence, saying nothing
    // (reading all the while, as a browser does, so pings are answered).
    let wait = Duration::from_secs(80);
    let ((heard_by_bo, bo_closed), (heard_by_ana, ana_closed)) =
        tokio::join!(listen(&mut bo, wait), listen(&mut ana, wait));
    let log = server.log_text();
    assert_eq!((bo_closed, ana_closed), (None, None), "{log}");
    let went_away = |frames: &[String]| frames.iter().any(|f| f.contains("\"present\":false"));
    assert!(
        !went_away(&heard_by_bo),
        "presence flapped: {heard_by_bo:?}"
    );
    assert!(
        !went_away(&heard_by_ana),
        "presence flapped: {heard_by_ana:?}"
    );
    ana.ok(json!({"type": "case.propose", "title": "t", "question": "q", "minutes": 20}))
        .await;
    let (frames, closed) = listen(&mut bo, Duration::from_secs(2)).await;
    assert_eq!(closed, None);
    assert!(
        frames.iter().any(|f| f.contains("case.proposed")),
        "{frames:?}"
    );
}

fn disk_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum()
}

/// Issue 19, defect 6: a refused command is kept as its answer, not its
/// text. Before, each refused 60 KiB note was logged in full.
#[tokio::test]
async fn refused_commands_leave_only_their_answers_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &["Ana", "Bo"]).await;
    let (_, token) = add_member(server.addr, &group, "Cy").await;
    let mut cy = Member::connect_as_is(server.addr, &token, None).await;
    let before = disk_bytes(dir.path());
    // 20 000 characters (the most a note takes) of three bytes each.
    let text = "€".repeat(20_000);
    let note = json!({"type": "note.save", "visibility": "private", "text": text});
    let first = cy.command_with_id("refused-1", note).await;
    assert_eq!(first["code"], "agreement_required");
    for round in 0..3 {
        for _ in 0..20 {
            let note = json!({"type": "note.save", "visibility": "private", "text": text});
            let refused = cy.command(note).await;
            assert_eq!(refused["code"], "agreement_required", "round {round}");
        }
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
    // 61 refusals of 60 KB each would be 3.6 MB as they came.
    let grown = disk_bytes(dir.path()).saturating_sub(before);
    assert!(grown < 1024 * 1024, "the store grew by {grown} bytes");
    // And their answers are kept: a re-sent id gets the first answer, across
    // a restart too.
    drop(cy);
    drop(server);
    let server = Server::start(dir.path());
    let mut cy = Member::connect_as_is(server.addr, &token, None).await;
    let again = cy
        .command_with_id(
            "refused-1",
            json!({"type": "agreement.accept", "version": 1}),
        )
        .await;
    assert_eq!(again["code"], "agreement_required", "{again}");
}

/// Issue 19, defects 4 and 5: removing a member and giving a new link are
/// one write each; the old link is dead at once, and asking again answers.
#[tokio::test]
async fn removal_and_new_links_end_the_old_token_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &["Ana", "Bo", "Cy"]).await;
    let mut bo = Member::connect(server.addr, group.token("Bo"), None).await;
    let convener = Some(group.convener_token.as_str());
    let path = format!(
        "/api/groups/{}/members/{}/token",
        group.group_id,
        group.id("Bo")
    );
    let (status, text) = http(server.addr, "POST", &path, convener, None).await;
    assert_eq!(status, 200, "{text}");
    let fresh: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(bo.close_code().await, Some(4401));
    let url = format!("ws://{}/ws", server.addr);
    let old = Member::try_connect(&url, group.token("Bo"), None).await;
    assert!(old.is_err(), "the old link still works");
    let new_token = fresh["token"].as_str().unwrap();
    let mut bo = Member::connect(server.addr, new_token, None).await;

    let path = format!("/api/groups/{}/members/{}", group.group_id, group.id("Bo"));
    let (status, _) = http(server.addr, "DELETE", &path, convener, None).await;
    assert_eq!(status, 204);
    assert_eq!(bo.close_code().await, Some(4403));
    assert!(Member::try_connect(&url, new_token, None).await.is_err());
    let (status, _) = http(server.addr, "DELETE", &path, convener, None).await;
    assert_eq!(status, 404, "asked again: no such member");
    // The removal survives a restart, the token with it.
    drop(server);
    let server = Server::start(dir.path());
    let url = format!("ws://{}/ws", server.addr);
    assert!(Member::try_connect(&url, new_token, None).await.is_err());
}

/// Makes every change to the links fail inside PostgreSQL, as a disk that
/// refuses the write would: the transaction that carries a removal or a new
/// link rolls back whole.
const REFUSE_LINK_WRITES: &str = "
    CREATE FUNCTION refuse_link_writes() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'the disk refuses'; END $$;
    CREATE TRIGGER refuse_link_writes BEFORE INSERT OR UPDATE OR DELETE ON tokens
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_link_writes();";

const ALLOW_LINK_WRITES: &str = "
    DROP TRIGGER refuse_link_writes ON tokens;
    DROP FUNCTION refuse_link_writes();";

/// The member's connection hears "moved" as its group stops on a failed
/// write, and the member is welcomed back with the link they had.
async fn back(addr: SocketAddr, group: &Group, mut member: Member) -> Member {
    let (_, closed) = listen(&mut member, Duration::from_secs(5)).await;
    assert_eq!(closed, Some(4503), "{}: the group stood down", member.name);
    connect(addr, group, &member.name, None).await
}

/// A connection with `token` ends before its welcome.
async fn refused(addr: SocketAddr, group: &Group, token: &str) -> bool {
    let url = format!("ws://{addr}/ws?g={}", group.group_id);
    Member::try_connect(&url, token, None).await.is_err()
}

/// Issue 19: removing a member and giving a new link are one write with the
/// token's change. When that write fails nothing happened: the answer is an
/// error, the member is still one and their link still works, and asking
/// again once the store takes writes does it.
#[tokio::test]
async fn a_failed_removal_or_new_link_changes_nothing_and_asking_again_does_it() {
    let Some((server, group, _dir, pg)) = a_group_on_postgres().await else {
        return;
    };
    let addr = server.addr;
    let convener = Some(group.convener_token.as_str());
    let bo = connect(addr, &group, "Bo", None).await;
    let cy = connect(addr, &group, "Cy", None).await;
    let remove = format!("/api/groups/{}/members/{}", group.group_id, group.id("Bo"));
    let reissue = format!(
        "/api/groups/{}/members/{}/token",
        group.group_id,
        group.id("Cy")
    );

    pg.query(REFUSE_LINK_WRITES);
    let (status, text) = http(addr, "DELETE", &remove, convener, None).await;
    assert_eq!(status, 503, "a removal that is not durable: {text}");
    let (bo, cy) = (back(addr, &group, bo).await, back(addr, &group, cy).await);
    let members = bo.welcome["group"]["members"].as_array().unwrap().clone();
    assert!(
        members.iter().any(|m| m["member_id"] == group.id("Bo")),
        "Bo is still a member"
    );
    let (status, text) = http(addr, "POST", &reissue, convener, None).await;
    assert_eq!(status, 503, "a new link that is not durable: {text}");
    let (mut bo, mut cy) = (back(addr, &group, bo).await, back(addr, &group, cy).await);

    pg.query(ALLOW_LINK_WRITES);
    let (status, text) = http(addr, "DELETE", &remove, convener, None).await;
    assert_eq!(status, 204, "asked again: {text}");
    assert_eq!(bo.close_code().await, Some(4403));
    assert!(refused(addr, &group, group.token("Bo")).await);
    let (status, text) = http(addr, "POST", &reissue, convener, None).await;
    assert_eq!(status, 200, "asked again: {text}");
    assert_eq!(cy.close_code().await, Some(4401));
    assert!(refused(addr, &group, group.token("Cy")).await);
    let fresh: Value = serde_json::from_str(&text).unwrap();
    let cy = connect_with(addr, &group, fresh["token"].as_str().unwrap(), "Cy", None).await;
    assert_eq!(cy.welcome["me"]["member_id"], group.id("Cy"));
}

/// A store that does not answer says nothing about a token. A member's
/// request is answered `503` (not `401`, which the page takes as a link
/// closed for good), their connection hears `4503` and comes back, and a
/// calendar is not told its feed is gone (`404` makes some drop it).
#[tokio::test]
async fn a_token_the_store_cannot_look_up_is_unavailable_not_refused() {
    let Some((server, group, _dir, pg)) = a_group_on_postgres().await else {
        return;
    };
    let addr = server.addr;
    let bo = Some(group.token("Bo"));
    let convener = Some(group.convener_token.as_str());
    let (status, body) = http(addr, "POST", "/api/calendar", bo, None).await;
    assert_eq!(status, 201, "{body}");
    let created: Value = serde_json::from_str(&body).unwrap();
    let url = created["url"].as_str().unwrap();
    let feed = url.split_once(&addr.to_string()).unwrap().1.to_owned();
    let console = format!("/api/groups/{}", group.group_id);

    pg.query("ALTER TABLE tokens RENAME TO tokens_away; ALTER TABLE feeds RENAME TO feeds_away;");
    let (status, text) = http(addr, "POST", "/api/calendar", bo, None).await;
    assert_eq!(status, 503, "a member's request: {text}");
    let (status, text) = http(addr, "GET", &console, convener, None).await;
    assert_eq!(status, 503, "the convener's request: {text}");
    let (status, text) = http(addr, "GET", &feed, None, None).await;
    assert_eq!(status, 503, "the calendar feed: {text}");
    assert_eq!(
        hello_closes_with(addr, &group, group.token("Bo")).await,
        Some(4503)
    );

    pg.query("ALTER TABLE tokens_away RENAME TO tokens; ALTER TABLE feeds_away RENAME TO feeds;");
    let (status, ics) = http(addr, "GET", &feed, None, None).await;
    assert_eq!(status, 200, "asked again: {ics}");
    let (status, text) = http(addr, "GET", &console, convener, None).await;
    assert_eq!(status, 200, "asked again: {text}");
    // A new feed, which replaces the one above.
    let (status, text) = http(addr, "POST", "/api/calendar", bo, None).await;
    assert_eq!(status, 201, "asked again: {text}");
    let bo = connect(addr, &group, "Bo", None).await;
    assert_eq!(bo.welcome["me"]["member_id"], group.id("Bo"));
}

/// The close code a `hello` with `token` is answered with.
async fn hello_closes_with(addr: SocketAddr, group: &Group, token: &str) -> Option<u16> {
    let url = format!("ws://{addr}/ws?g={}", group.group_id);
    let (mut ws, _) = tokio_tungstenite::connect_async(url.as_str())
        .await
        .unwrap();
    let hello = json!({"type": "hello", "token": token, "client": "rondo-tests/1"});
    futures_util::SinkExt::send(&mut ws, Message::Text(hello.to_string().into()))
        .await
        .unwrap();
    Member::from_socket(ws).close_code().await
}

/// A node on a PostgreSQL of its own with a group of four, the node first
/// so it stops before the database; `None` where PostgreSQL is missing.
async fn a_group_on_postgres() -> Option<(Server, Group, tempfile::TempDir, Postgres)> {
    let Some(pg) = Postgres::start() else {
        eprintln!("cluster test skipped: PostgreSQL is not installed");
        return None;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = node(dir.path(), &pg.url());
    let group = create_group(server.addr, &["Ana", "Bo", "Cy", "Di"]).await;
    Some((server, group, dir, pg))
}
