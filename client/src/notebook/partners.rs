//! Referrals between the team and partner organisations: the inbox of a
//! partner's device (the referrals addressed to its organisation) and the
//! thread of each referral, read by both sides.

use std::collections::HashMap;

use carnet_core::record::{Record, ReferralRecord};
use carnet_core::sync::Role;
use carnet_core::{ItemId, RecordId};

use super::Notebook;
use crate::error::{ClientError, Result};
use crate::queries::{persons as query, records::member_names};
use crate::views::{ReferralStep, ReferralThread, ThreadMessage};

impl Notebook {
    /// The organisation this device answers for: a partner's; `None` for
    /// the team's members and a personal notebook.
    pub fn partner_organisation(&self) -> Result<Option<RecordId>> {
        Ok(self
            .membership()?
            .filter(|m| m.role == Role::Partner)
            .and_then(|m| m.organisation))
    }

    /// A partner's inbox: the referrals addressed to its organisation,
    /// open ones first, newest first.
    pub fn addressed_referrals(&mut self) -> Result<Vec<ReferralThread>> {
        let Some(org) = self.partner_organisation()? else {
            return Err(ClientError::BadInput(
                "only a partner organisation's device has an inbox of referrals addressed to it; \
                 the team's referrals are on the referral board"
                    .into(),
            ));
        };
        let names = member_names(self.store.conn())?;
        let mut out = Vec::new();
        for id in query::referral_records_to(self.store.conn(), org)? {
            out.push(self.thread_named(ItemId::from_uuid(*id.as_uuid()), &names)?);
        }
        out.sort_by_key(|t| {
            (
                t.referral.status.is_closed(),
                std::cmp::Reverse(t.referral.made_at),
            )
        });
        Ok(out)
    }

    /// A referral that is a record of its own, with its steps and
    /// messages named.
    pub fn referral_thread(&mut self, referral: ItemId) -> Result<ReferralThread> {
        let names = member_names(self.store.conn())?;
        self.thread_named(referral, &names)
    }

    /// A referral's thread, its members named from `names`.
    fn thread_named(
        &mut self,
        referral: ItemId,
        names: &HashMap<String, String>,
    ) -> Result<ReferralThread> {
        let id = RecordId::from_uuid(*referral.as_uuid());
        let record: ReferralRecord = match self.record(id)? {
            Record::Referral(r) => *r,
            other => return Err(ClientError::wrong_kind(id, "referral", &other)),
        };
        let me = self.member();
        let name = |m: carnet_core::MemberId| {
            names
                .get(&m.to_string())
                .cloned()
                .unwrap_or_else(|| m.to_string()[..8].to_string())
        };
        let steps = record
            .referral
            .history
            .iter()
            .map(|h| ReferralStep {
                status: h.status,
                at: h.at,
                by: name(h.by),
                note: h.note.clone(),
            })
            .collect();
        let messages = record
            .messages
            .iter()
            .map(|m| ThreadMessage {
                id: m.id,
                at: m.at,
                by: name(m.by),
                mine: m.by == me,
                text: m.text.clone(),
            })
            .collect();
        Ok(ReferralThread {
            id: referral,
            person: record.person,
            made_by: name(record.made_by),
            pseudonym: record.pseudonym,
            identity: record.identity,
            referral: record.referral,
            steps,
            messages,
        })
    }
}
