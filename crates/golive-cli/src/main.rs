//! `golive`: the command line over the same core as the desktop app.
//!
//! Exit status: 0 success, 1 a check found a problem (`verify`, a `decision`
//! that is not GO), 2 the command could not be carried out (bad input,
//! missing store, …).

mod args;
mod backup;
mod deploy;
mod feedback;
mod health;
mod people;
mod record;
mod render;
mod risks;
mod training;
mod updates;

use std::path::Path;
use std::process::ExitCode;

use args::{
    Cli, Command, ContactArgs, ContactCommand, DemoCommand, DirectoryFormat, DueArg, FilterArgs,
    ItemCommand, NewLaunchArgs, PlacementArgs, RehearsalCommand, SectionCommand, StatusArg,
    TemplateCommand,
};
use clap::Parser;
use golive_core::audit::{self, Query};
use golive_core::contacts::{self, ContactInput};
use golive_core::launch::{self, Launch, NewLaunch};
use golive_core::plan::{self, Template};
use golive_core::readiness::{self, Due, Filter, Me, Placement, Status};
use golive_core::record::report::ReportFormat;
use golive_core::rehearsal::{self, RehearsalInput};
use golive_core::signoff::{self, DecisionState, Verdict};
use golive_core::store::OpenMode;
use golive_core::{Actor, Change, Store, actor, format_timestamp, paths, template_export};
use jiff::Timestamp;

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
    let result = run(cli);
    // A deploy's output is synced to disk by its checkpoint: let it finish.
    golive_core::deploy::start::wait_for_checkpoints();
    match result {
        Ok(status) => ExitCode::from(status),
        Err(failure) => {
            tracing::warn!(message = %failure.message, "command failed");
            eprintln!("golive: {}", failure.message);
            ExitCode::from(failure.status)
        }
    }
}

/// What every command works with.
struct Context {
    store: Store,
    change: Change,
    now: Timestamp,
    json: bool,
    launch_selector: Option<String>,
}

impl Context {
    fn launch(&self) -> Result<Launch, Failure> {
        Ok(launch::select(
            self.store.conn(),
            self.launch_selector.as_deref(),
        )?)
    }
}

