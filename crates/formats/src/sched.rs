//! A schedule from an iCalendar feed, with the conventions of Sched's exports: speakers packed
//! into SUMMARY, rooms in LOCATION followed by the venue's city and country, tracks in CATEGORIES,
//! co-located events as categories of their own, UTC times with no VTIMEZONE.

use crate::build::{self, Builder, Item, Person};
use crate::byline::{Byline, Bylines};
use crate::error::{ErrorKind, FormatError, Repair};
use crate::html::decode_entities;
use crate::ical::{self, Component};
use crate::{ImportOptions, Imported};
use hallway_domain::{Guid, SessionType, Slug};
use std::collections::{HashMap, HashSet};

/// Reads an iCalendar file (any producer; Sched's and frab's conventions when it is theirs).
pub fn read(bytes: &[u8], opts: &ImportOptions) -> Result<Imported, FormatError> {
    let cal = ical::parse(bytes)?;
    let events: Vec<&Component> = cal.children("VEVENT").collect();
    if events.is_empty() {
        return Err(FormatError::whole("the calendar has no VEVENT").kind(ErrorKind::Missing));
    }
    let prodid = cal.get("PRODID").map(|p| p.text()).unwrap_or_default();
    let is_sched = prodid.contains("Sched.com");
    // frab's calendars pack speakers into SUMMARY as "Title - Name, Name" and put the GUID in UID.
    let is_frab = events
        .iter()
        .filter_map(|e| e.get("UID"))
        .any(|u| u.value.contains("@frab"));

    let cal_name = cal
        .get("X-WR-CALNAME")
        .map(|p| p.text())
        .filter(|s| !s.trim().is_empty());
    let conference_name = sched_name(&prodid);
    let name = conference_name.clone().or_else(|| cal_name.clone());
    let slug = match (&opts.edition, &name) {
        (Some(e), _) => e.clone(),
        (None, Some(name)) => cal_name
            .as_deref()
            .and_then(|n| Slug::parse(n.trim()).ok())
            .unwrap_or_else(|| Slug::from_name(name, "edition")),
        (None, None) => {
            return Err(FormatError::whole(
                "the calendar has no name (PRODID or X-WR-CALNAME): give its edition (e.g. --edition 33c3)",
            )
            .kind(ErrorKind::Missing));
        }
    };

    let locations: Vec<String> = events
        .iter()
        .filter_map(|e| e.get("LOCATION"))
        .map(|p| p.text())
        .collect();
    let venue_suffix = common_suffix(&locations);
    let declared_zones: HashSet<String> = cal
        .children("VTIMEZONE")
        .filter_map(|z| z.get("TZID"))
        .map(|p| p.value.trim().to_owned())
        .collect();
    let stated = cal
        .get("X-WR-TIMEZONE")
        .map(|p| p.text().trim().to_owned())
        .filter(|tz| !matches!(tz.as_str(), "UTC" | "GMT" | "Etc/UTC" | ""))
        .or_else(|| {
            cal.children("VTIMEZONE")
                .filter_map(|z| z.get("TZID"))
                .map(|p| p.value.trim().trim_start_matches('/').to_owned())
                .next()
        });
    let city = venue_suffix
        .as_deref()
        .and_then(|v| v.split(',').next())
        .map(str::trim);
    let zone = build::venue_zone(stated.as_deref(), opts, &slug, || {
        city.and_then(build::zone_of_city)
            .map(|tz| (tz, "the zone of the venue's city".to_owned()))
    })?;
    let mut b = Builder::new(
        slug,
        name.as_deref(),
        venue_suffix.as_deref().unwrap_or_default(),
        zone,
    );
    if conference_name.is_none() {
        b.name_is_label();
    }
    b.time_field("DTSTART");
    let tz = b.tz();

    // Who is a person and what is a company is learnt from every title before any is split.
    let summaries: Vec<String> = events
        .iter()
        .filter(|_| is_sched)
        .filter_map(|ev| ev.get("SUMMARY").map(|p| decode_entities(&p.text())))
        .collect();
    let mut bylines = Bylines::learn(summaries.iter().map(String::as_str));
    let mut seen_uids: HashSet<String> = HashSet::new();
    let mut warned_zones: HashSet<String> = HashSet::new();
    for ev in events {
        let uid = match ev
            .get("UID")
            .map(|p| p.text())
            .filter(|u| !u.trim().is_empty())
        {
            Some(u) => u.trim().to_owned(),
            None => {
                b.warn(
                    Some(ev.line),
                    Repair::Skipped,
                    "VEVENT without UID: skipped",
                );
                continue;
            }
        };
        if !seen_uids.insert(uid.clone()) {
            b.warn(
                Some(ev.line),
                Repair::Skipped,
                format!("duplicate UID {uid}: the later VEVENT is skipped"),
            );
            continue;
        }
        let start_prop = ev.get("DTSTART").ok_or_else(|| {
            FormatError::at(ev.line, "DTSTART", "VEVENT without DTSTART").kind(ErrorKind::Missing)
        })?;
        for p in [Some(start_prop), ev.get("DTEND")].into_iter().flatten() {
            if let Some(id) = p.param("TZID")
                && !declared_zones.contains(id)
                && warned_zones.insert(id.to_owned())
            {
                b.warn(
                    Some(p.line),
                    Repair::ZoneAssumed,
                    format!("TZID {id} has no VTIMEZONE: read as the IANA zone of that name"),
                );
            }
        }
        let (start, unknown) = ical::instant(start_prop, &tz)?;
        let all_day = ical::is_date(start_prop);
        if unknown {
            b.warn(
                Some(start_prop.line),
                Repair::ZoneAssumed,
                "unknown TZID: read in the venue's zone",
            );
        }
        let end = match (ev.get("DTEND"), ev.get("DURATION")) {
            (Some(p), _) => ical::instant(p, &tz)?.0,
            (None, Some(p)) => {
                let bad = |e: &dyn std::fmt::Display| {
                    FormatError::at(p.line, "DURATION", format!("invalid duration: {e}"))
                };
                let span: jiff::Span = p.value.trim().parse().map_err(|e| bad(&e))?;
                let d = span
                    .to_duration(jiff::SpanRelativeTo::days_are_24_hours())
                    .map_err(|e| bad(&e))?;
                start.checked_add(d).map_err(|e| bad(&e))?
            }
            (None, None) => start,
        };
        if end < start {
            let line = ev.get("DTEND").map_or(ev.line, |p| p.line);
            return Err(FormatError::at(
                line,
                "DTEND",
                "the event ends before it starts",
            ));
        }
        let summary = ev
            .get("SUMMARY")
            .map(|p| decode_entities(&p.text()))
            .unwrap_or_default();
        let categories: Vec<String> = ev
            .all("CATEGORIES")
            .flat_map(|p| ical::text_list(&p.value))
            .map(|c| decode_entities(&c))
            .collect();
        let (title, persons) = if is_sched {
            let (title, people) = bylines.split(&summary);
            (title, people.into_iter().map(Byline::person).collect())
        } else if is_frab {
            split_frab_summary(&summary)
        } else {
            let attendees = ev
                .all("ATTENDEE")
                .filter_map(|a| a.param("CN").map(str::to_owned))
                .map(|n| Person::named(&n))
                .collect();
            (summary.trim().to_owned(), attendees)
        };
        let co_located = categories
            .iter()
            .any(|c| c.to_ascii_uppercase().contains("CO-LOCATED"));
        let room = ev
            .get("LOCATION")
            .map(|p| decode_entities(&p.text()))
            .filter(|l| !l.trim().is_empty())
            .map(|loc| room_of(&loc, venue_suffix.as_deref()));
        if room.is_none() {
            b.warn(
                Some(ev.line),
                Repair::Incomplete,
                format!("{uid}: no LOCATION, so the session has no room yet"),
            );
        }
        // frab puts the GUID before the @ of the UID.
        let guid = uid
            .split('@')
            .next()
            .filter(|g| g.len() == 36)
            .and_then(|g| Guid::parse(g).ok());
        let url = ev
            .get("URL")
            .map(|p| p.value.trim().to_owned())
            .filter(|u| !u.is_empty());
        // frab's pages are `.../events/8412.html`: its id, which frab's other formats carry too.
        let id = url
            .as_deref()
            .filter(|_| is_frab)
            .and_then(|u| u.rsplit_once("/events/"))
            .and_then(|(_, page)| page.strip_suffix(".html"))
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            .map_or(uid, str::to_owned);
        b.push(Item {
            line: Some(ev.line),
            guid,
            id: Some(id),
            session_type: Some(if co_located && end.duration_since(start) >= BLOCK {
                SessionType::Event
            } else {
                session_type(&categories, &title, co_located)
            }),
            event: co_located.then(|| co_located_name(&title)),
            title,
            subtitle: String::new(),
            abstract_text: ev
                .get("DESCRIPTION")
                .map(|p| decode_entities(&p.text()))
                .unwrap_or_default(),
            description: String::new(),
            language: None,
            track: categories.first().cloned(),
            room,
            start: Some(start),
            end: Some(end),
            duration_minutes: None,
            persons,
            url,
            do_not_record: false,
            file_day: None,
            time_line: Some(start_prop.line),
            time_field: None,
            all_day,
        })?;
    }
    if b.session_count() == 0 {
        return Err(FormatError::whole("no usable VEVENT in the calendar").kind(ErrorKind::Missing));
    }
    if let Some(report) = bylines.report() {
        b.warn(None, Repair::Speakers, report);
    }
    b.finish()
}

