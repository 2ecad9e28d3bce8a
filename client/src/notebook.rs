//! [`Notebook`]: the application API. The `carnet` command line, the
//! desktop window and the tests all call this one type.
//!
//! Every method that returns `Ok` after a write has committed its SQLite
//! transaction: the document chunk, the projection rows and the search
//! index change together or not at all.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use carnet_core::demo::DemoGenerator;
use carnet_core::recent::Recent;
use carnet_core::record::{
    Comment, Consent, Identity, ListItem, Note, Person, Place, Referral, ReferralFollowUp,
    Resource, ShadowEntry, StatusChange, Story, Theme, Workspace,
};
use carnet_core::vocab::{
    ConsentMethod, ConsentPurpose, Method, NeedCategory, ReferralStatus, ReviewStatus, Vocabulary,
};
use carnet_core::{
    Actor, Clock, Codebook, Conflict, Day, IdGen, ItemId, MemberId, Record, RecordDoc, RecordId,
    RecordKind, SystemClock, SystemIds, Timestamp,
};
use rusqlite::{params, OptionalExtension};

use crate::error::{ClientError, Result};
use crate::inputs::{NoteInput, NotePatch, PersonInput, ReferralInput};
use crate::journal::{self, NoteFilter, Page};
use crate::projection;
use crate::search;
use crate::store::{self, write, Store};
pub use receive::Incoming;

mod receive;

use crate::views::{
    HistoryItem, MergeOutcome, NotePage, PersonSummary, PlaceSummary, RecordView, ReferralSummary,
    ResourceSummary, SearchHit,
};

/// How many decoded documents are kept in memory for quick edits.
const CACHE_DOCS: usize = 256;

/// Time and ids, injected so tests are deterministic.
#[derive(Debug, Clone)]
pub struct Environment {
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// The id generator.
    pub ids: Arc<dyn IdGen>,
}

impl Default for Environment {
    fn default() -> Self {
        Self {
            clock: Arc::new(SystemClock),
            ids: Arc::new(SystemIds),
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

/// Counts of records by kind, and how many are damaged.
#[derive(Debug, Clone, Default, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Counts {
    /// Notes.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub notes: i64,
    /// Persons.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub persons: i64,
    /// Directory resources.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub resources: i64,
    /// Places.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub places: i64,
    /// Damaged records.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub damaged: i64,
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
}

fn session_bytes(ids: &dyn IdGen, at: Timestamp) -> [u8; 8] {
    let u = ids.next_uuid(at);
    let mut s = [0u8; 8];
    s.copy_from_slice(&u.as_bytes()[8..16]);
    s
}

impl Notebook {
    /// Create a notebook in `dir` for a new team, with a starter codebook.
    pub fn create(dir: &Path, team: &str, member_name: &str, env: Environment) -> Result<Self> {
        if team.trim().is_empty() {
            return Err(ClientError::BadInput(
                "the team name cannot be empty".into(),
            ));
        }
        if member_name.trim().is_empty() {
            return Err(ClientError::BadInput(
                "your name (--member) cannot be empty".into(),
            ));
        }
        let now = env.clock.now();
        let member = MemberId::generate(env.ids.as_ref(), now);
        let workspace =
            DemoGenerator::workspace(team.trim(), &[(member, member_name.trim().to_string())]);
        let workspace_id = RecordId::generate(env.ids.as_ref(), now);
        let actor = Actor::new(member, session_bytes(env.ids.as_ref(), now));
        let mut store = Store::create(dir)?;
        let record = Record::Workspace(workspace);
        let codebook = match &record {
            Record::Workspace(w) => Codebook::of(w),
            _ => Codebook::any(),
        };
        let mut doc = RecordDoc::create(workspace_id, &record, &codebook, &actor, now)?;
        let tx = store.transaction()?;
        let rowid = write::insert(&tx, &mut doc, now)?;
        projection::project(&tx, rowid, &record)?;
        for (k, v) in [
            ("member_id", member.to_string()),
            ("member_name", member_name.trim().to_string()),
            ("workspace_id", workspace_id.to_string()),
        ] {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                params![k, v],
            )?;
        }
        tx.commit()?;
        let mut nb = Self {
            store,
            dir: dir.to_path_buf(),
            env,
            actor,
            member_name: member_name.trim().to_string(),
            workspace_id,
            codebook,
            cache: DocCache::default(),
        };
        nb.cache.put(workspace_id, rowid, doc);
        Ok(nb)
    }

    /// Create an empty notebook in `dir` for a device that joined a team:
    /// the workspace and the team's records arrive with the first sync.
    pub fn create_joined(
        dir: &Path,
        membership: &crate::sync::Membership,
        env: Environment,
    ) -> Result<Self> {
        let joined = &membership.joined;
        let member: MemberId = joined
            .member_id
            .parse()
            .map_err(|_| ClientError::BadInput("the server sent a malformed member id".into()))?;
        let workspace_id: RecordId = joined.workspace_id.parse().map_err(|_| {
            ClientError::BadInput("the server sent a malformed workspace id".into())
        })?;
        let mut store = Store::create(dir)?;
        let tx = store.transaction()?;
        for (k, v) in membership.meta_entries() {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                params![k, v],
            )?;
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('workspace_id', ?1)",
            [workspace_id.to_string()],
        )?;
        tx.commit()?;
        let now = env.clock.now();
        let actor = Actor::new(member, session_bytes(env.ids.as_ref(), now));
        Ok(Self {
            store,
            dir: dir.to_path_buf(),
            env,
            actor,
            member_name: joined.member_name.clone(),
            workspace_id,
            codebook: Codebook::any(),
            cache: DocCache::default(),
        })
    }

