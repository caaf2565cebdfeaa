//! The command line's shape: every command, option and its help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "golive",
    version,
    about = "golive — the go-live control center, on the command line"
)]
pub struct Cli {
    /// The store file [default: $GOLIVE_STORE, else the platform data folder]
    #[arg(long, global = true, value_name = "PATH")]
    pub store: Option<PathBuf>,
    /// Which launch: id, id prefix or exact name [default: the newest]
    #[arg(long, global = true, value_name = "LAUNCH")]
    pub launch: Option<String>,
    /// Print JSON for programs instead of text for people
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args)]
pub struct NewLaunchArgs {
    /// The launch's name, e.g. "Arxos platform"
    #[arg(long)]
    pub name: String,
    /// Day 0's local date and time, YYYY-MM-DDTHH:MM
    #[arg(long = "go-live", value_name = "WHEN")]
    pub go_live: String,
    /// IANA time zone of Day 0, e.g. Europe/Berlin
    #[arg(long = "tz", value_name = "ZONE")]
    pub time_zone: String,
    /// The platform going live
    #[arg(long, default_value = "")]
    pub platform: String,
}

#[derive(Subcommand)]
pub enum Command {
    /// Create a launch from the standard plan (or --template FILE)
    Init {
        #[command(flatten)]
        launch: NewLaunchArgs,
        /// A plan template file instead of the standard plan
        #[arg(long, value_name = "FILE")]
        template: Option<PathBuf>,
    },
    /// List the launches in the store
    Launches,
    /// Readiness per phase, the go/no-go decision, what is overdue, due today or blocked
    Status,
    /// The checklist items, optionally filtered; --markdown for an email
    Items {
        #[command(flatten)]
        filter: FilterArgs,
        /// Print the checklist as Markdown (with the go/no-go decision)
        #[arg(long)]
        markdown: bool,
    },
    /// Mark an item done
    Tick {
        /// The item key, e.g. PRE-07
        key: String,
        /// Evidence: what shows it is done
        #[arg(long)]
        note: Option<String>,
    },
    /// Reopen a done, blocked or not-applicable item (also: untick)
    #[command(visible_alias = "untick")]
    Reopen {
        /// The item key, e.g. PRE-07
        key: String,
        /// Why it is open again
        #[arg(long)]
        reason: String,
    },
    /// Mark an item blocked
    Block {
        key: String,
        /// What it waits for
        #[arg(long)]
        reason: String,
    },
    /// Mark an item not applicable
    Na {
        key: String,
        /// Why it does not apply to this launch
        #[arg(long)]
        reason: String,
    },
    /// Add a comment to an item's thread
    Comment {
        key: String,
        /// The comment
        text: String,
    },
    /// Show, add, edit, move, remove and link items
    #[command(subcommand)]
    Item(ItemCommand),
    /// Add, rename, move and remove sections
    #[command(subcommand)]
    Section(SectionCommand),
    /// Give a sign-off role's go or no-go
    Signoff {
        /// The role key or name, e.g. tech
        role: String,
        #[arg(long, conflicts_with = "no_go", required_unless_present = "no_go")]
        go: bool,
        #[arg(long = "no-go")]
        no_go: bool,
        /// The comment; a no-go needs one (the reason)
        #[arg(long)]
        comment: Option<String>,
    },
    /// The go/no-go decision; exit 0 when GO, 1 when NO-GO or PENDING
    Decision,
    /// What is due each day, Day -7 to Day +30
    Timeline {
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Move Day 0 (every due date moves with it)
    Reschedule {
        /// Day 0's new local date and time, YYYY-MM-DDTHH:MM
        #[arg(long = "go-live", value_name = "WHEN")]
        go_live: String,
        /// A new time zone [default: the launch's]
        #[arg(long = "tz", value_name = "ZONE")]
        time_zone: Option<String>,
    },
    /// Export the launch's plan as a template, check or import a template file
    #[command(subcommand)]
    Template(TemplateCommand),
    /// The launch's contacts
    #[command(subcommand)]
    Contact(ContactCommand),
    /// Rehearsal launches: practise the plan on staging
    #[command(subcommand)]
    Rehearsal(RehearsalCommand),
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

#[derive(Args, Default)]
pub struct FilterArgs {
    /// Only this phase: pre, day0, post or stab
    #[arg(long)]
    pub phase: Option<String>,
    /// Only this section (its key)
    #[arg(long)]
    pub section: Option<String>,
    /// Only items of this role (key) or contact (name)
    #[arg(long)]
    pub owner: Option<String>,
    /// Only items with this status
    #[arg(long, value_enum)]
    pub status: Option<StatusArg>,
    /// Only outstanding items due in this window
    #[arg(long, value_enum)]
    pub due: Option<DueArg>,
    /// Only items whose key, title, description, owner, note or links contain TEXT
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// Only my items: assigned to me, or unassigned items of my roles
    #[arg(long)]
    pub mine: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum StatusArg {
    Open,
    Done,
    Blocked,
    Na,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum DueArg {
    Overdue,
    Today,
    Week,
}

#[derive(Args, Default)]
pub struct PlacementArgs {
    /// Put it before this sibling (key)
    #[arg(long, value_name = "KEY", conflicts_with = "after")]
    pub before: Option<String>,
    /// Put it after this sibling (key)
    #[arg(long, value_name = "KEY")]
    pub after: Option<String>,
}

#[derive(Subcommand)]
pub enum ItemCommand {
    /// An item with its evidence, comments and history
    Show { key: String },
    /// Add an item to a section
    Add {
        /// The section key, e.g. pre-infra
        #[arg(long)]
        section: String,
        #[arg(long)]
        title: String,
        /// A role key, or a contact's name
        #[arg(long)]
        owner: String,
        /// Due day relative to Day 0, e.g. -3
        #[arg(long = "due", value_name = "DAY", allow_hyphen_values = true)]
        due_day: i32,
        /// The key [default: the next of the phase's series, e.g. PRE-38]
        #[arg(long)]
        key: Option<String>,
        #[arg(long, default_value = "")]
        description: String,
        /// The go decision needs this item done
        #[arg(long)]
        gate: bool,
        /// An auto-check rule: signoffs, roles_have_contacts or section_done:SECTION
        #[arg(long)]
        rule: Option<String>,
        #[command(flatten)]
        placement: PlacementArgs,
    },
    /// Change an item's title, description, owner, due day, gate or rule
    Edit {
        key: String,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        description: Option<String>,
        /// A role key (clears the assignee), or a contact's name
        #[arg(long)]
        owner: Option<String>,
        #[arg(long = "due", value_name = "DAY", allow_hyphen_values = true)]
        due_day: Option<i32>,
        #[arg(long, conflicts_with = "no_gate")]
        gate: bool,
        #[arg(long = "no-gate")]
        no_gate: bool,
        #[arg(long, conflicts_with = "no_rule")]
        rule: Option<String>,
        #[arg(long = "no-rule")]
        no_rule: bool,
    },
    /// Move an item within its section or to another one
    Move {
        key: String,
        /// The section to move it to
        #[arg(long)]
        section: Option<String>,
        #[command(flatten)]
        placement: PlacementArgs,
        /// A new due day (needed when the new section's phase does not include the old one)
        #[arg(long = "due", value_name = "DAY", allow_hyphen_values = true)]
        due_day: Option<i32>,
    },
    /// Remove an item (a done item needs --force)
    Rm {
        key: String,
        /// Remove it even though it is done
        #[arg(long)]
        force: bool,
    },
    /// Add an evidence link (http, https or mailto)
    Link {
        key: String,
        url: String,
        #[arg(long)]
        label: Option<String>,
    },
    /// Remove an evidence link
    Unlink { key: String, url: String },
}

#[derive(Subcommand)]
pub enum SectionCommand {
    /// Add a section to a phase
    Add {
        /// The phase key: pre, day0, post or stab
        #[arg(long)]
        phase: String,
        #[arg(long)]
        title: String,
        #[arg(long)]
        key: Option<String>,
        #[command(flatten)]
        placement: PlacementArgs,
    },
    /// Rename a section
    Edit {
        key: String,
        #[arg(long)]
        title: String,
    },
    /// Move a section within its phase or to another phase
    Move {
        key: String,
        #[arg(long)]
        phase: Option<String>,
        #[command(flatten)]
        placement: PlacementArgs,
    },
    /// Remove an empty section
    Rm { key: String },
}

#[derive(Subcommand)]
pub enum TemplateCommand {
    /// Write the launch's current plan as a template (to stdout, or --out FILE)
    Export {
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Create a launch from a template file
    Import {
        file: PathBuf,
        #[command(flatten)]
        launch: NewLaunchArgs,
    },
    /// Check a template file without writing anything
    Check { file: PathBuf },
}

#[derive(Args)]
pub struct ContactArgs {
    /// A role key or name; repeat for several
    #[arg(long = "role", value_name = "ROLE")]
    pub roles: Vec<String>,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    /// IANA time zone, e.g. America/New_York
    #[arg(long = "tz", value_name = "ZONE")]
    pub time_zone: Option<String>,
    /// This contact is me (links it to your OS account, for "my items")
    #[arg(long)]
    pub me: bool,
}

#[derive(Subcommand)]
pub enum ContactCommand {
    /// Add a contact
    Add {
        #[arg(long)]
        name: String,
        #[command(flatten)]
        details: ContactArgs,
    },
    /// List the contacts
    List,
    /// Change a contact (given fields replace the old ones)
    Edit {
        /// The contact's name or id
        contact: String,
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        details: ContactArgs,
    },
    /// Remove a contact (their items fall back to their roles)
    Rm { contact: String },
}

#[derive(Subcommand)]
pub enum RehearsalCommand {
    /// Create a rehearsal of the launch: same plan and people, its own ticks
    Create {
        /// [default: "NAME (rehearsal)"]
        #[arg(long)]
        name: Option<String>,
        /// The rehearsal's Day 0 [default: the launch's]
        #[arg(long = "go-live", value_name = "WHEN")]
        go_live: Option<String>,
        #[arg(long = "tz", value_name = "ZONE")]
        time_zone: Option<String>,
    },
}
