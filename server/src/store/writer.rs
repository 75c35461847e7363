//! The writer thread: group commit, one log row per group flush, and the
//! WAL's checkpoints between commits.

use super::keys::MonthKeys;
use super::links;
use super::seal::{associated, erased_config, seal_config, seal_flush};
use super::slot::{KeySlot, Shred};
use super::{Pending, StoreError, Write};
use crate::crypto::DataKey;
use rondo_protocol::retention::month_of;
use rusqlite::{params, Connection};
use std::collections::HashMap;
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// How often the writer copies the WAL back into the database. The writer
/// does it itself, between two commits: a checkpoint running beside a busy
/// writer never catches up with it, so the WAL would never start over and
/// would grow by every page every commit writes.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Copies every page in the WAL back into the database, so that the next
/// commit writes the WAL from its start again.
fn checkpoint(conn: &Connection) {
    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
        tracing::warn!(error = %e, "checkpoint failed");
    }
}

/// Commits start at least this far apart. Under load the writes of the
/// wait are committed together, with one fsync and one wake-up of the
/// writer for all of them; a write that finds the writer idle longer than
/// this is committed at once.
const COMMIT_GAP: Duration = Duration::from_millis(5);

/// Most writes committed in one transaction.
const WRITES_PER_COMMIT_MAX: usize = 512;
/// Queued writes, at most; a full queue makes writers wait.
const QUEUE_LEN_MAX: usize = 4096;

/// Starts the writer thread on `conn`; the sender queues writes for it.
pub(super) fn spawn(
    conn: Connection,
    key: DataKey,
    mut month_keys: MonthKeys,
    on_commit: impl Fn(Duration) + Send + 'static,
) -> Result<mpsc::SyncSender<Pending>, StoreError> {
    let group_keys = load_group_keys(&conn)?;
    finish_replacements(&conn, &mut month_keys)?;
    let (writer, queue) = mpsc::sync_channel::<Pending>(QUEUE_LEN_MAX);
    let keys = Keys {
        master: key,
        months: month_keys,
    };
    std::thread::Builder::new()
        .name("rondo-store".into())
        .spawn(move || write_loop(conn, keys, group_keys, queue, on_commit))
        .expect("spawning the store thread");
    Ok(writer)
}

/// The writer's keys: the operator's, for group configurations, and each
/// group's month keys, for its rows and snapshots.
struct Keys {
    master: DataKey,
    months: MonthKeys,
}

/// Where the writer appends a group's rows.
#[derive(Clone, Copy, Debug)]
struct GroupKey {
    g: i64,
    /// The group's newest row in the log.
    head: Option<i64>,
}

/// Each group's key, by its id.
fn load_group_keys(conn: &Connection) -> Result<HashMap<String, GroupKey>, StoreError> {
    let mut query = conn.prepare(
        "SELECT groups.group_id, groups.id, heads.last FROM groups LEFT JOIN heads ON heads.g = groups.id",
    )?;
    let keys = query
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                GroupKey {
                    g: r.get(1)?,
                    head: r.get(2)?,
                },
            ))
        })?
        .collect::<Result<_, _>>()?;
    Ok(keys)
}

/// A snapshot sealed with a key that replaced others was written by an
/// erasure, and every older key of its group was to be destroyed once it
/// was durable: a crash in between left them, and they go now.
fn finish_replacements(conn: &Connection, keys: &mut MonthKeys) -> Result<(), StoreError> {
    let mut query = conn.prepare(
        "SELECT groups.group_id, snapshots.month FROM snapshots JOIN groups ON groups.id = snapshots.g
         WHERE snapshots.month IS NOT NULL",
    )?;
    let sealed: Vec<(String, u32)> = query
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (group_id, stored) in sealed {
        let slot = KeySlot::from_stored(stored);
        if slot.replaced_others() {
            keys.destroy(&group_id, Shred::Erased, slot)?;
        }
    }
    Ok(())
}

