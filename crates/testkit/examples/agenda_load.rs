//! My agenda under load, for bench/agenda.sh. The demo (`hallway demo --no-serve`: KubeCon and
//! its synthetic crowd) is prepared in a fresh database; each of the crowd's ATTENDEES becomes
//! a real account with a session and its simulated picks as `interested` marks, written through
//! the store beforehand as the tests' quick accounts are (no password hashing, nothing the
//! server accepts unauthenticated). Then a real `hallway serve` gets, from CONNECTIONS
//! connections for SECONDS each: GET my agenda, each request as the next attendee; a bookmark
//! toggled through the JSON marks API, each request as the next attendee, with a fresh change
//! id, on and off in turn; and the public day grid, served from memory, as the reference.
//! Prints `name value` lines; exits non-zero when a request was not answered 2xx.
//!
//!   agenda_load sqlite|postgres HALLWAY_BINARY PORT ATTENDEES CONNECTIONS SECONDS DAY

use hallway_store::{AccountStore, AttendeeStore, MarkChange, MarkStore};
use hallway_testkit::domain::Slug;
use hallway_testkit::domain::agenda::Set;
use hallway_testkit::load::{Server, report};
use hallway_testkit::{TestDb, domain::Guid};
use sha2::{Digest, Sha256};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The demo's edition.
const EDITION: &str = "kccnceu2026";

/// One benchmarked attendee: their session cookie and their picks.
struct Attendee {
    secret: String,
    picks: Vec<Guid>,
}

#[derive(Clone, Copy)]
enum Kind {
    Agenda,
    Toggle,
    Grid,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The demo's crowd as accounts: account i is `attendee{i}@example.org` with attendee i's
/// picks. Sessions are stored as the server stores them, by the SHA-256 of the cookie.
async fn accounts(url: &str, n: usize) -> Vec<Attendee> {
    let store = hallway_testkit::hallway_app::Store::connect(url)
        .await
        .expect("open the demo's database");
    let slug = Slug::parse(EDITION).expect("the demo's edition");
    let lists = store
        .bookmark_lists(&slug)
        .await
        .expect("the crowd's bookmarks");
    let now = jiff::Timestamp::now();
    let (now_s, now_ms) = (now.as_second(), now.as_millisecond());
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let email = hallway_testkit::domain::Email::parse(&format!("attendee{i}@example.org"))
            .expect("a valid address");
        let user = store
            .create_user(&email, "unused", false, Some(now_s), now_s)
            .await
            .expect("create an account");
        let secret = hex(&Sha256::digest(format!("agenda-{i}-{now_ms}").as_bytes()));
        store
            .create_session(
                &hex(&Sha256::digest(secret.as_bytes())),
                user,
                now_s,
                now_s + 86_400,
            )
            .await
            .expect("create a session");
        let picks = lists.get(i).cloned().unwrap_or_default();
        let marks: Vec<MarkChange> = picks
            .iter()
            .map(|g| MarkChange {
                id: format!("crowd-{i}-{g}"),
                session: *g,
                set: Set::Interested(true),
                at: now_ms,
            })
            .collect();
        store
            .apply_marks(&slug, user, &marks, now_s)
            .await
            .expect("the attendee's marks");
        out.push(Attendee { secret, picks });
    }
    store.close().await;
    out
}

/// The request number `i` of a phase: attendee `i mod n`, in its round `i / n`.
#[allow(clippy::too_many_arguments)]
fn request(
    client: &reqwest::Client,
    base: &str,
    kind: Kind,
    i: usize,
    run: u128,
    people: &[Attendee],
    sessions: &[Guid],
    day: &str,
) -> reqwest::RequestBuilder {
    let who = &people[i % people.len()];
    let cookie = format!("hallway_session={}", who.secret);
    match kind {
        Kind::Agenda => client
            .get(format!("{base}/me/{EDITION}/agenda"))
            .header("cookie", cookie),
        Kind::Toggle => {
            // The same session for an attendee every round, turned to the other state each
            // time: every toggle is a real change.
            let guid = sessions[i % people.len() % sessions.len()];
            let had = who.picks.contains(&guid);
            let on = if (i / people.len()).is_multiple_of(2) {
                !had
            } else {
                had
            };
            let body = serde_json::json!({"changes": [{
                "id": format!("bench-{run}-{i}"),
                "session": guid.to_string(),
                "field": "interested",
                "value": on,
                "at": jiff::Timestamp::now().as_millisecond(),
            }]});
            client
                .post(format!("{base}/api/v1/editions/{EDITION}/marks"))
                .header("cookie", cookie)
                .header("content-type", "application/json")
                .header("origin", base)
                .header("sec-fetch-site", "same-origin")
                .body(body.to_string())
        }
        Kind::Grid => client.get(format!("{base}/{EDITION}/schedule/{day}/")),
    }
}

