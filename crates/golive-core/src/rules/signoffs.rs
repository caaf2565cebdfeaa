//! `signoffs`: every sign-off role has said go, and none of those sign-offs
//! needs re-confirmation.

use super::{Evaluation, Facts, PlanShape, RuleKind};
use crate::Result;
use crate::signoff::{self, Verdict};

pub struct SignoffsGo;

impl RuleKind for SignoffsGo {
    fn name(&self) -> &'static str {
        "signoffs"
    }

    fn check(&self, argument: Option<&str>, _plan: &PlanShape) -> Result<(), String> {
        match argument {
            None => Ok(()),
            Some(_) => Err("the rule `signoffs` takes no argument".into()),
        }
    }

    fn describe(&self, _argument: Option<&str>, _plan: &PlanShape) -> String {
        "every go/no-go sign-off is in and says go".into()
    }

    fn evaluate(&self, _argument: Option<&str>, facts: &Facts<'_>) -> Result<Evaluation> {
        let signoffs = signoff::current(facts.conn, facts.launch_id)?;
        let mut evidence = Vec::new();
        let mut go = 0;
        for s in &signoffs {
            let line = match (&s.verdict, &s.stale_reason) {
                (None, _) => format!("{}: not signed", s.role_name),
                (Some(_), Some(reason)) => {
                    format!("{}: needs re-confirmation ({reason})", s.role_name)
                }
                (Some(verdict), None) => {
                    go += usize::from(*verdict == Verdict::Go);
                    format!(
                        "{}: {} by {} at {}",
                        s.role_name,
                        verdict.label(),
                        s.signed_by.as_deref().unwrap_or("?"),
                        s.signed_at.as_deref().unwrap_or("?")
                    )
                }
            };
            evidence.push(line);
        }
        Ok(Evaluation {
            holds: !signoffs.is_empty() && go == signoffs.len(),
            summary: format!("{go} of {} sign-offs say go", signoffs.len()),
            evidence,
        })
    }
}
