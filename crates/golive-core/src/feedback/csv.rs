//! A help desk's export as CSV: one header row naming the columns (any
//! order, any case, the usual help-desk names too), then one entry per row.
//! `title` and `kind` are required. Times are RFC 3339, or `YYYY-MM-DD
//! HH:MM[:SS]` and `YYYY-MM-DD` in the launch's time zone.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use super::{FeedbackInput, FeedbackKind, FeedbackStatus};
use crate::{Error, Result, format_timestamp};

/// A row read, with the line it is on.
pub struct Row {
    pub line: usize,
    pub input: FeedbackInput,
}

/// golive's column names, and the other names help desks give them.
const COLUMNS: &[(&str, &[&str])] = &[
    (
        "id",
        &["ticket", "ticket_id", "external_id", "number", "key"],
    ),
    ("kind", &["type", "category", "ticket_type"]),
    ("title", &["subject", "summary"]),
    ("detail", &["description", "details", "body"]),
    ("source", &["channel", "via"]),
    (
        "reporter",
        &["requester", "user", "customer", "reported_by"],
    ),
    ("tier", &["support_tier", "level"]),
    ("owner", &["assignee", "assigned_to", "agent"]),
    ("status", &["state"]),
    (
        "reported_at",
        &["created", "created_at", "reported", "opened_at", "date"],
    ),
    (
        "resolved_at",
        &["resolved", "closed_at", "solved_at", "closed"],
    ),
    ("resolution", &["resolution_note", "solution"]),
];

fn bad(line: usize, message: &str) -> Error {
    Error::InvalidInput(format!("line {line}: {message}"))
}

fn column_of(header: &str) -> Option<&'static str> {
    let name = header.trim().to_ascii_lowercase().replace([' ', '-'], "_");
    COLUMNS
        .iter()
        .find(|(own, others)| *own == name || others.contains(&name.as_str()))
        .map(|(own, _)| *own)
}

/// A time as written in an export, as RFC 3339.
fn time(text: &str, zone: &TimeZone, line: usize, column: &str) -> Result<String> {
    let text = text.trim();
    if let Ok(at) = text.parse::<jiff::Timestamp>() {
        return Ok(format_timestamp(at));
    }
    let local = text.replacen(' ', "T", 1);
    let civil = local
        .parse::<DateTime>()
        .or_else(|_| local.parse::<jiff::civil::Date>().map(|d| d.to_datetime(jiff::civil::Time::midnight())))
        .map_err(|_| {
            bad(
                line,
                &format!("{column} {text:?} is not a date and time (e.g. 2026-12-08 09:30 or 2026-12-08T09:30:00Z)"),
            )
        })?;
    zone.to_ambiguous_zoned(civil)
        .compatible()
        .map(|z| format_timestamp(z.timestamp()))
        .map_err(|e| bad(line, &format!("{column} {text:?}: {e}")))
}

pub fn parse(text: &str, launch_zone: &str) -> Result<Vec<Row>> {
    let zone = TimeZone::get(launch_zone).unwrap_or(TimeZone::UTC);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<&'static str> = reader
        .headers()
        .map_err(|e| bad(1, &e.to_string()))?
        .iter()
        .map(|h| {
            column_of(h).ok_or_else(|| {
                bad(
                    1,
                    &format!(
                        "the column {h:?} is not one golive knows (columns: {})",
                        COLUMNS
                            .iter()
                            .map(|(c, _)| *c)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })
        })
        .collect::<Result<_>>()?;
    for required in ["title", "kind"] {
        if !header.contains(&required) {
            return Err(bad(1, &format!("the header has no `{required}` column")));
        }
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            bad(line, &e.to_string())
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(str::is_empty) {
            continue;
        }
        let field = |name: &str| {
            header
                .iter()
                .position(|h| *h == name)
                .and_then(|i| record.get(i))
                .unwrap_or("")
                .to_string()
        };
        let at_line = |e: Error| match e {
            Error::InvalidInput(m) => bad(line, &m),
            other => other,
        };
        let kind = FeedbackKind::parse(&field("kind")).map_err(at_line)?;
        let status = FeedbackStatus::parse(&field("status")).map_err(at_line)?;
        let tier =
            match field("tier")
                .trim()
                .trim_start_matches(['T', 't'])
                .trim_start_matches("ier")
                .trim()
            {
                "" => None,
                n => Some(n.parse::<u8>().map_err(|_| {
                    bad(line, &format!("tier {:?} is not 1, 2 or 3", field("tier")))
                })?),
            };
        let reported_at = match field("reported_at").as_str() {
            "" => None,
            text => Some(time(text, &zone, line, "reported_at")?),
        };
        let resolved_at = match field("resolved_at").as_str() {
            "" => None,
            text => Some(time(text, &zone, line, "resolved_at")?),
        };
        if status.is_closed() && resolved_at.is_none() {
            return Err(bad(
                line,
                &format!(
                    "the status is {} but resolved_at is empty; the resolution time needs it",
                    status.key()
                ),
            ));
        }
        if reported_at.is_none() {
            return Err(bad(line, "reported_at is empty; say when it was reported"));
        }
        rows.push(Row {
            line,
            input: FeedbackInput {
                kind: Some(kind),
                title: field("title"),
                detail: field("detail"),
                source: Some(field("source"))
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "help desk".into()),
                reporter: field("reporter"),
                tier,
                owner: Some(field("owner")).filter(|o| !o.is_empty()),
                status: Some(status),
                reported_at,
                resolved_at,
                resolution: field("resolution"),
                external_id: Some(field("id")).filter(|i| !i.is_empty()),
            },
        });
    }
    Ok(rows)
}
