//! The attendee's surface: what a signed-in attendee does with the schedule. A seat on a
//! session with limited places; marks on sessions (bookmarks, priorities, attended, watch
//! later, notes) as plain forms; my agenda and the read-only link that shares it.

mod agenda;
mod marks;
mod note;
mod qr;
mod seats;

use crate::Routes;
use axum::routing::{get, post};

pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .route("/{edition}/seats/{guid}", get(seats::show))
        .route("/{edition}/seats/{guid}/take", post(seats::take))
        .route("/{edition}/seats/{guid}/claim", post(seats::claim))
        .route("/{edition}/seats/{guid}/cancel", post(seats::cancel))
        .route(
            "/me/{edition}/sessions/{guid}",
            get(marks::show).post(marks::change),
        )
        .route("/me/{edition}/marks.json", get(marks::for_pages))
        .route("/me/{edition}/agenda", get(agenda::mine))
        .route("/me/{edition}/agenda/share", post(agenda::share))
        .route("/me/{edition}/agenda/share/revoke", post(agenda::revoke))
        .route("/me/{edition}/shared/{token}", get(agenda::shared))
}
