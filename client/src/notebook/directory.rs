//! The directory the team keeps (organisations, their services and
//! locations, who verified them last) and the places of the territory.
use carnet_core::record::{Location, Place, Record, Resource, Retirement, Service};
use carnet_core::text::LongText;
use carnet_core::vocab::NeedCategory;
use carnet_core::{ItemId, RecordId};
use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::persons::language_codes;
use super::Notebook;
use crate::error::{ClientError, Result};
use crate::hsds;
use crate::inputs::{DirectoryFilter, LocationInput, ResourceInput, ServiceInput};
use crate::queries::directory as query;
use crate::views::{DirectoryImport, PlaceSummary, ResourceSummary};

impl Notebook {
    /// The places of the territory, by name.
    pub fn list_places(&self) -> Result<Vec<PlaceSummary>> {
        query::places(self.store.conn())
    }

    /// The directory's organisations still offered, by name; only those
    /// with a service for `need` and, if given, offered in `language` (a
    /// code like `fr`).
    pub fn list_resources(
        &self,
        need: Option<NeedCategory>,
        language: Option<&str>,
    ) -> Result<Vec<ResourceSummary>> {
        self.directory(&DirectoryFilter {
            need,
            language: language.map(str::to_string),
            ..DirectoryFilter::default()
        })
    }

    /// The directory's organisations that pass the filter, by name.
    pub fn directory(&self, filter: &DirectoryFilter) -> Result<Vec<ResourceSummary>> {
        query::resources(self.store.conn(), filter, self.now().day())
    }

    /// Add an organisation to the directory as it is (demo data, imports).
    pub fn create_resource(&mut self, resource: Resource) -> Result<RecordId> {
        let id = RecordId::generate(self.env.ids.as_ref(), self.now());
        self.create_record(id, Record::Resource(Box::new(resource)))
    }

    /// Add an organisation from its form, or (with `id`) save the form of
    /// one: every field as sent, services and locations matched by id.
    pub fn save_resource(
        &mut self,
        id: Option<RecordId>,
        input: ResourceInput,
    ) -> Result<RecordId> {
        let input = clean(input)?;
        match id {
            None => {
                let mut r = Resource {
                    name_fr: String::new(),
                    name_en: None,
                    description_fr: LongText::default(),
                    description_en: LongText::default(),
                    website: None,
                    phones: Vec::new(),
                    email: None,
                    services: Vec::new(),
                    locations: Vec::new(),
                    last_verified: Some(self.now().day()),
                    verified_by: Some(self.member()),
                    retired: None,
                    external_id: None,
                };
                self.fill(&mut r, input);
                self.create_resource(r)
            }
            Some(id) => {
                let mut r = self.resource(id)?;
                self.fill(&mut r, input);
                self.edit_resource(id, |old| {
                    *old = r;
                    Ok(())
                })?;
                Ok(id)
            }
        }
    }

    /// Change an organisation of the directory.
    pub fn edit_resource<T>(
        &mut self,
        id: RecordId,
        f: impl FnOnce(&mut Resource) -> Result<T>,
    ) -> Result<T> {
        self.edit_kind(
            id,
            "resource",
            |r| match r {
                Record::Resource(x) => Some(x.as_mut()),
                _ => None,
            },
            f,
        )
    }

    /// Say that an organisation's information was checked today, by this
    /// member.
    pub fn verify_resource(&mut self, id: RecordId) -> Result<()> {
        let (day, me) = (self.now().day(), self.member());
        self.edit_resource(id, |r| {
            r.last_verified = Some(day);
            r.verified_by = Some(me);
            Ok(())
        })
    }

    /// Retire an organisation (no longer offered: it leaves the pickers,
    /// the referrals that name it keep it), or bring it back.
    pub fn retire_resource(&mut self, id: RecordId, retired: bool) -> Result<()> {
        let (at, by) = (self.now(), self.member());
        self.edit_resource(id, |r| {
            match (retired, &r.retired) {
                (true, None) => r.retired = Some(Retirement { at, by }),
                (false, Some(_)) => r.retired = None,
                _ => {}
            }
            Ok(())
        })
    }

