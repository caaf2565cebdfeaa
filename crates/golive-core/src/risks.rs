//! The risk register (strategy section 7): technical and operational risks
//! with likelihood and impact (1–5) whose product is the score, proactive
//! and reactive mitigation, an owner, a status, and links to the checklist
//! items, alerts and incidents they concern. The standard plan seeds the
//! risks the strategy names.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::actor::Change;
use crate::plan::{RiskDef, Template};
use crate::store::{Store, WriteTx, new_id};
use crate::{Error, Result, contacts, format_timestamp};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Technical,
    Operational,
}

impl Category {
    pub fn key(self) -> &'static str {
        match self {
            Category::Technical => "technical",
            Category::Operational => "operational",
        }
    }

    pub fn parse(text: &str) -> Result<Category> {
        match text.trim().to_ascii_lowercase().as_str() {
            "technical" | "tech" => Ok(Category::Technical),
            "operational" | "ops" => Ok(Category::Operational),
            other => Err(Error::InvalidInput(format!(
                "{other:?} is not a risk category; use technical or operational"
            ))),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RiskStatus {
    Open,
    Mitigating,
    Accepted,
    Closed,
}

impl RiskStatus {
    pub fn key(self) -> &'static str {
        match self {
            RiskStatus::Open => "open",
            RiskStatus::Mitigating => "mitigating",
            RiskStatus::Accepted => "accepted",
            RiskStatus::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Result<RiskStatus> {
        match text.trim().to_ascii_lowercase().as_str() {
            "open" => Ok(RiskStatus::Open),
            "mitigating" => Ok(RiskStatus::Mitigating),
            "accepted" => Ok(RiskStatus::Accepted),
            "closed" => Ok(RiskStatus::Closed),
            other => Err(Error::InvalidInput(format!(
                "{other:?} is not a risk status; use open, mitigating, accepted or closed"
            ))),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    Item,
    Alert,
    Incident,
}

impl LinkKind {
    pub fn key(self) -> &'static str {
        match self {
            LinkKind::Item => "item",
            LinkKind::Alert => "alert",
            LinkKind::Incident => "incident",
        }
    }

    pub fn parse(text: &str) -> Result<LinkKind> {
        match text.trim().to_ascii_lowercase().as_str() {
            "item" => Ok(LinkKind::Item),
            "alert" => Ok(LinkKind::Alert),
            "incident" => Ok(LinkKind::Incident),
            other => Err(Error::InvalidInput(format!(
                "{other:?} is not something a risk links to; use item, alert or incident"
            ))),
        }
    }
}

/// What a risk is linked to, with a label to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RiskLink {
    pub kind: LinkKind,
    /// An item key, an alert id or an incident id (or "INC-3" when entered).
    pub target: String,
    /// e.g. "PRE-05 Backup systems verified"; empty when entered.
    #[serde(default)]
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Risk {
    pub id: String,
    pub number: u32,
    /// "RSK-4".
    pub key: String,
    pub title: String,
    pub category: Category,
    pub likelihood: u8,
    pub impact: u8,
    /// likelihood × impact, 1–25.
    pub score: u8,
    /// low (1–4), medium (5–9), high (10–16), critical (17–25).
    pub level: String,
    pub proactive: String,
    pub reactive: String,
    pub owner_id: Option<String>,
    pub owner: Option<String>,
    pub status: RiskStatus,
    pub links: Vec<RiskLink>,
}

/// A risk as entered; also the full new state when editing.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RiskInput {
    pub title: String,
    pub category: Category,
    pub likelihood: u8,
    pub impact: u8,
    #[serde(default)]
    pub proactive: String,
    #[serde(default)]
    pub reactive: String,
    /// A contact's name or id.
    #[serde(default)]
    pub owner: Option<String>,
    pub status: RiskStatus,
    #[serde(default)]
    pub links: Vec<RiskLink>,
}

pub fn level_of(score: u8) -> &'static str {
    match score {
        0..=4 => "low",
        5..=9 => "medium",
        10..=16 => "high",
        _ => "critical",
    }
}

const COLUMNS: &str = "r.id, r.number, r.title, r.category, r.likelihood, r.impact, r.proactive,
    r.reactive, r.owner_contact_id, c.name, r.status";
const FROM: &str = "FROM risks r LEFT JOIN contacts c ON c.id = r.owner_contact_id";

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Risk> {
    let number: u32 = row.get(1)?;
    let likelihood: u8 = row.get(4)?;
    let impact: u8 = row.get(5)?;
    let score = likelihood * impact;
    Ok(Risk {
        id: row.get(0)?,
        number,
        key: format!("RSK-{number}"),
        title: row.get(2)?,
        category: Category::parse(&row.get::<_, String>(3)?).unwrap_or(Category::Technical),
        likelihood,
        impact,
        score,
        level: level_of(score).into(),
        proactive: row.get(6)?,
        reactive: row.get(7)?,
        owner_id: row.get(8)?,
        owner: row.get(9)?,
        status: RiskStatus::parse(&row.get::<_, String>(10)?).unwrap_or(RiskStatus::Open),
        links: Vec::new(),
    })
}

/// The risk's links with labels: item key and title, the alert's title, the incident's key and title.
fn links(conn: &Connection, risk_id: &str) -> Result<Vec<RiskLink>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.kind, l.target,
            CASE l.kind
              WHEN 'item' THEN (SELECT i.key || ' ' || i.title FROM items i JOIN sections s ON s.id = i.section_id
                                JOIN risks r ON r.id = l.risk_id WHERE s.launch_id = r.launch_id AND i.key = l.target)
              WHEN 'alert' THEN (SELECT a.title || ' (' || a.raised_at || ')' FROM alerts a WHERE a.id = l.target)
              WHEN 'incident' THEN (SELECT 'INC-' || n.number || ' ' || n.title FROM incidents n WHERE n.id = l.target)
            END
         FROM risk_links l WHERE l.risk_id = ?1
         ORDER BY CASE l.kind WHEN 'item' THEN 0 WHEN 'alert' THEN 1 ELSE 2 END, l.target",
    )?;
    Ok(stmt
        .query_map([risk_id], |row| {
            let kind: String = row.get(0)?;
            let target: String = row.get(1)?;
            let label: Option<String> = row.get(2)?;
            Ok(RiskLink {
                kind: LinkKind::parse(&kind).unwrap_or(LinkKind::Item),
                label: label.unwrap_or_else(|| format!("{target} (gone)")),
                target,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// The register, highest score first.
pub fn list(conn: &Connection, launch_id: &str) -> Result<Vec<Risk>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} {FROM} WHERE r.launch_id = ?1
         ORDER BY r.status = 'closed', r.likelihood * r.impact DESC, r.number"
    ))?;
    let mut risks: Vec<Risk> = stmt
        .query_map([launch_id], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    for risk in &mut risks {
        risk.links = links(conn, &risk.id)?;
    }
    Ok(risks)
}

/// Finds a risk by id, "RSK-4" or "4".
pub fn get(conn: &Connection, launch_id: &str, selector: &str) -> Result<Risk> {
    let selector = selector.trim();
    let number = crate::numbering::parse(selector, "RSK-");
    let mut risk = conn
        .query_row(
            &format!(
                "SELECT {COLUMNS} {FROM} WHERE r.launch_id = ?1 AND (r.id = ?2 OR r.number = ?3)"
            ),
            params![launch_id, selector, number],
            from_row,
        )
        .optional()?
        .ok_or_else(|| {
            Error::NotFound(format!(
                "this launch has no risk {selector:?}; list them with `golive risk list`"
            ))
        })?;
    risk.links = links(conn, &risk.id)?;
    Ok(risk)
}

/// A risk as checked, ready to be written.
struct Checked {
    title: String,
    category: Category,
    likelihood: u8,
    impact: u8,
    proactive: String,
    reactive: String,
    owner: Option<String>,
    status: RiskStatus,
    links: Vec<(LinkKind, String)>,
}

/// Resolves a link's target to what is stored: an item key, an alert id,
/// an incident id.
fn resolve(conn: &Connection, launch_id: &str, link: &RiskLink) -> Result<String> {
    let target = link.target.trim();
    let found: Option<String> = match link.kind {
        LinkKind::Item => conn
            .query_row(
                "SELECT i.key FROM items i JOIN sections s ON s.id = i.section_id
                 WHERE s.launch_id = ?1 AND i.key = ?2 COLLATE NOCASE",
                params![launch_id, target],
                |row| row.get(0),
            )
            .optional()?,
        LinkKind::Alert => conn
            .query_row(
                "SELECT a.id FROM alerts a JOIN monitors m ON m.id = a.monitor_id
                 JOIN environments e ON e.id = m.environment_id WHERE e.launch_id = ?1 AND a.id = ?2",
                params![launch_id, target],
                |row| row.get(0),
            )
            .optional()?,
        LinkKind::Incident => crate::incidents::get(conn, launch_id, target)
            .ok()
            .map(|i| i.id),
    };
    found.ok_or_else(|| {
        Error::InvalidInput(format!(
            "this launch has no {} {target:?} to link the risk to",
            link.kind.key()
        ))
    })
}

fn check(conn: &Connection, launch_id: &str, input: &RiskInput) -> Result<Checked> {
    let title = input.title.trim().to_string();
    if title.is_empty() {
        return Err(Error::InvalidInput(
            "the risk needs a title, e.g. \"Payment provider rate limits at peak\"".into(),
        ));
    }
    if title.chars().count() > 200 {
        return Err(Error::InvalidInput(
            "the title is longer than 200 characters".into(),
        ));
    }
    for (what, value) in [("likelihood", input.likelihood), ("impact", input.impact)] {
        if !(1..=5).contains(&value) {
            return Err(Error::InvalidInput(format!(
                "{what} is 1 (lowest) to 5 (highest), not {value}"
            )));
        }
    }
    let owner = match input.owner.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => Some(contacts::get(conn, launch_id, name)?.id),
        _ => None,
    };
    let mut resolved = Vec::new();
    for link in &input.links {
        let target = resolve(conn, launch_id, link)?;
        if !resolved.contains(&(link.kind, target.clone())) {
            resolved.push((link.kind, target));
        }
    }
    Ok(Checked {
        title,
        category: input.category,
        likelihood: input.likelihood,
        impact: input.impact,
        proactive: input.proactive.trim().to_string(),
        reactive: input.reactive.trim().to_string(),
        owner,
        status: input.status,
        links: resolved,
    })
}

fn write_links(tx: &WriteTx<'_>, risk_id: &str, links: &[(LinkKind, String)]) -> Result<()> {
    tx.execute("DELETE FROM risk_links WHERE risk_id = ?1", [risk_id])?;
    for (kind, target) in links {
        tx.execute(
            "INSERT INTO risk_links (risk_id, kind, target) VALUES (?1, ?2, ?3)",
            params![risk_id, kind.key(), target],
        )?;
    }
    Ok(())
}

fn details(r: &Checked) -> serde_json::Value {
    serde_json::json!({
        "title": r.title, "category": r.category.key(), "likelihood": r.likelihood,
        "impact": r.impact, "score": r.likelihood * r.impact, "proactive": r.proactive,
        "reactive": r.reactive, "owner": r.owner, "status": r.status.key(),
        "links": r.links.iter().map(|(k, t)| format!("{}:{t}", k.key())).collect::<Vec<_>>(),
    })
}

/// Writes a new risk; the caller audits it (a launch's seeded risks are part
/// of its creation event).
fn insert(tx: &WriteTx<'_>, launch_id: &str, r: &Checked) -> Result<(String, u32)> {
    let id = new_id();
    let number = crate::numbering::next(tx, "risks", launch_id)?;
    tx.execute(
        "INSERT INTO risks (id, launch_id, number, title, category, likelihood, impact, proactive,
            reactive, owner_contact_id, status, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            id,
            launch_id,
            number,
            r.title,
            r.category.key(),
            r.likelihood,
            r.impact,
            r.proactive,
            r.reactive,
            r.owner,
            r.status.key(),
            format_timestamp(tx.change().at)
        ],
    )?;
    write_links(tx, &id, &r.links)?;
    Ok((id, number))
}

pub fn add(store: &mut Store, change: &Change, launch_id: &str, input: &RiskInput) -> Result<Risk> {
    let checked = check(store.conn(), launch_id, input)?;
    let id = store.write(change, |tx| {
        let (id, number) = insert(tx, launch_id, &checked)?;
        let mut audit = details(&checked);
        audit["number"] = number.into();
        tx.audit(Some(launch_id), "risk.add", &format!("risk:{id}"), audit)?;
        Ok(id)
    })?;
    get(store.conn(), launch_id, &id)
}

pub fn edit(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    selector: &str,
    input: &RiskInput,
) -> Result<Risk> {
    let old = get(store.conn(), launch_id, selector)?;
    let r = check(store.conn(), launch_id, input)?;
    store.write(change, |tx| {
        tx.execute(
            "UPDATE risks SET title = ?1, category = ?2, likelihood = ?3, impact = ?4, proactive = ?5,
                reactive = ?6, owner_contact_id = ?7, status = ?8 WHERE id = ?9",
            params![
                r.title,
                r.category.key(),
                r.likelihood,
                r.impact,
                r.proactive,
                r.reactive,
                r.owner,
                r.status.key(),
                old.id
            ],
        )?;
        write_links(tx, &old.id, &r.links)?;
        let mut audit = details(&r);
        audit["number"] = old.number.into();
        audit["from"] = serde_json::json!({
            "likelihood": old.likelihood, "impact": old.impact, "status": old.status.key(),
            "owner": old.owner_id,
        });
        tx.audit(Some(launch_id), "risk.edit", &format!("risk:{}", old.id), audit)
    })?;
    get(store.conn(), launch_id, &old.id)
}

pub fn remove(store: &mut Store, change: &Change, launch_id: &str, selector: &str) -> Result<()> {
    let old = get(store.conn(), launch_id, selector)?;
    store.write(change, |tx| {
        tx.execute("DELETE FROM risks WHERE id = ?1", [&old.id])?;
        tx.audit(
            Some(launch_id),
            "risk.remove",
            &format!("risk:{}", old.id),
            serde_json::json!({ "risk": old }),
        )
    })
}

/// The plan's risks for a new launch, open and without an owner yet.
pub(crate) fn seed(tx: &WriteTx<'_>, launch_id: &str, template: &Template) -> Result<()> {
    for def in &template.risks {
        let checked = Checked {
            title: def.title.trim().to_string(),
            category: Category::parse(&def.category)?,
            likelihood: def.likelihood,
            impact: def.impact,
            proactive: def.proactive.trim().to_string(),
            reactive: def.reactive.trim().to_string(),
            owner: None,
            status: RiskStatus::Open,
            links: Vec::new(),
        };
        insert(tx, launch_id, &checked)?;
    }
    Ok(())
}

/// The launch's risks as a template writes them (owners, status and links
/// belong to this launch and stay behind).
pub fn as_template(conn: &Connection, launch_id: &str) -> Result<Vec<RiskDef>> {
    Ok(list(conn, launch_id)?
        .into_iter()
        .map(|r| RiskDef {
            title: r.title,
            category: r.category.key().into(),
            likelihood: r.likelihood,
            impact: r.impact,
            proactive: r.proactive,
            reactive: r.reactive,
        })
        .collect())
}
