//! Persons: their record, consents and identifying details, and the
//! referrals made for them with their statuses and follow-ups.
use carnet_core::record::{
    Consent, Identity, Person, Record, Referral, ReferralFollowUp, ReferralMessage, ReferralRecord,
    SharedIdentity, StatusChange, MAX_MESSAGE_CHARS,
};
use carnet_core::vocab::{
    ConsentMethod, ConsentPurpose, NeedCategory, ReferralOutcome, ReferralStatus,
};
use carnet_core::{Day, ItemId, RecordId, RecordKind};

use super::Notebook;
use crate::error::{ClientError, Result};
use crate::inputs::{PersonInput, ReferralInput};
use crate::queries::persons as query;
use crate::views::{ConsentEffects, PersonDetail, PersonSummary, ReferralSummary};

/// At most this many referrals wait for their record (see
/// [`Notebook::bring_held_edits`]).
const MAX_HELD_WAITING: usize = 10_000;

/// Why a referral a person's record still holds has no thread yet.
const HELD_REFERRAL_THREAD: &str = "this referral is still kept in the person's file; its thread \
     opens once it is a record of its own (after the team's server moves it)";

impl Notebook {
    /// Change a person.
    pub fn edit_person<T>(
        &mut self,
        id: RecordId,
        f: impl FnOnce(&mut Person) -> Result<T>,
    ) -> Result<T> {
        self.edit_kind(
            id,
            "person",
            |r| match r {
                Record::Person(p) => Some(p.as_mut()),
                _ => None,
            },
            f,
        )
    }

    /// Create a person.
    pub fn create_person(&mut self, input: PersonInput) -> Result<RecordId> {
        let wanted = carnet_core::fold::fold(&input.pseudonym);
        if let Some(same) = query::pseudonyms(self.store.conn())?
            .into_iter()
            .find(|p| carnet_core::fold::fold(p) == wanted)
        {
            return Err(ClientError::BadInput(format!(
                "there is already a person called '{same}' in this notebook: open their file, \
                 or choose a pseudonym of their own"
            )));
        }
        let now = self.now();
        let mut p = Person::new(input.pseudonym.trim(), self.member(), now);
        p.age_group = input.age_group;
        p.languages = input.languages;
        p.sector = input.sector;
        p.needs = input.needs;
        p.notes = input.notes.unwrap_or_default().into();
        let id = RecordId::generate(self.env.ids.as_ref(), now);
        self.create_record(id, Record::Person(Box::new(p)))
    }

    /// Set the needs identified for a person (each once, in the order given).
    pub fn set_person_needs(&mut self, person: RecordId, needs: Vec<NeedCategory>) -> Result<()> {
        let mut unique = Vec::with_capacity(needs.len());
        for n in needs {
            if !unique.contains(&n) {
                unique.push(n);
            }
        }
        self.edit_person(person, |p| {
            p.needs = unique;
            Ok(())
        })
    }

    /// Set the languages a person speaks (ISO 639 codes, each once).
    pub fn set_person_languages(&mut self, person: RecordId, languages: Vec<String>) -> Result<()> {
        let unique = language_codes(languages)?;
        self.edit_person(person, |p| {
            p.languages = unique;
            Ok(())
        })
    }

    /// Refer a person to a service: the referral is a record of its own
    /// (what the receiving organisation may read without the person's
    /// record); its id is that record's.
    pub fn add_referral(&mut self, person: RecordId, input: ReferralInput) -> Result<ItemId> {
        let (resource_id, service) = self.addressee(&input)?;
        let p = match self.record(person)? {
            Record::Person(p) => *p,
            other => return Err(ClientError::wrong_kind(person, "person", &other)),
        };
        if p.consent(ConsentPurpose::Referral) == Some(false) {
            return Err(ClientError::BadInput(format!(
                "{} withdrew their consent to referrals: record a new consent before referring them",
                p.pseudonym
            )));
        }
        if input.share_identity && !p.consents_to(ConsentPurpose::SharingWithPartners) {
            return Err(ClientError::BadInput(format!(
                "{} has not consented to their identity being shared with partner organisations: \
                 refer them without sharing it, or record that consent first",
                p.pseudonym
            )));
        }
        if let Some(why) = self.access()?.write_refusal(RecordKind::Referral) {
            return Err(ClientError::Forbidden(why));
        }
        let (change, at, by) = (self.new_item(), self.now(), self.member());
        let id = RecordId::generate(self.env.ids.as_ref(), at);
        let status = input.status.unwrap_or(ReferralStatus::Proposed);
        let record = ReferralRecord {
            person,
            pseudonym: p.pseudonym.clone(),
            made_by: by,
            referral: Referral {
                id: ItemId::from_uuid(*id.as_uuid()),
                service,
                resource_id,
                service_id: input.service_id,
                result: None,
                need: input.need,
                made_at: at,
                status,
                history: vec![StatusChange {
                    id: change,
                    status,
                    at,
                    by,
                    note: input.note,
                }],
                follow_ups: vec![],
                outcome: None,
                share_identity: input.share_identity,
            },
            identity: SharedIdentity::of(&p, input.share_identity),
            messages: vec![],
        };
        if !p.needs.contains(&input.need) {
            self.edit_person(person, |p| {
                if !p.needs.contains(&input.need) {
                    p.needs.push(input.need);
                }
                Ok(())
            })?;
        }
        self.create_record(id, Record::Referral(Box::new(record)))?;
        Ok(ItemId::from_uuid(*id.as_uuid()))
    }

