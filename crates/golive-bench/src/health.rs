//! The health figures of `make bench`: success metrics on the large store,
//! one sweep of 1,000 loopback endpoints against curl, and steady
//! monitoring of 500 monitors (50 black-holed) every 30 s.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use golive_core::health::format::Format;
use golive_core::health::monitors::{self, Monitor, MonitorInput};
use golive_core::health::probe::{ProbeVerdict, Prober};
use golive_core::health::scheduler::Scheduler;
use golive_core::health::sweep::{self, Limits};
use golive_core::health::{alerts, environments, metrics, overview};
use golive_core::launch::{self, NewLaunch};
use golive_core::plan::Template;
use golive_core::store::OpenMode;
use golive_core::{Actor, Change, Store};

use crate::endpoints;

pub fn run(dir: &Path, steady_seconds: u64) -> anyhow::Result<()> {
    metrics_on_the_large_store(&dir.join("large.db"), 100)?;
    println!();
    sweep_vs_curl(dir)?;
    println!();
    steady_monitoring(dir, steady_seconds)?;
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn p(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * q).round() as usize]
}

fn timed(
    runs: usize,
    mut body: impl FnMut() -> anyhow::Result<()>,
) -> anyhow::Result<(Duration, Duration)> {
    body()?;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        body()?;
        times.push(started.elapsed());
    }
    times.sort();
    Ok((p(&times, 0.5), p(&times, 0.95)))
}

/// 30-day uptime and success metrics, and the Health view's load, on the
/// large store's 100 monitors with 4.3 M results.
fn metrics_on_the_large_store(large: &Path, runs: usize) -> anyhow::Result<()> {
    let store = Store::open(large, OpenMode::MustExist)?;
    let conn = store.conn();
    let launch = launch::select(conn, None)?;
    let now = jiff::Timestamp::now();
    let thirty = timed(runs, || {
        metrics::success_metrics(conn, &launch.id, 720, now)?;
        Ok(())
    })?;
    let day = timed(runs, || {
        metrics::success_metrics(conn, &launch.id, 24, now)?;
        Ok(())
    })?;
    let view = timed(runs, || {
        overview::environments(conn, &launch.id)?;
        alerts::list(conn, &launch.id, 20)?;
        Ok(())
    })?;
    let results: i64 = conn.query_row("SELECT count(*) FROM probe_results", [], |r| r.get(0))?;
    let bare = timed(runs.min(20), || {
        let _: i64 = conn.query_row(
            "SELECT count(*) FROM probe_results WHERE at_ms >= ?1",
            [now.as_millisecond() - 30 * 86_400_000],
            |r| r.get(0),
        )?;
        Ok(())
    })?;
    println!(
        "health queries on the large store (100 monitors, {results} probe results; {runs} runs each)"
    );
    for (name, (p50, p95), goal) in [
        ("30-day uptime and success metrics", thirty, "<= 100 ms"),
        ("24-hour success metrics", day, "<= 100 ms"),
        (
            "Health view (monitors with state, alerts)",
            view,
            "<= 50 ms",
        ),
    ] {
        println!(
            "  {name:<44} p50 {:>7.2} ms   p95 {:>7.2} ms   goal: p95 {goal}   ({:.3} x counting the raw results)",
            ms(p50),
            ms(p95),
            ms(p95) / ms(bare.1)
        );
    }
    println!(
        "  {:<44} p50 {:>7.2} ms   p95 {:>7.2} ms   (baseline: COUNT(*) of 30 days of raw results)",
        "counting the raw results",
        ms(bare.0),
        ms(bare.1)
    );
    Ok(())
}

fn monitor(id: usize, url: String) -> Monitor {
    Monitor {
        id: format!("m{id}"),
        environment_id: "e".into(),
        environment: "production".into(),
        production: true,
        name: format!("Service {id}"),
        url,
        method: "GET".into(),
        headers: Vec::new(),
        body: None,
        credential: None,
        interval_s: 30,
        timeout_ms: 10_000,
        failure_threshold: 2,
        success_threshold: 2,
        conditions: vec!["status == 200".into(), "body contains \"ok\"".into()],
        format: Format::Plain,
        ca_file: None,
    }
}

