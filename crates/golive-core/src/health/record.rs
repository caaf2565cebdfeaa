//! Writing probe outcomes: the raw result, the rollups, the monitor's
//! settled state and the alerts, in one transaction per batch.
//!
//! A monitor's state moves only past its thresholds: `failure_threshold`
//! failures in a row take it down, `success_threshold` passes in a row bring
//! it back. Pass and warn switch between up and degraded at once. A probe
//! whose credential could not be read puts the monitor in
//! `credential_unavailable` and says nothing about the endpoint.

use std::collections::HashMap;

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::alerts::{self, AlertEvent};
use super::format::{Component, Measurement};
use super::probe::{Outcome, ProbeVerdict};
use super::rollup;
use crate::actor::Change;
use crate::plan::AlertRule;
use crate::store::Store;
use crate::{Error, Result, launch};

/// The settled state of a monitor and what its last probe saw.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MonitorState {
    pub monitor_id: String,
    /// unknown, up, degraded, down or credential_unavailable.
    pub state: String,
    pub failures_in_row: u32,
    pub passes_in_row: u32,
    /// Unix ms since the state holds.
    pub since_ms: i64,
    pub last_at_ms: Option<i64>,
    pub last_verdict: Option<String>,
    pub last_latency_ms: Option<i64>,
    pub last_reason: Option<String>,
    pub last_detail: Option<String>,
    pub cert_days_left: Option<i64>,
    pub components: Vec<Component>,
    pub measurements: Vec<Measurement>,
}

impl MonitorState {
    fn unknown(monitor_id: &str, at_ms: i64) -> MonitorState {
        MonitorState {
            monitor_id: monitor_id.to_string(),
            state: "unknown".into(),
            failures_in_row: 0,
            passes_in_row: 0,
            since_ms: at_ms,
            last_at_ms: None,
            last_verdict: None,
            last_latency_ms: None,
            last_reason: None,
            last_detail: None,
            cert_days_left: None,
            components: Vec::new(),
            measurements: Vec::new(),
        }
    }
}

pub fn state(conn: &Connection, monitor_id: &str) -> Result<Option<MonitorState>> {
    Ok(conn
        .prepare_cached(
            "SELECT monitor_id, state, failures_in_row, passes_in_row, since_ms, last_at_ms, last_verdict,
                last_latency_ms, last_reason, last_detail, cert_days_left, components_json, measurements_json
             FROM monitor_state WHERE monitor_id = ?1",
        )?
        .query_row([monitor_id], |row| {
            let components: String = row.get(11)?;
            let measurements: String = row.get(12)?;
            Ok(MonitorState {
                monitor_id: row.get(0)?,
                state: row.get(1)?,
                failures_in_row: row.get(2)?,
                passes_in_row: row.get(3)?,
                since_ms: row.get(4)?,
                last_at_ms: row.get(5)?,
                last_verdict: row.get(6)?,
                last_latency_ms: row.get(7)?,
                last_reason: row.get(8)?,
                last_detail: row.get(9)?,
                cert_days_left: row.get(10)?,
                components: serde_json::from_str(&components).unwrap_or_default(),
                measurements: serde_json::from_str(&measurements).unwrap_or_default(),
            })
        })
        .optional()?)
}

