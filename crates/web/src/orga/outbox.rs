//! The outbox as site organizers see it: what went out, what waits, what failed and why.

use crate::AppState;
use crate::account::Visitor;
use crate::cfp::render;
use crate::error::WebError;
use crate::html::Nav;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

struct Line {
    subject: String,
    recipient: String,
    state: &'static str,
    attempts: u32,
    queued: String,
    sent: String,
    error: String,
}

#[derive(Template)]
#[template(path = "orga/outbox.html")]
struct OutboxPage {
    nav: Option<Nav>,
    lines: Vec<Line>,
}

/// The newest 200 messages.
pub async fn page(State(state): State<AppState>, visitor: Visitor) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let orga = state.app.site_orga_ctx(viewer)?;
    let when = |s: i64| {
        jiff::Timestamp::from_second(s)
            .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
            .map_err(|e| WebError::Internal(format!("a stored instant {s}: {e}")))
    };
    let mut lines = Vec::new();
    for m in state.app.outbox(&orga, 200).await? {
        lines.push(Line {
            queued: when(m.created_at)?,
            sent: m.sent_at.map(when).transpose()?.unwrap_or_default(),
            subject: m.subject,
            recipient: m.recipient,
            state: m.state.as_str(),
            attempts: m.attempts,
            error: m.last_error,
        });
    }
    render(&OutboxPage { nav: None, lines }, StatusCode::OK)
}
