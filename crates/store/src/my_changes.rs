//! Schedule changes that matter to an attendee: whether they want them by mail, the release
//! whose changes they last saw, and the mails themselves, one per attendee and release.

use crate::outbox::NewMail;
use crate::submissions::QUEUE_MAIL;
use crate::{Dialect, Result, Store, StoreError, on_pool};
use hallway_domain::{Guid, ReleaseNote, Slug, UserId};
use jiff::Timestamp;
use sqlx::Row;

/// An attendee's choices about changes in one edition.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChangePrefs {
    /// Mail me the changes to my bookmarks, once per release.
    pub mails: bool,
    /// The release whose changes were last seen (0: none).
    pub seen: u32,
}

/// An attendee who asked for change mails, with their bookmarks and when each was set
/// (milliseconds since the epoch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRecipient {
    pub user: UserId,
    pub email: String,
    pub bookmarks: Vec<(Guid, i64)>,
}

pub trait ChangeStore {
    /// The account's choices in an edition; the defaults when it made none.
    async fn change_prefs(&self, edition: &Slug, user: UserId) -> Result<ChangePrefs>;
    async fn set_change_mails(&self, edition: &Slug, user: UserId, on: bool) -> Result<()>;
    /// Records that the changes up to `release` were seen; never goes back.
    async fn mark_changes_seen(&self, edition: &Slug, user: UserId, release: u32) -> Result<()>;
    /// Everyone in the edition who asked for change mails.
    async fn change_mail_recipients(&self, edition: &Slug) -> Result<Vec<ChangeRecipient>>;
    /// Queues `mail` as the account's mail about `release`, in the transaction that records
    /// it was queued; `false` when it was queued before (nothing is written then).
    async fn queue_change_mail(
        &self,
        edition: &Slug,
        user: UserId,
        release: u32,
        mail: &NewMail,
        now: i64,
    ) -> Result<bool>;
    /// Records that every change mail of `release` is queued.
    async fn finish_change_mailing(&self, edition: &Slug, release: u32, now: i64) -> Result<()>;
    /// Releases whose change mails are not all queued yet, oldest first.
    async fn unmailed_releases(&self) -> Result<Vec<(Slug, u32)>>;
    /// One release's entry of the changelog.
    async fn release_note(&self, edition: &Slug, number: u32) -> Result<ReleaseNote>;
}

/// The attendee row of an account in an edition, made when missing (as marking does), inside
/// the caller's transaction. Evaluates to its id.
macro_rules! attendee_in {
    ($tx:expr, $edition:expr, $user:expr) => {{
        let edition_id: i64 = sqlx::query_scalar("SELECT id FROM editions WHERE slug = $1")
            .bind($edition.as_str())
            .fetch_optional(&mut *$tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("edition {}", $edition)))?;
        sqlx::query(
            "INSERT INTO attendees (edition_id, handle, user_id) VALUES ($1, $2, $3)
             ON CONFLICT (edition_id, handle) DO NOTHING",
        )
        .bind(edition_id)
        .bind(format!("account:{}", $user.0))
        .bind($user.0)
        .execute(&mut *$tx)
        .await?;
        let id: i64 =
            sqlx::query_scalar("SELECT id FROM attendees WHERE edition_id = $1 AND user_id = $2")
                .bind(edition_id)
                .bind($user.0)
                .fetch_one(&mut *$tx)
                .await?;
        id
    }};
}
pub(crate) use attendee_in;

fn release_number(n: i64) -> Result<u32> {
    u32::try_from(n).map_err(|_| StoreError::invalid(format!("release number {n}")))
}

impl ChangeStore for Store {
    async fn change_prefs(&self, edition: &Slug, user: UserId) -> Result<ChangePrefs> {
        on_pool!(self, |pool| {
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM editions WHERE slug = $1")
                .bind(edition.as_str())
                .fetch_optional(pool)
                .await?;
            if exists.is_none() {
                return Err(StoreError::NotFound(format!("edition {edition}")));
            }
            let row: Option<(bool, i64)> = sqlx::query_as(
                "SELECT p.change_mails, p.seen_release FROM change_prefs p
                 JOIN attendees a ON a.id = p.attendee_id JOIN editions e ON e.id = a.edition_id
                 WHERE e.slug = $1 AND a.user_id = $2",
            )
            .bind(edition.as_str())
            .bind(user.0)
            .fetch_optional(pool)
            .await?;
            Ok(match row {
                None => ChangePrefs::default(),
                Some((mails, seen)) => ChangePrefs {
                    mails,
                    seen: release_number(seen)?,
                },
            })
        })
    }

