//! The server's side of a round, as a pure function over [`ServerStore`].
//!
//! [`handle_sync`] applies what the device pushed (after checking its
//! role, the record's kind, the changes' authors and the result's shape),
//! then answers with what the device lacks: for pushed records the
//! changes after the heads it sent, for records changed in the feed after
//! its cursor the changes after the heads it last confirmed having, a
//! whole copy where it asked for one, and the erasures. The store is
//! scoped to one team and one device; the caller runs the whole round in
//! one storage transaction.

use std::collections::HashSet;

use automerge::ChangeHash;

use crate::document::RecordDoc;
use crate::error::CoreError;
use crate::ids::{MemberId, RecordId};
use crate::record::{Record, RecordKind, ReferralRecord};
use crate::sync::access::{Access, PARTNER_WRITE_REFUSAL};
use crate::sync::protocol::{
    decode_heads, encode_heads, PullRecord, PushRecord, RejectCode, Rejection, SyncRequest,
    SyncResponse, PROTOCOL_VERSION,
};
use crate::time_types::Timestamp;
use crate::validate::Codebook;
use crate::Actor;

/// One entry of the team's change feed: a record at its latest position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry {
    /// Position in the feed.
    pub seq: u64,
    /// The record.
    pub id: RecordId,
    /// Its kind.
    pub kind: RecordKind,
    /// The server's heads for it (empty when erased).
    pub heads: Vec<ChangeHash>,
    /// It was erased at this position.
    pub erased: bool,
    /// The organisation it concerns ([`RecordDoc::scope`]), as stored.
    pub scope: Option<RecordId>,
}

