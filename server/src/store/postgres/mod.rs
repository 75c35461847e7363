//! The PostgreSQL store, for several nodes: PostgreSQL is the only thing
//! they agree through (`../shared/design/SCALE.md`). Each node holds a
//! lease in `nodes`, renewed against PostgreSQL's clock; a group is owned by
//! one node at a time (`group_owner`), claimed with one conditional update
//! that raises its epoch; every append is fenced by that epoch.

mod keys;
mod schema;
mod tls;
mod writer;

use super::links::{feed_of, owner_of, TokenRow, LOOKUP_FEED, LOOKUP_TOKEN};
use super::seal::{associated, flush_ads, open_rows, open_text};
use super::slot::{KeySlot, Shred};
use super::{
    StoreError, StoredEvent, StoredGroup, StoredInput, TokenOwner, Write, STARTUP_REPLAY_WINDOW,
};
use crate::crypto::DataKey;
use keys::PgKeys;
use rondo_protocol::ids::{GroupId, MemberId};
use schema::pg;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tls::Target;
use tokio::sync::{mpsc, oneshot};
use tokio_postgres::Client;

/// This process, as `nodes` knows it: a new id at every start.
#[derive(Clone, Copy, Debug)]
pub struct NodeId(pub uuid::Uuid);

/// What this node last committed for a group it owns.
#[derive(Clone, Copy, Debug)]
pub(super) struct Fence {
    epoch: i64,
    flushes: i64,
}

type Fences = Arc<Mutex<HashMap<String, Fence>>>;

/// The answer to a claim.
pub enum Claim {
    /// This node owns the group now: rebuild it from this.
    Claimed(StoredGroup),
    /// A live node owns it; its internal address.
    OwnedBy(String),
    /// No such group.
    Unknown,
}

/// How a node takes part.
#[derive(Clone, Debug)]
pub struct NodeSettings {
    /// Where the other nodes reach this one (relayed websockets).
    pub internal_addr: String,
    /// How long a lease lasts without renewal.
    pub lease_ttl: Duration,
}

pub struct PgStore {
    pool: deadpool_postgres::Pool,
    writer: mpsc::Sender<(Write, writer::Done)>,
    key: DataKey,
    /// The groups' data keys, when the operator gave them a database
    /// (`--keys-store`); without one every row is sealed with `key`.
    keys: Option<Arc<PgKeys>>,
    node: NodeId,
    settings: NodeSettings,
    fences: Fences,
    target: Target,
    runtime: tokio::runtime::Handle,
}

/// Claims of one group tried in a row while its owner lets go.
const CLAIM_ATTEMPTS: usize = 3;

/// Writes waiting for the writer. Each group task has one write in flight
/// at a time, so a full queue means far more groups (or HTTP writes) than a
/// node serves: the write fails and its group moves, rather than memory
/// growing without end.
const WRITE_QUEUE_LEN_MAX: usize = 16_384;
/// How long work on a pooled connection (reads, claims, the release at
/// shutdown) waits for PostgreSQL. Work not answered by then fails (a
/// request hears `503`), and its connection is closed rather than given
/// back to the pool: a stalled one would hold up all work that took it
/// next. The writer and the lease have connections of their own.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);
/// Rows read back before a group's newest for its replay window.
const WINDOW_ROWS: i64 = STARTUP_REPLAY_WINDOW as i64;

