//! The time the engine is given: wall-clock milliseconds at start, carried
//! on by tokio's monotonic clock, so a clock step on the host never moves a
//! meeting's deadlines, and tests in paused tokio time run timers instantly.

use std::time::{SystemTime, UNIX_EPOCH};
use tokio::time::Instant;

#[derive(Clone, Copy, Debug)]
pub struct Clock {
    started_ms: u64,
    started: Instant,
}

impl Clock {
    pub fn start() -> Clock {
        let started_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        Clock {
            started_ms,
            started: Instant::now(),
        }
    }

    /// Unix epoch milliseconds.
    pub fn now_ms(&self) -> u64 {
        self.started_ms + self.started.elapsed().as_millis() as u64
    }

    /// When, on tokio's clock, the epoch time `at_ms` comes.
    pub fn instant_at(&self, at_ms: u64) -> Instant {
        let from_start = at_ms.saturating_sub(self.started_ms);
        self.started + std::time::Duration::from_millis(from_start)
    }
}
