//! The account pages. Each handler reads the form, calls one app function and renders the
//! outcome; a refusal shows the form again with the reason, a fault is a logged 500.

use super::{CSRF_COOKIE, ClientAddr, Form, FormToken, Visitor, cookie};
use crate::AppState;
use crate::error::WebError;
use crate::extract::{Params, Segments};
/// The edition bar of `base.html`, which account pages never show.
use crate::html::Nav;
use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{LOCATION, RETRY_AFTER, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use hallway_app::AppError;

#[derive(Template)]
#[template(path = "account/signup.html")]
struct SignupPage {
    nav: Option<Nav>,
    csrf: String,
    email: String,
    error: String,
}

#[derive(Template)]
#[template(path = "account/login.html")]
struct LoginPage {
    nav: Option<Nav>,
    csrf: String,
    email: String,
    error: String,
}

#[derive(Template)]
#[template(path = "account/reset_request.html")]
struct ResetRequestPage {
    nav: Option<Nav>,
    csrf: String,
    email: String,
    error: String,
}

#[derive(Template)]
#[template(path = "account/reset_confirm.html")]
struct ResetConfirmPage {
    nav: Option<Nav>,
    csrf: String,
    token: String,
    error: String,
}

#[derive(Template)]
#[template(path = "account/verify.html")]
struct VerifyPage {
    nav: Option<Nav>,
    csrf: String,
    token: String,
}

#[derive(Template)]
#[template(path = "account/notice.html")]
struct NoticePage {
    nav: Option<Nav>,
    heading: String,
    message: String,
    link: String,
    link_text: String,
}

struct TokenRow {
    id: i64,
    label: String,
    edition: String,
    event: String,
    access: &'static str,
}

#[derive(Template)]
#[template(path = "account/home.html")]
struct HomePage {
    nav: Option<Nav>,
    csrf: String,
    email: String,
    site_organizer: bool,
    tokens: Vec<TokenRow>,
    new_token: String,
    error: String,
}

fn html(page: &impl Template, status: StatusCode) -> Result<Response, WebError> {
    let body = page
        .render()
        .map_err(|e| WebError::Internal(format!("rendering an account page: {e}")))?;
    Ok((status, Html(body)).into_response())
}

fn notice(
    status: StatusCode,
    heading: &str,
    message: String,
    link: &str,
    link_text: &str,
) -> Result<Response, WebError> {
    html(
        &NoticePage {
            nav: None,
            heading: heading.to_owned(),
            message,
            link: link.to_owned(),
            link_text: link_text.to_owned(),
        },
        status,
    )
}

fn see_other(to: &'static str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(LOCATION, HeaderValue::from_static(to))],
    )
        .into_response()
}

/// A refusal to show beside the form, with its status; a fault becomes the error page.
fn refusal(e: AppError) -> Result<(StatusCode, String), WebError> {
    Ok(match e {
        AppError::Invalid(m) => (StatusCode::BAD_REQUEST, m),
        AppError::BadCredentials(m) => (StatusCode::UNAUTHORIZED, m),
        AppError::Forbidden(m) => (StatusCode::FORBIDDEN, m),
        AppError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, e.to_string()),
        other => return Err(other.into()),
    })
}

fn with_retry_after(mut response: Response, status: StatusCode) -> Response {
    if status == StatusCode::TOO_MANY_REQUESTS {
        response.headers_mut().insert(
            RETRY_AFTER,
            HeaderValue::from(hallway_app::FAILURE_WINDOW_SECONDS as u64),
        );
    }
    response
}

pub(crate) fn text(body: &Bytes) -> Result<&str, WebError> {
    std::str::from_utf8(body)
        .map_err(|_| WebError::BadRequest("The form is not UTF-8 text.".into()))
}

/// The token the posted form carried (already checked against its cookie).
pub(crate) fn csrf_of(headers: &HeaderMap) -> String {
    cookie(headers, CSRF_COOKIE).unwrap_or_default().to_owned()
}

