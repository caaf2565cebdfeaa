//! Executing a command trigger: the child in its own process group, stdout
//! and stderr read on their own threads and split into masked lines, one
//! writer thread storing them in batches (then handing them to the sink),
//! and a control loop that watches for exit, cancel requests and the
//! timeout.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::{Connection, params};

use super::chunk::Batch;
use super::lines::LineSplitter;
use super::mask::Masker;
use super::process::{self, Signal};
use super::runs::{self, Ended, Run};
use super::triggers::CommandSpec;
use super::{RunSink, RunState, Stream};
use crate::store;

/// A read shorter than this found the pipe nearly empty: the reader waits
/// [`GATHER`] before the next, so a program printing line by line costs a
/// wake-up per few hundred lines, not per line. A program printing fast
/// fills whole reads and never waits.
const SMALL_READ: usize = 16 * 1024;
const GATHER: Duration = Duration::from_millis(2);

/// How long a process group gets between TERM and KILL.
pub const GRACE: Duration = Duration::from_secs(5);
/// Lines are committed in batches at most this far apart…
const BATCH_WINDOW: Duration = Duration::from_millis(25);
/// …or of at most this many lines.
const BATCH_MAX: usize = 20_000;
/// How often the control loop looks for a cancel request in the store.
const CANCEL_POLL: Duration = Duration::from_millis(100);
/// How often the control loop looks whether the program has exited.
const EXIT_POLL: Duration = Duration::from_millis(10);
/// How long output may still arrive after the process group is gone.
const DRAIN: Duration = Duration::from_secs(2);

/// A reader thread; it is left behind (not joined) when a process outside
/// the group still holds the pipe.
type Parked = JoinHandle<()>;

enum Message {
    Lines(Batch),
    End,
}

/// The one place a run's lines are stored: a thread with its own
/// connection that commits a batch at least every [`BATCH_WINDOW`], then
/// hands the batch to the sink.
pub struct LogWriter {
    sender: SyncSender<Message>,
    thread: JoinHandle<Result<u64, String>>,
    failed: Arc<AtomicBool>,
}

/// Sends lines to the writer; clone one per producer.
#[derive(Clone)]
pub struct LogSender {
    sender: SyncSender<Message>,
    masker: Masker,
}

impl LogSender {
    /// Sends lines already split and masked, as a reader builds them.
    pub fn batch(&self, batch: Batch) -> bool {
        batch.is_empty() || self.sender.send(Message::Lines(batch)).is_ok()
    }

    /// Sends lines of text, masking them.
    pub fn lines(&self, stream: Stream, lines: &[String]) -> bool {
        let at_ms = now_ms();
        let mut batch = Batch::default();
        for line in lines {
            batch.push(stream, at_ms, &self.masker.mask_str(line));
        }
        self.batch(batch)
    }

    /// A note of golive's own, masked like everything else.
    pub fn note(&self, text: &str) {
        let _ = self.lines(Stream::Golive, &[text.to_string()]);
    }
}

fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

impl LogWriter {
    pub fn start(
        store_path: &Path,
        run: &Run,
        masker: Masker,
        sink: Arc<dyn RunSink>,
    ) -> crate::Result<(LogWriter, LogSender)> {
        let conn = store::connect(store_path)?;
        // A fast run writes tens of megabytes: checkpoint the WAL into the
        // database every 64 MB instead of every 4 MB, so the copying is not
        // done while the program waits on its pipe.
        store::defer_sync_and_checkpoints(&conn, 16_384)?;
        let key = runs::log_key(&conn, &run.id)?;
        let first: i64 = conn.query_row(
            "SELECT coalesce(max(last_seq), 0) + 1 FROM run_output WHERE run = ?1",
            [key],
            |row| row.get(0),
        )?;
        let (sender, receiver) = mpsc::sync_channel(256);
        let failed = Arc::new(AtomicBool::new(false));
        let run_id = run.id.clone();
        let flag = failed.clone();
        let thread = std::thread::Builder::new()
            .name("golive-run-log".into())
            .spawn(move || {
                process::lower_this_thread();
                let result =
                    write_loop(&conn, key, first as u64, &run_id, &receiver, sink.as_ref());
                if result.is_err() {
                    flag.store(true, Ordering::SeqCst);
                }
                result
            })
            .map_err(|e| crate::Error::Internal(format!("cannot start the log writer: {e}")))?;
        Ok((
            LogWriter {
                sender: sender.clone(),
                thread,
                failed,
            },
            LogSender { sender, masker },
        ))
    }

