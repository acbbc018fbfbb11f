//! Importing real Sched exports through the app, on both backends.

use hallway_store::ScheduleStore;
use hallway_testkit::hallway_app::{AppError, Force, ImportOptions};
use hallway_testkit::{TestDb, kubecon};

on_both_backends!(
    kubecon_update_is_an_update_with_the_real_change_set,
    bad_files_change_nothing,
    the_four_33c3_files_update_one_edition,
    every_real_schedule_imports_through_the_app,
    releasing_nothing_new_makes_no_release,
    a_schedule_no_page_could_show_is_not_released,
    a_save_on_a_stale_version_is_refused_naming_both_versions,
);

async fn kubecon_update_is_an_update_with_the_real_change_set(db: TestDb) {
    let app = db.app().await;
    let orga = hallway_testkit::operator();
    let first = app
        .import_schedule(
            &orga,
            "03-03.ics",
            &kubecon("03-03"),
            None,
            &ImportOptions::default(),
        )
        .await
        .unwrap();
    assert!(first.created);
    assert_eq!(first.edition.as_str(), "kccnceu2026");
    assert_eq!(first.counts.sessions, 564);

    let second = app
        .import_schedule(
            &orga,
            "03-22.ics",
            &kubecon("03-22"),
            None,
            &ImportOptions::default(),
        )
        .await
        .unwrap();
    assert!(!second.created);
    assert_eq!(second.counts.sessions, 596);
    let c = second.changes.counts();
    assert_eq!(
        (
            c.added,
            c.removed,
            c.moved_in_time,
            c.moved_room,
            c.retitled
        ),
        (40, 8, 58, 81, 71)
    );
    let wip = app
        .work_in_progress(&orga, "kccnceu2026")
        .await
        .unwrap()
        .schedule;
    assert_eq!(wip.sessions.len(), 596, "an update, not duplicates");
    assert_eq!(app.editions().await.unwrap().len(), 1);
}

async fn bad_files_change_nothing(db: TestDb) {
    let app = db.app().await;
    let orga = hallway_testkit::operator();
    app.import_schedule(
        &orga,
        "good.ics",
        &kubecon("03-03"),
        None,
        &ImportOptions::default(),
    )
    .await
    .unwrap();
    let before = app
        .work_in_progress(&orga, "kccnceu2026")
        .await
        .unwrap()
        .schedule;

    let full = kubecon("03-22");
    let mut late_error = String::from_utf8(full.clone()).unwrap();
    // The last event is broken: everything before it parsed, and still nothing may be stored.
    let at = late_error.rfind("DTSTART:").unwrap();
    late_error.replace_range(at..at + 16, "DTSTART:2026XX22");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("truncated.ics", full[..full.len() * 2 / 3].to_vec()),
        ("empty.ics", Vec::new()),
        ("binary.ics", vec![0, 159, 146, 150, 0, 1, 2, 255]),
        (
            "schedule.xml",
            b"<?xml version=\"1.0\"?>\n<schedule></schedule>\n".to_vec(),
        ),
        ("late.ics", late_error.into_bytes()),
    ];
    for (name, bytes) in cases {
        let err = app
            .import_schedule(&orga, name, &bytes, None, &ImportOptions::default())
            .await
            .unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, AppError::BadFile { .. }), "{name}: {msg}");
        assert!(msg.starts_with(name), "names the file: {msg}");
        assert!(!msg.contains('\n'), "one line: {msg}");
        assert_eq!(
            app.work_in_progress(&orga, "kccnceu2026")
                .await
                .unwrap()
                .schedule,
            before,
            "{name}"
        );
    }
}

fn data(path: &str) -> Vec<u8> {
    std::fs::read(hallway_testkit::data_dir().join(path)).unwrap()
}

async fn the_four_33c3_files_update_one_edition(db: TestDb) {
    let app = db.app().await;
    let orga = hallway_testkit::operator();
    let first = app
        .import_schedule(
            &orga,
            "schedule.xml",
            &data("schedules/33c3/schedule.xml"),
            None,
            &ImportOptions::default(),
        )
        .await
        .unwrap();
    assert!(first.created);
    assert_eq!(first.edition.as_str(), "33c3");
    let before = app.work_in_progress(&orga, "33c3").await.unwrap().schedule;
    // The JSON and the iCalendar carry the same GUIDs; xCal carries none and is matched by
    // its frab ids, in the edition's zone since it names none itself.
    for (file, path) in [
        ("schedule.json", "schedules/33c3/schedule.json"),
        ("schedule.ics", "schedules/33c3/schedule.ics"),
        ("schedule.xcal", "schedules/33c3/schedule.xcal"),
    ] {
        let opts = ImportOptions {
            edition: Some("33c3".parse().unwrap()),
            ..ImportOptions::default()
        };
        let out = app
            .import_schedule(&orga, file, &data(path), None, &opts)
            .await
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(!out.created, "{file}");
        let c = out.changes.counts();
        assert_eq!(
            (c.added, c.removed, c.moved_in_time, c.moved_room),
            (0, 0, 0, 0),
            "{file}: same sessions, same times, same rooms"
        );
        let now = app.work_in_progress(&orga, "33c3").await.unwrap().schedule;
        assert_eq!(now.sessions.len(), 150, "{file}: an update, not duplicates");
        let guids = |s: &hallway_testkit::domain::Schedule| {
            let mut g: Vec<_> = s.sessions.iter().map(|x| x.guid).collect();
            g.sort();
            g
        };
        assert_eq!(guids(&now), guids(&before), "{file}");
        // A file that does not name its edition leaves the edition's name alone.
        assert_eq!(
            now.edition.name, "33. Chaos Communication Congress",
            "{file}"
        );
    }
}