impl PgStore {
    /// Connects, migrates, checks the key, registers this node and starts
    /// its writer and its lease.
    pub async fn open(
        url: &str,
        keys_url: Option<&str>,
        key: DataKey,
        settings: NodeSettings,
        on_commit: impl Fn(Duration) + Send + Sync + 'static,
        on_fenced: impl Fn() + Send + Sync + 'static,
    ) -> Result<Arc<PgStore>, StoreError> {
        let target = Target::parse(url, "--store")?;
        let mut client = target.connect().await?;
        schema::migrate(&mut client).await?;
        schema::check_key(&client, &key).await?;
        let keys = match keys_url {
            Some(url) => Some(Arc::new(PgKeys::open(url, key.clone()).await?)),
            None => None,
        };
        let manager = deadpool_postgres::Manager::new(target.config.clone(), target.tls.clone());
        let pool = deadpool_postgres::Pool::builder(manager)
            .max_size(8)
            .build()
            .map_err(|_| StoreError::Postgres("the connection pool".into()))?;
        let node = NodeId(uuid::Uuid::new_v4());
        let ttl_ms = settings.lease_ttl.as_millis() as f64;
        client
            .execute(
                "INSERT INTO nodes (node_id, incarnation, internal_addr, lease_until)
                 VALUES ($1, (extract(epoch FROM now()) * 1000)::bigint, $2, now() + $3 * interval '1 millisecond')",
                &[&node.0, &settings.internal_addr, &ttl_ms],
            )
            .await
            .map_err(pg)?;
        let fences: Fences = Arc::default();
        let (sender, queue) = mpsc::channel(WRITE_QUEUE_LEN_MAX);
        let writer = writer::Writer {
            target: target.clone(),
            key: key.clone(),
            keys: keys.clone(),
            fences: fences.clone(),
            on_commit: Box::new(on_commit),
            on_fenced: Box::new(on_fenced),
        };
        tokio::spawn(writer.run(queue));
        let store = Arc::new(PgStore {
            pool,
            writer: sender,
            key,
            keys,
            node,
            settings,
            fences,
            target,
            runtime: tokio::runtime::Handle::current(),
        });
        tokio::spawn(renew_lease(Arc::downgrade(&store), client));
        Ok(store)
    }

    pub fn node(&self) -> NodeId {
        self.node
    }

    /// Runs `work` on a connection from the pool, within [`ANSWER_TIMEOUT`].
    async fn pooled<T>(
        &self,
        work: impl AsyncFnOnce(&Client) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        pooled(&self.pool, work).await
    }

    /// Takes a group whose owner is gone (or is this node), or says who owns it.
    pub async fn claim(&self, group_id: &GroupId) -> Result<Claim, StoreError> {
        self.pooled(async |client| self.claim_on(client, group_id).await)
            .await
    }

    async fn claim_on(&self, client: &Client, group_id: &GroupId) -> Result<Claim, StoreError> {
        // An owner that lets go between the two statements: claim again.
        for _ in 0..CLAIM_ATTEMPTS {
            let claimed = client
                .query_opt(
                    "UPDATE group_owner o SET epoch = o.epoch + 1, owner = $2
                     WHERE o.group_id = $1 AND (o.owner IS NULL OR o.owner = $2 OR NOT EXISTS (
                         SELECT 1 FROM nodes n WHERE n.node_id = o.owner AND n.lease_until > now()))
                     RETURNING o.epoch, o.flushes",
                    &[&group_id.as_str(), &self.node.0],
                )
                .await
                .map_err(pg)?;
            if let Some(claimed) = claimed {
                let fence = Fence {
                    epoch: claimed.get(0),
                    flushes: claimed.get(1),
                };
                if let Some(keys) = &self.keys {
                    keys.forget(group_id.as_str());
                }
                let stored = self.read_group(client, group_id, fence.flushes).await?;
                self.fences
                    .lock()
                    .expect("fences")
                    .insert(group_id.as_str().to_owned(), fence);
                tracing::info!(group_id = %group_id, epoch = fence.epoch, "group claimed");
                return Ok(Claim::Claimed(stored));
            }
            let owner = client
                .query_opt(
                    "SELECT n.internal_addr FROM group_owner o LEFT JOIN nodes n ON n.node_id = o.owner
                     WHERE o.group_id = $1",
                    &[&group_id.as_str()],
                )
                .await
                .map_err(pg)?;
            match owner {
                None => return Ok(Claim::Unknown),
                Some(row) => {
                    if let Some(addr) = row.get::<_, Option<String>>(0) {
                        return Ok(Claim::OwnedBy(addr));
                    }
                }
            }
        }
        Err(StoreError::Postgres(
            "the group's owner kept changing".into(),
        ))
    }

