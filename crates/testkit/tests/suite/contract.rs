//! The store's contract: the same behaviour on SQLite and PostgreSQL.

use hallway_store::{
    AttendeeStore, EditionStore, NewAttendee, ReleaseStore, ScheduleStore, SchedulingStore,
    StoreError,
};
use hallway_testkit::TestDb;
use hallway_testkit::domain::{ChangeSet, Figures, Guid, Proposal, ProposedSlot, Schedule, Slug};
use hallway_testkit::hallway_app::Store;

fn kubecon() -> Schedule {
    hallway_formats::sched::read(&hallway_testkit::kubecon("03-22"), &Default::default())
        .expect("fixture reads")
        .schedule
}

async fn store(db: &TestDb) -> Store {
    let store = Store::connect(&db.url).await.expect("connect");
    store.migrate().await.expect("migrate");
    store
}

/// Rows as an older release wrote them, past every use case: straight to the pool.
async fn raw(store: &Store, sql: &'static str) {
    match store {
        Store::Sqlite(pool) => sqlx::raw_sql(sql).execute(pool).await.map(|_| ()),
        Store::Postgres(pool) => sqlx::raw_sql(sql).execute(pool).await.map(|_| ()),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Saves `schedule` over whatever version is current: for tests of what a save keeps, not of
/// who wins a race.
async fn save(store: &Store, schedule: &Schedule) -> Result<u64, StoreError> {
    let current = match store.work_in_progress(&schedule.edition.slug).await {
        Ok(wip) => wip.version,
        Err(StoreError::NotFound(_)) => 0,
        Err(e) => return Err(e),
    };
    store.save_work_in_progress(schedule, current).await
}

fn slug(s: &str) -> Slug {
    Slug::parse(s).unwrap()
}

on_both_backends!(
    migrations_are_idempotent,
    upgrading_a_version_1_database_keeps_its_schedule,
    work_in_progress_round_trips,
    dropped_sessions_are_canceled_and_keep_bookmarks,
    a_bad_schedule_changes_nothing,
    a_schedule_naming_a_guid_twice_is_a_conflict,
    releases_are_numbered_and_immutable,
    concurrent_releases_get_distinct_numbers,
    missing_things_are_not_found,
    duplicate_attendees_conflict_and_store_nothing,
    pins_survive_saves_and_an_unknown_session_pins_nothing,
    proposals_are_numbered_per_edition_and_read_back_whole,
    room_capacities_are_kept_when_a_schedule_is_saved_again,
    bookmark_lists_hold_each_attendees_scheduled_sessions,
    two_saves_on_one_version_one_wins_and_the_other_writes_nothing,
    concurrent_read_modify_write_loops_lose_no_change,
    releases_and_reads_during_saves_hold_exactly_one_saved_version,
    a_proposal_applies_only_on_the_version_it_was_solved_on,
    pins_and_capacities_bump_the_version,
);

async fn migrations_are_idempotent(db: TestDb) {
    let store = Store::connect(&db.url).await.unwrap();
    assert_eq!(
        store.migrate().await.unwrap(),
        vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]
    );
    assert!(store.migrate().await.unwrap().is_empty());
}

async fn upgrading_a_version_1_database_keeps_its_schedule(db: TestDb) {
    let store = Store::connect(&db.url).await.unwrap();
    assert_eq!(store.migrate_to(1).await.unwrap(), vec![1]);
    for sql in [
        "INSERT INTO editions (slug, name, venue, time_zone, start_date, end_date, created_at)
         VALUES ('old', 'Old Conf', 'Ghent', 'Europe/Brussels', '2025-02-01', '2025-02-01', 0)",
        "INSERT INTO events (edition_id, slug, name, kind, start_date, end_date, position)
         SELECT id, 'old-conf', 'Old Conf', 'main', '2025-02-01', '2025-02-01', 0 FROM editions",
        "INSERT INTO rooms (edition_id, slug, name, position) SELECT id, 'h1', 'H.1', 0 FROM editions",
        "INSERT INTO sessions (edition_id, guid, event_id, state, title, abstract, session_type,
           duration_minutes, position)
         SELECT e.id, '6a1c2f0e-93b4-4d7e-9a55-4c0f7e21b803', v.id, 'scheduled', 'Kept', 'Text',
           'talk', 30, 0 FROM editions e JOIN events v ON v.edition_id = e.id",
        "INSERT INTO slots (session_id, room_id, starts_at, ends_at)
         SELECT s.id, r.id, 1738400000, 1738401800 FROM sessions s, rooms r",
    ] {
        raw(&store, sql).await;
    }
    assert_eq!(
        store.migrate().await.unwrap(),
        vec![2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]
    );
    let s = store.work_in_progress(&slug("old")).await.unwrap().schedule;
    assert_eq!(s.sessions.len(), 1);
    let x = &s.sessions[0];
    assert_eq!((x.title.as_str(), x.subtitle.as_str()), ("Kept", ""));
    assert_eq!(x.slots.len(), 1);
    assert_eq!(x.slots[0].room, Some(slug("h1")));
    assert_eq!(x.slots[0].start.as_second(), 1_738_400_000);
    assert_eq!(s.edition.day_change, jiff::civil::Time::midnight());
}

