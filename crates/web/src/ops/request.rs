//! Every request gets an id: the caller's `x-request-id` when it is a sane token, else a new
//! one. Log lines written while answering carry it (a tracing span), the response names it,
//! and the request counts in the route's metrics.

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use tracing::Instrument;

const HEADER: &str = "x-request-id";

pub(crate) async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = state.metrics.route(
        req.extensions()
            .get::<MatchedPath>()
            .map(MatchedPath::as_str),
    );
    let id = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| sane(v))
        .map_or_else(new_id, str::to_owned);
    let span =
        tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path());
    let started = Instant::now();
    state.metrics.started();
    let mut response = next.run(req).instrument(span).await;
    state
        .metrics
        .finished(route, response.status().as_u16(), started.elapsed());
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    response
}

/// At most 64 letters, digits, `-`, `_` or `.`: safe in a header and a log line.
fn sane(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// This process's prefix (its id and start instant) and a counter: unique across replicas
/// without coordination.
fn new_id() -> String {
    static PREFIX: OnceLock<String> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let prefix = PREFIX.get_or_init(|| {
        let started = jiff::Timestamp::now().as_nanosecond() as u64;
        format!("{:x}{:08x}", std::process::id(), started & 0xffff_ffff)
    });
    format!("{prefix}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_sane_ids_are_kept() {
        assert!(super::sane("a1b2-33_x.y"));
        assert!(!super::sane(""));
        assert!(!super::sane("with space"));
        assert!(!super::sane(&"x".repeat(65)));
        assert_ne!(super::new_id(), super::new_id());
    }
}
