//! The team's synthesis: every aggregate its dashboard charts, for the
//! notes a journal filter keeps (see [`crate::queries::synthesis`]).
use super::Notebook;
use crate::error::Result;
use crate::queries::journal::NoteFilter;
use crate::queries::synthesis::{self as query, Synthesis};

impl Notebook {
    /// Every aggregate of the dashboard for the notes `filter` keeps (and
    /// the referrals made in its period, by its author, in its sector).
    pub fn synthesis(&self, filter: &NoteFilter) -> Result<Synthesis> {
        query::synthesis(self.store().office_conn()?, filter, self.now().day())
    }
}
