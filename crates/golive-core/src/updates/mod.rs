//! Stakeholder updates (strategy 2.1: "status updates every 15 minutes" on
//! Day 0). A cadence per phase says how often one is due ([`cadence`]); a
//! draft is written from the live state ([`draft`]); the update goes to a
//! Slack- or Teams-compatible chat webhook ([`webhook`]) or is copied to be
//! sent by hand, and every update sent is kept, numbered, in the record.
//!
//! The webhook URL is the secret (whoever has it can post): it lives in the
//! OS keychain only. The store keeps the channel's name, kind and origin.

pub mod cadence;
pub mod draft;
pub mod webhook;

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::actor::Change;
use crate::plan::Template;
use crate::store::{Store, WriteTx, new_id};
use crate::{Error, Result, format_timestamp, secrets};

pub use cadence::UpdateDue;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// Slack incoming webhook (and anything that takes `{"text": …}`).
    Slack,
    /// Microsoft Teams incoming webhook (a MessageCard).
    Teams,
}

impl ChannelKind {
    pub fn key(self) -> &'static str {
        match self {
            ChannelKind::Slack => "slack",
            ChannelKind::Teams => "teams",
        }
    }

    pub fn parse(text: &str) -> Result<ChannelKind> {
        match text.trim().to_ascii_lowercase().as_str() {
            "slack" => Ok(ChannelKind::Slack),
            "teams" | "msteams" => Ok(ChannelKind::Teams),
            other => Err(Error::InvalidInput(format!(
                "{other:?} is not a kind of chat webhook; use slack or teams"
            ))),
        }
    }
}

/// A chat webhook updates are sent to; its URL is in the keychain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Channel {
    pub id: String,
    pub name: String,
    pub kind: ChannelKind,
    /// `scheme://host[:port]` of the URL, to recognise it by.
    pub origin: String,
}

/// An update that went out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Update {
    pub id: String,
    pub number: u32,
    pub body: String,
    /// The channel's name, or `clipboard` when copied to be sent by hand.
    pub sent_to: String,
    pub sent_at: String,
    pub sent_by: String,
}

/// The keychain entry of a channel's URL.
fn secret_id(channel_id: &str) -> String {
    format!("chat-webhook:{channel_id}")
}

/// Every phase's cadence for a new launch: as the plan says, else the
/// default (see [`crate::plan::Communication`]).
pub(crate) fn seed(tx: &WriteTx<'_>, launch_id: &str, template: &Template) -> Result<()> {
    let c = &template.communication;
    for phase in &template.phases {
        let key = phase.key.get_ref();
        let first = *phase.first_day.get_ref();
        let every = match c.cadence.iter().find(|p| &p.phase == key) {
            Some(p) => Some(p.every_minutes).filter(|m| *m > 0),
            None if first == 0 => Some(c.status_update_minutes),
            None if first > 0 => Some(1440),
            None => None,
        };
        tx.execute(
            "INSERT OR REPLACE INTO update_cadence (launch_id, phase_key, every_minutes) VALUES (?1, ?2, ?3)",
            params![launch_id, key, every],
        )?;
    }
    Ok(())
}

pub fn channels(conn: &Connection, launch_id: &str) -> Result<Vec<Channel>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, kind, origin FROM update_channels WHERE launch_id = ?1 ORDER BY name COLLATE NOCASE",
    )?;
    Ok(stmt
        .query_map([launch_id], channel_row)?
        .collect::<rusqlite::Result<_>>()?)
}

fn channel_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Channel> {
    Ok(Channel {
        id: row.get(0)?,
        name: row.get(1)?,
        kind: ChannelKind::parse(&row.get::<_, String>(2)?).unwrap_or(ChannelKind::Slack),
        origin: row.get(3)?,
    })
}

/// Finds a channel by id or name.
pub fn channel(conn: &Connection, launch_id: &str, selector: &str) -> Result<Channel> {
    conn.query_row(
        "SELECT id, name, kind, origin FROM update_channels
         WHERE launch_id = ?1 AND (id = ?2 OR name = ?2 COLLATE NOCASE)",
        params![launch_id, selector.trim()],
        channel_row,
    )
    .optional()?
    .ok_or_else(|| {
        Error::NotFound(format!(
            "this launch has no chat channel {:?}; add one with `golive update channel add` or in the Updates view",
            selector.trim()
        ))
    })
}

