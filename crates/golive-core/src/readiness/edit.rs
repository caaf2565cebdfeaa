//! Editing a launch's plan: adding, changing, moving and removing items and
//! sections. Every edit is one audited change and keeps the plan's rules:
//! unique keys, a due day inside the item's phase, an owner that exists, a
//! rule that fits the plan.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{Status, clean_text, plan_shape, unknown_item};
use crate::actor::Change;
use crate::contacts;
use crate::launch::{self, Launch};
use crate::plan::valid_key;
use crate::rules::Rule;
use crate::signoff;
use crate::store::{Store, WriteTx, new_id};
use crate::{Error, Result};

/// Where an item or section goes among its siblings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Placement {
    #[default]
    End,
    Before(String),
    After(String),
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewItem {
    /// Section key.
    pub section: String,
    /// Left empty, the next key of the phase's series is used (e.g. PRE-38).
    #[serde(default)]
    pub key: Option<String>,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// A role key, or a contact's name or id.
    pub owner: String,
    pub due_day: i32,
    #[serde(default)]
    pub gate: bool,
    #[serde(default)]
    pub rule: Option<String>,
    #[serde(default)]
    pub placement: Placement,
}

/// Changes to an item; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ItemEdit {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// A role key (clears the assignee), or a contact's name or id.
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub due_day: Option<i32>,
    #[serde(default)]
    pub gate: Option<bool>,
    /// An empty text removes the rule.
    #[serde(default)]
    pub rule: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewSection {
    /// Phase key.
    pub phase: String,
    /// Left empty, made from the phase and the title.
    #[serde(default)]
    pub key: Option<String>,
    pub title: String,
    #[serde(default)]
    pub placement: Placement,
}

/// One item's row as the edits need it.
#[derive(Debug, Clone, Serialize)]
struct ItemRow {
    id: String,
    key: String,
    title: String,
    description: String,
    owner_role: String,
    owner_contact_id: Option<String>,
    due_day: i32,
    gate: bool,
    rule: Option<String>,
    status: String,
    section_id: String,
    section_key: String,
    phase_id: String,
}

