//! The data keys of each group's months, kept in a file apart from the
//! database (`<db>.datakeys`), each sealed with the operator's key.
//!
//! A group's log rows and snapshots are sealed with the key of the month
//! (UTC) they were written in. When the group's retention has passed for a
//! month, its key is deleted: every copy of those rows — old pages of the
//! database, its WAL, a backup — can no longer be opened (crypto-shredding).
//! The file is written with `secure_delete`, so a deleted key's bytes are
//! overwritten in the file, and in rollback-journal mode, so no old page of
//! it lingers in a WAL.

use super::seal::associated;
use super::StoreError;
use crate::crypto::DataKey;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;
use std::path::Path;

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS keys (
    group_id TEXT NOT NULL, month INTEGER NOT NULL, key BLOB NOT NULL,
    PRIMARY KEY (group_id, month)
);";

/// Opens (or creates) the file of data keys.
pub(super) fn open_keys(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    conn.execute_batch(
        "PRAGMA journal_mode=DELETE;
         PRAGMA synchronous=FULL;
         PRAGMA secure_delete=ON;
         PRAGMA busy_timeout=5000;",
    )?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}

fn month_ad(group_id: &str, month: u32) -> Vec<u8> {
    associated("keys", group_id, &month.to_string())
}

/// A group's key for a month, if it still exists (blocking).
pub(super) fn read_key(
    conn: &Connection,
    master: &DataKey,
    group_id: &str,
    month: u32,
) -> Result<Option<DataKey>, StoreError> {
    let sealed: Option<Vec<u8>> = conn
        .prepare_cached("SELECT key FROM keys WHERE group_id = ?1 AND month = ?2")?
        .query_row(params![group_id, month], |r| r.get(0))
        .optional()?;
    let Some(sealed) = sealed else {
        return Ok(None);
    };
    let bytes = master
        .open(&sealed, &month_ad(group_id, month))
        .ok_or_else(|| StoreError::Undecryptable("data key".into()))?;
    let key = DataKey::from_bytes(&bytes).map_err(|_| StoreError::Unreadable("data key".into()))?;
    Ok(Some(key))
}

/// The writer's keys: made when a month's first row is written, deleted
/// when the month's content has expired.
pub(super) struct MonthKeys {
    conn: Connection,
    master: DataKey,
    known: HashMap<(String, u32), DataKey>,
}

impl MonthKeys {
    pub fn new(conn: Connection, master: DataKey) -> MonthKeys {
        MonthKeys {
            conn,
            master,
            known: HashMap::new(),
        }
    }

    /// The key to seal a group's rows of `month` with, made (and durable)
    /// before any row sealed with it is written.
    pub fn for_month(&mut self, group_id: &str, month: u32) -> Result<DataKey, StoreError> {
        let slot = (group_id.to_owned(), month);
        if let Some(key) = self.known.get(&slot) {
            return Ok(key.clone());
        }
        let key = match read_key(&self.conn, &self.master, group_id, month)? {
            Some(key) => key,
            None => {
                let (key, bytes) = DataKey::random();
                let sealed = self.master.seal(&bytes, &month_ad(group_id, month));
                self.conn.execute(
                    "INSERT INTO keys (group_id, month, key) VALUES (?1, ?2, ?3)",
                    params![group_id, month, sealed],
                )?;
                key
            }
        };
        self.known.insert(slot, key.clone());
        Ok(key)
    }

    /// Deletes a group's keys of the months before `month`.
    pub fn destroy_before(&mut self, group_id: &str, month: u32) -> Result<(), StoreError> {
        self.conn.execute(
            "DELETE FROM keys WHERE group_id = ?1 AND month < ?2",
            params![group_id, month],
        )?;
        self.known
            .retain(|(group, kept), _| group != group_id || *kept >= month);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_destroyed_key_is_gone_from_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.datakeys");
        let master = DataKey::from_hex(&"ab".repeat(32)).unwrap();
        let mut keys = MonthKeys::new(open_keys(&path).unwrap(), master.clone());
        let january = keys.for_month("g", 684).unwrap();
        let sealed = january.seal(b"CANARY", b"ad");
        let february = keys.for_month("g", 685).unwrap();
        let reader = open_keys(&path).unwrap();
        let again = read_key(&reader, &master, "g", 684).unwrap().unwrap();
        assert_eq!(again.open(&sealed, b"ad").unwrap(), b"CANARY");
        let sealed_key: Vec<u8> = reader
            .query_row("SELECT key FROM keys WHERE month = 684", [], |r| r.get(0))
            .unwrap();
        let holds = |bytes: &[u8]| bytes.windows(sealed_key.len()).any(|w| w == sealed_key);
        assert!(holds(&std::fs::read(&path).unwrap()));
        keys.destroy_before("g", 685).unwrap();
        // Overwritten in the file, not only unlinked from its table.
        assert!(!holds(&std::fs::read(&path).unwrap()));
        assert!(read_key(&reader, &master, "g", 684).unwrap().is_none());
        let kept = read_key(&reader, &master, "g", 685).unwrap().unwrap();
        let other = february.seal(b"x", b"ad");
        assert_eq!(kept.open(&other, b"ad").unwrap(), b"x");
    }
}
