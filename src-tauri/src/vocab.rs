//! The closed vocabularies, with their French and English labels from
//! `carnet_core::vocab`, for the window's pickers and chips.

use carnet_core::sync::Role;
use carnet_core::vocab::{
    AgeGroup, Barrier, ConsentMethod, ConsentPurpose, Lang, Method, NeedCategory, PlaceKind,
    ReferralOutcome, ReferralStatus, ReviewStatus, Vocabulary,
};
use serde::Serialize;

/// One term of a vocabulary.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Term {
    /// The stable code.
    pub code: String,
    /// French label.
    pub fr: String,
    /// English label.
    pub en: String,
}

/// Every vocabulary the window shows.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Vocabularies {
    /// Observation methods.
    pub methods: Vec<Term>,
    /// Review statuses of notes.
    pub review: Vec<Term>,
    /// Kinds of places.
    pub place_kinds: Vec<Term>,
    /// Barriers.
    pub barriers: Vec<Term>,
    /// Need categories.
    pub needs: Vec<Term>,
    /// Referral statuses.
    pub referral_statuses: Vec<Term>,
    /// How a referral ended for the person.
    pub referral_outcomes: Vec<Term>,
    /// Age groups.
    pub age_groups: Vec<Term>,
    /// What a person may consent to.
    pub consent_purposes: Vec<Term>,
    /// How a consent was given.
    pub consent_methods: Vec<Term>,
    /// Roles on a team.
    pub roles: Vec<Term>,
    /// The statuses in which a referral is still open, in the order a
    /// referral moves through them (the board's columns).
    pub open_referral_statuses: Vec<ReferralStatus>,
}

fn terms<V: Vocabulary>() -> Vec<Term> {
    V::ALL
        .iter()
        .map(|v| Term {
            code: v.code().into(),
            fr: v.label(Lang::Fr).into(),
            en: v.label(Lang::En).into(),
        })
        .collect()
}

impl Vocabularies {
    /// All of them.
    pub fn all() -> Self {
        Self {
            methods: terms::<Method>(),
            review: terms::<ReviewStatus>(),
            place_kinds: terms::<PlaceKind>(),
            barriers: terms::<Barrier>(),
            needs: terms::<NeedCategory>(),
            referral_statuses: terms::<ReferralStatus>(),
            referral_outcomes: terms::<ReferralOutcome>(),
            age_groups: terms::<AgeGroup>(),
            consent_purposes: terms::<ConsentPurpose>(),
            consent_methods: terms::<ConsentMethod>(),
            roles: terms::<Role>(),
            open_referral_statuses: ReferralStatus::ALL
                .iter()
                .copied()
                .filter(|s| !s.is_closed())
                .collect(),
        }
    }
}
