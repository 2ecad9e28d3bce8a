//! Journal queries over the projection: filters and paging for the list
//! of notes, never loading a document.

use carnet_core::vocab::{Barrier, Method, NeedCategory, ReviewStatus};
use carnet_core::{Day, MemberId, RecordId, Timestamp};
use rusqlite::types::Value;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::views::{NotePage, NoteSummary};

/// Which notes to list. Every field narrows the list; empty lists all.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NoteFilter {
    /// Only this method.
    #[serde(default)]
    pub method: Option<Method>,
    /// Only notes with this theme code.
    #[serde(default)]
    pub theme: Option<String>,
    /// Only notes at this place record.
    #[serde(default)]
    pub place_id: Option<RecordId>,
    /// Only notes whose typed place contains this text.
    #[serde(default)]
    pub place_text: Option<String>,
    /// Only notes by this member.
    #[serde(default)]
    pub author: Option<MemberId>,
    /// Only notes of this sector of the territory.
    #[serde(default)]
    pub sector: Option<String>,
    /// Only notes where this barrier to services was observed.
    #[serde(default)]
    pub barrier: Option<Barrier>,
    /// Only notes where this need was observed.
    #[serde(default)]
    pub need: Option<NeedCategory>,
    /// Only notes that happened at or after this moment.
    #[serde(default)]
    pub from: Option<Timestamp>,
    /// Only notes that happened before this moment.
    #[serde(default)]
    pub to: Option<Timestamp>,
    /// Only notes in this review status.
    #[serde(default)]
    pub review: Option<ReviewStatus>,
    /// Only notes with a follow-up due on or before this day.
    #[serde(default)]
    pub follow_up_due_by: Option<Day>,
}

/// A window of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Page {
    /// How many to skip.
    pub offset: u32,
    /// How many to return (at most 500).
    pub limit: u32,
}

impl Default for Page {
    fn default() -> Self {
        Self {
            offset: 0,
            limit: 50,
        }
    }
}

pub(crate) fn where_clause(f: &NoteFilter) -> (String, Vec<Value>) {
    let mut clauses = vec!["1".to_string()];
    let mut params: Vec<Value> = Vec::new();
    let mut push = |sql: &str, v: Value, clauses: &mut Vec<String>| {
        params.push(v);
        clauses.push(sql.replace('?', &format!("?{}", params.len())));
    };
    if let Some(m) = f.method {
        push(
            "n.method = ?",
            Value::Text(m.as_code().into()),
            &mut clauses,
        );
    }
    if let Some(t) = &f.theme {
        push(
            "n.rowid IN (SELECT note_rowid FROM note_themes WHERE theme = ?)",
            Value::Text(t.clone()),
            &mut clauses,
        );
    }
    if let Some(p) = f.place_id {
        push("n.place_id = ?", Value::Text(p.to_string()), &mut clauses);
    }
    if let Some(p) = &f.place_text {
        push(
            "n.place_text LIKE '%' || ? || '%'",
            Value::Text(p.clone()),
            &mut clauses,
        );
    }
    if let Some(a) = f.author {
        push("n.author = ?", Value::Text(a.to_string()), &mut clauses);
    }
    if let Some(s) = &f.sector {
        push("n.sector = ?", Value::Text(s.clone()), &mut clauses);
    }
    // Barriers and needs are comma-separated codes of the note's row.
    if let Some(b) = f.barrier {
        push(
            "(',' || n.barriers || ',') LIKE '%,' || ? || ',%'",
            Value::Text(b.as_code().into()),
            &mut clauses,
        );
    }
    if let Some(need) = f.need {
        push(
            "(',' || n.needs || ',') LIKE '%,' || ? || ',%'",
            Value::Text(need.as_code().into()),
            &mut clauses,
        );
    }
    if let Some(t) = f.from {
        push(
            "n.occurred_at >= ?",
            Value::Integer(t.as_millis()),
            &mut clauses,
        );
    }
    if let Some(t) = f.to {
        push(
            "n.occurred_at < ?",
            Value::Integer(t.as_millis()),
            &mut clauses,
        );
    }
    if let Some(r) = f.review {
        push(
            "n.review = ?",
            Value::Text(r.as_code().into()),
            &mut clauses,
        );
    }
    if let Some(d) = f.follow_up_due_by {
        push(
            "n.follow_up_needed AND n.follow_up_due <= ?",
            Value::Text(d.to_iso()),
            &mut clauses,
        );
    }
    (clauses.join(" AND "), params)
}

/// A page of the journal: the notes matching `clause`, newest first.
/// The limit is written into the statement: statements are planned
/// without their bound values (see `store::steady_plans`), and with an
/// unknown limit SQLite walked every note for each page. The offset is
/// parameter `?{o}`.
fn page_sql(clause: &str, limit: u32, o: usize) -> String {
    // The page's rows are chosen first from the notes index alone; only
    // they are then joined and read (a deep OFFSET skips index entries,
    // not whole joined rows).
    format!(
        "WITH page AS (
             SELECT n.rowid AS rowid FROM notes n
             WHERE {clause}
             ORDER BY n.occurred_at DESC, n.rowid DESC
             LIMIT {limit} OFFSET ?{o})
         SELECT {SUMMARY_COLUMNS}
         FROM page JOIN notes n ON n.rowid = page.rowid JOIN records r ON r.rowid = n.rowid
              {SUMMARY_TEXTS}
         ORDER BY n.occurred_at DESC, n.rowid DESC"
    )
}

