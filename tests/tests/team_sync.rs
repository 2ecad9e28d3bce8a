//! A team against a real sync server on loopback: a coordinator, a worker
//! with access to persons, a worker without, and an observer.

use carnet_client::{ClientError, NoteInput, PersonInput, ReferralInput};
use carnet_core::record::Record;
use carnet_core::vocab::{Method, NeedCategory, ReferralStatus};
use carnet_core::ErrorKind;
use carnet_core::RecordId;
mod common;

use common::{Device, TestServer};

struct Team {
    server: TestServer,
    team: String,
    aline: Device, // coordinator
    jean: Device,  // worker, no persons
    nadia: Device, // worker with persons
    omar: Device,  // observer
}

fn team() -> Team {
    let server = TestServer::start();
    let (team, code) = server.create_team("Pôle Montréal-Nord", "Aline");
    let aline = Device::join(&server, &code, "Aline", 1);
    let jean = Device::join(&server, &server.invite(&team, "worker", false), "Jean", 2);
    let nadia = Device::join(&server, &server.invite(&team, "worker", true), "Nadia", 3);
    let omar = Device::join(&server, &server.invite(&team, "observer", false), "Omar", 4);
    Team {
        server,
        team,
        aline,
        jean,
        nadia,
        omar,
    }
}

fn body(d: &mut Device, id: RecordId) -> String {
    match d.nb.record(id).expect("record") {
        Record::Note(n) => n.body.as_str().to_string(),
        other => panic!("not a note: {other:?}"),
    }
}

fn note(title: &str, body: &str) -> NoteInput {
    NoteInput {
        method: Some(Method::Outreach),
        title: title.into(),
        body: Some(body.into()),
        ..NoteInput::default()
    }
}

#[test]
fn offline_edits_of_one_body_merge_character_by_character() {
    let mut t = team();
    let id = t
        .aline
        .nb
        .create_note(note("Au parc", "Rencontre à l'épicerie avec une aînée."))
        .expect("note");
    t.aline.sync().expect("sync");
    t.jean.sync().expect("sync");
    t.nadia.sync().expect("sync");
    // Offline: both edit the same sentence.
    t.jean
        .nb
        .set_body(id, "Longue rencontre à l'épicerie avec une aînée.")
        .expect("edit");
    t.nadia
        .nb
        .set_body(
            id,
            "Rencontre à l'épicerie avec une aînée. Elle reviendra jeudi.",
        )
        .expect("edit");
    t.jean.sync().expect("sync");
    t.nadia.sync().expect("sync");
    t.jean.sync().expect("sync");
    t.aline.sync().expect("sync");
    let want = "Longue rencontre à l'épicerie avec une aînée. Elle reviendra jeudi.";
    for (who, d) in [
        ("Jean", &mut t.jean),
        ("Nadia", &mut t.nadia),
        ("Aline", &mut t.aline),
    ] {
        assert_eq!(body(d, id), want, "{who} sees both edits merged");
    }
    let history = t.aline.nb.history(id).expect("history");
    let names: Vec<_> = history
        .iter()
        .filter_map(|h| h.author_name.clone())
        .collect();
    assert!(
        names.contains(&"Jean".to_string()) && names.contains(&"Nadia".to_string()),
        "history names both authors: {names:?}"
    );
}

