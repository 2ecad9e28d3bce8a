//! The directory's organisations and the places of the territory, as
//! their lists and pickers show them.

use carnet_core::vocab::{NeedCategory, Vocabulary};
use rusqlite::Connection;

use super::{split_codes, vocab_code, vocab_codes};
use crate::error::Result;
use crate::views::{PlaceSummary, ResourceSummary};

/// The places of the territory, by name.
pub fn places(conn: &Connection) -> Result<Vec<PlaceSummary>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, p.name, p.kind, p.sector FROM places p JOIN records r ON r.rowid = p.rowid
         ORDER BY p.name COLLATE NOCASE",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, name, kind, sector) = row?;
        if let (Ok(id), Some(kind)) = (id.parse(), vocab_code(&kind)) {
            out.push(PlaceSummary {
                id,
                name,
                kind,
                sector,
            });
        }
    }
    Ok(out)
}

/// The directory's organisations, by name; only those with a service
/// for `need` and, if given, offered in `language` (a code like `fr`).
pub fn resources(
    conn: &Connection,
    need: Option<NeedCategory>,
    language: Option<&str>,
) -> Result<Vec<ResourceSummary>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, s.name, s.name_en, s.languages,
                (SELECT group_concat(n.need) FROM resource_needs n WHERE n.resource_rowid = s.rowid)
         FROM resources s JOIN records r ON r.rowid = s.rowid
         WHERE ?1 IS NULL OR EXISTS
            (SELECT 1 FROM resource_needs n WHERE n.resource_rowid = s.rowid AND n.need = ?1)",
    )?;
    let rows = stmt.query_map([need.map(|n| n.code())], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    let language = language.map(str::trim).filter(|l| !l.is_empty());
    let mut out = Vec::new();
    for row in rows {
        let (id, name, name_en, languages, needs) = row?;
        let Ok(id) = id.parse() else { continue };
        let languages = split_codes(&languages);
        if let Some(l) = language {
            if !languages.iter().any(|x| x.eq_ignore_ascii_case(l)) {
                continue;
            }
        }
        out.push(ResourceSummary {
            id,
            name,
            name_en,
            languages,
            needs: vocab_codes(needs.as_deref().unwrap_or("")),
        });
    }
    out.sort_by_cached_key(|r| r.name.to_lowercase());
    Ok(out)
}
