//! The figures of `make bench`, each beside its baseline from the same run.

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::Context;
use golive_core::readiness::{Filter, Me};
use golive_core::store::{self, OpenMode};
use golive_core::{Actor, Change, Store, audit, contacts, launch, readiness};

pub fn run(dir: &Path, ticks: usize) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let large = dir.join("large.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", large.display()));
    }
    println!("{}", crate::generate::large_store(&large, 1000, 100_000)?);
    println!();
    readiness_queries(&large, 200)?;
    println!();
    tick_vs_bare_insert(dir, &large, ticks)?;
    println!();
    verify_vs_sha256sum(dir, &large)?;
    println!();
    bundle_export_and_verify(dir, &large)?;
    Ok(())
}

/// The record figures alone, on a freshly generated large store.
pub fn record_only(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let large = dir.join("large.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", large.display()));
    }
    println!("{}", crate::generate::large_store(&large, 1000, 100_000)?);
    println!();
    bundle_export_and_verify(dir, &large)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// p50 and p95 of `runs` calls of `query`.
fn time_query(
    runs: usize,
    mut query: impl FnMut() -> anyhow::Result<()>,
) -> anyhow::Result<(Duration, Duration)> {
    query()?; // warm the statement cache, as the open app has
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        query()?;
        times.push(started.elapsed());
    }
    times.sort();
    Ok((percentile(&times, 0.5), percentile(&times, 0.95)))
}

/// What the Readiness view and the dashboard load on every refresh, on the
/// large store's 1,000-item launch, beside a bare SELECT of the same rows.
fn readiness_queries(large: &Path, runs: usize) -> anyhow::Result<()> {
    let store = Store::open(large, OpenMode::MustExist)?;
    let conn = store.conn();
    let launch = launch::select(conn, None)?;
    let now = jiff::Timestamp::now();
    let actor = Actor::anonymous("bench");
    let me = Me::of(conn, &launch.id, &actor)?;
    let everything = Filter::default();
    let search = Filter {
        text: Some("item 9".into()),
        status: Some(readiness::Status::Open),
        ..Filter::default()
    };
    let view = time_query(runs, || {
        readiness::filtered(conn, &launch.id, now, &everything, &me)?;
        launch::roles(conn, &launch.id)?;
        contacts::list(conn, &launch.id)?;
        Me::of(conn, &launch.id, &actor)?;
        Ok(())
    })?;
    let filtered = time_query(runs, || {
        readiness::filtered(conn, &launch.id, now, &search, &me)?;
        Ok(())
    })?;
    let dashboard = time_query(runs, || {
        readiness::summary(conn, &launch.id, now)?;
        Ok(())
    })?;
    let bare = time_query(runs, || {
        let mut stmt =
            conn.prepare_cached("SELECT * FROM items WHERE launch_id = ?1 ORDER BY position")?;
        let rows = stmt
            .query_map([&launch.id], |row| row.get::<_, String>(0))?
            .count();
        anyhow::ensure!(rows == 1000, "the large launch has 1,000 items, not {rows}");
        Ok(())
    })?;
    println!(
        "readiness and dashboard queries (1,000 items, 200 contacts, rules, links, comments; {runs} runs each)"
    );
    for (name, (p50, p95)) in [
        ("readiness view (checklist, roles, contacts, me)", view),
        ("readiness, filtered (text + status)", filtered),
        ("dashboard (summary + go/no-go decision)", dashboard),
    ] {
        println!(
            "  {name:<48} p50 {:>7.2} ms   p95 {:>7.2} ms   goal: p95 <= 50 ms   ({:.1} x the bare SELECT p95)",
            ms(p50),
            ms(p95),
            ms(p95) / ms(bare.1)
        );
    }
    println!(
        "  {:<48} p50 {:>7.2} ms   p95 {:>7.2} ms   (baseline: the same 1,000 rows, no joins)",
        "bare SELECT of the items",
        ms(bare.0),
        ms(bare.1)
    );
    Ok(())
}

