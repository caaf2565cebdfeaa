//! One probe: fetch a monitor's URL and judge the answer.
//!
//! - One reqwest client (rustls) per trust configuration, shared by every
//!   probe; the whole probe (connect, redirects, body) is bounded by the
//!   monitor's timeout.
//! - Redirects are followed here, not by reqwest, so that the credential is
//!   added to a request only when that request goes to the credential's own
//!   origin: never to another host or port, never over a downgraded scheme,
//!   whatever the header is called. Loops stop.
//! - The body is read as a stream and given up past the cap (1 MiB).
//! - Every failure is an [`Outcome`] with its own reason.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use reqwest::header::{CONTENT_TYPE, LOCATION};
use serde::{Deserialize, Serialize};

use super::credentials::{self, Credential};
use super::format::{self, Component, Measurement};
use super::monitors::Monitor;
use super::{Verdict, condition::Observed, tls};

/// Bodies above this are not read further.
pub const DEFAULT_BODY_CAP: usize = 1024 * 1024;
const MAX_REDIRECTS: usize = 10;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How a probe came out, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ProbeVerdict {
    Pass,
    Warn,
    Fail,
    /// The credential could not be read from the keychain: the endpoint
    /// was not asked, so this says nothing about it being up or down.
    CredentialUnavailable,
}

impl ProbeVerdict {
    pub fn key(self) -> &'static str {
        match self {
            ProbeVerdict::Pass => "pass",
            ProbeVerdict::Warn => "warn",
            ProbeVerdict::Fail => "fail",
            ProbeVerdict::CredentialUnavailable => "credential_unavailable",
        }
    }

    pub fn parse(text: &str) -> ProbeVerdict {
        match text {
            "pass" => ProbeVerdict::Pass,
            "warn" => ProbeVerdict::Warn,
            "credential_unavailable" => ProbeVerdict::CredentialUnavailable,
            _ => ProbeVerdict::Fail,
        }
    }
}

impl From<Verdict> for ProbeVerdict {
    fn from(verdict: Verdict) -> Self {
        match verdict {
            Verdict::Pass => ProbeVerdict::Pass,
            Verdict::Warn => ProbeVerdict::Warn,
            Verdict::Fail => ProbeVerdict::Fail,
        }
    }
}

/// The result of one probe.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub monitor_id: String,
    pub at: Timestamp,
    pub verdict: ProbeVerdict,
    /// Until the answer's last byte (or the failure).
    pub latency_ms: u64,
    pub status: Option<u16>,
    /// Why it did not pass, as a key: `timeout`, `refused`, `dns`,
    /// `certificate_expired`, `body_too_large`, `unexpected_status`,
    /// `condition_failed`, `credential_unavailable`, …
    pub reason: Option<String>,
    /// The same in words, e.g. "$.status is DOWN, expected UP".
    pub detail: String,
    pub cert_days_left: Option<i64>,
    pub components: Vec<Component>,
    pub measurements: Vec<Measurement>,
}

/// The credential a probe needs, as read from the keychain (or why it could not be).
#[derive(Clone)]
pub enum Secret {
    None,
    Ready(Credential, String),
    Unavailable(String),
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Secret::None => f.write_str("None"),
            Secret::Ready(credential, _) => write!(f, "Ready({}, <secret>)", credential.id),
            Secret::Unavailable(why) => write!(f, "Unavailable({why})"),
        }
    }
}

/// The shared HTTP clients; clone freely.
#[derive(Clone, Default)]
pub struct Prober {
    clients: Arc<Mutex<HashMap<Option<String>, reqwest::Client>>>,
    body_cap: Option<usize>,
}

impl Prober {
    pub fn new() -> Prober {
        Prober::default()
    }

    /// A prober reading at most `cap` bytes of a body.
    pub fn with_body_cap(cap: usize) -> Prober {
        Prober {
            body_cap: Some(cap),
            ..Prober::default()
        }
    }

