//! The edition's releases, newest first, with what each changed in words.

use super::Agenda;
use super::when::short_day;
use super::when::time_range;
use crate::html::{self, Nav};
use crate::page::Page;
use crate::zone::Zone;
use askama::Template;
use hallway_domain::{Change, Guid, Schedule};

#[derive(Template)]
#[template(path = "changelog.html")]
struct ChangelogPage {
    nav: Option<Nav>,
    edition_name: String,
    releases: Vec<ReleaseEntry>,
}

struct ReleaseEntry {
    number: u32,
    when: String,
    first: bool,
    summary: String,
    lines: Vec<ChangeLine>,
}

/// A changelog line, in words.
struct ChangeLine {
    kind: &'static str,
    href: Option<String>,
    title: String,
    detail: String,
}

pub fn page(a: &Agenda) -> Page {
    let s = &a.released.schedule;
    let releases = a
        .released
        .notes
        .iter()
        .map(|n| {
            let c = n.changes.counts();
            ReleaseEntry {
                number: n.number,
                when: a
                    .zone
                    .local(n.released_at)
                    .strftime("%-d %B %Y, %H:%M %Z")
                    .to_string(),
                first: n.number == 1,
                summary: format!(
                    "{} added · {} removed · {} moved in time · {} moved room · {} retitled",
                    c.added, c.removed, c.moved_in_time, c.moved_room, c.retitled
                ),
                lines: n
                    .changes
                    .changes
                    .iter()
                    .map(|ch| change_line(s, &a.zone, ch))
                    .collect(),
            }
        })
        .collect();
    html::page(&ChangelogPage {
        nav: a.nav(""),
        edition_name: s.edition.name.clone(),
        releases,
    })
}

fn change_line(schedule: &Schedule, zone: &Zone, change: &Change) -> ChangeLine {
    let edition = schedule.edition.slug.as_str();
    let href = |g: &Guid| {
        schedule
            .sessions
            .iter()
            .any(|s| s.guid == *g)
            .then(|| format!("/{edition}/sessions/{g}{}", zone.keep().query))
    };
    let when = |times: &[(jiff::Timestamp, jiff::Timestamp)]| {
        times
            .iter()
            .map(|&(a, b)| {
                let range = time_range(zone, a, b);
                if zone.date_differs(a) {
                    range
                } else {
                    format!("{} {range}", short_day(zone.local(a).date()))
                }
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
