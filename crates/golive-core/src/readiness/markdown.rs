//! The checklist as Markdown, for pasting into an email or a wiki.

use std::fmt::Write;

use super::{Checklist, Item, Status};
use crate::signoff::{Decision, DecisionState};

/// Renders the checklist (and the go/no-go decision, when given). A
/// rehearsal says so in its first line.
pub fn markdown(checklist: &Checklist, decision: Option<&Decision>, exported_at: &str) -> String {
    let launch = &checklist.launch;
    let mut out = String::new();
    let rehearsal = if launch.rehearsal_of.is_some() {
        "REHEARSAL — "
    } else {
        ""
    };
    let _ = writeln!(out, "# {rehearsal}Readiness: {}", escape(&launch.name));
    let _ = writeln!(out);
    if launch.rehearsal_of.is_some() {
        let _ = writeln!(
            out,
            "> **This is a rehearsal launch**, practice on staging; its ticks are not the real launch's.\n"
        );
    }
    let _ = writeln!(
        out,
        "- Go-live (Day 0): {} {}",
        launch.go_live_local.replace('T', " "),
        launch.time_zone
    );
    let _ = writeln!(
        out,
        "- Today: {} (Day {})",
        checklist.today,
        day(checklist.day_number)
    );
    let progress_done = checklist
        .items()
        .filter(|i| !i.status.is_outstanding())
        .count();
    let _ = writeln!(
        out,
        "- Progress: {progress_done} of {} items settled",
        checklist.shown
    );
    if checklist.shown != checklist.total {
        let _ = writeln!(
            out,
            "- Filtered: {} of {} items shown",
            checklist.shown, checklist.total
        );
    }
    let _ = writeln!(out, "- Exported: {exported_at}");
    if let Some(decision) = decision {
        let _ = writeln!(out, "\n## Go / no-go: {}\n", decision.state.label());
        for s in &decision.signoffs {
            let said = match (s.verdict, &s.stale_reason) {
                (None, _) => "not signed".to_string(),
                (Some(v), stale) => format!(
                    "**{}** by {} at {}{}{}",
                    v.label(),
                    escape(s.signed_by.as_deref().unwrap_or("?")),
                    s.signed_at.as_deref().unwrap_or("?"),
                    s.comment
                        .as_deref()
                        .map(|c| format!(": {}", escape(c)))
                        .unwrap_or_default(),
                    stale
                        .as_deref()
                        .map(|r| format!(" (needs re-confirmation: {})", escape(r)))
                        .unwrap_or_default()
                ),
            };
            let _ = writeln!(out, "- {}: {said}", escape(&s.role_name));
        }
        if decision.state != DecisionState::Go && !decision.missing.is_empty() {
            let _ = writeln!(out, "\nMissing for GO:\n");
            for line in &decision.missing {
                let _ = writeln!(out, "- {}", escape(line));
            }
        }
    }
    for phase in &checklist.phases {
        let _ = writeln!(
            out,
            "\n## {} (Day {} to {}, {} to {}) — {} %\n",
            escape(&phase.name),
            day(phase.first_day),
            day(phase.last_day),
            phase.first_date,
            phase.last_date,
            phase.progress.percent
        );
        for section in &phase.sections {
            let _ = writeln!(out, "### {}\n", escape(&section.title));
            for item in &section.items {
                item_line(&mut out, item);
            }
            let _ = writeln!(out);
        }
    }
    out
}

fn item_line(out: &mut String, item: &Item) {
    let mark = if item.status == Status::Done {
        "x"
    } else {
        " "
    };
    let gate = if item.gate { " **[go gate]**" } else { "" };
    let state = match item.status {
        Status::Done => "done".to_string(),
        Status::Blocked => "**BLOCKED**".to_string(),
        Status::Na => "not applicable".to_string(),
        Status::Open if item.overdue => "**OVERDUE**".to_string(),
        Status::Open if item.due_today => "due today".to_string(),
        Status::Open => "open".to_string(),
    };
    let _ = writeln!(
        out,
        "- [{mark}] {} {}{gate} — {} · due Day {} ({}) · {state}",
        item.key,
        escape(&item.title),
        escape(&item.owner_display()),
        day(item.due_day),
        item.due_date,
    );
    if (item.status != Status::Open || item.status_note.is_some())
        && let (Some(by), Some(at)) = (&item.status_by, &item.status_at)
    {
        let note = item
            .status_note
            .as_deref()
            .map(|n| format!(": {}", escape(n)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  - {} by {} at {at}{note}",
            item.status.label(),
            escape(by)
        );
    }
    for link in &item.links {
        let label = if link.label.is_empty() {
            &link.url
        } else {
            &link.label
        };
        let _ = writeln!(out, "  - evidence: [{}](<{}>)", escape(label), link.url);
    }
    if let Some(rule) = &item.rule {
        let _ = writeln!(
            out,
            "  - checked by golive: {} — {} ({})",
            escape(&rule.description),
            if rule.now.holds {
                "holds"
            } else {
                "does not hold"
            },
            escape(&rule.now.summary)
        );
    }
}

fn day(n: i32) -> String {
    if n > 0 {
        format!("+{n}")
    } else {
        n.to_string()
    }
}

/// Escapes the characters that would turn user text into Markdown markup.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(if c == '\n' { ' ' } else { c });
    }
    out
}
