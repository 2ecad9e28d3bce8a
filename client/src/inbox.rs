//! The review inbox's bookkeeping: for each record other members changed
//! since this member last looked at it, the heads it had then and who
//! changed what. Written in the transaction that merges the changes
//! (see `notebook::receive`); read by `queries::inbox`.
//!
//! "Last looked" is this device's: the inbox starts when the notebook
//! has synced whole once (what the first sync brings is the team's past,
//! not news), and marking a record seen is local.

use automerge::ChangeHash;
use carnet_core::changes::MemberChanges;
use carnet_core::sync::{decode_heads, encode_heads};
use carnet_core::vocab::ReviewStatus;
use carnet_core::{MemberId, Record, Timestamp};
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;

/// What other members did to a record since this member last looked.
#[derive(Debug, Clone)]
pub struct News {
    /// The record's heads when last looked at (empty: new here).
    pub since: Vec<ChangeHash>,
    /// Each member's changes since, in brief (who, how many, when).
    pub by: Vec<MemberChanges>,
    /// A comment since names this member.
    pub mention: bool,
}

/// Whether a comment by someone else names `me` and was written or
/// changed since the record stood as `then` gives it (`None`: the record
/// is new here), or my note was sent back to me with changes to make
/// since. `then` is only asked for when one of them may be so.
pub fn mentions_me(record: &Record, me: MemberId, then: impl FnOnce() -> Option<Record>) -> bool {
    let Record::Note(n) = record else {
        return false;
    };
    let naming: Vec<_> = n
        .comments
        .iter()
        .filter(|c| c.author != me && !c.deleted && c.mentions.contains(&me))
        .collect();
    // My note sent back to me with changes to make speaks to me too.
    let sent_back = n.author == me && n.review == ReviewStatus::NeedsChanges;
    if naming.is_empty() && !sent_back {
        return false;
    }
    let Some(Record::Note(before)) = then() else {
        return true;
    };
    if sent_back && before.review != ReviewStatus::NeedsChanges {
        return true;
    }
    naming.iter().any(|c| {
        before
            .comments
            .iter()
            .find(|o| o.id == c.id)
            .is_none_or(|o| o.text != c.text || !o.mentions.contains(&me))
    })
}

/// The heads kept with a record's news not seen yet.
pub fn unseen_since(conn: &Connection, rowid: i64) -> Result<Option<Vec<ChangeHash>>> {
    let heads: Option<Vec<u8>> = conn
        .prepare_cached("SELECT since_heads FROM inbox WHERE record_rowid = ?1 AND NOT seen")?
        .query_row([rowid], |r| r.get(0))
        .optional()?;
    Ok(heads.map(|h| decode_heads(&h).unwrap_or_default()))
}

/// Record a record's news, replacing what was there (the news since the
/// same heads, now with more in it, or a new start after it was seen).
pub fn record(tx: &Connection, rowid: i64, news: &News, now: Timestamp) -> Result<()> {
    let last_at = news.by.iter().map(|m| m.last_at).max().unwrap_or(now);
    let authors: String = news
        .by
        .iter()
        .filter_map(|m| m.author)
        .fold(",".to_string(), |acc, a| format!("{acc}{a},"));
    let changes: u32 = news.by.iter().map(|m| m.changes).sum();
    tx.prepare_cached(
        "INSERT OR REPLACE INTO inbox
             (record_rowid, since_heads, last_at, received_at, authors, changes, mention, seen, summary, detailed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8, 0)",
    )?
    .execute(params![
        rowid,
        encode_heads(&news.since),
        last_at.as_millis(),
        now.as_millis(),
        authors,
        changes,
        news.mention,
        serde_json::to_string(&news.by).unwrap_or_else(|_| "[]".into()),
    ])?;
    Ok(())
}

/// Keep a record's summary in full, once worked out, unless news came
/// since (its heads last looked at are no longer `since`).
pub fn detail(
    tx: &Connection,
    rowid: i64,
    since: &[ChangeHash],
    by: &[MemberChanges],
) -> Result<()> {
    tx.prepare_cached(
        "UPDATE inbox SET summary = ?1, detailed = 1 WHERE record_rowid = ?2 AND since_heads = ?3",
    )?
    .execute(params![
        serde_json::to_string(by).unwrap_or_else(|_| "[]".into()),
        rowid,
        encode_heads(since),
    ])?;
    Ok(())
}
