//! The day grid keeps its filters across days and views, "now and next" answers for any
//! moment of the conference, and every page shows its times in the zone a viewer asks for.

use hallway_testkit::{TestDb, TestServer, client, released_kubecon};
use reqwest::StatusCode;

async fn get(server: &TestServer, path: &str) -> (StatusCode, String) {
    let r = client().get(server.url(path)).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

fn cells(page: &str) -> usize {
    page.matches("class=\"cell ").count() + page.matches("<li class=\"t-").count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_grid_filters_and_keeps_its_filters() {
    let db = TestDb::sqlite();
    let app = db.app().await;
    released_kubecon(&app).await;
    let server = TestServer::start(app).await;

    let (_, all) = get(&server, "/kccnceu2026/schedule/2026-03-25/").await;
    let (status, security) = get(&server, "/kccnceu2026/schedule/2026-03-25/?track=security").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        cells(&security) > 0 && cells(&security) < cells(&all) / 4,
        "{} of {}",
        cells(&security),
        cells(&all)
    );
    assert!(
        security.contains("<option value=\"security\" selected>"),
        "the form shows the filter"
    );
    assert!(
        security.contains("href=\"/kccnceu2026/schedule/2026-03-26/?track=security\""),
        "day links keep it"
    );
    assert!(
        security.contains("href=\"/kccnceu2026/schedule/2026-03-25/list?track=security\""),
        "so does the list link"
    );
    // The 06:30 fun run is listed above the grid; the grid opens with the day's program.
    assert!(
        !all.contains(">06:30</div>"),
        "the grid starts at the fun run"
    );
    let band = all.split("<details class=\"band\">").nth(1).unwrap();
    let band = band.split("</details>").next().unwrap();
    assert!(band.contains("Group Fun Run/Walk"), "{band}");
    let (status, _) = get(&server, "/kccnceu2026/schedule/2026-03-25/?type=nonsense").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = get(&server, "/kccnceu2026/schedule/2031-03-25/?track=security").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn now_and_next_at_any_moment() {
    let db = TestDb::sqlite();
    let app = db.app().await;
    released_kubecon(&app).await;
    let server = TestServer::start(app).await;

    let (status, page) = get(&server, "/kccnceu2026/now?at=2026-03-25T11:20:00%2B01:00").await;
    assert_eq!(status, StatusCode::OK);
    let (now, next) = page.split_once("<h2>Next").unwrap();
    assert!(now.contains("Wed 25 Mar 11:20 CET"), "{now}");
    assert!(now.matches("<li class=\"session").count() > 10, "{now}");
    assert!(next.contains("Wed 25 Mar 11:"), "{next}");
    assert!(next.matches("<li class=\"session").count() > 0, "{next}");
    assert!(page.contains("href=\"/kccnceu2026/schedule/2026-03-25/\">today's schedule"));

    let (_, after) = get(&server, "/kccnceu2026/now?at=2027-01-01T00:00:00Z").await;
    assert!(after.contains("Nothing is on right now.") && after.contains("the conference is over"));
    let (status, _) = get(&server, "/kccnceu2026/now?at=yesterday").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // The current moment's page is rendered once a minute: within one, the same bytes.
    let current = || async {
        let minute = jiff::Timestamp::now().as_second() / 60;
        let r = client()
            .get(server.url("/kccnceu2026/now"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let etag = r.headers()["etag"].to_str().unwrap().to_owned();
        (minute, etag, r.text().await.unwrap())
    };
    let (m1, etag1, page1) = current().await;
    let (m2, etag2, page2) = current().await;
    if m1 == m2 {
        assert_eq!((etag1, page1), (etag2, page2));
    }
    server.stop().await;
}

/// The start of the first slot on a session page, and its time as shown ("03:00" or, where the
/// date differs from the venue's, "Tue 24 Mar 22:30").
fn first_time(page: &str) -> (jiff::Timestamp, String) {
    let rest = page.split("<time datetime=\"").nth(1).expect("a slot");
    let (iso, rest) = rest.split_once("\">").unwrap();
    let shown = rest.split('–').next().unwrap().to_owned();
    (iso.parse().unwrap(), shown)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn times_in_the_viewers_zone() {
    let db = TestDb::sqlite();
    let app = db.app().await;
    released_kubecon(&app).await;
    let server = TestServer::start(app).await;

    // Sessions of Wednesday, in the venue's zone and in Los Angeles'.
    let (_, day) = get(&server, "/kccnceu2026/schedule/2026-03-25/list").await;
    let hrefs: Vec<&str> = day
        .split("<a href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|h| h.contains("/sessions/"))
        .collect();
    assert!(hrefs.len() > 100);
    for href in hrefs.iter().step_by(25) {
        let (_, venue) = get(&server, href).await;
        let (status, la) = get(&server, &format!("{href}?tz=America/Los_Angeles")).await;
        assert_eq!(status, StatusCode::OK);
        let (at, venue_time) = first_time(&venue);
        let (la_at, la_time) = first_time(&la);
        assert_eq!(at, la_at, "the same instant, with the zone's offset");
        // In late March 2026 Los Angeles is 8 hours behind Amsterdam, not the usual 9: the
        // United States moved to summer time on 8 March, the European Union only on 29 March.
        let minutes = |shown: &str| {
            let hm = &shown[shown.len() - 5..];
            hm[..2].parse::<i64>().unwrap() * 60 + hm[3..].parse::<i64>().unwrap()
        };
        assert_eq!(
            (minutes(&venue_time) - minutes(&la_time)).rem_euclid(24 * 60),
            8 * 60,
            "{venue_time} in Amsterdam is {la_time} in Los Angeles"
        );
        assert_eq!(
            la_time.len() > 5,
            at.to_zoned(jiff::tz::TimeZone::get("America/Los_Angeles").unwrap())
                .date()
                .day()
                != 25,
            "the date shows where it is not the venue's: {la_time}"
        );
        assert!(
            venue.contains("(CET)") && la.contains("(PDT)"),
            "zones are labelled"
        );
        assert!(
            la.contains("Times in America/Los_Angeles; the venue is in Europe/Amsterdam."),
            "{la}"
        );
        assert!(
            la.contains("href=\"/kccnceu2026/schedule/?tz=America/Los_Angeles\""),
            "links keep the zone"
        );
    }

    // Every kind of public page takes a zone, and refuses one that is not.
    let (_, session) = get(&server, hrefs[0]).await;
    let speaker = session
        .split("href=\"/kccnceu2026/speakers/")
        .nth(1)
        .map(|rest| format!("/kccnceu2026/speakers/{}", rest.split('"').next().unwrap()));
    for path in [
        "/",
        "/kccnceu2026/",
        "/kccnceu2026/schedule/",
        "/kccnceu2026/schedule/2026-03-25/",
        "/kccnceu2026/schedule/2026-03-25/?track=security",
        "/kccnceu2026/schedule/2026-03-25/list",
        "/kccnceu2026/schedule/2026-03-25/list?type=keynote",
        "/kccnceu2026/speakers/",
        speaker.as_deref().unwrap_or("/kccnceu2026/speakers/"),
        "/kccnceu2026/changelog",
        "/kccnceu2026/search?q=kubernetes",
        "/kccnceu2026/now?at=2026-03-25T11:20:00%2B01:00",
        hrefs[0],
    ] {
        let sep = if path.contains('?') { '&' } else { '?' };
        let (status, page) = get(&server, &format!("{path}{sep}tz=America/Los_Angeles")).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            page.contains("tz=America/Los_Angeles\""),
            "{path} keeps the zone"
        );
        let (status, page) = get(&server, &format!("{path}{sep}tz=Mars/Base")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert!(
            page.contains("Mars/Base"),
            "{path}: the error names the zone: {page}"
        );
    }
    let (_, now) = get(
        &server,
        "/kccnceu2026/now?at=2026-03-25T11:20:00%2B01:00&tz=America/Los_Angeles",
    )
    .await;
    assert!(now.contains("Wed 25 Mar 03:20 PDT"), "{now}");
    let (_, grid) = get(
        &server,
        "/kccnceu2026/schedule/2026-03-25/?tz=America/Los_Angeles",
    )
    .await;
    assert!(
        grid.contains("Times in America/Los_Angeles."),
        "the grid says its zone"
    );
    assert!(
        grid.contains("<input type=\"hidden\" name=\"tz\" value=\"America/Los_Angeles\">"),
        "the filter form keeps the zone"
    );

    // The venue's own zone is the venue's pages, byte for byte.
    let (_, venue_day) = get(&server, "/kccnceu2026/schedule/2026-03-25/list").await;
    let (_, named) = get(
        &server,
        "/kccnceu2026/schedule/2026-03-25/list?tz=Europe/Amsterdam",
    )
    .await;
    assert_eq!(venue_day, named);
    server.stop().await;
}
