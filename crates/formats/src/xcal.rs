//! pentabarf's xCal: iCalendar properties as XML elements, with `pentabarf:*` extensions for the
//! event id, title and subtitle. Times are floating (venue-local) and the file names no zone.

use crate::build::{self, Builder, Item, Person};
use crate::error::{ErrorKind, FormatError};
use crate::ical::{self, Property};
use crate::xml::{self, Element};
use crate::{ImportOptions, Imported};
use hallway_domain::Slug;

pub fn read(bytes: &[u8], opts: &ImportOptions) -> Result<Imported, FormatError> {
    let root = xml::parse(bytes)?;
    let cal = if root.name.eq_ignore_ascii_case("vcalendar") {
        &root
    } else {
        root.child("vcalendar").ok_or_else(|| {
            FormatError::at(root.line, "vcalendar", "no <vcalendar> in the xCal file")
                .kind(ErrorKind::Missing)
        })?
    };
    let events: Vec<&Element> = cal.all("vevent").collect();
    if events.is_empty() {
        return Err(
            FormatError::at(cal.line, "vevent", "the calendar has no <vevent>")
                .kind(ErrorKind::Missing),
        );
    }
    // pentabarf writes UIDs as `id@acronym@pentabarf.org`: the acronym names the edition.
    let acronym = events
        .iter()
        .find_map(|e| e.text_of("uid"))
        .and_then(|uid| uid.split('@').nth(1))
        .map(str::to_owned);
    let cal_name = cal
        .text_of("x-wr-calname")
        .map(|n| n.trim_end_matches(" Schedule").trim().to_owned());
    let name = cal_name.clone().or(acronym.clone()).ok_or_else(|| {
        FormatError::at(cal.line, "x-wr-calname", "the calendar has no name")
            .kind(ErrorKind::Missing)
    })?;
    let slug = opts.edition.clone().unwrap_or_else(|| {
        acronym
            .as_deref()
            .and_then(|a| Slug::parse(a).ok())
            .unwrap_or_else(|| Slug::from_name(&name, "edition"))
    });
    let zone = build::venue_zone(None, opts, &slug, || None)?;
    let mut b = Builder::new(slug, Some(&name), "", zone);
    b.time_field("dtstart");
    b.name_is_label();
    let tz = b.tz();
    for ev in events {
        let prop = |name: &str| {
            ev.child(name).map(|c| Property {
                name: name.to_ascii_uppercase(),
                params: Vec::new(),
                value: c.text.trim().to_owned(),
                line: c.line,
            })
        };
        let start = prop("dtstart").ok_or_else(|| {
            FormatError::at(ev.line, "dtstart", "the event has no <dtstart>")
                .kind(ErrorKind::Missing)
        })?;
        let (start, _) = ical::instant(&start, &tz)?;
        let end = match (prop("dtend"), ev.text_of("duration")) {
            (Some(p), _) => ical::instant(&p, &tz)?.0,
            (None, Some(d)) => {
                let minutes = hhmmss_minutes(d).ok_or_else(|| {
                    FormatError::at(
                        ev.child("duration").map_or(ev.line, |c| c.line),
                        "duration",
                        format!("not a duration (HHMMSS): {d:?}"),
                    )
                })?;
                start
                    .checked_add(jiff::SignedDuration::from_mins(i64::from(minutes)))
                    .map_err(|e| FormatError::at(ev.line, "duration", e.to_string()))?
            }
            (None, None) => start,
        };
        let id = ev
            .text_of("pentabarf:event-id")
            .map(str::to_owned)
            .or_else(|| ev.text_of("uid").map(str::to_owned));
        let text = |name: &str| ev.text_of(name).unwrap_or_default().to_owned();
        let title = ev
            .text_of("pentabarf:title")
            .or(ev.text_of("summary"))
            .unwrap_or_default()
            .to_owned();
        b.push(Item {
            line: Some(ev.line),
            guid: None,
            id,
            title,
            subtitle: text("pentabarf:subtitle"),
            abstract_text: text("description"),
            description: String::new(),
            language: ev
                .text_of("pentabarf:language-code")
                .or(ev.text_of("pentabarf:language"))
                .map(str::to_owned),
            session_type: ev.text_of("category").map(build::session_type),
            track: ev.text_of("pentabarf:track").map(str::to_owned),
            room: ev.text_of("location").map(|l| (l.to_owned(), None)),
            event: None,
            start: Some(start),
            end: Some(end),
            duration_minutes: None,
            persons: ev.all("attendee").map(|a| Person::named(&a.text)).collect(),
            url: ev.text_of("url").map(str::to_owned),
            do_not_record: false,
            file_day: None,
            time_line: None,
            time_field: None,
            all_day: false,
        })?;
    }
    b.finish()
}

/// `003000` is thirty minutes.
fn hhmmss_minutes(d: &str) -> Option<u32> {
    let d = d.trim();
    if d.len() != 6 || !d.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let h: u32 = d[0..2].parse().ok()?;
    let m: u32 = d[2..4].parse().ok()?;
    (m < 60).then_some(h * 60 + m)
}
