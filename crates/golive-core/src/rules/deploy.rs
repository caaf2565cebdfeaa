//! Rules over deployment runs:
//!
//! - `predeploy_checks_passed:ENV`: the latest deploy to ENV started after
//!   its pre-deployment checks passed; before any deploy, every monitor of
//!   ENV passes now.
//! - `deploy_succeeded:ENV`: the latest deploy to ENV succeeded.
//! - `deploy_validated:ENV`: the latest deploy to ENV succeeded and its
//!   post-deployment validation passed.
//! - `rollback_tested:DAYS`: a rollback on a non-production environment
//!   succeeded no earlier than DAYS days before Day 0.

use rusqlite::OptionalExtension;

use super::health::MonitorsPassing;
use super::{Evaluation, Facts, PlanShape, RuleKind};
use crate::Result;
use crate::calendar::GoLive;
use crate::deploy::runs::{self, Run, RunFilter};
use crate::deploy::{Action, RunState};
use crate::health::environments;

fn needs_environment(name: &str, argument: Option<&str>) -> Result<(), String> {
    match argument.map(str::trim).filter(|a| !a.is_empty()) {
        Some(_) => Ok(()),
        None => Err(format!(
            "the rule `{name}` needs an environment, e.g. `{name}:production`"
        )),
    }
}

/// The latest deploy run to the environment named `argument`, or why there is none.
fn latest_deploy(
    facts: &Facts<'_>,
    argument: Option<&str>,
) -> Result<Result<Option<Run>, Evaluation>> {
    let wanted = argument.unwrap_or_default().trim();
    let Ok(environment) = environments::get(facts.conn, facts.launch_id, wanted) else {
        return Ok(Err(Evaluation {
            holds: false,
            summary: format!("there is no environment {wanted:?}"),
            evidence: Vec::new(),
        }));
    };
    let latest = runs::list(
        facts.conn,
        facts.launch_id,
        &RunFilter {
            environment_id: Some(environment.id),
            action: Some(Action::Deploy),
            state: None,
            limit: Some(1),
        },
    )?
    .into_iter()
    .next();
    Ok(Ok(latest))
}

fn run_line(run: &Run) -> String {
    format!(
        "{} {} by {} at {}{}: {}",
        run.trigger_name,
        run.version
            .as_deref()
            .map(|v| format!("({v})"))
            .unwrap_or_default(),
        run.started_by,
        run.started_at,
        if run.gate_override.is_some() {
            " [gate overridden]"
        } else {
            ""
        },
        run.state.label()
    )
}

pub struct PredeployChecksPassed;

impl RuleKind for PredeployChecksPassed {
    fn name(&self) -> &'static str {
        "predeploy_checks_passed"
    }

    fn check(&self, argument: Option<&str>, _plan: &PlanShape) -> Result<(), String> {
        needs_environment(self.name(), argument)
    }

    fn describe(&self, argument: Option<&str>, _plan: &PlanShape) -> String {
        format!(
            "the pre-deployment checks of the latest deploy to {} passed",
            argument.unwrap_or_default().trim()
        )
    }

    fn evaluate(&self, argument: Option<&str>, facts: &Facts<'_>) -> Result<Evaluation> {
        let run = match latest_deploy(facts, argument)? {
            Err(evaluation) => return Ok(evaluation),
            Ok(None) => {
                // No deploy yet: what a sweep would see now.
                let mut now = MonitorsPassing.evaluate(argument, facts)?;
                now.summary = format!("no deploy yet; {}", now.summary);
                return Ok(now);
            }
            Ok(Some(run)) => run,
        };
        let Some(precheck) = &run.precheck else {
            return Ok(Evaluation {
                holds: false,
                summary: "the latest deploy has no pre-deployment checks".into(),
                evidence: vec![run_line(&run)],
            });
        };
        let mut evidence = vec![run_line(&run)];
        evidence.extend(
            precheck
                .monitors
                .iter()
                .map(|m| format!("{}: {} {}", m.name, m.verdict.key(), m.detail)),
        );
        if let Some(reason) = &run.checks_override {
            evidence.push(format!("checks overridden: {reason}"));
        }
        Ok(Evaluation {
            holds: precheck.passed,
            summary: format!("checks at {}: {}", precheck.at, precheck.summary()),
            evidence,
        })
    }
}

pub struct DeploySucceeded;

