//! Assigning reviewers to proposals: each proposal gets `per_proposal` reviewers, no reviewer
//! more than their cap, never one in conflict or outside their tracks, as an optimal assignment
//! (a min-cost flow) over bids, expertise and load. Assignments already made stay: a rerun after
//! late bids only adds what is missing. The same input gives the same assignment.
//!
//! Network: source → proposal (what it still needs) → reviewer (one unit, priced by the bid)
//! → sink through one unit edge per further review, each dearer than the last, so the work is
//! spread rather than piled on the cheapest reviewers.

use crate::flow::Flow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preference {
    Eager,
    Willing,
    /// No bid.
    Indifferent,
    NotWilling,
}

impl Preference {
    fn cost(self) -> i64 {
        match self {
            Preference::Eager => 0,
            Preference::Willing => 10,
            Preference::Indifferent => 20,
            Preference::NotWilling => 60,
        }
    }
}

/// What may be assigned: `allowed(proposal, reviewer)` is `None` when the reviewer must not
/// review it (a conflict, or a track they do not review), else their preference and whether the
/// proposal's track is one of their expertise.
pub struct Input<'a> {
    pub proposals: usize,
    pub reviewers: usize,
    pub per_proposal: usize,
    /// Per reviewer (one each), the most reviews they take (existing ones included).
    pub caps: &'a [usize],
    pub allowed: &'a dyn Fn(usize, usize) -> Option<(Preference, bool)>,
    /// `(proposal, reviewer)` pairs already assigned: kept as they are.
    pub settled: &'a [(usize, usize)],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// New `(proposal, reviewer)` pairs, sorted.
    pub added: Vec<(usize, usize)>,
    /// `(proposal, reviewers it still lacks)` where no allowed reviewer had room.
    pub short: Vec<(usize, usize)>,
}

/// Expertise takes a bid one step closer to eager.
const EXPERTISE: i64 = 5;
/// Each further review of one reviewer costs this much more than the last.
const LOAD_STEP: i64 = 2;

