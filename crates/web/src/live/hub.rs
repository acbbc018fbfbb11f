//! Fan-out of Q&A rooms' changes to the sockets of this process. A change reaches a socket
//! only after its log row is committed: the hub reads the room's log after the last number it
//! sent and broadcasts what it finds, in order. It reads when this process made a change, when
//! PostgreSQL announces one made by another replica, and on a periodic check (so that an
//! announcement lost with a dropped connection is caught up).

use crate::live::figures::Figures;
use hallway_app::{App, FeedChange, QaCtx, RateLimit};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Once, Weak};
use std::time::{Duration, Instant};
use tokio::sync::{broadcast, watch};

/// How live connections behave; the defaults suit a conference, tests shrink them.
#[derive(Debug, Clone)]
pub struct LiveSettings {
    /// Changes queued for one socket; a socket further behind is dropped and told to resync.
    pub queue: usize,
    /// How long one write to a socket may take before the client counts as too slow.
    pub send_timeout: Duration,
    /// How often every followed room's log is read, in case an announcement was lost.
    pub check_every: Duration,
    /// How often the server pings an idle socket (under the connection's idle limit).
    pub ping_every: Duration,
    /// The largest message a client may send, in bytes.
    pub max_message: usize,
    pub ask: RateLimit,
    pub vote: RateLimit,
}

impl Default for LiveSettings {
    fn default() -> Self {
        Self {
            queue: 256,
            send_timeout: Duration::from_secs(5),
            check_every: Duration::from_secs(2),
            ping_every: Duration::from_secs(20),
            max_message: 4096,
            ask: RateLimit::ASK,
            vote: RateLimit::VOTE,
        }
    }
}

/// A change on its way to sockets, with when this process learned of it.
pub(crate) struct Fanned {
    pub(crate) change: FeedChange,
    pub(crate) noticed: Instant,
    /// The change as any attendee who did not ask it reads it, serialized by the first such
    /// socket and sent as is by the others: thousands of sockets, one serialization.
    pub(crate) for_anyone: std::sync::OnceLock<Option<axum::extract::ws::Utf8Bytes>>,
}

/// One room followed by at least one socket of this process.
pub(crate) struct RoomFeed {
    /// Any subscriber's context: the feed only needs the room, each socket projects for itself.
    ctx: QaCtx,
    tx: broadcast::Sender<Arc<Fanned>>,
    /// The last number broadcast; held while reading, so catch-ups run one at a time.
    fanned: tokio::sync::Mutex<i64>,
}

pub struct Hub {
    pub(crate) app: App,
    pub(crate) settings: LiveSettings,
    rooms: Mutex<HashMap<i64, Arc<RoomFeed>>>,
    pub(crate) figures: Figures,
    closing: watch::Sender<bool>,
    started: Once,
    this: Weak<Hub>,
}

impl Hub {
    pub fn new(app: App, settings: LiveSettings) -> Arc<Self> {
        Arc::new_cyclic(|this| Self {
            app,
            settings,
            rooms: Mutex::new(HashMap::new()),
            figures: Figures::default(),
            closing: watch::channel(false).0,
            started: Once::new(),
            this: this.clone(),
        })
    }

    /// Follows `ctx`'s room from `last_seq` (its log's number read before this call) and
    /// returns the feed's receiver: subscribed before the caller replays the log, so nothing
    /// falls between the replay and the live changes.
    pub(crate) fn join(&self, ctx: &QaCtx, last_seq: i64) -> broadcast::Receiver<Arc<Fanned>> {
        self.start();
        let mut rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
        rooms
            .entry(ctx.room())
            .or_insert_with(|| {
                Arc::new(RoomFeed {
                    ctx: ctx.clone(),
                    tx: broadcast::channel(self.settings.queue.max(1)).0,
                    fanned: tokio::sync::Mutex::new(last_seq),
                })
            })
            .tx
            .subscribe()
    }

    /// A change was committed in `room`: send what followed the last number sent.
    pub fn poke(&self, room: i64) {
        let feed = self
            .rooms
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&room)
            .cloned();
        if let Some(feed) = feed
            && let Some(hub) = self.this.upgrade()
        {
            tokio::spawn(async move { hub.catch_up(&feed).await });
        }
    }

    async fn catch_up(&self, feed: &RoomFeed) {
        let noticed = Instant::now();
        let mut fanned = feed.fanned.lock().await;
        match self.app.qa_feed(&feed.ctx, *fanned).await {
            Ok(changes) => {
                for change in changes {
                    *fanned = change.seq;
                    // No receiver left is not an error: the room is dropped at the next check.
                    let _ = feed.tx.send(Arc::new(Fanned {
                        change,
                        noticed,
                        for_anyone: std::sync::OnceLock::new(),
                    }));
                }
            }
            Err(e) => {
                tracing::error!(room = feed.ctx.room(), cause = %crate::error::cause_chain(&e), "reading a room's log failed");
            }
        }
    }

    /// Reads every followed room, and forgets those nobody follows any more.
    async fn check_all(&self) {
        let feeds: Vec<Arc<RoomFeed>> = {
            let mut rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
            rooms.retain(|_, f| f.tx.receiver_count() > 0);
            rooms.values().cloned().collect()
        };
        for feed in feeds {
            self.catch_up(&feed).await;
        }
    }

    /// Starts the periodic check and, on PostgreSQL, the listener, on first use.
    fn start(&self) {
        self.started.call_once(|| {
            let weak = self.this.clone();
            let every = self.settings.check_every;
            let mut closing = self.closing.subscribe();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(every);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tokio::select! {
                        _ = tick.tick() => {}
                        _ = closing.changed() => return,
                    }
                    let Some(hub) = weak.upgrade() else { return };
                    hub.check_all().await;
                }
            });
            let weak = self.this.clone();
            let closing = self.closing.subscribe();
            tokio::spawn(listen(weak, closing));
        });
    }

    /// Sockets hear of it and close with a reconnect hint; waits until they have (at most
    /// `grace`).
    pub async fn shut_down(&self, grace: Duration) {
        let _ = self.closing.send(true);
        let deadline = Instant::now() + grace;
        while self.figures.clients() > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub(crate) fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// The figures in Prometheus' text format.
    pub(crate) fn render_figures(&self) -> String {
        self.figures.render()
    }
}

/// Hears other replicas' changes on PostgreSQL; on SQLite there are none to hear.
async fn listen(hub: Weak<Hub>, mut closing: watch::Receiver<bool>) {
    let Some(app) = hub.upgrade().map(|h| h.app.clone()) else {
        return;
    };
    let mut notices = loop {
        match app.live_notices().await {
            Ok(Some(n)) => break n,
            Ok(None) => return,
            Err(e) => {
                tracing::error!(cause = %crate::error::cause_chain(&e), "cannot listen for other replicas' changes; retrying");
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_secs(1)) => {}
                    _ = closing.changed() => return,
                }
            }
        }
    };
    loop {
        let notice = tokio::select! {
            n = notices.recv() => n,
            _ = closing.changed() => return,
        };
        let Some(hub) = hub.upgrade() else { return };
        match notice {
            Ok(Some(hallway_app::Notice::Qa { room, .. })) => hub.poke(room),
            Ok(_) => {}
            Err(e) => {
                // The listener reconnects on the next call; what was announced meanwhile is
                // caught up from the log now.
                tracing::warn!(cause = %crate::error::cause_chain(&e), "lost the replicas' announcements; catching up");
                hub.check_all().await;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
}
