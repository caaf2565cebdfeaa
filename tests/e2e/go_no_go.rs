//! The go/no-go decision in the window: sign-offs as two roles, the decision
//! moving from PENDING to NO-GO to GO, a reopened gate item flagging every
//! go for re-confirmation; then moving Day 0 and a rehearsal.

use serde_json::Value;

use crate::cli;
use crate::driver::App;
use crate::readiness::day0_in;

/// A launch where everything the decision needs is settled except the
/// project manager's and the technical lead's sign-offs.
fn ready_for_two_signoffs(store: &std::path::Path) {
    cli(
        store,
        &[
            "init",
            "--name",
            "Arxos platform",
            "--go-live",
            &format!("{}T09:00", day0_in(2, "UTC")),
            "--tz",
            "UTC",
        ],
    );
    // PRE-35 "Rollback procedures tested": a rollback rehearsed on staging.
    cli(store, &["env", "add", "staging"]);
    cli(
        store,
        &[
            "trigger", "add", "--env", "staging", "--name", "rollback", "--kind", "rollback", "--",
            "true",
        ],
    );
    cli(store, &["deploy", "rollback"]);
    crate::settle_everything_but_the_signoffs(store);
    cli(store, &["signoff", "support", "--go"]);
    cli(
        store,
        &["signoff", "security", "--go", "--comment", "pen test clean"],
    );
}

