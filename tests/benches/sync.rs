//! Sync benchmarks against a real server on loopback.
//!
//! `cargo bench -p carnet-tests --bench sync` measures, with a 10,000-record
//! team (`CARNET_BENCH_RECORDS=N` for another size): (a) a fresh device joining and pulling everything; (b) after a
//! week offline, 10 devices that each made 200 edits syncing in turn:
//! time, rounds, bytes on the wire against the bytes of the changes; and
//! (c) 100 devices syncing at once: latency, errors, server memory
//! (`CARNET_BENCH_CLIENTS=N` devices, spread over `CARNET_BENCH_TEAMS=T`
//! teams, for another measurement than the README's first). Under
//! `cargo test` (no `--bench` argument) it runs a small smoke mode.

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use carnet_client::{NoteFilter, Page};
use common::{Device, TestServer};

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

/// Each instance's resident memory, in MiB.
fn instances_rss(server: &TestServer) -> String {
    let each: Vec<String> = server
        .pids()
        .iter()
        .map(|pid| format!("{:.1}", rss_mib(*pid)))
        .collect();
    format!("{} MiB", each.join(" + "))
}

fn rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .unwrap_or(0.0)
        / 1024.0
}

/// With `CARNET_PERF_CTL=FIFO`, tell a `perf record --control=fifo:FIFO -D -1`
/// to profile only the part being studied (`enable`/`disable`): part (b),
/// or the one named by `CARNET_PERF_PART` (`a`, `b` or `c`).
fn perf_ctl(part: &str, command: &str) {
    let wanted = std::env::var("CARNET_PERF_PART").unwrap_or_else(|_| "b".into());
    if wanted != part {
        return;
    }
    if let Ok(path) = std::env::var("CARNET_PERF_CTL") {
        if let Ok(mut fifo) = std::fs::OpenOptions::new().write(true).open(path) {
            use std::io::Write;
            let _ = writeln!(fifo, "{command}");
        }
    }
}

/// The machine's cores, whatever this process is pinned to.
fn all_cores() -> usize {
    std::process::Command::new("nproc")
        .arg("--all")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(1)
}

