//! Two `hallway serve` replicas on one PostgreSQL database: a replica killed with SIGKILL in
//! the middle of a session loses its sockets; they reconnect to the other with the last number
//! they saw and get every change once, none lost, none twice.

use futures_util::StreamExt;
use hallway_testkit::domain::Role;
use hallway_testkit::{TestDb, operator, quick_sessions, released_kubecon_sample};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{WebSocketStream, client_async};

type Ws = WebSocketStream<TcpStream>;

/// Whether `/readyz` answers 200, as a load balancer asks before sending clients.
fn ready(addr: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(addr) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = write!(
        s,
        "GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    );
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out.starts_with("HTTP/1.1 200")
}

/// `hallway serve` on a free port, once ready; returns the process and its address.
fn replica(db: &str) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hallway"))
        .args(["--database", db, "serve", "--listen", "127.0.0.1:0"])
        .env_remove("HALLWAY_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start hallway serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .rsplit("http://")
        .next()
        .expect("Hallway is serving http://ADDR")
        .to_owned();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !ready(&addr) {
        assert!(std::time::Instant::now() < deadline, "{addr} never ready");
        std::thread::sleep(Duration::from_millis(100));
    }
    (child, addr)
}

async fn connect(addr: &str, path: &str, cookie: &str) -> Ws {
    let stream = TcpStream::connect(addr).await.unwrap();
    let mut request = format!("ws://{addr}{path}").into_client_request().unwrap();
    request
        .headers_mut()
        .insert("cookie", cookie.parse().unwrap());
    client_async(request, stream)
        .await
        .expect("the socket opens")
        .0
}

/// A subscriber that records every number it is sent, in order.
struct Follower {
    ws: Ws,
    seen: Vec<i64>,
}

impl Follower {
    /// Reads until `seq` has come; `false` when the connection ended first.
    async fn until(&mut self, seq: i64) -> bool {
        while self.seen.last().is_none_or(|l| *l < seq) {
            let m = tokio::time::timeout(Duration::from_secs(15), self.ws.next())
                .await
                .expect("a message within 15 s");
            match m {
                Some(Ok(Message::Text(t))) => {
                    let v: serde_json::Value = serde_json::from_str(&t).unwrap();
                    if v["type"] == "change" {
                        self.seen.push(v["seq"].as_i64().unwrap());
                    }
                }
                Some(Ok(_)) => {}
                None | Some(Err(_)) => return false,
            }
        }
        true
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_killed_mid_session_loses_no_change_for_its_clients() {
    let db = TestDb::postgres().await;
    let app = db.app().await;
    let store = db.store().await;
    let edition = released_kubecon_sample(&app).await;
    let orga = operator();
    let session = app
        .work_in_progress(&orga, &edition)
        .await
        .unwrap()
        .schedule
        .sessions[0]
        .guid
        .to_string();
    let people = quick_sessions(&app, &store, "k", 2).await;
    app.grant_role(&orga, &edition, None, "k1@example.org", Role::Organizer)
        .await
        .unwrap();
    let asker = app
        .qa_ctx(Some(&people[0].0), &edition, &session)
        .await
        .unwrap();
    let cookie = format!("hallway_session={}", people[0].1);
    let path = |after: i64| format!("/{edition}/qa/{session}/live?after={after}");

    let (mut a, on_a) = replica(&db.url);
    let (mut b, on_b) = replica(&db.url);
    let mut followers = Vec::new();
    for addr in [&on_a, &on_a, &on_b] {
        followers.push(Follower {
            ws: connect(addr, &path(0), &cookie).await,
            seen: Vec::new(),
        });
    }
    // Both replicas listen before the session starts.
    tokio::time::sleep(Duration::from_secs(1)).await;
    // Questions asked by another process reach both replicas' sockets by NOTIFY.
    for i in 1..=5 {
        app.ask_question(&asker, &format!("Question {i}"), false)
            .await
            .unwrap();
    }
    for f in &mut followers {
        assert!(f.until(5).await);
    }

    // Replica A dies mid-session; the session goes on.
    a.kill().unwrap();
    a.wait().unwrap();
    for i in 6..=10 {
        app.ask_question(&asker, &format!("Question {i}"), false)
            .await
            .unwrap();
    }
    for f in &mut followers[..2] {
        assert!(!f.until(10).await, "A's sockets end with A");
        let last = *f.seen.last().unwrap();
        f.ws = connect(&on_b, &path(last), &cookie).await;
    }
    for i in 11..=12 {
        app.ask_question(&asker, &format!("Question {i}"), false)
            .await
            .unwrap();
    }
    for f in &mut followers {
        assert!(f.until(12).await);
        assert_eq!(
            f.seen,
            (1..=12).collect::<Vec<_>>(),
            "nothing lost, nothing twice"
        );
    }
    b.kill().unwrap();
    b.wait().unwrap();
}
