use golive_core::contacts::{self, ContactInput};
use golive_core::plan::{self, Template};
use golive_core::readiness::{self, Due, Filter, ItemEdit, Me, Status};
use golive_core::rehearsal::{self, RehearsalInput};
use golive_core::signoff::{self, Verdict};
use golive_core::{Actor, ErrorCode, audit, launch, template_export};

use crate::support::{Fixture, at, change};

const NOW: &str = "2026-12-01T12:00:00Z";

fn ana(fixture: &mut Fixture, launch_id: &str) -> contacts::Contact {
    contacts::add(
        &mut fixture.store,
        &change("ana", NOW),
        launch_id,
        &ContactInput {
            name: "Ana Lopez".into(),
            roles: vec!["pm".into()],
            email: "ana@example.com".into(),
            phone: "+49 30 1234".into(),
            time_zone: "Europe/Berlin".into(),
            os_user: Some("ana".into()),
            ..Default::default()
        },
    )
    .unwrap()
}

#[test]
fn contacts_are_checked_and_unique() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    let added = ana(&mut fixture, &launch.id);
    assert_eq!(added.roles, ["pm"]);
    let c = change("ana", NOW);
    for (input, code, says) in [
        (
            ContactInput {
                name: "ana lopez".into(),
                ..Default::default()
            },
            ErrorCode::Conflict,
            "already has a contact named",
        ),
        (
            ContactInput {
                name: "Ben".into(),
                roles: vec!["cfo".into()],
                ..Default::default()
            },
            ErrorCode::InvalidInput,
            "is not a role of this launch",
        ),
        (
            ContactInput {
                name: "Ben".into(),
                email: "ben at example".into(),
                ..Default::default()
            },
            ErrorCode::InvalidInput,
            "is not an email address",
        ),
        (
            ContactInput {
                name: "Ben".into(),
                time_zone: "Mars/Olympus".into(),
                ..Default::default()
            },
            ErrorCode::InvalidInput,
            "not a known time zone",
        ),
        (
            ContactInput {
                name: "Ben".into(),
                os_user: Some("ana".into()),
                ..Default::default()
            },
            ErrorCode::Conflict,
            "already linked to the contact \"Ana Lopez\"",
        ),
        (
            ContactInput {
                name: " ".into(),
                ..Default::default()
            },
            ErrorCode::InvalidInput,
            "needs a name",
        ),
    ] {
        let error = contacts::add(&mut fixture.store, &c, &launch.id, &input).unwrap_err();
        assert_eq!(error.code(), code, "{error}");
        assert!(error.to_string().contains(says), "{error}");
    }
    assert_eq!(
        contacts::list(fixture.store.conn(), &launch.id)
            .unwrap()
            .len(),
        1
    );

    // Assign an item to Ana, then remove her: the item falls back to its role.
    readiness::edit_item(
        &mut fixture.store,
        &c,
        &launch.id,
        "PRE-16",
        &ItemEdit {
            owner: Some("Ana Lopez".into()),
            ..ItemEdit::default()
        },
    )
    .unwrap();
    let item = readiness::item(fixture.store.conn(), &launch.id, "PRE-16", at(NOW)).unwrap();
    assert_eq!(
        item.assignee.as_ref().map(|a| a.name.as_str()),
        Some("Ana Lopez")
    );
    assert_eq!(item.owner_display(), "Ana Lopez (Project manager)");
    contacts::remove(&mut fixture.store, &c, &launch.id, "ana lopez").unwrap();
    let item = readiness::item(fixture.store.conn(), &launch.id, "PRE-16", at(NOW)).unwrap();
    assert!(item.assignee.is_none());
}

