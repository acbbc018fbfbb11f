//! The organizers' fill figures: each counted session's peak against its room's capacity, as
//! a page and as CSV for sizing rooms next time.

use super::released;
use crate::AppState;
use crate::account::Visitor;
use crate::cfp::render;
use crate::error::WebError;
use crate::extract::Segments;
use crate::html::Nav;
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

struct Row {
    title: String,
    href: String,
    room: String,
    start: String,
    capacity: String,
    peak: u32,
    at_start: u32,
    at_ten: u32,
    /// Peak over capacity, as a share ("112%"), when the capacity is known.
    share: String,
    over: bool,
    marked_full: bool,
}

#[derive(Template)]
#[template(path = "venue/figures.html")]
struct FiguresPage {
    nav: Option<Nav>,
    edition: String,
    edition_name: String,
    rows: Vec<Row>,
}

pub async fn page(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let orga = state.app.orga_ctx(viewer, &edition).await?;
    let r = released(&state, &edition)?;
    let tz = r.schedule.edition.tz();
    let figures = state.app.fill_figures(&orga, &r.schedule).await?;
    let rows = figures
        .into_iter()
        .map(|f| {
            let share = f
                .capacity
                .filter(|&c| c > 0)
                .map(|c| u64::from(f.figures.peak) * 100 / u64::from(c));
            Row {
                href: format!("/{edition}/sessions/{}", f.session),
                title: f.title,
                room: f.room.unwrap_or_default(),
                start: f.start.map_or_else(String::new, |t| {
                    t.to_zoned(tz.clone())
                        .strftime("%a %-d %b %H:%M")
                        .to_string()
                }),
                capacity: f.capacity.map_or_else(String::new, |c| c.to_string()),
                peak: f.figures.peak,
                at_start: f.figures.at_start,
                at_ten: f.figures.at_ten,
                share: share.map_or_else(String::new, |s| format!("{s}%")),
                over: share.is_some_and(|s| s > 100),
                marked_full: f.figures.marked_full,
            }
        })
        .collect();
    render(
        &FiguresPage {
            nav: None,
            edition: edition.clone(),
            edition_name: r.schedule.edition.name.clone(),
            rows,
        },
        StatusCode::OK,
    )
}

pub async fn csv(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let orga = state.app.orga_ctx(viewer, &edition).await?;
    let r = released(&state, &edition)?;
    let figures = state.app.fill_figures(&orga, &r.schedule).await?;
    let disposition =
        HeaderValue::from_str(&format!("attachment; filename=\"fill-{edition}.csv\""))
            .map_err(|e| WebError::Internal(format!("a download name: {e}")))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        hallway_app::fill_csv(&figures),
    )
        .into_response())
}
