//! `roles_have_contacts`: every role of the plan has at least one contact,
//! so every item and sign-off has a person to chase.

use super::{Evaluation, Facts, PlanShape, RuleKind};
use crate::Result;
use crate::{contacts, launch};

pub struct RolesHaveContacts;

impl RuleKind for RolesHaveContacts {
    fn name(&self) -> &'static str {
        "roles_have_contacts"
    }

    fn check(&self, argument: Option<&str>, _plan: &PlanShape) -> Result<(), String> {
        match argument {
            None => Ok(()),
            Some(_) => Err("the rule `roles_have_contacts` takes no argument".into()),
        }
    }

    fn describe(&self, _argument: Option<&str>, _plan: &PlanShape) -> String {
        "every role has a contact".into()
    }

    fn evaluate(&self, _argument: Option<&str>, facts: &Facts<'_>) -> Result<Evaluation> {
        let roles = launch::roles(facts.conn, facts.launch_id)?;
        let people = contacts::list(facts.conn, facts.launch_id)?;
        let mut covered = 0;
        let mut evidence = Vec::new();
        for role in &roles {
            let names: Vec<&str> = people
                .iter()
                .filter(|c| c.roles.iter().any(|r| r == &role.key))
                .map(|c| c.name.as_str())
                .collect();
            if names.is_empty() {
                evidence.push(format!("{}: no contact", role.name));
            } else {
                covered += 1;
                evidence.push(format!("{}: {}", role.name, names.join(", ")));
            }
        }
        Ok(Evaluation {
            holds: covered == roles.len(),
            summary: format!("{covered} of {} roles have a contact", roles.len()),
            evidence,
        })
    }
}
