//! [`Notebook`]: the application API. The `carnet` command line, the
//! desktop window and the tests all call this one type.
//!
//! Every method that returns `Ok` after a write has committed its SQLite
//! transaction: the document chunk, the projection rows and the search
//! index change together or not at all.
//!
//! This file holds the notebook itself: its state, the cache of decoded
//! documents, and the one path every edit takes (load, change, validate,
//! append, project, commit). Each concern has its own `impl Notebook` in
//! a file of its own:
//!
//! - `notebook/lifecycle.rs`: creating, joining and opening a notebook;
//! - `notebook/notes.rs`: notes and what they hold (shadowing entries, stories,
//!   comments);
//! - `notebook/codings.rs`: coding passages with the codebook, merging and
//!   archiving themes, passages across the team and agreement;
//! - `notebook/persons.rs`: persons, consents and referrals;
//! - `notebook/directory.rs`: the directory's organisations and the places;
//! - `notebook/workspace.rs`: the team's workspace and its codebook;
//! - `notebook/records.rs`: any record as it stands, its history and concurrent
//!   values, and search;
//! - `notebook/synthesis.rs`: the aggregates of the team's dashboard;
//! - `notebook/receive.rs`: merging what another device or the server sent;
//! - `notebook/maintenance.rs`: checks, rebuilds, counts, bulk inserts, erasure.
//!
//! Reads of the projection are in [`crate::queries`] and [`crate::search`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use carnet_core::recent::Recent;
use carnet_core::sync::Access;
use carnet_core::{
    Actor, Clock, Codebook, IdGen, ItemId, MemberId, Record, RecordDoc, RecordId, SystemClock,
    SystemIds, Timestamp,
};

use crate::error::{ClientError, Result};
use crate::projection;
use crate::store::keys::Unlock;
use crate::store::{self, write, Membership, Store};
pub use crate::views::Counts;
pub use incidents::{missing as incident_missing, IncidentEntry, IncidentInput};
pub use receive::Incoming;
pub use retention::{DuePerson, DueReferral, RemovedReferrals, RetentionReview};

mod codings;
mod comments;
mod directory;
mod inbox;
mod incidents;
mod lifecycle;
mod maintenance;
mod notes;
mod partners;
mod persons;
mod receive;
mod records;
mod retention;
mod synthesis;
mod workspace;

/// How many decoded documents are kept in memory for quick edits.
const CACHE_DOCS: usize = 256;

/// Time and ids, injected so tests are deterministic.
#[derive(Debug, Clone)]
pub struct Environment {
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// The id generator.
    pub ids: Arc<dyn IdGen>,
    /// How the notebook's key is unlocked (the secret store unless a
    /// passphrase is given).
    pub unlock: Unlock,
}

impl Default for Environment {
    fn default() -> Self {
        Self {
            clock: Arc::new(SystemClock),
            ids: Arc::new(SystemIds),
            unlock: Unlock::default(),
        }
    }
}

impl Environment {
    /// The default environment, unlocking with `unlock`.
    pub fn unlocked_by(unlock: Unlock) -> Self {
        Self {
            unlock,
            ..Self::default()
        }
    }
}

/// A small cache of decoded documents (with their row ids), by record id.
#[derive(Debug)]
struct DocCache(Recent<RecordId, (i64, RecordDoc)>);

impl Default for DocCache {
    fn default() -> Self {
        Self(Recent::new(CACHE_DOCS))
    }
}

impl DocCache {
    fn take(&mut self, id: RecordId) -> Option<(i64, RecordDoc)> {
        self.0.take(&id)
    }
    fn put(&mut self, id: RecordId, rowid: i64, doc: RecordDoc) {
        self.0.put(id, (rowid, doc));
    }
    fn clear(&mut self) {
        self.0.clear();
    }
}

/// A local notebook: the records of one member's device.
#[derive(Debug)]
pub struct Notebook {
    store: Store,
    dir: PathBuf,
    env: Environment,
    actor: Actor,
    member_name: String,
    workspace_id: RecordId,
    codebook: Codebook,
    cache: DocCache,
    /// Referrals edited here while their person's record held them, whose
    /// record (made by the team's server when it moved them) has not
    /// arrived yet: their edits are brought to it when it does.
    held_waiting: Vec<carnet_core::record::Referral>,
}

fn session_bytes(ids: &dyn IdGen, at: Timestamp) -> [u8; 8] {
    let u = ids.next_uuid(at);
    let mut s = [0u8; 8];
    s.copy_from_slice(&u.as_bytes()[8..16]);
    s
}

impl Notebook {
    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// This device's member.
    pub fn member(&self) -> MemberId {
        self.actor.member()
    }

    /// This device's member's name.
    pub fn member_name(&self) -> &str {
        &self.member_name
    }

    /// The workspace record's id.
    pub fn workspace_id(&self) -> RecordId {
        self.workspace_id
    }

    /// The notebook's clock (injected, so tests are deterministic).
    pub fn now(&self) -> Timestamp {
        self.env.clock.now()
    }

    /// How this notebook's key was unlocked.
    pub fn unlocked_by(&self) -> &Unlock {
        &self.env.unlock
    }

    pub(crate) fn new_item(&self) -> ItemId {
        ItemId::generate(self.env.ids.as_ref(), self.now())
    }

    // ----- documents -------------------------------------------------

