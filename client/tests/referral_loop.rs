//! Referrals addressed to a service of the directory, answered and closed
//! with how they ended for the person; the loop with partner organisations
//! counted per organisation and need, and the referrals no one answered.

mod common;

use std::sync::Arc;

use carnet_client::{
    Environment, NoteFilter, Notebook, PersonInput, ReferralInput, ResourceInput, ServiceInput,
};
use carnet_core::vocab::{
    ConsentMethod, ConsentPurpose, NeedCategory, ReferralOutcome, ReferralStatus,
};
use carnet_core::{FixedClock, ItemId, RecordId, SeededIds, Timestamp};

fn env_at(day: &str, seed: u64) -> Environment {
    let start: Timestamp = format!("{day}T14:00:00Z").parse().expect("valid");
    Environment {
        clock: Arc::new(FixedClock::new(start, 1000)),
        ids: Arc::new(SeededIds::new(seed)),
        unlock: Default::default(),
    }
}

fn person(nb: &mut Notebook, pseudonym: &str) -> RecordId {
    let p = nb
        .create_person(PersonInput {
            pseudonym: pseudonym.into(),
            ..Default::default()
        })
        .expect("person");
    nb.record_consent(p, ConsentPurpose::Referral, true, ConsentMethod::Verbal)
        .expect("consent");
    p
}

fn to_service(service: ItemId) -> ReferralInput {
    ReferralInput {
        service: String::new(),
        resource_id: None,
        service_id: Some(service),
        need: NeedCategory::FoodInsecurity,
        note: None,
        status: None,
        share_identity: false,
    }
}

