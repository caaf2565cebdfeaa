//! The store's copies: backup, backup list|keep, restore.

use std::io::{IsTerminal, Write};
use std::path::Path;

use golive_core::store::backup::{self, Backup, StoreSummary};

use crate::args::{BackupArgs, BackupCommand};
use crate::{Context, Failure, emit};

pub fn backup_command(cx: &mut Context, args: BackupArgs) -> Result<(), Failure> {
    let store_path = cx.store.path().to_path_buf();
    match args.command {
        None => {
            let copy = match args.to {
                Some(file) => {
                    let bytes = backup::copy(cx.store.conn(), &file)?;
                    Backup {
                        path: file.display().to_string(),
                        kind: backup::BackupKind::Manual,
                        taken: golive_core::format_timestamp(cx.now),
                        bytes,
                    }
                }
                None => backup::create(&store_path, backup::BackupKind::Manual, cx.now)?,
            };
            emit(cx.json, &copy, |c| {
                format!("Backed up the store to {} ({}).\n", c.path, size(c.bytes))
            });
        }
        Some(BackupCommand::List) => {
            let copies = backup::list(&store_path)?;
            let keep = backup::keep(cx.store.conn())?;
            emit(cx.json, &copies, |copies| {
                let mut out = format!(
                    "Copies in {} (newest first; {keep} of each automatic kind are kept):\n",
                    backup::folder(&store_path).display()
                );
                if copies.is_empty() {
                    out.push_str("  none yet\n");
                }
                for c in copies {
                    out.push_str(&format!(
                        "  {}  {:<14}  {:>9}  {}\n",
                        c.taken,
                        c.kind.key(),
                        size(c.bytes),
                        c.path
                    ));
                }
                out
            });
        }
        Some(BackupCommand::Keep { count }) => {
            backup::set_keep(&mut cx.store, &cx.change, count)?;
            emit(cx.json, &count, |n| {
                format!(
                    "The newest {n} copies of each automatic kind (before a run, daily) are kept.\n"
                )
            });
        }
    }
    Ok(())
}

pub fn restore_command(cx: &mut Context, file: &Path, yes: bool) -> Result<(), Failure> {
    let store_path = cx.store.path().to_path_buf();
    let from = backup::check(file)?;
    let current = backup::describe(&store_path)?;
    if !yes {
        let question = format!(
            "Restoring replaces the store\n  {}\nwith the copy\n  {}\n(the store as it is now is saved in the backups folder first).\n",
            describe(&current),
            describe(&from)
        );
        confirm(&question, "restore", "Type restore to go on: ")?;
    }
    let restored = backup::restore(&store_path, file, &cx.change)?;
    emit(cx.json, &restored, |r| {
        format!(
            "Restored {} into {}.\nThe store as it was is saved in {}.\n",
            describe(&r.from),
            store_path.display(),
            r.replaced_saved_as.path
        )
    });
    Ok(())
}

/// Asks on the terminal before a change that cannot be undone: `typed`
/// must be entered at `prompt`. Without a terminal it stops, telling the
/// user to pass --yes.
pub(crate) fn confirm(question: &str, typed: &str, prompt: &str) -> Result<(), Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure {
            message: format!("{question}Run again with --yes to confirm. Nothing was changed."),
            status: 2,
        });
    }
    eprint!("{question}{prompt}");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| Failure {
            message: format!("cannot read the confirmation: {e}"),
            status: 2,
        })?;
    if answer.trim() != typed {
        return Err(Failure {
            message: "not confirmed; nothing was changed".into(),
            status: 1,
        });
    }
    Ok(())
}

fn describe(s: &StoreSummary) -> String {
    format!(
        "{} ({}; {} audit events, last change {})",
        s.path,
        match s.launches.len() {
            0 => "no launch".to_string(),
            1 => format!("launch {:?}", s.launches[0]),
            n => format!("{n} launches"),
        },
        s.events,
        s.last_change.as_deref().unwrap_or("never")
    )
}

pub(crate) fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b => format!("{:.0} kB", (b as f64 / 1e3).ceil()),
    }
}
