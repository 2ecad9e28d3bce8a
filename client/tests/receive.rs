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

/// `n` notes made on `nb`, with the title and body `text` gives each.
fn notes(
    nb: &mut Notebook,
    n: usize,
    method: Method,
    text: impl Fn(usize) -> (String, String),
) -> Vec<RecordId> {
    (0..n)
        .map(|i| {
            let (title, body) = text(i);
            nb.create_note(common::note(method, &title, &body))
                .expect("note")
        })
        .collect()
}

/// The changes received for each note of `ids`.
fn received<'a>(ids: &[RecordId], changes: &'a [Vec<u8>]) -> Vec<Incoming<'a>> {
    ids.iter()
        .zip(changes)
        .map(|(id, bytes)| note(*id, bytes))
        .collect()
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
    let ids = notes(&mut a, 40, Method::Outreach, |i| {
        (
            format!("Café du parc {i}"),
            format!("Rencontre numéro {i} à l'épicerie, près de l'aréna."),
        )
    });
    let whole: Vec<Vec<u8>> = ids
        .iter()
        .map(|id| a.changes_since(*id, &[]).expect("bytes"))
        .collect();
    let garbage: RecordId = "01936a2b-0000-7000-8000-000000000007".parse().expect("id");
    let mut items = received(&ids, &whole);
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
    let updates = received(&updated, &deltas);
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

/// Records merged again and again in batches big enough for the parallel
/// path (where merged documents are dropped by the workers, which make
/// the compacted snapshot when one is due) stay compact and whole.
#[test]
fn records_merged_in_many_big_batches_are_compacted() {
    let (_a_dir, mut a) = common::notebook(1);
    let (b_dir, mut b) = common::notebook(2);
    let ids = notes(&mut a, 20, Method::Workshop, |i| {
        (format!("Atelier {i}"), "Début.".to_string())
    });
    // What B holds of each record is what A held at the last merge: the
    // deltas are computed on A's side, so B's documents are never loaded
    // (and cached) outside the merges.
    let mut known = vec![Vec::new(); ids.len()];
    let mut merge = |a: &mut Notebook, b: &mut Notebook, expected: MergeOutcome| {
        let deltas: Vec<Vec<u8>> = ids
            .iter()
            .zip(&known)
            .map(|(id, heads)| a.changes_since(*id, heads).expect("delta"))
            .collect();
        let items = received(&ids, &deltas);
        let outcomes = b.merge_many(&items).expect("no storage failure");
        assert!(
            outcomes.iter().all(|o| o.as_ref().ok() == Some(&expected)),
            "{outcomes:?}"
        );
        for (id, heads) in ids.iter().zip(known.iter_mut()) {
            *heads = a.heads(*id).expect("heads");
        }
    };
    merge(&mut a, &mut b, MergeOutcome::Created);
    let rounds = carnet_client::store::COMPACT_AFTER + 3;
    for round in 0..rounds {
        for id in &ids {
            a.append_to_body(*id, &format!("Tour {round}."))
                .expect("edit");
        }
        merge(&mut a, &mut b, MergeOutcome::Updated);
    }
    assert_eq!(all_notes(&b), all_notes(&a));

    let db = common::raw_db(b_dir.path());
    let (max_count, mismatched): (i64, i64) = db
        .query_row(
            "SELECT MAX(chunk_count), SUM(chunk_count != (SELECT COUNT(*) FROM chunks \
             WHERE record_rowid = records.rowid)) FROM records WHERE kind = 'note'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("counts");
    assert!(
        max_count < carnet_client::store::COMPACT_AFTER,
        "every record was compacted on the way ({max_count} chunks)"
    );
    assert_eq!(mismatched, 0, "chunk counts match the chunks stored");

    // The compacted documents decode: a rebuild from them gives the same.
    let live = b.projection_dump().expect("dump");
    drop(b);
    let mut b = Notebook::open(b_dir.path(), common::env(3)).expect("reopen");
    b.rebuild_projection().expect("rebuild");
    assert_eq!(b.projection_dump().expect("dump"), live);
    assert_eq!(all_notes(&b), all_notes(&a));
}
