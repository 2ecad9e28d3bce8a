//! Simulation of a team syncing: N devices and a server, all in memory,
//! driven by the pure protocol functions. Requests and answers are lost,
//! duplicated and replayed late; devices go offline, edit concurrently,
//! and are restored from old backups; a coordinator erases records.
//! Property: once the network heals and everyone syncs, every device holds
//! exactly the server's records, nothing the server ever acknowledged is
//! lost, and erased records are gone everywhere.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use automerge::ChangeHash;
use carnet_core::record::Note;
use carnet_core::sync::client::{self, ClientStore, Merge};
use carnet_core::sync::server::{self, FeedEntry, Limits, ServerStore};
use carnet_core::sync::{Access, PushRecord, RejectCode, Role, SyncRequest};
use carnet_core::vocab::{Method, ReviewStatus, Vocabulary};
use carnet_core::{
    Actor, Codebook, CoreError, MemberId, Record, RecordDoc, RecordId, SeededIds, Timestamp,
};
use proptest::prelude::*;

#[derive(Debug, thiserror::Error)]
#[error("simulated storage error")]
struct Never;

// ----- server --------------------------------------------------------

/// Per device: credited heads, the pending answer and its heads.
#[derive(Default, Clone)]
struct DeviceView {
    credited_answer: u64,
    credited: HashMap<RecordId, Vec<ChangeHash>>,
    pending_answer: u64,
    pending: HashMap<RecordId, Vec<ChangeHash>>,
    answers: u64,
}

#[derive(Default)]
struct SimServer {
    docs: BTreeMap<RecordId, (Vec<u8>, Vec<ChangeHash>, u64)>,
    tombstones: BTreeMap<RecordId, u64>,
    seq: u64,
    devices: HashMap<usize, DeviceView>,
    members: HashSet<MemberId>,
}

struct ServerView<'a> {
    server: &'a mut SimServer,
    device: usize,
}

impl ServerView<'_> {
    fn view(&mut self) -> &mut DeviceView {
        self.server.devices.entry(self.device).or_default()
    }
    fn store(&mut self, doc: &mut RecordDoc) {
        self.server.seq += 1;
        let heads = doc.heads();
        self.server
            .docs
            .insert(doc.id(), (doc.save(), heads, self.server.seq));
    }
}

