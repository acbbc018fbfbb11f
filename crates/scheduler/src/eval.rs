//! Scoring a timetable, from scratch or incrementally as sessions move.
//!
//! The evaluator keeps every penalty as a running total plus what it needs to update it when
//! one session moves: sessions by room and day, by speaker, by track, and which sessions share
//! bookmarkers. A move only looks at what the moved session touches.
//!
//! Attendee conflicts are searched as pairs of overlapping bookmarks (a move costs one look at
//! the sessions sharing bookmarkers with the moved one) and reported as the bookmarks each
//! attendee cannot attend, the most of them attended and the rest missed; the two agree
//! whenever no attendee has three bookmarks at once.

use crate::model::{Placement, Problem, SMALL_TRACK};
use std::ops::{Add, Sub};
use std::sync::Arc;

/// A hard violation costs more than any soft trade could gain back.
pub const HARD: i64 = 10_000_000;

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    Unplaced(usize),
    /// Placed where its day, room kind, room hours, breaks or speakers forbid.
    Misplaced(usize),
    RoomClash(usize, usize),
    SpeakerClash(usize, usize, usize),
}

/// Each penalty, counted in its own unit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Breakdown {
    /// Sessions unplaced or placed against a rule, rooms double-booked, speakers in two places.
    pub hard: i64,
    /// Bookmarked sessions attendees cannot attend because another bookmark runs at that time
    /// (filled in by `Evaluator::report`: it needs every attendee's day).
    pub conflicts: i64,
    /// Pairs of bookmarked sessions that overlap, summed over attendees: what the search
    /// minimizes, kept up to date on every move.
    pub conflict_pairs: i64,
    /// People over room capacity, summed over sessions.
    pub overflow: i64,
    /// Room changes within a track's day, and parallel sessions of small tracks.
    pub coherence: i64,
    /// Sessions outside their speakers' preferred times.
    pub preference: i64,
    /// Sessions moved from the reference schedule.
    pub changes: i64,
}

impl Breakdown {
    pub fn cost(&self, w: &crate::model::Weights) -> i64 {
        HARD * self.hard
            + w.conflict * self.conflict_pairs
            + w.overflow * self.overflow
            + w.coherence * self.coherence
            + w.preference * self.preference
            + w.change * self.changes
    }
}

impl Add for Breakdown {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        Self {
            hard: self.hard + o.hard,
            conflicts: self.conflicts + o.conflicts,
            conflict_pairs: self.conflict_pairs + o.conflict_pairs,
            overflow: self.overflow + o.overflow,
            coherence: self.coherence + o.coherence,
            preference: self.preference + o.preference,
            changes: self.changes + o.changes,
        }
    }
}

impl Sub for Breakdown {
    type Output = Self;
    fn sub(self, o: Self) -> Self {
        Self {
            hard: self.hard - o.hard,
            conflicts: self.conflicts - o.conflicts,
            conflict_pairs: self.conflict_pairs - o.conflict_pairs,
            overflow: self.overflow - o.overflow,
            coherence: self.coherence - o.coherence,
            preference: self.preference - o.preference,
            changes: self.changes - o.changes,
        }
    }
}

/// What never changes while a problem is solved, shared between copies of an evaluator.
struct Index {
    bookmarkers: Vec<Vec<usize>>,
    /// Per session: the sessions also bookmarked by its bookmarkers, and by how many.
    co: Vec<Vec<(usize, u32)>>,
    by_speaker: Vec<Vec<usize>>,
    by_track: Vec<Vec<usize>>,
    track_sizes: Vec<usize>,
}

#[derive(Clone)]
pub struct Evaluator<'p> {
    p: &'p Problem,
    index: Arc<Index>,
    placement: Vec<Option<Placement>>,
    /// `[room][day]`: sessions placed there.
    by_room_day: Vec<Vec<Vec<usize>>>,
    /// `[track][day]`: the coherence penalty of that track's day.
    coherence: Vec<Vec<i64>>,
    totals: Breakdown,
}

fn overlap(a: (usize, i32, i32), b: (usize, i32, i32)) -> bool {
    a.0 == b.0 && a.1 < b.2 && b.1 < a.2
}

