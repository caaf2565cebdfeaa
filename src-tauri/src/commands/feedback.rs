//! The user feedback log: the entries with their stats, add or save, a
//! status change, a help desk's CSV export through the file dialog.

use golive_core::feedback::{
    self, Feedback, FeedbackImport, FeedbackInput, FeedbackStats, FeedbackStatus,
};
use serde::Serialize;
use tauri::State;

use crate::CommandError;
use crate::state::{AppState, change_now};

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct FeedbackOverview {
    pub entries: Vec<Feedback>,
    pub stats: FeedbackStats,
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn feedback_overview(
    state: State<'_, AppState>,
    launch_id: String,
) -> Result<FeedbackOverview, CommandError> {
    state
        .with_store(move |store, _| {
            Ok(FeedbackOverview {
                entries: feedback::list(store.conn(), &launch_id)?,
                stats: feedback::stats(store.conn(), &launch_id)?,
            })
        })
        .await
}

/// Logs feedback, or with `entry` saves its new state.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn save_feedback(
    state: State<'_, AppState>,
    launch_id: String,
    entry: Option<String>,
    input: FeedbackInput,
) -> Result<Feedback, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            match entry {
                Some(entry) => feedback::edit(store, &change, &launch_id, &entry, &input),
                None => feedback::add(store, &change, &launch_id, &input),
            }
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn set_feedback_status(
    state: State<'_, AppState>,
    launch_id: String,
    entry: String,
    status: FeedbackStatus,
    resolution: String,
) -> Result<Feedback, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            feedback::set_status(store, &change, &launch_id, &entry, status, &resolution)
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn import_feedback(
    state: State<'_, AppState>,
    launch_id: String,
    path: String,
) -> Result<FeedbackImport, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            feedback::import_file(store, &change, &launch_id, std::path::Path::new(&path))
        })
        .await
}
