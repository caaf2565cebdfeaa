//! The risk register: seeded from the standard plan, scored, linked to
//! items and incidents, edited and audited; bad input changes nothing.

use golive_core::incidents::{self, IncidentInput};
use golive_core::risks::{self, Category, LinkKind, RiskInput, RiskLink, RiskStatus};
use golive_core::{ErrorCode, audit};

use crate::support::{Fixture, change};

const NOW: &str = "2026-12-02T10:00:00Z";

fn link(kind: LinkKind, target: &str) -> RiskLink {
    RiskLink {
        kind,
        target: target.into(),
        label: String::new(),
    }
}

#[test]
fn the_standard_plan_seeds_the_strategys_risks() {
    let mut f = Fixture::new();
    let launch = f.launch();
    let all = risks::list(f.store.conn(), &launch.id).unwrap();
    let titles: Vec<&str> = all.iter().map(|r| r.title.as_str()).collect();
    assert_eq!(all.len(), 10, "{titles:?}");
    for title in [
        "System performance degradation",
        "Security vulnerabilities",
        "Data loss or corruption",
        "Integration failures",
        "Scalability limitations",
        "User adoption challenges",
        "Support team capacity",
        "Training effectiveness",
        "Documentation gaps",
        "Communication breakdowns",
    ] {
        assert!(titles.contains(&title), "{title} missing from {titles:?}");
    }
    assert_eq!(
        all.iter()
            .filter(|r| r.category == Category::Technical)
            .count(),
        5
    );
    // Highest score first: 3 × 4 = 12 before 2 × 5 = 10.
    assert_eq!(all[0].score, 12);
    assert_eq!(all[0].level, "high");
    let data_loss = all
        .iter()
        .find(|r| r.title == "Data loss or corruption")
        .unwrap();
    assert_eq!(data_loss.proactive, "Regular backups");
    assert_eq!(data_loss.status, RiskStatus::Open);
}

#[test]
fn a_risk_is_added_linked_edited_and_removed_with_its_history() {
    let mut f = Fixture::new();
    let launch = f.launch();
    let c = change("ana", NOW);
    let incident = incidents::open(
        &mut f.store,
        &c,
        &launch.id,
        &IncidentInput {
            title: "Checkout slow".into(),
            ..Default::default()
        },
    )
    .unwrap();
    golive_core::contacts::add(
        &mut f.store,
        &c,
        &launch.id,
        &golive_core::contacts::ContactInput {
            name: "Ben Ode".into(),
            roles: vec!["tech".into()],
            ..Default::default()
        },
    )
    .unwrap();
    let input = RiskInput {
        title: "Payment provider rate limits at peak".into(),
        category: Category::Technical,
        likelihood: 4,
        impact: 5,
        proactive: "Load test against the provider's sandbox".into(),
        reactive: "Queue payments; switch to the backup provider".into(),
        owner: Some("Ben Ode".into()),
        status: RiskStatus::Open,
        links: vec![
            link(LinkKind::Item, "pre-10"),
            link(LinkKind::Incident, "INC-1"),
        ],
    };
    let risk = risks::add(&mut f.store, &c, &launch.id, &input).unwrap();
    assert_eq!(risk.key, "RSK-11", "after the ten seeded");
    assert_eq!((risk.score, risk.level.as_str()), (20, "critical"));
    assert_eq!(risk.owner.as_deref(), Some("Ben Ode"));
    let labels: Vec<&str> = risk.links.iter().map(|l| l.label.as_str()).collect();
    assert!(labels[0].starts_with("PRE-10 "), "{labels:?}");
    assert_eq!(labels[1], "INC-1 Checkout slow");
    assert_eq!(risk.links[1].target, incident.id, "stored by id");

    let edited = risks::edit(
        &mut f.store,
        &c,
        &launch.id,
        "RSK-11",
        &RiskInput {
            likelihood: 2,
            status: RiskStatus::Mitigating,
            links: vec![link(LinkKind::Item, "PRE-10")],
            ..input.clone()
        },
    )
    .unwrap();
    assert_eq!((edited.score, edited.level.as_str()), (10, "high"));
    assert_eq!(edited.links.len(), 1);
    let events = audit::events(f.store.conn(), &Default::default()).unwrap();
    let edit = events.iter().find(|e| e.action == "risk.edit").unwrap();
    assert_eq!(edit.details_json()["from"]["likelihood"], 4);
    assert_eq!(edit.details_json()["status"], "mitigating");

    for (bad, says) in [
        (
            RiskInput {
                likelihood: 6,
                ..input.clone()
            },
            "likelihood is 1 (lowest) to 5 (highest), not 6",
        ),
        (
            RiskInput {
                impact: 0,
                ..input.clone()
            },
            "impact is 1 (lowest) to 5 (highest), not 0",
        ),
        (
            RiskInput {
                title: " ".into(),
                ..input.clone()
            },
            "the risk needs a title",
        ),
        (
            RiskInput {
                owner: Some("Zed".into()),
                ..input.clone()
            },
            "no contact \"Zed\"",
        ),
        (
            RiskInput {
                links: vec![link(LinkKind::Item, "PRE-999")],
                ..input.clone()
            },
            "this launch has no item \"PRE-999\"",
        ),
        (
            RiskInput {
                links: vec![link(LinkKind::Alert, "nope")],
                ..input.clone()
            },
            "this launch has no alert \"nope\"",
        ),
    ] {
        let err = risks::edit(&mut f.store, &c, &launch.id, "11", &bad).unwrap_err();
        assert!(err.to_string().contains(says), "{err}");
    }
    assert_eq!(
        risks::get(f.store.conn(), &launch.id, "RSK-11").unwrap(),
        edited
    );

    risks::remove(&mut f.store, &c, &launch.id, "RSK-11").unwrap();
    let err = risks::get(f.store.conn(), &launch.id, "RSK-11").unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
}

#[test]
fn an_exported_plan_carries_the_register_and_a_bad_risk_is_refused_by_field() {
    let mut f = Fixture::new();
    let launch = f.launch();
    let text =
        golive_core::template_export::template_file(f.store.conn(), &launch.id, NOW).unwrap();
    let template = golive_core::plan::parse(&text, "exported.toml").unwrap();
    assert_eq!(template.risks.len(), 10);
    let bad = text.replacen("likelihood = 3", "likelihood = 9", 1);
    let err = golive_core::plan::parse(&bad, "exported.toml").unwrap_err();
    assert!(err.to_string().contains("risks[0].likelihood"), "{err}");
    assert!(
        err.to_string().contains("likelihood is 1 to 5, not 9"),
        "{err}"
    );
}
