//! Incidents: opened by hand or from an alert, numbered per launch (INC-1…),
//! with a severity (SEV1–4), an escalation level and since when, an owner
//! and an affected environment. The timeline holds what people and golive
//! recorded (state changes, escalations, notes) and, read alongside, the
//! alerts and runs on the environment while the incident was open. Resolved
//! with a summary; follow-up actions have owners.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::actor::Change;
use crate::contacts;
use crate::escalation::{self, CallSheet};
use crate::health::{alerts, environments};
use crate::store::{Store, WriteTx, new_id};
use crate::{Error, Result, format_timestamp, parse_timestamp};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum IncidentState {
    Open,
    Investigating,
    Mitigated,
    Resolved,
}

impl IncidentState {
    pub fn key(self) -> &'static str {
        match self {
            IncidentState::Open => "open",
            IncidentState::Investigating => "investigating",
            IncidentState::Mitigated => "mitigated",
            IncidentState::Resolved => "resolved",
        }
    }

    fn parse(key: &str) -> IncidentState {
        match key {
            "investigating" => IncidentState::Investigating,
            "mitigated" => IncidentState::Mitigated,
            "resolved" => IncidentState::Resolved,
            _ => IncidentState::Open,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Incident {
    pub id: String,
    pub number: u32,
    /// "INC-3".
    pub key: String,
    pub title: String,
    /// 1 (most severe) to 4.
    pub severity: u8,
    pub level: u8,
    pub level_since: String,
    pub state: IncidentState,
    pub owner_id: Option<String>,
    pub owner: Option<String>,
    pub environment_id: Option<String>,
    pub environment: Option<String>,
    pub alert_id: Option<String>,
    pub opened_at: String,
    pub opened_by: String,
    pub resolved_at: Option<String>,
    pub summary: Option<String>,
}

/// An incident as opened.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IncidentInput {
    /// Empty when opened from an alert: the alert's title.
    #[serde(default)]
    pub title: String,
    /// 1–4; none when opened from an alert: SEV2 for a critical one, SEV3 else.
    #[serde(default)]
    pub severity: Option<u8>,
    /// 1–5 [default: 1].
    #[serde(default)]
    pub level: Option<u8>,
    /// A contact's name or id.
    #[serde(default)]
    pub owner: Option<String>,
    /// An environment's name or id; from an alert, its monitor's.
    #[serde(default)]
    pub environment: Option<String>,
    #[serde(default)]
    pub alert_id: Option<String>,
}

/// One line of an incident's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Entry {
    pub at: String,
    /// opened, state, escalated, owner, note, action, resolved (recorded);
    /// alert, run (read from the environment).
    pub kind: String,
    pub actor: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FollowUp {
    pub id: String,
    pub text: String,
    pub owner: Option<String>,
    pub created_at: String,
    pub done_at: Option<String>,
}

/// An incident with its timeline, follow-ups and who to call now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IncidentDetail {
    pub incident: Incident,
    pub timeline: Vec<Entry>,
    pub actions: Vec<FollowUp>,
    /// None once resolved.
    pub call_sheet: Option<CallSheet>,
}

const COLUMNS: &str = "i.id, i.number, i.title, i.severity, i.level, i.level_since, i.state,
    i.owner_contact_id, c.name, i.environment_id, e.name, i.alert_id, i.opened_at, i.opened_by,
    i.resolved_at, i.summary";
const FROM: &str = "FROM incidents i LEFT JOIN contacts c ON c.id = i.owner_contact_id
    LEFT JOIN environments e ON e.id = i.environment_id";

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Incident> {
    let number: u32 = row.get(1)?;
    Ok(Incident {
        id: row.get(0)?,
        number,
        key: format!("INC-{number}"),
        title: row.get(2)?,
        severity: row.get(3)?,
        level: row.get(4)?,
        level_since: row.get(5)?,
        state: IncidentState::parse(&row.get::<_, String>(6)?),
        owner_id: row.get(7)?,
        owner: row.get(8)?,
        environment_id: row.get(9)?,
        environment: row.get(10)?,
        alert_id: row.get(11)?,
        opened_at: row.get(12)?,
        opened_by: row.get(13)?,
        resolved_at: row.get(14)?,
        summary: row.get(15)?,
    })
}