fn item_row(tx: &WriteTx<'_>, launch: &Launch, key: &str) -> Result<ItemRow> {
    tx.query_row(
        "SELECT i.id, i.key, i.title, i.description, i.owner_role, i.owner_contact_id, i.due_day,
                i.gate, i.rule, i.status, s.id, s.key, s.phase_id
         FROM items i JOIN sections s ON s.id = i.section_id
         WHERE i.launch_id = ?1 AND i.key = ?2 COLLATE NOCASE",
        params![launch.id, key.trim()],
        |row| {
            Ok(ItemRow {
                id: row.get(0)?,
                key: row.get(1)?,
                title: row.get(2)?,
                description: row.get(3)?,
                owner_role: row.get(4)?,
                owner_contact_id: row.get(5)?,
                due_day: row.get(6)?,
                gate: row.get(7)?,
                rule: row.get(8)?,
                status: row.get(9)?,
                section_id: row.get(10)?,
                section_key: row.get(11)?,
                phase_id: row.get(12)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| unknown_item(&launch.name, key))
}

struct SectionRow {
    id: String,
    key: String,
    title: String,
    phase_id: String,
}

fn section_row(tx: &WriteTx<'_>, launch_id: &str, key: &str) -> Result<SectionRow> {
    tx.query_row(
        "SELECT id, key, title, phase_id FROM sections WHERE launch_id = ?1 AND key = ?2 COLLATE NOCASE",
        params![launch_id, key.trim()],
        |row| {
            Ok(SectionRow {
                id: row.get(0)?,
                key: row.get(1)?,
                title: row.get(2)?,
                phase_id: row.get(3)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| {
        Error::NotFound(format!(
            "there is no section {key:?}; list the sections with `golive items`"
        ))
    })
}

struct PhaseRow {
    id: String,
    key: String,
    name: String,
    first_day: i32,
    last_day: i32,
}

fn phase_by(tx: &WriteTx<'_>, launch_id: &str, column: &str, value: &str) -> Result<PhaseRow> {
    tx.query_row(
        &format!(
            "SELECT id, key, name, first_day, last_day FROM phases
             WHERE launch_id = ?1 AND {column} = ?2 COLLATE NOCASE"
        ),
        params![launch_id, value.trim()],
        |row| {
            Ok(PhaseRow {
                id: row.get(0)?,
                key: row.get(1)?,
                name: row.get(2)?,
                first_day: row.get(3)?,
                last_day: row.get(4)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| {
        let keys: Vec<String> = tx
            .prepare("SELECT key FROM phases WHERE launch_id = ?1 ORDER BY position")
            .and_then(|mut s| {
                s.query_map([launch_id], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()
            })
            .unwrap_or_default();
        Error::NotFound(format!(
            "there is no phase {value:?} (phases: {})",
            keys.join(", ")
        ))
    })
}

fn check_due(phase: &PhaseRow, due_day: i32, key: &str) -> Result<()> {
    if (phase.first_day..=phase.last_day).contains(&due_day) {
        return Ok(());
    }
    Err(Error::InvalidInput(format!(
        "{key}: due day {due_day} is outside the phase {} (Day {} to {}); pick a due day in it",
        phase.name, phase.first_day, phase.last_day
    )))
}

fn check_title(title: &str) -> Result<String> {
    let title = title.trim();
    if title.is_empty() {
        return Err(Error::InvalidInput(
            "the title is empty; say what must be true, e.g. \"Backups restored on staging\""
                .into(),
        ));
    }
    if title.chars().count() > 300 {
        return Err(Error::InvalidInput(
            "the title is longer than 300 characters; put the detail in the description".into(),
        ));
    }
    Ok(title.to_string())
}

fn check_description(text: &str) -> Result<String> {
    Ok(clean_text(Some(text), "description")?.unwrap_or_default())
}

fn check_rule(tx: &WriteTx<'_>, launch_id: &str, rule: Option<&str>) -> Result<Option<String>> {
    let Some(rule) = rule.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    let shape = plan_shape(tx, launch_id)?;
    Rule::parse(rule, &shape).map_err(Error::InvalidInput)?;
    Ok(Some(rule.to_string()))
}

/// An owner as typed: a role (key or name), or a contact (name or id).
enum Owner {
    Role(String),
    Contact {
        id: String,
        first_role: Option<String>,
    },
}

fn resolve_owner(tx: &WriteTx<'_>, launch_id: &str, text: &str) -> Result<Owner> {
    let text = text.trim();
    let roles = launch::roles(tx, launch_id)?;
    if let Some(role) = roles
        .iter()
        .find(|r| r.key.eq_ignore_ascii_case(text) || r.name.eq_ignore_ascii_case(text))
    {
        return Ok(Owner::Role(role.key.clone()));
    }
    if let Some(contact) = contacts::find(tx, launch_id, text)? {
        return Ok(Owner::Contact {
            id: contact.id,
            first_role: contact.roles.first().cloned(),
        });
    }
    Err(Error::NotFound(format!(
        "{text:?} is neither a role nor a contact of this launch (roles: {}); add people with `golive contact add`",
        roles
            .iter()
            .map(|r| r.key.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    )))
}

fn check_new_key(tx: &WriteTx<'_>, launch_id: &str, key: &str) -> Result<()> {
    if !valid_key(key) {
        return Err(Error::InvalidInput(format!(
            "the item key {key:?} must be 1 to 32 letters, digits, '-' or '_'"
        )));
    }
    let taken: Option<String> = tx
        .query_row(
            "SELECT key FROM items WHERE launch_id = ?1 AND key = ?2 COLLATE NOCASE",
            params![launch_id, key],
            |row| row.get(0),
        )
        .optional()?;
    if let Some(taken) = taken {
        return Err(Error::Conflict(format!(
            "the key {taken} is already used by another item; pick another key or leave it empty"
        )));
    }
    Ok(())
}

/// The next key of the series the phase's items use, e.g. PRE-38 after PRE-37.
fn next_key(tx: &WriteTx<'_>, launch_id: &str, phase: &PhaseRow) -> Result<String> {
    let mut stmt = tx.prepare(
        "SELECT i.key FROM items i JOIN sections s ON s.id = i.section_id
         WHERE s.phase_id = ?1 ORDER BY s.position DESC, i.position DESC",
    )?;
    let keys: Vec<String> = stmt
        .query_map([&phase.id], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let series = |key: &str| {
        key.rsplit_once('-')
            .filter(|(_, n)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
            .map(|(prefix, n)| (prefix.to_string(), n.len()))
    };
    let (prefix, width) = keys
        .iter()
        .find_map(|k| series(k))
        .unwrap_or_else(|| (phase.key.to_uppercase(), 2));
    let mut all = tx.prepare("SELECT key FROM items WHERE launch_id = ?1")?;
    let highest = all
        .query_map([launch_id], |row| row.get::<_, String>(0))?
        .filter_map(|k| k.ok())
        .filter_map(|k| {
            let (p, n) = k.rsplit_once('-')?;
            p.eq_ignore_ascii_case(&prefix)
                .then(|| n.parse::<u32>().ok())?
        })
        .max()
        .unwrap_or(0);
    Ok(format!("{prefix}-{:0width$}", highest + 1))
}

/// Rewrites `positions` of a container's rows so `id` sits at `placement`.
fn place(
    tx: &WriteTx<'_>,
    table: &str,
    parent_column: &str,
    parent_id: &str,
    id: &str,
    placement: &Placement,
) -> Result<()> {
    let mut stmt = tx.prepare(&format!(
        "SELECT id, key FROM {table} WHERE {parent_column} = ?1 AND id <> ?2 ORDER BY position"
    ))?;
    let mut siblings: Vec<(String, String)> = stmt
        .query_map(params![parent_id, id], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let index = match placement {
        Placement::End => siblings.len(),
        Placement::Before(key) | Placement::After(key) => {
            let at = siblings
                .iter()
                .position(|(_, k)| k.eq_ignore_ascii_case(key.trim()))
                .ok_or_else(|| {
                    Error::NotFound(format!(
                        "{key:?} is not next to it in the same {}; pick a neighbour from there",
                        if table == "items" { "section" } else { "phase" }
                    ))
                })?;
            if matches!(placement, Placement::After(_)) {
                at + 1
            } else {
                at
            }
        }
    };
    siblings.insert(index, (id.to_string(), String::new()));
    let mut update = tx.prepare(&format!("UPDATE {table} SET position = ?1 WHERE id = ?2"))?;
    for (position, (sibling, _)) in (0_i64..).zip(&siblings) {
        update.execute(params![position, sibling])?;
    }
    Ok(())
}

/// Adds an item; returns its key.
pub fn add_item(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    new: &NewItem,
) -> Result<String> {
    let launch = launch::get(store.conn(), launch_id)?;
    let title = check_title(&new.title)?;
    let description = check_description(&new.description)?;
    store.write(change, |tx| {
        let section = section_row(tx, &launch.id, &new.section)?;
        let phase = phase_by(tx, &launch.id, "id", &section.phase_id)?;
        let key = match new.key.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
            Some(key) => {
                check_new_key(tx, &launch.id, key)?;
                key.to_string()
            }
            None => next_key(tx, &launch.id, &phase)?,
        };
        check_due(&phase, new.due_day, &key)?;
        let (role, contact) = match resolve_owner(tx, &launch.id, &new.owner)? {
            Owner::Role(role) => (role, None),
            Owner::Contact { id, first_role } => {
                let role = first_role.ok_or_else(|| {
                    Error::InvalidInput(format!(
                        "{} has no role, so the item would have no owning role; give the contact a role or pick a role as owner",
                        new.owner.trim()
                    ))
                })?;
                (role, Some(id))
            }
        };
        let rule = check_rule(tx, &launch.id, new.rule.as_deref())?;
        let id = new_id();
        tx.execute(
            "INSERT INTO items (id, launch_id, section_id, key, title, description, owner_role,
                                owner_contact_id, due_day, gate, rule, position)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1e9)",
            params![id, launch.id, section.id, key, title, description, role, contact, new.due_day, new.gate, rule],
        )?;
        place(tx, "items", "section_id", &section.id, &id, &new.placement)?;
        tx.audit(
            Some(&launch.id),
            "item.add",
            &format!("item:{key}"),
            serde_json::json!({
                "key": key, "title": title, "description": description, "section": section.key,
                "owner_role": role, "owner_contact": contact, "due_day": new.due_day,
                "gate": new.gate, "rule": rule,
            }),
        )?;
        signoff::record_decision_change(tx, &launch.id)?;
        Ok(key)
    })
}

/// Changes an item's title, description, owner, due day, gate flag or rule.
pub fn edit_item(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    key: &str,
    edit: &ItemEdit,
) -> Result<()> {
    let launch = launch::get(store.conn(), launch_id)?;
    store.write(change, |tx| {
        let before_row = item_row(tx, &launch, key)?;
        let mut row = before_row.clone();
        if let Some(title) = &edit.title {
            row.title = check_title(title)?;
        }
        if let Some(description) = &edit.description {
            row.description = check_description(description)?;
        }
        if let Some(owner) = &edit.owner {
            match resolve_owner(tx, &launch.id, owner)? {
                Owner::Role(role) => {
                    row.owner_role = role;
                    row.owner_contact_id = None;
                }
                Owner::Contact { id, .. } => row.owner_contact_id = Some(id),
            }
        }
        if let Some(due_day) = edit.due_day {
            let phase = phase_by(tx, &launch.id, "id", &row.phase_id)?;
            check_due(&phase, due_day, &row.key)?;
            row.due_day = due_day;
        }
        if let Some(gate) = edit.gate {
            row.gate = gate;
            if gate && row.status == Status::Na.as_str() {
                return Err(Error::Conflict(format!(
                    "{} is marked not applicable; reopen it before making it a go-decision item",
                    row.key
                )));
            }
        }
        if let Some(rule) = &edit.rule {
            row.rule = check_rule(tx, &launch.id, Some(rule))?;
        }
        let changed = changed_fields(&before_row, &row);
        if changed.is_empty() {
            return Err(Error::InvalidInput(format!(
                "nothing to change on {}: give a new title, description, owner, due day, gate or rule",
                row.key
            )));
        }
        tx.execute(
            "UPDATE items SET title = ?1, description = ?2, owner_role = ?3, owner_contact_id = ?4,
                              due_day = ?5, gate = ?6, rule = ?7,
                              rule_evidence = CASE WHEN rule IS ?7 THEN rule_evidence END
             WHERE id = ?8",
            params![row.title, row.description, row.owner_role, row.owner_contact_id, row.due_day, row.gate, row.rule, row.id],
        )?;
        tx.audit(
            Some(&launch.id),
            "item.edit",
            &format!("item:{}", row.key),
            serde_json::json!({ "key": row.key, "changes": changed }),
        )?;
        signoff::record_decision_change(tx, &launch.id)
    })
}

fn changed_fields(before: &ItemRow, after: &ItemRow) -> serde_json::Map<String, serde_json::Value> {
    let mut changes = serde_json::Map::new();
    let mut note = |field: &str, from: serde_json::Value, to: serde_json::Value| {
        if from != to {
            changes.insert(field.into(), serde_json::json!({ "from": from, "to": to }));
        }
    };
    use serde_json::json;
    note("title", json!(before.title), json!(after.title));
    note(
        "description",
        json!(before.description),
        json!(after.description),
    );
    note(
        "owner_role",
        json!(before.owner_role),
        json!(after.owner_role),
    );
    note(
        "owner_contact",
        json!(before.owner_contact_id),
        json!(after.owner_contact_id),
    );
    note("due_day", json!(before.due_day), json!(after.due_day));
    note("gate", json!(before.gate), json!(after.gate));
    note("rule", json!(before.rule), json!(after.rule));
    changes
}

/// Moves an item within its section, or to another section (a due day
/// inside the new phase may come with it).
pub fn move_item(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    key: &str,
    to_section: Option<&str>,
    placement: &Placement,
    due_day: Option<i32>,
) -> Result<()> {
    let launch = launch::get(store.conn(), launch_id)?;
    store.write(change, |tx| {
        let row = item_row(tx, &launch, key)?;
        let section = match to_section.map(str::trim).filter(|s| !s.is_empty()) {
            Some(section) => section_row(tx, &launch.id, section)?,
            None => section_row(tx, &launch.id, &row.section_key)?,
        };
        let phase = phase_by(tx, &launch.id, "id", &section.phase_id)?;
        let due = due_day.unwrap_or(row.due_day);
        if !(phase.first_day..=phase.last_day).contains(&due) {
            return Err(Error::InvalidInput(format!(
                "{} is due on Day {due}, outside the phase {} (Day {} to {}); move it with a due day in that phase (--due)",
                row.key, phase.name, phase.first_day, phase.last_day
            )));
        }
        tx.execute(
            "UPDATE items SET section_id = ?1, due_day = ?2 WHERE id = ?3",
            params![section.id, due, row.id],
        )?;
        place(tx, "items", "section_id", &section.id, &row.id, placement)?;
        tx.audit(
            Some(&launch.id),
            "item.move",
            &format!("item:{}", row.key),
            serde_json::json!({
                "key": row.key,
                "from_section": row.section_key,
                "to_section": section.key,
                "placement": placement,
                "due_day": { "from": row.due_day, "to": due },
            }),
        )?;
        signoff::record_decision_change(tx, &launch.id)
    })
}

/// Removes an item with its links and comments (the audit event keeps a
/// copy). A done item needs `confirm`: its evidence leaves the checklist.
pub fn remove_item(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    key: &str,
    confirm: bool,
) -> Result<()> {
    let launch = launch::get(store.conn(), launch_id)?;
    let snapshot = super::item_detail(store.conn(), launch_id, key, change.at)?;
    if snapshot.item.status == Status::Done && !confirm {
        return Err(Error::Conflict(format!(
            "{} is done (ticked by {} at {}); removing it takes its evidence off the checklist (the audit trail keeps a copy). Confirm to remove it anyway (--force).",
            snapshot.item.key,
            snapshot.item.status_by.as_deref().unwrap_or("someone"),
            snapshot
                .item
                .status_at
                .as_deref()
                .unwrap_or("an unknown time"),
        )));
    }
    store.write(change, |tx| {
        let row = item_row(tx, &launch, key)?;
        tx.execute("DELETE FROM items WHERE id = ?1", [&row.id])?;
        tx.audit(
            Some(&launch.id),
            "item.remove",
            &format!("item:{}", row.key),
            serde_json::json!({
                "key": row.key,
                "item": snapshot.item,
                "comments": snapshot.comments,
            }),
        )?;
        signoff::record_decision_change(tx, &launch.id)
    })
}

fn slug(text: &str) -> String {
    let mut slug = String::new();
    for c in text.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

/// Adds a section to a phase; returns its key.
pub fn add_section(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    new: &NewSection,
) -> Result<String> {
    let launch = launch::get(store.conn(), launch_id)?;
    let title = check_title(&new.title)?;
    store.write(change, |tx| {
        let phase = phase_by(tx, &launch.id, "key", &new.phase)?;
        let key = match new.key.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
            Some(key) => key.to_string(),
            None => {
                let mut key: String = format!("{}-{}", phase.key, slug(&title));
                key.truncate(32);
                key.trim_end_matches('-').to_string()
            }
        };
        if !valid_key(&key) {
            return Err(Error::InvalidInput(format!(
                "the section key {key:?} must be 1 to 32 letters, digits, '-' or '_'"
            )));
        }
        let taken: Option<String> = tx
            .query_row(
                "SELECT key FROM sections WHERE launch_id = ?1 AND key = ?2 COLLATE NOCASE",
                params![launch.id, key],
                |row| row.get(0),
            )
            .optional()?;
        if taken.is_some() {
            return Err(Error::Conflict(format!(
                "the section key {key} is already used; pick another key"
            )));
        }
        let id = new_id();
        tx.execute(
            "INSERT INTO sections (id, launch_id, phase_id, key, title, position) VALUES (?1, ?2, ?3, ?4, ?5, 1e9)",
            params![id, launch.id, phase.id, key, title],
        )?;
        place(tx, "sections", "phase_id", &phase.id, &id, &new.placement)?;
        tx.audit(
            Some(&launch.id),
            "section.add",
            &format!("section:{key}"),
            serde_json::json!({ "key": key, "title": title, "phase": phase.key }),
        )?;
        Ok(key)
    })
}

pub fn edit_section(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    key: &str,
    title: &str,
) -> Result<()> {
    let launch = launch::get(store.conn(), launch_id)?;
    let title = check_title(title)?;
    store.write(change, |tx| {
        let section = section_row(tx, &launch.id, key)?;
        if section.title == title {
            return Err(Error::InvalidInput(format!(
                "the section {} is already titled {title:?}",
                section.key
            )));
        }
        tx.execute(
            "UPDATE sections SET title = ?1 WHERE id = ?2",
            params![title, section.id],
        )?;
        tx.audit(
            Some(&launch.id),
            "section.edit",
            &format!("section:{}", section.key),
            serde_json::json!({ "key": section.key, "title": { "from": section.title, "to": title } }),
        )
    })
}

/// Moves a section within its phase or to another phase; its items must be
/// due inside the phase it lands in.
pub fn move_section(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    key: &str,
    to_phase: Option<&str>,
    placement: &Placement,
) -> Result<()> {
    let launch = launch::get(store.conn(), launch_id)?;
    store.write(change, |tx| {
        let section = section_row(tx, &launch.id, key)?;
        let from = phase_by(tx, &launch.id, "id", &section.phase_id)?;
        let phase = match to_phase.map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => phase_by(tx, &launch.id, "key", p)?,
            None => phase_by(tx, &launch.id, "id", &section.phase_id)?,
        };
        let mut stmt = tx.prepare(
            "SELECT key, due_day FROM items WHERE section_id = ?1 AND (due_day < ?2 OR due_day > ?3) ORDER BY position",
        )?;
        let outside: Vec<String> = stmt
            .query_map(params![section.id, phase.first_day, phase.last_day], |row| {
                Ok(format!("{} (Day {})", row.get::<_, String>(0)?, row.get::<_, i32>(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        if !outside.is_empty() {
            return Err(Error::InvalidInput(format!(
                "the phase {} runs Day {} to {}, but these items of {} are due outside it: {}. Change their due days first.",
                phase.name,
                phase.first_day,
                phase.last_day,
                section.title,
                outside.join(", ")
            )));
        }
        tx.execute(
            "UPDATE sections SET phase_id = ?1 WHERE id = ?2",
            params![phase.id, section.id],
        )?;
        place(tx, "sections", "phase_id", &phase.id, &section.id, placement)?;
        tx.audit(
            Some(&launch.id),
            "section.move",
            &format!("section:{}", section.key),
            serde_json::json!({
                "key": section.key, "from_phase": from.key, "to_phase": phase.key, "placement": placement,
            }),
        )
    })
}

/// Removes an empty section that no rule refers to.
pub fn remove_section(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    key: &str,
) -> Result<()> {
    let launch = launch::get(store.conn(), launch_id)?;
    store.write(change, |tx| {
        let section = section_row(tx, &launch.id, key)?;
        let items: i64 = tx.query_row(
            "SELECT count(*) FROM items WHERE section_id = ?1",
            [&section.id],
            |row| row.get(0),
        )?;
        if items > 0 {
            return Err(Error::Conflict(format!(
                "the section {} still has {items} items; move or remove them first",
                section.title
            )));
        }
        let rule = format!("section_done:{}", section.key);
        let watchers: Option<String> = tx
            .query_row(
                "SELECT group_concat(key, ', ') FROM items WHERE launch_id = ?1 AND rule = ?2",
                params![launch.id, rule],
                |row| row.get(0),
            )
            .optional()?
            .flatten();
        if let Some(watchers) = watchers {
            return Err(Error::Conflict(format!(
                "the rule of {watchers} checks this section; change that rule first"
            )));
        }
        tx.execute("DELETE FROM sections WHERE id = ?1", [&section.id])?;
        tx.audit(
            Some(&launch.id),
            "section.remove",
            &format!("section:{}", section.key),
            serde_json::json!({ "key": section.key, "title": section.title }),
        )
    })
}
