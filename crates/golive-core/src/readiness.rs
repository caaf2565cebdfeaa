//! Readiness: the checklist of a launch, ticking and unticking items, and
//! the per-phase summary the dashboard and `golive status` show.

use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::actor::Change;
use crate::calendar::GoLive;
use crate::launch::{self, Launch};
use crate::store::Store;
use crate::{Error, Result, format_timestamp};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Status {
    Open,
    Done,
    Blocked,
    /// Not applicable.
    Na,
}

impl Status {
    fn parse(text: &str) -> Status {
        match text {
            "done" => Status::Done,
            "blocked" => Status::Blocked,
            "na" => Status::Na,
            _ => Status::Open,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Done => "done",
            Status::Blocked => "blocked",
            Status::Na => "na",
        }
    }

    /// Whether the item still needs work.
    pub fn is_outstanding(self) -> bool {
        matches!(self, Status::Open | Status::Blocked)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Item {
    pub key: String,
    pub title: String,
    pub description: String,
    pub phase_key: String,
    pub section_key: String,
    pub section_title: String,
    pub owner_role: String,
    pub owner_name: String,
    pub due_day: i32,
    /// `YYYY-MM-DD` in the launch's time zone.
    pub due_date: String,
    pub gate: bool,
    pub status: Status,
    /// The tick's note, or the reason the item was reopened.
    pub status_note: Option<String>,
    pub status_by: Option<String>,
    pub status_at: Option<String>,
    pub overdue: bool,
    pub due_today: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Section {
    pub key: String,
    pub title: String,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Progress {
    pub total: u32,
    pub done: u32,
    /// Not applicable items count as settled, not as done.
    pub settled: u32,
    pub overdue: u32,
    pub percent: u32,
}

impl Progress {
    fn of<'a>(items: impl Iterator<Item = &'a Item>) -> Progress {
        let (mut total, mut done, mut settled, mut overdue) = (0, 0, 0, 0);
        for item in items {
            total += 1;
            done += u32::from(item.status == Status::Done);
            settled += u32::from(!item.status.is_outstanding());
            overdue += u32::from(item.overdue);
        }
        let percent = (settled * 100).checked_div(total).unwrap_or(100);
        Progress {
            total,
            done,
            settled,
            overdue,
            percent,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Phase {
    pub key: String,
    pub name: String,
    pub description: String,
    pub first_day: i32,
    pub last_day: i32,
    pub first_date: String,
    pub last_date: String,
    pub progress: Progress,
    pub sections: Vec<Section>,
}

/// The whole checklist of a launch, as of `now`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Checklist {
    pub launch: Launch,
    pub today: String,
    pub day_number: i32,
    pub phases: Vec<Phase>,
}

impl Checklist {
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.phases
            .iter()
            .flat_map(|p| &p.sections)
            .flat_map(|s| &s.items)
    }
}

/// What the dashboard and `golive status` show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Summary {
    pub launch: Launch,
    pub now: String,
    pub today: String,
    pub day_number: i32,
    /// The go-live instant, RFC 3339 UTC.
    pub go_live_at: String,
    /// Seconds from `now` to go-live; negative once it has passed.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub seconds_to_go_live: i64,
    pub phases: Vec<PhaseProgress>,
    pub overall: Progress,
    /// Items the go decision needs.
    pub gate: Progress,
    pub overdue: Vec<Item>,
    pub due_today: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PhaseProgress {
    pub key: String,
    pub name: String,
    pub first_day: i32,
    pub last_day: i32,
    pub progress: Progress,
}

struct Row {
    phase_key: String,
    phase_name: String,
    phase_description: String,
    first_day: i32,
    last_day: i32,
    section_key: String,
    section_title: String,
    item: Option<RawItem>,
}

struct RawItem {
    key: String,
    title: String,
    description: String,
    owner_role: String,
    owner_name: String,
    due_day: i32,
    gate: bool,
    status: String,
    status_note: Option<String>,
    status_by: Option<String>,
    status_at: Option<String>,
}

/// Loads the checklist of `launch_id`, with due and overdue states as of `now`.
pub fn checklist(conn: &Connection, launch_id: &str, now: Timestamp) -> Result<Checklist> {
    let launch = launch::get(conn, launch_id)?;
    let go_live = launch.go_live()?;
    let today = go_live.today(now);
    let mut stmt = conn.prepare_cached(
        "SELECT p.key, p.name, p.description, p.first_day, p.last_day, s.key, s.title,
                i.key, i.title, i.description, i.owner_role, r.name, i.due_day, i.gate,
                i.status, i.status_note, i.status_by, i.status_at
         FROM phases p
         JOIN sections s ON s.phase_id = p.id
         LEFT JOIN items i ON i.section_id = s.id
         LEFT JOIN roles r ON r.launch_id = i.launch_id AND r.key = i.owner_role
         WHERE p.launch_id = ?1
         ORDER BY p.position, s.position, i.position",
    )?;
    let rows = stmt.query_map([launch_id], |row| {
        let item = match row.get::<_, Option<String>>(7)? {
            None => None,
            Some(key) => Some(RawItem {
                key,
                title: row.get(8)?,
                description: row.get(9)?,
                owner_role: row.get(10)?,
                owner_name: row.get::<_, Option<String>>(11)?.unwrap_or_default(),
                due_day: row.get(12)?,
                gate: row.get(13)?,
                status: row.get(14)?,
                status_note: row.get(15)?,
                status_by: row.get(16)?,
                status_at: row.get(17)?,
            }),
        };
        Ok(Row {
            phase_key: row.get(0)?,
            phase_name: row.get(1)?,
            phase_description: row.get(2)?,
            first_day: row.get(3)?,
            last_day: row.get(4)?,
            section_key: row.get(5)?,
            section_title: row.get(6)?,
            item,
        })
    })?;

    let mut phases: Vec<Phase> = Vec::new();
    for row in rows {
        let row = row?;
        if phases.last().is_none_or(|p| p.key != row.phase_key) {
            phases.push(Phase {
                key: row.phase_key.clone(),
                name: row.phase_name.clone(),
                description: row.phase_description.clone(),
                first_day: row.first_day,
                last_day: row.last_day,
                first_date: go_live.date_of_day(row.first_day).to_string(),
                last_date: go_live.date_of_day(row.last_day).to_string(),
                progress: Progress::of(std::iter::empty()),
                sections: Vec::new(),
            });
        }
        let Some(phase) = phases.last_mut() else {
            continue;
        };
        if phase
            .sections
            .last()
            .is_none_or(|s| s.key != row.section_key)
        {
            phase.sections.push(Section {
                key: row.section_key.clone(),
                title: row.section_title.clone(),
                items: Vec::new(),
            });
        }
        if let (Some(section), Some(raw)) = (phase.sections.last_mut(), row.item) {
            section.items.push(item_from(
                raw,
                &row.phase_key,
                &row.section_key,
                &row.section_title,
                &go_live,
                today,
            ));
        }
    }
    for phase in &mut phases {
        phase.progress = Progress::of(phase.sections.iter().flat_map(|s| &s.items));
    }
    Ok(Checklist {
        today: today.to_string(),
        day_number: go_live.day_number(now),
        launch,
        phases,
    })
}

fn item_from(
    raw: RawItem,
    phase_key: &str,
    section_key: &str,
    section_title: &str,
    go_live: &GoLive,
    today: Date,
) -> Item {
    let status = Status::parse(&raw.status);
    let due = go_live.date_of_day(raw.due_day);
    Item {
        overdue: status.is_outstanding() && due < today,
        due_today: status.is_outstanding() && due == today,
        due_date: due.to_string(),
        key: raw.key,
        title: raw.title,
        description: raw.description,
        phase_key: phase_key.to_string(),
        section_key: section_key.to_string(),
        section_title: section_title.to_string(),
        owner_name: if raw.owner_name.is_empty() {
            raw.owner_role.clone()
        } else {
            raw.owner_name
        },
        owner_role: raw.owner_role,
        due_day: raw.due_day,
        gate: raw.gate,
        status,
        status_note: raw.status_note,
        status_by: raw.status_by,
        status_at: raw.status_at,
    }
}

/// The dashboard summary of `launch_id` as of `now`.
pub fn summary(conn: &Connection, launch_id: &str, now: Timestamp) -> Result<Summary> {
    let checklist = checklist(conn, launch_id, now)?;
    let go_live = checklist.launch.go_live()?;
    let go_live_at = go_live.instant();
    let overall = Progress::of(checklist.items());
    let gate = Progress::of(checklist.items().filter(|i| i.gate));
    let overdue = checklist.items().filter(|i| i.overdue).cloned().collect();
    let due_today = checklist.items().filter(|i| i.due_today).cloned().collect();
    let phases = checklist
        .phases
        .iter()
        .map(|p| PhaseProgress {
            key: p.key.clone(),
            name: p.name.clone(),
            first_day: p.first_day,
            last_day: p.last_day,
            progress: p.progress.clone(),
        })
        .collect();
    Ok(Summary {
        now: format_timestamp(now),
        today: checklist.today,
        day_number: checklist.day_number,
        go_live_at: format_timestamp(go_live_at),
        seconds_to_go_live: go_live_at.as_second() - now.as_second(),
        phases,
        overall,
        gate,
        overdue,
        due_today,
        launch: checklist.launch,
    })
}

/// Looks up one item of a launch as of `now`.
pub fn item(conn: &Connection, launch_id: &str, key: &str, now: Timestamp) -> Result<Item> {
    let checklist = checklist(conn, launch_id, now)?;
    checklist
        .items()
        .find(|i| i.key.eq_ignore_ascii_case(key))
        .cloned()
        .ok_or_else(|| unknown_item(&checklist.launch.name, key))
}

fn unknown_item(launch_name: &str, key: &str) -> Error {
    Error::NotFound(format!(
        "launch {launch_name:?} has no item {key:?}; list the keys with `golive items`"
    ))
}

const MAX_NOTE: usize = 2000;

fn clean_text(text: Option<&str>, what: &str) -> Result<Option<String>> {
    let text = text.map(str::trim).filter(|t| !t.is_empty());
    if let Some(t) = text
        && t.chars().count() > MAX_NOTE
    {
        return Err(Error::InvalidInput(format!(
            "the {what} is {} characters long; keep it under {MAX_NOTE} and link to longer evidence",
            t.chars().count()
        )));
    }
    Ok(text.map(str::to_string))
}

struct Current {
    key: String,
    title: String,
    status: String,
    status_note: Option<String>,
    status_by: Option<String>,
    status_at: Option<String>,
}

fn current(conn: &Connection, launch: &Launch, key: &str) -> Result<Current> {
    conn.prepare_cached(
        "SELECT key, title, status, status_note, status_by, status_at FROM items
         WHERE launch_id = ?1 AND key = ?2 COLLATE NOCASE",
    )?
    .query_row(params![launch.id, key], |row| {
        Ok(Current {
            key: row.get(0)?,
            title: row.get(1)?,
            status: row.get(2)?,
            status_note: row.get(3)?,
            status_by: row.get(4)?,
            status_at: row.get(5)?,
        })
    })
    .optional()?
    .ok_or_else(|| unknown_item(&launch.name, key))
}

/// Marks an item done, with an optional note as evidence.
pub fn tick(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    key: &str,
    note: Option<&str>,
) -> Result<()> {
    let note = clean_text(note, "note")?;
    let launch = launch::get(store.conn(), launch_id)?;
    store.write(change, |tx| {
        let item = current(tx, &launch, key)?;
        if item.status == "done" {
            return Err(Error::Conflict(format!(
                "{} is already done (ticked by {} at {}); untick it first to tick it again",
                item.key,
                item.status_by.as_deref().unwrap_or("someone"),
                item.status_at.as_deref().unwrap_or("an unknown time"),
            )));
        }
        set_status(tx, &launch.id, &item.key, "done", note.as_deref())?;
        tx.audit(
            Some(&launch.id),
            "item.tick",
            &format!("item:{}", item.key),
            serde_json::json!({ "key": item.key, "title": item.title, "note": note }),
        )
    })
}

/// Reopens a done item; the reason is required and kept on the item.
pub fn untick(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    key: &str,
    reason: &str,
) -> Result<()> {
    let Some(reason) = clean_text(Some(reason), "reason")? else {
        return Err(Error::InvalidInput(
            "unticking needs a reason, e.g. --reason \"report was for staging\"".into(),
        ));
    };
    let launch = launch::get(store.conn(), launch_id)?;
    store.write(change, |tx| {
        let item = current(tx, &launch, key)?;
        if item.status != "done" {
            return Err(Error::Conflict(format!(
                "{} is not done, so there is nothing to untick",
                item.key
            )));
        }
        set_status(tx, &launch.id, &item.key, "open", Some(&reason))?;
        tx.audit(
            Some(&launch.id),
            "item.untick",
            &format!("item:{}", item.key),
            serde_json::json!({
                "key": item.key,
                "title": item.title,
                "reason": reason,
                "was_ticked_by": item.status_by,
                "was_ticked_at": item.status_at,
                "was_note": item.status_note,
            }),
        )
    })
}

fn set_status(
    tx: &crate::store::WriteTx<'_>,
    launch_id: &str,
    key: &str,
    status: &str,
    note: Option<&str>,
) -> Result<()> {
    let change = tx.change();
    tx.prepare_cached(
        "UPDATE items SET status = ?1, status_note = ?2, status_by = ?3, status_at = ?4
         WHERE launch_id = ?5 AND key = ?6",
    )?
    .execute(params![
        status,
        note,
        change.actor.display(),
        format_timestamp(change.at),
        launch_id,
        key
    ])?;
    Ok(())
}