/// The next state after `outcome`, given the thresholds.
fn advance(
    mut state: MonitorState,
    outcome: &Outcome,
    failure_threshold: u32,
    success_threshold: u32,
) -> MonitorState {
    let at_ms = outcome.at.as_millisecond();
    let settle = |state: &mut MonitorState, next: &str| {
        if state.state != next {
            state.state = next.to_string();
            state.since_ms = at_ms;
        }
    };
    match outcome.verdict {
        ProbeVerdict::CredentialUnavailable => settle(&mut state, "credential_unavailable"),
        ProbeVerdict::Fail => {
            state.failures_in_row += 1;
            state.passes_in_row = 0;
            if state.failures_in_row >= failure_threshold {
                settle(&mut state, "down");
            }
        }
        ProbeVerdict::Pass | ProbeVerdict::Warn => {
            state.passes_in_row += 1;
            state.failures_in_row = 0;
            let next = if outcome.verdict == ProbeVerdict::Pass {
                "up"
            } else {
                "degraded"
            };
            // Coming back from down takes the success threshold; from
            // anything else (first probe, a readable credential again) the
            // first answer counts.
            if state.state != "down" || state.passes_in_row >= success_threshold {
                settle(&mut state, next);
            }
        }
    }
    if outcome.verdict != ProbeVerdict::CredentialUnavailable {
        state.last_latency_ms = Some(outcome.latency_ms as i64);
        state.cert_days_left = outcome.cert_days_left.or(state.cert_days_left);
        state.components = outcome.components.clone();
        state.measurements = outcome.measurements.clone();
    }
    state.last_at_ms = Some(at_ms);
    state.last_verdict = Some(outcome.verdict.key().to_string());
    state.last_reason = outcome.reason.clone();
    state.last_detail = (!outcome.detail.is_empty()).then(|| outcome.detail.clone());
    state
}

/// What storing a batch changed.
#[derive(Debug, Clone, Default)]
pub struct Recorded {
    /// (monitor id, state before, state after) of monitors whose state moved.
    pub transitions: Vec<(String, String, String)>,
    pub alerts: Vec<AlertEvent>,
}

struct MonitorFacts {
    name: String,
    launch_id: String,
    failure_threshold: u32,
    success_threshold: u32,
}

/// Stores outcomes in one transaction (results, rollups, states, alerts).
/// Outcomes of monitors removed meanwhile are dropped.
pub fn store(store: &mut Store, change: &Change, outcomes: &[Outcome]) -> Result<Recorded> {
    if outcomes.is_empty() {
        return Ok(Recorded::default());
    }
    let mut rules: HashMap<String, Vec<AlertRule>> = HashMap::new();
    store.write(change, |tx| {
        let mut recorded = Recorded::default();
        for outcome in outcomes {
            let Some(facts) = monitor_facts(tx, &outcome.monitor_id)? else {
                continue;
            };
            if !rules.contains_key(&facts.launch_id) {
                let plan = launch::plan_data(tx, &facts.launch_id)?;
                rules.insert(facts.launch_id.clone(), plan.alert_rules);
            }
            tx.prepare_cached(
                "INSERT INTO probe_results (monitor_id, at_ms, verdict, latency_ms, status, reason, detail, cert_days_left)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                outcome.monitor_id,
                outcome.at.as_millisecond(),
                outcome.verdict.key(),
                (outcome.verdict != ProbeVerdict::CredentialUnavailable).then_some(outcome.latency_ms as i64),
                outcome.status,
                outcome.reason,
                (!outcome.detail.is_empty()).then_some(&outcome.detail),
                outcome.cert_days_left
            ])?;
            rollup::add(tx, outcome)?;
            let before = state(tx, &outcome.monitor_id)?
                .unwrap_or_else(|| MonitorState::unknown(&outcome.monitor_id, outcome.at.as_millisecond()));
            let after = advance(
                before.clone(),
                outcome,
                facts.failure_threshold,
                facts.success_threshold,
            );
            save_state(tx, &after)?;
            if before.state != after.state {
                recorded.transitions.push((
                    outcome.monitor_id.clone(),
                    before.state.clone(),
                    after.state.clone(),
                ));
            }
            let launch_rules = rules.get(&facts.launch_id).map(Vec::as_slice).unwrap_or(&[]);
            recorded.alerts.extend(alerts::evaluate(
                tx,
                &facts.launch_id,
                launch_rules,
                &facts.name,
                &after,
                outcome,
            )?);
        }
        Ok(recorded)
    })
}

fn monitor_facts(conn: &Connection, monitor_id: &str) -> Result<Option<MonitorFacts>> {
    Ok(conn
        .prepare_cached(
            "SELECT m.name, e.launch_id, m.failure_threshold, m.success_threshold
             FROM monitors m JOIN environments e ON e.id = m.environment_id WHERE m.id = ?1",
        )?
        .query_row([monitor_id], |row| {
            Ok(MonitorFacts {
                name: row.get(0)?,
                launch_id: row.get(1)?,
                failure_threshold: row.get(2)?,
                success_threshold: row.get(3)?,
            })
        })
        .optional()?)
}

