//! Law 25 duties in one notebook: consent by purpose and what a
//! withdrawal removes; a person's data, whole and no one else's, checked
//! against its published schema and read back from its PDF; the register
//! of confidentiality incidents with every item of the regulation in both
//! languages; the retention policy's review.

mod common;

use carnet_client::notebook::IncidentInput;
use carnet_client::{NoteFilter, NotePatch, PersonInput, ReferralInput};
use carnet_core::record::{Identity, Record, Retention};
use carnet_core::vocab::{
    ConsentMethod, ConsentPurpose, Lang, Method, NeedCategory, ReferralStatus,
};
use carnet_core::{Day, RecordId};
use common::{note, notebook, pdf_text, referred};

fn referral(service: &str, share_identity: bool) -> ReferralInput {
    ReferralInput {
        service: service.into(),
        resource_id: None,
        service_id: None,
        need: NeedCategory::FoodInsecurity,
        note: None,
        status: None,
        share_identity,
    }
}

fn consent(nb: &mut carnet_client::Notebook, p: RecordId, purpose: ConsentPurpose, given: bool) {
    nb.record_consent(p, purpose, given, ConsentMethod::Verbal)
        .expect("answer recorded");
}

#[test]
fn a_withdrawal_removes_what_the_consent_allowed_and_says_so() {
    let (_dir, mut nb) = notebook(301);
    let p = nb
        .create_person(PersonInput {
            pseudonym: "MN-0301".into(),
            ..Default::default()
        })
        .expect("person");
    for purpose in [
        ConsentPurpose::IdentifyingDetails,
        ConsentPurpose::SharingWithPartners,
        ConsentPurpose::Referral,
        ConsentPurpose::FollowUp,
    ] {
        consent(&mut nb, p, purpose, true);
    }
    nb.set_identity(
        p,
        Identity {
            name: Some("Ginette Tremblay-Okafor".into()),
            phone: Some("514 555 0134".into()),
            address: None,
        },
    )
    .expect("identity");
    let shared = nb
        .add_referral(p, referral("Banque alimentaire", true))
        .expect("shared");
    let plain = nb
        .add_referral(p, referral("Cuisine collective", false))
        .expect("plain");
    nb.set_referral_status(plain, ReferralStatus::Completed, None)
        .expect("closed");
    nb.add_referral_follow_up(
        shared,
        Day::from_ymd(2026, 12, 15).expect("day"),
        Some("Rappeler"),
    )
    .expect("follow-up");

    let e = nb
        .record_consent(
            p,
            ConsentPurpose::SharingWithPartners,
            false,
            ConsentMethod::Written,
        )
        .expect("withdrawn");
    assert_eq!(e.referrals_unshared, 1, "{e:?}");
    let person = |nb: &mut carnet_client::Notebook| match nb.record(p).expect("person") {
        Record::Person(p) => *p,
        other => panic!("{other:?}"),
    };
    let referrals =
        |nb: &mut carnet_client::Notebook| nb.person_detail(p).expect("person").referrals;
    assert!(referrals(&mut nb).iter().all(|r| !r.share_identity));

    let e = nb
        .record_consent(
            p,
            ConsentPurpose::IdentifyingDetails,
            false,
            ConsentMethod::Verbal,
        )
        .expect("withdrawn");
    assert!(e.identity_removed);
    assert!(person(&mut nb).identity.is_none());
    // The person's history shows that the name changed, never the name.
    let history = serde_json::to_string(&nb.history(p).expect("history")).expect("json");
    assert!(!history.contains("Ginette"), "{history}");
    assert!(!history.contains("555 0134"), "{history}");
    // Nor does search find it.
    let found = nb.search("Ginette", 10).expect("search");
    assert!(found.is_empty(), "{found:?}");

    let e = nb
        .record_consent(p, ConsentPurpose::FollowUp, false, ConsentMethod::Verbal)
        .expect("withdrawn");
    assert_eq!(e.follow_ups_dropped, 1);
    let e = nb
        .record_consent(p, ConsentPurpose::Referral, false, ConsentMethod::Verbal)
        .expect("withdrawn");
    assert_eq!(e.referrals_cancelled, 1, "the closed one stays closed");
    let statuses: Vec<_> = referrals(&mut nb)
        .iter()
        .map(|r| (r.id, r.status))
        .collect();
    assert!(
        statuses.contains(&(shared, ReferralStatus::Cancelled)),
        "{statuses:?}"
    );
    assert!(
        statuses.contains(&(plain, ReferralStatus::Completed)),
        "{statuses:?}"
    );

    // Nothing new can be made that the answers forbid.
    let err = nb
        .add_referral(p, referral("Friperie", false))
        .expect_err("no consent to referrals");
    assert!(
        err.to_string()
            .contains("withdrew their consent to referrals"),
        "{err}"
    );
    let err = nb
        .set_identity(
            p,
            Identity {
                name: Some("Ginette".into()),
                ..Identity::default()
            },
        )
        .expect_err("no consent to identifying details");
    assert!(err.to_string().contains("consent"), "{err}");
    assert_eq!(referrals(&mut nb).len(), 2, "nothing was added");
}