/// The launch's incidents, open ones first, newest first.
pub fn list(conn: &Connection, launch_id: &str, open_only: bool) -> Result<Vec<Incident>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} {FROM} WHERE i.launch_id = ?1 AND (?2 = 0 OR i.state != 'resolved')
         ORDER BY i.state = 'resolved', i.number DESC"
    ))?;
    Ok(stmt
        .query_map(params![launch_id, open_only], from_row)?
        .collect::<rusqlite::Result<_>>()?)
}

/// Finds an incident by id, "INC-3" or "3".
pub fn get(conn: &Connection, launch_id: &str, selector: &str) -> Result<Incident> {
    let selector = selector.trim();
    let number = crate::numbering::parse(selector, "INC-");
    conn.query_row(
        &format!("SELECT {COLUMNS} {FROM} WHERE i.launch_id = ?1 AND (i.id = ?2 OR i.number = ?3)"),
        params![launch_id, selector, number],
        from_row,
    )
    .optional()?
    .ok_or_else(|| {
        Error::NotFound(format!(
            "this launch has no incident {selector:?}; list them with `golive incident list`"
        ))
    })
}

fn entry(tx: &WriteTx<'_>, incident_id: &str, kind: &str, text: &str) -> Result<()> {
    let change = tx.change();
    tx.execute(
        "INSERT INTO incident_entries (incident_id, at, actor, kind, text) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![incident_id, format_timestamp(change.at), change.actor.display(), kind, text],
    )?;
    Ok(())
}

fn check_severity(severity: u8) -> Result<u8> {
    if (1..=4).contains(&severity) {
        Ok(severity)
    } else {
        Err(Error::InvalidInput(format!(
            "severity {severity} is not SEV1 to SEV4 (1 is the most severe)"
        )))
    }
}

fn contact_id(conn: &Connection, launch_id: &str, owner: Option<&str>) -> Result<Option<String>> {
    match owner.map(str::trim).filter(|o| !o.is_empty()) {
        Some(name) => Ok(Some(contacts::get(conn, launch_id, name)?.id)),
        None => Ok(None),
    }
}

pub fn open(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    input: &IncidentInput,
) -> Result<Incident> {
    let conn = store.conn();
    let alert = match &input.alert_id {
        Some(id) => Some(alerts::get(conn, launch_id, id)?),
        None => None,
    };
    let title = match (input.title.trim(), &alert) {
        ("", Some(alert)) => format!(
            "{} on {} / {}",
            alert.title, alert.environment, alert.monitor
        ),
        ("", None) => {
            return Err(Error::InvalidInput(
                "the incident needs a title, e.g. \"Checkout fails for EU users\"".into(),
            ));
        }
        (title, _) => title.to_string(),
    };
    if title.chars().count() > 200 {
        return Err(Error::InvalidInput(
            "the title is longer than 200 characters".into(),
        ));
    }
    let severity = check_severity(input.severity.unwrap_or(match &alert {
        Some(a) if a.severity == "critical" => 2,
        Some(_) => 3,
        None => 3,
    }))?;
    let level = input.level.unwrap_or(1);
    escalation::level_of(conn, launch_id, level)?;
    let owner = contact_id(conn, launch_id, input.owner.as_deref())?;
    let environment = match (&input.environment, &alert) {
        (Some(env), _) => Some(environments::get(conn, launch_id, env)?.id),
        (None, Some(alert)) => Some(environments::get(conn, launch_id, &alert.environment)?.id),
        (None, None) => None,
    };
    if let Some(alert) = &alert {
        let open: Option<u32> = conn
            .query_row(
                "SELECT number FROM incidents WHERE alert_id = ?1 AND state != 'resolved'",
                [&alert.id],
                |row| row.get(0),
            )
            .optional()?;
        if let Some(number) = open {
            return Err(Error::Conflict(format!(
                "the alert \"{}\" already has the open incident INC-{number}",
                alert.title
            )));
        }
    }
    let id = new_id();
    store.write(change, |tx| {
        let number = crate::numbering::next(tx, "incidents", launch_id)?;
        let at = format_timestamp(change.at);
        tx.execute(
            "INSERT INTO incidents (id, launch_id, number, title, severity, level, level_since, state,
                                    owner_contact_id, environment_id, alert_id, opened_at, opened_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'open', ?8, ?9, ?10, ?7, ?11)",
            params![id, launch_id, number, title, severity, level, at, owner, environment, input.alert_id, change.actor.display()],
        )?;
        let from = alert
            .as_ref()
            .map_or(String::new(), |a| format!(" from the alert \"{}\"", a.title));
        entry(tx, &id, "opened", &format!("Opened as SEV{severity} at level {level}{from}"))?;
        tx.audit(
            Some(launch_id),
            "incident.open",
            &format!("incident:{id}"),
            serde_json::json!({
                "number": number, "title": title, "severity": severity, "level": level,
                "owner": owner, "environment": environment, "alert": input.alert_id,
            }),
        )
    })?;
    get(store.conn(), launch_id, &id)
}

