use golive_core::readiness::{self, ItemEdit, NewItem, NewSection, Placement};
use golive_core::{ErrorCode, audit, launch};

use crate::support::{Fixture, at, change};

const NOW: &str = "2026-12-01T12:00:00Z";

fn keys_of(fixture: &Fixture, launch_id: &str, section: &str) -> Vec<String> {
    readiness::checklist(fixture.store.conn(), launch_id, at(NOW))
        .unwrap()
        .items()
        .filter(|i| i.section_key == section)
        .map(|i| i.key.clone())
        .collect()
}

fn events(fixture: &Fixture) -> u64 {
    audit::verify(fixture.store.conn()).unwrap().events
}

#[test]
fn items_are_added_with_the_next_key_of_their_series_where_asked() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    let key = readiness::add_item(
        &mut fixture.store,
        &change("ana", NOW),
        &launch.id,
        &NewItem {
            section: "pre-infra".into(),
            title: "  DNS TTLs lowered to 60 s ".into(),
            owner: "Technical lead".into(),
            due_day: -3,
            placement: Placement::After("PRE-02".into()),
            ..NewItem::default()
        },
    )
    .unwrap();
    assert_eq!(key, "PRE-38");
    assert_eq!(
        keys_of(&fixture, &launch.id, "pre-infra"),
        ["PRE-01", "PRE-02", "PRE-38", "PRE-03", "PRE-04", "PRE-05"]
    );
    let item = readiness::item(fixture.store.conn(), &launch.id, "PRE-38", at(NOW)).unwrap();
    assert_eq!(
        (item.title.as_str(), item.owner_role.as_str(), item.due_day),
        ("DNS TTLs lowered to 60 s", "tech", -3)
    );

    let c = change("ana", NOW);
    let before = events(&fixture);
    for (new, code, says) in [
        (
            NewItem {
                section: "pre-infra".into(),
                title: "x".into(),
                owner: "tech".into(),
                due_day: 3,
                ..NewItem::default()
            },
            ErrorCode::InvalidInput,
            "outside the phase Pre-go-live preparation (Day -7 to 0)",
        ),
        (
            NewItem {
                section: "pre-infra".into(),
                title: " ".into(),
                owner: "tech".into(),
                due_day: -3,
                ..NewItem::default()
            },
            ErrorCode::InvalidInput,
            "the title is empty",
        ),
        (
            NewItem {
                section: "pre-infra".into(),
                title: "x".into(),
                owner: "cfo".into(),
                due_day: -3,
                ..NewItem::default()
            },
            ErrorCode::NotFound,
            "neither a role nor a contact",
        ),
        (
            NewItem {
                section: "nope".into(),
                title: "x".into(),
                owner: "tech".into(),
                due_day: -3,
                ..NewItem::default()
            },
            ErrorCode::NotFound,
            "there is no section \"nope\"",
        ),
        (
            NewItem {
                section: "pre-infra".into(),
                key: Some("pre-01".into()),
                title: "x".into(),
                owner: "tech".into(),
                due_day: -3,
                ..NewItem::default()
            },
            ErrorCode::Conflict,
            "already used",
        ),
        (
            NewItem {
                section: "pre-infra".into(),
                title: "x".into(),
                owner: "tech".into(),
                due_day: -3,
                rule: Some("section_done:nowhere".into()),
                ..NewItem::default()
            },
            ErrorCode::InvalidInput,
            "names no section",
        ),
        (
            NewItem {
                section: "pre-infra".into(),
                title: "x".into(),
                owner: "tech".into(),
                due_day: -3,
                rule: Some("monitors".into()),
                ..NewItem::default()
            },
            ErrorCode::InvalidInput,
            "is not a rule golive knows",
        ),
    ] {
        let error = readiness::add_item(&mut fixture.store, &c, &launch.id, &new).unwrap_err();
        assert_eq!(error.code(), code, "{error}");
        assert!(error.to_string().contains(says), "{error}");
    }
    assert_eq!(events(&fixture), before, "refused edits write nothing");
}

#[test]
fn editing_an_item_changes_only_what_is_given_and_records_from_and_to() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    let c = change("ana", NOW);
    readiness::edit_item(
        &mut fixture.store,
        &c,
        &launch.id,
        "PRE-07",
        &ItemEdit {
            due_day: Some(-2),
            gate: Some(true),
            ..ItemEdit::default()
        },
    )
    .unwrap();
    let item = readiness::item(fixture.store.conn(), &launch.id, "PRE-07", at(NOW)).unwrap();
    assert_eq!(
        (item.due_day, item.gate, item.title.as_str()),
        (-2, true, "SSL certificate validation")
    );
    let last = audit::events(
        fixture.store.conn(),
        &audit::Query {
            limit: Some(1),
            ..Default::default()
        },
    )
    .unwrap();
    let changes = &last[0].details_json()["changes"];
    assert_eq!(changes["due_day"]["from"], -6);
    assert_eq!(changes["due_day"]["to"], -2);
    assert!(changes.get("title").is_none());

    let nothing = readiness::edit_item(
        &mut fixture.store,
        &c,
        &launch.id,
        "PRE-07",
        &ItemEdit::default(),
    )
    .unwrap_err();
    assert_eq!(nothing.code(), ErrorCode::InvalidInput);
    let outside = readiness::edit_item(
        &mut fixture.store,
        &c,
        &launch.id,
        "PRE-07",
        &ItemEdit {
            due_day: Some(1),
            ..ItemEdit::default()
        },
    )
    .unwrap_err();
    assert!(
        outside.to_string().contains("outside the phase"),
        "{outside}"
    );
}

