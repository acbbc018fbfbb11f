//! Accounts, their single-use links, sessions, roles, API tokens and failed logins.
//!
//! Every secret arrives here already hashed; a link or session is looked up by its hash.

use crate::{Dialect, Result, Store, StoreError, on_pool};
use hallway_domain::{Access, Email, Role, Slug, UserId};
use sqlx::AssertSqlSafe;

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub password_hash: String,
    pub verified: bool,
    pub site_organizer: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    Verify,
    Reset,
}

impl LinkPurpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::Verify => "verify",
            Self::Reset => "reset",
        }
    }
}

/// An API token as listed to its owner (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub edition: Slug,
    pub event: Option<Slug>,
    pub access: Access,
    pub label: String,
    pub created_at: i64,
}

/// A role someone holds in an edition (`event` `None`: the whole edition).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub event: Option<Slug>,
    pub role: Role,
}

pub trait AccountStore {
    /// A new account; `Conflict` when the address has one already.
    async fn create_user(
        &self,
        email: &Email,
        password_hash: &str,
        site_organizer: bool,
        verified_at: Option<i64>,
        now: i64,
    ) -> Result<UserId>;
    async fn user_by_email(&self, email: &Email) -> Result<User>;
    async fn user(&self, id: UserId) -> Result<User>;
    async fn set_site_organizer(&self, id: UserId, organizer: bool) -> Result<()>;

    /// Stores a single-use link's hash for `user`, valid until `expires_at`.
    async fn add_link(
        &self,
        user: UserId,
        purpose: LinkPurpose,
        hash: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<()>;
    /// Uses a verification link and marks the address verified. `NotFound` when the link is
    /// unknown, used or expired: one outcome for all three, so nothing is learned by trying.
    async fn use_verify_link(&self, hash: &str, now: i64) -> Result<UserId>;
    /// Uses a reset link, sets the password and ends every session of the account, in one
    /// transaction: of two requests with the same link, exactly one succeeds.
    async fn use_reset_link(&self, hash: &str, password_hash: &str, now: i64) -> Result<UserId>;

    async fn create_session(
        &self,
        hash: &str,
        user: UserId,
        now: i64,
        expires_at: i64,
    ) -> Result<()>;
    /// The account of a live session; `NotFound` for an unknown, ended or expired one.
    async fn session_user(&self, hash: &str, now: i64) -> Result<User>;
    async fn delete_session(&self, hash: &str) -> Result<()>;
    /// Ends every session of an account; returns how many there were.
    async fn delete_sessions_of(&self, user: UserId) -> Result<u64>;

    /// Counts a login attempt against each subject (an account, an address) unless one of
    /// them has reached its limit of attempts since `since`: `None` then, and nothing is
    /// counted. One transaction per attempt, queued per subject, so no burst of parallel
    /// attempts passes a limit. Returns the rows, to forget when the attempt succeeds.
    async fn count_login_attempt(
        &self,
        limits: &[(&str, u64)],
        since: i64,
        now: i64,
    ) -> Result<Option<Vec<i64>>>;
    async fn forget_login_attempts(&self, ids: &[i64]) -> Result<()>;
    /// Forgets failures for `subject`, and everyone's older than `before`.
    async fn clear_login_failures(&self, subject: &str, before: i64) -> Result<()>;

    /// Gives `user` a role; giving it again changes only its tracks.
    async fn grant(
        &self,
        user: UserId,
        edition: &Slug,
        event: Option<&Slug>,
        role: &Role,
    ) -> Result<()>;
    async fn memberships(&self, user: UserId, edition: &Slug) -> Result<Vec<Membership>>;

    #[allow(clippy::too_many_arguments)]
    async fn create_api_token(
        &self,
        hash: &str,
        user: UserId,
        edition: &Slug,
        event: Option<&Slug>,
        access: Access,
        label: &str,
        now: i64,
    ) -> Result<i64>;
    /// The account and scope of a token that is not revoked.
    async fn api_token(&self, hash: &str) -> Result<(User, ApiToken)>;
    async fn api_tokens_of(&self, user: UserId) -> Result<Vec<ApiToken>>;
    async fn revoke_api_token(&self, user: UserId, id: i64, now: i64) -> Result<()>;
}

type UserRow = (i64, String, String, Option<i64>, bool);

const USER_COLUMNS: &str = "u.id, u.email, u.password_hash, u.verified_at, u.site_organizer";

fn user_from(row: UserRow) -> Result<User> {
    Ok(User {
        id: UserId(row.0),
        email: Email::parse(&row.1).map_err(|e| StoreError::invalid(format!("stored {e}")))?,
        password_hash: row.2,
        verified: row.3.is_some(),
        site_organizer: row.4,
    })
}

fn optional_slug(s: &str) -> Result<Option<Slug>> {
    if s.is_empty() {
        return Ok(None);
    }
    Slug::parse(s)
        .map(Some)
        .map_err(|e| StoreError::invalid(format!("stored event: {e}")))
}

fn slug(s: &str) -> Result<Slug> {
    Slug::parse(s).map_err(|e| StoreError::invalid(format!("stored slug: {e}")))
}

type TokenRow = (i64, String, String, String, String, i64);

fn token_from(row: TokenRow) -> Result<ApiToken> {
    Ok(ApiToken {
        id: row.0,
        edition: slug(&row.1)?,
        event: optional_slug(&row.2)?,
        access: Access::parse(&row.3).map_err(|e| StoreError::invalid(e.to_string()))?,
        label: row.4,
        created_at: row.5,
    })
}

impl AccountStore for Store {
    async fn create_user(
        &self,
        email: &Email,
        password_hash: &str,
        site_organizer: bool,
        verified_at: Option<i64>,
        now: i64,
    ) -> Result<UserId> {
        on_pool!(self, |pool| {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO users (email, password_hash, verified_at, site_organizer, created_at)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(email.as_str())
            .bind(password_hash)
            .bind(verified_at)
            .bind(site_organizer)
            .bind(now)
            .fetch_one(pool)
            .await
            .map_err(|e| match StoreError::from(e) {
                StoreError::Conflict(_) => {
                    StoreError::Conflict("an account with this e-mail address".into())
                }
                other => other,
            })?;
            Ok(UserId(id))
        })
    }

