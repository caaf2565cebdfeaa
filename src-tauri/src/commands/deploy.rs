//! Deploying from the app: triggers, the gate, starting and cancelling
//! runs, following a run's log over a channel, the history, the rollback
//! watch. Every rule lives in `golive_core::deploy`; these commands only
//! unpack, call and convert.

use std::time::Duration;

use golive_core::deploy::RunState;
use golive_core::deploy::gate::{self, Gate};
use golive_core::deploy::runs::{self, LogSearch, Run, RunFilter, SweepResult};
use golive_core::deploy::start::{self, Request};
use golive_core::deploy::triggers::{self, Trigger, TriggerInput};
use golive_core::deploy::watch::{self, Advice};
use golive_core::health::credentials::{self, Credential};
use golive_core::health::environments::{self, Environment};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_clipboard_manager::ClipboardExt;

use crate::CommandError;
use crate::deploy::DeployRuntime;
use crate::state::{AppState, change_now};

/// A trigger with what the Deploy view shows beside it.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct TriggerView {
    pub trigger: Trigger,
    pub gate: Gate,
    /// The average of its earlier successful runs, for the progress estimate.
    #[ts(type = "number | null")]
    pub average_ms: Option<i64>,
    /// The program and arguments (or webhook) in words.
    pub summary: String,
}

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct DeployEnvironment {
    pub environment: Environment,
    pub triggers: Vec<TriggerView>,
    pub running: Option<Run>,
}

/// Everything the Deploy view shows at once.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct DeployOverview {
    pub environments: Vec<DeployEnvironment>,
    pub runs: Vec<Run>,
    pub advice: Vec<Advice>,
    pub watch_minutes: u32,
    pub credentials: Vec<Credential>,
}

fn summary(trigger: &Trigger) -> String {
    match &trigger.spec {
        triggers::TriggerSpec::Command(c) => golive_core::deploy::runner::describe(c),
        triggers::TriggerSpec::Webhook(w) => match &w.poll {
            Some(poll) => format!("{} {} · polls {}", w.method, w.url, poll.url),
            None => format!("{} {}", w.method, w.url),
        },
    }
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn deploy_overview(
    state: State<'_, AppState>,
    launch_id: String,
    filter: Option<RunFilter>,
) -> Result<DeployOverview, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            runs::recover(store, &change)?;
            let conn = store.conn();
            let all = triggers::list(conn, &launch_id)?;
            let decision = golive_core::signoff::decision(conn, &launch_id)?;
            let mut environments = Vec::new();
            for environment in environments::list(conn, &launch_id)? {
                let mut views = Vec::new();
                for trigger in all.iter().filter(|t| t.environment_id == environment.id) {
                    views.push(TriggerView {
                        gate: gate::gate_with(conn, &decision, trigger)?,
                        average_ms: runs::average_ms(conn, &trigger.id)?,
                        summary: summary(trigger),
                        trigger: trigger.clone(),
                    });
                }
                environments.push(DeployEnvironment {
                    running: runs::running_in(conn, &environment.id)?,
                    triggers: views,
                    environment,
                });
            }
            Ok(DeployOverview {
                environments,
                runs: runs::list(conn, &launch_id, &filter.unwrap_or_default())?,
                advice: watch::advice(conn, &launch_id, change.at)?,
                watch_minutes: watch::watch_minutes(conn)?,
                credentials: credentials::list(conn)?,
            })
        })
        .await
}

/// Adds a trigger, or changes the one with `id`.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn save_trigger(
    state: State<'_, AppState>,
    launch_id: String,
    id: Option<String>,
    input: TriggerInput,
) -> Result<Trigger, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            match id {
                Some(id) => triggers::edit(store, &change, &launch_id, &id, &input),
                None => triggers::add(store, &change, &launch_id, &input),
            }
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn remove_trigger(
    state: State<'_, AppState>,
    launch_id: String,
    id: String,
) -> Result<(), CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            triggers::remove(store, &change, &launch_id, &id).map(|_| ())
        })
        .await
}

/// Starts a run (the gate, confirmation and checks are the core's) and
/// returns it once it holds the environment's lock; it goes on in the
/// background. Refusals come back as errors and nothing runs.
#[tauri::command]
#[tracing::instrument(skip(app, state, deploy), err(Debug))]
pub async fn start_run(
    app: AppHandle,
    state: State<'_, AppState>,
    deploy: State<'_, DeployRuntime>,
    launch_id: String,
    request: Request,
) -> Result<Run, CommandError> {
    state.writable()?;
    let actor = state
        .with_store(|store, user| golive_core::actor::load(store, user))
        .await?;
    deploy
        .start(app, state.store_path.clone(), actor, launch_id, request)
        .await
}

/// Reports how many lines a run has stored, each time it grows (at most
/// every [`POLL`]) and once more when the run has ended. The view fetches
/// the lines it shows with [`run_lines`]: a million-line run costs the
/// webview the forty lines on screen, not the million. Works for runs
/// started by the app, by `golive deploy` in a terminal, or before a restart.
#[tauri::command]
#[tracing::instrument(skip(state, on_progress), err(Debug))]
pub async fn follow_run(
    state: State<'_, AppState>,
    run_id: String,
    on_progress: Channel<LogProgress>,
) -> Result<(), CommandError> {
    let path = state.store_path.clone();
    let reviewing = state.review.is_some();
    tauri::async_runtime::spawn_blocking(move || follow(&path, reviewing, &run_id, &on_progress))
        .await
        .map_err(|e| CommandError::internal(format!("following the run failed: {e}")))?
        .map_err(CommandError::from)
}

