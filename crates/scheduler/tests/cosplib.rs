//! The evaluator reproduces the CoSPLib reference solutions' objectives.

use hallway_scheduler::cosplib::{Instance, evaluate, solution, violations};
use std::path::PathBuf;

fn data(path: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/cosplib")
        .join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn instance(name: &str) -> Instance {
    Instance::read(&data(&format!("instances/{name}.xlsx")), name).unwrap()
}

/// reference_objectives.csv: instance, model, the official checker's objective, the objective
/// published with the solution (by an older scorer), and that scorer's parts.
#[test]
fn reference_solutions_score_what_the_checker_gives_them() {
    let csv = String::from_utf8(data("reference_objectives.csv")).unwrap();
    let mut scored = 0;
    for line in csv.lines().skip(1) {
        let cols: Vec<&str> = line.splitn(5, ',').collect();
        let (name, model) = (cols[0], cols[1]);
        let checker: i64 = cols[2].parse().unwrap();
        let inst = instance(name);
        let file = format!(
            "solutions/{}-{name}Solution.xlsx",
            model.trim_end_matches("_model")
        );
        let tt = solution::read(&inst, &data(&file), &file).unwrap();
        assert_eq!(violations(&inst, &tt), Vec::<String>::new(), "{file}");
        assert_eq!(evaluate(&inst, &tt).total(), checker, "{file}");
        scored += 1;
    }
    assert_eq!(scored, 9);
}

/// N2OR's names end in blanks ("S1 ", ...): kept as written, a solution loads in the checker.
#[test]
fn names_keep_their_blanks() {
    let inst = instance("OR60F");
    assert!(
        inst.tracks.iter().any(|t| t.name.ends_with(' '))
            || inst.submissions.iter().any(|s| s.name.ends_with(' '))
            || inst.sessions.iter().any(|s| s.name.ends_with(' '))
            || inst.rooms.iter().any(|r| r.ends_with(' ')),
        "OR60F has a name with a trailing blank"
    );
    let trimmed = inst
        .tracks
        .iter()
        .find(|t| t.name.ends_with(' '))
        .map(|t| t.name.trim_end().to_owned());
    if let Some(trimmed) = trimmed {
        assert_eq!(
            inst.track_index(&trimmed),
            None,
            "{trimmed:?} is not the track's name"
        );
    }
}

#[test]
fn a_written_solution_reads_back_and_scores_the_same() {
    let inst = instance("GECCO20");
    let file = "solutions/exact-GECCO20Solution.xlsx";
    let tt = solution::read(&inst, &data(file), file).unwrap();
    let b = evaluate(&inst, &tt);
    let bytes = solution::write(&inst, &tt, &b).unwrap();
    let back = solution::read(&inst, &bytes, "written.xlsx").unwrap();
    assert_eq!(back, tt);
    assert_eq!(evaluate(&inst, &back), b);
}

#[test]
fn malformed_instances_are_located_errors() {
    let err = Instance::read(b"not a zip", "bad.xlsx")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("bad.xlsx") && err.contains("not an .xlsx"),
        "{err}"
    );
    // A solution naming a submission the instance does not have.
    let inst = instance("N2OR");
    let other = "solutions/exact-GECCO20Solution.xlsx";
    let err = solution::read(&inst, &data(other), other)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("sheet \"sol\"") && err.contains("row 1"),
        "{err}"
    );
}

#[test]
fn a_short_solve_is_valid_repeats_for_its_seed_and_beats_the_reference() {
    use hallway_scheduler::anneal::Budget;
    use hallway_scheduler::cosplib::solve::{lower_bound, solve};
    let inst = instance("N2OR");
    let run = || solve(&inst, 7, 2, Budget::iterations(20_000), &|_| {}).unwrap();
    let (tt, b) = run();
    assert_eq!(violations(&inst, &tt), Vec::<String>::new());
    assert_eq!(evaluate(&inst, &tt), b);
    // Both references score 2 in the checker.
    assert!(b.total() <= 2, "{}", b.total());
    assert!(lower_bound(&inst) <= b.total());
    assert_eq!(run(), (tt, b), "same seed, same budget, same timetable");
}

#[test]
fn an_instance_that_cannot_fit_names_what_clashes() {
    use hallway_scheduler::cosplib::solve::check_feasible;
    let mut inst = instance("N2OR");
    inst.submissions[3].slots = 9;
    let err = check_feasible(&inst).unwrap_err().to_string();
    assert!(
        err.contains("NEW19A3754 needs 9 consecutive time slots but the longest session has 3"),
        "{err}"
    );
    inst.submissions[3].slots = 1;
    inst.rooms.truncate(1);
    let err = check_feasible(&inst).unwrap_err().to_string();
    assert!(
        err.contains("need 36 time slots") && err.contains("offer 9"),
        "{err}"
    );
}
