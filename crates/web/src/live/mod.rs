//! The live surface: a session's Q&A. Pages work without JavaScript (the list refreshes itself
//! for those who only read; the projector always does); `/api/v1/.../qa?after=N` gives a client
//! what followed the last change it saw, numbered without gaps, and `/{edition}/qa/{guid}/live`
//! is the same as a websocket that keeps sending.

mod figures;
mod hub;
mod qa;
mod socket;

pub use hub::{Hub, LiveSettings};

use crate::Routes;
use axum::routing::{get, post};

pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .route("/{edition}/qa/{guid}", get(qa::page))
        .route("/{edition}/qa/{guid}/projector", get(qa::projector))
        .route("/{edition}/qa/{guid}/questions.csv", get(qa::csv))
        .route("/{edition}/qa/{guid}/ask", post(qa::ask))
        .route("/{edition}/qa/{guid}/vote", post(qa::vote))
        .route("/{edition}/qa/{guid}/retract", post(qa::retract))
        .route("/{edition}/qa/{guid}/moderate", post(qa::moderate))
        .route("/{edition}/qa/{guid}/settings", post(qa::settings))
        .route("/{edition}/qa/{guid}/live", get(socket::socket))
        .route(
            "/api/v1/editions/{edition}/sessions/{guid}/qa",
            get(qa::changes),
        )
}
