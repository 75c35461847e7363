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

mod keys;
mod links;
mod load;
#[cfg(test)]
pub mod memory;
pub mod postgres;
mod schema;
mod seal;
mod slot;
mod writer;

use links::{feed_of, owner_of, TokenRow};
pub(crate) use schema::{add_months, create_log, row_needed};
use schema::{check_key, open, SCHEMA};
pub use slot::Shred;

use crate::crypto::DataKey;
use rondo_protocol::ids::{GroupId, MemberId};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;

pub use rondo_protocol::group::{StoredEvent, StoredInput, REPLAY_WINDOW};
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
    #[error("group {0}'s stored state was sealed with a data key destroyed when its retention passed or a former member was erased: this copy is older than that")]
    Shredded(String),
    #[error(
        "rows are sealed with data keys kept in a database of their own: start with --keys-store"
    )]
    NoKeysStore,
    #[error("a stored {0} decrypted but is not valid")]
    Unreadable(String),
    #[error("group {group_id} cannot be rebuilt: {reason}")]
    Unreplayable {
        group_id: GroupId,
        reason: crate::group::RecoveryError,
    },
    #[error("the store has stopped")]
    Stopped,
    #[error("the store's queue of writes is full")]
    Overloaded,
    #[error("PostgreSQL: {0}")]
    Postgres(String),
    #[error("the database was migrated by a newer version of rondo (schema {found}; this one knows {known}): refusing to start")]
    NewerSchema { found: usize, known: usize },
    #[error("another node owns this group now")]
    Fenced,
    #[error("no group {0} in the store")]
    UnknownGroup(String),
}

/// Who a token belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenOwner {
    pub group_id: GroupId,
    /// `None` for the group's convener.
    pub member_id: Option<MemberId>,
    pub token_hash: [u8; 32],
}

/// A write to make durable.
#[derive(Debug)]
pub enum Write {
    CreateGroup {
        group_id: GroupId,
        config_json: String,
        /// (member id or `None` for the convener, token hash)
        tokens: Vec<(Option<MemberId>, [u8; 32])>,
    },
    /// One flush of a group: the inputs to replay (those that changed
    /// something, and commands, whose answers are to be kept) and the events.
    Append {
        group_id: GroupId,
        inputs: Vec<StoredInput>,
        events: Vec<StoredEvent>,
        /// The engine's state after these inputs, now and then, so start-up
        /// does not replay a group's whole history.
        snapshot: Option<(u64, String)>,
        /// The engine's next deadline (ms since the epoch): with several
        /// nodes, a node that outlives this group's owner fires it.
        next_deadline: Option<u64>,
        /// The group's data keys this flush (which then carries a
        /// snapshot) makes unneeded, destroyed once it is durable: those of
        /// months past the group's retention, or all before an erasure.
        shred: Option<Shred>,
        /// Members' links given or taken in this flush, committed with the
        /// input that made the change: a member removed in the engine never
        /// keeps a working token, and a retry finds them as they were.
        tokens: Vec<TokenChange>,
    },
    /// Replaces a member's (or the convener's) tokens with one new one;
    /// `None` as the hash just removes them. A member's calendar feed goes
    /// with their old link.
    SetToken {
        group_id: GroupId,
        member_id: Option<MemberId>,
        token_hash: Option<[u8; 32]>,
    },
    /// Replaces a member's calendar feed token with a new one.
    SetFeed {
        group_id: GroupId,
        member_id: MemberId,
        token_hash: [u8; 32],
    },
}

/// A member's link replaced (`Some`: by the token with this hash) or taken
/// (`None`); their calendar feed goes with the old one.
#[derive(Debug, Clone)]
pub struct TokenChange {
    pub member_id: MemberId,
    pub token_hash: Option<[u8; 32]>,
}

