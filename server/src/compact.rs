//! `rondo compact`: rewrites the log keeping only what start-up reads, with
//! the server stopped.
//!
//! The log grows with every flush; start-up reads, for each group, only the
//! rows since its snapshot and its replay window. Compaction copies exactly
//! those rows (sealed, as they are: their associated data names the group
//! and the row's seqs, not its place in the table) into a new log, drops the
//! old one and vacuums the file, so what was said and is no longer needed —
//! deleted notes among it — leaves the disk. No key is needed.

use crate::store::{add_months, create_log, row_needed, StoreError};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;

/// Rows in the log before and after.
#[derive(Debug, PartialEq, Eq)]
pub struct Compacted {
    pub rows_before: u64,
    pub rows_after: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum CompactError {
    #[error("the database is in use: stop the server first")]
    InUse,
    #[error("no database at {0}")]
    Missing(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for CompactError {
    fn from(e: rusqlite::Error) -> Self {
        CompactError::Store(StoreError::Sqlite(e))
    }
}

pub fn compact(path: &Path) -> Result<Compacted, CompactError> {
    if !path.exists() {
        return Err(CompactError::Missing(path.display().to_string()));
    }
    let mut conn = Connection::open(path)?;
    // Exclusive locking: a running server holds the database open, and the
    // first statement then fails at once instead of changing it under it.
    conn.execute_batch("PRAGMA locking_mode=EXCLUSIVE; PRAGMA busy_timeout=0;")?;
    let tx = match conn.transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive) {
        Ok(tx) => tx,
        Err(e) if is_busy(&e) => return Err(CompactError::InUse),
        Err(e) => return Err(e.into()),
    };
    let count = |tx: &Connection, table: &str| -> Result<u64, rusqlite::Error> {
        tx.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
    };
    let rows_before = count(&tx, "log")?;
    add_months(&tx)?;
    tx.execute_batch(&create_log("log_kept"))?;
    let heads: Vec<(i64, i64)> = tx
        .prepare("SELECT g, last FROM heads")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (g, head) in heads {
        let snapshot_row = snapshot_row(&tx, g)?;
        let kept = kept_rows(&tx, head, snapshot_row)?;
        let mut prev: Option<i64> = None;
        // The kept rows are the newest of the group's: a snapshot's row older
        // than all of them becomes 0, older than every new id.
        let mut new_snapshot_row = 0;
        for id in kept.into_iter().rev() {
            tx.prepare_cached(
                "INSERT INTO log_kept (g, prev, first_seq, seq, audiences, inputs, events, month)
                 SELECT g, ?2, first_seq, seq, audiences, inputs, events, month FROM log WHERE id = ?1",
            )?
            .execute(params![id, prev])?;
            prev = Some(tx.last_insert_rowid());
            if id == snapshot_row {
                new_snapshot_row = tx.last_insert_rowid();
            }
        }
        tx.execute("UPDATE heads SET last = ?2 WHERE g = ?1", params![g, prev])?;
        tx.execute(
            "UPDATE snapshots SET row = ?2 WHERE g = ?1",
            params![g, new_snapshot_row],
        )?;
    }
    tx.execute_batch("DROP TABLE log; ALTER TABLE log_kept RENAME TO log;")?;
    let rows_after = count(&tx, "log")?;
    tx.commit()?;
    // Rebuilds the file without the dropped pages, then empties the WAL.
    conn.execute_batch("VACUUM;")?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(Compacted {
        rows_before,
        rows_after,
    })
}

/// The newest log row group `g`'s snapshot includes (0: none).
fn snapshot_row(tx: &Connection, g: i64) -> Result<i64, rusqlite::Error> {
    let row = tx
        .query_row("SELECT row FROM snapshots WHERE g = ?1", params![g], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(row.unwrap_or(0))
}

/// The rows start-up reads of a group, newest first from its `head`.
fn kept_rows(tx: &Connection, head: i64, snapshot_row: i64) -> Result<Vec<i64>, rusqlite::Error> {
    let mut kept = Vec::new();
    let mut events_read = 0;
    let mut next = Some(head);
    while let Some(id) = next {
        let (prev, first_seq, seq): (Option<i64>, u64, u64) = tx
            .prepare_cached("SELECT prev, first_seq, seq FROM log WHERE id = ?1")?
            .query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        if !row_needed(id, snapshot_row, events_read) {
            break;
        }
        kept.push(id);
        // A row of refused commands has no events: first_seq is seq + 1.
        events_read += (seq + 1).saturating_sub(first_seq) as usize;
        next = prev;
    }
    Ok(kept)
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}