#[test]
fn concurrent_referral_statuses_show_as_concurrent_values() {
    let mut t = team();
    let person = t
        .aline
        .nb
        .create_person(PersonInput {
            pseudonym: "MN-0007".into(),
            ..Default::default()
        })
        .expect("person");
    let referral = t
        .aline
        .nb
        .add_referral(
            person,
            ReferralInput {
                service: "Banque alimentaire".into(),
                resource_id: None,
                service_id: None,
                need: NeedCategory::FoodInsecurity,
                note: None,
                status: None,
                share_identity: false,
            },
        )
        .expect("referral");
    t.aline.sync().expect("sync");
    t.nadia.sync().expect("sync");
    t.aline
        .nb
        .set_referral_status(referral, ReferralStatus::Accepted, Some("appel fait"))
        .expect("status");
    t.nadia
        .nb
        .set_referral_status(referral, ReferralStatus::Declined, Some("a refusé"))
        .expect("status");
    t.aline.sync().expect("sync");
    t.nadia.sync().expect("sync");
    t.aline.sync().expect("sync");
    for (who, d) in [("Aline", &mut t.aline), ("Nadia", &mut t.nadia)] {
        // On the referral's own record, and on the person's page.
        let record = RecordId::from_uuid(*referral.as_uuid());
        assert!(
            d.nb.conflicts(record)
                .expect("conflicts")
                .iter()
                .any(|c| c.path == "referral.status"),
            "{who}: the referral's record holds the concurrent statuses"
        );
        let conflicts = d.nb.person_detail(person).expect("person").conflicts;
        let status = conflicts
            .iter()
            .find(|c| c.path.ends_with(".status"))
            .unwrap_or_else(|| panic!("{who} sees the status conflict: {conflicts:?}"));
        let mut values: Vec<_> = status.values.iter().map(|v| v.value.clone()).collect();
        values.sort();
        assert_eq!(
            values,
            vec!["accepted", "declined"],
            "{who} sees both values"
        );
        assert_eq!(
            status.path, "referrals.0.status",
            "{who}: named as the page lists it"
        );
        let referrals = d.nb.person_detail(person).expect("person").referrals;
        assert_eq!(
            referrals[0].history.len(),
            3,
            "{who} keeps both status changes in the history"
        );
    }
}

#[test]
fn a_settled_conflict_reaches_every_device_as_one_value() {
    let mut t = team();
    let id = t
        .aline
        .nb
        .create_note(note("Atelier", "Récits du mardi"))
        .expect("note");
    t.aline.sync().expect("sync");
    t.jean.sync().expect("sync");
    // Offline, both set the review status differently.
    t.aline
        .nb
        .update_note(
            id,
            carnet_client::NotePatch {
                review: Some(carnet_core::vocab::ReviewStatus::Reviewed),
                ..Default::default()
            },
        )
        .expect("aline reviews");
    t.jean
        .nb
        .update_note(
            id,
            carnet_client::NotePatch {
                review: Some(carnet_core::vocab::ReviewStatus::ToReview),
                ..Default::default()
            },
        )
        .expect("jean asks for review");
    t.aline.sync().expect("sync");
    t.jean.sync().expect("sync");
    t.aline.sync().expect("sync");
    // Both devices list the note among the records to settle, with the
    // values, who set them and when.
    for (who, d) in [("Aline", &mut t.aline), ("Jean", &mut t.jean)] {
        let page = d.nb.conflicted(10, 0).expect("list");
        assert_eq!(page.total, 1, "{who}: one record to settle");
        assert_eq!(page.records[0].id, id);
        assert_eq!(page.records[0].name, "Atelier");
        assert_eq!(d.nb.review_counts().expect("counts").conflicted, 1);
        let values = &page.records[0].conflicts[0].values;
        assert!(
            values.iter().all(|v| v.author.is_some() && v.at.is_some()),
            "{who}: each value says who set it and when: {values:?}"
        );
    }
    let conflicts = t.jean.nb.conflicts(id).expect("conflicts");
    let review = conflicts
        .iter()
        .find(|c| c.path == "review")
        .unwrap_or_else(|| panic!("Jean sees the review conflict: {conflicts:?}"));
    let choice = review
        .values
        .iter()
        .position(|v| v.value == "reviewed")
        .expect("Aline's value is one of them");
    // Jean keeps Aline's value; Aline's device learns it at its next sync.
    t.jean
        .nb
        .settle_conflict(id, "review", choice)
        .expect("settle");
    assert!(
        t.jean.nb.conflicts(id).expect("conflicts").is_empty(),
        "settled here at once"
    );
    t.jean.sync().expect("sync");
    t.aline.sync().expect("sync");
    for (who, d) in [("Aline", &mut t.aline), ("Jean", &mut t.jean)] {
        assert!(
            d.nb.conflicts(id).expect("conflicts").is_empty(),
            "{who} sees the conflict settled"
        );
        assert_eq!(
            d.nb.conflicted(10, 0).expect("list").total,
            0,
            "{who}: nothing left to settle"
        );
        assert_eq!(
            d.nb.projection_dump().expect("dump"),
            {
                d.nb.rebuild_projection().expect("rebuild");
                d.nb.projection_dump().expect("dump")
            },
            "{who}: the live projection is the rebuilt one"
        );
        let Record::Note(n) = d.nb.record(id).expect("note") else {
            panic!("not a note")
        };
        assert_eq!(
            n.review,
            carnet_core::vocab::ReviewStatus::Reviewed,
            "{who} shows the value Jean kept"
        );
    }
    let err = t
        .jean
        .nb
        .settle_conflict(id, "review", 0)
        .expect_err("nothing left to settle");
    assert!(err.to_string().contains("no concurrent values"), "{err}");
}

