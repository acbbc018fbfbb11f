//! Room fill: door staff count a room's session on a phone (`door`), everyone's pages read how
//! full the sessions now are (`fill`, a JSON the static script polls), and organizers name the
//! door staff and read the figures (`staff`, `figures`). Handlers take the released schedule
//! from memory and call one function of `hallway_app::venue`.

mod door;
mod figures;
mod fill;
mod staff;

use crate::AppState;
use crate::Routes;
use crate::error::WebError;
use crate::extract::Params;
use crate::released::Released;
use axum::routing::{get, post};
use jiff::Timestamp;
use std::sync::Arc;

pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .route("/{edition}/door/", get(door::index))
        .route("/{edition}/door/{room}", get(door::room))
        .route("/{edition}/door/{room}/count", post(door::count))
        .route("/{edition}/door/{room}/mark", post(door::mark))
        .route("/{edition}/fill.json", get(fill::now))
        .route(
            "/orga/{edition}/door-staff",
            get(staff::page).post(staff::add),
        )
        .route("/orga/{edition}/door-staff/remove", post(staff::remove))
        .route("/orga/{edition}/fill", get(figures::page))
        .route("/orga/{edition}/fill.csv", get(figures::csv))
}

/// The edition's release in memory; an edition with none has no sessions to count.
pub(crate) fn released(state: &AppState, edition: &str) -> Result<Arc<Released>, WebError> {
    state.site.released(edition).ok_or(WebError::NotFound)
}

/// `?at=` (RFC 3339): another moment than now, to look ahead or to test.
pub(crate) fn moment(q: &Params) -> Result<Option<Timestamp>, WebError> {
    q.get("at")
        .map(|text| {
            text.parse::<Timestamp>().map_err(|e| {
                WebError::BadRequest(format!(
                    "at: {text:?} is not a moment like 2026-03-25T10:30:00+01:00 ({e})"
                ))
            })
        })
        .transpose()
}
