//! The deployment commands as a user runs them: triggers, the gate, a
//! streamed run, a golive killed mid-run, cancelling leftovers.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::Cli;

fn group_alive(pgid: i64) -> bool {
    // Any live (not zombie) process in the group.
    std::fs::read_dir("/proc").unwrap().flatten().any(|entry| {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            return false;
        };
        let Some(close) = stat.rfind(')') else {
            return false;
        };
        let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        fields.len() > 2 && fields[0] != "Z" && fields[2] == pgid.to_string()
    })
}

fn launch(cli: &Cli) {
    cli.ok(&[
        "init",
        "--name",
        "Arxos platform",
        "--go-live",
        "2026-12-07T09:00",
        "--tz",
        "Europe/Berlin",
    ]);
    cli.ok(&["env", "add", "staging"]);
    cli.ok(&["env", "add", "production", "--production"]);
}

#[test]
fn triggers_are_added_listed_edited_and_removed_with_clear_errors() {
    let cli = Cli::new();
    launch(&cli);
    let added: Value = serde_json::from_str(&cli.ok(&[
        "--json",
        "trigger",
        "add",
        "--env",
        "staging",
        "--name",
        "Deploy",
        "--kind",
        "deploy",
        "--timeout",
        "600",
        "--env-var",
        "REGION=eu-west-1",
        "--",
        "bash",
        "-c",
        "echo \"$1\" | tr a-z A-Z",
        "--",
        "a; b && c",
    ]))
    .unwrap();
    assert_eq!(added["spec"]["kind"], "command");
    assert_eq!(added["spec"]["program"], "bash");
    assert_eq!(
        added["spec"]["args"],
        serde_json::json!(["-c", "echo \"$1\" | tr a-z A-Z", "--", "a; b && c"]),
        "everything after the first -- is the program's, byte for byte"
    );
    assert_eq!(added["timeout_s"], 600);

    let listed = cli.ok(&["trigger", "list"]);
    assert!(
        listed.contains("staging") && listed.contains("timeout 600 s"),
        "{listed}"
    );

    let no_program = cli.fails(
        &[
            "trigger", "add", "--env", "staging", "--name", "x", "--kind", "deploy",
        ],
        2,
    );
    assert!(
        no_program.contains("bash -c"),
        "the error shows how to use a shell: {no_program}"
    );
    let taken = cli.fails(
        &[
            "trigger", "add", "--env", "staging", "--name", "deploy", "--kind", "deploy", "--",
            "true",
        ],
        2,
    );
    assert!(taken.contains("already has a trigger"), "{taken}");
    let secretish = cli.fails(
        &[
            "trigger",
            "add",
            "--env",
            "staging",
            "--name",
            "y",
            "--kind",
            "deploy",
            "--env-var",
            "DB_PASSWORD=hunter22",
            "--",
            "true",
        ],
        2,
    );
    assert!(
        secretish.contains("--secret-env DB_PASSWORD=CREDENTIAL"),
        "{secretish}"
    );
    let bad_webhook = cli.fails(
        &[
            "trigger",
            "add",
            "--env",
            "staging",
            "--name",
            "hook",
            "--kind",
            "deploy",
            "--webhook",
            "https://ci.example.com/hooks",
            "--body",
            "{\"v\": \"{{secret}}\"}",
        ],
        2,
    );
    assert!(bad_webhook.contains("{{secret}}"), "{bad_webhook}");

    let edited = cli.json(&[
        "trigger",
        "edit",
        "staging/Deploy",
        "--no-timeout",
        "--name",
        "Deploy release",
    ]);
    assert_eq!(edited["timeout_s"], Value::Null);
    assert_eq!(
        edited["spec"]["args"][3], "a; b && c",
        "edit keeps what was not given"
    );
    let out = cli.ok(&["deploy", "Deploy release"]);
    assert_eq!(out, "A; B && C\n", "the run's stdout is the program's");
    cli.ok(&["trigger", "rm", "Deploy release"]);
    assert_eq!(cli.json(&["trigger", "list"]), serde_json::json!([]));
    let history = cli.json(&["runs"]);
    assert_eq!(
        history[0]["trigger_name"], "Deploy release",
        "the run stays in the history"
    );
    let log = cli.json(&["trigger", "list"]);
    assert!(log.as_array().unwrap().is_empty());
    let events = cli.ok(&["log"]);
    for action in [
        "trigger.add",
        "trigger.edit",
        "trigger.remove",
        "run.start",
        "run.end",
    ] {
        assert!(events.contains(action), "{action} is audited: {events}");
    }
}

