use golive_core::contacts::{self, ContactInput};
use golive_core::readiness::{self, Status};
use golive_core::signoff::{self, DecisionState, Verdict};
use golive_core::{ErrorCode, audit};

use crate::support::{Fixture, at, change};

const NOW: &str = "2026-12-06T12:00:00Z";

/// Ticks every gate item that has no rule, and settles the sections the
/// standard plan's rules look at, so only the sign-offs decide.
/// PRE-35 "Rollback procedures tested" holds once a rollback succeeded on staging.
fn rehearse_rollback(fixture: &mut Fixture, launch_id: &str) {
    use golive_core::deploy::{Action, start, triggers};
    golive_core::health::environments::add(
        &mut fixture.store,
        &change("ana", NOW),
        launch_id,
        "staging",
        false,
    )
    .unwrap();
    triggers::add(
        &mut fixture.store,
        &change("ana", NOW),
        launch_id,
        &triggers::TriggerInput {
            environment: "staging".into(),
            name: "rollback".into(),
            action: Action::Rollback,
            spec: triggers::TriggerSpec::Command(triggers::CommandSpec {
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
    let run = start::run(
        &fixture.path(),
        &golive_core::Actor::anonymous("ben"),
        launch_id,
        &start::Request {
            trigger: "rollback".into(),
            ..start::Request::default()
        },
        std::sync::Arc::new(golive_core::deploy::NoSink),
        |_| {},
    )
    .unwrap();
    assert_eq!(run.state, golive_core::deploy::RunState::Succeeded);
}

fn ready_except_signoffs(fixture: &mut Fixture, launch_id: &str) {
    rehearse_rollback(fixture, launch_id);
    let checklist = readiness::checklist(fixture.store.conn(), launch_id, at(NOW)).unwrap();
    let keys: Vec<String> = checklist
        .items()
        .filter(|i| i.phase_key == "pre" && i.rule.is_none())
        .map(|i| i.key.clone())
        .collect();
    for key in keys {
        readiness::tick(
            &mut fixture.store,
            &change("ana", NOW),
            launch_id,
            &key,
            None,
        )
        .unwrap();
    }
    for (name, role) in [
        ("Ana Lopez", "pm"),
        ("Ben Okafor", "tech"),
        ("Cleo Park", "support"),
        ("Dev Singh", "security"),
        ("Eli Moreau", "trainer"),
    ] {
        contacts::add(
            &mut fixture.store,
            &change("ana", NOW),
            launch_id,
            &ContactInput {
                name: name.into(),
                roles: vec![role.into()],
                ..ContactInput::default()
            },
        )
        .unwrap();
    }
    train_everyone(fixture, launch_id);
}

/// PRE-32 "User training completed" holds once the invited completed.
fn train_everyone(fixture: &mut Fixture, launch_id: &str) {
    use golive_core::training::{self, Audience, Mark, SessionInput};
    let c = change("eli", NOW);
    training::add(
        &mut fixture.store,
        &c,
        launch_id,
        &SessionInput {
            title: "Admin training".into(),
            audience: Audience::Administrators,
            start: "2026-12-03T09:00".into(),
            end: "2026-12-03T10:00".into(),
            time_zone: "UTC".into(),
            place: String::new(),
            trainer: None,
            materials: vec![],
            attendees: vec!["Ben Okafor".into()],
        },
    )
    .unwrap();
    let done = Mark {
        attended: None,
        completed: Some(true),
    };
    training::mark(
        &mut fixture.store,
        &c,
        launch_id,
        "TRN-1",
        "Ben Okafor",
        done,
    )
    .unwrap();
}

fn sign(
    fixture: &mut Fixture,
    launch_id: &str,
    role: &str,
    verdict: Verdict,
    comment: Option<&str>,
) -> golive_core::Result<signoff::Decision> {
    signoff::sign(
        &mut fixture.store,
        &change(role, NOW),
        launch_id,
        role,
        verdict,
        comment,
    )
}

#[test]
fn decision_is_go_only_with_every_go_and_every_gate_item() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    let first = signoff::decision(fixture.store.conn(), &launch.id).unwrap();
    assert_eq!(first.state, DecisionState::Pending);
    assert_eq!(
        first
            .signoffs
            .iter()
            .map(|s| s.role_key.as_str())
            .collect::<Vec<_>>(),
        ["pm", "tech", "support", "security"],
        "the sign-off roles come from the plan"
    );
    assert!(
        first
            .missing
            .iter()
            .any(|m| m == "Security lead has not signed off")
    );
    assert!(
        first
            .missing
            .iter()
            .any(|m| m.starts_with("PRE-29 Performance benchmarks met is not done"))
    );

    ready_except_signoffs(&mut fixture, &launch.id);
    for role in ["pm", "tech", "support"] {
        let d = sign(&mut fixture, &launch.id, role, Verdict::Go, Some("ready")).unwrap();
        assert_eq!(d.state, DecisionState::Pending, "{:?}", d.missing);
    }
    let d = sign(&mut fixture, &launch.id, "security", Verdict::Go, None).unwrap();
    assert_eq!(d.state, DecisionState::Go, "{:?}", d.missing);
    assert!(d.missing.is_empty());
    // "Stakeholder approval obtained" is satisfied by the sign-offs themselves.
    let pre37 = d.gate_items.iter().find(|g| g.key == "PRE-37").unwrap();
    assert!(pre37.satisfied && pre37.status == Status::Open);

    let d = sign(
        &mut fixture,
        &launch.id,
        "tech",
        Verdict::NoGo,
        Some("p95 at 2.4 s"),
    )
    .unwrap();
    assert_eq!(d.state, DecisionState::NoGo);
    assert!(
        d.missing
            .iter()
            .any(|m| m == "Technical lead said no-go: p95 at 2.4 s")
    );

    let events = audit::events(fixture.store.conn(), &audit::Query::default()).unwrap();
    let changes: Vec<_> = events
        .iter()
        .filter(|e| e.action == "decision.change")
        .map(|e| {
            (
                e.details_json()["from"].clone(),
                e.details_json()["to"].clone(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            ("PENDING".into(), "GO".into()),
            ("GO".into(), "NO-GO".into())
        ],
        "the decision's changes are part of the record"
    );
}

#[test]
fn a_no_go_without_a_reason_is_refused_and_nothing_is_written() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    let before = audit::verify(fixture.store.conn()).unwrap().events;
    for comment in [None, Some("   ")] {
        let error = sign(&mut fixture, &launch.id, "tech", Verdict::NoGo, comment).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidInput);
        assert!(
            error.to_string().contains("a no-go needs a reason"),
            "{error}"
        );
    }
    let error = sign(&mut fixture, &launch.id, "trainer", Verdict::Go, None).unwrap_err();
    assert!(
        error.to_string().contains("Trainer does not sign"),
        "{error}"
    );
    assert_eq!(audit::verify(fixture.store.conn()).unwrap().events, before);
    let d = signoff::decision(fixture.store.conn(), &launch.id).unwrap();
    assert!(d.signoffs.iter().all(|s| s.verdict.is_none()));
}

#[test]
fn reopening_a_gate_item_flags_the_standing_go_sign_offs() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    ready_except_signoffs(&mut fixture, &launch.id);
    for role in ["pm", "tech", "support", "security"] {
        sign(&mut fixture, &launch.id, role, Verdict::Go, None).unwrap();
    }
    // A non-gate item reopening changes nothing.
    readiness::reopen(
        &mut fixture.store,
        &change("ana", NOW),
        &launch.id,
        "PRE-21",
        "rescheduled",
    )
    .unwrap();
    let d = signoff::decision(fixture.store.conn(), &launch.id).unwrap();
    assert!(d.signoffs.iter().all(|s| s.stale_reason.is_none()));

    readiness::reopen(
        &mut fixture.store,
        &change("ben", NOW),
        &launch.id,
        "PRE-29",
        "benchmarks were on staging",
    )
    .unwrap();
    let d = signoff::decision(fixture.store.conn(), &launch.id).unwrap();
    assert_eq!(d.state, DecisionState::Pending);
    for s in &d.signoffs {
        let reason = s.stale_reason.as_deref().unwrap_or_default();
        assert!(
            reason.starts_with("PRE-29 Performance benchmarks met was reopened by ben"),
            "{reason}"
        );
    }
    assert!(
        d.missing
            .iter()
            .any(|m| m.starts_with("Project manager's go needs re-confirmation"))
    );

    // Ticking it again does not restore the sign-offs: each signer re-confirms.
    readiness::tick(
        &mut fixture.store,
        &change("ben", NOW),
        &launch.id,
        "PRE-29",
        None,
    )
    .unwrap();
    let d = sign(
        &mut fixture,
        &launch.id,
        "pm",
        Verdict::Go,
        Some("re-checked"),
    )
    .unwrap();
    assert_eq!(d.state, DecisionState::Pending);
    assert!(d.signoffs[0].stale_reason.is_none());
    for role in ["tech", "support", "security"] {
        sign(&mut fixture, &launch.id, role, Verdict::Go, None).unwrap();
    }
    let d = signoff::decision(fixture.store.conn(), &launch.id).unwrap();
    assert_eq!(d.state, DecisionState::Go, "{:?}", d.missing);

    // Blocking a done gate item flags them as well.
    readiness::block(
        &mut fixture.store,
        &change("ben", NOW),
        &launch.id,
        "PRE-29",
        "new regression",
    )
    .unwrap();
    let d = signoff::decision(fixture.store.conn(), &launch.id).unwrap();
    assert!(d.signoffs.iter().all(|s| {
        s.stale_reason
            .as_deref()
            .is_some_and(|r| r.contains("was blocked"))
    }));
}

#[test]
fn auto_checked_items_tick_only_while_their_rule_holds_and_keep_the_evidence() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    let pre26 = readiness::item(fixture.store.conn(), &launch.id, "PRE-26", at(NOW)).unwrap();
    let rule = pre26.rule.unwrap();
    assert_eq!(rule.rule, "section_done:pre-infra");
    assert_eq!(
        rule.description,
        "every item of the section «Infrastructure validation» is done"
    );
    assert!(!rule.now.holds);
    assert_eq!(rule.now.summary, "0 of 5 items done");

    let refused = readiness::tick(
        &mut fixture.store,
        &change("ana", NOW),
        &launch.id,
        "PRE-26",
        None,
    )
    .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Conflict);
    assert!(
        refused
            .to_string()
            .contains("PRE-01 Verify all production servers are properly configured: open"),
        "{refused}"
    );

    for key in ["PRE-01", "PRE-02", "PRE-03", "PRE-04"] {
        readiness::tick(
            &mut fixture.store,
            &change("ana", NOW),
            &launch.id,
            key,
            None,
        )
        .unwrap();
    }
    readiness::mark_na(
        &mut fixture.store,
        &change("ana", NOW),
        &launch.id,
        "PRE-05",
        "monitoring is the vendor's",
    )
    .unwrap();
    readiness::tick(
        &mut fixture.store,
        &change("ana", NOW),
        &launch.id,
        "PRE-26",
        Some("checked"),
    )
    .unwrap();
    let pre26 = readiness::item(fixture.store.conn(), &launch.id, "PRE-26", at(NOW)).unwrap();
    let rule = pre26.rule.unwrap();
    let seen = rule.at_tick.expect("the evidence of the tick");
    assert!(seen.holds);
    assert!(
        seen.evidence
            .contains(&"PRE-05 Verify monitoring and alerting systems: not applicable".to_string()),
        "{:?}",
        seen.evidence
    );

    // The rule is evaluated again later; the evidence of the tick stays.
    readiness::reopen(
        &mut fixture.store,
        &change("ana", NOW),
        &launch.id,
        "PRE-01",
        "server replaced",
    )
    .unwrap();
    let rule = readiness::item(fixture.store.conn(), &launch.id, "PRE-26", at(NOW))
        .unwrap()
        .rule
        .unwrap();
    assert!(!rule.now.holds);
    assert!(rule.at_tick.is_some_and(|e| e.holds));
}

