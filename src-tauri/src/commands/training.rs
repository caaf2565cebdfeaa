//! Training: sessions with completion, scheduling and attendance, and .ics
//! files through the native dialogs.

use golive_core::training::{
    self, Audience, Mark, Session, SessionInput, Training, TrainingImport,
};
use tauri::State;

use crate::CommandError;
use crate::state::{AppState, change_now};

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn training_overview(
    state: State<'_, AppState>,
    launch_id: String,
) -> Result<Training, CommandError> {
    state
        .with_store(move |store, _| training::overview(store.conn(), &launch_id))
        .await
}

/// Schedules a session, or with `session` saves its new state (a moved one
/// is audited as a reschedule).
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn save_training_session(
    state: State<'_, AppState>,
    launch_id: String,
    session: Option<String>,
    input: SessionInput,
) -> Result<Session, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            match session {
                Some(session) => training::edit(store, &change, &launch_id, &session, &input),
                None => training::add(store, &change, &launch_id, &input),
            }
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn remove_training_session(
    state: State<'_, AppState>,
    launch_id: String,
    session: String,
) -> Result<(), CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            training::remove(store, &change, &launch_id, &session)
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn mark_attendance(
    state: State<'_, AppState>,
    launch_id: String,
    session: String,
    contact: String,
    mark: Mark,
) -> Result<Session, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            training::mark(store, &change, &launch_id, &session, &contact, mark)
        })
        .await
}

/// Writes one session (or all) to an .ics file; returns how many.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn export_training_ics(
    state: State<'_, AppState>,
    launch_id: String,
    session: Option<String>,
    path: String,
) -> Result<usize, CommandError> {
    state
        .with_store(move |store, _| {
            training::export_ics_file(
                store.conn(),
                &launch_id,
                session.as_deref(),
                std::path::Path::new(&path),
            )
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn import_training_ics(
    state: State<'_, AppState>,
    launch_id: String,
    path: String,
    audience: Audience,
) -> Result<TrainingImport, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            training::import_ics_file(
                store,
                &change,
                &launch_id,
                std::path::Path::new(&path),
                audience,
            )
        })
        .await
}
