//! A server holding many teams, on PostgreSQL.
//!
//! `scripts/with-postgres.sh scripts/with-secret-store.sh cargo bench -p
//! carnet-tests --bench scale` measures, on one server instance: a team of
//! 100,000 records alone on the server, then the same server holding
//! 1,000,000 records in 100 teams (the 99 others hold 9,091 copies each of
//! the first team's records under ids of their own, written straight into
//! the database), and on both a device's rounds as what it changed grows (0,
//! 10, 100 edited notes): a round's cost follows what changed, not what is
//! stored. Then a fresh device of the large team joins and pulls its
//! 100,000 records. Under `cargo test` (no `--bench` argument) it runs a
//! small smoke mode.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use carnet_client::{NoteFilter, Page};
use common::{Device, TestServer};

/// The server's time for a round that pushes `edits` edited notes
/// (median of five rounds), in milliseconds.
fn round_ms(device: &mut Device, edits: usize, offset: &mut u32) -> u64 {
    let mut samples = Vec::new();
    for _ in 0..5 {
        let list = |offset: u32| {
            device
                .nb
                .list_notes(
                    &NoteFilter::default(),
                    Page {
                        offset,
                        limit: edits as u32,
                    },
                )
                .expect("list")
        };
        let mut notes = list(*offset);
        if notes.items.len() < edits {
            // Past the last note: from the first again.
            *offset = 0;
            notes = list(0);
        }
        assert_eq!(notes.items.len(), edits, "enough notes to edit");
        *offset += edits as u32;
        for n in notes.items {
            device
                .nb
                .append_to_body(n.id, "Suivi: rappel fait.")
                .expect("edit");
        }
        let summary = device.sync().expect("sync");
        samples.push(summary.server_ms);
    }
    samples.sort_unstable();
    samples[samples.len() / 2]
}

fn rounds(device: &mut Device, offset: &mut u32) -> String {
    [0, 10, 100]
        .iter()
        .map(|&k| format!("{k} changed: {} ms", round_ms(device, k, offset)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (records, teams) = if full {
        (100_000usize, 100usize)
    } else {
        (400, 4)
    };
    // The large team's size, for another measurement than the README's.
    let records = std::env::var("CARNET_BENCH_RECORDS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n >= 100)
        .unwrap_or(records);
    if std::env::var("CARNET_TEST_DATABASE_URL").is_err() {
        println!("scale benchmark: skipped (run through scripts/with-postgres.sh)");
        return;
    }
    // The server holds ten times the team: the other teams share the rest.
    let total = records * 10;
    let per_team = (total - records) / (teams - 1);
    println!(
        "carnet scale benchmark on PostgreSQL: a {records}-record team, then {total} records in {teams} teams{}",
        if full { "" } else { " (smoke mode)" }
    );
    let server = TestServer::start_postgres(1);
    let (team, code) = server.create_team("Grande équipe", "Coordination");
    let mut origin = Device::join(&server, &code, "Coordination", 1);
    let t = Instant::now();
    origin.nb.fill_demo(records - 1, 42, |_| {}).expect("demo");
    let made = t.elapsed();
    let t = Instant::now();
    origin.sync().expect("push");
    println!(
        "setup: {records} records made in {:.0} s, pushed in {:.0} s",
        made.as_secs_f64(),
        t.elapsed().as_secs_f64()
    );
    let mut worker = Device::join(
        &server,
        &server.invite(&team, "worker", true),
        "Intervenante",
        2,
    );
    let mut offset = 0;
    println!(
        "rounds, the team alone ({records} records): {}",
        rounds(&mut worker, &mut offset)
    );

    // The other teams: copies of the first team's records under ids of
    // their own, `per_team` each.
    let t = Instant::now();
    for k in 1..teams {
        let other = format!("filler-team-{k:03}");
        server.execute(
            "INSERT INTO teams (id, name, workspace_id, feed_seq, created_at) VALUES ($1, $2, $3, $4, 0)",
            &[
                other.as_str().into(),
                format!("Équipe {k}").into(),
                format!("filler-workspace-{k:03}").into(),
                (per_team as i64).into(),
            ],
        );
        server.execute(
            "INSERT INTO records (team, id, kind, snapshot, chunk_count, heads, snapshot_heads, seq, scope)
             SELECT $1, gen_random_uuid()::text, kind, snapshot, 0, snapshot_heads, snapshot_heads,
                    row_number() OVER (ORDER BY seq, g), NULL
             FROM records, generate_series(1, $4) AS g WHERE team = $2 ORDER BY seq, g LIMIT $3",
            &[
                other.as_str().into(),
                team.as_str().into(),
                (per_team as i64).into(),
                (per_team.div_ceil(records) as i64).into(),
            ],
        );
    }
    server.execute("ANALYZE", &[]);
    let stored = server.count("SELECT COUNT(*) FROM records", &[]);
    println!(
        "the server now holds {stored} records in {teams} teams (written in {:.0} s)",
        t.elapsed().as_secs_f64()
    );
    println!(
        "rounds, the server full ({stored} records): {}",
        rounds(&mut worker, &mut offset)
    );

    let t = Instant::now();
    let mut fresh = Device::join_empty(
        &server,
        &server.invite(&team, "worker", true),
        "Nouvelle",
        3,
    );
    let summary = fresh.sync().expect("the first sync");
    let took: Duration = t.elapsed();
    let held = fresh.nb.record_ids().expect("ids").len();
    assert!(held >= records, "the fresh device holds the team ({held})");
    println!(
        "a fresh device joins and pulls its team's {held} records: {:.1} s in {} rounds, {:.1} s of it waiting for the server",
        took.as_secs_f64(),
        summary.rounds,
        summary.server_ms as f64 / 1000.0
    );
}
