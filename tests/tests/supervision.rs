//! The member's record of supervision against the real binary: attendance
//! measured from real connections (one member leaves early, one drops and
//! comes back, the server is killed mid-meeting), confirmed and
//! countersigned; private reflections; the log as JSON, CSV (read with an
//! independent parser) and a PDF read back with `pdftotext` and checked with
//! `qpdf --check` in three languages; the supervision gap and months on a
//! clock set with libfaketime. Canaries in titles, notes and reflections
//! never reach a log, a certificate or another member's stream.

use rondo_tests::{create_group, http, must_run, Member, Server, FAKETIME_LIB};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const TITLE_CANARY: &str = "CANARY-TITLE-7f3a";
const QUESTION_CANARY: &str = "CANARY-QUESTION-91bd";
const NOTE_CANARY: &str = "CANARY-NOTE-c0de";
const REFLECTION_CANARY: &str = "CANARY-REFLECTION-5e1f";
const CANARIES: [&str; 4] = [
    TITLE_CANARY,
    QUESTION_CANARY,
    NOTE_CANARY,
    REFLECTION_CANARY,
];

/// Whether the programs these tests read documents with are here; where
/// they must run (CI, `tests/run`) a missing one fails the test.
fn tools_present() -> bool {
    let here = ["pdftotext", "qpdf", "curl"].iter().all(|tool| {
        Command::new("which")
            .arg(tool)
            .output()
            .is_ok_and(|o| o.status.success())
    }) && Path::new(FAKETIME_LIB).exists();
    assert!(
        here || !must_run("RONDO_REQUIRE_BROWSER"),
        "poppler-utils, qpdf, curl and faketime are needed (tests/run installs them)"
    );
    here
}

fn assert_no_canary(what: &str, text: &str) {
    for canary in CANARIES {
        assert!(!text.contains(canary), "{canary} in {what}");
    }
}

/// A GET with a bearer token, its body as bytes (a PDF is not text).
fn fetch(addr: SocketAddr, path: &str, token: &str, out: &Path) -> u16 {
    let output = Command::new("curl")
        .args(["-s", "-o"])
        .arg(out)
        .args(["-w", "%{http_code}", "-H"])
        .arg(format!("Authorization: Bearer {token}"))
        .arg(format!("http://{addr}{path}"))
        .output()
        .expect("curl runs");
    String::from_utf8_lossy(&output.stdout)
        .parse()
        .expect("a status")
}

/// The PDF's text as `pdftotext` reads it, after `qpdf --check` passed it.
fn certificate_text(pdf: &Path) -> String {
    let check = Command::new("qpdf")
        .arg("--check")
        .arg(pdf)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "qpdf --check: {}",
        String::from_utf8_lossy(&check.stdout)
    );
    let fonts = Command::new("pdffonts").arg(pdf).output().unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout).to_string();
    assert!(fonts.contains("TrueType"), "{fonts}");
    let embedded = fonts
        .lines()
        .skip(2)
        .all(|l| l.split_whitespace().rev().nth(4) == Some("yes"));
    assert!(embedded, "every font embedded: {fonts}");
    let text = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(text.status.success());
    String::from_utf8(text.stdout).expect("UTF-8 text")
}

async fn meeting_started(facilitator: &mut Member) -> String {
    facilitator.ok(json!({"type": "meeting.open"})).await;
    let opened = facilitator.until("meeting.opened").await;
    facilitator.ok(json!({"type": "meeting.start"})).await;
    opened["meeting"]["meeting_id"].as_str().unwrap().to_owned()
}

fn attendance_of<'a>(ended: &'a Value, member: &str) -> &'a Value {
    ended["attendance"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["member"] == member)
        .unwrap_or_else(|| panic!("{member} in {ended}"))
}

