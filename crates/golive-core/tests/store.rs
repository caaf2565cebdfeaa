use golive_core::store::{self, OpenMode};
use golive_core::{ErrorCode, Store};

use crate::support::Fixture;

#[test]
fn migrations_are_valid() {
    store::migrations()
        .validate()
        .expect("migrations must apply cleanly to an empty database");
}

#[test]
fn a_new_store_uses_wal_foreign_keys_and_full_sync() {
    let fixture = Fixture::new();
    let conn = fixture.store.conn();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    let fk: i64 = conn
        .pragma_query_value(None, "foreign_keys", |r| r.get(0))
        .unwrap();
    let sync: i64 = conn
        .pragma_query_value(None, "synchronous", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(fk, 1, "foreign keys must be enforced");
    assert_eq!(sync, 2, "synchronous must be FULL (2) for durable commits");
}

#[test]
fn a_missing_store_is_not_created_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typo.db");
    let err = Store::open(&path, OpenMode::MustExist).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    assert!(
        err.to_string().contains("golive init"),
        "the error says what to do: {err}"
    );
    assert!(
        !path.exists(),
        "a failed open must not leave an empty store behind"
    );
}

#[test]
fn a_store_from_a_newer_golive_is_refused_and_left_untouched() {
    let mut fixture = Fixture::new();
    fixture.launch();
    let path = fixture.path();
    let future = store::schema_version() as i64 + 3;
    fixture
        .store
        .conn()
        .pragma_update(None, "user_version", future)
        .unwrap();
    drop(fixture.store);
    let before = std::fs::read(&path).unwrap();

    let err = Store::open(&path, OpenMode::MustExist).unwrap_err();
    assert_eq!(err.code(), ErrorCode::StoreTooNew);
    assert!(err.to_string().contains("newer golive"), "{err}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the newer store must not be modified"
    );
}

#[test]
fn a_file_that_is_not_a_database_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "these are my notes, not a database ".repeat(200)).unwrap();
    let err = Store::open(&path, OpenMode::MustExist).unwrap_err();
    assert_eq!(err.code(), ErrorCode::StoreUnavailable);
    assert!(
        err.to_string().contains("notes.txt"),
        "the error names the file: {err}"
    );
}

#[test]
fn a_failed_change_leaves_nothing_behind() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    let events_before = golive_core::audit::verify(fixture.store.conn())
        .unwrap()
        .events;
    // Ticking an unknown item fails inside the transaction: no audit event may remain.
    let err = golive_core::readiness::tick(
        &mut fixture.store,
        &crate::support::change("ana", "2026-12-01T10:00:00Z"),
        &launch.id,
        "NOPE-99",
        Some("note"),
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    let events_after = golive_core::audit::verify(fixture.store.conn())
        .unwrap()
        .events;
    assert_eq!(events_before, events_after);
}

#[test]
fn ids_are_uuid_v7() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    let id = uuid_version(&launch.id);
    assert_eq!(id, Some(7), "launch id {} must be a UUIDv7", launch.id);
    let item_id: String = fixture
        .store
        .conn()
        .query_row("SELECT id FROM items LIMIT 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(uuid_version(&item_id), Some(7));
}

fn uuid_version(id: &str) -> Option<u32> {
    // The version is the first hex digit of the third group.
    id.split('-').nth(2)?.chars().next()?.to_digit(16)
}

#[test]
fn a_change_watch_reports_commits_of_other_connections_once_and_not_its_own() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    let mut watch = golive_core::watch::ChangeWatch::new(&fixture.store).unwrap();
    assert!(
        !watch.changed(&fixture.store).unwrap(),
        "nothing changed since the watch started"
    );
    // A change made through the watched store itself (the app's own tick).
    golive_core::readiness::tick(
        &mut fixture.store,
        &crate::support::change("ana", "2026-12-01T10:00:00Z"),
        &launch.id,
        "PRE-01",
        None,
    )
    .unwrap();
    assert!(
        !watch.changed(&fixture.store).unwrap(),
        "its own commits are not reported"
    );
    // A change made by another program on the same file (the CLI).
    let mut other = Store::open(&fixture.path(), OpenMode::MustExist).unwrap();
    golive_core::readiness::tick(
        &mut other,
        &crate::support::change("ben", "2026-12-01T10:01:00Z"),
        &launch.id,
        "PRE-02",
        None,
    )
    .unwrap();
    assert!(
        watch.changed(&fixture.store).unwrap(),
        "a commit by another connection is seen"
    );
    assert!(!watch.changed(&fixture.store).unwrap(), "and reported once");
    // A commit that changes nothing the window shows elsewhere, as a run's
    // output is committed (no audit event, no probe result, no KPI value).
    other
        .conn()
        .execute("UPDATE launches SET name = name", [])
        .unwrap();
    assert!(
        !watch.changed(&fixture.store).unwrap(),
        "a commit without anything shown is not reported"
    );
}
