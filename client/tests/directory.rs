//! The directory the team keeps: organisations with their services and
//! locations added, edited, verified and retired, refused when malformed;
//! found by need, language, sector and words (accents ignored); and the
//! whole directory in and out as Open Referral HSDS, the export checked
//! against its published descriptor and imported back, a real-shaped
//! package with bad rows reported by file and line.

mod common;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use carnet_client::{DirectoryFilter, LocationInput, Notebook, ResourceInput, ServiceInput};
use carnet_core::vocab::NeedCategory;
use carnet_core::Day;
use common::notebook;

fn food_bank() -> ResourceInput {
    ResourceInput {
        name_fr: "  Épicerie solidaire du Nord  ".into(),
        name_en: Some("North Solidarity Grocery".into()),
        description_fr: "Paniers à bas prix pour les familles.".into(),
        description_en: "Low-cost baskets for families.".into(),
        website: Some("epicerie-nord.example.org".into()),
        phones: vec![
            "514-555-0101".into(),
            " 514-555-0101 ".into(),
            "514-555-0102".into(),
        ],
        email: Some("info@epicerie-nord.example.org".into()),
        services: vec![
            ServiceInput {
                name_fr: "Paniers hebdomadaires".into(),
                name_en: Some("Weekly baskets".into()),
                needs: vec![NeedCategory::FoodInsecurity, NeedCategory::FoodInsecurity],
                languages: vec!["FR".into(), "ht".into()],
                hours: Some("Mardi 13 h-17 h".into()),
                eligibility: Some("Résidents de Montréal-Nord".into()),
                ..ServiceInput::default()
            },
            ServiceInput {
                name_fr: "Cuisine collective".into(),
                needs: vec![NeedCategory::SocialIsolation],
                languages: vec!["fr".into(), "es".into()],
                ..ServiceInput::default()
            },
        ],
        locations: vec![LocationInput {
            name: "Local principal".into(),
            address: Some("4500 boulevard Henri-Bourassa Est".into()),
            sector: Some("Nord-Est".into()),
            ..LocationInput::default()
        }],
    }
}

fn all(nb: &Notebook) -> Vec<carnet_client::ResourceSummary> {
    nb.directory(&DirectoryFilter {
        include_retired: true,
        ..DirectoryFilter::default()
    })
    .expect("directory")
}

#[test]
fn a_team_adds_edits_verifies_and_retires_its_organisations() {
    let (_dir, mut nb) = notebook(801);
    let id = nb.save_resource(None, food_bank()).expect("added");
    let r = nb.resource(id).expect("read");
    assert_eq!(r.name_fr, "Épicerie solidaire du Nord", "trimmed");
    assert_eq!(
        r.website.as_deref(),
        Some("https://epicerie-nord.example.org")
    );
    assert_eq!(
        r.phones,
        vec!["514-555-0101", "514-555-0102"],
        "each phone once"
    );
    assert_eq!(r.services[0].needs, vec![NeedCategory::FoodInsecurity]);
    assert_eq!(
        r.services[0].languages,
        vec!["fr", "ht"],
        "codes lowercased"
    );
    assert_eq!(
        r.last_verified,
        Some(nb.now().day()),
        "a new entry is verified today"
    );
    assert_eq!(r.verified_by, Some(nb.member()));

    // Edit: a service renamed and one retired, a location added; ids stay.
    let mut form = ResourceInput::from(&r);
    let (first, second) = (r.services[0].id, r.services[1].id);
    form.services[0].name_fr = "Paniers de la semaine".into();
    form.services[1].retired = true;
    form.locations.push(LocationInput {
        name: "Point de service Pie-IX".into(),
        sector: Some("Ouest".into()),
        ..LocationInput::default()
    });
    nb.save_resource(Some(id), form).expect("saved");
    let r = nb.resource(id).expect("read");
    assert_eq!(r.services[0].id, first);
    assert_eq!(r.services[0].name_fr, "Paniers de la semaine");
    assert_eq!(r.services[1].id, second);
    assert!(r.services[1].retired);
    assert_eq!(r.locations.len(), 2);
    let summary = &all(&nb)[0];
    assert_eq!(summary.services, 1, "the retired service is not counted");
    assert_eq!(
        summary.needs,
        vec![NeedCategory::FoodInsecurity],
        "nor its needs"
    );
    assert_eq!(summary.languages, vec!["fr", "ht"], "nor its languages");
    assert_eq!(summary.sectors, vec!["Nord-Est", "Ouest"]);

    // Retire: out of the pickers and the default list, kept for referrals.
    nb.retire_resource(id, true).expect("retired");
    assert!(nb.list_resources(None, None).expect("list").is_empty());
    assert!(nb
        .directory(&DirectoryFilter::default())
        .expect("list")
        .is_empty());
    let listed = all(&nb);
    assert_eq!(listed.len(), 1);
    assert!(listed[0].retired);
    nb.retire_resource(id, false).expect("back");
    assert_eq!(nb.list_resources(None, None).expect("list").len(), 1);
}

