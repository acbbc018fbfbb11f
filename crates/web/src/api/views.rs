//! The JSON shapes of the API ("views"), apart from the domain types, and how each is made
//! from a release.

use crate::zone::rfc3339;
use hallway_domain::{ChangeCounts, Schedule, Session};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct EditionView {
    /// The edition's id in URLs.
    pub slug: String,
    pub name: String,
    pub venue: String,
    /// IANA time zone of the venue.
    pub time_zone: String,
    pub start_date: String,
    pub end_date: String,
    /// Number of the release the public data comes from.
    pub release: u32,
    pub events: Vec<EventView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    pub slug: String,
    pub name: String,
    /// `main` or `co-located`.
    pub kind: String,
    pub start_date: String,
    pub end_date: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SpeakerRef {
    pub id: String,
    pub name: String,
    pub affiliation: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SlotView {
    /// RFC 3339 with the venue's offset.
    pub start: String,
    pub end: String,
    /// Null while the slot has no room yet.
    pub room: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    /// Stable across releases and exports.
    pub guid: String,
    pub title: String,
    #[serde(rename = "type")]
    pub session_type: String,
    pub track: Option<String>,
    pub event: String,
    /// Start of the first slot, RFC 3339 with the venue's offset; null when unscheduled.
    pub start: Option<String>,
    pub end: Option<String>,
    pub room: Option<String>,
    pub duration_minutes: u32,
    pub speakers: Vec<SpeakerRef>,
    #[serde(rename = "abstract")]
    pub abstract_text: String,
    /// The session's page at its source; only ever an http(s) address.
    pub url: Option<String>,
    /// Every time the session runs.
    pub slots: Vec<SlotView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SpeakerView {
    pub id: String,
    pub name: String,
    pub affiliation: Option<String>,
    pub role: Option<String>,
    pub bio: String,
    /// GUIDs of the speaker's sessions.
    pub sessions: Vec<String>,
}

/// What every error answer carries.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorView {
    /// What went wrong, for a person to read.
    pub error: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReleaseView {
    pub number: u32,
    pub released_at: String,
    pub added: usize,
    pub removed: usize,
    pub moved_in_time: usize,
    pub moved_room: usize,
    pub retitled: usize,
}

pub fn edition_view(s: &Schedule, release: u32) -> EditionView {
    EditionView {
        slug: s.edition.slug.to_string(),
        name: s.edition.name.clone(),
        venue: s.edition.venue.clone(),
        time_zone: s.edition.time_zone.clone(),
        start_date: s.edition.start_date.to_string(),
        end_date: s.edition.end_date.to_string(),
        release,
        events: s
            .events
            .iter()
            .map(|e| EventView {
                slug: e.slug.to_string(),
                name: e.name.clone(),
                kind: e.kind.as_str().to_owned(),
                start_date: e.start_date.to_string(),
                end_date: e.end_date.to_string(),
            })
            .collect(),
    }
}

pub fn session_view(s: &Schedule, x: &Session) -> SessionView {
    let slots: Vec<SlotView> = x
        .slots
        .iter()
        .map(|sl| SlotView {
            start: rfc3339(&s.local(sl.start)),
            end: rfc3339(&s.local(sl.end)),
            room: s.room_name(sl).map(str::to_owned),
        })
        .collect();
    SessionView {
        guid: x.guid.to_string(),
        title: x.title.clone(),
        session_type: x.session_type.as_str().to_owned(),
        track: x
            .track
            .as_ref()
            .and_then(|t| s.track(t))
            .map(|t| t.name.clone()),
        event: x.event.to_string(),
        start: slots.first().map(|v| v.start.clone()),
        end: slots.first().map(|v| v.end.clone()),
        room: slots.first().and_then(|v| v.room.clone()),
        duration_minutes: x.duration_minutes,
        speakers: x
            .speakers
            .iter()
            .filter_map(|sp| s.speaker(sp))
            .map(|sp| SpeakerRef {
                id: sp.slug.to_string(),
                name: sp.name.clone(),
                affiliation: sp.affiliation.clone(),
            })
            .collect(),
        abstract_text: x.abstract_text.clone(),
        url: x.web_url().map(str::to_owned),
        slots,
    }
}

pub fn speaker_views(s: &Schedule) -> Vec<SpeakerView> {
    s.speakers
        .iter()
        .map(|sp| SpeakerView {
            id: sp.slug.to_string(),
            name: sp.name.clone(),
            affiliation: sp.affiliation.clone(),
            role: sp.role.clone(),
            bio: sp.bio.clone(),
            sessions: s
                .sessions
                .iter()
                .filter(|x| x.speakers.contains(&sp.slug))
                .map(|x| x.guid.to_string())
                .collect(),
        })
        .collect()
}

pub fn release_view(number: u32, at: jiff::Timestamp, c: ChangeCounts) -> ReleaseView {
    ReleaseView {
        number,
        released_at: at.to_string(),
        added: c.added,
        removed: c.removed,
        moved_in_time: c.moved_in_time,
        moved_room: c.moved_room,
        retitled: c.retitled,
    }
}
