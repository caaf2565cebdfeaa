//! Maintenance windows: a planned outage of a monitor or of a whole
//! environment, during which no new alert is raised (open ones still resolve).

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use super::{environments, monitors};
use crate::actor::Change;
use crate::store::{Store, new_id};
use crate::{Error, Result, format_timestamp};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Window {
    pub id: String,
    /// "production" or "production/Orders API".
    pub scope: String,
    pub starts_at: String,
    pub ends_at: String,
    pub reason: String,
    pub created_by: String,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WindowInput {
    /// The environment silenced (name or id), or…
    pub environment: Option<String>,
    /// …the one monitor silenced (name, ENV/NAME or id).
    pub monitor: Option<String>,
    /// RFC 3339, e.g. 2026-12-07T08:00:00Z.
    pub starts_at: String,
    pub ends_at: String,
    pub reason: String,
}

fn instant(text: &str, what: &str) -> Result<jiff::Timestamp> {
    text.trim().parse::<jiff::Timestamp>().map_err(|e| {
        Error::InvalidInput(format!(
            "the {what} {:?} is not a time like 2026-12-07T08:00:00Z ({e})",
            text.trim()
        ))
    })
}

pub fn add(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    input: &WindowInput,
) -> Result<Window> {
    let (environment_id, monitor_id) = match (
        input
            .environment
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty()),
        input
            .monitor
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty()),
    ) {
        (Some(env), None) => (
            Some(environments::get(store.conn(), launch_id, env)?.id),
            None,
        ),
        (None, Some(monitor)) => (
            None,
            Some(monitors::get(store.conn(), launch_id, monitor)?.id),
        ),
        _ => {
            return Err(Error::InvalidInput(
                "a maintenance window silences either one environment or one monitor; name exactly one".into(),
            ));
        }
    };
    let starts = instant(&input.starts_at, "start")?;
    let ends = instant(&input.ends_at, "end")?;
    if ends <= starts {
        return Err(Error::InvalidInput(
            "a maintenance window must end after it starts".into(),
        ));
    }
    let reason = input.reason.trim();
    if reason.is_empty() {
        return Err(Error::InvalidInput(
            "say why alerts are silenced, e.g. \"database failover drill\"".into(),
        ));
    }
    let id = new_id();
    store.write(change, |tx| {
        tx.execute(
            "INSERT INTO maintenance_windows (id, environment_id, monitor_id, starts_at, ends_at, reason, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                id,
                environment_id,
                monitor_id,
                format_timestamp(starts),
                format_timestamp(ends),
                reason,
                format_timestamp(change.at),
                change.actor.display()
            ],
        )?;
        tx.audit(
            Some(launch_id),
            "maintenance.add",
            &format!("maintenance:{id}"),
            serde_json::json!({ "environment": input.environment, "monitor": input.monitor,
                "starts_at": format_timestamp(starts), "ends_at": format_timestamp(ends), "reason": reason }),
        )
    })?;
    list(store.conn(), launch_id)?
        .into_iter()
        .find(|w| w.id == id)
        .ok_or_else(|| Error::Internal("the maintenance window just added is missing".into()))
}

/// The windows of a launch, latest start first.
pub fn list(conn: &Connection, launch_id: &str) -> Result<Vec<Window>> {
    let mut stmt = conn.prepare_cached(
        "SELECT w.id, coalesce(e.name, me.name || '/' || m.name), w.starts_at, w.ends_at, w.reason, w.created_by
         FROM maintenance_windows w
         LEFT JOIN environments e ON e.id = w.environment_id
         LEFT JOIN monitors m ON m.id = w.monitor_id
         LEFT JOIN environments me ON me.id = m.environment_id
         WHERE coalesce(e.launch_id, me.launch_id) = ?1
         ORDER BY w.starts_at DESC",
    )?;
    let windows = stmt
        .query_map([launch_id], |row| {
            Ok(Window {
                id: row.get(0)?,
                scope: row.get(1)?,
                starts_at: row.get(2)?,
                ends_at: row.get(3)?,
                reason: row.get(4)?,
                created_by: row.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(windows)
}

pub fn remove(store: &mut Store, change: &Change, launch_id: &str, id: &str) -> Result<()> {
    let window = list(store.conn(), launch_id)?
        .into_iter()
        .find(|w| w.id == id.trim())
        .ok_or_else(|| Error::NotFound(format!("no maintenance window {id:?} in this launch")))?;
    store.write(change, |tx| {
        tx.execute(
            "DELETE FROM maintenance_windows WHERE id = ?1",
            [&window.id],
        )?;
        tx.audit(
            Some(launch_id),
            "maintenance.remove",
            &format!("maintenance:{}", window.id),
            serde_json::json!({ "window": window }),
        )
    })
}