    /// Open the notebook in `dir`.
    pub fn open(dir: &Path, env: Environment) -> Result<Self> {
        let store = Store::open(dir)?;
        let path = store.path().to_path_buf();
        let read = |key: &str| -> Result<String> {
            store.meta(key)?.ok_or_else(|| ClientError::NotANotebook {
                path: path.clone(),
                reason: format!("its '{key}' setting is missing"),
            })
        };
        let bad = |what: &str| ClientError::NotANotebook {
            path: path.clone(),
            reason: format!("its {what} is not valid"),
        };
        let member: MemberId = read("member_id")?.parse().map_err(|_| bad("member id"))?;
        let member_name = read("member_name")?;
        let workspace_id: RecordId = read("workspace_id")?
            .parse()
            .map_err(|_| bad("workspace id"))?;
        let now = env.clock.now();
        let actor = Actor::new(member, session_bytes(env.ids.as_ref(), now));
        let mut nb = Self {
            store,
            dir: dir.to_path_buf(),
            env,
            actor,
            member_name,
            workspace_id,
            codebook: Codebook::any(),
            cache: DocCache::default(),
        };
        nb.codebook = nb.load_codebook()?;
        Ok(nb)
    }

    fn load_codebook(&self) -> Result<Codebook> {
        let mut stmt = self.store.conn().prepare("SELECT code FROM themes")?;
        let codes: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if codes.is_empty() {
            // A joined device before its first sync: the workspace (and its
            // codebook) has not arrived yet.
            return Ok(Codebook::any());
        }
        Ok(Codebook::of(&Workspace {
            name: String::new(),
            default_language: carnet_core::vocab::Language::French,
            codebook: codes
                .into_iter()
                .map(|code| carnet_core::record::Theme {
                    code,
                    label_fr: String::new(),
                    label_en: String::new(),
                    colour: String::new(),
                    parent: None,
                })
                .collect(),
            sectors: vec![],
            members: vec![],
        }))
    }

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

    /// The workspace (team name, codebook, sectors, members).
    pub fn workspace(&mut self) -> Result<Workspace> {
        match self.record(self.workspace_id)? {
            Record::Workspace(w) => Ok(w),
            other => Err(ClientError::WrongKind {
                id: self.workspace_id,
                expected: "workspace",
                actual: other.kind().to_string(),
            }),
        }
    }

    fn now(&self) -> Timestamp {
        self.env.clock.now()
    }

    fn new_item(&self) -> ItemId {
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
        tx.commit()?;
        self.after_write(id, rowid, doc, &record);
        Ok(())
    }

