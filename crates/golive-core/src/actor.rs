//! Who makes a change, and when. Every mutation takes a [`Change`], so the
//! clock is passed in rather than read inside the logic.

use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::store::Store;
use crate::{Error, Result};

/// The person behind a change: the OS user, with the display name and role
/// they chose (`golive profile`, or the profile dialog in the app).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Actor {
    pub user: String,
    pub name: Option<String>,
    pub role: Option<String>,
}

impl Actor {
    /// The OS user running this process. Falls back to "unknown" rather than
    /// failing: an odd account database must not stop anyone from ticking.
    pub fn os_user() -> String {
        whoami::username()
            .ok()
            .filter(|name| !name.trim().is_empty())
            .unwrap_or_else(|| "unknown".to_string())
    }

    pub fn anonymous(user: impl Into<String>) -> Self {
        Actor {
            user: user.into(),
            name: None,
            role: None,
        }
    }

    /// How the actor appears in the record: "Ana Lopez (ana)" or "ana".
    pub fn display(&self) -> String {
        match &self.name {
            Some(name) if name != &self.user => format!("{name} ({})", self.user),
            _ => self.user.clone(),
        }
    }
}

/// One change: who makes it and when.
#[derive(Debug, Clone)]
pub struct Change {
    pub actor: Actor,
    pub at: Timestamp,
}

impl Change {
    pub fn new(actor: Actor, at: Timestamp) -> Self {
        Change { actor, at }
    }
}

/// Loads the actor for an OS user, with their saved display name and role.
pub fn load(store: &Store, user: &str) -> Result<Actor> {
    let profile = store
        .conn()
        .query_row(
            "SELECT display_name, role FROM profiles WHERE os_user = ?1",
            [user],
            |row| {
                Ok((
                    row.get::<_, Option<String>>(0)?,
                    row.get::<_, Option<String>>(1)?,
                ))
            },
        )
        .optional()?;
    let (name, role) = profile.unwrap_or((None, None));
    Ok(Actor {
        user: user.to_string(),
        name,
        role,
    })
}

/// Saves the display name and role of `change.actor.user`; audited.
pub fn set_profile(
    store: &mut Store,
    change: &Change,
    name: Option<&str>,
    role: Option<&str>,
) -> Result<Actor> {
    let clean = |v: Option<&str>, field: &str| -> Result<Option<String>> {
        match v.map(str::trim) {
            None | Some("") => Ok(None),
            Some(v) if v.chars().count() > 80 => Err(Error::InvalidInput(format!(
                "the {field} is {} characters long; keep it under 80",
                v.chars().count()
            ))),
            Some(v) => Ok(Some(v.to_string())),
        }
    };
    let name = clean(name, "display name")?;
    let role = clean(role, "role")?;
    let user = change.actor.user.clone();
    let updated = Actor {
        user: user.clone(),
        name: name.clone(),
        role: role.clone(),
    };
    let audit_change = Change::new(updated.clone(), change.at);
    store.write(&audit_change, |tx| {
        tx.execute(
            "INSERT INTO profiles (os_user, display_name, role) VALUES (?1, ?2, ?3)
             ON CONFLICT(os_user) DO UPDATE SET display_name = excluded.display_name, role = excluded.role",
            params![user, name, role],
        )?;
        tx.audit(
            None,
            "profile.set",
            &format!("profile:{user}"),
            serde_json::json!({ "name": name, "role": role }),
        )?;
        Ok(())
    })?;
    Ok(updated)
}