/// Adds a chat webhook: the URL goes to the keychain first, so a keychain
/// that refuses it leaves no channel without a URL; the store gets the
/// name, kind and origin.
pub fn add_channel(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    name: &str,
    kind: ChannelKind,
    url: &str,
) -> Result<Channel> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::InvalidInput(
            "the channel needs a name, e.g. \"#launch-status\"".into(),
        ));
    }
    if channel(store.conn(), launch_id, name).is_ok() {
        return Err(Error::Conflict(format!(
            "there is a channel {name:?} already; pick another name, or remove it first"
        )));
    }
    let origin = webhook::check_url(url.trim())?;
    let id = new_id();
    secrets::set(&secret_id(&id), url.trim())?;
    let written = store.write(change, |tx| {
        tx.execute(
            "INSERT INTO update_channels (id, launch_id, name, kind, origin, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                id,
                launch_id,
                name,
                kind.key(),
                origin,
                format_timestamp(change.at)
            ],
        )?;
        tx.audit(
            Some(launch_id),
            "update.channel.add",
            &format!("update-channel:{id}"),
            serde_json::json!({ "name": name, "kind": kind.key(), "origin": origin }),
        )
    });
    if let Err(error) = written {
        let _ = secrets::delete(&secret_id(&id));
        return Err(error);
    }
    channel(store.conn(), launch_id, &id)
}

/// Removes a channel and its URL from the keychain; updates sent to it keep
/// its name.
pub fn remove_channel(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    selector: &str,
) -> Result<()> {
    let gone = channel(store.conn(), launch_id, selector)?;
    store.write(change, |tx| {
        tx.execute("DELETE FROM update_channels WHERE id = ?1", [&gone.id])?;
        tx.audit(
            Some(launch_id),
            "update.channel.remove",
            &format!("update-channel:{}", gone.id),
            serde_json::json!({ "channel": gone }),
        )
    })?;
    secrets::delete(&secret_id(&gone.id))?;
    Ok(())
}

/// The channel's URL, from the keychain.
pub fn channel_url(channel: &Channel) -> Result<String> {
    secrets::get(&secret_id(&channel.id)).map_err(|e| match e {
        secrets::SecretError::Missing(_) => Error::NotFound(format!(
            "the keychain has no URL for the channel {:?}; remove the channel and add it again",
            channel.name
        )),
        other => other.into(),
    })
}

fn check_body(body: &str) -> Result<&str> {
    let body = body.trim();
    if body.is_empty() {
        return Err(Error::InvalidInput(
            "the update is empty; draft one or write what stakeholders need to know".into(),
        ));
    }
    if body.len() > 30_000 {
        return Err(Error::InvalidInput(
            "the update is longer than 30,000 characters, more than chat webhooks take; shorten it"
                .into(),
        ));
    }
    Ok(body)
}

/// Keeps an update that went out (to `channel`, or copied with `None`).
pub fn record(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    channel: Option<&Channel>,
    body: &str,
) -> Result<Update> {
    let body = check_body(body)?;
    let id = new_id();
    let sent_to = channel.map_or("clipboard", |c| c.name.as_str());
    store.write(change, |tx| {
        let number = crate::numbering::next(tx, "stakeholder_updates", launch_id)?;
        tx.execute(
            "INSERT INTO stakeholder_updates (id, launch_id, number, body, channel_id, sent_to, sent_at, sent_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                id,
                launch_id,
                number,
                body,
                channel.map(|c| &c.id),
                sent_to,
                format_timestamp(change.at),
                change.actor.display()
            ],
        )?;
        tx.audit(
            Some(launch_id),
            "update.send",
            &format!("update:{id}"),
            serde_json::json!({ "number": number, "sent_to": sent_to, "body": body }),
        )
    })?;
    list(store.conn(), launch_id)?
        .into_iter()
        .find(|u| u.id == id)
        .ok_or_else(|| Error::Internal("the update just recorded is missing".into()))
}

/// Posts `body` to the channel's webhook (its URL read from the keychain).
/// The caller then [`record`]s it; nothing is kept when this fails. The URL
/// never appears in the error.
pub async fn deliver(channel: &Channel, body: &str) -> Result<()> {
    let body = check_body(body)?.to_string();
    let url = {
        let target = channel.clone();
        tokio::task::spawn_blocking(move || channel_url(&target))
            .await
            .map_err(|e| Error::Internal(format!("reading the keychain failed: {e}")))??
    };
    webhook::post(channel.kind, &url, &body)
        .await
        .map_err(|why| {
            Error::InvalidInput(format!(
                "the update was not sent to {}: {why}; nothing was recorded",
                channel.name
            ))
        })
}

/// Every update sent, newest first.
pub fn list(conn: &Connection, launch_id: &str) -> Result<Vec<Update>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, number, body, sent_to, sent_at, sent_by FROM stakeholder_updates
         WHERE launch_id = ?1 ORDER BY number DESC",
    )?;
    Ok(stmt
        .query_map([launch_id], |row| {
            Ok(Update {
                id: row.get(0)?,
                number: row.get(1)?,
                body: row.get(2)?,
                sent_to: row.get(3)?,
                sent_at: row.get(4)?,
                sent_by: row.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}
