//! A demo launch watching the demo platform (`golive demo serve`), so a
//! newcomer sees live health in minutes: the standard plan, production and
//! staging with a monitor per demo service, the demo's bearer token in the
//! OS keychain and its CA certificate beside the store, and deploy,
//! rollback and smoke-test triggers running the demo's scripts.

use std::path::{Path, PathBuf};
use std::time::Duration;

use golive_demo::platform::{self, CREDENTIAL_ID};

use super::{credentials, import};
use crate::actor::Change;
use crate::launch::{self, Launch, NewLaunch};
use crate::plan::Template;
use crate::store::Store;
use crate::{Error, Result, secrets};

/// The `platform` of demo launches, which is how the app knows to restart
/// the demo platform when it opens a store that has one.
pub const PLATFORM_NAME: &str = "golive demo platform";

/// The demo platform's default HTTP port (HTTPS is the next one).
pub const DEFAULT_PORT: u16 = 47800;

/// What the running platform told about itself.
pub struct PlatformInfo {
    pub overview: serde_json::Value,
    pub ca_pem: String,
}

/// Asks the demo platform on 127.0.0.1:`port` for its services and CA.
pub async fn fetch(port: u16) -> Result<PlatformInfo> {
    let base = format!("http://127.0.0.1:{port}/_demo");
    let unreachable = |e| unreachable(port, e);
    let client = client()?;
    let overview = client
        .get(&base)
        .send()
        .await
        .map_err(unreachable)?
        .text()
        .await
        .map_err(unreachable)?;
    let overview: serde_json::Value = serde_json::from_str(&overview).map_err(|e| {
        Error::InvalidInput(format!(
            "something other than the demo platform answers on 127.0.0.1:{port} ({e}); pick another port"
        ))
    })?;
    let ca_pem = client
        .get(format!("{base}/ca.pem"))
        .send()
        .await
        .map_err(unreachable)?
        .text()
        .await
        .map_err(unreachable)?;
    Ok(PlatformInfo { overview, ca_pem })
}

/// Switches a service (or `all`) of the platform on `port` to a state.
pub async fn switch(port: u16, service: &str, state: &str) -> Result<()> {
    let url = format!("http://127.0.0.1:{port}/_demo/{service}/{state}");
    let response = client()?
        .post(&url)
        .send()
        .await
        .map_err(|e| unreachable(port, e))?;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    if status.is_success() {
        return Ok(());
    }
    let message = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_string))
        .unwrap_or(body);
    Err(Error::InvalidInput(message))
}

fn client() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .no_proxy()
        .build()
        .map_err(|e| Error::Internal(format!("cannot set up HTTP: {e}")))
}

fn unreachable(port: u16, e: reqwest::Error) -> Error {
    Error::NotFound(format!(
        "no demo platform answers on 127.0.0.1:{port} ({e}). Start it with `golive demo serve --port {port}`, or use \"Try the demo\" in the app, which starts one."
    ))
}

/// Where the demo CA goes: beside the store.
pub fn ca_path(store_path: &Path) -> PathBuf {
    store_path
        .parent()
        .unwrap_or(Path::new("."))
        .join("demo-ca.pem")
}

/// Where the demo platform listens and how its deploy scripts are started.
#[derive(Debug, Clone)]
pub struct DemoScripts {
    pub launcher: crate::deploy::demo::Launcher,
    pub port: u16,
    /// How long a demo deploy or rollback takes.
    pub seconds: u32,
}

/// Creates the demo launch. The token goes to the keychain first, so a
/// keychain that cannot take it leaves nothing behind.
pub fn create_launch(
    store: &mut Store,
    change: &Change,
    info: &PlatformInfo,
    token: &str,
    scripts: &DemoScripts,
) -> Result<Launch> {
    let ca_file = ca_path(store.path());
    let has_credential = credentials::find(store.conn(), CREDENTIAL_ID)?.is_some();
    let toml = platform::monitors_toml(
        &info.overview,
        &ca_file.display().to_string(),
        !has_credential,
    )
    .map_err(|e| Error::InvalidInput(format!("the demo platform answered oddly: {e}")))?;
    secrets::set(CREDENTIAL_ID, token)?;
    std::fs::write(&ca_file, &info.ca_pem).map_err(|e| {
        Error::InvalidInput(format!(
            "cannot write the demo CA to {}: {e}",
            ca_file.display()
        ))
    })?;
    let zone = jiff::tz::TimeZone::system();
    let zone_name = zone.iana_name().unwrap_or("UTC").to_string();
    let day0 = change
        .at
        .to_zoned(zone)
        .date()
        .checked_add(jiff::Span::new().days(3))
        .map_err(|e| Error::Internal(e.to_string()))?;
    let taken = launch::list(store.conn())?;
    let name = (1..)
        .map(|n| {
            if n == 1 {
                "Demo go-live".to_string()
            } else {
                format!("Demo go-live {n}")
            }
        })
        .find(|name| !taken.iter().any(|l| &l.name == name))
        .unwrap_or_else(|| "Demo go-live".into());
    let new = NewLaunch {
        name,
        platform: PLATFORM_NAME.into(),
        go_live_local: format!("{day0}T09:00"),
        time_zone: zone_name,
    };
    // One transaction: a demo launch comes with all its monitors or not at all.
    store.write(change, |tx| {
        let launch = launch::insert(tx, &new, &Template::standard(), None)?;
        import::import_in(tx, &launch.id, &toml, "the demo platform")?;
        for trigger in
            crate::deploy::demo::triggers(&scripts.launcher, scripts.port, scripts.seconds)
        {
            crate::deploy::triggers::insert(tx, &launch.id, &trigger)?;
        }
        Ok(launch)
    })
}
