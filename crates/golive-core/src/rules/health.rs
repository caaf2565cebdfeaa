//! Rules over production health:
//!
//! - `monitoring_active`: there is a production monitor, and every monitor
//!   of the launch has been probed and can read its credential.
//! - `monitors_passing:ENV`: every monitor of ENV is up (or only degraded).
//! - `success_metrics_recorded`: every KPI has a value and the production
//!   monitors have results, so the success metrics can be reported.

use super::{Evaluation, Facts, PlanShape, RuleKind};
use crate::Result;
use crate::health::{kpis, overview};

fn no_argument(name: &str, argument: Option<&str>) -> Result<(), String> {
    match argument {
        None => Ok(()),
        Some(_) => Err(format!("the rule `{name}` takes no argument")),
    }
}

fn state_words(state: Option<&str>) -> &str {
    match state {
        None => "never probed",
        Some("credential_unavailable") => "credential unavailable",
        Some(other) => other,
    }
}

pub struct MonitoringActive;

impl RuleKind for MonitoringActive {
    fn name(&self) -> &'static str {
        "monitoring_active"
    }

    fn check(&self, argument: Option<&str>, _plan: &PlanShape) -> Result<(), String> {
        no_argument(self.name(), argument)
    }

    fn describe(&self, _argument: Option<&str>, _plan: &PlanShape) -> String {
        "production is monitored: every monitor has been probed and can read its credential".into()
    }

    fn evaluate(&self, _argument: Option<&str>, facts: &Facts<'_>) -> Result<Evaluation> {
        let views = overview::environments(facts.conn, facts.launch_id)?;
        let production_monitors: usize = views
            .iter()
            .filter(|e| e.environment.production)
            .map(|e| e.monitors.len())
            .sum();
        let mut evidence = Vec::new();
        let mut active = 0;
        let mut total = 0;
        for env in &views {
            for m in &env.monitors {
                total += 1;
                let state = m.state.as_ref().map(|s| s.state.as_str());
                let ok =
                    matches!(state, Some(s) if s != "credential_unavailable" && s != "unknown");
                if ok {
                    active += 1;
                }
                evidence.push(format!(
                    "{}/{}: {}",
                    env.environment.name,
                    m.monitor.name,
                    state_words(state)
                ));
            }
        }
        if production_monitors == 0 {
            evidence.insert(0, "no production environment has a monitor".into());
        }
        Ok(Evaluation {
            holds: production_monitors > 0 && active == total,
            summary: format!("{active} of {total} monitors active"),
            evidence,
        })
    }
}

pub struct MonitorsPassing;

impl RuleKind for MonitorsPassing {
    fn name(&self) -> &'static str {
        "monitors_passing"
    }

    fn check(&self, argument: Option<&str>, _plan: &PlanShape) -> Result<(), String> {
        match argument.map(str::trim).filter(|a| !a.is_empty()) {
            Some(_) => Ok(()),
            None => Err(
                "the rule `monitors_passing` needs an environment, e.g. `monitors_passing:production`"
                    .into(),
            ),
        }
    }

    fn describe(&self, argument: Option<&str>, _plan: &PlanShape) -> String {
        format!(
            "every monitor of {} passes",
            argument.unwrap_or_default().trim()
        )
    }

    fn evaluate(&self, argument: Option<&str>, facts: &Facts<'_>) -> Result<Evaluation> {
        let wanted = argument.unwrap_or_default().trim();
        let views = overview::environments(facts.conn, facts.launch_id)?;
        let Some(env) = views
            .iter()
            .find(|e| e.environment.name.eq_ignore_ascii_case(wanted))
        else {
            return Ok(Evaluation {
                holds: false,
                summary: format!("there is no environment {wanted:?}"),
                evidence: Vec::new(),
            });
        };
        let passing = env
            .monitors
            .iter()
            .filter(|m| {
                matches!(
                    m.state.as_ref().map(|s| s.state.as_str()),
                    Some("up" | "degraded")
                )
            })
            .count();
        let evidence = env
            .monitors
            .iter()
            .map(|m| {
                format!(
                    "{}: {}",
                    m.monitor.name,
                    state_words(m.state.as_ref().map(|s| s.state.as_str()))
                )
            })
            .collect();
        Ok(Evaluation {
            holds: !env.monitors.is_empty() && passing == env.monitors.len(),
            summary: format!(
                "{passing} of {} monitors of {} pass",
                env.monitors.len(),
                env.environment.name
            ),
            evidence,
        })
    }
}

pub struct SuccessMetricsRecorded;

impl RuleKind for SuccessMetricsRecorded {
    fn name(&self) -> &'static str {
        "success_metrics_recorded"
    }

    fn check(&self, argument: Option<&str>, _plan: &PlanShape) -> Result<(), String> {
        no_argument(self.name(), argument)
    }

    fn describe(&self, _argument: Option<&str>, _plan: &PlanShape) -> String {
        "every success metric has a value: each KPI, and production's probe results".into()
    }

    fn evaluate(&self, _argument: Option<&str>, facts: &Facts<'_>) -> Result<Evaluation> {
        let list = kpis::list(facts.conn, facts.launch_id)?;
        let mut evidence: Vec<String> = list
            .iter()
            .map(|k| match &k.latest {
                Some(v) => format!(
                    "{}: {} {} ({})",
                    k.title,
                    v.value.unwrap_or_default(),
                    k.unit,
                    v.at
                ),
                None => format!("{}: no value yet", k.title),
            })
            .collect();
        let recorded = list.iter().filter(|k| k.latest.is_some()).count();
        let probed = overview::environments(facts.conn, facts.launch_id)?
            .iter()
            .filter(|e| e.environment.production)
            .flat_map(|e| &e.monitors)
            .any(|m| m.state.as_ref().is_some_and(|s| s.last_at_ms.is_some()));
        evidence.push(if probed {
            "production monitors: results recorded".into()
        } else {
            "production monitors: no results yet".into()
        });
        Ok(Evaluation {
            holds: probed && recorded == list.len(),
            summary: format!(
                "{recorded} of {} KPIs recorded; production {}",
                list.len(),
                if probed {
                    "measured"
                } else {
                    "not measured yet"
                }
            ),
            evidence,
        })
    }
}
