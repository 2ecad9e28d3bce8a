//! What callers send to create records: plain data with serde, shared by
//! the command line, `import` and the desktop window.

use carnet_core::vocab::{
    AgeGroup, Barrier, CodedField, Method, NeedCategory, PlaceKind, ReviewStatus,
};
use carnet_core::{Day, ItemId, RecordId, Timestamp};
use serde::{Deserialize, Serialize};

/// A new note.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct NoteInput {
    /// How the observation was made.
    pub method: Option<Method>,
    /// Title (required).
    pub title: String,
    /// Body text.
    #[serde(default)]
    pub body: Option<String>,
    /// When it happened (defaults to now).
    #[serde(default)]
    pub occurred_at: Option<Timestamp>,
    /// How long, in minutes.
    #[serde(default)]
    pub duration_minutes: Option<u32>,
    /// The place, as typed; matched to a place record by name when one fits.
    #[serde(default)]
    pub place: Option<String>,
    /// A place record.
    #[serde(default)]
    pub place_id: Option<RecordId>,
    /// The kind of place.
    #[serde(default)]
    pub place_kind: Option<PlaceKind>,
    /// Theme codes from the codebook.
    #[serde(default)]
    pub themes: Vec<String>,
    /// Barriers observed.
    #[serde(default)]
    pub barriers: Vec<Barrier>,
    /// Needs observed.
    #[serde(default)]
    pub needs: Vec<NeedCategory>,
    /// Participant count.
    #[serde(default)]
    pub participants: Option<u32>,
    /// Participants' age groups.
    #[serde(default)]
    pub age_groups: Vec<AgeGroup>,
    /// A follow-up is due on this day.
    #[serde(default)]
    pub follow_up_due: Option<Day>,
    /// What the follow-up is.
    #[serde(default)]
    pub follow_up_what: Option<String>,
    /// Review status (defaults to draft).
    #[serde(default)]
    pub review: Option<ReviewStatus>,
    /// Group: open to everyone.
    #[serde(default)]
    pub group_open: Option<bool>,
}

/// Changes to a note's fields, as the note page's form sends them: each
/// field present is set, each absent one is left as it is. The body is
/// not here: it is edited as text (`Notebook::set_body`) so concurrent
/// edits merge character by character.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct NotePatch {
    /// How the observation was made.
    #[serde(default)]
    pub method: Option<Method>,
    /// Title (not empty).
    #[serde(default)]
    pub title: Option<String>,
    /// When it happened.
    #[serde(default)]
    pub occurred_at: Option<Timestamp>,
    /// How long, in minutes (0 clears it).
    #[serde(default)]
    pub duration_minutes: Option<u32>,
    /// The place as typed (empty clears it); matched to a place record
    /// by name when one fits.
    #[serde(default)]
    pub place: Option<String>,
    /// The kind of place.
    #[serde(default)]
    pub place_kind: Option<PlaceKind>,
    /// Theme codes from the codebook.
    #[serde(default)]
    pub themes: Option<Vec<String>>,
    /// Barriers observed.
    #[serde(default)]
    pub barriers: Option<Vec<Barrier>>,
    /// Needs observed.
    #[serde(default)]
    pub needs: Option<Vec<NeedCategory>>,
    /// The persons the note concerns (their records).
    #[serde(default)]
    pub persons: Option<Vec<RecordId>>,
    /// Participant count (0 clears it).
    #[serde(default)]
    pub participants: Option<u32>,
    /// Whether a follow-up is needed.
    #[serde(default)]
    pub follow_up_needed: Option<bool>,
    /// The follow-up's due day; `follow_up_clear_due` removes it.
    #[serde(default)]
    pub follow_up_due: Option<Day>,
    /// Remove the follow-up's due day.
    #[serde(default)]
    pub follow_up_clear_due: bool,
    /// Review status.
    #[serde(default)]
    pub review: Option<ReviewStatus>,
    /// Group: open to everyone.
    #[serde(default)]
    pub group_open: Option<bool>,
}

/// A new person.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    /// Pseudonym or code (required).
    pub pseudonym: String,
    /// Age group.
    #[serde(default)]
    pub age_group: Option<AgeGroup>,
    /// Languages.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Sector.
    #[serde(default)]
    pub sector: Option<String>,
    /// Needs identified.
    #[serde(default)]
    pub needs: Vec<NeedCategory>,
    /// Notes.
    #[serde(default)]
    pub notes: Option<String>,
}

/// A new referral.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ReferralInput {
    /// The service, as named.
    pub service: String,
    /// The directory resource, if picked.
    #[serde(default)]
    pub resource_id: Option<RecordId>,
    /// The service of the directory it is addressed to (its organisation
    /// is found from it when `resource_id` is not given).
    #[serde(default)]
    pub service_id: Option<ItemId>,
    /// The need it answers.
    pub need: NeedCategory,
    /// Why, or what was agreed.
    #[serde(default)]
    pub note: Option<String>,
    /// Initial status (defaults to proposed).
    #[serde(default)]
    pub status: Option<carnet_core::vocab::ReferralStatus>,
    /// Let the organisation know who the person is (name and phone); needs
    /// the person's consent to sharing with partners.
    #[serde(default)]
    pub share_identity: bool,
}

