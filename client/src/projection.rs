//! The projection: plain tables derived from each record's document,
//! written in the same transaction as the document change, so lists,
//! filters, counts and search never load Automerge documents.
//!
//! [`project`] is the only writer. It is a function of the record alone
//! (never of the time of writing), so a rebuild from the documents
//! ([`Notebook::rebuild_projection`](crate::Notebook::rebuild_projection))
//! always gives the same tables as the live updates, which [`dump`] lets
//! tests check.

use carnet_core::record::{Note, Person, Place, ReferralRecord, Resource, Workspace};
use carnet_core::vocab::{ConsentPurpose, Vocabulary};
use carnet_core::{Derived, Passage, Record, RecordId, RecordKind};
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;
use crate::store::schema::PROJECTION_TABLES;

/// The length of the excerpt kept for lists.
pub const EXCERPT_CHARS: usize = 200;

fn excerpt(text: &str) -> String {
    // Words joined by single spaces, cut after EXCERPT_CHARS characters.
    let mut out = String::with_capacity(text.len().min(EXCERPT_CHARS * 2));
    let mut chars = 0;
    for word in text.split_whitespace() {
        if chars > 0 {
            if chars == EXCERPT_CHARS {
                out.push('…');
                return out;
            }
            out.push(' ');
            chars += 1;
        }
        for c in word.chars() {
            if chars == EXCERPT_CHARS {
                out.push('…');
                return out;
            }
            out.push(c);
            chars += 1;
        }
    }
    out
}

/// The start of what a note says: its body, or, for a note whose words
/// are all in its log (shadowing) or its stories and issues (a workshop),
/// those, one after another.
fn note_excerpt(n: &Note) -> String {
    if !n.body.as_str().trim().is_empty() {
        return excerpt(n.body.as_str());
    }
    let parts: Vec<&str> = n
        .shadowing
        .iter()
        .map(|e| e.text.as_str())
        .chain(n.stories.iter().map(|s| s.text.as_str()))
        .chain(n.issues_raised.iter().map(|i| i.text.as_str()))
        .filter(|t| !t.trim().is_empty())
        .take(12)
        .collect();
    excerpt(&parts.join(" · "))
}

/// Codes sorted and each once, comma-separated.
fn sorted_codes<V: Vocabulary + Ord>(values: &[V]) -> String {
    let mut v = values.to_vec();
    v.sort();
    v.dedup();
    join_codes(&v)
}

fn join_codes<V: Vocabulary>(values: &[V]) -> String {
    values
        .iter()
        .map(|v| v.code())
        .collect::<Vec<_>>()
        .join(",")
}

/// The projection tables a record of `kind` writes, as delete statements.
fn deletes_for(kind: RecordKind) -> &'static [&'static str] {
    match kind {
        RecordKind::Note => &[
            "DELETE FROM notes WHERE rowid = ?1",
            "DELETE FROM note_texts WHERE rowid = ?1",
            "DELETE FROM note_themes WHERE note_rowid = ?1",
            "DELETE FROM note_persons WHERE note_rowid = ?1",
            "DELETE FROM codings WHERE note_rowid = ?1",
        ],
        // A person's own rows: the referrals it holds, not those that
        // are records of their own.
        RecordKind::Person => &[
            "DELETE FROM persons WHERE rowid = ?1",
            "DELETE FROM referrals WHERE person_rowid = ?1 AND record_rowid IS NULL",
        ],
        RecordKind::Referral => &["DELETE FROM referrals WHERE record_rowid = ?1"],
        RecordKind::Resource => &[
            "DELETE FROM resources WHERE rowid = ?1",
            "DELETE FROM resource_needs WHERE resource_rowid = ?1",
            "DELETE FROM resource_services WHERE resource_rowid = ?1",
        ],
        RecordKind::Place => &["DELETE FROM places WHERE rowid = ?1"],
        RecordKind::Workspace => &[
            "DELETE FROM workspace WHERE rowid = ?1",
            "DELETE FROM themes WHERE workspace_rowid = ?1",
            "DELETE FROM members WHERE workspace_rowid = ?1",
        ],
        // The register is read record by record, by coordinators only.
        RecordKind::Incident => &[],
    }
}