    /// Referrals made before they were records of their own, still held
    /// by their person's record, become records with the same ids; the
    /// person's record then holds none. Done when a personal notebook
    /// opens (a team's are moved once, by its server). Safe to run again
    /// after a crash: a record already made is not made twice. Returns
    /// how many moved.
    pub fn migrate_held_referrals(&mut self) -> Result<u32> {
        let mut moved = 0;
        for person in query::persons_holding_referrals(self.store.conn())? {
            let p = match self.record(person)? {
                Record::Person(p) => *p,
                _ => continue,
            };
            for (id, record) in carnet_core::record::held_as_records(person, &p) {
                if self.store.load(id)?.is_some() {
                    continue;
                }
                self.create_record(id, Record::Referral(Box::new(record)))?;
                moved += 1;
            }
            self.edit_person(person, |p| {
                p.referrals.clear();
                Ok(())
            })?;
        }
        Ok(moved)
    }

    /// The referrals the person records among `ids` hold here, before a
    /// merge (see [`Notebook::bring_held_edits`]).
    pub(crate) fn held_referrals_among(&mut self, ids: &[RecordId]) -> Result<Vec<Referral>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let holding: std::collections::HashSet<RecordId> =
            query::persons_holding_referrals(self.store.conn())?
                .into_iter()
                .collect();
        let mut held = Vec::new();
        for id in ids.iter().filter(|id| holding.contains(id)) {
            if let Record::Person(p) = self.record(*id)? {
                held.extend(p.referrals);
            }
        }
        Ok(held)
    }

    /// After a merge: the referrals held here before it (`held`) that the
    /// team's server has since moved to records of their own get what was
    /// done to them here offline (status changes, follow-ups, outcome,
    /// a withdrawn sharing), as this member's change to the record, so
    /// nothing done before this device learnt of the move is lost. Those
    /// whose record has not arrived yet wait for a later round.
    pub(crate) fn bring_held_edits(&mut self, held: Vec<Referral>) -> Result<usize> {
        let mut waiting = std::mem::take(&mut self.held_waiting);
        waiting.extend(held);
        let mut brought = 0;
        for r in waiting {
            let id = ItemId::from_uuid(*r.id.as_uuid());
            match query::referral_is_record(self.store.conn(), id)? {
                // Still held: nothing moved.
                Some(false) => {}
                Some(true) => {
                    let changed =
                        self.edit_referral_record(RecordId::from_uuid(*r.id.as_uuid()), |rec| {
                            let changed =
                                carnet_core::record::bring_offline_edits(&mut rec.referral, &r);
                            if !rec.referral.share_identity {
                                rec.identity = None;
                            }
                            Ok(changed)
                        })?;
                    brought += usize::from(changed);
                }
                // Moved, its record not here yet (or removed: it then
                // waits, in memory, until the notebook closes).
                None if self.held_waiting.len() < MAX_HELD_WAITING => self.held_waiting.push(r),
                None => {}
            }
        }
        Ok(brought)
    }

    /// The referrals that are records of their own, of a person (those
    /// their record still holds are in it).
    pub fn referral_records_of(&self, person: RecordId) -> Result<Vec<RecordId>> {
        query::referral_records_of(self.store.conn(), person)
    }

    /// Every referral of a person, those their record holds and those that
    /// are records, oldest first.
    pub fn referrals_of(&mut self, person: &Person, id: RecordId) -> Result<Vec<Referral>> {
        let records = self.referral_records_of(id)?;
        self.referrals_with(person, &records)
    }

    /// A person's referrals, given their referral records.
    fn referrals_with(&mut self, person: &Person, records: &[RecordId]) -> Result<Vec<Referral>> {
        let mut all = person.referrals.clone();
        for &r in records {
            if let Record::Referral(r) = self.record(r)? {
                if !all.iter().any(|x| x.id == r.referral.id) {
                    all.push(r.referral);
                }
            }
        }
        all.sort_by_key(|r| r.made_at);
        Ok(all)
    }

    /// The organisation and the service name a referral is addressed to:
    /// the directory's service, checked (it exists and is still offered),
    /// or the service as named.
    fn addressee(&mut self, input: &ReferralInput) -> Result<(Option<RecordId>, String)> {
        let named = input.service.trim().to_string();
        let resource = match (input.resource_id, input.service_id) {
            (Some(r), _) => Some(r),
            (None, Some(s)) => Some(
                crate::queries::directory::resource_of_service(self.store.conn(), s)?.ok_or_else(
                    || ClientError::NotFound {
                        what: "service",
                        id: s.to_string(),
                    },
                )?,
            ),
            (None, None) => None,
        };
        let Some(resource) = resource else {
            if named.is_empty() {
                return Err(ClientError::BadInput(
                    "name the service the person is referred to (--service)".into(),
                ));
            }
            return Ok((None, named));
        };
        let org = self.resource(resource)?;
        if org.retired.is_some() {
            return Err(ClientError::BadInput(format!(
                "{} was retired from the directory: refer the person to an organisation still offered",
                org.name_fr
            )));
        }
        let Some(service_id) = input.service_id else {
            return Ok((
                Some(resource),
                if named.is_empty() { org.name_fr } else { named },
            ));
        };
        let service = org
            .services
            .iter()
            .find(|s| s.id == service_id)
            .ok_or_else(|| {
                ClientError::BadInput(format!("{} has no service {service_id}", org.name_fr))
            })?;
        if service.retired {
            return Err(ClientError::BadInput(format!(
                "{} no longer offers {}: choose another service",
                org.name_fr, service.name_fr
            )));
        }
        let full = format!("{} — {}", org.name_fr, service.name_fr);
        Ok((Some(resource), if named.is_empty() { full } else { named }))
    }

    /// Change a referral's own record.
    fn edit_referral_record<T>(
        &mut self,
        id: RecordId,
        f: impl FnOnce(&mut ReferralRecord) -> Result<T>,
    ) -> Result<T> {
        self.edit_kind(
            id,
            "referral",
            |r| match r {
                Record::Referral(x) => Some(x.as_mut()),
                _ => None,
            },
            f,
        )
    }

    /// Change a referral where it is kept: its own record, or (made before
    /// referrals were records) its person's record.
    fn edit_referral<T>(
        &mut self,
        referral: ItemId,
        f: impl FnOnce(&mut Referral) -> Result<T>,
    ) -> Result<T> {
        let not_found = || ClientError::NotFound {
            what: "referral",
            id: referral.to_string(),
        };
        match query::referral_is_record(self.store.conn(), referral)? {
            None => Err(not_found()),
            Some(true) => self
                .edit_referral_record(RecordId::from_uuid(*referral.as_uuid()), |r| {
                    f(&mut r.referral)
                }),
            Some(false) => {
                let person = self.person_of_referral(referral)?;
                self.edit_person(person, |p| {
                    f(p.referral_mut(referral).ok_or_else(not_found)?)
                })
            }
        }
    }

    /// The person a referral is made for.
    pub fn person_of_referral(&self, referral: ItemId) -> Result<RecordId> {
        query::person_of_referral(self.store.conn(), referral)?.ok_or_else(|| {
            ClientError::NotFound {
                what: "referral",
                id: referral.to_string(),
            }
        })
    }

    /// Move a referral to a new status, with an optional note; the change
    /// is added to its history.
    pub fn set_referral_status(
        &mut self,
        referral: ItemId,
        status: ReferralStatus,
        note: Option<&str>,
    ) -> Result<()> {
        let (change, at, by) = (self.new_item(), self.now(), self.member());
        self.edit_referral(referral, |r| {
            r.status = status;
            r.history.push(StatusChange {
                id: change,
                status,
                at,
                by,
                note: note.map(str::to_string).filter(|n| !n.trim().is_empty()),
            });
            Ok(())
        })
    }

    /// The organisation's answer to a referral: accepted, or declined
    /// with the reason (added to its history).
    pub fn answer_referral(
        &mut self,
        referral: ItemId,
        accepted: bool,
        reason: Option<&str>,
    ) -> Result<ReferralStatus> {
        let status = if accepted {
            ReferralStatus::Accepted
        } else {
            ReferralStatus::Declined
        };
        self.set_referral_status(referral, status, reason)?;
        Ok(status)
    }

    /// Close a referral with how it ended for the person (and a note):
    /// its status follows from the outcome (see
    /// [`ReferralOutcome::closing_status`]).
    pub fn close_referral(
        &mut self,
        referral: ItemId,
        outcome: ReferralOutcome,
        note: Option<&str>,
    ) -> Result<ReferralStatus> {
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        let status = outcome.closing_status();
        let (change, at, by) = (self.new_item(), self.now(), self.member());
        self.edit_referral(referral, |r| {
            r.status = status;
            r.result = Some(outcome);
            if let Some(n) = note {
                r.outcome = Some(n.to_string());
            }
            r.history.push(StatusChange {
                id: change,
                status,
                at,
                by,
                // How it ended is `result`, shown in the reader's language.
                note: note.map(str::to_string),
            });
            Ok(())
        })?;
        Ok(status)
    }

    /// Say how a referral ended (an empty text clears it).
    pub fn set_referral_outcome(&mut self, referral: ItemId, outcome: Option<&str>) -> Result<()> {
        let outcome = outcome.map(str::trim).filter(|o| !o.is_empty());
        self.edit_referral(referral, |r| {
            r.outcome = outcome.map(str::to_string);
            Ok(())
        })
    }

    /// Record a person's consent (or its withdrawal: `given` false) for a
    /// purpose; earlier answers stay, the latest one counts. A withdrawal
    /// removes what the consent allowed, and says what it removed; the
    /// edit reaches every device of the team with the next sync.
    pub fn record_consent(
        &mut self,
        person: RecordId,
        purpose: ConsentPurpose,
        given: bool,
        how: ConsentMethod,
    ) -> Result<ConsentEffects> {
        let (item, at, by) = (self.new_item(), self.now(), self.member());
        let ids = self.env.ids.clone();
        self.edit_person(person, |p| {
            p.consents.push(Consent {
                id: item,
                purpose,
                given,
                at,
                recorded_by: by,
                how,
            });
            let mut effects = ConsentEffects::none(item);
            if !given {
                withdraw(p, purpose, ids.as_ref(), by, at, &mut effects);
            }
            Ok(effects)
        })
        .and_then(|mut effects| {
            if !given {
                for r in self.referral_records_of(person)? {
                    let ids = self.env.ids.clone();
                    self.edit_referral_record(r, |r| {
                        withdraw_referral(
                            &mut r.referral,
                            purpose,
                            ids.as_ref(),
                            by,
                            at,
                            &mut effects,
                        );
                        Ok(())
                    })?;
                }
                // The partner's copy of the name and phone goes with
                // either consent.
                self.refresh_shared_identity(person)?;
            }
            Ok(effects)
        })
    }

    /// Set a person's identifying details (name, phone, address; empty
    /// fields are cleared). Only once the person's latest answer about
    /// identifying details is a consent.
    pub fn set_identity(&mut self, person: RecordId, identity: Identity) -> Result<()> {
        let clean = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let identity = Identity {
            name: clean(identity.name),
            phone: clean(identity.phone),
            address: clean(identity.address),
        };
        let empty = identity == Identity::default();
        self.edit_person(person, |p| {
            if !p.consents_to(ConsentPurpose::IdentifyingDetails) && !empty {
                return Err(ClientError::BadInput(
                    "record the person's consent to identifying details before adding them".into(),
                ));
            }
            p.identity = (!empty).then_some(identity);
            Ok(())
        })?;
        self.refresh_shared_identity(person)
    }

    /// The partner organisations' copies of a person's name and phone,
    /// made again from the person as they stand, where shared (see
    /// [`SharedIdentity::of`]).
    fn refresh_shared_identity(&mut self, person: RecordId) -> Result<()> {
        let p = match self.record(person)? {
            Record::Person(p) => *p,
            other => return Err(ClientError::wrong_kind(person, "person", &other)),
        };
        for r in self.referral_records_of(person)? {
            let Record::Referral(record) = self.record(r)? else {
                continue;
            };
            let copy = SharedIdentity::of(&p, record.referral.share_identity);
            if record.identity != copy {
                self.edit_referral_record(r, |r| {
                    r.identity = copy;
                    Ok(())
                })?;
            }
        }
        Ok(())
    }

    /// Write to a referral's thread (the referring team and the partner
    /// organisation read it). A message may not name the person (their
    /// name or phone) unless the referral shares their identity.
    pub fn post_referral_message(&mut self, referral: ItemId, text: &str) -> Result<ItemId> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ClientError::BadInput("the message is empty".into()));
        }
        if text.chars().count() > MAX_MESSAGE_CHARS {
            return Err(ClientError::BadInput(format!(
                "a message holds at most {MAX_MESSAGE_CHARS} characters; split it in two"
            )));
        }
        let id = RecordId::from_uuid(*referral.as_uuid());
        let record = match self.record(id) {
            Ok(Record::Referral(r)) => *r,
            Ok(other) => return Err(ClientError::wrong_kind(id, "referral", &other)),
            Err(ClientError::NotFound { .. }) => {
                return Err(ClientError::BadInput(HELD_REFERRAL_THREAD.into()))
            }
            Err(e) => return Err(e),
        };
        if !record.referral.share_identity {
            // A partner's device holds no person: nothing to check there.
            let person = match self.record(record.person) {
                Ok(Record::Person(p)) => Some(p),
                Ok(_) | Err(ClientError::NotFound { .. }) => None,
                Err(e) => return Err(e),
            };
            if let Some(p) = person {
                if names_person(text, &p) {
                    return Err(ClientError::NamesPerson);
                }
            }
        }
        let (item, at, by) = (self.new_item(), self.now(), self.member());
        self.edit_referral_record(id, |r| {
            r.messages.push(ReferralMessage {
                id: item,
                at,
                by,
                text: text.to_string(),
            });
            Ok(item)
        })
    }

    /// Plan a follow-up of a referral.
    pub fn add_referral_follow_up(
        &mut self,
        referral: ItemId,
        due: Day,
        note: Option<&str>,
    ) -> Result<ItemId> {
        let item = self.new_item();
        self.edit_referral(referral, |r| {
            r.follow_ups.push(ReferralFollowUp {
                id: item,
                due,
                done: false,
                note: note.map(str::to_string),
            });
            Ok(item)
        })
    }

    /// Mark a referral's follow-up done (or not done again).
    pub fn set_follow_up_done(
        &mut self,
        referral: ItemId,
        follow_up: ItemId,
        done: bool,
    ) -> Result<()> {
        self.edit_referral(referral, |r| {
            let f = r
                .follow_ups
                .iter_mut()
                .find(|f| f.id == follow_up)
                .ok_or_else(|| ClientError::NotFound {
                    what: "follow-up",
                    id: follow_up.to_string(),
                })?;
            f.done = done;
            Ok(())
        })
    }

    /// Referrals, optionally only in one status, newest first.
    pub fn list_referrals(&self, status: Option<ReferralStatus>) -> Result<Vec<ReferralSummary>> {
        query::referrals(self.store.conn(), status)
    }

    /// The persons this device holds, by pseudonym, with referral counts.
    pub fn list_persons(&self) -> Result<Vec<PersonSummary>> {
        query::persons(self.store.conn())
    }

    /// Copy a person's record, as it is now, into a new record without its
    /// history, and relink the notes that name the old one; the old one is
    /// then erased (by the caller: the coordinator's erasure in a team, a
    /// deletion in a personal notebook), so that what the record no longer
    /// holds (a withdrawn name, a removed referral) is gone from every
    /// device, history included. Asked again for the same old record
    /// (the erasure failed the first time), it returns the copy it made.
    pub fn rewrite_person(&mut self, old: RecordId) -> Result<RecordId> {
        if let Some(why) = self
            .access()?
            .write_refusal(carnet_core::RecordKind::Person)
        {
            return Err(ClientError::Forbidden(why));
        }
        if let Some(done) = query::rewritten_from(self.store.conn(), old)? {
            return Ok(done);
        }
        let mut person = match self.record(old)? {
            Record::Person(p) => *p,
            other => return Err(ClientError::wrong_kind(old, "person", &other)),
        };
        let now = self.now();
        person.rewritten_from = Some(carnet_core::record::Rewritten {
            record: old,
            at: now,
            by: self.member(),
        });
        let new = RecordId::generate(self.env.ids.as_ref(), now);
        self.create_record(new, Record::Person(Box::new(person)))?;
        // Their referral records are copied too, without their history (a
        // partner organisation's copy of a withdrawn name goes with it);
        // the old ones stay linked to the old record, erased with it.
        for referral in self.referral_records_of(old)? {
            let Record::Referral(mut copy) = self.record(referral)? else {
                continue;
            };
            let id = RecordId::generate(self.env.ids.as_ref(), now);
            copy.person = new;
            copy.referral.id = ItemId::from_uuid(*id.as_uuid());
            self.create_record(id, Record::Referral(copy))?;
        }
        for note in query::linked_notes(self.store.conn(), old)? {
            self.edit_note(note.id, |n| {
                for p in &mut n.persons {
                    if *p == old {
                        *p = new;
                    }
                }
                Ok(())
            })?;
        }
        Ok(new)
    }

    /// The concurrent values of a person's record and of their referrals
    /// that are records, every referral's at `referrals.N.…` where N is
    /// its place in [`Notebook::referrals_of`] (as the page lists them).
    fn person_conflicts(
        &mut self,
        id: RecordId,
        person: &Person,
        referrals: &[Referral],
        records: &[RecordId],
    ) -> Result<Vec<carnet_core::Conflict>> {
        let place = |rid: ItemId| referrals.iter().position(|r| r.id == rid);
        let mut out = Vec::new();
        for mut c in self.conflicts(id)? {
            if let Some((j, tail)) = c
                .path
                .strip_prefix("referrals.")
                .and_then(|r| r.split_once('.'))
            {
                if let Some(i) = j
                    .parse::<usize>()
                    .ok()
                    .and_then(|j| person.referrals.get(j))
                    .and_then(|r| place(r.id))
                {
                    c.path = format!("referrals.{i}.{tail}");
                }
            }
            out.push(c);
        }
        for &record in records {
            let Some(i) = place(ItemId::from_uuid(*record.as_uuid())) else {
                continue;
            };
            for mut c in self.conflicts(record)? {
                if let Some(tail) = c.path.strip_prefix("referral.") {
                    c.path = format!("referrals.{i}.{tail}");
                    out.push(c);
                }
            }
        }
        Ok(out)
    }

    /// Settle a concurrent value as the person's page names it (see
    /// [`Notebook::person_detail`]): in the person's record, or in the
    /// referral record it belongs to.
    pub fn settle_person_conflict(
        &mut self,
        person: RecordId,
        path: &str,
        choice: usize,
    ) -> Result<()> {
        let Some((i, tail)) = path
            .strip_prefix("referrals.")
            .and_then(|r| r.split_once('.'))
        else {
            return self.settle_conflict(person, path, choice);
        };
        let p = match self.record(person)? {
            Record::Person(p) => *p,
            other => return Err(ClientError::wrong_kind(person, "person", &other)),
        };
        let referrals = self.referrals_of(&p, person)?;
        let referral = i
            .parse::<usize>()
            .ok()
            .and_then(|i| referrals.get(i))
            .ok_or_else(|| ClientError::BadInput(format!("there is no field {path} to settle")))?;
        match p.referrals.iter().position(|r| r.id == referral.id) {
            Some(j) => self.settle_conflict(person, &format!("referrals.{j}.{tail}"), choice),
            None => self.settle_conflict(
                RecordId::from_uuid(*referral.id.as_uuid()),
                &format!("referral.{tail}"),
                choice,
            ),
        }
    }

    /// A person with everything their page shows: consents, needs,
    /// referrals, history and concurrent values.
    pub fn person_detail(&mut self, id: RecordId) -> Result<PersonDetail> {
        let person = match self.record(id)? {
            Record::Person(p) => *p,
            other => return Err(ClientError::wrong_kind(id, "person", &other)),
        };
        // The person's referral records, looked up once for the page.
        let records = self.referral_records_of(id)?;
        let referrals = self.referrals_with(&person, &records)?;
        let conflicts = self.person_conflicts(id, &person, &referrals, &records)?;
        // The page's history: the person's record's and their referrals'
        // (a referral made reads as a change of their referrals).
        let mut history = self.history(id)?;
        for &record in &records {
            for mut h in self.history(record)? {
                if h.entry.created {
                    h.entry.created = false;
                    h.entry.fields = vec!["referrals".into()];
                }
                history.push(h);
            }
        }
        history.sort_by_key(|h| h.entry.at);
        Ok(PersonDetail {
            id,
            threads: records
                .iter()
                .map(|r| ItemId::from_uuid(*r.as_uuid()))
                .collect(),
            referrals,
            person,
            history,
            conflicts,
            notes: query::linked_notes(self.store.conn(), id)?,
        })
    }
}

