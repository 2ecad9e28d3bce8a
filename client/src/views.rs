//! What the client API returns: records and lists shaped for display and
//! for `--json` output.

use carnet_core::changes::{FieldChange, MemberChanges, TextChange};
use carnet_core::record::{Note, Person};
use carnet_core::vocab::{
    AgeGroup, Method, NeedCategory, PlaceKind, ReferralOutcome, ReferralStatus, ReviewStatus,
};
use carnet_core::{
    Conflict, Day, HistoryEntry, ItemId, MemberId, Passage, Record, RecordId, RecordKind, Timestamp,
};
use serde::{Deserialize, Serialize};

use crate::search::Segment;

/// One record with its id and bookkeeping.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RecordView {
    /// The id.
    pub id: RecordId,
    /// When this device last wrote it.
    pub updated_at: Timestamp,
    /// The record, flattened (`kind` and the kind's fields).
    #[serde(flatten)]
    pub record: Record,
}

impl RecordView {
    /// As one JSON value with at least `id`, `kind`, and `title`,
    /// `pseudonym` or `name`; `body` where the kind has one.
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
        if let serde_json::Value::Object(map) = &mut v {
            match &self.record {
                Record::Resource(r) => {
                    map.insert("name".into(), r.name().into());
                    map.insert("body".into(), r.description_fr.as_str().into());
                }
                Record::Person(p) => {
                    map.insert("body".into(), p.notes.as_str().into());
                }
                Record::Place(p) => {
                    map.insert("body".into(), p.notes.as_str().into());
                }
                _ => {}
            }
        }
        v
    }
}

/// A note in the journal.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NoteSummary {
    /// The note's id.
    pub id: RecordId,
    /// Always `note`.
    pub kind: RecordKind,
    /// How it was observed.
    pub method: Method,
    /// Title.
    pub title: String,
    /// The start of the body.
    pub excerpt: String,
    /// When it happened.
    pub occurred_at: Timestamp,
    /// Place, as typed or named.
    pub place: Option<String>,
    /// Theme codes.
    pub themes: Vec<String>,
    /// Where it stands in review.
    pub review: ReviewStatus,
    /// Follow-up due date, if a follow-up is needed.
    pub follow_up_due: Option<String>,
    /// Whether a follow-up is needed.
    pub follow_up_needed: bool,
    /// Who wrote it.
    pub author: MemberId,
    /// Number of comments.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub comments: i64,
}

/// A page of the journal.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NotePage {
    /// How many notes match the filter in all.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total: i64,
    /// This page's notes, newest first.
    pub items: Vec<NoteSummary>,
}

/// A search result.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchHit {
    /// The record.
    pub id: RecordId,
    /// Its kind.
    pub kind: RecordKind,
    /// Its title or name.
    pub title: String,
    /// The title with matches highlighted.
    pub title_segments: Vec<Segment>,
    /// A passage of the text with matches highlighted.
    pub snippet: Vec<Segment>,
}

/// A note found by a search of the journal: its row, with the matches
/// highlighted.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NoteHit {
    /// The note as the journal lists it (method, date, author, place…).
    pub note: NoteSummary,
    /// The title with matches highlighted.
    pub title_segments: Vec<Segment>,
    /// A passage of the text with matches highlighted.
    pub snippet: Vec<Segment>,
}

/// A search of the journal: how many notes match, and the best of them.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NoteSearch {
    /// How many notes match the words and the filter in all.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total: i64,
    /// The best matches, titles first (at most the limit asked).
    pub hits: Vec<NoteHit>,
}

/// One change of a record's history, with the author's name.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistoryItem {
    /// The change.
    #[serde(flatten)]
    pub entry: HistoryEntry,
    /// The author's name, when the workspace knows them.
    pub author_name: Option<String>,
}

