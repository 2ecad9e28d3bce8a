//! Record documents: edits, merges, history and concurrent values.

use carnet_core::record::{Note, Person, Referral};
use carnet_core::vocab::{Method, NeedCategory, ReferralStatus};
use carnet_core::{
    Actor, Codebook, CoreError, ItemId, MemberId, Record, RecordDoc, RecordId, SeededIds, Timestamp,
};

struct World {
    ids: SeededIds,
    t: Timestamp,
}

impl World {
    fn new() -> Self {
        Self {
            ids: SeededIds::new(11),
            t: "2026-11-20T14:00:00Z".parse().expect("valid"),
        }
    }
    fn member(&self) -> MemberId {
        MemberId::generate(&self.ids, self.t)
    }
}

fn note_doc(w: &World, actor: &Actor, body: &str) -> RecordDoc {
    let mut n = Note::new(Method::Outreach, "Au café", actor.member(), w.t);
    n.body = body.into();
    RecordDoc::create(
        RecordId::generate(&w.ids, w.t),
        &Record::Note(Box::new(n)),
        &Codebook::any(),
        actor,
        w.t,
    )
    .expect("valid note")
}

fn copy(doc: &mut RecordDoc) -> RecordDoc {
    RecordDoc::load(doc.id(), &doc.save(), []).expect("own save loads")
}

fn body(doc: &RecordDoc) -> String {
    match doc.record().expect("readable") {
        Record::Note(n) => n.body.as_str().to_string(),
        other => panic!("expected a note, got {other:?}"),
    }
}

fn set_body(
    doc: &mut RecordDoc,
    actor: &Actor,
    at: Timestamp,
    f: impl FnOnce(&str) -> String,
) -> Vec<u8> {
    doc.edit::<_, CoreError>(actor, at, &Codebook::any(), |r| {
        if let Record::Note(n) = r {
            let new = f(n.body.as_str());
            n.body.set(new);
        }
        Ok(())
    })
    .expect("edit applies")
    .1
}

#[test]
fn concurrent_body_edits_with_accents_merge_by_character() {
    let w = World::new();
    let aline = Actor::new(w.member(), *b"session1");
    let jean = Actor::new(w.member(), *b"session2");
    let mut a = note_doc(&w, &aline, "Rencontre à l'épicerie avec une aînée.");
    let mut b = copy(&mut a);

    let ca = set_body(&mut a, &aline, w.t, |s| {
        s.replace("Rencontre", "Longue rencontre")
    });
    let cb = set_body(&mut b, &jean, w.t, |s| format!("{s} Elle reviendra jeudi."));
    a.merge(&cb).expect("merge B into A");
    assert!(
        !a.merge(&cb).expect("again").missing_deps && a.merge(&cb).expect("again").new.is_empty(),
        "a repeated merge is harmless"
    );
    b.merge(&ca).expect("merge A into B");

    assert_eq!(body(&a), body(&b), "both copies converge");
    assert_eq!(
        body(&a),
        "Longue rencontre à l'épicerie avec une aînée. Elle reviendra jeudi.",
        "each person's words survive, placed after the accented letters correctly"
    );
}

#[test]
fn history_names_the_author_and_the_fields_touched() {
    let w = World::new();
    let aline = Actor::new(w.member(), *b"session1");
    let jean = Actor::new(w.member(), *b"session2");
    let mut doc = note_doc(&w, &aline, "Premier jet");
    let later = Timestamp::from_millis(w.t.as_millis() + 60_000);
    set_body(&mut doc, &jean, later, |s| format!("{s}, complété"));
    let history = doc.history();
    assert_eq!(history.len(), 2, "creation and one edit");
    assert!(history[0].created);
    assert_eq!(history[0].author, Some(aline.member()));
    assert_eq!(history[1].author, Some(jean.member()), "Jean made the edit");
    assert_eq!(history[1].at, later);
    assert_eq!(
        history[1].fields,
        vec!["body".to_string()],
        "only the body changed"
    );
}

