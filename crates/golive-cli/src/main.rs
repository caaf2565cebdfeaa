//! `golive`: the command line over the same core as the desktop app.
//!
//! Exit status: 0 success, 1 a check found a problem (`verify`), 2 the
//! command could not be carried out (bad input, missing store, …).

mod render;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use golive_core::audit::{self, Query};
use golive_core::launch::{self, Launch, NewLaunch};
use golive_core::plan::{self, Template};
use golive_core::store::OpenMode;
use golive_core::{Actor, Change, Store, actor, paths, readiness};
use jiff::Timestamp;

#[derive(Parser)]
#[command(
    name = "golive",
    version,
    about = "golive — the go-live control center, on the command line"
)]
struct Cli {
    /// The store file [default: $GOLIVE_STORE, else the platform data folder]
    #[arg(long, global = true, value_name = "PATH")]
    store: Option<PathBuf>,
    /// Which launch: id, id prefix or exact name [default: the newest]
    #[arg(long, global = true, value_name = "LAUNCH")]
    launch: Option<String>,
    /// Print JSON for programs instead of text for people
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a launch from the standard plan (or --template FILE)
    Init {
        /// The launch's name, e.g. "Arxos platform"
        #[arg(long)]
        name: String,
        /// Day 0's local date and time, YYYY-MM-DDTHH:MM
        #[arg(long = "go-live", value_name = "WHEN")]
        go_live: String,
        /// IANA time zone of Day 0, e.g. Europe/Berlin
        #[arg(long = "tz", value_name = "ZONE")]
        time_zone: String,
        /// The platform going live
        #[arg(long, default_value = "")]
        platform: String,
        /// A plan template file instead of the standard plan
        #[arg(long, value_name = "FILE")]
        template: Option<PathBuf>,
    },
    /// List the launches in the store
    Launches,
    /// Readiness per phase, Day N and what is overdue or due today
    Status,
    /// The checklist items
    Items {
        /// Only this phase: pre, day0, post or stab
        #[arg(long)]
        phase: Option<String>,
    },
    /// Mark an item done
    Tick {
        /// The item key, e.g. PRE-07
        key: String,
        /// Evidence: what shows it is done
        #[arg(long)]
        note: Option<String>,
    },
    /// Reopen a done item
    Untick {
        /// The item key, e.g. PRE-07
        key: String,
        /// Why it is not done after all
        #[arg(long)]
        reason: String,
    },
    /// The audit trail of the launch
    Log {
        /// Only the last N events
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
    },
    /// Check the audit chain; exit 0 when intact, 1 when broken
    Verify,
    /// Show or set the display name and role recorded with your changes
    Profile {
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        role: Option<String>,
    },
}

/// A failed command: the message for the person and the exit status.
struct Failure {
    message: String,
    status: u8,
}

