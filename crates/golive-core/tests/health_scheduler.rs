//! The scheduler against real loopback servers: monitors run on their
//! intervals, a black-holed endpoint delays no one, results are stored in
//! batches and reported, a reload picks up a new monitor.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use golive_core::Actor;
use golive_core::health::environments;
use golive_core::health::monitors::{self, MonitorInput};
use golive_core::health::scheduler::Scheduler;
use golive_core::health::sweep::Limits;
use golive_demo::server::{Handler, Reply, Request, Server};

use crate::support::{Fixture, change};

fn results_of(path: &std::path::Path, monitor_id: &str) -> Vec<i64> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT at_ms FROM probe_results WHERE monitor_id = ?1 ORDER BY at_ms")
        .unwrap();
    stmt.query_map([monitor_id], |row| row.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monitors_run_on_their_interval_and_a_black_hole_delays_no_one() {
    let handler: Handler = Arc::new(|request: &Request| match request.path() {
        "/hole" => Reply::Silent,
        _ => Reply::with_type(200, "text/plain", "ok"),
    });
    let server = Server::http(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), handler.clone())
        .await
        .unwrap();
    let black_hole = Server::http(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), handler)
        .await
        .unwrap();
    let mut f = Fixture::new();
    let launch = f.launch();
    let c = change("ben", "2026-12-01T10:00:00Z");
    environments::add(&mut f.store, &c, &launch.id, "production", true).unwrap();
    let add = |store: &mut golive_core::Store, name: &str, url: String| {
        monitors::add(
            store,
            &c,
            &launch.id,
            &MonitorInput {
                environment: "production".into(),
                name: name.into(),
                url,
                interval_s: Some(5),
                timeout_ms: Some(4000),
                ..MonitorInput::default()
            },
        )
        .unwrap()
    };
    let fast = add(&mut f.store, "Fast", server.url("http", "/ok"));
    // Five hanging probes on one host hold at most its two per-host permits,
    // never all four overall ones.
    let holes: Vec<_> = (0..5)
        .map(|n| {
            add(
                &mut f.store,
                &format!("Hole {n}"),
                black_hole.url("http", "/hole"),
            )
        })
        .collect();
    let batches = Arc::new(Mutex::new(Vec::new()));
    let seen = batches.clone();
    let scheduler = Scheduler::start(
        f.path(),
        Actor::anonymous("golive"),
        Limits {
            overall: 4,
            per_host: 2,
        },
        Arc::new(move |_, count| seen.lock().unwrap().push(count)),
    );
    scheduler.probe_now();
    tokio::time::sleep(Duration::from_millis(11_500)).await;
    let fast_runs = results_of(&f.path(), &fast.id);
    assert!(
        (3..=4).contains(&fast_runs.len()),
        "now, then every 5 s: {} runs",
        fast_runs.len()
    );
    for pair in fast_runs.windows(2) {
        let gap = pair[1] - pair[0];
        assert!((4_000..=6_500).contains(&gap), "gap {gap} ms");
    }
    let hole_runs: usize = holes
        .iter()
        .map(|h| results_of(&f.path(), &h.id).len())
        .sum();
    assert!(
        (2..=6).contains(&hole_runs),
        "two at a time, 4 s each: {hole_runs} timeouts stored"
    );
    assert!(!batches.lock().unwrap().is_empty(), "batches are reported");

    // A monitor added later is picked up on reload.
    let late = add(&mut f.store, "Late", server.url("http", "/ok"));
    scheduler.reload();
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(results_of(&f.path(), &late.id).len(), 1);
    scheduler.stop();
}
