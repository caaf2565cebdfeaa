//! golive export --bundle and golive verify FILE.

use crate::Cli;

#[test]
fn an_exported_bundle_verifies_offline_and_a_changed_one_names_its_first_bad_event() {
    let cli = Cli::new();
    cli.init();
    cli.ok(&["tick", "PRE-07", "--note", "load test report"]);
    let bundle = cli.dir.path().join("arxos.golive");
    let bundle_arg = bundle.to_str().unwrap();
    let out = cli.ok(&["export", "--bundle", bundle_arg]);
    assert!(
        out.contains("Wrote the record of \"Arxos platform\""),
        "{out}"
    );
    let fingerprint = out
        .split_whitespace()
        .find(|w| w.starts_with("ed25519:"))
        .expect("the fingerprint is printed")
        .to_string();
    // The key's first use is in the trail.
    assert!(cli.ok(&["log"]).contains("record.key"));

    // Here, the store's own key vouches for the signer.
    let verified = cli.ok(&["verify", bundle_arg]);
    assert!(
        verified.contains("VERIFIED: the record is exactly as signed."),
        "{verified}"
    );
    assert!(verified.contains("this machine's store"), "{verified}");

    // Elsewhere (no store), only the fingerprint the user names does.
    let laptop = Cli::new();
    let elsewhere = |extra: &[&str]| {
        let mut args = vec!["verify", bundle_arg];
        args.extend_from_slice(extra);
        laptop.run(&args)
    };
    let unknown = elsewhere(&[]);
    assert_eq!(unknown.status.code(), Some(1));
    let text = String::from_utf8_lossy(&unknown.stdout);
    assert!(text.contains(&format!("--key {fingerprint}")), "{text}");
    assert_eq!(elsewhere(&["--key", &fingerprint]).status.code(), Some(0));
    assert!(!laptop.store().exists(), "verifying created a store");
    let json = cli.json(&["verify", bundle_arg]);
    assert_eq!(json["checkpoint"]["launch_name"], "Arxos platform");
    assert_eq!(json["checks"].as_array().unwrap().len(), 4);

    // A bundle is never overwritten.
    let again = cli.fails(&["export", "--bundle", bundle_arg], 2);
    assert!(again.contains("already exists"), "{again}");

    // Someone changes the third event in the bundle's database and puts
    // the signed trailer back.
    let bytes = std::fs::read(&bundle).unwrap();
    let n = bytes.len();
    let trailer_length = u64::from_le_bytes(bytes[n - 24..n - 16].try_into().unwrap()) as usize;
    let (database, trailer) = bytes.split_at(n - 24 - trailer_length);
    std::fs::write(&bundle, database).unwrap();
    let conn = rusqlite::Connection::open(&bundle).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_events_no_update;
         UPDATE audit_events SET actor = 'mallory' WHERE seq = 3;",
    )
    .unwrap();
    drop(conn);
    let mut forged = std::fs::read(&bundle).unwrap();
    forged.extend_from_slice(trailer);
    std::fs::write(&bundle, forged).unwrap();
    let tampered = cli.run(&["verify", bundle_arg]);
    assert_eq!(tampered.status.code(), Some(1));
    let text = String::from_utf8_lossy(&tampered.stdout);
    assert!(
        text.contains("FAIL  events     event #3: its content does not match its hash"),
        "{text}"
    );
    assert!(
        text.contains("NOT VERIFIED: the first bad event is #3"),
        "{text}"
    );

    // The store's own chain is untouched by all this.
    assert_eq!(cli.run(&["verify"]).status.code(), Some(0));
}

#[test]
fn verify_explains_a_file_that_is_not_a_bundle() {
    let cli = Cli::new();
    cli.init();
    let store = cli.store();
    let out = cli.fails(&["verify", store.to_str().unwrap()], 2);
    assert!(out.contains("holds no signed checkpoint"), "{out}");
}

