//! The load generator works: a small run against the real server, with every
//! event delivered once to every member.

use rondo_tests::Server;
use serde_json::Value;
use std::process::Command;

#[test]
fn a_small_load_run_loses_and_doubles_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let json = dir.path().join("load.json");
    let output = Command::new(env!("CARGO_BIN_EXE_rondo-loadgen"))
        .args([
            "--addr",
            &server.addr.to_string(),
            "--groups",
            "3",
            "--rate",
            "2",
            "--duration-s",
            "4",
            "--step-s",
            "2",
        ])
        .args(["--pid", &server.child.id().to_string(), "--json"])
        .arg(&json)
        .output()
        .expect("running the load generator");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(result["members"], 24);
    assert!(result["commands"].as_u64().unwrap() > 100, "{result}");
    assert_eq!(result["lost"], 0, "{result}");
    assert_eq!(result["duplicates"], 0, "{result}");
    assert!(
        result["fanout"]["count"].as_u64().unwrap() > 0,
        "fan-out was measured"
    );
    assert!(
        result["server_rss_kib_after"].as_u64().unwrap() > 0,
        "the server's RSS was read"
    );
    let codes = result["error_codes"].as_object().unwrap();
    for bad in ["bad_request", "internal", "unauthorized"] {
        assert!(
            !codes.contains_key(bad),
            "the generator sent invalid commands: {result}"
        );
    }
}
