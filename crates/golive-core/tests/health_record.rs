//! Environments, monitors and credentials in a real store; outcomes moving
//! monitor state past thresholds; alerts raised, acknowledged and resolved
//! across restarts; rollups and success metrics; TOML import.

use golive_core::health::alerts;
use golive_core::health::credentials::{self, CredentialInput, CredentialKind};
use golive_core::health::environments;
use golive_core::health::import;
use golive_core::health::metrics;
use golive_core::health::monitors::{self, MonitorInput};
use golive_core::health::probe::{Outcome, ProbeVerdict};
use golive_core::health::record;
use golive_core::health::{Verdict, format::Component};
use golive_core::store::OpenMode;
use golive_core::{ErrorCode, Store};
use jiff::{Timestamp, ToSpan};

use crate::support::{Fixture, at, change};

fn input(environment: &str, name: &str, url: &str) -> MonitorInput {
    MonitorInput {
        environment: environment.into(),
        name: name.into(),
        url: url.into(),
        ..MonitorInput::default()
    }
}

pub(crate) fn outcome(
    monitor_id: &str,
    when: Timestamp,
    verdict: ProbeVerdict,
    latency_ms: u64,
) -> Outcome {
    Outcome {
        monitor_id: monitor_id.into(),
        at: when,
        verdict,
        latency_ms,
        status: Some(if verdict == ProbeVerdict::Fail {
            503
        } else {
            200
        }),
        reason: (verdict == ProbeVerdict::Fail).then(|| "unexpected_status".into()),
        detail: if verdict == ProbeVerdict::Fail {
            "status 503, expected 2xx".into()
        } else {
            String::new()
        },
        cert_days_left: None,
        components: Vec::new(),
        measurements: Vec::new(),
    }
}

#[test]
fn monitors_are_checked_before_anything_is_written() {
    let mut f = Fixture::new();
    let launch = f.launch();
    let c = change("ben", "2026-12-01T10:00:00Z");
    environments::add(&mut f.store, &c, &launch.id, "production", true).unwrap();
    credentials::add(
        &mut f.store,
        &c,
        &CredentialInput {
            id: "orders-token".into(),
            label: "Orders".into(),
            kind: CredentialKind::Bearer,
            header_name: None,
            origin: "https://orders.example.com/anything".into(),
        },
    )
    .unwrap();
    for (bad, says) in [
        (
            input("production", "", "https://x.example.com"),
            "needs a name",
        ),
        (
            input("production", "API", "ftp://x.example.com"),
            "must be http or https",
        ),
        (
            input("production", "API", "https://u:p@x.example.com"),
            "basic-auth credential",
        ),
        (
            MonitorInput {
                conditions: vec!["latency < 3".into()],
                ..input("production", "API", "https://x.example.com")
            },
            "not something a condition can check",
        ),
        (
            MonitorInput {
                conditions: vec!["cert_days > 7".into()],
                ..input("production", "API", "http://x.example.com")
            },
            "plain http URL",
        ),
        (
            MonitorInput {
                headers: vec![("Authorization".into(), "Bearer abc".into())],
                ..input("production", "API", "https://x.example.com")
            },
            "carries a secret",
        ),
        (
            MonitorInput {
                credential: Some("orders-token".into()),
                ..input("production", "API", "https://evil.example.com/health")
            },
            "may only be sent to https://orders.example.com",
        ),
        (
            MonitorInput {
                interval_s: Some(10),
                timeout_ms: Some(20_000),
                ..input("production", "API", "https://x.example.com")
            },
            "no more than its interval",
        ),
    ] {
        let error = monitors::add(&mut f.store, &c, &launch.id, &bad).unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidInput, "{error}");
        assert!(error.to_string().contains(says), "{says}: {error}");
    }
    let unknown = monitors::add(
        &mut f.store,
        &c,
        &launch.id,
        &input("staging", "API", "https://x.example.com"),
    )
    .unwrap_err();
    assert_eq!(unknown.code(), ErrorCode::NotFound);
    assert!(
        unknown.to_string().contains("no environment \"staging\""),
        "{unknown}"
    );
    assert!(
        monitors::list(f.store.conn(), &launch.id)
            .unwrap()
            .is_empty()
    );
    let good = monitors::add(
        &mut f.store,
        &c,
        &launch.id,
        &MonitorInput {
            credential: Some("orders-token".into()),
            conditions: vec![
                "status in 200..299".into(),
                "cert_days > 30 else warn".into(),
            ],
            ..input(
                "production",
                "Orders",
                "https://orders.example.com/actuator/health",
            )
        },
    )
    .unwrap();
    assert_eq!(
        (
            good.interval_s,
            good.failure_threshold,
            good.success_threshold
        ),
        (60, 2, 2)
    );
    let clash = monitors::add(
        &mut f.store,
        &c,
        &launch.id,
        &input("production", "orders", "https://x.example.com"),
    );
    assert_eq!(clash.unwrap_err().code(), ErrorCode::Conflict);
    let in_use = credentials::remove(&mut f.store, &c, "orders-token").unwrap_err();
    assert!(
        in_use.to_string().contains("used by the monitor(s) Orders"),
        "{in_use}"
    );
    let occupied = environments::remove(&mut f.store, &c, &launch.id, "production").unwrap_err();
    assert!(
        occupied.to_string().contains("still has 1 monitor"),
        "{occupied}"
    );
}

