//! Verifying a bundle offline: the signature, who signed, the event chain
//! against the signed checkpoint, and the snapshot against its digest. Needs
//! no network and no keychain.

use std::path::Path;

use ed25519_dalek::{Signature, VerifyingKey};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::bundle::{Checkpoint, FORMAT, MAGIC, Trailer, digest_of_file};
use super::signing::{fingerprint, public_key_from_hex, same_fingerprint};
use crate::audit::{self, BadEvent};
use crate::{Error, Result};

/// Keys whose signature is accepted, each with why it is trusted.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    keys: Vec<(String, String)>,
}

impl Trust {
    /// Trusts the key with this fingerprint, for the reason given ("the key
    /// you named", "this store's key").
    pub fn key(mut self, fingerprint: &str, why: &str) -> Self {
        self.keys.push((fingerprint.to_string(), why.to_string()));
        self
    }

    fn why(&self, signer: &str) -> Option<&str> {
        self.keys
            .iter()
            .find(|(key, _)| same_fingerprint(key, signer))
            .map(|(_, why)| why.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Check {
    /// `signature`, `signer`, `events` or `snapshot`.
    pub name: String,
    pub ok: bool,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BundleReport {
    pub file: String,
    pub checkpoint: Checkpoint,
    /// The fingerprint of the key the bundle carries.
    pub signer: String,
    pub checks: Vec<Check>,
    /// The first event that does not fit the signed checkpoint.
    pub first_bad: Option<BadEvent>,
}

impl BundleReport {
    pub fn ok(&self) -> bool {
        self.checks.iter().all(|c| c.ok)
    }
}

/// The trailer of the bundle at `path`, and how many bytes before it are
/// the database.
pub fn read_trailer(path: &Path) -> Result<(Trailer, u64)> {
    use std::io::{Read, Seek, SeekFrom};
    let not_a_bundle = || {
        Error::InvalidInput(format!(
            "{} holds no signed checkpoint: it is not a golive bundle (a store or a backup is not one; export one with `golive export --bundle FILE`), or its end was cut off or rewritten by a database tool",
            path.display()
        ))
    };
    let mut file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            Error::NotFound(format!("there is no file {}", path.display()))
        }
        _ => Error::InvalidInput(format!("{} cannot be read: {e}", path.display())),
    })?;
    let size = file
        .metadata()
        .map_err(|e| Error::InvalidInput(format!("{} cannot be read: {e}", path.display())))?
        .len();
    let footer = (MAGIC.len() + 8) as u64;
    if size < footer {
        return Err(not_a_bundle());
    }
    let mut tail = vec![0u8; footer as usize];
    file.seek(SeekFrom::Start(size - footer))
        .and_then(|_| file.read_exact(&mut tail))
        .map_err(|_| not_a_bundle())?;
    if &tail[8..] != MAGIC {
        return Err(not_a_bundle());
    }
    let length = u64::from_le_bytes(tail[..8].try_into().expect("8 bytes"));
    if length > size - footer || length > 1 << 31 {
        return Err(not_a_bundle());
    }
    let database = size - footer - length;
    let mut json = vec![0u8; length as usize];
    file.seek(SeekFrom::Start(database))
        .and_then(|_| file.read_exact(&mut json))
        .map_err(|_| not_a_bundle())?;
    let trailer: Trailer = serde_json::from_slice(&json).map_err(|e| {
        Error::InvalidInput(format!(
            "{} is not a valid golive bundle: its trailer is damaged ({e})",
            path.display()
        ))
    })?;
    Ok((trailer, database))
}

/// Opens a bundle's database for reading only; nothing beside it is
/// created, and the trailer is not read as part of it.
pub fn open(path: &Path) -> Result<Connection> {
    read_trailer(path)?;
    let uri = format!(
        "file:{}?immutable=1",
        percent_encoding::utf8_percent_encode(
            &path.to_string_lossy(),
            percent_encoding::NON_ALPHANUMERIC
        )
        .to_string()
        .replace("%2F", "/")
    );
    let conn = Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .and_then(|conn| {
        conn.query_row("SELECT count(*) FROM audit_events", [], |r| {
            r.get::<_, i64>(0)
        })?;
        Ok(conn)
    })
    .map_err(|e| {
        Error::InvalidInput(format!(
            "{} is not a valid golive bundle: its database cannot be read ({e})",
            path.display()
        ))
    })?;
    Ok(conn)
}

/// Checks everything a bundle claims and reports each part; an error means
/// the file could not be read as a bundle at all.
pub fn verify(path: &Path, trust: &Trust) -> Result<BundleReport> {
    let (trailer, database) = read_trailer(path)?;
    let broken = |reason: &str| {
        Error::InvalidInput(format!(
            "{} is not a valid golive bundle: {reason}",
            path.display()
        ))
    };
    if trailer.format > FORMAT {
        return Err(Error::StoreTooNew {
            path: path.display().to_string(),
            found: trailer.format as usize,
            known: FORMAT as usize,
        });
    }
    let checkpoint: Checkpoint = serde_json::from_str(&trailer.checkpoint)
        .map_err(|e| broken(&format!("its checkpoint is not readable ({e})")))?;
    let key = public_key_from_hex(&trailer.public_key)
        .map_err(|e| broken(&format!("its public key is damaged ({e})")))?;
    let signer = fingerprint(&key);

    let mut checks = vec![signature_check(&trailer, &checkpoint, &key, &signer)];
    checks.push(match trust.why(&signer) {
        Some(why) => Check {
            name: "signer".into(),
            ok: true,
            detail: format!("{signer} is {why}"),
        },
        None => Check {
            name: "signer".into(),
            ok: false,
            detail: format!(
                "{signer} is not a key vouched for here: compare it with the fingerprint printed in the record's report and, when they match, run again with --key {signer}"
            ),
        },
    });
    let conn = open(path)?;
    let signed = hex::decode(&trailer.event_hashes).unwrap_or_default();
    // The events on this thread while another hashes the database.
    let (events, digest) = std::thread::scope(|scope| {
        let digest = scope.spawn(|| digest_of_file(path, database));
        let events = events_check(&conn, &checkpoint, &signed);
        (events, digest.join())
    });
    let (events, first_bad) = events?;
    checks.push(events);
    let digest = digest
        .map_err(|_| Error::Internal("the digest thread panicked".into()))?
        .map_err(|e| broken(&format!("its database cannot be read ({e})")))?;
    let same = digest == checkpoint.snapshot && database == checkpoint.snapshot_bytes;
    checks.push(Check {
        name: "snapshot".into(),
        ok: same,
        detail: match same {
            true => "the launch's data is exactly as signed".into(),
            false => "the launch's data differs from what was signed: the database was changed after export".into(),
        },
    });
    Ok(BundleReport {
        file: path.display().to_string(),
        checkpoint,
        signer,
        checks,
        first_bad,
    })
}

fn signature_check(
    stored: &Trailer,
    checkpoint: &Checkpoint,
    key: &VerifyingKey,
    signer: &str,
) -> Check {
    let signature = hex::decode(stored.signature.trim())
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .map(|b| Signature::from_bytes(&b));
    let (ok, detail) = match signature {
        None => (false, "the signature is damaged".to_string()),
        Some(signature) => {
            if key
                .verify_strict(stored.checkpoint.as_bytes(), &signature)
                .is_err()
            {
                (false, "the signature does not match the checkpoint: the checkpoint was changed after signing".into())
            } else if checkpoint.signed_bytes() != stored.checkpoint.as_bytes() {
                (false, "the checkpoint is not in the signed form".into())
            } else if !same_fingerprint(&checkpoint.signer, signer) {
                (
                    false,
                    format!(
                        "the checkpoint names {} as signer but the bundle carries {signer}",
                        checkpoint.signer
                    ),
                )
            } else {
                (
                    true,
                    "the checkpoint is signed by the key the bundle carries".into(),
                )
            }
        }
    };
    Check {
        name: "signature".into(),
        ok,
        detail,
    }
}

/// Walks the trail in order and compares each event with its predecessor
/// and with the hash the checkpoint signed for its place.
fn events_check(
    conn: &Connection,
    checkpoint: &Checkpoint,
    signed: &[u8],
) -> Result<(Check, Option<BadEvent>)> {
    let signed_whole = signed.len() as u64 == checkpoint.events * 32
        && hex::encode(Sha256::digest(signed)) == checkpoint.event_hashes;
    let signed_at = |position: u64| -> Option<String> {
        let start = ((position - 1) * 32) as usize;
        signed_whole
            .then(|| signed.get(start..start + 32).map(hex::encode))
            .flatten()
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT {} FROM audit_events ORDER BY seq",
        audit::EVENT_COLUMNS
    ))?;
    let mut rows = stmt.query([])?;
    let mut prev_hash = audit::GENESIS_HASH.to_string();
    let mut position: u64 = 0;
    let bad = |seq: i64, problem: String| {
        let check = Check {
            name: "events".into(),
            ok: false,
            detail: format!("event #{seq}: {problem}"),
        };
        Ok((check, Some(BadEvent { seq, problem })))
    };
    while let Some(row) = rows.next()? {
        position += 1;
        let event = audit::event_from_row(row)?;
        let here = position as i64;
        if position > checkpoint.events {
            return bad(
                here,
                format!(
                    "it was added after the signed checkpoint, which holds {} events",
                    checkpoint.events
                ),
            );
        }
        if event.seq != here {
            return bad(
                here,
                format!(
                    "it is missing or moved: event #{} stands in its place",
                    event.seq
                ),
            );
        }
        if event.prev_hash != prev_hash {
            return bad(
                here,
                format!(
                    "it does not follow event #{}: events were removed, reordered or replaced",
                    here - 1
                ),
            );
        }
        let computed = audit::hash_of(&event.preimage());
        if computed != event.hash {
            return bad(
                here,
                "its content does not match its hash: the event was altered".into(),
            );
        }
        if let Some(expected) = signed_at(position)
            && expected != computed
        {
            return bad(
                here,
                "it differs from the event that was signed: it was altered and the chain re-hashed"
                    .into(),
            );
        }
        prev_hash = computed;
    }
    if position < checkpoint.events {
        let missing = position as i64 + 1;
        return bad(
            missing,
            format!(
                "it is missing: the trail ends after event #{position} but the checkpoint signed {} events",
                checkpoint.events
            ),
        );
    }
    if prev_hash != checkpoint.chain_head {
        return bad(
            position as i64,
            "the chain's last hash is not the signed head".into(),
        );
    }
    if !signed_whole {
        let check = Check {
            name: "events".into(),
            ok: false,
            detail: "the list of signed event hashes in the bundle was altered".into(),
        };
        return Ok((check, None));
    }
    Ok((
        Check {
            name: "events".into(),
            ok: true,
            detail: format!(
                "{} events, each as signed; the chain ends at {}",
                checkpoint.events,
                &checkpoint.chain_head[..12.min(checkpoint.chain_head.len())]
            ),
        },
        None,
    ))
}