fn run(cli: Cli) -> Result<u8, Failure> {
    let store_path = cli.store.clone().unwrap_or_else(paths::default_store);
    // A template file is read and checked before the store is created or touched.
    let template = match &cli.command {
        Command::Init {
            template: Some(file),
            ..
        }
        | Command::Template(TemplateCommand::Import { file, .. }) => {
            Some(plan::load(file).map_err(golive_core::Error::from)?)
        }
        Command::Template(TemplateCommand::Check { file }) => {
            let template = plan::load(file).map_err(golive_core::Error::from)?;
            println!(
                "{} is a valid plan template: {:?} version {}, {} phases, {} items.",
                file.display(),
                template.plan.name.get_ref(),
                template.plan.version,
                template.phases.len(),
                template.item_count()
            );
            return Ok(0);
        }
        _ => None,
    };
    let mode = match &cli.command {
        Command::Init { .. } | Command::Template(TemplateCommand::Import { .. }) => {
            OpenMode::CreateIfMissing
        }
        _ => OpenMode::MustExist,
    };
    // A bundle is checked on its own: no store is needed, none is touched.
    if let Command::Verify {
        file: Some(file),
        keys,
    } = &cli.command
    {
        return record::verify_command(&store_path, file, keys, cli.json);
    }
    if let Command::Demo(demo) = &cli.command
        && let Some(status) = health::demo_without_store(demo, &store_path)?
    {
        return Ok(status);
    }
    let store = Store::open(&store_path, mode)?;
    let now = Timestamp::now();
    let actor = actor::load(&store, &Actor::os_user())?;
    let mut cx = Context {
        store,
        change: Change::new(actor, now),
        now,
        json: cli.json,
        launch_selector: cli.launch.clone(),
    };

    match cli.command {
        Command::Init { launch, .. } => {
            create_launch(&mut cx, launch, template.unwrap_or_else(Template::standard))?;
        }
        Command::Template(TemplateCommand::Import { launch, .. }) => {
            create_launch(&mut cx, launch, template.unwrap_or_else(Template::standard))?;
        }
        Command::Template(TemplateCommand::Check { .. }) => {}
        Command::Template(TemplateCommand::Export { out }) => {
            let launch = cx.launch()?;
            let text = template_export::template_file(
                cx.store.conn(),
                &launch.id,
                &format_timestamp(cx.now),
            )?;
            write_output(out.as_deref(), &text, "plan template")?;
        }
        Command::Launches => {
            emit(cx.json, &launch::list(cx.store.conn())?, |l| {
                render::launches(l)
            });
        }
        Command::Status => {
            let launch = cx.launch()?;
            let summary = readiness::summary(cx.store.conn(), &launch.id, cx.now)?;
            emit(cx.json, &summary, render::status);
        }
        Command::Items { filter, markdown } => {
            let launch = cx.launch()?;
            let checklist = filtered(&cx, &launch, filter)?;
            if markdown {
                let decision = signoff::decision(cx.store.conn(), &launch.id)?;
                print!(
                    "{}",
                    readiness::markdown(&checklist, Some(&decision), &format_timestamp(cx.now))
                );
            } else if cx.json {
                print_json(&checklist.items().collect::<Vec<_>>());
            } else {
                print!("{}", render::checklist(&checklist));
            }
        }
        Command::Timeline { filter } => {
            let launch = cx.launch()?;
            let checklist = filtered(&cx, &launch, filter)?;
            emit(cx.json, &readiness::timeline(&checklist), |t| {
                render::timeline(t, &launch)
            });
        }
        Command::Tick { key, note } => {
            let launch = cx.launch()?;
            readiness::tick(&mut cx.store, &cx.change, &launch.id, &key, note.as_deref())?;
            report_item(&cx, &launch, &key, "Ticked")?;
        }
        Command::Reopen { key, reason } => {
            let launch = cx.launch()?;
            readiness::reopen(&mut cx.store, &cx.change, &launch.id, &key, &reason)?;
            report_item(&cx, &launch, &key, "Reopened")?;
        }
        Command::Block { key, reason } => {
            let launch = cx.launch()?;
            readiness::block(&mut cx.store, &cx.change, &launch.id, &key, &reason)?;
            report_item(&cx, &launch, &key, "Blocked")?;
        }
        Command::Na { key, reason } => {
            let launch = cx.launch()?;
            readiness::mark_na(&mut cx.store, &cx.change, &launch.id, &key, &reason)?;
            report_item(&cx, &launch, &key, "Marked not applicable:")?;
        }
        Command::Comment { key, text } => {
            let launch = cx.launch()?;
            let comment = readiness::comment(&mut cx.store, &cx.change, &launch.id, &key, &text)?;
            emit(cx.json, &comment, |c| {
                format!("Comment added to {} by {}.\n", key.to_uppercase(), c.author)
            });
        }
        Command::Item(command) => item_command(&mut cx, command)?,
        Command::Section(command) => section_command(&mut cx, command)?,
        Command::Signoff {
            role,
            go,
            no_go: _,
            comment,
        } => {
            let launch = cx.launch()?;
            let verdict = if go { Verdict::Go } else { Verdict::NoGo };
            let decision = signoff::sign(
                &mut cx.store,
                &cx.change,
                &launch.id,
                &role,
                verdict,
                comment.as_deref(),
            )?;
            emit(cx.json, &decision, |d| {
                format!(
                    "Recorded {} for {role}.\n{}",
                    verdict.label(),
                    render::decision(d, &launch)
                )
            });
        }
        Command::Decision => {
            let launch = cx.launch()?;
            let decision = signoff::decision(cx.store.conn(), &launch.id)?;
            emit(cx.json, &decision, |d| render::decision(d, &launch));
            return Ok(if decision.state == DecisionState::Go {
                0
            } else {
                1
            });
        }
        Command::Reschedule { go_live, time_zone } => {
            let launch = cx.launch()?;
            let moved = launch::reschedule(
                &mut cx.store,
                &cx.change,
                &launch.id,
                &go_live,
                time_zone.as_deref(),
            )?;
            emit(cx.json, &moved, |l| {
                format!(
                    "Day 0 of {:?} moved from {} {} to {} {}; every due date moved with it.\n",
                    l.name,
                    launch.go_live_local.replace('T', " "),
                    launch.time_zone,
                    l.go_live_local.replace('T', " "),
                    l.time_zone
                )
            });
        }
        Command::Contact(command) => contact_command(&mut cx, command)?,
        Command::Escalation(args) => people::escalation_command(&mut cx, args.command)?,
        Command::Incident(command) => people::incident_command(&mut cx, command)?,
        Command::Training(command) => training::training_command(&mut cx, command)?,
        Command::Update(command) => return updates::update_command(&mut cx, command),
        Command::Risk(command) => risks::risk_command(&mut cx, command)?,
        Command::Feedback(command) => feedback::feedback_command(&mut cx, command)?,
        Command::Env(command) => health::env_command(&mut cx, command)?,
        Command::Monitor(command) => health::monitor_command(&mut cx, command)?,
        Command::Secret(command) => return health::secret_command(&mut cx, command),
        Command::Check { environment } => return health::check(&mut cx, environment),
        Command::Alerts { action, resolved } => health::alerts_command(&mut cx, action, resolved)?,
        Command::Maintenance(command) => health::maintenance_command(&mut cx, command)?,
        Command::Metrics { hours } => health::metrics_command(&mut cx, hours)?,
        Command::Kpi(command) => health::kpi_command(&mut cx, command)?,
        Command::Demo(DemoCommand::Launch { port, token }) => {
            health::demo_launch(&mut cx, port, &token)?
        }
        Command::Demo(_) => {}
        Command::Trigger(command) => deploy::trigger_command(&mut cx, command)?,
        Command::Deploy(args) => return deploy::deploy(&mut cx, args),
        Command::Runs {
            environment,
            state,
            action,
            limit,
        } => deploy::runs_command(&mut cx, environment, state, action, limit)?,
        Command::Run(command) => deploy::run_command(&mut cx, command)?,
        Command::RollbackWatch { minutes } => return deploy::rollback_watch(&mut cx, minutes),
        Command::Rehearsal(RehearsalCommand::Create {
            name,
            go_live,
            time_zone,
        }) => {
            let from = cx.launch()?;
            let created = rehearsal::create(
                &mut cx.store,
                &cx.change,
                &from.id,
                &RehearsalInput {
                    name,
                    go_live_local: go_live,
                    time_zone,
                },
            )?;
            emit(cx.json, &created, |l| {
                format!(
                    "Created the REHEARSAL {:?} ({}) of {:?}: same plan and people, its own ticks.\nUse it with --launch {}.\n",
                    l.name, l.id, from.name, l.id
                )
            });
        }
        Command::Log {
            limit,
            actor,
            kind,
            subject,
            since,
            until,
        } => {
            let launch = cx.launch()?;
            let events = audit::events(
                cx.store.conn(),
                &Query {
                    launch_id: Some(launch.id.clone()),
                    limit,
                    actor,
                    kind,
                    subject,
                    from: since,
                    until,
                    ..Query::default()
                },
            )?;
            emit(cx.json, &events, |e| render::events(e));
        }
        Command::Verify { file: Some(_), .. } => {
            unreachable!("a bundle is verified before the store opens")
        }
        Command::Verify { file: None, .. } => {
            let verification = audit::verify(cx.store.conn())?;
            emit(cx.json, &verification, |v| {
                render::verification(v, cx.store.path())
            });
            return Ok(if verification.ok() { 0 } else { 1 });
        }
        Command::Close { yes } => record::close_command(&mut cx, yes)?,
        Command::Export {
            bundle,
            full_json,
            csv,
            html,
            markdown,
            from,
            until,
        } => {
            if let Some(bundle) = bundle {
                record::export_command(&mut cx, &bundle)?;
            }
            if let Some(file) = full_json {
                record::tables_command(&mut cx, &file, record::TableFormat::Json)?;
            }
            if let Some(dir) = csv {
                record::tables_command(&mut cx, &dir, record::TableFormat::Csv)?;
            }
            let window = (from.as_deref(), until.as_deref());
            if let Some(file) = html {
                record::report_command(&mut cx, &file, ReportFormat::Html, window)?;
            }
            if let Some(file) = markdown {
                record::report_command(&mut cx, &file, ReportFormat::Markdown, window)?;
            }
        }
        Command::Backup(args) => backup::backup_command(&mut cx, args)?,
        Command::Restore { file, yes } => backup::restore_command(&mut cx, &file, yes)?,
        Command::Profile { name, role } => {
            let actor = cx.change.actor.clone();
            let shown = if name.is_some() || role.is_some() {
                let name = name.or(actor.name.clone());
                let role = role.or(actor.role.clone());
                actor::set_profile(&mut cx.store, &cx.change, name.as_deref(), role.as_deref())?
            } else {
                actor
            };
            emit(cx.json, &shown, |a| {
                format!(
                    "{} — role: {}. Your changes are recorded as {:?}.\n",
                    a.user,
                    a.role.as_deref().unwrap_or("not set"),
                    a.display()
                )
            });
        }
    }
    Ok(0)
}

