//! Copies of the store, and putting one back. A copy is taken with SQLite's
//! online backup API on a connection of its own, so it is one consistent
//! moment of the store while the app and the CLI go on writing, and it is a
//! single self-contained file (no WAL beside it).
//!
//! Copies go to a `backups` folder beside the store, named
//! `<store>-<UTC time>-<kind>.db`: one before every deployment run, one a
//! day while the app is open, one before a restore, and any taken by hand.
//! Of the automatic ones (before a run, daily) the newest [`keep`] of each
//! kind are kept; the others are never removed by golive.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::Serialize;

use super::{Store, connect, migrations, schema_version};
use crate::actor::Change;
use crate::{Error, Result};

const KEEP_SETTING: &str = "backup.keep";
/// How many automatic copies of each kind are kept unless set otherwise.
pub const DEFAULT_KEEP: u32 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum BackupKind {
    BeforeRun,
    Daily,
    Manual,
    BeforeRestore,
}

impl BackupKind {
    pub const ALL: [BackupKind; 4] = [
        BackupKind::BeforeRun,
        BackupKind::Daily,
        BackupKind::Manual,
        BackupKind::BeforeRestore,
    ];

    pub fn key(self) -> &'static str {
        match self {
            BackupKind::BeforeRun => "before-run",
            BackupKind::Daily => "daily",
            BackupKind::Manual => "manual",
            BackupKind::BeforeRestore => "before-restore",
        }
    }

    /// Whether golive removes old copies of this kind (it never removes
    /// one a person asked for, or the store a restore replaced).
    fn pruned(self) -> bool {
        matches!(self, BackupKind::BeforeRun | BackupKind::Daily)
    }
}

/// One copy in the backups folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Backup {
    pub path: String,
    pub kind: BackupKind,
    /// When it was taken (UTC, from its name).
    pub taken: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes: u64,
}

/// The folder the copies of the store at `store_path` go to.
pub fn folder(store_path: &Path) -> PathBuf {
    store_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("backups")
}

fn stem(store_path: &Path) -> String {
    store_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "golive".into())
}

const STAMP: &str = "%Y%m%dT%H%M%SZ";

/// Copies the store into the backups folder, then removes automatic copies
/// of that kind beyond [`keep`].
pub fn create(store_path: &Path, kind: BackupKind, now: Timestamp) -> Result<Backup> {
    let source = connect(store_path)?;
    let folder = folder(store_path);
    std::fs::create_dir_all(&folder).map_err(|e| Error::StoreUnavailable {
        path: folder.display().to_string(),
        reason: format!("cannot create the backups folder: {e}"),
    })?;
    let stamp = now.strftime(STAMP).to_string();
    let mut path = folder.join(format!("{}-{stamp}-{}.db", stem(store_path), kind.key()));
    // Two copies within a second (a run right after a manual copy) keep both.
    for n in 2.. {
        if !path.exists() {
            break;
        }
        path = folder.join(format!(
            "{}-{stamp}-{}-{n}.db",
            stem(store_path),
            kind.key()
        ));
    }
    let bytes = copy(&source, &path)?;
    if kind.pruned() {
        prune(store_path, kind, keep(&source)?)?;
    }
    Ok(Backup {
        path: path.display().to_string(),
        kind,
        taken: crate::format_timestamp(now),
        bytes,
    })
}

/// Copies the store `source` is connected to into `dest` (which must not
/// exist): written beside it under another name, synced, then renamed, so
/// a copy is either whole or absent.
pub fn copy(source: &Connection, dest: &Path) -> Result<u64> {
    if dest.exists() {
        return Err(Error::Conflict(format!(
            "{} already exists; choose another file name",
            dest.display()
        )));
    }
    let partial = dest.with_extension("db-partial");
    let _ = std::fs::remove_file(&partial);
    let failed = |e: &dyn std::fmt::Display| {
        let _ = std::fs::remove_file(&partial);
        Error::StoreUnavailable {
            path: dest.display().to_string(),
            reason: format!("the copy could not be written: {e}"),
        }
    };
    let mut out = Connection::open(&partial).map_err(|e| failed(&e))?;
    copy_pages(source, &mut out).map_err(|e| failed(&e))?;
    // A copy stands alone: no WAL to carry beside it.
    out.pragma_update(None, "journal_mode", "DELETE")
        .map_err(|e| failed(&e))?;
    drop(out);
    publish(&partial, dest).map_err(|e| failed(&e))?;
    Ok(std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0))
}

