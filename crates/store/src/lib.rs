//! Storage: small traits per aggregate, one `Store` that speaks SQLite or PostgreSQL.
//!
//! Both backends run the same SQL where they can (sqlx's SQLite driver takes `$1` placeholders);
//! `on_pool!` expands one body for each pool type, so there is no generic `DB` in the signatures.

// The traits are implemented by the concrete `Store` only, so callers see its futures' `Send`.
#![allow(async_fn_in_trait)]

mod accounts;
mod attendees;
mod cfp;
mod cfp_flow;
mod editions;
mod error;
mod live;
mod marks;
mod migrate;
mod ops;
mod outbox;
mod qa;
mod releases;
mod review;
mod schedule;
mod scheduling;
mod seats;
mod second_chance;
mod submissions;

pub use error::StoreError;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Postgres, Sqlite, Transaction};
use std::str::FromStr;
use std::time::Duration;

pub use accounts::{AccountStore, ApiToken, LinkPurpose, Membership, User};
pub use attendees::{AttendeeStore, NewAttendee};
pub use cfp::CfpStore;
pub use cfp_flow::{CfpFlowStore, DuplicatePair, SpeakerInvitation, TeamInvitation};
pub use editions::EditionStore;
pub use live::{Notice, Notices, QA_CHANNEL, RELEASE_CHANNEL, RateCount};
pub use marks::{MarkChange, MarkStore, Outcome};
pub use ops::PoolUse;
pub use outbox::{Mail, MailState, MailStatus, NewMail, OutboxStore};
pub use qa::{QaFailure, QaStore, Room, StoredQuestion};
pub use releases::ReleaseStore;
pub use review::{Board, DeclaredConflict, ReviewStore, ReviewerRow, RunRecord, StoredReview};
pub use schedule::ScheduleStore;
pub use scheduling::SchedulingStore;
pub use seats::{Changed, HeldSeat, SeatLine, SeatList, SeatState, SeatStore};
pub use second_chance::{EventRef, Forwarded, SecondChanceStore};
pub use submissions::{LogEntry, NewSubmission, SubmissionStore, Transition};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The database, SQLite (embedded, the default) or PostgreSQL (for replicas).
#[derive(Clone, Debug)]
pub enum Store {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs the same body against whichever pool the store holds.
macro_rules! on_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match $store {
            $crate::Store::Sqlite($pool) => $body,
            $crate::Store::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// What differs between the two pools inside an otherwise shared body.
pub(crate) trait Dialect {
    type Db: sqlx::Database;
    /// A transaction that will write: SQLite takes the write lock up front (`BEGIN IMMEDIATE`),
    /// so a read-then-write transaction cannot fail to upgrade under concurrent writers.
    async fn begin_write(&self) -> Result<Transaction<'static, Self::Db>>;
    /// A read-only transaction that sees one snapshot throughout, so that a schedule read with
    /// several statements is never a mix of two saves. SQLite's read transaction is one
    /// snapshot already (WAL); PostgreSQL's default (READ COMMITTED) takes one per statement.
    async fn begin_snapshot(&self) -> Result<Transaction<'static, Self::Db>>;
    /// Row locking for read-modify-write, where the backend has it.
    fn for_update(&self) -> &'static str;
    /// What tells other replicas of a change in a Q&A room (`$1` room, `$2` seq), if any.
    fn live_notify(&self) -> Option<&'static str>;
}

impl Dialect for SqlitePool {
    type Db = Sqlite;
    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>> {
        Ok(self.begin_with("BEGIN IMMEDIATE").await?)
    }
    async fn begin_snapshot(&self) -> Result<Transaction<'static, Sqlite>> {
        Ok(self.begin().await?)
    }
    fn for_update(&self) -> &'static str {
        ""
    }
    fn live_notify(&self) -> Option<&'static str> {
        None
    }
}

impl Dialect for PgPool {
    type Db = Postgres;
    async fn begin_write(&self) -> Result<Transaction<'static, Postgres>> {
        Ok(self.begin().await?)
    }
    async fn begin_snapshot(&self) -> Result<Transaction<'static, Postgres>> {
        Ok(self
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .await?)
    }
    fn for_update(&self) -> &'static str {
        " FOR UPDATE"
    }
    fn live_notify(&self) -> Option<&'static str> {
        Some(crate::live::NOTIFY_QA)
    }
}

impl Store {
    /// Opens `sqlite://FILE` (created when missing) or `postgres://...`.
    pub async fn connect(url: &str) -> Result<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await?;
            Ok(Self::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // FULL: a write the user saw succeed survives a power cut, not just a crash.
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(opts)
                .await?;
            Ok(Self::Sqlite(pool))
        } else {
            Err(StoreError::Other(
                format!(
                    "unsupported database URL (use sqlite://FILE or postgres://...): {}",
                    redact(url)
                )
                .into(),
            ))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// Brings the schema up to date; safe to run from several replicas at once.
    pub async fn migrate(&self) -> Result<Vec<i64>> {
        migrate::run(self).await
    }

    /// Brings the schema up to `version` only: how tests make a database of an older release.
    pub async fn migrate_to(&self, version: i64) -> Result<Vec<i64>> {
        migrate::run_to(self, version).await
    }

    pub async fn close(&self) {
        on_pool!(self, |pool| pool.close().await)
    }
}

/// A database URL fit for logs: the password replaced.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// `$from, $from+1, ...` for an IN list of `n` items.
pub(crate) fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// Creates a PostgreSQL database named `name` (letters, digits and `_` only): how the
    /// test suite gives each test its own.
    pub async fn create_database(&self, name: &str) -> Result<()> {
        self.database_statement("CREATE DATABASE", name).await
    }

    /// Drops a PostgreSQL database made by `create_database`, closing its connections.
    pub async fn drop_database(&self, name: &str) -> Result<()> {
        self.database_statement("DROP DATABASE IF EXISTS", name)
            .await
    }

    async fn database_statement(&self, statement: &str, name: &str) -> Result<()> {
        let name = database_name(name)?;
        let Store::Postgres(pool) = self else {
            return Err(StoreError::invalid(
                "databases are created and dropped on PostgreSQL only",
            ));
        };
        let force = if statement.starts_with("DROP") {
            " WITH (FORCE)"
        } else {
            ""
        };
        // Utility statements take no parameters; the name is checked above.
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("{statement} {name}{force}")))
            .execute(pool)
            .await?;
        Ok(())
    }
}

fn database_name(name: &str) -> Result<&str> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(name)
    } else {
        Err(StoreError::invalid(format!(
            "database name {name:?}: use lower-case letters, digits and _"
        )))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_passwords() {
        assert_eq!(
            super::redact("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(super::redact("sqlite://hallway.db"), "sqlite://hallway.db");
    }
}
