//! A record as an Automerge document: [`RecordDoc`].
//!
//! The document's root map holds `kind`, `schema` and the fields of the
//! record kind. Every edit is one Automerge change made by an [`Actor`]
//! whose id starts with the member's id, so any copy of the document can
//! say who changed what, and when (the change's timestamp comes from the
//! caller's clock). Edits hydrate the record, let the caller change it,
//! validate it, and reconcile only the differences back, so concurrent
//! edits of different fields never conflict and text merges by character.
//!
//! Changes from elsewhere are merged into a copy first and only kept if
//! the result still has the shape of the same kind of record: bad bytes
//! never damage what is stored.

use std::collections::BTreeSet;

use automerge::{
    transaction::{CommitOptions, Transactable},
    ActorId, AutoCommit, ChangeHash, ObjId, ObjType, Prop, ReadDoc, ScalarValue, Value, ROOT,
};
use serde::Serialize;

use crate::chunks::{contained, parse as parse_chunks, Chunk};
use crate::error::CoreError;
use crate::ids::{MemberId, RecordId};
use crate::record::{Record, RecordKind};
use crate::time_types::Timestamp;
use crate::validate::Codebook;

/// The schema version written in new documents. Documents with a higher
/// number come from a newer Carnet and are refused rather than misread.
pub const SCHEMA_VERSION: u64 = 1;

/// Who is making changes: a member, in one session on one device. The
/// Automerge actor id is the member's 16 bytes followed by 8 bytes unique
/// to the session, so sessions never reuse an actor (safe even when a
/// laptop is restored from an old backup) and the author can be read back
/// from any change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    member: MemberId,
    actor: ActorId,
}

impl Actor {
    /// An actor for `member` in the session identified by `session`.
    pub fn new(member: MemberId, session: [u8; 8]) -> Self {
        let mut bytes = Vec::with_capacity(24);
        bytes.extend_from_slice(member.as_bytes());
        bytes.extend_from_slice(&session);
        Self {
            member,
            actor: ActorId::from(bytes),
        }
    }
    /// The member.
    pub fn member(&self) -> MemberId {
        self.member
    }
    /// The member who made changes under an actor id, when it follows
    /// Carnet's convention.
    pub fn member_of(actor: &ActorId) -> Option<MemberId> {
        let bytes: [u8; 16] = actor.to_bytes().get(..16)?.try_into().ok()?;
        Some(MemberId::from_uuid(uuid::Uuid::from_bytes(bytes)))
    }
}

/// One change in a record's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistoryEntry {
    /// The change's hash (hex).
    pub hash: String,
    /// Who made it.
    pub author: Option<MemberId>,
    /// When (the author's clock).
    pub at: Timestamp,
    /// Whether this change created the record.
    pub created: bool,
    /// The fields it touched, as dotted paths (`body`, `referrals.status`).
    pub fields: Vec<String>,
}

/// One of the values a field holds after concurrent edits.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConflictValue {
    /// The value, as text.
    pub value: String,
    /// Who set it.
    pub author: Option<MemberId>,
    /// When, by the clock of the device that set it.
    pub at: Option<Timestamp>,
}

/// A field that two people set differently without seeing each other's
/// edit. Automerge picks one deterministically (shown in the record); the
/// others are kept here until someone settles it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Conflict {
    /// Dotted path of the field (`status`, `referrals.0.status`).
    pub path: String,
    /// Every concurrent value; the first is the one currently shown.
    pub values: Vec<ConflictValue>,
}

/// What the projection reads from a document beyond its record: how
/// many fields hold concurrent values, and where each coding's passage
/// stands now (cursors resolve only against the document).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Derived {
    /// Fields holding concurrent values.
    pub conflicts: usize,
    /// The note's coded passages, resolved.
    pub passages: Vec<crate::coding::Passage>,
}

/// What a merge did.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    /// The bytes of the changes that were new here (to store).
    pub new: Vec<u8>,
    /// Some received changes depend on changes not received yet.
    pub missing_deps: bool,
    /// The record after the merge, when it changed.
    pub record: Option<Read>,
}