/// What the server stores, for one team and one device.
pub trait ServerStore {
    /// The storage's error.
    type Error: std::error::Error + Send + Sync + 'static;
    /// A record's document, if stored.
    fn load(&mut self, id: RecordId) -> Result<Option<RecordDoc>, Self::Error>;
    /// A record's stored bytes (snapshot and chunks), to send whole
    /// without decoding.
    fn stored_bytes(&mut self, id: RecordId) -> Result<Option<Vec<u8>>, Self::Error>;
    /// The stored changes that follow `heads`, without decoding anything,
    /// when `heads` are exactly the heads after the snapshot or after one
    /// of the stored chunks; `None` when the store cannot tell that way.
    fn stored_after(
        &mut self,
        id: RecordId,
        heads: &[ChangeHash],
    ) -> Result<Option<Vec<u8>>, Self::Error> {
        let _ = (id, heads);
        Ok(None)
    }
    /// The round is done with a document [`ServerStore::load`] gave (after
    /// any change to it was stored). A store may keep it decoded for the
    /// next round, as long as it checks it is still what is stored; the
    /// default drops it.
    fn release(&mut self, doc: RecordDoc) {
        drop(doc);
    }
    /// The round is about to read these pushed records to change them: a
    /// store whose rounds run side by side (several server instances on
    /// one database) holds them from now until the round ends, so that
    /// no other round changes them in between. The default does nothing
    /// (one round at a time).
    fn lock(&mut self, ids: &[RecordId]) -> Result<(), Self::Error> {
        let _ = ids;
        Ok(())
    }
    /// The round's writes are done (it writes nothing more to the feed):
    /// a store that gives the records it wrote their feed positions only
    /// once they are all written gives them now, before the round reads
    /// the feed, so that the device's cursor passes its own changes. The
    /// default does nothing (positions taken as records are written).
    fn writes_done(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
    /// Whether the record was erased (its id is refused for good).
    fn is_erased(&mut self, id: RecordId) -> Result<bool, Self::Error>;
    /// Store a new record; it moves to the end of the feed.
    fn insert(&mut self, doc: &mut RecordDoc) -> Result<(), Self::Error>;
    /// Store new changes of a record; it moves to the end of the feed.
    fn append(&mut self, doc: &mut RecordDoc, changes: &[u8]) -> Result<(), Self::Error>;
    /// The team's last feed position, if the store can tell: a device
    /// whose cursor is past it holds what the server lost (see
    /// [`SyncResponse::behind`]). The default cannot.
    fn feed_end(&mut self) -> Result<Option<u64>, Self::Error> {
        Ok(None)
    }
    /// Feed entries after `cursor`, oldest first, at most `limit`; only
    /// those of that scope and the team's workspace when `scope` is given
    /// (a partner's feed, which must not read the team's other records).
    fn feed_since(
        &mut self,
        cursor: u64,
        limit: usize,
        scope: Option<RecordId>,
    ) -> Result<Vec<FeedEntry>, Self::Error>;
    /// How many feed entries (of that scope, when given) follow `cursor`,
    /// if the store can count them cheaply (for a device's progress); the
    /// default does not.
    fn feed_remaining(
        &mut self,
        cursor: u64,
        scope: Option<RecordId>,
    ) -> Result<Option<u64>, Self::Error> {
        let _ = (cursor, scope);
        Ok(None)
    }
    /// Start a round for a device that says it last applied answer
    /// `last_answer`, and return the new answer's id (greater than any
    /// before for this device). If `last_answer` is the pending answer,
    /// the heads it recorded become credited; if it is the answer already
    /// credited, nothing changes; anything else (a device restored from a
    /// backup, a replayed old request) forgets every credited heads, so
    /// the device is sent whole records until credit builds up again.
    /// Either way, heads recorded for another pending answer are dropped
    /// (a store may then forget what it credited before for the records
    /// that answer gave again: crediting less is always safe, the device
    /// is only sent more).
    fn begin_round(&mut self, last_answer: u64) -> Result<u64, Self::Error>;
    /// The heads of a record the device is credited with holding.
    fn device_heads(&mut self, id: RecordId) -> Result<Option<Vec<ChangeHash>>, Self::Error>;
    /// The answer being built gives the device these records at these
    /// heads (credited once the device presents this answer's id); all of
    /// them at once, so that a store may write them together.
    fn records_sent(&mut self, sent: &[(RecordId, Vec<ChangeHash>)]) -> Result<(), Self::Error>;
    /// Whether a record of this id exists, or was erased, in another team
    /// (ids are unique across the server: the same id in two teams is
    /// refused rather than used twice). The default says no.
    fn taken_elsewhere(&mut self, id: RecordId) -> Result<bool, Self::Error> {
        let _ = id;
        Ok(false)
    }
    /// Whether any of these changes belonged to a record erased in this
    /// team (tombstones keep the erased changes' hashes, never their
    /// content): erased content must not come back under a new id. The
    /// default says no.
    fn erased_change(&mut self, hashes: &[ChangeHash]) -> Result<bool, Self::Error> {
        let _ = hashes;
        Ok(false)
    }
    /// The time of this round, for the changes the server makes itself
    /// (see [`move_held_referrals`]); the default is the system's clock.
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
    /// Whether this round's device may sign changes as `member`: only as
    /// its own member. (A copied data directory with an edited member id
    /// must not make a worker's note read "Aline created".) Changes of
    /// other members that a device pushes again are already on the server
    /// and never asked about.
    fn signs_as(&mut self, member: MemberId) -> Result<bool, Self::Error>;
}

/// Limits of one answer.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// At most this many feed records per page.
    pub records: usize,
    /// Stop adding feed records past this many bytes of changes.
    pub bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            records: 2000,
            bytes: 8 * 1024 * 1024,
        }
    }
}

/// A round that cannot be answered at all.
#[derive(Debug, thiserror::Error)]
pub enum HandleError<E: std::error::Error + 'static> {
    /// The device speaks another protocol version.
    #[error("this device speaks sync protocol {client} but the server speaks {server}; update Carnet on this device")]
    Protocol {
        /// The device's version.
        client: u32,
        /// The server's.
        server: u32,
    },
    /// The storage failed.
    #[error("the server's storage failed: {0}")]
    Store(#[source] E),
}

fn reject(id: RecordId, code: RejectCode, reason: impl Into<String>) -> Rejection {
    Rejection {
        id,
        code,
        reason: reason.into(),
    }
}

/// A pushed record that passed the checks made before merging.
struct Pending<'a> {
    push: &'a PushRecord,
    /// The heads the device sent.
    device_heads: Vec<ChangeHash>,
    /// The stored document (`None`: the record is new here).
    existing: Option<RecordDoc>,
    /// For a partner's push, the referral as stored: what it may change
    /// is checked against it once merged.
    before: Option<ReferralRecord>,
}

/// What merging a pushed record made, for the store to keep.
struct MergedPush {
    doc: RecordDoc,
    first_time: bool,
    /// The changes new to the server (all of them for a new record).
    new: Vec<u8>,
    /// Some changes wait for others the server lacks.
    missing: bool,
    /// The authors of `new`.
    authors: Vec<Option<MemberId>>,
    /// The hashes of the changes in `new`.
    hashes: Vec<ChangeHash>,
    /// The server's heads after the merge, and what the device lacks.
    heads: Vec<ChangeHash>,
    answer: Vec<u8>,
    /// For a partner's push: the referral before and after the merge.
    partner: Option<(ReferralRecord, ReferralRecord)>,
    /// The heads the device sent (to answer again if the server changes
    /// the record itself).
    device_heads: Vec<ChangeHash>,
}

