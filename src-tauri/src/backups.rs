//! The day's copy of the store while the app is open: shortly after
//! start-up and then every hour, a copy is taken when the newest daily one
//! is a day old (`golive_core::store::backup::daily_if_due`);
//! `backups-changed` tells the window.

use std::path::PathBuf;
use std::time::Duration;

use golive_core::store::backup;
use tauri::{AppHandle, Emitter};

/// Not at once: the window's first screens come first.
const FIRST_LOOK: Duration = Duration::from_secs(10);
const LOOK_EVERY: Duration = Duration::from_secs(3600);

pub fn keep_daily(app: AppHandle, store_path: PathBuf) {
    let spawned = std::thread::Builder::new()
        .name("golive-daily-backup".into())
        .spawn(move || {
            std::thread::sleep(FIRST_LOOK);
            loop {
                match backup::daily_if_due(&store_path, jiff::Timestamp::now()) {
                    Ok(Some(copy)) => {
                        tracing::info!(path = %copy.path, "daily backup taken");
                        let _ = app.emit("backups-changed", copy.path);
                    }
                    Ok(None) => {}
                    Err(error) => tracing::warn!(%error, "the daily backup could not be taken"),
                }
                std::thread::sleep(LOOK_EVERY);
            }
        });
    if let Err(error) = spawned {
        tracing::error!(%error, "no thread for the daily backup");
    }
}
