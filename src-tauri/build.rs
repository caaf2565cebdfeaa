//! Builds the Tauri context and the app manifest: every app command must be
//! listed here and granted in `src-tauri/capabilities/`, or the webview
//! cannot call it.

/// The commands of `src-tauri/src/commands.rs`.
const COMMANDS: &[&str] = &[
    "app_info",
    "list_launches",
    "time_zones",
    "create_launch",
    "launch_summary",
    "launch_checklist",
    "tick_item",
    "untick_item",
    "set_profile",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {error:#}");
    }
}