/// A record read from its document, with how many of its fields hold
/// concurrent values (counted in the same pass, so a merge or a pull
/// walks the document once).
#[derive(Debug, Clone, PartialEq)]
pub struct Read {
    /// The record as it stands.
    pub record: Record,
    /// Fields holding concurrent values.
    pub conflicts: usize,
}

/// A record's Automerge document.
#[derive(Debug)]
pub struct RecordDoc {
    id: RecordId,
    kind: RecordKind,
    doc: AutoCommit,
}

impl RecordDoc {
    /// A new document holding `record`, created by `actor` at `at`.
    pub fn create(
        id: RecordId,
        record: &Record,
        codebook: &Codebook,
        actor: &Actor,
        at: Timestamp,
    ) -> Result<Self, CoreError> {
        record.validate(codebook)?;
        let mut doc = AutoCommit::new().with_actor(actor.actor.clone());
        doc.put(ROOT, "kind", record.kind().code())?;
        doc.put(ROOT, "schema", SCHEMA_VERSION)?;
        reconcile_record(&mut doc, record)?;
        // A field named like a root key would overwrite it; refuse loudly.
        if read_kind(id, &doc)? != record.kind() {
            return Err(CoreError::KindChanged {
                id,
                from: record.kind().to_string(),
                to: "something else (a field overwrote the record kind)".into(),
            });
        }
        doc.commit_with(CommitOptions::default().with_time(at.as_millis()));
        Ok(Self {
            id,
            kind: record.kind(),
            doc,
        })
    }

    /// Load a stored document: its snapshot followed by change chunks,
    /// all of which must decode (a torn chunk is an error, not silently
    /// dropped). The record's shape is checked when it is read.
    pub fn load<'a>(
        id: RecordId,
        snapshot: &[u8],
        chunks: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<Self, CoreError> {
        Self::load_all(id, snapshot, chunks, automerge::VerificationMode::Check)
    }

