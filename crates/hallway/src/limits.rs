//! The serving limits as flags of `serve` and `demo`.

use crate::schedule_cmd::parse_duration;
use hallway_web::Limits;
use std::time::Duration;

#[derive(clap::Args, Debug, Clone)]
pub struct LimitArgs {
    /// Open connections at most; more are refused at once (lowered to fit the open-file limit).
    #[arg(long, default_value_t = 10_000, env = "HALLWAY_MAX_CONNECTIONS")]
    max_connections: usize,
    /// Open connections per client address (an IPv6 /64 is one client); 0 for no limit. Behind
    /// a reverse proxy every visitor has the proxy's address: raise it or give 0.
    #[arg(long, default_value_t = 256, env = "HALLWAY_MAX_CONNECTIONS_PER_IP")]
    max_connections_per_ip: usize,
    /// Time a client has to send a request's headers; idle keep-alive connections close after it.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    header_timeout: Duration,
    /// Time a request may take before it is answered 503.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    request_timeout: Duration,
    /// Requests handled at once; more are answered 503 at once rather than queued.
    #[arg(long, default_value_t = 1024, env = "HALLWAY_MAX_IN_FLIGHT")]
    max_in_flight: usize,
    /// Time a connection may make no progress reading or writing before it is closed.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    idle_timeout: Duration,
    /// Time open connections get to finish on shutdown (SIGTERM, Ctrl-C) before they are closed.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    shutdown_grace: Duration,
}

impl From<LimitArgs> for Limits {
    fn from(a: LimitArgs) -> Self {
        Self {
            max_connections: a.max_connections.max(1),
            max_connections_per_ip: a.max_connections_per_ip,
            header_read_timeout: a.header_timeout,
            request_timeout: a.request_timeout,
            max_in_flight: a.max_in_flight.max(1),
            idle_timeout: a.idle_timeout,
            shutdown_grace: a.shutdown_grace,
        }
    }
}