    /// Persist a record new to this notebook, in one transaction.
    fn commit_new(&mut self, mut doc: RecordDoc, record: &Record, now: Timestamp) -> Result<()> {
        let tx = self.store.transaction()?;
        let rowid = write::insert(&tx, &mut doc, now)?;
        projection::project(&tx, rowid, record)?;
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

    /// Change a note.
    pub fn edit_note<T>(
        &mut self,
        id: RecordId,
        f: impl FnOnce(&mut Note) -> Result<T>,
    ) -> Result<T> {
        self.edit_kind(
            id,
            "note",
            |r| match r {
                Record::Note(n) => Some(n.as_mut()),
                _ => None,
            },
            f,
        )
    }

    /// Change a person.
    pub fn edit_person<T>(
        &mut self,
        id: RecordId,
        f: impl FnOnce(&mut Person) -> Result<T>,
    ) -> Result<T> {
        self.edit_kind(
            id,
            "person",
            |r| match r {
                Record::Person(p) => Some(p.as_mut()),
                _ => None,
            },
            f,
        )
    }

    /// Change the workspace.
    pub fn edit_workspace<T>(&mut self, f: impl FnOnce(&mut Workspace) -> Result<T>) -> Result<T> {
        let id = self.workspace_id;
        self.edit_kind(
            id,
            "workspace",
            |r| match r {
                Record::Workspace(w) => Some(w),
                _ => None,
            },
            f,
        )
    }

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
        let updated: i64 = self.store.conn().query_row(
            "SELECT updated_at FROM records WHERE id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )?;
        Ok(RecordView {
            id,
            updated_at: Timestamp::from_millis(updated),
            record,
        })
    }

    // ----- notes -----------------------------------------------------

    fn find_place(&self, text: &str) -> Result<Option<RecordId>> {
        // SQLite's lower() only folds ASCII: "érables" would not find
        // "Érables". Places are few; compare in Rust.
        let wanted = text.trim().to_lowercase();
        Ok(self
            .list_places()?
            .into_iter()
            .find(|p| p.name.trim().to_lowercase() == wanted)
            .map(|p| p.id))
    }

    /// Create a note.
    pub fn create_note(&mut self, input: NoteInput) -> Result<RecordId> {
        let now = self.now();
        let mut note = Note::new(
            input.method.unwrap_or(Method::Outreach),
            input.title.trim(),
            self.member(),
            input.occurred_at.unwrap_or(now),
        );
        note.created_at = now;
        note.body = input.body.unwrap_or_default().into();
        note.duration_minutes = input.duration_minutes;
        note.place_id = input.place_id;
        if let Some(place) = input.place.filter(|p| !p.trim().is_empty()) {
            if note.place_id.is_none() {
                note.place_id = self.find_place(&place)?;
            }
            note.place_text = Some(place.trim().to_string());
        }
        note.place_kind = input.place_kind;
        note.themes = input.themes;
        note.barriers = input.barriers;
        note.needs = input.needs;
        note.participants.count = input.participants;
        note.participants.age_groups = input.age_groups;
        if input.follow_up_due.is_some() || input.follow_up_what.is_some() {
            note.follow_up.needed = true;
            note.follow_up.due = input.follow_up_due;
            note.follow_up.what = input.follow_up_what;
        }
        note.review = input.review.unwrap_or(ReviewStatus::Draft);
        note.group_open = input.group_open;
        let id = RecordId::generate(self.env.ids.as_ref(), now);
        self.create_record(id, Record::Note(Box::new(note)))
    }

    /// The places of the territory, by name.
    pub fn list_places(&self) -> Result<Vec<PlaceSummary>> {
        let mut stmt = self.store.conn().prepare_cached(
            "SELECT r.id, p.name, p.kind, p.sector FROM places p JOIN records r ON r.rowid = p.rowid
             ORDER BY p.name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, name, kind, sector) = row?;
            if let Ok(id) = id.parse() {
                out.push(PlaceSummary {
                    id,
                    name,
                    kind,
                    sector,
                });
            }
        }
        Ok(out)
    }

