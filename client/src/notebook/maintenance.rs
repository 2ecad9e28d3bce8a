//! Keeping a notebook whole: checks, rebuilding the projection, counts,
//! bulk inserts (demo data, benchmarks), checkpoints, and purging an
//! erased record.
use carnet_core::demo::{code_passages as code_demo_passages, DemoGenerator};
use carnet_core::{Record, RecordDoc, RecordId, RecordKind};
use rusqlite::params;

use super::Notebook;
use crate::error::{ClientError, Result};
use crate::projection;
use crate::queries::records as query;
use crate::store::write;
use crate::views::Counts;

impl Notebook {
    /// Every record id, in creation order.
    pub fn record_ids(&self) -> Result<Vec<(RecordId, RecordKind)>> {
        query::ids(self.store.conn())
    }

    /// Rebuild the projection and search index from the documents.
    /// Damaged records keep no projection rows and are flagged.
    pub fn rebuild_projection(&mut self) -> Result<usize> {
        self.cache.clear();
        let ids = self.record_ids()?;
        let mut decoded = Vec::with_capacity(ids.len());
        for (id, _) in &ids {
            match self.load_doc(*id) {
                Ok((rowid, doc)) => {
                    let read = doc.read()?;
                    let derived = doc.derived_of(&read);
                    decoded.push((rowid, read.record, derived));
                }
                Err(ClientError::Damaged { .. }) => continue,
                Err(e) => return Err(e),
            }
        }
        let tx = self.store.transaction()?;
        projection::clear(&tx)?;
        for (rowid, record, derived) in &decoded {
            projection::project(&tx, *rowid, record)?;
            projection::derived(&tx, *rowid, derived)?;
        }
        tx.commit()?;
        self.codebook = self.load_codebook()?;
        Ok(decoded.len())
    }

    /// Every projection row as text, for comparing two notebooks.
    pub fn projection_dump(&self) -> Result<Vec<String>> {
        projection::dump(self.store.conn())
    }

    /// Load every record, flag the ones whose data does not decode, and
    /// return their ids with the reason.
    pub fn check(&mut self) -> Result<Vec<(RecordId, String)>> {
        self.cache.clear();
        let mut damaged = Vec::new();
        for (id, _) in self.record_ids()? {
            match self.load_doc(id) {
                Err(ClientError::Damaged { reason, .. }) => damaged.push((id, reason)),
                Ok((_, doc)) => {
                    if let Err(e) = doc.record() {
                        self.store.mark_damaged(id, &e.to_string())?;
                        damaged.push((id, e.to_string()));
                    }
                }
                // Anything else (SQLite failing to read the row, say) is not
                // one record's damage: the check itself failed, and says so.
                Err(e) => return Err(e),
            }
        }
        self.cache.clear();
        Ok(damaged)
    }

    /// SQLite's quick structural check of the file.
    pub fn check_quick(&self) -> Result<()> {
        let result: String = self
            .store
            .conn()
            .query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if result == "ok" {
            Ok(())
        } else {
            Err(ClientError::Corrupt(result))
        }
    }

    /// Counts of records by kind.
    pub fn counts(&self) -> Result<Counts> {
        query::counts(self.store.conn())
    }

    /// Insert many ready-made records in one transaction per `batch`
    /// (the demo generator and benchmarks), demo notes coded as their
    /// authors would ([`code_demo_passages`]); `progress` is told how
    /// many are durable so far.
    pub fn insert_records(
        &mut self,
        records: impl IntoIterator<Item = (RecordId, Record)>,
        batch: usize,
        mut progress: impl FnMut(usize),
    ) -> Result<usize> {
        let now = self.now();
        let mut done = 0;
        let mut iter = records.into_iter().peekable();
        while iter.peek().is_some() {
            let tx = self.store.transaction()?;
            for (id, record) in iter.by_ref().take(batch.max(1)) {
                let mut doc = RecordDoc::create(id, &record, &self.codebook, &self.actor, now)?;
                let coded = code_demo_passages(&mut doc, &self.actor, now, self.env.ids.as_ref())?;
                let record = if coded.is_empty() {
                    record
                } else {
                    doc.record()?
                };
                let rowid = write::insert(&tx, &mut doc, now)?;
                projection::project(&tx, rowid, &record)?;
                if let Record::Note(n) = &record {
                    if !n.codings.is_empty() {
                        projection::passages(&tx, rowid, &doc.passages_of(n))?;
                    }
                }
                done += 1;
            }
            tx.commit()?;
            progress(done);
        }
        Ok(done)
    }

