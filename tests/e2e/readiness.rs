//! Creating a launch, ticking with a note, restarting, and a tick from the
//! CLI showing up in the open window.

use std::time::Duration;

use serde_json::Value;

use crate::cli;
use crate::driver::App;

/// The date `days` from today in `time_zone` (the launch's "today", not the machine's).
pub fn day0_in(days: i64, time_zone: &str) -> String {
    let today = jiff::Timestamp::now()
        .in_tz(time_zone)
        .expect("a known time zone")
        .date();
    today
        .checked_add(jiff::ToSpan::days(days))
        .expect("a date")
        .to_string()
}

#[tokio::test]
async fn create_a_launch_tick_with_a_note_and_find_it_after_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("golive.db");

    let app = App::start(&store).await;
    // First start: the app offers to create a launch.
    app.find("[data-testid=create-launch]").await;
    app.screenshot("01-first-start").await;
    // A bad date is refused in words, and nothing is created.
    app.type_into("#launch-name", "Arxos platform").await;
    app.type_into("#launch-date", "next week").await;
    app.click("[data-testid=create-submit]").await;
    app.wait_for_text("[data-testid=create-error]", "YYYY-MM-DD")
        .await;
    app.screenshot("02-create-launch-error").await;

    app.type_into("#launch-platform", "Arxos").await;
    app.type_into("#launch-date", &day0_in(3, "Europe/Berlin"))
        .await;
    app.type_into("#launch-time", "09:00").await;
    app.find("#launch-tz")
        .await
        .select_by_value("Europe/Berlin")
        .await
        .expect("choose the time zone");
    app.click("[data-testid=create-submit]").await;

    // The dashboard: countdown, readiness per phase, overdue and due today.
    app.find("[data-testid=view-dashboard]").await;
    app.wait_for_text("[data-testid=countdown]", "Countdown to Day 0")
        .await;
    let countdown = app.text("[data-testid=countdown]").await;
    assert!(countdown.contains("Day -3"), "today is Day -3: {countdown}");
    let phases = app.text("[data-testid=phase-progress]").await;
    for phase in [
        "Pre-go-live preparation",
        "Go-live day",
        "Immediate post-go-live",
        "Stabilization",
    ] {
        assert!(
            phases.contains(phase),
            "the dashboard lists {phase}: {phases}"
        );
    }
    let overdue = app.text("[data-testid=overdue]").await;
    assert!(
        overdue.contains("PRE-01"),
        "PRE-01 was due on Day -7: {overdue}"
    );
    app.screenshot("03-dashboard").await;

    // Readiness: tick PRE-07 with a note.
    app.click("[data-testid=nav-readiness]").await;
    app.find("[data-testid=view-readiness]").await;
    let pre07 = app.text("[data-testid=item-PRE-07]").await;
    assert!(
        pre07.contains("SSL certificate validation") && pre07.contains("Security lead"),
        "{pre07}"
    );
    assert!(pre07.contains("Day -6"), "{pre07}");
    app.screenshot("04-readiness").await;
    app.click("[data-testid=toggle-PRE-07]").await;
    app.find("[data-testid=note-dialog]").await;
    app.type_into("[data-testid=note-text]", "load test report in wiki")
        .await;
    app.screenshot("05-tick-note-dialog").await;
    app.click("[data-testid=note-confirm]").await;
    app.gone("[data-testid=note-dialog]").await;
    app.wait_for_attr(
        "[data-testid=item-PRE-07]",
        "data-status",
        "done",
        crate::STEP,
    )
    .await;
    let meta = app.text("[data-testid=meta-PRE-07]").await;
    assert!(
        meta.contains("Ticked by") && meta.contains("load test report in wiki"),
        "{meta}"
    );
    app.screenshot("06-ticked").await;
    app.quit().await;

    // The tick is in the store, with its audit event.
    let items: Value = serde_json::from_str(&cli(&store, &["items", "--json"])).expect("json");
    let pre07 = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == "PRE-07")
        .unwrap()
        .clone();
    assert_eq!(pre07["status"], "done");
    let actor = pre07["status_by"].as_str().unwrap().to_string();
    assert!(cli(&store, &["verify"]).contains("intact: 2 events"));

    // Start again: PRE-07 is still ticked, with note, actor and time.
    let app = App::start(&store).await;
    app.click("[data-testid=nav-readiness]").await;
    app.wait_for_attr(
        "[data-testid=item-PRE-07]",
        "data-status",
        "done",
        crate::STEP,
    )
    .await;
    let meta = app.text("[data-testid=meta-PRE-07]").await;
    assert!(meta.contains(&format!("Ticked by {actor}")), "{meta}");
    assert!(meta.contains("load test report in wiki"), "{meta}");
    assert!(
        meta.chars().any(|c| c.is_ascii_digit()) && meta.contains(':'),
        "the time is shown: {meta}"
    );

    // Reopening asks for a reason; an empty reason is refused.
    app.click("[data-testid=toggle-PRE-07]").await;
    app.click("[data-testid=note-confirm]").await;
    app.wait_for_text("[data-testid=note-dialog]", "A reason is required")
        .await;
    app.type_into("[data-testid=note-text]", "report was for staging")
        .await;
    app.click("[data-testid=note-confirm]").await;
    app.wait_for_attr(
        "[data-testid=item-PRE-07]",
        "data-status",
        "open",
        crate::STEP,
    )
    .await;
    app.wait_for_text("[data-testid=meta-PRE-07]", "report was for staging")
        .await;
    app.screenshot("07-reopened-after-restart").await;
    app.quit().await;
}

