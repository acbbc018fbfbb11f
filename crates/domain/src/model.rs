//! The schedule of an edition: what a release freezes and what importers produce.

use crate::ids::{Guid, Slug};
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
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
    /// Venue-local time at which one conference day ends and the next begins: a party at 01:00
    /// belongs to the day before when the day changes at 04:00.
    #[serde(default = "midnight")]
    pub day_change: Time,
}

fn midnight() -> Time {
    Time::midnight()
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

    /// The conference day an instant belongs to (see `day_change`).
    pub fn day_of(&self, at: Timestamp) -> Date {
        let local = at.to_zoned(self.tz()).datetime();
        if local.time() < self.day_change {
            local.date().yesterday().unwrap_or(local.date())
        } else {
            local.date()
        }
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
    /// A co-located event the source lists as one block ("ArgoCon - Full-Day Event").
    Event,
}

impl SessionType {
    pub const ALL: [Self; 12] = [
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
        Self::Event,
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
            Self::Event => "event",
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
            Self::Event => "Co-located event",
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

/// A session placed at a time, in a room once one is known; a session may run more than once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub room: Option<Slug>,
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
    #[serde(default)]
    pub subtitle: String,
    /// The short summary programs print (plain text, Markdown or HTML, as the source wrote it).
    pub abstract_text: String,
    /// The longer description, where the source keeps one apart from the abstract.
    #[serde(default)]
    pub description: String,
    /// Language of the session, as a code ("en") or a name, when the source says.
    #[serde(default)]
    pub language: Option<String>,
    /// The speakers asked not to be recorded.
    #[serde(default)]
    pub do_not_record: bool,
    pub session_type: SessionType,
    pub track: Option<Slug>,
    /// Speaker slugs, in the order the program prints them.
    pub speakers: Vec<Slug>,
    pub duration_minutes: u32,
    pub url: Option<String>,
    pub slots: Vec<Slot>,
}

impl Session {
    /// The session's page at its source, when it is a web address: an imported `javascript:` or
    /// `data:` URL would run in a reader's browser or calendar, so pages, the API and exports
    /// only ever show http(s).
    pub fn web_url(&self) -> Option<&str> {
        self.url.as_deref().filter(|u| is_web_url(u))
    }
}

/// An absolute http:// or https:// address (the scheme in any case).
pub fn is_web_url(url: &str) -> bool {
    ["http://", "https://"].iter().any(|scheme| {
        url.get(..scheme.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
    })
}

/// The work in progress as read at one moment, with its version: every write to it bumps the
/// version, and a save states the version it was based on, so that a save made on an older
/// one is refused instead of undoing what was written since.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkInProgress {
    pub schedule: Schedule,
    /// 1 for the first save of an edition; 0 stands for "no edition yet" when saving.
    pub version: u64,
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

    /// The name of the room a slot is in, if it has one.
    pub fn room_name<'a>(&'a self, slot: &'a Slot) -> Option<&'a str> {
        let slug = slot.room.as_ref()?;
        Some(self.room(slug).map_or(slug.as_str(), |r| r.name.as_str()))
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

    /// The conference day a slot belongs to: a session stays on the day it started, and one that
    /// starts after midnight but before the day changes belongs to the day before.
    pub fn day_of(&self, slot: &Slot) -> Date {
        self.edition.day_of(slot.start)
    }

    pub fn local(&self, at: Timestamp) -> Zoned {
        at.to_zoned(self.edition.tz())
    }

    /// Gives each session that matches no GUID of `previous` the GUID of the one session there
    /// with the same source id, so that re-importing from a format without GUIDs (xCal) updates
    /// sessions instead of duplicating them. Returns how many sessions took a GUID.
    pub fn adopt_guids(&mut self, previous: &Schedule) -> usize {
        let known: HashSet<Guid> = previous.sessions.iter().map(|s| s.guid).collect();
        let mut taken: HashSet<Guid> = self.sessions.iter().map(|s| s.guid).collect();
        let mut by_uid: HashMap<&str, Vec<Guid>> = HashMap::new();
        for s in &previous.sessions {
            if let Some(uid) = s.source_uid.as_deref() {
                by_uid.entry(uid).or_default().push(s.guid);
            }
        }
        let mut adopted = 0;
        for s in &mut self.sessions {
            if known.contains(&s.guid) {
                continue;
            }
            let Some(uid) = s.source_uid.as_deref() else {
                continue;
            };
            if let Some([guid]) = by_uid.get(uid).map(Vec::as_slice)
                && taken.insert(*guid)
            {
                s.guid = *guid;
                adopted += 1;
            }
        }
        adopted
    }

    /// Brings dates in line with the slots: edition and event days span their sessions.
    pub fn fit_dates_to_slots(&mut self) {
        let edition = self.edition.clone();
        let dates_of = |sessions: &mut dyn Iterator<Item = &Session>| {
            let mut range: Option<(Date, Date)> = None;
            for slot in sessions.flat_map(|s| s.slots.iter()) {
                let start = edition.day_of(slot.start);
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

#[cfg(test)]
mod tests {
    use super::is_web_url;

    #[test]
    fn only_http_and_https_are_web_urls() {
        assert!(is_web_url("https://kccnceu2026.sched.com/event/abc"));
        assert!(is_web_url("HTTP://example.org/"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url(" https://example.org/"), "no leading space");
        assert!(!is_web_url("data:text/html,<script>"));
        assert!(!is_web_url("//example.org/"));
        assert!(!is_web_url("http"));
        assert!(!is_web_url(""));
    }
}