#[test]
fn moving_items_and_sections_keeps_due_days_inside_their_phase() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    let c = change("ana", NOW);
    readiness::move_item(
        &mut fixture.store,
        &c,
        &launch.id,
        "PRE-05",
        None,
        &Placement::Before("PRE-01".into()),
        None,
    )
    .unwrap();
    assert_eq!(
        keys_of(&fixture, &launch.id, "pre-infra")[..2],
        ["PRE-05", "PRE-01"]
    );

    let error = readiness::move_item(
        &mut fixture.store,
        &c,
        &launch.id,
        "PRE-05",
        Some("day0-checklist"),
        &Placement::End,
        None,
    )
    .unwrap_err();
    assert!(error.to_string().contains("(--due)"), "{error}");
    readiness::move_item(
        &mut fixture.store,
        &c,
        &launch.id,
        "PRE-05",
        Some("day0-checklist"),
        &Placement::End,
        Some(0),
    )
    .unwrap();
    let item = readiness::item(fixture.store.conn(), &launch.id, "PRE-05", at(NOW)).unwrap();
    assert_eq!(
        (
            item.phase_key.as_str(),
            item.section_key.as_str(),
            item.due_day
        ),
        ("day0", "day0-checklist", 0)
    );

    let error = readiness::move_item(
        &mut fixture.store,
        &c,
        &launch.id,
        "PRE-01",
        None,
        &Placement::After("DAY-01".into()),
        None,
    )
    .unwrap_err();
    assert!(error.to_string().contains("same section"), "{error}");

    let section = readiness::add_section(
        &mut fixture.store,
        &c,
        &launch.id,
        &NewSection {
            phase: "pre".into(),
            title: "Data migration".into(),
            placement: Placement::Before("pre-infra".into()),
            ..NewSection::default()
        },
    )
    .unwrap();
    assert_eq!(section, "pre-data-migration");
    let checklist = readiness::checklist(fixture.store.conn(), &launch.id, at(NOW)).unwrap();
    assert_eq!(checklist.phases[0].sections[0].title, "Data migration");

    let error = readiness::move_section(
        &mut fixture.store,
        &c,
        &launch.id,
        "pre-infra",
        Some("post"),
        &Placement::End,
    )
    .unwrap_err();
    assert!(error.to_string().contains("PRE-01 (Day -7)"), "{error}");
    readiness::move_section(
        &mut fixture.store,
        &c,
        &launch.id,
        "pre-data-migration",
        Some("post"),
        &Placement::End,
    )
    .unwrap();
    readiness::edit_section(
        &mut fixture.store,
        &c,
        &launch.id,
        "pre-data-migration",
        "Data migration checks",
    )
    .unwrap();

    let error =
        readiness::remove_section(&mut fixture.store, &c, &launch.id, "pre-infra").unwrap_err();
    assert!(error.to_string().contains("still has 4 items"), "{error}");
    readiness::remove_section(&mut fixture.store, &c, &launch.id, "pre-data-migration").unwrap();
}

