//! Readiness: the checklist of a launch as people read it (owners, status,
//! evidence, rules, due dates), filtered, and summarised per phase for the
//! dashboard and `golive status`. Changes live in the submodules.

mod edit;
mod evidence;
mod filter;
mod markdown;
mod status;
mod timeline;

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use crate::calendar::GoLive;
use crate::launch::{self, Launch};
use crate::rules::{Evaluation, Facts, ItemFact, PlanShape, Rule, RuleState};
use crate::signoff::{self, Decision};
use crate::{Error, Result, format_timestamp};

pub use edit::{
    ItemEdit, NewItem, NewSection, Placement, add_item, add_section, edit_item, edit_section,
    move_item, move_section, remove_item, remove_section,
};
pub use evidence::{Comment, ItemDetail, add_link, comment, item_detail, remove_link};
pub use filter::{Due, Filter, Me};
pub use markdown::markdown;
pub use status::{block, mark_na, reopen, tick};
pub use timeline::{Timeline, TimelineDay, timeline};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Status {
    Open,
    Done,
    /// Waiting on something; the reason is the status note.
    Blocked,
    /// Not applicable; the reason is the status note.
    Na,
}

impl Status {
    pub(crate) fn parse(text: &str) -> Status {
        match text {
            "done" => Status::Done,
            "blocked" => Status::Blocked,
            "na" => Status::Na,
            _ => Status::Open,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Done => "done",
            Status::Blocked => "blocked",
            Status::Na => "na",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Done => "done",
            Status::Blocked => "blocked",
            Status::Na => "not applicable",
        }
    }

    /// Whether the item still needs work.
    pub fn is_outstanding(self) -> bool {
        matches!(self, Status::Open | Status::Blocked)
    }
}

/// The contact an item is assigned to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Assignee {
    pub id: String,
    pub name: String,
}

/// An evidence link of an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Link {
    pub url: String,
    pub label: String,
    pub added_by: String,
    pub added_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Item {
    pub key: String,
    pub title: String,
    pub description: String,
    pub phase_key: String,
    pub section_key: String,
    pub section_title: String,
    /// The role that owns the item.
    pub owner_role: String,
    /// That role's name.
    pub owner_name: String,
    /// The person it is assigned to, if any.
    pub assignee: Option<Assignee>,
    pub due_day: i32,
    /// `YYYY-MM-DD` in the launch's time zone.
    pub due_date: String,
    pub gate: bool,
    pub status: Status,
    /// The tick's note, the reason it is blocked or not applicable, or the
    /// reason it was reopened.
    pub status_note: Option<String>,
    pub status_by: Option<String>,
    pub status_at: Option<String>,
    pub links: Vec<Link>,
    pub comments: u32,
    /// The auto-check rule, if the app checks this item.
    pub rule: Option<RuleState>,
    pub overdue: bool,
    pub due_today: bool,
}

