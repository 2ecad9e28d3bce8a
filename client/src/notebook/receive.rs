//! Merging what another device or the sync server sent, many records at
//! once, in three steps:
//!
//! 1. read each record's stored bytes (SQLite, on this thread);
//! 2. decode, merge, check and hydrate each document, on every core: this
//!    is most of the work, and each record's is independent;
//! 3. write each record's new chunk, projection and server heads, in the
//!    order received (SQLite, on this thread).
//!
//! The outcome of each record is its own: a record refused does not stop
//! the others. A storage error stops everything (the caller's batch then
//! rolls back whole).

use automerge::ChangeHash;
use carnet_core::changes::MemberChanges;
use carnet_core::document::Merged;
use carnet_core::parallel;
use carnet_core::{CoreError, Derived, MemberId, Record, RecordDoc, RecordId, RecordKind};

use super::Notebook;
use crate::error::{ClientError, Result};
use crate::inbox::{self, News};
use crate::projection;
use crate::store::{self, write, StoredRecord};
use crate::views::MergeOutcome;

/// Changes received for one record.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    /// The record.
    pub id: RecordId,
    /// The kind the sender says it is: changes that make or find a record
    /// of another kind are refused.
    pub kind: Option<RecordKind>,
    /// The Automerge changes (or a whole document).
    pub changes: &'a [u8],
    /// The heads the sender (the sync server) holds for the record: when
    /// the merge is not waiting for missing changes, they are recorded
    /// with it, as [`ClientStore::set_server_heads`] would.
    ///
    /// [`ClientStore::set_server_heads`]: carnet_core::sync::client::ClientStore::set_server_heads
    pub server_heads: Option<&'a [ChangeHash]>,
}

/// Below this many records, everything runs on the calling thread.
const PARALLEL_FROM: usize = 16;

/// What step 1 found for a record.
enum Start {
    Erased,
    New,
    Cached(i64, Box<RecordDoc>),
    Stored(Box<StoredRecord>),
}

/// What step 2 made of a record, for step 3 to write.
enum Done {
    /// Refused: nothing is written.
    Refused(ClientError),
    /// The stored bytes do not decode: flag the record (unless it is).
    Damaged { error: ClientError, flagged: bool },
    /// New here.
    Created {
        kind: RecordKind,
        kept: Option<RecordDoc>,
        record: Box<Record>,
        dirty: bool,
        /// Concurrent values and coded passages.
        derived: Derived,
        /// What other members did, for the inbox.
        news: Option<News>,
    },
    /// Some changes wait for others not received; nothing to write.
    Waiting,
    /// Nothing new; a kept document goes back to the cache.
    Unchanged {
        rowid: i64,
        kept: Option<RecordDoc>,
        dirty: bool,
    },
    /// New changes to append.
    Updated {
        rowid: i64,
        kept: Kept,
        new: Vec<u8>,
        missing_deps: bool,
        record: Box<Record>,
        dirty: bool,
        /// Concurrent values and coded passages.
        derived: Derived,
        /// What other members did, for the inbox.
        news: Option<News>,
    },
}

/// What becomes of a merged document.
enum Kept {
    /// It goes to the cache (and makes the snapshot if compaction is due).
    Doc(Box<RecordDoc>),
    /// It was dropped on the worker's thread, with the snapshot to write
    /// if compaction is due. A batch from the server does not push the
    /// notes the user has open out of the cache, and each document is
    /// freed on the thread that made it (cheaper for the allocator).
    Dropped(Option<Vec<u8>>),
}

/// Whether `doc` holds changes the server (holding `heads`) lacks.
fn still_dirty(doc: &mut RecordDoc, heads: Option<&[ChangeHash]>) -> bool {
    let Some(heads) = heads else {
        return false;
    };
    let ours = doc.heads();
    if ours.iter().all(|h| heads.contains(h)) {
        return false;
    }
    let known = doc.known_heads(heads);
    !doc.changes_since(&known).is_empty()
}

