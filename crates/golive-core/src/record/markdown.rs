//! The report as Markdown (GitHub-flavoured tables): the same sections as
//! the HTML one; charts become their figures in words.

use std::fmt::Write;

use super::report::{Report, duration_text, line_text, minutes_text, number, with_unit};
use super::svg;
use crate::signoff::Verdict;

/// Makes text safe inside a table cell: no pipes or line breaks.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\r', '\n'], " ")
}

fn row(out: &mut String, cells: &[String]) {
    out.push('|');
    for c in cells {
        let _ = write!(out, " {} |", cell(c));
    }
    out.push('\n');
}

fn head(out: &mut String, headers: &[&str]) {
    row(
        out,
        &headers.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
    );
    out.push('|');
    for _ in headers {
        out.push_str(" --- |");
    }
    out.push('\n');
}

fn met_text(met: Option<bool>) -> String {
    match met {
        Some(true) => "met".into(),
        Some(false) => "**missed**".into(),
        None => "no data".into(),
    }
}

fn or_dash(value: Option<String>) -> String {
    value.unwrap_or_else(|| "—".into())
}

pub fn render(r: &Report) -> String {
    let mut out = String::with_capacity(32 * 1024);
    let l = &r.launch;
    let _ = writeln!(out, "# {} — go-live record\n", l.name);
    if let Some(of) = &l.rehearsal_of_name {
        let _ = writeln!(out, "**REHEARSAL** of {of}\n");
    }
    if let Some(at) = &l.closed_at {
        let _ = writeln!(
            out,
            "**CLOSED** {} by {}\n",
            r.local(at),
            l.closed_by.as_deref().unwrap_or("?")
        );
    }
    let _ = writeln!(
        out,
        "{}go-live {} ({}) · plan {} v{}  \nHealth figures cover {} to {} ({} h). Times are in {}.\n",
        if l.platform.trim().is_empty() {
            String::new()
        } else {
            format!("{} · ", l.platform)
        },
        super::report::wall_clock(&l.go_live_local),
        l.time_zone,
        l.template_name,
        l.template_version,
        r.local(&r.window_from),
        r.local(&r.window_until),
        number(r.window_hours),
        l.time_zone
    );
    let _ = writeln!(
        out,
        "**Decision: {}** · generated {} by {}\n",
        r.decision.state.label(),
        r.local(&r.generated_at),
        r.generated_by
    );

    out.push_str("## Readiness\n\n");
    for phase in &r.phases {
        let p = &phase.progress;
        let _ = writeln!(
            out,
            "### {} (days {} to {}, {} to {}) — {} of {} settled, {} blocked\n",
            phase.name,
            phase.first_day,
            phase.last_day,
            phase.first_date,
            phase.last_date,
            p.settled,
            p.total,
            p.blocked
        );
        head(
            &mut out,
            &["Item", "Owner", "Status", "By, when", "Evidence and notes"],
        );
        for item in phase.sections.iter().flat_map(|s| &s.items) {
            let mut status = item.status.label().to_string();
            if item.gate {
                status.push_str(" · gate");
            }
            if item.overdue {
                status.push_str(" · overdue");
            }
            let mut evidence: Vec<String> = item
                .links
                .iter()
                .map(|link| {
                    if link.label.is_empty() {
                        format!("<{}>", link.url)
                    } else {
                        format!("[{}]({})", link.label, link.url)
                    }
                })
                .collect();
            evidence.extend(item.status_note.clone());
            row(
                &mut out,
                &[
                    format!("**{}** {}", item.key, item.title),
                    item.owner_display(),
                    status,
                    match (&item.status_by, &item.status_at) {
                        (Some(by), Some(at)) => format!("{by}, {}", r.local(at)),
                        _ => String::new(),
                    },
                    evidence.join("; "),
                ],
            );
        }
        out.push('\n');
    }

    let d = &r.decision;
    let _ = writeln!(out, "## Go/no-go decision: {}\n", d.state.label());
    for missing in &d.missing {
        let _ = writeln!(out, "- {missing}");
    }
    if !d.missing.is_empty() {
        out.push('\n');
    }
    head(
        &mut out,
        &["Role", "Verdict", "Signed by", "When", "Comment"],
    );
    for s in &d.signoffs {
        let mut comment = s.comment.clone().unwrap_or_default();
        if let Some(stale) = &s.stale_reason {
            let _ = write!(comment, " (needs re-confirmation: {stale})");
        }
        row(
            &mut out,
            &[
                s.role_name.clone(),
                match s.verdict {
                    Some(Verdict::Go) => "GO".into(),
                    Some(Verdict::NoGo) => "NO-GO".into(),
                    None => "not signed".into(),
                },
                s.signed_by.clone().unwrap_or_default(),
                s.signed_at
                    .as_deref()
                    .map(|at| r.local(at))
                    .unwrap_or_default(),
                comment,
            ],
        );
    }
    out.push('\n');

    out.push_str("## Deployments and rollbacks\n\n");
    if r.runs.is_empty() {
        out.push_str("No runs.\n\n");
    } else {
        head(
            &mut out,
            &[
                "Run",
                "Environment",
                "Version",
                "Outcome",
                "Started",
                "Duration",
                "Validation",
            ],
        );
        for rr in &r.runs {
            let run = &rr.run;
            row(
                &mut out,
                &[
                    format!(
                        "{} {} ({})",
                        run.action.key(),
                        crate::deploy::runs::short(&run.id),
                        run.trigger_name
                    ),
                    run.environment.clone(),
                    run.version.clone().unwrap_or_default(),
                    match &run.detail {
                        Some(detail) => format!("{}: {detail}", run.state.label()),
                        None => run.state.label().to_string(),
                    },
                    format!("{} by {}", r.local(&run.started_at), run.started_by),
                    run.duration_ms.map(duration_text).unwrap_or_default(),
                    run.validation_state.clone().unwrap_or_default(),
                ],
            );
        }
        out.push('\n');
        for rr in r.runs.iter().filter(|rr| !rr.excerpt.is_empty()) {
            let run = &rr.run;
            let _ = writeln!(
                out,
                "**{} {}** on {} — last {} of {} lines:\n\n```text",
                run.action.key(),
                crate::deploy::runs::short(&run.id),
                run.environment,
                rr.excerpt.len(),
                run.line_count
            );
            for line in &rr.excerpt {
                // A line of backticks would end the fence early.
                let _ = writeln!(out, "{}", line_text(line).replace("```", "`\u{200b}``"));
            }
            out.push_str("```\n\n");
        }
    }

    out.push_str("## Health and success metrics\n\n");
    for env in &r.metrics {
        let _ = writeln!(
            out,
            "### {}{} — {} probes in the window\n",
            env.environment,
            super::report::production_note(&env.environment, env.production),
            env.probes
        );
        head(&mut out, &["Metric", "Target", "Measured", "Result"]);
        for m in &env.metrics {
            row(
                &mut out,
                &[
                    m.title.clone(),
                    m.target.clone(),
                    or_dash(m.value.map(|v| with_unit(v, &m.unit))),
                    met_text(m.met),
                ],
            );
        }
        out.push('\n');
    }
    for chart in r.charts.iter().chain(r.kpi_charts().iter()) {
        let _ = writeln!(out, "- {}: {}", chart.title, svg::summary(chart));
    }
    if !r.charts.is_empty() {
        out.push('\n');
    }
    if !r.kpis.is_empty() {
        out.push_str("### Business and adoption metrics\n\n");
        head(&mut out, &["Metric", "Target", "Latest", "When", "Result"]);
        for k in &r.kpis {
            let latest = k.latest.as_ref();
            row(
                &mut out,
                &[
                    k.title.clone(),
                    k.target.clone(),
                    or_dash(latest.and_then(|v| v.value).map(|v| with_unit(v, &k.unit))),
                    latest.map(|v| r.local(&v.at)).unwrap_or_default(),
                    met_text(k.met),
                ],
            );
        }
        out.push('\n');
    }

    out.push_str("## Uptime and SLA\n\n");
    let _ = writeln!(
        out,
        "Over {} to {}: the share of probes that did not fail (warnings count as up); downtime is that share of the window, the budget what the target allows.\n",
        r.local(&r.window_from),
        r.local(&r.window_until)
    );
    head(
        &mut out,
        &[
            "Environment / monitor",
            "Probes",
            "Failed",
            "Uptime",
            "Target",
            "Downtime",
            "Budget",
            "Result",
        ],
    );
    for u in &r.uptime {
        row(
            &mut out,
            &[
                format!(
                    "**{}**{}",
                    u.environment,
                    super::report::production_note(&u.environment, u.production)
                ),
                u.probes.to_string(),
                u.failed.to_string(),
                or_dash(u.uptime_percent.map(|v| with_unit(v, "%"))),
                u.target.clone().unwrap_or_else(|| "none".into()),
                or_dash(u.downtime_minutes.map(minutes_text)),
                or_dash(u.budget_minutes.map(minutes_text)),
                met_text(u.met),
            ],
        );
        for m in &u.monitors {
            row(
                &mut out,
                &[
                    format!("  {}", m.name),
                    m.probes.to_string(),
                    m.failed.to_string(),
                    or_dash(m.uptime_percent.map(|v| with_unit(v, "%"))),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ],
            );
        }
    }
    out.push('\n');

    out.push_str("## Alerts\n\n");
    if r.alerts.is_empty() {
        out.push_str("No alerts were raised.\n\n");
    } else {
        head(
            &mut out,
            &["Alert", "Severity", "Raised", "Acknowledged", "Resolved"],
        );
        for a in &r.alerts {
            row(
                &mut out,
                &[
                    format!("{} ({} · {})", a.title, a.environment, a.monitor),
                    a.severity.clone(),
                    r.local(&a.raised_at),
                    match (&a.acknowledged_at, &a.acknowledged_by) {
                        (Some(at), by) => {
                            format!("{} by {}", r.local(at), by.as_deref().unwrap_or("?"))
                        }
                        _ => String::new(),
                    },
                    a.resolved_at
                        .as_deref()
                        .map_or("open".into(), |at| r.local(at)),
                ],
            );
        }
        out.push('\n');
    }

    out.push_str("## Incidents\n\n");
    if r.incidents.is_empty() {
        out.push_str("No incidents were opened.\n\n");
    } else {
        head(
            &mut out,
            &[
                "Incident", "Severity", "Level", "State", "Owner", "Opened", "Resolved",
            ],
        );
        for i in &r.incidents {
            row(
                &mut out,
                &[
                    format!("**{}** {}", i.key, i.title),
                    format!("SEV{}", i.severity),
                    format!("L{}", i.level),
                    i.state.key().to_string(),
                    i.owner.clone().unwrap_or_default(),
                    format!("{} by {}", r.local(&i.opened_at), i.opened_by),
                    i.resolved_at
                        .as_deref()
                        .map(|at| r.local(at))
                        .unwrap_or_default(),
                ],
            );
        }
        out.push('\n');
    }

    out.push_str("## Risks\n\n");
    if r.risks.is_empty() {
        out.push_str("No risks are registered.\n\n");
    } else {
        head(
            &mut out,
            &["Risk", "Score", "Status", "Owner", "Proactive", "Reactive"],
        );
        for risk in &r.risks {
            row(
                &mut out,
                &[
                    format!("**{}** {} ({})", risk.key, risk.title, risk.category.key()),
                    format!("{} ({})", risk.score, risk.level),
                    risk.status.key().to_string(),
                    risk.owner.clone().unwrap_or_default(),
                    risk.proactive.clone(),
                    risk.reactive.clone(),
                ],
            );
        }
        out.push('\n');
    }

    out.push_str("## Training\n\n");
    if r.training.sessions.is_empty() {
        out.push_str("No training sessions are planned.\n\n");
    } else {
        head(
            &mut out,
            &[
                "Audience",
                "Sessions",
                "Invited",
                "Attended",
                "Completed",
                "Completion",
            ],
        );
        for c in &r.training.completion {
            row(
                &mut out,
                &[
                    c.label.clone(),
                    c.sessions.to_string(),
                    c.invited.to_string(),
                    c.attended.to_string(),
                    c.completed.to_string(),
                    or_dash(c.percent.map(|p| with_unit(p, "%"))),
                ],
            );
        }
        out.push('\n');
    }

    out.push_str("## Stakeholder updates\n\n");
    if r.updates.is_empty() {
        out.push_str("No updates were sent.\n\n");
    }
    for u in &r.updates {
        let _ = writeln!(
            out,
            "**#{}** {} · to {} · by {}\n",
            u.number,
            r.local(&u.sent_at),
            u.sent_to,
            u.sent_by
        );
        for line in u.body.lines() {
            let _ = writeln!(out, "> {line}");
        }
        out.push('\n');
    }

    let a = &r.audit;
    out.push_str("## Audit trail\n\n");
    let _ = writeln!(
        out,
        "{} events from {} to {}, by {} people or processes. The chain {}.\n",
        a.events,
        or_dash(a.first_at.as_deref().map(|at| r.local(at))),
        or_dash(a.last_at.as_deref().map(|at| r.local(at))),
        a.actors.len(),
        if r.chain_ok {
            "verifies".to_string()
        } else {
            format!(
                "does **NOT** verify: {}",
                r.chain_problem.as_deref().unwrap_or("unknown")
            )
        }
    );
    head(&mut out, &["Kind of change", "Events"]);
    for k in &a.kinds {
        row(&mut out, &[k.kind.clone(), k.count.to_string()]);
    }
    let _ = writeln!(
        out,
        "\nChanged by: {}.\n\nRecord fingerprint (chain head): `{}`  \nSigning key: `{}`",
        a.actors.join(", "),
        r.chain_head,
        r.signer
    );
    out
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_keep_to_one_line_and_column() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }
}
