//! Comments on a note as a conversation: a comment, a reply to one, its
//! author's edit or deletion, and the members it mentions with `@name`
//! (whose inboxes show it first).
use std::collections::HashMap;

use carnet_core::fold::fold;
use carnet_core::record::Comment;
use carnet_core::vocab::ReviewStatus;
use carnet_core::{ItemId, MemberId, RecordId};

use super::Notebook;
use crate::error::{ClientError, Result};
use crate::queries::records as query;

/// The members a comment mentions: at each `@`, the member whose name
/// follows (accents and case ignored; the first name alone when no other
/// member shares it; the longest name when several fit, so `@Jean-Marc`
/// is not Jean), in id order, each once.
pub fn mentions(text: &str, members: &HashMap<String, String>) -> Vec<MemberId> {
    let folded = fold(text);
    let mut firsts: HashMap<String, usize> = HashMap::new();
    for name in members.values() {
        if let Some(first) = fold(name).split([' ', '-']).next() {
            *firsts.entry(first.to_string()).or_default() += 1;
        }
    }
    // Every way a member may be named, with the member.
    let mut names: Vec<(String, &String)> = Vec::new();
    for (id, name) in members {
        let full = fold(name);
        if full.is_empty() {
            continue;
        }
        let first = full
            .split([' ', '-'])
            .next()
            .unwrap_or_default()
            .to_string();
        if first != full && firsts.get(&first) == Some(&1) {
            names.push((first, id));
        }
        names.push((full, id));
    }
    let mut out: Vec<MemberId> = Vec::new();
    for (at, _) in folded.match_indices('@') {
        let rest = &folded[at + 1..];
        let best = names
            .iter()
            .filter(|(name, _)| {
                rest.starts_with(name.as_str())
                    && rest[name.len()..]
                        .chars()
                        .next()
                        .is_none_or(|c| !c.is_alphanumeric())
            })
            .max_by_key(|(name, _)| name.len());
        if let Some(id) = best.and_then(|(_, id)| id.parse().ok()) {
            out.push(id);
        }
    }
    out.sort();
    out.dedup();
    out
}

fn comment_text(text: &str) -> Result<&str> {
    match text.trim() {
        "" => Err(ClientError::BadInput("a comment cannot be empty".into())),
        t => Ok(t),
    }
}

impl Notebook {
    /// Add a comment to a note.
    pub fn add_comment(&mut self, id: RecordId, text: &str) -> Result<ItemId> {
        self.reply(id, None, text)
    }

    /// Add a comment to a note, in answer to one of its comments when
    /// `reply_to` is given.
    pub fn reply(&mut self, id: RecordId, reply_to: Option<ItemId>, text: &str) -> Result<ItemId> {
        let text = comment_text(text)?;
        let members = query::member_names(self.store.conn())?;
        let (item, at, author) = (self.new_item(), self.now(), self.member());
        self.edit_note(id, |n| {
            if let Some(parent) = reply_to {
                if !n.comments.iter().any(|c| c.id == parent) {
                    return Err(ClientError::BadInput(format!(
                        "the comment {parent} this answers is not on this note"
                    )));
                }
            }
            n.comments.push(Comment {
                id: item,
                author,
                at,
                text: text.into(),
                reply_to,
                mentions: mentions(text, &members),
                edited_at: None,
                deleted: false,
            });
            Ok(item)
        })
    }

    /// Send a note back to its author: its review status becomes "needs
    /// changes" and a comment says what, in one change.
    pub fn request_changes(&mut self, id: RecordId, what: &str) -> Result<ItemId> {
        let what = what.trim();
        if what.is_empty() {
            return Err(ClientError::BadInput(
                "say what needs changing: the note's author reads it in a comment".into(),
            ));
        }
        let members = query::member_names(self.store.conn())?;
        let (item, at, author) = (self.new_item(), self.now(), self.member());
        self.edit_note(id, |n| {
            n.review = ReviewStatus::NeedsChanges;
            n.comments.push(Comment {
                id: item,
                author,
                at,
                text: what.into(),
                reply_to: None,
                mentions: mentions(what, &members),
                edited_at: None,
                deleted: false,
            });
            Ok(item)
        })
    }

    /// Change the words of one's own comment.
    pub fn edit_comment(&mut self, id: RecordId, comment: ItemId, text: &str) -> Result<()> {
        let text = comment_text(text)?;
        let members = query::member_names(self.store.conn())?;
        let (at, me) = (self.now(), self.member());
        self.edit_note(id, |n| {
            let c = own_comment(&mut n.comments, comment, me)?;
            c.text = text.into();
            c.mentions = mentions(text, &members);
            c.edited_at = Some(at);
            Ok(())
        })
    }

    /// Delete one's own comment: its words go, its place in the
    /// conversation (and the replies to it) stays.
    pub fn delete_comment(&mut self, id: RecordId, comment: ItemId) -> Result<()> {
        let (at, me) = (self.now(), self.member());
        self.edit_note(id, |n| {
            let c = own_comment(&mut n.comments, comment, me)?;
            c.text = "".into();
            c.mentions.clear();
            c.edited_at = Some(at);
            c.deleted = true;
            Ok(())
        })
    }
}

fn own_comment(comments: &mut [Comment], id: ItemId, me: MemberId) -> Result<&mut Comment> {
    let c = comments
        .iter_mut()
        .find(|c| c.id == id)
        .ok_or_else(|| ClientError::BadInput(format!("there is no comment {id} on this note")))?;
    if c.author != me {
        return Err(ClientError::BadInput(
            "only its author can change or delete a comment".into(),
        ));
    }
    if c.deleted {
        return Err(ClientError::BadInput("this comment was deleted".into()));
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team() -> HashMap<String, String> {
        [
            ("0190a0b0-0000-7000-8000-000000000001", "Aline Tremblay"),
            ("0190a0b0-0000-7000-8000-000000000002", "Jean"),
            ("0190a0b0-0000-7000-8000-000000000003", "Jean-Marc"),
            ("0190a0b0-0000-7000-8000-000000000004", "Élise"),
        ]
        .into_iter()
        .map(|(i, n)| (i.to_string(), n.to_string()))
        .collect()
    }

    fn named(text: &str) -> Vec<String> {
        let members = team();
        mentions(text, &members)
            .into_iter()
            .map(|m| members[&m.to_string()].clone())
            .collect()
    }

    #[test]
    fn mentions_by_full_name_or_a_first_name_no_one_shares() {
        assert_eq!(named("@Aline Tremblay, tu peux voir?"), ["Aline Tremblay"]);
        assert_eq!(named("merci @aline"), ["Aline Tremblay"], "case ignored");
        assert_eq!(
            named("@elise et @Élise"),
            ["Élise"],
            "accents ignored, once"
        );
        assert_eq!(named("@Jean-Marc"), ["Jean-Marc"], "not Jean");
        assert_eq!(named("@Jean."), ["Jean"]);
        assert!(named("@Jeanne").is_empty(), "a name is a whole word");
        assert!(named("aline sans arobase").is_empty());
        assert!(named("courriel@aline").len() <= 1);
    }
}
