//! The health commands: env, monitor, secret, check, alerts, maintenance,
//! metrics and demo.

use std::io::{IsTerminal, Read};
use std::path::Path;

use golive_core::health::credentials::{self, CredentialInput, CredentialKind};
use golive_core::health::format::Format;
use golive_core::health::maintenance::{self, WindowInput};
use golive_core::health::monitors::{self, MonitorInput};
use golive_core::health::probe::{ProbeVerdict, Prober};
use golive_core::health::{alerts, demo, environments, import, metrics, overview, record, sweep};
use golive_core::{format_timestamp, secrets};
use jiff::ToSpan;
use serde::Serialize;

use crate::args::{
    AlertCommand, DemoCommand, EnvCommand, KpiArgs, KpiCommand, MaintenanceCommand, MonitorArgs,
    MonitorCommand, SecretCommand,
};
use crate::{Context, Failure, emit};
use golive_core::health::kpis::{self, Kpi, KpiInput, KpiSource};

fn invalid(message: impl Into<String>) -> Failure {
    Failure {
        message: message.into(),
        status: 2,
    }
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| invalid(format!("cannot start the async runtime: {e}")))
}

pub fn env_command(cx: &mut Context, command: EnvCommand) -> Result<(), Failure> {
    let launch = cx.launch()?;
    match command {
        EnvCommand::Add { name, production } => {
            let env = environments::add(&mut cx.store, &cx.change, &launch.id, &name, production)?;
            emit(cx.json, &env, |e| {
                format!(
                    "Added the environment {:?}{}.\n",
                    e.name,
                    if e.production { " (production)" } else { "" }
                )
            });
        }
        EnvCommand::List => {
            emit(
                cx.json,
                &environments::list(cx.store.conn(), &launch.id)?,
                |list| {
                    if list.is_empty() {
                        return "No environments yet; add one with `golive env add production --production`.\n".into();
                    }
                    list.iter()
                        .map(|e| {
                            format!(
                                "{}{}\n",
                                e.name,
                                if e.production { "  (production)" } else { "" }
                            )
                        })
                        .collect()
                },
            );
        }
        EnvCommand::Edit {
            environment,
            name,
            production,
        } => {
            let before = environments::get(cx.store.conn(), &launch.id, &environment)?;
            let env = environments::edit(
                &mut cx.store,
                &cx.change,
                &launch.id,
                &environment,
                name.as_deref().unwrap_or(&before.name),
                production.unwrap_or(before.production),
            )?;
            emit(cx.json, &env, |e| {
                format!("Saved the environment {:?}.\n", e.name)
            });
        }
        EnvCommand::Rm { environment } => {
            environments::remove(&mut cx.store, &cx.change, &launch.id, &environment)?;
            if !cx.json {
                println!("Removed the environment {environment:?}.");
            }
        }
    }
    Ok(())
}

/// A monitor input from the flags, on top of `base` (the monitor being edited).
fn monitor_input(
    args: MonitorArgs,
    base: MonitorInput,
    clear_conditions: bool,
) -> Result<MonitorInput, Failure> {
    let mut headers = base.headers;
    for header in &args.headers {
        let (name, value) = header.split_once(':').ok_or_else(|| {
            invalid(format!(
                "the header {header:?} is not written \"Name: value\""
            ))
        })?;
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name.trim()));
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    let mut conditions = if clear_conditions {
        Vec::new()
    } else {
        base.conditions
    };
    conditions.extend(args.conditions);
    Ok(MonitorInput {
        environment: args.environment.unwrap_or(base.environment),
        name: args.name.unwrap_or(base.name),
        url: args.url.unwrap_or(base.url),
        method: args.method.or(base.method),
        headers,
        body: args.body.or(base.body),
        credential: args.credential.or(base.credential),
        interval_s: args.interval.or(base.interval_s),
        timeout_ms: args.timeout.or(base.timeout_ms),
        failure_threshold: args.failure_threshold.or(base.failure_threshold),
        success_threshold: args.success_threshold.or(base.success_threshold),
        conditions,
        format: match args.format {
            Some(text) => Some(Format::parse(&text).map_err(invalid)?),
            None => base.format,
        },
        ca_file: args
            .ca_file
            .map(|p| p.display().to_string())
            .or(base.ca_file),
    })
}

