//! Start-up: each group's configuration, snapshot, inputs since the snapshot
//! and newest events, read back by walking its log rows from the newest.

use super::keys::{open_keys, read_key};
use super::schema::{open, row_needed};
use super::seal::{associated, flush_ads, open_rows, open_text};
use super::slot::KeySlot;
use super::{
    SqliteStore, StoreError, StoredEvent, StoredGroup, StoredInput, STARTUP_REPLAY_WINDOW,
};
use crate::crypto::DataKey;
use rondo_protocol::ids::GroupId;
use rusqlite::{params, OptionalExtension};

/// prev, first_seq, seq, audiences, sealed inputs, sealed events, and the
/// slot of the key that sealed them (`month`, see `slot.rs`).
type LogRow = (Option<i64>, u64, u64, String, Vec<u8>, Vec<u8>, Option<u32>);

/// Threads that read the groups back at start-up, at most.
const LOAD_THREADS_MAX: usize = 4;

/// A group's row in `groups`: its key, its id, its sealed configuration.
type GroupRow = (i64, String, Vec<u8>);

impl SqliteStore {
    /// Every group, read back on as many threads as there are cores.
    pub(super) fn load_all(&self) -> Result<Vec<StoredGroup>, StoreError> {
        let stored: Vec<GroupRow> = {
            let conn = self.reader.lock().map_err(|_| StoreError::Stopped)?;
            let mut rows = conn.prepare("SELECT id, group_id, config FROM groups ORDER BY id")?;
            let stored = rows
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<Result<_, _>>()?;
            stored
        };
        // Most of start-up is reading and opening rows: spread the groups
        // over the cores, each part on a connection of its own.
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(LOAD_THREADS_MAX);
        let part_len = stored.len().div_ceil(threads).max(1);
        std::thread::scope(|scope| {
            let parts: Vec<_> = stored
                .chunks(part_len)
                .map(|part| scope.spawn(move || self.load_part(part)))
                .collect();
            let mut groups = Vec::with_capacity(stored.len());
            for part in parts {
                let loaded = part
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                groups.extend(loaded?);
            }
            Ok(groups)
        })
    }

    /// What rebuilds some of the groups: each one's configuration, snapshot,
    /// inputs since the snapshot and newest events.
    fn load_part(&self, part: &[GroupRow]) -> Result<Vec<StoredGroup>, StoreError> {
        let mut conn = open(&self.path)?;
        // One read transaction for the whole walk: each row is a point
        // lookup, and each would otherwise take and drop the file's locks.
        let conn = conn.transaction()?;
        let keys = open_keys(&self.keys_path)?;
        let mut groups = Vec::new();
        let mut snapshot_query =
            conn.prepare("SELECT seq, row, payload, month FROM snapshots WHERE g = ?1")?;
        let mut head_query = conn.prepare("SELECT last FROM heads WHERE g = ?1")?;
        let mut row_query = conn.prepare(
            "SELECT prev, first_seq, seq, audiences, inputs, events, month FROM log WHERE id = ?1",
        )?;
        for (g, group_id, sealed_config) in part {
            let (g, group_id) = (*g, group_id.clone());
            let mut load = || -> Result<StoredGroup, StoreError> {
                let config_json = open_text(
                    &self.key,
                    sealed_config,
                    &associated("groups", &group_id, "config"),
                    "group",
                )?;
                let mut keys = GroupKeys {
                    conn: &keys,
                    master: &self.key,
                    group_id: &group_id,
                };
                let snapshot: Option<(i64, i64, Vec<u8>, Option<u32>)> = snapshot_query
                    .query_row(params![g], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                    })
                    .optional()?;
                let (snapshot, after) = match snapshot {
                    Some((seq, row, sealed, month)) => {
                        let key = keys.get(month)?.ok_or_else(|| keys.shredded())?;
                        let ad = associated("snapshots", &group_id, &seq.to_string());
                        let json = open_text(&key, &sealed, &ad, "snapshot")?;
                        (Some((seq as u64, json)), row)
                    }
                    None => (None, 0),
                };
                let head: Option<i64> =
                    head_query.query_row(params![g], |r| r.get(0)).optional()?;
                let (inputs, recent_events) = walk_back(&mut row_query, &mut keys, head, after)?;
                Ok(StoredGroup {
                    group_id: GroupId::new(group_id.clone())
                        .map_err(|_| StoreError::Unreadable("group id".into()))?,
                    config_json,
                    snapshot,
                    inputs,
                    recent_events,
                })
            };
            match load() {
                Ok(group) => groups.push(group),
                Err(StoreError::Shredded(group_id)) if self.skip_shredded => tracing::error!(
                    %group_id,
                    "group not served: its stored state was sealed with a data key destroyed since (--skip-shredded)"
                ),
                Err(e) => return Err(e),
            }
        }
        Ok(groups)
    }
}

/// A group's keys as start-up reads its rows: the operator's for rows
/// sealed before month keys, else the slot's, if it still exists.
struct GroupKeys<'a> {
    conn: &'a rusqlite::Connection,
    master: &'a DataKey,
    group_id: &'a str,
}

impl GroupKeys<'_> {
    fn get(&mut self, slot: Option<u32>) -> Result<Option<DataKey>, StoreError> {
        match slot {
            None => Ok(Some(self.master.clone())),
            Some(slot) => read_key(
                self.conn,
                self.master,
                self.group_id,
                KeySlot::from_stored(slot),
            ),
        }
    }

    fn shredded(&self) -> StoreError {
        StoreError::Shredded(self.group_id.to_owned())
    }
}

/// A group's rows back from `head`, until the inputs after the snapshot's
/// row (`after`) and the replay window are read; both in order. A row whose
/// month key was destroyed ends the walk: it and every row before it are
/// older than the snapshot, which was written before the key was destroyed,
/// and their events are no longer replayed to anyone.
fn walk_back(
    row_query: &mut rusqlite::Statement<'_>,
    keys: &mut GroupKeys<'_>,
    head: Option<i64>,
    after: i64,
) -> Result<(Vec<StoredInput>, Vec<StoredEvent>), StoreError> {
    let mut inputs = Vec::new();
    let mut recent_events = Vec::new();
    let mut next = head;
    while let Some(id) = next {
        let (prev, first, last, audiences, sealed_inputs, sealed_events, month): LogRow = row_query
            .query_row(params![id], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })?;
        if !row_needed(id, after, recent_events.len()) {
            break;
        }
        let Some(key) = keys.get(month)? else {
            if id > after {
                return Err(keys.shredded());
            }
            break;
        };
        let (inputs_ad, events_ad) = flush_ads(keys.group_id, first, last, &audiences);
        if id > after {
            let batch: Vec<StoredInput> = open_rows(&key, &sealed_inputs, &inputs_ad, "inputs")?;
            inputs.extend(batch.into_iter().rev());
        }
        if recent_events.len() < STARTUP_REPLAY_WINDOW {
            let batch: Vec<StoredEvent> = open_rows(&key, &sealed_events, &events_ad, "events")?;
            recent_events.extend(batch.into_iter().rev());
        }
        next = prev;
    }
    inputs.reverse();
    recent_events.truncate(STARTUP_REPLAY_WINDOW);
    recent_events.reverse();
    Ok((inputs, recent_events))
}