/// What a worker does with a shadowing timer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum TimerAction {
    /// Start it, or resume it after a pause or a finish.
    Start,
    /// Pause it (the time paused does not count).
    Pause,
    /// Stop it and record the time run as the note's duration.
    Finish,
}

/// A passage to code: which text of a note, from which character to just
/// before which (counted in Unicode characters), and what it says.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PassageInput {
    /// Which text of the note.
    pub field: CodedField,
    /// The story, entry or comment, for the texts of a list.
    #[serde(default)]
    pub item: Option<ItemId>,
    /// First character.
    pub start: u32,
    /// Just past the last character.
    pub end: u32,
    /// The passage's words as the person selected them; when given, the
    /// coding is refused if the text changed since.
    #[serde(default)]
    pub text: Option<String>,
}

/// An organisation of the directory as its form sends it: every field at
/// once, new or edited. Text is trimmed and empty fields left unset.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ResourceInput {
    /// Name in French (required).
    pub name_fr: String,
    /// Name in English, if different.
    #[serde(default)]
    pub name_en: Option<String>,
    /// Description in French.
    #[serde(default)]
    pub description_fr: String,
    /// Description in English.
    #[serde(default)]
    pub description_en: String,
    /// Website (`https://` is added when no scheme is given).
    #[serde(default)]
    pub website: Option<String>,
    /// Phone numbers.
    #[serde(default)]
    pub phones: Vec<String>,
    /// Email.
    #[serde(default)]
    pub email: Option<String>,
    /// Its services: one without an id is new; an existing service left
    /// out is removed (retire it instead when referrals name it).
    #[serde(default)]
    pub services: Vec<ServiceInput>,
    /// Its locations, the same way.
    #[serde(default)]
    pub locations: Vec<LocationInput>,
}

/// A service of an organisation, as its form sends it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ServiceInput {
    /// The service's id; none for a new one.
    #[serde(default)]
    pub id: Option<ItemId>,
    /// Name in French (required).
    pub name_fr: String,
    /// Name in English.
    #[serde(default)]
    pub name_en: Option<String>,
    /// Description in French.
    #[serde(default)]
    pub description_fr: String,
    /// Description in English.
    #[serde(default)]
    pub description_en: String,
    /// Need categories served.
    #[serde(default)]
    pub needs: Vec<NeedCategory>,
    /// Who is eligible.
    #[serde(default)]
    pub eligibility: Option<String>,
    /// Languages it is offered in (ISO 639 codes).
    #[serde(default)]
    pub languages: Vec<String>,
    /// Fees.
    #[serde(default)]
    pub fees: Option<String>,
    /// Opening hours.
    #[serde(default)]
    pub hours: Option<String>,
    /// How to apply.
    #[serde(default)]
    pub how_to_apply: Option<String>,
    /// No longer offered.
    #[serde(default)]
    pub retired: bool,
}

/// A location of an organisation, as its form sends it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct LocationInput {
    /// The location's id; none for a new one.
    #[serde(default)]
    pub id: Option<ItemId>,
    /// Its name (required).
    pub name: String,
    /// Street address.
    #[serde(default)]
    pub address: Option<String>,
    /// Sector of the territory.
    #[serde(default)]
    pub sector: Option<String>,
    /// No longer in use.
    #[serde(default)]
    pub retired: bool,
}

/// What the directory's list shows: every filter is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct DirectoryFilter {
    /// Organisations with a service for this need.
    #[serde(default)]
    pub need: Option<NeedCategory>,
    /// With a service offered in this language (a code like `fr`).
    #[serde(default)]
    pub language: Option<String>,
    /// With a location in this sector of the territory.
    #[serde(default)]
    pub sector: Option<String>,
    /// Words found in its names, descriptions, services or addresses
    /// (accents and case ignored, every word).
    #[serde(default)]
    pub words: Option<String>,
    /// Only those not verified for this many months (or never).
    #[serde(default)]
    pub unverified_months: Option<u32>,
    /// Retired organisations too.
    #[serde(default)]
    pub include_retired: bool,
}

impl From<&carnet_core::record::Resource> for ResourceInput {
    /// The form of an organisation as it stands, to edit it.
    fn from(r: &carnet_core::record::Resource) -> Self {
        Self {
            name_fr: r.name_fr.clone(),
            name_en: r.name_en.clone(),
            description_fr: r.description_fr.as_str().to_string(),
            description_en: r.description_en.as_str().to_string(),
            website: r.website.clone(),
            phones: r.phones.clone(),
            email: r.email.clone(),
            services: r
                .services
                .iter()
                .map(|s| ServiceInput {
                    id: Some(s.id),
                    name_fr: s.name_fr.clone(),
                    name_en: s.name_en.clone(),
                    description_fr: s.description_fr.as_str().to_string(),
                    description_en: s.description_en.as_str().to_string(),
                    needs: s.needs.clone(),
                    eligibility: s.eligibility.clone(),
                    languages: s.languages.clone(),
                    fees: s.fees.clone(),
                    hours: s.hours.clone(),
                    how_to_apply: s.how_to_apply.clone(),
                    retired: s.retired,
                })
                .collect(),
            locations: r
                .locations
                .iter()
                .map(|l| LocationInput {
                    id: Some(l.id),
                    name: l.name.clone(),
                    address: l.address.clone(),
                    sector: l.sector.clone(),
                    retired: l.retired,
                })
                .collect(),
        }
    }
}
