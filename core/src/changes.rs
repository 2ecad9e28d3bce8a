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

use std::collections::{BTreeSet, HashSet};

use automerge::{ChangeHash, ObjId, ObjType, PatchAction, Prop, ReadDoc, Value, ROOT};
use serde::{Deserialize, Serialize};

use crate::document::{Actor, RecordDoc};
use crate::ids::MemberId;
use crate::time_types::Timestamp;

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
    /// The fields touched, as dotted paths without list positions
    /// (`title`, `referrals.status`), sorted.
    pub fields: Vec<String>,
    /// Words written into the record's texts (comments apart).
    pub words_added: u32,
    /// Some text was removed.
    pub text_removed: bool,
    /// Comments added.
    pub comments_added: u32,
    /// Referral statuses set, in order (codes).
    pub statuses: Vec<String>,
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
    /// last. The changes of one author are summarised from one diff when
    /// they are all the changes since, else from each change's own.
    pub fn changes_by_member(
        &mut self,
        before: &[ChangeHash],
        except: Option<MemberId>,
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
            if authors.len() == 1 && !summary.created {
                let now = self.heads();
                let patches = self.am_mut().diff(before, &now);
                absorb(self, &patches, &mut summary, &mut fields);
            } else if !summary.created {
                for (hash, deps, _, _) in &mine {
                    let patches = self.am_mut().diff(deps, &[*hash]);
                    absorb(self, &patches, &mut summary, &mut fields);
                }
            }
            summary.fields = fields.into_iter().filter(|f| !f.is_empty()).collect();
            out.push(summary);
        }
        out.sort_by_key(|m| m.last_at);
        out
    }

    /// Every text of the record that changed after `before`, as it is now
    /// with the runs added (by their author) and removed since.
    pub fn text_changes(&mut self, before: &[ChangeHash]) -> Vec<TextChange> {
        let since: HashSet<Option<MemberId>> = self
            .am_mut()
            .get_changes_meta(before)
            .into_iter()
            .map(|c| Actor::member_of(&c.actor))
            .collect();
        let remover = if since.len() == 1 {
            since.into_iter().next().flatten()
        } else {
            None
        };
        let mut texts = Vec::new();
        collect_texts(self.am(), &ROOT, &mut Vec::new(), &mut texts);
        let mut out = Vec::new();
        for (path, obj) in texts {
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

/// Adds what `patches` did to `summary` (the fields touched go to
/// `fields`).
fn absorb(
    doc: &RecordDoc,
    patches: &[automerge::Patch],
    summary: &mut MemberChanges,
    fields: &mut BTreeSet<String>,
) {
    for patch in patches {
        let field = crate::document::patch_field(patch);
        let in_comments = patch
            .path
            .first()
            .is_some_and(|(_, p)| matches!(p, Prop::Map(k) if k == "comments"));
        match &patch.action {
            PatchAction::SpliceText { value, .. } if !in_comments => {
                summary.words_added += value.make_string().split_whitespace().count() as u32;
            }
            PatchAction::DeleteSeq { .. }
                if matches!(doc.am().object_type(&patch.obj), Ok(ObjType::Text)) =>
            {
                summary.text_removed = true;
            }
            PatchAction::Insert { values, .. }
                if patch.path.len() == 1 && field == "comments" && in_comments =>
            {
                summary.comments_added += values.len() as u32;
            }
            PatchAction::PutMap {
                key,
                value: (Value::Scalar(s), _),
                ..
            } if key == "status" && field.starts_with("referrals") => {
                summary.statuses.push(scalar_code(s));
            }
            _ => {}
        }
        fields.insert(field);
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

/// The characters of a text then and now, in the text's order: those in
/// both kept, those only now added (by the author of the operation that
/// inserted them), those only then removed (by `remover`, when known).
/// Characters kept in both appear in the same order in both, so a walk
/// of the two lists side by side places every removed run before the
/// added run that replaced it.
fn interleave(
    then: &[(String, ObjId)],
    now: &[(String, ObjId)],
    remover: Option<MemberId>,
) -> Vec<TextSpan> {
    let then_ids: HashSet<&ObjId> = then.iter().map(|c| &c.1).collect();
    let now_ids: HashSet<&ObjId> = now.iter().map(|c| &c.1).collect();
    let mut spans: Vec<TextSpan> = Vec::new();
    let mut push = |text: &str, kind: SpanKind, author: Option<MemberId>| match spans.last_mut() {
        Some(last) if last.kind == kind && last.author == author => last.text.push_str(text),
        _ => spans.push(TextSpan {
            text: text.to_string(),
            kind,
            author,
        }),
    };
    let (mut i, mut j) = (0, 0);
    while i < then.len() || j < now.len() {
        if i < then.len() && !now_ids.contains(&then[i].1) {
            push(&then[i].0, SpanKind::Removed, remover);
            i += 1;
        } else if j < now.len() && !then_ids.contains(&now[j].1) {
            let author = match &now[j].1 {
                ObjId::Id(_, actor, _) => Actor::member_of(actor),
                ObjId::Root => None,
            };
            push(&now[j].0, SpanKind::Added, author);
            j += 1;
        } else if i < then.len() && j < now.len() {
            // In both: the same character, kept.
            push(&now[j].0, SpanKind::Kept, None);
            i += 1;
            j += 1;
        } else {
            // Unreachable for two versions of one text; never loop.
            break;
        }
    }
    spans
}
