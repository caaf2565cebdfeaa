//! Go / no-go: the sign-offs of the plan's sign-off roles and the decision
//! that follows from them and from the gate items.
//!
//! GO needs every sign-off role to say go (none waiting for
//! re-confirmation) and every gate item done; one no-go makes it NO-GO;
//! anything else is PENDING, with the list of what is missing.

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use crate::actor::Change;
use crate::launch;
use crate::readiness::{self, Status};
use crate::store::{Store, WriteTx};
use crate::{Error, Result, format_timestamp};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Verdict {
    Go,
    NoGo,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Go => "go",
            Verdict::NoGo => "no_go",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Verdict::Go => "go",
            Verdict::NoGo => "no-go",
        }
    }

    fn parse(text: &str) -> Verdict {
        if text == "go" {
            Verdict::Go
        } else {
            Verdict::NoGo
        }
    }
}

/// One sign-off role and what it said, if anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Signoff {
    pub role_key: String,
    pub role_name: String,
    pub verdict: Option<Verdict>,
    pub comment: Option<String>,
    pub signed_by: Option<String>,
    pub signed_at: Option<String>,
    /// Set when a gate item was reopened after this go: it needs re-confirmation.
    pub stale_reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum DecisionState {
    Go,
    NoGo,
    Pending,
}

impl DecisionState {
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionState::Go => "go",
            DecisionState::NoGo => "no_go",
            DecisionState::Pending => "pending",
        }
    }

    fn parse(text: &str) -> DecisionState {
        match text {
            "go" => DecisionState::Go,
            "no_go" => DecisionState::NoGo,
            _ => DecisionState::Pending,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DecisionState::Go => "GO",
            DecisionState::NoGo => "NO-GO",
            DecisionState::Pending => "PENDING",
        }
    }
}

/// A gate item as the decision sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GateItem {
    pub key: String,
    pub title: String,
    pub status: Status,
    /// Done, or checked by a rule that holds now.
    pub satisfied: bool,
    /// For an auto-checked item: what its rule sees now.
    pub rule_summary: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Decision {
    pub state: DecisionState,
    pub signoffs: Vec<Signoff>,
    pub gate_items: Vec<GateItem>,
    /// Why it is not GO, one line each (empty when GO).
    pub missing: Vec<String>,
}

