//! An organisation of the directory, modelled on Open Referral HSDS
//! (organization, service, location), in French and English.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::ids::{ItemId, MemberId};
use crate::text::LongText;
use crate::time_types::{Day, Timestamp};
use crate::vocab::NeedCategory;

/// An organisation and its services.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Resource {
    /// Name in French.
    pub name_fr: String,
    /// Name in English, if different.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub name_en: Option<String>,
    /// Description in French.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub description_fr: LongText,
    /// Description in English.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub description_en: LongText,
    /// Website.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub website: Option<String>,
    /// Phone numbers.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub phones: Vec<String>,
    /// Email.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub email: Option<String>,
    /// Services offered.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub services: Vec<Service>,
    /// Where.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub locations: Vec<Location>,
    /// When the information was last checked.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub last_verified: Option<Day>,
    /// Who checked it then.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub verified_by: Option<MemberId>,
    /// No longer offered: kept for the referrals that name it, left out
    /// of the pickers.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub retired: Option<Retirement>,
    /// Its id in the directory it was imported from (Open Referral HSDS),
    /// so that importing that directory again updates it.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub external_id: Option<String>,
}

/// When and by whom an organisation was retired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Retirement {
    /// When.
    pub at: Timestamp,
    /// By whom.
    pub by: MemberId,
}

impl Resource {
    /// The name to show (French, the directory's main language).
    pub fn name(&self) -> &str {
        &self.name_fr
    }
}

/// A service of an organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Service {
    /// The service's id.
    #[key]
    pub id: ItemId,
    /// Name in French.
    pub name_fr: String,
    /// Name in English.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub name_en: Option<String>,
    /// Description in French.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub description_fr: LongText,
    /// Description in English.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub description_en: LongText,
    /// Need categories served.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub needs: Vec<NeedCategory>,
    /// Who is eligible.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub eligibility: Option<String>,
    /// Languages the service is offered in.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub languages: Vec<String>,
    /// Fees.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub fees: Option<String>,
    /// Opening hours.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub hours: Option<String>,
    /// How to apply.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub how_to_apply: Option<String>,
    /// No longer offered (kept for the referrals addressed to it).
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub retired: bool,
    /// Its id in an imported directory (HSDS).
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub external_id: Option<String>,
}

/// A location of an organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Location {
    /// The location's id.
    #[key]
    pub id: ItemId,
    /// Its name.
    pub name: String,
    /// Street address.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub address: Option<String>,
    /// Sector of the territory.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub sector: Option<String>,
    /// No longer in use.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub retired: bool,
    /// Its id in an imported directory (HSDS).
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub external_id: Option<String>,
}
