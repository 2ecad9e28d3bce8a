//! The sync protocol, without I/O.
//!
//! Star topology: devices talk to their team's server, one request per
//! round. The wire types ([`protocol`]) are versioned and encoded as CBOR.
//! The decisions of both ends are pure functions over small storage
//! traits: [`server::handle_sync`] over a [`server::ServerStore`], and
//! [`client::build_request`] / [`client::apply_response`] over a
//! [`client::ClientStore`]. The real server and client implement the
//! traits on SQLite; the simulation tests implement them in memory and
//! drop, repeat and reorder messages between many devices.
//!
//! Who may read and write what is decided by [`access::Access`]; the
//! HTTP API (every endpoint's request and answer, the error body) is
//! declared in [`api`].

pub mod access;
pub mod api;
pub mod client;
pub mod protocol;
pub mod server;

pub use access::{Access, Role};
pub use api::{DeviceInfo, ErrorBody, Joined};
pub use protocol::{
    decode_heads, encode_heads, PullRecord, PushRecord, RejectCode, Rejection, SyncRequest,
    SyncResponse, WireError, PROTOCOL_VERSION,
};
