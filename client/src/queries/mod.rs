//! Reads of the projection: every list, count and lookup the notebook
//! answers from the plain tables kept beside the documents, without
//! loading an Automerge document. One module per thing listed:
//!
//! - [`codings`]: coded passages across the team, theme use, agreement;
//! - [`journal`]: the journal's filtered, paged notes;
//! - [`persons`]: persons and their referrals;
//! - [`directory`]: the directory's organisations and the places;
//! - [`inbox`]: the review inbox, what others changed since I looked;
//! - [`synthesis`]: every aggregate of the team's dashboard, for a filter;
//! - [`records`]: records of any kind (ids, counts, bookkeeping) and the
//!   team's members and themes.
//!
//! Full-text search has its own module, [`crate::search`].

pub mod codings;
pub mod directory;
pub mod inbox;
pub mod journal;
pub mod persons;
pub mod records;
pub mod synthesis;

use carnet_core::vocab::Vocabulary;

/// The codes of a comma-separated list of the projection.
fn codes(s: &str) -> impl Iterator<Item = &str> {
    s.split(',').map(str::trim).filter(|c| !c.is_empty())
}

/// Comma-separated codes of the projection as a list.
pub(crate) fn split_codes(s: &str) -> Vec<String> {
    codes(s).map(str::to_string).collect()
}

/// Comma-separated codes of a vocabulary as its values. The projection
/// holds only codes it was given by a validated record; one this build
/// does not know (written by a newer Carnet) is left out.
pub(crate) fn vocab_codes<V: Vocabulary>(s: &str) -> Vec<V> {
    codes(s).filter_map(V::from_code).collect()
}

/// One code of a vocabulary as its value (`None` when unknown, as above).
pub(crate) fn vocab_code<V: Vocabulary>(s: &str) -> Option<V> {
    V::from_code(s)
}