fn kind_refused(id: RecordId, said: RecordKind, actual: RecordKind) -> ClientError {
    ClientError::BadAnswer(format!(
        "record {id}: the sender sent a {said} for a {actual}"
    ))
}

/// Step 2 for one record: pure work on its document, no SQLite. With
/// `keep`, merged documents go to the cache; without, they are dropped
/// here unless they came from it.
fn work(item: &Incoming<'_>, start: Start, keep: bool, review: Option<&Review>) -> Done {
    let (rowid, mut doc, chunks) = match start {
        Start::Erased => {
            return Done::Refused(ClientError::BadAnswer(format!(
                "record {} was erased by a coordinator and cannot come back",
                item.id
            )))
        }
        Start::New => {
            return match RecordDoc::from_changes_read(item.id, item.changes) {
                Ok((mut doc, read)) => match item.kind {
                    Some(said) if said != doc.kind() => {
                        Done::Refused(kind_refused(item.id, said, doc.kind()))
                    }
                    _ => {
                        let dirty = still_dirty(&mut doc, item.server_heads);
                        let news =
                            review.and_then(|r| r.news(&mut doc, &[], item.changes, &read.record));
                        Done::Created {
                            news,
                            derived: doc.derived_of(&read),
                            kind: doc.kind(),
                            kept: keep.then_some(doc),
                            record: Box::new(read.record),
                            dirty,
                        }
                    }
                },
                Err(CoreError::MissingDependencies(_)) => Done::Waiting,
                Err(e) => Done::Refused(e.into()),
            };
        }
        Start::Cached(rowid, doc) => (rowid, *doc, None),
        Start::Stored(stored) => match store::decode(item.id, &stored) {
            Ok(doc) => (stored.rowid, doc, Some(stored.chunks.len())),
            Err(error) => {
                return Done::Damaged {
                    error,
                    flagged: stored.damaged.is_some(),
                }
            }
        },
    };
    if let Some(said) = item.kind {
        if said != doc.kind() {
            return Done::Refused(kind_refused(item.id, said, doc.kind()));
        }
    }
    // A document taken from the cache goes back to it.
    let keep = keep || chunks.is_none();
    // What the member last looked at: the heads kept with news not seen
    // yet, or the record as it stands before this merge.
    let before = review.map(|r| r.since.clone().unwrap_or_else(|| doc.heads()));
    // On error the document is dropped: the next read comes from disk,
    // where nothing changed.
    match doc.merge_in_place(item.changes) {
        Err(e) => Done::Refused(e.into()),
        // A document holding changes that wait for missing dependencies
        // is not kept: memory stays what disk has.
        Ok(merged) if merged.new.is_empty() && merged.missing_deps => Done::Waiting,
        Ok(merged) if merged.new.is_empty() => {
            let dirty = still_dirty(&mut doc, item.server_heads);
            let kept = keep.then_some(doc);
            Done::Unchanged { rowid, kept, dirty }
        }
        Ok(merged) => {
            let dirty = !merged.missing_deps && still_dirty(&mut doc, item.server_heads);
            let Merged {
                new,
                missing_deps,
                record,
            } = merged;
            let read = match record {
                Some(r) => r,
                None => match doc.read() {
                    Ok(r) => r,
                    Err(e) => return Done::Refused(e.into()),
                },
            };
            let derived = doc.derived_of(&read);
            let record = read.record;
            let news = match (review, &before) {
                (Some(r), Some(before)) => r.news(&mut doc, before, &new, &record),
                _ => None,
            };
            let kept = if keep {
                Kept::Doc(Box::new(doc))
            } else {
                let due = chunks.unwrap_or(0) as i64 + 1 >= store::COMPACT_AFTER;
                Kept::Dropped(due.then(|| doc.save()))
            };
            Done::Updated {
                rowid,
                kept,
                new,
                missing_deps,
                record: Box::new(record),
                dirty,
                derived,
                news,
            }
        }
    }
}

/// What the inbox needs to know while merging: this member, and for each
/// record the heads kept with its news not seen yet.
pub(crate) struct Review {
    me: MemberId,
    since: Option<Vec<ChangeHash>>,
}

