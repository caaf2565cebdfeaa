//! The launch report from a real store holding every kind of record: a real
//! deploy run (child process), probe results over two days, an alert, an
//! incident, a risk, sign-offs and evidence; laid out as HTML and Markdown.

use std::sync::Arc;

use golive_core::deploy::start::{self, Request};
use golive_core::deploy::triggers::{self, CommandSpec, TriggerInput, TriggerSpec};
use golive_core::deploy::{Action, RunSink, RunState, chunk};
use golive_core::health::monitors::{self, MonitorInput};
use golive_core::health::probe::{Outcome, ProbeVerdict};
use golive_core::health::{environments, record as probes};
use golive_core::incidents::{self, IncidentInput};
use golive_core::readiness;
use golive_core::record::report::{self, Options, ReportFormat, Window};
use golive_core::risks::{self, Category, RiskInput, RiskStatus};
use golive_core::signoff::{self, Verdict};
use golive_core::{Actor, ErrorCode};
use jiff::{Timestamp, ToSpan};

use crate::health_record::outcome;
use crate::support::{Fixture, at, change};

struct Quiet;

impl RunSink for Quiet {
    fn lines(&self, _run_id: &str, _lines: chunk::Lines<'_>) {}
}

/// A launch two days past go-live (2026-12-07 08:00 UTC) with a bit of
/// everything.
fn recorded_launch() -> (Fixture, String) {
    let mut f = Fixture::new();
    let launch = f.launch();
    let id = launch.id.clone();
    let c = |time: &str| change("ana", time);
    readiness::tick(
        &mut f.store,
        &c("2026-12-01T10:00:00Z"),
        &id,
        "PRE-01",
        Some("restore tested <ok>"),
    )
    .unwrap();
    readiness::add_link(
        &mut f.store,
        &c("2026-12-01T10:05:00Z"),
        &id,
        "PRE-01",
        "https://wiki.example.test/restore?run=1&by=ana",
        Some("Restore drill"),
    )
    .unwrap();
    readiness::block(
        &mut f.store,
        &c("2026-12-02T10:00:00Z"),
        &id,
        "PRE-02",
        "waiting for the vendor | part 2",
    )
    .unwrap();
    signoff::sign(
        &mut f.store,
        &change("pm", "2026-12-06T16:00:00Z"),
        &id,
        "pm",
        Verdict::Go,
        Some("ready from the project side"),
    )
    .unwrap();
    signoff::sign(
        &mut f.store,
        &change("tech", "2026-12-06T16:30:00Z"),
        &id,
        "tech",
        Verdict::NoGo,
        Some("load test pending"),
    )
    .unwrap();

    let setup = c("2026-12-06T12:00:00Z");
    environments::add(&mut f.store, &setup, &id, "production", true).unwrap();
    environments::add(&mut f.store, &setup, &id, "staging", false).unwrap();
    let monitor = monitors::add(
        &mut f.store,
        &setup,
        &id,
        &MonitorInput {
            environment: "production".into(),
            name: "Orders API".into(),
            url: "http://127.0.0.1:1/health".into(),
            ..MonitorInput::default()
        },
    )
    .unwrap();
    // Every 10 minutes for 48 hours from go-live; the 4th hour of day 1 down.
    let go_live = at("2026-12-07T08:00:00Z");
    let outcomes: Vec<Outcome> = (0..288)
        .map(|n| {
            let verdict = if (18..24).contains(&n) {
                ProbeVerdict::Fail
            } else {
                ProbeVerdict::Pass
            };
            outcome(&monitor.id, go_live + (n * 10).minutes(), verdict, 120)
        })
        .collect();
    for batch in outcomes.chunks(6) {
        probes::store(&mut f.store, &setup, batch).unwrap();
    }

    incidents::open(
        &mut f.store,
        &c("2026-12-07T11:05:00Z"),
        &id,
        &IncidentInput {
            title: "Orders API down".into(),
            severity: Some(2),
            environment: Some("production".into()),
            ..IncidentInput::default()
        },
    )
    .unwrap();
    risks::add(
        &mut f.store,
        &c("2026-12-01T09:00:00Z"),
        &id,
        &RiskInput {
            title: "Payment provider rate limits".into(),
            category: Category::Technical,
            likelihood: 4,
            impact: 4,
            proactive: "raise the limit".into(),
            reactive: "queue payments".into(),
            owner: None,
            status: RiskStatus::Mitigating,
            links: Vec::new(),
        },
    )
    .unwrap();

    let trigger = triggers::add(
        &mut f.store,
        &c("2026-12-06T12:00:00Z"),
        &id,
        &TriggerInput {
            environment: "staging".into(),
            name: "deploy".into(),
            action: Action::Deploy,
            spec: TriggerSpec::Command(CommandSpec {
                program: "sh".into(),
                args: vec![
                    "-c".into(),
                    "for n in $(seq 1 20); do echo step $n; done; sleep 0.2; echo '<done>' >&2"
                        .into(),
                ],
                cwd: None,
                env: vec![],
                secret_env: vec![],
            }),
            timeout_s: None,
            auto_rollback: false,
        },
    )
    .unwrap();
    let run = start::run(
        &f.path(),
        &Actor::anonymous("ana"),
        &id,
        &Request {
            trigger: trigger.id,
            version: Some("2.4.0".into()),
            ..Request::default()
        },
        Arc::new(Quiet),
        |_| {},
    )
    .unwrap();
    assert_eq!(run.state, RunState::Succeeded);
    (f, id)
}

fn options(f: &Fixture, id: &str, from: Option<&str>, until: Option<&str>) -> Options {
    let now: Timestamp = at("2026-12-09T09:00:00Z");
    Options {
        window: Window::parse(f.store.conn(), id, from, until, now).unwrap(),
        signer: "ed25519:test-key".into(),
        generated_by: "ana".into(),
        now,
    }
}

#[test]
fn uptime_over_the_chosen_window_is_measured_like_the_success_metrics() {
    let (f, id) = recorded_launch();
    // Default window: go-live (Dec 7, 09:00 Berlin) until now.
    let all = report::gather(f.store.conn(), &id, &options(&f, &id, None, None)).unwrap();
    assert_eq!(all.window_from, "2026-12-07T08:00:00.000Z");
    let production = all.uptime.iter().find(|u| u.production).unwrap();
    assert_eq!((production.probes, production.failed), (288, 6));
    let expected = 282.0 * 100.0 / 288.0;
    assert!((production.uptime_percent.unwrap() - expected).abs() < 1e-9);
    assert_eq!(production.met, Some(false), "97.9 % misses ≥ 99.9 %");
    assert_eq!(production.target.as_deref(), Some("≥ 99.9 %"));
    let metric = all
        .metrics
        .iter()
        .find(|m| m.production)
        .unwrap()
        .metrics
        .iter()
        .find(|m| m.key == "uptime")
        .unwrap();
    assert_eq!(metric.value, production.uptime_percent, "same computation");
    // The window is 49 hours: budget 0.1 % of it, downtime the failed share.
    let minutes = 49.0 * 60.0;
    assert!((production.budget_minutes.unwrap() - minutes * 0.001).abs() < 1e-6);
    assert!((production.downtime_minutes.unwrap() - minutes * 6.0 / 288.0).abs() < 1e-6);

    // Day 2 alone (Dec 8 in Berlin) had no failure.
    let day2 = report::gather(
        f.store.conn(),
        &id,
        &options(&f, &id, Some("2026-12-08"), Some("2026-12-08")),
    )
    .unwrap();
    assert_eq!(day2.window_from, "2026-12-07T23:00:00.000Z");
    assert_eq!(day2.window_until, "2026-12-08T23:00:00.000Z");
    let production = day2.uptime.iter().find(|u| u.production).unwrap();
    assert_eq!((production.failed, production.met), (0, Some(true)));
    assert_eq!(production.uptime_percent, Some(100.0));
    // Hourly points over a day: 24, the uptime chart at 100 throughout.
    let chart = &day2.charts[0];
    assert_eq!(chart.values.len(), 24);
    assert!(chart.values.iter().all(|v| *v == Some(100.0)), "{chart:?}");
    assert_eq!(chart.target, Some(99.9));
}

#[test]
fn a_window_that_ends_before_it_starts_is_refused() {
    let (f, id) = recorded_launch();
    let error = Window::parse(
        f.store.conn(),
        &id,
        Some("2026-12-09"),
        Some("2026-12-08"),
        at("2026-12-09T09:00:00Z"),
    )
    .unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidInput);
    assert!(error.to_string().contains("before it starts"), "{error}");
    let error = Window::parse(
        f.store.conn(),
        &id,
        Some("last tuesday"),
        None,
        at("2026-12-09T09:00:00Z"),
    )
    .unwrap_err();
    assert!(error.to_string().contains("not a date"), "{error}");
}

