//! An edition's home: its days, events, tracks and the files to take the schedule along.

use super::Agenda;
use super::when::{date_span, day_label};
use crate::html::{self, KeepZone, Nav};
use crate::page::Page;
use askama::Template;
use hallway_domain::EventKind;
use jiff::civil::Date;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "edition.html")]
struct EditionPage {
    nav: Option<Nav>,
    keep: KeepZone,
    slug: String,
    name: String,
    dates: String,
    venue: String,
    time_zone: String,
    sessions: usize,
    speakers: usize,
    rooms: usize,
    release: u32,
    days: Vec<DayCount>,
    events: Vec<EventLine>,
    tracks: Vec<TrackCount>,
}

struct DayCount {
    date: Date,
    label: String,
    sessions: usize,
}

struct EventLine {
    slug: String,
    name: String,
    kind: &'static str,
    days: String,
    sessions: usize,
}

struct TrackCount {
    slug: String,
    name: String,
    sessions: usize,
}

pub fn page(a: &Agenda) -> Page {
    let r = &a.released;
    let s = &r.schedule;
    let e = &s.edition;
    let mut by_event: HashMap<&str, usize> = HashMap::new();
    let mut by_track: HashMap<&str, usize> = HashMap::new();
    for x in &s.sessions {
        *by_event.entry(x.event.as_str()).or_default() += 1;
        if let Some(t) = &x.track {
            *by_track.entry(t.as_str()).or_default() += 1;
        }
    }
    html::page(&EditionPage {
        nav: a.nav(""),
        keep: a.zone.keep(),
        slug: e.slug.to_string(),
        name: e.name.clone(),
        dates: date_span(e.start_date, e.end_date),
        venue: e.venue.clone(),
        time_zone: a.zone.name().to_owned(),
        sessions: s.sessions.len(),
        speakers: s.speakers.len(),
        rooms: s.rooms.len(),
        release: r.release,
        days: e
            .days()
            .into_iter()
            .map(|d| DayCount {
                date: d,
                label: day_label(d),
                sessions: r.on(d).len(),
            })
            .collect(),
        events: s
            .events
            .iter()
            .map(|ev| EventLine {
                slug: ev.slug.to_string(),
                name: ev.name.clone(),
                kind: match ev.kind {
                    EventKind::Main => "main conference",
                    EventKind::CoLocated => "co-located",
                },
                days: date_span(ev.start_date, ev.end_date),
                sessions: by_event.get(ev.slug.as_str()).copied().unwrap_or(0),
            })
            .collect(),
        tracks: s
            .tracks
            .iter()
            .map(|t| TrackCount {
                slug: t.slug.to_string(),
                name: t.name.clone(),
                sessions: by_track.get(t.slug.as_str()).copied().unwrap_or(0),
            })
            .collect(),
    })
}
