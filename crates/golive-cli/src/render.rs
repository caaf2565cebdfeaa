//! Text output for people. Every function returns the text, so the shape of
//! the output is one place and easy to read.

use std::fmt::Write;
use std::path::Path;

use golive_core::audit::{Event, Verification};
use golive_core::contacts::Contact;
use golive_core::launch::Launch;
use golive_core::readiness::{Checklist, Item, ItemDetail, Progress, Status, Summary, Timeline};
use golive_core::signoff::{Decision, DecisionState};
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
    let rehearsal = match &launch.rehearsal_of_name {
        Some(of) => format!("[REHEARSAL of {of}] "),
        None => String::new(),
    };
    format!(
        "{rehearsal}{}{platform} — go-live {when} {}",
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
    let decision = &s.decision;
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
    let _ = writeln!(out, "\nGo / no-go: {}", decision.state.label());
    let update = &s.stakeholder_update;
    if update.overdue {
        let _ = writeln!(out, "OVERDUE: {}", update.label);
    }
    for line in decision.missing.iter().take(6) {
        let _ = writeln!(out, "  - {line}");
    }
    if decision.missing.len() > 6 {
        let _ = writeln!(
            out,
            "  … and {} more (golive decision)",
            decision.missing.len() - 6
        );
    }
    if !update.overdue {
        let _ = writeln!(out, "\n{}", update.label);
    }
    for (title, items) in [
        ("Overdue", &s.overdue),
        ("Due today", &s.due_today),
        ("Blocked", &s.blocked),
    ] {
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
                clip(&item.owner_display(), 16),
                day_label(item.due_day),
                item.due_date
            );
            if item.status == Status::Blocked {
                let _ = writeln!(
                    out,
                    "           blocked: {}",
                    item.status_note.as_deref().unwrap_or("")
                );
            }
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
                    clip(&item.owner_display(), 16),
                    day_label(item.due_day),
                    item.due_date
                );
                if item.status != Status::Open {
                    out.push_str("        ");
                    out.push_str(&item_status(item, &c.launch.time_zone));
                }
                if let Some(rule) = &item.rule {
                    let _ = writeln!(
                        out,
                        "        checked by golive: {} — {} ({})",
                        rule.description,
                        if rule.now.holds {
                            "holds"
                        } else {
                            "does not hold"
                        },
                        rule.now.summary
                    );
                }
            }
        }
    }
    if c.shown != c.total {
        let _ = writeln!(out, "\n{} of {} items match the filter.", c.shown, c.total);
    }
    let _ = writeln!(
        out,
        "\n[x] done  [ ] open  [!] blocked  [-] not applicable  * the go decision needs this item"
    );
    out
}

/// One line saying who put the item in its state, when, and why.
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
        Status::Blocked => format!("  BLOCKED by {by} at {when} — reason: {note}\n"),
        Status::Na => format!("  not applicable (by {by} at {when}) — reason: {note}\n"),
        Status::Open if item.status_by.is_some() => {
            format!("  reopened by {by} at {when} — reason: {note}\n")
        }
        Status::Open => "  open\n".into(),
    }
}

pub fn item_detail(d: &ItemDetail, launch: &Launch) -> String {
    let item = &d.item;
    let tz = &launch.time_zone;
    let mut out = String::new();
    let _ = writeln!(out, "{} {}", item.key, item.title);
    if !item.description.is_empty() {
        let _ = writeln!(out, "  {}", item.description);
    }
    let _ = writeln!(
        out,
        "  section: {} · owner: {} · due {} ({}){}",
        item.section_title,
        item.owner_display(),
        day_label(item.due_day),
        item.due_date,
        if item.gate {
            " · go-decision item"
        } else {
            ""
        }
    );
    let state = if item.overdue {
        " — OVERDUE"
    } else if item.due_today {
        " — DUE TODAY"
    } else {
        ""
    };
    let _ = writeln!(out, "  status: {}{state}", item.status.label());
    if item.status_by.is_some() {
        out.push_str(&item_status(item, tz));
    }
    if let Some(rule) = &item.rule {
        let _ = writeln!(
            out,
            "  checked by golive ({}): {}\n    now: {} — {}",
            rule.rule,
            rule.description,
            if rule.now.holds {
                "holds"
            } else {
                "does not hold"
            },
            rule.now.summary
        );
        for line in &rule.now.evidence {
            let _ = writeln!(out, "      {line}");
        }
        if let Some(at_tick) = &rule.at_tick {
            let _ = writeln!(out, "    when ticked: {}", at_tick.summary);
            for line in &at_tick.evidence {
                let _ = writeln!(out, "      {line}");
            }
        }
    }
    if !item.links.is_empty() {
        let _ = writeln!(out, "  links:");
        for link in &item.links {
            let label = if link.label.is_empty() {
                String::new()
            } else {
                format!("{} — ", link.label)
            };
            let _ = writeln!(
                out,
                "    {label}{} (added by {} at {})",
                link.url,
                link.added_by,
                local_time(&link.added_at, tz)
            );
        }
    }
    let _ = writeln!(out, "  comments ({}):", d.comments.len());
    for c in &d.comments {
        let _ = writeln!(
            out,
            "    {} at {}: {}",
            c.author,
            local_time(&c.at, tz),
            c.body
        );
    }
    let _ = writeln!(out, "  history:");
    for e in &d.history {
        let _ = writeln!(
            out,
            "    #{} {} {} {}",
            e.seq,
            local_time(&e.at, tz),
            e.actor,
            e.action
        );
    }
    out
}

