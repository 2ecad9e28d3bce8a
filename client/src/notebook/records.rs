//! Any record, whatever its kind: as it stands, who changed what in it,
//! its concurrent values and their settling, and search across every kind.
use carnet_core::{Conflict, Record, RecordId};

use super::Notebook;
use crate::error::Result;
use crate::queries::records as query;
use crate::search;
use crate::views::{
    ConflictedPage, ConflictedRecord, HistoryItem, RecordView, ReviewCounts, SearchHit,
};

impl Notebook {
    /// A record as it stands.
    pub fn record(&mut self, id: RecordId) -> Result<Record> {
        let (rowid, doc) = self.load_doc(id)?;
        let record = doc.record();
        self.cache.put(id, rowid, doc);
        Ok(record?)
    }

    /// A record with its id and bookkeeping.
    pub fn get(&mut self, id: RecordId) -> Result<RecordView> {
        let record = self.record(id)?;
        Ok(RecordView {
            id,
            updated_at: query::updated_at(self.store.conn(), id)?,
            record,
        })
    }

    /// Full-text search, accents and case ignored, best matches first.
    pub fn search(&self, query: &str, limit: u32) -> Result<Vec<SearchHit>> {
        search::search(self.store.conn(), query, limit)
    }

    /// Search the journal's notes within a filter: the count and the best
    /// `limit` matches, titles first.
    pub fn search_notes(
        &self,
        query: &str,
        filter: &crate::NoteFilter,
        limit: u32,
    ) -> Result<crate::views::NoteSearch> {
        search::search_notes(self.store.conn(), query, filter, limit)
    }

    /// Who changed what in a record, and when, oldest first.
    pub fn history(&mut self, id: RecordId) -> Result<Vec<HistoryItem>> {
        let (rowid, mut doc) = self.load_doc(id)?;
        let entries = doc.history();
        self.cache.put(id, rowid, doc);
        let names = query::member_names(self.store.conn())?;
        Ok(entries
            .into_iter()
            .map(|entry| HistoryItem {
                author_name: entry
                    .author
                    .and_then(|a| names.get(&a.to_string()).cloned()),
                entry,
            })
            .collect())
    }

    /// Fields of a record that hold concurrent values.
    pub fn conflicts(&mut self, id: RecordId) -> Result<Vec<Conflict>> {
        let (rowid, mut doc) = self.load_doc(id)?;
        let c = doc.conflicts();
        self.cache.put(id, rowid, doc);
        Ok(c)
    }

    /// A page of the records of every kind whose fields hold concurrent
    /// values, most recently changed first, with the values.
    pub fn conflicted(&mut self, limit: u32, offset: u32) -> Result<ConflictedPage> {
        let (total, ids) = query::conflicted(self.store.conn(), limit, offset)?;
        let mut records = Vec::with_capacity(ids.len());
        for (id, kind) in ids {
            let (rowid, mut doc) = self.load_doc(id)?;
            let conflicts = doc.conflicts();
            let record = doc.record();
            self.cache.put(id, rowid, doc);
            let record = record?;
            records.push(ConflictedRecord {
                id,
                kind,
                name: record.display_name().to_string(),
                updated_at: query::updated_at(self.store.conn(), id)?,
                contexts: conflicts
                    .iter()
                    .map(|c| context(&record, &c.path))
                    .collect(),
                conflicts,
            });
        }
        Ok(ConflictedPage { total, records })
    }

    /// What waits for review here: the badge in the navigation.
    pub fn review_counts(&self) -> Result<ReviewCounts> {
        let inbox = crate::queries::inbox::counts(self.store.conn())?;
        Ok(ReviewCounts {
            conflicted: query::conflicted_count(self.store.conn())?,
            unseen: inbox.unseen,
            mentions: inbox.mentions,
            to_review: query::to_review_count(self.store.conn())?,
        })
    }

    /// Settle a field's concurrent values by keeping the `choice`-th one.
    pub fn settle_conflict(&mut self, id: RecordId, path: &str, choice: usize) -> Result<()> {
        let (rowid, mut doc) = self.load_doc(id)?;
        let now = self.now();
        let chunk = match doc.settle(&self.actor, now, path, choice) {
            Ok(c) => c,
            Err(e) => {
                self.cache.put(id, rowid, doc);
                return Err(e.into());
            }
        };
        self.commit_change(id, rowid, doc, &chunk, now, None)
    }
}

/// What names the list item a field at `path` belongs to: a referral's
/// service, a theme's code, a resource's service.
fn context(record: &Record, path: &str) -> Option<String> {
    if let (Record::Referral(r), true) = (record, path.starts_with("referral.")) {
        return Some(r.referral.service.clone());
    }
    let mut parts = path.split('.');
    let list = parts.next()?;
    let index: usize = parts.next()?.parse().ok()?;
    match (record, list) {
        (Record::Person(p), "referrals") => p.referrals.get(index).map(|r| r.service.clone()),
        (Record::Workspace(w), "codebook") => w.codebook.get(index).map(|t| t.code.clone()),
        (Record::Workspace(w), "members") => w.members.get(index).map(|m| m.name.clone()),
        (Record::Resource(r), "services") => r.services.get(index).map(|s| s.name_fr.clone()),
        _ => None,
    }
}
