//! CSV schedules with a header row: Sched's exports (speakers packed into titles as
//! `Title - Name, Company; Name, Company`, civil times, no rooms) and Hallway's own, which
//! reads back whole. Columns are found by their header names, in any order.

use crate::build::{self, Builder, Item, Person};
use crate::byline::{Byline, Bylines};
use crate::error::{ErrorKind, FormatError, Repair};
use crate::frab::Export;
use crate::html::decode_entities;
use crate::sched;
use crate::{ImportOptions, Imported};
use hallway_domain::{Guid, SessionType, Slug};
use std::collections::HashMap;

/// A record and the line it starts on.
#[derive(Debug)]
pub struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

/// Splits CSV text into records (RFC 4180: quoted fields, doubled quotes, line breaks inside
/// quotes, CRLF or LF). Quoting is strict: a stray quote would otherwise swallow rows into one
/// field and the file would import as something else.
pub fn records(text: &str) -> Result<Vec<Record>, FormatError> {
    let mut out = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut record_line = 1;
    let mut quoted = false;
    let mut quote_line = 0;
    let mut at_field_start = true;
    // Just past a closing quote, where only a separator or the end of the record may follow.
    let mut closed = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => {
                    quoted = false;
                    closed = true;
                }
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                c => field.push(c),
            }
            continue;
        }
        if closed && !matches!(c, ',' | '\r' | '\n') {
            return Err(FormatError::line(
                line,
                format!(
                    "{c:?} after the closing quote of a field opened on line {quote_line}: a stray quote?"
                ),
            )
            .kind(ErrorKind::Syntax));
        }
        closed = false;
        match c {
            '"' if at_field_start => {
                quoted = true;
                quote_line = line;
                at_field_start = false;
            }
            '"' => {
                return Err(FormatError::line(
                    line,
                    "a quote inside a field that does not start with one: a stray quote?",
                )
                .kind(ErrorKind::Syntax));
            }
            ',' => {
                fields.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            '\r' => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                if !(fields.len() == 1 && fields[0].is_empty()) {
                    out.push(Record {
                        line: record_line,
                        fields: std::mem::take(&mut fields),
                    });
                }
                fields.clear();
                line += 1;
                record_line = line;
                at_field_start = true;
            }
            c => {
                field.push(c);
                at_field_start = false;
            }
        }
    }
    if quoted {
        return Err(FormatError::line(
            quote_line,
            "a quoted field is never closed: is the file truncated?",
        )
        .kind(ErrorKind::Truncated));
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        out.push(Record {
            line: record_line,
            fields,
        });
    }
    Ok(out)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    Guid,
    Id,
    Url,
    Title,
    Subtitle,
    Kind,
    Track,
    Event,
    Date,
    Start,
    End,
    Duration,
    Room,
    Speakers,
    Abstract,
    Description,
    Language,
    DoNotRecord,
}

fn column(header: &str) -> Option<Column> {
    let h = header.trim().to_lowercase().replace(['_', '-'], " ");
    Some(match h.as_str() {
        "guid" => Column::Guid,
        "id" | "uid" | "event key" | "session id" => Column::Id,
        "url" | "link" => Column::Url,
        "title" | "name" | "session title" | "session" => Column::Title,
        "subtitle" => Column::Subtitle,
        "type" | "event types" | "event type" | "session type" | "category" | "categories" => {
            Column::Kind
        }
        "track" => Column::Track,
        "event" => Column::Event,
        "date" => Column::Date,
        "start" | "start local" | "start time" | "starts" => Column::Start,
        "end" | "end local" | "end time" | "ends" => Column::End,
        "duration" | "duration minutes" => Column::Duration,
        "room" | "venue" | "location" => Column::Room,
        "speakers" | "speaker" => Column::Speakers,
        "abstract" => Column::Abstract,
        "description" => Column::Description,
        "language" => Column::Language,
        "do not record" => Column::DoNotRecord,
        _ => return None,
    })
}

/// Whether a first line reads as the header of a schedule CSV.
pub fn looks_like_header(line: &str) -> bool {
    let cols: Vec<Option<Column>> = line.split(',').map(column).collect();
    cols.contains(&Some(Column::Title)) && cols.contains(&Some(Column::Start))
}

