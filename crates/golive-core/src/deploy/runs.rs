//! The runs table: the environment lock (one running run per environment,
//! a partial unique index), starting and ending runs, cancel requests,
//! recovery after a crash, the history and the stored logs.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::process::{self, Signal};
use super::triggers::Trigger;
use super::{Action, LogLine, RunState, Stream, chunk};
use crate::actor::Change;
use crate::health::probe::ProbeVerdict;
use crate::store::{Store, new_id};
use crate::{Error, Result, format_timestamp};

/// One monitor as a pre-deployment check or validation saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CheckedMonitor {
    pub name: String,
    pub verdict: ProbeVerdict,
    pub detail: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub latency_ms: u64,
}

/// A sweep of an environment's monitors attached to a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SweepResult {
    pub at: String,
    pub passed: bool,
    pub monitors: Vec<CheckedMonitor>,
}

impl SweepResult {
    /// "3 of 4 monitors pass; payments: down (timeout)".
    pub fn summary(&self) -> String {
        if self.monitors.is_empty() {
            return "no monitors to check".into();
        }
        let passing = self
            .monitors
            .iter()
            .filter(|m| {
                m.verdict != ProbeVerdict::Fail && m.verdict != ProbeVerdict::CredentialUnavailable
            })
            .count();
        let failing: Vec<String> = self
            .monitors
            .iter()
            .filter(|m| {
                m.verdict == ProbeVerdict::Fail || m.verdict == ProbeVerdict::CredentialUnavailable
            })
            .map(|m| format!("{}: {}", m.name, m.detail))
            .collect();
        let mut text = format!("{passing} of {} monitors pass", self.monitors.len());
        if !failing.is_empty() {
            text.push_str("; ");
            text.push_str(&failing.join("; "));
        }
        text
    }
}

/// A validation trigger's run within a deploy's validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ValidationStep {
    pub trigger: String,
    pub run_id: String,
    pub state: RunState,
}

/// Post-deployment validation of a deploy run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Validation {
    pub sweep: Option<SweepResult>,
    pub steps: Vec<ValidationStep>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Run {
    pub id: String,
    pub launch_id: String,
    pub environment_id: String,
    pub environment: String,
    pub trigger_id: Option<String>,
    pub trigger_name: String,
    pub action: Action,
    pub kind: String,
    pub production: bool,
    pub state: RunState,
    pub version: Option<String>,
    pub reason: Option<String>,
    pub gate_override: Option<String>,
    pub checks_override: Option<String>,
    pub parent_run_id: Option<String>,
    pub automatic: bool,
    pub started_at: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub started_ms: i64,
    pub started_by: String,
    pub ended_at: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub duration_ms: Option<i64>,
    pub exit_code: Option<i32>,
    pub signal: Option<String>,
    pub detail: Option<String>,
    pub pgid: Option<u32>,
    pub cancel_requested_at: Option<String>,
    pub cancel_requested_by: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub line_count: i64,
    pub precheck: Option<SweepResult>,
    /// `running`, `passed` or `failed` once validation started.
    pub validation_state: Option<String>,
    pub validation: Option<Validation>,
}

const COLUMNS: &str = "r.id, r.launch_id, r.environment_id, e.name, r.trigger_id, r.trigger_name,
     r.action, r.kind, r.production, r.state, r.version, r.reason, r.gate_override,
     r.checks_override, r.parent_run_id, r.automatic, r.started_at, r.started_ms, r.started_by,
     r.ended_at, r.ended_ms, r.exit_code, r.signal, r.detail, r.pgid, r.cancel_requested_at,
     r.cancel_requested_by, r.line_count, r.precheck_json, r.validation_state, r.validation_json,
     r.owner_pid, r.owner_start, r.num";

fn json_column<T: serde::de::DeserializeOwned>(text: Option<String>) -> Option<T> {
    text.and_then(|t| serde_json::from_str(&t).ok())
}

