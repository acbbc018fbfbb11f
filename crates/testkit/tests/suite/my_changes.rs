//! Schedule changes that matter to an attendee, on both backends: the bookmarked sessions a
//! release moved, re-roomed or cancelled, seen since the last look, mailed once per release
//! to those who asked (however many processes do the work), and the private calendar feed
//! that follows the releases.

use hallway_store::{ChangeStore, OutboxStore, ReleaseStore, StoreError};
use hallway_testkit::domain::agenda::Set;
use hallway_testkit::domain::{ChangeSet, Guid, Schedule, Slug};
use hallway_testkit::hallway_app::{
    App, AppError, MailWorker, MarkChange, Since, SmtpSettings, Store, Viewer,
};
use hallway_testkit::smtp::SmtpServer;
use hallway_testkit::{TestDb, TestServer, client, quick_sessions, released_kubecon_sample};
use jiff::SignedDuration;
use reqwest::StatusCode;
use reqwest::header::COOKIE;

on_both_backends!(
    changes_to_bookmarks_are_shown_since_last_seen_and_mailed_once,
    the_private_calendar_follows_releases_and_dies_when_revoked,
    the_settings_and_changes_pages_work_without_javascript,
);

/// An edition released twice, three of its sessions that no release changed yet (a, b, c),
/// and attendees: 0 and 1 asked for mails, 2 did not; 0 and 2 bookmarked a, b and c, 1
/// bookmarked another session only.
struct Setup {
    app: App,
    store: Store,
    edition: String,
    slug: Slug,
    a: Guid,
    b: Guid,
    c: Guid,
    people: Vec<(Viewer, String)>,
}

async fn setup(db: &TestDb) -> Setup {
    let app = db.app().await.with_public_url("https://hallway.test/");
    let store = db.store().await;
    let edition = released_kubecon_sample(&app).await;
    let slug = Slug::parse(&edition).unwrap();
    let orga = hallway_testkit::operator();
    let touched: Vec<Guid> = app
        .release_notes(&slug)
        .await
        .unwrap()
        .iter()
        .flat_map(|n| n.changes.changes.iter().map(|c| c.guid()))
        .collect();
    let wip = app
        .work_in_progress(&orga, &edition)
        .await
        .unwrap()
        .schedule;
    let quiet: Vec<Guid> = wip
        .sessions
        .iter()
        .filter(|s| !touched.contains(&s.guid) && s.slots.len() == 1 && s.slots[0].room.is_some())
        .map(|s| s.guid)
        .collect();
    let (a, b, c, d) = (quiet[0], quiet[1], quiet[2], quiet[3]);
    let people = quick_sessions(&app, &store, "att", 3).await;
    let bookmark = |g: Guid, i: usize| MarkChange {
        id: format!("bm-{g}-{i}"),
        session: g,
        set: Set::Interested(true),
        at: 1_000,
    };
    for i in [0, 2] {
        let marks: Vec<_> = [a, b, c].iter().map(|g| bookmark(*g, i)).collect();
        app.mark_sessions(&people[i].0, &edition, &marks)
            .await
            .unwrap();
    }
    app.mark_sessions(&people[1].0, &edition, &[bookmark(d, 1)])
        .await
        .unwrap();
    for i in [0, 1] {
        app.set_change_mails(&people[i].0, &edition, true)
            .await
            .unwrap();
    }
    Setup {
        app,
        store,
        edition,
        slug,
        a,
        b,
        c,
        people,
    }
}

/// Saves the work in progress after `change`.
async fn edit(s: &Setup, change: impl FnOnce(&mut Schedule)) {
    let orga = hallway_testkit::operator();
    let wip = s.app.work_in_progress(&orga, &s.edition).await.unwrap();
    let mut schedule = wip.schedule;
    change(&mut schedule);
    s.app
        .save_work_in_progress(&orga, &schedule, wip.version)
        .await
        .unwrap();
}

fn moved_an_hour(guid: Guid) -> impl FnOnce(&mut Schedule) {
    move |s: &mut Schedule| {
        let x = s.sessions.iter_mut().find(|x| x.guid == guid).unwrap();
        x.slots[0].start += SignedDuration::from_hours(1);
        x.slots[0].end += SignedDuration::from_hours(1);
    }
}

