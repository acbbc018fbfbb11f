//! Request figures per route, kept in atomics (no lock on the request path), written in
//! Prometheus' text format. Routes are the router's templates (`/{edition}/search`), so the
//! number of series is fixed; whatever the fallback serves is `released`.

use hallway_app::{MailState, PoolUse};
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::time::Duration;

/// Appends a formatted line to the text being written (a `String`, which cannot fail).
macro_rules! put {
    ($w:expr, $($arg:tt)*) => {{
        $w.push_str(&format!($($arg)*));
        $w.push('\n');
    }};
}

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];
/// What the fallback serves: released pages and files.
pub(crate) const RELEASED: &str = "released";

#[derive(Default)]
struct RouteFigures {
    /// By status class: 1xx to 5xx.
    status: [AtomicU64; 5],
    /// Requests at or under each bucket's bound and over the one before; the last counts the
    /// slower ones.
    buckets: [AtomicU64; BUCKETS.len() + 1],
    micros: AtomicU64,
}

pub(crate) struct Metrics {
    names: Vec<&'static str>,
    index: HashMap<&'static str, usize>,
    routes: Vec<RouteFigures>,
    in_flight: AtomicI64,
}

impl Metrics {
    pub(crate) fn new(paths: &[&'static str]) -> Self {
        let mut names: Vec<&'static str> = paths.to_vec();
        names.push(RELEASED);
        names.sort_unstable();
        names.dedup();
        let index = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let routes = names.iter().map(|_| RouteFigures::default()).collect();
        Self {
            names,
            index,
            routes,
            in_flight: AtomicI64::new(0),
        }
    }

    /// The series a route's requests count in.
    pub(crate) fn route(&self, template: Option<&str>) -> usize {
        let name = template.unwrap_or(RELEASED);
        self.index
            .get(name)
            .or_else(|| self.index.get(RELEASED))
            .copied()
            .expect("the released series exists")
    }

    pub(crate) fn started(&self) {
        self.in_flight.fetch_add(1, Relaxed);
    }

    pub(crate) fn finished(&self, route: usize, status: u16, took: Duration) {
        self.in_flight.fetch_sub(1, Relaxed);
        let r = &self.routes[route];
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        r.status[class].fetch_add(1, Relaxed);
        let seconds = took.as_secs_f64();
        let bucket = BUCKETS
            .iter()
            .position(|b| seconds <= *b)
            .unwrap_or(BUCKETS.len());
        r.buckets[bucket].fetch_add(1, Relaxed);
        r.micros
            .fetch_add(u64::try_from(took.as_micros()).unwrap_or(u64::MAX), Relaxed);
    }

    pub(crate) fn render(&self, pool: &PoolUse, outbox: Option<&[(MailState, u64)]>) -> String {
        let mut out = String::new();
        let w = &mut out;
        put!(
            w,
            "# HELP hallway_http_requests_total Requests answered, by route and status class.\n\
             # TYPE hallway_http_requests_total counter"
        );
        for (name, r) in self.names.iter().zip(&self.routes) {
            for (i, n) in r.status.iter().enumerate() {
                let n = n.load(Relaxed);
                if n > 0 {
                    put!(
                        w,
                        "hallway_http_requests_total{{route=\"{name}\",status=\"{}xx\"}} {n}",
                        i + 1
                    );
                }
            }
        }
        put!(
            w,
            "# HELP hallway_http_request_duration_seconds Time to answer, by route.\n\
             # TYPE hallway_http_request_duration_seconds histogram"
        );
        for (name, r) in self.names.iter().zip(&self.routes) {
            let counts: Vec<u64> = r.buckets.iter().map(|b| b.load(Relaxed)).collect();
            let total: u64 = counts.iter().sum();
            if total == 0 {
                continue;
            }
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(&counts) {
                cumulative += n;
                put!(
                    w,
                    "hallway_http_request_duration_seconds_bucket{{route=\"{name}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            put!(
                w,
                "hallway_http_request_duration_seconds_bucket{{route=\"{name}\",le=\"+Inf\"}} {total}\n\
                 hallway_http_request_duration_seconds_sum{{route=\"{name}\"}} {}\n\
                 hallway_http_request_duration_seconds_count{{route=\"{name}\"}} {total}",
                r.micros.load(Relaxed) as f64 / 1e6
            );
        }
        put!(
            w,
            "# HELP hallway_http_requests_in_flight Requests being answered now.\n\
             # TYPE hallway_http_requests_in_flight gauge\n\
             hallway_http_requests_in_flight {}",
            self.in_flight.load(Relaxed)
        );
        put!(
            w,
            "# HELP hallway_db_pool_connections Database connections by state.\n\
             # TYPE hallway_db_pool_connections gauge\n\
             hallway_db_pool_connections{{state=\"open\"}} {}\n\
             hallway_db_pool_connections{{state=\"idle\"}} {}\n\
             hallway_db_pool_connections{{state=\"in_use\"}} {}\n\
             # HELP hallway_db_pool_max_connections The most connections the pool opens.\n\
             # TYPE hallway_db_pool_max_connections gauge\n\
             hallway_db_pool_max_connections {}",
            pool.open,
            pool.idle,
            pool.open.saturating_sub(pool.idle),
            pool.max
        );
        if let Some(outbox) = outbox {
            put!(
                w,
                "# HELP hallway_outbox_messages Mail in the outbox by state; queued is the backlog.\n\
                 # TYPE hallway_outbox_messages gauge"
            );
            for state in [
                MailState::Queued,
                MailState::Sending,
                MailState::Sent,
                MailState::Failed,
            ] {
                let n = outbox
                    .iter()
                    .find(|(s, _)| *s == state)
                    .map_or(0, |(_, n)| *n);
                put!(
                    w,
                    "hallway_outbox_messages{{state=\"{}\"}} {n}",
                    state.as_str()
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_route_status_and_bucket() {
        let m = Metrics::new(&["/a", "/{edition}/search"]);
        let search = m.route(Some("/{edition}/search"));
        m.started();
        m.finished(search, 200, Duration::from_micros(700));
        m.started();
        m.finished(search, 404, Duration::from_secs(3));
        m.started();
        m.finished(m.route(None), 200, Duration::from_micros(10));
        let pool = PoolUse {
            open: 3,
            idle: 1,
            max: 8,
        };
        let text = m.render(&pool, Some(&[(MailState::Queued, 4)]));
        for line in [
            "hallway_http_requests_total{route=\"/{edition}/search\",status=\"2xx\"} 1",
            "hallway_http_requests_total{route=\"/{edition}/search\",status=\"4xx\"} 1",
            "hallway_http_requests_total{route=\"released\",status=\"2xx\"} 1",
            "hallway_http_request_duration_seconds_bucket{route=\"/{edition}/search\",le=\"0.0005\"} 0",
            "hallway_http_request_duration_seconds_bucket{route=\"/{edition}/search\",le=\"0.001\"} 1",
            "hallway_http_request_duration_seconds_bucket{route=\"/{edition}/search\",le=\"2.5\"} 1",
            "hallway_http_request_duration_seconds_bucket{route=\"/{edition}/search\",le=\"+Inf\"} 2",
            "hallway_http_request_duration_seconds_count{route=\"/{edition}/search\"} 2",
            "hallway_http_requests_in_flight 0",
            "hallway_db_pool_connections{state=\"in_use\"} 2",
            "hallway_outbox_messages{state=\"queued\"} 4",
            "hallway_outbox_messages{state=\"failed\"} 0",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "{line} missing from\n{text}"
            );
        }
        assert!(
            !text.contains("route=\"/a\""),
            "unused routes add no series"
        );
    }
}
