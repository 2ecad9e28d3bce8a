//! carnet-sync-server: merges every member's changes when connectivity
//! returns.
//!
//! - [`db`]: the database, SQLite's file ([`sqlite`], the default) or
//!   PostgreSQL ([`pg`]), each running the same statements ([`sql`]),
//!   and every account operation: teams, invitations, joining, devices,
//!   revocation, erasure;
//! - [`accounts`]: invitation codes and device tokens (stored hashed);
//! - [`store`]: the core's `ServerStore` on either database, so the sync
//!   round itself ([`carnet_core::sync::server::handle_sync`]) stays pure;
//! - [`http`]: the axum routes and `{kind, message}` errors;
//! - [`listen`]: accepting and serving connections, with their limits
//!   (connections, timeouts, header sizes), and [`throttle`]: failed
//!   joins counted per address.

pub mod accounts;
pub mod cli;
pub mod db;
pub mod error;
pub mod http;
pub mod listen;
pub mod metrics;
pub mod migrate;
pub mod pg;
pub mod sql;
pub mod sqlite;
pub mod store;
pub mod throttle;

pub use error::ServerError;
pub use http::{router, AppState};
