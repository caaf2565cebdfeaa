//! Signed bundles: what they hold, and that `verify` finds every kind of
//! tampering, each in 1,000 random trials against real bundle files.

use std::path::PathBuf;

use ed25519_dalek::{Signer, SigningKey};
use golive_core::ErrorCode;
use golive_core::audit::{self, Fields};
use golive_core::readiness;
use golive_core::record::{self, Checkpoint, Trust, signing};
use golive_core::rehearsal::{self, RehearsalInput};
use golive_core::store::backup;
use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

use crate::support::{Fixture, at, change};

const TRIALS: usize = 1000;

/// A launch with a rehearsal beside it and a few dozen events after them.
fn busy_store() -> (Fixture, String, String) {
    let mut f = Fixture::new();
    let launch = f.launch();
    let drill = rehearsal::create(
        &mut f.store,
        &change("ana", "2026-11-30T08:10:00Z"),
        &launch.id,
        &RehearsalInput::default(),
    )
    .unwrap();
    for key in ["PRE-01", "PRE-02", "PRE-03", "PRE-07", "PRE-08"] {
        readiness::tick(
            &mut f.store,
            &change("ana", "2026-11-30T09:00:00Z"),
            &launch.id,
            key,
            Some("checked with the vendor"),
        )
        .unwrap();
    }
    for n in 1..=30 {
        backup::set_keep(&mut f.store, &change("ben", "2026-11-30T10:00:00Z"), n).unwrap();
    }
    (f, launch.id, drill.id)
}

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn trusting(key: &SigningKey) -> Trust {
    Trust::default().key(
        &signing::fingerprint(&key.verifying_key()),
        "the test's key",
    )
}

fn export(f: &Fixture, launch_id: &str, name: &str, signer: &SigningKey) -> PathBuf {
    let dest = f.dir.path().join(name);
    record::export(
        &f.store,
        launch_id,
        &dest,
        signer,
        at("2026-11-30T12:00:00Z"),
    )
    .unwrap();
    dest
}