    /// Copy the write-ahead log into the notebook's file, as far as
    /// readers allow: batches leave it to later (see
    /// [`Store::end_batch`](crate::store::Store::end_batch)). Returns the
    /// pages the log held.
    pub fn checkpoint(&self) -> Result<i64> {
        self.store.checkpoint()
    }
    /// Remove every trace of an erased record: document, chunks,
    /// projection, search index; remember its id so it never comes back.
    /// The files are scrubbed by [`Notebook::scrub`] (after a sync's
    /// erasures, once).
    pub(crate) fn purge(&mut self, id: RecordId) -> Result<()> {
        self.purge_with(id, "", "")
    }

    fn purge_with(&mut self, id: RecordId, kind: &str, reason: &str) -> Result<()> {
        self.cache.take(id);
        let now = self.now();
        let tx = self.store.transaction()?;
        if let Some(rowid) = query::rowid(&tx, id)? {
            projection::remove(&tx, rowid)?;
            tx.execute("DELETE FROM records WHERE rowid = ?1", [rowid])?;
        }
        tx.execute("DELETE FROM sync_wanted WHERE id = ?1", [id.to_string()])?;
        tx.execute(
            "INSERT OR IGNORE INTO erased (id, purged_at, kind, reason) VALUES (?1, ?2, ?3, ?4)",
            params![id.to_string(), now.as_millis(), kind, reason],
        )?;
        tx.commit()?;
        self.store.scrub_due();
        Ok(())
    }

    /// Leave nothing of the records erased since the last scrub in the
    /// notebook's files (see [`Store::scrub`](crate::store::Store::scrub)).
    pub fn scrub(&mut self) -> Result<()> {
        self.store.scrub()
    }

    /// Delete a record of a personal notebook for good, with the reason
    /// (kept with its id and kind, never its content): every trace of it
    /// leaves the notebook's files. In a team, the coordinator erases
    /// records, on every device.
    pub fn delete_record(&mut self, id: RecordId, reason: &str) -> Result<()> {
        if self.store.is_joined()? {
            return Err(ClientError::BadInput(
                "in a team, ask your coordinator: their erasure reaches every device".into(),
            ));
        }
        if reason.trim().is_empty() {
            return Err(ClientError::BadInput(
                "say why this record is deleted (the reason is kept, never the content)".into(),
            ));
        }
        let kind = self.load_doc(id)?.1.kind();
        if kind == RecordKind::Workspace {
            return Err(ClientError::BadInput(
                "the notebook's own settings cannot be deleted".into(),
            ));
        }
        self.purge_with(id, kind.code(), reason.trim())?;
        self.scrub()
    }

    /// Fill the notebook with `n` synthetic records from `seed` (their
    /// themes are the starter codebook's).
    pub fn fill_demo(&mut self, n: usize, seed: u64, progress: impl FnMut(usize)) -> Result<usize> {
        let members = vec![self.member()];
        let mut generator = DemoGenerator::new(seed, self.now(), members);
        let records = std::iter::from_fn(move || Some(generator.next_record())).take(n);
        self.insert_records(records, 500, progress)
    }
}

impl Notebook {
    /// Write a backup of this notebook to `out` while it stays in use
    /// (see [`crate::backup`]): with `passphrase`, its key is sealed by it,
    /// to restore on another computer; without, as this notebook's is.
    pub fn backup(
        &mut self,
        out: &std::path::Path,
        passphrase: Option<&crate::Passphrase>,
        progress: impl FnMut(crate::backup::BackupProgress),
    ) -> Result<crate::backup::BackupInfo> {
        let team = self.workspace().map(|w| w.name).unwrap_or_default();
        crate::backup::write(
            crate::backup::Source {
                conn: self.store.conn(),
                dir: &self.dir,
                unlock: &self.env.unlock,
                made_at: self.env.clock.now().as_millis(),
                team,
                member: self.member_name.clone(),
            },
            out,
            passphrase,
            progress,
        )
    }
}
