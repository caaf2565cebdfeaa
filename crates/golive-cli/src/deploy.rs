//! The deployment commands: trigger, deploy, runs, run show|cancel.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};

use golive_core::deploy::runs::{self, Run, RunFilter};
use golive_core::deploy::start::{self, Request};
use golive_core::deploy::triggers::{
    self, CommandSpec, EnvVar, Header, Poll, SecretEnv, Trigger, TriggerInput, TriggerSpec,
    WebhookSpec,
};
use golive_core::deploy::{Action, RunSink, RunState, Stream, chunk, runner, watch};
use golive_core::{Store, store::OpenMode};

use crate::args::{ActionArg, DeployArgs, RunCommand, TriggerArgs, TriggerCommand};
use crate::{Context, Failure, emit};

fn invalid(message: impl Into<String>) -> Failure {
    Failure {
        message: message.into(),
        status: 2,
    }
}

fn action(arg: ActionArg) -> Action {
    match arg {
        ActionArg::Deploy => Action::Deploy,
        ActionArg::Rollback => Action::Rollback,
        ActionArg::Validation => Action::Validation,
    }
}

fn pair(text: &str, what: &str) -> Result<(String, String), Failure> {
    text.split_once('=')
        .map(|(k, v)| (k.trim().to_string(), v.to_string()))
        .ok_or_else(|| invalid(format!("{what} {text:?} is not NAME=VALUE")))
}

fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(|w| w.trim().to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

/// The trigger input from the options, on top of `base` when editing.
fn trigger_input(
    details: TriggerArgs,
    command: Vec<String>,
    base: Option<&Trigger>,
) -> Result<TriggerInput, Failure> {
    let required = |value: Option<String>, base: Option<String>, what: &str| {
        value
            .or(base)
            .ok_or_else(|| invalid(format!("a trigger needs {what}")))
    };
    let environment = required(
        details.environment.clone(),
        base.map(|b| b.environment.clone()),
        "an environment (--env ENV)",
    )?;
    let name = required(
        details.name.clone(),
        base.map(|b| b.name.clone()),
        "a name (--name NAME)",
    )?;
    let action = details
        .action
        .map(action)
        .or(base.map(|b| b.action))
        .ok_or_else(|| invalid("a trigger needs --kind deploy, rollback or validation"))?;
    if details.webhook.is_some() && !command.is_empty() {
        return Err(invalid(
            "give either a program after -- or --webhook URL, not both",
        ));
    }
    let base_command = base.and_then(|b| match &b.spec {
        TriggerSpec::Command(c) => Some(c.clone()),
        TriggerSpec::Webhook(_) => None,
    });
    let base_webhook = base.and_then(|b| match &b.spec {
        TriggerSpec::Webhook(w) => Some(w.clone()),
        TriggerSpec::Command(_) => None,
    });
    let spec = if !command.is_empty() || (details.webhook.is_none() && base_command.is_some()) {
        let mut spec = match (command.split_first(), base_command) {
            (Some((program, args)), base) => CommandSpec {
                program: program.clone(),
                args: args.to_vec(),
                ..base.unwrap_or(CommandSpec {
                    program: String::new(),
                    args: vec![],
                    cwd: None,
                    env: vec![],
                    secret_env: vec![],
                })
            },
            (None, Some(base)) => base,
            (None, None) => unreachable!("checked above"),
        };
        if details.cwd.is_some() {
            spec.cwd = details.cwd.clone().filter(|c| !c.trim().is_empty());
        }
        if !details.env_var.is_empty() {
            spec.env = details
                .env_var
                .iter()
                .map(|text| pair(text, "--env-var").map(|(name, value)| EnvVar { name, value }))
                .collect::<Result<_, _>>()?;
        }
        if !details.secret_env.is_empty() {
            spec.secret_env = details
                .secret_env
                .iter()
                .map(|text| {
                    pair(text, "--secret-env")
                        .map(|(name, credential)| SecretEnv { name, credential })
                })
                .collect::<Result<_, _>>()?;
        }
        TriggerSpec::Command(spec)
    } else if details.webhook.is_some() || base_webhook.is_some() {
        let base = base_webhook;
        let url = details
            .webhook
            .clone()
            .or(base.as_ref().map(|b| b.url.clone()))
            .unwrap_or_default();
        let headers = if details.headers.is_empty() {
            base.as_ref().map(|b| b.headers.clone()).unwrap_or_default()
        } else {
            details
                .headers
                .iter()
                .map(|h| {
                    h.split_once(':')
                        .map(|(name, value)| Header {
                            name: name.trim().to_string(),
                            value: value.trim().to_string(),
                        })
                        .ok_or_else(|| invalid(format!("the header {h:?} is not \"Name: value\"")))
                })
                .collect::<Result<_, _>>()?
        };
        let poll = match (
            &details.poll_url,
            base.as_ref().and_then(|b| b.poll.clone()),
        ) {
            (Some(url), _) => Some(Poll {
                url: url.clone(),
                path: details.poll_path.clone(),
                success: list(&details.success),
                failure: list(&details.failure),
                interval_s: details.poll_interval,
                timeout_s: details.poll_timeout,
            }),
            (None, base) => base,
        };
        TriggerSpec::Webhook(WebhookSpec {
            method: details
                .method
                .clone()
                .or(base.as_ref().map(|b| b.method.clone()))
                .unwrap_or_else(|| "POST".into()),
            url,
            headers,
            body: details
                .body
                .clone()
                .or(base.as_ref().and_then(|b| b.body.clone())),
            credential: details
                .credential
                .clone()
                .or(base.as_ref().and_then(|b| b.credential.clone())),
            poll,
        })
    } else {
        return Err(invalid(
            "a trigger runs a program — give it after --, e.g. `golive trigger add … -- /opt/deploy.sh --fast` (for a shell: -- bash -c 'SCRIPT') — or calls --webhook URL",
        ));
    };
    Ok(TriggerInput {
        environment,
        name,
        action,
        spec,
        timeout_s: if details.no_timeout {
            None
        } else {
            details.timeout.or(base.and_then(|b| b.timeout_s))
        },
        auto_rollback: details
            .auto_rollback
            .or(base.map(|b| b.auto_rollback))
            .unwrap_or(false),
    })
}

pub fn describe(trigger: &Trigger) -> String {
    match &trigger.spec {
        TriggerSpec::Command(c) => {
            let mut text = runner::describe(c);
            if !c.secret_env.is_empty() {
                let vars: Vec<String> = c
                    .secret_env
                    .iter()
                    .map(|s| format!("{} from {}", s.name, s.credential))
                    .collect();
                text.push_str(&format!("; secrets: {}", vars.join(", ")));
            }
            text
        }
        TriggerSpec::Webhook(w) => {
            let mut text = format!("{} {}", w.method, w.url);
            if let Some(poll) = &w.poll {
                text.push_str(&format!(", then polls {} for {}", poll.url, poll.path));
            }
            text
        }
    }
}

fn render_triggers(list: &[Trigger]) -> String {
    if list.is_empty() {
        return "No triggers yet. Add one: golive trigger add --env staging --name \"Deploy\" --kind deploy -- /opt/deploy.sh\n".into();
    }
    let mut out = String::new();
    let mut environment = "";
    for t in list {
        if t.environment != environment {
            environment = &t.environment;
            out.push_str(&format!(
                "{}{}\n",
                t.environment,
                if t.production { " (production)" } else { "" }
            ));
        }
        let mut flags = Vec::new();
        if let Some(timeout) = t.timeout_s {
            flags.push(format!("timeout {timeout} s"));
        }
        if t.auto_rollback {
            flags.push("armed for automatic rollback".into());
        }
        out.push_str(&format!(
            "  {:<10} {:<28} {}{}\n",
            t.action.key(),
            t.name,
            describe(t),
            if flags.is_empty() {
                String::new()
            } else {
                format!("  [{}]", flags.join(", "))
            }
        ));
    }
    out
}

pub fn trigger_command(cx: &mut Context, command: TriggerCommand) -> Result<(), Failure> {
    let launch = cx.launch()?;
    match command {
        TriggerCommand::Add { details, command } => {
            let input = trigger_input(details, command, None)?;
            let trigger = triggers::add(&mut cx.store, &cx.change, &launch.id, &input)?;
            emit(cx.json, &trigger, |t| {
                format!(
                    "Added the {} trigger {}/{}: {}\nRun it: golive deploy {:?}{}\n",
                    t.action.key(),
                    t.environment,
                    t.name,
                    describe(t),
                    format!("{}/{}", t.environment, t.name),
                    if t.production {
                        format!(" --confirm {}", t.environment)
                    } else {
                        String::new()
                    }
                )
            });
        }
        TriggerCommand::Edit {
            trigger,
            details,
            command,
        } => {
            let base = triggers::get(cx.store.conn(), &launch.id, &trigger)?;
            let input = trigger_input(details, command, Some(&base))?;
            let trigger = triggers::edit(&mut cx.store, &cx.change, &launch.id, &base.id, &input)?;
            emit(cx.json, &trigger, |t| {
                format!(
                    "Changed the trigger {}/{}: {}\n",
                    t.environment,
                    t.name,
                    describe(t)
                )
            });
        }
        TriggerCommand::List => {
            let list = triggers::list(cx.store.conn(), &launch.id)?;
            emit(cx.json, &list, |l| render_triggers(l));
        }
        TriggerCommand::Rm { trigger } => {
            let removed = triggers::remove(&mut cx.store, &cx.change, &launch.id, &trigger)?;
            emit(cx.json, &removed, |t| {
                format!(
                    "Removed the trigger {}/{}; its runs stay in the history.\n",
                    t.environment, t.name
                )
            });
        }
    }
    Ok(())
}

/// Prints a run's lines as they are stored: the program's stdout to
/// stdout, its stderr and golive's notes to stderr.
struct Terminal {
    json: bool,
}

impl RunSink for Terminal {
    fn lines(&self, _run_id: &str, lines: chunk::Lines<'_>) {
        let mut out = std::io::stdout().lock();
        let mut err = std::io::stderr().lock();
        for line in lines {
            let _ = match (line.stream, self.json) {
                (_, true) => serde_json::to_string(&serde_json::json!({ "line": line.to_line() }))
                    .map(|text| writeln!(out, "{text}"))
                    .unwrap_or(Ok(())),
                (Stream::Stdout, false) => writeln!(out, "{}", line.text()),
                (Stream::Stderr, false) => writeln!(err, "{}", line.text()),
                (Stream::Golive, false) => writeln!(err, "golive: {}", line.text()),
            };
        }
        let _ = out.flush();
    }
}

fn confirm_in_terminal(
    cx: &Context,
    launch_id: &str,
    args: &DeployArgs,
) -> Result<Option<String>, Failure> {
    if args.confirm.is_some() || !std::io::stdin().is_terminal() {
        return Ok(args.confirm.clone());
    }
    let trigger = triggers::get(cx.store.conn(), launch_id, &args.trigger)?;
    if !trigger.production {
        return Ok(None);
    }
    eprint!(
        "{} is production. Type its name to run {:?}: ",
        trigger.environment, trigger.name
    );
    let mut typed = String::new();
    std::io::stdin()
        .read_line(&mut typed)
        .map_err(|e| invalid(format!("cannot read the confirmation: {e}")))?;
    Ok(Some(typed.trim().to_string()))
}

/// Ctrl-C asks for the run to be cancelled (the program is in its own
/// process group, so the terminal's signal does not reach it); a second
/// Ctrl-C leaves golive at once.
fn cancel_on_ctrl_c(
    store_path: std::path::PathBuf,
    change: golive_core::Change,
    launch_id: String,
    run: Arc<Mutex<Option<String>>>,
) {
    std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        rt.block_on(async {
            let mut asked = false;
            while tokio::signal::ctrl_c().await.is_ok() {
                let id = run.lock().unwrap_or_else(|p| p.into_inner()).clone();
                match (id, asked) {
                    (Some(id), false) => {
                        eprintln!("golive: cancelling the run (TERM, KILL after 5 s); Ctrl-C again to leave now");
                        if let Ok(mut store) = Store::open(&store_path, OpenMode::MustExist) {
                            let _ = runs::request_cancel(&mut store, &change, &launch_id, &id);
                        }
                        asked = true;
                    }
                    _ => std::process::exit(130),
                }
            }
        });
    });
}

