//! A session's page: when and where it runs, its speakers and its abstract.

use super::when::{day_label, time_range};
use super::{Agenda, paragraphs};
use crate::html::{self, KeepZone, Nav};
use crate::page::Page;
use crate::zone::rfc3339;
use askama::Template;
use hallway_domain::{EventKind, Session};
use jiff::civil::Date;

#[derive(Template)]
#[template(path = "session.html")]
struct SessionPage {
    nav: Option<Nav>,
    keep: KeepZone,
    slug: String,
    guid: String,
    edition_name: String,
    title: String,
    subtitle: String,
    description_paragraphs: Vec<String>,
    language: Option<String>,
    type_label: &'static str,
    track: Option<(String, String)>,
    event: Option<(String, String)>,
    slots: Vec<When>,
    speakers: Vec<PersonLine>,
    abstract_paragraphs: Vec<String>,
    url: Option<String>,
}

struct When {
    date: Date,
    day: String,
    time: String,
    iso: String,
    zone: String,
    room: Option<String>,
    area: Option<String>,
}

pub struct PersonLine {
    pub slug: String,
    pub name: String,
    pub affiliation: Option<String>,
    pub role: Option<String>,
}

pub fn page(a: &Agenda, x: &Session) -> Page {
    let s = &a.released.schedule;
    let e = &s.edition;
    html::page(&SessionPage {
        nav: a.nav(""),
        keep: a.zone.keep(),
        slug: e.slug.to_string(),
        guid: x.guid.to_string(),
        edition_name: e.name.clone(),
        title: x.title.clone(),
        subtitle: x.subtitle.clone(),
        description_paragraphs: paragraphs(&x.description),
        language: x.language.clone(),
        type_label: x.session_type.label(),
        track: x
            .track
            .as_ref()
            .and_then(|t| s.track(t))
            .map(|t| (t.slug.to_string(), t.name.clone())),
        event: s
            .event(&x.event)
            .filter(|ev| ev.kind == EventKind::CoLocated)
            .map(|ev| (ev.slug.to_string(), ev.name.clone())),
        slots: x
            .slots
            .iter()
            .map(|sl| {
                let room = sl.room.as_ref().and_then(|r| s.room(r));
                let start = a.zone.local(sl.start);
                When {
                    date: s.day_of(sl),
                    day: day_label(s.day_of(sl)),
                    time: time_range(&a.zone, sl.start, sl.end),
                    iso: rfc3339(&start),
                    zone: start.strftime("%Z").to_string(),
                    room: room.map(|r| r.name.clone()),
                    area: room
                        .and_then(|r| r.area.clone())
                        .filter(|a| room.is_some_and(|r| !r.name.starts_with(a.as_str()))),
                }
            })
            .collect(),
        speakers: x
            .speakers
            .iter()
            .filter_map(|sp| s.speaker(sp))
            .map(|sp| PersonLine {
                slug: sp.slug.to_string(),
                name: sp.name.clone(),
                affiliation: sp.affiliation.clone(),
                role: sp.role.clone(),
            })
            .collect(),
        abstract_paragraphs: paragraphs(&x.abstract_text),
        url: x.web_url().map(str::to_owned),
    })
}
