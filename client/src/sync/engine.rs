//! Joining a team and syncing: rounds of the core protocol over
//! [`ServerClient`] until both sides are quiet, with progress reports and
//! a status that says what waits and what was refused.

use std::path::Path;

use carnet_core::sync::client::{apply_response, build_request};
use carnet_core::sync::{Joined, Rejection};
use rusqlite::params;
use serde::Serialize;

use super::server::ServerClient;
use super::store::{waiting_and_rejected, RejectedRecord};
use crate::error::{ClientError, Result};
use crate::notebook::{Environment, Notebook};

/// A device's membership of a team, as kept in the notebook: the
/// server's answer to the join, and the server's address.
#[derive(Debug, Clone)]
pub struct Membership {
    /// The server's address.
    pub server: String,
    /// What the server said when the device joined.
    pub joined: Joined,
}

impl Membership {
    /// The `meta` rows that record it (all but the workspace id).
    pub(crate) fn meta_entries(&self) -> Vec<(&'static str, String)> {
        let j = &self.joined;
        vec![
            ("member_id", j.member_id.clone()),
            ("member_name", j.member_name.clone()),
            ("server", self.server.clone()),
            ("team_id", j.team.clone()),
            ("team_name", j.team_name.clone()),
            ("device_id", j.device_id.clone()),
            ("token", j.token.clone()),
            ("role", j.role.code().to_string()),
            ("persons", j.persons.to_string()),
        ]
    }
}

/// How to join a team.
#[derive(Debug, Clone, Default)]
pub struct JoinRequest<'a> {
    /// The server's address.
    pub server: &'a str,
    /// The invitation code.
    pub code: &'a str,
    /// A name for this device.
    pub device_name: &'a str,
    /// The member's name (when the code was not made for someone).
    pub member_name: &'a str,
    /// A certificate to trust for this server (PEM).
    pub ca_pem: Option<&'a [u8]>,
}

/// Join a team into `dir`, which must hold no notebook yet, and pull the
/// team's records.
pub async fn join(
    dir: &Path,
    req: JoinRequest<'_>,
    env: Environment,
    progress: impl FnMut(&SyncProgress),
) -> Result<(Notebook, SyncSummary)> {
    if dir.join(crate::store::DB_FILE).exists() {
        return Err(ClientError::AlreadyExists(dir.to_path_buf()));
    }
    let client = ServerClient::new(req.server, None, req.ca_pem)?;
    let membership = client
        .join(req.code, req.device_name, req.member_name)
        .await?;
    let mut nb = Notebook::create_joined(dir, &membership, env)?;
    if let Some(pem) = req.ca_pem {
        nb.store().conn().execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('server_ca', ?1)",
            [String::from_utf8_lossy(pem)],
        )?;
    }
    let client = server_client(&nb)?;
    let summary = sync_until_quiet(&mut nb, &client, progress).await?;
    Ok((nb, summary))
}

/// The client of the server this notebook is joined to.
pub fn server_client(nb: &Notebook) -> Result<ServerClient> {
    let server = nb.setting("server")?.ok_or(ClientError::NotJoined)?;
    let token = nb.setting("token")?.ok_or(ClientError::NotJoined)?;
    let ca = nb.setting("server_ca")?;
    ServerClient::new(&server, Some(token), ca.as_deref().map(str::as_bytes))
}

/// Progress of a sync, after each round.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncProgress {
    /// Rounds so far.
    pub rounds: usize,
    /// Records received so far.
    pub received: usize,
    /// Bytes received so far.
    pub bytes_received: usize,
    /// More pages wait.
    pub more: bool,
}

/// What a sync did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncSummary {
    /// Rounds (requests) made.
    pub rounds: usize,
    /// Records sent.
    pub sent: usize,
    /// Records received with changes.
    pub received: usize,
    /// Records erased here.
    pub erased: usize,
    /// Records the server refused, with its reasons.
    pub rejected: Vec<Rejection>,
    /// Bytes sent.
    pub bytes_sent: usize,
    /// Bytes received.
    pub bytes_received: usize,
    /// Bytes of the Automerge changes themselves, both ways.
    pub change_bytes: usize,
    /// Milliseconds spent waiting for the server (the rest is local work).
    pub server_ms: u64,
}

