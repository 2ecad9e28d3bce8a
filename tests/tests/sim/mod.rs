//! A simulated team: devices and one server, driven by the core's pure
//! protocol functions with no network, so requests and answers can be
//! lost, duplicated and replayed late, devices restored from old backups
//! and records erased, all deterministically.
//!
//! The server's storage is a [`Backend`]: [`MemoryServer`], a model kept
//! in memory, or [`RealServer`], the real sync server's `TeamStore` on its
//! SQLite database or on PostgreSQL (the same code the HTTP server runs
//! each round, its cache of decoded documents and its delta path
//! included). Every property runs against each, so the real stores meet
//! the same faults as the model.
//!
//! ```text
//! let mut net = Network::new(RealServer::sqlite());
//! let aline = net.add_device("Aline", Role::Coordinator, true);
//! net.create(aline, RecordKind::Note);
//! net.run_until_quiescent();
//! ```
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use automerge::ChangeHash;
use carnet_core::record::{Note, Person, Place};
use carnet_core::sync::api::EraseRequest;
use carnet_core::sync::client::{self, ClientStore, Merge};
use carnet_core::sync::server::{self, FeedEntry, Limits, ServerStore};
use carnet_core::sync::{Access, PushRecord, RejectCode, Role, SyncRequest, SyncResponse};
use carnet_core::vocab::{PlaceKind, ReviewStatus, Vocabulary};
use carnet_core::{
    Actor, Codebook, CoreError, MemberId, Record, RecordDoc, RecordId, RecordKind, SeededIds,
    Timestamp,
};
use carnet_sync_server::db::{self, Database};
use carnet_sync_server::store::{DocCache, TeamStore};
use carnet_sync_server::ServerError;

// ----- the server's storage ---------------------------------------------

/// The server's side of the simulation: whatever stores the team.
pub trait Backend {
    /// Register a device of a member with this role; returns the member.
    fn add_device(&mut self, name: &str, role: Role, persons: bool) -> MemberId;
    /// One round of `device` (an index in the order devices were added).
    fn handle(&mut self, device: usize, req: &SyncRequest, limits: Limits) -> SyncResponse;
    /// A coordinator erases a record; `false` when it cannot be erased.
    fn erase(&mut self, id: RecordId) -> bool;
    /// Every stored record's bytes, by id.
    fn stored(&mut self) -> BTreeMap<RecordId, Vec<u8>>;
    /// A name for messages.
    fn name(&self) -> &'static str;
}

#[derive(Debug, thiserror::Error)]
#[error("simulated storage error")]
pub struct Never;

/// Per device: credited heads, the pending answer and its heads.
#[derive(Default, Clone)]
struct DeviceView {
    credited_answer: u64,
    credited: HashMap<RecordId, Vec<ChangeHash>>,
    pending_answer: u64,
    pending: HashMap<RecordId, Vec<ChangeHash>>,
    answers: u64,
}

/// A model of the server in memory: a map of documents, a feed position
/// per record, tombstones and each device's credit.
#[derive(Default)]
pub struct MemoryServer {
    docs: BTreeMap<RecordId, (Vec<u8>, Vec<ChangeHash>, u64, RecordKind)>,
    tombstones: BTreeMap<RecordId, u64>,
    seq: u64,
    devices: Vec<(Access, DeviceView)>,
    /// Each device's member, by device index.
    members: Vec<MemberId>,
    ids: Option<SeededIds>,
}

struct MemoryView<'a> {
    server: &'a mut MemoryServer,
    device: usize,
}

impl MemoryView<'_> {
    fn view(&mut self) -> &mut DeviceView {
        &mut self.server.devices[self.device].1
    }
    fn store(&mut self, doc: &mut RecordDoc) {
        self.server.seq += 1;
        let heads = doc.heads();
        self.server
            .docs
            .insert(doc.id(), (doc.save(), heads, self.server.seq, doc.kind()));
    }
}

