//! The people directory from the command line.

use crate::Cli;

#[test]
fn the_directory_is_edited_exported_and_imported_from_the_command_line() {
    let cli = Cli::new();
    cli.init();
    cli.ok(&[
        "contact",
        "add",
        "--name",
        "Ana Lopez",
        "--role",
        "pm",
        "--chat",
        "@ana",
        "--emergency",
        "yes",
    ]);
    cli.ok(&[
        "contact",
        "add",
        "--name",
        "Ben Ode",
        "--role",
        "support",
        "--phone",
        "+1 212 555 0100",
        "--deputy",
        "Ana Lopez",
        "--24-7",
        "yes",
    ]);
    let list = cli.ok(&["contact", "list"]);
    assert!(
        list.contains("Ana Lopez  [pm]  @ana  emergency team"),
        "{list}"
    );
    assert!(
        list.contains("Ben Ode  [support]  +1 212 555 0100  24/7  (deputy Ana Lopez)"),
        "{list}"
    );
    // An edit keeps what it does not name; "" clears the deputy.
    let ben = cli.json(&["contact", "edit", "Ben Ode", "--deputy", ""]);
    assert_eq!(ben["deputy"], serde_json::Value::Null);
    assert_eq!(ben["always_on"], true);
    cli.ok(&["contact", "edit", "Ben Ode", "--deputy", "Ana Lopez"]);

    let csv = cli.ok(&["contact", "export"]);
    assert!(
        csv.starts_with(
            "name,roles,email,phone,chat,time_zone,deputy,always_on,emergency,os_user\n"
        ),
        "{csv}"
    );
    assert!(
        csv.contains("Ben Ode,support,,+1 212 555 0100,,,Ana Lopez,yes,no,\n"),
        "{csv}"
    );
    let cards = cli.ok(&["contact", "export", "--format", "vcf"]);
    assert!(cards.contains("FN:Ben Ode\r\n"), "{cards}");
    let file = cli.dir.path().join("team.vcf");
    let wrote = cli.ok(&["contact", "export", file.to_str().unwrap()]);
    assert!(wrote.contains("Wrote 2 contacts to"), "{wrote}");

    // Another store reads the file back the same.
    let other = Cli::new();
    other.init();
    let imported = other.ok(&["contact", "import", file.to_str().unwrap()]);
    assert!(imported.contains("2 added, 0 updated"), "{imported}");
    let strip_ids = |v: serde_json::Value| -> Vec<serde_json::Value> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let mut c = c.clone();
                c["id"] = serde_json::Value::Null;
                c["deputy_id"] = serde_json::Value::Null;
                c
            })
            .collect()
    };
    assert_eq!(
        strip_ids(other.json(&["contact", "list"])),
        strip_ids(cli.json(&["contact", "list"]))
    );

    // A bad row: told by line, exit code 2, nothing written.
    let bad = other.dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "name,email\nCarl,carl@example.com\nDee,dee-at-example\n",
    )
    .unwrap();
    let error = other.fails(&["contact", "import", bad.to_str().unwrap()], 2);
    assert!(
        error.contains("bad.csv, line 3: \"dee-at-example\" is not an email address"),
        "{error}"
    );
    assert!(error.contains("nothing was imported"), "{error}");
    assert!(
        !other.ok(&["contact", "list"]).contains("Carl"),
        "nothing written"
    );
}

