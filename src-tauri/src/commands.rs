//! The app's commands. Each unpacks its arguments, calls one core function
//! and converts the result; each is listed in `src-tauri/build.rs` and
//! granted in `src-tauri/capabilities/main.json`.

use golive_core::launch::{self, Launch, NewLaunch};
use golive_core::plan::Template;
use golive_core::readiness::{self, Checklist, Item, Summary};
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
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, CommandError> {
    let store_path = state.store_path.display().to_string();
    state
        .with_store(move |store, user| {
            let actor = actor::load(store, user)?;
            Ok(AppInfo {
                version: env!("CARGO_PKG_VERSION").to_string(),
                store_path,
                log_folder: golive_core::paths::log_folder().display().to_string(),
                actor_display: actor.display(),
                actor,
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

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn create_launch(
    state: State<'_, AppState>,
    input: NewLaunchInput,
) -> Result<Launch, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            let new = NewLaunch {
                name: input.name,
                platform: input.platform,
                go_live_local: input.go_live_local,
                time_zone: input.time_zone,
            };
            launch::create(store, &change, &new, &Template::standard())
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn launch_summary(
    state: State<'_, AppState>,
    launch_id: String,
) -> Result<Summary, CommandError> {
    state
        .with_store(move |store, _| {
            readiness::summary(store.conn(), &launch_id, jiff::Timestamp::now())
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn launch_checklist(
    state: State<'_, AppState>,
    launch_id: String,
) -> Result<Checklist, CommandError> {
    state
        .with_store(move |store, _| {
            readiness::checklist(store.conn(), &launch_id, jiff::Timestamp::now())
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn tick_item(
    state: State<'_, AppState>,
    launch_id: String,
    key: String,
    note: Option<String>,
) -> Result<Item, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            readiness::tick(store, &change, &launch_id, &key, note.as_deref())?;
            readiness::item(store.conn(), &launch_id, &key, change.at)
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn untick_item(
    state: State<'_, AppState>,
    launch_id: String,
    key: String,
    reason: String,
) -> Result<Item, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            readiness::reopen(store, &change, &launch_id, &key, &reason)?;
            readiness::item(store.conn(), &launch_id, &key, change.at)
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
