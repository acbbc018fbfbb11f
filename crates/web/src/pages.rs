//! Public HTML: released pages from memory; filters and search computed from the in-memory
//! release, never from the database.

use crate::AppState;
use crate::error::WebError;
use crate::render::Filter;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{Html, IntoResponse, Redirect, Response};
use hallway_domain::SessionType;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct FilterQuery {
    event: Option<String>,
    track: Option<String>,
    #[serde(rename = "type")]
    session_type: Option<String>,
    room: Option<String>,
}

impl FilterQuery {
    fn parse(self) -> Result<Filter, WebError> {
        let non_empty = |v: Option<String>| v.filter(|s| !s.is_empty());
        Ok(Filter {
            event: non_empty(self.event),
            track: non_empty(self.track),
            session_type: non_empty(self.session_type)
                .map(|t| t.parse::<SessionType>())
                .transpose()
                .map_err(WebError::BadRequest)?,
            room: non_empty(self.room),
        })
    }
}

/// Any GET that no other route took: a released page, or 404.
pub async fn released(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path();
    if let Some(page) = state.site.page(path) {
        return page.respond(&headers);
    }
    // "/kccnceu2026" and "/kccnceu2026/schedule" are the pages with a trailing slash.
    let with_slash = format!("{path}/");
    if state.site.page(&with_slash).is_some() {
        return Redirect::permanent(&with_slash).into_response();
    }
    if path.starts_with("/api/") {
        return WebError::NotFound.json();
    }
    WebError::NotFound.into_response()
}

/// The schedule list of the whole edition, filtered when the query asks.
pub async fn schedule(
    State(state): State<AppState>,
    Path(edition): Path<String>,
    Query(q): Query<FilterQuery>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    filtered(&state, &edition, None, q, &uri, &headers)
}

/// One day's list, filtered when the query asks.
pub async fn day_list(
    State(state): State<AppState>,
    Path((edition, date)): Path<(String, String)>,
    Query(q): Query<FilterQuery>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let day = date.parse().map_err(|_| WebError::NotFound)?;
    filtered(&state, &edition, Some(day), q, &uri, &headers)
}

fn filtered(
    state: &AppState,
    edition: &str,
    day: Option<jiff::civil::Date>,
    q: FilterQuery,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<Response, WebError> {
    let filter = q.parse()?;
    if filter.is_empty() {
        return Ok(released_or_404(state, uri.path(), headers));
    }
    let data = state.site.edition(edition).ok_or(WebError::NotFound)?;
    if day.is_some_and(|d| !data.schedule.edition.days().contains(&d)) {
        return Err(WebError::NotFound);
    }
    let page = data.list_page(&filter, day);
    Ok(Html(
        page.render()
            .map_err(|e| WebError::Internal(e.to_string()))?,
    )
    .into_response())
}

fn released_or_404(state: &AppState, path: &str, headers: &HeaderMap) -> Response {
    match state.site.page(path) {
        Some(page) => page.respond(headers),
        None => WebError::NotFound.into_response(),
    }
}

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// Search over titles, abstracts, speakers and tracks of the released schedule.
pub async fn search(
    State(state): State<AppState>,
    Path(edition): Path<String>,
    Query(SearchQuery { q }): Query<SearchQuery>,
) -> Result<Response, WebError> {
    let data = state.site.edition(&edition).ok_or(WebError::NotFound)?;
    let q: String = q.chars().take(200).collect();
    let page = data.search_page(q.trim());
    Ok(Html(
        page.render()
            .map_err(|e| WebError::Internal(e.to_string()))?,
    )
    .into_response())
}

pub async fn health() -> &'static str {
    "ok"
}

#[derive(Debug, Deserialize)]
pub struct FeedQuery {
    #[serde(default)]
    ids: String,
}

/// A calendar of any list of sessions of the released schedule (`?ids=GUID,GUID`).
pub async fn sessions_feed(
    State(state): State<AppState>,
    Path(edition): Path<String>,
    Query(FeedQuery { ids }): Query<FeedQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let data = state.site.edition(&edition).ok_or(WebError::NotFound)?;
    let guids = ids
        .split(',')
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .take(1000)
        .map(|g| {
            hallway_domain::Guid::parse(g)
                .map_err(|_| WebError::BadRequest(format!("ids: {g:?} is not a session GUID")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if guids.is_empty() {
        return Err(WebError::BadRequest(
            "ids: give the GUIDs of the sessions, comma-separated".into(),
        ));
    }
    let page = data.export(
        hallway_app::ExportFormat::Ical,
        &hallway_app::Feed::Sessions(guids),
    );
    Ok(page.respond(&headers))
}