/// The most rounds one sync makes before stopping (a long first sync
/// pages through; this only guards against a misbehaving server).
pub const MAX_ROUNDS: usize = 10_000;

/// Sync until both sides are quiet. Data already merged stays merged if
/// the connection drops midway; the next sync continues from there.
pub async fn sync_until_quiet(
    nb: &mut Notebook,
    client: &ServerClient,
    mut progress: impl FnMut(&SyncProgress),
) -> Result<SyncSummary> {
    let mut summary = SyncSummary::default();
    let result = async {
        loop {
            let req = build_request(nb)?;
            let asked = std::time::Instant::now();
            let (resp, sent, received) = client.sync(&req).await?;
            summary.server_ms += asked.elapsed().as_millis() as u64;
            let report = nb.batch(|nb| apply_response(nb, &req, &resp))?;
            summary.rounds += 1;
            summary.sent += report.sent;
            summary.received += report.received;
            summary.erased += report.erased;
            summary.rejected.extend(report.rejected.iter().cloned());
            summary.bytes_sent += sent;
            summary.bytes_received += received;
            summary.change_bytes += report.change_bytes;
            progress(&SyncProgress {
                rounds: summary.rounds,
                received: summary.received,
                bytes_received: summary.bytes_received,
                more: report.more,
            });
            if report.quiet() || summary.rounds >= MAX_ROUNDS {
                return Ok::<_, ClientError>(());
            }
        }
    }
    .await;
    record_outcome(nb, result.as_ref().map(|_| ()))?;
    result.map(|()| summary)
}

/// Remember how the last sync ended, for `status` and the indicator.
pub(crate) fn record_outcome(
    nb: &Notebook,
    result: std::result::Result<(), &ClientError>,
) -> Result<()> {
    let now = nb_now();
    match result {
        Ok(()) => record(
            nb,
            &[
                ("sync_last_ok", now.to_string()),
                ("sync_last_error", String::new()),
            ],
        ),
        Err(e) => record(
            nb,
            &[
                ("sync_last_error", e.to_string()),
                ("sync_last_error_at", now.to_string()),
            ],
        ),
    }
}

fn nb_now() -> i64 {
    carnet_core::Timestamp::now().as_millis()
}

fn record(nb: &Notebook, entries: &[(&str, String)]) -> Result<()> {
    for (k, v) in entries {
        nb.store().conn().execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
            params![k, v],
        )?;
    }
    Ok(())
}

/// Where a notebook stands with its team server.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncStatus {
    /// The server, when joined.
    pub server: Option<String>,
    /// The team's name.
    pub team: Option<String>,
    /// This device's role.
    pub role: Option<String>,
    /// When the last sync succeeded (RFC 3339).
    pub last_sync: Option<String>,
    /// The last sync error, if the last sync failed.
    pub last_error: Option<String>,
    /// Records with changes not yet on the server.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub waiting: i64,
    /// Records the server refused, with reasons.
    pub rejected: Vec<RejectedRecord>,
}

/// The sync status of a notebook.
pub fn status(nb: &Notebook) -> Result<SyncStatus> {
    let (waiting, rejected) = waiting_and_rejected(nb)?;
    let last_sync = nb
        .setting("sync_last_ok")?
        .and_then(|v| v.parse().ok())
        .map(|ms| carnet_core::Timestamp::from_millis(ms).to_rfc3339());
    Ok(SyncStatus {
        server: nb.setting("server")?,
        team: nb.setting("team_name")?,
        role: nb.setting("role")?,
        last_sync,
        last_error: nb.setting("sync_last_error")?.filter(|e| !e.is_empty()),
        waiting,
        rejected,
    })
}
