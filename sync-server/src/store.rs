//! [`TeamStore`]: the core's [`ServerStore`] on the server's SQLite
//! database, scoped to one team and one device, inside the transaction of
//! one sync round. Documents are kept as a snapshot plus change chunks,
//! folded into a new snapshot every [`COMPACT_AFTER`] chunks.

use std::collections::{HashMap, HashSet};

use automerge::ChangeHash;
use carnet_core::recent::Recent;
use carnet_core::sync::server::{FeedEntry, ServerStore};
use carnet_core::sync::{decode_heads, encode_heads};
use carnet_core::{MemberId, RecordDoc, RecordId, RecordKind, Timestamp};

use crate::args;
use crate::db;
use crate::error::ServerError;
use crate::sql::{Dialect, Row, Sql, Value};

/// Chunks kept per record before compaction.
pub const COMPACT_AFTER: i64 = 64;

/// A record's snapshot and its chunks, in order.
type Stored = (Vec<u8>, Vec<Vec<u8>>);

/// How many decoded documents the server keeps between rounds (a decoded
/// note takes a few hundred kilobytes).
pub const CACHED_DOCS: usize = 128;

/// Documents decoded by earlier rounds, by team and record: a record many
/// devices edit (the same note, the codebook) is decoded once, not once a
/// round. Only documents loaded by a round are kept (a record stored once
/// is not kept for that). An entry is used only when its heads are the
/// heads stored, so a round that rolled back, an erasure or another
/// process's write simply make it miss.
///
/// Rounds running side by side (on PostgreSQL) share it: it is locked
/// only to take or give back a document, never for a round.
#[derive(Debug)]
pub struct DocCache(std::sync::Mutex<Recent<(String, RecordId), RecordDoc>>);

impl Default for DocCache {
    fn default() -> Self {
        Self(std::sync::Mutex::new(Recent::new(CACHED_DOCS)))
    }
}

impl DocCache {
    fn kept(&self) -> std::sync::MutexGuard<'_, Recent<(String, RecordId), RecordDoc>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn take(&self, team: &str, id: RecordId) -> Option<RecordDoc> {
        self.kept().take(&(team.to_string(), id))
    }

    fn put(&self, team: &str, doc: RecordDoc) {
        self.kept().put((team.to_string(), doc.id()), doc);
    }

    /// How many documents are kept.
    pub fn len(&self) -> usize {
        self.kept().len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One team's records as seen by one device, inside a transaction of
/// either database ([`Sql`]). Writes take their feed positions once they
/// are all done, at once, from the team's counter: see
/// [`ServerStore::writes_done`] on this store for why. Appends are
/// written together too (see [`Appended`]): what a store wrote is
/// complete once `writes_done` (or [`TeamStore::finish`]) ran.
pub struct TeamStore<'t> {
    tx: &'t dyn Sql,
    team: String,
    device: String,
    /// When this round happens (the server's clock, injected).
    now: Timestamp,
    cache: Option<&'t DocCache>,
    /// Records this round loaded (the ones worth keeping decoded).
    loaded: HashSet<RecordId>,
    /// Records this round wrote, in order: they take feed positions when
    /// it ends.
    written: Vec<RecordId>,
    /// Chunks stored per record, as this round read or wrote them.
    counts: HashMap<RecordId, i64>,
    /// Members this round's device may sign as (asked once each).
    signs: HashMap<MemberId, bool>,
    /// Per feed record read: the heads the device is credited with (read
    /// with the feed, in the same statement).
    credit: HashMap<RecordId, Option<Vec<u8>>>,
    /// The feed records the answer may send, in feed order, and whether
    /// whole: their bytes are read [`READ_AHEAD`] at a time.
    upcoming: Vec<(RecordId, bool)>,
    /// Where each stands in `upcoming`.
    position: HashMap<RecordId, usize>,
    /// Bytes read ahead, by record.
    ahead: HashMap<RecordId, Ahead>,
    /// Commit once the round's writes are done (see
    /// [`TeamStore::committing_writes`]).
    commit_writes: bool,
    /// This round's answer (0 until [`ServerStore::begin_round`]).
    answer: i64,
    /// What [`ServerStore::lock`] read of the records it locked.
    locked: Locked,
    /// Whether the team has erased any change (asked once a round).
    team_erased: Option<bool>,
    /// The team's last feed position, read with the round's writes.
    feed_end: Option<i64>,
    /// The member the device acts for, when its authentication said it.
    member: Option<MemberId>,
    /// Appends not written yet (see [`Appended`]).
    appended: Appended,
}

/// Appends not written yet: the chunks, and each record's new chunk
/// count, heads and scope. They are written together, two statements for
/// all of them, before the store next reads anything or when the round's
/// writes end: a round pushing five edited notes wrote ten statements,
/// each a round trip made while it holds those notes (on PostgreSQL).
#[derive(Debug, Default)]
struct Appended {
    /// Per chunk: its record, its number, its bytes, the heads after it.
    chunks: Vec<(RecordId, i64, Vec<u8>, Vec<u8>)>,
    /// Per append: the record, its chunk count, heads and scope after it.
    records: Vec<(RecordId, i64, Vec<u8>, Option<String>)>,
}

/// What [`ServerStore::lock`] read with the records it locked, on
/// PostgreSQL (where each statement is a round trip, made while the
/// records are held): each one's stored heads and chunk count, and which
/// are tombstones. A record this round writes is forgotten here, and read
/// again when asked about.
#[derive(Debug, Default)]
struct Locked {
    /// The records locked and not written since.
    ids: HashSet<RecordId>,
    /// Their heads and chunk counts, for those stored.
    stored: HashMap<RecordId, (Vec<u8>, i64)>,
    /// Those erased.
    erased: HashSet<RecordId>,
    /// Documents kept decoded between rounds, brought up to the heads
    /// locked (PostgreSQL; see [`TeamStore::catch_up_locked`]).
    caught: HashMap<RecordId, RecordDoc>,
}

/// Feed records whose bytes are read in one statement rather than one by
/// one (each statement costs a round trip to PostgreSQL).
pub const READ_AHEAD: usize = 64;

/// Whether a team erased any change.
const TEAM_ERASED: &str = "SELECT 1 FROM erased_changes WHERE team = $1 LIMIT 1";

