//! golive backup, backup list|keep, restore.

use crate::Cli;

#[test]
fn a_backup_is_listed_and_restoring_it_asks_first_then_brings_the_store_back() {
    let cli = Cli::new();
    cli.init();
    cli.ok(&["tick", "PRE-07", "--note", "load test report"]);
    let copy = cli.json(&["backup"]);
    let copy_path = copy["path"].as_str().unwrap().to_string();
    assert!(copy_path.contains("backups"), "{copy}");
    assert_eq!(copy["kind"], "manual");
    let listed = cli.ok(&["backup", "list"]);
    assert!(
        listed.contains(&copy_path) && listed.contains("manual"),
        "{listed}"
    );

    cli.ok(&["tick", "PRE-08"]);
    // Without --yes and without a terminal, restore says what it would do and stops.
    let refused = cli.fails(&["restore", &copy_path], 2);
    assert!(refused.contains("Run again with --yes"), "{refused}");
    assert!(refused.contains("launch \"Arxos platform\""), "{refused}");
    let items = cli.ok(&["items", "--status", "done"]);
    assert!(items.contains("PRE-08"), "nothing was changed: {items}");

    let restored = cli.ok(&["restore", &copy_path, "--yes"]);
    assert!(
        restored.contains("The store as it was is saved in"),
        "{restored}"
    );
    let items = cli.ok(&["items", "--status", "done"]);
    assert!(
        items.contains("PRE-07") && !items.contains("PRE-08"),
        "{items}"
    );
    assert!(cli.ok(&["log"]).contains("store.restore"));
    assert_eq!(cli.run(&["verify"]).status.code(), Some(0));
    let kinds: Vec<String> = cli
        .json(&["backup", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["kind"].as_str().unwrap().to_string())
        .collect();
    assert!(kinds.contains(&"before-restore".to_string()), "{kinds:?}");
}

#[test]
fn a_copy_to_a_chosen_file_never_overwrites_and_a_bad_file_is_not_restored() {
    let cli = Cli::new();
    cli.init();
    let file = cli.dir.path().join("offsite.db");
    let out = cli.ok(&["backup", "--to", file.to_str().unwrap()]);
    assert!(out.contains("Backed up the store to"), "{out}");
    let again = cli.fails(&["backup", "--to", file.to_str().unwrap()], 2);
    assert!(again.contains("already exists"), "{again}");

    let junk = cli.dir.path().join("junk.db");
    std::fs::write(&junk, "not a store").unwrap();
    let refused = cli.fails(&["restore", junk.to_str().unwrap(), "--yes"], 2);
    assert!(
        refused.contains("cannot be restored") && refused.contains("Nothing was changed"),
        "{refused}"
    );

    let keep = cli.fails(&["backup", "keep", "0"], 2);
    assert!(keep.contains("keep 1 to 1000"), "{keep}");
    cli.ok(&["backup", "keep", "5"]);
    assert!(
        cli.ok(&["backup", "list"])
            .contains("5 of each automatic kind")
    );
}
