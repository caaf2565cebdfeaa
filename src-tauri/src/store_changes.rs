//! Tells the window when another process (the `golive` CLI, a second app)
//! changed the store, so it can reload: the `store-changed` event. The
//! window's own changes are not reported; it reloads after them itself.

use std::time::Duration;

use golive_core::watch::ChangeWatch;
use tauri::{AppHandle, Emitter, Manager};

use crate::state::AppState;

/// How often `PRAGMA data_version` is read: the window follows a CLI change
/// within about half a second, at the cost of one tiny query.
const POLL: Duration = Duration::from_millis(400);

pub fn watch(app: AppHandle) {
    // Without a store there is nothing to watch; the window shows why.
    let Some(store) = app.state::<AppState>().store() else {
        return;
    };
    let spawned = std::thread::Builder::new()
        .name("store-changes".into())
        .spawn(move || {
            let started = match store.lock() {
                Ok(store) => ChangeWatch::new(&store),
                Err(_) => return tracing::warn!("the store lock is poisoned; not watching for changes"),
            };
            let mut watch = match started {
                Ok(watch) => watch,
                Err(error) => {
                    return tracing::warn!(%error, "changes from other programs will not show until restart");
                }
            };
            loop {
                std::thread::sleep(POLL);
                let changed = match store.lock() {
                    Ok(store) => watch.changed(&store),
                    Err(_) => {
                        tracing::warn!("the store lock is poisoned; no longer watching for changes");
                        return;
                    }
                };
                match changed {
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
