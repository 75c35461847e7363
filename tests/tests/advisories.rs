//! No dependency at a version with a known advisory. The advisory database
//! cannot be fetched here, so the versions that fixed the advisories that
//! touch this dependency tree are pinned below; a lock file that goes below one
//! fails. Add a line when an advisory is published.

/// (crate, first fixed version, advisory)
const FIXED_IN: &[(&str, &str, &str)] = &[
    (
        "tungstenite",
        "0.20.1",
        "CVE-2023-43669: quadratic header parsing",
    ),
    ("h2", "0.4.4", "RUSTSEC-2024-0332: CONTINUATION flood"),
    (
        "hyper",
        "0.14.26",
        "RUSTSEC-2023-0034: unbounded header memory (0.14 line)",
    ),
    (
        "tokio",
        "1.38.2",
        "RUSTSEC-2025-0023: broadcast channel soundness",
    ),
    (
        "libsqlite3-sys",
        "0.25.1",
        "RUSTSEC-2022-0090: SQLite CVE-2022-35737",
    ),
    (
        "crossbeam-channel",
        "0.5.15",
        "RUSTSEC-2025-0024: double free on drop",
    ),
    (
        "idna",
        "1.0.0",
        "RUSTSEC-2024-0421: punycode label confusion",
    ),
    (
        "openssl",
        "0.10.70",
        "RUSTSEC-2025-0004: ssl::select_next_proto use after free",
    ),
    (
        "rustls",
        "0.23.18",
        "RUSTSEC-2024-0399: server panic on fragmented ClientHello",
    ),
    ("time", "0.2.23", "RUSTSEC-2020-0071: localtime_r segfault"),
];

fn version(text: &str) -> Vec<u64> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter_map(|p| p.parse().ok())
        .take(3)
        .collect()
}

#[test]
fn the_lock_file_has_no_version_with_a_known_advisory() {
    let lock =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock")).unwrap();
    let mut checked = 0;
    for package in lock.split("[[package]]") {
        let field = |name: &str| {
            package
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{name} = \"")))
                .map(|v| v.trim_end_matches('"'))
        };
        let (Some(name), Some(found)) = (field("name"), field("version")) else {
            continue;
        };
        for (krate, fixed, advisory) in FIXED_IN {
            if name == *krate {
                checked += 1;
                assert!(
                    version(found) >= version(fixed),
                    "{krate} {found} is affected by {advisory}; fixed in {fixed}"
                );
            }
        }
    }
    assert!(
        checked >= 5,
        "the lock file was read ({checked} pinned crates found)"
    );
}