/// A referral on the board.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReferralSummary {
    /// The referral's id.
    pub id: ItemId,
    /// The person's record.
    pub person: RecordId,
    /// The person's pseudonym.
    pub pseudonym: String,
    /// The service.
    pub service: String,
    /// The need it answers.
    pub need: NeedCategory,
    /// Where it stands.
    pub status: ReferralStatus,
    /// When it was made.
    pub made_at: Timestamp,
    /// The next follow-up not done.
    pub next_follow_up: Option<String>,
    /// The member who made it.
    pub made_by: Option<MemberId>,
    /// The directory resource it is addressed to, if picked from it.
    pub resource_id: Option<RecordId>,
    /// The service of that organisation.
    pub service_id: Option<ItemId>,
    /// How it ended, in words, once it has.
    pub outcome: Option<String>,
    /// How it ended for the person, once closed with an outcome.
    pub result: Option<ReferralOutcome>,
}

/// A person in the list of persons.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PersonSummary {
    /// The person's record.
    pub id: RecordId,
    /// The pseudonym the team uses.
    pub pseudonym: String,
    /// Age group.
    pub age_group: Option<AgeGroup>,
    /// Sector code.
    pub sector: Option<String>,
    /// Needs identified.
    pub needs: Vec<NeedCategory>,
    /// Referrals made.
    pub referrals: u32,
    /// Referrals still open (see `ReferralStatus::is_closed`).
    pub open_referrals: u32,
}

/// An organisation of the directory, as listed.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ResourceSummary {
    /// The resource's record.
    pub id: RecordId,
    /// Its name in French.
    pub name: String,
    /// Its name in English, if different.
    pub name_en: Option<String>,
    /// Languages its services are offered in.
    pub languages: Vec<String>,
    /// Need categories its services answer.
    pub needs: Vec<NeedCategory>,
    /// Sectors of its locations.
    pub sectors: Vec<String>,
    /// Its services still offered.
    pub services: u32,
    /// When it was last verified.
    pub last_verified: Option<Day>,
    /// Retired: no longer offered.
    pub retired: bool,
}

/// What an import of a directory did.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DirectoryImport {
    /// Organisations added.
    pub added: u32,
    /// Organisations already there (same imported id), updated.
    pub updated: u32,
    /// Services read.
    pub services: u32,
    /// Rows left out, each with its file, line and why.
    pub rejected: Vec<RejectedRow>,
}

/// A row of an imported file that was left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RejectedRow {
    /// The file, as named in the package.
    pub file: String,
    /// Its line (the header is line 1).
    pub line: u32,
    /// What is wrong with it.
    pub problem: RowProblem,
    /// The same in a sentence (English, for the command line).
    pub reason: String,
}

/// What is wrong with a row of an imported file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "code", content = "value", rename_all = "kebab-case")]
pub enum RowProblem {
    /// It does not read as CSV (a broken quote: the rest of the file too).
    NotCsv(String),
    /// It is not UTF-8 text.
    NotUtf8,
    /// Required fields are empty (named).
    Missing(String),
    /// Its id is already an earlier row's.
    DuplicateId(String),
    /// Not a website address.
    Website(String),
    /// Not an email address.
    Email(String),
    /// A service status HSDS does not have.
    Status(String),
    /// Not a date.
    Date(String),
    /// It names an organisation the package does not hold.
    UnknownOrganisation(String),
    /// It names a service the package does not hold.
    UnknownService(String),
    /// It names a location the package does not hold.
    UnknownLocation(String),
    /// A language without an ISO 639 code.
    NoLanguageCode,
    /// It belongs to nothing of the package.
    NoOwner,
}

impl RowProblem {
    /// The problem in a sentence.
    pub fn sentence(&self) -> String {
        match self {
            Self::NotCsv(e) => format!("it does not read as CSV ({e})"),
            Self::NotUtf8 => "it is not UTF-8 text".into(),
            Self::Missing(fields) => format!("it has no {fields}"),
            Self::DuplicateId(id) => format!("the id {id} is already used by an earlier row"),
            Self::Website(v) => format!("'{v}' is not a website address"),
            Self::Email(v) => format!("'{v}' is not an email address"),
            Self::Status(v) => {
                format!("its status '{v}' is none of active, inactive, defunct, temporarily closed")
            }
            Self::Date(v) => format!("'{v}' is not a date (YYYY-MM-DD)"),
            Self::UnknownOrganisation(id) => {
                format!("its organisation ({id}) is not in organizations.csv")
            }
            Self::UnknownService(id) => format!("its service ({id}) is not in services.csv"),
            Self::UnknownLocation(id) => format!("its location ({id}) is not in locations.csv"),
            Self::NoLanguageCode => "its language has no ISO 639 code (such as fr or en)".into(),
            Self::NoOwner => {
                "it belongs to no organisation, service or location of the package".into()
            }
        }
    }
}