/// PostgreSQL's processes (the test command's cluster).
fn database_pids() -> Vec<u32> {
    std::process::Command::new("pgrep")
        .args(["-x", "postgres"])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .filter_map(|l| l.trim().parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// Give this process and PostgreSQL's every core again (after a part
/// that pinned them).
fn unpin() {
    let every = format!("0-{}", all_cores().saturating_sub(1));
    for pid in database_pids().into_iter().chain([std::process::id()]) {
        let _ = std::process::Command::new("taskset")
            .args(["-a", "-p", "-c", &every, &pid.to_string()])
            .stdout(std::process::Stdio::null())
            .status();
    }
}

/// Pin the server's threads to the first core and this process's (the
/// clients') to the others, with `taskset`; says what it did.
fn split_cores(server: &TestServer, postgres: bool) -> String {
    let cores = all_cores();
    if cores < 2 {
        return String::new();
    }
    let pin = |cpus: &str, pid: u32| {
        std::process::Command::new("taskset")
            .args(["-a", "-p", "-c", cpus, &pid.to_string()])
            .stdout(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let clients = if cores == 2 {
        "1".to_string()
    } else {
        format!("1-{}", cores - 1)
    };
    // PostgreSQL's processes (this cluster's, the only one here) are the
    // server's side too.
    let database: Vec<u32> = if postgres {
        database_pids()
    } else {
        Vec::new()
    };
    let server_side: Vec<u32> = server.pids().into_iter().chain(database).collect();
    if server_side.iter().all(|pid| pin("0", *pid)) && pin(&clients, std::process::id()) {
        let with = if postgres { " with PostgreSQL" } else { "" };
        format!(" (server{with} on core 0, the clients on core {clients})")
    } else {
        " (taskset failed: server and clients share every core)".to_string()
    }
}

/// Where the benchmark's server keeps its teams.
#[derive(Clone, Copy)]
enum Store {
    Sqlite,
    Postgres(usize),
}

impl Store {
    fn start(self) -> TestServer {
        match self {
            Store::Sqlite => TestServer::start_sqlite(),
            Store::Postgres(n) => TestServer::start_postgres(n),
        }
    }

    fn name(self) -> String {
        match self {
            Store::Sqlite => "SQLite".into(),
            Store::Postgres(1) => "PostgreSQL, 1 instance".into(),
            Store::Postgres(n) => format!("PostgreSQL, {n} instances"),
        }
    }
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    // `CARNET_BENCH_STORES=sqlite,pg1,pg2` (the default) picks the stores.
    let wanted = std::env::var("CARNET_BENCH_STORES").unwrap_or_else(|_| "sqlite,pg1,pg2".into());
    let postgres = std::env::var("CARNET_TEST_DATABASE_URL").is_ok();
    for (code, store) in [
        ("sqlite", Store::Sqlite),
        ("pg1", Store::Postgres(1)),
        ("pg2", Store::Postgres(2)),
    ] {
        if !wanted.split(',').any(|w| w == code) {
            continue;
        }
        if matches!(store, Store::Postgres(_)) && !postgres {
            println!(
                "{}: skipped (run through scripts/with-postgres.sh)",
                store.name()
            );
            continue;
        }
        run(store, full);
    }
}

fn run(store: Store, full: bool) {
    let (records, devices, edits, clients) = if full {
        (10_000, 10, 200, 100)
    } else {
        (300, 3, 10, 8)
    };
    // (c)'s crowd, for another measurement than the README's first.
    let clients = std::env::var("CARNET_BENCH_CLIENTS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n >= 1)
        .unwrap_or(clients);
    // `CARNET_BENCH_PARTS=c` runs (c) alone.
    let parts = std::env::var("CARNET_BENCH_PARTS").unwrap_or_else(|_| "abc".into());
    // The team's size, for another measurement than the README's.
    let records = std::env::var("CARNET_BENCH_RECORDS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n >= 2)
        .unwrap_or(records);
    println!(
        "carnet sync benchmark on {}: {records}-record team{}",
        store.name(),
        if full { "" } else { " (smoke mode)" }
    );

    if parts.contains('a') || parts.contains('b') {
        a_and_b(store, records, devices, edits);
    }
    // (c)'s crowd spread over this many teams (one by default).
    let teams = std::env::var("CARNET_BENCH_TEAMS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(1);
    if parts.contains('c') {
        c(store, full, clients, teams);
    }
}

/// (a) and (b), on a team of `records`.
fn a_and_b(store: Store, records: usize, devices: usize, edits: usize) {
    let server = store.start();
    let (team, code) = server.create_team("Benchmark", "Coordination");
    let mut origin = Device::join(&server, &code, "Coordination", 1);
    origin.nb.fill_demo(records - 1, 42, |_| {}).expect("demo");
    let t = Instant::now();
    let pushed = origin.sync().expect("initial push");
    println!(
        "setup: first push of {records} records: {:.1} s, {} rounds",
        t.elapsed().as_secs_f64(),
        pushed.rounds
    );

    // (a) A fresh device joins and pulls everything.
    perf_ctl("a", "enable");
    let t = Instant::now();
    let fresh = Device::join(
        &server,
        &server.invite(&team, "worker", true),
        "Nouvelle",
        2,
    );
    let join_time = t.elapsed();
    perf_ctl("a", "disable");
    // Every kind (the demo's referrals are records too), the workspace apart.
    let total = fresh.nb.record_ids().expect("ids").len() - 1;
    assert!(
        total >= records - 1,
        "the fresh device holds the team's records ({total})"
    );
    println!(
        "(a) fresh device joins and pulls {total} records: {}",
        ms(join_time)
    );
    drop(fresh);

    // (b) A week offline: each device made `edits` edits, then syncs in turn.
    let mut team_devices: Vec<Device> = (0..devices)
        .map(|i| {
            Device::join(
                &server,
                &server.invite(&team, "worker", true),
                &format!("Intervenant {i}"),
                10 + i as u64,
            )
        })
        .collect();
    for (i, d) in team_devices.iter_mut().enumerate() {
        let notes =
            d.nb.list_notes(
                &NoteFilter::default(),
                Page {
                    offset: (i * edits) as u32,
                    limit: edits as u32,
                },
            )
            .expect("list");
        for (k, n) in notes.items.iter().enumerate() {
            d.nb.append_to_body(
                n.id,
                &format!("Suivi {k} par l'intervenant {i}: rappel fait, à revoir jeudi."),
            )
            .expect("edit");
        }
    }
    for d in team_devices.iter_mut() {
        // As the app's background loop does after a sync (here, the join's).
        d.nb.checkpoint().expect("checkpoint");
    }
    println!("(b) {devices} devices, {edits} offline edits each, syncing in turn:");
    let mut times = Vec::new();
    let mut worst_ratio: f64 = 0.0;
    let mut max_rounds = 0;
    perf_ctl("b", "enable");
    for (i, d) in team_devices.iter_mut().enumerate() {
        let t = Instant::now();
        let s = d.sync().expect("sync");
        let took = t.elapsed();
        times.push(took);
        // As the app does once a sync is over.
        let t = Instant::now();
        let pages = d.nb.checkpoint().expect("checkpoint");
        let checkpoint = t.elapsed();
        let wire = s.bytes_sent + s.bytes_received;
        let ratio = wire as f64 / s.change_bytes.max(1) as f64;
        worst_ratio = worst_ratio.max(ratio);
        max_rounds = max_rounds.max(s.rounds);
        println!(
            "    device {i}: {} ({} ms server) in {} rounds, sent {} records, received {}; wire {} B for {} B of changes ({ratio:.2}x); then checkpoint {} ({pages} pages)",
            ms(took), s.server_ms, s.rounds, s.sent, s.received, wire, s.change_bytes, ms(checkpoint)
        );
    }
    perf_ctl("b", "disable");
    println!("    max {}  p50 {}; at most {max_rounds} rounds; wire at most {worst_ratio:.2}x the changes", ms(*times.iter().max().expect("some")), ms(percentile(&mut times, 0.5)));
    drop(team_devices);
}

/// (c) Many devices syncing at once (each with a few edits to push: the
/// first five notes of its team's journal, the same five for every device
/// of a team), spread over `teams` teams of 1,000 (smoke: 100) records.
fn c(store: Store, full: bool, clients: usize, teams: usize) {
    let small = store.start();
    let teams = teams.clamp(1, clients);
    let team_ids: Vec<String> = (0..teams)
        .map(|t| {
            let (team, code) = small.create_team(&format!("Charge {t}"), "Coordination");
            let mut seed_device = Device::join(&small, &code, "Coordination", 3 + t as u64);
            seed_device
                .nb
                .fill_demo(if full { 999 } else { 99 }, 7 + t as u64, |_| {})
                .expect("demo");
            seed_device.sync().expect("push");
            team
        })
        .collect();
    let mut crowd: Vec<Device> = (0..clients)
        .map(|i| {
            Device::join(
                &small,
                &small.invite(&team_ids[i % teams], "worker", false),
                &format!("D{i}"),
                100 + i as u64,
            )
        })
        .collect();
    for d in crowd.iter_mut() {
        let notes =
            d.nb.list_notes(
                &NoteFilter::default(),
                Page {
                    offset: 0,
                    limit: 5,
                },
            )
            .expect("list");
        for n in notes.items {
            d.nb.append_to_body(n.id, "ajout").expect("edit");
        }
    }
    // On a real team the devices are other machines: the server gets a
    // core of its own, and the 100 clients share the rest.
    let pinned = split_cores(&small, matches!(store, Store::Postgres(_)));
    let before = sync_durations(&small);
    perf_ctl("c", "enable");
    let barrier = Arc::new(Barrier::new(clients));
    let handles: Vec<_> = crowd
        .into_iter()
        .map(|mut d| {
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                let t = Instant::now();
                let result = d.sync();
                let server = result.as_ref().map(|s| s.server_ms).unwrap_or(0);
                (t.elapsed(), result.is_ok(), Duration::from_millis(server))
            })
        })
        .collect();
    let results: Vec<_> = handles
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    perf_ctl("c", "disable");
    let errors = results.iter().filter(|r| !r.1).count();
    let mut lat: Vec<Duration> = results.iter().map(|r| r.0).collect();
    let mut waited: Vec<Duration> = results.iter().map(|r| r.2).collect();
    println!(
        "(c) {clients} devices of {teams} team{} syncing at once{pinned}: whole sync p50 {}  p99 {};  waiting for the server p50 {}  p99 {};  errors {errors}  server memory {}",
        if teams == 1 { "" } else { "s" },
        ms(percentile(&mut lat, 0.5)),
        ms(percentile(&mut lat, 0.99)),
        ms(percentile(&mut waited, 0.5)),
        ms(percentile(&mut waited, 0.99)),
        instances_rss(&small)
    );
    // The same rounds timed by the server, from its request-duration
    // histogram (`/metrics`, every instance): a device's own clock also
    // counts the time its thread waits for the clients' one shared core.
    let after = sync_durations(&small);
    let counts: Vec<u64> = after.iter().zip(&before).map(|(a, b)| a - b).collect();
    let total = *counts.last().unwrap_or(&0);
    let within = |share: f64| {
        BUCKETS
            .iter()
            .zip(&counts)
            .find(|(_, n)| **n as f64 >= share * total as f64)
            .map_or_else(
                || "over 30 s".to_string(),
                |(le, _)| format!("≤ {} ms", le * 1000.0),
            )
    };
    println!(
        "(c) the server's own time for those {total} sync requests: p50 {}, p99 {} ({} of them within 1 s)",
        within(0.5),
        within(0.99),
        counts[BUCKETS.iter().position(|b| *b == 1.0).expect("1 s")],
    );
    unpin();
    assert_eq!(errors, 0, "no sync failed under load");
}

/// The bounds of the server's request-duration histogram, in seconds.
const BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The sync requests every instance answered within each of
/// [`BUCKETS`], then in all (the last), summed over the instances.
fn sync_durations(server: &TestServer) -> Vec<u64> {
    let mut sums = vec![0u64; BUCKETS.len() + 1];
    for url in server.instance_urls() {
        let text = common::rt().block_on(async {
            reqwest::get(format!("{url}/metrics"))
                .await
                .expect("the metrics answer")
                .text()
                .await
                .expect("their text")
        });
        for line in text.lines() {
            let Some(rest) = line.strip_prefix(
                "carnet_http_request_duration_seconds_bucket{route=\"/v1/sync\",le=\"",
            ) else {
                continue;
            };
            let Some((le, n)) = rest.split_once("\"} ") else {
                continue;
            };
            let n: u64 = n.trim().parse().expect("a count");
            match BUCKETS
                .iter()
                .position(|b| le.parse::<f64>().ok() == Some(*b))
            {
                Some(k) => sums[k] += n,
                None if le == "+Inf" => sums[BUCKETS.len()] += n,
                None => {}
            }
        }
    }
    sums
}
