//! The deployment figure of `make bench`: a trigger printing 1,000,000
//! lines alternating stdout and stderr, every line stored, against the same
//! generator writing to a file (QUALITY.md: wall ≤ 1.5 × that baseline).

use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use golive_core::deploy::start::{self, Request};
use golive_core::deploy::triggers::{self, CommandSpec, TriggerInput, TriggerSpec};
use golive_core::deploy::{Action, NoSink, RunState};
use golive_core::health::environments;
use golive_core::launch::{self, NewLaunch};
use golive_core::plan::Template;
use golive_core::store::OpenMode;
use golive_core::{Actor, Change, Store};

pub const LINES: u64 = 1_000_000;
/// Each figure is the median of this many runs (the machines are noisy).
const RUNS: usize = 9;

/// The generator: numbered lines, odd ones on stdout and even ones on
/// stderr, each stream buffered as a program's usually is.
pub fn generate_lines(count: u64) -> anyhow::Result<()> {
    let mut out = BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    let mut err = BufWriter::with_capacity(64 * 1024, std::io::stderr().lock());
    for i in 1..=count {
        if i % 2 == 1 {
            writeln!(out, "line {i} of the deployment output on stdout")?;
        } else {
            writeln!(err, "line {i} of the deployment output on stderr")?;
        }
    }
    out.flush()?;
    err.flush()?;
    Ok(())
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The baseline: the generator writing both streams to one file.
fn generator_to_file(me: &Path, count: &str, file: &Path) -> anyhow::Result<Duration> {
    let out = std::fs::File::create(file)?;
    let err = out.try_clone()?;
    let started = Instant::now();
    let status = Command::new(me)
        .args(["generate-lines", "--count", count])
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err))
        .status()?;
    let took = started.elapsed();
    anyhow::ensure!(status.success(), "the generator failed");
    // Removed before the kernel writes it back, so that writing does not
    // fall into the next measurement.
    std::fs::remove_file(file)?;
    Ok(took)
}

/// What any reader of two pipes pays on this machine: the same generator
/// with its streams read by two threads into one file (`cat`).
fn generator_through_pipes(me: &Path, count: &str, file: &Path) -> anyhow::Result<Duration> {
    let out = Arc::new(std::sync::Mutex::new(std::fs::File::create(file)?));
    let started = Instant::now();
    let mut child = Command::new(me)
        .args(["generate-lines", "--count", count])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let copy = |mut from: Box<dyn std::io::Read + Send>| {
        let out = out.clone();
        std::thread::spawn(move || {
            let mut buffer = vec![0u8; 256 * 1024];
            while let Ok(n) = from.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                let _ = out.lock().map(|mut f| f.write_all(&buffer[..n]));
            }
        })
    };
    let readers = [
        copy(Box::new(child.stdout.take().context("stdout")?)),
        copy(Box::new(child.stderr.take().context("stderr")?)),
    ];
    let status = child.wait()?;
    for reader in readers {
        let _ = reader.join();
    }
    let took = started.elapsed();
    anyhow::ensure!(status.success(), "the generator failed");
    std::fs::remove_file(file)?;
    Ok(took)
}

/// A store with one launch and the generator as a staging trigger.
fn store_with_trigger(path: &Path, me: &Path, count: &str) -> anyhow::Result<String> {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let mut store = Store::open(path, OpenMode::CreateIfMissing)?;
    let change = Change::new(Actor::anonymous("bench"), jiff::Timestamp::now());
    let created = launch::create(
        &mut store,
        &change,
        &NewLaunch {
            name: "Deploy bench".into(),
            platform: String::new(),
            go_live_local: "2026-12-07T09:00".into(),
            time_zone: "UTC".into(),
        },
        &Template::standard(),
    )?;
    environments::add(&mut store, &change, &created.id, "staging", false)?;
    triggers::add(
        &mut store,
        &change,
        &created.id,
        &TriggerInput {
            environment: "staging".into(),
            name: "flood".into(),
            action: Action::Validation,
            spec: TriggerSpec::Command(CommandSpec {
                program: me.display().to_string(),
                args: vec!["generate-lines".into(), "--count".into(), count.into()],
                cwd: None,
                env: vec![],
                secret_env: vec![],
            }),
            timeout_s: None,
            auto_rollback: false,
        },
    )?;
    Ok(created.id)
}

