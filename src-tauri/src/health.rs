//! The app's live health: the scheduler probing every monitor while the
//! window is open, the `health-changed` event after each stored batch, the
//! desktop notifications of raised and resolved alerts, and the in-app demo
//! platform behind "Try the demo".
//!
//! All of it starts after the window is up, so nothing here delays first paint.

use std::sync::{Arc, Mutex};

use golive_core::health::alerts;
use golive_core::health::scheduler::Scheduler;
use golive_core::health::sweep::Limits;
use golive_demo::platform::Platform;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_notification::NotificationExt;

use crate::state::AppState;

/// The health parts of the app's state.
#[derive(Default)]
pub struct HealthRuntime {
    scheduler: Mutex<Option<Scheduler>>,
    /// The demo platform, when the app started one.
    pub demo: Mutex<Option<Platform>>,
}

impl HealthRuntime {
    /// Monitors or credentials changed.
    pub fn reload(&self) {
        if let Ok(scheduler) = self.scheduler.lock()
            && let Some(scheduler) = scheduler.as_ref()
        {
            scheduler.reload();
        }
    }

    pub fn probe_now(&self) {
        if let Ok(scheduler) = self.scheduler.lock()
            && let Some(scheduler) = scheduler.as_ref()
        {
            scheduler.probe_now();
        }
    }
}

/// What the window hears after a batch of results was stored.
#[derive(Clone, Serialize)]
struct HealthChanged {
    results: usize,
    transitions: usize,
    alerts: usize,
}

/// Starts the scheduler (and the demo platform, when the store has a demo
/// launch) on the async runtime.
pub fn start(app: AppHandle) {
    let Some(_) = app.state::<AppState>().store() else {
        return;
    };
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let path = state.store_path.clone();
        let actor = golive_core::Actor::anonymous("golive");
        if let Err(error) = crate::commands::health::resume_demo(&app).await {
            tracing::warn!(message = %error.message, "the demo platform could not be restarted");
        }
        let emitter = app.clone();
        let scheduler = Scheduler::start(
            path,
            actor,
            Limits::default(),
            Arc::new(move |recorded, results| {
                let _ = emitter.emit(
                    "health-changed",
                    HealthChanged {
                        results,
                        transitions: recorded.transitions.len(),
                        alerts: recorded.alerts.len(),
                    },
                );
                if !recorded.alerts.is_empty() {
                    notify_pending(emitter.clone());
                    // A critical alert may call for an armed rollback.
                    let app = emitter.clone();
                    tauri::async_runtime::spawn_blocking(move || {
                        app.state::<crate::deploy::DeployRuntime>()
                            .roll_back_if_armed(&app);
                    });
                }
            }),
        );
        if let Ok(mut slot) = app.state::<HealthRuntime>().scheduler.lock() {
            *slot = Some(scheduler);
        }
        // Alerts raised or resolved while the app was closed (by `golive check`).
        notify_pending(app.clone());
    });
}

/// Shows a desktop notification for every raise and resolve not shown yet,
/// and marks each as shown or failed so none repeats and none is lost.
pub fn notify_pending(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let pending = state
            .with_store(|store, _| alerts::pending_notifications(store.conn()))
            .await;
        let pending = match pending {
            Ok(pending) => pending,
            Err(error) => return tracing::warn!(?error, "pending notifications could not be read"),
        };
        for item in pending {
            let alert = &item.alert;
            let (title, body) = if item.event == "raised" {
                (
                    format!("{}: {}", alert.severity.to_uppercase(), alert.title),
                    format!("{}/{}: {}", alert.environment, alert.monitor, alert.message),
                )
            } else {
                (
                    format!("Resolved: {}", alert.title),
                    format!("{}/{} recovered.", alert.environment, alert.monitor),
                )
            };
            let shown = app
                .notification()
                .builder()
                .title(&title)
                .body(&body)
                .show();
            if let Err(error) = &shown {
                tracing::warn!(%error, alert = %alert.id, "the desktop notification could not be shown");
            }
            let (id, event, ok) = (alert.id.clone(), item.event.clone(), shown.is_ok());
            let marked = state
                .with_store(move |store, _| alerts::mark_notified(store, &id, &event, ok))
                .await;
            if let Err(error) = marked {
                tracing::warn!(?error, "a notification could not be marked");
            }
        }
        let _ = app.emit(
            "health-changed",
            HealthChanged {
                results: 0,
                transitions: 0,
                alerts: 0,
            },
        );
    });
}