async fn work_in_progress_round_trips(db: TestDb) {
    let store = store(&db).await;
    let schedule = kubecon();
    save(&store, &schedule).await.unwrap();
    let loaded = store
        .work_in_progress(&schedule.edition.slug)
        .await
        .unwrap()
        .schedule;
    assert_eq!(loaded, schedule);
    // Saving the same schedule again changes nothing.
    save(&store, &schedule).await.unwrap();
    assert_eq!(
        store
            .work_in_progress(&schedule.edition.slug)
            .await
            .unwrap()
            .schedule,
        schedule
    );
    let editions = store.editions().await.unwrap();
    assert_eq!(editions.len(), 1);
    assert_eq!(editions[0], schedule.edition);
}

async fn dropped_sessions_are_canceled_and_keep_bookmarks(db: TestDb) {
    let store = store(&db).await;
    let full = kubecon();
    save(&store, &full).await.unwrap();
    let keep: Guid = full.sessions[10].guid;
    let drop: Guid = full.sessions[11].guid;
    let n = store
        .add_attendees(
            &full.edition.slug,
            &[NewAttendee {
                handle: "ada".into(),
                bookmarks: vec![keep, drop],
            }],
        )
        .await
        .unwrap();
    assert_eq!(n, 2);

    let mut smaller = full.clone();
    smaller.sessions.retain(|s| s.guid != drop);
    save(&store, &smaller).await.unwrap();
    let loaded = store
        .work_in_progress(&full.edition.slug)
        .await
        .unwrap()
        .schedule;
    assert_eq!(loaded.sessions.len(), full.sessions.len() - 1);
    let counts = store.bookmark_counts(&full.edition.slug).await.unwrap();
    assert_eq!(counts.get(&keep), Some(&1));
    assert_eq!(counts.get(&drop), None, "canceled sessions are not counted");

    // Back in the schedule, the bookmark is still there.
    save(&store, &full).await.unwrap();
    assert_eq!(
        store
            .bookmark_counts(&full.edition.slug)
            .await
            .unwrap()
            .get(&drop),
        Some(&1)
    );
}

async fn a_bad_schedule_changes_nothing(db: TestDb) {
    let store = store(&db).await;
    let good = kubecon();
    save(&store, &good).await.unwrap();
    let mut bad = good.clone();
    bad.sessions[0].title = "Changed".into();
    bad.sessions[300].slots[0].room = Some(slug("no-such-room"));
    assert!(save(&store, &bad).await.is_err());
    assert_eq!(
        store
            .work_in_progress(&good.edition.slug)
            .await
            .unwrap()
            .schedule,
        good
    );
}

async fn a_schedule_naming_a_guid_twice_is_a_conflict(db: TestDb) {
    let store = store(&db).await;
    let good = kubecon();
    save(&store, &good).await.unwrap();
    let mut twice = good.clone();
    twice.sessions[5].guid = twice.sessions[4].guid;
    let result = save(&store, &twice).await;
    assert!(matches!(result, Err(StoreError::Conflict(_))), "{result:?}");
    assert_eq!(
        store
            .work_in_progress(&good.edition.slug)
            .await
            .unwrap()
            .schedule,
        good
    );
}

