//! What a launch report says, gathered once from the store: readiness per
//! phase, the decision, the runs, health and success metrics against their
//! targets over a chosen window (with uptime and the SLA's downtime budget),
//! alerts, incidents, risks, training, stakeholder updates and an audit
//! summary. `html` and `markdown` only lay it out.

use std::path::Path;

use jiff::{SignedDuration, Timestamp};
use rusqlite::Connection;
use serde::Serialize;

use crate::audit::{self, Facets};
use crate::deploy::runs::{self, Run, RunFilter};
use crate::deploy::{LogLine, Stream};
use crate::health::metrics::{self, EnvironmentMetrics};
use crate::health::rollup::{self, HOUR};
use crate::health::{alerts, environments, kpis, monitors};
use crate::readiness::{self, Phase};
use crate::signoff::{self, Decision};
use crate::{Error, Result, format_timestamp, incidents, launch, risks, training, updates};

/// How many of a run's last lines the report quotes.
const EXCERPT_LINES: u64 = 8;
/// Runs listed at most (newest kept); a launch has tens, not thousands.
const RUN_LIMIT: u32 = 500;

/// The span the health figures cover: `[from, until)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: Timestamp,
    pub until: Timestamp,
}

impl Window {
    /// From go-live until now, or until the end of the plan's last day once
    /// that has passed; before go-live, the day before now.
    pub fn default_for(conn: &Connection, launch_id: &str, now: Timestamp) -> Result<Window> {
        let launch = launch::get(conn, launch_id)?;
        let go_live = launch.go_live()?.instant();
        let last_day = launch::last_day(conn, launch_id)?;
        // Plan days are taken as 24 hours: the window is about measured time.
        let end = go_live
            .checked_add(SignedDuration::from_hours((i64::from(last_day) + 1) * 24))
            .unwrap_or(now);
        let until = now.min(end);
        if until <= go_live {
            return Ok(Window {
                from: now - SignedDuration::from_hours(24),
                until: now,
            });
        }
        Ok(Window {
            from: go_live,
            until,
        })
    }

    /// A window from dates or instants the user typed (`YYYY-MM-DD` is that
    /// day's start in the launch's time zone; an `until` date includes the
    /// day); missing ends come from the default window.
    pub fn parse(
        conn: &Connection,
        launch_id: &str,
        from: Option<&str>,
        until: Option<&str>,
        now: Timestamp,
    ) -> Result<Window> {
        let default = Window::default_for(conn, launch_id, now)?;
        let zone = launch::get(conn, launch_id)?.go_live()?.time_zone;
        let from = match from {
            Some(text) => instant(text, &zone, false)?,
            None => default.from,
        };
        let until = match until {
            Some(text) => instant(text, &zone, true)?,
            None => default.until.max(from),
        };
        if until <= from {
            return Err(Error::InvalidInput(format!(
                "the report's window ends ({}) before it starts ({}); give --from before --until",
                format_timestamp(until),
                format_timestamp(from)
            )));
        }
        Ok(Window { from, until })
    }

    pub fn hours(&self) -> f64 {
        (self.until.as_second() - self.from.as_second()) as f64 / 3600.0
    }
}

fn instant(text: &str, zone: &jiff::tz::TimeZone, end_of_day: bool) -> Result<Timestamp> {
    let text = text.trim();
    if let Ok(at) = text.parse::<Timestamp>() {
        return Ok(at);
    }
    let date: jiff::civil::Date = text.parse().map_err(|_| {
        Error::InvalidInput(format!(
            "{text:?} is not a date (YYYY-MM-DD) or an instant (2026-12-07T09:00:00Z)"
        ))
    })?;
    let date = if end_of_day {
        date.tomorrow()
            .map_err(|e| Error::InvalidInput(e.to_string()))?
    } else {
        date
    };
    Ok(date
        .to_zoned(zone.clone())
        .map_err(|e| Error::InvalidInput(e.to_string()))?
        .timestamp())
}

/// A run with the end of its output.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    pub run: Run,
    pub excerpt: Vec<LogLine>,
}

/// Uptime of one monitor over the window.
#[derive(Debug, Clone, Serialize)]
pub struct MonitorUptime {
    pub name: String,
    pub probes: u64,
    pub failed: u64,
    pub uptime_percent: Option<f64>,
}

