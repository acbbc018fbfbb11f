//! The seat rush, for bench/seats.sh: ATTENDEES accounts (with their sessions, made
//! beforehand) sign up at once over HTTP for a workshop of SEATS seats, against a real
//! `hallway serve` on SQLite or PostgreSQL; then every seat holder gives up at once. Checks,
//! from the database: nothing oversold; the line in arrival order, arrival being the order the
//! server committed the sign-ups (each answer names the place its transaction gave); each freed
//! seat offered once, with one offer mail. Prints `name value` lines; exits non-zero on any
//! failed check.
//!
//!   seat_rush sqlite|postgres HALLWAY_BINARY PORT ATTENDEES SEATS

use hallway_testkit::domain::seats::SignUp;
use hallway_testkit::{TestDb, operator, quick_sessions, released_workshops};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Barrier;

/// The database, read with plain SQL rather than through the code under test.
enum Db {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Db {
    async fn open(url: &str) -> Self {
        if url.starts_with("sqlite") {
            Self::Sqlite(sqlx::SqlitePool::connect(url).await.expect("open SQLite"))
        } else {
            Self::Postgres(sqlx::PgPool::connect(url).await.expect("open PostgreSQL"))
        }
    }

    async fn count(&self, sql: &str) -> i64 {
        match self {
            Self::Sqlite(p) => {
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                    .fetch_one(p)
                    .await
            }
            Self::Postgres(p) => {
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                    .fetch_one(p)
                    .await
            }
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    async fn emails(&self, sql: &str) -> Vec<String> {
        match self {
            Self::Sqlite(p) => {
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                    .fetch_all(p)
                    .await
            }
            Self::Postgres(p) => {
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                    .fetch_all(p)
                    .await
            }
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }
}

/// Stops the server when the driver ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One answer: how long it took and what it said.
struct Answer {
    email: String,
    millis: f64,
    status: u16,
    outcome: Option<SignUp>,
    /// What a failed request said, to tell why.
    said: String,
}

/// What the seat page says after a sign-up.
fn outcome_of(page: &str) -> Option<SignUp> {
    if page.contains("You have a seat.") {
        return Some(SignUp::Seated);
    }
    let rest = page.split("you are number ").nth(1)?;
    let place = rest.split(' ').next()?.parse().ok()?;
    Some(SignUp::Waiting(place))
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let at = ((sorted.len() as f64) * q).ceil() as usize;
    sorted[at.clamp(1, sorted.len()) - 1]
}

/// Everyone posts `action` at once, each with their own session; the answers and the wall time.
async fn rush(base: &str, path: &str, people: &[(String, String)]) -> (Vec<Answer>, Duration) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(people.len())
        .timeout(Duration::from_secs(120))
        .build()
        .expect("an HTTP client");
    let csrf = "c".repeat(64);
    let start = Arc::new(Barrier::new(people.len() + 1));
    let mut tasks = Vec::new();
    for (email, secret) in people {
        let (client, start, email) = (client.clone(), start.clone(), email.clone());
        let request = client
            .post(format!("{base}{path}"))
            .header(
                "cookie",
                format!("hallway_session={secret}; hallway_csrf={csrf}"),
            )
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", base)
            .header("sec-fetch-site", "same-origin")
            .body(format!("csrf={csrf}"));
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            let sent = Instant::now();
            let (status, page) = match request.send().await {
                Ok(r) => (r.status().as_u16(), r.text().await.unwrap_or_default()),
                Err(e) => (0, e.to_string()),
            };
            let outcome = outcome_of(&page);
            Answer {
                email,
                millis: sent.elapsed().as_secs_f64() * 1000.0,
                status,
                outcome,
                said: if status == 200 { String::new() } else { page },
            }
        }));
    }
    start.wait().await;
    let began = Instant::now();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.expect("a request task"));
    }
    (answers, began.elapsed())
}

