//! The commands the window calls. Each is thin: it turns one IPC call
//! into one call of the client API and maps errors to `{kind, message}`.
//! They are declared through the `commands!` macro, which also records their
//! TypeScript signatures, so the wrappers in `ui/src/bindings/carnet.ts`
//! are generated from this list and cannot drift from it.

use carnet_client::backup;
use carnet_client::notebook::{IncidentEntry, IncidentInput, RetentionReview};
use carnet_client::person_data::PersonExportFiles;
use carnet_client::store::keys;
use carnet_client::sync::background::SyncState;
use carnet_client::sync::{self, JoinOptions, SyncStatus};
use carnet_client::transfer::{self, ExportDone, ExportKind};
use carnet_client::views::{ConsentEffects, DirectoryImport};
use carnet_client::{qdpx, report};
use carnet_client::{
    Agreement, ConflictedPage, DirectoryFilter, Environment, InboxDetail, InboxFilter, InboxPage,
    NoteDetail, NoteFilter, NoteInput, NotePage, NotePatch, NoteSearch, Notebook, Page,
    PassageFilter, PassageInput, PassagePage, PersonDetail, PersonInput, PersonSummary,
    PlaceSummary, ReferralInput, ReferralSummary, ReferralThread, ResourceInput, ResourceSummary,
    ReviewCounts, Synthesis, ThemeUse, TimerAction,
};
use carnet_client::{Passphrase, Protection, Unlock};
use carnet_core::record::{Identity, Place, Resource, Retention, ShadowEntry, Theme, Workspace};
use carnet_core::sync::{DeviceInfo, Role};
use carnet_core::vocab::Lang;
use carnet_core::vocab::{
    ConsentMethod, ConsentPurpose, NeedCategory, PlaceKind, ReferralOutcome, ReferralStatus,
};
use carnet_core::{Day, DeviceId, ItemId, MemberId, RecordId};
use serde::Serialize;
use tauri::{AppHandle, Emitter, State};

use crate::bindings::{Collector, Signature};
use crate::error::{UiError, UiResult};
use crate::prefs::{self, Preferences};
use crate::state::AppState;
use crate::vocab::Vocabularies;
use carnet_core::ErrorKind;

/// Declares the commands, their handler and their TypeScript signatures.
macro_rules! commands {
    ($(
        $(#[doc = $doc:literal])*
        fn $name:ident($app:ident, $state:ident $(, $arg:ident: $ty:ty)*) -> $ret:ty $body:block
    )*) => {
        $(
            $(#[doc = $doc])*
            #[tauri::command(rename_all = "camelCase")]
            pub async fn $name(
                $app: AppHandle,
                $state: State<'_, AppState>
                $(, $arg: $ty)*
            ) -> UiResult<$ret> {
                let _ = &$app;
                $body
            }
        )*

        /// Every command's signature, collecting the types they mention.
        pub fn signatures(c: &mut Collector) -> Vec<Signature> {
            vec![$(Signature {
                name: stringify!($name),
                doc: concat!($($doc, "\n"),*),
                args: vec![$((stringify!($arg), c.name_of::<$ty>())),*],
                ret: c.name_of::<$ret>(),
            }),*]
        }

        /// The IPC handler of every command.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }
    };
}

/// What applying the retention review did.
#[derive(Debug, Clone, Copy, Serialize, ts_rs::TS)]
pub struct RetentionDone {
    /// Persons erased.
    pub persons: u32,
    /// Closed referrals removed.
    pub referrals: u32,
}

/// How far an export is (the `export-progress` event).
#[derive(Debug, Clone, Copy, Serialize, ts_rs::TS)]
pub struct ExportProgress {
    /// Notes or records written.
    pub done: u32,
    /// How many in all.
    pub total: u32,
}

/// A backup made from the app.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct BackupDone {
    /// The file written.
    pub path: String,
    /// What it holds.
    pub info: backup::BackupInfo,
    /// Older backups removed from the folder (beyond those kept).
    pub removed: u32,
}

/// Settings → Backups.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct BackupSettings {
    /// The folder backups go to.
    pub folder: String,
    /// Whether a backup passphrase is set (backups then restore on any
    /// computer with it).
    pub has_passphrase: bool,
    /// Whether the notebook's own key is sealed by a passphrase (its
    /// backups then restore anywhere with that passphrase).
    pub notebook_passphrase: bool,
    /// The backups in the folder, newest first.
    pub backups: Vec<backup::KeptBackup>,
}

/// Backups kept when the person has not chosen.
const BACKUP_KEEP: u32 = 7;

fn backup_folder(prefs: &Preferences) -> UiResult<std::path::PathBuf> {
    Ok(
        match prefs
            .backup_folder
            .as_deref()
            .filter(|f| !f.trim().is_empty())
        {
            Some(f) => std::path::PathBuf::from(f.trim()),
            None => transfer::exports_dir()?.join("Carnet backups"),
        },
    )
}

fn backup_settings_of(state: &AppState) -> UiResult<BackupSettings> {
    let folder = backup_folder(&prefs::load(&state.data_dir))?;
    Ok(BackupSettings {
        has_passphrase: keys::has_backup_passphrase(&state.data_dir),
        notebook_passphrase: keys::protection(&state.data_dir)? == Protection::Passphrase,
        backups: backup::kept(&folder)?,
        folder: folder.display().to_string(),
    })
}