impl ServerStore for MemoryView<'_> {
    type Error = Never;
    fn load(&mut self, id: RecordId) -> Result<Option<RecordDoc>, Never> {
        Ok(self
            .server
            .docs
            .get(&id)
            .map(|d| RecordDoc::load(id, &d.0, []).expect("server bytes load")))
    }
    fn stored_bytes(&mut self, id: RecordId) -> Result<Option<Vec<u8>>, Never> {
        Ok(self.server.docs.get(&id).map(|d| d.0.clone()))
    }
    fn is_erased(&mut self, id: RecordId) -> Result<bool, Never> {
        Ok(self.server.tombstones.contains_key(&id))
    }
    fn insert(&mut self, doc: &mut RecordDoc) -> Result<(), Never> {
        self.store(doc);
        Ok(())
    }
    fn append(&mut self, doc: &mut RecordDoc, _changes: &[u8]) -> Result<(), Never> {
        self.store(doc);
        Ok(())
    }
    fn feed_since(
        &mut self,
        cursor: u64,
        limit: usize,
        scope: Option<RecordId>,
    ) -> Result<Vec<FeedEntry>, Never> {
        // The simulation's devices are the team's members: no partner
        // (their scoped feed runs on the real server, in tests/partners.rs).
        assert_eq!(scope, None, "the simulation has no partner device");
        let mut out: Vec<FeedEntry> = self
            .server
            .docs
            .iter()
            .filter(|(_, d)| d.2 > cursor)
            .map(|(id, d)| FeedEntry {
                seq: d.2,
                id: *id,
                kind: d.3,
                heads: d.1.clone(),
                erased: false,
                scope: None,
            })
            .chain(
                self.server
                    .tombstones
                    .iter()
                    .filter(|(_, s)| **s > cursor)
                    .map(|(id, s)| FeedEntry {
                        seq: *s,
                        id: *id,
                        kind: RecordKind::Note,
                        heads: vec![],
                        erased: true,
                        scope: None,
                    }),
            )
            .collect();
        out.sort_by_key(|e| e.seq);
        out.truncate(limit);
        Ok(out)
    }
    fn begin_round(&mut self, last_answer: u64) -> Result<u64, Never> {
        let v = self.view();
        if last_answer != 0 && last_answer == v.pending_answer {
            let pending = std::mem::take(&mut v.pending);
            v.credited.extend(pending);
            v.credited_answer = last_answer;
        } else if last_answer != v.credited_answer {
            v.credited.clear();
            v.credited_answer = last_answer;
        }
        v.pending.clear();
        v.answers += 1;
        v.pending_answer = v.answers;
        Ok(v.answers)
    }
    fn device_heads(&mut self, id: RecordId) -> Result<Option<Vec<ChangeHash>>, Never> {
        Ok(self.view().credited.get(&id).cloned())
    }
    fn records_sent(&mut self, sent: &[(RecordId, Vec<ChangeHash>)]) -> Result<(), Never> {
        let view = self.view();
        for (id, heads) in sent {
            view.pending.insert(*id, heads.clone());
        }
        Ok(())
    }
    fn signs_as(&mut self, member: MemberId) -> Result<bool, Never> {
        Ok(self.server.members.get(self.device) == Some(&member))
    }
}

impl MemoryServer {
    /// An empty server.
    pub fn new() -> Self {
        Self {
            ids: Some(SeededIds::new(77)),
            ..Self::default()
        }
    }
}

impl Backend for MemoryServer {
    fn add_device(&mut self, _name: &str, role: Role, persons: bool) -> MemberId {
        let ids = self.ids.get_or_insert_with(|| SeededIds::new(77));
        let member = MemberId::generate(ids, Timestamp::from_millis(0));
        self.members.push(member);
        self.devices
            .push((Access::new(role, persons), DeviceView::default()));
        member
    }
    fn handle(&mut self, device: usize, req: &SyncRequest, limits: Limits) -> SyncResponse {
        let access = self.devices[device].0;
        server::handle_sync(
            &mut MemoryView {
                server: self,
                device,
            },
            &access,
            req,
            limits,
        )
        .expect("the server answers")
    }
    fn erase(&mut self, id: RecordId) -> bool {
        if self.docs.remove(&id).is_none() {
            return false;
        }
        self.seq += 1;
        self.tombstones.insert(id, self.seq);
        true
    }
    fn stored(&mut self) -> BTreeMap<RecordId, Vec<u8>> {
        self.docs.iter().map(|(id, d)| (*id, d.0.clone())).collect()
    }
    fn name(&self) -> &'static str {
        "memory"
    }
}