fn save_state(conn: &Connection, state: &MonitorState) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO monitor_state (monitor_id, state, failures_in_row, passes_in_row, since_ms, last_at_ms,
            last_verdict, last_latency_ms, last_reason, last_detail, cert_days_left, components_json, measurements_json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT (monitor_id) DO UPDATE SET state = ?2, failures_in_row = ?3, passes_in_row = ?4,
            since_ms = ?5, last_at_ms = ?6, last_verdict = ?7, last_latency_ms = ?8, last_reason = ?9,
            last_detail = ?10, cert_days_left = ?11, components_json = ?12, measurements_json = ?13",
    )?
    .execute(params![
        state.monitor_id,
        state.state,
        state.failures_in_row,
        state.passes_in_row,
        state.since_ms,
        state.last_at_ms,
        state.last_verdict,
        state.last_latency_ms,
        state.last_reason,
        state.last_detail,
        state.cert_days_left,
        serde_json::to_string(&state.components).unwrap_or_else(|_| "[]".into()),
        serde_json::to_string(&state.measurements).unwrap_or_else(|_| "[]".into()),
    ])?;
    Ok(())
}

/// One stored probe result, as the monitor panel lists them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StoredResult {
    pub at_ms: i64,
    pub verdict: String,
    pub latency_ms: Option<i64>,
    pub status: Option<u16>,
    pub reason: Option<String>,
    pub detail: Option<String>,
}

/// The latest results of a monitor, newest first.
pub fn recent(conn: &Connection, monitor_id: &str, limit: usize) -> Result<Vec<StoredResult>> {
    let mut stmt = conn.prepare_cached(
        "SELECT at_ms, verdict, latency_ms, status, reason, detail FROM probe_results
         WHERE monitor_id = ?1 ORDER BY at_ms DESC LIMIT ?2",
    )?;
    let list = stmt
        .query_map(params![monitor_id, limit as i64], |row| {
            Ok(StoredResult {
                at_ms: row.get(0)?,
                verdict: row.get(1)?,
                latency_ms: row.get(2)?,
                status: row.get(3)?,
                reason: row.get(4)?,
                detail: row.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(list)
}

/// How long raw results are kept (rollups stay); `health.raw_retention_days`.
pub const DEFAULT_RAW_RETENTION_DAYS: u32 = 7;

pub fn raw_retention_days(conn: &Connection) -> Result<u32> {
    let value: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = 'health.raw_retention_days'",
            [],
            |row| row.get(0),
        )
        .optional()?;
    Ok(value
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_RAW_RETENTION_DAYS))
}

pub fn set_raw_retention_days(store: &mut Store, change: &Change, days: u32) -> Result<()> {
    if !(1..=365).contains(&days) {
        return Err(Error::InvalidInput(format!(
            "keep raw probe results 1 to 365 days, not {days}"
        )));
    }
    store.write(change, |tx| {
        tx.execute(
            "INSERT INTO settings (key, value) VALUES ('health.raw_retention_days', ?1)
             ON CONFLICT (key) DO UPDATE SET value = ?1",
            [days.to_string()],
        )?;
        tx.audit(
            None,
            "settings.change",
            "settings:health.raw_retention_days",
            serde_json::json!({ "days": days }),
        )
    })
}

/// Deletes raw results older than the retention and minute rollups older
/// than two days (hour rollups are kept). Returns the rows deleted.
pub fn prune(store: &Store, now: Timestamp) -> Result<usize> {
    let days = raw_retention_days(store.conn())?;
    let raw_before = now.as_millisecond() - i64::from(days) * 86_400_000;
    let minutes_before = now.as_second() - 2 * 86_400;
    let conn = store.conn();
    let raw = conn.execute("DELETE FROM probe_results WHERE at_ms < ?1", [raw_before])?;
    let minutes = conn.execute(
        "DELETE FROM probe_rollups WHERE bucket_s = 60 AND start_s < ?1",
        [minutes_before],
    )?;
    Ok(raw + minutes)
}
