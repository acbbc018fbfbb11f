//! The attendee's surface: what a signed-in attendee does with the schedule. Here, so far, a
//! seat on a session with limited places.

mod seats;

use crate::Routes;
use axum::routing::{get, post};

pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .route("/{edition}/seats/{guid}", get(seats::show))
        .route("/{edition}/seats/{guid}/take", post(seats::take))
        .route("/{edition}/seats/{guid}/claim", post(seats::claim))
        .route("/{edition}/seats/{guid}/cancel", post(seats::cancel))
}