#[test]
fn a_production_deploy_is_gated_confirmed_and_overridable_with_a_reason() {
    let cli = Cli::new();
    launch(&cli);
    cli.ok(&[
        "trigger",
        "add",
        "--env",
        "production",
        "--name",
        "Deploy",
        "--kind",
        "deploy",
        "--",
        "true",
    ]);
    let unconfirmed = cli.fails(&["deploy", "production/Deploy"], 2);
    assert!(
        unconfirmed.contains("--confirm production"),
        "{unconfirmed}"
    );
    let gated = cli.fails(
        &["deploy", "production/Deploy", "--confirm", "production"],
        2,
    );
    assert!(
        gated.contains("gate is closed") && gated.contains("Technical lead has not signed off"),
        "the refusal lists what is missing: {gated}"
    );
    assert_eq!(cli.json(&["runs"]), serde_json::json!([]), "nothing ran");
    let streamed = cli.ok(&[
        "--json",
        "deploy",
        "production/Deploy",
        "--confirm",
        "production",
        "--override-reason",
        "security fix, CAB approved by phone",
    ]);
    // One JSON object per line: the output lines, then the run.
    let objects: Vec<Value> = streamed
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // The start first; last, the copy of the store taken as the run began.
    let backed_up = objects[objects.len() - 2]["line"]["text"].as_str().unwrap();
    assert!(
        backed_up.starts_with("the store as it was when this run started is backed up in ")
            && backed_up.contains("-before-run.db"),
        "{backed_up}"
    );
    assert!(
        objects[0]["line"]["text"]
            .as_str()
            .unwrap()
            .starts_with("started true")
    );
    let run = &objects.last().unwrap()["run"];
    assert_eq!(run["state"], "succeeded");
    assert_eq!(run["gate_override"], "security fix, CAB approved by phone");
    let listed = cli.ok(&["runs"]);
    assert!(listed.contains("GATE OVERRIDDEN"), "{listed}");
    assert!(cli.ok(&["log"]).contains("run.gate_override"));
}