/// The real sync server's store: `TeamStore` over its database, SQLite's
/// file in a temporary directory or a schema of its own on the test
/// command's PostgreSQL cluster, one team, a device row per simulated
/// device, and the server's cache of decoded documents kept between
/// rounds as the HTTP server keeps it. Each round is one transaction,
/// ended as the HTTP server ends it (`TeamStore::finish`).
pub struct RealServer {
    db: Database,
    /// What the database lives in, dropped with it.
    _place: Home,
    team: String,
    coordinator: MemberId,
    devices: Vec<(String, Access)>,
    cache: DocCache,
    clock: i64,
    name: &'static str,
}

/// Where a [`RealServer`]'s database lives.
enum Home {
    Dir(tempfile::TempDir),
    /// The runtime PostgreSQL's connections run on, and the directory of
    /// the server's key.
    Postgres(tokio::runtime::Runtime, tempfile::TempDir),
}

impl RealServer {
    /// A fresh SQLite database with one team (and its workspace record).
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("dir");
        let db = Database::sqlite(dir.path())
            .and_then(Database::without_fsync)
            .expect("open the server database");
        Self::with(db, Home::Dir(dir), "sqlite")
    }

    /// A fresh schema on the test command's PostgreSQL cluster
    /// (`CARNET_TEST_DATABASE_URL`), with one team.
    pub fn postgres() -> Self {
        let url = std::env::var("CARNET_TEST_DATABASE_URL").expect(
            "CARNET_TEST_DATABASE_URL: run the tests through scripts/test.sh (or scripts/with-postgres.sh)",
        );
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        static SCHEMAS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let schema = format!(
            "sim_{}_{}",
            std::process::id(),
            SCHEMAS.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        );
        let keys = tempfile::tempdir().expect("dir");
        let db = runtime.block_on(async {
            let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                .await
                .expect("the cluster answers");
            tokio::spawn(conn);
            client
                .batch_execute(&format!(
                    "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
                ))
                .await
                .expect("a schema");
            let sep = if url.contains('?') { '&' } else { '?' };
            let key = keys.path().join("server.key");
            Database::postgres(
                &format!("{url}{sep}options=-c%20search_path%3D{schema}"),
                &key,
                carnet_sync_server::pg::PgOptions::default(),
            )
            .await
            .expect("open the server database")
        });
        Self::with(db, Home::Postgres(runtime, keys), "postgres")
    }

    fn with(db: Database, place: Home, name: &'static str) -> Self {
        let now = Timestamp::from_millis(1_790_000_000_000);
        let team = db::create_team(&db, "Équipe simulée", "Coordination", 72, now)
            .expect("team")
            .team;
        let coordinator = db
            .write(|tx| {
                tx.one(
                    "SELECT id FROM members WHERE team = $1 AND role = 'coordinator'",
                    &[team.as_str().into()],
                )?
                .text(0)
            })
            .expect("coordinator");
        Self {
            db,
            _place: place,
            team,
            coordinator: coordinator.parse().expect("member id"),
            devices: Vec::new(),
            cache: DocCache::default(),
            clock: now.as_millis(),
            name,
        }
    }

    fn now(&mut self) -> Timestamp {
        self.clock += 1000;
        Timestamp::from_millis(self.clock)
    }
}

impl Backend for RealServer {
    fn add_device(&mut self, name: &str, role: Role, persons: bool) -> MemberId {
        let now = self.now();
        let code = db::invite(
            &self.db,
            &self.team,
            db::Grant {
                role,
                persons,
                organisation: None,
            },
            72,
            now,
        )
        .expect("invite");
        let joined = db::join(&self.db, &code, &format!("{name}-laptop"), name, now).expect("join");
        self.devices
            .push((joined.device_id.to_string(), Access::new(role, persons)));
        joined.member_id
    }
    fn handle(&mut self, device: usize, req: &SyncRequest, limits: Limits) -> SyncResponse {
        let now = self.now();
        let (device_id, access) = self.devices[device].clone();
        let (team, cache) = (&self.team, &self.cache);
        self.db
            .write(|tx| {
                let mut store = TeamStore::new(tx, team, &device_id, now)
                    .with_cache(cache)
                    .committing_writes();
                server::handle_sync(&mut store, &access, req, limits)
                    .map_err(|e| ServerError::Internal(format!("{e:?}")))
            })
            .expect("the server answers")
    }
    fn erase(&mut self, id: RecordId) -> bool {
        let now = self.now();
        let why = EraseRequest::new("simulation").expect("reason");
        match db::erase(&self.db, &self.team, id, self.coordinator, &why, now) {
            Ok(()) => true,
            Err(ServerError::BadRequest(_) | ServerError::NotFound(_)) => false,
            Err(e) => panic!("erasing failed: {e}"),
        }
    }
    fn stored(&mut self) -> BTreeMap<RecordId, Vec<u8>> {
        let now = Timestamp::from_millis(self.clock);
        let team = &self.team;
        self.db
            .write(|tx| {
                let ids = tx.rows(
                    "SELECT id FROM records WHERE team = $1",
                    &[team.as_str().into()],
                )?;
                let mut store = TeamStore::new(tx, team, "", now);
                let mut out = BTreeMap::new();
                for row in ids {
                    let id: RecordId = row.text(0)?.parse().expect("record id");
                    let mut doc = store.load(id)?.expect("stored");
                    out.insert(id, doc.save());
                }
                Ok(out)
            })
            .expect("stored records")
    }
    fn name(&self) -> &'static str {
        self.name
    }
}

