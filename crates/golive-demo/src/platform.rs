//! The demo platform: a simulated production on 127.0.0.1 with a health
//! endpoint in each format, one behind a bearer token, one over TLS, whose
//! states are switched from the command line or with an HTTP call:
//!
//! ```text
//! POST http://127.0.0.1:PORT/_demo/orders/failing     → that service fails
//! POST http://127.0.0.1:PORT/_demo/all/pass           → everything passes
//! GET  http://127.0.0.1:PORT/_demo                    → services, URLs, states
//! GET  http://127.0.0.1:PORT/_demo/ca.pem             → the demo CA (PEM)
//! ```
//!
//! [`monitors_toml`] turns that overview into golive's monitor import file,
//! which is how the app and `golive demo launch` set up a demo launch.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::sign::CertifiedKey;
use serde_json::json;

use crate::certs::{Authority, Kind};
use crate::server::{Handler, Reply, Request, Server, SwappableCert};

/// One simulated service.
#[derive(Debug, Clone, Copy)]
pub struct Service {
    pub key: &'static str,
    pub title: &'static str,
    pub path: &'static str,
    /// The health format golive reads it as.
    pub format: &'static str,
    pub tls: bool,
    pub needs_token: bool,
    pub environment: &'static str,
}

pub const SERVICES: &[Service] = &[
    Service {
        key: "orders",
        title: "Orders API",
        path: "/orders/actuator/health",
        format: "actuator",
        tls: false,
        needs_token: false,
        environment: "production",
    },
    Service {
        key: "payments",
        title: "Payments",
        path: "/payments/health",
        format: "health_json",
        tls: false,
        needs_token: false,
        environment: "production",
    },
    Service {
        key: "billing",
        title: "Billing (token)",
        path: "/billing/actuator/health",
        format: "actuator",
        tls: false,
        needs_token: true,
        environment: "production",
    },
    Service {
        key: "portal",
        title: "Customer portal (TLS)",
        path: "/portal/health",
        format: "health_json",
        tls: true,
        needs_token: false,
        environment: "production",
    },
    Service {
        key: "cluster",
        title: "Kubernetes readiness",
        path: "/cluster/readyz?verbose",
        format: "kubernetes",
        tls: false,
        needs_token: false,
        environment: "staging",
    },
    Service {
        key: "search",
        title: "Search",
        path: "/search/ping",
        format: "plain",
        tls: false,
        needs_token: false,
        environment: "staging",
    },
];

/// What a service is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Pass,
    /// Healthy, but answering in 2.5 s (above the strategy's 2 s).
    Slow,
    /// Degraded: its format's warning (UNKNOWN, warn, CPU at 85 %), or a 1.2 s answer.
    Warn,
    Failing,
    /// Passing, but the TLS certificate ends in 10 days.
    CertNearExpiry,
}

impl State {
    pub const ALL: [State; 5] = [
        State::Pass,
        State::Slow,
        State::Warn,
        State::Failing,
        State::CertNearExpiry,
    ];

    pub fn key(self) -> &'static str {
        match self {
            State::Pass => "pass",
            State::Slow => "slow",
            State::Warn => "warn",
            State::Failing => "failing",
            State::CertNearExpiry => "cert_near_expiry",
        }
    }

    pub fn parse(text: &str) -> Result<State, String> {
        let text = text.trim().to_ascii_lowercase().replace('-', "_");
        State::ALL
            .into_iter()
            .find(|s| s.key() == text)
            .ok_or_else(|| {
                format!("{text:?} is not a demo state; use pass, slow, warn, failing or cert_near_expiry")
            })
    }
}

struct Shared {
    ca_pem: String,
    states: Mutex<BTreeMap<&'static str, State>>,
    token: String,
    cert: Arc<SwappableCert>,
    valid: Arc<CertifiedKey>,
    expiring: Arc<CertifiedKey>,
    http_base: Mutex<String>,
    https_base: Mutex<String>,
}

