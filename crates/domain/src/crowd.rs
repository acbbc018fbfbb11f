//! A synthetic but realistic crowd: who bookmarks what before the schedule is built.
//!
//! Real conference interest is heavily skewed: keynotes and a few hot topics draw most bookmarks,
//! most sessions draw few. Appeal follows a Zipf law over a seeded shuffle of the sessions, hot
//! tracks get a multiplier, and each attendee favours a couple of tracks.

use crate::model::SessionType;
use crate::rng::Rng;

/// What the crowd model needs to know of a session.
#[derive(Debug, Clone)]
pub struct CrowdSession {
    pub session_type: SessionType,
    /// Index of the session's track, if any, in `0..track_count`.
    pub track: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct CrowdShape {
    pub attendees: usize,
    pub mean_bookmarks: f64,
    pub max_bookmarks: usize,
    pub seed: u64,
}

impl Default for CrowdShape {
    fn default() -> Self {
        Self {
            attendees: 20_000,
            mean_bookmarks: 12.0,
            max_bookmarks: 60,
            seed: 2026,
        }
    }
}

/// Weighted choice by cumulative weights.
struct Wheel {
    items: Vec<usize>,
    cumulative: Vec<f64>,
}

impl Wheel {
    fn new(items: impl IntoIterator<Item = (usize, f64)>) -> Self {
        let mut total = 0.0;
        let (items, cumulative) = items
            .into_iter()
            .map(|(i, w)| {
                total += w;
                (i, total)
            })
            .unzip();
        Self { items, cumulative }
    }

    fn pick(&self, rng: &mut Rng) -> Option<usize> {
        let total = *self.cumulative.last()?;
        let x = rng.unit() * total;
        let at = self.cumulative.partition_point(|&c| c <= x);
        self.items.get(at.min(self.items.len() - 1)).copied()
    }
}

/// For each attendee, the indexes of the sessions they bookmarked, without repeats.
pub fn bookmarks(
    sessions: &[CrowdSession],
    track_count: usize,
    shape: &CrowdShape,
) -> Vec<Vec<u32>> {
    let mut rng = Rng::new(shape.seed);
    let mut order: Vec<usize> = (0..sessions.len())
        .filter(|&i| sessions[i].session_type.is_program())
        .collect();
    if order.is_empty() {
        return vec![Vec::new(); shape.attendees];
    }
    rng.shuffle(&mut order);

    let mut hot = vec![1.0; track_count];
    for _ in 0..track_count.min(3) {
        hot[rng.below(track_count)] = 3.0;
    }
    let mut appeal = vec![0.0; sessions.len()];
    for (rank, &i) in order.iter().enumerate() {
        let mut w = 1.0 / ((rank + 1) as f64).powf(0.9);
        if sessions[i].session_type == SessionType::Keynote {
            w *= 6.0;
        }
        if let Some(t) = sessions[i].track {
            w *= hot[t];
        }
        appeal[i] = w;
    }

    let everything = Wheel::new(order.iter().map(|&i| (i, appeal[i])));
    let by_track: Vec<Wheel> = (0..track_count)
        .map(|t| {
            Wheel::new(
                order
                    .iter()
                    .filter(|&&i| sessions[i].track == Some(t))
                    .map(|&i| (i, appeal[i])),
            )
        })
        .collect();
    let track_wheel = Wheel::new(
        (0..track_count).map(|t| (t, by_track[t].cumulative.last().copied().unwrap_or(0.0))),
    );

    let mut out = Vec::with_capacity(shape.attendees);
    for _ in 0..shape.attendees {
        // Exponentially distributed list lengths: many short lists, a few long ones.
        let wanted = (-(1.0 - rng.unit()).ln() * shape.mean_bookmarks).round() as usize;
        let wanted = wanted.clamp(1, shape.max_bookmarks.min(order.len()));
        let favourites: Vec<usize> = (0..2).filter_map(|_| track_wheel.pick(&mut rng)).collect();
        let mut chosen: Vec<u32> = Vec::with_capacity(wanted);
        let mut tries = 0;
        while chosen.len() < wanted && tries < wanted * 4 {
            tries += 1;
            let wheel = if !favourites.is_empty() && rng.unit() < 0.5 {
                &by_track[favourites[rng.below(favourites.len())]]
            } else {
                &everything
            };
            if let Some(i) = wheel.pick(&mut rng) {
                let i = i as u32;
                if !chosen.contains(&i) {
                    chosen.push(i);
                }
            }
        }
        out.push(chosen);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sessions() -> Vec<CrowdSession> {
        (0..300)
            .map(|i| CrowdSession {
                session_type: match i % 30 {
                    0 => SessionType::Keynote,
                    1 => SessionType::Break,
                    _ => SessionType::Talk,
                },
                track: Some(i % 10),
            })
            .collect()
    }

    #[test]
    fn same_seed_same_crowd() {
        let shape = CrowdShape {
            attendees: 500,
            ..CrowdShape::default()
        };
        assert_eq!(
            bookmarks(&sessions(), 10, &shape),
            bookmarks(&sessions(), 10, &shape)
        );
    }

    #[test]
    fn interest_is_skewed_and_skips_breaks() {
        let s = sessions();
        let shape = CrowdShape {
            attendees: 5_000,
            ..CrowdShape::default()
        };
        let crowd = bookmarks(&s, 10, &shape);
        let mut counts = vec![0usize; s.len()];
        for list in &crowd {
            let mut sorted = list.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), list.len(), "no repeated bookmark");
            for &i in list {
                counts[i as usize] += 1;
            }
        }
        for (i, c) in counts.iter().enumerate() {
            if s[i].session_type == SessionType::Break {
                assert_eq!(*c, 0);
            }
        }
        let total: usize = counts.iter().sum();
        let mean = total as f64 / crowd.len() as f64;
        assert!((8.0..16.0).contains(&mean), "mean bookmarks {mean}");
        counts.sort_unstable_by(|a, b| b.cmp(a));
        let top_tenth: usize = counts[..30].iter().sum();
        assert!(
            top_tenth * 3 > total,
            "top 10% of sessions draw over a third: {top_tenth}/{total}"
        );
        let median = counts[counts.len() / 2];
        assert!(
            median * 5 < counts[0],
            "median {median} far below the top {}",
            counts[0]
        );
    }
}
