//! The `golive` binary, run as a user runs it, against real store files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod backup;
mod deploy;
mod health;
mod people;
mod record;

struct Cli {
    dir: tempfile::TempDir,
}

impl Cli {
    fn new() -> Cli {
        Cli {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn store(&self) -> PathBuf {
        self.dir.path().join("golive.db")
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_golive"))
            .arg("--store")
            .arg(self.store())
            .args(args)
            .env("GOLIVE_LOG_DIR", self.dir.path().join("logs"))
            .output()
            .expect("golive runs")
    }

    /// Runs with `input` on stdin (how secrets are given).
    fn run_with_stdin(&self, args: &[&str], input: &str) -> Output {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_golive"))
            .arg("--store")
            .arg(self.store())
            .args(args)
            .env("GOLIVE_LOG_DIR", self.dir.path().join("logs"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("golive runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
        child.wait_with_output().expect("golive ends")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "golive {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 output")
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut with_json = args.to_vec();
        with_json.push("--json");
        serde_json::from_str(&self.ok(&with_json)).expect("--json prints JSON")
    }

    fn fails(&self, args: &[&str], status: i32) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(status),
            "golive {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stderr).expect("utf-8 errors")
    }

    fn init(&self) {
        // Day 0 is three days from now, so some pre-go-live items are overdue.
        // "Today" is the launch's (UTC here), whatever the machine's time zone.
        let today = jiff::Timestamp::now().in_tz("UTC").unwrap().date();
        let day0 = today.checked_add(jiff::ToSpan::days(3)).unwrap();
        self.ok(&[
            "init",
            "--name",
            "Arxos platform",
            "--go-live",
            &format!("{day0}T09:00"),
            "--tz",
            "UTC",
            "--platform",
            "Arxos",
        ]);
    }
}

#[test]
fn init_then_status_shows_readiness_per_phase() {
    let cli = Cli::new();
    cli.init();
    let status = cli.ok(&["status"]);
    assert!(status.contains("Arxos platform (Arxos)"), "{status}");
    assert!(status.contains("Day -3"), "{status}");
    assert!(status.contains("Pre-go-live preparation"), "{status}");
    let json = cli.json(&["status"]);
    assert_eq!(json["day_number"], -3);
    assert_eq!(json["phases"].as_array().unwrap().len(), 4);
    assert_eq!(json["overall"]["done"], 0);
    let overdue = json["overdue"].as_array().unwrap();
    assert!(!overdue.is_empty(), "items due before Day -3 are overdue");
    assert!(overdue.iter().all(|i| i["due_day"].as_i64().unwrap() < -3));
}

#[test]
fn tick_untick_items_and_log_round_trip() {
    let cli = Cli::new();
    cli.init();
    let ticked = cli.ok(&["tick", "PRE-07", "--note", "load test report in wiki"]);
    assert!(ticked.contains("Ticked PRE-07"), "{ticked}");
    let items = cli.json(&["items", "--phase", "pre"]);
    let pre07 = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == "PRE-07")
        .unwrap();
    assert_eq!(pre07["status"], "done");
    assert_eq!(pre07["status_note"], "load test report in wiki");
    assert!(
        items
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["phase_key"] == "pre")
    );

    let twice = cli.fails(&["tick", "PRE-07"], 2);
    assert!(twice.contains("already done"), "{twice}");
    let no_reason = cli.run(&["untick", "PRE-07"]);
    assert_eq!(
        no_reason.status.code(),
        Some(2),
        "clap refuses a missing --reason"
    );

    let item = cli.json(&["untick", "PRE-07", "--reason", "report was for staging"]);
    assert_eq!(item["status"], "open");
    assert_eq!(item["status_note"], "report was for staging");

    let log = cli.json(&["log"]);
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["launch.create", "item.tick", "item.reopen"]);
    let text = cli.ok(&["log", "--limit", "1"]);
    assert!(
        text.contains("item.reopen") && !text.contains("launch.create"),
        "{text}"
    );
}