/// For each record (`$2`) and the heads a document kept of it holds
/// (`$3`), the chunks stored after them, in order: after the chunk whose
/// heads they are, or all of them when they are the snapshot's. None
/// when they are neither (the record was compacted since).
const CHUNKS_AFTER_HELD: &str = "SELECT k.id, c.bytes
     FROM unnest($2::TEXT[], $3::BYTEA[]) AS k(id, held)
     JOIN records r ON r.team = $1 AND r.id = k.id
     CROSS JOIN LATERAL (
         SELECT CASE WHEN r.snapshot_heads = k.held THEN -1
             ELSE (SELECT max(d.n) FROM chunks d WHERE d.team = $1 AND d.id = k.id AND d.heads_after = k.held)
         END AS after) p
     JOIN chunks c ON c.team = $1 AND c.id = k.id AND c.n > p.after
     ORDER BY k.id, c.n";

/// The team's last feed position.
const FEED_END: &str = "SELECT feed_seq FROM teams WHERE id = $1";

/// Parameter `$n` as bytes, where the statement alone does not type it (a
/// CASE's branch, a VALUES list): PostgreSQL types such a parameter by
/// its place, not by the column it is written to, so it is cast; SQLite
/// would make a BYTEA cast a number, and takes it as it comes.
fn blob_param(dialect: Dialect, n: usize) -> String {
    match dialect {
        Dialect::Postgres => format!("CAST(${n} AS BYTEA)"),
        Dialect::Sqlite => format!("${n}"),
    }
}

/// Rows written by one statement (device credit, feed positions).
const ROWS_PER_STATEMENT: usize = 200;

/// A feed record's bytes, read ahead.
#[derive(Debug, Default)]
struct Ahead {
    /// Its snapshot, when it is to be sent whole.
    snapshot: Option<Vec<u8>>,
    /// The heads after its snapshot, when what follows heads is sent.
    snapshot_heads: Vec<u8>,
    /// Its chunks, in order: the heads after each, and its bytes.
    chunks: Vec<(Vec<u8>, Vec<u8>)>,
}

/// Each record's last occurrence in `items`, in the order of those last
/// occurrences (a record written or sent twice in a round counts once, at
/// its latest: one statement may not touch a row twice).
fn last_of_each<T>(items: &[T], id: impl Fn(&T) -> RecordId) -> impl Iterator<Item = &T> {
    let mut seen = HashSet::new();
    let mut last: Vec<&T> = items.iter().rev().filter(|t| seen.insert(id(t))).collect();
    last.reverse();
    last.into_iter()
}

/// `$first, $first+1, …` for `n` values.
fn marks(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl std::fmt::Debug for TeamStore<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TeamStore")
            .field("team", &self.team)
            .field("device", &self.device)
            .finish()
    }
}

impl<'t> TeamStore<'t> {
    /// A store for `device` of `team`, for a round happening `now`.
    pub fn new(tx: &'t dyn Sql, team: &str, device: &str, now: Timestamp) -> Self {
        Self {
            tx,
            team: team.to_string(),
            device: device.to_string(),
            now,
            cache: None,
            loaded: HashSet::new(),
            written: Vec::new(),
            counts: HashMap::new(),
            signs: HashMap::new(),
            credit: HashMap::new(),
            upcoming: Vec::new(),
            position: HashMap::new(),
            ahead: HashMap::new(),
            commit_writes: false,
            answer: 0,
            locked: Locked::default(),
            team_erased: None,
            feed_end: None,
            member: None,
            appended: Appended::default(),
        }
    }

    /// The same, for a sync round that commits its writes as soon as they
    /// are done (with their feed positions), and reads the feed for its
    /// answer after, in a transaction of its own: the records it pushed
    /// and the team's counter row are locked only while it writes, not
    /// while it reads (on PostgreSQL; SQLite has one writer at a time
    /// anyway). If the round then fails, what it stored stays: the device
    /// is not answered and pushes the same changes again, which merge
    /// into nothing new.
    pub fn committing_writes(mut self) -> Self {
        self.commit_writes = true;
        self
    }

    /// The same, for a device its authentication said acts for `member`:
    /// whom it may sign as is known without asking the database.
    pub fn signing_as(mut self, member: MemberId) -> Self {
        self.member = Some(member);
        self
    }

    /// The same, keeping decoded documents in `cache` between rounds.
    pub fn with_cache(mut self, cache: &'t DocCache) -> Self {
        self.cache = Some(cache);
        self
    }

    /// End the writes of work done outside a sync round (joining,
    /// migrations): see [`ServerStore::writes_done`] on this store. A
    /// round's writes end in the round itself.
    pub fn finish(mut self) -> Result<(), ServerError> {
        self.writes_done()
    }

    /// Write the appends not written yet (see [`Appended`]).
    fn flush(&mut self) -> Result<(), ServerError> {
        let statements = self.appended_statements();
        if !statements.is_empty() {
            self.tx.batch(&statements, false)?;
        }
        Ok(())
    }

    /// The statements that write the appends not written yet, which are
    /// then forgotten.
    fn appended_statements(&mut self) -> Vec<(String, Vec<Value>)> {
        let mut statements = Vec::new();
        let Appended { chunks, records } = std::mem::take(&mut self.appended);
        for group in chunks.chunks(ROWS_PER_STATEMENT) {
            let mut args = vec![Value::from(&self.team)];
            let mut rows = Vec::with_capacity(group.len());
            for (id, n, bytes, heads) in group {
                let k = args.len();
                rows.push(format!(
                    "($1, ${}, ${}, ${}, ${})",
                    k + 1,
                    k + 2,
                    k + 3,
                    k + 4
                ));
                args.push(Value::from(id.to_string()));
                args.push(Value::Int(*n));
                args.push(Value::from(bytes.clone()));
                args.push(Value::from(heads.clone()));
            }
            statements.push((
                format!(
                    "INSERT INTO chunks (team, id, n, bytes, heads_after) VALUES {}",
                    rows.join(", ")
                ),
                args,
            ));
        }
        let blob = |n: usize| blob_param(self.tx.dialect(), n);
        let last: Vec<_> = last_of_each(&records, |r| r.0).collect();
        for group in last.chunks(ROWS_PER_STATEMENT) {
            let mut args = vec![Value::from(&self.team)];
            let (mut counts, mut heads, mut scopes, mut ids) =
                (String::new(), String::new(), String::new(), Vec::new());
            for (id, count, h, scope) in group.iter().copied() {
                let k = args.len();
                counts.push_str(&format!(" WHEN ${} THEN CAST(${} AS BIGINT)", k + 1, k + 2));
                heads.push_str(&format!(" WHEN ${} THEN {}", k + 1, blob(k + 3)));
                scopes.push_str(&format!(" WHEN ${} THEN ${}", k + 1, k + 4));
                ids.push(format!("${}", k + 1));
                args.push(Value::from(id.to_string()));
                args.push(Value::Int(*count));
                args.push(Value::from(h.clone()));
                args.push(Value::from(scope.clone()));
            }
            statements.push((
                format!(
                    "UPDATE records SET chunk_count = CASE id{counts} END, heads = CASE id{heads} END, scope = CASE id{scopes} END
                     WHERE team = $1 AND id IN ({})",
                    ids.join(", ")
                ),
                args,
            ));
        }
        statements
    }

