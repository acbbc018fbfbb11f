//! Presence and contact requests. The public pages are the same for everyone, so who is online
//! comes from `online.json`, which the static script reads, or the per-request `online` page
//! (no JavaScript), which also holds the form to write to a presenter. A presenter's inbox and
//! an attendee's sent notes are personal pages under `/me/`.

mod inbox;
mod online;
mod setting;

use crate::Routes;
use axum::routing::{get, post};

pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .route("/{edition}/presence/beat", post(online::beat))
        .route("/{edition}/online.json", get(online::json))
        .route("/{edition}/online/{guid}", get(online::page))
        .route("/{edition}/online/{guid}/contact", post(online::contact))
        .route(
            "/me/{edition}/presence",
            get(setting::page).post(setting::set),
        )
        .route("/me/{edition}/inbox", get(inbox::page))
        .route("/me/{edition}/inbox.json", get(inbox::json))
        .route("/me/{edition}/inbox/{id}/answer", post(inbox::answer))
        .route("/me/{edition}/inbox/{id}/ignore", post(inbox::ignore))
        .route("/me/{edition}/contacts", get(inbox::sent))
}
