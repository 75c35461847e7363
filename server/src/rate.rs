//! Token buckets: a member connection's commands, the groups one address
//! may create, and the wrong admin tokens it may send.

use dashmap::DashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// `rate_per_s` sustained, `burst` at once.
pub struct TokenBucket {
    tokens: f64,
    last: Instant,
    rate_per_s: f64,
    burst: f64,
}

impl TokenBucket {
    pub fn new(rate_per_s: f64, burst: f64) -> TokenBucket {
        TokenBucket {
            tokens: burst,
            last: Instant::now(),
            rate_per_s,
            burst,
        }
    }

    /// Takes a token if there is one; otherwise how long until there is.
    pub fn take(&mut self) -> Result<(), Duration> {
        self.check()?;
        self.tokens -= 1.0;
        Ok(())
    }

    /// Whether there is a token, leaving it; otherwise how long until there is.
    pub fn check(&mut self) -> Result<(), Duration> {
        let now = Instant::now();
        let refill = now.duration_since(self.last).as_secs_f64() * self.rate_per_s;
        self.tokens = (self.tokens + refill).min(self.burst);
        self.last = now;
        if self.tokens >= 1.0 {
            return Ok(());
        }
        let wait_s = (1.0 - self.tokens) / self.rate_per_s.max(f64::MIN_POSITIVE);
        Err(Duration::from_secs_f64(wait_s.min(86_400.0)))
    }

    fn full(&self) -> bool {
        let refill = self.last.elapsed().as_secs_f64() * self.rate_per_s;
        self.tokens + refill >= self.burst
    }
}

/// Addresses whose buckets are kept at most; past it, full buckets (of
/// addresses that have not created anything for a while) are forgotten.
const ADDRESSES_MAX: usize = 10_000;

/// One bucket per address.
pub struct PerAddress {
    buckets: DashMap<IpAddr, TokenBucket>,
    rate_per_s: f64,
    burst: f64,
}

impl PerAddress {
    pub fn new(per_hour: f64) -> PerAddress {
        PerAddress {
            buckets: DashMap::new(),
            rate_per_s: per_hour / 3600.0,
            burst: per_hour.max(1.0),
        }
    }

    /// Takes a token for `ip`; otherwise how long until there is one.
    pub fn take(&self, ip: IpAddr) -> Result<(), Duration> {
        if self.buckets.len() >= ADDRESSES_MAX {
            self.buckets.retain(|_, bucket| !bucket.full());
        }
        self.buckets
            .entry(ip)
            .or_insert_with(|| TokenBucket::new(self.rate_per_s, self.burst))
            .take()
    }

    /// Whether `ip` has a token, leaving it there.
    pub fn check(&self, ip: IpAddr) -> Result<(), Duration> {
        self.buckets
            .get_mut(&ip)
            .map_or(Ok(()), |mut bucket| bucket.check())
    }
}
