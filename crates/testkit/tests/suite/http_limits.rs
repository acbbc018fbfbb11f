//! The server under attack: half-sent requests, floods of connections and a shutdown no client
//! can hold up. Attacks come from other loopback addresses (127.0.0.2 and up) than the visitor
//! whose requests must keep working (127.0.0.1); Linux routes all of 127.0.0.0/8 to loopback.

use hallway_testkit::hallway_web::{Limits, raise_open_file_limit};
use hallway_testkit::{TestDb, TestServer, released_kubecon, resident_memory};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::task::JoinSet;

const HALF_SENT_HEAD: &[u8] = b"GET / HTTP/1.1\r\nHost: hallway.test\r\nX-Slow: ";

/// Each test process holds both ends of every connection. Raises the hard limit too when it is
/// lower than needed, which root may do (a fresh machine's shell may allow only 1,024).
fn ensure_open_files(needed: u64) {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let hard = getrlimit(Resource::Nofile).maximum.unwrap_or(u64::MAX);
    if hard < needed {
        let _ = setrlimit(
            Resource::Nofile,
            Rlimit {
                current: Some(needed),
                maximum: Some(needed),
            },
        );
    }
    let limit = raise_open_file_limit();
    assert!(
        limit >= needed,
        "this test needs {needed} open files; the hard limit is {limit} (ulimit -Hn)"
    );
}

/// A visitor whose every request opens a new connection, as each new visitor's would.
fn visitor() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

async fn served_in(http: &reqwest::Client, url: &str) -> Duration {
    let start = Instant::now();
    let response = http
        .get(url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("a visitor's request failed: {e}"));
    assert_eq!(response.status(), 200, "{url}");
    response.bytes().await.expect("the page's bytes");
    start.elapsed()
}

/// `count` connections to `to`, `per_source` from each address from `first` on, each having
/// sent `head`.
async fn open_many(
    to: SocketAddr,
    first: u8,
    count: usize,
    per_source: usize,
    head: &'static [u8],
) -> Vec<TcpStream> {
    let mut streams = Vec::with_capacity(count);
    let mut batch = JoinSet::new();
    for i in 0..count {
        let last = u8::try_from(i / per_source).expect("at most 250 sources");
        let source = Ipv4Addr::new(127, 0, 0, first + last);
        batch.spawn(async move {
            let socket = TcpSocket::new_v4().expect("socket");
            socket
                .bind(SocketAddr::new(IpAddr::V4(source), 0))
                .expect("bind a loopback source address");
            let mut stream = socket.connect(to).await.expect("connect");
            if !head.is_empty() {
                stream.write_all(head).await.expect("send the head");
            }
            stream
        });
        // Batches keep the listen backlog from overflowing into SYN retries.
        if batch.len() == 100 {
            while let Some(s) = batch.join_next().await {
                streams.push(s.expect("connect task"));
            }
        }
    }
    while let Some(s) = batch.join_next().await {
        streams.push(s.expect("connect task"));
    }
    streams
}

