//! The server's one error type. Each error knows its HTTP status and its
//! [`ErrorKind`]; the body is always the API's [`ErrorBody`]
//! (`{ "kind": …, "message": … }`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use carnet_core::sync::api::ErrorBody;
use carnet_core::ErrorKind;

/// What a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// No or unknown token.
    #[error("this device is not known to the server; join the team again with an invitation code")]
    UnknownToken,
    /// A revoked device.
    #[error("this device was revoked by a coordinator; its notes stay on the device, but it can no longer sync")]
    Revoked,
    /// A role that may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// An invitation code that does not exist.
    #[error("this invitation code is not valid; check it with your coordinator")]
    BadCode,
    /// An expired invitation code.
    #[error("this invitation code has expired; ask your coordinator for a new one")]
    ExpiredCode,
    /// A used invitation code.
    #[error("this invitation code was already used; each code joins one device, ask your coordinator for a new one")]
    UsedCode,
    /// A body that does not parse or has the wrong shape.
    #[error("{0}")]
    BadRequest(String),
    /// Wrong content type.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// Body over the limit.
    #[error(
        "the request is larger than the server accepts ({0} bytes at most); sync in smaller steps"
    )]
    TooLarge(usize),
    /// A sync request whose records would inflate past the server's
    /// budget.
    #[error("{0}")]
    RequestTooLarge(String),
    /// A request target longer than the server reads.
    #[error("the request's address is longer than the server accepts ({0} bytes at most)")]
    UriTooLong(usize),
    /// Headers larger than the server reads.
    #[error("the request's headers are larger than the server accepts ({0} bytes at most)")]
    HeadersTooLarge(usize),
    /// A body sent too slowly.
    #[error("the request's body took longer than {} seconds to arrive; the connection may be too slow, try again", .0.as_secs())]
    SlowBody(std::time::Duration),
    /// Too many wrong invitation codes.
    #[error("too many wrong invitation codes were tried; try again in {} minutes", .0.as_secs().div_ceil(60))]
    TooManyAttempts(std::time::Duration),
    /// Another protocol version.
    #[error("{0}")]
    Protocol(String),
    /// No such thing in this team.
    #[error("{0}")]
    NotFound(String),
    /// Storage failed.
    #[error("the server's storage failed")]
    Storage(#[from] rusqlite::Error),
    /// A bug; logged.
    #[error("the server hit an internal error; it was logged and nothing was changed")]
    Internal(String),
    /// The server cannot answer for now (its database does not answer).
    #[error("{0}")]
    Unavailable(String),
    /// A transaction met another one's changes (PostgreSQL: a deadlock, a
    /// serialization failure, a row inserted at the same moment): run
    /// again; said only when it keeps happening.
    #[error(
        "the server is busy with other devices' changes to the same records; try again in a moment"
    )]
    Conflict(String),
    /// A database connection lost, or a database restarting: tried again,
    /// then said [`ServerError::Unavailable`].
    #[error("{0}")]
    Retry(String),
    /// The server cannot start as set up (said to whoever starts it).
    #[error("{0}")]
    Setup(String),
}

impl ServerError {
    /// The stable kind.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::UnknownToken => ErrorKind::UnknownToken,
            Self::Revoked => ErrorKind::Revoked,
            Self::Forbidden(_) => ErrorKind::Forbidden,
            Self::BadCode => ErrorKind::InvalidCode,
            Self::ExpiredCode => ErrorKind::ExpiredCode,
            Self::UsedCode => ErrorKind::UsedCode,
            Self::BadRequest(_) => ErrorKind::BadRequest,
            Self::UnsupportedMediaType(_) => ErrorKind::UnsupportedMediaType,
            Self::TooLarge(_)
            | Self::RequestTooLarge(_)
            | Self::UriTooLong(_)
            | Self::HeadersTooLarge(_) => ErrorKind::TooLarge,
            Self::SlowBody(_) => ErrorKind::BadRequest,
            Self::TooManyAttempts(_) => ErrorKind::TooManyAttempts,
            Self::Protocol(_) => ErrorKind::ProtocolVersion,
            Self::NotFound(_) => ErrorKind::NotFound,
            Self::Storage(_) => ErrorKind::Storage,
            Self::Internal(_) => ErrorKind::Internal,
            Self::Unavailable(_) | Self::Conflict(_) | Self::Retry(_) => ErrorKind::Storage,
            Self::Setup(_) => ErrorKind::Internal,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::UnknownToken | Self::Revoked => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::BadCode | Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::ExpiredCode | Self::UsedCode => StatusCode::GONE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::TooLarge(_) | Self::RequestTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UriTooLong(_) => StatusCode::URI_TOO_LONG,
            Self::HeadersTooLarge(_) => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Self::SlowBody(_) => StatusCode::REQUEST_TIMEOUT,
            Self::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Protocol(_) => StatusCode::UPGRADE_REQUIRED,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Storage(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Unavailable(_) | Self::Conflict(_) | Self::Retry(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::Setup(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        match &self {
            Self::Storage(e) => tracing::error!("storage error: {e}"),
            Self::Internal(e) => tracing::error!("internal error: {e}"),
            _ => {}
        }
        let body = ErrorBody {
            kind: self.kind(),
            message: self.to_string(),
        };
        let mut resp = (self.status(), Json(body)).into_response();
        if let Self::Conflict(e) = &self {
            tracing::warn!("a transaction kept meeting others: {e}");
        }
        if let Self::Unavailable(_) | Self::Conflict(_) | Self::Retry(_) = &self {
            resp.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, 5.into());
        }
        if let Self::TooManyAttempts(wait) = &self {
            resp.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                wait.as_secs().max(1).into(),
            );
        }
        resp
    }
}