    /// A group's configuration, snapshot, inputs since and newest events.
    async fn read_group(
        &self,
        client: &Client,
        group_id: &GroupId,
        flushes: i64,
    ) -> Result<StoredGroup, StoreError> {
        let id = group_id.as_str();
        let row = client
            .query_one(
                "SELECT config, format FROM groups WHERE group_id = $1",
                &[&id],
            )
            .await
            .map_err(pg)?;
        let format: i32 = row.get(1);
        if format > schema::LOG_FORMAT {
            return Err(StoreError::Unreadable(
                "group written by a newer version".into(),
            ));
        }
        // This node may seal the group's rows with data keys from now on: a
        // node still on format 1 (a rolling upgrade) then refuses the group
        // by name instead of failing on its rows.
        if self.keys.is_some() && format < schema::LOG_FORMAT {
            client
                .execute(
                    "UPDATE groups SET format = $2 WHERE group_id = $1",
                    &[&id, &schema::LOG_FORMAT],
                )
                .await
                .map_err(pg)?;
        }
        let config_json = open_text(
            &self.key,
            row.get(0),
            &associated("groups", id, "config"),
            "group",
        )?;
        let snapshot = client
            .query_opt(
                "SELECT seq, flush, payload, key_slot FROM snapshots WHERE group_id = $1",
                &[&id],
            )
            .await
            .map_err(pg)?;
        if let Some(row) = &snapshot {
            self.finish_replacement(id, row.get(3)).await?;
        }
        let keys = self.keys_of(id).await?;
        let shredded = || StoreError::Shredded(id.to_owned());
        let (snapshot, after) = match snapshot {
            Some(row) => {
                let seq: i64 = row.get(0);
                let key = keys.get(row.get(3))?.ok_or_else(shredded)?;
                let ad = associated("snapshots", id, &seq.to_string());
                let json = open_text(key, row.get(2), &ad, "snapshot")?;
                (Some((seq as u64, json)), row.get::<_, i64>(1))
            }
            None => (None, 0),
        };
        let from = after.min(flushes - WINDOW_ROWS).max(0);
        let rows = client
            .query(
                "SELECT flush, first_seq, seq, audiences, inputs, events, key_slot FROM log
                 WHERE group_id = $1 AND flush > $2 ORDER BY flush",
                &[&id, &from],
            )
            .await
            .map_err(pg)?;
        let mut inputs = Vec::new();
        let mut recent_events = Vec::new();
        for row in rows {
            let flush: i64 = row.get(0);
            let Some(key) = keys.get(row.get(6))? else {
                // Its key was destroyed: the row is older than the snapshot,
                // and so is every row before it; the window starts after it.
                if flush > after {
                    return Err(shredded());
                }
                recent_events.clear();
                continue;
            };
            let (first, last): (i64, i64) = (row.get(1), row.get(2));
            let audiences: String = row.get(3);
            let (inputs_ad, events_ad) = flush_ads(id, first as u64, last as u64, &audiences);
            if flush > after {
                let batch: Vec<StoredInput> = open_rows(key, row.get(4), &inputs_ad, "inputs")?;
                inputs.extend(batch);
            }
            let batch: Vec<StoredEvent> = open_rows(key, row.get(5), &events_ad, "events")?;
            recent_events.extend(batch);
        }
        let excess = recent_events.len().saturating_sub(STARTUP_REPLAY_WINDOW);
        recent_events.drain(..excess);
        Ok(StoredGroup {
            group_id: group_id.clone(),
            config_json,
            snapshot,
            inputs,
            recent_events,
        })
    }

