//! Coded passages across the team, from the projection's `codings`
//! table: the passage view of a theme (filtered, paged), how many notes
//! and passages each theme has, and the agreement between two coders.

use std::collections::{BTreeMap, BTreeSet};

use carnet_core::coding::Tally;
use carnet_core::vocab::{CodedField, Method};
use carnet_core::{ItemId, MemberId, RecordId, Timestamp};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};
use serde::{Deserialize, Serialize};

use super::journal::{where_clause, NoteFilter, Page};
use super::vocab_code;
use crate::error::Result;

/// Which passages to list: those of the notes the journal's filter
/// keeps, coded with a theme, by a coder.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PassageFilter {
    /// Only passages coded with this theme (or one of its sub-themes,
    /// with `with_sub_themes`).
    #[serde(default)]
    pub theme: Option<String>,
    /// Count the theme's sub-themes as the theme.
    #[serde(default)]
    pub with_sub_themes: bool,
    /// Only passages coded by this member.
    #[serde(default)]
    pub coder: Option<MemberId>,
    /// Only passages of the notes this filter keeps (the journal's).
    #[serde(default)]
    pub notes: NoteFilter,
}

/// A coded passage with its note, for the passage view.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PassageRow {
    /// The note.
    pub note: RecordId,
    /// Its title.
    pub title: String,
    /// Its method.
    pub method: Method,
    /// When it happened.
    pub occurred_at: Timestamp,
    /// Who wrote it.
    pub author: MemberId,
    /// Its sector.
    pub sector: Option<String>,
    /// The coding.
    pub coding: ItemId,
    /// The theme.
    pub theme: String,
    /// Who coded it.
    pub coder: MemberId,
    /// When.
    pub coded_at: Timestamp,
    /// Which text of the note.
    pub field: CodedField,
    /// The story, entry or comment.
    pub item: Option<ItemId>,
    /// First character in that text.
    pub start: u32,
    /// Just past the last.
    pub end: u32,
    /// The passage.
    pub text: String,
}

/// A page of passages.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PassagePage {
    /// How many passages match in all.
    pub total: u32,
    /// This page, newest note first, in text order within a note.
    pub items: Vec<PassageRow>,
}

/// How much a theme is used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ThemeUse {
    /// The theme.
    pub theme: String,
    /// Notes tagged with it or with a passage coded with it.
    pub notes: u32,
    /// Passages coded with it.
    pub passages: u32,
}

/// How far two coders agree on one theme.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ThemeAgreement {
    /// The theme.
    pub theme: String,
    /// Characters counted, by how each coder coded them.
    pub tally: Tally,
    /// Percentage agreement; none with nothing counted.
    pub percent: Option<f64>,
    /// Cohen's kappa; none where it is undefined.
    pub kappa: Option<f64>,
}

/// The agreement between two coders over the notes both coded.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Agreement {
    /// The first coder.
    pub first: MemberId,
    /// The second coder.
    pub second: MemberId,
    /// Notes both coded.
    pub notes: u32,
    /// Characters counted: those of each text of those notes where either
    /// coded something.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub characters: u64,
    /// Per theme either used there, by theme code.
    pub themes: Vec<ThemeAgreement>,
}

fn passage_where(filter: &PassageFilter) -> (String, Vec<Value>) {
    let (mut clause, mut params) = where_clause(&filter.notes);
    if let Some(theme) = &filter.theme {
        params.push(Value::Text(theme.clone()));
        let n = params.len();
        if filter.with_sub_themes {
            clause.push_str(&format!(
                " AND c.theme IN (WITH RECURSIVE sub(code) AS (SELECT ?{n} UNION SELECT t.code FROM themes t JOIN sub ON t.parent = sub.code) SELECT code FROM sub)"
            ));
        } else {
            clause.push_str(&format!(" AND c.theme = ?{n}"));
        }
    }
    if let Some(coder) = filter.coder {
        params.push(Value::Text(coder.to_string()));
        clause.push_str(&format!(" AND c.coder = ?{}", params.len()));
    }
    (format!("{clause} AND c.pos_end > c.pos_start"), params)
}

fn parse<T: std::str::FromStr>(s: String) -> rusqlite::Result<T> {
    s.parse().map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, "bad id".into())
    })
}

const PASSAGES_FROM: &str = "FROM codings c JOIN notes n ON n.rowid = c.note_rowid";

