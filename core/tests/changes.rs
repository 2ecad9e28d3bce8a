//! What changed after some heads and who changed it: the summary of each
//! member's changes and every text with its added and removed runs.

use carnet_core::changes::{SpanKind, TextSpan};
use carnet_core::record::{Comment, Note};
use carnet_core::vocab::Method;
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
            ids: SeededIds::new(23),
            t: "2026-11-20T14:00:00Z".parse().expect("valid"),
        }
    }
    fn member(&self) -> MemberId {
        MemberId::generate(&self.ids, self.t)
    }
    fn later(&self, minutes: i64) -> Timestamp {
        Timestamp::from_millis(self.t.as_millis() + minutes * 60_000)
    }
}

fn note_doc(w: &World, actor: &Actor, body: &str) -> RecordDoc {
    let mut n = Note::new(Method::Workshop, "Atelier du mardi", actor.member(), w.t);
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

fn edit(doc: &mut RecordDoc, actor: &Actor, at: Timestamp, f: impl FnOnce(&mut Note)) -> Vec<u8> {
    doc.edit::<_, CoreError>(actor, at, &Codebook::any(), |r| {
        if let Record::Note(n) = r {
            f(n);
        }
        Ok(())
    })
    .expect("edit applies")
    .1
}

fn spans(kind: SpanKind, spans: &[TextSpan]) -> Vec<(String, Option<MemberId>)> {
    spans
        .iter()
        .filter(|s| s.kind == kind)
        .map(|s| (s.text.clone(), s.author))
        .collect()
}

#[test]
fn the_words_another_member_added_and_removed_are_shown_in_place_and_named() {
    let w = World::new();
    let aline = Actor::new(w.member(), *b"session1");
    let jean = Actor::new(w.member(), *b"session2");
    let mut a = note_doc(
        &w,
        &aline,
        "Les mères parlent du parc. Elles viennent le mardi.",
    );
    let mut j = copy(&mut a);
    let looked = a.heads();

    let change = edit(&mut j, &jean, w.later(5), |n| {
        let text = n
            .body
            .as_str()
            .replace("du parc", "du parc et de l'école")
            .replace(" Elles viennent le mardi.", "");
        n.body.set(text);
        n.title = "Atelier du mardi, récits".into();
    });
    a.merge(&change).expect("merge");

    let texts = a.text_changes(&looked);
    assert_eq!(texts.len(), 1, "only the body's text changed: {texts:?}");
    assert_eq!(texts[0].path, "body");
    let s = &texts[0].spans;
    let now: String = s
        .iter()
        .filter(|x| x.kind != SpanKind::Removed)
        .map(|x| x.text.as_str())
        .collect();
    assert_eq!(
        now, "Les mères parlent du parc et de l'école.",
        "kept and added runs make the text as it is"
    );
    let then: String = s
        .iter()
        .filter(|x| x.kind != SpanKind::Added)
        .map(|x| x.text.as_str())
        .collect();
    assert_eq!(
        then, "Les mères parlent du parc. Elles viennent le mardi.",
        "kept and removed runs make the text as it was"
    );
    // Word by word: the text edit reused letters of the removed sentence
    // for the new words, which must not show as kept halves of words.
    assert_eq!(
        spans(SpanKind::Added, s),
        [(" et de l'école".to_string(), Some(jean.member()))],
        "the added words, as one run named by their author: {s:?}"
    );
    let removed = spans(SpanKind::Removed, s);
    assert!(
        removed.iter().all(|(_, who)| *who == Some(jean.member())),
        "the removed words, named when one member changed the record since: {removed:?}"
    );
    let removed: String = removed.iter().map(|(t, _)| t.as_str()).collect();
    for word in ["Elles", "viennent", "mardi"] {
        assert!(removed.contains(word), "{word} is shown removed: {s:?}");
    }

    let by = a.changes_by_member(&looked, Some(aline.member()));
    assert_eq!(by.len(), 1, "Jean alone: {by:?}");
    assert_eq!(by[0].author, Some(jean.member()));
    assert_eq!(by[0].changes, 1);
    assert_eq!(by[0].last_at, w.later(5));
    assert_eq!(by[0].words_added, 3, "et, de, l'école");
    assert!(by[0].text_removed);
    assert_eq!(by[0].fields, ["body", "title"]);
    assert!(!by[0].created);

    let now = a.heads();
    assert!(a.text_changes(&now).is_empty(), "nothing changed since now");
    assert!(
        a.changes_by_member(&looked, Some(jean.member())).is_empty(),
        "Jean's own changes are not news to Jean"
    );
}

#[test]
fn two_members_changes_are_told_apart_and_a_new_record_is_all_new() {
    let w = World::new();
    let aline = Actor::new(w.member(), *b"session1");
    let jean = Actor::new(w.member(), *b"session2");
    let nadia = Actor::new(w.member(), *b"session3");
    let mut a = note_doc(&w, &aline, "Début.");
    let mut j = copy(&mut a);
    let mut n = copy(&mut a);
    let looked = a.heads();
    let cj = edit(&mut j, &jean, w.later(1), |x| {
        x.body.set("Début. Suite de Jean.");
    });
    let comment = ItemId::generate(&w.ids, w.t);
    let cn = edit(&mut n, &nadia, w.later(2), |x| {
        x.comments.push(Comment {
            id: comment,
            author: nadia.member(),
            at: w.later(2),
            text: "@Aline tu as vu?".into(),
            reply_to: None,
            mentions: vec![aline.member()],
            edited_at: None,
            deleted: false,
        });
    });
    a.merge(&cj).expect("merge");
    a.merge(&cn).expect("merge");

    let by = a.changes_by_member(&looked, Some(aline.member()));
    assert_eq!(by.len(), 2, "{by:?}");
    assert_eq!(by[0].author, Some(jean.member()), "oldest first");
    assert_eq!(by[0].fields, ["body"]);
    assert_eq!(by[0].words_added, 3);
    assert_eq!(by[0].comments_added, 0);
    assert_eq!(by[1].author, Some(nadia.member()));
    assert_eq!(by[1].comments_added, 1);
    assert_eq!(
        by[1].words_added, 0,
        "a comment's words are the comment, not the note's"
    );
    assert!(
        by[1].fields.iter().all(|f| f.starts_with("comments")),
        "{:?}",
        by[1].fields
    );

    let texts = a.text_changes(&looked);
    let body = texts
        .iter()
        .find(|t| t.path == "body")
        .expect("body changed");
    assert_eq!(
        spans(SpanKind::Added, &body.spans),
        [(" Suite de Jean.".to_string(), Some(jean.member()))]
    );
    let added_comment = texts
        .iter()
        .find(|t| t.path == "comments.0.text")
        .expect("the comment is new text");
    assert_eq!(
        spans(SpanKind::Added, &added_comment.spans),
        [("@Aline tu as vu?".to_string(), Some(nadia.member()))]
    );

    // Never looked at: every change is news, the creation first.
    let all = a.changes_by_member(&[], None);
    assert!(all
        .iter()
        .any(|m| m.author == Some(aline.member()) && m.created));
    assert!(a.record_at(&[]).expect("read").is_none());
    let then = a.record_at(&looked).expect("read").expect("existed");
    let Record::Note(then) = then else {
        panic!("a note")
    };
    assert_eq!(
        then.body.as_str(),
        "Début.",
        "the record as it was when last looked at"
    );
    assert!(then.comments.is_empty());
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Edit {
        Insert(usize, &'static str),
        Delete(usize, usize),
    }

    fn text_edit() -> impl Strategy<Value = Edit> {
        prop_oneof![
            (
                0usize..80,
                prop::sample::select(vec![
                    "é",
                    "parc ",
                    " l'école",
                    "x",
                    "\n",
                    " aînée",
                    ". Elle",
                    "-"
                ])
            )
                .prop_map(|(at, s)| Edit::Insert(at, s)),
            (0usize..80, 1usize..12).prop_map(|(at, n)| Edit::Delete(at, n)),
        ]
    }

    fn apply(text: &str, e: &Edit) -> String {
        let chars: Vec<char> = text.chars().collect();
        match e {
            Edit::Insert(at, s) => {
                let at = (*at).min(chars.len());
                let mut out: String = chars[..at].iter().collect();
                out.push_str(s);
                out.extend(&chars[at..]);
                out
            }
            Edit::Delete(at, n) => {
                let at = (*at).min(chars.len());
                let end = (at + n).min(chars.len());
                chars[..at].iter().chain(&chars[end..]).collect()
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        /// Whatever another member did to a text, in any number of
        /// changes: the kept and added runs make the text as it is, the
        /// kept and removed runs the text as it was, and every added run
        /// is named by that member.
        #[test]
        fn the_runs_make_both_texts_and_name_their_author(
            base in "[a-zé' .]{0,60}",
            edits in prop::collection::vec(prop::collection::vec(text_edit(), 1..4), 1..4),
        ) {
            let w = World::new();
            let aline = Actor::new(w.member(), *b"session1");
            let jean = Actor::new(w.member(), *b"session2");
            let mut a = note_doc(&w, &aline, &base);
            let mut j = copy(&mut a);
            let looked = a.heads();
            let mut text = base.clone();
            for (k, change) in edits.iter().enumerate() {
                for e in change {
                    text = apply(&text, e);
                }
                let t = text.clone();
                let bytes = edit(&mut j, &jean, w.later(k as i64 + 1), move |n| n.body.set(t));
                if !bytes.is_empty() {
                    a.merge(&bytes).expect("merge");
                }
            }
            let changes = a.text_changes(&looked);
            let body: Vec<TextSpan> = changes
                .iter()
                .find(|t| t.path == "body")
                .map(|t| t.spans.clone())
                .unwrap_or_else(|| vec![TextSpan { text: base.clone(), kind: SpanKind::Kept, author: None }]);
            let join = |skip: SpanKind| -> String {
                body.iter().filter(|s| s.kind != skip).map(|s| s.text.as_str()).collect()
            };
            prop_assert_eq!(join(SpanKind::Removed), text.clone(), "kept + added is the text now");
            prop_assert_eq!(join(SpanKind::Added), base.clone(), "kept + removed is the text then");
            for s in body.iter().filter(|s| s.kind == SpanKind::Added) {
                prop_assert_eq!(s.author, Some(jean.member()), "{:?}", s);
            }
        }
    }
}
