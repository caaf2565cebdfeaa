//! The rollback watch: while a deploy runs and for a set time after it, a
//! critical alert on its environment means "Rollback recommended", with the
//! environment's rollback triggers and what a rollback goes back to (the
//! previous successful deploy). A rollback trigger armed for automatic
//! rollback runs by itself, once per deploy.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::runs::{self, Run, RunFilter};
use super::triggers::{self, Trigger};
use super::{Action, RunState};
use crate::actor::Change;
use crate::health::alerts::{self, Alert};
use crate::store::Store;
use crate::{Error, Result};

pub const DEFAULT_WATCH_MINUTES: u32 = 30;
const SETTING: &str = "deploy.rollback_watch_minutes";

/// How long after a deploy critical alerts recommend a rollback.
pub fn watch_minutes(conn: &Connection) -> Result<u32> {
    let value: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [SETTING],
            |row| row.get(0),
        )
        .optional()?;
    Ok(value
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_WATCH_MINUTES))
}

pub fn set_watch_minutes(store: &mut Store, change: &Change, minutes: u32) -> Result<()> {
    if !(1..=24 * 60).contains(&minutes) {
        return Err(Error::InvalidInput(format!(
            "watch 1 minute to 24 hours (1440 minutes) after a deploy, not {minutes}"
        )));
    }
    store.write(change, |tx| {
        tx.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = ?2",
            [SETTING, &minutes.to_string()],
        )?;
        tx.audit(
            None,
            "settings.change",
            &format!("settings:{SETTING}"),
            serde_json::json!({ "minutes": minutes }),
        )
    })
}

/// "Rollback recommended" for one environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Advice {
    pub environment_id: String,
    pub environment: String,
    pub production: bool,
    /// The deploy under watch.
    pub deploy: Run,
    /// The critical alerts raised on the environment since the deploy started.
    pub alerts: Vec<Alert>,
    pub rollback_triggers: Vec<Trigger>,
    /// What a rollback goes back to: the successful deploy before this one.
    pub previous: Option<Run>,
    /// A rollback already started for this deploy (by hand or automatically).
    pub rollback: Option<Run>,
    /// When the watch ends (RFC 3339), or none while the deploy runs.
    pub watch_until: Option<String>,
}

/// The previous successful deploy to the environment before `before_ms`.
pub fn previous_success(
    conn: &Connection,
    launch_id: &str,
    environment_id: &str,
    before_ms: i64,
) -> Result<Option<Run>> {
    Ok(runs::list(
        conn,
        launch_id,
        &RunFilter {
            environment_id: Some(environment_id.to_string()),
            action: Some(Action::Deploy),
            state: Some(RunState::Succeeded),
            limit: Some(50),
        },
    )?
    .into_iter()
    .find(|r| r.started_ms < before_ms))
}

/// The advice for every environment under watch that has a critical alert.
pub fn advice(conn: &Connection, launch_id: &str, now: Timestamp) -> Result<Vec<Advice>> {
    let window_ms = i64::from(watch_minutes(conn)?) * 60_000;
    let now_ms = now.as_millisecond();
    let open_critical: Vec<Alert> = alerts::list(conn, launch_id, 0)?
        .into_iter()
        .filter(|a| a.is_open() && a.severity == "critical")
        .collect();
    let all_triggers = triggers::list(conn, launch_id)?;
    let mut found = Vec::new();
    for environment in crate::health::environments::list(conn, launch_id)? {
        let Some(deploy) = runs::list(
            conn,
            launch_id,
            &RunFilter {
                environment_id: Some(environment.id.clone()),
                action: Some(Action::Deploy),
                state: None,
                limit: Some(1),
            },
        )?
        .into_iter()
        .next() else {
            continue;
        };
        let watch_until_ms = deploy
            .ended_at
            .as_ref()
            .map(|_| deploy.started_ms + deploy.duration_ms.unwrap_or(0) + window_ms);
        let watching = deploy.state == RunState::Running
            || watch_until_ms.is_some_and(|until| now_ms <= until);
        if !watching {
            continue;
        }
        let alerts: Vec<Alert> = open_critical
            .iter()
            .filter(|a| a.environment == environment.name && a.raised_at >= deploy.started_at)
            .cloned()
            .collect();
        if alerts.is_empty() {
            continue;
        }
        let rollback = runs::list(
            conn,
            launch_id,
            &RunFilter {
                environment_id: Some(environment.id.clone()),
                action: Some(Action::Rollback),
                state: None,
                limit: Some(20),
            },
        )?
        .into_iter()
        .find(|r| r.started_ms >= deploy.started_ms);
        found.push(Advice {
            environment_id: environment.id.clone(),
            environment: environment.name.clone(),
            production: environment.production,
            previous: previous_success(conn, launch_id, &environment.id, deploy.started_ms)?,
            rollback_triggers: all_triggers
                .iter()
                .filter(|t| t.environment_id == environment.id && t.action == Action::Rollback)
                .cloned()
                .collect(),
            watch_until: watch_until_ms
                .and_then(|ms| Timestamp::from_millisecond(ms).ok())
                .map(crate::format_timestamp),
            deploy,
            alerts,
            rollback,
        });
    }
    Ok(found)
}

/// The armed rollback triggers that should run now: advice without a
/// rollback yet, whose environment has a trigger armed for it.
pub fn automatic_rollbacks_due(
    conn: &Connection,
    launch_id: &str,
    now: Timestamp,
) -> Result<Vec<(Advice, Trigger)>> {
    Ok(advice(conn, launch_id, now)?
        .into_iter()
        .filter(|a| a.rollback.is_none())
        .filter_map(|a| {
            let armed = a
                .rollback_triggers
                .iter()
                .find(|t| t.auto_rollback)
                .cloned();
            armed.map(|t| (a, t))
        })
        .collect())
}
