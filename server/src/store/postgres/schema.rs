//! The PostgreSQL schema, as numbered migrations run at start-up in one
//! transaction under an advisory lock (several nodes may start at once). A
//! database migrated by a newer version is refused, never changed.

use super::super::seal::associated;
use super::super::StoreError;
use crate::crypto::DataKey;
use tokio_postgres::Client;

/// Each migration, in order; the database's version is how many ran.
const MIGRATIONS: &[&str] = &[
    "
CREATE TABLE meta (key text PRIMARY KEY, value bytea NOT NULL);
CREATE TABLE groups (
    group_id text PRIMARY KEY,
    config bytea NOT NULL,
    -- The log's format: a node refuses a group written by a newer one.
    format integer NOT NULL
);
CREATE TABLE tokens (token_hash bytea PRIMARY KEY, group_id text NOT NULL, member_id text);
CREATE INDEX tokens_by_member ON tokens (group_id, member_id);
CREATE TABLE feeds (token_hash bytea PRIMARY KEY, group_id text NOT NULL, member_id text NOT NULL);
CREATE INDEX feeds_by_member ON feeds (group_id, member_id);
-- One row per running process; lease_until is PostgreSQL's clock, never a node's.
CREATE TABLE nodes (
    node_id uuid PRIMARY KEY,
    incarnation bigint NOT NULL,
    internal_addr text NOT NULL,
    lease_until timestamptz NOT NULL
);
-- Who owns each group; epoch only grows and fences every append. Every
-- flush updates its group's row: no index but the key, and room on each
-- page, so the update stays on its page (HOT) and leaves no index entries
-- behind; the sweep reads the small table whole.
CREATE TABLE group_owner (
    group_id text PRIMARY KEY,
    epoch bigint NOT NULL,
    owner uuid,
    last_seq bigint NOT NULL,
    flushes bigint NOT NULL,
    next_deadline timestamptz
) WITH (fillfactor = 50);
-- One row per group flush, numbered per group.
CREATE TABLE log (
    group_id text NOT NULL,
    flush bigint NOT NULL,
    epoch bigint NOT NULL,
    first_seq bigint NOT NULL,
    seq bigint NOT NULL,
    audiences text NOT NULL,
    inputs bytea NOT NULL,
    events bytea NOT NULL,
    PRIMARY KEY (group_id, flush)
);
CREATE TABLE snapshots (
    group_id text PRIMARY KEY,
    seq bigint NOT NULL,
    flush bigint NOT NULL,
    payload bytea NOT NULL
);
",
    "
-- The slot of the data key (in the keys' database) that sealed the row;
-- NULL: sealed with the operator's key.
ALTER TABLE log ADD COLUMN key_slot integer;
ALTER TABLE snapshots ADD COLUMN key_slot integer;
",
];

/// The log's format this build writes and reads. 2: rows may be sealed with
/// data keys (`key_slot`), which a node of format 1 would take for damage.
pub const LOG_FORMAT: i32 = 2;

/// Brings the schema up to this build's version; refuses a newer one.
pub async fn migrate(client: &mut Client) -> Result<(), StoreError> {
    let tx = client.transaction().await.map_err(pg)?;
    // One node migrates at a time; the others wait here, then find it done.
    tx.execute("SELECT pg_advisory_xact_lock(7261636)", &[])
        .await
        .map_err(pg)?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)")
        .await
        .map_err(pg)?;
    let row = tx
        .query_opt("SELECT version FROM schema_version", &[])
        .await
        .map_err(pg)?;
    let version = match row {
        Some(row) => row.get::<_, i32>(0) as usize,
        None => {
            tx.execute("INSERT INTO schema_version (version) VALUES (0)", &[])
                .await
                .map_err(pg)?;
            0
        }
    };
    if version > MIGRATIONS.len() {
        return Err(StoreError::NewerSchema {
            found: version,
            known: MIGRATIONS.len(),
        });
    }
    for migration in &MIGRATIONS[version..] {
        tx.batch_execute(migration).await.map_err(pg)?;
    }
    tx.execute(
        "UPDATE schema_version SET version = $1",
        &[&(MIGRATIONS.len() as i32)],
    )
    .await
    .map_err(pg)?;
    tx.commit().await.map_err(pg)
}

/// The database knows its key by one sealed row, as SQLite's does.
pub async fn check_key(client: &Client, key: &DataKey) -> Result<(), StoreError> {
    let ad = associated("meta", "-", "key_check");
    let sealed = key.seal(b"rondo", &ad);
    // The first node to start writes it; every node then reads the same row.
    client
        .execute(
            "INSERT INTO meta (key, value) VALUES ('key_check', $1) ON CONFLICT (key) DO NOTHING",
            &[&sealed],
        )
        .await
        .map_err(pg)?;
    let row = client
        .query_one("SELECT value FROM meta WHERE key = 'key_check'", &[])
        .await
        .map_err(pg)?;
    match key.open(row.get::<_, &[u8]>(0), &ad) {
        Some(plain) if plain == b"rondo" => Ok(()),
        _ => Err(StoreError::WrongKey),
    }
}

/// PostgreSQL's errors carry no row data unless a constraint quotes it:
/// only the error's code and kind are kept.
pub fn pg(error: tokio_postgres::Error) -> StoreError {
    StoreError::Postgres(match error.code() {
        Some(code) => format!("SQLSTATE {}", code.code()),
        None if error.is_closed() => "the connection is closed".to_owned(),
        None => "the connection failed".to_owned(),
    })
}