/// One golive run of the trigger: its wall time, then the time its WAL
/// checkpoint took after it, and the run's id.
fn golive_run(path: &Path, launch: &str) -> anyhow::Result<(Duration, Duration, String)> {
    let started = Instant::now();
    let run = start::run(
        path,
        &Actor::anonymous("bench"),
        launch,
        &Request {
            trigger: "flood".into(),
            ..Request::default()
        },
        Arc::new(NoSink),
        |_| {},
    )?;
    let took = started.elapsed();
    let settling = Instant::now();
    start::wait_for_checkpoints();
    let checkpoint = settling.elapsed();
    anyhow::ensure!(
        run.state == RunState::Succeeded,
        "the run {:?}: {:?}",
        run.state,
        run.detail
    );
    Ok((took, checkpoint, run.id))
}

pub fn run(dir: &Path) -> anyhow::Result<()> {
    let me = std::env::current_exe().context("where golive-bench is")?;
    let count = LINES.to_string();
    let file = dir.join("generator-output.txt");
    let path = dir.join("deploy.db");
    // The three are measured in turns, so a noisy stretch of the machine
    // hits each of them alike; the ratio is taken within each round.
    let (mut baseline, mut piped, mut golive, mut checkpoint) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut ratios, mut pipe_ratios) = (Vec::new(), Vec::new());
    let mut last_run = String::new();
    for _ in 0..RUNS {
        let base = generator_to_file(&me, &count, &file)?;
        let pipes = generator_through_pipes(&me, &count, &file)?;
        // A fresh store each round: the copy golive takes before a run
        // grows with the store, and the million lines of earlier rounds
        // are not what this measures (its time is printed below).
        let launch = store_with_trigger(&path, &me, &count)?;
        let (ours, settled, run) = golive_run(&path, &launch)?;
        ratios.push(ours.as_secs_f64() / base.as_secs_f64());
        pipe_ratios.push(pipes.as_secs_f64() / base.as_secs_f64());
        baseline.push(ms(base));
        piped.push(ms(pipes));
        golive.push(ms(ours));
        checkpoint.push(ms(settled));
        last_run = run;
    }
    let store = Store::open(&path, OpenMode::MustExist)?;
    let lines = golive_core::deploy::runs::lines(store.conn(), &last_run, 0, u32::MAX)?;
    let stored = lines
        .iter()
        .filter(|l| l.stream != golive_core::deploy::Stream::Golive)
        .count();
    let backup_note = lines
        .iter()
        .find(|l| l.text.contains("when this run started is backed up"))
        .map(|l| l.text.clone())
        .unwrap_or_else(|| "no backup note".into());
    println!(
        "deployment output: a trigger printing {LINES} lines alternating stdout/stderr ({RUNS} rounds of the three in turn; medians)"
    );
    println!(
        "  generator > file {:>8.0} ms   golive run, every line stored {:>8.0} ms   {:.2}x (median of the rounds' ratios)   lines stored {stored}   goal: <= 1.5x, all {LINES}",
        median(baseline),
        median(golive),
        median(ratios),
    );
    println!(
        "  for scale: generator | two threads copying its pipes to a file {:>6.0} ms   {:.2}x the generator > file",
        median(piped),
        median(pipe_ratios),
    );
    println!(
        "  then, off the run's path: the checkpoint copying and syncing its WAL {:>6.0} ms",
        median(checkpoint)
    );
    println!("  beside the run: {backup_note}");
    Ok(())
}