pub async fn signup_form(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let token = FormToken::of(&headers)?;
    let page = SignupPage {
        nav: None,
        csrf: token.value.clone(),
        email: String::new(),
        error: String::new(),
    };
    Ok(token.with(&state.accounts, html(&page, StatusCode::OK)?))
}

pub async fn signup(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let email = form.get("email");
    match state.app.sign_up(email, form.get("password")).await {
        // The same answer whether or not the address has an account: it gets a mail either way.
        Ok(()) => notice(
            StatusCode::OK,
            "Check your mail",
            format!(
                "We sent a message to {}. Follow its link within 48 hours to confirm the address.",
                email.trim()
            ),
            "",
            "",
        ),
        Err(e) => {
            let (status, error) = refusal(e)?;
            let page = SignupPage {
                nav: None,
                csrf: csrf_of(&headers),
                email: email.to_owned(),
                error,
            };
            html(&page, status)
        }
    }
}

pub async fn verify_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, WebError> {
    let Some(link) = params.get("token") else {
        return Err(WebError::BadRequest(
            "This address needs the token from the link we mailed you.".into(),
        ));
    };
    let token = FormToken::of(&headers)?;
    let page = VerifyPage {
        nav: None,
        csrf: token.value.clone(),
        token: link.to_owned(),
    };
    Ok(token.with(&state.accounts, html(&page, StatusCode::OK)?))
}

pub async fn verify(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    match state.app.verify_email(form.get("token")).await {
        Ok(()) => notice(
            StatusCode::OK,
            "Address confirmed",
            "Your e-mail address is confirmed.".into(),
            "/account/login",
            "Log in",
        ),
        Err(e) => {
            let (status, message) = refusal(e)?;
            notice(
                status,
                "This link does not work",
                message,
                "/account/login",
                "Log in",
            )
        }
    }
}

pub async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let token = FormToken::of(&headers)?;
    let page = LoginPage {
        nav: None,
        csrf: token.value.clone(),
        email: String::new(),
        error: String::new(),
    };
    Ok(token.with(&state.accounts, html(&page, StatusCode::OK)?))
}

pub async fn login(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let email = form.get("email");
    match state.app.log_in(email, form.get("password"), from).await {
        Ok(login) => {
            let mut response = see_other("/account/");
            response
                .headers_mut()
                .append(SET_COOKIE, state.accounts.session(&login.session));
            Ok(response)
        }
        Err(e) => {
            let (status, error) = refusal(e)?;
            let page = LoginPage {
                nav: None,
                csrf: csrf_of(&headers),
                email: email.to_owned(),
                error,
            };
            Ok(with_retry_after(html(&page, status)?, status))
        }
    }
}

pub async fn logout(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    Form::parse(&headers, text(&body)?)?;
    if let Some(session) = &visitor.session {
        state.app.log_out(session).await?;
    }
    let mut response = see_other("/");
    response
        .headers_mut()
        .append(SET_COOKIE, state.accounts.end_session());
    Ok(response)
}

pub async fn reset_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, WebError> {
    let token = FormToken::of(&headers)?;
    let csrf = token.value.clone();
    let page = match params.get("token") {
        Some(link) => html(
            &ResetConfirmPage {
                nav: None,
                csrf,
                token: link.to_owned(),
                error: String::new(),
            },
            StatusCode::OK,
        )?,
        None => html(
            &ResetRequestPage {
                nav: None,
                csrf,
                email: String::new(),
                error: String::new(),
            },
            StatusCode::OK,
        )?,
    };
    Ok(token.with(&state.accounts, page))
}

pub async fn reset_request(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let email = form.get("email");
    match state.app.request_password_reset(email).await {
        Ok(()) => notice(
            StatusCode::OK,
            "Check your mail",
            format!(
                "If {} has an account, we sent it a link to set a new password. The link works once, within an hour.",
                email.trim()
            ),
            "",
            "",
        ),
        Err(e) => {
            let (status, error) = refusal(e)?;
            let page = ResetRequestPage {
                nav: None,
                csrf: csrf_of(&headers),
                email: email.to_owned(),
                error,
            };
            html(&page, status)
        }
    }
}

