//! Counters for `/metrics`, in Prometheus' text format.

use rondo_protocol::reply::{ErrorCode, Reply};
use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS_S: [f64; 12] = [
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// A latency histogram.
#[derive(Default)]
pub struct Histogram {
    counts: [AtomicU64; BUCKETS_S.len()],
    count: AtomicU64,
    sum_us: AtomicU64,
}

impl Histogram {
    pub fn observe(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        if let Some(bucket) = BUCKETS_S.iter().position(|b| seconds <= *b) {
            self.counts[bucket].fetch_add(1, Relaxed);
        }
        self.count.fetch_add(1, Relaxed);
        self.sum_us.fetch_add(elapsed.as_micros() as u64, Relaxed);
    }

    fn render(&self, name: &str, help: &str, out: &mut String) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        let mut cumulative = 0;
        for (bound, count) in BUCKETS_S.iter().zip(&self.counts) {
            cumulative += count.load(Relaxed);
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        let total = self.count.load(Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {total}");
        let _ = writeln!(out, "{name}_sum {}", self.sum_us.load(Relaxed) as f64 / 1e6);
        let _ = writeln!(out, "{name}_count {total}");
    }
}

/// Everything the server counts.
#[derive(Default)]
pub struct Metrics {
    connections: AtomicI64,
    groups: AtomicI64,
    commands: AtomicU64,
    errors: [AtomicU64; ErrorCode::ALL.len()],
    events: AtomicU64,
    slow_clients: AtomicU64,
    refused_connections: AtomicU64,
    /// Stored events left out of a replay window because their audience
    /// could not be read (never widened to everyone).
    unreadable_audiences: AtomicU64,
    /// The largest snapshot measured since start, in bytes.
    snapshot_bytes_max: AtomicU64,
    /// Appends refused because another node had claimed their group.
    fenced_appends: AtomicU64,
    /// Groups this node claimed from the shared store.
    claims: AtomicU64,
    pub ack_latency: Histogram,
    pub store_flush: Histogram,
}

impl Metrics {
    pub fn connection_opened(&self) {
        self.connections.fetch_add(1, Relaxed);
    }
    pub fn connection_closed(&self) {
        self.connections.fetch_sub(1, Relaxed);
    }
    pub fn group_started(&self) {
        self.groups.fetch_add(1, Relaxed);
    }
    pub fn group_stopped(&self) {
        self.groups.fetch_sub(1, Relaxed);
    }
    pub fn append_fenced(&self) {
        self.fenced_appends.fetch_add(1, Relaxed);
    }
    pub fn group_claimed(&self) {
        self.claims.fetch_add(1, Relaxed);
    }
    pub fn events_delivered(&self) {
        self.events.fetch_add(1, Relaxed);
    }
    pub fn connection_refused(&self) {
        self.refused_connections.fetch_add(1, Relaxed);
    }
    pub fn observe_snapshot(&self, bytes: usize) {
        self.snapshot_bytes_max.fetch_max(bytes as u64, Relaxed);
    }
    pub fn unreadable_audience(&self) {
        self.unreadable_audiences.fetch_add(1, Relaxed);
    }
    pub fn slow_client_dropped(&self) {
        self.slow_clients.fetch_add(1, Relaxed);
    }
    pub fn observe_ack(&self, elapsed: Duration) {
        self.ack_latency.observe(elapsed);
    }

    /// Counts a reply: a command, and its error code if refused.
    pub fn count_reply(&self, reply: &Reply) {
        self.commands.fetch_add(1, Relaxed);
        if let Reply::Error { code, .. } = reply {
            self.count_error(*code);
        }
    }

    pub fn count_error(&self, code: ErrorCode) {
        if let Some(i) = ErrorCode::ALL.iter().position(|c| *c == code) {
            self.errors[i].fetch_add(1, Relaxed);
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let gauge = |out: &mut String, name: &str, help: &str, value: i64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
            );
        };
        gauge(
            &mut out,
            "rondo_connections",
            "Open connections of members and room displays.",
            self.connections.load(Relaxed),
        );
        gauge(
            &mut out,
            "rondo_groups",
            "Groups loaded.",
            self.groups.load(Relaxed),
        );
        counter(
            &mut out,
            "rondo_commands_total",
            "Commands answered.",
            self.commands.load(Relaxed),
        );
        let _ = writeln!(
            out,
            "# HELP rondo_errors_total Errors sent, by code.\n# TYPE rondo_errors_total counter"
        );
        for (code, count) in ErrorCode::ALL.iter().zip(&self.errors) {
            let _ = writeln!(
                out,
                "rondo_errors_total{{code=\"{}\"}} {}",
                code.as_str(),
                count.load(Relaxed)
            );
        }
        counter(
            &mut out,
            "rondo_events_total",
            "Events fanned out.",
            self.events.load(Relaxed),
        );
        counter(
            &mut out,
            "rondo_slow_clients_total",
            "Clients dropped for not keeping up.",
            self.slow_clients.load(Relaxed),
        );
        counter(
            &mut out,
            "rondo_refused_connections_total",
            "Connections refused for the per-address caps.",
            self.refused_connections.load(Relaxed),
        );
        gauge(
            &mut out,
            "rondo_snapshot_bytes_max",
            "The largest group snapshot measured since start, in bytes.",
            self.snapshot_bytes_max.load(Relaxed) as i64,
        );
        counter(
            &mut out,
            "rondo_unreadable_audiences_total",
            "Stored events left out of a replay window: their audience could not be read.",
            self.unreadable_audiences.load(Relaxed),
        );
        counter(
            &mut out,
            "rondo_fenced_appends_total",
            "Appends refused: another node had claimed the group.",
            self.fenced_appends.load(Relaxed),
        );
        counter(
            &mut out,
            "rondo_claims_total",
            "Groups claimed from the shared store.",
            self.claims.load(Relaxed),
        );
        self.ack_latency.render(
            "rondo_ack_latency_seconds",
            "From a command's arrival to its ack.",
            &mut out,
        );
        self.store_flush.render(
            "rondo_store_flush_seconds",
            "One group commit to disk.",
            &mut out,
        );
        out
    }
}

fn counter(out: &mut String, name: &str, help: &str, value: u64) {
    let _ = writeln!(
        out,
        "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
    );
}