    async fn user_by_email(&self, email: &Email) -> Result<User> {
        on_pool!(self, |pool| {
            let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.email = $1");
            let row: Option<UserRow> = sqlx::query_as(AssertSqlSafe(sql))
                .bind(email.as_str())
                .fetch_optional(pool)
                .await?;
            user_from(row.ok_or_else(|| StoreError::NotFound("account".into()))?)
        })
    }

    async fn user(&self, id: UserId) -> Result<User> {
        on_pool!(self, |pool| {
            let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1");
            let row: Option<UserRow> = sqlx::query_as(AssertSqlSafe(sql))
                .bind(id.0)
                .fetch_optional(pool)
                .await?;
            user_from(row.ok_or_else(|| StoreError::NotFound("account".into()))?)
        })
    }

    async fn set_site_organizer(&self, id: UserId, organizer: bool) -> Result<()> {
        on_pool!(self, |pool| {
            let done = sqlx::query("UPDATE users SET site_organizer = $1 WHERE id = $2")
                .bind(organizer)
                .bind(id.0)
                .execute(pool)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound("account".into()));
            }
            Ok(())
        })
    }

    async fn add_link(
        &self,
        user: UserId,
        purpose: LinkPurpose,
        hash: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO user_tokens (hash, user_id, purpose, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(hash)
            .bind(user.0)
            .bind(purpose.as_str())
            .bind(now)
            .bind(expires_at)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    async fn use_verify_link(&self, hash: &str, now: i64) -> Result<UserId> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let user: Option<i64> = sqlx::query_scalar(
                "UPDATE user_tokens SET used_at = $1
                 WHERE hash = $2 AND purpose = 'verify' AND used_at IS NULL AND expires_at > $1
                 RETURNING user_id",
            )
            .bind(now)
            .bind(hash)
            .fetch_optional(&mut *tx)
            .await?;
            let user = user.ok_or_else(|| StoreError::NotFound("link".into()))?;
            sqlx::query("UPDATE users SET verified_at = $1 WHERE id = $2 AND verified_at IS NULL")
                .bind(now)
                .bind(user)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(UserId(user))
        })
    }

    async fn use_reset_link(&self, hash: &str, password_hash: &str, now: i64) -> Result<UserId> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            // The conditional update is the whole race: a second request with the same link
            // finds `used_at` set (PostgreSQL re-checks the row after the first commits).
            let user: Option<i64> = sqlx::query_scalar(
                "UPDATE user_tokens SET used_at = $1
                 WHERE hash = $2 AND purpose = 'reset' AND used_at IS NULL AND expires_at > $1
                 RETURNING user_id",
            )
            .bind(now)
            .bind(hash)
            .fetch_optional(&mut *tx)
            .await?;
            let user = user.ok_or_else(|| StoreError::NotFound("link".into()))?;
            sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(password_hash)
                .bind(user)
                .execute(&mut *tx)
                .await?;
            // Whoever knew the old password is signed out, and older links die with it.
            sqlx::query("DELETE FROM login_sessions WHERE user_id = $1")
                .bind(user)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE user_tokens SET used_at = $1
                 WHERE user_id = $2 AND purpose = 'reset' AND used_at IS NULL",
            )
            .bind(now)
            .bind(user)
            .execute(&mut *tx)
            .await?;
            // Reading the link in a mail proves the address too.
            sqlx::query("UPDATE users SET verified_at = $1 WHERE id = $2 AND verified_at IS NULL")
                .bind(now)
                .bind(user)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(UserId(user))
        })
    }

    async fn create_session(
        &self,
        hash: &str,
        user: UserId,
        now: i64,
        expires_at: i64,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            // Expired sessions open nothing; they go when new ones come.
            sqlx::query("DELETE FROM login_sessions WHERE expires_at <= $1")
                .bind(now)
                .execute(pool)
                .await?;
            sqlx::query(
                "INSERT INTO login_sessions (hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(hash)
            .bind(user.0)
            .bind(now)
            .bind(expires_at)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    async fn session_user(&self, hash: &str, now: i64) -> Result<User> {
        on_pool!(self, |pool| {
            let sql = format!(
                "SELECT {USER_COLUMNS} FROM login_sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.hash = $1 AND s.expires_at > $2"
            );
            let row: Option<UserRow> = sqlx::query_as(AssertSqlSafe(sql))
                .bind(hash)
                .bind(now)
                .fetch_optional(pool)
                .await?;
            user_from(row.ok_or_else(|| StoreError::NotFound("session".into()))?)
        })
    }

    async fn delete_session(&self, hash: &str) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query("DELETE FROM login_sessions WHERE hash = $1")
                .bind(hash)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    async fn delete_sessions_of(&self, user: UserId) -> Result<u64> {
        on_pool!(self, |pool| {
            let done = sqlx::query("DELETE FROM login_sessions WHERE user_id = $1")
                .bind(user.0)
                .execute(pool)
                .await?;
            Ok(done.rows_affected())
        })
    }

    async fn count_login_attempt(
        &self,
        limits: &[(&str, u64)],
        since: i64,
        now: i64,
    ) -> Result<Option<Vec<i64>>> {
        let mut limits = limits.to_vec();
        // One lock order for all, so two attempts never wait on each other in a circle.
        limits.sort_unstable();
        on_pool!(self, |pool| {
            // SQLite: BEGIN IMMEDIATE already queues every writer.
            let mut tx = pool.begin_write().await?;
            if matches!(self, Store::Postgres(_)) {
                for (subject, _) in &limits {
                    sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
                        .bind(*subject)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            for (subject, limit) in &limits {
                let n: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM login_failures WHERE subject = $1 AND at >= $2",
                )
                .bind(*subject)
                .bind(since)
                .fetch_one(&mut *tx)
                .await?;
                if n.max(0) as u64 >= *limit {
                    return Ok(None);
                }
            }
            let mut ids = Vec::with_capacity(limits.len());
            for (subject, _) in &limits {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO login_failures (subject, at) VALUES ($1, $2) RETURNING id",
                )
                .bind(*subject)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                ids.push(id);
            }
            tx.commit().await?;
            Ok(Some(ids))
        })
    }

    async fn forget_login_attempts(&self, ids: &[i64]) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "DELETE FROM login_failures WHERE id IN ({})",
            crate::placeholders(1, ids.len())
        );
        on_pool!(self, |pool| {
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for id in ids {
                q = q.bind(*id);
            }
            q.execute(pool).await?;
            Ok(())
        })
    }

    async fn clear_login_failures(&self, subject: &str, before: i64) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query("DELETE FROM login_failures WHERE subject = $1 OR at < $2")
                .bind(subject)
                .bind(before)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    async fn grant(
        &self,
        user: UserId,
        edition: &Slug,
        event: Option<&Slug>,
        role: &Role,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let edition_id: i64 = sqlx::query_scalar("SELECT id FROM editions WHERE slug = $1")
                .bind(edition.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("edition {edition}")))?;
            if let Some(event) = event {
                let known: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM events WHERE edition_id = $1 AND slug = $2")
                        .bind(edition_id)
                        .bind(event.as_str())
                        .fetch_optional(&mut *tx)
                        .await?;
                known.ok_or_else(|| StoreError::NotFound(format!("event {event} of {edition}")))?;
            }
            let tracks = role.tracks().map(|t| t.to_stored()).unwrap_or_default();
            sqlx::query(
                "INSERT INTO memberships (user_id, edition_id, event, role, tracks)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (user_id, edition_id, event, role) DO UPDATE SET tracks = excluded.tracks",
            )
            .bind(user.0)
            .bind(edition_id)
            .bind(event.map_or("", Slug::as_str))
            .bind(role.kind())
            .bind(tracks)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    async fn memberships(&self, user: UserId, edition: &Slug) -> Result<Vec<Membership>> {
        on_pool!(self, |pool| {
            let rows: Vec<(String, String, String)> = sqlx::query_as(
                "SELECT m.event, m.role, m.tracks FROM memberships m
                 JOIN editions e ON e.id = m.edition_id
                 WHERE m.user_id = $1 AND e.slug = $2 ORDER BY m.id",
            )
            .bind(user.0)
            .bind(edition.as_str())
            .fetch_all(pool)
            .await?;
            rows.into_iter()
                .map(|(event, role, tracks)| {
                    Ok(Membership {
                        event: optional_slug(&event)?,
                        role: Role::from_stored(&role, &tracks)
                            .map_err(|e| StoreError::invalid(e.to_string()))?,
                    })
                })
                .collect()
        })
    }

    async fn create_api_token(
        &self,
        hash: &str,
        user: UserId,
        edition: &Slug,
        event: Option<&Slug>,
        access: Access,
        label: &str,
        now: i64,
    ) -> Result<i64> {
        on_pool!(self, |pool| {
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO api_tokens (hash, user_id, edition_id, event, access, label, created_at)
                 SELECT $1, $2, e.id, $3, $4, $5, $6 FROM editions e
                 WHERE e.slug = $7
                   AND ($3 = '' OR EXISTS (SELECT 1 FROM events v WHERE v.edition_id = e.id AND v.slug = $3))
                 RETURNING id",
            )
            .bind(hash)
            .bind(user.0)
            .bind(event.map_or("", Slug::as_str))
            .bind(access.as_str())
            .bind(label)
            .bind(now)
            .bind(edition.as_str())
            .fetch_optional(pool)
            .await?;
            id.ok_or_else(|| {
                StoreError::NotFound(match event {
                    Some(event) => format!("event {event} of edition {edition}"),
                    None => format!("edition {edition}"),
                })
            })
        })
    }

    async fn api_token(&self, hash: &str) -> Result<(User, ApiToken)> {
        on_pool!(self, |pool| {
            let sql = format!(
                "SELECT {USER_COLUMNS}, t.id, e.slug, t.event, t.access, t.label, t.created_at
                 FROM api_tokens t JOIN users u ON u.id = t.user_id
                 JOIN editions e ON e.id = t.edition_id
                 WHERE t.hash = $1 AND t.revoked_at IS NULL"
            );
            #[allow(clippy::type_complexity)]
            let row: Option<(
                i64,
                String,
                String,
                Option<i64>,
                bool,
                i64,
                String,
                String,
                String,
                String,
                i64,
            )> = sqlx::query_as(AssertSqlSafe(sql))
                .bind(hash)
                .fetch_optional(pool)
                .await?;
            let r = row.ok_or_else(|| StoreError::NotFound("token".into()))?;
            Ok((
                user_from((r.0, r.1, r.2, r.3, r.4))?,
                token_from((r.5, r.6, r.7, r.8, r.9, r.10))?,
            ))
        })
    }

    async fn api_tokens_of(&self, user: UserId) -> Result<Vec<ApiToken>> {
        on_pool!(self, |pool| {
            let rows: Vec<TokenRow> = sqlx::query_as(
                "SELECT t.id, e.slug, t.event, t.access, t.label, t.created_at
                 FROM api_tokens t JOIN editions e ON e.id = t.edition_id
                 WHERE t.user_id = $1 AND t.revoked_at IS NULL ORDER BY t.id",
            )
            .bind(user.0)
            .fetch_all(pool)
            .await?;
            rows.into_iter().map(token_from).collect()
        })
    }

    async fn revoke_api_token(&self, user: UserId, id: i64, now: i64) -> Result<()> {
        on_pool!(self, |pool| {
            let done = sqlx::query(
                "UPDATE api_tokens SET revoked_at = $1
                 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
            )
            .bind(now)
            .bind(id)
            .bind(user.0)
            .execute(pool)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound(format!("token {id}")));
            }
            Ok(())
        })
    }
}
