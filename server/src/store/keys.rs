//! The data keys of each group's months, kept in a file apart from the
//! database (`<db>.datakeys`), each sealed with the operator's key.
//!
//! A group's log rows and snapshots are sealed with the key of the month
//! (UTC) they were written in (`slot.rs`). When the group's retention has
//! passed for a month, its key is deleted, and when a former member is
//! erased, every key before the erasure's: every copy of those rows — old
//! pages of the database, its WAL, a backup — can no longer be opened
//! (crypto-shredding).
//! The file is written with `secure_delete`, so a deleted key's bytes are
//! overwritten in the file, and in rollback-journal mode, so no old page of
//! it lingers in a WAL.

use super::seal::associated;
use super::slot::{KeySlot, Shred};
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

fn slot_ad(group_id: &str, slot: KeySlot) -> Vec<u8> {
    associated("keys", group_id, &slot.stored().to_string())
}

/// A group's key of a slot, if it still exists (blocking).
pub(super) fn read_key(
    conn: &Connection,
    master: &DataKey,
    group_id: &str,
    slot: KeySlot,
) -> Result<Option<DataKey>, StoreError> {
    let sealed: Option<Vec<u8>> = conn
        .prepare_cached("SELECT key FROM keys WHERE group_id = ?1 AND month = ?2")?
        .query_row(params![group_id, slot.stored()], |r| r.get(0))
        .optional()?;
    sealed
        .map(|sealed| open_key(master, group_id, slot, &sealed))
        .transpose()
}

/// A key as the file holds it, opened with the operator's key.
pub(super) fn open_key(
    master: &DataKey,
    group_id: &str,
    slot: KeySlot,
    sealed: &[u8],
) -> Result<DataKey, StoreError> {
    let bytes = master
        .open(sealed, &slot_ad(group_id, slot))
        .ok_or_else(|| StoreError::Undecryptable("data key".into()))?;
    DataKey::from_bytes(&bytes).map_err(|_| StoreError::Unreadable("data key".into()))
}

/// A new key for a slot, and the key sealed as it is kept.
pub(super) fn new_key(master: &DataKey, group_id: &str, slot: KeySlot) -> (DataKey, Vec<u8>) {
    let (key, bytes) = DataKey::random();
    let sealed = master.seal(&bytes, &slot_ad(group_id, slot));
    (key, sealed)
}

/// The writer's keys: made when a month's first row is written (or when an
/// erasure replaces them), deleted when their content has expired (or been
/// erased).
pub(super) struct MonthKeys {
    conn: Connection,
    master: DataKey,
    /// Each group's newest key, the one its rows are sealed with now.
    current: HashMap<String, (KeySlot, DataKey)>,
    /// Destructions that failed, tried again after the next commit.
    unfinished: Vec<(String, Shred, KeySlot)>,
}

impl MonthKeys {
    pub fn new(conn: Connection, master: DataKey) -> MonthKeys {
        MonthKeys {
            conn,
            master,
            current: HashMap::new(),
            unfinished: Vec::new(),
        }
    }

    /// The key to seal a group's rows of `month` with, made (and durable)
    /// before any row sealed with it is written.
    pub fn for_month(
        &mut self,
        group_id: &str,
        month: u32,
    ) -> Result<(KeySlot, DataKey), StoreError> {
        let newest = self.newest(group_id)?;
        match KeySlot::to_seal(newest.as_ref().map(|(slot, _)| *slot), month) {
            Ok(_) => Ok(newest.expect("a newest key to seal with")),
            Err(first) => self.make(group_id, first),
        }
    }

    /// A new key for the group's rows from now on, in place of all of them
    /// (an erasure): the keys before it are destroyed by [`MonthKeys::shred`]
    /// once the flush sealed with it is durable.
    pub fn replace(
        &mut self,
        group_id: &str,
        month: u32,
    ) -> Result<(KeySlot, DataKey), StoreError> {
        let newest = self.newest(group_id)?.map(|(slot, _)| slot);
        self.make(group_id, KeySlot::replacing(newest, month))
    }

