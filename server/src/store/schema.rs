//! The database's tables, how a connection is opened, and what binds each
//! sealed payload to its place.

use super::seal::associated;
use super::{StoreError, STARTUP_REPLAY_WINDOW};
use crate::crypto::DataKey;
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;

pub(super) fn open(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    conn.execute_batch(
        "PRAGMA journal_mode=WAL;
         PRAGMA synchronous=FULL;
         PRAGMA busy_timeout=5000;
         PRAGMA wal_autocheckpoint=0;",
    )?;
    Ok(conn)
}

/// Groups are keyed by a small integer in the log: short keys keep rows small.
pub(super) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS groups (
    id INTEGER PRIMARY KEY, group_id TEXT NOT NULL UNIQUE, config BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    token_hash BLOB PRIMARY KEY,
    group_id TEXT NOT NULL,
    member_id TEXT
);
CREATE INDEX IF NOT EXISTS tokens_by_member ON tokens (group_id, member_id);
CREATE TABLE IF NOT EXISTS feeds (
    token_hash BLOB PRIMARY KEY,
    group_id TEXT NOT NULL,
    member_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feeds_by_member ON feeds (group_id, member_id);
CREATE TABLE IF NOT EXISTS heads (g INTEGER PRIMARY KEY, last INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS snapshots (
    g INTEGER PRIMARY KEY, seq INTEGER NOT NULL, row INTEGER NOT NULL, payload BLOB NOT NULL,
    month INTEGER
);
";

/// Databases made before data keys had no `month` (the data key's month;
/// `NULL`: sealed with the operator's key) in `log` and `snapshots`.
pub(crate) fn add_months(conn: &Connection) -> Result<(), StoreError> {
    for table in ["log", "snapshots"] {
        let has_month: bool = conn.query_row(
            &format!("SELECT count(*) FROM pragma_table_info('{table}') WHERE name = 'month'"),
            [],
            |r| r.get(0),
        )?;
        if !has_month {
            conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN month INTEGER;"))?;
        }
    }
    Ok(())
}

/// The log table, under `name` (compaction writes a second one).
pub(crate) fn create_log(name: &str) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {name} (
            id INTEGER PRIMARY KEY,
            g INTEGER NOT NULL,
            prev INTEGER,
            first_seq INTEGER NOT NULL, seq INTEGER NOT NULL,
            audiences TEXT NOT NULL, inputs BLOB NOT NULL, events BLOB NOT NULL,
            month INTEGER
        );"
    )
}

/// Whether start-up reads a group's row, walking back from its newest: while
/// the row comes after the one its snapshot includes (so its inputs are to be
/// replayed), or the replay window is not full. Rows ids grow along a group's
/// rows, compacted or not.
pub(crate) fn row_needed(row: i64, snapshot_row: i64, events_read: usize) -> bool {
    row > snapshot_row || events_read < STARTUP_REPLAY_WINDOW
}

/// A database knows its key by one sealed row; a different key cannot open it.
pub(super) fn check_key(conn: &Connection, key: &DataKey) -> Result<(), StoreError> {
    let ad = associated("meta", "-", "key_check");
    let stored: Option<Vec<u8>> = conn
        .query_row("SELECT value FROM meta WHERE key = 'key_check'", [], |r| {
            r.get(0)
        })
        .optional()?;
    match stored {
        Some(sealed) => match key.open(&sealed, &ad) {
            Some(plain) if plain == b"rondo" => Ok(()),
            _ => Err(StoreError::WrongKey),
        },
        None => {
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('key_check', ?1)",
                params![key.seal(b"rondo", &ad)],
            )?;
            Ok(())
        }
    }
}
