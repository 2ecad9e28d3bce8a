//! The device's side of a round, as pure functions over [`ClientStore`]:
//! [`build_request`] gathers what to push, [`apply_response`] applies the
//! answer. A device syncs by repeating the two until [`RoundReport::quiet`].

use automerge::ChangeHash;

use crate::ids::RecordId;
use crate::record::RecordKind;
use crate::sync::protocol::{
    decode_heads, PullRecord, PushRecord, RejectCode, Rejection, SyncRequest, SyncResponse,
    PROTOCOL_VERSION,
};

/// What merging received changes did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merge {
    /// Applied (or already known).
    Applied,
    /// Some changes wait for earlier ones: ask for the whole record.
    MissingDeps,
    /// Refused as invalid; kept out of the notebook.
    Refused(String),
}

/// What a device stores for sync.
pub trait ClientStore {
    /// The storage's error.
    type Error: std::error::Error + Send + Sync + 'static;
    /// The server feed position fully applied, and the id of the last
    /// answer applied.
    fn position(&mut self) -> Result<(u64, u64), Self::Error>;
    /// Record both, once everything the answer carried is stored.
    fn set_position(&mut self, cursor: u64, answer: u64) -> Result<(), Self::Error>;
    /// Records with local changes the server has not confirmed, with the
    /// changes after the heads it confirmed; not the ones refused at their
    /// current heads. At most `limit`.
    fn pending(&mut self, limit: usize) -> Result<Vec<PushRecord>, Self::Error>;
    /// Records to ask for whole.
    fn wanted_full(&mut self) -> Result<Vec<RecordId>, Self::Error>;
    /// Ask for a record whole next round.
    fn want_full(&mut self, id: RecordId) -> Result<(), Self::Error>;
    /// Merge changes received from the server.
    fn merge(
        &mut self,
        id: RecordId,
        kind: RecordKind,
        changes: &[u8],
    ) -> Result<Merge, Self::Error>;
    /// The server has these heads for the record (clears "wanted whole").
    fn set_server_heads(&mut self, id: RecordId, heads: &[ChangeHash]) -> Result<(), Self::Error>;
    /// Forget what the server was known to have: the next push sends all.
    fn reset_server_heads(&mut self, id: RecordId) -> Result<(), Self::Error>;
    /// The server refused the record as it stands: keep it, with the reason.
    fn mark_rejected(
        &mut self,
        id: RecordId,
        code: RejectCode,
        reason: &str,
    ) -> Result<(), Self::Error>;
    /// The record was erased: remove every trace of it.
    fn purge(&mut self, id: RecordId) -> Result<(), Self::Error>;
}

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RoundReport {
    /// Records pushed.
    pub sent: usize,
    /// Records that came with changes.
    pub received: usize,
    /// Records erased here.
    pub erased: usize,
    /// Records refused by the server.
    pub rejected: Vec<Rejection>,
    /// Records asked for whole next round.
    pub want_full: usize,
    /// More pages wait.
    pub more: bool,
    /// Local changes remain to push (edits made meanwhile, or records
    /// the server asked for whole).
    pub pending: bool,
    /// Bytes of Automerge changes pushed and received (the payload, to
    /// compare with the bytes on the wire).
    pub change_bytes: usize,
}

impl RoundReport {
    /// Nothing left to exchange: no page waits, nothing left to push,
    /// nothing asked for whole.
    pub fn quiet(&self) -> bool {
        !self.more && !self.pending && self.want_full == 0
    }
}

/// How many records one request pushes at most.
pub const MAX_PUSH: usize = 500;

/// The request of the next round.
pub fn build_request<S: ClientStore>(store: &mut S) -> Result<SyncRequest, S::Error> {
    let (cursor, last_answer) = store.position()?;
    Ok(SyncRequest {
        protocol: PROTOCOL_VERSION,
        cursor,
        last_answer,
        push: store.pending(MAX_PUSH)?,
        want_full: store.wanted_full()?,
    })
}

fn apply_pull<S: ClientStore>(
    store: &mut S,
    pull: &PullRecord,
    report: &mut RoundReport,
) -> Result<(), S::Error> {
    let Ok(heads) = decode_heads(&pull.heads) else {
        return Ok(());
    };
    if !pull.changes.is_empty() {
        report.received += 1;
        match store.merge(pull.id, pull.kind, &pull.changes)? {
            Merge::Applied => {}
            Merge::MissingDeps => {
                store.want_full(pull.id)?;
                report.want_full += 1;
                return Ok(());
            }
            Merge::Refused(_) => return Ok(()),
        }
    }
    store.set_server_heads(pull.id, &heads)
}

/// Apply the server's answer to the request `req`.
pub fn apply_response<S: ClientStore>(
    store: &mut S,
    req: &SyncRequest,
    resp: &SyncResponse,
) -> Result<RoundReport, S::Error> {
    let mut report = RoundReport {
        sent: req.push.len(),
        more: resp.more,
        change_bytes: req.push.iter().map(|p| p.changes.len()).sum::<usize>()
            + resp.records.iter().map(|p| p.changes.len()).sum::<usize>(),
        ..RoundReport::default()
    };
    for r in &resp.rejected {
        match r.code {
            RejectCode::Erased => {
                store.purge(r.id)?;
                report.erased += 1;
            }
            RejectCode::MissingDeps => store.reset_server_heads(r.id)?,
            RejectCode::Forbidden | RejectCode::Invalid => {
                store.mark_rejected(r.id, r.code, &r.reason)?
            }
        }
        report.rejected.push(r.clone());
    }
    for pull in &resp.records {
        apply_pull(store, pull, &mut report)?;
    }
    for id in &resp.erased {
        store.purge(*id)?;
        report.erased += 1;
    }
    store.set_position(resp.cursor, resp.answer)?;
    report.pending = !store.pending(1)?.is_empty();
    Ok(report)
}
