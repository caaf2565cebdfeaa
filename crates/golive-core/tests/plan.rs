use golive_core::plan::{self, Template};
use golive_core::store::OpenMode;
use golive_core::{ErrorCode, Store, launch};

#[test]
fn the_standard_plan_holds_the_strategy() {
    let template = Template::standard();
    let phases: Vec<_> = template
        .phases
        .iter()
        .map(|p| {
            (
                p.key.get_ref().as_str(),
                *p.first_day.get_ref(),
                *p.last_day.get_ref(),
            )
        })
        .collect();
    assert_eq!(
        phases,
        [
            ("pre", -7, 0),
            ("day0", 0, 0),
            ("post", 1, 7),
            ("stab", 8, 30)
        ]
    );
    let titles: Vec<&str> = template
        .phases
        .iter()
        .flat_map(|p| &p.sections)
        .flat_map(|s| &s.items)
        .map(|i| i.title.get_ref().as_str())
        .collect();
    // One item from each list of the strategy document.
    for expected in [
        "Verify all production servers are properly configured",
        "Rollback procedures tested",
        "Stakeholder approval obtained",
        "Zero-downtime deployment executed",
        "Session management operational",
        "24/7 monitoring active",
        "Optimization opportunities identified",
        "Training needs assessment",
    ] {
        assert!(
            titles.contains(&expected),
            "the standard plan lacks {expected:?}"
        );
    }
    let signoff: Vec<_> = template
        .roles
        .iter()
        .filter(|r| r.signoff)
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(
        signoff,
        [
            "Project manager",
            "Technical lead",
            "Support lead",
            "Security lead"
        ]
    );
    let error_rate = template
        .alert_rules
        .iter()
        .find(|r| r.key == "error-rate")
        .unwrap();
    assert_eq!(error_rate.above, Some(5.0));
    assert_eq!(template.escalation_levels.len(), 5);
    assert_eq!(template.support_tiers.len(), 3);
    let uptime = template
        .success_targets
        .iter()
        .find(|t| t.key == "uptime")
        .unwrap();
    assert_eq!(uptime.at_least, Some(99.9));
    assert_eq!(template.communication.status_update_minutes, 15);
    assert!(
        template.phases[0]
            .sections
            .iter()
            .flat_map(|s| &s.items)
            .filter(|i| i.gate)
            .count()
            >= 10
    );
}

/// Replaces `from` (which must occur) in the standard plan.
fn standard_with(from: &str, to: &str) -> String {
    assert!(
        plan::STANDARD_TEMPLATE.contains(from),
        "test setup: {from:?} not in the standard plan"
    );
    plan::STANDARD_TEMPLATE.replacen(from, to, 1)
}

fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).expect("needle")]
        .matches('\n')
        .count()
        + 1
}