    /// A snapshot sealed with a key that replaced others was written by an
    /// erasure, and every older key of its group was to be destroyed once
    /// it was durable: a crash in between left them, and they go now.
    async fn finish_replacement(
        &self,
        group_id: &str,
        slot: Option<i32>,
    ) -> Result<(), StoreError> {
        let slot = slot.map(|slot| KeySlot::from_stored(slot as u32));
        match (&self.keys, slot) {
            (Some(keys), Some(slot)) if slot.replaced_others() => {
                keys.destroy(group_id, Shred::Erased, slot).await
            }
            _ => Ok(()),
        }
    }

    /// The keys a group's rows may be sealed with: the operator's (rows
    /// with no slot), and each of the group's data keys still kept.
    async fn keys_of(&self, group_id: &str) -> Result<RowKeys<'_>, StoreError> {
        let slots = match &self.keys {
            Some(keys) => Some(keys.of_group(group_id).await?),
            None => None,
        };
        Ok(RowKeys {
            master: &self.key,
            slots,
        })
    }

    /// Groups with a deadline due whose owner's lease has lapsed: this node
    /// claims them so that their timers fire.
    pub async fn due_orphans(&self) -> Result<Vec<GroupId>, StoreError> {
        let rows = self
            .pooled(async |client| {
                client
                    .query(
                        "SELECT o.group_id FROM group_owner o
                 WHERE o.next_deadline <= now() AND (o.owner IS NULL OR NOT EXISTS (
                     SELECT 1 FROM nodes n WHERE n.node_id = o.owner AND n.lease_until > now()))
                 LIMIT 100",
                        &[],
                    )
                    .await
                    .map_err(pg)
            })
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|row| GroupId::new(row.get::<_, String>(0)).ok())
            .collect())
    }

    /// Stops owning anything: the groups are free for the next claim at once.
    pub async fn release(&self) -> Result<(), StoreError> {
        self.pooled(async |client| {
            client
                .execute(
                    "UPDATE group_owner SET owner = NULL WHERE owner = $1",
                    &[&self.node.0],
                )
                .await
                .map_err(pg)?;
            client
                .execute("DELETE FROM nodes WHERE node_id = $1", &[&self.node.0])
                .await
                .map_err(pg)
        })
        .await?;
        self.fences.lock().expect("fences").clear();
        Ok(())
    }

    /// A group this node stopped serving: its next append would be refused.
    pub fn forget(&self, group_id: &GroupId) {
        self.fences
            .lock()
            .expect("fences")
            .remove(group_id.as_str());
    }

    /// A token's row in `tokens` or `feeds`, read with `sql` (`links.rs`).
    async fn lookup(
        &self,
        sql: &str,
        token_hash: &[u8; 32],
    ) -> Result<Option<TokenRow>, StoreError> {
        let row = self
            .pooled(async |client| client.query_opt(sql, &[&&token_hash[..]]).await.map_err(pg))
            .await?;
        Ok(row.map(|row| (row.get(0), row.get(1), row.get(2))))
    }

    /// Groups in the store, whichever node serves them: `--groups-max`
    /// bounds the whole cluster, not one node's share.
    pub async fn group_count(&self) -> Result<usize, StoreError> {
        let row = self
            .pooled(async |client| {
                client
                    .query_one("SELECT count(*) FROM groups", &[])
                    .await
                    .map_err(pg)
            })
            .await?;
        Ok(usize::try_from(row.get::<_, i64>(0)).unwrap_or(usize::MAX))
    }

    fn block_on<T>(&self, work: impl std::future::Future<Output = T>) -> T {
        self.runtime.block_on(work)
    }
}

/// The keys one group's rows are read with.
struct RowKeys<'a> {
    master: &'a DataKey,
    /// `None` without a keys' database.
    slots: Option<HashMap<u32, DataKey>>,
}

impl RowKeys<'_> {
    /// The key of a row's slot; `None` once it was destroyed.
    fn get(&self, slot: Option<i32>) -> Result<Option<&DataKey>, StoreError> {
        match (slot, &self.slots) {
            (None, _) => Ok(Some(self.master)),
            (Some(slot), Some(slots)) => Ok(slots.get(&(slot as u32))),
            (Some(_), None) => Err(StoreError::NoKeysStore),
        }
    }
}