/// The passages `filter` keeps, newest note first, in text order within
/// a note; `window` is the SQL that limits them (empty: all of them).
fn passage_rows(
    conn: &Connection,
    filter: &PassageFilter,
    window: &str,
) -> Result<Vec<PassageRow>> {
    let (clause, params) = passage_where(filter);
    // The window's passages are chosen first from the codings' index and
    // the notes' times alone; only they are then read whole (their text,
    // their note's title).
    let sql = format!(
        "WITH page AS (
             SELECT c.note_rowid AS note_rowid, c.id AS id, n.occurred_at AS at,
                    c.field AS field, c.item AS item, c.pos_start AS pos
             {PASSAGES_FROM}
             WHERE {clause}
             ORDER BY n.occurred_at DESC, c.note_rowid DESC, c.field, c.item, c.pos_start, c.id
             {window})
         SELECT r.id, x.title, n.method, n.occurred_at, n.author, n.sector,
                c.id, c.theme, c.coder, c.coded_at, c.field, c.item, c.pos_start, c.pos_end, c.passage
         FROM page JOIN codings c ON c.note_rowid = page.note_rowid AND c.id = page.id
         JOIN notes n ON n.rowid = page.note_rowid
         JOIN records r ON r.rowid = page.note_rowid
         JOIN note_texts x ON x.rowid = page.note_rowid
         ORDER BY page.at DESC, page.note_rowid DESC, page.field, page.item, page.pos, page.id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(params.iter()), |r| {
        let method: String = r.get(2)?;
        let field: String = r.get(10)?;
        let item: Option<String> = r.get(11)?;
        Ok(PassageRow {
            note: parse(r.get(0)?)?,
            title: r.get(1)?,
            method: vocab_code(&method).unwrap_or(Method::Outreach),
            occurred_at: Timestamp::from_millis(r.get(3)?),
            author: parse(r.get(4)?)?,
            sector: r.get(5)?,
            coding: parse(r.get(6)?)?,
            theme: r.get(7)?,
            coder: parse(r.get(8)?)?,
            coded_at: Timestamp::from_millis(r.get(9)?),
            field: vocab_code(&field).unwrap_or(CodedField::Body),
            item: item.map(parse).transpose()?,
            start: r.get(12)?,
            end: r.get(13)?,
            text: r.get(14)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A page of passages.
pub fn passages(conn: &Connection, filter: &PassageFilter, page: Page) -> Result<PassagePage> {
    let (clause, params) = passage_where(filter);
    let total: u32 = conn
        .prepare_cached(&format!("SELECT count(*) {PASSAGES_FROM} WHERE {clause}"))?
        .query_row(params_from_iter(params.iter()), |r| r.get(0))?;
    let window = format!("LIMIT {} OFFSET {}", page.limit.min(500), page.offset);
    Ok(PassagePage {
        total,
        items: passage_rows(conn, filter, &window)?,
    })
}

/// Every passage `filter` keeps, in one read (for exports).
pub fn all_passages(conn: &Connection, filter: &PassageFilter) -> Result<Vec<PassageRow>> {
    passage_rows(conn, filter, "")
}

/// Every theme in use, with its notes and passages, most used first.
pub fn theme_uses(conn: &Connection) -> Result<Vec<ThemeUse>> {
    let mut stmt = conn.prepare_cached(
        "SELECT theme, count(DISTINCT note_rowid), sum(passages) FROM (
             SELECT theme, note_rowid, 0 AS passages FROM note_themes
             UNION ALL
             SELECT theme, note_rowid, 1 FROM codings WHERE pos_end > pos_start
         ) GROUP BY theme ORDER BY 2 DESC, 1",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(ThemeUse {
            theme: r.get(0)?,
            notes: r.get(1)?,
            passages: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The notes tagged with a theme or holding a passage coded with it.
pub fn notes_using(conn: &Connection, theme: &str) -> Result<Vec<RecordId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id FROM records r WHERE r.rowid IN (
             SELECT note_rowid FROM note_themes WHERE theme = ?1
             UNION SELECT note_rowid FROM codings WHERE theme = ?1)
         ORDER BY r.rowid",
    )?;
    let rows = stmt.query_map([theme], |r| parse(r.get(0)?))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One coder's passages: (note, text, theme) → passages.
type Coded = BTreeMap<(i64, String, Option<String>), BTreeMap<String, Vec<(u32, u32)>>>;

/// Agreement between two coders: over the notes both coded, each text
/// either coded in counts character by character, per theme.
pub fn agreement(conn: &Connection, first: MemberId, second: MemberId) -> Result<Agreement> {
    let mut stmt = conn.prepare_cached(
        "SELECT coder = ?1, note_rowid, field, item, theme, pos_start, pos_end, text_len
         FROM codings WHERE coder IN (?1, ?2) AND note_rowid IN (
             SELECT note_rowid FROM codings WHERE coder = ?1
             INTERSECT SELECT note_rowid FROM codings WHERE coder = ?2)",
    )?;
    let (a, b) = (first.to_string(), second.to_string());
    let mut coded: [Coded; 2] = [Coded::new(), Coded::new()];
    let mut lengths: BTreeMap<(i64, String, Option<String>), u32> = BTreeMap::new();
    let mut notes = BTreeSet::new();
    let mut themes = BTreeSet::new();
    let mut rows = stmt.query([&a, &b])?;
    while let Some(r) = rows.next()? {
        let is_first: bool = r.get(0)?;
        let text = (r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get(3)?);
        let theme: String = r.get(4)?;
        let (start, end, len): (u32, u32, u32) = (r.get(5)?, r.get(6)?, r.get(7)?);
        notes.insert(text.0);
        themes.insert(theme.clone());
        lengths.insert(text.clone(), len);
        coded[usize::from(!is_first)]
            .entry(text)
            .or_default()
            .entry(theme)
            .or_default()
            .push((start, end));
    }
    let none = Vec::new();
    let themes = themes
        .into_iter()
        .map(|theme| {
            let mut tally = Tally::default();
            for (text, len) in &lengths {
                let [a, b] = [&coded[0], &coded[1]]
                    .map(|c| c.get(text).and_then(|t| t.get(&theme)).unwrap_or(&none));
                tally.add(Tally::of_text(*len, a, b));
            }
            ThemeAgreement {
                percent: tally.percent_agreement(),
                kappa: tally.kappa(),
                theme,
                tally,
            }
        })
        .collect();
    Ok(Agreement {
        first,
        second,
        notes: notes.len() as u32,
        characters: lengths.values().map(|l| u64::from(*l)).sum(),
        themes,
    })
}
