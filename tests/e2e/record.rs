//! The Record view: the trail filtered by who and what kind of change, a
//! subject's history, an event opening its item, the launch exported as a
//! signed bundle that `golive verify` accepts, and its data as JSON and CSV.

use crate::cli;
use crate::driver::App;
use crate::files::answer_file_dialog;
use crate::readiness::day0_in;

#[tokio::test]
async fn filter_the_record_open_a_subject_and_export_a_signed_bundle() {
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
    cli(&store, &["tick", "PRE-07", "--note", "load test report"]);
    // From here on the same OS user is recorded under a profile name.
    cli(&store, &["profile", "--name", "Ana Lopez", "--role", "pm"]);
    cli(
        &store,
        &["tick", "PRE-08", "--note", "monitoring dashboards live"],
    );
    cli(&store, &["signoff", "tech", "--go", "--comment", "ready"]);
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
    cli(
        &store,
        &[
            "init",
            "--name",
            "Arxos platform",
            "--go-live",
            &format!("{}T09:00", day0_in(-40, "UTC")),
            "--tz",
            "UTC",
        ],
    );
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

    app.click("[data-testid=nav-readiness]").await;
    app.find("[data-testid=closed-banner]").await;
    app.click("[data-testid=toggle-PRE-07]").await;
    app.find("[data-testid=note-dialog]").await;
    app.click("[data-testid=note-confirm]").await;
    app.wait_for_text("[data-testid=note-error]", "read-only")
        .await;
    app.screenshot("67-closed-launch-refuses").await;
    let done = cli(&store, &["items", "--status", "done"]);
    assert!(!done.contains("PRE-07"), "{done}");
    assert!(cli(&store, &["log"]).contains("launch.close"));
    app.quit().await;
}
