//! The schedule of an edition: what a release freezes and what importers produce.

use crate::ids::{Guid, Slug};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One edition of a conference ("KubeCon + CloudNativeCon Europe 2026"), with its co-located events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edition {
    pub slug: Slug,
    pub name: String,
    pub venue: String,
    /// IANA zone of the venue; civil times are shown in it by default.
    pub time_zone: String,
    pub start_date: Date,
    pub end_date: Date,
}

impl Edition {
    pub fn tz(&self) -> TimeZone {
        // The zone name was validated when the edition was made; UTC keeps rendering alive if the
        // bundled tz data ever loses a name.
        TimeZone::get(&self.time_zone).unwrap_or(TimeZone::UTC)
    }

    pub fn days(&self) -> Vec<Date> {
        days_between(self.start_date, self.end_date)
    }
}

pub(crate) fn days_between(start: Date, end: Date) -> Vec<Date> {
    let mut days = Vec::new();
    let mut d = start;
    while d <= end {
        days.push(d);
        match d.tomorrow() {
            Ok(next) => d = next,
            Err(_) => break,
        }
    }
    days
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    Main,
    CoLocated,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Main => "main",
            Self::CoLocated => "co-located",
        }
    }
}

impl FromStr for EventKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "main" => Ok(Self::Main),
            "co-located" => Ok(Self::CoLocated),
            other => Err(format!("unknown event kind {other:?}")),
        }
    }
}

/// The main conference or a co-located event of an edition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub slug: Slug,
    pub name: String,
    pub kind: EventKind,
    pub start_date: Date,
    pub end_date: Date,
}

impl Event {
    pub fn days(&self) -> Vec<Date> {
        days_between(self.start_date, self.end_date)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Room {
    pub slug: Slug,
    pub name: String,
    /// Part of the venue the room is in ("Hall 1-5 | Tram Zone").
    pub area: Option<String>,
    pub capacity: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Track {
    pub slug: Slug,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Speaker {
    pub slug: Slug,
    pub name: String,
    pub affiliation: Option<String>,
    pub role: Option<String>,
    pub bio: String,
}

impl Speaker {
    /// "Tim Hockin, Google", the way programs print a speaker.
    pub fn display(&self) -> String {
        match &self.affiliation {
            Some(a) => format!("{}, {a}", self.name),
            None => self.name.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SessionType {
    Keynote,
    Talk,
    Panel,
    Lightning,
    Workshop,
    Tutorial,
    Poster,
    Unconference,
    Social,
    Break,
    Registration,
}

impl SessionType {
    pub const ALL: [Self; 11] = [
        Self::Keynote,
        Self::Talk,
        Self::Panel,
        Self::Lightning,
        Self::Workshop,
        Self::Tutorial,
        Self::Poster,
        Self::Unconference,
        Self::Social,
        Self::Break,
        Self::Registration,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Keynote => "keynote",
            Self::Talk => "talk",
            Self::Panel => "panel",
            Self::Lightning => "lightning",
            Self::Workshop => "workshop",
            Self::Tutorial => "tutorial",
            Self::Poster => "poster",
            Self::Unconference => "unconference",
            Self::Social => "social",
            Self::Break => "break",
            Self::Registration => "registration",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Keynote => "Keynote",
            Self::Talk => "Talk",
            Self::Panel => "Panel",
            Self::Lightning => "Lightning talk",
            Self::Workshop => "Workshop",
            Self::Tutorial => "Tutorial",
            Self::Poster => "Poster",
            Self::Unconference => "Unconference",
            Self::Social => "Social",
            Self::Break => "Break",
            Self::Registration => "Registration",
        }
    }

    /// Whether attendees choose to go to it (breaks and badge pick-up are not bookmarked).
    pub fn is_program(self) -> bool {
        !matches!(self, Self::Break | Self::Registration)
    }
}

impl fmt::Display for SessionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SessionType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| format!("unknown session type {s:?}"))
    }
}

/// A session placed in a room at a time; a session may run more than once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub room: Slug,
    pub start: Timestamp,
    pub end: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub guid: Guid,
    /// The id the session had where it came from (a Sched UID, a frab id), for re-imports.
    pub source_uid: Option<String>,
    pub event: Slug,
    pub title: String,
    pub abstract_text: String,
    pub session_type: SessionType,
    pub track: Option<Slug>,
    /// Speaker slugs, in the order the program prints them.
    pub speakers: Vec<Slug>,
    pub duration_minutes: u32,
    pub url: Option<String>,
    pub slots: Vec<Slot>,
}

/// A whole schedule: the work in progress or a frozen release.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schedule {
    pub edition: Edition,
    pub events: Vec<Event>,
    pub rooms: Vec<Room>,
    pub tracks: Vec<Track>,
    pub speakers: Vec<Speaker>,
    pub sessions: Vec<Session>,
}

impl Schedule {
    pub fn room(&self, slug: &Slug) -> Option<&Room> {
        self.rooms.iter().find(|r| &r.slug == slug)
    }

    pub fn track(&self, slug: &Slug) -> Option<&Track> {
        self.tracks.iter().find(|t| &t.slug == slug)
    }

    pub fn speaker(&self, slug: &Slug) -> Option<&Speaker> {
        self.speakers.iter().find(|s| &s.slug == slug)
    }

    pub fn event(&self, slug: &Slug) -> Option<&Event> {
        self.events.iter().find(|e| &e.slug == slug)
    }

    /// The venue-local date a slot belongs to: sessions past midnight stay on the day they started.
    pub fn day_of(&self, slot: &Slot) -> Date {
        slot.start.to_zoned(self.edition.tz()).date()
    }

    pub fn local(&self, at: Timestamp) -> Zoned {
        at.to_zoned(self.edition.tz())
    }

    /// Brings dates in line with the slots: edition and event days span their sessions.
    pub fn fit_dates_to_slots(&mut self) {
        let tz = self.edition.tz();
        let dates_of = |sessions: &mut dyn Iterator<Item = &Session>| {
            let mut range: Option<(Date, Date)> = None;
            for slot in sessions.flat_map(|s| s.slots.iter()) {
                let start = slot.start.to_zoned(tz.clone()).date();
                range = Some(match range {
                    None => (start, start),
                    Some((a, b)) => (a.min(start), b.max(start)),
                });
            }
            range
        };
        if let Some((a, b)) = dates_of(&mut self.sessions.iter()) {
            self.edition.start_date = a;
            self.edition.end_date = b;
        }
        for event in &mut self.events {
            let slug = event.slug.clone();
            if let Some((a, b)) = dates_of(&mut self.sessions.iter().filter(|s| s.event == slug)) {
                event.start_date = a;
                event.end_date = b;
            }
        }
    }
}

/// A numbered, immutable version of a schedule, with what changed since the one before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Release {
    pub number: u32,
    pub released_at: Timestamp,
    pub changes: crate::ChangeSet,
    pub schedule: Schedule,
}

/// A release's entry in the changelog, without its schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleaseNote {
    pub number: u32,
    pub released_at: Timestamp,
    pub changes: crate::ChangeSet,
}
