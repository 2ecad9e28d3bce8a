//! The HTTP API of a team server, declared once: every endpoint's path,
//! request and answer, and the error body, with typed ids. The server
//! (`carnet-sync-server`) and the client (`carnet-client`) both use these
//! types, so the contract cannot drift between them. Account endpoints
//! speak JSON; `/v1/sync` speaks CBOR ([`super::protocol`]).
//!
//! | method | path | request | answer |
//! |---|---|---|---|
//! | GET | [`paths::HEALTH`] | | [`Health`] |
//! | GET | [`paths::READY`] | | [`Health`] (`ready`), or 503 |
//! | GET | [`paths::METRICS`] | | Prometheus text |
//! | POST | [`paths::JOIN`] | [`JoinRequest`] | 201 [`Joined`] |
//! | GET | [`paths::ME`] | | [`Me`] |
//! | POST | [`paths::SYNC`] | `SyncRequest` (CBOR) | `SyncResponse` (CBOR) |
//! | POST | [`paths::INVITATIONS`] | [`InviteRequest`] | 201 [`Invitation`] |
//! | GET | [`paths::DEVICES`] | | `Vec<`[`DeviceInfo`]`>` |
//! | POST | [`paths::revoke`] | | 204 |
//! | POST | [`paths::erase`] | [`EraseRequest`] | 204 |
//!
//! Every error answers [`ErrorBody`] with the status that fits.

use serde::{Deserialize, Serialize};

use crate::error_kind::ErrorKind;
use crate::ids::{DeviceId, MemberId, RecordId, TeamId};
use crate::sync::access::Role;

/// The endpoints' paths.
pub mod paths {
    use crate::ids::{DeviceId, RecordId};

    /// Whether the server is up.
    pub const HEALTH: &str = "/v1/health";
    /// Whether the server can answer: its database answers.
    pub const READY: &str = "/v1/ready";
    /// The server's metrics, in Prometheus's text format.
    pub const METRICS: &str = "/metrics";
    /// Join a team with an invitation code.
    pub const JOIN: &str = "/v1/join";
    /// Who this device is.
    pub const ME: &str = "/v1/me";
    /// One sync round.
    pub const SYNC: &str = "/v1/sync";
    /// Create an invitation (coordinators).
    pub const INVITATIONS: &str = "/v1/invitations";
    /// The team's devices (coordinators).
    pub const DEVICES: &str = "/v1/devices";
    /// The route of [`revoke`], as the server declares it.
    pub const REVOKE_ROUTE: &str = "/v1/devices/{id}/revoke";
    /// The route of [`erase`], as the server declares it.
    pub const ERASE_ROUTE: &str = "/v1/records/{id}/erase";

    /// Revoke a device (coordinators).
    pub fn revoke(device: DeviceId) -> String {
        format!("/v1/devices/{device}/revoke")
    }

    /// Erase a record everywhere (coordinators).
    pub fn erase(record: RecordId) -> String {
        format!("/v1/records/{record}/erase")
    }
}

/// The body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What went wrong, for programs to branch on.
    pub kind: ErrorKind,
    /// For people: what happened and what to do.
    pub message: String,
}

/// The answer of [`paths::HEALTH`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// `ok`.
    pub status: String,
}

/// What a device sends to join.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JoinRequest {
    /// The invitation code, as typed.
    pub code: String,
    /// A name for the device ("portable-aline").
    #[serde(default)]
    pub device_name: String,
    /// The member's name (ignored when the code was made for a member).
    #[serde(default)]
    pub member_name: String,
}

/// What a device receives when it joins a team.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Joined {
    /// Team id.
    pub team: TeamId,
    /// Team name.
    pub team_name: String,
    /// The team's workspace record.
    pub workspace_id: RecordId,
    /// The member this device acts for.
    pub member_id: MemberId,
    /// Their name.
    pub member_name: String,
    /// The new device's id.
    pub device_id: DeviceId,
    /// Its token (shown once; the server keeps only a hash).
    pub token: String,
    /// The member's role.
    pub role: Role,
    /// Access to persons.
    pub persons: bool,
    /// A partner's organisation (a directory resource of the team).
    #[serde(default)]
    pub organisation: Option<RecordId>,
}

/// The answer of [`paths::ME`]: who this device is.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Me {
    /// The device.
    pub device_id: DeviceId,
    /// Its team.
    pub team: TeamId,
    /// Its member.
    pub member_id: MemberId,
    /// The member's role.
    pub role: Role,
    /// Access to persons.
    pub persons: bool,
    /// A partner's organisation (a directory resource of the team).
    #[serde(default)]
    pub organisation: Option<RecordId>,
}

