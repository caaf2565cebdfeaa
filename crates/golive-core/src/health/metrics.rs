//! Success metrics per environment against the plan's targets (uptime,
//! average response, API response p95, error rate), from the rollups.

use jiff::Timestamp;
use rusqlite::Connection;
use serde::Serialize;

use super::environments;
use super::monitors;
use super::rollup::{self, HOUR, MINUTE, Totals};
use crate::plan::{SuccessTarget, TargetSource};
use crate::{Result, launch};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SuccessMetric {
    pub key: String,
    pub title: String,
    /// e.g. "≥ 99.9 %" or "< 500 ms".
    pub target: String,
    pub value: Option<f64>,
    pub unit: String,
    /// `None` while there is nothing measured yet.
    pub met: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EnvironmentMetrics {
    pub environment: String,
    pub production: bool,
    pub window_hours: u32,
    pub probes: u64,
    pub metrics: Vec<SuccessMetric>,
}

/// How a probe-measured target's metric is computed from sums.
fn measure(metric: &str, totals: &Totals) -> Option<(Option<f64>, &'static str)> {
    match metric {
        "uptime_percent" => Some((totals.uptime_percent(), "%")),
        "error_rate_percent" => Some((totals.error_rate_percent(), "%")),
        "avg_response_ms" => Some((totals.average_ms(), "ms")),
        "api_response_ms" => Some((totals.histogram.quantile(0.95), "ms")),
        _ => None,
    }
}

pub fn target_text(target: &SuccessTarget, unit: &str) -> String {
    let unit = if unit == "%" {
        " %".to_string()
    } else if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    };
    match (target.at_least, target.above, target.below) {
        (Some(n), _, _) => format!("≥ {n}{unit}"),
        (_, Some(n), _) => format!("> {n}{unit}"),
        (_, _, Some(n)) => format!("< {n}{unit}"),
        _ => "no target".into(),
    }
}

pub fn meets(target: &SuccessTarget, value: f64) -> bool {
    target.at_least.is_none_or(|n| value >= n)
        && target.above.is_none_or(|n| value > n)
        && target.below.is_none_or(|n| value < n)
}

/// The plan's targets measured from probes.
pub fn probe_targets(conn: &Connection, launch_id: &str) -> Result<Vec<SuccessTarget>> {
    Ok(launch::plan_data(conn, launch_id)?
        .success_targets
        .into_iter()
        .filter(|t| t.source == TargetSource::Probes)
        .collect())
}

/// The probe-measured success metrics of each environment over the last
/// `window_hours` (hour rollups; minute rollups for windows under 6 hours).
pub fn success_metrics(
    conn: &Connection,
    launch_id: &str,
    window_hours: u32,
    now: Timestamp,
) -> Result<Vec<EnvironmentMetrics>> {
    let now_s = now.as_second();
    let bucket = if window_hours < 6 { MINUTE } else { HOUR };
    let from_s = (now_s - i64::from(window_hours) * 3600).div_euclid(bucket) * bucket;
    success_metrics_between(conn, launch_id, bucket, from_s, now_s + 1)
}

/// The probe-measured success metrics of each environment from the rows of
/// `bucket` seconds starting in `[from_s, to_s)`: the dashboard's rolling
/// window and a report's chosen one are measured alike.
pub fn success_metrics_between(
    conn: &Connection,
    launch_id: &str,
    bucket: i64,
    from_s: i64,
    to_s: i64,
) -> Result<Vec<EnvironmentMetrics>> {
    let targets = probe_targets(conn, launch_id)?;
    let all = monitors::list(conn, launch_id)?;
    let window_hours = u32::try_from((to_s - from_s).max(0) / 3600).unwrap_or(u32::MAX);
    let mut out = Vec::new();
    for environment in environments::list(conn, launch_id)? {
        let ids: Vec<String> = all
            .iter()
            .filter(|m| m.environment_id == environment.id)
            .map(|m| m.id.clone())
            .collect();
        let totals = rollup::totals(conn, &ids, bucket, from_s, to_s)?;
        let metrics = targets
            .iter()
            .filter_map(|target| {
                let (value, unit) = measure(&target.metric, &totals)?;
                Some(SuccessMetric {
                    key: target.key.clone(),
                    title: target.title.clone(),
                    target: target_text(target, unit),
                    value,
                    unit: unit.to_string(),
                    met: value.map(|v| meets(target, v)),
                })
            })
            .collect();
        out.push(EnvironmentMetrics {
            environment: environment.name,
            production: environment.production,
            window_hours,
            probes: totals.total,
            metrics,
        });
    }
    Ok(out)
}
