//! The child's process group: started as its own group so golive can stop
//! everything it forked, and found again after a crash.
//!
//! On Unix the child is the leader of a new process group (`setpgid(0, 0)`
//! through `process_group(0)`): TERM and KILL go to the whole group.
//! Elsewhere only the child itself can be stopped (see ARCHITECTURE.md).

use std::process::Command;

/// A signal golive sends to a run's process group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Term,
    Kill,
}

impl Signal {
    pub fn name(self) -> &'static str {
        match self {
            Signal::Term => "TERM",
            Signal::Kill => "KILL",
        }
    }
}

/// Makes the command start its own process group.
pub fn own_group(command: &mut Command) {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    #[cfg(not(unix))]
    let _ = command;
}

/// Lets a pipe hold up to a megabyte (Linux; elsewhere nothing changes): a
/// program printing fast then waits on golive less often.
pub fn widen_pipe(pipe: &impl std::os::fd::AsFd) {
    #[cfg(target_os = "linux")]
    {
        use nix::fcntl::{FcntlArg, fcntl};
        use std::os::fd::AsRawFd;
        // Best effort: the system may cap pipe sizes lower.
        let _ = fcntl(pipe.as_fd().as_raw_fd(), FcntlArg::F_SETPIPE_SZ(1 << 20));
    }
    #[cfg(not(target_os = "linux"))]
    let _ = pipe;
}

/// How much lower a run's programs are scheduled than golive and the rest
/// of the desktop (`nice`, 0–19).
pub const NICE: i32 = 10;

/// Starts the command below golive's priority (nice [`NICE`]; what it
/// starts later inherits it). A deploy script is rarely CPU-bound; when one
/// is (a build, a flood of output) it still gets every idle cycle, but the
/// window the lead is watching comes first. Best effort: where the priority
/// cannot be lowered, the run goes on.
pub fn spawn_below(command: &mut Command) -> std::io::Result<std::process::Child> {
    // On Linux the nice value belongs to a thread and a new process starts
    // with its parent thread's: spawned from a thread of its own, lowered
    // first, the program runs lower from its first instruction.
    #[cfg(target_os = "linux")]
    {
        std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    lower_this_thread();
                    command.spawn()
                })
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("the spawning thread stopped")))
        })
    }
    // Elsewhere the nice value belongs to the process: the group is lowered
    // just after it starts.
    #[cfg(not(target_os = "linux"))]
    {
        let child = command.spawn()?;
        #[cfg(unix)]
        if let Some(group) = rustix::process::Pid::from_raw(child.id() as i32) {
            let _ = rustix::process::setpriority_pgrp(Some(group), NICE);
        }
        Ok(child)
    }
}

/// Lowers the calling thread to [`NICE`], beside the run's programs, for
/// golive's own bulk work for a run (reading and storing its output, the
/// copy of the store before it, the checkpoint after): a flood of output is
/// then stored as fast as the CPU left over allows, and the window showing
/// it is drawn first. Linux only, where the nice value belongs to a thread;
/// elsewhere it would lower all of golive.
pub fn lower_this_thread() {
    #[cfg(target_os = "linux")]
    let _ = rustix::process::setpriority_process(None, NICE);
}

/// Sends `signal` to every process of the group. False when none is left.
pub fn signal_group(pgid: u32, signal: Signal) -> bool {
    #[cfg(unix)]
    {
        use nix::sys::signal::{Signal as Sig, killpg};
        let Some(pgid) = pid(pgid) else {
            return false;
        };
        let number = match signal {
            Signal::Term => Sig::SIGTERM,
            Signal::Kill => Sig::SIGKILL,
        };
        killpg(pgid, number).is_ok()
    }
    #[cfg(not(unix))]
    {
        let _ = (pgid, signal);
        false
    }
}

/// Whether any process of the group is still alive. A zombie waiting for
/// its parent (often init, which may reap slowly) no longer counts: it
/// holds no pipe and runs nothing.
pub fn group_alive(pgid: u32) -> bool {
    #[cfg(unix)]
    {
        let Some(group) = pid(pgid) else {
            return false;
        };
        // No signal: only whether the group exists (EPERM: it does, not
        // ours). Gone is the usual answer once the program has been
        // reaped, and it spares reading every process's stat below.
        let exists = matches!(
            nix::sys::signal::killpg(group, None),
            Ok(()) | Err(nix::errno::Errno::EPERM)
        );
        #[cfg(target_os = "linux")]
        if exists && let Some(alive) = linux_group_alive(pgid) {
            return alive;
        }
        exists
    }
    #[cfg(not(unix))]
    {
        let _ = pgid;
        false
    }
}

/// Looks through /proc for a live (not zombie) member of the group; `None`
/// when /proc cannot be read.
#[cfg(target_os = "linux")]
fn linux_group_alive(pgid: u32) -> Option<bool> {
    if pgid <= 1 {
        return Some(false);
    }
    let entries = std::fs::read_dir("/proc").ok()?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // After the command name in parentheses: state, ppid, pgrp, …
        let Some(close) = stat.rfind(')') else {
            continue;
        };
        let mut fields = stat[close + 1..].split_whitespace();
        let state = fields.next().unwrap_or("");
        let group = fields.nth(1).and_then(|g| g.parse::<u32>().ok());
        if group == Some(pgid) && state != "Z" && state != "X" {
            return Some(true);
        }
    }
    Some(false)
}

/// This process: its pid and a token of when it started, so a later process
/// that happens to get the same pid is not taken for it.
pub fn this_process() -> (u32, Option<String>) {
    let pid = std::process::id();
    (pid, start_token(pid))
}

/// Whether the golive process that owns a run is still alive.
pub fn owner_alive(pid: u32, start: Option<&str>) -> bool {
    #[cfg(unix)]
    {
        let Some(raw) = self::pid(pid) else {
            return false;
        };
        let exists = matches!(
            nix::sys::signal::kill(raw, None),
            Ok(()) | Err(nix::errno::Errno::EPERM)
        );
        if !exists {
            return false;
        }
        match (start, start_token(pid)) {
            (Some(recorded), Some(now)) => recorded == now,
            _ => true,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (pid, start);
        false
    }
}

/// A pid golive may signal: never 0 or 1 (which would mean "everything").
#[cfg(unix)]
fn pid(raw: u32) -> Option<nix::unistd::Pid> {
    i32::try_from(raw)
        .ok()
        .filter(|p| *p > 1)
        .map(nix::unistd::Pid::from_raw)
}

/// The process's start time in clock ticks since boot (Linux), plus the boot
/// id so it cannot match across reboots.
fn start_token(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may contain spaces and parentheses; the
    // fields after the last ')' are plain numbers. Start time is field 22.
    let after = &stat[stat.rfind(')')? + 1..];
    let start = after.split_whitespace().nth(19)?;
    let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").unwrap_or_default();
    Some(format!("{}:{start}", boot.trim()))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_a_changed_token_is_not() {
        let (pid, token) = this_process();
        assert!(owner_alive(pid, token.as_deref()));
        if token.is_some() {
            assert!(!owner_alive(pid, Some("another-boot:1")));
        }
    }

    #[test]
    fn a_group_is_signalled_until_it_is_gone() {
        let mut command = Command::new("sleep");
        command.arg("30");
        own_group(&mut command);
        let mut child = command.spawn().unwrap();
        let pgid = child.id();
        assert!(group_alive(pgid));
        assert!(signal_group(pgid, Signal::Term));
        child.wait().unwrap();
        assert!(!group_alive(pgid), "the reaped group is gone");
        assert!(!signal_group(pgid, Signal::Kill));
    }
}
