//! The TypeScript types of everything that crosses IPC, generated from the
//! Rust types with ts-rs into `ui/src/lib/ipc/bindings/`. This test fails
//! when the committed bindings differ from the Rust types; run it with
//! `UPDATE_BINDINGS=1` (or `make bindings`) to rewrite them.

use std::path::{Path, PathBuf};

use ts_rs::{Config, TS};

fn export_all(dir: &Path) {
    use golive_core::{audit, launch, readiness};
    let cfg = &Config::new().with_out_dir(dir).with_large_int("number");
    let exports = [
        crate::commands::AppInfo::export_all(cfg),
        crate::commands::NewLaunchInput::export_all(cfg),
        crate::CommandError::export_all(cfg),
        launch::Launch::export_all(cfg),
        launch::Role::export_all(cfg),
        readiness::Summary::export_all(cfg),
        readiness::Checklist::export_all(cfg),
        audit::Event::export_all(cfg),
        audit::Verification::export_all(cfg),
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