impl RuleKind for DeploySucceeded {
    fn name(&self) -> &'static str {
        "deploy_succeeded"
    }

    fn check(&self, argument: Option<&str>, _plan: &PlanShape) -> Result<(), String> {
        needs_environment(self.name(), argument)
    }

    fn describe(&self, argument: Option<&str>, _plan: &PlanShape) -> String {
        format!(
            "the latest deploy to {} succeeded",
            argument.unwrap_or_default().trim()
        )
    }

    fn evaluate(&self, argument: Option<&str>, facts: &Facts<'_>) -> Result<Evaluation> {
        Ok(match latest_deploy(facts, argument)? {
            Err(evaluation) => evaluation,
            Ok(None) => Evaluation {
                holds: false,
                summary: "no deploy yet".into(),
                evidence: Vec::new(),
            },
            Ok(Some(run)) => Evaluation {
                holds: run.state == RunState::Succeeded,
                summary: format!("the latest deploy {}", run.state.label()),
                evidence: vec![run_line(&run)],
            },
        })
    }
}

pub struct DeployValidated;

impl RuleKind for DeployValidated {
    fn name(&self) -> &'static str {
        "deploy_validated"
    }

    fn check(&self, argument: Option<&str>, _plan: &PlanShape) -> Result<(), String> {
        needs_environment(self.name(), argument)
    }

    fn describe(&self, argument: Option<&str>, _plan: &PlanShape) -> String {
        format!(
            "the post-deployment validation of the latest deploy to {} passed",
            argument.unwrap_or_default().trim()
        )
    }

    fn evaluate(&self, argument: Option<&str>, facts: &Facts<'_>) -> Result<Evaluation> {
        let run = match latest_deploy(facts, argument)? {
            Err(evaluation) => return Ok(evaluation),
            Ok(None) => {
                return Ok(Evaluation {
                    holds: false,
                    summary: "no deploy yet".into(),
                    evidence: Vec::new(),
                });
            }
            Ok(Some(run)) => run,
        };
        let mut evidence = vec![run_line(&run)];
        if let Some(validation) = &run.validation {
            if let Some(sweep) = &validation.sweep {
                evidence.push(format!("monitors: {}", sweep.summary()));
            }
            evidence.extend(
                validation
                    .steps
                    .iter()
                    .map(|s| format!("{}: {}", s.trigger, s.state.label())),
            );
        }
        let state = run.validation_state.as_deref();
        Ok(Evaluation {
            holds: run.state == RunState::Succeeded && state == Some("passed"),
            summary: match (run.state, state) {
                (RunState::Succeeded, Some(state)) => format!("validation {state}"),
                (RunState::Succeeded, None) => "the latest deploy was not validated".into(),
                (other, _) => format!("the latest deploy {}", other.label()),
            },
            evidence,
        })
    }
}

pub struct RollbackTested;

impl RuleKind for RollbackTested {
    fn name(&self) -> &'static str {
        "rollback_tested"
    }

    fn check(&self, argument: Option<&str>, _plan: &PlanShape) -> Result<(), String> {
        match argument.map(str::trim).map(str::parse::<u32>) {
            Some(Ok(days)) if (1..=365).contains(&days) => Ok(()),
            _ => Err(
                "the rule `rollback_tested` needs a number of days before Day 0, e.g. `rollback_tested:30`"
                    .into(),
            ),
        }
    }

    fn describe(&self, argument: Option<&str>, _plan: &PlanShape) -> String {
        format!(
            "a rollback succeeded on a non-production environment within {} days before Day 0",
            argument.unwrap_or_default().trim()
        )
    }

    fn evaluate(&self, argument: Option<&str>, facts: &Facts<'_>) -> Result<Evaluation> {
        let days: i64 = argument.unwrap_or_default().trim().parse().unwrap_or(30);
        let (local, zone): (String, String) = facts.conn.query_row(
            "SELECT go_live_local, time_zone FROM launches WHERE id = ?1",
            [facts.launch_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        let day0 = GoLive::new(&local, &zone)?.instant();
        let since = day0.as_millisecond() - days * 86_400_000;
        let found: Option<(String, String, String, String)> = facts
            .conn
            .query_row(
                "SELECT r.trigger_name, e.name, r.started_at, r.started_by FROM runs r
                 JOIN environments e ON e.id = r.environment_id
                 WHERE r.launch_id = ?1 AND r.action = 'rollback' AND r.state = 'succeeded'
                   AND e.production = 0 AND r.started_ms >= ?2
                 ORDER BY r.started_ms DESC LIMIT 1",
                rusqlite::params![facts.launch_id, since],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
            )
            .optional()?;
        Ok(match found {
            Some((trigger, environment, at, by)) => Evaluation {
                holds: true,
                summary: format!("{environment}/{trigger} succeeded at {at}"),
                evidence: vec![format!(
                    "{environment}/{trigger} by {by} at {at}: succeeded"
                )],
            },
            None => Evaluation {
                holds: false,
                summary: format!(
                    "no rollback has succeeded on a non-production environment in the {days} days before Day 0"
                ),
                evidence: Vec::new(),
            },
        })
    }
}
