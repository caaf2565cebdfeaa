//! The key that signs exported records: an Ed25519 key whose secret half
//! lives only in the OS keychain and whose public half is kept in the store
//! (and announced in the audit trail) so reports can print its fingerprint.

use ed25519_dalek::{SigningKey, VerifyingKey};
use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::secrets::{self, SecretError};
use crate::{Change, Error, Result, Store};

/// The keychain entry holding the secret key (hex), shared by every store
/// of this OS user.
pub const KEYCHAIN_ID: &str = "record-signing-key";
const PUBLIC_KEY_SETTING: &str = "record.public_key";

/// A short, readable name of a public key: `ed25519:` and the first 16 bytes
/// of its SHA-256 in groups of four hex digits.
pub fn fingerprint(key: &VerifyingKey) -> String {
    let digest = hex::encode(&Sha256::digest(key.as_bytes())[..16]);
    let groups: Vec<&str> = (0..digest.len())
        .step_by(4)
        .map(|i| &digest[i..i + 4])
        .collect();
    format!("ed25519:{}", groups.join("-"))
}

/// The same fingerprint written any way a person might copy it: case,
/// spaces, dashes and the `ed25519:` prefix do not matter.
pub fn same_fingerprint(a: &str, b: &str) -> bool {
    fn bare(text: &str) -> String {
        let text = text.trim();
        let text = text
            .strip_prefix("ed25519:")
            .or_else(|| text.strip_prefix("ED25519:"))
            .unwrap_or(text);
        text.chars()
            .filter(|c| c.is_ascii_hexdigit())
            .map(|c| c.to_ascii_lowercase())
            .collect()
    }
    let (a, b) = (bare(a), bare(b));
    !a.is_empty() && a == b
}

/// A fresh key from the OS's random source.
pub fn generate() -> Result<SigningKey> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret)
        .map_err(|e| Error::Internal(format!("the OS gave no random bytes for a key: {e}")))?;
    Ok(SigningKey::from_bytes(&secret))
}

pub fn public_key_from_hex(text: &str) -> Result<VerifyingKey> {
    let bytes: [u8; 32] = hex::decode(text.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| Error::InvalidInput("the public key is not 32 bytes of hex".into()))?;
    VerifyingKey::from_bytes(&bytes)
        .map_err(|_| Error::InvalidInput("the public key is not a valid Ed25519 key".into()))
}

/// The public key this store signs with, if it has signed before.
pub fn recorded_public_key(conn: &Connection) -> Result<Option<VerifyingKey>> {
    let text: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [PUBLIC_KEY_SETTING],
            |row| row.get(0),
        )
        .optional()?;
    text.map(|t| public_key_from_hex(&t)).transpose()
}

/// The fingerprint of the key the store at `path` signs with, read without
/// changing (or creating) the store; `None` when there is no such store or
/// it has never signed.
pub fn fingerprint_of_store(path: &std::path::Path) -> Option<String> {
    if !path.is_file() {
        return None;
    }
    let conn =
        Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
    let key = recorded_public_key(&conn).ok()??;
    Some(fingerprint(&key))
}

/// The signing key from the keychain; created on first use. When the store
/// has not seen this key before (first export, another machine, a reset
/// keychain) its public half is recorded and the change audited, so the
/// trail says which key signed from when on.
pub fn signing_key(store: &mut Store, change: &Change) -> Result<SigningKey> {
    let key = match secrets::get(KEYCHAIN_ID) {
        Ok(secret) => secret_from_hex(&secret)?,
        Err(SecretError::Missing(_)) => {
            let key = generate()?;
            secrets::set(KEYCHAIN_ID, &hex::encode(key.to_bytes()))?;
            key
        }
        Err(other) => return Err(other.into()),
    };
    let recorded = recorded_public_key(store.conn())?;
    if recorded != Some(key.verifying_key()) {
        record_public_key(store, change, &key.verifying_key(), recorded.as_ref())?;
    }
    Ok(key)
}

fn secret_from_hex(text: &str) -> Result<SigningKey> {
    let bytes: [u8; 32] = hex::decode(text.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| {
            Error::InvalidInput(format!(
                "the keychain entry {KEYCHAIN_ID:?} does not hold a golive signing key; delete it and export again to create a new key"
            ))
        })?;
    Ok(SigningKey::from_bytes(&bytes))
}

fn record_public_key(
    store: &mut Store,
    change: &Change,
    key: &VerifyingKey,
    replaced: Option<&VerifyingKey>,
) -> Result<()> {
    store.write(change, |tx| {
        tx.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = ?2",
            [PUBLIC_KEY_SETTING, &hex::encode(key.as_bytes())],
        )?;
        tx.audit(
            None,
            "record.key",
            "record:signing-key",
            serde_json::json!({
                "fingerprint": fingerprint(key),
                "public_key": hex::encode(key.as_bytes()),
                "replaces": replaced.map(fingerprint),
            }),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_compare_however_they_are_copied() {
        let key = SigningKey::from_bytes(&[7; 32]).verifying_key();
        let print = fingerprint(&key);
        assert!(print.starts_with("ed25519:"));
        assert_eq!(print.len(), "ed25519:".len() + 32 + 7);
        assert!(same_fingerprint(&print, &print.to_uppercase()));
        assert!(same_fingerprint(
            &print,
            &print.replace('-', " ").replace("ed25519:", "")
        ));
        let other = SigningKey::from_bytes(&[8; 32]).verifying_key();
        assert!(!same_fingerprint(&print, &fingerprint(&other)));
        assert!(!same_fingerprint("", ""));
    }
}
