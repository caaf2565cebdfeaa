//! Running a trigger from start to end, the same way for the app and the
//! command line: the gate and the confirmation, the secrets from the
//! keychain, pre-deployment checks, the environment lock, the run itself,
//! and post-deployment validation after a successful deploy.
//!
//! This is an edge like the scheduler: it runs for minutes, so it reads the
//! clock itself for each step it records.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use serde::Deserialize;

use super::runner::{self, CommandRun, LogWriter};
use super::runs::{
    self, CheckedMonitor, Ended, Run, Start, SweepResult, Validation, ValidationStep,
};
use super::triggers::{self, Trigger, TriggerSpec};
use super::webhook::{self, Vars, WebhookRun};
use super::{Action, RunSink, RunState, gate, mask, process, watch};
use crate::actor::{Actor, Change};
use crate::health::credentials::{self, Credential};
use crate::health::probe::{ProbeVerdict, Prober};
use crate::health::{monitors, record, sweep};
use crate::secrets;
use crate::store::backup::{self, BackupKind};
use crate::store::{OpenMode, Store};
use crate::{Error, Result, format_timestamp, launch};

/// What the person starting a run says.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Request {
    /// The trigger's id, name, or ENV/NAME.
    pub trigger: String,
    /// The environment's name, typed, for a production run.
    pub confirm: Option<String>,
    pub version: Option<String>,
    pub reason: Option<String>,
    /// Why a production deploy goes ahead without GO.
    pub gate_override: Option<String>,
    /// Why a deploy goes ahead although pre-deployment checks fail.
    pub checks_override: Option<String>,
    /// For a rollback: the deploy run it answers (cancelled first if it
    /// still runs).
    pub rollback_of: Option<String>,
}

fn change(actor: &Actor) -> Change {
    Change::new(actor.clone(), Timestamp::now())
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(format!("cannot start the async runtime: {e}")))
}

/// Runs `request` to its end (and, for a deploy that succeeded, its
/// validation). `started` hears about the run as soon as it holds the lock,
/// so a caller can show it live. Errors are refusals before anything ran.
pub fn run(
    store_path: &Path,
    actor: &Actor,
    launch_id: &str,
    request: &Request,
    sink: Arc<dyn RunSink>,
    started: impl FnOnce(&Run),
) -> Result<Run> {
    run_as(store_path, actor, launch_id, request, false, sink, started)
}

/// Runs the rollback trigger a deploy's watch armed, once: the rollback
/// watch found a critical alert and no rollback yet.
pub fn automatic_rollback(
    store_path: &Path,
    actor: &Actor,
    launch_id: &str,
    advice: &watch::Advice,
    trigger: &Trigger,
    sink: Arc<dyn RunSink>,
) -> Result<Run> {
    let titles: Vec<String> = advice
        .alerts
        .iter()
        .map(|a| format!("{}: {}", a.monitor, a.title))
        .collect();
    let request = Request {
        trigger: trigger.id.clone(),
        // Arming the trigger was the confirmation.
        confirm: Some(advice.environment.clone()),
        reason: Some(format!("automatic rollback: {}", titles.join("; "))),
        rollback_of: Some(advice.deploy.id.clone()),
        ..Request::default()
    };
    run_as(store_path, actor, launch_id, &request, true, sink, |_| {})
}