#[test]
fn the_launch_data_exports_as_json_and_as_csv_files_of_that_launch_only() {
    let cli = Cli::new();
    cli.init();
    cli.ok(&["tick", "PRE-07", "--note", "load test report"]);
    cli.ok(&["env", "add", "staging"]);
    cli.ok(&[
        "trigger",
        "add",
        "--env",
        "staging",
        "--name",
        "Deploy",
        "--kind",
        "deploy",
        "--",
        "bash",
        "-c",
        "echo built; echo warned >&2",
    ]);
    cli.ok(&["deploy", "Deploy"]);
    // A rehearsal beside it, with a change of its own.
    cli.ok(&["rehearsal", "create", "--name", "Drill"]);
    cli.ok(&["--launch", "Drill", "tick", "PRE-09"]);

    let json_path = cli.dir.path().join("arxos.json");
    let csv_dir = cli.dir.path().join("arxos-csv");
    let out = cli.ok(&[
        "--launch",
        "Arxos platform",
        "export",
        "--full-json",
        json_path.to_str().unwrap(),
        "--csv",
        csv_dir.to_str().unwrap(),
    ]);
    assert!(out.contains("of \"Arxos platform\" to"), "{out}");
    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    let launch_id = data["launch_id"].as_str().unwrap().to_string();
    let tables = &data["tables"];
    let launches = tables["launches"].as_array().unwrap();
    assert_eq!(launches.len(), 1);
    assert_eq!(launches[0]["name"], "Arxos platform");
    let items = tables["items"].as_array().unwrap();
    assert!(items.iter().all(|i| i["launch_id"] == launch_id));
    assert!(
        items
            .iter()
            .any(|i| i["key"] == "PRE-07" && i["status"] == "done")
    );
    // Run output as readable lines, not packed rows.
    assert!(tables.get("run_output").is_none());
    let lines: Vec<&str> = tables["run_lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["text"].as_str().unwrap())
        .collect();
    assert!(
        lines.contains(&"built") && lines.contains(&"warned"),
        "{lines:?}"
    );
    // The launch's events, none of the rehearsal's.
    let events = tables["audit_events"].as_array().unwrap();
    assert!(events.iter().any(|e| e["subject"] == "item:PRE-07"));
    assert!(
        events
            .iter()
            .all(|e| e["launch_id"].is_null() || e["launch_id"] == launch_id),
        "another launch's events were exported"
    );

    let items_csv = std::fs::read_to_string(csv_dir.join("items.csv")).unwrap();
    let header = items_csv.lines().next().unwrap();
    assert!(header.split(',').any(|c| c == "key"), "{header}");
    assert!(items_csv.contains("PRE-07"));
    let pre09: Vec<&str> = items_csv
        .lines()
        .filter(|l| l.contains(",PRE-09,"))
        .collect();
    assert_eq!(pre09.len(), 1, "one launch's items only: {pre09:?}");
    assert!(
        pre09[0].contains(",open,"),
        "the rehearsal's tick is not this launch's: {}",
        pre09[0]
    );
    assert!(csv_dir.join("run_lines.csv").exists());

    let blocked = cli.fails(
        &[
            "export",
            "--full-json",
            "/proc/golive-cannot-write-here/x.json",
        ],
        2,
    );
    assert!(blocked.contains("cannot write"), "{blocked}");
    let nothing = cli.fails(&["export"], 2);
    assert!(nothing.contains("--bundle"), "{nothing}");
}

#[test]
fn a_launch_past_day_30_closes_after_confirmation_and_then_refuses_changes() {
    let cli = Cli::new();
    let today = jiff::Timestamp::now().in_tz("UTC").unwrap().date();
    let day0 = today.checked_add(jiff::ToSpan::days(-40)).unwrap();
    cli.ok(&[
        "init",
        "--name",
        "Arxos platform",
        "--go-live",
        &format!("{day0}T09:00"),
        "--tz",
        "UTC",
    ]);
    cli.ok(&["tick", "PRE-07"]);
    // Without a terminal, closing needs --yes; nothing changes meanwhile.
    let asked = cli.fails(&["close"], 2);
    assert!(asked.contains("Run again with --yes"), "{asked}");
    cli.ok(&["tick", "PRE-08"]);

    let closed = cli.ok(&["close", "--yes"]);
    assert!(closed.contains("read-only from now on"), "{closed}");
    assert!(cli.ok(&["launches"]).contains("[closed "));
    let refused = cli.fails(&["tick", "PRE-09"], 2);
    assert!(refused.contains("read-only"), "{refused}");
    let items = cli.ok(&["items", "--status", "done"]);
    assert!(!items.contains("PRE-09"), "{items}");
    // Its record still reads and exports.
    assert!(cli.ok(&["log"]).contains("launch.close"));
    let bundle = cli.dir.path().join("closed.golive");
    cli.ok(&["export", "--bundle", bundle.to_str().unwrap()]);
    assert_eq!(
        cli.run(&["verify", bundle.to_str().unwrap()]).status.code(),
        Some(0)
    );
}

#[test]
fn a_launch_is_not_closed_before_its_last_day() {
    let cli = Cli::new();
    cli.init();
    let early = cli.fails(&["close", "--yes"], 2);
    assert!(early.contains("can be closed after Day 30"), "{early}");
    cli.ok(&["tick", "PRE-07"]);
}

#[test]
fn the_report_names_the_same_signing_key_as_the_bundle_and_refuses_a_backwards_window() {
    let cli = Cli::new();
    cli.init();
    cli.ok(&["tick", "PRE-07", "--note", "load test report"]);
    let html = cli.dir.path().join("report.html");
    let md = cli.dir.path().join("report.md");
    let out = cli.ok(&[
        "export",
        "--html",
        html.to_str().unwrap(),
        "--markdown",
        md.to_str().unwrap(),
        "--from",
        "2026-12-01",
    ]);
    assert!(
        out.contains("Wrote the report of \"Arxos platform\""),
        "{out}"
    );
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("load test report"));
    let markdown = std::fs::read_to_string(&md).unwrap();
    assert!(markdown.contains("**PRE-07**"), "{markdown}");

    let bundle = cli.dir.path().join("arxos.golive");
    let exported = cli.json(&["export", "--bundle", bundle.to_str().unwrap()]);
    let signer = exported["checkpoint"]["signer"].as_str().unwrap();
    assert!(
        page.contains(signer),
        "the report prints the bundle's signer"
    );
    assert!(markdown.contains(signer));

    let before = std::fs::read(&html).unwrap();
    let refused = cli.fails(
        &[
            "export",
            "--html",
            html.to_str().unwrap(),
            "--from",
            "2026-12-09",
            "--until",
            "2026-12-08",
        ],
        2,
    );
    assert!(refused.contains("before it starts"), "{refused}");
    assert_eq!(
        std::fs::read(&html).unwrap(),
        before,
        "the old report is kept"
    );
}
