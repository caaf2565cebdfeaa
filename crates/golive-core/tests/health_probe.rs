//! Probes against real servers on 127.0.0.1: every health format and
//! condition, TLS with certificates generated here, endpoints that never
//! answer, trickle, flood or redirect elsewhere.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use golive_core::health::credentials::{Credential, CredentialKind};
use golive_core::health::format::Format;
use golive_core::health::monitors::Monitor;
use golive_core::health::probe::{Outcome, ProbeVerdict, Prober, Secret};
use golive_demo::certs::{Authority, Kind};
use golive_demo::platform::{Platform, SERVICES, State};
use golive_demo::server::{Handler, Reply, Request, Server, SwappableCert};

fn loopback() -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, 0))
}

pub fn monitor(url: &str, format: Format, conditions: &[&str]) -> Monitor {
    Monitor {
        id: "m1".into(),
        environment_id: "e1".into(),
        environment: "production".into(),
        production: true,
        name: "probe".into(),
        url: url.into(),
        method: "GET".into(),
        headers: Vec::new(),
        body: None,
        credential: None,
        interval_s: 30,
        timeout_ms: 2000,
        failure_threshold: 2,
        success_threshold: 2,
        conditions: conditions.iter().map(|c| c.to_string()).collect(),
        format,
        ca_file: None,
    }
}

async fn probe(monitor: &Monitor) -> Outcome {
    Prober::new().run(monitor, &Secret::None).await
}

fn service(key: &str) -> &'static golive_demo::platform::Service {
    SERVICES
        .iter()
        .find(|s| s.key == key)
        .expect("demo service")
}

fn reason(outcome: &Outcome) -> &str {
    outcome.reason.as_deref().unwrap_or("")
}

#[tokio::test]
async fn every_health_format_of_the_demo_platform_passes_then_fails_with_its_reason() {
    let demo = Platform::start(0, 0, "demo-token").await.unwrap();
    for (key, format) in [
        ("orders", Format::Actuator),
        ("payments", Format::HealthJson),
        ("cluster", Format::Kubernetes),
        ("search", Format::Plain),
    ] {
        let m = monitor(&demo.url(service(key)), format, &[]);
        let ok = probe(&m).await;
        assert_eq!(ok.verdict, ProbeVerdict::Pass, "{key}: {ok:?}");
        assert_eq!(ok.status, Some(200));
        // Auto-detection reads the same verdict.
        let auto = probe(&monitor(&m.url, Format::Auto, &[])).await;
        assert_eq!(auto.verdict, ProbeVerdict::Pass, "{key} auto: {auto:?}");
    }
    demo.set("all", State::Failing).unwrap();
    let orders = probe(&monitor(
        &demo.url(service("orders")),
        Format::Actuator,
        &[],
    ))
    .await;
    assert_eq!(orders.verdict, ProbeVerdict::Fail);
    assert_eq!(reason(&orders), "unhealthy");
    assert!(
        orders.detail.contains("db DOWN: connection pool exhausted"),
        "{}",
        orders.detail
    );
    assert!(
        orders
            .components
            .iter()
            .any(|c| c.name == "db" && c.datastore)
    );
    let cluster = probe(&monitor(&demo.url(service("cluster")), Format::Auto, &[])).await;
    assert_eq!(cluster.verdict, ProbeVerdict::Fail);
    assert!(cluster.detail.contains("etcd"), "{}", cluster.detail);
    let search = probe(&monitor(&demo.url(service("search")), Format::Plain, &[])).await;
    assert_eq!(
        (reason(&search), search.detail.as_str()),
        ("unexpected_status", "status 503, expected 2xx")
    );

    demo.set("all", State::Warn).unwrap();
    let payments = probe(&monitor(
        &demo.url(service("payments")),
        Format::HealthJson,
        &[],
    ))
    .await;
    assert_eq!(payments.verdict, ProbeVerdict::Warn);
    let cpu = payments
        .measurements
        .iter()
        .find(|m| m.name.starts_with("cpu:utilization"))
        .expect("cpu measurement");
    assert_eq!(cpu.utilisation_percent(), Some(85.0));
    let orders = probe(&monitor(
        &demo.url(service("orders")),
        Format::Actuator,
        &[],
    ))
    .await;
    assert_eq!(
        orders.verdict,
        ProbeVerdict::Warn,
        "UNKNOWN warns: {orders:?}"
    );
}

