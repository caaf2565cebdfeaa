//! The app's deployment runtime: runs started from the window go on in
//! their own threads, runs a crash left behind are marked interrupted at
//! start-up, and the rollback watch runs armed rollbacks after each health
//! batch. `deploy-changed` tells the window a run started or ended.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use golive_core::Actor;
use golive_core::deploy::runs::{self, Run};
use golive_core::deploy::start::{self, Request};
use golive_core::deploy::{NoSink, watch};
use tauri::{AppHandle, Emitter, Manager};

use crate::CommandError;
use crate::state::AppState;

#[derive(Default)]
pub struct DeployRuntime {
    /// Deploys an automatic rollback was started for by this app.
    rolled_back: Mutex<HashSet<String>>,
}

impl DeployRuntime {
    /// Runs `request` on its own thread; answers once the run holds the lock
    /// (or was refused).
    pub async fn start(
        &self,
        app: AppHandle,
        store_path: PathBuf,
        actor: Actor,
        launch_id: String,
        request: Request,
    ) -> Result<Run, CommandError> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Run, CommandError>>(1);
        let tx = Arc::new(Mutex::new(Some(tx)));
        let started = tx.clone();
        let emitter = app.clone();
        std::thread::Builder::new()
            .name("golive-run".into())
            .spawn(move || {
                let result = start::run(
                    &store_path,
                    &actor,
                    &launch_id,
                    &request,
                    Arc::new(NoSink),
                    |run| {
                        let _ = emitter.emit("deploy-changed", run.id.clone());
                        if let Some(tx) = started.lock().ok().and_then(|mut t| t.take()) {
                            let _ = tx.send(Ok(run.clone()));
                        }
                    },
                );
                match result {
                    Ok(run) => {
                        let _ = app.emit("deploy-changed", run.id);
                    }
                    Err(error) => {
                        // Refused before it started: the window hears why.
                        if let Some(tx) = tx.lock().ok().and_then(|mut t| t.take()) {
                            let _ = tx.send(Err(CommandError::from(error)));
                        } else {
                            tracing::error!(%error, "a run could not be finished");
                            let _ = app.emit("deploy-changed", String::new());
                        }
                    }
                }
            })
            .map_err(|e| {
                CommandError::internal(format!("cannot start a thread for the run: {e}"))
            })?;
        tauri::async_runtime::spawn_blocking(move || rx.recv())
            .await
            .map_err(|e| CommandError::internal(format!("waiting for the run failed: {e}")))?
            .map_err(|_| CommandError::internal("the run stopped before it started"))?
    }

    /// Starts the armed rollbacks the watch calls for, once per deploy.
    pub fn roll_back_if_armed(&self, app: &AppHandle) {
        let state = app.state::<AppState>();
        let Some(store) = state.store() else {
            return;
        };
        let due = {
            let Ok(store) = store.lock() else { return };
            let now = jiff::Timestamp::now();
            let launches = golive_core::launch::list(store.conn()).unwrap_or_default();
            let mut due = Vec::new();
            for launch in launches.into_iter().filter(|l| l.closed_at.is_none()) {
                match watch::automatic_rollbacks_due(store.conn(), &launch.id, now) {
                    Ok(found) => due.extend(found.into_iter().map(|d| (launch.id.clone(), d))),
                    Err(error) => tracing::warn!(%error, "the rollback watch could not be read"),
                }
            }
            due
        };
        for (launch_id, (advice, trigger)) in due {
            let fresh = self
                .rolled_back
                .lock()
                .map(|mut seen| seen.insert(advice.deploy.id.clone()))
                .unwrap_or(false);
            if !fresh {
                continue;
            }
            tracing::warn!(deploy = %advice.deploy.id, trigger = %trigger.name, "automatic rollback");
            let (path, app) = (state.store_path.clone(), app.clone());
            std::thread::spawn(move || {
                let _ = app.emit("deploy-changed", advice.deploy.id.clone());
                let result = start::automatic_rollback(
                    &path,
                    &Actor::anonymous("golive (automatic rollback)"),
                    &launch_id,
                    &advice,
                    &trigger,
                    Arc::new(NoSink),
                );
                if let Err(error) = result {
                    tracing::error!(%error, "the automatic rollback could not start");
                }
                let _ = app.emit("deploy-changed", advice.deploy.id.clone());
            });
        }
    }
}

/// At start-up: runs a crash left as running become interrupted (their
/// lines kept, a live process group reported).
pub fn recover(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let recovered = state
            .with_store(|store, user| {
                let change = crate::state::change_now(store, user)?;
                runs::recover(store, &change)
            })
            .await;
        match recovered {
            Ok(list) if !list.is_empty() => {
                tracing::warn!(
                    count = list.len(),
                    "runs interrupted by the last stop were marked"
                );
                let _ = app.emit("deploy-changed", String::new());
            }
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(message = %error.message, "interrupted runs could not be marked")
            }
        }
    });
}
