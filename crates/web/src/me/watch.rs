//! Recordings for a signed-in attendee: the player, which resumes where they left off and
//! keeps the place (a script saves it every few seconds; a form does without JavaScript), and
//! "continue watching".

use crate::AppState;
use crate::account::{Form, FormToken, Visitor, check_script_token, csrf_of, text};
use crate::agenda::Agenda;
use crate::cfp::{render, told};
use crate::error::WebError;
use crate::extract::Segments;
use crate::html::Nav;
use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use hallway_app::Viewer;
use hallway_app::domain::recording::{Player, Progress, Recording, clock, parse_clock};
use hallway_app::domain::{Guid, Session};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The released edition, or 404.
pub(super) fn agenda(state: &AppState, edition: &str) -> Result<Arc<Agenda>, WebError> {
    state.site.agenda(edition).ok_or(WebError::NotFound)
}

fn session<'a>(a: &'a Agenda, guid: &str) -> Result<&'a Session, WebError> {
    let guid = Guid::parse(guid).map_err(|_| WebError::NotFound)?;
    a.released
        .schedule
        .sessions
        .iter()
        .find(|x| x.guid == guid)
        .ok_or(WebError::NotFound)
}

/// "Tim Hockin, Google; Ana".
pub(super) fn byline(a: &Agenda, x: &Session) -> String {
    let s = &a.released.schedule;
    x.speakers
        .iter()
        .filter_map(|p| s.speaker(p))
        .map(|p| match &p.affiliation {
            Some(aff) => format!("{}, {aff}", p.name),
            None => p.name.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[derive(Template)]
#[template(path = "me/watch.html")]
struct PlayerPage {
    nav: Option<Nav>,
    csrf: String,
    edition: String,
    guid: String,
    title: String,
    byline: String,
    /// A media file the page plays itself.
    media: bool,
    /// The video's address: the file, or the site's page starting where the viewer left off.
    src: String,
    from_start: String,
    offset: u32,
    position: u32,
    /// The talk's length when it is a stretch of a longer stream (seconds; 0 when the file is
    /// the talk).
    length: u32,
    at: String,
    finished: bool,
    slides: Option<String>,
    captions: Option<String>,
    error: String,
    notice: String,
}

fn player_page(
    a: &Agenda,
    x: &Session,
    recording: &Recording,
    progress: Option<Progress>,
    csrf: String,
    error: String,
    notice: String,
) -> Result<PlayerPage, WebError> {
    let position = progress.map_or(0, |p| p.position);
    let media = recording.player() == Some(Player::Media);
    let url = recording.url.clone().ok_or(WebError::NotFound)?;
    Ok(PlayerPage {
        nav: a.nav(""),
        csrf,
        edition: a.released.slug().to_owned(),
        guid: x.guid.to_string(),
        title: x.title.clone(),
        byline: byline(a, x),
        media,
        src: if media {
            url
        } else {
            recording.url_at(position).unwrap_or(url)
        },
        from_start: recording.url_at(0).unwrap_or_default(),
        offset: recording.offset,
        position,
        length: if recording.offset > 0 {
            x.duration_minutes * 60
        } else {
            0
        },
        at: clock(position),
        finished: progress.is_some_and(|p| p.is_finished()),
        slides: recording.slides.clone(),
        captions: recording.captions.clone(),
        error,
        notice,
    })
}

async fn show_player(
    state: &AppState,
    viewer: &Viewer,
    edition: &str,
    guid: &str,
    csrf: String,
    outcome: Option<Result<String, hallway_app::AppError>>,
) -> Result<Response, WebError> {
    let a = agenda(state, edition)?;
    let x = session(&a, guid)?;
    let (status, error, notice) = match outcome {
        Some(o) => told(o)?,
        None => (StatusCode::OK, String::new(), String::new()),
    };
    let (recording, progress) = state.app.my_recording(viewer, edition, guid).await?;
    render(
        &player_page(&a, x, &recording, progress, csrf, error, notice)?,
        status,
    )
}

pub async fn player(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, guid)): Segments<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let token = FormToken::of(&headers)?;
    let page = show_player(&state, viewer, &edition, &guid, token.value.clone(), None).await?;
    Ok(token.with(&state.accounts, page))
}

fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// The place, kept by the form (without JavaScript): "12:30", and whether it is finished.
pub async fn save_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, guid)): Segments<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    let outcome = async {
        let position = parse_clock(form.get("position"))
            .map_err(|e| hallway_app::AppError::Invalid(format!("position: {e}")))?;
        let (_, before) = state.app.my_recording(viewer, &edition, &guid).await?;
        let progress = Progress {
            position,
            duration: before.and_then(|p| p.duration),
            finished: form.get("finished") == "yes",
            at: now_ms(),
        };
        state
            .app
            .save_position(viewer, &edition, &guid, &progress)
            .await?;
        Ok::<String, hallway_app::AppError>(format!("Your place is kept at {}.", clock(position)))
    }
    .await;
    show_player(
        &state,
        viewer,
        &edition,
        &guid,
        csrf_of(&headers),
        Some(outcome),
    )
    .await
}

/// What the player's script sends every few seconds.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PositionJson {
    /// The page's form token.
    csrf: String,
    position: u32,
    #[serde(default)]
    duration: Option<u32>,
    #[serde(default)]
    finished: bool,
    /// When the device took it, in milliseconds since the epoch.
    at: i64,
}

#[derive(Serialize)]
struct SavedJson {
    /// False when a later position was already kept (this one was older).
    kept: bool,
}

/// Keeps the place the player's script sends: the latest device time wins, and the same
/// request twice changes nothing.
pub async fn save_json(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, guid)): Segments<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = async {
        let viewer = visitor.signed_in()?;
        let p: PositionJson = serde_json::from_slice(&body)
            .map_err(|e| WebError::BadRequest(format!("the position is not as expected: {e}")))?;
        check_script_token(&headers, &p.csrf)?;
        let progress = Progress {
            position: p.position,
            duration: p.duration,
            finished: p.finished,
            at: p.at,
        };
        let kept = state
            .app
            .save_position(viewer, &edition, &guid, &progress)
            .await?;
        Ok::<_, WebError>(Json(SavedJson { kept }).into_response())
    }
    .await;
    result.unwrap_or_else(|e| e.json())
}

#[derive(Template)]
#[template(path = "me/watching.html")]
struct WatchingPage {
    nav: Option<Nav>,
    edition: String,
    started: Vec<Started>,
    days: Vec<(String, String)>,
}

struct Started {
    guid: String,
    title: String,
    byline: String,
    at: String,
    of: String,
}

/// "Continue watching": what the viewer started and did not finish, newest first.
pub async fn watching(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(edition): Segments<String>,
) -> Result<Response, WebError> {
    let viewer = visitor.signed_in()?;
    let a = agenda(&state, &edition)?;
    let started = state.app.continue_watching(viewer, &edition).await?;
    let s = &a.released.schedule;
    render(
        &WatchingPage {
            nav: a.nav(""),
            edition: edition.clone(),
            started: started
                .iter()
                .filter_map(|(g, p)| {
                    let x = s.sessions.iter().find(|x| x.guid == *g)?;
                    Some(Started {
                        guid: g.to_string(),
                        title: x.title.clone(),
                        byline: byline(&a, x),
                        at: clock(p.position),
                        of: p.duration.map(clock).unwrap_or_default(),
                    })
                })
                .collect(),
            days: super::day::day_links(&a),
        },
        StatusCode::OK,
    )
}
