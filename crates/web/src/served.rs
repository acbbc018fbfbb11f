//! What no other route takes: a page, document or file of the catalogue, from memory; an
//! agenda page in the zone `?tz=` asks for.

use crate::AppState;
use crate::agenda::viewer_zone;
use crate::error::WebError;
use crate::extract::Params;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Redirect, Response};

/// Any GET that no other route took: a released page, or 404.
pub async fn released(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path();
    match in_viewers_zone(&state, &uri, &headers).await {
        Ok(Some(response)) => return response,
        Ok(None) => {}
        Err(e) => return e.for_path(path),
    }
    if let Some(page) = state.site.page(path) {
        return page.respond(&headers);
    }
    // "/kccnceu2026" and "/kccnceu2026/schedule" are the pages with a trailing slash.
    let with_slash = format!("{path}/");
    if state.site.page(&with_slash).is_some() {
        return redirect(&with_slash, &uri);
    }
    WebError::NotFound.for_path(path)
}

/// The page in the zone `?tz=` names; None when the query names none, or the venue's, or the
/// path is no agenda page (an export or a feed is the same in every zone).
async fn in_viewers_zone(
    state: &AppState,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<Option<Response>, WebError> {
    let path = uri.path();
    if path.starts_with("/api/") || path.starts_with("/static/") {
        return Ok(None);
    }
    let Some(viewer) = viewer_zone(&Params::parse(uri.query().unwrap_or_default())?)? else {
        return Ok(None);
    };
    if path == "/" {
        return Ok(Some(state.site.index_in(&viewer).respond(headers)));
    }
    let edition = path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    let Some(zoned) = state.site.in_zone(edition, &viewer).await? else {
        return Ok(None);
    };
    if let Some(page) = zoned.page(path) {
        return Ok(Some(page.respond(headers)));
    }
    let with_slash = format!("{path}/");
    Ok(zoned.page(&with_slash).map(|_| redirect(&with_slash, uri)))
}

/// A permanent redirect that keeps the query (filters, the zone).
fn redirect(to: &str, uri: &Uri) -> Response {
    match uri.query() {
        Some(q) => Redirect::permanent(&format!("{to}?{q}")).into_response(),
        None => Redirect::permanent(to).into_response(),
    }
}
