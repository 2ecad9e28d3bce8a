//! Time, injected: behaviour that depends on "now" takes a [`Clock`] so
//! tests are deterministic.

use std::sync::atomic::{AtomicI64, Ordering};

use crate::time_types::Timestamp;

/// A source of the current time.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current time.
    fn now(&self) -> Timestamp;
}

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that only moves when told to; each reading advances it by
/// `step_ms` so successive events stay ordered.
#[derive(Debug)]
pub struct FixedClock {
    now_ms: AtomicI64,
    step_ms: i64,
}

impl FixedClock {
    /// A clock starting at `start`, advancing `step_ms` per reading.
    pub fn new(start: Timestamp, step_ms: i64) -> Self {
        Self {
            now_ms: AtomicI64::new(start.as_millis()),
            step_ms,
        }
    }

    /// Move the clock forward.
    pub fn advance(&self, ms: i64) {
        self.now_ms.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_millis(self.now_ms.fetch_add(self.step_ms, Ordering::SeqCst))
    }
}
