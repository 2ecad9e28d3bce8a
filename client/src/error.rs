//! The one error type of carnet-client. Each error has an [`ErrorKind`]
//! ([`ClientError::kind`]) that the window and scripts can branch on, the
//! same closed list the sync server answers with, and a message that says
//! what to do.

use std::path::PathBuf;

use carnet_core::{CoreError, ErrorKind, RecordId, ValidationError};

/// Everything the client API can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// No notebook in the data directory yet.
    #[error(
        "there is no notebook in {0}; create one with `carnet init --team NAME --member NAME`"
    )]
    NoNotebook(PathBuf),
    /// `init` on a directory that already has one.
    #[error("a notebook already exists in {0}; use it, or choose another --data-dir")]
    AlreadyExists(PathBuf),
    /// The file is not a Carnet notebook.
    #[error("{path} is not a Carnet notebook ({reason}); nothing was changed in it")]
    NotANotebook {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The database file is damaged.
    #[error("the notebook database is damaged ({0}); restore it from a backup or sync it again from the team server")]
    Corrupt(String),
    /// Made by a newer Carnet.
    #[error("this notebook was made by a newer version of Carnet (format {0}); update Carnet to open it")]
    NewerFormat(i64),
    /// No record with that id.
    #[error("no {what} with id {id} in this notebook")]
    NotFound {
        /// What was looked for.
        what: &'static str,
        /// The id given.
        id: String,
    },
    /// The id names a record of another kind.
    #[error("{id} is a {actual}, not a {expected}")]
    WrongKind {
        /// The record.
        id: RecordId,
        /// The kind the command needs.
        expected: &'static str,
        /// The record's kind.
        actual: String,
    },
    /// A record whose stored data does not decode.
    #[error("record {id} is damaged and cannot be opened ({reason}); the other records are fine; sync with the team server to recover it")]
    Damaged {
        /// The record.
        id: RecordId,
        /// What went wrong.
        reason: String,
    },
    /// Input that breaks a rule.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// Input a person gave that could not be read or is not allowed as it
    /// is (the message says what to change).
    #[error("{0}")]
    BadInput(String),
    /// Something another device or the server sent that breaks the
    /// protocol: an answer that does not decode, a record of another kind.
    #[error("{0}")]
    BadAnswer(String),
    /// A write failed part-way and nothing of it was kept.
    #[error("a write failed part-way; nothing of it was kept, and trying again is safe")]
    RolledBack,
    /// Long work stopped at the person's request; nothing was left behind.
    #[error("stopped as asked; nothing was written")]
    Cancelled,
    /// The member's role does not allow this (the message says who can).
    #[error("{0}")]
    Forbidden(String),
    /// A state the program should never reach (a bug).
    #[error("Carnet hit an internal error ({0}); nothing was changed")]
    Internal(String),
    /// A domain error (boxed: Automerge's errors are large).
    #[error(transparent)]
    Core(Box<CoreError>),
    /// SQLite failed.
    #[error("the notebook database failed: {0}")]
    Sqlite(rusqlite::Error),
    /// The notebook is not joined to a team server.
    #[error("this notebook is not joined to a team server; join one with `carnet join --server URL --code CODE`")]
    NotJoined,
    /// The server could not be reached.
    #[error("the team server at {server} cannot be reached ({reason}); your notes are safe on this device and will sync when the connection returns")]
    Offline {
        /// The server's address.
        server: String,
        /// What failed.
        reason: String,
    },
    /// The server's certificate was refused (untrusted, for another
    /// name, expired) or the file given to trust it is unreadable.
    #[error("{0}")]
    Untrusted(String),
    /// The server refused the request.
    #[error("{message}")]
    Server {
        /// HTTP status.
        status: u16,
        /// The server's error kind.
        kind: ErrorKind,
        /// The server's message.
        message: String,
    },
    /// The notebook is locked with a passphrase and none was given.
    #[error("this notebook is locked with a passphrase; give it (--passphrase-file FILE, or CARNET_PASSPHRASE for scripts)")]
    Locked,
    /// The passphrase given does not unlock the notebook.
    #[error("this passphrase does not unlock the notebook; nothing was changed. If it is forgotten, the notes can only come back from a backup or from the team server")]
    WrongPassphrase,
    /// The desktop's secret store could not give the notebook's key.
    #[error("{0}")]
    NoSecretStore(String),
    /// A message on a referral names the person, whose identity the
    /// referral does not share with the partner organisation.
    #[error("the message names the person (their name or phone), which this referral does not share with the partner organisation: use their pseudonym")]
    NamesPerson,
    /// A file could not be read or written.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

impl From<rusqlite::Error> for ClientError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => {
                Self::Corrupt(e.to_string())
            }
            _ => Self::Sqlite(e),
        }
    }
}

