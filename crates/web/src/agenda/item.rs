//! A session as lists show it, and lists grouped by day and start time.

use super::when::{clock, day_label, short_day, time_range};
use crate::zone::Zone;
use hallway_domain::{EventKind, Schedule, Session};
use jiff::Zoned;
use jiff::civil::Date;

/// A session as lists show it.
#[derive(Debug, Clone)]
pub struct SessionItem {
    pub href: String,
    pub title: String,
    pub type_label: &'static str,
    pub type_class: &'static str,
    pub track: Option<String>,
    pub event: Option<String>,
    pub date: Option<Date>,
    /// In the zone shown.
    pub start: Option<Zoned>,
    /// The start time as lists group by it ("10:30"; with its date where it is not the venue's).
    pub at: String,
    pub time: String,
    pub room: Option<String>,
    pub speakers: String,
    /// The attendee's marks page for it (the no-JavaScript bookmark), for sessions people
    /// choose to attend; empty for breaks and desks.
    pub marks_href: String,
    pub guid: String,
}

impl SessionItem {
    /// The session at one of its slots, or undated when `slot` is None, with times in `zone`.
    pub fn new(schedule: &Schedule, s: &Session, slot: Option<usize>, zone: &Zone) -> Self {
        let edition = schedule.edition.slug.as_str();
        let slot = slot.and_then(|i| s.slots.get(i));
        Self {
            href: format!("{}{}", session_href(edition, s), zone.keep().query),
            title: s.title.clone(),
            type_label: s.session_type.label(),
            type_class: s.session_type.as_str(),
            track: s
                .track
                .as_ref()
                .and_then(|t| schedule.track(t))
                .map(|t| t.name.clone()),
            event: schedule
                .event(&s.event)
                .filter(|e| e.kind == EventKind::CoLocated)
                .map(|e| e.name.clone()),
            date: slot.map(|sl| schedule.day_of(sl)),
            start: slot.map(|sl| zone.local(sl.start)),
            at: slot.map(|sl| clock(zone, sl.start)).unwrap_or_default(),
            time: slot
                .map(|sl| time_range(zone, sl.start, sl.end))
                .unwrap_or_default(),
            room: slot
                .and_then(|sl| schedule.room_name(sl))
                .map(str::to_owned),
            speakers: s
                .speakers
                .iter()
                .filter_map(|sp| schedule.speaker(sp))
                .map(|sp| sp.display())
                .collect::<Vec<_>>()
                .join(" · "),
            marks_href: if s.session_type.is_program() {
                format!("/me/{edition}/sessions/{}", s.guid)
            } else {
                String::new()
            },
            guid: s.guid.to_string(),
        }
    }

    /// The conference day, for lists that span several ("Wed 25 Mar").
    pub fn day(&self) -> Option<String> {
        self.date.map(short_day)
    }
}

pub fn session_href(edition: &str, s: &Session) -> String {
    format!("/{edition}/sessions/{}", s.guid)
}

/// Sessions grouped by day, then by start time.
pub struct DayGroup {
    pub label: String,
    pub date: Date,
    pub times: Vec<TimeGroup>,
}

pub struct TimeGroup {
    pub time: String,
    pub items: Vec<SessionItem>,
}

pub fn group_by_day(items: &[SessionItem]) -> Vec<DayGroup> {
    let mut days: Vec<DayGroup> = Vec::new();
    for item in items {
        let Some(date) = item.date else { continue };
        let time = item.at.clone();
        if days.last().is_none_or(|d| d.date != date) {
            days.push(DayGroup {
                label: day_label(date),
                date,
                times: Vec::new(),
            });
        }
        let day = days.last_mut().expect("pushed above");
        if day.times.last().is_none_or(|t| t.time != time) {
            day.times.push(TimeGroup {
                time: time.clone(),
                items: Vec::new(),
            });
        }
        day.times
            .last_mut()
            .expect("pushed above")
            .items
            .push(item.clone());
    }
    days
}