    /// An organisation of the directory with its services.
    pub fn resource(&mut self, id: RecordId) -> Result<Resource> {
        match self.record(id)? {
            Record::Resource(r) => Ok(*r),
            other => Err(ClientError::wrong_kind(id, "resource", &other)),
        }
    }

    /// Put a cleaned form into a resource: services and locations keep
    /// their ids (and what the form does not carry: imported ids), new
    /// ones get one.
    fn fill(&self, r: &mut Resource, input: ResourceInput) {
        let at = self.now();
        r.name_fr = input.name_fr;
        r.name_en = input.name_en;
        r.description_fr = input.description_fr.into();
        r.description_en = input.description_en.into();
        r.website = input.website;
        r.phones = input.phones;
        r.email = input.email;
        let old_services = std::mem::take(&mut r.services);
        r.services = input
            .services
            .into_iter()
            .map(|s| {
                let old = s.id.and_then(|id| old_services.iter().find(|o| o.id == id));
                Service {
                    id: s
                        .id
                        .unwrap_or_else(|| ItemId::generate(self.env.ids.as_ref(), at)),
                    name_fr: s.name_fr,
                    name_en: s.name_en,
                    description_fr: s.description_fr.into(),
                    description_en: s.description_en.into(),
                    needs: s.needs,
                    eligibility: s.eligibility,
                    languages: s.languages,
                    fees: s.fees,
                    hours: s.hours,
                    how_to_apply: s.how_to_apply,
                    retired: s.retired,
                    external_id: old.and_then(|o| o.external_id.clone()),
                }
            })
            .collect();
        let old_locations = std::mem::take(&mut r.locations);
        r.locations = input
            .locations
            .into_iter()
            .map(|l| {
                let old =
                    l.id.and_then(|id| old_locations.iter().find(|o| o.id == id));
                Location {
                    id: l
                        .id
                        .unwrap_or_else(|| ItemId::generate(self.env.ids.as_ref(), at)),
                    name: l.name,
                    address: l.address,
                    sector: l.sector,
                    retired: l.retired,
                    external_id: old.and_then(|o| o.external_id.clone()),
                }
            })
            .collect();
    }

    /// Import an Open Referral HSDS datapackage (a folder or a zip of CSV
    /// files, see [`crate::hsds`]): an organisation imported before (same
    /// id) is updated, the others added; bad rows are reported by file
    /// and line and the good ones kept.
    pub fn import_hsds(&mut self, path: &Path) -> Result<DirectoryImport> {
        let at = self.now();
        let ids = self.env.ids.clone();
        let (staged, rejected) = hsds::read_directory(path, || ItemId::generate(ids.as_ref(), at))?;

        let known: HashMap<String, RecordId> = query::external_ids(self.store.conn())?
            .into_iter()
            .collect();
        let ours: HashSet<RecordId> = self
            .directory(&DirectoryFilter {
                include_retired: true,
                ..DirectoryFilter::default()
            })?
            .into_iter()
            .map(|r| r.id)
            .collect();
        let me = self.member();
        let mut report = DirectoryImport {
            rejected,
            ..DirectoryImport::default()
        };
        let mut new = Vec::new();
        for s in staged {
            report.services += s.resource.services.len() as u32;
            let mut r = s.resource;
            r.last_verified = s.verified;
            let all_inactive = !r.services.is_empty() && r.services.iter().all(|x| x.retired);
            // A package Carnet exported names its organisations by their
            // record ids; another's, by its own.
            let existing = s
                .external
                .parse::<RecordId>()
                .ok()
                .filter(|id| ours.contains(id))
                .or_else(|| known.get(&s.external).copied());
            match existing {
                Some(id) => {
                    self.edit_resource(id, |old| {
                        hsds::merge_imported(old, r, all_inactive, at, me);
                        Ok(())
                    })?;
                    report.updated += 1;
                }
                None => {
                    if all_inactive {
                        r.retired = Some(Retirement { at, by: me });
                    }
                    r.external_id = Some(s.external);
                    new.push((
                        RecordId::generate(self.env.ids.as_ref(), at),
                        Record::Resource(Box::new(r)),
                    ));
                    report.added += 1;
                }
            }
        }
        self.insert_records(new, 500, |_| {})?;
        Ok(report)
    }

