//! The PostgreSQL writer: one connection of its own, group commit across
//! groups, and every group's rows fenced by its epoch. A flush whose group
//! this node no longer owns inserts nothing and is answered `Fenced`; the
//! other groups in the same transaction commit as usual.

use super::keys::PgKeys;
use super::schema::{pg, LOG_FORMAT};
use super::{Fence, Fences};
use crate::crypto::DataKey;
use crate::store::links;
use crate::store::seal::{associated, erased_config, seal_config, seal_flush};
use crate::store::slot::{KeySlot, Shred};
use crate::store::{StoreError, Write};
use rondo_protocol::retention::month_of;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};
use tokio_postgres::{Client, Transaction};

pub(super) type Done = oneshot::Sender<Result<(), Arc<StoreError>>>;

/// Most writes committed in one transaction.
const WRITES_PER_COMMIT_MAX: usize = 512;
/// Between attempts to reconnect to PostgreSQL.
const RECONNECT_EVERY: Duration = Duration::from_millis(500);

pub(super) struct Writer {
    pub target: super::Target,
    pub key: DataKey,
    pub keys: Option<Arc<PgKeys>>,
    pub fences: Fences,
    pub on_commit: Box<dyn Fn(Duration) + Send + Sync>,
    pub on_fenced: Box<dyn Fn() + Send + Sync>,
}

impl Writer {
    /// Commits what is queued, batch after batch, until every sender is gone.
    pub async fn run(self, mut queue: mpsc::Receiver<(Write, Done)>) {
        let mut client: Option<(Client, Statements)> = None;
        while let Some(first) = queue.recv().await {
            let mut batch = vec![first];
            while batch.len() < WRITES_PER_COMMIT_MAX {
                match queue.try_recv() {
                    Ok(next) => batch.push(next),
                    Err(_) => break,
                }
            }
            if client.as_ref().is_none_or(|(c, _)| c.is_closed()) {
                client = connected(&self.target).await.ok();
            }
            let Some((connected, statements)) = client.as_mut() else {
                // Nothing can be made durable now: every write is answered
                // with the error, and its group stops rather than guess.
                let failed = Arc::new(StoreError::Postgres("unreachable".into()));
                for (_, done) in batch {
                    let _ = done.send(Err(failed.clone()));
                }
                tokio::time::sleep(RECONNECT_EVERY).await;
                continue;
            };
            let started = Instant::now();
            let writes: Vec<&Write> = batch.iter().map(|(w, _)| w).collect();
            let results = match self.commit(connected, statements, &writes).await {
                Ok(results) => results,
                // Unknown whether it committed: the groups stop, and the next
                // claim reads what is durable.
                Err(error) => {
                    let error = Arc::new(error);
                    for write in &writes {
                        if let Write::Append { group_id, .. } = write {
                            self.fences
                                .lock()
                                .expect("fences")
                                .remove(group_id.as_str());
                        }
                    }
                    writes.iter().map(|_| Err(error.clone())).collect()
                }
            };
            (self.on_commit)(started.elapsed());
            for ((_, done), result) in batch.into_iter().zip(results) {
                let _ = done.send(result);
            }
        }
    }

