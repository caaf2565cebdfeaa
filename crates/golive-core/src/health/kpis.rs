//! KPIs: the strategy's success metrics that golive's probes cannot measure
//! (active users, feature adoption, page load, support tickets, user
//! satisfaction, training completion). Each has a target (or is only
//! tracked) and a history; its value is read from a JSON endpoint (a JSON
//! path) or a Prometheus text endpoint (a series) on an interval, or entered
//! by hand when it comes from elsewhere, such as a survey.
//!
//! A launch starts with a KPI for every hand-entered success target of its
//! plan; more can be added.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{condition, credentials, metrics};
use crate::actor::Change;
use crate::plan::{SuccessTarget, TargetSource};
use crate::store::{Store, WriteTx, new_id};
use crate::{Error, Result, format_timestamp};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum KpiSource {
    Manual,
    Json,
    Prometheus,
}

impl KpiSource {
    pub fn key(self) -> &'static str {
        match self {
            KpiSource::Manual => "manual",
            KpiSource::Json => "json",
            KpiSource::Prometheus => "prometheus",
        }
    }

    pub fn parse(text: &str) -> Result<KpiSource> {
        match text.trim().to_ascii_lowercase().as_str() {
            "manual" | "hand" => Ok(KpiSource::Manual),
            "json" => Ok(KpiSource::Json),
            "prometheus" | "prom" => Ok(KpiSource::Prometheus),
            other => Err(Error::InvalidInput(format!(
                "{other:?} is not a KPI source; use manual, json or prometheus"
            ))),
        }
    }
}

/// One recorded value (or a failed reading, with `value` None).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct KpiValue {
    pub at: String,
    pub value: Option<f64>,
    pub note: String,
    pub recorded_by: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Kpi {
    pub id: String,
    pub key: String,
    pub title: String,
    pub unit: String,
    pub at_least: Option<f64>,
    pub above: Option<f64>,
    pub below: Option<f64>,
    /// e.g. "≥ 80 %", or "tracked" without a target.
    pub target: String,
    pub source: KpiSource,
    pub url: Option<String>,
    pub selector: Option<String>,
    pub credential: Option<String>,
    pub interval_s: u32,
    /// The latest value that was read or entered.
    pub latest: Option<KpiValue>,
    /// The latest reading when it failed (after `latest`).
    pub last_error: Option<String>,
    /// Whether `latest` meets the target; None without a value or target.
    pub met: Option<bool>,
    /// Up to 30 latest values, oldest first, for the trend.
    pub trend: Vec<f64>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct KpiInput {
    pub key: String,
    pub title: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub at_least: Option<f64>,
    #[serde(default)]
    pub above: Option<f64>,
    #[serde(default)]
    pub below: Option<f64>,
    pub source: Option<KpiSource>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub selector: Option<String>,
    #[serde(default)]
    pub credential: Option<String>,
    #[serde(default)]
    pub interval_s: Option<u32>,
}

fn unit_of(metric: &str) -> &'static str {
    if metric.ends_with("_ms") {
        "ms"
    } else if metric.ends_with("_percent") {
        "%"
    } else if metric.ends_with("_hours") {
        "h"
    } else {
        ""
    }
}

fn as_target(kpi: &Kpi) -> SuccessTarget {
    SuccessTarget {
        key: kpi.key.clone(),
        title: kpi.title.clone(),
        metric: String::new(),
        at_least: kpi.at_least,
        above: kpi.above,
        below: kpi.below,
        source: TargetSource::Manual,
    }
}

/// A KPI for every hand-entered success target of a new launch's plan.
pub(crate) fn seed(tx: &WriteTx<'_>, launch_id: &str, targets: &[SuccessTarget]) -> Result<()> {
    for target in targets.iter().filter(|t| t.source == TargetSource::Manual) {
        tx.execute(
            // A template repeating a target's key keeps its first one.
            "INSERT OR IGNORE INTO kpis (id, launch_id, key, title, unit, at_least, above, below, source, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'manual', ?9, ?10)",
            params![
                new_id(),
                launch_id,
                target.key,
                target.title,
                unit_of(&target.metric),
                target.at_least,
                target.above,
                target.below,
                format_timestamp(tx.change().at),
                tx.change().actor.display()
            ],
        )?;
    }
    Ok(())
}

