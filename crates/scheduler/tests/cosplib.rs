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
        let bound = hallway_scheduler::cosplib::solve::lower_bound(&inst);
        assert!(bound <= checker, "{file}: bound {bound} above {checker}");
        scored += 1;
    }
    assert_eq!(scored, 9);
}

/// N2OR needs all 36 of its room-slots, so each track fills its cells exactly. Big Data and
/// AI (5 slots) then takes a 2-slot cell and a 3-slot one, and every 3-slot cell is on Thursday
/// afternoon: either its sessions have a gap or NEW19A3728, who cannot present on Thursday,
/// presents then. The bound sees it; the per-track relaxations alone prove only 0.
#[test]
fn the_bound_sees_what_a_packed_instance_forces() {
    use hallway_scheduler::cosplib::solve::lower_bound;
    assert_eq!(lower_bound(&instance("N2OR")), 1);
    assert_eq!(lower_bound(&instance("GECCO20Poster")), 0);
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

/// The instance's workbook with `edit` applied to one of its parts (`xl/workbook.xml`, ...).
fn edited(name: &str, part: &str, edit: impl Fn(String) -> String) -> Vec<u8> {
    use std::io::{Read, Write};
    let bytes = data(&format!("instances/{name}.xlsx"));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        let mut body = Vec::new();
        file.read_to_end(&mut body).unwrap();
        if file.name() == part {
            body = edit(String::from_utf8(body).unwrap()).into_bytes();
        }
        out.start_file(file.name(), zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&body).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn an_instance_without_a_sheet_or_with_a_weight_that_is_no_number_is_a_located_error() {
    let missing = edited("N2OR", "xl/workbook.xml", |x| {
        x.replace("name=\"rooms\"", "name=\"chambers\"")
    });
    let err = Instance::read(&missing, "N2OR.xlsx")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("N2OR.xlsx") && err.contains("sheet \"rooms\"") && err.contains("missing"),
        "{err}"
    );
    // Row 9, column E: the consecutive-tracks weight (parameters is sheet1).
    let words = edited("N2OR", "xl/worksheets/sheet1.xml", |x| {
        x.replace(
            "<c r=\"E8\" s=\"5\"><v>1</v></c>",
            "<c r=\"E8\" t=\"inlineStr\"><is><t>ten</t></is></c>",
        )
    });
    let err = Instance::read(&words, "N2OR.xlsx").unwrap_err().to_string();
    assert!(
        err.contains("sheet \"parameters\"")
            && err.contains("row 8")
            && err.contains("column \"E (Consecutive Tracks:)\"")
            && err.contains("\"ten\""),
        "{err}"
    );
}

type Rename = Box<dyn Fn(&mut Instance)>;

/// A solution written for a copy of the instance with one name changed names what the
/// instance lacks; reading it back against the instance fails at that cell.
#[test]
fn a_solution_naming_what_the_instance_lacks_is_refused_at_its_cell() {
    let inst = instance("N2OR");
    let file = "solutions/extended-N2ORSolution.xlsx";
    let tt = solution::read(&inst, &data(file), file).unwrap();
    let b = evaluate(&inst, &tt);
    let t = tt.tracks[0].iter().position(Option::is_some).unwrap();
    let track = tt.tracks[0][t].unwrap();
    let x = tt.cells[0][t][0].unwrap();
    let cases: [(&str, Rename, String); 5] = [
        (
            "track",
            Box::new(move |i: &mut Instance| i.tracks[track].name = "No such track".into()),
            format!(
                "row 2, column \"{}\": \"No such track\" is not a track",
                (b'B' + t as u8) as char
            ),
        ),
        (
            "submission",
            Box::new(move |i: &mut Instance| i.submissions[x].name = "Nobody".into()),
            format!(
                "row 7, column \"{}\": \"Nobody\" is not a submission",
                (b'B' + t as u8) as char
            ),
        ),
        (
            "room",
            Box::new(|i: &mut Instance| i.rooms[1] = "Attic".into()),
            "row 1, column \"C\": \"Attic\" heads the column of room".to_owned(),
        ),
        (
            "session",
            Box::new(|i: &mut Instance| i.sessions[2].name = "Sat9".into()),
            "row 4, column \"A\": \"Sat9\" labels the row of session".to_owned(),
        ),
        (
            "trimmed name",
            Box::new(move |i: &mut Instance| {
                i.tracks[track].name = i.tracks[track].name.trim_end().to_owned();
            }),
            "is not a track".to_owned(),
        ),
    ];
    for (what, rename, expected) in cases {
        let mut other = inst.clone();
        rename(&mut other);
        if what == "trimmed name" && other.tracks[track].name == inst.tracks[track].name {
            continue;
        }
        let bytes = solution::write(&other, &tt, &b).unwrap();
        let err = solution::read(&inst, &bytes, "bad.xlsx")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("bad.xlsx: sheet \"sol\"") && err.contains(&expected),
            "{what}: {err}"
        );
    }
}
