//! Door staff on a phone: the rooms with what is on now, and one room's page with its count,
//! the buttons to count people in and out, and "filling" / "full". Plain forms: each press
//! posts and comes back to the room's page (303), so reloading never counts twice.

use super::{moment, released};
use crate::AppState;
use crate::account::{Form, FormToken, Visitor, text};
use crate::cfp::{render, see_other};
use crate::error::WebError;
use crate::extract::{Params, Segments};
use crate::html::Nav;
use crate::released::query_escape;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use hallway_app::RoomNow;
use jiff::Timestamp;
use jiff::tz::TimeZone;

/// A room as the pages show it.
struct RoomLine {
    slug: String,
    name: String,
    capacity: String,
    /// The session on now: guid, title, count, level, mark.
    now: Option<NowLine>,
    next: String,
}

struct NowLine {
    guid: String,
    title: String,
    people: u32,
    level: &'static str,
    mark: &'static str,
}

fn line(r: RoomNow, tz: &TimeZone) -> RoomLine {
    RoomLine {
        capacity: r
            .capacity
            .map_or_else(String::new, |c| format!("{c} seats")),
        now: r.now.map(|f| NowLine {
            guid: f.session,
            title: f.title,
            people: f.people,
            level: f.level,
            mark: f.mark,
        }),
        next: r.next.map_or_else(String::new, |(title, t)| {
            format!("{} {title}", t.to_zoned(tz.clone()).strftime("%a %H:%M"))
        }),
        slug: r.slug,
        name: r.name,
    }
}

#[derive(Template)]
#[template(path = "venue/door.html")]
struct DoorPage {
    nav: Option<Nav>,
    edition: String,
    edition_name: String,
    clock: String,
    /// `?at=...` to keep on links, or empty.
    at_query: String,
    rooms: Vec<RoomLine>,
}

#[derive(Template)]
#[template(path = "venue/room.html")]
struct RoomPage {
    nav: Option<Nav>,
    csrf: String,
    edition: String,
    clock: String,
    at: String,
    at_query: String,
    room: RoomLine,
}

struct Moment {
    at: Timestamp,
    /// The `at` the visitor gave, to keep.
    given: String,
}

fn moment_of(q: &Params) -> Result<Moment, WebError> {
    Ok(match moment(q)? {
        Some(at) => Moment {
            at,
            given: q.get("at").unwrap_or_default().to_owned(),
        },
        None => Moment {
            at: Timestamp::now(),
            given: String::new(),
        },
    })
}

fn at_query(given: &str) -> String {
    if given.is_empty() {
        String::new()
    } else {
        format!("?at={}", query_escape(given))
    }
}

/// `/{edition}/door/`: every room with what is on in it now.
pub async fn index(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
    q: Params,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let door = state.app.door_ctx(viewer, &edition).await?;
    let r = released(&state, &edition)?;
    let m = moment_of(&q)?;
    let tz = r.schedule.edition.tz();
    let rooms = state.app.door_rooms(&door, &r.schedule, m.at).await?;
    render(
        &DoorPage {
            nav: None,
            edition: edition.clone(),
            edition_name: r.schedule.edition.name.clone(),
            clock: m
                .at
                .to_zoned(tz.clone())
                .strftime("%a %-d %b %H:%M %Z")
                .to_string(),
            at_query: at_query(&m.given),
            rooms: rooms.into_iter().map(|x| line(x, &tz)).collect(),
        },
        StatusCode::OK,
    )
}

/// `/{edition}/door/{room}`: one room's count and buttons.
pub async fn room(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, room)): Segments<(String, String)>,
    q: Params,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let door = state.app.door_ctx(viewer, &edition).await?;
    let r = released(&state, &edition)?;
    let m = moment_of(&q)?;
    let tz = r.schedule.edition.tz();
    let line = state
        .app
        .door_rooms(&door, &r.schedule, m.at)
        .await?
        .into_iter()
        .find(|x| x.slug == room)
        .ok_or(WebError::NotFound)?;
    let token = FormToken::of(&headers)?;
    let page = RoomPage {
        nav: None,
        csrf: token.value.clone(),
        edition,
        clock: m.at.to_zoned(tz.clone()).strftime("%H:%M %Z").to_string(),
        at_query: at_query(&m.given),
        at: m.given,
        room: self::line(line, &tz),
    };
    Ok(token.with(&state.accounts, render(&page, StatusCode::OK)?))
}

/// People in or out: `session` and `step` (-1, 1, 5...).
pub async fn count(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, room)): Segments<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    let door = state.app.door_ctx(viewer, &edition).await?;
    let r = released(&state, &edition)?;
    let step: i32 = form.get("step").trim().parse().map_err(|_| {
        WebError::BadRequest(format!(
            "step: {:?} is not a whole number of people",
            form.get("step")
        ))
    })?;
    state
        .app
        .count_people(&door, &r.schedule, form.get("session"), step)
        .await?;
    back(&edition, &room, form.get("at"))
}

/// "filling", "full" or "none" for a session.
pub async fn mark(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, room)): Segments<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    let door = state.app.door_ctx(viewer, &edition).await?;
    let r = released(&state, &edition)?;
    state
        .app
        .mark_fill(&door, &r.schedule, form.get("session"), form.get("mark"))
        .await?;
    back(&edition, &room, form.get("at"))
}

fn back(edition: &str, room: &str, at: &str) -> Result<Response, WebError> {
    see_other(&format!(
        "/{edition}/door/{}{}",
        query_escape(room),
        at_query(at)
    ))
}