pub fn list(conn: &Connection, launch_id: &str) -> Result<Vec<Kpi>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, key, title, unit, at_least, above, below, source, url, selector, credential_id, interval_s
         FROM kpis WHERE launch_id = ?1 ORDER BY rowid",
    )?;
    let rows: Vec<Kpi> = stmt
        .query_map([launch_id], |row| {
            let source: String = row.get(7)?;
            Ok(Kpi {
                id: row.get(0)?,
                key: row.get(1)?,
                title: row.get(2)?,
                unit: row.get(3)?,
                at_least: row.get(4)?,
                above: row.get(5)?,
                below: row.get(6)?,
                target: String::new(),
                source: KpiSource::parse(&source).unwrap_or(KpiSource::Manual),
                url: row.get(8)?,
                selector: row.get(9)?,
                credential: row.get(10)?,
                interval_s: row.get(11)?,
                latest: None,
                last_error: None,
                met: None,
                trend: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut values = conn.prepare_cached(
        "SELECT at, value, note, recorded_by FROM kpi_values WHERE kpi_id = ?1 ORDER BY at DESC, rowid DESC LIMIT 60",
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for mut kpi in rows {
        let history: Vec<KpiValue> = values
            .query_map([&kpi.id], |row| {
                Ok(KpiValue {
                    at: row.get(0)?,
                    value: row.get(1)?,
                    note: row.get(2)?,
                    recorded_by: row.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        kpi.last_error = history
            .first()
            .filter(|v| v.value.is_none())
            .map(|v| v.note.clone());
        kpi.latest = history.iter().find(|v| v.value.is_some()).cloned();
        kpi.trend = history
            .iter()
            .filter_map(|v| v.value)
            .take(30)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let target = as_target(&kpi);
        let has_target = kpi.at_least.is_some() || kpi.above.is_some() || kpi.below.is_some();
        kpi.target = if has_target {
            metrics::target_text(&target, &kpi.unit)
        } else {
            "tracked".into()
        };
        kpi.met = kpi
            .latest
            .as_ref()
            .and_then(|v| v.value)
            .filter(|_| has_target)
            .map(|v| metrics::meets(&target, v));
        out.push(kpi);
    }
    Ok(out)
}

pub fn get(conn: &Connection, launch_id: &str, key: &str) -> Result<Kpi> {
    let key = key.trim();
    list(conn, launch_id)?
        .into_iter()
        .find(|k| k.key.eq_ignore_ascii_case(key) || k.id == key)
        .ok_or_else(|| {
            Error::NotFound(format!(
                "this launch has no KPI {key:?}; list them with `golive kpi list`"
            ))
        })
}

struct Checked {
    key: String,
    title: String,
    unit: String,
    source: KpiSource,
    url: Option<String>,
    selector: Option<String>,
    credential: Option<String>,
    interval_s: u32,
}

fn check(conn: &Connection, input: &KpiInput) -> Result<Checked> {
    let invalid = |why: String| Err(Error::InvalidInput(why));
    let key = input.key.trim().to_ascii_lowercase();
    if key.is_empty()
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return invalid(format!(
            "{:?} cannot be a KPI key: use letters, digits and '-', e.g. feature-adoption",
            input.key
        ));
    }
    let title = input.title.trim();
    if title.is_empty() {
        return invalid("a KPI needs a title, e.g. \"Feature adoption\"".into());
    }
    let bounds = [input.at_least, input.above, input.below];
    if bounds.iter().filter(|b| b.is_some()).count() > 1 {
        return invalid("give a KPI one target: at least, above or below".into());
    }
    if bounds.iter().flatten().any(|b| !b.is_finite()) {
        return invalid("a KPI's target must be a number".into());
    }
    let source = input.source.unwrap_or(KpiSource::Manual);
    let (url, selector) = match source {
        KpiSource::Manual => (None, None),
        _ => {
            let url = input.url.as_deref().map(str::trim).unwrap_or("");
            credentials::origin_of(url)?;
            let selector = input.selector.as_deref().map(str::trim).unwrap_or("");
            match source {
                KpiSource::Json => {
                    if !selector.starts_with('$') {
                        return invalid(format!(
                            "a JSON KPI reads a JSON path such as $.users.active, not {selector:?}"
                        ));
                    }
                    condition::json_path_steps(selector).map_err(Error::InvalidInput)?;
                }
                _ => {
                    prometheus_selector(selector).map_err(Error::InvalidInput)?;
                }
            }
            (Some(url.to_string()), Some(selector.to_string()))
        }
    };
    let credential = match input.credential.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(id) => {
            let credential = credentials::get(conn, id)?;
            if let Some(url) = &url
                && credentials::origin_of(url)? != credential.origin
            {
                return invalid(format!(
                    "the credential {:?} may only be sent to {}",
                    credential.id, credential.origin
                ));
            }
            Some(credential.id)
        }
    };
    let interval_s = input.interval_s.unwrap_or(300);
    if !(5..=86_400).contains(&interval_s) {
        return invalid(format!(
            "a KPI is read every 5 s to 1 day, not every {interval_s} s"
        ));
    }
    Ok(Checked {
        key,
        title: title.to_string(),
        unit: input.unit.trim().to_string(),
        source,
        url,
        selector,
        credential,
        interval_s,
    })
}

/// Adds a KPI, or changes the one with key `existing`.
pub fn save(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    existing: Option<&str>,
    input: &KpiInput,
) -> Result<Kpi> {
    let checked = check(store.conn(), input)?;
    let before = existing
        .map(|key| get(store.conn(), launch_id, key))
        .transpose()?;
    let id = before.as_ref().map_or_else(new_id, |b| b.id.clone());
    store.write(change, |tx| {
        let clash: Option<String> = tx
            .query_row(
                "SELECT id FROM kpis WHERE launch_id = ?1 AND key = ?2 AND id <> ?3",
                params![launch_id, checked.key, id],
                |row| row.get(0),
            )
            .optional()?;
        if clash.is_some() {
            return Err(Error::Conflict(format!(
                "this launch has a KPI {:?} already",
                checked.key
            )));
        }
        tx.execute(
            "INSERT INTO kpis (id, launch_id, key, title, unit, at_least, above, below, source, url, selector,
                credential_id, interval_s, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
             ON CONFLICT (id) DO UPDATE SET key = ?3, title = ?4, unit = ?5, at_least = ?6, above = ?7,
                below = ?8, source = ?9, url = ?10, selector = ?11, credential_id = ?12, interval_s = ?13",
            params![
                id,
                launch_id,
                checked.key,
                checked.title,
                checked.unit,
                input.at_least,
                input.above,
                input.below,
                checked.source.key(),
                checked.url,
                checked.selector,
                checked.credential,
                checked.interval_s,
                format_timestamp(change.at),
                change.actor.display()
            ],
        )?;
        tx.audit(
            Some(launch_id),
            if before.is_some() { "kpi.edit" } else { "kpi.add" },
            &format!("kpi:{id}"),
            serde_json::json!({ "before": before, "after": input }),
        )
    })?;
    get(store.conn(), launch_id, &id)
}

pub fn remove(store: &mut Store, change: &Change, launch_id: &str, key: &str) -> Result<()> {
    let kpi = get(store.conn(), launch_id, key)?;
    store.write(change, |tx| {
        tx.execute("DELETE FROM kpis WHERE id = ?1", [&kpi.id])?;
        tx.audit(
            Some(launch_id),
            "kpi.remove",
            &format!("kpi:{}", kpi.id),
            serde_json::json!({ "kpi": kpi }),
        )
    })
}

/// Records a value entered by hand (a survey result, a training report).
pub fn record(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    key: &str,
    value: f64,
    note: &str,
) -> Result<Kpi> {
    let kpi = get(store.conn(), launch_id, key)?;
    if !value.is_finite() {
        return Err(Error::InvalidInput(format!(
            "{value} is not a value for {}",
            kpi.title
        )));
    }
    if kpi.unit == "%" && !(0.0..=100.0).contains(&value) {
        return Err(Error::InvalidInput(format!(
            "{} is a percentage; {value} is not between 0 and 100",
            kpi.title
        )));
    }
    store.write(change, |tx| {
        tx.execute(
            "INSERT INTO kpi_values (kpi_id, at, value, note, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![kpi.id, format_timestamp(change.at), value, note.trim(), change.actor.display()],
        )?;
        tx.audit(
            Some(launch_id),
            "kpi.record",
            &format!("kpi:{}", kpi.id),
            serde_json::json!({ "key": kpi.key, "value": value, "note": note.trim() }),
        )
    })?;
    get(store.conn(), launch_id, &kpi.id)
}

/// Records a value golive computes from its own records (training
/// attendance, the feedback log) in the launch's KPI `key`, inside the
/// change that moved it. Only a KPI entered by hand takes it: one read from
/// an endpoint keeps its source. Nothing is written when the value is the
/// latest already, or the launch has no such KPI.
pub(crate) fn derive(
    tx: &WriteTx<'_>,
    launch_id: &str,
    key: &str,
    value: f64,
    note: &str,
) -> Result<()> {
    let found: Option<(String, Option<f64>)> = tx
        .query_row(
            "SELECT k.id, (SELECT v.value FROM kpi_values v WHERE v.kpi_id = k.id ORDER BY v.at DESC, v.rowid DESC LIMIT 1)
             FROM kpis k WHERE k.launch_id = ?1 AND k.key = ?2 AND k.source = 'manual'",
            params![launch_id, key],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let Some((kpi_id, latest)) = found else {
        return Ok(());
    };
    let value = (value * 100.0).round() / 100.0;
    if latest == Some(value) {
        return Ok(());
    }
    tx.execute(
        "INSERT INTO kpi_values (kpi_id, at, value, note, recorded_by) VALUES (?1, ?2, ?3, ?4, 'golive')",
        params![kpi_id, format_timestamp(tx.change().at), value, note],
    )?;
    Ok(())
}

/// Stores a reading from the KPI's endpoint (not audited: readings are
/// measurements, like probe results).
pub fn store_reading(
    store: &Store,
    kpi_id: &str,
    at: jiff::Timestamp,
    reading: &std::result::Result<f64, String>,
) -> Result<()> {
    let (value, note) = match reading {
        Ok(value) => (Some(*value), String::new()),
        Err(why) => (None, why.clone()),
    };
    store.conn().execute(
        "INSERT INTO kpi_values (kpi_id, at, value, note, recorded_by) VALUES (?1, ?2, ?3, ?4, 'golive')",
        params![kpi_id, format_timestamp(at), value, note],
    )?;
    Ok(())
}

/// Reads a KPI's current value from its endpoint.
pub async fn read_now(
    prober: &super::probe::Prober,
    kpi: &Kpi,
    secret: &super::probe::Secret,
) -> std::result::Result<f64, String> {
    let (Some(url), Some(selector)) = (&kpi.url, &kpi.selector) else {
        return Err(format!("{} is entered by hand", kpi.title));
    };
    let body = prober
        .read_text(url, secret, std::time::Duration::from_secs(10))
        .await?;
    match kpi.source {
        KpiSource::Json => read_json(&body, selector),
        KpiSource::Prometheus => read_prometheus(&body, selector),
        KpiSource::Manual => Err(format!("{} is entered by hand", kpi.title)),
    }
}

/// Every KPI of the store that golive reads from an endpoint.
pub fn readable(conn: &Connection) -> Result<Vec<Kpi>> {
    let launches: Vec<String> = conn
        .prepare(
            "SELECT DISTINCT k.launch_id FROM kpis k JOIN launches l ON l.id = k.launch_id
              WHERE k.source <> 'manual' AND l.closed_at IS NULL",
        )?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut all = Vec::new();
    for launch_id in launches {
        all.extend(
            list(conn, &launch_id)?
                .into_iter()
                .filter(|k| k.source != KpiSource::Manual),
        );
    }
    Ok(all)
}

/// `name` or `name{label="value",…}`.
pub fn prometheus_selector(
    selector: &str,
) -> std::result::Result<(String, Vec<(String, String)>), String> {
    let selector = selector.trim();
    let (name, labels) = match selector.split_once('{') {
        None => (selector, ""),
        Some((name, rest)) => (
            name.trim(),
            rest.strip_suffix('}').ok_or_else(|| {
                format!("the Prometheus series {selector:?} has a '{{' without its '}}'")
            })?,
        ),
    };
    let valid_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if !valid_name {
        return Err(format!(
            "{name:?} is not a Prometheus metric name (e.g. golive_active_users)"
        ));
    }
    let mut wanted = Vec::new();
    for pair in labels.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (label, value) = pair
            .split_once('=')
            .ok_or_else(|| format!("the label matcher {pair:?} is not label=\"value\""))?;
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .ok_or_else(|| format!("the label value in {pair:?} needs double quotes"))?;
        wanted.push((label.trim().to_string(), value.to_string()));
    }
    Ok((name.to_string(), wanted))
}

/// The value of the first sample of the series in a Prometheus text page.
pub fn read_prometheus(text: &str, selector: &str) -> std::result::Result<f64, String> {
    let (name, wanted) = prometheus_selector(selector)?;
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (series, rest) = match line.find('{') {
            Some(open) if line[..open].trim() == name => {
                let close = line
                    .rfind('}')
                    .ok_or("a sample line has a '{' without '}'")?;
                (&line[open + 1..close], line[close + 1..].trim())
            }
            _ => {
                let mut parts = line.split_whitespace();
                if parts.next() != Some(name.as_str()) {
                    continue;
                }
                ("", parts.next().unwrap_or(""))
            }
        };
        let labels: Vec<(&str, &str)> = series
            .split(',')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.trim(), v.trim().trim_matches('"')))
            .collect();
        if wanted
            .iter()
            .all(|(k, v)| labels.iter().any(|(lk, lv)| lk == k && lv == v))
        {
            let value = rest.split_whitespace().next().unwrap_or("");
            return value
                .parse::<f64>()
                .map_err(|_| format!("the sample of {selector} is {value:?}, not a number"));
        }
    }
    Err(format!("the endpoint has no sample of {selector}"))
}

/// The number at a JSON path in a body.
pub fn read_json(body: &str, path: &str) -> std::result::Result<f64, String> {
    let json: serde_json::Value =
        serde_json::from_str(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let found = condition::json_path_value(&json, path)?
        .ok_or_else(|| format!("{path} is missing from the body"))?;
    match found {
        serde_json::Value::Number(n) => n.as_f64().ok_or_else(|| format!("{path} is not a number")),
        serde_json::Value::String(s) => s
            .trim()
            .parse()
            .map_err(|_| format!("{path} is {s:?}, not a number")),
        other => Err(format!("{path} is {other}, not a number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prometheus_series_with_and_without_labels() {
        let page = "# HELP golive_active_users Active users\n# TYPE golive_active_users gauge\ngolive_active_users{env=\"prod\"} 1520\ngolive_active_users{env=\"staging\"} 12\nhttp_requests_total 99 1700000000000\n";
        assert_eq!(
            read_prometheus(page, "golive_active_users{env=\"staging\"}"),
            Ok(12.0)
        );
        assert_eq!(read_prometheus(page, "golive_active_users"), Ok(1520.0));
        assert_eq!(read_prometheus(page, "http_requests_total"), Ok(99.0));
        assert!(
            read_prometheus(page, "missing_metric")
                .unwrap_err()
                .contains("no sample")
        );
        assert!(prometheus_selector("9bad").is_err());
        assert!(
            prometheus_selector("x{env=prod}")
                .unwrap_err()
                .contains("double quotes")
        );
    }

    #[test]
    fn json_paths_read_numbers() {
        assert_eq!(
            read_json(r#"{"adoption":{"rate":"81.5"}}"#, "$.adoption.rate"),
            Ok(81.5)
        );
        assert!(
            read_json(r#"{"a":1}"#, "$.b")
                .unwrap_err()
                .contains("missing")
        );
        assert!(read_json("<html>", "$.a").unwrap_err().contains("not JSON"));
    }
}
