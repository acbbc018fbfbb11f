//! `/{edition}/fill.json`: how full the sessions running now are, with an alternative for each
//! full one. Every open schedule page polls it (the static script marks the boxes), so the
//! app keeps the current answer in memory for a few seconds; `?at=` asks another moment.

use super::{moment, released};
use crate::AppState;
use crate::error::WebError;
use crate::extract::{Params, Segments};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

pub async fn now(
    State(state): State<AppState>,
    Segments(edition): Segments<String>,
    q: Params,
) -> Result<Response, WebError> {
    let r = released(&state, &edition)?;
    let at = moment(&q)?;
    let fill = state.app.fill_now(&r.schedule, r.release, at).await?;
    let mut response = Json(&*fill).into_response();
    // The answer is as fresh as the app's few seconds in memory; another moment's is not kept.
    let cache = if at.is_some() {
        HeaderValue::from_static("no-store")
    } else {
        HeaderValue::from_static("public, max-age=5")
    };
    response.headers_mut().insert(header::CACHE_CONTROL, cache);
    Ok(response)
}
