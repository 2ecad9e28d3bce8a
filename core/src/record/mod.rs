//! The seven kinds of record. Each is its own Automerge document whose root
//! map holds `kind`, `schema` and the kind's fields (see [`crate::document`]).
//!
//! The structs derive autosurgeon's `Hydrate` (read from a document, which
//! also checks the shape) and `Reconcile` (write the minimal changes back).
//! Lists of items carry an id used as the reconcile key, so concurrent
//! additions to the same list (two shadowing entries, two comments) both
//! survive a merge. Optional and list fields tolerate being absent so a
//! document written by an older schema still reads.

mod incident;
mod note;
mod person;
mod place;
mod referral;
mod resource;
mod workspace;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use incident::Incident;
pub use note::{
    Coding, Comment, FollowUp, ListItem, Note, Participants, ShadowEntry, ShadowTimer, Story,
    TimerSpan,
};
pub use person::{
    Consent, Disclosure, Identity, Person, Referral, ReferralFollowUp, Rewritten, StatusChange,
};
pub use place::Place;
pub use referral::{
    bring_offline_edits, held_as_records, ReferralMessage, ReferralRecord, SharedIdentity,
    MAX_MESSAGE_CHARS,
};
pub use resource::{Location, Resource, Retirement, Service};
pub use workspace::{Member, Retention, Sector, Theme, Workspace};

use crate::vocab::UnknownCode;

/// The kind of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum RecordKind {
    /// The team's workspace: name, codebook, sectors, members.
    Workspace,
    /// A field observation.
    Note,
    /// Someone the team follows, with their referrals.
    Person,
    /// An organisation of the directory and its services.
    Resource,
    /// A named place of the territory.
    Place,
    /// An entry of the register of confidentiality incidents
    /// (coordinators only).
    Incident,
    /// A referral of a person to a service, read by the receiving
    /// organisation without the person's record.
    Referral,
}

impl RecordKind {
    /// Every kind.
    pub const ALL: [RecordKind; 7] = [
        Self::Workspace,
        Self::Note,
        Self::Person,
        Self::Resource,
        Self::Place,
        Self::Incident,
        Self::Referral,
    ];
    /// The stable code stored in documents.
    pub fn code(self) -> &'static str {
        match self {
            Self::Workspace => "workspace",
            Self::Note => "note",
            Self::Person => "person",
            Self::Resource => "resource",
            Self::Place => "place",
            Self::Incident => "incident",
            Self::Referral => "referral",
        }
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for RecordKind {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == s.trim().to_lowercase())
            .ok_or_else(|| UnknownCode {
                value: s.chars().take(60).collect(),
                vocabulary: "record kind",
                expected: "workspace, note, person, resource, place, incident, referral".into(),
            })
    }
}

/// A record of any kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Record {
    /// See [`Workspace`].
    Workspace(Workspace),
    /// See [`Note`].
    Note(Box<Note>),
    /// See [`Person`].
    Person(Box<Person>),
    /// See [`Resource`].
    Resource(Box<Resource>),
    /// See [`Place`].
    Place(Place),
    /// See [`Incident`].
    Incident(Box<Incident>),
    /// See [`ReferralRecord`].
    Referral(Box<ReferralRecord>),
}

impl Record {
    /// The record's kind.
    pub fn kind(&self) -> RecordKind {
        match self {
            Self::Workspace(_) => RecordKind::Workspace,
            Self::Note(_) => RecordKind::Note,
            Self::Person(_) => RecordKind::Person,
            Self::Resource(_) => RecordKind::Resource,
            Self::Place(_) => RecordKind::Place,
            Self::Incident(_) => RecordKind::Incident,
            Self::Referral(_) => RecordKind::Referral,
        }
    }

    /// The short name people see in lists: a note's title, a person's
    /// pseudonym (a referral's person's too), a resource's or place's name.
    pub fn display_name(&self) -> &str {
        match self {
            Self::Workspace(w) => &w.name,
            Self::Note(n) => &n.title,
            Self::Person(p) => &p.pseudonym,
            Self::Resource(r) => r.name(),
            Self::Place(p) => &p.name,
            Self::Incident(i) => &i.title,
            Self::Referral(r) => &r.pseudonym,
        }
    }

    /// The record's main long text, if it has one.
    pub fn body(&self) -> Option<&str> {
        match self {
            Self::Workspace(_) => None,
            Self::Note(n) => Some(n.body.as_str()),
            Self::Person(p) => Some(p.notes.as_str()),
            Self::Resource(r) => Some(r.description_fr.as_str()),
            Self::Place(p) => Some(p.notes.as_str()),
            Self::Incident(i) => Some(i.circumstances.as_str()),
            Self::Referral(_) => None,
        }
    }

    /// Everything a user wrote in this record that search should find,
    /// apart from the title, joined with newlines.
    pub fn searchable_text(&self) -> String {
        let mut parts: Vec<&str> = Vec::new();
        match self {
            Self::Workspace(w) => {
                for t in &w.codebook {
                    parts.push(&t.label_fr);
                    parts.push(&t.label_en);
                }
            }
            Self::Note(n) => {
                parts.push(n.body.as_str());
                parts.extend(n.place_text.as_deref());
                parts.extend(n.shadowing.iter().map(|e| e.text.as_str()));
                parts.extend(n.shadowing.iter().filter_map(|e| e.place.as_deref()));
                parts.extend(n.stories.iter().map(|s| s.text.as_str()));
                parts.extend(n.issues_raised.iter().map(|s| s.text.as_str()));
                parts.extend(n.leaders.iter().map(|s| s.text.as_str()));
                parts.extend(n.partners.iter().map(String::as_str));
                parts.extend(n.comments.iter().map(|c| c.text.as_str()));
                parts.extend(n.follow_up.what.as_deref());
            }
            Self::Person(p) => {
                parts.push(p.notes.as_str());
                for r in &p.referrals {
                    r.searchable_parts(&mut parts);
                }
            }
            Self::Referral(r) => r.referral.searchable_parts(&mut parts),
            Self::Resource(r) => {
                parts.extend(r.name_en.as_deref());
                parts.push(r.description_fr.as_str());
                parts.push(r.description_en.as_str());
                for s in &r.services {
                    parts.push(&s.name_fr);
                    parts.extend(s.name_en.as_deref());
                    parts.push(s.description_fr.as_str());
                    parts.push(s.description_en.as_str());
                    parts.extend(s.eligibility.as_deref());
                    parts.extend(s.how_to_apply.as_deref());
                }
                for l in &r.locations {
                    parts.extend(l.address.as_deref());
                }
            }
            Self::Place(p) => {
                parts.push(p.notes.as_str());
                parts.extend(p.address.as_deref());
            }
            // The register stays out of search: it is read from its own
            // screen, by coordinators.
            Self::Incident(_) => {}
        }
        parts.retain(|p| !p.is_empty());
        parts.join("\n")
    }
}
