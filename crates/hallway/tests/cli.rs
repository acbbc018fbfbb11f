//! The binary as a user runs it.

use hallway_testkit::hallway_app::{App, OrgaCtx};
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
                .contains("40 added, 8 removed, 58 moved in time, 81 moved room, 70 retitled"),
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
    }
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
    let app = App::open(&db.url).await.unwrap();
    let before = app
        .work_in_progress(&OrgaCtx::operator(), "kccnceu2026")
        .await
        .unwrap();

    let full = std::fs::read(kubecon_file("03-22")).unwrap();
    let files: Vec<(&str, Vec<u8>, &str)> = vec![
        ("truncated.ics", full[..full.len() / 3].to_vec(), "line "),
        ("empty.ics", Vec::new(), "empty"),
        ("binary.ics", vec![0x00, 0xff, 0xfe, 0x13, 0x37], "line 1"),
        (
            "schedule.xml",
            b"<?xml version=\"1.0\"?>\n<schedule/>\n".to_vec(),
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
    let missing = hallway(
        dir.path(),
        &["--database", &db.url, "import", "no-such-file.ics"],
    );
    assert!(!missing.status.success() && text(&missing).contains("no-such-file.ics"));
    assert_eq!(
        app.work_in_progress(&OrgaCtx::operator(), "kccnceu2026")
            .await
            .unwrap(),
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
    let app = App::open(&format!(
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