async fn releases_are_numbered_and_immutable(db: TestDb) {
    let store = store(&db).await;
    let mut schedule = kubecon();
    let edition = schedule.edition.slug.clone();
    save(&store, &schedule).await.unwrap();
    assert!(store.latest_release(&edition).await.unwrap().is_none());

    let first = store
        .create_release(&schedule.edition.slug, jiff::Timestamp::now(), |_, prev| {
            assert!(prev.is_none());
            Ok::<_, StoreError>(Some(ChangeSet::default()))
        })
        .await
        .unwrap();
    assert_eq!(first.number, 1);

    let old_title = schedule.sessions[0].title.clone();
    schedule.sessions[0].title = "A new title".into();
    save(&store, &schedule).await.unwrap();
    let second = store
        .create_release(
            &schedule.edition.slug,
            jiff::Timestamp::now(),
            |wip, prev| {
                assert_eq!(wip, &schedule, "the work in progress is passed");
                Ok::<_, StoreError>(Some(ChangeSet::between(
                    prev.expect("release 1 is passed"),
                    wip,
                )))
            },
        )
        .await
        .unwrap();
    assert_eq!(second.number, 2);
    assert_eq!(second.changes.counts().retitled, 1);

    assert_eq!(
        store.release(&edition, 1).await.unwrap().schedule.sessions[0].title,
        old_title
    );
    assert_eq!(
        store
            .latest_release(&edition)
            .await
            .unwrap()
            .unwrap()
            .number,
        2
    );
    let notes = store.release_notes(&edition).await.unwrap();
    assert_eq!(
        notes.iter().map(|n| n.number).collect::<Vec<_>>(),
        vec![2, 1]
    );
    assert_eq!(
        store.latest_release_numbers().await.unwrap(),
        vec![(edition.clone(), 2)]
    );
    assert!(matches!(
        store.release(&edition, 9).await,
        Err(StoreError::NotFound(_))
    ));

    // A release its caller declines (nothing changed) writes nothing and says which it matches.
    let declined = store
        .create_release(&schedule.edition.slug, jiff::Timestamp::now(), |_, prev| {
            assert_eq!(prev, Some(&schedule), "release 2 is passed whole");
            Ok::<_, StoreError>(None)
        })
        .await;
    assert!(
        matches!(declined, Err(StoreError::Unchanged(2))),
        "{declined:?}"
    );
    assert_eq!(store.release_notes(&edition).await.unwrap().len(), 2);
}

async fn concurrent_releases_get_distinct_numbers(db: TestDb) {
    let store = store(&db).await;
    let schedule = kubecon();
    save(&store, &schedule).await.unwrap();
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let store = store.clone();
            let schedule = schedule.clone();
            tokio::spawn(async move {
                store
                    .create_release(&schedule.edition.slug, jiff::Timestamp::now(), |_, _| {
                        Ok::<_, StoreError>(Some(ChangeSet::default()))
                    })
                    .await
            })
        })
        .collect();
    let mut numbers = Vec::new();
    for t in tasks {
        numbers.push(t.await.unwrap().expect("every release succeeds").number);
    }
    numbers.sort();
    assert_eq!(numbers, vec![1, 2, 3, 4]);
}

async fn missing_things_are_not_found(db: TestDb) {
    let store = store(&db).await;
    let nope = slug("nope");
    assert!(matches!(
        store.edition(&nope).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.work_in_progress(&nope).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.add_attendees(&nope, &[]).await,
        Err(StoreError::NotFound(_))
    ));
    let schedule = kubecon();
    assert!(matches!(
        store
            .create_release(&schedule.edition.slug, jiff::Timestamp::now(), |_, _| Ok::<
                _,
                StoreError,
            >(
                Some(ChangeSet::default())
            ))
            .await,
        Err(StoreError::NotFound(_))
    ));
}