pub fn monitor_command(cx: &mut Context, command: MonitorCommand) -> Result<(), Failure> {
    let launch = cx.launch()?;
    match command {
        MonitorCommand::Add { monitor } => {
            if monitor.environment.is_none() || monitor.name.is_none() || monitor.url.is_none() {
                return Err(invalid(
                    "a new monitor needs --env, --name and --url, e.g. golive monitor add --env production --name API --url https://api.example.com/health",
                ));
            }
            let input = monitor_input(monitor, MonitorInput::default(), false)?;
            let added = monitors::add(&mut cx.store, &cx.change, &launch.id, &input)?;
            emit(cx.json, &added, |m| {
                format!(
                    "Added the monitor {}/{}: {} {} every {} s. The app probes it while open; `golive check` probes now.\n",
                    m.environment, m.name, m.method, m.url, m.interval_s
                )
            });
        }
        MonitorCommand::Edit {
            monitor,
            changes,
            clear_conditions,
        } => {
            let before = monitors::get(cx.store.conn(), &launch.id, &monitor)?;
            let base = MonitorInput {
                environment: before.environment.clone(),
                name: before.name.clone(),
                url: before.url.clone(),
                method: Some(before.method.clone()),
                headers: before.headers.clone(),
                body: before.body.clone(),
                credential: before.credential.clone(),
                interval_s: Some(before.interval_s),
                timeout_ms: Some(before.timeout_ms),
                failure_threshold: Some(before.failure_threshold),
                success_threshold: Some(before.success_threshold),
                conditions: before.conditions.clone(),
                format: Some(before.format),
                ca_file: before.ca_file.clone(),
            };
            let input = monitor_input(changes, base, clear_conditions)?;
            let saved = monitors::edit(&mut cx.store, &cx.change, &launch.id, &before.id, &input)?;
            emit(cx.json, &saved, |m| {
                format!("Saved the monitor {}/{}.\n", m.environment, m.name)
            });
        }
        MonitorCommand::List => {
            let views = overview::environments(cx.store.conn(), &launch.id)?;
            emit(cx.json, &views, |views| render_monitors(views));
        }
        MonitorCommand::Rm { monitor } => {
            let found = monitors::get(cx.store.conn(), &launch.id, &monitor)?;
            monitors::remove(&mut cx.store, &cx.change, &launch.id, &found.id)?;
            if !cx.json {
                println!(
                    "Removed the monitor {}/{} and its history (the audit trail keeps its settings).",
                    found.environment, found.name
                );
            }
        }
        MonitorCommand::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| invalid(format!("cannot read {}: {e}", file.display())))?;
            let imported = import::import(
                &mut cx.store,
                &cx.change,
                &launch.id,
                &text,
                &file.display().to_string(),
            )?;
            if !cx.json {
                println!(
                    "Imported {} credential(s), {} environment(s) and {} monitor(s). Set secrets with `golive secret set ID`.",
                    imported.credentials, imported.environments, imported.monitors
                );
            }
        }
        MonitorCommand::Retention { days } => {
            if let Some(days) = days {
                record::set_raw_retention_days(&mut cx.store, &cx.change, days)?;
            }
            let days = record::raw_retention_days(cx.store.conn())?;
            emit(cx.json, &days, |d| {
                format!(
                    "Raw probe results are kept {d} days; per-hour rollups stay for charts and metrics.\n"
                )
            });
        }
    }
    Ok(())
}

fn render_monitors(views: &[overview::EnvironmentView]) -> String {
    if views.is_empty() {
        return "No environments yet; add one with `golive env add production --production`.\n"
            .into();
    }
    let mut out = String::new();
    for view in views {
        out.push_str(&format!(
            "{}{}\n",
            view.environment.name,
            if view.environment.production {
                "  (production)"
            } else {
                ""
            }
        ));
        if view.monitors.is_empty() {
            out.push_str("  no monitors\n");
        }
        for m in &view.monitors {
            let state = m.state.as_ref();
            let latency = state
                .and_then(|s| s.last_latency_ms)
                .map(|ms| format!("{ms} ms"))
                .unwrap_or_else(|| "—".into());
            let words = state
                .map(|s| state_words(&s.state))
                .unwrap_or("not probed yet");
            out.push_str(&format!(
                "  {:<24} {:<22} {:>8}  {}\n",
                m.monitor.name, words, latency, m.monitor.url
            ));
            if let Some(detail) = state.and_then(|s| s.last_detail.as_deref()) {
                out.push_str(&format!("  {:<24} {detail}\n", ""));
            }
        }
    }
    out
}