#[test]
fn the_html_report_is_one_self_contained_file_with_every_section() {
    let (f, id) = recorded_launch();
    let dest = f.dir.path().join("report.html");
    let written = report::write(
        f.store.conn(),
        &id,
        &options(&f, &id, None, None),
        ReportFormat::Html,
        &dest,
    )
    .unwrap();
    let html = std::fs::read_to_string(&dest).unwrap();
    assert_eq!(written.bytes, html.len() as u64);
    for section in [
        "<h2>Readiness</h2>",
        "<h2>Go/no-go decision</h2>",
        "<h2>Deployments and rollbacks</h2>",
        "<h2>Health and success metrics</h2>",
        "<h2>Uptime and SLA</h2>",
        "<h2>Alerts</h2>",
        "<h2>Incidents</h2>",
        "<h2>Risks</h2>",
        "<h2>Training</h2>",
        "<h2>Stakeholder updates</h2>",
        "<h2>Audit trail</h2>",
    ] {
        assert!(html.contains(section), "missing {section}");
    }
    // Who, when and evidence of a ticked item; text escaped, links kept.
    assert!(html.contains("restore tested &lt;ok&gt;"));
    assert!(html.contains(
        "<a href=\"https://wiki.example.test/restore?run=1&amp;by=ana\">Restore drill</a>"
    ));
    assert!(html.contains("2026-12-01 11:00"), "tick time in Berlin");
    assert!(html.contains("ready from the project side") && html.contains("load test pending"));
    // The run, its outcome and the end of its output.
    assert!(html.contains("2.4.0") && html.contains("succeeded"));
    assert!(html.contains("step 20") && html.contains("[stderr] &lt;done&gt;"));
    assert!(!html.contains("step 1\n"), "only the last lines are quoted");
    assert!(html.contains("INC-1") && html.contains("Orders API down"));
    assert!(html.contains("RSK-1") && html.contains("Payment provider rate limits"));
    // Charts inline, the fingerprint and chain head printed.
    assert!(html.matches("<svg class=\"chart\"").count() >= 2);
    assert!(html.contains("ed25519:test-key"));
    let head = golive_core::audit::verify(f.store.conn()).unwrap().head;
    assert!(html.contains(&head));
    // Nothing is fetched: no script, no external stylesheet, image or font.
    for external in ["<script", "<link", "<img", "url(", "@import", "src="] {
        assert!(!html.contains(external), "found {external}");
    }
    assert!(!dest.with_extension("html.partial").exists());
}

