//! CoSPLib's objective, term by term, as its official checker (`Solver/solution.py`, v1.0.2)
//! computes it: every weighted term whose weight is positive, plus the penalty for split
//! submissions. The terms carry the checker's names, so a figure here and one of the checker
//! can be compared line by line.

use super::instance::Instance;

/// Tracks in `(session, room)` cells and submissions in the cells' time slots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timetable {
    /// `[session][room]`.
    pub tracks: Vec<Vec<Option<usize>>>,
    /// `[session][room][slot]`.
    pub cells: Vec<Vec<Vec<Option<usize>>>>,
}

impl Timetable {
    pub fn empty(inst: &Instance) -> Self {
        Self {
            tracks: vec![vec![None; inst.rooms.len()]; inst.sessions.len()],
            cells: inst
                .sessions
                .iter()
                .map(|s| vec![vec![None; s.slots]; inst.rooms.len()])
                .collect(),
        }
    }

    /// `(session, room, slot, submission)` of every filled slot, in the checker's order.
    fn slots(&self) -> impl Iterator<Item = (usize, usize, usize, usize)> + '_ {
        self.cells.iter().enumerate().flat_map(|(s, rooms)| {
            rooms.iter().enumerate().flat_map(move |(r, cell)| {
                cell.iter()
                    .enumerate()
                    .filter_map(move |(k, x)| x.map(|x| (s, r, k, x)))
            })
        })
    }

    /// `(session, room, track)` of every cell given a track.
    fn used(&self) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
        self.tracks.iter().enumerate().flat_map(|(s, row)| {
            row.iter()
                .enumerate()
                .filter_map(move |(r, t)| t.map(|t| (s, r, t)))
        })
    }
}

/// One weighted term of the objective, named as the checker names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    pub name: &'static str,
    pub value: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breakdown {
    pub components: Vec<Component>,
}

impl Breakdown {
    pub fn total(&self) -> i64 {
        self.components.iter().map(|c| c.value).sum()
    }

    pub fn get(&self, name: &str) -> i64 {
        self.components
            .iter()
            .find(|c| c.name == name)
            .map_or(0, |c| c.value)
    }
}

pub const TRACKS_SESSIONS: &str = "Tracks_Sessions|Penalty";
pub const TRACKS_ROOMS: &str = "Tracks_Rooms|Penalty";
pub const SESSIONS_ROOMS: &str = "Sessions_Rooms|Penalty";
pub const SIMILAR_TRACKS: &str = "Similar Tracks";
pub const ROOMS_PER_TRACK: &str = "Number of rooms per track";
pub const PARALLEL_TRACKS: &str = "Parallel tracks";
pub const CONSECUTIVE_TRACKS: &str = "Consecutive tracks";
pub const TIMEZONES: &str = "Submissions timezones";
pub const ORDER: &str = "Submissions order";
pub const SUBMISSIONS_SESSIONS: &str = "Submissions_Sessions|Penalty";
pub const SUBMISSIONS_ROOMS: &str = "Submissions_Rooms|Penalty";
pub const PRESENTERS: &str = "Presenters conflicts [Session Level]";
pub const ATTENDEES: &str = "Attendees conflicts [Session Level]";
pub const CHAIRS: &str = "Chairs conflicts";
pub const PRESENTERS_TIMESLOT: &str = "Presenters conflicts [Timeslot Level]";
pub const ATTENDEES_TIMESLOT: &str = "Attendees conflicts [Timeslot Level]";
pub const SPLIT: &str = "Submissions with multiple timeslots in different sessions";

/// A submission of several time slots spread over cells costs this per cell, and one whose
/// slots are not consecutive (or that is missing) this much: the checker makes them dominate.
pub const SPLIT_SUBMISSION: i64 = 10_000_000;
pub const BROKEN_SUBMISSION: i64 = 1_000_000_000;

