//! Seat lists on the organizers' side: the edition's lists with how each stands, the event's
//! seat rules, and per list its capacity, people seated by hand, the line's order, the export
//! and the door, where people holding a seat are checked in.

use crate::AppState;
use crate::account::{Form, FormToken, Visitor, csrf_of, text};
use crate::cfp::{render, told};
use crate::error::WebError;
use crate::extract::Segments;
use crate::html::Nav;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hallway_app::{AppError, LineMove, SeatLine, SeatState, Viewer};
use jiff::Timestamp;
use jiff::tz::TimeZone;

/// A list in the overview.
struct ListRow {
    session: String,
    title: String,
    starts: String,
    capacity: u32,
    held: u32,
    offered: u32,
    waiting: u32,
    checked_in: u32,
}

/// Rules as set, for one event or every event.
struct RulesRow {
    scope: String,
    claim_minutes: u32,
    per_day: String,
    overlaps_allowed: bool,
}

#[derive(Template)]
#[template(path = "orga/seats.html")]
struct OverviewPage {
    nav: Option<Nav>,
    csrf: String,
    edition: String,
    lists: Vec<ListRow>,
    rules: Vec<RulesRow>,
    /// `(guid, "title, start")` of sessions that could get a list.
    sessions: Vec<(String, String)>,
    events: Vec<(String, String)>,
    error: String,
    notice: String,
}

/// Someone on a list as the organizers' pages show them.
struct Person {
    email: String,
    /// The offer's deadline or the time they came in, in the venue's zone; "" when none.
    at: String,
    place: usize,
}

#[derive(Template)]
#[template(path = "orga/seat_list.html")]
struct ListPage {
    nav: Option<Nav>,
    csrf: String,
    edition: String,
    session: String,
    title: String,
    when: String,
    capacity: u32,
    held: Vec<Person>,
    offered: Vec<Person>,
    waiting: Vec<Person>,
    error: String,
    notice: String,
}

#[derive(Template)]
#[template(path = "orga/seat_door.html")]
struct DoorPage {
    nav: Option<Nav>,
    csrf: String,
    edition: String,
    session: String,
    title: String,
    when: String,
    /// Holding a seat and not in yet.
    expected: Vec<Person>,
    /// Holding a seat and in, with the time they came.
    arrived: Vec<Person>,
    error: String,
    notice: String,
}

fn local(zone: &TimeZone, t: Timestamp) -> String {
    t.to_zoned(zone.clone())
        .strftime("%a %-d %b %Y, %H:%M")
        .to_string()
}

fn stored_instant(zone: &TimeZone, seconds: Option<i64>) -> Result<String, WebError> {
    seconds
        .map(|s| {
            Timestamp::from_second(s)
                .map(|t| local(zone, t))
                .map_err(|e| WebError::Internal(format!("a stored seat time {s}: {e}")))
        })
        .transpose()
        .map(Option::unwrap_or_default)
}

async fn zone_of(state: &AppState, edition: &str) -> Result<TimeZone, WebError> {
    let zone = state.app.edition(edition).await?.time_zone;
    TimeZone::get(&zone).map_err(|e| WebError::Internal(format!("{edition}'s zone {zone:?}: {e}")))
}

