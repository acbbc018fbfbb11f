//! A session's questions: ask, vote, take back; moderators approve (editing first), dismiss,
//! pin, highlight, mark answered, pause, pre-moderate and leave the speaker a note. Thin
//! handlers over `App::qa_*`, which decides what each person sees.

use crate::AppState;
use crate::account::{ClientAddr, Form, FormToken, Visitor, csrf_of, text};
use crate::cfp::{render, told};
use crate::error::WebError;
use crate::extract::{Params, Segments};
use crate::html::Nav;
use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hallway_app::domain::qa::{Moderation, Order};
use hallway_app::{AppError, QaCtx, QaView, RateLimit};

#[derive(Template)]
#[template(path = "live/qa.html")]
struct QaPage {
    nav: Option<Nav>,
    csrf: String,
    base: String,
    signed_in: bool,
    moderates: bool,
    by_time: bool,
    v: QaView,
    error: String,
    notice: String,
}

#[derive(Template)]
#[template(path = "live/projector.html")]
struct ProjectorPage {
    base: String,
    v: QaView,
}

fn base(edition: &str, session: &str) -> String {
    format!("/{edition}/qa/{session}")
}

async fn ctx(
    state: &AppState,
    visitor: &Visitor,
    edition: &str,
    session: &str,
) -> Result<QaCtx, WebError> {
    Ok(state
        .app
        .qa_ctx(visitor.viewer.as_ref(), edition, session)
        .await?)
}

fn order(params: &Params) -> Order {
    match params.get("order") {
        Some("time") => Order::Time,
        _ => Order::Votes,
    }
}

#[allow(clippy::too_many_arguments)]
async fn page_response(
    state: &AppState,
    visitor: &Visitor,
    edition: &str,
    session: &str,
    by: Order,
    csrf: String,
    error: String,
    notice: String,
    status: StatusCode,
) -> Result<Response, WebError> {
    let c = ctx(state, visitor, edition, session).await?;
    let v = state.app.qa_view(&c, by).await?;
    let response = render(
        &QaPage {
            nav: None,
            csrf,
            base: base(edition, session),
            signed_in: visitor.viewer.is_some(),
            moderates: c.moderates(),
            by_time: by == Order::Time,
            v,
            error,
            notice,
        },
        status,
    )?;
    // Without JavaScript the list stays current by reloading itself (the template's noscript
    // refresh), for those who only read: a reload would lose a question being typed.
    Ok(response)
}

pub async fn page(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, session)): Segments<(String, String)>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let token = FormToken::of(&headers)?;
    let response = page_response(
        &state,
        &visitor,
        &edition,
        &session,
        order(&params),
        token.value.clone(),
        String::new(),
        String::new(),
        StatusCode::OK,
    )
    .await?;
    Ok(token.with(&state.accounts, response))
}

/// Approved questions only, large, for the room's screen; it refreshes itself.
pub async fn projector(
    State(state): State<AppState>,
    Segments((edition, session)): Segments<(String, String)>,
) -> Result<Response, WebError> {
    let c = state.app.qa_ctx(None, &edition, &session).await?;
    let v = state.app.qa_view(&c, Order::Votes).await?;
    render(
        &ProjectorPage {
            base: base(&edition, &session),
            v,
        },
        StatusCode::OK,
    )
}

/// Every question as the moderators see it, for the record after the session.
pub async fn csv(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, session)): Segments<(String, String)>,
) -> Result<Response, WebError> {
    visitor.signed_in()?;
    let c = ctx(&state, &visitor, &edition, &session).await?;
    if !c.moderates() {
        return Err(WebError::Forbidden(
            "only the session's speakers and the organizers export its questions".into(),
        ));
    }
    let v = state.app.qa_view(&c, Order::Time).await?;
    let field = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut out = String::from("id,state,votes,pinned,asker,question\n");
    for q in v.questions.iter().rev() {
        out.push_str(&format!(
            "{},{},{},{},{},{}\n",
            q.id,
            q.state,
            q.votes,
            q.pinned,
            field(q.asker.as_deref().unwrap_or("")),
            field(&q.text)
        ));
    }
    let disposition =
        HeaderValue::from_str(&format!("attachment; filename=\"questions-{session}.csv\""))
            .map_err(|e| WebError::Internal(format!("a download name: {e}")))?;
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

/// What followed change number `after`, as the caller may see it.
pub async fn changes(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, session)): Segments<(String, String)>,
    params: Params,
) -> Response {
    let run = async {
        let after: i64 = match params.get("after") {
            None | Some("") => 0,
            Some(n) => n.parse().ok().filter(|n| *n >= 0).ok_or_else(|| {
                WebError::BadRequest(format!("after: {n:?} is not a change number"))
            })?,
        };
        let c = ctx(&state, &visitor, &edition, &session).await?;
        Ok::<_, WebError>(state.app.qa_since(&c, after).await?)
    };
    match run.await {
        Ok(changes) => Json(changes).into_response(),
        Err(e) => e.json(),
    }
}

