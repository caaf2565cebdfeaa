//! The desktop shell: a thin Tauri layer over `golive-core`. Commands unpack
//! arguments, call one core function and convert the result; no business
//! rules live here.

mod commands;
mod error;
mod state;
mod store_changes;

pub use error::CommandError;

use state::AppState;

pub fn run() {
    let _log = golive_core::logging::init("golive-desktop");
    let state = AppState::open(golive_core::paths::default_store());
    let result = tauri::Builder::default()
        .setup(|app| {
            store_changes::watch(app.handle().clone());
            Ok(())
        })
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::list_launches,
            commands::time_zones,
            commands::create_launch,
            commands::launch_summary,
            commands::launch_checklist,
            commands::tick_item,
            commands::untick_item,
            commands::set_profile,
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
