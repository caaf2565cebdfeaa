//! Training sessions as iCalendar (RFC 5545). Written: one VEVENT per
//! session with its UID and SEQUENCE (so calendars update the invitation
//! instead of adding a second one), start and end in UTC (understood by
//! every calendar), the trainer as ORGANIZER, attendees as ATTENDEE,
//! materials as ATTACH, and what iCalendar has no property for in
//! `X-GOLIVE-` properties (audience, the planning time zone). Read: the
//! same, and what other calendars write: TZID times, floating times,
//! DURATION instead of DTEND; all-day events are refused (a session has a
//! start time) and cancelled ones are left out.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use super::{Audience, Session, SessionInput};
use crate::contacts::Contact;
use crate::contentline::{escape, push_line, unescape, unfold};
use crate::{Error, Result, parse_timestamp};

/// An event read from a file, with the line it starts on.
#[derive(Debug, Clone)]
pub struct Event {
    pub line: usize,
    pub uid: String,
    pub cancelled: bool,
    /// Title, audience, start, end, zone, place and materials; trainer and
    /// attendees are in `organizer` and `attendees` until matched with the
    /// directory.
    pub input: SessionInput,
    pub organizer: Option<Person>,
    pub attendees: Vec<Person>,
}

/// Someone named in an event: CN and the address (mailto: stripped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: Option<String>,
    pub address: String,
}

impl Person {
    /// The name, else the address, for messages.
    pub fn shown(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.address)
    }

    /// Whether this is `contact`: same email, same golive id, or same name.
    pub fn is(&self, contact: &Contact) -> bool {
        let address = self.address.as_str();
        (!contact.email.is_empty() && address.eq_ignore_ascii_case(&contact.email))
            || address == format!("urn:golive:contact:{}", contact.id)
            || self
                .name
                .as_deref()
                .is_some_and(|n| n.trim().eq_ignore_ascii_case(&contact.name))
    }
}

/// A property: its name (upper case, group removed), parameters and value.
struct Property {
    name: String,
    params: Vec<(String, String)>,
    value: String,
}

