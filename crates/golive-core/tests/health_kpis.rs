//! KPIs: the plan's hand-entered success targets on every new launch,
//! values entered by hand and read from JSON and Prometheus endpoints on
//! 127.0.0.1, and the readiness rules over health and KPIs.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use golive_core::health::environments;
use golive_core::health::kpis::{self, KpiInput, KpiSource};
use golive_core::health::monitors::{self, MonitorInput};
use golive_core::health::probe::{Outcome, ProbeVerdict, Prober, Secret};
use golive_core::health::record;
use golive_core::{ErrorCode, readiness};
use golive_demo::server::{Handler, Reply, Request, Server};
use jiff::ToSpan;

use crate::support::{Fixture, at, change};

#[test]
fn a_new_launch_tracks_the_plans_hand_entered_targets_and_values_keep_their_history() {
    let mut f = Fixture::new();
    let launch = f.launch();
    let list = kpis::list(f.store.conn(), &launch.id).unwrap();
    let keys: Vec<&str> = list.iter().map(|k| k.key.as_str()).collect();
    for key in [
        "satisfaction",
        "page-load",
        "feature-adoption",
        "active-users",
        "training-completion",
    ] {
        assert!(keys.contains(&key), "{key} in {keys:?}");
    }
    let satisfaction = list.iter().find(|k| k.key == "satisfaction").unwrap();
    assert_eq!(
        (satisfaction.target.as_str(), satisfaction.unit.as_str()),
        ("≥ 95 %", "%")
    );
    assert_eq!(
        list.iter()
            .find(|k| k.key == "active-users")
            .unwrap()
            .target,
        "tracked"
    );

    for (n, value) in [93.0, 96.5].into_iter().enumerate() {
        let c = change("pat", &format!("2026-12-0{}T10:00:00Z", n + 2));
        kpis::record(
            &mut f.store,
            &c,
            &launch.id,
            "satisfaction",
            value,
            "survey of 400 users",
        )
        .unwrap();
    }
    let satisfaction = kpis::get(f.store.conn(), &launch.id, "satisfaction").unwrap();
    assert_eq!(satisfaction.latest.as_ref().unwrap().value, Some(96.5));
    assert_eq!(satisfaction.met, Some(true));
    assert_eq!(satisfaction.trend, vec![93.0, 96.5]);
    let c = change("pat", "2026-12-05T10:00:00Z");
    let error = kpis::record(&mut f.store, &c, &launch.id, "satisfaction", 140.0, "").unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidInput);
    assert!(error.to_string().contains("between 0 and 100"), "{error}");
    assert_eq!(
        kpis::get(f.store.conn(), &launch.id, "satisfaction")
            .unwrap()
            .trend
            .len(),
        2
    );
    let bad = kpis::save(
        &mut f.store,
        &c,
        &launch.id,
        None,
        &KpiInput {
            key: "adoption-api".into(),
            title: "Adoption from the API".into(),
            source: Some(KpiSource::Json),
            url: Some("http://127.0.0.1:9/metrics".into()),
            selector: Some("adoption.rate".into()),
            ..KpiInput::default()
        },
    )
    .unwrap_err();
    assert!(bad.to_string().contains("JSON path"), "{bad}");
}

