//! `golive-bench`: generates the large store of QUALITY.md and measures
//! golive against baselines taken in the same run. Figures are printed, never
//! asserted: these machines are too noisy for timed assertions.

mod deploy;
mod endpoints;
mod generate;
mod health;
mod measure;
mod workload;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "golive-bench",
    about = "Large-store generator and benchmarks for golive (make bench)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the large store (1 launch, 1,000 items, 100,000 audit events)
    Generate {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 1000)]
        items: usize,
        #[arg(long, default_value_t = 100_000)]
        events: usize,
    },
    /// Generate the large store in DIR and print every figure beside its baseline
    Run {
        #[arg(long, default_value = "target/bench")]
        dir: PathBuf,
        /// Ticks measured for the p50/p99 figures
        #[arg(long, default_value_t = 400)]
        ticks: usize,
        /// How long steady monitoring (500 monitors every 30 s) is watched
        #[arg(long, default_value_t = 150)]
        steady_seconds: u64,
    },
    /// Only the deployment-output figure (a million-line trigger against the generator writing to a file)
    Deploy {
        #[arg(long, default_value = "target/bench")]
        dir: PathBuf,
    },
    /// (Used by `run`.) Print COUNT numbered lines, alternating stdout and stderr
    #[command(hide = true)]
    GenerateLines {
        #[arg(long)]
        count: u64,
    },
    /// Only the record figures: export of the large store as a signed bundle, and verifying it
    Record {
        #[arg(long, default_value = "target/bench")]
        dir: PathBuf,
    },
    /// (Used by the kill -9 test.) Create STORE with a launch, monitors and a trigger
    #[command(hide = true)]
    WorkloadSetup {
        #[arg(long)]
        store: PathBuf,
    },
    /// (Used by the kill -9 test.) Ticks, sign-offs, run lines and probe results on STORE until killed, each acknowledged after its commit
    #[command(hide = true)]
    Workload {
        #[arg(long)]
        store: PathBuf,
        #[arg(long)]
        seed: u64,
    },
    /// (Used by `run`.) Serve health endpoints on loopback until stdin closes
    #[command(hide = true)]
    ServeEndpoints {
        /// Servers answering 200 "ok"
        #[arg(long)]
        ports: usize,
        /// Servers that accept and never answer
        #[arg(long)]
        silent_ports: usize,
    },
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Generate { out, items, events } => {
            let report = generate::large_store(&out, items, events)?;
            println!("{report}");
        }
        Command::Run {
            dir,
            ticks,
            steady_seconds,
        } => {
            measure::run(&dir, ticks)?;
            println!();
            health::run(&dir, steady_seconds)?;
            println!();
            deploy::run(&dir)?;
        }
        Command::GenerateLines { count } => deploy::generate_lines(count)?,
        Command::Deploy { dir } => {
            std::fs::create_dir_all(&dir)?;
            deploy::run(&dir)?;
        }
        Command::Record { dir } => measure::record_only(&dir)?,
        Command::WorkloadSetup { store } => workload::setup(&store)?,
        Command::Workload { store, seed } => workload::run(&store, seed)?,
        Command::ServeEndpoints {
            ports,
            silent_ports,
        } => endpoints::serve(ports, silent_ports)?,
    }
    Ok(())
}