    /// Take from the cache the documents kept of the records just locked,
    /// and bring those behind what is stored (another instance wrote
    /// since) up to it with the chunks stored after them, read for all
    /// of them in one statement while the locks are held (a round pushing
    /// five notes read two statements per note). A document that does
    /// not reach the stored heads is dropped: its record is read whole
    /// when loaded.
    fn catch_up_locked(&mut self) -> Result<(), ServerError> {
        let Some(cache) = self.cache else {
            return Ok(());
        };
        let mut behind = Vec::new();
        let mut locked: Vec<_> = self.locked.stored.iter().collect();
        locked.sort_by_key(|(id, _)| **id);
        for (id, (heads, _)) in locked {
            if let Some(mut doc) = cache.take(&self.team, *id) {
                let held = encode_heads(&doc.heads());
                if held == *heads {
                    self.locked.caught.insert(*id, doc);
                } else {
                    behind.push((held, doc));
                }
            }
        }
        if behind.is_empty() {
            return Ok(());
        }
        let ids = Value::TextList(behind.iter().map(|(_, d)| d.id().to_string()).collect());
        let held = Value::BytesList(behind.iter().map(|(h, _)| h.clone()).collect());
        let rows = self
            .tx
            .rows(CHUNKS_AFTER_HELD, &[Value::from(&self.team), ids, held])?;
        let mut docs: HashMap<RecordId, RecordDoc> =
            behind.into_iter().map(|(_, d)| (d.id(), d)).collect();
        let mut failed = HashSet::new();
        for mut row in rows {
            let id = db::typed_id(&row.text(0)?, "record")?;
            if let Some(doc) = docs.get_mut(&id) {
                if doc.apply_trusted(&row.take_bytes(1)?).is_err() {
                    failed.insert(id);
                }
            }
        }
        for (id, mut doc) in docs {
            let reached = self
                .locked
                .stored
                .get(&id)
                .is_some_and(|(heads, _)| *heads == encode_heads(&doc.heads()));
            if reached && !failed.contains(&id) {
                self.locked.caught.insert(id, doc);
            }
        }
        Ok(())
    }

    /// Documents taken from the cache by [`TeamStore::catch_up_locked`]
    /// and not loaded go back to it.
    fn put_back_caught(&mut self) {
        let caught = std::mem::take(&mut self.locked.caught);
        if let Some(cache) = self.cache {
            for (_, doc) in caught {
                cache.put(&self.team, doc);
            }
        }
    }

    /// A record's snapshot and its chunks, in order.
    fn bytes(&mut self, id: RecordId) -> Result<Option<Stored>, ServerError> {
        let Some(mut row) = self
            .tx
            .row(SNAPSHOT_OF, args![&self.team, id.to_string()])?
        else {
            return Ok(None);
        };
        let chunks = self
            .tx
            .rows(CHUNKS_OF, args![&self.team, id.to_string()])?
            .into_iter()
            .map(|mut r| r.take_bytes(0))
            .collect::<Result<Vec<_>, _>>()?;
        self.counts.insert(id, chunks.len() as i64);
        Ok(Some((row.take_bytes(0)?, chunks)))
    }

    /// A kept document of `id` brought up to the `stored` heads with the
    /// chunks stored after what it holds (another instance, or a round
    /// that rolled back, moved on from it): two small reads where loading
    /// it again decodes it whole. `None` when its heads are no chunk's
    /// (the record was compacted since), or the chunks do not lead
    /// to the stored heads.
    fn caught_up(
        &mut self,
        id: RecordId,
        mut doc: RecordDoc,
        stored: &[u8],
    ) -> Result<Option<RecordDoc>, ServerError> {
        let held = encode_heads(&doc.heads());
        // Where it stands: at the snapshot (-1), or after a chunk.
        let positions = self.tx.rows(
            "SELECT -1, snapshot_heads FROM records WHERE team = $1 AND id = $2
             UNION ALL SELECT n, heads_after FROM chunks WHERE team = $1 AND id = $2
             ORDER BY 1",
            args![&self.team, id.to_string()],
        )?;
        let mut after = None;
        for row in &positions {
            if row.bytes(1)? == held {
                after = Some(row.int(0)?);
            }
        }
        let Some(after) = after else {
            return Ok(None);
        };
        for row in self.tx.rows(
            "SELECT bytes FROM chunks WHERE team = $1 AND id = $2 AND n > $3 ORDER BY n",
            args![&self.team, id.to_string(), after],
        )? {
            if doc.apply_trusted(&row.bytes(0)?).is_err() {
                return Ok(None);
            }
        }
        Ok((encode_heads(&doc.heads()) == stored).then_some(doc))
    }

