//! The team simulation (`sim/`): four devices of four roles (a
//! coordinator, a worker with persons, a worker without, an observer) and
//! one server, with lost, duplicated and replayed messages, devices
//! restored from old backups, erasures, notes, persons and places edited
//! on top of what was merged, and answers paged by count or by bytes.
//! Every property runs against the in-memory model and against the real
//! server's SQLite store.
//!
//! Properties: once the network heals and everyone syncs, every device
//! holds exactly the server's records its role may read, nothing the
//! server ever acknowledged is lost, nothing written is lost but to a
//! restore, and erased records are gone everywhere.

mod sim;

use std::collections::{BTreeSet, HashSet};

use carnet_core::sync::server::Limits;
use carnet_core::sync::{PushRecord, RejectCode, Role, SyncRequest};
use carnet_core::{Codebook, CoreError, Record, RecordDoc, RecordId, RecordKind};
use proptest::prelude::*;
use sim::{Backend, Fate, MemoryServer, Network, RealServer};

#[derive(Debug, Clone)]
enum Event {
    Create(usize, usize),
    Append(usize, usize),
    SetField(usize, usize, usize),
    Sync(usize, Fate),
    Replay,
    Backup(usize),
    Restore(usize),
    Erase(usize),
}

/// The team: who each device is.
fn team<B: Backend>(server: B, small_pages: bool) -> Network<B> {
    let mut net = Network::new(server);
    net.add_device("Aline", Role::Coordinator, true);
    net.add_device("Jean", Role::Worker, true);
    net.add_device("Nadia", Role::Worker, false);
    net.add_device("Bruno", Role::Observer, false);
    if small_pages {
        // Pages cut by size: a few records' worth of bytes per answer.
        net.limits = Limits {
            records: 100,
            bytes: 1_500,
        };
    }
    net
}

fn apply<B: Backend>(net: &mut Network<B>, event: &Event) {
    let n = net.devices.len();
    match event {
        Event::Create(d, kind) => net.create(d % n, *kind),
        Event::Append(d, which) => net.append(d % n, *which),
        Event::SetField(d, which, value) => net.set_field(d % n, *which, *value),
        Event::Sync(d, fate) => net.round(d % n, fate),
        Event::Replay => net.replay(),
        Event::Backup(d) => net.backup(d % n),
        Event::Restore(d) => net.restore(d % n),
        Event::Erase(which) => net.erase(*which),
    }
}

fn fate() -> impl Strategy<Value = Fate> {
    prop_oneof![
        5 => Just(Fate::Deliver),
        1 => Just(Fate::LoseRequest),
        1 => Just(Fate::LoseAnswer),
        1 => Just(Fate::Duplicate),
        1 => Just(Fate::ReplayLater),
    ]
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        3 => (0usize..4, 0usize..3).prop_map(|(d, k)| Event::Create(d, k)),
        6 => (0usize..4, 0usize..8).prop_map(|(d, w)| Event::Append(d, w)),
        2 => (0usize..4, 0usize..8, 0usize..6).prop_map(|(d, w, v)| Event::SetField(d, w, v)),
        6 => (0usize..4, fate()).prop_map(|(d, f)| Event::Sync(d, f)),
        1 => Just(Event::Replay),
        1 => (0usize..4).prop_map(Event::Backup),
        1 => (0usize..4).prop_map(Event::Restore),
        1 => (0usize..8).prop_map(Event::Erase),
    ]
}

