//! The launch's data as plain tables: every table of a snapshot cut down to
//! the launch (as a bundle's is), for `golive export --json FILE` (one JSON
//! document) and `--csv DIR` (one CSV file per table).
//!
//! Run output is stored packed; it is given as `run_lines` (run, line, stream,
//! time, text) instead. Other binary values are hex. The audit trail holds
//! the launch's events and those tied to no launch.

use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use rusqlite::Connection;
use rusqlite::types::ValueRef;
use serde::Serialize;
use serde_json::Value;

use super::snapshot;
use crate::{Error, Result, Store, format_timestamp};

/// The layout of the JSON document and the CSV folder.
pub const FORMAT: u32 = 1;

/// What was written.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Written {
    pub path: String,
    /// Tables written, with their row counts, by name.
    pub tables: Vec<TableCount>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TableCount {
    pub table: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub rows: u64,
}

/// A file removed when dropped.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A snapshot of the store cut down to one launch, in a temporary file.
/// Fields drop in order: the connection closes before the file goes.
struct Snapshot {
    conn: Connection,
    _file: TempFile,
}

fn snapshot(store: &Store, launch_id: &str) -> Result<Snapshot> {
    crate::launch::get(store.conn(), launch_id)?;
    let file =
        TempFile(std::env::temp_dir().join(format!("golive-export-{}.db", crate::store::new_id())));
    let failed = |e: &dyn std::fmt::Display| Error::StoreUnavailable {
        path: file.0.display().to_string(),
        reason: format!("the snapshot for the export could not be taken: {e}"),
    };
    let (conn, _) = snapshot::take(store, launch_id, &file.0, failed)?;
    // Views take no parameters: the id is quoted in.
    conn.execute_batch(&format!(
        "CREATE TEMP VIEW golive_events AS SELECT * FROM audit_events
          WHERE launch_id = '{}' OR launch_id IS NULL",
        launch_id.replace('\'', "''")
    ))?;
    Ok(Snapshot { conn, _file: file })
}

/// The tables in name order, with the query that reads each.
fn sources(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table'
           AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )?;
    let names: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut sources = Vec::new();
    for name in names.into_iter().filter(|name| name != "run_output") {
        let sql = match name.as_str() {
            "audit_events" => "SELECT * FROM golive_events ORDER BY seq".to_string(),
            _ => {
                let order: Vec<String> = snapshot::primary_key(conn, &name)?
                    .iter()
                    .map(|c| snapshot::quote(c))
                    .collect();
                format!(
                    "SELECT * FROM {} ORDER BY {}",
                    snapshot::quote(&name),
                    order.join(", ")
                )
            }
        };
        sources.push((name, sql));
    }
    Ok(sources)
}

fn value(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(f) => Value::from(f),
        ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::String(hex::encode(b)),
    }
}

/// Calls `each` with every table (name, columns) and then its rows, in
/// order; `run_lines` comes after `runs`.
fn each_table(
    conn: &Connection,
    mut table: impl FnMut(&str, &[String]) -> Result<()>,
    mut row: impl FnMut(&[Value]) -> Result<()>,
) -> Result<()> {
    for (name, sql) in sources(conn)? {
        let mut stmt = conn.prepare(&sql)?;
        let columns: Vec<String> = stmt.column_names().iter().map(|c| c.to_string()).collect();
        table(&name, &columns)?;
        let mut rows = stmt.query([])?;
        let mut values = Vec::with_capacity(columns.len());
        while let Some(r) = rows.next()? {
            values.clear();
            for i in 0..columns.len() {
                values.push(value(r.get_ref(i)?));
            }
            row(&values)?;
        }
        if name == "runs" {
            run_lines(conn, &mut table, &mut row)?;
        }
    }
    Ok(())
}

fn run_lines(
    conn: &Connection,
    table: &mut impl FnMut(&str, &[String]) -> Result<()>,
    row: &mut impl FnMut(&[Value]) -> Result<()>,
) -> Result<()> {
    let columns: Vec<String> = ["run_id", "line", "stream", "at", "text"]
        .iter()
        .map(|c| c.to_string())
        .collect();
    table("run_lines", &columns)?;
    let runs: Vec<String> = conn
        .prepare("SELECT id FROM runs ORDER BY num")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for run in runs {
        let mut failure = None;
        crate::deploy::runs::each_line(conn, &run, 1, u32::MAX, |line| {
            if failure.is_some() {
                return;
            }
            let at = Timestamp::from_millisecond(line.at_ms)
                .map(format_timestamp)
                .unwrap_or_default();
            let values = [
                Value::from(run.as_str()),
                Value::from(line.seq),
                serde_json::to_value(line.stream).unwrap_or(Value::Null),
                Value::from(at),
                Value::from(line.text().into_owned()),
            ];
            if let Err(e) = row(&values) {
                failure = Some(e);
            }
        })?;
        if let Some(e) = failure {
            return Err(e);
        }
    }
    Ok(())
}