pub async fn reset_confirm(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    match state
        .app
        .reset_password(form.get("token"), form.get("password"))
        .await
    {
        Ok(()) => notice(
            StatusCode::OK,
            "Password changed",
            "Your password is changed, and every session of your account has ended.".into(),
            "/account/login",
            "Log in",
        ),
        Err(e) => {
            let (status, error) = refusal(e)?;
            let page = ResetConfirmPage {
                nav: None,
                csrf: csrf_of(&headers),
                token: form.get("token").to_owned(),
                error,
            };
            html(&page, status)
        }
    }
}

async fn home_page(
    state: &AppState,
    visitor: &Visitor,
    token: &FormToken,
    new_token: String,
    error: String,
    status: StatusCode,
) -> Result<Response, WebError> {
    let Some(viewer) = &visitor.viewer else {
        return Ok(see_other("/account/login"));
    };
    let tokens = state
        .app
        .api_tokens(viewer)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            label: t.label,
            edition: t.edition.to_string(),
            event: t.event.map(|e| e.to_string()).unwrap_or_default(),
            access: t.access.as_str(),
        })
        .collect();
    let page = HomePage {
        nav: None,
        csrf: token.value.clone(),
        email: viewer.email().to_string(),
        site_organizer: viewer.is_site_organizer(),
        tokens,
        new_token,
        error,
    };
    Ok(token.with(&state.accounts, html(&page, status)?))
}

pub async fn home(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let token = FormToken::of(&headers)?;
    home_page(
        &state,
        &visitor,
        &token,
        String::new(),
        String::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn create_token(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    let event = Some(form.get("event")).filter(|e| !e.is_empty());
    let token = FormToken::of(&headers)?;
    match state
        .app
        .create_api_token(
            viewer,
            form.get("edition"),
            event,
            form.get("access"),
            form.get("label"),
        )
        .await
    {
        Ok((_, secret)) => {
            home_page(
                &state,
                &visitor,
                &token,
                secret.expose().to_owned(),
                String::new(),
                StatusCode::OK,
            )
            .await
        }
        Err(e) => {
            let (status, error) = match e {
                AppError::NotFound(what) => (StatusCode::NOT_FOUND, format!("There is no {what}.")),
                other => refusal(other)?,
            };
            home_page(&state, &visitor, &token, String::new(), error, status).await
        }
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments(id): Segments<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    Form::parse(&headers, text(&body)?)?;
    let viewer = visitor.signed_in()?;
    state.app.revoke_api_token(viewer, id).await?;
    Ok(see_other("/account/"))
}

/// Who the caller is.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MeJson {
    pub email: String,
    pub site_organizer: bool,
    /// What the token is limited to; `null` when signed in by a session.
    pub token: Option<TokenJson>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TokenJson {
    pub edition: String,
    /// `null`: every event of the edition.
    pub event: Option<String>,
    /// `read` or `write`.
    pub access: String,
}

/// Who the caller is, for scripts checking their token.
#[utoipa::path(get, path = "/api/v1/me",
    security(("bearer" = [])),
    responses(
        (status = 200, body = MeJson, description = "The signed-in account and its token's scope"),
        (status = 401, body = crate::api::ErrorView, description = "No valid session or token"),
    ))]
pub async fn me(visitor: Visitor) -> Response {
    let Some(viewer) = &visitor.viewer else {
        return WebError::Unauthorized.json();
    };
    let token = viewer.token_scope().map(|t| TokenJson {
        edition: t.edition.to_string(),
        event: t.event.as_ref().map(|e| e.to_string()),
        access: t.access.as_str().to_owned(),
    });
    Json(MeJson {
        email: viewer.email().to_string(),
        site_organizer: viewer.is_site_organizer(),
        token,
    })
    .into_response()
}