#[test]
fn a_bundle_verifies_holds_only_its_launch_and_says_when_it_is_a_rehearsal() {
    let (f, launch_id, drill_id) = busy_store();
    let signer = key(1);
    let events = audit::verify(f.store.conn()).unwrap().events;

    let path = export(&f, &launch_id, "launch.golive", &signer);
    let report = record::verify(&path, &trusting(&signer)).unwrap();
    assert!(report.ok(), "{:#?}", report.checks);
    assert_eq!(report.checkpoint.launch_name, "Arxos platform");
    assert_eq!(report.checkpoint.rehearsal_of, None);
    assert_eq!(report.checkpoint.events, events);
    assert_eq!(report.first_bad, None);
    let bundle = record::verify::open(&path).unwrap();
    let launches: Vec<String> = bundle
        .prepare("SELECT id FROM launches")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(launches, std::slice::from_ref(&launch_id));
    let foreign_items: i64 = bundle
        .query_row(
            "SELECT count(*) FROM items WHERE launch_id <> ?1",
            [&launch_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(foreign_items, 0, "the rehearsal's items stayed behind");
    let orphans: i64 = bundle
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(orphans, 0);
    // The whole trail travels: the chain covers every launch's events.
    let trail: i64 = bundle
        .query_row("SELECT count(*) FROM audit_events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(trail as u64, events);
    drop(bundle);

    let drill = export(&f, &drill_id, "drill.golive", &signer);
    let report = record::verify(&drill, &trusting(&signer)).unwrap();
    assert!(report.ok(), "{:#?}", report.checks);
    assert_eq!(
        report.checkpoint.rehearsal_of.as_deref(),
        Some("Arxos platform")
    );
    // The store itself is untouched by either export.
    assert_eq!(golive_core::launch::list(f.store.conn()).unwrap().len(), 2);
}

#[test]
fn export_never_overwrites_and_verify_explains_what_is_not_a_bundle() {
    let (f, launch_id, _) = busy_store();
    let signer = key(1);
    let path = export(&f, &launch_id, "launch.golive", &signer);
    let before = std::fs::read(&path).unwrap();
    let again = record::export(
        &f.store,
        &launch_id,
        &path,
        &signer,
        at("2026-11-30T13:00:00Z"),
    )
    .unwrap_err();
    assert_eq!(again.code(), ErrorCode::Conflict);
    assert!(again.to_string().contains("already exists"), "{again}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the bundle was changed"
    );

    let store_file = record::verify(&f.path(), &Trust::default()).unwrap_err();
    assert!(
        store_file
            .to_string()
            .contains("holds no signed checkpoint"),
        "{store_file}"
    );
    let text = f.dir.path().join("notes.txt");
    std::fs::write(
        &text,
        "not a database at all, just some words that go on for a while",
    )
    .unwrap();
    let error = record::verify(&text, &Trust::default()).unwrap_err();
    assert!(
        error.to_string().contains("holds no signed checkpoint"),
        "{error}"
    );
    // A bundle whose database header was overwritten: its trailer is there,
    // its database is not readable.
    let mut damaged = before.clone();
    damaged[..100].fill(b'x');
    let damaged_path = f.dir.path().join("damaged.golive");
    std::fs::write(&damaged_path, &damaged).unwrap();
    let error = record::verify(&damaged_path, &Trust::default()).unwrap_err();
    assert!(
        error.to_string().contains("its database cannot be read"),
        "{error}"
    );
    let missing = record::verify(&f.dir.path().join("nope.golive"), &Trust::default()).unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound);
}

#[test]
fn a_signer_nobody_vouched_for_is_reported_with_its_fingerprint() {
    let (f, launch_id, _) = busy_store();
    let signer = key(1);
    let path = export(&f, &launch_id, "launch.golive", &signer);
    let report = record::verify(&path, &Trust::default()).unwrap();
    assert!(!report.ok());
    let check = report.checks.iter().find(|c| c.name == "signer").unwrap();
    assert!(!check.ok);
    let print = signing::fingerprint(&signer.verifying_key());
    assert!(
        check.detail.contains(&format!("--key {print}")),
        "{}",
        check.detail
    );
    // Everything else holds.
    assert!(
        report
            .checks
            .iter()
            .filter(|c| c.name != "signer")
            .all(|c| c.ok)
    );
}

/// Marks PRE-04 done inside the bundle's database and puts the signed
/// trailer back, as someone with `sqlite3` would.
fn change_a_row(path: &std::path::Path) {
    let bytes = std::fs::read(path).unwrap();
    let (database, trailer) = split(&bytes);
    std::fs::write(path, database).unwrap();
    let bundle = Connection::open(path).unwrap();
    bundle
        .execute("UPDATE items SET status = 'done' WHERE key = 'PRE-04'", [])
        .unwrap();
    drop(bundle);
    append(path, trailer);
}

#[test]
fn changed_rows_of_the_snapshot_fail_its_check() {
    let (f, launch_id, _) = busy_store();
    let signer = key(1);
    let path = export(&f, &launch_id, "launch.golive", &signer);
    change_a_row(&path);
    let report = record::verify(&path, &trusting(&signer)).unwrap();
    let failed: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| !c.ok)
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(failed, ["snapshot"]);
}

#[test]
fn a_record_opens_for_review_read_only_and_the_bundle_stays_as_it_was() {
    let (f, launch_id, _) = busy_store();
    let signer = key(1);
    let path = export(&f, &launch_id, "launch.golive", &signer);
    let before = std::fs::read(&path).unwrap();

    let review = record::review::open(&path, &trusting(&signer)).unwrap();
    let info = &review.info;
    assert!(info.verified, "{:?}", info.problems);
    assert_eq!(
        (info.launch_name.as_str(), info.launch_id.as_str()),
        ("Arxos platform", launch_id.as_str())
    );
    assert_eq!(
        info.trusted_because
            .as_deref()
            .map(|w| w.contains("the test's key")),
        Some(true)
    );
    // Every view reads it as a store.
    let item = readiness::item(
        review.store.conn(),
        &launch_id,
        "PRE-07",
        at("2026-12-01T00:00:00Z"),
    )
    .unwrap();
    assert_eq!(item.status, readiness::Status::Done);
    // Every change is refused with the reason, and nothing is written.
    let mut store = review.store;
    let refused = readiness::tick(
        &mut store,
        &change("ana", "2026-12-01T09:00:00Z"),
        &launch_id,
        "PRE-04",
        None,
    )
    .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Conflict);
    assert!(
        refused.to_string().contains("opened for review"),
        "{refused}"
    );
    // A write that bypasses the audit path meets a read-only connection.
    assert!(
        store
            .conn()
            .execute("UPDATE items SET status = 'done' WHERE key = 'PRE-04'", [])
            .is_err()
    );
    drop(store);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the bundle is untouched"
    );
}

