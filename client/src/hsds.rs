//! The directory in Open Referral HSDS 3.0, tabular form: a folder (or a
//! zip) of CSV files with a `datapackage.json` describing them. Import
//! keeps every good row and reports each bad one by file and line;
//! export writes the package that `docs/schemas/hsds-datapackage.json`
//! describes (the tables and fields of HSDS that Carnet reads and writes).
//!
//! How Carnet's directory maps onto HSDS: an organisation's French name is
//! `name` and its English name `alternate_name` (the same for services);
//! the English descriptions are the extension columns `x_description_en`;
//! need categories are the terms of a taxonomy of Carnet's own, linked to
//! services by `attributes`; a location's sector is its address's
//! `region`; opening hours are a schedule's `description`; a retired
//! service is `inactive`, and an organisation whose services are all
//! inactive is retired when imported.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use carnet_core::record::{Location, Resource, Service};
use carnet_core::text::LongText;
use carnet_core::vocab::{Lang, NeedCategory, Vocabulary};
use carnet_core::{Day, ItemId, RecordId};
use sha2::{Digest, Sha256};

use crate::error::{ClientError, Result};
use crate::transfer::{write_table, ExportFormat};
use crate::views::{RejectedRow, RowProblem};

/// The package's descriptor, as published.
pub const DATAPACKAGE: &str = include_str!("../../docs/schemas/hsds-datapackage.json");

/// The taxonomy of Carnet's need categories, as exported.
const NEEDS_TAXONOMY: &str = "Carnet need categories";

/// At most this many bytes are read from one file of a package.
const MAX_FILE: u64 = 64 * 1024 * 1024;

/// An id derived from another and a label: the same each export, so that
/// two exports of one directory compare line by line.
fn derived(parent: &str, label: &str) -> String {
    let digest = Sha256::digest(format!("{parent}/{label}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// A language's English name, for the `languages` table's `name`.
fn language_name(code: &str) -> &str {
    match code {
        "fr" => "French",
        "en" => "English",
        "es" => "Spanish",
        "ht" => "Haitian Creole",
        "ar" => "Arabic",
        "pt" => "Portuguese",
        "it" => "Italian",
        "zh" => "Chinese",
        "vi" => "Vietnamese",
        "fa" => "Persian",
        "ta" => "Tamil",
        "ru" => "Russian",
        "iu" => "Inuktitut",
        "cr" => "Cree",
        _ => code,
    }
}

/// A language named in English, back to its code.
fn language_code(name: &str) -> Option<String> {
    let name = name.trim();
    [
        "fr", "en", "es", "ht", "ar", "pt", "it", "zh", "vi", "fa", "ta", "ru", "iu", "cr",
    ]
    .into_iter()
    .find(|c| language_name(c).eq_ignore_ascii_case(name))
    .map(str::to_string)
}

/// One table of a package, read: its header and rows, each row with its
/// line number.
struct Table {
    file: String,
    header: Vec<String>,
    rows: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    fn column(&self, name: &str) -> Option<usize> {
        self.header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    }
}

/// A row's fields by column name, trimmed; empty ones read as absent.
struct Row<'a> {
    table: &'a Table,
    record: &'a csv::StringRecord,
}

impl Row<'_> {
    fn get(&self, name: &str) -> Option<String> {
        let i = self.table.column(name)?;
        self.record
            .get(i)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }
}

/// The files of a package, by name, from a folder or a zip archive.
fn read_package(path: &Path) -> Result<HashMap<String, Vec<u8>>> {
    let mut files = HashMap::new();
    let too_big = |name: &str| {
        ClientError::BadInput(format!(
            "{name} is larger than {} MB: not a directory this import reads",
            MAX_FILE / 1024 / 1024
        ))
    };
    if path.is_dir() {
        let entries = std::fs::read_dir(path).map_err(ClientError::io(format!(
            "could not read {}",
            path.display()
        )))?;
        for entry in entries {
            let entry = entry.map_err(ClientError::io(format!(
                "could not read {}",
                path.display()
            )))?;
            let name = entry.file_name().to_string_lossy().to_lowercase();
            if !(name.ends_with(".csv") || name == "datapackage.json") {
                continue;
            }
            let mut bytes = Vec::new();
            std::fs::File::open(entry.path())
                .and_then(|f| f.take(MAX_FILE + 1).read_to_end(&mut bytes))
                .map_err(ClientError::io(format!(
                    "could not read {}",
                    entry.path().display()
                )))?;
            if bytes.len() as u64 > MAX_FILE {
                return Err(too_big(&name));
            }
            files.insert(name, bytes);
        }
    } else {
        let file = std::fs::File::open(path).map_err(ClientError::io(format!(
            "could not open {}",
            path.display()
        )))?;
        let mut archive = zip::ZipArchive::new(file).map_err(|_| {
            ClientError::BadInput(format!(
                "{} is neither a folder nor a zip archive of an HSDS datapackage",
                path.display()
            ))
        })?;
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).map_err(|e| {
                ClientError::BadInput(format!("{} is a damaged zip archive: {e}", path.display()))
            })?;
            if entry.is_dir() {
                continue;
            }
            // Folders inside the archive do not matter: the file's name does.
            let name = entry
                .name()
                .unwrap_or_default()
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_lowercase();
            if !(name.ends_with(".csv") || name == "datapackage.json") {
                continue;
            }
            let mut bytes = Vec::new();
            (&mut entry)
                .take(MAX_FILE + 1)
                .read_to_end(&mut bytes)
                .map_err(ClientError::io(format!(
                    "could not read {name} in {}",
                    path.display()
                )))?;
            if bytes.len() as u64 > MAX_FILE {
                return Err(too_big(&name));
            }
            files.insert(name, bytes);
        }
    }
    if !files.contains_key("organizations.csv") {
        return Err(ClientError::BadInput(format!(
            "{} holds no organizations.csv: not an HSDS datapackage (tabular form)",
            path.display()
        )));
    }
    Ok(files)
}

