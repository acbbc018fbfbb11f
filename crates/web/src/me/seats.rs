//! An attendee's seat on a session with limited places: take one or join the line, see the
//! place in it, claim a seat offered, give it up. The offer mail links here.

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
use hallway_app::domain::seats::SignUp;
use hallway_app::{SeatState, SeatStatus, Viewer};

#[derive(Template)]
#[template(path = "me/seat.html")]
struct SeatPage {
    nav: Option<Nav>,
    csrf: String,
    edition: String,
    session: String,
    s: SeatStatus,
    when: String,
    /// What the viewer holds: "held", "offered", "waiting" or "".
    state: &'static str,
    place: usize,
    until: String,
    error: String,
    notice: String,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    edition: &str,
    session: &str,
    csrf: String,
    error: String,
    notice: String,
) -> Result<SeatPage, WebError> {
    let s = state.app.seat_status(viewer, edition, session).await?;
    let zone = state.app.edition(edition).await?.time_zone;
    let tz = jiff::tz::TimeZone::get(&zone)
        .map_err(|e| WebError::Internal(format!("{edition}'s zone {zone:?}: {e}")))?;
    let at = |t: jiff::Timestamp| t.to_zoned(tz.clone());
    let when = format!(
        "{} to {}",
        at(s.starts).strftime("%A %-d %B, %H:%M"),
        at(s.ends).strftime("%H:%M %Z")
    );
    let (mine_state, place, until) = match &s.mine {
        None => ("", 0, String::new()),
        Some(m) => (
            match m.state {
                SeatState::Held => "held",
                SeatState::Offered => "offered",
                SeatState::Waiting => "waiting",
            },
            m.place_in_line.unwrap_or(0),
            m.offered_until
                .map(|t| at(t).strftime("%A %-d %B, %H:%M %Z").to_string())
                .unwrap_or_default(),
        ),
    };
    Ok(SeatPage {
        nav: None,
        csrf,
        edition: edition.to_owned(),
        session: session.to_owned(),
        when,
        state: mine_state,
        place,
        until,
        s,
        error,
        notice,
    })
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, session)): Segments<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let token = FormToken::of(&headers)?;
    let p = match page(
        &state,
        viewer,
        &edition,
        &session,
        token.value.clone(),
        String::new(),
        String::new(),
    )
    .await
    {
        Ok(p) => render(&p, StatusCode::OK)?,
        // Every released session's page links here; most have no limit, and say so.
        Err(WebError::NotFound) => {
            let released = state.site.released(&edition);
            let Some(x) = released.as_ref().and_then(|r| {
                r.schedule
                    .sessions
                    .iter()
                    .find(|x| x.guid.to_string() == session)
            }) else {
                return Err(WebError::NotFound);
            };
            render(
                &Unlimited {
                    nav: None,
                    edition: edition.clone(),
                    session: session.clone(),
                    title: x.title.clone(),
                },
                StatusCode::OK,
            )?
        }
        Err(e) => return Err(e),
    };
    Ok(token.with(&state.accounts, p))
}

/// A released session without a seat list: nothing to sign up for.
#[derive(Template)]
#[template(path = "me/seat_unlimited.html")]
struct Unlimited {
    nav: Option<Nav>,
    edition: String,
    session: String,
    title: String,
}

/// Takes a seat, or a place in line when the session is full.
pub async fn take(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, session)): Segments<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    act(
        &state,
        &visitor,
        &edition,
        &session,
        &headers,
        &body,
        Action::Take,
    )
    .await
}

/// Claims the seat offered to the viewer.
pub async fn claim(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, session)): Segments<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    act(
        &state,
        &visitor,
        &edition,
        &session,
        &headers,
        &body,
        Action::Claim,
    )
    .await
}

/// Gives up a seat, an offer or a place in line.
pub async fn cancel(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, session)): Segments<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    act(
        &state,
        &visitor,
        &edition,
        &session,
        &headers,
        &body,
        Action::Cancel,
    )
    .await
}

enum Action {
    Take,
    Claim,
    Cancel,
}

async fn act(
    state: &AppState,
    visitor: &Visitor,
    edition: &str,
    session: &str,
    headers: &HeaderMap,
    body: &Bytes,
    action: Action,
) -> Result<Response, WebError> {
    Form::parse(headers, text(body)?)?;
    let viewer = visitor.signed_in()?;
    let app = &state.app;
    let outcome = match action {
        Action::Take => app
            .take_seat(viewer, edition, session)
            .await
            .map(|s| match s {
                SignUp::Seated => "You have a seat.".to_owned(),
                SignUp::Waiting(n) => format!("The session is full: you are number {n} in line."),
            }),
        Action::Claim => app
            .claim_seat(viewer, edition, session)
            .await
            .map(|()| "The seat is yours.".to_owned()),
        Action::Cancel => app
            .give_up_seat(viewer, edition, session)
            .await
            .map(|()| "Done: the next in line is offered the place.".to_owned()),
    };
    let (status, error, notice) = told(outcome)?;
    render(
        &page(
            state,
            viewer,
            edition,
            session,
            csrf_of(headers),
            error,
            notice,
        )
        .await?,
        status,
    )
}
