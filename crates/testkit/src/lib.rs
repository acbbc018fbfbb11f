//! Test support: a fresh database per test on either backend, the real server on port 0, and
//! the real schedules as fixtures.
//!
//! PostgreSQL tests connect to `HALLWAY_TEST_POSTGRES_URL` (default
//! `postgres://postgres:postgres@127.0.0.1:5432/postgres`) and fail, never skip, when it cannot be reached.

use hallway_app::{App, OrgaCtx};
use hallway_web::{AppState, Limits, LiveSettings, router, serve_router};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

pub mod broken;
pub mod fanout;
pub mod load;
pub mod smtp;

pub use hallway_app;
pub use hallway_domain as domain;
pub use hallway_web;

/// The repository's data folder.
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data")
}

/// A KubeCon EU 2026 Sched export: `"03-03"` or `"03-22"`.
pub fn kubecon(date: &str) -> Vec<u8> {
    let path = data_dir().join(format!("kubecon/kccnceu2026-sched-2026-{date}.ics"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A small part of a KubeCon EU 2026 export (`"03-03"` or `"03-22"`), for tests whose output a
/// person reads whole (snapshots): two co-located events, Wednesday morning's keynote block and
/// two talks in the Auditorium, the day's breaks and Kat Cosgrove's talks on two days. Chosen by
/// what sessions are, not by UID, so that both exports give the same sessions where they agree
/// and the second release has a changelog.
pub fn kubecon_sample(date: &str) -> Vec<u8> {
    let text = String::from_utf8(kubecon(date)).expect("the export is UTF-8");
    let mut parts = text.split("BEGIN:VEVENT");
    let mut out = parts.next().expect("a calendar header").to_owned();
    let field = |event: &str, name: &str| -> String {
        event
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
            .unwrap_or_default()
            .trim_end()
            .to_owned()
    };
    for event in parts {
        let event = event.split("END:VCALENDAR").next().unwrap_or(event);
        let start = field(event, "DTSTART");
        let location = field(event, "LOCATION");
        let summary = field(event, "SUMMARY");
        let category = field(event, "CATEGORIES");
        let wednesday_morning = start.starts_with("20260325") && start[9..13] < *"1300";
        let keep = (wednesday_morning
            && (location.starts_with("Hall 12\\,") || location.starts_with("Auditorium\\,")))
            || (start.starts_with("20260325") && category == "BREAKS")
            || summary.contains("Kat Cosgrove")
            || (start.starts_with("20260323")
                && (summary.starts_with("ArgoCon") || summary.starts_with("BackstageCon")));
        if keep {
            out.push_str("BEGIN:VEVENT");
            out.push_str(event);
        }
    }
    out.push_str("END:VCALENDAR\r\n");
    out.into_bytes()
}

pub fn postgres_admin_url() -> String {
    std::env::var("HALLWAY_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres:postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A database that exists for one test only.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<String>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);
static OPERATOR: std::sync::OnceLock<OrgaCtx> = std::sync::OnceLock::new();

/// The operator's permission (every edition), as the command line holds it. Tests get it from
/// opening a test database (`TestDb::app`) first, as the binary gets it from opening its own.
pub fn operator() -> OrgaCtx {
    OPERATOR
        .get()
        .cloned()
        .expect("open a test database with TestDb::app before asking for the operator")
}

impl TestDb {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite://{}", dir.path().join("hallway.db").display());
        Self {
            url,
            _dir: Some(dir),
            postgres: None,
        }
    }

    pub async fn postgres() -> Self {
        let admin = postgres_admin_url();
        let name = format!(
            "hallway_t_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            jiff::Timestamp::now().as_nanosecond() % 1_000_000
        );
        let store = hallway_app::Store::connect(&admin)
            .await
            .unwrap_or_else(|e| {
                panic!("PostgreSQL is needed for this test and is not reachable at {admin}: {e}")
            });
        store
            .create_database(&name)
            .await
            .expect("create a test database");
        store.close().await;
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        Self {
            url: format!("{base}/{name}"),
            _dir: None,
            postgres: Some(name),
        }
    }

    /// The app, opened as the command line opens it: the operator's permission is kept for
    /// `operator()`.
    pub async fn app(&self) -> App {
        let (app, orga) = App::open_as_operator(&self.url)
            .await
            .expect("open and migrate the test database");
        let _ = OPERATOR.set(orga);
        app
    }

    /// The store underneath, for tests that set up what no use case would write.
    pub async fn store(&self) -> hallway_app::Store {
        let store = hallway_app::Store::connect(&self.url)
            .await
            .expect("connect to the test database");
        store.migrate().await.expect("migrate the test database");
        store
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(name) = self.postgres.take() else {
            return;
        };
        // Drop needs an async client; a short-lived runtime on its own thread avoids nesting.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(rt) = rt {
                rt.block_on(async {
                    if let Ok(store) = hallway_app::Store::connect(&postgres_admin_url()).await {
                        let _ = store.drop_database(&name).await;
                        store.close().await;
                    }
                });
            }
        })
        .join();
    }
}

/// The real router on a real socket, with the site state in reach of the test.
pub struct TestServer {
    pub base: String,
    /// The address the server listens on.
    pub addr: std::net::SocketAddr,
    pub state: AppState,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<()>>,
}

impl TestServer {
    pub async fn start(app: App) -> Self {
        Self::start_with(app, Limits::default()).await
    }

    /// The server as `hallway serve` runs it (accept loop, limits, graceful shutdown), with the
    /// released schedules rendered before it starts.
    pub async fn start_with(app: App, limits: Limits) -> Self {
        let server = Self::start_unrendered(app, limits).await;
        server.refresh().await;
        server
    }

    /// The server before its first render: what visitors see while `serve` starts up.
    pub async fn start_unrendered(app: App, limits: Limits) -> Self {
        Self::start_state(AppState::new(app, "http://hallway.test"), limits).await
    }

    /// With live sockets behaving as `live` says (small queues, short checks).
    pub async fn start_live(app: App, live: LiveSettings) -> Self {
        let state = AppState::with_live(app, "http://hallway.test", live);
        let server = Self::start_state(state, Limits::default()).await;
        server.refresh().await;
        server
    }

    async fn start_state(state: AppState, limits: Limits) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind port 0");
        let addr = listener.local_addr().expect("local address");
        let base = format!("http://{addr}");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let service = router(state.clone(), &limits);
        let handle = tokio::spawn(async move {
            let stopped = async {
                let _ = stopped.await;
            };
            serve_router(listener, service, limits, stopped)
                .await
                .expect("serve");
        });
        Self {
            base,
            addr,
            state,
            stop: Some(stop),
            handle: Some(handle),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Renders releases made since the server started, as the background watcher would.
    pub async fn refresh(&self) -> usize {
        self.state
            .site
            .refresh(&self.state.app)
            .await
            .expect("refresh")
    }

    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(h) = self.handle.take() {
            let _ = h.await;
        }
        // As `serve` does once requests are done: live sockets are told to reconnect.
        self.state
            .live
            .shut_down(std::time::Duration::from_secs(2))
            .await;
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Imports and releases the final KubeCon EU 2026 schedule.
pub async fn released_kubecon(app: &App) -> String {
    let orga = &operator();
    let out = app
        .import_schedule(
            orga,
            "kubecon.ics",
            &kubecon("03-22"),
            None,
            &hallway_app::ImportOptions::default(),
        )
        .await
        .expect("import");
    app.release(orga, out.edition.as_str(), hallway_app::Force::Always)
        .await
        .expect("release");
    out.edition.to_string()
}

/// Imports and releases `kubecon_sample` twice, the early export then the final one, so that
/// the second release has a changelog.
pub async fn released_kubecon_sample(app: &App) -> String {
    let orga = &operator();
    let mut edition = String::new();
    for date in ["03-03", "03-22"] {
        let out = app
            .import_schedule(
                orga,
                "kubecon.ics",
                &kubecon_sample(date),
                None,
                &hallway_app::ImportOptions::default(),
            )
            .await
            .expect("import");
        edition = out.edition.to_string();
        app.release(orga, &edition, hallway_app::Force::Always)
            .await
            .expect("release");
    }
    edition
}

/// Three workshops in May 2099 in Amsterdam, imported and released as edition `workshops`:
/// sessions far enough ahead that seats can be taken whenever a test runs. The first two
/// overlap; the third is the next day.
pub async fn released_workshops(app: &App) -> String {
    let csv = "title,start,end,room,type\r\n\
        Hands-on eBPF,2099-05-12T10:00,2099-05-12T12:00,Room A,workshop\r\n\
        Writing a Kubernetes operator,2099-05-12T11:00,2099-05-12T13:00,Room B,workshop\r\n\
        ContribFest,2099-05-13T10:00,2099-05-13T12:00,Room A,workshop\r\n";
    let orga = &operator();
    let options = hallway_app::ImportOptions {
        time_zone: Some("Europe/Amsterdam".into()),
        edition: Some(hallway_domain::Slug::parse("workshops").expect("a slug")),
        ..Default::default()
    };
    let out = app
        .import_schedule(orga, "workshops.csv", csv.as_bytes(), None, &options)
        .await
        .expect("import");
    app.release(orga, out.edition.as_str(), hallway_app::Force::Always)
        .await
        .expect("release");
    out.edition.to_string()
}

/// This process's resident memory in bytes (VmRSS), to see what an attack leaves behind.
pub fn resident_memory() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .expect("VmRSS in /proc/self/status")
        * 1024
}

/// A verified account signed in as `email`, the way a person gets one: sign up, follow the
/// link mailed (taken from the outbox), log in.
pub async fn signed_in(app: &App, store: &hallway_app::Store, email: &str) -> hallway_app::Viewer {
    use hallway_store::OutboxStore;
    let password = "a long enough password";
    app.sign_up(email, password).await.expect("sign up");
    let now = jiff::Timestamp::now().as_second();
    let mut token = None;
    while let Some(mail) = store.claim_due(now + 1, now + 600).await.expect("outbox") {
        store.mark_sent(mail.id, now).await.expect("outbox");
        if mail.recipient == email
            && let Some(at) = mail.body.find("token=")
        {
            let rest = &mail.body[at + "token=".len()..];
            token = Some(
                rest.chars()
                    .take_while(char::is_ascii_hexdigit)
                    .collect::<String>(),
            );
        }
    }
    app.verify_email(&token.expect("a verification mail"))
        .await
        .expect("verify");
    let login = app.log_in(email, password, None).await.expect("log in");
    app.session_viewer(&login.session).await.expect("a session")
}

/// `n` signed-in accounts (`{prefix}{i}@example.org`), made straight in the store, without
/// the password hashing a real sign-up costs: for tests that need a crowd.
pub async fn quick_accounts(
    app: &App,
    store: &hallway_app::Store,
    prefix: &str,
    n: usize,
) -> Vec<hallway_app::Viewer> {
    quick_sessions(app, store, prefix, n)
        .await
        .into_iter()
        .map(|(v, _)| v)
        .collect()
}

/// As `quick_accounts`, with each account's session secret (its `hallway_session` cookie).
pub async fn quick_sessions(
    app: &App,
    store: &hallway_app::Store,
    prefix: &str,
    n: usize,
) -> Vec<(hallway_app::Viewer, String)> {
    use hallway_store::AccountStore;
    use sha2::{Digest, Sha256};
    let now = jiff::Timestamp::now().as_second();
    let mut out = Vec::new();
    for i in 0..n {
        let email = hallway_domain::Email::parse(&format!("{prefix}{i}@example.org"))
            .expect("a valid address");
        let user = store
            .create_user(&email, "unused", false, Some(now), now)
            .await
            .expect("create an account");
        // A session id has the shape of a real one: 64 hex digits.
        let secret: String = Sha256::digest(format!("session-{prefix}-{i}-{now}").as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let hash: String = Sha256::digest(secret.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        store
            .create_session(&hash, user, now, now + 3600)
            .await
            .expect("create a session");
        let viewer = app
            .session_viewer(&hallway_app::Secret::from_client(&secret))
            .await
            .expect("a session");
        out.push((viewer, secret));
    }
    out
}