    /// Whether storing failed (the run is then stopped: lines must not be lost).
    pub fn failed(&self) -> bool {
        self.failed.load(Ordering::SeqCst)
    }

    /// Stores what is left and returns how many lines the run has.
    pub fn finish(self) -> Result<u64, String> {
        let _ = self.sender.send(Message::End);
        self.thread
            .join()
            .unwrap_or_else(|_| Err("the log writer stopped unexpectedly".into()))
    }
}

fn write_loop(
    conn: &Connection,
    key: i64,
    first_seq: u64,
    run_id: &str,
    receiver: &Receiver<Message>,
    sink: &dyn RunSink,
) -> Result<u64, String> {
    let mut next = first_seq;
    // What arrived within one window: committed together, a row per
    // reader's batch (large ones are not copied again).
    let mut window: Vec<Batch> = Vec::new();
    let mut done = false;
    while !done {
        match receiver.recv() {
            Ok(Message::Lines(lines)) => add(&mut window, lines),
            Ok(Message::End) | Err(_) => done = true,
        }
        let deadline = Instant::now() + BATCH_WINDOW;
        while !done && window.iter().map(Batch::len).sum::<usize>() < BATCH_MAX {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            match receiver.recv_timeout(left) {
                Ok(Message::Lines(lines)) => add(&mut window, lines),
                Ok(Message::End) | Err(RecvTimeoutError::Disconnected) => done = true,
                Err(RecvTimeoutError::Timeout) => break,
            }
        }
        if window.is_empty() {
            continue;
        }
        store_window(conn, key, next, &window).or_else(|first| {
            // One retry: a checkpoint or another writer may hold the lock briefly.
            std::thread::sleep(Duration::from_millis(200));
            store_window(conn, key, next, &window).map_err(|e| {
                tracing::error!(run = run_id, error = %e, first = %first, "run output could not be stored");
                format!("the output could not be stored: {e}")
            })
        })?;
        for batch in window.drain(..) {
            sink.lines(run_id, batch.lines(next));
            next += batch.len() as u64;
        }
    }
    Ok(next - 1)
}

/// A row per reader batch, except that small batches (a program writing
/// a line at a time) are joined, so rows stay large.
fn add(window: &mut Vec<Batch>, lines: Batch) {
    const ROW_BYTES: usize = 256 * 1024;
    match window.last_mut() {
        Some(last)
            if !last.is_packed()
                && !lines.is_packed()
                && last.bytes().len() + lines.bytes().len() <= ROW_BYTES =>
        {
            last.append(lines)
        }
        _ => window.push(lines),
    }
}

/// Stores one line of golive's own as the run's next line, outside the
/// log writer (before it starts or after it has finished), and hands it to
/// the sink.
pub fn store_note(
    conn: &Connection,
    run: &Run,
    text: &str,
    sink: &dyn RunSink,
) -> crate::Result<()> {
    let key = runs::log_key(conn, &run.id)?;
    let first: i64 = conn.query_row(
        "SELECT coalesce(max(last_seq), 0) + 1 FROM run_output WHERE run = ?1",
        [key],
        |row| row.get(0),
    )?;
    let mut note = Batch::default();
    note.push(Stream::Golive, now_ms(), text);
    store_window(conn, key, first as u64, std::slice::from_ref(&note))?;
    sink.lines(&run.id, note.lines(first as u64));
    Ok(())
}

/// Commits the batches of a window, lines numbered from `first_seq`.
fn store_window(
    conn: &Connection,
    key: i64,
    first_seq: u64,
    window: &[Batch],
) -> rusqlite::Result<()> {
    let tx = conn.unchecked_transaction()?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO run_output (run, first_seq, last_seq, lines, packed) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut seq = first_seq;
    for batch in window {
        let count = batch.len() as u64;
        let (bytes, packed) = batch.stored();
        insert.execute(params![
            key,
            seq as i64,
            (seq + count - 1) as i64,
            bytes,
            packed
        ])?;
        seq += count;
    }
    drop(insert);
    tx.execute(
        "UPDATE runs SET line_count = line_count + ?2 WHERE num = ?1",
        params![key, (seq - first_seq) as i64],
    )?;
    tx.commit()
}

