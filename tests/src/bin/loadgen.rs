//! `rondo-loadgen`: plays real meetings against a running server and reports
//! connections, commands and events per second, fan-out and ack latency,
//! errors, lost and duplicated events, and the server's RSS and CPU.
//!
//! ```text
//! rondo-loadgen --addr 127.0.0.1:8080 --groups 100 --rate 1 --duration-s 30 --pid $(pidof rondo)
//! rondo-loadgen --relay --addr 127.0.0.1:8090 --groups 100 --rate 1   # the bare relay, same load
//! rondo-loadgen --groups 2375 --rate 0 --source-addrs 4                 # hold members idle
//! ```

use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use rondo_tests::{create_group_with, steal_ticks, ServerStats};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpSocket;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

#[derive(Parser, Clone)]
#[command(about = "Plays supervision meetings against a rondo server (or the bare relay).")]
struct Args {
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    #[arg(long, default_value_t = 10)]
    groups: usize,
    #[arg(long, default_value_t = 8)]
    members: usize,
    /// Actions per member per second; 0 holds the members idle.
    #[arg(long, default_value_t = 1.0)]
    rate: f64,
    #[arg(long, default_value_t = 30)]
    duration_s: u64,
    /// Seconds between report lines.
    #[arg(long, default_value_t = 5)]
    step_s: u64,
    /// Spread connections over 127.0.0.1 … 127.0.0.N.
    #[arg(long, default_value_t = 1)]
    source_addrs: u8,
    /// New connections per second while connecting.
    #[arg(long, default_value_t = 2000)]
    connect_rate: u32,
    /// The server's pid, for its RSS and CPU from /proc.
    #[arg(long)]
    pid: Option<u32>,
    /// Talk to `rondo-relay` instead of rondo.
    #[arg(long)]
    relay: bool,
    /// Write the summary as JSON here.
    #[arg(long)]
    json: Option<std::path::PathBuf>,
}

/// Latencies in microseconds.
fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid bounds")
}

#[derive(Default)]
struct Counters {
    connections: AtomicU64,
    commands: AtomicU64,
    acks: AtomicU64,
    errors: AtomicU64,
    events: AtomicU64,
    duplicates: AtomicU64,
    disconnects: AtomicU64,
}

struct Stats {
    counters: Counters,
    ack_us: Mutex<Histogram<u64>>,
    fanout_us: Mutex<Histogram<u64>>,
    step_ack_us: Mutex<Histogram<u64>>,
    step_fanout_us: Mutex<Histogram<u64>>,
    error_codes: Mutex<HashMap<String, u64>>,
}

impl Stats {
    fn record(histograms: [&Mutex<Histogram<u64>>; 2], elapsed: Duration) {
        let us = (elapsed.as_micros() as u64).max(1);
        for h in histograms {
            let _ = h.lock().expect("not poisoned").record(us);
        }
    }
}

/// One event on its way to every member of a group.
struct Track {
    kind: String,
    sent: Option<Instant>,
    receivers: usize,
    last_receipt: Instant,
}

struct GroupShared {
    /// The group's id (a room's name for the relays): the balancer's `?g=`.
    route: String,
    members: usize,
    tracks: Mutex<HashMap<u64, Track>>,
    /// The highest seq any member's welcome covered: earlier events reached
    /// late joiners in their snapshot, not as events.
    joined_seq: AtomicU64,
}

impl GroupShared {
    /// Fan-out is complete when every member has the event and its sender its ack.
    fn complete(&self, seq: u64, stats: &Stats, update: impl FnOnce(&mut Track)) {
        let mut tracks = self.tracks.lock().expect("not poisoned");
        let track = tracks.entry(seq).or_insert(Track {
            kind: String::new(),
            sent: None,
            receivers: 0,
            last_receipt: Instant::now(),
        });
        update(track);
        if let (true, Some(sent)) = (track.receivers == self.members, track.sent) {
            let elapsed = track.last_receipt.saturating_duration_since(sent);
            tracks.remove(&seq);
            drop(tracks);
            Stats::record([&stats.fanout_us, &stats.step_fanout_us], elapsed);
        }
    }
}

/// What a member knows of its meeting, enough to choose a sensible action.
#[derive(Default)]
struct View {
    me: String,
    facilitator: Option<String>,
    status: String,
    running_case: bool,
    presenter: Option<String>,
    phase_kind: String,
    speaker: Option<String>,
    hands: Vec<String>,
    queue: Vec<String>,
}

