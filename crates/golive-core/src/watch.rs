//! Noticing changes made by other processes (the CLI while the app is open)
//! through `PRAGMA data_version`, which changes whenever *another*
//! connection commits to the same database file. Commits made through the
//! watched store itself are not reported: whoever made them already knows.
//!
//! A deployment run commits its output many times a second from a
//! connection of its own; the window follows that output over its own
//! channel. So a commit is only reported when it changed what the window
//! shows elsewhere: an audited change (every change a person or a run's
//! start and end makes), a probe result or a KPI value.

use crate::{Result, Store};

pub struct ChangeWatch {
    version: i64,
    shown: Shown,
}

/// The newest row of each table whose growth the window must show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shown {
    audit: i64,
    probes: i64,
    kpis: i64,
}

impl ChangeWatch {
    pub fn new(store: &Store) -> Result<ChangeWatch> {
        Ok(ChangeWatch {
            version: data_version(store)?,
            shown: shown(store)?,
        })
    }

    /// True when another connection committed something the window shows
    /// since the last call.
    pub fn changed(&mut self, store: &Store) -> Result<bool> {
        let version = data_version(store)?;
        if version == self.version {
            return Ok(false);
        }
        self.version = version;
        let now = shown(store)?;
        let changed = now != self.shown;
        self.shown = now;
        Ok(changed)
    }
}

fn shown(store: &Store) -> Result<Shown> {
    Ok(store.conn().query_row(
        "SELECT (SELECT coalesce(max(rowid), 0) FROM audit_events),
                (SELECT coalesce(max(rowid), 0) FROM probe_results),
                (SELECT coalesce(max(rowid), 0) FROM kpi_values)",
        [],
        |row| {
            Ok(Shown {
                audit: row.get(0)?,
                probes: row.get(1)?,
                kpis: row.get(2)?,
            })
        },
    )?)
}

fn data_version(store: &Store) -> Result<i64> {
    Ok(store
        .conn()
        .pragma_query_value(None, "data_version", |row| row.get(0))?)
}