fn write_loop(
    mut conn: Connection,
    mut keys: Keys,
    mut group_keys: HashMap<String, GroupKey>,
    queue: mpsc::Receiver<Pending>,
    on_commit: impl Fn(Duration),
) {
    let mut last_checkpoint = Instant::now();
    let mut last_commit = Instant::now();
    let mut unchecked = false;
    loop {
        let first = match queue.recv_timeout(CHECKPOINT_EVERY) {
            Ok(first) => Some(first),
            Err(mpsc::RecvTimeoutError::Timeout) => None,
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if unchecked && last_checkpoint.elapsed() >= CHECKPOINT_EVERY {
            checkpoint(&conn);
            last_checkpoint = Instant::now();
            unchecked = false;
        }
        let Some(first) = first else { continue };
        if let Some(wait) = COMMIT_GAP.checked_sub(last_commit.elapsed()) {
            std::thread::sleep(wait);
        }
        last_commit = Instant::now();
        let mut batch = vec![first];
        while batch.len() < WRITES_PER_COMMIT_MAX {
            match queue.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let started = Instant::now();
        let result = commit(
            &mut conn,
            &mut keys,
            &mut group_keys,
            batch.iter().map(|(w, _)| w),
        );
        on_commit(started.elapsed());
        let result = result.map_err(Arc::new);
        for (_, done) in batch {
            // The writer may have given up waiting; nothing to tell it then.
            let _ = done.send(result.clone());
        }
        unchecked = true;
    }
}

fn commit<'a>(
    conn: &mut Connection,
    keys: &mut Keys,
    group_keys: &mut HashMap<String, GroupKey>,
    writes: impl Iterator<Item = &'a Write>,
) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    // Keys as this transaction changes them; the writer's map learns them
    // only once it commits.
    let mut changed: HashMap<&str, GroupKey> = HashMap::new();
    // Keys to destroy once the snapshots replacing their rows are durable.
    let mut shredded: Vec<(&str, Shred, KeySlot)> = Vec::new();
    for write in writes {
        match write {
            Write::CreateGroup {
                group_id,
                config_json,
                ..
            } => {
                let group_id = group_id.as_str();
                let sealed = seal_config(&keys.master, group_id, config_json);
                tx.execute(
                    "INSERT INTO groups (group_id, config) VALUES (?1, ?2)",
                    params![group_id, sealed],
                )?;
                let created = GroupKey {
                    g: tx.last_insert_rowid(),
                    head: None,
                };
                changed.insert(group_id, created);
                run_links(&tx, write)?;
            }
            Write::Append {
                group_id,
                inputs,
                events,
                snapshot,
                shred,
                ..
            } => {
                let group_id = group_id.as_str();
                run_links(&tx, write)?;
                // Rows are sealed with the key of the month of their inputs;
                // a flush of links alone writes no row.
                let Some(month) = inputs.last().map(|input| month_of(input.at)) else {
                    continue;
                };
                let (slot, key) = match shred {
                    Some(Shred::Erased) => keys.months.replace(group_id, month)?,
                    _ => keys.months.for_month(group_id, month)?,
                };
                shredded.extend(shred.map(|shred| (group_id, shred, slot)));
                let mut at = changed
                    .get(group_id)
                    .or_else(|| group_keys.get(group_id))
                    .copied()
                    .ok_or_else(|| StoreError::UnknownGroup(group_id.to_owned()))?;
                // One row for the flush, however busy the group was.
                if let Some(flush) = seal_flush(&key, group_id, inputs, events) {
                    tx.prepare_cached(
                        "INSERT INTO log (g, prev, first_seq, seq, audiences, inputs, events, month)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    )?
                    .execute(params![
                        at.g,
                        at.head,
                        flush.first as i64,
                        flush.last as i64,
                        flush.audiences,
                        flush.inputs,
                        flush.events,
                        slot.stored(),
                    ])?;
                    at.head = Some(tx.last_insert_rowid());
                    tx.prepare_cached("INSERT OR REPLACE INTO heads (g, last) VALUES (?1, ?2)")?
                        .execute(params![at.g, at.head])?;
                    changed.insert(group_id, at);
                }
                if let Some((seq, json)) = snapshot {
                    let ad = associated("snapshots", group_id, &seq.to_string());
                    // The snapshot includes every row up to this flush's.
                    let row = at.head.unwrap_or(0);
                    tx.execute(
                        "INSERT OR REPLACE INTO snapshots (g, seq, row, payload, month)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![
                            at.g,
                            *seq as i64,
                            row,
                            key.seal(json.as_bytes(), &ad),
                            slot.stored()
                        ],
                    )?;
                    if *shred == Some(Shred::Erased) {
                        tx.execute(
                            "UPDATE groups SET config = ?1 WHERE id = ?2",
                            params![erased_config(&keys.master, group_id), at.g],
                        )?;
                    }
                }
            }
            Write::SetFeed { .. } | Write::SetToken { .. } => run_links(&tx, write)?,
        }
    }
    tx.commit()?;
    for (group_id, at) in changed {
        group_keys.insert(group_id.to_owned(), at);
    }
    // The flushes are durable either way; a key left behind by a crash
    // after an erasure goes at the next start (`finish_replacements`).
    keys.months.shred(shredded);
    Ok(())
}

/// What a write does to the members' links and feeds (`links.rs`).
fn run_links(tx: &rusqlite::Transaction<'_>, write: &Write) -> rusqlite::Result<()> {
    for statement in links::statements(write) {
        tx.prepare_cached(statement.sql)?
            .execute(rusqlite::params_from_iter(&statement.params))?;
    }
    Ok(())
}
