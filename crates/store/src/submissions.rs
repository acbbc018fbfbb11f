//! Proposals: written with their speakers and answers in one transaction; every change of state
//! is a compare-and-set on the state it started from, logged, with its mail queued in the same
//! transaction, so two co-chairs deciding at once cannot both win and no mail is sent for a
//! change that did not happen.

use crate::cfp::{CFP_ID, instant, stored_slug};
use crate::outbox::NewMail;
use crate::{Dialect, Result, Store, StoreError, on_pool};
use hallway_domain::cfp::{ProposalText, Submission};
use hallway_domain::submission::Status;
use hallway_domain::{Slug, UserId};
use sqlx::AssertSqlSafe;

/// A proposal to write.
#[derive(Debug, Clone)]
pub struct NewSubmission<'a> {
    pub edition: &'a Slug,
    pub event: &'a Slug,
    pub code: &'a str,
    /// The first one submits; all count against the CFP's limit per speaker.
    pub speakers: &'a [UserId],
    pub text: &'a ProposalText,
    /// Checked answers, `(question id, value)`.
    pub answers: &'a [(i64, String)],
    pub status: Status,
    /// Proposals a speaker may be on in this CFP.
    pub per_speaker: u32,
    pub forwarded_from: Option<i64>,
}

/// One change of state: from what it must still be, to what, by whom, and the mail it sends.
#[derive(Debug, Clone)]
pub struct Transition {
    pub submission: i64,
    pub from: Status,
    pub to: Status,
    /// What happened, for the log (`submit`, `accept`, ...).
    pub action: &'static str,
    pub by: Option<UserId>,
    pub mails: Vec<NewMail>,
}

/// A line of a proposal's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub at: i64,
    pub by: Option<UserId>,
    pub action: String,
    pub from: String,
    pub to: String,
}

pub trait SubmissionStore {
    /// Writes a proposal; refused when one of its speakers would be on more proposals of the
    /// CFP than it allows (withdrawn ones do not count).
    async fn create_submission(&self, new: &NewSubmission<'_>, now: i64) -> Result<Submission>;
    /// Replaces the text and answers while the proposal is still in `editable` states.
    async fn update_submission(
        &self,
        id: i64,
        text: &ProposalText,
        answers: &[(i64, String)],
        editable: &[Status],
        now: i64,
    ) -> Result<()>;
    async fn submission(&self, code: &str) -> Result<Submission>;
    async fn submission_by_id(&self, id: i64) -> Result<Submission>;
    /// Every proposal of an event's CFP, oldest first: two queries, whatever the count.
    async fn submissions(&self, edition: &Slug, event: &Slug) -> Result<Vec<Submission>>;
    /// The proposals `user` is a speaker of, newest first.
    async fn submissions_of(&self, user: UserId) -> Result<Vec<Submission>>;
    async fn answers(&self, id: i64) -> Result<Vec<(i64, String)>>;
    /// Applies every transition or none: one that finds its proposal no longer in `from` is a
    /// conflict naming the state it is in now.
    async fn transition(&self, changes: &[Transition], now: i64) -> Result<()>;
    /// Adds a speaker, within the CFP's limit per speaker.
    async fn add_speaker(&self, id: i64, user: UserId, per_speaker: u32, now: i64) -> Result<()>;
    async fn submission_log(&self, id: i64) -> Result<Vec<LogEntry>>;
    /// The work-in-progress session a confirmed proposal became.
    async fn set_session_guid(&self, id: i64, guid: &str) -> Result<()>;
    /// Accounts that spoke at an edition that began before `edition` (an accepted or confirmed
    /// proposal there).
    async fn earlier_speakers(&self, edition: &Slug) -> Result<Vec<UserId>>;
    /// Proposals accepted before `before` and still not confirmed, with when they were
    /// accepted and their speakers' e-mail addresses.
    async fn unconfirmed(&self, before: i64) -> Result<Vec<(Submission, i64, Vec<String>)>>;
}

pub(crate) const COLUMNS: &str =
    "s.id, s.code, e.slug, ev.slug, s.title, s.abstract, s.notes, s.session_type,
     s.track, s.status, s.created_at, s.updated_at, s.session_guid, s.forwarded_from";
pub(crate) const FROM: &str = "FROM submissions s JOIN cfps c ON c.id = s.cfp_id
     JOIN events ev ON ev.id = c.event_id JOIN editions e ON e.id = ev.edition_id";

pub(crate) type Row = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    i64,
    Option<String>,
    Option<i64>,
);

