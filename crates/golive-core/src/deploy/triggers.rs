//! Triggers: the deploy, rollback and validation actions of an environment,
//! each a program with its argument list or a webhook. Checked whole before
//! a write; every change audited.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::Action;
use super::mask::check_secret_length;
use crate::actor::Change;
use crate::health::condition::json_path_steps;
use crate::health::credentials::{self, check_header_name};
use crate::health::environments;
use crate::health::monitors::SECRET_HEADERS;
use crate::secrets::{self, SecretError};
use crate::store::{Store, WriteTx, new_id};
use crate::{Error, Result, format_timestamp};

/// Longest a trigger may be given before golive stops it (a day).
pub const MAX_TIMEOUT_S: u32 = 86_400;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EnvVar {
    pub name: String,
    pub value: String,
}

/// An environment variable whose value is a credential's secret, read from
/// the OS keychain when the run starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SecretEnv {
    pub name: String,
    pub credential: String,
}

/// A program started directly with its arguments: never through a shell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CommandSpec {
    pub program: String,
    pub args: Vec<String>,
    /// The working folder (absolute); a relative program path is found in it.
    pub cwd: Option<String>,
    pub env: Vec<EnvVar>,
    pub secret_env: Vec<SecretEnv>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Header {
    pub name: String,
    pub value: String,
}

/// For pipelines that answer "queued" first: poll a status URL and read the
/// outcome from a JSON path until it says success or failure, or time runs out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Poll {
    /// May use the same variables as the body, and `{{response.PATH}}` for a
    /// value of the first answer (e.g. `{{response.$.id}}`).
    pub url: String,
    pub path: String,
    pub success: Vec<String>,
    pub failure: Vec<String>,
    pub interval_s: u32,
    pub timeout_s: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WebhookSpec {
    pub method: String,
    pub url: String,
    pub headers: Vec<Header>,
    /// A template: `{{launch}}`, `{{environment}}`, `{{trigger}}`, `{{run_id}}`,
    /// `{{version}}`, `{{reason}}`, `{{started_by}}`, `{{rollback_to}}` (the
    /// version a rollback goes back to).
    pub body: Option<String>,
    pub credential: Option<String>,
    pub poll: Option<Poll>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum TriggerSpec {
    Command(CommandSpec),
    Webhook(WebhookSpec),
}

impl TriggerSpec {
    pub fn kind(&self) -> &'static str {
        match self {
            TriggerSpec::Command(_) => "command",
            TriggerSpec::Webhook(_) => "webhook",
        }
    }

    /// The credentials whose secrets a run needs.
    pub fn credentials(&self) -> Vec<String> {
        match self {
            TriggerSpec::Command(c) => c.secret_env.iter().map(|s| s.credential.clone()).collect(),
            TriggerSpec::Webhook(w) => w.credential.iter().cloned().collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Trigger {
    pub id: String,
    pub environment_id: String,
    pub environment: String,
    pub production: bool,
    pub name: String,
    pub action: Action,
    pub spec: TriggerSpec,
    pub timeout_s: Option<u32>,
    pub auto_rollback: bool,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TriggerInput {
    /// The environment's id or name.
    pub environment: String,
    pub name: String,
    pub action: Action,
    pub spec: TriggerSpec,
    pub timeout_s: Option<u32>,
    pub auto_rollback: bool,
}

const COLUMNS: &str = "t.id, t.environment_id, e.name, e.production, t.name, t.action, t.spec,
     t.timeout_s, t.auto_rollback, t.updated_at";

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Trigger> {
    let spec: String = row.get(6)?;
    let spec = serde_json::from_str(&spec).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(6, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok(Trigger {
        id: row.get(0)?,
        environment_id: row.get(1)?,
        environment: row.get(2)?,
        production: row.get(3)?,
        name: row.get(4)?,
        action: Action::parse(&row.get::<_, String>(5)?),
        spec,
        timeout_s: row.get(7)?,
        auto_rollback: row.get(8)?,
        updated_at: row.get(9)?,
    })
}

pub fn list(conn: &Connection, launch_id: &str) -> Result<Vec<Trigger>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM triggers t JOIN environments e ON e.id = t.environment_id
         WHERE e.launch_id = ?1
         ORDER BY e.production DESC, e.name COLLATE NOCASE,
                  CASE t.action WHEN 'deploy' THEN 0 WHEN 'validation' THEN 1 ELSE 2 END,
                  t.name COLLATE NOCASE"
    ))?;
    let list = stmt
        .query_map([launch_id], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(list)
}

/// By id, or by name (ignoring case) when only one environment has it;
/// `ENV/NAME` picks the environment.
pub fn get(conn: &Connection, launch_id: &str, selector: &str) -> Result<Trigger> {
    let selector = selector.trim();
    let all = list(conn, launch_id)?;
    if let Some(found) = all.iter().find(|t| t.id == selector) {
        return Ok(found.clone());
    }
    let (env, name) = match selector.split_once('/') {
        Some((env, name)) => (Some(env.trim()), name.trim()),
        None => (None, selector),
    };
    let matching: Vec<&Trigger> = all
        .iter()
        .filter(|t| t.name.eq_ignore_ascii_case(name))
        .filter(|t| env.is_none_or(|e| t.environment.eq_ignore_ascii_case(e)))
        .collect();
    match matching.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Error::NotFound(format!(
            "this launch has no trigger {selector:?}; `golive trigger list` shows them"
        ))),
        many => Err(Error::InvalidInput(format!(
            "{name:?} names a trigger in {} environments; write ENV/NAME, e.g. {}/{name}",
            many.len(),
            many[0].environment
        ))),
    }
}

fn invalid<T>(why: String) -> Result<T> {
    Err(Error::InvalidInput(why))
}

/// Names of plain variables that look like they hold a secret.
fn looks_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    [
        "TOKEN",
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "API_KEY",
        "APIKEY",
        "PRIVATE_KEY",
        "CREDENTIAL",
    ]
    .iter()
    .any(|word| upper.contains(word))
}

