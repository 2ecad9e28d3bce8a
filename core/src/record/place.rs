//! A named place of the territory.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::text::LongText;
use crate::vocab::PlaceKind;

/// A place of the territory: a café, a park, a community room…
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Place {
    /// Its name.
    pub name: String,
    /// Its kind (named `place_kind`: `kind` is the record kind).
    pub place_kind: PlaceKind,
    /// Sector of the territory (a code of the workspace).
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub sector: Option<String>,
    /// Street address.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub address: Option<String>,
    /// What the team knows of it.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub notes: LongText,
}
