//! Probing many monitors at once: secrets read once per credential, probes
//! run concurrently under an overall limit and a per-host limit, so one slow
//! or black-holed host holds only its own permits and never the others'.

use std::collections::HashMap;
use std::sync::Arc;

use rusqlite::Connection;
use tokio::sync::Semaphore;

use super::credentials;
use super::monitors::Monitor;
use super::probe::{Outcome, Prober, Secret};
use crate::{Result, secrets};

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Probes in flight at once.
    pub overall: usize,
    /// Probes in flight to one host:port at once.
    pub per_host: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            overall: 256,
            per_host: 16,
        }
    }
}

/// The credentials the monitors use, as stored (no secrets yet).
pub fn credentials_of(
    conn: &Connection,
    monitors: &[Monitor],
) -> Result<HashMap<String, credentials::Credential>> {
    let mut found = HashMap::new();
    for id in monitors.iter().filter_map(|m| m.credential.as_deref()) {
        if !found.contains_key(id) {
            found.insert(id.to_string(), credentials::get(conn, id)?);
        }
    }
    Ok(found)
}

/// Reads each credential's secret from the keychain once, all at once, off
/// the async runtime's threads.
pub async fn read_secrets(
    credentials: HashMap<String, credentials::Credential>,
) -> HashMap<String, Secret> {
    let reads = credentials.into_iter().map(|(id, credential)| {
        tokio::task::spawn_blocking(move || {
            let secret = match secrets::get(&id) {
                Ok(value) => Secret::Ready(credential, value),
                Err(error) => Secret::Unavailable(error.to_string()),
            };
            (id, secret)
        })
    });
    let mut secrets = HashMap::new();
    for (id, secret) in futures_util::future::join_all(reads)
        .await
        .into_iter()
        .flatten()
    {
        secrets.insert(id, secret);
    }
    secrets
}

/// The secret a probe or KPI reading with `credential` needs.
pub fn secret_for(credential: Option<&str>, secrets: &HashMap<String, Secret>) -> Secret {
    match credential {
        None => Secret::None,
        Some(id) => secrets
            .get(id)
            .cloned()
            .unwrap_or_else(|| Secret::Unavailable(format!("the credential {id:?} was not read"))),
    }
}

/// Per-host permits, shared by every probe of a sweep or of the scheduler.
#[derive(Clone)]
pub struct Gates {
    overall: Arc<Semaphore>,
    per_host: Arc<std::sync::Mutex<HashMap<String, Arc<Semaphore>>>>,
    limits: Limits,
}

impl Gates {
    pub fn new(limits: Limits) -> Gates {
        Gates {
            overall: Arc::new(Semaphore::new(limits.overall)),
            per_host: Arc::default(),
            limits,
        }
    }

    /// Probes `monitor` once its host and the overall limit allow.
    pub async fn probe(&self, prober: &Prober, monitor: &Monitor, secret: &Secret) -> Outcome {
        let host = {
            let mut hosts = self.per_host.lock().unwrap_or_else(|p| p.into_inner());
            hosts
                .entry(monitor.host_key())
                .or_insert_with(|| Arc::new(Semaphore::new(self.limits.per_host)))
                .clone()
        };
        // The host's permit first: a task waiting on a busy host must not
        // hold one of the overall permits meanwhile.
        let _host = host.acquire_owned().await;
        let _overall = self.overall.clone().acquire_owned().await;
        prober.run(monitor, secret).await
    }
}

/// Probes every monitor once, concurrently; outcomes in the monitors' order.
pub async fn sweep(
    prober: &Prober,
    monitors: &[Monitor],
    secrets: &HashMap<String, Secret>,
    limits: Limits,
) -> Vec<Outcome> {
    let gates = Gates::new(limits);
    let mut tasks = tokio::task::JoinSet::new();
    for (index, monitor) in monitors.iter().enumerate() {
        let (gates, prober, monitor) = (gates.clone(), prober.clone(), monitor.clone());
        let secret = secret_for(monitor.credential.as_deref(), secrets);
        tasks.spawn(async move { (index, gates.probe(&prober, &monitor, &secret).await) });
    }
    let mut outcomes: Vec<Option<Outcome>> = vec![None; monitors.len()];
    while let Some(done) = tasks.join_next().await {
        if let Ok((index, outcome)) = done {
            outcomes[index] = Some(outcome);
        }
    }
    outcomes.into_iter().flatten().collect()
}
