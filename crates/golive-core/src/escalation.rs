//! Escalation levels 1–5 and support tiers 1–3: who answers at each (the
//! holders of its roles, named contacts, and at an emergency level the
//! emergency response team), how long a level waits before the next is due,
//! and "who do I call now?" for an alert or incident at a level since a time.
//! Seeded from the plan when a launch is created; editable after.

use jiff::{Timestamp, ToSpan};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use crate::actor::Change;
use crate::contacts::{self, Contact};
use crate::launch;
use crate::plan::PlanData;
use crate::store::{Store, WriteTx};
use crate::{Error, Result, calendar, format_timestamp};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Level {
    pub level: u8,
    pub name: String,
    /// Minutes at this level before the next is due; none at the last.
    pub wait_minutes: Option<u32>,
    /// Whether the emergency response team answers here.
    pub emergency_team: bool,
    /// Role keys whose holders answer here.
    pub roles: Vec<String>,
    /// Contacts named for this level, by id.
    pub contact_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Tier {
    pub tier: u8,
    pub name: String,
    /// What the tier takes, e.g. "Bug investigation".
    pub handles: Vec<String>,
    pub roles: Vec<String>,
    pub contact_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Escalation {
    pub levels: Vec<Level>,
    pub tiers: Vec<Tier>,
}

/// A level as edited; also its full new state.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LevelInput {
    pub name: String,
    #[serde(default)]
    pub wait_minutes: Option<u32>,
    #[serde(default)]
    pub emergency_team: bool,
    /// Role keys or names.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Contact names or ids.
    #[serde(default)]
    pub contacts: Vec<String>,
}

/// A tier as edited; also its full new state.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TierInput {
    pub name: String,
    #[serde(default)]
    pub handles: Vec<String>,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub contacts: Vec<String>,
}

/// Writes the plan's levels and tiers for a new launch.
pub(crate) fn seed(tx: &WriteTx<'_>, launch_id: &str, plan: &PlanData) -> Result<()> {
    for level in &plan.escalation_levels {
        tx.execute(
            "INSERT INTO escalation_levels (launch_id, level, name, wait_minutes, emergency_team)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                launch_id,
                level.level,
                level.name,
                level.wait_minutes,
                level.emergency_team
            ],
        )?;
        write_responders(tx, launch_id, "level", level.level, &level.roles, &[])?;
    }
    for tier in &plan.support_tiers {
        tx.execute(
            "INSERT INTO support_tiers (launch_id, tier, name, handles) VALUES (?1, ?2, ?3, ?4)",
            params![launch_id, tier.tier, tier.name, json_list(&tier.handles)],
        )?;
        write_responders(tx, launch_id, "tier", tier.tier, &tier.roles, &[])?;
    }
    Ok(())
}

fn json_list(texts: &[String]) -> String {
    serde_json::Value::from(texts.to_vec()).to_string()
}

fn write_responders(
    tx: &WriteTx<'_>,
    launch_id: &str,
    kind: &str,
    number: u8,
    roles: &[String],
    contact_ids: &[String],
) -> Result<()> {
    tx.execute(
        "DELETE FROM responders WHERE launch_id = ?1 AND kind = ?2 AND number = ?3",
        params![launch_id, kind, number],
    )?;
    let mut position = 0;
    for role in roles {
        tx.execute(
            "INSERT INTO responders (launch_id, kind, number, role_key, position) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![launch_id, kind, number, role, position],
        )?;
        position += 1;
    }
    for contact in contact_ids {
        tx.execute(
            "INSERT INTO responders (launch_id, kind, number, contact_id, position) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![launch_id, kind, number, contact, position],
        )?;
        position += 1;
    }
    Ok(())
}

/// Role keys and contact ids answering at a level or tier, in order.
fn responders(
    conn: &Connection,
    launch_id: &str,
    kind: &str,
    number: u8,
) -> Result<(Vec<String>, Vec<String>)> {
    let mut stmt = conn.prepare_cached(
        "SELECT role_key, contact_id FROM responders
         WHERE launch_id = ?1 AND kind = ?2 AND number = ?3 ORDER BY position",
    )?;
    let mut roles = Vec::new();
    let mut contacts = Vec::new();
    let rows = stmt.query_map(params![launch_id, kind, number], |row| {
        Ok((
            row.get::<_, Option<String>>(0)?,
            row.get::<_, Option<String>>(1)?,
        ))
    })?;
    for row in rows {
        match row? {
            (Some(role), _) => roles.push(role),
            (None, Some(contact)) => contacts.push(contact),
            (None, None) => {}
        }
    }
    Ok((roles, contacts))
}

