//! `golive feedback`: the user feedback log.

use std::fmt::Write;

use golive_core::feedback::{
    self, Feedback, FeedbackInput, FeedbackKind, FeedbackStats, FeedbackStatus,
};

use crate::args::FeedbackCommand;
use crate::{Context, Failure, emit};

pub fn feedback_command(cx: &mut Context, command: FeedbackCommand) -> Result<(), Failure> {
    let launch = cx.launch()?;
    let (store, change, id) = (&mut cx.store, &cx.change, launch.id.as_str());
    let entry = match command {
        FeedbackCommand::List { open } => {
            let all: Vec<Feedback> = feedback::list(store.conn(), id)?
                .into_iter()
                .filter(|f| !open || !f.status.is_closed())
                .collect();
            emit(cx.json, &all, |all| {
                if all.is_empty() {
                    return "No feedback yet; log it with `golive feedback add` or import a help desk export.\n".into();
                }
                all.iter().map(line).collect()
            });
            return Ok(());
        }
        FeedbackCommand::Stats => {
            let stats = feedback::stats(store.conn(), id)?;
            emit(cx.json, &stats, render_stats);
            return Ok(());
        }
        FeedbackCommand::Import { file } => {
            let summary = feedback::import_file(store, change, id, &file)?;
            emit(cx.json, &summary, |s| {
                format!(
                    "Imported {} new and updated {} entries from {}.\n",
                    s.added,
                    s.updated,
                    file.display()
                )
            });
            return Ok(());
        }
        FeedbackCommand::Add {
            kind,
            title,
            detail,
            source,
            reporter,
            tier,
            owner,
            reported,
        } => feedback::add(
            store,
            change,
            id,
            &FeedbackInput {
                kind: Some(FeedbackKind::parse(&kind)?),
                title,
                detail,
                source,
                reporter,
                tier,
                owner,
                status: None,
                reported_at: reported,
                resolved_at: None,
                resolution: String::new(),
                external_id: None,
            },
        )?,
        FeedbackCommand::Status {
            entry,
            status,
            resolution,
        } => {
            let status = FeedbackStatus::parse(&status)?;
            feedback::set_status(store, change, id, &entry, status, &resolution)?
        }
    };
    emit(cx.json, &entry, line);
    Ok(())
}

fn line(f: &Feedback) -> String {
    let mut text = format!(
        "{:<6} {:<8} {:<11} {}",
        f.key,
        f.kind.key(),
        f.status.key(),
        f.title
    );
    let mut facts = Vec::new();
    if let Some(external) = &f.external_id {
        facts.push(external.clone());
    }
    if !f.source.is_empty() {
        facts.push(f.source.clone());
    }
    if let Some(tier) = f.tier {
        facts.push(format!("tier {tier}"));
    }
    if let Some(owner) = &f.owner {
        facts.push(owner.clone());
    }
    if let Some(hours) = f.resolution_hours {
        facts.push(format!("resolved in {hours} h"));
    }
    if !facts.is_empty() {
        let _ = write!(text, "  ({})", facts.join(", "));
    }
    text.push('\n');
    text
}

fn render_stats(s: &FeedbackStats) -> String {
    let mut text = format!(
        "{} entries: {} bugs, {} feature requests, {} questions, {} praise\n{} open, {} closed\n",
        s.total, s.bugs, s.features, s.questions, s.praise, s.open, s.closed
    );
    match s.mean_resolution_hours {
        Some(h) => {
            let _ = writeln!(text, "Mean resolution time: {h} h");
        }
        None => text.push_str("Mean resolution time: nothing resolved yet\n"),
    }
    match (s.user_reported_percent, s.active_users) {
        (Some(p), Some(users)) => {
            let _ = writeln!(text, "User-reported issues: {p} % ({} bug reports, {users} active users; target < 5 %)", s.bugs);
        }
        _ => text.push_str("User-reported issues: record Active users (`golive kpi record active-users N`) to compute it\n"),
    }
    text
}
