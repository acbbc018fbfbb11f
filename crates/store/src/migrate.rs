//! Embedded migrations with matching versions for both backends, applied in one transaction.

use crate::{Dialect, Result, Store, StoreError, on_pool};
use sqlx::Row;

const SQLITE: &[(i64, &str)] = &[
    (1, include_str!("../migrations/sqlite/0001_schedule.sql")),
    (2, include_str!("../migrations/sqlite/0002_interchange.sql")),
    (3, include_str!("../migrations/sqlite/0003_scheduling.sql")),
    (4, include_str!("../migrations/sqlite/0004_accounts.sql")),
    (5, include_str!("../migrations/sqlite/0005_cfp.sql")),
    (6, include_str!("../migrations/sqlite/0006_versions.sql")),
    (7, include_str!("../migrations/sqlite/0007_cfp_more.sql")),
    (8, include_str!("../migrations/sqlite/0008_review_more.sql")),
    (9, include_str!("../migrations/sqlite/0009_seats.sql")),
    (10, include_str!("../migrations/sqlite/0010_marks.sql")),
    (11, include_str!("../migrations/sqlite/0011_live.sql")),
    (
        12,
        include_str!("../migrations/sqlite/0012_agenda_shares.sql"),
    ),
    (
        13,
        include_str!("../migrations/sqlite/0013_changes_feed.sql"),
    ),
    (14, include_str!("../migrations/sqlite/0014_recordings.sql")),
    (
        15,
        include_str!("../migrations/sqlite/0015_seat_overlaps.sql"),
    ),
    (16, include_str!("../migrations/sqlite/0016_venue.sql")),
    (
        17,
        include_str!("../migrations/sqlite/0017_unconference.sql"),
    ),
];
const POSTGRES: &[(i64, &str)] = &[
    (1, include_str!("../migrations/postgres/0001_schedule.sql")),
    (
        2,
        include_str!("../migrations/postgres/0002_interchange.sql"),
    ),
    (
        3,
        include_str!("../migrations/postgres/0003_scheduling.sql"),
    ),
    (4, include_str!("../migrations/postgres/0004_accounts.sql")),
    (5, include_str!("../migrations/postgres/0005_cfp.sql")),
    (6, include_str!("../migrations/postgres/0006_versions.sql")),
    (7, include_str!("../migrations/postgres/0007_cfp_more.sql")),
    (
        8,
        include_str!("../migrations/postgres/0008_review_more.sql"),
    ),
    (9, include_str!("../migrations/postgres/0009_seats.sql")),
    (10, include_str!("../migrations/postgres/0010_marks.sql")),
    (11, include_str!("../migrations/postgres/0011_live.sql")),
    (
        12,
        include_str!("../migrations/postgres/0012_agenda_shares.sql"),
    ),
    (
        13,
        include_str!("../migrations/postgres/0013_changes_feed.sql"),
    ),
    (
        14,
        include_str!("../migrations/postgres/0014_recordings.sql"),
    ),
    (
        15,
        include_str!("../migrations/postgres/0015_seat_overlaps.sql"),
    ),
    (16, include_str!("../migrations/postgres/0016_venue.sql")),
    (
        17,
        include_str!("../migrations/postgres/0017_unconference.sql"),
    ),
];

/// Applies what is missing and returns the versions applied now.
pub(crate) async fn run(store: &Store) -> Result<Vec<i64>> {
    run_to(store, i64::MAX).await
}

/// Applies what is missing up to `target` (tests start old databases this way).
pub(crate) async fn run_to(store: &Store, target: i64) -> Result<Vec<i64>> {
    let (steps, lock) = match store {
        Store::Sqlite(_) => (SQLITE, None),
        // Replicas starting together queue on this lock instead of racing.
        Store::Postgres(_) => (POSTGRES, Some("SELECT pg_advisory_xact_lock(7243190)")),
    };
    on_pool!(store, |pool| {
        let mut tx = pool.begin_write().await?;
        if let Some(lock) = lock {
            sqlx::query(lock).execute(&mut *tx).await?;
        }
        sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS hallway_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
        )
        .execute(&mut *tx)
        .await?;
        let done: Vec<i64> = sqlx::query("SELECT version FROM hallway_migrations ORDER BY version")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<Result<_, _>>()?;
        if let Some(&newest) = done.last()
            && newest > steps.last().map_or(0, |s| s.0)
        {
            return Err(StoreError::Conflict(format!(
                "the database is at schema version {newest}, newer than this binary knows"
            )));
        }
        let mut applied = Vec::new();
        for &(version, sql) in steps {
            if done.contains(&version) || version > target {
                continue;
            }
            sqlx::raw_sql(sql).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO hallway_migrations (version, applied_at) VALUES ($1, $2)")
                .bind(version)
                .bind(jiff::Timestamp::now().as_second())
                .execute(&mut *tx)
                .await?;
            applied.push(version);
        }
        tx.commit().await?;
        Ok(applied)
    })
}

/// Versions this binary knows that the database has not applied (empty when up to date).
pub(crate) async fn pending(store: &Store) -> Result<Vec<i64>> {
    let steps = match store {
        Store::Sqlite(_) => SQLITE,
        Store::Postgres(_) => POSTGRES,
    };
    let done: Vec<i64> = on_pool!(store, |pool| {
        sqlx::query_scalar("SELECT version FROM hallway_migrations")
            .fetch_all(pool)
            .await?
    });
    Ok(steps
        .iter()
        .map(|s| s.0)
        .filter(|v| !done.contains(v))
        .collect())
}
