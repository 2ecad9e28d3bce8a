//! The notebook API against a real SQLite file: capture, search, journal
//! filters, history, referrals, durability and projection rebuild.

mod common;

use carnet_client::{NoteFilter, NoteInput, Notebook, Page, PersonInput, ReferralInput};
use carnet_core::record::Record;
use carnet_core::vocab::{Method, NeedCategory, ReferralStatus, ReviewStatus};
use carnet_core::ErrorKind;
use carnet_core::{Day, RecordId, RecordKind, Timestamp};
use common::{env, note, notebook};
use rstest::rstest;

#[rstest]
#[case("jerome", "Rencontre avec Jérôme")]
#[case("JÉRÔME", "Rencontre avec Jérôme")]
#[case("epicerie", "Épicerie solidaire")]
#[case("ÉPICERIE solidaire", "Épicerie solidaire")]
#[case("aine", "Visite à une aînée")]
#[case("epic", "Épicerie solidaire")]
fn search_ignores_accents_and_case(#[case] query: &str, #[case] want_title: &str) {
    let (_dir, mut nb) = notebook(1);
    nb.create_note(note(
        Method::Outreach,
        "Rencontre avec Jérôme",
        "Au parc, il parle du quartier.",
    ))
    .expect("note");
    nb.create_note(note(
        Method::Partners,
        "Épicerie solidaire",
        "Ouverture prévue en janvier.",
    ))
    .expect("note");
    nb.create_note(note(
        Method::Outreach,
        "Visite à une aînée",
        "Elle vit seule depuis un an.",
    ))
    .expect("note");
    let hits = nb.search(query, 10).expect("search");
    assert!(
        hits.iter().any(|h| h.title == want_title),
        "searching '{query}' should find '{want_title}', got {:?}",
        hits.iter().map(|h| &h.title).collect::<Vec<_>>()
    );
}

#[test]
fn search_covers_stories_shadowing_comments_and_highlights_matches() {
    let (_dir, mut nb) = notebook(2);
    let workshop = nb
        .create_note(note(Method::Workshop, "Atelier", ""))
        .expect("note");
    nb.add_story(
        workshop,
        "Personne ne m'a expliqué l'inscription à la garderie",
        Some("une mère"),
    )
    .expect("story");
    let shadow = nb
        .create_note(note(Method::Shadowing, "Journée", ""))
        .expect("note");
    nb.add_shadow_entry(shadow, "Attente à la pharmacie", None)
        .expect("entry");
    let outreach = nb
        .create_note(note(Method::Outreach, "Parc", ""))
        .expect("note");
    nb.add_comment(outreach, "Rappeler le comité logement")
        .expect("comment");

    for (query, id) in [
        ("garderie", workshop),
        ("pharmacie", shadow),
        ("comite", outreach),
    ] {
        let hits = nb.search(query, 10).expect("search");
        assert_eq!(hits.len(), 1, "'{query}' should find exactly one record");
        assert_eq!(hits[0].id, id);
        assert!(
            hits[0].snippet.iter().any(|s| s.hit),
            "the snippet of '{query}' highlights the match: {:?}",
            hits[0].snippet
        );
    }
    assert!(
        nb.search("\"unbalanced OR (", 10).is_ok(),
        "any typed text is a valid query"
    );
    assert!(nb.search("   ", 10).expect("empty query").is_empty());
}