#[tokio::test]
async fn conditions_judge_status_json_body_and_time() {
    let handler: Handler = Arc::new(|_: &Request| {
        Reply::json(
            200,
            &serde_json::json!({"status": "DOWN", "queue": {"depth": 120}, "version": "v2.4.1"}),
        )
        .delayed(Duration::from_millis(150))
    });
    let server = Server::http(loopback(), handler).await.unwrap();
    let url = server.url("http", "/health");
    let passing = probe(&monitor(
        &url,
        Format::Plain,
        &[
            "status in 200..299",
            "$.version matches \"^v2\\.\"",
            "body contains \"queue\"",
            "$.queue.depth > 100",
        ],
    ))
    .await;
    assert_eq!(passing.verdict, ProbeVerdict::Pass, "{passing:?}");
    let failing = probe(&monitor(&url, Format::Plain, &["$.status == UP"])).await;
    assert_eq!(failing.verdict, ProbeVerdict::Fail);
    assert_eq!(reason(&failing), "condition_failed");
    assert_eq!(failing.detail, "$.status is DOWN, expected UP");
    let slow = probe(&monitor(
        &url,
        Format::Plain,
        &[
            "response_time < 100ms else warn",
            "$.queue.depth <= 100 else warn",
        ],
    ))
    .await;
    assert_eq!(slow.verdict, ProbeVerdict::Warn, "{slow:?}");
    assert!(slow.detail.contains("response time is"), "{}", slow.detail);
    assert!(
        slow.detail
            .contains("$.queue.depth is 120, expected <= 100"),
        "{}",
        slow.detail
    );
    let wrong_status = probe(&monitor(&url, Format::Plain, &["status == 204"])).await;
    assert_eq!(wrong_status.detail, "status is 200, expected 204");
}

/// A TLS server presenting one kind of certificate, and a monitor trusting the CA.
async fn tls_case(kind: Kind, conditions: &[&str]) -> (Outcome, tempfile::TempDir) {
    let authority = Authority::new().unwrap();
    let cert = SwappableCert::new(authority.issue(kind).unwrap().certified_key().unwrap());
    let handler: Handler = Arc::new(|_: &Request| Reply::with_type(200, "text/plain", "ok"));
    let server = Server::https(loopback(), handler, cert).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, authority.pem()).unwrap();
    let mut m = monitor(&server.url("https", "/health"), Format::Plain, conditions);
    m.ca_file = Some(ca.display().to_string());
    (probe(&m).await, dir)
}

#[tokio::test]
async fn certificates_valid_expiring_expired_early_wrong_host_and_self_signed() {
    let (valid, _dir) = tls_case(Kind::Valid, &["cert_days > 30 else warn", "cert_days > 7"]).await;
    assert_eq!(valid.verdict, ProbeVerdict::Pass, "{valid:?}");
    assert!(
        matches!(valid.cert_days_left, Some(88..=90)),
        "{:?}",
        valid.cert_days_left
    );

    let (expiring, _dir) = tls_case(
        Kind::Expiring(10),
        &["cert_days > 30 else warn", "cert_days > 7"],
    )
    .await;
    assert_eq!(expiring.verdict, ProbeVerdict::Warn, "{expiring:?}");
    assert_eq!(expiring.cert_days_left, Some(10));
    assert_eq!(
        expiring.detail,
        "certificate expires in 10 days, expected > 30"
    );

    for (kind, expected, words) in [
        (Kind::Expired, "certificate_expired", "certificate expired"),
        (
            Kind::NotYetValid,
            "certificate_not_yet_valid",
            "not yet valid",
        ),
        (
            Kind::WrongHost,
            "certificate_wrong_host",
            "another host name",
        ),
        (Kind::SelfSigned, "certificate_untrusted", "self-signed"),
    ] {
        let (outcome, _dir) = tls_case(kind, &[]).await;
        assert_eq!(outcome.verdict, ProbeVerdict::Fail);
        assert_eq!(reason(&outcome), expected, "{kind:?}: {outcome:?}");
        assert!(
            outcome.detail.contains(words),
            "{kind:?}: {}",
            outcome.detail
        );
    }
}

