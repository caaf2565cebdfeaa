//! Text output for people. Every function returns the text, so the shape of
//! the output is one place and easy to read.

use std::fmt::Write;
use std::path::Path;

use golive_core::audit::{Event, Verification};
use golive_core::launch::Launch;
use golive_core::readiness::{Checklist, Item, Progress, Status, Summary};
use jiff::Timestamp;
use jiff::tz::TimeZone;

/// A stored UTC timestamp shown in the launch's time zone.
pub fn local_time(stored: &str, time_zone: &str) -> String {
    match (stored.parse::<Timestamp>(), TimeZone::get(time_zone)) {
        (Ok(at), Ok(tz)) => at.to_zoned(tz).strftime("%Y-%m-%d %H:%M %Z").to_string(),
        _ => stored.to_string(),
    }
}

fn go_live_line(launch: &Launch) -> String {
    let when = launch
        .go_live_local
        .get(..16)
        .unwrap_or(&launch.go_live_local)
        .replace('T', " ");
    let platform = if launch.platform.is_empty() {
        String::new()
    } else {
        format!(" ({})", launch.platform)
    };
    format!(
        "{}{platform} — go-live {when} {}",
        launch.name, launch.time_zone
    )
}

pub fn countdown(seconds: i64) -> String {
    if seconds <= 0 {
        return "go-live has passed".into();
    }
    let (days, hours, minutes) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
    );
    if days > 0 {
        format!("go-live in {days}d {hours}h {minutes}m")
    } else {
        format!("go-live in {hours}h {minutes}m")
    }
}

pub fn day_label(day: i32) -> String {
    match day {
        0 => "Day 0".into(),
        d if d > 0 => format!("Day +{d}"),
        d => format!("Day {d}"),
    }
}

fn progress_cells(p: &Progress) -> String {
    let overdue = if p.overdue > 0 {
        format!("  {} overdue", p.overdue)
    } else {
        String::new()
    };
    format!("{:>3}/{:<3} {:>3}%{overdue}", p.done, p.total, p.percent)
}

pub fn status(s: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", go_live_line(&s.launch));
    let _ = writeln!(
        out,
        "Today {} · {} · {}",
        s.today,
        day_label(s.day_number),
        countdown(s.seconds_to_go_live)
    );
    let _ = writeln!(out, "\nReadiness");
    for phase in &s.phases {
        let days = if phase.first_day == phase.last_day {
            day_label(phase.first_day)
        } else {
            format!("Day {}..{}", phase.first_day, phase.last_day)
        };
        let _ = writeln!(
            out,
            "  {:<28} {:<12} {}",
            phase.name,
            days,
            progress_cells(&phase.progress)
        );
    }
    let _ = writeln!(
        out,
        "  {:<28} {:<12} {}",
        "All items",
        "",
        progress_cells(&s.overall)
    );
    let _ = writeln!(
        out,
        "  {:<28} {:<12} {}",
        "Go-decision items",
        "",
        progress_cells(&s.gate)
    );
    for (title, items) in [("Overdue", &s.overdue), ("Due today", &s.due_today)] {
        let _ = writeln!(out, "\n{title} ({})", items.len());
        if items.is_empty() {
            let _ = writeln!(out, "  none");
        }
        for item in items {
            let _ = writeln!(
                out,
                "  {:<8} {:<58} {:<16} due {} ({})",
                item.key,
                clip(&item.title, 58),
                item.owner_name,
                day_label(item.due_day),
                item.due_date
            );
        }
    }
    out
}

pub fn checklist(c: &Checklist) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", go_live_line(&c.launch));
    let _ = writeln!(out, "Today {} · {}", c.today, day_label(c.day_number));
    for phase in &c.phases {
        let span = if phase.first_day == phase.last_day {
            format!("{}, {}", day_label(phase.first_day), phase.first_date)
        } else {
            format!(
                "{} to {}, {} – {}",
                day_label(phase.first_day),
                day_label(phase.last_day),
                phase.first_date,
                phase.last_date
            )
        };
        let _ = writeln!(
            out,
            "\n{} ({span})  {}",
            phase.name,
            progress_cells(&phase.progress)
        );
        for section in &phase.sections {
            let _ = writeln!(out, "  {}", section.title);
            for item in &section.items {
                let mark = match item.status {
                    Status::Done => "[x]",
                    Status::Open => "[ ]",
                    Status::Blocked => "[!]",
                    Status::Na => "[-]",
                };
                let state = if item.overdue {
                    "OVERDUE"
                } else if item.due_today {
                    "DUE TODAY"
                } else {
                    ""
                };
                let gate = if item.gate { "*" } else { " " };
                let _ = writeln!(
                    out,
                    "    {mark} {:<8}{gate}{:<58} {:<16} {:<7} {}  {state}",
                    item.key,
                    clip(&item.title, 58),
                    item.owner_name,
                    day_label(item.due_day),
                    item.due_date
                );
                if item.status == Status::Done
                    && let (Some(by), Some(at)) = (&item.status_by, &item.status_at)
                {
                    let note = item
                        .status_note
                        .as_deref()
                        .map(|n| format!(": {n}"))
                        .unwrap_or_default();
                    let _ = writeln!(
                        out,
                        "        ticked by {by} at {}{note}",
                        local_time(at, &c.launch.time_zone)
                    );
                }
            }
        }
    }
    let _ = writeln!(out, "\n* the go decision needs this item");
    out
}

pub fn item_status(item: &Item, time_zone: &str) -> String {
    let when = item
        .status_at
        .as_deref()
        .map(|at| local_time(at, time_zone))
        .unwrap_or_default();
    let by = item.status_by.as_deref().unwrap_or("?");
    let note = item.status_note.as_deref().unwrap_or("");
    match item.status {
        Status::Done if note.is_empty() => format!("  done by {by} at {when}\n"),
        Status::Done => format!("  done by {by} at {when} — note: {note}\n"),
        _ => format!("  reopened by {by} at {when} — reason: {note}\n"),
    }
}

pub fn launches(launches: &[Launch]) -> String {
    if launches.is_empty() {
        return "No launches yet. Create one with `golive init --name NAME --go-live YYYY-MM-DDTHH:MM --tz ZONE`.\n".into();
    }
    let mut out = String::new();
    for (i, launch) in launches.iter().enumerate() {
        let newest = if i == 0 {
            "  (newest, the default)"
        } else {
            ""
        };
        let _ = writeln!(out, "{}  {}{newest}", launch.id, go_live_line(launch));
    }
    out
}

pub fn events(events: &[Event]) -> String {
    if events.is_empty() {
        return "No events yet.\n".into();
    }
    let mut out = String::new();
    for e in events {
        let role = e
            .actor_role
            .as_deref()
            .map(|r| format!(" [{r}]"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "#{:<6} {}  {}{role}  {}  {}  {}",
            e.seq, e.at, e.actor, e.action, e.subject, e.details
        );
    }
    out
}

pub fn verification(v: &Verification, store: &Path) -> String {
    match &v.first_bad {
        None => format!(
            "Audit chain intact: {} events in {}, head {}.\n",
            v.events,
            store.display(),
            v.head
        ),
        Some(bad) => format!(
            "Audit chain BROKEN at event #{}: {}.\n{} events before it verify; everything from #{} on cannot be trusted.\n",
            bad.seq, bad.problem, v.events, bad.seq
        ),
    }
}

fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut clipped: String = text.chars().take(width.saturating_sub(1)).collect();
        clipped.push('…');
        clipped
    }
}
