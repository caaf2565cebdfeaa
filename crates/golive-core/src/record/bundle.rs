//! Writing a signed bundle: one SQLite file holding a moment of the store
//! (taken with the online backup API) cut down to one launch, the whole
//! audit trail, and a checkpoint signed with Ed25519.
//!
//! Being a store itself, a bundle opens read-only in the app with every
//! view working; `verify` reads it with nothing but this crate.

use std::path::{Path, PathBuf};

use ed25519_dalek::{Signer, SigningKey};
use jiff::Timestamp;
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::signing::fingerprint;
use super::snapshot::{self, BUNDLE_TABLE};
use crate::store::backup::copy_pages;
use crate::{Error, Result, Store, audit, format_timestamp};

/// The bundle layout this build writes and reads.
pub const FORMAT: u32 = 1;

/// What the signature covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Checkpoint {
    pub format: u32,
    pub launch_id: String,
    pub launch_name: String,
    /// Set when the launch is a rehearsal: the name of the launch it rehearses.
    pub rehearsal_of: Option<String>,
    /// Events in the trail when the snapshot was taken (every launch's: the
    /// chain covers them all).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub events: u64,
    /// The hash of the last of them.
    pub chain_head: String,
    /// SHA-256 over every event's hash in order: names the first event that
    /// differs even when a forger re-hashed the chain after it.
    pub event_hashes: String,
    /// The snapshot's digest (`snapshot::digest`).
    pub snapshot: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub schema_version: u64,
    /// When the snapshot was taken.
    pub at: String,
    /// The signing key's fingerprint.
    pub signer: String,
}

impl Checkpoint {
    /// The exact bytes signed: the checkpoint as canonical JSON.
    pub fn signed_bytes(&self) -> Vec<u8> {
        let value = serde_json::to_value(self).expect("a checkpoint is plain data");
        audit::canonical_json(&value).into_bytes()
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Exported {
    pub path: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes: u64,
    pub checkpoint: Checkpoint,
}

/// Writes the bundle of `launch_id` to `dest` (which must not exist): built
/// beside it under another name, synced, then renamed, so a bundle is whole
/// or absent.
pub fn export(
    store: &Store,
    launch_id: &str,
    dest: &Path,
    key: &SigningKey,
    now: Timestamp,
) -> Result<Exported> {
    if dest.exists() {
        return Err(Error::Conflict(format!(
            "{} already exists; choose another file name (a bundle is never overwritten)",
            dest.display()
        )));
    }
    let launch = crate::launch::get(store.conn(), launch_id)?;
    let partial = partial_path(dest);
    let _ = std::fs::remove_file(&partial);
    let result = write(store, &launch, &partial, key, now).and_then(|checkpoint| {
        finish(&partial, dest)?;
        Ok(checkpoint)
    });
    match result {
        Ok(checkpoint) => Ok(Exported {
            path: dest.display().to_string(),
            bytes: std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0),
            checkpoint,
        }),
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

fn partial_path(dest: &Path) -> PathBuf {
    let mut name = dest.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

fn write(
    store: &Store,
    launch: &crate::launch::Launch,
    partial: &Path,
    key: &SigningKey,
    now: Timestamp,
) -> Result<Checkpoint> {
    let unwritable = |e: &dyn std::fmt::Display| Error::StoreUnavailable {
        path: partial.display().to_string(),
        reason: format!("the bundle could not be written: {e}"),
    };
    let mut out = Connection::open(partial).map_err(|e| unwritable(&e))?;
    copy_pages(store.conn(), &mut out).map_err(|e| unwritable(&e))?;
    // Built in one go and synced at the end: no journal needed meanwhile.
    out.pragma_update(None, "journal_mode", "OFF")?;
    out.pragma_update(None, "synchronous", "OFF")?;

    let trail = audit::verify(&out)?;
    if let Some(bad) = &trail.first_bad {
        return Err(Error::Conflict(format!(
            "the store's audit trail is broken at event #{} ({}); a bundle of it would not verify. Run `golive verify` to see it, and restore a backup taken before the damage.",
            bad.seq, bad.problem
        )));
    }
    let removed = snapshot::keep_only_launch(&out, &launch.id)?;
    if removed > 0 {
        // Give back the other launches' pages so the file holds one launch.
        out.execute_batch("VACUUM")?;
    }
    let hashes = event_hashes(&out)?;
    let checkpoint = Checkpoint {
        format: FORMAT,
        launch_id: launch.id.clone(),
        launch_name: launch.name.clone(),
        rehearsal_of: launch.rehearsal_of_name.clone(),
        events: trail.events,
        chain_head: trail.head,
        event_hashes: hex::encode(Sha256::digest(&hashes)),
        snapshot: snapshot::digest(&out)?,
        schema_version: crate::store::schema_version() as u64,
        at: format_timestamp(now),
        signer: fingerprint(&key.verifying_key()),
    };
    let signature = key.sign(&checkpoint.signed_bytes());
    out.execute_batch(&format!(
        "CREATE TABLE {BUNDLE_TABLE} (
            format      INTEGER NOT NULL,
            checkpoint  TEXT NOT NULL,   -- canonical JSON, exactly the signed bytes
            signature   TEXT NOT NULL,   -- Ed25519, hex
            public_key  TEXT NOT NULL,   -- hex
            event_hashes BLOB NOT NULL   -- every event's hash (32 bytes each), in order
        )"
    ))?;
    out.execute(
        &format!(
            "INSERT INTO {BUNDLE_TABLE} (format, checkpoint, signature, public_key, event_hashes)
             VALUES (?1, ?2, ?3, ?4, ?5)"
        ),
        params![
            FORMAT,
            String::from_utf8(checkpoint.signed_bytes()).expect("JSON is UTF-8"),
            hex::encode(signature.to_bytes()),
            hex::encode(key.verifying_key().as_bytes()),
            hashes,
        ],
    )?;
    out.pragma_update(None, "journal_mode", "DELETE")?;
    Ok(checkpoint)
}

/// Every event's hash, 32 bytes each, in chain order.
pub(crate) fn event_hashes(conn: &Connection) -> Result<Vec<u8>> {
    let mut stmt = conn.prepare("SELECT hash FROM audit_events ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    let mut bytes = Vec::new();
    while let Some(row) = rows.next()? {
        let text = row.get_ref(0)?.as_str().unwrap_or("");
        match hex::decode(text) {
            Ok(hash) if hash.len() == 32 => bytes.extend_from_slice(&hash),
            // A hash that is not one still takes its place, so positions hold.
            _ => bytes.extend_from_slice(&Sha256::digest(text.as_bytes())),
        }
    }
    Ok(bytes)
}

fn finish(partial: &Path, dest: &Path) -> Result<()> {
    let failed = |e: std::io::Error| Error::StoreUnavailable {
        path: dest.display().to_string(),
        reason: format!("the bundle could not be saved: {e}"),
    };
    std::fs::File::open(partial)
        .and_then(|f| f.sync_all())
        .map_err(failed)?;
    std::fs::rename(partial, dest).map_err(failed)?;
    if let Some(parent) = dest.parent()
        && let Ok(dir) = std::fs::File::open(parent)
    {
        let _ = dir.sync_all();
    }
    Ok(())
}
