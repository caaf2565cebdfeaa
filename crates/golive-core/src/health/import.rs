//! Environments, credentials (metadata only) and monitors from a TOML block,
//! all or nothing:
//!
//! ```toml
//! [[credentials]]
//! id = "orders-token"
//! kind = "bearer"                 # bearer, basic or header (+ header_name)
//! origin = "https://orders.example.com"
//!
//! [[environments]]
//! name = "production"
//! production = true
//!
//! [[environments.monitors]]
//! name = "Orders API"
//! url = "https://orders.example.com/actuator/health"
//! credential = "orders-token"
//! format = "actuator"
//! conditions = ["response_time < 2s", "cert_days > 30 else warn"]
//! ```
//!
//! Secrets are never in the file: set them with `golive secret set ID`.

use serde::Deserialize;

use super::credentials::{self, CredentialInput};
use super::environments;
use super::monitors::{self, MonitorInput};
use crate::actor::Change;
use crate::plan::line_column;
use crate::store::{Store, WriteTx};
use crate::{Error, Result};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    credentials: Vec<CredentialInput>,
    #[serde(default)]
    environments: Vec<EnvironmentBlock>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EnvironmentBlock {
    name: String,
    #[serde(default)]
    production: bool,
    #[serde(default)]
    monitors: Vec<MonitorBlock>,
}

/// A monitor inside its environment block (so without `environment`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MonitorBlock {
    name: String,
    url: String,
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    headers: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    credential: Option<String>,
    #[serde(default)]
    interval_s: Option<u32>,
    #[serde(default)]
    timeout_ms: Option<u32>,
    #[serde(default)]
    failure_threshold: Option<u32>,
    #[serde(default)]
    success_threshold: Option<u32>,
    #[serde(default)]
    conditions: Vec<String>,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    ca_file: Option<String>,
}

/// What an import added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Imported {
    pub credentials: usize,
    pub environments: usize,
    pub monitors: usize,
}

/// Imports `text` into the launch; `file` names it in errors. An environment
/// that exists already receives the monitors; anything invalid or clashing
/// stops the whole import with nothing written.
pub fn import(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    text: &str,
    file: &str,
) -> Result<Imported> {
    store.write(change, |tx| import_in(tx, launch_id, text, file))
}

/// [`import`] inside a transaction that is already open.
pub(crate) fn import_in(
    tx: &WriteTx<'_>,
    launch_id: &str,
    text: &str,
    file: &str,
) -> Result<Imported> {
    let refuse = |at: String, message: String| {
        Error::InvalidInput(format!(
            "cannot import monitors from {at}: {message}. Fix the file and try again; nothing was imported."
        ))
    };
    let deserializer = toml::Deserializer::parse(text).map_err(|e| {
        let at = match e.span() {
            Some(span) => {
                let (line, column) = line_column(text, span.start);
                format!("{file}:{line}:{column}")
            }
            None => file.to_string(),
        };
        refuse(at, e.message().trim().to_string())
    })?;
    let parsed: File = serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let field = e.path().to_string();
        let at = match e.inner().span() {
            Some(span) => {
                let (line, column) = line_column(text, span.start);
                format!("{file}:{line}:{column}")
            }
            None => file.to_string(),
        };
        refuse(
            at,
            format!("field `{field}`: {}", e.inner().message().trim()),
        )
    })?;
    {
        let mut imported = Imported::default();
        for (index, credential) in parsed.credentials.iter().enumerate() {
            credentials::insert(tx, credential).map_err(|e| {
                refuse(
                    format!("{file} field `credentials[{index}]`"),
                    e.to_string(),
                )
            })?;
            imported.credentials += 1;
        }
        for (e_index, block) in parsed.environments.iter().enumerate() {
            let existing = environments::list(tx, launch_id)?
                .into_iter()
                .find(|e| e.name.eq_ignore_ascii_case(block.name.trim()));
            if existing.is_none() {
                environments::insert(tx, launch_id, &block.name, block.production).map_err(
                    |e| {
                        refuse(
                            format!("{file} field `environments[{e_index}]`"),
                            e.to_string(),
                        )
                    },
                )?;
                imported.environments += 1;
            }
            for (m_index, monitor) in block.monitors.iter().enumerate() {
                let at = format!("{file} field `environments[{e_index}].monitors[{m_index}]`");
                let format = monitor
                    .format
                    .as_deref()
                    .map(super::format::Format::parse)
                    .transpose()
                    .map_err(|e| refuse(at.clone(), e))?;
                let input = MonitorInput {
                    environment: block.name.clone(),
                    name: monitor.name.clone(),
                    url: monitor.url.clone(),
                    method: monitor.method.clone(),
                    headers: monitor.headers.clone().into_iter().collect(),
                    body: monitor.body.clone(),
                    credential: monitor.credential.clone(),
                    interval_s: monitor.interval_s,
                    timeout_ms: monitor.timeout_ms,
                    failure_threshold: monitor.failure_threshold,
                    success_threshold: monitor.success_threshold,
                    conditions: monitor.conditions.clone(),
                    format,
                    ca_file: monitor.ca_file.clone(),
                };
                monitors::insert(tx, launch_id, &input).map_err(|e| refuse(at, e.to_string()))?;
                imported.monitors += 1;
            }
        }
        Ok(imported)
    }
}
