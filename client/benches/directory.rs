//! Benchmark of the directory at size: a region's worth of organisations
//! and services, synthetic (seeded), French and English.
//!
//! `cargo bench -p carnet-client --bench directory` (5,000 services) or
//! `... -- --services N`. Under `cargo test` (no `--bench` argument) it
//! runs a small smoke mode. Measures the directory's list with each
//! filter (words, need and language, sector, due for verification), and
//! exporting and importing the whole directory as HSDS.

use std::time::{Duration, Instant};

use carnet_client::{
    DirectoryFilter, Environment, LocationInput, Notebook, ResourceInput, ServiceInput,
};
use carnet_core::vocab::{NeedCategory, Vocabulary};

/// A small seeded generator (no dependency: the figures must not move
/// with a crate's version).
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn pick<'a, T>(&mut self, list: &'a [T]) -> &'a T {
        &list[self.next() as usize % list.len()]
    }
}

const KINDS: &[&str] = &[
    "Centre communautaire",
    "Maison de la famille",
    "Carrefour jeunesse",
    "Cuisine collective",
    "Épicerie solidaire",
    "Comptoir vestimentaire",
    "Maison des aînés",
    "Halte-répit",
    "Regroupement des locataires",
    "Centre de femmes",
    "Accueil pour immigrants",
    "Table de quartier",
];
const PLACES: &[&str] = &[
    "Montréal-Nord",
    "Saint-Michel",
    "Rivière-des-Prairies",
    "Hochelaga",
    "Mercier-Est",
    "Villeray",
    "Parc-Extension",
    "Fleurimont",
    "Jacques-Cartier",
    "Lennoxville",
    "Ascot",
    "Saint-Léonard",
    "Anjou",
    "Ahuntsic",
    "Côte-des-Neiges",
];
const SERVICES: &[(&str, &str)] = &[
    ("Aide alimentaire", "Food assistance"),
    (
        "Accompagnement aux rendez-vous",
        "Accompaniment to appointments",
    ),
    ("Clinique d'impôts", "Tax clinic"),
    ("Francisation", "French classes"),
    ("Halte-garderie", "Drop-in daycare"),
    ("Visites d'amitié", "Friendly visits"),
    ("Aide au logement", "Housing help"),
    ("Soutien psychosocial", "Psychosocial support"),
    ("Ateliers d'informatique", "Computer workshops"),
    ("Recherche d'emploi", "Job search"),
];
const LANGUAGES: &[&str] = &["fr", "en", "ht", "es", "ar", "pt", "vi", "zh"];

fn generate(n_services: usize) -> Vec<ResourceInput> {
    let mut rng = Seeded(7);
    let per_org = 4;
    (0..n_services.div_ceil(per_org))
        .map(|i| {
            let place = *rng.pick(PLACES);
            let name = format!("{} {} ({i})", rng.pick(KINDS), place);
            ResourceInput {
                name_fr: name.clone(),
                name_en: None,
                description_fr: format!(
                    "{name} accueille les personnes du quartier {place} : écoute, référence et entraide."
                ),
                description_en: format!("Welcomes people of {place}: listening, referral and mutual aid."),
                website: Some(format!("https://organisme-{i}.example.org")),
                phones: vec![format!("514-555-{:04}", rng.next() % 10_000)],
                email: None,
                services: (0..per_org)
                    .map(|_| {
                        let (fr, en) = *rng.pick(SERVICES);
                        ServiceInput {
                            name_fr: fr.into(),
                            name_en: Some(en.into()),
                            description_fr: format!("{fr}, sans rendez-vous ou sur inscription."),
                            needs: vec![*rng.pick(NeedCategory::ALL), *rng.pick(NeedCategory::ALL)],
                            languages: vec!["fr".into(), (*rng.pick(LANGUAGES)).into()],
                            hours: Some("Lun-ven 9 h-17 h".into()),
                            eligibility: Some(format!("Résidents de {place}")),
                            ..ServiceInput::default()
                        }
                    })
                    .collect(),
                locations: vec![LocationInput {
                    name: name.clone(),
                    address: Some(format!("{} rue Principale", 100 + rng.next() % 9_000)),
                    sector: Some(place.into()),
                    ..LocationInput::default()
                }],
            }
        })
        .collect()
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 - 1.0) * p).round() as usize]
}

