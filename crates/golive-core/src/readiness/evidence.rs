//! Evidence on an item: links (opened in the system browser, so only
//! http, https and mailto) and a comment thread; and the item's detail
//! with its history from the audit trail.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::{Item, item, required_text, unknown_item};
use crate::actor::Change;
use crate::audit::{self, Event, Query};
use crate::launch::{self, Launch};
use crate::store::{Store, WriteTx, new_id};
use crate::{Error, Result, format_timestamp};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Comment {
    pub id: String,
    pub body: String,
    pub author: String,
    pub at: String,
}

/// One item with its comment thread and history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ItemDetail {
    pub item: Item,
    pub comments: Vec<Comment>,
    /// Every audited change of the item, oldest first.
    pub history: Vec<Event>,
}

pub fn item_detail(
    conn: &Connection,
    launch_id: &str,
    key: &str,
    now: Timestamp,
) -> Result<ItemDetail> {
    let item = item(conn, launch_id, key, now)?;
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.body, c.author, c.at FROM item_comments c
         JOIN items i ON i.id = c.item_id
         WHERE i.launch_id = ?1 AND i.key = ?2 ORDER BY c.at, c.id",
    )?;
    let comments = stmt
        .query_map(params![launch_id, item.key], |row| {
            Ok(Comment {
                id: row.get(0)?,
                body: row.get(1)?,
                author: row.get(2)?,
                at: row.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let history = audit::events(
        conn,
        &Query {
            launch_id: Some(launch_id.to_string()),
            subject: Some(format!("item:{}", item.key)),
            ..Query::default()
        },
    )?;
    Ok(ItemDetail {
        item,
        comments,
        history,
    })
}

fn item_id(tx: &WriteTx<'_>, launch: &Launch, key: &str) -> Result<(String, String)> {
    tx.query_row(
        "SELECT id, key FROM items WHERE launch_id = ?1 AND key = ?2 COLLATE NOCASE",
        params![launch.id, key.trim()],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
    .optional()?
    .ok_or_else(|| unknown_item(&launch.name, key))
}

/// Checks that a link can be opened safely in the system browser.
pub fn check_url(text: &str) -> Result<String> {
    let text = text.trim();
    let refuse = |why: &str| {
        Error::InvalidInput(format!(
            "{text:?} cannot be an evidence link: {why}. Use an http://, https:// or mailto: address."
        ))
    };
    if text.len() > 2000 {
        return Err(refuse("it is longer than 2000 characters"));
    }
    let url = url::Url::parse(text).map_err(|e| refuse(&e.to_string()))?;
    match url.scheme() {
        "http" | "https" if url.host_str().is_some_and(|h| !h.is_empty()) => {}
        "http" | "https" => return Err(refuse("it has no host")),
        "mailto" if !url.path().is_empty() => {}
        "mailto" => return Err(refuse("it has no address")),
        other => return Err(refuse(&format!("the scheme {other:?} is not allowed"))),
    }
    Ok(url.to_string())
}

/// Adds an evidence link to an item.
pub fn add_link(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    key: &str,
    url: &str,
    label: Option<&str>,
) -> Result<()> {
    let url = check_url(url)?;
    let label = super::clean_text(label, "label")?.unwrap_or_default();
    if label.chars().count() > 200 {
        return Err(Error::InvalidInput(
            "the link label is longer than 200 characters".into(),
        ));
    }
    let launch = launch::get(store.conn(), launch_id)?;
    store.write(change, |tx| {
        let (id, key) = item_id(tx, &launch, key)?;
        let inserted = tx.execute(
            "INSERT INTO item_links (id, item_id, url, label, added_by, added_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (item_id, url) DO NOTHING",
            params![
                new_id(),
                id,
                url,
                label,
                change.actor.display(),
                format_timestamp(change.at)
            ],
        )?;
        if inserted == 0 {
            return Err(Error::Conflict(format!("{key} already has the link {url}")));
        }
        tx.audit(
            Some(&launch.id),
            "item.link",
            &format!("item:{key}"),
            serde_json::json!({ "key": key, "url": url, "label": label }),
        )
    })
}

pub fn remove_link(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    key: &str,
    url: &str,
) -> Result<()> {
    let launch = launch::get(store.conn(), launch_id)?;
    store.write(change, |tx| {
        let (id, key) = item_id(tx, &launch, key)?;
        let wanted = url.trim();
        let normalized = check_url(wanted).unwrap_or_else(|_| wanted.to_string());
        let removed: Option<(String, String)> = tx
            .query_row(
                "DELETE FROM item_links WHERE item_id = ?1 AND url IN (?2, ?3) RETURNING url, label",
                params![id, wanted, normalized],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let Some((url, label)) = removed else {
            return Err(Error::NotFound(format!(
                "{key} has no link {wanted:?}; see its links with `golive item show {key}`"
            )));
        };
        tx.audit(
            Some(&launch.id),
            "item.unlink",
            &format!("item:{key}"),
            serde_json::json!({ "key": key, "url": url, "label": label }),
        )
    })
}

/// Adds a comment to an item's thread. Comments are never edited.
pub fn comment(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    key: &str,
    body: &str,
) -> Result<Comment> {
    let body = required_text(body, "comment", "\"vendor confirmed the fix for Monday\"")?;
    let launch = launch::get(store.conn(), launch_id)?;
    store.write(change, |tx| {
        let (id, key) = item_id(tx, &launch, key)?;
        let comment = Comment {
            id: new_id(),
            body,
            author: change.actor.display(),
            at: format_timestamp(change.at),
        };
        tx.execute(
            "INSERT INTO item_comments (id, item_id, body, author, at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![comment.id, id, comment.body, comment.author, comment.at],
        )?;
        tx.audit(
            Some(&launch.id),
            "item.comment",
            &format!("item:{key}"),
            serde_json::json!({ "key": key, "comment": comment.body }),
        )?;
        Ok(comment)
    })
}