#[test]
fn roles_are_enforced_on_every_read_and_write() {
    let mut t = team();
    let person = t
        .aline
        .nb
        .create_person(PersonInput {
            pseudonym: "SH-0001".into(),
            ..Default::default()
        })
        .expect("person");
    let shared = t
        .aline
        .nb
        .create_note(note("Réunion", "Compte rendu"))
        .expect("note");
    t.aline.sync().expect("sync");

    t.jean.sync().expect("sync");
    assert!(
        matches!(t.jean.nb.record(person), Err(ClientError::NotFound { .. })),
        "a worker without access never receives a person"
    );
    assert_eq!(t.jean.nb.counts().expect("counts").persons, 0);
    assert_eq!(
        body(&mut t.jean, shared),
        "Compte rendu",
        "but receives notes"
    );
    t.nadia.sync().expect("sync");
    assert!(
        t.nadia.nb.record(person).is_ok(),
        "a worker with access receives persons"
    );

    // Jean creates a person: refused, kept locally with the reason.
    let local = t
        .jean
        .nb
        .create_person(PersonInput {
            pseudonym: "JN-1".into(),
            ..Default::default()
        })
        .expect("local person");
    let summary = t.jean.sync().expect("sync");
    assert_eq!(summary.rejected.len(), 1);
    assert!(
        t.jean.nb.record(local).is_ok(),
        "the refused record stays on the device"
    );
    let status = carnet_client::sync::status(&t.jean.nb).expect("status");
    assert!(
        status
            .rejected
            .iter()
            .any(|r| r.id == local && r.reason.contains("no access to persons")),
        "{status:?}"
    );
    assert_eq!(
        t.jean.sync().expect("sync again").sent,
        0,
        "an unchanged refused record is not sent again"
    );

    // The observer's edit is refused and stays local with the reason.
    t.omar.sync().expect("sync");
    t.omar
        .nb
        .append_to_body(shared, "Note de l'observateur")
        .expect("local edit");
    let summary = t.omar.sync().expect("sync");
    assert_eq!(summary.rejected.len(), 1, "the observer's write is refused");
    assert!(
        body(&mut t.omar, shared).contains("Note de l'observateur"),
        "and kept locally"
    );
    let status = carnet_client::sync::status(&t.omar.nb).expect("status");
    assert!(
        status.rejected[0].reason.contains("observers can read"),
        "{status:?}"
    );
    t.aline.sync().expect("sync");
    assert!(
        !body(&mut t.aline, shared).contains("observateur"),
        "nobody else receives it"
    );
    // On PostgreSQL, two instances answered these rounds in turn.
    if let Some(answered) = t.server.answered_by_instance() {
        assert!(answered.iter().all(|n| *n > 5), "{answered:?}");
    }
}

