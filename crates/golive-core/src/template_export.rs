//! A launch's current plan as a template: what `golive template export`
//! writes and what a rehearsal is created from. Edits made to the launch
//! are in it; people, ticks and evidence are not.

use std::collections::BTreeMap;

use rusqlite::Connection;
use toml::Spanned;

use crate::Result;
use crate::launch;
use crate::plan::{ItemDef, PhaseDef, PlanMeta, RoleDef, SectionDef, Template};

fn spanned<T>(value: T) -> Spanned<T> {
    Spanned::new(0..0, value)
}

/// The plan of `launch_id` as a template.
pub fn template_of(conn: &Connection, launch_id: &str) -> Result<Template> {
    let launch = launch::get(conn, launch_id)?;
    let data = launch::plan_data(conn, launch_id)?;
    let roles = launch::roles(conn, launch_id)?
        .into_iter()
        .map(|r| RoleDef {
            key: spanned(r.key),
            name: r.name,
            signoff: r.signoff,
        })
        .collect();

    let mut phases: Vec<PhaseDef> = Vec::new();
    let mut phase_ids: Vec<String> = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT id, key, name, description, first_day, last_day FROM phases
         WHERE launch_id = ?1 ORDER BY position",
    )?;
    let rows = stmt.query_map([launch_id], |row| {
        Ok((
            row.get::<_, String>(0)?,
            PhaseDef {
                key: spanned(row.get(1)?),
                name: row.get(2)?,
                description: row.get(3)?,
                first_day: spanned(row.get(4)?),
                last_day: spanned(row.get(5)?),
                sections: Vec::new(),
            },
        ))
    })?;
    for row in rows {
        let (id, phase) = row?;
        phase_ids.push(id);
        phases.push(phase);
    }

    let mut items: BTreeMap<String, Vec<ItemDef>> = BTreeMap::new();
    let mut stmt = conn.prepare(
        "SELECT section_id, key, title, description, owner_role, due_day, gate, rule
         FROM items WHERE launch_id = ?1 ORDER BY position",
    )?;
    let rows = stmt.query_map([launch_id], |row| {
        Ok((
            row.get::<_, String>(0)?,
            ItemDef {
                key: spanned(row.get(1)?),
                title: spanned(row.get(2)?),
                description: row.get(3)?,
                owner: spanned(row.get(4)?),
                due_day: spanned(row.get(5)?),
                gate: row.get(6)?,
                rule: row.get::<_, Option<String>>(7)?.map(spanned),
            },
        ))
    })?;
    for row in rows {
        let (section, item) = row?;
        items.entry(section).or_default().push(item);
    }

    let mut stmt = conn.prepare(
        "SELECT id, phase_id, key, title FROM sections WHERE launch_id = ?1 ORDER BY position",
    )?;
    let rows = stmt.query_map([launch_id], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
        ))
    })?;
    for row in rows {
        let (id, phase_id, key, title) = row?;
        if let Some(p) = phase_ids.iter().position(|p| p == &phase_id) {
            phases[p].sections.push(SectionDef {
                key: spanned(key),
                title: spanned(title),
                items: items.remove(&id).unwrap_or_default(),
            });
        }
    }

    Ok(Template {
        plan: PlanMeta {
            name: spanned(launch.template_name.clone()),
            version: launch.template_version,
            description: format!(
                "The plan of the launch {:?}{}, exported by golive.",
                launch.name,
                if launch.rehearsal_of.is_some() {
                    " (a rehearsal)"
                } else {
                    ""
                }
            ),
        },
        roles,
        phases,
        alert_rules: data.alert_rules,
        success_targets: data.success_targets,
        escalation_levels: data.escalation_levels,
        support_tiers: data.support_tiers,
        communication: data.communication,
        risks: crate::risks::as_template(conn, launch_id)?,
    })
}

/// The template file text: a header saying where it came from, then TOML.
pub fn template_file(conn: &Connection, launch_id: &str, exported_at: &str) -> Result<String> {
    let launch = launch::get(conn, launch_id)?;
    let template = template_of(conn, launch_id)?;
    let rehearsal = match &launch.rehearsal_of_name {
        Some(of) => format!("# REHEARSAL: this launch rehearses {of:?}.\n"),
        None => String::new(),
    };
    Ok(format!(
        "# golive plan template, exported from the launch {:?} at {exported_at}.\n{rehearsal}# Create a launch from it with `golive template import FILE` or in the app.\n\n{}",
        launch.name,
        template.to_toml()?
    ))
}