fn check_env_name(name: &str) -> Result<()> {
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return invalid(format!(
            "{name:?} is not an environment variable name (letters, digits and _, not starting with a digit)"
        ));
    }
    if name.to_ascii_uppercase().starts_with("GOLIVE_") {
        return invalid(format!(
            "{name} starts with GOLIVE_, which golive sets itself for every run (GOLIVE_RUN_ID, GOLIVE_ENVIRONMENT, GOLIVE_VERSION, …); pick another name"
        ));
    }
    Ok(())
}

fn no_nul(what: &str, text: &str) -> Result<()> {
    if text.contains('\0') {
        return invalid(format!(
            "{what} holds a NUL character, which no program can receive"
        ));
    }
    Ok(())
}

/// Reads a credential's secret to check it can be masked; a secret that is
/// missing or short is refused now, not at 2 a.m. during the deploy.
fn check_secret(credential_id: &str) -> Result<()> {
    match secrets::get(credential_id) {
        Ok(secret) => check_secret_length(&format!("the credential {credential_id:?}"), &secret),
        Err(SecretError::Missing(_)) => invalid(format!(
            "the credential {credential_id:?} has no secret in the OS keychain yet; set it first (`golive secret set {credential_id}`, or Credentials… in the Health view)"
        )),
        Err(e) => Err(e.into()),
    }
}

/// The variables a body or poll URL may use.
pub const TEMPLATE_VARIABLES: &[&str] = &[
    "launch",
    "environment",
    "trigger",
    "run_id",
    "version",
    "reason",
    "started_by",
    "rollback_to",
];

/// Checks that every `{{…}}` in a template names a known variable.
pub fn check_template(what: &str, template: &str, allow_response: bool) -> Result<()> {
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            return invalid(format!("{what} opens {{{{ without closing it"));
        };
        let name = after[..end].trim();
        let known = TEMPLATE_VARIABLES.contains(&name)
            || (allow_response
                && name
                    .strip_prefix("response.")
                    .is_some_and(|path| json_path_steps(path).is_ok()));
        if !known {
            return invalid(format!(
                "{what} uses {{{{{name}}}}}, which golive does not know; it knows {}{}",
                TEMPLATE_VARIABLES
                    .iter()
                    .map(|v| format!("{{{{{v}}}}}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if allow_response {
                    " and {{response.$.PATH}}"
                } else {
                    ""
                }
            ));
        }
        rest = &after[end + 2..];
    }
    Ok(())
}