pub fn load(conn: &Connection, launch_id: &str) -> Result<Escalation> {
    let mut stmt = conn.prepare_cached(
        "SELECT level, name, wait_minutes, emergency_team FROM escalation_levels
         WHERE launch_id = ?1 ORDER BY level",
    )?;
    let rows: Vec<(u8, String, Option<u32>, bool)> = stmt
        .query_map([launch_id], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut levels = Vec::with_capacity(rows.len());
    for (level, name, wait_minutes, emergency_team) in rows {
        let (roles, contact_ids) = responders(conn, launch_id, "level", level)?;
        levels.push(Level {
            level,
            name,
            wait_minutes,
            emergency_team,
            roles,
            contact_ids,
        });
    }
    let mut stmt = conn.prepare_cached(
        "SELECT tier, name, handles FROM support_tiers WHERE launch_id = ?1 ORDER BY tier",
    )?;
    let rows: Vec<(u8, String, String)> = stmt
        .query_map([launch_id], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut tiers = Vec::with_capacity(rows.len());
    for (tier, name, handles) in rows {
        let (roles, contact_ids) = responders(conn, launch_id, "tier", tier)?;
        tiers.push(Tier {
            tier,
            name,
            handles: serde_json::from_str(&handles).unwrap_or_default(),
            roles,
            contact_ids,
        });
    }
    Ok(Escalation { levels, tiers })
}

/// Role keys (from keys or names) and contact ids (from names or ids).
fn resolve(
    conn: &Connection,
    launch_id: &str,
    roles: &[String],
    people: &[String],
) -> Result<(Vec<String>, Vec<String>)> {
    let role_keys = launch::role_keys(&launch::roles(conn, launch_id)?, roles)?;
    let mut contact_ids = Vec::new();
    for wanted in people {
        let contact = contacts::get(conn, launch_id, wanted)?;
        if !contact_ids.contains(&contact.id) {
            contact_ids.push(contact.id);
        }
    }
    Ok((role_keys, contact_ids))
}

fn clean_name(name: &str, what: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(Error::InvalidInput(format!(
            "{what} needs a name of 1 to 80 characters"
        )));
    }
    Ok(name.to_string())
}

pub fn edit_level(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    level: u8,
    input: &LevelInput,
) -> Result<Level> {
    let before = level_of(store.conn(), launch_id, level)?;
    let name = clean_name(&input.name, &format!("level {level}"))?;
    if input.wait_minutes == Some(0) || input.wait_minutes.is_some_and(|m| m > 7 * 24 * 60) {
        return Err(Error::InvalidInput(
            "the wait before the next level is 1 minute to 7 days; leave it empty at the last level"
                .into(),
        ));
    }
    let (roles, contact_ids) = resolve(store.conn(), launch_id, &input.roles, &input.contacts)?;
    store.write(change, |tx| {
        tx.execute(
            "UPDATE escalation_levels SET name = ?1, wait_minutes = ?2, emergency_team = ?3
             WHERE launch_id = ?4 AND level = ?5",
            params![
                name,
                input.wait_minutes,
                input.emergency_team,
                launch_id,
                level
            ],
        )?;
        write_responders(tx, launch_id, "level", level, &roles, &contact_ids)?;
        tx.audit(
            Some(launch_id),
            "escalation.level",
            &format!("escalation:level-{level}"),
            serde_json::json!({
                "before": before,
                "after": {
                    "name": name,
                    "wait_minutes": input.wait_minutes,
                    "emergency_team": input.emergency_team,
                    "roles": roles,
                    "contact_ids": contact_ids,
                },
            }),
        )
    })?;
    level_of(store.conn(), launch_id, level)
}

pub fn edit_tier(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    tier: u8,
    input: &TierInput,
) -> Result<Tier> {
    let before = tier_of(store.conn(), launch_id, tier)?;
    let name = clean_name(&input.name, &format!("tier {tier}"))?;
    let handles: Vec<String> = input
        .handles
        .iter()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .collect();
    let (roles, contact_ids) = resolve(store.conn(), launch_id, &input.roles, &input.contacts)?;
    store.write(change, |tx| {
        tx.execute(
            "UPDATE support_tiers SET name = ?1, handles = ?2 WHERE launch_id = ?3 AND tier = ?4",
            params![name, json_list(&handles), launch_id, tier],
        )?;
        write_responders(tx, launch_id, "tier", tier, &roles, &contact_ids)?;
        tx.audit(
            Some(launch_id),
            "escalation.tier",
            &format!("escalation:tier-{tier}"),
            serde_json::json!({
                "before": before,
                "after": { "name": name, "handles": handles, "roles": roles, "contact_ids": contact_ids },
            }),
        )
    })?;
    tier_of(store.conn(), launch_id, tier)
}

pub fn level_of(conn: &Connection, launch_id: &str, level: u8) -> Result<Level> {
    load(conn, launch_id)?
        .levels
        .into_iter()
        .find(|l| l.level == level)
        .ok_or_else(|| {
            Error::NotFound(format!(
                "this launch has no escalation level {level}; see them with `golive escalation`"
            ))
        })
}

pub fn tier_of(conn: &Connection, launch_id: &str, tier: u8) -> Result<Tier> {
    load(conn, launch_id)?
        .tiers
        .into_iter()
        .find(|t| t.tier == tier)
        .ok_or_else(|| {
            Error::NotFound(format!(
                "this launch has no support tier {tier}; see them with `golive escalation`"
            ))
        })
}

/// One person to call, with why they are on the list and their local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Callee {
    pub contact: Contact,
    /// Why they answer here: role names, "named", "emergency team".
    pub because: Vec<String>,
    /// Their wall-clock time now, e.g. "Tue 14:05", when their zone is known.
    pub local_time: Option<String>,
    /// Who covers for them, when they have a deputy.
    pub deputy: Option<Contact>,
}