/// A change to an open incident: its timeline entry and audit event.
fn update(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    selector: &str,
    action: &str,
    apply: impl FnOnce(&WriteTx<'_>, &Incident) -> Result<(String, String, serde_json::Value)>,
) -> Result<Incident> {
    let incident = get(store.conn(), launch_id, selector)?;
    store.write(change, |tx| {
        let (kind, text, details) = apply(tx, &incident)?;
        entry(tx, &incident.id, &kind, &text)?;
        tx.audit(
            Some(launch_id),
            action,
            &format!("incident:{}", incident.id),
            details,
        )
    })?;
    get(store.conn(), launch_id, &incident.id)
}

fn refuse_resolved(incident: &Incident, what: &str) -> Result<()> {
    if incident.state == IncidentState::Resolved {
        return Err(Error::Conflict(format!(
            "{} is resolved; {what} an open incident, or open a new one",
            incident.key
        )));
    }
    Ok(())
}

pub fn note(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    selector: &str,
    text: &str,
) -> Result<Incident> {
    let text = text.trim().to_string();
    if text.is_empty() {
        return Err(Error::InvalidInput(
            "the note is empty; say what was seen or done".into(),
        ));
    }
    update(
        store,
        change,
        launch_id,
        selector,
        "incident.note",
        |_, _| {
            Ok((
                "note".into(),
                text.clone(),
                serde_json::json!({ "note": text }),
            ))
        },
    )
}

/// Moves an incident to `level` (default: the next one), from now.
pub fn escalate(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    selector: &str,
    level: Option<u8>,
    reason: &str,
) -> Result<Incident> {
    let incident = get(store.conn(), launch_id, selector)?;
    refuse_resolved(&incident, "escalate")?;
    let to = level.unwrap_or(incident.level + 1);
    let target = escalation::level_of(store.conn(), launch_id, to).map_err(|_| {
        Error::InvalidInput(format!(
            "{} is at level {}; there is no level {to} (levels 1 to 5)",
            incident.key, incident.level
        ))
    })?;
    if to == incident.level {
        return Err(Error::InvalidInput(format!(
            "{} is at level {to} already",
            incident.key
        )));
    }
    let reason = reason.trim().to_string();
    let at = format_timestamp(change.at);
    update(
        store,
        change,
        launch_id,
        selector,
        "incident.escalate",
        |tx, i| {
            tx.execute(
                "UPDATE incidents SET level = ?1, level_since = ?2 WHERE id = ?3",
                params![to, at, i.id],
            )?;
            let why = if reason.is_empty() {
                String::new()
            } else {
                format!(": {reason}")
            };
            Ok((
                "escalated".into(),
                format!("Level {} → {to} ({}){why}", i.level, target.name),
                serde_json::json!({ "from": i.level, "to": to, "reason": reason }),
            ))
        },
    )
}

pub fn set_state(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    selector: &str,
    state: IncidentState,
) -> Result<Incident> {
    if state == IncidentState::Resolved {
        return Err(Error::InvalidInput(
            "resolve an incident with its summary".into(),
        ));
    }
    let incident = get(store.conn(), launch_id, selector)?;
    refuse_resolved(&incident, "change")?;
    update(
        store,
        change,
        launch_id,
        selector,
        "incident.state",
        |tx, i| {
            tx.execute(
                "UPDATE incidents SET state = ?1 WHERE id = ?2",
                params![state.key(), i.id],
            )?;
            Ok((
                "state".into(),
                format!("{} → {}", i.state.key(), state.key()),
                serde_json::json!({ "from": i.state, "to": state }),
            ))
        },
    )
}

pub fn set_owner(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    selector: &str,
    owner: &str,
) -> Result<Incident> {
    let owner_id = contact_id(store.conn(), launch_id, Some(owner))?;
    let name = contacts::get(store.conn(), launch_id, owner)?.name;
    update(
        store,
        change,
        launch_id,
        selector,
        "incident.owner",
        |tx, i| {
            tx.execute(
                "UPDATE incidents SET owner_contact_id = ?1 WHERE id = ?2",
                params![owner_id, i.id],
            )?;
            Ok((
                "owner".into(),
                format!("Owner: {name}"),
                serde_json::json!({ "owner": owner_id }),
            ))
        },
    )
}

/// A follow-up action with an owner (a contact's name or id).
pub fn add_action(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    selector: &str,
    text: &str,
    owner: Option<&str>,
) -> Result<Incident> {
    let text = text.trim().to_string();
    if text.is_empty() {
        return Err(Error::InvalidInput(
            "the follow-up action is empty; say what is to be done".into(),
        ));
    }
    let owner_id = contact_id(store.conn(), launch_id, owner)?;
    let at = format_timestamp(change.at);
    update(
        store,
        change,
        launch_id,
        selector,
        "incident.action",
        |tx, i| {
            let id = new_id();
            tx.execute(
            "INSERT INTO incident_actions (id, incident_id, text, owner_contact_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, i.id, text, owner_id, at],
        )?;
            Ok((
                "action".into(),
                format!("Follow-up: {text}"),
                serde_json::json!({ "action": id, "text": text, "owner": owner_id }),
            ))
        },
    )
}

/// Marks a follow-up done (or not done again). `action` is its id, or its
/// number in the incident's list (1 for the first).
pub fn mark_action(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    selector: &str,
    action: &str,
    done: bool,
) -> Result<Incident> {
    let incident = get(store.conn(), launch_id, selector)?;
    let actions = follow_ups(store.conn(), &incident.id)?;
    let found = action
        .trim()
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|n| actions.get(n))
        .or_else(|| actions.iter().find(|a| a.id == action))
        .cloned()
        .ok_or_else(|| {
            Error::NotFound(format!(
                "{} has no follow-up {action:?} (it has {})",
                incident.key,
                actions.len()
            ))
        })?;
    let at = done.then(|| format_timestamp(change.at));
    update(
        store,
        change,
        launch_id,
        selector,
        "incident.action_done",
        |tx, _| {
            tx.execute(
                "UPDATE incident_actions SET done_at = ?1 WHERE id = ?2",
                params![at, found.id],
            )?;
            let text = if done {
                format!("Done: {}", found.text)
            } else {
                format!("Not done after all: {}", found.text)
            };
            Ok((
                "action".into(),
                text,
                serde_json::json!({ "action": found.id, "done": done }),
            ))
        },
    )
}

