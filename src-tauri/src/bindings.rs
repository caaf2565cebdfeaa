//! The TypeScript types of everything that crosses IPC, generated from the
//! Rust types with ts-rs into `ui/src/lib/ipc/bindings/`. This test fails
//! when the committed bindings differ from the Rust types; run it with
//! `UPDATE_BINDINGS=1` (or `make bindings`) to rewrite them.

use std::path::{Path, PathBuf};

use ts_rs::{Config, TS};

fn export_all(dir: &Path) {
    use golive_core::{audit, contacts, launch, readiness, signoff};
    let cfg = &Config::new().with_out_dir(dir).with_large_int("number");
    let exports = [
        crate::commands::AppInfo::export_all(cfg),
        crate::commands::NewLaunchInput::export_all(cfg),
        crate::CommandError::export_all(cfg),
        launch::Launch::export_all(cfg),
        launch::Role::export_all(cfg),
        readiness::Summary::export_all(cfg),
        readiness::Checklist::export_all(cfg),
        crate::commands::RehearsalRequest::export_all(cfg),
        crate::file_picker::PickRequest::export_all(cfg),
        crate::commands::readiness::StatusChange::export_all(cfg),
        readiness::Filter::export_all(cfg),
        readiness::Me::export_all(cfg),
        readiness::Timeline::export_all(cfg),
        readiness::ItemDetail::export_all(cfg),
        readiness::NewItem::export_all(cfg),
        readiness::ItemEdit::export_all(cfg),
        readiness::NewSection::export_all(cfg),
        readiness::Placement::export_all(cfg),
        contacts::Contact::export_all(cfg),
        contacts::ContactInput::export_all(cfg),
        signoff::Decision::export_all(cfg),
        signoff::Verdict::export_all(cfg),
        audit::Event::export_all(cfg),
        audit::Verification::export_all(cfg),
        audit::Query::export_all(cfg),
        audit::Facets::export_all(cfg),
        golive_core::record::Exported::export_all(cfg),
        golive_core::record::tables::Written::export_all(cfg),
        golive_core::record::report::ReportWritten::export_all(cfg),
        golive_core::record::report::ReportFormat::export_all(cfg),
        golive_core::record::review::ReviewInfo::export_all(cfg),
        crate::commands::health::HealthOverview::export_all(cfg),
        crate::commands::health::MonitorHistory::export_all(cfg),
        golive_core::health::metrics::EnvironmentMetrics::export_all(cfg),
        golive_core::health::monitors::MonitorInput::export_all(cfg),
        golive_core::health::credentials::CredentialInput::export_all(cfg),
        golive_core::health::maintenance::WindowInput::export_all(cfg),
        golive_core::secrets::KeychainStatus::export_all(cfg),
        golive_core::health::format::Format::export_all(cfg),
        golive_core::ErrorCode::export_all(cfg),
        golive_core::health::kpis::Kpi::export_all(cfg),
        golive_core::health::kpis::KpiInput::export_all(cfg),
        crate::commands::deploy::DeployOverview::export_all(cfg),
        crate::commands::deploy::LineBatch::export_all(cfg),
        crate::commands::deploy::LogProgress::export_all(cfg),
        golive_core::contacts::ImportSummary::export_all(cfg),
        golive_core::escalation::Escalation::export_all(cfg),
        golive_core::escalation::LevelInput::export_all(cfg),
        golive_core::escalation::TierInput::export_all(cfg),
        golive_core::escalation::CallSheet::export_all(cfg),
        golive_core::incidents::IncidentDetail::export_all(cfg),
        golive_core::incidents::IncidentInput::export_all(cfg),
        crate::commands::incidents::IncidentChange::export_all(cfg),
        golive_core::training::Training::export_all(cfg),
        golive_core::training::SessionInput::export_all(cfg),
        golive_core::training::Mark::export_all(cfg),
        golive_core::training::TrainingImport::export_all(cfg),
        crate::commands::updates::UpdatesOverview::export_all(cfg),
        golive_core::updates::ChannelKind::export_all(cfg),
        crate::commands::backups::Backups::export_all(cfg),
        golive_core::store::backup::Restored::export_all(cfg),
        golive_core::risks::Risk::export_all(cfg),
        golive_core::risks::RiskInput::export_all(cfg),
        crate::commands::feedback::FeedbackOverview::export_all(cfg),
        golive_core::feedback::FeedbackInput::export_all(cfg),
        golive_core::feedback::FeedbackImport::export_all(cfg),
        golive_core::deploy::runs::LogSearch::export_all(cfg),
        golive_core::deploy::triggers::TriggerInput::export_all(cfg),
        golive_core::deploy::start::Request::export_all(cfg),
        golive_core::deploy::runs::RunFilter::export_all(cfg),
    ];
    for export in exports {
        export.expect("export TypeScript bindings");
    }
}

fn files(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    let name = e.file_name().to_string_lossy().to_string();
                    (name, std::fs::read_to_string(e.path()).unwrap_or_default())
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

#[test]
fn typescript_bindings_match_the_rust_types() {
    let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ui/src/lib/ipc/bindings");
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        let _ = std::fs::remove_dir_all(&committed);
        export_all(&committed);
        return;
    }
    let fresh = tempfile::tempdir().expect("temp dir");
    export_all(fresh.path());
    assert_eq!(
        files(&committed),
        files(fresh.path()),
        "ui/src/lib/ipc/bindings is out of date with the Rust types; run `make bindings` and commit the result"
    );
}

/// Every command the app registers is in the app manifest (`build.rs`) and
/// granted to the window, and nothing else is granted.
#[test]
fn every_command_is_listed_and_granted_once() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let build = std::fs::read_to_string(root.join("src-tauri/build.rs")).expect("build.rs");
    let listed: Vec<String> = build
        .split("const COMMANDS: &[&str] = &[")
        .nth(1)
        .and_then(|rest| rest.split("];").next())
        .expect("COMMANDS in build.rs")
        .split('"')
        .skip(1)
        .step_by(2)
        .map(|name| format!("allow-{}", name.replace('_', "-")))
        .collect();
    let lib = std::fs::read_to_string(root.join("src-tauri/src/lib.rs")).expect("lib.rs");
    let registered = lib.matches("commands::").count();
    assert_eq!(
        registered,
        listed.len(),
        "lib.rs registers {registered} commands, build.rs lists {}",
        listed.len()
    );
    let capability: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("src-tauri/capabilities/main.json"))
            .expect("capability"),
    )
    .expect("capability JSON");
    let mut granted: Vec<String> = capability["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .filter_map(|p| p.as_str())
        .filter(|p| p.starts_with("allow-"))
        .map(str::to_string)
        .collect();
    let mut listed = listed;
    listed.sort();
    granted.sort();
    assert_eq!(granted, listed);
}
