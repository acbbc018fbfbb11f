//! JSON under /api/v1: views apart from the domain types, documented by the OpenAPI file. The
//! routes take no query parameters, but a repeated or undecodable one is still an error that
//! names it, as on the pages.

use crate::AppState;
use crate::error::WebError;
use crate::extract::{Params, Segments};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use hallway_domain::{ChangeCounts, Schedule, Session};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

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

pub fn rfc3339(s: &Schedule, t: jiff::Timestamp) -> String {
    s.local(t).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
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
            start: rfc3339(s, sl.start),
            end: rfc3339(s, sl.end),
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

fn cached(state: &AppState, path: &str, headers: &HeaderMap) -> Response {
    state
        .site
        .page(path)
        .map_or_else(|| WebError::NotFound.json(), |p| p.respond(headers))
}

/// Editions with a released schedule.
#[utoipa::path(get, path = "/api/v1/editions",
    responses(
        (status = 200, body = Vec<EditionView>, description = "Every edition with a release, newest first"),
        (status = 503, body = ErrorView, description = "The released schedules are still being prepared"),
    ))]
pub async fn editions(
    State(state): State<AppState>,
    _query: Params,
    headers: HeaderMap,
) -> Response {
    cached(&state, "/api/v1/editions", &headers)
}

/// One edition.
#[utoipa::path(get, path = "/api/v1/editions/{edition}",
    params(("edition" = String, Path, description = "Edition slug")),
    responses(
        (status = 200, body = EditionView, description = "The edition as its latest release has it"),
        (status = 503, body = ErrorView, description = "The released schedules are still being prepared"),
        (status = 404, body = ErrorView, description = "No such released edition"),
    ))]
pub async fn edition(
    State(state): State<AppState>,
    Segments(edition): Segments<String>,
    _query: Params,
    headers: HeaderMap,
) -> Response {
    cached(&state, &format!("/api/v1/editions/{edition}"), &headers)
}

/// Every session of the edition's latest release.
#[utoipa::path(get, path = "/api/v1/editions/{edition}/sessions",
    params(("edition" = String, Path, description = "Edition slug")),
    responses(
        (status = 200, body = Vec<SessionView>, description = "The sessions"),
        (status = 503, body = ErrorView, description = "The released schedules are still being prepared"),
        (status = 404, body = ErrorView, description = "No such released edition"),
    ))]
pub async fn sessions(
    State(state): State<AppState>,
    Segments(edition): Segments<String>,
    _query: Params,
    headers: HeaderMap,
) -> Response {
    cached(
        &state,
        &format!("/api/v1/editions/{edition}/sessions"),
        &headers,
    )
}

/// One session of the latest release, by GUID.
#[utoipa::path(get, path = "/api/v1/editions/{edition}/sessions/{guid}",
    params(("edition" = String, Path, description = "Edition slug"), ("guid" = String, Path, description = "Session GUID")),
    responses(
        (status = 200, body = SessionView, description = "The session"),
        (status = 503, body = ErrorView, description = "The released schedules are still being prepared"),
        (status = 404, body = ErrorView, description = "No such session"),
    ))]
pub async fn session(
    State(state): State<AppState>,
    Segments((edition, guid)): Segments<(String, String)>,
    _query: Params,
    headers: HeaderMap,
) -> Response {
    cached(
        &state,
        &format!("/api/v1/editions/{edition}/sessions/{guid}"),
        &headers,
    )
}

/// Every speaker of the latest release.
#[utoipa::path(get, path = "/api/v1/editions/{edition}/speakers",
    params(("edition" = String, Path, description = "Edition slug")),
    responses(
        (status = 200, body = Vec<SpeakerView>, description = "The speakers"),
        (status = 503, body = ErrorView, description = "The released schedules are still being prepared"),
        (status = 404, body = ErrorView, description = "No such released edition"),
    ))]
pub async fn speakers(
    State(state): State<AppState>,
    Segments(edition): Segments<String>,
    _query: Params,
    headers: HeaderMap,
) -> Response {
    cached(
        &state,
        &format!("/api/v1/editions/{edition}/speakers"),
        &headers,
    )
}

/// The edition's releases, newest first, with counts of what each changed.
#[utoipa::path(get, path = "/api/v1/editions/{edition}/releases",
    params(("edition" = String, Path, description = "Edition slug")),
    responses(
        (status = 200, body = Vec<ReleaseView>, description = "The releases"),
        (status = 503, body = ErrorView, description = "The released schedules are still being prepared"),
        (status = 404, body = ErrorView, description = "No such released edition"),
    ))]
pub async fn releases(
    State(state): State<AppState>,
    Segments(edition): Segments<String>,
    _query: Params,
    headers: HeaderMap,
) -> Response {
    cached(
        &state,
        &format!("/api/v1/editions/{edition}/releases"),
        &headers,
    )
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Hallway",
        description = "Public schedule data of released conference editions."
    ),
    paths(editions, edition, sessions, session, speakers, releases),
    components(schemas(
        EditionView,
        EventView,
        SessionView,
        SlotView,
        SpeakerRef,
        SpeakerView,
        ReleaseView,
        ErrorView
    ))
)]
pub struct ApiDoc;

pub fn openapi_json() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|_| "{}".to_owned())
}