pub fn deploy(cx: &mut Context, args: DeployArgs) -> Result<u8, Failure> {
    let launch = cx.launch()?;
    let confirm = confirm_in_terminal(cx, &launch.id, &args)?;
    let request = Request {
        trigger: args.trigger.clone(),
        confirm,
        version: args.version.clone(),
        reason: args.reason.clone(),
        gate_override: args.override_reason.clone(),
        checks_override: args.checks_override_reason.clone(),
        rollback_of: match &args.rollback_of {
            Some(run) => Some(runs::get(cx.store.conn(), &launch.id, run)?.id),
            None => None,
        },
    };
    let current: Arc<Mutex<Option<String>>> = Arc::default();
    cancel_on_ctrl_c(
        cx.store.path().to_path_buf(),
        cx.change.clone(),
        launch.id.clone(),
        current.clone(),
    );
    let json = cx.json;
    let run = start::run(
        cx.store.path(),
        &cx.change.actor,
        &launch.id,
        &request,
        Arc::new(Terminal { json }),
        |run| {
            *current.lock().unwrap_or_else(|p| p.into_inner()) = Some(run.id.clone());
            if !json {
                eprintln!(
                    "golive: run {} of {}/{} started{}",
                    runs::short(&run.id),
                    run.environment,
                    run.trigger_name,
                    run.precheck
                        .as_ref()
                        .map(|p| format!("; pre-deployment checks: {}", p.summary()))
                        .unwrap_or_default()
                );
            }
        },
    )?;
    if json {
        // One JSON object per line: every output line, then the run.
        println!("{}", serde_json::json!({ "run": run }));
    } else {
        eprint!("{}", summary(&run));
    }
    let validated = run.validation_state.as_deref() != Some("failed");
    Ok(if run.state == RunState::Succeeded && validated {
        0
    } else {
        1
    })
}

