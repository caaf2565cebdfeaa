//! Reading a file a person chose to import: its name for messages ("line 3
//! of helpdesk.csv") and its text, with an error that says what to check.

use std::path::Path;

use crate::{Error, Result};

/// The file's name and its text; `kind` names what it should be, e.g. "a CSV file".
pub(crate) fn read(path: &Path, kind: &str) -> Result<(String, String)> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::InvalidInput(format!(
            "cannot read {}: {e}. Check the path, and that it is {kind} in UTF-8",
            path.display()
        ))
    })?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok((name, text))
}
