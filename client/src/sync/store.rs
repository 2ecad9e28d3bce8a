//! A [`Notebook`] as the core's [`ClientStore`]: sync bookkeeping lives in
//! columns of `records` (`server_heads`, `dirty`, `rejected_*`), in
//! `sync_wanted` and `erased`, and the sync position in `meta`.

use automerge::ChangeHash;
use carnet_core::sync::client::{ClientStore, Merge, Received};
use carnet_core::sync::{decode_heads, encode_heads, PushRecord, RejectCode};
use carnet_core::{RecordId, RecordKind};
use rusqlite::{params, OptionalExtension};

use crate::error::{ClientError, Result};
use crate::notebook::{Incoming, Notebook};
use crate::store::SyncPosition;
use crate::views::MergeOutcome;

/// A record's merge as the sync protocol sees it: a storage failure stops
/// the round; anything else wrong with the record refuses it alone.
fn merge_result(outcome: Result<MergeOutcome>) -> Result<Merge> {
    match outcome {
        Ok(MergeOutcome::MissingDeps) => Ok(Merge::MissingDeps),
        Ok(_) => Ok(Merge::Applied),
        Err(e @ (ClientError::Sqlite(_) | ClientError::Corrupt(_) | ClientError::Io { .. })) => {
            Err(e)
        }
        Err(e) => Ok(Merge::Refused(e.to_string())),
    }
}

impl ClientStore for Notebook {
    type Error = ClientError;

    fn position(&mut self) -> Result<(u64, u64)> {
        let p = self.store().sync_position()?;
        Ok((p.cursor, p.last_answer))
    }

    fn set_position(&mut self, cursor: u64, last_answer: u64) -> Result<()> {
        let tx = self.store_mut().transaction()?;
        tx.set_sync_position(SyncPosition {
            cursor,
            last_answer,
        })?;
        tx.commit()
    }

    fn pending(&mut self, limit: usize) -> Result<Vec<PushRecord>> {
        type Row = (String, String, Vec<u8>, Option<Vec<u8>>);
        let rows: Vec<Row> = self
            .store()
            .conn()
            .prepare_cached(
                "SELECT id, kind, server_heads, rejected_heads FROM records WHERE dirty AND damaged IS NULL ORDER BY rowid",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for (id, kind, server_heads, rejected_heads) in rows {
            if out.len() >= limit {
                break;
            }
            let (Ok(id), Ok(kind)) = (id.parse::<RecordId>(), kind.parse::<RecordKind>()) else {
                continue;
            };
            let server_heads = decode_heads(&server_heads).unwrap_or_default();
            let found = self.with_doc(id, |doc| {
                let heads = doc.heads();
                let known = doc.known_heads(&server_heads);
                (heads, doc.changes_since(&known))
            });
            let (heads, changes) = match found {
                Ok(v) => v,
                Err(ClientError::Damaged { .. }) => continue,
                Err(e) => return Err(e),
            };
            let heads = encode_heads(&heads);
            if changes.is_empty() {
                let tx = self.store_mut().transaction()?;
                tx.prepare_cached("UPDATE records SET dirty = 0 WHERE id = ?1")?
                    .execute([id.to_string()])?;
                tx.commit()?;
                continue;
            }
            if rejected_heads.as_deref() == Some(heads.as_slice()) {
                continue;
            }
            out.push(PushRecord {
                id,
                kind,
                heads,
                changes,
            });
        }
        Ok(out)
    }

    fn wanted_full(&mut self) -> Result<Vec<RecordId>> {
        let ids: Vec<String> = self
            .store()
            .conn()
            .prepare_cached("SELECT id FROM sync_wanted")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ids.into_iter().filter_map(|s| s.parse().ok()).collect())
    }

    fn want_full(&mut self, id: RecordId) -> Result<()> {
        let tx = self.store_mut().transaction()?;
        tx.execute(
            "INSERT OR IGNORE INTO sync_wanted (id) VALUES (?1)",
            [id.to_string()],
        )?;
        tx.commit()
    }

    fn merge(&mut self, id: RecordId, kind: RecordKind, changes: &[u8]) -> Result<Merge> {
        let one = Incoming {
            id,
            kind: Some(kind),
            changes,
            server_heads: None,
        };
        match self.merge_many(&[one])?.pop() {
            Some(outcome) => merge_result(outcome),
            None => Ok(Merge::Applied),
        }
    }

