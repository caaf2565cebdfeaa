//! Opening an exported record for review: the bundle is verified, its
//! database copied out of it into a private folder (the bundle itself is
//! never touched), brought up to this build's schema, and opened read-only:
//! every view reads it as a store, and every change is refused.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::verify::{self, Trust, read_trailer};
use crate::{Error, Result, Store};

/// What the review banner says about the record.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReviewInfo {
    pub file: String,
    pub launch_id: String,
    pub launch_name: String,
    /// Set when the record is a rehearsal's: the launch it rehearses.
    pub rehearsal_of: Option<String>,
    /// When it was exported (RFC 3339).
    pub exported_at: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub events: u64,
    /// The fingerprint of the key that signed it.
    pub signer: String,
    /// Every check passed: signature, a trusted signer, events, snapshot.
    pub verified: bool,
    /// Why the signer is trusted, when it is; None when this machine does
    /// not know the key (then compare its fingerprint with the report's).
    pub trusted_because: Option<String>,
    /// Each failed check of the content (signature, events, snapshot), in
    /// words; an unknown signer is not one of them.
    pub problems: Vec<String>,
}

/// The private folder holding a review's copy, removed with everything in
/// it when dropped: keep it as long as the store is open.
pub struct ReviewCopy(PathBuf);

impl Drop for ReviewCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An exported record open for review. Fields drop in order: the store
/// closes before its folder goes.
pub struct Review {
    pub store: Store,
    pub info: ReviewInfo,
    pub copy: ReviewCopy,
}

/// Verifies the bundle at `path` against `trust` and opens its copy.
/// A record that does not verify still opens (to see what it claims), and
/// the banner says so; a file that is not a bundle at all does not.
pub fn open(path: &Path, trust: &Trust) -> Result<Review> {
    let report = verify::verify(path, trust)?;
    let (_, database) = read_trailer(path)?;
    let folder =
        ReviewCopy(std::env::temp_dir().join(format!("golive-review-{}", crate::store::new_id())));
    std::fs::create_dir_all(&folder.0).map_err(|e| copy_failed(&folder.0, &e))?;
    let copy = folder.0.join("record.db");
    copy_prefix(path, &copy, database).map_err(|e| copy_failed(&copy, &e))?;
    let c = &report.checkpoint;
    let store = Store::open_for_review(&copy, refusal(&c.launch_name))?;
    let signer_check = report.checks.iter().find(|c| c.name == "signer");
    let info = ReviewInfo {
        file: path.display().to_string(),
        launch_id: c.launch_id.clone(),
        launch_name: c.launch_name.clone(),
        rehearsal_of: c.rehearsal_of.clone(),
        exported_at: c.at.clone(),
        events: c.events,
        signer: report.signer.clone(),
        verified: report.ok(),
        trusted_because: signer_check.filter(|c| c.ok).map(|c| c.detail.clone()),
        problems: report
            .checks
            .iter()
            .filter(|c| !c.ok && c.name != "signer")
            .map(|c| format!("{}: {}", c.name, c.detail))
            .collect(),
    };
    Ok(Review {
        store,
        info,
        copy: folder,
    })
}

/// Why nothing can be changed in the reviewed record of `launch_name`.
pub fn refusal(launch_name: &str) -> String {
    format!(
        "this is the exported record of {launch_name:?}, opened for review: nothing in it can be changed or run. Open the live store to make changes."
    )
}

fn copy_failed(path: &Path, e: &dyn std::fmt::Display) -> Error {
    Error::InvalidInput(format!(
        "cannot copy the record to {} to review it: {e}. Free some space in the temporary folder, or set TMPDIR to another one.",
        path.display()
    ))
}

/// Copies the first `length` bytes of `from` into a new file `to`.
fn copy_prefix(from: &Path, to: &Path, length: u64) -> std::io::Result<()> {
    let source = std::fs::File::open(from)?;
    let mut out = std::fs::File::create_new(to)?;
    let copied = std::io::copy(&mut source.take(length), &mut out)?;
    if copied != length {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "the bundle ended early",
        ));
    }
    out.flush()
}
