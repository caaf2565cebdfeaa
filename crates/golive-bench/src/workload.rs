//! The mixed workload the `kill -9` test interrupts: ticks and reopenings,
//! sign-offs, deployment runs writing lines, and probe results, each
//! acknowledged on stdout only after its commit returned.
//!
//! Acknowledgements, one per line:
//! - `event SEQ HASH`: the audit trail reached SEQ, whose hash is HASH
//! - `lines RUN N`: run RUN has N lines stored
//! - `results MONITOR N`: MONITOR has N probe results stored

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use golive_core::deploy::runner::LogWriter;
use golive_core::deploy::runs::{self, Ended, Start};
use golive_core::deploy::triggers::{self, CommandSpec, TriggerInput, TriggerSpec};
use golive_core::deploy::{Action, NoSink, RunState, Stream, mask::Masker};
use golive_core::health::import;
use golive_core::health::probe::{Outcome, ProbeVerdict};
use golive_core::launch::{self, NewLaunch};
use golive_core::plan::Template;
use golive_core::readiness;
use golive_core::signoff::{self, Verdict};
use golive_core::store::OpenMode;
use golive_core::{Actor, Change, Store};

const MONITORS: &str = r#"
[[environments]]
name = "staging"

[[environments.monitors]]
name = "Orders API"
url = "http://127.0.0.1:9/health"

[[environments.monitors]]
name = "Search"
url = "http://127.0.0.1:9/ping"
"#;

fn change() -> Change {
    Change::new(Actor::anonymous("kill-test"), jiff::Timestamp::now())
}

/// A new store with one launch, two monitors and a deploy trigger.
pub fn setup(store_path: &Path) -> anyhow::Result<()> {
    let mut store = Store::open(store_path, OpenMode::CreateIfMissing)?;
    let launch = launch::create(
        &mut store,
        &change(),
        &NewLaunch {
            name: "Kill test".into(),
            platform: "Arxos".into(),
            go_live_local: "2026-12-07T09:00".into(),
            time_zone: "Europe/Berlin".into(),
        },
        &Template::standard(),
    )?;
    import::import(&mut store, &change(), &launch.id, MONITORS, "monitors.toml")?;
    triggers::add(
        &mut store,
        &change(),
        &launch.id,
        &TriggerInput {
            environment: "staging".into(),
            name: "deploy".into(),
            action: Action::Deploy,
            spec: TriggerSpec::Command(CommandSpec {
                program: "true".into(),
                args: vec![],
                cwd: None,
                env: vec![],
                secret_env: vec![],
            }),
            timeout_s: None,
            auto_rollback: false,
        },
    )?;
    Ok(())
}

/// Runs until killed.
pub fn run(store_path: &Path, seed: u64) -> anyhow::Result<()> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut store = Store::open(store_path, OpenMode::MustExist)?;
    let launch = launch::select(store.conn(), None)?;
    let items: Vec<String> =
        readiness::checklist(store.conn(), &launch.id, jiff::Timestamp::now())?
            .items()
            .filter(|i| i.rule.is_none()) // golive ticks those itself
            .map(|i| i.key.clone())
            .collect();
    let roles: Vec<String> = launch::roles(store.conn(), &launch.id)?
        .into_iter()
        .filter(|r| r.signoff)
        .map(|r| r.key)
        .collect();
    let monitors: Vec<String> = store
        .conn()
        .prepare("SELECT id FROM monitors ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let trigger = triggers::list(store.conn(), &launch.id)?
        .into_iter()
        .next()
        .context("the kill test's store has a trigger")?;
    let mut out = std::io::stdout().lock();
    loop {
        match rng.u8(..4) {
            0 => {
                let key = &items[rng.usize(..items.len())];
                let done = readiness::item(store.conn(), &launch.id, key, jiff::Timestamp::now())?
                    .status
                    == readiness::Status::Done;
                if done {
                    readiness::reopen(&mut store, &change(), &launch.id, key, "checked again")?;
                } else {
                    readiness::tick(&mut store, &change(), &launch.id, key, Some("kill test"))?;
                }
                ack_event(&store, &mut out)?;
            }
            1 => {
                let role = &roles[rng.usize(..roles.len())];
                let verdict = if rng.bool() {
                    Verdict::Go
                } else {
                    Verdict::NoGo
                };
                signoff::sign(
                    &mut store,
                    &change(),
                    &launch.id,
                    role,
                    verdict,
                    Some("kill test"),
                )?;
                ack_event(&store, &mut out)?;
            }
            2 => {
                let run = runs::begin(&mut store, &change(), &trigger, &Start::default())?;
                ack_event(&store, &mut out)?;
                let (writer, sender) =
                    LogWriter::start(store.path(), &run, Masker::none(), Arc::new(NoSink))?;
                let count = rng.usize(1..2000);
                for chunk in (0..count).collect::<Vec<_>>().chunks(100) {
                    let lines: Vec<String> = chunk
                        .iter()
                        .map(|n| format!("line {n} of run {}", run.id))
                        .collect();
                    sender.lines(
                        if rng.bool() {
                            Stream::Stdout
                        } else {
                            Stream::Stderr
                        },
                        &lines,
                    );
                }
                drop(sender);
                let stored = writer.finish().map_err(anyhow::Error::msg)?;
                writeln!(out, "lines {} {stored}", run.id)?;
                out.flush()?;
                runs::finish(
                    &mut store,
                    &change(),
                    &run.id,
                    &Ended::with(RunState::Succeeded, "exit code 0".into()),
                )?;
                ack_event(&store, &mut out)?;
            }
            _ => {
                let monitor = &monitors[rng.usize(..monitors.len())];
                let outcomes: Vec<Outcome> = (0..rng.usize(1..20))
                    .map(|_| Outcome {
                        monitor_id: monitor.clone(),
                        at: jiff::Timestamp::now(),
                        verdict: if rng.u8(..10) == 0 {
                            ProbeVerdict::Fail
                        } else {
                            ProbeVerdict::Pass
                        },
                        latency_ms: rng.u64(1..500),
                        status: Some(200),
                        reason: None,
                        detail: String::new(),
                        cert_days_left: None,
                        components: vec![],
                        measurements: vec![],
                    })
                    .collect();
                golive_core::health::record::store(&mut store, &change(), &outcomes)?;
                let stored: i64 = store.conn().query_row(
                    "SELECT count(*) FROM probe_results WHERE monitor_id = ?1",
                    [monitor],
                    |r| r.get(0),
                )?;
                writeln!(out, "results {monitor} {stored}")?;
                out.flush()?;
                ack_event(&store, &mut out)?;
            }
        }
    }
}

fn ack_event(store: &Store, out: &mut impl Write) -> anyhow::Result<()> {
    let (seq, hash): (i64, String) = store.conn().query_row(
        "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    writeln!(out, "event {seq} {hash}")?;
    out.flush()?;
    Ok(())
}
