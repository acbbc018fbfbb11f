//! Lower bounds: what no timetable of a problem can do better than, penalty by penalty.

use crate::eval::{Breakdown, Evaluator};
use crate::model::{Placement, Problem};

/// A lower bound on each penalty, and so on the cost of any timetable.
pub fn lower_bound(p: &Problem) -> Breakdown {
    let mut b = Breakdown::default();
    // Conflicts among pinned sessions cannot be undone, and adding sessions never helps.
    let pinned: Vec<Option<Placement>> = p.sessions.iter().map(|x| x.pinned).collect();
    let fixed = Evaluator::new(p, pinned).report();
    b.conflicts = fixed.conflicts;
    b.conflict_pairs = fixed.conflict_pairs;
    b.overflow = overflow_bound(p);
    // Preferences no allowed placement meets.
    for (s, x) in p.sessions.iter().enumerate() {
        let picky = x
            .speakers
            .iter()
            .any(|&sp| !p.speakers[sp].preferred.is_empty());
        if picky {
            let pleased = p.candidates(s).into_iter().any(|pl| {
                let (start, end) = p.span(s, pl);
                x.speakers.iter().all(|&sp| {
                    let pref = &p.speakers[sp].preferred;
                    pref.is_empty()
                        || pref
                            .iter()
                            .any(|w| w.day == pl.day && w.start <= start && end <= w.end)
                })
            });
            b.preference += i64::from(!pleased);
        }
    }
    b
}

/// Overflow no timetable can avoid. The relaxation lets a session split across rooms and days
/// by the minute, within the rooms that host its kind on the days it may run, each room-day
/// offering the minutes it is open; time of day is ignored. Its optimum is a min-cost flow:
/// sessions' minutes to room-days, at `(audience - seats)⁺ / minutes` per minute. Sessions that
/// fit in every room they may use cannot overflow and are left out, which only relaxes more.
fn overflow_bound(p: &Problem) -> i64 {
    if p.rooms.iter().any(|r| r.capacity.is_none()) {
        // A room of unknown size seats everyone: no overflow can be proven.
        return 0;
    }
    let seats = |r: usize| p.rooms[r].capacity.unwrap_or(u32::MAX);
    // Room-days and the minutes each is open.
    let mut room_days: Vec<(usize, usize, i64)> = Vec::new();
    for (r, room) in p.rooms.iter().enumerate() {
        for (d, day) in p.days.iter().enumerate() {
            let minutes = match &room.available {
                Some(w) => w
                    .iter()
                    .filter(|w| w.day == d)
                    .map(|w| i64::from(w.end - w.start))
                    .sum(),
                None => {
                    let first = day.starts.first().copied().unwrap_or(day.end);
                    let breaks: i32 = day.breaks.iter().map(|(a, b)| b - a).sum();
                    i64::from((day.end - first - breaks).max(0))
                }
            };
            if minutes > 0 {
                room_days.push((r, d, minutes));
            }
        }
    }
    let may_use = |s: usize, r: usize, d: usize| {
        let x = &p.sessions[s];
        x.days.as_ref().is_none_or(|ds| ds.contains(&d))
            && p.rooms[r]
                .kinds
                .as_ref()
                .is_none_or(|k| k.contains(&x.kind))
            && x.pinned.is_none_or(|pin| pin.room == r && pin.day == d)
    };
    let wanted: Vec<usize> = (0..p.sessions.len())
        .filter(|&s| {
            room_days
                .iter()
                .any(|&(r, d, _)| may_use(s, r, d) && p.sessions[s].audience > seats(r))
        })
        .collect();
    if wanted.is_empty() {
        return 0;
    }
    // Nodes: source, the sessions, the room-days, sink.
    let source = 0;
    let sink = 1 + wanted.len() + room_days.len();
    let mut g = Flow::new(sink + 1);
    let mut demand = 0;
    for (i, &s) in wanted.iter().enumerate() {
        let x = &p.sessions[s];
        let minutes = i64::from(x.minutes.max(1));
        demand += minutes;
        g.edge(source, 1 + i, minutes, 0.0);
        for (k, &(r, d, _)) in room_days.iter().enumerate() {
            if may_use(s, r, d) {
                let over = f64::from(x.audience.saturating_sub(seats(r)));
                g.edge(1 + i, 1 + wanted.len() + k, minutes, over / minutes as f64);
            }
        }
    }
    for (k, &(_, _, minutes)) in room_days.iter().enumerate() {
        g.edge(1 + wanted.len() + k, sink, minutes, 0.0);
    }
    let (sent, cost) = g.min_cost_flow(source, sink, demand);
    if sent < demand {
        // Not even the relaxation fits: the feasibility check reports it.
        return 0;
    }
    // Any timetable's overflow is a whole number at least the relaxation's, so rounding up
    // (less a margin for floating point) keeps it a bound.
    (cost - 1e-6 * wanted.len() as f64).ceil().max(0.0) as i64
}