    /// One strict load of everything (incremental loading would silently
    /// drop a torn chunk and every chunk after it), so the changes of all
    /// chunks are applied in one batch.
    fn load_all<'a>(
        id: RecordId,
        snapshot: &[u8],
        chunks: impl IntoIterator<Item = &'a [u8]>,
        verification: automerge::VerificationMode,
    ) -> Result<Self, CoreError> {
        use automerge::{LoadOptions, OnPartialLoad};
        let mut all = snapshot.to_vec();
        for chunk in chunks {
            all.extend_from_slice(chunk);
        }
        let doc = contained(|| {
            AutoCommit::load_with_options(
                &all,
                LoadOptions::new()
                    .on_partial_load(OnPartialLoad::Error)
                    .verification_mode(verification),
            )
            .map_err(CoreError::decode)
        })?;
        let kind = read_kind(id, &doc)?;
        Ok(Self { id, kind, doc })
    }

    /// A document known only from changes received from elsewhere, checked
    /// to be a valid record of any kind.
    pub fn from_changes(id: RecordId, bytes: &[u8]) -> Result<Self, CoreError> {
        Self::from_changes_read(id, bytes).map(|(doc, _)| doc)
    }

    /// [`RecordDoc::from_changes`], also returning the record it holds.
    /// Each chunk is decoded once: a whole document received is used as
    /// loaded, and the changes after it are applied to it.
    pub fn from_changes_read(id: RecordId, bytes: &[u8]) -> Result<(Self, Read), CoreError> {
        contained(|| Self::from_untrusted(id, bytes))
    }

    fn from_untrusted(id: RecordId, bytes: &[u8]) -> Result<(Self, Read), CoreError> {
        let mut doc: Option<AutoCommit> = None;
        let mut changes = Vec::new();
        for chunk in parse_chunks(bytes)? {
            match chunk {
                Chunk::Document(d) if doc.is_none() && changes.is_empty() => doc = Some(*d),
                Chunk::Document(mut d) => changes.extend(d.get_changes(&[])),
                Chunk::Change(c) => changes.push(*c),
            }
        }
        let mut doc = doc.unwrap_or_default();
        doc.apply_changes(changes).map_err(CoreError::decode)?;
        if !doc.get_missing_deps(&[]).is_empty() {
            return Err(CoreError::MissingDependencies(id));
        }
        let kind = read_kind(id, &doc)?;
        let this = Self { id, kind, doc };
        let read = this.read()?;
        read.record.validate(&Codebook::any())?;
        Ok((this, read))
    }

    /// Load stored bytes already validated when they were written (the
    /// server's own storage): the snapshot's heads are not re-verified.
    /// Like [`RecordDoc::load`], everything is loaded at once (applying
    /// the chunks one by one costs a pass over the document per chunk).
    pub fn load_trusted<'a>(
        id: RecordId,
        snapshot: &[u8],
        chunks: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<Self, CoreError> {
        Self::load_all(id, snapshot, chunks, automerge::VerificationMode::DontCheck)
    }

    /// Apply stored changes that follow what this document holds (the
    /// server's own storage, validated when written): a document kept
    /// decoded catches up with what another process stored since.
    pub fn apply_trusted(&mut self, bytes: &[u8]) -> Result<(), CoreError> {
        self.doc
            .load_incremental(bytes)
            .map(|_| ())
            .map_err(CoreError::decode)
    }

    /// The record's id.
    pub fn id(&self) -> RecordId {
        self.id
    }

    /// The record's kind (fixed at creation).
    pub fn kind(&self) -> RecordKind {
        self.kind
    }

    /// The organisation (a directory resource) the record concerns, which
    /// limits who of a partner organisation sees it: a resource's own id,
    /// the resource a referral is addressed to; the workspace's own id
    /// (every member reads it); `None` for every other record (and a
    /// referral addressed to no resource).
    pub fn scope(&self) -> Option<RecordId> {
        match self.kind {
            RecordKind::Resource | RecordKind::Workspace => Some(self.id),
            RecordKind::Referral => match self.record() {
                Ok(Record::Referral(r)) => r.referral.resource_id,
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether the record's top-level list `key` holds anything, read
    /// without reading the rest of the record (a person's `referrals`,
    /// asked of every person's record a server receives).
    pub fn has_items(&self, key: &str) -> bool {
        match self.doc.get(ROOT, key) {
            Ok(Some((Value::Object(ObjType::List), list))) => self.doc.length(&list) > 0,
            _ => false,
        }
    }

    /// The record as it stands now.
    pub fn record(&self) -> Result<Record, CoreError> {
        self.read().map(|r| r.record)
    }

    /// The record as it stands now, and how many of its fields hold
    /// concurrent values, in one pass over the document.
    pub fn read(&self) -> Result<Read, CoreError> {
        hydrate_record(self.id, self.kind, &self.doc)
    }

    /// The record as it stood at `heads` (`None` when it did not exist
    /// yet: empty heads, or heads before its creation).
    pub fn record_at(&mut self, heads: &[ChangeHash]) -> Result<Option<Record>, CoreError> {
        if heads.is_empty() {
            return Ok(None);
        }
        let mut then = self.doc.fork_at(heads)?;
        if then.get_heads().is_empty() {
            return Ok(None);
        }
        hydrate_record(self.id, self.kind, &then).map(|r| Some(r.record))
    }

    /// The Automerge document (for the modules that read it whole).
    pub(crate) fn am(&self) -> &AutoCommit {
        &self.doc
    }

    /// The Automerge document, for reads that need `&mut` (changes,
    /// diffs).
    pub(crate) fn am_mut(&mut self) -> &mut AutoCommit {
        &mut self.doc
    }

    /// Change the record: `f` edits a copy, which is validated and
    /// written back as one change by `actor` at `at`. Returns what `f`
    /// returned and the bytes of the new change (empty when `f` changed
    /// nothing). On any error the document is left as it was.
    pub fn edit<T, E: From<CoreError>>(
        &mut self,
        actor: &Actor,
        at: Timestamp,
        codebook: &Codebook,
        f: impl FnOnce(&mut Record) -> Result<T, E>,
    ) -> Result<(T, Vec<u8>), E> {
        let mut record = self.record()?;
        let out = f(&mut record)?;
        if record.kind() != self.kind {
            return Err(CoreError::KindChanged {
                id: self.id,
                from: self.kind.to_string(),
                to: record.kind().to_string(),
            }
            .into());
        }
        record.validate(codebook).map_err(CoreError::from)?;
        let before = self.doc.get_heads();
        self.doc.set_actor(actor.actor.clone());
        if let Err(e) = reconcile_record(&mut self.doc, &record) {
            self.doc.rollback();
            return Err(e.into());
        }
        self.doc
            .commit_with(CommitOptions::default().with_time(at.as_millis()));
        let bytes = if self.doc.get_heads() == before {
            Vec::new()
        } else {
            self.doc.save_after(&before)
        };
        Ok((out, bytes))
    }

    /// The whole document, compacted.
    pub fn save(&mut self) -> Vec<u8> {
        self.doc.save()
    }

    /// The current heads.
    pub fn heads(&mut self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    /// The changes made after `heads` (all of them for empty heads).
    pub fn changes_since(&mut self, heads: &[ChangeHash]) -> Vec<u8> {
        self.doc.save_after(heads)
    }

    /// Merge changes (or a whole document) received from elsewhere. The
    /// result must still be a valid record of the same kind, or nothing
    /// changes. Returns the bytes of the changes that were new here (empty
    /// when all of them were already known) and whether some changes
    /// wait for earlier ones that were not received (then ask the sender
    /// for a full copy).
    pub fn merge(&mut self, bytes: &[u8]) -> Result<Merged, CoreError> {
        let mut candidate = Self {
            id: self.id,
            kind: self.kind,
            // `fork` gives the copy a fresh random actor; keep ours.
            doc: self.doc.fork().with_actor(self.doc.get_actor().clone()),
        };
        let merged = candidate.merge_in_place(bytes)?;
        *self = candidate;
        Ok(merged)
    }

    /// [`RecordDoc::merge`] without the safety copy, for callers that
    /// discard the document when this fails (its stored bytes are the
    /// truth): cheaper when merging many records.
    ///
    /// Bytes that would inflate past [`crate::chunks::MAX_INFLATED_RECORD`]
    /// are refused before decoding, and a panic while decoding is an
    /// error ([`crate::chunks::contained`]).
    pub fn merge_in_place(&mut self, bytes: &[u8]) -> Result<Merged, CoreError> {
        check_decodes(bytes)?;
        contained(|| self.merge_checked(bytes))
    }

    fn merge_checked(&mut self, bytes: &[u8]) -> Result<Merged, CoreError> {
        let before = self.doc.get_heads();
        let had_queued = !self.doc.get_missing_deps(&[]).is_empty();
        self.doc
            .load_incremental(bytes)
            .map_err(CoreError::decode)?;
        let missing_deps = !self.doc.get_missing_deps(&[]).is_empty();
        if self.doc.get_heads() == before {
            return Ok(Merged {
                new: Vec::new(),
                missing_deps,
                record: None,
            });
        }
        let kind = read_kind(self.id, &self.doc)?;
        if kind != self.kind {
            return Err(CoreError::KindChanged {
                id: self.id,
                from: self.kind.to_string(),
                to: kind.to_string(),
            });
        }
        let read = hydrate_record(self.id, kind, &self.doc)?;
        read.record.validate(&Codebook::any())?;
        // The received bytes hold the new changes (and maybe some already
        // known, which loading skips): store them as they are. But changes
        // queued earlier for missing dependencies may have been applied now
        // too, and changes still waiting must not be stored: then store
        // exactly what was applied.
        let new = if missing_deps || had_queued {
            self.doc.save_after(&before)
        } else {
            bytes.to_vec()
        };
        Ok(Merged {
            new,
            missing_deps,
            record: Some(read),
        })
    }

    /// The hashes of the changes made after `heads` (all of them for
    /// empty heads).
    pub fn hashes_since(&mut self, heads: &[ChangeHash]) -> Vec<ChangeHash> {
        self.doc
            .get_changes(heads)
            .iter()
            .map(|c| c.hash())
            .collect()
    }

    /// The hashes among `heads` that this document holds.
    pub fn known_heads(&mut self, heads: &[ChangeHash]) -> Vec<ChangeHash> {
        let missing = self.doc.get_missing_deps(heads);
        heads
            .iter()
            .copied()
            .filter(|h| !missing.contains(h))
            .collect()
    }

    /// The distinct authors of the changes in `bytes` (change chunks or a
    /// whole document), read from every chunk, including changes whose
    /// dependencies are not in `bytes`, and the hashes of those changes;
    /// `None` stands for an actor that does not follow Carnet's convention
    /// or bytes that do not decode. One pass over the bytes gives both.
    pub fn authors_and_hashes(bytes: &[u8]) -> (Vec<Option<MemberId>>, Vec<ChangeHash>) {
        let Ok(chunks) = parse_chunks(bytes) else {
            return (vec![None], Vec::new());
        };
        let mut actors: Vec<ActorId> = Vec::new();
        let mut hashes = Vec::new();
        for chunk in chunks {
            match chunk {
                Chunk::Change(c) => {
                    actors.push(c.actor_id().clone());
                    hashes.push(c.hash());
                }
                Chunk::Document(mut d) => {
                    for c in d.get_changes(&[]) {
                        actors.push(c.actor_id().clone());
                        hashes.push(c.hash());
                    }
                }
            }
        }
        actors.sort();
        actors.dedup();
        (actors.iter().map(Actor::member_of).collect(), hashes)
    }

    /// Every change, oldest first, with its author and the fields touched.
    pub fn history(&mut self) -> Vec<HistoryEntry> {
        let changes: Vec<_> = self
            .doc
            .get_changes(&[])
            .into_iter()
            .map(|c| {
                (
                    c.hash(),
                    c.deps().to_vec(),
                    c.actor_id().clone(),
                    c.timestamp(),
                )
            })
            .collect();
        changes
            .into_iter()
            .map(|(hash, deps, actor, ts)| {
                let created = deps.is_empty();
                let mut fields = BTreeSet::new();
                if !created {
                    for patch in self.doc.diff(&deps, &[hash]) {
                        fields.insert(patch_field(&patch));
                    }
                }
                HistoryEntry {
                    hash: hash.to_string(),
                    author: Actor::member_of(&actor),
                    at: Timestamp::from_millis(ts),
                    created,
                    fields: fields.into_iter().filter(|f| !f.is_empty()).collect(),
                }
            })
            .collect()
    }

    /// Fields holding concurrent values, each value with who set it and
    /// when (the time of the change that holds it).
    pub fn conflicts(&mut self) -> Vec<Conflict> {
        let mut found = Vec::new();
        collect_conflicts(&self.doc, &ROOT, &mut Vec::new(), &mut found);
        if found.is_empty() {
            return Vec::new();
        }
        let changes = self.doc.get_changes_meta(&[]);
        let time_of = |id: &ObjId| match id {
            ObjId::Id(counter, actor, _) => changes
                .iter()
                .find(|c| {
                    c.actor.as_ref() == actor && c.start_op <= *counter && *counter <= c.max_op
                })
                .map(|c| Timestamp::from_millis(c.timestamp)),
            ObjId::Root => None,
        };
        found
            .into_iter()
            .map(|(path, values)| Conflict {
                path,
                values: values
                    .into_iter()
                    .map(|(value, id)| ConflictValue {
                        value,
                        author: member_of_op(&id),
                        at: time_of(&id),
                    })
                    .collect(),
            })
            .collect()
    }

    /// What the projection keeps of the document beyond `record` (the
    /// record it holds, already read).
    pub fn derived(&self, record: &Record) -> Derived {
        self.derived_with(record, self.conflict_count())
    }

    /// [`RecordDoc::derived`] for a record just [read](RecordDoc::read),
    /// whose concurrent values were counted as it was read.
    pub fn derived_of(&self, read: &Read) -> Derived {
        self.derived_with(&read.record, read.conflicts)
    }

    fn derived_with(&self, record: &Record, conflicts: usize) -> Derived {
        Derived {
            conflicts,
            passages: match record {
                Record::Note(n) => self.passages_of(n),
                _ => Vec::new(),
            },
        }
    }

    /// How many fields hold concurrent values (what the projection keeps,
    /// so the list of records to settle never loads documents).
    pub fn conflict_count(&self) -> usize {
        let mut found = Vec::new();
        collect_conflicts(&self.doc, &ROOT, &mut Vec::new(), &mut found);
        found.len()
    }

    /// Settle a conflict: keep the `choice`-th value of the field at `path`
    /// (as listed by [`RecordDoc::conflicts`]). Returns the change's bytes.
    pub fn settle(
        &mut self,
        actor: &Actor,
        at: Timestamp,
        path: &str,
        choice: usize,
    ) -> Result<Vec<u8>, CoreError> {
        let not_found = || CoreError::Shape {
            id: self.id,
            expected: self.kind.to_string(),
            reason: format!("there are no concurrent values at '{path}' to settle"),
        };
        let (obj, prop) = resolve_path(&self.doc, path).ok_or_else(not_found)?;
        let values = self.doc.get_all(&obj, prop.clone())?;
        let chosen = match values.get(choice) {
            Some((Value::Scalar(s), _)) if values.len() > 1 => s.clone().into_owned(),
            _ => return Err(not_found()),
        };
        let before = self.doc.get_heads();
        self.doc.set_actor(actor.actor.clone());
        self.doc.put(&obj, prop, chosen)?;
        self.doc
            .commit_with(CommitOptions::default().with_time(at.as_millis()));
        Ok(self.doc.save_after(&before))
    }
}

/// Automerge's incremental loading stops quietly at the first chunk it
/// cannot decode; received or stored bytes must decode entirely.
fn check_decodes(bytes: &[u8]) -> Result<(), CoreError> {
    parse_chunks(bytes).map(|_| ())
}

fn reconcile_record(doc: &mut AutoCommit, record: &Record) -> Result<(), CoreError> {
    match record {
        Record::Workspace(r) => autosurgeon::reconcile(doc, r)?,
        Record::Note(r) => autosurgeon::reconcile(doc, r.as_ref())?,
        Record::Person(r) => autosurgeon::reconcile(doc, r.as_ref())?,
        Record::Resource(r) => autosurgeon::reconcile(doc, r.as_ref())?,
        Record::Place(r) => autosurgeon::reconcile(doc, r)?,
        Record::Incident(r) => autosurgeon::reconcile(doc, r.as_ref())?,
        Record::Referral(r) => autosurgeon::reconcile(doc, r.as_ref())?,
    }
    Ok(())
}

fn read_kind(id: RecordId, doc: &AutoCommit) -> Result<RecordKind, CoreError> {
    let shape = |reason: String| CoreError::Shape {
        id,
        expected: "record".into(),
        reason,
    };
    let kind = match doc.get(ROOT, "kind") {
        Ok(Some((Value::Scalar(s), _))) => match s.as_ref() {
            ScalarValue::Str(k) => k.to_string(),
            other => return Err(shape(format!("its kind is {other} instead of a name"))),
        },
        _ => return Err(shape("it has no kind".into())),
    };
    if let Ok(Some((Value::Scalar(s), _))) = doc.get(ROOT, "schema") {
        if let ScalarValue::Uint(v) = s.as_ref() {
            if *v > SCHEMA_VERSION {
                return Err(shape(format!(
                    "it was written by a newer version of Carnet (schema {v}); update Carnet to open it"
                )));
            }
        }
    }
    kind.parse()
        .map_err(|e: crate::vocab::UnknownCode| shape(e.to_string()))
}

/// Read the record from its document in one pass: Automerge's own
/// hydration into plain values, then serde into the record types. (Reading
/// field by field with autosurgeon cost a third of a sync's local work.)
fn hydrate_record(id: RecordId, kind: RecordKind, doc: &AutoCommit) -> Result<Read, CoreError> {
    let shape = |reason: String| CoreError::Shape {
        id,
        expected: kind.to_string(),
        reason,
    };
    let value = doc.hydrate(ROOT, None).map_err(|e| shape(e.to_string()))?;
    let record: Record = serde_json::from_value(plain(&value)).map_err(|e| shape(e.to_string()))?;
    if record.kind() != kind {
        return Err(shape(format!("it holds a {}", record.kind())));
    }
    Ok(Read {
        record,
        conflicts: hydrated_conflicts(&value),
    })
}

/// How many fields of a hydrated value hold concurrent values: the same
/// count as [`collect_conflicts`] (which descends into the value shown,
/// as hydration does), without asking the document field by field.
fn hydrated_conflicts(value: &automerge::hydrate::Value) -> usize {
    use automerge::hydrate::Value as H;
    match value {
        H::Map(m) => m
            .iter()
            .map(|(_, v)| usize::from(v.conflict) + hydrated_conflicts(&v.value))
            .sum(),
        H::List(l) => l
            .iter()
            .map(|v| usize::from(v.conflict) + hydrated_conflicts(&v.value))
            .sum(),
        H::Scalar(_) | H::Text(_) => 0,
    }
}

/// A hydrated Automerge value as plain JSON (timestamps and counters as
/// numbers, text as strings).
fn plain(value: &automerge::hydrate::Value) -> serde_json::Value {
    use automerge::hydrate::Value as H;
    use serde_json::Value as J;
    match value {
        H::Scalar(s) => match s {
            ScalarValue::Str(s) => J::String(s.to_string()),
            ScalarValue::Int(i) | ScalarValue::Timestamp(i) => J::from(*i),
            ScalarValue::Uint(u) => J::from(*u),
            ScalarValue::F64(f) => J::from(*f),
            ScalarValue::Boolean(b) => J::Bool(*b),
            ScalarValue::Counter(c) => J::from(i64::from(c)),
            ScalarValue::Bytes(b) => J::Array(b.iter().map(|x| J::from(*x)).collect()),
            _ => J::Null,
        },
        H::Map(m) => J::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), plain(&v.value)))
                .collect(),
        ),
        H::List(l) => J::Array(l.iter().map(|v| plain(&v.value)).collect()),
        H::Text(t) => J::String(String::from(t)),
    }
}