impl From<golive_core::Error> for Failure {
    fn from(error: golive_core::Error) -> Self {
        Failure {
            message: error.to_string(),
            status: 2,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let _log = golive_core::logging::init("golive");
    match run(cli) {
        Ok(status) => ExitCode::from(status),
        Err(failure) => {
            tracing::warn!(message = %failure.message, "command failed");
            eprintln!("golive: {}", failure.message);
            ExitCode::from(failure.status)
        }
    }
}

fn run(cli: Cli) -> Result<u8, Failure> {
    let store_path = cli.store.clone().unwrap_or_else(paths::default_store);
    let now = Timestamp::now();
    let user = Actor::os_user();
    let json = cli.json;
    let mode = match cli.command {
        Command::Init { .. } => OpenMode::CreateIfMissing,
        _ => OpenMode::MustExist,
    };
    // A template file is read and checked before the store is created or touched.
    let custom_template = match &cli.command {
        Command::Init {
            template: Some(file),
            ..
        } => Some(plan::load(file).map_err(golive_core::Error::from)?),
        _ => None,
    };
    let mut store = Store::open(&store_path, mode)?;
    let actor = actor::load(&store, &user)?;
    let change = Change::new(actor.clone(), now);
    let selected = |store: &Store| launch::select(store.conn(), cli.launch.as_deref());

    match cli.command {
        Command::Init {
            name,
            go_live,
            time_zone,
            platform,
            template: _,
        } => {
            let template = custom_template.unwrap_or_else(Template::standard);
            let new = NewLaunch {
                name,
                platform,
                go_live_local: go_live,
                time_zone,
            };
            let created = launch::create(&mut store, &change, &new, &template)?;
            let summary = readiness::summary(store.conn(), &created.id, now)?;
            if json {
                print_json(&summary);
            } else {
                println!(
                    "Created launch {:?} ({}) from {:?} with {} items in {}.",
                    created.name,
                    created.id,
                    created.template_name,
                    summary.overall.total,
                    store.path().display()
                );
                print!("{}", render::status(&summary));
            }
        }
        Command::Launches => {
            emit(json, &launch::list(store.conn())?, |l| render::launches(l));
        }
        Command::Status => {
            let summary = readiness::summary(store.conn(), &selected(&store)?.id, now)?;
            emit(json, &summary, render::status);
        }
        Command::Items { phase } => {
            let launch = selected(&store)?;
            let mut checklist = readiness::checklist(store.conn(), &launch.id, now)?;
            if let Some(phase) = phase {
                let keys: Vec<String> = checklist.phases.iter().map(|p| p.key.clone()).collect();
                checklist
                    .phases
                    .retain(|p| p.key.eq_ignore_ascii_case(&phase));
                if checklist.phases.is_empty() {
                    return Err(Failure {
                        message: format!(
                            "launch {:?} has no phase {phase:?}; its phases are {}",
                            launch.name,
                            keys.join(", ")
                        ),
                        status: 2,
                    });
                }
            }
            if json {
                print_json(&checklist.items().collect::<Vec<_>>());
            } else {
                print!("{}", render::checklist(&checklist));
            }
        }
        Command::Tick { key, note } => {
            let launch = selected(&store)?;
            readiness::tick(&mut store, &change, &launch.id, &key, note.as_deref())?;
            report_item(&store, &launch, &key, now, json, "Ticked")?;
        }
        Command::Untick { key, reason } => {
            let launch = selected(&store)?;
            readiness::untick(&mut store, &change, &launch.id, &key, &reason)?;
            report_item(&store, &launch, &key, now, json, "Reopened")?;
        }
        Command::Log { limit } => {
            let launch = selected(&store)?;
            let events = audit::events(
                store.conn(),
                &Query {
                    launch_id: Some(launch.id.clone()),
                    limit,
                },
            )?;
            emit(json, &events, |e| render::events(e));
        }
        Command::Verify => {
            let verification = audit::verify(store.conn())?;
            emit(json, &verification, |v| {
                render::verification(v, store.path())
            });
            return Ok(if verification.ok() { 0 } else { 1 });
        }
        Command::Profile { name, role } => {
            let shown = if name.is_some() || role.is_some() {
                let name = name.or(actor.name.clone());
                let role = role.or(actor.role.clone());
                actor::set_profile(&mut store, &change, name.as_deref(), role.as_deref())?
            } else {
                actor
            };
            if json {
                print_json(&shown);
            } else {
                println!(
                    "{} — role: {}. Your changes are recorded as {:?}.",
                    shown.user,
                    shown.role.as_deref().unwrap_or("not set"),
                    shown.display()
                );
            }
        }
    }
    Ok(0)
}

fn report_item(
    store: &Store,
    launch: &Launch,
    key: &str,
    now: Timestamp,
    json: bool,
    verb: &str,
) -> Result<(), Failure> {
    let item = readiness::item(store.conn(), &launch.id, key, now)?;
    if json {
        print_json(&item);
    } else {
        println!("{verb} {} {}.", item.key, item.title);
        print!("{}", render::item_status(&item, &launch.time_zone));
    }
    Ok(())
}

/// Prints `value` as JSON with `--json`, else as the text `render` makes of it.
fn emit<T: serde::Serialize>(json: bool, value: &T, render: impl FnOnce(&T) -> String) {
    if json {
        print_json(value);
    } else {
        print!("{}", render(value));
    }
}

fn print_json(value: &impl serde::Serialize) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("golive: cannot encode the output as JSON: {e}"),
    }
}
