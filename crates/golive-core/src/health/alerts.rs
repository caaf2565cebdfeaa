//! Alerts: the plan's alert rules (the strategy's thresholds) evaluated per
//! monitor after every probe, raised, acknowledged with a note, resolved.
//!
//! At most one alert per monitor and rule is open (a unique index), so a
//! restart in the middle of flapping never raises a second "down"; an open
//! alert is resolved by the first evaluation that finds its rule no longer
//! holding, whenever that happens. Maintenance windows keep new alerts from
//! being raised. Raise and resolve are audited; the desktop notifications
//! read the `notified_*` outbox so none is lost to a restart.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::Verdict;
use super::format::Measurement;
use super::probe::{Outcome, ProbeVerdict};
use super::record::MonitorState;
use super::rollup::{self, MINUTE};
use crate::actor::Change;
use crate::plan::{AlertRule, Severity};
use crate::store::{Store, WriteTx, new_id};
use crate::{Error, Result, format_timestamp};

/// Error rate and average response are judged over this many recent minutes.
pub const WINDOW_MINUTES: i64 = 5;
/// …and only once the window holds this many probes.
const MIN_SAMPLES: u64 = 2;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Alert {
    pub id: String,
    pub monitor_id: String,
    pub monitor: String,
    pub environment: String,
    pub rule_key: String,
    pub severity: String,
    pub title: String,
    pub message: String,
    pub raised_at: String,
    pub acknowledged_at: Option<String>,
    pub acknowledged_by: Option<String>,
    pub ack_note: Option<String>,
    pub resolved_at: Option<String>,
    pub resolution: Option<String>,
    /// The desktop notification of its raise: pending, shown or failed.
    pub raise_notification: String,
}

impl Alert {
    pub fn is_open(&self) -> bool {
        self.resolved_at.is_none()
    }
}

/// What happened to alerts in one evaluation, for notifications and logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertEvent {
    Raised { alert_id: String },
    Resolved { alert_id: String },
}

/// The rules the health data can judge, by metric name.
fn judged_by_health(metric: &str) -> bool {
    matches!(
        metric,
        "availability"
            | "error_rate_percent"
            | "response_time_ms"
            | "database_connection"
            | "resource_usage_percent"
            | "certificate_days_left"
    )
}

/// `Some(message)` when the rule holds (something is wrong), `None` when it
/// does not, and `Err(())` when this outcome cannot tell (keep as is).
fn judge(
    rule: &AlertRule,
    monitor_name: &str,
    state: &MonitorState,
    outcome: &Outcome,
    window: &rollup::Totals,
) -> std::result::Result<Option<String>, ()> {
    let answered = outcome.status.is_some();
    let above = |value: f64| rule.above.is_none_or(|limit| value > limit);
    let below = |value: f64| rule.below.is_none_or(|limit| value < limit);
    match rule.metric.as_str() {
        "availability" => Ok((state.state == "down").then(|| {
            format!(
                "{monitor_name} is down: {}",
                state.last_detail.as_deref().unwrap_or("")
            )
        })),
        "error_rate_percent" => {
            if window.total < MIN_SAMPLES {
                return Err(());
            }
            let rate = window.error_rate_percent().unwrap_or(0.0);
            Ok(above(rate).then(|| {
                format!(
                    "error rate {rate:.0} % over the last {WINDOW_MINUTES} minutes ({} of {} probes failed)",
                    window.failed, window.total
                )
            }))
        }
        "response_time_ms" => {
            if window.latency_count < MIN_SAMPLES {
                return Err(());
            }
            let average = window.average_ms().unwrap_or(0.0);
            Ok(above(average).then(|| {
                format!(
                    "average response {average:.0} ms over the last {WINDOW_MINUTES} minutes, above {} ms",
                    rule.above.unwrap_or(0.0)
                )
            }))
        }
        "database_connection" => {
            if !answered {
                return Err(());
            }
            let failing: Vec<String> = outcome
                .components
                .iter()
                .filter(|c| c.datastore && c.verdict == Verdict::Fail)
                .map(|c| format!("{} ({})", c.name, c.detail))
                .collect();
            Ok((!failing.is_empty()).then(|| format!("database failing: {}", failing.join(", "))))
        }
        "resource_usage_percent" => {
            if !answered {
                return Err(());
            }
            let high: Vec<String> = outcome
                .measurements
                .iter()
                .filter_map(|m: &Measurement| {
                    let share = m.utilisation_percent()?;
                    above(share).then(|| format!("{} at {share:.0} %", m.name))
                })
                .collect();
            Ok((!high.is_empty()).then(|| format!("resource usage high: {}", high.join(", "))))
        }
        "certificate_days_left" => match outcome.cert_days_left {
            None => Err(()),
            Some(days) => Ok(below(days as f64).then(|| {
                if days < 0 {
                    "the certificate has expired".to_string()
                } else {
                    format!("the certificate expires in {days} days")
                }
            })),
        },
        _ => Err(()),
    }
}

