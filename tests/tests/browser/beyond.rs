//! Beyond the video call, in a real browser: the room display following a
//! whole SGS case, a guest's page, briefs unseen until shared, the page
//! installed as an app (manifest, service worker, the offline shell), a
//! hidden tab's notification, the record printed, and the member's log
//! printed alone in the group's language.

use super::*;
use rondo_tests::Member;
use std::process::Command;

const NOTE_CANARY: &str = "NOTE-CANARY-private";
const RECORD_CANARY: &str = "RECORD-CANARY-minutes";
const BRIEF_CANARY: &str = "BRIEF-CANARY-night-shift";

async fn post(server: &Server, path: &str, token: &str, body: Value) -> Value {
    let (status, text) =
        rondo_tests::http(server.addr, "POST", path, Some(token), Some(&body)).await;
    assert!(status == 200 || status == 201, "{path}: {status} {text}");
    serde_json::from_str(&text).unwrap()
}

async fn page_text(page: &Client) -> String {
    page.source().await.unwrap_or_default()
}

#[tokio::test]
async fn a_room_display_follows_a_whole_sgs_case_from_across_the_room() {
    let Some(driver) = chromedriver() else {
        eprintln!("browser test skipped: chromedriver is not installed");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &["Ana", "Bo", "Cy"]).await;
    let path = format!("/api/groups/{}/display", group.group_id);
    let shown = post(&server, &path, &group.convener_token, json!({})).await;
    let screen = browser(&driver, &dir.path().join("profile-screen")).await;
    screen.goto(shown["link"].as_str().unwrap()).await.unwrap();
    wait_text(&screen, "#display-phase", "No meeting open").await;
    assert!(!screen.current_url().await.unwrap().as_str().contains("#d="));
    axe_clean(&screen, "the room display between meetings").await;

    let mut ana = Member::connect(server.addr, group.token("Ana"), None).await;
    let mut bo = Member::connect(server.addr, group.token("Bo"), None).await;
    let mut cy = Member::connect(server.addr, group.token("Cy"), None).await;
    ana.ok(json!({"type": "meeting.open"})).await;
    ana.ok(json!({"type": "meeting.start"})).await;
    bo.ok(
        json!({"type": "case.propose", "title": "TITLE-CANARY", "question": "Q", "minutes": 20,
                 "brief": BRIEF_CANARY}),
    )
    .await;
    let case = bo.until("case.proposed").await["case"]["case_id"].clone();
    ana.ok(json!({"type": "case.start", "case_id": case, "template": "sgs"}))
        .await;
    let phases = ana.until("case.started").await["phases"].clone();
    cy.ok(json!({"type": "note.save", "visibility": "private", "text": NOTE_CANARY}))
        .await;
    ana.ok(json!({"type": "record.add", "kind": "decision", "text": RECORD_CANARY}))
        .await;
    wait_text(&screen, "#display-phase", "Request for help").await;
    wait_text(&screen, "#display-speaker", "Bo").await;
    wait_text(&screen, "#display-case", "Presenter: Bo").await;
    axe_clean(&screen, "the room display during a case").await;
    // Every phase of the case reaches the screen with no one touching it.
    for (index, phase) in phases.as_array().unwrap().iter().enumerate().skip(1) {
        ana.ok(json!({"type": "phase.next"})).await;
        let name = phase["name"].as_str().unwrap().replace('_', " ");
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let shown = text_of(&screen, "#display-phase").await.to_lowercase();
            if shown.contains(&name) {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "phase {index} {name:?}: the screen shows {shown:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        if name == "feedback" {
            wait_text(&screen, "#display-next", "").await;
            screenshot(&screen, "room-display", 1280, 720).await;
        }
    }
    ana.ok(json!({"type": "phase.next"})).await;
    wait_text(&screen, "#display-phase", "Between cases").await;
    let source = page_text(&screen).await;
    for canary in [NOTE_CANARY, RECORD_CANARY, BRIEF_CANARY, "TITLE-CANARY"] {
        assert!(
            !source.contains(canary),
            "{canary} reached the room display"
        );
    }
    let (status, _) = rondo_tests::http(
        server.addr,
        "DELETE",
        &path,
        Some(&group.convener_token),
        None,
    )
    .await;
    assert_eq!(status, 204);
    wait_text(&screen, "#display-status", "retired").await;
}

