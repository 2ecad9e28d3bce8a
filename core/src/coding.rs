//! Coded passages: where a note's codings are anchored and where they
//! stand now, and how far two coders agree.
//!
//! A coding is anchored with two Automerge cursors, one on the passage's
//! first character and one on its last (each the id of the operation that
//! inserted the character), rather than with Automerge's marks. A cursor
//! follows its character wherever text is inserted or deleted around it,
//! on any replica; a coding is then an ordinary item of the note's
//! `codings` list, with its own id, coder, time and theme, so two coders'
//! overlapping codings are two items that both survive a merge, a theme
//! merge rewrites one field per coding, and removing a coding is a list
//! deletion that cannot race with an edit of the text. Marks would have
//! to carry the coder and theme in their name and value, and a mark
//! removed while someone types inside it has no clear outcome.
//!
//! Both cursors resolve "after": a deleted character resolves to the
//! position of the next surviving one. The start is that position; the
//! end is just past its character when that character survives, else
//! the position it resolved to. So text inserted before the first or
//! after the last character stays outside, text inserted inside is in,
//! and a passage whose words are all deleted becomes empty.

use automerge::{Cursor, ObjId, ObjType, ReadDoc, Value, ROOT};
use serde::Serialize;

use crate::document::RecordDoc;
use crate::error::CoreError;
use crate::ids::{ItemId, MemberId};
use crate::record::RecordKind;
use crate::time_types::Timestamp;
use crate::validate::ValidationError;
use crate::vocab::CodedField;

/// A coding as it stands now: its passage resolved to character
/// positions of its text (Unicode code points, as Automerge counts them
/// here), with the words it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Passage {
    /// The coding's id.
    pub coding: ItemId,
    /// The theme's code.
    pub theme: String,
    /// Who coded it.
    pub coder: MemberId,
    /// When.
    pub at: Timestamp,
    /// Which text of the note.
    pub field: CodedField,
    /// The story, entry or comment, for the texts of a list.
    pub item: Option<ItemId>,
    /// First character, counted in the text as it is now.
    pub start: u32,
    /// Just past the last character; equal to `start` when every word of
    /// the passage was deleted.
    pub end: u32,
    /// The passage's words now.
    pub text: String,
    /// The length of the whole text now (for agreement between coders).
    pub text_len: u32,
}

/// Which text of a note: the field, and the item for the texts of a list.
type TextKey = (CodedField, Option<ItemId>);

/// The two cursors of a new coding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// On the first character.
    pub start: String,
    /// On the last character.
    pub end: String,
    /// The passage's words, as they are when anchored.
    pub text: String,
}

fn bad(reason: impl Into<String>) -> CoreError {
    CoreError::Invalid(ValidationError::Passage(reason.into()))
}

/// The text object of the list item whose `id` is `item`.
fn item_text(doc: &impl ReadDoc, list: &str, item: ItemId) -> Option<ObjId> {
    let Ok(Some((Value::Object(ObjType::List), list))) = doc.get(ROOT, list) else {
        return None;
    };
    let wanted = item.to_string();
    (0..doc.length(&list)).find_map(|i| {
        let Ok(Some((Value::Object(ObjType::Map), entry))) = doc.get(&list, i) else {
            return None;
        };
        match doc.get(&entry, "id") {
            Ok(Some((Value::Scalar(s), _))) if s.as_str() == Some(wanted.as_str()) => {
                match doc.get(&entry, "text") {
                    Ok(Some((Value::Object(ObjType::Text), text))) => Some(text),
                    _ => None,
                }
            }
            _ => None,
        }
    })
}

/// The text object a coding points into, if it is still there.
fn text_object(doc: &impl ReadDoc, field: CodedField, item: Option<ItemId>) -> Option<ObjId> {
    match (field, item) {
        (CodedField::Body, None) => match doc.get(ROOT, "body") {
            Ok(Some((Value::Object(ObjType::Text), text))) => Some(text),
            _ => None,
        },
        (CodedField::Story, Some(i)) => item_text(doc, "stories", i),
        (CodedField::Shadowing, Some(i)) => item_text(doc, "shadowing", i),
        (CodedField::Comment, Some(i)) => item_text(doc, "comments", i),
        _ => None,
    }
}