fn create_launch(cx: &mut Context, args: NewLaunchArgs, template: Template) -> Result<(), Failure> {
    let new = NewLaunch {
        name: args.name,
        platform: args.platform,
        go_live_local: args.go_live,
        time_zone: args.time_zone,
    };
    let created = launch::create(&mut cx.store, &cx.change, &new, &template)?;
    let summary = readiness::summary(cx.store.conn(), &created.id, cx.now)?;
    if cx.json {
        print_json(&summary);
    } else {
        println!(
            "Created launch {:?} ({}) from {:?} with {} items in {}.",
            created.name,
            created.id,
            created.template_name,
            summary.overall.total,
            cx.store.path().display()
        );
        print!("{}", render::status(&summary));
    }
    Ok(())
}

fn filtered(
    cx: &Context,
    launch: &Launch,
    args: FilterArgs,
) -> Result<readiness::Checklist, Failure> {
    let filter = Filter {
        phase: args.phase,
        section: args.section,
        owner: args.owner,
        status: args.status.map(|s| match s {
            StatusArg::Open => Status::Open,
            StatusArg::Done => Status::Done,
            StatusArg::Blocked => Status::Blocked,
            StatusArg::Na => Status::Na,
        }),
        due: args.due.map(|d| match d {
            DueArg::Overdue => Due::Overdue,
            DueArg::Today => Due::Today,
            DueArg::Week => Due::Week,
        }),
        text: args.search,
        mine: args.mine,
    };
    let me = Me::of(cx.store.conn(), &launch.id, &cx.change.actor)?;
    if filter.mine && me.contact.is_none() && me.roles.is_empty() {
        return Err(Failure {
            message: format!(
                "golive does not know which items are yours, {}: link a contact to your account (`golive contact add --name NAME --role ROLE --me`) or set your role (`golive profile --role pm`)",
                me.user
            ),
            status: 2,
        });
    }
    Ok(readiness::filtered(
        cx.store.conn(),
        &launch.id,
        cx.now,
        &filter,
        &me,
    )?)
}

