//! The accept loop: every connection holds a slot of the global cap and of its client's share,
//! speaks HTTP/1.1 under the limits' timeouts, and is closed at the latest when the shutdown
//! grace period ends.
//!
//! HTTP/1.1 only, as `axum::serve` was: TLS and HTTP/2 end at the reverse proxy in front.

use crate::limits::Limits;
use crate::per_ip::PerIp;
use crate::shed::{Activity, update_pressure};
use crate::stall::StallLimit;
use axum::Router;
use axum::body::Body;
use http_body_util::BodyExt;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tower::ServiceExt;

/// Request heads (the request line and headers) larger than this are refused with 431.
const MAX_HEAD_BYTES: usize = 64 * 1024;

const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nretry-after: 5\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 48\r\nconnection: close\r\n\r\nThe server is busy: try again in a few seconds.\n";
const TOO_MANY_FROM_YOU: &[u8] = b"HTTP/1.1 429 Too Many Requests\r\nretry-after: 5\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 66\r\nconnection: close\r\n\r\nToo many connections from your address: close some and try again.\n";

/// Serves `router` on `listener` until `shutdown` resolves, then gives open connections
/// `limits.shutdown_grace` to finish and closes the rest.
pub async fn run(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let limits = limits.fitted_to_open_file_limit();
    tracing::info!(
        max_connections = limits.max_connections,
        per_ip = limits.max_connections_per_ip,
        "accepting connections"
    );
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let per_ip = PerIp::new(limits.max_connections_per_ip);
    let (stop, stopping) = watch::channel(());
    let (pressure, under_pressure) = watch::channel(false);
    let mut open = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            Some(_) = open.join_next(), if !open.is_empty() => {
                update_pressure(&slots, limits.max_connections, &pressure);
            }
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        // A client that reset before accept is nobody's problem; anything else
                        // (out of files) is worth a line, and a short pause lets slots free up.
                        if !matches!(e.kind(), std::io::ErrorKind::ConnectionAborted | std::io::ErrorKind::ConnectionReset) {
                            tracing::error!(error = %e, "accept failed");
                            tokio::time::sleep(Duration::from_millis(20)).await;
                        }
                        continue;
                    }
                };
                // Excess connections are accepted and closed at once, with a status line when
                // the socket takes it, rather than left in the kernel's backlog: a client learns
                // at once that it should retry, and the backlog stays free for the moment a
                // slot opens. Accepting is also the only way to see whose connection it is.
                let slot = slots.clone().try_acquire_owned();
                update_pressure(&slots, limits.max_connections, &pressure);
                let Ok(slot) = slot else {
                    refuse(stream, BUSY);
                    continue;
                };
                let Some(client) = per_ip.enter(peer.ip()) else {
                    refuse(stream, TOO_MANY_FROM_YOU);
                    continue;
                };
                let router = router.clone();
                let limits = limits.clone();
                let stopping = stopping.clone();
                let under_pressure = under_pressure.clone();
                open.spawn(async move {
                    connection(stream, peer, router, &limits, stopping, under_pressure).await;
                    drop((slot, client));
                });
            }
        }
    }
    drop(listener);
    let _ = stop.send(());
    let drained = tokio::time::timeout(limits.shutdown_grace, async {
        while open.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            connections = open.len(),
            "closing the connections still open after the grace period"
        );
        open.shutdown().await;
    }
    Ok(())
}

fn refuse(stream: TcpStream, response: &[u8]) {
    // Best effort and never waiting: a fresh socket's send buffer takes these few bytes.
    let _ = stream.try_write(response);
}

async fn connection(
    stream: TcpStream,
    peer: std::net::SocketAddr,
    router: Router,
    limits: &Limits,
    mut stopping: watch::Receiver<()>,
    under_pressure: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let activity = Activity::new();
    let io = TokioIo::new(StallLimit::new(
        stream,
        limits.idle_timeout,
        activity.clone(),
    ));
    let service = {
        let activity = activity.clone();
        service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
            // Handlers that count per client (failed logins) read the address here.
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(peer));
            let request = activity.begin();
            let router = router.clone();
            async move {
                // The request counts until its body is written: a slow download is not waiting.
                let response = router.oneshot(req).await;
                response.map(|r| {
                    r.map(move |body| {
                        Body::new(body.map_frame(move |frame| {
                            let _until_written = &request;
                            frame
                        }))
                    })
                })
            }
        })
    };
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(MAX_HEAD_BYTES)
        .serve_connection(io, service)
        // Live sockets leave the HTTP connection here; they close on their own at shutdown.
        .with_upgrades();
    tokio::pin!(conn);
    let result = tokio::select! {
        result = conn.as_mut() => result,
        () = activity.shed(under_pressure) => {
            tracing::debug!("closed a waiting connection to make room");
            return;
        }
        _ = stopping.changed() => {
            // A connection with no request in progress (idle, or a head still arriving) closes
            // at once; one with a request finishes it, within the grace period.
            if activity.waiting_for() > Duration::ZERO {
                return;
            }
            conn.as_mut().graceful_shutdown();
            conn.await
        }
    };
    if let Err(e) = result {
        tracing::debug!(error = %e, "connection closed");
    }
}
