//! A referral as a record of its own: what the receiving organisation
//! reads without reading the person's record. Its fields are a referral's
//! as it was kept inside a person record (`Referral`), beside the person
//! it is made for and who made it.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::ids::{ItemId, MemberId, RecordId};
use crate::record::person::{Person, Referral};
use crate::time_types::Timestamp;

/// A referral (social prescription) of a person to a service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReferralRecord {
    /// The person referred.
    pub person: RecordId,
    /// The person's pseudonym when the referral was made (what an
    /// organisation may always know of them).
    pub pseudonym: String,
    /// Who made it.
    pub made_by: MemberId,
    /// The referral: service, need, status and its history, follow-ups,
    /// outcome. Its `id` is the record's id.
    pub referral: Referral,
    /// The person's name and phone, copied for the partner organisation
    /// only while the person consents to sharing them
    /// (`referral.share_identity`); removed, with the record's history,
    /// when that consent is withdrawn.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub identity: Option<SharedIdentity>,
    /// The thread between the referring team and the partner, oldest
    /// first.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub messages: Vec<ReferralMessage>,
}

/// What a partner organisation may know of who the person is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SharedIdentity {
    /// Name.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub name: Option<String>,
    /// Phone.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub phone: Option<String>,
}

impl SharedIdentity {
    /// What a partner organisation is given of who a person is: their
    /// name and phone when the referral shares them (the consent is the
    /// caller's to check), nothing otherwise.
    pub fn of(p: &Person, share: bool) -> Option<Self> {
        let identity = p.identity.as_ref().filter(|_| share)?;
        let shared = Self {
            name: identity.name.clone(),
            phone: identity.phone.clone(),
        };
        (shared.name.is_some() || shared.phone.is_some()).then_some(shared)
    }
}

/// The referrals a person's record holds (made before referrals were
/// records of their own) as records with the same ids: whole, status
/// history, follow-ups and authors included; each made by the author of
/// its first status change.
pub fn held_as_records(person: RecordId, p: &Person) -> Vec<(RecordId, ReferralRecord)> {
    p.referrals
        .iter()
        .map(|r| {
            (
                RecordId::from_uuid(*r.id.as_uuid()),
                ReferralRecord {
                    person,
                    pseudonym: p.pseudonym.clone(),
                    made_by: r.history.first().map_or(p.author, |h| h.by),
                    referral: r.clone(),
                    identity: SharedIdentity::of(p, r.share_identity),
                    messages: vec![],
                },
            )
        })
        .collect()
}

/// Bring into a referral record what a device did offline to the same
/// referral while its person's record still held it (`held`), once the
/// record exists: the status changes and follow-ups it lacks (by id), a
/// follow-up done, the outcome if it has none, and a withdrawn sharing.
/// Returns whether anything changed.
pub fn bring_offline_edits(record: &mut Referral, held: &Referral) -> bool {
    let mut changed = false;
    for h in &held.history {
        if !record.history.iter().any(|x| x.id == h.id) {
            record.history.push(h.clone());
            record.status = h.status;
            changed = true;
        }
    }
    for f in &held.follow_ups {
        match record.follow_ups.iter_mut().find(|x| x.id == f.id) {
            None => {
                record.follow_ups.push(f.clone());
                changed = true;
            }
            Some(x) if f.done && !x.done => {
                x.done = true;
                changed = true;
            }
            Some(_) => {}
        }
    }
    if record.result.is_none() && held.result.is_some() {
        record.result = held.result;
        changed = true;
    }
    if record.outcome.is_none() && held.outcome.is_some() {
        record.outcome.clone_from(&held.outcome);
        changed = true;
    }
    if record.share_identity && !held.share_identity {
        record.share_identity = false;
        changed = true;
    }
    changed
}

/// One message of a referral's thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Hydrate, Reconcile)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReferralMessage {
    /// The message's id.
    #[key]
    pub id: ItemId,
    /// When it was written.
    pub at: Timestamp,
    /// Who wrote it.
    pub by: MemberId,
    /// What it says.
    pub text: String,
}

/// The longest message of a referral's thread, in characters.
pub const MAX_MESSAGE_CHARS: usize = 4000;

/// Whether `after` keeps every entry of `before`, unchanged and in the
/// same order, and every entry it adds was written by the writer.
fn only_added<T: PartialEq>(
    before: &[T],
    after: &[T],
    id: impl Fn(&T) -> ItemId,
    by: impl Fn(&T) -> MemberId,
    own: &mut impl FnMut(MemberId) -> bool,
) -> bool {
    let mut kept = before.iter().peekable();
    for entry in after {
        if kept.peek().is_some_and(|b| *b == entry) {
            kept.next();
        } else if before.iter().any(|b| id(b) == id(entry)) || !own(by(entry)) {
            return false;
        }
    }
    kept.next().is_none()
}

