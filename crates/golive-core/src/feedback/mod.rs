//! The user feedback log of Day 1–30 (strategy 3.2, "user feedback
//! collection"): bug reports, feature requests, questions and praise, each
//! with its source, reporter, support tier, owner, status and resolution
//! time. Every change moves the launch's support KPIs ([`feed_kpis`]); a
//! help desk's CSV export comes in whole or not at all ([`csv`]).

pub mod csv;

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::actor::Change;
use crate::health::kpis;
use crate::store::{Store, WriteTx, new_id};
use crate::{Error, Result, contacts, format_timestamp, parse_timestamp};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FeedbackKind {
    Bug,
    Feature,
    Question,
    Praise,
}

impl FeedbackKind {
    pub fn key(self) -> &'static str {
        match self {
            FeedbackKind::Bug => "bug",
            FeedbackKind::Feature => "feature",
            FeedbackKind::Question => "question",
            FeedbackKind::Praise => "praise",
        }
    }

    /// Reads golive's words and the usual help-desk ones ("incident", "enhancement", "how-to", …).
    pub fn parse(text: &str) -> Result<FeedbackKind> {
        match text
            .trim()
            .to_ascii_lowercase()
            .replace(['-', '_'], " ")
            .as_str()
        {
            "bug" | "bug report" | "defect" | "problem" | "incident" | "error" => {
                Ok(FeedbackKind::Bug)
            }
            "feature" | "feature request" | "request" | "enhancement" | "idea" | "suggestion" => {
                Ok(FeedbackKind::Feature)
            }
            "question" | "how to" | "howto" | "support" | "help" => Ok(FeedbackKind::Question),
            "praise" | "compliment" | "kudos" | "positive" => Ok(FeedbackKind::Praise),
            _ => Err(Error::InvalidInput(format!(
                "{:?} is not a kind of feedback; use bug, feature, question or praise",
                text.trim()
            ))),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FeedbackStatus {
    New,
    InProgress,
    Resolved,
    WontFix,
}

impl FeedbackStatus {
    pub fn key(self) -> &'static str {
        match self {
            FeedbackStatus::New => "new",
            FeedbackStatus::InProgress => "in_progress",
            FeedbackStatus::Resolved => "resolved",
            FeedbackStatus::WontFix => "wont_fix",
        }
    }

    pub fn is_closed(self) -> bool {
        matches!(self, FeedbackStatus::Resolved | FeedbackStatus::WontFix)
    }

    /// Reads golive's words and the usual help-desk ones ("open", "solved", "closed", …).
    pub fn parse(text: &str) -> Result<FeedbackStatus> {
        match text
            .trim()
            .to_ascii_lowercase()
            .replace(['-', '_'], " ")
            .as_str()
        {
            "new" | "open" | "" => Ok(FeedbackStatus::New),
            "in progress" | "pending" | "working" | "assigned" | "on hold" => {
                Ok(FeedbackStatus::InProgress)
            }
            "resolved" | "solved" | "closed" | "done" | "fixed" => Ok(FeedbackStatus::Resolved),
            "wont fix" | "won't fix" | "rejected" | "declined" => Ok(FeedbackStatus::WontFix),
            _ => Err(Error::InvalidInput(format!(
                "{:?} is not a feedback status; use new, in_progress, resolved or wont_fix",
                text.trim()
            ))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Feedback {
    pub id: String,
    pub number: u32,
    /// "FB-12".
    pub key: String,
    pub kind: FeedbackKind,
    pub title: String,
    pub detail: String,
    /// Where it came from: help desk, survey, email, chat…
    pub source: String,
    pub reporter: String,
    pub tier: Option<u8>,
    pub owner_id: Option<String>,
    pub owner: Option<String>,
    pub status: FeedbackStatus,
    pub reported_at: String,
    pub resolved_at: Option<String>,
    /// Hours from reported to resolved, once closed.
    pub resolution_hours: Option<f64>,
    pub resolution: String,
    /// The help desk's ticket id.
    pub external_id: Option<String>,
}

/// An entry as entered; also the full new state when editing.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FeedbackInput {
    pub kind: Option<FeedbackKind>,
    pub title: String,
    #[serde(default)]
    pub detail: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub reporter: String,
    #[serde(default)]
    pub tier: Option<u8>,
    /// A contact's name or id.
    #[serde(default)]
    pub owner: Option<String>,
    /// [default: new]
    #[serde(default)]
    pub status: Option<FeedbackStatus>,
    /// RFC 3339 [default: now].
    #[serde(default)]
    pub reported_at: Option<String>,
    /// RFC 3339; closing without one closes now.
    #[serde(default)]
    pub resolved_at: Option<String>,
    #[serde(default)]
    pub resolution: String,
    #[serde(default)]
    pub external_id: Option<String>,
}

/// What the log adds up to, and what it gives the KPIs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FeedbackStats {
    pub total: u32,
    pub bugs: u32,
    pub features: u32,
    pub questions: u32,
    pub praise: u32,
    /// Not resolved and not declined.
    pub open: u32,
    pub closed: u32,
    /// Mean hours from reported to resolved.
    pub mean_resolution_hours: Option<f64>,
    /// Bug reports as a share of active users (the Active users KPI), in %.
    pub user_reported_percent: Option<f64>,
    /// The latest Active users value used for it.
    pub active_users: Option<f64>,
}

const COLUMNS: &str = "f.id, f.number, f.kind, f.title, f.detail, f.source, f.reporter, f.tier,
    f.owner_contact_id, c.name, f.status, f.reported_at, f.resolved_at, f.resolution, f.external_id";
const FROM: &str = "FROM feedback f LEFT JOIN contacts c ON c.id = f.owner_contact_id";

fn hours_between(from: &str, to: &str) -> Option<f64> {
    let (from, to) = (parse_timestamp(from).ok()?, parse_timestamp(to).ok()?);
    Some(((to.as_second() - from.as_second()) as f64 / 3600.0 * 10.0).round() / 10.0)
}

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Feedback> {
    let number: u32 = row.get(1)?;
    let reported_at: String = row.get(11)?;
    let resolved_at: Option<String> = row.get(12)?;
    Ok(Feedback {
        id: row.get(0)?,
        number,
        key: format!("FB-{number}"),
        kind: FeedbackKind::parse(&row.get::<_, String>(2)?).unwrap_or(FeedbackKind::Question),
        title: row.get(3)?,
        detail: row.get(4)?,
        source: row.get(5)?,
        reporter: row.get(6)?,
        tier: row.get(7)?,
        owner_id: row.get(8)?,
        owner: row.get(9)?,
        status: FeedbackStatus::parse(&row.get::<_, String>(10)?).unwrap_or(FeedbackStatus::New),
        resolution_hours: resolved_at
            .as_deref()
            .and_then(|r| hours_between(&reported_at, r)),
        reported_at,
        resolved_at,
        resolution: row.get(13)?,
        external_id: row.get(14)?,
    })
}

/// The log, open entries first, newest first.
pub fn list(conn: &Connection, launch_id: &str) -> Result<Vec<Feedback>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} {FROM} WHERE f.launch_id = ?1
         ORDER BY f.status IN ('resolved', 'wont_fix'), f.reported_at DESC, f.number DESC"
    ))?;
    Ok(stmt
        .query_map([launch_id], from_row)?
        .collect::<rusqlite::Result<_>>()?)
}