/// Cancels a deploy that still runs and waits for it to end, so its
/// rollback can take the environment's lock.
fn stop_deploy(store: &mut Store, actor: &Actor, launch_id: &str, deploy: &Run) -> Result<()> {
    if deploy.state != RunState::Running {
        return Ok(());
    }
    runs::request_cancel(store, &change(actor), launch_id, &deploy.id)?;
    let deadline = std::time::Instant::now() + runner::GRACE + Duration::from_secs(10);
    while std::time::Instant::now() < deadline {
        runs::recover(store, &change(actor))?;
        if runs::get(store.conn(), launch_id, &deploy.id)?.state != RunState::Running {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(Error::Conflict(format!(
        "the deploy {} did not stop in time for the rollback; try again",
        runs::short(&deploy.id)
    )))
}

fn run_as(
    store_path: &Path,
    actor: &Actor,
    launch_id: &str,
    request: &Request,
    automatic: bool,
    sink: Arc<dyn RunSink>,
    started: impl FnOnce(&Run),
) -> Result<Run> {
    let mut store = Store::open(store_path, OpenMode::MustExist)?;
    // The run's output goes through the WAL; copying it into the database
    // is left to a checkpoint after the run, not to the commit that ends it.
    crate::store::defer_sync_and_checkpoints(store.conn(), 0)?;
    runs::recover(&mut store, &change(actor))?;
    let trigger = triggers::get(store.conn(), launch_id, &request.trigger)?;
    let rollback_of = match &request.rollback_of {
        None => None,
        Some(id) => {
            let deploy = runs::get(store.conn(), launch_id, id)?;
            if trigger.action != Action::Rollback || trigger.environment_id != deploy.environment_id
            {
                return Err(Error::InvalidInput(format!(
                    "{:?} is not a rollback trigger of {}, where the deploy {} ran",
                    trigger.name,
                    deploy.environment,
                    runs::short(&deploy.id)
                )));
            }
            if request
                .reason
                .as_deref()
                .is_none_or(|r| r.trim().is_empty())
            {
                return Err(Error::InvalidInput(
                    "a rollback needs a reason, e.g. \"error rate above 5 % after the deploy\""
                        .into(),
                ));
            }
            Some(deploy)
        }
    };
    let mut gate = gate::gate(store.conn(), launch_id, &trigger)?;
    if let Some(deploy) = &rollback_of
        && gate
            .locked_by
            .as_ref()
            .is_some_and(|holder| holder.id == deploy.id)
    {
        // The deploy being rolled back is stopped below, not a reason to refuse.
        gate.locked_by = None;
    }
    gate::check(
        &gate,
        request.confirm.as_deref(),
        request.gate_override.as_deref(),
    )?;
    if let Some(deploy) = &rollback_of {
        stop_deploy(&mut store, actor, launch_id, deploy)?;
    }
    let secrets = read_secrets(store.conn(), &trigger)?;
    let precheck = if trigger.action == Action::Deploy {
        let result = check_environment(&mut store, actor, launch_id, &trigger.environment_id)?;
        let overridden = request
            .checks_override
            .as_deref()
            .is_some_and(|r| !r.trim().is_empty());
        if !result.passed && !overridden {
            store.write(&change(actor), |tx| {
                tx.audit(
                    Some(launch_id),
                    "run.blocked",
                    &format!("trigger:{}", trigger.id),
                    serde_json::json!({
                        "trigger": trigger.name,
                        "environment": trigger.environment,
                        "precheck": result.summary(),
                    }),
                )
            })?;
            return Err(Error::Conflict(format!(
                "pre-deployment checks failed on {}: {}. Nothing was started. Fix them, or deploy anyway with a reason (--checks-override-reason \"…\")",
                trigger.environment,
                result.summary()
            )));
        }
        Some(result)
    } else {
        None
    };
    let start = Start {
        version: request.version.clone(),
        reason: request.reason.clone(),
        gate_override: request.gate_override.clone().filter(|_| !gate.open()),
        checks_override: request
            .checks_override
            .clone()
            .filter(|_| precheck.as_ref().is_some_and(|p| !p.passed)),
        precheck,
        parent_run_id: rollback_of.as_ref().map(|d| d.id.clone()),
        automatic,
    };
    let run = execute(
        &mut store,
        store_path,
        actor,
        &trigger,
        &start,
        &secrets,
        sink.clone(),
        started,
    );
    let run = match run {
        Ok(run) if run.action == Action::Deploy && run.state == RunState::Succeeded => {
            validate(&mut store, store_path, actor, launch_id, &run, sink)
        }
        other => other,
    };
    checkpoint_later(store_path);
    run
}

/// Checkpoints started after runs that may still be copying.
static CHECKPOINTS: std::sync::Mutex<Vec<std::thread::JoinHandle<()>>> =
    std::sync::Mutex::new(Vec::new());

/// Copies the WAL into the database and syncs it on a thread of its own
/// (PASSIVE: it never waits for or blocks readers and writers). Until then
/// the run's commits survive golive being killed but not a power cut.
fn checkpoint_later(store_path: &Path) {
    let path = store_path.to_path_buf();
    let spawned = std::thread::Builder::new()
        .name("golive-checkpoint".into())
        .spawn(move || {
            process::lower_this_thread();
            if let Ok(conn) = crate::store::connect(&path)
                && let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
            {
                tracing::debug!(error = %e, "the checkpoint after a run did not finish");
            }
        });
    if let (Ok(handle), Ok(mut pending)) = (spawned, CHECKPOINTS.lock()) {
        pending.retain(|h| !h.is_finished());
        pending.push(handle);
    }
}

/// Waits for the checkpoints after runs, so a process that ends right after
/// a run (the command line) leaves its output synced to disk.
pub fn wait_for_checkpoints() {
    let pending = match CHECKPOINTS.lock() {
        Ok(mut pending) => std::mem::take(&mut *pending),
        Err(_) => return,
    };
    for handle in pending {
        let _ = handle.join();
    }
}

/// Takes the lock, runs the trigger, records its end.
#[allow(clippy::too_many_arguments)]
fn execute(
    store: &mut Store,
    store_path: &Path,
    actor: &Actor,
    trigger: &Trigger,
    start: &Start,
    secrets: &HashMap<String, String>,
    sink: Arc<dyn RunSink>,
    started: impl FnOnce(&Run),
) -> Result<Run> {
    let run = runs::begin(store, &change(actor), trigger, start)?;
    tracing::info!(run = %run.id, trigger = %trigger.name, environment = %trigger.environment, "run started");
    started(&run);
    // The copy is taken beside the run, not before it: on a large store it
    // takes seconds a rollback should not wait for. It reads the store as
    // it was when the copy began, before most of the program's output.
    let note_sink = sink.clone();
    let backing_up = {
        let path = store_path.to_path_buf();
        std::thread::Builder::new()
            .name("golive-run-backup".into())
            .spawn(move || {
                process::lower_this_thread();
                backup_before(&path)
            })
    };
    let launch = launch::get(store.conn(), &run.launch_id)?;
    let mut golive_vars = golive_env(&launch.name, &run);
    if run.action == Action::Rollback {
        // What the rollback goes back to: the last successful deploy before
        // the one it answers (or before now).
        let before = match &run.parent_run_id {
            Some(parent) => runs::get(store.conn(), &run.launch_id, parent)?.started_ms,
            None => run.started_ms,
        };
        if let Some(previous) =
            watch::previous_success(store.conn(), &run.launch_id, &run.environment_id, before)?
            && let Some(version) = previous.version
        {
            golive_vars.push(("GOLIVE_ROLLBACK_TO".into(), version));
        }
    }
    let timeout = trigger.timeout_s.map(|s| Duration::from_secs(u64::from(s)));
    let ended = match &trigger.spec {
        TriggerSpec::Command(spec) => {
            let secret_env = spec
                .secret_env
                .iter()
                .map(|var| {
                    (
                        var.name.clone(),
                        secrets.get(&var.credential).cloned().unwrap_or_default(),
                    )
                })
                .collect();
            runner::execute(CommandRun {
                store_path,
                control: store.conn(),
                run: &run,
                spec,
                secret_env,
                golive_env: golive_vars,
                timeout,
                sink,
            })
        }
        TriggerSpec::Webhook(spec) => {
            let credential: Option<(Credential, String)> = match &spec.credential {
                Some(id) => Some((
                    credentials::get(store.conn(), id)?,
                    secrets.get(id).cloned().unwrap_or_default(),
                )),
                None => None,
            };
            let masker = mask::Masker::new(credential.iter().map(|(_, s)| s.as_str()));
            run_webhook(
                store_path,
                &run,
                spec,
                credential,
                masker,
                timeout,
                golive_vars,
                sink,
            )
        }
    };
    let note = match backing_up {
        Ok(thread) => thread.join().unwrap_or_else(|_| {
            "the store could not be backed up for this run (the copy stopped unexpectedly)".into()
        }),
        Err(e) => {
            format!("the store could not be backed up for this run (no thread for the copy: {e})")
        }
    };
    // The run's end is recorded whatever happens to this line.
    if let Err(error) = runner::store_note(store.conn(), &run, &note, note_sink.as_ref()) {
        tracing::warn!(run = %run.id, %error, %note, "the backup note could not be stored");
    }
    let run = runs::finish(store, &change(actor), &run.id, &ended)?;
    tracing::info!(run = %run.id, state = run.state.key(), "run ended");
    Ok(run)
}

/// Copies the store as the run starts, so its state from just before can be
/// restored; the result is the run's last line. A failed copy is said there
/// but does not stop the run: a rollback must not wait on golive's own disk.
fn backup_before(store_path: &Path) -> String {
    let started = std::time::Instant::now();
    match backup::create(store_path, BackupKind::BeforeRun, Timestamp::now()) {
        Ok(copy) => format!(
            "the store as it was when this run started is backed up in {} ({:.1} MB, {:.1} s)",
            copy.path,
            copy.bytes as f64 / 1e6,
            started.elapsed().as_secs_f64()
        ),
        Err(error) => {
            tracing::warn!(%error, "the store could not be backed up before a run");
            format!("the store could not be backed up for this run ({error}); the run went on")
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn run_webhook(
    store_path: &Path,
    run: &Run,
    spec: &triggers::WebhookSpec,
    credential: Option<(Credential, String)>,
    masker: mask::Masker,
    timeout: Option<Duration>,
    golive_vars: Vec<(String, String)>,
    sink: Arc<dyn RunSink>,
) -> Ended {
    let failed = Ended::failed;
    let (writer, log) = match LogWriter::start(store_path, run, masker, sink) {
        Ok(pair) => pair,
        Err(e) => {
            return failed(format!(
                "could not open the store for the run's output: {e}"
            ));
        }
    };
    let control = match crate::store::connect(store_path) {
        Ok(conn) => std::sync::Mutex::new(conn),
        Err(e) => return failed(format!("could not open the store: {e}")),
    };
    let cancel = || {
        let conn = control.lock().unwrap_or_else(|p| p.into_inner());
        runs::cancel_requested(&conn, &run.id).ok().flatten()
    };
    let vars = Vars {
        pairs: golive_vars
            .into_iter()
            .filter_map(|(name, value)| {
                let key = name.strip_prefix("GOLIVE_")?.to_ascii_lowercase();
                crate::deploy::triggers::TEMPLATE_VARIABLES
                    .iter()
                    .find(|v| **v == key)
                    .map(|v| (*v, value))
            })
            .collect(),
    };
    let ended = match runtime() {
        Ok(rt) => rt.block_on(webhook::execute(WebhookRun {
            spec,
            vars,
            credential,
            timeout,
            log,
            cancel_requested: &cancel,
        })),
        Err(e) => failed(e.to_string()),
    };
    match writer.finish() {
        Ok(_) => ended,
        Err(e) => failed(format!("{}; {e}", ended.detail)),
    }
}

/// What every run's program is told about itself.
fn golive_env(launch_name: &str, run: &Run) -> Vec<(String, String)> {
    let mut env = vec![
        ("GOLIVE_RUN_ID".to_string(), run.id.clone()),
        ("GOLIVE_LAUNCH".to_string(), launch_name.to_string()),
        ("GOLIVE_ENVIRONMENT".to_string(), run.environment.clone()),
        ("GOLIVE_TRIGGER".to_string(), run.trigger_name.clone()),
        ("GOLIVE_ACTION".to_string(), run.action.key().to_string()),
        ("GOLIVE_STARTED_BY".to_string(), run.started_by.clone()),
    ];
    if let Some(version) = &run.version {
        env.push(("GOLIVE_VERSION".into(), version.clone()));
    }
    if let Some(reason) = &run.reason {
        env.push(("GOLIVE_REASON".into(), reason.clone()));
    }
    env
}

/// The secrets a trigger needs, read now; a secret that cannot be read or
/// is too short to mask stops the run before it starts.
fn read_secrets(conn: &rusqlite::Connection, trigger: &Trigger) -> Result<HashMap<String, String>> {
    let mut found = HashMap::new();
    for id in trigger.spec.credentials() {
        credentials::get(conn, &id)?;
        let secret = secrets::get(&id).map_err(|e| {
            Error::KeychainUnavailable(format!(
                "the secret of the credential {id:?} that {:?} needs cannot be read: {e}. Nothing was started.",
                trigger.name
            ))
        })?;
        mask::check_secret_length(&format!("the credential {id:?}"), &secret)?;
        found.insert(id, secret);
    }
    Ok(found)
}

/// One sweep of the environment's monitors, recorded like any probe.
pub fn check_environment(
    store: &mut Store,
    actor: &Actor,
    launch_id: &str,
    environment_id: &str,
) -> Result<SweepResult> {
    let mut list = monitors::list(store.conn(), launch_id)?;
    list.retain(|m| m.environment_id == environment_id);
    if list.is_empty() {
        return Ok(SweepResult {
            at: format_timestamp(Timestamp::now()),
            passed: true,
            monitors: Vec::new(),
        });
    }
    let wanted = sweep::credentials_of(store.conn(), &list)?;
    let outcomes = runtime()?.block_on(async {
        let secrets = sweep::read_secrets(wanted).await;
        sweep::sweep(&Prober::new(), &list, &secrets, sweep::Limits::default()).await
    });
    record::store(store, &change(actor), &outcomes)?;
    let monitors: Vec<CheckedMonitor> = list
        .iter()
        .zip(&outcomes)
        .map(|(m, o)| CheckedMonitor {
            name: m.name.clone(),
            verdict: o.verdict,
            detail: o.detail.clone(),
            latency_ms: o.latency_ms,
        })
        .collect();
    let passed = monitors
        .iter()
        .all(|m| matches!(m.verdict, ProbeVerdict::Pass | ProbeVerdict::Warn));
    Ok(SweepResult {
        at: format_timestamp(Timestamp::now()),
        passed,
        monitors,
    })
}

/// Post-deployment validation: a sweep of the environment's monitors, then
/// each validation trigger of the environment in turn. Attached to the deploy run.
fn validate(
    store: &mut Store,
    store_path: &Path,
    actor: &Actor,
    launch_id: &str,
    deploy: &Run,
    sink: Arc<dyn RunSink>,
) -> Result<Run> {
    let validators: Vec<Trigger> = triggers::list(store.conn(), launch_id)?
        .into_iter()
        .filter(|t| t.environment_id == deploy.environment_id && t.action == Action::Validation)
        .collect();
    let monitored = monitors::list(store.conn(), launch_id)?
        .iter()
        .any(|m| m.environment_id == deploy.environment_id);
    if validators.is_empty() && !monitored {
        // Nothing to validate with: saying "passed" would be a lie.
        return Ok(deploy.clone());
    }
    set_validation(store, actor, deploy, "running", None)?;
    let sweep = check_environment(store, actor, launch_id, &deploy.environment_id)?;
    let mut steps = Vec::new();
    for trigger in validators {
        let start = Start {
            version: deploy.version.clone(),
            parent_run_id: Some(deploy.id.clone()),
            automatic: true,
            ..Start::default()
        };
        let state = match read_secrets(store.conn(), &trigger).and_then(|secrets| {
            execute(
                store,
                store_path,
                actor,
                &trigger,
                &start,
                &secrets,
                sink.clone(),
                |_| {},
            )
        }) {
            Ok(run) => ValidationStep {
                trigger: trigger.name.clone(),
                run_id: run.id,
                state: run.state,
            },
            Err(e) => {
                tracing::warn!(trigger = %trigger.name, error = %e, "a validation trigger could not run");
                ValidationStep {
                    trigger: format!("{} (could not run: {e})", trigger.name),
                    run_id: String::new(),
                    state: RunState::Failed,
                }
            }
        };
        steps.push(state);
    }
    let passed = sweep.passed && steps.iter().all(|s| s.state == RunState::Succeeded);
    let validation = Validation {
        sweep: Some(sweep),
        steps,
    };
    set_validation(
        store,
        actor,
        deploy,
        if passed { "passed" } else { "failed" },
        Some(&validation),
    )?;
    runs::get(store.conn(), launch_id, &deploy.id)
}

fn set_validation(
    store: &mut Store,
    actor: &Actor,
    deploy: &Run,
    state: &str,
    validation: Option<&Validation>,
) -> Result<()> {
    store.write(&change(actor), |tx| {
        tx.execute(
            "UPDATE runs SET validation_state = ?2, validation_json = ?3 WHERE id = ?1",
            rusqlite::params![
                deploy.id,
                state,
                validation.map(|v| serde_json::to_string(v).unwrap_or_default())
            ],
        )?;
        if let Some(validation) = validation {
            tx.audit(
                Some(&deploy.launch_id),
                "run.validation",
                &format!("run:{}", deploy.id),
                serde_json::json!({
                    "state": state,
                    "sweep": validation.sweep.as_ref().map(SweepResult::summary),
                    "steps": validation.steps,
                }),
            )?;
        }
        Ok(())
    })
}
