//! A load driver for live Q&A fan-out (bench/fanout.sh, and a small run in the test suite).
//!
//! Subscribers follow one room's socket on one or more servers (split evenly); clients ask and
//! vote through the pages' forms at a fixed rate. Each question's text carries its number, its
//! asker and when its POST left, so every subscriber measures ask-to-delivery latency on its
//! own. Every subscriber must end with every change of the room exactly once: it keeps the set
//! of change numbers it received, across reconnections (with `after=` its last number, to any
//! server), and the driver counts what is missing or duplicated against the room's last number.
//!
//! Rate limits are kept, not raised: accounts and source addresses (all of 127.0.0.0/8 is
//! loopback) are enough that no account or address goes over 80% of the product's limits, and
//! subscribers are spread over addresses under the per-address connection cap.

use futures_util::StreamExt;
use hallway_app::RateLimit;
use hallway_app::domain::venue::Rate;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{WebSocketStream, client_async};

/// What to run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Servers' base URLs (`http://HOST:PORT`); subscribers and clients are split evenly.
    pub bases: Vec<String>,
    pub edition: String,
    pub session: String,
    pub subscribers: usize,
    pub clients: usize,
    /// Asks and votes per second, all clients together.
    pub rate: f64,
    pub duration: Duration,
    /// One action in `ask_every` is a question, the others votes.
    pub ask_every: u64,
    /// Session secrets (`hallway_session` cookies) of the accounts clients act as; at least
    /// `accounts_needed(..)`.
    pub sessions: Vec<String>,
    /// Server processes whose CPU time and resident memory are sampled.
    pub pids: Vec<u32>,
    /// A process killed with SIGKILL this long after the load starts.
    pub kill: Option<(u32, Duration)>,
    /// Time all subscribers have to connect.
    pub connect_within: Duration,
    /// Time subscribers have, after the load, to reach the room's last change.
    pub drain_within: Duration,
    /// The first loopback address subscribers and clients connect from.
    pub first_source: Ipv4Addr,
}

impl Config {
    /// Subscribers per source address: under the servers' default per-address cap (256).
    pub const SUBSCRIBERS_PER_ADDRESS: usize = 200;

    fn per_minute(&self) -> (f64, f64) {
        let per_minute = self.rate * 60.0;
        let asks = per_minute / self.ask_every as f64;
        (asks, per_minute - asks)
    }

    /// Accounts enough that none goes over 80% of its per-account limits.
    pub fn accounts_needed(&self) -> usize {
        let (asks, votes) = self.per_minute();
        let a = asks / (per_minute(RateLimit::ASK.per_account) * 0.8);
        let v = votes / (per_minute(RateLimit::VOTE.per_account) * 0.8);
        (a.max(v).ceil() as usize).max(1)
    }

    /// Source addresses enough that none goes over 80% of its per-address limits.
    fn posting_addresses(&self) -> usize {
        let (asks, votes) = self.per_minute();
        let a = asks / (per_minute(RateLimit::ASK.per_address) * 0.8);
        let v = votes / (per_minute(RateLimit::VOTE.per_address) * 0.8);
        (a.max(v).ceil() as usize).max(1)
    }

    fn source(&self, n: usize) -> IpAddr {
        IpAddr::V4(Ipv4Addr::from(
            u32::from(self.first_source) + u32::try_from(n).unwrap_or(u32::MAX),
        ))
    }
}

/// Change numbers one subscriber received: a bit per number.
#[derive(Debug, Default, Clone)]
pub struct Received {
    bits: Vec<u64>,
    pub duplicates: u64,
    pub last: i64,
}

impl Received {
    /// Records change `seq`; false when it had already come.
    pub fn insert(&mut self, seq: i64) -> bool {
        let Ok(i) = usize::try_from(seq) else {
            return false;
        };
        if self.bits.len() <= i / 64 {
            self.bits.resize(i / 64 + 1, 0);
        }
        let bit = 1u64 << (i % 64);
        self.last = self.last.max(seq);
        if self.bits[i / 64] & bit != 0 {
            self.duplicates += 1;
            return false;
        }
        self.bits[i / 64] |= bit;
        true
    }