// ----- devices -------------------------------------------------------------

type DeviceRecord = (Vec<u8>, Vec<ChangeHash>, Option<Vec<ChangeHash>>);

/// A device in memory: its records as saved bytes with the heads the
/// server has and the heads it refused, and its sync position.
#[derive(Clone)]
pub struct SimDevice {
    /// Its member.
    pub member: MemberId,
    /// What it may read and write.
    pub access: Access,
    session: u64,
    /// Per record: saved bytes, heads the server has, heads it refused.
    pub records: BTreeMap<RecordId, DeviceRecord>,
    cursor: u64,
    last_answer: u64,
    want_full: BTreeSet<RecordId>,
}

impl SimDevice {
    fn actor(&self) -> Actor {
        Actor::new(self.member, self.session.to_be_bytes())
    }
    /// A record's document.
    pub fn doc(&self, id: RecordId) -> RecordDoc {
        RecordDoc::load(id, &self.records[&id].0, []).expect("device bytes load")
    }
    fn put(&mut self, id: RecordId, doc: &mut RecordDoc) {
        let bytes = doc.save();
        let entry = self
            .records
            .entry(id)
            .or_insert_with(|| (Vec::new(), Vec::new(), None));
        entry.0 = bytes;
    }
    /// Every record as it stands, with its sorted heads.
    pub fn snapshot(&self) -> BTreeMap<RecordId, (Record, Vec<String>)> {
        self.records
            .keys()
            .map(|id| (*id, view(&mut self.doc(*id))))
            .collect()
    }
}

fn view(doc: &mut RecordDoc) -> (Record, Vec<String>) {
    let mut heads: Vec<String> = doc.heads().iter().map(|h| h.to_string()).collect();
    heads.sort();
    (doc.record().expect("valid"), heads)
}

