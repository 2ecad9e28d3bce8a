//! The directory's organisations and the places of the territory.
use carnet_core::record::{Place, Record, Resource};
use carnet_core::vocab::NeedCategory;
use carnet_core::RecordId;

use super::Notebook;
use crate::error::{ClientError, Result};
use crate::queries::directory as query;
use crate::views::{PlaceSummary, ResourceSummary};

impl Notebook {
    /// The places of the territory, by name.
    pub fn list_places(&self) -> Result<Vec<PlaceSummary>> {
        query::places(self.store.conn())
    }

    /// The directory's organisations, by name; only those with a service
    /// for `need` and, if given, offered in `language` (a code like `fr`).
    pub fn list_resources(
        &self,
        need: Option<NeedCategory>,
        language: Option<&str>,
    ) -> Result<Vec<ResourceSummary>> {
        query::resources(self.store.conn(), need, language)
    }

    /// Add an organisation to the directory.
    pub fn create_resource(&mut self, resource: Resource) -> Result<RecordId> {
        let id = RecordId::generate(self.env.ids.as_ref(), self.now());
        self.create_record(id, Record::Resource(Box::new(resource)))
    }

    /// An organisation of the directory with its services.
    pub fn resource(&mut self, id: RecordId) -> Result<Resource> {
        match self.record(id)? {
            Record::Resource(r) => Ok(*r),
            other => Err(ClientError::wrong_kind(id, "resource", &other)),
        }
    }

    /// Add a place of the territory. Its name and fields are trimmed;
    /// empty optional fields are left unset.
    pub fn create_place(&mut self, place: Place) -> Result<RecordId> {
        let clean = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let place = Place {
            name: place.name.trim().to_string(),
            sector: clean(place.sector),
            address: clean(place.address),
            ..place
        };
        let id = RecordId::generate(self.env.ids.as_ref(), self.now());
        self.create_record(id, Record::Place(place))
    }
}
