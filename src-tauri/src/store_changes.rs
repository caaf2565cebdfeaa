//! Tells the window when another process (the `golive` CLI, a second app)
//! changed the store, so it can reload: the `store-changed` event.

use std::time::Duration;

use golive_core::watch::ChangeWatch;
use tauri::{AppHandle, Emitter, Manager};

use crate::state::AppState;

/// How often `PRAGMA data_version` is read: the window follows a CLI change
/// within about half a second, at the cost of one tiny query.
const POLL: Duration = Duration::from_millis(400);

pub fn watch(app: AppHandle) {
    let path = app.state::<AppState>().store_path.clone();
    let spawned = std::thread::Builder::new().name("store-changes".into()).spawn(move || {
        let mut watch = match ChangeWatch::open(&path) {
            Ok(watch) => watch,
            Err(error) => {
                tracing::warn!(%error, "changes from other programs will not show until restart");
                return;
            }
        };
        loop {
            std::thread::sleep(POLL);
            match watch.changed() {
                Ok(true) => {
                    if let Err(error) = app.emit("store-changed", ()) {
                        tracing::warn!(%error, "could not tell the window about a store change");
                    }
                }
                Ok(false) => {}
                Err(error) => tracing::warn!(%error, "could not check the store for changes"),
            }
        }
    });
    if let Err(error) = spawned {
        tracing::warn!(%error, "could not start watching the store for changes");
    }
}
