//! Joining a team and syncing: rounds of the core protocol over
//! [`ServerClient`] until both sides are quiet, with progress reports and
//! a status that says what waits and what was refused.

use std::path::Path;

use carnet_core::sync::client::{apply_response, build_request};
use carnet_core::sync::{Rejection, Role};
use serde::Serialize;

use super::server::ServerClient;
use super::store::{waiting_and_rejected, RejectedRecord};
use crate::error::{ClientError, Result};
use crate::notebook::{Environment, Notebook};
use crate::store::{Identity, Membership};

/// How to join a team, as a person typed it (spaces around each field
/// are ignored).
#[derive(Debug, Clone, Default)]
pub struct JoinOptions<'a> {
    /// The server's address.
    pub server: &'a str,
    /// The invitation code.
    pub code: &'a str,
    /// A name for this device; when empty, `portable-` and the member's
    /// name.
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
    req: JoinOptions<'_>,
    env: Environment,
    progress: impl FnMut(&SyncProgress),
) -> Result<(Notebook, SyncSummary)> {
    let mut nb = enrol(dir, req, env).await?;
    let client = server_client(&nb)?;
    let summary = sync_until_quiet(&mut nb, &client, progress).await?;
    Ok((nb, summary))
}

/// Join a team into `dir`, which must hold no notebook yet, without the
/// first sync: the notebook is empty until it syncs.
pub async fn enrol(dir: &Path, req: JoinOptions<'_>, env: Environment) -> Result<Notebook> {
    if dir.join(crate::store::DB_FILE).exists() {
        return Err(ClientError::AlreadyExists(dir.to_path_buf()));
    }
    let client = ServerClient::new(req.server, None, req.ca_pem)?;
    let member_name = req.member_name.trim();
    let device_name = match req.device_name.trim() {
        "" => format!("portable-{}", member_name.to_lowercase()),
        name => name.to_string(),
    };
    let joined = client
        .join(req.code.trim(), &device_name, member_name)
        .await?;
    let identity = Identity {
        member: joined.member_id,
        member_name: joined.member_name.clone(),
        workspace_id: joined.workspace_id,
    };
    let membership = Membership::joined(client.base(), &joined, req.ca_pem);
    Notebook::create_joined(dir, identity, &membership, env)
}

/// The client of the server this notebook is joined to.
pub fn server_client(nb: &Notebook) -> Result<ServerClient> {
    let m = nb.membership()?.ok_or(ClientError::NotJoined)?;
    ServerClient::new(
        &m.server,
        Some(m.token),
        m.server_ca.as_deref().map(str::as_bytes),
    )
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
    /// Entries of the team's feed still to come, when the server says.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub remaining: Option<u64>,
}

impl SyncProgress {
    /// The records this sync should bring in all, once the server has said
    /// how many wait: those received and those left.
    pub fn expected(&self) -> Option<usize> {
        self.remaining.map(|r| {
            self.received
                .saturating_add(usize::try_from(r).unwrap_or(usize::MAX))
        })
    }
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

/// Where a sync does its local work: a notebook the caller holds, or one
/// shared with the window, locked only while building a request or
/// applying an answer, never while waiting on the network (so typing never
/// waits for sync).
pub(crate) trait Local {
    /// Run `f` on the notebook.
    fn with<T>(&mut self, f: impl FnOnce(&mut Notebook) -> T) -> T;
}

impl Local for &mut Notebook {
    fn with<T>(&mut self, f: impl FnOnce(&mut Notebook) -> T) -> T {
        f(self)
    }
}

impl Local for &std::sync::Mutex<Notebook> {
    fn with<T>(&mut self, f: impl FnOnce(&mut Notebook) -> T) -> T {
        f(&mut self.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// The rounds of one sync, until both sides are quiet: the one loop of
/// the command line, the tests and the background sync.
pub(crate) async fn rounds(
    local: &mut impl Local,
    client: &ServerClient,
    mut progress: impl FnMut(&SyncProgress),
) -> Result<SyncSummary> {
    let mut summary = SyncSummary::default();
    loop {
        let req = local.with(build_request)?;
        let asked = std::time::Instant::now();
        let (resp, sent, received) = client.sync(&req).await?;
        summary.server_ms += asked.elapsed().as_millis() as u64;
        let report = local.with(|nb| nb.batch(|nb| apply_response(nb, &req, &resp)))?;
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
            remaining: resp.remaining.filter(|_| resp.more),
        });
        if report.quiet() || summary.rounds >= MAX_ROUNDS {
            return Ok(summary);
        }
    }
}

/// Sync until both sides are quiet, and remember how it ended. Data
/// already merged stays merged if the connection drops midway; the next
/// sync continues from there.
pub async fn sync_until_quiet(
    nb: &mut Notebook,
    client: &ServerClient,
    progress: impl FnMut(&SyncProgress),
) -> Result<SyncSummary> {
    let result = rounds(&mut &mut *nb, client, progress).await;
    record_outcome(nb, result.as_ref().map(|_| ()))?;
    // Records the coordinator erased leave no trace in the files.
    nb.scrub()?;
    result
}

/// Remember how the last sync ended, for `status` and the indicator.
pub(crate) fn record_outcome(
    nb: &mut Notebook,
    result: std::result::Result<(), &ClientError>,
) -> Result<()> {
    let now = nb.now();
    let tx = nb.store_mut().transaction()?;
    match result {
        Ok(()) => tx.record_sync_ok(now)?,
        Err(e) => tx.record_sync_error(now, &e.to_string())?,
    }
    tx.commit()
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
    pub role: Option<Role>,
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
    let membership = nb.membership()?;
    let outcome = nb.store().sync_outcome()?;
    Ok(SyncStatus {
        server: membership.as_ref().map(|m| m.server.clone()),
        team: membership.as_ref().map(|m| m.team_name.clone()),
        role: membership.as_ref().map(|m| m.role),
        last_sync: outcome.last_ok.map(|t| t.to_rfc3339()),
        last_error: outcome.last_error,
        waiting,
        rejected,
    })
}
