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
    /// Escalation levels 1–5 and support tiers 1–3: show, edit, who to call now
    Escalation(EscalationArgs),
    /// Incidents: open (by hand or from an alert), note, escalate, resolve, list, show
    #[command(subcommand)]
    Incident(IncidentCommand),
    /// Training sessions: schedule, attendance and completion, .ics invitations
    #[command(subcommand)]
    Training(TrainingCommand),
    /// Stakeholder updates: draft from the live state, send to a chat webhook, list, cadence
    #[command(subcommand)]
    Update(UpdateCommand),
    /// The user feedback log: add, list, status and resolution, CSV import from a help desk, stats
    #[command(subcommand)]
    Feedback(FeedbackCommand),
    /// The risk register: list, grid, add, edit, link, remove
    #[command(subcommand)]
    Risk(RiskCommand),
    /// Rehearsal launches: practise the plan on staging
    #[command(subcommand)]
    Rehearsal(RehearsalCommand),
    /// Environments (staging, production, …) that monitors belong to
    #[command(subcommand)]
    Env(EnvCommand),
    /// Health monitors: add, edit, list, remove, import from TOML, raw-result retention
    #[command(subcommand)]
    Monitor(MonitorCommand),
    /// Credentials for monitors: the secret goes to the OS keychain, never the store
    #[command(subcommand)]
    Secret(SecretCommand),
    /// Probe every monitor once now; exit 0 all pass, 1 a warning, 2 a failure
    Check {
        /// Only this environment
        #[arg(long = "env", value_name = "ENV")]
        environment: Option<String>,
    },
    /// Open alerts and recently resolved ones; `alerts ack ID --note` acknowledges
    Alerts {
        #[command(subcommand)]
        action: Option<AlertCommand>,
        /// How many resolved alerts to list too
        #[arg(long, default_value_t = 10)]
        resolved: usize,
    },
    /// Silence alerts of an environment or monitor for a planned outage
    #[command(subcommand)]
    Maintenance(MaintenanceCommand),
    /// Success metrics per environment against the plan's targets
    Metrics {
        /// The window in hours, e.g. 24 or 720 (30 days)
        #[arg(long, default_value_t = 24)]
        hours: u32,
    },
    /// KPIs: success metrics entered by hand or read from JSON/Prometheus endpoints
    #[command(subcommand)]
    Kpi(KpiCommand),
    /// The demo platform: a simulated production on 127.0.0.1
    #[command(subcommand)]
    Demo(DemoCommand),
    /// Deployment triggers: the deploy, rollback and validation actions of an environment
    #[command(subcommand)]
    Trigger(TriggerCommand),
    /// Run a trigger through the go/no-go gate, streaming its output; exit 0 when it succeeded
    /// (--json: one object per line, {"line": …} for each output line, then {"run": …})
    Deploy(DeployArgs),
    /// Deployment runs, newest first
    Runs {
        /// Only this environment
        #[arg(long = "env", value_name = "ENV")]
        environment: Option<String>,
        /// Only runs in this state: running, succeeded, failed, cancelled, timed_out, interrupted
        #[arg(long)]
        state: Option<String>,
        /// Only deploy, rollback or validation runs
        #[arg(long, value_name = "ACTION")]
        action: Option<ActionArg>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// "Rollback recommended": critical alerts during a deploy or the watch after it; --minutes sets the watch
    RollbackWatch {
        /// How long after a deploy critical alerts recommend a rollback (default 30)
        #[arg(long)]
        minutes: Option<u32>,
    },
    /// One deployment run: show it (with its log), or cancel it
    #[command(subcommand)]
    Run(RunCommand),
    /// The audit trail of the launch, filtered by who, what kind, subject and time
    Log {
        /// Only the last N events
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        /// Only changes by this actor, as the trail names them (e.g. "Ana Lopez (ana)")
        #[arg(long)]
        actor: Option<String>,
        /// Only this kind of change: item, run, signoff, incident… or a whole action such as item.status
        #[arg(long)]
        kind: Option<String>,
        /// Only the history of this subject, e.g. item:PRE-07
        #[arg(long)]
        subject: Option<String>,
        /// Only events at or after this instant, e.g. 2026-12-07T00:00:00Z
        #[arg(long, value_name = "WHEN")]
        since: Option<String>,
        /// Only events before this instant
        #[arg(long, value_name = "WHEN")]
        until: Option<String>,
    },
    /// Check the store's audit chain, or a bundle FILE offline (signature, signer, events, data); exit 0 when intact, 1 when not
    Verify {
        /// A bundle written by `golive export --bundle` [default: check the store's own chain]
        file: Option<PathBuf>,
        /// Trust the key with this fingerprint (as printed in the record's report)
        #[arg(long = "key", value_name = "FINGERPRINT", requires = "file")]
        keys: Vec<String>,
    },
    /// Close the launch after its plan's last day (Day 30): from then on it is read-only; closing is final
    Close {
        /// Close without asking
        #[arg(long)]
        yes: bool,
    },
    /// Export the launch's record: a signed bundle to verify and review offline, its report as HTML or Markdown, its data as JSON or as CSV files
    #[command(group = clap::ArgGroup::new("what").required(true).multiple(true))]
    Export {
        /// The bundle to write (never overwritten): a snapshot of the launch, its audit trail and a signed checkpoint
        #[arg(long, value_name = "FILE", group = "what")]
        bundle: Option<PathBuf>,
        /// Every table of the launch as one JSON document
        #[arg(long, value_name = "FILE", group = "what")]
        full_json: Option<PathBuf>,
        /// Every table of the launch as a CSV file in this folder
        #[arg(long, value_name = "DIR", group = "what")]
        csv: Option<PathBuf>,
        /// The launch's report as one self-contained HTML file (prints to PDF from a browser)
        #[arg(long, value_name = "FILE", group = "what")]
        html: Option<PathBuf>,
        /// The launch's report as Markdown
        #[arg(long, value_name = "FILE", group = "what")]
        markdown: Option<PathBuf>,
        /// The report's health window starts on this date (YYYY-MM-DD, launch time zone) or instant [default: go-live]
        #[arg(long, value_name = "WHEN")]
        from: Option<String>,
        /// The report's health window ends after this date, or at this instant [default: now, or the plan's last day]
        #[arg(long, value_name = "WHEN")]
        until: Option<String>,
    },
    /// Copy the store now (into the backups folder beside it, or --to FILE); `backup list`, `backup keep N`
    Backup(BackupArgs),
    /// Put a copy of the store back: checked first (integrity, references, schema), the store as it is saved first
    Restore {
        /// The copy to restore (a file from `golive backup list`)
        file: std::path::PathBuf,
        /// Replace the store without asking
        #[arg(long)]
        yes: bool,
    },
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
    /// A chat handle, e.g. @ana
    #[arg(long)]
    pub chat: Option<String>,
    /// Who covers when they are away (a contact's name; "" for nobody)
    #[arg(long)]
    pub deputy: Option<String>,
    /// Reachable around the clock
    #[arg(long = "24-7", value_name = "yes|no", value_parser = clap::builder::BoolishValueParser::new())]
    pub always_on: Option<bool>,
    /// A member of the emergency response team
    #[arg(long, value_name = "yes|no", value_parser = clap::builder::BoolishValueParser::new())]
    pub emergency: Option<bool>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DirectoryFormat {
    Csv,
    Vcf,
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
    /// Add the people of a .vcf or .csv file, updating those already there
    /// by name; a bad row is reported by line and nothing is written
    Import { file: PathBuf },
    /// Write the directory as vCard or CSV (to FILE, or to standard output)
    Export {
        /// A .vcf or .csv file [default: standard output]
        file: Option<PathBuf>,
        /// The format on standard output
        #[arg(long, value_enum, default_value = "csv")]
        format: DirectoryFormat,
    },
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

#[derive(Subcommand)]
pub enum EnvCommand {
    /// Add an environment
    Add {
        name: String,
        /// It is production (its health decides the go-live)
        #[arg(long)]
        production: bool,
    },
    /// List the environments
    List,
    /// Rename an environment or change whether it is production
    Edit {
        environment: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        production: Option<bool>,
    },
    /// Remove an environment without monitors
    Rm { environment: String },
}

#[derive(Args, Default)]
pub struct MonitorArgs {
    /// The environment's name
    #[arg(long = "env", value_name = "ENV")]
    pub environment: Option<String>,
    #[arg(long)]
    pub name: Option<String>,
    /// The URL to probe, http or https
    #[arg(long)]
    pub url: Option<String>,
    /// GET (default), HEAD, POST, …
    #[arg(long)]
    pub method: Option<String>,
    /// A plain header, "Name: value" (repeat); secrets go in a credential
    #[arg(long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// A request body
    #[arg(long)]
    pub body: Option<String>,
    /// A credential id (see `golive secret set`)
    #[arg(long, value_name = "ID")]
    pub credential: Option<String>,
    /// A condition, e.g. "status in 200..299", "$.status == UP", "response_time < 2s else warn" (repeat)
    #[arg(long = "condition", value_name = "EXPR")]
    pub conditions: Vec<String>,
    /// Seconds between probes [default: 60]
    #[arg(long, value_name = "S")]
    pub interval: Option<u32>,
    /// Milliseconds a probe may take [default: 10000]
    #[arg(long, value_name = "MS")]
    pub timeout: Option<u32>,
    /// Failures in a row before the monitor is down [default: 2]
    #[arg(long, value_name = "N")]
    pub failure_threshold: Option<u32>,
    /// Passes in a row before it is up again [default: 2]
    #[arg(long, value_name = "N")]
    pub success_threshold: Option<u32>,
    /// auto (default), plain, health_json, actuator or kubernetes
    #[arg(long)]
    pub format: Option<String>,
    /// A PEM file of extra trusted certificates (an internal CA)
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum MonitorCommand {
    /// Add a monitor
    Add {
        #[command(flatten)]
        monitor: MonitorArgs,
    },
    /// Change a monitor; options left out keep their value
    Edit {
        /// The monitor: NAME, ENV/NAME or id
        monitor: String,
        #[command(flatten)]
        changes: MonitorArgs,
        /// Drop every condition before adding the --condition ones
        #[arg(long)]
        clear_conditions: bool,
    },
    /// List the monitors with their state
    List,
    /// Remove a monitor and its history
    Rm { monitor: String },
    /// Add environments, credentials (not secrets) and monitors from a TOML file, all or nothing
    Import { file: PathBuf },
    /// Show or set how many days raw probe results are kept (rollups stay)
    Retention { days: Option<u32> },
}

#[derive(Subcommand)]
pub enum SecretCommand {
    /// Store a credential's secret in the OS keychain, read from the terminal or stdin (never argv)
    Set {
        /// The credential id, e.g. orders-token
        id: String,
        /// For a new credential: bearer, basic (secret is user:password) or header
        #[arg(long)]
        kind: Option<String>,
        /// For a new credential: the only origin it may be sent to, e.g. https://api.example.com
        #[arg(long)]
        origin: Option<String>,
        /// For kind header: the header name, e.g. X-Api-Key
        #[arg(long = "header", value_name = "NAME")]
        header_name: Option<String>,
        #[arg(long, default_value = "")]
        label: String,
    },
    /// Remove a credential and its secret
    Rm { id: String },
    /// The OS keychain's state and each credential's secret: set or missing
    Status,
}

#[derive(Subcommand)]
pub enum AlertCommand {
    /// Acknowledge an open alert: someone is on it
    Ack {
        /// The alert id (or its first characters)
        id: String,
        #[arg(long)]
        note: String,
    },
}

#[derive(Subcommand)]
pub enum MaintenanceCommand {
    /// Silence an environment (--env) or one monitor (--monitor)
    Add {
        #[arg(long = "env", value_name = "ENV")]
        environment: Option<String>,
        #[arg(long)]
        monitor: Option<String>,
        /// Start, RFC 3339 [default: now]
        #[arg(long)]
        from: Option<String>,
        /// End, RFC 3339
        #[arg(long, conflicts_with = "hours")]
        until: Option<String>,
        /// Or: how many hours from the start
        #[arg(long)]
        hours: Option<f64>,
        #[arg(long)]
        reason: String,
    },
    List,
    Rm {
        id: String,
    },
}

#[derive(Subcommand)]
pub enum DemoCommand {
    /// Run the demo platform until Ctrl-C
    Serve {
        /// The HTTP port; HTTPS listens on the next one
        #[arg(long, default_value_t = 47800)]
        port: u16,
        /// The bearer token the billing service wants
        #[arg(long, env = "GOLIVE_DEMO_TOKEN", default_value = "golive-demo-token")]
        token: String,
        /// Where to write the demo CA certificate (PEM) [default: demo-ca.pem beside the store]
        #[arg(long, value_name = "FILE")]
        ca_out: Option<PathBuf>,
    },
    /// Switch a demo service (or all) to pass, slow, warn, failing or cert_near_expiry
    Set {
        service: String,
        state: String,
        #[arg(long, default_value_t = 47800)]
        port: u16,
    },
    /// The demo's deploy script (what the demo launch's deploy triggers run): progress for --seconds; --broken breaks Orders and Payments
    Deploy {
        #[arg(long)]
        broken: bool,
        #[arg(long, default_value_t = 30)]
        seconds: u32,
        #[arg(long, default_value_t = 47800)]
        port: u16,
    },
    /// The demo's rollback script: everything in production passes again
    Rollback {
        #[arg(long, default_value_t = 30)]
        seconds: u32,
        #[arg(long, default_value_t = 47800)]
        port: u16,
    },
    /// The demo's smoke test: exit 1 when a production service fails
    Smoke {
        #[arg(long, default_value_t = 47800)]
        port: u16,
    },
    /// Create a demo launch whose monitors watch the running demo platform
    Launch {
        #[arg(long, default_value_t = 47800)]
        port: u16,
        /// The same token `demo serve` uses; stored in the OS keychain
        #[arg(long, env = "GOLIVE_DEMO_TOKEN", default_value = "golive-demo-token")]
        token: String,
    },
}

#[derive(Args, Default)]
pub struct KpiArgs {
    /// The title, e.g. "Feature adoption"
    #[arg(long)]
    pub title: Option<String>,
    /// The unit, e.g. %, ms, h, users
    #[arg(long)]
    pub unit: Option<String>,
    /// Target: at least this value
    #[arg(long, conflicts_with_all = ["above", "below"])]
    pub at_least: Option<f64>,
    /// Target: more than this value
    #[arg(long, conflicts_with = "below")]
    pub above: Option<f64>,
    /// Target: less than this value
    #[arg(long)]
    pub below: Option<f64>,
    /// manual (default), json or prometheus
    #[arg(long)]
    pub source: Option<String>,
    /// The endpoint to read (json, prometheus)
    #[arg(long)]
    pub url: Option<String>,
    /// A JSON path ($.adoption.rate) or a Prometheus series (app_active_users{env="prod"})
    #[arg(long = "read", value_name = "PATH|SERIES")]
    pub selector: Option<String>,
    /// A credential id for the endpoint
    #[arg(long)]
    pub credential: Option<String>,
    /// Seconds between readings [default: 300]
    #[arg(long)]
    pub interval: Option<u32>,
}

#[derive(Subcommand)]
pub enum KpiCommand {
    /// The KPIs with their latest value, target and whether it is met
    List,
    /// Add a KPI
    Add {
        /// A key, e.g. feature-adoption
        key: String,
        #[command(flatten)]
        details: KpiArgs,
    },
    /// Change a KPI; options left out keep their value
    Edit {
        key: String,
        #[command(flatten)]
        details: KpiArgs,
    },
    /// Remove a KPI and its history
    Rm { key: String },
    /// Record a value by hand, e.g. a survey result
    Record {
        key: String,
        value: f64,
        /// Where the value comes from
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Read a KPI from its endpoint now and record the value
    Read { key: String },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ActionArg {
    Deploy,
    Rollback,
    Validation,
}

/// A trigger's settings; on `edit`, options left out keep their value and a
/// repeated option given at all replaces the whole list.
#[derive(Args, Default)]
pub struct TriggerArgs {
    /// The environment (id or name)
    #[arg(long = "env", value_name = "ENV")]
    pub environment: Option<String>,
    /// The trigger's name, e.g. "Deploy release"
    #[arg(long)]
    pub name: Option<String>,
    /// What it does: deploy, rollback or validation
    #[arg(long = "kind", value_name = "ACTION")]
    pub action: Option<ActionArg>,
    /// A secret environment variable from a credential's keychain secret: VAR=CREDENTIAL (repeatable)
    #[arg(long = "secret-env", value_name = "VAR=CREDENTIAL")]
    pub secret_env: Vec<String>,
    /// A plain environment variable: VAR=VALUE (repeatable)
    #[arg(long = "env-var", value_name = "VAR=VALUE")]
    pub env_var: Vec<String>,
    /// The working folder (absolute)
    #[arg(long, value_name = "DIR")]
    pub cwd: Option<String>,
    /// Stop the run after this many seconds
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u32>,
    /// Remove the timeout (edit)
    #[arg(long, conflicts_with = "timeout")]
    pub no_timeout: bool,
    /// Arm a rollback trigger to run by itself, once per deploy, on a critical alert during the rollback watch
    #[arg(long)]
    pub auto_rollback: Option<bool>,
    /// A webhook instead of a program: the URL to call
    #[arg(long, value_name = "URL")]
    pub webhook: Option<String>,
    /// The webhook's method [default: POST]
    #[arg(long)]
    pub method: Option<String>,
    /// A webhook header "Name: value" (repeatable; secrets go in --credential)
    #[arg(long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// The webhook's body template ({{version}}, {{environment}}, {{run_id}}, …)
    #[arg(long)]
    pub body: Option<String>,
    /// The credential the webhook sends (its origin must be the webhook's)
    #[arg(long)]
    pub credential: Option<String>,
    /// Poll this URL until the pipeline finishes ({{response.$.id}} takes a value of the first answer)
    #[arg(long, value_name = "URL")]
    pub poll_url: Option<String>,
    /// The JSON path of the pipeline's status, e.g. $.status
    #[arg(long, value_name = "PATH", default_value = "$.status")]
    pub poll_path: String,
    /// Status values that mean success (comma-separated)
    #[arg(
        long,
        value_name = "VALUES",
        default_value = "success,succeeded,passed"
    )]
    pub success: String,
    /// Status values that mean failure (comma-separated)
    #[arg(
        long,
        value_name = "VALUES",
        default_value = "failed,failure,error,cancelled"
    )]
    pub failure: String,
    /// Seconds between polls
    #[arg(long, value_name = "SECONDS", default_value_t = 5)]
    pub poll_interval: u32,
    /// Give up polling after this many seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 1800)]
    pub poll_timeout: u32,
}

#[derive(Subcommand)]
pub enum TriggerCommand {
    /// Add a trigger: `-- PROGRAM [ARG…]` (started directly, never through a shell) or --webhook URL
    Add {
        #[command(flatten)]
        details: TriggerArgs,
        /// The program and its arguments, after --
        #[arg(last = true, value_name = "PROGRAM [ARG]...")]
        command: Vec<String>,
    },
    /// Change a trigger; `-- PROGRAM [ARG…]` replaces the program and its arguments
    Edit {
        /// The trigger: id, name, or ENV/NAME
        trigger: String,
        #[command(flatten)]
        details: TriggerArgs,
        #[arg(last = true, value_name = "PROGRAM [ARG]...")]
        command: Vec<String>,
    },
    /// The launch's triggers by environment
    List,
    /// Remove a trigger (its runs stay in the history)
    Rm { trigger: String },
}

#[derive(Args)]
pub struct DeployArgs {
    /// The trigger: id, name, or ENV/NAME
    pub trigger: String,
    /// The environment's name, to confirm a production run
    #[arg(long, value_name = "ENV")]
    pub confirm: Option<String>,
    /// Deploy to production without GO: why (audited, flagged in the record)
    #[arg(long, value_name = "REASON")]
    pub override_reason: Option<String>,
    /// Deploy although pre-deployment checks fail: why (audited)
    #[arg(long, value_name = "REASON")]
    pub checks_override_reason: Option<String>,
    /// The version or change being deployed (GOLIVE_VERSION, {{version}})
    #[arg(long)]
    pub version: Option<String>,
    /// Why it runs, e.g. a rollback's reason (GOLIVE_REASON, {{reason}})
    #[arg(long)]
    pub reason: Option<String>,
    /// Roll back this deploy run (cancelled first if it still runs); needs --reason
    #[arg(long, value_name = "RUN")]
    pub rollback_of: Option<String>,
}

#[derive(Subcommand)]
pub enum RunCommand {
    /// A run's details, pre-deployment checks and validation; --log prints its output
    Show {
        /// The run's id (or its last 8 characters)
        run: String,
        #[arg(long)]
        log: bool,
    },
    /// Stop a running run (TERM to its process group, KILL after 5 s), or an interrupted run's leftovers
    Cancel { run: String },
}

#[derive(Args)]
pub struct EscalationArgs {
    #[command(subcommand)]
    pub command: Option<EscalationCommand>,
}

#[derive(Subcommand)]
pub enum EscalationCommand {
    /// Change a level (given fields replace the old ones)
    Level {
        /// 1 to 5
        level: u8,
        #[arg(long)]
        name: Option<String>,
        /// Minutes at this level before the next is due; 0 for none (the last level)
        #[arg(long, value_name = "MINUTES")]
        wait: Option<u32>,
        /// A role whose holders answer here; repeat for several (replaces the roles)
        #[arg(long = "role", value_name = "ROLE")]
        roles: Vec<String>,
        /// A contact who answers here; repeat for several (replaces the contacts)
        #[arg(long = "contact", value_name = "NAME")]
        contacts: Vec<String>,
        /// Clear the roles and contacts before adding the given ones
        #[arg(long)]
        clear: bool,
        /// Whether the emergency response team answers here
        #[arg(long, value_name = "yes|no", value_parser = clap::builder::BoolishValueParser::new())]
        emergency_team: Option<bool>,
    },
    /// Change a support tier (given fields replace the old ones)
    Tier {
        /// 1 to 3
        tier: u8,
        #[arg(long)]
        name: Option<String>,
        /// What the tier takes, separated by `;`
        #[arg(long)]
        handles: Option<String>,
        #[arg(long = "role", value_name = "ROLE")]
        roles: Vec<String>,
        #[arg(long = "contact", value_name = "NAME")]
        contacts: Vec<String>,
        #[arg(long)]
        clear: bool,
    },
    /// Who to call now for something at LEVEL since WHEN, and when the next level is due
    Who {
        #[arg(long, default_value_t = 1)]
        level: u8,
        /// When it reached the level (RFC 3339, e.g. 2026-12-07T09:30:00Z) [default: now]
        #[arg(long, value_name = "WHEN")]
        since: Option<String>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum IncidentStateArg {
    Open,
    Investigating,
    Mitigated,
}

#[derive(Subcommand)]
pub enum IncidentCommand {
    /// Open an incident (from an alert with --alert)
    Open {
        /// [default with --alert: the alert's title]
        #[arg(long, default_value = "")]
        title: String,
        /// 1 (most severe) to 4 [default: 3; from a critical alert, 2]
        #[arg(long, value_name = "1-4")]
        sev: Option<u8>,
        /// Escalation level 1 to 5 [default: 1]
        #[arg(long)]
        level: Option<u8>,
        /// A contact's name
        #[arg(long)]
        owner: Option<String>,
        /// The affected environment [default with --alert: the alert's]
        #[arg(long)]
        env: Option<String>,
        /// An alert's id (see `golive alerts --json`)
        #[arg(long)]
        alert: Option<String>,
    },
    /// Add a note to an incident's timeline
    Note { incident: String, text: String },
    /// Move an incident up to the next level (or --level N)
    Escalate {
        incident: String,
        #[arg(long)]
        level: Option<u8>,
        /// Why
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Set an open incident's state
    State {
        incident: String,
        #[arg(value_enum)]
        state: IncidentStateArg,
    },
    /// Give an incident an owner
    Owner { incident: String, contact: String },
    /// Add a follow-up action
    Action {
        incident: String,
        text: String,
        #[arg(long)]
        owner: Option<String>,
    },
    /// Mark a follow-up action done (its number in `incident show`), or --undo
    Done {
        incident: String,
        action: String,
        #[arg(long)]
        undo: bool,
    },
    /// Resolve an incident with a summary of what happened and what fixed it
    Resolve {
        incident: String,
        #[arg(long)]
        summary: String,
    },
    /// The incidents (open ones first)
    List {
        /// Only open incidents
        #[arg(long)]
        open: bool,
    },
    /// An incident with its timeline, follow-ups and who to call now
    Show { incident: String },
}

/// A training session's fields; on `edit`, what is left out stays.
#[derive(Debug, Args)]
pub struct SessionArgs {
    #[arg(long)]
    pub title: Option<String>,
    /// administrators, end_users or support_team
    #[arg(long)]
    pub audience: Option<String>,
    /// Wall-clock start, e.g. "2026-12-03 09:00"
    #[arg(long, value_name = "WHEN")]
    pub start: Option<String>,
    /// Wall-clock end, e.g. "2026-12-03 11:30"
    #[arg(long, value_name = "WHEN")]
    pub end: Option<String>,
    /// IANA time zone of start and end [default: the launch's]
    #[arg(long = "tz", value_name = "ZONE")]
    pub time_zone: Option<String>,
    /// A room, an address or a meeting link
    #[arg(long)]
    pub place: Option<String>,
    /// A contact's name
    #[arg(long)]
    pub trainer: Option<String>,
    /// A link to slides, a guide, a recording (repeat for more; replaces them on edit)
    #[arg(long = "material", value_name = "LINK")]
    pub materials: Vec<String>,
    /// A contact's name (repeat for more; replaces them on edit)
    #[arg(long = "attendee", value_name = "NAME")]
    pub attendees: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum TrainingCommand {
    /// The sessions and completion per audience
    List,
    /// Schedule a session
    Add(SessionArgs),
    /// Change a session (TRN-N); a new start or end is audited as a reschedule
    Edit {
        session: String,
        #[command(flatten)]
        fields: SessionArgs,
    },
    /// Remove a session
    Rm { session: String },
    /// Record that people attended a session
    Attend {
        session: String,
        #[arg(required = true)]
        contacts: Vec<String>,
    },
    /// Record that people completed a session (attending it too)
    Complete {
        session: String,
        #[arg(required = true)]
        contacts: Vec<String>,
    },
    /// Record that people did not attend (and so did not complete)
    Absent {
        session: String,
        #[arg(required = true)]
        contacts: Vec<String>,
    },
    /// iCalendar invitations: export sessions, import a calendar file
    #[command(subcommand)]
    Ics(IcsCommand),
}

#[derive(Debug, Subcommand)]
pub enum IcsCommand {
    /// Write one session (or all) as an .ics file
    Export {
        /// A session (TRN-N) [default: all]
        session: Option<String>,
        /// [default: standard output]
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Read the events of an .ics file: known UIDs update (a moved one is a
    /// reschedule), the rest become sessions; all or nothing
    Import {
        file: PathBuf,
        /// For events that do not say [default: end_users]
        #[arg(long, default_value = "end_users")]
        audience: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum UpdateCommand {
    /// Print an update drafted from the live state (edit it, then `update send`)
    Draft,
    /// Send an update to a chat channel (the text from --file, or stdin), or
    /// record one sent by hand with --by-hand
    Send {
        /// The channel's name (see `golive update channel list`)
        #[arg(long, required_unless_present = "by_hand")]
        to: Option<String>,
        /// Record an update sent another way (e.g. email) instead
        #[arg(long = "by-hand", conflicts_with = "to")]
        by_hand: bool,
        /// The text [default: read from stdin]; `-` for stdin
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        /// Send the draft as it is, without editing
        #[arg(long, conflicts_with = "file")]
        draft: bool,
    },
    /// The updates sent, newest first, and when the next is due
    List,
    /// Set how often updates are due in a phase: minutes, or `none`
    Cadence {
        /// A phase key, e.g. day0 (without one: show every phase's cadence)
        phase: Option<String>,
        every: Option<String>,
    },
    /// Chat webhooks (Slack or Teams); the URL is read from the terminal or stdin and kept in the OS keychain
    #[command(subcommand)]
    Channel(ChannelCommand),
}

#[derive(Debug, Subcommand)]
pub enum ChannelCommand {
    /// Add a channel; paste its incoming-webhook URL when asked (never an argument)
    Add {
        name: String,
        /// slack or teams
        #[arg(long, default_value = "slack")]
        kind: String,
    },
    List,
    /// Remove a channel and its URL from the keychain
    Rm {
        name: String,
    },
}

/// A risk's fields; on `edit`, what is left out stays.
#[derive(Debug, Args)]
pub struct RiskArgs {
    #[arg(long)]
    pub title: Option<String>,
    /// technical or operational
    #[arg(long)]
    pub category: Option<String>,
    /// 1 (rare) to 5 (almost certain)
    #[arg(long)]
    pub likelihood: Option<u8>,
    /// 1 (negligible) to 5 (severe)
    #[arg(long)]
    pub impact: Option<u8>,
    /// What is done beforehand to make it less likely or less bad
    #[arg(long)]
    pub proactive: Option<String>,
    /// What is done when it happens
    #[arg(long)]
    pub reactive: Option<String>,
    /// A contact's name (`none` to clear)
    #[arg(long)]
    pub owner: Option<String>,
    /// open, mitigating, accepted or closed
    #[arg(long)]
    pub status: Option<String>,
    /// item:KEY, alert:ID or incident:INC-N (repeat for more; replaces them on edit)
    #[arg(long = "link", value_name = "KIND:TARGET")]
    pub links: Vec<String>,
    /// Remove every link
    #[arg(long = "no-links", conflicts_with = "links")]
    pub no_links: bool,
}

#[derive(Debug, Subcommand)]
pub enum RiskCommand {
    /// The register, highest score first
    List,
    /// The likelihood × impact grid with the open risks in each cell
    Grid,
    /// Add a risk
    Add(RiskArgs),
    /// Change a risk (RSK-N)
    Edit {
        risk: String,
        #[command(flatten)]
        fields: RiskArgs,
    },
    /// Remove a risk
    Rm { risk: String },
}

#[derive(Debug, Subcommand)]
pub enum FeedbackCommand {
    /// The log, open entries first
    List {
        /// Only entries not resolved or declined
        #[arg(long)]
        open: bool,
    },
    /// Log feedback
    Add {
        /// bug, feature, question or praise
        #[arg(long)]
        kind: String,
        #[arg(long)]
        title: String,
        #[arg(long, default_value = "")]
        detail: String,
        /// Where it came from: help desk, survey, email, chat…
        #[arg(long, default_value = "")]
        source: String,
        #[arg(long, default_value = "")]
        reporter: String,
        /// Support tier 1–3 handling it
        #[arg(long)]
        tier: Option<u8>,
        /// A contact's name
        #[arg(long)]
        owner: Option<String>,
        /// When it was reported, RFC 3339 [default: now]
        #[arg(long, value_name = "WHEN")]
        reported: Option<String>,
    },
    /// Move an entry (FB-N) to new, in_progress, resolved or wont_fix
    Status {
        entry: String,
        status: String,
        /// How it was resolved or why it was declined
        #[arg(long, default_value = "")]
        resolution: String,
    },
    /// Import a help desk's CSV export (whole or not at all; known ticket ids update)
    Import { file: PathBuf },
    /// Counts, open entries, mean resolution time, user-reported issue rate
    Stats,
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BackupArgs {
    #[command(subcommand)]
    pub command: Option<BackupCommand>,
    /// Write the copy to this file instead of the backups folder
    #[arg(long, value_name = "FILE")]
    pub to: Option<std::path::PathBuf>,
}

#[derive(Subcommand)]
pub enum BackupCommand {
    /// The copies in the backups folder, newest first
    List,
    /// How many automatic copies of each kind (before a run, daily) are kept
    Keep { count: u32 },
}