fn duration(ms: Option<i64>) -> String {
    match ms {
        None => "–".into(),
        Some(ms) if ms < 1000 => format!("{ms} ms"),
        Some(ms) if ms < 120_000 => format!("{:.1} s", ms as f64 / 1000.0),
        Some(ms) => format!("{} min {} s", ms / 60_000, ms % 60_000 / 1000),
    }
}

/// The end of a run in words, with its validation.
fn summary(run: &Run) -> String {
    let mut text = format!(
        "golive: run {} {} ({}) after {}\n",
        runs::short(&run.id),
        run.state.label(),
        run.detail.as_deref().unwrap_or(""),
        duration(run.duration_ms)
    );
    if let Some(validation) = &run.validation {
        text.push_str(&format!(
            "golive: post-deployment validation {}: {}\n",
            run.validation_state.as_deref().unwrap_or("?"),
            validation
                .sweep
                .as_ref()
                .map(|s| s.summary())
                .unwrap_or_default()
        ));
        for step in &validation.steps {
            text.push_str(&format!(
                "golive:   {} {}\n",
                step.trigger,
                step.state.label()
            ));
        }
    }
    text
}

fn render_runs(list: &[Run]) -> String {
    if list.is_empty() {
        return "No runs yet.\n".into();
    }
    let mut out = format!(
        "{:<9} {:<20} {:<12} {:<24} {:<10} {:<12} {:>10}  {}\n",
        "RUN", "STARTED", "ENV", "TRIGGER", "ACTION", "STATE", "DURATION", "BY"
    );
    for run in list {
        let mut flags = Vec::new();
        if run.gate_override.is_some() {
            flags.push("GATE OVERRIDDEN");
        }
        if run.checks_override.is_some() {
            flags.push("CHECKS OVERRIDDEN");
        }
        if run.automatic {
            flags.push("automatic");
        }
        match run.validation_state.as_deref() {
            Some("failed") => flags.push("validation failed"),
            Some("passed") => flags.push("validated"),
            _ => {}
        }
        out.push_str(&format!(
            "{:<9} {:<20} {:<12} {:<24} {:<10} {:<12} {:>10}  {}{}\n",
            runs::short(&run.id),
            &run.started_at[..19.min(run.started_at.len())].replace('T', " "),
            run.environment,
            run.trigger_name,
            run.action.key(),
            run.state.label(),
            duration(run.duration_ms),
            run.started_by,
            if flags.is_empty() {
                String::new()
            } else {
                format!("  [{}]", flags.join(", "))
            }
        ));
    }
    out
}