#[tokio::test]
async fn endpoints_that_never_answer_trickle_or_flood_fail_in_time_with_their_reason() {
    let handler: Handler = Arc::new(|request: &Request| match request.path() {
        "/silent" => Reply::Silent,
        "/trickle" => Reply::Trickle,
        _ => Reply::Flood(1024 * 1024 * 1024),
    });
    let server = Server::http(loopback(), handler).await.unwrap();
    for (path, expected) in [
        ("/silent", "timeout"),
        ("/trickle", "timeout"),
        ("/flood", "body_too_large"),
    ] {
        let mut m = monitor(&server.url("http", path), Format::Plain, &[]);
        m.timeout_ms = 1500;
        let started = Instant::now();
        let outcome = probe(&m).await;
        let took = started.elapsed();
        assert_eq!(reason(&outcome), expected, "{path}: {outcome:?}");
        assert!(
            took < Duration::from_millis(2500),
            "{path} took {took:?}, more than its timeout + 1 s"
        );
    }
    // Nothing listens on a port just released.
    let port = std::net::TcpListener::bind(loopback())
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let refused = probe(&monitor(
        &format!("http://127.0.0.1:{port}/"),
        Format::Plain,
        &[],
    ))
    .await;
    assert_eq!(reason(&refused), "refused", "{refused:?}");
    assert!(refused.detail.contains("connection refused"));
}

fn credential(kind: CredentialKind, origin: &str) -> Credential {
    Credential {
        id: "api".into(),
        label: String::new(),
        kind,
        header_name: (kind == CredentialKind::Header).then(|| "X-Api-Key".into()),
        origin: origin.into(),
    }
}

#[tokio::test]
async fn a_credential_never_follows_a_redirect_to_another_origin() {
    const SECRET: &str = "s3cr3t-redirect-token";
    let elsewhere = Server::http(
        loopback(),
        Arc::new(|_: &Request| Reply::with_type(200, "text/plain", "ok")),
    )
    .await
    .unwrap();
    let target = elsewhere.url("http", "/landed");
    let handler: Handler = Arc::new(move |request: &Request| match request.path() {
        "/away" => Reply::redirect(302, &target),
        "/here" => Reply::redirect(307, "/final"),
        "/loop" => Reply::redirect(302, "/loop2"),
        "/loop2" => Reply::redirect(302, "/loop"),
        _ => Reply::with_type(200, "text/plain", "ok"),
    });
    let origin_server = Server::http(loopback(), handler).await.unwrap();
    let origin = format!("http://{}", origin_server.addr);
    for kind in [
        CredentialKind::Header,
        CredentialKind::Bearer,
        CredentialKind::Basic,
    ] {
        let secret = Secret::Ready(credential(kind, &origin), format!("user:{SECRET}"));
        let away = Prober::new()
            .run(
                &monitor(&origin_server.url("http", "/away"), Format::Plain, &[]),
                &secret,
            )
            .await;
        assert_eq!(away.verdict, ProbeVerdict::Pass, "{away:?}");
        let here = Prober::new()
            .run(
                &monitor(&origin_server.url("http", "/here"), Format::Plain, &[]),
                &secret,
            )
            .await;
        assert_eq!(here.verdict, ProbeVerdict::Pass);
    }
    let landed = elsewhere.requests();
    assert_eq!(landed.len(), 3, "each redirect reached the other port once");
    for request in &landed {
        assert_eq!(request.header("authorization"), None, "{request:?}");
        assert_eq!(request.header("x-api-key"), None, "{request:?}");
        let raw = format!("{:?}", request.headers);
        assert!(
            !raw.contains(SECRET) && !raw.contains("dXNlcjpzM2NyM3Q"),
            "{raw}"
        );
    }
    // On its own origin the credential is sent, on the redirect too.
    let finals: Vec<Request> = origin_server
        .requests()
        .into_iter()
        .filter(|r| r.path() == "/final")
        .collect();
    assert_eq!(finals.len(), 3);
    assert_eq!(
        finals[0].header("x-api-key"),
        Some(format!("user:{SECRET}").as_str())
    );
    assert_eq!(
        finals[1].header("authorization"),
        Some(format!("Bearer user:{SECRET}").as_str())
    );
    assert!(
        finals[2]
            .header("authorization")
            .unwrap()
            .starts_with("Basic ")
    );

    let looped = probe(&monitor(
        &origin_server.url("http", "/loop"),
        Format::Plain,
        &[],
    ))
    .await;
    assert_eq!(reason(&looped), "redirect_loop", "{looped:?}");
}

#[tokio::test]
async fn a_credential_that_cannot_be_read_is_not_an_outage() {
    let m = monitor("http://127.0.0.1:9/", Format::Plain, &[]);
    let outcome = Prober::new()
        .run(&m, &Secret::Unavailable("the OS keychain is locked".into()))
        .await;
    assert_eq!(outcome.verdict, ProbeVerdict::CredentialUnavailable);
    assert!(
        outcome.detail.starts_with("credential unavailable"),
        "{}",
        outcome.detail
    );
}
