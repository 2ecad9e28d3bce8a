//! carnet-client: everything a Carnet device needs apart from the window.
//!
//! - [`store`]: the SQLite file (documents as snapshot + chunks);
//! - [`projection`] and [`search`]: plain tables and the FTS5 index kept
//!   in step with the documents;
//! - [`queries`]: lists, counts and lookups from the projection (the
//!   journal's pages among them), never loading a document;
//! - [`notebook`]: the application API ([`Notebook`]) that the command
//!   line, the desktop window and the tests call;
//! - [`transfer`]: import and export of notes.

pub mod backup;
pub mod cli;
pub mod error;
pub mod hsds;
pub mod inbox;
pub mod inputs;
pub mod notebook;
mod pdf;
pub mod person_data;
pub mod projection;
pub mod qdpx;
pub mod queries;
pub mod report;
pub mod search;
pub mod store;
pub mod sync;
pub mod transfer;
pub mod views;

pub use error::{ClientError, Result};
pub use inputs::{
    DirectoryFilter, LocationInput, NoteInput, NotePatch, PassageInput, PersonInput, ReferralInput,
    ResourceInput, ServiceInput, TimerAction,
};
pub use notebook::{Counts, Environment, Incoming, Notebook};
pub use queries::codings::{
    Agreement, PassageFilter, PassagePage, PassageRow, ThemeAgreement, ThemeUse,
};
pub use queries::journal::{self, NoteFilter, Page};
pub use queries::synthesis::{
    ClosingTimes, Count, Cross, LoopRow, Overdue, Synthesis, ThemeCount, Unanswered,
};
pub use store::keys::{Passphrase, Protection, Unlock};
pub use views::{
    ConflictedPage, ConflictedRecord, HistoryItem, InboxDetail, InboxFilter, InboxItem, InboxPage,
    MergeOutcome, NoteDetail, NoteHit, NotePage, NoteSearch, NoteSummary, PersonDetail,
    PersonSummary, PlaceSummary, RecordView, ReferralStep, ReferralSummary, ReferralThread,
    ResourceSummary, ReviewCounts, SearchHit, ThreadMessage,
};