/// Remove from a person's record what a withdrawn consent allowed:
/// - keeping contact details: the name, phone and address;
/// - sharing with partners: every referral stops sharing the identity;
/// - referral: open referrals are cancelled, with the reason in their
///   history;
/// - follow-up by the team: follow-ups still planned are dropped;
/// - the anonymised synthesis: nothing to remove here, the synthesis
///   leaves the person's referrals out while the answer is no.
fn withdraw(
    p: &mut Person,
    purpose: ConsentPurpose,
    ids: &dyn carnet_core::IdGen,
    by: carnet_core::MemberId,
    at: carnet_core::Timestamp,
    effects: &mut ConsentEffects,
) {
    match purpose {
        ConsentPurpose::IdentifyingDetails => {
            effects.identity_removed = p.identity.take().is_some();
        }
        ConsentPurpose::Research => effects.left_out_of_synthesis = true,
        _ => {
            for r in &mut p.referrals {
                withdraw_referral(r, purpose, ids, by, at, effects);
            }
        }
    }
}

/// Whether a text holds a person's name or phone (accents, case and the
/// phone's punctuation ignored).
fn names_person(text: &str, p: &Person) -> bool {
    let Some(identity) = &p.identity else {
        return false;
    };
    // Any word of their name (of three letters or more), as a word.
    let words = |s: &str| {
        carnet_core::fold::fold(s)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 3)
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let said = words(text);
    let name = identity
        .name
        .as_deref()
        .is_some_and(|n| words(n).iter().any(|w| said.contains(w)));
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let phone = identity
        .phone
        .as_deref()
        .map(digits)
        .filter(|d| d.len() >= 7)
        .is_some_and(|d| digits(text).contains(&d[d.len() - 7..]));
    name || phone
}

