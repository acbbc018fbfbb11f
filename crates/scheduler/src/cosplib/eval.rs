//! CoSPLib's penalty function, component by component, as the benchmark's checker computes it.

use super::instance::Instance;
use std::collections::HashSet;

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
}

/// What a solve minimizes: the benchmark's objective (its figures compare), or every penalty
/// the instance states (what an organizer would want).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Objective {
    #[default]
    Benchmark,
    Full,
}

/// One penalty, weighted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    pub name: &'static str,
    pub value: i64,
    /// Whether the benchmark's objective includes it; the others are shown for information.
    pub counted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breakdown {
    pub components: Vec<Component>,
}

impl Breakdown {
    pub fn total(&self) -> i64 {
        self.components
            .iter()
            .filter(|c| c.counted)
            .map(|c| c.value)
            .sum()
    }

    /// Every penalty, the ones the benchmark leaves out included.
    pub fn total_of_all(&self) -> i64 {
        self.components.iter().map(|c| c.value).sum()
    }

    /// The total of `objective`.
    pub fn total_for(&self, objective: Objective) -> i64 {
        match objective {
            Objective::Benchmark => self.total(),
            Objective::Full => self.total_of_all(),
        }
    }

    pub fn get(&self, name: &str) -> i64 {
        self.components
            .iter()
            .find(|c| c.name == name)
            .map_or(0, |c| c.value)
    }
}

/// The reference solutions' own scoring, which the benchmark's figures are: a track whose
/// sessions are not consecutive costs 10 whatever the sheet's weight (N2OR and GECCO weigh it 1,
/// OR60F 10, and all count 10), and two similar tracks in parallel cost the similar-tracks weight
/// once, whatever the value in the sheet (10, 20, 100 and 10000 in GECCO all count 1).
pub const CONSECUTIVE_PENALTY: i64 = 10;

/// Penalties the checker computes but the reference figures leave out: its scoring has no
/// parallel-tracks or order column; it never fills the lists of tracks whose chairs clash
/// (GECCO20's SBSE and Theory share a chair and its reference counts nothing for them); and it
/// counts no session-room penalty (OR60F and OR60F2 put a track in LicaA27 at Wed3, which their
/// sheet prices at 1000, and count nothing). Hallway shows them, and scores as the benchmark
/// does so that the figures compare.
pub const NOT_COUNTED: [&str; 4] = [
    "Parallel Tracks",
    "Submissions Order",
    "Chairs Conflicts",
    "Sessions|Rooms",
];
/// A submission of several time slots split across cells, or left out, makes a timetable
/// unusable; the checker adds these so that no optimum has one.
pub const SPLIT_SUBMISSION: i64 = 10_000_000;
pub const BROKEN_SUBMISSION: i64 = 1_000_000_000;

pub fn evaluate(inst: &Instance, tt: &Timetable) -> Breakdown {
    let w = &inst.weights;
    let mut c: Vec<Component> = Vec::new();
    let mut add = |name: &'static str, weight: i64, value: i64| {
        if weight > 0 {
            c.push(Component {
                name,
                value: weight * value,
                counted: !NOT_COUNTED.contains(&name),
            });
        }
    };
    let used = || {
        tt.tracks.iter().enumerate().flat_map(|(s, row)| {
            row.iter()
                .enumerate()
                .filter_map(move |(r, t)| t.map(|t| (s, r, t)))
        })
    };
    let slots = || {
        tt.cells.iter().enumerate().flat_map(|(s, rooms)| {
            rooms.iter().enumerate().flat_map(move |(r, cell)| {
                cell.iter()
                    .enumerate()
                    .filter_map(move |(k, x)| x.map(|x| (s, r, k, x)))
            })
        })
    };

    add(
        "Tracks|Sessions",
        w.tracks_sessions,
        used().map(|(s, _, t)| inst.track_session[t][s]).sum(),
    );
    add(
        "Tracks|Rooms",
        w.tracks_rooms,
        used().map(|(_, r, t)| inst.track_room[t][r]).sum(),
    );
    add(
        "Sessions|Rooms",
        w.sessions_rooms,
        used().map(|(s, r, _)| inst.session_room[s][r]).sum(),
    );
    let mut similar = 0;
    for row in &tt.tracks {
        for (i, a) in row.iter().enumerate() {
            for b in &row[i + 1..] {
                if let (Some(a), Some(b)) = (a, b)
                    && a != b
                    && inst.similar[*a][*b] != 0
                {
                    similar += 1;
                }
            }
        }
    }
    add("Similar Tracks", w.similar_tracks, similar);

    let n_tracks = inst.tracks.len();
    let mut rooms_of: Vec<Vec<usize>> = vec![Vec::new(); n_tracks];
    let mut sessions_of: Vec<Vec<usize>> = vec![Vec::new(); n_tracks];
    let mut parallel = 0;
    for (s, row) in tt.tracks.iter().enumerate() {
        let mut count = vec![0i64; n_tracks];
        for (r, t) in row.iter().enumerate() {
            let Some(t) = *t else { continue };
            count[t] += 1;
            if !rooms_of[t].contains(&r) {
                rooms_of[t].push(r);
            }
            if !sessions_of[t].contains(&s) {
                sessions_of[t].push(s);
            }
        }
        parallel += count.iter().map(|n| (n - 1).max(0)).sum::<i64>();
    }
    add(
        "Number of Rooms per Track",
        w.rooms_per_track,
        rooms_of
            .iter()
            .map(|r| r.len().saturating_sub(1) as i64)
            .sum(),
    );
    add("Parallel Tracks", w.parallel_tracks, parallel);
    let gaps = sessions_of
        .iter()
        .filter(|s| s.len() > 1 && s.last().unwrap_or(&0) - s[0] + 1 != s.len())
        .count() as i64;
    if w.consecutive_tracks > 0 {
        c.push(Component {
            name: "Consecutive Tracks",
            value: CONSECUTIVE_PENALTY * gaps,
            counted: true,
        });
    }
    let mut add = |name: &'static str, weight: i64, value: i64| {
        if weight > 0 {
            c.push(Component {
                name,
                value: weight * value,
                counted: !NOT_COUNTED.contains(&name),
            });
        }
    };

    add(
        "Submissions|Timezones",
        w.timezones,
        slots()
            .map(|(s, _, _, x)| inst.submission_timezone[x][s])
            .sum(),
    );
    add("Submissions Order", w.order, order(inst, tt));
    add(
        "Submissions|Sessions",
        w.submissions_sessions,
        slots()
            .map(|(s, _, _, x)| inst.submission_session[x][s])
            .sum(),
    );
    add(
        "Submissions|Rooms",
        w.submissions_rooms,
        slots().map(|(_, r, _, x)| inst.submission_room[x][r]).sum(),
    );
    add(
        "Presenters Conflicts",
        w.presenters,
        session_conflicts(tt, &inst.presenter_conflicts),
    );
    add(
        "Attendees Conflicts",
        w.attendees,
        session_conflicts(tt, &inst.attendee_conflicts),
    );
    add("Chairs Conflicts", w.chairs, chair_conflicts(inst, tt));
    add(
        "Presenters Conflicts [Timeslot Level]",
        w.presenters_timeslot,
        slot_conflicts(tt, &inst.presenter_conflicts),
    );
    add(
        "Attendees Conflicts [Timeslot Level]",
        w.attendees_timeslot,
        slot_conflicts(tt, &inst.attendee_conflicts),
    );
    c.push(Component {
        name: "Split submissions",
        value: split_submissions(inst, tt),
        counted: true,
    });
    Breakdown { components: c }
}