#[test]
fn filters_narrow_by_every_field_and_my_items_follow_the_person() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    let anna = ana(&mut fixture, &launch.id);
    let c = change("ana", NOW);
    // PRE-07 (security) is assigned to Ana; PRE-16 (pm) to nobody.
    readiness::edit_item(
        &mut fixture.store,
        &c,
        &launch.id,
        "PRE-07",
        &ItemEdit {
            owner: Some(anna.id.clone()),
            ..ItemEdit::default()
        },
    )
    .unwrap();
    readiness::block(
        &mut fixture.store,
        &c,
        &launch.id,
        "PRE-11",
        "no production-like data yet",
    )
    .unwrap();
    let conn = fixture.store.conn();
    let me = Me::of(conn, &launch.id, &Actor::anonymous("ana")).unwrap();
    assert_eq!(me.roles, ["pm"]);
    let keys = |filter: Filter| -> Vec<String> {
        let checklist = readiness::filtered(conn, &launch.id, at(NOW), &filter, &me).unwrap();
        assert_eq!(checklist.shown as usize, checklist.items().count());
        assert_eq!(checklist.total, 92);
        checklist.items().map(|i| i.key.clone()).collect()
    };
    let mine = keys(Filter {
        mine: true,
        ..Filter::default()
    });
    assert!(mine.contains(&"PRE-07".to_string()), "assigned to me");
    assert!(
        mine.contains(&"PRE-16".to_string()),
        "unassigned item of my role"
    );
    assert!(!mine.contains(&"PRE-01".to_string()), "another role's item");

    assert_eq!(
        keys(Filter {
            status: Some(Status::Blocked),
            ..Filter::default()
        }),
        ["PRE-11"]
    );
    assert_eq!(
        keys(Filter {
            text: Some("production-LIKE".into()),
            ..Filter::default()
        }),
        ["PRE-11"]
    );
    assert_eq!(
        keys(Filter {
            owner: Some("Ana Lopez".into()),
            ..Filter::default()
        }),
        ["PRE-07"]
    );
    // Dec 1 is Day -6: overdue are the Day -7 items, today the Day -6 ones.
    let overdue = keys(Filter {
        due: Some(Due::Overdue),
        ..Filter::default()
    });
    assert_eq!(overdue, ["PRE-01", "PRE-02", "PRE-06"]);
    let week = keys(Filter {
        due: Some(Due::Week),
        phase: Some("pre".into()),
        ..Filter::default()
    });
    assert!(week.contains(&"PRE-07".to_string()) && !week.contains(&"PRE-01".to_string()));
    let section = keys(Filter {
        section: Some("pre-infra".into()),
        status: Some(Status::Open),
        ..Filter::default()
    });
    assert_eq!(section, ["PRE-01", "PRE-02", "PRE-03", "PRE-04", "PRE-05"]);

    let typo = readiness::filtered(
        conn,
        &launch.id,
        at(NOW),
        &Filter {
            phase: Some("prep".into()),
            ..Filter::default()
        },
        &me,
    )
    .unwrap_err();
    assert!(
        typo.to_string().contains("phases: pre, day0, post, stab"),
        "{typo}"
    );
    // Phase progress still counts every item.
    let filtered = readiness::filtered(
        conn,
        &launch.id,
        at(NOW),
        &Filter {
            status: Some(Status::Blocked),
            ..Filter::default()
        },
        &me,
    )
    .unwrap();
    assert_eq!(filtered.phases[0].progress.total, 37);
}

#[test]
fn the_timeline_runs_from_day_minus_7_to_day_30_with_today_marked() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    let checklist = readiness::checklist(fixture.store.conn(), &launch.id, at(NOW)).unwrap();
    let timeline = readiness::timeline(&checklist);
    assert_eq!(timeline.days.first().map(|d| d.day), Some(-7));
    assert_eq!(timeline.days.last().map(|d| d.day), Some(30));
    assert_eq!(timeline.days.len(), 38);
    let today: Vec<_> = timeline.days.iter().filter(|d| d.is_today).collect();
    assert_eq!(today.len(), 1);
    assert_eq!((today[0].day, today[0].date.as_str()), (-6, "2026-12-01"));
    let first = &timeline.days[0];
    assert_eq!(first.overdue as usize, first.items.len());
    assert!(first.overdue > 0);
    let total: usize = timeline.days.iter().map(|d| d.items.len()).sum();
    assert_eq!(total, 92);
    assert_eq!(
        timeline.days[7].phase_key.as_deref(),
        Some("pre"),
        "Day 0 ends the preparation phase"
    );
}

#[test]
fn an_exported_template_creates_the_same_plan_and_markdown_reads_well() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    let c = change("ana", NOW);
    readiness::add_item(
        &mut fixture.store,
        &c,
        &launch.id,
        &readiness::NewItem {
            section: "pre-infra".into(),
            title: "Feature flags *off* by default".into(),
            owner: "tech".into(),
            due_day: -2,
            gate: true,
            rule: Some("section_done:pre-security".into()),
            ..Default::default()
        },
    )
    .unwrap();
    readiness::tick(
        &mut fixture.store,
        &c,
        &launch.id,
        "PRE-01",
        Some("all 12 hosts"),
    )
    .unwrap();
    let text = template_export::template_file(
        fixture.store.conn(),
        &launch.id,
        "2026-12-01T12:00:00.000Z",
    )
    .unwrap();
    assert!(
        text.starts_with("# golive plan template, exported from the launch \"Arxos platform\"")
    );
    let template = plan::parse(&text, "exported.toml").unwrap();
    assert_eq!(template.item_count(), 93);
    let copy = launch::create(
        &mut fixture.store,
        &c,
        &launch::NewLaunch {
            name: "Copy".into(),
            platform: String::new(),
            go_live_local: "2027-01-10T09:00".into(),
            time_zone: "UTC".into(),
        },
        &template,
    )
    .unwrap();
    let original = readiness::checklist(fixture.store.conn(), &launch.id, at(NOW)).unwrap();
    let copied = readiness::checklist(fixture.store.conn(), &copy.id, at(NOW)).unwrap();
    let shape =
        |c: &readiness::Checklist| -> Vec<(String, String, String, i32, bool, Option<String>)> {
            c.items()
                .map(|i| {
                    (
                        i.key.clone(),
                        i.section_key.clone(),
                        i.title.clone(),
                        i.due_day,
                        i.gate,
                        i.rule.as_ref().map(|r| r.rule.clone()),
                    )
                })
                .collect()
        };
    assert_eq!(shape(&original), shape(&copied));
    assert!(
        copied.items().all(|i| i.status == Status::Open),
        "ticks are not part of a plan"
    );
    assert_eq!(
        launch::plan_data(fixture.store.conn(), &copy.id).unwrap(),
        Template::standard().data()
    );

    let decision = signoff::decision(fixture.store.conn(), &launch.id).unwrap();
    let md = readiness::markdown(&original, Some(&decision), "2026-12-01 13:00");
    assert!(md.starts_with("# Readiness: Arxos platform\n"), "{md}");
    assert!(md.contains("## Go / no-go: PENDING"));
    assert!(md.contains("- [x] PRE-01 Verify all production servers are properly configured — Technical lead · due Day -7 (2026-11-30) · done"), "{md}");
    assert!(md.contains("  - done by ana at 2026-12-01T12:00:00.000Z: all 12 hosts"));
    assert!(
        md.contains("Feature flags \\*off\\* by default **[go gate]**"),
        "user text is escaped"
    );
    assert!(md.contains("· **OVERDUE**"));
}

