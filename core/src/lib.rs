//! carnet-core: the domain of Carnet, with no I/O.
//!
//! It owns what a record *is*: the five record kinds and their fields
//! ([`record`]), the closed vocabularies with their French and English
//! labels ([`vocab`]), ids ([`ids`]), validation ([`validate`]), and how a
//! record lives in an Automerge document ([`document`]): creation, edits
//! attributed to a member, merging changes from elsewhere, history and
//! concurrent values, and coded passages anchored to their words
//! ([`coding`]). It also holds the seeded generator of synthetic demo
//! data ([`demo`]), and the sync protocol's two ends ([`sync`]). No
//! SQLite, no network: the client and the sync server do the I/O around
//! it. The one concurrency is [`parallel`]: pure work on many records on
//! scoped threads, its results handed back in order to the caller's I/O.

pub mod changes;
pub mod chunks;
pub mod clock;
pub mod coding;
pub mod demo;
pub mod document;
pub mod error;
pub mod error_kind;
pub mod fold;
pub mod ids;
pub mod parallel;
pub mod recent;
pub mod record;
pub mod sync;
pub mod text;
pub mod time_types;
pub mod validate;
pub mod vocab;

pub use clock::{Clock, FixedClock, SystemClock};
pub use coding::Passage;
pub use document::{
    Actor, Conflict, ConflictValue, Derived, HistoryEntry, Merged, Read, RecordDoc,
};
pub use error::CoreError;
pub use error_kind::ErrorKind;
pub use ids::{DeviceId, IdGen, ItemId, MemberId, RecordId, SeededIds, SystemIds, TeamId};
pub use record::{Record, RecordKind};
pub use text::LongText;
pub use time_types::{Day, Timestamp};
pub use validate::{Codebook, ValidationError};
pub use vocab::Lang;
