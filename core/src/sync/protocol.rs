//! The wire types of one sync round, encoded as CBOR.
//!
//! A request carries the device's cursor (the server's change-feed
//! position it has fully applied), the records it changed since the
//! server last confirmed them (their heads and the changes after the
//! heads the server confirmed), and the records it needs whole. The
//! answer carries, for each pushed record and each record that changed in
//! the feed after the cursor and that the device may read, the changes the
//! device lacks and the server's heads; the records erased since the
//! cursor; per-record rejections with a reason; the new cursor; and
//! whether more pages follow.

use automerge::ChangeHash;
use serde::{Deserialize, Serialize};

use crate::ids::RecordId;
use crate::record::RecordKind;

/// The protocol version this build speaks. A server refuses requests of
/// another version with a clear message instead of misreading them.
pub const PROTOCOL_VERSION: u32 = 1;

/// Why bytes are not a valid message.
#[derive(Debug, thiserror::Error)]
#[error("the sync message could not be read: {0}")]
pub struct WireError(String);

/// Record ids travel as their 16 bytes (JSON elsewhere uses the text
/// form): on small edits the id is a large part of the message.
mod id_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::ids::RecordId;

    pub fn serialize<S: Serializer>(id: &RecordId, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(id.as_bytes())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<RecordId, D::Error> {
        let bytes = serde_bytes::ByteBuf::deserialize(d)?;
        let array: [u8; 16] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| serde::de::Error::custom("a record id must be 16 bytes"))?;
        Ok(RecordId::from_uuid(uuid::Uuid::from_bytes(array)))
    }

    pub mod list {
        use serde::{Deserialize, Deserializer, Serialize, Serializer};

        use crate::ids::RecordId;

        #[derive(Serialize, Deserialize)]
        struct Wrapped(#[serde(with = "super")] RecordId);

        pub fn serialize<S: Serializer>(ids: &[RecordId], s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(ids.iter().map(|id| Wrapped(*id)))
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<RecordId>, D::Error> {
            Ok(Vec::<Wrapped>::deserialize(d)?
                .into_iter()
                .map(|w| w.0)
                .collect())
        }
    }
}

/// One record the device changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushRecord {
    /// The record.
    #[serde(with = "id_bytes")]
    pub id: RecordId,
    /// Its kind.
    pub kind: RecordKind,
    /// The device's heads for it (concatenated 32-byte hashes).
    #[serde(with = "serde_bytes")]
    pub heads: Vec<u8>,
    /// The changes after the heads the server last confirmed.
    #[serde(with = "serde_bytes")]
    pub changes: Vec<u8>,
}

/// A round's request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRequest {
    /// [`PROTOCOL_VERSION`] of the sender.
    pub protocol: u32,
    /// The feed position the device has fully applied.
    pub cursor: u64,
    /// The id of the last answer the device applied (0 for none). The
    /// server credits the device with what that answer gave it, and
    /// nothing it cannot prove the device kept.
    pub last_answer: u64,
    /// Records changed on the device.
    pub push: Vec<PushRecord>,
    /// Records the device needs whole (it received changes whose
    /// dependencies it lacks).
    #[serde(with = "id_bytes::list")]
    pub want_full: Vec<RecordId>,
}

/// Changes of a record the device lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullRecord {
    /// The record.
    #[serde(with = "id_bytes")]
    pub id: RecordId,
    /// Its kind.
    pub kind: RecordKind,
    /// The server's heads after this round.
    #[serde(with = "serde_bytes")]
    pub heads: Vec<u8>,
    /// Changes (or the whole document) the device lacks; may be empty
    /// when the answer only confirms heads.
    #[serde(with = "serde_bytes")]
    pub changes: Vec<u8>,
}

/// Why the server refused a pushed record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum RejectCode {
    /// The device's role may not write this kind of record.
    Forbidden,
    /// The changes do not decode or make an invalid record.
    Invalid,
    /// The record was erased; the device must purge it.
    Erased,
    /// The changes depend on changes the server lacks: send the whole
    /// history of the record next round.
    MissingDeps,
    /// The changes would take more than
    /// [`crate::chunks::MAX_INFLATED_RECORD`] once decompressed.
    TooLarge,
}