/// Evaluates every health rule for the monitor of `outcome`, raising and
/// resolving alerts in `tx`.
pub(crate) fn evaluate(
    tx: &WriteTx<'_>,
    launch_id: &str,
    rules: &[AlertRule],
    monitor_name: &str,
    state: &MonitorState,
    outcome: &Outcome,
) -> Result<Vec<AlertEvent>> {
    if outcome.verdict == ProbeVerdict::CredentialUnavailable {
        // The endpoint was not asked; nothing is known about it.
        return Ok(Vec::new());
    }
    let now_s = outcome.at.as_second();
    let window_start = (now_s.div_euclid(MINUTE) - WINDOW_MINUTES + 1) * MINUTE;
    let window = rollup::totals(
        tx,
        std::slice::from_ref(&outcome.monitor_id),
        MINUTE,
        window_start,
        now_s + 1,
    )?;
    let silenced = in_maintenance(tx, &outcome.monitor_id, outcome.at)?;
    let judged: Vec<(&AlertRule, std::result::Result<Option<String>, ()>)> = rules
        .iter()
        .filter(|r| judged_by_health(&r.metric))
        .map(|rule| (rule, judge(rule, monitor_name, state, outcome, &window)))
        .collect();
    let mut events = Vec::new();
    for (rule, verdict) in &judged {
        let open = open_alert(tx, &outcome.monitor_id, &rule.key)?;
        match (verdict, open) {
            (Ok(Some(message)), None) => {
                // A warning gives way to a critical alert on the same metric.
                let critical_holds = rule.severity == Severity::Warning
                    && judged.iter().any(|(other, v)| {
                        other.metric == rule.metric
                            && other.severity == Severity::Critical
                            && matches!(v, Ok(Some(_)))
                    });
                if silenced || critical_holds {
                    continue;
                }
                let id = raise(
                    tx,
                    launch_id,
                    rule,
                    monitor_name,
                    &outcome.monitor_id,
                    message,
                )?;
                events.push(AlertEvent::Raised { alert_id: id });
            }
            (Ok(None), Some(id)) => {
                resolve(tx, launch_id, &id, "recovered")?;
                events.push(AlertEvent::Resolved { alert_id: id });
            }
            _ => {}
        }
    }
    Ok(events)
}

fn open_alert(conn: &Connection, monitor_id: &str, rule_key: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT id FROM alerts WHERE monitor_id = ?1 AND rule_key = ?2 AND resolved_at IS NULL",
        )?
        .query_row(params![monitor_id, rule_key], |row| row.get(0))
        .optional()?)
}

