//! What a call for papers needs around proposals: editions and events made before any schedule
//! is imported, co-speaker and team invitations (secrets stored as their SHA-256, used once),
//! and the near duplicates found among an edition's proposals.

use crate::cfp::{EVENT_ID, stored_slug};
use crate::{Dialect, Result, Store, StoreError, on_pool};
use hallway_domain::{Edition, Event, Role, Slug, UserId};

/// A pending co-speaker invitation as its link finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpeakerInvitation {
    pub submission: i64,
    pub email: String,
}

/// A team invitation as its link finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamInvitation {
    pub edition: Slug,
    pub event: Option<Slug>,
    pub email: String,
    pub role: Role,
}

/// A pair of proposals whose texts are nearly the same.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicatePair {
    pub first: i64,
    pub second: i64,
    pub similarity: f64,
}

pub trait CfpFlowStore {
    /// A new edition with no schedule; `Conflict` when the slug is taken.
    async fn create_edition(&self, edition: &Edition, now: i64) -> Result<()>;
    /// Adds an event to an edition (after its others); `Conflict` when the slug is taken.
    async fn add_event(&self, edition: &Slug, event: &Event) -> Result<()>;
    /// The events of an edition, in order, whether or not a schedule exists.
    async fn events(&self, edition: &Slug) -> Result<Vec<Event>>;
    /// Records a co-speaker invitation; a second one to the same address replaces the first.
    async fn invite_speaker(
        &self,
        submission: i64,
        email: &str,
        hash: &str,
        by: UserId,
        now: i64,
        expires_at: i64,
    ) -> Result<()>;
    /// The invitation behind a link, while unused and unexpired.
    async fn speaker_invitation(&self, hash: &str, now: i64) -> Result<SpeakerInvitation>;
    /// Marks the invitation used: exactly one of two racing uses wins, the other is `NotFound`.
    async fn use_speaker_invitation(&self, hash: &str, now: i64) -> Result<SpeakerInvitation>;
    async fn invite_team(
        &self,
        invitation: &TeamInvitation,
        hash: &str,
        by: Option<UserId>,
        now: i64,
        expires_at: i64,
    ) -> Result<()>;
    async fn use_team_invitation(&self, hash: &str, now: i64) -> Result<TeamInvitation>;
    /// Pending team invitations of an edition: `(email, role, event)`.
    async fn team_invitations(&self, edition: &Slug, now: i64) -> Result<Vec<TeamInvitation>>;
    /// The events of other editions partnered with an edition's events, either way round:
    /// `(edition, event)`.
    async fn partner_events(&self, edition: &Slug) -> Result<Vec<(Slug, Slug)>>;
    /// Replaces the pairs that involve any of `among` with `pairs`.
    async fn put_near_duplicates(&self, among: &[i64], pairs: &[DuplicatePair]) -> Result<()>;
    /// The pairs with a proposal of the edition on either side.
    async fn near_duplicates(&self, edition: &Slug) -> Result<Vec<DuplicatePair>>;
}