pub fn runs_command(
    cx: &mut Context,
    environment: Option<String>,
    state: Option<String>,
    action_filter: Option<ActionArg>,
    limit: u32,
) -> Result<(), Failure> {
    let launch = cx.launch()?;
    runs::recover(&mut cx.store, &cx.change)?;
    let environment_id = match environment {
        Some(env) => {
            Some(golive_core::health::environments::get(cx.store.conn(), &launch.id, &env)?.id)
        }
        None => None,
    };
    let state = match state.as_deref() {
        None => None,
        Some(text) => {
            let parsed = RunState::parse(text.trim());
            if parsed.key() != text.trim() {
                return Err(invalid(format!(
                    "{text:?} is not a run state; use running, succeeded, failed, cancelled, timed_out or interrupted"
                )));
            }
            Some(parsed)
        }
    };
    let list = runs::list(
        cx.store.conn(),
        &launch.id,
        &RunFilter {
            environment_id,
            action: action_filter.map(action),
            state,
            limit: Some(limit),
        },
    )?;
    emit(cx.json, &list, |l| render_runs(l));
    Ok(())
}

fn render_run(run: &Run) -> String {
    let mut out = format!(
        "Run {} — {}/{} ({}, {})\n  state:    {} — {}\n  started:  {} by {}\n",
        run.id,
        run.environment,
        run.trigger_name,
        run.action.key(),
        run.kind,
        run.state.label(),
        run.detail.as_deref().unwrap_or(""),
        run.started_at,
        run.started_by
    );
    if let Some(ended) = &run.ended_at {
        out.push_str(&format!(
            "  ended:    {ended} after {}\n",
            duration(run.duration_ms)
        ));
    }
    for (label, value) in [
        ("version", &run.version),
        ("reason", &run.reason),
        ("GATE OVERRIDDEN", &run.gate_override),
        ("CHECKS OVERRIDDEN", &run.checks_override),
        ("deploy", &run.parent_run_id),
    ] {
        if let Some(value) = value {
            out.push_str(&format!("  {label}: {value}\n"));
        }
    }
    if let Some(by) = &run.cancel_requested_by {
        out.push_str(&format!("  cancel requested by {by}\n"));
    }
    if let Some(precheck) = &run.precheck {
        out.push_str(&format!(
            "  pre-deployment checks: {} — {}\n",
            if precheck.passed { "passed" } else { "FAILED" },
            precheck.summary()
        ));
    }
    if let Some(validation) = &run.validation {
        out.push_str(&format!(
            "  validation: {}{}\n",
            run.validation_state.as_deref().unwrap_or("?"),
            validation
                .sweep
                .as_ref()
                .map(|s| format!(" — {}", s.summary()))
                .unwrap_or_default()
        ));
        for step in &validation.steps {
            out.push_str(&format!("    {} {}\n", step.trigger, step.state.label()));
        }
    }
    out.push_str(&format!(
        "  lines:    {} (golive run show {} --log)\n",
        run.line_count,
        runs::short(&run.id)
    ));
    out
}

