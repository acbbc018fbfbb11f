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
);

async fn migrations_are_idempotent(db: TestDb) {
    let store = Store::connect(&db.url).await.unwrap();
    assert_eq!(store.migrate().await.unwrap(), vec![1, 2, 3, 4, 5, 8]);
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
    assert_eq!(store.migrate().await.unwrap(), vec![2, 3, 4, 5, 8]);
    let s = store.work_in_progress(&slug("old")).await.unwrap();
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
    store.save_work_in_progress(&schedule).await.unwrap();
    let loaded = store
        .work_in_progress(&schedule.edition.slug)
        .await
        .unwrap();
    assert_eq!(loaded, schedule);
    // Saving the same schedule again changes nothing.
    store.save_work_in_progress(&schedule).await.unwrap();
    assert_eq!(
        store
            .work_in_progress(&schedule.edition.slug)
            .await
            .unwrap(),
        schedule
    );
    let editions = store.editions().await.unwrap();
    assert_eq!(editions.len(), 1);
    assert_eq!(editions[0], schedule.edition);
}

async fn dropped_sessions_are_canceled_and_keep_bookmarks(db: TestDb) {
    let store = store(&db).await;
    let full = kubecon();
    store.save_work_in_progress(&full).await.unwrap();
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
    store.save_work_in_progress(&smaller).await.unwrap();
    let loaded = store.work_in_progress(&full.edition.slug).await.unwrap();
    assert_eq!(loaded.sessions.len(), full.sessions.len() - 1);
    let counts = store.bookmark_counts(&full.edition.slug).await.unwrap();
    assert_eq!(counts.get(&keep), Some(&1));
    assert_eq!(counts.get(&drop), None, "canceled sessions are not counted");

    // Back in the schedule, the bookmark is still there.
    store.save_work_in_progress(&full).await.unwrap();
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
    store.save_work_in_progress(&good).await.unwrap();
    let mut bad = good.clone();
    bad.sessions[0].title = "Changed".into();
    bad.sessions[300].slots[0].room = Some(slug("no-such-room"));
    assert!(store.save_work_in_progress(&bad).await.is_err());
    assert_eq!(
        store.work_in_progress(&good.edition.slug).await.unwrap(),
        good
    );
}

async fn a_schedule_naming_a_guid_twice_is_a_conflict(db: TestDb) {
    let store = store(&db).await;
    let good = kubecon();
    store.save_work_in_progress(&good).await.unwrap();
    let mut twice = good.clone();
    twice.sessions[5].guid = twice.sessions[4].guid;
    let result = store.save_work_in_progress(&twice).await;
    assert!(matches!(result, Err(StoreError::Conflict(_))), "{result:?}");
    assert_eq!(
        store.work_in_progress(&good.edition.slug).await.unwrap(),
        good
    );
}

async fn releases_are_numbered_and_immutable(db: TestDb) {
    let store = store(&db).await;
    let mut schedule = kubecon();
    let edition = schedule.edition.slug.clone();
    store.save_work_in_progress(&schedule).await.unwrap();
    assert!(store.latest_release(&edition).await.unwrap().is_none());

    let first = store
        .create_release(&schedule, jiff::Timestamp::now(), |prev| {
            assert!(prev.is_none());
            Some(ChangeSet::default())
        })
        .await
        .unwrap();
    assert_eq!(first.number, 1);

    let old_title = schedule.sessions[0].title.clone();
    schedule.sessions[0].title = "A new title".into();
    store.save_work_in_progress(&schedule).await.unwrap();
    let second = store
        .create_release(&schedule, jiff::Timestamp::now(), |prev| {
            Some(ChangeSet::between(
                prev.expect("release 1 is passed"),
                &schedule,
            ))
        })
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
        .create_release(&schedule, jiff::Timestamp::now(), |prev| {
            assert_eq!(prev, Some(&schedule), "release 2 is passed whole");
            None
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
    store.save_work_in_progress(&schedule).await.unwrap();
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let store = store.clone();
            let schedule = schedule.clone();
            tokio::spawn(async move {
                store
                    .create_release(&schedule, jiff::Timestamp::now(), |_| {
                        Some(ChangeSet::default())
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
            .create_release(&schedule, jiff::Timestamp::now(), |_| Some(
                ChangeSet::default()
            ))
            .await,
        Err(StoreError::NotFound(_))
    ));
}

async fn duplicate_attendees_conflict_and_store_nothing(db: TestDb) {
    let store = store(&db).await;
    let schedule = kubecon();
    store.save_work_in_progress(&schedule).await.unwrap();
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
    store.save_work_in_progress(&schedule).await.unwrap();
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
    store.save_work_in_progress(&schedule).await.unwrap();
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
    }
}

async fn proposals_are_numbered_per_edition_and_read_back_whole(db: TestDb) {
    let store = store(&db).await;
    let schedule = kubecon();
    store.save_work_in_progress(&schedule).await.unwrap();
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
    store.save_work_in_progress(&schedule).await.unwrap();
    let e = &schedule.edition.slug;
    let room = schedule.rooms[0].slug.clone();
    assert_eq!(schedule.rooms[0].capacity, None);
    store.set_capacity(e, &room, Some(1200)).await.unwrap();
    store.save_work_in_progress(&schedule).await.unwrap();
    let loaded = store.work_in_progress(e).await.unwrap();
    assert_eq!(loaded.rooms[0].capacity, Some(1200));
    store.set_capacity(e, &room, None).await.unwrap();
    assert_eq!(
        store.work_in_progress(e).await.unwrap().rooms[0].capacity,
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
    store.save_work_in_progress(&full).await.unwrap();
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
    store.save_work_in_progress(&smaller).await.unwrap();
    let lists = store.bookmark_lists(e).await.unwrap();
    assert_eq!(lists, vec![sorted(vec![g(0), g(1)])]);
}