impl ClientStore for SimDevice {
    type Error = Never;
    fn position(&mut self) -> Result<(u64, u64), Never> {
        Ok((self.cursor, self.last_answer))
    }
    fn set_position(&mut self, cursor: u64, answer: u64) -> Result<(), Never> {
        self.cursor = cursor;
        self.last_answer = answer;
        Ok(())
    }
    fn pending(&mut self, limit: usize) -> Result<Vec<PushRecord>, Never> {
        let mut out = Vec::new();
        for (id, (_, server_heads, rejected_at)) in &self.records {
            let mut doc = self.doc(*id);
            let heads = doc.heads();
            if rejected_at.as_ref() == Some(&heads) {
                continue;
            }
            let changes = doc.changes_since(server_heads);
            if !changes.is_empty() {
                out.push(PushRecord {
                    id: *id,
                    kind: doc.kind(),
                    heads: carnet_core::sync::encode_heads(&heads),
                    changes,
                });
            }
            if out.len() >= limit {
                break;
            }
        }
        Ok(out)
    }
    fn wanted_full(&mut self) -> Result<Vec<RecordId>, Never> {
        Ok(self.want_full.iter().copied().collect())
    }
    fn want_full(&mut self, id: RecordId) -> Result<(), Never> {
        self.want_full.insert(id);
        Ok(())
    }
    fn merge(&mut self, id: RecordId, _kind: RecordKind, changes: &[u8]) -> Result<Merge, Never> {
        if self.records.contains_key(&id) {
            let mut doc = self.doc(id);
            match doc.merge(changes) {
                Ok(m) if m.missing_deps => Ok(Merge::MissingDeps),
                Ok(_) => {
                    self.put(id, &mut doc);
                    Ok(Merge::Applied)
                }
                Err(e) => Ok(Merge::Refused(e.to_string())),
            }
        } else {
            match RecordDoc::from_changes(id, changes) {
                Ok(mut doc) => {
                    self.put(id, &mut doc);
                    Ok(Merge::Applied)
                }
                Err(CoreError::MissingDependencies(_)) => Ok(Merge::MissingDeps),
                Err(e) => Ok(Merge::Refused(e.to_string())),
            }
        }
    }
    fn set_server_heads(&mut self, id: RecordId, heads: &[ChangeHash]) -> Result<(), Never> {
        self.want_full.remove(&id);
        if let Some(r) = self.records.get_mut(&id) {
            r.1 = heads.to_vec();
        }
        Ok(())
    }
    fn resend_all(&mut self) -> Result<(), Never> {
        for r in self.records.values_mut() {
            if r.2.is_none() {
                r.1.clear();
            }
        }
        Ok(())
    }
    fn reset_server_heads(&mut self, id: RecordId) -> Result<(), Never> {
        if let Some(r) = self.records.get_mut(&id) {
            r.1.clear();
        }
        Ok(())
    }
    fn mark_rejected(
        &mut self,
        id: RecordId,
        _code: RejectCode,
        _reason: &str,
    ) -> Result<(), Never> {
        let heads = self.doc(id).heads();
        if let Some(r) = self.records.get_mut(&id) {
            r.2 = Some(heads);
        }
        Ok(())
    }
    fn purge(&mut self, id: RecordId) -> Result<(), Never> {
        self.records.remove(&id);
        self.want_full.remove(&id);
        Ok(())
    }
}

// ----- the network -----------------------------------------------------------

/// What happens to one round's request and answer.
#[derive(Debug, Clone)]
pub enum Fate {
    /// Both arrive.
    Deliver,
    /// The request is lost.
    LoseRequest,
    /// The server handles it; its answer is lost.
    LoseAnswer,
    /// The request arrives twice; the device hears the second answer.
    Duplicate,
    /// The server handles the request again later; nobody hears the answer.
    ReplayLater,
}

/// The record kinds a simulated device writes.
pub const KINDS: [RecordKind; 3] = [RecordKind::Note, RecordKind::Person, RecordKind::Place];

/// Devices and a server, with a record of every token each device wrote so
/// that properties can say what must survive.
pub struct Network<B: Backend> {
    /// The server's storage.
    pub server: B,
    /// The devices, by index.
    pub devices: Vec<SimDevice>,
    /// A copy of each device taken by [`Network::backup`].
    backups: Vec<Option<SimDevice>>,
    delayed: Vec<(usize, SyncRequest)>,
    ids: SeededIds,
    clock: i64,
    next_token: usize,
    sessions: u64,
    /// Tokens each device wrote: device, record, token.
    pub written: Vec<(usize, RecordId, String)>,
    /// Every token's record, never pruned.
    pub token_record: HashMap<String, RecordId>,
    /// Records a coordinator erased.
    pub erased: BTreeSet<RecordId>,
    /// How large an answer may be.
    pub limits: Limits,
}

impl<B: Backend> Network<B> {
    /// A network around `server`, with no device yet.
    pub fn new(server: B) -> Self {
        Self {
            server,
            devices: Vec::new(),
            backups: Vec::new(),
            delayed: Vec::new(),
            ids: SeededIds::new(5),
            clock: 1_790_000_000_000,
            next_token: 0,
            sessions: 100,
            written: Vec::new(),
            token_record: HashMap::new(),
            erased: BTreeSet::new(),
            limits: Limits {
                records: 3,
                bytes: 1 << 20,
            },
        }
    }

    /// A new device of a new member with this role; returns its index.
    pub fn add_device(&mut self, name: &str, role: Role, persons: bool) -> usize {
        let member = self.server.add_device(name, role, persons);
        let i = self.devices.len();
        self.devices.push(SimDevice {
            member,
            access: Access::new(role, persons),
            session: i as u64,
            records: BTreeMap::new(),
            cursor: 0,
            last_answer: 0,
            want_full: BTreeSet::new(),
        });
        self.backups.push(None);
        i
    }

    fn now(&mut self) -> Timestamp {
        self.clock += 1000;
        Timestamp::from_millis(self.clock)
    }