/// Release 3 moves a (by the app, which queues the mails); release 4 re-rooms b and cancels c
/// and is made as a process that stopped before its mails would leave it.
async fn two_releases(s: &Setup) {
    let orga = hallway_testkit::operator();
    edit(s, moved_an_hour(s.a)).await;
    s.app
        .release(
            &orga,
            &s.edition,
            hallway_testkit::hallway_app::Force::OnlyIfChanged,
        )
        .await
        .unwrap();
    let (b, c) = (s.b, s.c);
    edit(s, move |sch| {
        let other = sch
            .rooms
            .iter()
            .map(|r| r.slug.clone())
            .find(|r| {
                sch.sessions
                    .iter()
                    .find(|x| x.guid == b)
                    .is_some_and(|x| x.slots[0].room.as_ref() != Some(r))
            })
            .unwrap();
        let x = sch.sessions.iter_mut().find(|x| x.guid == b).unwrap();
        x.slots[0].room = Some(other);
        sch.sessions.retain(|x| x.guid != c);
    })
    .await;
    s.store
        .create_release(&s.slug, jiff::Timestamp::now(), |new, old| {
            Ok::<_, StoreError>(Some(ChangeSet::between(old.unwrap(), new)))
        })
        .await
        .unwrap();
}

fn change_mails(outbox: &[hallway_testkit::hallway_app::MailStatus]) -> Vec<(String, String)> {
    outbox
        .iter()
        .filter(|m| m.key.starts_with("schedule-changes:"))
        .map(|m| (m.key.clone(), m.recipient.clone()))
        .collect()
}

