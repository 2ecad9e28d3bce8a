//! What changed in a record after some heads, and who changed it: the
//! review inbox's summary of each member's changes, every text with the
//! characters added and removed since (each span attributed to its
//! author), and the other fields before → after.
//!
//! Automerge gives each character the id of the operation that inserted
//! it, and that id names its actor, which names a member (see
//! [`Actor`]): an inserted span's author is exact. A deletion is an
//! operation on a character that no longer shows, which the document does
//! not say by whom at a glance; a removed span is attributed when the
//! changes since were made by one member, and left unattributed otherwise.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use automerge::{ChangeHash, ObjId, ObjType, Prop, ReadDoc, Value, ROOT};
use serde::{Deserialize, Serialize};

use crate::document::{member_of_op, Actor, RecordDoc};
use crate::ids::MemberId;
use crate::time_types::Timestamp;

/// Objects of a document met in changes, by their id as text: the map
/// keys of their path, their kind and their id (`None`: gone since).
type Objects = HashMap<String, Option<(Vec<String>, ObjType, ObjId)>>;

/// What one member did to a record after some heads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MemberChanges {
    /// The member (`None`: an actor that is not Carnet's).
    pub author: Option<MemberId>,
    /// How many changes.
    pub changes: u32,
    /// When the first of them was made (the author's clock).
    pub first_at: Timestamp,
    /// When the last of them was made.
    pub last_at: Timestamp,
    /// One of them created the record.
    pub created: bool,
    /// The fields touched (`title`, `comments`; a referral's as
    /// `referrals.status`), sorted.
    pub fields: Vec<String>,
    /// Words written into the record's texts (comments apart).
    pub words_added: u32,
    /// Some text was removed.
    pub text_removed: bool,
    /// Comments added.
    pub comments_added: u32,
    /// Referral statuses set, in order (codes).
    pub statuses: Vec<String>,
    /// Passages coded.
    #[serde(default)]
    pub codings_added: u32,
    /// The themes of the passages coded (codes, each once).
    #[serde(default)]
    pub themes_coded: Vec<String>,
}

/// Whether a span of text was there before, is new, or was removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum SpanKind {
    /// There before and still there.
    Kept,
    /// Written since.
    Added,
    /// Removed since.
    Removed,
}

/// A run of characters of one kind and one author.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TextSpan {
    /// The characters.
    pub text: String,
    /// Kept, added or removed.
    pub kind: SpanKind,
    /// Who wrote it (added) or removed it (when known); `None` for kept
    /// text.
    pub author: Option<MemberId>,
}

/// One text of a record that changed, as it is now with what was added
/// and removed since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TextChange {
    /// Dotted path of the text, with list positions (`body`,
    /// `comments.2.text`).
    pub path: String,
    /// The text, in order: kept, added and removed runs.
    pub spans: Vec<TextSpan>,
}

impl RecordDoc {
    /// What each member other than `except` changed after `before` (the
    /// record's heads when last looked at; empty: never), newest author
    /// last, each change read from its own operations (the fields they
    /// touch, the texts they write in), and the words counted on the word
    /// diff of those texts.
    pub fn changes_by_member(
        &mut self,
        before: &[ChangeHash],
        except: Option<MemberId>,
    ) -> Vec<MemberChanges> {
        self.summarise(before, except, true)
    }

    /// [`RecordDoc::changes_by_member`] in brief: who, how many changes,
    /// when, and whether one created the record, from the changes'
    /// headers alone (what a sync works out for every record it merges;
    /// the rest waits until the record is listed).
    pub fn changes_in_brief(
        &mut self,
        before: &[ChangeHash],
        except: Option<MemberId>,
    ) -> Vec<MemberChanges> {
        self.summarise(before, except, false)
    }

