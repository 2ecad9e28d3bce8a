//! Several server instances on one PostgreSQL database (the test
//! command's throwaway cluster), behind a proxy that sends each request
//! to the next instance: pushes committing side by side must never make
//! a device's pull skip a record, and an instance killed mid-round must
//! cost its devices nothing but a retry.

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use carnet_client::NoteInput;
use common::{Device, TestServer};

/// The server's records of a team: id → sorted heads.
fn stored(server: &TestServer, team: &str) -> BTreeMap<String, Vec<String>> {
    server
        .query(
            "SELECT id, heads FROM records WHERE team = $1",
            &[team.into()],
        )
        .iter()
        .map(|r| {
            let heads =
                carnet_core::sync::decode_heads(&r.bytes(1).expect("heads")).expect("heads");
            let mut heads: Vec<String> = heads.iter().map(|h| h.to_string()).collect();
            heads.sort();
            (r.text(0).expect("id"), heads)
        })
        .collect()
}

/// Sync until it works (a round may meet a killed instance or a busy
/// database); how many attempts failed.
fn sync_until_ok(d: &mut Device) -> usize {
    for failed in 0..200 {
        if d.sync().is_ok() {
            return failed;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("the device never synced again");
}

fn note(title: String) -> NoteInput {
    NoteInput {
        title,
        body: Some("Rencontre au parc, suivi demandé".into()),
        ..NoteInput::default()
    }
}

/// Pushes this many rounds, three notes a round, per pushing device.
const ROUNDS: usize = 6;

#[test]
fn twenty_devices_pushing_through_two_instances_never_make_a_pull_skip_a_record() {
    let server = TestServer::start_postgres(2);
    let (team, code) = server.create_team("Réseau Nord", "Aline");
    let mut aline = Device::join(&server, &code, "Aline", 1);
    let mut pushers: Vec<Device> = (0..20u64)
        .map(|k| {
            let code = server.invite(&team, "worker", true);
            Device::join(&server, &code, &format!("Pousse {k}"), 100 + k)
        })
        .collect();
    let mut pullers: Vec<Device> = (0..5u64)
        .map(|k| {
            let code = server.invite(&team, "worker", true);
            Device::join(&server, &code, &format!("Lit {k}"), 200 + k)
        })
        .collect();
    let pushing = AtomicBool::new(true);
    let pulls = AtomicUsize::new(0);
    std::thread::scope(|s| {
        let handles: Vec<_> = pushers
            .iter_mut()
            .enumerate()
            .map(|(k, d)| {
                s.spawn(move || {
                    for round in 0..ROUNDS {
                        for n in 0..3 {
                            d.nb.create_note(note(format!("Note {k}-{round}-{n}")))
                                .expect("note");
                        }
                        sync_until_ok(d);
                    }
                })
            })
            .collect();
        for d in pullers.iter_mut() {
            let (pushing, pulls) = (&pushing, &pulls);
            s.spawn(move || {
                while pushing.load(Ordering::SeqCst) {
                    if d.sync().is_ok() {
                        pulls.fetch_add(1, Ordering::SeqCst);
                    }
                }
            });
        }
        for h in handles {
            h.join().expect("a pushing device");
        }
        pushing.store(false, Ordering::SeqCst);
    });
    assert!(
        pulls.load(Ordering::SeqCst) >= 5,
        "the pullers pulled while the others pushed"
    );
    // Everything pushed is on the server, once.
    let server_records = stored(&server, &team);
    assert_eq!(
        server_records.len(),
        20 * ROUNDS * 3 + 1,
        "every note and the workspace"
    );
    // A puller that skipped a feed position never gets that record: its
    // cursor is past it, and notes are never written again. Each device
    // syncs once more and must hold exactly what the server holds.
    for d in pullers
        .iter_mut()
        .chain(pushers.iter_mut())
        .chain(std::iter::once(&mut aline))
    {
        sync_until_ok(d);
    }
    let server_records = stored(&server, &team);
    for (k, d) in pullers.iter_mut().enumerate() {
        let mine = d.state();
        let missing: Vec<&String> = server_records
            .keys()
            .filter(|id| !mine.contains_key(*id))
            .collect();
        assert!(
            missing.is_empty(),
            "puller {k} skipped {} records: {missing:?}",
            missing.len()
        );
        assert_eq!(
            mine, server_records,
            "puller {k} holds the server's records"
        );
    }
    for d in pushers.iter_mut().chain(std::iter::once(&mut aline)) {
        assert_eq!(d.state(), server_records);
    }
    let answered = server.answered_by_instance().expect("two instances");
    assert!(answered.iter().all(|n| *n > 50), "{answered:?}");
}

#[test]
fn an_instance_killed_mid_round_costs_its_devices_a_retry_and_nothing_acknowledged() {
    let mut server = TestServer::start_postgres(2);
    let (team, code) = server.create_team("Réseau Sud", "Aline");
    let mut aline = Device::join(&server, &code, "Aline", 1);
    let mut devices: Vec<Device> = (0..6u64)
        .map(|k| {
            let code = server.invite(&team, "worker", true);
            Device::join(&server, &code, &format!("Poste {k}"), 300 + k)
        })
        .collect();
    // A large first push keeps rounds in flight when the instance dies.
    for (k, d) in devices.iter_mut().enumerate() {
        for n in 0..40 {
            d.nb.create_note(note(format!("Avant {k}-{n}")))
                .expect("note");
        }
    }
    let failed = AtomicUsize::new(0);
    std::thread::scope(|s| {
        let handles: Vec<_> = devices
            .iter_mut()
            .enumerate()
            .map(|(k, d)| {
                let failed = &failed;
                s.spawn(move || {
                    for round in 0..4 {
                        d.nb.create_note(note(format!("Pendant {k}-{round}")))
                            .expect("note");
                        failed.fetch_add(sync_until_ok(d), Ordering::SeqCst);
                    }
                })
            })
            .collect();
        std::thread::sleep(std::time::Duration::from_millis(150));
        server.kill_instance(1);
        for h in handles {
            h.join().expect("a device");
        }
    });
    // The survivor answered everything after; every device holds all.
    for d in devices.iter_mut().chain(std::iter::once(&mut aline)) {
        sync_until_ok(d);
    }
    let server_records = stored(&server, &team);
    assert_eq!(server_records.len(), 6 * (40 + 4) + 1, "nothing lost");
    for d in devices.iter_mut().chain(std::iter::once(&mut aline)) {
        assert_eq!(d.state(), server_records);
    }
    eprintln!(
        "rounds that failed and were retried: {}",
        failed.load(Ordering::SeqCst)
    );
}
