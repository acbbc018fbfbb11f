//! An event's transparency report, CNCF-style: proposals and acceptance by track, first-time
//! speakers, how concentrated the accepted talks are among organisations. Aggregates only.

use crate::AppState;
use crate::account::Visitor;
use crate::cfp::render;
use crate::error::WebError;
use crate::extract::Segments;
use crate::html::Nav;
use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hallway_app::domain::transparency::Report;

#[derive(Template)]
#[template(path = "orga/transparency.html")]
struct TransparencyPage {
    nav: Option<Nav>,
    edition: String,
    event: String,
    r: Report,
}

pub async fn page(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event)): Segments<(String, String)>,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let orga = state.app.orga_ctx(viewer, &edition).await?;
    let r = state
        .app
        .transparency_report(&orga, &edition, &event)
        .await?;
    render(
        &TransparencyPage {
            nav: None,
            edition,
            event,
            r,
        },
        StatusCode::OK,
    )
}

pub async fn json(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event)): Segments<(String, String)>,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let orga = state.app.orga_ctx(viewer, &edition).await?;
    let r = state
        .app
        .transparency_report(&orga, &edition, &event)
        .await?;
    Ok(Json(r).into_response())
}