/// A run with what only the store needs (owner, row number).
struct Row {
    run: Run,
    owner_pid: Option<u32>,
    owner_start: Option<String>,
    num: i64,
}

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    let started_ms: i64 = row.get(17)?;
    let ended_ms: Option<i64> = row.get(20)?;
    Ok(Row {
        run: Run {
            id: row.get(0)?,
            launch_id: row.get(1)?,
            environment_id: row.get(2)?,
            environment: row.get(3)?,
            trigger_id: row.get(4)?,
            trigger_name: row.get(5)?,
            action: Action::parse(&row.get::<_, String>(6)?),
            kind: row.get(7)?,
            production: row.get(8)?,
            state: RunState::parse(&row.get::<_, String>(9)?),
            version: row.get(10)?,
            reason: row.get(11)?,
            gate_override: row.get(12)?,
            checks_override: row.get(13)?,
            parent_run_id: row.get(14)?,
            automatic: row.get(15)?,
            started_at: row.get(16)?,
            started_ms,
            started_by: row.get(18)?,
            ended_at: row.get(19)?,
            duration_ms: ended_ms.map(|end| end - started_ms),
            exit_code: row.get(21)?,
            signal: row.get(22)?,
            detail: row.get(23)?,
            pgid: row.get(24)?,
            cancel_requested_at: row.get(25)?,
            cancel_requested_by: row.get(26)?,
            line_count: row.get(27)?,
            precheck: json_column(row.get(28)?),
            validation_state: row.get(29)?,
            validation: json_column(row.get(30)?),
        },
        owner_pid: row.get(31)?,
        owner_start: row.get(32)?,
        num: row.get(33)?,
    })
}

fn select(conn: &Connection, filter: &str, values: impl rusqlite::Params) -> Result<Vec<Row>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM runs r JOIN environments e ON e.id = r.environment_id {filter}"
    ))?;
    let rows = stmt
        .query_map(values, from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

fn find_row(conn: &Connection, id: &str) -> Result<Option<Row>> {
    Ok(select(conn, "WHERE r.id = ?1", [id])?.into_iter().next())
}

/// A run by id, or by the first characters of its id (as `golive runs` shows it).
pub fn get(conn: &Connection, launch_id: &str, selector: &str) -> Result<Run> {
    let selector = selector.trim();
    if selector.len() >= 4 {
        let rows = select(
            conn,
            "WHERE r.launch_id = ?1 AND (r.id = ?2 OR r.id LIKE ?2 || '%' OR r.id LIKE '%' || ?2)
             ORDER BY r.started_ms DESC LIMIT 2",
            params![launch_id, selector],
        )?;
        match rows.as_slice() {
            [one] => return Ok(one.run.clone()),
            [first, ..] if first.run.id == selector => return Ok(first.run.clone()),
            [_, _, ..] => {
                return Err(Error::InvalidInput(format!(
                    "{selector:?} matches more than one run; give more of its id"
                )));
            }
            [] => {}
        }
    }
    Err(Error::NotFound(format!(
        "this launch has no run {selector:?}; `golive runs` lists them"
    )))
}

/// Which runs to list.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RunFilter {
    pub environment_id: Option<String>,
    pub action: Option<Action>,
    pub state: Option<RunState>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub limit: Option<u32>,
}

/// The launch's runs, newest first.
pub fn list(conn: &Connection, launch_id: &str, filter: &RunFilter) -> Result<Vec<Run>> {
    let rows = select(
        conn,
        "WHERE r.launch_id = ?1 AND (?2 IS NULL OR r.environment_id = ?2)
           AND (?3 IS NULL OR r.action = ?3) AND (?4 IS NULL OR r.state = ?4)
         ORDER BY r.started_ms DESC, r.num DESC LIMIT ?5",
        params![
            launch_id,
            filter.environment_id,
            filter.action.map(Action::key),
            filter.state.map(RunState::key),
            filter.limit.unwrap_or(200)
        ],
    )?;
    Ok(rows.into_iter().map(|r| r.run).collect())
}

/// The average duration of a trigger's earlier successful runs, for the
/// progress estimate of a running one.
pub fn average_ms(conn: &Connection, trigger_id: &str) -> Result<Option<i64>> {
    let average: Option<f64> = conn.query_row(
        "SELECT avg(ended_ms - started_ms) FROM (
             SELECT ended_ms, started_ms FROM runs
             WHERE trigger_id = ?1 AND state = 'succeeded' AND ended_ms IS NOT NULL
             ORDER BY started_ms DESC LIMIT 20)",
        [trigger_id],
        |row| row.get(0),
    )?;
    Ok(average.map(|a| a.round() as i64))
}

