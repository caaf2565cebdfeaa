//! Monitors with their settled state, grouped as the Health view and
//! `golive monitor list` show them.

use rusqlite::Connection;
use serde::Serialize;

use super::environments::{self, Environment};
use super::monitors::{self, Monitor};
use super::record::{self, MonitorState};
use crate::Result;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MonitorView {
    pub monitor: Monitor,
    /// `None` until its first probe.
    pub state: Option<MonitorState>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EnvironmentView {
    pub environment: Environment,
    pub monitors: Vec<MonitorView>,
}

/// Every environment of the launch with its monitors, production first.
pub fn environments(conn: &Connection, launch_id: &str) -> Result<Vec<EnvironmentView>> {
    let all = monitors::list(conn, launch_id)?;
    let mut views = Vec::new();
    for environment in environments::list(conn, launch_id)? {
        let mut list = Vec::new();
        for monitor in all.iter().filter(|m| m.environment_id == environment.id) {
            list.push(MonitorView {
                state: record::state(conn, &monitor.id)?,
                monitor: monitor.clone(),
            });
        }
        views.push(EnvironmentView {
            environment,
            monitors: list,
        });
    }
    Ok(views)
}
