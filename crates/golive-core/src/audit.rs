//! The audit trail: every change appends one event in the same transaction.
//! Events are hash-chained: each event's hash covers its own fields and the
//! previous event's hash, so changing, removing or reordering any event
//! breaks the chain from that event on.
//!
//! The hashed bytes are a length-prefixed encoding of the stored column
//! texts (see [`preimage`]), so verifying never depends on how JSON is
//! re-serialized.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::actor::Change;
use crate::{Result, format_timestamp};

/// The `prev_hash` of the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Event {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub seq: i64,
    pub at: String,
    pub launch_id: Option<String>,
    pub actor: String,
    pub actor_role: Option<String>,
    pub action: String,
    pub subject: String,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

impl Event {
    pub fn details_json(&self) -> serde_json::Value {
        serde_json::from_str(&self.details)
            .unwrap_or(serde_json::Value::String(self.details.clone()))
    }
}

/// The stored fields of an event, borrowed: exactly what its hash covers.
pub struct Fields<'a> {
    pub seq: i64,
    pub at: &'a str,
    pub launch_id: Option<&'a str>,
    pub actor: &'a str,
    pub actor_role: Option<&'a str>,
    pub action: &'a str,
    pub subject: &'a str,
    pub details: &'a str,
    pub prev_hash: &'a str,
}

impl Fields<'_> {
    /// The exact bytes the hash covers: each field as `len:bytes\n`, after a
    /// version tag, so no two different events encode alike.
    pub fn preimage(&self) -> Vec<u8> {
        let seq = self.seq.to_string();
        let fields: [&str; 10] = [
            "golive-audit-v1",
            &seq,
            self.at,
            self.launch_id.unwrap_or(""),
            self.actor,
            self.actor_role.unwrap_or(""),
            self.action,
            self.subject,
            self.details,
            self.prev_hash,
        ];
        let mut bytes = Vec::with_capacity(fields.iter().map(|f| f.len() + 8).sum());
        for field in fields {
            bytes.extend_from_slice(field.len().to_string().as_bytes());
            bytes.push(b':');
            bytes.extend_from_slice(field.as_bytes());
            bytes.push(b'\n');
        }
        bytes
    }
}

pub fn hash_of(preimage: &[u8]) -> String {
    hex::encode(Sha256::digest(preimage))
}

impl Event {
    pub fn fields(&self) -> Fields<'_> {
        Fields {
            seq: self.seq,
            at: &self.at,
            launch_id: self.launch_id.as_deref(),
            actor: &self.actor,
            actor_role: self.actor_role.as_deref(),
            action: &self.action,
            subject: &self.subject,
            details: &self.details,
            prev_hash: &self.prev_hash,
        }
    }

    pub fn preimage(&self) -> Vec<u8> {
        self.fields().preimage()
    }
}

/// Appends one event after the current head. Call only inside a write
/// transaction (`Store::write`), which serializes writers.
pub(crate) fn append(
    conn: &Connection,
    change: &Change,
    launch_id: Option<&str>,
    action: &str,
    subject: &str,
    details: &serde_json::Value,
) -> Result<()> {
    if let Some(launch_id) = launch_id {
        refuse_if_closed(conn, launch_id)?;
    }
    let head: Option<(i64, String)> = conn
        .query_row(
            "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let (seq, prev_hash) = match head {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS_HASH.to_string()),
    };
    let at = format_timestamp(change.at);
    let actor = change.actor.display();
    let actor_role = change.actor.role.as_deref();
    let details = canonical_json(details);
    let hash = hash_of(
        &Fields {
            seq,
            at: &at,
            launch_id,
            actor: &actor,
            actor_role,
            action,
            subject,
            details: &details,
            prev_hash: &prev_hash,
        }
        .preimage(),
    );
    conn.prepare_cached(
        "INSERT INTO audit_events (seq, at, launch_id, actor, actor_role, action, subject, details, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        seq, at, launch_id, actor, actor_role, action, subject, details, prev_hash, hash
    ])?;
    Ok(())
}

