//! frab's `schedule.xml` (also written by pentabarf, pretalx, wafer and FOSDEM's tooling):
//! read leniently, written to pass the c3voc XSD.

use crate::build::{self, Builder, Item, Person};
use crate::error::{ErrorKind, FormatError, Repair};
use crate::frab::{self, Export};
use crate::xml::{self, Element};
use crate::{ImportOptions, Imported};
use hallway_domain::{Guid, Slug};
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use std::fmt::Write as _;

pub fn read(bytes: &[u8], opts: &ImportOptions) -> Result<Imported, FormatError> {
    let root = xml::parse(bytes)?;
    if root.name != "schedule" {
        return Err(FormatError::line(
            root.line,
            format!("the root element is <{}>, not <schedule>", root.name),
        )
        .kind(ErrorKind::Unsupported));
    }
    let conf = root.child("conference").ok_or_else(|| {
        FormatError::at(root.line, "conference", "no <conference> in the schedule")
            .kind(ErrorKind::Missing)
    })?;
    let acronym = conf.text_of("acronym");
    let name = conf.text_of("title").or(acronym).ok_or_else(|| {
        FormatError::at(conf.line, "conference/title", "the conference has no title")
            .kind(ErrorKind::Missing)
    })?;
    let slug = opts.edition.clone().unwrap_or_else(|| {
        acronym
            .and_then(|a| Slug::parse(a).ok())
            .unwrap_or_else(|| Slug::from_name(acronym.unwrap_or(name), "edition"))
    });
    let venue = [conf.text_of("venue"), conf.text_of("city")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    let zone = build::venue_zone(conf.text_of("time_zone_name"), opts, &slug, || {
        if let Some(tz) = conf.text_of("city").and_then(build::zone_of_city) {
            return Some((tz, "the zone of the conference's city".to_owned()));
        }
        first_offset(&root)
            .and_then(build::zone_of_offset)
            .map(|tz| (tz, "the fixed offset its times are written with".to_owned()))
    })?;
    let mut b = Builder::new(slug, Some(name), &venue, zone);
    b.time_field("date");
    let tz = b.tz();

    if let (Some(start), Some(end)) = (conf.child("start"), conf.child("end")) {
        let (s, e) = (date_part(&start.text), date_part(&end.text));
        match (s, e) {
            (Some(s), Some(e)) => b.stated_dates(s, e),
            _ => b.warn(
                Some(conf.line),
                Repair::Dates,
                "conference start or end is not a date: ignored",
            ),
        }
    }
    let day_change = match conf
        .child("day_change")
        .filter(|c| !c.text.trim().is_empty())
    {
        Some(c) => Some(
            c.text
                .trim()
                .parse::<Time>()
                .map_err(|e| FormatError::at(c.line, "day_change", format!("not a time: {e}")))?,
        ),
        None => None,
    };
    if let Some(t) = day_change {
        b.stated_day_change(t);
    }
    // Where days start says when they change, if the file does not say it outright.
    if let Some(start) = root
        .all("day")
        .find_map(|d| d.attr("start").and_then(|s| build::instant(s, &tz).ok()))
    {
        b.stated_day_change(start.to_zoned(tz.clone()).time());
    }
    for track in conf.all("track").chain(
        root.child("tracks")
            .into_iter()
            .flat_map(|t| t.all("track")),
    ) {
        if let Some(name) = track
            .attr("name")
            .or(Some(track.text.trim()))
            .filter(|n| !n.is_empty())
        {
            b.track(name);
        }
    }

    let mut disagreements = 0;
    for day in root.all("day") {
        let day_date = match day.attr("date") {
            Some(d) => Some(d.trim().parse::<Date>().map_err(|e| {
                FormatError::at(day.line, "day/@date", format!("not a date: {d:?} ({e})"))
            })?),
            None => None,
        };
        for room in day.all("room") {
            let room_name = room.attr("name").unwrap_or_default().trim();
            if !room_name.is_empty() {
                b.room(room_name, None, None);
            }
            for ev in room.all("event") {
                let (item, disagrees) = event(ev, day_date, room_name, day_change, &tz)?;
                disagreements += usize::from(disagrees);
                b.push(item)?;
            }
        }
    }
    if disagreements > 0 {
        b.warn(
            None,
            Repair::DaysMismatch,
            format!(
                "{disagreements} events have a <start> that disagrees with their <date>: the date is used"
            ),
        );
    }
    b.finish()
}

fn date_part(text: &str) -> Option<Date> {
    text.trim().get(..10)?.parse().ok()
}

fn first_offset(root: &Element) -> Option<jiff::tz::Offset> {
    root.all("day")
        .flat_map(|d| d.all("room"))
        .flat_map(|r| r.all("event"))
        .filter_map(|e| e.text_of("date"))
        .find_map(build::offset_of)
}

/// One `<event>`; the flag says its `<start>` disagrees with its `<date>`.
fn event(
    ev: &Element,
    day: Option<Date>,
    room: &str,
    day_change: Option<Time>,
    tz: &TimeZone,
) -> Result<(Item, bool), FormatError> {
    let id = ev.attr("id").map(str::trim).filter(|i| !i.is_empty());
    let here = |field: &str| match id {
        Some(id) => format!("event[@id={id}]/{field}"),
        None => format!("event/{field}"),
    };
    let line_of = |field: &str| ev.child(field).map_or(ev.line, |c| c.line);
    let start_text = ev.text_of("start");
    let (start, disagrees) = match (ev.text_of("date"), start_text, day) {
        (Some(date), _, _) => {
            let at = build::instant(date, tz)
                .map_err(|m| FormatError::at(line_of("date"), here("date"), m))?;
            let local = at.to_zoned(tz.clone()).time();
            let stated = start_text
                .map(|s| {
                    s.parse::<Time>().map_err(|e| {
                        FormatError::at(line_of("start"), here("start"), format!("not a time: {e}"))
                    })
                })
                .transpose()?;
            let disagrees =
                stated.is_some_and(|s| (s.hour(), s.minute()) != (local.hour(), local.minute()));
            (at, disagrees)
        }
        (None, Some(start), Some(day)) => {
            let time: Time = start.parse().map_err(|e| {
                FormatError::at(line_of("start"), here("start"), format!("not a time: {e}"))
            })?;
            // Without <date>, a start before the day change is the next calendar day.
            let date = if day_change.is_some_and(|c| time < c) {
                day.tomorrow().unwrap_or(day)
            } else {
                day
            };
            let at = tz
                .to_timestamp(date.to_datetime(time))
                .map_err(|e| FormatError::at(line_of("start"), here("start"), e.to_string()))?;
            (at, false)
        }
        _ => {
            return Err(FormatError::at(
                ev.line,
                here("date"),
                "the event has neither <date> nor a <start> within a dated <day>",
            )
            .kind(ErrorKind::Missing));
        }
    };
    let minutes = match ev.text_of("duration") {
        Some(d) => build::duration_minutes(d)
            .map_err(|m| FormatError::at(line_of("duration"), here("duration"), m))?,
        None => 0,
    };
    let end = start
        .checked_add(jiff::SignedDuration::from_mins(i64::from(minutes)))
        .map_err(|e| FormatError::at(line_of("duration"), here("duration"), e.to_string()))?;
    let persons = ev
        .child("persons")
        .into_iter()
        .flat_map(|p| p.all("person"))
        .map(|p| {
            let mut person = Person::named(&p.text);
            if let Some(id) = p.attr("id").or(p.attr("guid")) {
                person.key = format!("id:{id}");
            }
            person
        })
        .collect();
    let text = |name: &str| ev.child(name).map(|c| c.text.clone()).unwrap_or_default();
    let room_name = ev.text_of("room").unwrap_or(room);
    Ok((
        Item {
            line: Some(ev.line),
            guid: ev.attr("guid").and_then(|g| Guid::parse(g.trim()).ok()),
            id: id.map(str::to_owned),
            title: text("title"),
            subtitle: text("subtitle"),
            abstract_text: text("abstract"),
            description: text("description"),
            language: ev.text_of("language").map(str::to_owned),
            session_type: ev.text_of("type").map(build::session_type),
            track: ev.text_of("track").map(str::to_owned),
            room: Some((room_name.to_owned(), None)),
            event: None,
            start: Some(start),
            end: Some(end),
            duration_minutes: None,
            persons,
            url: ev
                .text_of("origin_url")
                .or(ev.text_of("url"))
                .map(str::to_owned),
            do_not_record: ev
                .child("recording")
                .and_then(|r| r.text_of("optout"))
                .is_some_and(|o| o.eq_ignore_ascii_case("true")),
            file_day: day,
            time_line: None,
            time_field: None,
            all_day: false,
        },
        disagrees,
    ))
}

/// Writes a schedule as frab XML that passes the c3voc XSD.
pub fn write(export: &Export<'_>) -> String {
    let s = export.schedule;
    let mut out = String::with_capacity(256 * (s.sessions.len() + 8));
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<schedule>\n");
    let _ = writeln!(
        out,
        "  <generator name=\"hallway\" version=\"{}\"/>",
        esc(env!("CARGO_PKG_VERSION"))
    );
    let _ = writeln!(out, "  <version>{}</version>", esc(&export.version));
    out.push_str("  <conference>\n");
    let conf = frab::conference(export);
    let _ = writeln!(out, "    <acronym>{}</acronym>", esc(&conf.acronym));
    let _ = writeln!(out, "    <title>{}</title>", esc(&s.edition.name));
    let _ = writeln!(out, "    <start>{}</start>", s.edition.start_date);
    let _ = writeln!(out, "    <end>{}</end>", s.edition.end_date);
    let _ = writeln!(out, "    <days>{}</days>", conf.days.len());
    let _ = writeln!(
        out,
        "    <timeslot_duration>{}</timeslot_duration>",
        frab::hhmm(conf.timeslot_minutes)
    );
    let _ = writeln!(out, "    <base_url>{}</base_url>", esc(&conf.base_url));
    let _ = writeln!(
        out,
        "    <time_zone_name>{}</time_zone_name>",
        esc(&s.edition.time_zone)
    );
    for t in &s.tracks {
        match frab::track_slug(&t.slug) {
            Some(slug) => {
                let _ = writeln!(
                    out,
                    "    <track name=\"{}\" slug=\"{slug}\">{}</track>",
                    esc(&t.name),
                    esc(&t.name)
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "    <track name=\"{}\">{}</track>",
                    esc(&t.name),
                    esc(&t.name)
                );
            }
        }
    }
    out.push_str("  </conference>\n");
    for day in &conf.days {
        let _ = writeln!(
            out,
            "  <day index=\"{}\" date=\"{}\" start=\"{}\" end=\"{}\">",
            day.index, day.date, day.start, day.end
        );
        for room in &day.rooms {
            match room.guid {
                Some(g) => {
                    let _ = writeln!(out, "    <room name=\"{}\" guid=\"{g}\">", esc(room.name));
                }
                None => {
                    let _ = writeln!(out, "    <room name=\"{}\">", esc(room.name));
                }
            }
            for e in &room.events {
                let _ = writeln!(out, "      <event guid=\"{}\" id=\"{}\">", e.guid, e.id);
                let field = |out: &mut String, name: &str, value: &str| {
                    let _ = writeln!(out, "        <{name}>{}</{name}>", esc(value));
                };
                field(&mut out, "date", &e.date);
                field(&mut out, "start", &e.start);
                field(&mut out, "duration", &e.duration);
                field(&mut out, "room", room.name);
                field(&mut out, "slug", &e.slug);
                field(&mut out, "url", &e.url);
                if let Some(origin) = &e.origin_url {
                    field(&mut out, "origin_url", origin);
                }
                field(&mut out, "title", &e.session.title);
                field(&mut out, "subtitle", &e.session.subtitle);
                field(&mut out, "track", e.track.unwrap_or_default());
                field(&mut out, "type", e.session.session_type.as_str());
                field(
                    &mut out,
                    "language",
                    e.session.language.as_deref().unwrap_or_default(),
                );
                field(&mut out, "abstract", &e.session.abstract_text);
                field(&mut out, "description", &e.session.description);
                let _ = writeln!(
                    out,
                    "        <recording><license></license><optout>{}</optout></recording>",
                    e.session.do_not_record
                );
                out.push_str("        <persons>\n");
                for p in &e.persons {
                    let _ = writeln!(
                        out,
                        "          <person id=\"{}\">{}</person>",
                        p.id,
                        esc(&p.name)
                    );
                }
                out.push_str("        </persons>\n        <links/>\n        <attachments/>\n");
                out.push_str("      </event>\n");
            }
            out.push_str("    </room>\n");
        }
        out.push_str("  </day>\n");
    }
    out.push_str("</schedule>\n");
    out
}

/// Escapes text for element content and attribute values, and drops characters XML 1.0 forbids.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}