impl Shared {
    fn set(&self, service: &str, state: State) -> Result<(), String> {
        let mut states = self.states.lock().unwrap_or_else(|p| p.into_inner());
        let keys: Vec<&'static str> = if service == "all" {
            SERVICES.iter().map(|s| s.key).collect()
        } else {
            let found = SERVICES.iter().find(|s| s.key == service).ok_or_else(|| {
                format!(
                    "the demo has no service {service:?}; it has {} (or all)",
                    SERVICES
                        .iter()
                        .map(|s| s.key)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
            vec![found.key]
        };
        for key in keys {
            states.insert(key, state);
        }
        let near_expiry = states.get("portal") == Some(&State::CertNearExpiry);
        self.cert.set(if near_expiry {
            self.expiring.clone()
        } else {
            self.valid.clone()
        });
        Ok(())
    }

    fn state(&self, service: &str) -> State {
        self.states
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(service)
            .copied()
            .unwrap_or(State::Pass)
    }

    fn overview(&self) -> serde_json::Value {
        let http = self
            .http_base
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let https = self
            .https_base
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        json!({
            "services": SERVICES.iter().map(|s| json!({
                "key": s.key,
                "title": s.title,
                "url": format!("{}{}", if s.tls { &https } else { &http }, s.path),
                "format": s.format,
                "needs_token": s.needs_token,
                "environment": s.environment,
                "state": self.state(s.key).key(),
            })).collect::<Vec<_>>(),
            "states": State::ALL.iter().map(|s| s.key()).collect::<Vec<_>>(),
        })
    }
}

/// A running demo platform; it stops when dropped.
pub struct Platform {
    pub http: Server,
    pub https: Server,
    /// The demo CA's certificate (PEM), to trust the TLS service.
    pub ca_pem: String,
    shared: Arc<Shared>,
}

impl Platform {
    /// Starts on `http_port` and `https_port` of 127.0.0.1 (0 picks free ports).
    pub async fn start(http_port: u16, https_port: u16, token: &str) -> Result<Platform, String> {
        if token.trim().is_empty() {
            return Err("the demo's bearer token must not be empty".into());
        }
        let authority = Authority::new()?;
        let valid = authority.issue(Kind::Valid)?.certified_key()?;
        let expiring = authority.issue(Kind::Expiring(10))?.certified_key()?;
        let cert = SwappableCert::new(valid.clone());
        let shared = Arc::new(Shared {
            ca_pem: authority.pem(),
            states: Mutex::new(SERVICES.iter().map(|s| (s.key, State::Pass)).collect()),
            token: token.trim().to_string(),
            cert: cert.clone(),
            valid,
            expiring,
            http_base: Mutex::default(),
            https_base: Mutex::default(),
        });
        let handler: Handler = {
            let shared = shared.clone();
            Arc::new(move |request: &Request| respond(&shared, request))
        };
        let loopback = |port| SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let http = Server::http(loopback(http_port), handler.clone())
            .await
            .map_err(|e| format!("cannot listen on 127.0.0.1:{http_port}: {e}"))?;
        let https = Server::https(loopback(https_port), handler, cert)
            .await
            .map_err(|e| format!("cannot listen on 127.0.0.1:{https_port}: {e}"))?;
        *shared.http_base.lock().unwrap_or_else(|p| p.into_inner()) =
            format!("http://{}", http.addr);
        *shared.https_base.lock().unwrap_or_else(|p| p.into_inner()) =
            format!("https://{}", https.addr);
        Ok(Platform {
            http,
            https,
            ca_pem: authority.pem(),
            shared,
        })
    }

    /// The health URL of a service.
    pub fn url(&self, service: &Service) -> String {
        if service.tls {
            self.https.url("https", service.path)
        } else {
            self.http.url("http", service.path)
        }
    }

    /// Switches a service (or `all`) to a state.
    pub fn set(&self, service: &str, state: State) -> Result<(), String> {
        self.shared.set(service, state)
    }

    /// Services, URLs and states as JSON (what `GET /_demo` answers).
    pub fn overview(&self) -> serde_json::Value {
        self.shared.overview()
    }
}

fn respond(shared: &Shared, request: &Request) -> Reply {
    let path = request.path();
    if let Some(control) = path.strip_prefix("/_demo") {
        return control_reply(shared, request, control);
    }
    let Some(service) = SERVICES
        .iter()
        .find(|s| s.path.split('?').next() == Some(path))
    else {
        return Reply::json(
            404,
            &json!({"error": "no such demo endpoint; GET /_demo lists them"}),
        );
    };
    if service.needs_token {
        let expected = format!("Bearer {}", shared.token);
        if request.header("authorization") != Some(expected.as_str()) {
            return Reply::json(401, &json!({"error": "a bearer token is required"}));
        }
    }
    let state = shared.state(service.key);
    let delay = match state {
        State::Slow => Duration::from_millis(2500),
        State::Warn if matches!(service.format, "plain" | "kubernetes") => {
            Duration::from_millis(1200)
        }
        _ => Duration::from_millis(15),
    };
    let failing = state == State::Failing;
    let warn = state == State::Warn;
    let reply = match service.format {
        "actuator" => {
            let (status, db) = match state {
                State::Failing => (
                    "DOWN",
                    json!({"status": "DOWN", "details": {"database": "PostgreSQL", "error": "connection pool exhausted"}}),
                ),
                State::Warn => (
                    "UNKNOWN",
                    json!({"status": "UP", "details": {"database": "PostgreSQL", "validationQuery": "isValid()"}}),
                ),
                _ => (
                    "UP",
                    json!({"status": "UP", "details": {"database": "PostgreSQL", "validationQuery": "isValid()"}}),
                ),
            };
            let code = if failing { 503 } else { 200 };
            Reply::with_type(
                code,
                "application/vnd.spring-boot.actuator.v3+json",
                json!({
                    "status": status,
                    "components": {
                        "db": db,
                        "diskSpace": {"status": "UP", "details": {"total": 499_963_174_912_u64, "free": 91_300_000_000_u64}},
                        "ping": {"status": "UP"}
                    }
                })
                .to_string(),
            )
        }
        "health_json" => {
            let (status, cpu, cpu_status, db_status) = if failing {
                ("fail", 97.0, "fail", "fail")
            } else if warn {
                ("warn", 85.0, "warn", "pass")
            } else {
                ("pass", 31.0, "pass", "pass")
            };
            let code = if failing { 503 } else { 200 };
            Reply::with_type(
                code,
                "application/health+json",
                json!({
                    "status": status,
                    "version": "1",
                    "serviceId": service.key,
                    "checks": {
                        "cpu:utilization": [{"componentId": "node-1", "componentType": "system", "observedValue": cpu, "observedUnit": "percent", "status": cpu_status}],
                        "postgres:responseTime": [{"componentId": "orders-db", "componentType": "datastore", "observedValue": if failing { 5000 } else { 12 }, "observedUnit": "ms", "status": db_status, "output": if failing { "connection refused" } else { "" }}]
                    }
                })
                .to_string(),
            )
        }
        "kubernetes" => {
            if failing {
                Reply::with_type(
                    500,
                    "text/plain",
                    "[+]ping ok\n[+]log ok\n[-]etcd failed: reason withheld\n[+]poststarthook/start-informers ok\nreadyz check failed\n",
                )
            } else {
                Reply::with_type(
                    200,
                    "text/plain",
                    "[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]poststarthook/start-informers ok\nreadyz check passed\n",
                )
            }
        }
        _ => {
            if failing {
                Reply::with_type(503, "text/plain", "service unavailable\n")
            } else {
                Reply::with_type(200, "text/plain", "pong\n")
            }
        }
    };
    reply.delayed(delay)
}

fn control_reply(shared: &Shared, request: &Request, control: &str) -> Reply {
    let parts: Vec<&str> = control
        .trim_matches('/')
        .split('/')
        .filter(|p| !p.is_empty())
        .collect();
    match (request.method.as_str(), parts.as_slice()) {
        (_, []) => Reply::json(200, &shared.overview()),
        ("GET", ["ca.pem"]) => {
            Reply::with_type(200, "application/x-pem-file", shared.ca_pem.clone())
        }
        ("POST" | "PUT", [service, state]) => {
            match State::parse(state).and_then(|state| shared.set(service, state)) {
                Ok(()) => Reply::json(200, &shared.overview()),
                Err(error) => Reply::json(400, &json!({ "error": error })),
            }
        }
        _ => Reply::json(
            400,
            &json!({"error": "POST /_demo/SERVICE/STATE switches a service; GET /_demo lists them"}),
        ),
    }
}

/// The credential id demo launches use for the token-protected service.
pub const CREDENTIAL_ID: &str = "golive-demo-token";

/// golive's monitor import file (TOML) for the services in `overview` (what
/// `GET /_demo` answers): production and staging, the bearer credential
/// (its secret is not in the file) and the demo CA for the TLS service.
///
/// `with_credential` false leaves the credential out (a store that has it
/// from an earlier demo launch).
pub fn monitors_toml(
    overview: &serde_json::Value,
    ca_file: &str,
    with_credential: bool,
) -> Result<String, String> {
    let services = overview
        .get("services")
        .and_then(|s| s.as_array())
        .ok_or("the demo platform's overview has no services")?;
    let text = |value: &serde_json::Value, key: &str| -> Result<String, String> {
        value
            .get(key)
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .ok_or_else(|| format!("a demo service has no {key}"))
    };
    let quote = |value: &str| serde_json::Value::String(value.to_string()).to_string();
    let mut out = String::from("# The demo platform's services (golive demo serve).\n");
    let mut origin = None;
    for service in services {
        if service.get("needs_token").and_then(|v| v.as_bool()) == Some(true) {
            let url = text(service, "url")?;
            let rest = url.split_once("://").map(|(_, r)| r).unwrap_or("");
            let host = rest.split('/').next().unwrap_or("");
            origin = Some(format!(
                "{}://{host}",
                url.split("://").next().unwrap_or("http")
            ));
        }
    }
    if let Some(origin) = origin.filter(|_| with_credential) {
        out.push_str(&format!(
            "\n[[credentials]]\nid = {}\nlabel = \"Demo billing token\"\nkind = \"bearer\"\norigin = {}\n",
            quote(CREDENTIAL_ID),
            quote(&origin)
        ));
    }
    for (environment, production) in [("production", true), ("staging", false)] {
        out.push_str(&format!(
            "\n[[environments]]\nname = {}\nproduction = {production}\n",
            quote(environment)
        ));
        for service in services
            .iter()
            .filter(|s| s.get("environment").and_then(|v| v.as_str()) == Some(environment))
        {
            let url = text(service, "url")?;
            out.push_str(&format!(
                "\n[[environments.monitors]]\nname = {}\nurl = {}\nformat = {}\ninterval_s = 15\ntimeout_ms = 5000\n",
                quote(&text(service, "title")?),
                quote(&url),
                quote(&text(service, "format")?)
            ));
            if service.get("needs_token").and_then(|v| v.as_bool()) == Some(true) {
                out.push_str(&format!("credential = {}\n", quote(CREDENTIAL_ID)));
            }
            if url.starts_with("https://") {
                out.push_str(&format!(
                    "ca_file = {}\nconditions = [\"cert_days > 30 else warn\", \"cert_days > 7\"]\n",
                    quote(ca_file)
                ));
            }
        }
    }
    Ok(out)
}
