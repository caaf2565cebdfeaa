//! Errors cross the IPC boundary as `{code, message}`: the UI branches on
//! `code` and shows `message` to the person.

use golive_core::ErrorCode;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
}

impl From<golive_core::Error> for CommandError {
    fn from(error: golive_core::Error) -> Self {
        if error.code() == ErrorCode::Internal {
            tracing::error!(%error, "command failed");
        } else {
            tracing::info!(%error, "command refused");
        }
        CommandError {
            code: error.code(),
            message: error.to_string(),
        }
    }
}

impl CommandError {
    pub fn internal(message: impl Into<String>) -> Self {
        let message = message.into();
        tracing::error!(%message, "internal error");
        CommandError {
            code: ErrorCode::Internal,
            message,
        }
    }
}