#[tokio::test]
async fn a_guest_joins_from_their_link_takes_a_turn_and_the_link_dies_after_the_meeting() {
    let Some(driver) = chromedriver() else {
        eprintln!("browser test skipped: chromedriver is not installed");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &["Ana", "Bo", "Cy"]).await;
    let mut ana = Member::connect(server.addr, group.token("Ana"), None).await;
    // An earlier meeting's action: never the guest's to see.
    ana.ok(json!({"type": "meeting.open"})).await;
    ana.ok(json!({"type": "meeting.start"})).await;
    ana.ok(json!({"type": "record.add", "kind": "action", "text": RECORD_CANARY}))
        .await;
    ana.ok(json!({"type": "meeting.end"})).await;
    let guests = format!("/api/groups/{}/guests", group.group_id);
    let invited = post(
        &server,
        &guests,
        &group.convener_token,
        json!({"name": "Gia"}),
    )
    .await;
    let guest = browser(&driver, &dir.path().join("profile-guest")).await;
    guest.goto(invited["link"].as_str().unwrap()).await.unwrap();
    click(&guest, "Accept agreement").await;
    wait_text(&guest, "#roster", "Gia — here, guest").await;
    ana.ok(json!({"type": "meeting.open", "facilitator": group.id("Ana")}))
        .await;
    ana.ok(json!({"type": "meeting.start"})).await;
    ana.ok(json!({"type": "round.start", "turn_s": 60, "label": "check-in"}))
        .await;
    ana.ok(json!({"type": "turn.done"})).await;
    wait_text(&guest, "#speaker", "It is your turn").await;
    axe_clean(&guest, "a guest's page").await;
    click(&guest, "Done").await;
    ana.until("turn.ended").await;
    assert!(!page_text(&guest).await.contains(RECORD_CANARY));
    ana.ok(json!({"type": "meeting.end"})).await;
    wait_text(&guest, "#connection", "This link no longer works").await;
}

#[tokio::test]
async fn a_brief_stays_the_presenters_until_shared_from_the_queue() {
    let Some(driver) = chromedriver() else {
        eprintln!("browser test skipped: chromedriver is not installed");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &["Ana", "Bo", "Cy"]).await;
    let pages = members_pages(&driver, dir.path(), &server, &group, "en-GB").await;
    let (ana, bo) = (&pages[0], &pages[1]);
    click(ana, "Accept agreement").await;
    click(bo, "Accept agreement").await;
    fill(bo, "#propose-title", "A team that stopped talking").await;
    fill(bo, "#propose-question", "Where do I start?").await;
    fill(bo, "#propose-brief", BRIEF_CANARY).await;
    click(bo, "Propose case").await;
    wait_text(ana, "#queue", "A team that stopped talking").await;
    wait_text(bo, "#queue", "Your brief (only you see it)").await;
    assert!(
        !page_text(ana).await.contains(BRIEF_CANARY),
        "an unshared brief reached Ana"
    );
    axe_clean(bo, "the queue with a brief").await;
    click(bo, "Share the brief").await;
    wait_text(ana, "#queue", "Brief (shared)").await;
    assert!(page_text(ana).await.contains(BRIEF_CANARY));
}

/// A browser that has allowed notifications, as a member who turned alerts
/// on has.
async fn browser_allowing_notifications(driver: &Driver, profile: &Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "args": ["--lang=en-GB", "--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1280,1000", "--no-first-run",
                     format!("--user-data-dir={}", profile.display())],
            "binary": "/usr/bin/chromium",
            "prefs": {"intl.accept_languages": "en-GB",
                      "profile.default_content_setting_values.notifications": 1},
        }),
    );
    ClientBuilder::native()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a browser session")
}