/// Remove from a referral what a withdrawn consent allowed (see
/// [`withdraw`]).
fn withdraw_referral(
    r: &mut Referral,
    purpose: ConsentPurpose,
    ids: &dyn carnet_core::IdGen,
    by: carnet_core::MemberId,
    at: carnet_core::Timestamp,
    effects: &mut ConsentEffects,
) {
    match purpose {
        ConsentPurpose::SharingWithPartners => {
            if r.share_identity {
                r.share_identity = false;
                effects.referrals_unshared += 1;
            }
        }
        ConsentPurpose::Referral => {
            if !r.status.is_closed() {
                r.status = ReferralStatus::Cancelled;
                r.history.push(StatusChange {
                    id: ItemId::generate(ids, at),
                    status: ReferralStatus::Cancelled,
                    at,
                    by,
                    note: Some("consent withdrawn / consentement retiré".into()),
                });
                effects.referrals_cancelled += 1;
            }
        }
        ConsentPurpose::FollowUp => {
            let before = r.follow_ups.len();
            r.follow_ups.retain(|f| f.done);
            effects.follow_ups_dropped += (before - r.follow_ups.len()) as u32;
        }
        ConsentPurpose::IdentifyingDetails => {}
        ConsentPurpose::Research => effects.left_out_of_synthesis = true,
    }
}

/// Language codes (ISO 639, such as fr, en or ht) trimmed, lowercased and
/// each once; anything else is refused with a sentence.
pub(crate) fn language_codes(languages: Vec<String>) -> Result<Vec<String>> {
    let mut unique: Vec<String> = Vec::with_capacity(languages.len());
    for l in languages {
        let code = l.trim().to_lowercase();
        if code.is_empty() || unique.contains(&code) {
            continue;
        }
        if code.len() > 8 || !code.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
            return Err(ClientError::BadInput(format!(
                "'{code}' is not a language code (such as fr, en or ht)"
            )));
        }
        unique.push(code);
    }
    Ok(unique)
}