impl Item {
    /// Who the item is for, in words: the assignee, else the role.
    pub fn owner_display(&self) -> String {
        match &self.assignee {
            Some(a) => format!("{} ({})", a.name, self.owner_name),
            None => self.owner_name.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Section {
    pub key: String,
    pub title: String,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Progress {
    pub total: u32,
    pub done: u32,
    /// Not applicable items count as settled, not as done.
    pub settled: u32,
    pub blocked: u32,
    pub overdue: u32,
    pub percent: u32,
}

impl Progress {
    fn of<'a>(items: impl Iterator<Item = &'a Item>) -> Progress {
        let (mut total, mut done, mut settled, mut blocked, mut overdue) = (0, 0, 0, 0, 0);
        for item in items {
            total += 1;
            done += u32::from(item.status == Status::Done);
            settled += u32::from(!item.status.is_outstanding());
            blocked += u32::from(item.status == Status::Blocked);
            overdue += u32::from(item.overdue);
        }
        let percent = (settled * 100).checked_div(total).unwrap_or(100);
        Progress {
            total,
            done,
            settled,
            blocked,
            overdue,
            percent,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Phase {
    pub key: String,
    pub name: String,
    pub description: String,
    pub first_day: i32,
    pub last_day: i32,
    pub first_date: String,
    pub last_date: String,
    /// Over all the phase's items, whatever the filter.
    pub progress: Progress,
    pub sections: Vec<Section>,
}

/// A phase and its sections, without items: the plan's shape, whatever the
/// filter (for pickers such as "move to section").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OutlinePhase {
    pub key: String,
    pub name: String,
    pub first_day: i32,
    pub last_day: i32,
    pub sections: Vec<OutlineSection>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OutlineSection {
    pub key: String,
    pub title: String,
}

/// The checklist of a launch, as of `now`; only the items a filter let
/// through, when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Checklist {
    pub launch: Launch,
    pub today: String,
    pub day_number: i32,
    pub phases: Vec<Phase>,
    /// Items in the launch.
    pub total: u32,
    /// Items shown (equal to `total` without a filter).
    pub shown: u32,
    /// Every phase and section, also those a filter emptied.
    pub outline: Vec<OutlinePhase>,
}

impl Checklist {
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.phases
            .iter()
            .flat_map(|p| &p.sections)
            .flat_map(|s| &s.items)
    }
}

/// What the dashboard and `golive status` show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Summary {
    pub launch: Launch,
    pub now: String,
    pub today: String,
    pub day_number: i32,
    /// The go-live instant, RFC 3339 UTC.
    pub go_live_at: String,
    /// Seconds from `now` to go-live; negative once it has passed.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub seconds_to_go_live: i64,
    pub phases: Vec<PhaseProgress>,
    pub overall: Progress,
    /// Items the go decision needs.
    pub gate: Progress,
    pub overdue: Vec<Item>,
    pub due_today: Vec<Item>,
    pub blocked: Vec<Item>,
    /// The go/no-go decision.
    pub decision: Decision,
    /// When the next stakeholder update is due.
    pub stakeholder_update: crate::updates::UpdateDue,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PhaseProgress {
    pub key: String,
    pub name: String,
    pub first_day: i32,
    pub last_day: i32,
    pub progress: Progress,
}

struct Row {
    phase_key: String,
    phase_name: String,
    phase_description: String,
    first_day: i32,
    last_day: i32,
    section_key: String,
    section_title: String,
    item: Option<RawItem>,
}

struct RawItem {
    id: String,
    key: String,
    title: String,
    description: String,
    owner_role: String,
    owner_name: String,
    assignee: Option<Assignee>,
    due_day: i32,
    gate: bool,
    status: String,
    status_note: Option<String>,
    status_by: Option<String>,
    status_at: Option<String>,
    rule: Option<String>,
    rule_evidence: Option<String>,
}

/// Loads the whole checklist of `launch_id`, with due and overdue states and
/// rule verdicts as of `now`.
pub fn checklist(conn: &Connection, launch_id: &str, now: Timestamp) -> Result<Checklist> {
    load(conn, launch_id, now, None)
}

/// The checklist, or with `only` the one item of that key (and its phase
/// and section): what a change returns, without loading 1,000 items.
fn load(
    conn: &Connection,
    launch_id: &str,
    now: Timestamp,
    only: Option<&str>,
) -> Result<Checklist> {
    let launch = launch::get(conn, launch_id)?;
    let go_live = launch.go_live()?;
    let today = go_live.today(now);
    let mut links = links_by_item(conn, launch_id, only)?;
    let comments = comment_counts(conn, launch_id, only)?;
    let mut stmt = conn.prepare_cached(
        "SELECT p.key, p.name, p.description, p.first_day, p.last_day, s.key, s.title,
                i.id, i.key, i.title, i.description, i.owner_role, r.name, i.due_day, i.gate,
                i.status, i.status_note, i.status_by, i.status_at,
                i.owner_contact_id, c.name, i.rule, i.rule_evidence
         FROM phases p
         JOIN sections s ON s.phase_id = p.id
         LEFT JOIN items i ON i.section_id = s.id
         LEFT JOIN roles r ON r.launch_id = i.launch_id AND r.key = i.owner_role
         LEFT JOIN contacts c ON c.id = i.owner_contact_id
         WHERE p.launch_id = ?1 AND (?2 IS NULL OR i.key = ?2 COLLATE NOCASE)
         ORDER BY p.position, s.position, i.position",
    )?;
    let rows = stmt.query_map(params![launch_id, only], |row| {
        let item = match row.get::<_, Option<String>>(7)? {
            None => None,
            Some(id) => Some(RawItem {
                id,
                key: row.get(8)?,
                title: row.get(9)?,
                description: row.get(10)?,
                owner_role: row.get(11)?,
                owner_name: row.get::<_, Option<String>>(12)?.unwrap_or_default(),
                due_day: row.get(13)?,
                gate: row.get(14)?,
                status: row.get(15)?,
                status_note: row.get(16)?,
                status_by: row.get(17)?,
                status_at: row.get(18)?,
                assignee: match (row.get::<_, Option<String>>(19)?, row.get(20)?) {
                    (Some(id), Some(name)) => Some(Assignee { id, name }),
                    _ => None,
                },
                rule: row.get(21)?,
                rule_evidence: row.get(22)?,
            }),
        };
        Ok(Row {
            phase_key: row.get(0)?,
            phase_name: row.get(1)?,
            phase_description: row.get(2)?,
            first_day: row.get(3)?,
            last_day: row.get(4)?,
            section_key: row.get(5)?,
            section_title: row.get(6)?,
            item,
        })
    })?;

    let mut phases: Vec<Phase> = Vec::new();
    // Rules are evaluated once every item is loaded: a rule may look at any item.
    let mut pending_rules: Vec<(usize, usize, usize, String, Option<String>)> = Vec::new();
    for row in rows {
        let row = row?;
        if phases.last().is_none_or(|p| p.key != row.phase_key) {
            phases.push(Phase {
                key: row.phase_key.clone(),
                name: row.phase_name.clone(),
                description: row.phase_description.clone(),
                first_day: row.first_day,
                last_day: row.last_day,
                first_date: go_live.date_of_day(row.first_day).to_string(),
                last_date: go_live.date_of_day(row.last_day).to_string(),
                progress: Progress::of(std::iter::empty()),
                sections: Vec::new(),
            });
        }
        let p = phases.len() - 1;
        let phase = &mut phases[p];
        if phase
            .sections
            .last()
            .is_none_or(|s| s.key != row.section_key)
        {
            phase.sections.push(Section {
                key: row.section_key.clone(),
                title: row.section_title.clone(),
                items: Vec::new(),
            });
        }
        let s = phase.sections.len() - 1;
        let section = &mut phase.sections[s];
        if let Some(mut raw) = row.item {
            if let Some(rule) = raw.rule.take() {
                pending_rules.push((p, s, section.items.len(), rule, raw.rule_evidence.take()));
            }
            let item_links = links.remove(&raw.id).unwrap_or_default();
            let item_comments = comments.get(&raw.id).copied().unwrap_or(0);
            section.items.push(item_from(
                raw,
                &row.phase_key,
                &row.section_key,
                &row.section_title,
                &go_live,
                today,
                item_links,
                item_comments,
            ));
        }
    }
    if !pending_rules.is_empty() {
        let shape = plan_shape_of(&phases);
        let facts: Vec<ItemFact> = phases
            .iter()
            .flat_map(|p| &p.sections)
            .flat_map(|s| &s.items)
            .map(|i| ItemFact {
                key: i.key.clone(),
                title: i.title.clone(),
                section_key: i.section_key.clone(),
                status: i.status,
            })
            .collect();
        // With one item loaded, a rule reads what it needs from the store.
        let facts = only.is_none().then_some(facts.as_slice());
        let shape = match only {
            None => shape,
            Some(_) => plan_shape(conn, launch_id)?,
        };
        for (p, s, i, rule, evidence) in pending_rules {
            let item_key = phases[p].sections[s].items[i].key.clone();
            let state = rule_state(conn, launch_id, &item_key, facts, &shape, rule, evidence)?;
            phases[p].sections[s].items[i].rule = Some(state);
        }
    }
    for phase in &mut phases {
        phase.progress = Progress::of(phase.sections.iter().flat_map(|s| &s.items));
    }
    let total = phases
        .iter()
        .flat_map(|p| &p.sections)
        .map(|s| s.items.len() as u32)
        .sum();
    let outline = phases
        .iter()
        .map(|p| OutlinePhase {
            key: p.key.clone(),
            name: p.name.clone(),
            first_day: p.first_day,
            last_day: p.last_day,
            sections: p
                .sections
                .iter()
                .map(|s| OutlineSection {
                    key: s.key.clone(),
                    title: s.title.clone(),
                })
                .collect(),
        })
        .collect();
    Ok(Checklist {
        today: today.to_string(),
        day_number: go_live.day_number(now),
        launch,
        phases,
        total,
        shown: total,
        outline,
    })
}

/// The checklist with only the items `filter` lets through; phase progress
/// still counts every item.
pub fn filtered(
    conn: &Connection,
    launch_id: &str,
    now: Timestamp,
    filter: &Filter,
    me: &Me,
) -> Result<Checklist> {
    let mut checklist = checklist(conn, launch_id, now)?;
    filter.apply(&mut checklist, me)?;
    Ok(checklist)
}

fn plan_shape_of(phases: &[Phase]) -> PlanShape {
    PlanShape {
        sections: phases
            .iter()
            .flat_map(|p| &p.sections)
            .map(|s| (s.key.clone(), s.title.clone()))
            .collect(),
    }
}

/// The shape of a launch's plan as rules are checked against it.
pub(crate) fn plan_shape(conn: &Connection, launch_id: &str) -> Result<PlanShape> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.key, s.title FROM sections s JOIN phases p ON p.id = s.phase_id
         WHERE s.launch_id = ?1 ORDER BY p.position, s.position",
    )?;
    let sections = stmt
        .query_map([launch_id], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(PlanShape { sections })
}

fn rule_state(
    conn: &Connection,
    launch_id: &str,
    item_key: &str,
    facts: Option<&[ItemFact]>,
    shape: &PlanShape,
    text: String,
    evidence: Option<String>,
) -> Result<RuleState> {
    let at_tick = evidence.and_then(|json| serde_json::from_str::<Evaluation>(&json).ok());
    let (description, now) = evaluate_rule(conn, launch_id, item_key, facts, shape, &text)?;
    Ok(RuleState {
        rule: text,
        description,
        now,
        at_tick,
    })
}

/// What an item's rule says now, and the rule in words. A rule that no
/// longer fits the plan (its section was removed) never holds, and says why.
pub(crate) fn evaluate_rule(
    conn: &Connection,
    launch_id: &str,
    item_key: &str,
    facts: Option<&[ItemFact]>,
    shape: &PlanShape,
    text: &str,
) -> Result<(String, Evaluation)> {
    Ok(match Rule::parse(text, shape) {
        Ok(rule) => (
            rule.describe(shape),
            rule.evaluate(&Facts::new(conn, launch_id, item_key, facts))?,
        ),
        Err(why) => (
            format!("rule {text:?}"),
            Evaluation {
                holds: false,
                summary: why,
                evidence: Vec::new(),
            },
        ),
    })
}

fn links_by_item(
    conn: &Connection,
    launch_id: &str,
    only: Option<&str>,
) -> Result<HashMap<String, Vec<Link>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.item_id, l.url, l.label, l.added_by, l.added_at
         FROM item_links l JOIN items i ON i.id = l.item_id
         WHERE i.launch_id = ?1 AND (?2 IS NULL OR i.key = ?2 COLLATE NOCASE)
         ORDER BY l.added_at, l.id",
    )?;
    let mut links: HashMap<String, Vec<Link>> = HashMap::new();
    let rows = stmt.query_map(params![launch_id, only], |row| {
        Ok((
            row.get::<_, String>(0)?,
            Link {
                url: row.get(1)?,
                label: row.get(2)?,
                added_by: row.get(3)?,
                added_at: row.get(4)?,
            },
        ))
    })?;
    for row in rows {
        let (item, link) = row?;
        links.entry(item).or_default().push(link);
    }
    Ok(links)
}

fn comment_counts(
    conn: &Connection,
    launch_id: &str,
    only: Option<&str>,
) -> Result<HashMap<String, u32>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.item_id, count(*) FROM item_comments c JOIN items i ON i.id = c.item_id
         WHERE i.launch_id = ?1 AND (?2 IS NULL OR i.key = ?2 COLLATE NOCASE)
         GROUP BY c.item_id",
    )?;
    let counts = stmt
        .query_map(params![launch_id, only], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(counts)
}

