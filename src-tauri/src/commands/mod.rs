//! The app's commands. Each unpacks its arguments, calls one core function
//! and converts the result; each is listed in `src-tauri/build.rs` and
//! granted in `src-tauri/capabilities/main.json`. This module holds the app
//! and launch commands; the others are grouped by feature.

pub mod backups;
pub mod decision;
pub mod deploy;
pub mod feedback;
pub mod files;
pub mod health;
pub mod incidents;
pub mod people;
pub mod plan;
pub mod readiness;
pub mod record;
pub mod risks;
pub mod training;
pub mod updates;

use golive_core::launch::{self, Launch, NewLaunch};
use golive_core::plan::Template;
use golive_core::rehearsal::{self, RehearsalInput};
use golive_core::{Actor, actor};
use serde::{Deserialize, Serialize};
use tauri::State;

use crate::CommandError;
use crate::state::{AppState, change_now};

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct AppInfo {
    pub version: String,
    pub store_path: String,
    pub log_folder: String,
    pub actor: Actor,
    pub actor_display: String,
    /// Set when the window shows an exported record for review (read-only).
    pub review: Option<golive_core::record::review::ReviewInfo>,
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, CommandError> {
    let store_path = state.store_path.display().to_string();
    let review = state.review.clone();
    state
        .with_store(move |store, user| {
            let actor = actor::load(store, user)?;
            Ok(AppInfo {
                version: env!("CARGO_PKG_VERSION").to_string(),
                store_path,
                log_folder: golive_core::paths::log_folder().display().to_string(),
                actor_display: actor.display(),
                actor,
                review,
            })
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn list_launches(state: State<'_, AppState>) -> Result<Vec<Launch>, CommandError> {
    state
        .with_store(|store, _| launch::list(store.conn()))
        .await
}

#[tauri::command]
pub fn time_zones() -> Vec<String> {
    launch::time_zones()
}

#[derive(Debug, Deserialize, ts_rs::TS)]
pub struct NewLaunchInput {
    pub name: String,
    pub platform: String,
    /// `YYYY-MM-DDTHH:MM`
    pub go_live_local: String,
    pub time_zone: String,
}

/// Creates a launch from the standard plan, or from the template file at
/// `template_path` (checked whole before anything is written).
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn create_launch(
    state: State<'_, AppState>,
    input: NewLaunchInput,
    template_path: Option<String>,
) -> Result<Launch, CommandError> {
    state
        .with_store(move |store, user| {
            let template = match template_path.as_deref().filter(|p| !p.is_empty()) {
                Some(path) => golive_core::plan::load(std::path::Path::new(path))?,
                None => Template::standard(),
            };
            let change = change_now(store, user)?;
            let new = NewLaunch {
                name: input.name,
                platform: input.platform,
                go_live_local: input.go_live_local,
                time_zone: input.time_zone,
            };
            launch::create(store, &change, &new, &template)
        })
        .await
}

/// Closes the launch after its plan's last day: read-only from then on.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn close_launch(
    state: State<'_, AppState>,
    launch_id: String,
) -> Result<Launch, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            launch::close(store, &change, &launch_id)
        })
        .await
}

/// Moves Day 0; every due date follows.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn reschedule_launch(
    state: State<'_, AppState>,
    launch_id: String,
    go_live_local: String,
    time_zone: String,
) -> Result<Launch, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            launch::reschedule(store, &change, &launch_id, &go_live_local, Some(&time_zone))
        })
        .await
}

#[derive(Debug, Deserialize, ts_rs::TS)]
pub struct RehearsalRequest {
    pub name: String,
    /// `YYYY-MM-DDTHH:MM`
    pub go_live_local: String,
    pub time_zone: String,
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn create_rehearsal(
    state: State<'_, AppState>,
    launch_id: String,
    request: RehearsalRequest,
) -> Result<Launch, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            rehearsal::create(
                store,
                &change,
                &launch_id,
                &RehearsalInput {
                    name: Some(request.name),
                    go_live_local: Some(request.go_live_local),
                    time_zone: Some(request.time_zone),
                },
            )
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn set_profile(
    state: State<'_, AppState>,
    name: Option<String>,
    role: Option<String>,
) -> Result<Actor, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            actor::set_profile(store, &change, name.as_deref(), role.as_deref())
        })
        .await
}