#[test]
fn a_record_that_does_not_verify_still_opens_and_says_why() {
    let (f, launch_id, _) = busy_store();
    let signer = key(1);
    let path = export(&f, &launch_id, "launch.golive", &signer);
    let review = record::review::open(&path, &Trust::default()).unwrap();
    // Intact, but signed by a key nobody here vouched for.
    assert!(!review.info.verified);
    assert_eq!(review.info.trusted_because, None);
    assert!(
        review.info.problems.is_empty(),
        "{:?}",
        review.info.problems
    );
    drop(review);

    // A changed row: the snapshot check names it.
    change_a_row(&path);
    let review = record::review::open(&path, &trusting(&signer)).unwrap();
    assert!(!review.info.verified);
    assert!(review.info.trusted_because.is_some());
    assert_eq!(review.info.problems.len(), 1, "{:?}", review.info.problems);
    assert!(review.info.problems[0].starts_with("snapshot:"));

    let not_a_bundle = f.dir.path().join("notes.txt");
    std::fs::write(&not_a_bundle, "hello").unwrap();
    let error = record::review::open(&not_a_bundle, &Trust::default())
        .err()
        .expect("refused");
    assert!(error.to_string().contains("not a golive bundle"), "{error}");
}

// ---- Tamper trials -------------------------------------------------------

/// One bundle to tamper with, read once; each trial works on its own copy.
struct Original {
    _fixture: Fixture,
    bytes: Vec<u8>,
    events: i64,
    signer: SigningKey,
    work: PathBuf,
}

fn original() -> Original {
    let (f, launch_id, _) = busy_store();
    let signer = key(1);
    let path = export(&f, &launch_id, "original.golive", &signer);
    let bytes = std::fs::read(&path).unwrap();
    let events = audit::verify(f.store.conn()).unwrap().events as i64;
    let work = f.dir.path().join("trial.golive");
    Original {
        _fixture: f,
        bytes,
        events,
        signer,
        work,
    }
}