/// Every sign-off role of the launch, in plan order, with its current sign-off.
pub fn current(conn: &Connection, launch_id: &str) -> Result<Vec<Signoff>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.key, r.name, s.verdict, s.comment, s.signed_by, s.signed_at, s.stale_reason
         FROM roles r
         LEFT JOIN signoffs s ON s.launch_id = r.launch_id AND s.role_key = r.key
         WHERE r.launch_id = ?1 AND r.signoff = 1
         ORDER BY r.position",
    )?;
    let signoffs = stmt
        .query_map([launch_id], |row| {
            Ok(Signoff {
                role_key: row.get(0)?,
                role_name: row.get(1)?,
                verdict: row.get::<_, Option<String>>(2)?.map(|v| Verdict::parse(&v)),
                comment: row.get::<_, Option<String>>(3)?.filter(|c| !c.is_empty()),
                signed_by: row.get(4)?,
                signed_at: row.get(5)?,
                stale_reason: row.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(signoffs)
}

/// The go/no-go decision of a launch.
pub fn decision(conn: &Connection, launch_id: &str) -> Result<Decision> {
    Ok(decide(
        current(conn, launch_id)?,
        gate_items(conn, launch_id)?,
    ))
}

/// Only the state, cheaply: the sign-offs decide it unless every one says
/// go, and only then are the gate items (and their rules) looked at.
pub fn state(conn: &Connection, launch_id: &str) -> Result<DecisionState> {
    let signoffs = current(conn, launch_id)?;
    if signoffs.iter().any(|s| s.verdict == Some(Verdict::NoGo)) {
        return Ok(DecisionState::NoGo);
    }
    if signoffs.is_empty()
        || signoffs
            .iter()
            .any(|s| s.verdict.is_none() || s.stale_reason.is_some())
    {
        return Ok(DecisionState::Pending);
    }
    Ok(decide(signoffs, gate_items(conn, launch_id)?).state)
}

/// The gate items, each satisfied when done or when its rule holds now.
fn gate_items(conn: &Connection, launch_id: &str) -> Result<Vec<GateItem>> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.key, i.title, i.status, i.rule FROM items i
         JOIN sections s ON s.id = i.section_id JOIN phases p ON p.id = s.phase_id
         WHERE i.launch_id = ?1 AND i.gate = 1
         ORDER BY p.position, s.position, i.position",
    )?;
    let rows = stmt
        .query_map([launch_id], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                Status::parse(&row.get::<_, String>(2)?),
                row.get::<_, Option<String>>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // The plan's sections, read once and only if a gate item has a rule.
    let mut shape = None;
    let empty = crate::rules::PlanShape::default();
    let mut items = Vec::with_capacity(rows.len());
    for (key, title, status, rule) in rows {
        let evaluation = match &rule {
            None => None,
            Some(text) => {
                if shape.is_none() {
                    shape = Some(readiness::plan_shape(conn, launch_id)?);
                }
                let plan = shape.as_ref().unwrap_or(&empty);
                Some(readiness::evaluate_rule(
                    conn, launch_id, &key, None, plan, text,
                )?)
            }
        };
        items.push(GateItem {
            satisfied: status == Status::Done || evaluation.as_ref().is_some_and(|(_, e)| e.holds),
            rule_summary: evaluation
                .map(|(description, e)| format!("{description} ({})", e.summary)),
            key,
            title,
            status,
        });
    }
    Ok(items)
}

fn decide(signoffs: Vec<Signoff>, gate_items: Vec<GateItem>) -> Decision {
    let mut missing = Vec::new();
    let mut no_go = false;
    for s in &signoffs {
        match (s.verdict, &s.stale_reason) {
            (None, _) => missing.push(format!("{} has not signed off", s.role_name)),
            (Some(Verdict::NoGo), _) => {
                no_go = true;
                missing.push(format!(
                    "{} said no-go: {}",
                    s.role_name,
                    s.comment.as_deref().unwrap_or("")
                ));
            }
            (Some(Verdict::Go), Some(reason)) => missing.push(format!(
                "{}'s go needs re-confirmation: {reason}",
                s.role_name
            )),
            (Some(Verdict::Go), None) => {}
        }
    }
    if signoffs.is_empty() {
        missing
            .push("the plan has no sign-off role; mark at least one role `signoff = true`".into());
    }
    for item in gate_items.iter().filter(|i| !i.satisfied) {
        let state = match (item.status, &item.rule_summary) {
            (Status::Blocked, _) => "is blocked".to_string(),
            (Status::Na, _) => "is marked not applicable".to_string(),
            (_, Some(rule)) => format!("waits for: {rule}"),
            _ => "is not done".to_string(),
        };
        missing.push(format!("{} {} {state}", item.key, item.title));
    }
    let state = if no_go {
        DecisionState::NoGo
    } else if missing.is_empty() {
        DecisionState::Go
    } else {
        DecisionState::Pending
    };
    Decision {
        state,
        signoffs,
        gate_items,
        missing,
    }
}

/// Records `role`'s go or no-go; a no-go needs a reason. Signing again
/// replaces the role's earlier sign-off (which stays in the audit trail)
/// and clears a pending re-confirmation.
pub fn sign(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    role: &str,
    verdict: Verdict,
    comment: Option<&str>,
) -> Result<Decision> {
    let comment = comment.map(str::trim).unwrap_or_default().to_string();
    if comment.chars().count() > 2000 {
        return Err(Error::InvalidInput(
            "the comment is longer than 2000 characters; link to longer evidence".into(),
        ));
    }
    if verdict == Verdict::NoGo && comment.is_empty() {
        return Err(Error::InvalidInput(
            "a no-go needs a reason, e.g. --comment \"load test failed at 500 users\"".into(),
        ));
    }
    let roles = launch::roles(store.conn(), launch_id)?;
    let role = roles
        .iter()
        .find(|r| {
            r.key.eq_ignore_ascii_case(role.trim()) || r.name.eq_ignore_ascii_case(role.trim())
        })
        .ok_or_else(|| Error::NotFound(format!("{role:?} is not a role of this launch")))?;
    if !role.signoff {
        let signers: Vec<_> = roles
            .iter()
            .filter(|r| r.signoff)
            .map(|r| r.key.as_str())
            .collect();
        return Err(Error::InvalidInput(format!(
            "{} does not sign the go/no-go decision (sign-off roles: {})",
            role.name,
            signers.join(", ")
        )));
    }
    store.write(change, |tx| {
        let previous = current(tx, launch_id)?
            .into_iter()
            .find(|s| s.role_key == role.key && s.verdict.is_some());
        tx.execute(
            "INSERT INTO signoffs (launch_id, role_key, verdict, comment, signed_by, signed_at, stale_reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL)
             ON CONFLICT (launch_id, role_key) DO UPDATE SET verdict = excluded.verdict,
                comment = excluded.comment, signed_by = excluded.signed_by,
                signed_at = excluded.signed_at, stale_reason = NULL",
            params![
                launch_id,
                role.key,
                verdict.as_str(),
                comment,
                change.actor.display(),
                format_timestamp(change.at)
            ],
        )?;
        tx.audit(
            Some(launch_id),
            &format!("signoff.{}", verdict.as_str()),
            &format!("signoff:{}", role.key),
            serde_json::json!({
                "role": role.key,
                "verdict": verdict.as_str(),
                "comment": comment,
                "replaces": previous,
            }),
        )?;
        record_decision_change(tx, launch_id)?;
        decision(tx, launch_id)
    })
}

/// Appends a `decision.change` event when a change moved the decision away
/// from the one last recorded: the decision is part of the record. Every
/// change that can move it calls this, in its own transaction.
pub(crate) fn record_decision_change(tx: &WriteTx<'_>, launch_id: &str) -> Result<()> {
    let now = state(tx, launch_id)?;
    let recorded: String = tx.query_row(
        "SELECT decision FROM launches WHERE id = ?1",
        [launch_id],
        |row| row.get(0),
    )?;
    if recorded == now.as_str() {
        return Ok(());
    }
    tx.execute(
        "UPDATE launches SET decision = ?1 WHERE id = ?2",
        params![now.as_str(), launch_id],
    )?;
    let missing = decision(tx, launch_id)?.missing;
    tx.audit(
        Some(launch_id),
        "decision.change",
        "decision",
        serde_json::json!({
            "from": DecisionState::parse(&recorded).label(),
            "to": now.label(),
            "missing": missing,
        }),
    )
}

/// Marks every standing go as needing re-confirmation, because a gate item
/// was reopened after it. Returns the roles flagged.
pub(crate) fn flag_for_reconfirmation(
    tx: &WriteTx<'_>,
    launch_id: &str,
    reason: &str,
) -> Result<Vec<String>> {
    let mut stmt = tx.prepare(
        "UPDATE signoffs SET stale_reason = ?2
         WHERE launch_id = ?1 AND verdict = 'go' AND stale_reason IS NULL
         RETURNING role_key",
    )?;
    let flagged = stmt
        .query_map(params![launch_id, reason], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(flagged)
}
