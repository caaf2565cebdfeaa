//! Timestamps are stored as RFC 3339 UTC text with milliseconds, so the
//! store and the audit trail stay readable with any SQLite client.

use jiff::{Timestamp, Unit};

use crate::{Error, Result};

pub fn format_timestamp(at: Timestamp) -> String {
    let at = at.round(Unit::Millisecond).unwrap_or(at);
    at.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

pub fn parse_timestamp(text: &str) -> Result<Timestamp> {
    text.parse::<Timestamp>()
        .map_err(|e| Error::Internal(format!("stored timestamp {text:?} is not valid: {e}")))
}
