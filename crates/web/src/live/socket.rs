//! A Q&A room's live socket, `GET /{edition}/qa/{guid}/live?after=N`: first the changes after
//! `N` from the stored log, then `{"type":"live"}`, then each change as it is committed; every
//! change once, numbered without gaps, projected for the person connected (docs/architecture.md
//! lists the messages and close codes).

use crate::AppState;
use crate::account::Visitor;
use crate::error::WebError;
use crate::extract::{Params, Segments};
use crate::live::hub::{Fanned, Hub};
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::http::header::{HOST, ORIGIN};
use axum::response::Response;
use hallway_app::{LiveMessage, QaCtx};
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;

/// Close codes: the server restarts (reconnect elsewhere or shortly), and the client fell
/// behind (reconnect with the last number it has).
pub const RESTARTING: u16 = 1012;
pub const RESYNC: u16 = 4000;
const POLICY: u16 = 1008;
const INVALID: u16 = 1007;
const TOO_BIG: u16 = 1009;
const BINARY: u16 = 1003;
const INTERNAL: u16 = 1011;

/// Bytes each socket buffers for reading and for writing.
const SOCKET_BUFFER: usize = 8 * 1024;

#[derive(serde::Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Out<'a> {
    Change(&'a LiveMessage),
    /// The replay is over: what follows is live.
    Live {
        seq: i64,
    },
    Pong {
        seq: i64,
    },
}

#[derive(serde::Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
enum In {
    Ping,
}