#[test]
fn escalation_levels_are_shown_edited_and_say_who_to_call() {
    let cli = Cli::new();
    cli.init();
    cli.ok(&[
        "contact",
        "add",
        "--name",
        "Ben Ode",
        "--role",
        "support",
        "--phone",
        "+1 212 555 0100",
        "--tz",
        "America/New_York",
        "--24-7",
        "yes",
    ]);
    cli.ok(&[
        "contact",
        "add",
        "--name",
        "Eli Ross",
        "--role",
        "tech",
        "--emergency",
        "yes",
    ]);
    let shown = cli.ok(&["escalation"]);
    assert!(
        shown
            .contains("  2  Support team intervention  (next after 30 min)\n       Support lead\n"),
        "{shown}"
    );
    assert!(shown.contains("  5  Emergency response team  (last level)\n       Technical lead, Security lead + the emergency response team\n"), "{shown}");
    assert!(
        shown.contains("  1  Tier 1 support: Basic user questions"),
        "{shown}"
    );

    let level = cli.json(&[
        "escalation",
        "level",
        "2",
        "--wait",
        "20",
        "--contact",
        "Eli Ross",
    ]);
    assert_eq!(level["wait_minutes"], 20);
    assert_eq!(level["roles"], serde_json::json!(["support"]), "roles kept");

    let sheet = cli.ok(&[
        "escalation",
        "who",
        "--level",
        "2",
        "--since",
        "2020-01-01T00:00:00Z",
    ]);
    assert!(
        sheet.starts_with(
            "Now: level 2 — Support team intervention (since 2020-01-01T00:00:00.000Z)\n"
        ),
        "{sheet}"
    );
    assert!(
        sheet.contains("    Ben Ode (Support lead, 24/7)  +1 212 555 0100  "),
        "{sheet}"
    );
    assert!(
        sheet.contains("    Eli Ross (named)  no phone, email or chat on file  local time unknown"),
        "{sheet}"
    );
    assert!(
        sheet.contains(
            "Next: level 3 — Development team involvement at 2020-01-01T00:20:00.000Z (OVERDUE by"
        ),
        "{sheet}"
    );
    let json = cli.json(&["escalation", "who", "--level", "5"]);
    assert_eq!(json["next"], serde_json::Value::Null);

    let error = cli.fails(&["escalation", "level", "2", "--role", "cfo"], 2);
    assert!(
        error.contains("\"cfo\" is not a role of this launch"),
        "{error}"
    );
    let error = cli.fails(&["escalation", "who", "--level", "9"], 2);
    assert!(error.contains("no escalation level 9"), "{error}");
}

#[test]
fn an_incident_is_opened_escalated_noted_and_resolved_from_the_command_line() {
    let cli = Cli::new();
    cli.init();
    cli.ok(&["env", "add", "production", "--production"]);
    cli.ok(&[
        "contact",
        "add",
        "--name",
        "Ben Ode",
        "--role",
        "support",
        "--phone",
        "+1 212 555 0100",
    ]);
    cli.ok(&["contact", "add", "--name", "Eli Ross", "--role", "tech"]);
    let opened = cli.ok(&[
        "incident",
        "open",
        "--title",
        "Checkout fails for EU users",
        "--sev",
        "1",
        "--env",
        "production",
        "--owner",
        "Ben Ode",
    ]);
    assert_eq!(
        opened,
        "INC-1  SEV1  level 1  open  Checkout fails for EU users  [production]  owner Ben Ode\n"
    );
    cli.ok(&["incident", "state", "INC-1", "investigating"]);
    cli.ok(&[
        "incident",
        "note",
        "1",
        "Payments provider returns 502 for EU cards",
    ]);
    let escalated = cli.json(&[
        "incident",
        "escalate",
        "INC-1",
        "--reason",
        "needs the developers",
    ]);
    assert_eq!(escalated["level"], 2);
    cli.ok(&[
        "incident",
        "action",
        "INC-1",
        "Add a synthetic EU card check",
        "--owner",
        "Eli Ross",
    ]);

    let shown = cli.ok(&["incident", "show", "INC-1"]);
    for part in [
        "Opened as SEV1 at level 1",
        "open → investigating",
        "note      Payments provider returns 502 for EU cards",
        "Level 1 → 2 (Support team intervention): needs the developers",
        "1 [ ] Add a synthetic EU card check — Eli Ross",
        "Now: level 2 — Support team intervention",
        "Ben Ode (Support lead)  +1 212 555 0100",
        "Next: level 3 — Development team involvement",
    ] {
        assert!(shown.contains(part), "{part:?} in\n{shown}");
    }
    assert!(cli.ok(&["incident", "list", "--open"]).contains("INC-1"));
    cli.ok(&["incident", "done", "INC-1", "1"]);
    assert!(
        cli.ok(&["incident", "show", "INC-1"])
            .contains("1 [x] Add a synthetic EU card check")
    );
    let error = cli.fails(&["incident", "done", "INC-1", "2"], 2);
    assert!(
        error.contains("INC-1 has no follow-up \"2\" (it has 1)"),
        "{error}"
    );

    let error = cli.fails(&["incident", "resolve", "INC-1", "--summary", " "], 2);
    assert!(error.contains("needs a summary"), "{error}");
    cli.ok(&[
        "incident",
        "resolve",
        "INC-1",
        "--summary",
        "Provider fixed their EU gateway",
    ]);
    assert!(
        cli.ok(&["incident", "list", "--open"])
            .contains("No incidents")
    );
    let error = cli.fails(&["incident", "escalate", "INC-1"], 2);
    assert!(error.contains("INC-1 is resolved"), "{error}");
    let error = cli.fails(&["incident", "show", "INC-9"], 2);
    assert!(error.contains("no incident \"INC-9\""), "{error}");
    let log = cli.ok(&["log"]);
    assert!(log.contains("incident.resolve"), "{log}");
}