/// Finds an entry by id, "FB-12", "12" or the help desk's ticket id.
pub fn get(conn: &Connection, launch_id: &str, selector: &str) -> Result<Feedback> {
    let selector = selector.trim();
    let number = crate::numbering::parse(selector, "FB-");
    conn.query_row(
        &format!(
            "SELECT {COLUMNS} {FROM} WHERE f.launch_id = ?1
             AND (f.id = ?2 OR f.number = ?3 OR f.external_id = ?2) ORDER BY f.number LIMIT 1"
        ),
        params![launch_id, selector, number],
        from_row,
    )
    .optional()?
    .ok_or_else(|| {
        Error::NotFound(format!(
            "this launch has no feedback {selector:?}; list it with `golive feedback list`"
        ))
    })
}

/// An entry as checked, ready to be written.
#[derive(Debug, Clone)]
pub(crate) struct Checked {
    kind: FeedbackKind,
    title: String,
    detail: String,
    source: String,
    reporter: String,
    tier: Option<u8>,
    owner: Option<String>,
    status: FeedbackStatus,
    reported_at: String,
    resolved_at: Option<String>,
    resolution: String,
    external_id: Option<String>,
}

fn when(text: &str, what: &str) -> Result<String> {
    text.trim()
        .parse::<Timestamp>()
        .map(format_timestamp)
        .map_err(|_| {
            Error::InvalidInput(format!(
                "the {what} time {:?} is not a date and time with a zone, e.g. 2026-12-08T09:30:00Z",
                text.trim()
            ))
        })
}

