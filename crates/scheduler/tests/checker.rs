//! CoSPLib's official checker as the oracle: on every instance of data/cosplib, the reference
//! solutions, random timetables (faithful ones, and ones that break order, room, chair and
//! track rules) and the optimizer's own solutions score the same in Hallway and in the checker,
//! term by term, and every solution Hallway writes loads in the checker.
//!
//! The checker is run unchanged from `../shared/tools/cosplib` beside the repository (or
//! `HALLWAY_COSPLIB_CHECKER`), with the Python of `tests/cosplib/.venv` that `scripts/test.sh`
//! installs. Without them the test is skipped, except under `CI=true`, where it fails.

use hallway_scheduler::anneal::Budget;
use hallway_scheduler::cosplib::solve::{decode, solve};
use hallway_scheduler::cosplib::{Instance, Timetable, all_scheduled, evaluate, solution, valid};
use hallway_scheduler::rng::Rng;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const RANDOM_PER_INSTANCE: usize = 24;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The checker's folder and the Python to run it with, when both are there.
fn checker() -> Option<(PathBuf, PathBuf)> {
    let dirs = [
        std::env::var_os("HALLWAY_COSPLIB_CHECKER").map(PathBuf::from),
        Some(repo().join("../shared/tools/cosplib")),
    ];
    let dir = dirs
        .into_iter()
        .flatten()
        .find(|d| d.join("solution.py").is_file())?;
    let python = repo().join("tests/cosplib/.venv/bin/python");
    python.is_file().then_some((dir, python))
}

fn data(path: &str) -> Vec<u8> {
    let p = repo().join("data/cosplib").join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn instance_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo().join("data/cosplib/instances"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "xlsx"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// What the checker said of one solution.
#[derive(Debug)]
struct Verdict {
    loaded: bool,
    error: String,
    all_scheduled: bool,
    valid: bool,
    terms: BTreeMap<String, i64>,
    objective: i64,
}

fn run_checker(checker: &(PathBuf, PathBuf), instance: &Path, files: &[PathBuf]) -> Vec<Verdict> {
    let (dir, python) = checker;
    let out = Command::new(python)
        .arg(repo().join("tests/cosplib/score.py"))
        .arg(dir)
        .arg(instance)
        .args(files)
        .output()
        .expect("run the checker");
    assert!(
        out.status.success(),
        "the checker failed on {}: {}",
        instance.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            Verdict {
                loaded: v["loaded"].as_bool().unwrap(),
                error: v["error"].as_str().unwrap_or_default().to_owned(),
                all_scheduled: v["all_submissions_scheduled"].as_bool().unwrap_or(false),
                valid: v["valid"].as_bool().unwrap_or(false),
                terms: v["terms"]
                    .as_object()
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| (k.clone(), v.as_i64().unwrap()))
                            .collect()
                    })
                    .unwrap_or_default(),
                objective: v["objective"].as_i64().unwrap_or(-1),
            }
        })
        .collect()
}

/// Free `(session, room, slot)` places in random order.
fn free_places(inst: &Instance, tt: &Timetable, rng: &mut Rng) -> Vec<(usize, usize, usize)> {
    let mut places: Vec<(usize, usize, usize)> = (0..inst.sessions.len())
        .flat_map(|s| {
            (0..inst.rooms.len())
                .flat_map(move |r| (0..inst.sessions[s].slots).map(move |k| (s, r, k)))
        })
        .filter(|&(s, r, k)| tt.cells[s][r][k].is_none())
        .collect();
    shuffle(&mut places, rng);
    places
}

fn shuffle<T>(items: &mut [T], rng: &mut Rng) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
}

/// Puts every submission not yet placed into free slots: whole in one cell when it can, else
/// split over whatever is free, so that every timetable schedules every submission.
fn place_the_rest(inst: &Instance, tt: &mut Timetable, rng: &mut Rng) {
    let mut count = vec![0; inst.submissions.len()];
    for x in tt.cells.iter().flatten().flatten().flatten() {
        count[*x] += 1;
    }
    let mut missing: Vec<usize> = (0..inst.submissions.len())
        .filter(|&x| count[x] < inst.submissions[x].slots)
        .collect();
    shuffle(&mut missing, rng);
    for x in missing {
        let need = inst.submissions[x].slots - count[x];
        let whole = free_places(inst, tt, rng).into_iter().find(|&(s, r, k)| {
            k + need <= inst.sessions[s].slots && (k..k + need).all(|j| tt.cells[s][r][j].is_none())
        });
        match whole {
            Some((s, r, k)) if rng.below(4) > 0 => {
                for j in k..k + need {
                    tt.cells[s][r][j] = Some(x);
                }
            }
            _ => {
                for (s, r, k) in free_places(inst, tt, rng).into_iter().take(need) {
                    tt.cells[s][r][k] = Some(x);
                }
            }
        }
    }
}