async fn duplicate_attendees_conflict_and_store_nothing(db: TestDb) {
    let store = store(&db).await;
    let schedule = kubecon();
    save(&store, &schedule).await.unwrap();
    let e = &schedule.edition.slug;
    let a = NewAttendee {
        handle: "dup".into(),
        bookmarks: vec![schedule.sessions[0].guid],
    };
    let result = store.add_attendees(e, &[a.clone(), a]).await;
    assert!(matches!(result, Err(StoreError::Conflict(_))), "{result:?}");
    assert_eq!(store.attendee_count(e).await.unwrap(), 0);
    assert!(store.bookmark_counts(e).await.unwrap().is_empty());
}

async fn pins_survive_saves_and_an_unknown_session_pins_nothing(db: TestDb) {
    let store = store(&db).await;
    let schedule = kubecon();
    save(&store, &schedule).await.unwrap();
    let e = &schedule.edition.slug;
    let (a, b) = (schedule.sessions[0].guid, schedule.sessions[1].guid);
    store.set_pinned(e, &[a, b], true).await.unwrap();
    // Pinning twice is harmless.
    store.set_pinned(e, &[a], true).await.unwrap();
    let mut both = vec![a, b];
    both.sort();
    assert_eq!(store.pinned(e).await.unwrap(), both);
    // A session that does not exist: an error, and the valid one beside it is not pinned.
    let c = schedule.sessions[2].guid;
    let unknown = Guid::parse("0b5e8a3c-93b4-4d7e-9a55-4c0f7e21b803").unwrap();
    let result = store.set_pinned(e, &[c, unknown], true).await;
    assert!(matches!(result, Err(StoreError::NotFound(_))), "{result:?}");
    assert_eq!(store.pinned(e).await.unwrap(), both);
    // A newer version of the schedule keeps the pins of the sessions it keeps.
    save(&store, &schedule).await.unwrap();
    assert_eq!(store.pinned(e).await.unwrap(), both);
    store.set_pinned(e, &[a], false).await.unwrap();
    assert_eq!(store.pinned(e).await.unwrap(), vec![b]);
    assert!(matches!(
        store.set_pinned(&slug("nope"), &[a], true).await,
        Err(StoreError::NotFound(_))
    ));
}

fn proposal(schedule: &Schedule, cost: i64) -> Proposal {
    let x = &schedule.sessions[0];
    let slot = &x.slots[0];
    Proposal {
        number: 0,
        created_at: jiff::Timestamp::from_second(1_780_000_000).unwrap(),
        seed: 7,
        seconds: 1.5,
        keep_close: false,
        placements: vec![ProposedSlot {
            guid: x.guid,
            room: slot.room.clone().unwrap(),
            start: slot.start,
            end: slot.end,
        }],
        figures: Figures {
            conflicts: 12,
            cost,
            ..Figures::default()
        },
        bound: Figures::default(),
        applied_at: None,
        solved_on: Some(1),
    }
}