pub(crate) fn check(
    conn: &Connection,
    launch_id: &str,
    input: &FeedbackInput,
    now: Timestamp,
) -> Result<Checked> {
    let kind = input.kind.ok_or_else(|| {
        Error::InvalidInput(
            "say what kind of feedback it is: bug, feature, question or praise".into(),
        )
    })?;
    let title = input.title.trim().to_string();
    if title.is_empty() {
        return Err(Error::InvalidInput(
            "the feedback needs a title, e.g. \"Export to PDF cuts the last page\"".into(),
        ));
    }
    if title.chars().count() > 300 {
        return Err(Error::InvalidInput(
            "the title is longer than 300 characters; put the rest in the detail".into(),
        ));
    }
    if let Some(tier) = input.tier
        && !(1..=3).contains(&tier)
    {
        return Err(Error::InvalidInput(format!(
            "support tier {tier} does not exist; tiers are 1 to 3"
        )));
    }
    let owner = match input.owner.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => Some(contacts::get(conn, launch_id, name)?.id),
        _ => None,
    };
    let status = input.status.unwrap_or(FeedbackStatus::New);
    let reported_at = match input
        .reported_at
        .as_deref()
        .filter(|t| !t.trim().is_empty())
    {
        Some(text) => when(text, "reported")?,
        None => format_timestamp(now),
    };
    let resolved_at = match (
        status.is_closed(),
        input
            .resolved_at
            .as_deref()
            .filter(|t| !t.trim().is_empty()),
    ) {
        (false, _) => None,
        (true, Some(text)) => Some(when(text, "resolved")?),
        (true, None) => Some(format_timestamp(now)),
    };
    if let Some(resolved) = &resolved_at
        && resolved < &reported_at
    {
        return Err(Error::InvalidInput(format!(
            "it was resolved ({resolved}) before it was reported ({reported_at})"
        )));
    }
    Ok(Checked {
        kind,
        title,
        detail: input.detail.trim().to_string(),
        source: input.source.trim().to_string(),
        reporter: input.reporter.trim().to_string(),
        tier: input.tier,
        owner,
        status,
        reported_at,
        resolved_at,
        resolution: input.resolution.trim().to_string(),
        external_id: input
            .external_id
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_string),
    })
}

fn details(f: &Checked) -> serde_json::Value {
    serde_json::json!({
        "kind": f.kind.key(), "title": f.title, "source": f.source, "reporter": f.reporter,
        "tier": f.tier, "owner": f.owner, "status": f.status.key(), "reported_at": f.reported_at,
        "resolved_at": f.resolved_at, "resolution": f.resolution, "external_id": f.external_id,
    })
}

/// Writes a new entry; returns its id and number.
pub(crate) fn insert(tx: &WriteTx<'_>, launch_id: &str, f: &Checked) -> Result<(String, u32)> {
    let id = new_id();
    let number = crate::numbering::next(tx, "feedback", launch_id)?;
    tx.execute(
        "INSERT INTO feedback (id, launch_id, number, kind, title, detail, source, reporter, tier,
            owner_contact_id, status, reported_at, resolved_at, resolution, external_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            id,
            launch_id,
            number,
            f.kind.key(),
            f.title,
            f.detail,
            f.source,
            f.reporter,
            f.tier,
            f.owner,
            f.status.key(),
            f.reported_at,
            f.resolved_at,
            f.resolution,
            f.external_id
        ],
    )?;
    Ok((id, number))
}

pub(crate) fn update(tx: &WriteTx<'_>, id: &str, f: &Checked) -> Result<()> {
    tx.execute(
        "UPDATE feedback SET kind = ?1, title = ?2, detail = ?3, source = ?4, reporter = ?5, tier = ?6,
            owner_contact_id = ?7, status = ?8, reported_at = ?9, resolved_at = ?10, resolution = ?11,
            external_id = ?12
         WHERE id = ?13",
        params![
            f.kind.key(),
            f.title,
            f.detail,
            f.source,
            f.reporter,
            f.tier,
            f.owner,
            f.status.key(),
            f.reported_at,
            f.resolved_at,
            f.resolution,
            f.external_id,
            id
        ],
    )?;
    Ok(())
}

