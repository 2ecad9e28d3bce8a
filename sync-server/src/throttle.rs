//! Failed joins, counted: an address that keeps trying wrong invitation
//! codes is paused, and so is the whole server's join endpoint when wrong
//! codes come from everywhere at once (a wrong code names no team, so the
//! server-wide count stands for every team's codes). Each refusal is
//! logged with the address, never with the code typed.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// How many failed joins are allowed, over which window.
#[derive(Debug, Clone, Copy)]
pub struct JoinLimits {
    /// Failed joins from one address within the window.
    pub per_address: usize,
    /// Failed joins from all addresses within the window.
    pub overall: usize,
    /// The window.
    pub window: Duration,
}

impl Default for JoinLimits {
    fn default() -> Self {
        Self {
            per_address: 10,
            overall: 200,
            window: Duration::from_secs(15 * 60),
        }
    }
}

/// Why a join is paused, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paused {
    /// Try again after this long.
    pub retry_after: Duration,
    /// The pause is for the whole server, not this address alone.
    pub overall: bool,
}

/// The failed joins of the last window.
#[derive(Debug, Default)]
pub struct JoinThrottle {
    limits: JoinLimits,
    by_address: HashMap<IpAddr, VecDeque<Instant>>,
    all: VecDeque<Instant>,
}

impl JoinThrottle {
    /// A throttle with these limits.
    pub fn new(limits: JoinLimits) -> Self {
        Self {
            limits,
            ..Self::default()
        }
    }

    fn forget_before(&mut self, now: Instant) {
        let window = self.limits.window;
        let old = |t: &Instant| now.duration_since(*t) >= window;
        while self.all.front().is_some_and(old) {
            self.all.pop_front();
        }
        self.by_address.retain(|_, times| {
            while times.front().is_some_and(old) {
                times.pop_front();
            }
            !times.is_empty()
        });
    }

    /// Whether `ip` may try a join now.
    pub fn check(&mut self, ip: IpAddr, now: Instant) -> Result<(), Paused> {
        self.forget_before(now);
        let window = self.limits.window;
        let wait = |oldest: Option<&Instant>| {
            oldest.map_or(window, |t| window.saturating_sub(now.duration_since(*t)))
        };
        if let Some(times) = self.by_address.get(&ip) {
            if times.len() >= self.limits.per_address {
                return Err(Paused {
                    retry_after: wait(times.front()),
                    overall: false,
                });
            }
        }
        if self.all.len() >= self.limits.overall {
            return Err(Paused {
                retry_after: wait(self.all.front()),
                overall: true,
            });
        }
        Ok(())
    }

    /// A join from `ip` failed (a wrong, used or expired code).
    pub fn failed(&mut self, ip: IpAddr, now: Instant) {
        self.by_address.entry(ip).or_default().push_back(now);
        self.all.push_back(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_that_keeps_failing_is_paused_and_others_are_not() {
        let mut t = JoinThrottle::new(JoinLimits {
            per_address: 3,
            overall: 5,
            window: Duration::from_secs(60),
        });
        let start = Instant::now();
        let a: IpAddr = "10.0.0.1".parse().expect("ip");
        let b: IpAddr = "10.0.0.2".parse().expect("ip");
        for _ in 0..3 {
            assert!(t.check(a, start).is_ok());
            t.failed(a, start);
        }
        let paused = t.check(a, start).expect_err("paused");
        assert!(!paused.overall);
        assert_eq!(paused.retry_after, Duration::from_secs(60));
        assert!(t.check(b, start).is_ok(), "another address may try");
        t.failed(b, start);
        t.failed(b, start);
        assert!(t.check(b, start).expect_err("server-wide").overall);
        assert!(
            t.check(a, start + Duration::from_secs(61)).is_ok(),
            "the window passed"
        );
    }
}