pub async fn socket(
    State(state): State<AppState>,
    visitor: Visitor,
    Segments((edition, session)): Segments<(String, String)>,
    params: Params,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Result<Response, WebError> {
    // A page of another site must not read what this visitor's cookies show.
    if let Some(origin) = headers.get(ORIGIN) {
        let host = headers.get(HOST).and_then(|h| h.to_str().ok());
        let origin = origin.to_str().unwrap_or_default();
        if !state.accounts.trusts_origin(origin, host) {
            return Err(WebError::Forbidden(format!(
                "origin {origin:?}: live updates are for this site's own pages"
            )));
        }
    }
    let after: i64 =
        match params.get("after") {
            None | Some("") => 0,
            Some(n) => n.parse().ok().filter(|n| *n >= 0).ok_or_else(|| {
                WebError::BadRequest(format!("after: {n:?} is not a change number"))
            })?,
        };
    let ctx = state
        .app
        .qa_ctx(visitor.viewer.as_ref(), &edition, &session)
        .await?;
    // The room's number now: the feed sends everything after it, the replay everything up to it.
    let last_seq = state.app.qa_last_seq(&ctx).await?;
    let hub = state.live.clone();
    let max = hub.settings.max_message;
    // Messages both ways are small: buffers of a few KiB instead of the default 128 KiB each
    // keep 10,000 open sockets in a few hundred MB.
    Ok(upgrade
        .read_buffer_size(SOCKET_BUFFER)
        .write_buffer_size(SOCKET_BUFFER)
        .max_message_size(max)
        .max_frame_size(max)
        .on_upgrade(move |socket| follow(hub, socket, ctx, after, last_seq)))
}

async fn follow(hub: Arc<Hub>, mut socket: WebSocket, ctx: QaCtx, after: i64, last_seq: i64) {
    let _counted = hub.figures.connected();
    let mut closing = hub.closing();
    let mut feed = hub.join(&ctx, last_seq);
    let mut last = after;
    if !replay(&hub, &mut socket, &ctx, &mut last).await
        || !send(&hub, &mut socket, &Out::Live { seq: last }, None).await
    {
        return;
    }
    let mut ping = tokio::time::interval(hub.settings.ping_every);
    ping.tick().await;
    loop {
        tokio::select! {
            biased;
            _ = closing.changed() => {
                close(&hub, &mut socket, RESTARTING, "the server is restarting: reconnect with your last seq").await;
                return;
            }
            fanned = feed.recv() => match fanned {
                Ok(f) => {
                    if !deliver(&hub, &mut socket, &ctx, &f, &mut last).await {
                        return;
                    }
                }
                Err(RecvError::Lagged(_)) => {
                    hub.figures.dropped_slow();
                    close(&hub, &mut socket, RESYNC, "too far behind: reconnect with your last seq").await;
                    return;
                }
                Err(RecvError::Closed) => {
                    close(&hub, &mut socket, RESTARTING, "reconnect with your last seq").await;
                    return;
                }
            },
            incoming = socket.recv() => match incoming {
                None | Some(Ok(Message::Close(_))) => return,
                Some(Ok(Message::Text(text))) => match serde_json::from_str::<In>(&text) {
                    Ok(In::Ping) => {
                        if !send(&hub, &mut socket, &Out::Pong { seq: last }, None).await {
                            return;
                        }
                    }
                    Err(e) if e.is_data() => {
                        close(&hub, &mut socket, POLICY, "unknown message: send {\"type\":\"ping\"} only").await;
                        return;
                    }
                    Err(_) => {
                        close(&hub, &mut socket, INVALID, "not JSON: send {\"type\":\"ping\"} only").await;
                        return;
                    }
                },
                Some(Ok(Message::Binary(_))) => {
                    close(&hub, &mut socket, BINARY, "text messages only").await;
                    return;
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                Some(Err(e)) => {
                    let why = e.to_string();
                    if why.contains("too long") || why.contains("too big") {
                        close(&hub, &mut socket, TOO_BIG, "message too big").await;
                    } else {
                        close(&hub, &mut socket, INVALID, "malformed frame").await;
                    }
                    return;
                }
            },
            _ = ping.tick() => {
                if !timed_send(&hub, &mut socket, Message::Ping(Default::default())).await {
                    return;
                }
            }
        }
    }
}

/// Sends what the stored log holds after `last`.
async fn replay(hub: &Hub, socket: &mut WebSocket, ctx: &QaCtx, last: &mut i64) -> bool {
    let changes = match hub.app.qa_feed(ctx, *last).await {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(cause = %crate::error::cause_chain(&e), "replaying a room's log failed");
            close(
                hub,
                socket,
                INTERNAL,
                "the log could not be read: reconnect",
            )
            .await;
            return false;
        }
    };
    for change in &changes {
        if !send(hub, socket, &Out::Change(&ctx.project(change)), None).await {
            return false;
        }
        *last = change.seq;
    }
    true
}

/// Sends a live change unless it was sent already; fills a gap from the log first.
async fn deliver(
    hub: &Hub,
    socket: &mut WebSocket,
    ctx: &QaCtx,
    f: &Fanned,
    last: &mut i64,
) -> bool {
    let seq = f.change.seq;
    if seq <= *last {
        return true;
    }
    if seq > *last + 1 {
        return replay(hub, socket, ctx, last).await;
    }
    let text = if ctx.sees_as_anyone(&f.change) {
        f.for_anyone
            .get_or_init(|| serialized(&Out::Change(&ctx.project(&f.change))))
            .clone()
    } else {
        serialized(&Out::Change(&ctx.project(&f.change)))
    };
    let Some(text) = text else { return false };
    if !timed_send(hub, socket, Message::Text(text)).await {
        return false;
    }
    hub.figures.sent(Some(f.noticed.elapsed()));
    *last = seq;
    true
}

fn serialized(out: &Out<'_>) -> Option<Utf8Bytes> {
    match serde_json::to_string(out) {
        Ok(t) => Some(t.into()),
        Err(e) => {
            tracing::error!(error = %e, "a live message did not serialize");
            None
        }
    }
}

async fn send(
    hub: &Hub,
    socket: &mut WebSocket,
    out: &Out<'_>,
    noticed: Option<std::time::Instant>,
) -> bool {
    let Some(text) = serialized(out) else {
        return false;
    };
    if !timed_send(hub, socket, Message::Text(text)).await {
        return false;
    }
    if matches!(out, Out::Change(_)) {
        hub.figures.sent(noticed.map(|n| n.elapsed()));
    }
    true
}

/// A write that takes longer than the client may: the client is dropped as too slow.
async fn timed_send(hub: &Hub, socket: &mut WebSocket, message: Message) -> bool {
    match tokio::time::timeout(hub.settings.send_timeout, socket.send(message)).await {
        Ok(Ok(())) => true,
        Ok(Err(_)) => false,
        Err(_) => {
            hub.figures.dropped_slow();
            false
        }
    }
}

async fn close(hub: &Hub, socket: &mut WebSocket, code: u16, reason: &'static str) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    let _ = tokio::time::timeout(
        hub.settings.send_timeout,
        socket.send(Message::Close(Some(frame))),
    )
    .await;
}