/// Submissions out of their track's order, and ordered submissions of one track in parallel.
fn order(inst: &Instance, tt: &Timetable) -> i64 {
    let mut per_track: Vec<Vec<usize>> = vec![Vec::new(); inst.tracks.len()];
    let mut value = 0;
    for (s, rooms) in tt.cells.iter().enumerate() {
        let width = rooms.first().map_or(0, Vec::len);
        let mut per_slot: Vec<Vec<usize>> = vec![Vec::new(); width];
        for (r, cell) in rooms.iter().enumerate() {
            let Some(t) = tt.tracks[s][r] else { continue };
            for (k, x) in cell.iter().enumerate() {
                let Some(x) = *x else { continue };
                if !per_track[t].contains(&x) {
                    per_track[t].push(x);
                }
                if !per_slot[k].contains(&x) {
                    per_slot[k].push(x);
                }
            }
        }
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

/// Pairs of conflicting submissions in the same time slot of a session.
fn slot_conflicts(tt: &Timetable, conflicts: &[Vec<usize>]) -> i64 {
    let mut value = 0;
    for rooms in &tt.cells {
        let width = rooms.first().map_or(0, Vec::len);
        for k in 0..width {
            let mut seen: Vec<usize> = Vec::new();
            for cell in rooms {
                if let Some(Some(x)) = cell.get(k)
                    && !conflicts[*x].is_empty()
                    && !seen.contains(x)
                {
                    seen.push(*x);
                }
            }
            for (i, &a) in seen.iter().enumerate() {
                for &b in &seen[i + 1..] {
                    if conflicts[b].contains(&a) {
                        value += 1;
                    }
                }
            }
        }
    }
    value
}

/// Pairs of tracks in one session whose chairs clash.
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

/// Submissions of several slots must sit whole in one cell, in consecutive slots.
fn split_submissions(inst: &Instance, tt: &Timetable) -> i64 {
    let mut value = 0;
    let mut slots_of: Vec<Vec<usize>> = vec![Vec::new(); inst.submissions.len()];
    for rooms in &tt.cells {
        for cell in rooms {
            let mut here: Vec<usize> = Vec::new();
            for (k, x) in cell.iter().enumerate() {
                let Some(x) = *x else { continue };
                if inst.submissions[x].slots > 1 {
                    here.push(x);
                    slots_of[x].push(k);
                }
            }
            let distinct: HashSet<usize> = here.iter().copied().collect();
            for x in distinct {
                if here.iter().filter(|&&y| y == x).count() != inst.submissions[x].slots {
                    value += SPLIT_SUBMISSION;
                }
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
        if first > last || expected != slots.iter().sum::<usize>() {
            value += BROKEN_SUBMISSION;
        }
    }
    value
}

/// What makes a timetable unusable rather than merely worse: submissions missing or placed
/// twice, in a cell of another track, or split.
pub fn violations(inst: &Instance, tt: &Timetable) -> Vec<String> {
    let mut problems = Vec::new();
    let mut count = vec![0usize; inst.submissions.len()];
    for (s, rooms) in tt.cells.iter().enumerate() {
        for (r, cell) in rooms.iter().enumerate() {
            for x in cell.iter().flatten() {
                count[*x] += 1;
                if tt.tracks[s][r] != Some(inst.submissions[*x].track) {
                    problems.push(format!(
                        "{} is in {} / {}, which does not hold its track",
                        inst.submissions[*x].name, inst.sessions[s].name, inst.rooms[r]
                    ));
                }
            }
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
    if split_submissions(inst, tt) > 0 {
        problems.push("a submission of several time slots is split".to_owned());
    }
    problems
}
