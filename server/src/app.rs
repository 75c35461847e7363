//! The server's shared state: the map from group id to its task, and the store.

use crate::clock::Clock;
use crate::config::Config;
use crate::group::{self, GroupHandle, GroupTask};
use crate::metrics::Metrics;
use crate::store::postgres::{Claim, PgStore};
use crate::store::{Store, StoreError, StoredGroup, TokenOwner, Write};
use dashmap::DashMap;
use rand::RngCore;
use rondo_protocol::engine::state::GroupConfig;
use rondo_protocol::engine::Engine;
use rondo_protocol::ids::{GroupId, MemberId};
use rondo_protocol::reply::Rejection;
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::watch;

/// The store did not answer a look-up: the caller may ask again.
#[derive(Debug)]
pub struct StoreUnavailable;

pub struct App {
    /// The only map shared between tasks: group id to its task.
    pub groups: DashMap<GroupId, GroupHandle>,
    pub store: Arc<dyn Store>,
    /// With several nodes: the shared store groups are claimed from.
    pub cluster: Option<Arc<PgStore>>,
    /// One claim at a time on this node, so two members arriving together
    /// do not claim the same group twice (the second claim would fence the
    /// first's task).
    claims: tokio::sync::Mutex<()>,
    /// Set on SIGTERM with several nodes: the health check answers 503 so
    /// the balancer drains this node.
    pub draining: std::sync::atomic::AtomicBool,
    pub metrics: Arc<Metrics>,
    pub config: Config,
    /// Flips to true when the server shuts down; connections close with 1001.
    pub shutdown: watch::Receiver<bool>,
    /// The time every group's engine is given.
    pub clock: Clock,
    /// Groups created per address, when anyone may create them.
    pub group_creations: crate::rate::PerAddress,
    /// Wrong admin (and convener) tokens per address, on the routes the
    /// admin token opens.
    pub admin_guesses: crate::rate::PerAddress,
    next_conn: AtomicU64,
    /// Websockets still open, so shutdown can wait for their close frames.
    pub open_sockets: std::sync::atomic::AtomicUsize,
}

