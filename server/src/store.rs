//! Durable storage behind one small trait, with SQLite as the first implementation.
//!
//! Writes go to one writer thread that commits everything waiting in one
//! transaction (group commit): many groups' events share one disk flush. A
//! write's receiver resolves only once its transaction is durable
//! (`synchronous=FULL`), and only then may its events be sent.
//!
//! Every group's flushes go to one append-only `log`, in the order they were
//! committed, each row pointing back to its group's previous row. A commit
//! then writes the pages at the log's end (and the small table of each
//! group's newest row), however many groups it carries; a table keyed by
//! group would rewrite a page of its own for every group in every commit.

use crate::crypto::DataKey;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// Most writes committed in one transaction.
const WRITES_PER_COMMIT_MAX: usize = 512;
/// Events per group kept at hand to replay to a resuming client.
pub const REPLAY_WINDOW: usize = 512;
/// Events per group read back at start-up: enough for the clients that were
/// connected at the crash to resume, few enough to start in seconds.
const STARTUP_REPLAY_WINDOW: usize = 128;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("a stored payload failed to decrypt ({0}): wrong data key or altered data")]
    Undecryptable(String),
    #[error("the data key does not match this database")]
    WrongKey,
    #[error("the store has stopped")]
    Stopped,
    #[error("no group {0} in the store")]
    UnknownGroup(String),
}

/// Who a token belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenOwner {
    pub group_id: String,
    /// `None` for the group's convener.
    pub member_id: Option<String>,
    pub token_hash: [u8; 32],
}

/// One logged input: the seq of its last event, when it happened, and the input.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct StoredInput {
    pub seq: u64,
    pub at: u64,
    pub json: String,
}

/// One event with its audience (`None`: everyone), both as JSON.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct StoredEvent {
    pub seq: u64,
    pub audience: Option<String>,
    pub json: String,
}

/// A write to make durable.
#[derive(Debug)]
pub enum Write {
    CreateGroup {
        group_id: String,
        config_json: String,
        /// (member id or `None` for the convener, token hash)
        tokens: Vec<(Option<String>, [u8; 32])>,
    },
    /// One flush of a group: the inputs to replay (those that changed
    /// something, and commands, whose answers are to be kept) and the events.
    Append {
        group_id: String,
        inputs: Vec<StoredInput>,
        events: Vec<StoredEvent>,
        /// The engine's state after these inputs, now and then, so start-up
        /// does not replay a group's whole history.
        snapshot: Option<(u64, String)>,
    },
    /// Replaces a member's (or the convener's) tokens with one new one;
    /// `None` as the hash just removes them.
    SetToken {
        group_id: String,
        member_id: Option<String>,
        token_hash: Option<[u8; 32]>,
    },
}

/// A group as stored: enough to rebuild its engine.
#[derive(Debug)]
pub struct StoredGroup {
    pub group_id: String,
    pub config_json: String,
    pub snapshot: Option<(u64, String)>,
    pub inputs: Vec<StoredInput>,
    pub recent_events: Vec<StoredEvent>,
}

/// Durable storage, as the server needs it.
pub trait Store: Send + Sync {
    /// Queues a write; the receiver resolves once it is durable.
    fn write(&self, write: Write) -> oneshot::Receiver<Result<(), Arc<StoreError>>>;
    /// Looks a token's hash up (blocking).
    fn token_owner(&self, token_hash: &[u8; 32]) -> Result<Option<TokenOwner>, StoreError>;
    /// Every group, for start-up (blocking).
    fn load_groups(&self) -> Result<Vec<StoredGroup>, StoreError>;
    /// Answers when the database does (blocking).
    fn check(&self) -> Result<(), StoreError>;
}

type Pending = (Write, oneshot::Sender<Result<(), Arc<StoreError>>>);

/// prev, first_seq, seq, audiences, sealed inputs, sealed events.
type LogRow = (Option<i64>, u64, u64, String, Vec<u8>, Vec<u8>);

/// The SQLite store.
pub struct SqliteStore {
    path: PathBuf,
    writer: mpsc::SyncSender<Pending>,
    reader: Mutex<Connection>,
    key: DataKey,
}

/// Threads that read the groups back at start-up, at most.
const LOAD_THREADS_MAX: usize = 4;

/// A group's row in `groups`: its key, its id, its sealed configuration.
type GroupRow = (i64, String, Vec<u8>);