#[test]
fn a_rehearsal_has_the_plan_and_people_but_its_own_ticks_and_says_so() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    let anna = ana(&mut fixture, &launch.id);
    let c = change("ana", NOW);
    readiness::edit_item(
        &mut fixture.store,
        &c,
        &launch.id,
        "PRE-16",
        &ItemEdit {
            owner: Some(anna.name.clone()),
            ..ItemEdit::default()
        },
    )
    .unwrap();
    readiness::tick(&mut fixture.store, &c, &launch.id, "PRE-01", None).unwrap();
    signoff::sign(&mut fixture.store, &c, &launch.id, "pm", Verdict::Go, None).unwrap();

    let rehearsal = rehearsal::create(
        &mut fixture.store,
        &c,
        &launch.id,
        &RehearsalInput {
            go_live_local: Some("2026-12-03T09:00".into()),
            ..RehearsalInput::default()
        },
    )
    .unwrap();
    assert_eq!(rehearsal.name, "Arxos platform (rehearsal)");
    assert_eq!(rehearsal.rehearsal_of.as_deref(), Some(launch.id.as_str()));
    assert_eq!(
        rehearsal.rehearsal_of_name.as_deref(),
        Some("Arxos platform")
    );
    let listed = launch::get(fixture.store.conn(), &rehearsal.id).unwrap();
    assert_eq!(listed, rehearsal);

    let checklist = readiness::checklist(fixture.store.conn(), &rehearsal.id, at(NOW)).unwrap();
    assert_eq!(checklist.total, 92);
    assert!(
        checklist.items().all(|i| i.status == Status::Open),
        "its own ticks"
    );
    let pre16 = checklist.items().find(|i| i.key == "PRE-16").unwrap();
    assert_eq!(
        pre16.assignee.as_ref().map(|a| a.name.as_str()),
        Some("Ana Lopez"),
        "assignments follow the people"
    );
    let people = contacts::list(fixture.store.conn(), &rehearsal.id).unwrap();
    assert_eq!(people.len(), 1);
    assert_ne!(people[0].id, anna.id);
    let decision = signoff::decision(fixture.store.conn(), &rehearsal.id).unwrap();
    assert!(
        decision.signoffs.iter().all(|s| s.verdict.is_none()),
        "its own sign-offs"
    );

    // Ticking the rehearsal leaves the launch alone.
    readiness::tick(&mut fixture.store, &c, &rehearsal.id, "PRE-02", None).unwrap();
    let real = readiness::item(fixture.store.conn(), &launch.id, "PRE-02", at(NOW)).unwrap();
    assert_eq!(real.status, Status::Open);

    let md = readiness::markdown(&checklist, None, "now");
    assert!(
        md.starts_with("# REHEARSAL — Readiness: Arxos platform (rehearsal)"),
        "{md}"
    );
    let text = template_export::template_file(fixture.store.conn(), &rehearsal.id, "now").unwrap();
    assert!(text.contains("# REHEARSAL: this launch rehearses \"Arxos platform\"."));

    let again = rehearsal::create(
        &mut fixture.store,
        &c,
        &rehearsal.id,
        &RehearsalInput::default(),
    )
    .unwrap_err();
    assert!(
        again.to_string().contains("is itself a rehearsal"),
        "{again}"
    );
    let events = audit::events(
        fixture.store.conn(),
        &audit::Query {
            launch_id: Some(rehearsal.id.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(events.iter().any(|e| e.action == "rehearsal.create"));
}
