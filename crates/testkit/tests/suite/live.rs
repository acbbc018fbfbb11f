//! Live Q&A over real sockets: a client gets exactly what it missed and then each committed
//! change once; attendees' sockets never carry pending or dismissed questions of others, the
//! asker of an anonymous one or the backstage note; bad frames and slow readers lose their own
//! connection only; rate limits hold across replicas; on PostgreSQL a change made on one
//! replica reaches the sockets of another.

use futures_util::{SinkExt, StreamExt};
use hallway_testkit::domain::Role;
use hallway_testkit::hallway_app::{App, QaCtx, RateRule, Store};
use hallway_testkit::{TestDb, TestServer, client, quick_sessions, released_kubecon_sample};
use hallway_web::LiveSettings;
use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::Value;
use std::time::Duration;
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Bytes, Message};
use tokio_tungstenite::{WebSocketStream, client_async};

on_both_backends!(
    a_client_gets_what_it_missed_then_each_change_once,
    rate_limits_hold_per_account_and_address_across_replicas,
);

type Ws = WebSocketStream<TcpStream>;

/// A room with three people signed in: two attendees and an organizer (who moderates).
struct Room {
    app: App,
    edition: String,
    session: String,
    /// Session cookies of `l0` and `l1` (attendees) and `l2` (organizer).
    cookies: Vec<String>,
    ctxs: Vec<QaCtx>,
}

async fn room(db: &TestDb) -> Room {
    let app = db.app().await;
    let store = db.store().await;
    let edition = released_kubecon_sample(&app).await;
    let orga = hallway_testkit::operator();
    let wip = app
        .work_in_progress(&orga, &edition)
        .await
        .unwrap()
        .schedule;
    let session = wip.sessions[0].guid.to_string();
    let people = quick_sessions(&app, &store, "l", 3).await;
    app.grant_role(&orga, &edition, None, "l2@example.org", Role::Organizer)
        .await
        .unwrap();
    let mut ctxs = Vec::new();
    for (v, _) in &people {
        ctxs.push(app.qa_ctx(Some(v), &edition, &session).await.unwrap());
    }
    Room {
        app,
        edition,
        session,
        cookies: people
            .iter()
            .map(|(_, s)| format!("hallway_session={s}"))
            .collect(),
        ctxs,
    }
}

fn quick() -> LiveSettings {
    LiveSettings {
        check_every: Duration::from_millis(100),
        ..LiveSettings::default()
    }
}

async fn connect_with(
    server: &TestServer,
    path: &str,
    cookie: Option<&str>,
    origin: Option<&str>,
    receive_buffer: Option<u32>,
) -> Result<Ws, tokio_tungstenite::tungstenite::Error> {
    let socket = TcpSocket::new_v4().unwrap();
    if let Some(n) = receive_buffer {
        socket.set_recv_buffer_size(n).unwrap();
    }
    let stream = socket.connect(server.addr).await.unwrap();
    let mut request = format!("ws://{}{path}", server.addr)
        .into_client_request()
        .unwrap();
    if let Some(c) = cookie {
        request.headers_mut().insert("cookie", c.parse().unwrap());
    }
    if let Some(o) = origin {
        request.headers_mut().insert("origin", o.parse().unwrap());
    }
    Ok(client_async(request, stream).await?.0)
}

async fn connect(server: &TestServer, r: &Room, after: i64, who: Option<usize>) -> Ws {
    let path = format!("/{}/qa/{}/live?after={after}", r.edition, r.session);
    connect_with(
        server,
        &path,
        who.map(|i| r.cookies[i].as_str()),
        None,
        None,
    )
    .await
    .expect("the socket opens")
}

/// The next message the server sends, as JSON; a close frame as `{"closed": code}`.
async fn next(ws: &mut Ws) -> Value {
    loop {
        let m = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("a message within 10 s");
        match m {
            Some(Ok(Message::Text(t))) => return serde_json::from_str(&t).unwrap(),
            Some(Ok(Message::Close(f))) => {
                return serde_json::json!({ "closed": f.map_or(1005, |f| u16::from(f.code)) });
            }
            Some(Ok(_)) => continue,
            None | Some(Err(_)) => return serde_json::json!({ "closed": 1006 }),
        }
    }
}

/// Changes up to the end of the replay (`{"type":"live"}`).
async fn replayed(ws: &mut Ws) -> Vec<Value> {
    let mut out = Vec::new();
    loop {
        let m = next(ws).await;
        match m["type"].as_str() {
            Some("live") => return out,
            Some("change") => out.push(m),
            _ => panic!("unexpected before live: {m}"),
        }
    }
}

