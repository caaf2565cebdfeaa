//! Logging for the app and the command line: `tracing` to a daily-rolling
//! file in the platform log folder, level from `GOLIVE_LOG` (default `info`).

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::writer::MakeWriterExt;

use crate::paths;

/// Keeps the background log writer alive; logs are flushed when it drops.
pub struct LogGuard(#[allow(dead_code)] Option<tracing_appender::non_blocking::WorkerGuard>);

/// Starts logging for `program` (`golive` or `golive-desktop`). A log folder
/// that cannot be created disables file logging instead of failing the
/// program, and says so on stderr.
pub fn init(program: &str) -> LogGuard {
    let filter = EnvFilter::try_from_env("GOLIVE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let folder = paths::log_folder();
    let appender = std::fs::create_dir_all(&folder)
        .map_err(|e| e.to_string())
        .and_then(|()| {
            tracing_appender::rolling::Builder::new()
                .rotation(tracing_appender::rolling::Rotation::DAILY)
                .filename_prefix(program)
                .filename_suffix("log")
                .max_log_files(14)
                .build(&folder)
                .map_err(|e| e.to_string())
        });
    match appender {
        Ok(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_ansi(false)
                .with_writer(writer.with_max_level(tracing::Level::TRACE))
                .try_init();
            LogGuard(Some(guard))
        }
        Err(reason) => {
            eprintln!(
                "golive: logging disabled, cannot write to {}: {reason}",
                folder.display()
            );
            LogGuard(None)
        }
    }
}