/// Uptime against the plan's uptime target (the SLA) over the window.
#[derive(Debug, Clone, Serialize)]
pub struct Uptime {
    pub environment: String,
    pub production: bool,
    pub probes: u64,
    pub failed: u64,
    pub uptime_percent: Option<f64>,
    /// e.g. "≥ 99.9 %"; None when the plan sets no uptime target.
    pub target: Option<String>,
    pub target_percent: Option<f64>,
    pub met: Option<bool>,
    /// The window's share of failed probes, as minutes.
    pub downtime_minutes: Option<f64>,
    /// The downtime the target allows over the window.
    pub budget_minutes: Option<f64>,
    pub monitors: Vec<MonitorUptime>,
}

/// One line of a chart: a value per slice of the window (None: no data).
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    pub title: String,
    pub unit: String,
    /// Labels of the points, e.g. dates.
    pub labels: Vec<String>,
    pub values: Vec<Option<f64>>,
    /// The target line, if any.
    pub target: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub launch: launch::Launch,
    pub generated_at: String,
    pub generated_by: String,
    pub window_from: String,
    pub window_until: String,
    pub window_hours: f64,
    /// The fingerprint of the key that signs this store's bundles.
    pub signer: String,
    pub phases: Vec<Phase>,
    pub decision: Decision,
    pub runs: Vec<RunReport>,
    pub metrics: Vec<EnvironmentMetrics>,
    pub uptime: Vec<Uptime>,
    pub charts: Vec<Chart>,
    pub kpis: Vec<kpis::Kpi>,
    pub alerts: Vec<alerts::Alert>,
    pub incidents: Vec<incidents::Incident>,
    pub risks: Vec<risks::Risk>,
    pub training: training::Training,
    pub updates: Vec<updates::Update>,
    pub audit: Facets,
    /// The audit chain's head and whether the whole chain verifies now.
    pub chain_head: String,
    pub chain_ok: bool,
    pub chain_problem: Option<String>,
}

impl Report {
    /// A stored instant as the launch's wall clock, `YYYY-MM-DD HH:MM`.
    pub fn local(&self, at: &str) -> String {
        match (
            crate::parse_timestamp(at),
            jiff::tz::TimeZone::get(&self.launch.time_zone),
        ) {
            (Ok(at), Ok(zone)) => at.to_zoned(zone).strftime("%Y-%m-%d %H:%M").to_string(),
            _ => at.to_string(),
        }
    }

    /// A trend chart for each business metric with at least two values.
    pub fn kpi_charts(&self) -> Vec<Chart> {
        self.kpis
            .iter()
            .filter(|k| k.trend.len() >= 2)
            .map(|k| Chart {
                title: k.title.clone(),
                unit: k.unit.clone(),
                labels: (1..=k.trend.len()).map(|i| format!("#{i}")).collect(),
                values: k.trend.iter().copied().map(Some).collect(),
                target: k.at_least.or(k.above).or(k.below),
            })
            .collect()
    }
}

/// What a report is made for: the window, who signs this store's bundles,
/// who asked, and when.
#[derive(Debug, Clone)]
pub struct Options {
    pub window: Window,
    pub signer: String,
    pub generated_by: String,
    pub now: Timestamp,
}

/// Gathers the report of `launch_id`.
pub fn gather(conn: &Connection, launch_id: &str, options: &Options) -> Result<Report> {
    let Options {
        window,
        signer,
        generated_by,
        now,
    } = options.clone();
    let launch = launch::get(conn, launch_id)?;
    let checklist = readiness::checklist(conn, launch_id, now)?;
    let mut runs: Vec<RunReport> = runs::list(
        conn,
        launch_id,
        &RunFilter {
            limit: Some(RUN_LIMIT),
            ..RunFilter::default()
        },
    )?
    .into_iter()
    .map(|run| {
        let from = (run.line_count as u64).saturating_sub(EXCERPT_LINES);
        let excerpt = runs::lines(conn, &run.id, from, EXCERPT_LINES as u32)?;
        Ok(RunReport { run, excerpt })
    })
    .collect::<Result<_>>()?;
    runs.reverse();
    let from_s = window.from.as_second().div_euclid(HOUR) * HOUR;
    let to_s = window.until.as_second();
    let verification = audit::verify(conn)?;
    Ok(Report {
        generated_at: format_timestamp(now),
        generated_by,
        window_from: format_timestamp(window.from),
        window_until: format_timestamp(window.until),
        window_hours: window.hours(),
        signer,
        phases: checklist.phases,
        decision: signoff::decision(conn, launch_id)?,
        runs,
        metrics: metrics::success_metrics_between(conn, launch_id, HOUR, from_s, to_s)?,
        uptime: uptime(conn, launch_id, window, from_s, to_s)?,
        charts: charts(conn, &launch, window)?,
        kpis: kpis::list(conn, launch_id)?,
        alerts: alerts::list(conn, launch_id, usize::MAX)?,
        incidents: incidents::list(conn, launch_id, false)?,
        risks: risks::list(conn, launch_id)?,
        training: training::overview(conn, launch_id)?,
        updates: updates::list(conn, launch_id)?,
        audit: audit::facets(conn, launch_id)?,
        chain_head: verification.head.clone(),
        chain_ok: verification.ok(),
        chain_problem: verification
            .first_bad
            .map(|bad| format!("event {}: {}", bad.seq, bad.problem)),
        launch,
    })
}