#[test]
fn training_is_scheduled_attended_and_sent_as_ics_from_the_command_line() {
    let cli = Cli::new();
    cli.init();
    for (name, email) in [
        ("Eli Ross", "eli@example.com"),
        ("Fay Kim", "fay@example.com"),
    ] {
        cli.ok(&[
            "contact", "add", "--name", name, "--role", "trainer", "--email", email,
        ]);
    }
    let error = cli.fails(&["training", "add", "--title", "Admin training"], 2);
    assert!(error.contains("a new session needs --audience"), "{error}");
    let added = cli.ok(&[
        "training",
        "add",
        "--title",
        "Admin training",
        "--audience",
        "admins",
        "--start",
        "2026-12-03 09:00",
        "--end",
        "2026-12-03 11:30",
        "--place",
        "Room 4.01",
        "--trainer",
        "Eli Ross",
        "--attendee",
        "Fay Kim",
        "--attendee",
        "Eli Ross",
        "--material",
        "https://docs.example.com/admin.pdf",
    ]);
    assert!(
        added.contains("TRN-1  Administrators  Admin training  2026-12-03 09:00 – 11:30 UTC"),
        "{added}"
    );
    cli.ok(&["training", "complete", "TRN-1", "Fay Kim"]);
    let shown = cli.ok(&["training", "attend", "TRN-1", "Eli Ross"]);
    assert!(shown.contains("completed  Fay Kim"), "{shown}");
    assert!(shown.contains("attended   Eli Ross"), "{shown}");
    let list = cli.ok(&["training", "list"]);
    assert!(
        list.contains("Administrators   50 %  1 of 2 invited completed, 2 attended, 1 session(s)"),
        "{list}"
    );
    let item = cli.json(&["item", "show", "PRE-32"]);
    assert_eq!(item["item"]["rule"]["now"]["holds"], false, "{item}");

    // Moved by an hour: a reschedule in the record.
    cli.ok(&[
        "training",
        "edit",
        "TRN-1",
        "--start",
        "2026-12-03 10:00",
        "--end",
        "2026-12-03 12:30",
    ]);
    let events = cli.json(&["log"]);
    assert!(
        events
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "training.reschedule"),
        "{events}"
    );

    let ics = cli.dir.path().join("training.ics");
    cli.ok(&[
        "training",
        "ics",
        "export",
        "TRN-1",
        "--out",
        ics.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&ics).unwrap();
    assert!(text.contains("DTSTART:20261203T100000Z\r\n"), "{text}");
    assert!(text.contains("ATTENDEE;CN=\"Fay Kim\""), "{text}");

    // Re-imported after the trainer moved it again in their calendar.
    std::fs::write(
        &ics,
        text.replace("DTSTART:20261203T100000Z", "DTSTART:20261204T090000Z")
            .replace("DTEND:20261203T123000Z", "DTEND:20261204T113000Z"),
    )
    .unwrap();
    let imported = cli.ok(&["training", "ics", "import", ics.to_str().unwrap()]);
    assert!(
        imported.contains("Imported 0 new, 1 rescheduled, 0 updated"),
        "{imported}"
    );
    std::fs::write(
        &ics,
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nEND:VCALENDAR\n",
    )
    .unwrap();
    let error = cli.fails(&["training", "ics", "import", ics.to_str().unwrap()], 2);
    assert!(error.contains("training.ics, line 2:"), "{error}");
    assert!(error.contains("nothing was imported"), "{error}");

    cli.ok(&["training", "complete", "TRN-1", "Eli Ross"]);
    let item = cli.json(&["item", "show", "PRE-32"]);
    assert_eq!(item["item"]["rule"]["now"]["holds"], true, "{item}");
}

