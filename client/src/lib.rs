//! carnet-client: everything a Carnet device needs apart from the window.
//!
//! - [`store`]: the SQLite file (documents as snapshot + chunks);
//! - [`projection`] and [`search`]: plain tables and the FTS5 index kept
//!   in step with the documents;
//! - [`journal`]: filtered, paged lists from the projection;
//! - [`notebook`]: the application API ([`Notebook`]) that the command
//!   line, the desktop window and the tests call;
//! - [`transfer`]: import and export of notes.

pub mod cli;
pub mod error;
pub mod inputs;
pub mod journal;
pub mod notebook;
pub mod projection;
pub mod search;
pub mod store;
pub mod sync;
pub mod transfer;
pub mod views;

pub use error::{ClientError, Result};
pub use inputs::{NoteInput, NotePatch, PersonInput, ReferralInput};
pub use journal::{NoteFilter, Page};
pub use notebook::{Counts, Environment, Incoming, Notebook};
pub use views::{
    HistoryItem, MergeOutcome, NotePage, NoteSummary, PersonSummary, PlaceSummary, RecordView,
    ReferralSummary, ResourceSummary, SearchHit,
};
