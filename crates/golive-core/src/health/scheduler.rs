//! Steady monitoring: every monitor of the store on its own interval.
//!
//! - Start times are spread over each interval (random offset) and every
//!   later run gets a little jitter, so 500 monitors never fire at once.
//! - A monitor never overlaps itself; all probes share the [`Gates`], so a
//!   slow or black-holed host holds only its own per-host permits.
//! - Outcomes go to one writer that stores them in batches on its own
//!   connection (off the async threads), then reports what changed.
//! - Secrets are read from the keychain once per credential and re-read
//!   every few minutes or on [`Scheduler::reload`].
//! - KPIs read from an endpoint (JSON or Prometheus) run the same way, on
//!   their own interval.
//! - Raw results past their retention are pruned hourly.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::kpis::{self, Kpi};
use super::monitors::Monitor;
use super::probe::{Outcome, Prober, Secret};
use super::record::{self, Recorded};
use super::sweep::{self, Gates, Limits};
use crate::actor::{Actor, Change};
use crate::store::{OpenMode, Store};
use crate::{Result, launch};

/// How often secrets are read again from the keychain.
const SECRET_REFRESH: Duration = Duration::from_secs(300);
/// How long the writer gathers outcomes into one transaction.
const BATCH_WINDOW: Duration = Duration::from_millis(250);
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// What the scheduler tells its owner after each stored batch.
pub type OnRecorded = Arc<dyn Fn(&Recorded, usize) + Send + Sync>;

/// A running scheduler; dropping it (or [`Scheduler::stop`]) stops it.
pub struct Scheduler {
    reload: mpsc::UnboundedSender<Command>,
    stop: watch::Sender<bool>,
}

enum Command {
    Reload,
    ProbeNow,
}

/// What probes and KPI readings hand to the writer.
enum Reading {
    Probe(Outcome),
    Kpi {
        id: String,
        at: jiff::Timestamp,
        value: std::result::Result<f64, String>,
    },
}

impl Drop for Scheduler {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

impl Scheduler {
    /// Starts on the current tokio runtime; the store at `store_path` is
    /// opened on connections of the scheduler's own.
    pub fn start(
        store_path: PathBuf,
        actor: Actor,
        limits: Limits,
        on_recorded: OnRecorded,
    ) -> Scheduler {
        let (reload, commands) = mpsc::unbounded_channel();
        let (stop, stopped) = watch::channel(false);
        let (results, outcomes) = mpsc::unbounded_channel();
        tokio::spawn(writer(
            store_path.clone(),
            actor,
            outcomes,
            on_recorded,
            stopped.clone(),
        ));
        tokio::spawn(run(store_path, limits, commands, results, stopped));
        Scheduler { reload, stop }
    }

    /// Monitors or credentials changed: read them again.
    pub fn reload(&self) {
        let _ = self.reload.send(Command::Reload);
    }

    /// Probe every monitor now, then carry on with the intervals.
    pub fn probe_now(&self) {
        let _ = self.reload.send(Command::ProbeNow);
    }

