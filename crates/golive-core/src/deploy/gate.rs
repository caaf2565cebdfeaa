//! Whether a trigger may run now: the go/no-go gate for production
//! deploys, the typed confirmation for every production run, and the
//! environment lock.

use rusqlite::Connection;
use serde::Serialize;

use super::Action;
use super::runs::{self, Run};
use super::triggers::Trigger;
use crate::signoff::{self, Decision, DecisionState};
use crate::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Gate {
    pub trigger_id: String,
    pub environment: String,
    pub production: bool,
    /// Whether the go/no-go gate applies (deploys to production).
    pub gated: bool,
    pub decision: DecisionState,
    /// What is missing for GO, one line each; empty when the gate is open.
    pub missing: Vec<String>,
    /// Production runs need the environment's name typed to confirm.
    pub needs_confirmation: bool,
    /// The run holding the environment's lock, if any.
    pub locked_by: Option<Run>,
}

impl Gate {
    pub fn open(&self) -> bool {
        !self.gated || self.missing.is_empty()
    }
}

/// The gate of one trigger.
pub fn gate(conn: &Connection, launch_id: &str, trigger: &Trigger) -> Result<Gate> {
    gate_with(conn, &signoff::decision(conn, launch_id)?, trigger)
}

/// The gate of one trigger under a go/no-go decision already worked out
/// (the Deploy view shows every trigger's gate under the same decision).
pub fn gate_with(conn: &Connection, decision: &Decision, trigger: &Trigger) -> Result<Gate> {
    let gated = trigger.production && trigger.action == Action::Deploy;
    let missing = if !gated || decision.state == DecisionState::Go {
        Vec::new()
    } else if decision.missing.is_empty() {
        vec![format!("the decision is {}", decision.state.label())]
    } else {
        decision.missing.clone()
    };
    Ok(Gate {
        trigger_id: trigger.id.clone(),
        environment: trigger.environment.clone(),
        production: trigger.production,
        gated,
        decision: decision.state,
        missing,
        needs_confirmation: trigger.production,
        locked_by: runs::running_in(conn, &trigger.environment_id)?,
    })
}

/// Refuses a start the gate does not allow, saying exactly why and what to do.
pub fn check(gate: &Gate, confirm: Option<&str>, override_reason: Option<&str>) -> Result<()> {
    if gate.needs_confirmation && confirm.map(str::trim) != Some(gate.environment.as_str()) {
        return Err(Error::InvalidInput(format!(
            "{} is a production environment: type its name to confirm (--confirm {}); nothing was started",
            gate.environment, gate.environment
        )));
    }
    let overridden = override_reason.is_some_and(|r| !r.trim().is_empty());
    if !gate.open() && !overridden {
        return Err(Error::Conflict(format!(
            "the go/no-go gate is closed for a production deploy (decision: {}). Missing:\n  - {}\nCollect the sign-offs and finish the gate items, or override with a reason (--override-reason \"…\"); nothing was started",
            gate.decision.label(),
            gate.missing.join("\n  - ")
        )));
    }
    if let Some(holder) = &gate.locked_by {
        return Err(Error::Conflict(runs::lock_holder_message(holder)));
    }
    Ok(())
}
