//! Training: sessions for the strategy's audiences (administrators, end
//! users, the support team), each with its start and end in a time zone, a
//! place or link, a trainer, materials, and attendees from the directory
//! with attendance and completion. Completion per audience feeds the rule
//! "user training completed" and the training-completion KPI. Sessions go
//! out as iCalendar invitations and come back in from .ics files
//! ([`ics`]); a moved session is a reschedule, audited with both times.

pub mod ics;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::actor::Change;
use crate::calendar::parse_time_zone;
use crate::contacts;
use crate::health::kpis;
use crate::store::{Store, WriteTx, new_id};
use crate::{Error, Result, format_timestamp, parse_timestamp};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Administrators,
    EndUsers,
    SupportTeam,
}

impl Audience {
    pub const ALL: [Audience; 3] = [
        Audience::Administrators,
        Audience::EndUsers,
        Audience::SupportTeam,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Audience::Administrators => "administrators",
            Audience::EndUsers => "end_users",
            Audience::SupportTeam => "support_team",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Audience::Administrators => "Administrators",
            Audience::EndUsers => "End users",
            Audience::SupportTeam => "Support team",
        }
    }

    /// Reads a key or label, e.g. `end_users`, `End users`, `admins`, `support`.
    pub fn parse(text: &str) -> Result<Audience> {
        let word = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        match word.as_str() {
            "administrators" | "administrator" | "admins" | "admin" => Ok(Audience::Administrators),
            "end_users" | "end_user" | "users" | "user" => Ok(Audience::EndUsers),
            "support_team" | "support" => Ok(Audience::SupportTeam),
            _ => Err(Error::InvalidInput(format!(
                "{:?} is not an audience; use administrators, end_users or support_team",
                text.trim()
            ))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Attendee {
    pub contact_id: String,
    pub name: String,
    pub email: String,
    pub attended: bool,
    pub completed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Session {
    pub id: String,
    pub number: u32,
    /// "TRN-2".
    pub key: String,
    /// The iCalendar UID.
    pub uid: String,
    pub title: String,
    pub audience: Audience,
    pub starts_at: String,
    pub ends_at: String,
    pub time_zone: String,
    /// Start and end as wall-clock times in `time_zone`, `YYYY-MM-DDTHH:MM`.
    pub local_start: String,
    pub local_end: String,
    /// A room, an address or a meeting link.
    pub place: String,
    pub trainer_id: Option<String>,
    pub trainer: Option<String>,
    pub materials: Vec<String>,
    /// Bumped on every change, as iCalendar's SEQUENCE.
    pub sequence: u32,
    pub attendees: Vec<Attendee>,
}

/// A session as entered; also the full new state when editing.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SessionInput {
    pub title: String,
    pub audience: Audience,
    /// Wall-clock start in `time_zone`, `YYYY-MM-DDTHH:MM`.
    pub start: String,
    pub end: String,
    pub time_zone: String,
    #[serde(default)]
    pub place: String,
    /// A contact's name or id.
    #[serde(default)]
    pub trainer: Option<String>,
    #[serde(default)]
    pub materials: Vec<String>,
    /// Contacts' names or ids.
    #[serde(default)]
    pub attendees: Vec<String>,
}

/// Completion of one audience: of the people invited to its sessions, how
/// many completed one.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Completion {
    pub audience: Audience,
    pub label: String,
    pub sessions: u32,
    pub invited: u32,
    pub attended: u32,
    pub completed: u32,
    /// None while nobody is invited.
    pub percent: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Training {
    pub sessions: Vec<Session>,
    pub completion: Vec<Completion>,
}

const COLUMNS: &str =
    "s.id, s.number, s.uid, s.title, s.audience, s.starts_at, s.ends_at, s.time_zone,
    s.place, s.trainer_contact_id, c.name, s.materials, s.sequence";
const FROM: &str = "FROM training_sessions s LEFT JOIN contacts c ON c.id = s.trainer_contact_id";

fn wall_clock(at: &str, zone: &str) -> String {
    match (parse_timestamp(at), TimeZone::get(zone)) {
        (Ok(at), Ok(zone)) => at.to_zoned(zone).strftime("%Y-%m-%dT%H:%M").to_string(),
        _ => at.to_string(),
    }
}

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Session> {
    let number: u32 = row.get(1)?;
    let starts_at: String = row.get(5)?;
    let ends_at: String = row.get(6)?;
    let time_zone: String = row.get(7)?;
    let materials: String = row.get(11)?;
    Ok(Session {
        id: row.get(0)?,
        number,
        key: format!("TRN-{number}"),
        uid: row.get(2)?,
        title: row.get(3)?,
        audience: Audience::parse(&row.get::<_, String>(4)?).unwrap_or(Audience::EndUsers),
        local_start: wall_clock(&starts_at, &time_zone),
        local_end: wall_clock(&ends_at, &time_zone),
        starts_at,
        ends_at,
        time_zone,
        place: row.get(8)?,
        trainer_id: row.get(9)?,
        trainer: row.get(10)?,
        materials: serde_json::from_str(&materials).unwrap_or_default(),
        sequence: row.get(12)?,
        attendees: Vec::new(),
    })
}

fn attendees(conn: &Connection, session_id: &str) -> Result<Vec<Attendee>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.contact_id, c.name, c.email, a.attended, a.completed
         FROM training_attendees a JOIN contacts c ON c.id = a.contact_id
         WHERE a.session_id = ?1 ORDER BY c.name COLLATE NOCASE",
    )?;
    Ok(stmt
        .query_map([session_id], |row| {
            Ok(Attendee {
                contact_id: row.get(0)?,
                name: row.get(1)?,
                email: row.get(2)?,
                attended: row.get(3)?,
                completed: row.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// The launch's sessions with their attendees, earliest first.
pub fn list(conn: &Connection, launch_id: &str) -> Result<Vec<Session>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} {FROM} WHERE s.launch_id = ?1 ORDER BY s.starts_at, s.number"
    ))?;
    let mut sessions: Vec<Session> = stmt
        .query_map([launch_id], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    for session in &mut sessions {
        session.attendees = attendees(conn, &session.id)?;
    }
    Ok(sessions)
}

/// Finds a session by id, UID, "TRN-2" or "2".
pub fn get(conn: &Connection, launch_id: &str, selector: &str) -> Result<Session> {
    let selector = selector.trim();
    let number = crate::numbering::parse(selector, "TRN-");
    let mut session = conn
        .query_row(
            &format!(
                "SELECT {COLUMNS} {FROM} WHERE s.launch_id = ?1 AND (s.id = ?2 OR s.uid = ?2 OR s.number = ?3)"
            ),
            params![launch_id, selector, number],
            from_row,
        )
        .optional()?
        .ok_or_else(|| {
            Error::NotFound(format!(
                "this launch has no training session {selector:?}; list them with `golive training list`"
            ))
        })?;
    session.attendees = attendees(conn, &session.id)?;
    Ok(session)
}

/// Completion of every audience, in the order of [`Audience::ALL`].
pub fn completion(conn: &Connection, launch_id: &str) -> Result<Vec<Completion>> {
    let mut stmt = conn.prepare_cached(
        "SELECT count(DISTINCT s.id), count(DISTINCT a.contact_id),
                count(DISTINCT CASE WHEN a.attended THEN a.contact_id END),
                count(DISTINCT CASE WHEN a.completed THEN a.contact_id END)
         FROM training_sessions s LEFT JOIN training_attendees a ON a.session_id = s.id
         WHERE s.launch_id = ?1 AND s.audience = ?2",
    )?;
    Audience::ALL
        .iter()
        .map(|&audience| {
            let (sessions, invited, attended, completed): (u32, u32, u32, u32) = stmt
                .query_row(params![launch_id, audience.key()], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
                })?;
            Ok(Completion {
                audience,
                label: audience.label().into(),
                sessions,
                invited,
                attended,
                completed,
                percent: (invited > 0).then(|| f64::from(completed) * 100.0 / f64::from(invited)),
            })
        })
        .collect()
}

pub fn overview(conn: &Connection, launch_id: &str) -> Result<Training> {
    Ok(Training {
        sessions: list(conn, launch_id)?,
        completion: completion(conn, launch_id)?,
    })
}

/// A session as checked, ready to be written.
struct Checked {
    title: String,
    audience: Audience,
    starts_at: Timestamp,
    ends_at: Timestamp,
    time_zone: String,
    place: String,
    trainer: Option<String>,
    materials: Vec<String>,
    attendees: Vec<String>,
}

fn instant(text: &str, zone: &TimeZone, what: &str) -> Result<Timestamp> {
    let normalized = text.trim().replacen(' ', "T", 1);
    let local: jiff::civil::DateTime = normalized.parse().map_err(|_| {
        Error::InvalidInput(format!(
            "the {what} {text:?} is not a date and time; write it as YYYY-MM-DDTHH:MM, e.g. 2026-12-03T09:00"
        ))
    })?;
    zone.to_ambiguous_zoned(local)
        .compatible()
        .map(|z| z.timestamp())
        .map_err(|e| Error::InvalidInput(format!("the {what} {text:?}: {e}")))
}

fn check(conn: &Connection, launch_id: &str, input: &SessionInput) -> Result<Checked> {
    let title = input.title.trim().to_string();
    if title.is_empty() {
        return Err(Error::InvalidInput(
            "the session needs a title, e.g. \"Admin training: user management\"".into(),
        ));
    }
    if title.chars().count() > 200 {
        return Err(Error::InvalidInput(
            "the title is longer than 200 characters".into(),
        ));
    }
    let zone = parse_time_zone(&input.time_zone)?;
    let starts_at = instant(&input.start, &zone, "start")?;
    let ends_at = instant(&input.end, &zone, "end")?;
    if ends_at <= starts_at {
        return Err(Error::InvalidInput(format!(
            "the session ends ({}) before it starts ({}); give an end after the start",
            input.end.trim().replacen('T', " ", 1),
            input.start.trim().replacen('T', " ", 1)
        )));
    }
    if ends_at.as_second() - starts_at.as_second() > 7 * 86_400 {
        return Err(Error::InvalidInput(
            "the session is longer than a week; schedule one session per day instead".into(),
        ));
    }
    let trainer = match input.trainer.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => Some(contacts::get(conn, launch_id, name)?.id),
        _ => None,
    };
    let mut attendees = Vec::new();
    for name in input
        .attendees
        .iter()
        .map(|a| a.trim())
        .filter(|a| !a.is_empty())
    {
        let id = contacts::get(conn, launch_id, name)?.id;
        if !attendees.contains(&id) {
            attendees.push(id);
        }
    }
    Ok(Checked {
        title,
        audience: input.audience,
        starts_at,
        ends_at,
        time_zone: input.time_zone.trim().to_string(),
        place: input.place.trim().to_string(),
        trainer,
        materials: input
            .materials
            .iter()
            .map(|m| m.trim().to_string())
            .filter(|m| !m.is_empty())
            .collect(),
        attendees,
    })
}

/// Records the overall completion in the training-completion KPI when the
/// launch has it: the share of invited people who completed a session.
fn feed_kpi(tx: &WriteTx<'_>, launch_id: &str) -> Result<()> {
    let all = completion(tx, launch_id)?;
    let invited: u32 = all.iter().map(|c| c.invited).sum();
    let completed: u32 = all.iter().map(|c| c.completed).sum();
    if invited == 0 {
        return Ok(());
    }
    let value = f64::from(completed) * 100.0 / f64::from(invited);
    kpis::derive(
        tx,
        launch_id,
        "training-completion",
        value,
        &format!("from training attendance: {completed} of {invited} invited completed"),
    )
}

fn write_attendees(tx: &WriteTx<'_>, session_id: &str, wanted: &[String]) -> Result<()> {
    let current: Vec<String> = tx
        .prepare_cached("SELECT contact_id FROM training_attendees WHERE session_id = ?1")?
        .query_map([session_id], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for gone in current.iter().filter(|c| !wanted.contains(c)) {
        tx.execute(
            "DELETE FROM training_attendees WHERE session_id = ?1 AND contact_id = ?2",
            params![session_id, gone],
        )?;
    }
    for contact in wanted.iter().filter(|c| !current.contains(c)) {
        tx.execute(
            "INSERT INTO training_attendees (session_id, contact_id) VALUES (?1, ?2)",
            params![session_id, contact],
        )?;
    }
    Ok(())
}

fn insert(tx: &WriteTx<'_>, launch_id: &str, uid: &str, s: &Checked) -> Result<String> {
    let id = new_id();
    let number = crate::numbering::next(tx, "training_sessions", launch_id)?;
    tx.execute(
        "INSERT INTO training_sessions (id, launch_id, number, uid, title, audience, starts_at, ends_at,
            time_zone, place, trainer_contact_id, materials, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            id,
            launch_id,
            number,
            uid,
            s.title,
            s.audience.key(),
            format_timestamp(s.starts_at),
            format_timestamp(s.ends_at),
            s.time_zone,
            s.place,
            s.trainer,
            serde_json::json!(s.materials).to_string(),
            format_timestamp(tx.change().at),
        ],
    )?;
    write_attendees(tx, &id, &s.attendees)?;
    tx.audit(
        Some(launch_id),
        "training.add",
        &format!("training:{id}"),
        serde_json::json!({
            "number": number, "title": s.title, "audience": s.audience.key(),
            "starts_at": format_timestamp(s.starts_at), "ends_at": format_timestamp(s.ends_at),
            "time_zone": s.time_zone, "place": s.place, "trainer": s.trainer,
            "materials": s.materials, "attendees": s.attendees,
        }),
    )?;
    Ok(id)
}

/// Writes the new state of `old`; a change of start or end is audited as a
/// reschedule with both times.
fn update(tx: &WriteTx<'_>, launch_id: &str, old: &Session, s: &Checked) -> Result<()> {
    let (starts_at, ends_at) = (format_timestamp(s.starts_at), format_timestamp(s.ends_at));
    tx.execute(
        "UPDATE training_sessions SET title = ?1, audience = ?2, starts_at = ?3, ends_at = ?4,
            time_zone = ?5, place = ?6, trainer_contact_id = ?7, materials = ?8, sequence = sequence + 1
         WHERE id = ?9",
        params![
            s.title,
            s.audience.key(),
            starts_at,
            ends_at,
            s.time_zone,
            s.place,
            s.trainer,
            serde_json::json!(s.materials).to_string(),
            old.id
        ],
    )?;
    write_attendees(tx, &old.id, &s.attendees)?;
    let moved = old.starts_at != starts_at || old.ends_at != ends_at;
    let mut details = serde_json::json!({
        "number": old.number, "title": s.title, "audience": s.audience.key(),
        "time_zone": s.time_zone, "place": s.place, "trainer": s.trainer,
        "materials": s.materials, "attendees": s.attendees,
        "starts_at": starts_at, "ends_at": ends_at,
    });
    if moved {
        details["from"] = serde_json::json!({ "starts_at": old.starts_at, "ends_at": old.ends_at });
    }
    let action = if moved {
        "training.reschedule"
    } else {
        "training.edit"
    };
    tx.audit(
        Some(launch_id),
        action,
        &format!("training:{}", old.id),
        details,
    )
}

pub fn add(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    input: &SessionInput,
) -> Result<Session> {
    let checked = check(store.conn(), launch_id, input)?;
    let uid = format!("{}@golive", new_id());
    let id = store.write(change, |tx| {
        let id = insert(tx, launch_id, &uid, &checked)?;
        feed_kpi(tx, launch_id)?;
        Ok(id)
    })?;
    get(store.conn(), launch_id, &id)
}

pub fn edit(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    selector: &str,
    input: &SessionInput,
) -> Result<Session> {
    let old = get(store.conn(), launch_id, selector)?;
    let checked = check(store.conn(), launch_id, input)?;
    store.write(change, |tx| {
        update(tx, launch_id, &old, &checked)?;
        feed_kpi(tx, launch_id)
    })?;
    get(store.conn(), launch_id, &old.id)
}

pub fn remove(store: &mut Store, change: &Change, launch_id: &str, selector: &str) -> Result<()> {
    let old = get(store.conn(), launch_id, selector)?;
    store.write(change, |tx| {
        tx.execute("DELETE FROM training_sessions WHERE id = ?1", [&old.id])?;
        tx.audit(
            Some(launch_id),
            "training.remove",
            &format!("training:{}", old.id),
            serde_json::json!({ "session": old }),
        )?;
        feed_kpi(tx, launch_id)
    })
}

/// What a trainer records for one attendee; None leaves it as it is.
/// Completing implies attending; not attending undoes completing.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Mark {
    #[serde(default)]
    pub attended: Option<bool>,
    #[serde(default)]
    pub completed: Option<bool>,
}

pub fn mark(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    session: &str,
    contact: &str,
    mark: Mark,
) -> Result<Session> {
    let session = get(store.conn(), launch_id, session)?;
    let person = contacts::get(store.conn(), launch_id, contact)?;
    let Some(current) = session.attendees.iter().find(|a| a.contact_id == person.id) else {
        return Err(Error::InvalidInput(format!(
            "{} is not invited to {} \"{}\"; add them to the session first",
            person.name, session.key, session.title
        )));
    };
    let mut completed = mark.completed.unwrap_or(current.completed);
    let mut attended = mark.attended.unwrap_or(current.attended);
    if mark.completed == Some(true) {
        attended = true;
    }
    if mark.attended == Some(false) {
        completed = false;
    }
    store.write(change, |tx| {
        tx.execute(
            "UPDATE training_attendees SET attended = ?1, completed = ?2
             WHERE session_id = ?3 AND contact_id = ?4",
            params![attended, completed, session.id, person.id],
        )?;
        tx.audit(
            Some(launch_id),
            "training.attendance",
            &format!("training:{}", session.id),
            serde_json::json!({
                "number": session.number, "contact": person.id, "name": person.name,
                "attended": attended, "completed": completed,
            }),
        )?;
        feed_kpi(tx, launch_id)
    })?;
    get(store.conn(), launch_id, &session.id)
}

/// What an .ics import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TrainingImport {
    pub added: u32,
    /// Of the sessions already known (same UID): moved to a new time.
    pub rescheduled: u32,
    /// Known sessions changed otherwise, or unchanged.
    pub updated: u32,
    /// Events cancelled in the calendar, not imported.
    pub cancelled: u32,
}