#[tokio::test]
async fn kpis_are_read_from_json_and_prometheus_endpoints() {
    let handler: Handler = Arc::new(|request: &Request| match request.path() {
        "/stats" => Reply::json(200, &serde_json::json!({"adoption": {"rate": 83.5}})),
        "/metrics" => Reply::with_type(
            200,
            "text/plain; version=0.0.4",
            "# TYPE app_active_users gauge\napp_active_users{env=\"prod\"} 1520\napp_active_users{env=\"staging\"} 7\n",
        ),
        _ => Reply::with_type(500, "text/plain", "boom"),
    });
    let server = Server::http(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), handler)
        .await
        .unwrap();
    let mut f = Fixture::new();
    let launch = f.launch();
    let c = change("ben", "2026-12-01T10:00:00Z");
    let adoption = kpis::save(
        &mut f.store,
        &c,
        &launch.id,
        Some("feature-adoption"),
        &KpiInput {
            key: "feature-adoption".into(),
            title: "Feature adoption rate".into(),
            unit: "%".into(),
            above: Some(80.0),
            source: Some(KpiSource::Json),
            url: Some(server.url("http", "/stats")),
            selector: Some("$.adoption.rate".into()),
            interval_s: Some(60),
            ..KpiInput::default()
        },
    )
    .unwrap();
    let users = kpis::save(
        &mut f.store,
        &c,
        &launch.id,
        Some("active-users"),
        &KpiInput {
            key: "active-users".into(),
            title: "Active users".into(),
            source: Some(KpiSource::Prometheus),
            url: Some(server.url("http", "/metrics")),
            selector: Some("app_active_users{env=\"prod\"}".into()),
            ..KpiInput::default()
        },
    )
    .unwrap();
    let prober = Prober::new();
    assert_eq!(
        kpis::read_now(&prober, &adoption, &Secret::None).await,
        Ok(83.5)
    );
    assert_eq!(
        kpis::read_now(&prober, &users, &Secret::None).await,
        Ok(1520.0)
    );
    let mut broken = users.clone();
    broken.url = Some(server.url("http", "/missing"));
    let failed = kpis::read_now(&prober, &broken, &Secret::None)
        .await
        .unwrap_err();
    assert_eq!(failed, "status 500, expected 2xx");

    kpis::store_reading(
        &f.store,
        &adoption.id,
        at("2026-12-02T10:00:00Z"),
        &Ok(83.5),
    )
    .unwrap();
    kpis::store_reading(
        &f.store,
        &adoption.id,
        at("2026-12-02T10:05:00Z"),
        &Err("no answer within 10000 ms".into()),
    )
    .unwrap();
    let adoption = kpis::get(f.store.conn(), &launch.id, "feature-adoption").unwrap();
    assert_eq!(
        (adoption.met, adoption.latest.unwrap().value),
        (Some(true), Some(83.5))
    );
    assert_eq!(
        adoption.last_error.as_deref(),
        Some("no answer within 10000 ms")
    );
    assert_eq!(adoption.target, "> 80 %");
}

fn pass(monitor_id: &str, when: jiff::Timestamp) -> Outcome {
    Outcome {
        monitor_id: monitor_id.into(),
        at: when,
        verdict: ProbeVerdict::Pass,
        latency_ms: 30,
        status: Some(200),
        reason: None,
        detail: String::new(),
        cert_days_left: None,
        components: Vec::new(),
        measurements: Vec::new(),
    }
}

fn rule_holds(f: &Fixture, launch_id: &str, key: &str) -> (bool, String) {
    let item = readiness::item(f.store.conn(), launch_id, key, at("2026-12-07T12:00:00Z")).unwrap();
    let rule = item.rule.expect("the item has a rule");
    (rule.now.holds, rule.now.summary)
}

#[test]
fn health_rules_follow_monitors_and_kpis() {
    let mut f = Fixture::new();
    let launch = f.launch();
    // DAY-01 "Pre-deployment health checks passed", DAY-05 "Monitoring systems
    // confirmed active", DAY-08 "Success metrics recorded".
    assert_eq!(
        rule_holds(&f, &launch.id, "DAY-01"),
        (false, "there is no environment \"production\"".into())
    );
    assert!(!rule_holds(&f, &launch.id, "DAY-05").0);
    let c = change("ben", "2026-12-07T09:00:00Z");
    environments::add(&mut f.store, &c, &launch.id, "production", true).unwrap();
    let m = monitors::add(
        &mut f.store,
        &c,
        &launch.id,
        &MonitorInput {
            environment: "production".into(),
            name: "API".into(),
            url: "http://127.0.0.1:1/health".into(),
            ..MonitorInput::default()
        },
    )
    .unwrap();
    let (holds, summary) = rule_holds(&f, &launch.id, "DAY-05");
    assert!(!holds && summary == "0 of 1 monitors active", "{summary}");
    let start = at("2026-12-07T09:00:00Z");
    record::store(
        &mut f.store,
        &c,
        &[pass(&m.id, start), pass(&m.id, start + 30.seconds())],
    )
    .unwrap();
    assert_eq!(
        rule_holds(&f, &launch.id, "DAY-05"),
        (true, "1 of 1 monitors active".into())
    );
    assert_eq!(
        rule_holds(&f, &launch.id, "DAY-01"),
        (
            true,
            "no deploy yet; 1 of 1 monitors of production pass".into()
        )
    );

    let (holds, summary) = rule_holds(&f, &launch.id, "DAY-08");
    assert!(!holds && summary.starts_with("0 of "), "{summary}");
    for kpi in kpis::list(f.store.conn(), &launch.id).unwrap() {
        let value = if kpi.unit == "%" { 90.0 } else { 12.0 };
        kpis::record(
            &mut f.store,
            &c,
            &launch.id,
            &kpi.key,
            value,
            "weekly report",
        )
        .unwrap();
    }
    let (holds, summary) = rule_holds(&f, &launch.id, "DAY-08");
    assert!(holds, "{summary}");
    readiness::tick(&mut f.store, &c, &launch.id, "DAY-08", None).unwrap();
}
