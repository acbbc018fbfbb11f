//! Solving a CoSPLib instance: tracks are laid out over (session, room) cells, each track keeps
//! its submissions in a sequence, and a decoder fills the track's cells in session order from
//! that sequence. Annealing changes the layout and the sequences; every decoded timetable puts
//! submissions only in their track's cells and never splits one.

use super::eval::{BROKEN_SUBMISSION, Breakdown, Timetable, evaluate};
use super::instance::Instance;
use crate::anneal::{self, Budget, Neighbourhood, Report, Schedule};
use crate::error::SchedError;
use crate::rng::Rng;

#[derive(Clone)]
pub struct State<'a> {
    inst: &'a Instance,
    /// `[session][room]`: which track may use the cell.
    layout: Vec<Vec<Option<usize>>>,
    /// `[track]`: the order submissions fill the track's cells in.
    sequences: Vec<Vec<usize>>,
    timetable: Timetable,
    cost: i64,
}

pub enum Undo {
    Layout(Vec<Vec<Option<usize>>>, Timetable, i64),
    Both(Vec<Vec<Option<usize>>>, Vec<Vec<usize>>, Timetable, i64),
    Sequence(usize, Vec<usize>, Timetable, i64),
}

/// In a track's sequence, a time slot left empty.
pub const HOLE: usize = usize::MAX;

/// Fills each track's cells, in session then room order, with its submissions in sequence; a
/// submission that does not fit the rest of a cell starts the next. Returns the timetable and
/// how many submissions found no room.
pub fn decode(
    inst: &Instance,
    layout: &[Vec<Option<usize>>],
    sequences: &[Vec<usize>],
) -> (Timetable, usize) {
    let mut tt = Timetable::empty(inst);
    let mut unplaced = 0;
    for (t, seq) in sequences.iter().enumerate() {
        let cells: Vec<(usize, usize)> = layout
            .iter()
            .enumerate()
            .flat_map(|(s, row)| {
                row.iter()
                    .enumerate()
                    .filter(move |(_, x)| **x == Some(t))
                    .map(move |(r, _)| (s, r))
            })
            .collect();
        let mut cell = 0;
        let mut used = 0;
        for &x in seq {
            let need = if x == HOLE {
                1
            } else {
                inst.submissions[x].slots
            };
            while cell < cells.len() && used + need > inst.sessions[cells[cell].0].slots {
                cell += 1;
                used = 0;
            }
            let Some(&(s, r)) = cells.get(cell) else {
                unplaced += usize::from(x != HOLE);
                continue;
            };
            if x == HOLE {
                used += 1;
                continue;
            }
            for k in used..used + need {
                tt.cells[s][r][k] = Some(x);
            }
            tt.tracks[s][r] = Some(t);
            used += need;
        }
    }
    (tt, unplaced)
}

fn score(inst: &Instance, tt: &Timetable, unplaced: usize) -> i64 {
    evaluate(inst, tt).total() + BROKEN_SUBMISSION * unplaced as i64
}

