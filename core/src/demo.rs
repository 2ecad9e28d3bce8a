//! A seeded generator of plausible synthetic records, in French and
//! English: a workspace with its codebook, places of the territory, a
//! directory of resources, persons with referrals, and notes of every
//! method with stories and shadowing entries. Used by `carnet demo`, the
//! benchmarks, the tests and the app's first run. It never uses real
//! names: people are pseudonyms and anonymous descriptions.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::ids::{IdGen, ItemId, MemberId, RecordId, SeededIds};
use crate::record::{
    Comment, ListItem, Location, Note, Person, Place, Record, Referral, ReferralFollowUp, Resource,
    Sector, Service, ShadowEntry, StatusChange, Story, TimerSpan, Workspace,
};
use crate::text::LongText;
use crate::time_types::Timestamp;
use crate::vocab::{
    AgeGroup, Barrier, ConsentMethod, ConsentPurpose, Language, Method, NeedCategory, PlaceKind,
    ReferralStatus, ReviewStatus, Vocabulary,
};

const SECTORS: &[(&str, &str)] = &[
    ("ouest", "Secteur ouest"),
    ("centre", "Secteur centre"),
    ("est", "Secteur est"),
    ("nord", "Secteur nord"),
];

const PLACES: &[(&str, PlaceKind)] = &[
    ("Café du coin", PlaceKind::Cafe),
    ("Parc des Érables", PlaceKind::Park),
    (
        "Salle communautaire Saint-Vincent",
        PlaceKind::CommunityRoom,
    ),
    ("École primaire des Saules", PlaceKind::School),
    ("Dépanneur de la 3e avenue", PlaceKind::CornerStore),
    ("Clinique de quartier", PlaceKind::Clinic),
    ("Bibliothèque Henri-Bourassa", PlaceKind::Library),
    ("Local de résidence, boulevard Léger", PlaceKind::Storefront),
    ("Arrêt d'autobus Pie-IX", PlaceKind::Transit),
    ("Centre des loisirs", PlaceKind::CommunityOrganisation),
    ("Laundromat on Rue Charleroi", PlaceKind::Other),
    ("Parc Aimé-Léonard", PlaceKind::Park),
];

const STREETS: &[&str] = &[
    "boulevard Léger",
    "rue Charleroi",
    "avenue Pelletier",
    "rue de Castille",
    "boulevard Pie-IX",
    "rue Wellington",
    "rue King Ouest",
];

const ORGS: &[(&str, &str, NeedCategory)] = &[
    (
        "Banque alimentaire du quartier",
        "Neighbourhood Food Bank",
        NeedCategory::FoodInsecurity,
    ),
    (
        "Comité logement",
        "Housing Committee",
        NeedCategory::HousingInstability,
    ),
    ("Maison des familles", "Family House", NeedCategory::Stress),
    (
        "Centre d'action bénévole",
        "Volunteer Action Centre",
        NeedCategory::SocialIsolation,
    ),
    (
        "Carrefour jeunesse-emploi",
        "Youth Employment Hub",
        NeedCategory::Employment,
    ),
    (
        "Centre d'alphabétisation",
        "Literacy Centre",
        NeedCategory::Education,
    ),
    (
        "Clinique juridique populaire",
        "Community Legal Clinic",
        NeedCategory::Legal,
    ),
    (
        "Accueil des nouveaux arrivants",
        "Newcomer Welcome Centre",
        NeedCategory::LanguageIntegration,
    ),
    (
        "Popote roulante",
        "Meals on Wheels",
        NeedCategory::FoodInsecurity,
    ),
    (
        "Refuge pour femmes",
        "Women's Shelter",
        NeedCategory::IntimatePartnerViolence,
    ),
    (
        "Atelier d'informatique",
        "Computer Skills Workshop",
        NeedCategory::DigitalAccess,
    ),
    (
        "Transport adapté bénévole",
        "Volunteer Transportation",
        NeedCategory::Transportation,
    ),
];

const PEOPLE_FR: &[&str] = &[
    "une mère de trois enfants",
    "un aîné qui vit seul",
    "une jeune femme récemment arrivée",
    "un père monoparental",
    "une adolescente du secteur",
    "un commerçant du quartier",
    "une grand-mère haïtienne",
    "un travailleur de nuit",
    "une étudiante",
    "un couple de retraités",
];

