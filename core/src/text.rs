//! [`LongText`]: a text field that merges character by character.
//!
//! Note bodies, stories and other long texts are Automerge text objects so
//! that two people editing the same body offline both keep their words.
//! Writing a new value diffs it against the document's current text with
//! Automerge's own `update_text` (Myers diff, in the document's text
//! encoding), so only the changed characters become operations.
//! (autosurgeon's `Text::update` computes byte offsets and would misplace
//! edits after an accented letter; this type avoids it.)

use std::fmt;

use autosurgeon::reconcile::TextReconciler;
use autosurgeon::{Hydrate, HydrateError, ReadDoc, Reconcile, Reconciler};
use serde::{Deserialize, Serialize};

/// Text stored as an Automerge text object.
#[derive(Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
pub struct LongText(String);

impl LongText {
    /// Wrap a string.
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// Replace the whole text (merged as a diff when written).
    pub fn set(&mut self, s: impl Into<String>) {
        self.0 = s.into();
    }
    /// Add text at the end, on a new paragraph if there is text already.
    pub fn append_paragraph(&mut self, s: &str) {
        if !self.0.is_empty() && !self.0.ends_with('\n') {
            self.0.push('\n');
        }
        self.0.push_str(s);
    }
    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for LongText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl From<&str> for LongText {
    fn from(s: &str) -> Self {
        Self(s.to_string())
    }
}

impl From<String> for LongText {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl Reconcile for LongText {
    type Key<'a> = autosurgeon::reconcile::NoKey;
    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        let mut text = reconciler.text()?;
        text.update(&self.0)
    }
}

impl Hydrate for LongText {
    fn hydrate_text<D: ReadDoc>(doc: &D, obj: &automerge::ObjId) -> Result<Self, HydrateError> {
        Ok(Self(doc.text(obj)?))
    }
    fn hydrate_string(s: &'_ str) -> Result<Self, HydrateError> {
        Ok(Self(s.to_string()))
    }
    fn hydrate_none() -> Result<Self, HydrateError> {
        Ok(Self::default())
    }
}