fn raise(
    tx: &WriteTx<'_>,
    launch_id: &str,
    rule: &AlertRule,
    monitor_name: &str,
    monitor_id: &str,
    message: &str,
) -> Result<String> {
    let id = new_id();
    let severity = match rule.severity {
        Severity::Critical => "critical",
        Severity::Warning => "warning",
    };
    tx.execute(
        "INSERT INTO alerts (id, monitor_id, rule_key, severity, title, message, raised_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            id,
            monitor_id,
            rule.key,
            severity,
            rule.title,
            message,
            format_timestamp(tx.change().at)
        ],
    )?;
    tx.audit(
        Some(launch_id),
        "alert.raise",
        &format!("alert:{id}"),
        serde_json::json!({ "monitor": monitor_name, "rule": rule.key, "severity": severity, "message": message }),
    )?;
    tracing::info!(alert = %id, rule = %rule.key, monitor = %monitor_name, "alert raised");
    Ok(id)
}

fn resolve(tx: &WriteTx<'_>, launch_id: &str, id: &str, resolution: &str) -> Result<()> {
    tx.execute(
        "UPDATE alerts SET resolved_at = ?1, resolution = ?2 WHERE id = ?3",
        params![format_timestamp(tx.change().at), resolution, id],
    )?;
    tx.audit(
        Some(launch_id),
        "alert.resolve",
        &format!("alert:{id}"),
        serde_json::json!({ "resolution": resolution }),
    )?;
    tracing::info!(alert = %id, "alert resolved");
    Ok(())
}

fn in_maintenance(conn: &Connection, monitor_id: &str, at: Timestamp) -> Result<bool> {
    let now = format_timestamp(at);
    let found: Option<i64> = conn
        .prepare_cached(
            "SELECT 1 FROM maintenance_windows w
             WHERE w.starts_at <= ?2 AND w.ends_at > ?2
               AND (w.monitor_id = ?1
                    OR w.environment_id = (SELECT environment_id FROM monitors WHERE id = ?1))
             LIMIT 1",
        )?
        .query_row(params![monitor_id, now], |row| row.get(0))
        .optional()?;
    Ok(found.is_some())
}

const SELECT_ALERT: &str = "SELECT a.id, a.monitor_id, m.name, e.name, a.rule_key, a.severity, a.title,
        a.message, a.raised_at, a.acknowledged_at, a.acknowledged_by, a.ack_note, a.resolved_at, a.resolution,
        a.notified_raise
    FROM alerts a JOIN monitors m ON m.id = a.monitor_id JOIN environments e ON e.id = m.environment_id";

fn alert_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Alert> {
    Ok(Alert {
        id: row.get(0)?,
        monitor_id: row.get(1)?,
        monitor: row.get(2)?,
        environment: row.get(3)?,
        rule_key: row.get(4)?,
        severity: row.get(5)?,
        title: row.get(6)?,
        message: row.get(7)?,
        raised_at: row.get(8)?,
        acknowledged_at: row.get(9)?,
        acknowledged_by: row.get(10)?,
        ack_note: row.get(11)?,
        resolved_at: row.get(12)?,
        resolution: row.get(13)?,
        raise_notification: notification_state(row.get(14)?).into(),
    })
}

/// The alerts of a launch: open ones first (critical before warning), then
/// the most recent resolved ones, up to `limit` of those.
pub fn list(conn: &Connection, launch_id: &str, resolved_limit: usize) -> Result<Vec<Alert>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT_ALERT} WHERE e.launch_id = ?1 AND a.resolved_at IS NULL
         ORDER BY a.severity = 'critical' DESC, a.raised_at DESC"
    ))?;
    let mut alerts: Vec<Alert> = stmt
        .query_map([launch_id], alert_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT_ALERT} WHERE e.launch_id = ?1 AND a.resolved_at IS NOT NULL
         ORDER BY a.resolved_at DESC LIMIT ?2"
    ))?;
    alerts.extend(
        stmt.query_map(params![launch_id, resolved_limit as i64], alert_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?,
    );
    Ok(alerts)
}

