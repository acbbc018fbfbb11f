//! The optimizer in the product: solve, compare, pin, apply, on both backends.

use hallway_store::ScheduleStore;
use hallway_testkit::TestDb;
use hallway_testkit::domain::crowd::CrowdShape;
use hallway_testkit::hallway_app::scheduler::anneal::Budget;
use hallway_testkit::hallway_app::{
    App, AppError, Force, ImportOptions, SolveOptions, StaleProposal,
};

async fn kubecon_with_crowd(app: &App) -> String {
    let orga = hallway_testkit::operator();
    let out = app
        .import_schedule(
            &orga,
            "kubecon.ics",
            &hallway_testkit::kubecon("03-22"),
            None,
            &ImportOptions::default(),
        )
        .await
        .expect("import");
    let edition = out.edition.to_string();
    let shape = CrowdShape {
        attendees: 1500,
        seed: 3,
        ..CrowdShape::default()
    };
    app.add_synthetic_crowd(&orga, &edition, &shape)
        .await
        .expect("crowd");
    let wip = app
        .work_in_progress(&orga, &edition)
        .await
        .unwrap()
        .schedule;
    for (i, room) in wip.rooms.iter().enumerate() {
        let seats = if i == 0 {
            5000
        } else {
            100 + 50 * (i as u32 % 6)
        };
        app.set_room_capacity(&orga, &edition, room.slug.as_str(), Some(seats))
            .await
            .unwrap();
    }
    edition
}

fn options(from_scratch: bool) -> SolveOptions {
    SolveOptions {
        budget: Budget::iterations(30_000),
        seed: 11,
        threads: 2,
        keep_close: false,
        interest: None,
        from_scratch,
    }
}

on_both_backends!(
    solve_compare_pin_apply_on_the_kubecon_schedule,
    a_clash_among_pins_is_refused_with_its_names,
    interest_polls_are_read_with_located_errors,
);

async fn solve_compare_pin_apply_on_the_kubecon_schedule(db: TestDb) {
    let app = db.app().await;
    let orga = hallway_testkit::operator();
    let edition = kubecon_with_crowd(&app).await;
    let released = app
        .release(&orga, &edition, Force::OnlyIfChanged)
        .await
        .unwrap();
    let wip = app
        .work_in_progress(&orga, &edition)
        .await
        .unwrap()
        .schedule;

    // Pin a talk by its Sched UID: the proposal must leave it where it is.
    let movable = app.movable_sessions(&orga, &edition).await.unwrap();
    assert!(movable.len() > 400, "{} movable", movable.len());
    let talk = wip
        .sessions
        .iter()
        .find(|x| {
            x.session_type == hallway_testkit::domain::SessionType::Talk
                && movable.contains(&x.guid)
        })
        .unwrap();
    let uid = talk.source_uid.clone().expect("Sched UIDs are kept");
    let pinned = app
        .find_sessions(&orga, &edition, std::slice::from_ref(&uid))
        .await
        .unwrap();
    assert_eq!(pinned, vec![talk.guid]);
    app.pin_sessions(&orga, &edition, &pinned, true)
        .await
        .unwrap();
    assert_eq!(app.pinned_sessions(&orga, &edition).await.unwrap(), pinned);

    let mut job = app
        .start_solve(&orga, &edition, options(true))
        .await
        .unwrap();
    let bound = job.progress.borrow().bound;
    let proposal = job.done.await.unwrap().unwrap();
    assert!(
        job.progress.borrow_and_update().permille > 0,
        "progress was reported"
    );
    assert_eq!(proposal.number, 1);
    assert_eq!(proposal.figures.hard, 0, "{:?}", proposal.figures);
    assert_eq!(proposal.bound.cost, bound);
    assert!(proposal.bound.cost <= proposal.figures.cost);
    let here = proposal
        .placements
        .iter()
        .find(|p| p.guid == talk.guid)
        .unwrap();
    assert_eq!(
        (Some(&here.room), here.start),
        (talk.slots[0].room.as_ref(), talk.slots[0].start)
    );

    // Compared with the work in progress, it scores what the solve said, and better.
    let c = app.compare_proposal(&orga, &edition, None).await.unwrap();
    assert_eq!(c.number, 1);
    assert_eq!(c.proposed, proposal.figures);
    assert!(c.proposed.conflicts < c.current.conflicts, "{c:?}");
    assert!(c.proposed.overflow < c.current.overflow, "{c:?}");
    assert!(c.moved > 0);
    assert!(!c.biggest.is_empty());
    assert!(
        c.biggest
            .windows(2)
            .all(|w| w[0].attendees >= w[1].attendees)
    );
    assert!(c.biggest.iter().all(|l| !l.why.is_empty()));

    // Applying writes the work in progress, never the release.
    let applied = app
        .apply_proposal(&orga, &edition, None, StaleProposal::Refuse)
        .await
        .unwrap();
    assert_eq!(applied.number, 1);
    // Applied, it is stale: the work in progress is a version past the one it was solved on.
    let again = app
        .apply_proposal(&orga, &edition, Some(1), StaleProposal::Refuse)
        .await
        .unwrap_err();
    let text = again.to_string();
    assert!(
        matches!(again, AppError::Conflict(_))
            && text.contains(&format!(
                "proposal 1 was solved on version {} of the work in progress, which is now at version {}",
                applied.version - 1,
                applied.version
            ))
            && text.contains("solve again"),
        "{text}"
    );
    let counts = applied.changes.counts();
    assert!(counts.moved_in_time + counts.moved_room > 0);
    assert_eq!((counts.added, counts.removed), (0, 0));
    let after = app.compare_proposal(&orga, &edition, None).await.unwrap();
    assert_eq!(after.moved, 0);
    assert_eq!(after.current, proposal.figures);
    let latest = app
        .latest_release(&released.schedule.edition.slug)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(latest.number, released.number);
    assert_eq!(latest.schedule, released.schedule);

    // Re-optimizing close to the applied timetable moves little.
    let close = SolveOptions {
        keep_close: true,
        ..options(false)
    };
    let second = app.solve_schedule(&orga, &edition, close).await.unwrap();
    assert_eq!(second.number, 2);
    assert!(second.keep_close);
    assert!(second.figures.changes < 60, "{:?}", second.figures);

    app.pin_sessions(&orga, &edition, &pinned, false)
        .await
        .unwrap();
    assert!(
        app.pinned_sessions(&orga, &edition)
            .await
            .unwrap()
            .is_empty()
    );
    let unknown = app
        .find_sessions(&orga, &edition, &["no-such-session".to_owned()])
        .await
        .unwrap_err();
    assert!(unknown.to_string().contains("no-such-session"), "{unknown}");
}