/// Runs `work` on a connection from `pool`, within [`ANSWER_TIMEOUT`].
async fn pooled<T>(
    pool: &deadpool_postgres::Pool,
    work: impl AsyncFnOnce(&Client) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let late = || StoreError::Postgres("PostgreSQL did not answer in time".into());
    let client = tokio::time::timeout(ANSWER_TIMEOUT, pool.get())
        .await
        .map_err(|_| late())?
        .map_err(|_| StoreError::Postgres("no connection from the pool".into()))?;
    let answered = tokio::time::timeout(ANSWER_TIMEOUT, work(&client)).await;
    answered.map_err(|_| {
        drop(deadpool_postgres::Object::take(client));
        late()
    })?
}

/// Renews this node's lease a few times per TTL, on a connection of its own
/// so a busy writer never delays it. Ends with the store.
async fn renew_lease(store: std::sync::Weak<PgStore>, client: Client) {
    let mut client = Some(client);
    loop {
        let Some(store) = store.upgrade() else { return };
        let every = store.settings.lease_ttl / 4;
        if client.as_ref().is_none_or(|c| c.is_closed()) {
            let connected = tokio::time::timeout(store.settings.lease_ttl, store.target.connect());
            client = connected.await.ok().and_then(Result::ok);
        }
        if let Some(connected) = &client {
            let ttl_ms = store.settings.lease_ttl.as_millis() as f64;
            let params: [&(dyn tokio_postgres::types::ToSql + Sync); 2] = [&store.node.0, &ttl_ms];
            let renewed = connected.execute(
                "UPDATE nodes SET lease_until = now() + $2 * interval '1 millisecond' WHERE node_id = $1",
                &params,
            );
            // A renewal later than this is of no use; a connection that
            // stalled is replaced, so the next renewal is not stuck behind.
            match tokio::time::timeout(store.settings.lease_ttl, renewed).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(error = %pg(e), "lease not renewed"),
                Err(_) => {
                    tracing::warn!("lease not renewed: PostgreSQL did not answer in time");
                    client = None;
                }
            }
        }
        drop(store);
        tokio::time::sleep(every).await;
    }
}

impl super::Store for PgStore {
    fn write(&self, write: Write) -> oneshot::Receiver<Result<(), Arc<StoreError>>> {
        let (done, receiver) = oneshot::channel();
        match self.writer.try_send((write, done)) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full((_, done))) => {
                let _ = done.send(Err(Arc::new(StoreError::Overloaded)));
            }
            Err(mpsc::error::TrySendError::Closed((_, done))) => {
                let _ = done.send(Err(Arc::new(StoreError::Stopped)));
            }
        }
        receiver
    }

    fn token_owner(&self, token_hash: &[u8; 32]) -> Result<Option<TokenOwner>, StoreError> {
        owner_of(
            self.block_on(self.lookup(LOOKUP_TOKEN, token_hash))?,
            token_hash,
        )
    }

    fn feed_owner(&self, token_hash: &[u8; 32]) -> Result<Option<(GroupId, MemberId)>, StoreError> {
        feed_of(owner_of(
            self.block_on(self.lookup(LOOKUP_FEED, token_hash))?,
            token_hash,
        )?)
    }

    /// Groups are claimed when their members come, not loaded at start.
    fn load_groups(&self) -> Result<Vec<StoredGroup>, StoreError> {
        Ok(Vec::new())
    }

    fn check(&self) -> Result<(), StoreError> {
        self.block_on(self.pooled(async |client| {
            client.query_one("SELECT 1", &[]).await.map_err(pg)?;
            Ok(())
        }))
    }

    fn cluster(self: Arc<Self>) -> Option<Arc<PgStore>> {
        Some(self)
    }
}
