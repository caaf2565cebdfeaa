//! Training: sessions with attendees, completion per audience feeding the
//! readiness rules and the KPI, reschedules audited, .ics round trips and
//! the bad-event cases.

use golive_core::contacts::{self, ContactInput};
use golive_core::health::kpis;
use golive_core::training::{self, Audience, Mark, SessionInput};
use golive_core::{ErrorCode, audit};

use crate::support::{Fixture, at, change};

const NOW: &str = "2026-12-01T10:00:00Z";

fn people(f: &mut Fixture, launch_id: &str) {
    for (name, email) in [
        ("Ana Lopez", "ana@example.com"),
        ("Ben Ode", "ben@example.com"),
        ("Carl Diaz", ""),
        ("Dee Park", "dee@example.com"),
    ] {
        contacts::add(
            &mut f.store,
            &change("ana", NOW),
            launch_id,
            &ContactInput {
                name: name.into(),
                email: email.into(),
                roles: vec!["trainer".into()],
                ..Default::default()
            },
        )
        .unwrap();
    }
}

fn session(title: &str, audience: Audience, start: &str, end: &str, who: &[&str]) -> SessionInput {
    SessionInput {
        title: title.into(),
        audience,
        start: start.into(),
        end: end.into(),
        time_zone: "Europe/Berlin".into(),
        place: "https://meet.example.com/arxos-admin".into(),
        trainer: Some("Ana Lopez".into()),
        materials: vec!["https://docs.example.com/admin-guide.pdf".into()],
        attendees: who.iter().map(|w| w.to_string()).collect(),
    }
}

fn rule(f: &Fixture, launch_id: &str, key: &str) -> golive_core::rules::Evaluation {
    golive_core::readiness::item(f.store.conn(), launch_id, key, at(NOW))
        .unwrap()
        .rule
        .expect("the item has a rule")
        .now
}

#[test]
fn attendance_and_completion_move_the_readiness_rule_and_the_kpi() {
    let mut f = Fixture::new();
    let launch = f.launch();
    people(&mut f, &launch.id);
    let c = change("ana", NOW);
    assert!(!rule(&f, &launch.id, "PRE-32").holds, "nobody invited yet");

    let admin = training::add(
        &mut f.store,
        &c,
        &launch.id,
        &session(
            "Admin training",
            Audience::Administrators,
            "2026-12-03T09:00",
            "2026-12-03T11:30",
            &["Ben Ode", "Carl Diaz"],
        ),
    )
    .unwrap();
    assert_eq!(admin.key, "TRN-1");
    assert_eq!(
        admin.starts_at, "2026-12-03T08:00:00.000Z",
        "09:00 in Berlin"
    );
    assert_eq!(admin.local_start, "2026-12-03T09:00");
    assert_eq!(admin.trainer.as_deref(), Some("Ana Lopez"));
    assert_eq!(admin.attendees.len(), 2);

    let users = training::add(
        &mut f.store,
        &c,
        &launch.id,
        &session(
            "End-user walkthrough",
            Audience::EndUsers,
            "2026-12-04T14:00",
            "2026-12-04T15:00",
            &["Dee Park"],
        ),
    )
    .unwrap();

    // Ben completes; Carl only attends: administrators at 50 %.
    let done = Mark {
        completed: Some(true),
        ..Mark::default()
    };
    let s = training::mark(&mut f.store, &c, &launch.id, "TRN-1", "Ben Ode", done).unwrap();
    let ben = s.attendees.iter().find(|a| a.name == "Ben Ode").unwrap();
    assert!(ben.attended && ben.completed, "completing means attending");
    training::mark(
        &mut f.store,
        &c,
        &launch.id,
        "1",
        "Carl Diaz",
        Mark {
            attended: Some(true),
            ..Mark::default()
        },
    )
    .unwrap();
    training::mark(&mut f.store, &c, &launch.id, &users.id, "Dee Park", done).unwrap();

    let completion = training::completion(f.store.conn(), &launch.id).unwrap();
    let admins = &completion[0];
    assert_eq!(
        (admins.invited, admins.attended, admins.completed),
        (2, 2, 1)
    );
    assert_eq!(admins.percent, Some(50.0));
    assert_eq!(completion[1].percent, Some(100.0));
    assert_eq!(completion[2].percent, None, "no support-team session");

    let pre32 = rule(&f, &launch.id, "PRE-32");
    assert!(!pre32.holds);
    assert_eq!(pre32.summary, "below 90 %: Administrators");
    assert!(
        pre32
            .evidence
            .contains(&"Administrators: 1 of 2 completed (50 %)".to_string()),
        "{:?}",
        pre32.evidence
    );
    // The KPI follows: 2 of 3 invited completed.
    let kpi = kpis::get(f.store.conn(), &launch.id, "training-completion").unwrap();
    let latest = kpi.latest.unwrap();
    assert_eq!(latest.value, Some(66.67));
    assert_eq!(latest.recorded_by, "golive");

    training::mark(&mut f.store, &c, &launch.id, "TRN-1", "Carl Diaz", done).unwrap();
    let pre32 = rule(&f, &launch.id, "PRE-32");
    assert!(pre32.holds, "{pre32:?}");
    let kpi = kpis::get(f.store.conn(), &launch.id, "training-completion").unwrap();
    assert_eq!(kpi.latest.unwrap().value, Some(100.0));

    // Not attending undoes completing.
    let s = training::mark(
        &mut f.store,
        &c,
        &launch.id,
        "TRN-1",
        "Carl Diaz",
        Mark {
            attended: Some(false),
            ..Mark::default()
        },
    )
    .unwrap();
    let carl = s.attendees.iter().find(|a| a.name == "Carl Diaz").unwrap();
    assert!(!carl.attended && !carl.completed);

    // Someone not invited cannot be marked.
    let err = training::mark(&mut f.store, &c, &launch.id, "TRN-1", "Dee Park", done).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(
        err.to_string().contains("Dee Park is not invited to TRN-1"),
        "{err}"
    );

    let actions: Vec<String> = audit::events(f.store.conn(), &Default::default())
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "training.attendance")
            .count(),
        5
    );
}