#[test]
fn a_referral_that_would_share_identity_needs_that_consent() {
    let (_dir, mut nb) = notebook(302);
    let p = nb
        .create_person(PersonInput {
            pseudonym: "SH-0302".into(),
            ..Default::default()
        })
        .expect("person");
    let err = nb
        .add_referral(p, referral("Banque alimentaire", true))
        .expect_err("no consent to share");
    let msg = err.to_string();
    assert!(
        msg.contains("has not consented to their identity being shared"),
        "{msg}"
    );
    assert!(nb
        .person_detail(p)
        .expect("detail")
        .person
        .referrals
        .is_empty());
    // Without sharing, the referral is made; with the consent, sharing too.
    nb.add_referral(p, referral("Banque alimentaire", false))
        .expect("referral without identity");
    consent(&mut nb, p, ConsentPurpose::SharingWithPartners, true);
    nb.add_referral(p, referral("Cuisine collective", true))
        .expect("referral sharing identity");
}

#[test]
fn a_person_who_says_no_to_the_synthesis_is_left_out_of_it() {
    let (_dir, mut nb) = notebook(303);
    let (a, _) = referred(&mut nb, "A-1", "Banque", NeedCategory::FoodInsecurity, None);
    referred(&mut nb, "B-2", "Banque", NeedCategory::FoodInsecurity, None);
    let count = |nb: &carnet_client::Notebook| -> u32 {
        nb.synthesis(&NoteFilter::default())
            .expect("synthesis")
            .funnel
            .iter()
            .map(|c| c.count)
            .sum()
    };
    assert_eq!(count(&nb), 2);
    let e = nb
        .record_consent(a, ConsentPurpose::Research, false, ConsentMethod::Verbal)
        .expect("no");
    assert!(e.left_out_of_synthesis);
    assert_eq!(count(&nb), 1);
    consent(&mut nb, a, ConsentPurpose::Research, true);
    assert_eq!(count(&nb), 2);
}