#[test]
fn journal_filters_and_pages_newest_first() {
    let (_dir, mut nb) = notebook(3);
    let day = |d: u8| {
        Timestamp::from_millis(
            Day::from_ymd(2026, 11, d)
                .expect("valid")
                .start()
                .as_millis()
                + 15 * 3_600_000,
        )
    };
    let mut ids = Vec::new();
    for d in 1..=12u8 {
        let method = if d % 3 == 0 {
            Method::Shadowing
        } else {
            Method::Outreach
        };
        let id = nb
            .create_note(NoteInput {
                method: Some(method),
                title: format!("Note du {d}"),
                occurred_at: Some(day(d)),
                themes: if d % 2 == 0 {
                    vec!["logement".into()]
                } else {
                    vec![]
                },
                place: Some(if d <= 6 {
                    "Parc des Érables".into()
                } else {
                    "Café du coin".into()
                }),
                follow_up_due: (d == 5).then(|| Day::from_ymd(2026, 11, 25).expect("valid")),
                review: Some(if d == 7 {
                    ReviewStatus::Reviewed
                } else {
                    ReviewStatus::Draft
                }),
                ..NoteInput::default()
            })
            .expect("note");
        ids.push(id);
    }
    let all = nb
        .list_notes(
            &NoteFilter::default(),
            Page {
                offset: 0,
                limit: 5,
            },
        )
        .expect("list");
    assert_eq!(all.total, 12);
    assert_eq!(all.items.len(), 5);
    assert_eq!(all.items[0].title, "Note du 12", "newest first");
    let second = nb
        .list_notes(
            &NoteFilter::default(),
            Page {
                offset: 5,
                limit: 5,
            },
        )
        .expect("list");
    assert_eq!(
        second.items[0].title, "Note du 7",
        "the second page continues where the first stopped"
    );

    let count = |f: NoteFilter| nb.list_notes(&f, Page::default()).expect("list").total;
    assert_eq!(
        count(NoteFilter {
            method: Some(Method::Shadowing),
            ..Default::default()
        }),
        4
    );
    assert_eq!(
        count(NoteFilter {
            theme: Some("logement".into()),
            ..Default::default()
        }),
        6
    );
    assert_eq!(
        count(NoteFilter {
            place_text: Some("Café".into()),
            ..Default::default()
        }),
        6
    );
    assert_eq!(
        count(NoteFilter {
            review: Some(ReviewStatus::Reviewed),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        count(NoteFilter {
            author: Some(nb.member()),
            ..Default::default()
        }),
        12
    );
    assert_eq!(
        count(NoteFilter {
            from: Some(day(3)),
            to: Some(day(6)),
            ..Default::default()
        }),
        3
    );
    assert_eq!(
        count(NoteFilter {
            follow_up_due_by: Some(Day::from_ymd(2026, 11, 30).expect("valid")),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        count(NoteFilter {
            method: Some(Method::Outreach),
            theme: Some("logement".into()),
            ..Default::default()
        }),
        4,
        "filters combine"
    );
}

#[test]
fn edits_are_on_disk_when_the_call_returns() {
    let dir = tempfile::tempdir().expect("temp dir");
    let id = {
        let mut nb = Notebook::create(dir.path(), "Équipe", "Aline", env(4)).expect("create");
        let id = nb
            .create_note(note(
                Method::Residence,
                "Journal de résidence",
                "Premier jour.",
            ))
            .expect("note");
        for i in 0..40 {
            nb.append_to_body(id, &format!("Ligne {i} — café, épicerie"))
                .expect("edit");
        }
        id
        // Dropped without any explicit flush or close.
    };
    let mut nb = Notebook::open(dir.path(), env(5)).expect("reopen");
    let Record::Note(n) = nb.record(id).expect("note is there") else {
        panic!("not a note")
    };
    assert!(n.body.as_str().starts_with("Premier jour.\nLigne 0"));
    assert!(
        n.body.as_str().ends_with("Ligne 39 — café, épicerie"),
        "all 40 edits survived (past compaction)"
    );
    assert_eq!(nb.history(id).expect("history").len(), 41);
}

#[test]
fn referral_status_changes_keep_their_history() {
    let (_dir, mut nb) = notebook(6);
    let (person, referral) = common::referred(
        &mut nb,
        "MN-0042",
        "Banque alimentaire",
        NeedCategory::FoodInsecurity,
        Some("Premier contact au parc"),
    );
    nb.set_referral_status(referral, ReferralStatus::Accepted, Some("Appel fait"))
        .expect("status");
    nb.set_referral_status(referral, ReferralStatus::Completed, None)
        .expect("status");

    // The referral is a record of its own, its person's page lists it.
    let Record::Referral(record) = nb
        .record(RecordId::from_uuid(*referral.as_uuid()))
        .expect("referral")
    else {
        panic!("not a referral")
    };
    assert_eq!(record.person, person);
    assert_eq!(record.pseudonym, "MN-0042");
    let detail = nb.person_detail(person).expect("person");
    assert!(
        detail.person.referrals.is_empty(),
        "the person's file holds none"
    );
    let r = &detail.referrals[0];
    assert_eq!(*r, record.referral);
    assert_eq!(r.status, ReferralStatus::Completed);
    let statuses: Vec<_> = r
        .history
        .iter()
        .map(|h| (h.status, h.note.clone()))
        .collect();
    assert_eq!(
        statuses,
        vec![
            (
                ReferralStatus::Proposed,
                Some("Premier contact au parc".into())
            ),
            (ReferralStatus::Accepted, Some("Appel fait".into())),
            (ReferralStatus::Completed, None),
        ]
    );
    let board = nb
        .list_referrals(Some(ReferralStatus::Completed))
        .expect("board");
    assert_eq!(board.len(), 1);
    assert_eq!(board[0].pseudonym, "MN-0042");

    let history = nb
        .history(RecordId::from_uuid(*referral.as_uuid()))
        .expect("history");
    assert!(
        history
            .iter()
            .all(|h| h.author_name.as_deref() == Some("Aline")),
        "history names the author"
    );
    assert!(history
        .last()
        .expect("entries")
        .entry
        .fields
        .iter()
        .any(|f| f.starts_with("referral.status")));
}

#[test]
fn edits_that_break_rules_are_refused_and_nothing_is_lost() {
    let (_dir, mut nb) = notebook(7);
    let id = nb
        .create_note(note(Method::Outreach, "Titre", "Corps"))
        .expect("note");
    let err = nb
        .edit_note(id, |n| {
            n.themes.push("inconnu".into());
            Ok(())
        })
        .expect_err("unknown theme");
    assert_eq!(err.kind(), ErrorKind::Invalid);
    let err = nb
        .create_person(PersonInput::default())
        .expect_err("no pseudonym");
    assert!(err.to_string().contains("pseudonym is required"), "{err}");
    let Record::Note(n) = nb.record(id).expect("note") else {
        panic!()
    };
    assert!(n.themes.is_empty() && n.body.as_str() == "Corps");
    let wrong = nb
        .edit_person(id, |_| Ok(()))
        .expect_err("a note is not a person");
    assert_eq!(wrong.kind(), ErrorKind::WrongKind);
}

#[test]
fn rebuilt_projection_equals_the_live_one() {
    let (_dir, mut nb) = notebook(8);
    nb.fill_demo(300, 11, |_| {}).expect("demo");
    let some_note = nb
        .list_notes(
            &NoteFilter::default(),
            Page {
                offset: 0,
                limit: 1,
            },
        )
        .expect("list")
        .items[0]
        .id;
    nb.set_body(some_note, "Réécrit après coup").expect("edit");
    nb.add_comment(some_note, "Vu en réunion").expect("comment");
    let live = nb.projection_dump().expect("dump");
    assert!(live.len() > 300);
    let rebuilt_count = nb.rebuild_projection().expect("rebuild");
    assert_eq!(rebuilt_count, 301, "every record plus the workspace");
    assert_eq!(
        nb.projection_dump().expect("dump"),
        live,
        "a rebuild gives exactly the live projection"
    );
    let counts = nb.counts().expect("counts");
    let referrals = nb
        .record_ids()
        .expect("ids")
        .iter()
        .filter(|(_, k)| *k == RecordKind::Referral)
        .count() as i64;
    assert!(referrals > 0, "the demo's persons are referred");
    assert_eq!(
        counts.notes + counts.persons + counts.places + counts.resources + referrals,
        300
    );
}

#[test]
fn every_kind_shows_as_json_with_its_name_fields() {
    let (_dir, mut nb) = notebook(9);
    nb.fill_demo(40, 2, |_| {}).expect("demo");
    let mut seen = std::collections::BTreeSet::new();
    for (id, kind) in nb.record_ids().expect("ids") {
        let json = nb.get(id).expect("get").to_json();
        assert_eq!(json["id"], id.to_string());
        assert_eq!(json["kind"], kind.code());
        let name_field = match kind {
            RecordKind::Note => "title",
            RecordKind::Person | RecordKind::Referral => "pseudonym",
            _ => "name",
        };
        assert!(
            json[name_field].is_string(),
            "{kind} has a {name_field}: {json}"
        );
        if kind == RecordKind::Note {
            assert!(json["method"].is_string() && json["body"].is_string());
        }
        seen.insert(kind);
    }
    assert_eq!(
        seen.len(),
        6,
        "workspace, notes, persons, referrals, resources and places"
    );
}

#[test]
fn a_note_patch_sets_only_the_fields_it_names_and_places_are_listed() {
    use carnet_client::NotePatch;
    use carnet_core::record::Place;
    use carnet_core::vocab::PlaceKind;
    let (_dir, mut nb) = notebook(31);
    let park = nb
        .create_place(Place {
            name: "Parc des Érables".into(),
            place_kind: PlaceKind::Park,
            sector: Some("Nord".into()),
            address: None,
            notes: Default::default(),
        })
        .expect("place");
    nb.create_place(Place {
        name: "Café du coin".into(),
        place_kind: PlaceKind::Cafe,
        sector: None,
        address: None,
        notes: Default::default(),
    })
    .expect("place");
    let names: Vec<String> = nb
        .list_places()
        .expect("places")
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(
        names,
        ["Café du coin", "Parc des Érables"],
        "places by name"
    );

    let id = nb
        .create_note(note(
            Method::Outreach,
            "Au parc",
            "Rencontre près des jeux.",
        ))
        .expect("note");
    nb.update_note(
        id,
        NotePatch {
            title: Some("  Au parc, l'après-midi ".into()),
            place: Some("parc des érables".into()),
            participants: Some(6),
            follow_up_due: Some("2026-12-01".parse::<Day>().expect("day")),
            review: Some(ReviewStatus::ToReview),
            ..NotePatch::default()
        },
    )
    .expect("patch");
    let Record::Note(n) = nb.record(id).expect("note") else {
        panic!("not a note")
    };
    assert_eq!(n.title, "Au parc, l'après-midi", "the title is trimmed");
    assert_eq!(
        n.place_id,
        Some(park),
        "a typed place name finds the place record"
    );
    assert_eq!(n.participants.count, Some(6));
    assert!(n.follow_up.needed, "a due day makes a follow-up needed");
    assert_eq!(n.method, Method::Outreach, "fields not named are kept");
    assert_eq!(n.body.as_str(), "Rencontre près des jeux.");

    nb.update_note(
        id,
        NotePatch {
            participants: Some(0),
            follow_up_clear_due: true,
            place: Some(String::new()),
            ..NotePatch::default()
        },
    )
    .expect("clear");
    let Record::Note(n) = nb.record(id).expect("note") else {
        panic!("not a note")
    };
    assert_eq!(n.participants.count, None, "0 clears the count");
    assert_eq!(n.follow_up.due, None, "the due day is removed");
    assert_eq!(
        (n.place_id, n.place_text),
        (None, None),
        "an empty place clears it"
    );

    let err = nb
        .update_note(
            id,
            NotePatch {
                title: Some("   ".into()),
                ..NotePatch::default()
            },
        )
        .expect_err("an empty title is refused");
    assert!(
        err.to_string().contains("title"),
        "the error names the title: {err}"
    );
}

#[test]
fn persons_are_listed_with_their_open_referrals() {
    let (_dir, mut nb) = notebook(8);
    let mk = |nb: &mut Notebook, name: &str| {
        nb.create_person(PersonInput {
            pseudonym: name.into(),
            needs: vec![NeedCategory::HousingInstability],
            ..Default::default()
        })
        .expect("person")
    };
    let b = mk(&mut nb, "MN-0002");
    let a = mk(&mut nb, "mn-0001");
    let referral = |service: &str| ReferralInput {
        service: service.into(),
        resource_id: None,
        service_id: None,
        need: NeedCategory::FoodInsecurity,
        note: None,
        status: None,
        share_identity: false,
    };
    nb.add_referral(b, referral("Banque alimentaire"))
        .expect("referral");
    let done = nb
        .add_referral(b, referral("Cuisine collective"))
        .expect("referral");
    nb.set_referral_status(done, ReferralStatus::Completed, None)
        .expect("status");

    use carnet_core::vocab::{ConsentMethod, ConsentPurpose};
    nb.record_consent(b, ConsentPurpose::Referral, true, ConsentMethod::Verbal)
        .expect("consent");
    nb.record_consent(b, ConsentPurpose::Referral, false, ConsentMethod::Written)
        .expect("withdrawn");
    let Record::Person(p) = nb.record(b).expect("person") else {
        panic!("not a person")
    };
    let answers: Vec<_> = p
        .consents
        .iter()
        .map(|c| (c.purpose, c.given, c.how))
        .collect();
    assert_eq!(
        answers,
        [
            (ConsentPurpose::Referral, true, ConsentMethod::Verbal),
            (ConsentPurpose::Referral, false, ConsentMethod::Written)
        ],
        "a withdrawal is kept after the consent it withdraws"
    );

    let persons = nb.list_persons().expect("persons");
    let rows: Vec<_> = persons
        .iter()
        .map(|p| (p.id, p.pseudonym.as_str(), p.referrals, p.open_referrals))
        .collect();
    assert_eq!(
        rows,
        [(a, "mn-0001", 0, 0), (b, "MN-0002", 2, 0)],
        "by pseudonym, case ignored; withdrawing consent to referrals cancelled the open one"
    );
    assert!(
        persons[1].needs.contains(&NeedCategory::FoodInsecurity),
        "a referral's need joins the person's needs: {:?}",
        persons[1].needs
    );
}

#[test]
fn the_directory_filters_by_need_and_language() {
    use carnet_core::vocab::Vocabulary;
    let (_dir, mut nb) = notebook(9);
    nb.fill_demo(300, 3, |_| {}).expect("demo");
    let all = nb.list_resources(None, None).expect("resources");
    assert!(!all.is_empty(), "the demo has resources");
    let mut found = 0;
    for need in [
        NeedCategory::FoodInsecurity,
        NeedCategory::HousingInstability,
    ] {
        for lang in [None, Some("en"), Some("es")] {
            let listed: Vec<_> = nb
                .list_resources(Some(need), lang)
                .expect("resources")
                .into_iter()
                .map(|r| r.id)
                .collect();
            // Exactly the resources with a service for the need in the language.
            let mut expected = Vec::new();
            for r in &all {
                let Record::Resource(res) = nb.record(r.id).expect("resource") else {
                    panic!("not a resource")
                };
                let answers = res.services.iter().any(|s| s.needs.contains(&need));
                let speaks = lang.is_none_or(|l| {
                    res.services
                        .iter()
                        .any(|s| s.languages.iter().any(|x| x == l))
                });
                if answers && speaks {
                    expected.push(r.id);
                }
            }
            assert_eq!(listed, expected, "need {} language {lang:?}", need.code());
            found += listed.len();
        }
    }
    assert!(found > 0, "some filter matched something");
}

#[test]
fn themes_are_added_and_relabelled_and_bad_colours_refused() {
    use carnet_core::record::Theme;
    let (_dir, mut nb) = notebook(10);
    let before = nb.workspace().expect("workspace").codebook.len();
    let theme = |code: &str, fr: &str, colour: &str| Theme {
        code: code.into(),
        label_fr: fr.into(),
        label_en: "Transit".into(),
        colour: colour.into(),
        ..Theme::default()
    };
    nb.save_theme(theme(" transport ", "Transport collectif", "#1D5FA8"))
        .expect("added");
    nb.save_theme(theme("transport", "Transport en commun", "#1d5fa8"))
        .expect("relabelled");
    let err = nb
        .save_theme(theme("transport", "Transport", "bleu"))
        .expect_err("not a colour");
    assert_eq!(err.kind(), ErrorKind::Invalid, "{err}");
    let codebook = nb.workspace().expect("workspace").codebook;
    assert_eq!(codebook.len(), before + 1);
    let t = codebook
        .iter()
        .find(|t| t.code == "transport")
        .expect("theme");
    assert_eq!(
        (t.label_fr.as_str(), t.colour.as_str()),
        ("Transport en commun", "#1d5fa8")
    );
    // A note may now use it.
    let mut input = note(
        Method::Outreach,
        "Arrêt d'autobus",
        "Attente longue le soir.",
    );
    input.themes = vec!["transport".into()];
    nb.create_note(input).expect("note with the new theme");
}

#[test]
fn a_follow_up_done_leaves_the_board_s_next_date() {
    let (_dir, mut nb) = notebook(12);
    let (_, referral) = common::referred(
        &mut nb,
        "SH-0007",
        "Clinique de quartier",
        NeedCategory::HealthLiteracy,
        None,
    );
    let day = |s: &str| s.parse::<Day>().expect("day");
    let first = nb
        .add_referral_follow_up(referral, day("2026-11-25"), None)
        .expect("follow-up");
    nb.add_referral_follow_up(referral, day("2026-12-02"), Some("rappeler"))
        .expect("follow-up");
    let next = |nb: &Notebook| {
        nb.list_referrals(None).expect("list")[0]
            .next_follow_up
            .clone()
    };
    assert_eq!(next(&nb).as_deref(), Some("2026-11-25"));
    nb.set_follow_up_done(referral, first, true).expect("done");
    assert_eq!(
        next(&nb).as_deref(),
        Some("2026-12-02"),
        "the next one not done"
    );
    nb.set_follow_up_done(referral, first, false)
        .expect("undone");
    assert_eq!(next(&nb).as_deref(), Some("2026-11-25"));
    let missing = nb
        .set_follow_up_done(referral, referral, true)
        .expect_err("not a follow-up");
    assert_eq!(missing.kind(), ErrorKind::NotFound);
}

#[test]
fn identifying_details_need_consent_and_go_when_it_is_withdrawn() {
    use carnet_core::record::Identity;
    use carnet_core::vocab::{ConsentMethod, ConsentPurpose};
    let (_dir, mut nb) = notebook(13);
    let (person, _) = common::referred(
        &mut nb,
        "MN-0100",
        "Aide au logement",
        NeedCategory::HousingInstability,
        None,
    );
    let details = Identity {
        name: Some(" Prénom Fictif ".into()),
        phone: Some("514-555-0100".into()),
        address: Some("  ".into()),
    };
    let refused = nb
        .set_identity(person, details.clone())
        .expect_err("no consent yet");
    assert_eq!(refused.kind(), ErrorKind::BadInput, "{refused}");
    let identity = |nb: &mut Notebook| match nb.record(person).expect("person") {
        Record::Person(p) => p.identity,
        _ => panic!("not a person"),
    };
    assert_eq!(identity(&mut nb), None, "nothing stored without consent");

    nb.record_consent(
        person,
        ConsentPurpose::IdentifyingDetails,
        true,
        ConsentMethod::Verbal,
    )
    .expect("consent");
    nb.set_identity(person, details).expect("with consent");
    assert_eq!(
        identity(&mut nb),
        Some(Identity {
            name: Some("Prénom Fictif".into()),
            phone: Some("514-555-0100".into()),
            address: None,
        }),
        "trimmed, empty fields cleared"
    );
    nb.record_consent(
        person,
        ConsentPurpose::IdentifyingDetails,
        false,
        ConsentMethod::Written,
    )
    .expect("withdrawn");
    assert_eq!(identity(&mut nb), None, "withdrawal removes the details");
}

/// A notebook whose clock the test moves: it reads 14:00:00 and stays
/// there until told.
fn notebook_with_clock() -> (
    tempfile::TempDir,
    Notebook,
    std::sync::Arc<carnet_core::FixedClock>,
) {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = std::sync::Arc::new(carnet_core::FixedClock::new(
        "2026-11-20T14:00:00Z".parse().expect("valid"),
        0,
    ));
    let env = carnet_client::Environment {
        clock: clock.clone(),
        ids: std::sync::Arc::new(carnet_core::SeededIds::new(7)),
        unlock: Default::default(),
    };
    let nb = Notebook::create(dir.path(), "Pôle", "Aline", env).expect("create");
    (dir, nb, clock)
}

#[test]
fn the_shadowing_timer_counts_only_while_it_runs_and_finishing_fills_the_duration() {
    use carnet_client::TimerAction::{Finish, Pause, Start};
    let (_dir, mut nb, clock) = notebook_with_clock();
    let id = nb
        .create_note(note(Method::Shadowing, "Une journée avec M.", ""))
        .expect("note");
    let timer = |nb: &mut Notebook| match nb.record(id).expect("record") {
        Record::Note(n) => *n,
        other => panic!("not a note: {other:?}"),
    };

    clock.advance(5 * 60_000);
    nb.shadow_timer(id, Start).expect("start");
    let n = timer(&mut nb);
    assert!(n.timer.running());
    let start: Timestamp = "2026-11-20T14:05:00Z".parse().expect("valid");
    assert_eq!(
        n.occurred_at, start,
        "starting sets when the shadowing happened"
    );
    nb.shadow_timer(id, Start)
        .expect("starting twice changes nothing");
    assert_eq!(timer(&mut nb).timer.spans.len(), 1);

    clock.advance(40 * 60_000);
    nb.shadow_timer(id, Pause).expect("pause");
    clock.advance(30 * 60_000); // lunch: not counted
    nb.shadow_timer(id, Pause)
        .expect("pausing a paused timer changes nothing");
    nb.shadow_timer(id, Start).expect("resume");
    clock.advance(20 * 60_000 + 20_000);
    nb.shadow_timer(id, Finish).expect("finish");

    let n = timer(&mut nb);
    assert!(!n.timer.running());
    assert_eq!(n.timer.spans.len(), 2);
    assert!(n.timer.finished_at.is_some());
    assert_eq!(
        n.duration_minutes,
        Some(60),
        "40 + 20 minutes, the pause left out"
    );
    assert_eq!(n.occurred_at, start, "resuming keeps the start");

    // Resuming a finished shadowing reopens it; finishing again adds on.
    nb.shadow_timer(id, Start).expect("resume after finish");
    assert!(timer(&mut nb).timer.finished_at.is_none());
    clock.advance(15 * 60_000);
    nb.shadow_timer(id, Finish).expect("finish again");
    assert_eq!(timer(&mut nb).duration_minutes, Some(75));
}

#[test]
fn shadowing_entries_can_be_edited_removed_and_put_back_in_their_place() {
    let (_dir, mut nb, clock) = notebook_with_clock();
    let id = nb
        .create_note(note(Method::Shadowing, "Journée", ""))
        .expect("note");
    let mut ids = Vec::new();
    for (text, place) in [
        ("Arrivée à l'arrêt de bus", Some("Arrêt Pie-IX")),
        ("Attente à la pharmacie", Some("Pharmacie")),
        ("Retour à pied", None),
    ] {
        clock.advance(10 * 60_000);
        ids.push(nb.add_shadow_entry(id, text, place).expect("entry"));
    }
    let entries = |nb: &mut Notebook| match nb.record(id).expect("record") {
        Record::Note(n) => n.shadowing,
        other => panic!("not a note: {other:?}"),
    };

    nb.update_shadow_entry(id, ids[1], "  Longue attente à la pharmacie ", Some(""))
        .expect("edit");
    let e = &entries(&mut nb)[1];
    assert_eq!(e.text.as_str(), "Longue attente à la pharmacie");
    assert_eq!(e.place, None, "an empty place clears it");
    let err = nb
        .add_shadow_entry(id, " \n ", None)
        .expect_err("an empty entry is refused");
    assert_eq!(err.kind(), ErrorKind::BadInput);
    let err = nb
        .update_shadow_entry(id, ids[1], "  ", None)
        .expect_err("an empty entry is refused");
    assert_eq!(err.kind(), ErrorKind::BadInput);

    let removed = nb.remove_shadow_entry(id, ids[1]).expect("remove");
    assert_eq!(entries(&mut nb).len(), 2);
    let err = nb
        .remove_shadow_entry(id, ids[1])
        .expect_err("a removed entry cannot be removed again");
    assert_eq!(err.kind(), ErrorKind::BadInput, "{err}");

    nb.restore_shadow_entry(id, removed.clone()).expect("undo");
    nb.restore_shadow_entry(id, removed)
        .expect("a second undo changes nothing");
    let texts: Vec<String> = entries(&mut nb)
        .iter()
        .map(|e| e.text.as_str().to_string())
        .collect();
    assert_eq!(
        texts,
        [
            "Arrivée à l'arrêt de bus",
            "Longue attente à la pharmacie",
            "Retour à pied"
        ],
        "the entry is back between the two it was between"
    );
    assert_eq!(entries(&mut nb)[0].place.as_deref(), Some("Arrêt Pie-IX"));
}

#[test]
fn searching_the_journal_combines_with_its_filters_counts_all_and_puts_titles_first() {
    let (_dir, mut nb) = notebook(11);
    nb.create_note(note(
        Method::Outreach,
        "Au parc",
        "On parle de la pharmacie du coin.",
    ))
    .expect("note");
    nb.create_note(note(Method::Partners, "Pharmacie solidaire", "Ouverture."))
        .expect("note");
    let shadow = nb
        .create_note(note(Method::Shadowing, "Journée", ""))
        .expect("note");
    nb.add_shadow_entry(shadow, "Attente à la pharmacie", None)
        .expect("entry");
    for i in 0..4 {
        nb.create_note(note(Method::Outreach, &format!("Tournée {i}"), "pharmacie"))
            .expect("note");
    }

    let all = nb
        .search_notes("pharmacie", &NoteFilter::default(), 3)
        .expect("search");
    assert_eq!(all.total, 7, "the count is of every match, not of the page");
    assert_eq!(all.hits.len(), 3);
    assert_eq!(
        all.hits[0].note.title, "Pharmacie solidaire",
        "a title match comes first"
    );
    let only = nb
        .search_notes(
            "pharmacie",
            &NoteFilter {
                method: Some(Method::Shadowing),
                ..NoteFilter::default()
            },
            10,
        )
        .expect("search");
    assert_eq!(only.total, 1);
    assert_eq!(only.hits[0].note.id, shadow);
    // A log's entries are its excerpt when it has no body.
    assert_eq!(only.hits[0].note.excerpt, "Attente à la pharmacie");
    assert_eq!(only.hits[0].note.method, Method::Shadowing);
    let none = nb
        .search_notes("  ", &NoteFilter::default(), 10)
        .expect("search");
    assert_eq!((none.total, none.hits.len()), (0, 0));
}

#[test]
fn places_typed_into_notes_are_offered_to_the_filter_and_found_by_it() {
    let (_dir, mut nb) = notebook(12);
    for place in [
        "Salle communautaire Saint-Michel",
        "Salle communautaire Saint-Michel",
        "Arrêt Pie-IX",
    ] {
        nb.create_note(NoteInput {
            place: Some(place.into()),
            ..note(Method::Outreach, "Tournée", "")
        })
        .expect("note");
    }
    assert_eq!(
        nb.typed_places().expect("places"),
        ["Salle communautaire Saint-Michel", "Arrêt Pie-IX"],
        "the most used first"
    );
    let page = nb
        .list_notes(
            &NoteFilter {
                place_text: Some("Salle communautaire Saint-Michel".into()),
                ..NoteFilter::default()
            },
            Page::default(),
        )
        .expect("list");
    assert_eq!(page.total, 2);
}

#[test]
fn a_person_keeps_one_pseudonym_and_their_needs_and_languages_can_change() {
    let (_dir, mut nb) = notebook(13);
    let id = nb
        .create_person(PersonInput {
            pseudonym: "Élise-7".into(),
            ..Default::default()
        })
        .expect("person");
    let err = nb
        .create_person(PersonInput {
            pseudonym: "  elise-7 ".into(),
            ..Default::default()
        })
        .expect_err("the same pseudonym, case and accents aside, is refused");
    assert_eq!(err.kind(), ErrorKind::BadInput);
    assert!(err.to_string().contains("Élise-7"), "{err}");
    assert_eq!(nb.list_persons().expect("persons").len(), 1);

    nb.set_person_needs(
        id,
        vec![
            NeedCategory::FoodInsecurity,
            NeedCategory::SocialIsolation,
            NeedCategory::FoodInsecurity,
        ],
    )
    .expect("needs");
    nb.set_person_languages(id, vec!["FR".into(), "ht".into(), "fr".into(), " ".into()])
        .expect("languages");
    let err = nb
        .set_person_languages(id, vec!["créole; DROP".into()])
        .expect_err("not a language code");
    assert_eq!(err.kind(), ErrorKind::BadInput);
    let p = nb.person_detail(id).expect("person").person;
    assert_eq!(
        p.needs,
        [NeedCategory::FoodInsecurity, NeedCategory::SocialIsolation]
    );
    assert_eq!(p.languages, ["fr", "ht"]);
}

#[test]
fn a_referral_names_its_maker_and_its_outcome_even_in_an_older_notebook() {
    let dir = tempfile::tempdir().expect("dir");
    let (person, referral) = {
        let mut nb = Notebook::create(dir.path(), "Pôle", "Aline", env(14)).expect("create");
        let (person, referral) = common::referred(
            &mut nb,
            "MN-1",
            "Banque alimentaire",
            NeedCategory::FoodInsecurity,
            None,
        );
        nb.set_referral_status(referral, ReferralStatus::Completed, None)
            .expect("status");
        nb.set_referral_outcome(referral, Some("  Panier reçu  "))
            .expect("outcome");
        nb.save_resource(
            None,
            carnet_client::ResourceInput {
                name_fr: "Banque alimentaire de l'Est".into(),
                ..Default::default()
            },
        )
        .expect("resource");
        (person, referral)
    };
    // Make it a notebook of format 3: without the new columns and tables.
    {
        let conn = common::raw_db(dir.path());
        conn.execute_batch(
            "DROP INDEX referrals_by_next_follow_up;
             ALTER TABLE referrals DROP COLUMN made_by;
             ALTER TABLE referrals DROP COLUMN outcome;
             DROP TABLE record_conflicts;
             DROP TABLE inbox;
             DROP TABLE codings;
             ALTER TABLE themes DROP COLUMN archived;
             ALTER TABLE themes DROP COLUMN merged_into;
             ALTER TABLE notes DROP COLUMN barriers;
             ALTER TABLE notes DROP COLUMN needs;
             ALTER TABLE referrals DROP COLUMN closed_at;
             ALTER TABLE erased DROP COLUMN kind;
             ALTER TABLE erased DROP COLUMN reason;
             ALTER TABLE persons DROP COLUMN in_synthesis;
             ALTER TABLE persons DROP COLUMN rewritten_from;
             DROP TABLE note_texts;
             ALTER TABLE notes ADD COLUMN title TEXT NOT NULL DEFAULT '';
             ALTER TABLE notes ADD COLUMN excerpt TEXT NOT NULL DEFAULT '';
             ALTER TABLE resources DROP COLUMN retired;
             ALTER TABLE resources DROP COLUMN last_verified;
             ALTER TABLE resources DROP COLUMN sectors;
             ALTER TABLE resources DROP COLUMN services;
             ALTER TABLE resources DROP COLUMN external_id;
             ALTER TABLE resources DROP COLUMN words;
             DROP TABLE resource_services;
             DROP INDEX referrals_by_resource;
             ALTER TABLE referrals DROP COLUMN service_id;
             ALTER TABLE referrals DROP COLUMN result;
             ALTER TABLE referrals DROP COLUMN answered_at;
             PRAGMA user_version = 3;",
        )
        .expect("format 3");
    }
    let mut nb = Notebook::open(dir.path(), env(15)).expect("open and migrate");
    let found = nb
        .directory(&carnet_client::DirectoryFilter {
            words: Some("banque EST".into()),
            ..Default::default()
        })
        .expect("directory");
    assert_eq!(found.len(), 1, "the directory's words were projected");
    assert!(found[0].last_verified.is_some());
    let r = nb.list_referrals(None).expect("referrals").remove(0);
    assert_eq!(r.id, referral);
    assert_eq!(r.person, person);
    assert_eq!(r.made_by, Some(nb.member()), "the projection was rebuilt");
    assert_eq!(r.outcome.as_deref(), Some("Panier reçu"));
    let err = nb
        .set_referral_outcome(referral, Some(&"é".repeat(1_300)))
        .expect_err("an outcome is a sentence or two");
    assert_eq!(err.kind(), ErrorKind::Invalid, "{err}");
    assert_eq!(
        nb.list_referrals(None).expect("referrals")[0]
            .outcome
            .as_deref(),
        Some("Panier reçu"),
        "a refused outcome leaves the saved one"
    );
    nb.set_referral_outcome(referral, Some(" "))
        .expect("cleared");
    assert_eq!(nb.list_referrals(None).expect("referrals")[0].outcome, None);
}
