//! One error type for the web layer: JSON under /api, an HTML page elsewhere. A 500 shows no
//! detail and logs the whole cause chain.

use crate::render::ErrorPage;
use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use hallway_app::AppError;

#[derive(Debug)]
pub enum WebError {
    NotFound,
    BadRequest(String),
    Internal(String),
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound(_) => Self::NotFound,
            AppError::Invalid(m) => Self::BadRequest(m),
            AppError::BadFile { .. } => Self::BadRequest(e.to_string()),
            other => {
                let mut chain = other.to_string();
                let mut source = std::error::Error::source(&other);
                while let Some(s) = source {
                    chain.push_str(": ");
                    chain.push_str(&s.to_string());
                    source = s.source();
                }
                Self::Internal(chain)
            }
        }
    }
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
        (status, Json(serde_json::json!({ "error": message }))).into_response()
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, heading, message) = self.parts();
        let page = ErrorPage {
            nav: None,
            heading: heading.to_owned(),
            message,
        };
        (status, Html(page.render().unwrap_or_default())).into_response()
    }
}
