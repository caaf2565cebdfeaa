//! Rehearsal launches: a copy of a launch's plan and people with its own
//! ticks, sign-offs and record, so the team can practise on staging.

use rusqlite::params;

use crate::actor::Change;
use crate::contacts::{self, ContactInput};
use crate::launch::{self, Launch, NewLaunch};
use crate::store::Store;
use crate::template_export::template_of;
use crate::{Error, Result};

/// What differs from the launch being rehearsed; empty fields keep its values
/// (the name becomes "NAME (rehearsal)").
#[derive(Debug, Clone, Default)]
pub struct RehearsalInput {
    pub name: Option<String>,
    pub go_live_local: Option<String>,
    pub time_zone: Option<String>,
}

pub fn create(
    store: &mut Store,
    change: &Change,
    from_launch_id: &str,
    input: &RehearsalInput,
) -> Result<Launch> {
    let from = launch::get(store.conn(), from_launch_id)?;
    if let Some(original) = &from.rehearsal_of_name {
        return Err(Error::InvalidInput(format!(
            "{:?} is itself a rehearsal; create the rehearsal from the real launch {original:?}",
            from.name
        )));
    }
    let template = template_of(store.conn(), &from.id)?;
    let people = contacts::list(store.conn(), &from.id)?;
    let pick = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let new = NewLaunch {
        name: pick(&input.name).unwrap_or_else(|| format!("{} (rehearsal)", from.name)),
        platform: from.platform.clone(),
        go_live_local: pick(&input.go_live_local).unwrap_or_else(|| from.go_live_local.clone()),
        time_zone: pick(&input.time_zone).unwrap_or_else(|| from.time_zone.clone()),
    };
    let launch = store.write(change, |tx| {
        let launch = launch::insert(tx, &new, &template, Some(&from))?;
        for person in &people {
            let id = contacts::insert(
                tx,
                &launch.id,
                &ContactInput {
                    name: person.name.clone(),
                    roles: person.roles.clone(),
                    email: person.email.clone(),
                    phone: person.phone.clone(),
                    time_zone: person.time_zone.clone(),
                    os_user: person.os_user.clone(),
                    chat: person.chat.clone(),
                    // Set below, once everyone is there.
                    deputy: None,
                    always_on: person.always_on,
                    emergency: person.emergency,
                },
            )?;
            // Assignments follow the person, matched by item key.
            tx.execute(
                "UPDATE items SET owner_contact_id = ?1
                 WHERE launch_id = ?2 AND key IN
                   (SELECT key FROM items WHERE launch_id = ?3 AND owner_contact_id = ?4)",
                params![id, launch.id, from.id, person.id],
            )?;
        }
        // Deputies follow too, matched by name.
        tx.execute(
            "UPDATE contacts SET deputy_id =
                (SELECT mine.id FROM contacts theirs JOIN contacts mine
                   ON mine.launch_id = ?1 AND mine.name = theirs.name COLLATE NOCASE
                 JOIN contacts original ON original.deputy_id = theirs.id
                 WHERE original.launch_id = ?2 AND original.name = contacts.name COLLATE NOCASE)
             WHERE launch_id = ?1",
            params![launch.id, from.id],
        )?;
        tx.audit(
            Some(&launch.id),
            "rehearsal.create",
            &format!("launch:{}", launch.id),
            serde_json::json!({
                "rehearses": from.id,
                "rehearses_name": from.name,
                "contacts": people.len(),
            }),
        )?;
        Ok(launch)
    })?;
    tracing::info!(launch = %launch.id, of = %from.id, "rehearsal created");
    Ok(launch)
}