/// Every change to a launch appends its event here, so this one check makes
/// a closed launch read-only: the change's transaction fails with it.
fn refuse_if_closed(conn: &Connection, launch_id: &str) -> Result<()> {
    let closed: Option<(String, Option<String>, Option<String>)> = conn
        .prepare_cached("SELECT name, closed_at, closed_by FROM launches WHERE id = ?1")?
        .query_row([launch_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    if let Some((name, Some(at), by)) = closed {
        return Err(crate::Error::Conflict(format!(
            "{name:?} was closed on {} by {}: it is read-only now. Its record stays available to review and export.",
            at.get(..10).unwrap_or(&at),
            by.as_deref().unwrap_or("someone")
        )));
    }
    Ok(())
}

/// JSON with object keys sorted at every level, whatever serde_json's map
/// ordering features are, so the stored details of equal values are equal.
pub fn canonical_json(value: &serde_json::Value) -> String {
    use serde_json::Value;
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut entries: Vec<_> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                Value::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k.clone(), sorted(v)))
                        .collect(),
                )
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    // Sorting before insertion makes the output sorted under both map kinds.
    sorted(value).to_string()
}

pub(crate) const EVENT_COLUMNS: &str =
    "seq, at, launch_id, actor, actor_role, action, subject, details, prev_hash, hash";

pub(crate) fn event_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Event> {
    Ok(Event {
        seq: row.get(0)?,
        at: row.get(1)?,
        launch_id: row.get(2)?,
        actor: row.get(3)?,
        actor_role: row.get(4)?,
        action: row.get(5)?,
        subject: row.get(6)?,
        details: row.get(7)?,
        prev_hash: row.get(8)?,
        hash: row.get(9)?,
    })
}

/// Filters for reading the trail.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Query {
    /// Only events of this launch (events not tied to a launch, such as a
    /// profile change, are included too).
    pub launch_id: Option<String>,
    /// Only events about this subject, e.g. `item:PRE-07`.
    pub subject: Option<String>,
    /// Only changes by this actor (as recorded, e.g. `Ana Lopez (ana)`).
    pub actor: Option<String>,
    /// Only this kind of change: the action's first part (`item` for
    /// `item.status`), or a whole action.
    pub kind: Option<String>,
    /// Only events at or after this instant (RFC 3339).
    pub from: Option<String>,
    /// Only events before this instant (RFC 3339).
    pub until: Option<String>,
    /// Only events older than this one (the next page of a newest-first list).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub before_seq: Option<i64>,
    /// At most this many, newest last.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub limit: Option<usize>,
}