#[test]
fn the_scheduled_rule_wants_a_session_from_day_0_on() {
    let mut f = Fixture::new();
    let launch = f.launch();
    people(&mut f, &launch.id);
    let c = change("ana", NOW);
    training::add(
        &mut f.store,
        &c,
        &launch.id,
        &session(
            "Before",
            Audience::EndUsers,
            "2026-12-06T23:30",
            "2026-12-06T23:59",
            &[],
        ),
    )
    .unwrap();
    let post03 = rule(&f, &launch.id, "POST-03");
    assert!(!post03.holds, "the evening before Day 0 does not count");
    training::add(
        &mut f.store,
        &c,
        &launch.id,
        &session(
            "Day 0 morning",
            Audience::EndUsers,
            "2026-12-07T00:30",
            "2026-12-07T01:00",
            &[],
        ),
    )
    .unwrap();
    let post03 = rule(&f, &launch.id, "POST-03");
    assert!(post03.holds);
    assert_eq!(post03.evidence.len(), 1);
    assert!(
        post03.evidence[0].starts_with("TRN-2 Day 0 morning"),
        "{:?}",
        post03.evidence
    );
}

#[test]
fn a_moved_session_is_a_reschedule_in_the_record_and_bad_input_changes_nothing() {
    let mut f = Fixture::new();
    let launch = f.launch();
    people(&mut f, &launch.id);
    let c = change("ana", NOW);
    let input = session(
        "Admin training",
        Audience::Administrators,
        "2026-12-03T09:00",
        "2026-12-03T10:00",
        &["Ben Ode"],
    );
    let s = training::add(&mut f.store, &c, &launch.id, &input).unwrap();

    let mut moved = input.clone();
    moved.start = "2026-12-04T09:00".into();
    moved.end = "2026-12-04T10:00".into();
    let s2 = training::edit(&mut f.store, &c, &launch.id, "TRN-1", &moved).unwrap();
    assert_eq!(s2.sequence, 1);
    let mut renamed = moved.clone();
    renamed.title = "Admin training (part 1)".into();
    training::edit(&mut f.store, &c, &launch.id, &s.uid, &renamed).unwrap();

    let events = audit::events(f.store.conn(), &Default::default()).unwrap();
    let reschedule = events
        .iter()
        .find(|e| e.action == "training.reschedule")
        .expect("a reschedule event");
    let details = reschedule.details_json();
    assert_eq!(details["from"]["starts_at"], "2026-12-03T08:00:00.000Z");
    assert_eq!(details["starts_at"], "2026-12-04T08:00:00.000Z");
    assert!(events.iter().any(|e| e.action == "training.edit"));

    for (bad, expected) in [
        (
            SessionInput {
                end: "2026-12-04T08:00".into(),
                ..renamed.clone()
            },
            "ends (2026-12-04 08:00) before it starts",
        ),
        (
            SessionInput {
                start: "next tuesday".into(),
                ..renamed.clone()
            },
            "the start \"next tuesday\" is not a date and time",
        ),
        (
            SessionInput {
                time_zone: "Mars/Olympus".into(),
                ..renamed.clone()
            },
            "\"Mars/Olympus\" is not a known time zone",
        ),
        (
            SessionInput {
                attendees: vec!["Zed Nobody".into()],
                ..renamed.clone()
            },
            "no contact \"Zed Nobody\"",
        ),
        (
            SessionInput {
                title: "  ".into(),
                ..renamed.clone()
            },
            "needs a title",
        ),
    ] {
        let err = training::edit(&mut f.store, &c, &launch.id, "TRN-1", &bad).unwrap_err();
        assert!(err.to_string().contains(expected), "{err}");
    }
    let kept = training::get(f.store.conn(), &launch.id, "TRN-1").unwrap();
    assert_eq!(kept.title, "Admin training (part 1)");
    assert_eq!(kept.local_start, "2026-12-04T09:00");
    assert_eq!(kept.attendees.len(), 1);
}

