//! The health commands against the demo platform on 127.0.0.1 and the real
//! Secret Service `make test` provides (scripts/with-keyring.sh), plus
//! keychains that are missing, locked or not answering, each set up here.

use std::process::Command;
use std::time::{Duration, Instant};

use golive_demo::platform::{Platform, State};

use super::Cli;

/// A secret used throughout: it must never reach the store or the logs.
const KNOWN_SECRET: &str = "gl-known-secret-7Qx9-zz";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn unique(prefix: &str) -> String {
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        Instant::now().elapsed().as_nanos() ^ (jiff::Timestamp::now().as_nanosecond() as u128)
    )
}

/// Every file under `dir`, read as bytes.
fn files_under(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            found.push((path, bytes));
        }
    }
    found
}

#[test]
fn monitor_with_a_keychain_credential_passes_fails_alerts_and_is_acknowledged() {
    let rt = runtime();
    let demo = rt
        .block_on(Platform::start(0, 0, KNOWN_SECRET))
        .expect("demo platform");
    let origin = format!("http://{}", demo.http.addr);
    let url = demo.http.url("http", "/billing/actuator/health");
    let cli = Cli::new();
    cli.init();
    cli.ok(&["env", "add", "production", "--production"]);
    let credential = unique("billing");

    // Secrets come from stdin (or the terminal), never argv.
    let set = cli.run_with_stdin(
        &[
            "secret",
            "set",
            &credential,
            "--kind",
            "bearer",
            "--origin",
            &origin,
        ],
        &format!("{KNOWN_SECRET}\n"),
    );
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    let status = cli.json(&["secret", "status"]);
    assert_eq!(status["keychain"]["state"], "available", "{status}");
    let listed = status["credentials"].as_array().unwrap();
    assert!(
        listed
            .iter()
            .any(|c| c["id"] == credential.as_str() && c["secret"] == "set")
    );

    // A credential for one origin is refused for another.
    let elsewhere = cli.fails(
        &[
            "monitor",
            "add",
            "--env",
            "production",
            "--name",
            "Wrong",
            "--url",
            "http://127.0.0.2:1/",
            "--credential",
            &credential,
        ],
        2,
    );
    assert!(elsewhere.contains("may only be sent to"), "{elsewhere}");

    cli.ok(&[
        "monitor",
        "add",
        "--env",
        "production",
        "--name",
        "Billing",
        "--url",
        &url,
        "--credential",
        &credential,
        "--condition",
        "status == 200",
        "--condition",
        "$.status == UP",
        "--format",
        "actuator",
        "--interval",
        "15",
    ]);
    let passing = cli.run(&["check", "--json"]);
    assert_eq!(
        passing.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&passing.stderr)
    );
    let lines: serde_json::Value = serde_json::from_slice(&passing.stdout).unwrap();
    assert_eq!(lines[0]["verdict"], "pass", "{lines}");

    demo.set("billing", State::Failing).unwrap();
    for _ in 0..2 {
        let failing = cli.run(&["check"]);
        assert_eq!(failing.status.code(), Some(2), "a failure exits 2");
        let text = String::from_utf8_lossy(&failing.stdout);
        assert!(
            text.contains("FAIL") && text.contains("$.status is DOWN, expected UP"),
            "{text}"
        );
    }
    let alerts = cli.json(&["alerts"]);
    let downtime = alerts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["rule_key"] == "downtime")
        .expect("a downtime alert")
        .clone();
    assert_eq!(downtime["severity"], "critical");
    let id = downtime["id"].as_str().unwrap();
    let no_note = cli.fails(&["alerts", "ack", id, "--note", "  "], 2);
    assert!(no_note.contains("acknowledgement note"), "{no_note}");
    cli.ok(&[
        "alerts",
        "ack",
        &id[id.len() - 8..],
        "--note",
        "paging the billing team",
    ]);
    let listed = cli.ok(&["alerts"]);
    assert!(
        listed.contains("acknowledged") && listed.contains("paging the billing team"),
        "{listed}"
    );

    // UNKNOWN only warns once the monitor stops insisting on UP.
    cli.ok(&[
        "monitor",
        "edit",
        "Billing",
        "--clear-conditions",
        "--condition",
        "status == 200",
    ]);
    demo.set("billing", State::Warn).unwrap();
    let warning = cli.run(&["check"]);
    assert_eq!(warning.status.code(), Some(1), "a warning exits 1");

    let monitors = cli.ok(&["monitor", "list"]);
    assert!(monitors.contains("Billing"), "{monitors}");

    // The secret reached the service, and nowhere else.
    let seen = demo.http.requests();
    assert!(
        seen.iter()
            .any(|r| r.header("authorization") == Some(format!("Bearer {KNOWN_SECRET}").as_str()))
    );
    for (path, bytes) in files_under(cli.dir.path()) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(KNOWN_SECRET),
            "the secret is in {}",
            path.display()
        );
    }
    cli.ok(&["monitor", "rm", "Billing"]);
    cli.ok(&["secret", "rm", &credential]);
    let gone = cli.json(&["secret", "status"]);
    assert!(
        !gone["credentials"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == credential.as_str())
    );
}