/// A min-cost flow network: successive shortest paths with Dijkstra on reduced costs.
struct Flow {
    to: Vec<usize>,
    cap: Vec<i64>,
    cost: Vec<f64>,
    out: Vec<Vec<usize>>,
}

impl Flow {
    fn new(nodes: usize) -> Self {
        Self {
            to: Vec::new(),
            cap: Vec::new(),
            cost: Vec::new(),
            out: vec![Vec::new(); nodes],
        }
    }

    /// An edge and its residual twin (at index `e ^ 1`).
    fn edge(&mut self, from: usize, to: usize, cap: i64, cost: f64) {
        for (a, b, c, w) in [(from, to, cap, cost), (to, from, 0, -cost)] {
            self.out[a].push(self.to.len());
            self.to.push(b);
            self.cap.push(c);
            self.cost.push(w);
        }
    }

    /// Sends up to `want` units from `s` to `t` at least cost: (units sent, cost).
    fn min_cost_flow(&mut self, s: usize, t: usize, want: i64) -> (i64, f64) {
        let n = self.out.len();
        // Every cost starts non-negative, so zero potentials are valid.
        let mut potential = vec![0.0_f64; n];
        let (mut sent, mut total) = (0, 0.0);
        while sent < want {
            let mut dist = vec![f64::INFINITY; n];
            let mut via = vec![usize::MAX; n];
            dist[s] = 0.0;
            let mut heap = std::collections::BinaryHeap::new();
            heap.push(Near(0.0, s));
            while let Some(Near(d, u)) = heap.pop() {
                if d > dist[u] {
                    continue;
                }
                for &e in &self.out[u] {
                    let v = self.to[e];
                    if self.cap[e] <= 0 {
                        continue;
                    }
                    // Reduced costs are non-negative up to rounding.
                    let reduced = (self.cost[e] + potential[u] - potential[v]).max(0.0);
                    if d + reduced < dist[v] - 1e-12 {
                        dist[v] = d + reduced;
                        via[v] = e;
                        heap.push(Near(dist[v], v));
                    }
                }
            }
            if !dist[t].is_finite() {
                break;
            }
            // Capping at the sink's distance keeps reduced costs non-negative for nodes this
            // round did not reach.
            for (p, d) in potential.iter_mut().zip(&dist) {
                *p += d.min(dist[t]);
            }
            let mut push = want - sent;
            let mut v = t;
            while v != s {
                let e = via[v];
                push = push.min(self.cap[e]);
                v = self.to[e ^ 1];
            }
            let mut v = t;
            while v != s {
                let e = via[v];
                self.cap[e] -= push;
                self.cap[e ^ 1] += push;
                total += push as f64 * self.cost[e];
                v = self.to[e ^ 1];
            }
            sent += push;
        }
        (sent, total)
    }
}

/// A heap entry ordered nearest first.
struct Near(f64, usize);

impl PartialEq for Near {
    fn eq(&self, o: &Self) -> bool {
        self.0 == o.0
    }
}
impl Eq for Near {}
impl PartialOrd for Near {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Near {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        o.0.total_cmp(&self.0)
    }
}