/// Where a cursor resolves, and whether its own character is still there.
fn resolve(doc: &impl ReadDoc, text: &ObjId, cursor: &str, len: usize) -> Option<(usize, bool)> {
    let cursor = Cursor::try_from(cursor).ok()?;
    let at = doc.get_cursor_position(text, &cursor, None).ok()?;
    let alive = at < len
        && doc
            .get_cursor(text, at, None)
            .is_ok_and(|here| here == cursor);
    Some((at, alive))
}

/// A slice of `text` by character positions.
fn chars(text: &str, start: usize, end: usize) -> String {
    text.chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}

impl RecordDoc {
    /// The two cursors of a passage of a note's text, from its first
    /// character (`start`) to just before `end`, counted in characters.
    /// `expected`, when given, must be the passage's words: the person
    /// coded what they saw, not text someone changed since.
    pub fn anchor(
        &self,
        field: CodedField,
        item: Option<ItemId>,
        start: usize,
        end: usize,
        expected: Option<&str>,
    ) -> Result<Anchor, CoreError> {
        if self.kind() != RecordKind::Note {
            return Err(bad("only a note's texts can be coded"));
        }
        let doc = self.am();
        let text = text_object(doc, field, item)
            .ok_or_else(|| bad("this text is not in the note any more"))?;
        let len = doc.length(&text);
        if start >= end || end > len {
            return Err(bad(format!(
                "the passage {start}–{end} is not within the text ({len} characters); select some words"
            )));
        }
        let words = chars(&doc.text(&text)?, start, end);
        if expected.is_some_and(|e| e != words) {
            return Err(bad(
                "the text changed since the passage was selected; select it again",
            ));
        }
        let first = doc.get_cursor(&text, start, None)?;
        let last = doc.get_cursor(&text, end - 1, None)?;
        Ok(Anchor {
            start: first.to_string(),
            end: last.to_string(),
            text: words,
        })
    }

    /// Every coding of `note` (the note this document holds, already
    /// read), resolved in its text as it is now; codings whose text (a
    /// story, an entry, a comment) was removed are left out.
    pub fn passages_of(&self, note: &crate::record::Note) -> Vec<Passage> {
        if note.codings.is_empty() {
            return Vec::new();
        }
        let doc = self.am();
        // Each text resolved once: its object and words, when still there.
        let mut texts: Vec<(TextKey, Option<(ObjId, String)>)> = Vec::new();
        let mut out = Vec::with_capacity(note.codings.len());
        for c in &note.codings {
            let key = (c.field, c.item);
            let found = match texts.iter().position(|(k, _)| *k == key) {
                Some(i) => i,
                None => {
                    let obj = text_object(doc, c.field, c.item);
                    let resolved = obj.and_then(|o| doc.text(&o).ok().map(|t| (o, t)));
                    texts.push((key, resolved));
                    texts.len() - 1
                }
            };
            let Some((obj, text)) = &texts[found].1 else {
                continue;
            };
            let len = text.chars().count();
            let (Some((start, _)), Some((last, alive))) = (
                resolve(doc, obj, &c.start, len),
                resolve(doc, obj, &c.end, len),
            ) else {
                continue;
            };
            let end = if alive { last + 1 } else { last }.max(start);
            out.push(Passage {
                coding: c.id,
                theme: c.theme.clone(),
                coder: c.coder,
                at: c.at,
                field: c.field,
                item: c.item,
                start: start as u32,
                end: end as u32,
                text: chars(text, start, end),
                text_len: len as u32,
            });
        }
        out
    }
}

/// How two coders' codings of one theme compare, character by character.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Tally {
    /// Characters both coded.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub both: u64,
    /// Characters only the first coded.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub first_only: u64,
    /// Characters only the second coded.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub second_only: u64,
    /// Characters neither coded.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub neither: u64,
}