/// Remove a record's projection rows, whatever its kind.
pub fn remove(tx: &Connection, rowid: i64) -> Result<()> {
    for sql in [
        "DELETE FROM notes WHERE rowid = ?1",
        "DELETE FROM note_texts WHERE rowid = ?1",
        "DELETE FROM note_themes WHERE note_rowid = ?1",
        "DELETE FROM note_persons WHERE note_rowid = ?1",
        "DELETE FROM persons WHERE rowid = ?1",
        "DELETE FROM referrals WHERE (person_rowid = ?1 AND record_rowid IS NULL) OR record_rowid = ?1",
        // Referral records of a person who goes stay, without their person.
        "UPDATE referrals SET person_rowid = NULL WHERE person_rowid = ?1",
        "DELETE FROM resources WHERE rowid = ?1",
        "DELETE FROM resource_needs WHERE resource_rowid = ?1",
        "DELETE FROM resource_services WHERE resource_rowid = ?1",
        "DELETE FROM places WHERE rowid = ?1",
        "DELETE FROM workspace WHERE rowid = ?1",
        "DELETE FROM themes WHERE workspace_rowid = ?1",
        "DELETE FROM members WHERE workspace_rowid = ?1",
        "DELETE FROM record_conflicts WHERE record_rowid = ?1",
        "DELETE FROM codings WHERE note_rowid = ?1",
        "DELETE FROM search WHERE rowid = ?1",
    ] {
        tx.prepare_cached(sql)?.execute([rowid])?;
    }
    Ok(())
}

/// Write a record's projection rows, replacing any previous ones (a
/// record never changes kind, so only its kind's tables are cleared).
pub fn project(tx: &Connection, rowid: i64, record: &Record) -> Result<()> {
    for sql in deletes_for(record.kind())
        .iter()
        .chain(["DELETE FROM search WHERE rowid = ?1"].iter())
    {
        tx.prepare_cached(sql)?.execute([rowid])?;
    }
    match record {
        Record::Note(n) => project_note(tx, rowid, n)?,
        Record::Person(p) => project_person(tx, rowid, p)?,
        Record::Resource(r) => project_resource(tx, rowid, r)?,
        Record::Place(p) => project_place(tx, rowid, p)?,
        Record::Workspace(w) => project_workspace(tx, rowid, w)?,
        // Found by its service and notes; its hit opens its person's page.
        Record::Referral(r) => project_referral(tx, rowid, r)?,
        // Kept out of search too: nothing of the register shows in the
        // journal's results.
        Record::Incident(_) => return Ok(()),
    }
    tx.prepare_cached("INSERT INTO search (rowid, title, body) VALUES (?1, ?2, ?3)")?
        .execute(params![
            rowid,
            record.display_name(),
            record.searchable_text()
        ])?;
    Ok(())
}

fn project_note(tx: &Connection, rowid: i64, n: &Note) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO notes (rowid, method, occurred_at, place_id, place_text, sector,
                            author, review, follow_up_needed, follow_up_due, comment_count, created_at,
                            barriers, needs)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        rowid,
        n.method.code(),
        n.occurred_at.as_millis(),
        n.place_id.map(|p| p.to_string()),
        n.place_text,
        n.sector,
        n.author.to_string(),
        n.review.code(),
        n.follow_up.needed,
        n.follow_up.due.map(|d| d.to_iso()),
        n.comments.len() as i64,
        n.created_at.as_millis(),
        sorted_codes(&n.barriers),
        sorted_codes(&n.needs),
    ])?;
    tx.prepare_cached("INSERT INTO note_texts (rowid, title, excerpt) VALUES (?1, ?2, ?3)")?
        .execute(params![rowid, n.title, note_excerpt(n)])?;
    let mut themes = n.themes.clone();
    themes.sort();
    themes.dedup();
    for theme in themes {
        tx.prepare_cached("INSERT INTO note_themes (theme, note_rowid) VALUES (?1, ?2)")?
            .execute(params![theme, rowid])?;
    }
    let mut persons: Vec<RecordId> = n.persons.clone();
    persons.sort();
    persons.dedup();
    for p in persons {
        tx.prepare_cached("INSERT INTO note_persons (person_id, note_rowid) VALUES (?1, ?2)")?
            .execute(params![p.to_string(), rowid])?;
    }
    Ok(())
}

fn project_person(tx: &Connection, rowid: i64, p: &Person) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO persons (rowid, pseudonym, age_group, sector, needs, created_at, in_synthesis,
                              rewritten_from)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        rowid,
        p.pseudonym,
        p.age_group.map(|a| a.code()),
        p.sector,
        join_codes(&p.needs),
        p.created_at.as_millis(),
        p.consent(ConsentPurpose::Research) != Some(false),
        p.rewritten_from.as_ref().map(|r| r.record.to_string()),
    ])?;
    let person_id: String = tx
        .prepare_cached("SELECT id FROM records WHERE rowid = ?1")?
        .query_row([rowid], |r| r.get(0))?;
    for r in &p.referrals {
        let made_by = r.history.first().map(|h| h.by);
        insert_referral(tx, r, &person_id, Some(rowid), None, made_by)?;
    }
    // The person's referrals that are records of their own, projected
    // before the person was here.
    tx.prepare_cached(
        "UPDATE referrals SET person_rowid = ?1 WHERE person_id = ?2 AND record_rowid IS NOT NULL",
    )?
    .execute(params![rowid, person_id])?;
    Ok(())
}