    /// One transaction for the batch; each write's own answer.
    async fn commit(
        &self,
        client: &mut Client,
        statements: &Statements,
        writes: &[&Write],
    ) -> Result<Vec<Result<(), Arc<StoreError>>>, StoreError> {
        // Each flush's data key, found before the transaction: a keys'
        // database that answers late or not at all fails those flushes
        // alone, and holds no transaction open meanwhile.
        let sealing: Vec<_> =
            futures_util::future::join_all(writes.iter().map(|w| self.sealing(w))).await;
        let tx = client.transaction().await.map_err(pg)?;
        let mut results = Vec::with_capacity(writes.len());
        // Fences as this transaction moves them; the map learns them on commit.
        let mut moved: Vec<(String, Fence)> = Vec::new();
        // Keys to destroy once the snapshots replacing their rows are durable.
        let mut shredded: Vec<(&str, Shred, KeySlot)> = Vec::new();
        // The groups' flushes go out together: the connection pipelines
        // them, one round trip for the lot instead of one each.
        let tx_ref = &tx;
        let appends = writes
            .iter()
            .zip(&sealing)
            .map(|(write, sealing)| async move {
                match (write, sealing) {
                    (Write::Append { .. }, Ok(sealing)) => Some(
                        self.append(tx_ref, statements, write, sealing.as_ref())
                            .await,
                    ),
                    _ => None,
                }
            });
        let appended = futures_util::future::join_all(appends).await;
        for ((write, appended), sealing) in writes.iter().zip(appended).zip(&sealing) {
            let result = match (write, appended) {
                (
                    Write::Append {
                        group_id, shred, ..
                    },
                    Some(appended),
                ) => match appended? {
                    Some((fence, slot)) => {
                        if let (Some(shred), Some(slot)) = (shred, slot) {
                            shredded.push((group_id.as_str(), *shred, slot));
                        }
                        run_links(&tx, write).await?;
                        moved.push((group_id.as_str().to_owned(), fence));
                        Ok(())
                    }
                    None => {
                        (self.on_fenced)();
                        Err(Arc::new(StoreError::Fenced))
                    }
                },
                // Its key could not be had: it stops here, and the next
                // claim reads what is durable.
                (Write::Append { group_id, .. }, None) => {
                    self.fences
                        .lock()
                        .expect("fences")
                        .remove(group_id.as_str());
                    match sealing {
                        Err(failed) => Err(failed.clone()),
                        Ok(_) => unreachable!("an append is left out for its key alone"),
                    }
                }
                (
                    Write::CreateGroup {
                        group_id,
                        config_json,
                        ..
                    },
                    _,
                ) => {
                    let group_id = group_id.as_str();
                    let sealed = seal_config(&self.key, group_id, config_json);
                    tx.execute(
                        "INSERT INTO groups (group_id, config, format) VALUES ($1, $2, $3)",
                        &[&group_id, &sealed, &LOG_FORMAT],
                    )
                    .await
                    .map_err(pg)?;
                    // Nobody owns a new group: the node its members are
                    // routed to claims it when the first of them comes.
                    tx.execute(
                        "INSERT INTO group_owner (group_id, epoch, owner, last_seq, flushes) VALUES ($1, 0, NULL, 0, 0)",
                        &[&group_id],
                    )
                    .await
                    .map_err(pg)?;
                    run_links(&tx, write).await?;
                    Ok(())
                }
                (Write::SetToken { .. } | Write::SetFeed { .. }, _) => {
                    run_links(&tx, write).await?;
                    Ok(())
                }
            };
            results.push(result);
        }
        tx.commit().await.map_err(pg)?;
        {
            let mut fences = self.fences.lock().expect("fences");
            for (group_id, fence) in moved {
                fences.insert(group_id, fence);
            }
        }
        if let Some(keys) = &self.keys {
            // The flushes are durable either way; a key left behind by a
            // crash after an erasure goes at the group's next claim.
            keys.shred(shredded).await;
        }
        Ok(results)
    }

    /// A group's flush, if its epoch and flush count are still this node's:
    /// the fence moved on and the slot of the data key that sealed it, or
    /// `None` (nothing inserted). One statement: the fence's update, the log
    /// row and the snapshot only where it matched.
    async fn append(
        &self,
        tx: &Transaction<'_>,
        statements: &Statements,
        write: &Write,
        sealing: Option<&(KeySlot, DataKey)>,
    ) -> Result<Option<(Fence, Option<KeySlot>)>, StoreError> {
        let Write::Append {
            group_id,
            inputs,
            events,
            snapshot,
            next_deadline,
            shred,
            ..
        } = write
        else {
            unreachable!("only appends are fenced");
        };
        let group_id = group_id.as_str();
        let Some(fence) = self.fences.lock().expect("fences").get(group_id).copied() else {
            return Ok(None);
        };
        // A flush of links alone writes no row.
        if inputs.is_empty() {
            return Ok(Some((fence, None)));
        }
        let (slot, key) = match sealing {
            Some((slot, key)) => (Some(*slot), key),
            None => (None, &self.key),
        };
        let Some(sealed) = seal_flush(key, group_id, inputs, events) else {
            return Ok(Some((fence, slot)));
        };
        let deadline_s = next_deadline.map(|ms| ms as f64 / 1000.0);
        let (first, last) = (sealed.first as i64, sealed.last as i64);
        let snapshot_seq = snapshot.as_ref().map(|(seq, _)| *seq as i64);
        let snapshot_payload = snapshot.as_ref().map(|(seq, json)| {
            let ad = associated("snapshots", group_id, &seq.to_string());
            key.seal(json.as_bytes(), &ad)
        });
        let key_slot = slot.map(|slot| slot.stored() as i32);
        let row = tx
            .query_opt(
                &statements.append,
                &[
                    &group_id,
                    &fence.epoch,
                    &fence.flushes,
                    &last,
                    &deadline_s,
                    &first,
                    &sealed.audiences,
                    &sealed.inputs,
                    &sealed.events,
                    &snapshot_seq,
                    &snapshot_payload,
                    &key_slot,
                ],
            )
            .await
            .map_err(pg)?;
        let Some(row) = row else {
            return Ok(None);
        };
        // The founding configuration names the erased: the snapshot just
        // written holds the group without it.
        if *shred == Some(Shred::Erased) && snapshot.is_some() {
            let erased = erased_config(&self.key, group_id);
            tx.execute(
                "UPDATE groups SET config = $1 WHERE group_id = $2",
                &[&erased, &group_id],
            )
            .await
            .map_err(pg)?;
        }
        let fence = Fence {
            epoch: fence.epoch,
            flushes: row.get(0),
        };
        Ok(Some((fence, slot)))
    }
}