fn rng(kind: &str) -> fastrand::Rng {
    let seed = std::env::var("GOLIVE_TAMPER_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    eprintln!("{kind}: seed {seed} (GOLIVE_TAMPER_SEED={seed} repeats these trials)");
    fastrand::Rng::with_seed(seed)
}

/// A bundle's database and its trailer (with the footer).
fn split(bytes: &[u8]) -> (&[u8], &[u8]) {
    let n = bytes.len();
    let length = u64::from_le_bytes(bytes[n - 24..n - 16].try_into().unwrap()) as usize;
    bytes.split_at(n - 24 - length)
}

fn append(path: &std::path::Path, bytes: &[u8]) {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    file.write_all(bytes).unwrap();
}

/// A fresh copy of the bundle's database opened as a forger would (the
/// trailer set aside, the append-only triggers dropped); the trailer goes
/// back on in `assert_caught`.
fn forge(original: &Original) -> Connection {
    std::fs::write(&original.work, split(&original.bytes).0).unwrap();
    let conn = Connection::open(&original.work).unwrap();
    conn.execute_batch(
        "PRAGMA synchronous = OFF;
         DROP TRIGGER IF EXISTS audit_events_no_update;
         DROP TRIGGER IF EXISTS audit_events_no_delete;",
    )
    .unwrap();
    let triggers: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(triggers, 0, "the trail's triggers have other names now");
    conn
}

fn hash_of_row(conn: &Connection, seq: i64) -> String {
    conn.query_row(
        "SELECT seq, at, launch_id, actor, actor_role, action, subject, details, prev_hash FROM audit_events WHERE seq = ?1",
        [seq],
        |r| {
            let (at, launch, actor, role, action, subject, details, prev): (
                String,
                Option<String>,
                String,
                Option<String>,
                String,
                String,
                String,
                String,
            ) = (
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
            );
            Ok(audit::hash_of(
                &Fields {
                    seq: r.get(0)?,
                    at: &at,
                    launch_id: launch.as_deref(),
                    actor: &actor,
                    actor_role: role.as_deref(),
                    action: &action,
                    subject: &subject,
                    details: &details,
                    prev_hash: &prev,
                }
                .preimage(),
            ))
        },
    )
    .unwrap()
}

/// Recomputes the hash of every event from `from` on, as a forger covering
/// their tracks would.
fn rechain(conn: &Connection, from: i64) {
    let last: i64 = conn
        .query_row("SELECT max(seq) FROM audit_events", [], |r| r.get(0))
        .unwrap();
    for seq in from.max(1)..=last {
        let prev: String = if seq == 1 {
            audit::GENESIS_HASH.into()
        } else {
            conn.query_row(
                "SELECT hash FROM audit_events WHERE seq = ?1",
                [seq - 1],
                |r| r.get(0),
            )
            .unwrap()
        };
        conn.execute(
            "UPDATE audit_events SET prev_hash = ?2 WHERE seq = ?1",
            params![seq, prev],
        )
        .unwrap();
        let hash = hash_of_row(conn, seq);
        conn.execute(
            "UPDATE audit_events SET hash = ?2 WHERE seq = ?1",
            params![seq, hash],
        )
        .unwrap();
    }
}

/// Verifies the forged copy, expecting the chain to fail at `expected`.
fn assert_caught(original: &Original, conn: Connection, expected: i64, what: &str) {
    drop(conn);
    append(&original.work, split(&original.bytes).1);
    let report = record::verify(&original.work, &trusting(&original.signer)).unwrap();
    assert!(!report.ok(), "{what} was not detected");
    let bad = report
        .first_bad
        .as_ref()
        .unwrap_or_else(|| panic!("{what}: no bad event named; {:#?}", report.checks));
    assert_eq!(
        bad.seq, expected,
        "{what}: named #{} ({})",
        bad.seq, bad.problem
    );
}

#[test]
fn every_changed_event_is_found() {
    let original = original();
    let mut rng = rng("changed");
    let columns = [
        "at",
        "actor",
        "actor_role",
        "action",
        "subject",
        "details",
        "launch_id",
    ];
    for trial in 0..TRIALS {
        let conn = forge(&original);
        let seq = rng.i64(1..=original.events);
        let column = columns[rng.usize(..columns.len())];
        let value = format!("forged-{trial}");
        conn.execute(
            &format!("UPDATE audit_events SET {column} = ?2 WHERE seq = ?1"),
            params![seq, value],
        )
        .unwrap();
        match rng.u8(..3) {
            0 => {}
            1 => {
                let hash = hash_of_row(&conn, seq);
                conn.execute(
                    "UPDATE audit_events SET hash = ?2 WHERE seq = ?1",
                    params![seq, hash],
                )
                .unwrap();
            }
            _ => rechain(&conn, seq),
        }
        assert_caught(
            &original,
            conn,
            seq,
            &format!("trial {trial}: {column} of #{seq} changed"),
        );
    }
}

#[test]
fn every_deleted_event_is_found() {
    let original = original();
    let mut rng = rng("deleted");
    for trial in 0..TRIALS {
        let conn = forge(&original);
        let seq = rng.i64(1..=original.events);
        conn.execute("DELETE FROM audit_events WHERE seq = ?1", [seq])
            .unwrap();
        let renumber = rng.bool();
        if renumber {
            conn.execute_batch(&format!(
                "UPDATE audit_events SET seq = -seq WHERE seq > {seq};
                 UPDATE audit_events SET seq = -seq - 1 WHERE seq < 0;"
            ))
            .unwrap();
            if rng.bool() {
                rechain(&conn, seq);
            }
        }
        assert_caught(
            &original,
            conn,
            seq,
            &format!("trial {trial}: #{seq} deleted (renumbered: {renumber})"),
        );
    }
}

#[test]
fn every_reordering_is_found() {
    let original = original();
    let mut rng = rng("reordered");
    for trial in 0..TRIALS {
        let conn = forge(&original);
        let a = rng.i64(1..original.events);
        let b = rng.i64(a + 1..=original.events);
        conn.execute_batch(&format!(
            "UPDATE audit_events SET seq = -1 WHERE seq = {a};
             UPDATE audit_events SET seq = {a} WHERE seq = {b};
             UPDATE audit_events SET seq = {b} WHERE seq = -1;"
        ))
        .unwrap();
        if rng.bool() {
            rechain(&conn, a);
        }
        assert_caught(
            &original,
            conn,
            a,
            &format!("trial {trial}: #{a} and #{b} swapped"),
        );
    }
}

#[test]
fn every_appended_event_is_found() {
    let original = original();
    let mut rng = rng("appended");
    for trial in 0..TRIALS {
        let conn = forge(&original);
        let count = rng.i64(1..=5);
        for n in 1..=count {
            let seq = original.events + n;
            conn.execute(
                "INSERT INTO audit_events (seq, at, launch_id, actor, actor_role, action, subject, details, prev_hash, hash)
                 SELECT ?1, '2026-12-01T00:00:00.000Z', launch_id, 'mallory', NULL, 'item.status', subject, ?2, hash, ''
                   FROM audit_events WHERE seq = ?1 - 1",
                params![seq, format!("{{\"trial\":{trial}}}")],
            )
            .unwrap();
            let hash = hash_of_row(&conn, seq);
            conn.execute(
                "UPDATE audit_events SET hash = ?2 WHERE seq = ?1",
                params![seq, hash],
            )
            .unwrap();
        }
        assert_caught(
            &original,
            conn,
            original.events + 1,
            &format!("trial {trial}: {count} appended"),
        );
    }
}

#[test]
fn every_truncated_tail_is_found() {
    let original = original();
    let mut rng = rng("truncated");
    for trial in 0..TRIALS {
        let conn = forge(&original);
        let keep = rng.i64(0..original.events);
        conn.execute("DELETE FROM audit_events WHERE seq > ?1", [keep])
            .unwrap();
        assert_caught(
            &original,
            conn,
            keep + 1,
            &format!("trial {trial}: cut after #{keep}"),
        );
    }
}

/// The forger changes what they like, re-hashes everything, and signs a
/// new checkpoint with their own key: only the signer gives it away.
#[test]
fn every_bundle_re_signed_with_another_key_is_found() {
    let original = original();
    let mut rng = rng("re-signed");
    let trusted = trusting(&original.signer);
    for trial in 0..TRIALS {
        let conn = forge(&original);
        let seq = rng.i64(1..=original.events);
        conn.execute(
            "UPDATE audit_events SET actor = ?2 WHERE seq = ?1",
            params![seq, format!("mallory-{trial}")],
        )
        .unwrap();
        rechain(&conn, seq);
        let forger = key(rng.u8(2..=255));
        resign(conn, &original, &forger);

        let report = record::verify(&original.work, &trusted).unwrap();
        assert!(!report.ok(), "trial {trial}: the re-signed bundle verified");
        let signer = report.checks.iter().find(|c| c.name == "signer").unwrap();
        assert!(!signer.ok, "trial {trial}: the forger's key was trusted");
        assert!(
            signer
                .detail
                .contains(&signing::fingerprint(&forger.verifying_key())),
            "{}",
            signer.detail
        );
        // The forgery is otherwise perfect: only the key tells.
        assert!(
            report
                .checks
                .iter()
                .filter(|c| c.name != "signer")
                .all(|c| c.ok),
            "trial {trial}: {:#?}",
            report.checks
        );
    }
}

/// What a forger with their own key writes: a checkpoint of the forged
/// database, signed, in a new trailer.
fn resign(conn: Connection, original: &Original, forger: &SigningKey) {
    let mut hashes = Vec::new();
    let mut head = String::new();
    {
        let mut stmt = conn
            .prepare("SELECT hash FROM audit_events ORDER BY seq")
            .unwrap();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            head = row.get(0).unwrap();
            hashes.extend(hex::decode(&head).unwrap());
        }
    }
    drop(conn);
    let old = split(&original.bytes).1;
    let old: record::bundle::Trailer = serde_json::from_slice(&old[..old.len() - 24]).unwrap();
    let mut checkpoint: Checkpoint = serde_json::from_str(&old.checkpoint).unwrap();
    let bytes = std::fs::metadata(&original.work).unwrap().len();
    checkpoint.chain_head = head;
    checkpoint.event_hashes = hex::encode(Sha256::digest(&hashes));
    checkpoint.snapshot = record::bundle::digest_of_file(&original.work, bytes).unwrap();
    checkpoint.snapshot_bytes = bytes;
    checkpoint.signer = signing::fingerprint(&forger.verifying_key());
    let signed = checkpoint.signed_bytes();
    record::bundle::append_trailer(
        &original.work,
        &record::bundle::Trailer {
            format: old.format,
            signature: hex::encode(forger.sign(&signed).to_bytes()),
            checkpoint: String::from_utf8(signed).unwrap(),
            public_key: hex::encode(forger.verifying_key().as_bytes()),
            event_hashes: hex::encode(&hashes),
        },
    )
    .unwrap();
}

