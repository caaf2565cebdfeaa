//! Noticing changes made by other processes (the CLI while the app is open)
//! through `PRAGMA data_version`, which changes whenever *another*
//! connection commits to the same database file. Commits made through the
//! watched store itself are not reported: whoever made them already knows.

use crate::{Result, Store};

pub struct ChangeWatch {
    last: i64,
}

impl ChangeWatch {
    pub fn new(store: &Store) -> Result<ChangeWatch> {
        Ok(ChangeWatch {
            last: data_version(store)?,
        })
    }

    /// True when another connection committed since the last call.
    pub fn changed(&mut self, store: &Store) -> Result<bool> {
        let now = data_version(store)?;
        let changed = now != self.last;
        self.last = now;
        Ok(changed)
    }
}

fn data_version(store: &Store) -> Result<i64> {
    Ok(store
        .conn()
        .pragma_query_value(None, "data_version", |row| row.get(0))?)
}