impl Tally {
    /// Add another tally.
    pub fn add(&mut self, other: Tally) {
        self.both += other.both;
        self.first_only += other.first_only;
        self.second_only += other.second_only;
        self.neither += other.neither;
    }

    /// Count one text of `len` characters, given each coder's passages in
    /// it (start, end), in any order and possibly overlapping.
    pub fn of_text(len: u32, first: &[(u32, u32)], second: &[(u32, u32)]) -> Tally {
        let a = merged(first, len);
        let b = merged(second, len);
        let covered = |v: &[(u32, u32)]| v.iter().map(|(s, e)| u64::from(e - s)).sum::<u64>();
        let (in_a, in_b) = (covered(&a), covered(&b));
        let mut both = 0u64;
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            let lo = a[i].0.max(b[j].0);
            let hi = a[i].1.min(b[j].1);
            if lo < hi {
                both += u64::from(hi - lo);
            }
            if a[i].1 < b[j].1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        let either = in_a + in_b - both;
        Tally {
            both,
            first_only: in_a - both,
            second_only: in_b - both,
            neither: u64::from(len) - either,
        }
    }

    /// The characters counted.
    pub fn total(&self) -> u64 {
        self.both + self.first_only + self.second_only + self.neither
    }

    /// The share of characters both coded the same way (coded or not), in
    /// percent; `None` with nothing counted.
    pub fn percent_agreement(&self) -> Option<f64> {
        let n = self.total();
        (n > 0).then(|| 100.0 * (self.both + self.neither) as f64 / n as f64)
    }

    /// Cohen's kappa: agreement beyond what chance would give. `None`
    /// when chance alone already agrees on everything (both coders coded
    /// every character, or none), where kappa is undefined.
    pub fn kappa(&self) -> Option<f64> {
        let n = self.total() as f64;
        if n == 0.0 {
            return None;
        }
        let observed = (self.both + self.neither) as f64 / n;
        let first_yes = (self.both + self.first_only) as f64 / n;
        let second_yes = (self.both + self.second_only) as f64 / n;
        let chance = first_yes * second_yes + (1.0 - first_yes) * (1.0 - second_yes);
        if (1.0 - chance).abs() < 1e-12 {
            return None;
        }
        Some((observed - chance) / (1.0 - chance))
    }
}