#[test]
fn a_referral_to_a_directory_service_is_answered_closed_and_counted() {
    let dir = tempfile::tempdir().expect("dir");
    let (org, ids) = {
        // Made in October...
        let mut nb = Notebook::create(
            dir.path(),
            "Clic Social",
            "Nadia",
            env_at("2026-10-01", 901),
        )
        .expect("create");
        let org = nb
            .save_resource(
                None,
                ResourceInput {
                    name_fr: "Carrefour d'entraide".into(),
                    services: vec![
                        ServiceInput {
                            name_fr: "Comptoir alimentaire".into(),
                            needs: vec![NeedCategory::FoodInsecurity],
                            ..Default::default()
                        },
                        ServiceInput {
                            name_fr: "Cuisine fermée".into(),
                            needs: vec![NeedCategory::FoodInsecurity],
                            retired: true,
                            ..Default::default()
                        },
                    ],
                    ..Default::default()
                },
            )
            .expect("org");
        let r = nb.resource(org).expect("read");
        let (counter, closed_service) = (r.services[0].id, r.services[1].id);
        let mut ids = Vec::new();
        for (i, name) in ["CS-01", "CS-02", "CS-03", "CS-04"].iter().enumerate() {
            let p = person(&mut nb, name);
            let id = nb.add_referral(p, to_service(counter)).expect("referred");
            ids.push((p, id));
            if i == 0 {
                // The service named from the directory, the organisation found.
                let listed = nb.list_referrals(None).expect("list");
                let r = listed.iter().find(|r| r.id == id).expect("listed");
                assert_eq!(r.service, "Carrefour d'entraide — Comptoir alimentaire");
                assert_eq!(r.resource_id, Some(org));
                assert_eq!(r.service_id, Some(counter));
            }
        }
        // A retired service or an unknown one is refused with a sentence.
        let p = ids[0].0;
        let err = nb
            .add_referral(p, to_service(closed_service))
            .expect_err("retired");
        assert!(
            err.to_string().contains("no longer offers Cuisine fermée"),
            "{err}"
        );
        let err = nb
            .add_referral(
                p,
                to_service(ItemId::generate(&SeededIds::new(1), nb.now())),
            )
            .expect_err("unknown");
        assert!(err.to_string().contains("service"), "{err}");
        (org, ids)
    };
    // ...answered and closed in November.
    let mut nb = Notebook::open(dir.path(), env_at("2026-10-06", 902)).expect("open");
    assert_eq!(
        nb.answer_referral(ids[0].1, true, None).expect("accepted"),
        ReferralStatus::Accepted
    );
    assert_eq!(
        nb.answer_referral(ids[1].1, false, Some("Pas de place avant mars"))
            .expect("declined"),
        ReferralStatus::Declined
    );
    drop(nb);
    let mut nb = Notebook::open(dir.path(), env_at("2026-10-21", 903)).expect("open");
    let status = nb
        .close_referral(
            ids[0].1,
            ReferralOutcome::Received,
            Some("Panier chaque mardi"),
        )
        .expect("closed");
    assert_eq!(status, ReferralStatus::Completed);
    let status = nb
        .close_referral(ids[1].1, ReferralOutcome::NoRoom, None)
        .expect("closed");
    assert_eq!(
        status,
        ReferralStatus::Declined,
        "no room: the organisation declined"
    );
    let listed = nb.list_referrals(None).expect("list");
    let done = listed.iter().find(|r| r.id == ids[0].1).expect("listed");
    assert_eq!(done.result, Some(ReferralOutcome::Received));
    assert_eq!(done.outcome.as_deref(), Some("Panier chaque mardi"));
    let history = nb.person_detail(ids[1].0).expect("detail").referrals[0]
        .history
        .clone();
    assert!(
        history
            .iter()
            .any(|h| h.note.as_deref() == Some("Pas de place avant mars")),
        "the reason is in the history"
    );
    drop(nb);

    // On November 20: the loop for that organisation and need.
    let nb = Notebook::open(dir.path(), env_at("2026-11-20", 904)).expect("open");
    let s = nb.synthesis(&NoteFilter::default()).expect("synthesis");
    let row = s
        .referral_loop
        .iter()
        .find(|r| r.organisation == Some(org))
        .expect("the organisation's row");
    assert_eq!(row.name, "Carrefour d'entraide");
    assert_eq!(row.need, "food-insecurity");
    assert_eq!(
        (
            row.sent,
            row.accepted,
            row.declined,
            row.completed,
            row.received
        ),
        (4, 1, 1, 1, 1)
    );
    let answer = row.days_to_answer.expect("answered");
    assert!(
        (4.9..5.1).contains(&answer),
        "five days to answer: {answer}"
    );
    let close = row.days_to_close.expect("closed");
    assert!(
        (19.9..20.1).contains(&close),
        "twenty days to close: {close}"
    );
    // Two referrals made on October 1 never answered: 50 days waiting.
    let waiting: Vec<_> = s
        .unanswered
        .iter()
        .map(|u| (u.pseudonym.as_str(), u.days))
        .collect();
    assert_eq!(waiting, vec![("CS-03", 50), ("CS-04", 50)]);
}

