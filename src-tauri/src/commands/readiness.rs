//! Reading the checklist and changing items' status and evidence.

use golive_core::readiness::{self, Checklist, Filter, Item, ItemDetail, Me, Summary, Timeline};
use tauri::State;

use crate::CommandError;
use crate::state::{AppState, change_now};

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

/// The checklist as the person using the app sees it through `filter`
/// ("My items" means them). The checklist, timeline and Markdown share it.
pub(crate) fn filtered_for(
    store: &golive_core::Store,
    user: &str,
    launch_id: &str,
    filter: Option<Filter>,
    now: jiff::Timestamp,
) -> golive_core::Result<Checklist> {
    let me = Me::of(
        store.conn(),
        launch_id,
        &golive_core::actor::load(store, user)?,
    )?;
    readiness::filtered(
        store.conn(),
        launch_id,
        now,
        &filter.unwrap_or_default(),
        &me,
    )
}

/// The checklist, narrowed by `filter` ("My items" is the person using the app).
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn launch_checklist(
    state: State<'_, AppState>,
    launch_id: String,
    filter: Option<Filter>,
) -> Result<Checklist, CommandError> {
    state
        .with_store(move |store, user| {
            filtered_for(store, user, &launch_id, filter, jiff::Timestamp::now())
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn launch_me(state: State<'_, AppState>, launch_id: String) -> Result<Me, CommandError> {
    state
        .with_store(move |store, user| {
            Me::of(
                store.conn(),
                &launch_id,
                &golive_core::actor::load(store, user)?,
            )
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn launch_timeline(
    state: State<'_, AppState>,
    launch_id: String,
    filter: Option<Filter>,
) -> Result<Timeline, CommandError> {
    state
        .with_store(move |store, user| {
            let checklist = filtered_for(store, user, &launch_id, filter, jiff::Timestamp::now())?;
            Ok(readiness::timeline(&checklist))
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn item_detail(
    state: State<'_, AppState>,
    launch_id: String,
    key: String,
) -> Result<ItemDetail, CommandError> {
    state
        .with_store(move |store, _| {
            readiness::item_detail(store.conn(), &launch_id, &key, jiff::Timestamp::now())
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

/// How an item's status changes, besides ticking: each needs a reason.
#[derive(Debug, Clone, Copy, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum StatusChange {
    Reopen,
    Block,
    Na,
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn change_item_status(
    state: State<'_, AppState>,
    launch_id: String,
    key: String,
    to: StatusChange,
    reason: String,
) -> Result<Item, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            match to {
                StatusChange::Reopen => {
                    readiness::reopen(store, &change, &launch_id, &key, &reason)
                }
                StatusChange::Block => readiness::block(store, &change, &launch_id, &key, &reason),
                StatusChange::Na => readiness::mark_na(store, &change, &launch_id, &key, &reason),
            }?;
            readiness::item(store.conn(), &launch_id, &key, change.at)
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state, body), err(Debug))]
pub async fn comment_item(
    state: State<'_, AppState>,
    launch_id: String,
    key: String,
    body: String,
) -> Result<ItemDetail, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            readiness::comment(store, &change, &launch_id, &key, &body)?;
            readiness::item_detail(store.conn(), &launch_id, &key, change.at)
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn add_item_link(
    state: State<'_, AppState>,
    launch_id: String,
    key: String,
    url: String,
    label: Option<String>,
) -> Result<ItemDetail, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            readiness::add_link(store, &change, &launch_id, &key, &url, label.as_deref())?;
            readiness::item_detail(store.conn(), &launch_id, &key, change.at)
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn remove_item_link(
    state: State<'_, AppState>,
    launch_id: String,
    key: String,
    url: String,
) -> Result<ItemDetail, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            readiness::remove_link(store, &change, &launch_id, &key, &url)?;
            readiness::item_detail(store.conn(), &launch_id, &key, change.at)
        })
        .await
}
