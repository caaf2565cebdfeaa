//! Training in the window: schedule a session with attendees, record
//! attendance and completion, watch "User training completed" (PRE-32)
//! change in Readiness, move the session (a reschedule in the record), see
//! it in the calendar, and send it as an .ics invitation through the real
//! file dialog.

use crate::cli;
use crate::driver::App;
use crate::files::answer_file_dialog;
use crate::readiness::day0_in;

#[tokio::test]
async fn schedule_a_session_record_attendance_and_see_the_readiness_rule_change() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("golive.db");
    let day0 = day0_in(3, "Europe/Berlin");
    cli(
        &store,
        &[
            "init",
            "--name",
            "Arxos platform",
            "--go-live",
            &format!("{day0}T18:00"),
            "--tz",
            "Europe/Berlin",
        ],
    );
    for (name, email) in [
        ("Ana Lopez", "ana@example.com"),
        ("Ben Ode", "ben@example.com"),
        ("Cleo Park", "cleo@example.com"),
    ] {
        cli(
            &store,
            &["contact", "add", "--name", name, "--email", email],
        );
    }
    let app = App::start(&store).await;
    app.click("[data-testid=nav-training]").await;
    app.find("[data-testid=view-training]").await;
    app.wait_for_text(
        "[data-testid=completion-administrators]",
        "Nobody invited yet",
    )
    .await;

    // Schedule the admin training on the morning of Day 0 (go-live is at
    // 18:00) with Ben and Cleo; on Day 0's date, the calendar's month shows it.
    app.click("[data-testid=add-session]").await;
    app.type_into(
        "[data-testid=session-title]",
        "Admin training: user management",
    )
    .await;
    app.select_label("[data-testid=session-audience]", "Administrators")
        .await;
    app.type_into("[data-testid=session-date]", &day0).await;
    app.type_into("[data-testid=session-start]", "09:00").await;
    app.type_into("[data-testid=session-end]", "11:30").await;
    app.type_into(
        "[data-testid=session-place]",
        "https://meet.example.com/admin",
    )
    .await;
    app.select_label("[data-testid=session-trainer]", "Ana Lopez")
        .await;
    app.click("[data-testid='session-attendee-Ben Ode']").await;
    app.click("[data-testid='session-attendee-Cleo Park']")
        .await;
    // A session that ends before it starts is refused in the dialog.
    app.type_into("[data-testid=session-end]", "08:00").await;
    app.click("[data-testid=session-save]").await;
    app.wait_for_text("[data-testid=session-error]", "before it starts")
        .await;
    app.type_into("[data-testid=session-end]", "11:30").await;
    app.screenshot("40-training-session-dialog").await;
    app.click("[data-testid=session-save]").await;
    app.gone("[data-testid=session-dialog]").await;

    let row = app.text("[data-testid=session-TRN-1]").await;
    for part in [
        "Admin training: user management",
        "Administrators",
        &format!("{day0} 09:00–11:30"),
        "Europe/Berlin",
        "Trainer: Ana Lopez",
    ] {
        assert!(row.contains(part), "{part} in {row}");
    }
    app.wait_for_text(
        "[data-testid=completion-administrators]",
        "0 of 2 completed",
    )
    .await;

    // Attendance: Ben completes, Cleo attends only.
    app.click("[data-testid='completed-Ben Ode']").await;
    app.wait_for_text(
        "[data-testid=completion-administrators]",
        "1 of 2 completed · 1 attended",
    )
    .await;
    app.click("[data-testid='attended-Cleo Park']").await;
    app.wait_for_text(
        "[data-testid=completion-administrators]",
        "1 of 2 completed · 2 attended",
    )
    .await;
    app.screenshot("41-training-attendance").await;

    // Readiness: PRE-32 checks 90 % per audience; administrators are at 50 %.
    app.click("[data-testid=nav-readiness]").await;
    app.wait_for_text("[data-testid=rule-PRE-32]", "below 90 %: Administrators")
        .await;
    app.click("[data-testid=nav-training]").await;
    app.click("[data-testid=session-TRN-1] button[aria-expanded]")
        .await;
    app.click("[data-testid='completed-Cleo Park']").await;
    app.wait_for_text("[data-testid=completion-administrators]", "100 %")
        .await;
    app.click("[data-testid=nav-readiness]").await;
    app.wait_for_text("[data-testid=rule-PRE-32]", "holds")
        .await;

    // Move it to the afternoon: a reschedule in the record.
    app.click("[data-testid=nav-training]").await;
    app.click("[data-testid=session-TRN-1] .actions button")
        .await;
    app.type_into("[data-testid=session-start]", "13:00").await;
    app.type_into("[data-testid=session-end]", "15:30").await;
    app.click("[data-testid=session-save]").await;
    app.gone("[data-testid=session-dialog]").await;
    app.wait_for_text(
        "[data-testid=session-TRN-1]",
        &format!("{day0} 13:00–15:30"),
    )
    .await;
    let log = cli(&store, &["log", "--json"]);
    assert!(log.contains("\"training.reschedule\""), "{log}");

    // The calendar shows it on Day 0.
    app.click("[data-testid=tab-calendar]").await;
    // (WebKit's WebDriver leaves text cut by an ellipsis out: read the title.)
    let chip = format!("[data-testid=day-{day0}] [data-testid=chip-TRN-1]");
    let title = app.attr(&chip, "title").await.unwrap_or_default();
    assert!(title.starts_with("13:00 Admin training"), "{title}");
    let day0_cell = app.text(&format!("[data-testid=day-{day0}]")).await;
    assert!(day0_cell.contains("Day 0"), "{day0_cell}");
    app.screenshot("42-training-calendar").await;

    // The invitation as .ics through the save dialog.
    app.click("[data-testid=tab-sessions]").await;
    let ics = dir.path().join("admin-training.ics");
    app.click("[data-testid=invite-TRN-1]").await;
    answer_file_dialog("Export the invitation", &ics).await;
    app.wait_for_text("[data-testid=training-notice]", "Wrote 1 session")
        .await;
    let text = std::fs::read_to_string(&ics).expect("the .ics file");
    assert!(
        text.contains("SUMMARY:Admin training: user management\r\n"),
        "{text}"
    );
    assert!(text.contains("ATTENDEE;CN=\"Ben Ode\""), "{text}");
    assert!(text.contains("SEQUENCE:1\r\n"), "rescheduled once: {text}");
}