    fn load_doc(&mut self, id: RecordId) -> Result<(i64, RecordDoc)> {
        if let Some(hit) = self.cache.take(id) {
            return Ok(hit);
        }
        let stored = self.store.load(id)?.ok_or_else(|| ClientError::NotFound {
            what: "record",
            id: id.to_string(),
        })?;
        match store::decode(id, &stored) {
            Ok(doc) => Ok((stored.rowid, doc)),
            Err(e) => {
                if stored.damaged.is_none() {
                    self.store.mark_damaged(id, &e.to_string())?;
                }
                Err(e)
            }
        }
    }

    fn create_record(&mut self, id: RecordId, record: Record) -> Result<RecordId> {
        let now = self.now();
        let doc = RecordDoc::create(id, &record, &self.codebook, &self.actor, now)?;
        self.commit_new(doc, &record, now)?;
        Ok(id)
    }

    /// Persist a change already applied to `doc`: append its chunk and
    /// re-project the record in one transaction, then keep the document
    /// cached. On error the document (which holds a change that is not on
    /// disk) is dropped so the next read comes from disk. `record` is the
    /// record as it now stands, when the caller already has it.
    fn commit_change(
        &mut self,
        id: RecordId,
        rowid: i64,
        mut doc: RecordDoc,
        chunk: &[u8],
        now: Timestamp,
        record: Option<Record>,
    ) -> Result<()> {
        let record = match record {
            Some(r) => r,
            None => doc.record()?,
        };
        let tx = self.store.transaction()?;
        write::append(&tx, rowid, &mut doc, chunk, now)?;
        projection::project(&tx, rowid, &record)?;
        projection::settled_locally(&tx, rowid, || doc.conflict_count())?;
        if let Record::Note(n) = &record {
            if !n.codings.is_empty() {
                projection::passages(&tx, rowid, &doc.passages_of(n))?;
            }
        }
        tx.commit()?;
        self.after_write(id, rowid, doc, &record);
        Ok(())
    }

    /// Persist a record new to this notebook, in one transaction.
    fn commit_new(&mut self, mut doc: RecordDoc, record: &Record, now: Timestamp) -> Result<()> {
        let tx = self.store.transaction()?;
        let rowid = write::insert(&tx, &mut doc, now)?;
        projection::project(&tx, rowid, record)?;
        projection::derived(&tx, rowid, &doc.derived(record))?;
        tx.commit()?;
        self.after_write(doc.id(), rowid, doc, record);
        Ok(())
    }

    fn after_write(
        &mut self,
        id: RecordId,
        rowid: i64,
        doc: impl Into<Option<RecordDoc>>,
        record: &Record,
    ) {
        if let (Record::Workspace(w), true) = (record, id == self.workspace_id) {
            self.codebook = Codebook::of(w);
        }
        if let Some(doc) = doc.into() {
            self.cache.put(id, rowid, doc);
        }
    }

    /// Change a record: `f` edits it; the change is validated, appended
    /// and projected in one transaction. Returns what `f` returned.
    pub fn edit<T>(&mut self, id: RecordId, f: impl FnOnce(&mut Record) -> Result<T>) -> Result<T> {
        let (rowid, mut doc) = self.load_doc(id)?;
        let now = self.now();
        let result = doc.edit(&self.actor, now, &self.codebook, f);
        let (out, chunk) = match result {
            Ok(v) => v,
            Err(e) => {
                // The document is unchanged on error; keep it cached.
                self.cache.put(id, rowid, doc);
                return Err(e);
            }
        };
        if chunk.is_empty() {
            self.cache.put(id, rowid, doc);
            return Ok(out);
        }
        self.commit_change(id, rowid, doc, &chunk, now, None)?;
        Ok(out)
    }

    fn edit_kind<T, R>(
        &mut self,
        id: RecordId,
        expected: &'static str,
        pick: impl FnOnce(&mut Record) -> Option<&mut R>,
        f: impl FnOnce(&mut R) -> Result<T>,
    ) -> Result<T> {
        self.edit(id, |record| {
            let actual = record.kind().to_string();
            match pick(record) {
                Some(r) => f(r),
                None => Err(ClientError::WrongKind {
                    id,
                    expected,
                    actual,
                }),
            }
        })
    }

    /// A record as it stands.
    /// The team server this notebook is joined to; `None` for a personal
    /// notebook.
    pub fn membership(&self) -> Result<Option<Membership>> {
        self.store.membership()
    }

    /// What this device may read and write: everything in a personal
    /// notebook, else what its role on the team allows.
    pub fn access(&self) -> Result<Access> {
        self.store.access()
    }

    /// Run `f` as one transaction: everything it writes commits together
    /// (one disk sync for a whole sync answer), or nothing does.
    pub fn batch<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        self.store.begin_batch()?;
        let result = f(self);
        let committed = match self.store.end_batch(result.is_ok()) {
            Ok(c) => c,
            Err(e) => {
                // A failed COMMIT leaves the transaction to roll back.
                let _ = self.store.end_batch(false);
                self.forget_unsaved()?;
                return Err(e);
            }
        };
        if !committed {
            self.forget_unsaved()?;
        }
        match result {
            Ok(_) if !committed => Err(ClientError::RolledBack),
            other => other,
        }
    }

    /// After a rollback: cached documents may hold changes that are not
    /// on disk any more.
    fn forget_unsaved(&mut self) -> Result<()> {
        self.cache.clear();
        self.codebook = self.load_codebook()?;
        Ok(())
    }

    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    pub(crate) fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    /// A record's document, for reading (kept cached).
    pub(crate) fn with_doc<T>(
        &mut self,
        id: RecordId,
        f: impl FnOnce(&mut RecordDoc) -> T,
    ) -> Result<T> {
        let (rowid, mut doc) = self.load_doc(id)?;
        let out = f(&mut doc);
        self.cache.put(id, rowid, doc);
        Ok(out)
    }
}
