//! Monitors: what to probe, how often, and what counts as healthy.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::condition::Condition;
use super::credentials::{self, check_header_name};
use super::environments::{self, Environment};
use super::format::Format;
use crate::actor::Change;
use crate::store::{Store, WriteTx, new_id};
use crate::{Error, Result, format_timestamp};

pub const DEFAULT_INTERVAL_S: u32 = 60;
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;
pub const DEFAULT_THRESHOLD: u32 = 2;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Monitor {
    pub id: String,
    pub environment_id: String,
    pub environment: String,
    pub production: bool,
    pub name: String,
    pub url: String,
    pub method: String,
    /// Plain (non-secret) headers; secrets go in the credential.
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    pub credential: Option<String>,
    pub interval_s: u32,
    pub timeout_ms: u32,
    pub failure_threshold: u32,
    pub success_threshold: u32,
    pub conditions: Vec<String>,
    pub format: Format,
    /// A PEM file of extra trusted certificates (an internal CA).
    pub ca_file: Option<String>,
}

impl Monitor {
    /// The host:port the per-host probe limit counts against.
    pub fn host_key(&self) -> String {
        url::Url::parse(&self.url)
            .ok()
            .map(|u| {
                format!(
                    "{}:{}",
                    u.host_str().unwrap_or(""),
                    u.port_or_known_default().unwrap_or(0)
                )
            })
            .unwrap_or_default()
    }

    /// The conditions, parsed (they were checked when saved).
    pub fn parsed_conditions(&self) -> Vec<Condition> {
        self.conditions
            .iter()
            .filter_map(|c| Condition::parse(c).ok())
            .collect()
    }
}

/// A monitor as entered; also the full new state when editing. Left-out
/// numbers take the defaults (60 s, 10 s, 2 and 2).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct MonitorInput {
    /// The environment's name or id.
    pub environment: String,
    pub name: String,
    pub url: String,
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub credential: Option<String>,
    #[serde(default)]
    pub interval_s: Option<u32>,
    #[serde(default)]
    pub timeout_ms: Option<u32>,
    #[serde(default)]
    pub failure_threshold: Option<u32>,
    #[serde(default)]
    pub success_threshold: Option<u32>,
    #[serde(default)]
    pub conditions: Vec<String>,
    #[serde(default)]
    pub format: Option<Format>,
    #[serde(default)]
    pub ca_file: Option<String>,
}

const SELECT_MONITOR: &str =
    "SELECT m.id, m.environment_id, e.name, e.production, m.name, m.url, m.method,
        m.headers_json, m.body, m.credential_id, m.interval_s, m.timeout_ms, m.failure_threshold,
        m.success_threshold, m.conditions_json, m.format, m.ca_file
    FROM monitors m JOIN environments e ON e.id = m.environment_id";

fn monitor_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Monitor> {
    let headers: String = row.get(7)?;
    let conditions: String = row.get(14)?;
    let format: String = row.get(15)?;
    Ok(Monitor {
        id: row.get(0)?,
        environment_id: row.get(1)?,
        environment: row.get(2)?,
        production: row.get(3)?,
        name: row.get(4)?,
        url: row.get(5)?,
        method: row.get(6)?,
        headers: serde_json::from_str(&headers).unwrap_or_default(),
        body: row.get(8)?,
        credential: row.get(9)?,
        interval_s: row.get(10)?,
        timeout_ms: row.get(11)?,
        failure_threshold: row.get(12)?,
        success_threshold: row.get(13)?,
        conditions: serde_json::from_str(&conditions).unwrap_or_default(),
        format: Format::parse(&format).unwrap_or(Format::Auto),
        ca_file: row.get(16)?,
    })
}

