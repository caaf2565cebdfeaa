//! Native file dialogs, shown by a child process of the app.
//!
//! Why not in-process (tauri-plugin-dialog): a GTK file chooser opens and
//! closes the files of the folder it shows to guess their types. When that
//! folder holds the store, closing any descriptor of `golive.db`, its `-wal`
//! or `-shm` drops every POSIX lock this process holds on them (SQLite's
//! documented "POSIX advisory locks" hazard). The `golive` CLI then believes
//! the app is gone, checkpoints and deletes the WAL under it, and the app's
//! next changes are lost. The end-to-end test `files` caught exactly that.
//! In a child process the chooser can open whatever it likes.

use std::path::PathBuf;
use std::process::Command;

use serde::Deserialize;

/// The argument that makes the app binary a file picker instead of the app.
pub const PICKER_ARG: &str = "--golive-file-picker";

#[derive(Debug, Clone, Copy, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum PickMode {
    Save,
    Open,
}

/// What the picker shows.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
pub struct PickRequest {
    pub mode: PickMode,
    pub title: String,
    /// The file name offered when saving, e.g. `arxos-plan.toml`.
    pub default_name: Option<String>,
    /// The extensions shown by the filter, without the dot; several are
    /// separated by commas (`vcf,csv`).
    pub extension: String,
    /// What such files are called, e.g. "Plan template".
    pub kind: String,
}

/// When the process was started as a picker: shows the dialog, prints the
/// chosen path, and returns the exit status (0 chosen, 1 cancelled).
pub fn run_if_asked() -> Option<i32> {
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() != Some(PICKER_ARG) {
        return None;
    }
    let json = args.next().unwrap_or_default();
    let request: PickRequest = match serde_json::from_str(&json) {
        Ok(request) => request,
        Err(error) => {
            eprintln!("golive file picker: bad request {json:?}: {error}");
            return Some(2);
        }
    };
    match show(&request) {
        Ok(Some(path)) => {
            println!("{}", path.display());
            Some(0)
        }
        Ok(None) => Some(1),
        Err(error) => {
            eprintln!("golive file picker: {error}");
            Some(2)
        }
    }
}

fn extensions(request: &PickRequest) -> Vec<&str> {
    request.extension.split(',').map(str::trim).collect()
}

/// GTK directly: GTK may answer "accepted" while no file is chosen (its
/// `gtk_file_chooser_get_filename` is documented to return NULL then), and
/// rfd 0.17 reads that name without checking for NULL. That fits the one
/// SIGSEGV of the picker seen in CI, right after a typed path and Return;
/// it did not happen again here in 60 tries. Here an acceptance without a
/// file keeps the dialog open, as if Return had not been pressed.
#[cfg(target_os = "linux")]
fn show(request: &PickRequest) -> Result<Option<PathBuf>, String> {
    use gtk::prelude::*;
    use gtk::{FileChooserAction, FileChooserNative, FileFilter, ResponseType};

    gtk::init().map_err(|e| format!("cannot start GTK: {e}"))?;
    let action = match request.mode {
        PickMode::Save => FileChooserAction::Save,
        PickMode::Open => FileChooserAction::Open,
    };
    let dialog = FileChooserNative::new(
        Some(&request.title),
        None::<&gtk::Window>,
        action,
        None,
        None,
    );
    let filter = FileFilter::new();
    filter.set_name(Some(&request.kind));
    for extension in extensions(request) {
        filter.add_pattern(&format!("*.{extension}"));
    }
    dialog.add_filter(filter);
    if let Some(home) = dirs_home() {
        dialog.set_current_folder(home);
    }
    if let PickMode::Save = request.mode {
        dialog.set_do_overwrite_confirmation(true);
        if let Some(name) = &request.default_name {
            dialog.set_current_name(name);
        }
    }
    loop {
        if dialog.run() != ResponseType::Accept {
            return Ok(None);
        }
        if let Some(path) = dialog.filename() {
            return Ok(Some(path));
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn show(request: &PickRequest) -> Result<Option<PathBuf>, String> {
    let mut dialog = rfd::FileDialog::new()
        .set_title(&request.title)
        .add_filter(&request.kind, &extensions(request));
    if let Some(home) = dirs_home() {
        dialog = dialog.set_directory(home);
    }
    Ok(match request.mode {
        PickMode::Save => {
            if let Some(name) = &request.default_name {
                dialog = dialog.set_file_name(name);
            }
            dialog.save_file()
        }
        PickMode::Open => dialog.pick_file(),
    })
}

fn dirs_home() -> Option<PathBuf> {
    std::env::var_os("HOME").map(PathBuf::from)
}

/// Shows the dialog in a child process; `None` when the person cancelled.
pub fn pick(request: &PickRequest) -> Result<Option<String>, String> {
    let exe =
        std::env::current_exe().map_err(|e| format!("cannot find the golive program: {e}"))?;
    let json = serde_json::to_string(&serde_json::json!({
        "mode": match request.mode { PickMode::Save => "save", PickMode::Open => "open" },
        "title": request.title,
        "default_name": request.default_name,
        "extension": request.extension,
        "kind": request.kind,
    }))
    .map_err(|e| format!("cannot describe the file dialog: {e}"))?;
    let out = Command::new(exe)
        .arg(PICKER_ARG)
        .arg(json)
        .output()
        .map_err(|e| format!("cannot open the file dialog: {e}"))?;
    match out.status.code() {
        Some(0) => Ok(Some(
            String::from_utf8_lossy(&out.stdout)
                .trim_end_matches('\n')
                .to_string(),
        )),
        Some(1) => Ok(None),
        _ => Err(format!(
            "the file dialog failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )),
    }
}
