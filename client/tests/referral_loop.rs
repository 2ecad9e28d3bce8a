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
    let history = nb.person_detail(ids[1].0).expect("detail").person.referrals[0]
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
