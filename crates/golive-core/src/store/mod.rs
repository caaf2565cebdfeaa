//! The one SQLite store: opening it, its PRAGMAs, its migrations, and the
//! write transaction every change goes through (with its audit event).

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What `connect` opens (re-exported so callers need not depend on rusqlite).
pub use rusqlite::Connection;
use rusqlite::{OpenFlags, TransactionBehavior};
use rusqlite_migration::{M, Migrations};

use crate::actor::Change;
use crate::{Error, Result, audit};

pub mod backup;
pub mod location;

/// Append-only: a released migration is never edited, only followed by a
/// new one (checked by `migrations_are_valid` in the tests).
const MIGRATION_SQL: &[&str] = &[
    include_str!("migrations/0001_initial.sql"),
    include_str!("migrations/0002_readiness.sql"),
    include_str!("migrations/0003_health.sql"),
    include_str!("migrations/0004_kpis.sql"),
    include_str!("migrations/0005_deploy.sql"),
    include_str!("migrations/0006_directory.sql"),
    include_str!("migrations/0007_escalation.sql"),
    include_str!("migrations/0008_incidents.sql"),
    include_str!("migrations/0009_training.sql"),
    include_str!("migrations/0010_updates.sql"),
    include_str!("migrations/0011_risks.sql"),
    include_str!("migrations/0012_feedback.sql"),
    include_str!("migrations/0013_packed_output.sql"),
    include_str!("migrations/0014_closed_launches.sql"),
];

pub fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATION_SQL.iter().map(|sql| M::up(sql)).collect())
}

/// The schema version this build writes.
pub fn schema_version() -> usize {
    MIGRATION_SQL.len()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Create the file (and its folder) when missing: the app's first start, `golive init`.
    CreateIfMissing,
    /// The store must exist: every other command, so a typo never creates an empty store.
    MustExist,
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Set on a record opened for review: why every write is refused.
    read_only: Option<String>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    pub fn open(path: &Path, mode: OpenMode) -> Result<Store> {
        let unavailable = |reason: String| Error::StoreUnavailable {
            path: path.display().to_string(),
            reason,
        };
        if mode == OpenMode::MustExist && !path.exists() {
            return Err(Error::NotFound(format!(
                "there is no golive store at {}. Create one with `golive init` (or start the app), or point --store / GOLIVE_STORE at an existing store.",
                path.display()
            )));
        }
        if mode == OpenMode::CreateIfMissing
            && let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(folder).map_err(|e| {
                unavailable(format!(
                    "cannot create the folder {}: {e}",
                    folder.display()
                ))
            })?;
        }
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if let Some(fstype) = location::network_filesystem(folder) {
            return Err(Error::NetworkFilesystem {
                path: path.display().to_string(),
                fstype,
            });
        }
        let mut conn = connect(path).map_err(|e| unavailable(e.to_string()))?;
        bring_up_to_date(&mut conn, path)?;
        tracing::debug!(path = %path.display(), "store opened");
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            read_only: None,
        })
    }

    /// Opens the database of an exported record (a copy golive owns) for
    /// review: its schema is brought up to date in the copy, then it is
    /// opened read-only, and every write is refused with `why`.
    pub fn open_for_review(path: &Path, why: String) -> Result<Store> {
        let unavailable = |reason: String| Error::StoreUnavailable {
            path: path.display().to_string(),
            reason,
        };
        {
            let mut conn = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(|e| unavailable(e.to_string()))?;
            bring_up_to_date(&mut conn, path)?;
            // One file, nothing beside it, for the read-only connection.
            conn.pragma_update(None, "journal_mode", "DELETE")
                .map_err(|e| unavailable(e.to_string()))?;
        }
        let conn = connect_read_only(path).map_err(|e| unavailable(e.to_string()))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            read_only: Some(why),
        })
    }

    /// Why nothing can be changed here, for a record opened for review.
    pub fn read_only(&self) -> Option<&str> {
        self.read_only.as_deref()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Read access. Writes go through [`Store::write`] so they are audited.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction and commits it: the
    /// store holds either all of the change and its audit events, or none.
    pub fn write<T>(
        &mut self,
        change: &Change,
        body: impl FnOnce(&WriteTx<'_>) -> Result<T>,
    ) -> Result<T> {
        if let Some(why) = &self.read_only {
            return Err(Error::Conflict(why.clone()));
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let write = WriteTx { tx, change };
        let value = body(&write)?;
        write.tx.commit()?;
        Ok(value)
    }
}

/// Refuses a store written by a newer golive, else migrates it to this
/// build's schema.
fn bring_up_to_date(conn: &mut Connection, path: &Path) -> Result<()> {
    let unavailable = |reason: String| Error::StoreUnavailable {
        path: path.display().to_string(),
        reason,
    };
    let found: usize = conn
        .pragma_query_value(None, "user_version", |row| row.get::<_, i64>(0))
        .map_err(|e| unavailable(format!("it is not a golive store ({e})")))?
        .try_into()
        .unwrap_or(usize::MAX);
    if found > schema_version() {
        return Err(Error::StoreTooNew {
            path: path.display().to_string(),
            found,
            known: schema_version(),
        });
    }
    migrations()
        .to_latest(conn)
        .map_err(|e| unavailable(format!("its schema could not be brought up to date: {e}")))
}

/// Opens a connection with the PRAGMAs every golive connection uses.
pub fn connect(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )?;
    apply_pragmas(&conn)?;
    Ok(conn)
}

/// A connection that only reads, for a record opened for review.
pub fn connect_read_only(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(5))?;
    Ok(conn)
}

/// For the connections of a run, which write a burst of output. A commit
/// is in the WAL, so it survives golive being killed, but is not synced to
/// the disk one by one: the checkpoint after the run syncs it (a power cut
/// during a run may lose its last lines, never the store's integrity).
/// Closing does not copy the WAL into the database either, and a commit
/// only does past `wal_pages` pages (0: never), so a long run's WAL stays
/// bounded.
pub fn defer_sync_and_checkpoints(conn: &Connection, wal_pages: u32) -> rusqlite::Result<()> {
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "wal_autocheckpoint", wal_pages)?;
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
        true,
    )?;
    Ok(())
}

/// WAL for concurrent readers (the app and the CLI share a store), durable
/// commits, enforced foreign keys, and a wait instead of "database is locked".
pub fn apply_pragmas(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// An open write transaction and the change it records.
pub struct WriteTx<'a> {
    tx: rusqlite::Transaction<'a>,
    change: &'a Change,
}

impl WriteTx<'_> {
    pub fn change(&self) -> &Change {
        self.change
    }

    /// Appends the audit event of this change, in this transaction.
    pub fn audit(
        &self,
        launch_id: Option<&str>,
        action: &str,
        subject: &str,
        details: serde_json::Value,
    ) -> Result<()> {
        audit::append(&self.tx, self.change, launch_id, action, subject, &details)
    }
}

impl Deref for WriteTx<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.tx
    }
}

/// A new UUIDv7 id: time-ordered, and unique across machines so records can
/// later be merged.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
