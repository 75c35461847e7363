//! Helpers for the end-to-end tests and the load generator: the real `rondo`
//! binary, a bare HTTP client, and websocket members.

pub mod cluster;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// The data key the tests' servers use.
pub const TEST_KEY: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

/// The `rondo` binary, brought up to date once per test process (it embeds
/// the web client, so a stale one would test stale pages).
pub fn rondo_binary() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let exe = std::env::current_exe().expect("the test's own path");
            // Tests run from target/<profile>/deps, the benchmarks' binaries
            // from target/<profile>.
            let parent = exe.parent().expect("target/<profile>");
            let dir = if parent.ends_with("deps") {
                parent.parent().expect("target/<profile>")
            } else {
                parent
            };
            let status = Command::new(env!("CARGO"))
                .args(["build", "--quiet", "-p", "rondo-server", "--bin", "rondo"])
                .status()
                .expect("cargo build");
            assert!(status.success(), "building rondo failed");
            dir.join("rondo")
        })
        .clone()
}

/// Whether tests that need an installed program must run (`var` set, as
/// `tests/run` sets it, or in CI) rather than skip where it is missing.
pub fn must_run(var: &str) -> bool {
    std::env::var_os(var).is_some() || std::env::var_os("CI").is_some()
}

/// Debian's libfaketime (package `faketime`).
pub const FAKETIME_LIB: &str = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

/// A running `rondo serve` on a port of its own, with its log in a file.
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
    pub db: PathBuf,
    pub log: PathBuf,
}

impl Server {
    pub fn start(dir: &Path) -> Server {
        Self::start_with(dir, &[])
    }

    pub fn start_with(dir: &Path, extra: &[&str]) -> Server {
        Self::start_on(dir, "127.0.0.1:0", extra)
    }

    /// Starts on a given address, e.g. the one a killed server had.
    pub fn start_on(dir: &Path, addr: &str, extra: &[&str]) -> Server {
        Self::start_with_cores(dir, addr, extra, None)
    }

    /// Starts with its clock at `at` (`YYYY-MM-DD hh:mm:ss`, then running
    /// on), through Debian's libfaketime: for rules about days and months.
    pub fn start_at(dir: &Path, addr: &str, at: &str) -> Server {
        Self::start_at_with(dir, addr, at, &[])
    }

    /// Like `start_at`, with options of its own (e.g. `--store`).
    pub fn start_at_with(dir: &Path, addr: &str, at: &str, extra: &[&str]) -> Server {
        let env = [
            ("LD_PRELOAD", FAKETIME_LIB.to_owned()),
            ("FAKETIME", format!("@{at}")),
        ];
        Self::start_with_env(dir, addr, extra, None, &env)
    }

    /// Starts on one core only (as `taskset -c 0` would): the server then
    /// runs its single-threaded scheduler.
    pub fn start_on_one_core(dir: &Path) -> Server {
        Self::start_with_cores(dir, "127.0.0.1:0", &[], Some(0))
    }

    fn start_with_cores(dir: &Path, addr: &str, extra: &[&str], core: Option<usize>) -> Server {
        Self::start_with_env(dir, addr, extra, core, &[])
    }