#[test]
fn verify_exits_1_and_names_the_first_bad_event() {
    let cli = Cli::new();
    cli.init();
    cli.ok(&["tick", "PRE-01"]);
    cli.ok(&["tick", "PRE-02"]);
    assert!(cli.ok(&["verify"]).contains("intact: 3 events"));
    tamper(
        &cli.store(),
        "UPDATE audit_events SET actor = 'mallory' WHERE seq = 2",
    );
    let out = cli.run(&["verify"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("BROKEN at event #2"), "{text}");
    let json: Value = serde_json::from_slice(&cli.run(&["verify", "--json"]).stdout).unwrap();
    assert_eq!(json["first_bad"]["seq"], 2);
}

fn tamper(store: &Path, sql: &str) {
    // The CLI has no way to change the trail, so the test edits the file with
    // SQLite directly, as an attacker would.
    let conn = rusqlite::Connection::open(store).unwrap();
    conn.execute_batch(&format!("DROP TRIGGER audit_events_no_update; {sql};"))
        .unwrap();
}

#[test]
fn bad_input_gives_a_clear_error_and_changes_nothing() {
    let cli = Cli::new();
    let missing = cli.fails(&["status"], 2);
    assert!(
        missing.contains("no golive store") && missing.contains("golive init"),
        "{missing}"
    );
    assert!(
        !cli.store().exists(),
        "a read command never creates a store"
    );

    let bad_time = cli.fails(
        &[
            "init",
            "--name",
            "X",
            "--go-live",
            "tomorrow",
            "--tz",
            "UTC",
        ],
        2,
    );
    assert!(bad_time.contains("YYYY-MM-DDTHH:MM"), "{bad_time}");
    let bad_tz = cli.fails(
        &[
            "init",
            "--name",
            "X",
            "--go-live",
            "2026-12-07T09:00",
            "--tz",
            "Berlin",
        ],
        2,
    );
    assert!(bad_tz.contains("not a known time zone"), "{bad_tz}");

    let template = cli.dir.path().join("mine.toml");
    std::fs::write(&template, "[plan]\nname = \"Mine\"\nversion = \"one\"\n").unwrap();
    let bad_template = cli.fails(
        &[
            "init",
            "--name",
            "X",
            "--go-live",
            "2026-12-07T09:00",
            "--tz",
            "UTC",
            "--template",
            template.to_str().unwrap(),
        ],
        2,
    );
    assert!(
        bad_template.contains("mine.toml:3") && bad_template.contains("plan.version"),
        "{bad_template}"
    );
    let launches = cli.json(&["launches"]);
    assert_eq!(
        launches.as_array().unwrap().len(),
        0,
        "failed inits wrote no launch"
    );

    cli.init();
    let unknown = cli.fails(&["tick", "NOPE-1"], 2);
    assert!(
        unknown.contains("no item \"NOPE-1\"") && unknown.contains("golive items"),
        "{unknown}"
    );
    let bad_phase = cli.fails(&["items", "--phase", "later"], 2);
    assert!(bad_phase.contains("pre, day0, post, stab"), "{bad_phase}");
    let bad_launch = cli.fails(&["--launch", "Other", "status"], 2);
    assert!(bad_launch.contains("no launch matches"), "{bad_launch}");
    let usage = cli.fails(&["tick"], 2);
    assert!(usage.contains("Usage"), "{usage}");

    // Refusals are logged to the rolling log file too.
    let logs: Vec<_> = std::fs::read_dir(cli.dir.path().join("logs"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(logs.len(), 1, "one daily log file");
    let name = logs[0].file_name().to_string_lossy().to_string();
    assert!(
        name.starts_with("golive.") && name.ends_with(".log"),
        "{name}"
    );
    let text = std::fs::read_to_string(logs[0].path()).unwrap();
    assert!(
        text.contains("command failed") && text.contains("no item \"NOPE-1\""),
        "{text}"
    );
}

#[test]
fn launch_selection_and_custom_templates() {
    let cli = Cli::new();
    cli.init();
    let template = cli.dir.path().join("small.toml");
    std::fs::write(
        &template,
        "[plan]\nname = \"Small\"\nversion = 2\n[[roles]]\nkey = \"pm\"\nname = \"PM\"\nsignoff = true\n\
         [[phases]]\nkey = \"pre\"\nname = \"Before\"\nfirst_day = -2\nlast_day = 0\n\
         [[phases.sections]]\nkey = \"s\"\ntitle = \"Only section\"\n\
         [[phases.sections.items]]\nkey = \"A-1\"\ntitle = \"Only item\"\nowner = \"pm\"\ndue_day = -1\ngate = true\n",
    )
    .unwrap();
    cli.ok(&[
        "init",
        "--name",
        "Small one",
        "--go-live",
        "2027-01-04T08:00",
        "--tz",
        "America/New_York",
        "--template",
        template.to_str().unwrap(),
    ]);
    let launches = cli.json(&["launches"]);
    assert_eq!(launches[0]["name"], "Small one", "newest first");
    assert_eq!(
        cli.json(&["items"]).as_array().unwrap().len(),
        1,
        "the newest launch is the default"
    );
    let arxos = cli.json(&["--launch", "Arxos platform", "items"]);
    assert_eq!(arxos.as_array().unwrap().len(), 92);
    cli.ok(&["--launch", "Arxos platform", "tick", "PRE-01"]);
    let small = cli.json(&["status"]);
    assert_eq!(
        small["overall"]["done"], 0,
        "the tick went to the launch named"
    );
}

#[test]
fn profile_names_the_actor_in_the_record() {
    let cli = Cli::new();
    cli.init();
    let profile = cli.json(&[
        "profile",
        "--name",
        "Ana Lopez",
        "--role",
        "project manager",
    ]);
    assert_eq!(profile["name"], "Ana Lopez");
    cli.ok(&["tick", "PRE-01"]);
    let log = cli.json(&["log", "--limit", "1"]);
    assert!(
        log[0]["actor"].as_str().unwrap().starts_with("Ana Lopez ("),
        "{log}"
    );
    assert_eq!(log[0]["actor_role"], "project manager");
}

#[test]
fn without_store_the_platform_data_folder_is_used_and_golive_store_overrides_it() {
    let dir = tempfile::tempdir().unwrap();
    let run = |envs: &[(&str, &Path)], args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_golive"));
        command
            .args(args)
            .env_remove("GOLIVE_STORE")
            .env("GOLIVE_LOG_DIR", dir.path().join("logs"));
        for (key, value) in envs {
            command.env(key, value);
        }
        let out = command.output().expect("golive runs");
        assert!(
            out.status.success(),
            "golive {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let init = [
        "init",
        "--name",
        "Default place",
        "--go-live",
        "2027-01-04T08:00",
        "--tz",
        "UTC",
    ];
    let data = dir.path().join("data");
    run(&[("XDG_DATA_HOME", &data)], &init);
    assert!(
        data.join("golive/golive.db").exists(),
        "the store goes to $XDG_DATA_HOME/golive/golive.db"
    );

    let chosen = dir.path().join("elsewhere.db");
    run(
        &[("XDG_DATA_HOME", &data), ("GOLIVE_STORE", &chosen)],
        &init,
    );
    assert!(chosen.exists(), "GOLIVE_STORE overrides the data folder");
    run(&[("GOLIVE_STORE", &chosen)], &["status"]);
}

#[test]
fn owners_status_evidence_and_plan_editing_from_the_command_line() {
    let cli = Cli::new();
    cli.init();
    let ana = cli.json(&[
        "contact",
        "add",
        "--name",
        "Ana Lopez",
        "--role",
        "pm",
        "--email",
        "ana@example.com",
        "--tz",
        "Europe/Berlin",
        "--me",
    ]);
    assert_eq!(ana["roles"], serde_json::json!(["pm"]));
    assert!(
        ana["os_user"].is_string(),
        "--me links the contact to this account"
    );
    let list = cli.ok(&["contact", "list"]);
    assert!(
        list.contains("Ana Lopez  [pm]  ana@example.com  Europe/Berlin"),
        "{list}"
    );
    let error = cli.fails(&["contact", "add", "--name", "Ben", "--role", "cfo"], 2);
    assert!(
        error.contains(
            "\"cfo\" is not a role of this launch (roles: pm, tech, support, security, trainer)"
        ),
        "{error}"
    );

    let item = cli.json(&[
        "item",
        "edit",
        "PRE-16",
        "--owner",
        "Ana Lopez",
        "--due",
        "-2",
    ]);
    assert_eq!(item["assignee"]["name"], "Ana Lopez");
    assert_eq!(item["due_day"], -2);

    let blocked = cli.ok(&["block", "PRE-11", "--reason", "no production-like data yet"]);
    assert!(
        blocked.contains("BLOCKED by") && blocked.contains("reason: no production-like data yet"),
        "{blocked}"
    );
    cli.fails(&["block", "PRE-12"], 2);
    let error = cli.fails(&["na", "PRE-29", "--reason", "skip"], 2);
    assert!(error.contains("go-decision (gate) item"), "{error}");
    cli.ok(&["na", "PRE-20", "--reason", "no compliance scope"]);
    cli.ok(&[
        "comment",
        "PRE-11",
        "vendor sends the anonymised dump on Monday",
    ]);
    cli.ok(&[
        "item",
        "link",
        "PRE-11",
        "https://wiki.example.com/load-test",
        "--label",
        "Load test plan",
    ]);
    let error = cli.fails(&["item", "link", "PRE-11", "javascript:alert(1)"], 2);
    assert!(error.contains("http://, https:// or mailto:"), "{error}");

    let shown = cli.ok(&["item", "show", "PRE-11"]);
    for expected in [
        "status: blocked",
        "Load test plan — https://wiki.example.com/load-test",
        "comments (1):",
        "vendor sends the anonymised dump on Monday",
        "item.block",
        "item.comment",
    ] {
        assert!(
            shown.contains(expected),
            "{expected:?} missing from:\n{shown}"
        );
    }

    let mine = cli.json(&["items", "--mine"]);
    let keys: Vec<&str> = mine
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["key"].as_str())
        .collect();
    assert!(
        keys.contains(&"PRE-16") && keys.contains(&"PRE-31") && !keys.contains(&"PRE-01"),
        "{keys:?}"
    );
    let blocked = cli.json(&["items", "--status", "blocked"]);
    assert_eq!(blocked.as_array().unwrap().len(), 1);
    let found = cli.json(&["items", "--search", "ANONYMISED"]);
    assert_eq!(
        found.as_array().unwrap().len(),
        0,
        "comments are not searched, notes and titles are"
    );
    let found = cli.json(&["items", "--search", "production-like"]);
    let found: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["key"].as_str())
        .collect();
    assert_eq!(found, ["PRE-11"]);
    let found = cli.json(&["items", "--search", "compliance scope"]);
    assert_eq!(
        found[0]["key"], "PRE-20",
        "the not-applicable reason is searched"
    );

    let added = cli.json(&[
        "item",
        "add",
        "--section",
        "pre-infra",
        "--title",
        "DNS TTLs lowered",
        "--owner",
        "tech",
        "--due",
        "-3",
        "--after",
        "PRE-02",
        "--gate",
    ]);
    assert_eq!(added["key"], "PRE-38");
    assert_eq!(added["gate"], true);
    cli.ok(&[
        "item",
        "move",
        "PRE-38",
        "--section",
        "day0-checklist",
        "--due",
        "0",
    ]);
    cli.ok(&["tick", "PRE-38", "--note", "TTL 60 s"]);
    let error = cli.fails(&["item", "rm", "PRE-38"], 2);
    assert!(error.contains("--force"), "{error}");
    cli.ok(&["item", "rm", "PRE-38", "--force"]);
    cli.fails(&["item", "show", "PRE-38"], 2);
    cli.ok(&[
        "section",
        "add",
        "--phase",
        "pre",
        "--title",
        "Data migration",
        "--key",
        "pre-data",
    ]);
    cli.ok(&[
        "section",
        "edit",
        "pre-data",
        "--title",
        "Data migration checks",
    ]);
    cli.ok(&["section", "move", "pre-data", "--before", "pre-infra"]);
    let error = cli.fails(&["section", "rm", "pre-infra"], 2);
    assert!(error.contains("still has 5 items"), "{error}");
    cli.ok(&["section", "rm", "pre-data"]);

    let log = cli.json(&["log"]);
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
        "item.na",
        "item.comment",
        "item.link",
        "item.add",
        "item.move",
        "item.remove",
        "section.add",
        "section.edit",
        "section.move",
        "section.remove",
    ] {
        assert!(
            actions.contains(&action),
            "{action} missing from {actions:?}"
        );
    }
    assert_eq!(cli.run(&["verify"]).status.code(), Some(0));
}