async fn overview(
    state: &AppState,
    viewer: &Viewer,
    edition: &str,
    csrf: String,
    error: String,
    notice: String,
) -> Result<OverviewPage, WebError> {
    let orga = state.app.orga_ctx(viewer, edition).await?;
    let o = state.app.seat_overview(&orga, edition).await?;
    let zone = &o.zone;
    let name_of = |slug: &str| {
        o.events
            .iter()
            .find(|(s, _)| s == slug)
            .map_or_else(|| slug.to_owned(), |(_, n)| n.clone())
    };
    Ok(OverviewPage {
        nav: None,
        csrf,
        edition: edition.to_owned(),
        lists: o
            .lists
            .iter()
            .map(|l| ListRow {
                session: l.list.session.clone(),
                title: l.list.title.clone(),
                starts: local(zone, l.list.starts),
                capacity: l.list.capacity,
                held: l.held,
                offered: l.offered,
                waiting: l.waiting,
                checked_in: l.checked_in,
            })
            .collect(),
        rules: o
            .rules
            .iter()
            .map(|r| RulesRow {
                scope: r
                    .event
                    .as_ref()
                    .map_or_else(|| "Every event".to_owned(), |e| name_of(e.as_str())),
                claim_minutes: r.claim_minutes,
                per_day: r
                    .per_day
                    .map_or_else(|| "no limit".to_owned(), |d| d.to_string()),
                overlaps_allowed: r.overlaps_allowed,
            })
            .collect(),
        sessions: o
            .without_list
            .iter()
            .map(|(guid, title, start)| (guid.clone(), format!("{title}, {}", local(zone, *start))))
            .collect(),
        events: o.events.clone(),
        error,
        notice,
    })
}

/// The edition's seat lists, the form to open one and the seat rules.
pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let token = FormToken::of(&headers)?;
    let p = overview(
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

/// A whole number from a form field, or a refusal naming the field.
fn number(form: &Form, field: &str, label: &str) -> Result<u32, AppError> {
    let v = form.get(field).trim();
    v.parse().map_err(|_| {
        AppError::Invalid(format!("{label}: {v:?} is not a whole number of 0 or more"))
    })
}

/// Gives a session a seat list.
pub async fn open(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    let orga = state.app.orga_ctx(viewer, &edition).await?;
    let session = form.get("session");
    let outcome = match number(&form, "capacity", "Seats") {
        Ok(_) if session.is_empty() => Err(AppError::Invalid(
            "Session: choose the session that gets a seat list".into(),
        )),
        Ok(capacity) => state
            .app
            .open_seat_list(&orga, &edition, session, capacity)
            .await
            .map(|()| format!("The session has a seat list: {capacity} in all.")),
        Err(e) => Err(e),
    };
    let (status, error, notice) = told(outcome)?;
    let p = overview(&state, viewer, &edition, csrf_of(&headers), error, notice).await?;
    render(&p, status)
}

/// Sets the seat rules of one event or of every event.
pub async fn rules(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    let orga = state.app.orga_ctx(viewer, &edition).await?;
    let event = Some(form.get("event")).filter(|e| !e.is_empty());
    let per_day = match form.get("per_day").trim() {
        "" => Ok(None),
        _ => number(&form, "per_day", "Seats per attendee per day").map(Some),
    };
    let overlaps = match form.get("overlaps") {
        "refused" => Ok(false),
        "allowed" => Ok(true),
        other => Err(AppError::Invalid(format!(
            "Seats at overlapping times: {other:?} is neither refused nor allowed"
        ))),
    };
    let outcome = match (
        number(&form, "claim_minutes", "Claim window"),
        per_day,
        overlaps,
    ) {
        (Ok(claim), Ok(per_day), Ok(overlaps)) => state
            .app
            .set_seat_rules(&orga, &edition, event, claim, per_day, overlaps)
            .await
            .map(|()| "Seat rules saved.".to_owned()),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => Err(e),
    };
    let (status, error, notice) = told(outcome)?;
    let p = overview(&state, viewer, &edition, csrf_of(&headers), error, notice).await?;
    render(&p, status)
}

async fn list_page(
    state: &AppState,
    viewer: &Viewer,
    edition: &str,
    session: &str,
    csrf: String,
    error: String,
    notice: String,
) -> Result<ListPage, WebError> {
    let orga = state.app.orga_ctx(viewer, edition).await?;
    let (list, lines) = state.app.seat_book(&orga, edition, session).await?;
    let zone = zone_of(state, edition).await?;
    let mut held = Vec::new();
    let mut offered = Vec::new();
    let mut waiting = Vec::new();
    for l in &lines {
        match l.state {
            SeatState::Held => held.push(Person {
                email: l.email.clone(),
                at: stored_instant(&zone, l.checked_in_at)?,
                place: 0,
            }),
            SeatState::Offered => offered.push(Person {
                email: l.email.clone(),
                at: stored_instant(&zone, l.offered_until)?,
                place: 0,
            }),
            SeatState::Waiting => waiting.push(Person {
                email: l.email.clone(),
                at: String::new(),
                place: waiting.len() + 1,
            }),
        }
    }
    Ok(ListPage {
        nav: None,
        csrf,
        edition: edition.to_owned(),
        session: session.to_owned(),
        when: format!(
            "{} to {}",
            local(&zone, list.starts),
            local(&zone, list.ends)
        ),
        title: list.title,
        capacity: list.capacity,
        held,
        offered,
        waiting,
        error,
        notice,
    })
}

/// One list: capacity, seating by hand, the line's order.
pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, session)): Segments<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let token = FormToken::of(&headers)?;
    let p = list_page(
        &state,
        viewer,
        &edition,
        &session,
        token.value.clone(),
        String::new(),
        String::new(),
    )
    .await?;
    Ok(token.with(&state.accounts, render(&p, StatusCode::OK)?))
}