#[test]
fn state_moves_only_past_thresholds_and_alerts_survive_restarts_without_duplicates() {
    let mut f = Fixture::new();
    let launch = f.launch();
    let c = change("ben", "2026-12-07T09:00:00Z");
    environments::add(&mut f.store, &c, &launch.id, "production", true).unwrap();
    let m = monitors::add(
        &mut f.store,
        &c,
        &launch.id,
        &input("production", "Orders", "http://127.0.0.1:1/health"),
    )
    .unwrap();
    let start = at("2026-12-07T09:00:00Z");
    let step = |n: i64| start + (n * 30).seconds();
    let rec = |store: &mut Store, n: i64, verdict| {
        record::store(
            store,
            &change("golive", "2026-12-07T09:00:00Z"),
            &[outcome(&m.id, step(n), verdict, 40)],
        )
        .unwrap()
    };
    rec(&mut f.store, 0, ProbeVerdict::Pass);
    assert_eq!(
        record::state(f.store.conn(), &m.id).unwrap().unwrap().state,
        "up"
    );
    rec(&mut f.store, 1, ProbeVerdict::Fail);
    assert_eq!(
        record::state(f.store.conn(), &m.id).unwrap().unwrap().state,
        "up",
        "one failure is below the threshold of 2"
    );
    let second = rec(&mut f.store, 2, ProbeVerdict::Fail);
    assert_eq!(
        second.transitions,
        vec![(m.id.clone(), "up".into(), "down".into())]
    );
    let open: Vec<_> = alerts::list(f.store.conn(), &launch.id, 10).unwrap();
    let downtime: Vec<_> = open.iter().filter(|a| a.rule_key == "downtime").collect();
    assert_eq!(downtime.len(), 1);
    assert_eq!(downtime[0].severity, "critical");
    assert!(
        downtime[0].message.contains("Orders is down: status 503"),
        "{}",
        downtime[0].message
    );

    // A restart in the middle of the outage: same file, a new connection.
    let path = f.path();
    drop(std::mem::replace(
        &mut f.store,
        Store::open(&path, OpenMode::MustExist).unwrap(),
    ));
    rec(&mut f.store, 3, ProbeVerdict::Fail);
    rec(&mut f.store, 4, ProbeVerdict::Pass);
    let open_downtime = |store: &Store| {
        alerts::list(store.conn(), &launch.id, 10)
            .unwrap()
            .into_iter()
            .filter(|a| a.rule_key == "downtime")
            .collect::<Vec<_>>()
    };
    assert_eq!(
        open_downtime(&f.store).len(),
        1,
        "no second down alert after a restart"
    );
    assert!(
        open_downtime(&f.store)[0].is_open(),
        "one pass is below the success threshold"
    );
    let alert_id = open_downtime(&f.store)[0].id.clone();
    let acked = alerts::acknowledge(
        &mut f.store,
        &change("ben", "2026-12-07T09:03:00Z"),
        &launch.id,
        &alert_id,
        "restarting the pool",
    )
    .unwrap();
    assert_eq!(acked.ack_note.as_deref(), Some("restarting the pool"));
    assert_eq!(acked.acknowledged_by.as_deref(), Some("ben"));

    drop(std::mem::replace(
        &mut f.store,
        Store::open(&path, OpenMode::MustExist).unwrap(),
    ));
    let back = rec(&mut f.store, 5, ProbeVerdict::Pass);
    assert_eq!(
        back.transitions,
        vec![(m.id.clone(), "down".into(), "up".into())]
    );
    let resolved = open_downtime(&f.store);
    assert_eq!(resolved.len(), 1);
    assert!(
        !resolved[0].is_open(),
        "resolved after the restart, not lost"
    );
    let pending = alerts::pending_notifications(f.store.conn()).unwrap();
    let events: Vec<(&str, &str)> = pending
        .iter()
        .map(|p| (p.alert.rule_key.as_str(), p.event.as_str()))
        .collect();
    assert!(
        events.contains(&("downtime", "raised")) && events.contains(&("downtime", "resolved")),
        "{events:?}"
    );
    for p in &pending {
        alerts::mark_notified(&f.store, &p.alert.id, &p.event, true).unwrap();
    }
    assert!(
        alerts::pending_notifications(f.store.conn())
            .unwrap()
            .is_empty()
    );
    let ack_resolved = alerts::acknowledge(&mut f.store, &c, &launch.id, &resolved[0].id, "late");
    assert_eq!(ack_resolved.unwrap_err().code(), ErrorCode::Conflict);
    let actions: Vec<String> = golive_core::audit::events(
        f.store.conn(),
        &golive_core::audit::Query {
            launch_id: Some(launch.id.clone()),
            ..golive_core::audit::Query::default()
        },
    )
    .unwrap()
    .into_iter()
    .map(|e| e.action)
    .collect();
    for action in [
        "alert.raise",
        "alert.acknowledge",
        "alert.resolve",
        "monitor.add",
        "environment.add",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} audited: {actions:?}"
        );
    }
}