impl Review {
    /// The news of a merge that brought `new` changes: what other members
    /// changed since `before`, when any of `new` is theirs.
    fn news(
        &self,
        doc: &mut RecordDoc,
        before: &[ChangeHash],
        new: &[u8],
        record: &Record,
    ) -> Option<News> {
        let (authors, _) = RecordDoc::authors_and_hashes(new);
        if authors.iter().all(|a| *a == Some(self.me)) {
            return None;
        }
        // In brief: the details are worked out when the record is listed.
        let by: Vec<MemberChanges> = doc.changes_in_brief(before, Some(self.me));
        if by.is_empty() {
            return None;
        }
        let mention = inbox::mentions_me(record, self.me, || doc.record_at(before).ok().flatten());
        Some(News {
            since: before.to_vec(),
            mention,
            by,
        })
    }
}

/// Step 2 for every record, on every core when there are many, handing
/// each result to `write` (step 3) on the calling thread, in order, as
/// soon as it and those before it are ready: writing overlaps the work on
/// later records. A failed `write` stops the workers and is returned.
fn work_all(
    items: &[Incoming<'_>],
    starts: Vec<Start>,
    reviews: &[Option<Review>],
    write: impl FnMut(usize, Done) -> Result<()>,
) -> Result<()> {
    let threads = parallel::threads_for(items.len(), PARALLEL_FROM / 2);
    // On the calling thread alone, merged documents go to the cache.
    let keep = threads == 1;
    parallel::for_each_in_order(
        starts,
        threads,
        |k, start| work(&items[k], start, keep, reviews[k].as_ref()),
        write,
    )
}

impl Notebook {
    // ----- merging changes from elsewhere ------------------------------

    /// The record's current heads.
    pub fn heads(&mut self, id: RecordId) -> Result<Vec<automerge::ChangeHash>> {
        let (rowid, mut doc) = self.load_doc(id)?;
        let h = doc.heads();
        self.cache.put(id, rowid, doc);
        Ok(h)
    }

    /// The changes of a record made after `heads` (all for empty heads).
    pub fn changes_since(
        &mut self,
        id: RecordId,
        heads: &[automerge::ChangeHash],
    ) -> Result<Vec<u8>> {
        let (rowid, mut doc) = self.load_doc(id)?;
        let bytes = doc.changes_since(heads);
        self.cache.put(id, rowid, doc);
        Ok(bytes)
    }

    /// Merge changes of a record received from elsewhere (another device,
    /// the sync server). Bytes that do not decode, or that would make the
    /// record invalid or of another kind, are refused and nothing changes.
    /// [`Notebook::merge_many`] merges many records at once.
    pub fn merge(&mut self, id: RecordId, bytes: &[u8]) -> Result<MergeOutcome> {
        let one = Incoming {
            id,
            kind: None,
            changes: bytes,
            server_heads: None,
        };
        match self.merge_many(&[one])?.pop() {
            Some(outcome) => outcome,
            None => Ok(MergeOutcome::Unchanged),
        }
    }
}

impl Notebook {
    /// Merge changes received for many records (from another device or
    /// the sync server). Bytes that do not decode, or that would make a
    /// record invalid or of another kind, are refused for that record and
    /// nothing of it changes. Returns each record's outcome, in order.
    pub fn merge_many(&mut self, items: &[Incoming<'_>]) -> Result<Vec<Result<MergeOutcome>>> {
        // A record received twice in one go is merged in two goes: the
        // second must see what the first wrote.
        let mut seen = std::collections::HashSet::new();
        if let Some(split) = items.iter().position(|i| !seen.insert(i.id)) {
            let mut out = self.merge_many(&items[..split])?;
            out.extend(self.merge_many(&items[split..])?);
            return Ok(out);
        }
        let now = self.now();

        // 1. Read.
        let mut starts = Vec::with_capacity(items.len());
        for item in items {
            starts.push(if crate::sync::store::is_erased(self, item.id)? {
                Start::Erased
            } else if let Some((rowid, doc)) = self.cache.take(item.id) {
                Start::Cached(rowid, Box::new(doc))
            } else {
                match self.store.load(item.id)? {
                    Some(stored) => Start::Stored(Box::new(stored)),
                    None => Start::New,
                }
            });
        }

        // What this member last looked at, once the notebook has synced
        // whole once: the first sync brings the team's records, which are
        // not news.
        let reviewing = self.store.inbox_started()?;
        let mut reviews = Vec::with_capacity(items.len());
        for start in &starts {
            let rowid = match start {
                Start::Cached(rowid, _) => Some(*rowid),
                Start::Stored(stored) => Some(stored.rowid),
                Start::New | Start::Erased => None,
            };
            reviews.push(if reviewing {
                Some(Review {
                    me: self.member(),
                    since: match rowid {
                        Some(rowid) => inbox::unseen_since(self.store.conn(), rowid)?,
                        None => None,
                    },
                })
            } else {
                None
            });
        }

        // 2. Decode, merge, check, hydrate, on every core; 3. write, here,
        // in order, as results come.
        let mut out = Vec::with_capacity(items.len());
        work_all(items, starts, &reviews, |k, done| {
            out.push(self.write_received(&items[k], done, now)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// Step 3 for one record. The outer `Result` is a storage failure.
    fn write_received(
        &mut self,
        item: &Incoming<'_>,
        done: Done,
        now: carnet_core::Timestamp,
    ) -> Result<Result<MergeOutcome>> {
        let heads = |tx: &rusqlite::Connection, dirty: bool| -> Result<()> {
            match item.server_heads {
                Some(h) => write::server_heads(tx, item.id, h, dirty),
                None => Ok(()),
            }
        };
        Ok(match done {
            Done::Refused(e) => Err(e),
            Done::Damaged { error, flagged } => {
                if !flagged {
                    self.store.mark_damaged(item.id, &error.to_string())?;
                }
                Err(error)
            }
            Done::Waiting => Ok(MergeOutcome::MissingDeps),
            Done::Created {
                kind,
                kept,
                record,
                dirty,
                derived,
                news,
            } => {
                let tx = self.store.transaction()?;
                let rowid = write::insert_received(&tx, item.id, kind, item.changes, now)?;
                projection::project(&tx, rowid, &record)?;
                projection::derived(&tx, rowid, &derived)?;
                if let Some(news) = news {
                    inbox::record(&tx, rowid, &news, now)?;
                }
                heads(&tx, dirty)?;
                tx.commit()?;
                self.after_write(item.id, rowid, kept, &record);
                Ok(MergeOutcome::Created)
            }
            Done::Unchanged { rowid, kept, dirty } => {
                if item.server_heads.is_some() {
                    let tx = self.store.transaction()?;
                    heads(&tx, dirty)?;
                    tx.commit()?;
                }
                if let Some(doc) = kept {
                    self.cache.put(item.id, rowid, doc);
                }
                Ok(MergeOutcome::Unchanged)
            }
            Done::Updated {
                rowid,
                kept,
                new,
                missing_deps,
                record,
                dirty,
                derived,
                news,
            } => {
                let tx = self.store.transaction()?;
                let kept = match kept {
                    Kept::Doc(mut doc) => {
                        write::append(&tx, rowid, &mut doc, &new, now)?;
                        Some(*doc)
                    }
                    Kept::Dropped(snapshot) => {
                        write::append_or_compact(&tx, rowid, &new, now, || snapshot)?;
                        None
                    }
                };
                projection::project(&tx, rowid, &record)?;
                projection::derived(&tx, rowid, &derived)?;
                if let Some(news) = news {
                    inbox::record(&tx, rowid, &news, now)?;
                }
                if !missing_deps {
                    heads(&tx, dirty)?;
                }
                tx.commit()?;
                self.after_write(item.id, rowid, kept, &record);
                Ok(if missing_deps {
                    MergeOutcome::MissingDeps
                } else {
                    MergeOutcome::Updated
                })
            }
        })
    }
}
