//! A project manager's readiness work in the window: contacts, assigning an
//! owner, blocking with a reason, evidence links and comments, filters and
//! "My items", the timeline, and editing the plan.

use serde_json::Value;

use crate::cli;
use crate::driver::App;
use crate::readiness::day0_in;

fn init(store: &std::path::Path) {
    cli(
        store,
        &[
            "init",
            "--name",
            "Arxos platform",
            "--platform",
            "Arxos",
            "--go-live",
            &format!("{}T09:00", day0_in(3, "UTC")),
            "--tz",
            "UTC",
        ],
    );
}

#[tokio::test]
async fn owners_blocked_items_evidence_filters_timeline_and_plan_edits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("golive.db");
    init(&store);
    let app = App::start(&store).await;

    // People: add Ana as project manager, linked to this account.
    app.click("[data-testid=nav-people]").await;
    app.find("[data-testid=view-people]").await;
    app.wait_for_text("[data-testid=uncovered]", "Project manager")
        .await;
    app.click("[data-testid=add-contact]").await;
    app.type_into("[data-testid=contact-name]", "Ana Lopez")
        .await;
    app.click("[data-testid=contact-role-pm]").await;
    app.type_into("[data-testid=contact-email]", "ana at example")
        .await;
    app.click("[data-testid=contact-me]").await;
    app.click("[data-testid=contact-save]").await;
    // A bad email is refused in words; the dialog keeps what was typed.
    app.wait_for_text("[data-testid=contact-error]", "is not an email address")
        .await;
    app.screenshot("20-contact-error").await;
    app.type_into("[data-testid=contact-email]", "ana@example.com")
        .await;
    app.click("[data-testid=contact-save]").await;
    app.gone("[data-testid=contact-dialog]").await;
    let row = app.text("[data-testid='contact-Ana Lopez']").await;
    assert!(
        row.contains("Project manager") && row.contains("ana@example.com") && row.contains("You"),
        "{row}"
    );
    app.screenshot("21-people").await;

    // Assign PRE-16 to Ana from its panel.
    app.click("[data-testid=nav-readiness]").await;
    app.click("[data-testid=open-PRE-16]").await;
    app.wait_for_text("[data-testid=panel-title]", "End-to-end workflow testing")
        .await;
    app.select_label("[data-testid=panel-owner]", "Ana Lopez")
        .await;
    app.wait_for_text("[data-testid=owner-PRE-16]", "Ana Lopez")
        .await;

    // Block PRE-11 with a reason; an empty reason is refused.
    app.click("[data-testid=open-PRE-11]").await;
    app.wait_for_text("[data-testid=panel-title]", "Load testing")
        .await;
    app.click("[data-testid=panel-block]").await;
    app.click("[data-testid=note-confirm]").await;
    app.wait_for_text("[data-testid=note-dialog]", "A reason is required")
        .await;
    app.type_into(
        "[data-testid=note-text]",
        "no production-like data until Monday",
    )
    .await;
    app.click("[data-testid=note-confirm]").await;
    app.gone("[data-testid=note-dialog]").await;
    app.wait_for_attr(
        "[data-testid=item-PRE-11]",
        "data-status",
        "blocked",
        crate::STEP,
    )
    .await;
    app.wait_for_text(
        "[data-testid=meta-PRE-11]",
        "no production-like data until Monday",
    )
    .await;
    app.wait_for_text("[data-testid=panel-status]", "Blocked")
        .await;

    // Evidence: a link (a javascript: link is refused), opened in the browser, and a comment.
    app.type_into("[data-testid=link-url]", "javascript:alert(1)")
        .await;
    app.click("[data-testid=link-add]").await;
    app.wait_for_text("[data-testid=panel-error]", "http://, https:// or mailto:")
        .await;
    app.type_into(
        "[data-testid=link-url]",
        "https://wiki.example.com/load-test",
    )
    .await;
    app.type_into("[data-testid=link-label]", "Load test plan")
        .await;
    app.click("[data-testid=link-add]").await;
    app.click("[data-testid='link-https://wiki.example.com/load-test'] button")
        .await;
    app.wait_for_opened_link("https://wiki.example.com/load-test")
        .await;
    app.type_into(
        "[data-testid=comment-text]",
        "vendor sends the anonymised dump on Monday",
    )
    .await;
    app.click("[data-testid=comment-add]").await;
    app.wait_for_text("[data-testid=comments]", "vendor sends the anonymised dump")
        .await;
    app.wait_for_text("[data-testid=history]", "blocked it")
        .await;
    app.wait_for_text("[data-testid=item-PRE-11]", "1 link")
        .await;
    app.screenshot("22-item-panel-blocked-with-evidence").await;
    app.click("[data-testid=panel-close]").await;
    app.gone("[data-testid=item-panel]").await;

    // Filters: my items, then blocked ones, then free text.
    app.click("[data-testid=filter-mine]").await;
    app.wait_for_text("[data-testid=filter-count]", "of 92 items")
        .await;
    app.find("[data-testid=item-PRE-16]").await;
    app.gone("[data-testid=item-PRE-01]").await;
    app.screenshot("23-my-items").await;
    app.click("[data-testid=filter-clear]").await;
    app.wait_for_text("[data-testid=filter-count]", "92 items")
        .await;
    app.select_value("[data-testid=filter-status]", "blocked")
        .await;
    app.wait_for_text("[data-testid=filter-count]", "1 of 92 items")
        .await;
    app.find("[data-testid=item-PRE-11]").await;
    app.click("[data-testid=filter-clear]").await;
    app.type_into("[data-testid=filter-text]", "certificate")
        .await;
    app.wait_for_text("[data-testid=filter-count]", "of 92 items")
        .await;
    app.find("[data-testid=item-PRE-07]").await;
    app.gone("[data-testid=item-PRE-11]").await;
    app.screenshot("24-search").await;
    app.click("[data-testid=filter-clear]").await;

    // The timeline: today marked, overdue items labelled.
    app.click("[data-testid=nav-timeline]").await;
    app.find("[data-testid=view-timeline]").await;
    app.wait_for_attr("[data-testid=day--3]", "data-today", "yes", crate::STEP)
        .await;
    app.wait_for_text("[data-testid=chip-PRE-01]", "Overdue")
        .await;
    app.wait_for_text("[data-testid=day-30]", "Day +30").await;
    app.screenshot("25-timeline").await;

    // Editing the plan: add an item to a section, edit it, remove it.
    app.click("[data-testid=nav-readiness]").await;
    app.click("[data-testid=section-add-pre-infra]").await;
    app.type_into("[data-testid=editor-title]", "DNS TTLs lowered to 60 s")
        .await;
    app.type_into("[data-testid=editor-due]", "-2").await;
    app.select_label("[data-testid=editor-owner]", "Technical lead")
        .await;
    app.click("[data-testid=editor-gate]").await;
    app.screenshot("26-add-item").await;
    app.click("[data-testid=editor-save]").await;
    app.gone("[data-testid=item-editor]").await;
    app.wait_for_text("[data-testid=item-PRE-38]", "DNS TTLs lowered to 60 s")
        .await;
    app.wait_for_text("[data-testid=item-PRE-38]", "Go gate")
        .await;
    // Move it up past PRE-05 (the new item went to the end of its section).
    app.click("[data-testid=panel-up]").await;
    let deadline = std::time::Instant::now() + crate::STEP;
    loop {
        let order = app
            .client
            .execute(
                "return [...document.querySelectorAll('[data-testid=section-pre-infra] + ul li')].map((li) => li.dataset.key);",
                vec![],
            )
            .await
            .expect("read the section's order");
        if order == serde_json::json!(["PRE-01", "PRE-02", "PRE-03", "PRE-04", "PRE-38", "PRE-05"])
        {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "PRE-38 did not move up: {order}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    app.click("[data-testid=panel-edit]").await;
    app.type_into("[data-testid=editor-title]", "DNS TTLs lowered to 30 s")
        .await;
    app.click("[data-testid=editor-save]").await;
    app.wait_for_text("[data-testid=item-PRE-38]", "DNS TTLs lowered to 30 s")
        .await;
    app.click("[data-testid=panel-remove]").await;
    app.find("[data-testid=confirm-dialog]").await;
    app.click("[data-testid=confirm-ok]").await;
    app.gone("[data-testid=item-PRE-38]").await;
    app.quit().await;

    // The record holds every change, and the chain verifies.
    let log: Value = serde_json::from_str(&cli(&store, &["log", "--json"])).expect("json");
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for action in [
        "contact.add",
        "item.edit",
        "item.block",
        "item.link",
        "item.comment",
        "item.add",
        "item.remove",
    ] {
        assert!(
            actions.contains(&action),
            "{action} missing from {actions:?}"
        );
    }
    assert!(cli(&store, &["verify"]).contains("intact"));
}
