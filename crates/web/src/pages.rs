//! Public HTML: released pages from memory; filters and search computed from the in-memory
//! release, never from the database.

use crate::AppState;
use crate::error::WebError;
use crate::extract::{Params, Segments};
use crate::render::Filter;
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::{Html, IntoResponse, Redirect, Response};
use hallway_domain::SessionType;

fn filter(q: &Params) -> Result<Filter, WebError> {
    Ok(Filter {
        event: q.get("event").map(str::to_owned),
        track: q.get("track").map(str::to_owned),
        session_type: q
            .get("type")
            .map(str::parse::<SessionType>)
            .transpose()
            .map_err(WebError::BadRequest)?,
        room: q.get("room").map(str::to_owned),
    })
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
    Segments(edition): Segments<String>,
    q: Params,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    filtered(&state, &edition, None, View::List, q, &uri, &headers)
}

/// One day's list, filtered when the query asks.
pub async fn day_list(
    State(state): State<AppState>,
    Segments((edition, date)): Segments<(String, String)>,
    q: Params,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let day = date.parse().map_err(|_| WebError::NotFound)?;
    filtered(&state, &edition, Some(day), View::List, q, &uri, &headers)
}

/// One day's grid, filtered when the query asks.
pub async fn day_grid(
    State(state): State<AppState>,
    Segments((edition, date)): Segments<(String, String)>,
    q: Params,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let day = date.parse().map_err(|_| WebError::NotFound)?;
    filtered(&state, &edition, Some(day), View::Grid, q, &uri, &headers)
}

/// How a filtered schedule is shown.
#[derive(Clone, Copy)]
enum View {
    List,
    Grid,
}

/// What is on now and what starts next; `?at=` (RFC 3339) shows another moment.
pub async fn now(
    State(state): State<AppState>,
    Segments(edition): Segments<String>,
    q: Params,
) -> Result<Response, WebError> {
    let data = state.site.edition(&edition).ok_or(WebError::NotFound)?;
    let at = match q.get("at") {
        Some(text) => text.parse::<jiff::Timestamp>().map_err(|e| {
            WebError::BadRequest(format!(
                "at: {text:?} is not a moment like 2026-03-25T10:30:00+01:00 ({e})"
            ))
        })?,
        None => jiff::Timestamp::now(),
    };
    let mut response = html(&data.now_page(at))?;
    // The page changes by the minute: never cached as if it stayed right.
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

fn html(page: &impl Template) -> Result<Response, WebError> {
    Ok(Html(
        page.render()
            .map_err(|e| WebError::Internal(e.to_string()))?,
    )
    .into_response())
}

fn filtered(
    state: &AppState,
    edition: &str,
    day: Option<jiff::civil::Date>,
    view: View,
    q: Params,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<Response, WebError> {
    let filter = filter(&q)?;
    if filter.is_empty() {
        return Ok(released_or_404(state, uri.path(), headers));
    }
    let data = state.site.edition(edition).ok_or(WebError::NotFound)?;
    if day.is_some_and(|d| !data.schedule.edition.days().contains(&d)) {
        return Err(WebError::NotFound);
    }
    match (view, day) {
        (View::Grid, Some(day)) => html(&data.grid_page(day, &filter)),
        _ => html(&data.list_page(&filter, day)),
    }
}

fn released_or_404(state: &AppState, path: &str, headers: &HeaderMap) -> Response {
    match state.site.page(path) {
        Some(page) => page.respond(headers),
        None => WebError::NotFound.into_response(),
    }
}

/// Search over titles, abstracts, speakers and tracks of the released schedule.
pub async fn search(
    State(state): State<AppState>,
    Segments(edition): Segments<String>,
    q: Params,
) -> Result<Response, WebError> {
    let data = state.site.edition(&edition).ok_or(WebError::NotFound)?;
    // Search work stays bounded whatever the query's length.
    let q: String = q.get("q").unwrap_or_default().chars().take(200).collect();
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

/// A calendar of any list of sessions of the released schedule (`?ids=GUID,GUID`).
pub async fn sessions_feed(
    State(state): State<AppState>,
    Segments(edition): Segments<String>,
    q: Params,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let data = state.site.edition(&edition).ok_or(WebError::NotFound)?;
    let guids = q
        .get("ids")
        .unwrap_or_default()
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
