//! Production health: environments, monitors, credentials (the secret goes
//! straight to the OS keychain and never comes back), alerts, maintenance,
//! success metrics, and the demo platform.
//!
//! Commands that carry a secret skip it in their trace span, so it never
//! reaches the log files.

use golive_core::health::alerts::{self, Alert};
use golive_core::health::credentials::{self, Credential, CredentialInput};
use golive_core::health::environments::{self, Environment};
use golive_core::health::kpis::{self, Kpi, KpiInput};
use golive_core::health::maintenance::{self, Window, WindowInput};
use golive_core::health::metrics::{self, EnvironmentMetrics};
use golive_core::health::monitors::{self, Monitor, MonitorInput};
use golive_core::health::overview::{self, EnvironmentView};
use golive_core::health::record::{self, StoredResult};
use golive_core::health::rollup::{self, MINUTE, Point};
use golive_core::health::{demo, import};
use golive_core::launch::Launch;
use golive_core::secrets::{self, KeychainStatus};
use golive_demo::platform::Platform;
use serde::Serialize;
use tauri::{AppHandle, Manager, State};

use crate::CommandError;
use crate::health::HealthRuntime;
use crate::state::{AppState, change_now};

/// Everything the Health view shows at once.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct HealthOverview {
    pub environments: Vec<EnvironmentView>,
    pub alerts: Vec<Alert>,
    pub credentials: Vec<Credential>,
    pub maintenance: Vec<Window>,
    pub raw_retention_days: u32,
    /// Response-time thresholds of the plan's alert rules (ms).
    pub warning_ms: Option<f64>,
    pub critical_ms: Option<f64>,
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn health_overview(
    state: State<'_, AppState>,
    launch_id: String,
) -> Result<HealthOverview, CommandError> {
    state
        .with_store(move |store, _| {
            let conn = store.conn();
            let plan = golive_core::launch::plan_data(conn, &launch_id)?;
            let threshold = |severity: golive_core::plan::Severity| {
                plan.alert_rules
                    .iter()
                    .find(|r| r.metric == "response_time_ms" && r.severity == severity)
                    .and_then(|r| r.above)
            };
            Ok(HealthOverview {
                environments: overview::environments(conn, &launch_id)?,
                alerts: alerts::list(conn, &launch_id, 20)?,
                credentials: credentials::list(conn)?,
                maintenance: maintenance::list(conn, &launch_id)?,
                raw_retention_days: record::raw_retention_days(conn)?,
                warning_ms: threshold(golive_core::plan::Severity::Warning),
                critical_ms: threshold(golive_core::plan::Severity::Critical),
            })
        })
        .await
}

/// A monitor's chart (per minute over the last `hours`) and latest results.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct MonitorHistory {
    pub points: Vec<Point>,
    pub recent: Vec<StoredResult>,
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn monitor_history(
    state: State<'_, AppState>,
    monitor_id: String,
    hours: u32,
) -> Result<MonitorHistory, CommandError> {
    state
        .with_store(move |store, _| {
            let now = jiff::Timestamp::now().as_second();
            let hours = i64::from(hours.clamp(1, 48));
            Ok(MonitorHistory {
                points: rollup::series(
                    store.conn(),
                    &monitor_id,
                    MINUTE,
                    now - hours * 3600,
                    now + 1,
                )?,
                recent: record::recent(store.conn(), &monitor_id, 20)?,
            })
        })
        .await
}

/// Adds an environment, or changes the one with `id`.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn save_environment(
    state: State<'_, AppState>,
    launch_id: String,
    id: Option<String>,
    name: String,
    production: bool,
) -> Result<Environment, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            match id {
                Some(id) => environments::edit(store, &change, &launch_id, &id, &name, production),
                None => environments::add(store, &change, &launch_id, &name, production),
            }
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn remove_environment(
    state: State<'_, AppState>,
    launch_id: String,
    id: String,
) -> Result<(), CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            environments::remove(store, &change, &launch_id, &id)
        })
        .await
}

/// Adds a monitor, or changes the one with `id`; the scheduler picks it up at once.
#[tauri::command]
#[tracing::instrument(skip(state, health), err(Debug))]
pub async fn save_monitor(
    state: State<'_, AppState>,
    health: State<'_, HealthRuntime>,
    launch_id: String,
    id: Option<String>,
    input: MonitorInput,
) -> Result<Monitor, CommandError> {
    let saved = state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            match id {
                Some(id) => monitors::edit(store, &change, &launch_id, &id, &input),
                None => monitors::add(store, &change, &launch_id, &input),
            }
        })
        .await?;
    health.reload();
    Ok(saved)
}

