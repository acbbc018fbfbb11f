//! c3voc's `schedule.json` as frab and pretalx write it (version 1: events within days and
//! rooms), the flat version 2 drafts (`schedule.events`), read leniently; version 1 written to
//! pass the c3voc JSON schema with format checks.

use crate::build::{self, Builder, Item, Person};
use crate::error::{ErrorKind, FormatError};
use crate::frab::{self, Export};
use crate::{ImportOptions, Imported};
use hallway_domain::{Guid, Slug};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::Value;

/// A JSON syntax error, located.
pub fn syntax_error(e: &serde_json::Error) -> FormatError {
    let kind = match e.classify() {
        serde_json::error::Category::Eof => ErrorKind::Truncated,
        serde_json::error::Category::Syntax => ErrorKind::Syntax,
        _ => ErrorKind::Invalid,
    };
    let what = match kind {
        ErrorKind::Truncated => "the file ends in the middle of a JSON value: is it truncated?",
        _ => "not valid JSON",
    };
    FormatError::line(e.line(), format!("{what} (column {}: {e})", e.column())).kind(kind)
}

fn text<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A value that should be a string but is sometimes written as a number (ids).
fn id_text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// What a JSON value is, in words, for errors.
fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Refuses a value of the wrong type where the format wants text, instead of reading it as
/// missing: a numeric `duration` is not a session of no length.
fn expect_text(v: &Value, keys: &[&str], path: &str) -> Result<(), FormatError> {
    for key in keys {
        match v.get(*key) {
            None | Some(Value::Null | Value::String(_)) => {}
            Some(other) => {
                return Err(invalid(
                    &format!("{path}.{key}"),
                    format!("expected text, found {} ({other})", kind_of(other)),
                ));
            }
        }
    }
    Ok(())
}

fn invalid(path: &str, message: impl Into<String>) -> FormatError {
    FormatError::field(path, message)
}

pub fn read(bytes: &[u8], opts: &ImportOptions) -> Result<Imported, FormatError> {
    let text_ = crate::xml::utf8(bytes)?;
    if text_.trim().is_empty() {
        return Err(FormatError::whole("the file is empty").kind(ErrorKind::Empty));
    }
    let root: Value = serde_json::from_str(text_).map_err(|e| syntax_error(&e))?;
    if root.get("schedule").is_none()
        && root.get("title").is_some()
        && (root.get("speakers").is_some() || root.get("submission_type").is_some())
    {
        return Err(FormatError::whole(
            "this is a c3voc submission (one proposal), not a schedule",
        )
        .kind(ErrorKind::Unsupported));
    }
    let schedule = root.get("schedule").unwrap_or(&root);
    let conf = schedule.get("conference").ok_or_else(|| {
        invalid("schedule.conference", "the file has no conference").kind(ErrorKind::Missing)
    })?;
    expect_text(
        conf,
        &[
            "acronym",
            "title",
            "start",
            "end",
            "time_zone_name",
            "venue",
        ],
        "schedule.conference",
    )?;
    let acronym = text(conf, "acronym");
    let name = text(conf, "title").or(acronym).ok_or_else(|| {
        invalid("schedule.conference.title", "the conference has no title").kind(ErrorKind::Missing)
    })?;
    let slug = opts.edition.clone().unwrap_or_else(|| {
        acronym
            .and_then(|a| Slug::parse(a).ok())
            .unwrap_or_else(|| Slug::from_name(acronym.unwrap_or(name), "edition"))
    });
    let flat = schedule.get("events").and_then(Value::as_array);
    let days = conf.get("days").and_then(Value::as_array);
    let first_offset = flat
        .into_iter()
        .flatten()
        .filter_map(|e| text(e, "start").or(text(e, "date")))
        .chain(
            days.into_iter()
                .flatten()
                .filter_map(|d| d.get("rooms").and_then(Value::as_object))
                .flat_map(|r| r.values())
                .filter_map(Value::as_array)
                .flatten()
                .filter_map(|e| text(e, "date")),
        )
        .find_map(build::offset_of);
    let zone = build::venue_zone(text(conf, "time_zone_name"), opts, &slug, || {
        first_offset
            .and_then(build::zone_of_offset)
            .map(|tz| (tz, "the fixed offset its times are written with".to_owned()))
    })?;
    let venue = text(conf, "venue").unwrap_or_default();
    let mut b = Builder::new(slug, Some(name), venue, zone);
    b.time_field("date");
    let tz = b.tz();
    if let (Some(s), Some(e)) = (text(conf, "start"), text(conf, "end"))
        && let (Some(s), Some(e)) = (date_part(s), date_part(e))
    {
        b.stated_dates(s, e);
    }

    // Where days start says when they change.
    if let Some(start) = days
        .into_iter()
        .flatten()
        .find_map(|d| text(d, "day_start").and_then(|s| build::instant(s, &tz).ok()))
    {
        b.stated_day_change(start.to_zoned(tz.clone()).time());
    }

    // Tracks and rooms the conference declares, with the capacities version 2 gives.
    let mut track_names = std::collections::HashMap::new();
    for t in conf
        .get("tracks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(name) = text(t, "name") {
            b.track(name);
            if let Some(slug) = text(t, "slug") {
                track_names.insert(slug.to_owned(), name.to_owned());
            }
        }
    }
    for r in conf
        .get("rooms")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(name) = text(r, "name") {
            let capacity = r
                .get("capacity")
                .and_then(Value::as_f64)
                .filter(|c| *c >= 0.0 && *c < 1e9)
                .map(|c| c as u32);
            b.room(name, None, capacity);
        }
    }

    if let Some(events) = flat {
        for (i, ev) in events.iter().enumerate() {
            let path = format!("schedule.events[{i}]");
            let item = event(ev, &path, None, None, &tz, &track_names)?;
            b.push(item)?;
        }
    }
    for (d, day) in days.into_iter().flatten().enumerate() {
        let day_path = format!("schedule.conference.days[{d}]");
        expect_text(day, &["date", "day_start", "day_end"], &day_path)?;
        let date =
            match text(day, "date") {
                Some(s) => Some(s.parse::<Date>().map_err(|e| {
                    invalid(&format!("{day_path}.date"), format!("not a date: {e}"))
                })?),
                None => None,
            };
        let Some(rooms) = day.get("rooms").and_then(Value::as_object) else {
            continue;
        };
        for (room, events) in rooms {
            if !room.trim().is_empty() {
                b.room(room, None, None);
            }
            for (i, ev) in events.as_array().into_iter().flatten().enumerate() {
                let path = format!("{day_path}.rooms[{room:?}][{i}]");
                let item = event(ev, &path, date, Some(room), &tz, &track_names)?;
                b.push(item)?;
            }
        }
    }
    b.finish()
}