#[tokio::test]
async fn a_tick_from_the_cli_appears_in_the_open_window_and_the_keyboard_ticks() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("golive.db");
    cli(
        &store,
        &[
            "init",
            "--name",
            "Arxos platform",
            "--platform",
            "Arxos",
            "--go-live",
            &format!("{}T09:00", day0_in(2, "UTC")),
            "--tz",
            "UTC",
        ],
    );

    let app = App::start(&store).await;
    app.click("[data-testid=nav-readiness]").await;
    app.wait_for_attr(
        "[data-testid=item-PRE-03]",
        "data-status",
        "open",
        crate::STEP,
    )
    .await;

    cli(
        &store,
        &["tick", "PRE-03", "--note", "ticked from the terminal"],
    );
    // The window follows the store within about a second (allowing for a slow CI machine).
    app.wait_for_attr(
        "[data-testid=item-PRE-03]",
        "data-status",
        "done",
        Duration::from_secs(5),
    )
    .await;
    app.wait_for_text("[data-testid=meta-PRE-03]", "ticked from the terminal")
        .await;
    app.screenshot("08-tick-from-cli").await;

    // The profile: a display name and role go with every change from now on.
    app.click("[data-testid=profile]").await;
    app.find("[data-testid=profile-dialog]").await;
    app.type_into("#profile-name", "Ana Lopez").await;
    app.type_into("#profile-role", "Project manager").await;
    app.screenshot("09-profile-dialog").await;
    app.click("[data-testid=profile-dialog] button[type=submit]")
        .await;
    app.gone("[data-testid=profile-dialog]").await;
    app.wait_for_text("[data-testid=profile]", "Ana Lopez")
        .await;

    // Keyboard: focus the first item, move down with j, tick with x.
    app.find("[data-testid=toggle-PRE-01]")
        .await
        .click()
        .await
        .expect("focus PRE-01");
    app.find("[data-testid=note-dialog]").await;
    app.client
        .active_element()
        .await
        .expect("focus")
        .send_keys("\u{e00c}")
        .await
        .expect("Escape closes");
    app.gone("[data-testid=note-dialog]").await;
    let focused = app.client.active_element().await.expect("focus");
    focused.send_keys("j").await.expect("j");
    let focused = app.client.active_element().await.expect("focus");
    assert_eq!(
        focused.attr("data-testid").await.unwrap().as_deref(),
        Some("toggle-PRE-02"),
        "j moves to the next item"
    );
    focused.send_keys("x").await.expect("x");
    app.find("[data-testid=note-dialog]").await;
    app.client
        .active_element()
        .await
        .expect("focus")
        .send_keys("by keyboard\u{e007}")
        .await
        .expect("type and Enter");
    app.wait_for_attr(
        "[data-testid=item-PRE-02]",
        "data-status",
        "done",
        crate::STEP,
    )
    .await;
    app.wait_for_text("[data-testid=meta-PRE-02]", "Ticked by Ana Lopez")
        .await;

    // The dashboard counts both, in the dark theme too.
    app.click("[data-testid=nav-dashboard]").await;
    app.wait_for_text("[data-testid=phase-row-pre]", "2 / 37")
        .await;
    app.click("[data-testid=theme]").await;
    app.click("[data-testid=theme]").await;
    assert_eq!(
        app.client
            .execute("return document.documentElement.dataset.theme", vec![])
            .await
            .expect("theme"),
        Value::String("dark".into())
    );
    app.screenshot("10-dashboard-dark").await;
    app.quit().await;

    let log = cli(&store, &["log"]);
    assert!(
        log.contains("ticked from the terminal") && log.contains("by keyboard"),
        "{log}"
    );
}
