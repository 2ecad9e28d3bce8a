//! Referrals that persons' records hold (made by an earlier Carnet) move
//! to records of their own on a team's server: once, when the server's
//! database is migrated, and whenever a device of an earlier Carnet sends
//! a person's record holding some. Every status change, follow-up and
//! author is kept; a device that has not yet learnt of the move syncs
//! with one that has, and what it did offline to the held referrals
//! reaches their records.

mod common;

use carnet_core::record::{Record, Referral, ReferralFollowUp, StatusChange};
use carnet_core::sync::server::ServerStore;
use carnet_core::vocab::{NeedCategory, ReferralOutcome, ReferralStatus};
use carnet_core::{ItemId, MemberId, RecordDoc, RecordId, Timestamp};
use common::{Device, TestServer};

fn item(n: u64) -> ItemId {
    format!("01a30000-0000-7000-8000-{n:012}")
        .parse()
        .expect("id")
}

/// A referral as an earlier Carnet kept it inside the person's record.
fn held(n: u64, by: MemberId, service: &str, accepted: bool) -> Referral {
    let at: Timestamp = "2026-10-01T10:00:00Z".parse().expect("time");
    let mut history = vec![StatusChange {
        id: item(n * 10),
        status: ReferralStatus::Proposed,
        at,
        by,
        note: Some("Première rencontre".into()),
    }];
    if accepted {
        history.push(StatusChange {
            id: item(n * 10 + 1),
            status: ReferralStatus::Accepted,
            at,
            by,
            note: None,
        });
    }
    Referral {
        id: item(n),
        service: service.into(),
        resource_id: None,
        service_id: None,
        need: NeedCategory::FoodInsecurity,
        made_at: at,
        status: history.last().expect("a step").status,
        history,
        follow_ups: vec![ReferralFollowUp {
            id: item(n * 10 + 5),
            due: "2026-10-15".parse().expect("day"),
            done: false,
            note: Some("Rappeler".into()),
        }],
        outcome: None,
        result: None,
        share_identity: false,
    }
}

/// A person whose record holds `referrals`, made on `d` (not synced).
fn person_holding(d: &mut Device, pseudonym: &str, referrals: Vec<Referral>) -> RecordId {
    let p =
        d.nb.create_person(carnet_client::PersonInput {
            pseudonym: pseudonym.into(),
            ..Default::default()
        })
        .expect("person");
    d.nb.edit(p, |r| {
        if let Record::Person(p) = r {
            p.referrals = referrals;
        }
        Ok(())
    })
    .expect("held referrals");
    p
}

/// Store a device's record on the stopped server as an earlier server
/// would have (nothing moved).
fn store_on_server(server: &TestServer, team: &str, d: &mut Device, id: RecordId) {
    let changes = d.nb.changes_since(id, &[]).expect("changes");
    let mut doc = RecordDoc::from_changes(id, &changes).expect("doc");
    let db = carnet_sync_server::db::Database::sqlite(&server.data).expect("db");
    db.write(|tx| {
        let mut store = carnet_sync_server::store::TeamStore::new(tx, team, "", Timestamp::now());
        store.insert(&mut doc)?;
        store.finish()
    })
    .expect("stored");
}

fn person_referrals(d: &mut Device, id: RecordId) -> Vec<Referral> {
    match d.nb.record(id).expect("person") {
        Record::Person(p) => p.referrals,
        other => panic!("not a person: {other:?}"),
    }
}

fn referral_record(d: &mut Device, id: ItemId) -> carnet_core::record::ReferralRecord {
    match d.nb.record(RecordId::from_uuid(*id.as_uuid())) {
        Ok(Record::Referral(r)) => *r,
        other => panic!("no referral record {id}: {other:?}"),
    }
}