/// Every monitor of a launch, production first.
pub fn list(conn: &Connection, launch_id: &str) -> Result<Vec<Monitor>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT_MONITOR} WHERE e.launch_id = ?1
         ORDER BY e.production DESC, e.name COLLATE NOCASE, m.name COLLATE NOCASE"
    ))?;
    let list = stmt
        .query_map([launch_id], monitor_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(list)
}

/// By id, `name`, or `environment/name` (names ignore case).
pub fn get(conn: &Connection, launch_id: &str, selector: &str) -> Result<Monitor> {
    let selector = selector.trim();
    let all = list(conn, launch_id)?;
    let mut matching: Vec<Monitor> = all
        .into_iter()
        .filter(|m| {
            m.id == selector
                || m.name.eq_ignore_ascii_case(selector)
                || format!("{}/{}", m.environment, m.name).eq_ignore_ascii_case(selector)
        })
        .collect();
    match matching.len() {
        1 => Ok(matching.remove(0)),
        0 => Err(Error::NotFound(format!(
            "no monitor is called {selector:?}; list them with `golive monitor list`"
        ))),
        n => Err(Error::InvalidInput(format!(
            "{n} monitors are called {selector:?}; write ENVIRONMENT/NAME, e.g. production/{selector}"
        ))),
    }
}

/// A monitor ready to store: checked, with defaults filled in.
struct Checked {
    environment: Environment,
    name: String,
    url: String,
    method: String,
    headers: Vec<(String, String)>,
    body: Option<String>,
    credential: Option<String>,
    interval_s: u32,
    timeout_ms: u32,
    failure_threshold: u32,
    success_threshold: u32,
    conditions: Vec<String>,
    format: Format,
    ca_file: Option<String>,
}

