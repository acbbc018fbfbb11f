//! Under pressure, connections that wait give their slot up. When the open connections near the
//! cap, a connection with no request in progress for a second (a half-sent head, or an idle
//! keep-alive connection) is closed, so that slowloris connections cannot keep the visitors who
//! send whole requests out for the full header timeout.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, watch};

/// How long a waiting connection keeps its slot once the server is under pressure.
pub const SHED_AFTER: Duration = Duration::from_secs(1);

/// Pressure starts when fewer than a tenth of the slots are free and ends above a fifth, so that
/// it does not flap around one threshold.
pub fn update_pressure(slots: &Semaphore, cap: usize, pressure: &watch::Sender<bool>) {
    let free = slots.available_permits();
    pressure.send_if_modified(|on| {
        let next = if free * 10 < cap {
            true
        } else if free * 5 > cap {
            false
        } else {
            *on
        };
        std::mem::replace(on, next) != next
    });
}

/// What one connection is doing: requests in progress, a response still being written, and
/// since when it has had neither.
pub struct Activity {
    in_flight: AtomicUsize,
    /// hyper lets go of a response's body once it is in its buffer; the socket may still be
    /// taking it.
    writing: AtomicBool,
    waiting_since: Mutex<Instant>,
}

/// One request in progress; dropping it (answered, or abandoned) makes the connection wait again.
pub struct InFlight(Arc<Activity>);

impl Activity {
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            in_flight: AtomicUsize::new(0),
            writing: AtomicBool::new(false),
            waiting_since: Mutex::new(Instant::now()),
        })
    }

    pub fn begin(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        InFlight(self.clone())
    }

    /// Whether a write to the socket is waiting for the client to read.
    pub fn write_blocked(&self, blocked: bool) {
        let was = self.writing.swap(blocked, Ordering::AcqRel);
        if was && !blocked {
            self.touch();
        }
    }

    fn touch(&self) {
        *self.waiting_since.lock().unwrap_or_else(|p| p.into_inner()) = Instant::now();
    }

    /// How long the connection has had no request in progress and nothing left to write.
    pub fn waiting_for(&self) -> Duration {
        if self.in_flight.load(Ordering::Acquire) > 0 || self.writing.load(Ordering::Acquire) {
            return Duration::ZERO;
        }
        self.waiting_since
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .elapsed()
    }

    /// Resolves when the connection should give its slot up: the server is under pressure and
    /// the connection has waited `SHED_AFTER`.
    pub async fn shed(&self, mut pressure: watch::Receiver<bool>) {
        loop {
            if pressure.wait_for(|on| *on).await.is_err() {
                return std::future::pending().await;
            }
            let waited = self.waiting_for();
            if waited >= SHED_AFTER {
                return;
            }
            tokio::time::sleep(SHED_AFTER - waited.min(SHED_AFTER) + Duration::from_millis(50))
                .await;
        }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.touch();
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pressure_has_hysteresis() {
        let slots = Semaphore::new(100);
        let (tx, rx) = watch::channel(false);
        let _held = slots.try_acquire_many(95).unwrap();
        update_pressure(&slots, 100, &tx);
        assert!(*rx.borrow(), "5 of 100 free");
        drop(_held);
        let _held = slots.try_acquire_many(85).unwrap();
        update_pressure(&slots, 100, &tx);
        assert!(*rx.borrow(), "15 free: still under pressure");
        drop(_held);
        let _held = slots.try_acquire_many(70).unwrap();
        update_pressure(&slots, 100, &tx);
        assert!(!*rx.borrow(), "30 free: relieved");
    }

    #[test]
    fn a_request_in_progress_is_not_waiting() {
        let activity = Activity::new();
        std::thread::sleep(Duration::from_millis(20));
        assert!(activity.waiting_for() >= Duration::from_millis(20));
        let request = activity.begin();
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(activity.waiting_for(), Duration::ZERO);
        drop(request);
        assert!(activity.waiting_for() < Duration::from_millis(20));
        activity.write_blocked(true);
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(
            activity.waiting_for(),
            Duration::ZERO,
            "a response is being written"
        );
        activity.write_blocked(false);
        assert!(activity.waiting_for() < Duration::from_millis(20));
    }
}