/// A table of the package, or none when the file is absent. Rows that do
/// not parse are reported and left out.
fn table(
    files: &HashMap<String, Vec<u8>>,
    name: &str,
    rejected: &mut Vec<RejectedRow>,
) -> Option<Table> {
    let bytes = files.get(name)?;
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_string).collect(),
        Err(e) => {
            rejected.push(RejectedRow::new(name, 1, RowProblem::NotCsv(e.to_string())));
            return None;
        }
    };
    // Lines counted from the bytes (a quoted field may hold line breaks).
    // Lines counted from the bytes, onwards from the last row's (a
    // quoted field may hold line breaks; a record's position may be the
    // line break before it).
    let mut counted = (0usize, 1u64);
    let mut line_at = |byte: u64| -> u64 {
        let mut end = (byte as usize).min(bytes.len());
        while end < bytes.len() && matches!(bytes[end], b'\r' | b'\n') {
            end += 1;
        }
        let (from, line) = counted;
        let line = if end >= from {
            line + bytes[from..end].iter().filter(|&&b| b == b'\n').count() as u64
        } else {
            bytes[..end].iter().filter(|&&b| b == b'\n').count() as u64 + 1
        };
        counted = (end, line);
        line
    };
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let here = reader.position().byte();
        match reader.read_record(&mut record) {
            Ok(true) => rows.push((
                line_at(record.position().map_or(here, |p| p.byte())),
                record.clone(),
            )),
            Ok(false) => break,
            Err(e) => {
                let line = line_at(e.position().map_or(here, |p| p.byte()));
                let problem = match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => RowProblem::NotUtf8,
                    _ => RowProblem::NotCsv(e.to_string()),
                };
                rejected.push(RejectedRow::new(name, line, problem));
                if !matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                    // A broken quote leaves the rest unreadable.
                    break;
                }
            }
        }
    }
    Some(Table {
        file: name.into(),
        header,
        rows,
    })
}

impl RejectedRow {
    fn new(file: &str, line: u64, problem: RowProblem) -> Self {
        Self {
            file: file.into(),
            line: u32::try_from(line).unwrap_or(u32::MAX),
            reason: problem.sentence(),
            problem,
        }
    }
}