    /// Numbers 1..=`upto` that never came.
    pub fn missing(&self, upto: i64) -> u64 {
        let upto = usize::try_from(upto).unwrap_or(0);
        (1..=upto)
            .filter(|&i| {
                self.bits
                    .get(i / 64)
                    .is_none_or(|w| w & (1 << (i % 64)) == 0)
            })
            .count() as u64
    }
}

/// Latencies in 100 µs buckets up to 60 s, shared by every subscriber.
struct Histogram {
    buckets: Vec<AtomicU64>,
    max_us: AtomicU64,
}

impl Histogram {
    const BUCKET_US: u64 = 100;

    fn new() -> Self {
        Self {
            buckets: (0..=600_000).map(|_| AtomicU64::new(0)).collect(),
            max_us: AtomicU64::new(0),
        }
    }

    fn record(&self, us: u64) {
        let i = usize::try_from(us / Self::BUCKET_US)
            .unwrap_or(usize::MAX)
            .min(self.buckets.len() - 1);
        self.buckets[i].fetch_add(1, Ordering::Relaxed);
        self.max_us.fetch_max(us, Ordering::Relaxed);
    }

    fn count(&self) -> u64 {
        self.buckets.iter().map(|b| b.load(Ordering::Relaxed)).sum()
    }

    /// The upper edge of the bucket holding quantile `q`, in milliseconds.
    fn quantile_ms(&self, q: f64) -> f64 {
        let total = self.count();
        if total == 0 {
            return 0.0;
        }
        let rank = ((total as f64) * q).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (i, b) in self.buckets.iter().enumerate() {
            seen += b.load(Ordering::Relaxed);
            if seen >= rank {
                let us = (i as u64 + 1) * Self::BUCKET_US;
                return (us.min(self.max_us.load(Ordering::Relaxed)) as f64) / 1000.0;
            }
        }
        self.max_us.load(Ordering::Relaxed) as f64 / 1000.0
    }
}

/// What every task shares.
struct Shared {
    cfg: Config,
    start: Instant,
    /// The change number that created ask `k` (0 until some subscriber saw it).
    created_at: Vec<AtomicI64>,
    /// Subscribers that received ask `k`'s creation.
    delivered: Vec<AtomicU64>,
    /// Questions to vote on: (question id, the account that asked it).
    questions: Mutex<Vec<(i64, usize)>>,
    /// Per account, the next index in `questions` it may vote on.
    vote_cursor: Vec<AtomicUsize>,
    latency: Histogram,
    /// Each subscriber's last change number, for the drain.
    last: Vec<AtomicI64>,
    connected: AtomicUsize,
    closes: Mutex<BTreeMap<String, u64>>,
    posts: Mutex<BTreeMap<String, u64>>,
    asks_acked: Mutex<Vec<u64>>,
}

impl Shared {
    fn now_us(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_micros()).unwrap_or(u64::MAX)
    }

    fn count(map: &Mutex<BTreeMap<String, u64>>, key: String) {
        *map.lock().expect("counts").entry(key).or_default() += 1;
    }
}

/// The question text of ask `k` by account `a`, sent at `us` after the start.
fn stamp(k: u64, a: usize, us: u64) -> String {
    format!("fanout ask {k} by {a} at {us}")
}

fn parse_stamp(text: &str) -> Option<(u64, usize, u64)> {
    let w: Vec<&str> = text.split(' ').collect();
    match w.as_slice() {
        ["fanout", "ask", k, "by", a, "at", us] => {
            Some((k.parse().ok()?, a.parse().ok()?, us.parse().ok()?))
        }
        _ => None,
    }
}

fn socket_addr(base: &str) -> SocketAddr {
    base.trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .unwrap_or_else(|e| panic!("{base}: not http://IP:PORT ({e})"))
}

type Ws = WebSocketStream<TcpStream>;

