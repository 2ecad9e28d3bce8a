//! The review inbox: what other members changed since this member last
//! looked, a record at a time, and marking it seen.
use carnet_core::changes::field_changes;
use carnet_core::RecordId;

use super::Notebook;
use crate::error::{ClientError, Result};
use crate::inbox;
use crate::queries::inbox as query;
use crate::views::{InboxDetail, InboxFilter, InboxItem, InboxPage};

impl Notebook {
    /// A page of the inbox: the records others changed since this member
    /// last looked, those naming this member first, then the latest to
    /// arrive. A sync writes each record's summary in brief; the page
    /// works out in full (and keeps) those it shows.
    pub fn inbox(&mut self, filter: &InboxFilter, limit: u32, offset: u32) -> Result<InboxPage> {
        let (total, entries) = query::page(self.store.conn(), filter, limit.min(500), offset)?;
        let items = self.in_full(entries)?;
        Ok(InboxPage { total, items })
    }

    /// Entries with their summaries in full: those a sync wrote in brief
    /// are worked out from their changes, and kept, in one transaction.
    fn in_full(&mut self, entries: Vec<query::Entry>) -> Result<Vec<InboxItem>> {
        let me = self.member();
        let mut worked = Vec::new();
        let mut items = Vec::with_capacity(entries.len());
        for mut e in entries {
            if !e.detailed {
                match self.load_doc(e.item.id) {
                    Ok((rowid, mut doc)) => {
                        e.item.by = doc.changes_by_member(&e.since, Some(me));
                        self.cache.put(e.item.id, rowid, doc);
                        worked.push((e.rowid, e.since, e.item.by.clone()));
                    }
                    // A damaged record keeps its summary in brief.
                    Err(ClientError::Damaged { .. }) => {}
                    Err(err) => return Err(err),
                }
            }
            items.push(e.item);
        }
        if !worked.is_empty() {
            let tx = self.store.transaction()?;
            for (rowid, since, by) in &worked {
                inbox::detail(&tx, *rowid, since, by)?;
            }
            tx.commit()?;
        }
        Ok(items)
    }

    /// A record of the inbox opened: each changed text with the words
    /// added (by whom) and removed since it was last looked at, the other
    /// fields before → after. Opening does not mark it seen
    /// ([`Notebook::mark_seen`] does).
    pub fn inbox_item(&mut self, id: RecordId) -> Result<InboxDetail> {
        let entry = query::one(self.store.conn(), id)?.ok_or(ClientError::NotFound {
            what: "inbox entry",
            id: id.to_string(),
        })?;
        let since = entry.since.clone();
        let item = self.in_full(vec![entry])?.remove(0);
        let (rowid, mut doc) = self.load_doc(id)?;
        let texts = doc.text_changes(&since);
        let then = doc.record_at(&since);
        let now = doc.record();
        self.cache.put(id, rowid, doc);
        let record = now?;
        let fields = field_changes(then?.as_ref(), &record);
        Ok(InboxDetail {
            item,
            texts,
            fields,
            record,
        })
    }

    /// From now on, changes other members make are news here. A
    /// notebook's first complete sync starts its inbox (what it brings is
    /// the team's past); an import or a benchmark can say it.
    pub fn start_inbox(&mut self) -> Result<()> {
        let now = self.now();
        let tx = self.store.transaction()?;
        tx.start_inbox(now)?;
        tx.commit()
    }

    /// Mark records of the inbox seen (`None`: all of them); returns how
    /// many were not seen.
    pub fn mark_seen(&mut self, ids: Option<&[RecordId]>) -> Result<usize> {
        let tx = self.store.transaction()?;
        let n = query::set_seen(&tx, ids, true)?;
        tx.commit()?;
        Ok(n)
    }

    /// Mark records seen as not seen, to come back to them.
    pub fn mark_unseen(&mut self, ids: &[RecordId]) -> Result<usize> {
        let tx = self.store.transaction()?;
        let n = query::set_seen(&tx, Some(ids), false)?;
        tx.commit()?;
        Ok(n)
    }
}