/// A refusal about someone named in the form (no such account) is shown beside the form.
fn named(outcome: Result<String, AppError>) -> Result<(StatusCode, String, String), WebError> {
    match outcome {
        Err(AppError::NotFound(what)) if what.starts_with("an account") => Ok((
            StatusCode::NOT_FOUND,
            format!("E-mail address: {what} was not found"),
            String::new(),
        )),
        other => told(other),
    }
}

/// Changes the capacity; seats added go to the line at once.
pub async fn capacity(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, session)): Segments<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    let orga = state.app.orga_ctx(viewer, &edition).await?;
    let outcome = match number(&form, "capacity", "Seats") {
        Ok(capacity) => state
            .app
            .open_seat_list(&orga, &edition, &session, capacity)
            .await
            .map(|()| format!("The list has {capacity} in all.")),
        Err(e) => Err(e),
    };
    respond_list(&state, viewer, &edition, &session, &headers, outcome).await
}

/// Seats someone by e-mail, even when the session is full.
pub async fn force(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, session)): Segments<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    let orga = state.app.orga_ctx(viewer, &edition).await?;
    let email = form.get("email").trim();
    let outcome = state
        .app
        .force_seat(&orga, &edition, &session, email)
        .await
        .map(|()| format!("{email} has a seat."));
    respond_list(&state, viewer, &edition, &session, &headers, outcome).await
}

/// Moves someone in the line: up, down, or to a place.
pub async fn move_in_line(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, session)): Segments<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    let orga = state.app.orga_ctx(viewer, &edition).await?;
    let email = form.get("email").trim();
    let how = match form.get("dir") {
        "up" => Ok(LineMove::Up),
        "down" => Ok(LineMove::Down),
        _ => number(&form, "place", "Place")
            .and_then(|to| usize::try_from(to).map_err(|e| AppError::Internal(e.to_string())))
            .map(LineMove::To),
    };
    let outcome = match how {
        Ok(how) => state
            .app
            .move_in_line(&orga, &edition, &session, email, how)
            .await
            .map(|place| format!("{email} is number {place} in line.")),
        Err(e) => Err(e),
    };
    respond_list(&state, viewer, &edition, &session, &headers, outcome).await
}

async fn respond_list(
    state: &AppState,
    viewer: &Viewer,
    edition: &str,
    session: &str,
    headers: &HeaderMap,
    outcome: Result<String, AppError>,
) -> Result<Response, WebError> {
    let (status, error, notice) = named(outcome)?;
    let p = list_page(
        state,
        viewer,
        edition,
        session,
        csrf_of(headers),
        error,
        notice,
    )
    .await?;
    render(&p, status)
}