#[test]
fn the_markdown_report_has_the_same_sections_as_tables() {
    let (f, id) = recorded_launch();
    let dest = f.dir.path().join("report.md");
    report::write(
        f.store.conn(),
        &id,
        &options(&f, &id, None, None),
        ReportFormat::Markdown,
        &dest,
    )
    .unwrap();
    let md = std::fs::read_to_string(&dest).unwrap();
    assert!(md.starts_with("# Arxos platform — go-live record"));
    for section in [
        "## Readiness",
        "## Uptime and SLA",
        "## Audit trail",
        "## Risks",
    ] {
        assert!(md.contains(section), "missing {section}");
    }
    assert!(md.contains("[Restore drill](https://wiki.example.test/restore?run=1&by=ana)"));
    // A pipe in a note does not split the table row.
    assert!(md.contains("waiting for the vendor \\| part 2"));
    assert!(md.contains("| **production** | 288 | 6 |"), "{md}");
    assert!(md.contains("```text\nstep 15"));
}

#[test]
fn a_report_into_a_missing_folder_fails_clearly_and_writes_nothing() {
    let (f, id) = recorded_launch();
    let dest = f.dir.path().join("no-such-folder").join("report.html");
    let error = report::write(
        f.store.conn(),
        &id,
        &options(&f, &id, None, None),
        ReportFormat::Html,
        &dest,
    )
    .unwrap_err();
    assert!(
        error.to_string().contains("cannot write the report")
            && error.to_string().contains("Pick a folder"),
        "{error}"
    );
    assert!(!dest.exists());
}
