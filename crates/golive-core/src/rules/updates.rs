//! `stakeholder_updates_sent`: a stakeholder update went out on Day 0 or
//! later (sent to a chat channel, or copied to be sent by hand).

use super::{Evaluation, Facts, PlanShape, RuleKind};
use crate::Result;
use crate::calendar::GoLive;

pub struct StakeholderUpdatesSent;

impl RuleKind for StakeholderUpdatesSent {
    fn name(&self) -> &'static str {
        "stakeholder_updates_sent"
    }

    fn check(&self, argument: Option<&str>, _plan: &PlanShape) -> Result<(), String> {
        match argument {
            None => Ok(()),
            Some(_) => Err("the rule `stakeholder_updates_sent` takes no argument".into()),
        }
    }

    fn describe(&self, _argument: Option<&str>, _plan: &PlanShape) -> String {
        "a stakeholder update was sent on Day 0 or later".into()
    }

    fn evaluate(&self, _argument: Option<&str>, facts: &Facts<'_>) -> Result<Evaluation> {
        let (local, zone): (String, String) = facts.conn.query_row(
            "SELECT go_live_local, time_zone FROM launches WHERE id = ?1",
            [facts.launch_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        let day0 = GoLive::new(&local, &zone)?;
        let midnight = day0
            .time_zone
            .to_ambiguous_zoned(day0.local.date().to_datetime(jiff::civil::Time::midnight()))
            .compatible()
            .map(|z| z.timestamp())
            .unwrap_or(day0.instant());
        let from = crate::format_timestamp(midnight);
        let mut stmt = facts.conn.prepare_cached(
            "SELECT number, sent_to, sent_at, sent_by FROM stakeholder_updates
             WHERE launch_id = ?1 AND sent_at >= ?2 ORDER BY number",
        )?;
        let sent: Vec<(u32, String, String, String)> = stmt
            .query_map(rusqlite::params![facts.launch_id, from], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Evaluation {
            holds: !sent.is_empty(),
            summary: match sent.len() {
                0 => "no stakeholder update sent since Day 0 began".into(),
                1 => "1 update sent since Day 0 began".into(),
                n => format!("{n} updates sent since Day 0 began"),
            },
            evidence: sent
                .iter()
                .rev()
                .take(10)
                .map(|(n, to, at, by)| format!("#{n} to {to} at {at} by {by}"))
                .collect(),
        })
    }
}
