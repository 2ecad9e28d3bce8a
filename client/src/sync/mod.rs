//! The client's sync engine: the transport around the core's pure
//! protocol. [`store`] makes a [`Notebook`](crate::Notebook) a
//! `ClientStore` (what to push, how to merge what comes back, erasures,
//! refusals); [`server`] is the HTTP client of the team server; [`engine`]
//! joins a team, runs rounds until both sides are quiet, reports progress
//! and status, and drives the coordinator's actions; [`background`] keeps
//! a shared notebook in sync without ever blocking edits.

pub mod background;
pub mod engine;
pub mod server;
pub mod store;
pub mod tls;

pub use engine::{
    enrol, join, status, sync_until_quiet, JoinOptions, SyncProgress, SyncStatus, SyncSummary,
};
pub use server::ServerClient;