pub fn add(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    input: &FeedbackInput,
) -> Result<Feedback> {
    let checked = check(store.conn(), launch_id, input, change.at)?;
    if let Some(external) = &checked.external_id
        && get(store.conn(), launch_id, external).is_ok()
    {
        return Err(Error::Conflict(format!(
            "the ticket {external:?} is in the log already; edit it instead"
        )));
    }
    let id = store.write(change, |tx| {
        let (id, number) = insert(tx, launch_id, &checked)?;
        let mut audit = details(&checked);
        audit["number"] = number.into();
        tx.audit(
            Some(launch_id),
            "feedback.add",
            &format!("feedback:{id}"),
            audit,
        )?;
        feed_kpis(tx, launch_id)?;
        Ok(id)
    })?;
    get(store.conn(), launch_id, &id)
}

/// Saves an entry's new state. Closing one without a time closes it now;
/// reopening clears when it was closed.
pub fn edit(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    selector: &str,
    input: &FeedbackInput,
) -> Result<Feedback> {
    let old = get(store.conn(), launch_id, selector)?;
    let mut input = input.clone();
    // A closed entry keeps when it was closed unless a new time is given.
    if input.resolved_at.is_none() && old.status.is_closed() {
        input.resolved_at = old.resolved_at.clone();
    }
    let checked = check(store.conn(), launch_id, &input, change.at)?;
    store.write(change, |tx| {
        update(tx, &old.id, &checked)?;
        let mut audit = details(&checked);
        audit["number"] = old.number.into();
        audit["from"] = serde_json::json!({ "status": old.status.key(), "owner": old.owner_id });
        tx.audit(
            Some(launch_id),
            "feedback.edit",
            &format!("feedback:{}", old.id),
            audit,
        )?;
        feed_kpis(tx, launch_id)
    })?;
    get(store.conn(), launch_id, &old.id)
}

/// Moves an entry to `status`; resolving or declining wants a resolution.
pub fn set_status(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    selector: &str,
    status: FeedbackStatus,
    resolution: &str,
) -> Result<Feedback> {
    let old = get(store.conn(), launch_id, selector)?;
    if status.is_closed() && resolution.trim().is_empty() {
        return Err(Error::InvalidInput(format!(
            "say how {} was {} (the resolution)",
            old.key,
            if status == FeedbackStatus::Resolved {
                "resolved"
            } else {
                "declined"
            }
        )));
    }
    let input = FeedbackInput {
        kind: Some(old.kind),
        title: old.title.clone(),
        detail: old.detail.clone(),
        source: old.source.clone(),
        reporter: old.reporter.clone(),
        tier: old.tier,
        owner: old.owner_id.clone(),
        status: Some(status),
        reported_at: Some(old.reported_at.clone()),
        resolved_at: None,
        resolution: if status.is_closed() {
            resolution.trim().to_string()
        } else {
            old.resolution.clone()
        },
        external_id: old.external_id.clone(),
    };
    let checked = check(store.conn(), launch_id, &input, change.at)?;
    store.write(change, |tx| {
        update(tx, &old.id, &checked)?;
        tx.audit(
            Some(launch_id),
            "feedback.status",
            &format!("feedback:{}", old.id),
            serde_json::json!({
                "number": old.number, "from": old.status.key(), "to": status.key(),
                "resolution": checked.resolution,
            }),
        )?;
        feed_kpis(tx, launch_id)
    })?;
    get(store.conn(), launch_id, &old.id)
}

pub fn remove(store: &mut Store, change: &Change, launch_id: &str, selector: &str) -> Result<()> {
    let old = get(store.conn(), launch_id, selector)?;
    store.write(change, |tx| {
        tx.execute("DELETE FROM feedback WHERE id = ?1", [&old.id])?;
        tx.audit(
            Some(launch_id),
            "feedback.remove",
            &format!("feedback:{}", old.id),
            serde_json::json!({ "feedback": old }),
        )?;
        feed_kpis(tx, launch_id)
    })
}