/// An organisation read from a package, before it is saved.
pub(crate) struct Staged {
    /// Its id in the package.
    pub(crate) external: String,
    /// What the package says of it.
    pub(crate) resource: Resource,
    /// The latest day one of its services was verified.
    pub(crate) verified: Option<Day>,
}

/// The organisation of the package a row names by its `organization_id`.
fn owner(row: &Row<'_>, by_org: &HashMap<String, usize>) -> std::result::Result<usize, RowProblem> {
    row.get("organization_id")
        .and_then(|o| by_org.get(&o).copied())
        .ok_or_else(|| {
            RowProblem::UnknownOrganisation(row.get("organization_id").unwrap_or_default())
        })
}

/// Does `v` look like a web address, an email?
fn looks_like_uri(v: &str) -> bool {
    (v.starts_with("http://") || v.starts_with("https://")) && !v.contains(char::is_whitespace)
}
fn looks_like_email(v: &str) -> bool {
    let parts: Vec<&str> = v.split('@').collect();
    parts.len() == 2
        && !parts[0].is_empty()
        && parts[1].contains('.')
        && !v.contains(char::is_whitespace)
}

/// Read an HSDS datapackage (a folder or a zip of CSV files): each
/// organisation with its services, locations, phones, languages, hours
/// and need categories; bad rows are reported by file and line and the
/// good ones kept. `new_item` gives services and locations their ids.
pub(crate) fn read_directory(
    path: &Path,
    mut new_item: impl FnMut() -> ItemId,
) -> Result<(Vec<Staged>, Vec<RejectedRow>)> {
    {
        let files = read_package(path)?;
        let mut rejected = Vec::new();
        let mut staged: Vec<Staged> = Vec::new();
        let mut by_org: HashMap<String, usize> = HashMap::new();
        let reject =
            |rejected: &mut Vec<RejectedRow>, t: &Table, line: u64, problem: RowProblem| {
                rejected.push(RejectedRow::new(&t.file, line, problem))
            };

        // Organisations.
        if let Some(t) = table(&files, "organizations.csv", &mut rejected) {
            for (line, record) in &t.rows {
                let row = Row { table: &t, record };
                let (Some(id), Some(name)) = (row.get("id"), row.get("name")) else {
                    reject(
                        &mut rejected,
                        &t,
                        *line,
                        RowProblem::Missing("id, name".into()),
                    );
                    continue;
                };
                if by_org.contains_key(&id) {
                    reject(
                        &mut rejected,
                        &t,
                        *line,
                        RowProblem::DuplicateId(id.clone()),
                    );
                    continue;
                }
                let website = row.get("website").map(|w| {
                    if w.contains("://") {
                        w
                    } else {
                        format!("https://{w}")
                    }
                });
                if let Some(w) = website.as_deref().filter(|w| !looks_like_uri(w)) {
                    reject(&mut rejected, &t, *line, RowProblem::Website(w.into()));
                    continue;
                }
                let email = row.get("email");
                if let Some(e) = email.as_deref().filter(|e| !looks_like_email(e)) {
                    reject(&mut rejected, &t, *line, RowProblem::Email(e.into()));
                    continue;
                }
                by_org.insert(id.clone(), staged.len());
                staged.push(Staged {
                    external: id,
                    resource: Resource {
                        name_fr: name,
                        name_en: row.get("alternate_name"),
                        description_fr: LongText::new(row.get("description").unwrap_or_default()),
                        description_en: LongText::new(
                            row.get("x_description_en").unwrap_or_default(),
                        ),
                        website,
                        phones: Vec::new(),
                        email,
                        services: Vec::new(),
                        locations: Vec::new(),
                        last_verified: None,
                        verified_by: None,
                        retired: None,
                        external_id: None,
                    },
                    verified: None,
                });
            }
        }

        // Services.
        let mut service_org: HashMap<String, (usize, usize)> = HashMap::new();
        if let Some(t) = table(&files, "services.csv", &mut rejected) {
            for (line, record) in &t.rows {
                let row = Row { table: &t, record };
                let (Some(id), Some(name)) = (row.get("id"), row.get("name")) else {
                    reject(
                        &mut rejected,
                        &t,
                        *line,
                        RowProblem::Missing("id, name".into()),
                    );
                    continue;
                };
                let org = match owner(&row, &by_org) {
                    Ok(org) => org,
                    Err(problem) => {
                        reject(&mut rejected, &t, *line, problem);
                        continue;
                    }
                };
                if service_org.contains_key(&id) {
                    reject(
                        &mut rejected,
                        &t,
                        *line,
                        RowProblem::DuplicateId(id.clone()),
                    );
                    continue;
                }
                let status = row
                    .get("status")
                    .unwrap_or_else(|| "active".into())
                    .to_lowercase();
                if !["active", "inactive", "defunct", "temporarily closed"]
                    .contains(&status.as_str())
                {
                    reject(&mut rejected, &t, *line, RowProblem::Status(status.clone()));
                    continue;
                }
                let verified = match row.get("assured_date") {
                    None => None,
                    Some(d) => match d.get(..10).unwrap_or(&d).parse::<Day>() {
                        Ok(day) => Some(day),
                        Err(_) => {
                            reject(&mut rejected, &t, *line, RowProblem::Date(d.clone()));
                            continue;
                        }
                    },
                };
                let s = &mut staged[org];
                s.verified = s.verified.max(verified);
                service_org.insert(id.clone(), (org, s.resource.services.len()));
                s.resource.services.push(Service {
                    id: new_item(),
                    name_fr: name,
                    name_en: row.get("alternate_name"),
                    description_fr: LongText::new(row.get("description").unwrap_or_default()),
                    description_en: LongText::new(row.get("x_description_en").unwrap_or_default()),
                    needs: Vec::new(),
                    eligibility: row.get("eligibility_description"),
                    languages: Vec::new(),
                    fees: row.get("fees_description"),
                    hours: None,
                    how_to_apply: row.get("application_process"),
                    retired: status != "active",
                    external_id: Some(id),
                });
            }
        }
        fn service<'a>(
            staged: &'a mut [Staged],
            index: &HashMap<String, (usize, usize)>,
            id: &str,
        ) -> Option<&'a mut Service> {
            let &(org, i) = index.get(id)?;
            staged[org].resource.services.get_mut(i)
        }

        // Need categories: the terms of Carnet's taxonomy (or any term
        // whose code or name is one of its codes or labels).
        let mut needs_by_term: HashMap<String, NeedCategory> = HashMap::new();
        if let Some(t) = table(&files, "taxonomy_terms.csv", &mut rejected) {
            for (_, record) in &t.rows {
                let row = Row { table: &t, record };
                let Some(id) = row.get("id") else { continue };
                let need = row
                    .get("code")
                    .and_then(|c| NeedCategory::parse(&c).ok())
                    .or_else(|| row.get("name").and_then(|n| NeedCategory::parse(&n).ok()));
                if let Some(need) = need {
                    needs_by_term.insert(id, need);
                }
            }
        }
        if let Some(t) = table(&files, "attributes.csv", &mut rejected) {
            for (line, record) in &t.rows {
                let row = Row { table: &t, record };
                let (Some(link), Some(term)) = (row.get("link_id"), row.get("taxonomy_term_id"))
                else {
                    reject(
                        &mut rejected,
                        &t,
                        *line,
                        RowProblem::Missing("link_id, taxonomy_term_id".into()),
                    );
                    continue;
                };
                // Terms of other taxonomies (211's, say) are not Carnet's needs.
                let Some(&need) = needs_by_term.get(&term) else {
                    continue;
                };
                match service(&mut staged, &service_org, &link) {
                    Some(s) => {
                        if !s.needs.contains(&need) {
                            s.needs.push(need);
                        }
                    }
                    None if by_org.contains_key(&link) => {}
                    None => reject(
                        &mut rejected,
                        &t,
                        *line,
                        RowProblem::UnknownService(link.clone()),
                    ),
                }
            }
        }

        // Languages.
        if let Some(t) = table(&files, "languages.csv", &mut rejected) {
            for (line, record) in &t.rows {
                let row = Row { table: &t, record };
                let code = row
                    .get("code")
                    .map(|c| c.to_lowercase())
                    .or_else(|| row.get("name").and_then(|n| language_code(&n)));
                let Some(code) = code.filter(|c| {
                    c.len() <= 8 && c.chars().all(|x| x.is_ascii_lowercase() || x == '-')
                }) else {
                    reject(&mut rejected, &t, *line, RowProblem::NoLanguageCode);
                    continue;
                };
                let Some(s) = row
                    .get("service_id")
                    .and_then(|id| service(&mut staged, &service_org, &id))
                else {
                    // Languages of locations or phones are not kept.
                    continue;
                };
                if !s.languages.contains(&code) {
                    s.languages.push(code);
                }
            }
        }

        // Opening hours.
        if let Some(t) = table(&files, "schedules.csv", &mut rejected) {
            for (_, record) in &t.rows {
                let row = Row { table: &t, record };
                let (Some(id), Some(text)) = (row.get("service_id"), row.get("description")) else {
                    continue;
                };
                if let Some(s) = service(&mut staged, &service_org, &id) {
                    s.hours = Some(match s.hours.take() {
                        Some(before) => format!("{before}; {text}"),
                        None => text,
                    });
                }
            }
        }

        // Locations and their addresses.
        let mut location_org: HashMap<String, (usize, usize)> = HashMap::new();
        if let Some(t) = table(&files, "locations.csv", &mut rejected) {
            for (line, record) in &t.rows {
                let row = Row { table: &t, record };
                let Some(id) = row.get("id") else {
                    reject(&mut rejected, &t, *line, RowProblem::Missing("id".into()));
                    continue;
                };
                let org = match owner(&row, &by_org) {
                    Ok(org) => org,
                    Err(problem) => {
                        reject(&mut rejected, &t, *line, problem);
                        continue;
                    }
                };
                let s = &mut staged[org];
                let name = row
                    .get("name")
                    .unwrap_or_else(|| s.resource.name_fr.clone());
                location_org.insert(id.clone(), (org, s.resource.locations.len()));
                s.resource.locations.push(Location {
                    id: new_item(),
                    name,
                    address: None,
                    sector: None,
                    retired: false,
                    external_id: Some(id),
                });
            }
        }
        if let Some(t) = table(&files, "addresses.csv", &mut rejected) {
            for (line, record) in &t.rows {
                let row = Row { table: &t, record };
                let Some(&(org, i)) = row.get("location_id").and_then(|l| location_org.get(&l))
                else {
                    reject(
                        &mut rejected,
                        &t,
                        *line,
                        RowProblem::UnknownLocation(row.get("location_id").unwrap_or_default()),
                    );
                    continue;
                };
                let parts: Vec<String> = [
                    "address_1",
                    "address_2",
                    "city",
                    "state_province",
                    "postal_code",
                ]
                .iter()
                .filter_map(|c| row.get(c))
                .collect();
                let location = &mut staged[org].resource.locations[i];
                if !parts.is_empty() {
                    location.address = Some(parts.join(", "));
                }
                location.sector = row.get("region");
            }
        }

        // Phones: an organisation's, or its service's or location's.
        if let Some(t) = table(&files, "phones.csv", &mut rejected) {
            for (line, record) in &t.rows {
                let row = Row { table: &t, record };
                let Some(number) = row.get("number") else {
                    reject(
                        &mut rejected,
                        &t,
                        *line,
                        RowProblem::Missing("number".into()),
                    );
                    continue;
                };
                let org = row
                    .get("organization_id")
                    .and_then(|o| by_org.get(&o).copied())
                    .or_else(|| {
                        row.get("service_id")
                            .and_then(|s| service_org.get(&s))
                            .map(|x| x.0)
                    })
                    .or_else(|| {
                        row.get("location_id")
                            .and_then(|l| location_org.get(&l))
                            .map(|x| x.0)
                    });
                let Some(org) = org else {
                    reject(&mut rejected, &t, *line, RowProblem::NoOwner);
                    continue;
                };
                let phones = &mut staged[org].resource.phones;
                if !phones.contains(&number) {
                    phones.push(number);
                }
            }
        }

        Ok((staged, rejected))
    }
}

