//! A second launch from the sidebar, and switching between launches.

use crate::driver::App;

#[tokio::test]
async fn a_second_launch_is_created_from_the_sidebar_and_launches_switch() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("golive.db");
    crate::cli(
        &store,
        &[
            "init",
            "--name",
            "Arxos platform",
            "--go-live",
            "2026-12-07T09:00",
            "--tz",
            "UTC",
        ],
    );
    crate::cli(&store, &["tick", "PRE-01", "--note", "only in Arxos"]);

    let app = App::start(&store).await;
    app.wait_for_text("[data-testid=view-dashboard]", "Arxos platform")
        .await;
    app.click("[data-testid=new-launch]").await;
    app.find("[data-testid=create-launch]").await;
    app.type_into("#launch-name", "Billing rehearsal").await;
    app.type_into("#launch-date", "2027-02-01").await;
    app.type_into("#launch-time", "06:30").await;
    app.find("#launch-tz")
        .await
        .select_by_value("America/New_York")
        .await
        .expect("choose the time zone");
    app.click("[data-testid=create-submit]").await;

    // The new launch opens, with nothing ticked.
    app.wait_for_text("[data-testid=view-dashboard]", "Billing rehearsal")
        .await;
    app.wait_for_text("[data-testid=view-dashboard]", "America/New_York")
        .await;
    app.wait_for_text("[data-testid=phase-row-pre]", "0 / 37")
        .await;
    app.screenshot("12-second-launch").await;

    // Switching back shows the first launch and its tick.
    app.find("#launch-select")
        .await
        .select_by_label("Arxos platform")
        .await
        .expect("switch launch");
    app.wait_for_text("[data-testid=view-dashboard]", "Arxos platform")
        .await;
    app.wait_for_text("[data-testid=phase-row-pre]", "1 / 37")
        .await;
    app.quit().await;

    let launches = crate::cli(&store, &["launches"]);
    assert!(
        launches.contains("Billing rehearsal") && launches.contains("Arxos platform"),
        "{launches}"
    );
}
