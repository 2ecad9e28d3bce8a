//! The team's workspace: one per team. Its codebook of themes, the sectors
//! of the territory, its members and default language.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::ids::MemberId;
use crate::vocab::{Lang, Language};

/// The team's workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Workspace {
    /// The team's name.
    pub name: String,
    /// The team's default language.
    pub default_language: Language,
    /// The codebook of themes.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub codebook: Vec<Theme>,
    /// Sectors of the territory.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub sectors: Vec<Sector>,
    /// Members, so history can name authors.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub members: Vec<Member>,
}

impl Workspace {
    /// The theme with this code.
    pub fn theme(&self, code: &str) -> Option<&Theme> {
        self.codebook.iter().find(|t| t.code == code)
    }
}

/// A theme of the codebook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Theme {
    /// Stable code, e.g. `alimentation`.
    #[key]
    pub code: String,
    /// French label.
    pub label_fr: String,
    /// English label.
    pub label_en: String,
    /// Colour, `#rrggbb`.
    pub colour: String,
    /// Parent theme's code.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub parent: Option<String>,
}

impl Theme {
    /// The label in a language.
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.label_fr,
            Lang::En => &self.label_en,
        }
    }
}

/// A sector of the territory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Sector {
    /// Stable code.
    #[key]
    pub code: String,
    /// Name.
    pub name: String,
}

/// A member of the team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Member {
    /// The member's id.
    #[key]
    pub id: MemberId,
    /// Display name.
    pub name: String,
}