async fn act(
    state: &AppState,
    visitor: &Visitor,
    edition: &str,
    session: &str,
    headers: &HeaderMap,
    body: &Bytes,
    what: impl AsyncFnOnce(&QaCtx, &Form) -> Result<String, AppError>,
) -> Result<Response, WebError> {
    let form = Form::parse(headers, text(body)?)?;
    visitor.signed_in()?;
    let c = ctx(state, visitor, edition, session).await?;
    let outcome = what(&c, &form).await;
    if outcome.is_ok() {
        // Committed: this process's sockets hear of it now, other replicas by NOTIFY.
        state.live.poke(c.room());
    }
    let (status, error, notice, retry_after) = match outcome {
        Err(e @ AppError::Throttled { retry_after, .. }) => (
            StatusCode::TOO_MANY_REQUESTS,
            e.to_string(),
            String::new(),
            Some(retry_after),
        ),
        other => {
            let (status, error, notice) = told(other)?;
            (status, error, notice, None)
        }
    };
    let mut response = page_response(
        state,
        visitor,
        edition,
        session,
        Order::Votes,
        csrf_of(headers),
        error,
        notice,
        status,
    )
    .await?;
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(seconds));
    }
    Ok(response)
}

/// Counts an action against its rate limits, per account and per address. Only signed-in
/// people ask and vote; anyone else is refused before this.
async fn within(
    state: &AppState,
    visitor: &Visitor,
    address: Option<std::net::IpAddr>,
    limit: &RateLimit,
) -> Result<(), AppError> {
    match &visitor.viewer {
        Some(viewer) => state.app.throttle(limit, viewer.user(), address).await,
        None => Ok(()),
    }
}

fn question_id(form: &Form) -> Result<i64, AppError> {
    form.get("question").parse().map_err(|_| {
        AppError::Invalid(format!(
            "question: {:?} is not a question",
            form.get("question")
        ))
    })
}

pub async fn ask(
    State(state): State<AppState>,
    visitor: Visitor,
    ClientAddr(address): ClientAddr,
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
        async |c, f| {
            within(&state, &visitor, address, &state.live.settings.ask).await?;
            let anonymous = f.get("anonymous") == "on";
            state.app.ask_question(c, f.get("text"), anonymous).await?;
            Ok(
                if c.moderates() || !state.app.qa_view(c, Order::Time).await?.premoderated {
                    "Your question is in.".to_owned()
                } else {
                    "Your question is in; it shows once a moderator approves it.".to_owned()
                },
            )
        },
    )
    .await
}

pub async fn vote(
    State(state): State<AppState>,
    visitor: Visitor,
    ClientAddr(address): ClientAddr,
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
        async |c, f| {
            within(&state, &visitor, address, &state.live.settings.vote).await?;
            let up = f.get("up") != "0";
            state.app.vote_question(c, question_id(f)?, up).await?;
            Ok(if up { "Voted." } else { "Vote taken back." }.to_owned())
        },
    )
    .await
}

pub async fn retract(
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
        async |c, f| {
            state.app.retract_question(c, question_id(f)?).await?;
            Ok("Taken back.".to_owned())
        },
    )
    .await
}

pub async fn moderate(
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
        async |c, f| {
            // Refused before the form is read, so that nobody learns what a moderator could do.
            if !c.moderates() {
                return Err(AppError::Forbidden(
                    "only the session's speakers and the organizers moderate its questions".into(),
                ));
            }
            let action = match f.get("action") {
                "approve" => Moderation::Approve {
                    edited: Some(f.get("text"))
                        .filter(|t| !t.trim().is_empty())
                        .map(str::to_owned),
                },
                "dismiss" => Moderation::Dismiss,
                "pin" => Moderation::Pin(true),
                "unpin" => Moderation::Pin(false),
                "highlight" => Moderation::Highlight,
                "answered" => Moderation::Answered,
                other => {
                    return Err(AppError::Invalid(format!(
                        "action: {other:?}; use approve, dismiss, pin, unpin, highlight or answered"
                    )));
                }
            };
            state
                .app
                .moderate_question(c, question_id(f)?, &action)
                .await?;
            Ok("Done.".to_owned())
        },
    )
    .await
}

pub async fn settings(
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
        async |c, f| {
            state
                .app
                .set_qa(
                    c,
                    f.get("premoderated") == "on",
                    f.get("paused") == "on",
                    f.get("backstage"),
                )
                .await?;
            Ok("Saved.".to_owned())
        },
    )
    .await
}
