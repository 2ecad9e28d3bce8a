//! The directory's organisations and the places of the territory, as
//! their lists and pickers show them.

use carnet_core::vocab::Vocabulary;
use carnet_core::{Day, ItemId, RecordId};
use rusqlite::{params, Connection, OptionalExtension};

use super::{split_codes, vocab_code, vocab_codes};
use crate::error::Result;
use crate::inputs::DirectoryFilter;
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

/// The directory's organisations that pass `filter`, by name (the
/// caller sorts them for its language).
pub fn resources(
    conn: &Connection,
    filter: &DirectoryFilter,
    today: Day,
) -> Result<Vec<ResourceSummary>> {
    let words: Vec<String> = filter
        .words
        .as_deref()
        .map(carnet_core::fold::fold)
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_string)
        .collect();
    // Verified before this day, or never, when asked for.
    let verified_before = filter
        .unverified_months
        .map(|m| today.minus_months(m).to_string());
    let sector = filter
        .sector
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, s.name, s.name_en, s.languages,
                (SELECT group_concat(n.need) FROM resource_needs n WHERE n.resource_rowid = s.rowid),
                s.sectors, s.services, s.last_verified, s.retired, s.words
         FROM resources s JOIN records r ON r.rowid = s.rowid
         WHERE (?1 IS NULL OR EXISTS
                (SELECT 1 FROM resource_needs n WHERE n.resource_rowid = s.rowid AND n.need = ?1))
           AND (?2 OR NOT s.retired)
           AND (?3 IS NULL OR s.last_verified IS NULL OR s.last_verified < ?3)",
    )?;
    let rows = stmt.query_map(
        params![
            filter.need.map(|n| n.code()),
            filter.include_retired,
            verified_before
        ],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, bool>(8)?,
                r.get::<_, String>(9)?,
            ))
        },
    )?;
    let language = filter
        .language
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty());
    let mut out = Vec::new();
    for row in rows {
        let (id, name, name_en, languages, needs, sectors, services, verified, retired, text) =
            row?;
        let Ok(id) = id.parse() else { continue };
        if !words.iter().all(|w| text.contains(w.as_str())) {
            continue;
        }
        let languages = split_codes(&languages);
        if let Some(l) = language {
            if !languages.iter().any(|x| x.eq_ignore_ascii_case(l)) {
                continue;
            }
        }
        let sectors = split_codes(&sectors);
        if let Some(wanted) = sector {
            if !sectors.iter().any(|x| x.eq_ignore_ascii_case(wanted)) {
                continue;
            }
        }
        out.push(ResourceSummary {
            id,
            name,
            name_en,
            languages,
            needs: vocab_codes(needs.as_deref().unwrap_or("")),
            sectors,
            services: services.max(0) as u32,
            last_verified: verified.and_then(|d| d.parse().ok()),
            retired,
        });
    }
    out.sort_by_cached_key(|r| carnet_core::fold::fold(&r.name));
    Ok(out)
}

/// The organisations imported from a directory, by their id there.
pub fn external_ids(conn: &Connection) -> Result<Vec<(String, RecordId)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.external_id, r.id FROM resources s JOIN records r ON r.rowid = s.rowid
         WHERE s.external_id IS NOT NULL",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (external, id) = row?;
        if let Ok(id) = id.parse() {
            out.push((external, id));
        }
    }
    Ok(out)
}

/// The organisation offering a service of the directory.
pub fn resource_of_service(conn: &Connection, service: ItemId) -> Result<Option<RecordId>> {
    let id: Option<String> = conn
        .prepare_cached(
            "SELECT r.id FROM resource_services s JOIN records r ON r.rowid = s.resource_rowid
             WHERE s.id = ?1",
        )?
        .query_row([service.to_string()], |r| r.get(0))
        .optional()?;
    Ok(id.and_then(|id| id.parse().ok()))
}