pub fn evaluate(inst: &Instance, tt: &Timetable) -> Breakdown {
    let w = &inst.weights;
    let mut components = Vec::new();
    let mut add = |name: &'static str, weight: i64, value: &dyn Fn() -> i64| {
        if weight > 0 {
            components.push(Component {
                name,
                value: weight * value(),
            });
        }
    };
    add(TRACKS_SESSIONS, w.tracks_sessions, &|| {
        tt.used().map(|(s, _, t)| inst.track_session[t][s]).sum()
    });
    add(TRACKS_ROOMS, w.tracks_rooms, &|| {
        tt.used().map(|(_, r, t)| inst.track_room[t][r]).sum()
    });
    add(SESSIONS_ROOMS, w.sessions_rooms, &|| {
        tt.used().map(|(s, r, _)| inst.session_room[s][r]).sum()
    });
    add(SIMILAR_TRACKS, w.similar_tracks, &|| {
        similar_tracks(inst, tt)
    });
    add(ROOMS_PER_TRACK, w.rooms_per_track, &|| {
        rooms_per_track(inst, tt)
    });
    add(PARALLEL_TRACKS, w.parallel_tracks, &|| {
        parallel_tracks(inst, tt)
    });
    add(CONSECUTIVE_TRACKS, w.consecutive_tracks, &|| {
        consecutive_tracks(inst, tt)
    });
    add(TIMEZONES, w.timezones, &|| {
        tt.slots()
            .map(|(s, _, _, x)| inst.submission_timezone[x][s])
            .sum()
    });
    add(ORDER, w.order, &|| order(inst, tt));
    add(SUBMISSIONS_SESSIONS, w.submissions_sessions, &|| {
        tt.slots()
            .map(|(s, _, _, x)| inst.submission_session[x][s])
            .sum()
    });
    add(SUBMISSIONS_ROOMS, w.submissions_rooms, &|| {
        tt.slots()
            .map(|(_, r, _, x)| inst.submission_room[x][r])
            .sum()
    });
    add(PRESENTERS, w.presenters, &|| {
        session_conflicts(tt, &inst.presenter_conflicts)
    });
    add(ATTENDEES, w.attendees, &|| {
        session_conflicts(tt, &inst.attendee_conflicts)
    });
    add(CHAIRS, w.chairs, &|| chair_conflicts(inst, tt));
    add(PRESENTERS_TIMESLOT, w.presenters_timeslot, &|| {
        slot_conflicts(inst, tt, &inst.presenter_conflicts)
    });
    add(ATTENDEES_TIMESLOT, w.attendees_timeslot, &|| {
        slot_conflicts(inst, tt, &inst.attendee_conflicts)
    });
    add(SPLIT, 1, &|| split_submissions(inst, tt));
    Breakdown { components }
}

/// Two different tracks in one session cost the `similar tracks` sheet's value for the pair.
fn similar_tracks(inst: &Instance, tt: &Timetable) -> i64 {
    let mut value = 0;
    for row in &tt.tracks {
        for (i, a) in row.iter().enumerate() {
            for b in &row[i + 1..] {
                if let (Some(a), Some(b)) = (a, b)
                    && a != b
                {
                    value += inst.similar[*a][*b];
                }
            }
        }
    }
    value
}

/// Rooms a track uses beyond its first.
fn rooms_per_track(inst: &Instance, tt: &Timetable) -> i64 {
    let mut rooms_of = vec![Vec::new(); inst.tracks.len()];
    for (_, r, t) in tt.used() {
        if !rooms_of[t].contains(&r) {
            rooms_of[t].push(r);
        }
    }
    rooms_of
        .iter()
        .map(|r| r.len().saturating_sub(1) as i64)
        .sum()
}

/// Cells of one track in one session beyond the first.
fn parallel_tracks(inst: &Instance, tt: &Timetable) -> i64 {
    let mut value = 0;
    for row in &tt.tracks {
        let mut count = vec![0i64; inst.tracks.len()];
        for t in row.iter().flatten() {
            count[*t] += 1;
        }
        value += count.iter().map(|n| (n - 1).max(0)).sum::<i64>();
    }
    value
}