#[tokio::test]
async fn attendance_is_measured_confirmed_countersigned_and_logged() {
    if !tools_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let addr = server.addr;
    let group = create_group(addr, &["Ana", "Ben", "Cleo", "Dirk"]).await;
    let mut ana = Member::connect(addr, group.token("Ana"), None).await;
    let mut ben = Member::connect(addr, group.token("Ben"), None).await;
    let cleo = Member::connect(addr, group.token("Cleo"), None).await;
    ben.ok(json!({"type": "case.propose", "title": TITLE_CANARY, "question": QUESTION_CANARY, "minutes": 20}))
        .await;
    let meeting_id = meeting_started(&mut ana).await;
    let case_id = ben.until("case.proposed").await["case"]["case_id"].clone();
    ana.ok(json!({"type": "case.start", "case_id": case_id}))
        .await;
    ben.ok(json!({"type": "note.save", "visibility": "private", "text": NOTE_CANARY}))
        .await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    // Cleo leaves early; Ben drops and comes back.
    drop(cleo);
    drop(ben);
    ana.until("member.presence").await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let mut ben = Member::connect(addr, group.token("Ben"), None).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    ana.ok(json!({"type": "meeting.end"})).await;
    let ended = ana.until("meeting.ended").await;
    assert!(ended["ended_at"].as_u64().unwrap() >= ended["started_at"].as_u64().unwrap());
    let (a, b, c) = (
        attendance_of(&ended, group.id("Ana")),
        attendance_of(&ended, group.id("Ben")),
        attendance_of(&ended, group.id("Cleo")),
    );
    assert_eq!(
        ended["attendance"].as_array().unwrap().len(),
        3,
        "Dirk never came"
    );
    assert_eq!(a["role"], "facilitator");
    assert_eq!(b["role"], "presenter");
    assert_eq!(c["role"], "member");
    let present = |x: &Value| x["present_s"].as_u64().unwrap();
    assert!(present(a) >= 3, "{ended}");
    assert!(present(c) < present(a), "Cleo left early: {ended}");
    assert!(
        present(b) < present(a),
        "Ben's time away is not counted: {ended}"
    );
    assert!(present(b) >= 2, "Ben's two stretches are: {ended}");

    // Confirmation: only those present, and everyone sees who confirmed.
    let mut dirk = Member::connect(addr, group.token("Dirk"), None).await;
    let refused = dirk
        .command(json!({"type": "attendance.confirm", "meeting_id": meeting_id}))
        .await;
    assert_eq!(refused["code"], "forbidden", "{refused}");
    let early = ana
        .command(json!({"type": "attendance.countersign", "meeting_id": meeting_id}))
        .await;
    assert_eq!(early["code"], "invalid_state", "{early}");
    let not_facilitator = ben
        .command(json!({"type": "attendance.countersign", "meeting_id": meeting_id}))
        .await;
    assert_eq!(not_facilitator["code"], "forbidden", "{not_facilitator}");
    let mut cleo = Member::connect(addr, group.token("Cleo"), None).await;
    for member in [&mut ana, &mut ben, &mut cleo] {
        member
            .ok(json!({"type": "attendance.confirm", "meeting_id": meeting_id}))
            .await;
    }
    for _ in 0..3 {
        let confirmed = dirk.until("attendance.confirmed").await;
        assert_eq!(confirmed["meeting_id"], meeting_id.as_str());
    }

    // A reflection: its author's connections alone; too long is too_large.
    let mut ben_phone = Member::connect(addr, group.token("Ben"), None).await;
    let long = "x".repeat(10_001);
    let too_long = ben
        .command(json!({"type": "reflection.save", "meeting_id": meeting_id, "text": long}))
        .await;
    assert_eq!(too_long["code"], "too_large", "{too_long}");
    let reflection = format!("{REFLECTION_CANARY}: I will ask before I advise.");
    ben.ok(json!({"type": "reflection.save", "meeting_id": meeting_id, "text": reflection}))
        .await;
    let saved = ben_phone.until("reflection.saved").await;
    assert_eq!(saved["reflection"]["text"], reflection.as_str());
    let outsider = dirk
        .command(json!({"type": "reflection.save", "meeting_id": meeting_id, "text": "mine"}))
        .await;
    assert_eq!(outsider["code"], "forbidden", "{outsider}");

    // The member's own target, to their own connections.
    ben.ok(json!({"type": "member.settings", "settings": {"monthly_target_min": 90}}))
        .await;
    let updated = ben_phone.until("member.settings_updated").await;
    assert_eq!(updated["settings"]["monthly_target_min"], 90);
    let bad = ben
        .command(json!({"type": "member.settings", "settings": {"monthly_target_min": 0}}))
        .await;
    assert_eq!(bad["code"], "bad_request");
    assert!(
        bad["message"]
            .as_str()
            .unwrap()
            .contains("monthly_target_min"),
        "{bad}"
    );

    // Countersigned once, then locked.
    ana.ok(json!({"type": "attendance.countersign", "meeting_id": meeting_id}))
        .await;
    let signed = dirk.until("attendance.countersigned").await;
    assert_eq!(signed["by"], group.id("Ana"));
    let twice = ana
        .command(json!({"type": "attendance.countersign", "meeting_id": meeting_id}))
        .await;
    assert_eq!(twice["code"], "invalid_state", "{twice}");
    let (status, body) = http(
        addr,
        "POST",
        &format!("/api/meetings/{meeting_id}/countersign"),
        Some(&group.convener_token),
        None,
    )
    .await;
    assert_eq!(status, 409, "{body}");

    // The record export carries the attendance and its countersignature.
    let (status, record) = http(
        addr,
        "GET",
        &format!("/api/record/{meeting_id}.json"),
        Some(group.token("Cleo")),
        None,
    )
    .await;
    assert_eq!(status, 200, "{record}");
    let record: Value = serde_json::from_str(&record).unwrap();
    assert_eq!(record["countersigned"]["by"], group.id("Ana"));
    assert_eq!(record["attendance"].as_array().unwrap().len(), 3);
    assert!(record["attendance"][2]["confirmed_at"].is_u64(), "{record}");

    // A fresh welcome shows the attendance, the countersignature and the
    // member's own reflection alone.
    let again = Member::connect(addr, group.token("Ben"), None).await;
    let past = &again.welcome["past_meetings"][0];
    assert_eq!(past["countersigned"]["by"], group.id("Ana"));
    assert!(past["attendance"][0]["confirmed_at"].is_u64(), "{past}");
    assert_eq!(past["reflection"]["text"], reflection.as_str());
    assert_eq!(again.welcome["my_settings"]["monthly_target_min"], 90);
    let ana_again = Member::connect(addr, group.token("Ana"), None).await;
    assert!(ana_again.welcome["past_meetings"][0]
        .get("reflection")
        .is_none());

    // The log: JSON, CSV, PDF.
    let today = chrono_today();
    // With the balancer's routing key, as the web client sends it.
    let period = format!("?from=2020-01-01&to={today}&g={}", group.group_id);
    let (status, body) = http(
        addr,
        "GET",
        &format!("/api/log.json{period}"),
        Some(group.token("Ben")),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let log: Value = serde_json::from_str(&body).unwrap();
    let row = &log["meetings"][0];
    assert_eq!(log["meetings"].as_array().unwrap().len(), 1);
    assert_eq!(row["role"], "presenter");
    assert_eq!(row["present_s"], b["present_s"]);
    assert_eq!(row["credited_s"], b["present_s"], "attended: all of it");
    assert_eq!(row["members_present"], 3);
    assert_eq!(
        row["cases_presented"], 0,
        "the case was cut off, not presented"
    );
    assert_eq!(row["templates"], json!(["sgs"]));
    assert_eq!(row["reflection"], reflection.as_str());
    assert_eq!(row["countersigned"]["by_name"], "Ana");
    assert_eq!(log["monthly_target_min"], 90);
    assert_eq!(
        log["months"].as_array().unwrap().last().unwrap()["meets_target"],
        false
    );
    assert_no_canary("Ana's log", &{
        let (_, body) = http(
            addr,
            "GET",
            &format!("/api/log.json{period}"),
            Some(group.token("Ana")),
            None,
        )
        .await;
        body
    });
    assert!(
        !body.contains(TITLE_CANARY)
            && !body.contains(NOTE_CANARY)
            && !body.contains(QUESTION_CANARY)
    );

    let csv_path = dir.path().join("log.csv");
    assert_eq!(
        fetch(
            addr,
            &format!("/api/log.csv{period}"),
            group.token("Ben"),
            &csv_path
        ),
        200
    );
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    let field = |name: &str| rows[0][headers.iter().position(|h| h == name).unwrap()].to_owned();
    assert_eq!(field("role"), "presenter");
    assert_eq!(field("reflection"), reflection);
    assert_eq!(field("countersigned_by"), "Ana");

    let (status, body) = http(
        addr,
        "GET",
        "/api/log.json?from=2027-03-02&to=2027-03-01",
        Some(group.token("Ben")),
        None,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("\"from"), "the field is named: {body}");
    let (status, _) = http(
        addr,
        "GET",
        "/api/log.json",
        Some(&group.convener_token),
        None,
    )
    .await;
    assert_eq!(status, 403, "the convener keeps no log");

    for (language, title, umlaut) in [
        ("en", "Certificate of peer supervision", "Credited"),
        ("de", "Bescheinigung über Kollegiale Beratung", "Bestätigt"),
        ("nl", "Bewijs van deelname aan intervisie", "Tijden in"),
    ] {
        let (status, _) = http(
            addr,
            "PUT",
            &format!("/api/groups/{}/language", group.group_id),
            Some(&group.convener_token),
            Some(&json!({"language": language})),
        )
        .await;
        assert_eq!(status, 204);
        let pdf = dir.path().join(format!("log-{language}.pdf"));
        assert_eq!(
            fetch(
                addr,
                &format!("/api/log.pdf{period}"),
                group.token("Ben"),
                &pdf
            ),
            200
        );
        let text = certificate_text(&pdf);
        assert!(text.contains(title), "{language}: {text}");
        assert!(text.contains(umlaut), "{language}: {text}");
        assert!(
            text.contains("Ben") && text.contains("Test group"),
            "{text}"
        );
        assert!(text.contains("Ana"), "the countersigner: {text}");
        assert_no_canary(&format!("the {language} certificate"), &text);
    }

    // No other member's stream ever carried the note or the reflection;
    // the server's log carries no canary at all.
    for member in [&ana, &cleo, &dirk] {
        let stream = serde_json::to_string(&member.events).unwrap();
        assert!(
            !stream.contains(NOTE_CANARY) && !stream.contains(REFLECTION_CANARY),
            "{}",
            member.name
        );
    }
    assert_no_canary("the server's log", &server.log_text());
}

/// Today's UTC date, `YYYY-MM-DD` (a test server without a schedule keeps
/// its log in UTC).
fn chrono_today() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    rondo_protocol::command::Date::of_epoch_ms(now)
        .as_str()
        .to_owned()
}