impl RejectCode {
    /// Every code.
    pub const ALL: [RejectCode; 5] = [
        Self::Forbidden,
        Self::Invalid,
        Self::Erased,
        Self::MissingDeps,
        Self::TooLarge,
    ];

    /// The code as it is written (`missing-deps`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Forbidden => "forbidden",
            Self::Invalid => "invalid",
            Self::Erased => "erased",
            Self::MissingDeps => "missing-deps",
            Self::TooLarge => "too-large",
        }
    }

    /// The code written as [`RejectCode::code`] gives it.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// A refused record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// The record.
    #[serde(with = "id_bytes")]
    pub id: RecordId,
    /// What kind of refusal.
    pub code: RejectCode,
    /// A sentence for people.
    pub reason: String,
}

/// A round's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncResponse {
    /// [`PROTOCOL_VERSION`] of the server.
    pub protocol: u32,
    /// The new cursor, to send next round.
    pub cursor: u64,
    /// This answer's id, to send back as `last_answer` once applied.
    pub answer: u64,
    /// More pages wait: sync again right away.
    pub more: bool,
    /// How many entries of the feed wait after this answer, when more do
    /// and the server counts them (a first sync shows what is left).
    /// Absent from older servers' answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining: Option<u64>,
    /// Records whose changes the device lacks (or whose heads it should
    /// record as the server's).
    pub records: Vec<PullRecord>,
    /// Records erased since the cursor: purge them.
    #[serde(with = "id_bytes::list")]
    pub erased: Vec<RecordId>,
    /// Pushed records the server refused.
    pub rejected: Vec<Rejection>,
    /// The server holds less than this device was told it held (it was
    /// restored from a backup, or moved without its feed): the answer
    /// starts the feed over, and the device sends every record again.
    /// Absent from older servers' answers.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub behind: bool,
}

/// Encode a message as CBOR.
pub fn encode<T: Serialize>(msg: &T) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail for these plain types.
    let _ = ciborium::into_writer(msg, &mut out);
    out
}

/// Decode a CBOR message.
pub fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T, WireError> {
    ciborium::from_reader(bytes).map_err(|e| WireError(e.to_string()))
}

/// Heads as concatenated 32-byte hashes.
pub fn encode_heads(heads: &[ChangeHash]) -> Vec<u8> {
    let mut out = Vec::with_capacity(heads.len() * 32);
    for h in heads {
        out.extend_from_slice(&h.0);
    }
    out
}

/// Read concatenated 32-byte hashes.
pub fn decode_heads(bytes: &[u8]) -> Result<Vec<ChangeHash>, WireError> {
    if !bytes.len().is_multiple_of(32) {
        return Err(WireError(format!(
            "heads of {} bytes are not a whole number of hashes",
            bytes.len()
        )));
    }
    Ok(bytes
        .chunks_exact(32)
        .map(|c| {
            let mut h = [0u8; 32];
            h.copy_from_slice(c);
            ChangeHash(h)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SeededIds;
    use crate::time_types::Timestamp;

    #[test]
    fn requests_round_trip_through_cbor() {
        let id = RecordId::generate(&SeededIds::new(1), Timestamp::from_millis(0));
        let req = SyncRequest {
            protocol: PROTOCOL_VERSION,
            cursor: 42,
            last_answer: 3,
            push: vec![PushRecord {
                id,
                kind: RecordKind::Note,
                heads: vec![7; 64],
                changes: vec![1, 2, 3],
            }],
            want_full: vec![id],
        };
        let bytes = encode(&req);
        assert_eq!(decode::<SyncRequest>(&bytes).expect("decodes"), req);
        assert!(
            decode::<SyncRequest>(&bytes[..bytes.len() / 2]).is_err(),
            "truncated bytes are refused"
        );
        assert!(decode::<SyncRequest>(b"garbage").is_err());
    }

    #[test]
    fn heads_must_be_whole_hashes() {
        assert_eq!(decode_heads(&[0; 64]).expect("two hashes").len(), 2);
        assert!(decode_heads(&[0; 33]).is_err());
    }
}
