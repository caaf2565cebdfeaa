//! Builds the Tauri context and the app manifest: every app command must be
//! listed here and granted in `src-tauri/capabilities/`, or the webview
//! cannot call it.

/// The commands of `src-tauri/src/commands/`.
const COMMANDS: &[&str] = &[
    "app_info",
    "list_launches",
    "time_zones",
    "create_launch",
    "reschedule_launch",
    "create_rehearsal",
    "set_profile",
    "launch_summary",
    "launch_checklist",
    "launch_me",
    "launch_timeline",
    "item_detail",
    "tick_item",
    "change_item_status",
    "comment_item",
    "add_item_link",
    "remove_item_link",
    "launch_roles",
    "add_item",
    "edit_item",
    "move_item",
    "remove_item",
    "add_section",
    "edit_section",
    "move_section",
    "remove_section",
    "list_contacts",
    "save_contact",
    "remove_contact",
    "launch_decision",
    "sign_off",
    "export_template",
    "checklist_markdown",
    "pick_file",
    "health_overview",
    "monitor_history",
    "save_environment",
    "remove_environment",
    "save_monitor",
    "remove_monitor",
    "add_credential",
    "set_credential_secret",
    "remove_credential",
    "keychain_status",
    "acknowledge_alert",
    "add_maintenance",
    "remove_maintenance",
    "success_metrics",
    "import_monitors",
    "probe_now",
    "set_raw_retention",
    "start_demo",
    "list_kpis",
    "save_kpi",
    "remove_kpi",
    "record_kpi",
    "deploy_overview",
    "save_trigger",
    "remove_trigger",
    "start_run",
    "follow_run",
    "run_lines",
    "search_run_log",
    "copy_run_log",
    "save_run_log",
    "cancel_run",
    "check_environment",
    "set_rollback_watch",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {error:#}");
    }
}
