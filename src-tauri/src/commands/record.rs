//! The Record view: the audit trail filtered, what it can be filtered by,
//! the chain's state, and exporting the launch as a signed bundle, its
//! report (HTML or Markdown), as JSON or as CSV files.

use golive_core::audit::{self, Event, Facets, Query, Verification};
use golive_core::record::report::{self, Options, ReportFormat, Window};
use golive_core::record::tables::{self, Written};
use golive_core::record::{self, Exported, signing};
use tauri::State;

use crate::CommandError;
use crate::state::{AppState, change_now};

/// One page of the launch's trail, oldest first, at most 200 events.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn record_events(
    state: State<'_, AppState>,
    launch_id: String,
    query: Query,
) -> Result<Vec<Event>, CommandError> {
    state
        .with_store(move |store, _| {
            audit::events(
                store.conn(),
                &Query {
                    launch_id: Some(launch_id),
                    limit: Some(query.limit.unwrap_or(200).min(1000)),
                    ..query
                },
            )
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn record_facets(
    state: State<'_, AppState>,
    launch_id: String,
) -> Result<Facets, CommandError> {
    state
        .with_store(move |store, _| audit::facets(store.conn(), &launch_id))
        .await
}

/// Recomputes the whole chain.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn verify_chain(state: State<'_, AppState>) -> Result<Verification, CommandError> {
    state
        .with_store(move |store, _| audit::verify(store.conn()))
        .await
}

/// Writes the launch's signed bundle to `path` (the key comes from the OS
/// keychain, created on first use).
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn export_bundle(
    state: State<'_, AppState>,
    launch_id: String,
    path: String,
) -> Result<Exported, CommandError> {
    state.writable()?;
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            let key = signing::signing_key(store, &change)?;
            record::export(
                store,
                &launch_id,
                std::path::Path::new(&path),
                &key,
                jiff::Timestamp::now(),
            )
        })
        .await
}

/// Every table of the launch as one JSON document at `path`.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn export_full_json(
    state: State<'_, AppState>,
    launch_id: String,
    path: String,
) -> Result<Written, CommandError> {
    state
        .with_store(move |store, _| {
            tables::write_json(
                store,
                &launch_id,
                std::path::Path::new(&path),
                jiff::Timestamp::now(),
            )
        })
        .await
}

/// Every table of the launch as a CSV file in the folder `path`.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn export_csv(
    state: State<'_, AppState>,
    launch_id: String,
    path: String,
) -> Result<Written, CommandError> {
    state
        .with_store(move |store, _| {
            tables::write_csv(store, &launch_id, std::path::Path::new(&path))
        })
        .await
}

/// The launch's report at `path`, its health figures over `from`..`until`
/// (dates in the launch's time zone; missing ends: go-live, now).
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn export_report(
    state: State<'_, AppState>,
    launch_id: String,
    path: String,
    format: ReportFormat,
    from: Option<String>,
    until: Option<String>,
) -> Result<report::ReportWritten, CommandError> {
    // A reviewed record names the key that signed it; the live store, its own.
    let reviewed_signer = state.review.as_ref().map(|r| r.signer.clone());
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            let now = change.at;
            let window = Window::parse(
                store.conn(),
                &launch_id,
                from.as_deref(),
                until.as_deref(),
                now,
            )?;
            let signer = match reviewed_signer {
                Some(signer) => signer,
                None => {
                    signing::fingerprint(&signing::signing_key(store, &change)?.verifying_key())
                }
            };
            let options = Options {
                window,
                signer,
                generated_by: change.actor.display(),
                now,
            };
            report::write(
                store.conn(),
                &launch_id,
                &options,
                format,
                std::path::Path::new(&path),
            )
        })
        .await
}

/// Opens the exported record at `path` for review in a window of its own
/// (this program again, with `--record`): read-only, nothing running in
/// the background, this window's store untouched. The file is checked to be
/// a bundle first, so a wrong pick is told here.
#[tauri::command]
#[tracing::instrument(err(Debug))]
pub async fn open_record(path: String) -> Result<(), CommandError> {
    let bundle = std::path::PathBuf::from(&path);
    golive_core::record::verify::read_trailer(&bundle)?;
    let program = std::env::current_exe().map_err(|e| {
        CommandError::internal(format!(
            "cannot find golive's own program to open the record: {e}"
        ))
    })?;
    let mut child = std::process::Command::new(program)
        .arg("--record")
        .arg(&bundle)
        .stdin(std::process::Stdio::null())
        .spawn()
        .map_err(|e| {
            CommandError::internal(format!("cannot start a window for the record: {e}"))
        })?;
    // Reaped when it closes, so no finished window lingers as a zombie.
    std::thread::spawn(move || child.wait());
    Ok(())
}
