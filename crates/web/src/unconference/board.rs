//! The board as attendees use it: propose a topic, vote once, take the vote back, the topics
//! sorted by votes. Thin handlers over `App::*_unconference_*`.

use super::topic_id;
use crate::AppState;
use crate::account::{ClientAddr, Form, FormToken, Visitor, csrf_of, text};
use crate::cfp::{render, told};
use crate::error::WebError;
use crate::extract::Segments;
use crate::html::Nav;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use hallway_app::{AppError, BoardView, RateLimit};

#[derive(Template)]
#[template(path = "unconference/board.html")]
struct BoardPage {
    nav: Option<Nav>,
    csrf: String,
    edition: String,
    signed_in: bool,
    b: BoardView,
    error: String,
    notice: String,
    /// What was typed, kept when a proposal is refused.
    title: String,
    description: String,
}

struct Outcome {
    status: StatusCode,
    error: String,
    notice: String,
    title: String,
    description: String,
}

async fn respond(
    state: &AppState,
    visitor: &Visitor,
    edition: &str,
    csrf: String,
    o: Outcome,
) -> Result<Response, WebError> {
    let b = state
        .app
        .unconference_board(visitor.viewer.as_ref(), edition)
        .await?;
    render(
        &BoardPage {
            nav: None,
            csrf,
            edition: edition.to_owned(),
            signed_in: visitor.viewer.is_some(),
            b,
            error: o.error,
            notice: o.notice,
            title: o.title,
            description: o.description,
        },
        o.status,
    )
}

pub async fn page(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let token = FormToken::of(&headers)?;
    let response = respond(
        &state,
        &visitor,
        &edition,
        token.value.clone(),
        Outcome {
            status: StatusCode::OK,
            error: String::new(),
            notice: String::new(),
            title: String::new(),
            description: String::new(),
        },
    )
    .await?;
    Ok(token.with(&state.accounts, response))
}

pub async fn propose(
    State(state): State<AppState>,
    visitor: Visitor,
    ClientAddr(address): ClientAddr,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    state
        .app
        .throttle(&RateLimit::PROPOSE, viewer.user(), address)
        .await?;
    let (title, description) = (form.get("title"), form.get("description"));
    let outcome = state
        .app
        .propose_unconference_topic(viewer, &edition, title, description)
        .await
        .map(|_| "Your topic is on the board.".to_owned());
    let kept = outcome.is_err();
    let (status, error, notice) = told(outcome)?;
    let keep = |s: &str| if kept { s.to_owned() } else { String::new() };
    respond(
        &state,
        &visitor,
        &edition,
        csrf_of(&headers),
        Outcome {
            status,
            error,
            notice,
            title: keep(title),
            description: keep(description),
        },
    )
    .await
}

pub async fn vote(
    State(state): State<AppState>,
    visitor: Visitor,
    ClientAddr(address): ClientAddr,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    state
        .app
        .throttle(&RateLimit::TOPIC_VOTE, viewer.user(), address)
        .await?;
    let outcome = async {
        let up = form.get("up") != "0";
        state
            .app
            .vote_unconference_topic(viewer, &edition, topic_id(&form, "topic")?, up)
            .await?;
        Ok::<_, AppError>(if up { "Voted." } else { "Vote taken back." }.to_owned())
    }
    .await;
    let (status, error, notice) = told(outcome)?;
    respond(
        &state,
        &visitor,
        &edition,
        csrf_of(&headers),
        Outcome {
            status,
            error,
            notice,
            title: String::new(),
            description: String::new(),
        },
    )
    .await
}