    fn summarise(
        &mut self,
        before: &[ChangeHash],
        except: Option<MemberId>,
        detailed: bool,
    ) -> Vec<MemberChanges> {
        let metas: Vec<(ChangeHash, Vec<ChangeHash>, Option<MemberId>, i64)> = self
            .am_mut()
            .get_changes_meta(before)
            .into_iter()
            .map(|c| {
                (
                    c.hash,
                    c.deps.clone(),
                    Actor::member_of(&c.actor),
                    c.timestamp,
                )
            })
            .collect();
        let authors: BTreeSet<Option<MemberId>> = metas.iter().map(|m| m.2).collect();
        // Each change's own operations say which fields it touched and
        // which texts it wrote in: no diff of the whole document (which
        // costs as much as the document, for each change).
        let mut objects = Objects::new();
        let mut touched: HashSet<ObjId> = HashSet::new();
        let mut out: Vec<MemberChanges> = Vec::new();
        for author in authors
            .iter()
            .copied()
            .filter(|a| except.is_none() || *a != except)
        {
            let mine: Vec<_> = metas.iter().filter(|m| m.2 == author).collect();
            let mut summary = MemberChanges {
                author,
                changes: mine.len() as u32,
                first_at: Timestamp::from_millis(mine.iter().map(|m| m.3).min().unwrap_or(0)),
                last_at: Timestamp::from_millis(mine.iter().map(|m| m.3).max().unwrap_or(0)),
                created: mine.iter().any(|m| m.1.is_empty()),
                ..Default::default()
            };
            let mut fields = BTreeSet::new();
            if detailed && !summary.created {
                for (hash, _, _, _) in &mine {
                    self.absorb(hash, &mut summary, &mut fields, &mut objects, &mut touched);
                }
            }
            summary.fields = fields.into_iter().filter(|f| !f.is_empty()).collect();
            out.push(summary);
        }
        // Words are counted on the word diff of each text written in
        // (comments apart: a comment's words are the comment), not on the
        // characters spliced, which a text edit cuts anywhere.
        if !touched.is_empty() && !before.is_empty() {
            let texts = self.texts_changed(before, Some(&touched), sole(&authors));
            for summary in &mut out {
                summary.words_added = texts
                    .iter()
                    .filter(|t| !t.path.starts_with("comments."))
                    .flat_map(|t| &t.spans)
                    .filter(|s| s.kind == SpanKind::Added && s.author == summary.author)
                    .map(|s| s.text.split_whitespace().count() as u32)
                    .sum();
            }
        }
        out.sort_by_key(|m| m.last_at);
        out
    }

    /// Adds what the change `hash` did to `summary` (its fields to
    /// `fields`, the texts it wrote in to `touched`); `objects` keeps each
    /// object's path, kind and id once found.
    fn absorb(
        &mut self,
        hash: &ChangeHash,
        summary: &mut MemberChanges,
        fields: &mut BTreeSet<String>,
        objects: &mut Objects,
        touched: &mut HashSet<ObjId>,
    ) {
        let Some(change) = self.am_mut().get_change_by_hash(hash) else {
            return;
        };
        let doc = self.am();
        let mut new_codings = 0;
        for op in change.decode().operations {
            let name = op.obj.to_string();
            let found = objects.entry(name).or_insert_with_key(|name| {
                let (id, kind) = doc.import(name).ok()?;
                let keys = doc
                    .parents(&id)
                    .map(|p| p.path())
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|(_, prop)| match prop {
                        Prop::Map(k) => Some(k),
                        Prop::Seq(_) => None,
                    })
                    .collect();
                Some((keys, kind, id))
            });
            // An object removed since (a deleted item) names no field.
            let Some((keys, kind, id)) = found else {
                continue;
            };
            let mut path = keys.clone();
            if let automerge::legacy::Key::Map(k) = &op.key {
                path.push(k.to_string());
            }
            let field = path.join(".");
            match (kind, &op.action) {
                (ObjType::Text, automerge::legacy::OpType::Delete) => {
                    summary.text_removed = true;
                    touched.insert(id.clone());
                }
                (ObjType::Text, _) => {
                    touched.insert(id.clone());
                }
                (ObjType::List, automerge::legacy::OpType::Make(ObjType::Map))
                    if op.insert && keys.len() == 1 && keys[0] == "comments" =>
                {
                    summary.comments_added += 1;
                }
                (_, automerge::legacy::OpType::Put(s))
                    if field == "referrals.status" || field == "referral.status" =>
                {
                    summary.statuses.push(scalar_code(s));
                }
                (ObjType::List, automerge::legacy::OpType::Make(ObjType::Map))
                    if op.insert && keys.len() == 1 && keys[0] == "codings" =>
                {
                    summary.codings_added += 1;
                    new_codings += 1;
                }
                // A theme put on a coding made in this change (a merge of
                // themes rewrites old ones: not passages coded).
                (_, automerge::legacy::OpType::Put(s))
                    if field == "codings.theme" && new_codings > 0 =>
                {
                    let code = scalar_code(s);
                    if !summary.themes_coded.contains(&code) {
                        summary.themes_coded.push(code);
                    }
                }
                _ => {}
            }
            fields.insert(top_field(&field));
        }
    }

    /// Every text of the record that changed after `before`, as it is now
    /// with the runs added (by their author) and removed since.
    pub fn text_changes(&mut self, before: &[ChangeHash]) -> Vec<TextChange> {
        let since: BTreeSet<Option<MemberId>> = self
            .am_mut()
            .get_changes_meta(before)
            .into_iter()
            .map(|c| Actor::member_of(&c.actor))
            .collect();
        self.texts_changed(before, None, sole(&since))
    }

    /// [`RecordDoc::text_changes`], of the texts in `only` when given;
    /// removed runs are named `remover`.
    fn texts_changed(
        &mut self,
        before: &[ChangeHash],
        only: Option<&HashSet<ObjId>>,
        remover: Option<MemberId>,
    ) -> Vec<TextChange> {
        let mut texts = Vec::new();
        collect_texts(self.am(), &ROOT, &mut Vec::new(), &mut texts);
        let mut out = Vec::new();
        for (path, obj) in texts {
            if only.is_some_and(|only| !only.contains(&obj)) {
                continue;
            }
            let now: Vec<(String, ObjId)> = self
                .am()
                .list_range(&obj, ..)
                .map(|item| (value_text(item.value.clone()), item.id()))
                .collect();
            let then: Vec<(String, ObjId)> = if before.is_empty() {
                Vec::new()
            } else {
                self.am()
                    .list_range_at(&obj, .., before)
                    .map(|item| (value_text(item.value.clone()), item.id()))
                    .collect()
            };
            if now.len() == then.len() && now.iter().zip(&then).all(|(a, b)| a.1 == b.1) {
                continue;
            }
            out.push(TextChange {
                path,
                spans: interleave(&then, &now, remover),
            });
        }
        out
    }
}

