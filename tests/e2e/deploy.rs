//! Day 0 in the real app against the demo platform: the gate blocks a
//! production deploy, sign-offs open it, a deploy runs with its live log
//! beside production health and validates; the broken build raises the
//! rollback banner and the rollback runs. Then a trigger added in the
//! window runs on staging and is cancelled.

use std::time::Duration;

use serde_json::Value;

use crate::cli;
use crate::driver::App;
use crate::health::{KNOWN_SECRET, demo_platform, free_port_pair};

/// How long each demo deploy or rollback prints its progress here.
const DEMO_SECONDS: &str = "6";

/// Everything the go decision needs, settled from the command line while
/// the app is open: a rollback rehearsed on staging (PRE-35), the items
/// without a rule, contacts for every role, and the four sign-offs.
fn settle_the_gate(store: &std::path::Path) {
    cli(store, &["deploy", "staging/Roll back"]);
    crate::settle_everything_but_the_signoffs(store);
    for role in ["pm", "tech", "support", "security"] {
        cli(store, &["signoff", role, "--go"]);
    }
}

/// Fills the run dialog's fields (by test id), starts the run and waits
/// for the dialog to close.
async fn start_in_dialog(app: &App, fields: &[(&str, &str)]) {
    for (field, text) in fields {
        app.type_into(&format!("[data-testid={field}]"), text).await;
    }
    app.click("[data-testid=run-start]").await;
    app.gone("[data-testid=run-dialog]").await;
}

