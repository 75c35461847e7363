//! The `rondo` server: the meeting engine on the network.

pub mod app;
pub mod backup;
pub mod calendar;
pub mod client_addr;
pub mod clock;
pub mod close;
pub mod compact;
pub mod config;
pub mod crypto;
pub mod group;
pub mod http;
pub mod listen;
pub mod metrics;
pub mod rate;
pub mod reminders;
pub mod schedule;
pub mod store;
pub mod supervision_log;
pub mod web;
pub mod ws;

use app::App;
use config::Config;
use crypto::DataKey;
use metrics::Metrics;
use std::sync::Arc;
use store::{SqliteStore, Store, StoreError};
use tokio::sync::watch;

/// Names of the demo group's members.
const DEMO_MEMBERS: [&str; 6] = ["Ana", "Bo", "Cy", "Di", "Ed", "Fa"];

/// Serves until SIGINT or SIGTERM; with `demo`, creates a demo group first.
pub async fn run(config: Config, demo: bool) -> Result<(), String> {
    if config.store.is_some() && config.data_key.is_none() && config.key_file.is_none() {
        return Err(
            "several nodes share one data key: set RONDO_DATA_KEY (or --key-file) on every node"
                .into(),
        );
    }
    let key = match &config.data_key {
        Some(hex) => DataKey::from_hex(hex).map_err(|e| format!("RONDO_DATA_KEY: {e}"))?,
        None => DataKey::from_file(&config.key_file()).map_err(|e| e.to_string())?,
    };
    let metrics = Arc::new(Metrics::default());
    let store = open_store(&config, key, &metrics).await?;
    let (stop, shutdown) = watch::channel(false);
    let signalled = shutdown_signal()?;
    let started = std::time::Instant::now();
    let app = App::start(store, metrics, config.clone(), shutdown).map_err(|e| match e {
        StoreError::Shredded(_) => {
            format!("refusing to start: {e} (--skip-shredded serves the other groups)")
        }
        e => format!("refusing to start: {e}"),
    })?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(%addr, groups = app.groups.len(), startup_ms = started.elapsed().as_millis() as u64, "serving");
    println!("listening on http://{addr}");
    if demo {
        print_demo_links(&app, addr).await?;
    }
    if let Some(echo_addr) = config.echo_addr {
        let echo = axum::Router::new()
            .fallback(ws::echo)
            .with_state(config.frame_max_bytes);
        let listener = tokio::net::TcpListener::bind(echo_addr)
            .await
            .map_err(|e| format!("cannot listen on {echo_addr}: {e}"))?;
        let echo_addr = listener.local_addr().map_err(|e| e.to_string())?;
        tracing::info!(%echo_addr, "serving the compliance echo");
        println!("echo listening on {echo_addr}");
        tokio::spawn(async move { axum::serve(listener, echo).await });
    }
    tokio::spawn(app.clone().sweep());
    let stopping = app.clone();
    let router = http::router(app.clone());
    let admission =
        listen::Admission::new(config.max_conns_per_ip, config.max_unauthenticated_per_ip);
    listen::serve(
        listener,
        router,
        admission,
        client_addr::TrustedProxies::new(config.trusted_proxies.clone()),
        app.metrics.clone(),
        async move {
            signalled.await;
            tracing::info!("shutting down");
            // With several nodes: drain, finish, hand the groups back.
            stopping.stand_down().await;
            let _ = stop.send(true);
        },
    )
    .await;
    // Every socket was told to close (1001); give their close frames a moment.
    let closed = async {
        while app.open_sockets.load(std::sync::atomic::Ordering::Relaxed) > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    };
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), closed).await;
    Ok(())
}

/// SQLite by default; PostgreSQL with `--store postgres://…`.
async fn open_store(
    config: &Config,
    key: DataKey,
    metrics: &Arc<Metrics>,
) -> Result<Arc<dyn Store>, String> {
    let flush_metrics = metrics.clone();
    let on_commit = move |elapsed| flush_metrics.store_flush.observe(elapsed);
    let Some(url) = &config.store else {
        let store = SqliteStore::open(&config.db, &config.data_keys_file(), key, on_commit)
            .map_err(|e| format!("refusing to start: {e} ({})", config.db.display()))?
            .skipping_shredded(config.skip_shredded);
        return Ok(Arc::new(store));
    };
    let settings = store::postgres::NodeSettings {
        internal_addr: config
            .internal_addr
            .clone()
            .unwrap_or_else(|| config.addr.to_string()),
        lease_ttl: std::time::Duration::from_millis(config.lease_ttl_ms),
    };
    let fenced = metrics.clone();
    let keys = config.keys_store.as_deref();
    if keys.is_none() {
        tracing::warn!(
            "no --keys-store: retention and erasure do not reach PostgreSQL's dumps and backups"
        );
    }
    let store = store::postgres::PgStore::open(url, keys, key, settings, on_commit, move || {
        fenced.append_fenced()
    })
    .await
    // The URLs may hold passwords: the message names the stores, not the URLs.
    .map_err(|e| {
        format!("refusing to start: {e} (the --store or --keys-store PostgreSQL database)")
    })?;
    Ok(store)
}

async fn print_demo_links(app: &App, addr: std::net::SocketAddr) -> Result<(), String> {
    use rondo_protocol::text::{AgreementText, Name};
    let config = rondo_protocol::engine::state::GroupConfig {
        group_id: rondo_protocol::ids::GroupId::new("pending").expect("short"),
        name: Name::new("Demo supervision group").expect("short"),
        members: Vec::new(),
        agreement: rondo_protocol::view::Agreement {
            version: 1,
            text: AgreementText::new(http::DEFAULT_AGREEMENT).expect("fits"),
            review_on: None,
            published_at: app.clock.now_ms(),
        },
        settings: Default::default(),
        language: Default::default(),
    };
    let names = DEMO_MEMBERS
        .iter()
        .map(|n| Name::new(*n).expect("short"))
        .collect();
    let created = app
        .create_group(config, names)
        .await
        .map_err(|e| e.message)?;
    println!("\nDemo group created. Open one link per browser window:\n");
    for (_, name, token) in &created.members {
        println!("  {name:<4} http://{addr}/#t={token}");
    }
    // The console is where a convener manages the group (links, the
    // agreement, the schedule, the room display): its link, not a bare token.
    println!(
        "\n  Convener's console: http://{addr}/#c={}\n",
        created.convener_token
    );
    Ok(())
}

/// Installs the SIGINT and SIGTERM handlers now, before the port opens: a
/// handler registered lazily, on first poll, could miss an early signal and
/// leave the default action (an abrupt exit) in place.
#[cfg(unix)]
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>, String> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut terminate =
        signal(SignalKind::terminate()).map_err(|e| format!("SIGTERM handler: {e}"))?;
    let mut interrupt =
        signal(SignalKind::interrupt()).map_err(|e| format!("SIGINT handler: {e}"))?;
    Ok(async move {
        tokio::select! {
            _ = terminate.recv() => {}
            _ = interrupt.recv() => {}
        }
    })
}

#[cfg(not(unix))]
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>, String> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
