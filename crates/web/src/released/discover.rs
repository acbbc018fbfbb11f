//! Sessions like each session, computed once per rendering of a release (a release, or new
//! recordings) and kept in memory: by their words (title, abstract, track) and by the people
//! who bookmarked both. A viewer's page only picks from these lists (see `personal`).

use hallway_domain::similar::{Doc, Suggestion, by_bookmarks, by_text, suggest};
use hallway_domain::{Guid, Schedule, SessionType, Slot};
use std::collections::HashMap;

/// Candidates kept per session and list, so that a viewer's clashes can be passed over.
const KEPT: usize = 8;
/// Shown per list.
pub const SHOWN: usize = 4;
/// People in common before two sessions count as bookmarked together: fewer would let one
/// attendee's picks be read off the page.
const MIN_PEOPLE: u32 = 3;

#[derive(Default)]
pub struct Similar {
    /// By session index: the others, best first, with their scores.
    pub by_text: Vec<Vec<(usize, f32)>>,
    pub by_bookmarks: Vec<Vec<(usize, f32)>>,
}

fn suggestible(t: SessionType) -> bool {
    t.is_program() && t != SessionType::Event
}

impl Similar {
    /// `bookmarks` holds each attendee's bookmarked sessions.
    pub fn new(s: &Schedule, bookmarks: &[Vec<Guid>]) -> Self {
        let docs: Vec<Doc<'_>> = s
            .sessions
            .iter()
            .map(|x| Doc {
                title: &x.title,
                text: &x.abstract_text,
                track: x
                    .track
                    .as_ref()
                    .and_then(|t| s.track(t))
                    .map(|t| t.name.as_str()),
            })
            .collect();
        let index: HashMap<Guid, usize> = s
            .sessions
            .iter()
            .enumerate()
            .map(|(i, x)| (x.guid, i))
            .collect();
        let lists: Vec<Vec<usize>> = bookmarks
            .iter()
            .map(|l| l.iter().filter_map(|g| index.get(g).copied()).collect())
            .collect();
        // Only sessions people choose to attend are suggested, and only beside one.
        let keep = |ranked: Vec<Vec<(usize, f32)>>| -> Vec<Vec<(usize, f32)>> {
            ranked
                .into_iter()
                .enumerate()
                .map(|(i, mut r)| {
                    if !suggestible(s.sessions[i].session_type) {
                        return Vec::new();
                    }
                    r.retain(|&(j, _)| {
                        suggestible(s.sessions[j].session_type) && !s.sessions[j].slots.is_empty()
                    });
                    r.truncate(KEPT);
                    r
                })
                .collect()
        };
        Self {
            by_text: keep(by_text(&docs, KEPT * 2)),
            by_bookmarks: keep(by_bookmarks(s.sessions.len(), &lists, MIN_PEOPLE, KEPT * 2)),
        }
    }
}

/// Whether every time `candidate` runs overlaps one of `busy` (a session that also runs at a
/// free time does not clash).
pub fn clashes(candidate: &[Slot], busy: &[&Slot]) -> bool {
    !candidate.is_empty()
        && candidate
            .iter()
            .all(|c| busy.iter().any(|b| c.start < b.end && b.start < c.end))
}

/// A viewer's picks of a ranked list: what fits their bookmarked sessions first (see
/// `domain::similar::suggest`).
pub fn personal(
    s: &Schedule,
    ranked: &[(usize, f32)],
    bookmarked: &[usize],
    session: usize,
) -> Vec<Suggestion> {
    let busy: Vec<&Slot> = bookmarked
        .iter()
        .filter(|&&b| b != session)
        .flat_map(|&b| &s.sessions[b].slots)
        .collect();
    let ranked: Vec<(usize, f32)> = ranked
        .iter()
        .copied()
        .filter(|(j, _)| !bookmarked.contains(j))
        .collect();
    suggest(&ranked, |j| clashes(&s.sessions[j].slots, &busy), SHOWN)
}