const METHODS: &[&str] = &["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// Headers that carry secrets belong in a credential (the keychain), never
/// in the store.
pub(crate) const SECRET_HEADERS: &[&str] = &["authorization", "proxy-authorization", "cookie"];

fn check(conn: &Connection, launch_id: &str, input: &MonitorInput) -> Result<Checked> {
    let invalid = |why: String| Err(Error::InvalidInput(why));
    let name = input.name.trim();
    if name.is_empty() {
        return invalid("a monitor needs a name, e.g. \"API health\"".into());
    }
    if name.contains('/') {
        return invalid(format!(
            "the monitor name {name:?} contains '/', which separates environment and monitor; pick another"
        ));
    }
    let environment = environments::get(conn, launch_id, &input.environment)?;
    let url = input.url.trim();
    let parsed = url::Url::parse(url).map_err(|e| {
        Error::InvalidInput(format!(
            "the URL {url:?} of {name:?} is not valid ({e}); write it like https://api.example.com/health"
        ))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return invalid(format!(
            "the URL {url:?} of {name:?} must be http or https, with a host"
        ));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return invalid(format!(
            "the URL of {name:?} carries a user name or password; put them in a basic-auth credential (kept in the OS keychain) instead"
        ));
    }
    let method = input
        .method
        .as_deref()
        .map(|m| m.trim().to_ascii_uppercase())
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "GET".into());
    if !METHODS.contains(&method.as_str()) {
        return invalid(format!(
            "{method:?} is not a method a monitor can use; use one of {}",
            METHODS.join(", ")
        ));
    }
    let mut headers = Vec::new();
    for (header, value) in &input.headers {
        let header = header.trim();
        check_header_name(header)?;
        if SECRET_HEADERS.contains(&header.to_ascii_lowercase().as_str()) {
            return invalid(format!(
                "the header {header} carries a secret; add a credential for it (kept in the OS keychain) instead of a plain header"
            ));
        }
        if value.chars().any(|c| c.is_control()) {
            return invalid(format!(
                "the value of the header {header} holds a line break"
            ));
        }
        headers.push((header.to_string(), value.trim().to_string()));
    }
    let credential = match input.credential.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(id) => {
            let credential = credentials::get(conn, id)?;
            let origin = credentials::origin_of(url)?;
            if origin != credential.origin {
                return invalid(format!(
                    "the credential {:?} may only be sent to {}, and {name:?} probes {origin}; add a credential for that origin",
                    credential.id, credential.origin
                ));
            }
            if credential
                .header_name
                .as_deref()
                .is_some_and(|h| headers.iter().any(|(name, _)| name.eq_ignore_ascii_case(h)))
            {
                return invalid(format!(
                    "the monitor {name:?} sets the header its credential {:?} sets; remove the plain header",
                    credential.id
                ));
            }
            Some(credential.id)
        }
    };
    let interval_s = input.interval_s.unwrap_or(DEFAULT_INTERVAL_S);
    if !(5..=86_400).contains(&interval_s) {
        return invalid(format!(
            "the interval of {name:?} is {interval_s} s; use 5 s to 1 day (86400)"
        ));
    }
    let timeout_ms = input
        .timeout_ms
        .unwrap_or(DEFAULT_TIMEOUT_MS.min(interval_s * 1000));
    if !(100..=60_000).contains(&timeout_ms) || timeout_ms > interval_s * 1000 {
        return invalid(format!(
            "the timeout of {name:?} is {timeout_ms} ms; use 100 ms to 60 s, and no more than its interval"
        ));
    }
    let failure_threshold = input.failure_threshold.unwrap_or(DEFAULT_THRESHOLD);
    let success_threshold = input.success_threshold.unwrap_or(DEFAULT_THRESHOLD);
    for (what, n) in [
        ("failure", failure_threshold),
        ("success", success_threshold),
    ] {
        if !(1..=20).contains(&n) {
            return invalid(format!(
                "the {what} threshold of {name:?} is {n}; use 1 to 20 probes in a row"
            ));
        }
    }
    let mut conditions = Vec::new();
    for text in input
        .conditions
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
    {
        let condition = Condition::parse(text).map_err(Error::InvalidInput)?;
        if condition.needs_tls() && parsed.scheme() != "https" {
            return invalid(format!(
                "{text:?} checks the certificate, but {name:?} probes a plain http URL"
            ));
        }
        conditions.push(condition.text);
    }
    let ca_file = input
        .ca_file
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string);
    if let Some(path) = &ca_file {
        super::tls::read_pem_certificates(std::path::Path::new(path))
            .map_err(Error::InvalidInput)?;
    }
    Ok(Checked {
        environment,
        name: name.to_string(),
        url: parsed.to_string(),
        method,
        headers,
        body: input.body.clone().filter(|b| !b.is_empty()),
        credential,
        interval_s,
        timeout_ms,
        failure_threshold,
        success_threshold,
        conditions,
        format: input.format.unwrap_or(Format::Auto),
        ca_file,
    })
}

fn name_taken(
    tx: &WriteTx<'_>,
    environment_id: &str,
    name: &str,
    except: Option<&str>,
) -> Result<()> {
    let clash: Option<String> = tx
        .query_row(
            "SELECT name FROM monitors WHERE environment_id = ?1 AND name = ?2 COLLATE NOCASE
             AND id IS NOT ?3",
            params![environment_id, name, except],
            |row| row.get(0),
        )
        .optional()?;
    match clash {
        Some(clash) => Err(Error::Conflict(format!(
            "this environment has a monitor {clash:?} already"
        ))),
        None => Ok(()),
    }
}

fn details(monitor: &Checked) -> serde_json::Value {
    serde_json::json!({
        "environment": monitor.environment.name,
        "name": monitor.name,
        "url": monitor.url,
        "method": monitor.method,
        "headers": monitor.headers,
        "body": monitor.body,
        "credential": monitor.credential,
        "interval_s": monitor.interval_s,
        "timeout_ms": monitor.timeout_ms,
        "failure_threshold": monitor.failure_threshold,
        "success_threshold": monitor.success_threshold,
        "conditions": monitor.conditions,
        "format": monitor.format.key(),
        "ca_file": monitor.ca_file,
    })
}

