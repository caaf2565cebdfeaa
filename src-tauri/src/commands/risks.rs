//! The risk register: list, add or save, remove.

use golive_core::risks::{self, Risk, RiskInput};
use tauri::State;

use crate::CommandError;
use crate::state::{AppState, change_now};

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn list_risks(
    state: State<'_, AppState>,
    launch_id: String,
) -> Result<Vec<Risk>, CommandError> {
    state
        .with_store(move |store, _| risks::list(store.conn(), &launch_id))
        .await
}

/// Adds a risk, or with `risk` saves its new state.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn save_risk(
    state: State<'_, AppState>,
    launch_id: String,
    risk: Option<String>,
    input: RiskInput,
) -> Result<Risk, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            match risk {
                Some(risk) => risks::edit(store, &change, &launch_id, &risk, &input),
                None => risks::add(store, &change, &launch_id, &input),
            }
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn remove_risk(
    state: State<'_, AppState>,
    launch_id: String,
    risk: String,
) -> Result<(), CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            risks::remove(store, &change, &launch_id, &risk)
        })
        .await
}