/// One sweep of 1,000 endpoints (20 servers × 50 paths) with conditions,
/// against `curl --parallel --parallel-max 64` fetching the same URLs.
fn sweep_vs_curl(dir: &Path) -> anyhow::Result<()> {
    let servers = endpoints::start(20, 0)?;
    let urls: Vec<String> = (0..1000)
        .map(|i| {
            format!(
                "http://127.0.0.1:{}/svc/{i}",
                servers.ports[i % servers.ports.len()]
            )
        })
        .collect();
    let monitors: Vec<Monitor> = urls
        .iter()
        .enumerate()
        .map(|(i, u)| monitor(i, u.clone()))
        .collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let prober = Prober::new();
    let secrets = HashMap::new();
    let mut golive = Vec::new();
    let mut passed = 0;
    for round in 0..4 {
        let started = Instant::now();
        let outcomes = runtime.block_on(sweep::sweep(
            &prober,
            &monitors,
            &secrets,
            Limits::default(),
        ));
        let took = started.elapsed();
        passed = outcomes
            .iter()
            .filter(|o| o.verdict == ProbeVerdict::Pass)
            .count();
        if round > 0 {
            golive.push(took); // the first round warms the connections' code paths
        }
    }
    let config = dir.join("curl-urls.txt");
    let mut file = std::fs::File::create(&config)?;
    for url in &urls {
        writeln!(file, "url = \"{url}\"\noutput = \"/dev/null\"")?;
    }
    drop(file);
    let mut curl = Vec::new();
    for round in 0..4 {
        let started = Instant::now();
        let status = Command::new("curl")
            .args([
                "--parallel",
                "--parallel-max",
                "64",
                "--no-progress-meter",
                "-s",
                "-K",
            ])
            .stderr(std::process::Stdio::null())
            .arg(&config)
            .status()
            .context("run curl (install it: apt-get install curl)")?;
        anyhow::ensure!(status.success(), "curl failed: {status}");
        if round > 0 {
            curl.push(started.elapsed());
        }
    }
    golive.sort();
    curl.sort();
    let (g, c) = (golive[1], curl[1]);
    println!(
        "one sweep of 1,000 loopback endpoints (20 servers x 50 paths; median of 3 after a warm-up)"
    );
    println!(
        "  golive sweep (2 conditions each, {passed} of 1,000 passed)    {:>8.1} ms   goal: <= 1.0 x curl   ({:.2} x curl)",
        ms(g),
        ms(g) / ms(c)
    );
    println!(
        "  curl --parallel --parallel-max 64 (baseline)          {:>8.1} ms",
        ms(c)
    );
    Ok(())
}

fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|i| fields.get(*i).and_then(|f| f.parse::<f64>().ok()))
        .sum();
    let per_second = Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|t| t.trim().parse::<f64>().ok())
        .unwrap_or(100.0);
    ticks / per_second
}

