//! The public site in memory: every page of every released edition, rendered once per release.
//! Requests for released data never touch the database.

use crate::agenda::Agenda;
use crate::catalogue;
use crate::error::{WebError, cause_chain};
use crate::page::{JSON, Page};
use crate::released::Released;
use crate::zone::{ViewerZone, Zone};
use hallway_app::{App, AppError};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

impl Snapshot {
    fn newest_first(&self) -> Vec<&Agenda> {
        let mut all: Vec<&Agenda> = self.editions.values().map(Arc::as_ref).collect();
        all.sort_by(|a, b| {
            let (a, b) = (&a.released.schedule.edition, &b.released.schedule.edition);
            b.start_date.cmp(&a.start_date).then(a.slug.cmp(&b.slug))
        });
        all
    }
}

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
    /// Agenda pages in viewers' zones, rendered on first request.
    zones: Mutex<ZoneCache>,
    /// One zone renders at a time: a visitor cycling through zones costs one core at most.
    zone_renders: Arc<tokio::sync::Semaphore>,
    /// Pages that change by the minute (now and next), by edition and zone: at most one each.
    minute_pages: Mutex<HashMap<String, MinutePage>>,
}

struct MinutePage {
    release: u32,
    minute: i64,
    page: Arc<Page>,
}

/// Viewers' zones whose pages are kept, per edition and release; the one asked for least
/// recently goes first. A zone of KubeCon EU 2026 is 1,320 pages, 7.7 MB with their gzip forms.
const ZONES_KEPT: usize = 16;

/// An edition's agenda pages in one viewer's zone.
pub struct ZonePages {
    pub agenda: Arc<Agenda>,
    pages: HashMap<String, Arc<Page>>,
}

impl ZonePages {
    pub fn page(&self, path: &str) -> Option<Arc<Page>> {
        self.pages.get(path).cloned()
    }
}

/// Edition slug, release number, zone name.
type ZoneKey = (String, u32, String);
type ZoneSlot = Arc<tokio::sync::OnceCell<Arc<ZonePages>>>;

#[derive(Default)]
struct ZoneCache {
    /// The most recently asked for last.
    entries: Vec<(ZoneKey, ZoneSlot)>,
}

