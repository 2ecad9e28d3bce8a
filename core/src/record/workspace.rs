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
    /// How long the team keeps persons' data (Law 25: no longer than
    /// needed); none set by default.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub retention: Retention,
}

/// The team's retention policy: what it no longer needs to keep. The
/// coordinator reviews what it designates before anything is erased.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Retention {
    /// Persons with no activity (their file, a note linked to them) for
    /// this many months are to be erased.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub inactive_person_months: Option<u32>,
    /// Referrals closed more than this many years ago are to be removed
    /// from persons' files.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub closed_referral_years: Option<u32>,
}

/// The starter codebook every new team begins with: themes drawn from
/// what outreach and social-prescription teams say they look for (social
/// isolation, housing, food, access to services…). The coordinator edits
/// it; nothing depends on these codes.
const STARTER_THEMES: &[(&str, &str, &str, &str)] = &[
    (
        "isolement",
        "Isolement social",
        "Social isolation",
        "#264653",
    ),
    ("logement", "Logement", "Housing", "#2a9d8f"),
    ("alimentation", "Alimentation", "Food", "#e76f51"),
    (
        "acces-services",
        "Accès aux services",
        "Access to services",
        "#457b9d",
    ),
    (
        "langue-culture",
        "Langue et culture",
        "Language and culture",
        "#6d597a",
    ),
    ("sante-mentale", "Santé mentale", "Mental health", "#8e44ad"),
    ("revenu", "Revenu et emploi", "Income and work", "#e9c46a"),
    (
        "mobilite",
        "Transport et mobilité",
        "Transport and mobility",
        "#577590",
    ),
    ("famille", "Famille", "Family", "#f4a261"),
    (
        "leadership",
        "Leadership citoyen",
        "Community leadership",
        "#43aa8b",
    ),
];

impl Workspace {
    /// A new team's workspace: its name and language, the starter
    /// codebook, no sectors (someone adds them) and no members yet.
    pub fn starter(name: &str, default_language: Language) -> Self {
        Self {
            name: name.trim().to_string(),
            default_language,
            codebook: STARTER_THEMES
                .iter()
                .map(|(code, fr, en, colour)| Theme {
                    code: (*code).into(),
                    label_fr: (*fr).into(),
                    label_en: (*en).into(),
                    colour: (*colour).into(),
                    ..Theme::default()
                })
                .collect(),
            sectors: Vec::new(),
            members: Vec::new(),
            retention: Retention::default(),
        }
    }

    /// Add a member, unless they are already listed.
    pub fn add_member(&mut self, id: MemberId, name: &str) {
        if !self.members.iter().any(|m| m.id == id) {
            self.members.push(Member {
                id,
                name: name.trim().to_string(),
            });
        }
    }

    /// The theme with this code.
    pub fn theme(&self, code: &str) -> Option<&Theme> {
        self.codebook.iter().find(|t| t.code == code)
    }
}

/// A theme of the codebook.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
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
    /// What the theme means, in French.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub definition_fr: String,
    /// What the theme means, in English.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub definition_en: String,
    /// When to use it (inclusion), in French.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub include_fr: String,
    /// When to use it (inclusion), in English.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub include_en: String,
    /// When not to use it (exclusion), in French.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub exclude_fr: String,
    /// When not to use it (exclusion), in English.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub exclude_en: String,
    /// Archived: kept for the notes and codings that use it, no longer
    /// offered for new ones.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub archived: bool,
    /// Merged into this theme: its codings and notes moved there.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub merged_into: Option<String>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_team_starts_with_a_small_bilingual_codebook_and_no_sectors() {
        let w = Workspace::starter(" Pôle MN ", Language::French);
        assert_eq!(w.name, "Pôle MN");
        assert!(
            w.sectors.is_empty(),
            "sectors come from the team, not from us"
        );
        assert!(w.members.is_empty());
        assert!((5..=12).contains(&w.codebook.len()), "{}", w.codebook.len());
        for t in &w.codebook {
            assert!(!t.label_fr.is_empty() && !t.label_en.is_empty(), "{t:?}");
            assert!(t.colour.starts_with('#') && t.colour.len() == 7, "{t:?}");
        }
        for code in ["isolement", "logement", "alimentation", "acces-services"] {
            assert!(
                w.theme(code).is_some(),
                "the starter codebook should have {code}"
            );
        }
    }

    #[test]
    fn a_member_is_listed_once() {
        let mut w = Workspace::starter("Équipe", Language::English);
        let id = MemberId::from_uuid(uuid::Uuid::nil());
        w.add_member(id, " Aline ");
        w.add_member(id, "Aline");
        assert_eq!(w.members.len(), 1);
        assert_eq!(w.members[0].name, "Aline");
    }
}