/// Write organisations (with their record ids) as an HSDS datapackage
/// into the folder `dir`, created if needed.
pub(crate) fn write_directory(dir: &Path, resources: &[(RecordId, Resource)]) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(ClientError::io(format!(
        "could not create {}",
        dir.display()
    )))?;
    let mut t = Tables::default();
    let taxonomy = derived("carnet", "needs");
    t.taxonomies.push(vec![
        taxonomy.clone(),
        NEEDS_TAXONOMY.into(),
        "The need categories of Carnet, the field notebook of outreach teams".into(),
        String::new(),
        "1".into(),
    ]);
    for n in NeedCategory::ALL {
        t.terms.push(vec![
            derived(&taxonomy, n.code()),
            n.code().into(),
            n.label(Lang::En).into(),
            n.label(Lang::Fr).into(),
            taxonomy.clone(),
        ]);
    }
    for (id, r) in resources {
        t.add(&id.to_string(), r, &taxonomy);
    }
    t.write(dir)?;
    let descriptor = dir.join("datapackage.json");
    std::fs::write(&descriptor, DATAPACKAGE).map_err(ClientError::io(format!(
        "could not write {}",
        descriptor.display()
    )))
}

/// An organisation imported again: what the package says replaces what
/// it said before; services and locations are matched by their imported
/// ids and keep Carnet's, those the package no longer has are retired
/// (referrals may name them), and what only Carnet holds stays.
pub(crate) fn merge_imported(
    old: &mut Resource,
    new: Resource,
    all_inactive: bool,
    at: carnet_core::Timestamp,
    by: carnet_core::MemberId,
) {
    old.name_fr = new.name_fr;
    old.name_en = new.name_en;
    old.description_fr = new.description_fr;
    old.description_en = new.description_en;
    old.website = new.website;
    old.email = new.email;
    if !new.phones.is_empty() {
        old.phones = new.phones;
    }
    if new.last_verified > old.last_verified {
        old.last_verified = new.last_verified;
    }
    old.services = merge_items(&old.services, new.services);
    old.locations = merge_items(&old.locations, new.locations);
    match (all_inactive, &old.retired) {
        (true, None) => old.retired = Some(carnet_core::record::Retirement { at, by }),
        (false, Some(_)) => old.retired = None,
        _ => {}
    }
}

