//! Middleware that answers before a handler would: 503 until the released pages are in memory,
//! and 503 when a handler takes longer than the request time limit.

use crate::AppState;
use crate::error::WebError;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Duration;

/// Paths that are right before any release is rendered: the health check, the assets, the
/// API description and the account pages.
fn needs_no_release(path: &str) -> bool {
    crate::ops::needs_no_release(path)
        || path.starts_with("/static/")
        || path == "/api/v1/openapi.json"
        || crate::account::needs_no_release(path)
        || crate::review::needs_no_release(path)
}

/// Until the first render is whole, every page would look as if nothing were released.
pub async fn until_rendered(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if state.site.is_ready() || needs_no_release(req.uri().path()) {
        return next.run(req).await;
    }
    WebError::Unavailable("The schedule is being prepared; it will be here in a moment.".into())
        .for_path(req.uri().path())
}

/// Handlers compute from memory and seldom wait, so what bounds their work is their input (the
/// head's size, a search cut to 200 characters, at most 1,000 feed ids); this catches whatever
/// does wait too long.
pub async fn time_limit(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(%path, ?limit, "a request took longer than its time limit");
            WebError::Unavailable("This took too long; please try again.".into()).for_path(&path)
        }
    }
}
