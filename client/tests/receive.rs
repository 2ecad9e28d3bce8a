//! Merging many received records at once (`Notebook::merge_many`, what a
//! sync answer goes through): enough records to take the parallel path,
//! mixed with a garbage record, a record of the wrong kind and a record
//! received twice. Each record's outcome is its own, the good ones all
//! land, the notebook matches its own rebuilt projection, and so does it
//! after reopening from disk.

mod common;

use carnet_client::{Incoming, MergeOutcome, NoteFilter, Notebook, Page};
use carnet_core::vocab::Method;
use carnet_core::{RecordId, RecordKind};

fn all_notes(nb: &Notebook) -> Vec<(RecordId, String, String)> {
    let mut notes: Vec<_> = nb
        .list_notes(
            &NoteFilter::default(),
            Page {
                offset: 0,
                limit: 1000,
            },
        )
        .expect("list")
        .items
        .into_iter()
        .map(|n| (n.id, n.title, n.excerpt))
        .collect();
    notes.sort();
    notes
}

/// Changes received for a note.
fn note(id: RecordId, changes: &[u8]) -> Incoming<'_> {
    Incoming {
        id,
        kind: Some(RecordKind::Note),
        changes,
        server_heads: None,
    }
}

#[test]
fn many_records_merge_at_once_each_with_its_own_outcome() {
    let (_a_dir, mut a) = common::notebook(1);
    let (b_dir, mut b) = common::notebook(2);
    let ids: Vec<RecordId> = (0..40)
        .map(|i| {
            a.create_note(common::note(
                Method::Outreach,
                &format!("Café du parc {i}"),
                &format!("Rencontre numéro {i} à l'épicerie, près de l'aréna."),
            ))
            .expect("note")
        })
        .collect();
    let whole: Vec<Vec<u8>> = ids
        .iter()
        .map(|id| a.changes_since(*id, &[]).expect("bytes"))
        .collect();
    let garbage: RecordId = "01936a2b-0000-7000-8000-000000000007".parse().expect("id");
    let mut items: Vec<Incoming<'_>> = ids
        .iter()
        .zip(&whole)
        .map(|(id, bytes)| note(*id, bytes))
        .collect();
    // A note said to be a person, garbage bytes, and a note received twice.
    items[5].kind = Some(RecordKind::Person);
    items.insert(10, note(garbage, b"\x85\x6f\x4a\x83 not automerge at all"));
    items.push(items[20]);

    let outcomes = b.merge_many(&items).expect("no storage failure");
    assert_eq!(outcomes.len(), items.len());
    for (k, (item, outcome)) in items.iter().zip(&outcomes).enumerate() {
        match k {
            5 => assert!(
                matches!(outcome, Err(e) if e.to_string().contains("person")),
                "the note said to be a person is refused: {outcome:?}"
            ),
            10 => assert!(outcome.is_err(), "garbage is refused: {outcome:?}"),
            k if k == items.len() - 1 => assert_eq!(
                outcome.as_ref().ok(),
                Some(&MergeOutcome::Unchanged),
                "the second copy of {} changes nothing",
                item.id
            ),
            _ => assert_eq!(
                outcome.as_ref().ok(),
                Some(&MergeOutcome::Created),
                "record {k} ({}) is created",
                item.id
            ),
        }
    }

    // Everything but the refused note arrived, exactly as written.
    let mut expected = all_notes(&a);
    expected.retain(|(id, _, _)| *id != ids[5]);
    assert_eq!(all_notes(&b), expected);

    // Edits made on A after that merge as updates.
    for id in &ids[..20] {
        a.append_to_body(*id, "Suivi : rappel fait, à revoir jeudi.")
            .expect("edit");
    }
    let updated: Vec<RecordId> = ids[..20]
        .iter()
        .copied()
        .filter(|id| *id != ids[5])
        .collect();
    let deltas: Vec<Vec<u8>> = updated
        .iter()
        .map(|id| {
            let heads = b.heads(*id).expect("heads");
            a.changes_since(*id, &heads).expect("delta")
        })
        .collect();
    let updates: Vec<Incoming<'_>> = updated
        .iter()
        .zip(&deltas)
        .map(|(id, bytes)| note(*id, bytes))
        .collect();
    let outcomes = b.merge_many(&updates).expect("no storage failure");
    assert!(outcomes
        .iter()
        .all(|o| o.as_ref().ok() == Some(&MergeOutcome::Updated)));
    assert_eq!(all_notes(&b), expected_after(&a, ids[5]));

    // The live projection is what a rebuild gives, also after reopening.
    let live = b.projection_dump().expect("dump");
    b.rebuild_projection().expect("rebuild");
    assert_eq!(b.projection_dump().expect("dump"), live);
    drop(b);
    let b = Notebook::open(b_dir.path(), common::env(3)).expect("reopen");
    assert_eq!(b.projection_dump().expect("dump"), live);
}

fn expected_after(a: &Notebook, refused: RecordId) -> Vec<(RecordId, String, String)> {
    let mut notes = all_notes(a);
    notes.retain(|(id, _, _)| *id != refused);
    notes
}
