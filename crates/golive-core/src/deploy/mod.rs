//! Deploying and rolling back: triggers (a program with its arguments, or a
//! webhook) behind the go/no-go gate, their runs with every output line
//! stored and masked, cancelling, interrupted runs after a crash,
//! pre-deployment checks, post-deployment validation and the rollback watch.
//!
//! - `triggers` — what can be run, checked whole before a write.
//! - `gate` — whether a trigger may run now, and what is missing.
//! - `runs` — the runs table: the environment lock, start, end, cancel
//!   requests, recovery after a crash, history and logs.
//! - `runner` — executing a command: process group, output threads, the
//!   batched line writer, cancel and timeout.
//! - `mask`, `lines`, `process`, `chunk` — masking secrets, splitting output
//!   into lines, signalling process groups, storing a batch of lines in one row.

pub mod chunk;
pub mod demo;
pub mod gate;
pub mod lines;
pub mod mask;
pub mod process;
pub mod runner;
pub mod runs;
pub mod start;
pub mod triggers;
pub mod watch;
pub mod webhook;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Action {
    Deploy,
    Rollback,
    Validation,
}

impl Action {
    pub fn key(self) -> &'static str {
        match self {
            Action::Deploy => "deploy",
            Action::Rollback => "rollback",
            Action::Validation => "validation",
        }
    }

    pub fn parse(text: &str) -> Action {
        match text {
            "rollback" => Action::Rollback,
            "validation" => Action::Validation,
            _ => Action::Deploy,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum RunState {
    Running,
    Succeeded,
    Failed,
    Cancelled,
    TimedOut,
    Interrupted,
}

impl RunState {
    pub fn key(self) -> &'static str {
        match self {
            RunState::Running => "running",
            RunState::Succeeded => "succeeded",
            RunState::Failed => "failed",
            RunState::Cancelled => "cancelled",
            RunState::TimedOut => "timed_out",
            RunState::Interrupted => "interrupted",
        }
    }

    pub fn parse(text: &str) -> RunState {
        match text {
            "running" => RunState::Running,
            "succeeded" => RunState::Succeeded,
            "cancelled" => RunState::Cancelled,
            "timed_out" => RunState::TimedOut,
            "interrupted" => RunState::Interrupted,
            _ => RunState::Failed,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RunState::Running => "running",
            RunState::Succeeded => "succeeded",
            RunState::Failed => "failed",
            RunState::Cancelled => "cancelled",
            RunState::TimedOut => "timed out",
            RunState::Interrupted => "interrupted",
        }
    }
}

/// Where a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Stream {
    /// golive's own notes: start, signals, webhook answers and polls.
    Golive,
    Stdout,
    Stderr,
}

impl Stream {
    pub fn code(self) -> i64 {
        match self {
            Stream::Golive => 0,
            Stream::Stdout => 1,
            Stream::Stderr => 2,
        }
    }

    pub fn from_code(code: i64) -> Stream {
        match code {
            1 => Stream::Stdout,
            2 => Stream::Stderr,
            _ => Stream::Golive,
        }
    }
}

/// One stored output line of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LogLine {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub seq: u64,
    pub stream: Stream,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub at_ms: i64,
    pub text: String,
}

/// Who hears about a run's lines as they are stored: the app's channel to
/// the webview, the terminal, a test. Lines arrive in batches, after commit.
pub trait RunSink: Send + Sync {
    fn lines(&self, run_id: &str, lines: chunk::Lines<'_>);
}

/// A sink that drops everything (the lines are in the store anyway).
pub struct NoSink;

impl RunSink for NoSink {
    fn lines(&self, _run_id: &str, _lines: chunk::Lines<'_>) {}
}