impl ZoneCache {
    /// The entry for `key`, made the most recent; a new one evicts the least recent past the cap.
    fn slot(&mut self, key: ZoneKey) -> ZoneSlot {
        let slot = match self.entries.iter().position(|(k, _)| *k == key) {
            Some(i) => self.entries.remove(i).1,
            None => ZoneSlot::default(),
        };
        self.entries.push((key, slot.clone()));
        if self.entries.len() > ZONES_KEPT {
            self.entries.remove(0);
        }
        slot
    }
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
            zones: Mutex::default(),
            zone_renders: Arc::new(tokio::sync::Semaphore::new(1)),
            minute_pages: Mutex::default(),
        }
    }

    /// A page that changes by the minute, rendered once per edition, zone, release and
    /// minute: the crowd that opens "now" between two talks is served from memory.
    pub fn by_the_minute(
        &self,
        edition: &str,
        zone: &str,
        release: u32,
        minute: i64,
        render: impl FnOnce() -> Result<Page, WebError>,
    ) -> Result<Arc<Page>, WebError> {
        let key = format!("{edition} {zone}");
        let lock = || self.minute_pages.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(m) = lock().get(&key)
            && (m.release, m.minute) == (release, minute)
        {
            return Ok(m.page.clone());
        }
        let page = Arc::new(render()?);
        lock().insert(
            key,
            MinutePage {
                release,
                minute,
                page: page.clone(),
            },
        );
        Ok(page)
    }

    /// The list of editions with links that keep a viewer's zone: small, made per request.
    pub fn index_in(&self, viewer: &ViewerZone) -> Page {
        crate::agenda::home::page(&self.snapshot().newest_first(), viewer.keep())
    }

    /// An edition's agenda pages in the zone a viewer asked for: None when it is the venue's
    /// zone (the pages rendered with the release) or the edition is not released. Rendered on
    /// the first request for the zone, on a task of its own so that a visitor who gives up
    /// does not waste the work, and kept (`ZONES_KEPT`).
    pub async fn in_zone(
        &self,
        slug: &str,
        viewer: &ViewerZone,
    ) -> Result<Option<Arc<ZonePages>>, WebError> {
        let Some(venue) = self.agenda(slug) else {
            return Ok(None);
        };
        let released = venue.released.clone();
        let zone = Zone::for_viewer(viewer, &released.schedule.edition);
        if zone.is_venue() {
            return Ok(None);
        }
        let key = (slug.to_owned(), released.release, zone.name().to_owned());
        let slot = lock(&self.zones).slot(key);
        let renders = self.zone_renders.clone();
        let render = tokio::spawn(async move {
            slot.get_or_try_init(|| async move {
                let _one_at_a_time = renders.acquire_owned().await.map_err(|e| e.to_string())?;
                tokio::task::spawn_blocking(move || {
                    let agenda = Agenda::new(released, zone);
                    let pages = catalogue::pages(&agenda)
                        .into_iter()
                        .map(|(path, page)| (path, Arc::new(page)))
                        .collect();
                    Arc::new(ZonePages {
                        agenda: Arc::new(agenda),
                        pages,
                    })
                })
                .await
                .map_err(|e| cause_chain(&e))
            })
            .await
            .cloned()
        });
        match render.await {
            Ok(Ok(pages)) => Ok(Some(pages)),
            Ok(Err(cause)) => Err(WebError::Internal(cause)),
            Err(e) => Err(WebError::Internal(cause_chain(&e))),
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
        let recordings: HashMap<String, i64> = app
            .recording_versions()
            .await?
            .into_iter()
            .map(|(slug, v)| (slug.to_string(), v))
            .collect();
        let recordings_of = |slug: &str| recordings.get(slug).copied().unwrap_or(0);
        let old = self.snapshot();
        let failed = self
            .failed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let stale: Vec<_> = versions
            .iter()
            .filter(|(slug, n)| {
                // New recordings render the edition again: its session pages show them.
                old.editions.get(slug.as_str()).is_none_or(|a| {
                    a.released.release != *n
                        || a.released.recordings_version != recordings_of(slug.as_str())
                }) && failed.get(slug.as_str()) != Some(n)
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
            // Read before the recordings, so that an import landing between the two is
            // noticed on the next round instead of being taken for this version.
            let version = recordings_of(slug.as_str());
            let published = app.recordings(slug).await?;
            let bookmarks = app.bookmark_lists(slug).await?;
            let public_url = self.public_url.clone();
            let built = tokio::task::spawn_blocking(move || {
                let released = Released::new(&release, notes, &public_url)
                    .with_published(published, version, &bookmarks);
                let agenda = Agenda::venue(Arc::new(released));
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
        for (path, page) in catalogue::index(&next.newest_first()) {
            next.pages.insert(path, Arc::new(page));
        }
        let next = Arc::new(next);
        // Pages in viewers' zones of a release no longer served go now, not when pushed out.
        lock(&self.zones).entries.retain(|((slug, release, _), _)| {
            next.editions
                .get(slug)
                .is_some_and(|a| a.released.release == *release)
        });
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
            // On PostgreSQL a release made on any replica is announced: render it at once.
            let mut notices = match app.live_notices().await {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!(cause = %cause_chain(&e), "not listening for releases; checking every {every:?}");
                    None
                }
            };
            loop {
                let announced = async {
                    match notices.as_mut() {
                        Some(n) => loop {
                            match n.recv().await {
                                Ok(Some(hallway_app::Notice::Release { .. })) => return,
                                Ok(_) => {}
                                // Reconnects on the next call; the tick catches up meanwhile.
                                Err(_) => {
                                    tokio::time::sleep(Duration::from_secs(1)).await;
                                    return;
                                }
                            }
                        },
                        None => std::future::pending().await,
                    }
                };
                tokio::select! {
                    _ = tick.tick() => {}
                    () = announced => {}
                }
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

/// A poisoned lock only means a panic elsewhere mid-update; the cache inside stays consistent.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(zone: &str) -> ZoneKey {
        ("e".to_owned(), 1, zone.to_owned())
    }

    #[test]
    fn the_zone_cache_keeps_the_most_recently_asked() {
        let mut cache = ZoneCache::default();
        let first = cache.slot(key("zone-0"));
        for i in 1..ZONES_KEPT {
            cache.slot(key(&format!("zone-{i}")));
        }
        assert!(
            Arc::ptr_eq(&first, &cache.slot(key("zone-0"))),
            "asked again: the same entry, now the most recent"
        );
        cache.slot(key("one-more"));
        assert_eq!(cache.entries.len(), ZONES_KEPT);
        assert!(
            cache.entries.iter().all(|(k, _)| *k != key("zone-1")),
            "the least recently asked went"
        );
        assert!(cache.entries.iter().any(|(k, _)| *k == key("zone-0")));
    }
}