#[test]
fn sign_offs_decide_and_a_reopened_gate_item_asks_for_re_confirmation() {
    let cli = Cli::new();
    cli.init();
    let pending = cli.run(&["decision"]);
    assert_eq!(pending.status.code(), Some(1), "exit 1 while not GO");
    let text = String::from_utf8(pending.stdout).unwrap();
    assert!(
        text.contains("Go / no-go: PENDING") && text.contains("Security lead has not signed off"),
        "{text}"
    );

    let error = cli.fails(&["signoff", "tech", "--no-go"], 2);
    assert!(error.contains("a no-go needs a reason"), "{error}");
    cli.fails(&["signoff", "tech"], 2);

    // Settle everything the go decision needs, except the sign-offs: a
    // rollback rehearsed on staging (PRE-35) and the items without a rule.
    cli.ok(&["env", "add", "staging"]);
    cli.ok(&[
        "trigger", "add", "--env", "staging", "--name", "rollback", "--kind", "rollback", "--",
        "true",
    ]);
    cli.ok(&["deploy", "rollback"]);
    let items = cli.json(&["items", "--phase", "pre"]);
    for item in items.as_array().unwrap() {
        if item["rule"].is_null() {
            cli.ok(&["tick", item["key"].as_str().unwrap()]);
        }
    }
    for (name, role) in [
        ("Ana", "pm"),
        ("Ben", "tech"),
        ("Cleo", "support"),
        ("Dev", "security"),
        ("Eli", "trainer"),
    ] {
        cli.ok(&["contact", "add", "--name", name, "--role", role]);
    }
    // PRE-32 checks training completion.
    cli.ok(&[
        "training",
        "add",
        "--title",
        "Admin training",
        "--audience",
        "administrators",
        "--start",
        "2026-12-03 09:00",
        "--end",
        "2026-12-03 10:00",
        "--attendee",
        "Eli",
    ]);
    cli.ok(&["training", "complete", "TRN-1", "Eli"]);
    for role in ["pm", "tech", "support"] {
        cli.ok(&["signoff", role, "--go", "--comment", "ready"]);
    }
    let decision = cli.json(&["signoff", "security", "--go"]);
    assert_eq!(decision["state"], "go", "{decision}");
    assert_eq!(cli.run(&["decision"]).status.code(), Some(0));

    cli.ok(&["reopen", "PRE-29", "--reason", "benchmarks ran on staging"]);
    let out = cli.run(&["decision", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let decision: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(decision["state"], "pending");
    let stale: Vec<&str> = decision["signoffs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["stale_reason"].as_str())
        .collect();
    assert_eq!(stale.len(), 4, "{decision}");
    let text = String::from_utf8(cli.run(&["decision"]).stdout).unwrap();
    assert!(
        text.contains("NEEDS RE-CONFIRMATION: PRE-29 Performance benchmarks met was reopened by"),
        "{text}"
    );

    let nogo = cli.json(&["signoff", "tech", "--no-go", "--comment", "p95 is 2.4 s"]);
    assert_eq!(nogo["state"], "no_go");
    let status = cli.ok(&["status"]);
    assert!(
        status.contains("Go / no-go: NO-GO")
            && status.contains("Technical lead said no-go: p95 is 2.4 s"),
        "{status}"
    );
}

#[test]
fn timeline_reschedule_markdown_templates_and_rehearsals() {
    let cli = Cli::new();
    cli.init();
    let timeline = cli.ok(&["timeline"]);
    assert!(
        timeline
            .lines()
            .next()
            .unwrap()
            .starts_with("Arxos platform (Arxos)")
    );
    assert!(
        timeline.contains("Day -7 ") && timeline.contains("Day +30 "),
        "{timeline}"
    );
    assert!(timeline.contains("<- today"));
    assert!(timeline.contains("OVERDUE"));

    let before = cli.json(&["item", "show", "PRE-07"])["item"]["due_date"]
        .as_str()
        .unwrap()
        .to_string();
    let status = cli.json(&["status"]);
    let go_live = status["launch"]["go_live_local"].as_str().unwrap();
    let day0: jiff::civil::Date = go_live[..10].parse().unwrap();
    let later = day0.checked_add(jiff::ToSpan::days(7)).unwrap();
    let moved = cli.ok(&["reschedule", "--go-live", &format!("{later}T10:00")]);
    assert!(moved.contains("every due date moved with it"), "{moved}");
    let after = cli.json(&["item", "show", "PRE-07"])["item"]["due_date"]
        .as_str()
        .unwrap()
        .to_string();
    let before: jiff::civil::Date = before.parse().unwrap();
    assert_eq!(
        after,
        before
            .checked_add(jiff::ToSpan::days(7))
            .unwrap()
            .to_string()
    );

    let markdown = cli.ok(&["items", "--markdown", "--phase", "pre"]);
    assert!(
        markdown.starts_with("# Readiness: Arxos platform"),
        "{markdown}"
    );
    assert!(markdown.contains("## Go / no-go: PENDING") && markdown.contains("- [ ] PRE-01 "));
    assert!(!markdown.contains("DAY-01"), "the filter applies");

    cli.ok(&[
        "item",
        "edit",
        "PRE-01",
        "--title",
        "Servers configured (all 12)",
    ]);
    let file = cli.dir.path().join("exported.toml");
    cli.ok(&["template", "export", "--out", file.to_str().unwrap()]);
    let checked = cli.ok(&["template", "check", file.to_str().unwrap()]);
    assert!(
        checked.contains("is a valid plan template") && checked.contains("92 items"),
        "{checked}"
    );
    cli.ok(&[
        "template",
        "import",
        file.to_str().unwrap(),
        "--name",
        "Second wave",
        "--go-live",
        "2027-02-01T08:00",
        "--tz",
        "UTC",
    ]);
    let copied = cli.json(&["--launch", "Second wave", "item", "show", "PRE-01"]);
    assert_eq!(copied["item"]["title"], "Servers configured (all 12)");

    // A bad template is refused whole, with file, line and field, and writes nothing.
    let bad = cli.dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        std::fs::read_to_string(&file)
            .unwrap()
            .replacen("owner = \"tech\"", "owner = \"cto\"", 1),
    )
    .unwrap();
    let events_before = cli.json(&["verify"])["events"].clone();
    let error = cli.fails(
        &[
            "template",
            "import",
            bad.to_str().unwrap(),
            "--name",
            "Bad",
            "--go-live",
            "2027-02-01T08:00",
            "--tz",
            "UTC",
        ],
        2,
    );
    assert!(
        error.contains("bad.toml:")
            && error.contains("field `phases[0].sections[0].items[0].owner`"),
        "{error}"
    );
    assert_eq!(cli.json(&["verify"])["events"], events_before);
    assert_eq!(cli.json(&["launches"]).as_array().unwrap().len(), 2);

    let rehearsal = cli.json(&[
        "--launch",
        "Arxos platform",
        "rehearsal",
        "create",
        "--go-live",
        "2027-01-05T09:00",
    ]);
    assert_eq!(rehearsal["rehearsal_of_name"], "Arxos platform");
    let id = rehearsal["id"].as_str().unwrap();
    let launches = cli.ok(&["launches"]);
    assert!(
        launches.contains("[REHEARSAL of Arxos platform] Arxos platform (rehearsal)"),
        "{launches}"
    );
    let status = cli.ok(&["--launch", id, "status"]);
    assert!(
        status.starts_with("[REHEARSAL of Arxos platform]"),
        "{status}"
    );
    let markdown = cli.ok(&["--launch", id, "items", "--markdown"]);
    assert!(
        markdown.starts_with("# REHEARSAL — Readiness"),
        "{markdown}"
    );
}
