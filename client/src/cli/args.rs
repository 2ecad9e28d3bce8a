//! The command line's arguments and subcommands (clap), with their help
//! texts.

use std::path::PathBuf;

use carnet_core::sync::Role;
use carnet_core::vocab::{
    AgeGroup, CodedField, ConsentMethod, ConsentPurpose, Method, NeedCategory, ReferralOutcome,
    ReferralStatus, ReviewStatus,
};
use carnet_core::{Day, MemberId, RecordId, Timestamp};
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "carnet",
    version,
    about = "Carnet: the field notebook of outreach teams"
)]
pub(crate) struct Cli {
    /// Where the notebook lives (default: $CARNET_DATA_DIR, else the platform's data directory).
    #[arg(long, global = true, env = "CARNET_DATA_DIR")]
    pub(crate) data_dir: Option<PathBuf>,
    /// A file whose first line is the notebook's passphrase (for scripts,
    /// $CARNET_PASSPHRASE also works). Without either, the desktop's
    /// secret store keeps the notebook's key.
    #[arg(long, global = true, value_name = "FILE")]
    pub(crate) passphrase_file: Option<PathBuf>,
    #[command(subcommand)]
    pub(crate) command: Command,
}

fn parse_field(s: &str) -> Result<CodedField, String> {
    s.parse()
        .map_err(|e: carnet_core::vocab::UnknownCode| e.to_string())
}

/// The notebook's key.
#[derive(Subcommand)]
pub(crate) enum KeyCommand {
    /// Seal the key with a new passphrase (read from FILE's first line,
    /// or $CARNET_NEW_PASSPHRASE).
    Passphrase {
        #[arg(long, value_name = "FILE")]
        new_passphrase_file: Option<PathBuf>,
    },
    /// Keep the key in the desktop's secret store (no passphrase to type).
    SecretStore,
}