    fn merge_received(&mut self, received: &[Received<'_>]) -> Result<Vec<Merge>> {
        let incoming: Vec<Incoming<'_>> = received
            .iter()
            .map(|r| Incoming {
                id: r.id,
                kind: Some(r.kind),
                changes: r.changes,
                server_heads: Some(&r.heads),
            })
            .collect();
        // Referrals held by persons' records here, in case the server
        // moved them to records of their own meanwhile.
        let persons: Vec<RecordId> = received
            .iter()
            .filter(|r| r.kind == RecordKind::Person)
            .map(|r| r.id)
            .collect();
        let held = self.held_referrals_among(&persons)?;
        let merged = self.merge_many(&incoming)?;
        self.bring_held_edits(held)?;
        merged.into_iter().map(merge_result).collect()
    }

    fn set_server_heads(&mut self, id: RecordId, heads: &[ChangeHash]) -> Result<()> {
        let still_dirty = match self.with_doc(id, |doc| {
            let known = doc.known_heads(heads);
            !doc.changes_since(&known).is_empty()
        }) {
            Ok(d) => d,
            Err(ClientError::NotFound { .. }) => return Ok(()),
            Err(e) => return Err(e),
        };
        let tx = self.store_mut().transaction()?;
        crate::store::write::server_heads(&tx, id, heads, still_dirty)?;
        tx.commit()
    }

    fn reset_server_heads(&mut self, id: RecordId) -> Result<()> {
        let tx = self.store_mut().transaction()?;
        tx.execute(
            "UPDATE records SET server_heads = x'', dirty = 1 WHERE id = ?1",
            [id.to_string()],
        )?;
        tx.commit()
    }

    fn resend_all(&mut self) -> Result<()> {
        let tx = self.store_mut().transaction()?;
        tx.execute(
            "UPDATE records SET server_heads = x'', dirty = 1 WHERE rejected_code IS NULL",
            [],
        )?;
        tx.commit()
    }

    fn mark_rejected(&mut self, id: RecordId, code: RejectCode, reason: &str) -> Result<()> {
        let heads = match self.with_doc(id, |doc| encode_heads(&doc.heads())) {
            Ok(h) => h,
            Err(ClientError::NotFound { .. }) => return Ok(()),
            Err(e) => return Err(e),
        };
        let code = code.code();
        let tx = self.store_mut().transaction()?;
        tx.execute(
            "UPDATE records SET rejected_code = ?2, rejected_reason = ?3, rejected_heads = ?4 WHERE id = ?1",
            params![id.to_string(), code, reason, heads],
        )?;
        tx.commit()
    }

    fn purge(&mut self, id: RecordId) -> Result<()> {
        Notebook::purge(self, id)
    }
}

/// A record the server refused, with the reason.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RejectedRecord {
    /// The record.
    pub id: RecordId,
    /// Its kind.
    pub kind: RecordKind,
    /// Why.
    pub code: RejectCode,
    /// The server's sentence.
    pub reason: String,
}

/// Records with changes the server has not confirmed (and did not refuse
/// as they are): partial index `records_waiting`.
pub(crate) const COUNT_WAITING: &str =
    "SELECT COUNT(*) FROM records WHERE dirty AND rejected_heads IS NULL AND damaged IS NULL";
/// Records the server refused: partial index `records_rejected`.
pub(crate) const LIST_REJECTED: &str =
    "SELECT id, kind, rejected_code, rejected_reason FROM records WHERE rejected_code IS NOT NULL";

/// Records waiting to be sent, and records refused.
pub fn waiting_and_rejected(nb: &Notebook) -> Result<(i64, Vec<RejectedRecord>)> {
    let conn = nb.store().conn();
    let waiting: i64 = conn
        .prepare_cached(COUNT_WAITING)?
        .query_row([], |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(LIST_REJECTED)?;
    let rejected = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get(3)?,
            ))
        })?
        .filter_map(|row| {
            let (id, kind, code, reason) = row.ok()?;
            Some(RejectedRecord {
                id: id.parse().ok()?,
                kind: crate::store::stored_kind(&kind)?,
                code: RejectCode::from_code(&code)?,
                reason,
            })
        })
        .collect();
    Ok((waiting, rejected))
}

/// Whether a record id was erased here.
pub fn is_erased(nb: &Notebook, id: RecordId) -> Result<bool> {
    Ok(nb
        .store()
        .conn()
        .prepare_cached("SELECT 1 FROM erased WHERE id = ?1")?
        .query_row([id.to_string()], |_| Ok(()))
        .optional()?
        .is_some())
}
