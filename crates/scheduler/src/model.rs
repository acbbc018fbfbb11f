//! A conference timetabling problem: sessions to place into rooms and start times so that
//! attendees can attend what they bookmarked, rooms are big enough and tracks stay together.
//!
//! Times are minutes within a day; days are indexes. Every id is an index into its vector.

use serde::{Deserialize, Serialize};

/// A day of the grid: the times sessions may start at, and the breaks no session may span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Day {
    pub label: String,
    /// Allowed start times, ascending.
    pub starts: Vec<i32>,
    /// When the day's program ends: no session may run past it.
    pub end: i32,
    /// `(start, end)` windows no session may overlap (lunch, keynotes in the big hall).
    pub breaks: Vec<(i32, i32)>,
}

/// A window of time on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub day: usize,
    pub start: i32,
    pub end: i32,
}

impl Window {
    pub fn overlaps(&self, day: usize, start: i32, end: i32) -> bool {
        self.day == day && start < self.end && self.start < end
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Room {
    pub name: String,
    /// Seats; `None` when unknown (no overflow is counted there).
    pub capacity: Option<u32>,
    /// Kinds of session the room can host (`None`: any).
    pub kinds: Option<Vec<u8>>,
    /// When the room can be used (`None`: whenever the grid runs).
    pub available: Option<Vec<Window>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Speaker {
    pub name: String,
    /// When the speaker cannot be anywhere.
    pub unavailable: Vec<Window>,
    /// When the speaker would rather speak; empty when they do not mind.
    pub preferred: Vec<Window>,
}

/// Where and when a session runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Placement {
    pub room: usize,
    pub day: usize,
    pub start: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub name: String,
    pub minutes: i32,
    pub kind: u8,
    pub track: Option<usize>,
    pub speakers: Vec<usize>,
    /// People expected: how many bookmarked it.
    pub audience: u32,
    /// Days it may run on (its event's); `None`: any.
    pub days: Option<Vec<usize>>,
    /// Fixed where it is; the optimizer moves everything else around it.
    pub pinned: Option<Placement>,
}

/// How much each soft penalty weighs; hard constraints are never traded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Weights {
    /// Per bookmarked session an attendee cannot attend because of another they bookmarked.
    pub conflict: i64,
    /// Per person over a room's capacity.
    pub overflow: i64,
    /// Per room change between a track's consecutive sessions on a day, and per pair of a small
    /// track's sessions in parallel.
    pub coherence: i64,
    /// Per session outside its speakers' preferred times.
    pub preference: i64,
    /// Per session moved from the given schedule (another time or another room).
    pub change: i64,
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            conflict: 10,
            overflow: 1,
            coherence: 20,
            preference: 50,
            change: 30,
        }
    }
}

/// A track with at most this many sessions should not run two at once.
pub const SMALL_TRACK: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub days: Vec<Day>,
    pub rooms: Vec<Room>,
    pub sessions: Vec<Session>,
    pub speakers: Vec<Speaker>,
    /// Each attendee's bookmarked sessions.
    pub attendees: Vec<Vec<usize>>,
    /// A schedule to stay close to (re-optimizing after a release), by session.
    pub reference: Option<Vec<Option<Placement>>>,
    pub weights: Weights,
}

impl Problem {
    /// The minutes a session occupies when placed.
    pub fn span(&self, s: usize, p: Placement) -> (i32, i32) {
        (p.start, p.start + self.sessions[s].minutes)
    }

    /// The hard rules a placement must keep on its own: the session's days, the room's kinds
    /// and availability, the day's end and breaks, its speakers' availability, its pin.
    pub fn allowed(&self, s: usize, p: Placement) -> bool {
        match self.sessions[s].pinned {
            Some(pin) => pin == p,
            None => self.fits(s, p),
        }
    }

    /// The rules of `allowed` but the pin.
    pub fn fits(&self, s: usize, p: Placement) -> bool {
        let x = &self.sessions[s];
        let (start, end) = self.span(s, p);
        let day = &self.days[p.day];
        let room = &self.rooms[p.room];
        x.days.as_ref().is_none_or(|d| d.contains(&p.day))
            && end <= day.end
            && !day.breaks.iter().any(|&(a, b)| start < b && a < end)
            && room.kinds.as_ref().is_none_or(|k| k.contains(&x.kind))
            && room.available.as_ref().is_none_or(|w| {
                w.iter()
                    .any(|w| w.day == p.day && w.start <= start && end <= w.end)
            })
            && x.speakers.iter().all(|&sp| {
                !self.speakers[sp]
                    .unavailable
                    .iter()
                    .any(|w| w.overlaps(p.day, start, end))
            })
    }

    /// Minutes room `r` is open on day `d`: its availability, else the day's grid less breaks.
    pub fn open_minutes(&self, r: usize, d: usize) -> i64 {
        let day = &self.days[d];
        match &self.rooms[r].available {
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
        }
    }

    /// Whether session `s` may use room `r` on day `d` at all: its days, the room's kinds, its
    /// pin (times are not looked at).
    pub fn may_use(&self, s: usize, r: usize, d: usize) -> bool {
        let x = &self.sessions[s];
        x.days.as_ref().is_none_or(|ds| ds.contains(&d))
            && self.rooms[r]
                .kinds
                .as_ref()
                .is_none_or(|k| k.contains(&x.kind))
            && x.pinned.is_none_or(|pin| pin.room == r && pin.day == d)
    }

    /// Every placement of the grid, day by day, start by start, room by room.
    pub fn grid(&self) -> impl Iterator<Item = Placement> + '_ {
        self.days.iter().enumerate().flat_map(move |(day, d)| {
            d.starts.iter().flat_map(move |&start| {
                (0..self.rooms.len()).map(move |room| Placement { room, day, start })
            })
        })
    }

    /// Every placement the session may take.
    pub fn candidates(&self, s: usize) -> Vec<Placement> {
        if let Some(pin) = self.sessions[s].pinned {
            return vec![pin];
        }
        self.grid().filter(|&p| self.allowed(s, p)).collect()
    }

    /// Sessions per track.
    pub fn track_sizes(&self) -> Vec<usize> {
        let n = self
            .sessions
            .iter()
            .filter_map(|s| s.track)
            .max()
            .map_or(0, |m| m + 1);
        let mut sizes = vec![0; n];
        for t in self.sessions.iter().filter_map(|s| s.track) {
            sizes[t] += 1;
        }
        sizes
    }
}