/// Puts a finished file in place: synced, renamed to `dest`, the folder
/// synced, so `dest` is either whole or absent.
pub(crate) fn publish(partial: &Path, dest: &Path) -> std::io::Result<()> {
    std::fs::File::open(partial).and_then(|f| f.sync_all())?;
    std::fs::rename(partial, dest)?;
    if let Some(parent) = dest.parent()
        && let Ok(dir) = std::fs::File::open(parent)
    {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Every page of `from` into `to` in one step, so the copy is one moment
/// of the source; retried for up to 5 s while another connection holds a
/// lock it needs.
pub(crate) fn copy_pages(from: &Connection, to: &mut Connection) -> rusqlite::Result<()> {
    use rusqlite::backup::{Backup, StepResult};
    let backup = Backup::new(from, to)?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            _ if std::time::Instant::now() > deadline => {
                return Err(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                    Some("the store stayed locked by another writer for 5 s".into()),
                ));
            }
            _ => std::thread::sleep(std::time::Duration::from_millis(20)),
        }
    }
}

/// The copies in the backups folder, newest first.
pub fn list(store_path: &Path) -> Result<Vec<Backup>> {
    let folder = folder(store_path);
    let entries = match std::fs::read_dir(&folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(Error::StoreUnavailable {
                path: folder.display().to_string(),
                reason: format!("cannot read the backups folder: {e}"),
            });
        }
    };
    let prefix = format!("{}-", stem(store_path));
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((taken, kind)) = name
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".db"))
            .and_then(parse_name)
        else {
            continue;
        };
        found.push(Backup {
            path: entry.path().display().to_string(),
            kind,
            taken: crate::format_timestamp(taken),
            bytes: entry.metadata().map(|m| m.len()).unwrap_or(0),
        });
    }
    found.sort_by(|a, b| b.taken.cmp(&a.taken).then(b.path.cmp(&a.path)));
    Ok(found)
}

/// `<stamp>-<kind>[-n]` into the time and the kind.
fn parse_name(rest: &str) -> Option<(Timestamp, BackupKind)> {
    let (stamp, tail) = rest.split_once('-')?;
    let taken = jiff::civil::DateTime::strptime(STAMP, stamp)
        .ok()?
        .to_zoned(jiff::tz::TimeZone::UTC)
        .ok()?
        .timestamp();
    let kind = BackupKind::ALL.into_iter().find(|k| {
        tail == k.key()
            || tail
                .strip_prefix(k.key())
                .and_then(|n| n.strip_prefix('-'))
                .is_some_and(|n| n.parse::<u32>().is_ok())
    })?;
    Some((taken, kind))
}

/// Removes the oldest automatic copies of `kind` beyond `keep`; returns
/// what it removed.
fn prune(store_path: &Path, kind: BackupKind, keep: u32) -> Result<Vec<String>> {
    let mut removed = Vec::new();
    for old in list(store_path)?
        .into_iter()
        .filter(|b| b.kind == kind)
        .skip(keep as usize)
    {
        match std::fs::remove_file(&old.path) {
            Ok(()) => removed.push(old.path),
            Err(e) => {
                tracing::warn!(path = %old.path, error = %e, "an old backup could not be removed")
            }
        }
    }
    Ok(removed)
}

/// How many automatic copies of each kind are kept.
pub fn keep(conn: &Connection) -> Result<u32> {
    let value: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [KEEP_SETTING],
            |row| row.get(0),
        )
        .optional()?;
    Ok(value.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_KEEP))
}

pub fn set_keep(store: &mut Store, change: &Change, count: u32) -> Result<()> {
    if !(1..=1000).contains(&count) {
        return Err(Error::InvalidInput(format!(
            "keep 1 to 1000 copies of each kind, not {count}"
        )));
    }
    store.write(change, |tx| {
        tx.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = ?2",
            [KEEP_SETTING, &count.to_string()],
        )?;
        tx.audit(
            None,
            "settings.change",
            &format!("settings:{KEEP_SETTING}"),
            serde_json::json!({ "keep": count }),
        )
    })
}

/// Takes the day's copy when the newest daily one is a day old or missing.
pub fn daily_if_due(store_path: &Path, now: Timestamp) -> Result<Option<Backup>> {
    let newest = list(store_path)?
        .into_iter()
        .find(|b| b.kind == BackupKind::Daily)
        .and_then(|b| b.taken.parse::<Timestamp>().ok());
    let due =
        newest.is_none_or(|at| now.duration_since(at) >= jiff::SignedDuration::from_hours(24));
    if !due {
        return Ok(None);
    }
    create(store_path, BackupKind::Daily, now).map(Some)
}

/// What a store file holds, as a restore shows it before replacing anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StoreSummary {
    pub path: String,
    pub launches: Vec<String>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub events: u64,
    /// The time of the newest audit event.
    pub last_change: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub schema: u64,
}