    /// Change a note's fields (see [`NotePatch`]).
    pub fn update_note(&mut self, id: RecordId, patch: NotePatch) -> Result<()> {
        let place_id = match patch.place.as_deref().map(str::trim) {
            Some("") | None => None,
            Some(name) => self.find_place(name)?,
        };
        self.edit_note(id, |n| {
            if let Some(m) = patch.method {
                n.method = m;
            }
            if let Some(t) = patch.title {
                n.title = t.trim().to_string();
            }
            if let Some(at) = patch.occurred_at {
                n.occurred_at = at;
            }
            if let Some(d) = patch.duration_minutes {
                n.duration_minutes = (d > 0).then_some(d);
            }
            if let Some(place) = patch.place {
                let place = place.trim();
                n.place_text = (!place.is_empty()).then(|| place.to_string());
                n.place_id = place_id;
            }
            if let Some(k) = patch.place_kind {
                n.place_kind = Some(k);
            }
            if let Some(t) = patch.themes {
                n.themes = t;
            }
            if let Some(b) = patch.barriers {
                n.barriers = b;
            }
            if let Some(x) = patch.needs {
                n.needs = x;
            }
            if let Some(c) = patch.participants {
                n.participants.count = (c > 0).then_some(c);
            }
            if let Some(needed) = patch.follow_up_needed {
                n.follow_up.needed = needed;
            }
            if patch.follow_up_clear_due {
                n.follow_up.due = None;
            } else if let Some(due) = patch.follow_up_due {
                n.follow_up.due = Some(due);
                n.follow_up.needed = true;
            }
            if let Some(r) = patch.review {
                n.review = r;
            }
            if let Some(g) = patch.group_open {
                n.group_open = Some(g);
            }
            Ok(())
        })
    }

    /// Replace a note's body (merged as a character diff).
    pub fn set_body(&mut self, id: RecordId, body: &str) -> Result<()> {
        self.edit_note(id, |n| {
            n.body.set(body);
            Ok(())
        })
    }

    /// Add a paragraph at the end of a note's body.
    pub fn append_to_body(&mut self, id: RecordId, text: &str) -> Result<()> {
        self.edit_note(id, |n| {
            n.body.append_paragraph(text);
            Ok(())
        })
    }

    /// Add a timestamped entry to a shadowing log.
    pub fn add_shadow_entry(
        &mut self,
        id: RecordId,
        text: &str,
        place: Option<&str>,
    ) -> Result<ItemId> {
        let (item, at) = (self.new_item(), self.now());
        self.edit_note(id, |n| {
            n.shadowing.push(ShadowEntry {
                id: item,
                at,
                place: place.map(str::to_string),
                text: text.into(),
            });
            Ok(item)
        })
    }

    /// Add a story told in a workshop.
    pub fn add_story(&mut self, id: RecordId, text: &str, told_by: Option<&str>) -> Result<ItemId> {
        let item = self.new_item();
        self.edit_note(id, |n| {
            n.stories.push(Story {
                id: item,
                told_by: told_by.map(str::to_string),
                text: text.into(),
            });
            Ok(item)
        })
    }

    /// Add an issue raised in a workshop.
    pub fn add_issue(&mut self, id: RecordId, text: &str) -> Result<ItemId> {
        let item = self.new_item();
        self.edit_note(id, |n| {
            n.issues_raised.push(ListItem {
                id: item,
                text: text.to_string(),
            });
            Ok(item)
        })
    }

    /// Add a community leader identified in a workshop.
    pub fn add_leader(&mut self, id: RecordId, text: &str) -> Result<ItemId> {
        let item = self.new_item();
        self.edit_note(id, |n| {
            n.leaders.push(ListItem {
                id: item,
                text: text.to_string(),
            });
            Ok(item)
        })
    }

    /// Add a comment to a note.
    pub fn add_comment(&mut self, id: RecordId, text: &str) -> Result<ItemId> {
        if text.trim().is_empty() {
            return Err(ClientError::BadInput("a comment cannot be empty".into()));
        }
        let (item, at, author) = (self.new_item(), self.now(), self.member());
        self.edit_note(id, |n| {
            n.comments.push(Comment {
                id: item,
                author,
                at,
                text: text.into(),
            });
            Ok(item)
        })
    }

    /// The journal: notes matching `filter`, newest first.
    pub fn list_notes(&self, filter: &NoteFilter, page: Page) -> Result<NotePage> {
        journal::list_notes(self.store.conn(), filter, page)
    }

    // ----- persons and referrals --------------------------------------

