//! One error type for the web layer: JSON under /api, an HTML page elsewhere. A 500 shows no
//! detail and logs the whole cause chain.

use crate::html::Nav;
use askama::Template;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use hallway_app::AppError;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    nav: Option<Nav>,
    heading: String,
    message: String,
}

#[derive(Debug)]
pub enum WebError {
    NotFound,
    BadRequest(String),
    /// Nobody is signed in (or the session or token is no longer valid).
    Unauthorized,
    Forbidden(String),
    TooManyRequests(String),
    /// The request is right but the thing is not in a state to take it: changed since it was
    /// read (a save based on an older version of the work in progress), a withdrawn proposal
    /// edited, a limit reached. Nothing was written; the message says what to do.
    Conflict(String),
    /// Nothing is wrong, but the answer is not ready (the first render) or took too long: the
    /// client is told to retry.
    Unavailable(String),
    Internal(String),
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound(_) => Self::NotFound,
            AppError::Invalid(m) => Self::BadRequest(m),
            AppError::BadFile { .. } => Self::BadRequest(e.to_string()),
            AppError::Unauthenticated | AppError::BadCredentials(_) => Self::Unauthorized,
            AppError::Forbidden(m) => Self::Forbidden(m),
            AppError::RateLimited { .. } => Self::TooManyRequests(e.to_string()),
            AppError::Throttled { message, .. } => Self::TooManyRequests(message),
            AppError::Conflict(m) => Self::Conflict(m),
            other => Self::Internal(cause_chain(&other)),
        }
    }
}

/// A page computed per request that does not render: a formatter error, never the visitor's.
impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        Self::Internal(cause_chain(&e))
    }
}

/// An error and every error under it, one after the other: what a log line needs to be useful.
pub fn cause_chain(e: &dyn std::error::Error) -> String {
    let mut chain = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        source = s.source();
    }
    chain
}

impl WebError {
    fn parts(&self) -> (StatusCode, &'static str, String) {
        match self {
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "Not found",
                "There is nothing at this address.".into(),
            ),
            Self::BadRequest(m) => (StatusCode::BAD_REQUEST, "Bad request", m.clone()),
            Self::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "Sign in first",
                "This needs you to be signed in: log in at /account/login, or send an API token."
                    .into(),
            ),
            Self::Forbidden(m) => (StatusCode::FORBIDDEN, "Not allowed", m.clone()),
            Self::TooManyRequests(m) => (
                StatusCode::TOO_MANY_REQUESTS,
                "Too many attempts",
                m.clone(),
            ),
            Self::Conflict(m) => (StatusCode::CONFLICT, "Not possible now", m.clone()),
            Self::Unavailable(m) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Please try again shortly",
                m.clone(),
            ),
            Self::Internal(cause) => {
                tracing::error!(%cause, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "The error was logged.".into(),
                )
            }
        }
    }

    /// The same error as JSON, for /api routes.
    pub fn json(self) -> Response {
        let (status, _, message) = self.parts();
        let body = Json(serde_json::json!({ "error": message }));
        with_retry_after((status, body).into_response())
    }

    /// JSON under /api, the HTML page elsewhere.
    pub fn for_path(self, path: &str) -> Response {
        if path.starts_with("/api/") {
            self.json()
        } else {
            self.into_response()
        }
    }
}

/// A 503 says when to come back.
fn with_retry_after(mut response: Response) -> Response {
    if response.status() == StatusCode::SERVICE_UNAVAILABLE {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
    }
    response
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, heading, message) = self.parts();
        let page = ErrorPage {
            nav: None,
            heading: heading.to_owned(),
            message,
        };
        let body = match page.render() {
            Ok(html) => Html(html).into_response(),
            // The status still says what happened; the cause is logged, never shown.
            Err(e) => {
                tracing::error!(error = %e, %status, "the error page did not render");
                (status, format!("{heading}\n")).into_response()
            }
        };
        with_retry_after((status, body).into_response())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_save_on_a_stale_version_is_a_409_that_says_both_versions() {
        let message = "the work in progress is at version 8; this save was based on version 7: reload and apply your change again";
        let e = WebError::from(AppError::Conflict(message.into()));
        let (status, _, shown) = e.parts();
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(shown, message);
        let response = WebError::Conflict(message.into()).json();
        assert_eq!(response.status(), StatusCode::CONFLICT);
    }
}
