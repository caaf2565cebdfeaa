//! The `golive` binary, run as a user runs it, against real store files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

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