impl<'p> Evaluator<'p> {
    /// Scores `placement` from scratch.
    pub fn new(p: &'p Problem, placement: Vec<Option<Placement>>) -> Self {
        let n = p.sessions.len();
        let mut bookmarkers = vec![Vec::new(); n];
        for (a, list) in p.attendees.iter().enumerate() {
            for &s in list {
                bookmarkers[s].push(a);
            }
        }
        let mut by_speaker = vec![Vec::new(); p.speakers.len()];
        for (s, x) in p.sessions.iter().enumerate() {
            for &sp in &x.speakers {
                by_speaker[sp].push(s);
            }
        }
        let track_sizes = p.track_sizes();
        let mut by_track = vec![Vec::new(); track_sizes.len()];
        for (s, x) in p.sessions.iter().enumerate() {
            if let Some(t) = x.track {
                by_track[t].push(s);
            }
        }
        let mut by_room_day = vec![vec![Vec::new(); p.days.len()]; p.rooms.len()];
        for (s, pl) in placement.iter().enumerate() {
            if let Some(pl) = pl {
                by_room_day[pl.room][pl.day].push(s);
            }
        }
        let mut co: Vec<std::collections::HashMap<usize, u32>> =
            vec![std::collections::HashMap::new(); n];
        for list in &p.attendees {
            for (i, &a) in list.iter().enumerate() {
                for &b in &list[i + 1..] {
                    if a != b {
                        *co[a].entry(b).or_insert(0) += 1;
                        *co[b].entry(a).or_insert(0) += 1;
                    }
                }
            }
        }
        let co = co
            .into_iter()
            .map(|m| {
                let mut v: Vec<(usize, u32)> = m.into_iter().collect();
                v.sort_unstable();
                v
            })
            .collect();
        let mut e = Self {
            p,
            coherence: vec![vec![0; p.days.len()]; track_sizes.len()],
            index: Arc::new(Index {
                bookmarkers,
                co,
                by_speaker,
                by_track,
                track_sizes,
            }),
            placement,
            by_room_day,
            totals: Breakdown::default(),
        };
        let mut t = Breakdown::default();
        for s in 0..n {
            t = t + e.own(s);
        }
        // Each pair is seen from both of its sessions.
        t.hard += (0..n).map(|s| e.pairs(s)).sum::<i64>() / 2;
        t.conflict_pairs = (0..n).map(|s| e.co_overlaps(s)).sum::<i64>() / 2;
        for track in 0..e.index.track_sizes.len() {
            for day in 0..p.days.len() {
                let c = e.track_day(track, day);
                e.coherence[track][day] = c;
                t.coherence += c;
            }
        }
        e.totals = t;
        e
    }

    /// The totals with the attendees' missed bookmarks counted (a pass over every attendee).
    pub fn report(&self) -> Breakdown {
        let mut b = self.totals;
        b.conflicts = (0..self.p.attendees.len())
            .map(|a| self.attendee_missed(a))
            .sum();
        b
    }

    /// Every broken rule, each pair once.
    pub fn violations(&self) -> Vec<Violation> {
        let mut out = Vec::new();
        for s in 0..self.p.sessions.len() {
            let Some(pl) = self.placement[s] else {
                out.push(Violation::Unplaced(s));
                continue;
            };
            if !self.p.allowed(s, pl) {
                out.push(Violation::Misplaced(s));
            }
            let me = self.interval(s).expect("placed");
            for &o in &self.by_room_day[pl.room][pl.day] {
                if o > s && self.interval(o).is_some_and(|i| overlap(me, i)) {
                    out.push(Violation::RoomClash(s, o));
                }
            }
            let mut seen = Vec::new();
            for &sp in &self.p.sessions[s].speakers {
                for &o in &self.index.by_speaker[sp] {
                    if o > s
                        && !seen.contains(&o)
                        && self.interval(o).is_some_and(|i| overlap(me, i))
                    {
                        seen.push(o);
                        out.push(Violation::SpeakerClash(s, o, sp));
                    }
                }
            }
        }
        out
    }

    /// Attendees who bookmarked both `s` and another session running at the same time.
    fn co_overlaps(&self, s: usize) -> i64 {
        let Some(me) = self.interval(s) else { return 0 };
        self.index.co[s]
            .iter()
            .filter(|&&(o, _)| self.interval(o).is_some_and(|i| overlap(me, i)))
            .map(|&(_, c)| i64::from(c))
            .sum()
    }