#[test]
fn rules_from_the_plan_raise_database_resource_latency_and_certificate_alerts() {
    let mut f = Fixture::new();
    let launch = f.launch();
    let c = change("ben", "2026-12-07T09:00:00Z");
    environments::add(&mut f.store, &c, &launch.id, "production", true).unwrap();
    let m = monitors::add(
        &mut f.store,
        &c,
        &launch.id,
        &input("production", "Payments", "https://127.0.0.1:1/health"),
    )
    .unwrap();
    let start = at("2026-12-07T09:00:00Z");
    let mut bad = outcome(&m.id, start, ProbeVerdict::Warn, 2600);
    bad.components = vec![Component {
        name: "postgres".into(),
        verdict: Verdict::Fail,
        detail: "fail: refused".into(),
        datastore: true,
    }];
    bad.measurements = vec![golive_core::health::format::Measurement {
        name: "cpu:utilization".into(),
        value: 91.0,
        unit: "percent".into(),
    }];
    bad.cert_days_left = Some(5);
    let mut second = bad.clone();
    second.at = start + 30.seconds();
    record::store(&mut f.store, &c, &[bad, second]).unwrap();
    let open: Vec<(String, String)> = alerts::list(f.store.conn(), &launch.id, 0)
        .unwrap()
        .into_iter()
        .map(|a| (a.rule_key, a.severity))
        .collect();
    for expected in [
        ("database-connection", "critical"),
        ("resource-usage", "warning"),
        ("response-time-critical", "critical"),
        ("certificate-expiry-critical", "critical"),
    ] {
        assert!(
            open.contains(&(expected.0.into(), expected.1.into())),
            "{expected:?} in {open:?}"
        );
    }
    // The warning of a metric gives way while its critical alert holds.
    assert!(
        !open
            .iter()
            .any(|(k, _)| k == "response-time-warning" || k == "certificate-expiry"),
        "{open:?}"
    );

    let mut good = outcome(
        &m.id,
        start + 5.minutes() + 30.seconds(),
        ProbeVerdict::Pass,
        40,
    );
    good.cert_days_left = Some(80);
    let mut again = good.clone();
    again.at = start + 6.minutes();
    record::store(&mut f.store, &c, &[good, again]).unwrap();
    let still_open: Vec<String> = alerts::list(f.store.conn(), &launch.id, 0)
        .unwrap()
        .into_iter()
        .map(|a| a.rule_key)
        .collect();
    assert!(
        still_open.is_empty(),
        "all resolved once healthy: {still_open:?}"
    );
}