/// The checks before merging, with the store: heads, erasure, kind, role.
fn check_push<'a, S: ServerStore>(
    store: &mut S,
    access: &Access,
    push: &'a PushRecord,
) -> Result<Result<Pending<'a>, Rejection>, S::Error> {
    let id = push.id;
    let Ok(device_heads) = decode_heads(&push.heads) else {
        return Ok(Err(reject(
            id,
            RejectCode::Invalid,
            "the record's heads are malformed",
        )));
    };
    if store.is_erased(id)? {
        return Ok(Err(reject(
            id,
            RejectCode::Erased,
            "this record was erased by a coordinator and cannot come back",
        )));
    }
    let existing = store.load(id)?;
    let kind = existing.as_ref().map(RecordDoc::kind).unwrap_or(push.kind);
    // Neither refusal names what the id holds: a device that may not read
    // persons must not learn that an id is a person's.
    if kind != push.kind || (existing.is_none() && store.taken_elsewhere(id)?) {
        return Ok(Err(reject(
            id,
            RejectCode::Invalid,
            "this id is already used by another record; a new record needs a new id",
        )));
    }
    if let Some(reason) = access.write_refusal(kind) {
        return Ok(Err(reject(id, RejectCode::Forbidden, reason)));
    }
    // A partner answers referrals addressed to its organisation: it
    // creates nothing, and what it may not see is refused as if absent.
    let before = match (access.feed_scope(), &existing) {
        (None, _) => None,
        (Some(org), Some(doc)) => match doc.record() {
            Ok(Record::Referral(r)) if r.referral.resource_id == Some(org) => Some(*r),
            _ => None,
        },
        (Some(_), None) => None,
    };
    if access.feed_scope().is_some() && before.is_none() {
        return Ok(Err(reject(
            id,
            RejectCode::Forbidden,
            PARTNER_WRITE_REFUSAL,
        )));
    }
    Ok(Ok(Pending {
        push,
        device_heads,
        existing,
        before,
    }))
}

/// The merge of a pushed record: pure work on its document, which runs on
/// every core when a request pushes many records.
fn merge_push(pending: Pending<'_>) -> Result<MergedPush, Rejection> {
    let Pending {
        push,
        device_heads,
        existing,
        before,
    } = pending;
    let id = push.id;
    let first_time = existing.is_none();
    let (mut doc, new, missing) = match existing {
        Some(mut doc) => match doc.merge_in_place(&push.changes) {
            Ok(m) => (doc, m.new, m.missing_deps),
            Err(e) => return Err(reject(id, RejectCode::Invalid, e.to_string())),
        },
        None => match RecordDoc::from_changes(id, &push.changes) {
            Ok(mut doc) if doc.kind() == push.kind => {
                let all = doc.changes_since(&[]);
                (doc, all, false)
            }
            Ok(doc) => {
                return Err(reject(
                    id,
                    RejectCode::Invalid,
                    format!("the changes make a {}, not a {}", doc.kind(), push.kind),
                ))
            }
            Err(CoreError::MissingDependencies(_)) => {
                return Err(reject(
                    id,
                    RejectCode::MissingDeps,
                    "the server lacks earlier changes of this record; send all of it",
                ))
            }
            Err(e) => return Err(reject(id, RejectCode::Invalid, e.to_string())),
        },
    };
    let (authors, hashes) = if new.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        RecordDoc::authors_and_hashes(&new)
    };
    let partner = match before {
        Some(before) => match doc.record() {
            Ok(Record::Referral(after)) => Some((before, *after)),
            _ => return Err(reject(id, RejectCode::Forbidden, PARTNER_WRITE_REFUSAL)),
        },
        None => None,
    };
    let heads = doc.heads();
    let since = doc.known_heads(&device_heads);
    let answer = if since.len() == heads.len() && since.iter().all(|h| heads.contains(h)) {
        Vec::new()
    } else {
        doc.changes_since(&since)
    };
    Ok(MergedPush {
        doc,
        first_time,
        new,
        missing,
        authors,
        hashes,
        heads,
        answer,
        partner,
        device_heads,
    })
}

