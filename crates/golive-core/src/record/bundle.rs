//! Writing a signed bundle: a SQLite database holding a moment of the store
//! (taken with the online backup API) cut down to one launch with the whole
//! audit trail, followed by a trailer: the checkpoint signed with Ed25519,
//! the key, and every event's hash.
//!
//! The checkpoint covers the database's bytes by their SHA-256, so any
//! change to the data is found without reading it row by row. SQLite reads
//! the database part and ignores the trailer (the file header says how many
//! pages the database has), so a bundle opens read-only like any store.
//!
//! Layout: `[database][trailer JSON][trailer length: u64 LE][MAGIC]`.

use std::path::{Path, PathBuf};

use ed25519_dalek::{Signer, SigningKey};
use jiff::Timestamp;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::signing::fingerprint;
use super::snapshot;
use crate::store::backup::publish;
use crate::{Error, Result, Store, audit, format_timestamp};

/// The bundle layout this build writes and reads.
pub const FORMAT: u32 = 1;

/// The last bytes of every bundle.
pub const MAGIC: &[u8; 16] = b"golive-bundle-1\n";

/// What follows the database: everything `verify` needs besides it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trailer {
    pub format: u32,
    /// The checkpoint as canonical JSON: exactly the signed bytes.
    pub checkpoint: String,
    /// Ed25519 signature of `checkpoint`, hex.
    pub signature: String,
    /// The signing key, hex.
    pub public_key: String,
    /// Every event's hash in order, hex, 64 digits each.
    pub event_hashes: String,
}

/// Appends `trailer` to the database at `path`.
pub fn append_trailer(path: &Path, trailer: &Trailer) -> std::io::Result<()> {
    use std::io::Write;
    let json = serde_json::to_vec(trailer).expect("a trailer is plain data");
    let mut file = std::fs::OpenOptions::new().append(true).open(path)?;
    file.write_all(&json)?;
    file.write_all(&(json.len() as u64).to_le_bytes())?;
    file.write_all(MAGIC)?;
    file.flush()
}

/// SHA-256 (hex) of the first `length` bytes of `path`.
pub fn digest_of_file(path: &Path, length: u64) -> std::io::Result<String> {
    use std::io::Read;
    let mut reader = std::fs::File::open(path)?.take(length);
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut read = 0u64;
    loop {
        let n = reader.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        read += n as u64;
    }
    if read != length {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            format!("expected {length} bytes, found {read}"),
        ));
    }
    Ok(hex::encode(hasher.finalize()))
}

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
    /// SHA-256 of the database part of the bundle.
    pub snapshot: String,
    /// Its length in bytes.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub snapshot_bytes: u64,
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
    let (out, removed) = snapshot::take(store, &launch.id, partial, unwritable)?;
    if removed > 0 {
        // Give back the other launches' pages so the file holds one launch.
        out.execute_batch("VACUUM")?;
    }
    // The file is final from here on: a plain rollback-journal database.
    out.pragma_update(None, "journal_mode", "DELETE")?;
    let bytes = database_bytes(&out)?;
    let on_disk = std::fs::metadata(partial)
        .map_err(|e| unwritable(&e))?
        .len();
    if on_disk != bytes {
        return Err(Error::Internal(format!(
            "the snapshot file holds {on_disk} bytes but its database {bytes}"
        )));
    }
    // The chain on this connection while another thread hashes the file:
    // the two are the bulk of the work and share nothing.
    let (trail, hashes, digest) = std::thread::scope(|scope| {
        let digest = scope.spawn(|| digest_of_file(partial, bytes));
        let trail = audit::verify(&out).and_then(|t| {
            let hashes = if t.ok() {
                event_hashes(&out)?
            } else {
                Vec::new()
            };
            Ok((t, hashes))
        });
        let digest = digest
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the digest thread panicked")));
        trail.and_then(|(t, h)| Ok((t, h, digest.map_err(|e| unwritable(&e))?)))
    })?;
    drop(out);
    if let Some(bad) = &trail.first_bad {
        return Err(Error::Conflict(format!(
            "the store's audit trail is broken at event #{} ({}); a bundle of it would not verify. Run `golive verify` to see it, and restore a backup taken before the damage.",
            bad.seq, bad.problem
        )));
    }
    let checkpoint = Checkpoint {
        format: FORMAT,
        launch_id: launch.id.clone(),
        launch_name: launch.name.clone(),
        rehearsal_of: launch.rehearsal_of_name.clone(),
        events: trail.events,
        chain_head: trail.head,
        event_hashes: hex::encode(Sha256::digest(&hashes)),
        snapshot: digest,
        snapshot_bytes: bytes,
        schema_version: crate::store::schema_version() as u64,
        at: format_timestamp(now),
        signer: fingerprint(&key.verifying_key()),
    };
    let signed = checkpoint.signed_bytes();
    let trailer = Trailer {
        format: FORMAT,
        signature: hex::encode(key.sign(&signed).to_bytes()),
        checkpoint: String::from_utf8(signed).expect("JSON is UTF-8"),
        public_key: hex::encode(key.verifying_key().as_bytes()),
        event_hashes: hex::encode(&hashes),
    };
    append_trailer(partial, &trailer).map_err(|e| unwritable(&e))?;
    Ok(checkpoint)
}

/// The database's size as its header states it: what SQLite reads of a
/// bundle, the rest being the trailer.
pub(crate) fn database_bytes(conn: &Connection) -> Result<u64> {
    let pages: i64 = conn.pragma_query_value(None, "page_count", |r| r.get(0))?;
    let size: i64 = conn.pragma_query_value(None, "page_size", |r| r.get(0))?;
    Ok((pages * size) as u64)
}

/// Every event's hash, 32 bytes each, in chain order; read only from a
/// trail that verified, so every hash is one.
fn event_hashes(conn: &Connection) -> Result<Vec<u8>> {
    let mut stmt = conn.prepare("SELECT hash FROM audit_events ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    let mut bytes = Vec::new();
    while let Some(row) = rows.next()? {
        let text = row.get_ref(0)?.as_str().unwrap_or("");
        match hex::decode(text) {
            Ok(hash) if hash.len() == 32 => bytes.extend_from_slice(&hash),
            _ => {
                return Err(Error::Internal(format!(
                    "the stored event hash {text:?} is not a SHA-256"
                )));
            }
        }
    }
    Ok(bytes)
}

fn finish(partial: &Path, dest: &Path) -> Result<()> {
    publish(partial, dest).map_err(|e| Error::StoreUnavailable {
        path: dest.display().to_string(),
        reason: format!("the bundle could not be saved: {e}"),
    })
}
