//! Secrets in the OS keychain, and nowhere else: Secret Service on Linux,
//! Keychain on macOS, Credential Manager on Windows (through `keyring`).
//!
//! Every call runs on its own thread and is given up after five seconds, so a
//! keychain waiting on an unlock prompt never stalls the caller; async code
//! calls these through `spawn_blocking`. There is no fallback: when the
//! keychain cannot be used, the error says so and nothing is stored.

use std::sync::mpsc;
use std::time::Duration;

use serde::Serialize;

/// The keychain service every golive secret is filed under.
const SERVICE: &str = "golive";

/// How long a keychain call may take before it counts as not answering.
pub const TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum KeychainState {
    Available,
    Locked,
    Unavailable,
    NotAnswering,
}

/// The keychain as a person needs to know it: its state, in words, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct KeychainStatus {
    pub state: KeychainState,
    pub message: String,
    /// What the keychain itself answered, for a bug report.
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error(
        "the OS keychain is locked, so the secret cannot be read or stored. Unlock it (log in again, or unlock the \"login\" keyring in your keyring app), then retry. golive never keeps secrets anywhere else."
    )]
    Locked(String),
    #[error(
        "no OS keychain answers on this machine ({0}). Install and start one (on Linux a Secret Service such as gnome-keyring or KeePassXC), then retry. golive never keeps secrets anywhere else."
    )]
    Unavailable(String),
    #[error(
        "the OS keychain did not answer within 5 seconds; it may be waiting for an unlock prompt. Answer the prompt or restart the keyring service, then retry."
    )]
    NotAnswering,
    #[error(
        "the keychain has no secret for the credential {0:?}; set it with `golive secret set {0}` or in the Health view"
    )]
    Missing(String),
    #[error("the keychain refused the secret: {0}")]
    Refused(String),
}

impl SecretError {
    pub fn state(&self) -> KeychainState {
        match self {
            SecretError::Locked(_) => KeychainState::Locked,
            SecretError::Unavailable(_) => KeychainState::Unavailable,
            SecretError::NotAnswering => KeychainState::NotAnswering,
            SecretError::Missing(_) | SecretError::Refused(_) => KeychainState::Available,
        }
    }
}

impl From<SecretError> for crate::Error {
    fn from(error: SecretError) -> Self {
        match error {
            SecretError::Missing(_) => crate::Error::NotFound(error.to_string()),
            SecretError::Refused(_) => crate::Error::InvalidInput(error.to_string()),
            other => crate::Error::KeychainUnavailable(other.to_string()),
        }
    }
}

/// Stores (or replaces) the secret of a credential.
pub fn set(credential_id: &str, secret: &str) -> Result<(), SecretError> {
    let (id, secret) = (credential_id.to_string(), secret.to_string());
    bounded(move || keyring::Entry::new(SERVICE, &id)?.set_password(&secret))
}

/// The secret of a credential; `Missing` when none was set.
pub fn get(credential_id: &str) -> Result<String, SecretError> {
    let id = credential_id.to_string();
    match bounded(move || keyring::Entry::new(SERVICE, &id)?.get_password()) {
        Err(SecretError::Refused(why)) if why == NO_ENTRY => {
            Err(SecretError::Missing(credential_id.to_string()))
        }
        other => other,
    }
}

/// Whether a secret is set, without reading it out.
pub fn is_set(credential_id: &str) -> Result<bool, SecretError> {
    match get(credential_id) {
        Ok(_) => Ok(true),
        Err(SecretError::Missing(_)) => Ok(false),
        Err(other) => Err(other),
    }
}

/// Deletes the secret of a credential; deleting a missing one is fine.
pub fn delete(credential_id: &str) -> Result<(), SecretError> {
    let id = credential_id.to_string();
    match bounded(move || keyring::Entry::new(SERVICE, &id)?.delete_credential()) {
        Err(SecretError::Refused(why)) if why == NO_ENTRY => Ok(()),
        other => other,
    }
}

/// A set/get/delete round trip with a throw-away entry: the only way to
/// tell an unlocked keychain from a locked or missing one.
pub fn status() -> KeychainStatus {
    let probe = format!("golive-keychain-check-{}", std::process::id());
    let round_trip = bounded(move || {
        let entry = keyring::Entry::new(SERVICE, &probe)?;
        entry.set_password("check")?;
        let read = entry.get_password()?;
        entry.delete_credential()?;
        if read == "check" {
            Ok(())
        } else {
            Err(keyring::Error::Invalid(
                "round trip".into(),
                "the keychain returned another value than was stored".into(),
            ))
        }
    });
    match round_trip {
        Ok(()) => KeychainStatus {
            state: KeychainState::Available,
            message: "The OS keychain is available: credentials are stored there and nowhere else."
                .into(),
            detail: String::new(),
        },
        Err(error) => KeychainStatus {
            state: error.state(),
            message: error.to_string(),
            detail: match &error {
                SecretError::Locked(d) | SecretError::Unavailable(d) | SecretError::Refused(d) => {
                    d.clone()
                }
                SecretError::NotAnswering => "no answer within 5 s".into(),
                SecretError::Missing(id) => id.clone(),
            },
        },
    }
}

const NO_ENTRY: &str = "no entry";

fn bounded<T: Send + 'static>(
    call: impl FnOnce() -> keyring::Result<T> + Send + 'static,
) -> Result<T, SecretError> {
    let (sender, receiver) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("keychain".into())
        .spawn(move || {
            let _ = sender.send(call());
        });
    if let Err(error) = spawned {
        return Err(SecretError::Unavailable(format!(
            "no thread for the keychain call: {error}"
        )));
    }
    match receiver.recv_timeout(TIMEOUT) {
        Ok(result) => result.map_err(classify),
        // The thread stays blocked in the keychain until it answers; its
        // answer then goes nowhere, which is what a timeout means here.
        Err(_) => Err(SecretError::NotAnswering),
    }
}

fn classify(error: keyring::Error) -> SecretError {
    let text = error.to_string();
    // D-Bus gave up waiting for the service: the same as our own bound.
    if text.contains("Did not receive a reply") || text.to_ascii_lowercase().contains("timed out") {
        return SecretError::NotAnswering;
    }
    match error {
        keyring::Error::NoEntry => SecretError::Refused(NO_ENTRY.into()),
        keyring::Error::NoStorageAccess(inner) => SecretError::Locked(inner.to_string()),
        keyring::Error::PlatformFailure(inner) => {
            let text = inner.to_string();
            // A locked collection the service refuses to unlock without a
            // prompt surfaces as a platform failure on some backends.
            if text.to_ascii_lowercase().contains("locked") {
                SecretError::Locked(text)
            } else {
                SecretError::Unavailable(text)
            }
        }
        keyring::Error::TooLong(what, limit) => {
            SecretError::Refused(format!("the {what} is longer than the keychain's {limit}"))
        }
        other => SecretError::Refused(other.to_string()),
    }
}
