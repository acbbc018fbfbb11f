//! What one server may spend on its visitors: connections, time per connection and request, and
//! the wait for open connections at shutdown.

use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Limits {
    /// Open connections at most; more are accepted and closed at once.
    pub max_connections: usize,
    /// Open connections per client address (an IPv6 /64 counts as one); 0 for no limit.
    pub max_connections_per_ip: usize,
    /// Time a client has to send a request's headers, counted from the first byte it is awaited;
    /// it also closes keep-alive connections that stay idle that long.
    pub header_read_timeout: Duration,
    /// Time a handler may take before the request is answered 503.
    pub request_timeout: Duration,
    /// Requests handled at once; one more is answered 503 at once instead of waiting, so that
    /// a burst cannot pile up work (and database connections) the server then serves late.
    pub max_in_flight: usize,
    /// Time a read or a write may make no progress before the connection is closed (a client
    /// that stops reading its response, or a body that never arrives).
    pub idle_timeout: Duration,
    /// Time open connections get to finish once shutdown begins; then they are closed.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 10_000,
            max_connections_per_ip: 256,
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(10),
            max_in_flight: 1024,
            idle_timeout: Duration::from_secs(30),
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// File handles kept for everything that is not a visitor's connection: the listener, the
/// database pool, logs, rendering.
const RESERVED_FILES: u64 = 256;

impl Limits {
    /// The connection cap lowered to what the process's open-file limit allows, after raising
    /// that limit to its hard maximum: accept would otherwise fail with "Too many open files"
    /// long before the cap is reached.
    pub fn fitted_to_open_file_limit(mut self) -> Self {
        let files = raise_open_file_limit();
        let budget = files.saturating_sub(RESERVED_FILES).max(1);
        let budget = usize::try_from(budget).unwrap_or(usize::MAX);
        if budget < self.max_connections {
            tracing::warn!(
                configured = self.max_connections,
                allowed = budget,
                "the open-file limit lowers the connection cap"
            );
            self.max_connections = budget;
        }
        self
    }
}

/// Raises the soft limit of open files to the hard one and returns the limit now in force.
pub fn raise_open_file_limit() -> u64 {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let now = getrlimit(Resource::Nofile);
    let current = now.current.unwrap_or(u64::MAX);
    let wanted = now.maximum.unwrap_or(u64::MAX);
    if wanted > current {
        let raised = rustix::process::Rlimit {
            current: now.maximum,
            maximum: now.maximum,
        };
        if setrlimit(Resource::Nofile, raised).is_ok() {
            return wanted;
        }
    }
    current
}
