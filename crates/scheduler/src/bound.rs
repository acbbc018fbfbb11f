//! Lower bounds: what no timetable of a problem can do better than, penalty by penalty.

use crate::eval::{Breakdown, Evaluator};
use crate::flow::Flow;
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

/// Room-days the overflow relaxation cannot tell apart, as one.
struct Alike {
    seats: u32,
    kinds: Option<Vec<u8>>,
    day: usize,
    rooms: Vec<usize>,
    minutes: i64,
}

/// Overflow no timetable can avoid. The relaxation lets a session split across rooms and days
/// by the minute, within the rooms that host its kind on the days it may run, each room-day
/// offering the minutes it is open; time of day and speakers are ignored. Its optimum is a
/// min-cost flow: sessions' minutes to room-days, at `(audience - seats)⁺ / minutes` per
/// minute. Sessions that fit in every room they may use cannot overflow and are left out,
/// which only relaxes more.
fn overflow_bound(p: &Problem) -> i64 {
    if p.rooms.iter().any(|r| r.capacity.is_none()) {
        // A room of unknown size seats everyone: no overflow can be proven.
        return 0;
    }
    let seats = |r: usize| p.rooms[r].capacity.unwrap_or(u32::MAX);
    // Room-days alike (same seats, same kinds, same day) are one node: the relaxation cannot
    // tell them apart, and the network stays small.
    let mut alike: Vec<Alike> = Vec::new();
    for (r, room) in p.rooms.iter().enumerate() {
        for day in 0..p.days.len() {
            let minutes = p.open_minutes(r, day);
            if minutes <= 0 {
                continue;
            }
            let same =
                |a: &&mut Alike| a.seats == seats(r) && a.kinds == room.kinds && a.day == day;
            match alike.iter_mut().find(same) {
                Some(a) => {
                    a.rooms.push(r);
                    a.minutes += minutes;
                }
                None => alike.push(Alike {
                    seats: seats(r),
                    kinds: room.kinds.clone(),
                    day,
                    rooms: vec![r],
                    minutes,
                }),
            }
        }
    }
    let may_use = |s: usize, a: &Alike| a.rooms.iter().any(|&r| p.may_use(s, r, a.day));
    let wanted: Vec<usize> = (0..p.sessions.len())
        .filter(|&s| {
            alike
                .iter()
                .any(|a| may_use(s, a) && p.sessions[s].audience > a.seats)
        })
        .collect();
    if wanted.is_empty() {
        return 0;
    }
    // Nodes: source, the sessions, the room-days, sink.
    let source = 0;
    let sink = 1 + wanted.len() + alike.len();
    let mut g = Flow::new(sink + 1);
    let mut demand = 0;
    for (i, &s) in wanted.iter().enumerate() {
        let x = &p.sessions[s];
        let minutes = i64::from(x.minutes.max(1));
        demand += minutes;
        g.edge(source, 1 + i, minutes, 0.0);
        for (k, a) in alike.iter().enumerate() {
            if may_use(s, a) {
                let over = f64::from(x.audience.saturating_sub(a.seats));
                g.edge(1 + i, 1 + wanted.len() + k, minutes, over / minutes as f64);
            }
        }
    }
    for (k, a) in alike.iter().enumerate() {
        g.edge(1 + wanted.len() + k, sink, a.minutes, 0.0);
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