#[test]
fn a_secret_is_never_taken_from_argv_and_bad_secrets_store_nothing() {
    let cli = Cli::new();
    cli.init();
    let refused = cli.fails(
        &[
            "secret",
            "set",
            "x",
            "--kind",
            "bearer",
            "--origin",
            "http://127.0.0.1:1",
            "hunter2",
        ],
        2,
    );
    assert!(refused.contains("unexpected argument"), "{refused}");
    let id = unique("basic");
    let bad = cli.run_with_stdin(
        &[
            "secret",
            "set",
            &id,
            "--kind",
            "basic",
            "--origin",
            "http://127.0.0.1:1",
        ],
        "no-colon-here\n",
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("user:password"));
    let status = cli.json(&["secret", "status"]);
    assert!(
        status["credentials"].as_array().unwrap().is_empty(),
        "nothing stored: {status}"
    );
}

#[test]
fn monitor_commands_explain_bad_input_and_change_nothing() {
    let cli = Cli::new();
    cli.init();
    cli.ok(&["env", "add", "staging"]);
    let missing = cli.fails(&["monitor", "add", "--env", "staging", "--name", "API"], 2);
    assert!(missing.contains("--env, --name and --url"), "{missing}");
    let bad_condition = cli.fails(
        &[
            "monitor",
            "add",
            "--env",
            "staging",
            "--name",
            "API",
            "--url",
            "http://127.0.0.1:9/",
            "--condition",
            "status ~ 200",
        ],
        2,
    );
    assert!(
        bad_condition.contains("comes an operator"),
        "{bad_condition}"
    );
    let no_env = cli.fails(
        &[
            "monitor",
            "add",
            "--env",
            "qa",
            "--name",
            "API",
            "--url",
            "http://127.0.0.1:9/",
        ],
        2,
    );
    assert!(no_env.contains("golive env add qa"), "{no_env}");
    let list = cli.json(&["monitor", "list"]);
    assert!(list[0]["monitors"].as_array().unwrap().is_empty());
    let none = cli.fails(&["check"], 2);
    assert!(none.contains("no monitors"), "{none}");
}

/// A D-Bus session without any service that could be activated.
const BARE_BUS: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#;

/// Runs `script` (bash) in a bare D-Bus session with fresh XDG folders;
/// `$GOLIVE` is the binary, `$STORE` a store with a launch.
fn in_bare_session(cli: &Cli, script: &str) -> (String, Duration) {
    let config = cli.dir.path().join("bus.conf");
    std::fs::write(&config, BARE_BUS).unwrap();
    let scratch = cli.dir.path().join("xdg");
    std::fs::create_dir_all(scratch.join("run")).unwrap();
    std::fs::create_dir_all(scratch.join("data")).unwrap();
    let started = Instant::now();
    let out = Command::new("dbus-run-session")
        .arg(format!("--config-file={}", config.display()))
        .args(["--", "bash", "-c", script])
        .env("GOLIVE", env!("CARGO_BIN_EXE_golive"))
        .env("STORE", cli.store())
        .env("GOLIVE_LOG_DIR", cli.dir.path().join("logs"))
        .env("XDG_RUNTIME_DIR", scratch.join("run"))
        .env("XDG_DATA_HOME", scratch.join("data"))
        .output()
        .expect("dbus-run-session runs");
    let took = started.elapsed();
    (
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        took,
    )
}