/// The one member who made every change since, when it is one.
fn sole(authors: &BTreeSet<Option<MemberId>>) -> Option<MemberId> {
    match authors.len() {
        1 => authors.iter().next().copied().flatten(),
        _ => None,
    }
}

/// A field as the summary names it: the record's own field (`comments`,
/// not `comments.text`), a referral's to its own (`referrals.status`).
fn top_field(path: &str) -> String {
    let mut parts = path.split('.');
    match (parts.next(), parts.next()) {
        // A referral in its person's record, or its own record's.
        (Some("referrals" | "referral"), Some(inner)) => format!("referrals.{inner}"),
        (Some(first), _) => first.to_string(),
        (None, _) => String::new(),
    }
}

fn scalar_code(s: &automerge::ScalarValue) -> String {
    match s {
        automerge::ScalarValue::Str(s) => s.to_string(),
        other => other.to_string(),
    }
}

fn value_text(v: automerge::ValueRef<'_>) -> String {
    match v.into_value() {
        Value::Scalar(s) => scalar_code(&s),
        Value::Object(_) => String::new(),
    }
}

/// Every text object under `obj`, with its dotted path (list positions
/// included).
fn collect_texts(
    doc: &automerge::AutoCommit,
    obj: &ObjId,
    path: &mut Vec<String>,
    out: &mut Vec<(String, ObjId)>,
) {
    let children: Vec<(String, Value<'_>, ObjId)> = match doc.object_type(obj) {
        Ok(ObjType::Map) | Ok(ObjType::Table) => doc
            .map_range(obj, ..)
            .map(|item| {
                let id = item.id();
                (item.key.to_string(), item.value.into_value(), id)
            })
            .collect(),
        Ok(ObjType::List) => doc
            .list_range(obj, ..)
            .map(|item| {
                let id = item.id();
                (item.index.to_string(), item.value.into_value(), id)
            })
            .collect(),
        _ => return,
    };
    for (key, value, id) in children {
        let Value::Object(kind) = value else { continue };
        path.push(key);
        match kind {
            ObjType::Text => out.push((path.join("."), id)),
            ObjType::Map | ObjType::Table | ObjType::List => collect_texts(doc, &id, path, out),
        }
        path.pop();
    }
}

