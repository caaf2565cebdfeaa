//! Production health: environments and their monitors, probing them over
//! HTTP(S), reading health formats and conditions, the settled state of each
//! monitor, the stored history with its rollups, and the alerts the plan's
//! thresholds raise.
//!
//! The flow of one probe: [`probe::run`] fetches and judges a response into a
//! [`probe::Outcome`]; [`record::store`] writes it, moves the monitor's state
//! past its thresholds, updates the rollups and evaluates the alert rules in
//! one transaction. [`sweep`] runs many probes at once with limits.

pub mod alerts;
pub mod condition;
pub mod credentials;
pub mod demo;
pub mod environments;
pub mod format;
pub mod import;
pub mod kpis;
pub mod maintenance;
pub mod metrics;
pub mod monitors;
pub mod overview;
pub mod probe;
pub mod record;
pub mod rollup;
pub mod scheduler;
pub mod sweep;
pub(crate) mod tls;

use serde::{Deserialize, Serialize};

/// How a probe (or a component, or a condition's miss) came out. Ordered
/// from good to bad, so the worst of several is their `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
}

impl Verdict {
    pub fn key(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
        }
    }
}

/// Unix milliseconds: probe results are many, so their times are integers.
pub fn unix_ms(at: jiff::Timestamp) -> i64 {
    at.as_millisecond()
}