pub fn get(conn: &Connection, launch_id: &str, id: &str) -> Result<Alert> {
    let id = id.trim();
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT_ALERT} WHERE e.launch_id = ?1 AND (a.id = ?2 OR (length(?2) >= 6 AND (a.id LIKE ?2 || '%' OR a.id LIKE '%' || ?2)))"
    ))?;
    let mut found: Vec<Alert> = stmt
        .query_map(params![launch_id, id], alert_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(Error::NotFound(format!(
            "no alert {id:?} in this launch; list them with `golive alerts`"
        ))),
        _ => Err(Error::InvalidInput(format!(
            "more than one alert matches {id:?}; give more of its id"
        ))),
    }
}

/// Acknowledges an open alert with a note: someone is on it.
pub fn acknowledge(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    id: &str,
    note: &str,
) -> Result<Alert> {
    let alert = get(store.conn(), launch_id, id)?;
    let note = note.trim();
    if note.is_empty() {
        return Err(Error::InvalidInput(
            "say what is being done in the acknowledgement note, e.g. \"looking into the DB pool\""
                .into(),
        ));
    }
    if !alert.is_open() {
        return Err(Error::Conflict(format!(
            "the alert \"{}\" on {} was resolved already",
            alert.title, alert.monitor
        )));
    }
    store.write(change, |tx| {
        tx.execute(
            "UPDATE alerts SET acknowledged_at = ?1, acknowledged_by = ?2, ack_note = ?3 WHERE id = ?4",
            params![format_timestamp(change.at), change.actor.display(), note, alert.id],
        )?;
        tx.audit(
            Some(launch_id),
            "alert.acknowledge",
            &format!("alert:{}", alert.id),
            serde_json::json!({ "note": note, "title": alert.title, "monitor": alert.monitor }),
        )
    })?;
    get(store.conn(), launch_id, &alert.id)
}

/// The `notified_*` columns: 0 pending, 1 shown, -1 could not be shown.
fn notification_state(value: i64) -> &'static str {
    match value {
        0 => "pending",
        1 => "shown",
        _ => "failed",
    }
}

/// Alerts whose raise or resolve has not been shown as a notification yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Pending {
    pub alert: Alert,
    /// `raised` or `resolved`.
    pub event: String,
}

pub fn pending_notifications(conn: &Connection) -> Result<Vec<Pending>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT_ALERT} WHERE a.notified_raise = 0 OR (a.resolved_at IS NOT NULL AND a.notified_resolve = 0)
         ORDER BY a.raised_at"
    ))?;
    let alerts: Vec<Alert> = stmt
        .query_map([], alert_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    let mut pending = Vec::new();
    let mut flags = conn.prepare_cached("SELECT notified_raise FROM alerts WHERE id = ?1")?;
    for alert in alerts {
        let raise_flag: i64 = flags.query_row([&alert.id], |row| row.get(0))?;
        if raise_flag == 0 {
            pending.push(Pending {
                alert: alert.clone(),
                event: "raised".into(),
            });
        }
        if alert.resolved_at.is_some() {
            pending.push(Pending {
                alert,
                event: "resolved".into(),
            });
        }
    }
    Ok(pending)
}

/// Marks a notification as shown, or as failed to show (not audited: it
/// changes nothing of the record). Either way it is not tried again.
pub fn mark_notified(store: &Store, alert_id: &str, event: &str, shown: bool) -> Result<()> {
    let column = match event {
        "raised" => "notified_raise",
        "resolved" => "notified_resolve",
        other => {
            return Err(Error::InvalidInput(format!(
                "{other:?} is not a notification event (raised or resolved)"
            )));
        }
    };
    store.conn().execute(
        &format!("UPDATE alerts SET {column} = ?2 WHERE id = ?1"),
        rusqlite::params![alert_id, if shown { 1 } else { -1 }],
    )?;
    Ok(())
}