/// Events in chain order (oldest first).
pub fn events(conn: &Connection, query: &Query) -> Result<Vec<Event>> {
    let limit = query.limit.map_or(-1, |l| l as i64);
    let from = query.from.as_deref().map(normalized_instant).transpose()?;
    let until = query.until.as_deref().map(normalized_instant).transpose()?;
    let sql = format!(
        "SELECT {EVENT_COLUMNS} FROM (
            SELECT * FROM audit_events
            WHERE (?1 IS NULL OR launch_id = ?1 OR launch_id IS NULL)
              AND (?3 IS NULL OR subject = ?3)
              AND (?4 IS NULL OR actor = ?4)
              AND (?5 IS NULL OR action = ?5 OR substr(action, 1, length(?5) + 1) = ?5 || '.')
              AND (?6 IS NULL OR at >= ?6)
              AND (?7 IS NULL OR at < ?7)
              AND (?8 IS NULL OR seq < ?8)
            ORDER BY seq DESC LIMIT ?2
         ) ORDER BY seq"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(
        params![
            query.launch_id,
            limit,
            query.subject,
            query.actor,
            query.kind,
            from,
            until,
            query.before_seq
        ],
        event_from_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// An instant as the trail stores it, so text comparison orders it right.
fn normalized_instant(text: &str) -> Result<String> {
    crate::parse_timestamp(text.trim())
        .map(format_timestamp)
        .map_err(|_| {
            crate::Error::InvalidInput(format!(
                "{text:?} is not a date and time such as 2026-12-07T09:00:00Z"
            ))
        })
}

/// What the trail of a launch can be filtered by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Facets {
    /// Everyone who changed something, by name.
    pub actors: Vec<String>,
    /// Kinds of change (`item`, `run`, `signoff`…) with how many events each.
    pub kinds: Vec<KindCount>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub events: u64,
    pub first_at: Option<String>,
    pub last_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct KindCount {
    pub kind: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub count: u64,
}

pub fn facets(conn: &Connection, launch_id: &str) -> Result<Facets> {
    const MINE: &str = "(launch_id = ?1 OR launch_id IS NULL)";
    let mut actors: Vec<String> = conn
        .prepare(&format!(
            "SELECT DISTINCT actor FROM audit_events WHERE {MINE}"
        ))?
        .query_map([launch_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    actors.sort_by_key(|a| a.to_lowercase());
    let kinds = conn
        .prepare(&format!(
            "SELECT CASE WHEN instr(action, '.') > 0 THEN substr(action, 1, instr(action, '.') - 1) ELSE action END AS kind,
                    count(*)
               FROM audit_events WHERE {MINE} GROUP BY kind ORDER BY kind"
        ))?
        .query_map([launch_id], |r| {
            Ok(KindCount {
                kind: r.get(0)?,
                count: r.get::<_, i64>(1)? as u64,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let (events, first_at, last_at) = conn.query_row(
        &format!("SELECT count(*), min(at), max(at) FROM audit_events WHERE {MINE}"),
        [launch_id],
        |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?, r.get(2)?)),
    )?;
    Ok(Facets {
        actors,
        kinds,
        events,
        first_at,
        last_at,
    })
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Verification {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub events: u64,
    /// Hash of the last event, or the genesis hash for an empty trail.
    pub head: String,
    pub first_bad: Option<BadEvent>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.first_bad.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BadEvent {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub seq: i64,
    pub problem: String,
}

/// Recomputes the whole chain and names the first event that does not fit.
pub fn verify(conn: &Connection) -> Result<Verification> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {EVENT_COLUMNS} FROM audit_events ORDER BY seq"
    ))?;
    let mut rows = stmt.query([])?;
    verify_events(std::iter::from_fn(|| match rows.next() {
        Ok(Some(row)) => Some(event_from_row(row).map_err(Into::into)),
        Ok(None) => None,
        Err(e) => Some(Err(e.into())),
    }))
}

/// Verifies events given in stored order; shared by the store and, later,
/// exported records.
pub fn verify_events(events: impl Iterator<Item = Result<Event>>) -> Result<Verification> {
    let mut prev_hash = GENESIS_HASH.to_string();
    let mut count = 0;
    for (expected_seq, event) in (1_i64..).zip(events) {
        let event = event?;
        let bad = |problem: String| {
            Ok(Verification {
                events: count,
                head: prev_hash.clone(),
                first_bad: Some(BadEvent {
                    seq: event.seq,
                    problem,
                }),
            })
        };
        if event.seq != expected_seq {
            return bad(format!(
                "expected event #{expected_seq} here but found #{}: events are missing or out of order",
                event.seq
            ));
        }
        if event.prev_hash != prev_hash {
            return bad(format!(
                "its previous-hash {} does not match the hash of event #{} ({})",
                short(&event.prev_hash),
                expected_seq - 1,
                short(&prev_hash)
            ));
        }
        let computed = hash_of(&event.preimage());
        if computed != event.hash {
            return bad(format!(
                "its content does not match its hash (stored {}, computed {}): the event was altered",
                short(&event.hash),
                short(&computed)
            ));
        }
        prev_hash = event.hash;
        count += 1;
    }
    Ok(Verification {
        events: count,
        head: prev_hash,
        first_bad: None,
    })
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}