async fn changes_to_bookmarks_are_shown_since_last_seen_and_mailed_once(db: TestDb) {
    let s = setup(&db).await;
    two_releases(&s).await;
    let me = &s.people[0].0;

    // What matters to me: newest first, each saying from what to what.
    let mine = s
        .app
        .my_schedule_changes(me, &s.edition, Since::Ever)
        .await
        .unwrap();
    assert_eq!(mine.latest, 4);
    let numbers: Vec<u32> = mine.releases.iter().map(|r| r.number).collect();
    assert_eq!(numbers, vec![4, 3]);
    let r4 = &mine.releases[0];
    assert_eq!(r4.changes.len(), 2, "{r4:?}");
    let b = r4
        .changes
        .iter()
        .find(|x| x.guid == s.b.to_string())
        .unwrap();
    assert!(b.what.starts_with("moved from ") && !b.cancelled, "{b:?}");
    let c = r4
        .changes
        .iter()
        .find(|x| x.guid == s.c.to_string())
        .unwrap();
    assert_eq!((c.what.as_str(), c.cancelled), ("cancelled", true));
    let a = &mine.releases[1].changes[0];
    assert_eq!(a.guid, s.a.to_string());
    assert!(
        a.what.contains(" to ") && a.what.chars().filter(|c| *c == '–').count() == 2,
        "{a:?}"
    );
    // Someone who bookmarked none of them has no changes.
    let theirs = s
        .app
        .my_schedule_changes(&s.people[1].0, &s.edition, Since::Ever)
        .await
        .unwrap();
    assert!(theirs.releases.is_empty());

    // The banner shows what came after the release last seen.
    let unseen = |v: &Viewer| {
        let v = v.clone();
        let (app, edition) = (s.app.clone(), s.edition.clone());
        async move { app.my_schedule_changes(&v, &edition, Since::Unseen).await }
    };
    assert_eq!(unseen(me).await.unwrap().releases.len(), 2);
    s.app.acknowledge_changes(me, &s.edition, 3).await.unwrap();
    let after = unseen(me).await.unwrap();
    assert_eq!((after.seen, after.releases.len()), (3, 1));
    // Acknowledging an older release does not bring it back; a release that does not exist
    // is refused with its number.
    s.app.acknowledge_changes(me, &s.edition, 1).await.unwrap();
    assert_eq!(unseen(me).await.unwrap().seen, 3);
    let refused = s.app.acknowledge_changes(me, &s.edition, 9).await;
    assert!(
        matches!(&refused, Err(AppError::Invalid(m)) if m.contains("no release 9")),
        "{refused:?}"
    );
    let missing = s.app.acknowledge_changes(me, "no-such-edition", 1).await;
    assert!(matches!(missing, Err(AppError::NotFound(_))), "{missing:?}");
    s.app.acknowledge_changes(me, &s.edition, 4).await.unwrap();
    assert!(unseen(me).await.unwrap().releases.is_empty());
    // Each attendee's own: the other one still has everything unseen.
    assert_eq!(unseen(&s.people[2].0).await.unwrap().releases.len(), 2);

    // Release 3's mail was queued by the release itself, to the one who asked and has changes.
    let mails = change_mails(&s.store.outbox(100).await.unwrap());
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(mails[0].0.contains(":3:") && mails[0].1 == "att0@example.org");

    // Release 4's mails are left to the sweep: two processes do it at once, and then again.
    let second = App::new(db.store().await).with_public_url("https://hallway.test/");
    let (x, y) = tokio::join!(
        s.app.mail_unmailed_changes(),
        second.mail_unmailed_changes()
    );
    assert_eq!(x.unwrap() + y.unwrap(), 1, "one mail between them");
    assert_eq!(s.app.mail_unmailed_changes().await.unwrap(), 0);
    assert!(s.store.unmailed_releases().await.unwrap().is_empty());
    let mails = change_mails(&s.store.outbox(100).await.unwrap());
    assert_eq!(mails.len(), 2, "{mails:?}");
    assert!(mails.iter().all(|m| m.1 == "att0@example.org"));

    // They reach a real SMTP server once each, listing only my changes.
    let smtp = SmtpServer::start().await;
    let worker = MailWorker::new(
        s.app.clone(),
        SmtpSettings::new(&smtp.url(), "Hallway <noreply@hallway.test>"),
    )
    .unwrap();
    let sent = worker.send_due().await.unwrap();
    assert_eq!(sent.failed, 0);
    assert_eq!(worker.send_due().await.unwrap().sent, 0, "never twice");
    let received: Vec<String> = smtp
        .messages()
        .into_iter()
        .filter(|m| m.contains("Message-ID: <schedule-changes."))
        .collect();
    assert_eq!(received.len(), 2, "{received:#?}");
    let r4 = received
        .iter()
        .find(|m| m.contains(&format!("<schedule-changes.{}.4.", s.edition)))
        .expect("the mail of release 4");
    assert!(r4.contains("To: att0@example.org"), "{r4}");
    assert!(r4.contains("Release 4 of the"), "{r4}");
    assert!(r4.contains(": cancelled"), "{r4}");
    assert!(
        r4.contains(&format!(
            "https://hallway.test/{}/sessions/{}",
            s.edition, s.b
        )),
        "{r4}"
    );
    assert!(
        !r4.contains(&s.a.to_string()),
        "only release 4's changes: {r4}"
    );
    assert!(
        r4.contains(&format!("https://hallway.test/me/{}/settings", s.edition)),
        "{r4}"
    );

    // The row is what keeps a mail single: queueing release 4's mail for me again writes
    // nothing, whatever its key.
    let me_id = {
        use hallway_store::AccountStore;
        let email = hallway_testkit::domain::Email::parse("att0@example.org").unwrap();
        s.store.user_by_email(&email).await.unwrap().id
    };
    let again = hallway_store::NewMail {
        key: "another-key".into(),
        recipient: "att0@example.org".into(),
        subject: "again".into(),
        body: "again".into(),
    };
    assert!(
        !s.store
            .queue_change_mail(&s.slug, me_id, 4, &again, 0)
            .await
            .unwrap()
    );
    assert_eq!(change_mails(&s.store.outbox(100).await.unwrap()).len(), 2);
    assert!(
        !s.store
            .outbox(100)
            .await
            .unwrap()
            .iter()
            .any(|m| m.key == "another-key")
    );

    // Releasing again changes nothing and mails nobody again.
    let again = s
        .app
        .release(
            &hallway_testkit::operator(),
            &s.edition,
            hallway_testkit::hallway_app::Force::Always,
        )
        .await
        .unwrap();
    assert_eq!(again.number, 5);
    assert_eq!(change_mails(&s.store.outbox(100).await.unwrap()).len(), 2);

    // Opting out stops the mails.
    s.app.set_change_mails(me, &s.edition, false).await.unwrap();
    assert!(!s.app.change_settings(me, &s.edition).await.unwrap().mails);
    assert!(
        s.store
            .change_mail_recipients(&s.slug)
            .await
            .unwrap()
            .iter()
            .all(|r| r.email != "att0@example.org")
    );
    // An edition that does not exist is named.
    let missing = s.app.change_settings(me, "no-such-edition").await;
    assert!(matches!(missing, Err(AppError::NotFound(_))), "{missing:?}");
}

fn secret_of(url: &str) -> String {
    url.rsplit('/')
        .next()
        .unwrap()
        .trim_end_matches(".ics")
        .to_owned()
}