#[test]
fn a_malformed_organisation_is_refused_and_nothing_changes() {
    let (_dir, mut nb) = notebook(802);
    let id = nb.save_resource(None, food_bank()).expect("added");
    let before = nb.resource(id).expect("read");
    let cases: Vec<(ResourceInput, &str)> = vec![
        (
            ResourceInput {
                name_fr: "   ".into(),
                ..food_bank()
            },
            "name in French",
        ),
        (
            ResourceInput {
                email: Some("info at example".into()),
                ..food_bank()
            },
            "not an email address",
        ),
        (
            ResourceInput {
                website: Some("https://exa mple.org".into()),
                ..food_bank()
            },
            "not a website address",
        ),
        (
            ResourceInput {
                services: vec![ServiceInput {
                    name_fr: "".into(),
                    ..ServiceInput::default()
                }],
                ..food_bank()
            },
            "service 1 has no name",
        ),
        (
            ResourceInput {
                services: vec![ServiceInput {
                    name_fr: "Aide".into(),
                    languages: vec!["français".into()],
                    ..ServiceInput::default()
                }],
                ..food_bank()
            },
            "not a language code",
        ),
        (
            ResourceInput {
                locations: vec![LocationInput::default()],
                ..food_bank()
            },
            "location 1 has no name",
        ),
    ];
    for (input, expected) in cases {
        let err = nb.save_resource(Some(id), input).expect_err("refused");
        assert!(
            err.to_string().contains(expected),
            "{err} should say {expected}"
        );
    }
    assert_eq!(nb.resource(id).expect("read"), before, "nothing changed");
    assert_eq!(all(&nb).len(), 1, "nothing added");
}