/// Two persons, notes about each and one about both: the export of one
/// holds everything about them and nothing about the other.
#[test]
fn a_persons_export_holds_everything_about_them_and_nothing_about_anyone_else() {
    let (dir, mut nb) = notebook(304);
    let ana = nb
        .create_person(PersonInput {
            pseudonym: "Colibri".into(),
            languages: vec!["en".into()],
            ..Default::default()
        })
        .expect("ana");
    let bob = nb
        .create_person(PersonInput {
            pseudonym: "Héron".into(),
            ..Default::default()
        })
        .expect("bob");
    for p in [ana, bob] {
        consent(&mut nb, p, ConsentPurpose::IdentifyingDetails, true);
    }
    nb.set_identity(
        ana,
        Identity {
            name: Some("Anaïs Belhumeur".into()),
            phone: Some("438 555 0101".into()),
            address: Some("10, rue Pascal".into()),
        },
    )
    .expect("ana's identity");
    nb.set_identity(
        bob,
        Identity {
            name: Some("Bertrand Lacasse".into()),
            phone: Some("438 555 0202".into()),
            address: None,
        },
    )
    .expect("bob's identity");
    let r = nb
        .add_referral(ana, referral("Banque alimentaire Saint-Vincent", false))
        .expect("referral");
    nb.set_referral_status(r, ReferralStatus::Accepted, Some("Rendez-vous mardi"))
        .expect("status");
    nb.close_referral(
        r,
        carnet_core::vocab::ReferralOutcome::Partly,
        Some("Un panier sur deux"),
    )
    .expect("closed");
    nb.add_referral(bob, referral("Friperie Bertrand-only", false))
        .expect("bob's referral");

    let link =
        |nb: &mut carnet_client::Notebook, title: &str, body: &str, persons: Vec<RecordId>| {
            let id = nb
                .create_note(note(Method::Outreach, title, body))
                .expect("note");
            nb.update_note(
                id,
                NotePatch {
                    persons: Some(persons),
                    ..NotePatch::default()
                },
            )
            .expect("linked");
            id
        };
    link(
        &mut nb,
        "Café avec Colibri",
        "Colibri parle de son loyer trop cher.\nLe quartier manque d'épiceries.",
        vec![ana],
    );
    link(
        &mut nb,
        "Atelier du jeudi",
        "Colibri et Héron ont animé le cercle.\nHéron a parlé de sa sœur à Laval.",
        vec![ana, bob],
    );
    link(
        &mut nb,
        "Visite chez Héron",
        "Héron seul ce matin, marqueur-secret-bob.",
        vec![bob],
    );

    let out = dir.path().join("exports");
    let files = nb.export_person(ana, None, &out).expect("export");
    assert_eq!(files.notes, 2);
    let json_text = std::fs::read_to_string(&files.json).expect("json");
    let value: serde_json::Value = serde_json::from_str(&json_text).expect("json");

    // Valid against the published schema.
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../docs/schemas/person-export.schema.json"),
        )
        .expect("schema"),
    )
    .expect("schema json");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(value["referrals"][0]["result"]["code"], "partly");

    // Everything about Ana.
    for want in [
        "Colibri",
        "Anaïs Belhumeur",
        "438 555 0101",
        "10, rue Pascal",
        "Banque alimentaire Saint-Vincent",
        "Rendez-vous mardi",
        "identifying-details",
        "Colibri parle de son loyer trop cher.",
        "Colibri et […] ont animé le cercle.",
        "Café avec Colibri",
    ] {
        assert!(json_text.contains(want), "{want} missing from {json_text}");
    }
    // Nothing about Bob.
    for never in [
        "Héron",
        "Bertrand",
        "0202",
        "Friperie",
        "sœur à Laval",
        "marqueur-secret-bob",
        "Le quartier manque",
    ] {
        assert!(
            !json_text.contains(never),
            "{never} leaked into {json_text}"
        );
    }

    // The PDF, in Ana's language (English), says the same.
    let text = pdf_text(&files.pdf);
    for want in [
        "Your information",
        "Anaïs Belhumeur",
        "Banque alimentaire Saint-Vincent",
        "Your consents",
        "Notes about you",
        "How it ended: Service partly received",
    ] {
        assert!(text.contains(want), "{want} missing from the PDF:\n{text}");
    }
    for never in ["Héron", "Bertrand", "marqueur-secret-bob"] {
        assert!(!text.contains(never), "{never} leaked into the PDF");
    }
    // In French when asked.
    let fr = nb.export_person(ana, Some(Lang::Fr), &out).expect("french");
    let text = pdf_text(&fr.pdf);
    assert!(text.contains("Vos renseignements"), "{text}");
    assert!(
        text.contains("Copies déjà remises"),
        "the first export is listed:\n{text}"
    );

    // Each export is recorded in the person's file.
    let p = nb.person_detail(ana).expect("detail").person;
    assert_eq!(p.disclosures.len(), 2);
    assert!(nb
        .person_detail(bob)
        .expect("bob")
        .person
        .disclosures
        .is_empty());
}

