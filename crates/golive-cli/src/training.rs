//! `golive training`: sessions, attendance and completion, .ics invitations.

use std::fmt::Write;

use golive_core::training::{self, Audience, Mark, Session, SessionInput, Training};

use crate::args::{IcsCommand, SessionArgs, TrainingCommand};
use crate::{Context, Failure, emit, write_output};

pub fn training_command(cx: &mut Context, command: TrainingCommand) -> Result<(), Failure> {
    let launch = cx.launch()?;
    let (store, change, id) = (&mut cx.store, &cx.change, launch.id.as_str());
    let marked = |contacts: Vec<String>, mark: Mark, session: String, cx: &mut Context| {
        let mut last = None;
        for contact in contacts {
            last = Some(training::mark(
                &mut cx.store,
                &cx.change,
                &launch.id,
                &session,
                &contact,
                mark,
            )?);
        }
        Ok::<_, Failure>(last)
    };
    let session = match command {
        TrainingCommand::List => {
            let all = training::overview(store.conn(), id)?;
            emit(cx.json, &all, render);
            return Ok(());
        }
        TrainingCommand::Add(fields) => {
            let input = complete(fields, None, &launch.time_zone)?;
            training::add(store, change, id, &input)?
        }
        TrainingCommand::Edit { session, fields } => {
            let old = training::get(store.conn(), id, &session)?;
            let input = complete(fields, Some(&old), &launch.time_zone)?;
            training::edit(store, change, id, &session, &input)?
        }
        TrainingCommand::Rm { session } => {
            let old = training::get(store.conn(), id, &session)?;
            training::remove(store, change, id, &session)?;
            eprintln!("Removed {} \"{}\".", old.key, old.title);
            return Ok(());
        }
        TrainingCommand::Attend { session, contacts } => {
            let mark = Mark {
                attended: Some(true),
                completed: None,
            };
            marked(contacts, mark, session, cx)?.ok_or_else(none)?
        }
        TrainingCommand::Complete { session, contacts } => {
            let mark = Mark {
                attended: None,
                completed: Some(true),
            };
            marked(contacts, mark, session, cx)?.ok_or_else(none)?
        }
        TrainingCommand::Absent { session, contacts } => {
            let mark = Mark {
                attended: Some(false),
                completed: None,
            };
            marked(contacts, mark, session, cx)?.ok_or_else(none)?
        }
        TrainingCommand::Ics(IcsCommand::Export { session, out }) => {
            let text = training::export_ics(store.conn(), id, session.as_deref())?;
            return write_output(out.as_deref(), &text, "calendar");
        }
        TrainingCommand::Ics(IcsCommand::Import { file, audience }) => {
            let audience = Audience::parse(&audience)?;
            let summary = training::import_ics_file(store, change, id, &file, audience)?;
            emit(cx.json, &summary, |s| {
                let mut text = format!(
                    "Imported {} new, {} rescheduled, {} updated from {}.\n",
                    s.added,
                    s.rescheduled,
                    s.updated,
                    file.display()
                );
                if s.cancelled > 0 {
                    let _ = writeln!(text, "Left out {} cancelled event(s).", s.cancelled);
                }
                text
            });
            return Ok(());
        }
    };
    emit(cx.json, &session, session_text);
    Ok(())
}

fn none() -> Failure {
    Failure {
        message: "name at least one contact".into(),
        status: 2,
    }
}

/// The input for a new session (every field needed) or an edited one
/// (unset fields keep the session's).
fn complete(
    fields: SessionArgs,
    old: Option<&Session>,
    launch_zone: &str,
) -> Result<SessionInput, Failure> {
    let missing = |what: &str| Failure {
        message: format!("a new session needs --{what}"),
        status: 2,
    };
    let audience = match (&fields.audience, old) {
        (Some(text), _) => Audience::parse(text)?,
        (None, Some(old)) => old.audience,
        (None, None) => {
            return Err(missing(
                "audience (administrators, end_users or support_team)",
            ));
        }
    };
    let take = |given: Option<String>, kept: Option<&str>, what: &str| match (given, kept) {
        (Some(value), _) => Ok(value),
        (None, Some(kept)) => Ok(kept.to_string()),
        (None, None) => Err(missing(what)),
    };
    Ok(SessionInput {
        title: take(fields.title, old.map(|o| o.title.as_str()), "title")?,
        audience,
        start: take(fields.start, old.map(|o| o.local_start.as_str()), "start")?,
        end: take(fields.end, old.map(|o| o.local_end.as_str()), "end")?,
        time_zone: fields
            .time_zone
            .or(old.map(|o| o.time_zone.clone()))
            .unwrap_or_else(|| launch_zone.to_string()),
        place: fields
            .place
            .or(old.map(|o| o.place.clone()))
            .unwrap_or_default(),
        trainer: fields.trainer.or(old.and_then(|o| o.trainer_id.clone())),
        materials: if fields.materials.is_empty() {
            old.map(|o| o.materials.clone()).unwrap_or_default()
        } else {
            fields.materials
        },
        attendees: if fields.attendees.is_empty() {
            old.map(|o| o.attendees.iter().map(|a| a.contact_id.clone()).collect())
                .unwrap_or_default()
        } else {
            fields.attendees
        },
    })
}

fn session_text(s: &Session) -> String {
    let mut text = format!(
        "{}  {}  {}  {} – {} {}\n",
        s.key,
        s.audience.label(),
        s.title,
        s.local_start.replace('T', " "),
        s.local_end.get(11..).unwrap_or(&s.local_end),
        s.time_zone
    );
    if !s.place.is_empty() {
        let _ = writeln!(text, "    where: {}", s.place);
    }
    if let Some(trainer) = &s.trainer {
        let _ = writeln!(text, "    trainer: {trainer}");
    }
    for m in &s.materials {
        let _ = writeln!(text, "    material: {m}");
    }
    for a in &s.attendees {
        let state = match (a.attended, a.completed) {
            (_, true) => "completed",
            (true, false) => "attended",
            (false, false) => "invited",
        };
        let _ = writeln!(text, "    {:<10} {}", state, a.name);
    }
    text
}

fn render(t: &Training) -> String {
    let mut text = String::from("Completion\n");
    for c in &t.completion {
        let _ = match c.percent {
            Some(p) => writeln!(
                text,
                "  {:<15} {:>3.0} %  {} of {} invited completed, {} attended, {} session(s)",
                c.label, p, c.completed, c.invited, c.attended, c.sessions
            ),
            None => writeln!(text, "  {:<15}   —    nobody invited yet", c.label),
        };
    }
    text.push_str("\nSessions\n");
    if t.sessions.is_empty() {
        text.push_str("  none yet; schedule one with `golive training add`\n");
    }
    for s in &t.sessions {
        text.push_str(&session_text(s));
    }
    text
}