/// A random timetable that schedules every submission. `style` 0 keeps submissions in their
/// tracks' cells, whole (random layout and order: breaks order, room, similar-track, chair and
/// parallel rules); 1 also puts tracks on cells at random, empty ones included; 2 scatters
/// submissions anywhere, split or in another track's cell.
fn random_timetable(inst: &Instance, style: usize, rng: &mut Rng) -> Timetable {
    let (sessions, rooms) = (inst.sessions.len(), inst.rooms.len());
    let mut tt = if style < 2 {
        let mut cells: Vec<(usize, usize)> = (0..sessions)
            .flat_map(|s| (0..rooms).map(move |r| (s, r)))
            .collect();
        shuffle(&mut cells, rng);
        let mut layout = vec![vec![None; rooms]; sessions];
        let mut tracks: Vec<usize> = (0..inst.tracks.len()).collect();
        shuffle(&mut tracks, rng);
        let mut next = cells.into_iter();
        for &t in &tracks {
            let need: usize = inst.tracks[t]
                .submissions
                .iter()
                .map(|&x| inst.submissions[x].slots)
                .sum();
            let mut got = 0;
            while got < need {
                let Some((s, r)) = next.next() else { break };
                layout[s][r] = Some(t);
                got += inst.sessions[s].slots;
            }
        }
        let sequences: Vec<Vec<usize>> = inst
            .tracks
            .iter()
            .map(|t| {
                let mut seq = t.submissions.clone();
                shuffle(&mut seq, rng);
                seq
            })
            .collect();
        decode(inst, &layout, &sequences).0
    } else {
        Timetable::empty(inst)
    };
    place_the_rest(inst, &mut tt, rng);
    for s in 0..sessions {
        for r in 0..rooms {
            let first = tt.cells[s][r].iter().flatten().next().copied();
            let random = Some(rng.below(inst.tracks.len()));
            match style {
                0 => {
                    if tt.tracks[s][r].is_none() {
                        tt.tracks[s][r] = first.map(|x| inst.submissions[x].track);
                    }
                }
                1 => {
                    tt.tracks[s][r] = first.map(|x| inst.submissions[x].track);
                    if first.is_none() && rng.below(5) == 0 {
                        tt.tracks[s][r] = random;
                    }
                }
                _ => tt.tracks[s][r] = if rng.below(3) == 0 { None } else { random },
            }
        }
    }
    tt
}

/// Hallway's figures against the checker's, term by term.
fn assert_same(inst: &Instance, tt: &Timetable, verdict: &Verdict, what: &str) {
    assert!(
        verdict.loaded,
        "{what}: the checker cannot load it: {}",
        verdict.error
    );
    let b = evaluate(inst, tt);
    let ours: BTreeMap<String, i64> = b
        .components
        .iter()
        .map(|c| (c.name.to_owned(), c.value))
        .collect();
    assert_eq!(ours, verdict.terms, "{what}: the terms");
    assert_eq!(b.total(), verdict.objective, "{what}: the objective");
    assert_eq!(
        all_scheduled(inst, tt),
        verdict.all_scheduled,
        "{what}: feasible"
    );
    assert_eq!(valid(inst, tt), verdict.valid, "{what}: valid");
}

#[test]
fn every_timetable_scores_as_the_checker_scores_it() {
    let Some(checker) = checker() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CoSPLib's checker or tests/cosplib/.venv is missing: run ./scripts/test.sh"
        );
        eprintln!("skipped: CoSPLib's checker or tests/cosplib/.venv is missing");
        return;
    };
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cosplib-checker");
    std::fs::create_dir_all(&out).unwrap();
    let references: Vec<String> = std::fs::read_dir(repo().join("data/cosplib/solutions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut compared = 0;
    for name in instance_names() {
        let path = repo().join(format!("data/cosplib/instances/{name}.xlsx"));
        let inst = Instance::read(&data(&format!("instances/{name}.xlsx")), &name).unwrap();
        // (what, timetable, file the checker reads)
        let mut cases: Vec<(String, Timetable, PathBuf)> = Vec::new();
        for file in references
            .iter()
            .filter(|f| f.ends_with(&format!("-{name}Solution.xlsx")))
        {
            let tt = solution::read(&inst, &data(&format!("solutions/{file}")), file).unwrap();
            cases.push((
                file.clone(),
                tt,
                repo().join("data/cosplib/solutions").join(file),
            ));
        }
        let mut rng = Rng::new(name.len() as u64 * 7919 + 1);
        for i in 0..RANDOM_PER_INSTANCE {
            let tt = random_timetable(&inst, i % 3, &mut rng);
            assert!(
                all_scheduled(&inst, &tt),
                "{name} random {i} schedules everything"
            );
            cases.push((
                format!("{name} random {i} (style {})", i % 3),
                tt,
                PathBuf::new(),
            ));
        }
        let (tt, _) = solve(&inst, 1, 1, Budget::iterations(400), &|_| {}).unwrap();
        cases.push((format!("{name} optimized"), tt, PathBuf::new()));
        // Hallway writes what the checker reads, except the references, read as published.
        for (i, (what, tt, file)) in cases.iter_mut().enumerate() {
            if file.as_os_str().is_empty() {
                *file = out.join(format!("{name}-{i}.xlsx"));
                let bytes = solution::write(&inst, tt, &evaluate(&inst, tt)).unwrap();
                std::fs::write(&*file, bytes).unwrap();
                let back = solution::read(&inst, &std::fs::read(&*file).unwrap(), what).unwrap();
                assert_eq!(&back, tt, "{what}: reads back as written");
            }
        }
        let files: Vec<PathBuf> = cases.iter().map(|c| c.2.clone()).collect();
        let verdicts = run_checker(&checker, &path, &files);
        assert_eq!(
            verdicts.len(),
            cases.len(),
            "{name}: one verdict per solution"
        );
        for ((what, tt, _), verdict) in cases.iter().zip(&verdicts) {
            assert_same(&inst, tt, verdict, what);
            compared += 1;
        }
    }
    assert!(
        compared >= 10 * (RANDOM_PER_INSTANCE + 1),
        "{compared} compared"
    );
    eprintln!("{compared} timetables scored identically by Hallway and the checker");
}
