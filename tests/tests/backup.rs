//! Backups (issue 22): `rondo backup` copies the SQLite database while the
//! real server runs under load; serving the copy is the restore.

use rondo_tests::cluster::{self, Postgres};
use rondo_tests::{create_group, rondo_binary, Member, Server};
use serde_json::json;
use std::collections::HashSet;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

/// Cases proposed while the backup runs, at most (the queue holds 50).
const LOAD_CASES_MAX: usize = 35;

fn propose(title: &str) -> serde_json::Value {
    json!({"type": "case.propose", "title": title, "question": "What now?", "minutes": 10})
}

fn run_backup(db: &Path, to: &Path) -> std::process::Output {
    Command::new(rondo_binary())
        .args(["backup", "--db"])
        .arg(db)
        .arg("--to")
        .arg(to)
        .output()
        .expect("rondo backup")
}

fn titles(welcome: &serde_json::Value) -> HashSet<String> {
    welcome["queue"]
        .as_array()
        .expect("a queue")
        .iter()
        .map(|case| case["title"].as_str().expect("a title").to_owned())
        .collect()
}

#[tokio::test]
async fn a_backup_taken_under_load_holds_every_acknowledged_command_and_serves() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let group = create_group(server.addr, &["Ada", "Ben"]).await;
    let mut ada = Member::connect(server.addr, group.token("Ada"), None).await;
    let mut ben = Member::connect(server.addr, group.token("Ben"), None).await;

    let mut acked: Vec<String> = Vec::new();
    for i in 0..10 {
        let title = format!("canary-before-{i}");
        ada.ok(propose(&title)).await;
        acked.push(title);
    }
    // Ben keeps proposing while the backup runs; each title is noted once acked.
    let during = Arc::new(Mutex::new(Vec::new()));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let load = {
        let during = during.clone();
        tokio::spawn(async move {
            for i in 0..LOAD_CASES_MAX {
                if *stopped.borrow() {
                    break;
                }
                let title = format!("canary-during-{i}");
                ben.ok(propose(&title)).await;
                during.lock().unwrap().push(title);
            }
            ben
        })
    };
    // Let the load get going, then back up.
    while during.lock().unwrap().len() < 3 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let acked_before_backup: Vec<String> = acked
        .iter()
        .cloned()
        .chain(during.lock().unwrap().iter().cloned())
        .collect();
    let restored = tempfile::tempdir().unwrap();
    let copy = restored.path().join("rondo.db");
    let (db, to) = (server.db.clone(), copy.clone());
    let output = tokio::task::spawn_blocking(move || run_backup(&db, &to))
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let _ = stop.send(true);
    let _ben = load.await.unwrap();
    let proposed: HashSet<String> = acked
        .iter()
        .cloned()
        .chain(during.lock().unwrap().iter().cloned())
        .collect();

    // Sealed as the database is: no title in the copy's bytes.
    let bytes = std::fs::read(&copy).unwrap();
    assert!(
        !bytes.windows(7).any(|w| w == b"canary-"),
        "plain text in the copy"
    );
    // A second backup to the same file is refused and leaves the first.
    let again = run_backup(&server.db, &copy);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
    assert_eq!(std::fs::read(&copy).unwrap(), bytes);

    // Restore: the copy is served elsewhere, with the same key and the
    // group's month keys, which are kept apart from the database and its
    // backups (so that a month past its retention opens in neither).
    drop(ada);
    let data_keys = format!("{}.datakeys", server.db.display());
    server.kill();
    let restored_server = Server::start_with(restored.path(), &["--data-keys", &data_keys]);
    let mut ada = Member::connect(restored_server.addr, group.token("Ada"), None).await;
    let queue = titles(&ada.welcome);
    for title in &acked_before_backup {
        assert!(
            queue.contains(title),
            "{title} acknowledged before the backup, missing"
        );
    }
    assert!(queue.is_subset(&proposed), "{queue:?}");
    // The meeting goes on from the copy.
    ada.ok(propose("after the restore")).await;
    let mut ben = Member::connect(restored_server.addr, group.token("Ben"), None).await;
    assert!(titles(&ben.welcome).contains("after the restore"));
    ben.ok(propose("and Ben too")).await;
}

#[test]
fn a_backup_of_no_database_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_backup(&dir.path().join("none.db"), &dir.path().join("copy.db"));
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no database at"));
    assert!(!dir.path().join("copy.db").exists());
}

#[tokio::test]
async fn a_pg_dump_restored_into_a_new_cluster_is_served() {
    let Some(postgres) = Postgres::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let node = cluster::node(dir.path(), &postgres.url());
    let group = create_group(node.addr, &["Ada", "Ben"]).await;
    let mut ada = cluster::connect(node.addr, &group, "Ada", None).await;
    for i in 0..5 {
        ada.ok(propose(&format!("canary-dumped-{i}"))).await;
    }
    drop(ada);
    // A dump of a running store is consistent (one snapshot); the node is
    // stopped only so that the restored copy is the one served.
    let fresh = Postgres::start().expect("a second cluster");
    postgres.dump_into(&fresh);
    node.kill();
    drop(postgres);

    let restored = cluster::node(dir.path(), &fresh.url());
    let mut ada = cluster::connect(restored.addr, &group, "Ada", None).await;
    let queue = titles(&ada.welcome);
    for i in 0..5 {
        assert!(queue.contains(&format!("canary-dumped-{i}")), "{queue:?}");
    }
    ada.ok(propose("after the restore")).await;
    let ben = cluster::connect(restored.addr, &group, "Ben", None).await;
    assert!(titles(&ben.welcome).contains("after the restore"));
}