/// Passages clipped to the text and joined where they overlap or touch,
/// sorted.
fn merged(passages: &[(u32, u32)], len: u32) -> Vec<(u32, u32)> {
    let mut v: Vec<(u32, u32)> = passages
        .iter()
        .map(|&(s, e)| (s.min(len), e.min(len)))
        .filter(|(s, e)| s < e)
        .collect();
    v.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(v.len());
    for (s, e) in v {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Actor;
    use crate::ids::{RecordId, SeededIds};
    use crate::record::{Coding, Note, Record};
    use crate::validate::Codebook;
    use crate::vocab::Method;
    use proptest::prelude::*;

    fn at(minutes: i64) -> Timestamp {
        Timestamp::from_millis(1_795_000_000_000 + minutes * 60_000)
    }

    fn actor(seed: u64) -> Actor {
        let ids = SeededIds::new(seed);
        Actor::new(MemberId::generate(&ids, at(0)), *b"sessions")
    }

    fn note(actor: &Actor, body: &str) -> RecordDoc {
        let mut n = Note::new(Method::Workshop, "Atelier", actor.member(), at(0));
        n.body = body.into();
        let id = RecordId::generate(&SeededIds::new(99), at(0));
        RecordDoc::create(
            id,
            &Record::Note(Box::new(n)),
            &Codebook::any(),
            actor,
            at(0),
        )
        .expect("valid")
    }

    fn edit(doc: &mut RecordDoc, actor: &Actor, f: impl FnOnce(&mut Note)) -> Vec<u8> {
        doc.edit::<_, CoreError>(actor, at(1), &Codebook::any(), |r| {
            if let Record::Note(n) = r {
                f(n);
            }
            Ok(())
        })
        .expect("edit applies")
        .1
    }

    /// Code `words` (their first occurrence in the body) with `theme`.
    fn code(doc: &mut RecordDoc, actor: &Actor, item: u64, words: &str, theme: &str) {
        let Ok(Record::Note(n)) = doc.record() else {
            panic!("a note")
        };
        let byte = n.body.as_str().find(words).expect("the words are there");
        let start = n.body.as_str()[..byte].chars().count();
        let end = start + words.chars().count();
        let anchor = doc
            .anchor(CodedField::Body, None, start, end, Some(words))
            .expect("anchors");
        assert_eq!(anchor.text, words);
        let coding = Coding {
            id: ItemId::generate(&SeededIds::new(item), at(0)),
            theme: theme.into(),
            coder: actor.member(),
            at: at(1),
            field: CodedField::Body,
            item: None,
            start: anchor.start,
            end: anchor.end,
        };
        edit(doc, actor, |n| n.codings.push(coding));
    }

    /// The note's passages (reading the note first).
    trait Passages {
        fn passages(&self) -> Vec<Passage>;
    }
    impl Passages for RecordDoc {
        fn passages(&self) -> Vec<Passage> {
            match self.record() {
                Ok(Record::Note(n)) => self.passages_of(&n),
                _ => Vec::new(),
            }
        }
    }

    fn texts(doc: &RecordDoc) -> Vec<(String, String)> {
        doc.passages()
            .into_iter()
            .map(|p| (p.theme, p.text))
            .collect()
    }

    fn set_body(doc: &mut RecordDoc, actor: &Actor, body: &str) -> Vec<u8> {
        edit(doc, actor, |n| n.body.set(body))
    }

    #[test]
    fn a_coding_stays_on_its_words_through_edits_around_and_inside() {
        let aline = actor(1);
        let mut doc = note(
            &aline,
            "Les aînés du quartier vivent un grand isolement social.",
        );
        code(&mut doc, &aline, 10, "grand isolement", "isolement");
        assert_eq!(
            texts(&doc),
            [("isolement".into(), "grand isolement".into())]
        );
        // Text before, at the start, after and at the end: outside.
        set_body(&mut doc, &aline, "Selon Nadia, les aînés du quartier vivent un très grand isolement social, surtout l'hiver.");
        assert_eq!(texts(&doc)[0].1, "grand isolement");
        // Inside: in.
        set_body(&mut doc, &aline, "Selon Nadia, les aînés du quartier vivent un très grand et lourd isolement social, surtout l'hiver.");
        assert_eq!(texts(&doc)[0].1, "grand et lourd isolement");
        // The first word deleted: the passage keeps the rest.
        set_body(&mut doc, &aline, "Selon Nadia, les aînés du quartier vivent un très lourd isolement social, surtout l'hiver.");
        assert_eq!(texts(&doc)[0].1, "lourd isolement");
        // Every word deleted: the passage is empty, the coding stays.
        set_body(
            &mut doc,
            &aline,
            "Selon Nadia, les aînés du quartier vivent un très social, surtout l'hiver.",
        );
        let p = &doc.passages()[0];
        assert_eq!((p.text.as_str(), p.start == p.end), ("", true), "{p:?}");
    }

    #[test]
    fn a_passage_at_the_end_of_its_text_loses_its_last_letters_cleanly() {
        let aline = actor(1);
        let mut doc = note(&aline, "Parle de sa solitude");
        code(&mut doc, &aline, 10, "sa solitude", "isolement");
        set_body(&mut doc, &aline, "Parle de sa solit");
        assert_eq!(texts(&doc)[0].1, "sa solit");
        set_body(&mut doc, &aline, "Parle de ");
        let p = &doc.passages()[0];
        assert_eq!((p.start, p.end, p.text.as_str()), (9, 9, ""), "{p:?}");
    }

    #[test]
    fn two_coders_overlapping_passages_both_survive_a_merge() {
        let (aline, jean) = (actor(1), actor(2));
        let mut a = note(
            &aline,
            "Au café, une mère parle du loyer trop cher et de la solitude.",
        );
        let mut j = RecordDoc::load(a.id(), &a.save(), []).expect("copy");
        code(&mut a, &aline, 10, "loyer trop cher", "logement");
        code(
            &mut j,
            &jean,
            11,
            "trop cher et de la solitude",
            "isolement",
        );
        let from_j = j.changes_since(&[]);
        let from_a = a.changes_since(&[]);
        a.merge(&from_j).expect("merge");
        j.merge(&from_a).expect("merge");
        let mut want = vec![
            (
                "isolement".to_string(),
                "trop cher et de la solitude".to_string(),
            ),
            ("logement".to_string(), "loyer trop cher".to_string()),
        ];
        want.sort();
        for doc in [&a, &j] {
            let mut got = texts(doc);
            got.sort();
            assert_eq!(got, want, "both codings on each replica");
        }
    }

    #[test]
    fn anchoring_refuses_what_is_not_there() {
        let aline = actor(1);
        let doc = note(&aline, "Deux mots");
        for (start, end, expected) in [(3, 3, None), (5, 40, None), (0, 4, Some("Trois"))] {
            let err = doc
                .anchor(CodedField::Body, None, start, end, expected)
                .expect_err("refused");
            assert!(matches!(err, CoreError::Invalid(_)), "{err}");
        }
        let story = ItemId::generate(&SeededIds::new(5), at(0));
        assert!(doc
            .anchor(CodedField::Story, Some(story), 0, 1, None)
            .is_err());
    }

    /// An edit of the body: replace the characters `from..to` (clipped)
    /// with `insert`.
    #[derive(Debug, Clone)]
    struct Splice {
        replica: usize,
        from: usize,
        len: usize,
        insert: String,
    }

    fn splice() -> impl Strategy<Value = Splice> {
        (0..3usize, 0..80usize, 0..6usize, "[a-zé ]{0,5}").prop_map(
            |(replica, from, len, insert)| Splice {
                replica,
                from,
                len,
                insert,
            },
        )
    }

    /// The operation ids of a text's characters, in order (the cursor of
    /// each character names it).
    fn identities(doc: &RecordDoc) -> Vec<String> {
        let am = doc.am();
        let text = text_object(am, CodedField::Body, None).expect("body");
        (0..am.length(&text))
            .map(|i| am.get_cursor(&text, i, None).expect("cursor").to_string())
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Three replicas edit the body concurrently around and inside two
        /// coded passages, and exchange changes in a random order. On
        /// every replica, each passage holds every surviving character it
        /// covered, starts and ends on its first and last surviving
        /// characters, and holds no character that was outside it when it
        /// was coded.
        #[test]
        fn codings_stay_on_their_words_whatever_the_edits_and_delivery(
            steps in proptest::collection::vec((splice(), 0..3usize, 0..3usize, any::<bool>()), 1..25),
        ) {
            let actors = [actor(1), actor(2), actor(3)];
            let mut first = note(
                &actors[0],
                "Au parc, une grand-mère raconte sa solitude depuis le départ de ses enfants vers l'Ontario.",
            );
            code(&mut first, &actors[0], 10, "raconte sa solitude", "isolement");
            code(&mut first, &actors[0], 11, "solitude depuis le départ", "famille");
            let ids = identities(&first);
            let body = |d: &RecordDoc| match d.record() {
                Ok(Record::Note(n)) => n.body.as_str().to_string(),
                _ => unreachable!(),
            };
            let original: Vec<(String, Vec<String>)> = first
                .passages()
                .into_iter()
                .map(|p| (p.theme, ids[p.start as usize..p.end as usize].to_vec()))
                .collect();
            let mut docs: Vec<RecordDoc> = (0..3)
                .map(|_| RecordDoc::load(first.id(), &first.save(), []).expect("copy"))
                .collect();
            for (s, from, to, deliver) in steps {
                let doc = &mut docs[s.replica];
                let text: Vec<char> = body(doc).chars().collect();
                let start = s.from.min(text.len());
                let end = (start + s.len).min(text.len());
                let new: String = text[..start]
                    .iter()
                    .chain(s.insert.chars().collect::<Vec<_>>().iter())
                    .chain(text[end..].iter())
                    .collect();
                if !new.trim().is_empty() {
                    set_body(doc, &actors[s.replica], &new);
                }
                if deliver && from != to {
                    let bytes = docs[from].changes_since(&[]);
                    docs[to].merge(&bytes).expect("merge");
                }
            }
            for i in 0..3 {
                for j in 0..3 {
                    if i != j {
                        let bytes = docs[i].changes_since(&[]);
                        docs[j].merge(&bytes).expect("merge");
                    }
                }
            }
            let reference = docs[0].passages();
            for doc in &docs {
                prop_assert_eq!(&doc.passages(), &reference, "every replica resolves the same passages");
                let now = identities(doc);
                for ((theme, covered), p) in original.iter().zip(doc.passages()) {
                    prop_assert_eq!(theme, &p.theme);
                    let inside = &now[p.start as usize..p.end as usize];
                    let surviving: Vec<usize> = now
                        .iter()
                        .enumerate()
                        .filter(|(_, id)| covered.contains(id))
                        .map(|(i, _)| i)
                        .collect();
                    for i in &surviving {
                        prop_assert!((p.start as usize..p.end as usize).contains(i), "a surviving character of {theme} is outside {p:?}");
                    }
                    if covered.first().is_some_and(|c| now.contains(c)) {
                        prop_assert_eq!(&now[p.start as usize], &covered[0], "{} starts on its first character", theme);
                    }
                    if covered.last().is_some_and(|c| now.contains(c)) {
                        prop_assert_eq!(&now[p.end as usize - 1], covered.last().expect("some"), "{} ends on its last character", theme);
                    }
                    for id in inside {
                        prop_assert!(covered.contains(id) || !ids.contains(id), "{theme} took in a character that was outside it: {p:?}");
                    }
                }
            }
        }
    }

    fn tally(both: u64, first_only: u64, second_only: u64, neither: u64) -> Tally {
        Tally {
            both,
            first_only,
            second_only,
            neither,
        }
    }

    #[test]
    fn kappa_of_known_tables() {
        // (table, percent agreement, kappa), from textbook examples.
        let cases = [
            // Observed .70, chance .50.
            (tally(20, 5, 10, 15), Some(70.0), Some(0.4)),
            // Perfect agreement with both classes used.
            (tally(30, 0, 0, 70), Some(100.0), Some(1.0)),
            // Complete disagreement, balanced: kappa -1.
            (tally(0, 50, 50, 0), Some(0.0), Some(-1.0)),
            // Agreement no better than chance: kappa 0.
            (tally(25, 25, 25, 25), Some(50.0), Some(0.0)),
            // Cohen's 1960 style example: 45 yes/yes, 15, 25, 15 no/no.
            (
                tally(45, 15, 25, 15),
                Some(60.0),
                Some(0.130_434_782_608_695_6),
            ),
            // Both coded everything: chance agreement is total, kappa undefined.
            (tally(40, 0, 0, 0), Some(100.0), None),
            // Nothing counted.
            (tally(0, 0, 0, 0), None, None),
        ];
        for (t, percent, kappa) in cases {
            assert_eq!(t.percent_agreement(), percent, "percent of {t:?}");
            match (t.kappa(), kappa) {
                (Some(k), Some(want)) => assert!((k - want).abs() < 1e-9, "kappa of {t:?}: {k}"),
                (got, want) => assert_eq!(got, want, "kappa of {t:?}"),
            }
        }
    }

    #[test]
    fn a_text_is_counted_character_by_character() {
        // Text of 20: first codes 0..10 and 5..12 (overlapping: 0..12),
        // second codes 8..15.
        let t = Tally::of_text(20, &[(0, 10), (5, 12)], &[(8, 15)]);
        assert_eq!(t, tally(4, 8, 3, 5));
        // Touching passages join; passages past the end are clipped.
        let t = Tally::of_text(10, &[(0, 3), (3, 6)], &[(4, 30)]);
        assert_eq!(t, tally(2, 4, 4, 0));
        assert_eq!(Tally::of_text(5, &[], &[]), tally(0, 0, 0, 5));
    }
}
