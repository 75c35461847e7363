//! Beyond the video call, against the real binary: a room display, a guest
//! for one meeting, briefs shared in advance and the reminders in a
//! member's own calendar feed (read back with Python's icalendar).

use rondo_tests::{create_group, http, Member, Server};
use serde_json::{json, Value};
use std::net::SocketAddr;

const BRIEF_CANARY: &str = "BRIEF-CANARY-night-shift";
const NOTE_CANARY: &str = "NOTE-CANARY-private";
const RECORD_CANARY: &str = "RECORD-CANARY-minutes";
const TITLE_CANARY: &str = "TITLE-CANARY-the-case";

async fn call(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let (status, text) = http(addr, method, path, Some(token), body.as_ref()).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The token in a link's fragment (`#d=…`, `#t=…`).
fn token_of(link: &str) -> String {
    link.split_once('=').expect("a fragment").1.to_owned()
}

/// Every frame a connection received, as text, to look for canaries in.
fn everything(member: &Member) -> String {
    let mut all = vec![member.welcome.to_string()];
    all.extend(member.events.iter().map(Value::to_string));
    all.join("\n")
}

#[tokio::test]
async fn a_room_display_follows_the_meeting_sees_nothing_confidential_and_is_retired_with_4401() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let addr = server.addr;
    let group = create_group(addr, &["Ana", "Bo", "Cy"]).await;
    let path = format!("/api/groups/{}/display", group.group_id);
    let mut ana = Member::connect(addr, group.token("Ana"), None).await;
    let mut bo = Member::connect(addr, group.token("Bo"), None).await;
    let mut cy = Member::connect(addr, group.token("Cy"), None).await;

    // Not the facilitator, and no meeting open: no display for a member.
    let (status, _) = call(addr, "POST", &path, group.token("Bo"), None).await;
    assert_eq!(status, 403);
    let (status, shown) = call(addr, "POST", &path, &group.convener_token, None).await;
    assert_eq!(status, 200, "{shown}");
    assert_eq!(shown["show_titles"], false);
    let link = shown["link"].as_str().unwrap();
    assert!(link.contains("/#d="), "{link}");
    let mut display = Member::connect_as_is(addr, &token_of(link), None).await;
    assert_eq!(display.welcome["display"], true);
    assert_eq!(display.welcome["me"], Value::Null);
    // Not a member: nobody saw it arrive, nobody counts it.
    let members = display.welcome["group"]["members"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(members.len(), 3);
    assert!(members.iter().all(|m| m["present"] == true));

    // It answers ping and nothing else.
    let reply = display.command(json!({"type": "ping"})).await;
    assert_eq!(reply["type"], "ack", "{reply}");
    let reply = display.command(json!({"type": "hand.raise"})).await;
    assert_eq!(reply["code"], "forbidden", "{reply}");
    let reply = display
        .command(json!({"type": "note.save", "visibility": "private", "text": "x"}))
        .await;
    assert_eq!(reply["code"], "forbidden", "{reply}");

    ana.ok(json!({"type": "meeting.open"})).await;
    ana.ok(json!({"type": "meeting.start"})).await;
    bo.ok(
        json!({"type": "case.propose", "title": TITLE_CANARY, "question": "Q?",
                 "minutes": 20, "brief": BRIEF_CANARY}),
    )
    .await;
    let case = bo.until("case.proposed").await["case"]["case_id"].clone();
    bo.ok(json!({"type": "case.share", "case_id": case})).await;
    ana.ok(json!({"type": "case.start", "case_id": case, "template": "sgs"}))
        .await;
    cy.ok(json!({"type": "note.save", "visibility": "private", "text": NOTE_CANARY}))
        .await;
    ana.ok(json!({"type": "record.add", "kind": "decision", "text": RECORD_CANARY}))
        .await;
    ana.ok(json!({"type": "phase.next"})).await;
    let turn = display.until("turn.started").await;
    assert!(turn["member"].is_string());
    display.until("phase.started").await;
    assert!(display
        .events
        .iter()
        .all(|e| e["type"] != "member.presence"));

    // The facilitator of the open meeting may show a new one: the old
    // display closes with 4401, and its token no longer opens anything.
    let (status, again) = call(
        addr,
        "POST",
        &path,
        group.token("Ana"),
        Some(json!({"show_titles": true})),
    )
    .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(display.close_code().await, Some(4401));
    for canary in [BRIEF_CANARY, NOTE_CANARY, RECORD_CANARY, TITLE_CANARY] {
        assert!(
            !everything(&display).contains(canary),
            "{canary} reached the display"
        );
    }
    let refused = Member::try_connect(&format!("ws://{addr}/ws"), &token_of(link), None).await;
    assert!(refused.err().unwrap().contains("unauthorized"));

    // With titles chosen, the new display shows them, and never the brief.
    let mut titled =
        Member::connect_as_is(addr, &token_of(again["link"].as_str().unwrap()), None).await;
    let welcome = titled.welcome.to_string();
    assert!(
        welcome.contains(TITLE_CANARY) || titled.welcome["queue"].as_array().unwrap().is_empty()
    );
    assert!(!welcome.contains(BRIEF_CANARY) && !welcome.contains(RECORD_CANARY));
    let (status, _) = call(addr, "DELETE", &path, &group.convener_token, None).await;
    assert_eq!(status, 204);
    assert_eq!(titled.close_code().await, Some(4401));
    let log = server.log_text();
    assert!(
        !log.contains(&token_of(link)),
        "no display token in the log"
    );
}

#[tokio::test]
async fn a_guest_joins_one_meeting_takes_a_turn_and_their_link_dies_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let addr = server.addr;
    let group = create_group(addr, &["Ana", "Bo", "Cy"]).await;
    let guests = format!("/api/groups/{}/guests", group.group_id);
    let mut ana = Member::connect(addr, group.token("Ana"), None).await;
    let mut bo = Member::connect(addr, group.token("Bo"), None).await;
    // An earlier meeting with an action: the guest never sees it.
    ana.ok(json!({"type": "meeting.open"})).await;
    ana.ok(json!({"type": "meeting.start"})).await;
    ana.ok(json!({"type": "record.add", "kind": "action", "text": RECORD_CANARY, "owner": group.id("Bo")}))
        .await;
    ana.ok(json!({"type": "meeting.end"})).await;
    bo.ok(json!({"type": "meeting.open", "facilitator": group.id("Bo")}))
        .await;

    let (status, _) = call(
        addr,
        "POST",
        &guests,
        group.token("Ana"),
        Some(json!({"name": "Gia"})),
    )
    .await;
    assert_eq!(status, 403, "only the facilitator or the convener invites");
    let (status, body) = call(
        addr,
        "POST",
        &guests,
        group.token("Ana"),
        Some(json!({"name": ""})),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    let (status, invited) = call(
        addr,
        "POST",
        &guests,
        group.token("Bo"),
        Some(json!({"name": "Gia"})),
    )
    .await;
    assert_eq!(status, 201, "{invited}");
    let added = ana.until("member.added").await;
    assert_eq!(added["member"]["guest"], true);
    let guest_token = invited["token"].as_str().unwrap().to_owned();
    let mut gia = Member::connect(addr, &guest_token, None).await;
    assert_eq!(gia.welcome["past_meetings"], json!([]));
    assert_eq!(gia.welcome["open_actions"], json!([]));
    assert!(!gia.welcome.to_string().contains(RECORD_CANARY));

    // The guest takes a turn in a round, as members do.
    bo.ok(json!({"type": "meeting.start"})).await;
    bo.ok(json!({"type": "round.start", "turn_s": 60, "label": "check-in"}))
        .await;
    loop {
        let turn = gia.until("turn.started").await;
        if turn["member"] == invited["member_id"] {
            gia.ok(json!({"type": "turn.done"})).await;
            break;
        }
        let speaker = if turn["member"] == group.id("Ana") {
            &mut ana
        } else {
            &mut bo
        };
        speaker.ok(json!({"type": "turn.done"})).await;
    }
    let (status, _) = call(addr, "POST", "/api/calendar", &guest_token, None).await;
    assert_eq!(status, 403, "a guest keeps no calendar");
    let earlier = format!("/api/record/{}-m1.md", group.group_id);
    let (status, _) = call(addr, "GET", &earlier, &guest_token, None).await;
    assert_eq!(status, 404, "no earlier meeting's record for a guest");

    bo.ok(json!({"type": "meeting.end"})).await;
    assert_eq!(gia.close_code().await, Some(4401));
    let refused = Member::try_connect(&format!("ws://{addr}/ws"), &guest_token, None).await;
    assert!(refused.err().unwrap().contains("unauthorized"));
    let (status, _) = call(addr, "GET", &earlier, &guest_token, None).await;
    assert_eq!(status, 401, "the guest's link ended with the meeting");
    assert!(!everything(&gia).contains(RECORD_CANARY));
}

#[tokio::test]
async fn a_brief_reaches_the_others_only_once_shared() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let addr = server.addr;
    let group = create_group(addr, &["Ana", "Bo", "Cy"]).await;
    let mut ana = Member::connect(addr, group.token("Ana"), None).await;
    let mut bo = Member::connect(addr, group.token("Bo"), None).await;
    bo.ok(
        json!({"type": "case.propose", "title": "T", "question": "Q", "minutes": 20,
                 "brief": BRIEF_CANARY}),
    )
    .await;
    let case = bo.until("case.proposed").await["case"]["case_id"].clone();
    assert_eq!(bo.until("case.brief").await["brief"], BRIEF_CANARY);
    let proposed = ana.until("case.proposed").await;
    assert_eq!(proposed["case"]["brief_shared"], false);
    let late = Member::connect(addr, group.token("Cy"), None).await;
    assert!(!late.welcome.to_string().contains(BRIEF_CANARY));
    let reply = ana
        .command(json!({"type": "case.edit", "case_id": case, "title": "X"}))
        .await;
    assert_eq!(reply["code"], "forbidden");
    let reply = bo
        .command(json!({"type": "case.edit", "case_id": case, "minutes": 999}))
        .await;
    assert_eq!(reply["code"], "bad_request");
    assert!(reply["message"].as_str().unwrap().contains("minutes"));
    assert!(!everything(&ana).contains(BRIEF_CANARY));
    bo.ok(json!({"type": "case.share", "case_id": case})).await;
    assert_eq!(ana.until("case.shared").await["brief"], BRIEF_CANARY);
    let fresh = Member::connect(addr, group.token("Cy"), None).await;
    assert_eq!(fresh.welcome["queue"][0]["brief"], BRIEF_CANARY);
    assert_eq!(fresh.welcome["queue"][0]["brief_shared"], true);
    assert!(!server.log_text().contains(BRIEF_CANARY));
}