/// Run the events, heal, and check the properties.
fn check<B: Backend>(mut net: Network<B>, events: &[Event]) -> Result<(), TestCaseError> {
    let backend = net.server.name();
    let mut ever_on_server: HashSet<String> = HashSet::new();
    for e in events {
        apply(&mut net, e);
        ever_on_server.extend(net.server_tokens());
    }
    net.run_until_quiescent();

    for d in 0..net.devices.len() {
        let readable = net.readable_by(d);
        prop_assert_eq!(
            &net.devices[d].snapshot(),
            &readable,
            "{}: device {} holds exactly the server's records its role may read",
            backend,
            d
        );
    }
    for id in &net.erased {
        prop_assert!(
            net.devices.iter().all(|d| !d.records.contains_key(id)),
            "{}: erased record {} is gone everywhere",
            backend,
            id
        );
    }
    let final_tokens = net.server_tokens();
    for t in &ever_on_server {
        let erased = net
            .token_record
            .get(t)
            .is_some_and(|r| net.erased.contains(r));
        prop_assert!(
            final_tokens.contains(t) || erased,
            "{}: {} was acknowledged by the server and must survive",
            backend,
            t
        );
    }
    for (_, r, t) in &net.written {
        if !net.erased.contains(r) {
            prop_assert!(
                final_tokens.contains(t),
                "{}: {} was written and never lost to a restore; it must survive",
                backend,
                t
            );
        }
    }
    Ok(())
}