fn state_words(state: &str) -> &'static str {
    match state {
        "up" => "up",
        "degraded" => "degraded",
        "down" => "DOWN",
        "credential_unavailable" => "credential unavailable",
        _ => "checking",
    }
}

/// Reads a secret from the terminal without echo, or from stdin when piped.
pub(crate) fn read_secret(id: &str) -> Result<String, Failure> {
    if std::io::stdin().is_terminal() {
        rpassword::prompt_password(format!("Secret for {id} (not shown): "))
            .map_err(|e| invalid(format!("cannot read the secret from the terminal: {e}")))
    } else {
        let mut text = String::new();
        std::io::stdin()
            .take(64 * 1024)
            .read_to_string(&mut text)
            .map_err(|e| invalid(format!("cannot read the secret from stdin: {e}")))?;
        Ok(text.trim_end_matches(['\n', '\r']).to_string())
    }
}

#[derive(Serialize)]
struct SecretStatus {
    keychain: secrets::KeychainStatus,
    credentials: Vec<CredentialStatus>,
}

#[derive(Serialize)]
struct CredentialStatus {
    #[serde(flatten)]
    credential: credentials::Credential,
    /// set, missing, or unknown when the keychain cannot be asked.
    secret: &'static str,
}

pub fn secret_command(cx: &mut Context, command: SecretCommand) -> Result<u8, Failure> {
    match command {
        SecretCommand::Set {
            id,
            kind,
            origin,
            header_name,
            label,
        } => {
            let credential = match credentials::find(cx.store.conn(), &id)? {
                Some(existing) => {
                    if kind.is_some() || origin.is_some() {
                        return Err(invalid(format!(
                            "the credential {id:?} exists already; `secret set {id}` only replaces its secret (remove it with `golive secret rm {id}` to change its kind or origin)"
                        )));
                    }
                    existing
                }
                None => {
                    let (Some(kind), Some(origin)) = (kind, origin) else {
                        return Err(invalid(format!(
                            "there is no credential {id:?} yet; create it with --kind bearer|basic|header and --origin URL (the only origin it may be sent to)"
                        )));
                    };
                    // Checked before anything is read or written.
                    let kind = CredentialKind::parse(&kind)?;
                    credentials::origin_of(&origin)?;
                    let secret = read_secret(&id)?;
                    let input = CredentialInput {
                        id: id.clone(),
                        label,
                        kind,
                        header_name,
                        origin,
                    };
                    let created =
                        credentials::add_with_secret(&mut cx.store, &cx.change, &input, &secret)?;
                    if !cx.json {
                        println!(
                            "Stored the secret of {:?} in the OS keychain; it is only ever sent to {}.",
                            created.id, created.origin
                        );
                    }
                    return Ok(0);
                }
            };
            let secret = read_secret(&credential.id)?;
            credentials::store_secret(&credential, &secret)?;
            if !cx.json {
                println!(
                    "Replaced the secret of {:?} in the OS keychain.",
                    credential.id
                );
            }
        }
        SecretCommand::Rm { id } => {
            credentials::remove(&mut cx.store, &cx.change, &id)?;
            if !cx.json {
                println!("Removed the credential {id:?} and its secret.");
            }
        }
        SecretCommand::Status => {
            let keychain = secrets::status();
            let available = keychain.state == secrets::KeychainState::Available;
            let mut list = Vec::new();
            for credential in credentials::list(cx.store.conn())? {
                let secret = if !available {
                    "unknown"
                } else {
                    match secrets::is_set(&credential.id) {
                        Ok(true) => "set",
                        Ok(false) => "missing",
                        Err(_) => "unknown",
                    }
                };
                list.push(CredentialStatus { credential, secret });
            }
            let status = SecretStatus {
                keychain,
                credentials: list,
            };
            emit(cx.json, &status, |s| {
                let mut out = format!("Keychain: {}\n", s.keychain.message);
                if !s.keychain.detail.is_empty() && !s.keychain.message.contains(&s.keychain.detail)
                {
                    out.push_str(&format!("  ({})\n", s.keychain.detail));
                }
                for c in &s.credentials {
                    out.push_str(&format!(
                        "{:<24} {:<7} {:<8} {}\n",
                        c.credential.id,
                        c.credential.kind.key(),
                        c.secret,
                        c.credential.origin
                    ));
                }
                out
            });
            return Ok(if available { 0 } else { 1 });
        }
    }
    Ok(0)
}