/// The running run of an environment, if any.
pub fn running_in(conn: &Connection, environment_id: &str) -> Result<Option<Run>> {
    Ok(select(
        conn,
        "WHERE r.environment_id = ?1 AND r.state = 'running'",
        [environment_id],
    )?
    .into_iter()
    .next()
    .map(|r| r.run))
}

pub(crate) fn lock_holder_message(holder: &Run) -> String {
    format!(
        "{} is locked by the run {} of {:?}, started by {} at {}; only one run at a time per environment. Wait for it, or cancel it (`golive run cancel {}`).",
        holder.environment,
        short(&holder.id),
        holder.trigger_name,
        holder.started_by,
        holder.started_at,
        short(&holder.id)
    )
}

/// The last 8 characters of an id: what people read and type.
pub fn short(id: &str) -> &str {
    &id[id.len().saturating_sub(8)..]
}

/// Everything a new run records about why and how it started.
#[derive(Debug, Clone, Default)]
pub struct Start {
    pub version: Option<String>,
    pub reason: Option<String>,
    pub gate_override: Option<String>,
    pub checks_override: Option<String>,
    pub parent_run_id: Option<String>,
    pub automatic: bool,
    pub precheck: Option<SweepResult>,
}

/// Takes the environment's lock by inserting the run as running. A holder
/// whose golive process died is found first and marked interrupted.
pub fn begin(store: &mut Store, change: &Change, trigger: &Trigger, start: &Start) -> Result<Run> {
    recover(store, change)?;
    let launch_id: String = store.conn().query_row(
        "SELECT launch_id FROM environments WHERE id = ?1",
        [&trigger.environment_id],
        |row| row.get(0),
    )?;
    if let Some(holder) = running_in(store.conn(), &trigger.environment_id)? {
        return Err(Error::Conflict(lock_holder_message(&holder)));
    }
    let (pid, token) = process::this_process();
    let id = new_id();
    let clean = |text: &Option<String>| {
        text.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    let inserted = store.write(change, |tx| {
        tx.execute(
            "INSERT INTO runs (id, launch_id, environment_id, trigger_id, trigger_name, action, kind,
                               production, state, version, reason, gate_override, checks_override,
                               parent_run_id, automatic, started_at, started_ms, started_by,
                               owner_pid, owner_start, precheck_json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'running', ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                     ?16, ?17, ?18, ?19, ?20)",
            params![
                id,
                launch_id,
                trigger.environment_id,
                trigger.id,
                trigger.name,
                trigger.action.key(),
                trigger.spec.kind(),
                trigger.production,
                clean(&start.version),
                clean(&start.reason),
                clean(&start.gate_override),
                clean(&start.checks_override),
                start.parent_run_id,
                start.automatic,
                format_timestamp(change.at),
                change.at.as_millisecond(),
                change.actor.display(),
                pid,
                token,
                start
                    .precheck
                    .as_ref()
                    .map(|p| serde_json::to_string(p).unwrap_or_default()),
            ],
        )?;
        let mut details = serde_json::json!({
            "trigger": trigger.name,
            "environment": trigger.environment,
            "action": trigger.action,
            "kind": trigger.spec.kind(),
            "production": trigger.production,
            "version": clean(&start.version),
            "reason": clean(&start.reason),
            "automatic": start.automatic,
            "parent_run": start.parent_run_id,
        });
        if let Some(precheck) = &start.precheck {
            details["precheck"] = serde_json::json!({
                "passed": precheck.passed,
                "summary": precheck.summary(),
            });
        }
        tx.audit(Some(&launch_id), "run.start", &format!("run:{id}"), details)?;
        if let Some(reason) = clean(&start.gate_override) {
            tx.audit(
                Some(&launch_id),
                "run.gate_override",
                &format!("run:{id}"),
                serde_json::json!({ "reason": reason, "trigger": trigger.name, "environment": trigger.environment }),
            )?;
        }
        if let Some(reason) = clean(&start.checks_override) {
            tx.audit(
                Some(&launch_id),
                "run.checks_override",
                &format!("run:{id}"),
                serde_json::json!({ "reason": reason, "trigger": trigger.name, "environment": trigger.environment }),
            )?;
        }
        Ok(())
    });
    match inserted {
        Ok(()) => get(store.conn(), &launch_id, &id),
        // Another process took the lock between the check and the insert.
        Err(Error::Database(e)) if is_unique_violation(&e) => {
            match running_in(store.conn(), &trigger.environment_id)? {
                Some(holder) => Err(Error::Conflict(lock_holder_message(&holder))),
                None => Err(Error::Database(e)),
            }
        }
        Err(e) => Err(e),
    }
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
}