/// One VEVENT of a calendar, by its UID, unfolded.
fn event<'a>(ics: &'a str, uid: &Guid) -> Option<&'a str> {
    let at = ics.find(&format!("UID:{uid}\r\n"))?;
    let start = ics[..at].rfind("BEGIN:VEVENT")?;
    let end = at + ics[at..].find("END:VEVENT")?;
    Some(&ics[start..end])
}

fn validate_ical(ics: &str) {
    let root = hallway_testkit::data_dir().join("..");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.ics");
    std::fs::write(&path, ics).unwrap();
    let python = root.join("tests/validate/.venv/bin/python");
    let out = std::process::Command::new(&python)
        .arg(root.join("tests/validate/validate.py"))
        .arg("ical")
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}; run ./scripts/test.sh", python.display()));
    assert!(
        out.status.success(),
        "the iCalendar validators refuse the feed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn the_private_calendar_follows_releases_and_dies_when_revoked(db: TestDb) {
    let s = setup(&db).await;
    let (me, other) = (&s.people[0].0, &s.people[1].0);
    assert!(
        s.app
            .calendar_feed_address(me, &s.edition)
            .await
            .unwrap()
            .is_none()
    );
    let address = s.app.new_calendar_feed(me, &s.edition).await.unwrap();
    assert!(
        address
            .url
            .starts_with(&format!("https://hallway.test/me/{}/calendar/", s.edition)),
        "{address:?}"
    );
    let secret = secret_of(&address.url);
    assert_eq!(
        s.app.calendar_feed_address(me, &s.edition).await.unwrap(),
        Some(address.clone()),
        "shown again to its owner"
    );
    let before = s.app.private_calendar(&s.edition, &secret).await.unwrap();
    validate_ical(&before);
    for g in [s.a, s.b, s.c] {
        let e = event(&before, &g).unwrap_or_else(|| panic!("{g} in {before}"));
        assert!(e.contains("STATUS:CONFIRMED"), "{e}");
    }
    // Only my bookmarks: not what the other attendee bookmarked.
    assert_eq!(before.matches("BEGIN:VEVENT").count(), 3, "{before}");

    // The same UIDs as the public feed.
    let public = s
        .app
        .latest_release(&s.slug)
        .await
        .unwrap()
        .unwrap()
        .schedule;
    assert!(public.sessions.iter().any(|x| x.guid == s.a));

    two_releases(&s).await;
    let after = s.app.private_calendar(&s.edition, &secret).await.unwrap();
    validate_ical(&after);
    let a = event(&after, &s.a).unwrap();
    assert!(
        a.contains("SEQUENCE:3") && a.contains("STATUS:CONFIRMED"),
        "{a}"
    );
    let b = event(&after, &s.b).unwrap();
    assert!(b.contains("SEQUENCE:4"), "{b}");
    let c = event(&after, &s.c).expect("the cancelled session is still sent");
    assert!(
        c.contains("STATUS:CANCELLED") && c.contains("SEQUENCE:4"),
        "{c}"
    );
    assert!(c.contains("DTSTART;TZID="), "as it last was: {c}");
    let seq = |e: &str| -> u32 {
        e.lines()
            .find_map(|l| l.strip_prefix("SEQUENCE:"))
            .map_or(0, |n| n.trim().parse().unwrap())
    };
    let c_before = event(&before, &s.c).unwrap();
    assert!(seq(c) > seq(c_before), "{c_before}\n{c}");

    // Over HTTP, with no cookie at all: the address is the key.
    let server = TestServer::start(s.app.clone()).await;
    let path = |secret: &str| format!("/me/{}/calendar/{secret}.ics", s.edition);
    let r = client()
        .get(server.url(&path(&secret)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    assert!(r.text().await.unwrap().contains("STATUS:CANCELLED"));
    // Unknown secrets, malformed ones and another edition's path: 404.
    for wrong in [
        "0".repeat(64),
        "not-a-secret".to_owned(),
        secret.to_uppercase(),
    ] {
        let r = client()
            .get(server.url(&path(&wrong)))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{wrong}");
    }
    let r = client()
        .get(server.url(&format!("/me/other-edition/calendar/{secret}.ics")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Another attendee's feed is never theirs to read: they have no address until they make
    // their own, and theirs holds their bookmarks only.
    assert!(
        s.app
            .calendar_feed_address(other, &s.edition)
            .await
            .unwrap()
            .is_none()
    );
    let theirs = s.app.new_calendar_feed(other, &s.edition).await.unwrap();
    assert_ne!(secret_of(&theirs.url), secret);
    let their_ics = s
        .app
        .private_calendar(&s.edition, &secret_of(&theirs.url))
        .await
        .unwrap();
    assert!(event(&their_ics, &s.a).is_none());

    // A new address revokes the old one; revoking leaves none.
    let renewed = s.app.new_calendar_feed(me, &s.edition).await.unwrap();
    let r = client()
        .get(server.url(&path(&secret)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "the replaced address");
    let fresh = secret_of(&renewed.url);
    let r = client()
        .get(server.url(&path(&fresh)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(s.app.revoke_calendar_feed(me, &s.edition).await.unwrap());
    assert!(!s.app.revoke_calendar_feed(me, &s.edition).await.unwrap());
    let r = client()
        .get(server.url(&path(&fresh)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "the revoked address");
    let gone = s.app.private_calendar(&s.edition, &fresh).await;
    assert!(matches!(gone, Err(AppError::NotFound(_))), "{gone:?}");
    server.stop().await;
}

/// Replaces what changes from run to run (tokens, secrets, times, asset hashes).
fn stable(page: &str, csrf: &str) -> String {
    let page = page.replace(csrf, "[csrf]");
    let mut kept = String::new();
    let mut rest = page.as_str();
    while let Some((before, after)) = rest.split_once("/static/hallway.") {
        kept.push_str(before);
        kept.push_str("/static/hallway.[hash].");
        rest = after.split_once('.').map_or("", |(_, tail)| tail);
    }
    kept.push_str(rest);
    let mut out = String::new();
    for line in kept.lines() {
        let line = if let Some(at) = line.find("/calendar/") {
            let end = line[at..].find(".ics").map_or(line.len(), |e| at + e);
            format!("{}/calendar/[secret]{}", &line[..at], &line[end..])
        } else {
            line.to_owned()
        };
        let line = match (line.find("Made "), line.find("Released ")) {
            (Some(at), _) => format!("{}Made [time].</p>", &line[..at]),
            (_, Some(at)) => format!("{}Released [time].</p>", &line[..at]),
            _ => line,
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

async fn nu_check(name: &str, html: &str) {
    let jar = crate::checkers::browser_dir().join("node_modules/vnu-jar/build/dist/vnu.jar");
    assert!(
        jar.is_file(),
        "vnu.jar is missing: run `npm ci --prefix tests/browser`"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("{name}.html"));
    std::fs::write(&file, html).unwrap();
    let errors = tokio::task::spawn_blocking(move || crate::checkers::nu_check(&jar, &[file]))
        .await
        .unwrap();
    assert!(
        errors.is_empty(),
        "the Nu HTML Checker on {name}: {errors:?}"
    );
}

async fn the_settings_and_changes_pages_work_without_javascript(db: TestDb) {
    let s = setup(&db).await;
    two_releases(&s).await;
    let server = TestServer::start(s.app.clone()).await;
    let csrf = "d".repeat(64);
    let cookie = format!("hallway_session={}; hallway_csrf={csrf}", s.people[0].1);
    let settings = format!("/me/{}/settings", s.edition);
    let changes = format!("/me/{}/changes", s.edition);
    let get = |path: String| {
        let cookie = cookie.clone();
        let url = server.url(&path);
        async move {
            client()
                .get(url)
                .header(COOKIE, cookie)
                .send()
                .await
                .unwrap()
        }
    };
    let post = |path: String, form: String| {
        let cookie = cookie.clone();
        let url = server.url(&path);
        let origin = server.base.clone();
        async move {
            client()
                .post(url)
                .header(COOKIE, cookie)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("origin", origin)
                .header("sec-fetch-site", "same-origin")
                .body(form)
                .send()
                .await
                .unwrap()
        }
    };
    let anonymous = client().get(server.url(&settings)).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    // The change mails: opted in by the setup; off, then a value that is neither.
    let page = get(settings.clone()).await.text().await.unwrap();
    assert!(page.contains("Stop the change mails"), "{page}");
    let r = post(
        format!("{settings}/mails"),
        format!("csrf={csrf}&mails=off"),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Mail me the changes"));
    let r = post(
        format!("{settings}/mails"),
        format!("csrf={csrf}&mails=maybe"),
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("mails: &#34;maybe&#34; is neither on nor off")
    );
    assert!(
        !s.app
            .change_settings(&s.people[0].0, &s.edition)
            .await
            .unwrap()
            .mails
    );
    // A form without its token changes nothing.
    let r = post(format!("{settings}/mails"), "mails=on".into()).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(
        !s.app
            .change_settings(&s.people[0].0, &s.edition)
            .await
            .unwrap()
            .mails
    );

    // The feed: make it, read it from the page, revoke it.
    let r = post(format!("{settings}/feed"), format!("csrf={csrf}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    let field = "id=\"feed-url\" type=\"url\" readonly value=\"";
    let at = page.find(field).expect("the address on the page") + field.len();
    let url = &page[at..at + page[at..].find('"').unwrap()];
    let path = &url[url.find("/me/").unwrap()..];
    let ics = client().get(server.url(path)).send().await.unwrap();
    assert_eq!(ics.status(), StatusCode::OK);
    if db.url.starts_with("sqlite") {
        insta::assert_snapshot!(
            "me_settings_with_feed",
            crate::pages::stable(&stable(&page, &csrf))
        );
        nu_check("settings", &page).await;
    }
    let r = post(format!("{settings}/feed/revoke"), format!("csrf={csrf}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Make my calendar address"));
    assert_eq!(
        client()
            .get(server.url(path))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let r = post(format!("{settings}/feed/revoke"), format!("csrf={csrf}")).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // The changes page, newest release first, both marked new until seen.
    let r = get(changes.clone()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    let (r4, r3) = (
        page.find("Release 4").unwrap(),
        page.find("Release 3").unwrap(),
    );
    assert!(r4 < r3, "newest first");
    assert!(page.contains("<del>"), "the cancelled session: {page}");
    assert!(page.contains("Mark these as seen"));
    if db.url.starts_with("sqlite") {
        insta::assert_snapshot!("me_changes", crate::pages::stable(&stable(&page, &csrf)));
        nu_check("changes", &page).await;
    }
    let r = post(format!("{changes}/seen"), format!("csrf={csrf}&release=x")).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("release: &#34;x&#34; is not a release number")
    );
    // A banner's form goes back where it was, only ever to a page of the edition.
    for bad in [
        "https://evil.test/",
        "//evil.test/x",
        "/other-edition/schedule/",
    ] {
        let r = post(
            format!("{changes}/seen"),
            format!("csrf={csrf}&release=4&back={bad}"),
        )
        .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert!(r.text().await.unwrap().contains("back: "));
    }
    assert_eq!(
        s.app
            .my_schedule_changes(&s.people[0].0, &s.edition, Since::Unseen)
            .await
            .unwrap()
            .seen,
        0,
        "a refused form changes nothing"
    );
    let r = post(
        format!("{changes}/seen"),
        format!("csrf={csrf}&release=3&back=/{}/schedule/", s.edition),
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        format!("/{}/schedule/", s.edition)
    );
    let r = post(format!("{changes}/seen"), format!("csrf={csrf}&release=4")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(
        !page.contains("Mark these as seen") && !page.contains(">new<"),
        "{page}"
    );
    let theirs = s
        .app
        .my_schedule_changes(&s.people[2].0, &s.edition, Since::Unseen)
        .await
        .unwrap();
    assert_eq!(theirs.seen, 0, "nobody else's");
    // Someone else's edition page of an edition that does not exist: 404.
    let r = get("/me/no-such-edition/settings".into()).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    server.stop().await;
}

/// Both pages in Chromium at a phone's and a laptop's width, signed in: axe-core with the WCAG
/// 2.2 AA rules finds no serious or critical violation (tests/browser/pages.mjs).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_attendee_pages_pass_axe_at_phone_and_laptop_width() {
    let db = TestDb::sqlite();
    let s = setup(&db).await;
    two_releases(&s).await;
    s.app
        .new_calendar_feed(&s.people[0].0, &s.edition)
        .await
        .unwrap();
    let server = TestServer::start(s.app.clone()).await;
    let dir = crate::checkers::browser_dir();
    let shots = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/artifacts/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let args = vec![
        server.base.clone(),
        shots.display().to_string(),
        format!("me-changes=/me/{}/changes", s.edition),
        format!("me-settings=/me/{}/settings", s.edition),
    ];
    let cookie = format!("hallway_session={}", s.people[0].1);
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .arg("pages.mjs")
            .args(&args)
            .env("HALLWAY_COOKIE", cookie)
            .current_dir(&dir)
            .output()
    })
    .await
    .unwrap()
    .expect("node runs (Node.js and Debian's chromium are needed)");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{log}");
    assert!(
        log.contains("axe: no serious or critical violations on 6 page views"),
        "{log}"
    );
    server.stop().await;
}