fn summarize(conn: &Connection, path: &Path) -> Result<StoreSummary> {
    let mut stmt = conn.prepare("SELECT name FROM launches ORDER BY created_at")?;
    let launches = stmt
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    let (events, last_change): (i64, Option<String>) =
        conn.query_row("SELECT count(*), max(at) FROM audit_events", [], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })?;
    let schema: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    Ok(StoreSummary {
        path: path.display().to_string(),
        launches,
        events: events.max(0) as u64,
        last_change,
        schema: schema.max(0) as u64,
    })
}

/// Checks that `file` is a whole golive store this build can open:
/// `integrity_check` ok, no foreign-key violation, a known schema.
pub fn check(file: &Path) -> Result<StoreSummary> {
    let unusable = |reason: String| {
        Error::InvalidInput(format!(
            "{} cannot be restored: {reason}. Nothing was changed.",
            file.display()
        ))
    };
    if !file.is_file() {
        return Err(unusable("there is no such file".into()));
    }
    let conn = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| unusable(format!("it does not open as SQLite ({e})")))?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| {
        row.get::<_, i64>(0)
    })
    .map_err(|e| unusable(format!("it is not a readable SQLite database ({e})")))?;
    let integrity: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| {
            s.query_map([], |row| row.get(0))?
                .collect::<rusqlite::Result<_>>()
        })
        .map_err(|e| unusable(format!("its integrity check failed ({e})")))?;
    if integrity != ["ok"] {
        return Err(unusable(format!(
            "its integrity check failed: {}",
            integrity.into_iter().take(3).collect::<Vec<_>>().join("; ")
        )));
    }
    let violations: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |row| {
            row.get(0)
        })
        .map_err(|e| unusable(e.to_string()))?;
    if violations > 0 {
        return Err(unusable(format!(
            "it has {violations} rows whose references point nowhere"
        )));
    }
    let summary =
        summarize(&conn, file).map_err(|e| unusable(format!("it is not a golive store ({e})")))?;
    if summary.schema as usize > schema_version() {
        return Err(unusable(format!(
            "it was written by a newer golive (schema {}, this build knows up to {})",
            summary.schema,
            schema_version()
        )));
    }
    Ok(summary)
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Restored {
    pub from: StoreSummary,
    /// The copy of the store as it was before the restore.
    pub replaced_saved_as: Backup,
}

/// The store at `store_path` as it is now, for the confirmation.
pub fn describe(store_path: &Path) -> Result<StoreSummary> {
    let store = Store::open(store_path, super::OpenMode::MustExist)?;
    summarize(store.conn(), store_path)
}

/// Replaces the store's content with `file` after checking it (see
/// [`check`]). The store as it was is saved first (kind before-restore);
/// refused while a run is going on. The restore itself is the first event
/// after the copy's own audit trail.
pub fn restore(store_path: &Path, file: &Path, change: &Change) -> Result<Restored> {
    let from = check(file)?;
    let mut store = Store::open(store_path, super::OpenMode::MustExist)?;
    if same_file(store_path, file) {
        return Err(Error::InvalidInput(format!(
            "{} is the store itself; choose a backup to restore",
            file.display()
        )));
    }
    let running: Option<String> = store
        .conn()
        .query_row(
            "SELECT trigger_name FROM runs WHERE state = 'running' LIMIT 1",
            [],
            |row| row.get(0),
        )
        .optional()?;
    if let Some(trigger) = running {
        return Err(Error::Conflict(format!(
            "the run of {trigger:?} is still going on; restore after it has ended (or cancel it). Nothing was changed."
        )));
    }
    let saved = create(store_path, BackupKind::BeforeRestore, change.at)?;
    let source = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    copy_pages(&source, &mut store.conn).map_err(|e| {
            Error::Internal(format!(
                "the restore stopped part way ({e}); the store as it was is saved in {}: restore that file",
                saved.path
            ))
        })?;
    super::apply_pragmas(&store.conn)?;
    migrations()
        .to_latest(&mut store.conn)
        .map_err(|e| Error::StoreUnavailable {
            path: store_path.display().to_string(),
            reason: format!("the restored copy's schema could not be brought up to date: {e}"),
        })?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    store.write(change, |tx| {
        tx.audit(
            None,
            "store.restore",
            "store",
            serde_json::json!({
                "from": name,
                "events_in_copy": from.events,
                "copy_last_change": from.last_change,
                "replaced_saved_as": saved.path,
            }),
        )
    })?;
    Ok(Restored {
        from,
        replaced_saved_as: saved,
    })
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