/// The codebook's themes.
#[derive(Subcommand)]
pub(crate) enum ThemeCommand {
    /// Every theme, with its notes and coded passages.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Merge a theme into another: every tag and coding moves.
    Merge {
        /// The theme that goes.
        from: String,
        /// The theme that stays.
        into: String,
    },
    /// Archive a theme: kept for what uses it, no longer offered.
    Archive {
        /// The theme's code.
        code: String,
    },
    /// Bring an archived theme back.
    Restore {
        /// The theme's code.
        code: String,
    },
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Create a notebook for a team.
    Init {
        /// The team's name.
        #[arg(long)]
        team: String,
        /// Your name, as the team knows you.
        #[arg(long)]
        member: String,
    },
    /// Capture and edit notes.
    #[command(subcommand)]
    Note(NoteCommand),
    /// What other members changed since you last looked, grouped by
    /// record, naming each author; `inbox seen` marks records seen.
    Inbox {
        #[command(subcommand)]
        action: Option<InboxCommand>,
        /// Also the records already seen.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Code the first occurrence of a passage of a note with themes of
    /// the codebook.
    Code {
        /// The note's id.
        note: String,
        /// Which text: body, story, shadowing or comment.
        #[arg(long, default_value = "body", value_parser = parse_field)]
        field: CodedField,
        /// The story, shadowing entry or comment's id (not for the body).
        #[arg(long)]
        item: Option<String>,
        /// The passage's exact words.
        #[arg(long)]
        text: String,
        /// A theme's code (repeat for several).
        #[arg(long = "theme", required = true)]
        themes: Vec<String>,
    },
    /// Remove one of your codings from a note.
    Uncode {
        /// The note's id.
        note: String,
        /// The coding's id (see `carnet passages` or `carnet show`).
        coding: String,
    },
    /// Every passage coded with a theme across the team.
    Passages {
        /// The theme's code (every theme without it).
        #[arg(long)]
        theme: Option<String>,
        /// Count its sub-themes as the theme.
        #[arg(long)]
        with_sub_themes: bool,
        /// Only this coder's passages (member id).
        #[arg(long)]
        coder: Option<MemberId>,
        /// At most this many.
        #[arg(long, default_value_t = 100)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// How far two coders agree, per theme, over the notes both coded
    /// (percentage agreement and Cohen's kappa over coded characters).
    Agreement {
        /// The first coder's member id.
        first: MemberId,
        /// The second coder's member id.
        second: MemberId,
        #[arg(long)]
        json: bool,
    },
    /// The team's codebook: merge, archive or restore a theme.
    #[command(subcommand)]
    Theme(ThemeCommand),
    /// Show any record.
    Show {
        /// The record's id.
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Who changed what in a record, and when.
    History {
        /// The record's id.
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Fields that two people set differently offline: of one record, or,
    /// without an id, every record that has some.
    Conflicts {
        /// The record's id.
        id: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Search everything written, accents and case ignored.
    Search {
        /// Words to find.
        query: String,
        /// At most this many results.
        #[arg(long, default_value_t = 20)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// Persons the team follows.
    #[command(subcommand)]
    Person(PersonCommand),
    /// Referrals to services (social prescription).
    #[command(subcommand)]
    Referral(ReferralCommand),
    /// The directory's organisations, their services and locations.
    #[command(subcommand)]
    Resource(ResourceCommand),
    /// The whole directory, in and out (Open Referral HSDS).
    #[command(subcommand)]
    Directory(DirectoryCommand),
    /// The register of confidentiality incidents (coordinators).
    #[command(subcommand)]
    Incident(IncidentCommand),
    /// The team's retention policy and what it designates now.
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// Import notes from JSON Lines or CSV (a path, or - for standard input).
    Import {
        #[arg(long, value_enum)]
        format: ImportFmt,
        /// The file, or - for standard input.
        file: String,
    },
    /// Export every record (json) or the notes (csv).
    Export {
        #[arg(long, value_enum)]
        format: ExportFmt,
        /// Where to write.
        #[arg(long)]
        out: PathBuf,
        /// The report's themes (pdf; repeat; default: the five with the most passages).
        #[arg(long = "report-theme")]
        report_themes: Vec<String>,
        /// The language of labels (qdpx: theme names, descriptions; pdf: the report).
        #[arg(long, value_enum, default_value = "fr")]
        lang: LangArg,
        /// Only notes of this method (any filter: only the notes it keeps).
        #[arg(long)]
        method: Option<Method>,
        /// Only notes with this theme.
        #[arg(long)]
        theme: Option<String>,
        /// Only notes of this sector.
        #[arg(long)]
        sector: Option<String>,
        /// Only notes by this member (id).
        #[arg(long)]
        author: Option<MemberId>,
        /// Only notes from this day (YYYY-MM-DD).
        #[arg(long)]
        from: Option<Day>,
        /// Only notes up to this day, included.
        #[arg(long)]
        to: Option<Day>,
    },
    /// Fill the notebook with synthetic French and English records.
    Demo {
        /// How many records.
        #[arg(long)]
        records: usize,
        /// Seed of the generator (same seed, same records).
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Join a team with an invitation code, into an empty data directory.
    Join {
        /// The team server, e.g. https://carnet.example.org
        #[arg(long)]
        server: String,
        /// The invitation code from your coordinator.
        #[arg(long)]
        code: String,
        /// A name for this device.
        #[arg(long)]
        device_name: Option<String>,
        /// Your name, as the team knows you (when the code was not made for you).
        #[arg(long)]
        member: Option<String>,
        /// A certificate to trust for this server (PEM), for self-signed servers.
        #[arg(long)]
        ca_cert: Option<PathBuf>,
    },
    /// Sync with the team server until both sides are quiet.
    Sync {
        #[arg(long)]
        json: bool,
    },
    /// Where this notebook stands with its team server.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Erase a record everywhere (coordinators): a person and their
    /// referrals, or a note that should never have named someone.
    Erase {
        id: String,
        /// Why (kept by the server; the content is not).
        #[arg(long)]
        reason: String,
    },
    /// The team: invitations, devices, revocation (coordinators).
    #[command(subcommand)]
    Team(TeamCommand),
    /// Check every record decodes; flag the damaged ones. Also says how
    /// the notebook is encrypted.
    Check,
    /// Delete a record of a personal notebook for good (in a team, the
    /// coordinator erases records on every device): every trace of it
    /// leaves the notebook's files; its id, kind and the reason are kept.
    Delete {
        /// The record's id.
        id: String,
        /// Why (kept, never the content).
        #[arg(long)]
        reason: String,
    },
    /// Write a backup of the notebook, a consistent copy made while it is
    /// in use, still encrypted. With --backup-passphrase-file (or
    /// $CARNET_BACKUP_PASSPHRASE) its key is sealed by that passphrase, to
    /// restore it on another computer; without, as the notebook's is.
    Backup {
        /// The backup file to write.
        #[arg(long)]
        out: PathBuf,
        #[arg(long, value_name = "FILE")]
        backup_passphrase_file: Option<PathBuf>,
    },
    /// Restore a backup into an empty data directory (the restored
    /// notebook's key is then kept by the secret store, or sealed by
    /// --passphrase-file).
    Restore {
        /// The backup file.
        file: PathBuf,
        /// The backup's passphrase, when it was sealed by one (or
        /// $CARNET_BACKUP_PASSPHRASE).
        #[arg(long, value_name = "FILE")]
        backup_passphrase_file: Option<PathBuf>,
    },
    /// How the notebook's key is kept: change the passphrase, or move the
    /// key to the secret store (the data is not re-encrypted).
    #[command(subcommand)]
    Key(KeyCommand),
    /// Rebuild lists and the search index from the documents.
    Rebuild,
}

#[derive(Subcommand)]
pub(crate) enum NoteCommand {
    /// Capture a note; prints its id.
    Add {
        #[arg(long)]
        method: Method,
        #[arg(long)]
        title: String,
        #[arg(long)]
        body: Option<String>,
        #[arg(long)]
        place: Option<String>,
        /// A theme code of the codebook (repeat for several).
        #[arg(long = "theme")]
        themes: Vec<String>,
        /// When it happened (RFC 3339), default now.
        #[arg(long)]
        occurred_at: Option<Timestamp>,
        /// A follow-up is due on this day (YYYY-MM-DD).
        #[arg(long)]
        follow_up: Option<Day>,
    },
    /// Edit a note.
    Edit {
        id: String,
        #[arg(long)]
        title: Option<String>,
        /// Add a paragraph at the end of the body.
        #[arg(long)]
        append: Option<String>,
        #[arg(long)]
        status: Option<ReviewStatus>,
    },
    /// The journal, newest first.
    List {
        #[arg(long)]
        method: Option<Method>,
        #[arg(long)]
        theme: Option<String>,
        #[arg(long)]
        place: Option<String>,
        #[arg(long)]
        author: Option<MemberId>,
        #[arg(long)]
        status: Option<ReviewStatus>,
        /// Only notes with a follow-up due by this day.
        #[arg(long)]
        due_by: Option<Day>,
        #[arg(long)]
        from: Option<Timestamp>,
        #[arg(long)]
        to: Option<Timestamp>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long, default_value_t = 0)]
        offset: u32,
        #[arg(long)]
        json: bool,
    },
    /// Add a timestamped entry to a shadowing log; prints its id.
    Log {
        id: String,
        text: String,
        #[arg(long)]
        place: Option<String>,
    },
    /// Start, pause or finish a shadowing note's timer (finishing records
    /// the time run as its duration).
    Timer {
        id: String,
        #[arg(value_enum)]
        action: TimerArg,
    },
    /// Add a story told in a workshop; prints its id.
    Story {
        id: String,
        text: String,
        /// Who told it, described anonymously.
        #[arg(long)]
        told_by: Option<String>,
    },
    /// Comment on a note (`@name` mentions a member); prints the
    /// comment's id.
    Comment {
        id: String,
        text: String,
        /// Answer this comment of the note.
        #[arg(long)]
        reply_to: Option<String>,
    },
    /// Send a note back to its author: "needs changes", with a comment
    /// saying what.
    SendBack {
        id: String,
        /// What needs changing.
        #[arg(long)]
        what: String,
    },
    /// Change the words of one of your comments.
    EditComment {
        id: String,
        comment: String,
        text: String,
    },
    /// Delete one of your comments (its replies stay).
    DeleteComment { id: String, comment: String },
}

/// What `note timer` does.
#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum TimerArg {
    Start,
    Pause,
    Finish,
}

#[derive(Subcommand)]
pub(crate) enum PersonCommand {
    /// Open a person's file; prints the id.
    Add {
        #[arg(long)]
        pseudonym: String,
        #[arg(long)]
        age_group: Option<AgeGroup>,
        #[arg(long = "language")]
        languages: Vec<String>,
        #[arg(long)]
        sector: Option<String>,
        #[arg(long = "need")]
        needs: Vec<NeedCategory>,
        #[arg(long)]
        notes: Option<String>,
    },
    /// Record a person's answer about a purpose (follow-up, referral,
    /// identifying-details, sharing-with-partners, research); a withdrawal
    /// removes what the consent allowed and says what.
    Consent {
        person: String,
        #[arg(long)]
        purpose: ConsentPurpose,
        /// The person withdraws (or refuses) instead of consenting.
        #[arg(long)]
        withdraw: bool,
        #[arg(long, default_value = "verbal")]
        how: ConsentMethod,
    },
    /// Set a person's name, phone and address (with their consent to
    /// identifying details; an empty value clears a field).
    Identity {
        person: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        address: Option<String>,
    },
    /// Rewrite a person's file without its history (a withdrawn name, a
    /// removed referral goes from every device); prints the new id. In a
    /// team: coordinators, online.
    Rewrite {
        person: String,
        /// Why (kept with the erasure of the old file, never the content).
        #[arg(long)]
        reason: String,
    },
    /// Everything Carnet holds about a person, for them: JSON (its schema
    /// in docs/schemas/person-export.schema.json) and a PDF in their
    /// language; recorded in their file.
    Export {
        person: String,
        /// The folder to write `<pseudonym>-<date>.json` and `.pdf` into.
        #[arg(long)]
        out: PathBuf,
        /// The PDF's language (fr or en); by default the person's.
        #[arg(long)]
        lang: Option<String>,
    },
}

#[derive(Subcommand)]
pub(crate) enum ResourceCommand {
    /// Add an organisation; prints its id. With needs or languages, a
    /// first service under the organisation's name offers them.
    Add {
        #[arg(long)]
        name_fr: String,
        #[arg(long)]
        name_en: Option<String>,
        #[arg(long)]
        description_fr: Option<String>,
        #[arg(long)]
        description_en: Option<String>,
        /// A need category served (repeat for several).
        #[arg(long = "need")]
        needs: Vec<NeedCategory>,
        /// A language it is offered in, as a code like fr (repeat).
        #[arg(long = "language")]
        languages: Vec<String>,
        #[arg(long = "phone")]
        phones: Vec<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        website: Option<String>,
    },
    /// The directory, by name: filter by need, language, sector, words.
    List {
        #[arg(long)]
        need: Option<NeedCategory>,
        #[arg(long)]
        language: Option<String>,
        #[arg(long)]
        sector: Option<String>,
        /// Words of its names, descriptions, services or addresses.
        #[arg(long)]
        words: Option<String>,
        /// Only those not verified for this many months (or never).
        #[arg(long, value_name = "MONTHS")]
        unverified: Option<u32>,
        /// Retired organisations too.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Replace an organisation's fields with a JSON form (the fields of
    /// `resource show --json`'s form: name_fr, services, locations…).
    Edit { id: String, file: String },
    /// The organisation's fields and services, as JSON.
    Show { id: String },
    /// Say its information was checked today.
    Verify { id: String },
    /// Retire it (no longer offered); --undo brings it back.
    Retire {
        id: String,
        #[arg(long)]
        undo: bool,
    },
    /// An organisation's services.
    #[command(subcommand)]
    Service(ServiceCommand),
    /// An organisation's locations.
    #[command(subcommand)]
    Location(LocationCommand),
}

#[derive(Subcommand)]
pub(crate) enum ServiceCommand {
    /// Add a service to an organisation; prints the service's id.
    Add {
        organisation: String,
        #[arg(long)]
        name_fr: String,
        #[arg(long)]
        name_en: Option<String>,
        #[arg(long = "need", required = true)]
        needs: Vec<NeedCategory>,
        #[arg(long = "language")]
        languages: Vec<String>,
        #[arg(long)]
        eligibility: Option<String>,
        #[arg(long)]
        fees: Option<String>,
        #[arg(long)]
        hours: Option<String>,
        #[arg(long)]
        how_to_apply: Option<String>,
    },
    /// Retire a service (--undo brings it back).
    Retire {
        organisation: String,
        service: String,
        #[arg(long)]
        undo: bool,
    },
}

#[derive(Subcommand)]
pub(crate) enum LocationCommand {
    /// Add a location to an organisation; prints its id.
    Add {
        organisation: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        address: Option<String>,
        #[arg(long)]
        sector: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum DirectoryFormat {
    /// Open Referral HSDS 3.0, tabular datapackage (CSV files).
    Hsds,
}

#[derive(Subcommand)]
pub(crate) enum DirectoryCommand {
    /// Import a datapackage (a folder or a zip); bad rows are reported by
    /// file and line, the good ones kept.
    Import {
        #[arg(long, value_enum, default_value = "hsds")]
        format: DirectoryFormat,
        path: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Write the directory as a datapackage into a folder.
    Export {
        #[arg(long, value_enum, default_value = "hsds")]
        format: DirectoryFormat,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
pub(crate) enum ReferralCommand {
    /// Refer a person to a service; prints the referral's id.
    Add {
        #[arg(long)]
        person: String,
        /// A service of the directory (its id, from `resource show`), or
        /// a service named in words.
        #[arg(long)]
        service: String,
        #[arg(long)]
        need: NeedCategory,
        #[arg(long)]
        note: Option<String>,
        /// Let the organisation know who the person is (needs the
        /// person's consent to sharing with partners).
        #[arg(long)]
        share_identity: bool,
    },
    /// Move a referral to a new status.
    Status {
        referral_id: String,
        status: ReferralStatus,
        #[arg(long)]
        note: Option<String>,
    },
    /// The organisation accepts the referral.
    Accept {
        referral_id: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// The organisation declines the referral, saying why.
    Decline {
        referral_id: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Close a referral with how it ended for the person: received,
    /// partly, no-room, not-eligible, person-declined, no-show,
    /// unreachable or not-received-other.
    Close {
        referral_id: String,
        #[arg(long)]
        outcome: ReferralOutcome,
        #[arg(long)]
        note: Option<String>,
    },
    /// Referrals, newest first (on a partner's device: those addressed to
    /// its organisation, open ones first).
    List {
        #[arg(long)]
        status: Option<ReferralStatus>,
        #[arg(long)]
        json: bool,
    },
    /// Write to a referral's thread (read by the team and the partner
    /// organisation); prints the message's id.
    Message {
        referral_id: String,
        #[arg(long)]
        text: String,
    },
    /// A referral's steps and messages, named.
    Thread {
        referral_id: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub(crate) enum TeamCommand {
    /// Create an invitation code.
    Invite {
        #[arg(long)]
        role: Role,
        /// Grant access to persons and referrals.
        #[arg(long)]
        persons: bool,
        /// For a partner: the organisation of the directory it answers
        /// for (its id, from `carnet resource list`).
        #[arg(long)]
        organisation: Option<RecordId>,
        /// Hours until the code expires.
        #[arg(long)]
        expires: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// The team's devices.
    Devices {
        #[arg(long)]
        json: bool,
    },
    /// Revoke a device: it keeps its notes but can no longer sync.
    Revoke { device: String },
}

#[derive(Subcommand)]
pub(crate) enum IncidentCommand {
    /// Record an incident from a JSON file (the fields of the register:
    /// title, information, circumstances, occurred_from, aware_on, …);
    /// prints its id.
    Add {
        /// The JSON file, or - for standard input.
        file: String,
    },
    /// Replace an incident's fields with those of a JSON file.
    Update { id: String, file: String },
    /// The register, newest first.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Write the register for the Commission d'accès à l'information.
    Export {
        #[arg(long, value_enum)]
        format: RegisterFmt,
        #[arg(long)]
        out: PathBuf,
        /// fr or en.
        #[arg(long, default_value = "fr")]
        lang: String,
    },
}

#[derive(Subcommand)]
pub(crate) enum RetentionCommand {
    /// Set the policy (coordinators); 0 or leaving a rule out removes it.
    Set {
        /// Persons without activity for this many months are due.
        #[arg(long)]
        inactive_months: Option<u32>,
        /// Referrals closed for this many years are due.
        #[arg(long)]
        closed_referral_years: Option<u32>,
    },
    /// What the policy designates now.
    Review {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum RegisterFmt {
    Csv,
    Pdf,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ImportFmt {
    Jsonl,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ExportFmt {
    Json,
    Csv,
    /// A REFI-QDA project for QualCoder, NVivo, MAXQDA, ATLAS.ti.
    Qdpx,
    /// The printable synthesis report.
    Pdf,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum LangArg {
    Fr,
    En,
}

#[derive(Subcommand)]
pub(crate) enum InboxCommand {
    /// Mark records seen.
    Seen {
        /// The records' ids.
        ids: Vec<String>,
        /// Every record of the inbox.
        #[arg(long, conflicts_with = "ids")]
        all: bool,
    },
    /// Mark records not seen, to come back to them.
    Unseen {
        /// The records' ids.
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// What changed in one record since you last looked.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
}
