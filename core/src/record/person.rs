//! A person the team follows, with consents and social-prescription
//! referrals. Identifying details are optional and only with consent.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::ids::{ItemId, MemberId, RecordId};
use crate::text::LongText;
use crate::time_types::{Day, Timestamp};
use crate::vocab::{
    AgeGroup, ConsentMethod, ConsentPurpose, NeedCategory, ReferralOutcome, ReferralStatus,
};

/// Someone the team follows (a "case").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Person {
    /// A pseudonym or code; required.
    pub pseudonym: String,
    /// Identifying details, only with consent.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub identity: Option<Identity>,
    /// Languages spoken.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub languages: Vec<String>,
    /// Age group.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub age_group: Option<AgeGroup>,
    /// Sector of the territory.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub sector: Option<String>,
    /// Consents given or withdrawn, newest last.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub consents: Vec<Consent>,
    /// Needs identified.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub needs: Vec<NeedCategory>,
    /// Referrals to services of the directory.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub referrals: Vec<Referral>,
    /// Free notes about the follow-up.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub notes: LongText,
    /// Each time the person's data was exported for them (Law 25 access
    /// and portability), oldest first.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub disclosures: Vec<Disclosure>,
    /// The record this one was copied from, without its history (see
    /// `Notebook::rewrite_person`), and when.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub rewritten_from: Option<Rewritten>,
    /// Who opened the file.
    pub author: MemberId,
    /// When.
    pub created_at: Timestamp,
}

impl Person {
    /// A new person with only a pseudonym.
    pub fn new(pseudonym: impl Into<String>, author: MemberId, at: Timestamp) -> Self {
        Self {
            pseudonym: pseudonym.into(),
            identity: None,
            languages: Vec::new(),
            age_group: None,
            sector: None,
            consents: Vec::new(),
            needs: Vec::new(),
            referrals: Vec::new(),
            notes: LongText::default(),
            disclosures: Vec::new(),
            rewritten_from: None,
            author,
            created_at: at,
        }
    }

    /// The person's latest answer about a purpose: `Some(true)` given,
    /// `Some(false)` withdrawn or refused, `None` never asked.
    pub fn consent(&self, purpose: ConsentPurpose) -> Option<bool> {
        self.consents
            .iter()
            .filter(|c| c.purpose == purpose)
            .max_by_key(|c| c.at)
            .map(|c| c.given)
    }

    /// Whether the person's latest answer about a purpose is a consent.
    pub fn consents_to(&self, purpose: ConsentPurpose) -> bool {
        self.consent(purpose) == Some(true)
    }

    /// The referral with this id.
    pub fn referral_mut(&mut self, id: ItemId) -> Option<&mut Referral> {
        self.referrals.iter_mut().find(|r| r.id == id)
    }
}

/// Identifying details of a person (only with consent).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Identity {
    /// Name.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub name: Option<String>,
    /// Phone.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub phone: Option<String>,
    /// Address.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub address: Option<String>,
}

/// A consent given or withdrawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Consent {
    /// The consent's id.
    #[key]
    pub id: ItemId,
    /// What it is for.
    pub purpose: ConsentPurpose,
    /// Given (true) or withdrawn (false).
    pub given: bool,
    /// When.
    pub at: Timestamp,
    /// Who recorded it.
    pub recorded_by: MemberId,
    /// How it was obtained.
    pub how: ConsentMethod,
}

/// A referral (social prescription) to a service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Referral {
    /// The referral's id.
    #[key]
    pub id: ItemId,
    /// The service, as named (or picked from the directory).
    pub service: String,
    /// The directory resource, if picked from it.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub resource_id: Option<RecordId>,
    /// The service of that organisation it is addressed to.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub service_id: Option<ItemId>,
    /// The need it answers.
    pub need: NeedCategory,
    /// When it was made.
    pub made_at: Timestamp,
    /// Current status; concurrent settings show as concurrent values.
    pub status: ReferralStatus,
    /// Every status change, oldest first.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub history: Vec<StatusChange>,
    /// Planned follow-ups.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub follow_ups: Vec<ReferralFollowUp>,
    /// How it ended, in words (a free note beside `result`).
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub outcome: Option<String>,
    /// How it ended for the person, set when it closes.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub result: Option<ReferralOutcome>,
    /// The partner organisation may know who the person is (name and
    /// phone): only while the person consents to sharing with partners.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub share_identity: bool,
}

impl Referral {
    /// The words search finds it by (besides the person's).
    pub(crate) fn searchable_parts<'a>(&'a self, parts: &mut Vec<&'a str>) {
        parts.push(&self.service);
        parts.extend(self.outcome.as_deref());
        parts.extend(self.history.iter().filter_map(|h| h.note.as_deref()));
        parts.extend(self.follow_ups.iter().filter_map(|f| f.note.as_deref()));
    }
}

/// Where a record rewritten without its history came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Rewritten {
    /// The record it replaces (erased).
    pub record: RecordId,
    /// When.
    pub at: Timestamp,
    /// By whom.
    pub by: MemberId,
}

/// An export of a person's data, made for them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Disclosure {
    /// The disclosure's id.
    #[key]
    pub id: ItemId,
    /// When.
    pub at: Timestamp,
    /// Who made it.
    pub by: MemberId,
    /// What was made: `json`, `pdf` (or both, `json+pdf`).
    pub what: String,
}

/// One status change of a referral.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StatusChange {
    /// The change's id.
    #[key]
    pub id: ItemId,
    /// The new status.
    pub status: ReferralStatus,
    /// When.
    pub at: Timestamp,
    /// By whom.
    pub by: MemberId,
    /// Why, optionally.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub note: Option<String>,
}

/// A planned follow-up of a referral.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReferralFollowUp {
    /// The follow-up's id.
    #[key]
    pub id: ItemId,
    /// When it is due.
    pub due: Day,
    /// Done yet.
    pub done: bool,
    /// What to do or what happened.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub note: Option<String>,
}