impl ServerStore for ServerView<'_> {
    type Error = Never;
    fn load(&mut self, id: RecordId) -> Result<Option<RecordDoc>, Never> {
        Ok(self
            .server
            .docs
            .get(&id)
            .map(|(b, _, _)| RecordDoc::load(id, b, []).expect("server bytes load")))
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
    fn feed_since(&mut self, cursor: u64, limit: usize) -> Result<Vec<FeedEntry>, Never> {
        let mut out: Vec<FeedEntry> = self
            .server
            .docs
            .iter()
            .filter(|(_, d)| d.2 > cursor)
            .map(|(id, d)| FeedEntry {
                seq: d.2,
                id: *id,
                kind: carnet_core::RecordKind::Note,
                heads: d.1.clone(),
                erased: false,
            })
            .chain(
                self.server
                    .tombstones
                    .iter()
                    .filter(|(_, s)| **s > cursor)
                    .map(|(id, s)| FeedEntry {
                        seq: *s,
                        id: *id,
                        kind: carnet_core::RecordKind::Note,
                        heads: vec![],
                        erased: true,
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
    fn record_sent(&mut self, id: RecordId, heads: &[ChangeHash]) -> Result<(), Never> {
        self.view().pending.insert(id, heads.to_vec());
        Ok(())
    }
    fn is_member(&mut self, member: MemberId) -> Result<bool, Never> {
        Ok(self.server.members.contains(&member))
    }
}

// ----- devices ---------------------------------------------------------

type DeviceRecord = (Vec<u8>, Vec<ChangeHash>, Option<Vec<ChangeHash>>);

#[derive(Clone)]
struct SimDevice {
    member: MemberId,
    session: u64,
    /// Per record: saved bytes, heads the server has, heads it refused.
    records: BTreeMap<RecordId, DeviceRecord>,
    cursor: u64,
    last_answer: u64,
    want_full: BTreeSet<RecordId>,
}

impl SimDevice {
    fn actor(&self) -> Actor {
        Actor::new(self.member, self.session.to_be_bytes())
    }
    fn doc(&self, id: RecordId) -> RecordDoc {
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
    fn snapshot(&self) -> BTreeMap<RecordId, (Record, Vec<String>)> {
        self.records
            .keys()
            .map(|id| {
                let mut doc = self.doc(*id);
                let mut heads: Vec<String> = doc.heads().iter().map(|h| h.to_string()).collect();
                heads.sort();
                (*id, (doc.record().expect("valid"), heads))
            })
            .collect()
    }
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
    fn merge(
        &mut self,
        id: RecordId,
        _kind: carnet_core::RecordKind,
        changes: &[u8],
    ) -> Result<Merge, Never> {
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

// ----- the world -------------------------------------------------------

#[derive(Debug, Clone)]
enum Fate {
    Deliver,
    LoseRequest,
    LoseAnswer,
    Duplicate,
    /// The server handles the request again later; nobody hears the answer.
    ReplayLater,
}

#[derive(Debug, Clone)]
enum Event {
    Create(usize),
    Append(usize, usize),
    Review(usize, usize, usize),
    Sync(usize, Fate),
    Replay,
    Backup(usize),
    Restore(usize),
    Erase(usize),
}

struct World {
    server: SimServer,
    devices: Vec<SimDevice>,
    backups: Vec<Option<SimDevice>>,
    delayed: Vec<(usize, SyncRequest)>,
    ids: SeededIds,
    clock: i64,
    next_token: usize,
    sessions: u64,
    /// Tokens each device wrote, with whether the server had them yet.
    written: Vec<(usize, RecordId, String)>,
    /// Every token's record, never pruned.
    token_record: HashMap<String, RecordId>,
    erased: BTreeSet<RecordId>,
}

const ACCESS: Access = Access {
    role: Role::Coordinator,
    persons: true,
};

impl World {
    fn new(n: usize) -> Self {
        let ids = SeededIds::new(5);
        let devices: Vec<SimDevice> = (0..n)
            .map(|i| SimDevice {
                member: MemberId::generate(&ids, Timestamp::from_millis(0)),
                session: i as u64,
                records: BTreeMap::new(),
                cursor: 0,
                last_answer: 0,
                want_full: BTreeSet::new(),
            })
            .collect();
        let members = devices.iter().map(|d| d.member).collect();
        Self {
            server: SimServer {
                members,
                ..SimServer::default()
            },
            backups: vec![None; n],
            devices,
            delayed: Vec::new(),
            ids,
            clock: 1_790_000_000_000,
            next_token: 0,
            sessions: 100,
            written: Vec::new(),
            token_record: HashMap::new(),
            erased: BTreeSet::new(),
        }
    }

    fn now(&mut self) -> Timestamp {
        self.clock += 1000;
        Timestamp::from_millis(self.clock)
    }

    /// A new note by device `d`'s member, with this body.
    fn new_note(&mut self, d: usize, body: &str) -> (RecordId, RecordDoc) {
        let at = self.now();
        let mut note = Note::new(Method::Outreach, "Note", self.devices[d].member, at);
        note.body = body.into();
        let id = RecordId::generate(&self.ids, at);
        let actor = self.devices[d].actor();
        let doc = RecordDoc::create(
            id,
            &Record::Note(Box::new(note)),
            &Codebook::any(),
            &actor,
            at,
        )
        .expect("valid");
        (id, doc)
    }

    fn token(&mut self) -> String {
        self.next_token += 1;
        format!("[t{}]", self.next_token)
    }

    fn pick(&self, device: usize, which: usize) -> Option<RecordId> {
        let keys: Vec<_> = self.devices[device].records.keys().copied().collect();
        (!keys.is_empty()).then(|| keys[which % keys.len()])
    }

    fn round(&mut self, d: usize, fate: &Fate) {
        let req = client::build_request(&mut self.devices[d]).expect("request");
        let handle = |server: &mut SimServer| {
            server::handle_sync(
                &mut ServerView { server, device: d },
                &ACCESS,
                &req,
                Limits {
                    records: 3,
                    bytes: 1 << 20,
                },
            )
            .expect("server answers")
        };
        match fate {
            Fate::Deliver => {
                let resp = handle(&mut self.server);
                client::apply_response(&mut self.devices[d], &req, &resp).expect("apply");
            }
            Fate::LoseRequest => {}
            Fate::LoseAnswer => {
                handle(&mut self.server);
            }
            Fate::Duplicate => {
                handle(&mut self.server);
                let resp = handle(&mut self.server);
                client::apply_response(&mut self.devices[d], &req, &resp).expect("apply");
            }
            Fate::ReplayLater => self.delayed.push((d, req.clone())),
        }
    }

    fn apply(&mut self, event: &Event) {
        let n = self.devices.len();
        match event {
            Event::Create(d) => {
                let d = d % n;
                let token = self.token();
                let (id, mut doc) = self.new_note(d, &token);
                self.devices[d].put(id, &mut doc);
                self.token_record.insert(token.clone(), id);
                self.written.push((d, id, token));
            }
            Event::Append(d, which) => {
                let d = d % n;
                let Some(id) = self.pick(d, *which) else {
                    return;
                };
                let (at, token, actor) = (self.now(), self.token(), self.devices[d].actor());
                let mut doc = self.devices[d].doc(id);
                doc.edit::<_, CoreError>(&actor, at, &Codebook::any(), |r| {
                    if let Record::Note(n) = r {
                        n.body.append_paragraph(&token);
                    }
                    Ok(())
                })
                .expect("edit");
                self.devices[d].put(id, &mut doc);
                self.token_record.insert(token.clone(), id);
                self.written.push((d, id, token));
            }
            Event::Review(d, which, status) => {
                let d = d % n;
                let Some(id) = self.pick(d, *which) else {
                    return;
                };
                let (at, actor) = (self.now(), self.devices[d].actor());
                let mut doc = self.devices[d].doc(id);
                doc.edit::<_, CoreError>(&actor, at, &Codebook::any(), |r| {
                    if let Record::Note(n) = r {
                        n.review = ReviewStatus::ALL[status % 3];
                    }
                    Ok(())
                })
                .expect("edit");
                self.devices[d].put(id, &mut doc);
            }
            Event::Sync(d, fate) => self.round(d % n, fate),
            Event::Replay => {
                if let Some((d, req)) = self.delayed.pop() {
                    let _ = server::handle_sync(
                        &mut ServerView {
                            server: &mut self.server,
                            device: d,
                        },
                        &ACCESS,
                        &req,
                        Limits::default(),
                    );
                }
            }
            Event::Backup(d) => self.backups[d % n] = Some(self.devices[d % n].clone()),
            Event::Restore(d) => {
                let d = d % n;
                if let Some(mut backup) = self.backups[d].clone() {
                    // Tokens written on this device after the backup and never
                    // received by the server are lost with the restore.
                    let on_server = self.server_tokens();
                    let kept: HashSet<(RecordId, String)> = backup
                        .records
                        .keys()
                        .flat_map(|id| {
                            let body = note_body(&backup.doc(*id));
                            self.written
                                .iter()
                                .filter(move |(_, r, t)| r == id && body.contains(t.as_str()))
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
            }
            Event::Erase(which) => {
                let keys: Vec<_> = self.server.docs.keys().copied().collect();
                if keys.is_empty() {
                    return;
                }
                let id = keys[which % keys.len()];
                self.server.docs.remove(&id);
                self.server.seq += 1;
                self.server.tombstones.insert(id, self.server.seq);
                self.erased.insert(id);
            }
        }
    }

    fn server_tokens(&self) -> HashSet<String> {
        self.server
            .docs
            .iter()
            .flat_map(|(id, (b, _, _))| {
                let body = note_body(&RecordDoc::load(*id, b, []).expect("load"));
                body.split('\n').map(str::to_string).collect::<Vec<_>>()
            })
            .collect()
    }

    fn heal(&mut self) {
        for _ in 0..6 {
            let mut all_quiet = true;
            for d in 0..self.devices.len() {
                for _ in 0..40 {
                    let req = client::build_request(&mut self.devices[d]).expect("request");
                    let resp = server::handle_sync(
                        &mut ServerView {
                            server: &mut self.server,
                            device: d,
                        },
                        &ACCESS,
                        &req,
                        Limits {
                            records: 3,
                            bytes: 1 << 20,
                        },
                    )
                    .expect("answer");
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
    }
}

fn note_body(doc: &RecordDoc) -> String {
    match doc.record().expect("valid") {
        Record::Note(n) => n.body.as_str().to_string(),
        _ => String::new(),
    }
}

fn fate() -> impl Strategy<Value = Fate> {
    prop_oneof![
        5 => Just(Fate::Deliver),
        1 => Just(Fate::LoseRequest),
        1 => Just(Fate::LoseAnswer),
        1 => Just(Fate::Duplicate),
        1 => Just(Fate::ReplayLater),
    ]
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        3 => (0usize..4).prop_map(Event::Create),
        6 => (0usize..4, 0usize..8).prop_map(|(d, w)| Event::Append(d, w)),
        2 => (0usize..4, 0usize..8, 0usize..3).prop_map(|(d, w, s)| Event::Review(d, w, s)),
        6 => (0usize..4, fate()).prop_map(|(d, f)| Event::Sync(d, f)),
        1 => Just(Event::Replay),
        1 => (0usize..4).prop_map(Event::Backup),
        1 => (0usize..4).prop_map(Event::Restore),
        1 => (0usize..8).prop_map(Event::Erase),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("SIM_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64), ..ProptestConfig::default() })]

    #[test]
    fn a_team_converges_and_loses_nothing_acknowledged(events in prop::collection::vec(event(), 1..80)) {
        let mut world = World::new(4);
        let mut ever_on_server: HashSet<String> = HashSet::new();
        for e in &events {
            world.apply(e);
            ever_on_server.extend(world.server_tokens());
        }
        world.heal();

        let server_view: BTreeMap<RecordId, (Record, Vec<String>)> = world
            .server
            .docs
            .iter()
            .map(|(id, (b, _, _))| {
                let mut doc = RecordDoc::load(*id, b, []).expect("load");
                let mut heads: Vec<String> = doc.heads().iter().map(|h| h.to_string()).collect();
                heads.sort();
                (*id, (doc.record().expect("valid"), heads))
            })
            .collect();
        for (i, device) in world.devices.iter().enumerate() {
            prop_assert_eq!(&device.snapshot(), &server_view, "device {} holds exactly the server's records", i);
        }
        for id in &world.erased {
            prop_assert!(world.devices.iter().all(|d| !d.records.contains_key(id)), "erased record {} is gone everywhere", id);
        }
        let final_tokens = world.server_tokens();
        for t in &ever_on_server {
            let erased = world.token_record.get(t).is_some_and(|r| world.erased.contains(r));
            prop_assert!(final_tokens.contains(t) || erased, "{} was acknowledged by the server and must survive", t);
        }
        for (_, r, t) in &world.written {
            if !world.erased.contains(r) {
                prop_assert!(final_tokens.contains(t), "{} was written and never lost to a restore; it must survive", t);
            }
        }
    }
}

/// Run fixed events, heal, and check every device holds the server's records.
fn converges(events: &[Event]) {
    let mut world = World::new(4);
    for e in events {
        world.apply(e);
    }
    world.heal();
    let server_ids: BTreeSet<RecordId> = world.server.docs.keys().copied().collect();
    for (i, d) in world.devices.iter().enumerate() {
        let ids: BTreeSet<RecordId> = d.records.keys().copied().collect();
        assert_eq!(
            ids, server_ids,
            "device {i} holds exactly the server's records after {events:?}"
        );
    }
}

#[test]
fn a_device_restored_after_pushing_gets_its_records_back() {
    // Found by the simulation: the server must not credit a restored
    // device with what it pushed after the backup was taken.
    converges(&[
        Event::Backup(3),
        Event::Create(3),
        Event::Sync(3, Fate::Deliver),
        Event::Restore(3),
    ]);
}

#[test]
fn skipped_feed_entries_still_count_towards_a_page() {
    // Found by the simulation: a page of already-answered entries must
    // still report that more entries follow.
    converges(&[
        Event::Create(3),
        Event::Create(3),
        Event::Backup(3),
        Event::Create(3),
        Event::Create(3),
        Event::Sync(3, Fate::Deliver),
        Event::Restore(3),
    ]);
}

#[test]
fn a_request_pushing_many_records_answers_each_in_the_order_pushed() {
    // Enough records for the server to merge them on every core, the good
    // and the bad interleaved, and one record pushed twice.
    let mut world = World::new(1);
    let actor = world.devices[0].actor();
    let mut pushes = Vec::new();
    let mut refused = Vec::new();
    let mut kept = Vec::new();
    let mut first = None;
    for k in 0..60 {
        let (id, mut doc) = world.new_note(0, &format!("note {k}"));
        let mut kind = carnet_core::RecordKind::Note;
        let changes = match k % 5 {
            3 => {
                refused.push((id, RejectCode::Invalid, "garbage"));
                b"not automerge".to_vec()
            }
            4 => {
                refused.push((id, RejectCode::Invalid, "kind"));
                kind = carnet_core::RecordKind::Person;
                doc.changes_since(&[])
            }
            _ => {
                kept.push(id);
                doc.changes_since(&[])
            }
        };
        if first.is_none() {
            first = Some((id, doc));
        }
        pushes.push(PushRecord {
            id,
            kind,
            heads: carnet_core::sync::encode_heads(&[]),
            changes,
        });
    }
    // The first record again, edited: merged after the first push stored it.
    let (twice, mut doc) = first.expect("a first record");
    let at = world.now();
    let (_, edit) = doc
        .edit(&actor, at, &Codebook::any(), |r| {
            if let Record::Note(n) = r {
                n.body = "note 0, edited".into();
            }
            Ok::<_, CoreError>(())
        })
        .expect("edit");
    pushes.push(PushRecord {
        id: twice,
        kind: carnet_core::RecordKind::Note,
        heads: carnet_core::sync::encode_heads(&doc.heads()),
        changes: edit,
    });
    kept.push(twice);

    let req = SyncRequest {
        protocol: carnet_core::sync::PROTOCOL_VERSION,
        cursor: 0,
        last_answer: 0,
        push: pushes,
        want_full: vec![],
    };
    let resp = server::handle_sync(
        &mut ServerView {
            server: &mut world.server,
            device: 0,
        },
        &ACCESS,
        &req,
        Limits::default(),
    )
    .expect("server answers");

    let got: Vec<(RecordId, RejectCode)> = resp.rejected.iter().map(|r| (r.id, r.code)).collect();
    let want: Vec<(RecordId, RejectCode)> = refused.iter().map(|r| (r.0, r.1)).collect();
    assert_eq!(got, want, "each refusal, in the order pushed");
    for (r, (_, _, why)) in resp.rejected.iter().zip(&refused) {
        if *why == "kind" {
            assert!(r.reason.contains("not a person"), "{}", r.reason);
        }
    }
    let answered: Vec<RecordId> = resp.records.iter().map(|r| r.id).take(kept.len()).collect();
    assert_eq!(answered, kept, "each record kept, in the order pushed");
    assert_eq!(world.server.docs.len(), kept.len() - 1);
    let stored = RecordDoc::load(twice, &world.server.docs[&twice].0, []).expect("stored");
    assert_eq!(note_body(&stored), "note 0, edited");
}
