//! A schedule from an iCalendar feed, with the conventions of Sched's exports: speakers packed
//! into SUMMARY, rooms in LOCATION followed by the venue's city and country, tracks in CATEGORIES,
//! co-located events as categories of their own, UTC times with no VTIMEZONE.

use crate::error::{FormatError, Warning};
use crate::html::decode_entities;
use crate::ical::{self, Component};
use crate::{ImportOptions, Imported};
use hallway_domain::{
    Edition, Event, EventKind, Guid, Room, Schedule, Session, SessionType, Slot, Slug, Slugs,
    Speaker, Track,
};
use jiff::tz::TimeZone;
use std::collections::{HashMap, HashSet};

/// A person as Sched prints them after the title: "Name, Role, Company".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Byline {
    pub name: String,
    pub role: Option<String>,
    pub affiliation: Option<String>,
}

/// Splits "Title - Name, Role, Company & Name, Company" into the title and its speakers.
/// A summary whose tail does not read as people is all title.
pub fn split_summary(summary: &str) -> (String, Vec<Byline>) {
    let whole = || (summary.trim().to_owned(), Vec::new());
    let Some(at) = summary.rfind(" - ") else {
        return whole();
    };
    let (title, tail) = (summary[..at].trim(), summary[at + 3..].trim());
    if title.is_empty() || tail.is_empty() || tail.contains('|') {
        return whole();
    }
    let mut people: Vec<Byline> = Vec::new();
    for part in tail.split(" & ") {
        let mut fields = part.split(',').map(str::trim);
        let name = fields.next().unwrap_or_default();
        if !looks_like_name(name) {
            return whole();
        }
        let rest: Vec<&str> = fields.filter(|f| !f.is_empty()).collect();
        let (role, affiliation) = match rest.as_slice() {
            [] => (None, None),
            [company] => (None, Some(company.to_string())),
            [roles @ .., company] => (Some(roles.join(", ")), Some(company.to_string())),
        };
        people.push(Byline {
            name: name.to_owned(),
            role,
            affiliation,
        });
    }
    // "A & B, Company": people listed together share the company printed after the last of them.
    let mut shared: Option<String> = None;
    for p in people.iter_mut().rev() {
        match &p.affiliation {
            Some(a) => shared = Some(a.clone()),
            None if p.role.is_none() => p.affiliation = shared.clone(),
            None => {}
        }
    }
    (title.to_owned(), people)
}

fn looks_like_name(name: &str) -> bool {
    let words = name.split_whitespace().count();
    let starts_upper = name
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || !c.is_ascii());
    (1..=6).contains(&words) && starts_upper && !name.contains([':', '|', '?', '!', '"'])
}