/// CONNECTIONS workers, one connection each, send requests back to back for `seconds`; each
/// request's time from sending to its whole answer read, its status, and whether a toggle was
/// taken.
#[allow(clippy::too_many_arguments)]
async fn phase(
    base: &str,
    kind: Kind,
    connections: usize,
    seconds: u64,
    people: Arc<Vec<Attendee>>,
    sessions: Arc<Vec<Guid>>,
    day: &str,
    next: Arc<AtomicUsize>,
) -> (Vec<(f64, u16)>, usize, Duration) {
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("a clock after 1970")
        .as_nanos();
    let began = Instant::now();
    let until = began + Duration::from_secs(seconds);
    let mut workers = Vec::new();
    for _ in 0..connections {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .http1_only()
            .timeout(Duration::from_secs(120))
            .build()
            .expect("an HTTP client");
        let (base, day) = (base.to_owned(), day.to_owned());
        let (people, sessions, next) = (people.clone(), sessions.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            let mut not_taken = 0;
            while Instant::now() < until {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let req = request(&client, &base, kind, i, run, &people, &sessions, &day);
                let sent = Instant::now();
                let (status, body) = match req.send().await {
                    Ok(r) => (r.status().as_u16(), r.bytes().await.unwrap_or_default()),
                    Err(_) => (0, Default::default()),
                };
                answers.push((sent.elapsed().as_secs_f64() * 1000.0, status));
                if matches!(kind, Kind::Toggle)
                    && !String::from_utf8_lossy(&body).contains("\"outcome\":\"taken\"")
                {
                    not_taken += 1;
                }
            }
            (answers, not_taken)
        }));
    }
    let mut answers = Vec::new();
    let mut not_taken = 0;
    for w in workers {
        let (a, n) = w.await.expect("a worker");
        answers.extend(a);
        not_taken += n;
    }
    (answers, not_taken, began.elapsed())
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [backend, binary, port, attendees, connections, seconds, day] = args.as_slice() else {
        panic!(
            "usage: agenda_load sqlite|postgres HALLWAY_BINARY PORT ATTENDEES CONNECTIONS SECONDS DAY"
        );
    };
    let attendees: usize = attendees.parse().expect("ATTENDEES: a number");
    let connections: usize = connections.parse().expect("CONNECTIONS: a number");
    let seconds: u64 = seconds.parse().expect("SECONDS: a number");
    assert!(attendees > 0 && connections > 0, "nobody to measure");
    let db = match backend.as_str() {
        "postgres" => TestDb::postgres().await,
        _ => TestDb::sqlite(),
    };

    // The demo as its command prepares it, then its crowd as accounts.
    let setup = Instant::now();
    let demo = Command::new(binary)
        .args(["--database", &db.url, "demo", "--no-serve", "--attendees"])
        .arg(attendees.to_string())
        .stdout(Stdio::null())
        .status()
        .expect("run hallway demo");
    assert!(demo.success(), "hallway demo failed");
    let people = Arc::new(accounts(&db.url, attendees).await);
    println!("setup_s {:.1}", setup.elapsed().as_secs_f64());
    println!("accounts {}", people.len());
    println!(
        "marks {}",
        people.iter().map(|p| p.picks.len()).sum::<usize>()
    );

    let server = Server::start(
        binary,
        &db.url,
        port,
        &format!("/api/v1/editions/{EDITION}"),
    )
    .await;
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let sessions: Vec<Guid> = client
        .get(format!("{base}/api/v1/editions/{EDITION}/sessions"))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .expect("the released sessions")
        .json::<Vec<serde_json::Value>>()
        .await
        .expect("sessions as JSON")
        .iter()
        .filter_map(|s| Guid::parse(s["guid"].as_str()?).ok())
        .collect();
    assert!(!sessions.is_empty(), "the demo released no session");

    // The accounts are what they should be: the first attendee's marks are its picks.
    let answer = client
        .get(format!("{base}/api/v1/editions/{EDITION}/marks"))
        .header("cookie", format!("hallway_session={}", people[0].secret))
        .send()
        .await
        .expect("the first attendee's marks");
    let status = answer.status();
    let text = answer.text().await.expect("the first attendee's marks");
    assert!(
        status.is_success(),
        "the first attendee's marks: {status} {text}"
    );
    let marks: Vec<serde_json::Value> = serde_json::from_str(&text).expect("marks as JSON");
    let interested = marks.iter().filter(|m| m["interested"] == true).count();
    assert_eq!(
        interested,
        people[0].picks.len(),
        "the first attendee's marks are not its picks"
    );

    let mut failed = false;
    // One counter across phases: each request, of any phase, is the next attendee's.
    let next = Arc::new(AtomicUsize::new(0));
    for (name, kind) in [
        ("agenda", Kind::Agenda),
        ("toggle", Kind::Toggle),
        ("grid", Kind::Grid),
    ] {
        let (answers, not_taken, wall) = phase(
            &base,
            kind,
            connections,
            seconds,
            people.clone(),
            Arc::new(sessions.clone()),
            day,
            next.clone(),
        )
        .await;
        report(name, &answers, wall);
        if matches!(kind, Kind::Toggle) {
            // `older`: the attendee's previous toggle, on another connection, committed after
            // this one (last writer wins by the device's time); rare unless ATTENDEES is small.
            println!("toggle_not_taken {not_taken}");
        }
        failed |= answers.iter().any(|a| !(200..300).contains(&a.1));
    }
    // exit() runs no destructors: the server is stopped first.
    drop(server);
    if failed {
        eprintln!("a request was not answered 2xx");
        std::process::exit(1);
    }
    println!("done");
}
