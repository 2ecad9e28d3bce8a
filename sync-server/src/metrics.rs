//! The server's metrics, in Prometheus's text format at `/metrics`:
//! requests and their durations by route and status, sync rounds,
//! records and bytes in and out, pushed records refused by reason, and
//! rounds waiting for or holding the database. Counts only: never an id,
//! a name or anything a record holds.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

/// The upper bounds of the request-duration histogram, in seconds.
const BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// One route's request durations.
#[derive(Debug, Default, Clone)]
struct Histogram {
    /// Requests at or under each bound of [`BUCKETS`].
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        for (b, bound) in self.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *b += 1;
            }
        }
        self.count += 1;
        self.sum += seconds;
    }
}

/// What one sync round moved, for [`Metrics::round`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Round {
    /// Records the device pushed.
    pub records_in: usize,
    /// Records answered.
    pub records_out: usize,
    /// Bytes of the request body.
    pub bytes_in: usize,
    /// Bytes of the answer.
    pub bytes_out: usize,
}

#[derive(Debug, Default)]
struct Inner {
    /// Requests by route and status.
    requests: BTreeMap<(String, u16), u64>,
    /// Durations by route.
    durations: BTreeMap<String, Histogram>,
    rounds: u64,
    records_in: u64,
    records_out: u64,
    bytes_in: u64,
    bytes_out: u64,
    /// Pushed records refused, by reason (the protocol's code).
    refusals: BTreeMap<String, u64>,
    /// Requests in a call to the database (waiting for it or using it).
    db_busy: i64,
}

/// The server's counters (one per process).
#[derive(Debug, Default)]
pub struct Metrics(Mutex<Inner>);

impl Metrics {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A request answered.
    pub fn request(&self, route: &str, status: u16, took: Duration) {
        let mut m = self.inner();
        *m.requests.entry((route.to_string(), status)).or_default() += 1;
        m.durations
            .entry(route.to_string())
            .or_default()
            .observe(took.as_secs_f64());
    }

    /// A sync round answered.
    pub fn round(&self, round: Round) {
        let mut m = self.inner();
        m.rounds += 1;
        m.records_in += round.records_in as u64;
        m.records_out += round.records_out as u64;
        m.bytes_in += round.bytes_in as u64;
        m.bytes_out += round.bytes_out as u64;
    }

    /// A pushed record refused, by its code.
    pub fn refused(&self, code: &str) {
        *self.inner().refusals.entry(code.to_string()).or_default() += 1;
    }

    /// A request calls the database (+1) or is done with it (-1).
    pub fn db_busy(&self, delta: i64) {
        self.inner().db_busy += delta;
    }

