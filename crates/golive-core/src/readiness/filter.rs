//! Finding items: filters by phase, section, owner, status, due window and
//! free text, and "My items" for the person using golive.

use jiff::ToSpan;
use jiff::civil::Date;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::{Assignee, Checklist, Item, Status};
use crate::actor::Actor;
use crate::{Error, Result, contacts, launch};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Due {
    /// Outstanding and due before today.
    Overdue,
    /// Outstanding and due today.
    Today,
    /// Outstanding and due within the next seven days, today included.
    Week,
}

/// Which items to show. Every field narrows; the default shows all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Filter {
    pub phase: Option<String>,
    pub section: Option<String>,
    /// A role key, or a contact's id or name.
    pub owner: Option<String>,
    pub status: Option<Status>,
    pub due: Option<Due>,
    /// Matched, ignoring case, against key, title, description, section,
    /// owner, status note and link labels.
    pub text: Option<String>,
    /// Only the items of the person using golive (see [`Me`]).
    pub mine: bool,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        self == &Filter::default()
            || (self.phase.is_none()
                && self.section.is_none()
                && self.owner.is_none()
                && self.status.is_none()
                && self.due.is_none()
                && self.text.as_deref().is_none_or(|t| t.trim().is_empty())
                && !self.mine)
    }

    /// Keeps the matching items; sections and phases left empty are dropped.
    pub(super) fn apply(&self, checklist: &mut Checklist, me: &Me) -> Result<()> {
        if self.is_empty() {
            return Ok(());
        }
        let today: Date = checklist
            .today
            .parse()
            .map_err(|e| Error::Internal(format!("bad checklist date: {e}")))?;
        self.check_names(checklist)?;
        let text = self
            .text
            .as_deref()
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty());
        let mut shown = 0;
        for phase in &mut checklist.phases {
            for section in &mut phase.sections {
                section
                    .items
                    .retain(|item| self.keeps(item, today, text.as_deref(), me));
                shown += section.items.len() as u32;
            }
            phase.sections.retain(|s| !s.items.is_empty());
        }
        checklist.phases.retain(|p| !p.sections.is_empty());
        checklist.shown = shown;
        Ok(())
    }

    /// A filter naming a phase or section that does not exist is a typo,
    /// not an empty result.
    fn check_names(&self, checklist: &Checklist) -> Result<()> {
        if let Some(phase) = &self.phase
            && !checklist
                .phases
                .iter()
                .any(|p| p.key.eq_ignore_ascii_case(phase))
        {
            let keys: Vec<_> = checklist.phases.iter().map(|p| p.key.as_str()).collect();
            return Err(Error::NotFound(format!(
                "there is no phase {phase:?} (phases: {})",
                keys.join(", ")
            )));
        }
        if let Some(section) = &self.section
            && !checklist
                .phases
                .iter()
                .flat_map(|p| &p.sections)
                .any(|s| s.key.eq_ignore_ascii_case(section))
        {
            return Err(Error::NotFound(format!(
                "there is no section {section:?}; list them with `golive items`"
            )));
        }
        Ok(())
    }

    fn keeps(&self, item: &Item, today: Date, text: Option<&str>, me: &Me) -> bool {
        let same =
            |a: &Option<String>, b: &str| a.as_deref().is_none_or(|a| a.eq_ignore_ascii_case(b));
        same(&self.phase, &item.phase_key)
            && same(&self.section, &item.section_key)
            && self.status.is_none_or(|s| s == item.status)
            && self
                .owner
                .as_deref()
                .is_none_or(|o| owned_by(item, o.trim()))
            && self.due.is_none_or(|d| due_matches(item, d, today))
            && text.is_none_or(|t| text_matches(item, t))
            && (!self.mine || me.owns(item))
    }
}

fn owned_by(item: &Item, owner: &str) -> bool {
    item.owner_role.eq_ignore_ascii_case(owner)
        || item
            .assignee
            .as_ref()
            .is_some_and(|a| a.id == owner || a.name.eq_ignore_ascii_case(owner))
}

fn due_matches(item: &Item, due: Due, today: Date) -> bool {
    match due {
        Due::Overdue => item.overdue,
        Due::Today => item.due_today,
        Due::Week => {
            let week_end = today.checked_add(6.days()).unwrap_or(today);
            item.status.is_outstanding()
                && item
                    .due_date
                    .parse::<Date>()
                    .is_ok_and(|d| d >= today && d <= week_end)
        }
    }
}

fn text_matches(item: &Item, text: &str) -> bool {
    let has = |field: &str| field.to_lowercase().contains(text);
    has(&item.key)
        || has(&item.title)
        || has(&item.description)
        || has(&item.section_title)
        || has(&item.owner_name)
        || item.assignee.as_ref().is_some_and(|a| has(&a.name))
        || item.status_note.as_deref().is_some_and(has)
        || item.links.iter().any(|l| has(&l.label) || has(&l.url))
}

/// The person using golive, as "My items" sees them: the contact linked to
/// their OS account, and the roles they hold through it or their profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Me {
    pub user: String,
    pub contact: Option<Assignee>,
    /// Role keys.
    pub roles: Vec<String>,
}

impl Me {
    pub fn of(conn: &Connection, launch_id: &str, actor: &Actor) -> Result<Me> {
        let roles = launch::roles(conn, launch_id)?;
        let contact = contacts::list(conn, launch_id)?
            .into_iter()
            .find(|c| c.os_user.as_deref() == Some(actor.user.as_str()));
        let mut mine: Vec<String> = contact.iter().flat_map(|c| c.roles.clone()).collect();
        if let Some(role) = actor.role.as_deref().map(str::trim)
            && let Some(role) = roles
                .iter()
                .find(|r| r.key.eq_ignore_ascii_case(role) || r.name.eq_ignore_ascii_case(role))
            && !mine.contains(&role.key)
        {
            mine.push(role.key.clone());
        }
        Ok(Me {
            user: actor.user.clone(),
            contact: contact.map(|c| Assignee {
                id: c.id,
                name: c.name,
            }),
            roles: mine,
        })
    }

    /// Items assigned to me, and unassigned items of my roles.
    pub fn owns(&self, item: &Item) -> bool {
        match &item.assignee {
            Some(a) => self.contact.as_ref().is_some_and(|me| me.id == a.id),
            None => self.roles.contains(&item.owner_role),
        }
    }
}
