//! When the next stakeholder update is due. Each phase has a cadence (or
//! none). A phase's updates start at the go-live's wall-clock time on its
//! first day (on Day 0 that is the go-live itself): the first is due then,
//! each next one a cadence after the last one sent in the phase. Missed, it
//! turns overdue, labelled with by how much.

use jiff::Timestamp;
use rusqlite::{Connection, params};
use serde::Serialize;

use crate::calendar::GoLive;
use crate::{Error, Result, format_timestamp, launch, parse_timestamp};

/// The cadence of one phase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PhaseCadence {
    pub phase_key: String,
    pub phase: String,
    pub first_day: i32,
    pub last_day: i32,
    /// None: no updates are due in the phase.
    pub every_minutes: Option<u32>,
}

/// The next update, as the dashboard shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UpdateDue {
    /// The phase now (the latest-starting one that holds today).
    pub phase: Option<String>,
    pub every_minutes: Option<u32>,
    pub last_sent_at: Option<String>,
    /// None when no update is due in this phase.
    pub due_at: Option<String>,
    pub overdue: bool,
    /// Minutes from now to `due_at`; negative once overdue.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub minutes: Option<i64>,
    /// e.g. "Stakeholder update overdue by 7 min (due 09:15)".
    pub label: String,
}

pub fn list(conn: &Connection, launch_id: &str) -> Result<Vec<PhaseCadence>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.key, p.name, p.first_day, p.last_day, c.every_minutes
         FROM phases p LEFT JOIN update_cadence c ON c.launch_id = p.launch_id AND c.phase_key = p.key
         WHERE p.launch_id = ?1 ORDER BY p.position",
    )?;
    Ok(stmt
        .query_map([launch_id], |row| {
            Ok(PhaseCadence {
                phase_key: row.get(0)?,
                phase: row.get(1)?,
                first_day: row.get(2)?,
                last_day: row.get(3)?,
                every_minutes: row.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// Sets a phase's cadence (None: no updates due in it); audited.
pub fn set(
    store: &mut crate::Store,
    change: &crate::Change,
    launch_id: &str,
    phase: &str,
    every_minutes: Option<u32>,
) -> Result<PhaseCadence> {
    let phases = list(store.conn(), launch_id)?;
    let Some(found) = phases
        .iter()
        .find(|p| p.phase_key == phase.trim() || p.phase.eq_ignore_ascii_case(phase.trim()))
    else {
        return Err(Error::NotFound(format!(
            "this launch has no phase {:?} (phases: {})",
            phase.trim(),
            phases
                .iter()
                .map(|p| p.phase_key.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    };
    if let Some(m) = every_minutes
        && !(1..=10_080).contains(&m)
    {
        return Err(Error::InvalidInput(format!(
            "{m} minutes is not a cadence; give 1 to 10080 minutes (a week), or none"
        )));
    }
    store.write(change, |tx| {
        tx.execute(
            "INSERT OR REPLACE INTO update_cadence (launch_id, phase_key, every_minutes) VALUES (?1, ?2, ?3)",
            params![launch_id, found.phase_key, every_minutes],
        )?;
        tx.audit(
            Some(launch_id),
            "update.cadence",
            &format!("phase:{}", found.phase_key),
            serde_json::json!({ "phase": found.phase_key, "from": found.every_minutes, "to": every_minutes }),
        )
    })?;
    Ok(PhaseCadence {
        every_minutes,
        ..found.clone()
    })
}

/// The phase of `day`: of those that hold it, the one starting latest
/// (Day 0 is both the last day of preparation and the go-live day).
fn phase_of(phases: &[PhaseCadence], day: i32) -> Option<&PhaseCadence> {
    phases
        .iter()
        .filter(|p| (p.first_day..=p.last_day).contains(&day))
        .max_by_key(|p| p.first_day)
}

/// When the phase's updates start: the go-live's wall-clock time on its first day.
fn phase_start(go_live: &GoLive, first_day: i32) -> Timestamp {
    let local = go_live
        .date_of_day(first_day)
        .to_datetime(go_live.local.time());
    go_live
        .time_zone
        .to_ambiguous_zoned(local)
        .compatible()
        .map(|z| z.timestamp())
        .unwrap_or_else(|_| go_live.instant())
}

fn clock(at: Timestamp, go_live: &GoLive) -> String {
    at.to_zoned(go_live.time_zone.clone())
        .strftime("%H:%M")
        .to_string()
}

fn span(minutes: i64) -> String {
    let m = minutes.abs();
    match m {
        0..=59 => format!("{m} min"),
        60..=1439 => format!("{} h {} min", m / 60, m % 60),
        _ => format!("{} d {} h", m / 1440, (m % 1440) / 60),
    }
}

pub fn due(conn: &Connection, launch_id: &str, now: Timestamp) -> Result<UpdateDue> {
    let launch = launch::get(conn, launch_id)?;
    let go_live = launch.go_live()?;
    let phases = list(conn, launch_id)?;
    let last: Option<String> = conn.query_row(
        "SELECT max(sent_at) FROM stakeholder_updates WHERE launch_id = ?1",
        [launch_id],
        |row| row.get(0),
    )?;
    let day = go_live.day_number(now);
    let Some(phase) = phase_of(&phases, day) else {
        return Ok(UpdateDue {
            phase: None,
            every_minutes: None,
            last_sent_at: last,
            due_at: None,
            overdue: false,
            minutes: None,
            label: "No stakeholder updates are due outside the plan's phases".into(),
        });
    };
    let Some(every) = phase.every_minutes else {
        // Before the first phase with a cadence: say when updates start.
        let next = phases
            .iter()
            .filter(|p| p.first_day > day && p.every_minutes.is_some())
            .min_by_key(|p| p.first_day);
        let label = match next {
            Some(p) => format!(
                "Stakeholder updates start {} ({}, every {})",
                p.phase,
                clock(phase_start(&go_live, p.first_day), &go_live),
                span(i64::from(p.every_minutes.unwrap_or(0)))
            ),
            None => format!("No stakeholder updates are due in {}", phase.phase),
        };
        return Ok(UpdateDue {
            phase: Some(phase.phase.clone()),
            every_minutes: None,
            last_sent_at: last,
            due_at: None,
            overdue: false,
            minutes: None,
            label,
        });
    };
    let start = phase_start(&go_live, phase.first_day);
    let last_in_phase = match &last {
        Some(at) => Some(parse_timestamp(at)?).filter(|t| *t >= start),
        None => None,
    };
    let due_at = match last_in_phase {
        Some(at) => Timestamp::from_second(at.as_second() + i64::from(every) * 60)
            .map_err(|e| Error::Internal(e.to_string()))?,
        None => start,
    };
    let minutes = (due_at.as_second() - now.as_second()).div_euclid(60);
    let overdue = now > due_at;
    let at = clock(due_at, &go_live);
    let label = if overdue {
        format!(
            "Stakeholder update overdue by {} (due {at})",
            span(-minutes)
        )
    } else if minutes == 0 {
        format!("Stakeholder update due now ({at})")
    } else {
        format!("Next stakeholder update due {at} (in {})", span(minutes))
    };
    Ok(UpdateDue {
        phase: Some(phase.phase.clone()),
        every_minutes: Some(every),
        last_sent_at: last,
        due_at: Some(format_timestamp(due_at)),
        overdue,
        minutes: Some(minutes),
        label,
    })
}
