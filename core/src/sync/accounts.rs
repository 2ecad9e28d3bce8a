//! The wire types of the account endpoints (JSON): what a device receives
//! when it joins, and the device list coordinators see. Shared by the
//! server and the client so the contract is declared once.

use serde::{Deserialize, Serialize};

use crate::sync::access::Role;

/// What a device receives when it joins a team.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Joined {
    /// Team id.
    pub team: String,
    /// Team name.
    pub team_name: String,
    /// The team's workspace record.
    pub workspace_id: String,
    /// The member this device acts for.
    pub member_id: String,
    /// Their name.
    pub member_name: String,
    /// The new device's id.
    pub device_id: String,
    /// Its token (shown once; the server keeps only a hash).
    pub token: String,
    /// The member's role.
    pub role: Role,
    /// Access to persons.
    pub persons: bool,
}

/// A device of the team, as listed for coordinators.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeviceInfo {
    /// Device id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Member id.
    pub member_id: String,
    /// Member name.
    pub member: String,
    /// Role.
    pub role: String,
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
            self.id, self.name, self.member, self.role
        )
    }
}