/// Changes until the one numbered `seq`.
async fn until(ws: &mut Ws, seq: i64) -> Vec<Value> {
    let mut out = Vec::new();
    loop {
        let m = next(ws).await;
        assert_eq!(m["type"], "change", "{m}");
        let at = m["seq"].as_i64().unwrap();
        out.push(m);
        if at >= seq {
            return out;
        }
    }
}

fn seqs(changes: &[Value]) -> Vec<i64> {
    changes.iter().map(|c| c["seq"].as_i64().unwrap()).collect()
}

async fn a_client_gets_what_it_missed_then_each_change_once(db: TestDb) {
    let r = room(&db).await;
    let (ada, bob, m) = (&r.ctxs[0], &r.ctxs[1], &r.ctxs[2]);
    let server = TestServer::start_live(r.app.clone(), quick()).await;
    let app = &r.app;
    let (q1, s1) = app
        .ask_question(ada, "How does it scale?", false)
        .await
        .unwrap();
    assert_eq!(s1, 1);

    // Bob (attendee), a reader not signed in, Ada (the asker) and the organizer connect.
    let mut bob_ws = connect(&server, &r, 0, Some(1)).await;
    let mut reader = connect(&server, &r, 0, None).await;
    let mut ada_ws = connect(&server, &r, 0, Some(0)).await;
    let mut mod_ws = connect(&server, &r, 0, Some(2)).await;
    for ws in [&mut bob_ws, &mut reader, &mut ada_ws, &mut mod_ws] {
        let first = replayed(ws).await;
        assert_eq!(seqs(&first), [1]);
        assert_eq!(first[0]["question"]["id"], q1);
    }
    let mut bob_seen = vec![1];

    // Live: an anonymous question, pre-moderation with a note, a pending question, a dismissal.
    let (q2, _) = app
        .ask_question(ada, "Is it <b>safe</b>?", true)
        .await
        .unwrap();
    app.set_qa(m, true, false, "Wrap up at :50").await.unwrap();
    let (q3, _) = app
        .ask_question(ada, "A secret pending one?", false)
        .await
        .unwrap();
    let last = app
        .moderate_question(m, q3, &hallway_testkit::domain::qa::Moderation::Dismiss)
        .await
        .unwrap()[0];
    assert_eq!(last, 5);
    let for_bob = until(&mut bob_ws, 5).await;
    assert_eq!(seqs(&for_bob), [2, 3, 4, 5], "each change once, in order");
    bob_seen.extend(seqs(&for_bob));
    assert_eq!(for_bob[0]["question"]["id"], q2);
    assert_eq!(for_bob[0]["question"]["asker"], Value::Null, "anonymous");
    assert_eq!(for_bob[0]["question"]["text"], "Is it <b>safe</b>?");
    assert_eq!(for_bob[1]["room"]["premoderated"], true);
    let text = serde_json::to_string(&for_bob).unwrap();
    assert!(
        !text.contains("secret") && !text.contains("Wrap up"),
        "pending, dismissed and backstage never reach an attendee: {text}"
    );
    assert_eq!(for_bob[2]["question"], Value::Null);
    let for_reader = serde_json::to_string(&until(&mut reader, 5).await).unwrap();
    assert!(!for_reader.contains("secret") && !for_reader.contains("Wrap up"));
    let for_ada = until(&mut ada_ws, 5).await;
    assert_eq!(
        for_ada[2]["question"]["state"], "pending",
        "her own, pending"
    );
    assert_eq!(
        for_ada[3]["question"]["state"], "pending",
        "a dismissed question shows as pending to its asker"
    );
    assert!(!serde_json::to_string(&for_ada).unwrap().contains("Wrap up"));
    let for_mod = until(&mut mod_ws, 5).await;
    assert_eq!(for_mod[1]["room"]["backstage"], "Wrap up at :50");
    assert!(
        for_mod[0]["question"]["asker"].is_string(),
        "moderators see who asked"
    );
    assert_eq!(for_mod[3]["question"]["state"], "dismissed");

    // Bob leaves; what happens meanwhile he gets on reconnecting, once.
    drop(bob_ws);
    app.moderate_question(m, q2, &hallway_testkit::domain::qa::Moderation::Highlight)
        .await
        .unwrap();
    app.vote_question(bob, q1, true).await.unwrap();
    let mut bob_ws = connect(&server, &r, 5, Some(1)).await;
    let missed = replayed(&mut bob_ws).await;
    assert_eq!(seqs(&missed), [6, 7]);
    bob_seen.extend(seqs(&missed));
    assert_eq!(missed[0]["question"]["highlighted"], true);
    assert_eq!(missed[1]["question"]["votes"], 1);
    // An old number replays from there, nothing twice within one connection.
    let mut again = connect(&server, &r, 2, Some(1)).await;
    assert_eq!(seqs(&replayed(&mut again).await), [3, 4, 5, 6, 7]);
    app.vote_question(bob, q1, false).await.unwrap();
    let live = until(&mut bob_ws, 8).await;
    bob_seen.extend(seqs(&live));
    assert_eq!(seqs(&until(&mut again, 8).await), [8]);
    assert_eq!(
        bob_seen,
        (1..=8).collect::<Vec<_>>(),
        "no loss, no duplicate"
    );

    // A ping answers with the last number sent.
    bob_ws
        .send(Message::Text(r#"{"type":"ping"}"#.into()))
        .await
        .unwrap();
    let pong = next(&mut bob_ws).await;
    assert_eq!(
        (pong["type"].as_str(), pong["seq"].as_i64()),
        (Some("pong"), Some(8))
    );

    // A page of another site cannot open a socket with the visitor's cookies; a bad number or
    // an unknown session is refused before any upgrade.
    let path = format!("/{}/qa/{}/live", r.edition, r.session);
    let foreign = connect_with(
        &server,
        &path,
        Some(&r.cookies[2]),
        Some("https://evil.example"),
        None,
    )
    .await;
    assert!(
        matches!(&foreign, Err(tokio_tungstenite::tungstenite::Error::Http(h)) if h.status() == 403),
        "{foreign:?}"
    );
    let own = connect_with(
        &server,
        &path,
        Some(&r.cookies[2]),
        Some(&server.base),
        None,
    )
    .await;
    assert!(own.is_ok(), "{own:?}");
    for (bad, status) in [
        (format!("{path}?after=-3"), 400),
        (format!("{path}?after=x"), 400),
        (format!("/{}/qa/no-such-session/live", r.edition), 404),
    ] {
        let refused = connect_with(&server, &bad, None, None, None).await;
        assert!(
            matches!(&refused, Err(tokio_tungstenite::tungstenite::Error::Http(h)) if h.status() == status),
            "{bad}: {refused:?}"
        );
    }

    // Through the pages: a question posted is on the sockets at once.
    let csrf = "c".repeat(64);
    let posted = client()
        .post(server.url(&format!("/{}/qa/{}/ask", r.edition, r.session)))
        .header(COOKIE, format!("{}; hallway_csrf={csrf}", r.cookies[1]))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", &server.base)
        .header("sec-fetch-site", "same-origin")
        .body(format!("csrf={csrf}&text=From+the+page"))
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::OK);
    let from_page = until(&mut again, 9).await;
    assert_eq!(
        from_page[0]["question"]["state"], "pending",
        "pre-moderated"
    );
    assert_eq!(from_page[0]["question"]["mine"], true);

    // Questions survive a restart; shutting down tells sockets to reconnect (1012).
    let metrics = client()
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for series in [
        "hallway_live_clients ",
        "hallway_live_messages_sent_total ",
        "hallway_live_fanout_seconds_bucket{le=\"+Inf\"} ",
        "hallway_db_pool_connections{state=\"in_use\"} ",
    ] {
        assert!(metrics.contains(series), "{series} missing: {metrics}");
    }
    let clients: i64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("hallway_live_clients "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(clients >= 5, "{clients} sockets counted");
    server.stop().await;
    let told = next(&mut again).await;
    assert_eq!(told["closed"], 1012, "{told}");
    assert_eq!(seqs(&until(&mut ada_ws, 9).await), [6, 7, 8, 9]);
    let told = next(&mut ada_ws).await;
    assert_eq!(told["closed"], 1012, "{told}");
    let server = TestServer::start_live(r.app.clone(), quick()).await;
    let mut back = connect(&server, &r, 0, Some(2)).await;
    assert_eq!(
        seqs(&replayed(&mut back).await),
        (1..=9).collect::<Vec<_>>()
    );
    server.stop().await;
}

/// A bad frame or an oversized one closes that socket; the others go on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_frames_close_only_their_own_socket() {
    let db = TestDb::sqlite();
    let r = room(&db).await;
    let server = TestServer::start_live(r.app.clone(), quick()).await;
    let mut sockets = Vec::new();
    for _ in 0..5 {
        let mut ws = connect(&server, &r, 0, Some(1)).await;
        assert!(replayed(&mut ws).await.is_empty());
        sockets.push(ws);
    }
    let frames = [
        Message::Text("not json".into()),
        Message::Text(r#"{"type":"ask","text":"sneaky"}"#.into()),
        Message::Text("x".repeat(64 * 1024).into()),
        Message::Binary(Bytes::from_static(b"\x00\x01")),
    ];
    let codes = [1007, 1008, 1009, 1003];
    for (ws, frame) in sockets.iter_mut().zip(frames) {
        ws.send(frame).await.unwrap();
    }
    for (ws, code) in sockets.iter_mut().zip(codes) {
        assert_eq!(next(ws).await["closed"], code);
    }
    let (q, seq) = r
        .app
        .ask_question(&r.ctxs[0], "Still there?", false)
        .await
        .unwrap();
    server.state.live.poke(r.ctxs[0].room());
    let got = until(&mut sockets[4], seq).await;
    assert_eq!(got[0]["question"]["id"], q);
    server.stop().await;
}

/// A client that stops reading is dropped; the others receive every change meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_client_is_dropped_and_the_others_keep_receiving() {
    let db = TestDb::sqlite();
    let r = room(&db).await;
    // A queue longer than the whole test: the slow one is dropped because its writes stall,
    // however busy the machine is for the fast one.
    let settings = LiveSettings {
        queue: 4096,
        send_timeout: Duration::from_secs(1),
        ..quick()
    };
    let server = TestServer::start_live(r.app.clone(), settings).await;
    let path = format!("/{}/qa/{}/live", r.edition, r.session);
    // Moderators see the backstage note: 500 wide characters make every change about 2 KB.
    let mut slow = connect_with(&server, &path, Some(&r.cookies[2]), None, Some(2048))
        .await
        .unwrap();
    let mut fast = connect(&server, &r, 0, Some(2)).await;
    assert!(replayed(&mut fast).await.is_empty());
    let note = "😀".repeat(500);
    let n = 3000;
    let reader = tokio::spawn(async move {
        let got = until(&mut fast, n).await;
        seqs(&got)
    });
    for i in 0..n {
        r.app
            .set_qa(&r.ctxs[2], i % 2 == 0, false, &note)
            .await
            .unwrap();
        server.state.live.poke(r.ctxs[2].room());
    }
    assert_eq!(
        reader.await.unwrap(),
        (1..=n).collect::<Vec<_>>(),
        "the others miss nothing"
    );
    // The slow one, reading at last, finds its stream ended before the end.
    let mut last = 0;
    loop {
        let m = next(&mut slow).await;
        if m["type"] == "change" {
            last = m["seq"].as_i64().unwrap();
        } else if m.get("closed").is_some() {
            break;
        }
    }
    assert!(
        last < n,
        "the slow client was dropped (it got up to {last})"
    );
    let metrics = client()
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !metrics.contains("hallway_live_dropped_slow_total 0\n"),
        "{metrics}"
    );
    server.stop().await;
}