fn project_referral(tx: &Connection, rowid: i64, r: &ReferralRecord) -> Result<()> {
    let person_id = r.person.to_string();
    let person_rowid: Option<i64> = tx
        .prepare_cached("SELECT rowid FROM records WHERE id = ?1 AND kind = 'person'")?
        .query_row([&person_id], |r| r.get(0))
        .optional()?;
    insert_referral(
        tx,
        &r.referral,
        &person_id,
        person_rowid,
        Some(rowid),
        Some(r.made_by),
    )
}

/// A referral's row, whether a person holds it or it is a record.
fn insert_referral(
    tx: &Connection,
    r: &carnet_core::record::Referral,
    person_id: &str,
    person_rowid: Option<i64>,
    record_rowid: Option<i64>,
    made_by: Option<carnet_core::MemberId>,
) -> Result<()> {
    let next = r
        .follow_ups
        .iter()
        .filter(|f| !f.done)
        .map(|f| f.due)
        .min()
        .map(|d| d.to_iso());
    // A referral that is a record wins over a copy still held by its
    // person (before that person's record is migrated everywhere).
    let verb = if record_rowid.is_some() {
        "INSERT OR REPLACE"
    } else {
        "INSERT OR IGNORE"
    };
    tx.prepare_cached(&format!(
        "{verb} INTO referrals (id, person_id, person_rowid, record_rowid, service, resource_id, need, status, made_at, next_follow_up, made_by, outcome, closed_at, service_id, result, answered_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
    ))?
    .execute(params![
        r.id.to_string(),
        person_id,
        person_rowid,
        record_rowid,
        r.service,
        r.resource_id.map(|x| x.to_string()),
        r.need.code(),
        r.status.code(),
        r.made_at.as_millis(),
        next,
        made_by.map(|m| m.to_string()),
        r.outcome.as_deref().map(str::trim).filter(|o| !o.is_empty()),
        closed_at(r).map(|t| t.as_millis()),
        r.service_id.map(|x| x.to_string()),
        r.result.map(|x| x.code()),
        answered_at(r).map(|t| t.as_millis()),
    ])?;
    Ok(())
}

/// When the organisation first answered a referral: the first status
/// change past being proposed or requested (accepted, declined, under way,
/// or closed).
fn answered_at(r: &carnet_core::record::Referral) -> Option<carnet_core::Timestamp> {
    use carnet_core::vocab::ReferralStatus as S;
    r.history
        .iter()
        .filter(|h| !matches!(h.status, S::Draft | S::Proposed | S::Requested))
        .map(|h| h.at)
        .min()
}

/// When a referral closed: the time of the status change that gave it its
/// closing status, when it is closed now.
fn closed_at(r: &carnet_core::record::Referral) -> Option<carnet_core::Timestamp> {
    if !r.status.is_closed() {
        return None;
    }
    r.history
        .iter()
        .rev()
        .find(|h| h.status == r.status)
        .map(|h| h.at)
        .or(Some(r.made_at))
}

fn project_resource(tx: &Connection, rowid: i64, r: &Resource) -> Result<()> {
    let offered = || r.services.iter().filter(|s| !s.retired);
    let mut languages: Vec<&str> = offered()
        .flat_map(|s| s.languages.iter().map(String::as_str))
        .collect();
    languages.sort_unstable();
    languages.dedup();
    let mut sectors: Vec<&str> = r
        .locations
        .iter()
        .filter(|l| !l.retired)
        .filter_map(|l| l.sector.as_deref())
        .collect();
    sectors.sort_unstable();
    sectors.dedup();
    tx.prepare_cached(
        "INSERT INTO resources (rowid, name, name_en, languages, retired, last_verified, sectors, services, external_id, words)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        rowid,
        r.name_fr,
        r.name_en,
        languages.join(","),
        r.retired.is_some(),
        r.last_verified.map(|d| d.to_string()),
        sectors.join(","),
        offered().count() as i64,
        r.external_id,
        directory_words(r),
    ])?;
    let mut needs: Vec<_> = offered().flat_map(|s| s.needs.iter().copied()).collect();
    needs.sort();
    needs.dedup();
    for need in needs {
        tx.prepare_cached("INSERT INTO resource_needs (need, resource_rowid) VALUES (?1, ?2)")?
            .execute(params![need.code(), rowid])?;
    }
    for s in &r.services {
        tx.prepare_cached(
            "INSERT OR REPLACE INTO resource_services (id, resource_rowid, retired) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![s.id.to_string(), rowid, s.retired || r.retired.is_some()])?;
    }
    Ok(())
}