/// The checked form of an input: everything a run needs is valid now.
fn check(conn: &Connection, input: &TriggerInput) -> Result<(String, TriggerInput)> {
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return invalid("a trigger needs a name of 1 to 80 characters, e.g. \"Deploy 2.4\"".into());
    }
    if let Some(timeout) = input.timeout_s
        && !(1..=MAX_TIMEOUT_S).contains(&timeout)
    {
        return invalid(format!(
            "the timeout must be between 1 s and {MAX_TIMEOUT_S} s (a day), not {timeout} s"
        ));
    }
    if input.auto_rollback && input.action != Action::Rollback {
        return invalid("only a rollback trigger can be armed for automatic rollback".into());
    }
    let spec = match &input.spec {
        TriggerSpec::Command(command) => TriggerSpec::Command(check_command(conn, command)?),
        TriggerSpec::Webhook(webhook) => TriggerSpec::Webhook(check_webhook(conn, webhook)?),
    };
    let mut clean = input.clone();
    clean.name = name.to_string();
    clean.spec = spec;
    Ok((name.to_string(), clean))
}

fn check_command(conn: &Connection, command: &CommandSpec) -> Result<CommandSpec> {
    let program = command.program.trim();
    if program.is_empty() {
        return invalid(
            "a command trigger needs a program, e.g. /opt/deploy/deploy.sh or kubectl (to use a shell, write bash with the arguments -c and the script)".into(),
        );
    }
    no_nul("the program", program)?;
    for (i, arg) in command.args.iter().enumerate() {
        no_nul(&format!("argument {}", i + 1), arg)?;
    }
    let cwd = match command.cwd.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(cwd) => {
            no_nul("the working folder", cwd)?;
            if !std::path::Path::new(cwd).is_absolute() {
                return invalid(format!(
                    "the working folder {cwd:?} must be an absolute path, e.g. /srv/app"
                ));
            }
            Some(cwd.to_string())
        }
    };
    let relative_path =
        program.contains(['/', '\\']) && !std::path::Path::new(program).is_absolute();
    if relative_path && cwd.is_none() {
        return invalid(format!(
            "the program {program:?} is a relative path; give its absolute path, or a working folder it is relative to"
        ));
    }
    let mut seen: Vec<String> = Vec::new();
    let mut env = Vec::new();
    for var in &command.env {
        let name = var.name.trim();
        check_env_name(name)?;
        no_nul(&format!("the value of {name}"), &var.value)?;
        if looks_secret(name) {
            return invalid(format!(
                "{name} looks like it holds a secret; make it a secret environment variable (--secret-env {name}=CREDENTIAL) so its value stays in the OS keychain"
            ));
        }
        if seen.iter().any(|s| s.eq_ignore_ascii_case(name)) {
            return invalid(format!("the variable {name} is set twice"));
        }
        seen.push(name.to_string());
        env.push(EnvVar {
            name: name.to_string(),
            value: var.value.clone(),
        });
    }
    let mut secret_env = Vec::new();
    for var in &command.secret_env {
        let name = var.name.trim();
        check_env_name(name)?;
        if seen.iter().any(|s| s.eq_ignore_ascii_case(name)) {
            return invalid(format!("the variable {name} is set twice"));
        }
        seen.push(name.to_string());
        let credential = credentials::get(conn, var.credential.trim())?;
        check_secret(&credential.id)?;
        secret_env.push(SecretEnv {
            name: name.to_string(),
            credential: credential.id,
        });
    }
    Ok(CommandSpec {
        program: program.to_string(),
        args: command.args.clone(),
        cwd,
        env,
        secret_env,
    })
}