#[test]
fn maintenance_silences_new_alerts() {
    let mut f = Fixture::new();
    let launch = f.launch();
    let c = change("ben", "2026-12-07T09:00:00Z");
    let env = environments::add(&mut f.store, &c, &launch.id, "production", true).unwrap();
    let m = monitors::add(
        &mut f.store,
        &c,
        &launch.id,
        &input("production", "Orders", "http://127.0.0.1:1/"),
    )
    .unwrap();
    golive_core::health::maintenance::add(
        &mut f.store,
        &c,
        &launch.id,
        &golive_core::health::maintenance::WindowInput {
            environment: Some(env.name.clone()),
            monitor: None,
            starts_at: "2026-12-07T08:00:00Z".into(),
            ends_at: "2026-12-07T10:00:00Z".into(),
            reason: "database failover drill".into(),
        },
    )
    .unwrap();
    let start = at("2026-12-07T09:00:00Z");
    for n in 0..3 {
        record::store(
            &mut f.store,
            &c,
            &[outcome(
                &m.id,
                start + (n * 30).seconds(),
                ProbeVerdict::Fail,
                30,
            )],
        )
        .unwrap();
    }
    assert_eq!(
        record::state(f.store.conn(), &m.id).unwrap().unwrap().state,
        "down"
    );
    assert!(
        alerts::list(f.store.conn(), &launch.id, 10)
            .unwrap()
            .is_empty(),
        "silenced by the window"
    );
    // After the window the outage raises its alert.
    record::store(
        &mut f.store,
        &c,
        &[outcome(
            &m.id,
            at("2026-12-07T10:00:30Z"),
            ProbeVerdict::Fail,
            30,
        )],
    )
    .unwrap();
    assert_eq!(
        alerts::list(f.store.conn(), &launch.id, 10).unwrap().len(),
        1
    );
}