    /// Write the directory, retired organisations included, as an HSDS
    /// datapackage into the folder `dir` (created if needed); returns how
    /// many organisations it holds.
    pub fn export_hsds(&mut self, dir: &Path) -> Result<usize> {
        let list = self.directory(&DirectoryFilter {
            include_retired: true,
            ..DirectoryFilter::default()
        })?;
        let mut resources = Vec::with_capacity(list.len());
        for summary in &list {
            resources.push((summary.id, self.resource(summary.id)?));
        }
        hsds::write_directory(dir, &resources)?;
        Ok(resources.len())
    }

    /// Add a place of the territory. Its name and fields are trimmed;
    /// empty optional fields are left unset.
    pub fn create_place(&mut self, place: Place) -> Result<RecordId> {
        let place = Place {
            name: place.name.trim().to_string(),
            sector: optional(place.sector),
            address: optional(place.address),
            ..place
        };
        let id = RecordId::generate(self.env.ids.as_ref(), self.now());
        self.create_record(id, Record::Place(place))
    }
}

/// A field trimmed, unset when empty.
fn optional(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// A form trimmed and checked: names present, a website with a scheme,
/// an email that looks like one, language codes, each need and phone once.
fn clean(input: ResourceInput) -> Result<ResourceInput> {
    let name_fr = input.name_fr.trim().to_string();
    if name_fr.is_empty() {
        return Err(ClientError::BadInput(
            "give the organisation's name in French (--name-fr)".into(),
        ));
    }
    let website = optional(input.website).map(|w| {
        if w.contains("://") {
            w
        } else {
            format!("https://{w}")
        }
    });
    if let Some(w) = &website {
        if !(w.starts_with("https://") || w.starts_with("http://"))
            || w.contains(char::is_whitespace)
        {
            return Err(ClientError::BadInput(format!(
                "'{w}' is not a website address (such as https://example.org)"
            )));
        }
    }
    let email = optional(input.email);
    if let Some(e) = &email {
        let parts: Vec<&str> = e.split('@').collect();
        if parts.len() != 2
            || parts[0].is_empty()
            || !parts[1].contains('.')
            || e.contains(char::is_whitespace)
        {
            return Err(ClientError::BadInput(format!(
                "'{e}' is not an email address (such as info@example.org)"
            )));
        }
    }
    let mut phones: Vec<String> = Vec::new();
    for p in input.phones {
        let p = p.trim().to_string();
        if !p.is_empty() && !phones.contains(&p) {
            phones.push(p);
        }
    }
    let mut services = Vec::with_capacity(input.services.len());
    for (i, s) in input.services.into_iter().enumerate() {
        let name_fr = s.name_fr.trim().to_string();
        if name_fr.is_empty() {
            return Err(ClientError::BadInput(format!(
                "service {} has no name in French",
                i + 1
            )));
        }
        let mut needs = Vec::with_capacity(s.needs.len());
        for n in s.needs {
            if !needs.contains(&n) {
                needs.push(n);
            }
        }
        services.push(ServiceInput {
            id: s.id,
            name_fr,
            name_en: optional(s.name_en),
            description_fr: s.description_fr.trim().to_string(),
            description_en: s.description_en.trim().to_string(),
            needs,
            eligibility: optional(s.eligibility),
            languages: language_codes(s.languages)?,
            fees: optional(s.fees),
            hours: optional(s.hours),
            how_to_apply: optional(s.how_to_apply),
            retired: s.retired,
        });
    }
    let mut locations = Vec::with_capacity(input.locations.len());
    for (i, l) in input.locations.into_iter().enumerate() {
        let name = l.name.trim().to_string();
        if name.is_empty() {
            return Err(ClientError::BadInput(format!(
                "location {} has no name",
                i + 1
            )));
        }
        locations.push(LocationInput {
            id: l.id,
            name,
            address: optional(l.address),
            sector: optional(l.sector),
            retired: l.retired,
        });
    }
    Ok(ResourceInput {
        name_fr,
        name_en: optional(input.name_en),
        description_fr: input.description_fr.trim().to_string(),
        description_en: input.description_en.trim().to_string(),
        website,
        phones,
        email,
        services,
        locations,
    })
}
