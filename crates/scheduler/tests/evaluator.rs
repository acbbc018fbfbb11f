//! The incremental evaluator always agrees with a from-scratch evaluation.

use hallway_scheduler::eval::Evaluator;
use hallway_scheduler::model::Placement;
use hallway_scheduler::rng::Rng;
use hallway_scheduler::synthetic::{Shape, generate};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn delta_evaluation_matches_full_evaluation(seed in any::<u64>(), sessions in 8usize..60) {
        let mut p = generate(Shape {
            sessions,
            rooms: 3 + (seed % 4) as usize,
            days: 2,
            attendees: sessions * 8,
            bookmarks: 6,
            seed,
        });
        let mut rng = Rng::new(seed);
        // A reference schedule, preferences and a small track, so every penalty is exercised.
        let any = |rng: &mut Rng, p: &hallway_scheduler::model::Problem| Placement {
            room: rng.below(p.rooms.len()),
            day: rng.below(p.days.len()),
            start: p.days[0].starts[rng.below(p.days[0].starts.len())],
        };
        let reference = (0..p.sessions.len()).map(|_| Some(any(&mut rng, &p))).collect();
        p.reference = Some(reference);
        p.speakers[0].preferred = vec![hallway_scheduler::model::Window { day: 0, start: 0, end: 12 * 60 }];
        let start: Vec<Option<Placement>> = (0..p.sessions.len())
            .map(|s| p.sessions[s].pinned.or_else(|| (rng.below(5) > 0).then(|| any(&mut rng, &p))))
            .collect();
        let mut e = Evaluator::new(&p, start);
        for _ in 0..120 {
            let s = rng.below(p.sessions.len());
            let to = (rng.below(10) > 0).then(|| any(&mut rng, &p));
            e.set(s, to);
            let fresh = Evaluator::new(&p, e.placement().to_vec());
            prop_assert_eq!(e.totals(), fresh.totals());
        }
        prop_assert_eq!(e.report(), Evaluator::new(&p, e.placement().to_vec()).report());
    }
}

#[test]
fn three_bookmarks_at_once_are_two_missed_and_three_pairs() {
    use hallway_scheduler::model::*;
    let day = Day {
        label: "d".into(),
        starts: vec![600, 630],
        end: 720,
        breaks: vec![],
    };
    let room = |n: &str| Room {
        name: n.into(),
        capacity: Some(100),
        kinds: None,
        available: None,
    };
    let session = |n: &str| Session {
        name: n.into(),
        minutes: 30,
        kind: 1,
        track: None,
        speakers: vec![],
        audience: 1,
        days: None,
        pinned: None,
    };
    let p = Problem {
        days: vec![day],
        rooms: vec![room("a"), room("b"), room("c")],
        sessions: vec![session("x"), session("y"), session("z"), session("w")],
        speakers: vec![],
        attendees: vec![vec![0, 1, 2, 3]],
        reference: None,
        weights: Weights::default(),
    };
    let at = |room, start| {
        Some(Placement {
            room,
            day: 0,
            start,
        })
    };
    let e = Evaluator::new(&p, vec![at(0, 600), at(1, 600), at(2, 600), at(0, 630)]);
    let r = e.report();
    assert_eq!((r.conflicts, r.conflict_pairs, r.hard), (2, 3, 0));
}
