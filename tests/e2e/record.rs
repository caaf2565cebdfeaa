//! The Record view: the trail filtered by who and what kind of change, a
//! subject's history, an event opening its item, the launch exported as a
//! signed bundle that `golive verify` accepts, and its data as JSON and CSV.

use crate::driver::App;
use crate::files::answer_file_dialog;
use crate::readiness::day0_in;
use crate::{cli, cli_fails};

/// Creates "Arxos platform" in `store`, go-live at 09:00 UTC `days` from today.
fn init_arxos(store: &std::path::Path, days: i64) {
    cli(
        store,
        &[
            "init",
            "--name",
            "Arxos platform",
            "--go-live",
            &format!("{}T09:00", day0_in(days, "UTC")),
            "--tz",
            "UTC",
        ],
    );
}

#[tokio::test]
async fn filter_the_record_open_a_subject_and_export_a_signed_bundle() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("golive.db");
    init_arxos(&store, 3);
    cli(&store, &["tick", "PRE-07", "--note", "load test report"]);
    // From here on the same OS user is recorded under a profile name.
    cli(&store, &["profile", "--name", "Ana Lopez", "--role", "pm"]);
    cli(
        &store,
        &["tick", "PRE-08", "--note", "monitoring dashboards live"],
    );
    cli(&store, &["signoff", "tech", "--go", "--comment", "ready"]);
    cli(&store, &["env", "add", "staging"]);
    cli(
        &store,
        &[
            "trigger", "add", "--env", "staging", "--name", "Ship", "--kind", "deploy", "--",
            "true",
        ],
    );
    cli(&store, &["deploy", "staging/Ship", "--version", "1.0"]);
    cli(&store, &["deploy", "staging/Ship", "--version", "2.0"]);
    let runs: serde_json::Value =
        serde_json::from_str(&cli(&store, &["--json", "runs"])).expect("JSON");
    let first_run = runs
        .as_array()
        .expect("runs")
        .iter()
        .find(|r| r["version"] == "1.0")
        .expect("the first deploy")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let log: serde_json::Value =
        serde_json::from_str(&cli(&store, &["--json", "log", "--limit", "1"])).expect("JSON");
    let ana = log[0]["actor"].as_str().expect("actor").to_string();

    let app = App::start(&store).await;
    app.find("[data-testid=view-dashboard]").await;
    app.click("[data-testid=nav-record]").await;
    app.find("[data-testid=view-record]").await;
    app.wait_for_text("[data-testid=chain-state]", "Chain intact")
        .await;
    app.find("[data-testid=record-event][data-subject='item:PRE-07']")
        .await;
    app.wait_for_text("[data-testid=record-log]", "monitoring dashboards live")
        .await;

    // Only Ana's changes: the first tick was made before the profile.
    app.select_value("[data-testid=record-actor]", &ana).await;
    app.gone("[data-testid=record-event][data-subject='item:PRE-07']")
        .await;
    app.find("[data-testid=record-event][data-subject='item:PRE-08']")
        .await;
    // ...and of those only sign-offs.
    app.select_value("[data-testid=record-kind]", "signoff")
        .await;
    app.gone("[data-testid=record-event][data-subject='item:PRE-08']")
        .await;
    app.find("[data-testid=record-event][data-action^='signoff']")
        .await;
    app.click("[data-testid=record-clear]").await;
    app.find("[data-testid=record-event][data-subject='item:PRE-07']")
        .await;

    // One subject's history.
    app.click(
        "[data-testid=record-event][data-subject='item:PRE-08'] [data-testid=record-history]",
    )
    .await;
    app.wait_for_value("[data-testid=record-subject]", "item:PRE-08")
        .await;
    app.gone("[data-testid=record-event][data-subject='item:PRE-07']")
        .await;
    app.screenshot("63-record-history").await;

    // The event opens its item.
    app.click("[data-testid=record-event][data-subject='item:PRE-08'] [data-testid=record-open]")
        .await;
    app.find("[data-testid=view-readiness]").await;
    app.wait_for_text("[data-testid=item-panel]", "PRE-08")
        .await;

    // A run's event opens that run, not the latest one.
    app.click("[data-testid=nav-record]").await;
    app.click(&format!(
        "[data-testid=record-event][data-subject='run:{first_run}'] [data-testid=record-open]"
    ))
    .await;
    app.find(&format!(
        "[data-testid=current-run][data-run='{first_run}']"
    ))
    .await;
    app.wait_for_text("[data-testid=current-run]", "1.0").await;

    // The launch as a signed bundle, verified by the CLI.
    app.click("[data-testid=nav-record]").await;
    app.click("[data-testid=export-bundle]").await;
    let bundle = dir.path().join("arxos-record.golive");
    answer_file_dialog("Export the record as a signed bundle", &bundle).await;
    app.wait_for_text("[data-testid=bundle-exported]", "Signed by ed25519:")
        .await;
    let fingerprint = app.text("[data-testid=bundle-fingerprint]").await;
    app.screenshot("64-record-exported").await;
    let verified = cli(
        &store,
        &["verify", bundle.to_str().unwrap(), "--key", &fingerprint],
    );
    assert!(
        verified.contains("VERIFIED: the record is exactly as signed."),
        "{verified}"
    );
    // The key's first use is itself in the record.
    app.wait_for_text("[data-testid=record-log]", "record.key")
        .await;

    // The data as JSON and as CSV files.
    app.click("[data-testid=export-json]").await;
    let json = dir.path().join("arxos-data.json");
    answer_file_dialog("Export the launch data as JSON", &json).await;
    app.wait_for_text("[data-testid=data-exported]", "arxos-data.json")
        .await;
    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("the JSON file"))
            .expect("JSON");
    assert!(
        data["tables"]["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|i| i["key"] == "PRE-08" && i["status"] == "done")
    );
    app.click("[data-testid=export-csv]").await;
    let folder = dir.path().join("arxos-tables");
    answer_file_dialog("Export the tables as CSV files into a new folder", &folder).await;
    app.wait_for_text("[data-testid=data-exported]", "arxos-tables")
        .await;
    let items = std::fs::read_to_string(folder.join("items.csv")).expect("items.csv");
    assert!(items.contains("PRE-08"), "{items}");
    app.screenshot("65-record-data-exported").await;
    app.quit().await;
}