    /// Everything, in Prometheus's text exposition format (0.0.4), with
    /// the use of PostgreSQL's pool when the server has one.
    pub fn render(&self, pool: Option<Pool>) -> String {
        let m = self.inner();
        let mut out = String::new();
        let counter = |out: &mut String, name: &str, help: &str, value: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
            );
        };
        let _ = writeln!(
            out,
            "# HELP carnet_http_requests_total Requests answered, by route and status.\n# TYPE carnet_http_requests_total counter"
        );
        for ((route, status), n) in &m.requests {
            let _ = writeln!(
                out,
                "carnet_http_requests_total{{route=\"{}\",status=\"{status}\"}} {n}",
                escape(route)
            );
        }
        let _ = writeln!(
            out,
            "# HELP carnet_http_request_duration_seconds Time to answer a request, by route.\n# TYPE carnet_http_request_duration_seconds histogram"
        );
        for (route, h) in &m.durations {
            let route = escape(route);
            for (bound, n) in BUCKETS.iter().zip(h.buckets) {
                let _ = writeln!(
                    out,
                    "carnet_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "carnet_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}\ncarnet_http_request_duration_seconds_sum{{route=\"{route}\"}} {}\ncarnet_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count, h.sum, h.count
            );
        }
        counter(
            &mut out,
            "carnet_sync_rounds_total",
            "Sync rounds answered.",
            m.rounds,
        );
        counter(
            &mut out,
            "carnet_sync_records_in_total",
            "Records devices pushed.",
            m.records_in,
        );
        counter(
            &mut out,
            "carnet_sync_records_out_total",
            "Records sent to devices.",
            m.records_out,
        );
        counter(
            &mut out,
            "carnet_sync_bytes_in_total",
            "Bytes of sync requests.",
            m.bytes_in,
        );
        counter(
            &mut out,
            "carnet_sync_bytes_out_total",
            "Bytes of sync answers.",
            m.bytes_out,
        );
        let _ = writeln!(
            out,
            "# HELP carnet_sync_refusals_total Pushed records refused, by reason.\n# TYPE carnet_sync_refusals_total counter"
        );
        for (code, n) in &m.refusals {
            let _ = writeln!(
                out,
                "carnet_sync_refusals_total{{reason=\"{}\"}} {n}",
                escape(code)
            );
        }
        let gauge = |out: &mut String, name: &str, help: &str, value: i64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
            );
        };
        gauge(
            &mut out,
            "carnet_db_busy",
            "Requests in a call to the database, waiting for it or using it.",
            m.db_busy,
        );
        if let Some(pool) = pool {
            gauge(
                &mut out,
                "carnet_db_pool_connections",
                "PostgreSQL connections open.",
                pool.open as i64,
            );
            gauge(
                &mut out,
                "carnet_db_pool_idle",
                "PostgreSQL connections open and free.",
                pool.idle as i64,
            );
            gauge(
                &mut out,
                "carnet_db_pool_max",
                "PostgreSQL connections at most.",
                pool.max as i64,
            );
            gauge(
                &mut out,
                "carnet_db_pool_waiting",
                "Requests waiting for a free PostgreSQL connection.",
                pool.waiting as i64,
            );
        }
        out
    }
}

/// The use of PostgreSQL's pool.
#[derive(Debug, Clone, Copy)]
pub struct Pool {
    /// Connections open.
    pub open: usize,
    /// Of which free.
    pub idle: usize,
    /// At most.
    pub max: usize,
    /// Requests waiting for one.
    pub waiting: usize,
}

impl From<deadpool_postgres::Status> for Pool {
    fn from(s: deadpool_postgres::Status) -> Self {
        Self {
            open: s.size,
            idle: s.available,
            max: s.max_size,
            waiting: s.waiting,
        }
    }
}

/// A label value as the text format writes it.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_format_holds_every_count() {
        let m = Metrics::default();
        m.request("/v1/sync", 200, Duration::from_millis(30));
        m.request("/v1/sync", 200, Duration::from_millis(700));
        m.request("/v1/join", 400, Duration::from_millis(2));
        m.round(Round {
            records_in: 3,
            records_out: 5,
            bytes_in: 100,
            bytes_out: 900,
        });
        m.refused("forbidden");
        let text = m.render(Some(Pool {
            open: 4,
            idle: 3,
            max: 16,
            waiting: 0,
        }));
        for line in [
            "carnet_http_requests_total{route=\"/v1/sync\",status=\"200\"} 2",
            "carnet_http_requests_total{route=\"/v1/join\",status=\"400\"} 1",
            "carnet_http_request_duration_seconds_bucket{route=\"/v1/sync\",le=\"0.05\"} 1",
            "carnet_http_request_duration_seconds_bucket{route=\"/v1/sync\",le=\"1\"} 2",
            "carnet_http_request_duration_seconds_count{route=\"/v1/sync\"} 2",
            "carnet_sync_rounds_total 1",
            "carnet_sync_records_in_total 3",
            "carnet_sync_records_out_total 5",
            "carnet_sync_bytes_out_total 900",
            "carnet_sync_refusals_total{reason=\"forbidden\"} 1",
            "carnet_db_busy 0",
            "carnet_db_pool_connections 4",
            "carnet_db_pool_idle 3",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
        assert_eq!(escape("a\"b\\c"), "a\\\"b\\\\c");
    }
}