/// Ticking an item through the core (write + audit append, durable commit)
/// against a bare rusqlite insert+commit with the same pragmas, same disk.
fn tick_vs_bare_insert(dir: &Path, large: &Path, n: usize) -> anyhow::Result<()> {
    let mut store = Store::open(large, OpenMode::MustExist)?;
    let launch = launch::select(store.conn(), None)?;
    let actor = Actor::anonymous("bench");
    let keys: Vec<String> = readiness::checklist(store.conn(), &launch.id, jiff::Timestamp::now())?
        .items()
        .filter(|i| i.status.as_str() == "open")
        .map(|i| i.key.clone())
        .take(n)
        .collect();
    let bare_path = dir.join("bare.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", bare_path.display()));
    }
    let mut bare = store::connect(&bare_path)?;
    bare.execute_batch(
        "CREATE TABLE t (id TEXT PRIMARY KEY, note TEXT NOT NULL, at TEXT NOT NULL)",
    )?;

    // Interleaved, one of each per round, so machine noise hits both alike.
    let mut core = Vec::with_capacity(keys.len());
    let mut baseline = Vec::with_capacity(keys.len());
    for (i, key) in keys.iter().enumerate() {
        let change = Change::new(actor.clone(), jiff::Timestamp::now());
        let started = Instant::now();
        readiness::tick(&mut store, &change, &launch.id, key, Some("bench tick"))?;
        core.push(started.elapsed());

        let started = Instant::now();
        let tx = bare.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO t (id, note, at) VALUES (?1, 'bench tick', '2026-11-27T00:00:00.000Z')",
            [format!("row-{i}")],
        )?;
        tx.commit()?;
        baseline.push(started.elapsed());
    }
    core.sort();
    baseline.sort();
    let (c50, c99) = (percentile(&core, 0.5), percentile(&core, 0.99));
    let (b50, b99) = (percentile(&baseline, 0.5), percentile(&baseline, 0.99));
    println!(
        "tick an item through the core ({} ticks; WAL, synchronous=FULL, large store)",
        core.len()
    );
    println!(
        "  golive tick        p50 {:>8.3} ms   p99 {:>8.3} ms",
        ms(c50),
        ms(c99)
    );
    println!(
        "  bare insert+commit p50 {:>8.3} ms   p99 {:>8.3} ms   (baseline, same pragmas, same disk)",
        ms(b50),
        ms(b99)
    );
    println!(
        "  ratio              p50 {:>8.2} x    p99 {:>8.2} x    goal: p99 <= 2.00 x",
        ms(c50) / ms(b50),
        ms(c99) / ms(b99)
    );
    Ok(())
}

/// `golive verify` over the whole chain against `sha256sum` of the same
/// bytes (every event's hashed encoding, written to one file).
fn verify_vs_sha256sum(dir: &Path, large: &Path) -> anyhow::Result<()> {
    let store = Store::open(large, OpenMode::MustExist)?;
    let events = audit::events(store.conn(), &audit::Query::default())?;
    let bytes_path = dir.join("audit-preimages.bin");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&bytes_path)?);
    let mut total = 0;
    for event in &events {
        let bytes = event.preimage();
        total += bytes.len();
        file.write_all(&bytes)?;
    }
    file.flush()?;
    drop(file);

    let mut ours = Vec::new();
    let mut count = 0;
    for _ in 0..5 {
        let started = Instant::now();
        let verification = audit::verify(store.conn())?;
        ours.push(started.elapsed());
        anyhow::ensure!(
            verification.ok(),
            "the generated chain must verify: {:?}",
            verification.first_bad
        );
        count = verification.events;
    }
    let mut theirs = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let status = Command::new("sha256sum")
            .arg(&bytes_path)
            .stdout(std::process::Stdio::null())
            .status()
            .context("run sha256sum (coreutils)")?;
        theirs.push(started.elapsed());
        anyhow::ensure!(status.success(), "sha256sum failed");
    }
    ours.sort();
    theirs.sort();
    let (o, t) = (percentile(&ours, 0.5), percentile(&theirs, 0.5));
    println!(
        "verify the audit chain ({count} events, {:.1} MB hashed; median of 5)",
        total as f64 / 1e6
    );
    println!(
        "  golive verify  {:>8.1} ms   (reads every event from SQLite, recomputes every hash)",
        ms(o)
    );
    println!(
        "  sha256sum      {:>8.1} ms   (baseline: the same bytes from a file)",
        ms(t)
    );
    println!(
        "  ratio          {:>8.2} x    goal: 100,000 events <= 500 ms",
        ms(o) / ms(t)
    );
    Ok(())
}

