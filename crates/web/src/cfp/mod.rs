//! The speakers' surface: an event's call for papers, the speaker profile, submitting,
//! editing and withdrawing proposals, co-speaker invitations and "my proposals". Pages are
//! rendered per request and work without JavaScript; every form carries its CSRF token.

mod confirm;
mod pages;

pub(crate) use pages::AcceptPage;

use crate::Routes;
use crate::error::WebError;
use crate::html::Nav;
use askama::Template;
use axum::http::header::LOCATION;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use hallway_app::AppError;

pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .route("/cfp/", get(pages::index))
        .route("/cfp/{edition}/{event}/", get(pages::call))
        .route(
            "/cfp/{edition}/{event}/submit",
            get(pages::submit_form).post(pages::submit),
        )
        .route(
            "/cfp/profile",
            get(pages::profile_form).post(pages::profile),
        )
        .route("/cfp/proposals", get(pages::mine))
        .route(
            "/cfp/proposals/{code}",
            get(pages::proposal).post(pages::edit),
        )
        .route("/cfp/proposals/{code}/withdraw", post(pages::withdraw))
        .route("/cfp/proposals/{code}/confirm", post(pages::confirm))
        .route("/cfp/proposals/{code}/invite", post(pages::invite))
        .route("/cfp/proposals/{code}/forward", post(pages::forward))
        .route("/cfp/confirm", get(confirm::form).post(confirm::confirm))
        .route(
            "/cfp/invitations/accept",
            get(pages::accept_form).post(pages::accept),
        )
}

/// The CFP, organizer and CFP API pages are per request and need no released schedule: a CFP
/// runs before any schedule exists.
pub(crate) fn needs_no_release(path: &str) -> bool {
    path.starts_with("/cfp/")
        || path.starts_with("/orga/")
        || path.starts_with("/api/v1/cfp/")
        || (path.starts_with("/api/v1/editions/") && path.contains("/events/"))
}

/// A page computed per request, with its status.
pub(crate) fn render(page: &impl Template, status: StatusCode) -> Result<Response, WebError> {
    let body = page.render()?;
    Ok((status, Html(body)).into_response())
}

pub(crate) fn see_other(to: &str) -> Result<Response, WebError> {
    let location = HeaderValue::from_str(to)
        .map_err(|e| WebError::Internal(format!("a redirect to {to:?}: {e}")))?;
    Ok((StatusCode::SEE_OTHER, [(LOCATION, location)]).into_response())
}

/// A refusal to show beside the form that caused it, with its status; anything else (absent,
/// not allowed, a fault) becomes the error page.
pub(crate) fn refusal(e: AppError) -> Result<(StatusCode, String), WebError> {
    Ok(match e {
        AppError::Invalid(m) => (StatusCode::BAD_REQUEST, m),
        AppError::Conflict(m) => (StatusCode::CONFLICT, m),
        other => return Err(other.into()),
    })
}

/// What a form's outcome shows: `(status, error, notice)`. A notice when it worked, the
/// refusal beside the form when the person can mend it; anything else is the error page.
pub(crate) fn told(
    outcome: Result<String, AppError>,
) -> Result<(StatusCode, String, String), WebError> {
    Ok(match outcome {
        Ok(notice) => (StatusCode::OK, String::new(), notice),
        Err(e) => {
            let (status, error) = refusal(e)?;
            (status, error, String::new())
        }
    })
}

#[derive(Template)]
#[template(path = "cfp/notice.html")]
pub(crate) struct Notice {
    pub nav: Option<Nav>,
    pub heading: String,
    pub message: String,
    pub link: String,
    pub link_text: String,
}