/// A fresh member token: 256 random bits, hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Tokens are kept only as SHA-256 hashes.
pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl App {
    /// Rebuilds every group from the store and starts its task.
    pub fn start(
        store: Arc<dyn Store>,
        metrics: Arc<Metrics>,
        config: Config,
        shutdown: watch::Receiver<bool>,
    ) -> Result<Arc<App>, StoreError> {
        let group_creations = crate::rate::PerAddress::new(config.groups_per_hour_per_ip);
        let app = Arc::new(App {
            groups: DashMap::new(),
            cluster: store.clone().cluster(),
            claims: tokio::sync::Mutex::new(()),
            draining: std::sync::atomic::AtomicBool::new(false),
            store: store.clone(),
            metrics,
            config,
            shutdown,
            clock: Clock::start(),
            group_creations,
            admin_guesses: crate::rate::PerAddress::new(
                crate::http::operator::ADMIN_GUESSES_PER_HOUR,
            ),
            next_conn: AtomicU64::new(1),
            open_sockets: std::sync::atomic::AtomicUsize::new(0),
        });
        for stored in store.load_groups()? {
            app.start_group(stored)?;
        }
        Ok(app)
    }

    /// Rebuilds a stored group's engine and starts its task here.
    fn start_group(&self, stored: StoredGroup) -> Result<GroupHandle, StoreError> {
        let engine = group::rebuild(
            &stored.config_json,
            stored.snapshot.as_ref().map(|(_, json)| json.as_str()),
            &stored.inputs,
        )
        .map_err(|reason| StoreError::Unreplayable {
            group_id: stored.group_id.clone(),
            reason,
        })?;
        let handle = GroupTask::new(engine, stored.recent_events, self.shared()).spawn();
        self.groups.insert(stored.group_id, handle.clone());
        self.metrics.group_started();
        Ok(handle)
    }

    /// What a group task is given of the server's.
    fn shared(&self) -> group::Shared {
        group::Shared {
            store: self.store.clone(),
            metrics: self.metrics.clone(),
            clock: self.clock,
            snapshot_max_bytes: self.config.snapshot_max_bytes,
            stand_down_on_failure: self.cluster.is_some(),
        }
    }

    pub fn next_conn_id(&self) -> u64 {
        self.next_conn.fetch_add(1, Ordering::Relaxed)
    }

    /// The group's task on this node, if it runs here; a task that stopped
    /// (its group moved) is forgotten.
    pub fn group(&self, group_id: &GroupId) -> Option<GroupHandle> {
        let handle = self.groups.get(group_id).map(|g| g.clone())?;
        if handle.is_closed() {
            // Only the stopped task's entry, and only its fence: another task
            // may have claimed the group again meanwhile, and its fence is
            // not this one's to drop.
            let removed = self.groups.remove_if(group_id, |_, h| h.is_closed());
            if removed.is_some() {
                if let Some(cluster) = &self.cluster {
                    cluster.forget(group_id);
                }
                self.metrics.group_stopped();
            }
            return None;
        }
        Some(handle)
    }

    /// Where a group is served: here (claimed now if its owner is gone),
    /// on another live node, or nowhere.
    pub async fn locate(&self, group_id: &GroupId) -> Located {
        if let Some(handle) = self.group(group_id) {
            return Located::Here(handle);
        }
        let Some(cluster) = &self.cluster else {
            return Located::Nowhere;
        };
        if self.draining.load(Ordering::Relaxed) {
            return Located::Unavailable;
        }
        let _one_at_a_time = self.claims.lock().await;
        if let Some(handle) = self.group(group_id) {
            return Located::Here(handle);
        }
        // Boxed: every connection's task holds what it awaits here, and a
        // claim's queries to PostgreSQL are large and seldom needed.
        match Box::pin(cluster.claim(group_id)).await {
            Ok(Claim::Claimed(stored)) => match self.start_group(stored) {
                Ok(handle) => {
                    self.metrics.group_claimed();
                    Located::Here(handle)
                }
                Err(error) => {
                    tracing::error!(group_id = %group_id, %error, "a claimed group cannot be rebuilt");
                    cluster.forget(group_id);
                    Located::Unavailable
                }
            },
            Ok(Claim::OwnedBy(addr)) => Located::There(addr),
            Ok(Claim::Unknown) => Located::Nowhere,
            Err(error) => {
                tracing::warn!(group_id = %group_id, %error, "claim failed");
                Located::Unavailable
            }
        }
    }

    /// A rolling stop: every group here finishes what it holds, closes its
    /// sockets with "moved", and the node gives its groups up in the store.
    pub async fn stand_down(&self) {
        let Some(cluster) = &self.cluster else { return };
        self.draining.store(true, Ordering::Relaxed);
        let handles: Vec<GroupHandle> = self.groups.iter().map(|g| g.clone()).collect();
        for handle in &handles {
            let _ = handle.send(group::GroupMsg::StandDown).await;
        }
        for handle in handles {
            handle.closed().await;
        }
        self.groups.clear();
        if let Err(error) = cluster.release().await {
            tracing::warn!(%error, "ownership not released; the leases lapse instead");
        }
    }

    /// Claims the groups whose deadline is due and whose owner is gone, so
    /// that their timers fire: once a second, on every node.
    pub async fn sweep(self: Arc<Self>) {
        let Some(cluster) = self.cluster.clone() else {
            return;
        };
        let mut every = tokio::time::interval(std::time::Duration::from_secs(1));
        loop {
            every.tick().await;
            if self.draining.load(Ordering::Relaxed) {
                return;
            }
            match cluster.due_orphans().await {
                Ok(due) => {
                    for group_id in due {
                        if let Located::Here(_) = self.locate(&group_id).await {
                            tracing::info!(group_id = %group_id, "took over a group with a due deadline");
                        }
                    }
                }
                Err(error) => tracing::warn!(%error, "sweep failed"),
            }
        }
    }

    /// Who a token belongs to, if anyone; `Err` when the store did not
    /// answer, which says nothing about the token.
    pub async fn authenticate(&self, token: &str) -> Result<Option<TokenOwner>, StoreUnavailable> {
        let hash = token_hash(token);
        self.look_up(move |store| store.token_owner(&hash)).await
    }

    /// Whose calendar feed a token opens, if anyone's; `Err` as above.
    pub async fn feed_owner(
        &self,
        token: &str,
    ) -> Result<Option<(GroupId, MemberId)>, StoreUnavailable> {
        let hash = token_hash(token);
        self.look_up(move |store| store.feed_owner(&hash)).await
    }

    /// A blocking look-up in the store, run off the runtime.
    async fn look_up<T: Send + 'static>(
        &self,
        look_up: impl FnOnce(&dyn Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreUnavailable> {
        let store = self.store.clone();
        match tokio::task::spawn_blocking(move || look_up(store.as_ref())).await {
            Ok(Ok(found)) => Ok(found),
            Ok(Err(error)) => {
                tracing::warn!(%error, "a token could not be looked up");
                Err(StoreUnavailable)
            }
            Err(_) => Err(StoreUnavailable),
        }
    }

    /// Creates a group: its engine, its tokens, its task.
    pub async fn create_group(
        &self,
        mut config: GroupConfig,
        names: Vec<rondo_protocol::text::Name>,
    ) -> Result<CreatedGroup, Rejection> {
        config.group_id = GroupId::new(uuid::Uuid::new_v4().to_string()).expect("uuids are short");
        config.members = names
            .into_iter()
            .map(|name| {
                (
                    MemberId::new(uuid::Uuid::new_v4().simple().to_string()).expect("short"),
                    name,
                )
            })
            .collect();
        let engine = Engine::new(config.clone())?;
        let convener_token = new_token();
        let members: Vec<(MemberId, String, String)> = config
            .members
            .iter()
            .map(|(id, name)| (id.clone(), name.to_string(), new_token()))
            .collect();
        let mut tokens = vec![(None, token_hash(&convener_token))];
        tokens.extend(
            members
                .iter()
                .map(|(id, _, token)| (Some(id.clone()), token_hash(token))),
        );
        let write = Write::CreateGroup {
            group_id: config.group_id.clone(),
            config_json: serde_json::to_string(&config).expect("configs serialize"),
            tokens,
        };
        self.durable(write).await?;
        // With several nodes the group starts where its members are routed
        // (claimed by the first of them), not where it was created.
        if self.cluster.is_none() {
            let task = GroupTask::new(engine, Vec::new(), self.shared());
            self.groups.insert(config.group_id.clone(), task.spawn());
            self.metrics.group_started();
        }
        tracing::info!(group_id = %config.group_id, members = members.len(), "group created");
        Ok(CreatedGroup {
            group_id: config.group_id,
            convener_token,
            members,
        })
    }

    /// Waits until a write is durable.
    pub async fn durable(&self, write: Write) -> Result<(), Rejection> {
        match self.store.write(write).await {
            Ok(Ok(())) => Ok(()),
            _ => Err(Rejection::new(
                rondo_protocol::reply::ErrorCode::Internal,
                "storage failed",
            )),
        }
    }
}

/// Where a group is served.
pub enum Located {
    Here(GroupHandle),
    /// Another node's internal address.
    There(String),
    /// No such group.
    Nowhere,
    /// Not now (the store is unreachable, or this node is stopping).
    Unavailable,
}

/// A new group's secrets, returned once to its convener.
pub struct CreatedGroup {
    pub group_id: GroupId,
    pub convener_token: String,
    /// (id, name, token)
    pub members: Vec<(MemberId, String, String)>,
}
