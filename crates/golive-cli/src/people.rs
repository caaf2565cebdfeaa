//! The people commands beyond contacts: escalation levels and tiers (show,
//! edit, who to call) and incidents.

use std::fmt::Write;

use golive_core::contacts::{self, Contact};
use golive_core::escalation::{self, CallSheet, Callee, Escalation, LevelInput, TierInput};
use golive_core::incidents::{self, Incident, IncidentDetail, IncidentInput, IncidentState};
use golive_core::launch::{self, Role};

use crate::args::{EscalationCommand, IncidentCommand, IncidentStateArg};
use crate::{Context, Failure, emit};

pub fn escalation_command(
    cx: &mut Context,
    command: Option<EscalationCommand>,
) -> Result<(), Failure> {
    let launch = cx.launch()?;
    match command {
        None => {
            let e = escalation::load(cx.store.conn(), &launch.id)?;
            let people = contacts::list(cx.store.conn(), &launch.id)?;
            let roles = launch::roles(cx.store.conn(), &launch.id)?;
            emit(cx.json, &e, |e| render(e, &people, &roles));
        }
        Some(EscalationCommand::Level {
            level,
            name,
            wait,
            roles,
            contacts: named,
            clear,
            emergency_team,
        }) => {
            let before = escalation::level_of(cx.store.conn(), &launch.id, level)?;
            let people = contacts::list(cx.store.conn(), &launch.id)?;
            let (roles, named) = replace(
                clear,
                (roles, named),
                (before.roles.clone(), names_of(&before.contact_ids, &people)),
            );
            let input = LevelInput {
                name: name.unwrap_or(before.name),
                wait_minutes: match wait {
                    Some(0) => None,
                    Some(minutes) => Some(minutes),
                    None => before.wait_minutes,
                },
                emergency_team: emergency_team.unwrap_or(before.emergency_team),
                roles,
                contacts: named,
            };
            let level =
                escalation::edit_level(&mut cx.store, &cx.change, &launch.id, level, &input)?;
            emit(cx.json, &level, |l| {
                format!("Changed escalation level {}: {}.\n", l.level, l.name)
            });
        }
        Some(EscalationCommand::Tier {
            tier,
            name,
            handles,
            roles,
            contacts: named,
            clear,
        }) => {
            let before = escalation::tier_of(cx.store.conn(), &launch.id, tier)?;
            let people = contacts::list(cx.store.conn(), &launch.id)?;
            let (roles, named) = replace(
                clear,
                (roles, named),
                (before.roles.clone(), names_of(&before.contact_ids, &people)),
            );
            let input = TierInput {
                name: name.unwrap_or(before.name),
                handles: handles.map_or(before.handles, |h| {
                    h.split(';').map(|s| s.trim().to_string()).collect()
                }),
                roles,
                contacts: named,
            };
            let tier = escalation::edit_tier(&mut cx.store, &cx.change, &launch.id, tier, &input)?;
            emit(cx.json, &tier, |t| {
                format!("Changed support tier {}: {}.\n", t.tier, t.name)
            });
        }
        Some(EscalationCommand::Who { level, since }) => {
            let since = match since {
                Some(text) => golive_core::parse_timestamp(&text)?,
                None => cx.now,
            };
            let sheet = escalation::call_sheet(cx.store.conn(), &launch.id, level, since, cx.now)?;
            emit(cx.json, &sheet, call_sheet);
        }
    }
    Ok(())
}

/// The roles and contacts after an edit: the given ones replace the old
/// ones of their kind, or everything with `clear`.
fn replace(
    clear: bool,
    given: (Vec<String>, Vec<String>),
    before: (Vec<String>, Vec<String>),
) -> (Vec<String>, Vec<String>) {
    let (roles, named) = given;
    if clear {
        return (roles, named);
    }
    (
        if roles.is_empty() { before.0 } else { roles },
        if named.is_empty() { before.1 } else { named },
    )
}

fn names_of(ids: &[String], people: &[Contact]) -> Vec<String> {
    ids.iter()
        .filter_map(|id| people.iter().find(|c| &c.id == id))
        .map(|c| c.name.clone())
        .collect()
}

fn answering(roles: &[String], ids: &[String], all: &[Role], people: &[Contact]) -> String {
    let mut parts: Vec<String> = roles
        .iter()
        .map(|r| {
            all.iter()
                .find(|x| &x.key == r)
                .map_or(r.clone(), |x| x.name.clone())
        })
        .collect();
    parts.extend(names_of(ids, people));
    if parts.is_empty() {
        "nobody yet".into()
    } else {
        parts.join(", ")
    }
}

fn render(e: &Escalation, people: &[Contact], roles: &[Role]) -> String {
    let mut out = String::from("Escalation levels\n");
    for l in &e.levels {
        let wait = l
            .wait_minutes
            .map_or("last level".to_string(), |m| format!("next after {m} min"));
        let mut who = answering(&l.roles, &l.contact_ids, roles, people);
        if l.emergency_team {
            who.push_str(" + the emergency response team");
        }
        let _ = writeln!(out, "  {}  {}  ({wait})\n       {who}", l.level, l.name);
    }
    out.push_str("Support tiers\n");
    for t in &e.tiers {
        let _ = writeln!(
            out,
            "  {}  {}: {}\n       {}",
            t.tier,
            t.name,
            t.handles.join(", "),
            answering(&t.roles, &t.contact_ids, roles, people)
        );
    }
    out
}