impl<'a> State<'a> {
    /// A first timetable: each track in one room over consecutive sessions where it can be,
    /// in the order of its submissions sheet, longest tracks first.
    pub fn construct(inst: &'a Instance) -> Result<Self, SchedError> {
        check_feasible(inst)?;
        let sessions = inst.sessions.len();
        let rooms = inst.rooms.len();
        let mut layout = vec![vec![None; rooms]; sessions];
        let sequences: Vec<Vec<usize>> = inst
            .tracks
            .iter()
            .map(|t| {
                let mut seq = t.submissions.clone();
                // Ordered submissions first, in their order; longer ones before shorter.
                seq.sort_by_key(|&x| {
                    let s = &inst.submissions[x];
                    (s.order == 0, s.order, std::cmp::Reverse(s.slots))
                });
                seq
            })
            .collect();
        let mut tracks: Vec<usize> = (0..inst.tracks.len()).collect();
        let need = |t: usize| -> usize {
            inst.tracks[t]
                .submissions
                .iter()
                .map(|&x| inst.submissions[x].slots)
                .sum()
        };
        tracks.sort_by_key(|&t| std::cmp::Reverse(need(t)));
        for t in tracks {
            let fits = |cells: &[(usize, usize)]| {
                let mut trial = vec![vec![None; rooms]; sessions];
                for &(s, r) in cells {
                    trial[s][r] = Some(t);
                }
                let mut seqs = vec![Vec::new(); inst.tracks.len()];
                seqs[t] = sequences[t].clone();
                decode(inst, &trial, &seqs).1 == 0
            };
            // The fewest consecutive free sessions of one room that hold the track; of those,
            // the run whose cells cost the track least.
            let w = &inst.weights;
            let cell_cost = |s: usize, r: usize| {
                w.tracks_sessions * inst.track_session[t][s]
                    + w.tracks_rooms * inst.track_room[t][r]
                    + w.sessions_rooms * inst.session_room[s][r]
            };
            let mut placed: Option<(i64, Vec<(usize, usize)>)> = None;
            for len in 1..=sessions {
                for r in 0..rooms {
                    for s0 in 0..=sessions - len {
                        let cells: Vec<(usize, usize)> = (s0..s0 + len).map(|s| (s, r)).collect();
                        if cells.iter().all(|&(s, r)| layout[s][r].is_none()) && fits(&cells) {
                            let cost = cells.iter().map(|&(s, r)| cell_cost(s, r)).sum();
                            if placed.as_ref().is_none_or(|(c, _)| cost < *c) {
                                placed = Some((cost, cells));
                            }
                        }
                    }
                }
                if placed.is_some() {
                    break;
                }
            }
            let placed = placed.map(|(_, cells)| cells);
            // A track larger than a room: whole free rooms side by side, then the start of the
            // next, so that it uses as few rooms as it can and every session.
            let placed = placed.or_else(|| {
                (0..rooms).find_map(|r0| {
                    let mut cells = Vec::new();
                    for r in r0..rooms {
                        for (s, row) in layout.iter().enumerate() {
                            if row[r].is_some() {
                                return None;
                            }
                            cells.push((s, r));
                            if fits(&cells) {
                                return Some(cells);
                            }
                        }
                    }
                    None
                })
            });
            let cells = match placed {
                Some(c) => c,
                // Free cells anywhere, roomiest sessions first, until the track fits; a track
                // that cannot fit is left for annealing to make room for.
                None => {
                    let mut free: Vec<(usize, usize)> = (0..sessions)
                        .flat_map(|s| (0..rooms).map(move |r| (s, r)))
                        .filter(|&(s, r)| layout[s][r].is_none())
                        .collect();
                    free.sort_by_key(|&(s, _)| std::cmp::Reverse(inst.sessions[s].slots));
                    let mut cells = Vec::new();
                    for cell in free {
                        cells.push(cell);
                        if fits(&cells) {
                            break;
                        }
                    }
                    if fits(&cells) { cells } else { Vec::new() }
                }
            };
            for (s, r) in cells {
                layout[s][r] = Some(t);
            }
        }
        let (timetable, unplaced) = decode(inst, &layout, &sequences);
        let cost = score(inst, &timetable, unplaced);
        Ok(Self {
            inst,
            layout,
            sequences,
            timetable,
            cost,
        })
    }

    pub fn timetable(&self) -> &Timetable {
        &self.timetable
    }

    pub fn breakdown(&self) -> Breakdown {
        evaluate(self.inst, &self.timetable)
    }