impl View {
    fn apply(&mut self, e: &Value) {
        let s = |v: &Value| v.as_str().map(str::to_owned);
        match e["type"].as_str().unwrap_or("") {
            "meeting.opened" => {
                self.status = "lobby".into();
                self.facilitator = s(&e["meeting"]["facilitator"]);
            }
            "facilitator.changed" => self.facilitator = s(&e["facilitator"]),
            "meeting.started" | "meeting.resumed" => self.status = "running".into(),
            "meeting.paused" => self.status = "paused".into(),
            "meeting.ended" => {
                *self = View {
                    me: self.me.clone(),
                    queue: std::mem::take(&mut self.queue),
                    ..View::default()
                }
            }
            "case.proposed" => self.queue.extend(s(&e["case"]["case_id"])),
            "case.withdrawn" => self
                .queue
                .retain(|c| Some(c.as_str()) != e["case_id"].as_str()),
            "case.started" => {
                self.running_case = true;
                self.presenter = s(&e["presenter"]);
                self.queue
                    .retain(|c| Some(c.as_str()) != e["case_id"].as_str());
            }
            "case.ended" => {
                self.running_case = false;
                self.presenter = None;
                self.speaker = None;
                self.hands.clear();
                self.phase_kind.clear();
            }
            "phase.started" => {
                self.phase_kind = e["phase"]["kind"].as_str().unwrap_or("").to_owned();
                self.speaker = None;
                self.hands.clear();
            }
            "turn.started" => {
                self.speaker = s(&e["member"]);
                self.hands
                    .retain(|h| Some(h.as_str()) != e["member"].as_str());
            }
            "turn.ended" => self.speaker = None,
            "hand.raised" => self.hands.extend(s(&e["member"])),
            "hand.lowered" => self
                .hands
                .retain(|h| Some(h.as_str()) != e["member"].as_str()),
            _ => {}
        }
    }

    /// The next action: what a member in this seat would plausibly do now.
    fn next_action(&self, index: usize, step: u64) -> Value {
        let me = Some(&self.me);
        let facilitating = self.facilitator.as_ref() == me;
        let template = json!({"name": "load", "phases": [
            {"name": "present", "kind": "presenter", "duration_s": 5},
            {"name": "questions", "kind": "round", "turn_s": 3},
            {"name": "discussion", "kind": "open", "duration_s": 20, "turn_s": 5},
            {"name": "write", "kind": "written", "duration_s": 4}]});
        if self.status.is_empty() && index == 0 {
            return json!({"type": "meeting.open"});
        }
        if facilitating && self.status == "lobby" {
            return json!({"type": "meeting.start"});
        }
        if self.speaker.as_ref() == me {
            return json!({"type": if step.is_multiple_of(4) { "turn.pass" } else { "turn.done" }});
        }
        if facilitating && self.status == "running" && !self.running_case {
            if let Some(case) = self.queue.first() {
                return json!({"type": "case.start", "case_id": case, "template": template});
            }
        }
        if facilitating
            && self.phase_kind == "open"
            && !self.hands.is_empty()
            && self.speaker.is_none()
        {
            return json!({"type": "floor.give"});
        }
        if self.phase_kind == "open"
            && !self.hands.contains(&self.me)
            && self.presenter.as_ref() != me
        {
            return json!({"type": "hand.raise"});
        }
        if self.phase_kind == "written" && self.presenter.as_ref() != me {
            return json!({"type": "contribution.submit", "text": "a position"});
        }
        match step % 4 {
            0 if self.queue.len() < 3 => {
                json!({"type": "case.propose", "title": "A case", "question": "What now?", "minutes": 20})
            }
            1 if !self.status.is_empty() => {
                json!({"type": "note.save", "visibility": "private", "text": "a private thought"})
            }
            2 if !self.status.is_empty() => {
                json!({"type": "record.add", "kind": "discussion", "text": "a point made"})
            }
            _ => json!({"type": "ping"}),
        }
    }
}

async fn connect(
    args: &Args,
    index: usize,
    route: &str,
) -> std::io::Result<tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>> {
    let source = Ipv4Addr::new(
        127,
        0,
        0,
        1 + (index % args.source_addrs.max(1) as usize) as u8,
    );
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(IpAddr::V4(source), 0))?;
    let stream = socket.connect(args.addr).await?;
    stream.set_nodelay(true)?;
    let mut config = WebSocketConfig::default();
    config.read_buffer_size = 4 * 1024;
    config.write_buffer_size = 4 * 1024;
    let (ws, _) = tokio_tungstenite::client_async_with_config(
        format!("ws://{}/ws?g={route}", args.addr),
        stream,
        Some(config),
    )
    .await
    .map_err(std::io::Error::other)?;
    Ok(ws)
}