fn placement(args: PlacementArgs) -> Placement {
    match (args.before, args.after) {
        (Some(key), _) => Placement::Before(key),
        (None, Some(key)) => Placement::After(key),
        (None, None) => Placement::End,
    }
}

fn item_command(cx: &mut Context, command: ItemCommand) -> Result<(), Failure> {
    let launch = cx.launch()?;
    let (store, change) = (&mut cx.store, &cx.change);
    match command {
        ItemCommand::Show { key } => {
            let detail = readiness::item_detail(store.conn(), &launch.id, &key, cx.now)?;
            emit(cx.json, &detail, |d| render::item_detail(d, &launch));
        }
        ItemCommand::Add {
            section,
            title,
            owner,
            due_day,
            key,
            description,
            gate,
            rule,
            placement: at,
        } => {
            let key = readiness::add_item(
                store,
                change,
                &launch.id,
                &readiness::NewItem {
                    section,
                    key,
                    title,
                    description,
                    owner,
                    due_day,
                    gate,
                    rule,
                    placement: placement(at),
                },
            )?;
            report_item(cx, &launch, &key, "Added")?;
        }
        ItemCommand::Edit {
            key,
            title,
            description,
            owner,
            due_day,
            gate,
            no_gate,
            rule,
            no_rule,
        } => {
            let edit = readiness::ItemEdit {
                title,
                description,
                owner,
                due_day,
                gate: (gate || no_gate).then_some(gate),
                rule: if no_rule { Some(String::new()) } else { rule },
            };
            readiness::edit_item(store, change, &launch.id, &key, &edit)?;
            report_item(cx, &launch, &key, "Changed")?;
        }
        ItemCommand::Move {
            key,
            section,
            placement: at,
            due_day,
        } => {
            readiness::move_item(
                store,
                change,
                &launch.id,
                &key,
                section.as_deref(),
                &placement(at),
                due_day,
            )?;
            report_item(cx, &launch, &key, "Moved")?;
        }
        ItemCommand::Rm { key, force } => {
            readiness::remove_item(store, change, &launch.id, &key, force)?;
            emit(cx.json, &serde_json::json!({ "removed": key }), |_| {
                format!(
                    "Removed {}; the audit trail keeps a copy of it.\n",
                    key.to_uppercase()
                )
            });
        }
        ItemCommand::Link { key, url, label } => {
            readiness::add_link(store, change, &launch.id, &key, &url, label.as_deref())?;
            report_item(cx, &launch, &key, "Linked evidence to")?;
        }
        ItemCommand::Unlink { key, url } => {
            readiness::remove_link(store, change, &launch.id, &key, &url)?;
            report_item(cx, &launch, &key, "Removed a link from")?;
        }
    }
    Ok(())
}

