//! Decision mail templates: organizers edit an event's accepted, rejected and waitlisted mails,
//! preview one against a proposal before saving, and a template that does not render is
//! refused with the line of its error.

use crate::AppState;
use crate::account::{Form, FormToken, Visitor};
use crate::error::WebError;
use crate::extract::Segments;
use crate::html::Nav;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use hallway_app::AppError;

#[derive(Template)]
#[template(path = "orga/mail.html")]
struct MailPage {
    nav: Option<Nav>,
    csrf: String,
    action: String,
    kind: String,
    subject: String,
    body: String,
    code: String,
    custom: bool,
    saved: bool,
    error: String,
    preview: Option<(String, String)>,
}

fn page(p: &MailPage, status: StatusCode) -> Result<Response, WebError> {
    Ok((status, Html(p.render()?)).into_response())
}

fn text(body: &Bytes) -> Result<&str, WebError> {
    std::str::from_utf8(body)
        .map_err(|_| WebError::BadRequest("The form is not UTF-8 text.".into()))
}

pub async fn form(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, event, kind)): Segments<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let orga = state.app.orga_ctx(visitor.signed_in()?, &edition).await?;
    let t = state
        .app
        .decision_template(&orga, &edition, &event, &kind)
        .await?;
    let token = FormToken::of(&headers)?;
    let p = MailPage {
        nav: None,
        csrf: token.value.clone(),
        action: format!("/orga/{edition}/{event}/mail/{kind}"),
        kind,
        subject: t.subject,
        body: t.body,
        code: String::new(),
        custom: t.custom,
        saved: false,
        error: String::new(),
        preview: None,
    };
    Ok(token.with(&state.accounts, page(&p, StatusCode::OK)?))
}

async fn posted(
    state: &AppState,
    visitor: &Visitor,
    (edition, event, kind): (String, String, String),
    headers: &HeaderMap,
    body: &Bytes,
    save: bool,
) -> Result<Response, WebError> {
    let orga = state.app.orga_ctx(visitor.signed_in()?, &edition).await?;
    let form = Form::parse(headers, text(body)?)?;
    let (subject, mail_body, code) = (form.get("subject"), form.get("body"), form.get("code"));
    let outcome = if save {
        state
            .app
            .put_decision_template(&orga, &edition, &event, &kind, subject, mail_body)
            .await
            .map(|()| None)
    } else {
        state
            .app
            .preview_decision_template(&orga, &edition, &event, &kind, subject, mail_body, code)
            .await
            .map(Some)
    };
    let (status, error, preview, saved) = match outcome {
        Ok(preview) => (StatusCode::OK, String::new(), preview, save),
        Err(AppError::Invalid(m)) => (StatusCode::BAD_REQUEST, m, None, false),
        Err(AppError::NotFound(m)) if !save => {
            (StatusCode::NOT_FOUND, format!("{m} not found"), None, false)
        }
        Err(e) => return Err(e.into()),
    };
    let p = MailPage {
        nav: None,
        csrf: form.get("csrf").to_owned(),
        action: format!("/orga/{edition}/{event}/mail/{kind}"),
        kind,
        subject: subject.to_owned(),
        body: mail_body.to_owned(),
        code: code.to_owned(),
        custom: saved,
        saved,
        error,
        preview,
    };
    page(&p, status)
}

pub async fn save(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(path): Segments<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    posted(&state, &visitor, path, &headers, &body, true).await
}

pub async fn preview(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(path): Segments<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    posted(&state, &visitor, path, &headers, &body, false).await
}
