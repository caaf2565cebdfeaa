//! Noticing changes made by other processes (the CLI while the app is open)
//! through `PRAGMA data_version`, which changes whenever another connection
//! commits to the same database file.

use std::path::Path;

use rusqlite::Connection;

use crate::{Result, store};

pub struct ChangeWatch {
    conn: Connection,
    last: i64,
}

impl ChangeWatch {
    pub fn open(path: &Path) -> Result<ChangeWatch> {
        let conn = store::connect(path)?;
        let last = data_version(&conn)?;
        Ok(ChangeWatch { conn, last })
    }

    /// True when any other connection committed since the last call.
    pub fn changed(&mut self) -> Result<bool> {
        let now = data_version(&self.conn)?;
        let changed = now != self.last;
        self.last = now;
        Ok(changed)
    }
}

fn data_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "data_version", |row| row.get(0))?)
}