pub fn stats(conn: &Connection, launch_id: &str) -> Result<FeedbackStats> {
    let (total, bugs, features, questions, praise, open, closed, mean_seconds): (
        u32,
        u32,
        u32,
        u32,
        u32,
        u32,
        u32,
        Option<f64>,
    ) = conn.query_row(
        "SELECT count(*), count(*) FILTER (WHERE kind = 'bug'), count(*) FILTER (WHERE kind = 'feature'),
                count(*) FILTER (WHERE kind = 'question'), count(*) FILTER (WHERE kind = 'praise'),
                count(*) FILTER (WHERE status IN ('new', 'in_progress')),
                count(*) FILTER (WHERE status IN ('resolved', 'wont_fix')),
                avg(unixepoch(resolved_at) - unixepoch(reported_at)) FILTER (WHERE status = 'resolved')
         FROM feedback WHERE launch_id = ?1",
        [launch_id],
        |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
                row.get(5)?,
                row.get(6)?,
                row.get(7)?,
            ))
        },
    )?;
    let active_users: Option<f64> = conn
        .query_row(
            "SELECT v.value FROM kpi_values v JOIN kpis k ON k.id = v.kpi_id
             WHERE k.launch_id = ?1 AND k.key = 'active-users' AND v.value IS NOT NULL
             ORDER BY v.at DESC, v.rowid DESC LIMIT 1",
            [launch_id],
            |row| row.get(0),
        )
        .optional()?;
    let round = |v: f64| (v * 100.0).round() / 100.0;
    Ok(FeedbackStats {
        total,
        bugs,
        features,
        questions,
        praise,
        open,
        closed,
        mean_resolution_hours: mean_seconds.map(|s| round(s / 3600.0)),
        user_reported_percent: active_users
            .filter(|users| *users > 0.0)
            .map(|users| round(f64::from(bugs) * 100.0 / users)),
        active_users,
    })
}

/// Moves the support KPIs the log feeds, when the launch has them:
/// user-reported issues (bug reports per active user, in %), ticket
/// resolution time (mean hours) and open support tickets.
fn feed_kpis(tx: &WriteTx<'_>, launch_id: &str) -> Result<()> {
    let s = stats(tx, launch_id)?;
    let note = "from the feedback log";
    kpis::derive(tx, launch_id, "open-tickets", f64::from(s.open), note)?;
    if let Some(hours) = s.mean_resolution_hours {
        kpis::derive(tx, launch_id, "ticket-resolution", hours, note)?;
    }
    if let (Some(percent), Some(users)) = (s.user_reported_percent, s.active_users) {
        kpis::derive(
            tx,
            launch_id,
            "user-reported-issues",
            percent,
            &format!(
                "from the feedback log: {} bug reports, {users} active users",
                s.bugs
            ),
        )?;
    }
    Ok(())
}

/// What a CSV import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FeedbackImport {
    pub added: u32,
    /// Rows whose ticket id was in the log already.
    pub updated: u32,
}

/// Imports a help desk's CSV export, all or nothing (see [`csv`]).
pub fn import_csv(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    source: &str,
    text: &str,
) -> Result<FeedbackImport> {
    let located = |e: Error| match e {
        Error::InvalidInput(m) | Error::NotFound(m) => {
            Error::InvalidInput(format!("{source}, {m}; nothing was imported"))
        }
        other => other,
    };
    let zone: String = store.conn().query_row(
        "SELECT time_zone FROM launches WHERE id = ?1",
        [launch_id],
        |row| row.get(0),
    )?;
    let rows = csv::parse(text, &zone).map_err(located)?;
    if rows.is_empty() {
        return Err(Error::InvalidInput(format!(
            "{source} has a header but no rows; nothing was imported"
        )));
    }
    let mut planned = Vec::new();
    for row in &rows {
        let checked = check(store.conn(), launch_id, &row.input, change.at).map_err(|e| {
            located(match e {
                Error::InvalidInput(m) | Error::NotFound(m) => {
                    Error::InvalidInput(format!("line {}: {m}", row.line))
                }
                other => other,
            })
        })?;
        let known = match &checked.external_id {
            Some(external) => get(store.conn(), launch_id, external).ok().map(|f| f.id),
            None => None,
        };
        planned.push((checked, known));
    }
    let mut summary = FeedbackImport {
        added: 0,
        updated: 0,
    };
    store.write(change, |tx| {
        for (checked, known) in &planned {
            match known {
                Some(id) => {
                    update(tx, id, checked)?;
                    summary.updated += 1;
                }
                None => {
                    insert(tx, launch_id, checked)?;
                    summary.added += 1;
                }
            }
        }
        tx.audit(
            Some(launch_id),
            "feedback.import",
            &format!("launch:{launch_id}"),
            serde_json::json!({ "source": source, "added": summary.added, "updated": summary.updated }),
        )?;
        feed_kpis(tx, launch_id)
    })?;
    Ok(summary)
}

pub fn import_file(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    path: &std::path::Path,
) -> Result<FeedbackImport> {
    let (name, text) = crate::textfile::read(path, "a CSV file")?;
    import_csv(store, change, launch_id, &name, &text)
}
