//! The demo platform's deployment scripts and the triggers a demo launch
//! gets, so the whole Day 0 flow — deploy, watch, validate, roll back — can
//! be rehearsed on 127.0.0.1.
//!
//! The scripts run as a trigger's program: the `golive` command line
//! (`golive demo deploy|rollback|smoke`) or the app's own executable with
//! `--golive-demo-script`. A deploy prints its progress for about
//! `seconds`; the broken build switches production's Orders API and
//! Payments to failing when traffic moves to it, and a rollback switches
//! them back.

use std::io::Write;
use std::time::Duration;

use super::Action;
use super::triggers::{CommandSpec, TriggerInput, TriggerSpec};
use crate::health::demo;
use crate::{Error, Result};

/// How long a demo deploy or rollback takes unless told otherwise.
pub const DEFAULT_SECONDS: u32 = 30;

/// How long demo deploys take: `GOLIVE_DEMO_DEPLOY_SECONDS` (tests make
/// them short), else [`DEFAULT_SECONDS`].
pub fn seconds() -> u32 {
    std::env::var("GOLIVE_DEMO_DEPLOY_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SECONDS)
}

/// The services a broken build breaks.
const BROKEN_BY_BAD_BUILD: &[&str] = &["orders", "payments"];
const PRODUCTION: &[&str] = &["orders", "payments", "billing", "portal"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Deploy { broken: bool },
    Rollback,
    Smoke,
}

/// How a trigger starts a demo script: a program and the arguments before
/// the script's own.
#[derive(Debug, Clone)]
pub struct Launcher {
    pub program: String,
    pub prefix: Vec<String>,
}

fn step(out: &mut impl Write, text: &str) {
    let _ = writeln!(out, "{text}");
    let _ = out.flush();
}

/// Runs a demo script against the platform on `port`. Exit status: 0 done,
/// 1 the smoke test found a failing service.
pub fn run_script(script: Script, port: u16, seconds: u32) -> Result<u8> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(e.to_string()))?;
    let mut out = std::io::stdout();
    let version = std::env::var("GOLIVE_VERSION").ok();
    match script {
        Script::Smoke => {
            let info = rt.block_on(demo::fetch(port))?;
            let mut failing = Vec::new();
            for service in info.overview["services"].as_array().into_iter().flatten() {
                if service["environment"] != "production" {
                    continue;
                }
                let state = service["state"].as_str().unwrap_or("?");
                let title = service["title"].as_str().unwrap_or("?");
                step(&mut out, &format!("smoke test {title}: {state}"));
                if state == "failing" {
                    failing.push(title.to_string());
                }
            }
            if failing.is_empty() {
                step(&mut out, "smoke test passed");
                Ok(0)
            } else {
                eprintln!("smoke test failed: {}", failing.join(", "));
                Ok(1)
            }
        }
        Script::Deploy { .. } | Script::Rollback => {
            let (what, steps): (&str, &[&str]) = match script {
                Script::Rollback => (
                    "rollback to the previous release",
                    &[
                        "locating the previous release",
                        "restoring the previous artifacts",
                        "draining node 1 of 3",
                        "draining node 2 of 3",
                        "switching traffic to the previous release",
                        "draining node 3 of 3",
                        "warming caches",
                        "verifying the release",
                    ],
                ),
                _ => (
                    "deployment",
                    &[
                        "fetching artifacts",
                        "verifying checksums",
                        "running database migrations",
                        "draining node 1 of 3",
                        "draining node 2 of 3",
                        "switching traffic to the new release",
                        "draining node 3 of 3",
                        "warming caches",
                        "verifying the release",
                    ],
                ),
            };
            let label = match (script, std::env::var("GOLIVE_ROLLBACK_TO").ok()) {
                (Script::Rollback, Some(to)) => format!(" ({to})"),
                _ => version
                    .as_deref()
                    .map(|v| format!(" of {v}"))
                    .unwrap_or_default(),
            };
            step(&mut out, &format!("starting the {what}{label}"));
            let per_step = Duration::from_millis(u64::from(seconds) * 1000 / steps.len() as u64);
            let ticks = 4u32;
            for (i, name) in steps.iter().enumerate() {
                for tick in 1..=ticks {
                    std::thread::sleep(per_step / ticks);
                    step(
                        &mut out,
                        &format!(
                            "[{}/{}] {name} … {}%",
                            i + 1,
                            steps.len(),
                            tick * 100 / ticks
                        ),
                    );
                }
                if name.starts_with("switching traffic") {
                    let (services, state): (&[&str], &str) = match script {
                        Script::Deploy { broken: true } => (BROKEN_BY_BAD_BUILD, "failing"),
                        _ => (PRODUCTION, "pass"),
                    };
                    for service in services {
                        rt.block_on(demo::switch(port, service, state))?;
                    }
                    if matches!(script, Script::Deploy { broken: true }) {
                        eprintln!(
                            "warning: error rate rising on orders and payments after the switch"
                        );
                    }
                }
            }
            step(&mut out, &format!("{what}{label} finished"));
            Ok(0)
        }
    }
}

