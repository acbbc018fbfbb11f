//! Simulated annealing over any neighbourhood, anytime and seeded, on as many threads as asked.

use crate::rng::Rng;
use std::time::{Duration, Instant};

/// A solution that can try a random change to itself.
pub trait Neighbourhood: Clone + Send {
    type Undo;
    fn cost(&self) -> i64;
    /// Applies a random change; returns how much the cost moved and what undoes it, or `None`
    /// when the drawn change was not possible.
    fn step(&mut self, rng: &mut Rng) -> Option<(i64, Self::Undo)>;
    fn undo(&mut self, undo: Self::Undo);
}

/// When to stop: whichever of the limits comes first. An iteration limit alone makes a run
/// repeat exactly for its seed.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub time: Option<Duration>,
    pub iterations: Option<u64>,
    /// A cost no solution can beat (a proven lower bound): reaching it ends the run.
    pub floor: Option<i64>,
}

impl Budget {
    pub fn time(d: Duration) -> Self {
        Self {
            time: Some(d),
            iterations: None,
            floor: None,
        }
    }

    pub fn iterations(n: u64) -> Self {
        Self {
            time: None,
            iterations: Some(n),
            floor: None,
        }
    }

    /// Stops as soon as a solution costs `floor`, which is then optimal.
    pub fn with_floor(self, floor: i64) -> Self {
        Self {
            floor: Some(floor),
            ..self
        }
    }

    /// How far along a run is, from 0 to 1.
    fn progress(&self, started: Instant, done: u64) -> f64 {
        let by_time = self
            .time
            .map(|t| started.elapsed().as_secs_f64() / t.as_secs_f64().max(1e-9));
        let by_count = self.iterations.map(|n| done as f64 / n.max(1) as f64);
        by_time.into_iter().chain(by_count).fold(0.0, f64::max)
    }
}

/// What a run reports while it goes.
#[derive(Debug, Clone, Copy)]
pub struct Report {
    pub thread: usize,
    pub iterations: u64,
    pub best: i64,
    pub progress: f64,
}

/// Temperatures from `hot` down to `cold`, geometrically over the run.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    pub hot: f64,
    pub cold: f64,
}

impl Schedule {
    /// Temperatures fitted to the neighbourhood: at first, a typical worsening move is taken
    /// about a third of the time; at the end, even the smallest one almost never.
    pub fn calibrate<N: Neighbourhood>(start: &N, seed: u64) -> Self {
        let mut probe = start.clone();
        let mut rng = Rng::new(seed ^ 0x5EED);
        let mut worse: Vec<i64> = Vec::new();
        for _ in 0..2_000 {
            if let Some((delta, undo)) = probe.step(&mut rng) {
                // Moves that break the timetable (huge deltas) say nothing about the scale.
                if delta > 0 && delta < 1_000_000 {
                    worse.push(delta);
                }
                probe.undo(undo);
            }
        }
        if worse.is_empty() {
            return Self {
                hot: 1.0,
                cold: 0.01,
            };
        }
        worse.sort_unstable();
        let typical = worse[worse.len() / 2] as f64;
        let smallest = worse[0] as f64;
        Self {
            hot: typical / (1.0f64 / 0.3).ln(),
            cold: (smallest / 10.0).min(typical / 1000.0).max(1e-3),
        }
    }
}

/// One annealing run from `start`; returns the best solution seen.
pub fn run<N: Neighbourhood>(
    start: N,
    seed: u64,
    budget: Budget,
    schedule: Schedule,
    thread: usize,
    report: &(dyn Fn(Report) + Sync),
) -> N {
    let mut rng = Rng::new(seed);
    let mut current = start;
    let mut best = current.clone();
    let started = Instant::now();
    let mut i: u64 = 0;
    let ratio = (schedule.cold / schedule.hot).max(1e-12);
    let mut temperature = schedule.hot;
    loop {
        // Checking the clock costs: every 256 steps is often enough.
        if i.is_multiple_of(256) {
            let p = budget.progress(started, i);
            if p >= 1.0 || budget.floor.is_some_and(|f| best.cost() <= f) {
                break;
            }
            temperature = schedule.hot * ratio.powf(p);
            if i.is_multiple_of(65_536) {
                report(Report {
                    thread,
                    iterations: i,
                    best: best.cost(),
                    progress: p,
                });
            }
        }
        i += 1;
        let Some((delta, undo)) = current.step(&mut rng) else {
            continue;
        };
        let accept = delta <= 0 || rng.unit() < (-(delta as f64) / temperature).exp();
        if !accept {
            current.undo(undo);
        } else if current.cost() < best.cost() {
            best = current.clone();
        }
    }
    report(Report {
        thread,
        iterations: i,
        best: best.cost(),
        progress: 1.0,
    });
    best
}

/// Runs on `threads` threads with seeds derived from `seed` and keeps the best result (the
/// lowest thread number on a tie, so that an iteration budget repeats exactly).
pub fn run_parallel<N: Neighbourhood>(
    start: &N,
    seed: u64,
    threads: usize,
    budget: Budget,
    schedule: Schedule,
    report: &(dyn Fn(Report) + Sync),
) -> N {
    let threads = threads.max(1);
    let results: Vec<N> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let s = start.clone();
                let seed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15u64.wrapping_mul(t as u64));
                scope.spawn(move || run(s, seed, budget, schedule, t, report))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    results
        .into_iter()
        .min_by_key(N::cost)
        .unwrap_or_else(|| start.clone())
}

/// Two cores unless the machine says otherwise.
pub fn available_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}