    fn client(&self, ca_file: Option<&str>) -> Result<reqwest::Client, String> {
        let key = ca_file.map(str::to_string);
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(client) = clients.get(&key) {
            return Ok(client.clone());
        }
        let extra = match ca_file {
            Some(path) => tls::read_pem_certificates(std::path::Path::new(path))?,
            None => Vec::new(),
        };
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls::client_config(&extra)?)
            .tls_info(true)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(concat!(
                "golive/",
                env!("CARGO_PKG_VERSION"),
                " (health check)"
            ))
            .pool_idle_timeout(Duration::from_secs(90))
            .build()
            .map_err(|e| format!("cannot set up HTTP: {}", chain(&e)))?;
        clients.insert(key, client.clone());
        Ok(client)
    }

    /// Probes `monitor` once. Never fails: every problem is an outcome.
    pub async fn run(&self, monitor: &Monitor, secret: &Secret) -> Outcome {
        let at = Timestamp::now();
        let started = Instant::now();
        let mut outcome = Outcome {
            monitor_id: monitor.id.clone(),
            at,
            verdict: ProbeVerdict::Fail,
            latency_ms: 0,
            status: None,
            reason: None,
            detail: String::new(),
            cert_days_left: None,
            components: Vec::new(),
            measurements: Vec::new(),
        };
        if let Secret::Unavailable(why) = secret {
            outcome.verdict = ProbeVerdict::CredentialUnavailable;
            outcome.reason = Some("credential_unavailable".into());
            outcome.detail = format!("credential unavailable: {why}");
            return outcome;
        }
        let limit = Duration::from_millis(u64::from(monitor.timeout_ms));
        let fetched = tokio::time::timeout(limit, self.fetch(monitor, secret, at)).await;
        outcome.latency_ms = started.elapsed().as_millis() as u64;
        match fetched {
            Err(_) => fail(
                &mut outcome,
                "timeout",
                format!(
                    "no complete answer within {} ms (timeout)",
                    monitor.timeout_ms
                ),
            ),
            Ok(Err((reason, detail))) => fail(&mut outcome, reason, detail),
            Ok(Ok(answer)) => judge(monitor, answer, &mut outcome),
        }
        outcome
    }

    /// The body at `url` (GET, the same redirect and credential rules as a
    /// probe), for reading a KPI; the error says why there is none.
    pub async fn read_text(
        &self,
        url: &str,
        secret: &Secret,
        timeout: Duration,
    ) -> Result<String, String> {
        if let Secret::Unavailable(why) = secret {
            return Err(format!("credential unavailable: {why}"));
        }
        let monitor = Monitor {
            id: String::new(),
            environment_id: String::new(),
            environment: String::new(),
            production: false,
            name: String::new(),
            url: url.to_string(),
            method: "GET".into(),
            headers: Vec::new(),
            body: None,
            credential: None,
            interval_s: 60,
            timeout_ms: timeout.as_millis() as u32,
            failure_threshold: 1,
            success_threshold: 1,
            conditions: Vec::new(),
            format: super::format::Format::Plain,
            ca_file: None,
        };
        match tokio::time::timeout(timeout, self.fetch(&monitor, secret, Timestamp::now())).await {
            Err(_) => Err(format!("no answer within {} ms", timeout.as_millis())),
            Ok(Err((_, detail))) => Err(detail),
            Ok(Ok(answer)) if (200..300).contains(&answer.status) => Ok(answer.body),
            Ok(Ok(answer)) => Err(format!("status {}, expected 2xx", answer.status)),
        }
    }

    async fn fetch(
        &self,
        monitor: &Monitor,
        secret: &Secret,
        now: Timestamp,
    ) -> Result<Answer, (&'static str, String)> {
        let client = self
            .client(monitor.ca_file.as_deref())
            .map_err(|e| ("tls_config", e))?;
        let mut url = reqwest::Url::parse(&monitor.url)
            .map_err(|e| ("request", format!("the URL is not valid: {e}")))?;
        let mut method =
            reqwest::Method::from_bytes(monitor.method.as_bytes()).unwrap_or(reqwest::Method::GET);
        let mut body = monitor.body.clone();
        let mut visited = HashSet::from([url.to_string()]);
        let mut hops = 0;
        let response = loop {
            let mut request = client.request(method.clone(), url.clone());
            for (name, value) in &monitor.headers {
                request = request.header(name, value);
            }
            if let Secret::Ready(credential, value) = secret
                && url.origin().ascii_serialization() == credential.origin
            {
                let (name, value) = credentials::header(credential, value);
                request = request.header(name, value);
            }
            if let Some(body) = &body {
                request = request.body(body.clone());
            }
            let response = request.send().await.map_err(classify)?;
            let status = response.status();
            let Some(location) = status
                .is_redirection()
                .then(|| response.headers().get(LOCATION))
                .flatten()
            else {
                break response;
            };
            let location = location.to_str().unwrap_or("");
            let next = url.join(location).map_err(|e| {
                (
                    "redirect",
                    format!(
                        "status {} redirects to {location:?}, which is not a URL: {e}",
                        status.as_u16()
                    ),
                )
            })?;
            if !visited.insert(next.to_string()) {
                return Err((
                    "redirect_loop",
                    format!("redirect loop: {next} was already visited"),
                ));
            }
            hops += 1;
            if hops > MAX_REDIRECTS {
                return Err((
                    "too_many_redirects",
                    format!("more than {MAX_REDIRECTS} redirects"),
                ));
            }
            if status == reqwest::StatusCode::SEE_OTHER
                || (matches!(status.as_u16(), 301 | 302) && method == reqwest::Method::POST)
            {
                method = reqwest::Method::GET;
                body = None;
            }
            url = next;
        };
        let cert_days_left = response
            .extensions()
            .get::<reqwest::tls::TlsInfo>()
            .and_then(|info| info.peer_certificate())
            .and_then(|der| tls::days_left(der, now));
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let body = read_capped(response, self.body_cap.unwrap_or(DEFAULT_BODY_CAP)).await?;
        Ok(Answer {
            status,
            content_type,
            body,
            cert_days_left,
        })
    }
}

