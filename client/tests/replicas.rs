//! Property: three replicas of a notebook make random concurrent edits to
//! the same records and exchange their changes in a random order, with
//! duplicates. A change that arrives before the change it depends on is
//! reported (`MissingDeps`), and the receiver then gets a full copy of the
//! record, as the sync protocol does. In the end every replica holds the
//! same documents and the same projection, also after reopening from
//! disk, and a rebuilt projection equals the live one.

mod common;

use carnet_client::{MergeOutcome, Notebook};
use carnet_core::vocab::{Method, NeedCategory, ReferralStatus, ReviewStatus, Vocabulary};
use carnet_core::{ItemId, RecordId};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    InsertText {
        pos: usize,
        text: String,
    },
    DeleteText {
        pos: usize,
        len: usize,
    },
    Title(String),
    Comment(String),
    ShadowEntry(String),
    Review(usize),
    Theme(usize),
    ReferralStatus(usize),
    /// Code the characters `pos..pos + len` of the body (clipped) with a
    /// theme.
    Code {
        pos: usize,
        len: usize,
        theme: usize,
    },
    /// Remove this replica's first coding of the note, if any.
    Uncode,
}

fn text() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "é",
        "café ",
        "Jérôme",
        " à l'épicerie",
        "x",
        "\n",
        "aînée ",
        "park ",
    ])
    .prop_map(str::to_string)
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0usize..200, text()).prop_map(|(pos, text)| Op::InsertText { pos, text }),
        2 => (0usize..200, 1usize..6).prop_map(|(pos, len)| Op::DeleteText { pos, len }),
        1 => text().prop_map(|t| Op::Title(format!("Titre {t}"))),
        1 => text().prop_map(Op::Comment),
        1 => text()
            .prop_filter("an entry says something", |t| !t.trim().is_empty())
            .prop_map(Op::ShadowEntry),
        1 => (0usize..3).prop_map(Op::Review),
        1 => (0usize..10).prop_map(Op::Theme),
        1 => (0usize..11).prop_map(Op::ReferralStatus),
        2 => (0usize..200, 1usize..20, 0usize..10).prop_map(|(pos, len, theme)| Op::Code { pos, len, theme }),
        1 => Just(Op::Uncode),
    ]
}

struct Shared {
    notes: Vec<RecordId>,
    person: RecordId,
    referral: ItemId,
}

fn apply(nb: &mut Notebook, shared: &Shared, target: usize, op: &Op) {
    let note = shared.notes[target % shared.notes.len()];
    let result = match op {
        Op::InsertText { pos, text } => nb.edit_note(note, |n| {
            let mut chars: Vec<char> = n.body.as_str().chars().collect();
            let at = (*pos).min(chars.len());
            chars.splice(at..at, text.chars());
            n.body.set(chars.into_iter().collect::<String>());
            Ok(())
        }),
        Op::DeleteText { pos, len } => nb.edit_note(note, |n| {
            let mut chars: Vec<char> = n.body.as_str().chars().collect();
            let at = (*pos).min(chars.len());
            let end = (at + len).min(chars.len());
            chars.drain(at..end);
            n.body.set(chars.into_iter().collect::<String>());
            Ok(())
        }),
        Op::Title(t) => nb.edit_note(note, |n| {
            n.title = t.clone();
            Ok(())
        }),
        Op::Comment(t) => nb.add_comment(note, &format!("c {t}")).map(|_| ()),
        Op::ShadowEntry(t) => nb.add_shadow_entry(note, t, None).map(|_| ()),
        Op::Review(i) => nb.edit_note(note, |n| {
            n.review = ReviewStatus::ALL[*i];
            Ok(())
        }),
        Op::Theme(i) => nb.edit_note(note, |n| {
            let code = carnet_core::demo::DemoGenerator::theme_codes()
                .nth(*i)
                .expect("ten themes")
                .to_string();
            if !n.themes.contains(&code) {
                n.themes.push(code);
            }
            Ok(())
        }),
        Op::ReferralStatus(i) => {
            nb.set_referral_status(shared.referral, ReferralStatus::ALL[*i], Some("suivi"))
        }
        Op::Code { pos, len, theme } => {
            let body = nb
                .note_detail(note)
                .expect("note")
                .note
                .body
                .as_str()
                .to_string();
            let chars = body.chars().count();
            let start = (*pos).min(chars);
            let end = (start + len).min(chars);
            let words: String = body.chars().skip(start).take(end - start).collect();
            if words.trim().is_empty() {
                return;
            }
            let theme = carnet_core::demo::DemoGenerator::theme_codes()
                .nth(*theme)
                .expect("ten themes");
            let passage = carnet_client::PassageInput {
                field: carnet_core::vocab::CodedField::Body,
                item: None,
                start: start as u32,
                end: end as u32,
                text: Some(words),
            };
            nb.code_passage(note, &passage, &[theme]).map(|_| ())
        }
        Op::Uncode => {
            let me = nb.member();
            let mine = nb
                .note_detail(note)
                .expect("note")
                .note
                .codings
                .into_iter()
                .find(|c| c.coder == me);
            match mine {
                Some(c) => nb.remove_coding(note, c.id),
                None => return,
            }
        }
    };
    result.expect("a valid edit applies");
}

