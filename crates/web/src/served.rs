//! What no other route takes: a page, document or file of the catalogue, from memory.

use crate::AppState;
use crate::error::WebError;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Redirect, Response};

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
    WebError::NotFound.for_path(path)
}

pub async fn health() -> &'static str {
    "ok"
}
