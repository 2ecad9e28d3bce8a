//! Errors as the window receives them: `{kind, message}`, where `kind` is
//! a stable code the UI may branch on and `message` a sentence that says
//! what to do next.

use carnet_client::ClientError;
use serde::Serialize;

/// An error crossing the IPC boundary.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct UiError {
    /// Stable code (`not-found`, `invalid`, `offline`, `no-notebook`…).
    pub kind: String,
    /// For people, in English; the UI translates the kinds it knows.
    pub message: String,
}

impl UiError {
    /// An error of the shell itself.
    pub fn new(kind: &str, message: impl Into<String>) -> Self {
        Self {
            kind: kind.into(),
            message: message.into(),
        }
    }
}

impl From<ClientError> for UiError {
    fn from(e: ClientError) -> Self {
        Self {
            kind: e.kind().to_string(),
            message: e.to_string(),
        }
    }
}

/// The result of every command.
pub type UiResult<T> = Result<T, UiError>;