fn uptime(
    conn: &Connection,
    launch_id: &str,
    window: Window,
    from_s: i64,
    to_s: i64,
) -> Result<Vec<Uptime>> {
    let target = metrics::probe_targets(conn, launch_id)?
        .into_iter()
        .find(|t| t.metric == "uptime_percent");
    let minutes = window.hours() * 60.0;
    let all = monitors::list(conn, launch_id)?;
    let mut out = Vec::new();
    for environment in environments::list(conn, launch_id)? {
        let mut monitors = Vec::new();
        let mut sums = rollup::Totals::default();
        for monitor in all.iter().filter(|m| m.environment_id == environment.id) {
            let totals =
                rollup::totals(conn, std::slice::from_ref(&monitor.id), HOUR, from_s, to_s)?;
            sums.merge(&totals);
            monitors.push(MonitorUptime {
                name: monitor.name.clone(),
                probes: totals.total,
                failed: totals.failed,
                uptime_percent: totals.uptime_percent(),
            });
        }
        let uptime_percent = sums.uptime_percent();
        let target_percent = target
            .as_ref()
            .and_then(|t| t.at_least.or(t.above))
            .filter(|p| *p <= 100.0);
        out.push(Uptime {
            environment: environment.name,
            production: environment.production,
            probes: sums.total,
            failed: sums.failed,
            uptime_percent,
            target: target.as_ref().map(|t| metrics::target_text(t, "%")),
            target_percent,
            met: match (&target, uptime_percent) {
                (Some(t), Some(u)) => Some(metrics::meets(t, u)),
                _ => None,
            },
            downtime_minutes: uptime_percent.map(|u| (100.0 - u) / 100.0 * minutes),
            budget_minutes: target_percent.map(|t| (100.0 - t) / 100.0 * minutes),
            monitors,
        });
    }
    Ok(out)
}

/// Per environment: uptime and average response per slice of the window
/// (hours for windows up to two days, else days from the window's start).
fn charts(conn: &Connection, launch: &launch::Launch, window: Window) -> Result<Vec<Chart>> {
    let zone = launch.go_live()?.time_zone;
    let slice = if window.hours() <= 48.0 {
        HOUR
    } else {
        24 * HOUR
    };
    let from_s = window.from.as_second().div_euclid(HOUR) * HOUR;
    let to_s = window.until.as_second();
    let slices = usize::try_from((to_s - from_s + slice - 1) / slice).unwrap_or(0);
    let labels: Vec<String> = (0..slices)
        .map(|i| {
            let at = Timestamp::from_second(from_s + i as i64 * slice).unwrap_or(window.from);
            let local = at.to_zoned(zone.clone());
            if slice == HOUR {
                local.strftime("%d %H:00").to_string()
            } else {
                local.strftime("%b %d").to_string()
            }
        })
        .collect();
    let targets = metrics::probe_targets(conn, &launch.id)?;
    let target_of = |metric: &str| {
        targets
            .iter()
            .find(|t| t.metric == metric)
            .and_then(|t| t.at_least.or(t.above).or(t.below))
    };
    let all = monitors::list(conn, &launch.id)?;
    let mut out = Vec::new();
    for environment in environments::list(conn, &launch.id)? {
        let mut total = vec![0u64; slices];
        let mut up = vec![0u64; slices];
        let mut latency_sum = vec![0.0; slices];
        let mut latency_count = vec![0u64; slices];
        let mut any = false;
        for monitor in all.iter().filter(|m| m.environment_id == environment.id) {
            for point in rollup::series(conn, &monitor.id, HOUR, from_s, to_s)? {
                let Ok(i) = usize::try_from((point.start_s - from_s) / slice) else {
                    continue;
                };
                if i >= slices {
                    continue;
                }
                any = true;
                total[i] += u64::from(point.total);
                up[i] += u64::from(point.total - point.failed.min(point.total));
                if let Some(avg) = point.average_ms {
                    // Weighted by probes: a rollup's average is over its probes.
                    latency_sum[i] += avg * f64::from(point.total);
                    latency_count[i] += u64::from(point.total);
                }
            }
        }
        if !any {
            continue;
        }
        out.push(Chart {
            title: format!("{} — uptime", environment.name),
            unit: "%".into(),
            labels: labels.clone(),
            values: (0..slices)
                .map(|i| (total[i] > 0).then(|| up[i] as f64 * 100.0 / total[i] as f64))
                .collect(),
            target: target_of("uptime_percent"),
        });
        out.push(Chart {
            title: format!("{} — average response", environment.name),
            unit: "ms".into(),
            labels: labels.clone(),
            values: (0..slices)
                .map(|i| (latency_count[i] > 0).then(|| latency_sum[i] / latency_count[i] as f64))
                .collect(),
            target: target_of("avg_response_ms"),
        });
    }
    Ok(out)
}

