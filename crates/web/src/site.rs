//! The public site in memory: every page of every released edition, rendered once per release.
//! Requests for released data never touch the database.

use crate::agenda::Agenda;
use crate::catalogue;
use crate::error::cause_chain;
use crate::page::{JSON, Page};
use crate::released::Released;
use hallway_app::{App, AppError};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

#[derive(Default)]
struct Snapshot {
    pages: HashMap<String, Arc<Page>>,
    editions: HashMap<String, Arc<Agenda>>,
    /// Which paths belong to which edition, to replace them on its next release.
    paths: HashMap<String, Vec<String>>,
}

pub struct Site {
    current: RwLock<Arc<Snapshot>>,
    /// Set once the releases present at start-up are all in memory (or known not to render).
    ready: AtomicBool,
    /// Releases that failed to render, by edition: not tried again until a newer one comes.
    failed: Mutex<HashMap<String, u32>>,
    refreshing: tokio::sync::Mutex<()>,
    public_url: String,
}

fn fixed_pages() -> Vec<(String, Page)> {
    let mut pages = crate::assets::pages();
    pages.push((
        "/api/v1/openapi.json".to_owned(),
        Page::new(JSON, crate::api::openapi_json()),
    ));
    pages
}

impl Site {
    pub fn new(public_url: &str) -> Self {
        let mut snap = Snapshot::default();
        for (path, page) in fixed_pages().into_iter().chain(catalogue::index(&[])) {
            snap.pages.insert(path, Arc::new(page));
        }
        Self {
            current: RwLock::new(Arc::new(snap)),
            ready: AtomicBool::new(false),
            failed: Mutex::default(),
            refreshing: tokio::sync::Mutex::new(()),
            public_url: public_url.trim_end_matches('/').to_owned(),
        }
    }

    fn snapshot(&self) -> Arc<Snapshot> {
        // A poisoned lock only means a panic elsewhere mid-swap; the Arc inside is still whole.
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Whether released pages may be served: until the first refresh, the site would look as
    /// if nothing were released.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    pub fn page(&self, path: &str) -> Option<Arc<Page>> {
        self.snapshot().pages.get(path).cloned()
    }

    /// A released edition as the agenda pages show it.
    pub fn agenda(&self, slug: &str) -> Option<Arc<Agenda>> {
        self.snapshot().editions.get(slug).cloned()
    }

    /// A released edition's data, for the JSON API and the feeds.
    pub fn released(&self, slug: &str) -> Option<Arc<Released>> {
        self.snapshot()
            .editions
            .get(slug)
            .map(|a| a.released.clone())
    }

    /// Renders every edition whose newest release is not the one in memory, and swaps the
    /// result in whole. An edition that fails to render is logged and keeps its previous
    /// release. Returns how many editions were rendered anew.
    pub async fn refresh(&self, app: &App) -> Result<usize, AppError> {
        let _one_at_a_time = self.refreshing.lock().await;
        let count = self.render_stale(app).await?;
        self.ready.store(true, Ordering::Release);
        Ok(count)
    }

    async fn render_stale(&self, app: &App) -> Result<usize, AppError> {
        let versions = app.published_versions().await?;
        let old = self.snapshot();
        let failed = self
            .failed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let stale: Vec<_> = versions
            .iter()
            .filter(|(slug, n)| {
                old.editions
                    .get(slug.as_str())
                    .is_none_or(|a| a.released.release != *n)
                    && failed.get(slug.as_str()) != Some(n)
            })
            .collect();
        if stale.is_empty() {
            return Ok(0);
        }
        let mut rendered = Vec::new();
        for (slug, number) in &stale {
            let Some(release) = app.latest_release(slug).await? else {
                continue;
            };
            // Releases are checked when made; one stored before that check is not rendered.
            if let Err(reason) = release.schedule.check_bounds() {
                tracing::error!(edition = %slug, release = release.number, %reason, "release not served");
                continue;
            }
            let notes = app.release_notes(slug).await?;
            let public_url = self.public_url.clone();
            let built = tokio::task::spawn_blocking(move || {
                let released = Released::new(&release, notes, &public_url);
                let agenda = Agenda::new(Arc::new(released));
                let pages = catalogue::edition(&agenda);
                (agenda, pages)
            })
            .await;
            match built {
                Ok(built) => rendered.push((slug.to_string(), built)),
                Err(e) => {
                    tracing::error!(
                        edition = %slug,
                        release = number,
                        cause = %cause_chain(&e),
                        "could not render a release; the previous one stays served"
                    );
                    self.failed
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .insert(slug.to_string(), *number);
                }
            }
        }
        let count = rendered.len();
        let mut next = Snapshot {
            pages: old.pages.clone(),
            editions: old.editions.clone(),
            paths: old.paths.clone(),
        };
        for (slug, (data, pages)) in rendered {
            for path in next.paths.remove(&slug).unwrap_or_default() {
                next.pages.remove(&path);
            }
            let mut paths = Vec::with_capacity(pages.len());
            for (path, page) in pages {
                paths.push(path.clone());
                next.pages.insert(path, Arc::new(page));
            }
            next.paths.insert(slug.clone(), paths);
            next.editions.insert(slug, Arc::new(data));
        }
        let mut all: Vec<&Agenda> = next.editions.values().map(Arc::as_ref).collect();
        all.sort_by(|a, b| {
            let (a, b) = (&a.released.schedule.edition, &b.released.schedule.edition);
            b.start_date.cmp(&a.start_date).then(a.slug.cmp(&b.slug))
        });
        for (path, page) in catalogue::index(&all) {
            next.pages.insert(path, Arc::new(page));
        }
        let next = Arc::new(next);
        match self.current.write() {
            Ok(mut g) => *g = next,
            Err(p) => *p.into_inner() = next,
        }
        Ok(count)
    }

    /// Notices releases made elsewhere (the CLI, another replica) and renders them.
    pub fn watch(self: Arc<Self>, app: App, every: Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                match self.refresh(&app).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(editions = n, "rendered new releases"),
                    Err(e) => tracing::warn!(
                        cause = %cause_chain(&e),
                        "could not check for new releases"
                    ),
                }
            }
        })
    }
}
