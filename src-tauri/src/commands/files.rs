//! Exports: the plan as a template file, the checklist as Markdown. The
//! window picks the path with the dialog plugin; the file is written here.

use std::path::Path;

use golive_core::readiness::{self, Filter};
use golive_core::{format_timestamp, signoff, template_export};
use tauri::State;

use crate::CommandError;
use crate::commands::readiness::filtered_for;
use crate::file_picker::{self, PickRequest};
use crate::state::AppState;

fn write(path: &str, text: &str, what: &str) -> golive_core::Result<String> {
    std::fs::write(Path::new(path), text).map_err(|e| {
        golive_core::Error::InvalidInput(format!(
            "cannot write the {what} to {path}: {e}. Pick a folder you can write to."
        ))
    })?;
    Ok(path.to_string())
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn export_template(
    state: State<'_, AppState>,
    launch_id: String,
    path: String,
) -> Result<String, CommandError> {
    state
        .with_store(move |store, _| {
            let text = template_export::template_file(
                store.conn(),
                &launch_id,
                &format_timestamp(jiff::Timestamp::now()),
            )?;
            write(&path, &text, "plan template")
        })
        .await
}

/// The (filtered) checklist and the decision as Markdown; written to `path`
/// when one is given. Returns the text either way.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn checklist_markdown(
    state: State<'_, AppState>,
    launch_id: String,
    filter: Option<Filter>,
    path: Option<String>,
) -> Result<String, CommandError> {
    state
        .with_store(move |store, user| {
            let now = jiff::Timestamp::now();
            let decision = signoff::decision(store.conn(), &launch_id)?;
            let checklist = filtered_for(store, user, &launch_id, filter, now)?;
            let text = readiness::markdown(&checklist, Some(&decision), &format_timestamp(now));
            if let Some(path) = path.filter(|p| !p.is_empty()) {
                write(&path, &text, "Markdown checklist")?;
            }
            Ok(text)
        })
        .await
}

/// Shows a native save or open dialog (in a child process, see
/// `file_picker.rs`); `None` when the person cancelled.
#[tauri::command]
#[tracing::instrument(err(Debug))]
pub async fn pick_file(request: PickRequest) -> Result<Option<String>, CommandError> {
    tauri::async_runtime::spawn_blocking(move || file_picker::pick(&request))
        .await
        .map_err(|e| CommandError::internal(format!("the file dialog task failed: {e}")))?
        .map_err(CommandError::internal)
}