/// How often the writer copies the WAL back into the database. The writer
/// does it itself, between two commits: a checkpoint running beside a busy
/// writer never catches up with it, so the WAL would never start over and
/// would grow by every page every commit writes.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Page cache of the writer. Larger caches save page reads under load but
/// are paid in resident memory by every idle server (16 MiB cost 0.8 KiB a
/// member at 19 000 members), so it stays at SQLite's default, like the
/// reader's.
const WRITER_CACHE_KIB: i64 = 2 * 1024;

fn open(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    conn.execute_batch(
        "PRAGMA journal_mode=WAL;
         PRAGMA synchronous=FULL;
         PRAGMA busy_timeout=5000;
         PRAGMA wal_autocheckpoint=0;",
    )?;
    Ok(conn)
}

/// Copies every page in the WAL back into the database, so that the next
/// commit writes the WAL from its start again.
fn checkpoint(conn: &Connection) {
    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
        tracing::warn!(error = %e, "checkpoint failed");
    }
}

/// Groups are keyed by a small integer in the log: short keys keep rows small.
const SCHEMA: &str = "
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
CREATE TABLE IF NOT EXISTS heads (g INTEGER PRIMARY KEY, last INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS snapshots (
    g INTEGER PRIMARY KEY, seq INTEGER NOT NULL, row INTEGER NOT NULL, payload BLOB NOT NULL
);
";

/// The log table, under `name` (compaction writes a second one).
pub(crate) fn create_log(name: &str) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {name} (
            id INTEGER PRIMARY KEY,
            g INTEGER NOT NULL,
            prev INTEGER,
            first_seq INTEGER NOT NULL, seq INTEGER NOT NULL,
            audiences TEXT NOT NULL, inputs BLOB NOT NULL, events BLOB NOT NULL
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

/// What a payload's associated data says: the table, the group, the row.
fn associated(table: &str, group_id: &str, row: &str) -> Vec<u8> {
    format!("rondo.v1|{table}|{group_id}|{row}").into_bytes()
}

/// Who may see each event of a row, in plain text (member ids only), so the
/// associated data binds every sealed event to its audience: a note's row
/// names its author.
fn audiences(events: &[StoredEvent]) -> String {
    let each: Vec<&str> = events
        .iter()
        .map(|e| e.audience.as_deref().unwrap_or("*"))
        .collect();
    each.join(";")
}

impl SqliteStore {
    /// Opens (or creates) the database, checking the data key against it.
    pub fn open(
        path: &Path,
        key: DataKey,
        on_commit: impl Fn(Duration) + Send + 'static,
    ) -> Result<SqliteStore, StoreError> {
        let conn = open(path)?;
        conn.execute_batch(SCHEMA)?;
        conn.execute_batch(&create_log("log"))?;
        conn.execute_batch(&format!("PRAGMA cache_size=-{WRITER_CACHE_KIB};"))?;
        check_key(&conn, &key)?;
        let reader = open(path)?;
        let group_keys = load_group_keys(&conn)?;
        let (writer, queue) = mpsc::sync_channel::<Pending>(4096);
        let writer_key = key.clone();
        std::thread::Builder::new()
            .name("rondo-store".into())
            .spawn(move || write_loop(conn, writer_key, group_keys, queue, on_commit))
            .expect("spawning the store thread");
        Ok(SqliteStore {
            path: path.to_owned(),
            writer,
            reader: Mutex::new(reader),
            key,
        })
    }

    /// Opens a sealed row holding a JSON array.
    fn open_rows<T: serde::de::DeserializeOwned>(
        &self,
        sealed: &[u8],
        ad: &[u8],
        what: &str,
    ) -> Result<Vec<T>, StoreError> {
        let json = self.open_payload(sealed, ad, what)?;
        serde_json::from_str(&json).map_err(|_| StoreError::Undecryptable(what.to_owned()))
    }

    fn open_payload(&self, sealed: &[u8], ad: &[u8], what: &str) -> Result<String, StoreError> {
        let plain = self
            .key
            .open(sealed, ad)
            .ok_or_else(|| StoreError::Undecryptable(what.to_owned()))?;
        String::from_utf8(plain).map_err(|_| StoreError::Undecryptable(what.to_owned()))
    }
}

/// A database knows its key by one sealed row; a different key cannot open it.
fn check_key(conn: &Connection, key: &DataKey) -> Result<(), StoreError> {
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

fn write_loop(
    mut conn: Connection,
    key: DataKey,
    mut group_keys: HashMap<String, GroupKey>,
    queue: mpsc::Receiver<Pending>,
    on_commit: impl Fn(Duration),
) {
    let mut last_checkpoint = Instant::now();
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
            &key,
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
    key: &DataKey,
    group_keys: &mut HashMap<String, GroupKey>,
    writes: impl Iterator<Item = &'a Write>,
) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    // Keys as this transaction changes them; the writer's map learns them
    // only once it commits.
    let mut changed: HashMap<&str, GroupKey> = HashMap::new();
    for write in writes {
        match write {
            Write::CreateGroup {
                group_id,
                config_json,
                tokens,
            } => {
                let sealed = key.seal(
                    config_json.as_bytes(),
                    &associated("groups", group_id, "config"),
                );
                tx.execute(
                    "INSERT INTO groups (group_id, config) VALUES (?1, ?2)",
                    params![group_id, sealed],
                )?;
                let created = GroupKey {
                    g: tx.last_insert_rowid(),
                    head: None,
                };
                changed.insert(group_id, created);
                for (member_id, hash) in tokens {
                    tx.execute(
                        "INSERT INTO tokens (token_hash, group_id, member_id) VALUES (?1, ?2, ?3)",
                        params![&hash[..], group_id, member_id],
                    )?;
                }
            }
            Write::Append {
                group_id,
                inputs,
                events,
                snapshot,
            } => {
                let mut at = changed
                    .get(group_id.as_str())
                    .or_else(|| group_keys.get(group_id))
                    .copied()
                    .ok_or_else(|| StoreError::UnknownGroup(group_id.clone()))?;
                // One row for the flush, however busy the group was. Refused
                // commands have inputs and no events: their range is empty,
                // just past the group's seq.
                let seqs = match (events.first(), events.last(), inputs.last()) {
                    (Some(first), Some(last), _) => Some((first.seq, last.seq)),
                    (None, _, Some(input)) => Some((input.seq + 1, input.seq)),
                    _ => None,
                };
                if let Some((first, last)) = seqs {
                    let range = format!("{first}-{last}");
                    let audiences = audiences(events);
                    let inputs = serde_json::to_vec(inputs).expect("inputs serialize");
                    let events = serde_json::to_vec(events).expect("events serialize");
                    let inputs_ad = associated("inputs", group_id, &range);
                    let events_ad = associated("events", group_id, &format!("{range}|{audiences}"));
                    tx.prepare_cached(
                        "INSERT INTO log (g, prev, first_seq, seq, audiences, inputs, events)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    )?
                    .execute(params![
                        at.g,
                        at.head,
                        first as i64,
                        last as i64,
                        audiences,
                        key.seal(&inputs, &inputs_ad),
                        key.seal(&events, &events_ad),
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
                        "INSERT OR REPLACE INTO snapshots (g, seq, row, payload) VALUES (?1, ?2, ?3, ?4)",
                        params![at.g, *seq as i64, row, key.seal(json.as_bytes(), &ad)],
                    )?;
                }
            }
            Write::SetToken {
                group_id,
                member_id,
                token_hash,
            } => {
                tx.execute(
                    "DELETE FROM tokens WHERE group_id = ?1 AND member_id IS ?2",
                    params![group_id, member_id],
                )?;
                if let Some(hash) = token_hash {
                    tx.execute(
                        "INSERT INTO tokens (token_hash, group_id, member_id) VALUES (?1, ?2, ?3)",
                        params![&hash[..], group_id, member_id],
                    )?;
                }
            }
        }
    }
    tx.commit()?;
    for (group_id, at) in changed {
        group_keys.insert(group_id.to_owned(), at);
    }
    Ok(())
}

impl Store for SqliteStore {
    fn write(&self, write: Write) -> oneshot::Receiver<Result<(), Arc<StoreError>>> {
        let (done, receiver) = oneshot::channel();
        if let Err(mpsc::SendError((_, done))) = self.writer.send((write, done)) {
            let _ = done.send(Err(Arc::new(StoreError::Stopped)));
        }
        receiver
    }

    fn token_owner(&self, token_hash: &[u8; 32]) -> Result<Option<TokenOwner>, StoreError> {
        let conn = self.reader.lock().map_err(|_| StoreError::Stopped)?;
        let row: Option<(Vec<u8>, String, Option<String>)> = conn
            .prepare_cached(
                "SELECT token_hash, group_id, member_id FROM tokens WHERE token_hash = ?1",
            )?
            .query_row(params![&token_hash[..]], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        Ok(row.and_then(|(stored, group_id, member_id)| {
            let stored: [u8; 32] = stored.try_into().ok()?;
            // The index found the row; compare in constant time all the same,
            // so the answer never depends on how much of a hash matched.
            let same: bool = subtle::ConstantTimeEq::ct_eq(&stored[..], &token_hash[..]).into();
            same.then_some(TokenOwner {
                group_id,
                member_id,
                token_hash: stored,
            })
        }))
    }

    fn load_groups(&self) -> Result<Vec<StoredGroup>, StoreError> {
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

    fn check(&self) -> Result<(), StoreError> {
        let conn = self.reader.lock().map_err(|_| StoreError::Stopped)?;
        conn.query_row("SELECT 1", [], |_| Ok(()))?;
        Ok(())
    }
}

impl SqliteStore {
    /// What rebuilds some of the groups: each one's configuration, snapshot,
    /// inputs since the snapshot and newest events.
    fn load_part(&self, part: &[GroupRow]) -> Result<Vec<StoredGroup>, StoreError> {
        let mut conn = open(&self.path)?;
        // One read transaction for the whole walk: each row is a point
        // lookup, and each would otherwise take and drop the file's locks.
        let conn = conn.transaction()?;
        let mut groups = Vec::new();
        let mut snapshot_query =
            conn.prepare("SELECT seq, row, payload FROM snapshots WHERE g = ?1")?;
        let mut head_query = conn.prepare("SELECT last FROM heads WHERE g = ?1")?;
        let mut row_query = conn.prepare(
            "SELECT prev, first_seq, seq, audiences, inputs, events FROM log WHERE id = ?1",
        )?;
        for (g, group_id, sealed_config) in part {
            let (g, group_id) = (*g, group_id.clone());
            let config_json = self.open_payload(
                sealed_config,
                &associated("groups", &group_id, "config"),
                "group",
            )?;
            let snapshot: Option<(i64, i64, Vec<u8>)> = snapshot_query
                .query_row(params![g], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            let (snapshot, after) = match snapshot {
                Some((seq, row, sealed)) => {
                    let ad = associated("snapshots", &group_id, &seq.to_string());
                    let json = self.open_payload(&sealed, &ad, "snapshot")?;
                    (Some((seq as u64, json)), row)
                }
                None => (None, 0),
            };
            // Back from the newest row, until the inputs since the snapshot
            // and the replay window are complete.
            let mut inputs = Vec::new();
            let mut recent_events = Vec::new();
            let mut next: Option<i64> =
                head_query.query_row(params![g], |r| r.get(0)).optional()?;
            while let Some(id) = next {
                let (prev, first, last, audiences, sealed_inputs, sealed_events): LogRow =
                    row_query.query_row(params![id], |r| {
                        Ok((
                            r.get(0)?,
                            r.get(1)?,
                            r.get(2)?,
                            r.get(3)?,
                            r.get(4)?,
                            r.get(5)?,
                        ))
                    })?;
                if !row_needed(id, after, recent_events.len()) {
                    break;
                }
                let range = format!("{first}-{last}");
                let inputs_needed = id > after;
                let events_needed = recent_events.len() < STARTUP_REPLAY_WINDOW;
                if inputs_needed {
                    let ad = associated("inputs", &group_id, &range);
                    let batch: Vec<StoredInput> = self.open_rows(&sealed_inputs, &ad, "inputs")?;
                    inputs.extend(batch.into_iter().rev());
                }
                if events_needed {
                    let ad = associated("events", &group_id, &format!("{range}|{audiences}"));
                    let batch: Vec<StoredEvent> = self.open_rows(&sealed_events, &ad, "events")?;
                    recent_events.extend(batch.into_iter().rev());
                }
                next = prev;
            }
            inputs.reverse();
            recent_events.truncate(STARTUP_REPLAY_WINDOW);
            recent_events.reverse();
            groups.push(StoredGroup {
                group_id,
                config_json,
                snapshot,
                inputs,
                recent_events,
            });
        }
        Ok(groups)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: &str) -> DataKey {
        DataKey::from_hex(&byte.repeat(32)).unwrap()
    }

    async fn written(store: &SqliteStore, write: Write) {
        store.write(write).await.unwrap().unwrap();
    }

    #[tokio::test]
    async fn appends_survive_reopening_and_a_wrong_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        {
            let store = SqliteStore::open(&path, key("ab"), |_| {}).unwrap();
            written(
                &store,
                Write::CreateGroup {
                    group_id: "g".into(),
                    config_json: "{}".into(),
                    tokens: vec![(Some("m".into()), [7; 32])],
                },
            )
            .await;
            written(
                &store,
                Write::Append {
                    group_id: "g".into(),
                    inputs: vec![StoredInput {
                        seq: 2,
                        at: 5,
                        json: "\"i\"".into(),
                    }],
                    events: vec![
                        StoredEvent {
                            seq: 1,
                            audience: None,
                            json: "e1".into(),
                        },
                        StoredEvent {
                            seq: 2,
                            audience: Some("[\"m\"]".into()),
                            json: "CANARY".into(),
                        },
                    ],
                    snapshot: None,
                },
            )
            .await;
            let owner = store.token_owner(&[7; 32]).unwrap().unwrap();
            assert_eq!(owner.member_id.as_deref(), Some("m"));
            assert!(store.token_owner(&[8; 32]).unwrap().is_none());
        }
        let store = SqliteStore::open(&path, key("ab"), |_| {}).unwrap();
        let groups = store.load_groups().unwrap();
        assert_eq!(groups[0].inputs.len(), 1);
        assert_eq!(groups[0].recent_events[1].json, "CANARY");
        drop(store);
        assert!(matches!(
            SqliteStore::open(&path, key("cd"), |_| {}),
            Err(StoreError::WrongKey)
        ));
        // Nothing is stored in plaintext.
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            assert!(!bytes.windows(6).any(|w| w == b"CANARY"));
        }
    }

    #[tokio::test]
    async fn start_up_reads_the_inputs_since_the_snapshot_and_the_newest_events() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        let store = SqliteStore::open(&path, key("ab"), |_| {}).unwrap();
        for group_id in ["a", "b"] {
            let write = Write::CreateGroup {
                group_id: group_id.into(),
                config_json: "{}".into(),
                tokens: vec![],
            };
            written(&store, write).await;
        }
        // Two groups' flushes interleaved in the log; "a" snapshots at seq 100.
        let events_per_flush = 50;
        for flush in 0..6u64 {
            for group_id in ["a", "b"] {
                let seqs = flush * events_per_flush + 1..=(flush + 1) * events_per_flush;
                let events = seqs
                    .clone()
                    .map(|seq| StoredEvent {
                        seq,
                        audience: None,
                        json: format!("{group_id}{seq}"),
                    })
                    .collect();
                let last = *seqs.end();
                let inputs = vec![StoredInput {
                    seq: last,
                    at: 0,
                    json: format!("\"{group_id}{last}\""),
                }];
                let snapshot = (group_id == "a" && last == 100).then(|| (100, "{}".to_owned()));
                let write = Write::Append {
                    group_id: group_id.into(),
                    inputs,
                    events,
                    snapshot,
                };
                written(&store, write).await;
            }
        }
        drop(store);
        let store = SqliteStore::open(&path, key("ab"), |_| {}).unwrap();
        let groups = store.load_groups().unwrap();
        let a = groups.iter().find(|g| g.group_id == "a").unwrap();
        let input_seqs: Vec<u64> = a.inputs.iter().map(|i| i.seq).collect();
        assert_eq!(
            input_seqs,
            [150, 200, 250, 300],
            "the inputs after the snapshot"
        );
        let b = groups.iter().find(|g| g.group_id == "b").unwrap();
        assert_eq!(b.inputs.len(), 6, "no snapshot: every input");
        for group in [a, b] {
            let seqs: Vec<u64> = group.recent_events.iter().map(|e| e.seq).collect();
            let newest: Vec<u64> = (300 - STARTUP_REPLAY_WINDOW as u64 + 1..=300).collect();
            assert_eq!(seqs, newest, "the newest events, in order");
            let own = format!("{}300", group.group_id);
            assert_eq!(group.recent_events.last().unwrap().json, own);
        }
    }

    #[tokio::test]
    async fn swapped_ciphertexts_fail_to_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        let store = SqliteStore::open(&path, key("ab"), |_| {}).unwrap();
        written(
            &store,
            Write::CreateGroup {
                group_id: "g".into(),
                config_json: "{}".into(),
                tokens: vec![],
            },
        )
        .await;
        // Two flushes: two rows.
        for seq in 1..=2 {
            let events = vec![StoredEvent {
                seq,
                audience: None,
                json: format!("e{seq}"),
            }];
            let write = Write::Append {
                group_id: "g".into(),
                inputs: vec![],
                events,
                snapshot: None,
            };
            written(&store, write).await;
        }
        assert_eq!(store.load_groups().unwrap()[0].recent_events.len(), 2);
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "UPDATE log SET events = (SELECT events FROM log WHERE seq = 2) WHERE seq = 1;",
        )
        .unwrap();
        assert!(matches!(
            store.load_groups(),
            Err(StoreError::Undecryptable(_))
        ));
    }
}