pub fn run_command(cx: &mut Context, command: RunCommand) -> Result<(), Failure> {
    let launch = cx.launch()?;
    match command {
        RunCommand::Show { run, log } => {
            runs::recover(&mut cx.store, &cx.change)?;
            let run = runs::get(cx.store.conn(), &launch.id, &run)?;
            if log && !cx.json {
                let mut out = std::io::stdout().lock();
                runs::write_log(cx.store.conn(), &run.id, &mut out)?;
            } else if log {
                let lines = runs::lines(cx.store.conn(), &run.id, 0, u32::MAX)?;
                crate::print_json(&serde_json::json!({ "run": run, "lines": lines }));
            } else {
                emit(cx.json, &run, render_run);
            }
        }
        RunCommand::Cancel { run } => {
            let before = runs::get(cx.store.conn(), &launch.id, &run)?;
            let after = runs::request_cancel(&mut cx.store, &cx.change, &launch.id, &before.id)?;
            emit(cx.json, &after, |r| {
                if r.state == RunState::Running {
                    format!(
                        "Asked the golive process running {} to stop it: TERM to its process group, KILL after 5 s.\n",
                        runs::short(&r.id)
                    )
                } else {
                    format!("{}\n", r.detail.as_deref().unwrap_or("Stopped."))
                }
            });
        }
    }
    Ok(())
}

fn render_advice(list: &[watch::Advice]) -> String {
    if list.is_empty() {
        return "No rollback recommended: no critical alert on an environment under watch.\n"
            .into();
    }
    let mut out = String::new();
    for advice in list {
        out.push_str(&format!(
            "{} on {}: {} critical alert(s) since the deploy {} of {:?}{} ({})\n",
            if advice.rollback.is_some() {
                "ROLLBACK STARTED"
            } else {
                "ROLLBACK RECOMMENDED"
            },
            advice.environment,
            advice.alerts.len(),
            runs::short(&advice.deploy.id),
            advice.deploy.trigger_name,
            advice
                .deploy
                .version
                .as_deref()
                .map(|v| format!(" {v}"))
                .unwrap_or_default(),
            advice.deploy.state.label()
        ));
        for alert in &advice.alerts {
            out.push_str(&format!(
                "  {} — {}: {}\n",
                alert.monitor, alert.title, alert.message
            ));
        }
        match &advice.previous {
            Some(previous) => out.push_str(&format!(
                "  rolls back to: {}{} deployed by {} at {}\n",
                previous.trigger_name,
                previous
                    .version
                    .as_deref()
                    .map(|v| format!(" {v}"))
                    .unwrap_or_default(),
                previous.started_by,
                previous.started_at
            )),
            None => out.push_str("  no earlier successful deploy is recorded\n"),
        }
        if let Some(rollback) = &advice.rollback {
            out.push_str(&format!(
                "  rollback {} {} ({}) by {}\n",
                runs::short(&rollback.id),
                rollback.state.label(),
                rollback.trigger_name,
                rollback.started_by
            ));
            continue;
        } else if advice.rollback_triggers.is_empty() {
            out.push_str("  this environment has no rollback trigger; add one with `golive trigger add --kind rollback`\n");
        }
        for trigger in &advice.rollback_triggers {
            out.push_str(&format!(
                "  golive deploy {:?} --rollback-of {} --reason \"…\"{}{}\n",
                format!("{}/{}", trigger.environment, trigger.name),
                runs::short(&advice.deploy.id),
                if advice.production {
                    format!(" --confirm {}", advice.environment)
                } else {
                    String::new()
                },
                if trigger.auto_rollback {
                    "   (armed: the app runs it by itself)"
                } else {
                    ""
                }
            ));
        }
    }
    out
}

/// Exit 1 while a rollback is recommended and none has started, so
/// scripts can wait on it.
pub fn rollback_watch(cx: &mut Context, minutes: Option<u32>) -> Result<u8, Failure> {
    let launch = cx.launch()?;
    if let Some(minutes) = minutes {
        watch::set_watch_minutes(&mut cx.store, &cx.change, minutes)?;
        if !cx.json {
            println!("Critical alerts recommend a rollback for {minutes} minutes after a deploy.");
        }
    }
    let advice = watch::advice(cx.store.conn(), &launch.id, cx.now)?;
    emit(cx.json, &advice, |a| render_advice(a));
    Ok(if advice.iter().all(|a| a.rollback.is_some()) {
        0
    } else {
        1
    })
}
