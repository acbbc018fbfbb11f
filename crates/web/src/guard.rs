//! Middleware that answers before a handler would: 503 until the released pages are in memory,
//! 503 when more requests are in hand than the server takes at once, and 503 when a handler
//! takes longer than the request time limit.

use crate::AppState;
use crate::error::WebError;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

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

/// At most as many requests in hand as `slots` has permits; one more is told to come back
/// rather than queued behind the others.
pub async fn in_flight_limit(
    State(slots): State<Arc<Semaphore>>,
    req: Request,
    next: Next,
) -> Response {
    match slots.try_acquire_owned() {
        Ok(_permit) => next.run(req).await,
        Err(_) => {
            tracing::warn!(path = %req.uri().path(), "too many requests in hand: refused");
            WebError::Unavailable("The server is busy; please try again in a moment.".into())
                .for_path(req.uri().path())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::http::StatusCode;
    use axum::routing::get;
    use tower::ServiceExt;

    #[tokio::test]
    async fn one_request_over_the_limit_is_told_to_come_back_and_the_next_is_served() {
        let release = Arc::new(tokio::sync::Notify::new());
        let held = release.clone();
        let app = Router::new()
            .route(
                "/slow",
                get(move || {
                    let held = held.clone();
                    async move { held.notified().await }
                }),
            )
            .route("/fast", get(|| async {}))
            .layer(axum::middleware::from_fn_with_state(
                Arc::new(Semaphore::new(1)),
                in_flight_limit,
            ));
        let get = |path: &str| Request::get(path).body(Body::empty()).unwrap();
        let slow = tokio::spawn(app.clone().oneshot(get("/slow")));
        // The slow request holds the one slot once its handler runs.
        tokio::task::yield_now().await;
        let mut refused = app.clone().oneshot(get("/fast")).await.unwrap();
        for _ in 0..100 {
            if refused.status() == StatusCode::SERVICE_UNAVAILABLE {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
            refused = app.clone().oneshot(get("/fast")).await.unwrap();
        }
        assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
        release.notify_one();
        assert_eq!(slow.await.unwrap().unwrap().status(), StatusCode::OK);
        let served = app.oneshot(get("/fast")).await.unwrap();
        assert_eq!(served.status(), StatusCode::OK);
    }
}
