//! Conference-shaped problems from a seed: for tests, for the scaling benchmark, and for trying
//! the optimizer where no real data fits.

use crate::model::{Day, Placement, Problem, Room, Session, Speaker, Weights, Window};
use crate::rng::Rng;

#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub sessions: usize,
    pub rooms: usize,
    pub days: usize,
    pub attendees: usize,
    pub bookmarks: usize,
    pub seed: u64,
}

impl Shape {
    /// About the shape of a KubeCon main conference scaled to `sessions`.
    pub fn conference(sessions: usize, seed: u64) -> Self {
        Self {
            sessions,
            rooms: (sessions / 30).max(3),
            days: 3,
            attendees: sessions * 30,
            bookmarks: 10,
            seed,
        }
    }
}

/// Kinds: 0 keynote (big hall only), 1 talk, 2 workshop.
pub fn generate(shape: Shape) -> Problem {
    let mut rng = Rng::new(shape.seed);
    let starts: Vec<i32> = (0..16)
        .map(|i| 9 * 60 + 30 * i)
        .filter(|&t| !(12 * 60 + 30..13 * 60 + 30).contains(&t))
        .collect();
    let days: Vec<Day> = (0..shape.days)
        .map(|d| Day {
            label: format!("day {}", d + 1),
            starts: starts.clone(),
            end: 17 * 60 + 30,
            breaks: vec![(12 * 60 + 30, 13 * 60 + 30)],
        })
        .collect();
    let rooms: Vec<Room> = (0..shape.rooms)
        .map(|r| Room {
            name: format!("Room {}", r + 1),
            capacity: Some(match r {
                0 => 3000,
                r if r < shape.rooms / 3 => 600,
                _ => 150 + 50 * rng.below(4) as u32,
            }),
            kinds: if r == 0 { None } else { Some(vec![1, 2]) },
            available: None,
        })
        .collect();
    let tracks = (shape.sessions / 12).max(1);
    let mut speakers: Vec<Speaker> = Vec::new();
    let mut sessions: Vec<Session> = Vec::new();
    for i in 0..shape.sessions {
        // A few keynotes a day whatever the size (the keynote hall is one room), a workshop
        // in every ten.
        let kind = match i % 40 {
            0 if i < 40 * 4 * shape.days => 0,
            1..=3 => 2,
            _ => 1,
        };
        let count = 1 + usize::from(rng.below(4) == 0);
        let mut who = Vec::new();
        for _ in 0..count {
            // One speaker in ten gives a second session.
            let sp = if !speakers.is_empty() && rng.below(10) == 0 {
                rng.below(speakers.len())
            } else {
                speakers.push(Speaker {
                    name: format!("Speaker {}", speakers.len() + 1),
                    unavailable: if rng.below(20) == 0 {
                        vec![Window {
                            day: rng.below(shape.days),
                            start: 0,
                            end: 24 * 60,
                        }]
                    } else {
                        Vec::new()
                    },
                    preferred: Vec::new(),
                });
                speakers.len() - 1
            };
            if !who.contains(&sp) {
                who.push(sp);
            }
        }
        sessions.push(Session {
            name: format!("Session {}", i + 1),
            minutes: match kind {
                2 => 90,
                _ => 30,
            },
            kind,
            track: (kind == 1).then(|| rng.below(tracks)),
            speakers: who,
            audience: 0,
            days: None,
            pinned: (kind == 0 && i < 40 * shape.days).then(|| Placement {
                room: 0,
                day: (i / 40) % shape.days,
                start: 9 * 60,
            }),
        });
    }
    // Interest is skewed: a Zipf law over a shuffled order, keynotes drawing most.
    let mut order: Vec<usize> = (0..shape.sessions).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i + 1));
    }
    let mut appeal = vec![0.0; shape.sessions];
    for (rank, &s) in order.iter().enumerate() {
        appeal[s] =
            1.0 / ((rank + 1) as f64).powf(0.9) * if sessions[s].kind == 0 { 6.0 } else { 1.0 };
    }
    let total: f64 = appeal.iter().sum();
    let mut cumulative = Vec::with_capacity(shape.sessions);
    let mut acc = 0.0;
    for a in &appeal {
        acc += a / total;
        cumulative.push(acc);
    }
    let mut attendees = Vec::with_capacity(shape.attendees);
    for _ in 0..shape.attendees {
        let wanted = 1 + rng.below(2 * shape.bookmarks);
        let mut list: Vec<usize> = Vec::new();
        for _ in 0..wanted * 2 {
            if list.len() >= wanted {
                break;
            }
            let x = rng.unit();
            let s = cumulative
                .partition_point(|&c| c < x)
                .min(shape.sessions - 1);
            if !list.contains(&s) {
                list.push(s);
            }
        }
        attendees.push(list);
    }
    for list in &attendees {
        for &s in list {
            sessions[s].audience += 1;
        }
    }
    Problem {
        days,
        rooms,
        sessions,
        speakers,
        attendees,
        reference: None,
        weights: Weights::default(),
    }
}