#[test]
fn a_referral_held_by_its_person_is_edited_there_then_moves_to_a_record_of_its_own() {
    use carnet_core::record::{Record, Referral, StatusChange};
    let dir = tempfile::tempdir().expect("dir");
    let (person, held) = {
        let mut nb = Notebook::create(
            dir.path(),
            "Clic Social",
            "Nadia",
            env_at("2026-10-01", 905),
        )
        .expect("create");
        let person = person(&mut nb, "CS-0900");
        // As an earlier Carnet kept referrals: inside the person's record.
        let (held, change, at, by) = (
            ItemId::generate(&SeededIds::new(77), nb.now()),
            ItemId::generate(&SeededIds::new(78), nb.now()),
            nb.now(),
            nb.member(),
        );
        nb.edit_person(person, |p| {
            p.referrals.push(Referral {
                id: held,
                service: "Friperie du quartier".into(),
                resource_id: None,
                service_id: None,
                need: NeedCategory::FinancialStrain,
                made_at: at,
                status: ReferralStatus::Proposed,
                history: vec![StatusChange {
                    id: change,
                    status: ReferralStatus::Proposed,
                    at,
                    by,
                    note: Some("Premier appel".into()),
                }],
                follow_ups: vec![],
                outcome: None,
                result: None,
                share_identity: false,
            });
            Ok(())
        })
        .expect("held");
        // Edited where it is: in the person's record.
        nb.answer_referral(held, true, Some("Place jeudi"))
            .expect("accepted");
        assert!(nb.referral_records_of(person).expect("records").is_empty());
        let listed = nb.list_referrals(None).expect("list");
        assert_eq!(listed[0].id, held);
        assert_eq!(listed[0].status, ReferralStatus::Accepted);
        (person, held)
    };
    // Opened again (a personal notebook): moved, same id, history whole.
    let mut nb = Notebook::open(dir.path(), env_at("2026-10-02", 906)).expect("open");
    let record = RecordId::from_uuid(*held.as_uuid());
    assert_eq!(
        nb.referral_records_of(person).expect("records"),
        vec![record]
    );
    let Record::Person(p) = nb.record(person).expect("person") else {
        panic!("a person")
    };
    assert!(p.referrals.is_empty(), "the person's record holds none now");
    let Record::Referral(r) = nb.record(record).expect("referral") else {
        panic!("a referral record")
    };
    assert_eq!((r.person, r.pseudonym.as_str()), (person, "CS-0900"));
    let notes: Vec<_> = r
        .referral
        .history
        .iter()
        .map(|h| (h.status, h.note.clone()))
        .collect();
    assert_eq!(
        notes,
        vec![
            (ReferralStatus::Proposed, Some("Premier appel".into())),
            (ReferralStatus::Accepted, Some("Place jeudi".into())),
        ]
    );
    // Edited as a record from now on; opening again moves nothing more.
    nb.close_referral(held, ReferralOutcome::Received, None)
        .expect("closed");
    assert_eq!(nb.migrate_held_referrals().expect("nothing left"), 0);
    assert_eq!(nb.list_referrals(None).expect("list").len(), 1);
    assert_eq!(
        nb.person_detail(person).expect("detail").referrals[0].status,
        ReferralStatus::Completed
    );
}

#[test]
fn a_person_deleted_takes_their_referral_records_along() {
    let (_dir, mut nb) = common::notebook(907);
    let p = person(&mut nb, "CS-0907");
    let referral = nb
        .add_referral(
            p,
            ReferralInput {
                service: "Popote roulante".into(),
                resource_id: None,
                service_id: None,
                need: NeedCategory::FoodInsecurity,
                note: None,
                status: None,
                share_identity: false,
            },
        )
        .expect("referral");
    let record = RecordId::from_uuid(*referral.as_uuid());
    assert_eq!(nb.erasure_set(p).expect("set"), vec![p, record]);
    for id in nb.erasure_set(p).expect("set") {
        nb.delete_record(id, "demande de la personne")
            .expect("deleted");
    }
    assert!(nb.list_referrals(None).expect("list").is_empty());
    assert!(nb.record(record).is_err(), "the referral's record is gone");
}

#[test]
fn a_referral_record_is_found_by_its_service_and_names_its_person() {
    let (_dir, mut nb) = common::notebook(908);
    let p = person(&mut nb, "CS-0908");
    let referral = nb
        .add_referral(
            p,
            ReferralInput {
                service: "Clinique d'impôts bénévole".into(),
                resource_id: None,
                service_id: None,
                need: NeedCategory::FinancialStrain,
                note: Some("Apporter les relevés".into()),
                status: None,
                share_identity: false,
            },
        )
        .expect("referral");
    let hits = nb.search("impots releves", 10).expect("search");
    let hit = hits
        .iter()
        .find(|h| h.id == RecordId::from_uuid(*referral.as_uuid()))
        .expect("the referral is found, accents ignored");
    assert_eq!(hit.kind, carnet_core::RecordKind::Referral);
    assert_eq!(hit.title, "CS-0908", "named by its person");
    assert_eq!(nb.person_of_referral(referral).expect("person"), p);
}