#[tokio::test]
async fn a_kill_mid_meeting_loses_no_attendance_and_the_gap_and_months_follow_the_clock() {
    if !tools_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_at(dir.path(), "127.0.0.1:0", "2027-03-01 10:00:00");
    let addr = server.addr;
    let group = create_group(addr, &["Ana", "Ben"]).await;
    let (status, body) = http(
        addr,
        "PUT",
        &format!("/api/groups/{}/agreement", group.group_id),
        Some(&group.convener_token),
        Some(&json!({"text": "We meet weekly.", "max_gap_days": 7})),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    let (status, body) = http(
        addr,
        "PUT",
        &format!("/api/groups/{}/agreement", group.group_id),
        Some(&group.convener_token),
        Some(&json!({"text": "We meet weekly.", "max_gap_days": 0})),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("max_gap_days"), "{body}");
    let mut ana = Member::connect(addr, group.token("Ana"), None).await;
    let mut ben = Member::connect(addr, group.token("Ben"), None).await;
    ana.ok(json!({"type": "member.settings", "settings": {"monthly_target_min": 60}}))
        .await;
    let meeting_id = meeting_started(&mut ana).await;
    ben.until("meeting.started").await;
    // kill -9 an hour and a half into the meeting (by the clock it has).
    server.kill();
    drop((ana, ben));
    let server = Server::start_at(dir.path(), &addr.to_string(), "2027-03-01 11:30:00");
    let mut ana = Member::connect(addr, group.token("Ana"), None).await;
    ana.ok(json!({"type": "meeting.end"})).await;
    let ended = ana.until("meeting.ended").await;
    for name in ["Ana", "Ben"] {
        let present = attendance_of(&ended, group.id(name))["present_s"]
            .as_u64()
            .unwrap();
        // From 10:00 to the restart at 11:30, less the moments of starting.
        assert!(present >= 89 * 60, "{name}: {ended}");
    }
    assert!(
        ended["started_at"].as_u64().unwrap() < ended["ended_at"].as_u64().unwrap() - 89 * 60_000
    );
    assert!(ana.welcome["group"]["supervision_gap"].is_null());
    // Not everyone confirmed and fourteen days have not passed.
    let countersign = format!("/api/meetings/{meeting_id}/countersign");
    let (status, body) = http(
        addr,
        "POST",
        &countersign,
        Some(&group.convener_token),
        None,
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("invalid_state"), "{body}");
    let (status, _) = http(addr, "POST", &countersign, Some(group.token("Ana")), None).await;
    assert_eq!(status, 403, "a member's token is not the convener's");
    drop(ana);
    drop(server);

    // Nineteen days later: past the agreement's seven.
    let server = Server::start_at(dir.path(), &addr.to_string(), "2027-03-20 12:00:00");
    let ana = Member::connect(addr, group.token("Ana"), None).await;
    let gap = &ana.welcome["group"]["supervision_gap"];
    assert_eq!(gap, &json!({"since": "2027-03-01", "days": 19}));
    let (_, overview) = http(
        addr,
        "GET",
        &format!("/api/groups/{}", group.group_id),
        Some(&group.convener_token),
        None,
    )
    .await;
    let overview: Value = serde_json::from_str(&overview).unwrap();
    assert_eq!(overview["supervision_gap"], *gap);
    // Fourteen days after it: the convener may countersign unconfirmed.
    let (status, body) = http(
        addr,
        "POST",
        &countersign,
        Some(&group.convener_token),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let signed: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(signed["by"], "convener");
    let mut ana = ana;
    let locked = ana
        .command(json!({"type": "attendance.confirm", "meeting_id": meeting_id}))
        .await;
    assert_eq!(locked["code"], "invalid_state", "{locked}");

    // The months of the log: March met Ana's hour, February and April not.
    let (status, body) = http(
        addr,
        "GET",
        "/api/log.json?from=2027-02-01&to=2027-04-30",
        Some(group.token("Ana")),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let log: Value = serde_json::from_str(&body).unwrap();
    let months: Vec<(String, bool)> = log["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["month"].as_str().unwrap().to_owned(),
                m["meets_target"].as_bool().unwrap(),
            )
        })
        .collect();
    let expected = [("2027-02", false), ("2027-03", true), ("2027-04", false)];
    let expected: Vec<(String, bool)> = expected
        .iter()
        .map(|(m, t)| ((*m).to_owned(), *t))
        .collect();
    assert_eq!(months, expected);
    assert_eq!(log["meetings"][0]["date"], "2027-03-01");
    assert_eq!(log["meetings"][0]["start"], "10:00");
    assert_eq!(
        log["meetings"][0]["countersigned"]["by_name"],
        "the convener"
    );
    drop(server);
}