/// What merging changes did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum MergeOutcome {
    /// The record was new here.
    Created,
    /// New changes were applied.
    Updated,
    /// Everything was already known.
    Unchanged,
    /// Some changes wait for earlier ones that were not received: ask
    /// the sender for a full copy of the record.
    MissingDeps,
}

/// A place of the territory, for pickers and the places screen.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlaceSummary {
    /// The place's record.
    pub id: RecordId,
    /// Its name.
    pub name: String,
    /// What kind of place.
    pub kind: PlaceKind,
    /// Sector, if set.
    pub sector: Option<String>,
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

/// A note with everything its page shows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NoteDetail {
    /// The note's id.
    pub id: RecordId,
    /// The note.
    pub note: Note,
    /// The author's name, when the team knows them.
    pub author_name: Option<String>,
    /// Who changed what, when (newest last).
    pub history: Vec<HistoryItem>,
    /// Fields with concurrent values to settle.
    pub conflicts: Vec<Conflict>,
    /// Its coded passages where they stand now.
    pub passages: Vec<Passage>,
}

/// A record with fields holding concurrent values, for the list of what
/// is left to settle.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConflictedRecord {
    /// The record.
    pub id: RecordId,
    /// Its kind.
    pub kind: RecordKind,
    /// Its title or name.
    pub name: String,
    /// When it last changed here.
    pub updated_at: Timestamp,
    /// Its fields with concurrent values.
    pub conflicts: Vec<Conflict>,
    /// For each conflict, in order, what its list item is when the field
    /// belongs to one (a referral's service, a theme's code), to name it.
    pub contexts: Vec<Option<String>>,
}

/// What waits for the team's review on this device, for the badge in
/// the navigation.
#[derive(Debug, Clone, Copy, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReviewCounts {
    /// Records holding concurrent values.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub conflicted: i64,
    /// Records others changed since this member last looked.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub unseen: i64,
    /// Of those, the ones with a comment naming this member.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub mentions: i64,
    /// Notes marked "to review".
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub to_review: i64,
}

/// The inbox's counts.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct InboxCounts {
    /// Records not seen.
    pub unseen: i64,
    /// Records not seen whose comments name this member.
    pub mentions: i64,
}

/// Which of the inbox's records to list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InboxFilter {
    /// Also the records already seen.
    #[serde(default)]
    pub include_seen: bool,
    /// Only records this member changed.
    #[serde(default)]
    pub author: Option<MemberId>,
    /// Only notes of this method.
    #[serde(default)]
    pub method: Option<Method>,
    /// Only records of this kind.
    #[serde(default)]
    pub kind: Option<RecordKind>,
    /// Only records in this sector.
    #[serde(default)]
    pub sector: Option<String>,
    /// Only changes made at or after this moment.
    #[serde(default)]
    pub from: Option<Timestamp>,
    /// Only changes made before this moment.
    #[serde(default)]
    pub to: Option<Timestamp>,
}

/// A record of the inbox: who changed what in it since this member last
/// looked.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InboxItem {
    /// The record.
    pub id: RecordId,
    /// Its kind.
    pub kind: RecordKind,
    /// Its title or name.
    pub title: String,
    /// A note's method.
    pub method: Option<Method>,
    /// Its sector.
    pub sector: Option<String>,
    /// The newest change's time (its author's clock).
    pub last_at: Timestamp,
    /// When it arrived here.
    pub received_at: Timestamp,
    /// How many changes.
    pub changes: u32,
    /// A comment since names this member.
    pub mention: bool,
    /// Marked seen.
    pub seen: bool,
    /// Each member's changes, oldest first.
    pub by: Vec<MemberChanges>,
}