/// A text's characters cut into tokens, as character ranges: a word (a
/// run of letters and digits, with the apostrophes and hyphens inside
/// it) or any other character, each with the spaces before it.
fn tokens(chars: &[(String, ObjId)]) -> Vec<std::ops::Range<usize>> {
    let blank = |s: &str| s.chars().all(char::is_whitespace);
    let wordy = |s: &str| {
        s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '\'' | '’' | '-'))
    };
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
    for k in 0..chars.len() {
        let (c, prev) = (&chars[k].0, k.checked_sub(1).map(|p| chars[p].0.as_str()));
        let starts = match prev {
            None => true,
            // Spaces lead the token that follows them.
            Some(p) if blank(c) => !blank(p),
            Some(p) if blank(p) => false,
            Some(p) => !(wordy(c) && wordy(p)),
        };
        if starts {
            ranges.push(k..k);
        }
        if let Some(last) = ranges.last_mut() {
            last.end = k + 1;
        }
    }
    ranges
}

/// The text as it is now, word by word, with what changed since then: a
/// diff of the two texts' words (as a person compares them, by their
/// letters), each added word named by the member who wrote most of its
/// new characters (Automerge knows who inserted each character), each
/// removed word by `remover` when known. The characters' own identities
/// would give a character diff, exact but unreadable: a text edit reuses
/// letters of removed words, and "l'école" would show as "l'éco" added
/// between kept letters.
fn interleave(
    then: &[(String, ObjId)],
    now: &[(String, ObjId)],
    remover: Option<MemberId>,
) -> Vec<TextSpan> {
    let then_tokens = tokens(then);
    let now_tokens = tokens(now);
    let text = |chars: &[(String, ObjId)], r: &std::ops::Range<usize>| -> String {
        chars[r.clone()].iter().map(|c| c.0.as_str()).collect()
    };
    let then_words: Vec<String> = then_tokens.iter().map(|r| text(then, r)).collect();
    let now_words: Vec<String> = now_tokens.iter().map(|r| text(now, r)).collect();
    let then_ids: HashSet<&ObjId> = then.iter().map(|c| &c.1).collect();
    let author_of = |r: &std::ops::Range<usize>| -> Option<MemberId> {
        let mut count: Vec<(Option<MemberId>, usize)> = Vec::new();
        for (_, id) in &now[r.clone()] {
            if then_ids.contains(id) {
                continue;
            }
            let who = member_of_op(id);
            match count.iter_mut().find(|(w, _)| *w == who) {
                Some((_, n)) => *n += 1,
                None => count.push((who, 1)),
            }
        }
        count
            .into_iter()
            .max_by_key(|(_, n)| *n)
            .map_or(remover, |(w, _)| w)
    };

    let mut spans: Vec<TextSpan> = Vec::new();
    let mut push = |text: &str, kind: SpanKind, author: Option<MemberId>| match spans.last_mut() {
        Some(last) if last.kind == kind && last.author == author => last.text.push_str(text),
        _ => spans.push(TextSpan {
            text: text.to_string(),
            kind,
            author,
        }),
    };
    let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &then_words, &now_words);
    for op in ops {
        let (tag, old, new) = op.as_tag_tuple();
        if tag == similar::DiffTag::Equal {
            for j in new {
                push(&now_words[j], SpanKind::Kept, None);
            }
            continue;
        }
        // A replacement reads as the removed words, then the added ones.
        for i in old {
            push(&then_words[i], SpanKind::Removed, remover);
        }
        for j in new {
            push(&now_words[j], SpanKind::Added, author_of(&now_tokens[j]));
        }
    }
    spans
}

/// A field of a record before → after, as text (codes for vocabularies,
/// items of a list joined by ", ").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldChange {
    /// Dotted path of the field (`title`, `follow_up.due`,
    /// `referrals.status`).
    pub path: String,
    /// What list item it belongs to, when it does (a referral's service).
    pub context: Option<String>,
    /// Before (empty: it had no value, or the record did not exist).
    pub before: String,
    /// After.
    pub after: String,
}

/// What a history shows instead of an identifying detail's value.
pub const HIDDEN: &str = "•••";

/// The texts (shown as word diffs by [`RecordDoc::text_changes`]) and the
/// record's bookkeeping, left out of [`field_changes`].
const NOT_FIELDS: &[&str] = &[
    "body",
    "notes",
    "description_fr",
    "description_en",
    "shadowing",
    "stories",
    "comments",
    "timer",
    "author",
    "created_at",
];