/// Reads an iCalendar file (any producer; Sched's conventions when it is Sched's).
pub fn read(bytes: &[u8], opts: &ImportOptions) -> Result<Imported, FormatError> {
    let cal = ical::parse(bytes)?;
    let mut warnings = Vec::new();
    let events: Vec<&Component> = cal.children("VEVENT").collect();
    if events.is_empty() {
        return Err(FormatError::whole("the calendar has no VEVENT"));
    }
    let prodid = cal.get("PRODID").map(|p| p.text()).unwrap_or_default();
    let is_sched = prodid.contains("Sched.com");

    let cal_name = cal
        .get("X-WR-CALNAME")
        .map(|p| p.text())
        .filter(|s| !s.trim().is_empty());
    let name = sched_name(&prodid)
        .or_else(|| cal_name.clone())
        .ok_or_else(|| FormatError::whole("the calendar has no name (PRODID or X-WR-CALNAME)"))?;
    let slug = cal_name
        .as_deref()
        .and_then(|n| Slug::parse(n.trim()).ok())
        .unwrap_or_else(|| Slug::from_name(&name, "edition"));

    let locations: Vec<String> = events
        .iter()
        .filter_map(|e| e.get("LOCATION"))
        .map(|p| p.text())
        .collect();
    let venue_suffix = common_suffix(&locations);
    let time_zone = venue_zone(&cal, venue_suffix.as_deref(), opts)?;
    let tz = TimeZone::get(&time_zone)
        .map_err(|_| FormatError::whole(format!("unknown time zone {time_zone:?}")))?;
    let declared_zones: HashSet<String> = cal
        .children("VTIMEZONE")
        .filter_map(|z| z.get("TZID"))
        .map(|p| p.value.trim().to_owned())
        .collect();

    let main_event = Event {
        slug: Slug::from_name(&name, "main"),
        name: name.clone(),
        kind: EventKind::Main,
        start_date: jiff::civil::date(2000, 1, 1),
        end_date: jiff::civil::date(2000, 1, 1),
    };
    let mut event_slugs = Slugs::default();
    event_slugs.reserve(&main_event.slug);
    let mut schedule = Schedule {
        edition: Edition {
            slug: slug.clone(),
            name,
            venue: venue_suffix.clone().unwrap_or_default(),
            time_zone,
            start_date: main_event.start_date,
            end_date: main_event.end_date,
        },
        events: vec![main_event.clone()],
        rooms: Vec::new(),
        tracks: Vec::new(),
        speakers: Vec::new(),
        sessions: Vec::new(),
    };
    let mut rooms: HashMap<String, Slug> = HashMap::new();
    let mut room_slugs = Slugs::default();
    let mut tracks: HashMap<String, Slug> = HashMap::new();
    let mut track_slugs = Slugs::default();
    let mut speakers: HashMap<String, Slug> = HashMap::new();
    let mut speaker_slugs = Slugs::default();
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
                warnings.push(Warning {
                    line: Some(ev.line),
                    message: "VEVENT without UID: skipped".into(),
                });
                continue;
            }
        };
        if !seen_uids.insert(uid.clone()) {
            warnings.push(Warning {
                line: Some(ev.line),
                message: format!("duplicate UID {uid}: the later VEVENT is skipped"),
            });
            continue;
        }
        let start_prop = ev
            .get("DTSTART")
            .ok_or_else(|| FormatError::at(ev.line, "DTSTART", "VEVENT without DTSTART"))?;
        for p in [Some(start_prop), ev.get("DTEND")].into_iter().flatten() {
            if let Some(id) = p.param("TZID")
                && !declared_zones.contains(id)
                && warned_zones.insert(id.to_owned())
            {
                warnings.push(Warning {
                    line: Some(p.line),
                    message: format!(
                        "TZID {id} has no VTIMEZONE: read as the IANA zone of that name"
                    ),
                });
            }
        }
        let (start, unknown) = ical::instant(start_prop, &tz)?;
        if unknown {
            warnings.push(Warning {
                line: Some(start_prop.line),
                message: "unknown TZID: read in the venue's zone".into(),
            });
        }
        let end = match (ev.get("DTEND"), ev.get("DURATION")) {
            (Some(p), _) => ical::instant(p, &tz)?.0,
            (None, Some(p)) => {
                let span: jiff::Span = p.value.trim().parse().map_err(|e| {
                    FormatError::at(p.line, "DURATION", format!("invalid duration: {e}"))
                })?;
                start
                    .checked_add(
                        span.to_duration(jiff::SpanRelativeTo::days_are_24_hours())
                            .map_err(|e| {
                                FormatError::at(
                                    p.line,
                                    "DURATION",
                                    format!("invalid duration: {e}"),
                                )
                            })?,
                    )
                    .map_err(|e| FormatError::at(p.line, "DURATION", e.to_string()))?
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
        let (title, people) = if is_sched {
            split_summary(&summary)
        } else {
            (summary.trim().to_owned(), Vec::new())
        };
        let title = if title.is_empty() {
            "(untitled)".to_owned()
        } else {
            title
        };

        let co_located = categories
            .iter()
            .any(|c| c.to_ascii_uppercase().contains("CO-LOCATED"));
        let event_slug = if co_located {
            let name = co_located_name(&title);
            let slug = event_slugs.claim(Slug::from_name(&name, "event"));
            schedule.events.push(Event {
                slug: slug.clone(),
                name,
                kind: EventKind::CoLocated,
                start_date: main_event.start_date,
                end_date: main_event.end_date,
            });
            slug
        } else {
            main_event.slug.clone()
        };

        let mut slots = Vec::new();
        if let Some(loc) = ev
            .get("LOCATION")
            .map(|p| p.text())
            .filter(|l| !l.trim().is_empty())
        {
            let (room_name, area) = room_of(&loc, venue_suffix.as_deref());
            let slug = rooms
                .entry(room_name.clone())
                .or_insert_with(|| {
                    let slug = room_slugs.claim(Slug::from_name(&room_name, "room"));
                    schedule.rooms.push(Room {
                        slug: slug.clone(),
                        name: room_name.clone(),
                        area,
                        capacity: None,
                    });
                    slug
                })
                .clone();
            slots.push(Slot {
                room: slug,
                start,
                end,
            });
        } else {
            warnings.push(Warning {
                line: Some(ev.line),
                message: format!(
                    "{uid}: no LOCATION, so the session has no room and is left unscheduled"
                ),
            });
        }

        let track = categories.first().map(|c| {
            tracks
                .entry(c.clone())
                .or_insert_with(|| {
                    let slug = track_slugs.claim(Slug::from_name(c, "track"));
                    schedule.tracks.push(Track {
                        slug: slug.clone(),
                        name: c.clone(),
                    });
                    slug
                })
                .clone()
        });

        let mut speaker_refs = Vec::new();
        for p in people {
            let key = p.name.to_lowercase();
            let slug = speakers
                .entry(key)
                .or_insert_with(|| {
                    let slug = speaker_slugs.claim(Slug::from_name(&p.name, "speaker"));
                    schedule.speakers.push(Speaker {
                        slug: slug.clone(),
                        name: p.name.clone(),
                        affiliation: p.affiliation.clone(),
                        role: p.role.clone(),
                        bio: String::new(),
                    });
                    slug
                })
                .clone();
            if !speaker_refs.contains(&slug) {
                speaker_refs.push(slug);
            }
        }

        let duration_minutes =
            u32::try_from(end.duration_since(start).as_secs() / 60).unwrap_or(u32::MAX);
        schedule.sessions.push(Session {
            guid: Guid::derive(&slug, &uid, 1),
            source_uid: Some(uid),
            event: event_slug,
            session_type: session_type(&categories, &title, co_located),
            title,
            abstract_text: ev
                .get("DESCRIPTION")
                .map(|p| decode_entities(&p.text()).trim().to_owned())
                .unwrap_or_default(),
            track,
            speakers: speaker_refs,
            duration_minutes,
            url: ev
                .get("URL")
                .map(|p| p.value.trim().to_owned())
                .filter(|u| !u.is_empty()),
            slots,
        });
    }
    if schedule.sessions.is_empty() {
        return Err(FormatError::whole("no usable VEVENT in the calendar"));
    }
    schedule.fit_dates_to_slots();
    Ok(Imported { schedule, warnings })
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

/// The venue's zone: the calendar's own if it names one, else the caller's, else the zone named
/// after the venue's city ("Amsterdam, Netherlands" is Europe/Amsterdam).
fn venue_zone(
    cal: &Component,
    venue: Option<&str>,
    opts: &ImportOptions,
) -> Result<String, FormatError> {
    if let Some(tz) = &opts.time_zone {
        return TimeZone::get(tz)
            .map(|_| tz.clone())
            .map_err(|_| FormatError::whole(format!("unknown time zone {tz:?}")));
    }
    let declared = cal.get("X-WR-TIMEZONE").map(|p| p.text());
    if let Some(tz) = declared.as_deref().map(str::trim)
        && !matches!(tz, "UTC" | "GMT" | "Etc/UTC" | "")
        && TimeZone::get(tz).is_ok()
    {
        return Ok(tz.to_owned());
    }
    if let Some(city) = venue.and_then(|v| v.split(',').next()).map(str::trim) {
        let wanted = city.replace(' ', "_");
        for name in jiff::tz::db().available() {
            if name
                .as_str()
                .rsplit('/')
                .next()
                .is_some_and(|c| c.eq_ignore_ascii_case(&wanted))
            {
                return Ok(name.as_str().to_owned());
            }
        }
    }
    if let Some(tz) = cal
        .children("VTIMEZONE")
        .filter_map(|z| z.get("TZID"))
        .next()
    {
        let id = tz.value.trim();
        if TimeZone::get(id).is_ok() {
            return Ok(id.to_owned());
        }
    }
    Err(FormatError::whole(
        "cannot tell the venue's time zone from the file: give it (e.g. --time-zone Europe/Amsterdam)",
    ))
}

/// "[SOLD OUT] ArgoCon Hosted by CNCF - Full-Day Event | ALL ACCESS PASS REQUIRED" is "ArgoCon".
fn co_located_name(title: &str) -> String {
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

fn session_type(categories: &[String], title: &str, co_located: bool) -> SessionType {
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

    fn by(name: &str, role: Option<&str>, aff: Option<&str>) -> Byline {
        Byline {
            name: name.into(),
            role: role.map(Into::into),
            affiliation: aff.map(Into::into),
        }
    }

    #[test]
    fn splits_sched_summaries() {
        let (t, p) = split_summary(
            "Keynote: Welcome + Opening Remarks - Jonathan Bryce, Executive Director, Cloud and Infrastructure, Linux Foundation & Chris Aniszczyk, CTO, Linux Foundation",
        );
        assert_eq!(t, "Keynote: Welcome + Opening Remarks");
        assert_eq!(
            p,
            vec![
                by(
                    "Jonathan Bryce",
                    Some("Executive Director, Cloud and Infrastructure"),
                    Some("Linux Foundation")
                ),
                by("Chris Aniszczyk", Some("CTO"), Some("Linux Foundation")),
            ]
        );
        let (t, p) =
            split_summary("k0s - CNCF Sandbox Distro Updates - Jussi Nummelin, Maintainer");
        assert_eq!(t, "k0s - CNCF Sandbox Distro Updates");
        assert_eq!(p, vec![by("Jussi Nummelin", None, Some("Maintainer"))]);
        let (_, p) =
            split_summary("Retroactive Sampling - Roman Khavronenko & Zhu Jiekun, VictoriaMetrics");
        assert_eq!(p[0], by("Roman Khavronenko", None, Some("VictoriaMetrics")));
        let (_, p) = split_summary("A Curator’s Guide - Katherine Druckman");
        assert_eq!(p, vec![by("Katherine Druckman", None, None)]);
    }

    #[test]
    fn titles_without_people_stay_whole() {
        for s in [
            "Badge Pick-Up",
            "Hands-On Workshop Hosted by Amazon Web Services - AM SESSION | SEPARATE REGISTRATION REQUIRED",
            "Keynote: Closing Remarks",
        ] {
            assert_eq!(split_summary(s), (s.to_owned(), vec![]), "{s}");
        }
    }

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
