//! The review inbox: what other members changed since this member last
//! looked, a record at a time, and marking it seen.
use carnet_core::changes::field_changes;
use carnet_core::RecordId;

use super::Notebook;
use crate::error::{ClientError, Result};
use crate::queries::inbox as query;
use crate::views::{InboxDetail, InboxFilter, InboxPage};

impl Notebook {
    /// A page of the inbox: the records others changed since this member
    /// last looked, those naming this member first, then the latest to
    /// arrive.
    pub fn inbox(&self, filter: &InboxFilter, limit: u32, offset: u32) -> Result<InboxPage> {
        let (total, items) = query::page(self.store.conn(), filter, limit.min(500), offset)?;
        Ok(InboxPage { total, items })
    }

    /// A record of the inbox opened: each changed text with the words
    /// added (by whom) and removed since it was last looked at, the other
    /// fields before → after. Opening does not mark it seen
    /// ([`Notebook::mark_seen`] does).
    pub fn inbox_item(&mut self, id: RecordId) -> Result<InboxDetail> {
        let (item, since) = query::one(self.store.conn(), id)?.ok_or(ClientError::NotFound {
            what: "inbox entry",
            id: id.to_string(),
        })?;
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
