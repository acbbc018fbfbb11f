//! The daily review (attended, skipped, notes, what is bookmarked tomorrow) and the wrap-up
//! of the viewer's conference, as Markdown and as JSON, to download.

use super::watch::{agenda, byline};
use crate::AppState;
use crate::account::Visitor;
use crate::agenda::Agenda;
use crate::agenda::when::{day_label, short_day, time_range};
use crate::cfp::render;
use crate::error::WebError;
use crate::extract::Segments;
use crate::html::Nav;
use askama::Template;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hallway_app::domain::Guid;
use hallway_app::domain::agenda::Marks;
use jiff::civil::Date;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "me/day.html")]
struct DayPage {
    nav: Option<Nav>,
    edition: String,
    day: String,
    attended: Vec<Line>,
    skipped: Vec<Line>,
    noted: Vec<Line>,
    tomorrow: Option<(String, Vec<Line>)>,
    days: Vec<(String, String)>,
}

struct Line {
    guid: String,
    title: String,
    when: String,
    byline: String,
    note: String,
    /// The recording's player, when there is a video.
    watch: bool,
}

/// Each day of the edition: its date and a short label, for links.
pub(super) fn day_links(a: &Agenda) -> Vec<(String, String)> {
    (a.released.schedule.edition.days().into_iter())
        .map(|d| (d.to_string(), short_day(d)))
        .collect()
}

fn lines(a: &Agenda, guids: &[Guid], marks: &HashMap<Guid, Marks>) -> Vec<Line> {
    let s = &a.released.schedule;
    guids
        .iter()
        .filter_map(|g| {
            let x = s.sessions.iter().find(|x| x.guid == *g)?;
            let sl = x.slots.iter().min_by_key(|sl| sl.start)?;
            Some(Line {
                guid: g.to_string(),
                title: x.title.clone(),
                when: format!(
                    "{}{}",
                    time_range(&a.zone, sl.start, sl.end),
                    s.room_name(sl)
                        .map(|r| format!(" · {r}"))
                        .unwrap_or_default()
                ),
                byline: byline(a, x),
                note: marks
                    .get(g)
                    .map(|m| m.note.value.clone())
                    .unwrap_or_default(),
                watch: a
                    .released
                    .recordings
                    .get(g)
                    .is_some_and(|r| r.url.is_some()),
            })
        })
        .collect()
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, date)): Segments<(String, String)>,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let a = agenda(&state, &edition)?;
    let date: Date = date
        .parse()
        .map_err(|_| WebError::BadRequest(format!("{date:?} is not a date like 2026-03-24")))?;
    let d = state.app.my_day(viewer, &a.released.schedule, date).await?;
    render(
        &DayPage {
            nav: a.nav(""),
            edition: edition.clone(),
            day: day_label(date),
            attended: lines(&a, &d.today.attended, &d.marks),
            skipped: lines(&a, &d.today.skipped, &d.marks),
            noted: lines(&a, &d.today.noted, &d.marks),
            tomorrow: d.tomorrow.as_ref().map(|t| {
                (
                    t.date.map(day_label).unwrap_or_default(),
                    lines(&a, &t.bookmarked, &d.marks),
                )
            }),
            days: day_links(&a),
        },
        StatusCode::OK,
    )
}

fn download(body: String, content_type: &'static str, name: &str) -> Result<Response, WebError> {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .map_err(|e| WebError::Internal(format!("a file name {name:?}: {e}")))?;
    Ok((
        [
            (CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// The wrap-up post, in Markdown.
pub async fn wrapup_markdown(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let a = agenda(&state, &edition)?;
    let w = state.app.wrapup(viewer, &a.released.schedule).await?;
    download(
        hallway_app::wrapup_markdown(&w),
        "text/markdown; charset=utf-8",
        &format!("{edition}-wrap-up.md"),
    )
}

/// The wrap-up as JSON: the same days, talks, notes and links.
pub async fn wrapup_json(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let a = agenda(&state, &edition)?;
    let w = state.app.wrapup(viewer, &a.released.schedule).await?;
    let body = serde_json::to_string_pretty(&w)
        .map_err(|e| WebError::Internal(format!("the wrap-up as JSON: {e}")))?;
    download(body, "application/json", &format!("{edition}-wrap-up.json"))
}