/// Reading the record field by field with autosurgeon: the reference the
/// one-pass reading is checked against.
#[cfg(test)]
pub(crate) fn hydrate_record_by_field(
    id: RecordId,
    kind: RecordKind,
    doc: &AutoCommit,
) -> Result<Record, CoreError> {
    let shape = |e: autosurgeon::HydrateError| CoreError::Shape {
        id,
        expected: kind.to_string(),
        reason: e.to_string(),
    };
    Ok(match kind {
        RecordKind::Workspace => Record::Workspace(autosurgeon::hydrate(doc).map_err(shape)?),
        RecordKind::Note => Record::Note(Box::new(autosurgeon::hydrate(doc).map_err(shape)?)),
        RecordKind::Person => Record::Person(Box::new(autosurgeon::hydrate(doc).map_err(shape)?)),
        RecordKind::Resource => {
            Record::Resource(Box::new(autosurgeon::hydrate(doc).map_err(shape)?))
        }
        RecordKind::Place => Record::Place(autosurgeon::hydrate(doc).map_err(shape)?),
        RecordKind::Incident => {
            Record::Incident(Box::new(autosurgeon::hydrate(doc).map_err(shape)?))
        }
        RecordKind::Referral => {
            Record::Referral(Box::new(autosurgeon::hydrate(doc).map_err(shape)?))
        }
    })
}

