//! The people directory in the window: a contact with a deputy and the 24/7
//! flag, importing CSV through the real file dialog (a bad file refused by
//! line with nothing written), exporting vCard.

use crate::cli;
use crate::driver::App;
use crate::files::answer_file_dialog;
use crate::readiness::day0_in;

#[tokio::test]
async fn the_directory_with_a_deputy_flags_and_vcard_and_csv_files() {
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
        &["contact", "add", "--name", "Ana Lopez", "--role", "pm"],
    );
    let app = App::start(&store).await;
    app.click("[data-testid=nav-people]").await;
    app.find("[data-testid=view-people]").await;

    // Ben answers around the clock; Ana covers for him.
    app.click("[data-testid=add-contact]").await;
    app.type_into("[data-testid=contact-name]", "Ben Ode").await;
    app.click("[data-testid=contact-role-support]").await;
    app.type_into("[data-testid=contact-phone]", "+1 212 555 0100")
        .await;
    app.type_into("[data-testid=contact-chat]", "@ben").await;
    app.select_label("[data-testid=contact-deputy]", "Ana Lopez")
        .await;
    app.click("[data-testid=contact-always-on]").await;
    app.screenshot("22-contact-dialog").await;
    app.click("[data-testid=contact-save]").await;
    app.gone("[data-testid=contact-dialog]").await;
    let row = app.text("[data-testid='contact-Ben Ode']").await;
    for part in [
        "24/7",
        "Support lead",
        "+1 212 555 0100",
        "@ben",
        "Ana Lopez",
    ] {
        assert!(row.contains(part), "{part} in {row}");
    }

    // A bad file is refused by line, and nothing of it is written.
    let bad = dir.path().join("helpdesk-bad.csv");
    std::fs::write(
        &bad,
        "name,roles,email\nCarl Diaz,tech,carl@example.com\nDee Park,support,dee-at-example\n",
    )
    .expect("write the bad file");
    app.click("[data-testid=import-contacts]").await;
    answer_file_dialog("Import contacts", &bad).await;
    app.wait_for_text("[data-testid=people-error]", "helpdesk-bad.csv, line 3")
        .await;
    app.wait_for_text("[data-testid=people-error]", "nothing was imported")
        .await;
    app.screenshot("23-people-import-refused").await;
    assert!(
        !app.text("[data-testid=contacts]")
            .await
            .contains("Carl Diaz")
    );

    // The corrected file comes in whole.
    let good = dir.path().join("helpdesk.csv");
    std::fs::write(
        &good,
        "name,roles,email,emergency,deputy\nCarl Diaz,tech,carl@example.com,yes,Dee Park\nDee Park,support,dee@example.com,no,\n",
    )
    .expect("write the file");
    app.click("[data-testid=import-contacts]").await;
    answer_file_dialog("Import contacts", &good).await;
    app.wait_for_text(
        "[data-testid=people-notice]",
        "Imported 2 new and updated 0",
    )
    .await;
    let carl = app.text("[data-testid='contact-Carl Diaz']").await;
    assert!(
        carl.contains("Emergency") && carl.contains("Dee Park"),
        "{carl}"
    );
    app.screenshot("24-people-directory").await;

    // Export as vCard.
    let cards = dir.path().join("team.vcf");
    app.click("[data-testid=export-vcf]").await;
    answer_file_dialog("Export contacts as vCard", &cards).await;
    app.wait_for_text("[data-testid=people-notice]", "Wrote 4 contacts")
        .await;
    let text = std::fs::read_to_string(&cards).expect("the vCard file");
    assert!(text.contains("FN:Ben Ode\r\n"), "{text}");
    assert!(text.contains("X-GOLIVE-DEPUTY:Ana Lopez\r\n"), "{text}");
    assert!(text.contains("X-GOLIVE-ALWAYS-ON:yes\r\n"), "{text}");

    // Escalation: who answers now at level 1 (the support leads), then Carl
    // named at level 2 with a 20-minute wait.
    app.click("[data-testid=tab-escalation]").await;
    app.wait_for_text(
        "[data-testid=call-sheet]",
        "Level 1 — Automated monitoring and basic alerts",
    )
    .await;
    let now = app.text("[data-testid=call-sheet]").await;
    assert!(now.contains("Ben Ode") && now.contains("Dee Park"), "{now}");
    assert!(
        now.contains("+1 212 555 0100") && now.contains("24/7"),
        "{now}"
    );
    app.wait_for_text(
        "[data-testid=call-next]",
        "Next: level 2 — Support team intervention",
    )
    .await;
    app.wait_for_text("[data-testid=call-next]", "due in 15 min")
        .await;
    app.click("[data-testid=edit-level-2]").await;
    app.type_into("[data-testid=level-wait]", "0").await;
    app.click("[data-testid=level-save]").await;
    app.wait_for_text("[data-testid=level-error]", "at least 1")
        .await;
    app.type_into("[data-testid=level-wait]", "20").await;
    app.click("[data-testid='level-contact-Carl Diaz']").await;
    app.screenshot("25-escalation-level-dialog").await;
    app.click("[data-testid=level-save]").await;
    app.gone("[data-testid=level-dialog]").await;
    app.wait_for_text("[data-testid=level-2]", "Carl Diaz")
        .await;
    app.wait_for_text("[data-testid=level-2]", "20 min").await;
    app.select_value("[data-testid=who-level]", "2").await;
    app.wait_for_text(
        "[data-testid=call-sheet]",
        "Level 2 — Support team intervention",
    )
    .await;
    app.wait_for_text("[data-testid='callee-Carl Diaz']", "named")
        .await;
    app.wait_for_text("[data-testid=call-next]", "due in 20 min")
        .await;
    app.screenshot("26-who-to-call").await;
    let events = cli(&store, &["log", "--json"]);
    assert!(events.contains("escalation.level"), "the edit is audited");
    app.quit().await;
}
