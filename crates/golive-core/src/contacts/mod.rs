//! The people directory of a launch: who owns items, signs off, answers at
//! an escalation level or support tier, and covers for whom. Imported from
//! and exported to vCard and CSV (`vcard`, `csv`).

pub mod csv;
pub mod vcard;

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
    /// A chat handle, e.g. "@ana" or "ana@chat.example.com".
    pub chat: String,
    /// Who covers when this person is away.
    pub deputy_id: Option<String>,
    pub deputy: Option<String>,
    /// Reachable around the clock.
    pub always_on: bool,
    /// A member of the emergency response team.
    pub emergency: bool,
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
    #[serde(default)]
    pub chat: String,
    /// The deputy's name or id.
    #[serde(default)]
    pub deputy: Option<String>,
    #[serde(default)]
    pub always_on: bool,
    #[serde(default)]
    pub emergency: bool,
}

pub fn list(conn: &Connection, launch_id: &str) -> Result<Vec<Contact>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.name, c.email, c.phone, c.time_zone, c.os_user,
                (SELECT group_concat(cr.role_key, ' ') FROM
                    (SELECT cr.role_key FROM contact_roles cr JOIN roles r
                       ON r.launch_id = cr.launch_id AND r.key = cr.role_key
                     WHERE cr.contact_id = c.id ORDER BY r.position) cr),
                c.chat, c.deputy_id, d.name, c.always_on, c.emergency
         FROM contacts c LEFT JOIN contacts d ON d.id = c.deputy_id
         WHERE c.launch_id = ?1 ORDER BY c.name COLLATE NOCASE",
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
                chat: row.get(7)?,
                deputy_id: row.get(8)?,
                deputy: row.get(9)?,
                always_on: row.get(10)?,
                emergency: row.get(11)?,
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
    let role_keys = launch::role_keys(roles, &input.roles)?;
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
    let chat = input.chat.trim();
    if chat.chars().count() > 80 || chat.contains(char::is_whitespace) {
        return Err(Error::InvalidInput(format!(
            "{chat:?} is not a chat handle; write it without spaces, e.g. @ana"
        )));
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
        chat: chat.to_string(),
        deputy: input
            .deputy
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_string),
        always_on: input.always_on,
        emergency: input.emergency,
    })
}

/// The id of the deputy named in `input`: another contact of the launch.
fn deputy_id(
    tx: &WriteTx<'_>,
    launch_id: &str,
    input: &ContactInput,
    own_id: &str,
) -> Result<Option<String>> {
    let Some(wanted) = &input.deputy else {
        return Ok(None);
    };
    let id: Option<String> = tx
        .query_row(
            "SELECT id FROM contacts WHERE launch_id = ?1 AND (id = ?2 OR name = ?2 COLLATE NOCASE)",
            params![launch_id, wanted],
            |row| row.get(0),
        )
        .optional()?;
    match id {
        Some(id) if id == own_id => Err(Error::InvalidInput(format!(
            "{} cannot be their own deputy; pick someone who covers for them",
            input.name
        ))),
        Some(id) => Ok(Some(id)),
        None => Err(Error::InvalidInput(format!(
            "the deputy {wanted:?} is not a contact of this launch; add them first"
        ))),
    }
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
        "INSERT INTO contacts (id, launch_id, name, email, phone, time_zone, os_user, created_at, created_by,
                               chat, always_on, emergency)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            id,
            launch_id,
            input.name,
            input.email,
            input.phone,
            input.time_zone,
            input.os_user,
            format_timestamp(change.at),
            change.actor.display(),
            input.chat,
            input.always_on,
            input.emergency
        ],
    )?;
    write_roles(tx, launch_id, &id, &input.roles)?;
    set_deputy(tx, launch_id, &id, input)?;
    Ok(id)
}