/// A service or a location, as an import matches it.
trait Imported: Clone {
    fn id(&self) -> ItemId;
    fn id_mut(&mut self) -> &mut ItemId;
    fn external_mut(&mut self) -> &mut Option<String>;
    fn external(&self) -> &Option<String>;
    fn retire(&mut self);
}

macro_rules! imported {
    ($t:ty) => {
        impl Imported for $t {
            fn id(&self) -> ItemId {
                self.id
            }
            fn id_mut(&mut self) -> &mut ItemId {
                &mut self.id
            }
            fn external_mut(&mut self) -> &mut Option<String> {
                &mut self.external_id
            }
            fn external(&self) -> &Option<String> {
                &self.external_id
            }
            fn retire(&mut self) {
                self.retired = true;
            }
        }
    };
}
imported!(Service);
imported!(Location);

/// The items a package brings, each keeping the id of the one it was
/// before (matched by imported id, or by Carnet's own in its own export);
/// those it no longer has stay, retired.
fn merge_items<T: Imported>(old: &[T], new: Vec<T>) -> Vec<T> {
    let mut out = Vec::with_capacity(new.len());
    for mut item in new {
        let external = item.external().clone();
        if let Some(before) = old
            .iter()
            .find(|o| *o.external() == external || Some(o.id().to_string()) == external)
        {
            *item.id_mut() = before.id();
            *item.external_mut() = before.external().clone().or(external);
        }
        out.push(item);
    }
    for o in old {
        if !out.iter().any(|i| i.id() == o.id()) {
            let mut gone = o.clone();
            gone.retire();
            out.push(gone);
        }
    }
    out
}

