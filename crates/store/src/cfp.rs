//! Calls for papers and speaker profiles. A CFP is written whole (settings, types, tracks,
//! criteria, questions) in one transaction; questions keep their ids, so answers survive edits.

use crate::{Dialect, Result, Store, StoreError, on_pool};
use hallway_domain::cfp::{CallForPapers, CfpTrack, Profile, ProposalType, Question, QuestionKind};
use hallway_domain::review::scores::Criterion;
use hallway_domain::{Slug, UserId};
use jiff::Timestamp;
use sqlx::AssertSqlSafe;

pub trait CfpStore {
    /// Creates or replaces the CFP of `event`. Questions with an id are updated in place (their
    /// answers stay), those without are added, the ones left out are deleted with their answers.
    async fn put_cfp(&self, edition: &Slug, cfp: &CallForPapers, now: i64) -> Result<()>;
    async fn cfp(&self, edition: &Slug, event: &Slug) -> Result<CallForPapers>;
    /// The events of `edition` that have a CFP, in event order.
    async fn cfp_events(&self, edition: &Slug) -> Result<Vec<Slug>>;
    async fn put_profile(&self, user: UserId, profile: &Profile, now: i64) -> Result<()>;
    /// `NotFound` when the account has none yet.
    async fn profile(&self, user: UserId) -> Result<Profile>;
    /// Profiles of these accounts (those that have one), by id.
    async fn profiles(&self, users: &[UserId]) -> Result<Vec<(UserId, Profile)>>;
}

pub(crate) const EVENT_ID: &str =
    "SELECT ev.id FROM events ev JOIN editions e ON e.id = ev.edition_id
     WHERE e.slug = $1 AND ev.slug = $2";

pub(crate) const CFP_ID: &str = "SELECT c.id FROM cfps c JOIN events ev ON ev.id = c.event_id
     JOIN editions e ON e.id = ev.edition_id WHERE e.slug = $1 AND ev.slug = $2";

type CfpRow = (i64, i64, i64, i64, bool, i64, i64, String);
type QuestionRow = (i64, String, String, String, bool, String, String);

fn seconds(t: Timestamp) -> i64 {
    t.as_second()
}

pub(crate) fn instant(s: i64) -> Result<Timestamp> {
    Timestamp::from_second(s).map_err(|e| StoreError::invalid(format!("stored instant {s}: {e}")))
}

pub(crate) fn stored_slug(s: &str) -> Result<Slug> {
    Slug::parse(s).map_err(|e| StoreError::invalid(format!("stored slug {s:?}: {e}")))
}

fn slug_list(s: &str) -> Result<Vec<Slug>> {
    s.split(',')
        .filter(|x| !x.is_empty())
        .map(stored_slug)
        .collect()
}

fn join(slugs: &[Slug]) -> String {
    slugs.iter().map(Slug::as_str).collect::<Vec<_>>().join(",")
}

fn count(n: i64) -> Result<u32> {
    u32::try_from(n).map_err(|_| StoreError::invalid(format!("stored count {n}")))
}