#[test]
fn removing_a_done_item_needs_confirmation_and_the_record_keeps_it() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    let c = change("ana", NOW);
    readiness::tick(
        &mut fixture.store,
        &c,
        &launch.id,
        "PRE-21",
        Some("sessions held"),
    )
    .unwrap();
    readiness::comment(
        &mut fixture.store,
        &c,
        &launch.id,
        "PRE-21",
        "12 of 12 admins attended",
    )
    .unwrap();
    let before = events(&fixture);
    let error =
        readiness::remove_item(&mut fixture.store, &c, &launch.id, "PRE-21", false).unwrap_err();
    assert_eq!(error.code(), ErrorCode::Conflict);
    assert!(
        error.to_string().contains("Confirm to remove it anyway"),
        "{error}"
    );
    assert_eq!(events(&fixture), before);
    assert!(readiness::item(fixture.store.conn(), &launch.id, "PRE-21", at(NOW)).is_ok());

    readiness::remove_item(&mut fixture.store, &c, &launch.id, "PRE-21", true).unwrap();
    assert_eq!(
        readiness::item(fixture.store.conn(), &launch.id, "PRE-21", at(NOW))
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    let last = audit::events(
        fixture.store.conn(),
        &audit::Query {
            limit: Some(1),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(last[0].action, "item.remove");
    let details = last[0].details_json();
    assert_eq!(details["item"]["status_note"], "sessions held");
    assert_eq!(details["comments"][0]["body"], "12 of 12 admins attended");
    // An open item goes without confirmation.
    readiness::remove_item(&mut fixture.store, &c, &launch.id, "PRE-22", false).unwrap();
    assert!(audit::verify(fixture.store.conn()).unwrap().ok());
}

#[test]
fn moving_day_0_moves_every_due_date() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    let due = |f: &Fixture| {
        readiness::item(f.store.conn(), &launch.id, "PRE-07", at(NOW))
            .unwrap()
            .due_date
    };
    assert_eq!(due(&fixture), "2026-12-01");
    let moved = launch::reschedule(
        &mut fixture.store,
        &change("ana", NOW),
        &launch.id,
        "2026-12-14T07:30",
        None,
    )
    .unwrap();
    assert_eq!(
        (moved.go_live_local.as_str(), moved.time_zone.as_str()),
        ("2026-12-14T07:30:00", "Europe/Berlin")
    );
    assert_eq!(due(&fixture), "2026-12-08");
    let summary = readiness::summary(fixture.store.conn(), &launch.id, at(NOW)).unwrap();
    assert_eq!(summary.day_number, -13);
    assert!(
        summary.overdue.is_empty(),
        "nothing is overdue two weeks out"
    );
    let last = audit::events(
        fixture.store.conn(),
        &audit::Query {
            limit: Some(1),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(last[0].action, "launch.reschedule");
    assert_eq!(
        last[0].details_json()["go_live"]["from"],
        "2026-12-07T09:00:00"
    );

    let same = launch::reschedule(
        &mut fixture.store,
        &change("ana", NOW),
        &launch.id,
        "2026-12-14T07:30",
        None,
    )
    .unwrap_err();
    assert_eq!(same.code(), ErrorCode::InvalidInput);
    let bad = launch::reschedule(
        &mut fixture.store,
        &change("ana", NOW),
        &launch.id,
        "next monday",
        None,
    )
    .unwrap_err();
    assert!(bad.to_string().contains("YYYY-MM-DDTHH:MM"), "{bad}");
}

#[test]
fn links_must_be_safe_to_open_and_comments_keep_author_and_time() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    let c = change("ana", NOW);
    for bad in [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "https://",
        "wiki page",
        "data:text/html,hi",
    ] {
        let error = readiness::add_link(&mut fixture.store, &c, &launch.id, "PRE-07", bad, None)
            .unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidInput, "{bad}");
        assert!(
            error.to_string().contains("http://, https:// or mailto:"),
            "{error}"
        );
    }
    readiness::add_link(
        &mut fixture.store,
        &c,
        &launch.id,
        "pre-07",
        "https://wiki.example.com/ssl report",
        Some("SSL report"),
    )
    .unwrap();
    readiness::add_link(
        &mut fixture.store,
        &c,
        &launch.id,
        "PRE-07",
        "mailto:sec@example.com",
        None,
    )
    .unwrap();
    let dup = readiness::add_link(
        &mut fixture.store,
        &c,
        &launch.id,
        "PRE-07",
        "https://wiki.example.com/ssl%20report",
        None,
    )
    .unwrap_err();
    assert_eq!(dup.code(), ErrorCode::Conflict);
    let empty = readiness::comment(&mut fixture.store, &c, &launch.id, "PRE-07", "  ").unwrap_err();
    assert_eq!(empty.code(), ErrorCode::InvalidInput);
    readiness::comment(
        &mut fixture.store,
        &change("ben", "2026-12-01T12:05:00Z"),
        &launch.id,
        "PRE-07",
        "cert renewed until 2027",
    )
    .unwrap();

    let detail =
        readiness::item_detail(fixture.store.conn(), &launch.id, "PRE-07", at(NOW)).unwrap();
    let links: Vec<_> = detail
        .item
        .links
        .iter()
        .map(|l| (l.url.as_str(), l.label.as_str()))
        .collect();
    assert_eq!(
        links,
        [
            ("https://wiki.example.com/ssl%20report", "SSL report"),
            ("mailto:sec@example.com", "")
        ]
    );
    assert_eq!(detail.item.comments, 1);
    assert_eq!(detail.comments[0].author, "ben");
    assert_eq!(detail.comments[0].at, "2026-12-01T12:05:00.000Z");
    let history: Vec<_> = detail.history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(history, ["item.link", "item.link", "item.comment"]);

    readiness::remove_link(
        &mut fixture.store,
        &c,
        &launch.id,
        "PRE-07",
        "mailto:sec@example.com",
    )
    .unwrap();
    let missing = readiness::remove_link(
        &mut fixture.store,
        &c,
        &launch.id,
        "PRE-07",
        "mailto:sec@example.com",
    )
    .unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound);
    assert_eq!(
        readiness::item(fixture.store.conn(), &launch.id, "PRE-07", at(NOW))
            .unwrap()
            .links
            .len(),
        1
    );
}