async fn post(
    server: &TestServer,
    r: &Room,
    who: usize,
    action: &str,
    body: &str,
) -> reqwest::Response {
    let csrf = "c".repeat(64);
    client()
        .post(server.url(&format!("/{}/qa/{}/{action}", r.edition, r.session)))
        .header(COOKIE, format!("{}; hallway_csrf={csrf}", r.cookies[who]))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", &server.base)
        .header("sec-fetch-site", "same-origin")
        .body(format!("csrf={csrf}&{body}"))
        .send()
        .await
        .unwrap()
}

async fn rate_limits_hold_per_account_and_address_across_replicas(db: TestDb) {
    let r = room(&db).await;
    let limited = LiveSettings {
        ask: RateRule {
            what: "questions",
            per_account: 3,
            per_address: 5,
            window_seconds: 3600,
        },
        vote: RateRule {
            what: "votes",
            per_account: 1,
            per_address: 100,
            window_seconds: 3600,
        },
        ..quick()
    };
    // Two replicas: their own pools, one database.
    let a = TestServer::start_live(r.app.clone(), limited.clone()).await;
    let b = TestServer::start_live(App::new(Store::connect(&db.url).await.unwrap()), limited).await;
    for (server, i) in [(&a, 1), (&b, 2), (&a, 3)] {
        let ok = post(server, &r, 0, "ask", &format!("text=Question+{i}")).await;
        assert_eq!(ok.status(), StatusCode::OK);
    }
    let refused = post(&b, &r, 0, "ask", "text=One+too+many").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&wait), "{wait}");
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("too many questions from your account: at most 3 a hour")
            || page.contains("too many questions from your account: at most 3 a 3600"),
        "{page}"
    );
    assert!(!page.contains("One too many</"), "nothing asked");
    // The address: Bob shares it with Ada (3 counted so far).
    for i in 0..2 {
        let ok = post(&a, &r, 1, "ask", &format!("text=Bob+{i}")).await;
        assert_eq!(ok.status(), StatusCode::OK);
    }
    let refused = post(&b, &r, 1, "ask", "text=Bob+again").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.text().await.unwrap().contains("from your address"));
    let view = r
        .app
        .qa_view(&r.ctxs[2], hallway_testkit::domain::qa::Order::Time)
        .await
        .unwrap();
    assert_eq!(view.questions.len(), 5, "refused questions are not kept");

    // Votes: one each, then refused.
    let q = view.questions[0].id;
    let ok = post(&a, &r, 2, "vote", &format!("question={q}")).await;
    assert_eq!(ok.status(), StatusCode::OK);
    let refused = post(&b, &r, 2, "vote", &format!("question={q}&up=0")).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key("retry-after"));
    a.stop().await;
    b.stop().await;
}