/// The people of one level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LevelPeople {
    pub level: u8,
    pub name: String,
    pub people: Vec<Callee>,
}

/// The next level of a call sheet and when it is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NextLevel {
    pub level: LevelPeople,
    pub due_at: String,
    /// Minutes until it is due; negative once overdue.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub due_in_minutes: i64,
}

/// "Who do I call now?" for something at `level` since `since`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CallSheet {
    pub current: LevelPeople,
    pub since: String,
    /// None at the last level.
    pub next: Option<NextLevel>,
}

/// The people answering at a level, each once, in the order they were
/// named: role holders, named contacts, then the emergency team.
fn people_of(
    level: &Level,
    directory: &[Contact],
    roles: &[launch::Role],
    now: Timestamp,
) -> LevelPeople {
    let mut people: Vec<Callee> = Vec::new();
    let mut add = |contact: &Contact, because: String| {
        if let Some(known) = people.iter_mut().find(|p| p.contact.id == contact.id) {
            if !known.because.contains(&because) {
                known.because.push(because);
            }
            return;
        }
        people.push(Callee {
            contact: contact.clone(),
            because: vec![because],
            local_time: local_time(&contact.time_zone, now),
            deputy: contact
                .deputy_id
                .as_ref()
                .and_then(|id| directory.iter().find(|c| &c.id == id))
                .cloned(),
        });
    };
    for role in &level.roles {
        let name = roles
            .iter()
            .find(|r| &r.key == role)
            .map_or(role.clone(), |r| r.name.clone());
        for contact in directory.iter().filter(|c| c.roles.contains(role)) {
            add(contact, name.clone());
        }
    }
    for id in &level.contact_ids {
        if let Some(contact) = directory.iter().find(|c| &c.id == id) {
            add(contact, "named".into());
        }
    }
    if level.emergency_team {
        for contact in directory.iter().filter(|c| c.emergency) {
            add(contact, "emergency team".into());
        }
    }
    LevelPeople {
        level: level.level,
        name: level.name.clone(),
        people,
    }
}

fn local_time(zone: &str, now: Timestamp) -> Option<String> {
    if zone.is_empty() {
        return None;
    }
    let tz = calendar::parse_time_zone(zone).ok()?;
    Some(now.to_zoned(tz).strftime("%a %H:%M").to_string())
}

/// Who to call for something that has been at `level` since `since`, and
/// when the next level is due (overdue when `now` is past it).
pub fn call_sheet(
    conn: &Connection,
    launch_id: &str,
    level: u8,
    since: Timestamp,
    now: Timestamp,
) -> Result<CallSheet> {
    let escalation = load(conn, launch_id)?;
    let directory = contacts::list(conn, launch_id)?;
    let roles = launch::roles(conn, launch_id)?;
    let current = escalation
        .levels
        .iter()
        .find(|l| l.level == level)
        .ok_or_else(|| Error::NotFound(format!("this launch has no escalation level {level}")))?;
    let next = match (
        current.wait_minutes,
        escalation.levels.iter().find(|l| l.level > level),
    ) {
        (Some(wait), Some(next)) => {
            let due = since
                .checked_add((i64::from(wait)).minutes())
                .map_err(|e| Error::Internal(format!("cannot add {wait} minutes: {e}")))?;
            let due_in = due.duration_since(now).as_secs().div_euclid(60);
            Some(NextLevel {
                level: people_of(next, &directory, &roles, now),
                due_at: format_timestamp(due),
                due_in_minutes: due_in,
            })
        }
        _ => None,
    };
    Ok(CallSheet {
        current: people_of(current, &directory, &roles, now),
        since: format_timestamp(since),
        next,
    })
}
