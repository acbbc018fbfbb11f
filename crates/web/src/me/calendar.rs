//! The private calendar feed, at its secret address: no cookie, since calendar apps send none;
//! the address is the key. Unknown, revoked or another edition's: 404.

use crate::AppState;
use crate::error::WebError;
use crate::extract::Segments;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use hallway_app::ExportFormat;

pub async fn feed(
    State(state): State<AppState>,
    Segments((edition, file)): Segments<(String, String)>,
) -> Result<Response, WebError> {
    let secret = file.strip_suffix(".ics").unwrap_or(&file);
    let ics = state.app.private_calendar(&edition, secret).await?;
    Ok((
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static(ExportFormat::Ical.content_type()),
            ),
            // Personal: no shared cache keeps it, and no search engine lists its address.
            (CACHE_CONTROL, HeaderValue::from_static("private, no-cache")),
            (
                HeaderName::from_static("x-robots-tag"),
                HeaderValue::from_static("noindex"),
            ),
        ],
        ics,
    )
        .into_response())
}
