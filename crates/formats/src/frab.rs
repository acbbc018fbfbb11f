//! The shape frab's XML and JSON share: conference days, rooms within days, one event per slot,
//! with the numeric ids, slugs and GUIDs those formats require.

use hallway_domain::{Guid, Schedule, Session, Slug};
use jiff::civil::Date;
use std::collections::HashSet;

/// What an export needs besides the schedule.
#[derive(Debug, Clone)]
pub struct Export<'a> {
    pub schedule: &'a Schedule,
    /// Says which version this is: "release 3", "work in progress".
    pub version: String,
    /// The site's public address (`https://schedule.example.org`), for the links in the file.
    pub base_url: String,
    /// When this version was made (a release's time): calendars stamp their events with it.
    pub stamp: jiff::Timestamp,
}

impl<'a> Export<'a> {
    pub fn new(
        schedule: &'a Schedule,
        version: impl Into<String>,
        base_url: &str,
        stamp: jiff::Timestamp,
    ) -> Self {
        Self {
            schedule,
            version: version.into(),
            base_url: base_url.trim_end_matches('/').to_owned(),
            stamp,
        }
    }

    /// The public page of a session.
    pub fn session_url(&self, session: &Session) -> String {
        format!(
            "{}/{}/sessions/{}",
            self.base_url, self.schedule.edition.slug, session.guid
        )
    }

    pub fn edition_url(&self) -> String {
        format!("{}/{}/", self.base_url, self.schedule.edition.slug)
    }
}

pub struct Conference<'a> {
    pub acronym: String,
    pub base_url: String,
    pub timeslot_minutes: u32,
    pub days: Vec<Day<'a>>,
}

pub struct Day<'a> {
    /// 1-based.
    pub index: usize,
    pub date: Date,
    pub start: String,
    pub end: String,
    pub rooms: Vec<RoomEvents<'a>>,
}

pub struct RoomEvents<'a> {
    /// Empty for slots whose room is not known yet.
    pub name: &'a str,
    pub guid: Option<Guid>,
    pub events: Vec<FrabEvent<'a>>,
}

pub struct FrabEvent<'a> {
    pub session: &'a Session,
    pub guid: Guid,
    pub id: u32,
    pub slug: String,
    pub starts: jiff::Timestamp,
    /// RFC 3339 with the venue's offset.
    pub date: String,
    pub end: String,
    /// Venue-local `HH:MM`.
    pub start: String,
    pub duration: String,
    pub url: String,
    /// Where the session came from, when that is a web page.
    pub origin_url: Option<String>,
    pub track: Option<&'a str>,
    pub persons: Vec<FrabPerson>,
}

pub struct FrabPerson {
    pub id: u32,
    pub name: String,
}

pub fn hhmm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// frab acronyms: at least four of `[a-z0-9_]` (the JSON schema allows no dash).
pub fn acronym(slug: &Slug) -> String {
    let mut a = slug.as_str().replace('-', "_");
    while a.len() < 4 {
        a.push('_');
    }
    a
}

/// The XSD wants track slugs that start with a letter.
pub fn track_slug(slug: &Slug) -> Option<&str> {
    let s = slug.as_str();
    (s.len() >= 2 && s.starts_with(|c: char| c.is_ascii_lowercase())).then_some(s)
}