/// Joining a team from the first-run screen.
#[derive(Debug, Clone, serde::Deserialize, ts_rs::TS)]
pub struct JoinRequest {
    /// The team server's address.
    pub server: String,
    /// The invitation code.
    pub code: String,
    /// This device's name on the team (empty: the server names it).
    pub device_name: String,
    /// The member's name (empty: the one the invitation names).
    pub member_name: String,
    /// The server's own certificate (PEM), when the person was given one
    /// to trust.
    pub ca_pem: Option<String>,
    /// The passphrase sealing the new notebook's key (none: the secret
    /// store keeps it).
    pub passphrase: Option<String>,
}

/// What the window needs to know at start.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct AppInfo {
    /// Whether there is a notebook open (else: the first-run screen, or
    /// the unlock screen when `locked`).
    pub has_notebook: bool,
    /// A notebook is there but locked: the unlock screen.
    pub locked: bool,
    /// How the notebook's key is kept (none before there is a notebook).
    pub protection: Option<Protection>,
    /// The member writing in this notebook.
    pub member_name: Option<String>,
    /// Their id (their own comments are theirs to edit).
    pub member_id: Option<MemberId>,
    /// The team (workspace) name.
    pub team: Option<String>,
    /// Whether the notebook is joined to a team server.
    pub joined: bool,
    /// This device's role on the team.
    pub role: Option<Role>,
    /// This device's id on the team server (so it is not offered for revocation).
    pub device_id: Option<DeviceId>,
    /// Whether this device may see persons and referrals (a personal
    /// notebook, a coordinator, or a worker invited with access to persons).
    pub persons: bool,
    /// Where the notebook lives.
    pub data_dir: String,
    /// The window's preferences.
    pub preferences: Preferences,
    /// A server address to propose on the first-run screen (set by the
    /// run command for its local demo server).
    pub suggested_server: Option<String>,
    /// An invitation code to propose on the first-run screen.
    pub suggested_code: Option<String>,
    /// The system's languages, most preferred first (`fr-CA`, `en`…),
    /// from the POSIX locale variables: the web view's own list does not
    /// follow the system on Linux.
    pub system_languages: Vec<String>,
}

/// The system's languages from `LANGUAGE`, `LC_ALL`, `LC_MESSAGES` and
/// `LANG`, as BCP 47 tags (`fr_CA.UTF-8` becomes `fr-CA`).
pub fn system_languages(var: impl Fn(&str) -> Option<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |raw: &str| {
        let base = raw.split(['.', '@']).next().unwrap_or("").trim();
        if base.is_empty() || base == "C" || base == "POSIX" {
            return;
        }
        let tag = base.replace('_', "-");
        if !out.contains(&tag) {
            out.push(tag);
        }
    };
    if let Some(list) = var("LANGUAGE") {
        list.split(':').for_each(&mut push);
    }
    for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        if let Some(v) = var(key) {
            push(&v);
        }
    }
    out
}

fn info(state: &AppState) -> UiResult<AppInfo> {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let env = &env;
    let mut out = AppInfo {
        has_notebook: state.has_notebook(),
        locked: state.locked(),
        protection: keys::protection(&state.data_dir).ok(),
        member_name: None,
        member_id: None,
        team: None,
        joined: false,
        role: None,
        device_id: None,
        persons: true,
        data_dir: state.data_dir.display().to_string(),
        preferences: prefs::load(&state.data_dir),
        suggested_server: env("CARNET_SUGGESTED_SERVER"),
        suggested_code: env("CARNET_SUGGESTED_CODE"),
        system_languages: system_languages(env),
    };
    if out.has_notebook {
        state.with(|nb| {
            out.member_name = Some(nb.member_name().to_string());
            out.member_id = Some(nb.member());
            out.team = Some(nb.workspace()?.name);
            let membership = nb.membership()?;
            out.joined = membership.is_some();
            out.role = membership.as_ref().map(|m| m.role);
            out.device_id = membership.as_ref().map(|m| m.device);
            out.persons = nb.access()?.persons;
            Ok(())
        })?;
    }
    Ok(out)
}

/// Start the background sync and forward its states to the window as
/// `sync-state` events.
pub fn start_sync(app: &AppHandle, state: &AppState) -> UiResult<()> {
    if let Some(mut watch) = state.start_sync()? {
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            while let Some(s) = watch.changed().await {
                if app.emit("sync-state", &s).is_err() {
                    break;
                }
            }
        });
    }
    Ok(())
}

fn new_notebook_here(state: &AppState) -> UiResult<()> {
    if state.has_notebook() || state.locked() {
        return Err(UiError::new(
            ErrorKind::AlreadyExists,
            "this device already has a notebook",
        ));
    }
    Ok(())
}

/// The environment a new notebook is made in: its key sealed by the
/// chosen passphrase, else kept by the secret store.
fn sealed_by(passphrase: Option<String>) -> UiResult<Environment> {
    Ok(Environment::unlocked_by(
        match passphrase.filter(|p| !p.is_empty()) {
            Some(p) => Unlock::Passphrase(Passphrase::choose(p)?),
            None => Unlock::SecretStore,
        },
    ))
}