    fn start_with_env(
        dir: &Path,
        addr: &str,
        extra: &[&str],
        core: Option<usize>,
        env: &[(&str, String)],
    ) -> Server {
        let db = dir.join("rondo.db");
        let log = dir.join(format!(
            "server-{}.log",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        let log_file = std::fs::File::create(&log).expect("log file");
        let mut command = Command::new(rondo_binary());
        if let Some(core) = core {
            use std::os::unix::process::CommandExt;
            // SAFETY: between fork and exec only the affinity syscall runs,
            // on a set built on this stack.
            unsafe {
                command.pre_exec(move || {
                    let mut set: libc::cpu_set_t = std::mem::zeroed();
                    libc::CPU_SET(core, &mut set);
                    if libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0
                    {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        let mut child = command
            .args(["serve", "--addr", addr, "--db"])
            .arg(&db)
            .args(extra)
            .env("RONDO_DATA_KEY", TEST_KEY)
            .env("RUST_LOG", "debug")
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdout(Stdio::piped())
            .stderr(log_file)
            .spawn()
            .expect("starting rondo");
        let stdout = child.stdout.take().expect("piped");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("rondo prints its address");
        let addr = line
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| {
                panic!(
                    "unexpected first line: {line:?}; log: {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                )
            })
            .parse()
            .expect("an address");
        Server {
            child,
            addr,
            db,
            log,
        }
    }

    /// SIGKILL: no shutdown, no flush beyond what was already durable.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A bare HTTP/1.1 request; returns the status and the body.
pub async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    bearer: Option<&str>,
    body: Option<&Value>,
) -> (u16, String) {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let response = http_raw(addr, method, path, bearer, &body).await;
    (response.status, response.body)
}

/// A member's log of supervision as JSON (`query`: `?from=…&to=…&g=…`),
/// which must be answered `200`.
pub async fn member_log(addr: SocketAddr, token: &str, query: &str) -> Value {
    let path = format!("/api/log.json{query}");
    let (status, body) = http(addr, "GET", &path, Some(token), None).await;
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).expect("the log is JSON")
}

/// An HTTP response: its status, its header lines, its body.
pub struct HttpResponse {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl HttpResponse {
    /// A header's value, by its name in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// A bare HTTP/1.1 request with any body, read whole.
pub async fn http_raw(
    addr: SocketAddr,
    method: &str,
    path: &str,
    bearer: Option<&str>,
    body: &str,
) -> HttpResponse {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let auth = bearer
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.expect("read");
    let response = String::from_utf8_lossy(&response).to_string();
    let status = response
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let (head, body) = response
        .split_once("\r\n\r\n")
        .map(|(h, b)| (h.to_owned(), b.to_owned()))
        .unwrap_or_default();
    // The server may answer chunked; the tests only read small JSON or text bodies.
    let body = if response
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(&body)
    } else {
        body
    };
    HttpResponse { status, head, body }
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || after.len() < size {
            break;
        }
        out.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    out
}

/// A group created over HTTP: its id, the convener token, and (name, member id, token).
pub struct Group {
    pub group_id: String,
    pub convener_token: String,
    pub members: Vec<(String, String, String)>,
}

impl Group {
    pub fn token(&self, name: &str) -> &str {
        &self
            .members
            .iter()
            .find(|(n, _, _)| n == name)
            .expect("a member")
            .2
    }
    pub fn id(&self, name: &str) -> &str {
        &self
            .members
            .iter()
            .find(|(n, _, _)| n == name)
            .expect("a member")
            .1
    }
}

pub async fn create_group(addr: SocketAddr, names: &[&str]) -> Group {
    create_group_with(addr, names, json!({"grace_s": 1})).await
}

/// Creates a group with the given settings.
pub async fn create_group_with(addr: SocketAddr, names: &[&str], settings: Value) -> Group {
    let members: Vec<Value> = names.iter().map(|n| json!({"name": n})).collect();
    let body = json!({"name": "Test group", "members": members, "settings": settings});
    let (status, text) = http(addr, "POST", "/api/groups", None, Some(&body)).await;
    assert_eq!(status, 201, "{text}");
    let created: Value = serde_json::from_str(&text).expect("JSON");
    Group {
        group_id: created["group_id"].as_str().unwrap().to_owned(),
        convener_token: created["convener_token"].as_str().unwrap().to_owned(),
        members: created["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["name"].as_str().unwrap().to_owned(),
                    m["member_id"].as_str().unwrap().to_owned(),
                    m["token"].as_str().unwrap().to_owned(),
                )
            })
            .collect(),
    }
}

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A member's websocket, with everything it received.
pub struct Member {
    pub ws: Ws,
    pub welcome: Value,
    /// Every event received, in order.
    pub events: Vec<Value>,
    /// How far `until` has read in `events`.
    cursor: usize,
    pub name: String,
}

/// How long a test waits for a frame before it fails.
pub const WAIT: Duration = Duration::from_secs(15);

impl Member {
    /// Connects and, as a member does on first joining, accepts the
    /// agreement in force when asked, taking the fresh welcome that follows.
    pub async fn connect(addr: SocketAddr, token: &str, resume_from: Option<u64>) -> Member {
        let mut member = Member::connect_as_is(addr, token, resume_from).await;
        if member.welcome["agreement_required"] == true {
            member.accept().await;
        }
        member
    }

    /// Accepts the latest agreement version and takes the fresh welcome.
    pub async fn accept(&mut self) {
        let version = self.welcome["group"]["agreement"]["version"].clone();
        self.ok(json!({"type": "agreement.accept", "version": version}))
            .await;
        self.welcome = self.until("welcome").await;
        self.events.clear();
        self.cursor = 0;
    }

    /// Connects and says hello, and nothing more.
    pub async fn connect_as_is(addr: SocketAddr, token: &str, resume_from: Option<u64>) -> Member {
        let url = format!("ws://{addr}/ws");
        let member = Member::try_connect(&url, token, resume_from).await;
        member.unwrap_or_else(|welcome| panic!("no welcome: {welcome}"))
    }

    /// Connects to `url` and says hello: the member once welcomed, or what
    /// came instead (a refusal, or the socket's end).
    pub async fn try_connect(
        url: &str,
        token: &str,
        resume_from: Option<u64>,
    ) -> Result<Member, String> {
        let (mut ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .map_err(|e| format!("ws connect: {e}"))?;
        let mut hello = json!({"type": "hello", "token": token, "client": "rondo-tests/1"});
        if let Some(from) = resume_from {
            hello["resume_from"] = from.into();
        }
        ws.send(Message::Text(hello.to_string().into()))
            .await
            .map_err(|e| format!("hello: {e}"))?;
        let mut member = Member::from_socket(ws);
        let welcome = member.frame().await.ok_or("closed before welcome")?;
        if welcome["type"] != "welcome" {
            return Err(welcome.to_string());
        }
        member.welcome = welcome;
        member.name = member.welcome["me"]["name"]
            .as_str()
            .unwrap_or("")
            .to_owned();
        Ok(member)
    }

    /// A socket that has not (yet) said hello.
    pub fn from_socket(ws: Ws) -> Member {
        Member {
            ws,
            welcome: Value::Null,
            events: Vec::new(),
            cursor: 0,
            name: String::new(),
        }
    }

    /// The next JSON frame; `None` once the socket closes.
    pub async fn frame(&mut self) -> Option<Value> {
        loop {
            let message = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("a frame in time")?;
            match message.ok()? {
                Message::Text(text) => {
                    return Some(serde_json::from_str(&text).expect("JSON frame"))
                }
                Message::Close(_) => return None,
                _ => continue,
            }
        }
    }

    /// The close code the server sent, reading past anything before it.
    pub async fn close_code(&mut self) -> Option<u16> {
        loop {
            let message = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("a frame in time")?;
            if let Ok(Message::Close(frame)) = message {
                return frame.map(|f| f.code.into());
            }
            message.ok()?;
        }
    }

    pub async fn send_raw(&mut self, text: String) {
        self.ws
            .send(Message::Text(text.into()))
            .await
            .expect("send");
    }

    /// Sends a command with a fresh id and waits for its reply; events that
    /// arrive meanwhile are kept.
    pub async fn command(&mut self, command: Value) -> Value {
        // Unique across this process's connections: the server remembers a
        // member's command ids across reconnects and restarts, and answers
        // a known id with its first answer.
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let n = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let id = format!("{}-{n}", self.name);
        self.command_with_id(&id, command).await
    }

    pub async fn command_with_id(&mut self, id: &str, mut command: Value) -> Value {
        command["id"] = id.into();
        self.send_raw(command.to_string()).await;
        loop {
            let frame = self
                .frame()
                .await
                .expect("a reply before the socket closed");
            if frame.get("re").and_then(Value::as_str) == Some(id) {
                return frame;
            }
            self.keep(frame);
        }
    }

    /// Sends a command that must be acknowledged.
    pub async fn ok(&mut self, command: Value) -> Value {
        let reply = self.command(command.clone()).await;
        assert_eq!(reply["type"], "ack", "{} {command}: {reply}", self.name);
        reply
    }

    fn keep(&mut self, frame: Value) {
        if frame.get("seq").is_some() && frame.get("type").and_then(Value::as_str) != Some("ack") {
            self.events.push(frame);
        }
    }

    /// The next event of `kind` after the last one `until` returned,
    /// reading more frames as needed.
    pub async fn until(&mut self, kind: &str) -> Value {
        loop {
            if let Some(offset) = self.events[self.cursor..]
                .iter()
                .position(|e| e["type"] == kind)
            {
                self.cursor += offset + 1;
                return self.events[self.cursor - 1].clone();
            }
            let frame = self
                .frame()
                .await
                .unwrap_or_else(|| panic!("{} closed waiting for {kind}", self.name));
            self.keep(frame);
        }
    }

    /// The last seq this member saw.
    pub fn last_seq(&self) -> u64 {
        let welcome = self.welcome["seq"].as_u64().unwrap_or(0);
        self.events
            .iter()
            .filter_map(|e| e["seq"].as_u64())
            .max()
            .unwrap_or(0)
            .max(welcome)
    }
}

/// A process's memory and CPU, read from `/proc`.
pub struct ServerStats {
    pid: u32,
}

impl ServerStats {
    pub fn new(pid: u32) -> ServerStats {
        ServerStats { pid }
    }

    /// Resident set size in KiB.
    pub fn rss_kib(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.pid))
            .ok()
            .and_then(|status| {
                status
                    .lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|kib| kib.parse().ok())
            })
            .unwrap_or(0)
    }

    /// User plus system CPU time, in clock ticks.
    pub fn cpu_ticks(&self) -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid)).unwrap_or_default();
        // Fields after the command name, which is in parentheses and may hold spaces.
        let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
        let fields: Vec<&str> = after.split_whitespace().collect();
        let field = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<u64>().ok())
                .unwrap_or(0)
        };
        field(11) + field(12)
    }

    /// Linux reports CPU time in ticks of 1/100 s (USER_HZ).
    pub fn ticks_per_s() -> f64 {
        100.0
    }
}