/// Tracks whose sessions are not one consecutive run: each costs one, however many gaps.
fn consecutive_tracks(inst: &Instance, tt: &Timetable) -> i64 {
    let mut sessions_of: Vec<Vec<usize>> = vec![Vec::new(); inst.tracks.len()];
    for (s, _, t) in tt.used() {
        if sessions_of[t].last() != Some(&s) {
            sessions_of[t].push(s);
        }
    }
    sessions_of
        .iter()
        .filter(|s| s.len() > 1 && s.iter().sum::<usize>() != (s[0]..=s[s.len() - 1]).sum())
        .count() as i64
}

/// Ordered submissions of one track in the same time slot (a pair each), and submissions
/// whose position in their cells' track (session, room, slot order) is not their order. Only
/// cells given a track count; a submission counts under the track of its cell.
fn order(inst: &Instance, tt: &Timetable) -> i64 {
    let mut per_track: Vec<Vec<usize>> = vec![Vec::new(); inst.tracks.len()];
    let mut per_slot: Vec<Vec<usize>> = vec![Vec::new(); inst.slot_groups()];
    for (s, r, k, x) in tt.slots() {
        let Some(t) = tt.tracks[s][r] else { continue };
        if !per_track[t].contains(&x) {
            per_track[t].push(x);
        }
        let g = inst.slot_group[s][k];
        if !per_slot[g].contains(&x) {
            per_slot[g].push(x);
        }
    }
    let mut value = 0;
    for list in per_slot {
        for (i, &a) in list.iter().enumerate() {
            for &b in &list[i + 1..] {
                let (a, b) = (&inst.submissions[a], &inst.submissions[b]);
                if a.track == b.track && a.order != 0 && b.order != 0 {
                    value += 1;
                }
            }
        }
    }
    for list in per_track {
        for (position, &x) in list.iter().enumerate() {
            let o = inst.submissions[x].order;
            if o != 0 && o != position + 1 {
                value += 1;
            }
        }
    }
    value
}

/// Pairs of conflicting submissions in one session but different rooms.
fn session_conflicts(tt: &Timetable, conflicts: &[Vec<usize>]) -> i64 {
    let mut value = 0;
    for rooms in &tt.cells {
        let mut seen: Vec<(usize, usize)> = Vec::new();
        for (r, cell) in rooms.iter().enumerate() {
            for x in cell.iter().flatten() {
                if !conflicts[*x].is_empty() && !seen.contains(&(*x, r)) {
                    seen.push((*x, r));
                }
            }
        }
        for (i, &(a, ra)) in seen.iter().enumerate() {
            for &(b, rb) in &seen[i + 1..] {
                if ra != rb && conflicts[b].contains(&a) {
                    value += 1;
                }
            }
        }
    }
    value
}

/// Pairs of conflicting submissions in the same time slot; a slot key shared by several slots
/// is counted once for each of them, as the checker loops over slots.
fn slot_conflicts(inst: &Instance, tt: &Timetable, conflicts: &[Vec<usize>]) -> i64 {
    let mut per_slot: Vec<Vec<usize>> = vec![Vec::new(); inst.slot_groups()];
    for (s, _, k, x) in tt.slots() {
        let g = inst.slot_group[s][k];
        if !conflicts[x].is_empty() && !per_slot[g].contains(&x) {
            per_slot[g].push(x);
        }
    }
    let mut value = 0;
    for (g, list) in per_slot.iter().enumerate() {
        let mut pairs = 0;
        for (i, &a) in list.iter().enumerate() {
            for &b in &list[i + 1..] {
                if conflicts[b].contains(&a) {
                    pairs += 1;
                }
            }
        }
        value += pairs * inst.slot_group_multiplicity[g] as i64;
    }
    value
}