#[test]
fn held_referrals_move_on_the_server_with_their_history_and_offline_edits_follow() {
    let mut server = TestServer::start();
    let (team, code) = server.create_team("Clic Social", "Aline");
    let _aline = Device::join(&server, &code, "Aline", 81);
    let mut nadia = Device::join(&server, &server.invite(&team, "worker", true), "Nadia", 82);
    let mut jean = Device::join(&server, &server.invite(&team, "worker", true), "Jean", 83);
    let n = nadia.nb.member();

    // Before: the server of an earlier Carnet holds two persons whose
    // records hold three referrals.
    let lea = person_holding(
        &mut nadia,
        "P-Léa",
        vec![held(1, n, "Banque alimentaire", false)],
    );
    let sam = person_holding(
        &mut nadia,
        "P-Sam",
        vec![
            held(2, n, "Cuisine collective", true),
            held(3, n, "Friperie", false),
        ],
    );
    server.kill();
    store_on_server(&server, &team, &mut nadia, lea);
    store_on_server(&server, &team, &mut nadia, sam);
    server.restart();
    nadia.sync().expect("sync");
    jean.sync().expect("sync");
    assert_eq!(
        person_referrals(&mut jean, sam).len(),
        2,
        "Jean holds them as they were"
    );

    // Jean, offline, answers two of them in the persons' records.
    jean.nb
        .set_referral_status(item(1), ReferralStatus::Accepted, Some("Vue mardi"))
        .expect("status");
    jean.nb
        .add_referral_follow_up(item(1), "2026-11-30".parse().expect("day"), Some("Panier"))
        .expect("follow-up");
    jean.nb
        .close_referral(item(3), ReferralOutcome::NoRoom, Some("Complet"))
        .expect("close");
    jean.nb
        .set_follow_up_done(item(2), item(25), true)
        .expect("done");

    // The server is migrated: the held referrals become records.
    server.kill();
    {
        let conn = rusqlite::Connection::open(server.data.join("server.db")).expect("db");
        conn.execute_batch("PRAGMA user_version = 3")
            .expect("an earlier schema");
    }
    server.restart();
    let stored = |id: RecordId| -> RecordDoc {
        let db = carnet_sync_server::db::Database::sqlite(&server.data).expect("db");
        db.write(|tx| carnet_sync_server::store::stored_doc(tx, &team, id))
            .expect("read")
            .expect("stored")
    };
    for p in [lea, sam] {
        let Record::Person(p) = stored(p).record().expect("person") else {
            panic!("a person")
        };
        assert!(p.referrals.is_empty(), "the server's person holds none");
    }
    let Record::Referral(moved) = stored(RecordId::from_uuid(*item(2).as_uuid()))
        .record()
        .expect("referral")
    else {
        panic!("a referral record")
    };
    assert_eq!(moved.person, sam);
    assert_eq!(moved.pseudonym, "P-Sam");
    assert_eq!(moved.made_by, n);
    assert_eq!(moved.referral, held(2, n, "Cuisine collective", true));

    // Nadia, who did nothing meanwhile, learns of the move.
    nadia.sync().expect("sync");
    assert!(person_referrals(&mut nadia, sam).is_empty());
    assert_eq!(
        referral_record(&mut nadia, item(3)).referral,
        held(3, n, "Friperie", false),
        "every step, follow-up and author kept"
    );

    // Jean, who has not, syncs: his offline answers reach the records.
    let summary = jean.sync().expect("sync");
    assert!(summary.rejected.is_empty(), "{summary:?}");
    assert!(person_referrals(&mut jean, lea).is_empty());
    nadia.sync().expect("sync");
    let first = referral_record(&mut nadia, item(1)).referral;
    assert_eq!(first.status, ReferralStatus::Accepted);
    let steps: Vec<(ReferralStatus, MemberId)> =
        first.history.iter().map(|h| (h.status, h.by)).collect();
    assert_eq!(
        steps,
        [
            (ReferralStatus::Proposed, n),
            (ReferralStatus::Accepted, jean.nb.member())
        ]
    );
    assert_eq!(first.history[1].note.as_deref(), Some("Vue mardi"));
    assert_eq!(first.follow_ups.len(), 2, "Nadia's and Jean's");
    let third = referral_record(&mut nadia, item(3)).referral;
    assert_eq!(third.result, Some(ReferralOutcome::NoRoom));
    assert_eq!(third.outcome.as_deref(), Some("Complet"));
    assert!(referral_record(&mut nadia, item(2)).referral.follow_ups[0].done);
    let thread = nadia.nb.referral_thread(item(1)).expect("thread");
    assert_eq!(thread.steps[1].by, "Jean", "named");

    // A device of an earlier Carnet that still writes a referral into a
    // person's record has it moved as it arrives.
    jean.nb
        .edit(lea, |r| {
            if let Record::Person(p) = r {
                p.referrals.push(held(4, n, "Halte-garderie", false));
            }
            Ok(())
        })
        .expect("a held referral, the old way");
    let summary = jean.sync().expect("sync");
    assert!(summary.rejected.is_empty(), "{summary:?}");
    assert!(person_referrals(&mut jean, lea).is_empty(), "moved at once");
    assert_eq!(
        referral_record(&mut jean, item(4)).referral.service,
        "Halte-garderie"
    );
    nadia.sync().expect("sync");
    assert_eq!(
        nadia.nb.referral_thread(item(4)).expect("thread").pseudonym,
        "P-Léa"
    );
}
