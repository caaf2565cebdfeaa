//! Contacts as CSV: one header row naming the columns (any order, any case),
//! then one person per row. `name` is required; the other columns are
//! `roles` (keys or names, separated by `;`), `email`, `phone`, `chat`,
//! `time_zone`, `deputy`, `always_on`, `emergency` (yes/no) and `os_user`.

use super::{Contact, ContactInput, ImportRow, flag};
use crate::{Error, Result};

const COLUMNS: &[&str] = &[
    "name",
    "roles",
    "email",
    "phone",
    "chat",
    "time_zone",
    "deputy",
    "always_on",
    "emergency",
    "os_user",
];

/// Reads a CSV file's contacts; a malformed row is reported by line.
pub fn parse(text: &str) -> Result<Vec<ImportRow>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| bad(1, &e.to_string()))?
        .iter()
        .map(|h| h.to_ascii_lowercase().replace([' ', '-'], "_"))
        .collect();
    for column in &header {
        if !COLUMNS.contains(&column.as_str()) {
            return Err(bad(
                1,
                &format!(
                    "the column {column:?} is not one golive knows (columns: {})",
                    COLUMNS.join(", ")
                ),
            ));
        }
    }
    if !header.iter().any(|h| h == "name") {
        return Err(bad(1, "the header has no `name` column"));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            bad(line, &e.to_string())
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(str::is_empty) {
            continue;
        }
        let field = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .and_then(|i| record.get(i))
                .unwrap_or("")
                .to_string()
        };
        let optional = |name: &str| Some(field(name)).filter(|v| !v.is_empty());
        let input = ContactInput {
            name: field("name"),
            roles: field("roles")
                .split([';', ','])
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_string)
                .collect(),
            email: field("email"),
            phone: field("phone"),
            time_zone: field("time_zone"),
            os_user: optional("os_user"),
            chat: field("chat"),
            deputy: optional("deputy"),
            always_on: flag(&field("always_on"), "always_on").map_err(|m| bad(line, &m))?,
            emergency: flag(&field("emergency"), "emergency").map_err(|m| bad(line, &m))?,
        };
        rows.push(ImportRow { line, input });
    }
    Ok(rows)
}

fn bad(line: usize, message: &str) -> Error {
    Error::InvalidInput(format!("line {line}: {message}"))
}

/// Writes the contacts as CSV with every column, readable by [`parse`].
pub fn write(contacts: &[Contact]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let yes = |b: bool| if b { "yes" } else { "no" };
    // Writing into memory cannot fail.
    writer.write_record(COLUMNS).expect("csv header");
    for c in contacts {
        writer
            .write_record([
                c.name.as_str(),
                &c.roles.join(";"),
                &c.email,
                &c.phone,
                &c.chat,
                &c.time_zone,
                c.deputy.as_deref().unwrap_or(""),
                yes(c.always_on),
                yes(c.emergency),
                c.os_user.as_deref().unwrap_or(""),
            ])
            .expect("csv row");
    }
    String::from_utf8(writer.into_inner().expect("csv flush")).expect("csv is UTF-8")
}
