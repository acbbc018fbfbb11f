//! Building a timetable: refuse what cannot work with the smallest set of rules that clash,
//! construct greedily, then anneal moves and swaps of sessions.

use crate::anneal::{self, Budget, Neighbourhood, Report, Schedule};
use crate::error::SchedError;
use crate::eval::{Breakdown, Evaluator};
use crate::flow::Flow;
use crate::model::{Placement, Problem};
use crate::rng::Rng;
use std::collections::HashMap;

/// What a solve returns: the timetable, its score and a lower bound on what any could score.
#[derive(Debug, Clone)]
pub struct Solution {
    pub placement: Vec<Option<Placement>>,
    pub breakdown: Breakdown,
    pub cost: i64,
    pub bound: Breakdown,
    pub bound_cost: i64,
}

/// Refuses problems no timetable can satisfy, naming the rules that clash.
pub fn check_feasible(p: &Problem) -> Result<(), SchedError> {
    check_references(p)?;
    let mut clashes = Vec::new();
    let pinned: Vec<(usize, Placement)> = p
        .sessions
        .iter()
        .enumerate()
        .filter_map(|(s, x)| x.pinned.map(|pl| (s, pl)))
        .collect();
    let day_label = |d: usize| p.days.get(d).map_or("?".to_owned(), |x| x.label.clone());
    let clock = |m: i32| format!("{:02}:{:02}", m / 60, m % 60);
    for (i, &(a, pa)) in pinned.iter().enumerate() {
        let (a0, a1) = p.span(a, pa);
        for &(b, pb) in &pinned[i + 1..] {
            let (b0, b1) = p.span(b, pb);
            if pa.day != pb.day || a0 >= b1 || b0 >= a1 {
                continue;
            }
            let when = format!("{} {}", day_label(pa.day), clock(a0.max(b0)));
            if pa.room == pb.room {
                clashes.push(format!(
                    "{:?} and {:?} are both pinned to {} at {when}",
                    p.sessions[a].name, p.sessions[b].name, p.rooms[pa.room].name
                ));
            }
            for sp in &p.sessions[a].speakers {
                if p.sessions[b].speakers.contains(sp) {
                    clashes.push(format!(
                        "{} speaks in {:?} and {:?}, both pinned at {when}",
                        p.speakers[*sp].name, p.sessions[a].name, p.sessions[b].name
                    ));
                }
            }
        }
    }
    for (s, x) in p.sessions.iter().enumerate() {
        if let Some(pin) = x.pinned {
            if !p.fits(s, pin) {
                clashes.push(format!(
                    "{:?} is pinned to {} at {} {}, where it may not run (its room, its day or its speakers' availability)",
                    x.name,
                    p.rooms[pin.room].name,
                    day_label(pin.day),
                    clock(pin.start)
                ));
            }
        } else if first_candidate(p, s).is_none() {
            let mut why = vec![format!("{} minutes", x.minutes)];
            if let Some(days) = &x.days {
                why.push(format!(
                    "only on {}",
                    days.iter()
                        .map(|&d| day_label(d))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            let rooms = p
                .rooms
                .iter()
                .filter(|r| r.kinds.as_ref().is_none_or(|k| k.contains(&x.kind)))
                .count();
            why.push(format!("{rooms} rooms host its kind"));
            for &sp in &x.speakers {
                if !p.speakers[sp].unavailable.is_empty() {
                    why.push(format!("{} is away part of the time", p.speakers[sp].name));
                }
            }
            clashes.push(format!("{:?} fits nowhere: {}", x.name, why.join("; ")));
        }
    }
    if let Some(short) = room_time_shortage(p) {
        clashes.push(short);
    }
    if clashes.is_empty() {
        Ok(())
    } else {
        Err(SchedError::Infeasible(clashes))
    }
}

/// Whether every session's minutes fit into the room-days it may use (its days, the rooms that
/// host its kind), as a flow. When they do not, the sessions a minimum cut leaves behind need
/// more than the room-days open to them offer (Hall's condition): that group is named.
fn room_time_shortage(p: &Problem) -> Option<String> {
    // Sessions alike (same kind and days, not pinned) are one node; pinned ones stand alone.
    let mut groups: Vec<(Vec<usize>, i64)> = Vec::new();
    let mut key_of: HashMap<(u8, Option<Vec<usize>>), usize> = HashMap::new();
    for (s, x) in p.sessions.iter().enumerate() {
        let g = if x.pinned.is_some() {
            groups.push((Vec::new(), 0));
            groups.len() - 1
        } else {
            *key_of.entry((x.kind, x.days.clone())).or_insert_with(|| {
                groups.push((Vec::new(), 0));
                groups.len() - 1
            })
        };
        groups[g].0.push(s);
        groups[g].1 += i64::from(x.minutes);
    }
    let room_days: Vec<(usize, usize, i64)> = (0..p.rooms.len())
        .flat_map(|r| (0..p.days.len()).map(move |d| (r, d)))
        .map(|(r, d)| (r, d, p.open_minutes(r, d)))
        .filter(|&(_, _, m)| m > 0)
        .collect();
    let (source, sink) = (0, 1 + groups.len() + room_days.len());
    let mut g = Flow::new(sink + 1);
    let need: i64 = groups.iter().map(|x| x.1).sum();
    for (i, (members, minutes)) in groups.iter().enumerate() {
        g.edge(source, 1 + i, *minutes, 0.0);
        for (k, &(r, d, _)) in room_days.iter().enumerate() {
            if p.may_use(members[0], r, d) {
                g.edge(1 + i, 1 + groups.len() + k, *minutes, 0.0);
            }
        }
    }
    for (k, &(_, _, minutes)) in room_days.iter().enumerate() {
        g.edge(1 + groups.len() + k, sink, minutes, 0.0);
    }
    let (sent, _) = g.min_cost_flow(source, sink, need);
    if sent >= need {
        return None;
    }
    let side = g.reachable(source);
    let stuck: Vec<usize> = (0..groups.len())
        .filter(|&i| side[1 + i])
        .flat_map(|i| groups[i].0.iter().copied())
        .collect();
    let wanted: i64 = stuck
        .iter()
        .map(|&s| i64::from(p.sessions[s].minutes))
        .sum();
    let open: Vec<usize> = (0..room_days.len())
        .filter(|&k| side[1 + groups.len() + k])
        .collect();
    let offered: i64 = open.iter().map(|&k| room_days[k].2).sum();
    let rooms: std::collections::BTreeSet<&str> = open
        .iter()
        .map(|&k| p.rooms[room_days[k].0].name.as_str())
        .collect();
    let examples: Vec<String> = stuck
        .iter()
        .take(3)
        .map(|&s| format!("{:?}", p.sessions[s].name))
        .collect();
    Some(format!(
        "{} sessions ({}{}) need {wanted} room-minutes, but the rooms that may host them ({}) offer {offered} on their days",
        stuck.len(),
        examples.join(", "),
        if stuck.len() > 3 { ", ..." } else { "" },
        rooms.into_iter().collect::<Vec<_>>().join(", ")
    ))
}

/// Every index a problem holds points at something that exists.
fn check_references(p: &Problem) -> Result<(), SchedError> {
    let bad = |what: String| Err(SchedError::Invalid(what));
    for x in &p.sessions {
        if x.minutes <= 0 {
            return bad(format!("{:?} lasts {} minutes", x.name, x.minutes));
        }
        if let Some(pin) = x.pinned
            && (pin.room >= p.rooms.len() || pin.day >= p.days.len())
        {
            return bad(format!(
                "{:?} is pinned to a room or day that does not exist",
                x.name
            ));
        }
        if x.speakers.iter().any(|&s| s >= p.speakers.len())
            || x.days.iter().flatten().any(|&d| d >= p.days.len())
        {
            return bad(format!(
                "{:?} names a speaker or day that does not exist",
                x.name
            ));
        }
    }
    if p.attendees.iter().flatten().any(|&s| s >= p.sessions.len()) {
        return bad("a bookmark names a session that does not exist".to_owned());
    }
    Ok(())
}

fn first_candidate(p: &Problem, s: usize) -> Option<Placement> {
    p.grid().find(|&pl| p.allowed(s, pl))
}

/// Sessions bookmarked together, per session: how many attendees want both.
fn co_bookmarks(p: &Problem) -> Vec<HashMap<usize, u32>> {
    let mut co = vec![HashMap::new(); p.sessions.len()];
    for list in &p.attendees {
        for (i, &a) in list.iter().enumerate() {
            for &b in &list[i + 1..] {
                *co[a].entry(b).or_insert(0) += 1;
                *co[b].entry(a).or_insert(0) += 1;
            }
        }
    }
    co
}

/// Start and end minutes of a session, and the session.
type Span = (i32, i32, usize);

/// A first timetable, built session by session: pinned ones first, then the most wanted, each
/// at the time its co-bookmarked sessions least crowd and in the smallest room that seats it.
pub fn construct(p: &Problem) -> Vec<Option<Placement>> {
    let co = co_bookmarks(p);
    let mut placement: Vec<Option<Placement>> = p.sessions.iter().map(|x| x.pinned).collect();
    // The most constrained first (fewest places they may go), then the most wanted.
    let mut order: Vec<(usize, usize)> = (0..p.sessions.len())
        .filter(|&s| p.sessions[s].pinned.is_none())
        .map(|s| (s, p.candidates(s).len()))
        .collect();
    order.sort_by_key(|&(s, places)| (places, std::cmp::Reverse(p.sessions[s].audience)));
    let order: Vec<usize> = order.into_iter().map(|(s, _)| s).collect();
    // (room, day) → the spans taken there.
    let mut busy: HashMap<(usize, usize), Vec<Span>> = HashMap::new();
    for (s, pl) in placement.iter().enumerate() {
        if let Some(pl) = pl {
            let (a, b) = p.span(s, *pl);
            busy.entry((pl.room, pl.day)).or_default().push((a, b, s));
        }
    }
    let mut by_time: Vec<(usize, i32, i32, usize)> = placement
        .iter()
        .enumerate()
        .filter_map(|(s, pl)| pl.map(|pl| (pl.day, pl.start, pl.start + p.sessions[s].minutes, s)))
        .collect();
    let mut rooms_by_size: Vec<usize> = (0..p.rooms.len()).collect();
    rooms_by_size.sort_by_key(|&r| p.rooms[r].capacity.unwrap_or(u32::MAX));
    for s in order {
        let x = &p.sessions[s];
        let mut best: Option<(i64, Placement)> = None;
        for (d, day) in p.days.iter().enumerate() {
            for &start in &day.starts {
                let end = start + x.minutes;
                let clash: i64 = by_time
                    .iter()
                    .filter(|&&(od, os, oe, _)| od == d && start < oe && os < end)
                    .map(|&(_, _, _, o)| {
                        let speaker = x
                            .speakers
                            .iter()
                            .any(|sp| p.sessions[o].speakers.contains(sp));
                        i64::from(co[s].get(&o).copied().unwrap_or(0))
                            + if speaker { 1_000_000 } else { 0 }
                    })
                    .sum();
                if best.is_some_and(|(c, _)| c <= clash) {
                    continue;
                }
                // The smallest free room that seats the audience, else the largest free one.
                let free = |r: usize| {
                    let pl = Placement {
                        room: r,
                        day: d,
                        start,
                    };
                    p.allowed(s, pl)
                        && busy
                            .get(&(r, d))
                            .is_none_or(|v| !v.iter().any(|&(a, b, _)| start < b && a < end))
                };
                let fits = rooms_by_size
                    .iter()
                    .copied()
                    .filter(|&r| free(r))
                    .find(|&r| p.rooms[r].capacity.is_none_or(|c| c >= x.audience))
                    .or_else(|| rooms_by_size.iter().rev().copied().find(|&r| free(r)));
                if let Some(room) = fits {
                    let overflow = p.rooms[room]
                        .capacity
                        .map_or(0, |c| i64::from(x.audience.saturating_sub(c)));
                    let cost = clash + overflow / 10;
                    if best.is_none_or(|(c, _)| cost < c) {
                        best = Some((
                            cost,
                            Placement {
                                room,
                                day: d,
                                start,
                            },
                        ));
                    }
                }
            }
        }
        if let Some((_, pl)) = best {
            let (a, b) = p.span(s, pl);
            busy.entry((pl.room, pl.day)).or_default().push((a, b, s));
            by_time.push((pl.day, a, b, s));
            placement[s] = Some(pl);
        }
    }
    placement
}

/// The annealer's view: an evaluator plus where each session may go.
#[derive(Clone)]
pub struct Search<'p> {
    eval: Evaluator<'p>,
    movable: Vec<usize>,
    /// Per session: the days it may run on and the rooms that host its kind.
    days: Vec<Vec<usize>>,
    rooms: Vec<Vec<usize>>,
}

impl<'p> Search<'p> {
    pub fn new(p: &'p Problem, placement: Vec<Option<Placement>>) -> Self {
        let movable = (0..p.sessions.len())
            .filter(|&s| p.sessions[s].pinned.is_none())
            .collect();
        let days = p
            .sessions
            .iter()
            .map(|x| {
                x.days
                    .clone()
                    .unwrap_or_else(|| (0..p.days.len()).collect())
            })
            .collect();
        let rooms = p
            .sessions
            .iter()
            .map(|x| {
                (0..p.rooms.len())
                    .filter(|&r| {
                        p.rooms[r]
                            .kinds
                            .as_ref()
                            .is_none_or(|k| k.contains(&x.kind))
                    })
                    .collect()
            })
            .collect();
        Self {
            eval: Evaluator::new(p, placement),
            movable,
            days,
            rooms,
        }
    }

    pub fn evaluator(&self) -> &Evaluator<'p> {
        &self.eval
    }

    /// Another place for a session: a new time in its room, a new room at its time, or both.
    fn random_placement(&self, s: usize, rng: &mut Rng) -> Option<Placement> {
        let p = self.eval.problem();
        let days = &self.days[s];
        let rooms = &self.rooms[s];
        if days.is_empty() || rooms.is_empty() {
            return None;
        }
        let current = self.eval.placement()[s];
        let mut pl = match current {
            Some(c) => c,
            None => Placement {
                room: rooms[0],
                day: days[0],
                start: p.days[days[0]].starts.first().copied()?,
            },
        };
        let what = if current.is_none() { 2 } else { rng.below(3) };
        if what != 1 {
            pl.day = days[rng.below(days.len())];
            let starts = &p.days[pl.day].starts;
            if starts.is_empty() {
                return None;
            }
            pl.start = starts[rng.below(starts.len())];
        }
        if what != 0 {
            pl.room = rooms[rng.below(rooms.len())];
        }
        (Some(pl) != current && p.allowed(s, pl)).then_some(pl)
    }
}

impl Neighbourhood for Search<'_> {
    type Undo = Vec<(usize, Option<Placement>)>;

    fn cost(&self) -> i64 {
        self.eval.cost()
    }

    fn step(&mut self, rng: &mut Rng) -> Option<(i64, Self::Undo)> {
        if self.movable.is_empty() {
            return None;
        }
        let before = self.eval.cost();
        let a = self.movable[rng.below(self.movable.len())];
        let undo = if rng.below(3) == 0 {
            // Swap two sessions' places, when each may take the other's.
            let b = self.movable[rng.below(self.movable.len())];
            let (pa, pb) = (self.eval.placement()[a], self.eval.placement()[b]);
            let p = self.eval.problem();
            if a == b || pa == pb {
                return None;
            }
            if !pb.is_none_or(|pl| p.allowed(a, pl)) || !pa.is_none_or(|pl| p.allowed(b, pl)) {
                return None;
            }
            self.eval.set(a, pb);
            self.eval.set(b, pa);
            vec![(b, pb), (a, pa)]
        } else {
            let to = self.random_placement(a, rng)?;
            let from = self.eval.placement()[a];
            self.eval.set(a, Some(to));
            vec![(a, from)]
        };
        Some((self.eval.cost() - before, undo))
    }

    fn undo(&mut self, undo: Self::Undo) {
        for (s, pl) in undo {
            self.eval.set(s, pl);
        }
    }
}

/// Solves within the budget on `threads` threads, from `start` when it breaks no rule, else
/// from a greedy timetable; the same seed and an iteration budget give the same timetable.
pub fn solve(
    p: &Problem,
    start: Option<Vec<Option<Placement>>>,
    seed: u64,
    threads: usize,
    budget: Budget,
    report: &(dyn Fn(Report) + Sync),
) -> Result<Solution, SchedError> {
    check_feasible(p)?;
    // A given start that breaks no rule is a better place to begin than a greedy one.
    let start = start
        .filter(|s| s.len() == p.sessions.len() && Evaluator::new(p, s.clone()).totals().hard == 0)
        .unwrap_or_else(|| construct(p));
    let start = Search::new(p, start);
    let schedule = Schedule::calibrate(&start, seed);
    let best = anneal::run_parallel(&start, seed, threads, budget, schedule, report);
    let bound = crate::bound::lower_bound(p);
    let breakdown = best.eval.report();
    Ok(Solution {
        placement: best.eval.placement().to_vec(),
        cost: breakdown.cost(&p.weights),
        breakdown,
        bound_cost: bound.cost(&p.weights),
        bound,
    })
}