/// A followed run's stored line count, and whether it has ended (then
/// the count is final).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct LogProgress {
    #[ts(type = "number")]
    pub lines: u64,
    pub ended: bool,
}

/// How often a running run is looked at for new lines: the live log moves
/// twenty times a second.
const POLL: Duration = Duration::from_millis(50);

fn follow(
    path: &std::path::Path,
    reviewing: bool,
    run_id: &str,
    channel: &Channel<LogProgress>,
) -> golive_core::Result<()> {
    let conn = if reviewing {
        golive_core::store::connect_read_only(path)?
    } else {
        golive_core::store::connect(path)?
    };
    let mut sent = None;
    loop {
        let (state, lines) = conn.query_row(
            "SELECT state, line_count FROM runs WHERE id = ?1",
            [run_id],
            |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)),
        )?;
        // A reviewed record does not move: what it holds is final.
        let progress = LogProgress {
            lines: lines.max(0) as u64,
            ended: reviewing || state != RunState::Running.key(),
        };
        if sent != Some(progress) {
            if channel.send(progress).is_err() {
                // The view went away.
                return Ok(());
            }
            sent = Some(progress);
        }
        if progress.ended {
            return Ok(());
        }
        std::thread::sleep(POLL);
    }
}

/// Consecutive lines of a run's log from `first_seq`, as one text (lines
/// joined by `\n`, which no line contains) and one stream letter per line
/// (`g` golive, `o` stdout, `e` stderr).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct LineBatch {
    #[ts(type = "number")]
    pub first_seq: u64,
    pub count: u32,
    pub streams: String,
    pub text: String,
}

/// Most lines one [`run_lines`] call returns: a few screens.
const MOST_LINES: u32 = 2_000;

/// The run's lines from sequence `from_seq` on, at most `count` of them
/// (and at most [`MOST_LINES`]), read in place from the stored rows.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn run_lines(
    state: State<'_, AppState>,
    run_id: String,
    from_seq: u64,
    count: u32,
) -> Result<LineBatch, CommandError> {
    state
        .with_store(move |store, _| {
            let mut batch = LineBatch {
                first_seq: from_seq,
                count: 0,
                streams: String::new(),
                text: String::new(),
            };
            runs::each_line(
                store.conn(),
                &run_id,
                from_seq,
                count.min(MOST_LINES),
                |line| {
                    if batch.count == 0 {
                        batch.first_seq = line.seq;
                    } else {
                        batch.text.push('\n');
                    }
                    batch.count += 1;
                    batch.text.push_str(&line.text());
                    batch.streams.push(match line.stream {
                        golive_core::deploy::Stream::Golive => 'g',
                        golive_core::deploy::Stream::Stdout => 'o',
                        golive_core::deploy::Stream::Stderr => 'e',
                    });
                },
            )?;
            Ok(batch)
        })
        .await
}

/// Most matches a search of a log returns.
const MOST_MATCHES: usize = 10_000;

/// The lines of a run's log containing `query`, ignoring case (the stored
/// log so far, for a running run).
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn search_run_log(
    state: State<'_, AppState>,
    run_id: String,
    query: String,
) -> Result<LogSearch, CommandError> {
    state
        .with_store(move |store, _| runs::search(store.conn(), &run_id, &query, MOST_MATCHES))
        .await
}

/// Puts a run's whole log on the clipboard as text; returns how many lines.
#[tauri::command]
#[tracing::instrument(skip(app, state), err(Debug))]
pub async fn copy_run_log(
    app: AppHandle,
    state: State<'_, AppState>,
    run_id: String,
) -> Result<u64, CommandError> {
    let (text, lines) = state
        .with_store(move |store, _| {
            let mut out = Vec::new();
            runs::write_log(store.conn(), &run_id, &mut out)?;
            let lines = out.iter().filter(|&&b| b == b'\n').count() as u64;
            Ok((String::from_utf8_lossy(&out).into_owned(), lines))
        })
        .await?;
    app.clipboard().write_text(text).map_err(|e| {
        CommandError::internal(format!(
            "could not put the log on the clipboard: {e}. Use Download instead."
        ))
    })?;
    Ok(lines)
}

/// Writes a run's whole log as text to `path` (picked with the save dialog).
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn save_run_log(
    state: State<'_, AppState>,
    run_id: String,
    path: String,
) -> Result<String, CommandError> {
    state
        .with_store(move |store, _| {
            let file = std::fs::File::create(&path).map_err(|e| {
                golive_core::Error::InvalidInput(format!(
                    "cannot write the log to {path}: {e}. Pick a folder you can write to."
                ))
            })?;
            let mut out = std::io::BufWriter::new(file);
            runs::write_log(store.conn(), &run_id, &mut out)?;
            std::io::Write::flush(&mut out).map_err(|e| {
                golive_core::Error::InvalidInput(format!("cannot write the log to {path}: {e}"))
            })?;
            Ok(path)
        })
        .await
}

/// Cancels a running run, or stops what an interrupted run left running.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn cancel_run(
    state: State<'_, AppState>,
    launch_id: String,
    run_id: String,
) -> Result<Run, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            runs::request_cancel(store, &change, &launch_id, &run_id)
        })
        .await
}

/// A sweep of an environment's monitors now: what the pre-deployment
/// checks will see.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn check_environment(
    state: State<'_, AppState>,
    launch_id: String,
    environment_id: String,
) -> Result<SweepResult, CommandError> {
    state
        .with_store(move |store, user| {
            let actor = golive_core::actor::load(store, user)?;
            start::check_environment(store, &actor, &launch_id, &environment_id)
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn set_rollback_watch(
    state: State<'_, AppState>,
    minutes: u32,
) -> Result<(), CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            watch::set_watch_minutes(store, &change, minutes)
        })
        .await
}