fn report(name: &str, answers: &[Answer], wall: Duration) {
    let mut ms: Vec<f64> = answers.iter().map(|a| a.millis).collect();
    ms.sort_by(f64::total_cmp);
    println!("{name}_requests {}", answers.len());
    if let Some(a) = answers.iter().find(|a| a.status != 200) {
        let said: String = a.said.chars().take(600).collect();
        eprintln!("{name}: {} got HTTP {}: {said}", a.email, a.status);
    }
    println!(
        "{name}_errors {}",
        answers.iter().filter(|a| a.status != 200).count()
    );
    println!("{name}_p50_ms {:.1}", quantile(&ms, 0.50));
    println!("{name}_p99_ms {:.1}", quantile(&ms, 0.99));
    println!("{name}_max_ms {:.1}", ms.last().copied().unwrap_or(0.0));
    println!(
        "{name}_rps {:.0}",
        answers.len() as f64 / wall.as_secs_f64().max(1e-9)
    );
}

/// A failed check: said, and remembered for the exit code.
fn check(ok: bool, what: &str, failures: &mut Vec<String>) {
    println!("check {} {what}", if ok { "ok" } else { "FAILED" });
    if !ok {
        failures.push(what.to_owned());
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [backend, binary, port, attendees, seats] = args.as_slice() else {
        panic!("usage: seat_rush sqlite|postgres HALLWAY_BINARY PORT ATTENDEES SEATS");
    };
    let attendees: usize = attendees.parse().expect("ATTENDEES: a number");
    let seats: usize = seats.parse().expect("SEATS: a number");
    assert!(seats <= attendees, "more seats than attendees: no rush");
    let db = match backend.as_str() {
        "postgres" => TestDb::postgres().await,
        _ => TestDb::sqlite(),
    };

    // Beforehand: a released edition with a workshop of SEATS seats, and the accounts.
    let setup = Instant::now();
    let app = db.app().await;
    let store = db.store().await;
    let edition = released_workshops(&app).await;
    let orga = operator();
    let wip = app
        .work_in_progress(&orga, &edition)
        .await
        .expect("the edition")
        .schedule;
    let session = wip.sessions[0].guid.to_string();
    app.set_seat_rules(&orga, &edition, None, 120, None, false)
        .await
        .expect("seat rules");
    app.open_seat_list(&orga, &edition, &session, seats as u32)
        .await
        .expect("a seat list");
    let people: Vec<(String, String)> = quick_sessions(&app, &store, "rush", attendees)
        .await
        .into_iter()
        .enumerate()
        .map(|(i, (_, secret))| (format!("rush{i}@example.org"), secret))
        .collect();
    store.close().await;
    println!("setup_s {:.1}", setup.elapsed().as_secs_f64());

    // A real server on the database, as an operator runs it.
    let base = format!("http://127.0.0.1:{port}");
    let server = Server(
        Command::new(binary)
            .args([
                "--database",
                &db.url,
                "--public-url",
                &base,
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--max-connections-per-ip",
                "0",
                "--request-timeout",
                "120s",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start hallway serve"),
    );
    let probe = reqwest::Client::new();
    let mut up = false;
    // Ready, not just listening: the releases rendered and the database reachable.
    for _ in 0..600 {
        if let Ok(r) = probe.get(format!("{base}/readyz")).send().await
            && r.status().is_success()
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "hallway serve was not ready on {base}");

    let page = format!("/{edition}/seats/{session}");
    let (answers, wall) = rush(&base, &format!("{page}/take"), &people).await;
    report("signup", &answers, wall);
    let raw = Db::open(&db.url).await;
    let mut failures = Vec::new();

    // Never oversold: the database holds exactly the capacity, and answers agree with it.
    let holding = raw
        .count("SELECT COUNT(*) FROM seats WHERE state IN ('held', 'offered')")
        .await;
    let waiting_rows = raw
        .count("SELECT COUNT(*) FROM seats WHERE state = 'waiting'")
        .await;
    println!("seats_taken {holding}");
    println!("capacity {seats}");
    println!("oversold {}", (holding - seats as i64).max(0));
    check(
        holding == seats as i64,
        "seats taken equal the capacity",
        &mut failures,
    );
    check(
        answers
            .iter()
            .all(|a| a.status == 200 && a.outcome.is_some()),
        "every sign-up answered 200 with a seat or a place",
        &mut failures,
    );
    let seated: Vec<&str> = answers
        .iter()
        .filter(|a| a.outcome == Some(SignUp::Seated))
        .map(|a| a.email.as_str())
        .collect();
    let mut held = raw
        .emails(
            "SELECT u.email FROM seats s JOIN users u ON u.id = s.user_id
             WHERE s.state = 'held' ORDER BY u.email",
        )
        .await;
    let mut told_seated: Vec<String> = seated.iter().map(|s| (*s).to_owned()).collect();
    told_seated.sort();
    held.sort();
    check(
        held == told_seated,
        "those told they have a seat are the holders",
        &mut failures,
    );

    // Arrival order: each answer names the place its committing transaction gave; the line
    // in the database, by position, is those places in order, each place once.
    let mut placed: Vec<(usize, String)> = answers
        .iter()
        .filter_map(|a| match a.outcome {
            Some(SignUp::Waiting(p)) => Some((p, a.email.clone())),
            _ => None,
        })
        .collect();
    placed.sort();
    let places: Vec<usize> = placed.iter().map(|(p, _)| *p).collect();
    check(
        places == (1..=attendees - seats).collect::<Vec<_>>(),
        "each place in line given once, 1 to the end",
        &mut failures,
    );
    let line = raw
        .emails(
            "SELECT u.email FROM seats s JOIN users u ON u.id = s.user_id
             WHERE s.state = 'waiting' ORDER BY s.position",
        )
        .await;
    let arrived: Vec<String> = placed.iter().map(|(_, e)| e.clone()).collect();
    println!("waiting {waiting_rows}");
    println!("line_in_arrival_order {}", line == arrived);
    check(
        line == arrived,
        "the line is in arrival order",
        &mut failures,
    );

    // Every holder gives up at once: each seat is offered once, to the first in line, with
    // one mail.
    let holders: Vec<(String, String)> = people
        .iter()
        .filter(|(e, _)| held.contains(e))
        .cloned()
        .collect();
    let (answers, wall) = rush(&base, &format!("{page}/cancel"), &holders).await;
    report("cancel", &answers, wall);
    check(
        answers.iter().all(|a| a.status == 200),
        "every cancellation answered 200",
        &mut failures,
    );
    let offered = raw
        .emails(
            "SELECT u.email FROM seats s JOIN users u ON u.id = s.user_id
             WHERE s.state = 'offered' ORDER BY s.position",
        )
        .await;
    let offers = raw.count("SELECT COUNT(*) FROM seat_offers").await;
    let mails = raw
        .count("SELECT COUNT(*) FROM outbox WHERE idempotency_key LIKE 'seat-offer:%'")
        .await;
    let recipients = raw
        .count(
            "SELECT COUNT(DISTINCT recipient) FROM outbox
             WHERE idempotency_key LIKE 'seat-offer:%'",
        )
        .await;
    let first: Vec<String> = arrived.iter().take(seats).cloned().collect();
    let mut offered_sorted = offered.clone();
    offered_sorted.sort();
    let mut first_sorted = first.clone();
    first_sorted.sort();
    println!("promotions {}", offered.len());
    println!("offers_recorded {offers}");
    println!("offer_mails {mails}");
    check(
        offered_sorted == first_sorted,
        "the freed seats are offered to the first in line",
        &mut failures,
    );
    check(
        offers == seats as i64 && mails == seats as i64 && recipients == seats as i64,
        "one offer and one mail per freed seat",
        &mut failures,
    );
    let still = raw
        .count("SELECT COUNT(*) FROM seats WHERE state IN ('held', 'offered')")
        .await;
    check(
        still == seats as i64,
        "still never oversold after the cancellations",
        &mut failures,
    );
    drop(server);
    if !failures.is_empty() {
        eprintln!("failed: {failures:?}");
        std::process::exit(1);
    }
    println!("done");
}
