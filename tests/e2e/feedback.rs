//! The user feedback log in the window: log a bug, import a help desk's CSV
//! through the real file dialog (a bad file refused by line with nothing
//! written), resolve an entry with its resolution, and watch the support
//! figures and KPIs follow.

use crate::cli;
use crate::driver::App;
use crate::files::answer_file_dialog;
use crate::readiness::day0_in;

#[tokio::test]
async fn log_import_and_resolve_feedback_and_the_support_kpis_follow() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("golive.db");
    cli(
        &store,
        &[
            "init",
            "--name",
            "Arxos platform",
            "--go-live",
            &format!("{}T09:00", day0_in(-2, "UTC")),
            "--tz",
            "UTC",
        ],
    );
    cli(
        &store,
        &["contact", "add", "--name", "Cleo Park", "--role", "support"],
    );
    cli(&store, &["kpi", "record", "active-users", "40"]);
    let app = App::start(&store).await;
    app.click("[data-testid=nav-feedback]").await;
    app.find("[data-testid=view-feedback]").await;

    // A bug reported by phone, owned by Cleo at tier 2.
    app.click("[data-testid=add-feedback]").await;
    app.select_value("[data-testid=fb-kind]", "bug").await;
    app.type_into("[data-testid=fb-title]", "Login loops on Safari")
        .await;
    app.type_into("[data-testid=fb-source]", "phone").await;
    app.type_into("[data-testid=fb-reporter]", "maria@customer.example")
        .await;
    app.select_value("[data-testid=fb-tier]", "2").await;
    app.select_label("[data-testid=fb-owner]", "Cleo Park")
        .await;
    app.click("[data-testid=fb-save]").await;
    app.gone("[data-testid=feedback-dialog]").await;
    app.wait_for_text("[data-testid=fb-FB-1]", "Login loops on Safari")
        .await;
    app.wait_for_text("[data-testid=stat-reported]", "2.5 %")
        .await;

    // A bad export is refused by line; nothing of it is written.
    let bad = dir.path().join("helpdesk-bad.csv");
    std::fs::write(
        &bad,
        "Ticket ID,Type,Subject,Status,Created\nHD-1,Incident,Crash on save,Open,2026-11-01 09:00\nHD-2,Rant,Too blue,Open,2026-11-01 10:00\n",
    )
    .expect("write the file");
    app.click("[data-testid=import-feedback]").await;
    answer_file_dialog("Import a help desk export", &bad).await;
    app.wait_for_text(
        "[data-testid=feedback-error]",
        "helpdesk-bad.csv, line 3: \"Rant\" is not a kind of feedback",
    )
    .await;
    app.wait_for_text("[data-testid=stat-open]", "1").await;

    let good = dir.path().join("helpdesk.csv");
    std::fs::write(
        &good,
        "Ticket ID,Type,Subject,Status,Created,Resolved,Resolution\n\
         HD-1,Incident,Crash on save,Solved,2026-11-01 09:00,2026-11-01 15:00,Patched\n\
         HD-2,Enhancement,Dark mode,Open,2026-11-01 10:00,,\n",
    )
    .expect("write the file");
    app.click("[data-testid=import-feedback]").await;
    answer_file_dialog("Import a help desk export", &good).await;
    app.wait_for_text(
        "[data-testid=feedback-notice]",
        "Imported 2 new and updated 0",
    )
    .await;
    app.wait_for_text("[data-testid=stat-open]", "2").await;
    app.wait_for_text("[data-testid=stat-resolution]", "6 h")
        .await;
    app.wait_for_text("[data-testid=stat-reported]", "5 %")
        .await;

    // Resolve FB-1: the status asks for the resolution first.
    app.select_value("[data-testid=status-FB-1]", "resolved")
        .await;
    app.find("[data-testid=resolve-dialog]").await;
    app.click("[data-testid=resolve-save]").await;
    app.wait_for_text("[data-testid=resolve-error]", "say how FB-1 was resolved")
        .await;
    app.type_into(
        "[data-testid=fb-resolution]",
        "Cleared the session cookie loop in 2.4.1",
    )
    .await;
    app.click("[data-testid=resolve-save]").await;
    app.gone("[data-testid=resolve-dialog]").await;
    app.wait_for_text("[data-testid=stat-open]", "1").await;
    app.click("[data-testid=filter-all]").await;
    app.wait_for_text("[data-testid=fb-FB-1]", "Cleared the session cookie loop")
        .await;
    app.screenshot("55-feedback-log").await;

    let kpis: serde_json::Value =
        serde_json::from_str(&cli(&store, &["kpi", "list", "--json"])).expect("json");
    let value = |key: &str| {
        kpis.as_array()
            .expect("kpis")
            .iter()
            .find(|k| k["key"] == key)
            .map(|k| k["latest"]["value"].clone())
            .expect("the KPI")
    };
    assert_eq!(value("user-reported-issues"), 5.0, "2 bugs of 40 users");
    assert_eq!(value("open-tickets"), 1.0);
}
