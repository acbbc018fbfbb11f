//! The binary as a user runs it.

use hallway_testkit::hallway_app::App;
use hallway_testkit::{TestDb, data_dir};
use std::process::{Command, Output};

fn hallway(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hallway"))
        .args(args)
        .current_dir(dir)
        .env_remove("HALLWAY_DATABASE")
        .env_remove("HALLWAY_CONFIG")
        .output()
        .expect("run hallway")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn kubecon_file(date: &str) -> String {
    data_dir()
        .join(format!("kubecon/kccnceu2026-sched-2026-{date}.ics"))
        .display()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_update_and_release() {
    for db in [TestDb::sqlite(), TestDb::postgres().await] {
        let dir = tempfile::tempdir().unwrap();
        let url = db.url.as_str();
        let first = hallway(
            dir.path(),
            &["--database", url, "import", &kubecon_file("03-03")],
        );
        assert!(first.status.success(), "{}", text(&first));
        assert!(
            text(&first).contains("Imported kccnceu2026 (KubeCon + CloudNativeCon Europe 2026)"),
            "{}",
            text(&first)
        );
        assert!(text(&first).contains("564 sessions"), "{}", text(&first));

        let second = hallway(
            dir.path(),
            &["--database", url, "import", &kubecon_file("03-22")],
        );
        assert!(second.status.success(), "{}", text(&second));
        assert!(
            text(&second).contains("Updated kccnceu2026"),
            "{}",
            text(&second)
        );
        assert!(text(&second).contains("596 sessions"), "{}", text(&second));
        assert!(
            text(&second)
                .contains("40 added, 8 removed, 58 moved in time, 81 moved room, 71 retitled"),
            "{}",
            text(&second)
        );

        let release = hallway(dir.path(), &["--database", url, "release"]);
        assert!(release.status.success(), "{}", text(&release));
        assert!(
            text(&release).contains("Released kccnceu2026 as release 1: 596 sessions"),
            "{}",
            text(&release)
        );
        let again = hallway(dir.path(), &["--database", url, "release"]);
        assert!(again.status.success(), "{}", text(&again));
        assert!(
            text(&again)
                .contains("Nothing changed in kccnceu2026 since release 1: no release made"),
            "{}",
            text(&again)
        );
        let forced = hallway(dir.path(), &["--database", url, "release", "--force"]);
        assert!(
            text(&forced).contains("as release 2: 596 sessions; 0 added"),
            "{}",
            text(&forced)
        );
    }
}

/// A file that would cancel most of the schedule is refused with the counts and the flag.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_that_removes_most_sessions_asks_first() {
    for db in [TestDb::sqlite(), TestDb::postgres().await] {
        let dir = tempfile::tempdir().unwrap();
        let url = db.url.as_str();
        let ics = std::fs::read_to_string(kubecon_file("03-22")).unwrap();
        // Cut after the 50th event: a file that is well-formed, but holds a twelfth of the sessions.
        let cut = ics.match_indices("END:VEVENT\r\n").nth(49).unwrap().0 + 12;
        let short = dir.path().join("short.ics");
        std::fs::write(&short, format!("{}END:VCALENDAR\r\n", &ics[..cut])).unwrap();
        let short = short.display().to_string();
        let full = hallway(
            dir.path(),
            &["--database", url, "import", &kubecon_file("03-22")],
        );
        assert!(full.status.success(), "{}", text(&full));

        let refused = hallway(dir.path(), &["--database", url, "import", &short]);
        assert!(!refused.status.success());
        assert!(
            text(&refused).contains("would cancel 546 of the 596 sessions of kccnceu2026 (and add 0); nothing was changed"),
            "{}",
            text(&refused)
        );
        assert!(
            text(&refused).contains("--allow-removals"),
            "{}",
            text(&refused)
        );
        let (app, orga) = App::open_as_operator(url).await.unwrap();
        let wip = app
            .work_in_progress(&orga, "kccnceu2026")
            .await
            .unwrap()
            .schedule;
        assert_eq!(wip.sessions.len(), 596);

        let allowed = hallway(
            dir.path(),
            &["--database", url, "import", &short, "--allow-removals"],
        );
        assert!(allowed.status.success(), "{}", text(&allowed));
        assert!(
            text(&allowed).contains("0 added, 546 removed"),
            "{}",
            text(&allowed)
        );
    }
}

/// The typo'd year of a real file, and a device that never ends, are refused at once.
#[test]
fn a_typo_year_and_an_endless_device_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ics = std::fs::read_to_string(kubecon_file("03-22")).unwrap();
    let at = ics.match_indices("DTSTART:2026").nth(300).unwrap().0;
    let line = ics[..at].matches('\n').count() + 1;
    let mut typo_text = ics.clone();
    typo_text.replace_range(at..at + 12, "DTSTART:2016");
    let typo = dir.path().join("typo.ics");
    std::fs::write(&typo, typo_text).unwrap();
    let out = hallway(dir.path(), &["import", &typo.display().to_string()]);
    assert!(!out.status.success());
    assert!(
        error_line(&out).contains(&format!("typo.ics: line {line}, DTSTART: 2016-")),
        "{}",
        text(&out)
    );
    assert!(
        error_line(&out).contains("is 10 years before the other 595 sessions"),
        "{}",
        text(&out)
    );

    let out = hallway(dir.path(), &["import", "/dev/zero"]);
    assert!(!out.status.success());
    assert!(
        error_line(&out).contains("/dev/zero: the file is")
            && error_line(&out).contains("Hallway imports schedules of up to 128 MB"),
        "{}",
        text(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_files_fail_on_one_line_and_change_nothing() {
    let db = TestDb::sqlite();
    let dir = tempfile::tempdir().unwrap();
    let ok = hallway(
        dir.path(),
        &["--database", &db.url, "import", &kubecon_file("03-03")],
    );
    assert!(ok.status.success(), "{}", text(&ok));
    let (app, orga) = App::open_as_operator(&db.url).await.unwrap();
    let before = app
        .work_in_progress(&orga, "kccnceu2026")
        .await
        .unwrap()
        .schedule;

    let full = std::fs::read(kubecon_file("03-22")).unwrap();
    let files: Vec<(&str, Vec<u8>, &str)> = vec![
        ("truncated.ics", full[..full.len() / 3].to_vec(), "line "),
        ("empty.ics", Vec::new(), "empty"),
        ("binary.ics", vec![0x00, 0xff, 0xfe, 0x13, 0x37], "line 1"),
        (
            "schedule.xml",
            b"<?xml version=\"1.0\"?>\n<schedule/>\n".to_vec(),
            "line 2, conference",
        ),
        (
            "truncated.xml",
            std::fs::read(data_dir().join("schedules/fosdem-2025.schedule.xml")).unwrap()
                [..100_000]
                .to_vec(),
            "truncated",
        ),
        (
            "impossible.json",
            std::fs::read_to_string(data_dir().join("schedules/33c3/schedule.json"))
                .unwrap()
                .replacen("2016-12-27T11:00:00+01:00", "2016-13-27T11:00:00+01:00", 1)
                .into_bytes(),
            "schedule.conference.days[0]",
        ),
        (
            "page.html",
            b"<html><body>hi</body></html>".to_vec(),
            "line 1",
        ),
    ];
    for (name, bytes, located) in files {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = hallway(
            dir.path(),
            &["--database", &db.url, "import", path.to_str().unwrap()],
        );
        assert!(!out.status.success(), "{name} must fail");
        let err = String::from_utf8_lossy(&out.stderr).trim().to_owned();
        assert_eq!(err.lines().count(), 1, "{name}: one line, got {err:?}");
        assert!(err.contains(name) && err.contains(located), "{name}: {err}");
    }
    // A 2 GB file (sparse: it takes no disk) is refused before it is read.
    let huge = dir.path().join("huge.ics");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(2 * 1024 * 1024 * 1024)
        .unwrap();
    let out = hallway(
        dir.path(),
        &["--database", &db.url, "import", huge.to_str().unwrap()],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("huge.ics") && err.contains("up to 128 MB"),
        "{err}"
    );
    let missing = hallway(
        dir.path(),
        &["--database", &db.url, "import", "no-such-file.ics"],
    );
    assert!(!missing.status.success() && text(&missing).contains("no-such-file.ics"));
    assert_eq!(
        app.work_in_progress(&orga, "kccnceu2026")
            .await
            .unwrap()
            .schedule,
        before
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_starts_fresh_each_time() {
    let dir = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let out = hallway(dir.path(), &["demo", "--no-serve", "--attendees", "500"]);
        assert!(out.status.success(), "{}", text(&out));
        let t = text(&out);
        assert!(t.contains("596 sessions"), "{t}");
        assert!(t.contains("Added 500 attendees"), "{t}");
        assert!(t.contains("as release 1"), "a fresh database each run: {t}");
    }
    let (app, _) = App::open_as_operator(&format!(
        "sqlite://{}",
        dir.path().join("hallway-demo.db").display()
    ))
    .await
    .unwrap();
    assert_eq!(app.attendee_count("kccnceu2026").await.unwrap(), 500);
}

#[test]
fn release_needs_an_edition() {
    let dir = tempfile::tempdir().unwrap();
    let out = hallway(dir.path(), &["release"]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("import a schedule first"),
        "{}",
        text(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_every_format_from_a_release_and_the_work_in_progress() {
    let db = TestDb::sqlite();
    let dir = tempfile::tempdir().unwrap();
    let url = db.url.as_str();
    let fosdem = data_dir().join("schedules/fosdem-2025.schedule.xml");
    let out = hallway(
        dir.path(),
        &["--database", url, "import", fosdem.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("(frab-xml): 943 sessions"),
        "{}",
        text(&out)
    );

    // Nothing is released yet: a release export says so, the work in progress exports.
    let out = hallway(
        dir.path(),
        &["--database", url, "export", "--format", "frab-xml"],
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("release"), "{}", text(&out));
    let out = hallway(
        dir.path(),
        &["--database", url, "export", "--format", "frab-xml", "--wip"],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("<version>work in progress</version>"));

    let out = hallway(dir.path(), &["--database", url, "release"]);
    assert!(out.status.success(), "{}", text(&out));
    for (format, marker) in [
        ("frab-xml", "<schedule>"),
        ("frab-json", "\"schedule\""),
        ("ical", "BEGIN:VCALENDAR"),
        ("csv", "guid,id,title"),
        ("submissions", "\"public_url\""),
    ] {
        let file = dir.path().join(format!("out.{format}"));
        let out = hallway(
            dir.path(),
            &[
                "--database",
                url,
                "--public-url",
                "https://fosdem.example.org",
                "export",
                "--edition",
                "fosdem-2025",
                "--format",
                format,
                "--release",
                "1",
                "-o",
                file.to_str().unwrap(),
            ],
        );
        assert!(out.status.success(), "{format}: {}", text(&out));
        let written = std::fs::read_to_string(&file).unwrap();
        assert!(written.contains(marker), "{format}");
        if format != "csv" {
            assert!(
                written.contains("https://fosdem.example.org/fosdem-2025/"),
                "{format}"
            );
        }
    }
    // A feed of one track, and refusals that name what was wrong.
    let out = hallway(
        dir.path(),
        &[
            "--database",
            url,
            "export",
            "--format",
            "ical",
            "--track",
            "rust",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let feed = String::from_utf8_lossy(&out.stdout);
    assert!(feed.contains("X-WR-CALNAME:FOSDEM 2025 · Rust"), "{feed}");
    assert!(feed.matches("BEGIN:VEVENT").count() > 10);
    for (args, says) in [
        (
            vec!["--format", "ical", "--track", "no-such-track"],
            "not found",
        ),
        (vec!["--format", "csv", "--track", "rust"], "only iCalendar"),
        (vec!["--format", "pdf"], "unknown format"),
        (vec!["--format", "ical", "--release", "7"], "release 7"),
    ] {
        let mut all = vec!["--database", url, "export"];
        all.extend(args);
        let out = hallway(dir.path(), &all);
        assert!(!out.status.success());
        assert!(text(&out).contains(says), "{says}: {}", text(&out));
    }
}

/// Asserts the run succeeded and printed `needle`; returns what it printed.
fn succeeds_saying(o: &Output, needle: &str) -> String {
    let t = text(o);
    assert!(o.status.success() && t.contains(needle), "{needle}: {t}");
    t
}

/// Asserts the run failed and said `needle`.
fn fails_saying(o: &Output, needle: &str) {
    let t = text(o);
    assert!(!o.status.success() && t.contains(needle), "{needle}: {t}");
}

/// The one line an error prints on standard error.
fn error_line(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .rfind(|l| l.starts_with("error: "))
        .unwrap_or_default()
        .to_owned()
}

fn last_line(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn cosplib_solve_writes_a_solution_evaluate_scores_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let cosplib = data_dir().join("cosplib");
    let instance = cosplib.join("instances/N2OR.xlsx").display().to_string();
    // The reference solution of the extended model scores what CoSPLib's checker gives it.
    let reference = cosplib
        .join("solutions/extended-N2ORSolution.xlsx")
        .display()
        .to_string();
    let out = hallway(
        dir.path(),
        &[
            "schedule",
            "evaluate",
            "--cosplib",
            &instance,
            "--solution",
            &reference,
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(last_line(&out), "objective 2");

    let out = hallway(
        dir.path(),
        &[
            "schedule",
            "solve",
            "--cosplib",
            &instance,
            "--iterations",
            "20000",
            "--seed",
            "4",
            "-o",
            "mine.xlsx",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let solved = last_line(&out);
    let n: i64 = solved
        .strip_prefix("objective ")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{}", text(&out)));
    assert!(n <= 2, "both references score 2: {n}");
    let out = hallway(
        dir.path(),
        &[
            "schedule",
            "evaluate",
            "--cosplib",
            &instance,
            "--solution",
            "mine.xlsx",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(last_line(&out), solved);
    assert!(!text(&out).contains("invalid:"), "{}", text(&out));

    // Not a spreadsheet: one line naming the file, and a failure.
    std::fs::write(dir.path().join("junk.xlsx"), b"not a zip").unwrap();
    let out = hallway(
        dir.path(),
        &[
            "schedule",
            "evaluate",
            "--cosplib",
            "junk.xlsx",
            "--solution",
            "mine.xlsx",
        ],
    );
    fails_saying(&out, "junk.xlsx");
    let out = hallway(
        dir.path(),
        &[
            "schedule",
            "solve",
            "--cosplib",
            &instance,
            "--time-limit",
            "5x",
        ],
    );
    fails_saying(&out, "unknown unit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schedule_solve_compare_pin_and_apply_on_the_demo_edition() {
    let dir = tempfile::tempdir().unwrap();
    let out = hallway(dir.path(), &["demo", "--no-serve", "--attendees", "1000"]);
    assert!(out.status.success(), "{}", text(&out));
    let db = "sqlite://hallway-demo.db";
    let (app, orga) = App::open_as_operator(&format!(
        "sqlite://{}",
        dir.path().join("hallway-demo.db").display()
    ))
    .await
    .unwrap();
    let movable = app.movable_sessions(&orga, "kccnceu2026").await.unwrap();
    let wip = app
        .work_in_progress(&orga, "kccnceu2026")
        .await
        .unwrap()
        .schedule;
    let uid = wip
        .sessions
        .iter()
        .find(|x| x.guid == movable[0])
        .and_then(|x| x.source_uid.clone())
        .unwrap();
    let released = app
        .latest_release(&wip.edition.slug)
        .await
        .unwrap()
        .unwrap();
    app.close().await;

    let out = hallway(dir.path(), &["--database", db, "schedule", "pin", &uid]);
    succeeds_saying(&out, "Pinned 1 sessions; 1 pinned in kccnceu2026");
    let out = hallway(
        dir.path(),
        &["--database", db, "schedule", "pin", "no-such-uid"],
    );
    fails_saying(&out, "no-such-uid");

    let out = hallway(
        dir.path(),
        &[
            "--database",
            db,
            "schedule",
            "solve",
            "--iterations",
            "30000",
            "--from-scratch",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains("Proposal 1 for kccnceu2026") && t.contains("0 rules broken"),
        "{t}"
    );

    let out = hallway(dir.path(), &["--database", db, "schedule", "compare"]);
    assert!(out.status.success(), "{}", text(&out));
    let t = text(&out);
    for row in [
        "bookmarks missed",
        "people over capacity",
        "lower bound",
        "sessions move",
    ] {
        assert!(t.contains(row), "{row}: {t}");
    }
    assert!(t.contains("attendees bookmarked both"), "{t}");

    let out = hallway(dir.path(), &["--database", db, "schedule", "apply"]);
    succeeds_saying(&out, "Applied proposal 1");
    let out = hallway(dir.path(), &["--database", db, "schedule", "compare"]);
    assert!(text(&out).contains("\n0 sessions move"), "{}", text(&out));
    // Applied, proposal 1 was solved on the version before: applying it again is refused, with
    // both versions and what to do, unless forced.
    let out = hallway(dir.path(), &["--database", db, "schedule", "apply"]);
    fails_saying(&out, "solve again, or apply it anyway (--force)");
    let line = error_line(&out);
    assert!(
        line.contains("proposal 1 was solved on version")
            && line.contains("which is now at version"),
        "{line}"
    );
    let out = hallway(
        dir.path(),
        &["--database", db, "schedule", "apply", "--force"],
    );
    succeeds_saying(&out, "Applied proposal 1");

    let (app, orga) = App::open_as_operator(&format!(
        "sqlite://{}",
        dir.path().join("hallway-demo.db").display()
    ))
    .await
    .unwrap();
    let after = app
        .work_in_progress(&orga, "kccnceu2026")
        .await
        .unwrap()
        .schedule;
    let pinned = |s: &hallway_testkit::domain::Schedule| {
        s.sessions
            .iter()
            .find(|x| x.guid == movable[0])
            .unwrap()
            .slots
            .clone()
    };
    assert_eq!(pinned(&after), pinned(&wip), "the pinned session stayed");
    assert_ne!(after, wip, "the proposal is in the work in progress");
    let release = app
        .latest_release(&wip.edition.slug)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        release.schedule, released.schedule,
        "and not in the release"
    );
    app.close().await;

    // A timetable made elsewhere is scored by the same evaluator.
    let out = hallway(
        dir.path(),
        &[
            "--database",
            db,
            "schedule",
            "problem",
            "-o",
            "problem.json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("problem.json")).unwrap()).unwrap();
    assert_eq!(file["sessions"].as_array().unwrap().len(), movable.len());
    std::fs::write(
        dir.path().join("current.json"),
        serde_json::to_vec(&file["current"]).unwrap(),
    )
    .unwrap();
    let out = hallway(
        dir.path(),
        &[
            "--database",
            db,
            "schedule",
            "score",
            "--placements",
            "current.json",
        ],
    );
    let t = succeeds_saying(&out, "people over capacity");
    assert!(last_line(&out).starts_with("cost "), "{t}");
    std::fs::write(dir.path().join("short.json"), b"[null]").unwrap();
    let out = hallway(
        dir.path(),
        &[
            "--database",
            db,
            "schedule",
            "score",
            "--placements",
            "short.json",
        ],
    );
    fails_saying(&out, "the timetable places 1 sessions");

    let out = hallway(dir.path(), &["--database", db, "schedule", "unpin", &uid]);
    assert!(text(&out).contains("0 pinned"), "{}", text(&out));
    let out = hallway(
        dir.path(),
        &["--database", db, "schedule", "capacity", "hall-12", "9000"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = hallway(
        dir.path(),
        &["--database", db, "schedule", "capacity", "nowhere", "10"],
    );
    fails_saying(&out, "nowhere");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_add_makes_the_first_organizer_who_sets_a_password_by_the_link() {
    let dir = tempfile::tempdir().unwrap();
    for db in [TestDb::sqlite(), TestDb::postgres().await] {
        let args = |extra: &[&'static str]| {
            let mut a = vec!["--database", db.url.as_str()];
            a.extend_from_slice(extra);
            a
        };
        fails_saying(
            &hallway(dir.path(), &args(&["user", "add", "ada@example.org"])),
            "--organizer",
        );
        fails_saying(
            &hallway(dir.path(), &args(&["user", "add", "--organizer", "ada"])),
            "e-mail address: has no @",
        );
        let out = hallway(
            dir.path(),
            &args(&[
                "--public-url",
                "https://hallway.example.org",
                "user",
                "add",
                "--organizer",
                "Ada@Example.org",
            ]),
        );
        let said = succeeds_saying(&out, "Ada@Example.org is a site organizer");
        let at = said
            .find("https://hallway.example.org/account/reset?token=")
            .expect("the link");
        let token: String = said[at..]
            .split('=')
            .nth(1)
            .unwrap()
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .collect();

        // The link sets the password; the organizer may then organize any edition.
        let (app, _) = App::open_as_operator(&db.url).await.unwrap();
        app.reset_password(&token, "a long organizer password")
            .await
            .unwrap();
        let login = app
            .log_in("ada@example.org", "a long organizer password", None)
            .await
            .unwrap();
        assert!(login.viewer.is_site_organizer());
        app.orga_ctx(&login.viewer, "any-edition").await.unwrap();
        // Running it again keeps the one account and sends a new link.
        let again = hallway(
            dir.path(),
            &args(&["user", "add", "--organizer", "ada@example.org"]),
        );
        succeeds_saying(&again, "is a site organizer");
        app.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_grant_gives_roles_per_edition_and_event() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::sqlite();
    let run = |args: &[&str]| {
        let mut a = vec!["--database", db.url.as_str()];
        a.extend_from_slice(args);
        hallway(dir.path(), &a)
    };
    succeeds_saying(&run(&["import", &kubecon_file("03-22")]), "kccnceu2026");
    let (app, orga) = App::open_as_operator(&db.url).await.unwrap();
    app.sign_up("rev@example.org", "a reviewer's password")
        .await
        .unwrap();
    let wip = app
        .work_in_progress(&orga, "kccnceu2026")
        .await
        .unwrap()
        .schedule;
    let event = wip.events[0].slug.to_string();
    let track = wip.tracks[0].slug.to_string();

    fails_saying(
        &run(&["user", "grant", "rev@example.org", "--role", "admin"]),
        "use organizer, co-chair, reviewer, speaker or attendee",
    );
    fails_saying(
        &run(&[
            "user",
            "grant",
            "rev@example.org",
            "--role",
            "speaker",
            "--tracks",
            &track,
        ]),
        "tracks are for co-chairs and reviewers",
    );
    fails_saying(
        &run(&["user", "grant", "nobody@example.org", "--role", "attendee"]),
        "an account for nobody@example.org not found",
    );
    let out = run(&[
        "user",
        "grant",
        "rev@example.org",
        "--role",
        "reviewer",
        "--event",
        &event,
        "--tracks",
        &track,
    ]);
    succeeds_saying(
        &out,
        &format!("rev@example.org is a reviewer of kccnceu2026/{event}"),
    );
    app.close().await;
}

/// `hallway recordings import`: a file with a bad row changes nothing and names the line;
/// the fixed file imports, and the release's session data carries it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recordings_import_takes_a_whole_file_or_nothing() {
    let db = TestDb::sqlite();
    let dir = tempfile::tempdir().unwrap();
    let url = db.url.as_str();
    let imported = hallway(
        dir.path(),
        &["--database", url, "import", &kubecon_file("03-22")],
    );
    assert!(imported.status.success(), "{}", text(&imported));
    let (app, orga) = App::open_as_operator(url).await.unwrap();
    let wip = app
        .work_in_progress(&orga, "kccnceu2026")
        .await
        .unwrap()
        .schedule;
    let (a, b) = (wip.sessions[0].guid, wip.sessions[1].guid);
    let file = dir.path().join("recordings.csv");
    std::fs::write(
        &file,
        format!("session,url,offset\n{a},https://www.youtube.com/watch?v=d1,14609\n{b},https://www.youtube.com/watch?v=d1,1:02:03:04\n"),
    )
    .unwrap();
    let path = file.display().to_string();
    let refused = hallway(
        dir.path(),
        &[
            "--database",
            url,
            "recordings",
            "import",
            &path,
            "--edition",
            "kccnceu2026",
        ],
    );
    fails_saying(&refused, "recordings.csv: line 3, offset:");
    let slug = hallway_testkit::domain::Slug::parse("kccnceu2026").unwrap();
    assert!(app.recordings(&slug).await.unwrap().is_empty());

    std::fs::write(
        &file,
        format!("session,url,offset\n{a},https://www.youtube.com/watch?v=d1,14609\n{b},https://www.youtube.com/watch?v=d1,1:02:03\n"),
    )
    .unwrap();
    let done = hallway(
        dir.path(),
        &[
            "--database",
            url,
            "recordings",
            "import",
            &path,
            "--edition",
            "kccnceu2026",
        ],
    );
    succeeds_saying(&done, "2 sessions got their recordings");
    let got = app.recordings(&slug).await.unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(got[&b].offset, 3723);
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unconference_plan_prints_the_plan_and_publishes_it() {
    use hallway_testkit::hallway_app::BoardForm;
    let db = TestDb::sqlite();
    let app = db.app().await;
    let store = db.store().await;
    let edition = hallway_testkit::released_kubecon_sample(&app).await;
    let orga = hallway_testkit::operator();
    let (events, rooms) = app.unconference_choices(&orga, &edition).await.unwrap();
    let wip = app
        .work_in_progress(&orga, &edition)
        .await
        .unwrap()
        .schedule;
    let form = BoardForm {
        event: events[0].0.clone(),
        day: wip.edition.start_date.to_string(),
        times: "10:00 11:00".into(),
        minutes: "30".into(),
        rooms: vec![(rooms[0].slug.clone(), "20".into())],
        cutoff: "2099-01-01T09:00".into(),
    };
    app.open_unconference(&orga, &edition, &form).await.unwrap();
    let people = hallway_testkit::quick_accounts(&app, &store, "cli", 2).await;
    for (who, title) in people.iter().zip(["Docs sprint", "Release team"]) {
        let id = app
            .propose_unconference_topic(who, &edition, title, "")
            .await
            .unwrap();
        app.vote_unconference_topic(who, &edition, id, true)
            .await
            .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let url = db.url.as_str();
    let plan = hallway(
        dir.path(),
        &["--database", url, "unconference", "plan", &edition],
    );
    let out = succeeds_saying(&plan, "2 topics placed; 0 voters beyond their room's seats");
    assert!(
        out.contains("Docs sprint") && out.contains("1 vote\t"),
        "{out}"
    );
    let published = hallway(
        dir.path(),
        &[
            "--database",
            url,
            "unconference",
            "plan",
            &edition,
            "--publish",
        ],
    );
    let out = succeeds_saying(&published, "Released version 3:");
    assert!(out.contains("added: Release team"), "{out}");
    let again = hallway(
        dir.path(),
        &[
            "--database",
            url,
            "unconference",
            "plan",
            &edition,
            "--publish",
        ],
    );
    fails_saying(&again, "nothing changed since release 3");
    let unknown = hallway(
        dir.path(),
        &["--database", url, "unconference", "plan", "nope"],
    );
    fails_saying(&unknown, "nope");
}