/// The columns [`summary`] reads, in its order, from `notes n`,
/// `records r` and the note's texts (joined by [`SUMMARY_TEXTS`]).
pub(crate) const SUMMARY_COLUMNS: &str =
    "r.id, n.method, x.title, x.excerpt, n.occurred_at, n.place_text, n.review,
     n.follow_up_due, n.follow_up_needed, n.author, n.comment_count,
     (SELECT group_concat(theme, ',') FROM note_themes t WHERE t.note_rowid = n.rowid)";

/// The join that gives [`SUMMARY_COLUMNS`] the note's title and excerpt.
pub(crate) const SUMMARY_TEXTS: &str = "JOIN note_texts x ON x.rowid = n.rowid";

/// A note's row of the journal from [`SUMMARY_COLUMNS`], starting at
/// column `base`; none for a row that does not read (an unknown code).
pub(crate) fn summary(r: &rusqlite::Row<'_>, base: usize) -> rusqlite::Result<Option<NoteSummary>> {
    let id: String = r.get(base)?;
    let method: String = r.get(base + 1)?;
    let review: String = r.get(base + 6)?;
    let author: String = r.get(base + 9)?;
    let themes: Option<String> = r.get(base + 11)?;
    let (Ok(id), Some(method), Some(review), Ok(author)) = (
        id.parse(),
        super::vocab_code(&method),
        super::vocab_code(&review),
        author.parse(),
    ) else {
        return Ok(None);
    };
    Ok(Some(NoteSummary {
        id,
        kind: carnet_core::RecordKind::Note,
        method,
        title: r.get(base + 2)?,
        excerpt: r.get(base + 3)?,
        occurred_at: Timestamp::from_millis(r.get(base + 4)?),
        place: r.get(base + 5)?,
        themes: themes
            .map(|t| t.split(',').map(str::to_string).collect())
            .unwrap_or_default(),
        review,
        follow_up_due: r.get(base + 7)?,
        follow_up_needed: r.get(base + 8)?,
        author,
        comments: r.get(base + 10)?,
    }))
}

/// List notes, newest first.
pub fn list_notes(conn: &Connection, filter: &NoteFilter, page: Page) -> Result<NotePage> {
    let (clause, mut params) = where_clause(filter);
    let total: i64 = conn.query_row(
        &format!("SELECT COUNT(*) FROM notes n WHERE {clause}"),
        rusqlite::params_from_iter(params.iter()),
        |r| r.get(0),
    )?;
    params.push(Value::Integer(i64::from(page.offset)));
    let sql = page_sql(&clause, page.limit.min(500), params.len());
    let mut stmt = conn.prepare_cached(&sql)?;
    let items = stmt
        .query_map(rusqlite::params_from_iter(params.iter()), |r| summary(r, 0))?
        .filter_map(|row| row.ok().flatten())
        .collect();
    Ok(NotePage { total, items })
}

/// The places typed into notes that are not places of the territory,
/// the most used first (at most 300), for the journal's place filter.
pub fn typed_places(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT place_text FROM notes
         WHERE place_id IS NULL AND place_text IS NOT NULL AND place_text <> ''
         GROUP BY place_text ORDER BY COUNT(*) DESC, place_text LIMIT 300",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every note `filter` keeps, oldest first (for exports that walk them
/// all).
pub fn note_ids(conn: &Connection, filter: &NoteFilter) -> Result<Vec<RecordId>> {
    let (clause, params) = where_clause(filter);
    let mut stmt = conn.prepare(&format!(
        "SELECT r.id FROM notes n JOIN records r ON r.rowid = n.rowid WHERE {clause}
         ORDER BY n.occurred_at, n.rowid"
    ))?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params.iter()), |r| {
        r.get::<_, String>(0)
    })?;
    let mut out = Vec::new();
    for id in rows {
        if let Ok(id) = id?.parse() {
            out.push(id);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_of_the_journal_reads_its_own_rows_not_every_note() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = crate::store::Store::create(dir.path(), &Default::default()).expect("create");
        let (clause, params) = where_clause(&NoteFilter::default());
        let sql = page_sql(&clause, 40, params.len() + 1);
        let mut stmt = store
            .conn()
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .expect("plan");
        let plan = stmt
            .query_map([1000], |r| r.get::<_, String>(3))
            .expect("rows")
            .collect::<rusqlite::Result<Vec<_>>>()
            .expect("rows")
            .join("; ");
        // The page's rows come from the time index, then only they are
        // read. With the limit bound instead of written, the outer query
        // walked every note looking each up in the page (a scroll jump took
        // 109 ms at 100,000 records instead of 14).
        assert!(
            plan.contains("SCAN n USING COVERING INDEX notes_by_time"),
            "{plan}"
        );
        assert!(plan.contains("SCAN page"), "{plan}");
        assert_eq!(plan.matches("SCAN n ").count(), 1, "{plan}");
    }
}