/// A coordinator's request for an invitation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InviteRequest {
    /// The role of whoever uses the code.
    pub role: Role,
    /// Access to persons.
    #[serde(default)]
    pub persons: bool,
    /// Hours until the code expires (the server's default when absent).
    #[serde(default)]
    pub expires_hours: Option<i64>,
    /// For a partner: the organisation of the team's directory it answers
    /// for (required for that role, refused for the others).
    #[serde(default)]
    pub organisation: Option<RecordId>,
}

impl InviteRequest {
    /// How long a code lasts when the request does not say.
    pub const DEFAULT_HOURS: i64 = 72;
    /// The longest a code may last: a year.
    pub const MAX_HOURS: i64 = 24 * 365;
}

/// A new invitation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Invitation {
    /// The code to read out (`7K4M-Q2PX-9TRC`).
    pub code: String,
}

/// Why a record is erased.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EraseRequest {
    /// The reason (kept in the tombstone; the content is not).
    pub reason: String,
}

/// Why an erasure request is refused before it is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("say why the record is erased; the reason is kept, the content is not")]
pub struct MissingReason;

impl EraseRequest {
    /// A request with the reason trimmed; an empty reason is refused, by
    /// the server and before sending alike.
    pub fn new(reason: &str) -> Result<Self, MissingReason> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(MissingReason);
        }
        Ok(Self {
            reason: reason.to_string(),
        })
    }
}

/// A device of the team, as listed for coordinators.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeviceInfo {
    /// Device id.
    pub id: DeviceId,
    /// Its name.
    pub name: String,
    /// Member id.
    pub member_id: MemberId,
    /// Member name.
    pub member: String,
    /// Role.
    pub role: Role,
    /// When it joined (ms since epoch).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub joined_at: i64,
    /// When it last synced (ms since epoch).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub last_seen: Option<i64>,
    /// When it was revoked (ms since epoch).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub revoked_at: Option<i64>,
}

impl DeviceInfo {
    /// One line for a terminal: id, name, member, role, active or revoked.
    pub fn line(&self) -> String {
        let state = if self.revoked_at.is_some() {
            "revoked"
        } else {
            "active"
        };
        format!(
            "{}  {:<20} {:<20} {:<12} {state}",
            self.id,
            self.name,
            self.member,
            self.role.code()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joined_reads_the_strings_an_older_server_sends() {
        let json = r#"{"team":"0193f5c2-7d1e-7a4b-9c3d-2e1f0a9b8c7d","team_name":"Pôle MN",
            "workspace_id":"0193f5c2-7d1e-7a4b-9c3d-2e1f0a9b8c7e","member_id":"0193f5c2-7d1e-7a4b-9c3d-2e1f0a9b8c7f",
            "member_name":"Aline","device_id":"0193f5c2-7d1e-7a4b-9c3d-2e1f0a9b8c70","token":"ab",
            "role":"worker","persons":false}"#;
        let joined: Joined = serde_json::from_str(json).expect("joined");
        assert_eq!(joined.role, Role::Worker);
        assert_eq!(
            joined.device_id.to_string(),
            "0193f5c2-7d1e-7a4b-9c3d-2e1f0a9b8c70"
        );
    }

    #[test]
    fn a_joined_answer_with_a_malformed_id_is_refused_whole() {
        let json = r#"{"team":"not-an-id","team_name":"x","workspace_id":"0193f5c2-7d1e-7a4b-9c3d-2e1f0a9b8c7e",
            "member_id":"0193f5c2-7d1e-7a4b-9c3d-2e1f0a9b8c7f","member_name":"A","device_id":"0193f5c2-7d1e-7a4b-9c3d-2e1f0a9b8c70",
            "token":"ab","role":"worker","persons":false}"#;
        let err = serde_json::from_str::<Joined>(json).expect_err("malformed team id");
        assert!(err.to_string().contains("team id"), "{err}");
    }

    #[test]
    fn an_erasure_needs_a_reason() {
        assert_eq!(EraseRequest::new("  ").expect_err("empty"), MissingReason);
        assert_eq!(
            EraseRequest::new(" contains a name ")
                .expect("reason")
                .reason,
            "contains a name"
        );
    }

    #[test]
    fn the_error_body_carries_the_kind_as_its_code() {
        let body = ErrorBody {
            kind: ErrorKind::ExpiredCode,
            message: "expired".into(),
        };
        let json = serde_json::to_string(&body).expect("json");
        assert_eq!(json, r#"{"kind":"expired-code","message":"expired"}"#);
    }
}