#[test]
fn the_directory_is_found_by_need_language_sector_and_words_without_accents() {
    let (_dir, mut nb) = notebook(803);
    let food = nb.save_resource(None, food_bank()).expect("added");
    let clinic = nb
        .save_resource(
            None,
            ResourceInput {
                name_fr: "Clinique de quartier".into(),
                services: vec![ServiceInput {
                    name_fr: "Infirmière sans rendez-vous".into(),
                    needs: vec![NeedCategory::HealthLiteracy],
                    languages: vec!["en".into(), "fr".into()],
                    ..ServiceInput::default()
                }],
                locations: vec![LocationInput {
                    name: "Clinique".into(),
                    sector: Some("Ouest".into()),
                    ..LocationInput::default()
                }],
                ..ResourceInput::default()
            },
        )
        .expect("added");
    let find = |nb: &Notebook, f: DirectoryFilter| -> Vec<_> {
        nb.directory(&f)
            .expect("found")
            .into_iter()
            .map(|r| r.id)
            .collect()
    };
    let words = |w: &str| DirectoryFilter {
        words: Some(w.into()),
        ..DirectoryFilter::default()
    };
    assert_eq!(
        find(&nb, words("EPICERIE")),
        vec![food],
        "accents and case ignored"
    );
    assert_eq!(
        find(&nb, words("infirmiere rendez")),
        vec![clinic],
        "every word, in services"
    );
    assert_eq!(
        find(&nb, words("henri-bourassa")),
        vec![food],
        "in addresses"
    );
    assert!(
        find(&nb, words("epicerie clinique")).is_empty(),
        "every word must match"
    );
    assert_eq!(
        find(
            &nb,
            DirectoryFilter {
                need: Some(NeedCategory::HealthLiteracy),
                ..Default::default()
            }
        ),
        vec![clinic]
    );
    assert_eq!(
        find(
            &nb,
            DirectoryFilter {
                language: Some("ht".into()),
                ..Default::default()
            }
        ),
        vec![food]
    );
    assert_eq!(
        find(
            &nb,
            DirectoryFilter {
                sector: Some("ouest".into()),
                ..Default::default()
            }
        ),
        vec![clinic]
    );
    // Verification: both verified today, so none is due; the clinic was
    // never verified once its date is cleared.
    let due = DirectoryFilter {
        unverified_months: Some(6),
        ..Default::default()
    };
    assert!(find(&nb, due.clone()).is_empty());
    nb.edit_resource(clinic, |r| {
        r.last_verified = None;
        Ok(())
    })
    .expect("cleared");
    assert_eq!(
        find(&nb, due.clone()),
        vec![clinic],
        "never verified is due"
    );
    nb.edit_resource(food, |r| {
        r.last_verified = Some(Day::from_ymd(2026, 5, 19).expect("day"));
        Ok(())
    })
    .expect("old");
    assert_eq!(find(&nb, due).len(), 2, "six months and a day ago is due");
    nb.verify_resource(clinic).expect("verified");
    let r = nb.resource(clinic).expect("read");
    assert_eq!(r.last_verified, Some(nb.now().day()));
    assert_eq!(r.verified_by, Some(nb.member()));
}

/// Check a datapackage's CSV files against its descriptor, as Frictionless
/// Table Schema reads it: the fields in order, required ones filled,
/// formats (uuid, email, uri), dates, enums, unique and primary keys, and
/// foreign keys that resolve.
fn validate_package(dir: &Path) -> HashMap<String, Vec<HashMap<String, String>>> {
    let descriptor: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("datapackage.json")).expect("descriptor"),
    )
    .expect("json");
    let published: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/schemas/hsds-datapackage.json"),
        )
        .expect("published"),
    )
    .expect("json");
    assert_eq!(
        descriptor, published,
        "the package carries the published descriptor"
    );
    assert_eq!(descriptor["profile"], "tabular-data-package");
    let mut tables: HashMap<String, Vec<HashMap<String, String>>> = HashMap::new();
    let resources = descriptor["resources"].as_array().expect("resources");
    for res in resources {
        let name = res["name"].as_str().expect("name").to_string();
        let path = dir.join(res["path"].as_str().expect("path"));
        let mut reader = csv::Reader::from_path(&path).expect("csv");
        let header: Vec<String> = reader
            .headers()
            .expect("header")
            .iter()
            .map(str::to_string)
            .collect();
        let fields = res["schema"]["fields"].as_array().expect("fields");
        let names: Vec<&str> = fields
            .iter()
            .map(|f| f["name"].as_str().expect("field"))
            .collect();
        assert_eq!(header, names, "{name}: the descriptor's fields, in order");
        let mut rows = Vec::new();
        let mut unique: HashMap<&str, HashSet<String>> = HashMap::new();
        for (i, record) in reader.records().enumerate() {
            let record = record.expect("row");
            let row: HashMap<String, String> = header
                .iter()
                .cloned()
                .zip(record.iter().map(str::to_string))
                .collect();
            for f in fields {
                let field = f["name"].as_str().expect("name");
                let value = &row[field];
                let at = format!("{name}.csv line {}, {field} = {value:?}", i + 2);
                if value.is_empty() {
                    assert!(f["constraints"]["required"] != true, "{at}: required");
                    continue;
                }
                match f["format"].as_str() {
                    Some("uuid") => assert!(uuid::Uuid::parse_str(value).is_ok(), "{at}: a uuid"),
                    Some("email") => assert!(
                        value.contains('@') && !value.contains(' '),
                        "{at}: an email"
                    ),
                    Some("uri") => assert!(value.starts_with("http"), "{at}: a uri"),
                    _ => {}
                }
                if f["type"] == "date" {
                    assert!(value.parse::<Day>().is_ok(), "{at}: a date");
                }
                if let Some(allowed) = f["constraints"]["enum"].as_array() {
                    assert!(
                        allowed.iter().any(|a| a == value.as_str()),
                        "{at}: one of {allowed:?}"
                    );
                }
                if f["constraints"]["unique"] == true {
                    assert!(
                        unique.entry(field).or_default().insert(value.clone()),
                        "{at}: unique"
                    );
                }
            }
            rows.push(row);
        }
        tables.insert(name, rows);
    }
    for res in resources {
        let name = res["name"].as_str().expect("name");
        for fk in res["schema"]["foreignKeys"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let field = fk["fields"].as_str().expect("fk field");
            let target = fk["reference"]["resource"].as_str().expect("fk resource");
            let ids: HashSet<&String> = tables[target].iter().map(|r| &r["id"]).collect();
            for row in &tables[name] {
                let v = &row[field];
                assert!(
                    v.is_empty() || ids.contains(v),
                    "{name}.{field} = {v} is an id of {target}"
                );
            }
        }
    }
    tables
}

