//! `hallway serve` as an operator runs it: answering at once, and stopping on SIGTERM within
//! its grace period whatever its clients do.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn hallway(db: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_hallway"))
        .args(["--database", db])
        .args(args)
        .env_remove("HALLWAY_CONFIG")
        .output()
        .expect("run hallway")
}

fn get(addr: &str, path: &str) -> String {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

#[test]
fn sigterm_stops_serve_within_the_grace_period_despite_a_half_sent_request() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("h.db").display());
    let file = hallway_testkit::data_dir().join("kubecon/kccnceu2026-sched-2026-03-22.ics");
    assert!(
        hallway(&db, &["import", file.to_str().unwrap()])
            .status
            .success()
    );
    assert!(hallway(&db, &["release"]).status.success());

    let mut serve = Command::new(env!("CARGO_BIN_EXE_hallway"))
        .args(["--database", &db, "serve", "--listen", "127.0.0.1:0"])
        .args(["--shutdown-grace", "1s", "--header-timeout", "60s"])
        .env_remove("HALLWAY_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start hallway serve");
    let mut line = String::new();
    BufReader::new(serve.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .rsplit("http://")
        .next()
        .expect("Hallway is serving http://ADDR")
        .to_owned();
    assert!(
        get(&addr, "/healthz").starts_with("HTTP/1.1 200"),
        "healthz"
    );
    // The released pages come once rendered; until then 503, never an empty site.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let home = get(&addr, "/kccnceu2026/");
        if home.starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(home.starts_with("HTTP/1.1 503"), "{home}");
        assert!(Instant::now() < deadline, "the release never rendered");
        std::thread::sleep(Duration::from_millis(100));
    }

    let mut half_sent = TcpStream::connect(&addr).unwrap();
    half_sent
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let pid = rustix::process::Pid::from_raw(i32::try_from(serve.id()).unwrap()).unwrap();
    let start = Instant::now();
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).expect("SIGTERM");
    let status = loop {
        if let Some(status) = serve.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(10) {
            let _ = serve.kill();
            panic!("hallway serve did not stop within 10 s of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = start.elapsed();
    assert!(status.success(), "{status:?}");
    assert!(
        took < Duration::from_millis(2500),
        "stopping took {took:?} with a grace period of 1 s"
    );
}
