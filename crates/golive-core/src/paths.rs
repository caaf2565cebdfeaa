//! Where golive keeps its store and logs by default.

use std::path::PathBuf;

/// `GOLIVE_STORE`, else the platform data folder
/// (`$XDG_DATA_HOME/golive/golive.db` on Linux).
pub fn default_store() -> PathBuf {
    if let Some(path) = std::env::var_os("GOLIVE_STORE").filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    data_folder().join("golive.db")
}

fn data_folder() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| std::env::temp_dir().join("golive-data"))
        .join("golive")
}

/// The platform log folder: `$XDG_STATE_HOME/golive/logs` on Linux,
/// `~/Library/Logs/golive` on macOS, `%LOCALAPPDATA%\golive\logs` on Windows.
/// `GOLIVE_LOG_DIR` overrides it.
pub fn log_folder() -> PathBuf {
    if let Some(path) = std::env::var_os("GOLIVE_LOG_DIR").filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    if cfg!(target_os = "macos")
        && let Some(home) = dirs::home_dir()
    {
        return home.join("Library/Logs/golive");
    }
    dirs::state_dir()
        .or_else(dirs::data_local_dir)
        .map(|d| d.join("golive").join("logs"))
        .unwrap_or_else(|| data_folder().join("logs"))
}