    /// The bytes of `id` read ahead with the feed records that follow it,
    /// if it is one of the feed's.
    fn read_ahead(&mut self, id: RecordId) -> Result<Option<Ahead>, ServerError> {
        if let Some(a) = self.ahead.remove(&id) {
            return Ok(Some(a));
        }
        let Some(&at) = self.position.get(&id) else {
            return Ok(None);
        };
        let batch: Vec<(RecordId, bool)> = self.upcoming[at..]
            .iter()
            .filter(|(id, _)| self.position.contains_key(id))
            .take(READ_AHEAD)
            .copied()
            .collect();
        // A fixed number of values (the last repeated): one statement
        // text, prepared once.
        let padded = |ids: &[String]| -> Vec<Value> {
            let mut args = vec![Value::from(&self.team)];
            let last = ids.last().cloned().unwrap_or_default();
            args.extend(
                ids.iter()
                    .cloned()
                    .chain(std::iter::repeat(last))
                    .take(READ_AHEAD)
                    .map(Value::from),
            );
            args
        };
        let list = marks(2, READ_AHEAD);
        let (whole, after): (Vec<_>, Vec<_>) = batch.iter().partition(|(_, whole)| *whole);
        let whole: Vec<String> = whole.iter().map(|(id, _)| id.to_string()).collect();
        let after: Vec<String> = after.iter().map(|(id, _)| id.to_string()).collect();
        let all: Vec<String> = batch.iter().map(|(id, _)| id.to_string()).collect();
        let mut read: HashMap<String, Ahead> = HashMap::new();
        if !whole.is_empty() {
            for mut row in self.tx.rows(
                &format!("SELECT id, snapshot FROM records WHERE team = $1 AND id IN ({list})"),
                &padded(&whole),
            )? {
                read.entry(row.text(0)?).or_default().snapshot = Some(row.take_bytes(1)?);
            }
        }
        if !after.is_empty() {
            for mut row in self.tx.rows(
                &format!(
                    "SELECT id, snapshot_heads FROM records WHERE team = $1 AND id IN ({list})"
                ),
                &padded(&after),
            )? {
                read.entry(row.text(0)?).or_default().snapshot_heads = row.take_bytes(1)?;
            }
        }
        for mut row in self.tx.rows(
            &format!(
                "SELECT id, heads_after, bytes FROM chunks WHERE team = $1 AND id IN ({list}) ORDER BY id, n"
            ),
            &padded(&all),
        )? {
            let (heads, bytes) = (row.take_bytes(1)?, row.take_bytes(2)?);
            if let Some(a) = read.get_mut(&row.text(0)?) {
                a.chunks.push((heads, bytes));
            }
        }
        for (id, _) in &batch {
            self.position.remove(id);
            if let Some(a) = read.remove(&id.to_string()) {
                self.ahead.insert(*id, a);
            }
        }
        Ok(self.ahead.remove(&id))
    }
}

/// A record of a team as stored, decoded (for erasure, outside a round).
pub fn stored_doc(
    tx: &dyn Sql,
    team: &str,
    id: RecordId,
) -> Result<Option<RecordDoc>, ServerError> {
    TeamStore::new(tx, team, "", Timestamp::from_millis(0)).load(id)
}

/// A record's snapshot.
const SNAPSHOT_OF: &str = "SELECT snapshot FROM records WHERE team = $1 AND id = $2";
/// A record's chunks, in order.
const CHUNKS_OF: &str = "SELECT bytes FROM chunks WHERE team = $1 AND id = $2 ORDER BY n";

/// The feed's end, read by the last of a batch's statements ([`FEED_END`]).
fn end_of(answers: &[Vec<Row>]) -> Result<i64, ServerError> {
    match answers.last().and_then(|rows| rows.first()) {
        Some(row) => row.int(0),
        None => Err(ServerError::Internal("this team's row is missing".into())),
    }
}

fn internal(e: impl std::fmt::Display) -> ServerError {
    ServerError::Internal(e.to_string())
}

/// A feed entry as read (its heads absent for a tombstone).
fn feed_entry(row: &Row) -> Result<FeedEntry, ServerError> {
    Ok(FeedEntry {
        seq: row.int(0)? as u64,
        id: row.text(1)?.parse().map_err(internal)?,
        kind: row.text(2)?.parse::<RecordKind>().map_err(internal)?,
        heads: match row.opt_bytes(3)? {
            Some(h) => decode_heads(&h).map_err(internal)?,
            None => Vec::new(),
        },
        erased: row.boolean(4)?,
        scope: row
            .opt_text(5)?
            .map(|s| s.parse())
            .transpose()
            .map_err(internal)?,
    })
}

