//! The environments of a launch (staging, production, …) that monitors belong to.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::actor::Change;
use crate::store::{Store, WriteTx, new_id};
use crate::{Error, Result, format_timestamp};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Environment {
    pub id: String,
    pub name: String,
    pub production: bool,
}

pub fn list(conn: &Connection, launch_id: &str) -> Result<Vec<Environment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, production FROM environments WHERE launch_id = ?1
         ORDER BY production DESC, name COLLATE NOCASE",
    )?;
    let list = stmt
        .query_map([launch_id], |row| {
            Ok(Environment {
                id: row.get(0)?,
                name: row.get(1)?,
                production: row.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(list)
}

/// By id or name (ignoring case).
pub fn get(conn: &Connection, launch_id: &str, selector: &str) -> Result<Environment> {
    let selector = selector.trim();
    list(conn, launch_id)?
        .into_iter()
        .find(|e| e.id == selector || e.name.eq_ignore_ascii_case(selector))
        .ok_or_else(|| {
            Error::NotFound(format!(
                "this launch has no environment {selector:?}; add it with `golive env add {selector}` or in the Health view"
            ))
        })
}

fn clean_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::InvalidInput(
            "an environment needs a name, e.g. production or staging".into(),
        ));
    }
    if name.chars().count() > 60 {
        return Err(Error::InvalidInput(format!(
            "the environment name {name:?} is longer than 60 characters"
        )));
    }
    Ok(name.to_string())
}

pub(crate) fn insert(
    tx: &WriteTx<'_>,
    launch_id: &str,
    name: &str,
    production: bool,
) -> Result<Environment> {
    let name = clean_name(name)?;
    let taken: Option<String> = tx
        .query_row(
            "SELECT name FROM environments WHERE launch_id = ?1 AND name = ?2 COLLATE NOCASE",
            params![launch_id, name],
            |row| row.get(0),
        )
        .optional()?;
    if let Some(taken) = taken {
        return Err(Error::Conflict(format!(
            "this launch already has an environment {taken:?}"
        )));
    }
    let environment = Environment {
        id: new_id(),
        name,
        production,
    };
    let change = tx.change();
    tx.execute(
        "INSERT INTO environments (id, launch_id, name, production, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            environment.id,
            launch_id,
            environment.name,
            production,
            format_timestamp(change.at),
            change.actor.display()
        ],
    )?;
    tx.audit(
        Some(launch_id),
        "environment.add",
        &format!("environment:{}", environment.id),
        serde_json::json!({ "name": environment.name, "production": production }),
    )?;
    Ok(environment)
}

pub fn add(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    name: &str,
    production: bool,
) -> Result<Environment> {
    store.write(change, |tx| insert(tx, launch_id, name, production))
}

pub fn edit(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    selector: &str,
    name: &str,
    production: bool,
) -> Result<Environment> {
    let before = get(store.conn(), launch_id, selector)?;
    let name = clean_name(name)?;
    store.write(change, |tx| {
        let clash: Option<String> = tx
            .query_row(
                "SELECT name FROM environments WHERE launch_id = ?1 AND name = ?2 COLLATE NOCASE AND id <> ?3",
                params![launch_id, name, before.id],
                |row| row.get(0),
            )
            .optional()?;
        if let Some(clash) = clash {
            return Err(Error::Conflict(format!(
                "this launch already has an environment {clash:?}"
            )));
        }
        tx.execute(
            "UPDATE environments SET name = ?1, production = ?2 WHERE id = ?3",
            params![name, production, before.id],
        )?;
        tx.audit(
            Some(launch_id),
            "environment.edit",
            &format!("environment:{}", before.id),
            serde_json::json!({ "before": before, "after": { "name": name, "production": production } }),
        )
    })?;
    get(store.conn(), launch_id, &before.id)
}

/// Removes an environment that has no monitors left.
pub fn remove(store: &mut Store, change: &Change, launch_id: &str, selector: &str) -> Result<()> {
    let environment = get(store.conn(), launch_id, selector)?;
    store.write(change, |tx| {
        let monitors: i64 = tx.query_row(
            "SELECT count(*) FROM monitors WHERE environment_id = ?1",
            [&environment.id],
            |row| row.get(0),
        )?;
        if monitors > 0 {
            return Err(Error::Conflict(format!(
                "the environment {:?} still has {monitors} monitor(s); remove them first (`golive monitor rm`)",
                environment.name
            )));
        }
        let triggers: i64 = tx.query_row(
            "SELECT count(*) FROM triggers WHERE environment_id = ?1",
            [&environment.id],
            |row| row.get(0),
        )?;
        if triggers > 0 {
            return Err(Error::Conflict(format!(
                "the environment {:?} still has {triggers} deployment trigger(s); remove them first (`golive trigger rm`)",
                environment.name
            )));
        }
        let runs: i64 = tx.query_row(
            "SELECT count(*) FROM runs WHERE environment_id = ?1",
            [&environment.id],
            |row| row.get(0),
        )?;
        if runs > 0 {
            return Err(Error::Conflict(format!(
                "the environment {:?} has {runs} deployment run(s) in its history; it stays for the record",
                environment.name
            )));
        }
        tx.execute(
            "DELETE FROM maintenance_windows WHERE environment_id = ?1",
            [&environment.id],
        )?;
        tx.execute("DELETE FROM environments WHERE id = ?1", [&environment.id])?;
        tx.audit(
            Some(launch_id),
            "environment.remove",
            &format!("environment:{}", environment.id),
            serde_json::json!({ "environment": environment }),
        )
    })
}