/// The layouts a report is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ReportFormat {
    Html,
    Markdown,
}

/// A report as written.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReportWritten {
    pub path: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes: u64,
    pub window_from: String,
    pub window_until: String,
}

/// Gathers the report and writes it to `dest` (replacing it whole: it is
/// written beside it first, then renamed).
pub fn write(
    conn: &Connection,
    launch_id: &str,
    options: &Options,
    format: ReportFormat,
    dest: &Path,
) -> Result<ReportWritten> {
    let report = gather(conn, launch_id, options)?;
    let text = match format {
        ReportFormat::Html => super::html::render(&report),
        ReportFormat::Markdown => super::markdown::render(&report),
    };
    let failed = |e: std::io::Error| {
        Error::InvalidInput(format!(
            "cannot write the report to {}: {e}. Pick a folder you can write to.",
            dest.display()
        ))
    };
    let mut partial = dest.as_os_str().to_owned();
    partial.push(".partial");
    let partial = std::path::PathBuf::from(partial);
    std::fs::write(&partial, text.as_bytes()).map_err(failed)?;
    if let Err(e) = crate::store::backup::publish(&partial, dest) {
        let _ = std::fs::remove_file(&partial);
        return Err(failed(e));
    }
    Ok(ReportWritten {
        path: dest.display().to_string(),
        bytes: text.len() as u64,
        window_from: report.window_from,
        window_until: report.window_until,
    })
}

/// How a log line reads in a report.
pub fn line_text(line: &LogLine) -> String {
    match line.stream {
        Stream::Stdout => line.text.clone(),
        Stream::Stderr => format!("[stderr] {}", line.text),
        Stream::Golive => format!("[golive] {}", line.text),
    }
}

/// A number as a report shows it: at most two decimals (one from 100 on),
/// without trailing zeros.
pub fn number(value: f64) -> String {
    let text = if value.abs() >= 100.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    };
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    if text == "-0" { "0".into() } else { text }
}

/// A value with its unit ("99.95 %", "230 ms").
pub fn with_unit(value: f64, unit: &str) -> String {
    match unit {
        "" => number(value),
        "%" => format!("{} %", number(value)),
        unit => format!("{} {unit}", number(value)),
    }
}

/// " (production)" after an environment's name, unless the name says so.
pub fn production_note(name: &str, production: bool) -> &'static str {
    if production && !name.to_lowercase().contains("prod") {
        " (production)"
    } else {
        ""
    }
}

/// A stored wall-clock time (`2026-12-07T09:00:00`) as `2026-12-07 09:00`.
pub fn wall_clock(local: &str) -> String {
    let text = local.replace('T', " ");
    match text.len() {
        19 if text.ends_with(":00") => text[..16].to_string(),
        _ => text,
    }
}

/// Minutes as "2 h 05 min" or "41.3 min".
pub fn minutes_text(minutes: f64) -> String {
    if minutes >= 60.0 {
        let whole = minutes.round() as i64;
        format!("{} h {:02} min", whole / 60, whole % 60)
    } else {
        format!("{minutes:.1} min")
    }
}

/// A duration in milliseconds as "4 min 12 s" or "850 ms".
pub fn duration_text(ms: i64) -> String {
    match ms {
        ms if ms < 1_000 => format!("{ms} ms"),
        ms if ms < 60_000 => format!("{:.1} s", ms as f64 / 1000.0),
        ms => format!("{} min {:02} s", ms / 60_000, (ms % 60_000) / 1000),
    }
}
