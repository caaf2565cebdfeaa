//! What a bundle's (and an export's) snapshot holds: the store cut down to
//! one launch.

use std::collections::BTreeMap;

use std::path::Path;

use rusqlite::Connection;

use crate::store::backup::copy_pages;
use crate::{Error, Result, Store};

/// Copies the store into `path` with the online backup API (one moment of
/// it) and cuts the copy down to `launch_id`; returns the copy's
/// connection and how many rows went. The copy is built in one go and
/// synced by its user, so it has no journal meanwhile. `failed` words an
/// error of opening or copying.
pub fn take(
    store: &Store,
    launch_id: &str,
    path: &Path,
    failed: impl Fn(&dyn std::fmt::Display) -> Error,
) -> Result<(Connection, u64)> {
    let mut conn = Connection::open(path).map_err(|e| failed(&e))?;
    copy_pages(store.conn(), &mut conn).map_err(|e| failed(&e))?;
    conn.pragma_update(None, "journal_mode", "OFF")?;
    conn.pragma_update(None, "synchronous", "OFF")?;
    let removed = keep_only_launch(&conn, launch_id)?;
    Ok((conn, removed))
}

/// Removes every other launch and, table by table, every row left pointing
/// at something removed (following the schema's foreign keys, so a new
/// table needs nothing here). The audit trail stays whole: its chain covers
/// every launch's events, and verifying needs all of them.
pub fn keep_only_launch(conn: &Connection, launch_id: &str) -> Result<u64> {
    // Orphans are removed below, table by table; checking each delete on
    // the way would refuse the first one.
    conn.pragma_update(None, "foreign_keys", false)?;
    // A rehearsal keeps its own rows; the launch it rehearses is not taken.
    conn.execute(
        "UPDATE launches SET rehearsal_of = NULL WHERE id = ?1",
        [launch_id],
    )?;
    let mut removed = conn.execute("DELETE FROM launches WHERE id <> ?1", [launch_id])? as u64;
    if removed == 0 {
        // The store keeps its foreign keys: nothing can point nowhere yet.
        return Ok(0);
    }
    let deletes = orphan_deletes(conn)?;
    loop {
        let mut round = 0;
        for sql in &deletes {
            round += conn.execute(sql, [])? as u64;
        }
        if round == 0 {
            return Ok(removed);
        }
        removed += round;
    }
}

/// A foreign key: the parent table, the child's columns, the parent's
/// columns (`None`: the parent's primary key).
type ForeignKey = (String, Vec<String>, Vec<Option<String>>);

/// One `DELETE` per foreign key: the rows whose key is set but matches no
/// parent row.
fn orphan_deletes(conn: &Connection) -> Result<Vec<String>> {
    let mut deletes = Vec::new();
    for table in tables(conn)? {
        if table == "audit_events" {
            continue;
        }
        let mut stmt = conn.prepare(
            "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
        )?;
        let rows = stmt.query_map([&table], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        let mut keys: BTreeMap<i64, ForeignKey> = BTreeMap::new();
        for row in rows {
            let (id, parent, from, to) = row?;
            let key = keys
                .entry(id)
                .or_insert_with(|| (parent, Vec::new(), Vec::new()));
            key.1.push(from);
            key.2.push(to);
        }
        for (parent, from, to) in keys.into_values() {
            let to: Vec<String> = match to.iter().all(Option::is_some) {
                true => to.into_iter().flatten().collect(),
                false => primary_key(conn, &parent)?,
            };
            let set: Vec<String> = from
                .iter()
                .map(|f| format!("{} IS NOT NULL", quote(f)))
                .collect();
            let matches: Vec<String> = from
                .iter()
                .zip(&to)
                .map(|(f, t)| format!("p.{} = {}.{}", quote(t), quote(&table), quote(f)))
                .collect();
            deletes.push(format!(
                "DELETE FROM {t} WHERE {set} AND NOT EXISTS (SELECT 1 FROM {p} p WHERE {matches})",
                t = quote(&table),
                p = quote(&parent),
                set = set.join(" AND "),
                matches = matches.join(" AND "),
            ));
        }
    }
    Ok(deletes)
}

pub(crate) fn primary_key(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare("SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk")?;
    let columns = stmt
        .query_map([table], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(match columns.is_empty() {
        true => vec!["rowid".into()],
        false => columns,
    })
}

/// The store's own tables, by name.
fn tables(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table'
           AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )?;
    Ok(stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