/// Each event's alarms and description, as Python's icalendar reads them.
fn python_reads(ics: &str) -> Value {
    let script = r#"
import json, sys, icalendar
calendar = icalendar.Calendar.from_ical(sys.stdin.read())
events = []
for e in calendar.walk("VEVENT"):
    alarms = [{"action": str(a.get("ACTION")), "trigger": a.decoded("TRIGGER").total_seconds()}
              for a in e.walk("VALARM")]
    events.append({"start": e.decoded("DTSTART").isoformat(), "description": str(e.get("DESCRIPTION", "")),
                   "alarms": alarms})
print(json.dumps(events))
"#;
    rondo_tests::python_json(script, &[], ics, "Python's icalendar read the feed")
}

async fn feed(addr: SocketAddr, token: &str) -> String {
    let (status, created) = call(addr, "POST", "/api/calendar", token, None).await;
    assert_eq!(status, 201, "{created}");
    let url = created["url"].as_str().unwrap();
    let path = &url[url.find("/api/").unwrap()..];
    let (status, body) = http(addr, "GET", path, None, None).await;
    assert_eq!(status, 200);
    body
}

#[tokio::test]
async fn each_feed_reminds_a_day_and_15_minutes_before_and_says_what_is_the_members_own() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let addr = server.addr;
    let group = create_group(addr, &["Ana", "Bo", "Cy"]).await;
    let schedule = json!({"rrule": "FREQ=WEEKLY", "start": "2027-01-05T18:00",
                          "time_zone": "Europe/Amsterdam", "duration_min": 90});
    let path = format!("/api/groups/{}/schedule", group.group_id);
    let (status, body) = call(addr, "PUT", &path, &group.convener_token, Some(schedule)).await;
    assert!(status == 200 || status == 204, "{body}");
    let language = format!("/api/groups/{}/language", group.group_id);
    let (status, _) = call(
        addr,
        "PUT",
        &language,
        &group.convener_token,
        Some(json!({"language": "de"})),
    )
    .await;
    assert!(status == 200 || status == 204);
    let mut bo = Member::connect(addr, group.token("Bo"), None).await;
    bo.ok(json!({"type": "case.propose", "title": TITLE_CANARY, "question": "Q", "minutes": 20}))
        .await;

    let read = |ics: &str| python_reads(ics);
    let ana = read(&feed(addr, group.token("Ana")).await);
    let bo_feed = feed(addr, group.token("Bo")).await;
    let cy = read(&feed(addr, group.token("Cy")).await);
    let bo = read(&bo_feed);
    assert!(
        !bo_feed.contains(TITLE_CANARY) && !bo_feed.contains("Ana") && !bo_feed.contains("Bo\r")
    );
    for events in [&ana, &bo, &cy] {
        let events = events.as_array().unwrap();
        assert!(!events.is_empty());
        for event in events {
            let triggers: Vec<f64> = event["alarms"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| {
                    assert_eq!(a["action"], "DISPLAY");
                    a["trigger"].as_f64().unwrap()
                })
                .collect();
            assert_eq!(triggers, [-86_400.0, -900.0], "{event}");
        }
    }
    // The next meeting says what is the member's own, in the group's
    // language: Ana is due to facilitate, Bo has a case queued, Cy neither.
    let next = |events: &Value| events[0]["description"].as_str().unwrap().to_owned();
    assert!(next(&ana).contains("Sie moderieren"), "{}", next(&ana));
    assert!(!next(&ana).contains("Ihr Fall"));
    assert!(next(&bo).contains("Ihr Fall"), "{}", next(&bo));
    assert!(!next(&cy).contains("Sie moderieren") && !next(&cy).contains("Ihr Fall"));
    assert!(!ana[1]["description"]
        .as_str()
        .unwrap()
        .contains("Sie moderieren"));
}