/// Writes a contact's new state inside a running change.
fn update(tx: &WriteTx<'_>, launch_id: &str, id: &str, input: &ContactInput) -> Result<()> {
    conflict_check(tx, launch_id, input, Some(id))?;
    tx.execute(
        "UPDATE contacts SET name = ?1, email = ?2, phone = ?3, time_zone = ?4, os_user = ?5,
                             chat = ?6, always_on = ?7, emergency = ?8
         WHERE id = ?9",
        params![
            input.name,
            input.email,
            input.phone,
            input.time_zone,
            input.os_user,
            input.chat,
            input.always_on,
            input.emergency,
            id
        ],
    )?;
    write_roles(tx, launch_id, id, &input.roles)?;
    set_deputy(tx, launch_id, id, input)
}

fn set_deputy(tx: &WriteTx<'_>, launch_id: &str, id: &str, input: &ContactInput) -> Result<()> {
    let deputy = deputy_id(tx, launch_id, input, id)?;
    tx.execute(
        "UPDATE contacts SET deputy_id = ?1 WHERE id = ?2",
        params![deputy, id],
    )?;
    Ok(())
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
        update(tx, launch_id, &before.id, &input)?;
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
        // Whoever they covered for has no deputy now (the foreign key clears it).
        let mut stmt =
            tx.prepare("SELECT name FROM contacts WHERE deputy_id = ?1 ORDER BY name")?;
        let no_deputy: Vec<String> = stmt
            .query_map([&contact.id], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        tx.execute("DELETE FROM contacts WHERE id = ?1", [&contact.id])?;
        tx.audit(
            Some(launch_id),
            "contact.remove",
            &format!("contact:{}", contact.id),
            serde_json::json!({
                "contact": contact,
                "unassigned_items": unassigned,
                "no_longer_deputy_for": no_deputy,
            }),
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
        "chat": input.chat,
        "deputy": input.deputy,
        "always_on": input.always_on,
        "emergency": input.emergency,
    })
}

/// One contact read from an import file, with the line it starts on.
#[derive(Debug, Clone)]
pub struct ImportRow {
    pub line: usize,
    pub input: ContactInput,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportSummary {
    /// New contacts, by name.
    pub added: Vec<String>,
    /// Contacts already there (matched by name, ignoring case), updated.
    pub updated: Vec<String>,
}

/// Prefixes what went wrong with the line it is on.
fn on_line(line: usize, error: Error) -> Error {
    match error {
        Error::InvalidInput(m) | Error::Conflict(m) => {
            Error::InvalidInput(format!("line {line}: {m}"))
        }
        other => other,
    }
}

/// Adds the contacts of an import file, updating those already there by
/// name, all or nothing: the first bad row is reported by line and nothing
/// is written. Deputies may name anyone in the file or the launch.
pub fn import(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    source: &str,
    rows: &[ImportRow],
) -> Result<ImportSummary> {
    let roles = launch::roles(store.conn(), launch_id)?;
    let mut cleaned = Vec::with_capacity(rows.len());
    let mut names = std::collections::HashMap::new();
    for row in rows {
        let input = clean(&row.input, &roles).map_err(|e| on_line(row.line, e))?;
        if let Some(first) = names.insert(input.name.to_lowercase(), row.line) {
            return Err(Error::InvalidInput(format!(
                "line {}: {:?} is already on line {first}; a file names each person once",
                row.line, input.name
            )));
        }
        cleaned.push((row.line, input));
    }
    if cleaned.is_empty() {
        return Err(Error::InvalidInput(format!(
            "{source} holds no contacts; nothing was imported"
        )));
    }
    let existing = list(store.conn(), launch_id)?;
    store.write(change, |tx| {
        let mut summary = ImportSummary {
            added: Vec::new(),
            updated: Vec::new(),
        };
        // Everyone first, then deputies: a deputy may come later in the file.
        let mut ids = Vec::with_capacity(cleaned.len());
        for (line, input) in &cleaned {
            let without_deputy = ContactInput {
                deputy: None,
                ..input.clone()
            };
            let before = existing
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(&input.name));
            let id = match before {
                Some(before) => {
                    update(tx, launch_id, &before.id, &without_deputy)
                        .map_err(|e| on_line(*line, e))?;
                    summary.updated.push(input.name.clone());
                    before.id.clone()
                }
                None => {
                    summary.added.push(input.name.clone());
                    insert(tx, launch_id, &without_deputy).map_err(|e| on_line(*line, e))?
                }
            };
            ids.push(id);
        }
        for ((line, input), id) in cleaned.iter().zip(&ids) {
            set_deputy(tx, launch_id, id, input).map_err(|e| on_line(*line, e))?;
            let before = existing
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(&input.name));
            let mut details = contact_details(input);
            details["source"] = serde_json::json!(source);
            let (kind, details) = match before {
                Some(before) => (
                    "contact.edit",
                    serde_json::json!({ "before": before, "after": details }),
                ),
                None => ("contact.add", details),
            };
            tx.audit(Some(launch_id), kind, &format!("contact:{id}"), details)?;
        }
        signoff::record_decision_change(tx, launch_id)?;
        Ok(summary)
    })
}