    fn token(&mut self) -> String {
        self.next_token += 1;
        format!("[t{}]", self.next_token)
    }

    /// A new record of `kind` by device `d`'s member, holding `token`.
    pub fn new_record(&mut self, d: usize, kind: RecordKind, token: &str) -> (RecordId, RecordDoc) {
        let at = self.now();
        let member = self.devices[d].member;
        let record = match kind {
            RecordKind::Person => {
                let mut p = Person::new(format!("SIM-{}", self.next_token), member, at);
                p.notes = token.into();
                Record::Person(Box::new(p))
            }
            RecordKind::Place => Record::Place(Place {
                name: format!("Lieu {}", self.next_token),
                place_kind: PlaceKind::Park,
                sector: None,
                address: None,
                notes: token.into(),
            }),
            _ => {
                let mut note = Note::new(carnet_core::vocab::Method::Outreach, "Note", member, at);
                note.body = token.into();
                Record::Note(Box::new(note))
            }
        };
        let id = RecordId::generate(&self.ids, at);
        let actor = self.devices[d].actor();
        let doc = RecordDoc::create(id, &record, &Codebook::any(), &actor, at).expect("valid");
        (id, doc)
    }

    /// Device `d` creates a record of a kind it may write (the first of
    /// `kind` and the kinds after it), with a fresh token.
    pub fn create(&mut self, d: usize, kind: usize) {
        let access = self.devices[d].access;
        let Some(kind) = (0..KINDS.len())
            .map(|k| KINDS[(kind + k) % KINDS.len()])
            .find(|k| access.write_refusal(*k).is_none())
        else {
            return;
        };
        let token = self.token();
        let (id, mut doc) = self.new_record(d, kind, &token);
        self.devices[d].put(id, &mut doc);
        self.token_record.insert(token.clone(), id);
        self.written.push((d, id, token));
    }

    fn writable(&self, d: usize, which: usize) -> Option<RecordId> {
        let device = &self.devices[d];
        let keys: Vec<RecordId> = device
            .records
            .keys()
            .copied()
            .filter(|id| {
                let kind = device.doc(*id).kind();
                KINDS.contains(&kind) && device.access.write_refusal(kind).is_none()
            })
            .collect();
        (!keys.is_empty()).then(|| keys[which % keys.len()])
    }

    /// Device `d` adds a token to the text of one of its records (its own
    /// or one it received), if it may write one.
    pub fn append(&mut self, d: usize, which: usize) {
        let Some(id) = self.writable(d, which) else {
            return;
        };
        let (at, token, actor) = (self.now(), self.token(), self.devices[d].actor());
        let mut doc = self.devices[d].doc(id);
        doc.edit::<_, CoreError>(&actor, at, &Codebook::any(), |r| {
            match r {
                Record::Note(n) => n.body.append_paragraph(&token),
                Record::Person(p) => p.notes.append_paragraph(&token),
                Record::Place(p) => p.notes.append_paragraph(&token),
                _ => {}
            }
            Ok(())
        })
        .expect("edit");
        self.devices[d].put(id, &mut doc);
        self.token_record.insert(token.clone(), id);
        self.written.push((d, id, token));
    }

    /// Device `d` sets a field that concurrent edits fight over (a note's
    /// review status, a place's kind).
    pub fn set_field(&mut self, d: usize, which: usize, value: usize) {
        let Some(id) = self.writable(d, which) else {
            return;
        };
        let (at, actor) = (self.now(), self.devices[d].actor());
        let mut doc = self.devices[d].doc(id);
        doc.edit::<_, CoreError>(&actor, at, &Codebook::any(), |r| {
            match r {
                Record::Note(n) => n.review = ReviewStatus::ALL[value % 3],
                Record::Place(p) => p.place_kind = PlaceKind::ALL[value % PlaceKind::ALL.len()],
                Record::Person(p) => p.sector = Some(format!("secteur-{}", value % 3)),
                _ => {}
            }
            Ok(())
        })
        .expect("edit");
        self.devices[d].put(id, &mut doc);
    }