#[test]
fn malformed_templates_name_file_line_and_field() {
    struct Case {
        name: &'static str,
        text: String,
        needle: &'static str,
        field: Option<&'static str>,
        says: &'static str,
    }
    let cases = [
        Case {
            name: "wrong type",
            text: standard_with("due_day = -6\n", "due_day = \"soon\"\n"),
            needle: "\"soon\"",
            field: Some("phases[0].sections[0].items[2].due_day"),
            says: "invalid type",
        },
        Case {
            name: "unknown field",
            text: standard_with("gate = true\n", "gates = true\n"),
            needle: "gates",
            field: Some("phases[0].sections[5].items[0].gates"),
            says: "unknown field",
        },
        Case {
            name: "unknown owner",
            text: standard_with("owner = \"security\"", "owner = \"ciso\""),
            needle: "\"ciso\"",
            field: Some("phases[0].sections[1].items[0].owner"),
            says: "not a role",
        },
        Case {
            name: "duplicate item key",
            text: standard_with("key = \"PRE-02\"", "key = \"PRE-01\""),
            needle: "key = \"PRE-01\"\ntitle = \"Confirm",
            field: Some("phases[0].sections[0].items[1].key"),
            says: "used twice",
        },
        Case {
            name: "due day outside the phase",
            text: standard_with("due_day = 30", "due_day = 45"),
            needle: "due_day = 45",
            field: Some("phases[3].sections[0].items[1].due_day"),
            says: "outside its phase",
        },
        Case {
            name: "unknown rule",
            text: standard_with("rule = \"signoffs\"", "rule = \"approvals\""),
            needle: "\"approvals\"",
            field: Some("phases[0].sections[5].items[11].rule"),
            says: "\"approvals\" is not a rule golive knows (rules: signoffs, roles_have_contacts, section_done, monitoring_active, monitors_passing, success_metrics_recorded, predeploy_checks_passed, deploy_succeeded, deploy_validated, rollback_tested, training_completed, training_scheduled, stakeholder_updates_sent)",
        },
        Case {
            name: "rule naming a missing section",
            text: standard_with(
                "rule = \"section_done:pre-uat\"",
                "rule = \"section_done:pre-qa\"",
            ),
            needle: "\"section_done:pre-qa\"",
            field: Some("phases[0].sections[5].items[5].rule"),
            says: "names no section of this plan",
        },
        Case {
            name: "bad severity",
            text: standard_with("severity = \"warning\"", "severity = \"meh\""),
            needle: "\"meh\"",
            field: Some("alert_rules[5].severity"),
            says: "unknown variant",
        },
        Case {
            name: "broken TOML syntax",
            text: standard_with(
                "name = \"Standard go-live plan\"",
                "name = \"Standard go-live plan",
            ),
            needle: "name = \"Standard go-live plan",
            field: None,
            says: "",
        },
    ];
    for case in cases {
        let err = plan::parse(&case.text, "mine.toml").expect_err(case.name);
        assert_eq!(err.file, "mine.toml", "{}", case.name);
        assert_eq!(
            err.line,
            Some(line_of(&case.text, case.needle)),
            "{}: {err}",
            case.name
        );
        assert_eq!(err.field.as_deref(), case.field, "{}: {err}", case.name);
        assert!(err.message.contains(case.says), "{}: {err}", case.name);
        let shown = err.to_string();
        assert!(
            shown.starts_with("invalid plan template mine.toml:"),
            "{shown}"
        );
        assert!(shown.contains("nothing was written"), "{shown}");
    }
}

#[test]
fn a_template_without_phases_or_roles_is_refused() {
    let err = plan::parse(
        "roles = []\nphases = []\n[plan]\nname = \"x\"\nversion = 1\n",
        "empty.toml",
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("roles"));
    let err = plan::parse(
        "phases = []\n[plan]\nname = \"x\"\nversion = 1\n[[roles]]\nkey = \"pm\"\nname = \"PM\"\n",
        "empty.toml",
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("phases"));
}

#[test]
fn a_bad_template_file_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let template_path = dir.path().join("bad.toml");
    std::fs::write(
        &template_path,
        standard_with("owner = \"security\"", "owner = \"nobody\""),
    )
    .unwrap();
    let err = plan::load(&template_path).unwrap_err();
    assert!(err.to_string().contains("bad.toml:"), "{err}");
    // The store is untouched: loading happens before any write.
    let store = Store::open(&dir.path().join("golive.db"), OpenMode::CreateIfMissing).unwrap();
    assert!(launch::list(store.conn()).unwrap().is_empty());
    let missing = plan::load(&dir.path().join("absent.toml")).unwrap_err();
    assert!(missing.to_string().contains("cannot be read"), "{missing}");
    let as_core: golive_core::Error = missing.into();
    assert_eq!(as_core.code(), ErrorCode::InvalidTemplate);
}

#[test]
fn escalation_levels_and_tiers_must_name_roles_of_the_plan() {
    let cases = [
        (
            standard_with("roles = [\"tech\"]\n", "roles = [\"cto\"]\n"),
            "escalation_levels[2].roles",
            "\"cto\" is not a role of this plan",
        ),
        (
            standard_with("level = 5\n", "level = 7\n"),
            "escalation_levels[4].level",
            "level 7 is not one of 1 to 5",
        ),
        (
            standard_with("wait_minutes = 15\n", "wait_minutes = 0\n"),
            "escalation_levels[0].wait_minutes",
            "at least 1",
        ),
        (
            standard_with("tier = 3\n", "tier = 2\n"),
            "support_tiers[2].tier",
            "tier 2 is not one of 1 to 3, or comes twice",
        ),
        (
            standard_with(
                "roles = [\"tech\", \"security\"]\nemergency_team",
                "roles = [\"tech\", \"ciso\"]\nemergency_team",
            ),
            "escalation_levels[4].roles",
            "\"ciso\" is not a role",
        ),
    ];
    for (text, field, says) in cases {
        let err = plan::parse(&text, "mine.toml").expect_err(field);
        assert_eq!(err.field.as_deref(), Some(field), "{err}");
        assert!(err.message.contains(says), "{err}");
    }
}
