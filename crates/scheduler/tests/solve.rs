//! Solving conference problems: rules kept, pins respected, seeds repeat, clashes named.

use hallway_scheduler::anneal::Budget;
use hallway_scheduler::bound::lower_bound;
use hallway_scheduler::error::SchedError;
use hallway_scheduler::eval::Evaluator;
use hallway_scheduler::model::{Placement, Problem};
use hallway_scheduler::solve::{check_feasible, construct, solve};
use hallway_scheduler::synthetic::{Shape, generate};

fn run(
    p: &Problem,
    start: Option<Vec<Option<Placement>>>,
    seed: u64,
) -> hallway_scheduler::solve::Solution {
    solve(p, start, seed, 2, Budget::iterations(40_000), &|_| {}).expect("feasible")
}

#[test]
fn a_solve_keeps_every_rule_improves_on_the_greedy_start_and_repeats_for_its_seed() {
    let p = generate(Shape::conference(150, 3));
    let greedy = Evaluator::new(&p, construct(&p)).report();
    assert_eq!(greedy.hard, 0, "the greedy start keeps the rules");
    let s = run(&p, None, 5);
    assert_eq!(s.breakdown.hard, 0);
    assert!(
        Evaluator::new(&p, s.placement.clone())
            .violations()
            .is_empty()
    );
    assert!(
        s.placement.iter().all(Option::is_some),
        "every session placed"
    );
    assert!(
        s.cost < greedy.cost(&p.weights),
        "{} not below the greedy {}",
        s.cost,
        greedy.cost(&p.weights)
    );
    assert_eq!(
        s.breakdown,
        Evaluator::new(&p, s.placement.clone()).report()
    );
    // The bound holds penalty by penalty.
    let b = lower_bound(&p);
    assert!(b.conflicts <= s.breakdown.conflicts && b.overflow <= s.breakdown.overflow);
    assert!(s.bound_cost <= s.cost);
    let again = run(&p, None, 5);
    assert_eq!(
        again.placement, s.placement,
        "same seed, same budget, same timetable"
    );
}

#[test]
fn pinned_sessions_stay_where_they_are_pinned() {
    let mut p = generate(Shape::conference(90, 8));
    let start = construct(&p);
    for s in [0, 7, 21] {
        p.sessions[s].pinned = start[s];
    }
    let solution = run(&p, None, 2);
    for s in [0, 7, 21] {
        assert_eq!(solution.placement[s], start[s]);
    }
    assert_eq!(solution.breakdown.hard, 0);
}

#[test]
fn staying_close_moves_fewer_sessions_than_starting_afresh() {
    let mut p = generate(Shape::conference(90, 4));
    let given = construct(&p);
    let afresh = run(&p, Some(given.clone()), 1);
    let moved = |pl: &[Option<Placement>]| given.iter().zip(pl).filter(|(a, b)| a != b).count();
    p.reference = Some(given.clone());
    p.weights.change = 500;
    let close = run(&p, Some(given.clone()), 1);
    assert_eq!(close.breakdown.changes, moved(&close.placement) as i64);
    assert!(
        moved(&close.placement) < moved(&afresh.placement),
        "{} moved staying close, {} afresh",
        moved(&close.placement),
        moved(&afresh.placement)
    );
}

#[test]
fn a_speaker_pinned_twice_at_once_is_named() {
    let mut p = generate(Shape::conference(60, 2));
    for x in &mut p.sessions {
        x.pinned = None;
    }
    // Two talks of the same length, pinned side by side in two rooms, sharing a speaker.
    let talks: Vec<usize> = (0..p.sessions.len())
        .filter(|&s| p.sessions[s].kind == 1)
        .collect();
    let (a, b) = (talks[0], talks[1]);
    p.sessions[b].minutes = p.sessions[a].minutes;
    p.sessions[b].days = p.sessions[a].days.clone();
    let speaker = p.sessions[a].speakers[0];
    p.sessions[b].speakers = vec![speaker];
    let here = p.candidates(a)[0];
    let there = p
        .candidates(b)
        .into_iter()
        .find(|c| c.day == here.day && c.start == here.start && c.room != here.room)
        .expect("a room beside it");
    p.sessions[a].pinned = Some(here);
    p.sessions[b].pinned = Some(there);
    let err = check_feasible(&p).unwrap_err();
    let SchedError::Infeasible(clashes) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(clashes.len(), 1, "{clashes:?}");
    let when = format!(
        "{} {:02}:{:02}",
        p.days[here.day].label,
        here.start / 60,
        here.start % 60
    );
    assert_eq!(
        clashes[0],
        format!(
            "{} speaks in {:?} and {:?}, both pinned at {when}",
            p.speakers[speaker].name, p.sessions[a].name, p.sessions[b].name
        )
    );
    // The solve refuses rather than returning a timetable that breaks the pin.
    assert!(solve(&p, None, 1, 1, Budget::iterations(100), &|_| {}).is_err());
}