/// Imports the events of an .ics file, all or nothing: an event with a UID
/// golive knows updates that session (a moved one is a reschedule), others
/// become new sessions. `source` names the file in errors.
pub fn import_ics(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    source: &str,
    text: &str,
    default_audience: Audience,
    default_zone: &str,
) -> Result<TrainingImport> {
    let located = |e: Error| match e {
        Error::InvalidInput(m) => {
            Error::InvalidInput(format!("{source}, {m}; nothing was imported"))
        }
        other => other,
    };
    let events = ics::parse(text, default_audience, default_zone).map_err(located)?;
    if events.is_empty() {
        return Err(Error::InvalidInput(format!(
            "{source} holds no events (BEGIN:VEVENT … END:VEVENT); nothing was imported"
        )));
    }
    let conn = store.conn();
    let people = contacts::list(conn, launch_id)?;
    let mut planned = Vec::new();
    let mut cancelled = 0;
    for event in events {
        if event.cancelled {
            cancelled += 1;
            continue;
        }
        let mut input = event.input;
        // The organizer is often whoever sent the invitation, not a trainer
        // in the directory: kept only when known.
        input.trainer = event
            .organizer
            .and_then(|o| people.iter().find(|c| o.is(c)).map(|c| c.id.clone()));
        for attendee in &event.attendees {
            let Some(contact) = people.iter().find(|c| attendee.is(c)) else {
                return Err(located(bad_line(
                    event.line,
                    &format!(
                        "the attendee {} is not in the directory; add or import them as contacts first, \
                         or take them off the invitation",
                        attendee.shown()
                    ),
                )));
            };
            input.attendees.push(contact.id.clone());
        }
        let checked =
            check(conn, launch_id, &input).map_err(|e| located(line_error(event.line, e)))?;
        let known = get(conn, launch_id, &event.uid).ok();
        planned.push((event.uid, checked, known));
    }
    let mut summary = TrainingImport {
        added: 0,
        rescheduled: 0,
        updated: 0,
        cancelled,
    };
    store.write(change, |tx| {
        for (uid, checked, known) in &planned {
            match known {
                None => {
                    insert(tx, launch_id, uid, checked)?;
                    summary.added += 1;
                }
                Some(old) => {
                    update(tx, launch_id, old, checked)?;
                    if old.starts_at != format_timestamp(checked.starts_at)
                        || old.ends_at != format_timestamp(checked.ends_at)
                    {
                        summary.rescheduled += 1;
                    } else {
                        summary.updated += 1;
                    }
                }
            }
        }
        tx.audit(
            Some(launch_id),
            "training.import",
            &format!("launch:{launch_id}"),
            serde_json::json!({
                "source": source, "added": summary.added,
                "rescheduled": summary.rescheduled, "updated": summary.updated,
                "cancelled": summary.cancelled,
            }),
        )?;
        // Once for the whole file, not once per session.
        feed_kpi(tx, launch_id)
    })?;
    Ok(summary)
}