fn section_command(cx: &mut Context, command: SectionCommand) -> Result<(), Failure> {
    let launch = cx.launch()?;
    let (store, change) = (&mut cx.store, &cx.change);
    let done = match command {
        SectionCommand::Add {
            phase,
            title,
            key,
            placement: at,
        } => {
            let key = readiness::add_section(
                store,
                change,
                &launch.id,
                &readiness::NewSection {
                    phase,
                    key,
                    title,
                    placement: placement(at),
                },
            )?;
            format!("Added the section {key}.")
        }
        SectionCommand::Edit { key, title } => {
            readiness::edit_section(store, change, &launch.id, &key, &title)?;
            format!("Renamed the section {key} to {title:?}.")
        }
        SectionCommand::Move {
            key,
            phase,
            placement: at,
        } => {
            readiness::move_section(
                store,
                change,
                &launch.id,
                &key,
                phase.as_deref(),
                &placement(at),
            )?;
            format!("Moved the section {key}.")
        }
        SectionCommand::Rm { key } => {
            readiness::remove_section(store, change, &launch.id, &key)?;
            format!("Removed the section {key}.")
        }
    };
    emit(cx.json, &serde_json::json!({ "done": done }), |_| {
        format!("{done}\n")
    });
    Ok(())
}

fn contact_input(
    name: String,
    details: ContactArgs,
    user: &str,
    before: Option<&contacts::Contact>,
) -> ContactInput {
    let keep = |new: Option<String>, old: Option<&String>| {
        new.or_else(|| old.cloned()).unwrap_or_default()
    };
    ContactInput {
        name,
        roles: if details.roles.is_empty() {
            before.map(|b| b.roles.clone()).unwrap_or_default()
        } else {
            details.roles
        },
        email: keep(details.email, before.map(|b| &b.email)),
        phone: keep(details.phone, before.map(|b| &b.phone)),
        time_zone: keep(details.time_zone, before.map(|b| &b.time_zone)),
        os_user: if details.me {
            Some(user.to_string())
        } else {
            before.and_then(|b| b.os_user.clone())
        },
        chat: keep(details.chat, before.map(|b| &b.chat)),
        deputy: match details.deputy {
            Some(name) => Some(name).filter(|n| !n.trim().is_empty()),
            None => before.and_then(|b| b.deputy.clone()),
        },
        always_on: details
            .always_on
            .unwrap_or_else(|| before.is_some_and(|b| b.always_on)),
        emergency: details
            .emergency
            .unwrap_or_else(|| before.is_some_and(|b| b.emergency)),
    }
}

