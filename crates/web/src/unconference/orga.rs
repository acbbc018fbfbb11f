//! The board as its organizers run it: open it on a block of slots and rooms with a cut-off
//! (or again, with new ones), close it, merge duplicates, hide topics, see the plan with each
//! topic's room, slot and votes, and publish it as a release. Refused to anyone else before
//! the form is read.

use super::topic_id;
use crate::AppState;
use crate::account::{Form, FormToken, Visitor, csrf_of, text};
use crate::cfp::{render, told};
use crate::error::WebError;
use crate::extract::Segments;
use crate::html::Nav;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use hallway_app::domain::Change;
use hallway_app::{AppError, BoardForm, BoardView, OrgaCtx, PlanView, RoomChoice};

#[derive(Template)]
#[template(path = "unconference/orga.html")]
struct OrgaPage {
    nav: Option<Nav>,
    csrf: String,
    edition: String,
    b: Option<BoardView>,
    plan: Option<PlanView>,
    events: Vec<(String, String)>,
    rooms: Vec<RoomChoice>,
    error: String,
    notice: String,
}

async fn respond(
    state: &AppState,
    visitor: &Visitor,
    orga: &OrgaCtx,
    edition: &str,
    csrf: String,
    (status, error, notice): (StatusCode, String, String),
) -> Result<Response, WebError> {
    let app = &state.app;
    let b = app
        .unconference_orga_board(orga, visitor.viewer.as_ref(), edition)
        .await?;
    let plan = match &b {
        Some(_) => Some(app.plan_unconference(orga, edition).await?),
        None => None,
    };
    let (events, rooms) = app.unconference_choices(orga, edition).await?;
    render(
        &OrgaPage {
            nav: None,
            csrf,
            edition: edition.to_owned(),
            b,
            plan,
            events,
            rooms,
            error,
            notice,
        },
        status,
    )
}

pub async fn page(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let orga = state.app.orga_ctx(viewer, &edition).await?;
    let token = FormToken::of(&headers)?;
    let ok = (StatusCode::OK, String::new(), String::new());
    let response = respond(&state, &visitor, &orga, &edition, token.value.clone(), ok).await?;
    Ok(token.with(&state.accounts, response))
}

async fn act(
    state: &AppState,
    visitor: &Visitor,
    edition: &str,
    headers: &HeaderMap,
    body: &Bytes,
    what: impl AsyncFnOnce(&OrgaCtx, &Form) -> Result<String, AppError>,
) -> Result<Response, WebError> {
    let form = Form::parse(headers, text(body)?)?;
    let viewer = visitor.signed_in()?;
    let orga = state.app.orga_ctx(viewer, edition).await?;
    let told = told(what(&orga, &form).await)?;
    respond(state, visitor, &orga, edition, csrf_of(headers), told).await
}

pub async fn open(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    act(&state, &visitor, &edition, &headers, &body, async |o, f| {
        let (_, rooms) = state.app.unconference_choices(o, &edition).await?;
        let board = BoardForm {
            event: f.get("event").to_owned(),
            day: f.get("day").to_owned(),
            times: f.get("times").to_owned(),
            minutes: f.get("minutes").to_owned(),
            rooms: rooms
                .iter()
                .filter(|r| f.get(&format!("use-{}", r.slug)) == "on")
                .map(|r| (r.slug.clone(), f.get(&format!("cap-{}", r.slug)).to_owned()))
                .collect(),
            cutoff: f.get("cutoff").to_owned(),
        };
        state.app.open_unconference(o, &edition, &board).await?;
        Ok("The board is open.".to_owned())
    })
    .await
}

pub async fn close(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    act(&state, &visitor, &edition, &headers, &body, async |o, _| {
        state.app.close_unconference(o, &edition).await?;
        Ok("The board is closed: no more topics or votes.".to_owned())
    })
    .await
}

pub async fn merge(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    act(&state, &visitor, &edition, &headers, &body, async |o, f| {
        let (gone, keep) = (topic_id(f, "gone")?, topic_id(f, "keep")?);
        state
            .app
            .merge_unconference_topics(o, &edition, keep, gone)
            .await?;
        Ok(format!("Topic {gone} is merged into topic {keep}."))
    })
    .await
}

pub async fn hide(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    act(&state, &visitor, &edition, &headers, &body, async |o, f| {
        let hidden = f.get("hidden") != "0";
        let topic = topic_id(f, "topic")?;
        state
            .app
            .hide_unconference_topic(o, &edition, topic, hidden)
            .await?;
        Ok(if hidden { "Hidden." } else { "Shown again." }.to_owned())
    })
    .await
}

pub async fn publish(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    act(&state, &visitor, &edition, &headers, &body, async |o, _| {
        let release = match state.app.publish_unconference(o, &edition).await {
            Err(AppError::Unchanged(n)) => {
                return Err(AppError::Conflict(format!(
                    "the plan is published already: nothing changed since release {n}"
                )));
            }
            other => other?,
        };
        let c = release.changes.counts();
        let mut moved: Vec<_> = release
            .changes
            .changes
            .iter()
            .filter(|c| matches!(c, Change::MovedInTime { .. } | Change::MovedRoom { .. }))
            .map(Change::guid)
            .collect();
        moved.sort();
        moved.dedup();
        Ok(format!(
            "Published as release {}: {} added, {} moved, {} taken out.",
            release.number,
            c.added,
            moved.len(),
            c.removed
        ))
    })
    .await
}