fn date_part(text: &str) -> Option<Date> {
    text.get(..10)?.parse().ok()
}

fn event(
    ev: &Value,
    path: &str,
    day: Option<Date>,
    room: Option<&str>,
    tz: &TimeZone,
    track_names: &std::collections::HashMap<String, String>,
) -> Result<Item, FormatError> {
    let at = |field: &str| format!("{path}.{field}");
    const TEXT: [&str; 13] = [
        "guid",
        "title",
        "subtitle",
        "abstract",
        "description",
        "language",
        "type",
        "date",
        "start",
        "end",
        "duration",
        "url",
        "origin_url",
    ];
    expect_text(ev, &TEXT, path)?;
    // Version 1 has `date` + `duration` (and sometimes `end`); version 2 has `start` + `end`.
    let start_text = text(ev, "date").or_else(|| text(ev, "start").filter(|s| s.len() > 5));
    let start = match start_text {
        Some(s) => build::instant(s, tz).map_err(|m| invalid(&at("date"), m))?,
        None => match (text(ev, "start"), day) {
            (Some(hhmm), Some(day)) => {
                let t: jiff::civil::Time = hhmm
                    .parse()
                    .map_err(|e| invalid(&at("start"), format!("not a time: {e}")))?;
                tz.to_timestamp(day.to_datetime(t))
                    .map_err(|e| invalid(&at("start"), e.to_string()))?
            }
            _ => {
                return Err(invalid(&at("date"), "the event has no date").kind(ErrorKind::Missing));
            }
        },
    };
    let end = match (text(ev, "end"), text(ev, "duration")) {
        (Some(e), _) if e.len() > 5 => build::instant(e, tz).map_err(|m| invalid(&at("end"), m))?,
        (_, Some(d)) => {
            let minutes = build::duration_minutes(d).map_err(|m| invalid(&at("duration"), m))?;
            start
                .checked_add(jiff::SignedDuration::from_mins(i64::from(minutes)))
                .map_err(|e| invalid(&at("duration"), e.to_string()))?
        }
        _ => start,
    };
    if end < start {
        return Err(invalid(&at("end"), "the event ends before it starts"));
    }
    let room_name = match ev.get("room") {
        Some(Value::String(s)) => Some(s.trim().to_owned()),
        Some(Value::Object(o)) => o
            .get("name")
            .and_then(Value::as_str)
            .map(|s| s.trim().to_owned()),
        _ => room.map(str::to_owned),
    };
    let track = match ev.get("track") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Object(o)) => o
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| {
                o.get("slug").and_then(Value::as_str).map(|slug| {
                    track_names
                        .get(slug)
                        .cloned()
                        .unwrap_or_else(|| slug.to_owned())
                })
            }),
        _ => None,
    };
    let people = ev
        .get("persons")
        .or_else(|| ev.get("participants"))
        .or_else(|| ev.get("speakers"))
        .and_then(Value::as_array);
    let persons = people
        .into_iter()
        .flatten()
        .filter_map(|p| {
            let name = text(p, "public_name")
                .or(text(p, "name"))
                .or(text(p, "full_name"))?;
            let mut person = Person::named(name);
            if let Some(key) = text(p, "code")
                .map(str::to_owned)
                .or_else(|| id_text(p, "id"))
                .or_else(|| text(p, "guid").map(str::to_owned))
            {
                person.key = format!("id:{key}");
            }
            person.bio = text(p, "biography").unwrap_or_default().to_owned();
            Some(person)
        })
        .collect();
    let string = |key: &str| {
        ev.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    Ok(Item {
        line: None,
        guid: text(ev, "guid").and_then(|g| Guid::parse(g).ok()),
        id: id_text(ev, "id").or_else(|| text(ev, "code").map(str::to_owned)),
        title: string("title"),
        subtitle: string("subtitle"),
        abstract_text: string("abstract"),
        description: string("description"),
        language: text(ev, "language").map(str::to_owned),
        session_type: text(ev, "type").map(build::session_type),
        track,
        room: room_name.map(|n| (n, None)),
        event: None,
        start: Some(start),
        end: Some(end),
        duration_minutes: None,
        persons,
        url: text(ev, "origin_url")
            .or(text(ev, "url"))
            .map(str::to_owned),
        do_not_record: ev
            .get("do_not_record")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        file_day: day,
        time_line: None,
        time_field: Some(at("date")),
        all_day: false,
    })
}

