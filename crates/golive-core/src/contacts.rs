//! The contacts of a launch: the people who own items and sign off. The
//! full people directory (escalation, tiers) builds on this.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::actor::Change;
use crate::calendar;
use crate::launch::{self, Role};
use crate::signoff;
use crate::store::{Store, WriteTx, new_id};
use crate::{Error, Result, format_timestamp};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Contact {
    pub id: String,
    pub name: String,
    /// Role keys.
    pub roles: Vec<String>,
    pub email: String,
    pub phone: String,
    /// IANA name, or empty when unknown.
    pub time_zone: String,
    /// The OS account of this person, for "My items".
    pub os_user: Option<String>,
}

/// A contact as entered; also the full new state when editing.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ContactInput {
    pub name: String,
    pub roles: Vec<String>,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub time_zone: String,
    #[serde(default)]
    pub os_user: Option<String>,
}

pub fn list(conn: &Connection, launch_id: &str) -> Result<Vec<Contact>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.name, c.email, c.phone, c.time_zone, c.os_user,
                (SELECT group_concat(cr.role_key, ' ') FROM
                    (SELECT cr.role_key FROM contact_roles cr JOIN roles r
                       ON r.launch_id = cr.launch_id AND r.key = cr.role_key
                     WHERE cr.contact_id = c.id ORDER BY r.position) cr)
         FROM contacts c WHERE c.launch_id = ?1 ORDER BY c.name COLLATE NOCASE",
    )?;
    let contacts = stmt
        .query_map([launch_id], |row| {
            let roles: Option<String> = row.get(6)?;
            Ok(Contact {
                id: row.get(0)?,
                name: row.get(1)?,
                email: row.get(2)?,
                phone: row.get(3)?,
                time_zone: row.get(4)?,
                os_user: row.get(5)?,
                roles: roles
                    .unwrap_or_default()
                    .split_whitespace()
                    .map(str::to_string)
                    .collect(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(contacts)
}

/// Finds a contact by id or by name (ignoring case).
pub fn find(conn: &Connection, launch_id: &str, selector: &str) -> Result<Option<Contact>> {
    let selector = selector.trim();
    Ok(list(conn, launch_id)?
        .into_iter()
        .find(|c| c.id == selector || c.name.eq_ignore_ascii_case(selector)))
}

pub fn get(conn: &Connection, launch_id: &str, selector: &str) -> Result<Contact> {
    find(conn, launch_id, selector)?.ok_or_else(|| {
        Error::NotFound(format!(
            "this launch has no contact {selector:?}; list them with `golive contact list`"
        ))
    })
}

/// Checks a contact as entered: the name, known roles, a plausible email, a
/// known time zone.
fn clean(input: &ContactInput, roles: &[Role]) -> Result<ContactInput> {
    let name = input.name.trim();
    if name.is_empty() {
        return Err(Error::InvalidInput(
            "the contact needs a name, e.g. \"Ana Lopez\"".into(),
        ));
    }
    if name.chars().count() > 80 {
        return Err(Error::InvalidInput(
            "the contact name is longer than 80 characters; shorten it".into(),
        ));
    }
    let mut role_keys = Vec::new();
    for wanted in &input.roles {
        let wanted = wanted.trim();
        let role = roles
            .iter()
            .find(|r| r.key.eq_ignore_ascii_case(wanted) || r.name.eq_ignore_ascii_case(wanted))
            .ok_or_else(|| {
                Error::InvalidInput(format!(
                    "{wanted:?} is not a role of this launch (roles: {})",
                    roles
                        .iter()
                        .map(|r| r.key.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
        if !role_keys.contains(&role.key) {
            role_keys.push(role.key.clone());
        }
    }
    let email = input.email.trim();
    if !email.is_empty()
        && (!email.contains('@') || email.contains(char::is_whitespace) || email.len() > 254)
    {
        return Err(Error::InvalidInput(format!(
            "{email:?} is not an email address; write it as name@example.com or leave it empty"
        )));
    }
    let phone = input.phone.trim();
    if phone.chars().count() > 40 {
        return Err(Error::InvalidInput(
            "the phone number is longer than 40 characters".into(),
        ));
    }
    let time_zone = input.time_zone.trim();
    if !time_zone.is_empty() {
        calendar::parse_time_zone(time_zone)?;
    }
    Ok(ContactInput {
        name: name.to_string(),
        roles: role_keys,
        email: email.to_string(),
        phone: phone.to_string(),
        time_zone: time_zone.to_string(),
        os_user: input
            .os_user
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(str::to_string),
    })
}

fn conflict_check(
    tx: &WriteTx<'_>,
    launch_id: &str,
    input: &ContactInput,
    except_id: Option<&str>,
) -> Result<()> {
    let same_name: Option<String> = tx
        .query_row(
            "SELECT id FROM contacts WHERE launch_id = ?1 AND name = ?2 COLLATE NOCASE AND id IS NOT ?3",
            params![launch_id, input.name, except_id],
            |row| row.get(0),
        )
        .optional()?;
    if same_name.is_some() {
        return Err(Error::Conflict(format!(
            "this launch already has a contact named {:?}; edit that one or use another name",
            input.name
        )));
    }
    if let Some(user) = &input.os_user {
        let holder: Option<String> = tx
            .query_row(
                "SELECT name FROM contacts WHERE launch_id = ?1 AND os_user = ?2 AND id IS NOT ?3",
                params![launch_id, user, except_id],
                |row| row.get(0),
            )
            .optional()?;
        if let Some(holder) = holder {
            return Err(Error::Conflict(format!(
                "the OS account {user:?} is already linked to the contact {holder:?}; unlink it there first"
            )));
        }
    }
    Ok(())
}

fn write_roles(
    tx: &WriteTx<'_>,
    launch_id: &str,
    contact_id: &str,
    roles: &[String],
) -> Result<()> {
    tx.execute(
        "DELETE FROM contact_roles WHERE contact_id = ?1",
        [contact_id],
    )?;
    for role in roles {
        tx.execute(
            "INSERT INTO contact_roles (contact_id, launch_id, role_key) VALUES (?1, ?2, ?3)",
            params![contact_id, launch_id, role],
        )?;
    }
    Ok(())
}

/// Inserts a contact inside a running change (also used to copy contacts
/// into a rehearsal). Returns the new id.
pub(crate) fn insert(tx: &WriteTx<'_>, launch_id: &str, input: &ContactInput) -> Result<String> {
    conflict_check(tx, launch_id, input, None)?;
    let id = new_id();
    let change = tx.change();
    tx.execute(
        "INSERT INTO contacts (id, launch_id, name, email, phone, time_zone, os_user, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            id,
            launch_id,
            input.name,
            input.email,
            input.phone,
            input.time_zone,
            input.os_user,
            format_timestamp(change.at),
            change.actor.display()
        ],
    )?;
    write_roles(tx, launch_id, &id, &input.roles)?;
    Ok(id)
}

pub fn add(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    input: &ContactInput,
) -> Result<Contact> {
    let roles = launch::roles(store.conn(), launch_id)?;
    let input = clean(input, &roles)?;
    let id = store.write(change, |tx| {
        let id = insert(tx, launch_id, &input)?;
        tx.audit(
            Some(launch_id),
            "contact.add",
            &format!("contact:{id}"),
            contact_details(&input),
        )?;
        signoff::record_decision_change(tx, launch_id)?;
        Ok(id)
    })?;
    get(store.conn(), launch_id, &id)
}

pub fn edit(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    selector: &str,
    input: &ContactInput,
) -> Result<Contact> {
    let roles = launch::roles(store.conn(), launch_id)?;
    let input = clean(input, &roles)?;
    let before = get(store.conn(), launch_id, selector)?;
    store.write(change, |tx| {
        conflict_check(tx, launch_id, &input, Some(&before.id))?;
        tx.execute(
            "UPDATE contacts SET name = ?1, email = ?2, phone = ?3, time_zone = ?4, os_user = ?5 WHERE id = ?6",
            params![
                input.name,
                input.email,
                input.phone,
                input.time_zone,
                input.os_user,
                before.id
            ],
        )?;
        write_roles(tx, launch_id, &before.id, &input.roles)?;
        tx.audit(
            Some(launch_id),
            "contact.edit",
            &format!("contact:{}", before.id),
            serde_json::json!({ "before": before, "after": contact_details(&input) }),
        )?;
        signoff::record_decision_change(tx, launch_id)
    })?;
    get(store.conn(), launch_id, &before.id)
}

/// Removes a contact; items assigned to them fall back to their role.
pub fn remove(store: &mut Store, change: &Change, launch_id: &str, selector: &str) -> Result<()> {
    let contact = get(store.conn(), launch_id, selector)?;
    store.write(change, |tx| {
        let mut stmt =
            tx.prepare("SELECT key FROM items WHERE owner_contact_id = ?1 ORDER BY key")?;
        let unassigned: Vec<String> = stmt
            .query_map([&contact.id], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        tx.execute(
            "UPDATE items SET owner_contact_id = NULL WHERE owner_contact_id = ?1",
            [&contact.id],
        )?;
        tx.execute("DELETE FROM contacts WHERE id = ?1", [&contact.id])?;
        tx.audit(
            Some(launch_id),
            "contact.remove",
            &format!("contact:{}", contact.id),
            serde_json::json!({ "contact": contact, "unassigned_items": unassigned }),
        )?;
        signoff::record_decision_change(tx, launch_id)
    })
}

fn contact_details(input: &ContactInput) -> serde_json::Value {
    serde_json::json!({
        "name": input.name,
        "roles": input.roles,
        "email": input.email,
        "phone": input.phone,
        "time_zone": input.time_zone,
        "os_user": input.os_user,
    })
}
