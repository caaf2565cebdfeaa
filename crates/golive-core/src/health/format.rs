//! Health formats: what a response body says about the service, read into
//! one verdict with its components and measurements.
//!
//! - `plain`: any 2xx passes.
//! - `health_json`: `application/health+json` (draft-inadarei-api-health-check):
//!   pass / warn / fail, `checks` per component, `observedValue`s.
//! - `actuator`: Spring Boot Actuator: UP, DOWN, OUT_OF_SERVICE, UNKNOWN,
//!   nested `components`.
//! - `kubernetes`: the `?verbose` text of /livez, /readyz, /healthz.
//! - `auto`: whichever of these the response is.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::Verdict;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Format {
    Auto,
    Plain,
    HealthJson,
    Actuator,
    Kubernetes,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Auto,
        Format::Plain,
        Format::HealthJson,
        Format::Actuator,
        Format::Kubernetes,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Format::Auto => "auto",
            Format::Plain => "plain",
            Format::HealthJson => "health_json",
            Format::Actuator => "actuator",
            Format::Kubernetes => "kubernetes",
        }
    }

    pub fn parse(text: &str) -> Result<Format, String> {
        let text = text.trim().to_ascii_lowercase().replace(['-', '+'], "_");
        Format::ALL
            .into_iter()
            .find(|f| f.key() == text)
            .or(match text.as_str() {
                "health" | "application/health_json" => Some(Format::HealthJson),
                "spring" | "spring_boot" => Some(Format::Actuator),
                "k8s" => Some(Format::Kubernetes),
                _ => None,
            })
            .ok_or_else(|| {
                format!(
                    "{text:?} is not a health format; use auto, plain, health_json, actuator or kubernetes"
                )
            })
    }
}

/// One part of the service, e.g. `db` or `diskSpace`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Component {
    pub name: String,
    pub verdict: Verdict,
    /// The status as the service wrote it, e.g. OUT_OF_SERVICE, and its output.
    pub detail: String,
    /// The service calls it a datastore, or its name says database.
    pub datastore: bool,
}

/// A number the service reported, e.g. `cpu:utilization` = 85 percent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Measurement {
    pub name: String,
    pub value: f64,
    pub unit: String,
}

impl Measurement {
    /// A share of a resource in percent (`…:utilization`, unit percent or %).
    pub fn utilisation_percent(&self) -> Option<f64> {
        let unit = self.unit.to_ascii_lowercase();
        let is_share = self.name.to_ascii_lowercase().contains("utiliz")
            || self.name.to_ascii_lowercase().contains("utilis")
            || unit == "percent"
            || unit == "%";
        is_share.then_some(self.value)
    }
}

/// What the body said.
#[derive(Debug, Clone, PartialEq)]
pub struct Health {
    pub verdict: Verdict,
    /// Why, when not passing, e.g. "status DOWN (db DOWN)".
    pub summary: String,
    pub components: Vec<Component>,
    pub measurements: Vec<Measurement>,
}

/// Reads a response in `format`. `Err` says why the body is not that
/// format (then the status code alone decides).
pub fn read(
    format: Format,
    content_type: &str,
    body: &str,
    json: Option<&Json>,
) -> Result<Option<Health>, String> {
    match format {
        Format::Plain => Ok(None),
        Format::HealthJson => health_json(json).map(Some),
        Format::Actuator => actuator(json).map(Some),
        Format::Kubernetes => kubernetes(body).map(Some),
        Format::Auto => Ok(auto(content_type, body, json)),
    }
}

fn auto(content_type: &str, body: &str, json: Option<&Json>) -> Option<Health> {
    if content_type.contains("health+json") {
        return health_json(json).ok();
    }
    if let Some(status) = json.and_then(|j| j.get("status")).and_then(Json::as_str) {
        return if matches!(status, "UP" | "DOWN" | "OUT_OF_SERVICE" | "UNKNOWN") {
            actuator(json).ok()
        } else {
            health_json(json).ok()
        };
    }
    if body
        .lines()
        .any(|l| l.starts_with("[+]") || l.starts_with("[-]"))
    {
        return kubernetes(body).ok();
    }
    None
}