#[tauri::command]
#[tracing::instrument(skip(state, health), err(Debug))]
pub async fn remove_monitor(
    state: State<'_, AppState>,
    health: State<'_, HealthRuntime>,
    launch_id: String,
    id: String,
) -> Result<(), CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            monitors::remove(store, &change, &launch_id, &id)
        })
        .await?;
    health.reload();
    Ok(())
}

/// Adds a credential with its secret. The secret goes to the OS keychain
/// first; when the keychain refuses it, nothing is stored.
#[tauri::command]
#[tracing::instrument(skip(state, health, secret), err(Debug))]
pub async fn add_credential(
    state: State<'_, AppState>,
    health: State<'_, HealthRuntime>,
    input: CredentialInput,
    secret: String,
) -> Result<Credential, CommandError> {
    let added = state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            credentials::add_with_secret(store, &change, &input, &secret)
        })
        .await?;
    health.reload();
    Ok(added)
}

/// Replaces the secret of a credential in the keychain.
#[tauri::command]
#[tracing::instrument(skip(state, health, secret), err(Debug))]
pub async fn set_credential_secret(
    state: State<'_, AppState>,
    health: State<'_, HealthRuntime>,
    id: String,
    secret: String,
) -> Result<(), CommandError> {
    state
        .with_store(move |store, _| {
            let credential = credentials::get(store.conn(), &id)?;
            credentials::store_secret(&credential, &secret)
        })
        .await?;
    health.reload();
    Ok(())
}

#[tauri::command]
#[tracing::instrument(skip(state, health), err(Debug))]
pub async fn remove_credential(
    state: State<'_, AppState>,
    health: State<'_, HealthRuntime>,
    id: String,
) -> Result<(), CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            credentials::remove(store, &change, &id)
        })
        .await?;
    health.reload();
    Ok(())
}

/// The keychain's state from a set/get/delete round trip (at most 5 s).
#[tauri::command]
#[tracing::instrument(err(Debug))]
pub async fn keychain_status() -> Result<KeychainStatus, CommandError> {
    tauri::async_runtime::spawn_blocking(secrets::status)
        .await
        .map_err(|e| CommandError::internal(format!("the keychain check failed: {e}")))
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn acknowledge_alert(
    state: State<'_, AppState>,
    launch_id: String,
    id: String,
    note: String,
) -> Result<Alert, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            alerts::acknowledge(store, &change, &launch_id, &id, &note)
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn add_maintenance(
    state: State<'_, AppState>,
    launch_id: String,
    input: WindowInput,
) -> Result<Window, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            maintenance::add(store, &change, &launch_id, &input)
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn remove_maintenance(
    state: State<'_, AppState>,
    launch_id: String,
    id: String,
) -> Result<(), CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            maintenance::remove(store, &change, &launch_id, &id)
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn success_metrics(
    state: State<'_, AppState>,
    launch_id: String,
    hours: u32,
) -> Result<Vec<EnvironmentMetrics>, CommandError> {
    state
        .with_store(move |store, _| {
            metrics::success_metrics(
                store.conn(),
                &launch_id,
                hours.clamp(1, 24 * 90),
                jiff::Timestamp::now(),
            )
        })
        .await
}

/// Imports environments, credentials and monitors from a TOML file, whole or not at all.
#[tauri::command]
#[tracing::instrument(skip(state, health), err(Debug))]
pub async fn import_monitors(
    state: State<'_, AppState>,
    health: State<'_, HealthRuntime>,
    launch_id: String,
    path: String,
) -> Result<String, CommandError> {
    let imported = state
        .with_store(move |store, user| {
            let text = std::fs::read_to_string(&path).map_err(|e| {
                golive_core::Error::InvalidInput(format!("cannot read {path}: {e}"))
            })?;
            let change = change_now(store, user)?;
            import::import(store, &change, &launch_id, &text, &path)
        })
        .await?;
    health.reload();
    Ok(format!(
        "Imported {} credential(s), {} environment(s) and {} monitor(s).",
        imported.credentials, imported.environments, imported.monitors
    ))
}

/// Probes every monitor now.
#[tauri::command]
pub fn probe_now(health: State<'_, HealthRuntime>) {
    health.probe_now();
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn set_raw_retention(state: State<'_, AppState>, days: u32) -> Result<u32, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            record::set_raw_retention_days(store, &change, days)?;
            record::raw_retention_days(store.conn())
        })
        .await
}

