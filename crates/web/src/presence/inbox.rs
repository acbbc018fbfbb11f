//! A presenter's inbox (answer or ignore each note; a static script polls `inbox.json` and
//! offers to show new ones) and an attendee's sent notes with their answers.

use crate::AppState;
use crate::account::{Form, FormToken, Visitor, csrf_of, text};
use crate::cfp::{render, told};
use crate::error::WebError;
use crate::extract::Segments;
use crate::html::Nav;
use crate::venue::released;
use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hallway_app::{ContactView, MAX_CONTACT_CHARS, Viewer};

#[derive(Template)]
#[template(path = "presence/inbox.html")]
struct InboxPage {
    nav: Option<Nav>,
    csrf: String,
    edition: String,
    notes: Vec<ContactView>,
    /// The newest note's id: the script compares it with `inbox.json`'s.
    newest: i64,
    max: usize,
    error: String,
    notice: String,
}

async fn inbox_of(
    state: &AppState,
    viewer: &Viewer,
    edition: &str,
    csrf: String,
    error: String,
    notice: String,
) -> Result<InboxPage, WebError> {
    let r = released(state, edition)?;
    let notes = state.app.inbox(viewer, &r.schedule).await?;
    Ok(InboxPage {
        nav: None,
        csrf,
        edition: edition.to_owned(),
        newest: notes.iter().map(|n| n.id).max().unwrap_or(0),
        notes,
        max: MAX_CONTACT_CHARS,
        error,
        notice,
    })
}

pub async fn page(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let token = FormToken::of(&headers)?;
    let p = inbox_of(
        &state,
        viewer,
        &edition,
        token.value.clone(),
        String::new(),
        String::new(),
    )
    .await?;
    Ok(token.with(&state.accounts, render(&p, StatusCode::OK)?))
}

#[derive(serde::Serialize)]
struct InboxJson {
    newest: i64,
    waiting: usize,
    notes: Vec<ContactView>,
}

/// The inbox as JSON, for the page's script (and any client).
pub async fn json(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let r = released(&state, &edition)?;
    let notes = state.app.inbox(viewer, &r.schedule).await?;
    let body = InboxJson {
        newest: notes.iter().map(|n| n.id).max().unwrap_or(0),
        waiting: notes.iter().filter(|n| n.state == "new").count(),
        notes,
    };
    let mut response = Json(body).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

pub async fn answer(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, id)): Segments<(String, i64)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    let r = released(&state, &edition)?;
    let outcome = state
        .app
        .answer_contact(viewer, &r.schedule, id, form.get("answer"))
        .await
        .map(|()| "Answered: it is on its way to the sender.".to_owned());
    settled(&state, viewer, &edition, &headers, outcome).await
}

pub async fn ignore(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, id)): Segments<(String, i64)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    let r = released(&state, &edition)?;
    let outcome = state
        .app
        .ignore_contact(viewer, &r.schedule, id)
        .await
        .map(|()| "Left unanswered. The sender is not told.".to_owned());
    settled(&state, viewer, &edition, &headers, outcome).await
}

async fn settled(
    state: &AppState,
    viewer: &Viewer,
    edition: &str,
    headers: &HeaderMap,
    outcome: Result<String, hallway_app::AppError>,
) -> Result<Response, WebError> {
    let (status, error, notice) = told(outcome)?;
    render(
        &inbox_of(state, viewer, edition, csrf_of(headers), error, notice).await?,
        status,
    )
}

#[derive(Template)]
#[template(path = "presence/sent.html")]
struct SentPage {
    nav: Option<Nav>,
    edition: String,
    notes: Vec<ContactView>,
}

/// What the viewer wrote to speakers, with the answers.
pub async fn sent(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let r = released(&state, &edition)?;
    let notes = state.app.sent_contacts(viewer, &r.schedule).await?;
    render(
        &SentPage {
            nav: None,
            edition,
            notes,
        },
        StatusCode::OK,
    )
}
