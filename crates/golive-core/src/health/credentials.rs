//! What the store knows of a credential: id, label, kind and the one origin
//! it may be sent to. The secret itself lives in the OS keychain
//! ([`crate::secrets`]); this module turns the two into request headers.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::actor::Change;
use crate::store::{Store, WriteTx};
use crate::{Error, Result, format_timestamp, secrets};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum CredentialKind {
    /// `Authorization: Bearer <token>`
    Bearer,
    /// `Authorization: Basic base64(user:password)`; the keychain holds `user:password`.
    Basic,
    /// An API key in a header of its own, e.g. `X-Api-Key`.
    Header,
}

impl CredentialKind {
    pub fn key(self) -> &'static str {
        match self {
            CredentialKind::Bearer => "bearer",
            CredentialKind::Basic => "basic",
            CredentialKind::Header => "header",
        }
    }

    pub fn parse(text: &str) -> Result<CredentialKind> {
        match text.trim().to_ascii_lowercase().as_str() {
            "bearer" | "token" => Ok(CredentialKind::Bearer),
            "basic" => Ok(CredentialKind::Basic),
            "header" | "api-key" | "api_key" | "apikey" => Ok(CredentialKind::Header),
            other => Err(Error::InvalidInput(format!(
                "{other:?} is not a kind of credential; use bearer, basic or header"
            ))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Credential {
    pub id: String,
    pub label: String,
    pub kind: CredentialKind,
    /// The header an API key goes in (kind `header`).
    pub header_name: Option<String>,
    /// `scheme://host[:port]`: the only origin this credential is sent to.
    pub origin: String,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CredentialInput {
    pub id: String,
    #[serde(default)]
    pub label: String,
    pub kind: CredentialKind,
    #[serde(default)]
    pub header_name: Option<String>,
    /// A URL or origin of the service, e.g. `https://api.example.com`.
    pub origin: String,
}

pub fn list(conn: &Connection) -> Result<Vec<Credential>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, label, kind, header_name, origin FROM credentials ORDER BY id",
    )?;
    let list = stmt
        .query_map([], credential_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(list)
}

pub fn find(conn: &Connection, id: &str) -> Result<Option<Credential>> {
    Ok(conn
        .query_row(
            "SELECT id, label, kind, header_name, origin FROM credentials WHERE id = ?1",
            [id.trim()],
            credential_from_row,
        )
        .optional()?)
}

pub fn get(conn: &Connection, id: &str) -> Result<Credential> {
    find(conn, id)?.ok_or_else(|| {
        Error::NotFound(format!(
            "there is no credential {:?}; add it with `golive secret add` or in the Health view",
            id.trim()
        ))
    })
}

fn credential_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Credential> {
    let kind: String = row.get(2)?;
    Ok(Credential {
        id: row.get(0)?,
        label: row.get(1)?,
        kind: CredentialKind::parse(&kind).unwrap_or(CredentialKind::Bearer),
        header_name: row.get(3)?,
        origin: row.get(4)?,
    })
}

/// `scheme://host[:port]` of a URL (default ports left out), http(s) only.
pub fn origin_of(url: &str) -> Result<String> {
    let parsed = url::Url::parse(url.trim()).map_err(|e| {
        Error::InvalidInput(format!(
            "{:?} is not a URL ({e}); write it like https://api.example.com",
            url.trim()
        ))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(Error::InvalidInput(format!(
            "{:?} is not an http or https URL with a host",
            url.trim()
        )));
    }
    Ok(parsed.origin().ascii_serialization())
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// A header name as HTTP allows it (a token), and not one golive sets itself.
pub fn check_header_name(name: &str) -> Result<()> {
    let is_token = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c));
    if !is_token {
        return Err(Error::InvalidInput(format!(
            "{name:?} is not a valid header name (letters, digits and - only, e.g. X-Api-Key)"
        )));
    }
    Ok(())
}

pub(crate) fn insert(tx: &WriteTx<'_>, input: &CredentialInput) -> Result<Credential> {
    let id = input.id.trim();
    if !valid_id(id) {
        return Err(Error::InvalidInput(format!(
            "{id:?} cannot name a credential: use 1 to 64 letters, digits, '-', '_' or '.', e.g. prod-api-token"
        )));
    }
    let header_name = match input.kind {
        CredentialKind::Header => {
            let name = input.header_name.as_deref().map(str::trim).unwrap_or("");
            if name.is_empty() {
                return Err(Error::InvalidInput(
                    "an API-key credential needs the header it goes in, e.g. X-Api-Key".into(),
                ));
            }
            check_header_name(name)?;
            Some(name.to_string())
        }
        _ => None,
    };
    let origin = origin_of(&input.origin)?;
    if find(tx, id)?.is_some() {
        return Err(Error::Conflict(format!(
            "there is a credential {id:?} already; pick another id, or remove it first"
        )));
    }
    let credential = Credential {
        id: id.to_string(),
        label: input.label.trim().to_string(),
        kind: input.kind,
        header_name,
        origin,
    };
    let change = tx.change();
    tx.execute(
        "INSERT INTO credentials (id, label, kind, header_name, origin, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            credential.id,
            credential.label,
            credential.kind.key(),
            credential.header_name,
            credential.origin,
            format_timestamp(change.at),
            change.actor.display()
        ],
    )?;
    tx.audit(
        None,
        "credential.add",
        &format!("credential:{}", credential.id),
        serde_json::json!({ "credential": credential }),
    )?;
    Ok(credential)
}

/// Adds the metadata of a credential (the secret goes to the keychain with
/// [`store_secret`]).
pub fn add(store: &mut Store, change: &Change, input: &CredentialInput) -> Result<Credential> {
    store.write(change, |tx| insert(tx, input))
}

/// Adds a credential with its secret. The secret goes to the keychain
/// first, so a keychain that refuses it leaves no credential without a
/// secret in the store; an id that is taken is refused before the keychain
/// is touched, so an existing credential's secret is never overwritten.
pub fn add_with_secret(
    store: &mut Store,
    change: &Change,
    input: &CredentialInput,
    secret: &str,
) -> Result<Credential> {
    if find(store.conn(), &input.id)?.is_some() {
        return Err(Error::Conflict(format!(
            "there is a credential {:?} already; pick another id, or remove it first",
            input.id.trim()
        )));
    }
    origin_of(&input.origin)?;
    let draft = Credential {
        id: input.id.trim().to_string(),
        label: String::new(),
        kind: input.kind,
        header_name: input.header_name.clone(),
        origin: String::new(),
    };
    store_secret(&draft, secret)?;
    add(store, change, input).inspect_err(|_| {
        let _ = secrets::delete(&draft.id);
    })
}

/// Checks a secret against its kind and puts it in the keychain.
pub fn store_secret(credential: &Credential, secret: &str) -> Result<()> {
    let secret = secret.strip_suffix('\n').unwrap_or(secret);
    let secret = secret.strip_suffix('\r').unwrap_or(secret);
    if secret.is_empty() {
        return Err(Error::InvalidInput(format!(
            "the secret for {:?} is empty; nothing was stored",
            credential.id
        )));
    }
    if secret.chars().any(|c| c.is_control()) {
        return Err(Error::InvalidInput(format!(
            "the secret for {:?} holds a line break or another control character, which no HTTP header can carry; nothing was stored",
            credential.id
        )));
    }
    // Secrets also reach deployment triggers, whose output is masked; a
    // secret too short to mask safely is refused for every use.
    crate::deploy::mask::check_secret_length(&format!("{:?}", credential.id), secret)?;
    if credential.kind == CredentialKind::Basic && !secret.contains(':') {
        return Err(Error::InvalidInput(format!(
            "the secret of the basic-auth credential {:?} is user:password; nothing was stored",
            credential.id
        )));
    }
    Ok(secrets::set(&credential.id, secret)?)
}

/// Removes a credential no monitor uses, and its secret from the keychain.
pub fn remove(store: &mut Store, change: &Change, id: &str) -> Result<()> {
    let credential = get(store.conn(), id)?;
    store.write(change, |tx| {
        let users: Vec<String> = tx
            .prepare("SELECT name FROM monitors WHERE credential_id = ?1 ORDER BY name")?
            .query_map([&credential.id], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if !users.is_empty() {
            return Err(Error::Conflict(format!(
                "the credential {:?} is used by the monitor(s) {}; change or remove them first",
                credential.id,
                users.join(", ")
            )));
        }
        tx.execute("DELETE FROM credentials WHERE id = ?1", [&credential.id])?;
        tx.audit(
            None,
            "credential.remove",
            &format!("credential:{}", credential.id),
            serde_json::json!({ "credential": credential }),
        )
    })?;
    secrets::delete(&credential.id)?;
    Ok(())
}

/// The header a credential adds to a request, built from its secret.
pub fn header(credential: &Credential, secret: &str) -> (String, String) {
    match credential.kind {
        CredentialKind::Bearer => ("Authorization".into(), format!("Bearer {secret}")),
        CredentialKind::Basic => (
            "Authorization".into(),
            format!("Basic {}", base64(secret.as_bytes())),
        ),
        CredentialKind::Header => (
            credential
                .header_name
                .clone()
                .unwrap_or_else(|| "X-Api-Key".into()),
            secret.to_string(),
        ),
    }
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_is_rfc_base64() {
        assert_eq!(
            base64(b"Aladdin:open sesame"),
            "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
    }

    #[test]
    fn origins_leave_out_default_ports_and_paths() {
        assert_eq!(
            origin_of("https://Api.Example.com:443/health?x=1").unwrap(),
            "https://api.example.com"
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8080/").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(origin_of("ftp://example.com").is_err());
    }
}
