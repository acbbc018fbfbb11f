//! Whether the viewer shows as online in an edition: off until they turn it on.

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
use hallway_app::{ONLINE_SECONDS, Viewer};

#[derive(Template)]
#[template(path = "presence/setting.html")]
struct SettingPage {
    nav: Option<Nav>,
    csrf: String,
    edition: String,
    visible: bool,
    minutes: i64,
    error: String,
    notice: String,
}

async fn page_of(
    state: &AppState,
    viewer: &Viewer,
    edition: &str,
    csrf: String,
    error: String,
    notice: String,
) -> Result<SettingPage, WebError> {
    Ok(SettingPage {
        nav: None,
        csrf,
        edition: edition.to_owned(),
        visible: state.app.presence(viewer, edition).await?,
        minutes: ONLINE_SECONDS / 60,
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
    let p = page_of(
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

/// `visible=yes` shows the viewer, `visible=no` hides them.
pub async fn set(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    let visible = match form.get("visible") {
        "yes" => true,
        "no" => false,
        other => {
            return Err(WebError::BadRequest(format!(
                "visible: {other:?} is neither yes nor no"
            )));
        }
    };
    let outcome = state
        .app
        .set_presence(viewer, &edition, visible)
        .await
        .map(|()| {
            if visible {
                "Others now see you online while you have a page of the event open.".to_owned()
            } else {
                "You no longer show as online.".to_owned()
            }
        });
    let (status, error, notice) = told(outcome)?;
    render(
        &page_of(&state, viewer, &edition, csrf_of(&headers), error, notice).await?,
        status,
    )
}