/// A group as stored: enough to rebuild its engine.
#[derive(Clone, Debug)]
pub struct StoredGroup {
    pub group_id: GroupId,
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
    /// Whose calendar feed a token's hash opens (blocking).
    fn feed_owner(&self, token_hash: &[u8; 32]) -> Result<Option<(GroupId, MemberId)>, StoreError>;
    /// Every group, for start-up (blocking).
    fn load_groups(&self) -> Result<Vec<StoredGroup>, StoreError>;
    /// Answers when the database does (blocking).
    fn check(&self) -> Result<(), StoreError>;
    /// The store several nodes share, if this is it: groups are then
    /// claimed from it one by one instead of loaded at start.
    fn cluster(self: Arc<Self>) -> Option<Arc<postgres::PgStore>> {
        None
    }
}

type Pending = (Write, oneshot::Sender<Result<(), Arc<StoreError>>>);

/// The SQLite store.
pub struct SqliteStore {
    path: PathBuf,
    /// The file of each group's month keys (`keys.rs`).
    keys_path: PathBuf,
    writer: mpsc::SyncSender<Pending>,
    reader: Mutex<Connection>,
    key: DataKey,
    /// Whether start-up leaves out a group sealed with a destroyed key
    /// instead of refusing the whole database.
    skip_shredded: bool,
}

/// Page cache of the writer. Larger caches save page reads under load but
/// are paid in resident memory by every idle server (16 MiB cost 0.8 KiB a
/// member at 19 000 members), so it stays at SQLite's default, like the
/// reader's.
const WRITER_CACHE_KIB: i64 = 2 * 1024;

impl SqliteStore {
    /// Opens (or creates) the database and its file of month keys,
    /// checking the operator's key against the database.
    pub fn open(
        path: &Path,
        keys_path: &Path,
        key: DataKey,
        on_commit: impl Fn(Duration) + Send + 'static,
    ) -> Result<SqliteStore, StoreError> {
        let conn = open(path)?;
        conn.execute_batch(SCHEMA)?;
        conn.execute_batch(&create_log("log"))?;
        add_months(&conn)?;
        conn.execute_batch(&format!("PRAGMA cache_size=-{WRITER_CACHE_KIB};"))?;
        check_key(&conn, &key)?;
        let reader = open(path)?;
        let month_keys = keys::MonthKeys::new(keys::open_keys(keys_path)?, key.clone());
        let writer = writer::spawn(conn, key.clone(), month_keys, on_commit)?;
        Ok(SqliteStore {
            path: path.to_owned(),
            keys_path: keys_path.to_owned(),
            writer,
            reader: Mutex::new(reader),
            key,
            skip_shredded: false,
        })
    }

    /// Start-up then leaves out each group sealed with a destroyed data key
    /// (`--skip-shredded`), naming it in the log.
    pub fn skipping_shredded(mut self, skip: bool) -> SqliteStore {
        self.skip_shredded = skip;
        self
    }
}

impl SqliteStore {
    /// A token's row in `tokens` or `feeds`, read with `sql` (`links.rs`).
    fn lookup(&self, sql: &str, token_hash: &[u8; 32]) -> Result<Option<TokenRow>, StoreError> {
        let conn = self.reader.lock().map_err(|_| StoreError::Stopped)?;
        let row = conn
            .prepare_cached(sql)?
            .query_row(params![&token_hash[..]], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        Ok(row)
    }
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
        owner_of(self.lookup(links::LOOKUP_TOKEN, token_hash)?, token_hash)
    }

    fn feed_owner(&self, token_hash: &[u8; 32]) -> Result<Option<(GroupId, MemberId)>, StoreError> {
        feed_of(owner_of(
            self.lookup(links::LOOKUP_FEED, token_hash)?,
            token_hash,
        )?)
    }