fn csv_field(out: &mut String, value: &str) {
    if value.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

/// The list as CSV: seat holders, then offers, then the line in order, with check-in.
pub async fn export(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, session)): Segments<(String, String)>,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let orga = state.app.orga_ctx(viewer, &edition).await?;
    let (_, lines) = state.app.seat_book(&orga, &edition, &session).await?;
    let zone = zone_of(&state, &edition).await?;
    let rfc3339 = |s: Option<i64>| -> Result<String, WebError> {
        s.map(|s| {
            Timestamp::from_second(s)
                .map(|t| {
                    t.to_zoned(zone.clone())
                        .strftime("%Y-%m-%dT%H:%M:%S%:z")
                        .to_string()
                })
                .map_err(|e| WebError::Internal(format!("a stored seat time {s}: {e}")))
        })
        .transpose()
        .map(Option::unwrap_or_default)
    };
    let mut out = String::from("state,place_in_line,email,offered_until,checked_in_at\r\n");
    let mut place = 0;
    for l in &lines {
        out.push_str(l.state.as_str());
        out.push(',');
        if l.state == SeatState::Waiting {
            place += 1;
            out.push_str(&place.to_string());
        }
        out.push(',');
        csv_field(&mut out, &l.email);
        out.push(',');
        out.push_str(&rfc3339(l.offered_until)?);
        out.push(',');
        out.push_str(&rfc3339(l.checked_in_at)?);
        out.push_str("\r\n");
    }
    let disposition = HeaderValue::from_str(&format!(
        "attachment; filename=\"seats-{edition}-{session}.csv\""
    ))
    .map_err(|e| WebError::Internal(format!("a file name header: {e}")))?;
    Ok((
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (CONTENT_DISPOSITION, disposition),
        ],
        out,
    )
        .into_response())
}

async fn door_page(
    state: &AppState,
    viewer: &Viewer,
    edition: &str,
    session: &str,
    csrf: String,
    error: String,
    notice: String,
) -> Result<DoorPage, WebError> {
    let orga = state.app.orga_ctx(viewer, edition).await?;
    let (list, lines) = state.app.seat_book(&orga, edition, session).await?;
    let zone = zone_of(state, edition).await?;
    let holders = lines.iter().filter(|l| l.state == SeatState::Held);
    let person = |l: &SeatLine| -> Result<Person, WebError> {
        Ok(Person {
            email: l.email.clone(),
            at: stored_instant(&zone, l.checked_in_at)?,
            place: 0,
        })
    };
    Ok(DoorPage {
        nav: None,
        csrf,
        edition: edition.to_owned(),
        session: session.to_owned(),
        when: format!(
            "{} to {}",
            local(&zone, list.starts),
            local(&zone, list.ends)
        ),
        title: list.title,
        expected: holders
            .clone()
            .filter(|l| l.checked_in_at.is_none())
            .map(person)
            .collect::<Result<_, _>>()?,
        arrived: holders
            .filter(|l| l.checked_in_at.is_some())
            .map(person)
            .collect::<Result<_, _>>()?,
        error,
        notice,
    })
}

/// The door: who holds a seat and is not in yet, and checking people in.
pub async fn door(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, session)): Segments<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let token = FormToken::of(&headers)?;
    let p = door_page(
        &state,
        viewer,
        &edition,
        &session,
        token.value.clone(),
        String::new(),
        String::new(),
    )
    .await?;
    Ok(token.with(&state.accounts, render(&p, StatusCode::OK)?))
}

/// Checks in someone holding a seat, by e-mail.
pub async fn check_in(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, session)): Segments<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    let orga = state.app.orga_ctx(viewer, &edition).await?;
    let email = form.get("email").trim();
    let outcome = state
        .app
        .check_in_seat(&orga, &edition, &session, email)
        .await
        .map(|()| format!("{email} is in."));
    let (status, error, notice) = named(outcome)?;
    let p = door_page(
        &state,
        viewer,
        &edition,
        &session,
        csrf_of(&headers),
        error,
        notice,
    )
    .await?;
    render(&p, status)
}