    /// The group's newest key, if it has one.
    fn newest(&mut self, group_id: &str) -> Result<Option<(KeySlot, DataKey)>, StoreError> {
        if let Some(current) = self.current.get(group_id) {
            return Ok(Some(current.clone()));
        }
        let row: Option<(u32, Vec<u8>)> = self
            .conn
            .prepare_cached(
                "SELECT month, key FROM keys WHERE group_id = ?1
                 ORDER BY month % 65536 DESC, month DESC LIMIT 1",
            )?
            .query_row(params![group_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((stored, sealed)) = row else {
            return Ok(None);
        };
        let slot = KeySlot::from_stored(stored);
        let newest = (slot, open_key(&self.master, group_id, slot, &sealed)?);
        self.current.insert(group_id.to_owned(), newest.clone());
        Ok(Some(newest))
    }

    fn make(&mut self, group_id: &str, slot: KeySlot) -> Result<(KeySlot, DataKey), StoreError> {
        let (key, sealed) = new_key(&self.master, group_id, slot);
        self.conn.execute(
            "INSERT INTO keys (group_id, month, key) VALUES (?1, ?2, ?3)",
            params![group_id, slot.stored(), sealed],
        )?;
        self.current
            .insert(group_id.to_owned(), (slot, key.clone()));
        Ok((slot, key))
    }

    /// Destroys the keys durable flushes made unneeded (each with the slot
    /// it was sealed with), and those whose destruction failed before: a
    /// failure is logged and tried again after the next commit.
    pub fn shred<'a>(&mut self, done: impl IntoIterator<Item = (&'a str, Shred, KeySlot)>) {
        let fresh = done
            .into_iter()
            .map(|(g, shred, slot)| (g.to_owned(), shred, slot));
        let mut pending = std::mem::take(&mut self.unfinished);
        pending.extend(fresh);
        for (group_id, shred, sealed) in pending {
            if let Err(e) = self.destroy(&group_id, shred, sealed) {
                tracing::warn!(%group_id, error = %e, "destroying data keys failed; trying again after the next commit");
                self.unfinished.push((group_id, shred, sealed));
            }
        }
    }

    /// Deletes the group's keys `shred` does not keep.
    pub fn destroy(
        &mut self,
        group_id: &str,
        shred: Shred,
        sealed: KeySlot,
    ) -> Result<(), StoreError> {
        match shred {
            Shred::ExpiredBefore(month) => self.conn.execute(
                "DELETE FROM keys WHERE group_id = ?1 AND month % 65536 < ?2",
                params![group_id, month],
            )?,
            Shred::Erased => self.conn.execute(
                "DELETE FROM keys WHERE group_id = ?1
                 AND (month % 65536 < ?2 OR (month % 65536 = ?2 AND month < ?3))",
                params![group_id, sealed.month(), sealed.stored()],
            )?,
        };
        if self
            .current
            .get(group_id)
            .is_some_and(|(slot, _)| !shred.keeps(*slot, sealed))
        {
            self.current.remove(group_id);
        }
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
        let (_, january) = keys.for_month("g", 684).unwrap();
        let sealed = january.seal(b"CANARY", b"ad");
        let (_, february) = keys.for_month("g", 685).unwrap();
        let reader = open_keys(&path).unwrap();
        let read = |month| read_key(&reader, &master, "g", KeySlot::first(month)).unwrap();
        let again = read(684).unwrap();
        assert_eq!(again.open(&sealed, b"ad").unwrap(), b"CANARY");
        let sealed_key: Vec<u8> = reader
            .query_row("SELECT key FROM keys WHERE month = 684", [], |r| r.get(0))
            .unwrap();
        let holds = |bytes: &[u8]| bytes.windows(sealed_key.len()).any(|w| w == sealed_key);
        assert!(holds(&std::fs::read(&path).unwrap()));
        keys.destroy("g", Shred::ExpiredBefore(685), KeySlot::first(685))
            .unwrap();
        // Overwritten in the file, not only unlinked from its table.
        assert!(!holds(&std::fs::read(&path).unwrap()));
        assert!(read(684).is_none());
        let kept = read(685).unwrap();
        let other = february.seal(b"x", b"ad");
        assert_eq!(kept.open(&other, b"ad").unwrap(), b"x");
    }

    #[test]
    fn a_replaced_key_seals_from_then_on_and_the_older_ones_go() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.datakeys");
        let master = DataKey::from_hex(&"ab".repeat(32)).unwrap();
        let mut keys = MonthKeys::new(open_keys(&path).unwrap(), master.clone());
        let (february, _) = keys.for_month("g", 685).unwrap();
        let (march, _) = keys.for_month("g", 686).unwrap();
        let (other, _) = keys.for_month("h", 686).unwrap();
        let (replaced, key) = keys.replace("g", 686).unwrap();
        assert_eq!(replaced, march.next());
        keys.shred([("g", Shred::Erased, replaced)]);
        let reader = open_keys(&path).unwrap();
        let read = |group, slot| read_key(&reader, &master, group, slot).unwrap();
        assert!(read("g", february).is_none() && read("g", march).is_none());
        assert!(read("h", other).is_some(), "another group's keys stay");
        // A writer started afresh seals March's rows with the replacement.
        let mut again = MonthKeys::new(open_keys(&path).unwrap(), master);
        let (slot, same) = again.for_month("g", 686).unwrap();
        assert_eq!(slot, replaced);
        assert_eq!(same.open(&key.seal(b"x", b"ad"), b"ad").unwrap(), b"x");
    }
}