impl From<CoreError> for ClientError {
    fn from(e: CoreError) -> Self {
        match e {
            CoreError::Invalid(v) => Self::Invalid(v),
            other => Self::Core(Box::new(other)),
        }
    }
}

impl ClientError {
    /// What kind of error this is, for the window and scripts to branch
    /// on.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::NoNotebook(_) => ErrorKind::NoNotebook,
            Self::AlreadyExists(_) => ErrorKind::AlreadyExists,
            Self::NotANotebook { .. } => ErrorKind::NotANotebook,
            Self::Corrupt(_) => ErrorKind::Corrupt,
            Self::NewerFormat(_) => ErrorKind::NewerFormat,
            Self::NotFound { .. } => ErrorKind::NotFound,
            Self::WrongKind { .. } => ErrorKind::WrongKind,
            Self::Damaged { .. } => ErrorKind::Damaged,
            Self::Invalid(_) => ErrorKind::Invalid,
            Self::BadInput(_) => ErrorKind::BadInput,
            Self::BadAnswer(_) => ErrorKind::BadAnswer,
            Self::RolledBack => ErrorKind::RolledBack,
            Self::Cancelled => ErrorKind::Cancelled,
            Self::Internal(_) => ErrorKind::Internal,
            Self::Forbidden(_) => ErrorKind::Forbidden,
            Self::Core(e) => match e.as_ref() {
                CoreError::Decode(_)
                | CoreError::Undecodable
                | CoreError::TooLarge(_)
                | CoreError::Shape { .. }
                | CoreError::MissingDependencies(_) => ErrorKind::BadRecord,
                CoreError::KindChanged { .. } => ErrorKind::WrongKind,
                CoreError::Invalid(_) => ErrorKind::Invalid,
                CoreError::Automerge(_) | CoreError::Reconcile(_) => ErrorKind::Internal,
            },
            Self::Sqlite(_) => ErrorKind::Storage,
            Self::Io { .. } => ErrorKind::Io,
            Self::NotJoined => ErrorKind::NotJoined,
            Self::Offline { .. } => ErrorKind::Offline,
            Self::Untrusted(_) => ErrorKind::CertificateRefused,
            Self::Locked => ErrorKind::Locked,
            Self::WrongPassphrase => ErrorKind::WrongPassphrase,
            Self::NoSecretStore(_) => ErrorKind::NoSecretStore,
            Self::NamesPerson => ErrorKind::NamesPerson,
            Self::Server { kind, .. } => *kind,
        }
    }

    /// `id` is a record of another kind than the command needs.
    pub fn wrong_kind(id: RecordId, expected: &'static str, actual: &carnet_core::Record) -> Self {
        Self::WrongKind {
            id,
            expected,
            actual: actual.kind().to_string(),
        }
    }

    pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> Self {
        let context = context.into();
        move |source| Self::Io { context, source }
    }
}

/// Results of the client API.
pub type Result<T, E = ClientError> = std::result::Result<T, E>;
