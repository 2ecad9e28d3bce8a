//! Full-text search over everything users write (titles, bodies, stories,
//! shadowing entries, comments, directory text), with FTS5 and the
//! `unicode61 remove_diacritics 2` tokenizer: accents and case are
//! ignored, so "jerome" finds "Jérôme" and "epicerie" finds "épicerie".

use rusqlite::{params, Connection};
use serde::Serialize;

use crate::error::Result;
use crate::queries::journal::{self, NoteFilter, SUMMARY_COLUMNS, SUMMARY_TEXTS};
use crate::store;
use crate::views::{NoteHit, NoteSearch, SearchHit};

/// Marks the start of a highlighted run in FTS5 snippets.
pub const HIT_START: char = '\u{2}';
/// Marks its end.
pub const HIT_END: char = '\u{3}';

/// A piece of a snippet: plain text, or a highlighted match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Segment {
    /// The text.
    pub text: String,
    /// Whether it matched the query.
    pub hit: bool,
}

/// Turn what a person typed into an FTS5 query: every word must appear
/// (as a word or a word prefix). Quotes and FTS5 syntax in the input are
/// neutralised, so any text is a valid query.
pub fn to_fts_query(input: &str) -> Option<String> {
    let words: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// A snippet as it reads on one line: the indexed text keeps each part of
/// a record (a log's entries, a workshop's stories) on a line of its own,
/// shown here apart by a middle dot instead of running together.
fn passage(snippet: &str) -> String {
    snippet
        .split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Split a marked snippet into segments.
pub fn segments(marked: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut hit = false;
    for c in marked.chars() {
        if c == HIT_START || c == HIT_END {
            if !current.is_empty() {
                out.push(Segment {
                    text: std::mem::take(&mut current),
                    hit,
                });
            }
            hit = c == HIT_START;
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        out.push(Segment { text: current, hit });
    }
    out
}

/// Full-text search, accents and case ignored, best matches first (a
/// title match weighs ten times a match in the text: the index's `rank`,
/// see the schema's format 4), at
/// most `limit` (500 at most) hits.
pub fn search(conn: &Connection, query: &str, limit: u32) -> Result<Vec<SearchHit>> {
    let Some(fts) = to_fts_query(query) else {
        return Ok(Vec::new());
    };
    // The limit is written into the statement, so the full-text index
    // is told it when the statement is planned (see
    // `store::steady_plans`).
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT r.id, r.kind, s.title,
                highlight(search, 0, char(2), char(3)),
                snippet(search, 1, char(2), char(3), '…', 14)
         FROM search s JOIN records r ON r.rowid = s.rowid
         WHERE search MATCH ?1
         ORDER BY s.rank
         LIMIT {}",
        limit.min(500)
    ))?;
    let rows = stmt.query_map(params![fts], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut hits = Vec::new();
    for row in rows {
        let (id, kind, title, title_marked, snippet) = row?;
        let (Ok(id), Some(kind)) = (id.parse(), store::stored_kind(&kind)) else {
            continue;
        };
        hits.push(SearchHit {
            id,
            kind,
            title,
            title_segments: segments(&title_marked),
            snippet: segments(&passage(&snippet)),
        });
    }
    Ok(hits)
}

/// Search the journal's notes within a filter (the journal's filters and
/// the search combine): how many match in all, and the best `limit` (500
/// at most), titles first.
pub fn search_notes(
    conn: &Connection,
    query: &str,
    filter: &NoteFilter,
    limit: u32,
) -> Result<NoteSearch> {
    let Some(fts) = to_fts_query(query) else {
        return Ok(NoteSearch {
            total: 0,
            hits: Vec::new(),
        });
    };
    let (clause, mut params) = journal::where_clause(filter);
    params.push(rusqlite::types::Value::Text(fts));
    let m = params.len();
    let total: i64 = conn.query_row(
        &format!(
            "SELECT COUNT(*) FROM search s JOIN notes n ON n.rowid = s.rowid
             WHERE search MATCH ?{m} AND {clause}"
        ),
        rusqlite::params_from_iter(params.iter()),
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT highlight(search, 0, char(2), char(3)),
                snippet(search, 1, char(2), char(3), '…', 14),
                {SUMMARY_COLUMNS}
         FROM search s JOIN notes n ON n.rowid = s.rowid JOIN records r ON r.rowid = s.rowid
              {SUMMARY_TEXTS}
         WHERE search MATCH ?{m} AND {clause}
         ORDER BY s.rank
         LIMIT {}",
        limit.min(500)
    ))?;
    let hits = stmt
        .query_map(rusqlite::params_from_iter(params.iter()), |r| {
            let title: String = r.get(0)?;
            let snippet: String = r.get(1)?;
            Ok(journal::summary(r, 2)?.map(|note| NoteHit {
                note,
                title_segments: segments(&title),
                snippet: segments(&passage(&snippet)),
            }))
        })?
        .filter_map(|row| row.ok().flatten())
        .collect();
    Ok(NoteSearch { total, hits })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("épicerie", Some("\"épicerie\"*"))]
    #[case("  Jérôme  parc ", Some("\"Jérôme\"* \"parc\"*"))]
    #[case("a\"b OR (c", Some("\"a\"* \"b\"* \"OR\"* \"c\"*"))]
    #[case("  ** ", None)]
    fn queries_are_words_and_prefixes(#[case] input: &str, #[case] want: Option<&str>) {
        assert_eq!(to_fts_query(input).as_deref(), want);
    }

    #[test]
    fn a_snippet_of_several_parts_reads_apart() {
        assert_eq!(
            passage("…Départ à pied\n\nAttente à la \u{2}pharmacie\u{3}\nRetour…"),
            "…Départ à pied · Attente à la \u{2}pharmacie\u{3} · Retour…"
        );
    }

    #[test]
    fn snippets_split_into_hits() {
        let s = segments("au \u{2}parc\u{3} ce matin");
        assert_eq!(
            s,
            vec![
                Segment {
                    text: "au ".into(),
                    hit: false
                },
                Segment {
                    text: "parc".into(),
                    hit: true
                },
                Segment {
                    text: " ce matin".into(),
                    hit: false
                },
            ]
        );
    }
}
