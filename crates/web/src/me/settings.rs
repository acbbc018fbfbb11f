//! An attendee's settings of an edition: change mails on or off, and their private calendar
//! feed's address (make one, see it, replace or revoke it). Plain forms, no script needed.

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
use hallway_app::{AppError, ChangeSettings, FeedAddress, Viewer};

#[derive(Template)]
#[template(path = "me/settings.html")]
struct SettingsPage {
    nav: Option<Nav>,
    csrf: String,
    edition: String,
    s: ChangeSettings,
    feed: Option<FeedAddress>,
    error: String,
    notice: String,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    edition: &str,
    csrf: String,
    error: String,
    notice: String,
) -> Result<SettingsPage, WebError> {
    Ok(SettingsPage {
        nav: None,
        csrf,
        edition: edition.to_owned(),
        s: state.app.change_settings(viewer, edition).await?,
        feed: state.app.calendar_feed_address(viewer, edition).await?,
        error,
        notice,
    })
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let token = FormToken::of(&headers)?;
    let p = page(
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

/// Turns the change mails on (`mails=on`) or off (`mails=off`).
pub async fn mails(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    let outcome = match form.get("mails") {
        "on" => state
            .app
            .set_change_mails(viewer, &edition, true)
            .await
            .map(|()| {
                "Done: each new release that changes your sessions will be mailed to you."
                    .to_owned()
            }),
        "off" => state
            .app
            .set_change_mails(viewer, &edition, false)
            .await
            .map(|()| "Done: no more change mails.".to_owned()),
        other => Err(AppError::Invalid(format!(
            "mails: {other:?} is neither on nor off"
        ))),
    };
    respond(&state, viewer, &edition, &headers, outcome).await
}

/// Makes a new feed address, revoking the one before it.
pub async fn new_feed(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    let outcome = state
        .app
        .new_calendar_feed(viewer, &edition)
        .await
        .map(|_| {
            "Your calendar address is below; any address made before it no longer works.".to_owned()
        });
    respond(&state, viewer, &edition, &headers, outcome).await
}

pub async fn revoke_feed(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    let outcome = match state.app.revoke_calendar_feed(viewer, &edition).await {
        Ok(true) => Ok("Revoked: the address no longer works.".to_owned()),
        Ok(false) => Err(AppError::Conflict(
            "You have no calendar address to revoke.".to_owned(),
        )),
        Err(e) => Err(e),
    };
    respond(&state, viewer, &edition, &headers, outcome).await
}

async fn respond(
    state: &AppState,
    viewer: &Viewer,
    edition: &str,
    headers: &HeaderMap,
    outcome: Result<String, AppError>,
) -> Result<Response, WebError> {
    let (status, error, notice) = told(outcome)?;
    render(
        &page(state, viewer, edition, csrf_of(headers), error, notice).await?,
        status,
    )
}
