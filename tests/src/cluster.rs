//! Several nodes for real: Debian's PostgreSQL run as an unprivileged user
//! in a temporary folder (`initdb` refuses root), `rondo` nodes on it with a
//! short lease, and HAProxy in front hashing on the group.

use crate::{Group, Member, Server};
use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The lease the test nodes hold: short, so takeovers come quickly.
pub const LEASE_TTL_MS: u64 = 1500;

/// Whether these tests must run: under `tests/run` and in CI a missing
/// PostgreSQL or HAProxy is a failure, not a skip.
pub fn cluster_required() -> bool {
    crate::must_run("RONDO_REQUIRE_CLUSTER")
}

/// The newest installed PostgreSQL's programs.
fn postgres_bin() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop()
}

/// A free port on the loopback address.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Runs a PostgreSQL program as the `postgres` user when this is root.
fn as_postgres(program: &Path) -> Command {
    // SAFETY: geteuid only reads the process's user id.
    if unsafe { libc::geteuid() } == 0 {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

/// Hands a folder to the `postgres` user when this is root.
fn give_to_postgres(path: &Path) {
    // SAFETY: geteuid only reads the process's user id.
    if unsafe { libc::geteuid() } == 0 {
        let status = Command::new("chown")
            .args(["-R", "postgres"])
            .arg(path)
            .status()
            .expect("chown");
        assert!(status.success());
    }
}

/// A PostgreSQL of its own, in a temporary folder, stopped when dropped.
pub struct Postgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
}

impl Postgres {
    /// `None` where PostgreSQL is not installed (and not required).
    pub fn start() -> Option<Postgres> {
        Self::start_configured(|_| {})
    }

    /// Like `start`, with `configure` given the data folder (owned by the
    /// `postgres` user afterwards) between `initdb` and the first start.
    pub fn start_configured(configure: impl FnOnce(&Path)) -> Option<Postgres> {
        let bin = postgres_bin();
        assert!(
            bin.is_some() || !cluster_required(),
            "the cluster tests must run: PostgreSQL is missing (apt-get install postgresql)"
        );
        let bin = bin?;
        let dir = tempfile::tempdir().expect("a folder");
        give_to_postgres(dir.path());
        let data = dir.path().join("data");
        let status = as_postgres(&bin.join("initdb"))
            .arg("-D")
            .arg(&data)
            .args(["-A", "trust", "-U", "rondo", "--no-sync"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("initdb");
        assert!(status.success(), "initdb failed");
        configure(&data);
        give_to_postgres(&data);
        let postgres = Postgres {
            port: free_port(),
            dir,
            bin,
        };
        postgres.pg_ctl(&["start", "-w"]);
        Some(postgres)
    }

    fn pg_ctl(&self, args: &[&str]) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c synchronous_commit=on",
            self.port,
            self.dir.path().display()
        );
        let status = as_postgres(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-o", &options, "-l"])
            .arg(self.dir.path().join("log"))
            .args(args)
            .stdout(Stdio::null())
            .status()
            .expect("pg_ctl");
        assert!(status.success(), "pg_ctl {args:?} failed");
    }

    pub fn url(&self) -> String {
        self.url_of("postgres")
    }

    /// `pg_ctl restart -m immediate`: a crash and a recovery.
    pub fn restart_immediately(&self) {
        self.pg_ctl(&["restart", "-m", "immediate", "-w"]);
    }

    /// Copies this cluster's database into `other`'s, as an operator
    /// restores a backup: `pg_dump -Fc`, then `pg_restore`.
    pub fn dump_into(&self, other: &Postgres) {
        let dump = self.dir.path().join("rondo.dump");
        let tool = |name: &str, port: u16| {
            let mut command = Command::new(self.bin.join(name));
            command.args(["-h", "127.0.0.1", "-U", "rondo", "-p", &port.to_string()]);
            command
        };
        let dumped = tool("pg_dump", self.port)
            .args(["-Fc", "-d", "postgres", "-f"])
            .arg(&dump)
            .output()
            .expect("pg_dump");
        assert!(
            dumped.status.success(),
            "pg_dump: {}",
            String::from_utf8_lossy(&dumped.stderr)
        );
        let restored = tool("pg_restore", other.port)
            .args(["--exit-on-error", "-d", "postgres"])
            .arg(&dump)
            .output()
            .expect("pg_restore");
        assert!(
            restored.status.success(),
            "pg_restore: {}",
            String::from_utf8_lossy(&restored.stderr)
        );
    }

    /// The internal address of the node that owns a group now.
    pub fn owner_addr(&self, group: &Group) -> String {
        let rows = self.query(&format!(
            "SELECT n.internal_addr FROM group_owner o JOIN nodes n ON n.node_id = o.owner \
             WHERE o.group_id = '{}'",
            group.group_id
        ));
        rows.into_iter().next().expect("an owner")
    }

    /// One query's rows, `|`-separated, through psql.
    pub fn query(&self, sql: &str) -> Vec<String> {
        self.query_in("postgres", sql)
    }

    /// The URL of another database of this cluster.
    pub fn url_of(&self, database: &str) -> String {
        format!("postgres://rondo@127.0.0.1:{}/{database}", self.port)
    }

    /// One query's rows in `database`.
    pub fn query_in(&self, database: &str, sql: &str) -> Vec<String> {
        let output = Command::new(self.bin.join("psql"))
            .args([
                "-h",
                "127.0.0.1",
                "-U",
                "rondo",
                "-d",
                database,
                "-At",
                "-c",
                sql,
            ])
            .arg("-p")
            .arg(self.port.to_string())
            .output()
            .expect("psql");
        assert!(
            output.status.success(),
            "{sql}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = as_postgres(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["stop", "-m", "immediate"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// A `rondo` node on `store`, at an address of its own that it also gives
/// the other nodes.
pub fn node(dir: &Path, store: &str) -> Server {
    let addr = format!("127.0.0.1:{}", free_port());
    node_on(dir, &addr, store)
}

/// A node with options of its own besides the usual ones.
pub fn node_with(dir: &Path, store: &str, options: &[&str]) -> Server {
    let addr = format!("127.0.0.1:{}", free_port());
    node_on_with(dir, &addr, store, options)
}

/// A node at a given address (one that restarts where it was).
pub fn node_on(dir: &Path, addr: &str, store: &str) -> Server {
    node_on_with(dir, addr, store, &[])
}

fn node_on_with(dir: &Path, addr: &str, store: &str, options: &[&str]) -> Server {
    let ttl = LEASE_TTL_MS.to_string();
    let mut extra = vec![
        "--store",
        store,
        "--lease-ttl-ms",
        &ttl,
        "--internal-addr",
        addr,
        // HAProxy and the other nodes, all on 127.0.0.1, name the clients
        // they carry (test clients come from 127.0.0.2 and up).
        "--trusted-proxies",
        "127.0.0.1",
    ];
    extra.extend_from_slice(options);
    Server::start_on(dir, addr, &extra)
}

/// HAProxy in front of the nodes, as `deploy/haproxy.cfg` sets it up:
/// consistent hashing on `g`, active health checks. Stopped when dropped.
pub struct Haproxy {
    child: Child,
    pub addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Haproxy {
    pub fn start(nodes: &[SocketAddr]) -> Option<Haproxy> {
        let binary = ["/usr/sbin/haproxy", "/usr/bin/haproxy"]
            .into_iter()
            .find(|p| Path::new(p).exists());
        assert!(
            binary.is_some() || !cluster_required(),
            "the cluster tests must run: HAProxy is missing (apt-get install haproxy)"
        );
        let binary = binary?;
        let dir = tempfile::tempdir().expect("a folder");
        let port = free_port();
        let template = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/haproxy.cfg"),
        )
        .expect("deploy/haproxy.cfg");
        // The deployed file's settings, with this test's ports and faster checks.
        let servers: String = nodes
            .iter()
            .enumerate()
            .map(|(i, addr)| format!("    server node{i} {addr} check inter 300ms fall 1 rise 2\n"))
            .collect();
        let config = template
            .replace("bind :80", &format!("bind 127.0.0.1:{port}"))
            // This machine allows a process fewer open files than production.
            .replace("maxconn 20000", "maxconn 2000")
            .lines()
            .filter(|line| !line.trim_start().starts_with("server "))
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
            + &servers;
        let path = dir.path().join("haproxy.cfg");
        std::fs::write(&path, config).expect("write haproxy.cfg");
        let child = Command::new(binary)
            .arg("-f")
            .arg(&path)
            .arg("-db")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("haproxy");
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        // Dropped (and so stopped) whether or not it comes up.
        let haproxy = Haproxy {
            child,
            addr,
            _dir: dir,
        };
        for _ in 0..100 {
            if std::net::TcpStream::connect(addr).is_ok() {
                return Some(haproxy);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("haproxy did not start");
    }
}

impl Drop for Haproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Connects through `addr` (the balancer, or a node) as a browser does:
/// `?g=` names the group; a node that cannot serve it yet answers "moved",
/// and the member tries again, as the web client does.
pub async fn connect(
    addr: SocketAddr,
    group: &Group,
    name: &str,
    resume_from: Option<u64>,
) -> Member {
    connect_with(addr, group, group.token(name), name, resume_from).await
}

/// As [`connect`], with any token (a room display's too); `who` names the
/// connection in a failure.
pub async fn connect_with(
    addr: SocketAddr,
    group: &Group,
    token: &str,
    who: &str,
    resume_from: Option<u64>,
) -> Member {
    let url = format!("ws://{addr}/ws?g={}", group.group_id);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match Member::try_connect(&url, token, resume_from).await {
            Ok(mut member) => {
                if member.welcome["agreement_required"] == true {
                    member.accept().await;
                }
                return member;
            }
            Err(why) => {
                assert!(Instant::now() < deadline, "{who} never got back in: {why}");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
}