const PEOPLE_EN: &[&str] = &[
    "a mother of three",
    "an older man living alone",
    "a young woman who arrived last year",
    "a single father",
    "a teenager from the sector",
    "a local shopkeeper",
    "a grandmother from Haiti",
    "a night-shift worker",
    "a student",
    "a retired couple",
];

const OBS_FR: &[&str] = &[
    "Discussion informelle avec {p} ({place}). Elle ne savait pas que l'épicerie solidaire existait.",
    "{p} nous explique que le loyer a augmenté de 15 % et qu'il hésite à porter plainte.",
    "Beaucoup de monde {moment} ({place})\u{202f}; plusieurs parents attendent l'autobus avec des poussettes.",
    "{p} raconte que les heures d'ouverture du CLSC ne conviennent pas à son horaire de travail.",
    "Rencontre avec {p}\u{a0}: méfiance envers les institutions après une mauvaise expérience à l'hôpital.",
    "Le dépanneur nous signale qu'un voisin âgé ne sort plus depuis deux semaines.",
    "{p} aimerait suivre des cours de français mais n'a personne pour garder les enfants.",
    "{place}\u{a0}: des jeunes parlent du manque d'activités gratuites le soir.",
    "{p} demande de l'aide pour remplir un formulaire en ligne\u{202f}; pas d'accès à Internet à la maison.",
    "Échange avec l'intervenante de l'école au sujet des familles qui n'utilisent pas la clinique.",
    "Jérôme, le responsable de la salle, propose d'accueillir un repas communautaire chaque jeudi.",
    "{p} confie se sentir isolée depuis le décès de son conjoint.",
];

const OBS_EN: &[&str] = &[
    "Informal chat with {p} ({place}). She did not know the community grocery existed.",
    "{p} tells us the rent went up 15% and is unsure about filing a complaint.",
    "Busy {moment} ({place}); several parents with strollers waiting for the bus.",
    "{p} says the clinic's hours don't fit a night-shift schedule.",
    "Met {p}: distrust of institutions after a bad experience at the hospital.",
    "The corner store clerk mentions an older neighbour who has not gone out for two weeks.",
    "{p} would like to take French classes but has no one to look after the children.",
    "{place}: teenagers talk about the lack of free evening activities.",
    "{p} asks for help with an online form; no internet access at home.",
    "Talked with the school social worker about families who never use the clinic.",
    "The room manager offers to host a community meal every Thursday.",
    "{p} feels isolated since losing a partner last winter.",
];

/// Title templates for each method, in the order of `Method::ALL`.
const TITLES_FR: [&[&str]; 7] = [
    &[
        "Journal de résidence, {place}",
        "{Moment} au local de résidence",
        "{Moment} — {place}",
    ],
    &[
        "Journée d'observation avec {p}",
        "Observation suivie, {street}",
    ],
    &[
        "Atelier de récits",
        "Atelier créatif — {place}",
        "Atelier photo-récit",
    ],
    &[
        "Rencontre — {place}",
        "Porte-à-porte, {street}",
        "Discussion — {place}",
    ],
    &[
        "Soupière du jeudi",
        "Groupe d'entraide des parents",
        "Repas communautaire",
    ],
    &[
        "Rencontre avec les partenaires",
        "Comité de quartier",
        "Table de concertation",
    ],
    &[
        "Réflexion d'équipe",
        "Retour sur la semaine",
        "Ce que j'ai appris — {place}",
    ],
];

const TITLES_EN: [&[&str]; 7] = [
    &[
        "Residence journal, {place}",
        "{Moment} at the residence storefront",
        "{Moment} — {place}",
    ],
    &["Shadowing day with {p}", "Shadowing, {street}"],
    &[
        "Story workshop",
        "Creative workshop — {place}",
        "Photo-story workshop",
    ],
    &[
        "Meeting — {place}",
        "Door-to-door, {street}",
        "Chat — {place}",
    ],
    &[
        "Thursday community meal",
        "Parents' mutual-aid group",
        "Community dinner",
    ],
    &[
        "Partners meeting",
        "Neighbourhood committee",
        "Round table with partners",
    ],
    &[
        "Team reflection",
        "Looking back on the week",
        "What I learned — {place}",
    ],
];

