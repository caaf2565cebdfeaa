//! Stakeholder updates in the window: the dashboard turns the missed update
//! overdue; "Draft update" opens a draft of the live state; a chat channel
//! is added (its URL typed once, into the keychain); the edited update goes
//! to a loopback chat-webhook stand-in; the record keeps it, the due time
//! moves on, "Stakeholder notifications sent" holds; and the URL is found
//! nowhere in the store, the logs or the window.

use std::sync::Arc;

use golive_demo::server::{Handler, Reply, Request, Server};

use crate::cli;
use crate::driver::App;

const HOOK: &str = "/services/T0E2E/B0E2E/e2eHookSecret9Q";

#[tokio::test]
async fn draft_and_send_an_update_to_a_chat_webhook_that_keeps_its_url_secret() {
    let handler: Handler = Arc::new(|request: &Request| match request.path() {
        HOOK => Reply::with_type(200, "text/plain", "ok"),
        _ => Reply::with_type(404, "text/plain", "no_service"),
    });
    let chat = Server::http(std::net::SocketAddr::from(([127, 0, 0, 1], 0)), handler)
        .await
        .expect("the chat stand-in listens");
    let url = chat.url("http", HOOK);

    // Day 0 began at midnight: the first update (due at go-live) is missed.
    // Just after midnight UTC a zone three hours ahead keeps it missed.
    let utc = jiff::Timestamp::now().in_tz("UTC").expect("UTC");
    let zone = if utc.hour() >= 1 { "UTC" } else { "Etc/GMT-3" };
    let today = jiff::Timestamp::now().in_tz(zone).expect("zone").date();
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("golive.db");
    cli(
        &store,
        &[
            "init",
            "--name",
            "Arxos platform",
            "--go-live",
            &format!("{today}T00:00"),
            "--tz",
            zone,
        ],
    );
    let app = App::start(&store).await;
    app.wait_for_attr(
        "[data-testid=dashboard-update]",
        "data-overdue",
        "true",
        crate::STEP,
    )
    .await;
    let strip = app.text("[data-testid=dashboard-update]").await;
    assert!(strip.contains("Stakeholder update overdue by"), "{strip}");
    app.screenshot("45-dashboard-update-overdue").await;

    // The button opens the Updates view with a draft of the live state.
    app.click("[data-testid=dashboard-draft-update]").await;
    app.find("[data-testid=view-updates]").await;
    app.wait_for_value("[data-testid=update-body]", "status update, Day 0")
        .await;
    let drafted = app.value("[data-testid=update-body]").await;
    for part in [
        "*Readiness:*",
        "Go/no-go: pending",
        "*Incidents:* none open.",
        "Next update by",
    ] {
        assert!(drafted.contains(part), "{part:?} missing from {drafted}");
    }

    // A channel: a plain-http URL to another host is refused, loopback taken.
    app.click("[data-testid=add-channel]").await;
    app.type_into("[data-testid=channel-name]", "#launch-status")
        .await;
    app.type_into(
        "[data-testid=channel-url]",
        "http://hooks.example.com/services/x",
    )
    .await;
    app.click("[data-testid=channel-save]").await;
    app.wait_for_text("[data-testid=channel-error]", "plain http")
        .await;
    app.type_into("[data-testid=channel-url]", &url).await;
    app.click("[data-testid=channel-save]").await;
    app.gone("[data-testid=channel-dialog]").await;
    app.wait_for_text("[data-testid=channels]", "#launch-status")
        .await;

    // Edit the draft and send it.
    app.find("[data-testid=update-body]")
        .await
        .send_keys("\u{e007}All monitors up; next window at 10:00.")
        .await
        .expect("type into the update");
    app.screenshot("46-update-compose").await;
    app.click("[data-testid=send-update]").await;
    app.wait_for_text(
        "[data-testid=update-notice]",
        "Sent update #1 to #launch-status",
    )
    .await;
    let posted = chat.requests();
    assert_eq!(posted.len(), 1, "one POST reached the stand-in");
    let payload: serde_json::Value = serde_json::from_slice(&posted[0].body).expect("JSON");
    let text = payload["text"].as_str().expect("a Slack text");
    assert!(text.contains("status update, Day 0"), "{text}");
    assert!(
        text.ends_with("All monitors up; next window at 10:00."),
        "{text}"
    );

    // Kept in the record; the next one is due a cadence later.
    app.wait_for_text("[data-testid=sent-1]", "to #launch-status")
        .await;
    app.wait_for_attr(
        "[data-testid=update-due]",
        "data-overdue",
        "false",
        crate::STEP,
    )
    .await;
    app.wait_for_text("[data-testid=update-due]", "Next stakeholder update due")
        .await;
    app.screenshot("47-update-sent").await;
    app.click("[data-testid=nav-readiness]").await;
    app.wait_for_text("[data-testid=rule-DAY-07]", "holds")
        .await;
    app.click("[data-testid=nav-dashboard]").await;
    app.wait_for_attr(
        "[data-testid=dashboard-update]",
        "data-overdue",
        "false",
        crate::STEP,
    )
    .await;

    // The URL is nowhere: not in the window, the store or the logs.
    let page = app.client.source().await.expect("the page source");
    assert!(
        !page.contains("e2eHookSecret9Q"),
        "the window holds the webhook URL"
    );
    let listed = cli(&store, &["update", "list", "--json"]);
    assert!(listed.contains("All monitors up"), "{listed}");
    app.quit().await;
    for file in walk(dir.path()) {
        let bytes = std::fs::read(&file).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("e2eHookSecret9Q"),
            "{} holds the webhook URL",
            file.display()
        );
    }
    cli(&store, &["update", "channel", "rm", "#launch-status"]);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
