//! `training_completed[:PERCENT]`: every audience with people invited to
//! training has at least PERCENT of them (100 without an argument) through a
//! completed session. `training_scheduled`: a training session is planned
//! on or after Day 0, for the people who come after go-live.

use super::{Evaluation, Facts, PlanShape, RuleKind};
use crate::Result;
use crate::calendar::GoLive;
use crate::training;

pub struct TrainingCompleted;

fn share(argument: Option<&str>) -> std::result::Result<f64, String> {
    match argument.map(str::trim) {
        None => Ok(100.0),
        Some(text) => match text.trim_end_matches('%').trim().parse::<f64>() {
            Ok(share) if share > 0.0 && share <= 100.0 => Ok(share),
            _ => Err(format!(
                "the rule `training_completed` takes a share of people in percent, e.g. `training_completed:90`; {text:?} is not one"
            )),
        },
    }
}

impl RuleKind for TrainingCompleted {
    fn name(&self) -> &'static str {
        "training_completed"
    }

    fn check(&self, argument: Option<&str>, _plan: &PlanShape) -> Result<(), String> {
        share(argument).map(|_| ())
    }

    fn describe(&self, argument: Option<&str>, _plan: &PlanShape) -> String {
        let share = share(argument).unwrap_or(100.0);
        format!(
            "at least {share} % of the people invited to training completed it, in every audience"
        )
    }

    fn evaluate(&self, argument: Option<&str>, facts: &Facts<'_>) -> Result<Evaluation> {
        let share = share(argument).unwrap_or(100.0);
        let audiences: Vec<_> = training::completion(facts.conn, facts.launch_id)?
            .into_iter()
            .filter(|c| c.invited > 0)
            .collect();
        if audiences.is_empty() {
            return Ok(Evaluation {
                holds: false,
                summary: "nobody is invited to a training session yet".into(),
                evidence: Vec::new(),
            });
        }
        let short: Vec<&str> = audiences
            .iter()
            .filter(|c| c.percent.unwrap_or(0.0) + 1e-9 < share)
            .map(|c| c.label.as_str())
            .collect();
        Ok(Evaluation {
            holds: short.is_empty(),
            summary: if short.is_empty() {
                format!("every audience at {share} % or more")
            } else {
                format!("below {share} %: {}", short.join(", "))
            },
            evidence: audiences
                .iter()
                .map(|c| {
                    format!(
                        "{}: {} of {} completed ({:.0} %)",
                        c.label,
                        c.completed,
                        c.invited,
                        c.percent.unwrap_or(0.0)
                    )
                })
                .collect(),
        })
    }
}

pub struct TrainingScheduled;

impl RuleKind for TrainingScheduled {
    fn name(&self) -> &'static str {
        "training_scheduled"
    }

    fn check(&self, argument: Option<&str>, _plan: &PlanShape) -> Result<(), String> {
        match argument {
            None => Ok(()),
            Some(_) => Err("the rule `training_scheduled` takes no argument".into()),
        }
    }

    fn describe(&self, _argument: Option<&str>, _plan: &PlanShape) -> String {
        "a training session is scheduled on or after Day 0".into()
    }

    fn evaluate(&self, _argument: Option<&str>, facts: &Facts<'_>) -> Result<Evaluation> {
        let (local, zone): (String, String) = facts.conn.query_row(
            "SELECT go_live_local, time_zone FROM launches WHERE id = ?1",
            [facts.launch_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        let day0 = GoLive::new(&local, &zone)?;
        let first = crate::format_timestamp(
            day0.time_zone
                .to_ambiguous_zoned(day0.local.date().to_datetime(jiff::civil::Time::midnight()))
                .compatible()
                .map(|z| z.timestamp())
                .unwrap_or(day0.instant()),
        );
        let after: Vec<training::Session> = training::list(facts.conn, facts.launch_id)?
            .into_iter()
            .filter(|s| s.starts_at >= first)
            .collect();
        Ok(Evaluation {
            holds: !after.is_empty(),
            summary: match after.len() {
                0 => "no training session is scheduled on or after Day 0".into(),
                1 => "1 session on or after Day 0".into(),
                n => format!("{n} sessions on or after Day 0"),
            },
            evidence: after
                .iter()
                .map(|s| {
                    format!(
                        "{} {} ({}), {} {}",
                        s.key,
                        s.title,
                        s.audience.label(),
                        s.local_start.replace('T', " "),
                        s.time_zone
                    )
                })
                .collect(),
        })
    }
}