/// `golive export --bundle` of the large store against the online backup
/// alone (the copy every bundle starts from), and `golive verify` of that
/// bundle against `sha256sum` of its file.
fn bundle_export_and_verify(dir: &Path, large: &Path) -> anyhow::Result<()> {
    use golive_core::record::{self, Trust, signing};
    use golive_core::store::backup;

    let store = Store::open(large, OpenMode::MustExist)?;
    let launch = launch::select(store.conn(), None)?;
    let key = signing::generate()?;
    let trust = Trust::default().key(
        &signing::fingerprint(&key.verifying_key()),
        "the bench's key",
    );
    let bundle = dir.join("large.golive");
    let copy = dir.join("large-copy.db");
    let (mut exports, mut copies, mut verifies, mut sums) = (vec![], vec![], vec![], vec![]);
    let mut size = 0;
    let mut events = 0;
    // Interleaved, one of each per round, so machine noise hits all alike.
    for _ in 0..3 {
        let _ = std::fs::remove_file(&bundle);
        let _ = std::fs::remove_file(&copy);
        let started = Instant::now();
        let exported = record::export(&store, &launch.id, &bundle, &key, jiff::Timestamp::now())?;
        exports.push(started.elapsed());
        size = exported.bytes;
        events = exported.checkpoint.events;

        let started = Instant::now();
        backup::copy(store.conn(), &copy)?;
        copies.push(started.elapsed());

        let started = Instant::now();
        let report = record::verify(&bundle, &trust)?;
        verifies.push(started.elapsed());
        anyhow::ensure!(
            report.ok(),
            "the bench's bundle must verify: {:?}",
            report.checks
        );

        let started = Instant::now();
        let status = Command::new("sha256sum")
            .arg(&bundle)
            .stdout(std::process::Stdio::null())
            .status()
            .context("run sha256sum (coreutils)")?;
        sums.push(started.elapsed());
        anyhow::ensure!(status.success(), "sha256sum failed");
    }
    let _ = std::fs::remove_file(&copy);
    let median = |times: &mut Vec<Duration>| {
        times.sort();
        percentile(times, 0.5)
    };
    let (e, c, v, s) = (
        median(&mut exports),
        median(&mut copies),
        median(&mut verifies),
        median(&mut sums),
    );
    println!(
        "signed bundle of the large store ({events} events, {:.1} MB; median of 3)",
        size as f64 / 1e6
    );
    println!(
        "  golive export --bundle  {:>8.1} ms   goal: <= 2,000 ms   ({:.2} x the online backup alone)",
        ms(e),
        ms(e) / ms(c)
    );
    println!(
        "  online backup API copy  {:>8.1} ms   (baseline: the copy a bundle starts from)",
        ms(c)
    );
    println!(
        "  golive verify FILE      {:>8.1} ms   ({:.2} x sha256sum of the file)",
        ms(v),
        ms(v) / ms(s)
    );
    println!(
        "  sha256sum FILE          {:>8.1} ms   (baseline: reading and hashing every byte once)",
        ms(s)
    );
    Ok(())
}
