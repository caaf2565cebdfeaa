//! Escalation levels and support tiers: seeded from the plan, edited and
//! audited, and "who do I call now?" with a clock passed in.

use golive_core::contacts::{self, ContactInput};
use golive_core::escalation::{self, LevelInput, TierInput};
use golive_core::store::OpenMode;
use golive_core::{ErrorCode, Store, audit};

use crate::support::{Fixture, at, change};

const NOW: &str = "2026-12-01T12:00:00Z";

fn add(fixture: &mut Fixture, launch_id: &str, input: ContactInput) {
    contacts::add(&mut fixture.store, &change("ana", NOW), launch_id, &input).unwrap();
}

/// Ben (support, New York), Ana (project manager, Berlin, Ben covers for
/// her), Eli (technical lead, no zone, emergency team), Sam (security).
fn team(fixture: &mut Fixture, launch_id: &str) {
    add(
        fixture,
        launch_id,
        ContactInput {
            name: "Ben Ode".into(),
            roles: vec!["support".into()],
            phone: "+1 212 555 0100".into(),
            time_zone: "America/New_York".into(),
            always_on: true,
            ..Default::default()
        },
    );
    add(
        fixture,
        launch_id,
        ContactInput {
            name: "Ana Lopez".into(),
            roles: vec!["pm".into()],
            phone: "+49 30 1234".into(),
            time_zone: "Europe/Berlin".into(),
            deputy: Some("Ben Ode".into()),
            ..Default::default()
        },
    );
    add(
        fixture,
        launch_id,
        ContactInput {
            name: "Eli Ross".into(),
            roles: vec!["tech".into()],
            emergency: true,
            ..Default::default()
        },
    );
    add(
        fixture,
        launch_id,
        ContactInput {
            name: "Sam Reed".into(),
            roles: vec!["security".into()],
            ..Default::default()
        },
    );
}

fn names(people: &[escalation::Callee]) -> Vec<&str> {
    people.iter().map(|p| p.contact.name.as_str()).collect()
}

#[test]
fn a_launch_starts_with_the_strategy_levels_and_tiers() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    let e = escalation::load(fixture.store.conn(), &launch.id).unwrap();
    let levels: Vec<(u8, &str, Option<u32>)> = e
        .levels
        .iter()
        .map(|l| (l.level, l.name.as_str(), l.wait_minutes))
        .collect();
    assert_eq!(
        levels,
        [
            (1, "Automated monitoring and basic alerts", Some(15)),
            (2, "Support team intervention", Some(30)),
            (3, "Development team involvement", Some(60)),
            (4, "Management escalation", Some(60)),
            (5, "Emergency response team", None),
        ]
    );
    assert_eq!(e.levels[2].roles, ["tech"]);
    assert!(e.levels[4].emergency_team);
    assert_eq!(e.tiers.len(), 3);
    assert_eq!(e.tiers[0].handles[0], "Basic user questions");
    assert_eq!(e.tiers[1].roles, ["support", "tech"]);
    assert!(
        e.tiers[2]
            .handles
            .contains(&"Security incidents".to_string())
    );
}

#[test]
fn who_to_call_names_the_people_their_local_time_and_when_the_next_level_is_due() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    team(&mut fixture, &launch.id);
    let conn = fixture.store.conn();

    // At level 2 since 11:50: Ben now; level 3 (Eli) due at 12:20.
    let sheet =
        escalation::call_sheet(conn, &launch.id, 2, at("2026-12-01T11:50:00Z"), at(NOW)).unwrap();
    assert_eq!(sheet.current.name, "Support team intervention");
    assert_eq!(names(&sheet.current.people), ["Ben Ode"]);
    let ben = &sheet.current.people[0];
    assert_eq!(
        ben.local_time.as_deref(),
        Some("Tue 07:00"),
        "New York at 12:00 UTC"
    );
    assert_eq!(ben.because, ["Support lead"]);
    let next = sheet.next.as_ref().unwrap();
    assert_eq!(next.level.level, 3);
    assert_eq!(names(&next.level.people), ["Eli Ross"]);
    assert_eq!(
        next.level.people[0].local_time, None,
        "no time zone, no local time"
    );
    assert_eq!(next.due_at, "2026-12-01T12:20:00.000Z");
    assert_eq!(next.due_in_minutes, 20);

    // Forty minutes later the next level is overdue.
    let late = escalation::call_sheet(
        conn,
        &launch.id,
        2,
        at("2026-12-01T11:50:00Z"),
        at("2026-12-01T12:40:00Z"),
    )
    .unwrap();
    assert_eq!(late.next.unwrap().due_in_minutes, -20);

    // Management: Ana, at 13:00 in Berlin, with Ben as her deputy.
    let sheet = escalation::call_sheet(conn, &launch.id, 4, at(NOW), at(NOW)).unwrap();
    let ana = &sheet.current.people[0];
    assert_eq!(ana.contact.name, "Ana Lopez");
    assert_eq!(ana.local_time.as_deref(), Some("Tue 13:00"));
    assert_eq!(
        ana.deputy.as_ref().map(|d| d.name.as_str()),
        Some("Ben Ode")
    );

    // The last level: technical and security leads plus the emergency team,
    // each person once; nothing after it.
    let sheet = escalation::call_sheet(conn, &launch.id, 5, at(NOW), at(NOW)).unwrap();
    assert_eq!(names(&sheet.current.people), ["Eli Ross", "Sam Reed"]);
    assert_eq!(
        sheet.current.people[0].because,
        ["Technical lead", "emergency team"]
    );
    assert!(sheet.next.is_none());

    let missing = escalation::call_sheet(conn, &launch.id, 6, at(NOW), at(NOW)).unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound);
}