#[tokio::test]
async fn the_gate_a_deploy_with_its_live_log_a_broken_build_and_the_rollback() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("golive.db");
    let port = free_port_pair();
    let _demo = demo_platform(&store, port);
    let port_text = port.to_string();
    let app = App::start_with_env(
        &store,
        &[
            ("GOLIVE_DEMO_PORT", port_text.as_str()),
            ("GOLIVE_DEMO_TOKEN", KNOWN_SECRET),
            ("GOLIVE_DEMO_DEPLOY_SECONDS", DEMO_SECONDS),
        ],
    )
    .await;
    app.click("[data-testid=create-demo]").await;
    app.find("[data-testid=view-dashboard]").await;
    app.click("[data-testid=nav-deploy]").await;

    // The gate is closed: the production deploy cannot start without an override.
    app.wait_for_attr(
        "[data-testid=gate-state]",
        "data-open",
        "false",
        crate::STEP,
    )
    .await;
    app.click("[data-testid=\"run-Deploy release\"]").await;
    app.wait_for_text(
        "[data-testid=gate-closed]",
        "Technical lead has not signed off",
    )
    .await;
    app.type_into("[data-testid=run-confirm]", "production")
        .await;
    assert_eq!(
        app.attr("[data-testid=run-start]", "disabled")
            .await
            .as_deref(),
        Some("true"),
        "a closed gate needs an override with a reason"
    );
    app.screenshot("deploy-gate-closed").await;
    app.click("[data-testid=run-dialog] .dialog-actions .btn:not(.primary)")
        .await;
    app.gone("[data-testid=run-dialog]").await;

    // Sign-offs (and the rest of the plan) open it.
    settle_the_gate(&store);
    app.wait_for_attr(
        "[data-testid=gate-state]",
        "data-open",
        "true",
        Duration::from_secs(30),
    )
    .await;

    // A deploy with the environment's name typed: the live log beside health.
    app.click("[data-testid=\"run-Deploy release\"]").await;
    app.find("[data-testid=gate-open]").await;
    app.type_into("[data-testid=run-version]", "2.6").await;
    app.type_into("[data-testid=run-confirm]", "prod").await;
    assert_eq!(
        app.attr("[data-testid=run-start]", "disabled")
            .await
            .as_deref(),
        Some("true"),
        "the name must be typed exactly"
    );
    start_in_dialog(&app, &[("run-confirm", "production")]).await;
    app.wait_for_attr(
        "[data-testid=current-run]",
        "data-state",
        "running",
        crate::STEP,
    )
    .await;
    app.wait_for_attr_where(
        "[data-testid=log]",
        "data-lines",
        "lines arriving while it runs",
        |n| n.parse::<u32>().is_ok_and(|n| n >= 6),
        crate::STEP,
    )
    .await;
    app.screenshot("deploy-live-log").await;
    app.wait_for_attr(
        "[data-testid=current-run]",
        "data-validation",
        "passed",
        Duration::from_secs(40),
    )
    .await;
    app.wait_for_attr(
        "[data-testid=current-run]",
        "data-state",
        "succeeded",
        crate::STEP,
    )
    .await;
    app.wait_for_text("[data-testid=run-precheck]", "passed")
        .await;
    app.wait_for_text("[data-testid=run-validation]", "Smoke test: Succeeded")
        .await;
    // Search the whole log: the script reports each step four times.
    app.wait_for_attr("[data-testid=log]", "data-ended", "true", crate::STEP)
        .await;
    app.type_into("[data-testid=log-search]", "switching traffic\u{e007}")
        .await;
    app.wait_for_text("[data-testid=log-hits]", "1 of 4").await;
    app.screenshot("deploy-validated").await;

    // The broken build: validation fails, the monitors go down, the banner
    // recommends the rollback with what it goes back to.
    app.click("[data-testid=\"run-Deploy broken build\"]").await;
    start_in_dialog(
        &app,
        &[("run-version", "2.7"), ("run-confirm", "production")],
    )
    .await;
    app.wait_for_attr(
        "[data-testid=current-run]",
        "data-validation",
        "failed",
        Duration::from_secs(40),
    )
    .await;
    app.wait_for_attr(
        "[data-testid=rollback-banner]",
        "data-rollback",
        "none",
        Duration::from_secs(45),
    )
    .await;
    app.wait_for_text(
        "[data-testid=rollback-banner]",
        "Rolls back to Deploy release 2.6",
    )
    .await;
    app.screenshot("deploy-rollback-recommended").await;

    // One click, a reason, the name typed: the rollback runs.
    app.click("[data-testid=rollback-now]").await;
    app.type_into("[data-testid=run-confirm]", "production")
        .await;
    assert_eq!(
        app.attr("[data-testid=run-start]", "disabled")
            .await
            .as_deref(),
        Some("true"),
        "a rollback needs its reason"
    );
    start_in_dialog(&app, &[("run-reason", "orders down after 2.7")]).await;
    app.wait_for_attr(
        "[data-testid=rollback-banner]",
        "data-rollback",
        "succeeded",
        Duration::from_secs(40),
    )
    .await;
    app.screenshot("deploy-rolled-back").await;

    let runs: Value =
        serde_json::from_str(&cli(&store, &["runs", "--action", "rollback", "--json"]))
            .expect("json");
    let rollback = &runs[0];
    assert_eq!(rollback["environment"], "production");
    assert_eq!(rollback["reason"], "orders down after 2.7");
    assert!(
        rollback["parent_run_id"].is_string(),
        "the rollback answers the broken deploy"
    );
    let audit = cli(&store, &["log"]);
    for action in ["run.start", "run.end", "run.validation", "trigger.add"] {
        assert!(audit.contains(action), "{action} is in the record");
    }

    // The history narrows to the rollbacks: deploys and validations leave it.
    app.find("[data-testid=history-row][data-action=deploy]")
        .await;
    app.select_value("[data-testid=history-action]", "rollback")
        .await;
    app.gone("[data-testid=history-row][data-action=deploy]")
        .await;
    app.gone("[data-testid=history-row][data-action=validation]")
        .await;
    app.find("[data-testid=history-row][data-action=rollback]")
        .await;
    app.client
        .execute(
            "document.querySelector('[data-testid=history-row]').scrollIntoView({ block: 'center' });",
            vec![],
        )
        .await
        .expect("scroll to the history");
    app.screenshot("deploy-history-rollbacks").await;
    app.quit().await;
}

