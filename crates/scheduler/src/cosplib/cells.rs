//! A bound that sees which cells each track takes, for instances with few cells (N2OR has
//! 4 sessions × 4 rooms). The relaxations of `bound` price each track alone, so they miss what
//! a packed instance forces: N2OR needs all 36 of its 36 room-slots, so every track must fill
//! its cells exactly, and that decides which sessions a track can reach.
//!
//! Every track takes a set of cells (a bit mask); its price is what those cells cost on their
//! own — the cell penalties, rooms beyond the first, parallel cells, a gap in its sessions —
//! plus each of its submissions at its cheapest cell of the set that can hold it. Tracks take
//! disjoint sets with room for all their slots. The least total over such choices is a bound:
//! it drops only terms that cannot be negative (similar tracks, order, conflicts) and the
//! capacity within a cell. It holds for timetables that keep every submission in a cell of
//! its own track, as the CoSPLib model does (the checker also accepts submissions in cells
//! given no track; Hallway never writes those).
//!
//! The least total is found by raising a threshold (IDA*): each pass asks whether some choice
//! costs at most the threshold; a pass that fails proves the bound is above it, and the next
//! threshold is the cheapest total the pass had to cut off.

use super::instance::Instance;

/// Masks are enumerated per track: 2^16 of them is quick, 2^20 per track is not.
const MAX_CELLS: usize = 16;
/// Search nodes over all passes; beyond it the bound is what the last failed pass proved.
const MAX_NODES: u64 = 5_000_000;

/// The bound, or `None` when the instance has too many cells for it.
pub fn bound(inst: &Instance) -> Option<i64> {
    let cells: Vec<(usize, usize)> = (0..inst.sessions.len())
        .flat_map(|s| (0..inst.rooms.len()).map(move |r| (s, r)))
        .collect();
    if cells.len() > MAX_CELLS || inst.tracks.is_empty() {
        return None;
    }
    let capacity: Vec<usize> = cells.iter().map(|&(s, _)| inst.sessions[s].slots).collect();
    let need: Vec<usize> = inst
        .tracks
        .iter()
        .map(|t| {
            t.submissions
                .iter()
                .map(|&x| inst.submissions[x].slots)
                .sum()
        })
        .collect();
    let mut order: Vec<usize> = (0..inst.tracks.len()).collect();
    order.sort_by_key(|&t| std::cmp::Reverse(need[t]));

    let mut choices = Vec::with_capacity(order.len());
    for &t in &order {
        let mut list: Vec<(i64, u32)> = (1..1u32 << cells.len())
            .filter(|&m| mask_capacity(m, &capacity) >= need[t])
            .filter_map(|m| price(inst, t, &cells, m).map(|c| (c, m)))
            .collect();
        if list.is_empty() {
            return None;
        }
        list.sort_unstable();
        choices.push(list);
    }
    let mut search = Search {
        choices: &choices,
        need: order.iter().map(|&t| need[t]).collect(),
        capacity: &capacity,
        cheapest_rest: cheapest_rest(&choices),
        nodes: 0,
        cut: i64::MAX,
    };
    let mut threshold = search.cheapest_rest[0];
    loop {
        search.cut = i64::MAX;
        match search.fits(0, 0, 0, threshold) {
            Pass::Found => return Some(threshold),
            // Nothing at or below the threshold, and nothing was cut: no choice fits at all.
            Pass::Failed if search.cut == i64::MAX => return None,
            Pass::Failed => threshold = search.cut,
            Pass::OutOfNodes => return Some(threshold),
        }
    }
}

/// What track `t` costs in the cells of `mask` alone; `None` when one of its submissions
/// fits in none of them.
fn price(inst: &Instance, t: usize, cells: &[(usize, usize)], mask: u32) -> Option<i64> {
    let w = &inst.weights;
    let taken: Vec<(usize, usize)> = cells
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, &c)| c)
        .collect();
    let mut cost = 0;
    let mut rooms: Vec<usize> = Vec::new();
    let mut per_session = vec![0i64; inst.sessions.len()];
    for &(s, r) in &taken {
        cost += w.tracks_sessions * inst.track_session[t][s]
            + w.tracks_rooms * inst.track_room[t][r]
            + w.sessions_rooms * inst.session_room[s][r];
        if !rooms.contains(&r) {
            rooms.push(r);
        }
        per_session[s] += 1;
    }
    cost += w.rooms_per_track * (rooms.len() as i64 - 1);
    cost += w.parallel_tracks * per_session.iter().map(|n| (n - 1).max(0)).sum::<i64>();
    let used: Vec<usize> = (0..per_session.len())
        .filter(|&s| per_session[s] > 0)
        .collect();
    if used.len() > 1 && used[used.len() - 1] - used[0] + 1 != used.len() {
        cost += w.consecutive_tracks;
    }
    for &x in &inst.tracks[t].submissions {
        let sub = &inst.submissions[x];
        let cheapest = taken
            .iter()
            .filter(|&&(s, _)| inst.sessions[s].slots >= sub.slots)
            .map(|&(s, r)| {
                w.submissions_sessions * inst.submission_session[x][s]
                    + w.timezones * inst.submission_timezone[x][s]
                    + w.submissions_rooms * inst.submission_room[x][r]
            })
            .min()?;
        cost += sub.slots as i64 * cheapest;
    }
    Some(cost)
}

fn mask_capacity(mask: u32, capacity: &[usize]) -> usize {
    capacity
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, c)| c)
        .sum()
}

/// `[i]`: the least the tracks from the i-th on can cost together, each at its cheapest.
fn cheapest_rest(choices: &[Vec<(i64, u32)>]) -> Vec<i64> {
    let mut rest = vec![0; choices.len() + 1];
    for i in (0..choices.len()).rev() {
        rest[i] = rest[i + 1] + choices[i][0].0;
    }
    rest
}

enum Pass {
    Found,
    Failed,
    OutOfNodes,
}

struct Search<'a> {
    /// Per track (in search order): `(price, mask)`, cheapest first.
    choices: &'a [Vec<(i64, u32)>],
    need: Vec<usize>,
    capacity: &'a [usize],
    cheapest_rest: Vec<i64>,
    nodes: u64,
    /// The cheapest total this pass cut off.
    cut: i64,
}

impl Search<'_> {
    /// Whether tracks `i..` fit in the cells outside `used` for at most `threshold - spent`.
    fn fits(&mut self, i: usize, used: u32, spent: i64, threshold: i64) -> Pass {
        if i == self.choices.len() {
            return Pass::Found;
        }
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Pass::OutOfNodes;
        }
        let free = mask_capacity(!used, self.capacity);
        let need_after: usize = self.need[i + 1..].iter().sum();
        for &(price, mask) in &self.choices[i] {
            let total = spent + price + self.cheapest_rest[i + 1];
            if total > threshold {
                self.cut = self.cut.min(total);
                break;
            }
            if mask & used != 0 || free - mask_capacity(mask, self.capacity) < need_after {
                continue;
            }
            match self.fits(i + 1, used | mask, spent + price, threshold) {
                Pass::Failed => {}
                found_or_out => return found_or_out,
            }
        }
        Pass::Failed
    }
}