/// frab's "Title - Name, Name": names are what follows the last " - ".
fn split_frab_summary(summary: &str) -> (String, Vec<Person>) {
    match summary.rsplit_once(" - ") {
        Some((title, names)) if !title.trim().is_empty() => (
            title.trim().to_owned(),
            names
                .split(", ")
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(Person::named)
                .collect(),
        ),
        _ => (summary.trim().to_owned(), Vec::new()),
    }
}

/// "-//Sched.com KubeCon + CloudNativeCon Europe 2026//EN" names the conference.
fn sched_name(prodid: &str) -> Option<String> {
    let name = prodid.split("//").nth(1)?.strip_prefix("Sched.com")?.trim();
    (!name.is_empty()).then(|| name.to_owned())
}

/// The ", City, Country" that most locations end with: the venue, not part of a room's name.
fn common_suffix(locations: &[String]) -> Option<String> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for loc in locations {
        let parts: Vec<&str> = loc.split(',').map(str::trim).collect();
        if parts.len() >= 3 {
            *counts
                .entry(parts[parts.len() - 2..].join(", "))
                .or_default() += 1;
        }
    }
    let (suffix, n) = counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))?;
    (n * 3 >= locations.len()).then_some(suffix)
}

/// A room's name and area from a LOCATION: the venue suffix dropped; off-site places keep their
/// first part as the name and their address as the area.
fn room_of(location: &str, venue_suffix: Option<&str>) -> (String, Option<String>) {
    let location = location.trim();
    let on_site = venue_suffix
        .and_then(|s| location.strip_suffix(s))
        .and_then(|l| l.trim_end().strip_suffix(','));
    if let Some(name) = on_site {
        let name = name.trim().to_owned();
        let area = name.rsplit_once(" | ").map(|(a, _)| a.trim().to_owned());
        return (name, area);
    }
    match location.split_once(',') {
        Some((name, address)) => (name.trim().to_owned(), Some(address.trim().to_owned())),
        None => (location.to_owned(), None),
    }
}