/// The Sched subdomain of a session URL: `https://kccnceu2025.sched.com/event/...`.
fn sched_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let host = rest.split('/').next()?;
    host.strip_suffix(".sched.com")
}

/// Sched's event key: the path segment after `/event/`.
fn sched_key(url: &str) -> Option<&str> {
    url.split("/event/").nth(1)?.split('/').next()
}

pub fn read(bytes: &[u8], opts: &ImportOptions) -> Result<Imported, FormatError> {
    let text = crate::xml::utf8(bytes)?;
    let rows = records(text)?;
    let Some((header, rows)) = rows.split_first() else {
        return Err(FormatError::whole("the file is empty").kind(ErrorKind::Empty));
    };
    let mut cols: HashMap<Column, usize> = HashMap::new();
    for (i, h) in header.fields.iter().enumerate() {
        if let Some(c) = column(h) {
            cols.entry(c).or_insert(i);
        }
    }
    for (needed, name) in [(Column::Title, "title"), (Column::Start, "start")] {
        if !cols.contains_key(&needed) {
            return Err(FormatError::at(
                header.line,
                name,
                format!("the header has no {name} column"),
            )
            .kind(ErrorKind::Missing));
        }
    }
    let width = header.fields.len();
    if let Some(r) = rows.iter().find(|r| r.fields.len() != width) {
        return Err(FormatError::line(
            r.line,
            format!(
                "{} fields where the header has {width}: is the file cut off or a quote stray?",
                r.fields.len()
            ),
        )
        .kind(if r.fields.len() < width {
            ErrorKind::Truncated
        } else {
            ErrorKind::Syntax
        }));
    }
    let get = |r: &'_ Record, c: Column| -> Option<String> {
        cols.get(&c)
            .and_then(|&i| r.fields.get(i))
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let first_url = rows.iter().find_map(|r| get(r, Column::Url));
    let sched_edition = first_url.as_deref().and_then(sched_host).map(str::to_owned);
    // Sched's own exports: Sched URLs, speakers packed into titles, no GUIDs.
    let is_sched = sched_edition.is_some()
        && !cols.contains_key(&Column::Guid)
        && !cols.contains_key(&Column::Speakers);
    let slug = match (&opts.edition, &sched_edition) {
        (Some(e), _) => e.clone(),
        (None, Some(host)) => Slug::from_name(host, "edition"),
        (None, None) => {
            return Err(FormatError::whole(
                "a CSV file does not name its edition: give it (e.g. --edition kccnceu2025)",
            )
            .kind(ErrorKind::Missing));
        }
    };
    let first_start = rows.iter().find_map(|r| get(r, Column::Start));
    let zone = build::venue_zone(None, opts, &slug, || {
        first_start
            .as_deref()
            .and_then(build::offset_of)
            .and_then(build::zone_of_offset)
            .map(|tz| (tz, "the fixed offset its times are written with".to_owned()))
    })?;
    let mut b = Builder::new(slug, None, "", zone);
    b.time_field("start");
    let tz = b.tz();
    let mut without_end = 0;
    let titles: Vec<String> = rows
        .iter()
        .filter(|_| is_sched)
        .filter_map(|r| get(r, Column::Title))
        .map(|t| decode_entities(&t))
        .collect();
    let mut bylines = Bylines::learn(titles.iter().map(String::as_str));
    for r in rows {
        let at = |c: &str| FormatError::at(r.line, c, "");
        let title = get(r, Column::Title).unwrap_or_default();
        let start_text = match (get(r, Column::Date), get(r, Column::Start)) {
            (Some(d), Some(t)) if t.len() <= 8 => Some(format!("{d}T{t}")),
            (_, s) => s,
        };
        let start = match start_text {
            Some(s) => Some(build::instant(&s, &tz).map_err(|m| FormatError {
                message: m,
                ..at("start")
            })?),
            None => None,
        };
        let end = match (get(r, Column::End), get(r, Column::Duration), start) {
            (Some(e), _, _) => {
                let e = match get(r, Column::Date) {
                    Some(d) if e.len() <= 8 => format!("{d}T{e}"),
                    _ => e,
                };
                Some(build::instant(&e, &tz).map_err(|m| FormatError {
                    message: m,
                    ..at("end")
                })?)
            }
            (None, Some(d), Some(s)) => {
                let minutes = d
                    .parse::<u32>()
                    .map_err(|_| "not a number of minutes".to_owned())
                    .or_else(|_| build::duration_minutes(&d))
                    .map_err(|m| FormatError {
                        message: m,
                        ..at("duration")
                    })?;
                Some(
                    s.checked_add(jiff::SignedDuration::from_mins(i64::from(minutes)))
                        .map_err(|e| FormatError {
                            message: e.to_string(),
                            ..at("duration")
                        })?,
                )
            }
            _ => {
                without_end += usize::from(start.is_some());
                start
            }
        };
        let url = get(r, Column::Url);
        let kinds = get(r, Column::Kind).unwrap_or_default();
        let (title, persons, track, event, session_type) = if is_sched {
            let categories: Vec<String> = kinds
                .split(", ")
                .map(|c| decode_entities(c.trim()))
                .filter(|c| !c.is_empty())
                .collect();
            let (title, people) = bylines.split(&decode_entities(&title));
            let co_located = categories
                .iter()
                .any(|c| c.to_ascii_uppercase().contains("CO-LOCATED"));
            let block =
                matches!((start, end), (Some(a), Some(b)) if b.duration_since(a) >= sched::BLOCK);
            let session_type = if co_located && block {
                SessionType::Event
            } else {
                sched::session_type(&categories, &title, co_located)
            };
            let event = co_located.then(|| sched::co_located_name(&title));
            let persons = people.into_iter().map(Byline::person).collect();
            (
                title,
                persons,
                categories.first().cloned(),
                event,
                session_type,
            )
        } else {
            let persons = get(r, Column::Speakers)
                .map(|s| speakers(&s))
                .unwrap_or_default();
            (
                title,
                persons,
                get(r, Column::Track),
                get(r, Column::Event),
                build::session_type(&kinds),
            )
        };
        let id = get(r, Column::Id).or_else(|| {
            url.as_deref()
                .filter(|_| is_sched)
                .and_then(sched_key)
                .map(str::to_owned)
        });
        b.push(Item {
            line: Some(r.line),
            guid: get(r, Column::Guid).and_then(|g| Guid::parse(&g).ok()),
            id,
            title,
            subtitle: get(r, Column::Subtitle).unwrap_or_default(),
            abstract_text: get(r, Column::Abstract)
                .or_else(|| {
                    if is_sched {
                        get(r, Column::Description)
                    } else {
                        None
                    }
                })
                .map(|d| if is_sched { decode_entities(&d) } else { d })
                .unwrap_or_default(),
            description: if is_sched {
                String::new()
            } else {
                get(r, Column::Description).unwrap_or_default()
            },
            language: get(r, Column::Language),
            session_type: Some(session_type),
            track,
            room: get(r, Column::Room).map(|room| (room, None)),
            event,
            start,
            end,
            duration_minutes: None,
            persons,
            url,
            do_not_record: get(r, Column::DoNotRecord)
                .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "yes" | "1")),
            file_day: None,
            time_line: None,
            time_field: None,
            all_day: false,
        })?;
    }
    if let Some(report) = bylines.report() {
        b.warn(None, Repair::Speakers, report);
    }
    if without_end > 0 {
        b.warn(
            None,
            Repair::Incomplete,
            format!(
                "{without_end} sessions have no end time: they are imported without a duration"
            ),
        );
    }
    b.finish()
}

