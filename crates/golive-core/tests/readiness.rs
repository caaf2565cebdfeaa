use golive_core::readiness::{self, Status};
use golive_core::{ErrorCode, launch};

use crate::support::{Fixture, at, change};

#[test]
fn a_launch_from_the_standard_plan_has_every_item_open() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    assert_eq!(launch.go_live_local, "2026-12-07T09:00:00");
    let checklist =
        readiness::checklist(fixture.store.conn(), &launch.id, at("2026-11-30T12:00:00Z")).unwrap();
    let items: Vec<_> = checklist.items().collect();
    assert_eq!(
        items.len(),
        golive_core::plan::Template::standard().item_count()
    );
    assert!(items.iter().all(|i| i.status == Status::Open));
    assert_eq!(checklist.day_number, -7);
    let pre07 = items.iter().find(|i| i.key == "PRE-07").unwrap();
    assert_eq!(pre07.owner_name, "Security lead");
    assert_eq!(pre07.due_date, "2026-12-01", "Day -6 of a Dec 7 go-live");
}

#[test]
fn tick_and_untick_record_who_when_and_why() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    readiness::tick(
        &mut fixture.store,
        &change("ana", "2026-12-02T10:00:00Z"),
        &launch.id,
        "pre-07",
        Some("  load test report in wiki "),
    )
    .unwrap();
    let item = readiness::item(
        fixture.store.conn(),
        &launch.id,
        "PRE-07",
        at("2026-12-02T10:00:01Z"),
    )
    .unwrap();
    assert_eq!(item.status, Status::Done);
    assert_eq!(
        item.status_note.as_deref(),
        Some("load test report in wiki")
    );
    assert_eq!(item.status_by.as_deref(), Some("ana"));
    assert_eq!(item.status_at.as_deref(), Some("2026-12-02T10:00:00.000Z"));

    let again = readiness::tick(
        &mut fixture.store,
        &change("ben", "2026-12-02T10:01:00Z"),
        &launch.id,
        "PRE-07",
        None,
    )
    .unwrap_err();
    assert_eq!(again.code(), ErrorCode::Conflict);
    assert!(
        again.to_string().contains("already done (ticked by ana"),
        "{again}"
    );

    let no_reason = readiness::reopen(
        &mut fixture.store,
        &change("ben", "2026-12-02T11:00:00Z"),
        &launch.id,
        "PRE-07",
        "  ",
    )
    .unwrap_err();
    assert_eq!(no_reason.code(), ErrorCode::InvalidInput);

    readiness::reopen(
        &mut fixture.store,
        &change("ben", "2026-12-02T11:00:00Z"),
        &launch.id,
        "PRE-07",
        "report was for staging",
    )
    .unwrap();
    let item = readiness::item(
        fixture.store.conn(),
        &launch.id,
        "PRE-07",
        at("2026-12-02T11:00:01Z"),
    )
    .unwrap();
    assert_eq!(item.status, Status::Open);
    assert_eq!(item.status_note.as_deref(), Some("report was for staging"));
    assert_eq!(item.status_by.as_deref(), Some("ben"));

    let not_done = readiness::reopen(
        &mut fixture.store,
        &change("ben", "2026-12-02T11:00:00Z"),
        &launch.id,
        "PRE-07",
        "again",
    )
    .unwrap_err();
    assert_eq!(not_done.code(), ErrorCode::Conflict);
}

