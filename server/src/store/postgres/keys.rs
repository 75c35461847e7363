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
use crate::store::slot::KeySlot;
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
}

impl PgKeys {
    /// Connects to the keys' database and makes its table.
    pub async fn open(url: &str, master: DataKey) -> Result<PgKeys, StoreError> {
        let target = Target::parse(url)?;
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
        })
    }

    /// The key to seal a group's rows of `month` with, made (and durable)
    /// before any row sealed with it is written.
    pub async fn for_month(
        &self,
        group_id: &str,
        month: u32,
    ) -> Result<(KeySlot, DataKey), StoreError> {
        let known = self.current.lock().expect("keys").get(group_id).cloned();
        if let Some((slot, key)) = known.filter(|(slot, _)| slot.month() == month) {
            return Ok((slot, key));
        }
        let slot = match self.newest_of(group_id, month).await? {
            Some(newest) => newest,
            None => KeySlot::first(month),
        };
        self.make(group_id, slot).await
    }

    /// A new key for the group's rows from now on (an erasure); the keys
    /// before it go with [`PgKeys::destroy_older`] once its flush is durable.
    pub async fn replace(
        &self,
        group_id: &str,
        month: u32,
    ) -> Result<(KeySlot, DataKey), StoreError> {
        let slot = match self.newest_of(group_id, month).await? {
            Some(newest) => newest.next(),
            None => KeySlot::first(month),
        };
        self.make(group_id, slot).await
    }

    async fn newest_of(&self, group_id: &str, month: u32) -> Result<Option<KeySlot>, StoreError> {
        let month = month as i32;
        let row = pooled(&self.pool, async |client| {
            client
                .query_opt(
                    "SELECT max(slot) FROM data_keys WHERE group_id = $1 AND slot % 65536 = $2",
                    &[&group_id, &month],
                )
                .await
                .map_err(pg)
        })
        .await?;
        Ok(row
            .and_then(|row| row.get::<_, Option<i32>>(0))
            .map(|slot| KeySlot::from_stored(slot as u32)))
    }

    /// The slot's key: this node's new one, or the one a node that raced
    /// it made first (a node a claim has fenced off may still be writing).
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
        let key = open_key(&self.master, group_id, slot, row.get(0))?;
        self.current
            .lock()
            .expect("keys")
            .insert(group_id.to_owned(), (slot, key.clone()));
        Ok((slot, key))
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

    /// Deletes a group's keys of the months before `month`.
    pub async fn destroy_before(&self, group_id: &str, month: u32) -> Result<(), StoreError> {
        let month = month as i32;
        self.delete(
            "DELETE FROM data_keys WHERE group_id = $1 AND slot % 65536 < $2",
            &[&group_id, &month],
        )
        .await?;
        let mut current = self.current.lock().expect("keys");
        if current
            .get(group_id)
            .is_some_and(|(slot, _)| slot.month() < month as u32)
        {
            current.remove(group_id);
        }
        Ok(())
    }

    /// Deletes a group's keys older than `slot`: every row sealed before it.
    pub async fn destroy_older(&self, group_id: &str, slot: KeySlot) -> Result<(), StoreError> {
        let (month, stored) = (slot.month() as i32, slot.stored() as i32);
        self.delete(
            "DELETE FROM data_keys WHERE group_id = $1
             AND (slot % 65536 < $2 OR (slot % 65536 = $2 AND slot < $3))",
            &[&group_id, &month, &stored],
        )
        .await?;
        let mut current = self.current.lock().expect("keys");
        if current
            .get(group_id)
            .is_some_and(|(kept, _)| kept.older_than(slot))
        {
            current.remove(group_id);
        }
        Ok(())
    }

    async fn delete(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<(), StoreError> {
        pooled(&self.pool, async |client| {
            client.execute(sql, params).await.map_err(pg)
        })
        .await?;
        Ok(())
    }

    /// A group claimed by this node: its newest key is read afresh.
    pub fn forget(&self, group_id: &str) {
        self.current.lock().expect("keys").remove(group_id);
    }
}
