//! Backups in the window: the day's copy taken by itself after start-up, a
//! copy by hand, a junk file refused with the reason and nothing changed,
//! and a restore that asks (what is there now against what the copy holds,
//! "restore" typed) and brings the checklist back to that moment.

use crate::cli;
use crate::driver::App;
use crate::files::answer_file_dialog;
use crate::readiness::day0_in;

#[tokio::test]
async fn back_up_then_restore_a_copy_after_seeing_what_it_holds() {
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
    let app = App::start(&store).await;
    app.find("[data-testid=view-dashboard]").await;
    app.click("[data-testid=backups]").await;
    app.find("[data-testid=backups-dialog]").await;
    // The day's copy comes by itself shortly after start-up.
    app.wait_for_text("[data-testid=backups-table]", "Daily")
        .await;
    app.click("[data-testid=backup-now]").await;
    app.wait_for_text("[data-testid=backups-notice]", "Backed up to golive-")
        .await;
    app.wait_for_text("[data-testid=backups-table]", "By hand")
        .await;
    app.screenshot("60-backups").await;
    let manual = cli(&store, &["--json", "backup", "list"]);
    let copies: serde_json::Value = serde_json::from_str(&manual).expect("JSON");
    let copy = copies
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "manual")
        .expect("the manual copy")["path"]
        .as_str()
        .unwrap()
        .to_string();
    app.click("[data-testid=backups-close]").await;
    app.gone("[data-testid=backups-dialog]").await;

    // A later change, made in the window.
    app.click("[data-testid=nav-readiness]").await;
    app.click("[data-testid=toggle-PRE-08]").await;
    app.find("[data-testid=note-dialog]").await;
    app.click("[data-testid=note-confirm]").await;
    app.gone("[data-testid=note-dialog]").await;
    app.wait_for_attr(
        "[data-testid=item-PRE-08]",
        "data-status",
        "done",
        crate::STEP,
    )
    .await;

    // A file that is not a store is refused, saying why; nothing changes.
    let junk = dir.path().join("notes.db");
    std::fs::write(&junk, "meeting notes, not a store").expect("write junk");
    app.click("[data-testid=backups]").await;
    app.click("[data-testid=restore-file]").await;
    answer_file_dialog("Restore the store from a copy", &junk).await;
    app.wait_for_text("[data-testid=backups-error]", "cannot be restored")
        .await;
    app.wait_for_text("[data-testid=backups-error]", "Nothing was changed")
        .await;

    // The manual copy: what it holds against now, then "restore" typed.
    app.click("[data-testid=backup-row][data-kind=manual] [data-testid=backup-restore]")
        .await;
    app.wait_for_text("[data-testid=restore-copy]", "Arxos platform")
        .await;
    let now_events = app.text("[data-testid=restore-current]").await;
    let copy_events = app.text("[data-testid=restore-copy]").await;
    assert_ne!(
        now_events, copy_events,
        "the two stores differ: {now_events} / {copy_events}"
    );
    assert_eq!(
        app.attr("[data-testid=restore-confirm]", "disabled")
            .await
            .as_deref(),
        Some("true"),
        "Restore waits for the word"
    );
    app.type_into("[data-testid=restore-typed]", "restore")
        .await;
    app.screenshot("61-restore-confirm").await;
    app.click("[data-testid=restore-confirm]").await;
    app.wait_for_text("[data-testid=backups-notice]", "Restored")
        .await;
    app.wait_for_text("[data-testid=backups-table]", "Before a restore")
        .await;
    app.click("[data-testid=backups-close]").await;
    // The checklist is back to the copy's moment: PRE-07 done, PRE-08 not.
    app.wait_for_attr_where(
        "[data-testid=item-PRE-08]",
        "data-status",
        "not done",
        |s| s != "done",
        crate::STEP,
    )
    .await;
    assert_eq!(
        app.attr("[data-testid=item-PRE-07]", "data-status")
            .await
            .as_deref(),
        Some("done")
    );
    app.screenshot("62-after-restore").await;
    app.quit().await;
    assert!(cli(&store, &["log"]).contains("store.restore"));
    assert!(std::path::Path::new(&copy).exists(), "the copy stays");
}
