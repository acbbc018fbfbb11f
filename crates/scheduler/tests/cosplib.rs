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

/// reference_objectives.csv: instance, model, objective, and the parts its violations sheet
/// lists (`Tracks|Sessions=400; Consecutive Tracks=240`).
#[test]
fn reference_objectives_are_reproduced() {
    let csv = String::from_utf8(data("reference_objectives.csv")).unwrap();
    let mut exact = 0;
    for line in csv.lines().skip(1) {
        let cols: Vec<&str> = line.splitn(4, ',').collect();
        let (name, model) = (cols[0], cols[1]);
        let objective: i64 = cols[2].parse().unwrap();
        let parts: i64 = cols[3]
            .split(';')
            .filter_map(|p| p.split_once('='))
            .map(|(_, v)| v.trim().parse::<i64>().unwrap())
            .sum();
        let inst = instance(name);
        let file = format!(
            "solutions/{}-{name}Solution.xlsx",
            model.trim_end_matches("_model")
        );
        let tt = solution::read(&inst, &data(&file), &file).unwrap();
        assert_eq!(violations(&inst, &tt), Vec::<String>::new(), "{file}");
        let total = evaluate(&inst, &tt).total();
        // Every part the reference lists is reproduced.
        assert_eq!(total, parts, "{file}: the parts its violations sheet lists");
        if objective == parts {
            assert_eq!(total, objective, "{file}");
            exact += 1;
        } else {
            // OR60F's exact solution states 685 while its own parts sum to 664.
            assert_eq!(
                (name, model, objective - parts),
                ("OR60F", "exact_model", 21)
            );
        }
    }
    assert_eq!(
        exact, 8,
        "eight of the nine reference objectives, to the unit"
    );
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
    use hallway_scheduler::cosplib::Objective;
    use hallway_scheduler::cosplib::solve::{lower_bound, solve};
    let inst = instance("N2OR");
    let run = || {
        solve(
            &inst,
            Objective::Benchmark,
            7,
            2,
            Budget::iterations(20_000),
            &|_| {},
        )
        .unwrap()
    };
    let (tt, b) = run();
    assert_eq!(violations(&inst, &tt), Vec::<String>::new());
    assert_eq!(evaluate(&inst, &tt), b);
    // The exact model's reference is 20, the extended model's 1.
    assert!(b.total() <= 20, "{}", b.total());
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