/// The demo launch's triggers: deploys (a healthy and a broken build),
/// rollbacks, and a smoke test as production's validation.
pub fn triggers(launcher: &Launcher, port: u16, seconds: u32) -> Vec<TriggerInput> {
    let spec = |args: &[&str]| {
        let mut all = launcher.prefix.clone();
        all.extend(args.iter().map(|a| a.to_string()));
        all.extend(["--port".to_string(), port.to_string()]);
        TriggerSpec::Command(CommandSpec {
            program: launcher.program.clone(),
            args: all,
            cwd: None,
            env: vec![],
            secret_env: vec![],
        })
    };
    let seconds = seconds.to_string();
    let trigger = |environment: &str, name: &str, action: Action, spec: TriggerSpec| TriggerInput {
        environment: environment.into(),
        name: name.into(),
        action,
        spec,
        timeout_s: Some(600),
        auto_rollback: false,
    };
    vec![
        trigger(
            "production",
            "Deploy release",
            Action::Deploy,
            spec(&["deploy", "--seconds", &seconds]),
        ),
        trigger(
            "production",
            "Deploy broken build",
            Action::Deploy,
            spec(&["deploy", "--broken", "--seconds", &seconds]),
        ),
        trigger(
            "production",
            "Roll back",
            Action::Rollback,
            spec(&["rollback", "--seconds", &seconds]),
        ),
        trigger(
            "production",
            "Smoke test",
            Action::Validation,
            spec(&["smoke"]),
        ),
        trigger(
            "staging",
            "Deploy release",
            Action::Deploy,
            spec(&["deploy", "--seconds", &seconds]),
        ),
        trigger(
            "staging",
            "Roll back",
            Action::Rollback,
            spec(&["rollback", "--seconds", &seconds]),
        ),
    ]
}

/// Parses a script's arguments (what follows the launcher's prefix):
/// `deploy [--broken] [--seconds N] --port P`, `rollback …`, `smoke --port P`.
pub fn parse_args(args: &[String]) -> Result<(Script, u16, u32)> {
    let invalid = |why: String| Error::InvalidInput(why);
    let mut words = args.iter();
    let script = match words.next().map(String::as_str) {
        Some("deploy") => Script::Deploy { broken: false },
        Some("rollback") => Script::Rollback,
        Some("smoke") => Script::Smoke,
        other => {
            return Err(invalid(format!(
                "unknown demo script {other:?}; use deploy, rollback or smoke"
            )));
        }
    };
    let (mut script, mut port, mut seconds) = (script, demo::DEFAULT_PORT, DEFAULT_SECONDS);
    while let Some(word) = words.next() {
        match word.as_str() {
            "--broken" => script = Script::Deploy { broken: true },
            "--port" => {
                port = words
                    .next()
                    .and_then(|p| p.parse().ok())
                    .ok_or_else(|| invalid("--port needs a port number".into()))?
            }
            "--seconds" => {
                seconds = words
                    .next()
                    .and_then(|p| p.parse().ok())
                    .ok_or_else(|| invalid("--seconds needs a number".into()))?
            }
            other => return Err(invalid(format!("unknown demo script option {other:?}"))),
        }
    }
    Ok((script, port, seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_arguments_round_trip_through_the_triggers() {
        let launcher = Launcher {
            program: "/usr/bin/golive".into(),
            prefix: vec!["demo".into()],
        };
        let triggers = triggers(&launcher, 47810, 5);
        let TriggerSpec::Command(broken) = &triggers[1].spec else {
            panic!("a command")
        };
        assert_eq!(broken.args[0], "demo");
        assert_eq!(
            parse_args(&broken.args[1..]).unwrap(),
            (Script::Deploy { broken: true }, 47810, 5)
        );
        assert!(parse_args(&["dance".into()]).is_err());
    }
}