impl Property {
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Splits `NAME;P=v;Q="a:b":value`; the value starts at the first colon
/// outside quotes.
fn property(content: &str) -> Option<Property> {
    let mut quoted = false;
    let colon = content.char_indices().find_map(|(i, c)| match c {
        '"' => {
            quoted = !quoted;
            None
        }
        ':' if !quoted => Some(i),
        _ => None,
    })?;
    let (head, value) = (&content[..colon], &content[colon + 1..]);
    let mut parts = head.split(';');
    let name = parts
        .next()?
        .rsplit('.')
        .next()?
        .trim()
        .to_ascii_uppercase();
    let params = parts
        .filter_map(|p| p.split_once('='))
        .map(|(n, v)| (n.trim().to_string(), v.trim().trim_matches('"').to_string()))
        .collect();
    Some(Property {
        name,
        params,
        value: value.to_string(),
    })
}

fn bad(line: usize, message: &str) -> Error {
    Error::InvalidInput(format!("line {line}: {message}"))
}

/// An event's start or end: an instant, and the zone it was given in.
fn date_time(
    prop: &Property,
    line: usize,
    default_zone: &str,
) -> Result<(Timestamp, Option<String>)> {
    let value = prop.value.trim();
    if prop
        .param("VALUE")
        .is_some_and(|v| v.eq_ignore_ascii_case("DATE"))
        || value.len() == 8
    {
        return Err(bad(
            line,
            &format!(
                "{} {value} is a whole day; a training session needs a start and end time",
                prop.name
            ),
        ));
    }
    let (local, utc) = match value.strip_suffix(['Z', 'z']) {
        Some(rest) => (rest, true),
        None => (value, false),
    };
    let parsed = DateTime::strptime("%Y%m%dT%H%M%S", local).map_err(|_| {
        bad(
            line,
            &format!(
                "{} {value:?} is not an iCalendar date-time (e.g. 20261203T090000Z)",
                prop.name
            ),
        )
    })?;
    if utc {
        let at = parsed
            .to_zoned(TimeZone::UTC)
            .map_err(|e| bad(line, &e.to_string()))?;
        return Ok((at.timestamp(), None));
    }
    let zone_name = prop.param("TZID").unwrap_or(default_zone).to_string();
    let zone = TimeZone::get(&zone_name).map_err(|_| {
        bad(
            line,
            &format!(
                "the time zone {zone_name:?} of {} is not an IANA name (such as Europe/Berlin); \
                 export the calendar with IANA time zones or in UTC",
                prop.name
            ),
        )
    })?;
    let at = zone
        .to_ambiguous_zoned(parsed)
        .compatible()
        .map_err(|e| bad(line, &e.to_string()))?;
    Ok((at.timestamp(), Some(zone_name)))
}

fn wall_clock(at: Timestamp, zone: &str) -> String {
    match TimeZone::get(zone) {
        Ok(tz) => at.to_zoned(tz).strftime("%Y-%m-%dT%H:%M").to_string(),
        Err(_) => at.strftime("%Y-%m-%dT%H:%M").to_string(),
    }
}

fn person(prop: &Property) -> Person {
    let address = prop.value.trim();
    let address = address
        .strip_prefix("mailto:")
        .or_else(|| address.strip_prefix("MAILTO:"))
        .unwrap_or(address);
    Person {
        name: prop
            .param("CN")
            .map(str::to_string)
            .filter(|n| !n.is_empty()),
        address: address.to_string(),
    }
}

/// What is gathered while inside one VEVENT.
#[derive(Default)]
struct Draft {
    uid: Option<String>,
    summary: Option<String>,
    start: Option<(Timestamp, Option<String>)>,
    end: Option<(Timestamp, Option<String>)>,
    duration: Option<jiff::Span>,
    location: String,
    url: Option<String>,
    audience: Option<Audience>,
    zone: Option<String>,
    cancelled: bool,
    organizer: Option<Person>,
    attendees: Vec<Person>,
    attachments: Vec<String>,
}

/// Reads every VEVENT; a malformed one is reported by line.
pub fn parse(text: &str, default_audience: Audience, default_zone: &str) -> Result<Vec<Event>> {
    let mut events = Vec::new();
    let mut current: Option<(usize, Draft)> = None;
    // Components nested in an event (VALARM) are skipped whole.
    let mut nested = 0usize;
    for (line, content) in unfold(text.trim_start_matches('\u{feff}')) {
        if content.trim().is_empty() {
            continue;
        }
        let prop = property(&content).ok_or_else(|| {
            bad(
                line,
                &format!("{content:?} is not an iCalendar property (NAME:value)"),
            )
        })?;
        let value = prop.value.trim();
        match (prop.name.as_str(), &mut current) {
            ("BEGIN", None) if value.eq_ignore_ascii_case("VEVENT") => {
                current = Some((line, Draft::default()));
            }
            ("BEGIN", Some(_)) => nested += 1,
            ("END", Some(_)) if nested > 0 => nested -= 1,
            ("END", Some(_)) if value.eq_ignore_ascii_case("VEVENT") => {
                let Some((start_line, draft)) = current.take() else {
                    continue;
                };
                events.push(finish(start_line, draft, default_audience, default_zone)?);
            }
            (_, None) => {}
            (_, Some(_)) if nested > 0 => {}
            (name, Some((_, draft))) => match name {
                "UID" => draft.uid = Some(value.to_string()),
                "SUMMARY" => draft.summary = Some(unescape(&prop.value)),
                "DTSTART" => draft.start = Some(date_time(&prop, line, default_zone)?),
                "DTEND" => draft.end = Some(date_time(&prop, line, default_zone)?),
                "DURATION" => {
                    draft.duration = Some(value.parse().map_err(|_| {
                        bad(
                            line,
                            &format!("DURATION {value:?} is not a duration such as PT1H30M"),
                        )
                    })?);
                }
                "LOCATION" => draft.location = unescape(&prop.value).trim().to_string(),
                "URL" => draft.url = Some(value.to_string()),
                "STATUS" => draft.cancelled = value.eq_ignore_ascii_case("CANCELLED"),
                "ORGANIZER" => draft.organizer = Some(person(&prop)),
                "ATTENDEE" => draft.attendees.push(person(&prop)),
                "ATTACH" => draft.attachments.push(value.to_string()),
                "X-GOLIVE-AUDIENCE" => {
                    draft.audience = Some(Audience::parse(value).map_err(|e| match e {
                        Error::InvalidInput(m) => bad(line, &m),
                        other => other,
                    })?);
                }
                "X-GOLIVE-TZID" => draft.zone = Some(value.to_string()),
                "CATEGORIES" if draft.audience.is_none() => {
                    draft.audience = unescape(&prop.value)
                        .split(',')
                        .find_map(|c| Audience::parse(c).ok());
                }
                _ => {}
            },
        }
    }
    if let Some((start, _)) = current {
        return Err(bad(start, "the event never ends (no END:VEVENT)"));
    }
    Ok(events)
}

fn finish(
    line: usize,
    draft: Draft,
    default_audience: Audience,
    default_zone: &str,
) -> Result<Event> {
    let uid = draft
        .uid
        .filter(|u| !u.is_empty())
        .ok_or_else(|| bad(line, "the event has no UID"))?;
    let title = draft
        .summary
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| bad(line, "the event has no SUMMARY (the session's title)"))?;
    let (start, start_zone) = draft
        .start
        .ok_or_else(|| bad(line, "the event has no DTSTART"))?;
    let end = match (draft.end, draft.duration) {
        (Some((end, _)), _) => end,
        (None, Some(span)) => start
            .checked_add(span)
            .map_err(|e| bad(line, &format!("DURATION: {e}")))?,
        (None, None) => return Err(bad(line, "the event has neither DTEND nor DURATION")),
    };
    let zone = draft
        .zone
        .filter(|z| TimeZone::get(z).is_ok())
        .or(start_zone)
        .unwrap_or_else(|| default_zone.to_string());
    let place = match (draft.location.is_empty(), draft.url) {
        (true, Some(url)) => url,
        _ => draft.location,
    };
    Ok(Event {
        line,
        uid,
        cancelled: draft.cancelled,
        input: SessionInput {
            title: title.trim().to_string(),
            audience: draft.audience.unwrap_or(default_audience),
            start: wall_clock(start, &zone),
            end: wall_clock(end, &zone),
            time_zone: zone,
            place,
            trainer: None,
            materials: draft.attachments,
            attendees: Vec::new(),
        },
        organizer: draft.organizer,
        attendees: draft.attendees,
    })
}