fn write_failed(path: &Path, e: &dyn std::fmt::Display) -> Error {
    Error::InvalidInput(format!(
        "cannot write {}: {e}. Pick a folder you can write to.",
        path.display()
    ))
}

/// Writes the launch's data as one JSON document:
/// `{"format", "launch_id", "exported_at", "tables": {name: [{column: value}]}}`.
pub fn write_json(store: &Store, launch_id: &str, dest: &Path, now: Timestamp) -> Result<Written> {
    let snap = snapshot(store, launch_id)?;
    let file = std::fs::File::create(dest).map_err(|e| write_failed(dest, &e))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    let io = |e: std::io::Error| write_failed(dest, &e);
    let mut counts: Vec<TableCount> = Vec::new();
    let mut columns: Vec<String> = Vec::new();
    write!(
        out,
        "{{\"format\":{FORMAT},\"launch_id\":{},\"exported_at\":{},\"tables\":{{",
        Value::from(launch_id),
        Value::from(format_timestamp(now))
    )
    .map_err(io)?;
    let out = std::cell::RefCell::new(out);
    let counts_cell = std::cell::RefCell::new(&mut counts);
    let columns_cell = std::cell::RefCell::new(&mut columns);
    each_table(
        &snap.conn,
        |name, cols| {
            let mut counts = counts_cell.borrow_mut();
            let mut out = out.borrow_mut();
            if !counts.is_empty() {
                out.write_all(b"],").map_err(io)?;
            }
            write!(out, "{}:[", Value::from(name)).map_err(io)?;
            counts.push(TableCount {
                table: name.to_string(),
                rows: 0,
            });
            **columns_cell.borrow_mut() = cols.to_vec();
            Ok(())
        },
        |values| {
            let mut counts = counts_cell.borrow_mut();
            let mut out = out.borrow_mut();
            let count = counts.last_mut().expect("a table before its rows");
            if count.rows > 0 {
                out.write_all(b",").map_err(io)?;
            }
            count.rows += 1;
            let columns = columns_cell.borrow();
            let object: serde_json::Map<String, Value> = columns
                .iter()
                .cloned()
                .zip(values.iter().cloned())
                .collect();
            serde_json::to_writer(&mut *out, &object).map_err(|e| write_failed(dest, &e))?;
            Ok(())
        },
    )?;
    let mut out = out.into_inner();
    let closing: &[u8] = if counts.is_empty() { b"}}\n" } else { b"]}}\n" };
    out.write_all(closing).map_err(io)?;
    out.flush().map_err(io)?;
    Ok(Written {
        path: dest.display().to_string(),
        tables: counts,
    })
}

/// Writes one CSV file per table into the folder `dest` (created if
/// missing; files of the same names are replaced).
pub fn write_csv(store: &Store, launch_id: &str, dest: &Path) -> Result<Written> {
    let snap = snapshot(store, launch_id)?;
    std::fs::create_dir_all(dest).map_err(|e| write_failed(dest, &e))?;
    let mut counts: Vec<TableCount> = Vec::new();
    let writer: std::cell::RefCell<Option<(csv::Writer<std::fs::File>, PathBuf)>> =
        std::cell::RefCell::new(None);
    let counts_cell = std::cell::RefCell::new(&mut counts);
    let finish = |slot: &mut Option<(csv::Writer<std::fs::File>, PathBuf)>| -> Result<()> {
        if let Some((mut w, path)) = slot.take() {
            w.flush().map_err(|e| write_failed(&path, &e))?;
        }
        Ok(())
    };
    each_table(
        &snap.conn,
        |name, columns| {
            let mut slot = writer.borrow_mut();
            finish(&mut slot)?;
            let path = dest.join(format!("{name}.csv"));
            let mut w = csv::Writer::from_path(&path).map_err(|e| write_failed(&path, &e))?;
            w.write_record(columns)
                .map_err(|e| write_failed(&path, &e))?;
            *slot = Some((w, path));
            counts_cell.borrow_mut().push(TableCount {
                table: name.to_string(),
                rows: 0,
            });
            Ok(())
        },
        |values| {
            let mut slot = writer.borrow_mut();
            let (w, path) = slot.as_mut().expect("a table before its rows");
            let fields = values.iter().map(|v| match v {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
            w.write_record(fields).map_err(|e| write_failed(path, &e))?;
            counts_cell
                .borrow_mut()
                .last_mut()
                .expect("a table before its rows")
                .rows += 1;
            Ok(())
        },
    )?;
    finish(&mut writer.borrow_mut())?;
    Ok(Written {
        path: dest.display().to_string(),
        tables: counts,
    })
}