fn incident(title: &str) -> IncidentInput {
    IncidentInput {
        title: title.into(),
        information: "Notes de terrain et fiches de 40 personnes (pseudonymes, besoins)".into(),
        information_unknown_reason: None,
        circumstances: "Portable oublié dans un autobus de la ligne 48".into(),
        occurred_from: Day::from_ymd(2026, 11, 18).expect("day"),
        occurred_to: None,
        occurred_approximate: true,
        aware_on: Day::from_ymd(2026, 11, 19).expect("day"),
        persons_concerned: 40,
        persons_estimated: true,
        sensitivity: "Élevée : santé et situation sociale".into(),
        misuse: "Chantage, stigmatisation".into(),
        consequences: "Atteinte à la réputation".into(),
        likelihood: "Faible : disque chiffré, phrase de passe".into(),
        serious_risk: false,
        commission_notified_on: None,
        persons_notified_on: None,
        public_notice: None,
        measures: "Appareil révoqué; mot de passe changé".into(),
        device: Some("Portable d'Aline".into()),
    }
}

#[test]
fn the_register_holds_every_item_of_the_regulation_in_both_languages() {
    let (dir, mut nb) = notebook(305);
    let id = nb
        .create_incident(incident("Portable perdu"))
        .expect("incident");
    let mut changed = incident("Portable perdu, ligne 48");
    changed.serious_risk = true;
    nb.update_incident(id, changed.clone()).expect("update");
    let list = nb.incidents().expect("register");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].incident.title, "Portable perdu, ligne 48");
    assert_eq!(
        list[0].missing,
        vec![
            "commission_notified_on".to_string(),
            "persons_notified_on".to_string()
        ],
        "a serious risk asks for both notices"
    );
    changed.commission_notified_on = Some(Day::from_ymd(2026, 11, 20).expect("day"));
    changed.persons_notified_on = Some(Day::from_ymd(2026, 11, 21).expect("day"));
    changed.public_notice = Some("Aucun".into());
    nb.update_incident(id, changed).expect("notices");
    assert!(nb.incidents().expect("register")[0].missing.is_empty());

    // Bad input is refused and changes nothing.
    let mut bad = incident("Avant");
    bad.aware_on = Day::from_ymd(2026, 11, 1).expect("day");
    let err = nb
        .create_incident(bad)
        .expect_err("aware before it happened");
    assert!(err.to_string().contains("before it happened"), "{err}");
    assert_eq!(nb.incidents().expect("register").len(), 1);

    let labels_fr = [
        "Renseignements visés",
        "Circonstances",
        "Date ou période de l'incident",
        "Date de la prise de connaissance",
        "Nombre de personnes concernées",
        "Sensibilité des renseignements",
        "Utilisations malveillantes possibles",
        "Conséquences appréhendées",
        "Probabilité d'une utilisation malveillante",
        "Risque de préjudice sérieux",
        "Avis à la Commission d'accès à l'information",
        "Avis aux personnes concernées",
        "Mesures prises pour diminuer le risque",
    ];
    let labels_en = [
        "Information concerned",
        "Circumstances",
        "Date or period of the incident",
        "Date the team became aware",
        "Number of persons concerned",
        "Sensitivity of the information",
        "Possible misuses",
        "Anticipated consequences",
        "Likelihood of misuse",
        "Risk of serious injury",
        "Notice to the Commission d'accès à l'information",
        "Notice to the persons concerned",
        "Measures taken to reduce the risk",
    ];
    for (lang, labels) in [(Lang::Fr, &labels_fr), (Lang::En, &labels_en)] {
        let csv_path = dir.path().join(format!("register-{lang:?}.csv"));
        assert_eq!(nb.register_csv(&csv_path, lang).expect("csv"), 1);
        let mut reader = csv::Reader::from_path(&csv_path).expect("csv reads");
        let headers: Vec<String> = reader
            .headers()
            .expect("headers")
            .iter()
            .map(str::to_string)
            .collect();
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
        assert_eq!(rows.len(), 1);
        for label in labels.iter() {
            let col = headers
                .iter()
                .position(|h| h == label)
                .unwrap_or_else(|| panic!("{label} not in {headers:?}"));
            assert!(!rows[0][col].is_empty(), "{label} is empty");
        }
        let pdf_path = dir.path().join(format!("register-{lang:?}.pdf"));
        nb.register_pdf(&pdf_path, lang).expect("pdf");
        let text = pdf_text(&pdf_path)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        for label in labels.iter() {
            let label = label.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(text.contains(&label), "{label} not in the PDF:\n{text}");
        }
        assert!(text.contains("Portable oublié dans un autobus de la ligne 48"));
        assert!(text.contains("2026-11-20"), "the notice's date");
    }
    // The register stays out of search.
    assert!(nb.search("autobus", 10).expect("search").is_empty());
}

