//! Incidents: list, detail (timeline, follow-ups, who to call), open, and
//! every change to one.

use golive_core::incidents::{self, Incident, IncidentDetail, IncidentInput, IncidentState};
use tauri::State;

use crate::CommandError;
use crate::state::{AppState, change_now};

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn list_incidents(
    state: State<'_, AppState>,
    launch_id: String,
) -> Result<Vec<Incident>, CommandError> {
    state
        .with_store(move |store, _| incidents::list(store.conn(), &launch_id, false))
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn incident_detail(
    state: State<'_, AppState>,
    launch_id: String,
    incident: String,
) -> Result<IncidentDetail, CommandError> {
    state
        .with_store(move |store, _| {
            incidents::detail(store.conn(), &launch_id, &incident, jiff::Timestamp::now())
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn open_incident(
    state: State<'_, AppState>,
    launch_id: String,
    input: IncidentInput,
) -> Result<Incident, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            incidents::open(store, &change, &launch_id, &input)
        })
        .await
}

/// One change to an incident, as the Incidents view makes it.
#[derive(Debug, Clone, serde::Deserialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IncidentChange {
    Note { text: String },
    Escalate { level: Option<u8>, reason: String },
    State { state: IncidentState },
    Owner { contact: String },
    Action { text: String, owner: Option<String> },
    ActionDone { action: String, done: bool },
    Resolve { summary: String },
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn change_incident(
    state: State<'_, AppState>,
    launch_id: String,
    incident: String,
    change: IncidentChange,
) -> Result<Incident, CommandError> {
    state
        .with_store(move |store, user| {
            let now = change_now(store, user)?;
            let (id, inc) = (launch_id.as_str(), incident.as_str());
            match change {
                IncidentChange::Note { text } => incidents::note(store, &now, id, inc, &text),
                IncidentChange::Escalate { level, reason } => {
                    incidents::escalate(store, &now, id, inc, level, &reason)
                }
                IncidentChange::State { state } => {
                    incidents::set_state(store, &now, id, inc, state)
                }
                IncidentChange::Owner { contact } => {
                    incidents::set_owner(store, &now, id, inc, &contact)
                }
                IncidentChange::Action { text, owner } => {
                    incidents::add_action(store, &now, id, inc, &text, owner.as_deref())
                }
                IncidentChange::ActionDone { action, done } => {
                    incidents::mark_action(store, &now, id, inc, &action, done)
                }
                IncidentChange::Resolve { summary } => {
                    incidents::resolve(store, &now, id, inc, &summary)
                }
            }
        })
        .await
}