    /// Gives track `t`'s submissions the cheapest of its time slots (an assignment problem)
    /// by what depends on one submission and its place: its session, room and time-zone
    /// penalties, its order, and conflicts with the other tracks' submissions where they are
    /// now. Tracks with a submission of several slots keep their sequence.
    fn reassign(&mut self, t: usize) {
        let inst = self.inst;
        let w = &inst.weights;
        let subs = &inst.tracks[t].submissions;
        if subs.iter().any(|&x| inst.submissions[x].slots > 1) {
            return;
        }
        let places: Vec<(usize, usize, usize)> = self
            .cells_of(t)
            .into_iter()
            .flat_map(|(s, r)| (0..inst.sessions[s].slots).map(move |k| (s, r, k)))
            .collect();
        if places.len() < subs.len() {
            return;
        }
        let mut at: Vec<Option<(usize, usize)>> = vec![None; inst.submissions.len()];
        for (s, rooms) in self.timetable.cells.iter().enumerate() {
            for cell in rooms {
                for (k, x) in cell.iter().enumerate() {
                    if let Some(x) = *x {
                        at[x] = Some((s, k));
                    }
                }
            }
        }
        let clashes = |s: usize, k: usize, conflicts: &[usize]| -> (i64, i64) {
            let mut in_session = 0;
            let mut in_slot = 0;
            for &y in conflicts {
                if inst.submissions[y].track == t {
                    continue;
                }
                if let Some((sy, ky)) = at[y]
                    && sy == s
                {
                    in_session += 1;
                    in_slot += i64::from(ky == k);
                }
            }
            (in_session, in_slot)
        };
        let cost: Vec<Vec<i64>> = subs
            .iter()
            .map(|&x| {
                let sub = &inst.submissions[x];
                places
                    .iter()
                    .enumerate()
                    .map(|(j, &(s, r, k))| {
                        let (p, ps) = clashes(s, k, &inst.presenter_conflicts[x]);
                        let (a, a_s) = clashes(s, k, &inst.attendee_conflicts[x]);
                        w.submissions_sessions * inst.submission_session[x][s]
                            + w.timezones * inst.submission_timezone[x][s]
                            + w.submissions_rooms * inst.submission_room[x][r]
                            + w.order * i64::from(sub.order != 0 && sub.order != j + 1)
                            + w.presenters * p
                            + w.attendees * a
                            + w.presenters_timeslot * ps
                            + w.attendees_timeslot * a_s
                    })
                    .collect()
            })
            .collect();
        let column = super::assign::cheapest(&cost);
        let mut seq = vec![HOLE; places.len()];
        for (i, &j) in column.iter().enumerate() {
            seq[j] = subs[i];
        }
        while seq.last() == Some(&HOLE) {
            seq.pop();
        }
        self.sequences[t] = seq;
    }

    /// The cells the layout gives track `t`.
    fn cells_of(&self, t: usize) -> Vec<(usize, usize)> {
        let mut cells = Vec::new();
        for (s, row) in self.layout.iter().enumerate() {
            for (r, x) in row.iter().enumerate() {
                if *x == Some(t) {
                    cells.push((s, r));
                }
            }
        }
        cells
    }

    /// Runs `(room, first session, end)` of cells free or already track `t`'s, each the
    /// shortest from its first session whose time slots hold all of the track's.
    fn free_runs(&self, t: usize) -> Vec<(usize, usize, usize)> {
        let need: usize = self.inst.tracks[t]
            .submissions
            .iter()
            .map(|&x| self.inst.submissions[x].slots)
            .sum();
        let sessions = self.layout.len();
        let mut runs = Vec::new();
        for r in 0..self.inst.rooms.len() {
            for from in 0..sessions {
                let mut have = 0;
                for s in from..sessions {
                    if self.layout[s][r].is_some_and(|x| x != t) {
                        break;
                    }
                    have += self.inst.sessions[s].slots;
                    if have >= need {
                        runs.push((r, from, s + 1));
                        break;
                    }
                }
            }
        }
        runs
    }

    /// Swaps what two cells of the layout hold; `None` when they hold the same.
    fn swap_cells(&mut self, a: (usize, usize), b: (usize, usize)) -> Option<Undo> {
        if self.layout[a.0][a.1] == self.layout[b.0][b.1] {
            return None;
        }
        let undo = Undo::Layout(self.layout.clone(), self.timetable.clone(), self.cost);
        let x = self.layout[a.0][a.1];
        self.layout[a.0][a.1] = self.layout[b.0][b.1];
        self.layout[b.0][b.1] = x;
        Some(undo)
    }