#[tokio::test]
async fn the_page_installs_notifies_a_hidden_tab_prints_cleanly_and_opens_offline() {
    let Some(driver) = chromedriver() else {
        eprintln!("browser test skipped: chromedriver is not installed");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &["Ana", "Bo", "Cy"]).await;
    let page = browser_allowing_notifications(&driver, &dir.path().join("profile-ana")).await;
    page.goto(&format!("http://{}/#t={}", server.addr, group.token("Ana")))
        .await
        .unwrap();
    click(&page, "Accept agreement").await;
    wait_text(&page, "#connection", "Connected").await;

    // Installable: a manifest with a name, a start URL, standalone display
    // and 192 and 512 px icons, and a service worker that controls the page.
    let check = r#"const done = arguments[0];
      (async () => {
        const manifest = await (await fetch(document.querySelector('link[rel=manifest]').href)).json();
        const icons = [];
        for (const icon of manifest.icons) {
          const r = await fetch(icon.src);
          icons.push({sizes: icon.sizes, type: r.headers.get('content-type'), ok: r.ok});
        }
        const registration = await navigator.serviceWorker.ready;
        const worker = registration.active;
        if (worker.state !== 'activated') {
          await new Promise((resolve) => worker.addEventListener('statechange', () => { if (worker.state === 'activated') resolve(); }));
        }
        return {manifest, icons, active: worker.state};
      })().then(done, (e) => done({error: String(e)}));"#;
    let installed = page.execute_async(check, vec![]).await.unwrap();
    assert_eq!(
        installed["manifest"]["display"], "standalone",
        "{installed}"
    );
    assert_eq!(installed["manifest"]["start_url"], "/");
    assert_eq!(installed["active"], "activated", "{installed}");
    for size in ["192x192", "512x512"] {
        assert!(
            installed["icons"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["sizes"] == size && i["type"] == "image/png" && i["ok"] == true),
            "{size}: {installed}"
        );
    }
    page.refresh().await.unwrap();
    wait_text(&page, "#connection", "Connected").await;
    let controlled = page
        .execute("return Boolean(navigator.serviceWorker.controller)", vec![])
        .await
        .unwrap();
    assert_eq!(
        controlled,
        json!(true),
        "the service worker controls the page"
    );

    // Alerts on; the tab hidden behind another; Ana's turn comes.
    page.execute("const box = document.getElementById('alert-on'); box.checked = true; box.dispatchEvent(new Event('change')); localStorage.setItem('rondo.alert', 'on');", vec![])
        .await
        .unwrap();
    let mine = page.window().await.unwrap();
    let other = page.new_window(true).await.unwrap();
    page.switch_to_window(other.handle).await.unwrap();
    // A page of the same origin that is not the app: from it the service
    // worker's notifications can be listed while the app's tab stays hidden.
    page.goto(&format!("http://{}/icon.svg", server.addr))
        .await
        .unwrap();
    let mut bo = Member::connect(server.addr, group.token("Bo"), None).await;
    bo.ok(json!({"type": "meeting.open", "facilitator": group.id("Bo")}))
        .await;
    bo.ok(json!({"type": "meeting.start"})).await;
    bo.ok(json!({"type": "round.start", "turn_s": 60})).await;
    let mut started = bo.until("turn.started").await;
    while started["member"] != group.id("Ana") {
        bo.ok(json!({"type": "turn.done"})).await;
        started = bo.until("turn.started").await;
    }
    // The app's tab hears of the turn in its own time: wait for its
    // notification (it replaces the meeting's start, which came first)
    // before the tab is shown again, which would make it needless.
    let listed = "const done = arguments[0]; navigator.serviceWorker.ready.then(r => r.getNotifications()).then(n => done(n.map(x => x.title)), e => done([String(e)]));";
    let deadline = tokio::time::Instant::now() + WAIT;
    let shown = loop {
        let shown = page.execute_async(listed, vec![]).await.unwrap();
        if shown == json!(["Your turn in Rondo"]) || tokio::time::Instant::now() > deadline {
            break shown;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(
        shown,
        json!(["Your turn in Rondo"]),
        "a notification for the hidden tab"
    );
    page.switch_to_window(mine).await.unwrap();

    // Printed: the record, without the controls.
    bo.ok(json!({"type": "record.add", "kind": "decision", "text": "We meet in the library from March"}))
        .await;
    wait_text(&page, "#record", "We meet in the library").await;
    let pdf = page
        .print(fantoccini::wd::PrintConfiguration::default())
        .await
        .unwrap();
    let text = printed_text(&pdf, dir.path(), "printed-record");
    assert!(text.contains("We meet in the library from March"), "{text}");
    for control in [
        "Raise hand",
        "Propose case",
        "Add to record",
        "Subscribe in my calendar",
        "Print",
    ] {
        assert!(!text.contains(control), "{control:?} was printed: {text}");
    }
    // Offline: the server gone, the page still opens from the kept shell
    // and says it is offline.
    server.kill();
    page.refresh().await.unwrap();
    wait_text(&page, "#connection", "Offline").await;
}

#[tokio::test]
async fn the_facilitator_shows_a_room_screen_invites_a_guest_and_is_asked_before_unsaved_text_is_lost(
) {
    let Some(driver) = chromedriver() else {
        eprintln!("browser test skipped: chromedriver is not installed");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &["Ana", "Bo", "Cy"]).await;
    let ana = browser(&driver, &dir.path().join("profile-ana")).await;
    ana.goto(&format!("http://{}/#t={}", server.addr, group.token("Ana")))
        .await
        .unwrap();
    click(&ana, "Accept agreement").await;
    click(&ana, "Open meeting").await;
    click(&ana, "Start meeting").await;
    ana.execute(
        "document.getElementById('facilitator-controls').open = true",
        vec![],
    )
    .await
    .unwrap();
    click(&ana, "Show on a room screen").await;
    wait_text(
        &ana,
        "#room-controls-slot",
        "Open this link on the room's screen",
    )
    .await;
    let link = ana
        .execute(
            "return document.querySelector('#room-controls-slot input[readonly]').value",
            vec![],
        )
        .await
        .unwrap();
    assert!(link.as_str().unwrap().contains("/#d="), "{link}");
    fill(
        &ana,
        "#room-controls-slot input:not([readonly]):not([type=checkbox])",
        "Gia",
    )
    .await;
    click(&ana, "Invite a guest for this meeting").await;
    wait_text(
        &ana,
        "#room-controls-slot",
        "Gia is invited for one meeting",
    )
    .await;
    wait_text(&ana, "#roster", "Gia — away, guest").await;
    // Checked from the page's top, where the controls are not under the
    // sticky bar a click scrolled them beneath.
    ana.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
    axe_clean(&ana, "the facilitator's room screen and guest controls").await;

    // Record text typed but not added: ending the meeting asks first, and
    // saying no keeps the meeting open.
    fill(&ana, "#record-text", "Half a sentence for the record").await;
    click(&ana, "End meeting").await;
    let asked = ana.get_alert_text().await.unwrap();
    assert!(asked.contains("not saved yet"), "{asked}");
    ana.dismiss_alert().await.unwrap();
    wait_text(&ana, "#meeting-status", "Meeting running").await;
}

/// The PDF the browser printed, as `pdftotext` reads it; with
/// `RONDO_SCREENSHOTS`, its first page kept as `docs/<name>.png`.
fn printed_text(pdf: &[u8], dir: &Path, name: &str) -> String {
    let pdf_path = dir.join(format!("{name}.pdf"));
    std::fs::write(&pdf_path, pdf).unwrap();
    let text = Command::new("pdftotext")
        .args([pdf_path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils)");
    if std::env::var("RONDO_SCREENSHOTS").is_ok() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs");
        let status = Command::new("pdftoppm")
            .args(["-png", "-r", "60", "-singlefile"])
            .arg(&pdf_path)
            .arg(docs.join(name))
            .status()
            .expect("pdftoppm");
        assert!(status.success());
    }
    String::from_utf8_lossy(&text.stdout).to_string()
}

#[tokio::test]
async fn the_members_log_prints_alone_in_the_groups_language() {
    let Some(driver) = chromedriver() else {
        eprintln!("browser test skipped: chromedriver is not installed");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &["Ana", "Bo", "Cy"]).await;
    let (status, _) = rondo_tests::http(
        server.addr,
        "PUT",
        &format!("/api/groups/{}/language", group.group_id),
        Some(&group.convener_token),
        Some(&json!({"language": "de"})),
    )
    .await;
    assert!(status == 200 || status == 204, "{status}");
    // Bo reads the page in English; the group keeps its file in German.
    let bo = browser(&driver, &dir.path().join("profile-bo")).await;
    bo.goto(&format!("http://{}/#t={}", server.addr, group.token("Bo")))
        .await
        .unwrap();
    click(&bo, "Accept agreement").await;
    wait_text(&bo, "#connection", "Connected").await;
    let mut ana = Member::connect(server.addr, group.token("Ana"), None).await;
    ana.ok(json!({"type": "meeting.open", "facilitator": group.id("Ana")}))
        .await;
    ana.ok(json!({"type": "meeting.start"})).await;
    ana.ok(json!({"type": "record.add", "kind": "decision", "text": RECORD_CANARY}))
        .await;
    wait_text(&bo, "#record", RECORD_CANARY).await;
    ana.ok(json!({"type": "meeting.end"})).await;
    wait_text(&bo, "#summary-body", "Attendance").await;
    click_starting(&bo, "Confirm my attendance").await;
    click(&bo, "Show").await;
    wait_text(&bo, "#log-status", "One meeting").await;

    // The browser's print dialog is the one part replaced: headless Chromium
    // keeps a print job open for window.print(), and then refuses WebDriver's
    // own print, which lays the page out for paper as the dialog would.
    bo.execute(
        "window.printed = 0; window.print = () => { window.printed += 1; };",
        vec![],
    )
    .await
    .unwrap();
    click(&bo, "Print my log").await;
    wait_text(&bo, "#log-status", "Ein Treffen").await;
    let printed = bo.execute("return window.printed", vec![]).await.unwrap();
    assert_eq!(
        printed,
        json!(1),
        "the page asked the browser to print once"
    );
    let pdf = bo
        .print(fantoccini::wd::PrintConfiguration::default())
        .await
        .unwrap();
    let text = printed_text(&pdf, dir.path(), "printed-log");
    for printed in [
        "Nachweis der Kollegialen Beratung von Bo, Test group",
        "Datum",
        "Beginn–Ende",
        "Mitglied",
        "Ein Treffen",
        "Monate",
    ] {
        assert!(text.contains(printed), "{printed:?} not printed: {text}");
    }
    // The log alone: no control, nothing else of the page, no English.
    for absent in [
        "Anzeigen",
        "CSV herunterladen",
        "Meinen Nachweis drucken",
        "Drucken",
        "Frühere Treffen",
        "Protokoll",
        "Mitglieder",
        "Fälle",
        RECORD_CANARY,
        "My supervision log",
        "Date",
    ] {
        assert!(!text.contains(absent), "{absent:?} was printed: {text}");
    }
    // Once the paper is done, the page is Bo's again, in English.
    bo.execute("window.dispatchEvent(new Event('afterprint'))", vec![])
        .await
        .unwrap();
    wait_text(&bo, "#log-status", "One meeting").await;
    let lang = bo
        .execute("return document.documentElement.lang", vec![])
        .await
        .unwrap();
    assert_eq!(lang, json!("en"));
    close(bo).await;
}