fn health_json(json: Option<&Json>) -> Result<Health, String> {
    let json = json.ok_or("the body is not JSON, expected application/health+json")?;
    let status = json
        .get("status")
        .and_then(Json::as_str)
        .ok_or("the body has no \"status\", expected application/health+json")?;
    let verdict = health_json_verdict(status)
        .ok_or_else(|| format!("\"status\" is {status:?}, expected pass, warn or fail"))?;
    let mut components = Vec::new();
    let mut measurements = Vec::new();
    if let Some(checks) = json.get("checks").and_then(Json::as_object) {
        for (key, entries) in checks {
            let entries: Vec<&Json> = match entries {
                Json::Array(list) => list.iter().collect(),
                other => vec![other],
            };
            for entry in entries {
                let component = entry
                    .get("componentId")
                    .and_then(Json::as_str)
                    .map(|id| format!("{} ({id})", key))
                    .unwrap_or_else(|| key.clone());
                let status = entry.get("status").and_then(Json::as_str).unwrap_or("pass");
                let output = entry.get("output").and_then(Json::as_str).unwrap_or("");
                let kind = entry
                    .get("componentType")
                    .and_then(Json::as_str)
                    .unwrap_or("");
                if let Some(value) = entry.get("observedValue").and_then(Json::as_f64) {
                    measurements.push(Measurement {
                        name: component.clone(),
                        value,
                        unit: entry
                            .get("observedUnit")
                            .and_then(Json::as_str)
                            .unwrap_or("")
                            .to_string(),
                    });
                }
                components.push(Component {
                    datastore: kind == "datastore" || names_a_datastore(&component),
                    verdict: health_json_verdict(status).unwrap_or(Verdict::Warn),
                    detail: join(status, output),
                    name: component,
                });
            }
        }
    }
    let output = json.get("output").and_then(Json::as_str).unwrap_or("");
    Ok(Health {
        summary: summary(&join(status, output), &components, verdict),
        verdict,
        components,
        measurements,
    })
}

fn health_json_verdict(status: &str) -> Option<Verdict> {
    match status.to_ascii_lowercase().as_str() {
        "pass" | "ok" | "up" => Some(Verdict::Pass),
        "warn" => Some(Verdict::Warn),
        "fail" | "error" | "down" => Some(Verdict::Fail),
        _ => None,
    }
}

fn actuator(json: Option<&Json>) -> Result<Health, String> {
    let json = json.ok_or("the body is not JSON, expected Spring Boot Actuator health")?;
    let status = json
        .get("status")
        .and_then(Json::as_str)
        .ok_or("the body has no \"status\", expected Spring Boot Actuator health")?;
    let verdict = actuator_verdict(status);
    let mut components = Vec::new();
    let mut measurements = Vec::new();
    actuator_components(json, "", &mut components, &mut measurements);
    Ok(Health {
        summary: summary(status, &components, verdict),
        verdict,
        components,
        measurements,
    })
}

fn actuator_verdict(status: &str) -> Verdict {
    match status {
        "UP" => Verdict::Pass,
        "UNKNOWN" => Verdict::Warn,
        // DOWN, OUT_OF_SERVICE and anything custom that is not UP.
        _ => Verdict::Fail,
    }
}

/// Components nest (`db` inside a composite); their names join with `/`.
fn actuator_components(
    json: &Json,
    prefix: &str,
    into: &mut Vec<Component>,
    measurements: &mut Vec<Measurement>,
) {
    let children = json
        .get("components")
        .or_else(|| json.get("details").filter(|d| d.get("status").is_none()))
        .and_then(Json::as_object);
    let Some(children) = children else { return };
    for (name, child) in children {
        let Some(status) = child.get("status").and_then(Json::as_str) else {
            continue;
        };
        let full = format!("{prefix}{name}");
        let details = child.get("details");
        let database = details
            .and_then(|d| d.get("database"))
            .and_then(Json::as_str);
        let error = details.and_then(|d| d.get("error")).and_then(Json::as_str);
        if let Some(details) = details.and_then(Json::as_object) {
            for (key, value) in details {
                if let Some(value) = value.as_f64()
                    && (key.to_ascii_lowercase().contains("utiliz")
                        || key.to_ascii_lowercase().contains("percent"))
                {
                    measurements.push(Measurement {
                        name: format!("{full}:{key}"),
                        value,
                        unit: "percent".into(),
                    });
                }
            }
        }
        into.push(Component {
            datastore: database.is_some() || names_a_datastore(&full),
            verdict: actuator_verdict(status),
            detail: join(status, error.or(database).unwrap_or("")),
            name: full.clone(),
        });
        actuator_components(child, &format!("{full}/"), into, measurements);
    }
}

fn kubernetes(body: &str) -> Result<Health, String> {
    let mut components = Vec::new();
    for line in body.lines().map(str::trim) {
        let (verdict, rest) = if let Some(rest) = line.strip_prefix("[+]") {
            (Verdict::Pass, rest)
        } else if let Some(rest) = line.strip_prefix("[-]") {
            (Verdict::Fail, rest)
        } else {
            continue;
        };
        let (name, detail) = rest.split_once(' ').unwrap_or((rest, ""));
        components.push(Component {
            datastore: names_a_datastore(name),
            name: name.to_string(),
            verdict,
            detail: detail.trim().to_string(),
        });
    }
    let failed_line = body.lines().any(|l| l.trim_end().ends_with("check failed"));
    let passed_line = body.lines().any(|l| l.trim_end().ends_with("check passed"));
    if components.is_empty() && !failed_line && !passed_line {
        return Err(
            "the body has no [+]/[-] lines, expected the Kubernetes ?verbose health text".into(),
        );
    }
    let verdict = if failed_line || components.iter().any(|c| c.verdict == Verdict::Fail) {
        Verdict::Fail
    } else {
        Verdict::Pass
    };
    Ok(Health {
        summary: summary("check failed", &components, verdict),
        verdict,
        components,
        measurements: Vec::new(),
    })
}