    /// Create a person.
    pub fn create_person(&mut self, input: PersonInput) -> Result<RecordId> {
        let now = self.now();
        let mut p = Person::new(input.pseudonym.trim(), self.member(), now);
        p.age_group = input.age_group;
        p.languages = input.languages;
        p.sector = input.sector;
        p.needs = input.needs;
        p.notes = input.notes.unwrap_or_default().into();
        let id = RecordId::generate(self.env.ids.as_ref(), now);
        self.create_record(id, Record::Person(Box::new(p)))
    }

    /// Refer a person to a service.
    pub fn add_referral(&mut self, person: RecordId, input: ReferralInput) -> Result<ItemId> {
        if input.service.trim().is_empty() {
            return Err(ClientError::BadInput(
                "name the service the person is referred to (--service)".into(),
            ));
        }
        let (item, change, at, by) = (self.new_item(), self.new_item(), self.now(), self.member());
        let status = input.status.unwrap_or(ReferralStatus::Proposed);
        self.edit_person(person, |p| {
            if !p.needs.contains(&input.need) {
                p.needs.push(input.need);
            }
            p.referrals.push(Referral {
                id: item,
                service: input.service.trim().to_string(),
                resource_id: input.resource_id,
                need: input.need,
                made_at: at,
                status,
                history: vec![StatusChange {
                    id: change,
                    status,
                    at,
                    by,
                    note: input.note,
                }],
                follow_ups: vec![],
                outcome: None,
            });
            Ok(item)
        })
    }

