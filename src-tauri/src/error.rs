//! Errors as the window receives them: `{kind, message}`, where `kind` is
//! a stable code the UI may branch on and `message` a sentence that says
//! what to do next.

use carnet_client::ClientError;
use carnet_core::ErrorKind;
use serde::Serialize;

/// An error crossing the IPC boundary.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct UiError {
    /// What went wrong, from the closed list the UI branches on.
    pub kind: ErrorKind,
    /// For people, in English; the UI translates the kinds it knows.
    pub message: String,
}

impl UiError {
    /// An error of the shell itself.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

impl From<ClientError> for UiError {
    fn from(e: ClientError) -> Self {
        Self {
            kind: e.kind(),
            message: e.to_string(),
        }
    }
}

/// The result of every command.
pub type UiResult<T> = Result<T, UiError>;