impl CfpFlowStore for Store {
    async fn partner_events(&self, edition: &Slug) -> Result<Vec<(Slug, Slug)>> {
        let rows: Vec<(String, String)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT DISTINCT e2.slug, ev2.slug FROM partner_events p
                 JOIN events ev ON ev.id IN (p.event_id, p.partner_id)
                 JOIN editions e ON e.id = ev.edition_id
                 JOIN events ev2 ON ev2.id IN (p.event_id, p.partner_id) AND ev2.id <> ev.id
                 JOIN editions e2 ON e2.id = ev2.edition_id
                 WHERE e.slug = $1 AND e2.id <> e.id ORDER BY e2.slug, ev2.slug",
            )
            .bind(edition.as_str())
            .fetch_all(pool)
            .await?
        });
        rows.iter()
            .map(|(e, v)| Ok((stored_slug(e)?, stored_slug(v)?)))
            .collect()
    }

    async fn create_edition(&self, e: &Edition, now: i64) -> Result<()> {
        on_pool!(self, |pool| {
            let done = sqlx::query(
                "INSERT INTO editions (slug, name, venue, time_zone, start_date, end_date, day_change, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (slug) DO NOTHING",
            )
            .bind(e.slug.as_str())
            .bind(&e.name)
            .bind(&e.venue)
            .bind(&e.time_zone)
            .bind(e.start_date.to_string())
            .bind(e.end_date.to_string())
            .bind(e.day_change.to_string())
            .bind(now)
            .execute(pool)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict(format!(
                    "an edition {} exists already",
                    e.slug
                )));
            }
            Ok(())
        })
    }

    async fn add_event(&self, edition: &Slug, ev: &Event) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query_scalar("SELECT id FROM editions WHERE slug = $1")
                .bind(edition.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("edition {edition}")))?;
            let done = sqlx::query(
                "INSERT INTO events (edition_id, slug, name, kind, start_date, end_date, position)
                 SELECT $1, $2, $3, $4, $5, $6, COALESCE(MAX(position) + 1, 0)
                 FROM events WHERE edition_id = $1
                 ON CONFLICT (edition_id, slug) DO NOTHING",
            )
            .bind(id)
            .bind(ev.slug.as_str())
            .bind(&ev.name)
            .bind(ev.kind.as_str())
            .bind(ev.start_date.to_string())
            .bind(ev.end_date.to_string())
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict(format!(
                    "{edition} has an event {} already",
                    ev.slug
                )));
            }
            tx.commit().await?;
            Ok(())
        })
    }

    async fn events(&self, edition: &Slug) -> Result<Vec<Event>> {
        let rows: Vec<(String, String, String, String, String)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT ev.slug, ev.name, ev.kind, ev.start_date, ev.end_date FROM events ev
                 JOIN editions e ON e.id = ev.edition_id WHERE e.slug = $1 ORDER BY ev.position",
            )
            .bind(edition.as_str())
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(slug, name, kind, start, end)| {
                Ok(Event {
                    slug: stored_slug(&slug)?,
                    name,
                    kind: kind.parse().map_err(StoreError::invalid)?,
                    start_date: crate::editions::parse_date(&start)?,
                    end_date: crate::editions::parse_date(&end)?,
                })
            })
            .collect()
    }

    async fn invite_speaker(
        &self,
        submission: i64,
        email: &str,
        hash: &str,
        by: UserId,
        now: i64,
        expires_at: i64,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "DELETE FROM speaker_invitations WHERE submission_id = $1 AND email = $2
                 AND accepted_at IS NULL",
            )
            .bind(submission)
            .bind(email)
            .execute(&mut *tx)
            .await?;
            let done = sqlx::query(
                "INSERT INTO speaker_invitations (hash, submission_id, email, invited_by, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (submission_id, email) DO NOTHING",
            )
            .bind(hash)
            .bind(submission)
            .bind(email)
            .bind(by.0)
            .bind(now)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict(format!(
                    "{email} accepted an invitation to this proposal already"
                )));
            }
            tx.commit().await?;
            Ok(())
        })
    }

    async fn speaker_invitation(&self, hash: &str, now: i64) -> Result<SpeakerInvitation> {
        let row: Option<(i64, String)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT submission_id, email FROM speaker_invitations
                 WHERE hash = $1 AND accepted_at IS NULL AND expires_at > $2",
            )
            .bind(hash)
            .bind(now)
            .fetch_optional(pool)
            .await?
        });
        row.map(|(submission, email)| SpeakerInvitation { submission, email })
            .ok_or_else(|| StoreError::NotFound("invitation".into()))
    }

    async fn use_speaker_invitation(&self, hash: &str, now: i64) -> Result<SpeakerInvitation> {
        let row: Option<(i64, String)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "UPDATE speaker_invitations SET accepted_at = $2
                 WHERE hash = $1 AND accepted_at IS NULL AND expires_at > $2
                 RETURNING submission_id, email",
            )
            .bind(hash)
            .bind(now)
            .fetch_optional(pool)
            .await?
        });
        row.map(|(submission, email)| SpeakerInvitation { submission, email })
            .ok_or_else(|| StoreError::NotFound("invitation".into()))
    }

    async fn invite_team(
        &self,
        inv: &TeamInvitation,
        hash: &str,
        by: Option<UserId>,
        now: i64,
        expires_at: i64,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query_scalar("SELECT id FROM editions WHERE slug = $1")
                .bind(inv.edition.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("edition {}", inv.edition)))?;
            if let Some(event) = &inv.event {
                let known: Option<i64> = sqlx::query_scalar(EVENT_ID)
                    .bind(inv.edition.as_str())
                    .bind(event.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
                known.ok_or_else(|| StoreError::NotFound(format!("event {event}")))?;
            }
            sqlx::query(
                "INSERT INTO team_invitations (hash, edition_id, event, email, role, tracks,
                     invited_by, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(hash)
            .bind(id)
            .bind(inv.event.as_ref().map_or("", Slug::as_str))
            .bind(&inv.email)
            .bind(inv.role.kind())
            .bind(inv.role.tracks().map(|t| t.to_stored()).unwrap_or_default())
            .bind(by.map(|u| u.0))
            .bind(now)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    async fn use_team_invitation(&self, hash: &str, now: i64) -> Result<TeamInvitation> {
        let row: Option<(i64, String, String, String, String)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "UPDATE team_invitations SET accepted_at = $2
                 WHERE hash = $1 AND accepted_at IS NULL AND expires_at > $2
                 RETURNING edition_id, event, email, role, tracks",
            )
            .bind(hash)
            .bind(now)
            .fetch_optional(pool)
            .await?
        });
        let (edition_id, event, email, role, tracks) =
            row.ok_or_else(|| StoreError::NotFound("invitation".into()))?;
        let edition: String = on_pool!(self, |pool| {
            sqlx::query_scalar("SELECT slug FROM editions WHERE id = $1")
                .bind(edition_id)
                .fetch_one(pool)
                .await?
        });
        team_invitation(&edition, &event, email, &role, &tracks)
    }

    async fn team_invitations(&self, edition: &Slug, now: i64) -> Result<Vec<TeamInvitation>> {
        let rows: Vec<(String, String, String, String)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT t.event, t.email, t.role, t.tracks FROM team_invitations t
                 JOIN editions e ON e.id = t.edition_id
                 WHERE e.slug = $1 AND t.accepted_at IS NULL AND t.expires_at > $2
                 ORDER BY t.created_at, t.email",
            )
            .bind(edition.as_str())
            .bind(now)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(event, email, role, tracks)| {
                team_invitation(edition.as_str(), &event, email, &role, &tracks)
            })
            .collect()
    }

    async fn put_near_duplicates(&self, among: &[i64], pairs: &[DuplicatePair]) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            for id in among {
                sqlx::query("DELETE FROM near_duplicates WHERE first_id = $1 OR second_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            for p in pairs {
                sqlx::query(
                    "INSERT INTO near_duplicates (first_id, second_id, similarity) VALUES ($1, $2, $3)
                     ON CONFLICT (first_id, second_id) DO UPDATE SET similarity = excluded.similarity",
                )
                .bind(p.first.min(p.second))
                .bind(p.first.max(p.second))
                .bind(p.similarity)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    async fn near_duplicates(&self, edition: &Slug) -> Result<Vec<DuplicatePair>> {
        let rows: Vec<(i64, i64, f64)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT d.first_id, d.second_id, d.similarity FROM near_duplicates d
                 WHERE EXISTS (SELECT 1 FROM submissions s JOIN cfps c ON c.id = s.cfp_id
                     JOIN events ev ON ev.id = c.event_id JOIN editions e ON e.id = ev.edition_id
                     WHERE s.id IN (d.first_id, d.second_id) AND e.slug = $1)
                 ORDER BY d.similarity DESC, d.first_id, d.second_id",
            )
            .bind(edition.as_str())
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(first, second, similarity)| DuplicatePair {
                first,
                second,
                similarity,
            })
            .collect())
    }
}

fn team_invitation(
    edition: &str,
    event: &str,
    email: String,
    role: &str,
    tracks: &str,
) -> Result<TeamInvitation> {
    Ok(TeamInvitation {
        edition: stored_slug(edition)?,
        event: if event.is_empty() {
            None
        } else {
            Some(stored_slug(event)?)
        },
        email,
        role: Role::from_stored(role, tracks).map_err(|e| StoreError::invalid(e.to_string()))?,
    })
}
