//! The closed vocabularies of Carnet, each a Rust enum with a stable code
//! (what is stored in documents, on the command line and in JSON) and its
//! French and English labels, kept next to the enum rather than in the UI.

use std::fmt;
use std::str::FromStr;

use autosurgeon::{Hydrate, HydrateError, Reconcile, Reconciler};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The languages of the interface and of labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    /// Français.
    Fr,
    /// English.
    En,
}

/// A value that is not in a vocabulary.
#[derive(Debug, Clone, thiserror::Error)]
#[error("'{value}' is not a known {vocabulary}; expected one of: {expected}")]
pub struct UnknownCode {
    /// What was given.
    pub value: String,
    /// The vocabulary's name.
    pub vocabulary: &'static str,
    /// The accepted codes, comma-separated.
    pub expected: String,
}

/// What every vocabulary offers.
pub trait Vocabulary: Sized + Copy + 'static {
    /// Every value, in display order.
    const ALL: &'static [Self];
    /// The vocabulary's name, for messages.
    const NAME: &'static str;
    /// The stable code.
    fn code(self) -> &'static str;
    /// The label in a language.
    fn label(self, lang: Lang) -> &'static str;
    /// The value whose code is exactly `code` (as stored and sent).
    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.code() == code)
    }
    /// Parse a code (case-insensitive; `_` and spaces read as `-`) or an
    /// exact label in either language.
    fn parse(s: &str) -> Result<Self, UnknownCode> {
        let wanted = s.trim().to_lowercase().replace(['_', ' '], "-");
        Self::ALL
            .iter()
            .copied()
            .find(|v| {
                v.code() == wanted
                    || v.label(Lang::Fr).to_lowercase() == s.trim().to_lowercase()
                    || v.label(Lang::En).to_lowercase() == s.trim().to_lowercase()
            })
            .ok_or_else(|| UnknownCode {
                value: s.chars().take(60).collect(),
                vocabulary: Self::NAME,
                expected: Self::ALL
                    .iter()
                    .map(|v| v.code())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident, $label:literal { $( $(#[$vdoc:meta])* $variant:ident = $code:literal, $fr:literal, $en:literal; )+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        pub enum $name {
            $( $(#[$vdoc])* #[doc = concat!("`", $code, "`: ", $en, " / ", $fr)] #[cfg_attr(feature = "ts", ts(rename = $code))] $variant, )+
        }

        impl Vocabulary for $name {
            const ALL: &'static [Self] = &[ $( Self::$variant, )+ ];
            const NAME: &'static str = $label;
            fn code(self) -> &'static str {
                match self { $( Self::$variant => $code, )+ }
            }
            fn label(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $( (Self::$variant, Lang::Fr) => $fr, (Self::$variant, Lang::En) => $en, )+
                }
            }
        }

        impl $name {
            /// The stable code (see [`Vocabulary::code`]).
            pub fn as_code(self) -> &'static str { Vocabulary::code(self) }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.code()) }
        }

        impl FromStr for $name {
            type Err = UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> { <Self as Vocabulary>::parse(s) }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { s.serialize_str(self.code()) }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }

        impl Reconcile for $name {
            type Key<'a> = autosurgeon::reconcile::NoKey;
            fn reconcile<R: Reconciler>(&self, reconciler: R) -> Result<(), R::Error> {
                self.code().reconcile(reconciler)
            }
        }

        impl Hydrate for $name {
            fn hydrate_string(s: &'_ str) -> Result<Self, HydrateError> {
                Self::ALL.iter().copied().find(|v| v.code() == s).ok_or_else(|| {
                    HydrateError::unexpected(concat!("a ", $label), format!("'{s}'"))
                })
            }
        }
    };
}

vocabulary!(
    /// The language of labels and of the interface, as a stored value.
    Language, "language" {
        French = "fr", "Français", "French";
        English = "en", "Anglais", "English";
    }
);

impl From<Language> for Lang {
    fn from(l: Language) -> Self {
        match l {
            Language::French => Lang::Fr,
            Language::English => Lang::En,
        }
    }
}

vocabulary!(
    /// How an observation was made.
    Method, "method" {
        /// Territorial residence / immersion journal entry.
        Residence = "residence", "Résidence territoriale", "Territorial residence";
        /// Following a person through their day.
        Shadowing = "shadowing", "Observation suivie", "Shadowing";
        /// Creative small-group meeting.
        Workshop = "workshop", "Atelier créatif", "Creative workshop";
        /// Individual informal intervention in a living environment.
        Outreach = "outreach", "Intervention de proximité", "Outreach";
        /// Group intervention, open or closed.
        Group = "group", "Intervention de groupe", "Group intervention";
        /// Joint work with partner organisations.
        Partners = "partners", "Travail avec les partenaires", "Work with partners";
        /// A worker's or the team's own reflection.
        Reflection = "reflection", "Réflexion", "Reflection";
    }
);

vocabulary!(
    /// The kind of a place of the territory.
    PlaceKind, "place kind" {
        Cafe = "cafe", "Café", "Coffee shop";
        Park = "park", "Parc", "Park";
        CommunityRoom = "community-room", "Salle communautaire", "Community room";
        School = "school", "École", "School";
        CornerStore = "corner-store", "Dépanneur", "Corner store";
        Clinic = "clinic", "Clinique", "Clinic";
        Library = "library", "Bibliothèque", "Library";
        Storefront = "storefront", "Local de résidence", "Residence storefront";
        Home = "home", "Domicile (porte-à-porte)", "Home (door-to-door)";
        Street = "street", "Rue", "Street";
        Transit = "transit", "Transport en commun", "Public transit";
        PlaceOfWorship = "place-of-worship", "Lieu de culte", "Place of worship";
        CommunityOrganisation = "community-organisation", "Organisme communautaire", "Community organisation";
        Other = "other", "Autre", "Other";
    }
);

vocabulary!(
    /// A barrier to services observed in the field.
    Barrier, "barrier" {
        Language = "language", "Langue", "Language";
        Culture = "culture", "Culture", "Culture";
        SocialIsolation = "social-isolation", "Isolement social", "Social isolation";
        Cost = "cost", "Coût", "Cost";
        Transport = "transport", "Transport", "Transport";
        Hours = "hours", "Heures d'ouverture", "Opening hours";
        Distrust = "distrust", "Méfiance envers les institutions", "Distrust of institutions";
        Awareness = "awareness", "Méconnaissance des services", "Awareness of services";
        DigitalAccess = "digital-access", "Accès numérique", "Digital access";
        Other = "other", "Autre", "Other";
    }
);

vocabulary!(
    /// A need category: social determinants of health, after the Gravity
    /// Project domains.
    NeedCategory, "need category" {
        FoodInsecurity = "food-insecurity", "Insécurité alimentaire", "Food insecurity";
        HousingInstability = "housing-instability", "Instabilité résidentielle", "Housing instability";
        Homelessness = "homelessness", "Itinérance", "Homelessness";
        InadequateHousing = "inadequate-housing", "Logement inadéquat", "Inadequate housing";
        Transportation = "transportation", "Transport", "Transportation insecurity";
        FinancialStrain = "financial-strain", "Difficultés financières", "Financial strain";
        Employment = "employment", "Emploi", "Employment";
        Education = "education", "Éducation", "Education";
        HealthLiteracy = "health-literacy", "Littératie en santé", "Health literacy";
        SocialIsolation = "social-isolation", "Isolement social", "Social isolation";
        Stress = "stress", "Stress", "Stress";
        IntimatePartnerViolence = "intimate-partner-violence", "Violence conjugale", "Intimate partner violence";
        ElderAbuse = "elder-abuse", "Maltraitance des aînés", "Elder abuse";
        DigitalAccess = "digital-access", "Accès et littératie numériques", "Digital access and literacy";
        LanguageIntegration = "language-integration", "Langue et intégration", "Language and integration";
        Legal = "legal", "Juridique", "Legal";
        Other = "other", "Autre", "Other";
    }
);

vocabulary!(
    /// The status of a referral, after the FHIR / Gravity task statuses.
    ReferralStatus, "referral status" {
        Draft = "draft", "Brouillon", "Draft";
        Proposed = "proposed", "Proposée", "Proposed";
        Requested = "requested", "Demandée", "Requested";
        Accepted = "accepted", "Acceptée", "Accepted";
        InProgress = "in-progress", "En cours", "In progress";
        OnHold = "on-hold", "En attente", "On hold";
        Completed = "completed", "Complétée", "Completed";
        Declined = "declined", "Refusée", "Declined";
        Cancelled = "cancelled", "Annulée", "Cancelled";
        /// Contact with the person was lost.
        Failed = "failed", "Contact perdu", "Lost contact";
        EnteredInError = "entered-in-error", "Saisie par erreur", "Entered in error";
    }
);

vocabulary!(
    /// How a referral ended for the person: the service received, in part,
    /// or not and why.
    ReferralOutcome, "referral outcome" {
        Received = "received", "Service reçu", "Service received";
        Partly = "partly", "Service reçu en partie", "Service partly received";
        /// No room: a waiting list, a full group.
        NoRoom = "no-room", "Non reçu\u{a0}: pas de place ou liste d'attente", "Not received: no room or waiting list";
        NotEligible = "not-eligible", "Non reçu\u{a0}: non admissible", "Not received: not eligible";
        /// The person decided not to go.
        PersonDeclined = "person-declined", "Non reçu\u{a0}: la personne a renoncé", "Not received: the person declined";
        /// The person did not go to the appointment.
        NoShow = "no-show", "Non reçu\u{a0}: la personne ne s'est pas présentée", "Not received: the person did not go";
        /// Neither the organisation nor the team could reach the person.
        Unreachable = "unreachable", "Non reçu\u{a0}: personne injoignable", "Not received: the person could not be reached";
        NotReceivedOther = "not-received-other", "Non reçu\u{a0}: autre raison", "Not received: another reason";
    }
);

impl ReferralOutcome {
    /// Whether the person received the service (in full or in part).
    pub fn received(self) -> bool {
        matches!(self, Self::Received | Self::Partly)
    }

    /// The status a referral closes with for this outcome: completed when
    /// the service was received; declined when the organisation could not
    /// take the person; contact lost when no one could reach them or they
    /// did not go; cancelled otherwise.
    pub fn closing_status(self) -> ReferralStatus {
        match self {
            Self::Received | Self::Partly => ReferralStatus::Completed,
            Self::NoRoom | Self::NotEligible => ReferralStatus::Declined,
            Self::Unreachable | Self::NoShow => ReferralStatus::Failed,
            Self::PersonDeclined | Self::NotReceivedOther => ReferralStatus::Cancelled,
        }
    }
}

impl ReferralStatus {
    /// Whether the referral is finished (no more follow-up expected).
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            Self::Completed
                | Self::Declined
                | Self::Cancelled
                | Self::Failed
                | Self::EnteredInError
        )
    }
}

vocabulary!(
    /// What a person consented to.
    ConsentPurpose, "consent purpose" {
        /// The team follows the person up (planned follow-ups).
        FollowUp = "follow-up", "Suivi par l'équipe", "Follow-up by the team";
        /// The team refers the person to organisations.
        Referral = "referral", "Référence vers un organisme", "Referral to an organisation";
        /// The team keeps the person's name, phone and address.
        IdentifyingDetails = "identifying-details", "Conservation des coordonnées", "Keeping contact details";
        /// A referral may name the person to the partner organisation.
        SharingWithPartners = "sharing-with-partners", "Partage de l'identité avec l'organisme partenaire", "Sharing identity with the partner organisation";
        /// The person's referrals count in the team's anonymised synthesis
        /// (the code stays `research`, as stored since the first schema).
        Research = "research", "Utilisation dans la synthèse anonymisée", "Use in the anonymised synthesis";
    }
);

vocabulary!(
    /// How a consent was obtained.
    ConsentMethod, "consent method" {
        Verbal = "verbal", "Verbal", "Verbal";
        Written = "written", "Écrit", "Written";
        Electronic = "electronic", "Électronique", "Electronic";
    }
);

vocabulary!(
    /// An age group, to describe people without identifying them.
    AgeGroup, "age group" {
        Child = "child", "Enfant (0-11)", "Child (0-11)";
        Youth = "youth", "Jeune (12-17)", "Youth (12-17)";
        YoungAdult = "young-adult", "Jeune adulte (18-29)", "Young adult (18-29)";
        Adult = "adult", "Adulte (30-64)", "Adult (30-64)";
        Senior = "senior", "Aîné (65+)", "Senior (65+)";
    }
);

vocabulary!(
    /// Which text of a note a coded passage is in.
    CodedField, "coded text" {
        Body = "body", "Texte de la note", "Note text";
        Story = "story", "Récit", "Story";
        Shadowing = "shadowing", "Observation du suivi", "Shadowing entry";
        Comment = "comment", "Commentaire", "Comment";
    }
);

vocabulary!(
    /// Where a note is in the team's review.
    ReviewStatus, "review status" {
        Draft = "draft", "Brouillon", "Draft";
        ToReview = "to-review", "À réviser", "To review";
        /// Reviewed, and sent back with a comment saying what to change
        /// (ODK Central's "has issues").
        NeedsChanges = "needs-changes", "À corriger", "Needs changes";
        Reviewed = "reviewed", "Révisée", "Reviewed";
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn codes_are_unique<V: Vocabulary>() {
        let mut codes: Vec<_> = V::ALL.iter().map(|v| v.code()).collect();
        codes.sort_unstable();
        let before = codes.len();
        codes.dedup();
        assert_eq!(before, codes.len(), "{} has duplicate codes", V::NAME);
        for v in V::ALL {
            assert!(!v.label(Lang::Fr).is_empty() && !v.label(Lang::En).is_empty());
            assert_eq!(V::parse(v.code()).map(|p| p.code()).ok(), Some(v.code()));
        }
    }

    #[test]
    fn every_vocabulary_round_trips_its_codes() {
        codes_are_unique::<Method>();
        codes_are_unique::<PlaceKind>();
        codes_are_unique::<Barrier>();
        codes_are_unique::<NeedCategory>();
        codes_are_unique::<ReferralStatus>();
        codes_are_unique::<ReferralOutcome>();
        codes_are_unique::<ConsentPurpose>();
        codes_are_unique::<ConsentMethod>();
        codes_are_unique::<AgeGroup>();
        codes_are_unique::<ReviewStatus>();
        codes_are_unique::<Language>();
    }

    #[rstest]
    #[case("in-progress", ReferralStatus::InProgress)]
    #[case("IN_PROGRESS", ReferralStatus::InProgress)]
    #[case("on hold", ReferralStatus::OnHold)]
    #[case("Acceptée", ReferralStatus::Accepted)]
    #[case("lost contact", ReferralStatus::Failed)]
    fn referral_status_accepts_codes_and_labels(#[case] input: &str, #[case] want: ReferralStatus) {
        assert_eq!(input.parse::<ReferralStatus>().expect("known status"), want);
    }

    #[test]
    fn unknown_values_list_the_expected_codes() {
        let err = "telepathy".parse::<Method>().expect_err("not a method");
        let msg = err.to_string();
        assert!(msg.contains("'telepathy' is not a known method"), "{msg}");
        assert!(
            msg.contains("shadowing"),
            "the message lists valid methods: {msg}"
        );
    }

    #[test]
    fn labels_are_bilingual() {
        assert_eq!(
            NeedCategory::FoodInsecurity.label(Lang::Fr),
            "Insécurité alimentaire"
        );
        assert_eq!(
            NeedCategory::FoodInsecurity.label(Lang::En),
            "Food insecurity"
        );
        assert!(ReferralStatus::Completed.is_closed());
        assert!(!ReferralStatus::OnHold.is_closed());
    }
}