fn cases(default: u32) -> u32 {
    std::env::var("SIM_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(default)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(48), ..ProptestConfig::default() })]

    #[test]
    fn a_team_converges_and_loses_nothing_acknowledged_in_memory(
        events in prop::collection::vec(event(), 1..80),
        small_pages in any::<bool>(),
    ) {
        check(team(MemoryServer::new(), small_pages), &events)?;
    }

    #[test]
    fn a_team_converges_and_loses_nothing_acknowledged_on_the_real_store(
        events in prop::collection::vec(event(), 1..80),
        small_pages in any::<bool>(),
    ) {
        check(team(RealServer::sqlite(), small_pages), &events)?;
    }
}

proptest! {
    // Each round is a PostgreSQL transaction over loopback: fewer cases.
    #![proptest_config(ProptestConfig { cases: cases(48) / 2, ..ProptestConfig::default() })]

    #[test]
    fn a_team_converges_and_loses_nothing_acknowledged_on_postgresql(
        events in prop::collection::vec(event(), 1..80),
        small_pages in any::<bool>(),
    ) {
        check(team(RealServer::postgres(), small_pages), &events)?;
    }
}

/// Run fixed events against both stores and check the properties.
fn converges(events: &[Event]) {
    for small_pages in [false, true] {
        check(team(MemoryServer::new(), small_pages), events).expect("memory");
        check(team(RealServer::sqlite(), small_pages), events).expect("sqlite");
        check(team(RealServer::postgres(), small_pages), events).expect("postgres");
    }
}

#[test]
fn a_device_restored_after_pushing_gets_its_records_back() {
    // Found by the simulation: the server must not credit a restored
    // device with what it pushed after the backup was taken.
    converges(&[
        Event::Backup(0),
        Event::Create(0, 0),
        Event::Sync(0, Fate::Deliver),
        Event::Restore(0),
    ]);
}

#[test]
fn skipped_feed_entries_still_count_towards_a_page() {
    // Found by the simulation: a page of already-answered entries must
    // still report that more entries follow.
    converges(&[
        Event::Create(0, 0),
        Event::Create(0, 0),
        Event::Backup(0),
        Event::Create(0, 0),
        Event::Create(0, 0),
        Event::Sync(0, Fate::Deliver),
        Event::Restore(0),
    ]);
}

#[test]
fn a_worker_without_persons_never_receives_one_and_edits_what_it_merged() {
    // Aline writes a person and a place; Nadia (no persons) receives the
    // place, edits it, and Jean (persons) edits the person Aline wrote.
    converges(&[
        Event::Create(0, 1),
        Event::Create(0, 2),
        Event::Sync(0, Fate::Deliver),
        Event::Sync(2, Fate::Deliver),
        Event::Sync(1, Fate::Deliver),
        Event::Append(2, 0),
        Event::Append(1, 0),
        Event::Append(1, 1),
        Event::Sync(2, Fate::Duplicate),
        Event::Sync(1, Fate::LoseAnswer),
    ]);
}

#[test]
fn an_observer_reads_everything_but_persons_and_writes_nothing() {
    let mut net = team(RealServer::sqlite(), false);
    net.create(3, 0);
    assert!(
        net.devices[3].records.is_empty(),
        "an observer writes nothing"
    );
    net.create(0, 1);
    net.create(0, 0);
    net.run_until_quiescent();
    let kinds: BTreeSet<RecordKind> = net.devices[3]
        .records
        .keys()
        .map(|id| net.devices[3].doc(*id).kind())
        .collect();
    assert!(kinds.contains(&RecordKind::Note), "{kinds:?}");
    assert!(!kinds.contains(&RecordKind::Person), "{kinds:?}");
}

fn many_records_in_one_request<B: Backend>(server: B) {
    // Enough records for the server to merge them on every core, the good
    // and the bad interleaved, and one record pushed twice.
    let mut net = Network::new(server);
    let d = net.add_device("Aline", Role::Coordinator, true);
    let before = net.server.stored().len();
    let mut pushes = Vec::new();
    let mut refused = Vec::new();
    let mut kept = Vec::new();
    let mut first = None;
    for k in 0..60 {
        let (id, mut doc) = net.new_record(d, RecordKind::Note, &format!("note {k}"));
        let mut kind = RecordKind::Note;
        let changes = match k % 5 {
            3 => {
                refused.push((id, RejectCode::Invalid, "garbage"));
                b"not automerge".to_vec()
            }
            4 => {
                refused.push((id, RejectCode::Invalid, "kind"));
                kind = RecordKind::Person;
                doc.changes_since(&[])
            }
            _ => {
                kept.push(id);
                doc.changes_since(&[])
            }
        };
        if first.is_none() {
            first = Some((id, doc));
        }
        pushes.push(PushRecord {
            id,
            kind,
            heads: carnet_core::sync::encode_heads(&[]),
            changes,
        });
    }
    // The first record again, edited: merged after the first push stored it.
    let (twice, mut doc) = first.expect("a first record");
    let actor = carnet_core::Actor::new(net.devices[d].member, [9; 8]);
    let at = carnet_core::Timestamp::from_millis(1_790_000_500_000);
    let (_, edit) = doc
        .edit(&actor, at, &Codebook::any(), |r| {
            if let Record::Note(n) = r {
                n.body = "note 0, edited".into();
            }
            Ok::<_, CoreError>(())
        })
        .expect("edit");
    pushes.push(PushRecord {
        id: twice,
        kind: RecordKind::Note,
        heads: carnet_core::sync::encode_heads(&doc.heads()),
        changes: edit,
    });
    kept.push(twice);

    let req = SyncRequest {
        protocol: carnet_core::sync::PROTOCOL_VERSION,
        cursor: 0,
        last_answer: 0,
        push: pushes,
        want_full: vec![],
    };
    let backend = net.server.name();
    let resp = net.server.handle(d, &req, Limits::default());

    let got: Vec<(RecordId, RejectCode)> = resp.rejected.iter().map(|r| (r.id, r.code)).collect();
    let want: Vec<(RecordId, RejectCode)> = refused.iter().map(|r| (r.0, r.1)).collect();
    assert_eq!(got, want, "{backend}: each refusal, in the order pushed");
    for (r, (_, _, why)) in resp.rejected.iter().zip(&refused) {
        if *why == "kind" {
            assert!(r.reason.contains("not a person"), "{}", r.reason);
        }
    }
    let answered: Vec<RecordId> = resp.records.iter().map(|r| r.id).take(kept.len()).collect();
    assert_eq!(
        answered, kept,
        "{backend}: each record kept, in the order pushed"
    );
    let stored = net.server.stored();
    assert_eq!(stored.len(), before + kept.len() - 1, "{backend}");
    let twice_doc = RecordDoc::load(twice, &stored[&twice], []).expect("stored");
    assert_eq!(sim::record_text(&twice_doc), "note 0, edited", "{backend}");
}

#[test]
fn a_request_pushing_many_records_answers_each_in_the_order_pushed() {
    many_records_in_one_request(MemoryServer::new());
    many_records_in_one_request(RealServer::sqlite());
    many_records_in_one_request(RealServer::postgres());
}

#[test]
fn an_answer_with_more_pages_says_how_many_feed_entries_are_left() {
    // The real server store counts what follows the page, so a first sync
    // can show a bar; a page that ends the feed says nothing more.
    let mut net = team(RealServer::sqlite(), false);
    for _ in 0..25 {
        net.create(0, 0);
    }
    net.round(0, &Fate::Deliver);
    net.limits = Limits {
        records: 10,
        bytes: 1 << 20,
    };
    let mut lefts = Vec::new();
    for _ in 0..5 {
        let req = carnet_core::sync::client::build_request(&mut net.devices[1]).expect("request");
        let resp = net.server.handle(1, &req, net.limits);
        carnet_core::sync::client::apply_response(&mut net.devices[1], &req, &resp).expect("apply");
        lefts.push((resp.more, resp.remaining));
        if !resp.more {
            break;
        }
    }
    // 25 notes and the team's workspace: 26 entries, 10 a page.
    assert_eq!(
        lefts,
        vec![(true, Some(16)), (true, Some(6)), (false, None)],
        "{lefts:?}"
    );
    // The memory server of the simulation does not count: no number, and
    // the device copes.
    let mut net = team(MemoryServer::new(), false);
    for _ in 0..12 {
        net.create(0, 0);
    }
    net.round(0, &Fate::Deliver);
    let req = carnet_core::sync::client::build_request(&mut net.devices[1]).expect("request");
    let limits = Limits {
        records: 5,
        bytes: 1 << 20,
    };
    let resp = net.server.handle(1, &req, limits);
    assert!(resp.more && resp.remaining.is_none());
}

/// A device may push only its own member's changes: a note authored by
/// another member (a copied notebook with an edited member id) is refused,
/// while the changes of others it merged and pushes again are kept.
fn only_a_devices_own_member_signs<B: Backend>(server: B) {
    let mut net = team(server, false);
    // Aline writes a note and keeps it to herself; Jean's device gets its
    // bytes without the server (a copied data directory).
    net.create(0, 0);
    let (&id, _) = net.devices[0].records.iter().next().expect("Aline's note");
    let mut forged = net.devices[0].doc(id);
    let req = SyncRequest {
        protocol: carnet_core::sync::PROTOCOL_VERSION,
        cursor: 0,
        last_answer: 0,
        push: vec![PushRecord {
            id,
            kind: forged.kind(),
            heads: Vec::new(),
            changes: forged.save(),
        }],
        want_full: Vec::new(),
    };
    let resp = net.server.handle(1, &req, Limits::default());
    let refused: Vec<_> = resp.rejected.iter().map(|r| (r.id, r.code)).collect();
    assert_eq!(
        refused,
        vec![(id, RejectCode::Forbidden)],
        "{:?}",
        resp.rejected
    );
    assert!(
        resp.rejected[0].reason.contains("this device's"),
        "{}",
        resp.rejected[0].reason
    );
    assert!(
        !net.server.stored().contains_key(&id),
        "the forged note was not kept"
    );
    // Once Aline has pushed it, Jean merges it, edits it and pushes it
    // back: his changes are his, hers are already on the server.
    net.round(0, &Fate::Deliver);
    net.round(1, &Fate::Deliver);
    net.append(1, 0);
    let before = net.server.stored()[&id].clone();
    net.round(1, &Fate::Deliver);
    assert_ne!(net.server.stored()[&id], before, "Jean's edit was kept");
}

#[test]
fn a_device_pushes_only_its_own_members_changes() {
    only_a_devices_own_member_signs(MemoryServer::new());
    only_a_devices_own_member_signs(RealServer::sqlite());
    only_a_devices_own_member_signs(RealServer::postgres());
}
