//! The people directory of a launch.

use golive_core::contacts::{self, Contact, ContactInput, ImportSummary};
use golive_core::escalation::{self, CallSheet, Escalation, Level, LevelInput, Tier, TierInput};
use tauri::State;

use crate::CommandError;
use crate::state::{AppState, change_now};

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn list_contacts(
    state: State<'_, AppState>,
    launch_id: String,
) -> Result<Vec<Contact>, CommandError> {
    state
        .with_store(move |store, _| contacts::list(store.conn(), &launch_id))
        .await
}

/// Adds a contact, or changes the one with `id`.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn save_contact(
    state: State<'_, AppState>,
    launch_id: String,
    id: Option<String>,
    input: ContactInput,
) -> Result<Contact, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            match id {
                Some(id) => contacts::edit(store, &change, &launch_id, &id, &input),
                None => contacts::add(store, &change, &launch_id, &input),
            }
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn remove_contact(
    state: State<'_, AppState>,
    launch_id: String,
    id: String,
) -> Result<(), CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            contacts::remove(store, &change, &launch_id, &id)
        })
        .await
}

/// Imports a .vcf or .csv file (all or nothing; a bad row is named by line).
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn import_contacts(
    state: State<'_, AppState>,
    launch_id: String,
    path: String,
) -> Result<ImportSummary, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            contacts::import_file(store, &change, &launch_id, std::path::Path::new(&path))
        })
        .await
}

/// Writes the directory to a .vcf or .csv file; returns how many contacts.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn export_contacts(
    state: State<'_, AppState>,
    launch_id: String,
    path: String,
) -> Result<usize, CommandError> {
    state
        .with_store(move |store, _| {
            contacts::export_file(store.conn(), &launch_id, std::path::Path::new(&path))
        })
        .await
}

/// The launch's escalation levels and support tiers.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn escalation(
    state: State<'_, AppState>,
    launch_id: String,
) -> Result<Escalation, CommandError> {
    state
        .with_store(move |store, _| escalation::load(store.conn(), &launch_id))
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn save_level(
    state: State<'_, AppState>,
    launch_id: String,
    level: u8,
    input: LevelInput,
) -> Result<Level, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            escalation::edit_level(store, &change, &launch_id, level, &input)
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn save_tier(
    state: State<'_, AppState>,
    launch_id: String,
    tier: u8,
    input: TierInput,
) -> Result<Tier, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            escalation::edit_tier(store, &change, &launch_id, tier, &input)
        })
        .await
}

/// Who to call now for something at `level` since `since` (default: now).
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn call_sheet(
    state: State<'_, AppState>,
    launch_id: String,
    level: u8,
    since: Option<String>,
) -> Result<CallSheet, CommandError> {
    state
        .with_store(move |store, _| {
            let now = jiff::Timestamp::now();
            let since = match since {
                Some(text) => golive_core::parse_timestamp(&text)?,
                None => now,
            };
            escalation::call_sheet(store.conn(), &launch_id, level, since, now)
        })
        .await
}