#[test]
fn concurrent_referral_statuses_are_kept_as_concurrent_values_and_can_be_settled() {
    let w = World::new();
    let aline = Actor::new(w.member(), *b"session1");
    let jean = Actor::new(w.member(), *b"session2");
    let mut p = Person::new("MN-0001", aline.member(), w.t);
    let rid = ItemId::generate(&w.ids, w.t);
    p.referrals.push(Referral {
        id: rid,
        service: "Banque alimentaire".into(),
        resource_id: None,
        need: NeedCategory::FoodInsecurity,
        made_at: w.t,
        status: ReferralStatus::Requested,
        history: vec![],
        follow_ups: vec![],
        outcome: None,
        result: None,
        service_id: None,
        share_identity: false,
    });
    let mut a = RecordDoc::create(
        RecordId::generate(&w.ids, w.t),
        &Record::Person(Box::new(p)),
        &Codebook::any(),
        &aline,
        w.t,
    )
    .expect("valid person");
    let mut b = copy(&mut a);
    let set = |doc: &mut RecordDoc, actor: &Actor, s: ReferralStatus| {
        doc.edit::<_, CoreError>(actor, w.t, &Codebook::any(), |r| {
            if let Record::Person(p) = r {
                p.referral_mut(rid).expect("referral exists").status = s;
            }
            Ok(())
        })
        .expect("edit")
        .1
    };
    let ca = set(&mut a, &aline, ReferralStatus::Accepted);
    let cb = set(&mut b, &jean, ReferralStatus::Declined);
    a.merge(&cb).expect("merge");
    b.merge(&ca).expect("merge");

    let conflicts = a.conflicts();
    assert_eq!(
        (a.read().expect("readable").conflicts, a.conflict_count()),
        (1, 1),
        "the count made while reading agrees with the walk"
    );
    assert_eq!(
        conflicts.len(),
        1,
        "exactly the status is in conflict: {conflicts:?}"
    );
    assert_eq!(conflicts[0].path, "referrals.0.status");
    let mut seen: Vec<_> = conflicts[0]
        .values
        .iter()
        .map(|v| (v.value.clone(), v.author))
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        vec![
            ("accepted".into(), Some(aline.member())),
            ("declined".into(), Some(jean.member()))
        ],
        "both values are shown with who set them"
    );
    assert_eq!(
        b.conflicts(),
        conflicts,
        "both devices see the same conflict"
    );

    let pick = conflicts[0]
        .values
        .iter()
        .position(|v| v.value == "declined")
        .expect("present");
    let settle = a
        .settle(&aline, w.t, "referrals.0.status", pick)
        .expect("settle");
    b.merge(&settle).expect("merge the settlement");
    assert!(
        a.conflicts().is_empty() && b.conflicts().is_empty(),
        "settled everywhere"
    );
    assert_eq!(b.read().expect("readable").conflicts, 0, "none counted");
    match b.record().expect("readable") {
        Record::Person(p) => assert_eq!(p.referrals[0].status, ReferralStatus::Declined),
        other => panic!("expected a person, got {other:?}"),
    }
}

#[test]
fn garbage_and_wrong_kind_changes_are_refused_without_damage() {
    let w = World::new();
    let aline = Actor::new(w.member(), *b"session1");
    let mut doc = note_doc(&w, &aline, "Intact");
    let before = doc.save();

    assert!(matches!(
        doc.merge(b"definitely not automerge"),
        Err(CoreError::Decode(_))
    ));
    let mut truncated = before.clone();
    truncated.truncate(before.len() / 2);
    assert!(
        doc.merge(&truncated).is_err(),
        "a truncated document is refused"
    );

    // A place document presented as changes to this note.
    let place = Record::Place(carnet_core::record::Place {
        name: "Parc".into(),
        place_kind: carnet_core::vocab::PlaceKind::Park,
        sector: None,
        address: None,
        notes: Default::default(),
    });
    let intruder = Actor::new(w.member(), *b"session9");
    let mut other =
        RecordDoc::create(doc.id(), &place, &Codebook::any(), &intruder, w.t).expect("valid place");
    let err = doc
        .merge(&other.save())
        .expect_err("a different record's history must not merge cleanly");
    assert!(
        matches!(err, CoreError::KindChanged { .. } | CoreError::Shape { .. }),
        "{err}"
    );

    assert_eq!(body(&doc), "Intact", "nothing changed");
    assert!(RecordDoc::load(doc.id(), b"\x00\x01garbage", []).is_err());
}

#[test]
fn invalid_edits_are_refused_and_leave_the_document_unchanged() {
    let w = World::new();
    let aline = Actor::new(w.member(), *b"session1");
    let mut doc = note_doc(&w, &aline, "Texte");
    let heads = doc.heads();
    let err = doc
        .edit::<_, CoreError>(&aline, w.t, &Codebook::any(), |r| {
            if let Record::Note(n) = r {
                n.title = String::new();
            }
            Ok(())
        })
        .expect_err("an empty title is refused");
    assert!(err.to_string().contains("title is required"), "{err}");
    assert_eq!(doc.heads(), heads, "no change was made");
}