/// A page of the inbox.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InboxPage {
    /// How many records match the filter.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total: i64,
    /// This page.
    pub items: Vec<InboxItem>,
}

/// One record of the inbox opened: what changed since it was last looked
/// at.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InboxDetail {
    /// The entry.
    pub item: InboxItem,
    /// Each text that changed, with the words added and removed.
    pub texts: Vec<TextChange>,
    /// The other fields, before → after.
    pub fields: Vec<FieldChange>,
    /// The record as it stands.
    pub record: Record,
}

/// A page of the records holding concurrent values, most recently
/// changed first.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConflictedPage {
    /// How many records hold concurrent values in all.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total: i64,
    /// This page.
    pub records: Vec<ConflictedRecord>,
}

/// A person with everything their page shows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PersonDetail {
    /// The person's id.
    pub id: RecordId,
    /// Every referral of the person, oldest first: those their record
    /// holds and those that are records of their own.
    pub referrals: Vec<carnet_core::record::Referral>,
    /// The referrals that are records of their own (those with a thread
    /// of messages with the partner organisation).
    pub threads: Vec<ItemId>,
    /// The person.
    pub person: Person,
    /// Who changed what, when (newest last).
    pub history: Vec<HistoryItem>,
    /// Fields with concurrent values to settle.
    pub conflicts: Vec<Conflict>,
    /// The notes linked to the person, newest first.
    pub notes: Vec<LinkedNoteSummary>,
}

/// A note linked to a person, as their page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LinkedNoteSummary {
    /// The note.
    pub id: RecordId,
    /// Its title.
    pub title: String,
    /// When it happened.
    pub occurred_at: Timestamp,
}

/// What recording a consent's withdrawal removed, for the person to be
/// told (all zero and false for a consent given).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConsentEffects {
    /// The answer recorded.
    pub consent: ItemId,
    /// The name, phone and address were removed.
    pub identity_removed: bool,
    /// Referrals that no longer share the person's identity.
    pub referrals_unshared: u32,
    /// Open referrals cancelled.
    pub referrals_cancelled: u32,
    /// Planned follow-ups dropped.
    pub follow_ups_dropped: u32,
    /// The person's referrals are left out of the synthesis.
    pub left_out_of_synthesis: bool,
}

impl ConsentEffects {
    /// Nothing removed yet, for the answer `consent`.
    pub fn none(consent: ItemId) -> Self {
        Self {
            consent,
            identity_removed: false,
            referrals_unshared: 0,
            referrals_cancelled: 0,
            follow_ups_dropped: 0,
            left_out_of_synthesis: false,
        }
    }
}

/// A referral that is a record of its own, as its thread shows it: to the
/// partner organisation it is addressed to (its inbox), and to the
/// referring team (on the person's page).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReferralThread {
    /// The referral's id.
    pub id: ItemId,
    /// The person's record (which a partner does not hold).
    pub person: RecordId,
    /// The person's pseudonym.
    pub pseudonym: String,
    /// The person's name and phone, only while they consent to sharing.
    pub identity: Option<carnet_core::record::SharedIdentity>,
    /// The referral: service, need, status, follow-ups, outcome.
    pub referral: carnet_core::record::Referral,
    /// Who made it, by name.
    pub made_by: String,
    /// Its status changes, oldest first, named.
    pub steps: Vec<ReferralStep>,
    /// Its messages, oldest first.
    pub messages: Vec<ThreadMessage>,
}

/// One status change of a referral, with its author's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReferralStep {
    /// The new status.
    pub status: ReferralStatus,
    /// When.
    pub at: Timestamp,
    /// Who, by name.
    pub by: String,
    /// Why, if said.
    pub note: Option<String>,
}

/// One message of a referral's thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ThreadMessage {
    /// The message's id.
    pub id: ItemId,
    /// When it was written.
    pub at: Timestamp,
    /// Who wrote it, by name.
    pub by: String,
    /// Written on this device's member's behalf.
    pub mine: bool,
    /// What it says.
    pub text: String,
}
