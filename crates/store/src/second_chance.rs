//! A second chance for rejected proposals: an event names its partner events; the speakers of
//! a rejected proposal agree to forward it to one; once all have, the partner's organizers see
//! it and may import it (the import itself is `create_submission` with `forwarded_from`, which
//! records it, once).

use crate::cfp::{EVENT_ID, stored_slug};
use crate::{Dialect, Result, Store, StoreError, on_pool};
use hallway_domain::{Slug, UserId};

/// An event named by its edition and its own slug.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventRef {
    pub edition: Slug,
    pub event: Slug,
}

/// A rejected proposal every speaker agreed to forward to a partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forwarded {
    pub submission: i64,
    pub from: EventRef,
    pub agreed_at: i64,
    /// The proposal it became at the partner, once imported.
    pub imported_as: Option<i64>,
}

pub trait SecondChanceStore {
    /// Replaces the partners of an event.
    async fn set_partners(&self, event: &EventRef, partners: &[EventRef]) -> Result<()>;
    async fn partners(&self, event: &EventRef) -> Result<Vec<EventRef>>;
    /// Records `user`'s agreement, if the proposal is still rejected, the user one of its
    /// speakers, and `partner` a partner of its event; agreeing twice changes nothing.
    async fn agree_to_forward(
        &self,
        submission: i64,
        partner: &EventRef,
        user: UserId,
        now: i64,
    ) -> Result<()>;
    /// The partners each speaker of a proposal agreed to, `(partner, user)`.
    async fn forward_consents(&self, submission: i64) -> Result<Vec<(EventRef, UserId)>>;
    /// The proposals forwarded to `partner` by all their speakers, oldest first.
    async fn forwarded_to(&self, partner: &EventRef) -> Result<Vec<Forwarded>>;
}

impl SecondChanceStore for Store {
    async fn set_partners(&self, event: &EventRef, partners: &[EventRef]) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query_scalar(EVENT_ID)
                .bind(event.edition.as_str())
                .bind(event.event.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| not_found(event))?;
            sqlx::query("DELETE FROM partner_events WHERE event_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for p in partners {
                let partner: i64 = sqlx::query_scalar(EVENT_ID)
                    .bind(p.edition.as_str())
                    .bind(p.event.as_str())
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| not_found(p))?;
                if partner == id {
                    return Err(StoreError::Conflict(
                        "an event cannot be its own partner".into(),
                    ));
                }
                sqlx::query(
                    "INSERT INTO partner_events (event_id, partner_id) VALUES ($1, $2)
                     ON CONFLICT DO NOTHING",
                )
                .bind(id)
                .bind(partner)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    async fn partners(&self, event: &EventRef) -> Result<Vec<EventRef>> {
        on_pool!(self, |pool| {
            let rows: Vec<(String, String)> = sqlx::query_as(
                "SELECT pe.slug, p.slug FROM partner_events x
                 JOIN events ev ON ev.id = x.event_id JOIN editions e ON e.id = ev.edition_id
                 JOIN events p ON p.id = x.partner_id JOIN editions pe ON pe.id = p.edition_id
                 WHERE e.slug = $1 AND ev.slug = $2 ORDER BY pe.slug, p.position",
            )
            .bind(event.edition.as_str())
            .bind(event.event.as_str())
            .fetch_all(pool)
            .await?;
            rows.iter().map(|(e, v)| event_ref(e, v)).collect()
        })
    }