/// Every field of `after` that differs from `before` (all of them when
/// the record is new), texts apart; a referral's status and outcome
/// named by its service.
pub fn field_changes(before: Option<&crate::Record>, after: &crate::Record) -> Vec<FieldChange> {
    let as_map = |r: Option<&crate::Record>| -> serde_json::Map<String, serde_json::Value> {
        match r.and_then(|r| record_value(r).ok()) {
            Some(serde_json::Value::Object(m)) => m,
            _ => serde_json::Map::new(),
        }
    };
    let then = as_map(before);
    let now = as_map(Some(after));
    let flat = |m: &serde_json::Map<String, serde_json::Value>| {
        let mut out = BTreeMap::new();
        for (key, value) in m {
            if !NOT_FIELDS.contains(&key.as_str()) && key != "referrals" {
                flatten(key, value, &mut out);
            }
        }
        out
    };
    let (then_flat, now_flat) = (flat(&then), flat(&now));
    let paths: BTreeSet<&String> = then_flat.keys().chain(now_flat.keys()).collect();
    let mut out: Vec<FieldChange> = paths
        .into_iter()
        .filter_map(|path| {
            let before = then_flat.get(path).cloned().unwrap_or_default();
            let after = now_flat.get(path).cloned().unwrap_or_default();
            // A person's name, phone and address never show in a history:
            // it outlives the consent that allowed them.
            let hide = |v: String| {
                if path.starts_with("identity") && !v.is_empty() {
                    HIDDEN.to_string()
                } else {
                    v
                }
            };
            (before != after).then(|| FieldChange {
                before: hide(before),
                after: hide(after),
                path: path.clone(),
                context: None,
            })
        })
        .collect();
    // Referrals, each by its service.
    let referrals = |m: &serde_json::Map<String, serde_json::Value>| -> Vec<serde_json::Value> {
        match m.get("referrals") {
            Some(serde_json::Value::Array(a)) => a.clone(),
            _ => Vec::new(),
        }
    };
    let then_refs = referrals(&then);
    for r in referrals(&now) {
        let id = r.get("id");
        let old = then_refs.iter().find(|o| o.get("id") == id);
        let service = r
            .get("service")
            .and_then(|s| s.as_str())
            .unwrap_or_default()
            .to_string();
        for field in ["status", "outcome", "need"] {
            let text = |v: Option<&serde_json::Value>| v.map(scalar_json).unwrap_or_default();
            let (b, a) = (text(old.and_then(|o| o.get(field))), text(r.get(field)));
            if b != a {
                out.push(FieldChange {
                    path: format!("referrals.{field}"),
                    context: Some(service.clone()),
                    before: b,
                    after: a,
                });
            }
        }
    }
    out
}

fn record_value(r: &crate::Record) -> serde_json::Result<serde_json::Value> {
    match r {
        crate::Record::Note(n) => serde_json::to_value(n.as_ref()),
        crate::Record::Person(p) => serde_json::to_value(p.as_ref()),
        crate::Record::Resource(x) => serde_json::to_value(x.as_ref()),
        crate::Record::Place(p) => serde_json::to_value(p),
        crate::Record::Incident(i) => serde_json::to_value(i.as_ref()),
        // A referral record reads as a person's referral: named by its
        // service, its status and outcome compared as a person's are.
        crate::Record::Referral(r) => Ok(serde_json::json!({
            "pseudonym": r.pseudonym,
            "referrals": [serde_json::to_value(&r.referral)?],
        })),
        crate::Record::Workspace(w) => serde_json::to_value(w),
    }
}

fn scalar_json(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A field's value as dotted paths and text: objects one path per field,
/// lists of values joined by ", ", lists of items by their text or name.
fn flatten(path: &str, value: &serde_json::Value, out: &mut BTreeMap<String, String>) {
    match value {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                flatten(&format!("{path}.{k}"), v, out);
            }
        }
        serde_json::Value::Array(items) => {
            let texts: Vec<String> = items
                .iter()
                .map(|item| match item {
                    serde_json::Value::Object(m) => ["text", "name", "name_fr", "label_fr", "code"]
                        .iter()
                        .find_map(|k| m.get(*k).map(scalar_json))
                        .unwrap_or_default(),
                    other => scalar_json(other),
                })
                .collect();
            out.insert(path.to_string(), texts.join(", "));
        }
        other => {
            out.insert(path.to_string(), scalar_json(other));
        }
    }
}
