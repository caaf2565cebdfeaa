//! Contacts as vCard (RFC 6350, version 4.0; 3.0 cards read too). A card's
//! FN, EMAIL, TEL and TZ are the person's name, email, phone and time zone;
//! what vCard has no property for is kept in `X-GOLIVE-` properties (roles
//! as keys, chat handle, deputy, 24/7, emergency, OS account). ROLE is
//! written for people reading the card and not read back: in other address
//! books it is a job title, not a role of the launch.

use super::{Contact, ContactInput, ImportRow, flag};
use crate::contentline::{escape, push_line, unescape, unfold};
use crate::{Error, Result};

/// Reads every card of a .vcf file; a malformed card is reported by line.
pub fn parse(text: &str) -> Result<Vec<ImportRow>> {
    let mut rows = Vec::new();
    let mut card: Option<(usize, ContactInput, bool)> = None;
    for (line, content) in unfold(text.trim_start_matches('\u{feff}')) {
        if content.trim().is_empty() {
            continue;
        }
        let Some((head, value)) = content.split_once(':') else {
            return Err(bad(
                line,
                &format!("{content:?} is not a vCard property (NAME:value)"),
            ));
        };
        // Properties may carry a group (`item1.EMAIL`) and parameters (`TEL;TYPE=cell`).
        let name = head.split(';').next().unwrap_or("");
        let name = name.rsplit('.').next().unwrap_or(name).to_ascii_uppercase();
        let value = unescape(value);
        match (name.as_str(), &mut card) {
            ("BEGIN", None) if value.eq_ignore_ascii_case("VCARD") => {
                card = Some((line, ContactInput::default(), false));
            }
            ("BEGIN", Some((start, ..))) => {
                return Err(bad(
                    line,
                    &format!("a card starts before the card of line {start} ended"),
                ));
            }
            ("END", Some(_)) if value.eq_ignore_ascii_case("VCARD") => {
                let (start, input, named) = card.take().expect("inside a card");
                if !named {
                    return Err(bad(start, "the card has no FN (the person's name)"));
                }
                rows.push(ImportRow { line: start, input });
            }
            (_, None) => {
                return Err(bad(
                    line,
                    &format!("{name} is outside a card (BEGIN:VCARD … END:VCARD)"),
                ));
            }
            (_, Some((_, input, named))) => {
                let first = |field: &mut String, value: String| {
                    if field.is_empty() {
                        *field = value;
                    }
                };
                match name.as_str() {
                    "FN" => {
                        input.name = value;
                        *named = true;
                    }
                    "EMAIL" => first(&mut input.email, value),
                    "TEL" => first(
                        &mut input.phone,
                        value.trim_start_matches("tel:").to_string(),
                    ),
                    "TZ" => input.time_zone = value,
                    "X-GOLIVE-ROLES" => {
                        input.roles = value
                            .split(',')
                            .map(str::trim)
                            .filter(|r| !r.is_empty())
                            .map(str::to_string)
                            .collect();
                    }
                    "X-GOLIVE-CHAT" => input.chat = value,
                    "X-GOLIVE-DEPUTY" => input.deputy = Some(value).filter(|v| !v.is_empty()),
                    "X-GOLIVE-ALWAYS-ON" => {
                        input.always_on =
                            flag(&value, "X-GOLIVE-ALWAYS-ON").map_err(|m| bad(line, &m))?;
                    }
                    "X-GOLIVE-EMERGENCY" => {
                        input.emergency =
                            flag(&value, "X-GOLIVE-EMERGENCY").map_err(|m| bad(line, &m))?;
                    }
                    "X-GOLIVE-OS-USER" => input.os_user = Some(value).filter(|v| !v.is_empty()),
                    // VERSION, N, ROLE, ORG, PHOTO, … are not golive's.
                    _ => {}
                }
            }
        }
    }
    if let Some((start, ..)) = card {
        return Err(bad(start, "the card never ends (no END:VCARD)"));
    }
    Ok(rows)
}

fn bad(line: usize, message: &str) -> Error {
    Error::InvalidInput(format!("line {line}: {message}"))
}

/// Writes the contacts as vCard 4.0, readable by [`parse`]. `role_names`
/// gives each role key its name for the ROLE property.
pub fn write(contacts: &[Contact], role_name: impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    for c in contacts {
        let mut lines = vec![
            "BEGIN:VCARD".to_string(),
            "VERSION:4.0".to_string(),
            format!("FN:{}", escape(&c.name)),
        ];
        let mut add = |name: &str, value: &str| {
            if !value.is_empty() {
                lines.push(format!("{name}:{}", escape(value)));
            }
        };
        add("EMAIL", &c.email);
        add("TEL", &c.phone);
        add("TZ", &c.time_zone);
        let names: Vec<String> = c.roles.iter().map(|r| role_name(r)).collect();
        add("ROLE", &names.join(", "));
        add("X-GOLIVE-CHAT", &c.chat);
        add("X-GOLIVE-DEPUTY", c.deputy.as_deref().unwrap_or(""));
        add("X-GOLIVE-OS-USER", c.os_user.as_deref().unwrap_or(""));
        if c.always_on {
            add("X-GOLIVE-ALWAYS-ON", "yes");
        }
        if c.emergency {
            add("X-GOLIVE-EMERGENCY", "yes");
        }
        if !c.roles.is_empty() {
            // Keys are plain words: joined with unescaped commas, a list.
            lines.push(format!("X-GOLIVE-ROLES:{}", c.roles.join(",")));
        }
        lines.push("END:VCARD".to_string());
        for line in lines {
            push_line(&mut out, &line);
        }
    }
    out
}
