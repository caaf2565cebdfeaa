use golive_core::audit;
use golive_core::readiness::{self, Status};
use golive_core::store::OpenMode;
use golive_core::store::backup::{self, BackupKind};
use golive_core::{ErrorCode, Store};

use crate::support::{Fixture, at, change};

fn item_state(store: &Store, launch: &str, key: &str) -> Status {
    readiness::item(store.conn(), launch, key, at("2026-11-30T12:00:00Z"))
        .unwrap()
        .status
}

#[test]
fn a_copy_is_a_whole_store_on_its_own_and_restoring_it_brings_back_that_moment() {
    let mut f = Fixture::new();
    let launch = f.launch();
    let path = f.path();
    readiness::tick(
        &mut f.store,
        &change("ana", "2026-11-30T09:00:00Z"),
        &launch.id,
        "PRE-07",
        None,
    )
    .unwrap();
    let copy = backup::create(&path, BackupKind::Manual, at("2026-11-30T09:05:00Z")).unwrap();
    assert!(
        copy.path.ends_with("golive-20261130T090500Z-manual.db"),
        "{}",
        copy.path
    );
    assert!(copy.bytes > 0);
    // No WAL beside the copy: it is one file to carry away.
    assert!(!std::path::Path::new(&format!("{}-wal", copy.path)).exists());
    let summary = backup::check(std::path::Path::new(&copy.path)).unwrap();
    assert_eq!(summary.launches, ["Arxos platform"]);
    let events_in_copy = summary.events;

    // Later changes, then the restore.
    readiness::tick(
        &mut f.store,
        &change("ana", "2026-11-30T10:00:00Z"),
        &launch.id,
        "PRE-08",
        None,
    )
    .unwrap();
    assert_eq!(item_state(&f.store, &launch.id, "PRE-08"), Status::Done);
    drop(f.store);
    let restored = backup::restore(
        &path,
        std::path::Path::new(&copy.path),
        &change("ben", "2026-11-30T11:00:00Z"),
    )
    .unwrap();
    assert_eq!(restored.replaced_saved_as.kind, BackupKind::BeforeRestore);

    let store = Store::open(&path, OpenMode::MustExist).unwrap();
    assert_eq!(item_state(&store, &launch.id, "PRE-07"), Status::Done);
    assert_ne!(
        item_state(&store, &launch.id, "PRE-08"),
        Status::Done,
        "the later tick is gone"
    );
    // The restore is audited after the copy's own trail, and the chain holds.
    let events = audit::events(store.conn(), &audit::Query::default()).unwrap();
    assert_eq!(events.len() as u64, events_in_copy + 1);
    let last = events.last().unwrap();
    assert_eq!(last.action, "store.restore");
    assert_eq!(last.actor, "ben");
    assert!(audit::verify(store.conn()).unwrap().ok());
    let integrity: String = store
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");

    // The store as it was before the restore was kept and holds the later tick.
    let before = Store::open(
        std::path::Path::new(&restored.replaced_saved_as.path),
        OpenMode::MustExist,
    )
    .unwrap();
    assert_eq!(item_state(&before, &launch.id, "PRE-08"), Status::Done);
}

#[test]
fn automatic_copies_beyond_the_kept_number_are_removed_and_manual_ones_never() {
    let mut f = Fixture::new();
    f.launch();
    let path = f.path();
    backup::set_keep(&mut f.store, &change("ana", "2026-11-30T08:00:00Z"), 3).unwrap();
    assert_eq!(backup::keep(f.store.conn()).unwrap(), 3);
    let manual = backup::create(&path, BackupKind::Manual, at("2026-11-30T08:30:00Z")).unwrap();
    for minute in 0..5 {
        backup::create(
            &path,
            BackupKind::BeforeRun,
            at(&format!("2026-11-30T09:0{minute}:00Z")),
        )
        .unwrap();
    }
    let listed = backup::list(&path).unwrap();
    let runs: Vec<&str> = listed
        .iter()
        .filter(|b| b.kind == BackupKind::BeforeRun)
        .map(|b| b.taken.as_str())
        .collect();
    assert_eq!(
        runs,
        [
            "2026-11-30T09:04:00.000Z",
            "2026-11-30T09:03:00.000Z",
            "2026-11-30T09:02:00.000Z"
        ]
    );
    assert!(
        listed.iter().any(|b| b.path == manual.path),
        "the manual copy stays"
    );
    // Two copies in the same second are both kept.
    let again = backup::create(&path, BackupKind::Manual, at("2026-11-30T08:30:00Z")).unwrap();
    assert_ne!(again.path, manual.path);
    assert!(again.path.ends_with("-manual-2.db"), "{}", again.path);
    assert_eq!(
        backup::list(&path)
            .unwrap()
            .iter()
            .filter(|b| b.kind == BackupKind::Manual)
            .count(),
        2
    );
    // Out-of-range numbers are refused and the setting is unchanged.
    let err =
        backup::set_keep(&mut f.store, &change("ana", "2026-11-30T08:00:00Z"), 0).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert_eq!(backup::keep(f.store.conn()).unwrap(), 3);
}

