//! Who of a session's presenters is online, and writing to one of them.

use crate::AppState;
use crate::account::{ClientAddr, Form, FormToken, Visitor, csrf_of, text};
use crate::cfp::{render, told};
use crate::error::WebError;
use crate::extract::{Params, Segments};
use crate::html::Nav;
use crate::venue::released;
use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hallway_app::{MAX_CONTACT_CHARS, Presenter};

/// A page's heartbeat: the signed-in viewer is here (shown only where they opted in). Anyone
/// may send one; `seen` says whether it counted, so a page of someone not signed in stops
/// sending them (a refusal would be an error in every visitor's console).
pub async fn beat(State(state): State<AppState>, visitor: Visitor) -> Result<Response, WebError> {
    let seen = match &visitor.viewer {
        Some(viewer) => {
            state.app.note_seen(viewer).await?;
            true
        }
        None => false,
    };
    let mut response = Json(serde_json::json!({ "seen": seen })).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[derive(serde::Serialize)]
struct OnlineJson {
    online: Vec<Presenter>,
}

/// `?session=GUID`: its presenters online now; `?speaker=SLUG`: that speaker, if online.
pub async fn json(
    State(state): State<AppState>,
    Segments(edition): Segments<String>,
    q: Params,
) -> Result<Response, WebError> {
    let r = released(&state, &edition)?;
    let online = match (q.get("session"), q.get("speaker")) {
        (Some(guid), None) => state.app.online_presenters(&r.schedule, guid).await?,
        (None, Some(speaker)) => state.app.online_speaker(&r.schedule, speaker).await?,
        _ => {
            return Err(WebError::BadRequest(
                "give either session=GUID or speaker=SLUG".into(),
            ));
        }
    };
    let mut response = Json(OnlineJson { online }).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[derive(Template)]
#[template(path = "presence/online.html")]
struct OnlinePage {
    nav: Option<Nav>,
    csrf: String,
    edition: String,
    guid: String,
    title: String,
    online: Vec<Presenter>,
    presenters: Vec<Presenter>,
    signed_in: bool,
    max: usize,
    text: String,
    error: String,
    notice: String,
}

#[allow(clippy::too_many_arguments)]
async fn page_of(
    state: &AppState,
    signed_in: bool,
    edition: &str,
    guid: &str,
    csrf: String,
    text: String,
    error: String,
    notice: String,
) -> Result<OnlinePage, WebError> {
    let r = released(state, edition)?;
    let title = r
        .schedule
        .sessions
        .iter()
        .find(|s| s.guid.to_string() == guid)
        .map(|s| s.title.clone())
        .ok_or(WebError::NotFound)?;
    Ok(OnlinePage {
        nav: None,
        csrf,
        edition: edition.to_owned(),
        guid: guid.to_owned(),
        title,
        online: state.app.online_presenters(&r.schedule, guid).await?,
        presenters: state.app.presenters(&r.schedule, guid).await?,
        signed_in,
        max: MAX_CONTACT_CHARS,
        text,
        error,
        notice,
    })
}

/// `/{edition}/online/{guid}`: who is online, and the form to write to a presenter.
pub async fn page(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, guid)): Segments<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let token = FormToken::of(&headers)?;
    let p = page_of(
        &state,
        visitor.viewer.is_some(),
        &edition,
        &guid,
        token.value.clone(),
        String::new(),
        String::new(),
        String::new(),
    )
    .await?;
    Ok(token.with(&state.accounts, render(&p, StatusCode::OK)?))
}

/// Sends the note; what was typed stays in the form when it is refused.
pub async fn contact(
    State(state): State<AppState>,
    visitor: Visitor,
    ClientAddr(from): ClientAddr,
    Segments((edition, guid)): Segments<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    let r = released(&state, &edition)?;
    let outcome = state
        .app
        .send_contact(
            viewer,
            from,
            &r.schedule,
            &guid,
            form.get("speaker"),
            form.get("text"),
        )
        .await
        .map(|_| {
            "Sent. The speaker gets it by mail and in their inbox; an answer comes to you by mail and on your page.".to_owned()
        });
    let sent = outcome.is_ok();
    let (status, error, notice) = told(outcome)?;
    let kept = if sent {
        String::new()
    } else {
        form.get("text").to_owned()
    };
    render(
        &page_of(
            &state,
            true,
            &edition,
            &guid,
            csrf_of(&headers),
            kept,
            error,
            notice,
        )
        .await?,
        status,
    )
}