    fn person_of_referral(&self, referral: ItemId) -> Result<RecordId> {
        let id: Option<String> = self
            .store
            .conn()
            .query_row(
                "SELECT r.id FROM referrals f JOIN records r ON r.rowid = f.person_rowid WHERE f.id = ?1",
                [referral.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        id.and_then(|s| s.parse().ok())
            .ok_or_else(|| ClientError::NotFound {
                what: "referral",
                id: referral.to_string(),
            })
    }

    /// Move a referral to a new status, with an optional note; the change
    /// is added to its history.
    pub fn set_referral_status(
        &mut self,
        referral: ItemId,
        status: ReferralStatus,
        note: Option<&str>,
    ) -> Result<()> {
        let person = self.person_of_referral(referral)?;
        let (change, at, by) = (self.new_item(), self.now(), self.member());
        self.edit_person(person, |p| {
            let r = p
                .referral_mut(referral)
                .ok_or_else(|| ClientError::NotFound {
                    what: "referral",
                    id: referral.to_string(),
                })?;
            r.status = status;
            r.history.push(StatusChange {
                id: change,
                status,
                at,
                by,
                note: note.map(str::to_string).filter(|n| !n.trim().is_empty()),
            });
            Ok(())
        })
    }

    /// Record a person's consent (or its withdrawal: `given` false) for a
    /// purpose; earlier answers stay, the latest one counts.
    pub fn record_consent(
        &mut self,
        person: RecordId,
        purpose: ConsentPurpose,
        given: bool,
        how: ConsentMethod,
    ) -> Result<ItemId> {
        let (item, at, by) = (self.new_item(), self.now(), self.member());
        self.edit_person(person, |p| {
            p.consents.push(Consent {
                id: item,
                purpose,
                given,
                at,
                recorded_by: by,
                how,
            });
            // Withdrawing consent to identifying details removes them.
            if purpose == ConsentPurpose::IdentifyingDetails && !given {
                p.identity = None;
            }
            Ok(item)
        })
    }

    /// Set a person's identifying details (name, phone, address; empty
    /// fields are cleared). Only once the person's latest answer about
    /// identifying details is a consent.
    pub fn set_identity(&mut self, person: RecordId, identity: Identity) -> Result<()> {
        let clean = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let identity = Identity {
            name: clean(identity.name),
            phone: clean(identity.phone),
            address: clean(identity.address),
        };
        let empty = identity == Identity::default();
        self.edit_person(person, |p| {
            let consented = p
                .consents
                .iter()
                .filter(|c| c.purpose == ConsentPurpose::IdentifyingDetails)
                .max_by_key(|c| c.at)
                .is_some_and(|c| c.given);
            if !consented && !empty {
                return Err(ClientError::BadInput(
                    "record the person's consent to identifying details before adding them".into(),
                ));
            }
            p.identity = (!empty).then_some(identity);
            Ok(())
        })
    }

    /// Plan a follow-up of a referral.
    pub fn add_referral_follow_up(
        &mut self,
        referral: ItemId,
        due: Day,
        note: Option<&str>,
    ) -> Result<ItemId> {
        let person = self.person_of_referral(referral)?;
        let item = self.new_item();
        self.edit_person(person, |p| {
            let r = p
                .referral_mut(referral)
                .ok_or_else(|| ClientError::NotFound {
                    what: "referral",
                    id: referral.to_string(),
                })?;
            r.follow_ups.push(ReferralFollowUp {
                id: item,
                due,
                done: false,
                note: note.map(str::to_string),
            });
            Ok(item)
        })
    }

    /// Mark a referral's follow-up done (or not done again).
    pub fn set_follow_up_done(
        &mut self,
        referral: ItemId,
        follow_up: ItemId,
        done: bool,
    ) -> Result<()> {
        let person = self.person_of_referral(referral)?;
        self.edit_person(person, |p| {
            let f = p
                .referral_mut(referral)
                .and_then(|r| r.follow_ups.iter_mut().find(|f| f.id == follow_up))
                .ok_or_else(|| ClientError::NotFound {
                    what: "follow-up",
                    id: follow_up.to_string(),
                })?;
            f.done = done;
            Ok(())
        })
    }

    /// Referrals, optionally only in one status, newest first.
    pub fn list_referrals(&self, status: Option<ReferralStatus>) -> Result<Vec<ReferralSummary>> {
        let mut stmt = self.store.conn().prepare_cached(
            "SELECT f.id, r.id, p.pseudonym, f.service, f.need, f.status, f.made_at, f.next_follow_up
             FROM referrals f JOIN records r ON r.rowid = f.person_rowid JOIN persons p ON p.rowid = f.person_rowid
             WHERE ?1 IS NULL OR f.status = ?1 ORDER BY f.made_at DESC",
        )?;
        let rows = stmt.query_map([status.map(|s| s.as_code())], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, person, pseudonym, service, need, status, made, next) = row?;
            let Ok(person) = person.parse() else { continue };
            out.push(ReferralSummary {
                id,
                person,
                pseudonym,
                service,
                need,
                status,
                made_at: Timestamp::from_millis(made),
                next_follow_up: next,
            });
        }
        Ok(out)
    }

    /// The persons this device holds, by pseudonym, with referral counts.
    pub fn list_persons(&self) -> Result<Vec<PersonSummary>> {
        let closed: Vec<String> = ReferralStatus::ALL
            .iter()
            .filter(|s| s.is_closed())
            .map(|s| format!("'{}'", s.as_code()))
            .collect();
        let sql = format!(
            "SELECT r.id, p.pseudonym, p.age_group, p.sector, p.needs,
                    (SELECT COUNT(*) FROM referrals f WHERE f.person_rowid = p.rowid),
                    (SELECT COUNT(*) FROM referrals f WHERE f.person_rowid = p.rowid
                        AND f.status NOT IN ({}))
             FROM persons p JOIN records r ON r.rowid = p.rowid",
            closed.join(",")
        );
        let mut stmt = self.store.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, u32>(5)?,
                r.get::<_, u32>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, pseudonym, age_group, sector, needs, referrals, open_referrals) = row?;
            let Ok(id) = id.parse() else { continue };
            out.push(PersonSummary {
                id,
                pseudonym,
                age_group,
                sector,
                needs: split_codes(&needs),
                referrals,
                open_referrals,
            });
        }
        out.sort_by_cached_key(|p| p.pseudonym.to_lowercase());
        Ok(out)
    }

    // ----- directory and places ------------------------------------------

    /// The directory's organisations, by name; only those with a service
    /// for `need` and, if given, offered in `language` (a code like `fr`).
    pub fn list_resources(
        &self,
        need: Option<NeedCategory>,
        language: Option<&str>,
    ) -> Result<Vec<ResourceSummary>> {
        let mut stmt = self.store.conn().prepare_cached(
            "SELECT r.id, s.name, s.name_en, s.languages,
                    (SELECT group_concat(n.need) FROM resource_needs n WHERE n.resource_rowid = s.rowid)
             FROM resources s JOIN records r ON r.rowid = s.rowid
             WHERE ?1 IS NULL OR EXISTS
                (SELECT 1 FROM resource_needs n WHERE n.resource_rowid = s.rowid AND n.need = ?1)",
        )?;
        let rows = stmt.query_map([need.map(|n| n.code())], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        let language = language.map(str::trim).filter(|l| !l.is_empty());
        let mut out = Vec::new();
        for row in rows {
            let (id, name, name_en, languages, needs) = row?;
            let Ok(id) = id.parse() else { continue };
            let languages = split_codes(&languages);
            if let Some(l) = language {
                if !languages.iter().any(|x| x.eq_ignore_ascii_case(l)) {
                    continue;
                }
            }
            out.push(ResourceSummary {
                id,
                name,
                name_en,
                languages,
                needs: split_codes(needs.as_deref().unwrap_or("")),
            });
        }
        out.sort_by_cached_key(|r| r.name.to_lowercase());
        Ok(out)
    }

    /// Add an organisation to the directory.
    pub fn create_resource(&mut self, resource: Resource) -> Result<RecordId> {
        let id = RecordId::generate(self.env.ids.as_ref(), self.now());
        self.create_record(id, Record::Resource(Box::new(resource)))
    }

    /// Add a place of the territory.
    pub fn create_place(&mut self, place: Place) -> Result<RecordId> {
        let id = RecordId::generate(self.env.ids.as_ref(), self.now());
        self.create_record(id, Record::Place(place))
    }

    /// Add a theme to the team's codebook, or change the labels and colour
    /// of the theme with the same code.
    pub fn save_theme(&mut self, theme: Theme) -> Result<()> {
        let theme = Theme {
            code: theme.code.trim().to_string(),
            label_fr: theme.label_fr.trim().to_string(),
            label_en: theme.label_en.trim().to_string(),
            colour: theme.colour.trim().to_lowercase(),
            parent: theme.parent,
        };
        self.edit_workspace(|w| {
            match w.codebook.iter_mut().find(|t| t.code == theme.code) {
                Some(t) => *t = theme,
                None => w.codebook.push(theme),
            }
            Ok(())
        })
    }

    // ----- search, history, conflicts --------------------------------

    /// Full-text search, accents and case ignored, best matches first.
    pub fn search(&self, query: &str, limit: u32) -> Result<Vec<SearchHit>> {
        let Some(fts) = search::to_fts_query(query) else {
            return Ok(Vec::new());
        };
        // The limit is written into the statement, so the full-text index
        // is told it when the statement is planned (see
        // `store::steady_plans`).
        let mut stmt = self.store.conn().prepare_cached(&format!(
            "SELECT r.id, r.kind, s.title,
                    highlight(search, 0, char(2), char(3)),
                    snippet(search, 1, char(2), char(3), '…', 14)
             FROM search s JOIN records r ON r.rowid = s.rowid
             WHERE search MATCH ?1
             ORDER BY s.rank
             LIMIT {}",
            limit.min(500)
        ))?;
        let rows = stmt.query_map(params![fts], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        let mut hits = Vec::new();
        for row in rows {
            let (id, kind, title, title_marked, snippet) = row?;
            let (Ok(id), Some(kind)) = (id.parse(), store::stored_kind(&kind)) else {
                continue;
            };
            hits.push(SearchHit {
                id,
                kind,
                title,
                title_segments: search::segments(&title_marked),
                snippet: search::segments(&snippet),
            });
        }
        Ok(hits)
    }

    /// Who changed what in a record, and when, oldest first.
    pub fn history(&mut self, id: RecordId) -> Result<Vec<HistoryItem>> {
        let (rowid, mut doc) = self.load_doc(id)?;
        let entries = doc.history();
        self.cache.put(id, rowid, doc);
        let names: HashMap<String, String> = self
            .store
            .conn()
            .prepare_cached("SELECT id, name FROM members")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
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
        let (rowid, doc) = self.load_doc(id)?;
        let c = doc.conflicts();
        self.cache.put(id, rowid, doc);
        Ok(c)
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

    // ----- maintenance -----------------------------------------------

    /// Every record id, in creation order.
    pub fn record_ids(&self) -> Result<Vec<(RecordId, RecordKind)>> {
        let mut stmt = self
            .store
            .conn()
            .prepare("SELECT id, kind FROM records ORDER BY rowid")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, kind) = row?;
            if let (Ok(id), Some(kind)) = (id.parse(), store::stored_kind(&kind)) {
                out.push((id, kind));
            }
        }
        Ok(out)
    }

    /// Rebuild the projection and search index from the documents.
    /// Damaged records keep no projection rows and are flagged.
    pub fn rebuild_projection(&mut self) -> Result<usize> {
        self.cache.clear();
        let ids = self.record_ids()?;
        let mut decoded = Vec::with_capacity(ids.len());
        for (id, _) in &ids {
            match self.load_doc(*id) {
                Ok((rowid, doc)) => decoded.push((rowid, doc.record()?)),
                Err(ClientError::Damaged { .. }) => continue,
                Err(e) => return Err(e),
            }
        }
        let tx = self.store.transaction()?;
        projection::clear(&tx)?;
        for (rowid, record) in &decoded {
            projection::project(&tx, *rowid, record)?;
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
                Err(_) => {}
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
        let c = self.store.conn();
        let count = |sql: &str| -> Result<i64> { Ok(c.query_row(sql, [], |r| r.get(0))?) };
        Ok(Counts {
            notes: count("SELECT COUNT(*) FROM records WHERE kind = 'note'")?,
            persons: count("SELECT COUNT(*) FROM records WHERE kind = 'person'")?,
            resources: count("SELECT COUNT(*) FROM records WHERE kind = 'resource'")?,
            places: count("SELECT COUNT(*) FROM records WHERE kind = 'place'")?,
            damaged: count("SELECT COUNT(*) FROM records WHERE damaged IS NOT NULL")?,
        })
    }

    /// Insert many ready-made records in one transaction per `batch`
    /// (the demo generator and benchmarks); `progress` is told how many
    /// are durable so far.
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
                let rowid = write::insert(&tx, &mut doc, now)?;
                projection::project(&tx, rowid, &record)?;
                done += 1;
            }
            tx.commit()?;
            progress(done);
        }
        Ok(done)
    }

    // ----- for the sync engine ------------------------------------------

    /// Copy the write-ahead log into the notebook's file, as far as
    /// readers allow: batches leave it to later (see
    /// [`Store::end_batch`](crate::store::Store::end_batch)). Returns the
    /// pages the log held.
    pub fn checkpoint(&self) -> Result<i64> {
        self.store.checkpoint()
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
            Ok(_) if !committed => Err(ClientError::BadInput(
                "a write failed part-way; nothing of it was kept, and trying again is safe".into(),
            )),
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

    /// Remove every trace of an erased record: document, chunks,
    /// projection, search index; remember its id so it never comes back.
    pub(crate) fn purge(&mut self, id: RecordId) -> Result<()> {
        self.cache.take(id);
        let now = self.now();
        let tx = self.store.transaction()?;
        let rowid: Option<i64> = tx
            .query_row(
                "SELECT rowid FROM records WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(rowid) = rowid {
            projection::remove(&tx, rowid)?;
            tx.execute("DELETE FROM records WHERE rowid = ?1", [rowid])?;
        }
        tx.execute("DELETE FROM sync_wanted WHERE id = ?1", [id.to_string()])?;
        tx.execute(
            "INSERT OR IGNORE INTO erased (id, purged_at) VALUES (?1, ?2)",
            params![id.to_string(), now.as_millis()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Read a setting of `meta`.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        self.store.meta(key)
    }

    /// Fill the notebook with `n` synthetic records from `seed`.
    pub fn fill_demo(&mut self, n: usize, seed: u64, progress: impl FnMut(usize)) -> Result<usize> {
        let members = vec![self.member()];
        let mut generator = DemoGenerator::new(seed, self.now(), members);
        let records = std::iter::from_fn(move || Some(generator.next_record())).take(n);
        self.insert_records(records, 500, progress)
    }
}

/// Comma-separated codes of the projection as a list.
fn split_codes(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}
