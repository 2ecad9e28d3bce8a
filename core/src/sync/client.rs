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

/// Changes received for one record, with the heads the server holds for
/// it after this answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received<'a> {
    /// The record.
    pub id: RecordId,
    /// Its kind, as the server says.
    pub kind: RecordKind,
    /// The changes.
    pub changes: &'a [u8],
    /// The server's heads for the record.
    pub heads: Vec<ChangeHash>,
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
    /// Merge the changes received for many records, and record the
    /// server's heads of each one applied: what [`ClientStore::merge`] then
    /// (when applied) [`ClientStore::set_server_heads`] do, record after
    /// record, which is what this default does. A store may instead do
    /// the work of many records at once (the device's notebook merges on
    /// every core).
    fn merge_received(&mut self, received: &[Received<'_>]) -> Result<Vec<Merge>, Self::Error> {
        let mut out = Vec::with_capacity(received.len());
        for r in received {
            let merge = self.merge(r.id, r.kind, r.changes)?;
            if merge == Merge::Applied {
                self.set_server_heads(r.id, &r.heads)?;
            }
            out.push(merge);
        }
        Ok(out)
    }
    /// The server has these heads for the record (clears "wanted whole").
    fn set_server_heads(&mut self, id: RecordId, heads: &[ChangeHash]) -> Result<(), Self::Error>;
    /// Forget what the server was known to have: the next push sends all.
    fn reset_server_heads(&mut self, id: RecordId) -> Result<(), Self::Error>;
    /// Forget what the server was known to have of every record (not
    /// those it refused as they stand): the next pushes send them all.
    fn resend_all(&mut self) -> Result<(), Self::Error>;
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

/// How many bytes of changes one request pushes at most (a record larger
/// than this goes alone); the rest waits for the next round. It keeps a
/// round's request well inside what the server accepts
/// ([`crate::sync::server::MAX_INFLATED_REQUEST`] once decompressed).
pub const MAX_PUSH_BYTES: u64 = 4 * 1024 * 1024;

/// The request of the next round.
pub fn build_request<S: ClientStore>(store: &mut S) -> Result<SyncRequest, S::Error> {
    let (cursor, last_answer) = store.position()?;
    let mut push = store.pending(MAX_PUSH)?;
    let mut bytes = 0u64;
    let fits = push
        .iter()
        .position(|p| {
            bytes += p.changes.len() as u64;
            bytes > MAX_PUSH_BYTES
        })
        .unwrap_or(push.len());
    push.truncate(fits.max(1));
    Ok(SyncRequest {
        protocol: PROTOCOL_VERSION,
        cursor,
        last_answer,
        push,
        want_full: store.wanted_full()?,
    })
}

/// Merge the records the answer carries: those with changes in one go
/// ([`ClientStore::merge_received`]), those without (the server confirms
/// what it holds) by recording the server's heads.
fn apply_pulls<S: ClientStore>(
    store: &mut S,
    pulls: &[PullRecord],
    report: &mut RoundReport,
) -> Result<(), S::Error> {
    let mut received = Vec::new();
    for pull in pulls {
        let Ok(heads) = decode_heads(&pull.heads) else {
            continue;
        };
        if pull.changes.is_empty() {
            store.set_server_heads(pull.id, &heads)?;
        } else {
            received.push(Received {
                id: pull.id,
                kind: pull.kind,
                changes: &pull.changes,
                heads,
            });
        }
    }
    report.received += received.len();
    let merges = store.merge_received(&received)?;
    for (r, merge) in received.iter().zip(merges) {
        if merge == Merge::MissingDeps {
            store.want_full(r.id)?;
            report.want_full += 1;
        }
    }
    Ok(())
}

/// Apply the server's answer to the request `req`.
pub fn apply_response<S: ClientStore>(
    store: &mut S,
    req: &SyncRequest,
    resp: &SyncResponse,
) -> Result<RoundReport, S::Error> {
    if resp.behind {
        // The server lost what it had confirmed (a restored backup):
        // everything goes again, and the answer's records set the heads
        // it now holds.
        store.resend_all()?;
    }
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
            RejectCode::Forbidden | RejectCode::Invalid | RejectCode::TooLarge => {
                store.mark_rejected(r.id, r.code, &r.reason)?
            }
        }
        report.rejected.push(r.clone());
    }
    apply_pulls(store, &resp.records, &mut report)?;
    for id in &resp.erased {
        store.purge(*id)?;
        report.erased += 1;
    }
    store.set_position(resp.cursor, resp.answer)?;
    report.pending = !store.pending(1)?.is_empty();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A device whose pending records are `sizes` bytes of changes each.
    struct Pending(Vec<usize>);

    impl ClientStore for Pending {
        type Error = std::convert::Infallible;
        fn position(&mut self) -> Result<(u64, u64), Self::Error> {
            Ok((0, 0))
        }
        fn set_position(&mut self, _: u64, _: u64) -> Result<(), Self::Error> {
            Ok(())
        }
        fn pending(&mut self, limit: usize) -> Result<Vec<PushRecord>, Self::Error> {
            Ok(self
                .0
                .iter()
                .take(limit)
                .enumerate()
                .map(|(n, size)| PushRecord {
                    id: RecordId::from_uuid(uuid::Uuid::from_u128(n as u128 + 1)),
                    kind: RecordKind::Note,
                    heads: vec![],
                    changes: vec![0; *size],
                })
                .collect())
        }
        fn wanted_full(&mut self) -> Result<Vec<RecordId>, Self::Error> {
            Ok(vec![])
        }
        fn want_full(&mut self, _: RecordId) -> Result<(), Self::Error> {
            Ok(())
        }
        fn merge(&mut self, _: RecordId, _: RecordKind, _: &[u8]) -> Result<Merge, Self::Error> {
            Ok(Merge::Applied)
        }
        fn set_server_heads(&mut self, _: RecordId, _: &[ChangeHash]) -> Result<(), Self::Error> {
            Ok(())
        }
        fn resend_all(&mut self) -> Result<(), Self::Error> {
            Ok(())
        }
        fn reset_server_heads(&mut self, _: RecordId) -> Result<(), Self::Error> {
            Ok(())
        }
        fn mark_rejected(
            &mut self,
            _: RecordId,
            _: RejectCode,
            _: &str,
        ) -> Result<(), Self::Error> {
            Ok(())
        }
        fn purge(&mut self, _: RecordId) -> Result<(), Self::Error> {
            Ok(())
        }
    }

    fn pushed(sizes: Vec<usize>) -> usize {
        let Ok(req) = build_request(&mut Pending(sizes));
        req.push.len()
    }

    #[test]
    fn a_request_pushes_at_most_its_bytes_and_a_large_record_alone() {
        let mib = 1024 * 1024;
        assert_eq!(pushed(vec![mib; 10]), 4, "4 MiB of changes a round");
        assert_eq!(pushed(vec![10 * mib, 10]), 1, "a large record goes alone");
        assert_eq!(
            pushed(vec![100; 600]),
            MAX_PUSH,
            "and at most {MAX_PUSH} records"
        );
        assert_eq!(pushed(vec![]), 0);
    }
}
