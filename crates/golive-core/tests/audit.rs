use golive_core::audit::{self, Query};
use golive_core::readiness;

use crate::support::{Fixture, change};

fn fixture_with_events() -> (Fixture, String) {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    for (key, time) in [
        ("PRE-01", "2026-12-01T10:00:00Z"),
        ("PRE-02", "2026-12-01T10:05:00Z"),
        ("PRE-03", "2026-12-01T10:10:00Z"),
    ] {
        readiness::tick(
            &mut fixture.store,
            &change("ana", time),
            &launch.id,
            key,
            Some("done"),
        )
        .unwrap();
    }
    readiness::reopen(
        &mut fixture.store,
        &change("ben", "2026-12-01T11:00:00Z"),
        &launch.id,
        "PRE-02",
        "wrong server",
    )
    .unwrap();
    (fixture, launch.id)
}

#[test]
fn every_change_appends_a_chained_event() {
    let (fixture, launch_id) = fixture_with_events();
    let events = audit::events(
        fixture.store.conn(),
        &Query {
            launch_id: Some(launch_id),
            ..Query::default()
        },
    )
    .unwrap();
    let actions: Vec<_> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "launch.create",
            "item.tick",
            "item.tick",
            "item.tick",
            "item.reopen"
        ]
    );
    assert_eq!(events[0].prev_hash, audit::GENESIS_HASH);
    for pair in events.windows(2) {
        assert_eq!(
            pair[1].prev_hash, pair[0].hash,
            "event #{} must chain to #{}",
            pair[1].seq, pair[0].seq
        );
        assert_eq!(pair[1].seq, pair[0].seq + 1);
    }
    let untick = &events[4];
    assert_eq!(untick.actor, "ben");
    assert_eq!(untick.subject, "item:PRE-02");
    assert_eq!(untick.details_json()["reason"], "wrong server");
    assert_eq!(untick.details_json()["from"]["by"], "ana");
    assert_eq!(untick.details_json()["from"]["status"], "done");
    let verification = audit::verify(fixture.store.conn()).unwrap();
    assert!(verification.ok());
    assert_eq!(verification.events, 5);
    assert_eq!(verification.head, events[4].hash);
}

#[test]
fn the_audit_table_refuses_update_and_delete() {
    let (fixture, _) = fixture_with_events();
    let conn = fixture.store.conn();
    let update = conn
        .execute(
            "UPDATE audit_events SET actor = 'mallory' WHERE seq = 2",
            [],
        )
        .unwrap_err();
    assert!(update.to_string().contains("append-only"), "{update}");
    let delete = conn
        .execute("DELETE FROM audit_events WHERE seq = 2", [])
        .unwrap_err();
    assert!(delete.to_string().contains("append-only"), "{delete}");
    assert!(audit::verify(conn).unwrap().ok());
}

/// Someone with the file can drop the triggers; verify must still catch it.
fn tamper(fixture: &Fixture, sql: &str) {
    let conn = fixture.store.conn();
    conn.execute_batch("DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;")
        .unwrap();
    conn.execute_batch(sql).unwrap();
}

#[test]
fn verify_names_a_changed_event() {
    let (fixture, _) = fixture_with_events();
    tamper(
        &fixture,
        "UPDATE audit_events SET details = replace(details, 'done', 'faked') WHERE seq = 3",
    );
    let verification = audit::verify(fixture.store.conn()).unwrap();
    let bad = verification
        .first_bad
        .expect("a changed event must be found");
    assert_eq!(bad.seq, 3);
    assert!(bad.problem.contains("altered"), "{}", bad.problem);
    assert_eq!(
        verification.events, 2,
        "two good events precede the bad one"
    );
}

#[test]
fn verify_names_a_changed_actor_even_with_a_recomputed_hash() {
    let (fixture, _) = fixture_with_events();
    // Re-hashing the changed event breaks the link from the next one.
    let conn = fixture.store.conn();
    let mut event = audit::events(conn, &Query::default()).unwrap().remove(1);
    event.actor = "mallory".into();
    let new_hash = audit::hash_of(&event.preimage());
    tamper(
        &fixture,
        &format!("UPDATE audit_events SET actor = 'mallory', hash = '{new_hash}' WHERE seq = 2"),
    );
    let bad = audit::verify(conn)
        .unwrap()
        .first_bad
        .expect("must be found");
    assert_eq!(
        bad.seq, 3,
        "the event after the re-hashed one no longer links"
    );
}

