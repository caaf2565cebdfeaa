//! Launches: one go-live each, created from a plan template.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::actor::Change;
use crate::calendar::{self, GoLive};
use crate::plan::{PlanData, Template};
use crate::store::{Store, WriteTx, new_id};
use crate::{Error, Result, format_timestamp};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Launch {
    pub id: String,
    pub name: String,
    pub platform: String,
    /// Day 0's wall-clock date and time, e.g. `2026-12-07T09:00:00`.
    pub go_live_local: String,
    pub time_zone: String,
    pub template_name: String,
    pub template_version: u32,
    pub created_at: String,
    pub created_by: String,
    /// Set on a rehearsal: the id of the launch it rehearses.
    pub rehearsal_of: Option<String>,
    /// That launch's name.
    pub rehearsal_of_name: Option<String>,
    /// When the launch was closed (then it is read-only), and by whom.
    pub closed_at: Option<String>,
    pub closed_by: Option<String>,
}

impl Launch {
    pub fn go_live(&self) -> Result<GoLive> {
        GoLive::new(&self.go_live_local, &self.time_zone)
    }
}

#[derive(Debug, Clone)]
pub struct NewLaunch {
    pub name: String,
    pub platform: String,
    pub go_live_local: String,
    pub time_zone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Role {
    pub key: String,
    pub name: String,
    pub signoff: bool,
}

const LAUNCH_COLUMNS: &str = "id, name, platform, go_live_local, time_zone, template_name, template_version, created_at, created_by, rehearsal_of";

const SELECT_LAUNCH: &str =
    "SELECT l.id, l.name, l.platform, l.go_live_local, l.time_zone, l.template_name,
        l.template_version, l.created_at, l.created_by, l.rehearsal_of, o.name,
        l.closed_at, l.closed_by
    FROM launches l LEFT JOIN launches o ON o.id = l.rehearsal_of";

fn launch_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Launch> {
    Ok(Launch {
        id: row.get(0)?,
        name: row.get(1)?,
        platform: row.get(2)?,
        go_live_local: row.get(3)?,
        time_zone: row.get(4)?,
        template_name: row.get(5)?,
        template_version: row.get(6)?,
        created_at: row.get(7)?,
        created_by: row.get(8)?,
        rehearsal_of: row.get(9)?,
        rehearsal_of_name: row.get(10)?,
        closed_at: row.get(11)?,
        closed_by: row.get(12)?,
    })
}

/// Creates a launch with every role, phase, section and item of `template`,
/// in one transaction with its audit event.
pub fn create(
    store: &mut Store,
    change: &Change,
    new: &NewLaunch,
    template: &Template,
) -> Result<Launch> {
    let launch = store.write(change, |tx| insert(tx, new, template, None))?;
    tracing::info!(launch = %launch.id, name = %launch.name, "launch created");
    Ok(launch)
}

/// Checks a launch's name, Day 0 and time zone as entered.
fn check(new: &NewLaunch) -> Result<(String, String, GoLive)> {
    let name = new.name.trim();
    if name.is_empty() {
        return Err(Error::InvalidInput(
            "the launch needs a name, e.g. \"Arxos platform\"".into(),
        ));
    }
    if name.chars().count() > 120 {
        return Err(Error::InvalidInput(
            "the launch name is longer than 120 characters; shorten it".into(),
        ));
    }
    let go_live = GoLive::new(&new.go_live_local, &new.time_zone)?;
    Ok((name.to_string(), new.platform.trim().to_string(), go_live))
}

/// Inserts a launch and its plan inside a running change.
pub(crate) fn insert(
    tx: &WriteTx<'_>,
    new: &NewLaunch,
    template: &Template,
    rehearsal_of: Option<&Launch>,
) -> Result<Launch> {
    let (name, platform, go_live) = check(new)?;
    let change = tx.change();
    let plan_json = serde_json::to_string(&template.data())
        .map_err(|e| Error::Internal(format!("the plan data cannot be encoded: {e}")))?;
    let launch = Launch {
        id: new_id(),
        name,
        platform,
        go_live_local: go_live.local.strftime("%Y-%m-%dT%H:%M:%S").to_string(),
        time_zone: go_live.time_zone_name.trim().to_string(),
        template_name: template.plan.name.get_ref().clone(),
        template_version: template.plan.version,
        created_at: format_timestamp(change.at),
        created_by: change.actor.display(),
        rehearsal_of: rehearsal_of.map(|l| l.id.clone()),
        rehearsal_of_name: rehearsal_of.map(|l| l.name.clone()),
        closed_at: None,
        closed_by: None,
    };
    tx.execute(
        &format!("INSERT INTO launches ({LAUNCH_COLUMNS}, plan_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"),
        params![
            launch.id,
            launch.name,
            launch.platform,
            launch.go_live_local,
            launch.time_zone,
            launch.template_name,
            launch.template_version,
            launch.created_at,
            launch.created_by,
            launch.rehearsal_of,
            plan_json
        ],
    )?;
    for (position, role) in (0_i64..).zip(&template.roles) {
        tx.execute(
            "INSERT INTO roles (launch_id, key, name, signoff, position) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![launch.id, role.key.get_ref(), role.name, role.signoff, position],
        )?;
    }
    let mut insert_item = tx.prepare(
        "INSERT INTO items (id, launch_id, section_id, key, title, description, owner_role, due_day, gate, rule, position)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    for (p, phase) in (0_i64..).zip(&template.phases) {
        let phase_id = new_id();
        tx.execute(
            "INSERT INTO phases (id, launch_id, key, name, description, first_day, last_day, position)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                phase_id,
                launch.id,
                phase.key.get_ref(),
                phase.name,
                phase.description,
                phase.first_day.get_ref(),
                phase.last_day.get_ref(),
                p
            ],
        )?;
        for (s, section) in (0_i64..).zip(&phase.sections) {
            let section_id = new_id();
            tx.execute(
                "INSERT INTO sections (id, launch_id, phase_id, key, title, position) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![section_id, launch.id, phase_id, section.key.get_ref(), section.title.get_ref(), s],
            )?;
            for (i, item) in (0_i64..).zip(&section.items) {
                insert_item.execute(params![
                    new_id(),
                    launch.id,
                    section_id,
                    item.key.get_ref(),
                    item.title.get_ref(),
                    item.description,
                    item.owner.get_ref(),
                    item.due_day.get_ref(),
                    item.gate,
                    item.rule.as_ref().map(|r| r.get_ref().trim()),
                    i
                ])?;
            }
        }
    }
    tx.audit(
        Some(&launch.id),
        "launch.create",
        &format!("launch:{}", launch.id),
        serde_json::json!({
            "name": launch.name,
            "platform": launch.platform,
            "go_live": launch.go_live_local,
            "time_zone": launch.time_zone,
            "template": launch.template_name,
            "template_version": launch.template_version,
            "items": template.item_count(),
            "rehearsal_of": launch.rehearsal_of,
        }),
    )?;
    crate::health::kpis::seed(tx, &launch.id, &template.success_targets)?;
    crate::escalation::seed(tx, &launch.id, &template.data())?;
    crate::updates::seed(tx, &launch.id, template)?;
    crate::risks::seed(tx, &launch.id, template)?;
    Ok(launch)
}

