//! The risk register in the window: the strategy's risks in the grid, a new
//! risk rated, owned and linked to a checklist item and an incident, the
//! grid cell filtering the register, a refused rating, and an edit that
//! moves the risk in the grid.

use crate::cli;
use crate::driver::App;
use crate::readiness::day0_in;

#[tokio::test]
async fn rate_link_and_move_a_risk_in_the_grid() {
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
        &["contact", "add", "--name", "Ben Ode", "--role", "tech"],
    );
    cli(
        &store,
        &["incident", "open", "--title", "Checkout slow for EU users"],
    );
    let app = App::start(&store).await;
    app.click("[data-testid=nav-risks]").await;
    app.find("[data-testid=view-risks]").await;
    // Seeded: "System performance degradation" and "Integration failures" at 3 × 4.
    app.wait_for_attr(
        "[data-testid=grid-3-4]",
        "aria-label",
        "Likelihood 3, impact 4: 2 risks",
        crate::STEP,
    )
    .await;

    app.click("[data-testid=add-risk]").await;
    app.type_into(
        "[data-testid=risk-title]",
        "Payment provider rate limits at peak",
    )
    .await;
    app.select_value("[data-testid=risk-likelihood]", "4").await;
    app.select_value("[data-testid=risk-impact]", "5").await;
    app.wait_for_text("[data-testid=risk-score]", "20 · critical")
        .await;
    app.type_into(
        "[data-testid=risk-proactive]",
        "Load test against the sandbox",
    )
    .await;
    app.type_into("[data-testid=risk-reactive]", "Queue payments; fail over")
        .await;
    app.select_label("[data-testid=risk-owner]", "Ben Ode")
        .await;
    app.type_into("[data-testid=risk-link-target]", "PRE-10")
        .await;
    app.click("[data-testid=risk-link-add]").await;
    app.select_value("[data-testid=risk-link-kind]", "incident")
        .await;
    app.select_label(
        "[data-testid=risk-link-target]",
        "INC-1 Checkout slow for EU users",
    )
    .await;
    app.click("[data-testid=risk-link-add]").await;
    app.wait_for_text("[data-testid=risk-links]", "INC-1 Checkout slow")
        .await;
    app.screenshot("50-risk-dialog").await;
    app.click("[data-testid=risk-save]").await;
    app.gone("[data-testid=risk-dialog]").await;

    let row = app.text("[data-testid=risk-RSK-11]").await;
    for part in [
        "Payment provider rate limits at peak",
        "20 critical",
        "Load test against the sandbox",
        "Ben Ode",
        "PRE-10",
        "INC-1 Checkout slow for EU users",
    ] {
        assert!(row.contains(part), "{part} in {row}");
    }
    // The grid cell filters the register.
    app.click("[data-testid=grid-4-5]").await;
    app.wait_for_text("[data-testid=risk-register]", "Payment provider")
        .await;
    let register = app.text("[data-testid=risk-register]").await;
    assert!(!register.contains("Security vulnerabilities"), "{register}");
    app.screenshot("51-risk-grid").await;
    app.click("[data-testid=grid-clear]").await;

    // Mitigated: likelihood down to 2; the risk moves in the grid.
    app.click("[data-testid=edit-RSK-11]").await;
    app.select_value("[data-testid=risk-likelihood]", "2").await;
    app.select_value("[data-testid=risk-status]", "mitigating")
        .await;
    app.click("[data-testid=risk-save]").await;
    app.gone("[data-testid=risk-dialog]").await;
    app.wait_for_attr(
        "[data-testid=grid-4-5]",
        "aria-label",
        "Likelihood 4, impact 5: 0 risks",
        crate::STEP,
    )
    .await;
    // 2 × 5: "Security vulnerabilities", "Data loss or corruption" and this one.
    app.wait_for_attr(
        "[data-testid=grid-2-5]",
        "aria-label",
        "Likelihood 2, impact 5: 3 risks",
        crate::STEP,
    )
    .await;
    let row = app.text("[data-testid=risk-RSK-11]").await;
    assert!(
        row.contains("10 high") && row.contains("mitigating"),
        "{row}"
    );
    let log = cli(&store, &["log", "--json"]);
    assert!(log.contains("\"risk.edit\""), "{log}");

    // An empty title is refused in the dialog; nothing changes.
    app.click("[data-testid=add-risk]").await;
    app.click("[data-testid=risk-save]").await;
    app.wait_for_text("[data-testid=risk-error]", "the risk needs a title")
        .await;
    let listed = cli(&store, &["risk", "list", "--json"]);
    let count = serde_json::from_str::<serde_json::Value>(&listed).expect("json");
    assert_eq!(count.as_array().expect("a list").len(), 11);
}