fn pss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/smaps_rollup")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("Pss:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// 500 monitors every 30 s, 50 of them black-holed, through the scheduler
/// into a real store: CPU share, added memory, start jitter, and whether
/// the black holes delayed anyone.
fn steady_monitoring(dir: &Path, seconds: u64) -> anyhow::Result<()> {
    let servers = endpoints::start(20, 5)?;
    let path = dir.join("steady.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let mut store = Store::open(&path, OpenMode::CreateIfMissing)?;
    let change = Change::new(Actor::anonymous("bench"), jiff::Timestamp::now());
    let launch = launch::create(
        &mut store,
        &change,
        &NewLaunch {
            name: "Steady".into(),
            platform: String::new(),
            go_live_local: "2026-12-07T09:00".into(),
            time_zone: "UTC".into(),
        },
        &Template::standard(),
    )?;
    environments::add(&mut store, &change, &launch.id, "production", true)?;
    let mut holes = Vec::new();
    for n in 0..500 {
        let black_hole = n % 10 == 0;
        let port = if black_hole {
            servers.silent_ports[n % servers.silent_ports.len()]
        } else {
            servers.ports[n % servers.ports.len()]
        };
        let added = monitors::add(
            &mut store,
            &change,
            &launch.id,
            &MonitorInput {
                environment: "production".into(),
                name: format!("Service {n:03}"),
                url: format!("http://127.0.0.1:{port}/health/{n}"),
                interval_s: Some(30),
                timeout_ms: Some(10_000),
                conditions: vec!["status == 200".into()],
                ..MonitorInput::default()
            },
        )?;
        if black_hole {
            holes.push(added.id);
        }
    }
    drop(store);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let (pss_before, cpu_before) = (pss_mib(), cpu_seconds());
    let started = Instant::now();
    let scheduler = runtime.block_on(async {
        Scheduler::start(
            path.clone(),
            Actor::anonymous("golive"),
            Limits::default(),
            Arc::new(|_, _| {}),
        )
    });
    std::thread::sleep(Duration::from_secs(seconds));
    let (cpu_after, pss_after, wall) = (cpu_seconds(), pss_mib(), started.elapsed());
    scheduler.stop();
    drop(scheduler);
    runtime.shutdown_timeout(Duration::from_secs(2));

    let store = Store::open(&path, OpenMode::MustExist)?;
    let mut stmt = store
        .conn()
        .prepare("SELECT monitor_id, at_ms, latency_ms, verdict FROM probe_results ORDER BY monitor_id, at_ms")?;
    let mut by_monitor: HashMap<String, Vec<(i64, i64, String)>> = HashMap::new();
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get(1)?,
            r.get::<_, Option<i64>>(2)?,
            r.get(3)?,
        ))
    })?;
    for row in rows {
        let (id, at, latency, verdict) = row?;
        by_monitor
            .entry(id)
            .or_default()
            .push((at, latency.unwrap_or(0), verdict));
    }
    let mut jitter = Vec::new();
    let mut slowest_live = 0;
    let mut live_failures = 0;
    let mut results = 0;
    for (id, list) in &by_monitor {
        results += list.len();
        if holes.contains(id) {
            continue;
        }
        for (_, latency, verdict) in list {
            slowest_live = slowest_live.max(*latency);
            live_failures += usize::from(verdict != "pass");
        }
        for pair in list.windows(2) {
            jitter.push(Duration::from_millis(
                (pair[1].0 - pair[0].0 - 30_000).unsigned_abs(),
            ));
        }
    }
    jitter.sort();
    let cpu_share = (cpu_after - cpu_before) / wall.as_secs_f64() * 100.0;
    println!(
        "steady monitoring: 500 monitors every 30 s (50 black-holed, timeout 10 s) for {} s, {results} results stored",
        wall.as_secs()
    );
    println!("  CPU                         {cpu_share:>6.2} % of one core   goal: <= 2 %");
    println!(
        "  memory added (PSS)          {:>6.1} MiB              goal: <= 30 MB   ({pss_before:.1} MiB before, {pss_after:.1} MiB after)",
        pss_after - pss_before
    );
    if jitter.is_empty() {
        println!(
            "  start jitter                (no repeated probes yet: watch longer with --steady-seconds)"
        );
    } else {
        println!(
            "  start jitter p99            {:>6.0} ms               goal: < 1 s   (p50 {:.0} ms; includes the deliberate spread of up to 2 % of the interval)",
            ms(p(&jitter, 0.99)),
            ms(p(&jitter, 0.5))
        );
    }
    println!(
        "  the 450 live monitors       slowest {slowest_live} ms, {live_failures} failed   (the black holes delayed no one when both are small)"
    );
    drop(servers);
    Ok(())
}
