//! Auto-checked items: a rule the app evaluates from its own data.
//!
//! An item may carry a rule written `kind` or `kind:argument`, e.g.
//! `signoffs` or `section_done:pre-infra`. Each kind is one [`RuleKind`] in
//! [`KINDS`]; a later capability adds its rule (monitors passing, training
//! completion, …) by writing one more kind and listing it there, without
//! touching how rules are parsed, checked, evaluated, shown or recorded.

mod contacts;
mod deploy;
mod health;
mod section;
mod signoffs;
mod training;
mod updates;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::Result;
use crate::readiness::Status;

/// Every rule kind golive knows.
const KINDS: &[&dyn RuleKind] = &[
    &signoffs::SignoffsGo,
    &contacts::RolesHaveContacts,
    &section::SectionDone,
    &health::MonitoringActive,
    &health::MonitorsPassing,
    &health::SuccessMetricsRecorded,
    &deploy::PredeployChecksPassed,
    &deploy::DeploySucceeded,
    &deploy::DeployValidated,
    &deploy::RollbackTested,
    &training::TrainingCompleted,
    &training::TrainingScheduled,
    &updates::StakeholderUpdatesSent,
];

/// One kind of rule.
pub trait RuleKind: Sync {
    /// The name written in templates, e.g. `section_done`.
    fn name(&self) -> &'static str;
    /// Whether `argument` suits this kind in a plan of this shape; the error
    /// says what would.
    fn check(&self, argument: Option<&str>, plan: &PlanShape) -> Result<(), String>;
    /// What the rule checks, in words, e.g. "every item of «Security» is done".
    fn describe(&self, argument: Option<&str>, plan: &PlanShape) -> String;
    fn evaluate(&self, argument: Option<&str>, facts: &Facts<'_>) -> Result<Evaluation>;
}

/// The parts of a plan rules are checked against.
#[derive(Debug, Clone, Default)]
pub struct PlanShape {
    /// Section keys and titles.
    pub sections: Vec<(String, String)>,
}

/// What a rule may look at: the store, and the launch's items when they are
/// loaded already (the checklist has them); else rules query what they need.
pub struct Facts<'a> {
    pub conn: &'a Connection,
    pub launch_id: &'a str,
    /// The item that carries the rule.
    pub item_key: &'a str,
    items: Option<&'a [ItemFact]>,
}

impl<'a> Facts<'a> {
    /// `items` may already hold the launch's items (the checklist has them).
    pub fn new(
        conn: &'a Connection,
        launch_id: &'a str,
        item_key: &'a str,
        items: Option<&'a [ItemFact]>,
    ) -> Facts<'a> {
        Facts {
            conn,
            launch_id,
            item_key,
            items,
        }
    }

    /// The items of one section: from the loaded items when there are,
    /// else with a query of that section alone.
    pub fn items_of_section(&self, section: &str) -> Result<Vec<ItemFact>> {
        if let Some(items) = self.items {
            return Ok(items
                .iter()
                .filter(|i| i.section_key == section)
                .cloned()
                .collect());
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT i.key, i.title, s.key, i.status FROM items i JOIN sections s ON s.id = i.section_id
             WHERE s.launch_id = ?1 AND s.key = ?2 ORDER BY i.position",
        )?;
        let items = stmt
            .query_map(rusqlite::params![self.launch_id, section], item_fact)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(items)
    }
}

fn item_fact(row: &rusqlite::Row<'_>) -> rusqlite::Result<ItemFact> {
    Ok(ItemFact {
        key: row.get(0)?,
        title: row.get(1)?,
        section_key: row.get(2)?,
        status: Status::parse(&row.get::<_, String>(3)?),
    })
}

#[derive(Debug, Clone)]
pub struct ItemFact {
    pub key: String,
    pub title: String,
    pub section_key: String,
    pub status: Status,
}

/// A rule's verdict now, with what it looked at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Evaluation {
    pub holds: bool,
    /// One line, e.g. "3 of 4 sign-offs say go".
    pub summary: String,
    /// What was seen, one line each, e.g. "Technical lead: go (Ben, 2026-12-06 14:02)".
    pub evidence: Vec<String>,
}

/// A rule as parsed from its text.
#[derive(Clone, Copy)]
pub struct Rule<'a> {
    kind: &'static dyn RuleKind,
    argument: Option<&'a str>,
}

impl std::fmt::Debug for Rule<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Rule({}, {:?})", self.kind.name(), self.argument)
    }
}

impl<'a> Rule<'a> {
    /// Parses `kind` or `kind:argument` and checks it against the plan.
    pub fn parse(text: &'a str, plan: &PlanShape) -> Result<Rule<'a>, String> {
        let (name, argument) = match text.trim().split_once(':') {
            Some((name, argument)) => (name.trim(), Some(argument.trim())),
            None => (text.trim(), None),
        };
        let kind = KINDS.iter().find(|k| k.name() == name).ok_or_else(|| {
            format!(
                "{name:?} is not a rule golive knows (rules: {})",
                names().join(", ")
            )
        })?;
        kind.check(argument, plan)?;
        Ok(Rule {
            kind: *kind,
            argument,
        })
    }

    pub fn describe(&self, plan: &PlanShape) -> String {
        self.kind.describe(self.argument, plan)
    }

    pub fn evaluate(&self, facts: &Facts<'_>) -> Result<Evaluation> {
        self.kind.evaluate(self.argument, facts)
    }
}

/// The names of every rule kind, for help texts and errors.
pub fn names() -> Vec<&'static str> {
    KINDS.iter().map(|k| k.name()).collect()
}

/// How an auto-checked item shows its rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RuleState {
    /// The rule as written, e.g. `section_done:pre-infra`.
    pub rule: String,
    pub description: String,
    /// Whether it holds now.
    pub now: Evaluation,
    /// What it saw when the item was ticked.
    pub at_tick: Option<Evaluation>,
}