/// The plan's last day (Day 30 in the standard plan): a launch can be
/// closed once it is over.
pub fn last_day(conn: &Connection, launch_id: &str) -> Result<i32> {
    Ok(conn.query_row(
        "SELECT coalesce(max(last_day), 30) FROM phases WHERE launch_id = ?1",
        [launch_id],
        |row| row.get(0),
    )?)
}

/// Closes a launch after its plan's last day: from then on the store
/// refuses every change to it (see `audit::append`), while everything stays
/// readable and exportable. Closing is final.
pub fn close(store: &mut Store, change: &Change, launch_id: &str) -> Result<Launch> {
    let launch = get(store.conn(), launch_id)?;
    if let Some(at) = &launch.closed_at {
        return Err(Error::Conflict(format!(
            "{:?} was closed already ({at}, by {})",
            launch.name,
            launch.closed_by.as_deref().unwrap_or("someone")
        )));
    }
    let last = last_day(store.conn(), launch_id)?;
    let today = launch.go_live()?.day_number(change.at);
    if today <= last {
        return Err(Error::Conflict(format!(
            "{:?} can be closed after Day {last}, its plan's last day; today is Day {today}. Until then its team may still record changes.",
            launch.name
        )));
    }
    let at = format_timestamp(change.at);
    let by = change.actor.display();
    store.write(change, |tx| {
        // The event first: once closed_at is set, the launch takes no more.
        tx.audit(
            Some(launch_id),
            "launch.close",
            &format!("launch:{launch_id}"),
            serde_json::json!({ "name": launch.name, "day": today }),
        )?;
        tx.execute(
            "UPDATE launches SET closed_at = ?2, closed_by = ?3 WHERE id = ?1",
            params![launch_id, at, by],
        )?;
        Ok(())
    })?;
    tracing::info!(launch = %launch_id, "launch closed");
    get(store.conn(), launch_id)
}