    fn load_groups(&self) -> Result<Vec<StoredGroup>, StoreError> {
        self.load_all()
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

    fn keys_path(path: &Path) -> PathBuf {
        path.with_extension("datakeys")
    }

    fn id(group_id: &str) -> GroupId {
        GroupId::new(group_id).unwrap()
    }

    async fn created(
        store: &SqliteStore,
        group_id: &str,
        tokens: Vec<(Option<MemberId>, [u8; 32])>,
    ) {
        let config_json = "{}".into();
        let group_id = id(group_id);
        written(
            store,
            Write::CreateGroup {
                group_id,
                config_json,
                tokens,
            },
        )
        .await;
    }

    #[tokio::test]
    async fn appends_survive_reopening_and_a_wrong_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        {
            let store = SqliteStore::open(&path, &keys_path(&path), key("ab"), |_| {}).unwrap();
            created(
                &store,
                "g",
                vec![(Some(MemberId::new("m").unwrap()), [7; 32])],
            )
            .await;
            written(
                &store,
                Write::Append {
                    group_id: id("g"),
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
                    next_deadline: None,
                    shred: None,
                    tokens: Vec::new(),
                },
            )
            .await;
            let owner = store.token_owner(&[7; 32]).unwrap().unwrap();
            assert_eq!(owner.member_id.unwrap().as_str(), "m");
            assert!(store.token_owner(&[8; 32]).unwrap().is_none());
        }
        let store = SqliteStore::open(&path, &keys_path(&path), key("ab"), |_| {}).unwrap();
        let groups = store.load_groups().unwrap();
        assert_eq!(groups[0].inputs.len(), 1);
        assert_eq!(groups[0].recent_events[1].json, "CANARY");
        drop(store);
        assert!(matches!(
            SqliteStore::open(&path, &keys_path(&path), key("cd"), |_| {}),
            Err(StoreError::WrongKey)
        ));
        // Nothing is stored in plaintext.
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            // The closed store's thread may remove its WAL and shared-memory
            // files while this reads the folder: a file gone holds nothing.
            let bytes = match std::fs::read(entry.unwrap().path()) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                read => read.unwrap(),
            };
            assert!(!bytes.windows(6).any(|w| w == b"CANARY"));
        }
    }

    #[tokio::test]
    async fn start_up_reads_the_inputs_since_the_snapshot_and_the_newest_events() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        let store = SqliteStore::open(&path, &keys_path(&path), key("ab"), |_| {}).unwrap();
        for group_id in ["a", "b"] {
            created(&store, group_id, vec![]).await;
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
                    group_id: id(group_id),
                    inputs,
                    events,
                    snapshot,
                    next_deadline: None,
                    shred: None,
                    tokens: Vec::new(),
                };
                written(&store, write).await;
            }
        }
        drop(store);
        let store = SqliteStore::open(&path, &keys_path(&path), key("ab"), |_| {}).unwrap();
        let groups = store.load_groups().unwrap();
        let a = groups.iter().find(|g| g.group_id.as_str() == "a").unwrap();
        let input_seqs: Vec<u64> = a.inputs.iter().map(|i| i.seq).collect();
        assert_eq!(
            input_seqs,
            [150, 200, 250, 300],
            "the inputs after the snapshot"
        );
        let b = groups.iter().find(|g| g.group_id.as_str() == "b").unwrap();
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
        let store = SqliteStore::open(&path, &keys_path(&path), key("ab"), |_| {}).unwrap();
        created(&store, "g", vec![]).await;
        // Two flushes: two rows.
        for seq in 1..=2 {
            let events = vec![StoredEvent {
                seq,
                audience: None,
                json: format!("e{seq}"),
            }];
            // Every flush with events logs the input that made them.
            let inputs = vec![StoredInput {
                seq,
                at: 5,
                json: format!("\"i{seq}\""),
            }];
            let write = Write::Append {
                group_id: id("g"),
                inputs,
                events,
                snapshot: None,
                next_deadline: None,
                shred: None,
                tokens: Vec::new(),
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

    /// A flush at `at` of one input and one event, maybe with a snapshot.
    fn flush_at(seq: u64, at: u64, snapshot: bool, shred: Option<Shred>) -> Write {
        Write::Append {
            group_id: id("g"),
            inputs: vec![StoredInput {
                seq,
                at,
                json: format!("\"i{seq}\""),
            }],
            events: vec![StoredEvent {
                seq,
                audience: None,
                json: format!("{{\"type\":\"x\",\"n\":\"CANARY{seq}\"}}"),
            }],
            snapshot: snapshot.then(|| (seq, format!("snapshot {seq}"))),
            next_deadline: None,
            shred,
            tokens: Vec::new(),
        }
    }

    #[tokio::test]
    async fn rows_of_a_month_whose_key_is_destroyed_no_longer_open() {
        use rondo_protocol::retention::month_start;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        let keys = keys_path(&path);
        let store = SqliteStore::open(&path, &keys, key("ab"), |_| {}).unwrap();
        created(&store, "g", vec![]).await;
        let (january, march) = (month_start(684) + 1, month_start(686) + 1);
        written(&store, flush_at(1, january, true, None)).await;
        written(&store, flush_at(2, january, false, None)).await;
        // A copy as of January, as a backup would be.
        let copy = dir.path().join("copy.db");
        crate::backup::backup(&path, &copy).unwrap();
        // March's sweep: a snapshot, and the keys before February destroyed.
        written(
            &store,
            flush_at(3, march, true, Some(Shred::ExpiredBefore(685))),
        )
        .await;
        written(&store, flush_at(4, march, false, None)).await;
        drop(store);

        let store = SqliteStore::open(&path, &keys, key("ab"), |_| {}).unwrap();
        let group = &store.load_groups().unwrap()[0];
        assert_eq!(group.snapshot.as_ref().unwrap().1, "snapshot 3");
        assert_eq!(group.inputs.len(), 1, "the input after the snapshot");
        let replayed: Vec<u64> = group.recent_events.iter().map(|e| e.seq).collect();
        assert_eq!(replayed, [3, 4], "January's events are no longer read");
        drop(store);
        // The January copy, with the keys there are now, does not open.
        let copy_store = SqliteStore::open(&copy, &keys, key("ab"), |_| {}).unwrap();
        assert!(matches!(
            copy_store.load_groups(),
            Err(StoreError::Shredded(g)) if g == "g"
        ));
    }

    #[tokio::test]
    async fn an_erasure_leaves_no_older_key_and_no_founding_configuration() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        let keys = keys_path(&path);
        let store = SqliteStore::open(&path, &keys, key("ab"), |_| {}).unwrap();
        let config_json = r#"{"members":["FOUNDER"]}"#.to_owned();
        let (group_id, tokens) = (id("g"), Vec::new());
        written(
            &store,
            Write::CreateGroup {
                group_id,
                config_json,
                tokens,
            },
        )
        .await;
        let march = rondo_protocol::retention::month_start(686) + 1;
        written(&store, flush_at(1, march, false, None)).await;
        written(&store, flush_at(2, march, true, Some(Shred::Erased))).await;
        written(&store, flush_at(3, march, false, None)).await;
        drop(store);
        // As a crash between the erasure's commit and the keys' deletion
        // would leave it: the next start deletes it.
        let leftover = Connection::open(&keys).unwrap();
        leftover
            .execute(
                "INSERT INTO keys (group_id, month, key) VALUES ('g', 686, x'00')",
                [],
            )
            .unwrap();
        drop(leftover);

        let store = SqliteStore::open(&path, &keys, key("ab"), |_| {}).unwrap();
        let group = &store.load_groups().unwrap()[0];
        assert_eq!(group.config_json, "null", "the founders' names are gone");
        assert_eq!(group.snapshot.as_ref().unwrap().1, "snapshot 2");
        let replayed: Vec<u64> = group.recent_events.iter().map(|e| e.seq).collect();
        assert_eq!(
            replayed,
            [2, 3],
            "the row before the erasure no longer opens"
        );
        let conn = Connection::open(&keys).unwrap();
        let slots: Vec<u32> = conn
            .prepare("SELECT month FROM keys")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(slots, [686 + 65_536], "March's first key went");
    }
}