#[test]
fn verify_names_a_deleted_event() {
    let (fixture, _) = fixture_with_events();
    tamper(&fixture, "DELETE FROM audit_events WHERE seq = 2");
    let bad = audit::verify(fixture.store.conn())
        .unwrap()
        .first_bad
        .expect("must be found");
    assert_eq!(bad.seq, 3);
    assert!(bad.problem.contains("missing"), "{}", bad.problem);
}

#[test]
fn verify_names_reordered_events() {
    let (fixture, _) = fixture_with_events();
    tamper(
        &fixture,
        "UPDATE audit_events SET seq = 100 WHERE seq = 2;
         UPDATE audit_events SET seq = 2 WHERE seq = 3;
         UPDATE audit_events SET seq = 3 WHERE seq = 100;",
    );
    let bad = audit::verify(fixture.store.conn())
        .unwrap()
        .first_bad
        .expect("must be found");
    assert_eq!(bad.seq, 2);
}

#[test]
fn canonical_json_sorts_keys_at_every_level() {
    let value = serde_json::json!({"b": 1, "a": {"d": [ {"z": 1, "y": 2} ], "c": null}});
    assert_eq!(
        audit::canonical_json(&value),
        r#"{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}"#
    );
}

#[test]
fn the_trail_filters_by_actor_kind_subject_and_time_and_pages_back() {
    let (mut fixture, launch_id) = fixture_with_events();
    golive_core::signoff::sign(
        &mut fixture.store,
        &change("ben", "2026-12-01T11:00:00Z"),
        &launch_id,
        "tech",
        golive_core::signoff::Verdict::Go,
        Some("ready"),
    )
    .unwrap();
    let conn = fixture.store.conn();
    let query = |q: Query| {
        audit::events(
            conn,
            &Query {
                launch_id: Some(launch_id.clone()),
                ..q
            },
        )
        .unwrap()
    };
    let by_ben = query(Query {
        actor: Some("ben".into()),
        ..Query::default()
    });
    assert!(!by_ben.is_empty());
    assert!(by_ben.iter().all(|e| e.actor == "ben"));
    let items = query(Query {
        kind: Some("item".into()),
        ..Query::default()
    });
    assert_eq!(items.len(), 4, "three ticks and a reopening: {items:?}");
    assert!(items.iter().all(|e| e.action.starts_with("item.")));
    // A kind is a whole first part: "it" is not "item".
    assert!(
        query(Query {
            kind: Some("it".into()),
            ..Query::default()
        })
        .is_empty()
    );
    let exact = query(Query {
        kind: Some("item.tick".into()),
        ..Query::default()
    });
    assert_eq!(exact.len(), 3);
    let window = query(Query {
        from: Some("2026-12-01T10:05:00Z".into()),
        until: Some("2026-12-01T10:10:00Z".into()),
        ..Query::default()
    });
    assert_eq!(
        window
            .iter()
            .map(|e| e.subject.as_str())
            .collect::<Vec<_>>(),
        ["item:PRE-02"]
    );
    // Newest first in pages: the page before the newest two.
    let all = query(Query::default());
    let newest_two = query(Query {
        limit: Some(2),
        ..Query::default()
    });
    assert_eq!(newest_two, all[all.len() - 2..]);
    let older = query(Query {
        limit: Some(2),
        before_seq: Some(newest_two[0].seq),
        ..Query::default()
    });
    assert_eq!(older, all[all.len() - 4..all.len() - 2]);

    let bad = audit::events(
        conn,
        &Query {
            from: Some("yesterday".into()),
            ..Query::default()
        },
    )
    .unwrap_err();
    assert!(bad.to_string().contains("not a date and time"), "{bad}");

    let facets = audit::facets(conn, &launch_id).unwrap();
    assert_eq!(facets.actors, ["ana", "ben"]);
    let kinds: Vec<&str> = facets.kinds.iter().map(|k| k.kind.as_str()).collect();
    assert!(
        kinds.contains(&"item") && kinds.contains(&"signoff"),
        "{kinds:?}"
    );
    assert_eq!(facets.events as usize, all.len());
}
