//! Incidents: opened from an alert or by hand, escalated, noted, resolved
//! with follow-ups; the timeline gathers the environment's alerts and runs.

use golive_core::contacts::{self, ContactInput};
use golive_core::health::monitors::{self, MonitorInput};
use golive_core::health::probe::ProbeVerdict;
use golive_core::health::{alerts, environments, record};
use golive_core::incidents::{self, IncidentInput, IncidentState};
use golive_core::{ErrorCode, audit};
use jiff::ToSpan;

use crate::support::{Fixture, at, change};

#[test]
fn an_incident_from_an_alert_is_escalated_noted_and_resolved_with_follow_ups() {
    let mut f = Fixture::new();
    let launch = f.launch();
    let c = change("ben", "2026-12-07T09:00:00Z");
    environments::add(&mut f.store, &c, &launch.id, "production", true).unwrap();
    let m = monitors::add(
        &mut f.store,
        &c,
        &launch.id,
        &MonitorInput {
            environment: "production".into(),
            name: "Orders".into(),
            url: "http://127.0.0.1:1/health".into(),
            ..MonitorInput::default()
        },
    )
    .unwrap();
    for n in 0..2 {
        let when = at("2026-12-07T09:00:00Z") + (n * 30).seconds();
        record::store(
            &mut f.store,
            &c,
            &[crate::health_record::outcome(
                &m.id,
                when,
                ProbeVerdict::Fail,
                40,
            )],
        )
        .unwrap();
    }
    let alert = alerts::list(f.store.conn(), &launch.id, 10)
        .unwrap()
        .into_iter()
        .find(|a| a.rule_key == "downtime")
        .unwrap();
    for (name, role) in [("Ben Ode", "support"), ("Eli Ross", "tech")] {
        contacts::add(
            &mut f.store,
            &c,
            &launch.id,
            &ContactInput {
                name: name.into(),
                roles: vec![role.into()],
                ..Default::default()
            },
        )
        .unwrap();
    }

    let at_open = change("ben", "2026-12-07T09:02:00Z");
    let inc = incidents::open(
        &mut f.store,
        &at_open,
        &launch.id,
        &IncidentInput {
            alert_id: Some(alert.id.clone()),
            owner: Some("Ben Ode".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(inc.key, "INC-1");
    assert_eq!(inc.severity, 2, "a critical alert opens a SEV2");
    assert_eq!(inc.level, 1);
    assert_eq!(inc.environment.as_deref(), Some("production"));
    assert_eq!(inc.owner.as_deref(), Some("Ben Ode"));
    assert!(
        inc.title
            .starts_with("System downtime on production / Orders"),
        "{}",
        inc.title
    );
    let twice = incidents::open(
        &mut f.store,
        &at_open,
        &launch.id,
        &IncidentInput {
            alert_id: Some(alert.id.clone()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(twice.code(), ErrorCode::Conflict);
    assert!(
        twice
            .to_string()
            .contains("already has the open incident INC-1"),
        "{twice}"
    );

    // Escalated to level 2 at 09:10: the call sheet counts from then.
    let inc = incidents::escalate(
        &mut f.store,
        &change("ben", "2026-12-07T09:10:00Z"),
        &launch.id,
        "INC-1",
        None,
        "pool keeps dying",
    )
    .unwrap();
    assert_eq!(inc.level, 2);
    let detail =
        incidents::detail(f.store.conn(), &launch.id, "1", at("2026-12-07T09:20:00Z")).unwrap();
    let sheet = detail.call_sheet.unwrap();
    assert_eq!(sheet.current.level, 2);
    assert_eq!(sheet.current.people[0].contact.name, "Ben Ode");
    let next = sheet.next.unwrap();
    assert_eq!(
        (next.level.level, next.due_in_minutes),
        (3, 20),
        "level 2 waits 30 minutes"
    );
    assert_eq!(next.level.people[0].contact.name, "Eli Ross");

    incidents::set_state(
        &mut f.store,
        &change("eli", "2026-12-07T09:15:00Z"),
        &launch.id,
        "INC-1",
        IncidentState::Investigating,
    )
    .unwrap();
    incidents::note(
        &mut f.store,
        &change("eli", "2026-12-07T09:16:00Z"),
        &launch.id,
        "INC-1",
        "Connection pool exhausted; raising the limit",
    )
    .unwrap();
    incidents::add_action(
        &mut f.store,
        &change("eli", "2026-12-07T09:30:00Z"),
        &launch.id,
        "INC-1",
        "Load-test the pool at 2x",
        Some("Eli Ross"),
    )
    .unwrap();
    let missing =
        incidents::mark_action(&mut f.store, &c, &launch.id, "INC-1", "3", true).unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound);
    assert!(
        missing
            .to_string()
            .contains("INC-1 has no follow-up \"3\" (it has 1)"),
        "{missing}"
    );
    let empty = incidents::resolve(&mut f.store, &c, &launch.id, "INC-1", "  ").unwrap_err();
    assert!(empty.to_string().contains("needs a summary"), "{empty}");
    let inc = incidents::resolve(
        &mut f.store,
        &change("eli", "2026-12-07T09:40:00Z"),
        &launch.id,
        "INC-1",
        "Pool limit raised from 20 to 80",
    )
    .unwrap();
    assert_eq!(inc.state, IncidentState::Resolved);
    let again = incidents::escalate(&mut f.store, &c, &launch.id, "INC-1", None, "").unwrap_err();
    assert_eq!(again.code(), ErrorCode::Conflict);

    let detail = incidents::detail(
        f.store.conn(),
        &launch.id,
        "INC-1",
        at("2026-12-07T10:00:00Z"),
    )
    .unwrap();
    assert!(detail.call_sheet.is_none(), "nobody to call once resolved");
    // The environment's alerts, raised when the monitor went down (the
    // incident's own and another rule that fired), then what people did.
    let kinds: Vec<(&str, &str)> = detail
        .timeline
        .iter()
        .map(|e| (e.at.as_str(), e.kind.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("2026-12-07T09:00:00.000Z", "alert"),
            ("2026-12-07T09:00:00.000Z", "alert"),
            ("2026-12-07T09:02:00.000Z", "opened"),
            ("2026-12-07T09:10:00.000Z", "escalated"),
            ("2026-12-07T09:15:00.000Z", "state"),
            ("2026-12-07T09:16:00.000Z", "note"),
            ("2026-12-07T09:30:00.000Z", "action"),
            ("2026-12-07T09:40:00.000Z", "resolved"),
        ]
    );
    let own: Vec<&str> = detail
        .timeline
        .iter()
        .filter(|e| e.text.ends_with("(this incident's alert)"))
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(
        own,
        ["Alert raised: System downtime (critical, Orders) (this incident's alert)"]
    );
    assert_eq!(
        detail.timeline[3].text,
        "Level 1 → 2 (Support team intervention): pool keeps dying"
    );
    assert_eq!(detail.actions.len(), 1);
    assert_eq!(detail.actions[0].owner.as_deref(), Some("Eli Ross"));

    let listed = incidents::list(f.store.conn(), &launch.id, true).unwrap();
    assert!(listed.is_empty(), "no open incident left");
    let events = audit::events(
        f.store.conn(),
        &audit::Query {
            launch_id: Some(launch.id.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    for action in [
        "incident.open",
        "incident.escalate",
        "incident.state",
        "incident.note",
        "incident.action",
        "incident.resolve",
    ] {
        assert!(
            events.iter().any(|e| e.action == action),
            "{action} audited"
        );
    }
}

#[test]
fn an_incident_by_hand_needs_a_title_and_a_known_severity_level_and_owner() {
    let mut f = Fixture::new();
    let launch = f.launch();
    let c = change("ana", "2026-12-07T09:00:00Z");
    let cases = [
        (
            IncidentInput {
                title: " ".into(),
                ..Default::default()
            },
            "needs a title",
        ),
        (
            IncidentInput {
                title: "Slow".into(),
                severity: Some(5),
                ..Default::default()
            },
            "SEV1 to SEV4",
        ),
        (
            IncidentInput {
                title: "Slow".into(),
                level: Some(6),
                ..Default::default()
            },
            "no escalation level 6",
        ),
        (
            IncidentInput {
                title: "Slow".into(),
                owner: Some("Zoe".into()),
                ..Default::default()
            },
            "no contact \"Zoe\"",
        ),
        (
            IncidentInput {
                title: "Slow".into(),
                environment: Some("moon".into()),
                ..Default::default()
            },
            "moon",
        ),
    ];
    for (input, says) in cases {
        let error = incidents::open(&mut f.store, &c, &launch.id, &input).unwrap_err();
        assert!(error.to_string().contains(says), "{error}");
    }
    assert!(
        incidents::list(f.store.conn(), &launch.id, false)
            .unwrap()
            .is_empty(),
        "nothing written"
    );
    let inc = incidents::open(
        &mut f.store,
        &c,
        &launch.id,
        &IncidentInput {
            title: "Checkout slow for EU users".into(),
            severity: Some(1),
            level: Some(3),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!((inc.key.as_str(), inc.severity, inc.level), ("INC-1", 1, 3));
    let second = incidents::open(
        &mut f.store,
        &c,
        &launch.id,
        &IncidentInput {
            title: "Emails late".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(second.key, "INC-2");
    let error =
        incidents::escalate(&mut f.store, &c, &launch.id, "INC-1", Some(9), "").unwrap_err();
    assert!(error.to_string().contains("there is no level 9"), "{error}");
    let missing = incidents::get(f.store.conn(), &launch.id, "INC-7").unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound);
}

#[test]
fn a_run_on_the_environment_joins_the_timeline_while_the_incident_is_open() {
    use golive_core::deploy::start::{self, Request};
    use golive_core::deploy::triggers::{self, CommandSpec, TriggerInput, TriggerSpec};
    use golive_core::deploy::{Action, NoSink};

    let mut f = Fixture::new();
    let launch = f.launch();
    // Runs keep real time, so the incident is opened now too.
    let now = jiff::Timestamp::now();
    let c = golive_core::Change::new(golive_core::Actor::anonymous("ana"), now);
    environments::add(&mut f.store, &c, &launch.id, "staging", false).unwrap();
    let trigger = triggers::add(
        &mut f.store,
        &c,
        &launch.id,
        &TriggerInput {
            environment: "staging".into(),
            name: "Roll back".into(),
            action: Action::Rollback,
            spec: TriggerSpec::Command(CommandSpec {
                program: "true".into(),
                args: vec![],
                cwd: None,
                env: vec![],
                secret_env: vec![],
            }),
            timeout_s: None,
            auto_rollback: false,
        },
    )
    .unwrap();
    incidents::open(
        &mut f.store,
        &c,
        &launch.id,
        &IncidentInput {
            title: "Staging login loops".into(),
            environment: Some("staging".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let run = start::run(
        &f.path(),
        &golive_core::Actor::anonymous("ana"),
        &launch.id,
        &Request {
            trigger: trigger.id.clone(),
            ..Request::default()
        },
        std::sync::Arc::new(NoSink),
        |_| {},
    )
    .unwrap();
    let later = jiff::Timestamp::now() + 1.minutes();
    let detail = incidents::detail(f.store.conn(), &launch.id, "INC-1", later).unwrap();
    let runs: Vec<&str> = detail
        .timeline
        .iter()
        .filter(|e| e.kind == "run")
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(
        runs,
        [
            "rollback started: Roll back".to_string(),
            format!("rollback {}: Roll back", run.state.key()),
        ]
    );
    assert_eq!(run.state.key(), "succeeded");

    // An incident on another environment does not show it.
    incidents::open(
        &mut f.store,
        &c,
        &launch.id,
        &IncidentInput {
            title: "Unrelated".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let other = incidents::detail(f.store.conn(), &launch.id, "INC-2", later).unwrap();
    assert!(other.timeline.iter().all(|e| e.kind != "run"));
}
