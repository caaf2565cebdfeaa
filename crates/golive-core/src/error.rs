//! The one error type of the core. Every message says what failed, why, and
//! what to do; `code` is what the UI branches on, never the message text.

use crate::plan::TemplateError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Stable, machine-readable error kinds that cross the IPC boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ErrorCode {
    NotFound,
    InvalidInput,
    Conflict,
    StoreUnavailable,
    StoreTooNew,
    InvalidTemplate,
    KeychainUnavailable,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "not_found",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::Conflict => "conflict",
            ErrorCode::StoreUnavailable => "store_unavailable",
            ErrorCode::StoreTooNew => "store_too_new",
            ErrorCode::InvalidTemplate => "invalid_template",
            ErrorCode::KeychainUnavailable => "keychain_unavailable",
            ErrorCode::Internal => "internal",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    InvalidInput(String),
    #[error("{0}")]
    Conflict(String),
    #[error(
        "cannot open the store {path}: {reason}. Check that the folder exists and is writable, or pass another path with --store (or GOLIVE_STORE)."
    )]
    StoreUnavailable { path: String, reason: String },
    #[error(
        "the store {path} was written by a newer golive (schema version {found}, this build knows up to {known}); it was left untouched. Install the newer golive to open it."
    )]
    StoreTooNew {
        path: String,
        found: usize,
        known: usize,
    },
    #[error(
        "cannot keep the store {path} there: its folder is on a network filesystem ({fstype}), where SQLite's locking does not hold and two writers could corrupt the store without noticing. Keep the store on a local disk (the default folder is one) and share the exported record instead."
    )]
    NetworkFilesystem { path: String, fstype: String },
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error(
        "database error: {0}. The change was not saved; try again, and report it if it persists."
    )]
    Database(#[from] rusqlite::Error),
    /// The OS keychain is locked, missing or not answering; the message says which.
    #[error("{0}")]
    KeychainUnavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::InvalidInput(_) => ErrorCode::InvalidInput,
            Error::Conflict(_) => ErrorCode::Conflict,
            Error::StoreUnavailable { .. } | Error::NetworkFilesystem { .. } => {
                ErrorCode::StoreUnavailable
            }
            Error::StoreTooNew { .. } => ErrorCode::StoreTooNew,
            Error::Template(_) => ErrorCode::InvalidTemplate,
            Error::KeychainUnavailable(_) => ErrorCode::KeychainUnavailable,
            Error::Database(_) | Error::Internal(_) => ErrorCode::Internal,
        }
    }
}