async fn proposals_are_numbered_per_edition_and_read_back_whole(db: TestDb) {
    let store = store(&db).await;
    let schedule = kubecon();
    save(&store, &schedule).await.unwrap();
    let e = &schedule.edition.slug;
    assert!(matches!(
        store.proposal(e, None).await,
        Err(StoreError::NotFound(_))
    ));
    let first = proposal(&schedule, 100);
    assert_eq!(store.save_proposal(e, &first).await.unwrap(), 1);
    assert_eq!(
        store
            .save_proposal(e, &proposal(&schedule, 90))
            .await
            .unwrap(),
        2
    );
    let newest = store.proposal(e, None).await.unwrap();
    assert_eq!((newest.number, newest.figures.cost), (2, 90));
    let one = store.proposal(e, Some(1)).await.unwrap();
    assert_eq!(
        one,
        Proposal {
            number: 1,
            ..first.clone()
        }
    );
    let at = jiff::Timestamp::from_second(1_780_000_100).unwrap();
    store.mark_applied(e, 1, at).await.unwrap();
    assert_eq!(
        store.proposal(e, Some(1)).await.unwrap().applied_at,
        Some(at)
    );
    assert_eq!(store.proposal(e, Some(2)).await.unwrap().applied_at, None);
    assert!(matches!(
        store.proposal(e, Some(3)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.mark_applied(e, 3, at).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.save_proposal(&slug("nope"), &first).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn room_capacities_are_kept_when_a_schedule_is_saved_again(db: TestDb) {
    let store = store(&db).await;
    let schedule = kubecon();
    save(&store, &schedule).await.unwrap();
    let e = &schedule.edition.slug;
    let room = schedule.rooms[0].slug.clone();
    assert_eq!(schedule.rooms[0].capacity, None);
    store.set_capacity(e, &room, Some(1200)).await.unwrap();
    save(&store, &schedule).await.unwrap();
    let loaded = store.work_in_progress(e).await.unwrap().schedule;
    assert_eq!(loaded.rooms[0].capacity, Some(1200));
    store.set_capacity(e, &room, None).await.unwrap();
    assert_eq!(
        store.work_in_progress(e).await.unwrap().schedule.rooms[0].capacity,
        None
    );
    assert!(matches!(
        store.set_capacity(e, &slug("no-such-room"), Some(5)).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn bookmark_lists_hold_each_attendees_scheduled_sessions(db: TestDb) {
    let store = store(&db).await;
    let full = kubecon();
    save(&store, &full).await.unwrap();
    let e = &full.edition.slug;
    let g = |i: usize| full.sessions[i].guid;
    let attendees = [
        NewAttendee {
            handle: "ada".into(),
            bookmarks: vec![g(0), g(1), g(2)],
        },
        NewAttendee {
            handle: "bob".into(),
            bookmarks: vec![g(2)],
        },
        NewAttendee {
            handle: "cy".into(),
            bookmarks: vec![],
        },
    ];
    store.add_attendees(e, &attendees).await.unwrap();
    let sorted = |mut v: Vec<Guid>| {
        v.sort();
        v
    };
    let mut lists = store.bookmark_lists(e).await.unwrap();
    lists.sort_by_key(Vec::len);
    assert_eq!(lists, vec![vec![g(2)], sorted(vec![g(0), g(1), g(2)])]);
    // A canceled session is no longer anyone's interest.
    let mut smaller = full.clone();
    smaller.sessions.retain(|s| s.guid != g(2));
    save(&store, &smaller).await.unwrap();
    let lists = store.bookmark_lists(e).await.unwrap();
    assert_eq!(lists, vec![sorted(vec![g(0), g(1)])]);
}

/// KubeCon's first 30 sessions: races save often, so the schedule is small.
fn small() -> Schedule {
    let mut s = kubecon();
    s.sessions.truncate(30);
    s
}

fn is_version_conflict(r: &Result<u64, StoreError>, current: u64, based_on: u64) -> bool {
    matches!(r, Err(StoreError::VersionConflict { current: c, based_on: b }) if (*c, *b) == (current, based_on))
}

async fn two_saves_on_one_version_one_wins_and_the_other_writes_nothing(db: TestDb) {
    let store = store(&db).await;
    let base = small();
    let e = base.edition.slug.clone();
    // Two first saves of a new edition: both based on nothing, one creates it.
    let creations = [base.clone(), base.clone()].map(|s| {
        let store = store.clone();
        tokio::spawn(async move { store.save_work_in_progress(&s, 0).await })
    });
    let mut results = Vec::new();
    for c in creations {
        results.push(c.await.unwrap());
    }
    assert_eq!(
        results.iter().filter(|r| matches!(r, Ok(1))).count(),
        1,
        "{results:?}"
    );
    assert!(
        results.iter().any(|r| is_version_conflict(r, 1, 0)),
        "{results:?}"
    );

    let read = store.work_in_progress(&e).await.unwrap();
    assert_eq!(read.version, 1);
    let mut a = read.schedule.clone();
    a.sessions[0].title = "Changed by A".into();
    a.rooms[0].name = "Room renamed by A".into();
    let mut b = read.schedule.clone();
    b.sessions[1].title = "Changed by B".into();
    b.sessions.remove(2);
    let saves = [a.clone(), b.clone()].map(|s| {
        let store = store.clone();
        tokio::spawn(async move { store.save_work_in_progress(&s, 1).await })
    });
    let mut results = Vec::new();
    for t in saves {
        results.push(t.await.unwrap());
    }
    let winner = match (&results[0], &results[1]) {
        (Ok(2), r) if is_version_conflict(r, 2, 1) => a,
        (r, Ok(2)) if is_version_conflict(r, 2, 1) => b,
        _ => panic!("exactly one save wins: {results:?}"),
    };
    let now = store.work_in_progress(&e).await.unwrap();
    assert_eq!(now.version, 2);
    assert_eq!(
        now.schedule, winner,
        "the winner whole, nothing of the loser"
    );

    // A save based on the version before is refused however late it comes, and writes nothing.
    let mut late = read.schedule.clone();
    late.sessions[3].title = "Too late".into();
    assert!(is_version_conflict(
        &store.save_work_in_progress(&late, 1).await,
        2,
        1
    ));
    // So is one based on a version that never was.
    assert!(is_version_conflict(
        &store.save_work_in_progress(&late, 7).await,
        2,
        7
    ));
    assert_eq!(store.work_in_progress(&e).await.unwrap(), now);
    // Made again on the current version, it is saved.
    let mut again = now.schedule.clone();
    again.sessions[3].title = "Too late".into();
    assert_eq!(store.save_work_in_progress(&again, 2).await.unwrap(), 3);
    assert_eq!(store.work_in_progress(&e).await.unwrap().schedule, again);
}

async fn concurrent_read_modify_write_loops_lose_no_change(db: TestDb) {
    const TASKS: usize = 8;
    const CHANGES: usize = 10;
    let store = store(&db).await;
    let base = small();
    let e = base.edition.slug.clone();
    assert_eq!(store.save_work_in_progress(&base, 0).await.unwrap(), 1);
    // Every task adds its marks to the same abstract: a lost update would drop one.
    let tasks: Vec<_> = (0..TASKS)
        .map(|t| {
            let store = store.clone();
            let e = e.clone();
            tokio::spawn(async move {
                let (mut saved, mut refused) = (0, 0);
                for i in 0..CHANGES {
                    loop {
                        let wip = store.work_in_progress(&e).await.unwrap();
                        let mut s = wip.schedule;
                        s.sessions[0].abstract_text.push_str(&format!(" [{t}.{i}]"));
                        match store.save_work_in_progress(&s, wip.version).await {
                            Ok(v) => {
                                assert!(v > wip.version);
                                saved += 1;
                                break;
                            }
                            Err(StoreError::VersionConflict { current, based_on }) => {
                                assert!(current > based_on);
                                refused += 1;
                            }
                            Err(other) => panic!("task {t}, change {i}: {other}"),
                        }
                    }
                }
                (saved, refused)
            })
        })
        .collect();
    let mut saved = 0;
    for t in tasks {
        saved += t.await.unwrap().0;
    }
    assert_eq!(saved, TASKS * CHANGES);
    let end = store.work_in_progress(&e).await.unwrap();
    assert_eq!(
        end.version,
        1 + saved as u64,
        "one version per successful save"
    );
    let text = &end.schedule.sessions[0].abstract_text;
    for t in 0..TASKS {
        for i in 0..CHANGES {
            assert_eq!(
                text.matches(&format!(" [{t}.{i}]")).count(),
                1,
                "change {t}.{i}: {text}"
            );
        }
    }
    assert_eq!(text.matches(" [").count(), TASKS * CHANGES);
}

/// Save number `k` on `base`: the same mark in three tables (a session's title, a room's name,
/// a slot's end), so that a schedule read across two saves shows a mix.
fn marked(base: &Schedule, k: u64) -> Schedule {
    let mut s = base.clone();
    if k > 0 {
        s.sessions[0].title = format!("save {k}");
        s.rooms[0].name = format!("room of save {k}");
        let slot = &mut s.sessions[5].slots[0];
        slot.end = slot.start + jiff::SignedDuration::from_mins(k as i64);
    }
    s
}

/// Which save a schedule is, checked whole against what that save wrote.
fn which_save(base: &Schedule, s: &Schedule) -> u64 {
    let k = s.sessions[0]
        .title
        .strip_prefix("save ")
        .map_or(0, |k| k.parse().unwrap());
    assert_eq!(s, &marked(base, k), "a mix of saves (title says save {k})");
    k
}

async fn releases_and_reads_during_saves_hold_exactly_one_saved_version(db: TestDb) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    let store = store(&db).await;
    let e = small().edition.slug.clone();
    save(&store, &small()).await.unwrap();
    // What the store gives back for the schedule, which each save then marks.
    let base = store.work_in_progress(&e).await.unwrap().schedule;
    let done = Arc::new(AtomicBool::new(false));
    let saved = Arc::new(AtomicU64::new(0));
    let writer = {
        let (store, base, done, saved) = (store.clone(), base.clone(), done.clone(), saved.clone());
        tokio::spawn(async move {
            let mut k = 0;
            while !done.load(Ordering::Relaxed) {
                k += 1;
                let v = store
                    .save_work_in_progress(&marked(&base, k), k)
                    .await
                    .unwrap();
                assert_eq!(v, k + 1);
                saved.store(k, Ordering::Relaxed);
            }
            k
        })
    };
    let reader = {
        let (store, base, e, done) = (store.clone(), base.clone(), e.clone(), done.clone());
        tokio::spawn(async move {
            let mut seen = std::collections::BTreeSet::new();
            while !done.load(Ordering::Relaxed) {
                let wip = store.work_in_progress(&e).await.unwrap();
                let k = which_save(&base, &wip.schedule);
                assert_eq!(wip.version, k + 1, "the version read is the schedule's");
                seen.insert(k);
            }
            seen.len()
        })
    };
    // Releases until the saves have gone on for a while beside them, and several were frozen.
    let mut releases = Vec::new();
    let mut frozen = std::collections::BTreeSet::new();
    while releases.len() < 12 || saved.load(Ordering::Relaxed) < 20 || frozen.len() < 3 {
        let r = store
            .create_release(&e, jiff::Timestamp::now(), |_, _| {
                Ok::<_, StoreError>(Some(ChangeSet::default()))
            })
            .await
            .unwrap();
        frozen.insert(which_save(&base, &r.schedule));
        releases.push(r);
        assert!(releases.len() < 2000, "the saves stopped: {frozen:?}");
        // Lets the writer take the lock between releases (SQLite's is not fair).
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    done.store(true, Ordering::Relaxed);
    let saves = writer.await.unwrap();
    let reads = reader.await.unwrap();
    assert!(saves >= 20, "the saves ran beside the releases");
    assert!(reads > 0);
    for r in &releases {
        which_save(&base, &r.schedule);
        let stored = store.release(&e, r.number).await.unwrap();
        assert_eq!(
            stored.schedule, r.schedule,
            "release {} as stored",
            r.number
        );
    }
}

fn moved(schedule: &Schedule, minutes: i64) -> (Schedule, ProposedSlot) {
    let mut s = schedule.clone();
    let x = &mut s.sessions[4];
    let slot = &mut x.slots[0];
    slot.start += jiff::SignedDuration::from_mins(minutes);
    slot.end += jiff::SignedDuration::from_mins(minutes);
    let placed = ProposedSlot {
        guid: x.guid,
        room: slot.room.clone().unwrap(),
        start: slot.start,
        end: slot.end,
    };
    (s, placed)
}

async fn a_proposal_applies_only_on_the_version_it_was_solved_on(db: TestDb) {
    let store = store(&db).await;
    let base = small();
    let e = &base.edition.slug;
    assert_eq!(store.save_work_in_progress(&base, 0).await.unwrap(), 1);
    let v1 = store.work_in_progress(e).await.unwrap();
    let (_, placed) = moved(&v1.schedule, 60);
    let solved_on = |version| Proposal {
        placements: vec![placed.clone()],
        solved_on: version,
        ..proposal(&v1.schedule, 10)
    };
    assert_eq!(
        store.save_proposal(e, &solved_on(Some(1))).await.unwrap(),
        1
    );
    assert_eq!(store.proposal(e, Some(1)).await.unwrap().solved_on, Some(1));

    // Another organizer saves meanwhile: the proposal is stale, and applying it writes nothing.
    let mut edited = v1.schedule.clone();
    edited.sessions[0].title = "Retitled meanwhile".into();
    assert_eq!(store.save_work_in_progress(&edited, 1).await.unwrap(), 2);
    let v2 = store.work_in_progress(e).await.unwrap();
    let (over_v2, _) = moved(&v2.schedule, 60);
    let at = jiff::Timestamp::from_second(1_780_000_100).unwrap();
    let stale = store.apply_proposal(&over_v2, 1, 2, false, at).await;
    assert!(
        matches!(
            stale,
            Err(StoreError::ProposalConflict {
                number: 1,
                solved_on: 1,
                current: 2
            })
        ),
        "{stale:?}"
    );
    assert_eq!(store.work_in_progress(e).await.unwrap(), v2);
    assert_eq!(store.proposal(e, Some(1)).await.unwrap().applied_at, None);

    // Solved on the current version, it applies, bumps the version and is marked applied.
    assert_eq!(
        store.save_proposal(e, &solved_on(Some(2))).await.unwrap(),
        2
    );
    assert_eq!(
        store
            .apply_proposal(&over_v2, 2, 2, false, at)
            .await
            .unwrap(),
        3
    );
    let v3 = store.work_in_progress(e).await.unwrap();
    assert_eq!((v3.version, &v3.schedule), (3, &over_v2));
    assert_eq!(
        store.proposal(e, Some(2)).await.unwrap().applied_at,
        Some(at)
    );

    // The check and the write are one: a schedule made on an older version is refused even
    // when the proposal is current.
    assert_eq!(
        store.save_proposal(e, &solved_on(Some(3))).await.unwrap(),
        3
    );
    let behind = store.apply_proposal(&over_v2, 3, 2, false, at).await;
    assert!(is_version_conflict(&behind, 3, 2), "{behind:?}");
    // A proposal from before versions were kept is stale too.
    assert_eq!(store.save_proposal(e, &solved_on(None)).await.unwrap(), 4);
    let unknown = store.apply_proposal(&v3.schedule, 4, 3, false, at).await;
    assert!(
        matches!(
            unknown,
            Err(StoreError::ProposalConflict { solved_on: 0, .. })
        ),
        "{unknown:?}"
    );
    assert_eq!(store.work_in_progress(e).await.unwrap(), v3);

    // Forced, a stale proposal goes over the current version.
    let (forced, _) = moved(&v3.schedule, 30);
    assert_eq!(
        store.apply_proposal(&forced, 1, 3, true, at).await.unwrap(),
        4
    );
    assert_eq!(store.work_in_progress(e).await.unwrap().schedule, forced);
    assert_eq!(
        store.proposal(e, Some(1)).await.unwrap().applied_at,
        Some(at)
    );
    assert!(matches!(
        store.apply_proposal(&forced, 9, 4, true, at).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn pins_and_capacities_bump_the_version(db: TestDb) {
    let store = store(&db).await;
    let base = small();
    let e = &base.edition.slug;
    assert_eq!(store.save_work_in_progress(&base, 0).await.unwrap(), 1);
    let a = base.sessions[0].guid;
    assert_eq!(store.set_pinned(e, &[a], true).await.unwrap(), 2);
    // Pinning what is pinned changes nothing.
    assert_eq!(store.set_pinned(e, &[a], true).await.unwrap(), 2);
    assert_eq!(
        store
            .set_capacity(e, &base.rooms[0].slug, Some(300))
            .await
            .unwrap(),
        3
    );
    assert_eq!(store.work_in_progress(e).await.unwrap().version, 3);
    // A save made before them would write over the capacity: refused.
    assert!(is_version_conflict(
        &store.save_work_in_progress(&base, 1).await,
        3,
        1
    ));
    assert_eq!(store.set_pinned(e, &[a], false).await.unwrap(), 4);
}