    async fn agree_to_forward(
        &self,
        submission: i64,
        partner: &EventRef,
        user: UserId,
        now: i64,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let partner_id: i64 = sqlx::query_scalar(EVENT_ID)
                .bind(partner.edition.as_str())
                .bind(partner.event.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| not_found(partner))?;
            // One statement checks it all, so a decision revised meanwhile cannot slip by.
            let done = sqlx::query(
                "INSERT INTO forward_consents (submission_id, partner_id, user_id, agreed_at)
                 SELECT s.id, x.partner_id, ss.user_id, $4
                 FROM submissions s
                 JOIN cfps c ON c.id = s.cfp_id
                 JOIN partner_events x ON x.event_id = c.event_id AND x.partner_id = $2
                 JOIN submission_speakers ss ON ss.submission_id = s.id AND ss.user_id = $3
                 WHERE s.id = $1 AND s.status = 'rejected'
                 ON CONFLICT DO NOTHING",
            )
            .bind(submission)
            .bind(partner_id)
            .bind(user.0)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                let already: Option<i64> = sqlx::query_scalar(
                    "SELECT agreed_at FROM forward_consents
                     WHERE submission_id = $1 AND partner_id = $2 AND user_id = $3",
                )
                .bind(submission)
                .bind(partner_id)
                .bind(user.0)
                .fetch_optional(&mut *tx)
                .await?;
                if already.is_none() {
                    return Err(StoreError::Conflict(format!(
                        "this proposal cannot be forwarded to {}/{}: it must be rejected, \
                         yours, and its event must name that partner",
                        partner.edition, partner.event
                    )));
                }
            }
            tx.commit().await?;
            Ok(())
        })
    }

    async fn forward_consents(&self, submission: i64) -> Result<Vec<(EventRef, UserId)>> {
        on_pool!(self, |pool| {
            let rows: Vec<(String, String, i64)> = sqlx::query_as(
                "SELECT e.slug, ev.slug, f.user_id FROM forward_consents f
                 JOIN events ev ON ev.id = f.partner_id JOIN editions e ON e.id = ev.edition_id
                 WHERE f.submission_id = $1 ORDER BY e.slug, ev.slug, f.user_id",
            )
            .bind(submission)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|(e, v, u)| Ok((event_ref(e, v)?, UserId(*u))))
                .collect()
        })
    }

    async fn forwarded_to(&self, partner: &EventRef) -> Result<Vec<Forwarded>> {
        on_pool!(self, |pool| {
            // Every current speaker agreed: no speaker without a consent row for this partner.
            let rows: Vec<(i64, String, String, i64, Option<i64>)> = sqlx::query_as(
                "SELECT s.id, e.slug, ev.slug, MAX(f.agreed_at), MAX(i.imported_as)
                 FROM forward_consents f
                 JOIN events p ON p.id = f.partner_id JOIN editions pe ON pe.id = p.edition_id
                 JOIN submissions s ON s.id = f.submission_id
                 JOIN cfps c ON c.id = s.cfp_id
                 JOIN events ev ON ev.id = c.event_id JOIN editions e ON e.id = ev.edition_id
                 LEFT JOIN forward_imports i
                     ON i.submission_id = s.id AND i.partner_id = f.partner_id
                 WHERE pe.slug = $1 AND p.slug = $2 AND s.status = 'rejected'
                   AND NOT EXISTS (
                     SELECT 1 FROM submission_speakers ss
                     WHERE ss.submission_id = s.id AND NOT EXISTS (
                         SELECT 1 FROM forward_consents g
                         WHERE g.submission_id = s.id AND g.partner_id = f.partner_id
                           AND g.user_id = ss.user_id))
                 GROUP BY s.id, e.slug, ev.slug ORDER BY MAX(f.agreed_at), s.id",
            )
            .bind(partner.edition.as_str())
            .bind(partner.event.as_str())
            .fetch_all(pool)
            .await?;
            rows.into_iter()
                .map(|r| {
                    Ok(Forwarded {
                        submission: r.0,
                        from: event_ref(&r.1, &r.2)?,
                        agreed_at: r.3,
                        imported_as: r.4,
                    })
                })
                .collect()
        })
    }
}

fn event_ref(edition: &str, event: &str) -> Result<EventRef> {
    Ok(EventRef {
        edition: stored_slug(edition)?,
        event: stored_slug(event)?,
    })
}

fn not_found(e: &EventRef) -> StoreError {
    StoreError::NotFound(format!("event {}/{}", e.edition, e.event))
}