struct Answer {
    status: u16,
    content_type: String,
    body: String,
    cert_days_left: Option<i64>,
}

async fn read_capped(
    mut response: reqwest::Response,
    cap: usize,
) -> Result<String, (&'static str, String)> {
    if response.content_length().is_some_and(|n| n > cap as u64) {
        return Err((
            "body_too_large",
            format!(
                "the body is {} bytes, more than the {} a health check reads",
                response.content_length().unwrap_or(0),
                size(cap)
            ),
        ));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(classify)? {
        if body.len() + chunk.len() > cap {
            return Err((
                "body_too_large",
                format!(
                    "the body is larger than the {} a health check reads",
                    size(cap)
                ),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}

fn size(bytes: usize) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{bytes} bytes")
    }
}

fn fail(outcome: &mut Outcome, reason: &str, detail: String) {
    outcome.verdict = ProbeVerdict::Fail;
    outcome.reason = Some(reason.to_string());
    outcome.detail = detail;
}

/// The status, the health format and the conditions, worst first.
fn judge(monitor: &Monitor, answer: Answer, outcome: &mut Outcome) {
    outcome.status = Some(answer.status);
    outcome.cert_days_left = answer.cert_days_left;
    let looks_json = matches!(
        answer.body.trim_start().as_bytes().first(),
        Some(b'{' | b'[')
    );
    let json: Option<serde_json::Value> = looks_json
        .then(|| serde_json::from_str(&answer.body).ok())
        .flatten();
    let conditions = monitor.parsed_conditions();
    let status_checked = conditions.iter().any(|c| c.checks_status());
    let status_ok = (200..300).contains(&answer.status);
    let mut problems: Vec<(Verdict, &str, String)> = Vec::new();
    let unexpected_status = || {
        (
            Verdict::Fail,
            "unexpected_status",
            format!("status {}, expected 2xx", answer.status),
        )
    };
    match format::read(
        monitor.format,
        &answer.content_type,
        &answer.body,
        json.as_ref(),
    ) {
        Ok(Some(health)) => {
            if health.verdict != Verdict::Pass {
                problems.push((health.verdict, "unhealthy", health.summary.clone()));
            }
            outcome.components = health.components;
            outcome.measurements = health.measurements;
        }
        Ok(None) => {
            if !status_checked && !status_ok {
                problems.push(unexpected_status());
            }
        }
        Err(why) => {
            if !status_checked && !status_ok {
                problems.push(unexpected_status());
            } else {
                problems.push((Verdict::Fail, "unexpected_format", why));
            }
        }
    }
    let seen = Observed {
        status: Some(answer.status),
        latency_ms: outcome.latency_ms,
        body: Some(&answer.body),
        json: json.as_ref(),
        cert_days_left: answer.cert_days_left,
    };
    for condition in &conditions {
        if let Some(miss) = condition.evaluate(&seen) {
            problems.push((condition.severity, "condition_failed", miss));
        }
    }
    problems.sort_by_key(|(verdict, ..)| std::cmp::Reverse(*verdict));
    match problems.first() {
        None => {
            outcome.verdict = ProbeVerdict::Pass;
        }
        Some((verdict, reason, _)) => {
            outcome.verdict = (*verdict).into();
            outcome.reason = Some(reason.to_string());
            outcome.detail = problems
                .iter()
                .map(|(_, _, text)| text.as_str())
                .collect::<Vec<_>>()
                .join("; ");
        }
    }
}

/// The reason of a request that got no answer.
fn classify(error: reqwest::Error) -> (&'static str, String) {
    if let Some((reason, detail)) = tls::certificate_problem(&error) {
        return (reason, detail);
    }
    let text = chain(&error);
    if error.is_timeout() {
        return ("timeout", format!("timeout: {text}"));
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
    while let Some(current) = source {
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => {
                    return (
                        "refused",
                        "connection refused: nothing listens on that port".into(),
                    );
                }
                std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted => {
                    return ("reset", format!("the connection was reset: {text}"));
                }
                _ => {}
            }
        }
        source = current.source();
    }
    let lower = text.to_ascii_lowercase();
    if lower.contains("dns error") || lower.contains("failed to lookup") {
        return (
            "dns",
            format!("the host name does not resolve (DNS): {text}"),
        );
    }
    if lower.contains("tls") || lower.contains("handshake") || lower.contains("certificate") {
        return ("tls", format!("TLS failed: {text}"));
    }
    if error.is_connect() {
        return ("connect", format!("cannot connect: {text}"));
    }
    ("request", text)
}

/// An error and its causes in one line, without repeats.
pub(crate) fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = source {
        let text = current.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = current.source();
    }
    parts.join(": ")
}
