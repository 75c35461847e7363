//! Durable storage behind one small trait, with SQLite as the first implementation.
//!
//! Writes go to one writer thread that commits everything waiting in one
//! transaction (group commit): many groups' events share one disk flush. A
//! write's receiver resolves only once its transaction is durable
//! (`synchronous=FULL`), and only then may its events be sent.

use crate::crypto::DataKey;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;
use std::path::Path;
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

/// The SQLite store.
pub struct SqliteStore {
    writer: mpsc::SyncSender<Pending>,
    reader: Mutex<Connection>,
    key: DataKey,
}

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

/// Groups are keyed by a small integer in the log tables: short keys keep
/// the B-trees shallow and their comparisons cheap.
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
CREATE TABLE IF NOT EXISTS inputs (
    g INTEGER NOT NULL, seq INTEGER NOT NULL, first_seq INTEGER NOT NULL, payload BLOB NOT NULL,
    PRIMARY KEY (g, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
    g INTEGER NOT NULL, seq INTEGER NOT NULL, first_seq INTEGER NOT NULL,
    audiences TEXT NOT NULL, payload BLOB NOT NULL,
    PRIMARY KEY (g, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshots (
    g INTEGER PRIMARY KEY, seq INTEGER NOT NULL, payload BLOB NOT NULL
);
";

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

/// Each group's integer key, by its id.
fn load_group_keys(conn: &Connection) -> Result<HashMap<String, i64>, StoreError> {
    let mut query = conn.prepare("SELECT group_id, id FROM groups")?;
    let keys = query
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(keys)
}

fn write_loop(
    mut conn: Connection,
    key: DataKey,
    mut group_keys: HashMap<String, i64>,
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
    group_keys: &mut HashMap<String, i64>,
    writes: impl Iterator<Item = &'a Write>,
) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    let mut created = Vec::new();
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
                created.push((group_id.clone(), tx.last_insert_rowid()));
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
                let g = created
                    .iter()
                    .find(|(id, _)| id == group_id)
                    .map(|(_, g)| *g)
                    .or_else(|| group_keys.get(group_id).copied())
                    .ok_or_else(|| StoreError::UnknownGroup(group_id.clone()))?;
                // One row for the batch's inputs and one for its events: a
                // flush writes two rows per group, however busy the group was.
                if let (Some(first), Some(last)) = (inputs.first(), inputs.last()) {
                    let range = format!("{}-{}", first.seq, last.seq);
                    let payload = serde_json::to_vec(inputs).expect("inputs serialize");
                    let sealed = key.seal(&payload, &associated("inputs", group_id, &range));
                    tx.prepare_cached(
                        "INSERT INTO inputs (g, seq, first_seq, payload) VALUES (?1, ?2, ?3, ?4)",
                    )?
                    .execute(params![
                        g,
                        last.seq as i64,
                        first.seq as i64,
                        sealed
                    ])?;
                }
                if let (Some(first), Some(last)) = (events.first(), events.last()) {
                    let audiences = audiences(events);
                    let row = format!("{}-{}|{audiences}", first.seq, last.seq);
                    let payload = serde_json::to_vec(events).expect("events serialize");
                    let sealed = key.seal(&payload, &associated("events", group_id, &row));
                    tx.prepare_cached(
                        "INSERT INTO events (g, seq, first_seq, audiences, payload) VALUES (?1, ?2, ?3, ?4, ?5)",
                    )?
                    .execute(params![g, last.seq as i64, first.seq as i64, audiences, sealed])?;
                }
                if let Some((seq, json)) = snapshot {
                    let ad = associated("snapshots", group_id, &seq.to_string());
                    tx.execute(
                        "INSERT OR REPLACE INTO snapshots (g, seq, payload) VALUES (?1, ?2, ?3)",
                        params![g, *seq as i64, key.seal(json.as_bytes(), &ad)],
                    )?;
                    // Inputs before a snapshot are not needed to rebuild the group.
                    tx.execute(
                        "DELETE FROM inputs WHERE g = ?1 AND seq <= ?2",
                        params![g, *seq as i64],
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
    // Only once committed do new groups join the map.
    group_keys.extend(created);
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
        let conn = self.reader.lock().map_err(|_| StoreError::Stopped)?;
        let mut groups = Vec::new();
        let mut rows = conn.prepare("SELECT id, group_id, config FROM groups ORDER BY id")?;
        let stored: Vec<(i64, String, Vec<u8>)> = rows
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        let mut snapshot_query = conn.prepare("SELECT seq, payload FROM snapshots WHERE g = ?1")?;
        let mut inputs_query = conn.prepare(
            "SELECT seq, first_seq, payload FROM inputs WHERE g = ?1 AND seq > ?2 ORDER BY seq",
        )?;
        let mut events_query = conn.prepare(
            "SELECT seq, first_seq, audiences, payload FROM events WHERE g = ?1 ORDER BY seq DESC",
        )?;
        for (g, group_id, sealed_config) in stored {
            let config_json = self.open_payload(
                &sealed_config,
                &associated("groups", &group_id, "config"),
                "group",
            )?;
            let snapshot: Option<(i64, Vec<u8>)> = snapshot_query
                .query_row(params![g], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let snapshot = match snapshot {
                Some((seq, sealed)) => {
                    let ad = associated("snapshots", &group_id, &seq.to_string());
                    Some((seq as u64, self.open_payload(&sealed, &ad, "snapshot")?))
                }
                None => None,
            };
            let after = snapshot.as_ref().map_or(0, |(seq, _)| *seq as i64);
            let mut inputs = Vec::new();
            let rows = inputs_query.query_map(params![g, after], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                ))
            })?;
            for row in rows {
                let (last, first, sealed) = row?;
                let ad = associated("inputs", &group_id, &format!("{first}-{last}"));
                let batch: Vec<StoredInput> = self.open_rows(&sealed, &ad, "inputs")?;
                inputs.extend(batch.into_iter().filter(|i| i.seq as i64 > after));
            }
            // The newest rows, until the replay window is full.
            let mut recent_events = Vec::new();
            let mut rows = events_query.query(params![g])?;
            while recent_events.len() < STARTUP_REPLAY_WINDOW {
                let Some(row) = rows.next()? else { break };
                let (last, first): (i64, i64) = (row.get(0)?, row.get(1)?);
                let audiences: String = row.get(2)?;
                let sealed: Vec<u8> = row.get(3)?;
                let ad = associated("events", &group_id, &format!("{first}-{last}|{audiences}"));
                let batch: Vec<StoredEvent> = self.open_rows(&sealed, &ad, "events")?;
                recent_events.extend(batch.into_iter().rev());
            }
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

    fn check(&self) -> Result<(), StoreError> {
        let conn = self.reader.lock().map_err(|_| StoreError::Stopped)?;
        conn.query_row("SELECT 1", [], |_| Ok(()))?;
        Ok(())
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
            "UPDATE events SET payload = (SELECT payload FROM events WHERE seq = 2) WHERE seq = 1;",
        )
        .unwrap();
        assert!(matches!(
            store.load_groups(),
            Err(StoreError::Undecryptable(_))
        ));
    }
}