#[allow(clippy::too_many_arguments)]
fn item_from(
    raw: RawItem,
    phase_key: &str,
    section_key: &str,
    section_title: &str,
    go_live: &GoLive,
    today: Date,
    links: Vec<Link>,
    comments: u32,
) -> Item {
    let status = Status::parse(&raw.status);
    let due = go_live.date_of_day(raw.due_day);
    Item {
        overdue: status.is_outstanding() && due < today,
        due_today: status.is_outstanding() && due == today,
        due_date: due.to_string(),
        key: raw.key,
        title: raw.title,
        description: raw.description,
        phase_key: phase_key.to_string(),
        section_key: section_key.to_string(),
        section_title: section_title.to_string(),
        owner_name: if raw.owner_name.is_empty() {
            raw.owner_role.clone()
        } else {
            raw.owner_name
        },
        owner_role: raw.owner_role,
        assignee: raw.assignee,
        due_day: raw.due_day,
        gate: raw.gate,
        status,
        status_note: raw.status_note,
        status_by: raw.status_by,
        status_at: raw.status_at,
        links,
        comments,
        rule: None,
    }
}

/// The dashboard summary of `launch_id` as of `now`.
pub fn summary(conn: &Connection, launch_id: &str, now: Timestamp) -> Result<Summary> {
    let checklist = checklist(conn, launch_id, now)?;
    let decision = signoff::decision(conn, launch_id)?;
    let update = crate::updates::cadence::due(conn, launch_id, now)?;
    Ok(summary_of(checklist, decision, update, now))
}