fn time(nb: &Notebook, label: &str, filters: &[DirectoryFilter]) {
    let mut samples = Vec::new();
    let mut found = 0;
    for _ in 0..5 {
        for f in filters {
            let t = Instant::now();
            found += nb.directory(f).expect("directory").len();
            samples.push(t.elapsed());
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{label:<34} p50 {:.2} ms  p95 {:.2} ms  ({} lists, {:.0} organisations each)",
        ms(percentile(&mut samples, 0.5)),
        ms(percentile(&mut samples, 0.95)),
        samples.len(),
        found as f64 / samples.len() as f64
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let full = args.iter().any(|a| a == "--bench");
    let services: usize = args
        .iter()
        .position(|a| a == "--services")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(if full { 5_000 } else { 200 });
    let dir = tempfile::tempdir().expect("dir");
    let mut nb =
        Notebook::create(dir.path(), "Benchmark", "Bench", Environment::default()).expect("create");
    let orgs = generate(services);
    println!(
        "carnet directory benchmark: {} organisations, {services} services{}",
        orgs.len(),
        if full { "" } else { " (smoke mode)" }
    );
    let t = Instant::now();
    for o in orgs {
        nb.save_resource(None, o).expect("saved");
    }
    println!(
        "added one by one from the form: {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let words: Vec<DirectoryFilter> = [
        "epicerie",
        "clinique impots",
        "Montréal-Nord aide",
        "francisation",
        "rue principale 42",
        "introuvable",
    ]
    .iter()
    .map(|w| DirectoryFilter {
        words: Some((*w).into()),
        ..DirectoryFilter::default()
    })
    .collect();
    time(&nb, "search by words", &words);
    let needs: Vec<DirectoryFilter> = NeedCategory::ALL
        .iter()
        .take(6)
        .map(|n| DirectoryFilter {
            need: Some(*n),
            language: Some("ht".into()),
            ..DirectoryFilter::default()
        })
        .collect();
    time(&nb, "by need and language", &needs);
    let sectors: Vec<DirectoryFilter> = PLACES
        .iter()
        .take(6)
        .map(|p| DirectoryFilter {
            sector: Some((*p).into()),
            ..DirectoryFilter::default()
        })
        .collect();
    time(&nb, "by sector", &sectors);
    time(
        &nb,
        "the whole list, then those due",
        &[
            DirectoryFilter::default(),
            DirectoryFilter {
                unverified_months: Some(12),
                ..DirectoryFilter::default()
            },
        ],
    );

    let out = dir.path().join("hsds");
    let t = Instant::now();
    let n = nb.export_hsds(&out).expect("export");
    println!(
        "HSDS export of {n} organisations: {:.2} s",
        t.elapsed().as_secs_f64()
    );
    let other_dir = tempfile::tempdir().expect("dir");
    let mut other = Notebook::create(other_dir.path(), "Other", "Bench", Environment::default())
        .expect("create");
    let t = Instant::now();
    let report = other.import_hsds(&out).expect("import");
    println!(
        "HSDS import into another notebook: {:.2} s ({} added, {} rows left out)",
        t.elapsed().as_secs_f64(),
        report.added,
        report.rejected.len()
    );
    assert_eq!(report.added as usize, n, "every organisation comes back");
    let t = Instant::now();
    let again = other.import_hsds(&out).expect("import again");
    println!(
        "HSDS import again (every one updated): {:.2} s ({} updated)",
        t.elapsed().as_secs_f64(),
        again.updated
    );
}