/// Statuses that count against the limit per speaker.
const COUNTED: &str = "s.status NOT IN ('withdrawn', 'draft')";

pub(crate) const QUEUE_MAIL: &str = "INSERT INTO outbox (idempotency_key, recipient, subject, body,
         state, next_attempt_at, created_at)
     VALUES ($1, $2, $3, $4, 'queued', $5, $5) ON CONFLICT (idempotency_key) DO NOTHING";

pub(crate) fn from_row(r: Row, speakers: Vec<UserId>) -> Result<Submission> {
    Ok(Submission {
        id: r.0,
        code: r.1,
        edition: stored_slug(&r.2)?,
        event: stored_slug(&r.3)?,
        title: r.4,
        abstract_: r.5,
        notes: r.6,
        session_type: stored_slug(&r.7)?,
        track: stored_slug(&r.8)?,
        status: r.9.parse().map_err(StoreError::invalid)?,
        speakers,
        created_at: instant(r.10)?,
        updated_at: instant(r.11)?,
        session_guid: r.12,
        forwarded_from: r.13,
    })
}

/// Takes an account's row lock (PostgreSQL; SQLite's write transaction already excludes
/// other writers): counts per speaker are taken under it.
const LOCK_USER: &str = "SELECT id FROM users WHERE id = $1";

fn over_limit(per_speaker: u32) -> StoreError {
    StoreError::Conflict(format!(
        "a speaker is already on {per_speaker} proposals to this call for papers, the most it takes"
    ))
}

impl Store {
    async fn with_speakers(&self, rows: Vec<Row>) -> Result<Vec<Submission>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
        let mut all: Vec<(i64, i64)> = Vec::new();
        // Bounded IN lists: a CFP of thousands of proposals is read in a few round trips.
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT submission_id, user_id FROM submission_speakers
                 WHERE submission_id IN ({}) ORDER BY submission_id, position",
                crate::placeholders(1, chunk.len())
            );
            let part: Vec<(i64, i64)> = on_pool!(self, |pool| {
                let mut q = sqlx::query_as(AssertSqlSafe(sql.clone()));
                for id in chunk {
                    q = q.bind(id);
                }
                q.fetch_all(pool).await?
            });
            all.extend(part);
        }
        let mut by_submission: std::collections::HashMap<i64, Vec<UserId>> =
            std::collections::HashMap::new();
        for (s, u) in all {
            by_submission.entry(s).or_default().push(UserId(u));
        }
        rows.into_iter()
            .map(|r| {
                let speakers = by_submission.remove(&r.0).unwrap_or_default();
                from_row(r, speakers)
            })
            .collect()
    }
}

