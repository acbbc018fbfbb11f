//! A socket that gives up when a read or a write makes no progress for too long: a client that
//! stops reading its response, or stops sending a body, must not hold its connection forever.

use crate::shed::Activity;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

pub struct StallLimit<S> {
    inner: S,
    limit: Duration,
    activity: Arc<Activity>,
    read_stall: Stall,
    write_stall: Stall,
}

impl<S> StallLimit<S> {
    /// `activity` learns when a write waits for the client.
    pub fn new(inner: S, limit: Duration, activity: Arc<Activity>) -> Self {
        Self {
            inner,
            limit,
            activity,
            read_stall: Stall::new(limit),
            write_stall: Stall::new(limit),
        }
    }
}

/// One direction's watch. Its timer is armed once and moved only when it fires: a request
/// that waits for its next read or write costs a clock reading, not a trip to the timer wheel
/// (whose lock two busy workers would otherwise take several times per request).
struct Stall {
    timer: Pin<Box<Sleep>>,
    /// Since when the current run of Pending has lasted; `None` after progress.
    pending_since: Option<Instant>,
}

impl Stall {
    fn new(limit: Duration) -> Self {
        Self {
            timer: Box::pin(tokio::time::sleep(limit)),
            pending_since: None,
        }
    }

    /// Pending for at most `limit` since the first Pending in a row; then a TimedOut error.
    fn check<T>(
        &mut self,
        poll: Poll<io::Result<T>>,
        limit: Duration,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<T>> {
        if poll.is_ready() {
            self.pending_since = None;
            return poll;
        }
        let since = *self.pending_since.get_or_insert_with(Instant::now);
        while self.timer.as_mut().poll(cx).is_ready() {
            // The timer may have been set for an earlier wait: only this one's length counts.
            let deadline = since + limit;
            if Instant::now() >= deadline {
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "the client made no progress",
                )));
            }
            self.timer.as_mut().reset(deadline);
        }
        Poll::Pending
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for StallLimit<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_read(cx, buf);
        this.read_stall.check(poll, this.limit, cx)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for StallLimit<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.activity.write_blocked(poll.is_pending());
        this.write_stall.check(poll, this.limit, cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.activity.write_blocked(poll.is_pending());
        this.write_stall.check(poll, this.limit, cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_flush(cx);
        this.activity.write_blocked(poll.is_pending());
        this.write_stall.check(poll, this.limit, cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_shutdown(cx);
        this.write_stall.check(poll, this.limit, cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn a_read_that_waits_too_long_fails() {
        let (a, mut b) = tokio::io::duplex(64);
        let mut a = StallLimit::new(a, Duration::from_millis(100), Activity::new());
        b.write_all(b"hi").await.unwrap();
        let mut buf = [0u8; 2];
        a.read_exact(&mut buf).await.unwrap();
        let err = a.read(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
    }

    /// Waits that each stay under the limit pass, however long they last together.
    #[tokio::test]
    async fn progress_starts_the_wait_again() {
        let (a, mut b) = tokio::io::duplex(64);
        let mut a = StallLimit::new(a, Duration::from_millis(500), Activity::new());
        let mut buf = [0u8; 1];
        for _ in 0..4 {
            let reader = a.read_exact(&mut buf);
            let writer = async {
                tokio::time::sleep(Duration::from_millis(200)).await;
                b.write_all(b"x").await.unwrap();
            };
            let (read, ()) = tokio::join!(reader, writer);
            read.unwrap();
        }
        let err = a.read(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
    }

    #[tokio::test]
    async fn a_write_nobody_reads_fails() {
        let (a, _b) = tokio::io::duplex(64);
        let mut a = StallLimit::new(a, Duration::from_millis(100), Activity::new());
        let err = a.write_all(&[0u8; 1024]).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
    }
}