    pub fn problem(&self) -> &'p Problem {
        self.p
    }

    pub fn totals(&self) -> Breakdown {
        self.totals
    }

    pub fn cost(&self) -> i64 {
        self.totals.cost(&self.p.weights)
    }

    pub fn placement(&self) -> &[Option<Placement>] {
        &self.placement
    }

    pub fn missed_by(&self, attendee: usize) -> i64 {
        self.attendee_missed(attendee)
    }

    /// Who bookmarked a session.
    pub fn bookmarkers(&self, s: usize) -> &[usize] {
        &self.index.bookmarkers[s]
    }

    /// The sessions placed in a room on a day.
    pub fn in_room(&self, room: usize, day: usize) -> &[usize] {
        &self.by_room_day[room][day]
    }

    fn interval(&self, s: usize) -> Option<(usize, i32, i32)> {
        self.placement[s].map(|pl| {
            let (a, b) = self.p.span(s, pl);
            (pl.day, a, b)
        })
    }

    /// What one session costs by itself: being unplaced or misplaced, overflow, preference,
    /// change from the reference.
    fn own(&self, s: usize) -> Breakdown {
        let mut b = Breakdown::default();
        let x = &self.p.sessions[s];
        let Some(pl) = self.placement[s] else {
            b.hard = 1;
            b.changes = i64::from(self.p.reference.as_ref().is_some_and(|r| r[s].is_some()));
            return b;
        };
        b.hard = i64::from(!self.p.allowed(s, pl));
        if let Some(cap) = self.p.rooms[pl.room].capacity {
            b.overflow = i64::from(x.audience.saturating_sub(cap));
        }
        let (start, end) = self.p.span(s, pl);
        let preferred: Vec<_> = x
            .speakers
            .iter()
            .filter(|&&sp| !self.p.speakers[sp].preferred.is_empty())
            .collect();
        b.preference = i64::from(preferred.iter().any(|&&sp| {
            !self.p.speakers[sp]
                .preferred
                .iter()
                .any(|w| w.day == pl.day && w.start <= start && end <= w.end)
        }));
        if let Some(r) = &self.p.reference {
            b.changes = i64::from(r[s] != Some(pl));
        }
        b
    }

    /// Hard pairs involving `s`: other sessions in its room at the same time, and sessions that
    /// share a speaker with it at the same time.
    fn pairs(&self, s: usize) -> i64 {
        let Some(me) = self.interval(s) else { return 0 };
        let pl = self.placement[s].expect("placed");
        let mut n = self.by_room_day[pl.room][pl.day]
            .iter()
            .filter(|&&o| o != s && self.interval(o).is_some_and(|i| overlap(me, i)))
            .count() as i64;
        let mut seen: Vec<usize> = Vec::new();
        for &sp in &self.p.sessions[s].speakers {
            for &o in &self.index.by_speaker[sp] {
                if o != s && !seen.contains(&o) && self.interval(o).is_some_and(|i| overlap(me, i))
                {
                    seen.push(o);
                    n += 1;
                }
            }
        }
        n
    }

    /// A track's day: room changes between consecutive sessions, and, for a small track,
    /// pairs of its sessions at the same time.
    fn track_day(&self, track: usize, day: usize) -> i64 {
        let mut here: Vec<(i32, i32, usize)> = self.index.by_track[track]
            .iter()
            .filter_map(|&s| {
                let pl = self.placement[s]?;
                (pl.day == day).then(|| {
                    let (a, b) = self.p.span(s, pl);
                    (a, b, pl.room)
                })
            })
            .collect();
        here.sort_unstable();
        let switches = here.windows(2).filter(|w| w[0].2 != w[1].2).count() as i64;
        let mut parallel = 0;
        if self.index.track_sizes[track] <= SMALL_TRACK {
            for (i, a) in here.iter().enumerate() {
                for b in &here[i + 1..] {
                    if b.0 < a.1 {
                        parallel += 1;
                    }
                }
            }
        }
        switches + parallel
    }

    /// Bookmarks an attendee cannot attend: all placed ones less the most that do not overlap
    /// (earliest end first). This runs for every bookmarker of every moved session, so it
    /// sorts packed keys on the stack instead of allocating.
    fn attendee_missed(&self, a: usize) -> i64 {
        let list = &self.p.attendees[a];
        let mut stack = [0u64; 64];
        let mut heap = Vec::new();
        let keys: &mut [u64] = if list.len() <= stack.len() {
            &mut stack[..]
        } else {
            heap.resize(list.len(), 0);
            &mut heap[..]
        };
        let mut n = 0;
        for &s in list {
            if let Some((day, start, end)) = self.interval(s) {
                // day | end | start, each minute count below 2^20.
                keys[n] = (day as u64) << 40 | (end.max(0) as u64) << 20 | start.max(0) as u64;
                n += 1;
            }
        }
        let keys = &mut keys[..n];
        keys.sort_unstable();
        let mut attended = 0;
        let mut last: Option<(u64, u64)> = None;
        for &k in keys.iter() {
            let (day, end, start) = (k >> 40, (k >> 20) & 0xF_FFFF, k & 0xF_FFFF);
            if last.is_none_or(|(ld, le)| ld != day || le <= start) {
                attended += 1;
                last = Some((day, end));
            }
        }
        (n - attended) as i64
    }

    /// Moves a session (or unplaces it) and updates every total.
    pub fn set(&mut self, s: usize, to: Option<Placement>) {
        let from = self.placement[s];
        if from == to {
            return;
        }
        let before = self.own(s);
        let pairs_before = self.pairs(s);
        let co_before = self.co_overlaps(s);
        if let Some(f) = from {
            let list = &mut self.by_room_day[f.room][f.day];
            if let Some(i) = list.iter().position(|&x| x == s) {
                list.swap_remove(i);
            }
        }
        self.placement[s] = to;
        if let Some(t) = to {
            self.by_room_day[t.room][t.day].push(s);
        }
        let after = self.own(s);
        let pairs_after = self.pairs(s);
        let mut t = self.totals - before + after;
        t.hard += pairs_after - pairs_before;
        t.conflict_pairs += self.co_overlaps(s) - co_before;
        if let Some(track) = self.p.sessions[s].track {
            let mut days: Vec<usize> = from.into_iter().chain(to).map(|p| p.day).collect();
            days.dedup();
            for day in days {
                let c = self.track_day(track, day);
                t.coherence += c - self.coherence[track][day];
                self.coherence[track][day] = c;
            }
        }
        self.totals = t;
    }
}
