//! Every speaker of the edition, in the order of a locale-aware collation.

use super::Agenda;
use super::session::PersonLine;
use crate::html::{self, KeepZone, Nav};
use crate::page::Page;
use askama::Template;
use hallway_domain::collate;

#[derive(Template)]
#[template(path = "speakers.html")]
struct SpeakersPage {
    nav: Option<Nav>,
    keep: KeepZone,
    slug: String,
    edition_name: String,
    speakers: Vec<PersonLine>,
}

pub fn page(a: &Agenda) -> Page {
    let s = &a.released.schedule;
    let mut people: Vec<PersonLine> = s
        .speakers
        .iter()
        .map(|sp| PersonLine {
            slug: sp.slug.to_string(),
            name: sp.name.clone(),
            affiliation: sp.affiliation.clone(),
            role: None,
        })
        .collect();
    people.sort_by_cached_key(|p| (collate::sort_key(&p.name), p.name.clone()));
    html::page(&SpeakersPage {
        nav: a.nav(""),
        keep: a.zone.keep(),
        slug: s.edition.slug.to_string(),
        edition_name: s.edition.name.clone(),
        speakers: people,
    })
}