#[test]
fn ics_round_trip_keeps_sessions_and_an_edited_calendar_reschedules_them() {
    let mut f = Fixture::new();
    let launch = f.launch();
    people(&mut f, &launch.id);
    let c = change("ana", NOW);
    let mut input = session(
        "Admin training; users, roles\nand backups",
        Audience::Administrators,
        "2026-12-03T09:00",
        "2026-12-03T11:30",
        &["Ben Ode", "Carl Diaz"],
    );
    input.place = "Room 4.01, Berlin".into();
    training::add(&mut f.store, &c, &launch.id, &input).unwrap();
    let text = training::export_ics(f.store.conn(), &launch.id, None).unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
    assert!(text.contains("DTSTART:20261203T080000Z\r\n"), "{text}");
    assert!(
        text.contains("SUMMARY:Admin training\\; users\\, roles\\nand backups\r\n"),
        "{text}"
    );
    assert!(
        text.contains("ORGANIZER;CN=\"Ana Lopez\":mailto:ana@example.com\r\n"),
        "{text}"
    );
    assert!(
        text.contains("X-GOLIVE-AUDIENCE:administrators\r\n"),
        "{text}"
    );
    assert!(text.lines().all(|l| l.len() <= 75), "folded at 75 octets");

    // Into a second launch of another store: the same session comes back.
    let mut g = Fixture::new();
    let other = g.launch();
    people(&mut g, &other.id);
    let summary = training::import_ics(
        &mut g.store,
        &c,
        &other.id,
        "training.ics",
        &text,
        Audience::EndUsers,
        "UTC",
    )
    .unwrap();
    assert_eq!(
        (summary.added, summary.rescheduled, summary.updated),
        (1, 0, 0)
    );
    let original = training::list(f.store.conn(), &launch.id).unwrap();
    let copied = training::list(g.store.conn(), &other.id).unwrap();
    assert_eq!(copied.len(), 1);
    let (a, b) = (&original[0], &copied[0]);
    assert_eq!(
        (
            &a.uid,
            &a.title,
            a.audience,
            &a.starts_at,
            &a.ends_at,
            &a.time_zone,
            &a.place,
            &a.trainer,
            &a.materials
        ),
        (
            &b.uid,
            &b.title,
            b.audience,
            &b.starts_at,
            &b.ends_at,
            &b.time_zone,
            &b.place,
            &b.trainer,
            &b.materials
        )
    );
    let names = |s: &training::Session| {
        s.attendees
            .iter()
            .map(|a| a.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(a),
        names(b),
        "Carl has no email: matched by his golive id"
    );

    // The trainer moves it by an hour in their calendar and re-sends it.
    let moved = text
        .replace(
            "DTSTART:20261203T080000Z",
            "DTSTART;TZID=Europe/Berlin:20261203T100000",
        )
        .replace(
            "DTEND:20261203T103000Z",
            "DTEND;TZID=Europe/Berlin:20261203T123000",
        );
    let summary = training::import_ics(
        &mut f.store,
        &c,
        &launch.id,
        "training.ics",
        &moved,
        Audience::EndUsers,
        "UTC",
    )
    .unwrap();
    assert_eq!((summary.added, summary.rescheduled), (0, 1));
    let s = training::get(f.store.conn(), &launch.id, "TRN-1").unwrap();
    assert_eq!(s.local_start, "2026-12-03T10:00");
    assert!(
        audit::events(f.store.conn(), &Default::default())
            .unwrap()
            .iter()
            .any(|e| e.action == "training.reschedule")
    );
}

#[test]
fn an_ics_file_from_another_calendar_is_read_and_bad_events_are_refused_whole() {
    let mut f = Fixture::new();
    let launch = f.launch();
    people(&mut f, &launch.id);
    let c = change("ana", NOW);
    let outside = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//Cal//EN\r\n\
        BEGIN:VEVENT\r\nUID:abc-1@example.com\r\nDTSTART;TZID=America/New_York:20261208T090000\r\n\
        DURATION:PT1H30M\r\nSUMMARY:Support team: triage\r\n drills\r\nCATEGORIES:Support team\r\n\
        ATTENDEE;CN=Dee Park;PARTSTAT=ACCEPTED:mailto:DEE@example.com\r\n\
        BEGIN:VALARM\r\nTRIGGER:-PT15M\r\nACTION:DISPLAY\r\nDESCRIPTION:Reminder\r\nEND:VALARM\r\n\
        END:VEVENT\r\nBEGIN:VEVENT\r\nUID:abc-2@example.com\r\nSTATUS:CANCELLED\r\n\
        DTSTART:20261209T090000Z\r\nDTEND:20261209T100000Z\r\nSUMMARY:Cancelled one\r\nEND:VEVENT\r\n\
        END:VCALENDAR\r\n";
    let summary = training::import_ics(
        &mut f.store,
        &c,
        &launch.id,
        "outlook.ics",
        outside,
        Audience::EndUsers,
        "Europe/Berlin",
    )
    .unwrap();
    assert_eq!((summary.added, summary.cancelled), (1, 1));
    let s = training::get(f.store.conn(), &launch.id, "abc-1@example.com").unwrap();
    assert_eq!(
        s.title, "Support team: triagedrills",
        "folded SUMMARY unfolded"
    );
    assert_eq!(s.audience, Audience::SupportTeam, "from CATEGORIES");
    assert_eq!(
        (
            s.time_zone.as_str(),
            s.local_start.as_str(),
            s.local_end.as_str()
        ),
        ("America/New_York", "2026-12-08T09:00", "2026-12-08T10:30")
    );
    assert_eq!(
        s.attendees[0].name, "Dee Park",
        "matched by email, any case"
    );

    let before = training::list(f.store.conn(), &launch.id).unwrap();
    for (bad, expected) in [
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x1\nSUMMARY:A\nDTSTART:20261210T090000Z\nDTEND:20261210T100000Z\nEND:VEVENT\n\
             BEGIN:VEVENT\nUID:x2\nSUMMARY:B\nDTSTART;VALUE=DATE:20261211\nEND:VEVENT\nEND:VCALENDAR\n",
            "team.ics, line 11: DTSTART 20261211 is a whole day",
        ),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x3\nSUMMARY:A\nDTSTART:20261210T090000Z\nDTEND:20261210T100000Z\n\
             ATTENDEE;CN=Zed:mailto:zed@example.com\nEND:VEVENT\nEND:VCALENDAR\n",
            "team.ics, line 2: the attendee Zed is not in the directory",
        ),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x4\nSUMMARY:A\nDTSTART;TZID=W. Europe Standard Time:20261210T090000\nDTEND:20261210T100000Z\nEND:VEVENT\nEND:VCALENDAR\n",
            "team.ics, line 5: the time zone \"W. Europe Standard Time\" of DTSTART is not an IANA name",
        ),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x5\nSUMMARY:A\nDTSTART:20261210T090000Z\n",
            "team.ics, line 2: the event never ends",
        ),
        (
            "BEGIN:VCALENDAR\nEND:VCALENDAR\n",
            "team.ics holds no events",
        ),
    ] {
        let err = training::import_ics(
            &mut f.store,
            &c,
            &launch.id,
            "team.ics",
            bad,
            Audience::EndUsers,
            "UTC",
        )
        .unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert!(err.to_string().contains(expected), "{err}");
        assert!(err.to_string().contains("nothing was imported"), "{err}");
    }
    assert_eq!(training::list(f.store.conn(), &launch.id).unwrap(), before);
}
