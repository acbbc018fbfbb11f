//! Importing real Sched exports through the app, on both backends.

use hallway_testkit::hallway_app::{AppError, ImportOptions, OrgaCtx};
use hallway_testkit::{TestDb, kubecon};

on_both_backends!(
    kubecon_update_is_an_update_with_the_real_change_set,
    bad_files_change_nothing
);

async fn kubecon_update_is_an_update_with_the_real_change_set(db: TestDb) {
    let app = db.app().await;
    let orga = OrgaCtx::operator();
    let first = app
        .import_schedule(
            &orga,
            "03-03.ics",
            &kubecon("03-03"),
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
        (40, 8, 58, 81, 70)
    );
    let wip = app.work_in_progress(&orga, "kccnceu2026").await.unwrap();
    assert_eq!(wip.sessions.len(), 596, "an update, not duplicates");
    assert_eq!(app.editions().await.unwrap().len(), 1);
}

async fn bad_files_change_nothing(db: TestDb) {
    let app = db.app().await;
    let orga = OrgaCtx::operator();
    app.import_schedule(
        &orga,
        "good.ics",
        &kubecon("03-03"),
        &ImportOptions::default(),
    )
    .await
    .unwrap();
    let before = app.work_in_progress(&orga, "kccnceu2026").await.unwrap();

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
            .import_schedule(&orga, name, &bytes, &ImportOptions::default())
            .await
            .unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, AppError::BadFile { .. }), "{name}: {msg}");
        assert!(msg.starts_with(name), "names the file: {msg}");
        assert!(!msg.contains('\n'), "one line: {msg}");
        assert_eq!(
            app.work_in_progress(&orga, "kccnceu2026").await.unwrap(),
            before,
            "{name}"
        );
    }
}
