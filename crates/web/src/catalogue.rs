//! What a release serves, by path: rendered once per release, off the async workers, and
//! served from memory (see `site`). Each kind of page is one line here; how it looks is in its
//! module.

use crate::agenda::{Agenda, changelog, day_grid, edition, event, home, list, session};
use crate::agenda::{speaker, speakers};
use crate::api;
use crate::exports;
use crate::html::KeepZone;
use crate::page::Page;
use crate::released::Released;
use hallway_app::{ExportFormat, Feed};
use hallway_domain::EventKind;

/// Everything a released edition serves.
pub fn edition(a: &Agenda) -> Vec<(String, Page)> {
    let mut served = pages(a);
    served.extend(data(&a.released));
    served
}

/// The HTML pages of the agenda.
pub fn pages(a: &Agenda) -> Vec<(String, Page)> {
    let s = &a.released.schedule;
    let slug = a.released.slug();
    let mut served = vec![
        (format!("/{slug}/"), edition::page(a)),
        (format!("/{slug}/schedule/"), list::page(a)),
        (format!("/{slug}/speakers/"), speakers::page(a)),
        (format!("/{slug}/changelog"), changelog::page(a)),
    ];
    for ev in &s.events {
        served.push((format!("/{slug}/events/{}/", ev.slug), event::page(a, ev)));
    }
    for d in s.edition.days() {
        served.push((format!("/{slug}/schedule/{d}/"), day_grid::page(a, d)));
        served.push((format!("/{slug}/schedule/{d}/list"), list::day_page(a, d)));
    }
    for x in &s.sessions {
        served.push((format!("/{slug}/sessions/{}", x.guid), session::page(a, x)));
    }
    for p in &s.speakers {
        served.push((format!("/{slug}/speakers/{}", p.slug), speaker::page(a, p)));
    }
    served
}

/// The JSON API's documents, the interchange files and the calendar feeds.
pub fn data(r: &Released) -> Vec<(String, Page)> {
    let s = &r.schedule;
    let slug = r.slug();
    let api = format!("/api/v1/editions/{slug}");
    let mut served = vec![
        (api.clone(), api::edition_json(r)),
        (format!("{api}/sessions"), api::sessions_json(r)),
        (format!("{api}/speakers"), api::speakers_json(r)),
        (format!("{api}/releases"), api::releases_json(r)),
        (
            format!("/{slug}/schedule.xml"),
            exports::schedule(r, ExportFormat::FrabXml),
        ),
        (
            format!("/{slug}/schedule.json"),
            exports::schedule(r, ExportFormat::FrabJson),
        ),
        (
            format!("/{slug}/schedule.ics"),
            exports::schedule(r, ExportFormat::Ical),
        ),
        (
            format!("/{slug}/schedule.csv"),
            exports::schedule(r, ExportFormat::Csv),
        ),
    ];
    for x in &s.sessions {
        served.push((
            format!("{api}/sessions/{}", x.guid),
            api::session_json(r, x),
        ));
    }
    let feeds = (s.tracks.iter())
        .map(|t| (format!("tracks/{}", t.slug), Feed::Track(t.slug.clone())))
        .chain((s.rooms.iter()).map(|r| (format!("rooms/{}", r.slug), Feed::Room(r.slug.clone()))))
        .chain((s.speakers.iter()).map(|p| {
            (
                format!("speakers/{}", p.slug),
                Feed::Speaker(p.slug.clone()),
            )
        }))
        .chain(
            (s.events.iter())
                .filter(|e| e.kind == EventKind::CoLocated)
                .map(|e| (format!("events/{}", e.slug), Feed::Event(e.slug.clone()))),
        );
    for (name, feed) in feeds {
        served.push((format!("/{slug}/{name}.ics"), exports::calendar(r, &feed)));
    }
    served
}

/// The list of released editions (newest first), as a page and as JSON.
pub fn index(editions: &[&Agenda]) -> Vec<(String, Page)> {
    let released: Vec<_> = editions.iter().map(|a| a.released.as_ref()).collect();
    vec![
        ("/".to_owned(), home::page(editions, KeepZone::default())),
        ("/api/v1/editions".to_owned(), api::editions_json(&released)),
    ]
}
