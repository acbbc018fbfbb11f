//! What operators use: liveness, readiness, Prometheus metrics, and a request id on every
//! request (in its log lines and its `x-request-id` header).

mod metrics;
mod request;

pub(crate) use metrics::Metrics;
pub(crate) use request::observe;

use crate::error::WebError;
use crate::{AppState, Routes};
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .route("/healthz", get(health))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
}

/// Operations answer before any release is rendered.
pub(crate) fn needs_no_release(path: &str) -> bool {
    matches!(path, "/healthz" | "/readyz" | "/metrics")
}

/// The process is alive and answers.
async fn health() -> &'static str {
    "ok"
}

/// Ready to serve: the database answers, its schema is current, released pages are rendered.
async fn ready(State(state): State<AppState>) -> Response {
    if !state.site.is_ready() {
        return not_ready("the released pages are being rendered");
    }
    match state.app.not_ready_because().await {
        Ok(problems) if problems.is_empty() => "ready".into_response(),
        Ok(problems) => not_ready(&problems.join("; ")),
        Err(e) => {
            tracing::error!(cause = %crate::error::cause_chain(&e), "readiness check failed");
            not_ready("the database does not answer")
        }
    }
}

fn not_ready(why: &str) -> Response {
    WebError::Unavailable(format!("not ready: {why}")).into_response()
}

async fn metrics(State(state): State<AppState>) -> Response {
    let outbox = match state.app.outbox_counts().await {
        Ok(counts) => Some(counts),
        Err(e) => {
            // The figures that need no database are still worth having.
            tracing::error!(cause = %crate::error::cause_chain(&e), "outbox figures unavailable");
            None
        }
    };
    let mut text = state
        .metrics
        .render(&state.app.pool_use(), outbox.as_deref());
    text.push_str(&state.live.render_figures());
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        text,
    )
        .into_response()
}