impl Writer {
    /// The data key a flush is to be sealed with: `None` for a write that
    /// writes no row, or without a keys' database (the operator's key).
    /// Rows are sealed with the key of the month of their inputs; an
    /// erasure's with a new one.
    async fn sealing(&self, write: &Write) -> Result<Option<(KeySlot, DataKey)>, Arc<StoreError>> {
        let (
            Some(keys),
            Write::Append {
                group_id,
                inputs,
                shred,
                ..
            },
        ) = (&self.keys, write)
        else {
            return Ok(None);
        };
        let group_id = group_id.as_str();
        let owned = self.fences.lock().expect("fences").contains_key(group_id);
        let Some(month) = inputs
            .last()
            .map(|input| month_of(input.at))
            .filter(|_| owned)
        else {
            return Ok(None);
        };
        let sealing = match shred {
            Some(Shred::Erased) => keys.replace(group_id, month).await,
            _ => keys.for_month(group_id, month).await,
        };
        sealing.map(Some).map_err(Arc::new)
    }
}

/// What a write does to the members' links and feeds (`links.rs`).
async fn run_links(tx: &Transaction<'_>, write: &Write) -> Result<(), StoreError> {
    for statement in links::statements(write) {
        let params: Vec<_> = statement.params.iter().map(|p| p.postgres()).collect();
        tx.execute(statement.sql, &params).await.map_err(pg)?;
    }
    Ok(())
}

/// The fence, the log row and the snapshot (when there is one), in one
/// statement: under Read Committed a concurrent claim holds the owner row's
/// lock; the update waits for it and then finds the epoch moved, and the
/// inserts that read its result insert nothing.
const APPEND: &str = "
WITH fence AS (
    UPDATE group_owner SET flushes = flushes + 1, last_seq = GREATEST(last_seq, $4),
        next_deadline = to_timestamp($5)
    WHERE group_id = $1 AND epoch = $2 AND flushes = $3 RETURNING flushes
), logged AS (
    INSERT INTO log (group_id, flush, epoch, first_seq, seq, audiences, inputs, events, key_slot)
    SELECT $1, flushes, $2, $6, $4, $7, $8, $9, $12 FROM fence
), snapshot AS (
    INSERT INTO snapshots (group_id, seq, flush, payload, key_slot)
    SELECT $1, $10, flushes, $11, $12 FROM fence WHERE $10::bigint IS NOT NULL
    ON CONFLICT (group_id) DO UPDATE SET seq = $10, flush = EXCLUDED.flush, payload = $11,
        key_slot = $12
) SELECT flushes FROM fence";

/// The statements the writer sends, prepared once per connection.
struct Statements {
    append: tokio_postgres::Statement,
}

/// The writer's connection, its statements prepared.
async fn connected(target: &super::Target) -> Result<(Client, Statements), StoreError> {
    let client = target.connect().await?;
    let append = client.prepare(APPEND).await.map_err(pg)?;
    Ok((client, Statements { append }))
}