/// A launch past Day 30 closes after its name is typed; then the window
/// says so on every view and a tick is refused with the reason.
#[tokio::test]
async fn close_a_launch_after_day_30_and_see_it_read_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("golive.db");
    init_arxos(&store, -40);
    let app = App::start(&store).await;
    app.find("[data-testid=view-dashboard]").await;
    app.click("[data-testid=close-launch]").await;
    app.find("[data-testid=close-dialog]").await;
    app.type_into("[data-testid=close-name]", "Arxos").await;
    app.click("[data-testid=close-confirm]").await;
    app.wait_for_text("[data-testid=close-error]", "Type Arxos platform exactly")
        .await;
    app.type_into("[data-testid=close-name]", "Arxos platform")
        .await;
    app.screenshot("66-close-launch").await;
    app.click("[data-testid=close-confirm]").await;
    app.gone("[data-testid=close-dialog]").await;
    app.wait_for_text("[data-testid=closed-banner]", "read-only")
        .await;
    app.gone("[data-testid=close-launch]").await;
    app.gone("[data-testid=reschedule]").await;

    // Nothing offers to change it: ticking is disabled, editing not shown.
    app.click("[data-testid=nav-readiness]").await;
    app.find("[data-testid=closed-banner]").await;
    assert!(
        app.attr("[data-testid=toggle-PRE-07]", "disabled")
            .await
            .is_some()
    );
    app.gone("[data-testid=add-item]").await;
    app.click("[data-testid=open-PRE-07]").await;
    app.find("[data-testid=item-panel]").await;
    app.gone("[data-testid=panel-tick]").await;
    app.screenshot("67-closed-launch-read-only").await;
    // ...and the store refuses what another program tries.
    let refused = cli_fails(&store, &["tick", "PRE-07"]);
    assert!(refused.contains("read-only"), "{refused}");
    let done = cli(&store, &["items", "--status", "done"]);
    assert!(!done.contains("PRE-07"), "{done}");
    assert!(cli(&store, &["log"]).contains("launch.close"));
    app.quit().await;
}