#[test]
fn success_metrics_come_from_rollups_against_the_plan_targets() {
    let mut f = Fixture::new();
    let launch = f.launch();
    let c = change("ben", "2026-12-07T09:00:00Z");
    environments::add(&mut f.store, &c, &launch.id, "production", true).unwrap();
    let m = monitors::add(
        &mut f.store,
        &c,
        &launch.id,
        &input("production", "Orders", "http://127.0.0.1:1/"),
    )
    .unwrap();
    let start = at("2026-12-07T00:00:00Z");
    // 100 probes a minute apart: 99 pass at 100..199 ms, one fails.
    let outcomes: Vec<Outcome> = (0..100)
        .map(|n| {
            let verdict = if n == 50 {
                ProbeVerdict::Fail
            } else {
                ProbeVerdict::Pass
            };
            outcome(&m.id, start + n.minutes(), verdict, 100 + n as u64)
        })
        .collect();
    record::store(&mut f.store, &c, &outcomes).unwrap();
    let now = start + 100.minutes();
    let envs = metrics::success_metrics(f.store.conn(), &launch.id, 24, now).unwrap();
    let production = &envs[0];
    assert_eq!(production.probes, 100);
    let get = |key: &str| {
        production
            .metrics
            .iter()
            .find(|m| m.key == key)
            .unwrap()
            .clone()
    };
    let uptime = get("uptime");
    assert_eq!(uptime.value, Some(99.0));
    assert_eq!(
        (uptime.met, uptime.target.as_str()),
        (Some(false), "≥ 99.9 %")
    );
    let error_rate = get("error-rate");
    assert_eq!((error_rate.value, error_rate.met), (Some(1.0), Some(true)));
    let average = get("avg-response").value.unwrap();
    assert!((149.0..=150.0).contains(&average), "{average}");
    let p95 = get("api-response").value.unwrap();
    assert!((150.0..=200.0).contains(&p95), "p95 {p95}");
}

#[test]
fn a_toml_block_imports_whole_or_not_at_all() {
    let mut f = Fixture::new();
    let launch = f.launch();
    let c = change("ben", "2026-12-01T10:00:00Z");
    let good = r#"
[[credentials]]
id = "orders-key"
kind = "header"
header_name = "X-Api-Key"
origin = "https://orders.example.com"

[[environments]]
name = "production"
production = true

[[environments.monitors]]
name = "Orders API"
url = "https://orders.example.com/actuator/health"
credential = "orders-key"
format = "actuator"
conditions = ["response_time < 2s", "cert_days > 30 else warn"]

[[environments]]
name = "staging"

[[environments.monitors]]
name = "Search"
url = "http://search.staging.example.com/ping"
interval_s = 30
"#;
    let imported = import::import(&mut f.store, &c, &launch.id, good, "monitors.toml").unwrap();
    assert_eq!(
        (
            imported.credentials,
            imported.environments,
            imported.monitors
        ),
        (1, 2, 2)
    );
    let bad_syntax = import::import(
        &mut f.store,
        &c,
        &launch.id,
        "[[environments]]\nname = \n",
        "bad.toml",
    )
    .unwrap_err();
    assert!(
        bad_syntax
            .to_string()
            .starts_with("cannot import monitors from bad.toml:2:"),
        "{bad_syntax}"
    );
    let bad_field = "[[environments]]\nname = \"qa\"\n\n[[environments.monitors]]\nname = \"X\"\nurl = \"https://x.example.com\"\nintervall = 5\n";
    let error = import::import(&mut f.store, &c, &launch.id, bad_field, "typo.toml").unwrap_err();
    assert!(error.to_string().contains("typo.toml:7:1"), "{error}");
    assert!(error.to_string().contains("intervall"), "{error}");
    let clash = "[[environments]]\nname = \"qa\"\n\n[[environments.monitors]]\nname = \"Y\"\nurl = \"https://y.example.com\"\n\n[[environments.monitors]]\nname = \"Z\"\nurl = \"https://z.example.com\"\nconditions = [\"status ~ 200\"]\n";
    let error = import::import(&mut f.store, &c, &launch.id, clash, "clash.toml").unwrap_err();
    assert!(
        error.to_string().contains("environments[0].monitors[1]"),
        "{error}"
    );
    assert!(
        error.to_string().contains("nothing was imported"),
        "{error}"
    );
    let names: Vec<String> = environments::list(f.store.conn(), &launch.id)
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(names, ["production", "staging"], "qa was not half-imported");
    assert_eq!(monitors::list(f.store.conn(), &launch.id).unwrap().len(), 2);
}