/// Reads a "yes"/"no" field of an import file.
pub(crate) fn flag(text: &str, field: &str) -> std::result::Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "no" | "false" | "0" | "n" => Ok(false),
        "yes" | "true" | "1" | "y" => Ok(true),
        other => Err(format!("{field} is {other:?}; write yes or no")),
    }
}

/// The two directory file formats, told apart by the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    VCard,
    Csv,
}

impl FileFormat {
    pub fn of(path: &std::path::Path) -> Result<FileFormat> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("vcf" | "vcard") => Ok(FileFormat::VCard),
            Some("csv") => Ok(FileFormat::Csv),
            _ => Err(Error::InvalidInput(format!(
                "{} is neither a .vcf nor a .csv file; golive reads and writes contacts as vCard (.vcf) or CSV (.csv)",
                path.display()
            ))),
        }
    }
}

/// Reads and imports a .vcf or .csv file (see [`import`]).
pub fn import_file(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    path: &std::path::Path,
) -> Result<ImportSummary> {
    let format = FileFormat::of(path)?;
    let (name, text) = crate::textfile::read(path, "a vCard or CSV file")?;
    let rows = match format {
        FileFormat::VCard => vcard::parse(&text),
        FileFormat::Csv => csv::parse(&text),
    }
    .map_err(|e| match e {
        Error::InvalidInput(m) => Error::InvalidInput(format!("{name}, {m}; nothing was imported")),
        other => other,
    })?;
    import(store, change, launch_id, &name, &rows).map_err(|e| match e {
        Error::InvalidInput(m) if m.starts_with("line ") => {
            Error::InvalidInput(format!("{name}, {m}; nothing was imported"))
        }
        other => other,
    })
}

/// The launch's contacts as a .vcf or .csv file's text.
pub fn export(conn: &Connection, launch_id: &str, format: FileFormat) -> Result<String> {
    let contacts = list(conn, launch_id)?;
    Ok(match format {
        FileFormat::Csv => csv::write(&contacts),
        FileFormat::VCard => {
            let roles = launch::roles(conn, launch_id)?;
            vcard::write(&contacts, |key| {
                roles
                    .iter()
                    .find(|r| r.key == key)
                    .map_or_else(|| key.to_string(), |r| r.name.clone())
            })
        }
    })
}

/// Writes the launch's contacts to `path` (.vcf or .csv); returns how many.
pub fn export_file(conn: &Connection, launch_id: &str, path: &std::path::Path) -> Result<usize> {
    let format = FileFormat::of(path)?;
    let text = export(conn, launch_id, format)?;
    std::fs::write(path, text).map_err(|e| {
        Error::InvalidInput(format!(
            "cannot write {}: {e}. Pick a folder you can write to",
            path.display()
        ))
    })?;
    Ok(list(conn, launch_id)?.len())
}