/// Everything the directory's search looks in, folded (accents and case)
/// as the search's words are.
fn directory_words(r: &Resource) -> String {
    let mut parts: Vec<&str> = vec![
        &r.name_fr,
        r.name_en.as_deref().unwrap_or(""),
        r.description_fr.as_str(),
        r.description_en.as_str(),
    ];
    parts.extend(r.phones.iter().map(String::as_str));
    for s in r.services.iter().filter(|s| !s.retired) {
        parts.extend([
            s.name_fr.as_str(),
            s.name_en.as_deref().unwrap_or(""),
            s.description_fr.as_str(),
            s.description_en.as_str(),
            s.eligibility.as_deref().unwrap_or(""),
        ]);
    }
    for l in r.locations.iter().filter(|l| !l.retired) {
        parts.extend([
            l.name.as_str(),
            l.address.as_deref().unwrap_or(""),
            l.sector.as_deref().unwrap_or(""),
        ]);
    }
    carnet_core::fold::fold(&parts.join(" "))
}

fn project_place(tx: &Connection, rowid: i64, p: &Place) -> Result<()> {
    tx.prepare_cached("INSERT INTO places (rowid, name, kind, sector) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![rowid, p.name, p.place_kind.code(), p.sector])?;
    Ok(())
}

fn project_workspace(tx: &Connection, rowid: i64, w: &Workspace) -> Result<()> {
    tx.prepare_cached("INSERT INTO workspace (rowid, name, default_language) VALUES (?1, ?2, ?3)")?
        .execute(params![rowid, w.name, w.default_language.code()])?;
    for t in &w.codebook {
        tx.prepare_cached(
            "INSERT OR REPLACE INTO themes (code, workspace_rowid, label_fr, label_en, colour, parent, archived, merged_into)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            t.code,
            rowid,
            t.label_fr,
            t.label_en,
            t.colour,
            t.parent,
            t.archived,
            t.merged_into
        ])?;
    }
    for m in &w.members {
        tx.prepare_cached(
            "INSERT OR REPLACE INTO members (id, workspace_rowid, name) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![m.id.to_string(), rowid, m.name])?;
    }
    Ok(())
}

/// Record what the projection reads from a record's document beyond the
/// record (after a merge, or a rebuild): its concurrent values and its
/// coded passages.
pub fn derived(tx: &Connection, rowid: i64, derived: &Derived) -> Result<()> {
    conflicts(tx, rowid, derived.conflicts)?;
    passages(tx, rowid, &derived.passages)
}

/// Record a note's coded passages where they stand now (after any write
/// of the note: an edit of its text moves them).
pub fn passages(tx: &Connection, rowid: i64, passages: &[Passage]) -> Result<()> {
    tx.prepare_cached("DELETE FROM codings WHERE note_rowid = ?1")?
        .execute([rowid])?;
    for p in passages {
        tx.prepare_cached(
            "INSERT OR REPLACE INTO codings (note_rowid, id, theme, coder, coded_at, field, item, pos_start, pos_end, passage, text_len)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?
        .execute(params![
            rowid,
            p.coding.to_string(),
            p.theme,
            p.coder.to_string(),
            p.at.as_millis(),
            p.field.as_code(),
            p.item.map(|i| i.to_string()),
            p.start,
            p.end,
            p.text,
            p.text_len,
        ])?;
    }
    Ok(())
}

/// Record how many fields of a record hold concurrent values (after a
/// merge, or a rebuild: only a merge makes them; a local edit can only
/// settle them, see [`settled_locally`]).
fn conflicts(tx: &Connection, rowid: i64, fields: usize) -> Result<()> {
    if fields == 0 {
        tx.prepare_cached("DELETE FROM record_conflicts WHERE record_rowid = ?1")?
            .execute([rowid])?;
    } else {
        tx.prepare_cached(
            "INSERT OR REPLACE INTO record_conflicts (record_rowid, fields) VALUES (?1, ?2)",
        )?
        .execute(params![rowid, fields as i64])?;
    }
    Ok(())
}

/// After a local edit: a change made here sees every value it replaces,
/// so it can settle concurrent values but never make them; only a record
/// that had some is counted again (`count` walks its document).
pub fn settled_locally(tx: &Connection, rowid: i64, count: impl FnOnce() -> usize) -> Result<()> {
    let had: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM record_conflicts WHERE record_rowid = ?1)")?
        .query_row([rowid], |r| r.get(0))?;
    if had {
        conflicts(tx, rowid, count())?;
    }
    Ok(())
}

/// Empty every projection table (before a rebuild).
pub fn clear(tx: &Connection) -> Result<()> {
    for table in PROJECTION_TABLES {
        tx.execute(&format!("DELETE FROM {table}"), [])?;
    }
    Ok(())
}

/// Every row of every projection table, as sorted text lines: two
/// notebooks with the same records have equal dumps.
pub fn dump(conn: &Connection) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for table in PROJECTION_TABLES {
        let (select, key) = match *table {
            // Row ids are local to a device; compare by record id.
            "search" => ("SELECT r.id, s.title, s.body FROM search s JOIN records r ON r.rowid = s.rowid".to_string(), ""),
            "note_themes" => ("SELECT r.id, t.theme FROM note_themes t JOIN records r ON r.rowid = t.note_rowid".to_string(), ""),
            "note_persons" => ("SELECT r.id, t.person_id FROM note_persons t JOIN records r ON r.rowid = t.note_rowid".to_string(), ""),
            "referrals" => ("SELECT t.id, t.person_id, p.id AS person, q.id AS record, t.service, t.resource_id, t.need, t.status, t.made_at, t.next_follow_up, t.made_by, t.outcome, t.closed_at, t.service_id, t.result, t.answered_at FROM referrals t LEFT JOIN records p ON p.rowid = t.person_rowid LEFT JOIN records q ON q.rowid = t.record_rowid".to_string(), ""),
            "resource_services" => ("SELECT r.id, t.id, t.retired FROM resource_services t JOIN records r ON r.rowid = t.resource_rowid".to_string(), ""),
            "resource_needs" => ("SELECT r.id, t.need FROM resource_needs t JOIN records r ON r.rowid = t.resource_rowid".to_string(), ""),
            "themes" => ("SELECT r.id, t.code, t.label_fr, t.label_en, t.colour, t.parent, t.archived, t.merged_into FROM themes t JOIN records r ON r.rowid = t.workspace_rowid".to_string(), ""),
            "codings" => ("SELECT r.id, t.id, t.theme, t.coder, t.coded_at, t.field, t.item, t.pos_start, t.pos_end, t.passage, t.text_len FROM codings t JOIN records r ON r.rowid = t.note_rowid".to_string(), ""),
            "members" => ("SELECT r.id, t.id, t.name FROM members t JOIN records r ON r.rowid = t.workspace_rowid".to_string(), ""),
            "record_conflicts" => ("SELECT r.id, t.fields FROM record_conflicts t JOIN records r ON r.rowid = t.record_rowid".to_string(), ""),
            other => (format!("SELECT r.id, t.* FROM {other} t JOIN records r ON r.rowid = t.rowid"), "rowid"),
        };
        let mut stmt = conn.prepare(&select)?;
        let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
        let rows = stmt.query_map([], |row| {
            let mut line = format!("{table}:");
            for (i, name) in names.iter().enumerate() {
                if name == key {
                    continue;
                }
                let v: rusqlite::types::Value = row.get(i)?;
                line.push_str(&format!(" {name}={v:?}"));
            }
            Ok(line)
        })?;
        for r in rows {
            out.push(r?);
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The definition: words joined by single spaces, cut to
    /// EXCERPT_CHARS characters with an ellipsis when longer.
    fn reference(text: &str) -> String {
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if flat.chars().count() <= EXCERPT_CHARS {
            flat
        } else {
            let mut s: String = flat.chars().take(EXCERPT_CHARS).collect();
            s.push('…');
            s
        }
    }

    #[test]
    fn excerpts_at_the_edges() {
        let exact = "é".repeat(EXCERPT_CHARS);
        assert_eq!(excerpt(&exact), exact);
        assert_eq!(excerpt(&format!("{exact} a")), format!("{exact}…"));
        assert_eq!(excerpt("  un \n\t deux  "), "un deux");
        assert_eq!(excerpt(""), "");
    }

    proptest! {
        #[test]
        fn excerpt_is_the_definition(text in "([a-zé ]{0,40}\n?){0,12}") {
            prop_assert_eq!(excerpt(&text), reference(&text));
        }
    }
}