fn setup(seed: u64) -> (Vec<tempfile::TempDir>, Shared) {
    let origin = tempfile::tempdir().expect("dir");
    let shared = {
        let mut nb =
            Notebook::create(origin.path(), "Équipe", "Aline", common::env(seed)).expect("create");
        let notes = vec![
            nb.create_note(common::note(Method::Outreach, "Au parc", "Début."))
                .expect("note"),
            nb.create_note(common::note(Method::Shadowing, "Journée", ""))
                .expect("note"),
        ];
        let (person, referral) = common::referred(
            &mut nb,
            "MN-1",
            "Banque",
            NeedCategory::FoodInsecurity,
            None,
        );
        Shared {
            notes,
            person,
            referral,
        }
    };
    let mut dirs = vec![origin];
    for _ in 0..2 {
        let copy = tempfile::tempdir().expect("dir");
        for f in ["notebook.db", "notebook.db-wal", "notebook.key"] {
            let from = dirs[0].path().join(f);
            if from.exists() {
                std::fs::copy(&from, copy.path().join(f)).expect("copy");
            }
        }
        dirs.push(copy);
    }
    (dirs, shared)
}

fn records(shared: &Shared) -> Vec<RecordId> {
    let mut ids = shared.notes.clone();
    ids.push(shared.person);
    // A referral is a record of its own.
    ids.push(RecordId::from_uuid(*shared.referral.as_uuid()));
    ids
}

fn snapshot(nb: &mut Notebook, ids: &[RecordId]) -> Vec<(carnet_core::Record, Vec<String>)> {
    ids.iter()
        .map(|id| {
            let mut heads: Vec<String> = nb
                .heads(*id)
                .expect("heads")
                .iter()
                .map(|h| h.to_string())
                .collect();
            heads.sort();
            (nb.record(*id).expect("record"), heads)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn replicas_converge_whatever_the_order_of_delivery(
        edits in prop::collection::vec((0usize..3, 0usize..2, op()), 1..30),
        deliveries in prop::collection::vec((any::<prop::sample::Index>(), 0usize..3, any::<bool>()), 0..120),
        seed in 0u64..1000,
    ) {
        let (dirs, shared) = setup(seed);
        let mut replicas: Vec<Notebook> = dirs
            .iter()
            .enumerate()
            .map(|(i, d)| Notebook::open(d.path(), common::env(seed * 10 + i as u64 + 1)).expect("open"))
            .collect();
        let ids = records(&shared);

        // Concurrent offline edits; each edit's change bytes go to an outbox.
        let mut outbox: Vec<(usize, RecordId, Vec<u8>)> = Vec::new();
        for (who, target, op) in &edits {
            let nb = &mut replicas[*who];
            let before: Vec<_> = ids.iter().map(|id| nb.heads(*id).expect("heads")).collect();
            apply(nb, &shared, *target, op);
            for (id, heads) in ids.iter().zip(before) {
                let bytes = nb.changes_since(*id, &heads).expect("changes");
                if !bytes.is_empty() {
                    outbox.push((*who, *id, bytes));
                }
            }
        }

        // Deliver messages in a random order, some twice.
        let mut need_full_copy = std::collections::BTreeSet::new();
        let mut deliver = |replicas: &mut Vec<Notebook>, from: usize, to: usize, id: RecordId, bytes: &[u8]| {
            if from == to { return; }
            match replicas[to].merge(id, bytes).expect("valid changes merge") {
                MergeOutcome::MissingDeps => { need_full_copy.insert((from, to, id)); }
                MergeOutcome::Created | MergeOutcome::Updated | MergeOutcome::Unchanged => {}
            }
        };
        for (index, to, twice) in &deliveries {
            if outbox.is_empty() { break; }
            let (from, id, bytes) = outbox[index.index(outbox.len())].clone();
            deliver(&mut replicas, from, *to, id, &bytes);
            if *twice { deliver(&mut replicas, from, *to, id, &bytes); }
        }
        // Then every message reaches everyone (the network heals), in order.
        for (from, id, bytes) in outbox.clone() {
            for to in 0..3 { deliver(&mut replicas, from, to, id, &bytes); }
        }
        // Receivers that saw changes out of order get a full copy.
        for (from, to, id) in need_full_copy.clone() {
            let full = replicas[from].changes_since(id, &[]).expect("full copy");
            prop_assert_ne!(replicas[to].merge(id, &full).expect("full copy merges"), MergeOutcome::MissingDeps);
        }

        let reference = snapshot(&mut replicas[0], &ids);
        let reference_dump = replicas[0].projection_dump().expect("dump");
        for nb in replicas.iter_mut().skip(1) {
            prop_assert_eq!(&snapshot(nb, &ids), &reference, "same documents on every replica");
            prop_assert_eq!(&nb.projection_dump().expect("dump"), &reference_dump, "same projection on every replica");
        }
        drop(replicas);
        for (i, d) in dirs.iter().enumerate() {
            let mut nb = Notebook::open(d.path(), common::env(seed * 10 + 7 + i as u64)).expect("reopen");
            prop_assert_eq!(&snapshot(&mut nb, &ids), &reference, "merges were durable");
            prop_assert_eq!(&nb.projection_dump().expect("dump"), &reference_dump);
            nb.rebuild_projection().expect("rebuild");
            prop_assert_eq!(&nb.projection_dump().expect("dump"), &reference_dump, "a rebuilt projection equals the live one");
        }
    }
}