#[derive(Serialize)]
struct CheckLine {
    environment: String,
    monitor: String,
    url: String,
    verdict: ProbeVerdict,
    latency_ms: u64,
    status: Option<u16>,
    reason: Option<String>,
    detail: String,
    cert_days_left: Option<i64>,
}

/// One sweep now: probe, record, print; the exit status is the worst verdict.
pub fn check(cx: &mut Context, environment: Option<String>) -> Result<u8, Failure> {
    let launch = cx.launch()?;
    let mut list = monitors::list(cx.store.conn(), &launch.id)?;
    if let Some(env) = &environment {
        let env = environments::get(cx.store.conn(), &launch.id, env)?;
        list.retain(|m| m.environment_id == env.id);
    }
    if list.is_empty() {
        return Err(invalid(
            "there are no monitors to check; add one with `golive monitor add`",
        ));
    }
    let wanted = sweep::credentials_of(cx.store.conn(), &list)?;
    let outcomes = runtime()?.block_on(async {
        let secrets = sweep::read_secrets(wanted).await;
        sweep::sweep(&Prober::new(), &list, &secrets, sweep::Limits::default()).await
    });
    record::store(&mut cx.store, &cx.change, &outcomes)?;
    let lines: Vec<CheckLine> = list
        .iter()
        .zip(&outcomes)
        .map(|(m, o)| CheckLine {
            environment: m.environment.clone(),
            monitor: m.name.clone(),
            url: m.url.clone(),
            verdict: o.verdict,
            latency_ms: o.latency_ms,
            status: o.status,
            reason: o.reason.clone(),
            detail: o.detail.clone(),
            cert_days_left: o.cert_days_left,
        })
        .collect();
    emit(cx.json, &lines, |lines| {
        let mut out = String::new();
        for line in lines {
            let verdict = match line.verdict {
                ProbeVerdict::Pass => "pass",
                ProbeVerdict::Warn => "WARN",
                ProbeVerdict::Fail => "FAIL",
                ProbeVerdict::CredentialUnavailable => "credential unavailable",
            };
            let cert = line
                .cert_days_left
                .map(|d| format!("  cert {d} d"))
                .unwrap_or_default();
            out.push_str(&format!(
                "{:<12} {:<24} {:<6} {:>6} ms{cert}  {}\n",
                line.environment, line.monitor, verdict, line.latency_ms, line.detail
            ));
        }
        out
    });
    let worst = outcomes
        .iter()
        .map(|o| match o.verdict {
            ProbeVerdict::Pass => 0,
            ProbeVerdict::Warn => 1,
            ProbeVerdict::Fail | ProbeVerdict::CredentialUnavailable => 2,
        })
        .max()
        .unwrap_or(0);
    Ok(worst)
}

pub fn alerts_command(
    cx: &mut Context,
    action: Option<AlertCommand>,
    resolved: usize,
) -> Result<(), Failure> {
    let launch = cx.launch()?;
    match action {
        Some(AlertCommand::Ack { id, note }) => {
            let alert = alerts::acknowledge(&mut cx.store, &cx.change, &launch.id, &id, &note)?;
            emit(cx.json, &alert, |a| {
                format!("Acknowledged \"{}\" on {}: {}\n", a.title, a.monitor, note)
            });
        }
        None => {
            let list = alerts::list(cx.store.conn(), &launch.id, resolved)?;
            emit(cx.json, &list, |list| {
                if list.is_empty() {
                    return "No alerts.\n".into();
                }
                let mut out = String::new();
                for a in list {
                    let state = if a.resolved_at.is_some() {
                        "resolved"
                    } else if a.acknowledged_at.is_some() {
                        "acknowledged"
                    } else {
                        "OPEN"
                    };
                    out.push_str(&format!(
                        "{} {:<12} {:<8} {}/{}: {} — {}\n    raised {}{}{}\n",
                        &a.id[a.id.len().saturating_sub(8)..],
                        state,
                        a.severity,
                        a.environment,
                        a.monitor,
                        a.title,
                        a.message,
                        a.raised_at,
                        a.ack_note
                            .as_deref()
                            .map(|n| format!(
                                ", acknowledged by {}: {n}",
                                a.acknowledged_by.as_deref().unwrap_or("")
                            ))
                            .unwrap_or_default(),
                        a.resolved_at
                            .as_deref()
                            .map(|r| format!(", resolved {r}"))
                            .unwrap_or_default(),
                    ));
                }
                out
            });
        }
    }
    Ok(())
}

