//! The site's front page: the editions with a released schedule.

use super::Agenda;
use super::when::date_span;
use crate::html::{self, KeepZone, Nav};
use crate::page::Page;
use askama::Template;

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage {
    nav: Option<Nav>,
    keep: KeepZone,
    editions: Vec<IndexEntry>,
}

struct IndexEntry {
    slug: String,
    name: String,
    dates: String,
    venue: String,
    sessions: usize,
}

/// `editions` newest first; links keep the viewer's zone.
pub fn page(editions: &[&Agenda], keep: KeepZone) -> Page {
    html::page(&IndexPage {
        nav: None,
        keep,
        editions: editions
            .iter()
            .map(|a| {
                let s = &a.released.schedule;
                let e = &s.edition;
                IndexEntry {
                    slug: e.slug.to_string(),
                    name: e.name.clone(),
                    dates: date_span(e.start_date, e.end_date),
                    venue: e.venue.clone(),
                    sessions: s.sessions.len(),
                }
            })
            .collect(),
    })
}