#[test]
fn the_export_follows_its_descriptor_and_comes_back_whole() {
    let (dir, mut nb) = notebook(804);
    let food = nb.save_resource(None, food_bank()).expect("added");
    let retired = nb
        .save_resource(
            None,
            ResourceInput {
                name_fr: "Halte-garderie fermée".into(),
                services: vec![ServiceInput {
                    name_fr: "Halte".into(),
                    needs: vec![NeedCategory::Employment],
                    ..ServiceInput::default()
                }],
                ..ResourceInput::default()
            },
        )
        .expect("added");
    nb.retire_resource(retired, true).expect("retired");
    let out = dir.path().join("hsds");
    assert_eq!(nb.export_hsds(&out).expect("exported"), 2);
    let tables = validate_package(&out);
    assert_eq!(tables["organizations"].len(), 2);
    assert_eq!(tables["services"].len(), 3);
    let halte = tables["services"]
        .iter()
        .find(|s| s["name"] == "Halte")
        .expect("service");
    assert_eq!(
        halte["status"], "inactive",
        "a retired organisation's services are inactive"
    );
    assert!(tables["attributes"].len() >= 3, "each service's needs");
    assert_eq!(tables["languages"].len(), 4);

    // Into another team's notebook: the same directory.
    let (_other_dir, mut other) = notebook(805);
    let report = other.import_hsds(&out).expect("imported");
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    assert_eq!((report.added, report.updated, report.services), (2, 0, 3));
    let copy_id = other
        .directory(&DirectoryFilter {
            words: Some("epicerie".into()),
            ..Default::default()
        })
        .expect("found")[0]
        .id;
    let (a, b) = (
        nb.resource(food).expect("a"),
        other.resource(copy_id).expect("b"),
    );
    assert_eq!(a.name_fr, b.name_fr);
    assert_eq!(a.name_en, b.name_en);
    assert_eq!(a.description_en, b.description_en);
    assert_eq!(a.phones, b.phones);
    assert_eq!(a.email, b.email);
    assert_eq!(a.website, b.website);
    assert_eq!(a.last_verified, b.last_verified);
    for (x, y) in a.services.iter().zip(&b.services) {
        assert_eq!(
            (&x.name_fr, &x.needs, &x.languages, &x.hours, &x.eligibility),
            (&y.name_fr, &y.needs, &y.languages, &y.hours, &y.eligibility)
        );
    }
    assert_eq!(b.locations[0].address, a.locations[0].address);
    assert_eq!(b.locations[0].sector.as_deref(), Some("Nord-Est"));
    let listed = all(&other);
    assert!(
        listed
            .iter()
            .any(|r| r.retired && r.name == "Halte-garderie fermée"),
        "retired stays retired"
    );

    // Imported again (here, and back into the first notebook): updated, never doubled.
    let again = other.import_hsds(&out).expect("again");
    assert_eq!((again.added, again.updated), (0, 2));
    assert_eq!(all(&other).len(), 2);
    let home = nb.import_hsds(&out).expect("home");
    assert_eq!(
        (home.added, home.updated),
        (0, 2),
        "its own export matches by record id"
    );
    assert_eq!(
        nb.resource(food).expect("same").services.len(),
        2,
        "services matched, not added"
    );
}