#[tokio::test]
async fn a_trigger_added_in_the_window_runs_on_staging_and_is_cancelled() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("golive.db");
    cli(
        &store,
        &[
            "init",
            "--name",
            "Arxos",
            "--go-live",
            "2026-12-07T09:00",
            "--tz",
            "UTC",
        ],
    );
    cli(&store, &["env", "add", "staging"]);
    let app = App::start(&store).await;
    app.click("[data-testid=nav-deploy]").await;
    app.click("[data-testid=add-trigger]").await;
    app.type_into("[data-testid=trigger-name]", "Slow deploy")
        .await;
    app.type_into("[data-testid=trigger-program]", "bash").await;
    app.find("[data-testid=shell-note]").await;
    // One argument per line; the script's quoting reaches bash untouched.
    app.type_into(
        "[data-testid=trigger-args]",
        "-c\u{e007}for i in $(seq 1 2000); do echo \"step $i; done? no\"; sleep 0.05; done",
    )
    .await;
    app.type_into("[data-testid=trigger-timeout]", "abc").await;
    app.click("[data-testid=trigger-save]").await;
    app.wait_for_text("[data-testid=trigger-error]", "whole number of seconds")
        .await;
    // With the error the dialog is taller than the window: the error and
    // the button that saves are both in view, neither under the other.
    app.wait_in_view("[data-testid=trigger-error]").await;
    app.wait_in_view("[data-testid=trigger-save]").await;
    app.screenshot("deploy-trigger-dialog").await;
    // Scrolled back to its top, the dialog keeps its actions at its foot.
    let hidden = app
        .client
        .execute(
            "const dialog = document.querySelector('[data-testid=trigger-dialog]');
             dialog.scrollTop = 0;
             return dialog.scrollHeight - dialog.clientHeight;",
            vec![],
        )
        .await
        .expect("scroll the dialog");
    assert!(
        hidden.as_f64().is_some_and(|px| px > 0.0),
        "the dialog should be taller than the window here: {hidden:?}"
    );
    app.wait_in_view("[data-testid=trigger-save]").await;
    app.screenshot("deploy-trigger-dialog-top").await;
    app.type_into("[data-testid=trigger-timeout]", "600").await;
    app.click("[data-testid=trigger-save]").await;
    app.gone("[data-testid=trigger-dialog]").await;
    app.find("[data-testid=\"trigger-Slow deploy\"]").await;

    app.click("[data-testid=\"run-Slow deploy\"]").await;
    start_in_dialog(&app, &[]).await;
    app.wait_for_attr_where(
        "[data-testid=log]",
        "data-lines",
        "output arriving",
        |n| n.parse::<u32>().is_ok_and(|n| n >= 20),
        crate::STEP,
    )
    .await;
    app.wait_for_text("[data-testid=log]", "step 3; done? no")
        .await;
    app.screenshot("deploy-staging-running").await;

    // The log scrolls by keyboard: Home leaves the live end and stays put
    // while lines keep coming; Page Down moves on; Follow goes back live.
    app.wait_for_attr_where(
        "[data-testid=log]",
        "data-lines",
        "enough lines to scroll",
        |n| n.parse::<u32>().is_ok_and(|n| n >= 40),
        crate::STEP,
    )
    .await;
    let viewport = app.find("[data-testid=log-viewport]").await;
    viewport.send_keys("\u{e011}").await.expect("Home");
    app.wait_for_attr("[data-testid=log-viewport]", "data-top", "0", crate::STEP)
        .await;
    app.wait_for_text("[data-testid=log-viewport]", "step 1; done? no")
        .await;
    app.find("[data-testid=log-follow]").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        app.attr("[data-testid=log-viewport]", "data-top")
            .await
            .as_deref(),
        Some("0"),
        "new lines do not move a log the reader scrolled"
    );
    viewport.send_keys("\u{e00f}").await.expect("Page Down");
    app.wait_for_attr_where(
        "[data-testid=log-viewport]",
        "data-top",
        "a page further",
        |top| top.parse::<u32>().is_ok_and(|top| top >= 10),
        crate::STEP,
    )
    .await;
    app.screenshot("deploy-log-scrolled").await;
    app.click("[data-testid=log-follow]").await;
    app.gone("[data-testid=log-follow]").await;
    app.click("[data-testid=run-cancel]").await;
    app.wait_for_attr(
        "[data-testid=current-run]",
        "data-state",
        "cancelled",
        crate::STEP,
    )
    .await;
    app.wait_for_text("[data-testid=run-detail]", "stopped with TERM")
        .await;
    app.screenshot("deploy-cancelled").await;
    let listed: Value =
        serde_json::from_str(&cli(&store, &["trigger", "list", "--json"])).expect("json");
    assert_eq!(
        listed[0]["spec"]["args"][1],
        "for i in $(seq 1 2000); do echo \"step $i; done? no\"; sleep 0.05; done"
    );
    assert_eq!(listed[0]["timeout_s"], 600);
    app.quit().await;
}