const STORIES_FR: &[&str] = &[
    "Quand je suis arrivée, personne ne m'a expliqué comment inscrire les enfants à l'école.",
    "Le seul endroit où je me sens écouté, c'est la bibliothèque.",
    "On s'entraide entre voisines pour la garde des enfants, mais c'est fragile.",
    "Mon médecin m'a dit de marcher plus, mais le parc n'est pas sûr le soir.",
];

const STORIES_EN: &[&str] = &[
    "When I arrived nobody explained how to register the kids at school.",
    "The library is the only place where I feel listened to.",
    "Neighbours help each other with childcare, but it is fragile.",
    "My doctor told me to walk more, but the park isn't safe at night.",
];

const SHADOW_FR: &[&str] = &[
    "Départ de la maison, attente de l'autobus",
    "Arrivée à l'épicerie, compare les prix longuement",
    "Passage à la pharmacie, file d'attente de 20 minutes",
    "Dîner au centre communautaire",
    "Appel au propriétaire pour une réparation",
    "Retour à pied, s'arrête parler au dépanneur",
];

const SHADOW_EN: &[&str] = &[
    "Leaves home, waits for the bus",
    "At the grocery store, compares prices at length",
    "Pharmacy, 20-minute line",
    "Lunch at the community centre",
    "Calls the landlord about a repair",
    "Walks back, stops to chat at the corner store",
];

const ISSUES_FR: &[&str] = &[
    "Manque de places en garderie",
    "Loyers trop chers",
    "Peu d'activités pour les aînés",
    "Information difficile à trouver",
];
const LEADERS_FR: &[&str] = &[
    "une voisine qui organise déjà l'entraide de l'immeuble",
    "le responsable de la mosquée du secteur",
    "une mère active au comité de parents",
];

/// The pseudonym prefixes of generated persons (codes, never names).
const PSEUDO_PREFIX: &[&str] = &["MN", "SH", "CS"];

/// Words for the time of day of `at` (Montréal's, taken as UTC-5): for
/// a sentence ("ce matin", "this afternoon") and for a title ("Matinée").
fn moment_words(at: Timestamp, french: bool) -> (&'static str, &'static str) {
    let hour = (at.as_millis().div_euclid(3_600_000) - 5).rem_euclid(24);
    match (hour, french) {
        (0..=11, true) => ("ce matin", "Matinée"),
        (12..=16, true) => ("cet après-midi", "Après-midi"),
        (_, true) => ("ce soir", "Soirée"),
        (0..=11, false) => ("morning", "Morning"),
        (12..=16, false) => ("afternoon", "Afternoon"),
        (_, false) => ("evening", "Evening"),
    }
}

/// Generates synthetic records from a seed.
#[derive(Debug)]
pub struct DemoGenerator {
    rng: ChaCha8Rng,
    ids: SeededIds,
    start: Timestamp,
    members: Vec<MemberId>,
    themes: Vec<String>,
    places: Vec<(RecordId, String, PlaceKind)>,
    persons: Vec<RecordId>,
    resources: Vec<(RecordId, String, NeedCategory)>,
    count: u64,
    /// A person's referral, the record that follows theirs.
    referral: Option<(RecordId, Record)>,
}

/// One day in milliseconds.
const DAY_MS: i64 = 86_400_000;

