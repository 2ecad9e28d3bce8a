//! A referral as a record of its own: what the receiving organisation
//! reads without reading the person's record. Its fields are a referral's
//! as it was kept inside a person record (`Referral`), beside the person
//! it is made for and who made it.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::ids::{MemberId, RecordId};
use crate::record::person::Referral;

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
}