pub fn maintenance_command(cx: &mut Context, command: MaintenanceCommand) -> Result<(), Failure> {
    let launch = cx.launch()?;
    match command {
        MaintenanceCommand::Add {
            environment,
            monitor,
            from,
            until,
            hours,
            reason,
        } => {
            let starts = match &from {
                Some(text) => text.parse::<jiff::Timestamp>().map_err(|e| {
                    invalid(format!(
                        "--from {text:?} is not a time like 2026-12-07T08:00:00Z ({e})"
                    ))
                })?,
                None => cx.now,
            };
            let ends = match (until, hours) {
                (Some(text), _) => text,
                (None, Some(hours)) if hours > 0.0 => {
                    let minutes = (hours * 60.0).round() as i64;
                    format_timestamp(
                        starts
                            .checked_add(minutes.minutes())
                            .map_err(|e| invalid(e.to_string()))?,
                    )
                }
                _ => {
                    return Err(invalid(
                        "say when the window ends: --until TIME or --hours N",
                    ));
                }
            };
            let window = maintenance::add(
                &mut cx.store,
                &cx.change,
                &launch.id,
                &WindowInput {
                    environment,
                    monitor,
                    starts_at: format_timestamp(starts),
                    ends_at: ends,
                    reason,
                },
            )?;
            emit(cx.json, &window, |w| {
                format!(
                    "Alerts of {} are silenced from {} to {} ({}).\n",
                    w.scope, w.starts_at, w.ends_at, w.reason
                )
            });
        }
        MaintenanceCommand::List => {
            emit(
                cx.json,
                &maintenance::list(cx.store.conn(), &launch.id)?,
                |list| {
                    if list.is_empty() {
                        return "No maintenance windows.\n".into();
                    }
                    list.iter()
                        .map(|w| {
                            format!(
                                "{}  {}  {} → {}  {}\n",
                                w.id, w.scope, w.starts_at, w.ends_at, w.reason
                            )
                        })
                        .collect()
                },
            );
        }
        MaintenanceCommand::Rm { id } => {
            maintenance::remove(&mut cx.store, &cx.change, &launch.id, &id)?;
            if !cx.json {
                println!("Removed the maintenance window.");
            }
        }
    }
    Ok(())
}

pub fn metrics_command(cx: &mut Context, hours: u32) -> Result<(), Failure> {
    let launch = cx.launch()?;
    if !(1..=24 * 90).contains(&hours) {
        return Err(invalid("--hours takes 1 to 2160 (90 days)"));
    }
    let envs = metrics::success_metrics(cx.store.conn(), &launch.id, hours, cx.now)?;
    emit(cx.json, &envs, |envs| {
        let mut out = String::new();
        for env in envs {
            out.push_str(&format!(
                "{} — last {} h, {} probes\n",
                env.environment, env.window_hours, env.probes
            ));
            for m in &env.metrics {
                let value = m
                    .value
                    .map(|v| format!("{v:.2} {}", m.unit))
                    .unwrap_or_else(|| "no data".into());
                let mark = match m.met {
                    Some(true) => "met",
                    Some(false) => "MISSED",
                    None => "—",
                };
                out.push_str(&format!(
                    "  {:<24} {:>14}  target {:<12} {mark}\n",
                    m.title, value, m.target
                ));
            }
        }
        out
    });
    Ok(())
}

