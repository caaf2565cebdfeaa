//! The desktop shell: a thin Tauri layer over `golive-core`. Commands unpack
//! arguments, call one core function and convert the result; no business
//! rules live here.

mod backups;
mod commands;
pub mod demo_script;
mod deploy;
mod error;
pub mod file_picker;
mod health;
mod menu;
pub mod rendering;
mod state;
mod store_changes;

pub use error::CommandError;

use state::AppState;
use tauri::Manager;

/// `--record FILE`: open that exported record for review instead of the store.
fn record_argument() -> Option<std::path::PathBuf> {
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--record" {
            return args.next().map(std::path::PathBuf::from);
        }
    }
    None
}

pub fn run() {
    let _log = golive_core::logging::init("golive-desktop");
    let own_store = golive_core::paths::default_store();
    let state = match record_argument() {
        Some(bundle) => AppState::open_record(&bundle, &own_store),
        None => AppState::open(own_store),
    };
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_notification::init())
        .setup(|app| {
            menu::install(app)?;
            // A record under review is read-only: nothing runs in the background.
            if app.state::<AppState>().review.is_some() {
                return Ok(());
            }
            store_changes::watch(app.handle().clone());
            deploy::recover(app.handle());
            health::start(app.handle().clone());
            let state = app.state::<AppState>();
            if state.store().is_some() {
                backups::keep_daily(app.handle().clone(), state.store_path.clone());
            }
            Ok(())
        })
        .manage(state)
        .manage(health::HealthRuntime::default())
        .manage(deploy::DeployRuntime::default())
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::list_launches,
            commands::time_zones,
            commands::create_launch,
            commands::reschedule_launch,
            commands::create_rehearsal,
            commands::set_profile,
            commands::readiness::launch_summary,
            commands::readiness::launch_checklist,
            commands::readiness::launch_me,
            commands::readiness::launch_timeline,
            commands::readiness::item_detail,
            commands::readiness::tick_item,
            commands::readiness::change_item_status,
            commands::readiness::comment_item,
            commands::readiness::add_item_link,
            commands::readiness::remove_item_link,
            commands::plan::launch_roles,
            commands::plan::add_item,
            commands::plan::edit_item,
            commands::plan::move_item,
            commands::plan::remove_item,
            commands::plan::add_section,
            commands::plan::edit_section,
            commands::plan::move_section,
            commands::plan::remove_section,
            commands::people::list_contacts,
            commands::people::save_contact,
            commands::people::remove_contact,
            commands::people::import_contacts,
            commands::people::export_contacts,
            commands::people::escalation,
            commands::people::save_level,
            commands::people::save_tier,
            commands::people::call_sheet,
            commands::incidents::list_incidents,
            commands::incidents::incident_detail,
            commands::incidents::open_incident,
            commands::incidents::change_incident,
            commands::training::training_overview,
            commands::training::save_training_session,
            commands::training::remove_training_session,
            commands::training::mark_attendance,
            commands::training::export_training_ics,
            commands::training::import_training_ics,
            commands::updates::updates_overview,
            commands::updates::draft_update,
            commands::updates::send_update,
            commands::updates::add_update_channel,
            commands::updates::remove_update_channel,
            commands::updates::set_update_cadence,
            commands::backups::list_backups,
            commands::backups::create_backup,
            commands::backups::set_backup_keep,
            commands::backups::check_backup,
            commands::backups::restore_backup,
            commands::record::record_events,
            commands::record::record_facets,
            commands::record::verify_chain,
            commands::record::export_bundle,
            commands::record::export_full_json,
            commands::record::export_csv,
            commands::record::export_report,
            commands::record::open_record,
            commands::close_launch,
            commands::risks::list_risks,
            commands::risks::save_risk,
            commands::risks::remove_risk,
            commands::feedback::feedback_overview,
            commands::feedback::save_feedback,
            commands::feedback::set_feedback_status,
            commands::feedback::import_feedback,
            commands::decision::launch_decision,
            commands::decision::sign_off,
            commands::files::export_template,
            commands::files::checklist_markdown,
            commands::files::pick_file,
            commands::health::health_overview,
            commands::health::monitor_history,
            commands::health::save_environment,
            commands::health::remove_environment,
            commands::health::save_monitor,
            commands::health::remove_monitor,
            commands::health::add_credential,
            commands::health::set_credential_secret,
            commands::health::remove_credential,
            commands::health::keychain_status,
            commands::health::acknowledge_alert,
            commands::health::add_maintenance,
            commands::health::remove_maintenance,
            commands::health::success_metrics,
            commands::health::import_monitors,
            commands::health::probe_now,
            commands::health::set_raw_retention,
            commands::health::start_demo,
            commands::health::list_kpis,
            commands::health::save_kpi,
            commands::health::remove_kpi,
            commands::health::record_kpi,
            commands::deploy::deploy_overview,
            commands::deploy::save_trigger,
            commands::deploy::remove_trigger,
            commands::deploy::start_run,
            commands::deploy::follow_run,
            commands::deploy::run_lines,
            commands::deploy::search_run_log,
            commands::deploy::copy_run_log,
            commands::deploy::save_run_log,
            commands::deploy::cancel_run,
            commands::deploy::check_environment,
            commands::deploy::set_rollback_watch,
        ])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        tracing::error!(%error, "the app stopped with an error");
        eprintln!("golive: the app stopped with an error: {error}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod bindings;