#[test]
fn a_missing_locked_or_silent_keychain_each_gets_its_own_message_and_nothing_falls_back() {
    let cli = Cli::new();
    cli.init();

    // No session bus at all.
    let out = Command::new(env!("CARGO_BIN_EXE_golive"))
        .args(["--store"])
        .arg(cli.store())
        .args(["secret", "status"])
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .env("GOLIVE_LOG_DIR", cli.dir.path().join("logs"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("no OS keychain answers"), "{text}");

    // A bus, but no Secret Service on it.
    let (text, _) = in_bare_session(
        &cli,
        r#"chmod 700 "$XDG_RUNTIME_DIR"; "$GOLIVE" --store "$STORE" secret status; echo "exit=$?""#,
    );
    assert!(
        text.contains("no OS keychain answers") && text.contains("exit=1"),
        "{text}"
    );
    assert!(
        text.contains("org.freedesktop.secrets") || text.contains("ServiceUnknown"),
        "{text}"
    );

    // A Secret Service with nothing unlocked; a monitor needing a secret
    // reports "credential unavailable", not an outage.
    let (text, _) = in_bare_session(
        &cli,
        r#"chmod 700 "$XDG_RUNTIME_DIR"
eval "$(gnome-keyring-daemon --start --components=secrets 2>/dev/null)"
"$GOLIVE" --store "$STORE" secret status; echo "exit=$?"
echo token | "$GOLIVE" --store "$STORE" secret set locked-cred --kind bearer --origin http://127.0.0.1:9; echo "set-exit=$?"
"#,
    );
    assert!(
        text.contains("the OS keychain is locked") && text.contains("exit=1"),
        "{text}"
    );
    assert!(text.contains("set-exit=2"), "{text}");
    let status = cli.json(&["secret", "status"]);
    assert!(
        status["credentials"].as_array().unwrap().is_empty(),
        "a refused secret leaves no credential behind: {status}"
    );

    // A Secret Service that never answers (stopped): bounded at 5 s.
    let (text, took) = in_bare_session(
        &cli,
        r#"chmod 700 "$XDG_RUNTIME_DIR"
eval "$(printf pw | gnome-keyring-daemon --daemonize --unlock --components=secrets 2>/dev/null)"
eval "$(gnome-keyring-daemon --start --components=secrets 2>/dev/null)"
# Stop exactly this session's daemon: the process owning the service name.
pid=$(dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets | awk '/uint32/ {print $2}')
kill -STOP "$pid"
"$GOLIVE" --store "$STORE" secret status; echo "exit=$?"
kill -CONT "$pid"
"#,
    );
    assert!(
        text.contains("did not answer within 5 seconds") && text.contains("exit=1"),
        "{text}"
    );
    assert!(took < Duration::from_secs(20), "bounded: {took:?}");
}

#[test]
fn kpis_are_listed_recorded_by_hand_and_read_from_an_endpoint() {
    use golive_demo::server::{Handler, Reply, Request, Server};
    use std::sync::Arc;
    let rt = runtime();
    let handler: Handler = Arc::new(|_: &Request| {
        Reply::with_type(
            200,
            "text/plain",
            "# TYPE app_active_users gauge\napp_active_users{env=\"prod\"} 1520\n",
        )
    });
    let server = rt
        .block_on(Server::http(
            std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            handler,
        ))
        .unwrap();
    let cli = Cli::new();
    cli.init();
    let listed = cli.ok(&["kpi", "list"]);
    assert!(
        listed.contains("satisfaction") && listed.contains("no value yet"),
        "{listed}"
    );
    let recorded = cli.ok(&[
        "kpi",
        "record",
        "satisfaction",
        "96.2",
        "--note",
        "December survey",
    ]);
    assert!(recorded.contains("(target met)"), "{recorded}");
    let refused = cli.fails(&["kpi", "record", "satisfaction", "140"], 2);
    assert!(refused.contains("between 0 and 100"), "{refused}");
    let url = server.url("http", "/metrics");
    cli.ok(&[
        "kpi",
        "edit",
        "active-users",
        "--source",
        "prometheus",
        "--url",
        &url,
        "--read",
        "app_active_users{env=\"prod\"}",
    ]);
    let read = cli.ok(&["kpi", "read", "active-users"]);
    assert!(read.contains("1520"), "{read}");
    let json = cli.json(&["kpi", "list"]);
    let users = json
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["key"] == "active-users")
        .unwrap();
    assert_eq!(users["latest"]["value"], 1520.0);
    let bad = cli.fails(
        &[
            "kpi", "add", "x", "--title", "X", "--source", "json", "--url", &url, "--read", "users",
        ],
        2,
    );
    assert!(bad.contains("JSON path"), "{bad}");
}