impl DemoGenerator {
    /// A generator whose records span the year before `end`, written by
    /// `members`.
    pub fn new(seed: u64, end: Timestamp, members: Vec<MemberId>) -> Self {
        Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
            ids: SeededIds::new(seed ^ 0x5eed),
            start: Timestamp::from_millis(end.as_millis() - 365 * DAY_MS),
            members,
            themes: Self::theme_codes().collect(),
            places: Vec::new(),
            persons: Vec::new(),
            resources: Vec::new(),
            count: 0,
            referral: None,
        }
    }

    /// The id generator the records were made with (to continue the sequence).
    pub fn ids(&self) -> &dyn IdGen {
        &self.ids
    }

    /// A demo team's workspace: the starter workspace, its members, and
    /// the demo's sectors ([`DemoGenerator::extend`]).
    pub fn workspace(name: &str, members: &[(MemberId, String)]) -> Workspace {
        let mut w = Workspace::starter(name, Language::French);
        for (id, member) in members {
            w.add_member(*id, member);
        }
        Self::extend(&mut w);
        w
    }

    /// Add to a workspace the sectors the demo's records name, keeping
    /// what it has.
    pub fn extend(w: &mut Workspace) {
        for (code, name) in SECTORS {
            if !w.sectors.iter().any(|s| s.code == *code) {
                w.sectors.push(Sector {
                    code: (*code).into(),
                    name: (*name).into(),
                });
            }
        }
    }

    /// The theme codes the demo's notes use: the starter codebook's, so
    /// demo records fit any new team's notebook.
    pub fn theme_codes() -> impl Iterator<Item = String> {
        Workspace::starter("", Language::French)
            .codebook
            .into_iter()
            .map(|t| t.code)
    }

    fn at(&mut self) -> Timestamp {
        // Spread over the year, in working hours (08:00-19:00 local-ish).
        // Days start at midnight UTC, so 13:00-24:00 UTC is 08:00-19:00 in
        // Montréal (UTC-5); the last day is the day before `end`.
        let midnight = self.start.as_millis() - self.start.as_millis().rem_euclid(DAY_MS);
        let day = self.rng.gen_range(1..365);
        let minute = self.rng.gen_range(13 * 60..24 * 60);
        Timestamp::from_millis(midnight + day * DAY_MS + minute * 60_000)
    }

    fn item(&mut self, at: Timestamp) -> ItemId {
        ItemId::generate(&self.ids, at)
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        *from.choose(&mut self.rng).unwrap_or(&from[0])
    }

    fn member(&mut self) -> MemberId {
        let members = self.members.clone();
        self.pick(&members)
    }

    /// The next record and its id. The first ones build the territory
    /// (places, then resources); then roughly one person for nine notes,
    /// most persons followed by their referral (a record of its own).
    pub fn next_record(&mut self) -> (RecordId, Record) {
        if let Some(referral) = self.referral.take() {
            return referral;
        }
        self.count += 1;
        let at = self.at();
        let id = RecordId::generate(&self.ids, at);
        let record = if self.places.len() < PLACES.len() {
            self.place(id)
        } else if self.resources.len() < ORGS.len() {
            self.resource(id, at)
        } else if self.count.is_multiple_of(10) {
            self.person(id, at)
        } else {
            self.note(at)
        };
        (id, record)
    }

    fn place(&mut self, id: RecordId) -> Record {
        let (name, kind) = PLACES[self.places.len()];
        self.places.push((id, name.to_string(), kind));
        let street = self.pick(STREETS);
        let sector = self.pick(SECTORS).0.to_string();
        Record::Place(Place {
            name: name.into(),
            place_kind: kind,
            sector: Some(sector),
            address: Some(format!("{} {}", self.rng.gen_range(1000..12000), street)),
            notes: LongText::new("Lieu fréquenté par les familles du secteur. / Place used by families of the sector."),
        })
    }

    fn resource(&mut self, id: RecordId, at: Timestamp) -> Record {
        let (fr, en, need) = ORGS[self.resources.len()];
        self.resources.push((id, fr.to_string(), need));
        let street = self.pick(STREETS);
        let service = Service {
            id: self.item(at),
            name_fr: "Accueil et accompagnement".into(),
            name_en: Some("Welcome and support".into()),
            description_fr: LongText::new(format!(
                "Service d'accueil sans rendez-vous. {fr} accompagne les personnes du quartier."
            )),
            description_en: LongText::new(format!(
                "Walk-in service. {en} supports people of the neighbourhood."
            )),
            needs: vec![need],
            eligibility: Some("Résidents du quartier / Neighbourhood residents".into()),
            languages: vec![
                "fr".into(),
                "en".into(),
                if self.rng.gen_bool(0.5) {
                    "ht".into()
                } else {
                    "es".into()
                },
            ],
            fees: Some("Gratuit / Free".into()),
            hours: Some("Lun-ven 9 h-17 h / Mon-Fri 9am-5pm".into()),
            how_to_apply: Some("Se présenter ou téléphoner / Walk in or call".into()),
            retired: false,
            external_id: None,
        };
        let location = Location {
            id: self.item(at),
            name: fr.to_string(),
            address: Some(format!("{} {}", self.rng.gen_range(1000..12000), street)),
            sector: Some(self.pick(SECTORS).0.to_string()),
            retired: false,
            external_id: None,
        };
        Record::Resource(Box::new(Resource {
            name_fr: fr.into(),
            name_en: Some(en.into()),
            description_fr: LongText::new(format!(
                "{fr}\u{a0}: organisme communautaire du quartier."
            )),
            description_en: LongText::new(format!(
                "{en}: a community organisation of the neighbourhood."
            )),
            website: None,
            phones: vec![format!("514-555-{:04}", self.rng.gen_range(0..10000))],
            email: None,
            services: vec![service],
            locations: vec![location],
            last_verified: Some(at.day()),
            verified_by: None,
            retired: None,
            external_id: None,
        }))
    }

    fn person(&mut self, id: RecordId, at: Timestamp) -> Record {
        self.persons.push(id);
        let prefix = self.pick(PSEUDO_PREFIX);
        let author = self.member();
        let mut p = Person::new(format!("{prefix}-{:04}", self.persons.len()), author, at);
        p.age_group = Some(self.pick(AgeGroup::ALL));
        p.languages = vec![if self.rng.gen_bool(0.7) { "fr" } else { "en" }.into()];
        p.sector = Some(self.pick(SECTORS).0.to_string());
        p.needs = vec![self.pick(NeedCategory::ALL)];
        p.consents.push(crate::record::Consent {
            id: self.item(at),
            purpose: ConsentPurpose::FollowUp,
            given: true,
            at,
            recorded_by: author,
            how: ConsentMethod::Verbal,
        });
        p.notes = LongText::new(if self.rng.gen_bool(0.6) {
            "Rencontrée lors d'une tournée de proximité. Souhaite être rappelée en après-midi."
        } else {
            "Met during outreach. Prefers to be called in the afternoon."
        });
        if !self.resources.is_empty() && self.rng.gen_bool(0.8) {
            let (rid, name, need) =
                self.resources[self.rng.gen_range(0..self.resources.len())].clone();
            let path = [
                ReferralStatus::Proposed,
                ReferralStatus::Requested,
                ReferralStatus::Accepted,
                ReferralStatus::InProgress,
                ReferralStatus::Completed,
            ];
            let steps = self.rng.gen_range(1..=path.len());
            let mut history = Vec::new();
            for (i, s) in path.iter().take(steps).enumerate() {
                let t = Timestamp::from_millis(at.as_millis() + i as i64 * 3 * DAY_MS);
                history.push(StatusChange {
                    id: self.item(t),
                    status: *s,
                    at: t,
                    by: author,
                    note: (i == 0).then(|| "Premier contact / First contact".to_string()),
                });
            }
            let due = at.day().plus_days(14);
            let rid_record = RecordId::generate(&self.ids, at);
            let referral = Referral {
                id: ItemId::from_uuid(*rid_record.as_uuid()),
                service: format!("{name} — Accueil et accompagnement"),
                resource_id: Some(rid),
                need,
                made_at: at,
                status: path[steps - 1],
                history,
                follow_ups: vec![ReferralFollowUp {
                    id: self.item(at),
                    due,
                    done: steps == path.len(),
                    note: Some("Appeler pour savoir si le premier rendez-vous a eu lieu".into()),
                }],
                outcome: (steps == path.len())
                    .then(|| "Inscrite et satisfaite / Enrolled and satisfied".to_string()),
                result: (path[steps - 1] == ReferralStatus::Completed)
                    .then_some(crate::vocab::ReferralOutcome::Received),
                service_id: None,
                share_identity: false,
            };
            self.referral = Some((
                rid_record,
                Record::Referral(Box::new(crate::record::ReferralRecord {
                    person: id,
                    pseudonym: p.pseudonym.clone(),
                    made_by: author,
                    referral,
                    identity: None,
                    messages: vec![],
                })),
            ));
        }
        Record::Person(Box::new(p))
    }

    /// A template filled for one note: its person, its own place (the
    /// place the note is filed at), a street, and words for its time of
    /// day, so that generated text agrees with the note it is in.
    fn fill(
        &mut self,
        template: &str,
        person: &str,
        place: &str,
        at: Timestamp,
        french: bool,
    ) -> String {
        let street = self.pick(STREETS);
        let (moment, title_moment) = moment_words(at, french);
        template
            .replace("{p}", person)
            .replace("{place}", place)
            .replace("{street}", street)
            .replace("{moment}", moment)
            .replace("{Moment}", title_moment)
    }

    /// The place a note of `method` is filed at: the residence storefront
    /// for a residence note, a room for a workshop or a group, any place
    /// of the territory otherwise.
    fn place_for(&mut self, method: Method) -> Option<(RecordId, String, PlaceKind)> {
        let fitting: Vec<(RecordId, String, PlaceKind)> = self
            .places
            .iter()
            .filter(|(_, _, kind)| match method {
                Method::Residence => *kind == PlaceKind::Storefront,
                Method::Workshop | Method::Group => matches!(
                    kind,
                    PlaceKind::CommunityRoom
                        | PlaceKind::CommunityOrganisation
                        | PlaceKind::Library
                        | PlaceKind::School
                ),
                _ => true,
            })
            .cloned()
            .collect();
        let from = if fitting.is_empty() {
            &self.places
        } else {
            &fitting
        };
        from.choose(&mut self.rng).cloned()
    }

    fn note(&mut self, at: Timestamp) -> Record {
        let method = self.pick(Method::ALL);
        let french = self.rng.gen_bool(0.65);
        let (titles, obs, people) = if french {
            (TITLES_FR, OBS_FR, PEOPLE_FR)
        } else {
            (TITLES_EN, OBS_EN, PEOPLE_EN)
        };
        let person = self.pick(people);
        let index = Method::ALL.iter().position(|m| *m == method).unwrap_or(0);
        let place = self.place_for(method);
        let place_name = place
            .as_ref()
            .map_or_else(|| "parc".to_string(), |p| p.1.clone());
        let title_t = self.pick(titles[index]);
        let title = self.fill(title_t, person, &place_name, at, french);
        let author = self.member();
        let mut n = Note::new(method, title, author, at);
        let paragraphs = self.rng.gen_range(1..=3);
        let body: Vec<String> = (0..paragraphs)
            .map(|_| {
                let t = self.pick(obs);
                let p = self.pick(people);
                let s = self.fill(t, p, &place_name, at, french);
                let mut c = s.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            })
            .collect();
        n.body = LongText::new(body.join("\n\n"));
        n.duration_minutes = Some(self.rng.gen_range(2..=24) * 10);
        if let Some((pid, name, kind)) = place {
            if self.rng.gen_bool(0.7) {
                n.place_id = Some(pid);
            }
            n.place_text = Some(name);
            n.place_kind = Some(kind);
        }
        n.sector = Some(self.pick(SECTORS).0.to_string());
        n.participants.count = Some(match method {
            Method::Workshop | Method::Group => self.rng.gen_range(4..=20),
            _ => self.rng.gen_range(1..=3),
        });
        n.participants.age_groups = vec![self.pick(AgeGroup::ALL)];
        n.participants.languages = vec![if french { "fr" } else { "en" }.into()];
        let themes = self.rng.gen_range(1..=3);
        let mut codes: Vec<String> = self
            .themes
            .choose_multiple(&mut self.rng, themes)
            .cloned()
            .collect();
        codes.sort();
        n.themes = codes;
        if self.rng.gen_bool(0.5) {
            n.barriers = vec![self.pick(Barrier::ALL)];
        }
        if self.rng.gen_bool(0.6) {
            n.needs = vec![self.pick(NeedCategory::ALL)];
        }
        if self.rng.gen_bool(0.25) {
            n.follow_up.needed = true;
            n.follow_up.due = Some(at.day().plus_days(self.rng.gen_range(1..21)));
            n.follow_up.what = Some(if french {
                "Rappeler pour l'inscription à l'épicerie solidaire".into()
            } else {
                "Call back about registering at the community grocery".into()
            });
        }
        if !self.persons.is_empty() && self.rng.gen_bool(0.1) {
            n.persons = vec![self.persons[self.rng.gen_range(0..self.persons.len())]];
        }
        n.review = self.pick(ReviewStatus::ALL);
        match method {
            Method::Shadowing => {
                let entries = self.rng.gen_range(3..=6);
                let texts: Vec<&str> = (if french { SHADOW_FR } else { SHADOW_EN })
                    .choose_multiple(&mut self.rng, entries)
                    .copied()
                    .collect();
                let count = texts.len() as i64;
                for (i, text) in texts.into_iter().enumerate() {
                    let t = Timestamp::from_millis(at.as_millis() + i as i64 * 40 * 60_000);
                    n.shadowing.push(ShadowEntry {
                        id: self.item(t),
                        at: t,
                        place: (i == 0).then(|| place_name.clone()),
                        text: LongText::new(text),
                    });
                }
                // The timer ran from the first entry to 40 minutes after
                // the last, and the shadowing was finished.
                let end = Timestamp::from_millis(at.as_millis() + count * 40 * 60_000);
                n.timer.spans.push(TimerSpan {
                    id: self.item(at),
                    start: at,
                    end: Some(end),
                });
                n.timer.finished_at = Some(end);
                n.duration_minutes = n.timer.minutes(end);
            }
            Method::Workshop => {
                for _ in 0..self.rng.gen_range(1..=3) {
                    let text = self.pick(if french { STORIES_FR } else { STORIES_EN });
                    let told_by = self.pick(people);
                    n.stories.push(Story {
                        id: self.item(at),
                        told_by: Some(told_by.into()),
                        text: LongText::new(text),
                    });
                }
                let issue = self.pick(ISSUES_FR);
                n.issues_raised.push(ListItem {
                    id: self.item(at),
                    text: issue.into(),
                });
                if self.rng.gen_bool(0.5) {
                    let leader = self.pick(LEADERS_FR);
                    n.leaders.push(ListItem {
                        id: self.item(at),
                        text: leader.into(),
                    });
                }
            }
            Method::Group => n.group_open = Some(self.rng.gen_bool(0.6)),
            Method::Partners => {
                n.partners = ORGS
                    .choose_multiple(&mut self.rng, 2)
                    .map(|o| o.0.to_string())
                    .collect();
            }
            _ => {}
        }
        // Sent back, a comment says what to change; else, sometimes, a word.
        let comment = if n.review == ReviewStatus::NeedsChanges {
            Some(if french {
                "À corriger\u{a0}: préciser le lieu et l'heure de la rencontre."
            } else {
                "Needs changes: say where and when the meeting was."
            })
        } else if self.rng.gen_bool(0.15) {
            Some(if french {
                "Bonne piste, à discuter en réunion d'équipe."
            } else {
                "Good lead, let's discuss at the team meeting."
            })
        } else {
            None
        };
        if let Some(text) = comment {
            let by = self.member();
            n.comments.push(Comment {
                id: self.item(at),
                author: by,
                at,
                text: LongText::new(text),
                reply_to: None,
                mentions: Vec::new(),
                edited_at: None,
                deleted: false,
            });
        }
        Record::Note(Box::new(n))
    }
}