/// Pairs of tracks in one session that share a chair.
fn chair_conflicts(inst: &Instance, tt: &Timetable) -> i64 {
    let mut value = 0;
    for row in &tt.tracks {
        let list: Vec<usize> = row
            .iter()
            .flatten()
            .copied()
            .filter(|t| !inst.chair_conflicts[*t].is_empty())
            .collect();
        for (i, &a) in list.iter().enumerate() {
            for &b in &list[i + 1..] {
                if inst.chair_conflicts[b].contains(&a) {
                    value += 1;
                }
            }
        }
    }
    value
}

/// Submissions of several slots must sit whole in one cell, in consecutive slots; one that
/// is missing altogether makes the whole term the broken-submission penalty.
fn split_submissions(inst: &Instance, tt: &Timetable) -> i64 {
    let mut per_cell: Vec<Vec<usize>> = vec![Vec::new(); cells(inst)];
    let mut slots_of: Vec<Vec<usize>> = vec![Vec::new(); inst.submissions.len()];
    for (s, r, k, x) in tt.slots() {
        if inst.submissions[x].slots > 1 {
            per_cell[inst.cell_group[s][r]].push(x);
            slots_of[x].push(k);
        }
    }
    let mut value = 0;
    for here in &per_cell {
        let mut distinct = here.clone();
        distinct.sort_unstable();
        distinct.dedup();
        for x in distinct {
            if here.iter().filter(|&&y| y == x).count() != inst.submissions[x].slots {
                value += SPLIT_SUBMISSION;
            }
        }
    }
    for (x, slots) in slots_of.iter().enumerate() {
        if inst.submissions[x].slots <= 1 {
            continue;
        }
        let (Some(&first), Some(&last)) = (slots.first(), slots.last()) else {
            return BROKEN_SUBMISSION;
        };
        let expected: usize = (first..=last).sum();
        if expected != slots.iter().sum::<usize>() {
            value += BROKEN_SUBMISSION;
        }
    }
    value
}

/// How many distinct cell keys the checker has.
fn cells(inst: &Instance) -> usize {
    inst.cell_group.iter().flatten().max().map_or(0, |g| g + 1)
}

/// The checker's "feasible": every submission takes exactly its number of time slots.
pub fn all_scheduled(inst: &Instance, tt: &Timetable) -> bool {
    let mut count = vec![0usize; inst.submissions.len()];
    for (_, _, _, x) in tt.slots() {
        count[x] += 1;
    }
    count
        .iter()
        .zip(&inst.submissions)
        .all(|(n, sub)| *n == sub.slots)
}

/// The checker's "valid": every submission in a cell given a track belongs to that track.
pub fn valid(inst: &Instance, tt: &Timetable) -> bool {
    tt.slots()
        .all(|(s, r, _, x)| tt.tracks[s][r].is_none_or(|t| t == inst.submissions[x].track))
}

/// What the checker reports besides the objective: whether every submission takes exactly
/// its slots ("feasible"), and whether every submission in a cell given a track belongs to
/// that track ("valid"). Empty when both hold.
pub fn violations(inst: &Instance, tt: &Timetable) -> Vec<String> {
    let mut problems = Vec::new();
    let mut count = vec![0usize; inst.submissions.len()];
    for (s, r, _, x) in tt.slots() {
        count[x] += 1;
        if let Some(t) = tt.tracks[s][r]
            && t != inst.submissions[x].track
        {
            problems.push(format!(
                "{} is in {} / {}, which holds track {}",
                inst.submissions[x].name, inst.sessions[s].name, inst.rooms[r], inst.tracks[t].name
            ));
        }
    }
    for (x, n) in count.iter().enumerate() {
        let sub = &inst.submissions[x];
        if *n != sub.slots {
            problems.push(format!(
                "{} takes {n} time slots instead of {}",
                sub.name, sub.slots
            ));
        }
    }
    problems
}