impl SubmissionStore for Store {
    async fn create_submission(&self, n: &NewSubmission<'_>, now: i64) -> Result<Submission> {
        let id = on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let cfp: i64 = sqlx::query_scalar(CFP_ID)
                .bind(n.edition.as_str())
                .bind(n.event.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| {
                    StoreError::NotFound(format!("a call for papers for {}", n.event))
                })?;
            // Each speaker's account row is the lock their count is taken under, in id order
            // so two proposals sharing speakers cannot deadlock.
            let mut locked: Vec<i64> = n.speakers.iter().map(|u| u.0).collect();
            locked.sort_unstable();
            for user in &locked {
                sqlx::query(AssertSqlSafe(format!("{LOCK_USER}{}", pool.for_update())))
                    .bind(user)
                    .execute(&mut *tx)
                    .await?;
            }
            for speaker in n.speakers {
                let on: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
                    "SELECT COUNT(*) FROM submission_speakers ss
                     JOIN submissions s ON s.id = ss.submission_id
                     WHERE ss.user_id = $1 AND s.cfp_id = $2 AND {COUNTED}"
                )))
                .bind(speaker.0)
                .bind(cfp)
                .fetch_one(&mut *tx)
                .await?;
                if n.status != Status::Draft && on >= i64::from(n.per_speaker) {
                    return Err(over_limit(n.per_speaker));
                }
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO submissions (cfp_id, code, title, abstract, notes, session_type, track,
                     status, created_at, updated_at, forwarded_from)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id",
            )
            .bind(cfp)
            .bind(n.code)
            .bind(&n.text.title)
            .bind(&n.text.abstract_)
            .bind(&n.text.notes)
            .bind(n.text.session_type.as_str())
            .bind(n.text.track.as_str())
            .bind(n.status.as_str())
            .bind(now)
            .bind(n.forwarded_from)
            .fetch_one(&mut *tx)
            .await?;
            for (i, speaker) in n.speakers.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO submission_speakers (submission_id, user_id, position)
                     VALUES ($1, $2, $3)",
                )
                .bind(id)
                .bind(speaker.0)
                .bind(i as i64)
                .execute(&mut *tx)
                .await?;
            }
            for (question, value) in n.answers {
                sqlx::query(
                    "INSERT INTO submission_answers (submission_id, question_id, value)
                     VALUES ($1, $2, $3)",
                )
                .bind(id)
                .bind(question)
                .bind(value)
                .execute(&mut *tx)
                .await?;
            }
            if let Some(original) = n.forwarded_from {
                // The key makes a second import of the same proposal a conflict.
                sqlx::query(
                    "INSERT INTO forward_imports (submission_id, partner_id, imported_as, imported_at)
                     SELECT $1, event_id, $2, $3 FROM cfps WHERE id = $4",
                )
                .bind(original)
                .bind(id)
                .bind(now)
                .bind(cfp)
                .execute(&mut *tx)
                .await
                .map_err(|e| match StoreError::from(e) {
                    StoreError::Conflict(_) => {
                        StoreError::Conflict("this proposal was imported here already".into())
                    }
                    other => other,
                })?;
            }
            sqlx::query(
                "INSERT INTO submission_log (submission_id, at, user_id, action, from_status, to_status)
                 VALUES ($1, $2, $3, 'create', '', $4)",
            )
            .bind(id)
            .bind(now)
            .bind(n.speakers.first().map(|u| u.0))
            .bind(n.status.as_str())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            id
        });
        self.submission_by_id(id).await
    }

    async fn update_submission(
        &self,
        id: i64,
        text: &ProposalText,
        answers: &[(i64, String)],
        editable: &[Status],
        now: i64,
    ) -> Result<()> {
        let states = editable
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let done = sqlx::query(AssertSqlSafe(format!(
                "UPDATE submissions SET title = $1, abstract = $2, notes = $3, session_type = $4,
                     track = $5, updated_at = $6
                 WHERE id = $7 AND status IN ({states})"
            )))
            .bind(&text.title)
            .bind(&text.abstract_)
            .bind(&text.notes)
            .bind(text.session_type.as_str())
            .bind(text.track.as_str())
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                let status: Option<String> =
                    sqlx::query_scalar("SELECT status FROM submissions WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await?;
                return Err(match status {
                    None => StoreError::NotFound("proposal".into()),
                    Some(s) => StoreError::Conflict(format!("a {s} proposal cannot be edited")),
                });
            }
            sqlx::query("DELETE FROM submission_answers WHERE submission_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for (question, value) in answers {
                sqlx::query(
                    "INSERT INTO submission_answers (submission_id, question_id, value)
                     VALUES ($1, $2, $3)",
                )
                .bind(id)
                .bind(question)
                .bind(value)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    async fn submission(&self, code: &str) -> Result<Submission> {
        let sql = format!("SELECT {COLUMNS} {FROM} WHERE s.code = $1");
        let row: Option<Row> = on_pool!(self, |pool| {
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(code)
                .fetch_optional(pool)
                .await?
        });
        let row = row.ok_or_else(|| StoreError::NotFound("proposal".into()))?;
        Ok(self.with_speakers(vec![row]).await?.remove(0))
    }

    async fn submission_by_id(&self, id: i64) -> Result<Submission> {
        let sql = format!("SELECT {COLUMNS} {FROM} WHERE s.id = $1");
        let row: Option<Row> = on_pool!(self, |pool| {
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        let row = row.ok_or_else(|| StoreError::NotFound("proposal".into()))?;
        Ok(self.with_speakers(vec![row]).await?.remove(0))
    }

    async fn submissions(&self, edition: &Slug, event: &Slug) -> Result<Vec<Submission>> {
        let sql =
            format!("SELECT {COLUMNS} {FROM} WHERE e.slug = $1 AND ev.slug = $2 ORDER BY s.id");
        let rows: Vec<Row> = on_pool!(self, |pool| {
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(edition.as_str())
                .bind(event.as_str())
                .fetch_all(pool)
                .await?
        });
        self.with_speakers(rows).await
    }

    async fn submissions_of(&self, user: UserId) -> Result<Vec<Submission>> {
        let sql = format!(
            "SELECT {COLUMNS} {FROM} WHERE s.id IN
                 (SELECT submission_id FROM submission_speakers WHERE user_id = $1)
             ORDER BY s.id DESC"
        );
        let rows: Vec<Row> = on_pool!(self, |pool| {
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(user.0)
                .fetch_all(pool)
                .await?
        });
        self.with_speakers(rows).await
    }

    async fn answers(&self, id: i64) -> Result<Vec<(i64, String)>> {
        on_pool!(self, |pool| {
            Ok(sqlx::query_as(
                "SELECT a.question_id, a.value FROM submission_answers a
                 JOIN cfp_questions q ON q.id = a.question_id
                 WHERE a.submission_id = $1 ORDER BY q.position",
            )
            .bind(id)
            .fetch_all(pool)
            .await?)
        })
    }

    async fn transition(&self, changes: &[Transition], now: i64) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            for t in changes {
                let done = sqlx::query(
                    "UPDATE submissions SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
                )
                .bind(t.to.as_str())
                .bind(now)
                .bind(t.submission)
                .bind(t.from.as_str())
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    let row: Option<(String, String)> =
                        sqlx::query_as("SELECT code, status FROM submissions WHERE id = $1")
                            .bind(t.submission)
                            .fetch_optional(&mut *tx)
                            .await?;
                    return Err(match row {
                        None => StoreError::NotFound("proposal".into()),
                        Some((code, status)) => StoreError::Conflict(format!(
                            "proposal {code} is {status} now, no longer {}: reload and decide again",
                            t.from
                        )),
                    });
                }
                sqlx::query(
                    "INSERT INTO submission_log (submission_id, at, user_id, action, from_status, to_status)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(t.submission)
                .bind(now)
                .bind(t.by.map(|u| u.0))
                .bind(t.action)
                .bind(t.from.as_str())
                .bind(t.to.as_str())
                .execute(&mut *tx)
                .await?;
                for m in &t.mails {
                    sqlx::query(QUEUE_MAIL)
                        .bind(&m.key)
                        .bind(&m.recipient)
                        .bind(&m.subject)
                        .bind(&m.body)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await?;
            Ok(())
        })
    }

    async fn add_speaker(&self, id: i64, user: UserId, per_speaker: u32, now: i64) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let cfp: Option<(i64, String)> = sqlx::query_as(AssertSqlSafe(format!(
                "SELECT cfp_id, status FROM submissions WHERE id = $1{}",
                pool.for_update()
            )))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let (cfp, status) = cfp.ok_or_else(|| StoreError::NotFound("proposal".into()))?;
            sqlx::query(AssertSqlSafe(format!("{LOCK_USER}{}", pool.for_update())))
                .bind(user.0)
                .execute(&mut *tx)
                .await?;
            let on: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
                "SELECT COUNT(*) FROM submission_speakers ss
                 JOIN submissions s ON s.id = ss.submission_id
                 WHERE ss.user_id = $1 AND s.cfp_id = $2 AND {COUNTED}"
            )))
            .bind(user.0)
            .bind(cfp)
            .fetch_one(&mut *tx)
            .await?;
            if status != "draft" && on >= i64::from(per_speaker) {
                return Err(over_limit(per_speaker));
            }
            let done = sqlx::query(
                "INSERT INTO submission_speakers (submission_id, user_id, position)
                 SELECT $1, $2, COALESCE(MAX(position) + 1, 0) FROM submission_speakers
                 WHERE submission_id = $1
                 ON CONFLICT (submission_id, user_id) DO NOTHING",
            )
            .bind(id)
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 1 {
                sqlx::query(
                    "INSERT INTO submission_log (submission_id, at, user_id, action, from_status, to_status)
                     VALUES ($1, $2, $3, 'add speaker', $4, $4)",
                )
                .bind(id)
                .bind(now)
                .bind(user.0)
                .bind(&status)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    async fn submission_log(&self, id: i64) -> Result<Vec<LogEntry>> {
        on_pool!(self, |pool| {
            let rows: Vec<(i64, Option<i64>, String, String, String)> = sqlx::query_as(
                "SELECT at, user_id, action, from_status, to_status FROM submission_log
                 WHERE submission_id = $1 ORDER BY id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            Ok(rows
                .into_iter()
                .map(|r| LogEntry {
                    at: r.0,
                    by: r.1.map(UserId),
                    action: r.2,
                    from: r.3,
                    to: r.4,
                })
                .collect())
        })
    }

    async fn set_session_guid(&self, id: i64, guid: &str) -> Result<()> {
        on_pool!(self, |pool| {
            let done = sqlx::query("UPDATE submissions SET session_guid = $1 WHERE id = $2")
                .bind(guid)
                .bind(id)
                .execute(pool)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound("proposal".into()));
            }
            Ok(())
        })
    }

    async fn earlier_speakers(&self, edition: &Slug) -> Result<Vec<UserId>> {
        on_pool!(self, |pool| {
            let rows: Vec<i64> = sqlx::query_scalar(
                "SELECT DISTINCT ss.user_id FROM submission_speakers ss
                 JOIN submissions s ON s.id = ss.submission_id
                 JOIN cfps c ON c.id = s.cfp_id JOIN events ev ON ev.id = c.event_id
                 JOIN editions e ON e.id = ev.edition_id
                 WHERE s.status IN ('accepted', 'confirmed', 'canceled')
                   AND e.start_date < (SELECT start_date FROM editions WHERE slug = $1)
                 ORDER BY ss.user_id",
            )
            .bind(edition.as_str())
            .fetch_all(pool)
            .await?;
            Ok(rows.into_iter().map(UserId).collect())
        })
    }

    async fn unconfirmed(&self, before: i64) -> Result<Vec<(Submission, i64, Vec<String>)>> {
        let ids: Vec<(i64, i64)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT s.id, MAX(l.at) FROM submissions s
                 JOIN submission_log l ON l.submission_id = s.id AND l.to_status = 'accepted'
                 WHERE s.status = 'accepted'
                 GROUP BY s.id HAVING MAX(l.at) < $1 ORDER BY s.id",
            )
            .bind(before)
            .fetch_all(pool)
            .await?
        });
        let mut out = Vec::new();
        for (id, accepted_at) in ids {
            let emails: Vec<String> = on_pool!(self, |pool| {
                sqlx::query_scalar(
                    "SELECT u.email FROM submission_speakers ss JOIN users u ON u.id = ss.user_id
                     WHERE ss.submission_id = $1 ORDER BY ss.position",
                )
                .bind(id)
                .fetch_all(pool)
                .await?
            });
            out.push((self.submission_by_id(id).await?, accepted_at, emails));
        }
        Ok(out)
    }
}
