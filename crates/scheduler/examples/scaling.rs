//! How solve time grows with the conference: for each size, the time a solve needs to come
//! within 5% of what a long solve reaches. Run by bench/scheduler.sh:
//!
//!     cargo run --release -p hallway-scheduler --example scaling -- [LONG_SECONDS] [SIZES...]
//!
//! Prints one tab-separated line per size: sessions, rooms, attendees, the long solve's cost,
//! conflicts and overflow, the bound's cost, and the shortest budget (seconds, doubling from 1)
//! that reached the target, or `-` when none below the long budget did.

use hallway_scheduler::anneal::{Budget, available_threads};
use hallway_scheduler::solve::solve;
use hallway_scheduler::synthetic::{Shape, generate};
use std::time::Duration;

fn main() {
    let mut args = std::env::args().skip(1);
    let long: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(64);
    let sizes: Vec<usize> = args.filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() {
        vec![150, 600, 2400]
    } else {
        sizes
    };
    let threads = available_threads();
    for n in sizes {
        let p = generate(Shape::conference(n, 1));
        let run = |seconds: u64| {
            solve(
                &p,
                None,
                1,
                threads,
                Budget::time(Duration::from_secs(seconds)),
                &|_| {},
            )
            .expect("synthetic problems are feasible")
        };
        let best = run(long);
        let target = best.cost + best.cost / 20;
        let mut reached = "-".to_owned();
        let mut budget = 1;
        while budget < long {
            if run(budget).cost <= target {
                reached = budget.to_string();
                break;
            }
            budget *= 2;
        }
        println!(
            "{n}\t{}\t{}\t{}\t{}\t{}\t{}\t{reached}",
            p.rooms.len(),
            p.attendees.len(),
            best.cost,
            best.breakdown.conflicts,
            best.breakdown.overflow,
            best.bound_cost,
        );
    }
}
