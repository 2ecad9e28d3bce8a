//! Validation: the rules a record must satisfy before it is saved or
//! accepted from elsewhere, with errors that say what to fix.

use std::collections::HashSet;

use crate::ids::ItemId;
use crate::record::{Incident, Note, Person, Place, Record, Referral, Resource, Workspace};

/// The longest title or name accepted, in characters.
pub const MAX_TITLE_CHARS: usize = 300;
/// The longest long text accepted (a note body, a story), in characters.
pub const MAX_TEXT_CHARS: usize = 200_000;

/// The longest outcome of a referral, in characters (a sentence or two;
/// the rest belongs in a note).
pub const MAX_OUTCOME_CHARS: usize = 1_200;

/// The longest definition, inclusion or exclusion note of a theme.
pub const MAX_DEFINITION_CHARS: usize = 4_000;

/// The most codings a note may hold.
pub const MAX_CODINGS: usize = 10_000;

/// The most periods a shadowing timer may hold (one per pause and resume).
pub const MAX_TIMER_SPANS: usize = 1_000;

/// A rule a record breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    /// A required text is empty.
    #[error("the {0} is required and cannot be empty")]
    Required(&'static str),
    /// A text is too long.
    #[error("the {field} is too long ({len} characters; at most {max})")]
    TooLong {
        /// Which field.
        field: &'static str,
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A theme that is not in the workspace's codebook.
    #[error("unknown theme '{0}': add it to the team's codebook first, or pick one of its themes")]
    UnknownTheme(String),
    /// A referral follow-up due before the referral was made.
    #[error("the follow-up of referral {referral} is due on {due}, before the referral was made on {made}")]
    FollowUpBeforeReferral {
        /// The referral.
        referral: ItemId,
        /// The due date.
        due: String,
        /// The day the referral was made.
        made: String,
    },
    /// A list holds the same id twice.
    #[error("the {0} list holds the same item twice")]
    DuplicateItem(&'static str),
    /// A theme's colour is not `#rrggbb`.
    #[error("the colour '{0}' of a theme must look like #2a9d8f")]
    BadColour(String),
    /// A theme would be its own ancestor.
    #[error("the theme '{0}' cannot be placed under itself or one of its own sub-themes")]
    ThemeCycle(String),
    /// A coding that does not point at a passage.
    #[error("a coded passage is malformed: {0}")]
    BadCoding(&'static str),
    /// A passage to code that is not there.
    #[error("{0}")]
    Passage(String),
    /// A note's duration or participant count is implausible.
    #[error("the {0} is out of range")]
    OutOfRange(&'static str),
    /// Fields that contradict each other (the message says how).
    #[error("{0}")]
    Rule(String),
}

/// The theme codes a record may use: the workspace's codebook.
#[derive(Debug, Clone, Default)]
pub struct Codebook {
    codes: Option<HashSet<String>>,
}

impl Codebook {
    /// Any theme is accepted (no workspace known yet, e.g. while merging).
    pub fn any() -> Self {
        Self { codes: None }
    }
    /// The themes of this workspace.
    pub fn of(workspace: &Workspace) -> Self {
        Self {
            codes: Some(workspace.codebook.iter().map(|t| t.code.clone()).collect()),
        }
    }
    /// Exactly these theme codes.
    pub fn of_codes(codes: impl IntoIterator<Item = String>) -> Self {
        Self {
            codes: Some(codes.into_iter().collect()),
        }
    }
    /// Whether a theme code is known.
    pub fn knows(&self, code: &str) -> bool {
        self.codes.as_ref().is_none_or(|c| c.contains(code))
    }
}

fn required(field: &'static str, value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(ValidationError::Required(field));
    }
    max_len(field, value, MAX_TITLE_CHARS)
}

fn max_len(field: &'static str, value: &str, max: usize) -> Result<(), ValidationError> {
    let len = value.chars().count();
    if len > max {
        return Err(ValidationError::TooLong { field, len, max });
    }
    Ok(())
}

fn unique<T, K: Eq + std::hash::Hash>(
    list: &'static str,
    items: &[T],
    key: impl Fn(&T) -> K,
) -> Result<(), ValidationError> {
    let mut seen = HashSet::new();
    if items.iter().all(|i| seen.insert(key(i))) {
        Ok(())
    } else {
        Err(ValidationError::DuplicateItem(list))
    }
}

impl Record {
    /// Check every rule; `codebook` decides which theme codes are known.
    pub fn validate(&self, codebook: &Codebook) -> Result<(), ValidationError> {
        match self {
            Record::Workspace(w) => validate_workspace(w),
            Record::Note(n) => validate_note(n, codebook),
            Record::Person(p) => validate_person(p),
            Record::Resource(r) => validate_resource(r),
            Record::Place(p) => validate_place(p),
            Record::Incident(i) => validate_incident(i),
            Record::Referral(r) => {
                required("pseudonym", &r.pseudonym)?;
                validate_referral(&r.referral)
            }
        }
    }
}

fn validate_workspace(w: &Workspace) -> Result<(), ValidationError> {
    required("team name", &w.name)?;
    unique("codebook", &w.codebook, |t| t.code.clone())?;
    unique("sectors", &w.sectors, |s| s.code.clone())?;
    for t in &w.codebook {
        required("theme code", &t.code)?;
        required("theme's French label", &t.label_fr)?;
        required("theme's English label", &t.label_en)?;
        let c = t.colour.as_bytes();
        if c.len() != 7 || c[0] != b'#' || !c[1..].iter().all(u8::is_ascii_hexdigit) {
            return Err(ValidationError::BadColour(t.colour.clone()));
        }
        for (field, text) in [
            ("theme's definition", &t.definition_fr),
            ("theme's definition", &t.definition_en),
            ("theme's inclusion note", &t.include_fr),
            ("theme's inclusion note", &t.include_en),
            ("theme's exclusion note", &t.exclude_fr),
            ("theme's exclusion note", &t.exclude_en),
        ] {
            max_len(field, text, MAX_DEFINITION_CHARS)?;
        }
    }
    validate_hierarchy(w)
}

/// Each parent and each theme merged into is a theme of the codebook,
/// and following parents never comes back to where it started.
fn validate_hierarchy(w: &Workspace) -> Result<(), ValidationError> {
    let parent_of = |code: &str| w.theme(code).and_then(|t| t.parent.as_deref());
    for t in &w.codebook {
        for target in [&t.parent, &t.merged_into].into_iter().flatten() {
            if w.theme(target).is_none() {
                return Err(ValidationError::UnknownTheme(target.clone()));
            }
        }
        let mut at = t.parent.as_deref();
        for _ in 0..=w.codebook.len() {
            match at {
                None => break,
                Some(p) if p == t.code => return Err(ValidationError::ThemeCycle(t.code.clone())),
                Some(p) => at = parent_of(p),
            }
        }
    }
    Ok(())
}

fn validate_codings(n: &Note, codebook: &Codebook) -> Result<(), ValidationError> {
    use crate::vocab::CodedField;
    unique("codings", &n.codings, |c| c.id)?;
    if n.codings.len() > MAX_CODINGS {
        return Err(ValidationError::OutOfRange("number of coded passages"));
    }
    for c in &n.codings {
        if !codebook.knows(&c.theme) {
            return Err(ValidationError::UnknownTheme(c.theme.clone()));
        }
        if (c.field == CodedField::Body) != c.item.is_none() {
            return Err(ValidationError::BadCoding(
                "the note's text has no item; a story, entry or comment needs one",
            ));
        }
        if [&c.start, &c.end]
            .iter()
            .any(|cursor| cursor.is_empty() || cursor.len() > 200)
        {
            return Err(ValidationError::BadCoding("its anchors are missing"));
        }
    }
    Ok(())
}

fn validate_note(n: &Note, codebook: &Codebook) -> Result<(), ValidationError> {
    required("title", &n.title)?;
    max_len("body", n.body.as_str(), MAX_TEXT_CHARS)?;
    if let Some(theme) = n.themes.iter().find(|t| !codebook.knows(t)) {
        return Err(ValidationError::UnknownTheme(theme.clone()));
    }
    if n.duration_minutes.is_some_and(|d| d > 60 * 24 * 31) {
        return Err(ValidationError::OutOfRange("duration"));
    }
    if n.participants.count.is_some_and(|c| c > 100_000) {
        return Err(ValidationError::OutOfRange("participant count"));
    }
    validate_codings(n, codebook)?;
    unique("shadowing log", &n.shadowing, |e| e.id)?;
    unique("stories", &n.stories, |e| e.id)?;
    unique("comments", &n.comments, |e| e.id)?;
    for s in &n.stories {
        max_len("story", s.text.as_str(), MAX_TEXT_CHARS)?;
    }
    for e in &n.shadowing {
        max_len("shadowing entry", e.text.as_str(), MAX_TEXT_CHARS)?;
    }
    unique("shadowing timer", &n.timer.spans, |s| s.id)?;
    if n.timer.spans.len() > MAX_TIMER_SPANS {
        return Err(ValidationError::OutOfRange("number of pauses of the timer"));
    }
    if n.timer
        .spans
        .iter()
        .any(|s| s.end.is_some_and(|e| e < s.start))
    {
        return Err(ValidationError::OutOfRange("shadowing timer"));
    }
    Ok(())
}

fn validate_person(p: &Person) -> Result<(), ValidationError> {
    required("pseudonym", &p.pseudonym)?;
    unique("referrals", &p.referrals, |r| r.id)?;
    unique("consents", &p.consents, |c| c.id)?;
    for r in &p.referrals {
        validate_referral(r)?;
    }
    Ok(())
}

fn validate_referral(r: &Referral) -> Result<(), ValidationError> {
    required("referral's service", &r.service)?;
    if let Some(o) = &r.outcome {
        max_len("referral's outcome", o, MAX_OUTCOME_CHARS)?;
    }
    let made = r.made_at.day();
    if let Some(f) = r.follow_ups.iter().find(|f| f.due < made) {
        return Err(ValidationError::FollowUpBeforeReferral {
            referral: r.id,
            due: f.due.to_iso(),
            made: made.to_iso(),
        });
    }
    Ok(())
}

fn validate_resource(r: &Resource) -> Result<(), ValidationError> {
    required("organisation's name", &r.name_fr)?;
    unique("services", &r.services, |s| s.id)?;
    for s in &r.services {
        required("service's name", &s.name_fr)?;
    }
    Ok(())
}

fn validate_place(p: &Place) -> Result<(), ValidationError> {
    required("place's name", &p.name)
}

fn validate_incident(i: &Incident) -> Result<(), ValidationError> {
    required("incident's title", &i.title)?;
    if i.occurred_to.is_some_and(|to| to < i.occurred_from) {
        return Err(ValidationError::Rule(
            "an incident's period cannot end before it starts".into(),
        ));
    }
    if i.aware_on < i.occurred_from {
        return Err(ValidationError::Rule(
            "the team cannot have become aware of an incident before it happened".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{MemberId, SeededIds};
    use crate::record::{Referral, ReferralFollowUp, Theme};
    use crate::time_types::{Day, Timestamp};
    use crate::vocab::{Language, Method, NeedCategory, PlaceKind, ReferralStatus};
    use rstest::rstest;

    fn at() -> Timestamp {
        "2026-11-20T10:00:00Z".parse().expect("valid")
    }
    fn member() -> MemberId {
        MemberId::generate(&SeededIds::new(1), at())
    }
    fn workspace() -> Workspace {
        Workspace {
            name: "Pôle MN".into(),
            default_language: Language::French,
            codebook: vec![Theme {
                code: "alimentation".into(),
                label_fr: "Alimentation".into(),
                label_en: "Food".into(),
                colour: "#2a9d8f".into(),
                ..Theme::default()
            }],
            sectors: vec![],
            members: vec![],
            retention: Default::default(),
        }
    }

    fn note_with(f: impl FnOnce(&mut Note)) -> Record {
        let mut n = Note::new(Method::Outreach, "Au parc", member(), at());
        f(&mut n);
        Record::Note(Box::new(n))
    }

    #[rstest]
    #[case::empty_title(note_with(|n| n.title = "  ".into()), Some(ValidationError::Required("title")))]
    #[case::unknown_theme(note_with(|n| n.themes = vec!["sport".into()]), Some(ValidationError::UnknownTheme("sport".into())))]
    #[case::known_theme(note_with(|n| n.themes = vec!["alimentation".into()]), None)]
    #[case::huge_count(note_with(|n| n.participants.count = Some(2_000_000)), Some(ValidationError::OutOfRange("participant count")))]
    #[case::no_pseudonym(
        Record::Person(Box::new(Person::new("", member(), at()))),
        Some(ValidationError::Required("pseudonym"))
    )]
    #[case::nameless_place(Record::Place(Place { name: "".into(), place_kind: PlaceKind::Park, sector: None, address: None, notes: Default::default() }), Some(ValidationError::Required("place's name")))]
    fn validation_rules(#[case] record: Record, #[case] want: Option<ValidationError>) {
        assert_eq!(record.validate(&Codebook::of(&workspace())).err(), want);
    }

    #[test]
    fn follow_up_due_before_the_referral_is_refused() {
        let ids = SeededIds::new(3);
        let mut p = Person::new("M-17", member(), at());
        p.referrals.push(Referral {
            id: ItemId::generate(&ids, at()),
            service: "Banque alimentaire".into(),
            resource_id: None,
            need: NeedCategory::FoodInsecurity,
            made_at: at(),
            status: ReferralStatus::Proposed,
            history: vec![],
            follow_ups: vec![ReferralFollowUp {
                id: ItemId::generate(&ids, at()),
                due: Day::from_ymd(2026, 11, 1).expect("valid"),
                done: false,
                note: None,
            }],
            outcome: None,
            result: None,
            service_id: None,
            share_identity: false,
        });
        let err = Record::Person(Box::new(p))
            .validate(&Codebook::any())
            .expect_err("due before made");
        assert!(
            err.to_string()
                .contains("due on 2026-11-01, before the referral was made on 2026-11-20"),
            "{err}"
        );
    }

    #[test]
    fn bad_theme_colour_is_refused() {
        let mut w = workspace();
        w.codebook[0].colour = "green".into();
        assert_eq!(
            Record::Workspace(w).validate(&Codebook::any()),
            Err(ValidationError::BadColour("green".into()))
        );
    }
}