#[test]
fn more_sessions_than_room_time_is_refused_with_the_figures() {
    let mut p = generate(Shape::conference(60, 2));
    p.days.truncate(1);
    p.rooms.truncate(2);
    for x in &mut p.sessions {
        x.days = None;
        x.pinned = None;
    }
    let err = check_feasible(&p).unwrap_err().to_string();
    assert!(
        err.contains("need") && err.contains("room-minutes") && err.contains("Room 1, Room 2"),
        "{err}"
    );
}

#[test]
fn more_keynotes_than_the_keynote_hall_can_hold_are_named_with_its_hours() {
    let mut p = generate(Shape::conference(150, 2));
    // Room 1 alone hosts keynotes: 3 days of 7½ open hours. Make 45 more keynotes.
    let mut made = 0;
    for x in p.sessions.iter_mut().filter(|x| x.pinned.is_none()) {
        if made < 45 {
            x.kind = 0;
            x.minutes = 30;
            made += 1;
        }
    }
    let keynotes = p.sessions.iter().filter(|x| x.kind == 0);
    let (count, minutes) = (
        keynotes.clone().count(),
        keynotes.map(|x| i64::from(x.minutes)).sum::<i64>(),
    );
    let err = check_feasible(&p).unwrap_err().to_string();
    assert!(
        err.contains(&format!("need {minutes} room-minutes"))
            && err.contains("(Room 1) offer 1350"),
        "{err}"
    );
    // The talks are not part of the clash: only the keynotes are named.
    assert!(err.starts_with(&format!("{count} sessions")), "{err}");
}

#[test]
fn a_pin_to_a_room_that_does_not_exist_is_invalid_not_a_panic() {
    let mut p = generate(Shape::conference(60, 2));
    p.sessions[3].pinned = Some(Placement {
        room: 99,
        day: 0,
        start: 600,
    });
    let err = check_feasible(&p).unwrap_err();
    assert!(matches!(err, SchedError::Invalid(_)), "{err:?}");
}

#[test]
fn a_session_that_fits_nowhere_says_why() {
    let mut p = generate(Shape::conference(60, 2));
    p.sessions[4].minutes = 24 * 60;
    let err = check_feasible(&p).unwrap_err().to_string();
    assert!(
        err.contains(&format!(
            "{:?} fits nowhere: 1440 minutes",
            p.sessions[4].name
        )),
        "{err}"
    );
}

#[test]
fn the_overflow_bound_counts_audiences_no_room_can_seat() {
    use hallway_scheduler::model::*;
    let day = Day {
        label: "d".into(),
        starts: vec![600, 630],
        end: 660,
        breaks: vec![],
    };
    let room = |name: &str, capacity| Room {
        name: name.into(),
        capacity: Some(capacity),
        kinds: None,
        available: None,
    };
    let talk = |name: &str, audience| Session {
        name: name.into(),
        minutes: 30,
        kind: 1,
        track: None,
        speakers: vec![],
        audience,
        days: None,
        pinned: None,
    };
    let p = Problem {
        days: vec![day],
        rooms: vec![room("big", 400), room("small", 100)],
        sessions: vec![
            talk("a", 500),
            talk("b", 450),
            talk("c", 120),
            talk("d", 90),
        ],
        speakers: vec![],
        attendees: vec![],
        reference: None,
        weights: Weights::default(),
    };
    // The two big talks take the big room (100 + 50 over), the others the small one (20 over).
    assert_eq!(lower_bound(&p).overflow, 170);
    let s = run(&p, None, 1);
    assert_eq!(s.breakdown.overflow, 170, "the bound is reached here");
}

#[test]
fn the_bound_never_exceeds_a_timetable_that_keeps_the_rules() {
    for seed in 0..6 {
        let p = generate(Shape::conference(60 + 30 * seed as usize, seed));
        let greedy = Evaluator::new(&p, construct(&p)).report();
        let b = lower_bound(&p);
        assert_eq!(greedy.hard, 0);
        assert!(
            b.overflow <= greedy.overflow,
            "seed {seed}: {b:?} {greedy:?}"
        );
        assert!(b.conflicts <= greedy.conflicts && b.preference <= greedy.preference);
    }
}
