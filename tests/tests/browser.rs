//! The web client in a real browser: Debian's Chromium driven over WebDriver.
//! Where chromedriver is not installed, these tests say so and pass without running.

use fantoccini::{Client, ClientBuilder, Locator};
use rondo_tests::{create_group, Server};
use serde_json::{json, Value};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(15);

struct Driver {
    child: Child,
    port: u16,
}

/// chromedriver runs in a process group of its own, so that dropping it also
/// ends the browsers it started, even when a test fails halfway.
impl Drop for Driver {
    fn drop(&mut self) {
        // SAFETY: killpg only sends a signal; the group is the one
        // chromedriver leads (process_group(0) at spawn).
        unsafe {
            libc::killpg(self.child.id() as libc::pid_t, libc::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

/// Whether the browser tests must run: under `tests/run` (which installs
/// what they need) and in CI, a missing browser is a failure, not a skip.
fn browser_required() -> bool {
    std::env::var_os("RONDO_REQUIRE_BROWSER").is_some() || std::env::var_os("CI").is_some()
}

/// chromedriver, started on a free port; `None` where it is not installed.
fn chromedriver() -> Option<Driver> {
    let binary = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    assert!(
        binary.is_some() || !browser_required(),
        "the browser tests must run: chromedriver is missing"
    );
    let binary = binary?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let child = Command::new(binary)
        .arg(format!("--port={port}"))
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some(Driver { child, port });
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

async fn browser(driver: &Driver, profile: &Path) -> Client {
    let args = vec![
        "--headless=new".to_owned(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--window-size=1280,1000".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--no-first-run".into(),
        "--disable-sync".into(),
        "--disable-quic".into(),
        format!("--user-data-dir={}", profile.display()),
    ];
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({"args": args, "binary": "/usr/bin/chromium"}),
    );
    ClientBuilder::native()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a browser session")
}

fn button(name: &str) -> String {
    format!("//button[normalize-space(.)='{name}']")
}

/// Clicks the button with this accessible name once it is shown and enabled.
async fn click(page: &Client, name: &str) {
    let xpath = button(name);
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Ok(element) = page.find(Locator::XPath(&xpath)).await {
            if element.is_displayed().await.unwrap_or(false)
                && element.is_enabled().await.unwrap_or(false)
            {
                element.click().await.expect("click");
                return;
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no enabled button {name:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn text_of(page: &Client, css: &str) -> String {
    match page.find(Locator::Css(css)).await {
        Ok(element) => element.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Waits until the element's text contains `expected`.
async fn wait_text(page: &Client, css: &str, expected: &str) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let text = text_of(page, css).await;
        if text.contains(expected) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{css} never showed {expected:?}; it shows {text:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn fill(page: &Client, css: &str, text: &str) {
    let element = page.find(Locator::Css(css)).await.expect(css);
    element.clear().await.expect("clear");
    element.send_keys(text).await.expect("type");
}

/// Every page shows the same current phase.
async fn expect_phase(pages: &[&Client], phase: &str) {
    for page in pages {
        wait_text(page, "#stepper li.current", phase).await;
    }
}

async fn axe_violations(page: &Client) -> Vec<Value> {
    let axe = std::fs::read_to_string(axe_path()).expect("axe-core is installed");
    page.execute(&axe, vec![]).await.expect("inject axe");
    let result = page
        .execute_async(
            "const done = arguments[0]; axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa', 'best-practice']}).then(r => done(r.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' '))}))));",
            vec![],
        )
        .await
        .expect("axe runs");
    result.as_array().cloned().unwrap_or_default()
}

fn axe_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/axe-core/axe.min.js")
}

async fn screenshot(page: &Client, name: &str, width: u32, height: u32) {
    if std::env::var("RONDO_SCREENSHOTS").is_err() {
        return;
    }
    page.set_window_size(width, height).await.expect("resize");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let png = page.screenshot().await.expect("screenshot");
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join(format!("{name}.png")), png).unwrap();
    page.set_window_size(1280, 1000).await.expect("resize back");
}

#[tokio::test]
async fn three_members_run_an_sgs_case_from_the_pages() {
    let Some(driver) = chromedriver() else {
        eprintln!("browser test skipped: chromedriver is not installed (apt-get install chromium chromium-driver)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &["Ana", "Bo", "Cy"]).await;
    let mut pages = Vec::new();
    for name in ["Ana", "Bo", "Cy"] {
        let page = browser(&driver, &dir.path().join(format!("profile-{name}"))).await;
        page.goto(&format!("http://{}/#t={}", server.addr, group.token(name)))
            .await
            .unwrap();
        pages.push(page);
    }
    let (ana, bo, cy) = (&pages[0], &pages[1], &pages[2]);
    // The token leaves the address bar.
    wait_text(ana, "#connection", "Connected").await;
    assert!(!ana.current_url().await.unwrap().as_str().contains("#t="));
    let check_axe = axe_path().exists();
    assert!(
        check_axe || !browser_required(),
        "the accessibility check must run: axe-core is missing"
    );
    if check_axe {
        assert_eq!(axe_violations(ana).await, Vec::<Value>::new(), "join view");
    } else {
        eprintln!("accessibility check skipped: npm install --prefix tests axe-core");
    }
    for page in &pages {
        click(page, "Accept agreement").await;
    }
    wait_text(cy, "#roster", "Ana — here, accepted the agreement").await;
    click(ana, "Open meeting").await;
    click(ana, "Start meeting").await;
    fill(bo, "#propose-title", "A family that stopped answering").await;
    fill(bo, "#propose-question", "How do I reopen contact?").await;
    click(bo, "Propose case").await;
    wait_text(ana, "#queue", "A family that stopped answering").await;
    if check_axe {
        assert_eq!(axe_violations(ana).await, Vec::<Value>::new(), "lobby view");
    }
    screenshot(ana, "lobby-desktop", 1280, 1000).await;
    screenshot(ana, "lobby-phone", 360, 800).await;
    click(ana, "Start case").await;
    expect_phase(&[ana, bo, cy], "request for help").await;
    wait_text(cy, "#speaker", "Bo is speaking").await;
    click(bo, "Done").await;
    for phase in ["questions", "feedback"] {
        expect_phase(&[ana, bo, cy], phase).await;
        wait_text(cy, "#speaker", "It is your turn").await;
        wait_text(ana, "#next-notice", "You're next").await;
        if phase == "feedback" {
            wait_text(bo, "#silent-notice", "listen without replying").await;
            if check_axe {
                assert_eq!(axe_violations(cy).await, Vec::<Value>::new(), "case view");
            }
            screenshot(cy, "feedback-desktop", 1280, 1000).await;
            screenshot(cy, "feedback-phone", 360, 800).await;
        }
        click(cy, "Done").await;
        wait_text(ana, "#speaker", "It is your turn").await;
        click(ana, "Done").await;
    }
    expect_phase(&[ana, bo, cy], "pause").await;
    // A private note reaches no other page.
    fill(cy, "#note-text", "CANARY-browser-note").await;
    wait_text(cy, "#notes", "CANARY-browser-note").await;
    for page in [ana, bo] {
        let html = page.source().await.unwrap();
        assert!(
            !html.contains("CANARY-browser-note"),
            "a private note showed on another page"
        );
    }
    click(ana, "Next phase").await;
    expect_phase(&[ana, bo, cy], "response").await;
    click(bo, "Done").await;
    expect_phase(&[ana, bo, cy], "discussion").await;
    click(cy, "Raise hand").await;
    wait_text(ana, "#hands", "Cy").await;
    click(ana, "Give floor").await;
    wait_text(cy, "#speaker", "It is your turn").await;
    fill(ana, "#record-text", "Bo calls the school").await;
    click(ana, "Add to record").await;
    for page in &pages {
        wait_text(page, "#record", "Bo calls the school").await;
    }
    click(cy, "Done").await;
    click(ana, "Next phase").await;
    for page in &pages {
        wait_text(page, "#meeting-status", "Meeting running").await;
    }
    let html = ana.source().await.unwrap();
    assert!(!html.contains("CANARY-browser-note"));
    for page in pages {
        page.close().await.unwrap();
    }
}

#[tokio::test]
async fn the_facilitators_page_comes_back_after_a_server_restart() {
    let Some(driver) = chromedriver() else {
        eprintln!("browser test skipped: chromedriver is not installed");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let addr = server.addr.to_string();
    let group = create_group(server.addr, &["Ana", "Bo"]).await;
    let ana = browser(&driver, &dir.path().join("profile-ana")).await;
    ana.goto(&format!("http://{addr}/#t={}", group.token("Ana")))
        .await
        .unwrap();
    click(&ana, "Accept agreement").await;
    click(&ana, "Open meeting").await;
    click(&ana, "Start meeting").await;
    fill(&ana, "#propose-title", "Night shift").await;
    click(&ana, "Propose case").await;
    wait_text(&ana, "#queue", "Night shift").await;
    let template = ana.find(Locator::Css("#template-select")).await.unwrap();
    template.select_by_label("Open discussion").await.unwrap();
    click(&ana, "Start case").await;
    wait_text(&ana, "#stepper li.current", "open").await;
    server.kill();
    wait_text(&ana, "#connection", "Offline").await;
    let _server = Server::start_on(dir.path(), &addr, &[]);
    wait_text(&ana, "#connection", "Connected").await;
    wait_text(&ana, "#stepper li.current", "open").await;
    wait_text(&ana, "#meeting-status", "presented by Ana").await;
    // And it still works: the facilitator moves on.
    click(&ana, "Next phase").await;
    wait_text(&ana, "#meeting-status", "Meeting running").await;
    ana.close().await.unwrap();
}