fn bad_line(line: usize, message: &str) -> Error {
    Error::InvalidInput(format!("line {line}: {message}"))
}

fn line_error(line: usize, error: Error) -> Error {
    match error {
        Error::InvalidInput(m) | Error::NotFound(m) => {
            Error::InvalidInput(format!("line {line}: {m}"))
        }
        other => other,
    }
}

pub fn import_ics_file(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    path: &std::path::Path,
    default_audience: Audience,
) -> Result<TrainingImport> {
    let (name, text) = crate::textfile::read(path, "an iCalendar (.ics) file")?;
    let zone: String = store.conn().query_row(
        "SELECT time_zone FROM launches WHERE id = ?1",
        [launch_id],
        |row| row.get(0),
    )?;
    import_ics(
        store,
        change,
        launch_id,
        &name,
        &text,
        default_audience,
        &zone,
    )
}

/// One session (or all with `None`) as an iCalendar file.
pub fn export_ics(conn: &Connection, launch_id: &str, session: Option<&str>) -> Result<String> {
    let sessions = match session {
        Some(selector) => vec![get(conn, launch_id, selector)?],
        None => list(conn, launch_id)?,
    };
    let launch = crate::launch::get(conn, launch_id)?;
    let people = contacts::list(conn, launch_id)?;
    Ok(ics::write(&launch.name, &sessions, &people))
}

/// Writes the sessions (or one) to `path`; returns how many.
pub fn export_ics_file(
    conn: &Connection,
    launch_id: &str,
    session: Option<&str>,
    path: &std::path::Path,
) -> Result<usize> {
    let text = export_ics(conn, launch_id, session)?;
    let count = text.matches("BEGIN:VEVENT").count();
    std::fs::write(path, text).map_err(|e| {
        Error::InvalidInput(format!(
            "cannot write {}: {e}; choose a folder you can write to",
            path.display()
        ))
    })?;
    Ok(count)
}
