//! A confidentiality incident, as Québec's register requires it.
//!
//! The *Règlement sur les incidents de confidentialité* (RLRQ c. P-39.1,
//! r. 3.1, s. 2) lists what the register of every organisation holds for
//! each incident; each field below is one of its items, named in the
//! comment. Only coordinators read and write these records; the server
//! enforces it (see [`crate::sync::Access`]).

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::ids::MemberId;
use crate::time_types::{Day, Timestamp};

/// One confidentiality incident of the team's register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Incident {
    /// A short name for the register's list ("Laptop stolen, Parc Pilon").
    pub title: String,
    /// s. 2 (1): the personal information the incident concerns.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub information: String,
    /// s. 2 (1): or, when it can't be described, why.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub information_unknown_reason: Option<String>,
    /// s. 2 (2): a brief description of the circumstances.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub circumstances: String,
    /// s. 2 (3): the date the incident happened, or the period's start.
    pub occurred_from: Day,
    /// s. 2 (3): the period's end, when it lasted.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub occurred_to: Option<Day>,
    /// s. 2 (3): the date or period is an approximation.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub occurred_approximate: bool,
    /// s. 2 (4): when the team became aware of it.
    pub aware_on: Day,
    /// s. 2 (5): the number of persons concerned.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub persons_concerned: u32,
    /// s. 2 (5): the number is an estimate.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub persons_estimated: bool,
    /// s. 2 (6): the assessment of the risk of serious injury: how
    /// sensitive the information is.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub sensitivity: String,
    /// s. 2 (6): the misuses anticipated.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub misuse: String,
    /// s. 2 (6): the consequences anticipated.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub consequences: String,
    /// s. 2 (6): how likely a misuse is.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub likelihood: String,
    /// The assessment's conclusion: there is a risk of serious injury.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub serious_risk: bool,
    /// s. 2 (7): when notice went to the Commission d'accès à
    /// l'information.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub commission_notified_on: Option<Day>,
    /// s. 2 (7): when notice went to the persons concerned.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub persons_notified_on: Option<Day>,
    /// s. 2 (7): whether a public notice was given and why.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub public_notice: Option<String>,
    /// s. 2 (8): the measures taken to reduce the risk of injury.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub measures: String,
    /// The team's device concerned (a lost or stolen laptop), if any.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub device: Option<String>,
    /// Who opened the entry.
    pub author: MemberId,
    /// When.
    pub created_at: Timestamp,
}

impl Incident {
    /// A new entry with its title and dates, the rest to fill.
    pub fn new(
        title: impl Into<String>,
        occurred_from: Day,
        aware_on: Day,
        author: MemberId,
        at: Timestamp,
    ) -> Self {
        Self {
            title: title.into(),
            information: String::new(),
            information_unknown_reason: None,
            circumstances: String::new(),
            occurred_from,
            occurred_to: None,
            occurred_approximate: false,
            aware_on,
            persons_concerned: 0,
            persons_estimated: false,
            sensitivity: String::new(),
            misuse: String::new(),
            consequences: String::new(),
            likelihood: String::new(),
            serious_risk: false,
            commission_notified_on: None,
            persons_notified_on: None,
            public_notice: None,
            measures: String::new(),
            device: None,
            author,
            created_at: at,
        }
    }
}