fn utc(at: &str) -> String {
    parse_timestamp(at)
        .map(|t| t.strftime("%Y%m%dT%H%M%SZ").to_string())
        .unwrap_or_default()
}

fn cal_address(contact: Option<&Contact>, attendee_id: &str, email: &str) -> String {
    match (email.is_empty(), contact) {
        (false, _) => format!("mailto:{email}"),
        (true, Some(c)) => format!("urn:golive:contact:{}", c.id),
        (true, None) => format!("urn:golive:contact:{attendee_id}"),
    }
}

/// A CN parameter value: quoted, without characters a parameter cannot hold.
fn cn(name: &str) -> String {
    format!("\"{}\"", name.replace(['"', '\r', '\n'], ""))
}

/// Writes the sessions as one calendar, readable by [`parse`].
pub fn write(calendar: &str, sessions: &[Session], people: &[Contact]) -> String {
    let mut out = String::new();
    let stamp = Timestamp::now().strftime("%Y%m%dT%H%M%SZ").to_string();
    for line in [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        "PRODID:-//golive//training//EN".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        format!("X-WR-CALNAME:{}", escape(&format!("{calendar}: training"))),
    ] {
        push_line(&mut out, &line);
    }
    for s in sessions {
        let trainer = s
            .trainer_id
            .as_deref()
            .and_then(|id| people.iter().find(|c| c.id == id));
        let mut description = format!("Audience: {}", s.audience.label());
        if let Some(t) = trainer {
            description.push_str(&format!("\nTrainer: {}", t.name));
        }
        if !s.materials.is_empty() {
            description.push_str("\nMaterials:");
            for m in &s.materials {
                description.push_str(&format!("\n- {m}"));
            }
        }
        let mut lines = vec![
            "BEGIN:VEVENT".to_string(),
            format!("UID:{}", s.uid),
            format!("DTSTAMP:{stamp}"),
            format!("DTSTART:{}", utc(&s.starts_at)),
            format!("DTEND:{}", utc(&s.ends_at)),
            format!("SEQUENCE:{}", s.sequence),
            format!("SUMMARY:{}", escape(&s.title)),
            format!("DESCRIPTION:{}", escape(&description)),
            format!("CATEGORIES:Training,{}", escape(s.audience.label())),
            format!("X-GOLIVE-AUDIENCE:{}", s.audience.key()),
            format!("X-GOLIVE-TZID:{}", s.time_zone),
        ];
        if !s.place.is_empty() {
            lines.push(format!("LOCATION:{}", escape(&s.place)));
            if s.place.starts_with("https://") || s.place.starts_with("http://") {
                lines.push(format!("URL:{}", s.place));
            }
        }
        if let Some(t) = trainer {
            lines.push(format!(
                "ORGANIZER;CN={}:{}",
                cn(&t.name),
                cal_address(Some(t), &t.id, &t.email)
            ));
        }
        for a in &s.attendees {
            let contact = people.iter().find(|c| c.id == a.contact_id);
            lines.push(format!(
                "ATTENDEE;CN={};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:{}",
                cn(&a.name),
                cal_address(contact, &a.contact_id, &a.email)
            ));
        }
        for m in &s.materials {
            lines.push(format!("ATTACH:{m}"));
        }
        lines.push("END:VEVENT".into());
        for line in &lines {
            push_line(&mut out, line);
        }
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}