#[derive(Serialize)]
struct Doc<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    generator: Generator,
    schedule: ScheduleOut<'a>,
}

#[derive(Serialize)]
struct Generator {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct ScheduleOut<'a> {
    version: &'a str,
    base_url: &'a str,
    conference: ConferenceOut<'a>,
}

#[derive(Serialize)]
struct ConferenceOut<'a> {
    acronym: &'a str,
    title: &'a str,
    start: String,
    end: String,
    #[serde(rename = "daysCount")]
    days_count: usize,
    timeslot_duration: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_zone_name: Option<&'a str>,
    url: &'a str,
    tracks: Vec<TrackOut<'a>>,
    rooms: Vec<RoomOut<'a>>,
    days: Vec<DayOut<'a>>,
}

#[derive(Serialize)]
struct TrackOut<'a> {
    name: &'a str,
    slug: &'a str,
}

#[derive(Serialize)]
struct RoomOut<'a> {
    name: &'a str,
    guid: String,
    slug: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    capacity: Option<u32>,
}

#[derive(Serialize)]
struct DayOut<'a> {
    index: usize,
    date: String,
    day_start: &'a str,
    day_end: &'a str,
    rooms: Rooms<'a>,
}

/// Rooms in the schedule's order (a JSON object, but apps read its order).
struct Rooms<'a>(Vec<(&'a str, Vec<EventOut<'a>>)>);

impl Serialize for Rooms<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (name, events) in &self.0 {
            map.serialize_entry(name, events)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct EventOut<'a> {
    guid: String,
    id: u32,
    date: &'a str,
    end: &'a str,
    start: &'a str,
    duration: &'a str,
    room: &'a str,
    slug: &'a str,
    url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    origin_url: Option<&'a str>,
    title: &'a str,
    subtitle: &'a str,
    track: Option<&'a str>,
    #[serde(rename = "type")]
    kind: &'a str,
    language: Option<&'a str>,
    #[serde(rename = "abstract")]
    abstract_text: &'a str,
    description: &'a str,
    recording_license: &'a str,
    do_not_record: bool,
    persons: Vec<PersonOut<'a>>,
    links: [(); 0],
    attachments: [(); 0],
}