    fn redecode(&mut self) {
        let (tt, unplaced) = decode(self.inst, &self.layout, &self.sequences);
        self.cost = score(self.inst, &tt, unplaced);
        self.timetable = tt;
    }
}

impl Neighbourhood for State<'_> {
    type Undo = Undo;

    fn cost(&self) -> i64 {
        self.cost
    }

    fn step(&mut self, rng: &mut Rng) -> Option<(i64, Undo)> {
        let before = self.cost;
        let sessions = self.inst.sessions.len();
        let rooms = self.inst.rooms.len();
        let undo = match rng.below(22) {
            // Swap two runs of sessions between rooms (or within one): moves a track that
            // spans several sessions as a whole, and whatever it displaces as a whole too.
            20 | 21 => {
                let len = 1 + rng.below(sessions.min(4));
                let (s1, s2) = (rng.below(sessions + 1 - len), rng.below(sessions + 1 - len));
                let (r1, r2) = (rng.below(rooms), rng.below(rooms));
                if (s1, r1) == (s2, r2) || (r1 == r2 && s1.abs_diff(s2) < len) {
                    return None;
                }
                let undo = Undo::Layout(self.layout.clone(), self.timetable.clone(), before);
                for i in 0..len {
                    let x = self.layout[s1 + i][r1];
                    self.layout[s1 + i][r1] = self.layout[s2 + i][r2];
                    self.layout[s2 + i][r2] = x;
                }
                undo
            }
            // Give a free cell to a track, or take one from a track (that may not need it).
            10 | 11 => {
                let (s, r) = (rng.below(sessions), rng.below(rooms));
                let old = self.layout.clone();
                if self.layout[s][r].is_some() {
                    self.layout[s][r] = None;
                } else {
                    self.layout[s][r] = Some(rng.below(self.sequences.len()));
                }
                Undo::Layout(old, self.timetable.clone(), before)
            }
            // Swap two cells (a track with another, or with an empty cell).
            0..=3 => {
                let (s1, r1) = (rng.below(sessions), rng.below(rooms));
                let (s2, r2) = (rng.below(sessions), rng.below(rooms));
                self.swap_cells((s1, r1), (s2, r2))?
            }
            // Swap two rooms of one session: moves tracks between rooms, not in time.
            4..=6 => {
                let s = rng.below(sessions);
                let (r1, r2) = (rng.below(rooms), rng.below(rooms));
                self.swap_cells((s, r1), (s, r2))?
            }
            // Bring a cell of a track into a room or next to a session the track already
            // uses: what repairs rooms-per-track and consecutive-tracks penalties, which some
            // instances weigh 10,000 times a submission's.
            7..=9 => {
                let t = rng.below(self.sequences.len());
                let cells: Vec<(usize, usize)> = self.cells_of(t);
                if cells.len() < 2 {
                    return None;
                }
                let (s, r) = cells[rng.below(cells.len())];
                let (s2, r2) = cells[rng.below(cells.len())];
                let target = if rng.below(2) == 0 {
                    (s, r2)
                } else if s2 > s {
                    (s2 - 1, r)
                } else {
                    (s2 + 1, r)
                };
                if target.0 >= sessions {
                    return None;
                }
                self.swap_cells((s, r), target)?
            }
            // Move a whole track into free consecutive sessions of one room: the jump that
            // swaps of single cells rarely make when several cells must move together.
            13 => {
                let t = rng.below(self.sequences.len());
                let runs = self.free_runs(t);
                if runs.is_empty() {
                    return None;
                }
                let (r, from, to) = runs[rng.below(runs.len())];
                let undo = Undo::Layout(self.layout.clone(), self.timetable.clone(), before);
                for row in &mut self.layout {
                    for x in row.iter_mut() {
                        if *x == Some(t) {
                            *x = None;
                        }
                    }
                }
                for row in &mut self.layout[from..to] {
                    row[r] = Some(t);
                }
                undo
            }
            // Swap two sessions of one room, or two rooms of one session.
            12 => {
                let old = self.layout.clone();
                if rng.below(2) == 0 {
                    let (a, b) = (rng.below(sessions), rng.below(sessions));
                    if a == b {
                        return None;
                    }
                    self.layout.swap(a, b);
                } else {
                    let (a, b) = (rng.below(rooms), rng.below(rooms));
                    if a == b {
                        return None;
                    }
                    for row in &mut self.layout {
                        row.swap(a, b);
                    }
                }
                Undo::Layout(old, self.timetable.clone(), before)
            }
            // Reorder a track's submissions: swap two, or move one.
            _ => {
                let t = rng.below(self.sequences.len());
                let n = self.sequences[t].len();
                if n < 2 {
                    return None;
                }
                let old = self.sequences[t].clone();
                let (i, j) = (rng.below(n), rng.below(n));
                if i == j {
                    return None;
                }
                if rng.below(2) == 0 {
                    self.sequences[t].swap(i, j);
                } else {
                    let x = self.sequences[t].remove(i);
                    self.sequences[t].insert(j, x);
                }
                Undo::Sequence(t, old, self.timetable.clone(), before)
            }
        };
        let undo = match undo {
            Undo::Layout(old, tt, cost) => {
                let sequences = self.sequences.clone();
                let mut changed: Vec<usize> = old
                    .iter()
                    .flatten()
                    .zip(self.layout.iter().flatten())
                    .filter(|(a, b)| a != b)
                    .flat_map(|(a, b)| a.iter().chain(b.iter()).copied())
                    .collect();
                changed.sort_unstable();
                changed.dedup();
                for t in changed {
                    self.reassign(t);
                }
                Undo::Both(old, sequences, tt, cost)
            }
            other => other,
        };
        self.redecode();
        Some((self.cost - before, undo))
    }

    fn undo(&mut self, undo: Undo) {
        match undo {
            Undo::Layout(layout, tt, cost) => {
                self.layout = layout;
                self.timetable = tt;
                self.cost = cost;
            }
            Undo::Both(layout, sequences, tt, cost) => {
                self.layout = layout;
                self.sequences = sequences;
                self.timetable = tt;
                self.cost = cost;
            }
            Undo::Sequence(t, seq, tt, cost) => {
                self.sequences[t] = seq;
                self.timetable = tt;
                self.cost = cost;
            }
        }
    }
}