fn check_webhook(conn: &Connection, webhook: &WebhookSpec) -> Result<WebhookSpec> {
    let method = webhook.method.trim().to_ascii_uppercase();
    if !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method.as_str()) {
        return invalid(format!(
            "{method:?} is not a webhook method golive sends; use POST, PUT, PATCH, GET or DELETE"
        ));
    }
    let url = webhook.url.trim();
    let origin = credentials::origin_of(url)?;
    let mut headers = Vec::new();
    for header in &webhook.headers {
        let name = header.name.trim();
        check_header_name(name)?;
        if SECRET_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
            return invalid(format!(
                "the header {name} carries a secret; add a credential for it (kept in the OS keychain) instead of a plain header"
            ));
        }
        if header.value.chars().any(|c| c.is_control()) {
            return invalid(format!("the value of the header {name} holds a line break"));
        }
        headers.push(Header {
            name: name.to_string(),
            value: header.value.trim().to_string(),
        });
    }
    if let Some(body) = &webhook.body {
        check_template("the body", body, false)?;
    }
    let credential = match webhook.credential.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(id) => {
            let credential = credentials::get(conn, id)?;
            if credential.origin != origin {
                return invalid(format!(
                    "the credential {:?} may only be sent to {}, and this webhook calls {origin}; add a credential for that origin",
                    credential.id, credential.origin
                ));
            }
            check_secret(&credential.id)?;
            Some(credential.id)
        }
    };
    let poll = match &webhook.poll {
        None => None,
        Some(poll) => {
            let poll_url = poll.url.trim();
            check_template("the status URL", poll_url, true)?;
            // The URL's origin is known before any variable is filled in.
            let poll_origin = credentials::origin_of(&blank_variables(poll_url))?;
            if credential.is_some() && poll_origin != origin {
                return invalid(format!(
                    "the status URL goes to {poll_origin}, but the webhook's credential may only go to {origin}; poll the same origin"
                ));
            }
            json_path_steps(poll.path.trim())
                .map_err(|e| Error::InvalidInput(format!("the status path: {e}")))?;
            let words = |list: &[String]| -> Vec<String> {
                list.iter()
                    .map(|w| w.trim().to_string())
                    .filter(|w| !w.is_empty())
                    .collect()
            };
            let (success, failure) = (words(&poll.success), words(&poll.failure));
            if success.is_empty() || failure.is_empty() {
                return invalid(
                    "polling needs the values that mean success (e.g. success) and failure (e.g. failed, error)".into(),
                );
            }
            if !(1..=3600).contains(&poll.interval_s) {
                return invalid("the poll interval must be between 1 s and an hour".into());
            }
            if !(1..=MAX_TIMEOUT_S).contains(&poll.timeout_s) || poll.timeout_s < poll.interval_s {
                return invalid(
                    "the poll timeout must be at least the interval and at most a day".into(),
                );
            }
            Some(Poll {
                url: poll_url.to_string(),
                path: poll.path.trim().to_string(),
                success,
                failure,
                interval_s: poll.interval_s,
                timeout_s: poll.timeout_s,
            })
        }
    };
    Ok(WebhookSpec {
        method,
        url: url.to_string(),
        headers,
        body: webhook.body.clone().filter(|b| !b.trim().is_empty()),
        credential,
        poll,
    })
}

