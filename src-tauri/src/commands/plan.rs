//! Editing the plan of a launch: items and sections.

use golive_core::launch::{self, Role};
use golive_core::readiness::{self, Item, ItemEdit, NewItem, NewSection, Placement};
use tauri::State;

use crate::CommandError;
use crate::state::{AppState, change_now};

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn launch_roles(
    state: State<'_, AppState>,
    launch_id: String,
) -> Result<Vec<Role>, CommandError> {
    state
        .with_store(move |store, _| launch::roles(store.conn(), &launch_id))
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn add_item(
    state: State<'_, AppState>,
    launch_id: String,
    item: NewItem,
) -> Result<Item, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            let key = readiness::add_item(store, &change, &launch_id, &item)?;
            readiness::item(store.conn(), &launch_id, &key, change.at)
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn edit_item(
    state: State<'_, AppState>,
    launch_id: String,
    key: String,
    edit: ItemEdit,
) -> Result<Item, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            readiness::edit_item(store, &change, &launch_id, &key, &edit)?;
            readiness::item(store.conn(), &launch_id, &key, change.at)
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn move_item(
    state: State<'_, AppState>,
    launch_id: String,
    key: String,
    section: Option<String>,
    placement: Placement,
    due_day: Option<i32>,
) -> Result<Item, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            readiness::move_item(
                store,
                &change,
                &launch_id,
                &key,
                section.as_deref(),
                &placement,
                due_day,
            )?;
            readiness::item(store.conn(), &launch_id, &key, change.at)
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn remove_item(
    state: State<'_, AppState>,
    launch_id: String,
    key: String,
    confirm: bool,
) -> Result<(), CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            readiness::remove_item(store, &change, &launch_id, &key, confirm)
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn add_section(
    state: State<'_, AppState>,
    launch_id: String,
    section: NewSection,
) -> Result<String, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            readiness::add_section(store, &change, &launch_id, &section)
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn edit_section(
    state: State<'_, AppState>,
    launch_id: String,
    key: String,
    title: String,
) -> Result<(), CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            readiness::edit_section(store, &change, &launch_id, &key, &title)
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn move_section(
    state: State<'_, AppState>,
    launch_id: String,
    key: String,
    phase: Option<String>,
    placement: Placement,
) -> Result<(), CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            readiness::move_section(
                store,
                &change,
                &launch_id,
                &key,
                phase.as_deref(),
                &placement,
            )
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn remove_section(
    state: State<'_, AppState>,
    launch_id: String,
    key: String,
) -> Result<(), CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            readiness::remove_section(store, &change, &launch_id, &key)
        })
        .await
}