/// A 211-shaped package: columns Carnet does not read, another taxonomy,
/// languages named rather than coded, a byte-order mark and CRLF line
/// ends, and bad rows among good ones.
fn write_regional_package(dir: &Path) {
    std::fs::create_dir_all(dir).expect("dir");
    let org1 = "0f6d3bb0-6f5a-4b8f-9d5f-3c1e4a2b7d01";
    let org2 = "0f6d3bb0-6f5a-4b8f-9d5f-3c1e4a2b7d02";
    let files = [
        (
            "organizations.csv",
            format!(
                "\u{feff}id,name,alternate_name,description,email,website,tax_status,year_incorporated\r\n\
                 {org1},Carrefour d'entraide,Mutual Aid Crossroads,\"Aide alimentaire, impôts\",accueil@carrefour.example.org,www.carrefour.example.org,,1987\r\n\
                 {org2},Maison des jeunes,,Activités pour les 12-17 ans,,,,\r\n\
                 ,Sans identifiant,,,,,,\r\n\
                 {org1},Doublon,,,,,,\r\n\
                 0f6d3bb0-6f5a-4b8f-9d5f-3c1e4a2b7d03,Courriel brisé,,,pas-un-courriel,,,\r\n"
            ),
        ),
        (
            "services.csv",
            format!(
                "id,organization_id,name,alternate_name,description,status,eligibility_description,fees_description,application_process,assured_date,interpretation_services\r\n\
                 a1000000-0000-4000-8000-000000000001,{org1},Comptoir alimentaire,Food counter,,active,Résidents,Gratuit,Sur place,2025-01-15,yes\r\n\
                 a1000000-0000-4000-8000-000000000002,{org1},Cliniques d'impôts,Tax clinics,,temporarily closed,,,,2025-03-01,\r\n\
                 a1000000-0000-4000-8000-000000000003,{org2},Soirées ados,,,active,,,,,\r\n\
                 a1000000-0000-4000-8000-000000000004,ffffffff-0000-4000-8000-000000000000,Orphelin,,,active,,,,,\r\n\
                 a1000000-0000-4000-8000-000000000005,{org2},Mauvais statut,,,open,,,,,\r\n\
                 a1000000-0000-4000-8000-000000000006,{org2},Mauvaise date,,,active,,,,15/01/2025,\r\n"
            ),
        ),
        (
            "taxonomy_terms.csv",
            "id,code,name,description,taxonomy_id\r\n\
             b1000000-0000-4000-8000-000000000001,BD-1800.2000,Food Pantries,AIRS term,\r\n\
             b1000000-0000-4000-8000-000000000002,food-insecurity,Food insecurity,Carnet,\r\n\
             b1000000-0000-4000-8000-000000000003,,Social isolation,Carnet by name,\r\n"
                .to_string(),
        ),
        (
            "attributes.csv",
            "id,link_id,taxonomy_term_id,link_type,link_entity,value\r\n\
             c1000000-0000-4000-8000-000000000001,a1000000-0000-4000-8000-000000000001,b1000000-0000-4000-8000-000000000001,,service,\r\n\
             c1000000-0000-4000-8000-000000000002,a1000000-0000-4000-8000-000000000001,b1000000-0000-4000-8000-000000000002,,service,\r\n\
             c1000000-0000-4000-8000-000000000003,a1000000-0000-4000-8000-000000000003,b1000000-0000-4000-8000-000000000003,,service,\r\n\
             c1000000-0000-4000-8000-000000000004,,b1000000-0000-4000-8000-000000000002,,service,\r\n"
                .to_string(),
        ),
        (
            "languages.csv",
            "id,service_id,location_id,phone_id,name,code,note\r\n\
             d1,a1000000-0000-4000-8000-000000000001,,,French,,\r\n\
             d2,a1000000-0000-4000-8000-000000000001,,,Haitian Creole,,\r\n\
             d3,a1000000-0000-4000-8000-000000000003,,,,en,\r\n\
             d4,a1000000-0000-4000-8000-000000000003,,,Klingon,,\r\n"
                .to_string(),
        ),
        (
            "locations.csv",
            format!(
                "id,location_type,organization_id,name,latitude,longitude\r\n\
                 e1,physical,{org1},Siège,45.6,-73.6\r\n\
                 e2,physical,{org2},,,\r\n"
            ),
        ),
        (
            "addresses.csv",
            "id,location_id,attention,address_1,address_2,city,region,state_province,postal_code,country,address_type\r\n\
             f1,e1,,11121 avenue Salk,,Montréal,Nord-Est,QC,H1G 4Y3,CA,physical\r\n\
             f2,e9,,1 rue Inconnue,,Montréal,,QC,,CA,physical\r\n"
                .to_string(),
        ),
        (
            "phones.csv",
            format!(
                "id,location_id,service_id,organization_id,contact_id,number,extension\r\n\
                 g1,,,{org1},,514-555-0190,\r\n\
                 g2,,a1000000-0000-4000-8000-000000000003,,,514-555-0191,\r\n\
                 g3,,,{org1},,,\r\n"
            ),
        ),
        (
            "schedules.csv",
            "id,service_id,description\r\n\
             h1,a1000000-0000-4000-8000-000000000001,Mardi et jeudi 13 h-16 h\r\n"
                .to_string(),
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("write");
    }
}

#[test]
fn a_regional_package_is_imported_with_its_bad_rows_reported_by_line() {
    let (dir, mut nb) = notebook(806);
    let pkg = dir.path().join("regional");
    write_regional_package(&pkg);
    let report = nb.import_hsds(&pkg).expect("imported");
    let problems: Vec<(&str, u32, &str)> = report
        .rejected
        .iter()
        .map(|r| (r.file.as_str(), r.line, r.reason.as_str()))
        .collect();
    let expect = [
        ("organizations.csv", 4, "it has no id, name"),
        ("organizations.csv", 5, "already used"),
        ("organizations.csv", 6, "not an email address"),
        ("services.csv", 5, "not in organizations.csv"),
        ("services.csv", 6, "'open'"),
        ("services.csv", 7, "not a date"),
        ("attributes.csv", 5, "it has no link_id"),
        ("languages.csv", 5, "no ISO 639 code"),
        ("addresses.csv", 3, "not in locations.csv"),
        ("phones.csv", 4, "it has no number"),
    ];
    assert_eq!(problems.len(), expect.len(), "{problems:#?}");
    for ((file, line, reason), (ef, el, er)) in problems.iter().zip(expect) {
        assert_eq!((*file, *line), (ef, el), "{reason}");
        assert!(
            reason.contains(er),
            "{file}:{line}: {reason} should say {er}"
        );
    }
    assert_eq!((report.added, report.updated, report.services), (2, 0, 3));

    let list = all(&nb);
    let carrefour = list
        .iter()
        .find(|r| r.name == "Carrefour d'entraide")
        .expect("kept");
    let r = nb.resource(carrefour.id).expect("read");
    assert_eq!(r.name_en.as_deref(), Some("Mutual Aid Crossroads"));
    assert_eq!(
        r.website.as_deref(),
        Some("https://www.carrefour.example.org")
    );
    assert_eq!(r.description_fr.as_str(), "Aide alimentaire, impôts");
    assert_eq!(r.phones, vec!["514-555-0190"]);
    assert_eq!(
        r.last_verified,
        Day::from_ymd(2025, 3, 1),
        "the latest assured date"
    );
    let counter = &r.services[0];
    assert_eq!(
        counter.needs,
        vec![NeedCategory::FoodInsecurity],
        "AIRS terms are not Carnet's needs"
    );
    assert_eq!(
        counter.languages,
        vec!["fr", "ht"],
        "languages named in English"
    );
    assert_eq!(counter.hours.as_deref(), Some("Mardi et jeudi 13 h-16 h"));
    assert_eq!(counter.fees.as_deref(), Some("Gratuit"));
    assert!(r.services[1].retired, "temporarily closed is not offered");
    assert_eq!(
        r.locations[0].address.as_deref(),
        Some("11121 avenue Salk, Montréal, QC, H1G 4Y3")
    );
    assert_eq!(r.locations[0].sector.as_deref(), Some("Nord-Est"));
    let youth = list
        .iter()
        .find(|r| r.name == "Maison des jeunes")
        .expect("kept");
    let y = nb.resource(youth.id).expect("read");
    assert_eq!(
        y.services[0].needs,
        vec![NeedCategory::SocialIsolation],
        "a term named by label"
    );
    assert_eq!(
        y.phones,
        vec!["514-555-0191"],
        "a service's phone is its organisation's"
    );
    assert_eq!(
        y.locations[0].name, "Maison des jeunes",
        "a location without a name takes its organisation's"
    );

    // Found by the verification filter: verified in 2025, over 6 months ago.
    let due = nb
        .directory(&DirectoryFilter {
            unverified_months: Some(6),
            ..Default::default()
        })
        .expect("due");
    assert_eq!(due.len(), 2, "one verified long ago, one never");

    // The same package as a zip, in folders: the same organisations, updated.
    let zip_path = dir.path().join("regional.zip");
    {
        let file = std::fs::File::create(&zip_path).expect("zip");
        let mut zip = zip::ZipWriter::new(file);
        for entry in std::fs::read_dir(&pkg).expect("files") {
            let entry = entry.expect("entry");
            zip.start_file(
                format!("export-211/{}", entry.file_name().to_string_lossy()),
                zip::write::SimpleFileOptions::default(),
            )
            .expect("start");
            std::io::Write::write_all(&mut zip, &std::fs::read(entry.path()).expect("read"))
                .expect("write");
        }
        zip.finish().expect("finish");
    }
    let again = nb.import_hsds(&zip_path).expect("zip imported");
    assert_eq!((again.added, again.updated), (0, 2));
    assert_eq!(all(&nb).len(), 2);
}

#[test]
fn what_is_not_a_package_is_refused_with_a_sentence() {
    let (dir, mut nb) = notebook(807);
    nb.save_resource(None, food_bank()).expect("added");
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).expect("dir");
    let err = nb.import_hsds(&empty).expect_err("refused");
    assert!(err.to_string().contains("no organizations.csv"), "{err}");
    let not_zip = dir.path().join("notes.zip");
    std::fs::write(&not_zip, b"PK\x03\x04 this is not really a zip").expect("write");
    let err = nb.import_hsds(&not_zip).expect_err("refused");
    assert!(err.to_string().contains("zip"), "{err}");
    let missing = dir.path().join("nowhere");
    assert!(nb.import_hsds(&missing).is_err());
    // A row that is not UTF-8 text is left out, the others kept.
    let broken = dir.path().join("broken");
    std::fs::create_dir_all(&broken).expect("dir");
    std::fs::write(
        broken.join("organizations.csv"),
        b"id,name\nx1,Bon organisme\nx2,\xff\xfe Illisible\nx3,Autre bon organisme\n",
    )
    .expect("write");
    let report = nb.import_hsds(&broken).expect("read");
    assert_eq!(report.added, 2);
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].line, 3);
    assert!(report.rejected[0].reason.contains("UTF-8"));
    assert_eq!(
        all(&nb).len(),
        3,
        "the earlier directory is untouched, the good rows added"
    );
}