fn contact_command(cx: &mut Context, command: ContactCommand) -> Result<(), Failure> {
    let launch = cx.launch()?;
    let user = cx.change.actor.user.clone();
    match command {
        ContactCommand::Add { name, details } => {
            let input = contact_input(name, details, &user, None);
            let contact = contacts::add(&mut cx.store, &cx.change, &launch.id, &input)?;
            emit(cx.json, &contact, |c| {
                format!("Added the contact {}.\n", render::contact_line(c))
            });
        }
        ContactCommand::List => {
            let list = contacts::list(cx.store.conn(), &launch.id)?;
            emit(cx.json, &list, |l| render::contacts(l));
        }
        ContactCommand::Edit {
            contact,
            name,
            details,
        } => {
            let before = contacts::get(cx.store.conn(), &launch.id, &contact)?;
            let input = contact_input(
                name.unwrap_or_else(|| before.name.clone()),
                details,
                &user,
                Some(&before),
            );
            let contact =
                contacts::edit(&mut cx.store, &cx.change, &launch.id, &before.id, &input)?;
            emit(cx.json, &contact, |c| {
                format!("Changed the contact {}.\n", render::contact_line(c))
            });
        }
        ContactCommand::Rm { contact } => {
            contacts::remove(&mut cx.store, &cx.change, &launch.id, &contact)?;
            emit(cx.json, &serde_json::json!({ "removed": contact }), |_| {
                format!("Removed the contact {contact}; their items fall back to their roles.\n")
            });
        }
        ContactCommand::Import { file } => {
            let summary = contacts::import_file(&mut cx.store, &cx.change, &launch.id, &file)?;
            emit(cx.json, &summary, |s| render::import_summary(s, &file));
        }
        ContactCommand::Export { file, format } => match file {
            Some(path) => {
                let count = contacts::export_file(cx.store.conn(), &launch.id, &path)?;
                emit(
                    cx.json,
                    &serde_json::json!({ "file": path, "contacts": count }),
                    |_| format!("Wrote {count} contacts to {}.\n", path.display()),
                );
            }
            None => {
                let format = match format {
                    DirectoryFormat::Csv => contacts::FileFormat::Csv,
                    DirectoryFormat::Vcf => contacts::FileFormat::VCard,
                };
                print!("{}", contacts::export(cx.store.conn(), &launch.id, format)?);
            }
        },
    }
    Ok(())
}

fn report_item(cx: &Context, launch: &Launch, key: &str, verb: &str) -> Result<(), Failure> {
    let item = readiness::item(cx.store.conn(), &launch.id, key, cx.now)?;
    if cx.json {
        print_json(&item);
    } else {
        println!("{verb} {} {}.", item.key, item.title);
        print!("{}", render::item_status(&item, &launch.time_zone));
    }
    Ok(())
}

/// Writes `text` to `out`, or to stdout without one.
fn write_output(out: Option<&Path>, text: &str, what: &str) -> Result<(), Failure> {
    match out {
        None => print!("{text}"),
        Some(path) => {
            std::fs::write(path, text).map_err(|e| Failure {
                message: format!(
                    "cannot write the {what} to {}: {e}. Check the folder exists and is writable.",
                    path.display()
                ),
                status: 2,
            })?;
            eprintln!("Wrote the {what} to {}.", path.display());
        }
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
