//! `golive update`: draft, send (to a chat webhook, or recorded as sent by
//! hand), list, cadence per phase, and the chat channels.

use std::fmt::Write;
use std::io::Read;

use golive_core::updates::{self, ChannelKind, Update, cadence, draft};

use crate::args::{ChannelCommand, UpdateCommand};
use crate::health::{read_secret, runtime};
use crate::{Context, Failure, emit};

pub fn update_command(cx: &mut Context, command: UpdateCommand) -> Result<u8, Failure> {
    let launch = cx.launch()?;
    let id = launch.id.as_str();
    match command {
        UpdateCommand::Draft => {
            let text = draft::compose(cx.store.conn(), id, cx.now)?;
            emit(cx.json, &serde_json::json!({ "draft": text }), |_| {
                format!("{text}\n")
            });
        }
        UpdateCommand::Send {
            to,
            by_hand: _,
            file,
            draft: as_drafted,
        } => {
            let body = if as_drafted {
                draft::compose(cx.store.conn(), id, cx.now)?
            } else {
                read_body(file.as_deref())?
            };
            let channel = match &to {
                Some(name) => Some(updates::channel(cx.store.conn(), id, name)?),
                None => None,
            };
            if let Some(channel) = &channel {
                runtime()?.block_on(updates::deliver(channel, &body))?;
            }
            let sent = updates::record(&mut cx.store, &cx.change, id, channel.as_ref(), &body)?;
            let due = cadence::due(cx.store.conn(), id, cx.now)?;
            emit(cx.json, &sent, |u| {
                format!(
                    "Sent update #{} to {}. {}\n",
                    u.number, u.sent_to, due.label
                )
            });
        }
        UpdateCommand::List => {
            let sent = updates::list(cx.store.conn(), id)?;
            let due = cadence::due(cx.store.conn(), id, cx.now)?;
            emit(
                cx.json,
                &serde_json::json!({ "due": due, "updates": sent }),
                |_| render(&sent, &due.label),
            );
        }
        UpdateCommand::Cadence { phase, every } => {
            if let Some(phase) = phase {
                let every = match every.as_deref().map(str::trim) {
                    None => {
                        return Err(Failure {
                            message: "give the minutes between updates, or `none`, e.g. `golive update cadence post 240`".into(),
                            status: 2,
                        });
                    }
                    Some("none" | "off" | "0") => None,
                    Some(text) => Some(text.parse::<u32>().map_err(|_| Failure {
                        message: format!("{text:?} is not a number of minutes (or `none`)"),
                        status: 2,
                    })?),
                };
                cadence::set(&mut cx.store, &cx.change, id, &phase, every)?;
            }
            let phases = cadence::list(cx.store.conn(), id)?;
            emit(cx.json, &phases, |phases| {
                let mut text = String::new();
                for p in phases {
                    let every = match p.every_minutes {
                        Some(m) if m % 1440 == 0 => format!("every {} day(s)", m / 1440),
                        Some(m) if m % 60 == 0 => format!("every {} h", m / 60),
                        Some(m) => format!("every {m} min"),
                        None => "none".into(),
                    };
                    let _ = writeln!(text, "{:<8} {:<28} {every}", p.phase_key, p.phase);
                }
                text
            });
        }
        UpdateCommand::Channel(ChannelCommand::Add { name, kind }) => {
            let kind = ChannelKind::parse(&kind)?;
            let url = read_secret(&format!("the webhook URL of {name}"))?;
            let channel = updates::add_channel(&mut cx.store, &cx.change, id, &name, kind, &url)?;
            emit(cx.json, &channel, |c| {
                format!(
                    "Added {} ({}, {}); its URL is in the OS keychain.\n",
                    c.name,
                    c.kind.key(),
                    c.origin
                )
            });
        }
        UpdateCommand::Channel(ChannelCommand::List) => {
            let channels = updates::channels(cx.store.conn(), id)?;
            emit(cx.json, &channels, |list| {
                if list.is_empty() {
                    return "No chat channels; add one with `golive update channel add NAME --kind slack|teams`.\n".into();
                }
                list.iter()
                    .map(|c| format!("{:<24} {:<6} {}\n", c.name, c.kind.key(), c.origin))
                    .collect()
            });
        }
        UpdateCommand::Channel(ChannelCommand::Rm { name }) => {
            updates::remove_channel(&mut cx.store, &cx.change, id, &name)?;
            eprintln!("Removed the channel {name} and its URL.");
        }
    }
    Ok(0)
}

fn read_body(file: Option<&std::path::Path>) -> Result<String, Failure> {
    let failed = |e: std::io::Error, from: &str| Failure {
        message: format!("cannot read the update from {from}: {e}"),
        status: 2,
    };
    match file {
        Some(path) if path.as_os_str() != "-" => {
            std::fs::read_to_string(path).map_err(|e| failed(e, &path.display().to_string()))
        }
        _ => {
            let mut text = String::new();
            std::io::stdin()
                .take(64 * 1024)
                .read_to_string(&mut text)
                .map_err(|e| failed(e, "stdin"))?;
            Ok(text)
        }
    }
}

fn render(sent: &[Update], due: &str) -> String {
    let mut text = format!("{due}\n");
    if sent.is_empty() {
        text.push_str("\nNo updates sent yet; draft one with `golive update draft`.\n");
    }
    for u in sent {
        let _ = writeln!(
            text,
            "\n#{}  {}  to {}  by {}",
            u.number, u.sent_at, u.sent_to, u.sent_by
        );
        for line in u.body.lines() {
            let _ = writeln!(text, "    {line}");
        }
    }
    text
}