async fn member(
    args: Arc<Args>,
    index: usize,
    token: String,
    group: Arc<GroupShared>,
    stats: Arc<Stats>,
    stop: Instant,
) {
    let Ok(ws) = connect(&args, index, &group.route).await else {
        stats.counters.disconnects.fetch_add(1, Relaxed);
        return;
    };
    let (mut sink, mut stream) = ws.split();
    let hello = json!({"type": "hello", "token": token, "client": "rondo-loadgen/1"});
    // Rondo's members accept the group's agreement (version 1) before taking
    // part; the fresh welcome that follows counts as their joining. The
    // relay has no agreement.
    let accept = json!({"id": "accept", "type": "agreement.accept", "version": 1});
    let frames = if args.relay {
        vec![hello]
    } else {
        vec![hello, accept]
    };
    for frame in frames {
        if sink
            .send(Message::Text(frame.to_string().into()))
            .await
            .is_err()
        {
            return;
        }
    }
    stats.counters.connections.fetch_add(1, Relaxed);
    let view = Arc::new(Mutex::new(View::default()));
    let pending: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let reader = {
        let (view, pending, stats, group) =
            (view.clone(), pending.clone(), stats.clone(), group.clone());
        tokio::spawn(async move {
            let mut last_seq = 0;
            while let Some(Ok(message)) = stream.next().await {
                let Message::Text(text) = message else {
                    continue;
                };
                let Ok(frame) = serde_json::from_str::<Value>(&text) else {
                    continue;
                };
                match frame["type"].as_str().unwrap_or("") {
                    "welcome" => {
                        let mut v = view.lock().expect("not poisoned");
                        v.me = frame["me"]["member_id"].as_str().unwrap_or("").to_owned();
                        last_seq = frame["seq"].as_u64().unwrap_or(0);
                        group.joined_seq.fetch_max(last_seq, Relaxed);
                        if let Some(meeting) = frame.get("meeting").filter(|m| !m.is_null()) {
                            v.status = meeting["status"].as_str().unwrap_or("").to_owned();
                            v.facilitator = meeting["facilitator"].as_str().map(str::to_owned);
                        }
                    }
                    "ack" | "error" => {
                        let sent = frame["re"]
                            .as_str()
                            .and_then(|re| pending.lock().expect("not poisoned").remove(re));
                        if frame["type"] == "error" {
                            stats.counters.errors.fetch_add(1, Relaxed);
                            let code = frame["code"].as_str().unwrap_or("?").to_owned();
                            *stats
                                .error_codes
                                .lock()
                                .expect("not poisoned")
                                .entry(code)
                                .or_default() += 1;
                        } else {
                            stats.counters.acks.fetch_add(1, Relaxed);
                        }
                        if let Some(sent) = sent {
                            Stats::record([&stats.ack_us, &stats.step_ack_us], sent.elapsed());
                            if let Some(seq) = frame["seq"].as_u64() {
                                group.complete(seq, &stats, |t| t.sent = Some(sent));
                            }
                        }
                    }
                    kind => {
                        let Some(seq) = frame["seq"].as_u64() else {
                            continue;
                        };
                        stats.counters.events.fetch_add(1, Relaxed);
                        if seq <= last_seq {
                            stats.counters.duplicates.fetch_add(1, Relaxed);
                        }
                        last_seq = last_seq.max(seq);
                        // Notes go to their author only; every other event to all.
                        if !kind.starts_with("note.") {
                            group.complete(seq, &stats, |t| {
                                t.kind = kind.to_owned();
                                t.receivers += 1;
                                t.last_receipt = Instant::now();
                            });
                        }
                        view.lock().expect("not poisoned").apply(&frame);
                    }
                }
            }
            stats.counters.disconnects.fetch_add(1, Relaxed);
        })
    };
    if args.rate > 0.0 {
        let period = Duration::from_secs_f64(1.0 / args.rate);
        // Spread the members' first actions over one period.
        let offset = period.mul_f64((index % 97) as f64 / 97.0);
        let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + offset, period);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut step = index as u64;
        while Instant::now() < stop {
            ticker.tick().await;
            step += 1;
            let mut command = if args.relay {
                json!({"type": "relay.say", "text": "a point made"})
            } else {
                view.lock()
                    .expect("not poisoned")
                    .next_action(index % args.members, step)
            };
            let id = format!("l{index}-{step}");
            command["id"] = id.clone().into();
            pending
                .lock()
                .expect("not poisoned")
                .insert(id, Instant::now());
            stats.counters.commands.fetch_add(1, Relaxed);
            if sink
                .send(Message::Text(command.to_string().into()))
                .await
                .is_err()
            {
                break;
            }
        }
    } else {
        tokio::time::sleep_until(stop.into()).await;
    }
    // Let the last events arrive before closing.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let _ = sink.close().await;
    reader.abort();
}