/// What the server did with a connection within `wait`: None while it stays open and silent,
/// else the bytes it sent before closing.
async fn outcome(mut stream: TcpStream, wait: Duration) -> (TcpStream, Option<Vec<u8>>) {
    let mut got = Vec::new();
    let read = tokio::time::timeout(wait, async {
        let mut buf = [0u8; 512];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    let closed = read.is_ok().then_some(got);
    (stream, closed)
}

async fn outcomes(
    streams: Vec<TcpStream>,
    wait: Duration,
) -> (Vec<TcpStream>, Vec<Option<Vec<u8>>>) {
    let mut all = JoinSet::new();
    for s in streams {
        all.spawn(outcome(s, wait));
    }
    let (mut open, mut seen) = (Vec::new(), Vec::new());
    while let Some(r) = all.join_next().await {
        let (stream, closed) = r.expect("read task");
        if closed.is_none() {
            open.push(stream);
        }
        seen.push(closed);
    }
    (open, seen)
}

/// Waits up to `within` for resident memory to come back under `limit`; returns the last reading.
async fn memory_settles(limit: u64, within: Duration) -> u64 {
    let deadline = Instant::now() + within;
    loop {
        let now = resident_memory();
        if now <= limit || Instant::now() >= deadline {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

const MB: u64 = 1024 * 1024;

/// What one open connection may cost the server, all buffers and its task included: hyper's
/// read and write buffers are 8 KiB each.
const PER_CONNECTION: u64 = 32 * 1024;

/// How far above its baseline memory may be once an attack is over: the allocator purges what
/// the closed connections freed within a second or two.
const SLACK: u64 = 16 * MB;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slowloris_holds_no_one_up() {
    const HALF_SENT: usize = 3000;
    ensure_open_files(2 * HALF_SENT as u64 + 512);
    let db = TestDb::sqlite();
    let app = db.app().await;
    let edition = released_kubecon(&app).await;
    let header_timeout = Duration::from_secs(3);
    let limits = Limits {
        header_read_timeout: header_timeout,
        ..Limits::default()
    };
    let server = TestServer::start_with(app, limits).await;
    let page = server.url(&format!("/{edition}/schedule/"));
    let http = visitor();
    for _ in 0..20 {
        served_in(&http, &page).await;
    }
    let baseline = resident_memory();

    // 3,000 requests whose headers never end, 200 from each address (under the per-address
    // limit, so the server holds every one), dripping a byte now and then.
    // Twice: memory must settle at what the held connections cost, not grow with each attack.
    let budget = baseline + HALF_SENT as u64 * PER_CONNECTION;
    let mut figures = Vec::new();
    for _ in 0..2 {
        // 3,000 requests whose headers never end, 200 from each address (under the
        // per-address limit, so the server holds every one), dripping a byte now and then.
        let attack = Instant::now();
        let mut held = open_many(server.addr, 2, HALF_SENT, 200, HALF_SENT_HEAD).await;
        let mut slowest = Duration::ZERO;
        for _ in 0..10 {
            slowest = slowest.max(served_in(&http, &page).await);
            for s in &mut held {
                let _ = s.try_write(b"a");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let during = resident_memory();
        assert!(
            slowest < Duration::from_secs(1),
            "visitors waited {slowest:?} during the attack"
        );

        // The header timeout closes each of them, dripping or not.
        let (still_open, _) = outcomes(held, header_timeout + Duration::from_secs(5)).await;
        assert!(
            still_open.is_empty(),
            "{} half-sent requests outlived the header timeout ({:?} after the attack began)",
            still_open.len(),
            attack.elapsed()
        );
        served_in(&http, &page).await;
        let after = memory_settles(baseline + SLACK, Duration::from_secs(8)).await;
        figures.push((during / MB, after / MB));
        assert!(
            during <= budget && after <= baseline + SLACK,
            "memory beyond {} MB during or {} MB after: {} MB before, {} MB during, {} MB after",
            budget / MB,
            (baseline + SLACK) / MB,
            baseline / MB,
            during / MB,
            after / MB
        );
    }
    eprintln!(
        "resident memory: {} MB before, (during, after) each attack of {HALF_SENT}: {figures:?} MB",
        baseline / MB
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_flood_is_refused_early() {
    ensure_open_files(2 * 2000 + 512);
    let db = TestDb::sqlite();
    let app = db.app().await;
    let edition = released_kubecon(&app).await;
    let limits = Limits {
        max_connections: 400,
        max_connections_per_ip: 50,
        header_read_timeout: Duration::from_secs(30),
        ..Limits::default()
    };
    let server = TestServer::start_with(app, limits).await;
    let page = server.url(&format!("/{edition}/"));
    let http = visitor();
    for _ in 0..20 {
        served_in(&http, &page).await;
    }
    let baseline = resident_memory();

    // One address opens 1,000 connections: it keeps 50, the rest are told 429 and closed.
    let from_one = open_many(server.addr, 2, 1000, 1000, b"").await;
    let (mut held, seen) = outcomes(from_one, Duration::from_secs(1)).await;
    assert_eq!(held.len(), 50, "connections one address keeps");
    let told_429 = seen
        .iter()
        .flatten()
        .filter(|b| b.starts_with(b"HTTP/1.1 429"))
        .count();
    assert!(
        told_429 > 900,
        "{told_429} of 950 refused connections were told 429"
    );
    let slowest = served_in(&http, &page).await;
    assert!(
        slowest < Duration::from_secs(1),
        "a visitor waited {slowest:?} during the flood"
    );

    // Twenty more addresses, 50 each, fill the cap of 400; the rest are told 503 at once. (Near
    // the cap the first address's 50 silent connections give their slots up, so up to 50 more
    // get in.)
    let flood = Instant::now();
    let from_many = open_many(server.addr, 10, 1000, 50, b"").await;
    // Refusals are decided at accept; a loaded machine may take a while to write them all.
    let (more_held, seen) = outcomes(from_many, Duration::from_secs(2)).await;
    let told_503 = seen
        .iter()
        .flatten()
        .filter(|b| b.starts_with(b"HTTP/1.1 503"))
        .count();
    assert!(
        told_503 >= 550,
        "{told_503} of 600 to 650 connections over the cap were told 503"
    );
    // Near the cap, connections that send no request give their slot up within a second or
    // two, so visitors get in again long before the 30 s header timeout.
    let mut served = false;
    while flood.elapsed() < Duration::from_secs(6) {
        if let Ok(r) = http.get(&page).send().await {
            assert!(r.status() == 200 || r.status() == 503, "{}", r.status());
            if r.status() == 200 {
                served = true;
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(served, "no visitor was served in the 6 s after the flood");
    held.extend(more_held);
    let (still_open, _) = outcomes(held, Duration::from_secs(2)).await;
    assert!(
        still_open.len() <= 320,
        "{} silent connections kept their slot: a fifth of the slots should be free",
        still_open.len()
    );
    drop(still_open);

    // When the flood ends, visitors are served at once and memory returns to its baseline.
    served_in(&http, &page).await;
    let after = memory_settles(baseline + SLACK, Duration::from_secs(8)).await;
    assert!(
        after <= baseline + SLACK,
        "memory beyond {} MB after the flood: {} MB before, {} MB after",
        (baseline + SLACK) / MB,
        baseline / MB,
        after / MB
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_is_not_held_up_by_a_half_sent_request_or_a_slow_reader() {
    let db = TestDb::sqlite();
    let app = db.app().await;
    let edition = released_kubecon(&app).await;
    let grace = Duration::from_secs(1);
    let limits = Limits {
        header_read_timeout: Duration::from_secs(120),
        idle_timeout: Duration::from_secs(120),
        shutdown_grace: grace,
        ..Limits::default()
    };
    let server = TestServer::start_with(app, limits).await;
    let addr = server.addr;
    let mut half_sent = TcpStream::connect(addr).await.expect("connect");
    half_sent.write_all(HALF_SENT_HEAD).await.expect("send");
    let idle = TcpStream::connect(addr).await.expect("connect");
    // A reader that asks for far more than the socket buffers hold and reads none of it: its
    // request stays in progress, so only the grace period ends it.
    let mut slow_reader = TcpStream::connect(addr).await.expect("connect");
    let request =
        format!("GET /api/v1/editions/{edition}/sessions HTTP/1.1\r\nHost: hallway.test\r\n\r\n");
    slow_reader
        .write_all(request.repeat(40).as_bytes())
        .await
        .expect("send");
    // Let the server accept them all before it is told to stop.
    let health = reqwest::get(server.url("/healthz")).await.expect("healthz");
    assert_eq!(health.status(), 200);
    tokio::time::sleep(Duration::from_millis(300)).await;

    let start = Instant::now();
    server.stop().await;
    let took = start.elapsed();
    assert!(
        took >= grace - Duration::from_millis(100),
        "shutdown took {took:?}: the request in progress did not get its grace period"
    );
    assert!(
        took < grace + Duration::from_millis(500),
        "shutdown took {took:?} with a grace period of {grace:?}"
    );
    for (name, stream) in [
        ("the half-sent request's", half_sent),
        ("the idle", idle),
        ("the slow reader's", slow_reader),
    ] {
        let mut stream = stream;
        // Whatever the server had written, the connection ends.
        let ended = tokio::time::timeout(Duration::from_secs(5), async {
            let mut buf = vec![0u8; 1 << 16];
            while let Ok(n) = stream.read(&mut buf).await {
                if n == 0 {
                    break;
                }
            }
        })
        .await;
        assert!(ended.is_ok(), "{name} connection was not closed");
    }
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "nothing listens after shutdown"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_and_idle_connections_are_closed_after_the_header_timeout() {
    let db = TestDb::sqlite();
    let header_timeout = Duration::from_secs(1);
    let limits = Limits {
        header_read_timeout: header_timeout,
        ..Limits::default()
    };
    let server = TestServer::start_with(db.app().await, limits).await;
    // One connection that never says anything, one kept alive after a whole request.
    let silent = TcpStream::connect(server.addr).await.expect("connect");
    let mut kept = TcpStream::connect(server.addr).await.expect("connect");
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: hallway.test\r\n\r\n")
        .await
        .expect("send");
    let mut answer = [0u8; 512];
    let n = kept.read(&mut answer).await.expect("the answer");
    assert!(
        answer[..n].starts_with(b"HTTP/1.1 200"),
        "{:?}",
        &answer[..n]
    );
    let start = Instant::now();
    let (_, closed) = outcome(kept, header_timeout * 3).await;
    assert!(
        closed.is_some(),
        "an idle keep-alive connection stayed open"
    );
    let (_, closed) = outcome(silent, header_timeout * 3).await;
    assert!(closed.is_some(), "a silent connection stayed open");
    assert!(
        start.elapsed() < header_timeout * 3,
        "{:?}",
        start.elapsed()
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn near_the_cap_slowloris_connections_make_room_for_visitors() {
    ensure_open_files(2 * 600 + 512);
    let db = TestDb::sqlite();
    let app = db.app().await;
    let edition = released_kubecon(&app).await;
    let limits = Limits {
        max_connections: 200,
        max_connections_per_ip: 0,
        header_read_timeout: Duration::from_secs(60),
        idle_timeout: Duration::from_secs(120),
        shutdown_grace: Duration::from_secs(1),
        ..Limits::default()
    };
    let server = TestServer::start_with(app, limits).await;
    let page = server.url(&format!("/{edition}/"));
    let http = visitor();
    served_in(&http, &page).await;

    // 300 half-sent requests: 200 take every slot, 100 are told 503.
    let attack = Instant::now();
    let half_sent = open_many(server.addr, 2, 300, 300, HALF_SENT_HEAD).await;
    let mut served = None;
    while attack.elapsed() < Duration::from_secs(5) {
        if let Ok(r) = http.get(&page).send().await
            && r.status() == 200
        {
            served = Some(attack.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let served = served.expect("a visitor is served within 5 s despite a full server");
    assert!(served < Duration::from_secs(3), "served after {served:?}");
    // Enough of them gave their slot up to leave a fifth of the slots free; the rest wait for
    // their header timeout.
    let (still_open, _) = outcomes(half_sent, Duration::from_secs(2)).await;
    assert!(
        (100..=160).contains(&still_open.len()),
        "{} half-sent requests kept their slot (of 200)",
        still_open.len()
    );
    server.stop().await;
}
