//! The team's retention policy (Law 25: keep personal information no
//! longer than needed) and the list of what it says should now go, which
//! a coordinator reviews before erasing.

use carnet_core::record::{Record, Retention};
use carnet_core::{ItemId, RecordId, Timestamp};
use serde::Serialize;

use super::Notebook;
use crate::error::Result;

const DAY_MS: i64 = 86_400_000;
/// A month of the policy: a twelfth of a Gregorian year.
const MONTH_MS: i64 = 2_629_746_000;

/// What the retention policy designates today.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RetentionReview {
    /// The policy applied.
    pub policy: Retention,
    /// Persons with no activity since the policy's limit.
    pub persons: Vec<DuePerson>,
    /// Referrals closed before the policy's limit.
    pub referrals: Vec<DueReferral>,
}

/// A person the policy says to erase.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DuePerson {
    /// The person's record.
    pub id: RecordId,
    /// Their pseudonym.
    pub pseudonym: String,
    /// Their file's latest activity.
    pub last_activity: Timestamp,
}

/// A closed referral the policy says to remove.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DueReferral {
    /// The referral.
    pub id: ItemId,
    /// The person whose file holds it.
    pub person: RecordId,
    /// Their pseudonym.
    pub pseudonym: String,
    /// The service.
    pub service: String,
    /// When it closed.
    pub closed_at: Timestamp,
}

impl Notebook {
    /// Set the team's retention policy (coordinators: it is the
    /// workspace's).
    pub fn set_retention(&mut self, policy: Retention) -> Result<()> {
        let clean = |n: Option<u32>| n.filter(|n| *n > 0);
        self.edit_workspace(|w| {
            w.retention = Retention {
                inactive_person_months: clean(policy.inactive_person_months),
                closed_referral_years: clean(policy.closed_referral_years),
            };
            Ok(())
        })
    }

    /// What the policy designates now: persons without activity (their
    /// file, its consents and referrals, the notes linked to them) since
    /// the limit, and referrals closed before theirs.
    pub fn retention_review(&mut self) -> Result<RetentionReview> {
        let policy = self.workspace()?.retention;
        let now = self.now().as_millis();
        let mut review = RetentionReview {
            policy: policy.clone(),
            ..RetentionReview::default()
        };
        if let Some(months) = policy.inactive_person_months {
            let limit = now - i64::from(months) * MONTH_MS;
            // Candidates from the projection: nothing made, closed, due
            // or noted since the limit.
            let candidates: Vec<(String, String)> = self
                .store
                .conn()
                .prepare_cached(
                    "SELECT r.id, p.pseudonym FROM persons p JOIN records r ON r.rowid = p.rowid
                     WHERE p.created_at < ?1
                       AND NOT EXISTS (SELECT 1 FROM referrals f WHERE f.person_rowid = p.rowid
                                       AND (f.made_at >= ?1 OR f.closed_at >= ?1 OR f.closed_at IS NULL))
                       AND NOT EXISTS (SELECT 1 FROM note_persons np JOIN notes n ON n.rowid = np.note_rowid
                                       WHERE np.person_id = r.id AND n.occurred_at >= ?1)",
                )?
                .query_map([limit], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (id, pseudonym) in candidates {
                let Ok(id) = id.parse::<RecordId>() else {
                    continue;
                };
                let Record::Person(p) = self.record(id)? else {
                    continue;
                };
                let referrals = self.referrals_of(&p, id)?;
                let last = std::iter::once(p.created_at)
                    .chain(p.consents.iter().map(|c| c.at))
                    .chain(
                        referrals
                            .iter()
                            .flat_map(|r| r.history.iter().map(|h| h.at)),
                    )
                    .chain(
                        referrals
                            .iter()
                            .flat_map(|r| r.follow_ups.iter().map(|f| f.due.start())),
                    )
                    .chain(p.disclosures.iter().map(|d| d.at))
                    .max()
                    .unwrap_or(p.created_at);
                if last.as_millis() < limit {
                    review.persons.push(DuePerson {
                        id,
                        pseudonym,
                        last_activity: last,
                    });
                }
            }
            review.persons.sort_by_key(|p| p.last_activity);
        }
        if let Some(years) = policy.closed_referral_years {
            let limit = now - i64::from(years) * 365 * DAY_MS - i64::from(years / 4) * DAY_MS;
            let rows: Vec<(String, String, String, String, i64)> = self
                .store
                .conn()
                .prepare_cached(
                    "SELECT f.id, r.id, p.pseudonym, f.service, f.closed_at
                     FROM referrals f JOIN persons p ON p.rowid = f.person_rowid
                     JOIN records r ON r.rowid = p.rowid
                     WHERE f.closed_at IS NOT NULL AND f.closed_at < ?1
                     ORDER BY f.closed_at",
                )?
                .query_map([limit], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            let due_persons: Vec<RecordId> = review.persons.iter().map(|p| p.id).collect();
            for (id, person, pseudonym, service, closed_at) in rows {
                let (Ok(id), Ok(person)) = (id.parse(), person.parse::<RecordId>()) else {
                    continue;
                };
                // A person erased whole takes their referrals along.
                if due_persons.contains(&person) {
                    continue;
                }
                review.referrals.push(DueReferral {
                    id,
                    person,
                    pseudonym,
                    service,
                    closed_at: Timestamp::from_millis(closed_at),
                });
            }
        }
        Ok(review)
    }

    /// Remove closed referrals, as the retention review designated: those
    /// a person's file holds are taken out of it; those that are records
    /// of their own are to be erased by the caller. Returns how many went
    /// from files, the persons whose files changed (their histories still
    /// hold the referrals until they are rewritten, see
    /// [`Notebook::rewrite_person`]), and the referral records to erase.
    pub fn remove_referrals(&mut self, referrals: &[ItemId]) -> Result<RemovedReferrals> {
        let mut out = RemovedReferrals::default();
        for referral in referrals {
            match crate::queries::persons::referral_is_record(self.store.conn(), *referral)? {
                None => continue,
                Some(true) => out.records.push(RecordId::from_uuid(*referral.as_uuid())),
                Some(false) => {
                    let person = self.person_of_referral(*referral)?;
                    self.edit_person(person, |p| {
                        let before = p.referrals.len();
                        p.referrals.retain(|r| r.id != *referral);
                        out.removed += (before - p.referrals.len()) as u32;
                        Ok(())
                    })?;
                    if !out.persons.contains(&person) {
                        out.persons.push(person);
                    }
                }
            }
        }
        Ok(out)
    }

    /// What erasing a record takes along: a person's referrals that are
    /// records of their own go with them.
    pub fn erasure_set(&self, id: RecordId) -> Result<Vec<RecordId>> {
        let mut ids = vec![id];
        ids.extend(self.referral_records_of(id)?);
        Ok(ids)
    }
}

/// What [`Notebook::remove_referrals`] did and leaves to do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemovedReferrals {
    /// Referrals taken out of persons' files.
    pub removed: u32,
    /// The persons whose files changed (to rewrite without history).
    pub persons: Vec<RecordId>,
    /// Referrals that are records of their own, to erase.
    pub records: Vec<RecordId>,
}