#[test]
fn overdue_and_due_today_follow_the_launch_time_zone() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    // 2026-12-01T23:30Z is already Dec 2 in Berlin: Day -5.
    let summary =
        readiness::summary(fixture.store.conn(), &launch.id, at("2026-12-01T23:30:00Z")).unwrap();
    assert_eq!(summary.today, "2026-12-02");
    assert_eq!(summary.day_number, -5);
    let overdue: Vec<_> = summary.overdue.iter().map(|i| i.due_day).collect();
    assert!(
        !overdue.is_empty() && overdue.iter().all(|d| *d < -5),
        "{overdue:?}"
    );
    assert!(summary.due_today.iter().all(|i| i.due_day == -5) && !summary.due_today.is_empty());
    // Ticked items are never overdue.
    let first = summary.overdue[0].key.clone();
    readiness::tick(
        &mut fixture.store,
        &change("ana", "2026-12-01T23:31:00Z"),
        &launch.id,
        &first,
        None,
    )
    .unwrap();
    let after =
        readiness::summary(fixture.store.conn(), &launch.id, at("2026-12-01T23:32:00Z")).unwrap();
    assert_eq!(after.overdue.len(), summary.overdue.len() - 1);
    assert_eq!(after.overall.done, 1);
    let pre = &after.phases[0];
    assert_eq!((pre.key.as_str(), pre.progress.done), ("pre", 1));
}

#[test]
fn the_countdown_and_day_number_cross_day_zero() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    // 09:00 in Berlin in December is 08:00 UTC.
    let before =
        readiness::summary(fixture.store.conn(), &launch.id, at("2026-12-07T07:00:00Z")).unwrap();
    assert_eq!(before.go_live_at, "2026-12-07T08:00:00.000Z");
    assert_eq!(before.seconds_to_go_live, 3600);
    assert_eq!(before.day_number, 0);
    let after =
        readiness::summary(fixture.store.conn(), &launch.id, at("2026-12-10T12:00:00Z")).unwrap();
    assert_eq!(after.day_number, 3);
    assert!(after.seconds_to_go_live < 0);
}

#[test]
fn bad_launch_input_is_refused_with_what_to_do() {
    let mut fixture = Fixture::new();
    let template = golive_core::plan::Template::standard();
    let mut new = launch::NewLaunch {
        name: "X".into(),
        platform: String::new(),
        go_live_local: "next tuesday".into(),
        time_zone: "Europe/Berlin".into(),
    };
    let err = launch::create(
        &mut fixture.store,
        &change("ana", "2026-11-30T08:00:00Z"),
        &new,
        &template,
    )
    .unwrap_err();
    assert!(err.to_string().contains("YYYY-MM-DDTHH:MM"), "{err}");
    new.go_live_local = "2026-12-07T09:00".into();
    new.time_zone = "Mars/Olympus".into();
    let err = launch::create(
        &mut fixture.store,
        &change("ana", "2026-11-30T08:00:00Z"),
        &new,
        &template,
    )
    .unwrap_err();
    assert!(err.to_string().contains("not a known time zone"), "{err}");
    new.time_zone = "UTC".into();
    new.name = "   ".into();
    let err = launch::create(
        &mut fixture.store,
        &change("ana", "2026-11-30T08:00:00Z"),
        &new,
        &template,
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(
        launch::list(fixture.store.conn()).unwrap().is_empty(),
        "nothing was written"
    );
}

#[test]
fn launches_are_selected_by_id_prefix_or_name_and_default_to_the_newest() {
    let mut fixture = Fixture::new();
    let first = fixture.launch();
    let second = launch::create(
        &mut fixture.store,
        &change("ana", "2026-12-01T08:00:00Z"),
        &launch::NewLaunch {
            name: "Billing".into(),
            platform: String::new(),
            go_live_local: "2027-01-10T06:00".into(),
            time_zone: "UTC".into(),
        },
        &golive_core::plan::Template::standard(),
    )
    .unwrap();
    let conn = fixture.store.conn();
    assert_eq!(launch::select(conn, None).unwrap().id, second.id);
    assert_eq!(
        launch::select(conn, Some("Arxos platform")).unwrap().id,
        first.id
    );
    assert_eq!(
        launch::select(conn, Some(&first.id[..13])).unwrap().id,
        first.id
    );
    assert_eq!(
        launch::select(conn, Some("nope")).unwrap_err().code(),
        ErrorCode::NotFound
    );
}
