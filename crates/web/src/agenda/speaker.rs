//! A speaker's page: who they are and their sessions, with day, time and room.

use super::item::SessionItem;
use super::{Agenda, paragraphs};
use crate::html::{self, Nav};
use crate::page::Page;
use askama::Template;
use hallway_domain::Speaker;

#[derive(Template)]
#[template(path = "speaker.html")]
struct SpeakerPage {
    nav: Option<Nav>,
    feed: String,
    edition_name: String,
    name: String,
    affiliation: Option<String>,
    role: Option<String>,
    bio: Vec<String>,
    sessions: Vec<SessionItem>,
}

pub fn page(a: &Agenda, sp: &Speaker) -> Page {
    let r = &a.released;
    let s = &r.schedule;
    let sessions = r
        .occurrences
        .iter()
        .enumerate()
        .filter(|(_, o)| s.sessions[o.session].speakers.contains(&sp.slug))
        .map(|(i, _)| a.item(i).clone())
        .collect();
    html::page(&SpeakerPage {
        nav: a.nav(""),
        feed: format!("/{}/speakers/{}.ics", r.slug(), sp.slug),
        edition_name: s.edition.name.clone(),
        name: sp.name.clone(),
        affiliation: sp.affiliation.clone(),
        role: sp.role.clone(),
        bio: paragraphs(&sp.bio),
        sessions,
    })
}