#[test]
fn an_update_is_drafted_sent_to_a_chat_webhook_and_listed_from_the_command_line() {
    use golive_demo::server::{Handler, Reply, Request, Server};
    use std::sync::Arc;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let handler: Handler = Arc::new(|request: &Request| match request.path() {
        "/hooks/T1/B2/cliSecretPath77" => Reply::with_type(200, "text/plain", "ok"),
        _ => Reply::with_type(404, "text/plain", "no_service"),
    });
    let chat = rt
        .block_on(Server::http(
            std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            handler,
        ))
        .unwrap();
    let url = chat.url("http", "/hooks/T1/B2/cliSecretPath77");
    let cli = Cli::new();
    cli.init();

    let draft = cli.ok(&["update", "draft"]);
    assert!(draft.contains("— status update, Day "), "{draft}");
    assert!(draft.contains("*Readiness:*"), "{draft}");

    // The URL comes in on stdin, never as an argument.
    let out = cli.run_with_stdin(
        &["update", "channel", "add", "#launch-status"],
        &format!("{url}\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let added = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(added.contains("its URL is in the OS keychain"), "{added}");
    assert!(!added.contains("cliSecretPath77"), "{added}");
    let listed = cli.ok(&["update", "channel", "list"]);
    assert!(
        listed.contains("#launch-status") && !listed.contains("cliSecretPath77"),
        "{listed}"
    );

    let out = cli.run_with_stdin(
        &["update", "send", "--to", "#launch-status"],
        "Day 0: deploy running, all monitors up.\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sent = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(sent.contains("Sent update #1 to #launch-status."), "{sent}");
    let posted = chat.requests();
    assert_eq!(posted.len(), 1);
    let body: serde_json::Value = serde_json::from_slice(&posted[0].body).unwrap();
    assert_eq!(body["text"], "Day 0: deploy running, all monitors up.");

    // By hand (e.g. an email), from a file.
    let file = cli.dir.path().join("update.txt");
    std::fs::write(&file, "Sent by email to the board.").unwrap();
    cli.ok(&[
        "update",
        "send",
        "--by-hand",
        "--file",
        file.to_str().unwrap(),
    ]);
    let list = cli.ok(&["update", "list"]);
    assert!(
        list.contains("#2  ") && list.contains("to clipboard"),
        "{list}"
    );
    assert!(list.contains("Day 0: deploy running"), "{list}");

    // A channel that does not exist, an empty update: clear errors, nothing kept.
    let error = cli.fails(&["update", "send", "--to", "#nowhere", "--draft"], 2);
    assert!(error.contains("no chat channel \"#nowhere\""), "{error}");
    let out = cli.run_with_stdin(&["update", "send", "--by-hand"], "  \n");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the update is empty"));
    let json = cli.json(&["update", "list"]);
    assert_eq!(json["updates"].as_array().unwrap().len(), 2);

    // The cadence per phase.
    cli.ok(&["update", "cadence", "post", "240"]);
    let cadence = cli.ok(&["update", "cadence"]);
    assert!(
        cadence.contains("day0") && cadence.contains("every 15 min"),
        "{cadence}"
    );
    assert!(cadence.contains("every 4 h"), "{cadence}");
    let error = cli.fails(&["update", "cadence", "post", "soon"], 2);
    assert!(
        error.contains("\"soon\" is not a number of minutes"),
        "{error}"
    );

    // Nowhere in the store, the logs or the record.
    let log = cli.ok(&["log"]);
    assert!(!log.contains("cliSecretPath77"));
    for entry in walk(cli.dir.path()) {
        let bytes = std::fs::read(&entry).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("cliSecretPath77"),
            "{} holds the webhook URL",
            entry.display()
        );
    }
    cli.ok(&["update", "channel", "rm", "#launch-status"]);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else if path.extension().is_none_or(|e| e != "txt") {
            files.push(path);
        }
    }
    files
}

#[test]
fn the_risk_register_is_listed_gridded_and_edited_from_the_command_line() {
    let cli = Cli::new();
    cli.init();
    cli.ok(&["contact", "add", "--name", "Ben Ode", "--role", "tech"]);
    let list = cli.ok(&["risk", "list"]);
    assert!(list.contains("System performance degradation"), "{list}");
    assert_eq!(cli.json(&["risk", "list"]).as_array().unwrap().len(), 10);

    let error = cli.fails(&["risk", "add", "--title", "Payment limits"], 2);
    assert!(error.contains("a new risk needs --category"), "{error}");
    let added = cli.ok(&[
        "risk",
        "add",
        "--title",
        "Payment provider rate limits",
        "--category",
        "technical",
        "--likelihood",
        "4",
        "--impact",
        "5",
        "--owner",
        "Ben Ode",
        "--link",
        "item:PRE-10",
        "--proactive",
        "Load test the sandbox",
    ]);
    assert!(added.starts_with("RSK-11  20 critical L4 × I5"), "{added}");
    assert!(
        added.contains("owner: Ben Ode") && added.contains("item: PRE-10 "),
        "{added}"
    );
    let grid = cli.ok(&["risk", "grid"]);
    let top = grid
        .lines()
        .find(|l| l.trim_start().starts_with("4 "))
        .unwrap();
    assert!(top.contains("11"), "{grid}");

    let edited = cli.ok(&[
        "risk",
        "edit",
        "RSK-11",
        "--likelihood",
        "2",
        "--status",
        "mitigating",
    ]);
    assert!(
        edited.starts_with("RSK-11  10 high     L2 × I5"),
        "{edited}"
    );
    assert!(edited.contains("owner: Ben Ode"), "kept: {edited}");
    let error = cli.fails(&["risk", "edit", "RSK-11", "--link", "incident:INC-9"], 2);
    assert!(error.contains("no incident \"INC-9\""), "{error}");
    let error = cli.fails(&["risk", "edit", "RSK-11", "--impact", "7"], 2);
    assert!(
        error.contains("impact is 1 (lowest) to 5 (highest), not 7"),
        "{error}"
    );
    cli.ok(&["risk", "rm", "RSK-11"]);
    assert_eq!(cli.json(&["risk", "list"]).as_array().unwrap().len(), 10);
}

#[test]
fn feedback_is_logged_imported_and_feeds_the_kpis_from_the_command_line() {
    let cli = Cli::new();
    cli.init();
    let added = cli.ok(&[
        "feedback",
        "add",
        "--kind",
        "bug",
        "--title",
        "Login loops on Safari",
        "--source",
        "email",
        "--tier",
        "2",
        "--reported",
        "2026-11-27T09:00:00Z",
    ]);
    assert!(
        added.starts_with("FB-1   bug      new         Login loops on Safari  (email, tier 2)"),
        "{added}"
    );
    let error = cli.fails(&["feedback", "status", "FB-1", "resolved"], 2);
    assert!(error.contains("say how FB-1 was resolved"), "{error}");
    cli.ok(&[
        "feedback",
        "status",
        "FB-1",
        "resolved",
        "--resolution",
        "Cookie fix",
    ]);

    let csv = cli.dir.path().join("helpdesk.csv");
    std::fs::write(
        &csv,
        "id,type,subject,status,created,resolved\nHD-7,question,Where is export?,open,2026-11-27 10:00,\n",
    )
    .unwrap();
    let imported = cli.ok(&["feedback", "import", csv.to_str().unwrap()]);
    assert!(
        imported.contains("Imported 1 new and updated 0"),
        "{imported}"
    );
    std::fs::write(&csv, "id,type,subject\nHD-8,rant,Too blue\n").unwrap();
    let error = cli.fails(&["feedback", "import", csv.to_str().unwrap()], 2);
    assert!(
        error.contains("helpdesk.csv, line 2: \"rant\" is not a kind of feedback"),
        "{error}"
    );
    assert!(error.contains("nothing was imported"), "{error}");

    let list = cli.ok(&["feedback", "list", "--open"]);
    assert!(
        list.contains("HD-7") && !list.contains("Login loops"),
        "{list}"
    );
    cli.ok(&["kpi", "record", "active-users", "50"]);
    cli.ok(&[
        "feedback",
        "add",
        "--kind",
        "bug",
        "--title",
        "Typo on invoices",
    ]);
    let stats = cli.ok(&["feedback", "stats"]);
    assert!(stats.contains("3 entries: 2 bugs"), "{stats}");
    assert!(
        stats.contains("User-reported issues: 4 % (2 bug reports, 50 active users"),
        "{stats}"
    );
    let kpis = cli.json(&["kpi", "list"]);
    let value = |key: &str| {
        kpis.as_array()
            .unwrap()
            .iter()
            .find(|k| k["key"] == key)
            .map(|k| k["latest"]["value"].clone())
            .unwrap()
    };
    assert_eq!(value("user-reported-issues"), 4.0);
    assert_eq!(value("open-tickets"), 2.0);
}