/// What cannot be scheduled at all, said with the smallest set of things that clash.
pub fn check_feasible(inst: &Instance) -> Result<(), SchedError> {
    let longest = inst.sessions.iter().map(|s| s.slots).max().unwrap_or(0);
    let mut clashes = Vec::new();
    for s in &inst.submissions {
        if s.slots > longest {
            clashes.push(format!(
                "{} needs {} consecutive time slots but the longest session has {longest}",
                s.name, s.slots
            ));
        }
    }
    if inst.slots_needed() > inst.slots_offered() {
        clashes.push(format!(
            "the submissions need {} time slots and the sessions and rooms offer {}",
            inst.slots_needed(),
            inst.slots_offered()
        ));
    }
    if clashes.is_empty() {
        Ok(())
    } else {
        Err(SchedError::Infeasible(clashes))
    }
}

/// The best timetable found within the budget, with its breakdown.
pub use super::bound::lower_bound;

pub fn solve(
    inst: &Instance,
    seed: u64,
    threads: usize,
    budget: Budget,
    report: &(dyn Fn(Report) + Sync),
) -> Result<(Timetable, Breakdown), SchedError> {
    let start = State::construct(inst)?;
    // Calibrated on the moves that cost less than a million: the order violations GECCO22
    // prices at 1,000,000 and the split submissions are never traded for smaller penalties.
    let schedule = Schedule::calibrate(&start, seed);
    let budget = budget.with_floor(lower_bound(inst));
    let best = anneal::run_parallel(&start, seed, threads, budget, schedule, report);
    let breakdown = best.breakdown();
    Ok((best.timetable, breakdown))
}
