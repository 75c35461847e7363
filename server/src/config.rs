//! What an operator can set, by flag or environment.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "rondo",
    version,
    about = "Runs the turn-taking of peer supervision groups."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the websocket API, the HTTP API and the web client.
    Serve(Config),
    /// Serve, and create a demo group of six members whose links are printed.
    Demo(Config),
    /// With the server stopped: drop from the log what start-up no longer
    /// reads, and shrink the database file.
    Compact(CompactArgs),
    /// While the server runs: copy the SQLite database, as of one commit,
    /// to a new file (the data key is not copied: keep it apart).
    Backup(BackupArgs),
}

#[derive(Args, Debug, Clone)]
pub struct BackupArgs {
    /// The SQLite database file.
    #[arg(long, env = "RONDO_DB", default_value = "./rondo.db")]
    pub db: PathBuf,
    /// The copy to write; it must not exist yet.
    #[arg(long)]
    pub to: PathBuf,
}

#[derive(Args, Debug, Clone)]
pub struct CompactArgs {
    /// The SQLite database file.
    #[arg(long, env = "RONDO_DB", default_value = "./rondo.db")]
    pub db: PathBuf,
}

#[derive(Args, Debug, Clone)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "RONDO_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// The SQLite database file.
    #[arg(long, env = "RONDO_DB", default_value = "./rondo.db")]
    pub db: PathBuf,
    /// A PostgreSQL URL (`postgres://…`) instead of the SQLite file: several
    /// nodes share it. Needs the same data key on every node.
    #[arg(long = "store", env = "RONDO_STORE", hide_env_values = true)]
    pub store: Option<String>,
    /// With PostgreSQL: how long this node's lease lasts unrenewed; its
    /// groups are taken over this long after it dies.
    #[arg(long, env = "RONDO_LEASE_TTL_MS", default_value_t = 5000)]
    pub lease_ttl_ms: u64,
    /// With PostgreSQL: where the other nodes reach this one (default: --addr).
    #[arg(long, env = "RONDO_INTERNAL_ADDR")]
    pub internal_addr: Option<String>,
    /// Origins allowed to open websockets besides the server's own (comma-separated).
    #[arg(
        long = "allowed-origins",
        env = "RONDO_ALLOWED_ORIGINS",
        value_delimiter = ','
    )]
    pub allowed_origins: Vec<String>,
    /// The data key, 64 hex characters; without it, the key file is used.
    #[arg(long, env = "RONDO_DATA_KEY", hide_env_values = true)]
    pub data_key: Option<String>,
    /// The key file, created with mode 0600 on first start (default: the database path + `.key`).
    #[arg(long, env = "RONDO_KEY_FILE")]
    pub key_file: Option<PathBuf>,
    /// The file of each group's month keys, apart from the database so
    /// that a backup of it cannot outlive a group's retention (default:
    /// the database path + `.datakeys`).
    #[arg(long, env = "RONDO_DATA_KEYS")]
    pub data_keys: Option<PathBuf>,
    /// Start even where a group's stored state was sealed with a data key
    /// destroyed since (a copy older than the group's retention or an
    /// erasure): such groups are not served, and the log names them.
    /// Without it, the server refuses to start and names the first.
    #[arg(long, env = "RONDO_SKIP_SHREDDED")]
    pub skip_shredded: bool,
    /// With `--store`: a PostgreSQL URL of a database of its own for each
    /// group's month keys, backed up apart from the store, so that a dump
    /// or base backup of the store cannot outlive a group's retention or an
    /// erasure. Without it, PostgreSQL's rows are sealed with the data key.
    #[arg(
        long,
        env = "RONDO_KEYS_STORE",
        hide_env_values = true,
        requires = "store"
    )]
    pub keys_store: Option<String>,
    /// When set, creating a group needs `Authorization: Bearer <this>`.
    #[arg(long, env = "RONDO_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// Largest websocket frame, in bytes.
    #[arg(long, env = "RONDO_FRAME_MAX_BYTES", default_value_t = 64 * 1024)]
    pub frame_max_bytes: usize,
    /// Open connections allowed from one address.
    #[arg(long, env = "RONDO_MAX_CONNS_PER_IP", default_value_t = 1000)]
    pub max_conns_per_ip: usize,
    /// Connections from one address that have not yet said a valid hello.
    #[arg(long, env = "RONDO_MAX_UNAUTHENTICATED_PER_IP", default_value_t = 64)]
    pub max_unauthenticated_per_ip: usize,
    /// Balancers (and, with several nodes, the other nodes) whose word on
    /// the client's address is taken: a PROXY protocol header (v1 or v2), or
    /// else `X-Forwarded-For`. Addresses or CIDR blocks, comma-separated.
    #[arg(
        long = "trusted-proxies",
        env = "RONDO_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<crate::client_addr::Cidr>,
    /// Also serve a websocket echo here, for protocol-compliance testing only.
    #[arg(long, env = "RONDO_ECHO_ADDR")]
    pub echo_addr: Option<SocketAddr>,
    /// Commands a connection may send per second, sustained.
    #[arg(long, env = "RONDO_RATE_PER_S", default_value_t = 20.0)]
    pub rate_per_s: f64,
    /// Commands a connection may send in a burst.
    #[arg(long, env = "RONDO_RATE_BURST", default_value_t = 40.0)]
    pub rate_burst: f64,
    /// Groups one address may create per hour without the admin token
    /// (as a burst, then spread over the hour).
    #[arg(long, env = "RONDO_GROUPS_PER_HOUR_PER_IP", default_value_t = 10.0)]
    pub groups_per_hour_per_ip: f64,
    /// Groups this server holds at most.
    #[arg(long, env = "RONDO_GROUPS_MAX", default_value_t = 10_000)]
    pub groups_max: usize,
    /// A group whose stored state (its snapshot) grows past this refuses
    /// commands that add text (`too_large`) until it shrinks.
    #[arg(long, env = "RONDO_SNAPSHOT_MAX_BYTES", default_value_t = 8 * 1024 * 1024)]
    pub snapshot_max_bytes: usize,
}

impl Config {
    pub fn key_file(&self) -> PathBuf {
        self.key_file
            .clone()
            .unwrap_or_else(|| self.beside_db(".key"))
    }

    pub fn data_keys_file(&self) -> PathBuf {
        self.data_keys
            .clone()
            .unwrap_or_else(|| self.beside_db(".datakeys"))
    }

    /// The database's path with `suffix` appended.
    fn beside_db(&self, suffix: &str) -> PathBuf {
        let mut path = self.db.clone().into_os_string();
        path.push(suffix);
        path.into()
    }
}