/// The row number the log lines of a run are stored under.
pub fn log_key(conn: &Connection, run_id: &str) -> Result<i64> {
    find_row(conn, run_id)?
        .map(|r| r.num)
        .ok_or_else(|| Error::NotFound(format!("there is no run {run_id}")))
}

/// Records the child's process group as soon as it exists, so a crash
/// after this point can still report it.
pub fn set_pgid(conn: &Connection, run_id: &str, pgid: u32) -> Result<()> {
    conn.execute(
        "UPDATE runs SET pgid = ?2 WHERE id = ?1",
        params![run_id, pgid],
    )?;
    Ok(())
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ended {
    pub state: RunState,
    pub exit_code: Option<i32>,
    pub signal: Option<Signal>,
    pub detail: String,
}

impl Ended {
    /// An end without an exit code or signal (a webhook's, or golive's own failure).
    pub fn with(state: RunState, detail: String) -> Ended {
        Ended {
            state,
            exit_code: None,
            signal: None,
            detail,
        }
    }

    pub fn failed(detail: String) -> Ended {
        Ended::with(RunState::Failed, detail)
    }
}

pub fn finish(store: &mut Store, change: &Change, run_id: &str, ended: &Ended) -> Result<Run> {
    let row = find_row(store.conn(), run_id)?
        .ok_or_else(|| Error::NotFound(format!("there is no run {run_id}")))?;
    store.write(change, |tx| {
        let updated = tx.execute(
            "UPDATE runs SET state = ?2, ended_at = ?3, ended_ms = ?4, exit_code = ?5, signal = ?6,
                    detail = ?7
             WHERE id = ?1 AND state = 'running'",
            params![
                run_id,
                ended.state.key(),
                format_timestamp(change.at),
                change.at.as_millisecond().max(row.run.started_ms),
                ended.exit_code,
                ended.signal.map(Signal::name),
                ended.detail,
            ],
        )?;
        if updated == 0 {
            // Marked interrupted by another process that thought this one dead.
            return Err(Error::Conflict(format!(
                "the run {} was no longer running when it ended ({})",
                short(run_id),
                ended.detail
            )));
        }
        tx.audit(
            Some(&row.run.launch_id),
            "run.end",
            &format!("run:{run_id}"),
            serde_json::json!({
                "state": ended.state,
                "exit_code": ended.exit_code,
                "signal": ended.signal.map(Signal::name),
                "detail": ended.detail,
                "trigger": row.run.trigger_name,
                "environment": row.run.environment,
            }),
        )
    })?;
    get(store.conn(), &row.run.launch_id, run_id)
}

/// Asks the golive process running `run` to stop it (it checks a few times
/// a second). An interrupted run whose process group is still alive is
/// stopped here directly: nobody else is left to do it.
pub fn request_cancel(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    selector: &str,
) -> Result<Run> {
    recover(store, change)?;
    let run = get(store.conn(), launch_id, selector)?;
    match run.state {
        RunState::Running => {
            store.write(change, |tx| {
                tx.execute(
                    "UPDATE runs SET cancel_requested_at = coalesce(cancel_requested_at, ?2),
                            cancel_requested_by = coalesce(cancel_requested_by, ?3)
                     WHERE id = ?1",
                    params![run.id, format_timestamp(change.at), change.actor.display()],
                )?;
                tx.audit(
                    Some(launch_id),
                    "run.cancel",
                    &format!("run:{}", run.id),
                    serde_json::json!({ "trigger": run.trigger_name, "environment": run.environment }),
                )
            })?;
            get(store.conn(), launch_id, &run.id)
        }
        RunState::Interrupted if run.pgid.is_some_and(process::group_alive) => {
            let pgid = run.pgid.unwrap_or_default();
            let signal = stop_group(pgid);
            store.write(change, |tx| {
                tx.execute(
                    "UPDATE runs SET detail = coalesce(detail || ' ', '') || ?2 WHERE id = ?1",
                    params![
                        run.id,
                        format!(
                            "Its leftover process group {pgid} was stopped with {} by {}.",
                            signal.name(),
                            change.actor.display()
                        )
                    ],
                )?;
                tx.audit(
                    Some(launch_id),
                    "run.stop_leftover",
                    &format!("run:{}", run.id),
                    serde_json::json!({ "pgid": pgid, "signal": signal.name() }),
                )
            })?;
            get(store.conn(), launch_id, &run.id)
        }
        state => Err(Error::Conflict(format!(
            "the run {} is {} already; there is nothing to cancel",
            short(&run.id),
            state.label()
        ))),
    }
}

/// TERM to the group, KILL if it is still there after the grace period.
/// Returns the last signal sent.
pub fn stop_group(pgid: u32) -> Signal {
    process::signal_group(pgid, Signal::Term);
    let deadline = std::time::Instant::now() + super::runner::GRACE;
    while std::time::Instant::now() < deadline {
        if !process::group_alive(pgid) {
            return Signal::Term;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    process::signal_group(pgid, Signal::Kill);
    Signal::Kill
}

/// Marks every run whose golive process is gone as interrupted: the lines
/// it stored stay, and a process group still alive is reported.
pub fn recover(store: &mut Store, change: &Change) -> Result<Vec<Run>> {
    let stale: Vec<Row> = select(store.conn(), "WHERE r.state = 'running'", [])?
        .into_iter()
        .filter(|row| {
            !row.owner_pid
                .is_some_and(|pid| process::owner_alive(pid, row.owner_start.as_deref()))
        })
        .collect();
    let mut interrupted = Vec::new();
    for row in stale {
        let run = row.run;
        let alive = run.pgid.filter(|pgid| process::group_alive(*pgid));
        let mut detail = format!(
            "golive stopped while this run was going (process {} is gone); the {} line(s) stored before are kept.",
            row.owner_pid.unwrap_or_default(),
            run.line_count
        );
        if let Some(pgid) = alive {
            detail.push_str(&format!(
                " Its process group {pgid} is still running: stop it with `golive run cancel {}` (or Stop leftover processes in the Deploy view).",
                short(&run.id)
            ));
        }
        store.write(change, |tx| {
            let updated = tx.execute(
                "UPDATE runs SET state = 'interrupted', ended_at = ?2, ended_ms = ?3, detail = ?4
                 WHERE id = ?1 AND state = 'running'",
                params![
                    run.id,
                    format_timestamp(change.at),
                    change.at.as_millisecond().max(run.started_ms),
                    detail
                ],
            )?;
            if updated == 1 {
                tx.audit(
                    Some(&run.launch_id),
                    "run.interrupted",
                    &format!("run:{}", run.id),
                    serde_json::json!({
                        "trigger": run.trigger_name,
                        "environment": run.environment,
                        "lines_kept": run.line_count,
                        "process_group_alive": alive,
                    }),
                )?;
            }
            Ok(())
        })?;
        interrupted.push(get(store.conn(), &run.launch_id, &run.id)?);
    }
    Ok(interrupted)
}

/// Whether someone asked to cancel the run.
pub fn cancel_requested(conn: &Connection, run_id: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT cancel_requested_by FROM runs WHERE id = ?1 AND cancel_requested_at IS NOT NULL",
            [run_id],
            |row| row.get(0),
        )
        .optional()?)
}

/// Calls `each` with the run's lines from sequence `from` on, at most
/// `limit` of them, read in place from the stored rows.
pub fn each_line(
    conn: &Connection,
    run_id: &str,
    from: u64,
    limit: u32,
    mut each: impl FnMut(chunk::LineRef<'_>),
) -> Result<u32> {
    let mut seen = 0;
    if limit == 0 {
        return Ok(seen);
    }
    scan(conn, run_id, from, |line| {
        each(line);
        seen += 1;
        seen < limit
    })?;
    Ok(seen)
}

/// Calls `each` with the run's lines from sequence `from` on until it
/// returns false.
fn scan(
    conn: &Connection,
    run_id: &str,
    from: u64,
    mut each: impl FnMut(chunk::LineRef<'_>) -> bool,
) -> Result<()> {
    let key = log_key(conn, run_id)?;
    // From the row holding `from` on: rows hold consecutive lines.
    let mut stmt = conn.prepare_cached(
        "SELECT first_seq, lines, packed FROM run_output
         WHERE run = ?1 AND first_seq >= coalesce(
             (SELECT max(first_seq) FROM run_output WHERE run = ?1 AND first_seq <= ?2), 0)
         ORDER BY first_seq",
    )?;
    let mut rows = stmt.query(params![key, from as i64])?;
    let mut going = true;
    while going && let Some(row) = rows.next()? {
        let first: i64 = row.get(0)?;
        let bytes = row.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?;
        let bytes = chunk::unpack(bytes, row.get(2)?)?;
        chunk::decode(&bytes, first as u64, from, |line| {
            going = each(line);
            going
        })?;
    }
    Ok(())
}

/// The lines of a run's log that contain a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LogSearch {
    /// Sequence numbers of the matching lines, in order.
    #[cfg_attr(feature = "ts", ts(type = "number[]"))]
    pub seqs: Vec<u64>,
    /// True when there were more matches than the limit.
    pub more: bool,
}

/// The lines containing `needle`, ignoring case, at most `limit` of them.
/// Searches the stored log, so the webview never holds a million lines.
pub fn search(conn: &Connection, run_id: &str, needle: &str, limit: usize) -> Result<LogSearch> {
    let mut found = LogSearch {
        seqs: Vec::new(),
        more: false,
    };
    if needle.is_empty() {
        return Ok(found);
    }
    // An ASCII needle (the usual case) is matched without lowercasing every
    // line; other text is compared lowercased.
    let ascii = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build([needle])
        .map_err(|e| Error::InvalidInput(format!("cannot search for {needle:?}: {e}")))?;
    let lowered = needle.to_lowercase();
    let matches = |text: &str| {
        if needle.is_ascii() {
            ascii.is_match(text)
        } else {
            text.to_lowercase().contains(&lowered)
        }
    };
    scan(conn, run_id, 0, |line| {
        if !matches(&line.text()) {
            return true;
        }
        if found.seqs.len() == limit {
            found.more = true;
            return false;
        }
        found.seqs.push(line.seq);
        true
    })?;
    Ok(found)
}

/// The run's lines from sequence `from` on, at most `limit` of them.
pub fn lines(conn: &Connection, run_id: &str, from: u64, limit: u32) -> Result<Vec<LogLine>> {
    let mut found = Vec::new();
    each_line(conn, run_id, from, limit, |line| found.push(line.to_line()))?;
    Ok(found)
}

/// Writes the whole log as text (`[stderr]` and `[golive]` prefixes mark
/// the other streams), for download and `golive run show --log`.
pub fn write_log(conn: &Connection, run_id: &str, out: &mut dyn std::io::Write) -> Result<()> {
    let key = log_key(conn, run_id)?;
    let mut stmt = conn.prepare(
        "SELECT first_seq, lines, packed FROM run_output WHERE run = ?1 ORDER BY first_seq",
    )?;
    let mut rows = stmt.query([key])?;
    let mut failed = None;
    while let Some(row) = rows.next()? {
        let first: i64 = row.get(0)?;
        let bytes = row.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?;
        let bytes = chunk::unpack(bytes, row.get(2)?)?;
        chunk::decode(&bytes, first as u64, 0, |line| {
            let written = match line.stream {
                Stream::Stdout => writeln!(out, "{}", line.text()),
                Stream::Stderr => writeln!(out, "[stderr] {}", line.text()),
                Stream::Golive => writeln!(out, "[golive] {}", line.text()),
            };
            if let Err(e) = written {
                failed = Some(e);
                return false;
            }
            true
        })?;
        if let Some(e) = failed {
            return Err(Error::Internal(format!("could not write the log: {e}")));
        }
    }
    Ok(())
}