/// frab's person shape: exactly what the schema's `FrabPerson` asks for, so it is not also a
/// `PretalxPerson` (the schema wants one of the two).
#[derive(Serialize)]
struct PersonOut<'a> {
    id: u32,
    public_name: &'a str,
}

/// The schema's zone pattern admits `Area/City` names and UTC only.
fn schema_zone(tz: &str) -> Option<&str> {
    let mut parts = tz.split('/');
    let word = |w: Option<&str>| {
        w.is_some_and(|w| {
            let mut c = w.chars();
            c.next().is_some_and(|f| f.is_ascii_uppercase())
                && c.next().is_some_and(|s| s.is_ascii_lowercase())
        })
    };
    (tz.ends_with("UTC") || (word(parts.next()) && word(parts.next()))).then_some(tz)
}

/// Writes a schedule as c3voc `schedule.json` (version 1).
pub fn write(export: &Export<'_>) -> String {
    let s = export.schedule;
    let conf = frab::conference(export);
    let days = conf
        .days
        .iter()
        .map(|d| DayOut {
            index: d.index,
            date: d.date.to_string(),
            day_start: &d.start,
            day_end: &d.end,
            rooms: Rooms(
                d.rooms
                    .iter()
                    .map(|r| {
                        let events = r
                            .events
                            .iter()
                            .map(|e| EventOut {
                                guid: e.guid.to_string(),
                                id: e.id,
                                date: &e.date,
                                end: &e.end,
                                start: &e.start,
                                duration: &e.duration,
                                room: r.name,
                                slug: &e.slug,
                                url: &e.url,
                                origin_url: e.origin_url.as_deref(),
                                title: &e.session.title,
                                subtitle: &e.session.subtitle,
                                track: e.track,
                                kind: e.session.session_type.as_str(),
                                language: e.session.language.as_deref(),
                                abstract_text: &e.session.abstract_text,
                                description: &e.session.description,
                                recording_license: "",
                                do_not_record: e.session.do_not_record,
                                persons: e
                                    .persons
                                    .iter()
                                    .map(|p| PersonOut {
                                        id: p.id,
                                        public_name: &p.name,
                                    })
                                    .collect(),
                                links: [],
                                attachments: [],
                            })
                            .collect();
                        (r.name, events)
                    })
                    .collect(),
            ),
        })
        .collect();
    let doc = Doc {
        schema: "https://c3voc.de/schedule/schema.json",
        generator: Generator {
            name: "hallway",
            version: env!("CARGO_PKG_VERSION"),
        },
        schedule: ScheduleOut {
            version: &export.version,
            base_url: &conf.base_url,
            conference: ConferenceOut {
                acronym: &conf.acronym,
                title: &s.edition.name,
                start: s.edition.start_date.to_string(),
                end: s.edition.end_date.to_string(),
                days_count: conf.days.len(),
                timeslot_duration: frab::hhmm(conf.timeslot_minutes),
                time_zone_name: schema_zone(&s.edition.time_zone),
                url: &conf.base_url,
                tracks: s
                    .tracks
                    .iter()
                    .map(|t| TrackOut {
                        name: &t.name,
                        slug: t.slug.as_str(),
                    })
                    .collect(),
                rooms: s
                    .rooms
                    .iter()
                    .map(|r| RoomOut {
                        name: &r.name,
                        guid: Guid::derive(&s.edition.slug, &format!("room/{}", r.slug), 0)
                            .to_string(),
                        slug: r.slug.as_str(),
                        capacity: r.capacity,
                    })
                    .collect(),
                days,
            },
        },
    };
    // Serializing plain structs and strings cannot fail.
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_names_the_schema_admits() {
        assert_eq!(schema_zone("Europe/Amsterdam"), Some("Europe/Amsterdam"));
        assert_eq!(schema_zone("America/New_York"), Some("America/New_York"));
        assert_eq!(schema_zone("UTC"), Some("UTC"));
        assert_eq!(schema_zone("Etc/GMT-1"), None);
    }

    #[test]
    fn syntax_errors_are_located() {
        let err = read(
            b"{\n  \"schedule\": {\n    \"version\": 1,\n",
            &ImportOptions::default(),
        )
        .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Truncated, "{err}");
        assert_eq!(err.line, Some(4));
        let err = read(b"{\n \"a\": [1,,2]}", &ImportOptions::default()).unwrap_err();
        assert_eq!((err.kind, err.line), (ErrorKind::Syntax, Some(2)));
    }
}
