//! Persons and their referrals, as the persons list and the referral
//! board show them.

use carnet_core::vocab::{ReferralStatus, Vocabulary};
use carnet_core::{ItemId, RecordId, Timestamp};
use rusqlite::{Connection, OptionalExtension};

use super::{vocab_code, vocab_codes};
use crate::error::Result;
use crate::views::{LinkedNoteSummary, PersonSummary, ReferralSummary};

/// Every pseudonym this device holds (to keep them unique).
pub fn pseudonyms(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT pseudonym FROM persons")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The persons this device holds, by pseudonym, with referral counts.
pub fn persons(conn: &Connection) -> Result<Vec<PersonSummary>> {
    let closed: Vec<String> = ReferralStatus::ALL
        .iter()
        .filter(|s| s.is_closed())
        .map(|s| format!("'{}'", s.as_code()))
        .collect();
    let sql = format!(
        "SELECT r.id, p.pseudonym, p.age_group, p.sector, p.needs,
                (SELECT COUNT(*) FROM referrals f WHERE f.person_rowid = p.rowid),
                (SELECT COUNT(*) FROM referrals f WHERE f.person_rowid = p.rowid
                    AND f.status NOT IN ({}))
         FROM persons p JOIN records r ON r.rowid = p.rowid",
        closed.join(",")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, u32>(5)?,
            r.get::<_, u32>(6)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, pseudonym, age_group, sector, needs, referrals, open_referrals) = row?;
        let Ok(id) = id.parse() else { continue };
        out.push(PersonSummary {
            id,
            pseudonym,
            age_group: age_group.as_deref().and_then(vocab_code),
            sector,
            needs: vocab_codes(&needs),
            referrals,
            open_referrals,
        });
    }
    out.sort_by_cached_key(|p| p.pseudonym.to_lowercase());
    Ok(out)
}

/// Referrals, optionally only in one status, newest first.
pub fn referrals(
    conn: &Connection,
    status: Option<ReferralStatus>,
) -> Result<Vec<ReferralSummary>> {
    let mut stmt = conn.prepare_cached(
        "SELECT f.id, r.id, p.pseudonym, f.service, f.need, f.status, f.made_at, f.next_follow_up,
                f.made_by, f.resource_id, f.outcome, f.result, f.service_id
         FROM referrals f JOIN records r ON r.rowid = f.person_rowid JOIN persons p ON p.rowid = f.person_rowid
         WHERE ?1 IS NULL OR f.status = ?1 ORDER BY f.made_at DESC",
    )?;
    let rows = stmt.query_map([status.map(|s| s.as_code())], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get(6)?,
            r.get(7)?,
            r.get::<_, Option<String>>(8)?,
            r.get::<_, Option<String>>(9)?,
            r.get(10)?,
            r.get::<_, Option<String>>(11)?,
            r.get::<_, Option<String>>(12)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (
            id,
            person,
            pseudonym,
            service,
            need,
            status,
            made,
            next,
            by,
            resource,
            outcome,
            result,
            service_id,
        ) = row?;
        let (Ok(id), Ok(person), Some(need), Some(status)) = (
            id.parse(),
            person.parse(),
            vocab_code(&need),
            vocab_code(&status),
        ) else {
            continue;
        };
        out.push(ReferralSummary {
            id,
            person,
            pseudonym,
            service,
            need,
            status,
            made_at: Timestamp::from_millis(made),
            next_follow_up: next,
            made_by: by.and_then(|b| b.parse().ok()),
            resource_id: resource.and_then(|r| r.parse().ok()),
            service_id: service_id.and_then(|s| s.parse().ok()),
            outcome,
            result: result.as_deref().and_then(vocab_code),
        });
    }
    Ok(out)
}

/// The person record a referral belongs to, if this device holds it.
pub fn person_of_referral(conn: &Connection, referral: ItemId) -> Result<Option<RecordId>> {
    let id: Option<String> = conn
        .query_row(
            "SELECT person_id FROM referrals WHERE id = ?1",
            [referral.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    Ok(id.and_then(|s| s.parse().ok()))
}

/// The notes linked to a person, newest first.
pub fn linked_notes(conn: &Connection, person: RecordId) -> Result<Vec<LinkedNoteSummary>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, x.title, n.occurred_at FROM note_persons np
         JOIN notes n ON n.rowid = np.note_rowid JOIN records r ON r.rowid = n.rowid
         JOIN note_texts x ON x.rowid = n.rowid
         WHERE np.person_id = ?1 ORDER BY n.occurred_at DESC",
    )?;
    let rows = stmt.query_map([person.to_string()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, title, at) = row?;
        if let Ok(id) = id.parse() {
            out.push(LinkedNoteSummary {
                id,
                title,
                occurred_at: Timestamp::from_millis(at),
            });
        }
    }
    Ok(out)
}

/// The person's record rewritten from `old`, if there is one.
pub fn rewritten_from(conn: &Connection, old: RecordId) -> Result<Option<RecordId>> {
    let id: Option<String> = conn
        .prepare_cached(
            "SELECT r.id FROM persons p JOIN records r ON r.rowid = p.rowid WHERE p.rewritten_from = ?1",
        )?
        .query_row([old.to_string()], |r| r.get(0))
        .optional()?;
    Ok(id.and_then(|i| i.parse().ok()))
}

/// Whether a referral is a record of its own (`Some(true)`), held by its
/// person's record (`Some(false)`), or unknown here.
pub fn referral_is_record(conn: &Connection, referral: ItemId) -> Result<Option<bool>> {
    Ok(conn
        .prepare_cached("SELECT record_rowid IS NOT NULL FROM referrals WHERE id = ?1")?
        .query_row([referral.to_string()], |r| r.get(0))
        .optional()?)
}

/// A person's referrals that are records of their own.
pub fn referral_records_of(conn: &Connection, person: RecordId) -> Result<Vec<RecordId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id FROM referrals f JOIN records r ON r.rowid = f.record_rowid
         WHERE f.person_id = ?1 ORDER BY f.made_at",
    )?;
    let rows = stmt.query_map([person.to_string()], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for row in rows {
        if let Ok(id) = row?.parse() {
            out.push(id);
        }
    }
    Ok(out)
}

/// Persons whose record still holds referrals (made before referrals were
/// records of their own).
pub fn persons_holding_referrals(conn: &Connection) -> Result<Vec<RecordId>> {
    let mut stmt =
        conn.prepare_cached("SELECT DISTINCT person_id FROM referrals WHERE record_rowid IS NULL")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for row in rows {
        if let Ok(id) = row?.parse() {
            out.push(id);
        }
    }
    Ok(out)
}

/// Whether any person's record still holds referrals.
pub fn holds_referrals(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM referrals WHERE record_rowid IS NULL LIMIT 1")?
        .query_row([], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The referral records addressed to an organisation.
pub fn referral_records_to(conn: &Connection, organisation: RecordId) -> Result<Vec<RecordId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id FROM referrals f JOIN records r ON r.rowid = f.record_rowid
         WHERE f.resource_id = ?1",
    )?;
    let rows = stmt.query_map([organisation.to_string()], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for row in rows {
        if let Ok(id) = row?.parse() {
            out.push(id);
        }
    }
    Ok(out)
}
