//! The corpus of broken files (`hallway_testkit::broken`) against SQLite and PostgreSQL at
//! once: each file is refused with nothing changed, or imported exactly as it reads, and both
//! backends do the same.

use hallway_testkit::broken::{BASES, corpus};
use hallway_testkit::domain::Schedule;
use hallway_testkit::hallway_app::{App, AppError, ImportOptions, Removals};
use hallway_testkit::{TestDb, data_dir};

async fn wip(app: &App, edition: &str) -> Schedule {
    app.work_in_progress(&hallway_testkit::operator(), edition)
        .await
        .expect("the work in progress")
        .schedule
}

/// Cases that no reading can make right: these must be refused, whatever the format.
const MUST_REFUSE: [&str; 12] = [
    "year 0",
    "ten years",
    "five years",
    "in 2015",
    "NUL",
    "stray quote",
    "quote inside",
    "field too many",
    "unknown zone",
    "25:61",
    "numeric duration",
    "object title",
];

/// What a session is and when and where it runs, by GUID: what a restore must bring back
/// (slugs of speakers renamed in between may differ).
fn timetable(s: &Schedule) -> Vec<String> {
    let mut t: Vec<String> = s
        .sessions
        .iter()
        .map(|x| {
            let slots: Vec<_> = x.slots.iter().map(|sl| (sl.start, sl.end)).collect();
            format!("{} {} {slots:?}", x.guid, x.title)
        })
        .collect();
    t.sort();
    t
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_files_are_refused_or_read_alike_on_both_backends() {
    let (sqlite, postgres) = (TestDb::sqlite(), TestDb::postgres().await);
    let apps = [sqlite.app().await, postgres.app().await];
    let orga = hallway_testkit::operator();
    let (mut refused, mut read) = (0, 0);
    for base in BASES {
        // Sched's CSV names no zone; KubeCon EU 2025 was in London.
        let opts = ImportOptions {
            time_zone: base.ends_with(".csv").then(|| "Europe/London".to_owned()),
            ..ImportOptions::default()
        };
        let clean = std::fs::read(data_dir().join(base)).expect(base);
        let mut edition = String::new();
        for app in &apps {
            let out = app
                .import_schedule_with(&orga, base, &clean, None, &opts, Removals::Allowed)
                .await
                .unwrap_or_else(|e| panic!("{base}: {e}"));
            edition = out.edition.to_string();
        }
        let mut before = wip(&apps[0], &edition).await;
        assert!(before == wip(&apps[1], &edition).await, "{base}");
        for case in corpus(base, &clean) {
            let name = case.name.as_str();
            let mut outcomes = Vec::new();
            for app in &apps {
                outcomes.push(
                    app.import_schedule(&orga, name, &case.bytes, None, &opts)
                        .await,
                );
            }
            match (&outcomes[0], &outcomes[1]) {
                (Err(a), Err(b)) => {
                    refused += 1;
                    let msg = a.to_string();
                    println!("refused: {msg}");
                    assert_eq!(msg, b.to_string(), "the backends refuse alike");
                    assert!(
                        matches!(
                            a,
                            AppError::BadFile { .. } | AppError::TooManyRemovals { .. }
                        ),
                        "{name}: a refusal of the file, not a failure: {msg}"
                    );
                    assert!(msg.starts_with(name), "names the file: {msg}");
                    assert!(!msg.contains('\n'), "one line: {msg}");
                    for app in &apps {
                        assert!(wip(app, &edition).await == before, "{name}: {msg}");
                    }
                }
                (Ok(a), Ok(b)) => {
                    read += 1;
                    assert!(
                        !MUST_REFUSE.iter().any(|m| name.contains(m)),
                        "{name}: read, but no conference looks like that"
                    );
                    println!("read: {name}: {:?}", a.changes.counts());
                    assert_eq!(a.counts, b.counts, "{name}");
                    assert_eq!(a.changes, b.changes, "{name}");
                    let counts = a.changes.counts();
                    assert!(
                        counts.removed * 4 <= before.sessions.len(),
                        "{name}: {} of {} sessions canceled without asking",
                        counts.removed,
                        before.sessions.len()
                    );
                    let stored = wip(&apps[0], a.edition.as_str()).await;
                    assert!(stored == wip(&apps[1], a.edition.as_str()).await, "{name}");
                    assert_eq!(stored.sessions.len(), a.counts.sessions, "{name}");
                    stored
                        .check_bounds()
                        .unwrap_or_else(|e| panic!("{name}: {e}"));
                    // Back to the clean file for the next case.
                    for app in &apps {
                        app.import_schedule_with(
                            &orga,
                            base,
                            &clean,
                            None,
                            &opts,
                            Removals::Allowed,
                        )
                        .await
                        .unwrap_or_else(|e| panic!("{base} again: {e}"));
                        let restored = wip(app, &edition).await;
                        assert!(
                            timetable(&restored) == timetable(&before),
                            "{name}, restored"
                        );
                    }
                    before = wip(&apps[0], &edition).await;
                }
                (a, b) => panic!(
                    "{name}: SQLite {:?}, PostgreSQL {:?}",
                    a.as_ref().map(|o| o.counts),
                    b.as_ref().map(|o| o.counts)
                ),
            }
        }
    }
    assert!(refused > 40 && read > 10, "{refused} refused, {read} read");
}
