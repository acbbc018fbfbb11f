//! What replicas tell each other through PostgreSQL (`LISTEN/NOTIFY`, no other broker), and
//! counters that rate limits share across replicas. On SQLite there is one process: nothing
//! to listen to, and the counters are in its one file.

use crate::{Result, Store};
use sqlx::postgres::PgListener;

/// The channel a Q&A room's changes are announced on: `"{room} {seq}"`.
pub const QA_CHANNEL: &str = "hallway_qa";
/// The channel releases are announced on: the edition's slug.
pub const RELEASE_CHANNEL: &str = "hallway_release";

pub(crate) const NOTIFY_QA: &str =
    "SELECT pg_notify('hallway_qa', CAST($1 AS TEXT) || ' ' || CAST($2 AS TEXT))";

/// One announcement heard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A Q&A room's log reached `seq`.
    Qa { room: i64, seq: i64 },
    /// An edition has a new release.
    Release { edition: String },
}

/// A dedicated connection listening to the announcements. It reconnects by itself after a
/// lost connection; what was announced meanwhile is lost, so listeners catch up from the
/// database after any error.
pub struct Notices(PgListener);

impl Notices {
    /// The next announcement; an error means some may have been missed.
    pub async fn recv(&mut self) -> Result<Option<Notice>> {
        let n = self.0.recv().await?;
        Ok(match n.channel() {
            QA_CHANNEL => {
                let mut parts = n.payload().split(' ').map(str::parse::<i64>);
                match (parts.next(), parts.next()) {
                    (Some(Ok(room)), Some(Ok(seq))) => Some(Notice::Qa { room, seq }),
                    _ => None,
                }
            }
            RELEASE_CHANNEL => Some(Notice::Release {
                edition: n.payload().to_owned(),
            }),
            _ => None,
        })
    }
}

impl Store {
    /// Announcements from every replica, on PostgreSQL; `None` on SQLite (one process).
    pub async fn listen(&self) -> Result<Option<Notices>> {
        match self {
            Store::Sqlite(_) => Ok(None),
            Store::Postgres(pool) => {
                let mut listener = PgListener::connect_with(pool).await?;
                listener.listen_all([QA_CHANNEL, RELEASE_CHANNEL]).await?;
                Ok(Some(Notices(listener)))
            }
        }
    }

    /// Tells every replica that `edition` has a new release (nothing to do on SQLite).
    pub async fn announce_release(&self, edition: &str) -> Result<()> {
        if let Store::Postgres(pool) = self {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(RELEASE_CHANNEL)
                .bind(edition)
                .execute(pool)
                .await?;
        }
        Ok(())
    }
}