/// The machine's CPU time stolen by the hypervisor, in ticks, from `/proc/stat`.
pub fn steal_ticks() -> u64 {
    std::fs::read_to_string("/proc/stat")
        .ok()
        .and_then(|stat| {
            stat.lines()
                .next()
                .and_then(|cpu| cpu.split_whitespace().nth(8).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// What the test proxy does to the bytes it forwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProxyMode {
    /// Forward at once.
    Pass,
    /// Hold each chunk this many milliseconds before forwarding it.
    Delay(u64),
    /// Stop forwarding in both directions but keep the sockets open.
    HalfOpen,
}

/// A TCP proxy between a client and the server that can delay, cut and
/// half-open its connections.
pub struct Proxy {
    pub addr: SocketAddr,
    mode: std::sync::Arc<std::sync::Mutex<ProxyMode>>,
    cut: tokio::sync::broadcast::Sender<()>,
}

impl Proxy {
    pub async fn start(upstream: SocketAddr) -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let mode = std::sync::Arc::new(std::sync::Mutex::new(ProxyMode::Pass));
        let (cut, _) = tokio::sync::broadcast::channel(4);
        let (shared_mode, shared_cut) = (mode.clone(), cut.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(upstream).await else {
                    continue;
                };
                let (mode, mut cut) = (shared_mode.clone(), shared_cut.subscribe());
                tokio::spawn(async move {
                    let (client_read, client_write) = client.into_split();
                    let (server_read, server_write) = server.into_split();
                    let up = pipe(client_read, server_write, mode.clone());
                    let down = pipe(server_read, client_write, mode);
                    tokio::select! {
                        _ = up => {}
                        _ = down => {}
                        _ = cut.recv() => {}
                    }
                });
            }
        });
        Proxy { addr, mode, cut }
    }

    pub fn set(&self, mode: ProxyMode) {
        *self.mode.lock().expect("not poisoned") = mode;
    }

    /// Closes every connection through the proxy, both ways.
    pub fn cut(&self) {
        let _ = self.cut.send(());
    }
}

async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mode: std::sync::Arc<std::sync::Mutex<ProxyMode>>,
) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let current = *mode.lock().expect("not poisoned");
        match current {
            ProxyMode::Pass => {}
            ProxyMode::Delay(ms) => tokio::time::sleep(Duration::from_millis(ms)).await,
            // Swallow the bytes and everything after: a half-open connection.
            ProxyMode::HalfOpen => {
                std::future::pending::<()>().await;
            }
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}

/// Runs a Python script with `args`, `input` on its standard input, and reads
/// the JSON it prints: how the tests ask independent parsers (icalendar and
/// others from PyPI, which `tests/run` installs) what they make of a file.
/// `what` says what the script checks, for the failure's message.
pub fn python_json(script: &str, args: &[&str], input: &str, what: &str) -> Value {
    use std::io::Write;
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3");
    child
        .stdin
        .take()
        .expect("a pipe")
        .write_all(input.as_bytes())
        .expect("the script reads its input");
    let output = child.wait_with_output().expect("python3 ends");
    assert!(
        output.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the script prints JSON")
}