/// `demo serve` and `demo set` need no store.
pub fn demo_without_store(command: &DemoCommand, store_path: &Path) -> Result<Option<u8>, Failure> {
    match command {
        DemoCommand::Serve {
            port,
            token,
            ca_out,
        } => {
            let ca_path = ca_out.clone().unwrap_or_else(|| demo::ca_path(store_path));
            runtime()?.block_on(async {
                let platform = golive_demo::platform::Platform::start(*port, port.saturating_add(1), token)
                    .await
                    .map_err(|e| invalid(format!("cannot start the demo platform: {e}")))?;
                std::fs::write(&ca_path, &platform.ca_pem).map_err(|e| {
                    invalid(format!("cannot write the demo CA to {}: {e}", ca_path.display()))
                })?;
                println!("The golive demo platform is running on 127.0.0.1 (Ctrl-C stops it).\n");
                for service in golive_demo::platform::SERVICES {
                    println!(
                        "  {:<8} {:<24} {:<12} {}{}",
                        service.key,
                        service.title,
                        service.format,
                        platform.url(service),
                        if service.needs_token { "  (bearer token)" } else { "" }
                    );
                }
                println!(
                    "\nDemo CA: {}\nSwitch a service: golive demo set orders failing   (states: pass, slow, warn, failing, cert_near_expiry; or POST {}/_demo/SERVICE/STATE)\nWatch it: golive demo launch, then open the app's Health view or run golive check.",
                    ca_path.display(),
                    platform.http.url("http", "")
                );
                tokio::signal::ctrl_c()
                    .await
                    .map_err(|e| invalid(format!("cannot wait for Ctrl-C: {e}")))?;
                Ok::<_, Failure>(())
            })?;
            Ok(Some(0))
        }
        DemoCommand::Set {
            service,
            state,
            port,
        } => {
            golive_demo::platform::State::parse(state).map_err(invalid)?;
            runtime()?.block_on(demo::switch(*port, service, state))?;
            println!("The demo's {service} is now {state}.");
            Ok(Some(0))
        }
        DemoCommand::Deploy {
            broken,
            seconds,
            port,
        } => Ok(Some(golive_core::deploy::demo::run_script(
            golive_core::deploy::demo::Script::Deploy { broken: *broken },
            *port,
            *seconds,
        )?)),
        DemoCommand::Rollback { seconds, port } => Ok(Some(golive_core::deploy::demo::run_script(
            golive_core::deploy::demo::Script::Rollback,
            *port,
            *seconds,
        )?)),
        DemoCommand::Smoke { port } => Ok(Some(golive_core::deploy::demo::run_script(
            golive_core::deploy::demo::Script::Smoke,
            *port,
            0,
        )?)),
        DemoCommand::Launch { .. } => Ok(None),
    }
}

pub fn demo_launch(cx: &mut Context, port: u16, token: &str) -> Result<(), Failure> {
    let info = runtime()?.block_on(demo::fetch(port))?;
    let program = std::env::current_exe()
        .map_err(|e| invalid(format!("cannot tell where golive is installed: {e}")))?;
    let scripts = demo::DemoScripts {
        launcher: golive_core::deploy::demo::Launcher {
            program: program.display().to_string(),
            prefix: vec!["demo".into()],
        },
        port,
        seconds: golive_core::deploy::demo::seconds(),
    };
    let launch = demo::create_launch(&mut cx.store, &cx.change, &info, token, &scripts)?;
    let count = monitors::list(cx.store.conn(), &launch.id)?.len();
    emit(cx.json, &launch, |l| {
        format!(
            "Created {:?} ({}) with {count} monitors on the demo platform and its deploy and rollback triggers; its token is in the OS keychain.\nProbe them now: golive --launch {} check\nRehearse a bad deploy: golive --launch {} deploy \"production/Deploy broken build\" --confirm production --override-reason \"demo\"\n",
            l.name, l.id, l.id, l.id
        )
    });
    Ok(())
}

fn kpi_input(key: &str, args: KpiArgs, base: Option<&Kpi>) -> Result<KpiInput, Failure> {
    let targets_given = args.at_least.is_some() || args.above.is_some() || args.below.is_some();
    let source = match args.source {
        Some(text) => Some(KpiSource::parse(&text)?),
        None => base.map(|b| b.source),
    };
    Ok(KpiInput {
        key: key.to_string(),
        title: args
            .title
            .or_else(|| base.map(|b| b.title.clone()))
            .unwrap_or_default(),
        unit: args
            .unit
            .or_else(|| base.map(|b| b.unit.clone()))
            .unwrap_or_default(),
        at_least: if targets_given {
            args.at_least
        } else {
            base.and_then(|b| b.at_least)
        },
        above: if targets_given {
            args.above
        } else {
            base.and_then(|b| b.above)
        },
        below: if targets_given {
            args.below
        } else {
            base.and_then(|b| b.below)
        },
        source,
        url: args.url.or_else(|| base.and_then(|b| b.url.clone())),
        selector: args
            .selector
            .or_else(|| base.and_then(|b| b.selector.clone())),
        credential: args
            .credential
            .or_else(|| base.and_then(|b| b.credential.clone())),
        interval_s: args.interval.or(base.map(|b| b.interval_s)),
    })
}

