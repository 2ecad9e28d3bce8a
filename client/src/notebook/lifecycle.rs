//! Creating a notebook for a new team, creating one for a device that
//! joined a team, and opening an existing one.

use std::path::Path;

use carnet_core::record::Workspace;
use carnet_core::vocab::Language;
use carnet_core::{Actor, Codebook, MemberId, Record, RecordDoc, RecordId};

use super::{session_bytes, DocCache, Environment, Notebook};
use crate::error::{ClientError, Result};
use crate::projection;
use crate::queries::records;
use crate::store::{write, Identity, Membership, Store};

impl Notebook {
    /// Create a notebook in `dir` for a new team, with the starter
    /// workspace ([`Workspace::starter`]): a small codebook the team edits,
    /// no sectors.
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
        let identity = Identity {
            member: MemberId::generate(env.ids.as_ref(), now),
            member_name: member_name.trim().to_string(),
            workspace_id: RecordId::generate(env.ids.as_ref(), now),
        };
        let mut workspace = Workspace::starter(team, Language::French);
        workspace.add_member(identity.member, &identity.member_name);
        let codebook = Codebook::of(&workspace);
        let record = Record::Workspace(workspace);
        let mut store = Store::create(dir, &env.unlock)?;
        let actor = Actor::new(identity.member, session_bytes(env.ids.as_ref(), now));
        let mut doc = RecordDoc::create(identity.workspace_id, &record, &codebook, &actor, now)?;
        let tx = store.transaction()?;
        let rowid = write::insert(&tx, &mut doc, now)?;
        projection::project(&tx, rowid, &record)?;
        tx.set_identity(&identity)?;
        tx.commit()?;
        let mut nb = Self::assemble(store, dir, env, identity, codebook);
        nb.cache.put(nb.workspace_id(), rowid, doc);
        Ok(nb)
    }

    /// Create an empty notebook in `dir` for a device that joined a team
    /// as `identity`: the workspace and the team's records arrive with the
    /// first sync.
    pub fn create_joined(
        dir: &Path,
        identity: Identity,
        membership: &Membership,
        env: Environment,
    ) -> Result<Self> {
        let mut store = Store::create(dir, &env.unlock)?;
        let tx = store.transaction()?;
        tx.set_identity(&identity)?;
        tx.set_membership(membership)?;
        tx.commit()?;
        Ok(Self::assemble(store, dir, env, identity, Codebook::any()))
    }

    /// Open the notebook in `dir`.
    pub fn open(dir: &Path, env: Environment) -> Result<Self> {
        let store = Store::open(dir, &env.unlock)?;
        let identity = store.identity()?;
        let stale = store.projection_stale();
        let mut nb = Self::assemble(store, dir, env, identity, Codebook::any());
        if stale {
            nb.rebuild_projection()?;
        }
        nb.codebook = nb.load_codebook()?;
        if !nb.store.is_joined()? && crate::queries::persons::holds_referrals(nb.store.conn())? {
            // One transaction: a notebook of thousands of referrals moves
            // in seconds, and a crash leaves it as it was.
            nb.batch(|nb| nb.migrate_held_referrals())?;
        }
        Ok(nb)
    }

    fn assemble(
        store: Store,
        dir: &Path,
        env: Environment,
        identity: Identity,
        codebook: Codebook,
    ) -> Self {
        // A session of its own for each opening: two processes writing as
        // the same member never make changes with the same actor.
        let actor = Actor::new(
            identity.member,
            session_bytes(env.ids.as_ref(), env.clock.now()),
        );
        Self {
            store,
            dir: dir.to_path_buf(),
            env,
            actor,
            member_name: identity.member_name,
            workspace_id: identity.workspace_id,
            codebook,
            cache: DocCache::default(),
            held_waiting: Vec::new(),
        }
    }

    pub(super) fn load_codebook(&self) -> Result<Codebook> {
        let codes = records::theme_codes(self.store.conn())?;
        if codes.is_empty() {
            // A joined device before its first sync: the workspace (and its
            // codebook) has not arrived yet.
            return Ok(Codebook::any());
        }
        Ok(Codebook::of_codes(codes))
    }
}