impl ReferralRecord {
    /// Why a partner organisation may not make `after` of `before`, or
    /// `None`. A partner answers the referral (its status, the organisation's
    /// answer, follow-ups, the outcome), adds status changes and messages
    /// signed by its own member (`own`); it cannot change whom the
    /// referral is for, who made it, what it asks, what the person shares,
    /// nor any entry already written.
    pub fn partner_refusal(
        before: &Self,
        after: &Self,
        mut own: impl FnMut(MemberId) -> bool,
    ) -> Option<&'static str> {
        let (b, a) = (&before.referral, &after.referral);
        if before.person != after.person
            || before.pseudonym != after.pseudonym
            || before.made_by != after.made_by
            || before.identity != after.identity
            || b.id != a.id
            || b.service != a.service
            || b.resource_id != a.resource_id
            || b.service_id != a.service_id
            || b.need != a.need
            || b.made_at != a.made_at
            || b.share_identity != a.share_identity
        {
            return Some("a partner can answer a referral but not change whom it is for, who made it, what it asks or what the person shares");
        }
        if !only_added(&b.history, &a.history, |h| h.id, |h| h.by, &mut own)
            || !only_added(
                &before.messages,
                &after.messages,
                |m| m.id,
                |m| m.by,
                &mut own,
            )
        {
            return Some("a partner adds status changes and messages in its own name; it cannot change or remove those already written");
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::person::StatusChange;
    use crate::vocab::NeedCategory;
    use crate::vocab::ReferralStatus;

    fn member(n: u128) -> MemberId {
        MemberId::from_uuid(uuid::Uuid::from_u128(n))
    }

    fn item(n: u128) -> ItemId {
        ItemId::from_uuid(uuid::Uuid::from_u128(n))
    }

    fn change(n: u128, by: MemberId, status: ReferralStatus) -> StatusChange {
        StatusChange {
            id: item(n),
            status,
            at: Timestamp::from_millis(n as i64),
            by,
            note: None,
        }
    }

    fn referral() -> ReferralRecord {
        ReferralRecord {
            person: RecordId::from_uuid(uuid::Uuid::from_u128(7)),
            pseudonym: "P-1".into(),
            made_by: member(1),
            referral: Referral {
                id: item(100),
                service: "Banque alimentaire".into(),
                resource_id: Some(RecordId::from_uuid(uuid::Uuid::from_u128(8))),
                service_id: None,
                need: NeedCategory::FoodInsecurity,
                made_at: Timestamp::from_millis(1),
                status: ReferralStatus::Proposed,
                history: vec![change(1, member(1), ReferralStatus::Proposed)],
                follow_ups: vec![],
                outcome: None,
                result: None,
                share_identity: false,
            },
            identity: None,
            messages: vec![],
        }
    }

    #[test]
    fn a_partner_answers_in_its_own_name_only() {
        let partner = member(2);
        let own = |m: MemberId| m == partner;
        let before = referral();
        let mut answered = before.clone();
        answered.referral.status = ReferralStatus::Accepted;
        answered
            .referral
            .history
            .push(change(2, partner, ReferralStatus::Accepted));
        answered.messages.push(ReferralMessage {
            id: item(3),
            at: Timestamp::from_millis(3),
            by: partner,
            text: "Rendez-vous mardi".into(),
        });
        assert_eq!(
            ReferralRecord::partner_refusal(&before, &answered, own),
            None
        );

        // A concurrent entry of the team may come first.
        let mut merged = answered.clone();
        merged
            .referral
            .history
            .insert(1, change(4, member(1), ReferralStatus::Accepted));
        let mut with_team = before.clone();
        with_team.referral.history = merged.referral.history[..2].to_vec();
        assert_eq!(
            ReferralRecord::partner_refusal(&with_team, &merged, own),
            None
        );

        let mut forged = answered.clone();
        forged.referral.history[1].by = member(1);
        assert!(ReferralRecord::partner_refusal(&before, &forged, own).is_some());
        let mut rewritten = answered.clone();
        rewritten.referral.history[0].note = Some("changé".into());
        assert!(ReferralRecord::partner_refusal(&before, &rewritten, own).is_some());
        let mut removed = answered.clone();
        removed.referral.history.remove(0);
        assert!(ReferralRecord::partner_refusal(&before, &removed, own).is_some());
        let mut readdressed = answered.clone();
        readdressed.referral.resource_id = None;
        assert!(ReferralRecord::partner_refusal(&before, &readdressed, own).is_some());
        let mut named = answered;
        named.identity = Some(SharedIdentity {
            name: Some("X".into()),
            phone: None,
        });
        assert!(ReferralRecord::partner_refusal(&before, &named, own).is_some());
    }
}
