//! An attendee's marks from several devices, some offline, on both backends: each change
//! applied once, the latest change of a field wins whatever the order, no note lost, and
//! bookmarks count with everyone's.

use hallway_store::{AttendeeStore, MarkChange, Outcome};
use hallway_testkit::domain::agenda::{Priority, Set};
use hallway_testkit::domain::{Guid, Slug};
use hallway_testkit::hallway_app::AppError;
use hallway_testkit::{TestDb, quick_accounts, released_kubecon_sample};

on_both_backends!(changes_from_devices_come_together_once_and_latest_wins);

fn change(id: &str, session: Guid, set: Set, at: i64) -> MarkChange {
    MarkChange {
        id: id.into(),
        session,
        set,
        at,
    }
}

async fn changes_from_devices_come_together_once_and_latest_wins(db: TestDb) {
    let app = db.app().await;
    let store = db.store().await;
    let edition = released_kubecon_sample(&app).await;
    let orga = hallway_testkit::operator();
    let wip = app
        .work_in_progress(&orga, &edition)
        .await
        .unwrap()
        .schedule;
    let (a, b) = (wip.sessions[0].guid, wip.sessions[1].guid);
    let people = quick_accounts(&app, &store, "m", 2).await;
    let (me, other) = (&people[0], &people[1]);
    let slug = Slug::parse(&edition).unwrap();
    let before = store.bookmark_counts(&slug).await.unwrap();

    // The phone, online.
    let phone = vec![
        change("phone-1", a, Set::Interested(true), 1_000),
        change("phone-2", a, Set::Note("Ask about SPIFFE".into()), 2_000),
        change("phone-3", b, Set::Interested(true), 2_500),
    ];
    let out = app.mark_sessions(me, &edition, &phone).await.unwrap();
    assert_eq!(out, vec![Outcome::Taken; 3]);
    // The laptop was offline: an older note, and a later un-bookmark of `b`, sent together
    // with changes the phone already sent (a retry after a lost answer).
    let laptop = vec![
        change("laptop-1", a, Set::Note("Bring the slides".into()), 1_500),
        change("laptop-2", b, Set::Interested(false), 3_000),
        change("laptop-3", a, Set::Priority(Priority::First), 3_100),
    ];
    let mut sent = laptop.clone();
    sent.extend(phone.clone());
    let (x, y) = tokio::join!(
        app.mark_sessions(me, &edition, &sent),
        app.mark_sessions(me, &edition, &laptop)
    );
    let (x, y) = (x.unwrap(), y.unwrap());
    // Whichever arrived first applied the laptop's changes; everything else was a repeat.
    let taken = |o: &[Outcome]| o.iter().filter(|o| **o != Outcome::Repeated).count();
    assert_eq!(taken(&x) + taken(&y), 3, "{x:?} {y:?}");
    assert!(x[3..].iter().all(|o| *o == Outcome::Repeated));

    let marks = app.my_marks(me, &edition).await.unwrap();
    let of = |g: Guid| marks.iter().find(|(s, _)| *s == g).unwrap().1.clone();
    assert!(of(a).interested.value);
    assert_eq!(of(a).note.value, "Ask about SPIFFE", "the later note stays");
    assert_eq!(of(a).priority.value, Priority::First);
    assert!(!of(b).interested.value, "the later un-bookmark wins");
    assert_eq!(
        app.kept_notes(me, &edition, &a).await.unwrap(),
        vec!["Bring the slides".to_owned()],
        "the older note is kept, not lost"
    );
    // Bookmarks count with everyone's; another attendee sees none of mine.
    let after = store.bookmark_counts(&slug).await.unwrap();
    assert_eq!(
        after.get(&a).copied().unwrap_or(0),
        before.get(&a).copied().unwrap_or(0) + 1
    );
    assert_eq!(after.get(&b), before.get(&b));
    assert!(app.my_marks(other, &edition).await.unwrap().is_empty());

    // Bad input changes nothing: an unknown session fails the whole batch.
    let unknown = Guid::derive(&slug, "nothing", 0);
    let bad = vec![
        change("bad-1", a, Set::Attended(true), 9_000),
        change("bad-2", unknown, Set::Interested(true), 9_000),
    ];
    let refused = app.mark_sessions(me, &edition, &bad).await;
    assert!(
        matches!(&refused, Err(AppError::Invalid(m)) if m.contains("change 2 (id \"bad-2\"): no session")),
        "{refused:?}"
    );
    assert!(
        !app.my_marks(me, &edition)
            .await
            .unwrap()
            .iter()
            .any(|(_, m)| m.attended.value)
    );
    let huge = vec![change("n", a, Set::Note("x".repeat(64 * 1024 + 1)), 9_000)];
    let refused = app.mark_sessions(me, &edition, &huge).await;
    assert!(
        matches!(&refused, Err(AppError::Invalid(m)) if m.contains("64 KB")),
        "{refused:?}"
    );
}