/// The field a patch touches, as a dotted path of map keys (list indices
/// are left out: "referrals.status", not "referrals.3.status").
fn patch_field(patch: &automerge::Patch) -> String {
    use automerge::PatchAction;
    let mut parts: Vec<String> = patch
        .path
        .iter()
        .filter_map(|(_, p)| match p {
            Prop::Map(k) => Some(k.clone()),
            Prop::Seq(_) => None,
        })
        .collect();
    match &patch.action {
        PatchAction::PutMap { key, .. } | PatchAction::DeleteMap { key } => parts.push(key.clone()),
        PatchAction::Conflict {
            prop: Prop::Map(key),
        } => parts.push(key.clone()),
        _ => {}
    }
    parts.join(".")
}

/// The member whose change made the operation `id` (a value, a
/// character): its actor names them.
pub(crate) fn member_of_op(id: &ObjId) -> Option<MemberId> {
    match id {
        ObjId::Id(_, actor, _) => Actor::member_of(actor),
        ObjId::Root => None,
    }
}

/// Every field under `obj` with more than one value: its dotted path and
/// each value as text with the id of the operation that set it.
fn collect_conflicts(
    doc: &AutoCommit,
    obj: &ObjId,
    path: &mut Vec<String>,
    out: &mut Vec<(String, Vec<(String, ObjId)>)>,
) {
    let props: Vec<Prop> = match doc.object_type(obj) {
        Ok(ObjType::Map) | Ok(ObjType::Table) => doc.keys(obj).map(Prop::Map).collect(),
        Ok(ObjType::List) => (0..doc.length(obj)).map(Prop::Seq).collect(),
        _ => return,
    };
    for prop in props {
        let Ok(values) = doc.get_all(obj, prop.clone()) else {
            continue;
        };
        path.push(match &prop {
            Prop::Map(k) => k.clone(),
            Prop::Seq(i) => i.to_string(),
        });
        if values.len() > 1 {
            out.push((
                path.join("."),
                values
                    .iter()
                    .map(|(v, id)| {
                        let text = match v {
                            Value::Scalar(s) => scalar_text(s),
                            Value::Object(t) => format!("({t})"),
                        };
                        (text, id.clone())
                    })
                    .collect(),
            ));
        }
        if let Some((Value::Object(t), child)) = values.first() {
            if matches!(t, ObjType::Map | ObjType::Table | ObjType::List) {
                collect_conflicts(doc, child, path, out);
            }
        }
        path.pop();
    }
}