fn render_kpis(list: &[Kpi]) -> String {
    let mut out = String::new();
    for k in list {
        let value = k
            .latest
            .as_ref()
            .and_then(|v| v.value)
            .map(|v| format!("{v} {}", k.unit))
            .unwrap_or_else(|| "no value yet".into());
        let mark = match k.met {
            Some(true) => "met",
            Some(false) => "MISSED",
            None => "",
        };
        let source = match k.source {
            KpiSource::Manual => "by hand".to_string(),
            _ => format!("{} {}", k.source.key(), k.selector.as_deref().unwrap_or("")),
        };
        out.push_str(&format!(
            "{:<22} {:<32} {:>14}  {:<10} {:<6} {}\n",
            k.key, k.title, value, k.target, mark, source
        ));
        if let Some(error) = &k.last_error {
            out.push_str(&format!("{:<22} last reading failed: {error}\n", ""));
        }
    }
    out
}

pub fn kpi_command(cx: &mut Context, command: KpiCommand) -> Result<(), Failure> {
    let launch = cx.launch()?;
    match command {
        KpiCommand::List => {
            emit(cx.json, &kpis::list(cx.store.conn(), &launch.id)?, |l| {
                render_kpis(l)
            });
        }
        KpiCommand::Add { key, details } => {
            let input = kpi_input(&key, details, None)?;
            let kpi = kpis::save(&mut cx.store, &cx.change, &launch.id, None, &input)?;
            emit(cx.json, &kpi, |k| {
                format!(
                    "Added the KPI {} ({}), target {}.\n",
                    k.key, k.title, k.target
                )
            });
        }
        KpiCommand::Edit { key, details } => {
            let before = kpis::get(cx.store.conn(), &launch.id, &key)?;
            let input = kpi_input(&before.key, details, Some(&before))?;
            let kpi = kpis::save(
                &mut cx.store,
                &cx.change,
                &launch.id,
                Some(&before.id),
                &input,
            )?;
            emit(cx.json, &kpi, |k| format!("Saved the KPI {}.\n", k.key));
        }
        KpiCommand::Rm { key } => {
            kpis::remove(&mut cx.store, &cx.change, &launch.id, &key)?;
            if !cx.json {
                println!("Removed the KPI {key} and its history.");
            }
        }
        KpiCommand::Record { key, value, note } => {
            let kpi = kpis::record(&mut cx.store, &cx.change, &launch.id, &key, value, &note)?;
            emit(cx.json, &kpi, |k| {
                format!(
                    "Recorded {value} {} for {}{}.\n",
                    k.unit,
                    k.title,
                    match k.met {
                        Some(true) => " (target met)",
                        Some(false) => " (target MISSED)",
                        None => "",
                    }
                )
            });
        }
        KpiCommand::Read { key } => {
            let kpi = kpis::get(cx.store.conn(), &launch.id, &key)?;
            let secret = match &kpi.credential {
                None => golive_core::health::probe::Secret::None,
                Some(id) => {
                    let credential = credentials::get(cx.store.conn(), id)?;
                    match secrets::get(id) {
                        Ok(value) => golive_core::health::probe::Secret::Ready(credential, value),
                        Err(error) => {
                            golive_core::health::probe::Secret::Unavailable(error.to_string())
                        }
                    }
                }
            };
            let reading = runtime()?.block_on(kpis::read_now(&Prober::new(), &kpi, &secret));
            kpis::store_reading(&cx.store, &kpi.id, cx.now, &reading)?;
            match reading {
                Ok(value) => {
                    let kpi = kpis::get(cx.store.conn(), &launch.id, &kpi.id)?;
                    emit(cx.json, &kpi, |k| {
                        format!("{}: {value} {} (target {}).\n", k.title, k.unit, k.target)
                    });
                }
                Err(why) => return Err(invalid(format!("{} could not be read: {why}", kpi.title))),
            }
        }
    }
    Ok(())
}
