//! View models: what each page shows, already in words and venue-local times.

use hallway_domain::{Change, Schedule, Session, Slot};
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
    pub start: Option<Zoned>,
    pub time: String,
    pub room: Option<String>,
    pub speakers: String,
}

impl SessionItem {
    /// The conference day, for lists that span several ("Wed 25 Mar").
    pub fn day(&self) -> Option<String> {
        self.date.map(short_day)
    }
}

pub fn session_href(edition: &str, s: &Session) -> String {
    format!("/{edition}/sessions/{}", s.guid)
}

pub fn time_range(schedule: &Schedule, slot: &Slot) -> String {
    let a = schedule.local(slot.start);
    let b = schedule.local(slot.end);
    format!("{}–{}", a.strftime("%H:%M"), b.strftime("%H:%M"))
}

pub fn day_label(d: Date) -> String {
    d.strftime("%A %-d %B").to_string()
}

pub fn short_day(d: Date) -> String {
    d.strftime("%a %-d %b").to_string()
}

impl SessionItem {
    /// One item per slot; a session without a slot gets one undated item.
    pub fn all_of(schedule: &Schedule, s: &Session) -> Vec<Self> {
        let edition = schedule.edition.slug.as_str();
        let speakers = s
            .speakers
            .iter()
            .filter_map(|sp| schedule.speaker(sp))
            .map(|sp| sp.display())
            .collect::<Vec<_>>()
            .join(" · ");
        let track = s
            .track
            .as_ref()
            .and_then(|t| schedule.track(t))
            .map(|t| t.name.clone());
        let event = schedule
            .event(&s.event)
            .filter(|e| e.kind == hallway_domain::EventKind::CoLocated)
            .map(|e| e.name.clone());
        let base = Self {
            href: session_href(edition, s),
            title: s.title.clone(),
            type_label: s.session_type.label(),
            type_class: s.session_type.as_str(),
            track,
            event,
            date: None,
            start: None,
            time: String::new(),
            room: None,
            speakers,
        };
        if s.slots.is_empty() {
            return vec![base];
        }
        s.slots
            .iter()
            .map(|slot| Self {
                date: Some(schedule.day_of(slot)),
                start: Some(schedule.local(slot.start)),
                time: time_range(schedule, slot),
                room: schedule.room_name(slot).map(str::to_owned),
                ..base.clone()
            })
            .collect()
    }
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
        let time = item
            .start
            .as_ref()
            .map(|z| z.strftime("%H:%M").to_string())
            .unwrap_or_default();
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

/// A changelog line, in words.
pub struct ChangeLine {
    pub kind: &'static str,
    pub href: Option<String>,
    pub title: String,
    pub detail: String,
}

pub fn change_line(schedule: &Schedule, change: &Change) -> ChangeLine {
    let edition = schedule.edition.slug.as_str();
    let href = |g: &hallway_domain::Guid| {
        schedule
            .sessions
            .iter()
            .any(|s| s.guid == *g)
            .then(|| format!("/{edition}/sessions/{g}"))
    };
    let when = |times: &[(jiff::Timestamp, jiff::Timestamp)]| {
        times
            .iter()
            .map(|(a, b)| {
                let a = schedule.local(*a);
                format!(
                    "{} {}–{}",
                    short_day(a.date()),
                    a.strftime("%H:%M"),
                    schedule.local(*b).strftime("%H:%M")
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    match change {
        Change::Added { guid, title } => ChangeLine {
            kind: "added",
            href: href(guid),
            title: title.clone(),
            detail: String::new(),
        },
        Change::Removed { guid, title } => ChangeLine {
            kind: "removed",
            href: href(guid),
            title: title.clone(),
            detail: String::new(),
        },
        Change::MovedInTime {
            guid,
            title,
            from,
            to,
        } => ChangeLine {
            kind: "moved in time",
            href: href(guid),
            title: title.clone(),
            detail: format!("{} → {}", when(from), when(to)),
        },
        Change::MovedRoom {
            guid,
            title,
            from,
            to,
        } => ChangeLine {
            kind: "moved room",
            href: href(guid),
            title: title.clone(),
            detail: format!("{} → {}", from.join(", "), to.join(", ")),
        },
        Change::Retitled { guid, from, to } => ChangeLine {
            kind: "retitled",
            href: href(guid),
            title: to.clone(),
            detail: format!("was: {from}"),
        },
    }
}
