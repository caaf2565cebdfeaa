//! Day arithmetic of a launch: "Day N" and due dates are calendar days in
//! the launch's time zone, counted from the date of Day 0.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use crate::{Error, Result};

/// When Day 0 is: a wall-clock time in a named time zone.
#[derive(Debug, Clone)]
pub struct GoLive {
    pub local: DateTime,
    pub time_zone: TimeZone,
    pub time_zone_name: String,
}

impl GoLive {
    pub fn new(local: &str, time_zone: &str) -> Result<GoLive> {
        Ok(GoLive {
            local: parse_local(local)?,
            time_zone: parse_time_zone(time_zone)?,
            time_zone_name: time_zone.to_string(),
        })
    }

    /// The instant of go-live. A wall time that a DST change skips or repeats
    /// resolves the way calendars do (the later/earlier offset, "compatible").
    pub fn instant(&self) -> Timestamp {
        self.time_zone
            .to_ambiguous_zoned(self.local)
            .compatible()
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::MAX)
    }

    /// The launch's calendar date at `now`.
    pub fn today(&self, now: Timestamp) -> Date {
        now.to_zoned(self.time_zone.clone()).date()
    }

    /// Day N at `now`: 0 on the go-live date, negative before it.
    pub fn day_number(&self, now: Timestamp) -> i32 {
        days_between(self.local.date(), self.today(now))
    }

    /// The calendar date of Day `offset`.
    pub fn date_of_day(&self, offset: i32) -> Date {
        self.local
            .date()
            .checked_add(i64::from(offset).days())
            .unwrap_or(self.local.date())
    }
}

fn days_between(from: Date, to: Date) -> i32 {
    // `Date::until` counts in days by default; dates a year apart are tiny.
    from.until(to).map(|span| span.get_days()).unwrap_or(0)
}

/// Accepts `2026-12-07T09:00`, `2026-12-07T09:00:00` and `2026-12-07 09:00`.
pub fn parse_local(text: &str) -> Result<DateTime> {
    let normalized = text.trim().replacen(' ', "T", 1);
    normalized.parse::<DateTime>().map_err(|_| {
        Error::InvalidInput(format!(
            "the go-live time {text:?} is not a date and time; write it as YYYY-MM-DDTHH:MM, e.g. 2026-12-07T09:00"
        ))
    })
}

pub fn parse_time_zone(name: &str) -> Result<TimeZone> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::InvalidInput(
            "the time zone is empty; use an IANA name such as Europe/Berlin or UTC".into(),
        ));
    }
    TimeZone::get(name).map_err(|_| {
        Error::InvalidInput(format!(
            "{name:?} is not a known time zone; use an IANA name such as Europe/Berlin, America/New_York or UTC"
        ))
    })
}

/// All IANA time zone names golive knows, sorted.
pub fn time_zone_names() -> Vec<String> {
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|name| name.to_string())
        .filter(|name| name.contains('/') || name == "UTC")
        .collect();
    names.sort();
    names.dedup();
    names
}