/// Processes whose command line holds every one of `words`.
fn processes_with(words: &[&str]) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let text = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if words.iter().all(|w| text.contains(w)) {
            found.push(pid);
        }
    }
    found
}

/// The report saved from the Record view, shown in the webview as a
/// browser would show it; the record exported, opened from the Record view
/// in a window of its own, and opened read-only: the banner says whose it
/// is and that it verified, and nothing offers to change it. Opened on a
/// machine that does not know the signer, the banner says it is not
/// verified and why.
#[tokio::test]
async fn save_the_report_and_open_the_record_read_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("golive.db");
    init_arxos(&store, -2);
    cli(&store, &["tick", "PRE-07", "--note", "load test report"]);
    cli(&store, &["signoff", "tech", "--go", "--comment", "ready"]);
    for value in ["81", "88.5", "93", "96.2"] {
        cli(&store, &["kpi", "record", "satisfaction", value]);
    }

    let app = App::start(&store).await;
    app.find("[data-testid=view-dashboard]").await;
    app.click("[data-testid=nav-record]").await;
    app.click("[data-testid=export-report]").await;
    app.find("[data-testid=report-dialog]").await;
    // A window that ends before it starts is caught before any file is asked for.
    app.type_into("[data-testid=report-from]", "2026-12-09")
        .await;
    app.type_into("[data-testid=report-until]", "2026-12-01")
        .await;
    app.wait_for_text("[data-testid=report-window-error]", "ends before it starts")
        .await;
    app.type_into("[data-testid=report-until]", "2026-12-10")
        .await;
    app.gone("[data-testid=report-window-error]").await;
    // Cancelled, the dialog starts afresh: the default window (go-live to now).
    app.click("[data-testid=report-dialog] button.btn:not(.primary)")
        .await;
    app.gone("[data-testid=report-dialog]").await;
    app.click("[data-testid=export-report]").await;
    assert_eq!(app.value("[data-testid=report-from]").await, "");
    app.screenshot("68-report-dialog").await;
    app.click("[data-testid=report-save]").await;
    let report = dir.path().join("arxos-report.html");
    answer_file_dialog("Save the report as HTML", &report).await;
    app.wait_for_text("[data-testid=report-written]", "arxos-report.html")
        .await;
    let html = std::fs::read_to_string(&report).expect("the report");
    assert!(html.contains("load test report") && html.contains("<svg class=\"chart\""));

    // The same report as Markdown.
    app.click("[data-testid=export-report]").await;
    app.click("[data-testid=report-markdown]").await;
    app.click("[data-testid=report-save]").await;
    let markdown = dir.path().join("arxos-report.md");
    answer_file_dialog("Save the report as Markdown", &markdown).await;
    app.wait_for_text("[data-testid=report-written]", "arxos-report.md")
        .await;
    assert!(
        std::fs::read_to_string(&markdown)
            .expect("the Markdown report")
            .contains("| **PRE-07**")
    );

    // The bundle, then Open record… on it: a window of its own opens.
    app.click("[data-testid=export-bundle]").await;
    let bundle = dir.path().join("arxos-record.golive");
    answer_file_dialog("Export the record as a signed bundle", &bundle).await;
    app.wait_for_text("[data-testid=bundle-exported]", "Signed by ed25519:")
        .await;
    let bundle_arg = bundle.to_str().unwrap();
    app.click("[data-testid=open-record]").await;
    answer_file_dialog("Open an exported record", &bundle).await;
    app.wait_for_text("[data-testid=record-opened]", "window of its own")
        .await;
    let spawned = processes_with(&["golive-desktop", "--record", bundle_arg]);
    assert_eq!(spawned.len(), 1, "one review window: {spawned:?}");
    let _ = std::process::Command::new("kill")
        .arg(spawned[0].to_string())
        .status();

    // The report as a browser shows it (and prints it).
    app.client
        .execute(
            "document.open(); document.write(arguments[0]); document.close(); return true;",
            vec![serde_json::Value::from(html)],
        )
        .await
        .expect("show the report");
    app.screenshot("69-report-html").await;
    app.client
        .execute(
            "document.querySelector('figure').scrollIntoView(); return true;",
            vec![],
        )
        .await
        .expect("scroll to the charts");
    app.screenshot("70-report-html-charts").await;
    app.quit().await;

    // The record read-only: this machine's store vouches for its signer.
    let before = std::fs::read(&bundle).expect("the bundle");
    let events_before = cli(&store, &["log"]).lines().count();
    let review = App::start_with(&store, &[], &["--record", bundle_arg]).await;
    review
        .wait_for_text("[data-testid=review-banner]", "Arxos platform")
        .await;
    review
        .wait_for_text(
            "[data-testid=review-verified]",
            "Verified: the record is exactly as signed",
        )
        .await;
    review
        .wait_for_text("[data-testid=dashboard-decision]", "PENDING")
        .await;
    review.gone("[data-testid=new-launch]").await;
    review.gone("[data-testid=backups]").await;
    review.gone("[data-testid=reschedule]").await;
    review.screenshot("71-review-dashboard").await;
    review.click("[data-testid=nav-readiness]").await;
    review.find("[data-testid=toggle-PRE-07]").await;
    assert!(
        review
            .attr("[data-testid=toggle-PRE-08]", "disabled")
            .await
            .is_some(),
        "ticking is not offered"
    );
    review.gone("[data-testid=add-item]").await;
    review.click("[data-testid=open-PRE-07]").await;
    review
        .wait_for_text("[data-testid=item-panel]", "load test report")
        .await;
    review.gone("[data-testid=panel-reopen]").await;
    review.screenshot("72-review-readiness").await;
    review.click("[data-testid=nav-decision]").await;
    review.find("[data-testid=view-decision]").await;
    review.gone("[data-testid=go-pm]").await;
    review.click("[data-testid=nav-deploy]").await;
    review.find("[data-testid=view-deploy]").await;
    review.gone("[data-testid=add-trigger]").await;
    review.click("[data-testid=nav-record]").await;
    review
        .wait_for_text("[data-testid=chain-state]", "Chain intact")
        .await;
    review.gone("[data-testid=export-bundle]").await;
    review.screenshot("73-review-record").await;
    review.quit().await;
    assert_eq!(
        std::fs::read(&bundle).expect("the bundle"),
        before,
        "reviewing changed nothing in the file"
    );
    assert_eq!(
        cli(&store, &["log"]).lines().count(),
        events_before,
        "reviewing the record wrote nothing to this machine's store"
    );

    // Elsewhere, nobody vouches for the signer.
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let stranger = App::start_with(
        &elsewhere.path().join("golive.db"),
        &[],
        &["--record", bundle_arg],
    )
    .await;
    stranger
        .wait_for_text("[data-testid=review-verified]", "NOT VERIFIED")
        .await;
    stranger
        .wait_for_text("[data-testid=review-verified]", "does not know")
        .await;
    stranger.screenshot("74-review-unverified").await;
    stranger.quit().await;

    // Someone marks an item done inside the bundle and puts the signed
    // trailer back: the banner says the record was changed.
    let bytes = std::fs::read(&bundle).expect("the bundle");
    let n = bytes.len();
    let trailer_length = u64::from_le_bytes(bytes[n - 24..n - 16].try_into().unwrap()) as usize;
    let (database, trailer) = bytes.split_at(n - 24 - trailer_length);
    let forged = dir.path().join("forged.golive");
    std::fs::write(&forged, database).expect("write the forged database");
    let conn = rusqlite::Connection::open(&forged).expect("open the forged database");
    conn.execute("UPDATE items SET status = 'done' WHERE key = 'PRE-08'", [])
        .expect("change a row");
    drop(conn);
    let mut forged_bytes = std::fs::read(&forged).expect("the forged database");
    forged_bytes.extend_from_slice(trailer);
    std::fs::write(&forged, forged_bytes).expect("append the trailer");
    let changed = App::start_with(&store, &[], &["--record", forged.to_str().unwrap()]).await;
    changed
        .wait_for_text(
            "[data-testid=review-verified]",
            "changed after it was signed",
        )
        .await;
    changed
        .wait_for_text("[data-testid=review-verified]", "snapshot")
        .await;
    changed.screenshot("75-review-changed").await;
    changed.quit().await;
    assert!(
        !elsewhere.path().join("golive.db").exists(),
        "reviewing created no store"
    );
}