fn summary_of(
    checklist: Checklist,
    decision: Decision,
    stakeholder_update: crate::updates::UpdateDue,
    now: Timestamp,
) -> Summary {
    let go_live_at = checklist
        .launch
        .go_live()
        .map(|g| g.instant())
        .unwrap_or(now);
    let overall = Progress::of(checklist.items());
    let gate = Progress::of(checklist.items().filter(|i| i.gate));
    let pick = |keep: fn(&Item) -> bool| checklist.items().filter(|i| keep(i)).cloned().collect();
    let overdue = pick(|i| i.overdue);
    let due_today = pick(|i| i.due_today);
    let blocked = pick(|i| i.status == Status::Blocked);
    let phases = checklist
        .phases
        .iter()
        .map(|p| PhaseProgress {
            key: p.key.clone(),
            name: p.name.clone(),
            first_day: p.first_day,
            last_day: p.last_day,
            progress: p.progress.clone(),
        })
        .collect();
    Summary {
        now: format_timestamp(now),
        today: checklist.today,
        day_number: checklist.day_number,
        go_live_at: format_timestamp(go_live_at),
        seconds_to_go_live: go_live_at.as_second() - now.as_second(),
        phases,
        overall,
        gate,
        overdue,
        due_today,
        blocked,
        decision,
        stakeholder_update,
        launch: checklist.launch,
    }
}

