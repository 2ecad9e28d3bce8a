//! [`ErrorKind`]: the one closed list of error codes that cross a
//! boundary. The sync server answers `{kind, message}` with it, the client
//! returns it from `ClientError::kind`, the desktop shell sends it to the
//! window, and the window's TypeScript type is generated from it, so a
//! renamed or removed kind fails to compile on both sides.
//!
//! A kind exists only because some consumer branches on it (the window
//! picks a sentence, the sync loop stops retrying, a script tells an
//! expired invitation from a used one); everything else a person needs is
//! in the message. The kinds are declared in three groups: input a person
//! can fix, a peer that breaks the protocol, and faults of the program or
//! the machine.

use serde::{Deserialize, Serialize};

/// A short stable code for what went wrong, the same on the wire, in the
/// client and in the window. Spelled in kebab case (`expired-code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    // ----- input a person can fix -------------------------------------
    /// No notebook in the data directory yet.
    NoNotebook,
    /// A notebook (or another thing to create) already exists there.
    AlreadyExists,
    /// No such record, device or endpoint.
    NotFound,
    /// The id names a record of another kind.
    WrongKind,
    /// A record's fields break a rule of the model.
    Invalid,
    /// Input that could not be read or is not allowed as it is.
    BadInput,
    /// The notebook is not joined to a team server.
    NotJoined,
    /// The server does not know this device's token.
    UnknownToken,
    /// A coordinator revoked this device.
    Revoked,
    /// This device's role may not do that.
    Forbidden,
    /// An invitation code that does not exist.
    InvalidCode,
    /// An invitation code past its expiry.
    ExpiredCode,
    /// An invitation code already used.
    UsedCode,
    /// A request larger than the server accepts.
    TooLarge,
    /// Too many failed attempts (wrong invitation codes): wait, then try
    /// again.
    TooManyAttempts,
    /// The team server cannot be reached.
    Offline,
    /// The team server's certificate is not trusted (or the certificate
    /// given to trust it cannot be read).
    CertificateRefused,
    /// The notebook is locked with a passphrase and none was given.
    Locked,
    /// The passphrase given does not unlock the notebook.
    WrongPassphrase,
    /// The desktop's secret store did not answer or does not hold the
    /// notebook's key.
    NoSecretStore,
    /// A message on a referral names the person (their name or phone)
    /// when the referral does not share their identity.
    NamesPerson,

    // ----- a peer that breaks the protocol ----------------------------
    /// The two ends speak different protocol versions.
    ProtocolVersion,
    /// The server's answer does not follow the protocol (not a Carnet
    /// server, a garbled body).
    BadAnswer,
    /// The server could not read the request (a client bug, or not a
    /// Carnet client).
    BadRequest,
    /// The request's content type is not the one the endpoint speaks.
    UnsupportedMediaType,
    /// A record's bytes do not decode or do not have a record's shape.
    BadRecord,

    // ----- faults of the program or the machine -----------------------
    /// The file is not a Carnet notebook.
    NotANotebook,
    /// The notebook was made by a newer Carnet.
    NewerFormat,
    /// The database file is damaged.
    Corrupt,
    /// A stored record does not decode.
    Damaged,
    /// The database failed (a full disk, a lock).
    Storage,
    /// A file could not be read or written.
    Io,
    /// A write failed part-way and was rolled back whole; trying again is
    /// safe.
    RolledBack,
    /// Long work (an export) stopped at the person's request; nothing of
    /// it was left behind.
    Cancelled,
    /// A bug: something that should not happen did.
    Internal,
    /// A kind this build does not know (sent by a newer server).
    #[serde(other)]
    Unknown,
}

impl ErrorKind {
    /// Every kind, in declaration order.
    pub const ALL: [ErrorKind; 36] = [
        Self::NoNotebook,
        Self::AlreadyExists,
        Self::NotFound,
        Self::WrongKind,
        Self::Invalid,
        Self::BadInput,
        Self::NotJoined,
        Self::UnknownToken,
        Self::Revoked,
        Self::Forbidden,
        Self::InvalidCode,
        Self::ExpiredCode,
        Self::UsedCode,
        Self::TooLarge,
        Self::TooManyAttempts,
        Self::Offline,
        Self::CertificateRefused,
        Self::Locked,
        Self::WrongPassphrase,
        Self::NoSecretStore,
        Self::NamesPerson,
        Self::ProtocolVersion,
        Self::BadAnswer,
        Self::BadRequest,
        Self::UnsupportedMediaType,
        Self::BadRecord,
        Self::NotANotebook,
        Self::NewerFormat,
        Self::Corrupt,
        Self::Damaged,
        Self::Storage,
        Self::Io,
        Self::RolledBack,
        Self::Cancelled,
        Self::Internal,
        Self::Unknown,
    ];

    /// The code as it travels (`expired-code`).
    pub fn code(self) -> &'static str {
        match self {
            Self::NoNotebook => "no-notebook",
            Self::AlreadyExists => "already-exists",
            Self::NotFound => "not-found",
            Self::WrongKind => "wrong-kind",
            Self::Invalid => "invalid",
            Self::BadInput => "bad-input",
            Self::NotJoined => "not-joined",
            Self::UnknownToken => "unknown-token",
            Self::Revoked => "revoked",
            Self::Forbidden => "forbidden",
            Self::InvalidCode => "invalid-code",
            Self::ExpiredCode => "expired-code",
            Self::UsedCode => "used-code",
            Self::TooLarge => "too-large",
            Self::TooManyAttempts => "too-many-attempts",
            Self::Offline => "offline",
            Self::CertificateRefused => "certificate-refused",
            Self::Locked => "locked",
            Self::WrongPassphrase => "wrong-passphrase",
            Self::NoSecretStore => "no-secret-store",
            Self::NamesPerson => "names-person",
            Self::ProtocolVersion => "protocol-version",
            Self::BadAnswer => "bad-answer",
            Self::BadRequest => "bad-request",
            Self::UnsupportedMediaType => "unsupported-media-type",
            Self::BadRecord => "bad-record",
            Self::NotANotebook => "not-a-notebook",
            Self::NewerFormat => "newer-format",
            Self::Corrupt => "corrupt",
            Self::Damaged => "damaged",
            Self::Storage => "storage",
            Self::Io => "io",
            Self::RolledBack => "rolled-back",
            Self::Cancelled => "cancelled",
            Self::Internal => "internal",
            Self::Unknown => "unknown",
        }
    }

    /// This device may no longer sync with the team server: retrying
    /// will not help until a person acts.
    pub fn is_unauthorized(self) -> bool {
        matches!(self, Self::UnknownToken | Self::Revoked)
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_travels_as_its_code_and_comes_back() {
        for kind in ErrorKind::ALL {
            let json = serde_json::to_string(&kind).expect("serialise");
            assert_eq!(json, format!("\"{}\"", kind.code()), "{kind:?}");
            let back: ErrorKind = serde_json::from_str(&json).expect("deserialise");
            assert_eq!(back, kind, "{kind:?} should read back as itself");
        }
    }

    #[test]
    fn a_kind_from_a_newer_server_reads_as_unknown() {
        let kind: ErrorKind = serde_json::from_str("\"kind-of-tomorrow\"").expect("other");
        assert_eq!(kind, ErrorKind::Unknown);
    }

    #[test]
    fn the_list_of_every_kind_has_no_repeats() {
        let codes: std::collections::HashSet<_> = ErrorKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(codes.len(), ErrorKind::ALL.len());
    }
}
