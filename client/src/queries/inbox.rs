//! The review inbox as the projection and the inbox table hold it: a
//! page of records other members changed since this member last looked,
//! mentions first, then the latest to arrive (a week-old change synced
//! today is news today; devices' clocks differ), with filters.

use carnet_core::changes::MemberChanges;
use carnet_core::sync::decode_heads;
use carnet_core::vocab::Vocabulary;
use carnet_core::{RecordId, Timestamp};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;
use crate::store;
use crate::views::{InboxCounts, InboxFilter, InboxItem};

const SELECT: &str =
    "SELECT r.id, r.kind, i.last_at, i.received_at, i.changes, i.mention, i.seen, i.summary,
        COALESCE(x.title, p.pseudonym, rp.pseudonym, res.name, pl.name, w.name, ''), n.method,
        COALESCE(n.sector, p.sector, rp.sector, pl.sector), i.record_rowid, i.detailed, i.since_heads
    FROM inbox i
    JOIN records r ON r.rowid = i.record_rowid
    LEFT JOIN notes n ON n.rowid = i.record_rowid
    LEFT JOIN note_texts x ON x.rowid = i.record_rowid
    LEFT JOIN persons p ON p.rowid = i.record_rowid
    -- a referral record, named by its person
    LEFT JOIN referrals rf ON rf.record_rowid = i.record_rowid
    LEFT JOIN persons rp ON rp.rowid = rf.person_rowid
    LEFT JOIN resources res ON res.rowid = i.record_rowid
    LEFT JOIN places pl ON pl.rowid = i.record_rowid
    LEFT JOIN workspace w ON w.rowid = i.record_rowid";

fn where_clause(f: &InboxFilter) -> (String, Vec<Value>) {
    let mut clauses: Vec<String> = Vec::new();
    if !f.include_seen {
        clauses.push("NOT i.seen".into());
    }
    let mut params: Vec<Value> = Vec::new();
    let mut push = |sql: &str, v: Value| {
        params.push(v);
        clauses.push(sql.replace('?', &format!("?{}", params.len())));
    };
    if let Some(a) = f.author {
        push(
            "i.authors LIKE '%,' || ? || ',%'",
            Value::Text(a.to_string()),
        );
    }
    if let Some(m) = f.method {
        push("n.method = ?", Value::Text(m.as_code().into()));
    }
    if let Some(k) = f.kind {
        push("r.kind = ?", Value::Text(k.to_string()));
    }
    if let Some(s) = &f.sector {
        push(
            "COALESCE(n.sector, p.sector, rp.sector, pl.sector) = ?",
            Value::Text(s.clone()),
        );
    }
    if let Some(t) = f.from {
        push("i.last_at >= ?", Value::Integer(t.as_millis()));
    }
    if let Some(t) = f.to {
        push("i.last_at < ?", Value::Integer(t.as_millis()));
    }
    if clauses.is_empty() {
        clauses.push("1".into());
    }
    (clauses.join(" AND "), params)
}

/// An entry as the table holds it: the item, its row, whether its
/// summary is in full, and the heads last looked at.
#[derive(Debug)]
pub struct Entry {
    /// What the inbox shows.
    pub item: InboxItem,
    /// The record's row.
    pub rowid: i64,
    /// The summary is in full (else in brief, as a sync wrote it).
    pub detailed: bool,
    /// The record's heads when last looked at.
    pub since: Vec<automerge::ChangeHash>,
}

fn entry(row: &rusqlite::Row<'_>) -> rusqlite::Result<Option<Entry>> {
    let id: String = row.get(0)?;
    let kind: String = row.get(1)?;
    let summary: String = row.get(7)?;
    let method: Option<String> = row.get(9)?;
    let since: Vec<u8> = row.get(13)?;
    let (Ok(id), Some(kind)) = (id.parse::<RecordId>(), store::stored_kind(&kind)) else {
        return Ok(None);
    };
    Ok(Some(Entry {
        item: InboxItem {
            id,
            kind,
            title: row.get(8)?,
            method: method.as_deref().and_then(Vocabulary::from_code),
            sector: row.get(10)?,
            last_at: Timestamp::from_millis(row.get(2)?),
            received_at: Timestamp::from_millis(row.get(3)?),
            changes: row.get(4)?,
            mention: row.get(5)?,
            seen: row.get(6)?,
            by: serde_json::from_str::<Vec<MemberChanges>>(&summary).unwrap_or_default(),
        },
        rowid: row.get(11)?,
        detailed: row.get(12)?,
        since: decode_heads(&since).unwrap_or_default(),
    }))
}

/// A page of the inbox, mentions first, then the latest to arrive.
pub fn page(
    conn: &Connection,
    f: &InboxFilter,
    limit: u32,
    offset: u32,
) -> Result<(i64, Vec<Entry>)> {
    let (clause, params) = where_clause(f);
    let total: i64 = conn.query_row(
        &format!("SELECT COUNT(*) FROM ({SELECT} WHERE {clause})"),
        rusqlite::params_from_iter(params.iter()),
        |r| r.get(0),
    )?;
    // The limit is written into the statement (see the conventions test).
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE {clause} ORDER BY i.mention AND NOT i.seen DESC, i.received_at DESC, i.last_at DESC, i.record_rowid DESC LIMIT {limit} OFFSET {offset}"
    ))?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params.iter()), entry)?;
    let mut out = Vec::new();
    for row in rows {
        if let Some(e) = row? {
            out.push(e);
        }
    }
    Ok((total, out))
}

/// One record's entry, seen or not.
pub fn one(conn: &Connection, id: RecordId) -> Result<Option<Entry>> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE r.id = ?1"))?
        .query_row([id.to_string()], entry)
        .optional()?
        .flatten())
}

/// How many records wait unseen, and how many of them mention this member.
pub fn counts(conn: &Connection) -> Result<InboxCounts> {
    Ok(conn.query_row(
        "SELECT COUNT(*), COALESCE(SUM(mention), 0) FROM inbox WHERE NOT seen",
        [],
        |r| {
            Ok(InboxCounts {
                unseen: r.get(0)?,
                mentions: r.get(1)?,
            })
        },
    )?)
}

/// Mark records seen (or unseen again, to come back to them); `None`:
/// every record. Returns how many changed.
pub fn set_seen(conn: &Connection, ids: Option<&[RecordId]>, seen: bool) -> Result<usize> {
    Ok(match ids {
        None => conn.execute("UPDATE inbox SET seen = ?1 WHERE seen != ?1", [seen])?,
        Some(ids) => {
            let mut n = 0;
            let mut stmt = conn.prepare_cached(
                "UPDATE inbox SET seen = ?1 WHERE seen != ?1
                   AND record_rowid = (SELECT rowid FROM records WHERE id = ?2)",
            )?;
            for id in ids {
                n += stmt.execute(rusqlite::params![seen, id.to_string()])?;
            }
            n
        }
    })
}