/// The rows of each table of an export.
#[derive(Default)]
struct Tables {
    organizations: Vec<Vec<String>>,
    services: Vec<Vec<String>>,
    locations: Vec<Vec<String>>,
    addresses: Vec<Vec<String>>,
    phones: Vec<Vec<String>>,
    languages: Vec<Vec<String>>,
    schedules: Vec<Vec<String>>,
    taxonomies: Vec<Vec<String>>,
    terms: Vec<Vec<String>>,
    attributes: Vec<Vec<String>>,
}

impl Tables {
    fn add(&mut self, id: &str, r: &Resource, taxonomy: &str) {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        self.organizations.push(vec![
            id.into(),
            r.name_fr.clone(),
            opt(&r.name_en),
            r.description_fr.as_str().into(),
            opt(&r.email),
            opt(&r.website),
            r.description_en.as_str().into(),
        ]);
        for (i, p) in r.phones.iter().enumerate() {
            self.phones.push(vec![
                derived(id, &format!("phone/{i}")),
                id.into(),
                String::new(),
                String::new(),
                p.clone(),
            ]);
        }
        let verified = r.last_verified.map(Day::to_iso).unwrap_or_default();
        for s in &r.services {
            let sid = s.id.to_string();
            let status = if s.retired || r.retired.is_some() {
                "inactive"
            } else {
                "active"
            };
            self.services.push(vec![
                sid.clone(),
                id.into(),
                s.name_fr.clone(),
                opt(&s.name_en),
                s.description_fr.as_str().into(),
                status.into(),
                opt(&s.eligibility),
                opt(&s.fees),
                opt(&s.how_to_apply),
                verified.clone(),
                s.description_en.as_str().into(),
            ]);
            for code in &s.languages {
                self.languages.push(vec![
                    derived(&sid, &format!("language/{code}")),
                    sid.clone(),
                    language_name(code).into(),
                    code.clone(),
                ]);
            }
            if let Some(hours) = &s.hours {
                self.schedules
                    .push(vec![derived(&sid, "hours"), sid.clone(), hours.clone()]);
            }
            for n in &s.needs {
                self.attributes.push(vec![
                    derived(&sid, &format!("need/{}", n.code())),
                    sid.clone(),
                    derived(taxonomy, n.code()),
                    String::new(),
                    "service".into(),
                    String::new(),
                ]);
            }
        }
        for l in &r.locations {
            let lid = l.id.to_string();
            self.locations.push(vec![
                lid.clone(),
                "physical".into(),
                id.into(),
                l.name.clone(),
            ]);
            if let Some(address) = &l.address {
                self.addresses.push(vec![
                    derived(&lid, "address"),
                    lid.clone(),
                    address.clone(),
                    String::new(),
                    opt(&l.sector),
                    String::new(),
                    String::new(),
                    String::new(),
                    "physical".into(),
                ]);
            }
        }
    }

