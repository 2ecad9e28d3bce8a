//! The one error type of carnet-core.

use crate::ids::RecordId;
use crate::validate::ValidationError;

/// Everything that can go wrong in the domain layer.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The record's fields break a rule (see [`ValidationError`]).
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// The bytes are not an Automerge document or change set.
    #[error("the record data could not be decoded ({0}); it may be truncated or corrupt")]
    Decode(#[source] Box<automerge::AutomergeError>),
    /// The bytes would take more than this many bytes once decompressed.
    #[error("the record's changes would take more than {} MiB once decompressed; a record this large is refused", .0 / (1024 * 1024))]
    TooLarge(u64),
    /// Decoding the bytes failed inside Automerge (a crafted chunk).
    #[error("the record data could not be decoded: it is not what Carnet or Automerge writes")]
    Undecodable,
    /// The document decodes but does not have the shape of a Carnet record.
    #[error("record {id} does not have the shape of a Carnet {expected}: {reason}")]
    Shape {
        /// The record concerned.
        id: RecordId,
        /// The kind it should be, or "record" when unknown.
        expected: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Changes that claim to be one kind of record but make another.
    #[error("changes for record {id} would turn a {from} into a {to}")]
    KindChanged {
        /// The record concerned.
        id: RecordId,
        /// Its kind before.
        from: String,
        /// The kind the changes would give it.
        to: String,
    },
    /// Changes that depend on earlier changes that were not received.
    #[error("the changes received for record {0} depend on earlier changes that were not received; a full copy is needed")]
    MissingDependencies(RecordId),
    /// An internal Automerge operation failed.
    #[error("could not apply the edit to the document: {0}")]
    Automerge(#[source] Box<automerge::AutomergeError>),
    /// Writing a record into its document failed.
    #[error("could not write the record into its document: {0}")]
    Reconcile(#[source] Box<autosurgeon::ReconcileError>),
}

impl CoreError {
    /// Bytes that do not decode.
    pub fn decode(e: automerge::AutomergeError) -> Self {
        Self::Decode(Box::new(e))
    }
}

impl From<automerge::AutomergeError> for CoreError {
    fn from(e: automerge::AutomergeError) -> Self {
        Self::Automerge(Box::new(e))
    }
}

impl From<autosurgeon::ReconcileError> for CoreError {
    fn from(e: autosurgeon::ReconcileError) -> Self {
        Self::Reconcile(Box::new(e))
    }
}
