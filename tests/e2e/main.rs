//! End-to-end tests of the real desktop app in its real webview:
//! tauri-driver in front of WebKitWebDriver, under the display the caller
//! provides (`make test` runs them under Xvfb). Screenshots of every screen
//! go to `target/e2e-artifacts/`.

mod backups;
mod bench;
mod deploy;
mod driver;
mod feedback;
mod files;
mod go_no_go;
mod health;
mod launches;
mod people;
mod plan_and_people;
mod readiness;
mod record;
mod rendering;
mod risks;
mod store_errors;
mod training;
mod updates;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// Every GUI step is bounded so a hung webview fails the test instead of CI.
pub const STEP: Duration = Duration::from_secs(20);

pub fn artifacts() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/e2e-artifacts");
    std::fs::create_dir_all(&dir).expect("create target/e2e-artifacts");
    dir
}

/// The `golive` CLI built beside the app (`make test` builds the workspace).
pub fn golive_cli() -> PathBuf {
    let app = PathBuf::from(env!("CARGO_BIN_EXE_golive-desktop"));
    let cli = app.with_file_name(format!("golive{}", std::env::consts::EXE_SUFFIX));
    assert!(
        cli.exists(),
        "{} is missing: build the workspace first (`cargo build --workspace`, as `make test` does)",
        cli.display()
    );
    cli
}

/// Ticks every pre-launch item that no rule decides, adds a contact for
/// each role and trains the trainer (PRE-32): what stands between a launch
/// and its sign-offs, once a rollback was rehearsed (PRE-35).
pub fn settle_everything_but_the_signoffs(store: &std::path::Path) {
    let items: serde_json::Value =
        serde_json::from_str(&cli(store, &["items", "--phase", "pre", "--json"])).expect("json");
    for item in items.as_array().expect("items") {
        if item["rule"].is_null() {
            cli(store, &["tick", item["key"].as_str().expect("key")]);
        }
    }
    for (name, role) in [
        ("Ana", "pm"),
        ("Ben", "tech"),
        ("Cleo", "support"),
        ("Dev", "security"),
        ("Eli", "trainer"),
    ] {
        cli(store, &["contact", "add", "--name", name, "--role", role]);
    }
    cli(
        store,
        &[
            "training",
            "add",
            "--title",
            "Admin training",
            "--audience",
            "administrators",
            "--start",
            "2026-12-03 09:00",
            "--end",
            "2026-12-03 10:00",
            "--attendee",
            "Eli",
        ],
    );
    cli(store, &["training", "complete", "TRN-1", "Eli"]);
}

/// Runs the `golive` CLI on `store`; fails the test with its message if it fails.
pub fn cli(store: &std::path::Path, args: &[&str]) -> String {
    let out = run_cli(store, args);
    assert!(
        out.status.success(),
        "golive {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Runs the command line on `store` expecting it to fail; what it said.
pub fn cli_fails(store: &std::path::Path, args: &[&str]) -> String {
    let out = run_cli(store, args);
    assert!(!out.status.success(), "golive {args:?} succeeded");
    String::from_utf8_lossy(&out.stderr).to_string()
}

fn run_cli(store: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(crate::golive_cli())
        .arg("--store")
        .arg(store)
        .args(args)
        .env("GOLIVE_LOG_DIR", store.with_file_name("logs"))
        .output()
        .expect("run golive")
}