fn summary(h: &Histogram<u64>) -> Value {
    let ms = |us: u64| us as f64 / 1000.0;
    json!({"count": h.len(), "p50_ms": ms(h.value_at_quantile(0.5)), "p90_ms": ms(h.value_at_quantile(0.9)),
           "p99_ms": ms(h.value_at_quantile(0.99)), "p999_ms": ms(h.value_at_quantile(0.999)), "max_ms": ms(h.max())})
}

fn line(h: &Histogram<u64>) -> String {
    let ms = |q: f64| h.value_at_quantile(q) as f64 / 1000.0;
    format!(
        "p50 {:.1} p90 {:.1} p99 {:.1} p99.9 {:.1} max {:.1} ms",
        ms(0.5),
        ms(0.9),
        ms(0.99),
        ms(0.999),
        h.max() as f64 / 1000.0
    )
}

#[tokio::main]
async fn main() {
    let args = Arc::new(Args::parse());
    let stats = Arc::new(Stats {
        counters: Counters::default(),
        ack_us: Mutex::new(histogram()),
        fanout_us: Mutex::new(histogram()),
        step_ack_us: Mutex::new(histogram()),
        step_fanout_us: Mutex::new(histogram()),
        error_codes: Mutex::default(),
    });
    let server = args.pid.map(ServerStats::new);
    let rss_before = server.as_ref().map(ServerStats::rss_kib).unwrap_or(0);
    // Create the groups (rondo) or name the rooms (relay).
    let mut tokens: Vec<(String, Vec<String>)> = Vec::with_capacity(args.groups);
    let names: Vec<String> = (0..args.members).map(|m| format!("Member {m}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    for g in 0..args.groups {
        if args.relay {
            let room = (0..args.members).map(|m| format!("room{g}:m{m}")).collect();
            tokens.push((format!("room{g}"), room));
        } else {
            let group = create_group_with(args.addr, &names, json!({"grace_s": 1})).await;
            let members = group.members.into_iter().map(|(_, _, token)| token);
            tokens.push((group.group_id, members.collect()));
        }
    }
    let rss_groups = server.as_ref().map(ServerStats::rss_kib).unwrap_or(0);
    eprintln!(
        "created {} groups (server RSS {} MiB); connecting {} members",
        args.groups,
        rss_groups / 1024,
        args.groups * args.members
    );
    let started = Instant::now();
    let steal_before = steal_ticks();
    // Connections go out in batches of 100: a sleep per connection would be
    // rounded up to the timer's 1 ms.
    let connect_gap = Duration::from_secs_f64(100.0 / f64::from(args.connect_rate.max(1)));
    let connecting = Duration::from_secs_f64(
        (args.groups * args.members) as f64 / f64::from(args.connect_rate.max(1)),
    );
    let stop = started + connecting + Duration::from_secs(args.duration_s);
    let mut tasks = Vec::new();
    let mut index = 0;
    let mut groups = Vec::new();
    for (route, group_tokens) in tokens {
        let group = Arc::new(GroupShared {
            route,
            members: args.members,
            tracks: Mutex::default(),
            joined_seq: AtomicU64::new(0),
        });
        groups.push(group.clone());
        for token in group_tokens {
            tasks.push(tokio::spawn(member(
                args.clone(),
                index,
                token,
                group.clone(),
                stats.clone(),
                stop,
            )));
            index += 1;
            if index % 100 == 0 {
                tokio::time::sleep(connect_gap).await;
            }
        }
    }
    eprintln!("connected in {:.1} s", started.elapsed().as_secs_f64());
    let mut previous = (
        0,
        0,
        server.as_ref().map(ServerStats::cpu_ticks).unwrap_or(0),
        Instant::now(),
    );
    let mut steps = Vec::new();
    while Instant::now() < stop {
        tokio::time::sleep(
            Duration::from_secs(args.step_s)
                .min(stop.saturating_duration_since(Instant::now()) + Duration::from_millis(1)),
        )
        .await;
        let c = &stats.counters;
        let (commands, events) = (c.commands.load(Relaxed), c.events.load(Relaxed));
        let elapsed = previous.3.elapsed().as_secs_f64();
        let ack = std::mem::replace(
            &mut *stats.step_ack_us.lock().expect("not poisoned"),
            histogram(),
        );
        let fanout = std::mem::replace(
            &mut *stats.step_fanout_us.lock().expect("not poisoned"),
            histogram(),
        );
        let (rss, cpu) = match &server {
            Some(s) => (s.rss_kib(), s.cpu_ticks()),
            None => (0, 0),
        };
        let cpu_pct = (cpu - previous.2) as f64 / ServerStats::ticks_per_s() / elapsed * 100.0;
        let step = json!({
            "t_s": started.elapsed().as_secs(), "connections": c.connections.load(Relaxed) - c.disconnects.load(Relaxed),
            "commands_per_s": (commands - previous.0) as f64 / elapsed, "events_per_s": (events - previous.1) as f64 / elapsed,
            "ack": summary(&ack), "fanout": summary(&fanout), "errors": c.errors.load(Relaxed),
            "server_rss_kib": rss, "server_cpu_pct": cpu_pct,
        });
        println!(
            "t={:>4}s conns={} cmd/s={:.0} ev/s={:.0} ack[{}] fanout[{}] errors={} rss={} MiB cpu={:.0}%",
            step["t_s"], step["connections"], step["commands_per_s"].as_f64().unwrap_or(0.0), step["events_per_s"].as_f64().unwrap_or(0.0),
            line(&ack), line(&fanout), step["errors"], rss / 1024, cpu_pct
        );
        steps.push(step);
        previous = (commands, events, cpu, Instant::now());
    }
    for task in tasks {
        let _ = task.await;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    let steal_pct = (steal_ticks() - steal_before) as f64
        / ServerStats::ticks_per_s()
        / started.elapsed().as_secs_f64()
        / cores
        * 100.0;
    let c = &stats.counters;
    let ack = stats.ack_us.lock().expect("not poisoned").clone();
    let fanout = stats.fanout_us.lock().expect("not poisoned").clone();
    let members = (args.groups * args.members) as u64;
    let rss_after = steps
        .last()
        .and_then(|s| s["server_rss_kib"].as_u64())
        .unwrap_or(0);
    // An event some but not all members received before the end was lost
    // (for a member still connected) on its way.
    let mut lost_by_type: HashMap<String, u64> = HashMap::new();
    for g in &groups {
        let tracks = g.tracks.lock().expect("not poisoned");
        let joined = g.joined_seq.load(Relaxed);
        for (seq, t) in tracks.iter() {
            if *seq > joined && t.receivers > 0 && t.receivers < g.members && t.last_receipt < stop
            {
                *lost_by_type.entry(t.kind.clone()).or_default() += 1;
            }
        }
    }
    let lost: u64 = lost_by_type.values().sum();
    let result = json!({
        "target": if args.relay { "relay" } else { "rondo" },
        "groups": args.groups, "members": members, "rate_per_member": args.rate, "duration_s": args.duration_s,
        "connections": c.connections.load(Relaxed), "disconnects_before_end": c.disconnects.load(Relaxed).saturating_sub(c.connections.load(Relaxed)),
        "commands": c.commands.load(Relaxed), "acks": c.acks.load(Relaxed), "errors": c.errors.load(Relaxed),
        "error_codes": *stats.error_codes.lock().expect("not poisoned"),
        "events": c.events.load(Relaxed), "duplicates": c.duplicates.load(Relaxed), "lost": lost, "lost_by_type": lost_by_type, "cpu_steal_pct": steal_pct,
        "ack": summary(&ack), "fanout": summary(&fanout),
        "server_rss_kib_before": rss_before, "server_rss_kib_with_groups": rss_groups, "server_rss_kib_after": rss_after,
        "server_rss_kib_per_member": if members > 0 { rss_after as f64 / members as f64 } else { 0.0 },
        "server_rss_kib_per_connection": if members > 0 { rss_after.saturating_sub(rss_groups) as f64 / members as f64 } else { 0.0 },
        "steps": steps,
    });
    println!(
        "\nsummary: {} members, {} commands ({} errors), {} events, {} lost, {} duplicated\n  ack    {}\n  fanout {}",
        members, result["commands"], result["errors"], result["events"], lost, result["duplicates"], line(&ack), line(&fanout)
    );
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&result).expect("JSON"))
            .expect("write the JSON summary");
    }
}
