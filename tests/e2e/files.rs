//! Files through the native dialogs: exporting the plan as a template and the
//! checklist as Markdown, and creating a launch from a template file (a bad
//! one is refused with file, line and field). The GTK file dialogs are real;
//! xdotool types the path into them, as a person would. The dialogs browse
//! the store's own folder on purpose: in-process dialogs once dropped the
//! app's SQLite locks there and lost its changes (see file_picker.rs).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::cli;
use crate::driver::App;
use crate::readiness::day0_in;

/// Waits for the file dialog titled `title`, types `path` into it and
/// presses Enter; types again if the dialog is still open afterwards.
pub async fn answer_file_dialog(title: &str, path: &Path) {
    let deadline = Instant::now() + crate::STEP;
    let window = loop {
        if let Some(id) = visible_window(title) {
            break id;
        }
        assert!(
            Instant::now() < deadline,
            "no file dialog titled {title:?} opened"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // Let GTK finish mapping the dialog before typing into it.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let path = path.display().to_string();
    for attempt in 1..=3 {
        type_path(&window, &path).await;
        // GTK may swallow Return while its location entry still completes
        // the typed path (seen about once in forty runs on the CI machine);
        // a person would look and press it again, and so does this.
        let closing = Instant::now() + Duration::from_secs(4);
        while Instant::now() < closing {
            if visible_window(title).as_deref() != Some(window.as_str()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        eprintln!("file dialog {title:?} still open after attempt {attempt}; typing again");
    }
    panic!("file dialog {title:?} did not take {path:?} after three attempts");
}

/// The id of the last mapped window titled `title`; a closed dialog of the
/// same title may linger unmapped.
fn visible_window(title: &str) -> Option<String> {
    let found = Command::new("xdotool")
        .args(["search", "--onlyvisible", "--name", title])
        .output()
        .expect("run xdotool (`make test` installs it)");
    let ids = String::from_utf8_lossy(&found.stdout).to_string();
    ids.lines()
        .map(str::trim)
        .rfind(|id| !id.is_empty())
        .map(str::to_string)
}

async fn type_path(window: &str, path: &str) {
    for args in [
        vec!["windowfocus", window],
        vec!["key", "--window", window, "ctrl+l"],
        vec!["key", "--window", window, "ctrl+a"],
        vec!["type", "--window", window, "--delay", "20", path],
        vec!["key", "--window", window, "Return"],
    ] {
        if args[1] == "--window" && args[3] == "Return" {
            // GTK's location entry completes the typed path in the
            // background; Return pressed while it does crashed the dialog
            // about one time in six here (typing as a person does, it never did).
            tokio::time::sleep(Duration::from_millis(600)).await;
        }
        let status = Command::new("xdotool")
            .args(&args)
            .status()
            .expect("run xdotool");
        assert!(status.success(), "xdotool {args:?} failed");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

#[tokio::test]
async fn export_the_plan_and_markdown_then_create_a_launch_from_a_template_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("golive.db");
    cli(
        &store,
        &[
            "init",
            "--name",
            "Arxos platform",
            "--go-live",
            &format!("{}T09:00", day0_in(3, "UTC")),
            "--tz",
            "UTC",
        ],
    );
    cli(
        &store,
        &[
            "item",
            "edit",
            "PRE-01",
            "--title",
            "Servers configured (all 12 hosts)",
        ],
    );
    let app = App::start(&store).await;
    app.find("[data-testid=view-dashboard]").await;

    // Export the plan through the save dialog.
    let plan = dir.path().join("exported-plan.toml");
    app.click("[data-testid=export-template]").await;
    answer_file_dialog("Export the plan as a template", &plan).await;
    app.wait_for_text("[data-testid=launch-notice]", "Saved")
        .await;
    let text = std::fs::read_to_string(&plan).expect("the exported plan");
    assert!(
        text.contains("title = \"Servers configured (all 12 hosts)\""),
        "the edit is in the plan"
    );
    assert!(cli(&store, &["template", "check", plan.to_str().unwrap()]).contains("92 items"));

    // Export the checklist as Markdown.
    let markdown = dir.path().join("readiness.md");
    app.click("[data-testid=export-markdown]").await;
    answer_file_dialog("Export the checklist as Markdown", &markdown).await;
    app.wait_for_text("[data-testid=launch-notice]", "readiness.md")
        .await;
    let md = std::fs::read_to_string(&markdown).expect("the Markdown export");
    assert!(
        md.starts_with("# Readiness: Arxos platform") && md.contains("## Go / no-go: PENDING"),
        "{md}"
    );

    // A bad template is refused whole, naming file, line and field.
    let bad = dir.path().join("bad-plan.toml");
    std::fs::write(
        &bad,
        text.replacen("owner = \"tech\"", "owner = \"cto\"", 1),
    )
    .expect("write the bad plan");
    app.click("[data-testid=new-launch]").await;
    app.type_into("#launch-name", "Second wave").await;
    app.type_into("[data-testid=launch-date]", &day0_in(20, "UTC"))
        .await;
    app.click("[data-testid=choose-template]").await;
    answer_file_dialog("Create the launch from a plan template", &bad).await;
    app.wait_for_text("[data-testid=template-path]", "bad-plan.toml")
        .await;
    app.click("[data-testid=create-submit]").await;
    app.wait_for_text("[data-testid=create-error]", "bad-plan.toml:")
        .await;
    app.wait_for_text(
        "[data-testid=create-error]",
        "field `phases[0].sections[0].items[0].owner`",
    )
    .await;
    app.screenshot("40-bad-template-refused").await;
    let launches: Value =
        serde_json::from_str(&cli(&store, &["launches", "--json"])).expect("json");
    assert_eq!(launches.as_array().unwrap().len(), 1, "nothing was created");

    // The exported plan makes the new launch.
    app.click("[data-testid=choose-template]").await;
    answer_file_dialog("Create the launch from a plan template", &plan).await;
    app.wait_for_text("[data-testid=template-path]", "exported-plan.toml")
        .await;
    app.click("[data-testid=create-submit]").await;
    app.find("[data-testid=view-dashboard]").await;
    app.wait_for_text("#dash-title", "Second wave").await;
    app.screenshot("41-launch-from-template").await;
    app.quit().await;
    // The store kept every change while the dialogs browsed its own folder.
    let launches = cli(&store, &["launches"]);
    assert!(launches.contains("Second wave"), "{launches}");
    assert!(cli(&store, &["verify"]).contains("intact"));
    let copied: Value = serde_json::from_str(&cli(
        &store,
        &[
            "--launch",
            "Second wave",
            "item",
            "show",
            "PRE-01",
            "--json",
        ],
    ))
    .expect("json");
    assert_eq!(copied["item"]["title"], "Servers configured (all 12 hosts)");
}