pub fn decision(d: &Decision, launch: &Launch) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", go_live_line(launch));
    let _ = writeln!(out, "Go / no-go: {}", d.state.label());
    let _ = writeln!(out, "\nSign-offs");
    for s in &d.signoffs {
        let said = match (&s.verdict, &s.stale_reason) {
            (None, _) => "not signed".to_string(),
            (Some(v), stale) => {
                let comment = s
                    .comment
                    .as_deref()
                    .map(|c| format!(" — {c}"))
                    .unwrap_or_default();
                let stale = stale
                    .as_deref()
                    .map(|r| format!("\n      NEEDS RE-CONFIRMATION: {r}"))
                    .unwrap_or_default();
                format!(
                    "{} by {} at {}{comment}{stale}",
                    v.label().to_uppercase(),
                    s.signed_by.as_deref().unwrap_or("?"),
                    s.signed_at
                        .as_deref()
                        .map(|a| local_time(a, &launch.time_zone))
                        .unwrap_or_default()
                )
            }
        };
        let _ = writeln!(out, "  {:<18} {said}", s.role_name);
    }
    let satisfied = d.gate_items.iter().filter(|g| g.satisfied).count();
    let _ = writeln!(
        out,
        "\nGo-decision items: {satisfied} of {} satisfied",
        d.gate_items.len()
    );
    if d.state != DecisionState::Go {
        let _ = writeln!(out, "\nMissing for GO");
        for line in &d.missing {
            let _ = writeln!(out, "  - {line}");
        }
    }
    out
}

pub fn timeline(t: &Timeline, launch: &Launch) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", go_live_line(launch));
    for day in &t.days {
        let today = if day.is_today { "  <- today" } else { "" };
        let overdue = if day.overdue > 0 {
            format!("  {} OVERDUE", day.overdue)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "{:<8} {}  {} due{overdue}{today}",
            day_label(day.day),
            day.date,
            day.items.len()
        );
        for item in &day.items {
            let mark = match item.status {
                Status::Done => "[x]",
                Status::Open => "[ ]",
                Status::Blocked => "[!]",
                Status::Na => "[-]",
            };
            let late = if item.overdue { "  OVERDUE" } else { "" };
            let _ = writeln!(
                out,
                "    {mark} {:<8} {:<58} {:<24}{late}",
                item.key,
                clip(&item.title, 58),
                clip(&item.owner_display(), 24)
            );
        }
    }
    out
}

pub fn contact_line(c: &Contact) -> String {
    let mut parts = vec![c.name.clone()];
    if !c.roles.is_empty() {
        parts.push(format!("[{}]", c.roles.join(", ")));
    }
    for field in [&c.email, &c.phone, &c.time_zone] {
        if !field.is_empty() {
            parts.push(field.clone());
        }
    }
    if !c.chat.is_empty() {
        parts.push(c.chat.clone());
    }
    if c.always_on {
        parts.push("24/7".into());
    }
    if c.emergency {
        parts.push("emergency team".into());
    }
    if let Some(deputy) = &c.deputy {
        parts.push(format!("(deputy {deputy})"));
    }
    if let Some(user) = &c.os_user {
        parts.push(format!("(account {user})"));
    }
    parts.join("  ")
}

pub fn import_summary(s: &golive_core::contacts::ImportSummary, file: &std::path::Path) -> String {
    let mut out = format!(
        "Imported {}: {} added, {} updated.\n",
        file.display(),
        s.added.len(),
        s.updated.len()
    );
    for name in &s.added {
        let _ = writeln!(out, "  + {name}");
    }
    for name in &s.updated {
        let _ = writeln!(out, "  ~ {name}");
    }
    out
}

pub fn contacts(list: &[Contact]) -> String {
    if list.is_empty() {
        return "No contacts yet. Add one with `golive contact add --name NAME --role ROLE`.\n"
            .into();
    }
    list.iter()
        .map(|c| format!("{}\n", contact_line(c)))
        .collect()
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
        let closed = launch
            .closed_at
            .as_deref()
            .map(|at| format!("  [closed {}]", at.get(..10).unwrap_or(at)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{}  {}{newest}{closed}",
            launch.id,
            go_live_line(launch)
        );
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