/// "[SOLD OUT] ArgoCon Hosted by CNCF - Full-Day Event | ALL ACCESS PASS REQUIRED" is "ArgoCon".
pub fn co_located_name(title: &str) -> String {
    let mut name = title.trim();
    if let Some(rest) = name.strip_prefix('[').and_then(|r| r.split_once(']')) {
        name = rest.1.trim();
    }
    if let Some((head, _)) = name.split_once(" | ") {
        name = head.trim();
    }
    for marker in [" - Full-Day Event", " - Half-Day Event"] {
        if let Some(head) = name.strip_suffix(marker) {
            name = head.trim();
        }
    }
    if let Some((head, _)) = name.split_once(" Hosted by ") {
        name = head.trim();
    }
    name.to_owned()
}

/// A co-located event this long is the whole event as one block, not a session of it.
pub const BLOCK: jiff::SignedDuration = jiff::SignedDuration::from_hours(2);

pub fn session_type(categories: &[String], title: &str, co_located: bool) -> SessionType {
    let cats = categories.join(" ").to_ascii_uppercase();
    let t = title.to_ascii_lowercase();
    let has = |w: &str| cats.contains(w);
    if has("KEYNOTE") || t.starts_with("keynote") || t.starts_with("sponsored keynote") {
        SessionType::Keynote
    } else if has("REGISTRATION") || t.contains("badge pick-up") || t.contains("cloakroom") {
        SessionType::Registration
    } else if has("BREAK") || t.contains("coffee break") || t.starts_with("lunch") {
        SessionType::Break
    } else if has("LIGHTNING") || t.contains("lightning talk") {
        SessionType::Lightning
    } else if has("TUTORIAL") || t.contains("tutorial:") {
        SessionType::Tutorial
    } else if has("POSTER") || t.contains("poster session") {
        SessionType::Poster
    } else if has("CONTRIBFEST")
        || has("WORKSHOP")
        || t.contains("workshop")
        || t.contains("hands-on")
    {
        SessionType::Workshop
    } else if t.starts_with("panel") || t.contains("panel:") || t.contains("panel discussion") {
        SessionType::Panel
    } else if t.contains("unconference") {
        SessionType::Unconference
    } else if !co_located
        && [
            "party",
            "reception",
            "meetup",
            "happy hour",
            "social",
            "networking",
            "crawl",
            "run",
            "yoga",
        ]
        .iter()
        .any(|w| {
            t.split(|c: char| !c.is_alphanumeric())
                .any(|word| word == *w)
        })
    {
        SessionType::Social
    } else {
        SessionType::Talk
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rooms_drop_the_venue() {
        let v = Some("Amsterdam, Netherlands");
        assert_eq!(
            room_of(
                "Hall 1-5 | Tram Zone | Demo Theater, Amsterdam, Netherlands",
                v
            ),
            (
                "Hall 1-5 | Tram Zone | Demo Theater".into(),
                Some("Hall 1-5 | Tram Zone".into())
            )
        );
        assert_eq!(
            room_of("Hall 12, Amsterdam, Netherlands", v),
            ("Hall 12".into(), None)
        );
        assert_eq!(
            room_of(
                "Amstel Boathouse, Amsteldijk 223, 1079 LK Amsterdam, Netherlands",
                v
            ),
            (
                "Amstel Boathouse".into(),
                Some("Amsteldijk 223, 1079 LK Amsterdam, Netherlands".into())
            )
        );
    }

    #[test]
    fn co_located_names() {
        assert_eq!(
            co_located_name(
                "[SOLD OUT] SUSE Rancher Day Hosted by SUSE | SEPARATE REGISTRATION REQUIRED"
            ),
            "SUSE Rancher Day"
        );
        assert_eq!(
            co_located_name("ArgoCon Hosted by CNCF - Full-Day Event | ALL ACCESS PASS REQUIRED"),
            "ArgoCon"
        );
    }
}