#[test]
fn the_daily_copy_is_taken_once_a_day() {
    let mut f = Fixture::new();
    f.launch();
    let path = f.path();
    let first = backup::daily_if_due(&path, at("2026-11-30T09:00:00Z")).unwrap();
    assert!(first.is_some());
    assert!(
        backup::daily_if_due(&path, at("2026-11-30T20:00:00Z"))
            .unwrap()
            .is_none()
    );
    assert!(
        backup::daily_if_due(&path, at("2026-12-01T08:59:00Z"))
            .unwrap()
            .is_none()
    );
    let next = backup::daily_if_due(&path, at("2026-12-01T09:00:00Z"))
        .unwrap()
        .unwrap();
    assert_eq!(next.kind, BackupKind::Daily);
    assert_eq!(backup::list(&path).unwrap().len(), 2);
}

#[test]
fn a_damaged_or_foreign_file_is_refused_and_the_store_is_untouched() {
    let mut f = Fixture::new();
    let launch = f.launch();
    let path = f.path();
    readiness::tick(
        &mut f.store,
        &change("ana", "2026-11-30T09:00:00Z"),
        &launch.id,
        "PRE-07",
        None,
    )
    .unwrap();
    let events_before = audit::verify(f.store.conn()).unwrap().events;
    drop(f.store);
    let dir = tempfile::tempdir().unwrap();

    // Not SQLite at all.
    let text = dir.path().join("notes.db");
    std::fs::write(&text, "these are not the droids").unwrap();
    // SQLite, but not a golive store.
    let foreign = dir.path().join("other.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    // A golive copy with a page overwritten in the middle.
    let copy = backup::create(&path, BackupKind::Manual, at("2026-11-30T09:05:00Z")).unwrap();
    let damaged = dir.path().join("damaged.db");
    let mut bytes = std::fs::read(&copy.path).unwrap();
    let page = 4096;
    let middle = (bytes.len() / page / 2) * page;
    bytes[middle..middle + page].fill(0xA5);
    std::fs::write(&damaged, &bytes).unwrap();

    for (file, says) in [
        (text.as_path(), "not a readable SQLite database"),
        (foreign.as_path(), "not a golive store"),
        (damaged.as_path(), "integrity check failed"),
        (dir.path().join("missing.db").as_path(), "no such file"),
    ] {
        let err = backup::restore(&path, file, &change("ben", "2026-11-30T11:00:00Z")).unwrap_err();
        let message = err.to_string();
        assert!(message.contains(says), "{file:?}: {message}");
        assert!(message.contains("Nothing was changed"), "{message}");
    }
    // Restoring the store onto itself is refused too.
    let err = backup::restore(&path, &path, &change("ben", "2026-11-30T11:00:00Z")).unwrap_err();
    assert!(err.to_string().contains("the store itself"), "{err}");

    let store = Store::open(&path, OpenMode::MustExist).unwrap();
    let after = audit::verify(store.conn()).unwrap();
    assert!(after.ok());
    assert_eq!(after.events, events_before, "no event added, none lost");
    assert_eq!(item_state(&store, &launch.id, "PRE-07"), Status::Done);
    // No before-restore copy was taken for a refused restore.
    assert!(
        backup::list(&path)
            .unwrap()
            .iter()
            .all(|b| b.kind != BackupKind::BeforeRestore)
    );
}