    /// One round of device `d`, with what happens to its messages.
    pub fn round(&mut self, d: usize, fate: &Fate) {
        let req = client::build_request(&mut self.devices[d]).expect("request");
        let limits = self.limits;
        match fate {
            Fate::Deliver => {
                let resp = self.server.handle(d, &req, limits);
                client::apply_response(&mut self.devices[d], &req, &resp).expect("apply");
            }
            Fate::LoseRequest => {}
            Fate::LoseAnswer => {
                self.server.handle(d, &req, limits);
            }
            Fate::Duplicate => {
                self.server.handle(d, &req, limits);
                let resp = self.server.handle(d, &req, limits);
                client::apply_response(&mut self.devices[d], &req, &resp).expect("apply");
            }
            Fate::ReplayLater => self.delayed.push((d, req.clone())),
        }
    }

    /// The server handles a delayed request; nobody hears the answer.
    pub fn replay(&mut self) {
        if let Some((d, req)) = self.delayed.pop() {
            self.server.handle(d, &req, Limits::default());
        }
    }

    /// Keep a copy of device `d` as it is now.
    pub fn backup(&mut self, d: usize) {
        self.backups[d] = Some(self.devices[d].clone());
    }

    /// Put device `d` back as its last backup was (a new session: what it
    /// writes from now on is new changes). Tokens written after the backup
    /// that never reached the server are lost with the restore.
    pub fn restore(&mut self, d: usize) {
        let Some(mut backup) = self.backups[d].clone() else {
            return;
        };
        let on_server = self.server_tokens();
        let kept: HashSet<(RecordId, String)> = backup
            .records
            .keys()
            .flat_map(|id| {
                let text = record_text(&backup.doc(*id));
                self.written
                    .iter()
                    .filter(move |(_, r, t)| r == id && text.contains(t.as_str()))
                    .map(|(_, r, t)| (*r, t.clone()))
            })
            .collect();
        self.written.retain(|(dev, r, t)| {
            *dev != d || on_server.contains(t) || kept.contains(&(*r, t.clone()))
        });
        self.sessions += 1;
        backup.session = self.sessions;
        self.devices[d] = backup;
    }

    /// A coordinator erases the `which`-th stored record (not the
    /// workspace).
    pub fn erase(&mut self, which: usize) {
        let keys: Vec<RecordId> = self.server.stored().keys().copied().collect();
        if keys.is_empty() {
            return;
        }
        let id = keys[which % keys.len()];
        if self.server.erase(id) {
            self.erased.insert(id);
        }
    }

    /// Every token the server's records hold.
    pub fn server_tokens(&mut self) -> HashSet<String> {
        self.server
            .stored()
            .iter()
            .flat_map(|(id, b)| {
                let text = record_text(&RecordDoc::load(*id, b, []).expect("load"));
                text.split('\n').map(str::to_string).collect::<Vec<_>>()
            })
            .collect()
    }

    /// The server's records as they stand, with sorted heads.
    pub fn server_view(&mut self) -> BTreeMap<RecordId, (Record, Vec<String>)> {
        self.server
            .stored()
            .iter()
            .map(|(id, b)| (*id, view(&mut RecordDoc::load(*id, b, []).expect("load"))))
            .collect()
    }

    /// The server's records device `d` may read.
    pub fn readable_by(&mut self, d: usize) -> BTreeMap<RecordId, (Record, Vec<String>)> {
        let access = self.devices[d].access;
        self.server_view()
            .into_iter()
            .filter(|(_, (r, _))| access.may_read(r.kind()))
            .collect()
    }

    /// Every device syncs, in turn, with nothing lost, until a whole pass
    /// changes nothing anywhere.
    pub fn run_until_quiescent(&mut self) {
        for _ in 0..8 {
            let mut all_quiet = true;
            for d in 0..self.devices.len() {
                for _ in 0..60 {
                    let req = client::build_request(&mut self.devices[d]).expect("request");
                    let resp = self.server.handle(d, &req, self.limits);
                    let report =
                        client::apply_response(&mut self.devices[d], &req, &resp).expect("apply");
                    if report.received > 0 || report.erased > 0 || !req.push.is_empty() {
                        all_quiet = false;
                    }
                    if report.quiet() {
                        break;
                    }
                }
            }
            if all_quiet {
                return;
            }
        }
        panic!("the team did not settle after 8 passes");
    }
}

/// The text a simulated record's tokens go in.
pub fn record_text(doc: &RecordDoc) -> String {
    match doc.record().expect("valid") {
        Record::Note(n) => n.body.as_str().to_string(),
        Record::Person(p) => p.notes.as_str().to_string(),
        Record::Place(p) => p.notes.as_str().to_string(),
        _ => String::new(),
    }
}