    pub fn stop(&self) {
        let _ = self.stop.send(true);
    }
}

/// Every monitor of every launch in the store that is not closed.
fn all_monitors(store_path: &Path) -> Result<Vec<Monitor>> {
    let store = Store::open(store_path, OpenMode::MustExist)?;
    let mut all = Vec::new();
    for launch in launch::list(store.conn())?
        .into_iter()
        .filter(|l| l.closed_at.is_none())
    {
        all.extend(super::monitors::list(store.conn(), &launch.id)?);
    }
    Ok(all)
}

/// What the scheduler runs: monitors and endpoint-read KPIs, with secrets.
#[derive(Default)]
struct Work {
    monitors: Vec<Monitor>,
    kpis: Vec<Kpi>,
    secrets: HashMap<String, Secret>,
}

async fn load(store_path: &Path) -> Work {
    let path = store_path.to_path_buf();
    let loaded = tokio::task::spawn_blocking(move || -> Result<_> {
        let monitors = all_monitors(&path)?;
        let store = Store::open(&path, OpenMode::MustExist)?;
        let kpis = kpis::readable(store.conn())?;
        let mut credentials = sweep::credentials_of(store.conn(), &monitors)?;
        for id in kpis.iter().filter_map(|k| k.credential.as_deref()) {
            if !credentials.contains_key(id) {
                credentials.insert(id.to_string(), super::credentials::get(store.conn(), id)?);
            }
        }
        Ok((monitors, kpis, credentials))
    })
    .await;
    match loaded {
        Ok(Ok((monitors, kpis, credentials))) => Work {
            monitors,
            kpis,
            secrets: sweep::read_secrets(credentials).await,
        },
        Ok(Err(error)) => {
            tracing::warn!(%error, "monitors could not be loaded; retrying at the next reload");
            Work::default()
        }
        Err(error) => {
            tracing::warn!(%error, "loading monitors panicked");
            Work::default()
        }
    }
}

/// A random share of `interval`, so monitors added together spread out.
fn first_delay(interval: Duration) -> Duration {
    interval.mul_f64(fastrand::f64())
}

/// ±2 % of the interval, at most a second: runs drift apart without
/// visibly changing the interval.
fn jitter(interval: Duration) -> Duration {
    let spread = (interval.as_secs_f64() * 0.02).min(1.0);
    Duration::from_secs_f64(fastrand::f64() * spread)
}

async fn run(
    store_path: PathBuf,
    limits: Limits,
    mut commands: mpsc::UnboundedReceiver<Command>,
    results: mpsc::UnboundedSender<Reading>,
    mut stopped: watch::Receiver<bool>,
) {
    let prober = Prober::new();
    let gates = Gates::new(limits);
    let mut work = load(&store_path).await;
    let mut secrets_read = Instant::now();
    let mut due: HashMap<String, Instant> = HashMap::new();
    let mut in_flight: HashMap<String, tokio::task::JoinHandle<()>> = HashMap::new();
    let now = Instant::now();
    for m in &work.monitors {
        due.insert(m.id.clone(), now + first_delay(interval(m)));
    }
    for k in &work.kpis {
        due.insert(kpi_key(k), now + first_delay(kpi_interval(k)));
    }
    loop {
        let next = due
            .values()
            .min()
            .copied()
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
        tokio::select! {
            _ = stopped.changed() => {
                if *stopped.borrow() {
                    for (_, task) in in_flight.drain() {
                        task.abort();
                    }
                    return;
                }
            }
            command = commands.recv() => {
                let Some(command) = command else { return };
                let probe_all = matches!(command, Command::ProbeNow);
                let fresh = load(&store_path).await;
                secrets_read = Instant::now();
                let now = Instant::now();
                due.retain(|id, _| {
                    fresh.monitors.iter().any(|m| &m.id == id) || fresh.kpis.iter().any(|k| &kpi_key(k) == id)
                });
                for m in &fresh.monitors {
                    let changed = work.monitors.iter().find(|old| old.id == m.id) != Some(m);
                    if probe_all || changed {
                        due.insert(m.id.clone(), now);
                    }
                }
                for k in &fresh.kpis {
                    let old = work.kpis.iter().find(|old| old.id == k.id);
                    let changed = old.is_none_or(|o| o.url != k.url || o.selector != k.selector || o.interval_s != k.interval_s);
                    if probe_all || changed {
                        due.insert(kpi_key(k), now);
                    }
                }
                work = fresh;
            }
            _ = tokio::time::sleep_until(next) => {
                if secrets_read.elapsed() > SECRET_REFRESH {
                    let path = store_path.clone();
                    let mut refreshed = load(&path).await;
                    std::mem::swap(&mut work.secrets, &mut refreshed.secrets);
                    secrets_read = Instant::now();
                }
                in_flight.retain(|_, task| !task.is_finished());
                let now = Instant::now();
                for k in &work.kpis {
                    let key = kpi_key(k);
                    let Some(when) = due.get(&key).copied() else { continue };
                    if when > now || in_flight.contains_key(&key) {
                        continue;
                    }
                    due.insert(key.clone(), now + kpi_interval(k) + jitter(kpi_interval(k)));
                    let secret = sweep::secret_for(k.credential.as_deref(), &work.secrets);
                    let (prober, kpi, results) = (prober.clone(), k.clone(), results.clone());
                    in_flight.insert(key, tokio::spawn(async move {
                        let value = kpis::read_now(&prober, &kpi, &secret).await;
                        let _ = results.send(Reading::Kpi { id: kpi.id, at: jiff::Timestamp::now(), value });
                    }));
                }
                for m in &work.monitors {
                    let Some(when) = due.get(&m.id).copied() else { continue };
                    if when > now {
                        continue;
                    }
                    due.insert(m.id.clone(), when.max(now - interval(m)) + interval(m) + jitter(interval(m)));
                    if in_flight.contains_key(&m.id) {
                        // Still probing from last time: never overlap.
                        continue;
                    }
                    let (gates, prober, monitor, results) = (gates.clone(), prober.clone(), m.clone(), results.clone());
                    let secret = sweep::secret_for(m.credential.as_deref(), &work.secrets);
                    in_flight.insert(m.id.clone(), tokio::spawn(async move {
                        let outcome = gates.probe(&prober, &monitor, &secret).await;
                        let _ = results.send(Reading::Probe(outcome));
                    }));
                }
            }
        }
    }
}

fn interval(monitor: &Monitor) -> Duration {
    Duration::from_secs(u64::from(monitor.interval_s.max(1)))
}

fn kpi_interval(kpi: &Kpi) -> Duration {
    Duration::from_secs(u64::from(kpi.interval_s.max(5)))
}

fn kpi_key(kpi: &Kpi) -> String {
    format!("kpi:{}", kpi.id)
}

async fn writer(
    store_path: PathBuf,
    actor: Actor,
    mut outcomes: mpsc::UnboundedReceiver<Reading>,
    on_recorded: OnRecorded,
    mut stopped: watch::Receiver<bool>,
) {
    let store = {
        let path = store_path.clone();
        tokio::task::spawn_blocking(move || Store::open(&path, OpenMode::MustExist)).await
    };
    let mut store = match store {
        Ok(Ok(store)) => store,
        Ok(Err(error)) => {
            tracing::error!(%error, "the health writer cannot open the store; probe results are not kept");
            return;
        }
        Err(_) => return,
    };
    let mut last_prune = Instant::now() - PRUNE_EVERY;
    loop {
        let first = tokio::select! {
            _ = stopped.changed() => {
                if *stopped.borrow() { return } else { continue }
            }
            outcome = outcomes.recv() => match outcome {
                Some(outcome) => outcome,
                None => return,
            },
        };
        let mut batch = vec![first];
        let deadline = Instant::now() + BATCH_WINDOW;
        while let Ok(Some(more)) = tokio::time::timeout_at(deadline, outcomes.recv()).await {
            batch.push(more);
        }
        let prune = last_prune.elapsed() >= PRUNE_EVERY;
        if prune {
            last_prune = Instant::now();
        }
        let (actor, count) = (actor.clone(), batch.len());
        let written = tokio::task::spawn_blocking(move || {
            let change = Change::new(actor, jiff::Timestamp::now());
            let mut probes = Vec::with_capacity(batch.len());
            for reading in batch {
                match reading {
                    Reading::Probe(outcome) => probes.push(outcome),
                    Reading::Kpi { id, at, value } => {
                        if let Err(error) = kpis::store_reading(&store, &id, at, &value) {
                            tracing::warn!(%error, "a KPI reading could not be stored");
                        }
                    }
                }
            }
            let recorded = record::store(&mut store, &change, &probes);
            if prune && let Err(error) = record::prune(&store, change.at) {
                tracing::warn!(%error, "pruning old probe results failed");
            }
            (store, recorded)
        })
        .await;
        match written {
            Ok((back, recorded)) => {
                store = back;
                match recorded {
                    Ok(recorded) => on_recorded(&recorded, count),
                    Err(error) => {
                        tracing::warn!(%error, count, "probe results could not be stored")
                    }
                }
            }
            Err(_) => {
                tracing::error!("the health writer panicked; probe results are not kept");
                return;
            }
        }
    }
}