/// How many demo records "explore with demo data" makes
/// (`CARNET_DEMO_RECORDS` overrides it, for the benchmarks).
/// Before an erasure with `reason` changes anything: the reason is given,
/// and in a team the server answers and this member may erase there (the
/// client to erase through); `None` in a personal notebook.
async fn erasing_client(
    state: &AppState,
    reason: &str,
    what: &str,
) -> UiResult<Option<sync::server::ServerClient>> {
    if reason.trim().is_empty() {
        return Err(carnet_client::ClientError::BadInput(format!(
            "say why {what} (the reason is kept, never the content)"
        ))
        .into());
    }
    if state.with(|nb| Ok(nb.membership()?.is_none()))? {
        return Ok(None);
    }
    let client = state.with(|nb| sync::engine::server_client(nb))?;
    // The coordinators' list: it answers only a reachable server and a
    // member who may erase.
    client.devices().await?;
    Ok(Some(client))
}

fn demo_records() -> usize {
    std::env::var("CARNET_DEMO_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000)
}

commands! {
    /// What the window needs at start.
    fn app_info(_app, state) -> AppInfo {
        info(&state)
    }

    /// Remember the window's preferences.
    fn set_preferences(_app, state, preferences: Preferences) -> () {
        prefs::save(&state.data_dir, &preferences)
    }

    /// Open the locked notebook: with its passphrase, or (none given)
    /// from the secret store.
    fn unlock(app, state, passphrase: Option<String>) -> AppInfo {
        if state.has_notebook() {
            return info(&state);
        }
        let unlock = match passphrase.filter(|p| !p.is_empty()) {
            Some(p) => Unlock::Passphrase(Passphrase::new(p)?),
            None => Unlock::SecretStore,
        };
        let nb = Notebook::open(&state.data_dir, Environment::unlocked_by(unlock))?;
        state.install(nb);
        start_sync(&app, &state)?;
        info(&state)
    }

    /// Lock: the notebook closes and its key leaves memory until unlocked
    /// (the window saves what was typed first).
    fn lock(_app, state) -> AppInfo {
        state.lock().await?;
        info(&state)
    }

    /// Where backups go, whether a backup passphrase is set, and the
    /// backups kept.
    fn backup_settings(_app, state) -> BackupSettings {
        backup_settings_of(&state)
    }

    /// Seal the backups made from now on by a passphrase, so that they
    /// restore on any computer (scheduled ones too: no one types it then).
    fn set_backup_passphrase(_app, state, passphrase: String) -> BackupSettings {
        let passphrase = Passphrase::choose(passphrase)?;
        state.with(|nb| keys::set_backup_passphrase(&state.data_dir, nb.unlocked_by(), &passphrase))?;
        backup_settings_of(&state)
    }

    /// Back up the notebook now into the backup folder, keeping the newest
    /// ones (`backup-progress` events say how far it is).
    fn backup_now(app, state) -> BackupDone {
        let mut prefs = prefs::load(&state.data_dir);
        let folder = backup_folder(&prefs)?;
        let (path, info) = state.with(|nb| {
            let path = backup::next_file(&folder, nb.now())?;
            let info = nb.backup(&path, None, |p| {
                let _ = app.emit("backup-progress", p);
            })?;
            Ok((path, info))
        })?;
        let removed = backup::prune(&folder, prefs.backup_keep.unwrap_or(BACKUP_KEEP) as usize)?;
        prefs.last_backup_at = Some(info.made_at);
        prefs::save(&state.data_dir, &prefs)?;
        Ok(BackupDone {
            path: path.display().to_string(),
            info,
            removed: removed as u32,
        })
    }

    /// What a backup file holds (checked whole), before restoring it.
    fn inspect_backup(_app, _state, path: String) -> backup::BackupInfo {
        Ok(backup::inspect(std::path::Path::new(path.trim()))?)
    }

    /// Restore a backup on a device without a notebook: `backup_passphrase`
    /// opens a backup sealed by one; the restored notebook's key is then
    /// sealed by `passphrase`, else kept by the secret store.
    fn restore_backup(app, state, path: String, backup_passphrase: Option<String>, passphrase: Option<String>) -> AppInfo {
        new_notebook_here(&state)?;
        let opens = match backup_passphrase.filter(|p| !p.is_empty()) {
            Some(p) => Unlock::Passphrase(Passphrase::new(p)?),
            None => Unlock::SecretStore,
        };
        let env = sealed_by(passphrase)?;
        backup::restore(std::path::Path::new(path.trim()), &state.data_dir, &opens, &env.unlock)?;
        let nb = Notebook::open(&state.data_dir, env)?;
        state.install(nb);
        start_sync(&app, &state)?;
        info(&state)
    }

    /// Keep the notebook's key another way: sealed by a new passphrase, or
    /// (none) in the secret store. `current` is the passphrase it has now,
    /// if it has one. The data is not re-encrypted.
    fn set_protection(_app, state, current: Option<String>, passphrase: Option<String>) -> AppInfo {
        let current = match current.filter(|p| !p.is_empty()) {
            Some(p) => Unlock::Passphrase(Passphrase::new(p)?),
            None => Unlock::SecretStore,
        };
        let new = sealed_by(passphrase)?.unlock;
        keys::change(&state.data_dir, &current, &new)?;
        info(&state)
    }

    /// Start a personal notebook (its key sealed by `passphrase`, else
    /// kept by the secret store).
    fn start_notebook(app, state, team: String, member: String, passphrase: Option<String>) -> AppInfo {
        new_notebook_here(&state)?;
        let nb = Notebook::create(&state.data_dir, &team, &member, sealed_by(passphrase)?)?;
        state.install(nb);
        start_sync(&app, &state)?;
        info(&state)
    }

    /// Start a personal notebook filled with synthetic demo records.
    fn start_demo(app, state, member: String, passphrase: Option<String>) -> AppInfo {
        new_notebook_here(&state)?;
        let mut nb = Notebook::create(
            &state.data_dir,
            "Équipe de démonstration",
            &member,
            sealed_by(passphrase)?,
        )?;
        nb.fill_demo(demo_records(), 7, |_| {})?;
        state.install(nb);
        start_sync(&app, &state)?;
        info(&state)
    }

    /// Join a team with an invitation code and pull the team's records.
    fn join_team(app, state, request: JoinRequest) -> AppInfo {
        new_notebook_here(&state)?;
        let JoinRequest { server, code, device_name, member_name, ca_pem, passphrase } = request;
        let ca_pem = ca_pem.filter(|p| !p.trim().is_empty());
        let req = JoinOptions {
            server: &server,
            code: &code,
            device_name: &device_name,
            member_name: &member_name,
            ca_pem: ca_pem.as_deref().map(str::as_bytes),
        };
        // Each round's progress goes to the window (the first sync of a
        // big team takes a while): records and bytes so far, and what is left.
        let (nb, _) = sync::join(&state.data_dir, req, sealed_by(passphrase)?, |p| {
            let _ = app.emit("join-progress", p);
        })
        .await?;
        state.install(nb);
        start_sync(&app, &state)?;
        info(&state)
    }

    /// Every closed vocabulary, with codes and French and English labels.
    fn vocabularies(_app, _state) -> Vocabularies {
        Ok(Vocabularies::all())
    }

    /// The team's workspace: name, codebook of themes, members.
    fn workspace(_app, state) -> Workspace {
        state.with(|nb| nb.workspace())
    }

    /// The places of the territory.
    fn places(_app, state) -> Vec<PlaceSummary> {
        state.with(|nb| nb.list_places())
    }

    /// The places typed into notes that are not places of the territory.
    fn typed_places(_app, state) -> Vec<String> {
        state.with(|nb| nb.typed_places())
    }

    /// A page of the journal, newest first.
    fn list_notes(_app, state, filter: NoteFilter, page: Page) -> NotePage {
        state.with(|nb| nb.list_notes(&filter, page))
    }

    /// Search the journal within its filters: the count and the best matches.
    fn search_notes(_app, state, query: String, filter: NoteFilter, limit: u32) -> NoteSearch {
        state.with(|nb| nb.search_notes(&query, &filter, limit))
    }

    /// Create a note; returns its id.
    fn create_note(_app, state, input: NoteInput) -> RecordId {
        state.edit(|nb| nb.create_note(input))
    }

    /// A note with its history and concurrent values.
    fn note(_app, state, id: RecordId) -> NoteDetail {
        state.with(|nb| nb.note_detail(id))
    }

    /// Change a note's fields.
    fn update_note(_app, state, id: RecordId, patch: NotePatch) -> () {
        state.edit(|nb| nb.update_note(id, patch))
    }

    /// Replace a note's body (saved as a character diff, so it merges).
    fn set_body(_app, state, id: RecordId, body: String) -> () {
        state.edit(|nb| nb.set_body(id, &body))
    }

    /// Add a timestamped entry to a shadowing log, with where it was seen.
    fn add_shadow_entry(_app, state, id: RecordId, text: String, place: Option<String>) -> ItemId {
        state.edit(|nb| nb.add_shadow_entry(id, &text, place.as_deref()))
    }

    /// Start, pause or finish a shadowing timer.
    fn shadow_timer(_app, state, id: RecordId, action: TimerAction) -> () {
        state.edit(|nb| nb.shadow_timer(id, action))
    }

    /// Change a shadowing entry's text and place.
    fn update_shadow_entry(_app, state, id: RecordId, item: ItemId, text: String, place: Option<String>) -> () {
        state.edit(|nb| nb.update_shadow_entry(id, item, &text, place.as_deref()))
    }

    /// Remove a shadowing entry; returns it, for undo.
    fn remove_shadow_entry(_app, state, id: RecordId, item: ItemId) -> ShadowEntry {
        state.edit(|nb| nb.remove_shadow_entry(id, item))
    }

    /// Put back a removed shadowing entry (undo).
    fn restore_shadow_entry(_app, state, id: RecordId, entry: ShadowEntry) -> () {
        state.edit(|nb| nb.restore_shadow_entry(id, entry))
    }

    /// Add a story told in a workshop, with who told it (described anonymously).
    fn add_story(_app, state, id: RecordId, text: String, told_by: Option<String>) -> ItemId {
        state.edit(|nb| nb.add_story(id, &text, told_by.as_deref().filter(|t| !t.trim().is_empty())))
    }

    /// Add an issue raised in a workshop.
    fn add_issue(_app, state, id: RecordId, text: String) -> ItemId {
        state.edit(|nb| nb.add_issue(id, &text))
    }

    /// Add a leader identified in a workshop.
    fn add_leader(_app, state, id: RecordId, text: String) -> ItemId {
        state.edit(|nb| nb.add_leader(id, &text))
    }

    /// Comment on a note, in answer to one of its comments when
    /// `reply_to` is given (`@name` mentions a member).
    fn add_comment(_app, state, id: RecordId, text: String, reply_to: Option<ItemId>) -> ItemId {
        state.edit(|nb| nb.reply(id, reply_to, &text))
    }

    /// Send a note back to its author: "needs changes", with a comment
    /// saying what.
    fn request_changes(_app, state, id: RecordId, what: String) -> ItemId {
        state.edit(|nb| nb.request_changes(id, &what))
    }

    /// Change the words of one's own comment.
    fn edit_comment(_app, state, id: RecordId, comment: ItemId, text: String) -> () {
        state.edit(|nb| nb.edit_comment(id, comment, &text))
    }

    /// Delete one's own comment (its replies stay).
    fn delete_comment(_app, state, id: RecordId, comment: ItemId) -> () {
        state.edit(|nb| nb.delete_comment(id, comment))
    }

    /// A page of the inbox: what other members changed since this member
    /// last looked.
    fn inbox(_app, state, filter: InboxFilter, limit: u32, offset: u32) -> InboxPage {
        state.with(|nb| nb.inbox(&filter, limit, offset))
    }

    /// One record of the inbox: its changed texts word by word and its
    /// other fields before → after.
    fn inbox_item(_app, state, id: RecordId) -> InboxDetail {
        state.with(|nb| nb.inbox_item(id))
    }

    /// Mark records of the inbox seen (none given: all of them).
    fn mark_seen(_app, state, ids: Option<Vec<RecordId>>) -> u32 {
        state.with(|nb| nb.mark_seen(ids.as_deref()).map(|n| n as u32))
    }

    /// Mark records of the inbox not seen, to come back to them.
    fn mark_unseen(_app, state, ids: Vec<RecordId>) -> u32 {
        state.with(|nb| nb.mark_unseen(&ids).map(|n| n as u32))
    }

    /// A page of the records of every kind holding concurrent values.
    fn conflicted(_app, state, limit: u32, offset: u32) -> ConflictedPage {
        state.with(|nb| nb.conflicted(limit.min(200), offset))
    }

    /// What waits for review here (the navigation's badge).
    fn review_counts(_app, state) -> ReviewCounts {
        state.with(|nb| nb.review_counts())
    }

    /// Settle a field's concurrent values by choosing one.
    fn settle_conflict(_app, state, id: RecordId, path: String, choice: u32) -> () {
        state.edit(|nb| nb.settle_conflict(id, &path, choice as usize))
    }

    /// Settle a concurrent value of a person's page: their record's, or
    /// one of their referrals' (`referrals.N.…`, as the page lists them).
    fn settle_person_conflict(_app, state, person: RecordId, path: String, choice: u32) -> () {
        state.edit(|nb| nb.settle_person_conflict(person, &path, choice as usize))
    }

    /// The persons this device holds.
    fn persons(_app, state) -> Vec<PersonSummary> {
        state.with(|nb| nb.list_persons())
    }

    /// A person with consents, needs, referrals and their history.
    fn person(_app, state, id: RecordId) -> PersonDetail {
        state.with(|nb| nb.person_detail(id))
    }

    /// Add a person (a pseudonym; identifying details only with consent).
    fn create_person(_app, state, input: PersonInput) -> RecordId {
        state.edit(|nb| nb.create_person(input))
    }

    /// Record a person's consent for a purpose, or its withdrawal.
    fn record_consent(_app, state, person: RecordId, purpose: ConsentPurpose, given: bool, how: ConsentMethod) -> ConsentEffects {
        state.edit(|nb| nb.record_consent(person, purpose, given, how))
    }

    /// Set a person's identifying details (only with their consent).
    fn set_identity(_app, state, person: RecordId, identity: Identity) -> () {
        state.edit(|nb| nb.set_identity(person, identity))
    }

    /// Set the needs identified for a person.
    fn set_person_needs(_app, state, person: RecordId, needs: Vec<NeedCategory>) -> () {
        state.edit(|nb| nb.set_person_needs(person, needs))
    }

    /// Set the languages a person speaks (ISO 639 codes).
    fn set_person_languages(_app, state, person: RecordId, languages: Vec<String>) -> () {
        state.edit(|nb| nb.set_person_languages(person, languages))
    }

    /// Refer a person to a service.
    fn add_referral(_app, state, person: RecordId, input: ReferralInput) -> ItemId {
        state.edit(|nb| nb.add_referral(person, input))
    }

    /// Move a referral to a new status, with an optional note (kept in its history).
    fn set_referral_status(_app, state, referral: ItemId, status: ReferralStatus, note: Option<String>) -> () {
        state.edit(|nb| nb.set_referral_status(referral, status, note.as_deref()))
    }

    /// The person a referral is made for (to open their page).
    fn referral_person(_app, state, referral: ItemId) -> RecordId {
        state.with(|nb| nb.person_of_referral(referral))
    }

    /// The organisation's answer: accepted, or declined with the reason.
    fn answer_referral(_app, state, referral: ItemId, accepted: bool, reason: Option<String>) -> ReferralStatus {
        state.edit(|nb| nb.answer_referral(referral, accepted, reason.as_deref()))
    }

    /// Close a referral with how it ended for the person, and a note; its
    /// status follows from the outcome.
    fn close_referral(_app, state, referral: ItemId, outcome: ReferralOutcome, note: Option<String>) -> ReferralStatus {
        state.edit(|nb| nb.close_referral(referral, outcome, note.as_deref()))
    }

    /// Say how a referral ended (empty clears it).
    fn set_referral_outcome(_app, state, referral: ItemId, outcome: Option<String>) -> () {
        state.edit(|nb| nb.set_referral_outcome(referral, outcome.as_deref()))
    }

    /// Plan a follow-up of a referral.
    fn add_referral_follow_up(_app, state, referral: ItemId, due: Day, note: Option<String>) -> ItemId {
        state.edit(|nb| nb.add_referral_follow_up(referral, due, note.as_deref().filter(|n| !n.trim().is_empty())))
    }

    /// Mark a referral's follow-up done, or not done again.
    fn set_follow_up_done(_app, state, referral: ItemId, follow_up: ItemId, done: bool) -> () {
        state.edit(|nb| nb.set_follow_up_done(referral, follow_up, done))
    }

    /// A partner's inbox: the referrals addressed to its organisation.
    fn addressed_referrals(_app, state) -> Vec<ReferralThread> {
        state.with(|nb| nb.addressed_referrals())
    }

    /// A referral's steps and messages, named (a referral record).
    fn referral_thread(_app, state, referral: ItemId) -> ReferralThread {
        state.with(|nb| nb.referral_thread(referral))
    }

    /// Write to a referral's thread.
    fn post_referral_message(_app, state, referral: ItemId, text: String) -> ItemId {
        state.edit(|nb| nb.post_referral_message(referral, &text))
    }

    /// Referrals, newest first, optionally in one status only.
    fn referrals(_app, state, status: Option<ReferralStatus>) -> Vec<ReferralSummary> {
        state.with(|nb| nb.list_referrals(status))
    }

    /// The directory, filtered by need category and service language.
    fn resources(_app, state, need: Option<NeedCategory>, language: Option<String>) -> Vec<ResourceSummary> {
        state.with(|nb| nb.list_resources(need, language.as_deref()))
    }

    /// An organisation of the directory with its services.
    fn resource(_app, state, id: RecordId) -> Resource {
        state.with(|nb| nb.resource(id))
    }

    /// The directory's list: by need, language, sector and words, the
    /// organisations not verified for some months, retired ones or not.
    fn directory(_app, state, filter: DirectoryFilter) -> Vec<ResourceSummary> {
        state.with(|nb| nb.directory(&filter))
    }

    /// An organisation's form as it stands, to edit it.
    fn resource_form(_app, state, id: RecordId) -> ResourceInput {
        state.with(|nb| Ok(ResourceInput::from(&nb.resource(id)?)))
    }

    /// Add an organisation (no `id`) or save its edited form.
    fn save_resource(_app, state, id: Option<RecordId>, form: ResourceInput) -> RecordId {
        state.edit(|nb| nb.save_resource(id, form))
    }

    /// Say an organisation's information was checked today, by this member.
    fn verify_resource(_app, state, id: RecordId) -> () {
        state.edit(|nb| nb.verify_resource(id))
    }

    /// Retire an organisation (no longer offered), or bring it back.
    fn retire_resource(_app, state, id: RecordId, retired: bool) -> () {
        state.edit(|nb| nb.retire_resource(id, retired))
    }

    /// Import an Open Referral HSDS datapackage (a folder or a zip).
    fn import_directory(_app, state, path: String) -> DirectoryImport {
        state.edit(|nb| nb.import_hsds(std::path::Path::new(path.trim())))
    }

    /// Export the directory as an HSDS datapackage: a new folder in the
    /// exports folder, whose path is returned.
    fn export_directory(_app, state) -> String {
        state.edit(|nb| {
            let dir = transfer::export_folder("directory-hsds", nb.now())?;
            nb.export_hsds(&dir)?;
            Ok(dir.display().to_string())
        })
    }

    /// Add a place of the territory.
    fn create_place(_app, state, name: String, kind: PlaceKind, sector: Option<String>, address: Option<String>) -> RecordId {
        state.edit(|nb| {
            nb.create_place(Place { name, place_kind: kind, sector, address, notes: Default::default() })
        })
    }

    /// Add a theme to the codebook, or change one (labels, colour,
    /// parent, definitions).
    fn save_theme(_app, state, theme: Theme) -> () {
        state.edit(|nb| nb.save_theme(theme))
    }

    /// Archive a theme (kept for what uses it, no longer offered), or
    /// bring it back.
    fn archive_theme(_app, state, code: String, archived: bool) -> () {
        state.edit(|nb| nb.archive_theme(&code, archived))
    }

    /// Merge a theme into another: every tag and coding moves, one change
    /// per note. Returns how many notes changed.
    fn merge_theme(_app, state, from: String, into: String) -> u32 {
        state.edit(|nb| nb.merge_theme(&from, &into).map(|n| n as u32))
    }

    /// How many notes and coded passages each theme has.
    fn theme_uses(_app, state) -> Vec<ThemeUse> {
        state.with(|nb| nb.theme_uses())
    }

    /// Code a passage of a note with themes; returns the new codings.
    fn code_passage(_app, state, id: RecordId, passage: PassageInput, themes: Vec<String>) -> Vec<ItemId> {
        state.edit(|nb| nb.code_passage(id, &passage, &themes))
    }

    /// Remove one of my codings from a note.
    fn remove_coding(_app, state, id: RecordId, coding: ItemId) -> () {
        state.edit(|nb| nb.remove_coding(id, coding))
    }

    /// A page of coded passages across the team.
    fn passages(_app, state, filter: PassageFilter, page: Page) -> PassagePage {
        state.with(|nb| nb.passages(&filter, page))
    }

    /// How far two coders agree, per theme, over the notes both coded.
    fn agreement(_app, state, first: MemberId, second: MemberId) -> Agreement {
        state.with(|nb| nb.agreement(first, second))
    }

    /// Every aggregate of the team's synthesis for the notes a filter keeps.
    fn synthesis(_app, state, filter: NoteFilter) -> Synthesis {
        state.with(|nb| nb.synthesis(&filter))
    }

    /// Export the notes a journal filter keeps (CSV, JSON, a REFI-QDA
    /// project or the printable synthesis, in `lang`) into the exports
    /// folder; progress comes as `export-progress` events, and
    /// `cancel_export` stops it.
    fn export_notes(app, state, kind: ExportKind, filter: NoteFilter, lang: String) -> ExportDone {
        state.start_long_work();
        let state = &*state;
        let progress = |done: usize, total: usize| {
            let _ = app.emit("export-progress", ExportProgress { done: done as u32, total: total as u32 });
            !state.cancelled()
        };
        state.with(|nb| {
            let path = transfer::export_path("notes", kind, nb.now())?;
            let lang = if lang == "en" { Lang::En } else { Lang::Fr };
            let count = match kind {
                ExportKind::Qdpx => qdpx::export_qdpx(nb, &filter, lang, &path, progress)?.notes as usize,
                ExportKind::Pdf => report::report_pdf(nb, &filter, lang, None, &path)?.notes as usize,
                _ => transfer::export(nb, kind.table_format(), Some(&filter), &path, progress)?,
            };
            Ok(ExportDone { path: path.display().to_string(), count: count as u32 })
        })
    }

    /// Export every passage a filter keeps, as CSV or JSON, into the
    /// exports folder.
    fn export_passages(_app, state, kind: ExportKind, filter: PassageFilter) -> ExportDone {
        state.with(|nb| {
            let path = transfer::export_path("passages", kind, nb.now())?;
            let (columns, rows) = transfer::passage_table(nb, &filter)?;
            let count = transfer::write_table(&path, kind.table_format(), &columns, &rows)?;
            Ok(ExportDone { path: path.display().to_string(), count: count as u32 })
        })
    }

    /// Save a table the window shows (a chart's) as CSV or JSON in the
    /// exports folder.
    fn export_table(_app, state, name: String, kind: ExportKind, columns: Vec<String>, rows: Vec<Vec<String>>) -> ExportDone {
        state.with(|nb| {
            let path = transfer::export_path(&name, kind, nb.now())?;
            let count = transfer::write_table(&path, kind.table_format(), &columns, &rows)?;
            Ok(ExportDone { path: path.display().to_string(), count: count as u32 })
        })
    }

    /// Stop the export under way (nothing of it is left behind).
    fn cancel_export(_app, state) -> () {
        state.cancel_long_work();
        Ok(())
    }

    /// The team's devices (coordinators).
    fn devices(_app, state) -> Vec<DeviceInfo> {
        let client = state.with(|nb| sync::engine::server_client(nb))?;
        Ok(client.devices().await?)
    }

    /// Create an invitation code for a role (coordinators); `expires_hours`
    /// defaults to the server's; a partner's names its organisation.
    fn invite(_app, state, role: Role, persons: bool, organisation: Option<RecordId>, expires_hours: Option<u32>) -> String {
        let client = state.with(|nb| sync::engine::server_client(nb))?;
        Ok(client.invite(role, persons, organisation, expires_hours.map(i64::from)).await?)
    }

    /// Revoke a device (coordinators): it can no longer sync; its own notes stay on it.
    fn revoke(_app, state, device: DeviceId) -> () {
        let client = state.with(|nb| sync::engine::server_client(nb))?;
        Ok(client.revoke(device).await?)
    }

    /// Delete a record of a personal notebook for good, with the reason
    /// (kept with its id and kind, never its content).
    fn delete_record(_app, state, id: RecordId, reason: String) -> () {
        state.with(|nb| {
            for r in nb.erasure_set(id)? {
                nb.delete_record(r, &reason)?;
            }
            Ok(())
        })
    }

    /// Erase a record on every device (coordinators), with the reason kept
    /// in its tombstone; this device purges it at the sync that follows.
    fn erase(_app, state, id: RecordId, reason: String) -> () {
        let (client, ids) = state.with(|nb| Ok((sync::engine::server_client(nb)?, nb.erasure_set(id)?)))?;
        for r in ids {
            client.erase(r, &reason).await?;
        }
        state.sync_now();
        Ok(())
    }

    /// Everything held about a person, for them: JSON and a PDF in their
    /// language (or `lang`), in the exports folder; recorded in their file.
    fn export_person(_app, state, person: RecordId, lang: Option<String>) -> PersonExportFiles {
        let lang = lang.map(|l| if l == "en" { Lang::En } else { Lang::Fr });
        let dir = transfer::exports_dir()?;
        state.edit(|nb| nb.export_person(person, lang, &dir))
    }

    /// Rewrite a person's record without its history (what it no longer
    /// holds, such as a withdrawn name, goes from every device): a new
    /// record takes its place and its notes; the old one is erased with
    /// `reason`, through the server in a team (coordinators, online).
    fn rewrite_person(_app, state, person: RecordId, reason: String) -> RecordId {
        let Some(client) = erasing_client(&state, &reason, "the record's history is removed").await? else {
            return state.edit(|nb| {
                let new = nb.rewrite_person(person)?;
                for id in nb.erasure_set(person)? {
                    nb.delete_record(id, &reason)?;
                }
                Ok(new)
            });
        };
        // The old file goes with its referral records (copied, too).
        let new = state.edit(|nb| nb.rewrite_person(person))?;
        for id in state.with(|nb| nb.erasure_set(person))? {
            client.erase(id, &reason).await?;
        }
        state.sync_now();
        Ok(new)
    }

    /// The register of confidentiality incidents (coordinators).
    fn incidents(_app, state) -> Vec<IncidentEntry> {
        state.with(|nb| nb.incidents())
    }

    /// Record a confidentiality incident (coordinators).
    fn create_incident(_app, state, input: IncidentInput) -> RecordId {
        state.edit(|nb| nb.create_incident(input))
    }

    /// Change an incident's entry (coordinators).
    fn update_incident(_app, state, id: RecordId, input: IncidentInput) -> () {
        state.edit(|nb| nb.update_incident(id, input))
    }

    /// Write the register as CSV or PDF in the exports folder, in `lang`.
    fn export_register(_app, state, kind: ExportKind, lang: String) -> ExportDone {
        let lang = if lang == "en" { Lang::En } else { Lang::Fr };
        state.with(|nb| {
            let path = transfer::export_path("incidents", kind, nb.now())?;
            let count = match kind {
                ExportKind::Pdf => nb.register_pdf(&path, lang)?,
                _ => nb.register_csv(&path, lang)? as u32,
            };
            Ok(ExportDone { path: path.display().to_string(), count })
        })
    }

    /// What the team's retention policy says should now be erased.
    fn retention_review(_app, state) -> RetentionReview {
        state.with(|nb| nb.retention_review())
    }

    /// Set the team's retention policy (coordinators).
    fn set_retention(_app, state, policy: Retention) -> () {
        state.edit(|nb| nb.set_retention(policy))
    }

    /// Erase the persons and remove the closed referrals the review
    /// designated, with one reason: on every device through the server in
    /// a team (coordinators, online), for good in a personal notebook; the
    /// files that lost referrals are rewritten without their history.
    fn apply_retention(_app, state, persons: Vec<RecordId>, referrals: Vec<ItemId>, reason: String) -> RetentionDone {
        let client = erasing_client(&state, &reason, "these records are erased").await?;
        let done = state.edit(|nb| nb.remove_referrals(&referrals))?;
        // Persons go with their referral records; the files that lost
        // referrals are rewritten without their history, so the referrals
        // are gone from it too; referral records are erased.
        let mut erase: Vec<RecordId> = Vec::new();
        for p in &persons {
            erase.extend(state.with(|nb| nb.erasure_set(*p))?);
        }
        for old in done.persons.into_iter().filter(|p| !persons.contains(p)) {
            state.edit(|nb| nb.rewrite_person(old))?;
            for id in state.with(|nb| nb.erasure_set(old))? {
                if !erase.contains(&id) {
                    erase.push(id);
                }
            }
        }
        let removed = done.removed + done.records.len() as u32;
        for r in done.records {
            if !erase.contains(&r) {
                erase.push(r);
            }
        }
        match client {
            Some(client) => {
                for id in &erase {
                    client.erase(*id, &reason).await?;
                }
                state.sync_now();
            }
            None => {
                for id in &erase {
                    state.with(|nb| nb.delete_record(*id, &reason))?;
                }
            }
        }
        Ok(RetentionDone { persons: persons.len() as u32, referrals: removed })
    }

    /// The sync indicator's state.
    fn sync_state(_app, state) -> SyncState {
        Ok(state.sync_state())
    }

    /// Records waiting, rejected records with reasons, last sync.
    fn sync_status(_app, state) -> SyncStatus {
        state.with(|nb| sync::status(nb))
    }

    /// Sync now, in the background.
    fn sync_now(_app, state) -> () {
        state.sync_now();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::system_languages;

    fn vars<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn system_languages_follow_the_posix_order_as_bcp47_tags() {
        let langs = system_languages(vars(&[
            ("LANG", "en_US.UTF-8"),
            ("LANGUAGE", "fr_CA:fr"),
            ("LC_ALL", "fr_CA.UTF-8@euro"),
        ]));
        assert_eq!(langs, ["fr-CA", "fr", "en-US"]);
    }

    #[test]
    fn the_c_locale_says_nothing() {
        assert!(system_languages(vars(&[("LANG", "C.UTF-8"), ("LC_ALL", "POSIX")])).is_empty());
    }
}