#[test]
fn the_retention_review_lists_what_the_policy_designates_and_removes_closed_referrals() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = std::sync::Arc::new(carnet_core::FixedClock::new(
        "2026-11-20T14:00:00Z".parse().expect("valid"),
        1000,
    ));
    let env = carnet_client::Environment {
        clock: clock.clone(),
        ..common::env(306)
    };
    let mut nb =
        carnet_client::Notebook::create(dir.path(), "Équipe", "Aline", env).expect("create");
    assert!(
        nb.retention_review().expect("review").persons.is_empty(),
        "no policy, nothing due"
    );
    let (old, old_ref) = referred(
        &mut nb,
        "Ancien",
        "Banque",
        NeedCategory::FoodInsecurity,
        None,
    );
    nb.set_referral_status(old_ref, ReferralStatus::Completed, None)
        .expect("closed");
    let (active, _) = referred(
        &mut nb,
        "Actif",
        "Banque",
        NeedCategory::FoodInsecurity,
        None,
    );
    let quiet = nb
        .create_person(PersonInput {
            pseudonym: "Discret".into(),
            ..Default::default()
        })
        .expect("quiet");
    // Three years pass; a note is written about `quiet`.
    clock.advance(3 * 365 * 86_400_000);
    let n = nb
        .create_note(note(Method::Outreach, "Nouvelles", "Discret va mieux."))
        .expect("note");
    nb.update_note(
        n,
        NotePatch {
            persons: Some(vec![quiet]),
            ..NotePatch::default()
        },
    )
    .expect("linked");
    nb.set_retention(Retention {
        inactive_person_months: Some(24),
        closed_referral_years: Some(2),
    })
    .expect("policy");
    let review = nb.retention_review().expect("review");
    let due: Vec<_> = review
        .persons
        .iter()
        .map(|p| p.pseudonym.as_str())
        .collect();
    assert_eq!(
        due,
        vec!["Ancien"],
        "the active person's referral is open; the quiet one has a recent note"
    );
    assert!(
        review.referrals.is_empty(),
        "Ancien's closed referral goes with them: {:?}",
        review.referrals
    );
    let _ = (old, active);

    // With persons kept longer, the old closed referral alone is due.
    nb.set_retention(Retention {
        inactive_person_months: None,
        closed_referral_years: Some(2),
    })
    .expect("policy");
    let review = nb.retention_review().expect("review");
    assert!(review.persons.is_empty());
    let ids: Vec<_> = review.referrals.iter().map(|r| r.id).collect();
    assert_eq!(ids, vec![old_ref]);
    // A referral is a record of its own: it is erased (here, in a
    // personal notebook, deleted) rather than cut out of the person's file.
    let done = nb.remove_referrals(&ids).expect("removed");
    assert_eq!(done.records, vec![RecordId::from_uuid(*old_ref.as_uuid())]);
    assert_eq!((done.removed, done.persons.len()), (0, 0));
    for r in done.records {
        nb.delete_record(r, "retention policy").expect("deleted");
    }
    assert!(nb.person_detail(old).expect("old").referrals.is_empty());
    assert!(nb.retention_review().expect("review").referrals.is_empty());
}