#[test]
fn levels_and_tiers_are_edited_checked_and_audited() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    team(&mut fixture, &launch.id);
    let c = change("ana", NOW);
    let level = escalation::edit_level(
        &mut fixture.store,
        &c,
        &launch.id,
        1,
        &LevelInput {
            name: "On-call alerts".into(),
            wait_minutes: Some(10),
            emergency_team: false,
            roles: vec!["Technical lead".into()],
            contacts: vec!["ben ode".into()],
        },
    )
    .unwrap();
    assert_eq!(level.roles, ["tech"]);
    assert_eq!(level.wait_minutes, Some(10));
    let sheet =
        escalation::call_sheet(fixture.store.conn(), &launch.id, 1, at(NOW), at(NOW)).unwrap();
    assert_eq!(names(&sheet.current.people), ["Eli Ross", "Ben Ode"]);
    assert_eq!(sheet.current.people[1].because, ["named"]);
    assert_eq!(sheet.next.unwrap().due_in_minutes, 10);

    let tier = escalation::edit_tier(
        &mut fixture.store,
        &c,
        &launch.id,
        1,
        &TierInput {
            name: "Help desk".into(),
            handles: vec!["Password resets".into(), "  ".into()],
            roles: vec![],
            contacts: vec!["Ana Lopez".into()],
        },
    )
    .unwrap();
    assert_eq!(tier.handles, ["Password resets"]);
    assert_eq!(tier.contact_ids.len(), 1);

    let before = escalation::load(fixture.store.conn(), &launch.id).unwrap();
    let refusals = [
        (
            LevelInput {
                name: "X".into(),
                wait_minutes: Some(0),
                ..Default::default()
            },
            "1 minute to 7 days",
        ),
        (
            LevelInput {
                name: "X".into(),
                roles: vec!["cfo".into()],
                ..Default::default()
            },
            "\"cfo\" is not a role",
        ),
        (
            LevelInput {
                name: "X".into(),
                contacts: vec!["Zoe".into()],
                ..Default::default()
            },
            "no contact \"Zoe\"",
        ),
        (
            LevelInput {
                name: " ".into(),
                ..Default::default()
            },
            "needs a name",
        ),
    ];
    for (input, expected) in refusals {
        let error =
            escalation::edit_level(&mut fixture.store, &c, &launch.id, 2, &input).unwrap_err();
        assert!(error.to_string().contains(expected), "{error}");
    }
    assert_eq!(
        escalation::load(fixture.store.conn(), &launch.id).unwrap(),
        before,
        "nothing written"
    );
    let missing = escalation::edit_level(
        &mut fixture.store,
        &c,
        &launch.id,
        9,
        &LevelInput {
            name: "X".into(),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound);

    // A removed contact leaves the level.
    contacts::remove(&mut fixture.store, &c, &launch.id, "Ben Ode").unwrap();
    assert!(
        escalation::level_of(fixture.store.conn(), &launch.id, 1)
            .unwrap()
            .contact_ids
            .is_empty()
    );

    let events = audit::events(
        fixture.store.conn(),
        &audit::Query {
            launch_id: Some(launch.id.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.action == "escalation.level" && e.subject == "escalation:level-1")
    );
    assert!(
        events
            .iter()
            .any(|e| e.action == "escalation.tier" && e.subject == "escalation:tier-1")
    );
}

#[test]
fn a_store_from_before_escalation_gets_the_plan_levels_with_default_waits() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    let path = fixture.path();
    // Back to schema version 6: the tables of migrations 7 and later did
    // not exist (a later migration undoes itself in this list).
    fixture
        .store
        .conn()
        .execute_batch(
            "ALTER TABLE launches DROP COLUMN closed_by; ALTER TABLE launches DROP COLUMN closed_at;
             ALTER TABLE run_output DROP COLUMN packed;
             DROP TABLE feedback; DROP TABLE risk_links; DROP TABLE risks;
             DROP TABLE stakeholder_updates; DROP TABLE update_channels; DROP TABLE update_cadence;
             DROP TABLE training_attendees; DROP TABLE training_sessions;
             DROP TABLE incident_actions; DROP TABLE incident_entries; DROP TABLE incidents;
             DROP TABLE responders; DROP TABLE support_tiers; DROP TABLE escalation_levels;
             PRAGMA user_version = 6;",
        )
        .unwrap();
    drop(fixture.store);
    let store = Store::open(&path, OpenMode::MustExist).unwrap();
    let e = escalation::load(store.conn(), &launch.id).unwrap();
    assert_eq!(e.levels.len(), 5);
    assert_eq!(e.levels[0].wait_minutes, Some(15));
    assert_eq!(e.levels[4].wait_minutes, None);
    assert_eq!(e.levels[4].roles, ["tech", "security"]);
    assert!(e.levels[4].emergency_team);
    assert_eq!(e.tiers[1].roles, ["support", "tech"]);
    assert_eq!(e.tiers[2].handles.len(), 5);
}
