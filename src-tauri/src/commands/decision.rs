//! Go / no-go sign-offs and the decision.

use golive_core::signoff::{self, Decision, Verdict};
use tauri::State;

use crate::CommandError;
use crate::state::{AppState, change_now};

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn launch_decision(
    state: State<'_, AppState>,
    launch_id: String,
) -> Result<Decision, CommandError> {
    state
        .with_store(move |store, _| signoff::decision(store.conn(), &launch_id))
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn sign_off(
    state: State<'_, AppState>,
    launch_id: String,
    role: String,
    verdict: Verdict,
    comment: Option<String>,
) -> Result<Decision, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            signoff::sign(
                store,
                &change,
                &launch_id,
                &role,
                verdict,
                comment.as_deref(),
            )
        })
        .await
}