#[test]
fn a_revoked_device_gets_401_and_keeps_its_notes() {
    let mut t = team();
    let id = t
        .jean
        .nb
        .create_note(note("Avant révocation", "texte"))
        .expect("note");
    t.jean.sync().expect("sync");
    let device = t
        .jean
        .nb
        .membership()
        .expect("meta")
        .expect("joined")
        .device;
    common::rt().block_on(async {
        let client = carnet_client::sync::engine::server_client(&t.aline.nb).expect("client");
        client.revoke(device).await.expect("coordinator revokes");
    });
    let later = t
        .jean
        .nb
        .create_note(note("Après révocation", "texte"))
        .expect("still editable offline");
    let err = t.jean.sync().expect_err("revoked");
    assert!(
        matches!(
            &err,
            ClientError::Server {
                status: 401,
                kind: ErrorKind::Revoked,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("revoked by a coordinator"),
        "{err}"
    );
    assert!(
        t.jean.nb.record(id).is_ok() && t.jean.nb.record(later).is_ok(),
        "local data is kept"
    );
    let status = carnet_client::sync::status(&t.jean.nb).expect("status");
    assert!(status.last_error.is_some_and(|e| e.contains("revoked")));
    assert_eq!(status.waiting, 1, "the note written after revocation waits");
}

#[test]
fn erasure_reaches_every_device_and_cannot_come_back() {
    let mut t = team();
    let note_id = t
        .nadia
        .nb
        .create_note(note("Nom complet noté par erreur", "identifiant"))
        .expect("note");
    let person = t
        .aline
        .nb
        .create_person(PersonInput {
            pseudonym: "MN-9".into(),
            ..Default::default()
        })
        .expect("person");
    t.aline.sync().expect("sync");
    t.nadia.sync().expect("sync");
    t.jean.sync().expect("sync");
    assert!(!t
        .jean
        .nb
        .search("identifiant", 5)
        .expect("search")
        .is_empty());

    // Jean is offline and edits the note meanwhile.
    t.jean
        .nb
        .append_to_body(note_id, "ajout hors ligne")
        .expect("offline edit");

    common::rt().block_on(async {
        let client = carnet_client::sync::engine::server_client(&t.aline.nb).expect("client");
        client
            .erase(note_id, "contient un nom")
            .await
            .expect("erase note");
        client
            .erase(person, "demande de la personne")
            .await
            .expect("erase person");
    });
    t.aline.sync().expect("sync");
    t.nadia.sync().expect("sync");
    let summary = t.jean.sync().expect("sync");
    assert!(summary.erased >= 1, "{summary:?}");
    for (who, d) in [
        ("Aline", &mut t.aline),
        ("Nadia", &mut t.nadia),
        ("Jean", &mut t.jean),
    ] {
        assert!(
            matches!(d.nb.record(note_id), Err(ClientError::NotFound { .. })),
            "{who} purged the note"
        );
        assert!(
            d.nb.search("identifiant", 5).expect("search").is_empty(),
            "{who}'s search index forgot it"
        );
        assert!(
            matches!(d.nb.record(person), Err(ClientError::NotFound { .. })),
            "{who} purged the person"
        );
    }
    // An offline laptop that still has the bytes cannot bring it back.
    let err = t.jean.nb.merge(note_id, b"").expect_err("refused locally");
    assert!(err.to_string().contains("erased"), "{err}");
    let mut late = Device::join(
        &t.server,
        &t.server.invite(&t.team, "worker", false),
        "Late",
        9,
    );
    assert!(
        matches!(late.nb.record(note_id), Err(ClientError::NotFound { .. })),
        "a new device never receives it"
    );
    let again = late.sync().expect("sync");
    assert_eq!(
        (again.received, again.erased),
        (0, 0),
        "its next sync neither brings the record back nor has anything to erase"
    );
    assert!(
        matches!(late.nb.record(note_id), Err(ClientError::NotFound { .. })),
        "still not there after another sync"
    );
}