async fn a_clash_among_pins_is_refused_with_its_names(db: TestDb) {
    let app = db.app().await;
    let orga = hallway_testkit::operator();
    let edition = kubecon_with_crowd(&app).await;
    // Two talks put into the same room at the same time, and both pinned there.
    let read = app.work_in_progress(&orga, &edition).await.unwrap();
    let mut wip = read.schedule;
    let movable = app.movable_sessions(&orga, &edition).await.unwrap();
    let talks: Vec<usize> = (0..wip.sessions.len())
        .filter(|&i| {
            let x = &wip.sessions[i];
            movable.contains(&x.guid) && x.duration_minutes == 30
        })
        .collect();
    let (a, b) = (talks[0], talks[1]);
    wip.sessions[b].slots = wip.sessions[a].slots.clone();
    db.store()
        .await
        .save_work_in_progress(&wip, read.version)
        .await
        .unwrap();
    let both = [wip.sessions[a].guid, wip.sessions[b].guid];
    app.pin_sessions(&orga, &edition, &both, true)
        .await
        .unwrap();
    let before = app
        .work_in_progress(&orga, &edition)
        .await
        .unwrap()
        .schedule;
    let err = app
        .solve_schedule(&orga, &edition, options(false))
        .await
        .unwrap_err();
    let AppError::Invalid(text) = &err else {
        panic!("{err:?}")
    };
    assert!(
        text.contains(&format!("{:?}", wip.sessions[a].title))
            && text.contains(&format!("{:?}", wip.sessions[b].title))
            && text.contains("are both pinned to"),
        "{text}"
    );
    assert_eq!(
        app.work_in_progress(&orga, &edition)
            .await
            .unwrap()
            .schedule,
        before
    );
    assert!(
        app.compare_proposal(&orga, &edition, None).await.is_err(),
        "no proposal stored"
    );
}

async fn interest_polls_are_read_with_located_errors(db: TestDb) {
    let app = db.app().await;
    let orga = hallway_testkit::operator();
    let edition = kubecon_with_crowd(&app).await;
    let wip = app
        .work_in_progress(&orga, &edition)
        .await
        .unwrap()
        .schedule;
    let unique = |t: &str| wip.sessions.iter().filter(|x| x.title == t).count() == 1;
    let mut talks = wip.sessions.iter().filter(|x| unique(&x.title));
    let (a, b) = (talks.next().unwrap(), talks.next().unwrap());
    let csv = format!(
        "attendee,session\r\nada,{}\r\nada,\"{}\"\r\nbob,{}\r\nada,{}\r\n",
        a.guid,
        b.title.replace('"', "\"\""),
        b.source_uid.clone().unwrap(),
        a.guid
    );
    let lists = app
        .read_interest(&orga, &edition, "poll.csv", csv.as_bytes())
        .await
        .unwrap();
    assert_eq!(lists, vec![vec![a.guid, b.guid], vec![b.guid]]);

    let bad = format!("attendee,session\nada,{}\nbob,nothing-like-it\n", a.guid);
    let err = app
        .read_interest(&orga, &edition, "poll.csv", bad.as_bytes())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("poll.csv: line 3") && err.contains("nothing-like-it"),
        "{err}"
    );
    let shared = wip
        .sessions
        .iter()
        .find(|x| !unique(&x.title))
        .expect("some titles repeat");
    let ambiguous = format!(
        "attendee,session\nada,\"{}\"\n",
        shared.title.replace('"', "\"\"")
    );
    let err = app
        .read_interest(&orga, &edition, "poll.csv", ambiguous.as_bytes())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("poll.csv: line 2") && err.contains("name it by GUID"),
        "{err}"
    );
    let err = app
        .read_interest(&orga, &edition, "poll.csv", b"who,what\nada,x\n")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("poll.csv: line 1") && err.contains("no attendee column"),
        "{err}"
    );
    let err = app
        .read_interest(&orga, &edition, "poll.csv", b"")
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("poll.csv") && err.contains("empty"), "{err}");

    // A solve on the poll's interest counts only the poll's attendees.
    let poll = SolveOptions {
        interest: Some(lists),
        ..options(false)
    };
    let proposal = app.solve_schedule(&orga, &edition, poll).await.unwrap();
    assert_eq!(proposal.figures.conflicts, 0);
    assert_eq!(proposal.figures.hard, 0);
}