/// The components whose failure the "database connection" alert watches.
fn names_a_datastore(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "db",
        "database",
        "datasource",
        "postgres",
        "mysql",
        "mariadb",
        "mongo",
        "redis",
        "sql",
        "oracle",
        "cassandra",
        "etcd",
    ]
    .iter()
    .any(|word| {
        name.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|part| part == *word || (word.len() > 3 && part.contains(word)))
    })
}

fn join(status: &str, output: &str) -> String {
    if output.is_empty() {
        status.to_string()
    } else {
        format!("{status}: {output}")
    }
}

fn summary(status: &str, components: &[Component], verdict: Verdict) -> String {
    if verdict == Verdict::Pass {
        return String::new();
    }
    let bad: Vec<String> = components
        .iter()
        .filter(|c| c.verdict != Verdict::Pass)
        .map(|c| format!("{} {}", c.name, c.detail))
        .collect();
    if bad.is_empty() {
        format!("status {status}")
    } else {
        format!("status {status} ({})", bad.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Json {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn health_json_reads_checks_and_observed_values() {
        let body = json(
            r#"{"status":"warn","checks":{
                "cpu:utilization":[{"componentId":"node-1","observedValue":85,"observedUnit":"percent","status":"warn"}],
                "postgres:responseTime":[{"componentType":"datastore","observedValue":12,"observedUnit":"ms","status":"pass"}]}}"#,
        );
        let health = read(Format::HealthJson, "", "", Some(&body))
            .unwrap()
            .unwrap();
        assert_eq!(health.verdict, Verdict::Warn);
        assert_eq!(health.components.len(), 2);
        assert!(
            health
                .components
                .iter()
                .any(|c| c.datastore && c.name == "postgres:responseTime")
        );
        let cpu = &health.measurements[0];
        assert_eq!(
            (cpu.name.as_str(), cpu.utilisation_percent()),
            ("cpu:utilization (node-1)", Some(85.0))
        );
        assert_eq!(health.measurements[1].utilisation_percent(), None);
    }

    #[test]
    fn actuator_statuses_and_nested_components() {
        let body = json(
            r#"{"status":"DOWN","components":{"db":{"status":"DOWN","details":{"database":"PostgreSQL","error":"connection refused"}},
                "diskSpace":{"status":"UP"},"group":{"status":"OUT_OF_SERVICE","components":{"inner":{"status":"UNKNOWN"}}}}}"#,
        );
        let health = read(Format::Auto, "application/json", "", Some(&body))
            .unwrap()
            .unwrap();
        assert_eq!(health.verdict, Verdict::Fail);
        let names: Vec<_> = health
            .components
            .iter()
            .map(|c| (c.name.as_str(), c.verdict))
            .collect();
        assert_eq!(
            names,
            [
                ("db", Verdict::Fail),
                ("diskSpace", Verdict::Pass),
                ("group", Verdict::Fail),
                ("group/inner", Verdict::Warn)
            ]
        );
        assert!(health.components[0].datastore);
        assert!(
            health.summary.contains("db DOWN: connection refused"),
            "{}",
            health.summary
        );
    }

    #[test]
    fn kubernetes_verbose_text() {
        let body = "[+]ping ok\n[+]log ok\n[-]etcd failed: reason withheld\nreadyz check failed\n";
        let health = read(Format::Kubernetes, "text/plain", body, None)
            .unwrap()
            .unwrap();
        assert_eq!(health.verdict, Verdict::Fail);
        assert!(
            health
                .components
                .iter()
                .any(|c| c.name == "etcd" && c.datastore)
        );
        let ok = read(
            Format::Auto,
            "text/plain",
            "[+]ping ok\nlivez check passed\n",
            None,
        )
        .unwrap()
        .unwrap();
        assert_eq!(ok.verdict, Verdict::Pass);
    }

    #[test]
    fn a_body_in_another_format_says_so() {
        let error = read(Format::Actuator, "", "<html>", None).unwrap_err();
        assert!(error.contains("not JSON"), "{error}");
        let error = read(
            Format::HealthJson,
            "",
            "",
            Some(&json(r#"{"status":"green"}"#)),
        )
        .unwrap_err();
        assert!(error.contains("expected pass, warn or fail"), "{error}");
        assert!(read(Format::Kubernetes, "", "hello", None).is_err());
    }
}