pub(crate) fn insert(tx: &WriteTx<'_>, launch_id: &str, input: &MonitorInput) -> Result<String> {
    let monitor = check(tx, launch_id, input)?;
    name_taken(tx, &monitor.environment.id, &monitor.name, None)?;
    let id = new_id();
    let change = tx.change();
    tx.execute(
        "INSERT INTO monitors (id, environment_id, name, url, method, headers_json, body, credential_id,
            interval_s, timeout_ms, failure_threshold, success_threshold, conditions_json, format, ca_file,
            created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        params![
            id,
            monitor.environment.id,
            monitor.name,
            monitor.url,
            monitor.method,
            serde_json::to_string(&monitor.headers).unwrap_or_else(|_| "[]".into()),
            monitor.body,
            monitor.credential,
            monitor.interval_s,
            monitor.timeout_ms,
            monitor.failure_threshold,
            monitor.success_threshold,
            serde_json::to_string(&monitor.conditions).unwrap_or_else(|_| "[]".into()),
            monitor.format.key(),
            monitor.ca_file,
            format_timestamp(change.at),
            change.actor.display()
        ],
    )?;
    tx.audit(
        Some(launch_id),
        "monitor.add",
        &format!("monitor:{id}"),
        details(&monitor),
    )?;
    Ok(id)
}

pub fn add(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    input: &MonitorInput,
) -> Result<Monitor> {
    let id = store.write(change, |tx| insert(tx, launch_id, input))?;
    get(store.conn(), launch_id, &id)
}

pub fn edit(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    selector: &str,
    input: &MonitorInput,
) -> Result<Monitor> {
    let before = get(store.conn(), launch_id, selector)?;
    store.write(change, |tx| {
        let monitor = check(tx, launch_id, input)?;
        name_taken(tx, &monitor.environment.id, &monitor.name, Some(&before.id))?;
        tx.execute(
            "UPDATE monitors SET environment_id = ?1, name = ?2, url = ?3, method = ?4, headers_json = ?5,
                body = ?6, credential_id = ?7, interval_s = ?8, timeout_ms = ?9, failure_threshold = ?10,
                success_threshold = ?11, conditions_json = ?12, format = ?13, ca_file = ?14
             WHERE id = ?15",
            params![
                monitor.environment.id,
                monitor.name,
                monitor.url,
                monitor.method,
                serde_json::to_string(&monitor.headers).unwrap_or_else(|_| "[]".into()),
                monitor.body,
                monitor.credential,
                monitor.interval_s,
                monitor.timeout_ms,
                monitor.failure_threshold,
                monitor.success_threshold,
                serde_json::to_string(&monitor.conditions).unwrap_or_else(|_| "[]".into()),
                monitor.format.key(),
                monitor.ca_file,
                before.id
            ],
        )?;
        tx.audit(
            Some(launch_id),
            "monitor.edit",
            &format!("monitor:{}", before.id),
            serde_json::json!({ "before": before, "after": details(&monitor) }),
        )
    })?;
    get(store.conn(), launch_id, &before.id)
}

/// Removes a monitor with its history and alerts (the audit event keeps its settings).
pub fn remove(store: &mut Store, change: &Change, launch_id: &str, selector: &str) -> Result<()> {
    let monitor = get(store.conn(), launch_id, selector)?;
    store.write(change, |tx| {
        let results: i64 = tx.query_row(
            "SELECT count(*) FROM probe_results WHERE monitor_id = ?1",
            [&monitor.id],
            |row| row.get(0),
        )?;
        tx.execute("DELETE FROM monitors WHERE id = ?1", [&monitor.id])?;
        tx.audit(
            Some(launch_id),
            "monitor.remove",
            &format!("monitor:{}", monitor.id),
            serde_json::json!({ "monitor": monitor, "results_deleted": results }),
        )
    })
}
