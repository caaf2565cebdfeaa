//! Production health in the real app: the demo platform runs (`golive demo
//! serve`), a technical lead adds an environment, a credential (its secret
//! typed into the window, kept in the real Secret Service) and a monitor
//! behind a bearer token, sees it pass, switches the endpoint to failing
//! from the command line, sees the monitor go down, the alerts with their
//! desktop notification (a real notification daemon, dunst, when installed)
//! and acknowledges one. The known secret then appears nowhere it must not.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::cli;
use crate::driver::App;
use crate::readiness::day0_in;

/// Used throughout; checked for in the store, the logs and the page.
pub(crate) const KNOWN_SECRET: &str = "gl-e2e-secret-Vq7Tz3Kp9w";

pub(crate) struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn free_port_pair() -> u16 {
    loop {
        let first = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = first.local_addr().unwrap().port();
        if port < 65000 && std::net::TcpListener::bind(("127.0.0.1", port + 1)).is_ok() {
            return port;
        }
    }
}

/// `golive demo serve` on `port`, waiting until it answers.
pub(crate) fn demo_platform(store: &std::path::Path, port: u16) -> Running {
    let child = Command::new(crate::golive_cli())
        .args(["--store"])
        .arg(store)
        .args([
            "demo",
            "serve",
            "--port",
            &port.to_string(),
            "--token",
            KNOWN_SECRET,
        ])
        .env("GOLIVE_LOG_DIR", store.with_file_name("logs"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start golive demo serve");
    let running = Running(child);
    let deadline = Instant::now() + crate::STEP;
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "the demo platform did not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    running
}

/// A real notification daemon on the test's session bus, when installed.
fn notification_daemon() -> Option<Running> {
    let child = Command::new("dunst")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    std::thread::sleep(Duration::from_millis(500));
    Some(Running(child))
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            out.push(if i <= chunk.len() {
                ALPHABET[((n >> shift) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    out
}

/// The forms a leaked secret could take: plain, JSON-escaped, URL-encoded,
/// and base64 at each of the three alignments it can have inside a text.
fn leak_forms(secret: &str) -> Vec<String> {
    let mut forms = vec![
        secret.to_string(),
        serde_json::to_string(secret)
            .unwrap()
            .trim_matches('"')
            .to_string(),
        secret.replace('-', "%2D"),
    ];
    for offset in 0..3 {
        let mut bytes = vec![b'x'; offset];
        bytes.extend_from_slice(secret.as_bytes());
        let encoded = base64(&bytes);
        // Leave out the groups the neighbouring bytes would change.
        let start = if offset == 0 { 0 } else { 4 };
        forms.push(encoded[start..encoded.len() - 4].to_string());
    }
    forms
}

fn files_under(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            found.push((path, bytes));
        }
    }
    found
}

#[tokio::test]
async fn a_monitor_with_a_keychain_credential_passes_fails_alerts_and_is_acknowledged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("golive.db");
    cli(
        &store,
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
    let port = free_port_pair();
    let _demo = demo_platform(&store, port);
    let daemon = notification_daemon();
    let app = App::start(&store).await;

    app.click("[data-testid=nav-health]").await;
    app.find("[data-testid=health-empty]").await;
    app.wait_for_attr(
        "[data-testid=keychain]",
        "data-state",
        "available",
        Duration::from_secs(10),
    )
    .await;

    // An environment.
    app.click("[data-testid=add-environment]").await;
    app.type_into("[data-testid=environment-name]", "production")
        .await;
    app.click("[data-testid=environment-is-production]").await;
    app.click("[data-testid=environment-save]").await;
    app.gone("[data-testid=environment-dialog]").await;
    app.find("section[data-testid=environment-production]")
        .await;

    // A credential: the secret is typed once and goes to the keychain.
    app.click("[data-testid=open-credentials]").await;
    app.type_into("[data-testid=credential-id]", "billing-token")
        .await;
    app.type_into(
        "[data-testid=credential-origin]",
        &format!("http://127.0.0.1:{port}"),
    )
    .await;
    app.type_into("[data-testid=credential-secret]", KNOWN_SECRET)
        .await;
    app.click("[data-testid=credential-save]").await;
    app.wait_for_text(
        "[data-testid=credential-notice]",
        "Stored billing-token in the OS keychain",
    )
    .await;
    app.find("[data-testid=credential-billing-token]").await;
    app.screenshot("health-credentials").await;
    app.click("[data-testid=credentials-close]").await;
    app.gone("[data-testid=credentials-dialog]").await;

    // A monitor with a mistake first: the error names it and nothing is added.
    app.click("[data-testid=add-monitor]").await;
    app.type_into("[data-testid=monitor-name]", "Billing").await;
    app.type_into(
        "[data-testid=monitor-url]",
        &format!("http://127.0.0.1:{port}/billing/actuator/health"),
    )
    .await;
    app.select_value("[data-testid=monitor-format]", "actuator")
        .await;
    app.select_value("[data-testid=monitor-credential]", "billing-token")
        .await;
    app.type_into("[data-testid=monitor-interval]", "5").await;
    app.type_into("[data-testid=monitor-timeout]", "2000").await;
    app.type_into("[data-testid=monitor-conditions]", "status = 200")
        .await;
    app.click("[data-testid=monitor-save]").await;
    app.wait_for_text("[data-testid=monitor-error]", "comes an operator")
        .await;
    app.screenshot("health-monitor-error").await;
    app.type_into(
        "[data-testid=monitor-conditions]",
        "status == 200\u{e007}response_time < 1s else warn",
    )
    .await;
    app.click("[data-testid=monitor-save]").await;
    app.gone("[data-testid=monitor-dialog]").await;

    // It passes: the credential reached the service.
    app.click("[data-testid=probe-now]").await;
    app.wait_for_attr(
        "[data-testid=monitor-Billing]",
        "data-state",
        "up",
        Duration::from_secs(20),
    )
    .await;
    app.click("[data-testid=monitor-Billing]").await;
    app.find("[data-testid=monitor-panel]").await;
    app.find("[data-testid=components]").await;
    app.screenshot("health-passing").await;

    // The endpoint fails (switched from the command line); two failures in a
    // row take the monitor down and raise the alerts.
    cli(
        &store,
        &[
            "demo",
            "set",
            "billing",
            "failing",
            "--port",
            &port.to_string(),
        ],
    );
    app.wait_for_attr(
        "[data-testid=monitor-Billing]",
        "data-state",
        "down",
        Duration::from_secs(30),
    )
    .await;
    app.find("[data-testid=alert-downtime]").await;
    app.find("[data-testid=alert-database-connection]").await;
    app.wait_for_text(
        "[data-testid=monitor-last-error]",
        "db DOWN: connection pool exhausted",
    )
    .await;
    let expected_notification = if daemon.is_some() { "shown" } else { "failed" };
    app.wait_for_attr(
        "[data-testid=alert-downtime] [data-testid=alert-notification]",
        "data-state",
        expected_notification,
        Duration::from_secs(15),
    )
    .await;
    if daemon.is_some() {
        // Shown notifications move to the daemon's history once closed.
        let _ = Command::new("dunstctl").arg("close-all").status();
        std::thread::sleep(Duration::from_millis(300));
        let history = Command::new("dunstctl")
            .arg("history")
            .output()
            .expect("dunstctl history");
        let history = String::from_utf8_lossy(&history.stdout);
        assert!(
            history.contains("System downtime"),
            "the notification reached the daemon: {history}"
        );
    }
    app.screenshot("health-failing").await;

    // Acknowledge: a note is required.
    app.click("[data-testid=alert-downtime] [data-testid=alert-ack-button]")
        .await;
    app.click("[data-testid=ack-save]").await;
    app.wait_for_text("[data-testid=ack-error]", "acknowledgement note")
        .await;
    app.type_into("[data-testid=ack-note]", "Restarting the billing pool")
        .await;
    app.click("[data-testid=ack-save]").await;
    app.wait_for_attr(
        "[data-testid=alert-downtime]",
        "data-acknowledged",
        "yes",
        Duration::from_secs(10),
    )
    .await;
    app.wait_for_text(
        "[data-testid=alert-downtime] [data-testid=alert-ack]",
        "Restarting the billing pool",
    )
    .await;
    app.screenshot("health-acknowledged").await;

    // Who to call: the first escalation level since the alert was raised.
    crate::cli(
        &store,
        &[
            "contact",
            "add",
            "--name",
            "Ben Ode",
            "--role",
            "support",
            "--phone",
            "+1 212 555 0100",
        ],
    );
    app.click("[data-testid=alert-downtime] [data-testid=alert-who-button]")
        .await;
    app.wait_for_text(
        "[data-testid=who-dialog]",
        "Level 1 — Automated monitoring and basic alerts",
    )
    .await;
    app.wait_for_text("[data-testid='callee-Ben Ode']", "+1 212 555 0100")
        .await;
    app.wait_for_text(
        "[data-testid=call-next]",
        "Next: level 2 — Support team intervention",
    )
    .await;
    app.screenshot("health-who-to-call").await;
    app.click("[data-testid=who-dialog] .dialog-actions .btn")
        .await;
    app.gone("[data-testid=who-dialog]").await;

    // Open an incident from the alert, escalate it, see who to call, resolve it.
    app.click("[data-testid=alert-downtime] [data-testid=alert-incident-button]")
        .await;
    app.select_label("[data-testid=incident-owner]", "Ben Ode")
        .await;
    app.screenshot("incident-from-alert").await;
    app.click("[data-testid=incident-open]").await;
    app.find("[data-testid=view-incidents]").await;
    app.wait_for_text(
        "[data-testid=incident-detail]",
        "INC-1 · System downtime on production / Billing",
    )
    .await;
    app.wait_for_text("[data-testid=incident-timeline]", "(this incident's alert)")
        .await;
    app.wait_for_text(
        "[data-testid=incident-who]",
        "Level 1 — Automated monitoring",
    )
    .await;
    app.type_into("[data-testid=escalate-reason]", "pool keeps dying")
        .await;
    app.click("[data-testid=escalate]").await;
    app.wait_for_attr(
        "[data-testid=incident-detail]",
        "data-level",
        "2",
        crate::STEP,
    )
    .await;
    app.wait_for_text(
        "[data-testid=incident-timeline]",
        "Level 1 → 2 (Support team intervention): pool keeps dying",
    )
    .await;
    app.wait_for_text(
        "[data-testid=incident-who]",
        "Level 2 — Support team intervention",
    )
    .await;
    app.wait_for_text("[data-testid='callee-Ben Ode']", "+1 212 555 0100")
        .await;
    app.type_into("[data-testid=incident-note]", "Raised the pool limit to 80")
        .await;
    app.click("[data-testid=add-note]").await;
    app.wait_for_text(
        "[data-testid=incident-timeline]",
        "Raised the pool limit to 80",
    )
    .await;
    app.type_into("[data-testid=action-text]", "Load-test the pool at 2x")
        .await;
    app.select_label("[data-testid=action-owner]", "Ben Ode")
        .await;
    app.click("[data-testid=add-action]").await;
    app.wait_for_text("[data-testid=incident-actions]", "Ben Ode")
        .await;
    app.click("[data-testid=action-done]").await;
    app.wait_for_text(
        "[data-testid=incident-timeline]",
        "Done: Load-test the pool at 2x",
    )
    .await;
    app.screenshot("incident-escalated").await;
    // While open, the incident is on the dashboard, one click from its page.
    app.click("[data-testid=nav-dashboard]").await;
    app.wait_for_text("[data-testid=dashboard-incidents]", "INC-1")
        .await;
    app.click("[data-testid=dashboard-incident-INC-1]").await;
    app.wait_for_attr(
        "[data-testid=incident-detail]",
        "data-level",
        "2",
        crate::STEP,
    )
    .await;
    app.click("[data-testid=resolve]").await;
    app.wait_for_text("[data-testid=incidents-error]", "needs a summary")
        .await;
    app.type_into(
        "[data-testid=resolve-summary]",
        "Pool limit raised; billing answers again",
    )
    .await;
    app.click("[data-testid=resolve]").await;
    app.wait_for_attr(
        "[data-testid=incident-detail]",
        "data-state",
        "resolved",
        crate::STEP,
    )
    .await;
    app.wait_for_text("[data-testid=incident-summary]", "Pool limit raised")
        .await;
    app.click("[data-testid=nav-health]").await;

    // The dashboard tile says production is down.
    app.click("[data-testid=nav-dashboard]").await;
    app.wait_for_attr(
        "[data-testid=dashboard-health]",
        "data-tone",
        "bad",
        Duration::from_secs(10),
    )
    .await;
    app.screenshot("health-dashboard").await;

    // The secret is in no page the window shows.
    let page = app.client.source().await.expect("page source");
    app.quit().await;

    for form in leak_forms(KNOWN_SECRET) {
        assert!(
            !page.contains(&form),
            "the page holds the secret as {form:?}"
        );
        for (path, bytes) in files_under(dir.path()) {
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains(&form),
                "{} holds the secret as {form:?}",
                path.display()
            );
        }
    }
    let audit = cli(&store, &["log"]);
    assert!(
        audit.contains("credential.add") && audit.contains("alert.acknowledge"),
        "{audit}"
    );
}

#[tokio::test]
async fn try_the_demo_creates_a_launch_with_live_health() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("golive.db");
    let port = free_port_pair();
    let _demo = demo_platform(&store, port);
    // The app finds the demo platform on this port, with this token.
    let port_text = port.to_string();
    let app = App::start_with_env(
        &store,
        &[
            ("GOLIVE_DEMO_PORT", port_text.as_str()),
            ("GOLIVE_DEMO_TOKEN", KNOWN_SECRET),
        ],
    )
    .await;
    app.click("[data-testid=create-demo]").await;
    app.find("[data-testid=view-dashboard]").await;
    app.click("[data-testid=nav-health]").await;
    for name in [
        "Orders API",
        "Payments",
        "Billing (token)",
        "Customer portal (TLS)",
        "Kubernetes readiness",
        "Search",
    ] {
        app.wait_for_attr(
            &format!("[data-testid=\"monitor-{name}\"]"),
            "data-state",
            "up",
            Duration::from_secs(30),
        )
        .await;
    }
    app.screenshot("health-demo").await;

    // A KPI from a survey, entered by hand: a bad value is refused, a good one meets its target.
    app.click("[data-testid=kpi-record-satisfaction]").await;
    app.type_into("[data-testid=kpi-value]", "1o5").await;
    app.click("[data-testid=kpi-save]").await;
    app.wait_for_text("[data-testid=kpi-error]", "Enter a number")
        .await;
    app.type_into("[data-testid=kpi-value]", "96.5").await;
    app.type_into("[data-testid=kpi-note]", "December survey")
        .await;
    app.click("[data-testid=kpi-save]").await;
    app.wait_for_attr(
        "[data-testid=kpi-satisfaction]",
        "data-met",
        "yes",
        Duration::from_secs(10),
    )
    .await;
    app.screenshot("health-kpis").await;
    app.quit().await;
}
