//! Roles and what each may read and write. The server applies this to
//! every record of every request; the client uses it only to explain.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::record::RecordKind;
use crate::vocab::{Lang, UnknownCode, Vocabulary};

/// A member's role in the team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Invitations, revocation, erasure, every record.
    Coordinator,
    /// Notes, places and the directory; persons only if granted.
    Worker,
    /// Reads only.
    Observer,
}

impl Role {
    /// The stable code.
    pub fn code(self) -> &'static str {
        Vocabulary::code(self)
    }
    /// The label in a language.
    pub fn label(self, lang: Lang) -> &'static str {
        Vocabulary::label(self, lang)
    }
}

impl Vocabulary for Role {
    const ALL: &'static [Self] = &[Self::Coordinator, Self::Worker, Self::Observer];
    const NAME: &'static str = "role";
    fn code(self) -> &'static str {
        match self {
            Self::Coordinator => "coordinator",
            Self::Worker => "worker",
            Self::Observer => "observer",
        }
    }
    fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Self::Coordinator, Lang::Fr) => "Coordination",
            (Self::Coordinator, Lang::En) => "Coordinator",
            (Self::Worker, Lang::Fr) => "Intervenant·e",
            (Self::Worker, Lang::En) => "Worker",
            (Self::Observer, Lang::Fr) => "Observation (lecture seule)",
            (Self::Observer, Lang::En) => "Observer (read-only)",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Role {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "coordinator" => Ok(Self::Coordinator),
            "worker" => Ok(Self::Worker),
            "observer" => Ok(Self::Observer),
            _ => Err(UnknownCode {
                value: s.chars().take(40).collect(),
                vocabulary: "role",
                expected: "coordinator, worker, observer".into(),
            }),
        }
    }
}

/// A device's rights: its member's role, and whether it may see persons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Access {
    /// The role.
    pub role: Role,
    /// Granted access to persons and their referrals.
    pub persons: bool,
}

impl Access {
    /// Rights of a role; coordinators always see persons.
    pub fn new(role: Role, persons: bool) -> Self {
        Self {
            role,
            persons: persons || role == Role::Coordinator,
        }
    }

    /// Whether records of this kind may be sent to the device.
    pub fn may_read(&self, kind: RecordKind) -> bool {
        match kind {
            RecordKind::Person | RecordKind::Referral => self.persons,
            RecordKind::Incident => self.role == Role::Coordinator,
            _ => true,
        }
    }

    /// Why a write of this kind is refused, or `None` when allowed.
    pub fn write_refusal(&self, kind: RecordKind) -> Option<String> {
        match (self.role, kind) {
            (Role::Coordinator, _) => None,
            (_, RecordKind::Incident) => Some(
                "only a coordinator can read or write the register of confidentiality incidents".into(),
            ),
            (Role::Observer, _) => Some("observers can read the team's records but not change them".into()),
            (Role::Worker, RecordKind::Workspace) => {
                Some("only a coordinator can change the team's workspace (codebook, sectors)".into())
            }
            (Role::Worker, RecordKind::Person | RecordKind::Referral) if !self.persons => Some(
                "this device has no access to persons; ask a coordinator for an invitation with access to persons".into(),
            ),
            (Role::Worker, _) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(Role::Coordinator, false, RecordKind::Person, true, true)]
    #[case(Role::Worker, false, RecordKind::Person, false, false)]
    #[case(Role::Worker, true, RecordKind::Person, true, true)]
    #[case(Role::Worker, false, RecordKind::Note, true, true)]
    #[case(Role::Worker, false, RecordKind::Workspace, true, false)]
    #[case(Role::Observer, false, RecordKind::Note, true, false)]
    #[case(Role::Observer, true, RecordKind::Person, true, false)]
    #[case(Role::Coordinator, true, RecordKind::Incident, true, true)]
    #[case(Role::Worker, true, RecordKind::Incident, false, false)]
    #[case(Role::Worker, false, RecordKind::Referral, false, false)]
    #[case(Role::Worker, true, RecordKind::Referral, true, true)]
    #[case(Role::Observer, true, RecordKind::Referral, true, false)]
    #[case(Role::Observer, true, RecordKind::Incident, false, false)]
    fn rights(
        #[case] role: Role,
        #[case] persons: bool,
        #[case] kind: RecordKind,
        #[case] read: bool,
        #[case] write: bool,
    ) {
        let a = Access::new(role, persons);
        assert_eq!(a.may_read(kind), read, "{role} read {kind}");
        assert_eq!(
            a.write_refusal(kind).is_none(),
            write,
            "{role} write {kind}"
        );
    }
}