/// A positive 31-bit id from a GUID, for formats that still want numeric ids.
fn id_of(guid: &Guid, salt: u32) -> u32 {
    let bytes = guid.to_string();
    let h = bytes
        .bytes()
        .chain(salt.to_be_bytes())
        .fold(0x811c_9dc5_u32, |h, b| {
            (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
        });
    (h & 0x7fff_ffff).max(1)
}

/// Hands out unique positive ids: the wanted one when it is free, the next free one otherwise.
#[derive(Default)]
struct Ids(HashSet<u32>);

impl Ids {
    fn claim(&mut self, wanted: u32) -> u32 {
        let mut id = wanted.max(1);
        while !self.0.insert(id) {
            id = if id >= 0x7fff_ffff { 1 } else { id + 1 };
        }
        id
    }
}

pub fn conference<'a>(export: &Export<'a>) -> Conference<'a> {
    let s = export.schedule;
    let e = &s.edition;
    let tz = e.tz();
    let acronym = acronym(&e.slug);
    let rfc3339 = |t: jiff::Timestamp| {
        t.to_zoned(tz.clone())
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    };

    // Numeric ids: sessions that came with one keep it, the rest get one from their GUID.
    let mut ids = Ids::default();
    let mut wanted: Vec<Option<u32>> = s
        .sessions
        .iter()
        .map(|x| {
            x.source_uid
                .as_deref()
                .and_then(|u| u.parse::<u32>().ok())
                .filter(|n| (1..=0x7fff_ffff).contains(n))
        })
        .collect();
    for w in wanted.iter_mut().flatten() {
        *w = ids.claim(*w);
    }
    let mut person_ids = Ids::default();
    let persons: Vec<FrabPerson> = s
        .speakers
        .iter()
        .map(|sp| FrabPerson {
            id: person_ids.claim(id_of(&Guid::derive(&e.slug, sp.slug.as_str(), 0), 0)),
            name: sp.name.clone(),
        })
        .collect();

    let mut slot_gap = 0u32;
    let mut days: Vec<Day<'a>> = e
        .days()
        .into_iter()
        .enumerate()
        .map(|(i, date)| {
            let at = |d: Date| {
                tz.to_timestamp(d.to_datetime(e.day_change))
                    .map(&rfc3339)
                    .unwrap_or_default()
            };
            Day {
                index: i + 1,
                date,
                start: at(date),
                end: at(date.tomorrow().unwrap_or(date)),
                rooms: Vec::new(),
            }
        })
        .collect();

    for (index, x) in s.sessions.iter().enumerate() {
        for (n, slot) in x.slots.iter().enumerate() {
            let Some(day) = days.iter_mut().find(|d| d.date == s.day_of(slot)) else {
                continue;
            };
            let guid = if n == 0 {
                x.guid
            } else {
                Guid::derive(&e.slug, &x.guid.to_string(), n as u32 + 1)
            };
            let id = match (n, wanted[index]) {
                (0, Some(id)) => id,
                _ => ids.claim(id_of(&guid, 0)),
            };
            let title = Slug::from_name(&x.title, "");
            let slug = if title.as_str().is_empty() {
                format!("{acronym}-{id}")
            } else {
                format!("{acronym}-{id}-{}", title.as_str().replace('-', "_"))
            };
            let minutes = u32::try_from(slot.end.duration_since(slot.start).as_secs() / 60)
                .unwrap_or(0)
                .min(99 * 60 + 59);
            let local = slot.start.to_zoned(tz.clone());
            slot_gap = gcd(slot_gap, u32::from(local.minute().unsigned_abs()));
            slot_gap = gcd(slot_gap, minutes);
            let room_name = s.room_name(slot).unwrap_or_default();
            let room_guid = slot
                .room
                .as_ref()
                .map(|r| Guid::derive(&e.slug, &format!("room/{r}"), 0));
            let event = FrabEvent {
                session: x,
                guid,
                id,
                slug,
                starts: slot.start,
                date: rfc3339(slot.start),
                end: rfc3339(slot.end),
                start: local.strftime("%H:%M").to_string(),
                duration: hhmm(minutes),
                url: export.session_url(x),
                origin_url: x.web_url().map(str::to_owned),
                track: x
                    .track
                    .as_ref()
                    .and_then(|t| s.track(t))
                    .map(|t| t.name.as_str()),
                persons: x
                    .speakers
                    .iter()
                    .filter_map(|sp| s.speakers.iter().position(|p| &p.slug == sp))
                    .map(|i| FrabPerson {
                        id: persons[i].id,
                        name: persons[i].name.clone(),
                    })
                    .collect(),
            };
            match day.rooms.iter_mut().find(|r| r.name == room_name) {
                Some(r) => r.events.push(event),
                None => day.rooms.push(RoomEvents {
                    name: room_name,
                    guid: room_guid,
                    events: vec![event],
                }),
            }
        }
    }
    let room_order = |name: &str| {
        s.rooms
            .iter()
            .position(|r| r.name == name)
            .unwrap_or(usize::MAX)
    };
    for day in &mut days {
        day.rooms.sort_by_key(|r| room_order(r.name));
        for room in &mut day.rooms {
            room.events.sort_by_key(|e| (e.starts, e.id));
        }
    }
    Conference {
        acronym,
        base_url: export.edition_url(),
        timeslot_minutes: match slot_gap {
            0 => 5,
            g if g >= 5 => g.min(60),
            _ => 5,
        },
        days,
    }
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}