pub fn assign(input: &Input<'_>) -> Assignment {
    let (p, r) = (input.proposals, input.reviewers);
    assert_eq!(input.caps.len(), r, "one cap per reviewer");
    let source = p + r;
    let sink = source + 1;
    let mut flow = Flow::new(p + r + 2);
    let mut have = vec![0usize; p];
    let mut load = vec![0usize; r];
    for &(x, y) in input.settled {
        have[x] += 1;
        load[y] += 1;
    }
    let mut wanted = 0;
    for (x, &h) in have.iter().enumerate() {
        let need = input.per_proposal.saturating_sub(h);
        if need > 0 {
            flow.edge(source, x, need as i64, 0.0);
            wanted += need;
        }
    }
    let mut candidates = Vec::new();
    for (x, &h) in have.iter().enumerate() {
        if h >= input.per_proposal {
            continue;
        }
        for y in 0..r {
            if input.settled.contains(&(x, y)) {
                continue;
            }
            if let Some((preference, expert)) = (input.allowed)(x, y) {
                let cost = preference.cost() + if expert { 0 } else { EXPERTISE };
                let e = flow.edge(x, p + y, 1, cost as f64);
                candidates.push((e, x, y));
            }
        }
    }
    for (y, &taken) in load.iter().enumerate() {
        for k in taken..input.caps[y] {
            flow.edge(p + y, sink, 1, (LOAD_STEP * k as i64) as f64);
        }
    }
    flow.min_cost_flow(source, sink, wanted as i64);
    let mut added: Vec<(usize, usize)> = candidates
        .into_iter()
        .filter(|&(e, _, _)| flow.carries(e))
        .map(|(_, x, y)| (x, y))
        .collect();
    added.sort_unstable();
    for &(x, _) in &added {
        have[x] += 1;
    }
    let short = have
        .iter()
        .enumerate()
        .filter(|&(_, &h)| h < input.per_proposal)
        .map(|(x, &h)| (x, input.per_proposal - h))
        .collect();
    Assignment { added, short }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn run(
        proposals: usize,
        reviewers: usize,
        per: usize,
        caps: &[usize],
        allowed: &dyn Fn(usize, usize) -> Option<(Preference, bool)>,
        settled: &[(usize, usize)],
    ) -> Assignment {
        assign(&Input {
            proposals,
            reviewers,
            per_proposal: per,
            caps,
            allowed,
            settled,
        })
    }

    #[test]
    fn bids_are_followed_and_conflicts_never_crossed() {
        // Reviewer 0 is eager for proposal 0 and in conflict with proposal 1.
        let allowed = |x: usize, y: usize| match (x, y) {
            (1, 0) => None,
            (0, 0) => Some((Preference::Eager, true)),
            _ => Some((Preference::Indifferent, true)),
        };
        let a = run(2, 3, 2, &[2, 2, 2], &allowed, &[]);
        assert!(a.added.contains(&(0, 0)));
        assert!(!a.added.contains(&(1, 0)));
        assert_eq!(a.added.len(), 4);
        assert!(a.short.is_empty());
    }

    #[test]
    fn settled_assignments_stay_and_count_toward_the_cap() {
        let allowed = |_: usize, _: usize| Some((Preference::Willing, true));
        let a = run(3, 2, 1, &[2, 2], &allowed, &[(0, 0), (1, 0)]);
        assert_eq!(
            a.added,
            [(2, 1)],
            "reviewer 0 is full with two settled reviews"
        );
    }

    #[test]
    fn a_proposal_without_enough_free_reviewers_is_reported_short() {
        let allowed = |x: usize, _: usize| (x == 0).then_some((Preference::Eager, true));
        let a = run(2, 2, 2, &[5, 5], &allowed, &[]);
        assert_eq!(a.short, [(1, 2)]);
    }

    #[test]
    fn load_is_spread() {
        let allowed = |_: usize, y: usize| {
            Some((
                if y == 0 {
                    Preference::Eager
                } else {
                    Preference::Willing
                },
                true,
            ))
        };
        let a = run(10, 2, 1, &[10, 10], &allowed, &[]);
        let first = a.added.iter().filter(|(_, y)| *y == 0).count();
        // Eager saves 10 a review; the load step makes the eighth review of one reviewer dearer.
        assert!((5..10).contains(&first), "{a:?}");
    }

    proptest! {
        #[test]
        fn never_conflicted_within_caps_and_repeatable(
            proposals in 1usize..12,
            reviewers in 1usize..8,
            per in 1usize..4,
            seed in any::<u64>(),
        ) {
            let bit = |x: usize, y: usize, salt: u64| {
                (seed ^ salt).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left((x * 7 + y * 13) as u32 % 64) & 1 == 1
            };
            let allowed = |x: usize, y: usize| {
                if bit(x, y, 1) && bit(x, y, 2) { return None; }
                let pref = [Preference::Eager, Preference::Willing, Preference::Indifferent, Preference::NotWilling][(x + y + seed as usize) % 4];
                Some((pref, bit(x, y, 3)))
            };
            let caps: Vec<usize> = (0..reviewers).map(|y| 1 + (seed as usize + y) % 4).collect();
            let a = run(proposals, reviewers, per, &caps, &allowed, &[]);
            let mut load = vec![0; reviewers];
            for &(x, y) in &a.added {
                prop_assert!(allowed(x, y).is_some(), "conflicted pair {:?}", (x, y));
                load[y] += 1;
            }
            for y in 0..reviewers {
                prop_assert!(load[y] <= caps[y]);
            }
            for x in 0..proposals {
                let got = a.added.iter().filter(|p| p.0 == x).count();
                let short = a.short.iter().find(|s| s.0 == x).map_or(0, |s| s.1);
                prop_assert_eq!(got + short, per);
            }
            prop_assert_eq!(run(proposals, reviewers, per, &caps, &allowed, &[]), a);
        }
    }
}
