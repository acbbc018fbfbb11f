//! Live Q&A fan-out under load, for bench/fanout.sh (the driver is `hallway_testkit::fanout`).
//! Makes the clients' accounts and sessions in the servers' database, runs the load and prints
//! the report as JSON; exits 1 when a change was lost or duplicated.
//!
//!   fanout_bench --database URL --edition SLUG --session GUID --base URL [--base URL]
//!       [--subscribers 10000] [--clients 50] [--rate 200] [--duration 60] [--ask-every 5]
//!       [--pid PID]... [--kill PID --kill-at 30] [--connect-within 300] [--drain-within 30]
//!       [--first-source 127.1.0.1] [--json FILE]

use hallway_testkit::fanout::{self, Config};
use hallway_testkit::hallway_app::{App, Store};
use std::net::Ipv4Addr;
use std::time::Duration;

fn usage(problem: &str) -> ! {
    eprintln!("fanout_bench: {problem} (see the comment at the top of fanout_bench.rs)");
    std::process::exit(2)
}

fn number<T: std::str::FromStr>(flag: &str, v: &str) -> T {
    v.parse()
        .unwrap_or_else(|_| usage(&format!("{flag}: {v:?} is not a number")))
}

#[tokio::main]
async fn main() {
    let mut cfg = Config {
        bases: Vec::new(),
        edition: String::new(),
        session: String::new(),
        subscribers: 10_000,
        clients: 50,
        rate: 200.0,
        duration: Duration::from_secs(60),
        ask_every: 5,
        sessions: Vec::new(),
        pids: Vec::new(),
        kill: None,
        connect_within: Duration::from_secs(300),
        drain_within: Duration::from_secs(30),
        first_source: Ipv4Addr::new(127, 1, 0, 1),
    };
    let (mut database, mut json, mut kill_pid, mut kill_at) = (None, None, None, None);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let v = args
            .next()
            .unwrap_or_else(|| usage(&format!("{flag} needs a value")));
        match flag.as_str() {
            "--database" => database = Some(v),
            "--edition" => cfg.edition = v,
            "--session" => cfg.session = v,
            "--base" => cfg.bases.push(v.trim_end_matches('/').to_owned()),
            "--subscribers" => cfg.subscribers = number(&flag, &v),
            "--clients" => cfg.clients = number(&flag, &v),
            "--rate" => cfg.rate = number(&flag, &v),
            "--duration" => cfg.duration = Duration::from_secs_f64(number(&flag, &v)),
            "--ask-every" => cfg.ask_every = number::<u64>(&flag, &v).max(1),
            "--pid" => cfg.pids.push(number(&flag, &v)),
            "--kill" => kill_pid = Some(number::<u32>(&flag, &v)),
            "--kill-at" => kill_at = Some(Duration::from_secs_f64(number(&flag, &v))),
            "--connect-within" => cfg.connect_within = Duration::from_secs_f64(number(&flag, &v)),
            "--drain-within" => cfg.drain_within = Duration::from_secs_f64(number(&flag, &v)),
            "--first-source" => cfg.first_source = number(&flag, &v),
            "--json" => json = Some(v),
            _ => usage(&format!("unknown flag {flag}")),
        }
    }
    cfg.kill = match (kill_pid, kill_at) {
        (Some(p), Some(at)) => Some((p, at)),
        (None, None) => None,
        _ => usage("--kill and --kill-at go together"),
    };
    let database = database.unwrap_or_else(|| usage("--database is needed for the accounts"));
    if cfg.edition.is_empty() || cfg.session.is_empty() || cfg.bases.is_empty() {
        usage("--edition, --session and at least one --base are needed");
    }
    // Ten thousand sockets need as many files.
    let files = hallway_testkit::hallway_web::raise_open_file_limit();
    if files < cfg.subscribers as u64 + 256 {
        usage(&format!(
            "the open-file limit is {files}: raise it (ulimit -n) above the subscribers"
        ));
    }

    // The clients' accounts, with live sessions, straight in the servers' database.
    let app = App::open(&database)
        .await
        .unwrap_or_else(|e| usage(&format!("{database}: {e}")));
    let store = Store::connect(&database)
        .await
        .unwrap_or_else(|e| usage(&format!("{database}: {e}")));
    let prefix = format!("fanout{}-", jiff::Timestamp::now().as_second());
    let needed = cfg.accounts_needed();
    cfg.sessions = hallway_testkit::quick_sessions(&app, &store, &prefix, needed)
        .await
        .into_iter()
        .map(|(_, secret)| secret)
        .collect();
    store.close().await;
    app.close().await;

    let report = match fanout::run(cfg).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("fanout_bench: {e}");
            std::process::exit(1)
        }
    };
    let text = serde_json::to_string_pretty(&report).expect("JSON");
    println!("{text}");
    if let Some(path) = json {
        std::fs::write(&path, &text).unwrap_or_else(|e| usage(&format!("{path}: {e}")));
    }
    let failed = report["lost"].as_u64() != Some(0) || report["duplicates"].as_u64() != Some(0);
    std::process::exit(i32::from(failed));
}