/// Looks up one item of a launch as of `now`.
pub fn item(conn: &Connection, launch_id: &str, key: &str, now: Timestamp) -> Result<Item> {
    let checklist = load(conn, launch_id, now, Some(key.trim()))?;
    checklist
        .items()
        .find(|i| i.key.eq_ignore_ascii_case(key))
        .cloned()
        .ok_or_else(|| unknown_item(&checklist.launch.name, key))
}

pub(crate) fn unknown_item(launch_name: &str, key: &str) -> Error {
    Error::NotFound(format!(
        "launch {launch_name:?} has no item {key:?}; list the keys with `golive items`"
    ))
}

const MAX_NOTE: usize = 2000;

/// Trims a free text; `None` when empty. Long texts are refused, not cut.
pub(crate) fn clean_text(text: Option<&str>, what: &str) -> Result<Option<String>> {
    let text = text.map(str::trim).filter(|t| !t.is_empty());
    if let Some(t) = text
        && t.chars().count() > MAX_NOTE
    {
        return Err(Error::InvalidInput(format!(
            "the {what} is {} characters long; keep it under {MAX_NOTE} and link to longer evidence",
            t.chars().count()
        )));
    }
    Ok(text.map(str::to_string))
}

/// Like [`clean_text`], but the text is required.
pub(crate) fn required_text(text: &str, what: &str, example: &str) -> Result<String> {
    clean_text(Some(text), what)?
        .ok_or_else(|| Error::InvalidInput(format!("this needs a {what}, e.g. {example}")))
}