// ---- Closing a launch ------------------------------------------------------

#[test]
fn a_launch_closes_after_day_30_and_then_refuses_every_change_but_stays_readable() {
    let mut f = Fixture::new();
    let launch = f.launch(); // Day 0: 2026-12-07 09:00 Europe/Berlin
    readiness::tick(
        &mut f.store,
        &change("ana", "2026-12-01T09:00:00Z"),
        &launch.id,
        "PRE-07",
        Some("load test report"),
    )
    .unwrap();

    let early = golive_core::launch::close(
        &mut f.store,
        &change("ana", "2027-01-06T12:00:00Z"),
        &launch.id,
    )
    .unwrap_err();
    assert_eq!(early.code(), ErrorCode::Conflict);
    assert!(
        early.to_string().contains("after Day 30") && early.to_string().contains("today is Day 30"),
        "{early}"
    );

    let closed = golive_core::launch::close(
        &mut f.store,
        &change("ana", "2027-01-07T12:00:00Z"),
        &launch.id,
    )
    .unwrap();
    assert_eq!(
        closed.closed_at.as_deref(),
        Some("2027-01-07T12:00:00.000Z")
    );
    assert_eq!(closed.closed_by.as_deref(), Some("ana"));
    let events = audit::verify(f.store.conn()).unwrap().events;

    let later = change("ben", "2027-01-08T10:00:00Z");
    let tick = readiness::tick(&mut f.store, &later, &launch.id, "PRE-08", None).unwrap_err();
    assert_eq!(tick.code(), ErrorCode::Conflict);
    assert!(tick.to_string().contains("read-only"), "{tick}");
    let reopen =
        readiness::reopen(&mut f.store, &later, &launch.id, "PRE-07", "wrong server").unwrap_err();
    assert_eq!(reopen.code(), ErrorCode::Conflict);
    let sign = golive_core::signoff::sign(
        &mut f.store,
        &later,
        &launch.id,
        "tech",
        golive_core::signoff::Verdict::Go,
        None,
    )
    .unwrap_err();
    assert_eq!(sign.code(), ErrorCode::Conflict);
    let again = golive_core::launch::close(&mut f.store, &later, &launch.id).unwrap_err();
    assert!(again.to_string().contains("closed already"), "{again}");
    // Nothing of those was written.
    assert_eq!(audit::verify(f.store.conn()).unwrap().events, events);
    let item = readiness::item(
        f.store.conn(),
        &launch.id,
        "PRE-08",
        at("2027-01-08T10:00:00Z"),
    )
    .unwrap();
    assert_eq!(item.status, readiness::Status::Open);

    // Still readable and exportable; changes tied to no launch still work.
    readiness::checklist(f.store.conn(), &launch.id, at("2027-01-08T10:00:00Z")).unwrap();
    let signer = key(3);
    let path = export(&f, &launch.id, "closed.golive", &signer);
    assert!(record::verify(&path, &trusting(&signer)).unwrap().ok());
    backup::set_keep(&mut f.store, &later, 5).unwrap();
}