/// What a command run needs besides its trigger's settings.
pub struct CommandRun<'a> {
    pub store_path: &'a Path,
    /// The caller's connection, for the process group and cancel requests
    /// (its commits are deferred like the writer's: see
    /// [`store::defer_sync_and_checkpoints`]).
    pub control: &'a Connection,
    pub run: &'a Run,
    pub spec: &'a CommandSpec,
    /// Secret variables with their values from the keychain.
    pub secret_env: Vec<(String, String)>,
    /// GOLIVE_RUN_ID, GOLIVE_ENVIRONMENT, … for the child.
    pub golive_env: Vec<(String, String)>,
    pub timeout: Option<Duration>,
    pub sink: Arc<dyn RunSink>,
}

/// Why golive stopped a run.
#[derive(Debug, Clone, PartialEq, Eq)]
enum StopReason {
    Cancelled(String),
    TimedOut(Duration),
    StoreFailed,
}

struct Stopping {
    reason: StopReason,
    sent: Signal,
    at: Instant,
}

/// Runs the command to its end and returns how it ended. Never panics on
/// the child's behaviour; every failure becomes an [`Ended`] in words.
pub fn execute(job: CommandRun<'_>) -> Ended {
    let masker = Masker::new(job.secret_env.iter().map(|(_, v)| v.as_str()));
    let (writer, log) =
        match LogWriter::start(job.store_path, job.run, masker.clone(), job.sink.clone()) {
            Ok(pair) => pair,
            Err(e) => {
                return Ended::failed(format!(
                    "could not open the store for the run's output: {e}"
                ));
            }
        };
    let control = job.control;
    let mut command = build_command(&job);
    log.note(&format!("started {}", describe(job.spec)));
    let mut child = match process::spawn_below(&mut command) {
        Ok(child) => child,
        Err(e) => {
            let why = spawn_error(job.spec, &e);
            log.note(&why);
            return finish_writer(writer, Ended::failed(why));
        }
    };
    let pgid = child.id();
    if let Err(e) = runs::set_pgid(control, &job.run.id, pgid) {
        tracing::warn!(error = %e, "could not record the process group");
    }
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let mut readers: Vec<Parked> = Vec::new();
    if let Some(out) = child.stdout.take() {
        process::widen_pipe(&out);
        readers.push(read_stream(
            out,
            Stream::Stdout,
            masker.clone(),
            log.clone(),
            done_tx.clone(),
        ));
    }
    if let Some(err) = child.stderr.take() {
        process::widen_pipe(&err);
        readers.push(read_stream(
            err,
            Stream::Stderr,
            masker.clone(),
            log.clone(),
            done_tx.clone(),
        ));
    }
    drop(done_tx);

    let started = Instant::now();
    let mut next_poll = Instant::now();
    let mut stopping: Option<Stopping> = None;
    let mut ended_readers = 0;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) => {}
            Err(e) => {
                log.note(&format!("could not wait for the program: {e}"));
                break None;
            }
        }
        match &mut stopping {
            None => {
                let reason = if job.timeout.is_some_and(|t| started.elapsed() >= t) {
                    Some(StopReason::TimedOut(job.timeout.unwrap_or_default()))
                } else if writer.failed() {
                    Some(StopReason::StoreFailed)
                } else if Instant::now() >= next_poll {
                    next_poll = Instant::now() + CANCEL_POLL;
                    runs::cancel_requested(control, &job.run.id)
                        .ok()
                        .flatten()
                        .map(StopReason::Cancelled)
                } else {
                    None
                };
                if let Some(reason) = reason {
                    log.note(&format!(
                        "{}; sending TERM to the process group {pgid}",
                        match &reason {
                            StopReason::Cancelled(by) => format!("cancel requested by {by}"),
                            StopReason::TimedOut(t) => format!("timed out after {} s", t.as_secs()),
                            StopReason::StoreFailed => "the output could not be stored".to_string(),
                        }
                    ));
                    terminate(&mut child, pgid, Signal::Term);
                    stopping = Some(Stopping {
                        reason,
                        sent: Signal::Term,
                        at: Instant::now(),
                    });
                }
            }
            Some(stop) if stop.sent == Signal::Term && stop.at.elapsed() >= GRACE => {
                log.note(&format!(
                    "still running {} s after TERM; sending KILL to the process group {pgid}",
                    GRACE.as_secs()
                ));
                terminate(&mut child, pgid, Signal::Kill);
                stop.sent = Signal::Kill;
            }
            Some(_) => {}
        }
        // The output ending is the usual sign that the program is exiting:
        // look at once instead of at the next tick (a fast run's whole
        // wall time is a few of them).
        match done_rx.recv_timeout(EXIT_POLL) {
            Ok(()) => ended_readers += 1,
            Err(RecvTimeoutError::Timeout) => {}
            // Both streams have ended; the exit follows within moments
            // (or the program closed them and goes on: then this polls).
            Err(RecvTimeoutError::Disconnected) => std::thread::sleep(Duration::from_millis(2)),
        }
    };

    // The program is gone; processes it started may not be. They hold its
    // output open and would outlive the run unnoticed: stop them.
    if process::group_alive(pgid) {
        let sent = match &stopping {
            Some(stop) => stop.sent,
            None => {
                log.note(&format!(
                    "the program exited, but processes it started are still running in its group {pgid}; sending them TERM"
                ));
                process::signal_group(pgid, Signal::Term);
                Signal::Term
            }
        };
        let since = stopping.as_ref().map(|s| s.at).unwrap_or_else(Instant::now);
        let mut sent = sent;
        while process::group_alive(pgid) {
            if sent == Signal::Term && since.elapsed() >= GRACE {
                log.note(&format!(
                    "sending KILL to what is left of the process group {pgid}"
                ));
                process::signal_group(pgid, Signal::Kill);
                sent = Signal::Kill;
                if let Some(stop) = &mut stopping {
                    stop.sent = Signal::Kill;
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    // The readers end when the last writer of the pipes is gone.
    let drain_until = Instant::now() + DRAIN;
    while ended_readers < readers.len() {
        let left = drain_until.saturating_duration_since(Instant::now());
        match done_rx.recv_timeout(left) {
            Ok(()) => ended_readers += 1,
            Err(_) => break,
        }
    }
    if ended_readers < readers.len() {
        log.note(
            "output after this point was not collected: a process outside the run's process group still holds it",
        );
    } else {
        for reader in readers {
            let _ = reader.join();
        }
    }

    let late_cancel = stopping.is_none()
        && runs::cancel_requested(control, &job.run.id)
            .ok()
            .flatten()
            .is_some();
    let mut ended = match (stopping, status) {
        (Some(stop), status) => {
            let how = format!("stopped with {}", stop.sent.name());
            let (state, detail) = match stop.reason {
                StopReason::Cancelled(by) => {
                    (RunState::Cancelled, format!("cancelled by {by}: {how}"))
                }
                StopReason::TimedOut(t) => (
                    RunState::TimedOut,
                    format!("timed out after {} s: {how}", t.as_secs()),
                ),
                StopReason::StoreFailed => (
                    RunState::Failed,
                    format!("the output could not be stored, so golive {how} the run"),
                ),
            };
            Ended {
                state,
                exit_code: status.and_then(|s| s.code()),
                signal: Some(stop.sent),
                detail,
            }
        }
        (None, Some(status)) => from_status(status),
        (None, None) => Ended::failed("golive lost track of the program".into()),
    };
    if late_cancel {
        ended
            .detail
            .push_str(" (a cancel request came after it had finished)");
    }
    log.note(&ended.detail);
    finish_writer(writer, ended)
}

fn finish_writer(writer: LogWriter, mut ended: Ended) -> Ended {
    if let Err(e) = writer.finish() {
        ended.detail.push_str(&format!("; {e}"));
        if ended.state == RunState::Succeeded {
            ended.state = RunState::Failed;
        }
    }
    ended
}

fn from_status(status: std::process::ExitStatus) -> Ended {
    if let Some(code) = status.code() {
        return Ended {
            state: if code == 0 {
                RunState::Succeeded
            } else {
                RunState::Failed
            },
            exit_code: Some(code),
            signal: None,
            detail: format!("exited with {code}"),
        };
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let name = signal_name(signal);
            let name = if name.is_empty() {
                String::new()
            } else {
                format!(" ({name})")
            };
            return Ended::failed(format!("killed by signal {signal}{name}"));
        }
    }
    Ended::failed(format!("ended without an exit code ({status})"))
}

#[cfg(unix)]
fn signal_name(signal: i32) -> &'static str {
    match nix::sys::signal::Signal::try_from(signal) {
        Ok(known) => known.as_str().trim_start_matches("SIG"),
        Err(_) => "",
    }
}

fn terminate(child: &mut std::process::Child, pgid: u32, signal: Signal) {
    if !process::signal_group(pgid, signal) {
        // No process groups here (or the group is gone): stop the child itself.
        let _ = child.kill();
    }
}

fn read_stream(
    mut pipe: impl Read + Send + 'static,
    stream: Stream,
    masker: Masker,
    log: LogSender,
    done: mpsc::Sender<()>,
) -> Parked {
    std::thread::Builder::new()
        .name(format!("golive-run-{stream:?}"))
        .spawn(move || {
            process::lower_this_thread();
            let mut splitter = LineSplitter::new(masker);
            let mut buffer = vec![0u8; 256 * 1024];
            loop {
                match pipe.read(&mut buffer) {
                    Ok(0) => break,
                    Ok(n) => {
                        // The lines of one read share its time.
                        let at_ms = now_ms();
                        let mut batch = Batch::for_text(n);
                        splitter.feed(&buffer[..n], &mut |split| {
                            batch.push_split(stream, at_ms, split)
                        });
                        if n >= SMALL_READ {
                            batch.pack();
                        }
                        if !log.batch(batch) {
                            return;
                        }
                        if n < SMALL_READ {
                            // A program writing a line at a time (unbuffered
                            // stderr) would wake this thread and the writer
                            // for every few lines: let some gather first.
                            std::thread::sleep(GATHER);
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
            let mut last = Batch::default();
            splitter.finish(&mut |split| last.push_split(stream, now_ms(), split));
            log.batch(last);
            let _ = done.send(());
        })
        .expect("a thread for the run's output")
}

/// The program as given, found relative to the working folder when it is a
/// relative path.
fn program_path(spec: &CommandSpec) -> PathBuf {
    let program = Path::new(&spec.program);
    match &spec.cwd {
        Some(cwd) if spec.program.contains(['/', '\\']) && program.is_relative() => {
            Path::new(cwd).join(program)
        }
        _ => program.to_path_buf(),
    }
}

fn build_command(job: &CommandRun<'_>) -> Command {
    let mut command = Command::new(program_path(job.spec));
    command.args(&job.spec.args);
    if let Some(cwd) = &job.spec.cwd {
        command.current_dir(cwd);
    }
    // golive's own settings (a demo token, a store path) are not the child's business.
    let inherited: HashMap<String, String> = std::env::vars()
        .filter(|(name, _)| !name.to_ascii_uppercase().starts_with("GOLIVE_"))
        .collect();
    command.env_clear().envs(inherited);
    command.envs(job.golive_env.iter().map(|(k, v)| (k, v)));
    command.envs(job.spec.env.iter().map(|v| (&v.name, &v.value)));
    command.envs(job.secret_env.iter().map(|(k, v)| (k, v)));
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    process::own_group(&mut command);
    command
}

/// The program and its arguments as a person reads them (never the environment).
pub fn describe(spec: &CommandSpec) -> String {
    let mut text = quote(&spec.program);
    for arg in &spec.args {
        text.push(' ');
        text.push_str(&quote(arg));
    }
    if let Some(cwd) = &spec.cwd {
        text.push_str(&format!(" (in {cwd})"));
    }
    text
}

fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

fn spawn_error(spec: &CommandSpec, e: &std::io::Error) -> String {
    let program = program_path(spec);
    match e.kind() {
        std::io::ErrorKind::NotFound => match &spec.cwd {
            Some(cwd) if !Path::new(cwd).is_dir() => {
                format!("could not start: the working folder {cwd} does not exist")
            }
            _ => format!(
                "could not start {}: no such program (give its absolute path, or check PATH)",
                program.display()
            ),
        },
        std::io::ErrorKind::PermissionDenied => format!(
            "could not start {}: permission denied (is it executable? chmod +x)",
            program.display()
        ),
        _ => format!("could not start {}: {e}", program.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_shown_quoted_for_a_shell_reader() {
        let spec = CommandSpec {
            program: "bash".into(),
            args: vec!["-c".into(), "echo 'hi' && exit 3".into()],
            cwd: None,
            env: vec![],
            secret_env: vec![],
        };
        assert_eq!(describe(&spec), r#"bash -c 'echo '\''hi'\'' && exit 3'"#);
    }
}
