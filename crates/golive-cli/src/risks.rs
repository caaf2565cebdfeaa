//! `golive risk`: the register, its grid, and changes to it.

use std::fmt::Write;

use golive_core::risks::{self, Category, LinkKind, Risk, RiskInput, RiskLink, RiskStatus};

use crate::args::{RiskArgs, RiskCommand};
use crate::{Context, Failure, emit};

pub fn risk_command(cx: &mut Context, command: RiskCommand) -> Result<(), Failure> {
    let launch = cx.launch()?;
    let (store, change, id) = (&mut cx.store, &cx.change, launch.id.as_str());
    let risk = match command {
        RiskCommand::List => {
            let all = risks::list(store.conn(), id)?;
            emit(cx.json, &all, |all| all.iter().map(risk_text).collect());
            return Ok(());
        }
        RiskCommand::Grid => {
            let all = risks::list(store.conn(), id)?;
            emit(cx.json, &all, |all| grid(all));
            return Ok(());
        }
        RiskCommand::Add(fields) => {
            let input = complete(fields, None)?;
            risks::add(store, change, id, &input)?
        }
        RiskCommand::Edit { risk, fields } => {
            let old = risks::get(store.conn(), id, &risk)?;
            let input = complete(fields, Some(&old))?;
            risks::edit(store, change, id, &risk, &input)?
        }
        RiskCommand::Rm { risk } => {
            let old = risks::get(store.conn(), id, &risk)?;
            risks::remove(store, change, id, &risk)?;
            eprintln!("Removed {} \"{}\".", old.key, old.title);
            return Ok(());
        }
    };
    emit(cx.json, &risk, risk_text);
    Ok(())
}

fn complete(f: RiskArgs, old: Option<&Risk>) -> Result<RiskInput, Failure> {
    let missing = |what: &str| Failure {
        message: format!("a new risk needs --{what}"),
        status: 2,
    };
    let links = if f.no_links {
        Vec::new()
    } else if f.links.is_empty() {
        old.map(|o| o.links.clone()).unwrap_or_default()
    } else {
        f.links
            .iter()
            .map(|text| {
                let (kind, target) = text.split_once(':').ok_or_else(|| Failure {
                    message: format!(
                        "{text:?} is not KIND:TARGET, e.g. item:PRE-05 or incident:INC-2"
                    ),
                    status: 2,
                })?;
                Ok(RiskLink {
                    kind: LinkKind::parse(kind)?,
                    target: target.trim().to_string(),
                    label: String::new(),
                })
            })
            .collect::<Result<_, Failure>>()?
    };
    Ok(RiskInput {
        title: match (f.title, old) {
            (Some(t), _) => t,
            (None, Some(o)) => o.title.clone(),
            (None, None) => return Err(missing("title")),
        },
        category: match (f.category, old) {
            (Some(c), _) => Category::parse(&c)?,
            (None, Some(o)) => o.category,
            (None, None) => return Err(missing("category (technical or operational)")),
        },
        likelihood: match (f.likelihood, old) {
            (Some(n), _) => n,
            (None, Some(o)) => o.likelihood,
            (None, None) => return Err(missing("likelihood (1 to 5)")),
        },
        impact: match (f.impact, old) {
            (Some(n), _) => n,
            (None, Some(o)) => o.impact,
            (None, None) => return Err(missing("impact (1 to 5)")),
        },
        proactive: f
            .proactive
            .or(old.map(|o| o.proactive.clone()))
            .unwrap_or_default(),
        reactive: f
            .reactive
            .or(old.map(|o| o.reactive.clone()))
            .unwrap_or_default(),
        owner: match f.owner.as_deref() {
            Some("none") => None,
            Some(name) => Some(name.to_string()),
            None => old.and_then(|o| o.owner_id.clone()),
        },
        status: match (f.status, old) {
            (Some(s), _) => RiskStatus::parse(&s)?,
            (None, Some(o)) => o.status,
            (None, None) => RiskStatus::Open,
        },
        links,
    })
}

fn risk_text(r: &Risk) -> String {
    let mut text = format!(
        "{:<7} {:>2} {:<8} L{} × I{}  {:<11} {:<10} {}\n",
        r.key,
        r.score,
        r.level,
        r.likelihood,
        r.impact,
        r.category.key(),
        r.status.key(),
        r.title
    );
    if let Some(owner) = &r.owner {
        let _ = writeln!(text, "        owner: {owner}");
    }
    if !r.proactive.is_empty() {
        let _ = writeln!(text, "        proactive: {}", r.proactive);
    }
    if !r.reactive.is_empty() {
        let _ = writeln!(text, "        reactive: {}", r.reactive);
    }
    for l in &r.links {
        let _ = writeln!(text, "        {}: {}", l.kind.key(), l.label);
    }
    text
}

/// Rows likelihood 5 to 1, columns impact 1 to 5; each cell the open risks' keys.
fn grid(all: &[Risk]) -> String {
    let mut text = String::from("likelihood ↓  impact →\n");
    let _ = writeln!(
        text,
        "     {}",
        (1..=5).map(|i| format!("{i:<14}")).collect::<String>()
    );
    for l in (1..=5u8).rev() {
        let _ = write!(text, "  {l}  ");
        for i in 1..=5u8 {
            let keys: Vec<String> = all
                .iter()
                .filter(|r| r.likelihood == l && r.impact == i && r.status != RiskStatus::Closed)
                .map(|r| r.key.trim_start_matches("RSK-").to_string())
                .collect();
            let cell = if keys.is_empty() {
                "·".to_string()
            } else {
                keys.join(",")
            };
            let _ = write!(text, "{cell:<14}");
        }
        text.push('\n');
    }
    text.push_str("(numbers are RSK-N; closed risks are left out)\n");
    text
}