#[test]
fn a_golive_killed_mid_run_leaves_an_interrupted_run_with_its_lines_and_the_group_can_be_stopped() {
    let cli = Cli::new();
    launch(&cli);
    // Prints a numbered line every 20 ms, for a long time; ignores the broken pipe.
    cli.ok(&[
        "trigger",
        "add",
        "--env",
        "staging",
        "--name",
        "slow",
        "--kind",
        "deploy",
        "--",
        "bash",
        "-c",
        "trap '' PIPE; for i in $(seq 1 100000); do echo \"line $i\" 2>/dev/null; sleep 0.02; done",
    ]);
    let mut golive = Command::new(env!("CARGO_BIN_EXE_golive"))
        .arg("--store")
        .arg(cli.store())
        .args(["deploy", "slow"])
        .env("GOLIVE_LOG_DIR", cli.dir.path().join("logs"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until some lines are stored.
    let deadline = Instant::now() + Duration::from_secs(30);
    let stored = loop {
        let runs = cli.json(&["runs"]);
        let lines = runs[0]["line_count"].as_i64().unwrap_or(0);
        if lines >= 20 {
            break lines;
        }
        assert!(Instant::now() < deadline, "no lines stored: {runs}");
        std::thread::sleep(Duration::from_millis(50));
    };
    golive.kill().unwrap(); // SIGKILL
    golive.wait().unwrap();
    // The next golive sees the run interrupted at once, with every stored line.
    let runs = cli.json(&["runs"]);
    let run = &runs[0];
    assert_eq!(run["state"], "interrupted", "{run}");
    let id = run["id"].as_str().unwrap();
    assert!(run["line_count"].as_i64().unwrap() >= stored);
    let shown = cli.json(&["run", "show", id, "--log"]);
    let lines: Vec<&str> = shown["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["stream"] == "stdout")
        .map(|l| l["text"].as_str().unwrap())
        .collect();
    // The stored count includes golive's note of the start.
    assert!(lines.len() as i64 >= stored - 1);
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(
            *line,
            format!("line {}", i + 1),
            "lines kept in order, none lost"
        );
    }
    let pgid = run["pgid"].as_i64().unwrap();
    let detail = run["detail"].as_str().unwrap();
    assert!(
        group_alive(pgid),
        "the child outlived golive (it ignores SIGPIPE)"
    );
    assert!(
        detail.contains(&format!("process group {pgid} is still running")),
        "the leftover group is reported: {detail}"
    );
    // Cancelling the interrupted run stops what it left behind.
    let stopped = cli.ok(&["run", "cancel", id]);
    assert!(stopped.contains("stopped with"), "{stopped}");
    assert!(!group_alive(pgid), "nothing of the group remains");
    // The environment's lock is free again.
    cli.ok(&[
        "trigger", "add", "--env", "staging", "--name", "quick", "--kind", "deploy", "--", "true",
    ]);
    cli.ok(&["deploy", "quick"]);
}

#[test]
fn a_second_run_is_told_which_run_holds_the_environment() {
    let cli = Cli::new();
    launch(&cli);
    cli.ok(&[
        "trigger", "add", "--env", "staging", "--name", "slow", "--kind", "deploy", "--", "sleep",
        "3",
    ]);
    cli.ok(&[
        "trigger", "add", "--env", "staging", "--name", "fast", "--kind", "rollback", "--", "true",
    ]);
    let mut first = Command::new(env!("CARGO_BIN_EXE_golive"))
        .arg("--store")
        .arg(cli.store())
        .args(["deploy", "slow"])
        .env("GOLIVE_LOG_DIR", cli.dir.path().join("logs"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while cli
        .json(&["runs", "--state", "running"])
        .as_array()
        .unwrap()
        .is_empty()
    {
        assert!(Instant::now() < deadline, "the first run never started");
        std::thread::sleep(Duration::from_millis(50));
    }
    let refused = cli.fails(&["deploy", "fast"], 2);
    assert!(
        refused.contains("locked by the run") && refused.contains("\"slow\""),
        "{refused}"
    );
    let id = cli.json(&["runs"])[0]["id"].as_str().unwrap().to_string();
    cli.ok(&["run", "cancel", &id]);
    assert!(!first.wait().unwrap().success(), "a cancelled run exits 1");
    let run = cli.json(&["run", "show", &id]);
    assert_eq!(run["state"], "cancelled");
    assert_eq!(run["signal"], "TERM");
}

/// golive with extra environment variables, e.g. a short demo deploy.
fn golive_with(cli: &Cli, env: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_golive"))
        .arg("--store")
        .arg(cli.store())
        .args(args)
        .envs(env.iter().copied())
        .env("GOLIVE_LOG_DIR", cli.dir.path().join("logs"))
        .output()
        .unwrap()
}

#[test]
fn the_demo_rehearses_a_broken_deploy_the_rollback_advice_and_the_rollback() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let demo = rt
        .block_on(golive_demo::platform::Platform::start(
            0,
            0,
            "demo-token-for-deploys",
        ))
        .unwrap();
    let port = demo.http.addr.port().to_string();
    let cli = Cli::new();
    cli.init();
    let created = golive_with(
        &cli,
        &[("GOLIVE_DEMO_DEPLOY_SECONDS", "1")],
        &[
            "demo",
            "launch",
            "--port",
            &port,
            "--token",
            "demo-token-for-deploys",
        ],
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let listed = cli.ok(&["trigger", "list"]);
    for name in [
        "Deploy release",
        "Deploy broken build",
        "Roll back",
        "Smoke test",
    ] {
        assert!(listed.contains(name), "the demo has {name:?}: {listed}");
    }
    cli.ok(&["check"]);
    let deploy = |trigger: &str, version: &str| {
        golive_with(
            &cli,
            &[],
            &[
                "--json",
                "deploy",
                trigger,
                "--version",
                version,
                "--confirm",
                "production",
                "--override-reason",
                "demo rehearsal",
            ],
        )
    };
    let good = deploy("production/Deploy release", "2.6");
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    let broken = deploy("production/Deploy broken build", "2.7");
    assert_eq!(
        broken.status.code(),
        Some(1),
        "a deploy whose validation fails exits 1"
    );
    let stdout = String::from_utf8(broken.stdout).unwrap();
    let run: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    let run = &run["run"];
    assert_eq!(run["state"], "succeeded", "the script itself succeeded");
    assert_eq!(run["validation_state"], "failed", "{run}");
    assert!(
        stdout.contains("switching traffic to the new release"),
        "the live log shows the progress"
    );
    let deploy_id = run["id"].as_str().unwrap().to_string();

    // The second failing probe makes Orders API and Payments "down": critical.
    assert_eq!(golive_with(&cli, &[], &["check"]).status.code(), Some(2));
    let advice = golive_with(&cli, &[], &["rollback-watch"]);
    assert_eq!(
        advice.status.code(),
        Some(1),
        "exit 1 while a rollback is recommended"
    );
    let advice = String::from_utf8(advice.stdout).unwrap();
    assert!(
        advice.contains("ROLLBACK RECOMMENDED on production"),
        "{advice}"
    );
    assert!(
        advice.contains("rolls back to: Deploy release 2.6"),
        "{advice}"
    );
    assert!(advice.contains("--rollback-of"), "{advice}");

    let no_reason = golive_with(
        &cli,
        &[],
        &[
            "deploy",
            "production/Roll back",
            "--rollback-of",
            &deploy_id,
            "--confirm",
            "production",
        ],
    );
    assert_eq!(no_reason.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_reason.stderr).contains("needs a reason"));
    let rollback = golive_with(
        &cli,
        &[],
        &[
            "deploy",
            "production/Roll back",
            "--rollback-of",
            &deploy_id,
            "--reason",
            "orders and payments down after 2.7",
            "--confirm",
            "production",
        ],
    );
    assert!(
        rollback.status.success(),
        "{}",
        String::from_utf8_lossy(&rollback.stderr)
    );
    assert!(
        String::from_utf8_lossy(&rollback.stdout)
            .contains("rollback to the previous release (2.6)"),
        "the rollback is told what it goes back to (GOLIVE_ROLLBACK_TO)"
    );
    // The services pass again; the advice now says the rollback started.
    cli.ok(&["check"]);
    let after = golive_with(&cli, &[], &["rollback-watch"]);
    assert_eq!(after.status.code(), Some(0), "nothing left to recommend");
    let after = String::from_utf8_lossy(&after.stdout);
    assert!(
        after.contains("ROLLBACK STARTED on production") && after.contains("succeeded (Roll back)"),
        "{after}"
    );
    let runs = cli.json(&["runs", "--action", "rollback"]);
    assert_eq!(runs[0]["parent_run_id"], deploy_id.as_str());
    assert_eq!(runs[0]["reason"], "orders and payments down after 2.7");
    drop(demo);
}