/// On PostgreSQL, two replicas share the room: a question asked on A reaches B's sockets at
/// once (by NOTIFY, not by the periodic check), and votes sent to both count once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_on_one_replica_reaches_the_sockets_of_another() {
    let db = TestDb::postgres().await;
    let r = room(&db).await;
    let slow_check = LiveSettings {
        check_every: Duration::from_secs(600),
        ..LiveSettings::default()
    };
    let a = TestServer::start_live(r.app.clone(), slow_check.clone()).await;
    let b =
        TestServer::start_live(App::new(Store::connect(&db.url).await.unwrap()), slow_check).await;
    let mut on_b = connect(&b, &r, 0, Some(1)).await;
    assert!(replayed(&mut on_b).await.is_empty());
    let mut on_a = connect(&a, &r, 0, Some(2)).await;
    assert!(replayed(&mut on_a).await.is_empty());
    // The listener may still be connecting: give it a moment, as a replica gets at start-up.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = std::time::Instant::now();
    let ok = post(&a, &r, 0, "ask", "text=Asked+on+A").await;
    assert_eq!(ok.status(), StatusCode::OK);
    let got = until(&mut on_b, 1).await;
    assert_eq!(got[0]["question"]["text"], "Asked on A");
    assert!(started.elapsed() < Duration::from_secs(5));
    let q = got[0]["question"]["id"].as_i64().unwrap();
    // Bob votes on both replicas at once, twice each: one vote.
    let body = format!("question={q}");
    let votes = [&a, &b, &a, &b].map(|s| post(s, &r, 1, "vote", &body));
    for v in futures_util::future::join_all(votes).await {
        assert_eq!(v.status(), StatusCode::OK);
    }
    let mut last = Value::Null;
    for m in until(&mut on_a, 2).await {
        last = m;
    }
    assert_eq!(last["question"]["votes"], 1, "{last}");
    let view = r
        .app
        .qa_view(&r.ctxs[2], hallway_testkit::domain::qa::Order::Time)
        .await
        .unwrap();
    assert_eq!(view.questions[0].votes, 1);
    assert_eq!(view.seq, 2, "one change for one vote");
    a.stop().await;
    b.stop().await;
}

/// On PostgreSQL a release made anywhere is rendered by every replica at once, not at its next
/// check (an hour away here).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_release_reaches_another_replica_at_once() {
    use hallway_testkit::hallway_app::Force;
    let db = TestDb::postgres().await;
    let app = db.app().await;
    let edition = released_kubecon_sample(&app).await;
    let replica = App::new(Store::connect(&db.url).await.unwrap());
    let site = std::sync::Arc::new(hallway_web::Site::new("http://hallway.test"));
    let watcher = site.clone().watch(replica, Duration::from_secs(3600));
    let release_of = |site: &hallway_web::Site| site.released(&edition).map(|r| r.release);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while release_of(&site).is_none() {
        assert!(std::time::Instant::now() < deadline, "never rendered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let before = release_of(&site).unwrap();
    app.release(&hallway_testkit::operator(), &edition, Force::Always)
        .await
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while release_of(&site) == Some(before) {
        assert!(
            std::time::Instant::now() < deadline,
            "the new release did not reach the replica"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(release_of(&site), Some(before + 1));
    watcher.abort();
}