/// Moves Day 0 (and with it every due date, which are offsets from it).
pub fn reschedule(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    go_live_local: &str,
    time_zone: Option<&str>,
) -> Result<Launch> {
    let launch = get(store.conn(), launch_id)?;
    let zone = time_zone
        .map(str::trim)
        .filter(|z| !z.is_empty())
        .unwrap_or(&launch.time_zone);
    let go_live = GoLive::new(go_live_local, zone)?;
    let local = go_live.local.strftime("%Y-%m-%dT%H:%M:%S").to_string();
    let zone = go_live.time_zone_name.trim().to_string();
    if local == launch.go_live_local && zone == launch.time_zone {
        return Err(Error::InvalidInput(format!(
            "Day 0 of {} is already {} {}",
            launch.name,
            local.replace('T', " "),
            zone
        )));
    }
    store.write(change, |tx| {
        tx.execute(
            "UPDATE launches SET go_live_local = ?1, time_zone = ?2 WHERE id = ?3",
            params![local, zone, launch.id],
        )?;
        tx.audit(
            Some(&launch.id),
            "launch.reschedule",
            &format!("launch:{}", launch.id),
            serde_json::json!({
                "go_live": { "from": launch.go_live_local, "to": local },
                "time_zone": { "from": launch.time_zone, "to": zone },
            }),
        )
    })?;
    get(store.conn(), &launch.id)
}

/// All launches, newest first.
pub fn list(conn: &Connection) -> Result<Vec<Launch>> {
    let mut stmt = conn.prepare(&format!(
        "{SELECT_LAUNCH} ORDER BY l.created_at DESC, l.id DESC"
    ))?;
    let launches = stmt
        .query_map([], launch_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(launches)
}

pub fn get(conn: &Connection, id: &str) -> Result<Launch> {
    conn.query_row(
        &format!("{SELECT_LAUNCH} WHERE l.id = ?1"),
        [id],
        launch_from_row,
    )
    .optional()?
    .ok_or_else(|| {
        Error::NotFound(format!(
            "there is no launch with id {id}; list them with `golive launches`"
        ))
    })
}

/// Picks a launch by id, id prefix or exact name; the newest without a selector.
pub fn select(conn: &Connection, selector: Option<&str>) -> Result<Launch> {
    let launches = list(conn)?;
    let Some(selector) = selector.map(str::trim).filter(|s| !s.is_empty()) else {
        return launches.into_iter().next().ok_or_else(|| {
            Error::NotFound(
                "this store has no launch yet. Create one with `golive init --name NAME --go-live YYYY-MM-DDTHH:MM --tz ZONE`, or in the app."
                    .into(),
            )
        });
    };
    let mut matching: Vec<Launch> = launches
        .into_iter()
        .filter(|l| {
            l.id == selector
                || l.name == selector
                || (selector.len() >= 4 && l.id.starts_with(selector))
        })
        .collect();
    match matching.len() {
        1 => Ok(matching.remove(0)),
        0 => Err(Error::NotFound(format!(
            "no launch matches {selector:?}; list them with `golive launches` and pass an id or an exact name"
        ))),
        n => Err(Error::InvalidInput(format!(
            "{n} launches match {selector:?}; pass the launch id instead (see `golive launches`)"
        ))),
    }
}

pub fn roles(conn: &Connection, launch_id: &str) -> Result<Vec<Role>> {
    let mut stmt = conn
        .prepare("SELECT key, name, signoff FROM roles WHERE launch_id = ?1 ORDER BY position")?;
    let roles = stmt
        .query_map([launch_id], |row| {
            Ok(Role {
                key: row.get(0)?,
                name: row.get(1)?,
                signoff: row.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(roles)
}

/// The keys of the roles named in `wanted` (by key or name, ignoring
/// case), each once, in order; an unknown one is refused naming the roles.
pub fn role_keys(roles: &[Role], wanted: &[String]) -> Result<Vec<String>> {
    let mut keys = Vec::new();
    for wanted in wanted {
        let wanted = wanted.trim();
        let role = roles
            .iter()
            .find(|r| r.key.eq_ignore_ascii_case(wanted) || r.name.eq_ignore_ascii_case(wanted))
            .ok_or_else(|| {
                Error::InvalidInput(format!(
                    "{wanted:?} is not a role of this launch (roles: {})",
                    roles
                        .iter()
                        .map(|r| r.key.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
        if !keys.contains(&role.key) {
            keys.push(role.key.clone());
        }
    }
    Ok(keys)
}

pub fn plan_data(conn: &Connection, launch_id: &str) -> Result<PlanData> {
    let json: String = conn
        .query_row(
            "SELECT plan_json FROM launches WHERE id = ?1",
            [launch_id],
            |row| row.get(0),
        )
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("there is no launch with id {launch_id}")))?;
    serde_json::from_str(&json).map_err(|e| {
        Error::Internal(format!(
            "the stored plan of launch {launch_id} is unreadable: {e}"
        ))
    })
}

/// Time zones offered when creating a launch.
pub fn time_zones() -> Vec<String> {
    calendar::time_zone_names()
}
