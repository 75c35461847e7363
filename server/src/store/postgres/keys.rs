//! Each group's data keys with PostgreSQL (`--keys-store`): a database of
//! their own, apart from the store, so that neither `pg_dump` of the store
//! nor its base backups and WAL archives carry them. Every node reaches it.
//!
//! As with SQLite (`../keys.rs`), a group's rows are sealed with the key of
//! their month (`../slot.rs`), each key sealed with the operator's key; a
//! month's key is deleted when the group's retention has passed for it, and
//! every key before an erasure's when a former member is erased, so no
//! copy of those rows opens again (crypto-shredding).

use super::pooled;
use super::schema::pg;
use super::tls::Target;
use crate::crypto::DataKey;
use crate::store::keys::{new_key, open_key};
use crate::store::slot::{KeySlot, Shred};
use crate::store::StoreError;
use std::collections::HashMap;
use std::sync::Mutex;

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS data_keys (
    group_id text NOT NULL, slot integer NOT NULL, key bytea NOT NULL,
    PRIMARY KEY (group_id, slot)
)";

pub(super) struct PgKeys {
    pool: deadpool_postgres::Pool,
    master: DataKey,
    /// Each group's newest key, the one this node seals its rows with.
    /// Forgotten when the group is claimed: while another node owned it, an
    /// erasure there may have replaced it.
    current: Mutex<HashMap<String, (KeySlot, DataKey)>>,
    /// Destructions that failed, tried again after the next commit.
    unfinished: Mutex<Vec<(String, Shred, KeySlot)>>,
}

impl PgKeys {
    /// Connects to the keys' database and makes its table.
    pub async fn open(url: &str, master: DataKey) -> Result<PgKeys, StoreError> {
        let target = Target::parse(url, "--keys-store")?;
        let client = target.connect().await?;
        client.batch_execute(SCHEMA).await.map_err(pg)?;
        let manager = deadpool_postgres::Manager::new(target.config, target.tls);
        let pool = deadpool_postgres::Pool::builder(manager)
            .max_size(4)
            .build()
            .map_err(|_| StoreError::Postgres("the keys' connection pool".into()))?;
        Ok(PgKeys {
            pool,
            master,
            current: Mutex::default(),
            unfinished: Mutex::default(),
        })
    }

    /// The key to seal a group's rows of `month` with, made (and durable)
    /// before any row sealed with it is written.
    pub async fn for_month(
        &self,
        group_id: &str,
        month: u32,
    ) -> Result<(KeySlot, DataKey), StoreError> {
        let newest = self.newest(group_id).await?;
        match KeySlot::to_seal(newest.as_ref().map(|(slot, _)| *slot), month) {
            Ok(_) => Ok(newest.expect("a newest key to seal with")),
            Err(first) => self.make(group_id, first).await,
        }
    }

    /// A new key for the group's rows from now on, in place of all of them
    /// (an erasure); the keys before it go with [`PgKeys::shred`] once its
    /// flush is durable.
    pub async fn replace(
        &self,
        group_id: &str,
        month: u32,
    ) -> Result<(KeySlot, DataKey), StoreError> {
        let newest = self.newest(group_id).await?.map(|(slot, _)| slot);
        self.make(group_id, KeySlot::replacing(newest, month)).await
    }

    /// The group's newest key, if it has one.
    async fn newest(&self, group_id: &str) -> Result<Option<(KeySlot, DataKey)>, StoreError> {
        if let Some(current) = self.current.lock().expect("keys").get(group_id) {
            return Ok(Some(current.clone()));
        }
        let row = pooled(&self.pool, async |client| {
            client
                .query_opt(
                    "SELECT slot, key FROM data_keys WHERE group_id = $1
                     ORDER BY slot % 65536 DESC, slot DESC LIMIT 1",
                    &[&group_id],
                )
                .await
                .map_err(pg)
        })
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let slot = KeySlot::from_stored(row.get::<_, i32>(0) as u32);
        let newest = (slot, open_key(&self.master, group_id, slot, row.get(1))?);
        self.remember(group_id, &newest);
        Ok(Some(newest))
    }

