//! A session's page: when and where it runs, its speakers and its abstract.

use super::when::{self, day_label, time_range};
use super::{Agenda, paragraphs};
use crate::html::{self, KeepZone, Nav};
use crate::page::Page;
use crate::released::discover::{SHOWN, Similar};
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
    recording: Option<RecordingLinks>,
    /// The speakers asked not to be recorded.
    do_not_record: bool,
    alike: Vec<Suggested>,
    bookmarked_with: Vec<Suggested>,
}

/// What is published of the session after it ran.
struct RecordingLinks {
    /// The video from the talk's start; none for slides alone.
    video: Option<String>,
    slides: Option<String>,
    captions: Option<String>,
}

/// A session suggested beside this one. Those past the first few are hidden: a viewer's
/// script shows them in place of ones that clash with their agenda.
struct Suggested {
    guid: String,
    title: String,
    when: String,
    hidden: bool,
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
        recording: a.released.recordings.get(&x.guid).map(|r| RecordingLinks {
            video: r.url_at(0),
            slides: r.slides.clone(),
            captions: r.captions.clone(),
        }),
        do_not_record: x.do_not_record,
        alike: suggested(a, x, |sim| &sim.by_text),
        bookmarked_with: suggested(a, x, |sim| &sim.by_bookmarks),
    })
}

fn suggested(
    a: &Agenda,
    x: &Session,
    list: impl Fn(&Similar) -> &Vec<Vec<(usize, f32)>>,
) -> Vec<Suggested> {
    let s = &a.released.schedule;
    let Some(i) = s.sessions.iter().position(|y| y.guid == x.guid) else {
        return Vec::new();
    };
    list(&a.released.similar)
        .get(i)
        .map(|ranked| {
            ranked
                .iter()
                .enumerate()
                .map(|(n, &(j, _))| {
                    let y = &s.sessions[j];
                    Suggested {
                        guid: y.guid.to_string(),
                        title: y.title.clone(),
                        when: y
                            .slots
                            .first()
                            .map(|sl| {
                                format!(
                                    "{}, {}",
                                    when::short_day(s.day_of(sl)),
                                    time_range(&a.zone, sl.start, sl.end)
                                )
                            })
                            .unwrap_or_default(),
                        hidden: n >= SHOWN,
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}