impl ServerStore for TeamStore<'_> {
    type Error = ServerError;

    fn lock(&mut self, ids: &[RecordId]) -> Result<(), ServerError> {
        self.flush()?;
        // SQLite's write transaction already holds the whole database.
        if self.tx.dialect() == Dialect::Postgres && !ids.is_empty() {
            self.put_back_caught();
            let list = Value::TextList(ids.iter().map(ToString::to_string).collect());
            // In one order (the ids'), so two rounds never wait on each
            // other in a circle. What the round asks of each record next
            // comes with it, in the same round trip: its heads and chunk
            // count, whether it was erased, and (once a round) whether the
            // team erased anything.
            let mut statements = vec![
                (
                    "SELECT id, heads, chunk_count FROM records WHERE team = $1 AND id = ANY($2) ORDER BY id FOR UPDATE".to_string(),
                    vec![Value::from(&self.team), list.clone()],
                ),
                (
                    "SELECT id FROM tombstones WHERE team = $1 AND id = ANY($2)".to_string(),
                    vec![Value::from(&self.team), list],
                ),
            ];
            if self.team_erased.is_none() {
                statements.push((TEAM_ERASED.to_string(), vec![Value::from(&self.team)]));
            }
            let mut answers = self.tx.batch(&statements, false)?.into_iter();
            let (stored, erased) = (
                answers.next().unwrap_or_default(),
                answers.next().unwrap_or_default(),
            );
            if let Some(any) = answers.next() {
                self.team_erased = Some(!any.is_empty());
            }
            self.locked = Locked {
                ids: ids.iter().copied().collect(),
                stored: stored
                    .into_iter()
                    .map(|mut r| {
                        Ok((
                            db::typed_id(&r.text(0)?, "record")?,
                            (r.take_bytes(1)?, r.int(2)?),
                        ))
                    })
                    .collect::<Result<_, ServerError>>()?,
                erased: erased
                    .iter()
                    .map(|r| db::typed_id(&r.text(0)?, "record"))
                    .collect::<Result<_, ServerError>>()?,
                caught: HashMap::new(),
            };
            self.catch_up_locked()?;
        }
        Ok(())
    }

    /// The records this round wrote move to the end of the team's feed,
    /// in the order written, with positions taken now from the team's
    /// counter row (`teams.feed_seq`). Taking them once the writes are
    /// done is what keeps the feed whole when rounds run side by side:
    /// the counter's row stays locked from here until the transaction
    /// commits, so a round that takes positions after this one waits for
    /// it to commit, and positions become visible in the order they were
    /// taken. (A sequence's numbers are taken before their transactions
    /// commit and may become visible out of order: a device that read the
    /// feed up to 41 would never see the 40 committed a moment later.)
    /// Until then a record written by this round stands at its earlier
    /// position (0 for a new one), which no other round can see. The
    /// round then reads the feed with its own writes in it, so the
    /// device's cursor passes them (a server restored from a backup knows
    /// a device is ahead of it by that cursor).
    fn writes_done(&mut self) -> Result<(), ServerError> {
        // What was read with the locks holds only while they are held:
        // the answer reads what stands when it is made.
        self.put_back_caught();
        self.locked = Locked::default();
        let mut statements = self.appended_statements();
        let written = std::mem::take(&mut self.written);
        let order: Vec<RecordId> = last_of_each(&written, |id| *id).copied().collect();
        // The feed's end (see `feed_end`) is read with the writes, in the
        // same round trip: no device's cursor is past what it reads, since
        // its cursor came from an answer made before this round began.
        let end = (FEED_END.to_string(), vec![Value::from(&self.team)]);
        // A round that wrote nothing commits nothing here: it keeps the
        // device's row until it ends.
        if order.is_empty() {
            statements.push(end);
            self.feed_end = Some(end_of(&self.tx.batch(&statements, false)?)?);
            return Ok(());
        }
        // Each group of records takes its positions from the counter row
        // and the next statement reads them back (in this transaction),
        // so the appends, the positions and the commit go in one round
        // trip on PostgreSQL.
        for group in order.chunks(ROWS_PER_STATEMENT) {
            let n = group.len() as i64;
            statements.push((
                "UPDATE teams SET feed_seq = feed_seq + $2 WHERE id = $1".to_string(),
                vec![Value::from(&self.team), Value::Int(n)],
            ));
            let mut args = vec![Value::from(&self.team), Value::Int(n)];
            let mut cases = String::new();
            for (j, id) in group.iter().enumerate() {
                cases.push_str(&format!(
                    " WHEN ${} THEN CAST({} AS BIGINT)",
                    args.len() + 1,
                    j + 1
                ));
                args.push(Value::from(id.to_string()));
            }
            statements.push((
                format!(
                    "UPDATE records SET seq = (SELECT feed_seq FROM teams WHERE id = $1) - $2 + CASE id{cases} END
                     WHERE team = $1 AND id IN ({})",
                    marks(3, group.len())
                ),
                args,
            ));
        }
        statements.push(end);
        self.feed_end = Some(end_of(&self.tx.batch(&statements, self.commit_writes)?)?);
        Ok(())
    }

    fn load(&mut self, id: RecordId) -> Result<Option<RecordDoc>, ServerError> {
        self.flush()?;
        self.loaded.insert(id);
        if let Some(doc) = self.locked.caught.remove(&id) {
            if let Some((_, count)) = self.locked.stored.get(&id) {
                self.counts.insert(id, *count);
            }
            return Ok(Some(doc));
        }
        if let Some(cache) = self.cache {
            if let Some(mut doc) = cache.take(&self.team, id) {
                let stored = if self.locked.ids.contains(&id) {
                    self.locked.stored.get(&id).cloned()
                } else {
                    self.tx
                        .row(
                            "SELECT heads, chunk_count FROM records WHERE team = $1 AND id = $2",
                            args![&self.team, id.to_string()],
                        )?
                        .map(|mut h| Ok::<_, ServerError>((h.take_bytes(0)?, h.int(1)?)))
                        .transpose()?
                };
                match stored {
                    None => return Ok(None),
                    Some((heads, count)) if heads == encode_heads(&doc.heads()) => {
                        self.counts.insert(id, count);
                        return Ok(Some(doc));
                    }
                    Some((heads, count)) => {
                        if let Some(doc) = self.caught_up(id, doc, &heads)? {
                            self.counts.insert(id, count);
                            return Ok(Some(doc));
                        }
                    }
                }
            }
        }
        let Some((snapshot, chunks)) = self.bytes(id)? else {
            return Ok(None);
        };
        RecordDoc::load_trusted(id, &snapshot, chunks.iter().map(Vec::as_slice))
            .map(Some)
            .map_err(|e| internal(format!("stored record {id} does not load: {e}")))
    }

    fn stored_bytes(&mut self, id: RecordId) -> Result<Option<Vec<u8>>, ServerError> {
        self.flush()?;
        if let Some(Ahead {
            snapshot: Some(mut snapshot),
            chunks,
            ..
        }) = self.read_ahead(id)?
        {
            for (_, c) in chunks {
                snapshot.extend_from_slice(&c);
            }
            return Ok(Some(snapshot));
        }
        Ok(self.bytes(id)?.map(|(mut snapshot, chunks)| {
            for c in chunks {
                snapshot.extend_from_slice(&c);
            }
            snapshot
        }))
    }

    fn stored_after(
        &mut self,
        id: RecordId,
        heads: &[ChangeHash],
    ) -> Result<Option<Vec<u8>>, ServerError> {
        self.flush()?;
        let mut wanted = heads.to_vec();
        wanted.sort();
        let same = |stored: &[u8]| -> bool {
            let mut h = decode_heads(stored).unwrap_or_default();
            h.sort();
            h == wanted
        };
        let (snapshot_heads, chunks) = match self.read_ahead(id)? {
            Some(a) if a.snapshot.is_none() => (a.snapshot_heads, a.chunks),
            _ => {
                let Some(row) = self.tx.row(
                    "SELECT snapshot_heads FROM records WHERE team = $1 AND id = $2",
                    args![&self.team, id.to_string()],
                )?
                else {
                    return Ok(None);
                };
                let chunks = self
                    .tx
                    .rows(
                        "SELECT heads_after, bytes FROM chunks WHERE team = $1 AND id = $2 ORDER BY n",
                        args![&self.team, id.to_string()],
                    )?
                    .into_iter()
                    .map(|mut c| Ok((c.take_bytes(0)?, c.take_bytes(1)?)))
                    .collect::<Result<Vec<_>, ServerError>>()?;
                (row.bytes(0)?, chunks)
            }
        };
        let start = if same(&snapshot_heads) {
            0
        } else {
            match chunks.iter().position(|(h, _)| same(h)) {
                Some(k) => k + 1,
                None => return Ok(None),
            }
        };
        Ok(Some(
            chunks[start..]
                .iter()
                .flat_map(|(_, b)| b.iter().copied())
                .collect(),
        ))
    }

    fn release(&mut self, doc: RecordDoc) {
        if let (Some(cache), true) = (self.cache, self.loaded.contains(&doc.id())) {
            cache.put(&self.team, doc);
        }
    }

    fn is_erased(&mut self, id: RecordId) -> Result<bool, ServerError> {
        if self.locked.ids.contains(&id) {
            return Ok(self.locked.erased.contains(&id));
        }
        Ok(self
            .tx
            .row(
                "SELECT 1 FROM tombstones WHERE team = $1 AND id = $2",
                args![&self.team, id.to_string()],
            )?
            .is_some())
    }

    fn insert(&mut self, doc: &mut RecordDoc) -> Result<(), ServerError> {
        self.tx.exec(
            "INSERT INTO records (team, id, kind, snapshot, heads, snapshot_heads, seq, scope) VALUES ($1, $2, $3, $4, $5, $5, 0, $6)",
            args![&self.team, doc.id().to_string(), doc.kind().code(), doc.save(), encode_heads(&doc.heads()), doc.scope().map(|s| s.to_string())],
        )?;
        self.locked.ids.remove(&doc.id());
        self.written.push(doc.id());
        Ok(())
    }

    fn append(&mut self, doc: &mut RecordDoc, changes: &[u8]) -> Result<(), ServerError> {
        let id = doc.id().to_string();
        let count = match self.counts.get(&doc.id()) {
            Some(n) => *n,
            None => {
                self.flush()?;
                self.tx
                    .one(
                        "SELECT chunk_count FROM records WHERE team = $1 AND id = $2",
                        args![&self.team, &id],
                    )?
                    .int(0)?
            }
        };
        let heads = encode_heads(&doc.heads());
        // A referral may be addressed elsewhere: its scope follows.
        let scope = doc.scope().map(|s| s.to_string());
        if count + 1 >= COMPACT_AFTER {
            self.flush()?;
            self.tx.exec(
                "DELETE FROM chunks WHERE team = $1 AND id = $2",
                args![&self.team, &id],
            )?;
            self.tx.exec(
                "UPDATE records SET snapshot = $3, chunk_count = 0, heads = $4, snapshot_heads = $4, scope = $5 WHERE team = $1 AND id = $2",
                args![&self.team, &id, doc.save(), heads, scope],
            )?;
            self.counts.insert(doc.id(), 0);
        } else {
            self.appended
                .chunks
                .push((doc.id(), count, changes.to_vec(), heads.clone()));
            self.appended
                .records
                .push((doc.id(), count + 1, heads, scope));
            self.counts.insert(doc.id(), count + 1);
        }
        self.locked.ids.remove(&doc.id());
        self.written.push(doc.id());
        Ok(())
    }

    fn feed_end(&mut self) -> Result<Option<u64>, ServerError> {
        let end = match self.feed_end.take() {
            Some(end) => end,
            None => self.tx.one(FEED_END, args![&self.team])?.int(0)?,
        };
        Ok(Some(end.max(0) as u64))
    }

    fn feed_remaining(
        &mut self,
        cursor: u64,
        scope: Option<RecordId>,
    ) -> Result<Option<u64>, ServerError> {
        self.flush()?;
        // A partner's count reads only its scope's rows (by their index).
        let row = match scope {
            None => self.tx.one(
                "SELECT (SELECT COUNT(*) FROM records WHERE team = $1 AND seq > $2)
                      + (SELECT COUNT(*) FROM tombstones WHERE team = $1 AND seq > $2)",
                args![&self.team, cursor as i64],
            )?,
            Some(scope) => self.tx.one(
                "SELECT (SELECT COUNT(*) FROM records WHERE team = $1 AND seq > $2
                           AND scope IN ($3, (SELECT workspace_id FROM teams WHERE id = $1)))
                      + (SELECT COUNT(*) FROM tombstones WHERE team = $1 AND scope = $3 AND seq > $2)",
                args![&self.team, cursor as i64, scope.to_string()],
            )?,
        };
        Ok(Some(row.int(0)?.max(0) as u64))
    }

    fn feed_since(
        &mut self,
        cursor: u64,
        limit: usize,
        scope: Option<RecordId>,
    ) -> Result<Vec<FeedEntry>, ServerError> {
        self.flush()?;
        // The limit is written into the statement, which SQLite plans
        // without its bound values (see `sqlite::open`). A partner's feed
        // reads only its scope's rows, by their index: not the team's
        // other records. What the device is credited with for each record
        // comes in the same statement.
        let (filter, args) = match scope {
            None => ("", args![&self.team, cursor as i64, &self.device].to_vec()),
            Some(scope) => (
                "AND scope IN ($4, (SELECT workspace_id FROM teams WHERE id = $1))",
                args![&self.team, cursor as i64, &self.device, scope.to_string()].to_vec(),
            ),
        };
        // The page is chosen first (by the feed's index, stopping at the
        // limit), then each of its records is looked up in the device's
        // credit by the credit's key. (Joined inside the page, PostgreSQL
        // read a team's whole feed for each page; joined to the page, it
        // scanned all the device's credit for each record when its
        // statistics were behind a new device's: quadratic, seconds on a
        // 20,000-record team. A lookup by the whole key needs neither.)
        let rows = self.tx.rows(
            &format!(
                "SELECT p.seq, p.id, p.kind, p.heads, p.erased, p.scope,
                   (SELECT heads FROM device_credit WHERE device = $3 AND record = p.id) FROM (
                   SELECT seq, id, kind, heads, FALSE AS erased, scope FROM records
                     WHERE team = $1 {filter} AND seq > $2
                   UNION ALL
                   SELECT seq, id, kind, NULL, TRUE, scope FROM tombstones
                     WHERE team = $1 {filter} AND seq > $2
                   ORDER BY 1 LIMIT {limit}
                 ) AS p
                 ORDER BY p.seq"
            ),
            &args,
        )?;
        let mut entries = Vec::with_capacity(rows.len());
        self.upcoming.clear();
        self.position.clear();
        self.ahead.clear();
        for row in rows {
            let entry = feed_entry(&row)?;
            let credited = row.opt_bytes(6)?;
            if !entry.erased {
                // Read ahead only what the answer will send: not what the
                // device already holds.
                let holds = credited.as_deref().is_some_and(|c| {
                    let mut held = decode_heads(c).unwrap_or_default();
                    let mut now = entry.heads.clone();
                    held.sort();
                    now.sort();
                    held == now
                });
                if !holds {
                    self.position.insert(entry.id, self.upcoming.len());
                    self.upcoming.push((entry.id, credited.is_none()));
                }
                self.credit.insert(entry.id, credited);
            }
            entries.push(entry);
        }
        Ok(entries)
    }

    /// A device's credit keeps, per record, the heads an answer gave it
    /// and that answer's number. Rows are only ever of the answer the
    /// device is credited with (or earlier) or of its pending answer, so
    /// presenting the pending answer credits its rows by moving
    /// `credited_answer` alone, without touching them. A pending answer
    /// the device does not present has its rows deleted: a record it gave
    /// again then loses the device's earlier credit too, and is sent whole
    /// once more (rarer, and safe).
    fn begin_round(&mut self, last_answer: u64) -> Result<u64, ServerError> {
        // The device's row is held from here (on PostgreSQL): two rounds
        // of one device (a request given up on and sent again, through
        // another instance) take their answers one after the other.
        let locking = self.tx.dialect().locking(" FOR UPDATE");
        let last = last_answer as i64;
        // The row as it stood, then the new answer, in one round trip: in
        // every case the answer the device presented becomes the one it is
        // credited with.
        let mut rows = self
            .tx
            .batch(
                &[
                    (
                        format!("SELECT credited_answer, pending_answer FROM devices WHERE id = $1{locking}"),
                        vec![Value::from(&self.device)],
                    ),
                    (
                        "UPDATE devices SET credited_answer = $2, answers = answers + 1, pending_answer = answers + 1, last_seen = $3
                         WHERE id = $1 RETURNING answers".to_string(),
                        vec![Value::from(&self.device), Value::Int(last), Value::Int(self.now.as_millis())],
                    ),
                ],
                false,
            )?
            .into_iter()
            .map(|rows| rows.into_iter().next());
        let (Some(Some(row)), Some(Some(new))) = (rows.next(), rows.next()) else {
            return Err(ServerError::Internal("this device's row is missing".into()));
        };
        let (credited, pending) = (row.int(0)?, row.int(1)?);
        if last != 0 && last == pending {
            // Its rows are credited from now on, as they stand.
        } else if last != credited {
            self.tx.exec(
                "DELETE FROM device_credit WHERE device = $1",
                args![&self.device],
            )?;
        } else if pending != credited {
            self.tx.exec(
                "DELETE FROM device_credit WHERE device = $1 AND answer = $2",
                args![&self.device, pending],
            )?;
        }
        let answer = new.int(0)?;
        self.answer = answer;
        Ok(answer as u64)
    }

    fn device_heads(&mut self, id: RecordId) -> Result<Option<Vec<ChangeHash>>, ServerError> {
        if let Some(credited) = self.credit.get(&id) {
            return credited
                .as_deref()
                .map(|h| decode_heads(h).map_err(internal))
                .transpose();
        }
        let heads = self.tx.row(
            "SELECT heads FROM device_credit WHERE device = $1 AND record = $2",
            args![&self.device, id.to_string()],
        )?;
        match heads {
            Some(row) => row
                .opt_bytes(0)?
                .map(|h| decode_heads(&h).map_err(internal))
                .transpose(),
            None => Ok(None),
        }
    }

    fn records_sent(&mut self, sent: &[(RecordId, Vec<ChangeHash>)]) -> Result<(), ServerError> {
        if sent.is_empty() {
            return Ok(());
        }
        // Written only while this round's answer is still the device's
        // pending one: a later round of the same device (this one given
        // up on) has taken its place, and must not find credit for an
        // answer the device will never present. On PostgreSQL the device's
        // row is held (shared) until this transaction ends, so that round
        // waits to delete what is written here, or this one sees it came
        // first. The check and the rows are one statement, sent with the
        // round's commit.
        let locking = self.tx.dialect().locking(" FOR SHARE");
        let blob = |n: usize| blob_param(self.tx.dialect(), n);
        // A record sent twice (pushed twice in one request) is written
        // once, at its last heads: one statement may not touch a row twice.
        let last: Vec<&(RecordId, Vec<ChangeHash>)> = last_of_each(sent, |(id, _)| *id).collect();
        let mut statements = Vec::new();
        for group in last.chunks(ROWS_PER_STATEMENT) {
            let mut args = vec![Value::from(&self.device), Value::Int(self.answer)];
            let mut rows = Vec::with_capacity(group.len());
            for (id, heads) in group.iter().copied() {
                rows.push(format!(
                    "(CAST(${} AS TEXT), {})",
                    args.len() + 1,
                    blob(args.len() + 2)
                ));
                args.push(Value::from(id.to_string()));
                args.push(Value::from(encode_heads(heads)));
            }
            statements.push((
                format!(
                    "WITH sent (record, heads) AS (VALUES {})
                     INSERT INTO device_credit (device, record, heads, answer)
                     SELECT CAST($1 AS TEXT), record, heads, CAST($2 AS BIGINT) FROM sent
                     WHERE EXISTS (SELECT 1 FROM devices WHERE id = $1 AND pending_answer = $2{locking})
                     ON CONFLICT (device, record) DO UPDATE SET heads = excluded.heads, answer = excluded.answer",
                    rows.join(", ")
                ),
                args,
            ));
        }
        self.tx.batch(&statements, self.commit_writes)?;
        Ok(())
    }

    fn taken_elsewhere(&mut self, id: RecordId) -> Result<bool, ServerError> {
        Ok(self
            .tx
            .row(
                "SELECT 1 FROM records WHERE id = $1 AND team != $2
                 UNION ALL SELECT 1 FROM tombstones WHERE id = $1 AND team != $2 LIMIT 1",
                args![id.to_string(), &self.team],
            )?
            .is_some())
    }

    fn erased_change(&mut self, hashes: &[ChangeHash]) -> Result<bool, ServerError> {
        // Most teams never erased anything: asked once, that spares a
        // statement per change pushed.
        let team_erased = match self.team_erased {
            Some(known) => known,
            None => {
                let any = self.tx.row(TEAM_ERASED, args![&self.team])?.is_some();
                self.team_erased = Some(any);
                any
            }
        };
        if !team_erased {
            return Ok(false);
        }
        for h in hashes {
            if self
                .tx
                .row(
                    "SELECT 1 FROM erased_changes WHERE team = $1 AND hash = $2",
                    args![&self.team, h.as_ref()],
                )?
                .is_some()
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn now(&self) -> Timestamp {
        self.now
    }

    fn signs_as(&mut self, member: MemberId) -> Result<bool, ServerError> {
        if let Some(known) = self.signs.get(&member) {
            return Ok(*known);
        }
        if let Some(own) = self.member {
            return Ok(member == own);
        }
        let signs = self
            .tx
            .row(
                "SELECT 1 FROM devices WHERE id = $1 AND team = $2 AND member = $3",
                args![&self.device, &self.team, member.to_string()],
            )?
            .is_some();
        self.signs.insert(member, signs);
        Ok(signs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use carnet_core::{Actor, Codebook, CoreError, Record, Timestamp};

    fn workspace_id(conn: &rusqlite::Connection, team: &str) -> RecordId {
        let id: String = conn
            .query_row("SELECT id FROM records WHERE team = ?1", [team], |r| {
                r.get(0)
            })
            .expect("the team's workspace");
        id.parse().expect("id")
    }

    fn name(doc: &RecordDoc) -> String {
        match doc.record().expect("record") {
            Record::Workspace(w) => w.name,
            other => panic!("not a workspace: {other:?}"),
        }
    }

    /// Rename the workspace in `doc` (in memory), as a session of its own.
    fn rename(doc: &mut RecordDoc, to: &str, session: u8) {
        let actor = Actor::new(
            carnet_core::MemberId::from_uuid(uuid::Uuid::nil()),
            [session; 8],
        );
        doc.edit(&actor, Timestamp::now(), &Codebook::any(), |r| {
            if let Record::Workspace(w) = r {
                w.name = to.into();
            }
            Ok::<_, CoreError>(())
        })
        .expect("edit");
    }

    /// A server database holding one team; its id and its workspace's.
    fn a_team() -> (tempfile::TempDir, rusqlite::Connection, String, RecordId) {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = db::Database::sqlite(dir.path()).expect("open");
        let team = db::create_team(&db, "Pôle Nord", "Coordination", 72, Timestamp::now())
            .expect("team")
            .team;
        drop(db);
        let conn = crate::sqlite::open(dir.path()).expect("open");
        let id = workspace_id(&conn, &team);
        (dir, conn, team, id)
    }

    #[test]
    fn reading_stored_records_plans_its_statements_once() {
        let (_dir, mut conn, team, id) = a_team();
        let tx = crate::sqlite::write_tx(&mut conn).expect("tx");
        let mut store = TeamStore::new(&*tx, &team, "", Timestamp::now());
        for other in [id, RecordId::from_uuid(uuid::Uuid::from_u128(9)), id] {
            store.stored_bytes(other).expect("read");
        }
        // Without the planner's stability guarantee, each use re-prepared
        // the statement (rusqlite clears the bindings of cached statements).
        for sql in [CHUNKS_OF, SNAPSHOT_OF] {
            let reprepared = tx
                .prepare_cached(sql)
                .expect("cached")
                .get_status(rusqlite::StatementStatus::RePrepare);
            assert_eq!(reprepared, 0, "{sql}");
        }
    }

    #[test]
    fn a_kept_document_catches_up_with_chunks_another_process_stored() {
        let (_dir, mut conn, team, id) = a_team();
        let cache = DocCache::default();
        // This process keeps the workspace decoded.
        {
            let tx = crate::sqlite::write_tx(&mut conn).expect("tx");
            let mut store = TeamStore::new(&*tx, &team, "", Timestamp::now()).with_cache(&cache);
            let doc = store.load(id).expect("load").expect("stored");
            store.release(doc);
            drop(store);
            tx.commit().expect("commit");
        }
        // Another one (no cache) renames it and stores the change.
        {
            let tx = crate::sqlite::write_tx(&mut conn).expect("tx");
            let mut store = TeamStore::new(&*tx, &team, "", Timestamp::now());
            let mut doc = store.load(id).expect("load").expect("stored");
            let before = doc.heads();
            rename(&mut doc, "Pôle Sud", 2);
            let changes = doc.changes_since(&before);
            store.append(&mut doc, &changes).expect("append");
            store.finish().expect("written");
            tx.commit().expect("commit");
        }
        // The snapshot made unreadable: only the chunk after the kept
        // document's heads can bring it up to date.
        conn.execute(
            "UPDATE records SET snapshot = X'00' WHERE team = ?1 AND id = ?2",
            [&team, &id.to_string()],
        )
        .expect("damage");
        let tx = crate::sqlite::write_tx(&mut conn).expect("tx");
        let mut store = TeamStore::new(&*tx, &team, "", Timestamp::now()).with_cache(&cache);
        let mut doc = store.load(id).expect("load").expect("caught up");
        assert_eq!(name(&doc), "Pôle Sud");
        let stored: Vec<u8> = tx
            .query_row(
                "SELECT heads FROM records WHERE team = ?1 AND id = ?2",
                [&team, &id.to_string()],
                |r| r.get(0),
            )
            .expect("heads");
        assert_eq!(encode_heads(&doc.heads()), stored);
    }

    #[test]
    fn kept_documents_are_used_only_while_they_are_what_is_stored() {
        let (_dir, mut conn, team, id) = a_team();
        let cache = DocCache::default();

        // A round changes the document in memory, gives it back, then
        // rolls back: the next round must read what is stored.
        {
            let tx = crate::sqlite::write_tx(&mut conn).expect("tx");
            let mut store = TeamStore::new(&*tx, &team, "", Timestamp::now()).with_cache(&cache);
            let mut doc = store.load(id).expect("load").expect("stored");
            rename(&mut doc, "Jamais enregistré", 1);
            store.release(doc);
        }
        assert_eq!(cache.len(), 1, "the document was kept");
        {
            let tx = crate::sqlite::write_tx(&mut conn).expect("tx");
            let mut store = TeamStore::new(&*tx, &team, "", Timestamp::now()).with_cache(&cache);
            let doc = store.load(id).expect("load").expect("stored");
            assert_eq!(name(&doc), "Pôle Nord", "the stale copy is not used");
            store.release(doc);
        }
        // Unchanged, it is used; gone from the database, it is not.
        {
            let tx = crate::sqlite::write_tx(&mut conn).expect("tx");
            let mut store = TeamStore::new(&*tx, &team, "", Timestamp::now()).with_cache(&cache);
            let doc = store.load(id).expect("load").expect("stored");
            assert_eq!(name(&doc), "Pôle Nord");
            store.release(doc);
            drop(store);
            tx.execute("DELETE FROM records WHERE id = ?1", [id.to_string()])
                .expect("delete");
            let mut store = TeamStore::new(&*tx, &team, "", Timestamp::now()).with_cache(&cache);
            assert!(store.load(id).expect("load").is_none());
        }
    }
}