async fn every_real_schedule_imports_through_the_app(db: TestDb) {
    let app = db.app().await;
    let orga = hallway_testkit::operator();
    let zone = |tz: &str| ImportOptions {
        time_zone: Some(tz.to_owned()),
        ..ImportOptions::default()
    };
    for (path, opts, edition, count) in [
        (
            "schedules/fosdem-2025.schedule.xml",
            ImportOptions::default(),
            "fosdem-2025",
            943,
        ),
        (
            "schedules/debconf23.schedule.xml",
            ImportOptions::default(),
            "debconf23",
            117,
        ),
        (
            "kubecon/kccnceu2025-sessions.csv",
            zone("Europe/London"),
            "kccnceu2025",
            565,
        ),
        (
            "examples/pretalx-democon.json",
            ImportOptions::default(),
            "democon",
            36,
        ),
        (
            "examples/frab-camp2019.json",
            ImportOptions::default(),
            "camp2019",
            79,
        ),
    ] {
        let out = app
            .import_schedule(&orga, path, &data(path), None, &opts)
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(out.edition.as_str(), edition, "{path}");
        assert_eq!(out.counts.sessions, count, "{path}");
        let stored = app.work_in_progress(&orga, edition).await.unwrap().schedule;
        let slots: usize = stored.sessions.iter().map(|s| s.slots.len()).sum();
        assert_eq!(slots, count, "{path}: stored");
    }
}

async fn releasing_nothing_new_makes_no_release(db: TestDb) {
    let app = db.app().await;
    let orga = hallway_testkit::operator();
    let edition = hallway_testkit::released_kubecon(&app).await;
    let again = app.release(&orga, &edition, Force::OnlyIfChanged).await;
    assert!(matches!(again, Err(AppError::Unchanged(1))), "{again:?}");
    // Re-importing the same file changes nothing either.
    app.import_schedule(
        &orga,
        "again.ics",
        &kubecon("03-22"),
        None,
        &ImportOptions::default(),
    )
    .await
    .unwrap();
    let again = app.release(&orga, &edition, Force::OnlyIfChanged).await;
    assert!(matches!(again, Err(AppError::Unchanged(1))), "{again:?}");
    let forced = app.release(&orga, &edition, Force::Always).await.unwrap();
    assert_eq!((forced.number, forced.changes.is_empty()), (2, true));
}

async fn a_schedule_no_page_could_show_is_not_released(db: TestDb) {
    let app = db.app().await;
    let orga = hallway_testkit::operator();
    let out = app
        .import_schedule(
            &orga,
            "k.ics",
            &kubecon("03-22"),
            None,
            &ImportOptions::default(),
        )
        .await
        .unwrap();
    // What an import refuses, written straight into the store as an older version could have.
    let read = app
        .work_in_progress(&orga, out.edition.as_str())
        .await
        .unwrap();
    let mut wip = read.schedule;
    let slot = &mut wip.sessions[7].slots[0];
    slot.start = "0000-03-24T10:00:00Z".parse().unwrap();
    wip.edition.start_date = jiff::civil::date(0, 3, 24);
    db.store()
        .await
        .save_work_in_progress(&wip, read.version)
        .await
        .unwrap();
    let err = app
        .release(&orga, out.edition.as_str(), Force::Always)
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, AppError::OutOfBounds { .. }), "{msg}");
    assert!(msg.starts_with("kccnceu2026 cannot be released: "), "{msg}");
    assert!(msg.contains("0000-03-24"), "{msg}");
    assert!(app.latest_release(&out.edition).await.unwrap().is_none());
}

async fn a_save_on_a_stale_version_is_refused_naming_both_versions(db: TestDb) {
    let app = db.app().await;
    let orga = hallway_testkit::operator();
    let import = |app: hallway_testkit::hallway_app::App| async move {
        app.import_schedule(
            &hallway_testkit::operator(),
            "03-22.ics",
            &kubecon("03-22"),
            None,
            &ImportOptions::default(),
        )
        .await
        .unwrap()
    };
    let out = import(app.clone()).await;
    assert_eq!(out.version, 1);
    let edition = out.edition.as_str();
    let read = app.work_in_progress(&orga, edition).await.unwrap();
    assert_eq!(read.version, 1);
    let mut theirs = read.schedule.clone();
    theirs.sessions[1].title = "Theirs".into();
    let mut mine = read.schedule.clone();
    mine.sessions[0].title = "Mine".into();
    assert_eq!(
        app.save_work_in_progress(&orga, &theirs, read.version)
            .await
            .unwrap(),
        2
    );
    let err = app
        .save_work_in_progress(&orga, &mine, read.version)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "conflict: the work in progress is at version 2; this save was based on version 1: reload and apply your change again"
    );
    let now = app.work_in_progress(&orga, edition).await.unwrap();
    assert_eq!((now.version, &now.schedule), (2, &theirs));
    // A release freezes the version it reads, and bumps nothing.
    let release = app.release(&orga, edition, Force::Always).await.unwrap();
    assert_eq!(release.schedule, theirs);
    assert_eq!(
        app.work_in_progress(&orga, edition).await.unwrap().version,
        2
    );
    // An import reads the current version and saves on it.
    assert_eq!(import(app.clone()).await.version, 3);
}