async fn open(cfg: &Config, base: &str, after: i64, source: IpAddr) -> Result<Ws, String> {
    let addr = socket_addr(base);
    let socket = TcpSocket::new_v4().map_err(|e| e.to_string())?;
    socket
        .bind(SocketAddr::new(source, 0))
        .map_err(|e| format!("bind {source}: {e}"))?;
    let stream = socket.connect(addr).await.map_err(|e| e.to_string())?;
    let url = format!(
        "ws://{addr}/{}/qa/{}/live?after={after}",
        cfg.edition, cfg.session
    );
    let request = url.into_client_request().map_err(|e| e.to_string())?;
    let (ws, _) = tokio::time::timeout(Duration::from_secs(10), client_async(request, stream))
        .await
        .map_err(|_| "handshake timed out".to_owned())?
        .map_err(|e| e.to_string())?;
    Ok(ws)
}

/// Why a connection ended, for the report.
fn close_reason(m: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>) -> String {
    match m {
        Some(Ok(Message::Close(Some(f)))) => format!("close {}", u16::from(f.code)),
        Some(Ok(Message::Close(None))) => "close without code".into(),
        Some(Err(e)) => format!("error: {e}"),
        _ => "eof".into(),
    }
}

/// One subscriber: follows the room until told to stop, reconnecting after its last number.
async fn subscribe(
    shared: Arc<Shared>,
    id: usize,
    first: Arc<Semaphore>,
    mut stop: watch::Receiver<bool>,
) -> Received {
    let cfg = &shared.cfg;
    let source = cfg.source(id / Config::SUBSCRIBERS_PER_ADDRESS);
    let mut base = id % cfg.bases.len();
    let mut got = Received::default();
    let mut ever_live = false;
    let mut permit = Some(first.acquire_owned().await.expect("semaphore"));
    while !*stop.borrow() {
        let mut ws = match open(cfg, &cfg.bases[base], got.last, source).await {
            Ok(ws) => ws,
            Err(e) => {
                Shared::count(&shared.closes, format!("connect failed: {e}"));
                base = (base + 1) % cfg.bases.len();
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let reason = loop {
            let m = tokio::select! {
                m = ws.next() => m,
                _ = stop.changed() => {
                    let _ = ws.close(None).await;
                    return got;
                }
            };
            let Some(Ok(Message::Text(t))) = &m else {
                if matches!(&m, Some(Ok(Message::Ping(_) | Message::Pong(_)))) {
                    continue;
                }
                break close_reason(m);
            };
            let Ok(v) = serde_json::from_str::<Value>(t) else {
                break "a frame that is not JSON".into();
            };
            match v["type"].as_str() {
                Some("live") if !ever_live => {
                    ever_live = true;
                    permit.take();
                    shared.connected.fetch_add(1, Ordering::Relaxed);
                }
                Some("change") => {
                    let Some(seq) = v["seq"].as_i64() else {
                        break "a change without a number".into();
                    };
                    if got.insert(seq) {
                        shared.last[id].store(got.last, Ordering::Relaxed);
                        delivered(&shared, seq, &v["question"]);
                    }
                }
                _ => {}
            }
        };
        Shared::count(&shared.closes, reason);
        // Another server takes over while this one restarts or is gone.
        base = (base + 1) % cfg.bases.len();
    }
    got
}

/// A change newly received: when it created a driver's question, its latency counts.
fn delivered(shared: &Shared, seq: i64, question: &Value) {
    let Some((k, asker, sent)) = question["text"].as_str().and_then(parse_stamp) else {
        return;
    };
    let Some(created) = shared
        .created_at
        .get(usize::try_from(k).unwrap_or(usize::MAX))
    else {
        return;
    };
    // Changes come in order, so the first number anyone sees a question at is its creation.
    let first = match created.compare_exchange(0, seq, Ordering::AcqRel, Ordering::Acquire) {
        Ok(_) => {
            if let Some(id) = question["id"].as_i64() {
                shared
                    .questions
                    .lock()
                    .expect("questions")
                    .push((id, asker));
            }
            true
        }
        Err(at) => at == seq,
    };
    if first {
        shared.latency.record(shared.now_us().saturating_sub(sent));
        shared.delivered[k as usize].fetch_add(1, Ordering::Relaxed);
    }
}

/// One client: acts every `clients / rate` seconds until the load ends.
async fn client(
    shared: Arc<Shared>,
    id: usize,
    http: Arc<Vec<reqwest::Client>>,
    next_action: Arc<AtomicU64>,
    asks: Arc<AtomicU64>,
    votes: Arc<AtomicU64>,
) {
    let cfg = &shared.cfg;
    let every = Duration::from_secs_f64(cfg.clients as f64 / cfg.rate);
    let offset = Duration::from_secs_f64(id as f64 / cfg.rate);
    let begin = tokio::time::Instant::now() + offset;
    let end = tokio::time::Instant::now() + cfg.duration;
    let mut tick = tokio::time::interval_at(begin, every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut base = id % cfg.bases.len();
    let accounts = cfg.sessions.len();
    loop {
        tick.tick().await;
        if tokio::time::Instant::now() >= end {
            return;
        }
        let n = next_action.fetch_add(1, Ordering::Relaxed);
        let (action, account, body, ask) = if n.is_multiple_of(cfg.ask_every) {
            let k = asks.fetch_add(1, Ordering::Relaxed);
            let a = usize::try_from(k).unwrap_or(0) % accounts;
            (
                "ask",
                a,
                format!("text={}", stamp(k, a, shared.now_us()).replace(' ', "+")),
                Some(k),
            )
        } else {
            let j = votes.fetch_add(1, Ordering::Relaxed);
            let a = usize::try_from(j).unwrap_or(0) % accounts;
            let Some(q) = vote_target(&shared, a) else {
                Shared::count(&shared.posts, "vote skipped: nothing to vote on yet".into());
                continue;
            };
            ("vote", a, format!("question={q}&up=1"), None)
        };
        let csrf = "c".repeat(64);
        let mut tries = 0;
        let outcome = loop {
            let url = format!(
                "{}/{}/qa/{}/{action}",
                cfg.bases[base], cfg.edition, cfg.session
            );
            let sent = http[account % http.len()]
                .post(url)
                .header(
                    "cookie",
                    format!(
                        "hallway_session={}; hallway_csrf={csrf}",
                        cfg.sessions[account]
                    ),
                )
                .header("content-type", "application/x-www-form-urlencoded")
                .header("origin", &cfg.bases[base])
                .header("sec-fetch-site", "same-origin")
                .body(format!("csrf={csrf}&{body}"))
                .send()
                .await;
            match sent {
                Ok(r) => {
                    let status = r.status().as_u16();
                    let _ = r.bytes().await;
                    break format!("{action} {status}");
                }
                // The server is gone: the next one takes the action (once).
                Err(e) if tries == 0 && e.is_connect() => {
                    tries += 1;
                    base = (base + 1) % cfg.bases.len();
                }
                Err(e) => break format!("{action} failed: {}", causes(&e)),
            }
        };
        if outcome == "ask 200"
            && let Some(k) = ask
        {
            shared.asks_acked.lock().expect("acked").push(k);
        }
        Shared::count(&shared.posts, outcome);
    }
}

fn causes(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// A question account `a` did not ask and has not voted on.
fn vote_target(shared: &Shared, a: usize) -> Option<i64> {
    let questions = shared.questions.lock().expect("questions");
    let cursor = &shared.vote_cursor[a];
    let mut i = cursor.load(Ordering::Relaxed);
    while let Some(&(id, asker)) = questions.get(i) {
        i += 1;
        if asker != a {
            cursor.store(i, Ordering::Relaxed);
            return Some(id);
        }
    }
    cursor.store(i, Ordering::Relaxed);
    None
}

/// A server process's CPU time (seconds) and resident memory (bytes), from /proc.
pub fn process_usage(pid: u32) -> Option<(f64, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 of stat (utime, stime), counted after the command: 12th and 13th.
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss_kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    // Linux reports times in USER_HZ, 100 on every architecture it runs on.
    Some((ticks as f64 / 100.0, rss_kb * 1024))
}

#[derive(Debug, Clone, Default)]
struct Usage {
    at_load: Option<(f64, u64)>,
    last: Option<(f64, u64)>,
    peak_rss: u64,
    load_seconds: f64,
}

/// The room's last change number, as the server tells it.
async fn last_change(cfg: &Config, after: i64) -> Result<i64, String> {
    let mut last = after;
    for base in &cfg.bases {
        let url = format!(
            "{base}/api/v1/editions/{}/sessions/{}/qa?after={after}",
            cfg.edition, cfg.session
        );
        let Ok(r) = reqwest::get(&url).await else {
            continue;
        };
        let changes: Value = r.json().await.map_err(|e| format!("{url}: {e}"))?;
        let seqs = changes.as_array().ok_or(format!("{url}: not a list"))?;
        last = seqs
            .iter()
            .filter_map(|c| c["seq"].as_i64())
            .fold(last, i64::max);
        return Ok(last);
    }
    Err("no server answers for the room's last change".into())
}

/// Runs the load and returns the report (JSON); `Err` only when the run could not happen.
pub async fn run(cfg: Config) -> Result<Value, String> {
    if cfg.bases.is_empty() || cfg.subscribers == 0 || cfg.clients == 0 || cfg.rate <= 0.0 {
        return Err("bases, subscribers, clients and rate must be given".into());
    }
    if cfg.sessions.len() < cfg.accounts_needed() {
        return Err(format!(
            "{} accounts given, {} needed to stay within the rate limits",
            cfg.sessions.len(),
            cfg.accounts_needed()
        ));
    }
    let max_asks = (cfg.rate * cfg.duration.as_secs_f64() / cfg.ask_every as f64) as usize + 16;
    let shared = Arc::new(Shared {
        start: Instant::now(),
        created_at: (0..max_asks).map(|_| AtomicI64::new(0)).collect(),
        delivered: (0..max_asks).map(|_| AtomicU64::new(0)).collect(),
        questions: Mutex::new(Vec::new()),
        vote_cursor: (0..cfg.sessions.len())
            .map(|_| AtomicUsize::new(0))
            .collect(),
        latency: Histogram::new(),
        last: (0..cfg.subscribers).map(|_| AtomicI64::new(0)).collect(),
        connected: AtomicUsize::new(0),
        closes: Mutex::new(BTreeMap::new()),
        posts: Mutex::new(BTreeMap::new()),
        asks_acked: Mutex::new(Vec::new()),
        cfg,
    });
    let cfg = &shared.cfg;
    let subscriber_addresses = cfg.subscribers.div_ceil(Config::SUBSCRIBERS_PER_ADDRESS);

    // Subscribers: at most 256 handshakes at a time, so the listen backlog is not the test.
    let (stop_tx, stop) = watch::channel(false);
    let first = Arc::new(Semaphore::new(256));
    let subscribers: Vec<_> = (0..cfg.subscribers)
        .map(|id| tokio::spawn(subscribe(shared.clone(), id, first.clone(), stop.clone())))
        .collect();
    let connecting = Instant::now();
    while shared.connected.load(Ordering::Relaxed) < cfg.subscribers {
        if connecting.elapsed() > cfg.connect_within {
            let _ = stop_tx.send(true);
            return Err(format!(
                "{} of {} subscribers connected within {:?}; ends: {:?}",
                shared.connected.load(Ordering::Relaxed),
                cfg.subscribers,
                cfg.connect_within,
                shared.closes.lock().expect("closes")
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let connect_seconds = connecting.elapsed().as_secs_f64();
    let replayed = (0..cfg.subscribers)
        .map(|i| shared.last[i].load(Ordering::Relaxed))
        .max()
        .unwrap_or(0);

    // Usage of the servers, sampled every 250 ms from here on.
    let usage: Arc<Mutex<BTreeMap<u32, Usage>>> = Arc::new(Mutex::new(
        cfg.pids.iter().map(|&p| (p, Usage::default())).collect(),
    ));
    let sampling = {
        let usage = usage.clone();
        let pids = cfg.pids.clone();
        let mut stop = stop.clone();
        tokio::spawn(async move {
            loop {
                for &pid in &pids {
                    if let Some(now) = process_usage(pid) {
                        let mut u = usage.lock().expect("usage");
                        let u = u.entry(pid).or_default();
                        u.at_load.get_or_insert(now);
                        u.last = Some(now);
                        u.peak_rss = u.peak_rss.max(now.1);
                    }
                }
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(250)) => {}
                    _ = stop.changed() => return,
                }
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let connected_rss: BTreeMap<u32, u64> = usage
        .lock()
        .expect("usage")
        .iter()
        .map(|(&p, u)| (p, u.last.map_or(0, |l| l.1)))
        .collect();

    // The load.
    let posting = cfg.posting_addresses();
    let http: Arc<Vec<reqwest::Client>> = Arc::new(
        (0..posting)
            .map(|i| {
                reqwest::Client::builder()
                    .local_address(cfg.source(subscriber_addresses + i))
                    .redirect(reqwest::redirect::Policy::none())
                    .timeout(Duration::from_secs(30))
                    .build()
                    .expect("an HTTP client")
            })
            .collect(),
    );
    let (next_action, asks, votes) = (
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
    );
    let load_start = Instant::now();
    let killer = cfg.kill.map(|(pid, at)| {
        tokio::spawn(async move {
            tokio::time::sleep(at).await;
            let pid = rustix::process::Pid::from_raw(i32::try_from(pid).unwrap_or(-1));
            match pid.map(|p| rustix::process::kill_process(p, rustix::process::Signal::KILL)) {
                Some(Ok(())) => Ok(()),
                other => Err(format!("kill {pid:?}: {other:?}")),
            }
        })
    });
    let clients: Vec<_> = (0..cfg.clients)
        .map(|id| {
            tokio::spawn(client(
                shared.clone(),
                id,
                http.clone(),
                next_action.clone(),
                asks.clone(),
                votes.clone(),
            ))
        })
        .collect();
    for c in clients {
        c.await.map_err(|e| format!("a client failed: {e}"))?;
    }
    let load_seconds = load_start.elapsed().as_secs_f64();
    let killed = match killer {
        Some(k) => Some(k.await.map_err(|e| e.to_string())??),
        None => None,
    };

    // The drain: every subscriber should reach the room's last change.
    let final_seq = last_change(cfg, replayed).await?;
    let draining = Instant::now();
    let behind = || {
        shared
            .last
            .iter()
            .filter(|l| l.load(Ordering::Relaxed) < final_seq)
            .count()
    };
    while behind() > 0 && draining.elapsed() < cfg.drain_within {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let drain_seconds = draining.elapsed().as_secs_f64();
    let mut processes = Vec::new();
    for (pid, u) in usage.lock().expect("usage").iter_mut() {
        if let (Some(a), Some(l)) = (u.at_load, u.last) {
            u.load_seconds = l.0 - a.0;
        }
        processes.push(json!({
            "pid": pid,
            "cpu_seconds": u.load_seconds,
            "cpu_percent": 100.0 * u.load_seconds / (load_seconds + drain_seconds),
            "rss_connected_mb": connected_rss.get(pid).copied().unwrap_or(0) as f64 / 1048576.0,
            "rss_peak_mb": u.peak_rss as f64 / 1048576.0,
        }));
    }
    let _ = stop_tx.send(true);
    let _ = sampling.await;
    let mut missing = 0;
    let mut duplicates = 0;
    let mut incomplete = 0;
    for s in subscribers {
        let got = s.await.map_err(|e| format!("a subscriber failed: {e}"))?;
        let m = got.missing(final_seq);
        missing += m;
        duplicates += got.duplicates;
        incomplete += usize::from(m > 0);
    }
    let seen_asks = shared
        .created_at
        .iter()
        .filter(|c| c.load(Ordering::Relaxed) != 0)
        .count();
    let undelivered: u64 = shared
        .delivered
        .iter()
        .zip(&shared.created_at)
        .filter(|(_, c)| c.load(Ordering::Relaxed) != 0)
        .map(|(d, _)| {
            cfg.subscribers as u64 - d.load(Ordering::Relaxed).min(cfg.subscribers as u64)
        })
        .sum();
    let acked_unseen = shared
        .asks_acked
        .lock()
        .expect("acked")
        .iter()
        .filter(|&&k| shared.created_at[k as usize].load(Ordering::Relaxed) == 0)
        .count();
    let posts = shared.posts.lock().expect("posts").clone();
    let done: u64 = posts
        .iter()
        .filter(|(k, _)| k.ends_with(" 200"))
        .map(|(_, n)| n)
        .sum();
    let lost = missing + undelivered + acked_unseen as u64;
    Ok(json!({
        "bases": cfg.bases,
        "subscribers": cfg.subscribers,
        "clients": cfg.clients,
        "rate": cfg.rate,
        "duration_seconds": cfg.duration.as_secs_f64(),
        "accounts": cfg.sessions.len(),
        "source_addresses": subscriber_addresses + posting,
        "connect_seconds": connect_seconds,
        "load_seconds": load_seconds,
        "achieved_rate": done as f64 / load_seconds,
        "drain_seconds": drain_seconds,
        "killed": killed.map(|()| json!({"pid": cfg.kill.map(|k| k.0), "at_seconds": cfg.kill.map(|k| k.1.as_secs_f64())})),
        "posts": posts,
        "final_seq": final_seq,
        "questions_seen": seen_asks,
        "latency_ms": {
            "samples": shared.latency.count(),
            "p50": shared.latency.quantile_ms(0.50),
            "p99": shared.latency.quantile_ms(0.99),
            "max": shared.latency.max_us.load(Ordering::Relaxed) as f64 / 1000.0,
        },
        "lost": lost,
        "missing_changes": missing,
        "undelivered_questions": undelivered,
        "acknowledged_asks_never_seen": acked_unseen,
        "duplicates": duplicates,
        "subscribers_incomplete": incomplete,
        "connection_ends": shared.closes.lock().expect("closes").clone(),
        "processes": processes,
    }))
}

/// A limit as so many a minute.
fn per_minute(rate: Rate) -> f64 {
    f64::from(rate.most) * 60.0 / rate.window_seconds as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_and_repeats_are_counted() {
        let mut r = Received::default();
        for s in [1, 2, 4, 4, 5, 70, 2] {
            r.insert(s);
        }
        assert_eq!(r.duplicates, 2);
        assert_eq!(r.last, 70);
        // 3 and 6..=69 never came, nor 71 and 72.
        assert_eq!(r.missing(72), 1 + 64 + 2);
        assert_eq!(Received::default().missing(3), 3);
    }

    #[test]
    fn a_stamp_reads_back() {
        assert_eq!(parse_stamp(&stamp(7, 3, 12345)), Some((7, 3, 12345)));
        assert_eq!(parse_stamp("fanout ask 7 by x at 1"), None);
        assert_eq!(parse_stamp("a question"), None);
    }

    #[test]
    fn quantiles_read_from_buckets() {
        let h = Histogram::new();
        for ms in 1..=100 {
            h.record(ms * 1000);
        }
        // Each read is its bucket's upper edge: 100 µs above.
        assert!((h.quantile_ms(0.5) - 50.1).abs() < 1e-9);
        assert!((h.quantile_ms(0.99) - 99.1).abs() < 1e-9);
        assert_eq!(h.quantile_ms(1.0), 100.0);
        assert_eq!(h.count(), 100);
    }
}