    /// A new slot's key: this node's, or the one a node that raced it made
    /// first (a node a claim has fenced off may still be writing).
    async fn make(&self, group_id: &str, slot: KeySlot) -> Result<(KeySlot, DataKey), StoreError> {
        let (_, sealed) = new_key(&self.master, group_id, slot);
        let stored = slot.stored() as i32;
        let row = pooled(&self.pool, async |client| {
            client
                .execute(
                    "INSERT INTO data_keys (group_id, slot, key) VALUES ($1, $2, $3)
                     ON CONFLICT (group_id, slot) DO NOTHING",
                    &[&group_id, &stored, &sealed],
                )
                .await
                .map_err(pg)?;
            client
                .query_one(
                    "SELECT key FROM data_keys WHERE group_id = $1 AND slot = $2",
                    &[&group_id, &stored],
                )
                .await
                .map_err(pg)
        })
        .await?;
        let made = (slot, open_key(&self.master, group_id, slot, row.get(0))?);
        self.remember(group_id, &made);
        Ok(made)
    }

    fn remember(&self, group_id: &str, newest: &(KeySlot, DataKey)) {
        self.current
            .lock()
            .expect("keys")
            .insert(group_id.to_owned(), newest.clone());
    }

    /// Every key a group still has, for reading its rows back.
    pub async fn of_group(&self, group_id: &str) -> Result<HashMap<u32, DataKey>, StoreError> {
        let rows = pooled(&self.pool, async |client| {
            client
                .query(
                    "SELECT slot, key FROM data_keys WHERE group_id = $1",
                    &[&group_id],
                )
                .await
                .map_err(pg)
        })
        .await?;
        rows.iter()
            .map(|row| {
                let slot = KeySlot::from_stored(row.get::<_, i32>(0) as u32);
                Ok((
                    slot.stored(),
                    open_key(&self.master, group_id, slot, row.get(1))?,
                ))
            })
            .collect()
    }

    /// Destroys the keys durable flushes made unneeded (each with the slot
    /// it was sealed with), and those whose destruction failed before: a
    /// failure is logged and tried again after the next commit.
    pub async fn shred<'a>(&self, done: impl IntoIterator<Item = (&'a str, Shred, KeySlot)>) {
        let fresh = done
            .into_iter()
            .map(|(g, shred, slot)| (g.to_owned(), shred, slot));
        let mut pending = std::mem::take(&mut *self.unfinished.lock().expect("keys"));
        pending.extend(fresh);
        for (group_id, shred, sealed) in pending {
            if let Err(e) = self.destroy(&group_id, shred, sealed).await {
                tracing::warn!(%group_id, error = %e, "destroying data keys failed; trying again after the next commit");
                self.unfinished
                    .lock()
                    .expect("keys")
                    .push((group_id, shred, sealed));
            }
        }
    }

    /// Deletes the group's keys `shred` does not keep.
    pub async fn destroy(
        &self,
        group_id: &str,
        shred: Shred,
        sealed: KeySlot,
    ) -> Result<(), StoreError> {
        let (month, stored) = (sealed.month() as i32, sealed.stored() as i32);
        pooled(&self.pool, async |client| {
            match shred {
                Shred::ExpiredBefore(month) => {
                    let month = month as i32;
                    client
                        .execute(
                            "DELETE FROM data_keys WHERE group_id = $1 AND slot % 65536 < $2",
                            &[&group_id, &month],
                        )
                        .await
                }
                Shred::Erased => {
                    client
                        .execute(
                            "DELETE FROM data_keys WHERE group_id = $1
                         AND (slot % 65536 < $2 OR (slot % 65536 = $2 AND slot < $3))",
                            &[&group_id, &month, &stored],
                        )
                        .await
                }
            }
            .map_err(pg)
        })
        .await?;
        let mut current = self.current.lock().expect("keys");
        if current
            .get(group_id)
            .is_some_and(|(slot, _)| !shred.keeps(*slot, sealed))
        {
            current.remove(group_id);
        }
        Ok(())
    }

    /// A group claimed by this node: its newest key is read afresh.
    pub fn forget(&self, group_id: &str) {
        self.current.lock().expect("keys").remove(group_id);
    }
}