/// The demo platform's port: `GOLIVE_DEMO_PORT`, else 47800.
fn demo_port() -> u16 {
    std::env::var("GOLIVE_DEMO_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(demo::DEFAULT_PORT)
}

fn demo_token() -> String {
    std::env::var("GOLIVE_DEMO_TOKEN").unwrap_or_else(|_| "golive-demo-token".into())
}

/// Uses the demo platform answering on the demo port, or starts one in the app.
async fn ensure_demo(app: &AppHandle) -> Result<demo::PlatformInfo, CommandError> {
    let port = demo_port();
    if let Ok(info) = demo::fetch(port).await {
        return Ok(info);
    }
    let platform = Platform::start(port, port.saturating_add(1), &demo_token())
        .await
        .map_err(|e| {
            CommandError::from(golive_core::Error::Conflict(format!(
                "the demo platform cannot start: {e}. Another program may hold port {port}; set GOLIVE_DEMO_PORT to another port."
            )))
        })?;
    tracing::info!(port, "demo platform started in the app");
    if let Ok(mut slot) = app.state::<HealthRuntime>().demo.lock() {
        *slot = Some(platform);
    }
    Ok(demo::fetch(port).await?)
}

/// "Try the demo": a demo launch watching the demo platform (started here
/// when none runs), probed at once.
#[tauri::command]
#[tracing::instrument(skip(app, state, health), err(Debug))]
pub async fn start_demo(
    app: AppHandle,
    state: State<'_, AppState>,
    health: State<'_, HealthRuntime>,
) -> Result<Launch, CommandError> {
    let info = ensure_demo(&app).await?;
    let token = demo_token();
    let program = std::env::current_exe().map_err(|e| {
        CommandError::from(golive_core::Error::Internal(format!(
            "cannot tell where golive is installed: {e}"
        )))
    })?;
    let scripts = demo::DemoScripts {
        launcher: golive_core::deploy::demo::Launcher {
            program: program.display().to_string(),
            prefix: vec![crate::demo_script::SCRIPT_ARG.into()],
        },
        port: demo_port(),
        seconds: golive_core::deploy::demo::seconds(),
    };
    let launch = state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            demo::create_launch(store, &change, &info, &token, &scripts)
        })
        .await?;
    health.probe_now();
    Ok(launch)
}

/// At start: a store with a demo launch gets its demo platform back.
pub async fn resume_demo(app: &AppHandle) -> Result<(), CommandError> {
    let has_demo = app
        .state::<AppState>()
        .with_store(|store, _| {
            Ok(golive_core::launch::list(store.conn())?
                .iter()
                .any(|l| l.platform == demo::PLATFORM_NAME))
        })
        .await?;
    if has_demo {
        ensure_demo(app).await?;
    }
    Ok(())
}

#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn list_kpis(
    state: State<'_, AppState>,
    launch_id: String,
) -> Result<Vec<Kpi>, CommandError> {
    state
        .with_store(move |store, _| kpis::list(store.conn(), &launch_id))
        .await
}

/// Adds a KPI, or changes the one with `id`; the scheduler reads it from then on.
#[tauri::command]
#[tracing::instrument(skip(state, health), err(Debug))]
pub async fn save_kpi(
    state: State<'_, AppState>,
    health: State<'_, HealthRuntime>,
    launch_id: String,
    id: Option<String>,
    input: KpiInput,
) -> Result<Kpi, CommandError> {
    let saved = state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            kpis::save(store, &change, &launch_id, id.as_deref(), &input)
        })
        .await?;
    health.reload();
    Ok(saved)
}

#[tauri::command]
#[tracing::instrument(skip(state, health), err(Debug))]
pub async fn remove_kpi(
    state: State<'_, AppState>,
    health: State<'_, HealthRuntime>,
    launch_id: String,
    id: String,
) -> Result<(), CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            kpis::remove(store, &change, &launch_id, &id)
        })
        .await?;
    health.reload();
    Ok(())
}

/// Records a value entered by hand.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn record_kpi(
    state: State<'_, AppState>,
    launch_id: String,
    id: String,
    value: f64,
    note: String,
) -> Result<Kpi, CommandError> {
    state
        .with_store(move |store, user| {
            let change = change_now(store, user)?;
            kpis::record(store, &change, &launch_id, &id, value, &note)
        })
        .await
}
