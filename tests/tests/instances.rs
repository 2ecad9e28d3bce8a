//! Several server instances on one PostgreSQL database (the test
//! command's throwaway cluster), behind a proxy that sends each request
//! to the next instance: pushes committing side by side must never make
//! a device's pull skip a record, an instance killed mid-round must
//! cost its devices nothing but a retry, and a request sent again through
//! the other instance must leave no credit for an answer never read.

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

/// A device's credit rows of no answer it can present: neither one it
/// presented (at most `credited_answer`) nor its pending one.
fn stray_credit(server: &TestServer, device: &str) -> i64 {
    server.count(
        "SELECT COUNT(*) FROM device_credit c JOIN devices d ON d.id = c.device
         WHERE d.id = $1 AND c.answer > d.credited_answer AND c.answer != d.pending_answer",
        &[device.into()],
    )
}

#[test]
fn a_request_sent_again_through_the_other_instance_leaves_no_stray_credit() {
    use carnet_core::sync::client::build_request;
    use carnet_core::sync::protocol::encode;

    let server = TestServer::start_postgres(2);
    let (team, code) = server.create_team("Réseau Nord", "Aline");
    let mut aline = Device::join(&server, &code, "Aline", 1);
    let mut bea = Device::join(&server, &server.invite(&team, "worker", true), "Béa", 2);
    let token = bea.nb.membership().expect("meta").expect("joined").token;
    let device = server.query(
        "SELECT d.id FROM devices d JOIN members m ON m.id = d.member WHERE m.name = $1",
        &["Béa".into()],
    )[0]
    .text(0)
    .expect("Béa's device");
    let urls = server.instance_urls();
    for round in 0..30 {
        // Aline writes, so that each answer to Béa sends records.
        for k in 0..3 {
            aline
                .nb
                .create_note(note(format!("Tournée {round}.{k}")))
                .expect("note");
        }
        aline.sync().expect("Aline syncs");
        // Béa writes too: the round that stores her note commits it
        // before it reads its answer, and a copy of the request may
        // begin in between.
        bea.nb
            .create_note(note(format!("Visite {round}")))
            .expect("note");
        // Béa's request reaches both instances at once, four times each
        // (given up on and sent again): she reads none of the answers.
        let body = encode(&build_request(&mut bea.nb).expect("request"));
        std::thread::scope(|s| {
            for url in urls.iter().cycle().take(8) {
                let (body, token) = (body.clone(), token.clone());
                s.spawn(move || {
                    let answer = common::wire::post(
                        &format!("{url}/v1/sync"),
                        Some(&token),
                        "application/cbor",
                        body,
                    );
                    assert_eq!(answer.status, 200, "{}", answer.message);
                });
            }
        });
        assert_eq!(
            stray_credit(&server, &device),
            0,
            "round {round}: credit for an answer Béa cannot present"
        );
    }
    // Then she syncs as usual and holds exactly what the server holds.
    sync_until_ok(&mut bea);
    assert_eq!(bea.state(), stored(&server, &team));
}
