//! A stakeholder update drafted from the live state, for a person to edit:
//! Day N, readiness and the go/no-go decision, the running or last deploy,
//! production health and success metrics, open alerts and incidents, and
//! when the next update comes. Plain text with a few `*bold*` marks, which
//! both Slack and Teams render.

use std::fmt::Write;

use jiff::Timestamp;
use rusqlite::Connection;

use crate::deploy::{Action, RunState, runs};
use crate::health::{alerts, kpis, metrics, overview};
use crate::signoff::DecisionState;
use crate::{Result, incidents, launch, parse_timestamp, readiness};

fn local(at: &str, zone: &jiff::tz::TimeZone) -> String {
    parse_timestamp(at)
        .map(|t| t.to_zoned(zone.clone()).strftime("%H:%M").to_string())
        .unwrap_or_else(|_| at.to_string())
}

fn number(value: f64, unit: &str) -> String {
    let shown = if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    };
    match unit {
        "" => shown,
        "%" => format!("{shown} %"),
        unit => format!("{shown} {unit}"),
    }
}

pub fn compose(conn: &Connection, launch_id: &str, now: Timestamp) -> Result<String> {
    let launch = launch::get(conn, launch_id)?;
    let go_live = launch.go_live()?;
    let zone = go_live.time_zone.clone();
    let summary = readiness::summary(conn, launch_id, now)?;
    let mut text = String::new();
    let day = summary.day_number;
    let _ = writeln!(
        text,
        "*{} — status update, Day {}{}, {} {}*",
        launch.name,
        if day > 0 { "+" } else { "" },
        day,
        now.to_zoned(zone.clone()).strftime("%H:%M"),
        launch.time_zone
    );
    if launch.rehearsal_of.is_some() {
        text.push_str("(Rehearsal: a practice launch, not the real go-live.)\n");
    }
    text.push('\n');

    // Readiness and the decision.
    let o = &summary.overall;
    let decision = match summary.decision.state {
        DecisionState::Go => "GO".to_string(),
        DecisionState::NoGo => "NO-GO".to_string(),
        DecisionState::Pending => format!(
            "pending ({})",
            summary
                .decision
                .missing
                .first()
                .cloned()
                .unwrap_or_default()
        ),
    };
    let _ = writeln!(
        text,
        "*Readiness:* {} of {} items settled ({} %), {} blocked, {} overdue. Go/no-go: {decision}.",
        o.settled, o.total, o.percent, o.blocked, o.overdue
    );

    // The running deploy, else the last one.
    let recent = runs::list(
        conn,
        launch_id,
        &runs::RunFilter {
            limit: Some(20),
            ..Default::default()
        },
    )?;
    let running = recent.iter().find(|r| r.state == RunState::Running);
    let last_deploy = recent
        .iter()
        .find(|r| r.action == Action::Deploy && r.state != RunState::Running);
    if let Some(run) = running {
        let progress = match (&run.trigger_id, now.as_millisecond() - run.started_ms) {
            (Some(trigger), elapsed) => match runs::average_ms(conn, trigger)? {
                Some(avg) if avg > 0 => format!(
                    ", about {} % by the usual duration",
                    (elapsed * 100 / avg).min(99)
                ),
                _ => String::new(),
            },
            _ => String::new(),
        };
        let _ = writeln!(
            text,
            "*{}:* {} / {} running since {}{progress}.",
            if run.action == Action::Rollback {
                "Rollback"
            } else {
                "Deploy"
            },
            run.environment,
            run.trigger_name,
            local(&run.started_at, &zone)
        );
    }
    if let Some(run) = last_deploy {
        let validation = match run.validation_state.as_deref() {
            Some(state) => format!(", validation {state}"),
            None => String::new(),
        };
        let version = run
            .version
            .as_deref()
            .map(|v| format!(" {v}"))
            .unwrap_or_default();
        let _ = writeln!(
            text,
            "*Last deploy:* {} / {}{version} {} at {}{validation}.",
            run.environment,
            run.trigger_name,
            run.state.label(),
            local(run.ended_at.as_deref().unwrap_or(&run.started_at), &zone)
        );
    } else if running.is_none() {
        text.push_str("*Deploy:* none yet.\n");
    }

    // Health of each environment, production first, with its success metrics.
    let environments = overview::environments(conn, launch_id)?;
    let measured = metrics::success_metrics(conn, launch_id, 1, now)?;
    for env in environments.iter().filter(|e| !e.monitors.is_empty()) {
        let up = env
            .monitors
            .iter()
            .filter(|m| m.state.as_ref().is_some_and(|s| s.state == "up"))
            .count();
        let failing: Vec<&str> = env
            .monitors
            .iter()
            .filter(|m| {
                m.state
                    .as_ref()
                    .is_some_and(|s| s.state == "down" || s.state == "degraded")
            })
            .map(|m| m.monitor.name.as_str())
            .collect();
        let _ = write!(
            text,
            "*Health {}:* {up} of {} monitors up",
            env.environment.name,
            env.monitors.len()
        );
        if !failing.is_empty() {
            let _ = write!(text, "; not up: {}", failing.join(", "));
        }
        if let Some(m) = measured
            .iter()
            .find(|m| m.environment == env.environment.name)
        {
            let shown: Vec<String> = m
                .metrics
                .iter()
                .filter_map(|s| {
                    let value = s.value?;
                    let mark = if s.met == Some(false) { " ✗" } else { "" };
                    Some(format!(
                        "{} {}{mark}",
                        s.title.to_lowercase(),
                        number(value, &s.unit)
                    ))
                })
                .collect();
            if !shown.is_empty() {
                let _ = write!(text, " (last hour: {})", shown.join(", "));
            }
        }
        text.push_str(".\n");
    }

    // Business metrics with a value.
    let kpi_lines: Vec<String> = kpis::list(conn, launch_id)?
        .into_iter()
        .filter_map(|k| {
            let value = k.latest.as_ref()?.value?;
            let verdict = match k.met {
                Some(true) => " (met)".to_string(),
                Some(false) => format!(" (target {})", k.target),
                None => String::new(),
            };
            Some(format!("{} {}{verdict}", k.title, number(value, &k.unit)))
        })
        .collect();
    if !kpi_lines.is_empty() {
        let _ = writeln!(text, "*Success metrics:* {}.", kpi_lines.join("; "));
    }

    // What is open.
    let open_alerts: Vec<alerts::Alert> = alerts::list(conn, launch_id, 0)?
        .into_iter()
        .filter(alerts::Alert::is_open)
        .collect();
    if open_alerts.is_empty() {
        text.push_str("*Alerts:* none open.\n");
    } else {
        let critical = open_alerts
            .iter()
            .filter(|a| a.severity == "critical")
            .count();
        let _ = writeln!(
            text,
            "*Alerts:* {} open ({critical} critical): {}.",
            open_alerts.len(),
            open_alerts
                .iter()
                .take(5)
                .map(|a| format!("{} on {} / {}", a.title, a.environment, a.monitor))
                .collect::<Vec<_>>()
                .join("; ")
        );
    }
    let open_incidents = incidents::list(conn, launch_id, true)?;
    if open_incidents.is_empty() {
        text.push_str("*Incidents:* none open.\n");
    } else {
        let _ = writeln!(text, "*Incidents:* {} open:", open_incidents.len());
        for i in open_incidents.iter().take(5) {
            let owner = i
                .owner
                .as_deref()
                .map(|o| format!(", owner {o}"))
                .unwrap_or_default();
            let _ = writeln!(
                text,
                "- {} SEV{} {} ({}, level {}{owner})",
                i.key,
                i.severity,
                i.title,
                i.state.key(),
                i.level
            );
        }
    }

    // When the next one comes.
    // The summary read above knows the cadence already.
    if let Some(every) = summary.stakeholder_update.every_minutes {
        let next = Timestamp::from_second(now.as_second() + i64::from(every) * 60)
            .unwrap_or(now)
            .to_zoned(zone)
            .strftime("%H:%M")
            .to_string();
        let _ = write!(text, "\nNext update by {next}.");
    }
    Ok(text.trim_end().to_string())
}
