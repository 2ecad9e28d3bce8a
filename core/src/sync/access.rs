//! Roles and what each may read and write. The server applies this to
//! every record of every request; the client uses it only to explain.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ids::RecordId;
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
    /// A partner organisation: reads and answers only the referrals
    /// addressed to a service of its organisation.
    Partner,
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
    const ALL: &'static [Self] = &[
        Self::Coordinator,
        Self::Worker,
        Self::Observer,
        Self::Partner,
    ];
    const NAME: &'static str = "role";
    fn code(self) -> &'static str {
        match self {
            Self::Coordinator => "coordinator",
            Self::Worker => "worker",
            Self::Observer => "observer",
            Self::Partner => "partner",
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
            (Self::Partner, Lang::Fr) => "Organisme partenaire",
            (Self::Partner, Lang::En) => "Partner organisation",
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
            "partner" => Ok(Self::Partner),
            _ => Err(UnknownCode {
                value: s.chars().take(40).collect(),
                vocabulary: "role",
                expected: "coordinator, worker, observer, partner".into(),
            }),
        }
    }
}

/// A device's rights: its member's role, whether it may see persons and,
/// for a partner, the organisation (a directory resource) it answers for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Access {
    /// The role.
    pub role: Role,
    /// Granted access to persons and their referrals.
    pub persons: bool,
    /// A partner's organisation: the records it may see are those whose
    /// scope ([`crate::RecordDoc::scope`]) is this organisation.
    #[serde(default)]
    pub organisation: Option<RecordId>,
}

/// Why a partner's device may not write a record: said the same way
/// whether the record exists or not, so it learns nothing of the others.
pub const PARTNER_WRITE_REFUSAL: &str =
    "a partner organisation's device answers the referrals addressed to its organisation; it cannot create or change any other record";

impl Access {
    /// Rights of a role; coordinators always see persons, partners never
    /// (they see the referrals addressed to them, see [`Access::partner`]).
    pub fn new(role: Role, persons: bool) -> Self {
        Self {
            role,
            persons: (persons || role == Role::Coordinator) && role != Role::Partner,
            organisation: None,
        }
    }

    /// Rights of a partner organisation's device.
    pub fn partner(organisation: RecordId) -> Self {
        Self {
            role: Role::Partner,
            persons: false,
            organisation: Some(organisation),
        }
    }

    /// Whether records of this kind may be sent to the device (for a
    /// partner, only those of its organisation: see [`Access::sees`]).
    pub fn may_read(&self, kind: RecordKind) -> bool {
        match (self.role, kind) {
            // The workspace names the team's members (who refers) and
            // holds its vocabularies: nothing of a person.
            (
                Role::Partner,
                RecordKind::Referral | RecordKind::Resource | RecordKind::Workspace,
            ) => self.organisation.is_some(),
            (Role::Partner, _) => false,
            (_, RecordKind::Person | RecordKind::Referral) => self.persons,
            (_, RecordKind::Incident) => self.role == Role::Coordinator,
            _ => true,
        }
    }

    /// Whether a record of this kind and scope may be sent to the device.
    pub fn sees(&self, kind: RecordKind, scope: Option<RecordId>) -> bool {
        self.may_read(kind)
            && (self.role != Role::Partner
                || kind == RecordKind::Workspace
                || scope == self.organisation)
    }

    /// The scope the device's feed is limited to: a partner's
    /// organisation; `None` for the team's members.
    pub fn feed_scope(&self) -> Option<RecordId> {
        match self.role {
            Role::Partner => self.organisation,
            _ => None,
        }
    }

    /// Why a write of this kind is refused, or `None` when allowed.
    pub fn write_refusal(&self, kind: RecordKind) -> Option<String> {
        match (self.role, kind) {
            (Role::Coordinator, _) => None,
            (Role::Partner, RecordKind::Referral) if self.organisation.is_some() => None,
            (Role::Partner, _) => Some(PARTNER_WRITE_REFUSAL.into()),
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
    #[case(Role::Partner, true, RecordKind::Person, false, false)]
    #[case(Role::Partner, true, RecordKind::Note, false, false)]
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

    #[test]
    fn a_partner_sees_only_its_organisation() {
        let org = RecordId::from_uuid(uuid::Uuid::from_u128(1));
        let other = RecordId::from_uuid(uuid::Uuid::from_u128(2));
        let a = Access::partner(org);
        assert!(a.sees(RecordKind::Referral, Some(org)));
        assert!(a.sees(RecordKind::Resource, Some(org)));
        assert!(!a.sees(RecordKind::Referral, Some(other)));
        assert!(!a.sees(RecordKind::Referral, None));
        assert!(!a.sees(RecordKind::Person, Some(org)));
        assert!(!a.sees(RecordKind::Note, None));
        assert!(a.sees(RecordKind::Workspace, None));
        assert!(a.write_refusal(RecordKind::Workspace).is_some());
        assert!(a.write_refusal(RecordKind::Referral).is_none());
        assert!(a.write_refusal(RecordKind::Resource).is_some());
        assert_eq!(a.feed_scope(), Some(org));
        // A worker's scope does not limit what it sees.
        let w = Access::new(Role::Worker, true);
        assert!(w.sees(RecordKind::Referral, Some(other)));
        assert_eq!(w.feed_scope(), None);
        // No organisation, nothing.
        let lost = Access::new(Role::Partner, true);
        assert!(!lost.persons);
        assert!(!lost.sees(RecordKind::Referral, None));
        assert!(lost.write_refusal(RecordKind::Referral).is_some());
    }
}
