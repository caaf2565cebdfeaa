//! 200 `kill -9`s at random moments of a mixed workload (ticks, sign-offs,
//! run lines, probe results). After each, the store opens again, passes
//! `integrity_check` and the foreign-key check, holds every change that was
//! acknowledged before the kill, and its audit chain verifies.

#![cfg(unix)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use golive_core::Store;
use golive_core::audit;
use golive_core::store::OpenMode;

const KILLS: usize = 200;

#[derive(Default)]
struct Acknowledged {
    /// Audit seq → hash.
    events: HashMap<i64, String>,
    /// Run id → lines stored.
    lines: HashMap<String, i64>,
    /// Monitor id → results stored.
    results: HashMap<String, i64>,
}

impl Acknowledged {
    fn take(&mut self, line: &str) {
        let parts: Vec<&str> = line.split_whitespace().collect();
        match parts.as_slice() {
            ["event", seq, hash] => {
                self.events.insert(seq.parse().unwrap(), hash.to_string());
            }
            ["lines", run, n] => {
                self.lines.insert(run.to_string(), n.parse().unwrap());
            }
            ["results", monitor, n] => {
                let n: i64 = n.parse().unwrap();
                let best = self.results.entry(monitor.to_string()).or_default();
                *best = (*best).max(n);
            }
            _ => panic!("the workload said something unexpected: {line:?}"),
        }
    }
}

fn bench() -> Command {
    Command::new(env!("CARGO_BIN_EXE_golive-bench"))
}

/// Everything the test promises, checked on the store as a restarted
/// golive finds it.
fn check(store_path: &Path, acked: &Acknowledged, kill: usize) {
    let store = Store::open(store_path, OpenMode::MustExist)
        .unwrap_or_else(|e| panic!("kill {kill}: the store does not open: {e}"));
    let conn = store.conn();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok", "kill {kill}");
    let violations: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(violations, 0, "kill {kill}: foreign-key violations");
    let chain = audit::verify(conn).unwrap();
    assert!(
        chain.ok(),
        "kill {kill}: the chain broke: {:?}",
        chain.first_bad
    );
    for (seq, hash) in &acked.events {
        let stored: Option<String> = conn
            .query_row("SELECT hash FROM audit_events WHERE seq = ?1", [seq], |r| {
                r.get(0)
            })
            .ok();
        assert_eq!(
            stored.as_ref(),
            Some(hash),
            "kill {kill}: acknowledged event #{seq} lost"
        );
    }
    for (run, lines) in &acked.lines {
        let stored: i64 = conn
            .query_row(
                "SELECT coalesce(max(o.last_seq), 0) FROM run_output o JOIN runs r ON r.num = o.run WHERE r.id = ?1",
                [run],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            stored >= *lines,
            "kill {kill}: run {run} had {lines} lines acknowledged, {stored} stored"
        );
    }
    for (monitor, results) in &acked.results {
        let stored: i64 = conn
            .query_row(
                "SELECT count(*) FROM probe_results WHERE monitor_id = ?1",
                [monitor],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            stored >= *results,
            "kill {kill}: {monitor} had {results} results acknowledged, {stored} stored"
        );
    }
}

#[test]
fn two_hundred_kills_lose_nothing_acknowledged_and_break_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("golive.db");
    let status = bench()
        .args(["workload-setup", "--store"])
        .arg(&store)
        .status()
        .unwrap();
    assert!(status.success());

    let seed: u64 = std::env::var("GOLIVE_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    eprintln!("seed {seed} (GOLIVE_KILL_SEED={seed} repeats this run)");
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut acked = Acknowledged::default();
    let mut acknowledged_before_kills = 0;
    let started = Instant::now();
    for kill in 0..KILLS {
        let mut child = bench()
            .args(["workload", "--seed", &rng.u64(..).to_string(), "--store"])
            .arg(&store)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<String>>()
        });
        std::thread::sleep(Duration::from_millis(rng.u64(20..250)));
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        let mut stderr = String::new();
        use std::io::Read;
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        assert!(
            status.code().is_none(),
            "kill {kill}: the workload stopped by itself ({status}): {stderr}"
        );
        let lines = reader.join().unwrap();
        acknowledged_before_kills += lines.len();
        for line in &lines {
            acked.take(line);
        }
        check(&store, &acked, kill);
    }
    eprintln!(
        "{KILLS} kills in {:.0?}: {} acknowledgements, {} events, {} runs, {} monitors checked after every kill",
        started.elapsed(),
        acknowledged_before_kills,
        acked.events.len(),
        acked.lines.len(),
        acked.results.len(),
    );
    // The kills landed in the middle of work, not before any was done.
    assert!(
        acked.events.len() > KILLS,
        "too few changes were acknowledged to mean anything"
    );
    assert!(!acked.lines.is_empty() && !acked.results.is_empty());
}
