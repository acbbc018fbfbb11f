//! Which suggestions of a session's page a signed-in viewer sees: the page lists candidates,
//! the same for everyone; this answers, from the lists in memory and the viewer's bookmarks,
//! which to show them and in what order, passing over ones that clash with their agenda when
//! a good alternative exists.

use super::watch::agenda;
use crate::AppState;
use crate::account::Visitor;
use crate::error::WebError;
use crate::extract::Segments;
use crate::released::discover::personal;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use hallway_app::domain::Guid;
use hallway_app::domain::similar::Suggestion;
use serde::Serialize;

/// Nobody signed in: the page's own order stands. Said with 200, not 401, so that every
/// anonymous reader's browser does not log an error.
#[derive(Serialize)]
pub struct Picks {
    signed_in: bool,
    by_text: Vec<Pick>,
    by_bookmarks: Vec<Pick>,
}

#[derive(Serialize)]
struct Pick {
    guid: String,
    clashes: bool,
}

pub async fn similar(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, guid)): Segments<(String, String)>,
) -> Response {
    let result = async {
        let a = agenda(&state, &edition)?;
        let Some(viewer) = visitor.viewer.as_ref() else {
            return Ok(Json(Picks {
                signed_in: false,
                by_text: Vec::new(),
                by_bookmarks: Vec::new(),
            })
            .into_response());
        };
        let s = &a.released.schedule;
        let guid = Guid::parse(&guid).map_err(|_| WebError::NotFound)?;
        let i = (s.sessions.iter())
            .position(|x| x.guid == guid)
            .ok_or(WebError::NotFound)?;
        let marks = state.app.my_marks(viewer, &edition).await?;
        let bookmarked: Vec<usize> = marks
            .iter()
            .filter(|(_, m)| m.interested.value)
            .filter_map(|(g, _)| s.sessions.iter().position(|x| x.guid == *g))
            .collect();
        let sim = &a.released.similar;
        let picks = |lists: &Vec<Vec<(usize, f32)>>| -> Vec<Pick> {
            let ranked = lists.get(i).map_or(&[][..], Vec::as_slice);
            personal(s, ranked, &bookmarked, i)
                .into_iter()
                .map(|Suggestion { session, clashes }| Pick {
                    guid: s.sessions[session].guid.to_string(),
                    clashes,
                })
                .collect()
        };
        Ok::<_, WebError>(
            Json(Picks {
                signed_in: true,
                by_text: picks(&sim.by_text),
                by_bookmarks: picks(&sim.by_bookmarks),
            })
            .into_response(),
        )
    }
    .await;
    result.unwrap_or_else(|e| e.json())
}
