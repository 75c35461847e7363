//! The server's shared state: the map from group id to its task, and the store.

use crate::clock::Clock;
use crate::config::Config;
use crate::group::{self, GroupHandle, GroupTask};
use crate::metrics::Metrics;
use crate::store::{Store, StoreError, TokenOwner, Write};
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

pub struct App {
    /// The only map shared between tasks: group id to its task.
    pub groups: DashMap<GroupId, GroupHandle>,
    pub store: Arc<dyn Store>,
    pub metrics: Arc<Metrics>,
    pub config: Config,
    /// Flips to true when the server shuts down; connections close with 1001.
    pub shutdown: watch::Receiver<bool>,
    /// The time every group's engine is given.
    pub clock: Clock,
    /// Groups created per address, when anyone may create them.
    pub group_creations: crate::rate::PerAddress,
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
            store: store.clone(),
            metrics: metrics.clone(),
            config,
            shutdown,
            clock: Clock::start(),
            group_creations,
            next_conn: AtomicU64::new(1),
            open_sockets: std::sync::atomic::AtomicUsize::new(0),
        });
        for stored in store.load_groups()? {
            let engine = group::rebuild(
                &stored.config_json,
                stored.snapshot.as_ref().map(|(_, json)| json.as_str()),
                &stored.inputs,
            )
            .map_err(|reason| StoreError::Unreplayable {
                group_id: stored.group_id.clone(),
                reason,
            })?;
            let task = GroupTask::new(engine, stored.recent_events, app.shared());
            app.groups.insert(stored.group_id, task.spawn());
            metrics.group_started();
        }
        Ok(app)
    }

    /// What a group task is given of the server's.
    fn shared(&self) -> group::Shared {
        group::Shared {
            store: self.store.clone(),
            metrics: self.metrics.clone(),
            clock: self.clock,
            snapshot_max_bytes: self.config.snapshot_max_bytes,
        }
    }

    pub fn next_conn_id(&self) -> u64 {
        self.next_conn.fetch_add(1, Ordering::Relaxed)
    }

    pub fn group(&self, group_id: &GroupId) -> Option<GroupHandle> {
        self.groups.get(group_id).map(|g| g.clone())
    }

    /// Who a token belongs to, if anyone.
    pub async fn authenticate(&self, token: &str) -> Option<TokenOwner> {
        let hash = token_hash(token);
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || store.token_owner(&hash))
            .await
            .ok()?
            .ok()
            .flatten()
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
        let task = GroupTask::new(engine, Vec::new(), self.shared());
        self.groups.insert(config.group_id.clone(), task.spawn());
        self.metrics.group_started();
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

/// A new group's secrets, returned once to its convener.
pub struct CreatedGroup {
    pub group_id: GroupId,
    pub convener_token: String,
    /// (id, name, token)
    pub members: Vec<(MemberId, String, String)>,
}
