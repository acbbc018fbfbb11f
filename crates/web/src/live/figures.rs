//! The live surface's figures: sockets connected, changes sent, clients dropped as too slow,
//! and fan-out latency (from this process learning of a commit to the write to a socket).

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::time::Duration;

/// Upper bounds of the fan-out buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

#[derive(Default)]
pub(crate) struct Figures {
    clients: AtomicI64,
    sent: AtomicU64,
    dropped_slow: AtomicU64,
    buckets: [AtomicU64; BUCKETS.len() + 1],
    micros: AtomicU64,
}

/// A connected socket, counted until it is dropped.
pub(crate) struct Connected<'a>(&'a Figures);

impl Drop for Connected<'_> {
    fn drop(&mut self) {
        self.0.clients.fetch_sub(1, Relaxed);
    }
}

impl Figures {
    pub(crate) fn connected(&self) -> Connected<'_> {
        self.clients.fetch_add(1, Relaxed);
        Connected(self)
    }

    pub(crate) fn clients(&self) -> i64 {
        self.clients.load(Relaxed)
    }

    pub(crate) fn sent(&self, took: Option<Duration>) {
        self.sent.fetch_add(1, Relaxed);
        if let Some(took) = took {
            let s = took.as_secs_f64();
            let i = BUCKETS
                .iter()
                .position(|b| s <= *b)
                .unwrap_or(BUCKETS.len());
            self.buckets[i].fetch_add(1, Relaxed);
            self.micros
                .fetch_add(u64::try_from(took.as_micros()).unwrap_or(u64::MAX), Relaxed);
        }
    }

    pub(crate) fn dropped_slow(&self) {
        self.dropped_slow.fetch_add(1, Relaxed);
    }

    pub(crate) fn render(&self) -> String {
        let mut out = format!(
            "# HELP hallway_live_clients Live sockets connected now.\n\
             # TYPE hallway_live_clients gauge\n\
             hallway_live_clients {}\n\
             # HELP hallway_live_messages_sent_total Live changes written to sockets.\n\
             # TYPE hallway_live_messages_sent_total counter\n\
             hallway_live_messages_sent_total {}\n\
             # HELP hallway_live_dropped_slow_total Sockets dropped for falling behind.\n\
             # TYPE hallway_live_dropped_slow_total counter\n\
             hallway_live_dropped_slow_total {}\n\
             # HELP hallway_live_fanout_seconds From learning of a committed change to writing it to a socket.\n\
             # TYPE hallway_live_fanout_seconds histogram\n",
            self.clients.load(Relaxed),
            self.sent.load(Relaxed),
            self.dropped_slow.load(Relaxed)
        );
        let mut cumulative = 0;
        for (bound, n) in BUCKETS.iter().zip(&self.buckets) {
            cumulative += n.load(Relaxed);
            out.push_str(&format!(
                "hallway_live_fanout_seconds_bucket{{le=\"{bound}\"}} {cumulative}\n"
            ));
        }
        cumulative += self.buckets[BUCKETS.len()].load(Relaxed);
        out.push_str(&format!(
            "hallway_live_fanout_seconds_bucket{{le=\"+Inf\"}} {cumulative}\n\
             hallway_live_fanout_seconds_sum {}\n\
             hallway_live_fanout_seconds_count {cumulative}\n",
            self.micros.load(Relaxed) as f64 / 1e6
        ));
        out
    }
}