/// The session of the changes the server makes when it moves referrals
/// (see [`move_held_referrals`]), under the referral maker's member id.
pub const MOVED_SESSION: [u8; 8] = *b"carnet-m";

/// Referrals a person's record still holds (made by an earlier Carnet)
/// become records of their own, with the same ids and everything they
/// held, and the person's record then holds none: changes the server
/// makes in the name of each referral's maker. Done when a person's
/// record arrives holding some, and once over a server's stored records
/// (the server's migration). A referral already a record, erased, or an
/// id taken in another team, is not made again. Returns whether the
/// person's record changed.
pub fn move_held_referrals<S: ServerStore>(
    store: &mut S,
    doc: &mut RecordDoc,
) -> Result<bool, S::Error> {
    if doc.kind() != RecordKind::Person || !doc.has_items("referrals") {
        return Ok(false);
    }
    let Ok(Record::Person(p)) = doc.record() else {
        return Ok(false);
    };
    if p.referrals.is_empty() {
        return Ok(false);
    }
    let at = store.now();
    for (id, record) in crate::record::held_as_records(doc.id(), &p) {
        if store.is_erased(id)? || store.taken_elsewhere(id)? {
            continue;
        }
        if let Some(existing) = store.load(id)? {
            store.release(existing);
            continue;
        }
        let actor = Actor::new(record.made_by, MOVED_SESSION);
        let Ok(mut new) = RecordDoc::create(
            id,
            &Record::Referral(Box::new(record)),
            &Codebook::any(),
            &actor,
            at,
        ) else {
            continue;
        };
        store.insert(&mut new)?;
    }
    let author = p
        .referrals
        .iter()
        .find_map(|r| r.history.first().map(|h| h.by))
        .unwrap_or(p.author);
    let cleared = doc.edit::<_, CoreError>(
        &Actor::new(author, MOVED_SESSION),
        at,
        &Codebook::any(),
        |r| {
            if let Record::Person(p) = r {
                p.referrals.clear();
            }
            Ok(())
        },
    );
    match cleared {
        Ok((_, change)) if !change.is_empty() => {
            store.append(doc, &change)?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// A record to answer with, and the heads it gives the device.
type Answered = (PullRecord, Vec<ChangeHash>);

/// Keep a merged push, with the store: the new changes must be signed by
/// the pushing device's own member; the
/// new changes are stored. Returns the rejection, or the record to answer
/// with and the heads it gives the device.
fn keep_push<S: ServerStore>(
    store: &mut S,
    merged: MergedPush,
) -> Result<Result<Answered, Rejection>, S::Error> {
    let MergedPush {
        mut doc,
        first_time,
        new,
        missing,
        authors,
        hashes,
        mut heads,
        mut answer,
        partner,
        device_heads,
    } = merged;
    let id = doc.id();
    if let Some((before, after)) = partner {
        let mut signs = Ok(true);
        let refusal =
            ReferralRecord::partner_refusal(&before, &after, |m| match store.signs_as(m) {
                Ok(ok) => ok,
                Err(e) => {
                    signs = Err(e);
                    false
                }
            });
        signs?;
        if let Some(reason) = refusal {
            return Ok(Err(reject(id, RejectCode::Forbidden, reason)));
        }
    }
    if !new.is_empty() {
        if store.erased_change(&hashes)? {
            return Ok(Err(reject(
                id,
                RejectCode::Erased,
                "these changes belong to a record a coordinator erased; they cannot come back",
            )));
        }
        for author in authors {
            let ok = match author {
                Some(m) => store.signs_as(m)?,
                None => false,
            };
            if !ok {
                return Ok(Err(reject(
                    id,
                    RejectCode::Forbidden,
                    "the changes are signed by another member than this device's: a device sends only its own member's changes",
                )));
            }
        }
        if first_time {
            store.insert(&mut doc)?;
        } else {
            store.append(&mut doc, &new)?;
        }
        // A person's record that arrives holding referrals (from a device
        // of an earlier Carnet) has them moved to records of their own;
        // the device is answered with that change too.
        if move_held_referrals(store, &mut doc)? {
            heads = doc.heads();
            let since = doc.known_heads(&device_heads);
            answer = doc.changes_since(&since);
        }
    }
    if missing {
        return Ok(Err(reject(
            id,
            RejectCode::MissingDeps,
            "the server lacks earlier changes of this record; send all of it",
        )));
    }
    let kind = doc.kind();
    store.release(doc);
    let record = PullRecord {
        id,
        kind,
        heads: encode_heads(&heads),
        changes: answer,
    };
    Ok(Ok((record, heads)))
}

/// Below this many pushed records per thread, merging stays on the
/// calling thread.
const PUSHES_PER_THREAD: usize = 8;

/// What the pushes of a round made so far.
#[derive(Default)]
struct Pushed {
    /// The records to answer with.
    records: Vec<PullRecord>,
    /// The pushes refused.
    rejected: Vec<Rejection>,
    /// The heads the answer gives the device, by record.
    sent: Vec<(RecordId, Vec<ChangeHash>)>,
}

/// Apply pushed records, none of them twice: check each with the store,
/// merge them all (on every core when there are many), then keep each
/// one, in order, with the store.
fn apply_pushes<S: ServerStore>(
    store: &mut S,
    access: &Access,
    pushes: &[PushRecord],
    out: &mut Pushed,
) -> Result<(), S::Error> {
    let ids: Vec<RecordId> = pushes.iter().map(|p| p.id).collect();
    store.lock(&ids)?;
    let mut checked = Vec::with_capacity(pushes.len());
    for push in pushes {
        checked.push(check_push(store, access, push)?);
    }
    let threads = crate::parallel::threads_for(checked.len(), PUSHES_PER_THREAD);
    crate::parallel::for_each_in_order(
        checked,
        threads,
        |_, checked| checked.and_then(merge_push),
        |_, merged| {
            match merged.map(|m| keep_push(store, m)) {
                Err(r) | Ok(Ok(Err(r))) => out.rejected.push(r),
                Ok(Ok(Ok((record, heads)))) => {
                    out.sent.push((record.id, heads));
                    out.records.push(record);
                }
                Ok(Err(e)) => return Err(e),
            }
            Ok(())
        },
    )
}

/// The most the records of one request may hold once decompressed:
/// 64 MiB. A device pushes at most [`crate::sync::client::MAX_PUSH_BYTES`]
/// of changes a round, which Automerge's compression keeps far below it.
pub const MAX_INFLATED_REQUEST: u64 = 64 * 1024 * 1024;

/// A request whose records would inflate past [`MAX_INFLATED_REQUEST`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the records of this request would take more than {} MiB once decompressed; a device sends at most {} MiB of changes a round", MAX_INFLATED_REQUEST / (1024 * 1024), crate::sync::client::MAX_PUSH_BYTES / (1024 * 1024))]
pub struct RequestTooLarge;

/// Check what a request pushes before its round, away from the storage
/// and its lock: each record's bytes are measured
/// ([`crate::chunks::inflated_size`]: every compressed part inflated into
/// a counter, nothing kept), and those that would inflate past
/// [`crate::chunks::MAX_INFLATED_RECORD`] are refused `too-large` (or
/// `invalid`, when they are not Automerge chunks at all); the whole
/// request is refused when the rest would inflate past
/// [`MAX_INFLATED_REQUEST`]. What the round then decodes, under the
/// storage's lock, is bounded by that; and its decoding is contained (a
/// panic inside Automerge refuses that record alone). The records refused
/// leave `req`; the round answers their refusals with its own.
pub fn screen(req: &mut SyncRequest) -> Result<Vec<Rejection>, RequestTooLarge> {
    use crate::chunks::{inflated_size, Unsafe, MAX_INFLATED_RECORD};
    let pushes = std::mem::take(&mut req.push);
    let threads = crate::parallel::threads_for(pushes.len(), PUSHES_PER_THREAD);
    let mut refused = Vec::new();
    let mut kept = Vec::with_capacity(pushes.len());
    let mut total = 0u64;
    crate::parallel::for_each_in_order(
        pushes,
        threads,
        |_, push| {
            let size = inflated_size(&push.changes, MAX_INFLATED_RECORD);
            (push, size)
        },
        |_, (push, size)| {
            match size {
                Ok(size) => {
                    total = total.saturating_add(size);
                    if total > MAX_INFLATED_REQUEST {
                        return Err(RequestTooLarge);
                    }
                    kept.push(push);
                }
                Err(Unsafe::TooLarge(_)) => refused.push(reject(
                    push.id,
                    RejectCode::TooLarge,
                    format!(
                        "the record's changes would take more than {} MiB once decompressed; a record this large is refused",
                        MAX_INFLATED_RECORD / (1024 * 1024)
                    ),
                )),
                Err(Unsafe::Malformed) => refused.push(reject(
                    push.id,
                    RejectCode::Invalid,
                    "the record's changes are not Automerge changes",
                )),
            }
            Ok(())
        },
    )?;
    req.push = kept;
    Ok(refused)
}

/// Answer one round for a device with `access`.
pub fn handle_sync<S: ServerStore>(
    store: &mut S,
    access: &Access,
    req: &SyncRequest,
    limits: Limits,
) -> Result<SyncResponse, HandleError<S::Error>> {
    if req.protocol != PROTOCOL_VERSION {
        return Err(HandleError::Protocol {
            client: req.protocol,
            server: PROTOCOL_VERSION,
        });
    }
    let st = HandleError::Store;
    let answer = store.begin_round(req.last_answer).map_err(st)?;
    // A record pushed twice in one request is merged in two goes: the
    // second must see what the first stored.
    let mut pushed = Pushed::default();
    let mut rest = &req.push[..];
    while !rest.is_empty() {
        let mut ids = HashSet::new();
        let split = rest
            .iter()
            .position(|p| !ids.insert(p.id))
            .unwrap_or(rest.len());
        apply_pushes(store, access, &rest[..split], &mut pushed).map_err(st)?;
        rest = &rest[split..];
    }
    store.writes_done().map_err(st)?;
    let Pushed {
        mut records,
        rejected,
        mut sent,
    } = pushed;
    let mut answered: HashSet<RecordId> = records.iter().map(|r| r.id).collect();

    let mut budget = 0usize;
    for id in &req.want_full {
        if answered.contains(id) || store.is_erased(*id).map_err(st)? {
            continue;
        }
        if let Some(mut doc) = store.load(*id).map_err(st)? {
            // A record's scope is read (the referral decoded) for a
            // partner only.
            let kind = doc.kind();
            let visible = access.may_read(kind)
                && (access.feed_scope().is_none() || access.sees(kind, doc.scope()));
            if !visible {
                store.release(doc);
                continue;
            }
            let changes = doc.changes_since(&[]);
            budget += changes.len();
            let heads = doc.heads();
            records.push(PullRecord {
                id: *id,
                kind: doc.kind(),
                heads: encode_heads(&heads),
                changes,
            });
            store.release(doc);
            sent.push((*id, heads));
            answered.insert(*id);
        }
    }

    let mut erased = Vec::new();
    // A device past the feed's end holds what the server lost: the feed
    // starts over for it, and it sends everything again.
    let behind = store
        .feed_end()
        .map_err(st)?
        .is_some_and(|end| req.cursor > end);
    let start = if behind { 0 } else { req.cursor };
    let mut cursor = start;
    let mut more = false;
    let scope = access.feed_scope();
    let entries = store
        .feed_since(start, limits.records + 1, scope)
        .map_err(st)?;
    let total = entries.len();
    for (examined, entry) in entries.into_iter().enumerate() {
        if examined >= limits.records || budget >= limits.bytes {
            more = true;
            break;
        }
        cursor = entry.seq;
        if entry.erased {
            // A device that may not read persons never held one: it is
            // not told which persons were erased.
            if access.sees(entry.kind, entry.scope) {
                erased.push(entry.id);
            }
            continue;
        }
        if answered.contains(&entry.id) || !access.sees(entry.kind, entry.scope) {
            continue;
        }
        let device = store.device_heads(entry.id).map_err(st)?;
        let changes = match &device {
            Some(h)
                if h.len() == entry.heads.len() && h.iter().all(|x| entry.heads.contains(x)) =>
            {
                continue
            }
            None => store
                .stored_bytes(entry.id)
                .map_err(st)?
                .unwrap_or_default(),
            Some(h) => match store.stored_after(entry.id, h).map_err(st)? {
                Some(bytes) => bytes,
                None => match store.load(entry.id).map_err(st)? {
                    Some(mut doc) => {
                        let since = doc.known_heads(h);
                        let changes = doc.changes_since(&since);
                        store.release(doc);
                        changes
                    }
                    None => continue,
                },
            },
        };
        budget += changes.len();
        records.push(PullRecord {
            id: entry.id,
            kind: entry.kind,
            heads: encode_heads(&entry.heads),
            changes,
        });
        sent.push((entry.id, entry.heads));
    }
    debug_assert!(more || total <= limits.records);
    store.records_sent(&sent).map_err(st)?;
    let remaining = if more {
        store.feed_remaining(cursor, scope).map_err(st)?
    } else {
        None
    };
    Ok(SyncResponse {
        protocol: PROTOCOL_VERSION,
        cursor,
        answer,
        more,
        remaining,
        records,
        erased,
        rejected,
        behind,
    })
}