#[tokio::test]
async fn sign_offs_move_the_decision_and_a_reopened_gate_item_flags_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("golive.db");
    ready_for_two_signoffs(&store);
    let app = App::start(&store).await;

    app.wait_for_text("[data-testid=dashboard-decision]", "PENDING")
        .await;
    app.click("[data-testid=dashboard-decision]").await;
    app.find("[data-testid=view-decision]").await;
    app.wait_for_text(
        "[data-testid=decision-missing]",
        "Project manager has not signed off",
    )
    .await;
    app.screenshot("30-decision-pending").await;

    app.click("[data-testid=go-pm]").await;
    app.type_into(
        "[data-testid=signoff-comment]",
        "UAT signed by the business",
    )
    .await;
    app.click("[data-testid=signoff-confirm]").await;
    app.gone("[data-testid=signoff-dialog]").await;
    app.wait_for_attr(
        "[data-testid=signoff-pm]",
        "data-verdict",
        "go",
        crate::STEP,
    )
    .await;
    app.wait_for_text("[data-testid=decision-state]", "PENDING")
        .await;

    // A no-go without a reason is refused; with one, the decision is NO-GO.
    app.click("[data-testid=nogo-tech]").await;
    app.click("[data-testid=signoff-confirm]").await;
    app.wait_for_text("[data-testid=signoff-error]", "A no-go needs a reason")
        .await;
    app.type_into("[data-testid=signoff-comment]", "p95 at 2.4 s under load")
        .await;
    app.click("[data-testid=signoff-confirm]").await;
    app.wait_for_text("[data-testid=decision-state]", "NO-GO")
        .await;
    app.wait_for_text(
        "[data-testid=decision-missing]",
        "Technical lead said no-go: p95 at 2.4 s under load",
    )
    .await;
    app.screenshot("31-decision-no-go").await;

    app.click("[data-testid=go-tech]").await;
    app.click("[data-testid=signoff-confirm]").await;
    // "GO" is inside "NO-GO": wait on the state itself, then read the words.
    app.wait_for_attr(
        "[data-testid=decision-state]",
        "data-state",
        "go",
        crate::STEP,
    )
    .await;
    let state = app.text("[data-testid=decision-state]").await;
    assert!(
        state.contains("GO") && !state.contains("PENDING") && !state.contains("NO-GO"),
        "{state}"
    );
    app.screenshot("32-decision-go").await;

    // Reopen a gate item: every go now needs re-confirmation.
    app.click("[data-testid=nav-readiness]").await;
    app.click("[data-testid=open-PRE-29]").await;
    app.click("[data-testid=panel-reopen]").await;
    app.type_into("[data-testid=note-text]", "benchmarks ran on staging")
        .await;
    app.click("[data-testid=note-confirm]").await;
    app.wait_for_attr(
        "[data-testid=item-PRE-29]",
        "data-status",
        "open",
        crate::STEP,
    )
    .await;
    app.click("[data-testid=nav-decision]").await;
    app.wait_for_attr(
        "[data-testid=decision-state]",
        "data-state",
        "pending",
        crate::STEP,
    )
    .await;
    for role in ["pm", "tech", "support", "security"] {
        app.wait_for_attr(
            &format!("[data-testid=signoff-{role}]"),
            "data-stale",
            "yes",
            crate::STEP,
        )
        .await;
    }
    app.wait_for_text(
        "[data-testid=signoff-tech]",
        "PRE-29 Performance benchmarks met was reopened",
    )
    .await;
    app.screenshot("33-signoffs-need-reconfirmation").await;
    app.quit().await;

    let events: Value = serde_json::from_str(&cli(&store, &["log", "--json"])).expect("json");
    let decisions: Vec<String> = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "decision.change")
        .map(|e| {
            let d: Value = serde_json::from_str(e["details"].as_str().unwrap()).unwrap();
            format!(
                "{}>{}",
                d["from"].as_str().unwrap(),
                d["to"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(decisions, ["PENDING>NO-GO", "NO-GO>GO", "GO>PENDING"]);
}

#[tokio::test]
async fn moving_day_0_and_rehearsing_the_launch() {
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
    let app = App::start(&store).await;
    app.wait_for_text("[data-testid=countdown]", "Day -3").await;

    // Move Day 0 a week later: today becomes Day -10, nothing is overdue.
    app.click("[data-testid=reschedule]").await;
    app.type_into("[data-testid=reschedule-date]", "tomorrow")
        .await;
    app.click("[data-testid=reschedule-confirm]").await;
    app.wait_for_text("[data-testid=reschedule-error]", "YYYY-MM-DD")
        .await;
    app.type_into("[data-testid=reschedule-date]", &day0_in(10, "UTC"))
        .await;
    app.click("[data-testid=reschedule-confirm]").await;
    app.gone("[data-testid=reschedule-dialog]").await;
    app.wait_for_text("[data-testid=countdown]", "Day -10")
        .await;
    app.wait_for_text("[data-testid=overdue]", "Nothing is overdue")
        .await;
    app.wait_for_text(
        "[data-testid=launch-notice]",
        "every due date moved with it",
    )
    .await;

    // Copy the checklist as Markdown for an email.
    app.click("[data-testid=copy-markdown]").await;
    app.wait_for_text(
        "[data-testid=launch-notice]",
        "on the clipboard as Markdown",
    )
    .await;

    // A rehearsal: its own launch, marked everywhere.
    app.click("[data-testid=rehearse]").await;
    app.type_into("[data-testid=rehearsal-date]", &day0_in(1, "UTC"))
        .await;
    app.screenshot("34-rehearsal-dialog").await;
    app.click("[data-testid=rehearsal-confirm]").await;
    app.gone("[data-testid=rehearsal-dialog]").await;
    app.wait_for_text("[data-testid=rehearsal-banner]", "REHEARSAL")
        .await;
    app.wait_for_text("[data-testid=rehearsal-banner]", "of Arxos platform")
        .await;
    app.find("[data-testid=sidebar-rehearsal]").await;
    app.wait_for_text("[data-testid=countdown]", "Day -1").await;
    app.screenshot("35-rehearsal-dashboard").await;
    app.click("[data-testid=nav-readiness]").await;
    app.click("[data-testid=toggle-PRE-01]").await;
    app.click("[data-testid=note-confirm]").await;
    app.wait_for_attr(
        "[data-testid=item-PRE-01]",
        "data-status",
        "done",
        crate::STEP,
    )
    .await;
    app.quit().await;

    // The rehearsal's tick is its own; the launch keeps PRE-01 open.
    let real: Value = serde_json::from_str(&cli(
        &store,
        &[
            "--launch",
            "Arxos platform",
            "item",
            "show",
            "PRE-01",
            "--json",
        ],
    ))
    .expect("json");
    assert_eq!(real["item"]["status"], "open");
    let launches = cli(&store, &["launches"]);
    assert!(
        launches.contains("[REHEARSAL of Arxos platform] Arxos platform (rehearsal)"),
        "{launches}"
    );
}
