//! A lower bound on CoSPLib's objective, from relaxations that each term can be bounded by
//! alone (their sum is a bound since every term is at least its own minimum):
//!
//! - cells: a track must cover its time slots with cells; priced at each cell's track-session,
//!   track-room and session-room penalties, the cheapest cover is at least the fractional one
//!   (cells taken by cost per slot, the last one in part: the covering LP's optimum), with cells
//!   shared between tracks relaxed away;
//! - submissions: each at its cheapest session (its own and time-zone penalties) plus its
//!   cheapest room, per time slot;
//! - a track needing more slots than one room offers over all sessions needs more rooms
//!   (rooms per track), and one needing more cells than there are sessions runs in parallel.
//!
//! On instances with few cells, `cells` also prices the tracks' choices of cells together; the
//! larger of the two is the bound.

use super::{cells, instance::Instance};

pub fn lower_bound(inst: &Instance) -> i64 {
    let relaxed = relaxed(inst);
    cells::bound(inst).map_or(relaxed, |b| b.max(relaxed))
}

fn relaxed(inst: &Instance) -> i64 {
    let w = &inst.weights;
    let room_slots: usize = inst.sessions.iter().map(|s| s.slots).sum();
    let mut bound = 0;
    for (t, track) in inst.tracks.iter().enumerate() {
        let need: usize = track
            .submissions
            .iter()
            .map(|&x| inst.submissions[x].slots)
            .sum();
        bound += cheapest_cover(inst, t, need);
        if room_slots > 0 {
            bound += w.rooms_per_track * (need.div_ceil(room_slots) as i64 - 1).max(0);
        }
        bound += w.parallel_tracks
            * (fewest_cells(inst, need) as i64 - inst.sessions.len() as i64).max(0);
    }
    for (x, sub) in inst.submissions.iter().enumerate() {
        let by_session = (0..inst.sessions.len())
            .map(|s| {
                w.submissions_sessions * inst.submission_session[x][s]
                    + w.timezones * inst.submission_timezone[x][s]
            })
            .min()
            .unwrap_or(0);
        let by_room = (0..inst.rooms.len())
            .map(|r| w.submissions_rooms * inst.submission_room[x][r])
            .min()
            .unwrap_or(0);
        bound += sub.slots as i64 * (by_session + by_room);
    }
    bound
}

/// The fractional covering of `need` slots by track `t`'s cheapest cells per slot, rounded up.
fn cheapest_cover(inst: &Instance, t: usize, need: usize) -> i64 {
    let w = &inst.weights;
    let mut cells: Vec<(i64, usize)> = Vec::new();
    for (s, session) in inst.sessions.iter().enumerate() {
        for r in 0..inst.rooms.len() {
            let cost = w.tracks_sessions * inst.track_session[t][s]
                + w.tracks_rooms * inst.track_room[t][r]
                + w.sessions_rooms * inst.session_room[s][r];
            cells.push((cost, session.slots));
        }
    }
    // By cost per slot: a / sa < b / sb.
    cells.sort_by(|a, b| (a.0 * b.1 as i64).cmp(&(b.0 * a.1 as i64)));
    let (mut left, mut total) = (need as i64, 0i64);
    for (cost, slots) in cells {
        if left <= 0 {
            break;
        }
        let slots = slots as i64;
        if slots <= left {
            total += cost;
            left -= slots;
        } else {
            // Part of a cell: cost × left / slots, rounded up (costs are whole).
            total += (cost * left + slots - 1) / slots;
            left = 0;
        }
    }
    total
}

/// The fewest cells that hold `need` slots: the longest sessions first, each in every room.
fn fewest_cells(inst: &Instance, need: usize) -> usize {
    let mut lengths: Vec<usize> = inst
        .sessions
        .iter()
        .flat_map(|s| std::iter::repeat_n(s.slots, inst.rooms.len()))
        .collect();
    lengths.sort_unstable_by(|a, b| b.cmp(a));
    let mut have = 0;
    for (i, l) in lengths.iter().enumerate() {
        if have >= need {
            return i;
        }
        have += l;
    }
    lengths.len()
}