fn follow_ups(conn: &Connection, incident_id: &str) -> Result<Vec<FollowUp>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.text, c.name, a.created_at, a.done_at FROM incident_actions a
         LEFT JOIN contacts c ON c.id = a.owner_contact_id WHERE a.incident_id = ?1
         ORDER BY a.created_at, a.rowid",
    )?;
    Ok(stmt
        .query_map([incident_id], |row| {
            Ok(FollowUp {
                id: row.get(0)?,
                text: row.get(1)?,
                owner: row.get(2)?,
                created_at: row.get(3)?,
                done_at: row.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn resolve(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    selector: &str,
    summary: &str,
) -> Result<Incident> {
    let summary = summary.trim().to_string();
    if summary.is_empty() {
        return Err(Error::InvalidInput(
            "resolving needs a summary: what happened and what fixed it".into(),
        ));
    }
    let incident = get(store.conn(), launch_id, selector)?;
    refuse_resolved(&incident, "resolve")?;
    let at = format_timestamp(change.at);
    update(
        store,
        change,
        launch_id,
        selector,
        "incident.resolve",
        |tx, i| {
            tx.execute(
            "UPDATE incidents SET state = 'resolved', resolved_at = ?1, summary = ?2 WHERE id = ?3",
            params![at, summary, i.id],
        )?;
            Ok((
                "resolved".into(),
                format!("Resolved: {summary}"),
                serde_json::json!({ "summary": summary }),
            ))
        },
    )
}

/// An incident with its timeline (recorded entries, and the alerts and runs
/// of its environment while it was open), follow-ups and call sheet.
pub fn detail(
    conn: &Connection,
    launch_id: &str,
    selector: &str,
    now: Timestamp,
) -> Result<IncidentDetail> {
    let incident = get(conn, launch_id, selector)?;
    let mut timeline = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT at, kind, actor, text FROM incident_entries WHERE incident_id = ?1 ORDER BY at, id",
    )?;
    for row in stmt.query_map([&incident.id], |row| {
        Ok(Entry {
            at: row.get(0)?,
            kind: row.get(1)?,
            actor: row.get(2)?,
            text: row.get(3)?,
        })
    })? {
        timeline.push(row?);
    }
    let until = incident
        .resolved_at
        .clone()
        .unwrap_or_else(|| format_timestamp(now));
    if let Some(env) = &incident.environment_id {
        // Its own alert even when raised before; the others while it was open.
        let mut stmt = conn.prepare_cached(
            "SELECT a.raised_at, a.resolved_at, a.severity, a.title, m.name, a.id = ?4 FROM alerts a
             JOIN monitors m ON m.id = a.monitor_id
             WHERE m.environment_id = ?1
               AND (a.id = ?4 OR (a.raised_at <= ?3 AND coalesce(a.resolved_at, ?3) >= ?2))",
        )?;
        let rows = stmt.query_map(
            params![env, incident.opened_at, until, incident.alert_id],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, Option<String>>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, String>(4)?,
                    row.get::<_, bool>(5)?,
                ))
            },
        )?;
        for row in rows {
            let (raised, resolved, severity, title, monitor, own) = row?;
            let linked = if own { " (this incident's alert)" } else { "" };
            timeline.push(Entry {
                at: raised,
                kind: "alert".into(),
                actor: None,
                text: format!("Alert raised: {title} ({severity}, {monitor}){linked}"),
            });
            if let Some(resolved) = resolved.filter(|r| r <= &until) {
                timeline.push(Entry {
                    at: resolved,
                    kind: "alert".into(),
                    actor: None,
                    text: format!("Alert resolved: {title} ({monitor})"),
                });
            }
        }
        let mut stmt = conn.prepare_cached(
            "SELECT started_at, ended_at, trigger_name, action, state, started_by FROM runs
             WHERE environment_id = ?1 AND started_at <= ?3 AND coalesce(ended_at, ?3) >= ?2",
        )?;
        let rows = stmt.query_map(params![env, incident.opened_at, until], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, Option<String>>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, String>(5)?,
            ))
        })?;
        for row in rows {
            let (started, ended, trigger, action, state, by) = row?;
            timeline.push(Entry {
                at: started,
                kind: "run".into(),
                actor: Some(by),
                text: format!("{action} started: {trigger}"),
            });
            if let Some(ended) = ended.filter(|e| e <= &until) {
                timeline.push(Entry {
                    at: ended,
                    kind: "run".into(),
                    actor: None,
                    text: format!("{action} {state}: {trigger}"),
                });
            }
        }
    }
    // Stored timestamps sort as text (one fixed format).
    timeline.sort_by(|a, b| a.at.cmp(&b.at));
    let actions = follow_ups(conn, &incident.id)?;
    let call_sheet = if incident.state == IncidentState::Resolved {
        None
    } else {
        Some(escalation::call_sheet(
            conn,
            launch_id,
            incident.level,
            parse_timestamp(&incident.level_since)?,
            now,
        )?)
    };
    Ok(IncidentDetail {
        incident,
        timeline,
        actions,
        call_sheet,
    })
}
