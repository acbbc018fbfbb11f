//! The organizers' door staff page: who counts the edition's rooms, adding and removing them
//! by the address of their account.

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
use hallway_app::Viewer;

#[derive(Template)]
#[template(path = "venue/staff.html")]
struct StaffPage {
    nav: Option<Nav>,
    csrf: String,
    edition: String,
    staff: Vec<String>,
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
) -> Result<StaffPage, WebError> {
    let orga = state.app.orga_ctx(viewer, edition).await?;
    let staff = state.app.door_staff(&orga, edition).await?;
    Ok(StaffPage {
        nav: None,
        csrf,
        edition: edition.to_owned(),
        staff: staff.iter().map(ToString::to_string).collect(),
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

pub async fn add(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    change(&state, &visitor, &edition, &headers, &body, true).await
}

pub async fn remove(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    change(&state, &visitor, &edition, &headers, &body, false).await
}

async fn change(
    state: &AppState,
    visitor: &Visitor,
    edition: &str,
    headers: &HeaderMap,
    body: &Bytes,
    add: bool,
) -> Result<Response, WebError> {
    let form = Form::parse(headers, text(body)?)?;
    let viewer = visitor.signed_in()?;
    let orga = state.app.orga_ctx(viewer, edition).await?;
    let email = form.get("email").trim();
    let outcome = if add {
        state
            .app
            .add_door_staff(&orga, edition, email)
            .await
            .map(|()| format!("{email} counts the rooms now."))
    } else {
        state
            .app
            .remove_door_staff(&orga, edition, email)
            .await
            .map(|()| format!("{email} no longer counts the rooms."))
    };
    let (status, error, notice) = told(outcome)?;
    render(
        &page_of(state, viewer, edition, csrf_of(headers), error, notice).await?,
        status,
    )
}
