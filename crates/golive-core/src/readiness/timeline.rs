//! The timeline: every day from a week before Day 0 to thirty days after
//! (wider if the plan is), with what is due that day.

use serde::Serialize;

use super::{Checklist, Item};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TimelineDay {
    pub day: i32,
    /// `YYYY-MM-DD` in the launch's time zone.
    pub date: String,
    pub is_today: bool,
    /// The phase whose days include this one, if any.
    pub phase_key: Option<String>,
    pub items: Vec<Item>,
    /// Items of this day still outstanding after it passed.
    pub overdue: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Timeline {
    pub today: String,
    pub day_number: i32,
    pub days: Vec<TimelineDay>,
}

/// Lays the (possibly filtered) checklist out day by day.
pub fn timeline(checklist: &Checklist) -> Timeline {
    let due_days: Vec<i32> = checklist.items().map(|i| i.due_day).collect();
    let first = due_days.iter().copied().min().unwrap_or(-7).min(-7);
    let last = due_days.iter().copied().max().unwrap_or(30).max(30);
    let go_live = checklist.launch.go_live().ok();
    let days = (first..=last)
        .map(|day| {
            let items: Vec<Item> = checklist
                .items()
                .filter(|i| i.due_day == day)
                .cloned()
                .collect();
            let date = go_live
                .as_ref()
                .map(|g| g.date_of_day(day).to_string())
                .unwrap_or_default();
            TimelineDay {
                day,
                is_today: day == checklist.day_number,
                phase_key: checklist
                    .phases
                    .iter()
                    .find(|p| (p.first_day..=p.last_day).contains(&day))
                    .map(|p| p.key.clone()),
                overdue: items.iter().filter(|i| i.overdue).count() as u32,
                items,
                date,
            }
        })
        .collect();
    Timeline {
        today: checklist.today.clone(),
        day_number: checklist.day_number,
        days,
    }
}
