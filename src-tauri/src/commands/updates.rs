//! Stakeholder updates: when the next is due, the draft, sending to a chat
//! webhook (or recording one copied to send by hand), the channels and the
//! cadence per phase. A webhook URL comes in once, from the dialog, and goes
//! straight to the keychain: it is never logged or sent back to the window.

use golive_core::updates::cadence::{self, PhaseCadence};
use golive_core::updates::{self, Channel, ChannelKind, Update, UpdateDue, draft};
use serde::Serialize;
use tauri::State;

use crate::CommandError;
use crate::state::{AppState, change_now};

/// What the Updates view shows.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct UpdatesOverview {
    pub due: UpdateDue,
    pub cadence: Vec<PhaseCadence>,
    pub channels: Vec<Channel>,
    /// Newest first.
    pub updates: Vec<Update>,
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn updates_overview(
    state: State<'_, AppState>,
    launch_id: String,
) -> Result<UpdatesOverview, CommandError> {
    state
        .with_store(move |store, _| {
            let conn = store.conn();
            Ok(UpdatesOverview {
                due: cadence::due(conn, &launch_id, jiff::Timestamp::now())?,
                cadence: cadence::list(conn, &launch_id)?,
                channels: updates::channels(conn, &launch_id)?,
                updates: updates::list(conn, &launch_id)?,
            })
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn draft_update(
    state: State<'_, AppState>,
    launch_id: String,
) -> Result<String, CommandError> {
    state
        .with_store(move |store, _| {
            draft::compose(store.conn(), &launch_id, jiff::Timestamp::now())
        })
        .await
}

/// Sends the update to `channel`, or with none records it as copied to be
/// sent by hand (the window copies it). Nothing is kept when sending fails.
#[tauri::command]
#[tracing::instrument(skip(state, body), err(Debug))]
pub async fn send_update(
    state: State<'_, AppState>,
    launch_id: String,
    channel: Option<String>,
    body: String,
) -> Result<Update, CommandError> {
    let target = match channel {
        Some(selector) => {
            let launch = launch_id.clone();
            Some(
                state
                    .with_store(move |store, _| updates::channel(store.conn(), &launch, &selector))
                    .await?,
            )
        }
        None => None,
    };
    if let Some(target) = &target {
        updates::deliver(target, &body).await?;
    }
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            updates::record(store, &change, &launch_id, target.as_ref(), &body)
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state, url), err(Debug))]
pub async fn add_update_channel(
    state: State<'_, AppState>,
    launch_id: String,
    name: String,
    kind: ChannelKind,
    url: String,
) -> Result<Channel, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            updates::add_channel(store, &change, &launch_id, &name, kind, &url)
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn remove_update_channel(
    state: State<'_, AppState>,
    launch_id: String,
    channel: String,
) -> Result<(), CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            updates::remove_channel(store, &change, &launch_id, &channel)
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn set_update_cadence(
    state: State<'_, AppState>,
    launch_id: String,
    phase: String,
    every_minutes: Option<u32>,
) -> Result<PhaseCadence, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            cadence::set(store, &change, &launch_id, &phase, every_minutes)
        })
        .await
}
