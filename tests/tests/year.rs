//! The group's year against the real binary: the agreement enforced by the
//! server and its acceptances kept, the review falling due, the schedule
//! and its changes reaching every member, and calendar feeds checked by an
//! independent parser and calendar engine (Python's icalendar and
//! recurring-ical-events).

use rondo_protocol::command::Date;
use rondo_tests::{create_group, http, Member, Server};
use serde_json::{json, Value};
use std::net::SocketAddr;

struct Convener<'a> {
    addr: SocketAddr,
    group: &'a rondo_tests::Group,
}

impl Convener<'_> {
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let path = format!("/api/groups/{}{path}", self.group.group_id);
        let token = Some(self.group.convener_token.as_str());
        let (status, text) = http(self.addr, method, &path, token, body.as_ref()).await;
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn overview(&self) -> Value {
        let (status, view) = self.call("GET", "", None).await;
        assert_eq!(status, 200, "{view}");
        view
    }
}

#[tokio::test]
async fn the_agreement_is_enforced_by_the_server_and_acceptances_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &["Ana", "Bo", "Cy"]).await;
    let convener = Convener {
        addr: server.addr,
        group: &group,
    };
    let mut ana = Member::connect(server.addr, group.token("Ana"), None).await;
    ana.ok(json!({"type": "case.propose", "title": "CANARY-title", "question": "CANARY-q", "minutes": 20}))
        .await;
    // Bo has not accepted: he sees the agreement and the roster, nothing else.
    let mut bo = Member::connect_as_is(server.addr, group.token("Bo"), None).await;
    assert_eq!(bo.welcome["agreement_required"], true);
    assert_eq!(bo.welcome["queue"], json!([]));
    assert!(!bo.welcome.to_string().contains("CANARY"));
    let refused = bo.command(json!({"type": "hand.raise"})).await;
    assert_eq!(refused["code"], "agreement_required", "{refused}");
    let pinged = bo.command(json!({"type": "ping"})).await;
    assert_eq!(pinged["type"], "ack");
    // What the others do meanwhile does not reach him; a meeting's status does.
    ana.ok(json!({"type": "case.propose", "title": "CANARY-2", "question": "q", "minutes": 5}))
        .await;
    ana.ok(json!({"type": "meeting.open"})).await;
    bo.until("meeting.opened").await;
    assert!(
        !bo.events.iter().any(|e| e.to_string().contains("CANARY")),
        "{:?}",
        bo.events
    );
    // Once he accepts: his events, the ack, then a fresh welcome with everything.
    let version = bo.welcome["group"]["agreement"]["version"].clone();
    bo.ok(json!({"type": "agreement.accept", "version": version}))
        .await;
    let fresh = bo.until("welcome").await;
    assert_eq!(fresh["agreement_required"], false);
    assert_eq!(fresh["resumed"], false);
    assert_eq!(fresh["queue"].as_array().unwrap().len(), 2);
    // The convener sees who accepted which version, and when.
    let view = convener.overview().await;
    let accepted: Vec<&Value> = view["acceptances"].as_array().unwrap().iter().collect();
    assert_eq!(accepted.len(), 2, "{view}");
    let bo_entry = view["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "Bo")
        .unwrap();
    assert_eq!(bo_entry["agreement_version"], 1);
    assert!(bo_entry["accepted_at"].as_u64().unwrap() > 0);
    let cy_entry = view["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "Cy")
        .unwrap();
    assert_eq!(cy_entry["agreement_version"], Value::Null);

    // A version published during the meeting: asked at once, enforced at its end.
    let (status, _) = convener
        .call(
            "PUT",
            "/agreement",
            Some(json!({"text": "New rules", "review_on": "2027-06-01"})),
        )
        .await;
    assert_eq!(status, 204);
    let updated = ana.until("agreement.updated").await;
    assert_eq!(updated["agreement"]["version"], 2);
    assert_eq!(updated["agreement"]["in_force"], 1);
    ana.ok(json!({"type": "meeting.start"})).await;
    ana.ok(json!({"type": "meeting.end"})).await;
    // Now version 2 is in force: Ana is asked again.
    let fresh = ana.until("welcome").await;
    assert_eq!(fresh["agreement_required"], true);
    let refused = ana.command(json!({"type": "meeting.open"})).await;
    assert_eq!(refused["code"], "agreement_required");
    ana.ok(json!({"type": "agreement.accept", "version": 2}))
        .await;
    assert_eq!(ana.until("welcome").await["agreement_required"], false);
    // The history is append-only: both versions, both of Ana's acceptances.
    let view = convener.overview().await;
    let versions: Vec<u64> = view["agreements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["version"].as_u64().unwrap())
        .collect();
    assert_eq!(versions, [1, 2]);
    let ana_id = group.id("Ana");
    let anas: Vec<u64> = view["acceptances"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["member_id"] == ana_id)
        .map(|a| a["version"].as_u64().unwrap())
        .collect();
    assert_eq!(anas, [1, 2]);
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// How many groups the server has made, from its metrics.
async fn groups_made(addr: SocketAddr) -> String {
    let (_, metrics) = http(addr, "GET", "/metrics", None, None).await;
    metrics
        .lines()
        .find(|l| l.starts_with("rondo_groups "))
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn the_review_is_due_from_its_date_on() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    // A review date in the past is a slip: refused, with the field named,
    // and no group made (issue 20). Today itself is allowed, and due at once.
    let group_with = |review_on: &str| {
        json!({"name": "G", "members": [{"name": "A"}, {"name": "B"}],
               "agreement": {"text": "Rules", "review_on": review_on}, "language": "nl"})
    };
    let groups_before = groups_made(server.addr).await;
    for past in ["2020-01-01", "0001-01-01"] {
        let body = group_with(past);
        let (status, text) = http(server.addr, "POST", "/api/groups", None, Some(&body)).await;
        assert_eq!(status, 400, "{text}");
        assert!(text.contains("review_on"), "{text}");
    }
    assert_eq!(groups_made(server.addr).await, groups_before);
    let today = Date::of_epoch_ms(now_ms());
    let body = group_with(today.as_str());
    let (status, text) = http(server.addr, "POST", "/api/groups", None, Some(&body)).await;
    assert_eq!(status, 201, "{text}");
    let created: Value = serde_json::from_str(&text).unwrap();
    let convener_link = created["convener_link"].as_str().unwrap();
    let convener_token = created["convener_token"].as_str().unwrap();
    assert!(convener_link.ends_with(&format!("/#c={convener_token}")));
    let token = created["members"][0]["token"].as_str().unwrap();
    let member = Member::connect_as_is(server.addr, token, None).await;
    assert_eq!(member.welcome["group"]["agreement"]["review_due"], true);
    assert_eq!(member.welcome["group"]["language"], "nl");
    let group_id = created["group_id"].as_str().unwrap();
    let path = format!("/api/groups/{group_id}/agreement");
    for (review_on, field_said) in [("2020-01-01", "in the past"), ("2999-01-01", "years ahead")] {
        let body = json!({"text": "Slip", "review_on": review_on});
        let (status, text) =
            http(server.addr, "PUT", &path, Some(convener_token), Some(&body)).await;
        assert_eq!(status, 400, "{text}");
        assert!(
            text.contains("review_on") && text.contains(field_said),
            "{text}"
        );
    }
    let next_year = Date::of_epoch_ms(now_ms() + 366 * 86_400_000);
    let body = json!({"text": "Reviewed", "review_on": next_year.as_str()});
    let (status, _) = http(server.addr, "PUT", &path, Some(convener_token), Some(&body)).await;
    assert_eq!(status, 204);
    let path = format!("/api/groups/{group_id}");
    let (_, view) = http(server.addr, "GET", &path, Some(convener_token), None).await;
    let view: Value = serde_json::from_str(&view).unwrap();
    assert_eq!(view["agreement"]["review_due"], false);
    // Only the convener manages the group.
    let (status, _) = http(server.addr, "GET", &path, Some(token), None).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn the_schedule_and_its_changes_reach_every_member_and_bad_input_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &["Ana", "Bo"]).await;
    let convener = Convener {
        addr: server.addr,
        group: &group,
    };
    let mut ana = Member::connect(server.addr, group.token("Ana"), None).await;
    let mut bo = Member::connect(server.addr, group.token("Bo"), None).await;
    let schedule = json!({"rrule": "FREQ=MONTHLY;BYDAY=1TU", "start": "2030-01-01T18:00",
                          "time_zone": "Europe/Amsterdam", "duration_min": 90});
    let (status, body) = convener.call("PUT", "/schedule", Some(schedule)).await;
    assert_eq!(status, 204, "{body}");
    for member in [&mut ana, &mut bo] {
        let updated = member.until("schedule.updated").await;
        assert_eq!(updated["schedule"]["rrule"], "FREQ=MONTHLY;BYDAY=1TU");
        let next = updated["next_meetings"].as_array().unwrap();
        assert_eq!(next.len(), 3);
        assert_eq!(next[0]["date"], "2030-01-01");
        assert_eq!(next[0]["status"], "planned");
        // 18:00 in Amsterdam in winter is 17:00 UTC.
        assert_eq!(next[0]["start"], 1_893_517_200_000u64);
        assert_eq!(
            next[0]["end"].as_u64().unwrap() - next[0]["start"].as_u64().unwrap(),
            90 * 60_000
        );
    }
    let (status, _) = convener
        .call(
            "PUT",
            "/schedule/2030-02-05",
            Some(json!({"cancelled": true})),
        )
        .await;
    assert_eq!(status, 204);
    let updated = bo.until("schedule.updated").await;
    assert_eq!(updated["next_meetings"][1]["status"], "cancelled");
    let (status, _) = convener
        .call(
            "PUT",
            "/schedule/2030-03-05",
            Some(json!({"start": "2030-03-12T19:00"})),
        )
        .await;
    assert_eq!(status, 204);
    let updated = bo.until("schedule.updated").await;
    assert_eq!(updated["next_meetings"][2]["status"], "moved");
    let (status, _) = convener
        .call("PUT", "/schedule/2030-02-05", Some(json!({})))
        .await;
    assert_eq!(status, 204, "undo");
    assert_eq!(
        bo.until("schedule.updated").await["next_meetings"][1]["status"],
        "planned"
    );
    let before = convener.overview().await;
    // Bad input: a clear error naming the field, and nothing changes.
    let bad = [
        (
            "/schedule",
            json!({"rrule": "FREQ=SOMETIMES", "start": "2030-01-01T18:00", "time_zone": "Europe/Amsterdam", "duration_min": 90}),
            400,
            "rrule",
        ),
        // A nonsense rule with no start: the rule is named, not the start (issue 20).
        (
            "/schedule",
            json!({"rrule": "every first tuesday", "start": "", "time_zone": "Europe/Amsterdam", "duration_min": 90}),
            400,
            "rrule",
        ),
        (
            "/schedule",
            json!({"rrule": "FREQ=WEEKLY", "start": "2030-01-01T18:00", "time_zone": "Mars/Olympus", "duration_min": 90}),
            400,
            "time_zone",
        ),
        (
            "/schedule",
            json!({"rrule": "FREQ=WEEKLY", "start": "2030-03-31T02:30", "time_zone": "Europe/Amsterdam", "duration_min": 90}),
            400,
            "start",
        ),
        (
            "/schedule",
            json!({"rrule": "FREQ=WEEKLY", "start": "2030-10-27T02:30", "time_zone": "Europe/Amsterdam", "duration_min": 90}),
            400,
            "start",
        ),
        (
            "/schedule",
            json!({"rrule": "FREQ=WEEKLY", "start": "2030-13-01T18:00", "time_zone": "Europe/Amsterdam", "duration_min": 90}),
            400,
            "start",
        ),
        (
            "/schedule",
            json!({"rrule": "FREQ=WEEKLY", "start": "2030-01-01T18:00", "time_zone": "Europe/Amsterdam", "duration_min": 0}),
            400,
            "duration_min",
        ),
        (
            "/schedule/2030-02-06",
            json!({"cancelled": true}),
            404,
            "date",
        ),
        (
            "/schedule/2030-04-02",
            json!({"start": "2030-03-31T02:30"}),
            400,
            "start",
        ),
        ("/schedule/not-a-date", json!({}), 400, "date"),
    ];
    for (path, body, expected, field) in bad {
        let (status, error) = convener.call("PUT", path, Some(body.clone())).await;
        assert_eq!(status, expected, "{path} {body}: {error}");
        assert!(
            error["message"].as_str().unwrap().contains(field),
            "{path} {body}: {error}"
        );
    }
    assert_eq!(
        convener.overview().await["schedule"],
        before["schedule"],
        "nothing changed"
    );
}

/// Parses a calendar with Python's icalendar and expands it with
/// recurring-ical-events; returns what they read, as JSON. Before that, the
/// strict `ical` parser must accept it (it refuses, say, a second PRODID),
/// and no time zone definition may carry an event's UID or DTSTAMP
/// (RFC 5545 §3.6.5): strict clients refuse what lenient ones let pass.
fn python_reads(ics: &str, from: &str, to: &str) -> Value {
    let script = r#"
import json, sys, datetime, icalendar, recurring_ical_events
from ical.calendar_stream import IcsCalendarStream
text = sys.stdin.read()
IcsCalendarStream.calendar_from_ics(text)
calendar = icalendar.Calendar.from_ical(text)
for zone in calendar.walk("VTIMEZONE"):
    for part in [zone] + list(zone.subcomponents):
        for name in ("UID", "DTSTAMP"):
            assert name not in part, f"{part.name} carries {name}"
start, end = (datetime.date.fromisoformat(d) for d in sys.argv[1:3])
events = []
for e in recurring_ical_events.of(calendar, skip_bad_series=False).between(start, end):
    events.append({"uid": str(e.get("UID")), "start": e.decoded("DTSTART").isoformat(),
                   "status": str(e.get("STATUS", "")), "sequence": int(e.get("SEQUENCE", 0))})
zones = [str(c.get("TZID")) for c in calendar.walk("VTIMEZONE")]
print(json.dumps({"events": events, "zones": zones, "refresh": calendar["REFRESH-INTERVAL"].to_ical().decode()}))
"#;
    rondo_tests::python_json(
        script,
        &[from, to],
        ics,
        "Python's ical and icalendar (tests/run installs them) read the calendar",
    )
}

#[tokio::test]
async fn calendar_feeds_are_private_valid_and_carry_no_confidential_text() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &["Ana", "Bo", "Cy"]).await;
    let convener = Convener {
        addr: server.addr,
        group: &group,
    };
    let mut ana = Member::connect(server.addr, group.token("Ana"), None).await;
    ana.ok(json!({"type": "case.propose", "title": "CANARY-title", "question": "CANARY-q", "minutes": 20}))
        .await;
    // A schedule every other week from a week ahead, in a zone with daylight
    // saving; the dates are counted from today, so the feed's window holds them.
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    let day = |n: u64| {
        Date::of_epoch_ms(now_ms + n * 86_400_000)
            .as_str()
            .to_owned()
    };
    let schedule = json!({"rrule": "FREQ=WEEKLY;INTERVAL=2", "start": format!("{}T18:00", day(7)),
                          "time_zone": "Europe/Amsterdam", "duration_min": 90});
    assert_eq!(
        convener.call("PUT", "/schedule", Some(schedule)).await.0,
        204
    );
    let cancel = format!("/schedule/{}", day(21));
    assert_eq!(
        convener
            .call("PUT", &cancel, Some(json!({"cancelled": true})))
            .await
            .0,
        204
    );
    let feed_url = |body: String| -> String {
        let created: Value = serde_json::from_str(&body).unwrap();
        created["url"].as_str().unwrap().to_owned()
    };
    let (status, body) = http(
        server.addr,
        "POST",
        "/api/calendar",
        Some(group.token("Bo")),
        None,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let url = feed_url(body);
    let path = url
        .split_once(&server.addr.to_string())
        .unwrap()
        .1
        .to_owned();
    let (status, ics) = http(server.addr, "GET", &path, None, None).await;
    assert_eq!(status, 200, "{ics}");
    // Nothing of a case, no member, no token.
    for secret in [
        "CANARY",
        "Ana",
        "Bo",
        "Cy",
        group.token("Bo"),
        group.token("Ana"),
        &group.convener_token,
    ] {
        assert!(!ics.contains(secret), "the feed carries {secret}");
    }
    let token = path
        .trim_start_matches("/api/calendar/")
        .trim_end_matches(".ics");
    assert!(!ics.contains(token), "the feed carries its own token");
    assert!(ics.contains("SUMMARY:Test group"));
    let window = (day(0), day(120));
    let read = python_reads(&ics, &window.0, &window.1);
    assert_eq!(read["zones"], json!(["Europe/Amsterdam"]));
    assert_eq!(read["refresh"], "PT6H");
    let events = read["events"].as_array().unwrap();
    assert!(events.len() >= 7, "{read}");
    // 18:00 in Amsterdam, whatever the season.
    assert!(
        events
            .iter()
            .all(|e| e["start"].as_str().unwrap().contains("T18:00:00+0")),
        "{read}"
    );
    let cancelled: Vec<&Value> = events
        .iter()
        .filter(|e| e["status"] == "CANCELLED")
        .collect();
    assert_eq!(cancelled.len(), 1);
    assert!(cancelled[0]["uid"].as_str().unwrap().contains(&day(21)));
    // UIDs stay; SEQUENCE goes up with a change.
    let sequence = events[0]["sequence"].as_u64().unwrap();
    let moved = format!("/schedule/{}", day(35));
    let moved_to = json!({"start": format!("{}T19:00", day(36))});
    assert_eq!(convener.call("PUT", &moved, Some(moved_to)).await.0, 204);
    let (_, again) = http(server.addr, "GET", &path, None, None).await;
    let again = python_reads(&again, &window.0, &window.1);
    let uids = |read: &Value| -> Vec<String> {
        read["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["uid"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(uids(&read), uids(&again));
    assert!(again["events"][0]["sequence"].as_u64().unwrap() > sequence);
    let moved_start = format!("{}T19:00", day(36));
    assert!(again["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["start"].as_str().unwrap().starts_with(&moved_start)));
    // The series, imported once: the engine expands RRULE, EXDATE and RDATE.
    let series_path = format!("/api/groups/{}/schedule.ics", group.group_id);
    let (status, series) = http(
        server.addr,
        "GET",
        &series_path,
        Some(group.token("Ana")),
        None,
    )
    .await;
    assert_eq!(status, 200, "{series}");
    let read = python_reads(&series, &day(0), &day(50));
    let starts: Vec<String> = read["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["start"].as_str().unwrap()[..16].to_owned())
        .collect();
    assert_eq!(
        starts,
        [
            format!("{}T18:00", day(7)),
            format!("{}T19:00", day(36)),
            format!("{}T18:00", day(49))
        ],
        "the cancelled and the moved meeting are left out, the moved one added at its new time"
    );
    // A new feed replaces the old one; a new link or a removal ends it.
    let (_, body) = http(
        server.addr,
        "POST",
        "/api/calendar",
        Some(group.token("Bo")),
        None,
    )
    .await;
    let second = feed_url(body);
    let second_path = second
        .split_once(&server.addr.to_string())
        .unwrap()
        .1
        .to_owned();
    assert_eq!(
        http(server.addr, "GET", &path, None, None).await.0,
        404,
        "the old feed stopped"
    );
    assert_eq!(
        http(server.addr, "GET", &second_path, None, None).await.0,
        200
    );
    let reissue = format!(
        "/api/groups/{}/members/{}/token",
        group.group_id,
        group.id("Bo")
    );
    let convener_token = Some(group.convener_token.as_str());
    assert_eq!(
        http(server.addr, "POST", &reissue, convener_token, None)
            .await
            .0,
        200
    );
    assert_eq!(
        http(server.addr, "GET", &second_path, None, None).await.0,
        404,
        "a new link ends the feed"
    );
    let (_, body) = http(
        server.addr,
        "POST",
        "/api/calendar",
        Some(group.token("Cy")),
        None,
    )
    .await;
    let cy_path = feed_url(body)
        .split_once(&server.addr.to_string())
        .unwrap()
        .1
        .to_owned();
    let remove = format!("/api/groups/{}/members/{}", group.group_id, group.id("Cy"));
    assert_eq!(
        http(server.addr, "DELETE", &remove, convener_token, None)
            .await
            .0,
        204
    );
    assert_eq!(
        http(server.addr, "GET", &cy_path, None, None).await.0,
        404,
        "a removed member's feed ends"
    );
}