fn callee(out: &mut String, p: &Callee) {
    let c = &p.contact;
    let mut reach: Vec<&str> = [c.phone.as_str(), c.email.as_str(), c.chat.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    if reach.is_empty() {
        reach.push("no phone, email or chat on file");
    }
    let time = p
        .local_time
        .as_deref()
        .map_or("local time unknown".to_string(), |t| {
            format!("{t} their time")
        });
    let flags = if c.always_on { ", 24/7" } else { "" };
    let _ = writeln!(
        out,
        "    {} ({}{flags})  {}  {time}",
        c.name,
        p.because.join(", "),
        reach.join("  ")
    );
    if let Some(d) = &p.deputy {
        let _ = writeln!(out, "      deputy: {}  {}", d.name, d.phone);
    }
}

fn call_sheet(s: &CallSheet) -> String {
    let mut out = format!(
        "Now: level {} — {} (since {})\n",
        s.current.level, s.current.name, s.since
    );
    if s.current.people.is_empty() {
        out.push_str(
            "    nobody answers at this level yet: `golive escalation level N --role ROLE`\n",
        );
    }
    for p in &s.current.people {
        callee(&mut out, p);
    }
    match &s.next {
        Some(next) => {
            let when = if next.due_in_minutes < 0 {
                format!("OVERDUE by {} min", -next.due_in_minutes)
            } else {
                format!("due in {} min", next.due_in_minutes)
            };
            let _ = writeln!(
                out,
                "Next: level {} — {} at {} ({when})",
                next.level.level, next.level.name, next.due_at
            );
            for p in &next.level.people {
                callee(&mut out, p);
            }
        }
        None => out.push_str("This is the last level.\n"),
    }
    out
}

pub fn incident_command(cx: &mut Context, command: IncidentCommand) -> Result<(), Failure> {
    let launch = cx.launch()?;
    let (store, change, id) = (&mut cx.store, &cx.change, launch.id.as_str());
    let changed = match command {
        IncidentCommand::Open {
            title,
            sev,
            level,
            owner,
            env,
            alert,
        } => incidents::open(
            store,
            change,
            id,
            &IncidentInput {
                title,
                severity: sev,
                level,
                owner,
                environment: env,
                alert_id: alert,
            },
        )?,
        IncidentCommand::Note { incident, text } => {
            incidents::note(store, change, id, &incident, &text)?
        }
        IncidentCommand::Escalate {
            incident,
            level,
            reason,
        } => incidents::escalate(store, change, id, &incident, level, &reason)?,
        IncidentCommand::State { incident, state } => {
            let state = match state {
                IncidentStateArg::Open => IncidentState::Open,
                IncidentStateArg::Investigating => IncidentState::Investigating,
                IncidentStateArg::Mitigated => IncidentState::Mitigated,
            };
            incidents::set_state(store, change, id, &incident, state)?
        }
        IncidentCommand::Owner { incident, contact } => {
            incidents::set_owner(store, change, id, &incident, &contact)?
        }
        IncidentCommand::Action {
            incident,
            text,
            owner,
        } => incidents::add_action(store, change, id, &incident, &text, owner.as_deref())?,
        IncidentCommand::Done {
            incident,
            action,
            undo,
        } => incidents::mark_action(store, change, id, &incident, &action, !undo)?,
        IncidentCommand::Resolve { incident, summary } => {
            incidents::resolve(store, change, id, &incident, &summary)?
        }
        IncidentCommand::List { open } => {
            let list = incidents::list(cx.store.conn(), id, open)?;
            emit(cx.json, &list, |l| incident_list(l));
            return Ok(());
        }
        IncidentCommand::Show { incident } => {
            let detail = incidents::detail(cx.store.conn(), id, &incident, cx.now)?;
            emit(cx.json, &detail, incident_detail);
            return Ok(());
        }
    };
    emit(cx.json, &changed, |i| format!("{}\n", incident_line(i)));
    Ok(())
}

fn incident_line(i: &Incident) -> String {
    let mut line = format!(
        "{}  SEV{}  level {}  {}  {}",
        i.key,
        i.severity,
        i.level,
        i.state.key(),
        i.title
    );
    if let Some(env) = &i.environment {
        let _ = write!(line, "  [{env}]");
    }
    if let Some(owner) = &i.owner {
        let _ = write!(line, "  owner {owner}");
    }
    line
}

fn incident_list(list: &[Incident]) -> String {
    if list.is_empty() {
        return "No incidents. Open one with `golive incident open --title TITLE`.\n".into();
    }
    list.iter()
        .map(|i| format!("{}\n", incident_line(i)))
        .collect()
}

fn incident_detail(d: &IncidentDetail) -> String {
    let i = &d.incident;
    let mut out = format!(
        "{}\nopened {} by {}\n",
        incident_line(i),
        i.opened_at,
        i.opened_by
    );
    if let Some(summary) = &i.summary {
        let _ = writeln!(
            out,
            "resolved {}: {summary}",
            i.resolved_at.as_deref().unwrap_or("")
        );
    }
    out.push_str("Timeline\n");
    for e in &d.timeline {
        let by = e
            .actor
            .as_deref()
            .map_or(String::new(), |a| format!(" ({a})"));
        let _ = writeln!(out, "  {}  {:<9} {}{by}", e.at, e.kind, e.text);
    }
    if !d.actions.is_empty() {
        out.push_str("Follow-ups\n");
        for (n, a) in d.actions.iter().enumerate() {
            let done = if a.done_at.is_some() { "[x]" } else { "[ ]" };
            let owner = a
                .owner
                .as_deref()
                .map_or(String::new(), |o| format!(" — {o}"));
            let _ = writeln!(out, "  {} {done} {}{owner}", n + 1, a.text);
        }
    }
    if let Some(sheet) = &d.call_sheet {
        out.push_str(&call_sheet(sheet));
    }
    out
}