    /// Each table to its CSV file, with the columns the descriptor lists.
    fn write(&self, dir: &Path) -> Result<()> {
        let descriptor: serde_json::Value = serde_json::from_str(DATAPACKAGE).map_err(|e| {
            ClientError::Internal(format!("the HSDS descriptor does not parse: {e}"))
        })?;
        let columns = |name: &str| -> Vec<String> {
            descriptor["resources"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|r| r["name"] == name)
                .and_then(|r| r["schema"]["fields"].as_array())
                .into_iter()
                .flatten()
                .filter_map(|f| f["name"].as_str().map(str::to_string))
                .collect()
        };
        for (name, rows) in [
            ("organizations", &self.organizations),
            ("services", &self.services),
            ("locations", &self.locations),
            ("addresses", &self.addresses),
            ("phones", &self.phones),
            ("languages", &self.languages),
            ("schedules", &self.schedules),
            ("taxonomies", &self.taxonomies),
            ("taxonomy_terms", &self.terms),
            ("attributes", &self.attributes),
        ] {
            let header = columns(name);
            debug_assert!(
                rows.iter().all(|r| r.len() == header.len()),
                "{name}: columns"
            );
            write_table(
                &dir.join(format!("{name}.csv")),
                ExportFormat::Csv,
                &header,
                rows,
            )?;
        }
        Ok(())
    }
}