/// `Name (Affiliation); Name` as Hallway writes speakers: `\\`, `;`, `(` and `)` within a
/// name or an affiliation are escaped with a backslash.
fn speakers(cell: &str) -> Vec<Person> {
    let mut people = Vec::new();
    let (mut name, mut affiliation) = (String::new(), None::<String>);
    let mut chars = cell.chars();
    let mut finish = |name: &mut String, affiliation: &mut Option<String>| {
        if !name.trim().is_empty() {
            people.push(Person {
                affiliation: affiliation.take().map(|a| a.trim().to_owned()),
                ..Person::named(name)
            });
        }
        name.clear();
        *affiliation = None;
    };
    while let Some(c) = chars.next() {
        match c {
            ';' => finish(&mut name, &mut affiliation),
            '(' if affiliation.is_none() => affiliation = Some(String::new()),
            ')' => {}
            c => {
                let target = affiliation.as_mut().unwrap_or(&mut name);
                match c {
                    '\\' => target.extend(chars.next()),
                    c => target.push(c),
                }
            }
        }
    }
    finish(&mut name, &mut affiliation);
    people
}

fn escape_person(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | ';' | '(' | ')') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn field(out: &mut String, value: &str) {
    if value.contains([',', '"', '\n', '\r']) || value.starts_with(' ') || value.ends_with(' ') {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

const HEADER: [&str; 17] = [
    "guid",
    "id",
    "title",
    "subtitle",
    "type",
    "track",
    "event",
    "start",
    "end",
    "room",
    "speakers",
    "language",
    "abstract",
    "description",
    "url",
    "duration_minutes",
    "do_not_record",
];

/// Writes one row per slot (RFC 4180, CRLF); sessions without a time get one row without one.
pub fn write(export: &Export<'_>) -> String {
    let s = export.schedule;
    let tz = s.edition.tz();
    let mut out = HEADER.join(",");
    out.push_str("\r\n");
    let rfc3339 = |t: jiff::Timestamp| {
        t.to_zoned(tz.clone())
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    };
    for x in &s.sessions {
        let speakers = x
            .speakers
            .iter()
            .filter_map(|sp| s.speaker(sp))
            .map(|sp| match &sp.affiliation {
                Some(a) => format!("{} ({})", escape_person(&sp.name), escape_person(a)),
                None => escape_person(&sp.name),
            })
            .collect::<Vec<_>>()
            .join("; ");
        let track = x
            .track
            .as_ref()
            .and_then(|t| s.track(t))
            .map(|t| t.name.as_str())
            .unwrap_or_default();
        let event = s
            .event(&x.event)
            .filter(|e| e.kind == hallway_domain::EventKind::CoLocated)
            .map(|e| e.name.as_str())
            .unwrap_or_default();
        let slots: Vec<Option<&hallway_domain::Slot>> = if x.slots.is_empty() {
            vec![None]
        } else {
            x.slots.iter().map(Some).collect()
        };
        for (n, slot) in slots.into_iter().enumerate() {
            let guid = if n == 0 {
                x.guid
            } else {
                Guid::derive(&s.edition.slug, &x.guid.to_string(), n as u32 + 1)
            };
            let values = [
                guid.to_string(),
                x.guid.to_string(),
                x.title.clone(),
                x.subtitle.clone(),
                x.session_type.as_str().to_owned(),
                track.to_owned(),
                event.to_owned(),
                slot.map(|sl| rfc3339(sl.start)).unwrap_or_default(),
                slot.map(|sl| rfc3339(sl.end)).unwrap_or_default(),
                slot.and_then(|sl| s.room_name(sl))
                    .unwrap_or_default()
                    .to_owned(),
                speakers.clone(),
                x.language.clone().unwrap_or_default(),
                x.abstract_text.clone(),
                x.description.clone(),
                x.web_url().unwrap_or_default().to_owned(),
                x.duration_minutes.to_string(),
                x.do_not_record.to_string(),
            ];
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                field(&mut out, v);
            }
            out.push_str("\r\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_follow_rfc_4180() {
        let r = records("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n\nlast,,\n").unwrap();
        assert_eq!(r.len(), 3);
        assert_eq!(r[1].fields, vec!["x, y", "say \"hi\"", "two\nlines"]);
        assert_eq!((r[2].line, r[2].fields.len()), (5, 3));
        let err = records("a,b\n\"open,\n").unwrap_err();
        assert_eq!((err.kind, err.line), (ErrorKind::Truncated, Some(2)));
    }

    #[test]
    fn speakers_with_affiliations() {
        let cell = format!(
            "{} ({}); {}",
            escape_person("Ada (Countess) Lovelace"),
            escape_person("Engines; Looms \\ Co"),
            escape_person("Grace Hopper")
        );
        let p = speakers(&cell);
        assert_eq!(p[0].name, "Ada (Countess) Lovelace");
        assert_eq!(p[0].affiliation.as_deref(), Some("Engines; Looms \\ Co"));
        assert_eq!(p[1].name, "Grace Hopper");
        let p = speakers("Ada Lovelace (Analytical Engines); Grace Hopper");
        assert_eq!(p[0].name, "Ada Lovelace");
        assert_eq!(p[0].affiliation.as_deref(), Some("Analytical Engines"));
        assert_eq!(
            (p[1].name.as_str(), p[1].affiliation.as_deref()),
            ("Grace Hopper", None)
        );
    }
}
