//! The link in an acceptance mail. Opening it shows one button; pressing it confirms. A plain
//! GET never changes anything, because mail scanners and link previews open links too, and a
//! talk must not be confirmed by one of them. The link is the credential: no sign-in needed.

use super::{Notice, refusal, render};
use crate::AppState;
use crate::account::{Form, FormToken, text};
use crate::error::WebError;
use crate::extract::Params;
use crate::html::Nav;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

#[derive(Template)]
#[template(path = "cfp/confirm.html")]
struct ConfirmPage {
    nav: Option<Nav>,
    csrf: String,
    token: String,
}

pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, WebError> {
    let Some(link) = params.get("token") else {
        return Err(WebError::BadRequest(
            "This address needs the token from the acceptance mail.".into(),
        ));
    };
    let token = FormToken::of(&headers)?;
    let page = ConfirmPage {
        nav: None,
        csrf: token.value.clone(),
        token: link.to_owned(),
    };
    Ok(token.with(&state.accounts, render(&page, StatusCode::OK)?))
}

pub async fn confirm(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let (status, heading, message, link) = match state.app.confirm_by_link(form.get("token")).await
    {
        Ok(code) => (
            StatusCode::OK,
            "Confirmed",
            "Thank you: your talk is confirmed, and the organizers will place it in the schedule."
                .to_owned(),
            format!("/cfp/proposals/{code}"),
        ),
        Err(e) => {
            let (status, message) = refusal(e)?;
            (status, "Not confirmed", message, String::new())
        }
    };
    render(
        &Notice {
            nav: None,
            heading: heading.to_owned(),
            message,
            link_text: if link.is_empty() {
                String::new()
            } else {
                "See the proposal".to_owned()
            },
            link,
        },
        status,
    )
}
