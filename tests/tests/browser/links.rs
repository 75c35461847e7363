//! One browser, several links (issue 20): a person who is a member of two
//! groups and the convener of one keeps every link, per group and role; a
//! bookmark of the page offers them all, each tab stays on its own group,
//! and a link closed for good is forgotten for its group alone.

use super::*;

/// A group with a name of its own (`create_group` names every group alike).
async fn named_group(server: &Server, name: &str, members: &[&str]) -> Value {
    let members: Vec<Value> = members.iter().map(|n| json!({"name": n})).collect();
    let body = json!({"name": name, "members": members});
    let (status, text) = http(server.addr, "POST", "/api/groups", None, Some(&body)).await;
    assert_eq!(status, 201, "{text}");
    serde_json::from_str(&text).unwrap()
}

fn member<'a>(group: &'a Value, name: &str) -> &'a Value {
    group["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .expect("a member")
}

/// Waits until the page shows this group, as a member's page or as the console.
async fn wait_opened(page: &Client, group: &str, convener: bool) {
    wait_text(page, "#group-name", group).await;
    let script = "const shown = (id) => !document.getElementById(id).hidden; \
                  return shown('console-view') ? 'convener' \
                  : shown('agreement-view') || shown('meeting-view') ? 'member' : 'neither';";
    let expected = if convener { "convener" } else { "member" };
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let role = page.execute(script, vec![]).await.unwrap();
        if role == json!(expected) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{group} never opened as {expected}: {role}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The group this tab routes its connections to.
async fn tab_group(page: &Client) -> Value {
    let script = "return JSON.parse(sessionStorage.getItem('rondo.tab') || '{}').group_id || null";
    page.execute(script, vec![]).await.unwrap()
}

/// The chooser's entries, as the buttons say them.
async fn chooser_entries(page: &Client) -> Vec<String> {
    wait_text(page, "#chooser-title", "Your groups").await;
    let script =
        "return [...document.querySelectorAll('#chooser-list button')].map((b) => b.textContent)";
    let entries = page.execute(script, vec![]).await.unwrap();
    serde_json::from_value(entries).unwrap()
}

/// A new tab of the same browser, showing `url`.
async fn new_tab(page: &Client, url: &str) -> fantoccini::wd::WindowHandle {
    let tab = page.new_window(true).await.unwrap().handle;
    page.switch_to_window(tab.clone()).await.unwrap();
    page.goto(url).await.unwrap();
    tab
}

/// A server with the Monday group, and Ana's browser.
struct Start {
    // Bound in this order, as a test's own variables would be: dropped in
    // reverse, the server stops before its files go, and the browser before
    // its driver.
    _driver: Driver,
    _dir: tempfile::TempDir,
    server: Server,
    page: Client,
    base: String,
    monday: Value,
}

async fn start() -> Option<Start> {
    let Some(driver) = chromedriver() else {
        eprintln!("browser test skipped: chromedriver is not installed");
        return None;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let base = format!("http://{}/", server.addr);
    let monday = named_group(&server, "Monday group", &["Ana", "Bo"]).await;
    let page = browser(&driver, &dir.path().join("profile-ana")).await;
    Some(Start {
        _driver: driver,
        _dir: dir,
        server,
        page,
        base,
        monday,
    })
}

#[tokio::test]
async fn one_browser_keeps_a_link_per_group_and_role_and_offers_them_all() {
    let Some(setup) = start().await else { return };
    let Start {
        server,
        page,
        base,
        monday,
        ..
    } = &setup;
    let friday = named_group(server, "Friday group", &["Ana", "Cy", "Dee"]).await;
    let (monday_id, friday_id) = (&monday["group_id"], &friday["group_id"]);
    // Ana is a member of both groups and convenes Monday's.
    let monday_member = page.window().await.unwrap();
    page.goto(member(monday, "Ana")["link"].as_str().unwrap())
        .await
        .unwrap();
    wait_opened(page, "Monday group", false).await;
    let friday_member = new_tab(page, member(&friday, "Ana")["link"].as_str().unwrap()).await;
    wait_opened(page, "Friday group", false).await;
    let monday_convener = new_tab(page, monday["convener_link"].as_str().unwrap()).await;
    wait_opened(page, "Monday group", true).await;

    // Reloading each tab keeps its group and role, and its route.
    for (tab, group, id, convener) in [
        (&monday_member, "Monday group", monday_id, false),
        (&friday_member, "Friday group", friday_id, false),
        (&monday_convener, "Monday group", monday_id, true),
    ] {
        page.switch_to_window(tab.clone()).await.unwrap();
        page.refresh().await.unwrap();
        wait_opened(page, group, convener).await;
        assert_eq!(&tab_group(page).await, id, "{group}");
        assert_no_page_errors(page).await;
    }

    // A bookmark of the page: every kept link, the last opened first.
    let bookmark = new_tab(page, base).await;
    let entries = [
        ("Monday group, the convener's console", "Monday group", true),
        ("Friday group, as a member", "Friday group", false),
        ("Monday group, as a member", "Monday group", false),
    ];
    assert_eq!(
        chooser_entries(page).await,
        entries.map(|(entry, _, _)| entry)
    );
    axe_clean(page, "the chooser of kept links").await;
    // Each entry opens its group in its role, and a reload keeps it.
    for (entry, group, convener) in entries {
        new_tab(page, base).await;
        chooser_entries(page).await;
        click(page, entry).await;
        wait_opened(page, group, convener).await;
        page.refresh().await.unwrap();
        wait_opened(page, group, convener).await;
        assert_no_page_errors(page).await;
    }

    // Ana is removed from the Friday group: that link is forgotten, the
    // Monday group's two are kept.
    let path = format!(
        "/api/groups/{}/members/{}",
        friday["group_id"].as_str().unwrap(),
        member(&friday, "Ana")["member_id"].as_str().unwrap()
    );
    let convener_token = friday["convener_token"].as_str();
    let (status, text) = http(server.addr, "DELETE", &path, convener_token, None).await;
    assert!(status == 200 || status == 204, "{status} {text}");
    page.switch_to_window(friday_member).await.unwrap();
    wait_text(page, "#connection", "This link no longer works").await;
    page.switch_to_window(bookmark).await.unwrap();
    page.refresh().await.unwrap();
    assert_eq!(
        chooser_entries(page).await,
        [
            "Monday group, as a member",
            "Monday group, the convener's console"
        ]
    );
    // Another group can still be made from here.
    click(page, "Create a new group").await;
    wait_text(page, "#start-title", "Create a supervision group").await;
    close(setup.page).await;
}

/// A browser that kept a member's and a convener's link before links were
/// kept per group loses neither on the update.
#[tokio::test]
async fn links_kept_before_the_update_are_kept_after_it() {
    let Some(setup) = start().await else { return };
    let Start {
        page, base, monday, ..
    } = &setup;
    page.goto(base).await.unwrap();
    wait_text(page, "#start-title", "Create a supervision group").await;
    // What the page kept before: one key a role, the last role, the group.
    let old = format!(
        "localStorage.setItem('rondo.token', '{}'); localStorage.setItem('rondo.convener', '{}'); \
         localStorage.setItem('rondo.role', 'convener'); localStorage.setItem('rondo.group', '{}');",
        member(monday, "Ana")["token"].as_str().unwrap(),
        monday["convener_token"].as_str().unwrap(),
        monday["group_id"].as_str().unwrap(),
    );
    page.execute(&old, vec![]).await.unwrap();
    page.refresh().await.unwrap();
    // The convener's link is named by asking the server.
    wait_text(
        page,
        "#chooser-list",
        "Monday group, the convener's console",
    )
    .await;
    assert_eq!(
        chooser_entries(page).await,
        [
            "Monday group, the convener's console",
            "A group not opened here yet, as a member"
        ]
    );
    click(page, "A group not opened here yet, as a member").await;
    wait_opened(page, "Monday group", false).await;
    assert_eq!(tab_group(page).await, monday["group_id"]);
    let left = "return ['rondo.token', 'rondo.convener', 'rondo.role', 'rondo.group'].filter((k) => localStorage.getItem(k) !== null)";
    assert_eq!(page.execute(left, vec![]).await.unwrap(), json!([]));
    close(setup.page).await;
}