    async fn set_change_mails(&self, edition: &Slug, user: UserId, on: bool) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let attendee = attendee_in!(tx, edition, user);
            sqlx::query(
                "INSERT INTO change_prefs (attendee_id, change_mails) VALUES ($1, $2)
                 ON CONFLICT (attendee_id) DO UPDATE SET change_mails = excluded.change_mails",
            )
            .bind(attendee)
            .bind(on)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    async fn mark_changes_seen(&self, edition: &Slug, user: UserId, release: u32) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let attendee = attendee_in!(tx, edition, user);
            // Two tabs acknowledging different releases keep the later one.
            sqlx::query(
                "INSERT INTO change_prefs (attendee_id, seen_release) VALUES ($1, $2)
                 ON CONFLICT (attendee_id) DO UPDATE SET seen_release =
                     CASE WHEN change_prefs.seen_release > excluded.seen_release
                          THEN change_prefs.seen_release ELSE excluded.seen_release END",
            )
            .bind(attendee)
            .bind(i64::from(release))
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    async fn change_mail_recipients(&self, edition: &Slug) -> Result<Vec<ChangeRecipient>> {
        on_pool!(self, |pool| {
            let rows = sqlx::query(
                "SELECT a.user_id, u.email, s.guid, m.interested_at
                 FROM change_prefs p
                 JOIN attendees a ON a.id = p.attendee_id
                 JOIN editions e ON e.id = a.edition_id
                 JOIN users u ON u.id = a.user_id
                 JOIN marks m ON m.attendee_id = a.id
                 JOIN sessions s ON s.id = m.session_id
                 WHERE e.slug = $1 AND p.change_mails AND m.interested
                 ORDER BY a.user_id, s.guid",
            )
            .bind(edition.as_str())
            .fetch_all(pool)
            .await?;
            let mut out: Vec<ChangeRecipient> = Vec::new();
            for r in &rows {
                let user = UserId(r.try_get("user_id")?);
                let guid: String = r.try_get("guid")?;
                let guid = Guid::parse(&guid)
                    .map_err(|e| StoreError::invalid(format!("stored GUID {guid}: {e}")))?;
                let at: i64 = r.try_get("interested_at")?;
                match out.last_mut() {
                    Some(last) if last.user == user => last.bookmarks.push((guid, at)),
                    _ => out.push(ChangeRecipient {
                        user,
                        email: r.try_get("email")?,
                        bookmarks: vec![(guid, at)],
                    }),
                }
            }
            Ok(out)
        })
    }

    async fn queue_change_mail(
        &self,
        edition: &Slug,
        user: UserId,
        release: u32,
        mail: &NewMail,
        now: i64,
    ) -> Result<bool> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let attendee = attendee_in!(tx, edition, user);
            // The row is the promise: of two processes mailing the same release, the second
            // waits for the first's commit and then inserts nothing.
            let fresh = sqlx::query(
                "INSERT INTO change_mails (attendee_id, release_number, queued_at)
                 VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            )
            .bind(attendee)
            .bind(i64::from(release))
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if fresh.rows_affected() == 0 {
                return Ok(false);
            }
            sqlx::query(QUEUE_MAIL)
                .bind(&mail.key)
                .bind(&mail.recipient)
                .bind(&mail.subject)
                .bind(&mail.body)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    async fn finish_change_mailing(&self, edition: &Slug, release: u32, now: i64) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO change_mailings (edition_id, release_number, done_at)
                 SELECT id, $2, $3 FROM editions WHERE slug = $1
                 ON CONFLICT DO NOTHING",
            )
            .bind(edition.as_str())
            .bind(i64::from(release))
            .bind(now)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    async fn unmailed_releases(&self) -> Result<Vec<(Slug, u32)>> {
        on_pool!(self, |pool| {
            let rows: Vec<(String, i64)> = sqlx::query_as(
                "SELECT e.slug, r.number FROM releases r JOIN editions e ON e.id = r.edition_id
                 WHERE NOT EXISTS (SELECT 1 FROM change_mailings c
                                   WHERE c.edition_id = r.edition_id AND c.release_number = r.number)
                 ORDER BY r.released_at, r.number",
            )
            .fetch_all(pool)
            .await?;
            rows.into_iter()
                .map(|(slug, n)| {
                    Ok((
                        Slug::parse(&slug).map_err(|e| StoreError::invalid(e.to_string()))?,
                        release_number(n)?,
                    ))
                })
                .collect()
        })
    }

    async fn release_note(&self, edition: &Slug, number: u32) -> Result<ReleaseNote> {
        on_pool!(self, |pool| {
            let row: Option<(i64, String)> = sqlx::query_as(
                "SELECT r.released_at, r.changes FROM releases r
                 JOIN editions e ON e.id = r.edition_id WHERE e.slug = $1 AND r.number = $2",
            )
            .bind(edition.as_str())
            .bind(i64::from(number))
            .fetch_optional(pool)
            .await?;
            let (at, changes) =
                row.ok_or_else(|| StoreError::NotFound(format!("release {number} of {edition}")))?;
            Ok(ReleaseNote {
                number,
                released_at: Timestamp::from_second(at)
                    .map_err(|e| StoreError::invalid(e.to_string()))?,
                changes: serde_json::from_str(&changes)
                    .map_err(|e| StoreError::invalid(format!("stored changes: {e}")))?,
            })
        })
    }
}