impl CfpStore for Store {
    async fn put_cfp(&self, edition: &Slug, c: &CallForPapers, now: i64) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let event: i64 = sqlx::query_scalar(EVENT_ID)
                .bind(edition.as_str())
                .bind(c.event.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("event {}", c.event)))?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO cfps (event_id, opens_at, closes_at, per_speaker, blind,
                     reviews_per_proposal, reviewer_cap, description, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (event_id) DO UPDATE SET opens_at = excluded.opens_at,
                     closes_at = excluded.closes_at, per_speaker = excluded.per_speaker,
                     blind = excluded.blind, reviews_per_proposal = excluded.reviews_per_proposal,
                     reviewer_cap = excluded.reviewer_cap, description = excluded.description,
                     updated_at = excluded.updated_at
                 RETURNING id",
            )
            .bind(event)
            .bind(seconds(c.opens_at))
            .bind(seconds(c.closes_at))
            .bind(i64::from(c.per_speaker))
            .bind(c.blind)
            .bind(i64::from(c.reviews_per_proposal))
            .bind(i64::from(c.reviewer_cap))
            .bind(&c.description)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            for table in ["cfp_session_types", "cfp_tracks", "cfp_criteria"] {
                sqlx::query(AssertSqlSafe(format!(
                    "DELETE FROM {table} WHERE cfp_id = $1"
                )))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            for (i, t) in c.session_types.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO cfp_session_types (cfp_id, slug, name, minutes, position)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(t.slug.as_str())
                .bind(&t.name)
                .bind(i64::from(t.minutes))
                .bind(i as i64)
                .execute(&mut *tx)
                .await?;
            }
            for (i, t) in c.tracks.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO cfp_tracks (cfp_id, slug, name, position) VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(t.slug.as_str())
                .bind(&t.name)
                .bind(i as i64)
                .execute(&mut *tx)
                .await?;
            }
            for (i, k) in c.criteria.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO cfp_criteria (cfp_id, position, name, weight, max_score)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(i as i64)
                .bind(&k.name)
                .bind(k.weight)
                .bind(i64::from(k.max))
                .execute(&mut *tx)
                .await?;
            }
            // Questions: positions are unique, so park the kept ones out of the way first.
            let kept: Vec<i64> = c.questions.iter().filter_map(|q| q.id).collect();
            let existing: Vec<i64> =
                sqlx::query_scalar("SELECT id FROM cfp_questions WHERE cfp_id = $1")
                    .bind(id)
                    .fetch_all(&mut *tx)
                    .await?;
            if let Some(stray) = kept.iter().find(|k| !existing.contains(k)) {
                return Err(StoreError::NotFound(format!(
                    "question {stray} of this CFP"
                )));
            }
            for old in existing.iter().filter(|e| !kept.contains(e)) {
                sqlx::query("DELETE FROM cfp_questions WHERE id = $1")
                    .bind(old)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("UPDATE cfp_questions SET position = -1 - position WHERE cfp_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for (i, q) in c.questions.iter().enumerate() {
                // `$1` is the question when it exists, the CFP when it is new.
                let sql = match q.id {
                    Some(_) => {
                        "UPDATE cfp_questions SET position = $2, prompt = $3, kind = $4,
                             choices = $5, required = $6, session_types = $7, tracks = $8
                         WHERE id = $1"
                    }
                    None => {
                        "INSERT INTO cfp_questions (cfp_id, position, prompt, kind, choices,
                             required, session_types, tracks)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                    }
                };
                sqlx::query(sql)
                    .bind(q.id.unwrap_or(id))
                    .bind(i as i64)
                    .bind(&q.prompt)
                    .bind(q.kind.as_str())
                    .bind(q.kind.choices_stored())
                    .bind(q.required)
                    .bind(join(&q.session_types))
                    .bind(join(&q.tracks))
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    async fn cfp(&self, edition: &Slug, event: &Slug) -> Result<CallForPapers> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let row: Option<CfpRow> = sqlx::query_as(
                "SELECT c.id, c.opens_at, c.closes_at, c.per_speaker, c.blind,
                        c.reviews_per_proposal, c.reviewer_cap, c.description
                 FROM cfps c JOIN events ev ON ev.id = c.event_id
                 JOIN editions e ON e.id = ev.edition_id WHERE e.slug = $1 AND ev.slug = $2",
            )
            .bind(edition.as_str())
            .bind(event.as_str())
            .fetch_optional(&mut *tx)
            .await?;
            let row =
                row.ok_or_else(|| StoreError::NotFound(format!("a call for papers for {event}")))?;
            let id = row.0;
            let types: Vec<(String, String, i64)> = sqlx::query_as(
                "SELECT slug, name, minutes FROM cfp_session_types WHERE cfp_id = $1 ORDER BY position",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
            let tracks: Vec<(String, String)> = sqlx::query_as(
                "SELECT slug, name FROM cfp_tracks WHERE cfp_id = $1 ORDER BY position",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
            let criteria: Vec<(String, f64, i64)> = sqlx::query_as(
                "SELECT name, weight, max_score FROM cfp_criteria WHERE cfp_id = $1 ORDER BY position",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
            let questions: Vec<QuestionRow> = sqlx::query_as(
                "SELECT id, prompt, kind, choices, required, session_types, tracks
                 FROM cfp_questions WHERE cfp_id = $1 ORDER BY position",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(CallForPapers {
                event: event.clone(),
                opens_at: instant(row.1)?,
                closes_at: instant(row.2)?,
                per_speaker: count(row.3)?,
                blind: row.4,
                reviews_per_proposal: count(row.5)?,
                reviewer_cap: count(row.6)?,
                description: row.7,
                session_types: types
                    .into_iter()
                    .map(|(slug, name, minutes)| {
                        Ok(ProposalType {
                            slug: stored_slug(&slug)?,
                            name,
                            minutes: count(minutes)?,
                        })
                    })
                    .collect::<Result<_>>()?,
                tracks: tracks
                    .into_iter()
                    .map(|(slug, name)| {
                        Ok(CfpTrack {
                            slug: stored_slug(&slug)?,
                            name,
                        })
                    })
                    .collect::<Result<_>>()?,
                criteria: criteria
                    .into_iter()
                    .map(|(name, weight, max)| {
                        Ok(Criterion {
                            name,
                            weight,
                            max: count(max)?,
                        })
                    })
                    .collect::<Result<_>>()?,
                questions: questions
                    .into_iter()
                    .map(|q| {
                        Ok(Question {
                            id: Some(q.0),
                            prompt: q.1,
                            kind: QuestionKind::from_stored(&q.2, &q.3)
                                .map_err(StoreError::invalid)?,
                            required: q.4,
                            session_types: slug_list(&q.5)?,
                            tracks: slug_list(&q.6)?,
                        })
                    })
                    .collect::<Result<_>>()?,
            })
        })
    }

    async fn cfp_events(&self, edition: &Slug) -> Result<Vec<Slug>> {
        on_pool!(self, |pool| {
            let rows: Vec<String> = sqlx::query_scalar(
                "SELECT ev.slug FROM cfps c JOIN events ev ON ev.id = c.event_id
                 JOIN editions e ON e.id = ev.edition_id WHERE e.slug = $1 ORDER BY ev.position",
            )
            .bind(edition.as_str())
            .fetch_all(pool)
            .await?;
            rows.iter().map(|s| stored_slug(s)).collect()
        })
    }

    async fn put_profile(&self, user: UserId, p: &Profile, now: i64) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO speaker_profiles (user_id, name, affiliation, job_role, bio, pronouns,
                     photo_url, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (user_id) DO UPDATE SET name = excluded.name,
                     affiliation = excluded.affiliation, job_role = excluded.job_role,
                     bio = excluded.bio, pronouns = excluded.pronouns,
                     photo_url = excluded.photo_url, updated_at = excluded.updated_at",
            )
            .bind(user.0)
            .bind(&p.name)
            .bind(&p.affiliation)
            .bind(&p.job_role)
            .bind(&p.bio)
            .bind(&p.pronouns)
            .bind(&p.photo_url)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    async fn profile(&self, user: UserId) -> Result<Profile> {
        let mut found = self.profiles(&[user]).await?;
        found
            .pop()
            .map(|(_, p)| p)
            .ok_or_else(|| StoreError::NotFound("speaker profile".into()))
    }

    async fn profiles(&self, users: &[UserId]) -> Result<Vec<(UserId, Profile)>> {
        if users.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT user_id, name, affiliation, job_role, bio, pronouns, photo_url
             FROM speaker_profiles WHERE user_id IN ({}) ORDER BY user_id",
            crate::placeholders(1, users.len())
        );
        on_pool!(self, |pool| {
            let mut q = sqlx::query_as::<_, (i64, String, String, String, String, String, String)>(
                AssertSqlSafe(sql.clone()),
            );
            for u in users {
                q = q.bind(u.0);
            }
            let rows = q.fetch_all(pool).await?;
            Ok(rows
                .into_iter()
                .map(|r| {
                    (
                        UserId(r.0),
                        Profile {
                            name: r.1,
                            affiliation: r.2,
                            job_role: r.3,
                            bio: r.4,
                            pronouns: r.5,
                            photo_url: r.6,
                        },
                    )
                })
                .collect())
        })
    }
}
