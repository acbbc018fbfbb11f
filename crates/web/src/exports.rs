//! Interchange files and calendar feeds of a release (rendered with its pages, see `catalogue`),
//! and the calendar of any list of its sessions, made per request.

use crate::AppState;
use crate::error::WebError;
use crate::extract::{Params, Segments};
use crate::page::Page;
use crate::released::Released;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use hallway_app::{ExportFormat, Feed};
use hallway_domain::Guid;
use hallway_formats::Export;

/// The release in an interchange format, links pointing at the public site.
pub fn schedule(r: &Released, format: ExportFormat) -> Page {
    export(r, format, &Feed::Edition)
}

/// A calendar of part of the release (a track, a room, a speaker, an event, chosen sessions).
pub fn calendar(r: &Released, feed: &Feed) -> Page {
    export(r, ExportFormat::Ical, feed)
}

fn export(r: &Released, format: ExportFormat, feed: &Feed) -> Page {
    let export = Export::new(
        &r.schedule,
        format!("release {}", r.release),
        &r.public_url,
        r.released_at,
    );
    Page::new(format.content_type(), format.write(&export, feed))
}

/// The most sessions one `sessions.ics` calendar may name.
const MAX_FEED_IDS: usize = 1000;

/// `/{edition}/sessions.ics?ids=GUID,GUID`: a calendar of any list of sessions of the release.
pub async fn sessions_feed(
    State(state): State<AppState>,
    Segments(edition): Segments<String>,
    q: Params,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let r = state.site.released(&edition).ok_or(WebError::NotFound)?;
    let ids: Vec<&str> = q
        .get("ids")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .collect();
    // The work a visitor can ask for is bounded: a whole edition's sessions fit.
    if ids.len() > MAX_FEED_IDS {
        return Err(WebError::BadRequest(format!(
            "ids: {} sessions asked for; a calendar holds at most {MAX_FEED_IDS}",
            ids.len()
        )));
    }
    let guids = ids
        .into_iter()
        .map(|g| {
            Guid::parse(g)
                .map_err(|_| WebError::BadRequest(format!("ids: {g:?} is not a session GUID")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if guids.is_empty() {
        return Err(WebError::BadRequest(
            "ids: give the GUIDs of the sessions, comma-separated".into(),
        ));
    }
    Ok(calendar(&r, &Feed::Sessions(guids)).respond(&headers))
}
