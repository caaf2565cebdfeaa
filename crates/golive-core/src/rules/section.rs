//! `section_done:SECTION`: every other item of a section is done (or marked
//! not applicable, with its reason).

use super::{Evaluation, Facts, PlanShape, RuleKind};
use crate::Result;
use crate::readiness::Status;

pub struct SectionDone;

impl RuleKind for SectionDone {
    fn name(&self) -> &'static str {
        "section_done"
    }

    fn check(&self, argument: Option<&str>, plan: &PlanShape) -> Result<(), String> {
        let Some(section) = argument.filter(|a| !a.is_empty()) else {
            return Err(
                "the rule `section_done` needs a section key, e.g. `section_done:pre-infra`".into(),
            );
        };
        if plan.sections.iter().any(|(key, _)| key == section) {
            Ok(())
        } else {
            Err(format!(
                "`section_done:{section}` names no section of this plan (sections: {})",
                plan.sections
                    .iter()
                    .map(|(key, _)| key.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }
    }

    fn describe(&self, argument: Option<&str>, plan: &PlanShape) -> String {
        let section = argument.unwrap_or_default();
        let title = plan
            .sections
            .iter()
            .find(|(key, _)| key == section)
            .map_or(section, |(_, title)| title.as_str());
        format!("every item of the section «{title}» is done")
    }

    fn evaluate(&self, argument: Option<&str>, facts: &Facts<'_>) -> Result<Evaluation> {
        let section = argument.unwrap_or_default();
        let items: Vec<_> = facts
            .items_of_section(section)?
            .into_iter()
            .filter(|i| i.key != facts.item_key)
            .collect();
        let settled = items.iter().filter(|i| !i.status.is_outstanding()).count();
        let evidence = items
            .iter()
            .map(|i| {
                let state = match i.status {
                    Status::Done => "done",
                    Status::Na => "not applicable",
                    Status::Blocked => "blocked",
                    Status::Open => "open",
                };
                format!("{} {}: {state}", i.key, i.title)
            })
            .collect();
        Ok(Evaluation {
            holds: settled == items.len(),
            summary: format!("{settled} of {} items done", items.len()),
            evidence,
        })
    }
}
