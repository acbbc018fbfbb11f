//! Second chances, on the organizers' side: the partner events an event names (where its
//! rejected talks may go), and the inbox of talks other events' speakers forwarded here, each
//! imported into this event's CFP with one press.

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
use hallway_app::{ForwardedProposal, Viewer, parse_event_ref};

#[derive(Template)]
#[template(path = "orga/second_chance.html")]
struct SecondChancePage {
    nav: Option<Nav>,
    csrf: String,
    edition: String,
    event: String,
    partners: String,
    inbox: Vec<ForwardedProposal>,
    types: Vec<(String, String)>,
    tracks: Vec<(String, String)>,
    error: String,
    notice: String,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    edition: &str,
    event: &str,
    csrf: String,
    error: String,
    notice: String,
) -> Result<SecondChancePage, WebError> {
    let orga = state.app.orga_ctx(viewer, edition).await?;
    let call = state.app.cfp_page(edition, event).await?;
    Ok(SecondChancePage {
        nav: None,
        csrf,
        edition: edition.to_owned(),
        event: event.to_owned(),
        partners: state
            .app
            .partners(edition, event)
            .await?
            .iter()
            .map(|p| format!("{}/{}\n", p.edition, p.event))
            .collect(),
        inbox: state.app.forwarded_inbox(&orga, edition, event).await?,
        types: call
            .cfp
            .session_types
            .iter()
            .map(|t| (t.slug.to_string(), t.name.clone()))
            .collect(),
        tracks: call
            .cfp
            .tracks
            .iter()
            .map(|t| (t.slug.to_string(), t.name.clone()))
            .collect(),
        error,
        notice,
    })
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event)): Segments<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let token = FormToken::of(&headers)?;
    let p = page(
        &state,
        viewer,
        &edition,
        &event,
        token.value.clone(),
        String::new(),
        String::new(),
    )
    .await?;
    Ok(token.with(&state.accounts, render(&p, StatusCode::OK)?))
}

/// Replaces the partner events: one `edition/event` a line.
pub async fn set_partners(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event)): Segments<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    let orga = state.app.orga_ctx(viewer, &edition).await?;
    let parsed: Result<Vec<_>, _> = form
        .get("partners")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(parse_event_ref)
        .collect();
    let outcome = match parsed {
        Ok(partners) => state
            .app
            .set_partners(&orga, &edition, &event, &partners)
            .await
            .map(|()| "Partner events saved.".to_owned()),
        Err(e) => Err(e),
    };
    respond(&state, viewer, &edition, &event, &headers, outcome).await
}

/// Imports a forwarded proposal, keeping its type and track or taking the ones chosen.
pub async fn import(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event, code)): Segments<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    let orga = state.app.orga_ctx(viewer, &edition).await?;
    let chosen = |field: &str| Some(form.get(field)).filter(|v| !v.is_empty());
    let outcome = state
        .app
        .import_forwarded(
            &orga,
            &edition,
            &event,
            &code,
            chosen("session_type"),
            chosen("track"),
        )
        .await
        .map(|p| format!("Imported as proposal {}: it is in review here now.", p.code));
    respond(&state, viewer, &edition, &event, &headers, outcome).await
}

async fn respond(
    state: &AppState,
    viewer: &Viewer,
    edition: &str,
    event: &str,
    headers: &HeaderMap,
    outcome: Result<String, hallway_app::AppError>,
) -> Result<Response, WebError> {
    let (status, error, notice) = told(outcome)?;
    render(
        &page(
            state,
            viewer,
            edition,
            event,
            csrf_of(headers),
            error,
            notice,
        )
        .await?,
        status,
    )
}
