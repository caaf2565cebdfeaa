//! Changing an item's status: tick (done), block, not applicable, reopen.
//! Each is one audited change; leaving "done" on a gate item flags the
//! standing go sign-offs for re-confirmation.

use rusqlite::{OptionalExtension, params};

use super::{Status, clean_text, evaluate_rule, plan_shape, required_text, unknown_item};
use crate::actor::Change;
use crate::launch::{self, Launch};
use crate::rules::Evaluation;
use crate::signoff;
use crate::store::{Store, WriteTx};
use crate::{Error, Result, format_timestamp};

struct Current {
    key: String,
    title: String,
    gate: bool,
    rule: Option<String>,
    status: Status,
    status_note: Option<String>,
    status_by: Option<String>,
    status_at: Option<String>,
}

fn current(tx: &WriteTx<'_>, launch: &Launch, key: &str) -> Result<Current> {
    tx.prepare_cached(
        "SELECT key, title, gate, rule, status, status_note, status_by, status_at
         FROM items WHERE launch_id = ?1 AND key = ?2 COLLATE NOCASE",
    )?
    .query_row(params![launch.id, key.trim()], |row| {
        Ok(Current {
            key: row.get(0)?,
            title: row.get(1)?,
            gate: row.get(2)?,
            rule: row.get(3)?,
            status: super::Status::parse(&row.get::<_, String>(4)?),
            status_note: row.get(5)?,
            status_by: row.get(6)?,
            status_at: row.get(7)?,
        })
    })
    .optional()?
    .ok_or_else(|| unknown_item(&launch.name, key))
}

/// Marks an item done, with an optional note as evidence. An auto-checked
/// item is ticked only while its rule holds, and keeps what the rule saw.
pub fn tick(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    key: &str,
    note: Option<&str>,
) -> Result<()> {
    let note = clean_text(note, "note")?;
    transition(store, change, launch_id, key, Status::Done, note)
}

/// Marks an item blocked; the reason is required.
pub fn block(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    key: &str,
    reason: &str,
) -> Result<()> {
    let reason = required_text(
        reason,
        "reason",
        "--reason \"waiting for the firewall change\"",
    )?;
    transition(store, change, launch_id, key, Status::Blocked, Some(reason))
}

/// Marks an item not applicable; the reason is required. Gate items cannot
/// be: the go decision needs them done.
pub fn mark_na(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    key: &str,
    reason: &str,
) -> Result<()> {
    let reason = required_text(
        reason,
        "reason",
        "--reason \"no mobile app in this release\"",
    )?;
    transition(store, change, launch_id, key, Status::Na, Some(reason))
}

/// Reopens a done, blocked or not applicable item; the reason is required
/// and kept on the item.
pub fn reopen(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    key: &str,
    reason: &str,
) -> Result<()> {
    let reason = required_text(reason, "reason", "--reason \"report was for staging\"")?;
    transition(store, change, launch_id, key, Status::Open, Some(reason))
}

fn transition(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    key: &str,
    to: Status,
    note: Option<String>,
) -> Result<()> {
    let launch = launch::get(store.conn(), launch_id)?;
    store.write(change, |tx| {
        let item = current(tx, &launch, key)?;
        refuse_same(&item, to)?;
        if to == Status::Na && item.gate {
            return Err(Error::Conflict(format!(
                "{} is a go-decision (gate) item, so GO needs it done. If it truly does not apply, first take it out of the gate (`golive item edit {} --no-gate`, or Edit in the app), then mark it not applicable.",
                item.key, item.key
            )));
        }
        let evidence = match (&item.rule, to) {
            (Some(rule), Status::Done) => Some(rule_evidence(tx, &launch, &item, rule)?),
            _ => None,
        };
        let evidence_json = evidence
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| Error::Internal(format!("rule evidence cannot be encoded: {e}")))?;
        tx.prepare_cached(
            "UPDATE items SET status = ?1, status_note = ?2, status_by = ?3, status_at = ?4,
                              rule_evidence = ?5
             WHERE launch_id = ?6 AND key = ?7",
        )?
        .execute(params![
            to.as_str(),
            note,
            change.actor.display(),
            format_timestamp(change.at),
            evidence_json,
            launch.id,
            item.key
        ])?;
        let flagged = if item.gate && item.status == Status::Done {
            let when = launch
                .go_live()
                .map(|g| {
                    change
                        .at
                        .to_zoned(g.time_zone)
                        .strftime("%Y-%m-%d %H:%M %Z")
                        .to_string()
                })
                .unwrap_or_else(|_| format_timestamp(change.at));
            let reason = format!(
                "{} {} was {} by {} at {when}",
                item.key,
                item.title,
                if to == Status::Blocked { "blocked" } else { "reopened" },
                change.actor.display(),
            );
            signoff::flag_for_reconfirmation(tx, &launch.id, &reason)?
        } else {
            Vec::new()
        };
        let action = match to {
            Status::Done => "item.tick",
            Status::Blocked => "item.block",
            Status::Na => "item.na",
            Status::Open => "item.reopen",
        };
        let note_field = if to == Status::Done { "note" } else { "reason" };
        let mut details = serde_json::json!({
            "key": item.key,
            "title": item.title,
            note_field: note,
            "from": {
                "status": item.status.as_str(),
                "by": item.status_by,
                "at": item.status_at,
                "note": item.status_note,
            },
        });
        if let Some(evidence) = &evidence {
            details["rule_evidence"] = serde_json::json!(evidence);
        }
        if !flagged.is_empty() {
            details["signoffs_need_reconfirmation"] = serde_json::json!(flagged);
        }
        tx.audit(Some(&launch.id), action, &format!("item:{}", item.key), details)?;
        // Any item can move the decision: a gate item, or one a gate rule watches.
        signoff::record_decision_change(tx, &launch.id)
    })
}

fn refuse_same(item: &Current, to: Status) -> Result<()> {
    if item.status != to {
        return Ok(());
    }
    let by = item.status_by.as_deref().unwrap_or("someone");
    let at = item.status_at.as_deref().unwrap_or("an unknown time");
    Err(Error::Conflict(match to {
        Status::Done => format!(
            "{} is already done (ticked by {by} at {at}); reopen it first to tick it again",
            item.key
        ),
        Status::Open => format!(
            "{} is already open, so there is nothing to reopen",
            item.key
        ),
        Status::Blocked => format!(
            "{} is already blocked (by {by} at {at}: {})",
            item.key,
            item.status_note.as_deref().unwrap_or("")
        ),
        Status::Na => format!("{} is already marked not applicable", item.key),
    }))
}

/// What an auto-checked item's rule sees now; refused when it does not hold.
fn rule_evidence(
    tx: &WriteTx<'_>,
    launch: &Launch,
    current: &Current,
    rule: &str,
) -> Result<Evaluation> {
    let shape = plan_shape(tx, &launch.id)?;
    let (description, now) = evaluate_rule(tx, &launch.id, &current.key, None, &shape, rule)?;
    if !now.holds {
        let mut missing: Vec<String> = now.evidence.clone();
        missing.truncate(8);
        return Err(Error::Conflict(format!(
            "{} is checked by golive: {description}. That does not hold now ({}): {}. It can be ticked once it holds.",
            current.key,
            now.summary,
            missing.join("; ")
        )));
    }
    Ok(now)
}