/// Code a demo note as its author would, in a change of its own: one
/// note in two (those whose body has an even number of characters), its
/// first sentence with its first theme and, when it has a second theme
/// and a second sentence, that sentence with it. Returns the change's
/// bytes (empty when nothing was coded). Deterministic, like the
/// generator.
pub fn code_passages(
    doc: &mut crate::document::RecordDoc,
    actor: &crate::document::Actor,
    at: Timestamp,
    ids: &dyn IdGen,
) -> Result<Vec<u8>, crate::error::CoreError> {
    use crate::record::Coding;
    use crate::vocab::CodedField;
    let Ok(Record::Note(note)) = doc.record() else {
        return Ok(Vec::new());
    };
    let body: Vec<char> = note.body.as_str().chars().collect();
    if note.themes.is_empty() || !body.len().is_multiple_of(2) {
        return Ok(Vec::new());
    }
    // Sentences: runs of characters up to a full stop or a line break.
    let mut sentences = Vec::new();
    let mut start = 0;
    for (i, c) in body.iter().enumerate() {
        if matches!(c, '.' | '\n' | '!' | '?') {
            if i > start {
                sentences.push((start, i));
            }
            start = i + 1;
        }
    }
    if body.len() > start {
        sentences.push((start, body.len()));
    }
    let sentences: Vec<(usize, usize)> = sentences
        .into_iter()
        .map(|(s, e)| {
            let lead = body[s..e].iter().take_while(|c| c.is_whitespace()).count();
            (s + lead, e)
        })
        .filter(|(s, e)| e > s)
        .collect();
    let mut codings = Vec::new();
    for (theme, (s, e)) in note.themes.iter().zip(sentences.iter()).take(2) {
        let anchor = doc.anchor(CodedField::Body, None, *s, *e, None)?;
        codings.push(Coding {
            id: ItemId::generate(ids, at),
            theme: theme.clone(),
            coder: note.author,
            at,
            field: CodedField::Body,
            item: None,
            start: anchor.start,
            end: anchor.end,
        });
    }
    if codings.is_empty() {
        return Ok(Vec::new());
    }
    let ((), bytes) = doc.edit::<_, crate::error::CoreError>(
        actor,
        at,
        &crate::validate::Codebook::any(),
        |r| {
            if let Record::Note(n) = r {
                n.codings.extend(codings);
            }
            Ok(())
        },
    )?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::Codebook;

    fn members() -> Vec<MemberId> {
        let ids = SeededIds::new(9);
        (0..3)
            .map(|_| MemberId::generate(&ids, Timestamp::from_millis(0)))
            .collect()
    }

    #[test]
    fn generated_records_are_valid_and_cover_every_kind_and_method() {
        let ws = DemoGenerator::workspace("Démo", &[]);
        let codebook = Codebook::of(&ws);
        let mut g = DemoGenerator::new(42, Timestamp::from_millis(1_790_000_000_000), members());
        let mut methods = std::collections::BTreeSet::new();
        let mut kinds = std::collections::BTreeSet::new();
        for _ in 0..400 {
            let (_, r) = g.next_record();
            r.validate(&codebook).expect("generated records are valid");
            kinds.insert(r.kind());
            if let Record::Note(n) = &r {
                methods.insert(n.method);
            }
        }
        assert_eq!(methods.len(), Method::ALL.len(), "every method appears");
        assert_eq!(
            kinds.len(),
            5,
            "notes, persons, referrals, places and resources appear"
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_records() {
        let end = Timestamp::from_millis(1_790_000_000_000);
        let mut a = DemoGenerator::new(7, end, members());
        let mut b = DemoGenerator::new(7, end, members());
        for _ in 0..50 {
            assert_eq!(a.next_record(), b.next_record());
        }
    }

    #[test]
    fn generated_text_agrees_with_its_own_time_place_and_method() {
        let mut g = DemoGenerator::new(5, Timestamp::from_millis(1_790_000_000_000), members());
        let place_names: Vec<&str> = PLACES.iter().map(|p| p.0).collect();
        let mut checked = 0;
        for _ in 0..2_000 {
            let (_, Record::Note(n)) = g.next_record() else {
                continue;
            };
            let hour = (n.occurred_at.as_millis().div_euclid(3_600_000) - 5).rem_euclid(24);
            let text = format!("{} {}", n.title, n.body.as_str());
            assert!((8..19).contains(&hour), "a note at {hour} h: {text}");
            for (word, hours) in [
                ("ce matin", 0..12),
                ("Matinée", 0..12),
                ("Busy morning", 0..12),
                ("Morning ", 0..12),
                ("cet après-midi", 12..17),
                ("Après-midi", 12..17),
                ("Busy afternoon", 12..17),
                ("Afternoon ", 12..17),
                ("ce soir", 17..24),
                ("Soirée", 17..24),
                ("Busy evening", 17..24),
                ("Evening ", 17..24),
            ] {
                assert!(
                    !text.contains(word) || hours.contains(&hour),
                    "'{word}' in a note of {hour} h: {text}"
                );
            }
            // A place named in the note is the place it is filed at.
            for name in place_names.iter().filter(|p| text.contains(**p)) {
                assert_eq!(n.place_text.as_deref(), Some(*name), "{text}");
            }
            if n.method == Method::Residence {
                assert_eq!(n.place_kind, Some(PlaceKind::Storefront), "{text}");
            }
            if n.method == Method::Shadowing {
                assert!(n.timer.finished_at.is_some());
                assert_eq!(n.duration_minutes, n.timer.minutes(n.occurred_at));
            }
            checked += 1;
        }
        assert!(checked > 1_000, "{checked} notes");
    }
}