/// `url` with each `{{…}}` replaced by a harmless word, to parse it.
fn blank_variables(url: &str) -> String {
    let mut out = String::new();
    let mut rest = url;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        match rest[start..].find("}}") {
            Some(end) => {
                out.push('x');
                rest = &rest[start + end + 2..];
            }
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

fn taken(tx: &Connection, environment_id: &str, name: &str, except: Option<&str>) -> Result<()> {
    let other: Option<String> = tx
        .query_row(
            "SELECT id FROM triggers WHERE environment_id = ?1 AND name = ?2 COLLATE NOCASE
             AND id IS NOT ?3",
            params![environment_id, name, except],
            |row| row.get(0),
        )
        .optional()?;
    if other.is_some() {
        return Err(Error::Conflict(format!(
            "this environment already has a trigger {name:?}; pick another name"
        )));
    }
    Ok(())
}

/// What the record keeps of a trigger: everything but secrets, which it
/// never holds anyway (secret variables name their credential only).
fn audit_details(trigger: &Trigger) -> serde_json::Value {
    serde_json::json!({
        "name": trigger.name,
        "environment": trigger.environment,
        "action": trigger.action,
        "spec": trigger.spec,
        "timeout_s": trigger.timeout_s,
        "auto_rollback": trigger.auto_rollback,
    })
}

pub(crate) fn insert(tx: &WriteTx<'_>, launch_id: &str, input: &TriggerInput) -> Result<Trigger> {
    let environment = environments::get(tx, launch_id, &input.environment)?;
    let (name, input) = check(tx, input)?;
    taken(tx, &environment.id, &name, None)?;
    let id = new_id();
    let at = format_timestamp(tx.change().at);
    tx.execute(
        "INSERT INTO triggers (id, environment_id, name, action, kind, spec, timeout_s,
                               auto_rollback, created_at, created_by, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?9)",
        params![
            id,
            environment.id,
            name,
            input.action.key(),
            input.spec.kind(),
            serde_json::to_string(&input.spec).map_err(|e| Error::Internal(e.to_string()))?,
            input.timeout_s,
            input.auto_rollback,
            at,
            tx.change().actor.display(),
        ],
    )?;
    let trigger = get(tx, launch_id, &id)?;
    tx.audit(
        Some(launch_id),
        "trigger.add",
        &format!("trigger:{id}"),
        audit_details(&trigger),
    )?;
    Ok(trigger)
}

pub fn add(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    input: &TriggerInput,
) -> Result<Trigger> {
    store.write(change, |tx| insert(tx, launch_id, input))
}

pub fn edit(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    selector: &str,
    input: &TriggerInput,
) -> Result<Trigger> {
    store.write(change, |tx| {
        let before = get(tx, launch_id, selector)?;
        let environment = environments::get(tx, launch_id, &input.environment)?;
        let (name, input) = check(tx, input)?;
        taken(tx, &environment.id, &name, Some(&before.id))?;
        tx.execute(
            "UPDATE triggers SET environment_id = ?2, name = ?3, action = ?4, kind = ?5, spec = ?6,
                    timeout_s = ?7, auto_rollback = ?8, updated_at = ?9
             WHERE id = ?1",
            params![
                before.id,
                environment.id,
                name,
                input.action.key(),
                input.spec.kind(),
                serde_json::to_string(&input.spec).map_err(|e| Error::Internal(e.to_string()))?,
                input.timeout_s,
                input.auto_rollback,
                format_timestamp(tx.change().at),
            ],
        )?;
        let after = get(tx, launch_id, &before.id)?;
        tx.audit(
            Some(launch_id),
            "trigger.edit",
            &format!("trigger:{}", after.id),
            serde_json::json!({ "before": audit_details(&before), "after": audit_details(&after) }),
        )?;
        Ok(after)
    })
}

/// Removes a trigger; its runs stay in the history under its name.
pub fn remove(
    store: &mut Store,
    change: &Change,
    launch_id: &str,
    selector: &str,
) -> Result<Trigger> {
    store.write(change, |tx| {
        let trigger = get(tx, launch_id, selector)?;
        let running: Option<String> = tx
            .query_row(
                "SELECT id FROM runs WHERE trigger_id = ?1 AND state = 'running'",
                [&trigger.id],
                |row| row.get(0),
            )
            .optional()?;
        if let Some(run) = running {
            return Err(Error::Conflict(format!(
                "the trigger {:?} is running now (run {run}); wait for it or cancel it first",
                trigger.name
            )));
        }
        tx.execute("DELETE FROM triggers WHERE id = ?1", [&trigger.id])?;
        tx.audit(
            Some(launch_id),
            "trigger.remove",
            &format!("trigger:{}", trigger.id),
            audit_details(&trigger),
        )?;
        Ok(trigger)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_name_known_variables_only() {
        assert!(
            check_template(
                "the body",
                r#"{"v": "{{version}}", "by": "{{ started_by }}"}"#,
                false
            )
            .is_ok()
        );
        let err = check_template("the body", "{{secret}}", false)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("{{secret}}") && err.contains("{{version}}"),
            "{err}"
        );
        assert!(check_template("the body", "{{version", false).is_err());
        assert!(check_template("the status URL", "https://ci/x/{{response.$.id}}", true).is_ok());
        assert!(check_template("the body", "{{response.$.id}}", false).is_err());
    }

    #[test]
    fn variables_are_blanked_before_parsing_a_url() {
        assert_eq!(
            blank_variables("https://ci/{{a}}/b/{{c}}"),
            "https://ci/x/b/x"
        );
    }

    #[test]
    fn secret_looking_names_are_spotted() {
        assert!(looks_secret("DEPLOY_TOKEN"));
        assert!(looks_secret("db_password"));
        assert!(!looks_secret("REGION"));
    }
}