#[test]
fn every_role_has_a_contact_rule_follows_the_contact_list() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    let rule = |f: &Fixture| {
        readiness::item(f.store.conn(), &launch.id, "PRE-36", at(NOW))
            .unwrap()
            .rule
            .unwrap()
            .now
    };
    assert_eq!(rule(&fixture).summary, "0 of 5 roles have a contact");
    contacts::add(
        &mut fixture.store,
        &change("ana", NOW),
        &launch.id,
        &ContactInput {
            name: "Ana Lopez".into(),
            roles: vec![
                "pm".into(),
                "Technical lead".into(),
                "support".into(),
                "security".into(),
            ],
            ..ContactInput::default()
        },
    )
    .unwrap();
    let now = rule(&fixture);
    assert!(!now.holds);
    assert!(now.evidence.contains(&"Trainer: no contact".to_string()));
    assert!(
        now.evidence
            .contains(&"Technical lead: Ana Lopez".to_string())
    );
    contacts::add(
        &mut fixture.store,
        &change("ana", NOW),
        &launch.id,
        &ContactInput {
            name: "Eli".into(),
            roles: vec!["trainer".into()],
            ..ContactInput::default()
        },
    )
    .unwrap();
    assert!(rule(&fixture).holds);
}

#[test]
fn status_changes_need_reasons_and_gate_items_cannot_be_not_applicable() {
    let mut fixture = Fixture::new();
    let launch = fixture.launch();
    let c = change("ana", NOW);
    let error = readiness::block(&mut fixture.store, &c, &launch.id, "PRE-01", " ").unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidInput);
    let error =
        readiness::mark_na(&mut fixture.store, &c, &launch.id, "PRE-29", "no load").unwrap_err();
    assert_eq!(error.code(), ErrorCode::Conflict);
    assert!(error.to_string().contains("--no-gate"), "{error}");

    readiness::block(
        &mut fixture.store,
        &c,
        &launch.id,
        "PRE-01",
        "waiting for the firewall change",
    )
    .unwrap();
    let item = readiness::item(fixture.store.conn(), &launch.id, "PRE-01", at(NOW)).unwrap();
    assert_eq!(item.status, Status::Blocked);
    assert_eq!(
        item.status_note.as_deref(),
        Some("waiting for the firewall change")
    );
    assert!(
        item.overdue,
        "blocked is still outstanding, so it can be overdue"
    );
    let summary = readiness::summary(fixture.store.conn(), &launch.id, at(NOW)).unwrap();
    assert_eq!(summary.blocked.len(), 1);
    assert_eq!(summary.overall.blocked, 1);
    let again =
        readiness::block(&mut fixture.store, &c, &launch.id, "PRE-01", "again").unwrap_err();
    assert_eq!(again.code(), ErrorCode::Conflict);
    readiness::tick(&mut fixture.store, &c, &launch.id, "PRE-01", None).unwrap();
}