fn scalar_text(s: &ScalarValue) -> String {
    match s {
        ScalarValue::Str(s) => s.to_string(),
        ScalarValue::Null => "—".into(),
        other => other.to_string(),
    }
}

fn resolve_path(doc: &AutoCommit, path: &str) -> Option<(ObjId, Prop)> {
    let mut obj = ROOT;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        let prop = match doc.object_type(&obj).ok()? {
            ObjType::List => Prop::Seq(part.parse().ok()?),
            _ => Prop::Map(part.to_string()),
        };
        if parts.peek().is_none() {
            return Some((obj, prop));
        }
        match doc.get(&obj, prop).ok()?? {
            (Value::Object(_), child) => obj = child,
            _ => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::DemoGenerator;
    use crate::ids::{MemberId, SeededIds};

    #[test]
    fn one_pass_reading_equals_field_by_field_reading_for_every_kind() {
        let ids = SeededIds::new(4);
        let member = MemberId::generate(&ids, Timestamp::from_millis(0));
        let actor = Actor::new(member, *b"testtest");
        let mut generator =
            DemoGenerator::new(12, Timestamp::from_millis(1_790_000_000_000), vec![member]);
        let mut kinds = std::collections::BTreeSet::new();
        let workspace = Record::Workspace(DemoGenerator::workspace(
            "Équipe",
            &[(member, "Aline".into())],
        ));
        let records = std::iter::once((
            RecordId::generate(&ids, Timestamp::from_millis(1)),
            workspace,
        ))
        .chain(std::iter::from_fn(|| Some(generator.next_record())).take(300));
        for (id, record) in records {
            let at = Timestamp::from_millis(1_790_000_000_000);
            let mut doc =
                RecordDoc::create(id, &record, &Codebook::any(), &actor, at).expect("valid");
            // An edit, so text and lists have history.
            doc.edit::<_, CoreError>(&actor, at, &Codebook::any(), |r| {
                if let Record::Note(n) = r {
                    n.body.append_paragraph("Ajout après coup, à l'épicerie.");
                    n.themes.retain(|t| t != "logement");
                }
                Ok(())
            })
            .expect("edit");
            let fast = hydrate_record(id, doc.kind(), &doc.doc)
                .expect("one pass")
                .record;
            let slow = hydrate_record_by_field(id, doc.kind(), &doc.doc).expect("by field");
            assert_eq!(fast, slow, "both readings agree for {id}");
            kinds.insert(fast.kind());
        }
        assert_eq!(kinds.len(), 6, "every kind was compared (incidents apart)");
    }

    #[test]
    fn missing_optional_fields_read_as_empty() {
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "kind", "place").expect("put");
        doc.put(ROOT, "name", "Parc").expect("put");
        doc.put(ROOT, "place_kind", "park").expect("put");
        let id = RecordId::generate(&crate::ids::SeededIds::new(1), Timestamp::from_millis(0));
        match hydrate_record(id, RecordKind::Place, &doc)
            .expect("an older, smaller record reads")
            .record
        {
            Record::Place(p) => assert!(p.sector.is_none() && p.notes.is_empty()),
            other => panic!("{other:?}"),
        }
        doc.put(ROOT, "place_kind", "volcano").expect("put");
        assert!(
            hydrate_record(id, RecordKind::Place, &doc).is_err(),
            "an unknown place kind is a shape error"
        );
    }
}
