//! The store's copies: the list, a copy now, how many are kept, checking a
//! file and restoring it. Daily copies are taken by `backups::keep_daily`.

use golive_core::store::backup::{self, Backup, BackupKind, Restored, StoreSummary};
use serde::Serialize;
use tauri::State;

use crate::CommandError;
use crate::state::{AppState, change_now};

/// The backups folder and what it holds.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct Backups {
    pub folder: String,
    pub keep: u32,
    pub copies: Vec<Backup>,
    /// The store as it is, for the restore confirmation.
    pub current: StoreSummary,
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn list_backups(state: State<'_, AppState>) -> Result<Backups, CommandError> {
    let path = state.store_path.clone();
    state
        .with_store(move |store, _| {
            Ok(Backups {
                folder: backup::folder(&path).display().to_string(),
                keep: backup::keep(store.conn())?,
                copies: backup::list(&path)?,
                current: backup::describe(&path)?,
            })
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn create_backup(state: State<'_, AppState>) -> Result<Backup, CommandError> {
    state.writable()?;
    let path = state.store_path.clone();
    // On its own connection: the copy does not hold the app's store.
    tauri::async_runtime::spawn_blocking(move || {
        backup::create(&path, BackupKind::Manual, jiff::Timestamp::now())
    })
    .await
    .map_err(|e| CommandError::internal(format!("the backup task failed: {e}")))?
    .map_err(CommandError::from)
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn set_backup_keep(state: State<'_, AppState>, count: u32) -> Result<(), CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            backup::set_keep(store, &change, count)
        })
        .await
}

/// What a file holds, checked as a restore checks it (nothing is changed).
#[tauri::command]
#[tracing::instrument(err(Debug))]
pub async fn check_backup(path: String) -> Result<StoreSummary, CommandError> {
    tauri::async_runtime::spawn_blocking(move || backup::check(std::path::Path::new(&path)))
        .await
        .map_err(|e| CommandError::internal(format!("the check failed: {e}")))?
        .map_err(CommandError::from)
}

/// Replaces the store with the copy at `path`. The app's own connection is
/// held meanwhile, so nothing of the window writes half-way through; the
/// window reloads when `store-changed` reports the new content.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn restore_backup(
    state: State<'_, AppState>,
    path: String,
) -> Result<Restored, CommandError> {
    state.writable()?;
    let store_path = state.store_path.clone();
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            backup::restore(&store_path, std::path::Path::new(&path), &change)
        })
        .await
}
